//! `GET /auth/callback?code&state` (or `?error&error_description&state`): finish a sign-in.
//!
//! 1. The state must match a present, unexpired login-state cookie (constant-time compare);
//!    otherwise nothing is sent to the token endpoint.
//! 2. A Cognito `error` ends the login (the description is shown escaped).
//! 3. The code is exchanged with the PKCE verifier; both tokens are verified, the ID token's
//!    nonce included, and must share one `sub`.
//! 4. A login that asked for a fresh authentication (`prompt=login`, step-up) refuses tokens
//!    whose `auth_time` is older than the login (401): no redirect loop, no silent reuse of
//!    an old IdP session.
//! 5. With an absolute session limit, the session counts from the tokens' `auth_time`: a
//!    sign-in through an IdP session older than the limit is sent to a fresh sign-in
//!    (`prompt=login`) instead of starting a new window without credentials.
//! 6. Success: token cookies set (and the session timestamps, with session limits), the login-state cookie deleted, 303 to the saved return path
//!    with `Cache-Control: no-store`.
//! 7. Every failure: an escaped error page with 400/401/502/504, no token cookie, this
//!    callback's login-state cookie cleared (other tabs' pending logins kept), a typed error
//!    logged without secrets. Never a 500.
//! 8. A Cognito `error` is only described once the `state` matched: a forged callback link
//!    cannot put its own words on our page.

use axum::{
    extract::{RawQuery, State},
    response::Response,
    Extension,
};
use http::StatusCode;
use subtle::ConstantTimeEq;
use tower_cookies::Cookies;

use crate::{
    auth::CognitoAuth,
    cognito_client::IdpError,
    cookies::{CookieError, SessionStamp},
    pages::see_other,
    verify::VerifyError,
};

