//! `GET /auth/login?return_to=/path`: start a sign-in at Cognito's hosted UI.
//!
//! 1. Fresh `state`, `nonce` and PKCE verifier (32 random bytes each, base64url without
//!    padding: 43 characters, RFC 7636-conformant); challenge = S256.
//! 2. They and the sanitised return path go into an encrypted login-state cookie.
//! 3. 303 to `{domain}/oauth2/authorize` with `response_type=code`, `client_id`,
//!    `redirect_uri`, `state`, `nonce`, `code_challenge`, `code_challenge_method=S256`,
//!    `scope` (when configured) and configured extra parameters, all percent-encoded.

use axum::{
    extract::{RawQuery, State},
    response::Response,
    Extension,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use sha2::{Digest, Sha256};
use tower_cookies::Cookies;
use url::Url;

use super::return_to;
use crate::{auth::CognitoAuth, config::AuthorizeParams, cookies::LoginState, pages::see_other};

/// 32 random bytes, base64url without padding (43 characters).
pub(crate) fn random_token() -> String {
    let bytes: [u8; 32] = rand::random();
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The S256 PKCE challenge of `verifier`.
///
/// # Example
/// ```
/// // RFC 7636, appendix B.
/// assert_eq!(
///     leptos_cognito::flows::login::pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
///     "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
/// );
/// ```
pub fn pkce_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Starts a login: stores the login state in `jar` and returns the authorize URL.
/// `extra` overlays the configured extra authorize parameters.
pub fn begin(
    auth: &CognitoAuth,
    jar: &Cookies,
    return_to: Option<&str>,
    extra: &AuthorizeParams,
) -> Url {
    let config = auth.config();
    let state = LoginState {
        state: random_token(),
        nonce: random_token(),
        code_verifier: random_token(),
        return_to: return_to::sanitize(return_to),
        created_at: auth.clock().now(),
    };
    let mut url = config.authorize_endpoint();
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("response_type", "code")
            .append_pair("client_id", config.client_id())
            .append_pair("redirect_uri", config.redirect_url().as_str())
            .append_pair("state", &state.state)
            .append_pair("nonce", &state.nonce)
            .append_pair("code_challenge", &pkce_challenge(&state.code_verifier))
            .append_pair("code_challenge_method", "S256");
        if let Some(scopes) = config.scopes() {
            q.append_pair("scope", &scopes.join(" "));
        }
        for (k, v) in config.authorize_params().merged(extra).pairs() {
            q.append_pair(k, v);
        }
    }
    auth.cookies().write_login_state(jar, &state);
    url
}

/// The axum handler.
#[tracing::instrument(name = "leptos_cognito.login", skip_all)]
pub async fn handler(
    State(auth): State<CognitoAuth>,
    cookies: Option<Extension<Cookies>>,
    RawQuery(query): RawQuery,
) -> Response {
    let jar = match super::jar(cookies) {
        Ok(j) => j,
        Err(r) => return axum::response::IntoResponse::into_response(r),
    };
    // A duplicated or undecodable return_to is simply ignored (home page).
    let return_to = super::single_param(query.as_deref().unwrap_or(""), "return_to")
        .ok()
        .flatten();
    let url = begin(
        &auth,
        &jar,
        return_to.as_deref(),
        &AuthorizeParams::default(),
    );
    see_other(url.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifier_is_rfc7636_conformant() {
        for _ in 0..200 {
            let v = random_token();
            assert_eq!(v.len(), 43);
            assert!(v
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c)));
        }
        assert_ne!(random_token(), random_token());
    }
}
