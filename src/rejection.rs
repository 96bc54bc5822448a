//! [`Rejection`]: every reason the library refuses a request, and the response for it.
//!
//! One type serves the extractors, [`crate::RequireLayer`], [`crate::require`] and the layer's
//! CSRF check, so a refusal looks the same wherever it happens:
//!
//! | rejection | status | extras |
//! |---|---|---|
//! | [`Rejection::Unauthenticated`] | 401 | `WWW-Authenticate: Bearer realm=…` (pages: 303 to sign-in) |
//! | [`Rejection::InvalidToken`] | 401 | `error="invalid_token"` (pages: 303 to sign-in) |
//! | [`Rejection::ReauthenticationRequired`] | 401 | `error="insufficient_user_authentication"`, `max_age` (RFC 9470; pages: 303 to sign-in with `prompt=login`) |
//! | [`Rejection::Forbidden`] | 403 | names the unmet rule; `error="insufficient_scope"` only for scopes |
//! | [`Rejection::CrossOrigin`] | 403 | a cookie-authenticated unsafe request from another origin |
//! | [`Rejection::Unavailable`] | 503 | `Retry-After: 5`; the session's cookies are kept |
//! | [`Rejection::Misconfigured`] | 500 | logged with the missing piece |
//!
//! As a response it is JSON (`{"error", "message"}`); [`Rejection::page`] gives the variant for
//! pages (a redirect to sign-in, or an HTML page). Every rejection is `no-store`.
//!
//! # Example
//! ```
//! use axum::response::IntoResponse;
//! use leptos_cognito::Rejection;
//! let res = Rejection::Unauthenticated.into_response();
//! assert_eq!(res.status(), 401);
//! assert!(res.headers()["www-authenticate"].to_str().unwrap().starts_with("Bearer"));
//! let page = Rejection::Unauthenticated.page("/admin").into_response();
//! assert_eq!(page.status(), 303);
//! assert_eq!(page.headers()["location"], "/auth/login?return_to=%2Fadmin");
//! ```

use axum::{
    response::{IntoResponse, Response},
    Json,
};
use http::{header, HeaderValue, StatusCode};

use crate::{
    pages,
    paths::{login_url, LoginOptions},
    policy::UnmetRule,
};

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Rejection {
    /// Nobody is signed in.
    #[error("sign-in is required")]
    Unauthenticated,
    /// A bearer token was presented and refused.
    #[error("the access token is invalid or expired")]
    InvalidToken,
    /// Signed in, but longer ago than the policy allows (step-up): sign in again.
    #[error("a more recent sign-in is required")]
    ReauthenticationRequired {
        /// The policy's maximum authentication age, in seconds.
        max_age: u64,
    },
    /// Signed in, but the policy's rule is not met.
    #[error("not allowed: {0}")]
    Forbidden(UnmetRule),
    /// An unsafe request authenticated by cookies came from another origin (CSRF).
    #[error("cross-origin request refused")]
    CrossOrigin,
    /// The identity provider is unreachable while this request needed it.
    #[error("the sign-in service is unavailable")]
    Unavailable,
    /// A piece of the library is not installed (e.g. the layer around the app).
    #[error("server misconfigured: {0}")]
    Misconfigured(&'static str),
}

impl Rejection {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            Rejection::Unauthenticated
            | Rejection::InvalidToken
            | Rejection::ReauthenticationRequired { .. } => StatusCode::UNAUTHORIZED,
            Rejection::Forbidden(_) | Rejection::CrossOrigin => StatusCode::FORBIDDEN,
            Rejection::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Rejection::Misconfigured(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A short machine-readable code (the JSON `error`).
    pub fn code(&self) -> &'static str {
        match self {
            Rejection::Unauthenticated => "unauthenticated",
            Rejection::InvalidToken => "invalid_token",
            Rejection::ReauthenticationRequired { .. } => "reauthentication_required",
            Rejection::Forbidden(rule) if rule.is_scope() => "insufficient_scope",
            Rejection::Forbidden(_) => "forbidden",
            Rejection::CrossOrigin => "cross_origin",
            Rejection::Unavailable => "unavailable",
            Rejection::Misconfigured(_) => "misconfigured",
        }
    }

    /// A human message, safe to show (no token, no personal data).
    pub fn message(&self) -> String {
        match self {
            Rejection::Unauthenticated => "Sign-in is required to access this resource.".into(),
            Rejection::InvalidToken => "The access token is invalid or expired.".into(),
            Rejection::ReauthenticationRequired { .. } => {
                "Please sign in again to confirm it is you.".into()
            }
            Rejection::Forbidden(rule) => {
                format!("You are signed in but not allowed to access this resource: it requires {rule}.")
            }
            Rejection::CrossOrigin => "Requests that change data must come from this site.".into(),
            Rejection::Unavailable => {
                "The sign-in service is unavailable; please retry shortly.".into()
            }
            Rejection::Misconfigured(_) => "The server is misconfigured.".into(),
        }
    }

    /// The `WWW-Authenticate` value (RFC 6750), when one applies.
    pub fn www_authenticate(&self) -> Option<HeaderValue> {
        let v = match self {
            Rejection::Unauthenticated => r#"Bearer realm="leptos_cognito""#.to_string(),
            Rejection::InvalidToken => {
                r#"Bearer realm="leptos_cognito", error="invalid_token""#.to_string()
            }
            Rejection::ReauthenticationRequired { max_age } => format!(
                r#"Bearer realm="leptos_cognito", error="insufficient_user_authentication", error_description="A more recent authentication is required", max_age={max_age}"#
            ),
            Rejection::Forbidden(UnmetRule::Scopes(s)) => format!(
                r#"Bearer realm="leptos_cognito", error="insufficient_scope", scope="{}""#,
                s.join(" ").replace(['"', '\\'], "")
            ),
            _ => return None,
        };
        HeaderValue::from_str(&v).ok()
    }

    /// The headers every response for this rejection carries (also used by the server-function
    /// guard, which answers through Leptos' response options).
    pub fn headers(&self) -> Vec<(header::HeaderName, HeaderValue)> {
        let mut h = vec![(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        )];
        if let Some(v) = self.www_authenticate() {
            h.push((header::WWW_AUTHENTICATE, v));
        }
        if *self == Rejection::Unavailable {
            h.push((header::RETRY_AFTER, HeaderValue::from_static("5")));
        }
        h
    }

    /// The variant for pages: signed-out visitors are sent to sign-in (303, coming back to
    /// `return_to`); other refusals get an HTML page with the status.
    pub fn page(self, return_to: impl Into<String>) -> PageRejection {
        PageRejection {
            rejection: self,
            return_to: return_to.into(),
        }
    }

    /// Logs and counts the refusal (every path that answers one calls this once).
    pub(crate) fn record(&self) {
        crate::telemetry::denial(self.code());
        if let Rejection::Misconfigured(piece) = self {
            tracing::error!(missing = piece, "leptos_cognito is misconfigured");
        } else {
            tracing::info!(
                reason = self.code(),
                status = self.status().as_u16(),
                "request refused"
            );
        }
    }

    fn decorate(&self, mut res: Response) -> Response {
        for (k, v) in self.headers() {
            res.headers_mut().insert(k, v);
        }
        res
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        self.record();
        let body = Json(serde_json::json!({ "error": self.code(), "message": self.message() }));
        self.decorate((self.status(), body).into_response())
    }
}

/// A [`Rejection`] answered as a page (see [`Rejection::page`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRejection {
    rejection: Rejection,
    return_to: String,
}

