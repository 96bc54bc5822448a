//! Configuration: the flask-cognito-lib variables, typed and validated at startup.
//!
//! 1. [`CognitoConfig::from_env`] reads the process environment with the **same names and
//!    defaults as flask-cognito-lib**, plus a few additions (`AWS_COGNITO_ISSUER`,
//!    `AWS_COGNITO_JWKS_URL`, `AWS_COGNITO_COOKIE_SECURE`, …); every name is a constant of
//!    [`vars`]. It does not read a `.env` file: an app that wants one loads it first (e.g. with
//!    `dotenvy::dotenv()`).
//! 2. [`CognitoConfig::builder`] builds the same configuration in code, with typed setters
//!    ([`Duration`]s, `bool`s, [`SameSite`], URLs as [`Url`] or text).
//! 3. Every problem is collected and reported at once: [`ConfigError`] prints one line per
//!    problem, each naming the variable and what is wrong. The rules (one function each) are
//!    listed in the `validate` module; the hardening rules (https, leeway, cookie scope) are
//!    relaxed in [development mode](CognitoConfigBuilder::dev_mode).
//!
//! The code is split by job: [`vars`] (names), `builder` ([`CognitoConfigBuilder`]), `env`
//! (text → typed values), `validate` (the rules) and this module (the validated
//! [`CognitoConfig`] and its value types).
//!
//! # Example
//! ```
//! use std::time::Duration;
//! use leptos_cognito::config::CognitoConfig;
//!
//! let config = CognitoConfig::builder()
//!     .region("eu-west-1")
//!     .user_pool_id("eu-west-1_AbC123")
//!     .client_id("4lln66726pp3f4gi1krj0sta9h")
//!     .domain("https://example.auth.eu-west-1.amazoncognito.com")
//!     .redirect_url("https://app.example.com/auth/callback")
//!     .logout_url("https://app.example.com/")
//!     .secret_key("a-long-random-application-secret-of-32+-bytes")
//!     .cookie_age(Duration::from_secs(3600))
//!     .build()
//!     .unwrap();
//! assert_eq!(
//!     config.issuer(),
//!     "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123"
//! );
//! assert_eq!(config.token_endpoint().as_str(), "https://example.auth.eu-west-1.amazoncognito.com/oauth2/token");
//! assert_eq!(config.cookie_age(), Duration::from_secs(3600));
//! ```

mod builder;
mod env;
mod validate;
#[cfg(feature = "doctor")]
pub(crate) use validate::is_loopback;
pub mod vars;

use std::{fmt, time::Duration};

use url::Url;

pub use self::{
    builder::{CognitoConfigBuilder, ConfigUrl, IntoConfigUrl},
    env::parse_bool,
    validate::MIN_SECRET_KEY_LEN,
    vars::{IDP_VARIABLES, VARIABLES},
};

/// The `SameSite` attribute of the token cookies (`AWS_COGNITO_COOKIE_SAMESITE`).
///
/// The login-state cookie is always `Lax`, whatever this says, because it must survive the
/// cross-site redirect back from Cognito.
///
/// # Example
/// ```
/// use leptos_cognito::config::SameSite;
/// assert_eq!("strict".parse::<SameSite>().unwrap(), SameSite::Strict);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SameSite {
    /// Sent on top-level navigations from other sites (the default).
    #[default]
    Lax,
    /// Never sent on cross-site requests.
    Strict,
    /// Always sent (requires `Secure`).
    None,
}

impl std::str::FromStr for SameSite {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "lax" => Ok(Self::Lax),
            "strict" => Ok(Self::Strict),
            "none" => Ok(Self::None),
            _ => Err(format!("expected Lax, Strict or None, got {s:?}")),
        }
    }
}

/// A secret that never prints itself, zeroed when dropped (`secrecy`'s `SecretString` inside).
///
/// # Example
/// ```
/// use leptos_cognito::config::Secret;
/// let s = Secret::new("hunter2");
/// assert_eq!(format!("{s:?}"), "Secret(***)");
/// assert_eq!(s.expose(), "hunter2");
/// ```
#[derive(Clone)]
pub struct Secret(secrecy::SecretString);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(secrecy::SecretString::from(value.into()))
    }
    /// The secret value. Call only where it is sent or used as key material.
    pub fn expose(&self) -> &str {
        secrecy::ExposeSecret::expose_secret(&self.0)
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        subtle::ConstantTimeEq::ct_eq(self.expose().as_bytes(), other.expose().as_bytes()).into()
    }
}

