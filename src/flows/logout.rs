//! `POST /auth/logout`: sign out (SPEC §4).
//!
//! 1. Same-origin only: the layer refuses a cross-origin `POST /auth/logout` with 403
//!    ([`crate::csrf`]).
//! 2. The session (`origin_jti`, else `jti`, of the access and ID tokens) goes on the
//!    revocation list: copies of its tokens are refused by this process, as cookies and as
//!    bearer tokens, until they (and any token a refresh in flight could mint) expire; with a
//!    shared store, by every replica too.
//! 3. The refresh token is revoked at `/oauth2/revoke` (Basic auth for confidential clients,
//!    `client_id` in the body for public ones); a failed revoke still logs out locally.
//! 4. Every auth cookie (and chunk, and a few pending logins) is deleted with the attributes
//!    used to set it; cached verification results of these tokens are forgotten.
//! 5. 303 to Cognito `/logout?client_id&logout_uri`, which ends the hosted-UI session.
//!
//! `GET /auth/logout` changes nothing: it shows a confirmation form that POSTs.

use axum::{extract::State, response::Response, Extension};
use http::StatusCode;
use tower_cookies::Cookies;
use url::Url;

use crate::{
    auth::CognitoAuth,
    pages::{self, see_other},
    verify::{TokenClaims, VerifyError},
};

/// How long past "now + the token's lifetime" a revoked session stays on the list: covers a
/// refresh that was in flight during the logout.
const REVOCATION_MARGIN_SECS: i64 = 120;
/// The longest access-token lifetime Cognito allows (one day).
const MAX_ACCESS_TOKEN_LIFETIME_SECS: i64 = 86_400;

/// Signs out: revokes, clears cookies, and returns the Cognito logout URL to redirect to.
#[tracing::instrument(name = "leptos_cognito.logout", skip_all)]
pub async fn sign_out(auth: &CognitoAuth, jar: &Cookies) -> Url {
    let codec = auth.cookies();
    let tokens = codec.read_tokens(jar);
    revoke_session(auth, tokens.access.as_deref(), tokens.id.as_deref()).await;
    if let Some(refresh) = &tokens.refresh {
        auth.refresher().forget(refresh).await;
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
    crate::telemetry::logout();
    tracing::info!("signed out");
    auth.config().logout_endpoint()
}

/// Puts the session of these tokens on the revocation list (valid or expired tokens alike:
/// only authentic ones are trusted to name a session).
async fn revoke_session(auth: &CognitoAuth, access: Option<&str>, id: Option<&str>) {
    let verifier = auth.verifier();
    let now = auth.clock().now();
    let until = |exp: i64, iat: i64| exp.max(now + (exp - iat).max(0)) + REVOCATION_MARGIN_SECS;
    if let Some(t) = access {
        match verifier.verify_access(t).await {
            Ok(v) => {
                if let Some(sid) = v.session_id() {
                    auth.revoke_session(sid, until(v.exp(), v.iat())).await;
                }
            }
            // A refresh in flight may still mint tokens of this session: refuse them for as
            // long as Cognito lets an access token live.
            Err(VerifyError::Expired {
                session_id: Some(sid),
                ..
            }) => {
                auth.revoke_session(
                    &sid,
                    now + MAX_ACCESS_TOKEN_LIFETIME_SECS + REVOCATION_MARGIN_SECS,
                )
                .await
            }
            Err(VerifyError::Expired { .. } | VerifyError::Revoked) => {}
            Err(e) => tracing::debug!(error = %e, "access-token cookie not revocable"),
        }
    }
    if let Some(t) = id {
        match verifier.verify_id(t, None).await {
            Ok(v) => {
                if let Some(sid) = v.session_id() {
                    auth.revoke_session(sid, until(v.exp(), v.iat())).await;
                }
            }
            Err(e) => tracing::debug!(error = %e, "ID-token cookie not revocable"),
        }
    }
}

/// The POST handler (the layer has checked that the request is same-origin).
pub async fn handler(
    State(auth): State<CognitoAuth>,
    cookies: Option<Extension<Cookies>>,
) -> Response {
    let jar = match super::jar(cookies) {
        Ok(j) => j,
        Err(r) => return axum::response::IntoResponse::into_response(r),
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
