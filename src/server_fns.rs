//! Server functions of the library (registered automatically by `leptos_routes`).
//!
//! - [`refresh_session`]: `POST /auth/refresh`, refresh now (for long-lived pages), through the
//!   session resolver: same-origin only (the layer's CSRF rule), `invalid_grant` signs out
//!   (401), Cognito unreachable answers 503 and keeps the cookies.
//! - [`current_user`]: `POST /auth/user`, the verified user of the request (or `None`).
//! - [`session_state`]: `POST /auth/session`, the session as the browser sees it (snapshot,
//!   times, server clock): what a tab re-reads when another tab changed the session. Neither
//!   this nor `/auth/user` counts as use of the session for the idle limit.
//! - [`extend_session`]: `POST /auth/extend`, refresh now and return the new view (the
//!   "extend" button and the proactive refresh).

use leptos::prelude::*;

use crate::{context::SessionView, CognitoUser};

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

/// The request's parts, the library and the cookie jar, or the misconfiguration refusal.
#[cfg(feature = "ssr")]
fn request_parts() -> Result<
    (
        http::request::Parts,
        crate::auth::CognitoAuth,
        tower_cookies::Cookies,
    ),
    ServerFnError,
> {
    use crate::rejection::Rejection;
    let layer = || {
        answer(Rejection::Misconfigured(
            "CognitoAuth::layer() around the app",
        ))
    };
    let parts = use_context::<http::request::Parts>()
        .ok_or_else(|| answer(Rejection::Misconfigured("a request context")))?;
    let auth = parts
        .extensions
        .get::<crate::auth::CognitoAuth>()
        .cloned()
        .ok_or_else(layer)?;
    let jar = parts
        .extensions
        .get::<tower_cookies::Cookies>()
        .cloned()
        .ok_or_else(layer)?;
    Ok((parts, auth, jar))
}

#[cfg(feature = "ssr")]
fn no_store() {
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.insert_header(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static("private, no-store"),
        );
    }
}

/// The session as the browser sees it: snapshot, times and the server's clock. Never a
/// token. Not a use of the session (the idle limit does not move).
///
/// # Errors
/// 500 when the layer is missing; otherwise only transport errors.
#[server(prefix = "/auth", endpoint = "session")]
pub async fn session_state() -> Result<SessionView, ServerFnError> {
    let (parts, _, _) = request_parts()?;
    crate::session::state_of(&parts.extensions).map_err(answer)?;
    no_store();
    Ok(crate::context::server_view())
}

/// Refreshes the session now (always asking Cognito) and returns the new view: the
/// "extend session" action. It counts as use of the session.
///
/// # Errors
/// 401 when there is no cookie session to refresh (refresh flow off, signed out, a bearer
/// token, or Cognito refused: cookies cleared), 403 for cross-site calls, 503 when Cognito
/// is unreachable.
#[server(prefix = "/auth", endpoint = "extend")]
pub async fn extend_session() -> Result<SessionView, ServerFnError> {
    use crate::{rejection::Rejection, session::AuthState};
    let (parts, auth, jar) = request_parts()?;
    let state = crate::session::state_of(&parts.extensions).map_err(answer)?;
    // A bearer token is not a cookie session: nothing to extend (and its limits were not
    // judged for this request).
    let bearer = state
        .session()
        .is_some_and(|s| s.source == crate::session::CredentialSource::Bearer);
    if bearer || matches!(state, AuthState::SignedOut | AuthState::InvalidBearer) {
        return Err(answer(Rejection::Unauthenticated));
    }
    let session = crate::resolver::refresh_now(&auth, &parts.headers, &jar)
        .await
        .map_err(answer)?;
    no_store();
    let config = auth.config();
    let mut session = crate::Session::clone(&session);
    // The layer moved the last-use time for this request: the limits follow the cookie.
    if let Some(stamp) = auth.cookies().read_stamp(&jar) {
        session.limits = crate::limits::limits_of(config, &stamp);
    }
    Ok(SessionView {
        snapshot: if config.disabled() {
            crate::AuthSnapshot::Disabled(Some(session.user.clone()))
        } else {
            crate::AuthSnapshot::SignedIn(session.user.clone())
        },
        times: crate::context::times_of(config, &session),
        server_now: auth.clock().now(),
    })
}

/// Refreshes the session now and returns the (re-)verified user.
///
/// # Errors
/// 401 when there is no session to refresh or Cognito refused it (cookies cleared), 403 for
/// cross-site calls, 503 when Cognito is unreachable.
#[server(prefix = "/auth", endpoint = "refresh")]
pub async fn refresh_session() -> Result<Option<CognitoUser>, ServerFnError> {
    let (parts, auth, jar) = request_parts()?;
    let session = crate::resolver::refresh_now(&auth, &parts.headers, &jar)
        .await
        .map_err(answer)?;
    no_store();
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