impl Eq for Secret {}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// How the token cookies are named (`AWS_COGNITO_COOKIE_NAMES`).
///
/// # Example
/// ```
/// use leptos_cognito::config::CookieNaming;
/// assert_eq!(CookieNaming::default().access(), "cognito_access_token");
/// let host: CookieNaming = "host".parse().unwrap();
/// assert_eq!(host.refresh(), "__Host-cognito_refresh_token");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum CookieNaming {
    /// flask-cognito-lib's names: `cognito_access_token`, `cognito_id_token`,
    /// `cognito_refresh_token` (the default; value `flask`).
    #[default]
    Flask,
    /// The same names with the `__Host-` prefix (value `host`): browsers then only accept the
    /// cookies when `Secure`, with `Path=/` and no `Domain`, which configuration checks.
    HostPrefixed,
}

impl CookieNaming {
    /// Name of the access-token cookie.
    pub fn access(self) -> &'static str {
        match self {
            Self::Flask => "cognito_access_token",
            Self::HostPrefixed => "__Host-cognito_access_token",
        }
    }
    /// Name of the ID-token cookie.
    pub fn id(self) -> &'static str {
        match self {
            Self::Flask => "cognito_id_token",
            Self::HostPrefixed => "__Host-cognito_id_token",
        }
    }
    /// Name of the refresh-token cookie.
    pub fn refresh(self) -> &'static str {
        match self {
            Self::Flask => "cognito_refresh_token",
            Self::HostPrefixed => "__Host-cognito_refresh_token",
        }
    }
    /// Name of the session-timestamps cookie (written only with idle or absolute limits).
    pub fn session(self) -> &'static str {
        match self {
            Self::Flask => "cognito_session",
            Self::HostPrefixed => "__Host-cognito_session",
        }
    }
}

impl std::str::FromStr for CookieNaming {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "flask" => Ok(Self::Flask),
            "host" => Ok(Self::HostPrefixed),
            _ => Err(format!("expected flask or host, got {s:?}")),
        }
    }
}

/// Optional extra parameters of the authorize request (federation, UI language, hints).
///
/// They come from configuration or from the calling code, never copied from the query string.
///
/// # Example
/// ```
/// use leptos_cognito::config::AuthorizeParams;
/// let p = AuthorizeParams::new().identity_provider("Google").lang("fr");
/// assert_eq!(p.pairs(), vec![("identity_provider", "Google"), ("lang", "fr")]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuthorizeParams {
    /// `identity_provider` (e.g. `COGNITO`, `Google`, a SAML/OIDC provider name).
    pub identity_provider: Option<String>,
    /// `idp_identifier`.
    pub idp_identifier: Option<String>,
    /// `lang` (managed login pages).
    pub lang: Option<String>,
    /// `login_hint`.
    pub login_hint: Option<String>,
    /// `prompt` (`login`, `none`, `select_account`, `consent`).
    pub prompt: Option<String>,
}

impl AuthorizeParams {
    /// No parameters (the same as `AuthorizeParams::default()`).
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets `identity_provider`.
    pub fn identity_provider(mut self, value: impl Into<String>) -> Self {
        self.identity_provider = Some(value.into());
        self
    }
    /// Sets `idp_identifier`.
    pub fn idp_identifier(mut self, value: impl Into<String>) -> Self {
        self.idp_identifier = Some(value.into());
        self
    }
    /// Sets `lang`.
    pub fn lang(mut self, value: impl Into<String>) -> Self {
        self.lang = Some(value.into());
        self
    }
    /// Sets `login_hint`.
    pub fn login_hint(mut self, value: impl Into<String>) -> Self {
        self.login_hint = Some(value.into());
        self
    }
    /// Sets `prompt`.
    pub fn prompt(mut self, value: impl Into<String>) -> Self {
        self.prompt = Some(value.into());
        self
    }

    /// The parameters that are set, as `(name, value)` pairs in a fixed order.
    pub fn pairs(&self) -> Vec<(&'static str, &str)> {
        [
            ("identity_provider", &self.identity_provider),
            ("idp_identifier", &self.idp_identifier),
            ("lang", &self.lang),
            ("login_hint", &self.login_hint),
            ("prompt", &self.prompt),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_deref().map(|v| (k, v)))
        .collect()
    }

