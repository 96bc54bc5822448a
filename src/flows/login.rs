//! `GET /auth/login?return_to=/path`: start a sign-in at Cognito's hosted UI.
//!
//! 1. Fresh `state`, `nonce` and PKCE verifier (32 random bytes each, base64url without
//!    padding: 43 characters, RFC 7636-conformant); challenge = S256.
//! 2. They and the sanitised return path go into an encrypted login-state cookie.
//! 3. 303 to `{domain}/oauth2/authorize` with `response_type=code`, `client_id`,
//!    `redirect_uri`, `state`, `nonce`, `code_challenge`, `code_challenge_method=S256`,
//!    `scope` (when configured) and configured extra parameters, all percent-encoded.
//! 4. Per-link options from the query ([`crate::paths::LoginOptions`]), each checked, never
//!    copied blindly: `identity_provider` only from the configured allow-list
//!    (`AWS_COGNITO_IDENTITY_PROVIDERS`), `login_hint` (≤ 256 printable characters), `lang` (a
//!    language tag), `prompt` only `login` (a fresh authentication: the callback then refuses
//!    an older `auth_time`). A value given twice, unknown or malformed → 400 page, no cookie.

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
        fresh: config.authorize_params().merged(extra).prompt.as_deref() == Some("login"),
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
    let query = query.as_deref().unwrap_or("");
    // A duplicated or undecodable return_to is simply ignored (home page).
    let return_to = super::single_param(query, "return_to").ok().flatten();
    let extra = match link_options(auth.config(), query) {
        Ok(p) => p,
        Err(e) => {
            tracing::info!(error = %e, "sign-in link refused");
            return crate::pages::sign_in_error(http::StatusCode::BAD_REQUEST, &e.to_string());
        }
    };
    let url = begin(&auth, &jar, return_to.as_deref(), &extra);
    see_other(url.as_str())
}

/// A per-link sign-in option that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LinkOptionError {
    /// A parameter appears more than once.
    #[error("The sign-in link gives {0} more than once.")]
    Repeated(&'static str),
    /// `identity_provider` is not in the configured allow-list.
    #[error("This site does not offer sign-in with that identity provider.")]
    UnknownProvider,
    /// A value has the wrong shape.
    #[error("The sign-in link's {0} is not valid.")]
    Malformed(&'static str),
}

/// Longest `login_hint` accepted.
const MAX_LOGIN_HINT: usize = 256;

/// The per-link authorize parameters of a `/auth/login` query, each checked (module docs,
/// rule 4).
///
/// ```
/// # use leptos_cognito::{config::CognitoConfig, flows::login::{link_options, LinkOptionError}};
/// # let config = CognitoConfig::builder().region("eu-west-1").user_pool_id("eu-west-1_x")
/// #   .client_id("abc").domain("https://d.example").redirect_url("https://a.example/auth/callback")
/// #   .logout_url("https://a.example/").secret_key("0123456789abcdef0123456789abcdef")
/// #   .identity_providers(["Google"]).build().unwrap();
/// let p = link_options(&config, "return_to=%2F&identity_provider=Google&lang=fr").unwrap();
/// assert_eq!(p.identity_provider.as_deref(), Some("Google"));
/// assert_eq!(
///     link_options(&config, "identity_provider=Evil"),
///     Err(LinkOptionError::UnknownProvider)
/// );
/// assert!(link_options(&config, "prompt=none").is_err());
/// ```
///
/// # Errors
/// [`LinkOptionError`] naming the first parameter that cannot be used.
pub fn link_options(
    config: &crate::config::CognitoConfig,
    query: &str,
) -> Result<AuthorizeParams, LinkOptionError> {
    let get = |name: &'static str| {
        super::single_param(query, name)
            .map_err(|()| LinkOptionError::Repeated(name))
            .map(|v| v.filter(|v| !v.is_empty()))
    };
    let mut p = AuthorizeParams::new();
    if let Some(idp) = get("identity_provider")? {
        if !config.allows_identity_provider(&idp) {
            return Err(LinkOptionError::UnknownProvider);
        }
        p.identity_provider = Some(idp);
    }
    if let Some(hint) = get("login_hint")? {
        if hint.chars().count() > MAX_LOGIN_HINT || hint.chars().any(char::is_control) {
            return Err(LinkOptionError::Malformed("login_hint"));
        }
        p.login_hint = Some(hint);
    }
    if let Some(lang) = get("lang")? {
        if !is_language_tag(&lang) {
            return Err(LinkOptionError::Malformed("lang"));
        }
        p.lang = Some(lang);
    }
    match get("prompt")?.as_deref() {
        None => {}
        Some("login") => p.prompt = Some("login".into()),
        Some(_) => return Err(LinkOptionError::Malformed("prompt")),
    }
    Ok(p)
}

/// `fr`, `pt-BR`, `zh-Hant-TW`: 2–3 letters, then up to three 1–8 character subtags.
fn is_language_tag(s: &str) -> bool {
    let mut parts = s.split('-');
    let primary = parts.next().unwrap_or_default();
    let rest: Vec<&str> = parts.collect();
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_alphabetic())
        && rest.len() <= 3
        && rest
            .iter()
            .all(|t| (1..=8).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> crate::config::CognitoConfig {
        crate::config::CognitoConfig::builder()
            .region("eu-west-1")
            .user_pool_id("eu-west-1_x")
            .client_id("c")
            .domain("https://d.example")
            .redirect_url("https://a.example/auth/callback")
            .logout_url("https://a.example/")
            .secret_key("0123456789abcdef0123456789abcdef")
            .identity_providers(["Google"])
            .build()
            .unwrap()
    }

    proptest::proptest! {
        /// Whatever the query, an accepted option holds to its rule.
        #[test]
        fn accepted_link_options_hold_to_their_rules(
            idp in "(Google|google|Evil|COGNITO|Goo gle|)",
            hint in "\\PC{0,300}",
            lang in "[a-zA-Z0-9<>_-]{0,12}",
            prompt in "(login|none|consent|LOGIN|)",
        ) {
            let q: String = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("identity_provider", &idp)
                .append_pair("login_hint", &hint)
                .append_pair("lang", &lang)
                .append_pair("prompt", &prompt)
                .finish();
            match link_options(&config(), &q) {
                Ok(p) => {
                    proptest::prop_assert!(p.identity_provider.is_none() || idp == "Google");
                    proptest::prop_assert!(p.login_hint.as_deref().is_none_or(|h| h.chars().count() <= 256));
                    proptest::prop_assert!(p.lang.as_deref().is_none_or(is_language_tag));
                    proptest::prop_assert!(p.prompt.is_none() || prompt == "login");
                }
                Err(_) => proptest::prop_assert!(
                    (!idp.is_empty() && idp != "Google")
                        || hint.chars().count() > 256
                        || hint.chars().any(char::is_control)
                        || (!lang.is_empty() && !is_language_tag(&lang))
                        || (!prompt.is_empty() && prompt != "login")
                ),
            }
        }
    }

    #[test]
    fn language_tags() {
        for ok in ["fr", "pt-BR", "zh-Hant-TW", "es-419"] {
            assert!(is_language_tag(ok), "{ok}");
        }
        for bad in [
            "",
            "f",
            "french",
            "fr-",
            "fr_FR",
            "fr-BR-x-y-z",
            "<b>",
            "fr-\n",
        ] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }

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
