//! `POST /auth/logout`: sign out (SPEC §4).
//!
//! 1. Same-origin only: the layer refuses a cross-origin `POST /auth/logout` with 403
//!    ([`crate::csrf`]).
//! 2. The session ends (`crate::session_end`): its tokens go on the revocation list (every
//!    replica's, with a shared store), the refresh token is revoked at `/oauth2/revoke` (Basic
//!    auth for confidential clients, `client_id` in the body for public ones; a failed revoke
//!    still logs out locally), cached verifications are forgotten.
//! 3. Every auth cookie (and chunk, the timestamps, a few pending logins) is deleted with the
//!    attributes used to set it.
//! 4. 303 to Cognito `/logout?client_id&logout_uri`, which ends the hosted-UI session.
//!
//! `GET /auth/logout` changes nothing: it shows a confirmation form that POSTs.

use axum::{extract::State, response::Response, Extension};
use http::StatusCode;
use tower_cookies::Cookies;
use url::Url;

use crate::{
    auth::CognitoAuth,
    pages::{self, see_other},
    session_end::{end_session, RevokeRefresh},
};

/// Signs out: revokes, clears cookies, and returns the Cognito logout URL to redirect to.
#[tracing::instrument(name = "leptos_cognito.logout", skip_all)]
pub async fn sign_out(auth: &CognitoAuth, jar: &Cookies) -> Url {
    end_session(auth, jar, RevokeRefresh::Now).await;
    crate::telemetry::logout();
    tracing::info!("signed out");
    auth.config().logout_endpoint()
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