    /// Overlays `other` on `self` (values set in `other` win).
    pub fn merged(&self, other: &AuthorizeParams) -> AuthorizeParams {
        let pick = |a: &Option<String>, b: &Option<String>| b.clone().or_else(|| a.clone());
        AuthorizeParams {
            identity_provider: pick(&self.identity_provider, &other.identity_provider),
            idp_identifier: pick(&self.idp_identifier, &other.idp_identifier),
            lang: pick(&self.lang, &other.lang),
            login_hint: pick(&self.login_hint, &other.login_hint),
            prompt: pick(&self.prompt, &other.prompt),
        }
    }
}

/// The validated configuration of the library. Build it with [`CognitoConfig::from_env`],
/// [`CognitoConfig::from_vars`] or [`CognitoConfig::builder`].
///
/// Its `Debug` output never shows the secret key or the client secret.
#[derive(Debug, Clone)]
pub struct CognitoConfig {
    disabled: bool,
    region: String,
    domain: Url,
    user_pool_id: String,
    client_id: String,
    client_secret: Option<Secret>,
    redirect_url: Url,
    logout_url: Url,
    cookie_age: Duration,
    leeway: Duration,
    scopes: Option<Vec<String>>,
    cookie_domain: Option<String>,
    cookie_samesite: SameSite,
    cookie_naming: CookieNaming,
    refresh_flow_enabled: bool,
    refresh_cookie_encrypted: bool,
    refresh_cookie_age: Duration,
    secret_key: Secret,
    issuer: String,
    jwks_url: Url,
    cookie_secure: bool,
    authorize_params: AuthorizeParams,
    http_timeout: Duration,
    http_connect_timeout: Duration,
    jwks_cooldown: Duration,
    jwks_ttl: Duration,
    allowed_origins: Vec<String>,
    redis_url: Option<Secret>,
    redis_timeout: Duration,
    identity_providers: Vec<String>,
    session_idle: Option<Duration>,
    session_max: Option<Duration>,
    session_warning: Duration,
    proactive_refresh: Option<Duration>,
    dev_mode: bool,
}

impl CognitoConfig {
    /// Starts a builder with flask-cognito-lib's defaults.
    pub fn builder() -> CognitoConfigBuilder {
        CognitoConfigBuilder::default()
    }

