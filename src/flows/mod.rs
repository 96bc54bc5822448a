//! The browser-facing flows (SPEC §4): login, callback, logout. Each module has the flow as a
//! plain async function (usable from server functions or custom handlers) and a thin axum
//! handler around it, mounted by [`crate::CognitoAuth::routes`].

pub mod callback;
pub mod login;
pub mod logout;
pub mod return_to;

use axum::response::{IntoResponse, Response};
use http::{header, HeaderValue, StatusCode};
use tower_cookies::Cookies;

/// A 303 redirect with `Cache-Control: no-store`.
pub(crate) fn see_other(location: &str) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    res
}

/// The cookie jar of the request, or an error page when the [`crate::CognitoLayer`] is missing.
pub(crate) fn jar(cookies: Option<axum::Extension<Cookies>>) -> Result<Cookies, Response> {
    cookies.map(|c| c.0).ok_or_else(|| {
        tracing::error!("leptos_cognito routes need CognitoAuth::layer() around the app");
        crate::pages::page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Server misconfigured",
            "The authentication layer is not installed.",
            "",
        )
    })
}

/// The first value of `name` in a raw query string; `Err` if it appears more than once.
pub(crate) fn single_param(query: &str, name: &str) -> Result<Option<String>, ()> {
    let mut found = None;
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        if k == name {
            if found.is_some() {
                return Err(());
            }
            found = Some(v.into_owned());
        }
    }
    Ok(found)
}
