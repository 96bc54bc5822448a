//! The browser-facing flows (SPEC §4): login, callback, logout. Each module has the flow as a
//! plain async function (usable from server functions or custom handlers) and a thin axum
//! handler around it; [`CognitoAuth::routes`] mounts them.

pub mod callback;
pub mod login;
pub mod logout;
pub mod return_to;

pub use crate::cognito_client::IdpError;

use axum::{routing::get, Router};
use tower_cookies::Cookies;

use crate::{
    auth::CognitoAuth,
    paths::{CALLBACK_PATH, LOGIN_PATH, LOGOUT_PATH},
    rejection::{PageRejection, Rejection},
};

impl CognitoAuth {
    /// The browser-facing routes: `GET /auth/login`, `GET /auth/callback`,
    /// `GET|POST /auth/logout` (GET only shows a confirmation form). Requires
    /// [`CognitoAuth::layer`] around the app.
    ///
    /// # Example
    /// ```no_run
    /// # fn f(auth: leptos_cognito::CognitoAuth) {
    /// let app: axum::Router = axum::Router::new().merge(auth.routes()).layer(auth.layer());
    /// # }
    /// ```
    pub fn routes<S>(&self) -> Router<S>
    where
        S: Clone + Send + Sync + 'static,
    {
        Router::new()
            .route(LOGIN_PATH, get(login::handler))
            .route(CALLBACK_PATH, get(callback::handler))
            .route(LOGOUT_PATH, get(logout::confirm).post(logout::handler))
            .with_state(self.clone())
    }
}

/// The cookie jar of the request, or the (logged) error page when the layer is missing.
pub(crate) fn jar(cookies: Option<axum::Extension<Cookies>>) -> Result<Cookies, PageRejection> {
    cookies
        .map(|c| c.0)
        .ok_or_else(|| Rejection::Misconfigured("CognitoAuth::layer() around the app").page("/"))
}

/// The value of `name` in a raw query string; `Err` if it appears more than once.
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