    /// `AWS_COGNITO_DISABLED`: authorization checks pass everyone.
    pub fn disabled(&self) -> bool {
        self.disabled
    }
    /// `AWS_REGION`.
    pub fn region(&self) -> &str {
        &self.region
    }
    /// `AWS_COGNITO_DOMAIN`: hosted UI base URL.
    pub fn domain(&self) -> &Url {
        &self.domain
    }
    /// `AWS_COGNITO_USER_POOL_ID`.
    pub fn user_pool_id(&self) -> &str {
        &self.user_pool_id
    }
    /// `AWS_COGNITO_USER_POOL_CLIENT_ID`.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }
    /// `AWS_COGNITO_USER_POOL_CLIENT_SECRET` (confidential clients only).
    pub fn client_secret(&self) -> Option<&Secret> {
        self.client_secret.as_ref()
    }
    /// `AWS_COGNITO_REDIRECT_URL`: the registered callback URL.
    pub fn redirect_url(&self) -> &Url {
        &self.redirect_url
    }
    /// `AWS_COGNITO_LOGOUT_URL`: the registered sign-out URL.
    pub fn logout_url(&self) -> &Url {
        &self.logout_url
    }
    /// `AWS_COGNITO_COOKIE_AGE_SECONDS`.
    pub fn cookie_age(&self) -> Duration {
        self.cookie_age
    }
    /// `AWS_COGNITO_EXPIRATION_LEEWAY`.
    pub fn leeway(&self) -> Duration {
        self.leeway
    }
    /// `AWS_COGNITO_SCOPES` (`None`: every scope the client allows).
    pub fn scopes(&self) -> Option<&[String]> {
        self.scopes.as_deref()
    }
    /// `AWS_COGNITO_COOKIE_DOMAIN`.
    pub fn cookie_domain(&self) -> Option<&str> {
        self.cookie_domain.as_deref()
    }
    /// `AWS_COGNITO_COOKIE_SAMESITE`.
    pub fn cookie_samesite(&self) -> SameSite {
        self.cookie_samesite
    }
    /// `AWS_COGNITO_REFRESH_FLOW_ENABLED`.
    pub fn refresh_flow_enabled(&self) -> bool {
        self.refresh_flow_enabled
    }
    /// `AWS_COGNITO_REFRESH_COOKIE_ENCRYPTED`.
    pub fn refresh_cookie_encrypted(&self) -> bool {
        self.refresh_cookie_encrypted
    }
    /// `AWS_COGNITO_REFRESH_COOKIE_AGE_SECONDS`.
    pub fn refresh_cookie_age(&self) -> Duration {
        self.refresh_cookie_age
    }
    /// `SECRET_KEY`.
    pub fn secret_key(&self) -> &Secret {
        &self.secret_key
    }
    /// The expected `iss` (`AWS_COGNITO_ISSUER` or the Cognito default).
    pub fn issuer(&self) -> &str {
        &self.issuer
    }
    /// The JWKS URL (`AWS_COGNITO_JWKS_URL` or `{issuer}/.well-known/jwks.json`).
    pub fn jwks_url(&self) -> &Url {
        &self.jwks_url
    }
    /// `AWS_COGNITO_COOKIE_SECURE`.
    pub fn cookie_secure(&self) -> bool {
        self.cookie_secure
    }
    /// Extra authorize parameters from configuration.
    pub fn authorize_params(&self) -> &AuthorizeParams {
        &self.authorize_params
    }
    /// `AWS_COGNITO_REDIS_URL`: the store shared by several replicas, when configured.
    pub fn redis_url(&self) -> Option<&Secret> {
        self.redis_url.as_ref()
    }
    /// `AWS_COGNITO_REDIS_TIMEOUT_MS`: timeout of one call to the shared store.
    pub fn redis_timeout(&self) -> Duration {
        self.redis_timeout
    }
    /// `AWS_COGNITO_IDENTITY_PROVIDERS`: the providers a sign-in link may ask for.
    pub fn identity_providers(&self) -> &[String] {
        &self.identity_providers
    }
    /// Whether `/auth/login?identity_provider=name` may send the user to `name`: listed in
    /// `AWS_COGNITO_IDENTITY_PROVIDERS`, or the configured `AWS_COGNITO_IDENTITY_PROVIDER`.
    pub fn allows_identity_provider(&self, name: &str) -> bool {
        self.identity_providers.iter().any(|p| p == name)
            || self.authorize_params.identity_provider.as_deref() == Some(name)
    }
    /// `AWS_COGNITO_SESSION_IDLE_SECONDS`: idle timeout of cookie sessions (`None`: off).
    pub fn session_idle_timeout(&self) -> Option<Duration> {
        self.session_idle
    }
    /// `AWS_COGNITO_SESSION_MAX_SECONDS`: absolute lifetime of cookie sessions (`None`: off).
    pub fn session_max_lifetime(&self) -> Option<Duration> {
        self.session_max
    }
    /// Whether an idle or absolute session limit is configured.
    pub fn session_limits(&self) -> bool {
        self.session_idle.is_some() || self.session_max.is_some()
    }
    /// `AWS_COGNITO_SESSION_WARNING_SECONDS`: how long before its end a session "ends soon".
    pub fn session_warning(&self) -> Duration {
        self.session_warning
    }
    /// `AWS_COGNITO_PROACTIVE_REFRESH_SECONDS`: lead time of the browser's proactive refresh
    /// (`None`: off).
    pub fn proactive_refresh(&self) -> Option<Duration> {
        self.proactive_refresh
    }
    /// Total timeout of one call to Cognito (`AWS_COGNITO_HTTP_TIMEOUT_MS`, default 5 s).
    pub fn http_timeout(&self) -> Duration {
        self.http_timeout
    }
    /// Connect timeout of one call to Cognito (default 2 s).
    pub fn http_connect_timeout(&self) -> Duration {
        self.http_connect_timeout
    }
    /// Minimum time between two JWKS re-fetches caused by unknown `kid`s (default 10 s).
    pub fn jwks_cooldown(&self) -> Duration {
        self.jwks_cooldown
    }
    /// How long fetched keys are trusted before a background re-validation
    /// (`AWS_COGNITO_JWKS_TTL_SECONDS`, default 1 hour).
    pub fn jwks_ttl(&self) -> Duration {
        self.jwks_ttl
    }
    /// The naming scheme of the token cookies (`AWS_COGNITO_COOKIE_NAMES`). With
    /// [`CookieNaming::HostPrefixed`] the flask names are still read, and replaced at the next
    /// write.
    pub fn cookie_naming(&self) -> CookieNaming {
        self.cookie_naming
    }
    /// Every origin accepted as "this application" by the CSRF checks: the app's own origin
    /// (from the redirect URL) first, then those of `AWS_COGNITO_ALLOWED_ORIGINS`.
    ///
    /// # Example
    /// ```
    /// # use leptos_cognito::config::CognitoConfig;
    /// let c = CognitoConfig::builder().region("eu-west-1").user_pool_id("eu-west-1_x")
    ///     .client_id("abc").domain("https://d.example")
    ///     .redirect_url("https://a.example/auth/callback").logout_url("https://a.example/")
    ///     .secret_key("0123456789abcdef0123456789abcdef")
    ///     .allowed_origins(["https://admin.a.example"])
    ///     .build().unwrap();
    /// assert_eq!(c.allowed_origins(), ["https://a.example", "https://admin.a.example"]);
    /// ```
    pub fn allowed_origins(&self) -> &[String] {
        &self.allowed_origins
    }
    /// Whether development conveniences are on (generated `SECRET_KEY`, hardening rules
    /// relaxed).
    pub fn dev_mode(&self) -> bool {
        self.dev_mode
    }
    /// The origin (`scheme://host[:port]`) of this application, from the redirect URL.
    pub fn app_origin(&self) -> String {
        self.redirect_url.origin().ascii_serialization()
    }