/// Why a callback failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum CallbackError {
    /// Cognito redirected back with an OAuth error.
    #[error("the identity provider returned {error}")]
    Provider {
        /// The `error` code.
        error: String,
        /// `error_description`.
        description: Option<String>,
    },
    /// `code` or `state` missing, or given twice.
    #[error("the callback is missing its code or state")]
    BadRequest,
    /// No login-state cookie for this state (expired, already used, other browser).
    #[error(
        "no pending sign-in matches this callback (expired, already used, or started elsewhere)"
    )]
    NoLoginState,
    /// The state does not match the pending login.
    #[error("the sign-in state does not match")]
    StateMismatch,
    /// The token endpoint refused or failed.
    #[error("token exchange failed: {0}")]
    Exchange(#[from] IdpError),
    /// A token did not verify.
    #[error("a returned token failed verification: {0}")]
    Token(#[from] VerifyError),
    /// The tokens do not fit in cookies.
    #[error("the tokens cannot be stored: {0}")]
    Storage(#[from] CookieError),
    /// A fresh sign-in was asked for (`prompt=login`) and the tokens' `auth_time` is older
    /// than the request: the identity provider did not authenticate the user again.
    #[error("the identity provider did not authenticate the user again")]
    NotReauthenticated,
    /// The identity provider signed the user in from its own session, authenticated longer
    /// ago than `AWS_COGNITO_SESSION_MAX_SECONDS`: the handler sends the browser to a fresh
    /// sign-in (`prompt=login`) back to `return_to`.
    #[error("the authentication is older than the session's absolute limit")]
    NeedsFreshSignIn {
        /// Where the sign-in was going.
        return_to: String,
    },
}

impl CallbackError {
    /// A short code for logs and metrics.
    pub fn code(&self) -> &'static str {
        match self {
            CallbackError::Provider { .. } => "provider_error",
            CallbackError::BadRequest => "bad_request",
            CallbackError::NoLoginState => "no_login_state",
            CallbackError::StateMismatch => "state_mismatch",
            CallbackError::Exchange(_) => "exchange_failed",
            CallbackError::Token(_) => "untrusted_token",
            CallbackError::Storage(_) => "storage",
            CallbackError::NotReauthenticated => "not_reauthenticated",
            CallbackError::NeedsFreshSignIn { .. } => "needs_fresh_sign_in",
        }
    }

    /// The HTTP status of the error page.
    pub fn status(&self) -> StatusCode {
        match self {
            CallbackError::Provider { error, .. } => match error.as_str() {
                "access_denied" => StatusCode::UNAUTHORIZED,
                "server_error" => StatusCode::BAD_GATEWAY,
                "temporarily_unavailable" => StatusCode::SERVICE_UNAVAILABLE,
                _ => StatusCode::BAD_REQUEST,
            },
            CallbackError::BadRequest
            | CallbackError::NoLoginState
            | CallbackError::StateMismatch => StatusCode::BAD_REQUEST,
            CallbackError::Exchange(e) => e.status(),
            CallbackError::Token(e) if e.is_transient() => StatusCode::BAD_GATEWAY,
            CallbackError::Token(_) => StatusCode::UNAUTHORIZED,
            CallbackError::Storage(_) => StatusCode::BAD_GATEWAY,
            CallbackError::NotReauthenticated => StatusCode::UNAUTHORIZED,
            CallbackError::NeedsFreshSignIn { .. } => StatusCode::SEE_OTHER,
        }
    }

    /// The message shown to the user (escaped by the page).
    pub fn user_message(&self) -> String {
        match self {
            CallbackError::Provider { error, description } => match description {
                Some(d) => format!("The sign-in service reported “{error}”: {d}"),
                None => format!("The sign-in service reported “{error}”."),
            },
            CallbackError::BadRequest => "The sign-in response was incomplete.".into(),
            CallbackError::NoLoginState => {
                "This sign-in link has expired or was already used. Please sign in again.".into()
            }
            CallbackError::StateMismatch => {
                "The sign-in response did not match this browser's request.".into()
            }
            CallbackError::Exchange(e) if e.is_unavailable() => {
                "The sign-in service is not responding. Please try again in a moment.".into()
            }
            CallbackError::Exchange(_) => {
                "The sign-in service refused to complete the sign-in.".into()
            }
            CallbackError::Token(_) => {
                "The sign-in service returned a token we could not trust.".into()
            }
            CallbackError::Storage(_) => {
                "The sign-in service returned tokens too large to keep in this browser.".into()
            }
            CallbackError::NotReauthenticated => {
                "This page needs you to sign in again, and the sign-in service did not ask for \
                 your credentials. Please try again."
                    .into()
            }
            CallbackError::NeedsFreshSignIn { .. } => {
                "Your session reached its maximum length: please sign in again.".into()
            }
        }
    }
}

/// Completes a login from the callback's raw query string. On success the token cookies are
/// in `jar` and the return path is returned. The login-state cookie of this callback's `state`
/// is cleared in every case; other tabs' pending logins are left alone.
///
/// A Cognito `error` is reported only once the `state` matches a pending login: until then
/// the `error_description` (attacker-writable in a forged link) is never shown.
///
/// # Errors
/// See [`CallbackError`].
#[tracing::instrument(name = "leptos_cognito.callback", skip_all)]
pub async fn complete(
    auth: &CognitoAuth,
    jar: &Cookies,
    query: &str,
) -> Result<String, CallbackError> {
    let codec = auth.cookies();
    let param = |name| super::single_param(query, name).map_err(|_| CallbackError::BadRequest);
    let state = param("state");
    let result = async {
        let state = state.clone()?.filter(|s| !s.is_empty() && s.len() <= 512);
        let error = param("error")?;
        let Some(state) = state else {
            return Err(if error.is_some() && !codec.has_login_state(jar) {
                CallbackError::NoLoginState
            } else {
                CallbackError::BadRequest
            });
        };
        let Some(login) = codec.read_login_state(jar, &state, auth.clock().now()) else {
            return Err(if codec.has_login_state(jar) {
                CallbackError::StateMismatch
            } else {
                CallbackError::NoLoginState
            });
        };
        if !bool::from(login.state.as_bytes().ct_eq(state.as_bytes())) {
            return Err(CallbackError::StateMismatch);
        }
        if let Some(error) = error {
            return Err(CallbackError::Provider {
                error: error.chars().take(64).collect(),
                description: param("error_description")?.map(|d| d.chars().take(300).collect()),
            });
        }
        let Some(code) = param("code")? else {
            return Err(CallbackError::BadRequest);
        };
        if code.is_empty() || code.len() > 2048 {
            return Err(CallbackError::BadRequest);
        }
        let tokens = auth
            .client()
            .exchange_code(&code, &login.code_verifier)
            .await?;
        let verifier = auth.verifier();
        let access = verifier
            .verify_access_uncached(&tokens.access_token)
            .await?;
        let mut auth_time = access.claims().auth_time();
        if let Some(id_token) = &tokens.id_token {
            let id = verifier.verify_id(id_token, Some(&login.nonce)).await?;
            if id.subject() != access.subject() {
                return Err(CallbackError::Token(VerifyError::SubjectMismatch));
            }
            auth_time = id.claims().auth_time.or(auth_time);
        }
        // Step-up: the user must have authenticated after this login started (with the
        // configured leeway for the IdP's clock).
        let leeway = auth.config().leeway().as_secs() as i64;
        if login.fresh && auth_time.is_none_or(|t| t + leeway < login.created_at) {
            return Err(CallbackError::NotReauthenticated);
        }
        let now = auth.clock().now();
        let signed_in_at = match crate::limits::sign_in_time(auth.config(), auth_time, now) {
            Some(t) => t,
            // A fresh sign-in gets a fresh auth_time; only a reused IdP session lands here.
            None if !login.fresh => {
                return Err(CallbackError::NeedsFreshSignIn {
                    return_to: login.return_to,
                })
            }
            None => return Err(CallbackError::NotReauthenticated),
        };
        let refresh = tokens
            .refresh_token
            .as_deref()
            .filter(|_| auth.config().refresh_flow_enabled());
        codec.write_tokens(
            jar,
            &tokens.access_token,
            tokens.id_token.as_deref(),
            refresh,
        )?;
        if auth.config().session_limits() {
            let stamp = SessionStamp {
                signed_in_at,
                ..SessionStamp::new(access.subject(), now)
            };
            codec.write_stamp(jar, &stamp);
        }
        tracing::info!("signed in");
        Ok(login.return_to)
    }
    .await;
    if let Ok(Some(s)) = &state {
        codec.clear_login_state(jar, s);
    }
    crate::telemetry::sign_in(result.as_ref().map_or_else(CallbackError::code, |_| "ok"));
    result
}

/// The axum handler.
pub async fn handler(
    State(auth): State<CognitoAuth>,
    cookies: Option<Extension<Cookies>>,
    RawQuery(query): RawQuery,
) -> Response {
    let jar = match super::jar(cookies) {
        Ok(j) => j,
        Err(r) => return axum::response::IntoResponse::into_response(r),
    };
    match complete(&auth, &jar, query.as_deref().unwrap_or("")).await {
        Ok(return_to) => see_other(&return_to),
        Err(CallbackError::NeedsFreshSignIn { return_to }) => {
            tracing::info!(
                "the IdP's session is older than the absolute limit: asking for a fresh sign-in"
            );
            see_other(&crate::paths::LoginOptions::new().fresh().url(&return_to))
        }
        Err(e) => {
            tracing::warn!(reason = e.code(), error = %e, status = e.status().as_u16(), "sign-in callback failed");
            crate::pages::sign_in_error(e.status(), &e.user_message())
        }
    }
}
