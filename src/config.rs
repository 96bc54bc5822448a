//! Configuration: the flask-cognito-lib variables, typed and validated at startup.
//!
//! 1. [`CognitoConfig::from_env`] reads the process environment (and a `.env` file when present)
//!    with the **same names and defaults as flask-cognito-lib**, plus a few additions
//!    (`AWS_COGNITO_ISSUER`, `AWS_COGNITO_JWKS_URL`, `AWS_COGNITO_COOKIE_SECURE`).
//! 2. [`CognitoConfig::builder`] builds the same configuration in code.
//! 3. Every problem is collected and reported at once: [`ConfigError`] prints one line per
//!    problem, each naming the variable and what is wrong.
//!
//! # Example
//! ```
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
//!     .build()
//!     .unwrap();
//! assert_eq!(
//!     config.issuer(),
//!     "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123"
//! );
//! assert_eq!(config.token_endpoint().as_str(), "https://example.auth.eu-west-1.amazoncognito.com/oauth2/token");
//! ```

use std::{collections::HashMap, fmt, time::Duration};

use url::Url;

/// Minimum length, in bytes, of `SECRET_KEY` outside development mode.
pub const MIN_SECRET_KEY_LEN: usize = 16;

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

/// A secret that never prints itself.
///
/// # Example
/// ```
/// use leptos_cognito::config::Secret;
/// let s = Secret::new("hunter2");
/// assert_eq!(format!("{s:?}"), "Secret(***)");
/// assert_eq!(s.expose(), "hunter2");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    /// The secret value. Call only where it is sent or used as key material.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Optional extra parameters of the authorize request (federation, UI language, hints).
///
/// They come from configuration or from the calling code, never copied from the query string.
///
/// # Example
/// ```
/// use leptos_cognito::config::AuthorizeParams;
/// let p = AuthorizeParams { identity_provider: Some("Google".into()), ..Default::default() };
/// assert_eq!(p.pairs(), vec![("identity_provider", "Google")]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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

/// The validated configuration of the library. Build it with [`CognitoConfig::from_env`] or
/// [`CognitoConfig::builder`].
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
    dev_mode: bool,
    allowed_origins: Vec<String>,
}

impl CognitoConfig {
    /// Starts a builder with flask-cognito-lib's defaults.
    pub fn builder() -> CognitoConfigBuilder {
        CognitoConfigBuilder::default()
    }