impl IntoResponse for PageRejection {
    fn into_response(self) -> Response {
        let r = self.rejection;
        r.record();
        match r {
            Rejection::Unauthenticated | Rejection::InvalidToken => {
                pages::see_other(&login_url(&self.return_to))
            }
            Rejection::ReauthenticationRequired { .. } => {
                pages::see_other(&LoginOptions::new().fresh().url(&self.return_to))
            }
            _ => {
                let title = match r.status() {
                    StatusCode::FORBIDDEN => "Access denied",
                    StatusCode::SERVICE_UNAVAILABLE => "Service unavailable",
                    _ => "Server error",
                };
                let res = pages::page(r.status(), title, &r.message(), r#"<a href="/">Home</a>"#);
                r.decorate(res)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_codes() {
        let scope = Rejection::Forbidden(UnmetRule::Scopes(vec!["a/b".into()]));
        let group = Rejection::Forbidden(UnmetRule::AllGroups(vec!["admins".into()]));
        assert_eq!(scope.code(), "insufficient_scope");
        assert_eq!(group.code(), "forbidden");
        assert!(group.www_authenticate().is_none());
        assert!(scope
            .www_authenticate()
            .unwrap()
            .to_str()
            .unwrap()
            .contains(r#"scope="a/b""#));
        assert!(group.message().contains("admins"));
        assert_eq!(Rejection::CrossOrigin.status(), 403);
        assert_eq!(Rejection::Misconfigured("layer").status(), 500);
        let res = Rejection::Unavailable.into_response();
        assert_eq!(res.status(), 503);
        assert_eq!(res.headers()["retry-after"], "5");
        assert_eq!(res.headers()["cache-control"], "private, no-store");
    }

    #[test]
    fn pages() {
        let res = Rejection::Forbidden(UnmetRule::Custom("x"))
            .page("/p")
            .into_response();
        assert_eq!(res.status(), 403);
        assert_eq!(res.headers()["x-frame-options"], "DENY");
        let res = Rejection::InvalidToken.page("/p?a=1").into_response();
        assert_eq!(res.status(), 303);
        assert_eq!(
            res.headers()["location"],
            "/auth/login?return_to=%2Fp%3Fa%3D1"
        );
        let step_up = Rejection::ReauthenticationRequired { max_age: 300 };
        let res = step_up.clone().page("/p").into_response();
        assert_eq!(res.status(), 303);
        assert_eq!(
            res.headers()["location"],
            "/auth/login?return_to=%2Fp&prompt=login"
        );
        let res = step_up.into_response();
        assert_eq!(res.status(), 401);
        let www = res.headers()["www-authenticate"].to_str().unwrap();
        assert!(
            www.contains(r#"error="insufficient_user_authentication""#)
                && www.contains("max_age=300")
        );
    }
}
