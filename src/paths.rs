//! The library's URL paths and the sign-in link, shared by the server and the browser.
//!
//! # Example
//! ```
//! use leptos_cognito::paths::{login_url, LOGIN_PATH};
//! assert_eq!(LOGIN_PATH, "/auth/login");
//! assert_eq!(login_url("/admin?x=1"), "/auth/login?return_to=%2Fadmin%3Fx%3D1");
//! ```

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// `GET /auth/login?return_to=…`: starts a sign-in at Cognito.
pub const LOGIN_PATH: &str = "/auth/login";
/// `GET /auth/callback`: where Cognito sends the browser back.
pub const CALLBACK_PATH: &str = "/auth/callback";
/// `POST /auth/logout` (a `GET` only shows a confirmation form).
pub const LOGOUT_PATH: &str = "/auth/logout";
/// Prefix of the library's own server functions (`/auth/refresh`, `/auth/user`).
pub const SERVER_FN_PREFIX: &str = "/auth";

/// RFC 3986 unreserved characters stay; everything else is percent-encoded.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The sign-in URL that comes back to `return_to` afterwards (the server sanitises it again).
///
/// # Example
/// ```
/// assert_eq!(leptos_cognito::login_url("/"), "/auth/login?return_to=%2F");
/// ```
pub fn login_url(return_to: &str) -> String {
    format!(
        "{LOGIN_PATH}?return_to={}",
        utf8_percent_encode(return_to, QUERY_VALUE)
    )
}