    fn endpoint(&self, path: &str) -> Url {
        // The domain's own path (none at Cognito) is kept: `{domain}{path}`, as flask-cognito-lib.
        let mut url = self.domain.clone();
        let base = url.path().trim_end_matches('/').to_string();
        url.set_path(&format!("{base}{path}"));
        url
    }
    /// `{domain}/oauth2/authorize`.
    pub fn authorize_endpoint(&self) -> Url {
        self.endpoint("/oauth2/authorize")
    }
    /// `{domain}/oauth2/token`.
    pub fn token_endpoint(&self) -> Url {
        self.endpoint("/oauth2/token")
    }
    /// `{domain}/oauth2/revoke`.
    pub fn revoke_endpoint(&self) -> Url {
        self.endpoint("/oauth2/revoke")
    }
    /// `{domain}/oauth2/userInfo`.
    pub fn user_info_endpoint(&self) -> Url {
        self.endpoint("/oauth2/userInfo")
    }
    /// `{domain}/logout?client_id=…&logout_uri=…` (percent-encoded).
    ///
    /// # Example
    /// ```
    /// # use leptos_cognito::config::CognitoConfig;
    /// # let c = CognitoConfig::builder().region("eu-west-1").user_pool_id("eu-west-1_x")
    /// #   .client_id("abc").domain("https://d.example").redirect_url("https://a.example/auth/callback")
    /// #   .logout_url("https://a.example/bye").secret_key("0123456789abcdef0123456789abcdef").build().unwrap();
    /// assert_eq!(
    ///     c.logout_endpoint().as_str(),
    ///     "https://d.example/logout?client_id=abc&logout_uri=https%3A%2F%2Fa.example%2Fbye"
    /// );
    /// ```
    pub fn logout_endpoint(&self) -> Url {
        let mut url = self.endpoint("/logout");
        url.query_pairs_mut()
            .append_pair("client_id", &self.client_id)
            .append_pair("logout_uri", self.logout_url.as_str());
        url
    }
}

/// One configuration problem: which variable, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConfigProblem {
    /// The environment variable (or builder field) concerned.
    pub variable: &'static str,
    /// What is wrong, in words.
    pub message: String,
}

impl ConfigProblem {
    /// A problem with `variable`.
    ///
    /// # Example
    /// ```
    /// use leptos_cognito::config::{vars, ConfigProblem};
    /// let p = ConfigProblem::new(vars::AWS_REGION, "missing (required)");
    /// assert_eq!(p.to_string(), "AWS_REGION: missing (required)");
    /// ```
    pub fn new(variable: &'static str, message: impl Into<String>) -> Self {
        Self {
            variable,
            message: message.into(),
        }
    }
}

impl fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.variable, self.message)
    }
}

/// All the problems found in a configuration, reported together.
///
/// # Example
/// ```
/// use leptos_cognito::config::CognitoConfig;
/// let err = CognitoConfig::builder().build().unwrap_err();
/// assert!(err.problems().len() >= 5);
/// ```
#[derive(Debug, Clone, thiserror::Error)]
pub struct ConfigError {
    problems: Vec<ConfigProblem>,
}

impl ConfigError {
    /// The individual problems, one per variable.
    pub fn problems(&self) -> &[ConfigProblem] {
        &self.problems
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "invalid Cognito configuration ({} problem(s)):",
            self.problems.len()
        )?;
        for p in &self.problems {
            writeln!(f, "  - {p}")?;
        }
        Ok(())
    }
}