    /// Reads the configuration from the environment (and `.env`), see the module docs.
    ///
    /// # Errors
    /// Every missing or malformed variable, one [`ConfigProblem`] each.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_vars(std::env::vars())
    }

    /// Like [`from_env`](Self::from_env), from an explicit list of variables (for tests and
    /// for apps that keep settings elsewhere).
    ///
    /// # Example
    /// ```
    /// use leptos_cognito::config::CognitoConfig;
    /// let err = CognitoConfig::from_vars([("AWS_REGION".to_string(), "eu-west-1".to_string())])
    ///     .unwrap_err();
    /// assert!(err.to_string().contains("AWS_COGNITO_USER_POOL_ID"));
    /// ```
    pub fn from_vars(
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let vars: HashMap<String, String> = vars.into_iter().collect();
        CognitoConfigBuilder::from_map(&vars).build()
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
    /// Whether development conveniences are on (generated `SECRET_KEY`).
    pub fn dev_mode(&self) -> bool {
        self.dev_mode
    }
    /// Temporary.
    pub fn allowed_origins(&self) -> &[String] {
        &self.allowed_origins
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
pub struct ConfigProblem {
    /// The environment variable (or builder field) concerned.
    pub variable: &'static str,
    /// What is wrong, in words.
    pub message: String,
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

/// Builder of [`CognitoConfig`]. Setters take strings exactly as they would appear in the
/// environment; [`build`](Self::build) parses and validates them all.
///
/// # Example
/// ```
/// use leptos_cognito::config::CognitoConfig;
/// let err = CognitoConfig::builder()
///     .region("eu-west-1")
///     .user_pool_id("us-east-1_abc")
///     .build()
///     .unwrap_err();
/// assert!(err.to_string().contains("does not match AWS_REGION"));
/// ```
#[derive(Debug, Clone, Default)]
pub struct CognitoConfigBuilder {
    raw: HashMap<&'static str, String>,
    authorize_params: AuthorizeParams,
    dev_mode: bool,
}

macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident => $var:literal;)*) => {
        $(
            $(#[$doc])*
            pub fn $name(mut self, value: impl Into<String>) -> Self {
                self.raw.insert($var, value.into());
                self
            }
        )*
    };
}

/// Every variable the library reads.
pub const VARIABLES: &[&str] = &[
    "AWS_COGNITO_DISABLED",
    "AWS_REGION",
    "AWS_COGNITO_DOMAIN",
    "AWS_COGNITO_USER_POOL_ID",
    "AWS_COGNITO_USER_POOL_CLIENT_ID",
    "AWS_COGNITO_USER_POOL_CLIENT_SECRET",
    "AWS_COGNITO_REDIRECT_URL",
    "AWS_COGNITO_LOGOUT_URL",
    "AWS_COGNITO_COOKIE_AGE_SECONDS",
    "AWS_COGNITO_EXPIRATION_LEEWAY",
    "AWS_COGNITO_SCOPES",
    "AWS_COGNITO_COOKIE_DOMAIN",
    "AWS_COGNITO_COOKIE_SAMESITE",
    "AWS_COGNITO_REFRESH_FLOW_ENABLED",
    "AWS_COGNITO_REFRESH_COOKIE_ENCRYPTED",
    "AWS_COGNITO_REFRESH_COOKIE_AGE_SECONDS",
    "SECRET_KEY",
    "AWS_COGNITO_ISSUER",
    "AWS_COGNITO_JWKS_URL",
    "AWS_COGNITO_COOKIE_SECURE",
    "AWS_COGNITO_IDENTITY_PROVIDER",
    "AWS_COGNITO_IDP_IDENTIFIER",
    "AWS_COGNITO_LANG",
    "AWS_COGNITO_PROMPT",
    "AWS_COGNITO_HTTP_TIMEOUT_MS",
    "AWS_COGNITO_JWKS_COOLDOWN_MS",
];

impl CognitoConfigBuilder {
    setters! {
        /// `AWS_COGNITO_DISABLED` (boolean).
        disabled_str => "AWS_COGNITO_DISABLED";
        /// `AWS_REGION`.
        region => "AWS_REGION";
        /// `AWS_COGNITO_DOMAIN` (with scheme, no trailing slash).
        domain => "AWS_COGNITO_DOMAIN";
        /// `AWS_COGNITO_USER_POOL_ID`.
        user_pool_id => "AWS_COGNITO_USER_POOL_ID";
        /// `AWS_COGNITO_USER_POOL_CLIENT_ID`.
        client_id => "AWS_COGNITO_USER_POOL_CLIENT_ID";
        /// `AWS_COGNITO_USER_POOL_CLIENT_SECRET`.
        client_secret => "AWS_COGNITO_USER_POOL_CLIENT_SECRET";
        /// `AWS_COGNITO_REDIRECT_URL`.
        redirect_url => "AWS_COGNITO_REDIRECT_URL";
        /// `AWS_COGNITO_LOGOUT_URL`.
        logout_url => "AWS_COGNITO_LOGOUT_URL";
        /// `AWS_COGNITO_COOKIE_AGE_SECONDS`.
        cookie_age_seconds => "AWS_COGNITO_COOKIE_AGE_SECONDS";
        /// `AWS_COGNITO_EXPIRATION_LEEWAY`.
        leeway_seconds => "AWS_COGNITO_EXPIRATION_LEEWAY";
        /// `AWS_COGNITO_SCOPES` (space- or comma-separated).
        scopes => "AWS_COGNITO_SCOPES";
        /// `AWS_COGNITO_COOKIE_DOMAIN`.
        cookie_domain => "AWS_COGNITO_COOKIE_DOMAIN";
        /// `AWS_COGNITO_COOKIE_SAMESITE`.
        cookie_samesite => "AWS_COGNITO_COOKIE_SAMESITE";
        /// `AWS_COGNITO_REFRESH_FLOW_ENABLED` (boolean).
        refresh_flow_enabled_str => "AWS_COGNITO_REFRESH_FLOW_ENABLED";
        /// `AWS_COGNITO_REFRESH_COOKIE_ENCRYPTED` (boolean).
        refresh_cookie_encrypted_str => "AWS_COGNITO_REFRESH_COOKIE_ENCRYPTED";
        /// `AWS_COGNITO_REFRESH_COOKIE_AGE_SECONDS`.
        refresh_cookie_age_seconds => "AWS_COGNITO_REFRESH_COOKIE_AGE_SECONDS";
        /// `SECRET_KEY`.
        secret_key => "SECRET_KEY";
        /// `AWS_COGNITO_ISSUER`.
        issuer => "AWS_COGNITO_ISSUER";
        /// `AWS_COGNITO_JWKS_URL`.
        jwks_url => "AWS_COGNITO_JWKS_URL";
        /// `AWS_COGNITO_COOKIE_SECURE` (boolean).
        cookie_secure_str => "AWS_COGNITO_COOKIE_SECURE";
        /// `AWS_COGNITO_HTTP_TIMEOUT_MS`.
        http_timeout_ms => "AWS_COGNITO_HTTP_TIMEOUT_MS";
        /// `AWS_COGNITO_JWKS_COOLDOWN_MS`.
        jwks_cooldown_ms => "AWS_COGNITO_JWKS_COOLDOWN_MS";
    }

    /// `AWS_COGNITO_DISABLED`.
    pub fn disabled(self, value: bool) -> Self {
        self.disabled_str(value.to_string())
    }
    /// `AWS_COGNITO_REFRESH_FLOW_ENABLED`.
    pub fn refresh_flow_enabled(self, value: bool) -> Self {
        self.refresh_flow_enabled_str(value.to_string())
    }
    /// `AWS_COGNITO_REFRESH_COOKIE_ENCRYPTED`.
    pub fn refresh_cookie_encrypted(self, value: bool) -> Self {
        self.refresh_cookie_encrypted_str(value.to_string())
    }
    /// `AWS_COGNITO_COOKIE_SECURE`.
    pub fn cookie_secure(self, value: bool) -> Self {
        self.cookie_secure_str(value.to_string())
    }
    /// Extra authorize parameters (federation, language, hints, prompt).
    pub fn authorize_params(mut self, params: AuthorizeParams) -> Self {
        self.authorize_params = params;
        self
    }
    /// Development mode: a missing or weak `SECRET_KEY` is replaced by a generated one and a
    /// warning is logged, instead of being an error. Never use in production.
    pub fn dev_mode(mut self, on: bool) -> Self {
        self.dev_mode = on;
        self
    }

    /// A builder holding every known variable found in `vars`.
    pub fn from_map(vars: &HashMap<String, String>) -> Self {
        let mut b = Self::default();
        for name in VARIABLES {
            if let Some(v) = vars.get(*name) {
                b.raw.insert(name, v.clone());
            }
        }
        b.authorize_params = AuthorizeParams {
            identity_provider: b.non_empty("AWS_COGNITO_IDENTITY_PROVIDER"),
            idp_identifier: b.non_empty("AWS_COGNITO_IDP_IDENTIFIER"),
            lang: b.non_empty("AWS_COGNITO_LANG"),
            login_hint: None,
            prompt: b.non_empty("AWS_COGNITO_PROMPT"),
        };
        b
    }

    /// Overlays every known variable present in `vars`, except those listed in `except`.
    ///
    /// # Example
    /// ```
    /// use std::collections::HashMap;
    /// use leptos_cognito::config::CognitoConfig;
    /// let env: HashMap<String, String> =
    ///     [("AWS_COGNITO_COOKIE_AGE_SECONDS".to_string(), "60".to_string())].into();
    /// let b = CognitoConfig::builder().with_vars(&env, &[]);
    /// assert!(b.is_set("AWS_COGNITO_COOKIE_AGE_SECONDS"));
    /// ```
    pub fn with_vars(mut self, vars: &HashMap<String, String>, except: &[&str]) -> Self {
        for name in VARIABLES {
            if except.contains(name) {
                continue;
            }
            if let Some(v) = vars.get(*name) {
                self.raw.insert(name, v.clone());
            }
        }
        self
    }

    /// Whether `var` has been given a value.
    pub fn is_set(&self, var: &str) -> bool {
        self.raw.contains_key(var)
    }

    fn non_empty(&self, var: &'static str) -> Option<String> {
        self.raw
            .get(var)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }

    /// Parses and validates every value.
    ///
    /// # Errors
    /// A [`ConfigError`] listing every problem found.
    pub fn build(self) -> Result<CognitoConfig, ConfigError> {
        let mut p = Problems::default();
        let disabled = p.boolean(&self, "AWS_COGNITO_DISABLED", false);
        let region = p.required(&self, "AWS_REGION");
        let user_pool_id = p.required(&self, "AWS_COGNITO_USER_POOL_ID");
        let client_id = p.required(&self, "AWS_COGNITO_USER_POOL_CLIENT_ID");
        let domain = p.url(&self, "AWS_COGNITO_DOMAIN", true);
        let redirect_url = p.url(&self, "AWS_COGNITO_REDIRECT_URL", false);
        let logout_url = p.url(&self, "AWS_COGNITO_LOGOUT_URL", false);
        let cookie_age = p.seconds(&self, "AWS_COGNITO_COOKIE_AGE_SECONDS", 1800);
        let leeway = p.seconds(&self, "AWS_COGNITO_EXPIRATION_LEEWAY", 0);
        let refresh_cookie_age = p.seconds(&self, "AWS_COGNITO_REFRESH_COOKIE_AGE_SECONDS", 86_400);
        let refresh_flow_enabled = p.boolean(&self, "AWS_COGNITO_REFRESH_FLOW_ENABLED", false);
        let refresh_cookie_encrypted =
            p.boolean(&self, "AWS_COGNITO_REFRESH_COOKIE_ENCRYPTED", true);
        let cookie_secure = p.boolean(&self, "AWS_COGNITO_COOKIE_SECURE", true);
        let http_timeout =
            Duration::from_millis(p.integer(&self, "AWS_COGNITO_HTTP_TIMEOUT_MS", 5_000));
        let jwks_cooldown =
            Duration::from_millis(p.integer(&self, "AWS_COGNITO_JWKS_COOLDOWN_MS", 10_000));
        let cookie_samesite = match self.non_empty("AWS_COGNITO_COOKIE_SAMESITE") {
            None => SameSite::Lax,
            Some(v) => v.parse().unwrap_or_else(|e| {
                p.push("AWS_COGNITO_COOKIE_SAMESITE", e);
                SameSite::Lax
            }),
        };
        if cookie_samesite == SameSite::None && !cookie_secure {
            p.push(
                "AWS_COGNITO_COOKIE_SAMESITE",
                "SameSite=None requires AWS_COGNITO_COOKIE_SECURE=true (browsers drop such cookies)".into(),
            );
        }
        let scopes = self.non_empty("AWS_COGNITO_SCOPES").map(|s| {
            s.split([' ', ','])
                .filter(|x| !x.is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>()
        });
        let cookie_domain = self
            .non_empty("AWS_COGNITO_COOKIE_DOMAIN")
            .map(|d| d.trim_start_matches('.').to_ascii_lowercase());
        if let Some(d) = &cookie_domain {
            if d.is_empty()
                || d.contains(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
            {
                p.push(
                    "AWS_COGNITO_COOKIE_DOMAIN",
                    format!("{d:?} is not a host name"),
                );
            }
        }
        let client_secret = self
            .non_empty("AWS_COGNITO_USER_POOL_CLIENT_SECRET")
            .map(Secret::new);

        // Region and pool id agree, and the pool id has Cognito's shape.
        if let (Some(region), Some(pool)) = (&region, &user_pool_id) {
            match pool.split_once('_') {
                Some((prefix, id))
                    if !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric()) =>
                {
                    if prefix != region {
                        p.push(
                            "AWS_COGNITO_USER_POOL_ID",
                            format!(
                                "region prefix {prefix:?} does not match AWS_REGION {region:?}"
                            ),
                        );
                    }
                }
                _ => p.push(
                    "AWS_COGNITO_USER_POOL_ID",
                    format!(
                        "{pool:?} is not of the form {{region}}_{{id}} (e.g. eu-west-1_AbC123)"
                    ),
                ),
            }
        }

        let secret_key = match self.raw.get("SECRET_KEY").filter(|s| !s.is_empty()) {
            Some(k)
                if k.len() >= MIN_SECRET_KEY_LEN
                    && distinct_bytes(k) >= 8
                    && !is_placeholder(k) =>
            {
                Some(Secret::new(k.clone()))
            }
            Some(k) if self.dev_mode => {
                tracing::warn!(
                    "SECRET_KEY is weak ({} bytes); accepted in development mode only",
                    k.len()
                );
                Some(Secret::new(k.clone()))
            }
            Some(_) => {
                p.push(
                    "SECRET_KEY",
                    format!("too weak: use at least {MIN_SECRET_KEY_LEN} random characters (e.g. `openssl rand -base64 48`)"),
                );
                None
            }
            None if self.dev_mode => {
                let key = random_secret();
                tracing::warn!(
                    "SECRET_KEY is not set: generated a random one for this process (development mode). \
                     Cookies will not survive a restart; set SECRET_KEY in production."
                );
                Some(Secret::new(key))
            }
            None => {
                p.push(
                    "SECRET_KEY",
                    "missing (required to encrypt the login-state and refresh cookies)".into(),
                );
                None
            }
        };

        let issuer = match self.non_empty("AWS_COGNITO_ISSUER") {
            Some(i) => match Url::parse(&i) {
                Ok(u) if matches!(u.scheme(), "http" | "https") => Some(i),
                _ => {
                    p.push("AWS_COGNITO_ISSUER", format!("{i:?} is not an http(s) URL"));
                    None
                }
            },
            None => match (&region, &user_pool_id) {
                (Some(r), Some(pool)) => {
                    Some(format!("https://cognito-idp.{r}.amazonaws.com/{pool}"))
                }
                _ => None,
            },
        };
        let jwks_url = match self.non_empty("AWS_COGNITO_JWKS_URL") {
            Some(_) => p.url(&self, "AWS_COGNITO_JWKS_URL", false),
            None => issuer
                .as_ref()
                .and_then(|i| Url::parse(&format!("{i}/.well-known/jwks.json")).ok()),
        };

        if !p.0.is_empty() {
            return Err(ConfigError { problems: p.0 });
        }
        // Every `Option` below is `Some` when no problem was recorded.
        let (
            Some(region),
            Some(user_pool_id),
            Some(client_id),
            Some(domain),
            Some(redirect_url),
            Some(logout_url),
            Some(secret_key),
            Some(issuer),
            Some(jwks_url),
        ) = (
            region,
            user_pool_id,
            client_id,
            domain,
            redirect_url,
            logout_url,
            secret_key,
            issuer,
            jwks_url,
        )
        else {
            return Err(ConfigError {
                problems: vec![ConfigProblem {
                    variable: "configuration",
                    message: "incomplete".into(),
                }],
            });
        };
        Ok(CognitoConfig {
            allowed_origins: vec![redirect_url.origin().ascii_serialization()],
            disabled,
            region,
            domain,
            user_pool_id,
            client_id,
            client_secret,
            redirect_url,
            logout_url,
            cookie_age: Duration::from_secs(cookie_age),
            leeway: Duration::from_secs(leeway),
            scopes,
            cookie_domain,
            cookie_samesite,
            refresh_flow_enabled,
            refresh_cookie_encrypted,
            refresh_cookie_age: Duration::from_secs(refresh_cookie_age),
            secret_key,
            issuer,
            jwks_url,
            cookie_secure,
            authorize_params: self.authorize_params,
            http_timeout,
            http_connect_timeout: Duration::from_secs(2).min(http_timeout),
            jwks_cooldown,
            dev_mode: self.dev_mode,
        })
    }
}

/// Well-known example values that must never protect real cookies.
fn is_placeholder(k: &str) -> bool {
    let l = k.to_ascii_lowercase();
    [
        "changeme",
        "change-me",
        "secret",
        "password",
        "your-secret",
        "example",
        "development",
    ]
    .iter()
    .any(|p| {
        l.trim_matches(|c: char| !c.is_ascii_alphanumeric())
            .starts_with(p)
            && l.len() < 24
    })
}

fn distinct_bytes(s: &str) -> usize {
    let mut seen = [false; 256];
    s.bytes().for_each(|b| seen[b as usize] = true);
    seen.iter().filter(|x| **x).count()
}

fn random_secret() -> String {
    use base64::Engine;
    let bytes: [u8; 48] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Parses a boolean the way people write them: `true/false`, `1/0`, `yes/no`, `on/off`.
///
/// # Example
/// ```
/// use leptos_cognito::config::parse_bool;
/// assert_eq!(parse_bool("False"), Some(false));
/// assert_eq!(parse_bool(" YES "), Some(true));
/// assert_eq!(parse_bool("maybe"), None);
/// ```
pub fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" | "y" | "t" => Some(true),
        "false" | "0" | "no" | "off" | "n" | "f" | "" => Some(false),
        _ => None,
    }
}

#[derive(Default)]
struct Problems(Vec<ConfigProblem>);

impl Problems {
    fn push(&mut self, variable: &'static str, message: String) {
        self.0.push(ConfigProblem { variable, message });
    }

    fn required(&mut self, b: &CognitoConfigBuilder, var: &'static str) -> Option<String> {
        let v = b.non_empty(var);
        if v.is_none() {
            self.push(var, "missing (required)".into());
        }
        v
    }

    fn boolean(&mut self, b: &CognitoConfigBuilder, var: &'static str, default: bool) -> bool {
        match b.raw.get(var) {
            None => default,
            Some(v) => parse_bool(v).unwrap_or_else(|| {
                self.push(
                    var,
                    format!("{v:?} is not a boolean (use true/false, 1/0, yes/no)"),
                );
                default
            }),
        }
    }

    fn integer(&mut self, b: &CognitoConfigBuilder, var: &'static str, default: u64) -> u64 {
        match b.non_empty(var) {
            None => default,
            Some(v) => v.parse::<u64>().unwrap_or_else(|_| {
                self.push(var, format!("{v:?} is not a non-negative integer"));
                default
            }),
        }
    }

    fn seconds(&mut self, b: &CognitoConfigBuilder, var: &'static str, default: u64) -> u64 {
        let v = self.integer(b, var, default);
        if v > 10 * 365 * 86_400 {
            self.push(var, format!("{v} seconds is more than ten years"));
        }
        v
    }

    fn url(&mut self, b: &CognitoConfigBuilder, var: &'static str, base_only: bool) -> Option<Url> {
        let raw = self.required(b, var)?;
        if !raw.contains("://") {
            self.push(
                var,
                format!("{raw:?} has no scheme (expected e.g. https://{raw})"),
            );
            return None;
        }
        match Url::parse(&raw) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {
                if base_only && u.query().is_some() {
                    self.push(var, format!("{raw:?} must be a base URL without a query"));
                    return None;
                }
                if base_only && raw.ends_with('/') {
                    tracing::warn!("{var} ends with '/': ignoring the trailing slash");
                }
                if u.fragment().is_some() {
                    self.push(var, format!("{raw:?} must not have a #fragment"));
                    return None;
                }
                Some(u)
            }
            Ok(_) => {
                self.push(var, format!("{raw:?} is not an http(s) URL"));
                None
            }
            Err(e) => {
                self.push(var, format!("{raw:?} is not a URL ({e})"));
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Vec<(String, String)> {
        [
            ("AWS_REGION", "eu-west-1"),
            ("AWS_COGNITO_USER_POOL_ID", "eu-west-1_c7O90SNDF"),
            (
                "AWS_COGNITO_USER_POOL_CLIENT_ID",
                "4lln66726pp3f4gi1krj0sta9h",
            ),
            (
                "AWS_COGNITO_DOMAIN",
                "https://webapp-test.auth.eu-west-1.amazoncognito.com",
            ),
            (
                "AWS_COGNITO_REDIRECT_URL",
                "http://localhost:5000/postlogin",
            ),
            ("AWS_COGNITO_LOGOUT_URL", "http://localhost:5000/postlogout"),
            ("SECRET_KEY", "0123456789abcdefghijklmnopqrstuvwxyz"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
    }

    fn with(extra: &[(&str, &str)]) -> Result<CognitoConfig, ConfigError> {
        let mut v = base();
        for (k, val) in extra {
            v.retain(|(a, _)| a != k);
            v.push((k.to_string(), val.to_string()));
        }
        CognitoConfig::from_vars(v)
    }

    #[test]
    fn defaults_match_flask_cognito_lib() {
        let c = with(&[]).unwrap();
        assert!(!c.disabled());
        assert_eq!(c.cookie_age(), Duration::from_secs(1800));
        assert_eq!(c.refresh_cookie_age(), Duration::from_secs(86400));
        assert_eq!(c.leeway(), Duration::ZERO);
        assert!(c.refresh_cookie_encrypted());
        assert!(!c.refresh_flow_enabled());
        assert!(c.cookie_secure());
        assert_eq!(c.cookie_samesite(), SameSite::Lax);
        assert_eq!(c.scopes(), None);
        assert_eq!(
            c.issuer(),
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_c7O90SNDF"
        );
        assert_eq!(
            c.jwks_url().as_str(),
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_c7O90SNDF/.well-known/jwks.json"
        );
        assert_eq!(
            c.authorize_endpoint().as_str(),
            "https://webapp-test.auth.eu-west-1.amazoncognito.com/oauth2/authorize"
        );
        assert_eq!(
            c.revoke_endpoint().as_str(),
            "https://webapp-test.auth.eu-west-1.amazoncognito.com/oauth2/revoke"
        );
        assert_eq!(
            c.user_info_endpoint().as_str(),
            "https://webapp-test.auth.eu-west-1.amazoncognito.com/oauth2/userInfo"
        );
        assert_eq!(
            c.logout_endpoint().as_str(),
            "https://webapp-test.auth.eu-west-1.amazoncognito.com/logout?client_id=4lln66726pp3f4gi1krj0sta9h&logout_uri=http%3A%2F%2Flocalhost%3A5000%2Fpostlogout"
        );
        assert_eq!(c.app_origin(), "http://localhost:5000");
    }

    #[test]
    fn false_strings_are_false() {
        for f in ["false", "False", "0", "no", "NO", "off"] {
            let c = with(&[
                ("AWS_COGNITO_DISABLED", f),
                ("AWS_COGNITO_REFRESH_FLOW_ENABLED", f),
            ])
            .unwrap();
            assert!(!c.disabled(), "{f}");
            assert!(!c.refresh_flow_enabled(), "{f}");
        }
        let c = with(&[("AWS_COGNITO_DISABLED", "True")]).unwrap();
        assert!(c.disabled());
    }

    #[test]
    fn scopes_split_on_spaces_and_commas() {
        let c = with(&[("AWS_COGNITO_SCOPES", "openid, email profile")]).unwrap();
        assert_eq!(c.scopes().unwrap(), ["openid", "email", "profile"]);
    }

    #[test]
    fn each_problem_is_named() {
        let err = with(&[
            ("AWS_REGION", "us-east-1"),
            ("AWS_COGNITO_DOMAIN", "example.auth.amazoncognito.com"),
            ("AWS_COGNITO_COOKIE_AGE_SECONDS", "ten"),
            ("AWS_COGNITO_REFRESH_FLOW_ENABLED", "maybe"),
            ("SECRET_KEY", "short"),
        ])
        .unwrap_err();
        let vars: Vec<_> = err.problems().iter().map(|p| p.variable).collect();
        assert!(vars.contains(&"AWS_COGNITO_USER_POOL_ID"), "{err}");
        assert!(vars.contains(&"AWS_COGNITO_DOMAIN"), "{err}");
        assert!(vars.contains(&"AWS_COGNITO_COOKIE_AGE_SECONDS"), "{err}");
        assert!(vars.contains(&"AWS_COGNITO_REFRESH_FLOW_ENABLED"), "{err}");
        assert!(vars.contains(&"SECRET_KEY"), "{err}");
        assert!(err.to_string().contains("has no scheme"));
        assert!(err.to_string().contains("does not match AWS_REGION"));
    }

    #[test]
    fn missing_variables_are_each_reported() {
        let err = CognitoConfig::from_vars(Vec::new()).unwrap_err();
        for v in [
            "AWS_REGION",
            "AWS_COGNITO_DOMAIN",
            "AWS_COGNITO_USER_POOL_ID",
            "AWS_COGNITO_USER_POOL_CLIENT_ID",
            "AWS_COGNITO_REDIRECT_URL",
            "AWS_COGNITO_LOGOUT_URL",
            "SECRET_KEY",
        ] {
            assert!(
                err.problems().iter().any(|p| p.variable == v),
                "{v} not reported: {err}"
            );
        }
    }

    #[test]
    fn domain_trailing_slash_is_tolerated_and_paths_kept() {
        let c = with(&[("AWS_COGNITO_DOMAIN", "https://x.example/")]).unwrap();
        assert_eq!(
            c.token_endpoint().as_str(),
            "https://x.example/oauth2/token"
        );
        let c = with(&[("AWS_COGNITO_DOMAIN", "http://127.0.0.1:9000/idp/")]).unwrap();
        assert_eq!(
            c.token_endpoint().as_str(),
            "http://127.0.0.1:9000/idp/oauth2/token"
        );
        assert!(c
            .logout_endpoint()
            .as_str()
            .starts_with("http://127.0.0.1:9000/idp/logout?client_id="));
        let err = with(&[("AWS_COGNITO_DOMAIN", "https://x.example?a=b")]).unwrap_err();
        assert_eq!(err.problems()[0].variable, "AWS_COGNITO_DOMAIN");
    }

    #[test]
    fn weak_secret_keys_are_refused() {
        for weak in [
            "very-secure",
            "aaaaaaaaaaaaaaaaaaaaaaaa",
            "changeme-changeme",
            "secret_key_123456",
        ] {
            let err = with(&[("SECRET_KEY", weak)]).unwrap_err();
            assert_eq!(err.problems()[0].variable, "SECRET_KEY", "{weak}");
        }
        assert!(
            with(&[("SECRET_KEY", "Zx8_q2LmP0vR7tYwK1nB3c")]).is_ok(),
            "22-char random token"
        );
    }

    #[test]
    fn dev_mode_generates_a_secret() {
        let mut v = base();
        v.retain(|(k, _)| k != "SECRET_KEY");
        let map = v.into_iter().collect();
        let c = CognitoConfigBuilder::from_map(&map)
            .dev_mode(true)
            .build()
            .unwrap();
        assert!(c.secret_key().expose().len() >= MIN_SECRET_KEY_LEN);
        assert!(!format!("{c:?}").contains(c.secret_key().expose()));
    }

    #[test]
    fn overrides_for_local_idps() {
        let c = with(&[
            (
                "AWS_COGNITO_ISSUER",
                "http://127.0.0.1:9000/eu-west-1_c7O90SNDF",
            ),
            ("AWS_COGNITO_COOKIE_SECURE", "false"),
            ("AWS_COGNITO_COOKIE_SAMESITE", "strict"),
            ("AWS_COGNITO_COOKIE_DOMAIN", ".Example.com"),
        ])
        .unwrap();
        assert_eq!(c.issuer(), "http://127.0.0.1:9000/eu-west-1_c7O90SNDF");
        assert_eq!(
            c.jwks_url().as_str(),
            "http://127.0.0.1:9000/eu-west-1_c7O90SNDF/.well-known/jwks.json"
        );
        assert!(!c.cookie_secure());
        assert_eq!(c.cookie_samesite(), SameSite::Strict);
        assert_eq!(c.cookie_domain(), Some("example.com"));
    }
}
