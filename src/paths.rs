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
/// Prefix of the library's own server functions (`/auth/refresh`, `/auth/user`,
/// `/auth/session`, `/auth/extend`).
pub const SERVER_FN_PREFIX: &str = "/auth";
/// `POST /auth/session`: the browser re-reads the session (another tab changed it). Not a use
/// of the session for the idle limit.
pub const SESSION_FN_PATH: &str = "/auth/session";
/// `POST /auth/user`: the verified user. Not a use of the session for the idle limit.
pub const USER_FN_PATH: &str = "/auth/user";

/// RFC 3986 unreserved characters stay; everything else is percent-encoded.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Per-link options of a sign-in (`/auth/login`'s query parameters besides `return_to`).
///
/// The server checks each one: `identity_provider` must be in the configuration's allow-list
/// (`AWS_COGNITO_IDENTITY_PROVIDERS`), `login_hint` is at most 256 printable characters,
/// `lang` a language tag such as `fr` or `pt-BR`; anything else is refused with 400.
///
/// # Example
/// ```
/// use leptos_cognito::paths::LoginOptions;
/// let o = LoginOptions::new().identity_provider("Google").login_hint("alice@example.com");
/// assert_eq!(
///     o.url("/notes"),
///     "/auth/login?return_to=%2Fnotes&identity_provider=Google&login_hint=alice%40example.com"
/// );
/// assert_eq!(LoginOptions::new().fresh().url("/"), "/auth/login?return_to=%2F&prompt=login");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoginOptions {
    /// `identity_provider`: a federated provider of the user pool (from the allow-list).
    pub identity_provider: Option<String>,
    /// `login_hint`: prefills the username on the sign-in page.
    pub login_hint: Option<String>,
    /// `lang`: the language of the managed login pages.
    pub lang: Option<String>,
    /// `prompt=login`: authenticate again even with a session at the identity provider.
    pub fresh: bool,
}

impl LoginOptions {
    /// No options.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets `identity_provider`.
    pub fn identity_provider(mut self, name: impl Into<String>) -> Self {
        self.identity_provider = Some(name.into());
        self
    }
    /// Sets `login_hint`.
    pub fn login_hint(mut self, hint: impl Into<String>) -> Self {
        self.login_hint = Some(hint.into());
        self
    }
    /// Sets `lang`.
    pub fn lang(mut self, lang: impl Into<String>) -> Self {
        self.lang = Some(lang.into());
        self
    }
    /// Asks for a fresh authentication (`prompt=login`).
    pub fn fresh(mut self) -> Self {
        self.fresh = true;
        self
    }
    /// The sign-in URL with these options, coming back to `return_to`.
    pub fn url(&self, return_to: &str) -> String {
        let mut url = login_url(return_to);
        for (k, v) in [
            ("identity_provider", &self.identity_provider),
            ("login_hint", &self.login_hint),
            ("lang", &self.lang),
        ] {
            if let Some(v) = v {
                url.push_str(&format!("&{k}={}", utf8_percent_encode(v, QUERY_VALUE)));
            }
        }
        if self.fresh {
            url.push_str("&prompt=login");
        }
        url
    }
}

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
