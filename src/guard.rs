//! Enforcing a [`Policy`] on the server: the route layer for plain axum routes and JSON APIs,
//! and [`require`] for server functions.
//!
//! Outcomes:
//! 1. Nobody signed in → APIs and server functions: **401** with
//!    `WWW-Authenticate: Bearer` (`error="invalid_token"` when a bad bearer token was sent);
//!    pages: **303** to `/auth/login?return_to=<this path>`.
//! 2. Signed in but not allowed → **403** (`error="insufficient_scope"` for scope policies).
//! 3. Cognito unreachable while the session needed it → **503** with `Retry-After`.
//! 4. `AWS_COGNITO_DISABLED` → everything passes.
//!
//! # Example
//! ```no_run
//! use axum::{routing::get, Router};
//! use leptos_cognito::{guard::RequireLayer, CognitoUser, Policy};
//!
//! async fn me(user: Option<CognitoUser>) -> axum::Json<Option<CognitoUser>> { axum::Json(user) }
//! # fn f(auth: leptos_cognito::CognitoAuth) {
//! let api: Router = Router::new()
//!     .route("/api/me", get(me))
//!     .route_layer(RequireLayer::api(Policy::signed_in()))
//!     .layer(auth.layer());
//! # }
//! ```

use std::{
    future::Future,
    pin::Pin,
    task::{Context, Poll},
};

use axum::{
    body::Body,
    response::{IntoResponse, Response},
    Json,
};
use http::{header, HeaderValue, Request, StatusCode};
use tower::{Layer, Service};

use crate::{policy::Decision, session::AuthState, CognitoAuth, CognitoUser, Policy};

/// Why a request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denial {
    /// No credential: 401.
    Unauthenticated,
    /// A bearer token was presented and refused: 401 `invalid_token`.
    InvalidToken,
    /// Signed in, not allowed: 403.
    Forbidden {
        /// Whether the policy failed on scopes (`insufficient_scope`).
        scope: bool,
    },
    /// Cognito unavailable: 503.
    Unavailable,
}

impl Denial {
    /// The HTTP status.
    pub fn status(self) -> StatusCode {
        match self {
            Denial::Unauthenticated | Denial::InvalidToken => StatusCode::UNAUTHORIZED,
            Denial::Forbidden { .. } => StatusCode::FORBIDDEN,
            Denial::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// A short machine-readable code.
    pub fn code(self) -> &'static str {
        match self {
            Denial::Unauthenticated => "unauthenticated",
            Denial::InvalidToken => "invalid_token",
            Denial::Forbidden { scope: true } => "insufficient_scope",
            Denial::Forbidden { scope: false } => "forbidden",
            Denial::Unavailable => "unavailable",
        }
    }

    /// A human message.
    pub fn message(self) -> &'static str {
        match self {
            Denial::Unauthenticated => "Sign-in is required to access this resource.",
            Denial::InvalidToken => "The access token is invalid or expired.",
            Denial::Forbidden { scope: true } => "The access token lacks a required scope.",
            Denial::Forbidden { scope: false } => {
                "You are signed in but not allowed to access this resource."
            }
            Denial::Unavailable => "The sign-in service is unavailable; please retry shortly.",
        }
    }

