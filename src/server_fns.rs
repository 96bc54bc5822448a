//! Server functions of the library (registered automatically by `leptos_routes`).
//!
//! - [`refresh_session`]: `POST /auth/refresh`, refresh now (for long-lived pages), through the
//!   session resolver: same-origin only (the layer's CSRF rule), `invalid_grant` signs out
//!   (401), Cognito unreachable answers 503 and keeps the cookies.
//! - [`current_user`]: `POST /auth/user`, the verified user of the request (or `None`).

use leptos::prelude::*;

use crate::CognitoUser;

#[cfg(feature = "ssr")]
fn answer(rejection: crate::rejection::Rejection) -> ServerFnError {
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(rejection.status());
        for (k, v) in rejection.headers() {
            res.insert_header(k, v);
        }
    }
    ServerFnError::new(rejection.code())
}

/// Refreshes the session now and returns the (re-)verified user.
///
/// # Errors
/// 401 when there is no session to refresh or Cognito refused it (cookies cleared), 403 for
/// cross-site calls, 503 when Cognito is unreachable.
#[server(prefix = "/auth", endpoint = "refresh")]
pub async fn refresh_session() -> Result<Option<CognitoUser>, ServerFnError> {
    use crate::{auth::CognitoAuth, rejection::Rejection};
    let parts = use_context::<http::request::Parts>()
        .ok_or_else(|| answer(Rejection::Misconfigured("a request context")))?;
    let auth = parts
        .extensions
        .get::<CognitoAuth>()
        .cloned()
        .ok_or_else(|| {
            answer(Rejection::Misconfigured(
                "CognitoAuth::layer() around the app",
            ))
        })?;
    let jar = parts
        .extensions
        .get::<tower_cookies::Cookies>()
        .cloned()
        .ok_or_else(|| {
            answer(Rejection::Misconfigured(
                "CognitoAuth::layer() around the app",
            ))
        })?;
    let session = crate::resolver::refresh_now(&auth, &parts.headers, &jar)
        .await
        .map_err(answer)?;
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.insert_header(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static("private, no-store"),
        );
    }
    Ok(Some(session.user.clone()))
}

/// The verified user of this request, or `None`.
///
/// # Errors
/// 500 when the layer is missing; otherwise only transport errors.
#[server(prefix = "/auth", endpoint = "user")]
pub async fn current_user() -> Result<Option<CognitoUser>, ServerFnError> {
    use crate::rejection::Rejection;
    let parts = use_context::<http::request::Parts>()
        .ok_or_else(|| answer(Rejection::Misconfigured("a request context")))?;
    let state = crate::session::state_of(&parts.extensions).map_err(answer)?;
    Ok(state.user().cloned())
}
