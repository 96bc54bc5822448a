//! Server functions of the library (registered automatically by `leptos_routes`).
//!
//! - [`refresh_session`]: `POST /auth/refresh`, refresh now (for long-lived pages), with the
//!   same rules as the automatic refresh: same-origin only, `invalid_grant` signs out (401),
//!   Cognito unreachable answers 503 and keeps the cookies.
//! - [`current_user`]: `POST /auth/user`, the verified user of the request (or `None`).

use leptos::prelude::*;

use crate::CognitoUser;

/// Refreshes the session now and returns the (re-)verified user.
///
/// # Errors
/// 401 when there is no session to refresh or Cognito refused it (cookies cleared), 403 for
/// cross-site calls, 503 when Cognito is unreachable.
#[server(prefix = "/auth", endpoint = "refresh")]
pub async fn refresh_session() -> Result<Option<CognitoUser>, ServerFnError> {
    use http::{header, HeaderValue, StatusCode};
    use tower_cookies::Cookies;

    use crate::{flows::logout::is_same_origin, verify::claims::user_from, CognitoAuth};

    let parts =
        use_context::<http::request::Parts>().ok_or_else(|| ServerFnError::new("no request"))?;
    let response = expect_context::<leptos_axum::ResponseOptions>();
    response.insert_header(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    let fail = |status: StatusCode, msg: &str| {
        response.set_status(status);
        ServerFnError::new(msg)
    };
    let auth = parts
        .extensions
        .get::<CognitoAuth>()
        .cloned()
        .ok_or_else(|| fail(StatusCode::INTERNAL_SERVER_ERROR, "CognitoLayer missing"))?;
    if !is_same_origin(&parts.headers, &auth.config().app_origin()) {
        return Err(fail(StatusCode::FORBIDDEN, "cross-site request refused"));
    }
    let jar = parts
        .extensions
        .get::<Cookies>()
        .cloned()
        .ok_or_else(|| fail(StatusCode::INTERNAL_SERVER_ERROR, "CognitoLayer missing"))?;
    let codec = auth.cookies();
    let refresh_token = codec
        .read_refresh(&jar)
        .filter(|_| auth.config().refresh_flow_enabled())
        .ok_or_else(|| fail(StatusCode::UNAUTHORIZED, "no session to refresh"))?;
    let old_sub = match codec.read(&jar, crate::cookies::ACCESS_COOKIE) {
        Some(t) => auth.verifier().signed_subject(&t).await,
        None => None,
    };
    match auth
        .refresher()
        .refresh_with(&auth, &refresh_token, old_sub.as_deref(), true)
        .await
    {
        Ok(r) => {
            codec.write_tokens(
                &jar,
                &r.access_token,
                r.id_token.as_deref(),
                Some(&r.refresh_token),
            );
            Ok(Some(user_from(&r.access, r.id.as_ref())))
        }
        Err(e) if e.is_unavailable() => Err(fail(
            StatusCode::SERVICE_UNAVAILABLE,
            "identity provider unavailable",
        )),
        Err(_) => {
            codec.clear_all(&jar);
            Err(fail(StatusCode::UNAUTHORIZED, "session ended"))
        }
    }
}

/// The verified user of this request, or `None`.
///
/// # Errors
/// Only transport errors.
#[server(prefix = "/auth", endpoint = "user")]
pub async fn current_user() -> Result<Option<CognitoUser>, ServerFnError> {
    let parts =
        use_context::<http::request::Parts>().ok_or_else(|| ServerFnError::new("no request"))?;
    Ok(parts
        .extensions
        .get::<crate::session::AuthState>()
        .and_then(|s| s.user().cloned()))
}