    /// The `WWW-Authenticate` value (RFC 6750), when one applies.
    pub fn www_authenticate(self) -> Option<&'static str> {
        match self {
            Denial::Unauthenticated => Some(r#"Bearer realm="leptos_cognito""#),
            Denial::InvalidToken => Some(r#"Bearer realm="leptos_cognito", error="invalid_token""#),
            Denial::Forbidden { scope: true } => {
                Some(r#"Bearer realm="leptos_cognito", error="insufficient_scope""#)
            }
            _ => None,
        }
    }

    /// The JSON response for APIs.
    pub fn api_response(self) -> Response {
        let mut res = (
            self.status(),
            Json(serde_json::json!({ "error": self.code(), "message": self.message() })),
        )
            .into_response();
        self.decorate(&mut res);
        res
    }

    /// The response for pages: a redirect to login when signed out, an HTML page otherwise.
    pub fn page_response(self, path_and_query: &str) -> Response {
        match self {
            Denial::Unauthenticated | Denial::InvalidToken => {
                crate::flows::see_other(&crate::login_url(path_and_query))
            }
            _ => {
                let mut res = crate::pages::page(
                    self.status(),
                    if self.status() == StatusCode::FORBIDDEN {
                        "Access denied"
                    } else {
                        "Service unavailable"
                    },
                    self.message(),
                    r#"<a href="/">Home</a>"#,
                );
                self.decorate(&mut res);
                res
            }
        }
    }

    fn decorate(self, res: &mut Response) {
        if let Some(v) = self.www_authenticate() {
            res.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(v));
        }
        if self == Denial::Unavailable {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

/// Evaluates `policy` against a request's [`AuthState`]. `disabled` is
/// `AWS_COGNITO_DISABLED`.
///
/// # Errors
/// The [`Denial`] when the policy does not allow the request.
pub fn check(
    policy: &Policy,
    state: &AuthState,
    disabled: bool,
) -> Result<Option<CognitoUser>, Denial> {
    if disabled {
        return Ok(state.user().cloned());
    }
    match state {
        AuthState::Unavailable => Err(Denial::Unavailable),
        AuthState::InvalidBearer => Err(Denial::InvalidToken),
        _ => match policy.evaluate(state.user(), false) {
            Decision::Allow => Ok(state.user().cloned()),
            Decision::Unauthenticated => Err(Denial::Unauthenticated),
            Decision::Forbidden => Err(Denial::Forbidden {
                scope: policy.requires_scopes(),
            }),
        },
    }
}

/// Whether refused requests get JSON (APIs) or redirects and HTML pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuardMode {
    /// 401/403 JSON with `WWW-Authenticate`.
    Api,
    /// 303 to login / HTML 403.
    Page,
}

/// A route layer enforcing a [`Policy`]. Needs [`crate::CognitoLayer`] outside it.
#[derive(Clone, Debug)]
pub struct RequireLayer {
    policy: Policy,
    mode: GuardMode,
}

impl RequireLayer {
    /// For JSON APIs.
    pub fn api(policy: Policy) -> Self {
        Self {
            policy,
            mode: GuardMode::Api,
        }
    }
    /// For pages.
    pub fn page(policy: Policy) -> Self {
        Self {
            policy,
            mode: GuardMode::Page,
        }
    }
}

impl<S> Layer<S> for RequireLayer {
    type Service = RequireService<S>;
    fn layer(&self, inner: S) -> Self::Service {
        RequireService {
            inner,
            policy: self.policy.clone(),
            mode: self.mode,
        }
    }
}

/// The service of [`RequireLayer`].
#[derive(Clone, Debug)]
pub struct RequireService<S> {
    inner: S,
    policy: Policy,
    mode: GuardMode,
}

impl<S> Service<Request<Body>> for RequireService<S>
where
    S: Service<Request<Body>, Response = Response> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<Body>) -> Self::Future {
        let disabled = req
            .extensions()
            .get::<CognitoAuth>()
            .is_some_and(|a| a.config().disabled());
        let state = req
            .extensions()
            .get::<AuthState>()
            .cloned()
            .unwrap_or_default();
        match check(&self.policy, &state, disabled) {
            Ok(_) => {
                let clone = self.inner.clone();
                let mut inner = std::mem::replace(&mut self.inner, clone);
                Box::pin(async move { inner.call(req).await })
            }
            Err(denial) => {
                let res = match self.mode {
                    GuardMode::Api => denial.api_response(),
                    GuardMode::Page => {
                        let pq = req
                            .uri()
                            .path_and_query()
                            .map_or("/", |p| p.as_str())
                            .to_string();
                        denial.page_response(&pq)
                    }
                };
                Box::pin(async move { Ok(res) })
            }
        }
    }
}

/// Server-function guard: the signed-in user if `policy` allows the current request.
///
/// Sets the response status (401 with `WWW-Authenticate: Bearer`, 403, or 503) and returns a
/// `ServerFnError` otherwise. With `AWS_COGNITO_DISABLED` it always passes (the user may then
/// be `None`).
///
/// # Example
/// ```no_run
/// use leptos::prelude::*;
/// use leptos_cognito::Policy;
///
/// #[server]
/// pub async fn admin_stats() -> Result<u32, ServerFnError> {
///     let _user = leptos_cognito::require(&Policy::groups(["admins"])).await?;
///     Ok(42)
/// }
/// ```
///
/// # Errors
/// When the policy refuses the request, or when called outside a request.
pub async fn require(
    policy: &Policy,
) -> Result<Option<CognitoUser>, leptos::prelude::ServerFnError> {
    use leptos::prelude::{use_context, ServerFnError};
    let Some(parts) = use_context::<http::request::Parts>() else {
        return Err(ServerFnError::new("require() called outside a request"));
    };
    let disabled = parts
        .extensions
        .get::<CognitoAuth>()
        .is_some_and(|a| a.config().disabled());
    let state = parts
        .extensions
        .get::<AuthState>()
        .cloned()
        .unwrap_or_default();
    check(policy, &state, disabled).map_err(|denial| {
        if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
            res.set_status(denial.status());
            if let Some(v) = denial.www_authenticate() {
                res.insert_header(header::WWW_AUTHENTICATE, HeaderValue::from_static(v));
            }
            if denial == Denial::Unavailable {
                res.insert_header(header::RETRY_AFTER, HeaderValue::from_static("5"));
            }
        }
        ServerFnError::new(denial.code())
    })
}
