//! `POST /auth/logout`: sign out (SPEC §4).
//!
//! 1. Same-origin only: `Sec-Fetch-Site` must be `same-origin` (or `none`) when present,
//!    otherwise `Origin` must equal the app's origin when present; cross-site → 403.
//! 2. The refresh token is revoked at `/oauth2/revoke` (Basic auth for confidential clients,
//!    `client_id` in the body for public ones); a failed revoke still logs out locally.
//! 3. Every auth cookie (and chunk, and pending login) is deleted with the attributes used to
//!    set it; cached verification results of these tokens are forgotten.
//! 4. 303 to Cognito `/logout?client_id&logout_uri`, which ends the hosted-UI session.
//!
//! `GET /auth/logout` changes nothing: it shows a confirmation form that POSTs.

use axum::{extract::State, response::Response, Extension};
use http::{header, HeaderMap, StatusCode};
use tower_cookies::Cookies;
use url::Url;

use super::see_other;
use crate::{pages, CognitoAuth};

/// Whether the request comes from our own origin (CSRF defence): `Sec-Fetch-Site` when the
/// browser sends it, else `Origin`, else the `Referer`'s origin. Requests carrying none of them
/// (non-browser clients) are accepted.
pub fn is_same_origin(headers: &HeaderMap, app_origin: &str) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return matches!(site.to_str(), Ok("same-origin" | "none"));
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        return origin
            .to_str()
            .is_ok_and(|o| o.eq_ignore_ascii_case(app_origin));
    }
    match headers.get(header::REFERER) {
        Some(referer) => referer
            .to_str()
            .ok()
            .and_then(|r| Url::parse(r).ok())
            .is_some_and(|u| {
                u.origin()
                    .ascii_serialization()
                    .eq_ignore_ascii_case(app_origin)
            }),
        None => true,
    }
}

/// Signs out: revokes, clears cookies, and returns the Cognito logout URL to redirect to.
pub async fn sign_out(auth: &CognitoAuth, jar: &Cookies) -> Url {
    let codec = auth.cookies();
    let tokens = codec.read_tokens(jar);
    if let Some(refresh) = &tokens.refresh {
        auth.refresher().forget(refresh);
        if let Err(e) = auth.client().revoke(refresh).await {
            tracing::warn!(error = %e, "refresh-token revocation failed; logging out locally anyway");
        }
    }
    let cached: Vec<&str> = [tokens.access.as_deref(), tokens.id.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    auth.verifier().forget(&cached);
    codec.clear_all(jar);
    tracing::info!("signed out");
    auth.config().logout_endpoint()
}

/// The POST handler.
pub async fn handler(
    State(auth): State<CognitoAuth>,
    cookies: Option<Extension<Cookies>>,
    headers: HeaderMap,
) -> Response {
    if !is_same_origin(&headers, &auth.config().app_origin()) {
        tracing::warn!("cross-site logout attempt refused");
        return pages::page(
            StatusCode::FORBIDDEN,
            "Sign-out refused",
            "Sign-out requests must come from this site.",
            r#"<a href="/">Home</a>"#,
        );
    }
    let jar = match super::jar(cookies) {
        Ok(j) => j,
        Err(r) => return r,
    };
    let url = sign_out(&auth, &jar).await;
    see_other(url.as_str())
}

/// The GET handler: a confirmation form, no state change.
pub async fn confirm() -> Response {
    pages::page(
        StatusCode::OK,
        "Sign out?",
        "Press the button to sign out of this site and of the sign-in service.",
        r#"<form method="post" action="/auth/logout"><button type="submit">Sign out</button></form><a class="secondary" href="/">Cancel</a>"#,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut m = HeaderMap::new();
        for (k, v) in pairs {
            m.insert(*k, v.parse().unwrap());
        }
        m
    }

    #[test]
    fn same_origin_rules() {
        let o = "http://127.0.0.1:3000";
        assert!(is_same_origin(&h(&[("sec-fetch-site", "same-origin")]), o));
        assert!(!is_same_origin(&h(&[("sec-fetch-site", "cross-site")]), o));
        assert!(!is_same_origin(&h(&[("sec-fetch-site", "same-site")]), o));
        assert!(is_same_origin(
            &h(&[("origin", "http://127.0.0.1:3000")]),
            o
        ));
        assert!(!is_same_origin(
            &h(&[("origin", "https://evil.example")]),
            o
        ));
        assert!(!is_same_origin(&h(&[("origin", "null")]), o));
        assert!(!is_same_origin(
            &h(&[("referer", "https://evil.example/page")]),
            o
        ));
        assert!(is_same_origin(
            &h(&[("referer", "http://127.0.0.1:3000/profile")]),
            o
        ));
        assert!(!is_same_origin(&h(&[("referer", "not a url")]), o));
        assert!(is_same_origin(&h(&[]), o));
    }
}
