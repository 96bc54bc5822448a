//! [`CognitoConfigBuilder`]: the configuration in code, with typed setters.

use std::{collections::HashMap, time::Duration};

use url::Url;

use super::{
    env, validate, vars, AuthorizeParams, CognitoConfig, ConfigError, ConfigProblem, CookieNaming,
    SameSite, Secret,
};

/// A URL given to the builder, as a parsed [`Url`] or as text that may not parse.
///
/// Made by [`IntoConfigUrl`]; a text that is not a URL is reported by
/// [`build`](CognitoConfigBuilder::build), naming the variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigUrl(pub(super) Result<(Url, String), String>);

/// What the URL setters of [`CognitoConfigBuilder`] accept: a [`Url`], or text (`&str`,
/// `String`) checked at [`build`](CognitoConfigBuilder::build).
///
/// # Example
/// ```
/// use leptos_cognito::config::CognitoConfig;
/// let parsed = url::Url::parse("https://d.example").unwrap();
/// let a = CognitoConfig::builder().domain(parsed);
/// let b = CognitoConfig::builder().domain("https://d.example");
/// let c = CognitoConfig::builder().domain(String::from("not a url"));
/// # let _ = (a, b, c);
/// ```
pub trait IntoConfigUrl {
    /// The URL, or the reason why this is not one.
    fn into_config_url(self) -> ConfigUrl;
}

impl IntoConfigUrl for Url {
    fn into_config_url(self) -> ConfigUrl {
        let text = self.as_str().to_string();
        ConfigUrl(Ok((self, text)))
    }
}

impl IntoConfigUrl for &Url {
    fn into_config_url(self) -> ConfigUrl {
        self.clone().into_config_url()
    }
}

impl IntoConfigUrl for &str {
    fn into_config_url(self) -> ConfigUrl {
        let raw = self.trim();
        if !raw.contains("://") {
            return ConfigUrl(Err(format!(
                "{raw:?} has no scheme (expected e.g. https://{raw})"
            )));
        }
        ConfigUrl(match Url::parse(raw) {
            Ok(u) => Ok((u, raw.to_string())),
            Err(e) => Err(format!("{raw:?} is not a URL ({e})")),
        })
    }
}

impl IntoConfigUrl for String {
    fn into_config_url(self) -> ConfigUrl {
        self.as_str().into_config_url()
    }
}

impl IntoConfigUrl for &String {
    fn into_config_url(self) -> ConfigUrl {
        self.as_str().into_config_url()
    }
}

impl IntoConfigUrl for ConfigUrl {
    fn into_config_url(self) -> ConfigUrl {
        self
    }
}

/// Builder of [`CognitoConfig`], with flask-cognito-lib's defaults. Setters take typed values;
/// [`build`](Self::build) validates them all together and reports every problem.
///
/// Its `Debug` output never shows the secret key or the client secret.
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
    pub(super) disabled: Option<bool>,
    pub(super) region: Option<String>,
    pub(super) domain: Option<ConfigUrl>,
    pub(super) user_pool_id: Option<String>,
    pub(super) client_id: Option<String>,
    pub(super) client_secret: Option<Secret>,
    pub(super) redirect_url: Option<ConfigUrl>,
    pub(super) logout_url: Option<ConfigUrl>,
    pub(super) cookie_age: Option<Duration>,
    pub(super) leeway: Option<Duration>,
    pub(super) scopes: Option<Vec<String>>,
    pub(super) cookie_domain: Option<String>,
    pub(super) cookie_samesite: Option<SameSite>,
    pub(super) cookie_naming: Option<CookieNaming>,
    pub(super) refresh_flow_enabled: Option<bool>,
    pub(super) refresh_cookie_encrypted: Option<bool>,
    pub(super) refresh_cookie_age: Option<Duration>,
    pub(super) secret_key: Option<Secret>,
    pub(super) issuer: Option<ConfigUrl>,
    pub(super) jwks_url: Option<ConfigUrl>,
    pub(super) cookie_secure: Option<bool>,
    pub(super) http_timeout: Option<Duration>,
    pub(super) jwks_cooldown: Option<Duration>,
    pub(super) jwks_ttl: Option<Duration>,
    pub(super) allowed_origins: Option<Vec<String>>,
    pub(super) redis_url: Option<Secret>,
    pub(super) redis_timeout: Option<Duration>,
    pub(super) identity_providers: Option<Vec<String>>,
    pub(super) session_idle_timeout: Option<Duration>,
    pub(super) session_max_lifetime: Option<Duration>,
    pub(super) session_warning: Option<Duration>,
    pub(super) proactive_refresh: Option<Duration>,
    pub(super) authorize_params: AuthorizeParams,
    pub(super) dev_mode: bool,
    /// Values that could not be parsed (from [`with_vars`](Self::with_vars)), reported by
    /// `build()` unless a setter gives the variable a value afterwards.
    pub(super) parse_problems: Vec<ConfigProblem>,
}

/// A setter of a plain (not secret) value.
macro_rules! setter {
    ($(#[$doc:meta])* $name:ident: $ty:ty => $var:ident) => {
        $(#[$doc])*
        pub fn $name(mut self, value: $ty) -> Self {
            self.forget_problems(vars::$var);
            self.$name = Some(value);
            self
        }
    };
}

/// A setter of a URL.
macro_rules! url_setter {
    ($(#[$doc:meta])* $name:ident => $var:ident) => {
        $(#[$doc])*
        pub fn $name(mut self, value: impl IntoConfigUrl) -> Self {
            self.forget_problems(vars::$var);
            self.$name = Some(value.into_config_url());
            self
        }
    };
}

/// A setter of a string.
macro_rules! string_setter {
    ($(#[$doc:meta])* $name:ident => $var:ident) => {
        $(#[$doc])*
        pub fn $name(mut self, value: impl Into<String>) -> Self {
            self.forget_problems(vars::$var);
            self.$name = Some(value.into());
            self
        }
    };
}

impl CognitoConfigBuilder {
    setter! {
        /// `AWS_COGNITO_DISABLED`: authorization checks pass everyone.
        disabled: bool => AWS_COGNITO_DISABLED
    }
    string_setter! {
        /// `AWS_REGION`, e.g. `eu-west-1`.
        region => AWS_REGION
    }
    url_setter! {
        /// `AWS_COGNITO_DOMAIN`: the hosted UI base URL (a trailing slash is ignored, a path
        /// is kept). `https` unless the host is a loopback address (or in development mode).
        domain => AWS_COGNITO_DOMAIN
    }
    string_setter! {
        /// `AWS_COGNITO_USER_POOL_ID`, `{region}_{id}`.
        user_pool_id => AWS_COGNITO_USER_POOL_ID
    }
    string_setter! {
        /// `AWS_COGNITO_USER_POOL_CLIENT_ID`.
        client_id => AWS_COGNITO_USER_POOL_CLIENT_ID
    }

    /// `AWS_COGNITO_USER_POOL_CLIENT_SECRET` (confidential clients). An empty string means a
    /// public client (no secret).
    pub fn client_secret(mut self, value: impl Into<String>) -> Self {
        self.forget_problems(vars::AWS_COGNITO_USER_POOL_CLIENT_SECRET);
        let value = value.into();
        self.client_secret = (!value.trim().is_empty()).then(|| Secret::new(value.trim()));
        self
    }

    url_setter! {
        /// `AWS_COGNITO_REDIRECT_URL`: the registered callback URL.
        redirect_url => AWS_COGNITO_REDIRECT_URL
    }
    url_setter! {
        /// `AWS_COGNITO_LOGOUT_URL`: the registered sign-out URL.
        logout_url => AWS_COGNITO_LOGOUT_URL
    }
    setter! {
        /// `AWS_COGNITO_COOKIE_AGE_SECONDS`: lifetime of the token cookies (default 30 min).
        cookie_age: Duration => AWS_COGNITO_COOKIE_AGE_SECONDS
    }
    setter! {
        /// `AWS_COGNITO_EXPIRATION_LEEWAY`: clock-skew leeway (default 0, at most 5 min).
        ///
        /// ```
        /// # use std::time::Duration;
        /// # use leptos_cognito::config::CognitoConfig;
        /// let b = CognitoConfig::builder().leeway(Duration::from_secs(30));
        /// # let _ = b;
        /// ```
        leeway: Duration => AWS_COGNITO_EXPIRATION_LEEWAY
    }

    /// `AWS_COGNITO_SCOPES`: the scopes to request (default: every scope the client allows).
    ///
    /// ```
    /// # use leptos_cognito::config::CognitoConfig;
    /// let b = CognitoConfig::builder().scopes(["openid", "email"]);
    /// # let _ = b;
    /// ```
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.forget_problems(vars::AWS_COGNITO_SCOPES);
        self.scopes = Some(env::split_words(scopes));
        self
    }

    string_setter! {
        /// `AWS_COGNITO_COOKIE_DOMAIN`: `Domain` of the cookies (a leading `.` is ignored).
        /// It must cover the redirect URL's host.
        cookie_domain => AWS_COGNITO_COOKIE_DOMAIN
    }
    setter! {
        /// `AWS_COGNITO_COOKIE_SAMESITE` (default [`SameSite::Lax`]).
        cookie_samesite: SameSite => AWS_COGNITO_COOKIE_SAMESITE
    }
    setter! {
        /// `AWS_COGNITO_COOKIE_NAMES` (default [`CookieNaming::Flask`]).
        /// [`CookieNaming::HostPrefixed`] requires `Secure` cookies and no cookie domain.
        ///
        /// ```
        /// # use leptos_cognito::config::{CognitoConfig, CookieNaming};
        /// let b = CognitoConfig::builder().cookie_naming(CookieNaming::HostPrefixed);
        /// # let _ = b;
        /// ```
        cookie_naming: CookieNaming => AWS_COGNITO_COOKIE_NAMES
    }
    setter! {
        /// `AWS_COGNITO_REFRESH_FLOW_ENABLED` (default `false`).
        refresh_flow_enabled: bool => AWS_COGNITO_REFRESH_FLOW_ENABLED
    }
    setter! {
        /// `AWS_COGNITO_REFRESH_COOKIE_ENCRYPTED` (default `true`).
        refresh_cookie_encrypted: bool => AWS_COGNITO_REFRESH_COOKIE_ENCRYPTED
    }
    setter! {
        /// `AWS_COGNITO_REFRESH_COOKIE_AGE_SECONDS`: lifetime of the refresh cookie (default
        /// 1 day).
        refresh_cookie_age: Duration => AWS_COGNITO_REFRESH_COOKIE_AGE_SECONDS
    }

    /// `SECRET_KEY`: the application secret (at least [`MIN_SECRET_KEY_LEN`] random
    /// characters outside development mode).
    ///
    /// [`MIN_SECRET_KEY_LEN`]: super::MIN_SECRET_KEY_LEN
    pub fn secret_key(mut self, value: impl Into<String>) -> Self {
        self.forget_problems(vars::SECRET_KEY);
        self.secret_key = Some(Secret::new(value));
        self
    }

    /// `AWS_COGNITO_REDIS_URL`: the store shared by several replicas (`redis://` or
    /// `rediss://`, with optional credentials and database). Kept as a secret: it may hold a
    /// password. Needs the `redis` feature.
    ///
    /// ```
    /// # use leptos_cognito::config::CognitoConfig;
    /// let b = CognitoConfig::builder().redis_url("redis://127.0.0.1:6379/0");
    /// # let _ = b;
    /// ```
    pub fn redis_url(mut self, value: impl Into<String>) -> Self {
        self.forget_problems(vars::AWS_COGNITO_REDIS_URL);
        self.redis_url = Some(Secret::new(value));
        self
    }

    setter! {
        /// `AWS_COGNITO_REDIS_TIMEOUT_MS`: timeout of one call to the shared store (default
        /// 250 ms, non-zero).
        redis_timeout: Duration => AWS_COGNITO_REDIS_TIMEOUT_MS
    }

    /// `AWS_COGNITO_IDENTITY_PROVIDERS`: the identity providers a sign-in link may ask for
    /// (`/auth/login?identity_provider=Google`). Any other name is refused with 400: the
    /// query string never chooses a provider on its own. `AWS_COGNITO_IDENTITY_PROVIDER`, when
    /// set, is allowed too.
    ///
    /// ```
    /// # use leptos_cognito::config::CognitoConfig;
    /// let b = CognitoConfig::builder().identity_providers(["Google", "CorpSAML"]);
    /// # let _ = b;
    /// ```
    pub fn identity_providers<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.forget_problems(vars::AWS_COGNITO_IDENTITY_PROVIDERS);
        self.identity_providers = Some(env::split_words(names));
        self
    }

    setter! {
        /// `AWS_COGNITO_SESSION_IDLE_SECONDS`: a cookie session not used for this long is
        /// signed out (cookies cleared, refresh token revoked). Zero turns it off (the default).
        ///
        /// ```
        /// # use std::time::Duration;
        /// # use leptos_cognito::config::CognitoConfig;
        /// let b = CognitoConfig::builder().session_idle_timeout(Duration::from_secs(30 * 60));
        /// # let _ = b;
        /// ```
        session_idle_timeout: Duration => AWS_COGNITO_SESSION_IDLE_SECONDS
    }
    setter! {
        /// `AWS_COGNITO_SESSION_MAX_SECONDS`: a cookie session is signed out this long after
        /// its sign-in, however often it was refreshed. Zero turns it off (the default).
        session_max_lifetime: Duration => AWS_COGNITO_SESSION_MAX_SECONDS
    }
    setter! {
        /// `AWS_COGNITO_SESSION_WARNING_SECONDS`: how long before its end a session "ends
        /// soon" for `use_session()` (default 2 minutes).
        session_warning: Duration => AWS_COGNITO_SESSION_WARNING_SECONDS
    }
    setter! {
        /// `AWS_COGNITO_PROACTIVE_REFRESH_SECONDS`: a visible tab whose user is active
        /// refreshes this long before the access token expires. Zero turns it off (the
        /// default); needs the refresh flow.
        proactive_refresh: Duration => AWS_COGNITO_PROACTIVE_REFRESH_SECONDS
    }

    url_setter! {
        /// `AWS_COGNITO_ISSUER`: the expected `iss` (default: Cognito's, from region and pool).
        issuer => AWS_COGNITO_ISSUER
    }
    url_setter! {
        /// `AWS_COGNITO_JWKS_URL` (default `{issuer}/.well-known/jwks.json`).
        jwks_url => AWS_COGNITO_JWKS_URL
    }
    setter! {
        /// `AWS_COGNITO_COOKIE_SECURE` (default `true`; `false` is refused with an `https`
        /// redirect URL outside development mode).
        cookie_secure: bool => AWS_COGNITO_COOKIE_SECURE
    }
    setter! {
        /// `AWS_COGNITO_HTTP_TIMEOUT_MS`: total timeout of one call to Cognito (default 5 s,
        /// non-zero).
        ///
        /// ```
        /// # use std::time::Duration;
        /// # use leptos_cognito::config::CognitoConfig;
        /// let b = CognitoConfig::builder().http_timeout(Duration::from_millis(1500));
        /// # let _ = b;
        /// ```
        http_timeout: Duration => AWS_COGNITO_HTTP_TIMEOUT_MS
    }
    setter! {
        /// `AWS_COGNITO_JWKS_COOLDOWN_MS`: minimum time between two JWKS re-fetches caused by
        /// unknown `kid`s (default 10 s, non-zero).
        jwks_cooldown: Duration => AWS_COGNITO_JWKS_COOLDOWN_MS
    }
    setter! {
        /// `AWS_COGNITO_JWKS_TTL_SECONDS`: how long fetched keys are trusted before a
        /// background re-validation (default 1 hour; non-zero, and at least a minute outside
        /// development mode).
        jwks_ttl: Duration => AWS_COGNITO_JWKS_TTL_SECONDS
    }

    /// `AWS_COGNITO_ALLOWED_ORIGINS`: extra origins (`http(s)://host[:port]`, no path) that the
    /// CSRF checks accept besides the app's own.
    ///
    /// ```
    /// # use leptos_cognito::config::CognitoConfig;
    /// let b = CognitoConfig::builder().allowed_origins(["https://admin.example.com"]);
    /// # let _ = b;
    /// ```
    pub fn allowed_origins<I, S>(mut self, origins: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.forget_problems(vars::AWS_COGNITO_ALLOWED_ORIGINS);
        self.allowed_origins = Some(env::split_words(origins));
        self
    }

    /// Extra authorize parameters (federation, language, hints, prompt).
    ///
    /// ```
    /// # use leptos_cognito::config::{AuthorizeParams, CognitoConfig};
    /// let b = CognitoConfig::builder()
    ///     .authorize_params(AuthorizeParams::new().identity_provider("Google"));
    /// # let _ = b;
    /// ```
    pub fn authorize_params(mut self, params: AuthorizeParams) -> Self {
        self.authorize_params = params;
        self
    }

    /// Development mode: a missing or weak `SECRET_KEY` is replaced by a generated one (or
    /// accepted) with a warning, and the hardening rules (https, leeway, minimum JWKS TTL,
    /// secure cookies on https, cookie-domain scope) are skipped. Never use in production.
    pub fn dev_mode(mut self, on: bool) -> Self {
        self.dev_mode = on;
        self
    }

    /// Overlays every known variable present in `vars` (see [`vars::VARIABLES`]), except those
    /// listed in `except`. Values are parsed as by [`CognitoConfig::from_vars`]; a value that
    /// does not parse is kept as a problem and reported by [`build`](Self::build).
    ///
    /// # Example
    /// ```
    /// use std::{collections::HashMap, time::Duration};
    /// use leptos_cognito::config::{vars, CognitoConfig};
    /// let env: HashMap<String, String> = [
    ///     (vars::AWS_COGNITO_COOKIE_AGE_SECONDS.to_string(), "60".to_string()),
    ///     (vars::AWS_COGNITO_COOKIE_SECURE.to_string(), "maybe".to_string()),
    /// ]
    /// .into();
    /// let b = CognitoConfig::builder().with_vars(&env, &[]);
    /// assert!(b.is_set(vars::AWS_COGNITO_COOKIE_AGE_SECONDS));
    /// let err = b.build().unwrap_err();
    /// assert!(err.problems().iter().any(|p| p.variable == vars::AWS_COGNITO_COOKIE_SECURE));
    /// ```
    pub fn with_vars(mut self, vars: &HashMap<String, String>, except: &[&str]) -> Self {
        for name in vars::VARIABLES {
            if except.contains(name) {
                continue;
            }
            if let Some(value) = vars.get(*name) {
                self = env::apply(self, name, value);
            }
        }
        self
    }

    /// Whether `var` (one of [`vars::VARIABLES`]) has been given a value, or a value that did
    /// not parse.
    pub fn is_set(&self, var: &str) -> bool {
        use vars::*;
        let p = &self.authorize_params;
        self.parse_problems.iter().any(|p| p.variable == var)
            || match var {
                AWS_COGNITO_DISABLED => self.disabled.is_some(),
                AWS_REGION => self.region.is_some(),
                AWS_COGNITO_DOMAIN => self.domain.is_some(),
                AWS_COGNITO_USER_POOL_ID => self.user_pool_id.is_some(),
                AWS_COGNITO_USER_POOL_CLIENT_ID => self.client_id.is_some(),
                AWS_COGNITO_USER_POOL_CLIENT_SECRET => self.client_secret.is_some(),
                AWS_COGNITO_REDIRECT_URL => self.redirect_url.is_some(),
                AWS_COGNITO_LOGOUT_URL => self.logout_url.is_some(),
                AWS_COGNITO_COOKIE_AGE_SECONDS => self.cookie_age.is_some(),
                AWS_COGNITO_EXPIRATION_LEEWAY => self.leeway.is_some(),
                AWS_COGNITO_SCOPES => self.scopes.is_some(),
                AWS_COGNITO_COOKIE_DOMAIN => self.cookie_domain.is_some(),
                AWS_COGNITO_COOKIE_SAMESITE => self.cookie_samesite.is_some(),
                AWS_COGNITO_REFRESH_FLOW_ENABLED => self.refresh_flow_enabled.is_some(),
                AWS_COGNITO_REFRESH_COOKIE_ENCRYPTED => self.refresh_cookie_encrypted.is_some(),
                AWS_COGNITO_REFRESH_COOKIE_AGE_SECONDS => self.refresh_cookie_age.is_some(),
                SECRET_KEY => self.secret_key.is_some(),
                AWS_COGNITO_ISSUER => self.issuer.is_some(),
                AWS_COGNITO_JWKS_URL => self.jwks_url.is_some(),
                AWS_COGNITO_COOKIE_SECURE => self.cookie_secure.is_some(),
                AWS_COGNITO_IDENTITY_PROVIDER => p.identity_provider.is_some(),
                AWS_COGNITO_IDP_IDENTIFIER => p.idp_identifier.is_some(),
                AWS_COGNITO_LANG => p.lang.is_some(),
                AWS_COGNITO_PROMPT => p.prompt.is_some(),
                AWS_COGNITO_HTTP_TIMEOUT_MS => self.http_timeout.is_some(),
                AWS_COGNITO_JWKS_COOLDOWN_MS => self.jwks_cooldown.is_some(),
                AWS_COGNITO_JWKS_TTL_SECONDS => self.jwks_ttl.is_some(),
                AWS_COGNITO_ALLOWED_ORIGINS => self.allowed_origins.is_some(),
                AWS_COGNITO_COOKIE_NAMES => self.cookie_naming.is_some(),
                AWS_COGNITO_REDIS_URL => self.redis_url.is_some(),
                AWS_COGNITO_REDIS_TIMEOUT_MS => self.redis_timeout.is_some(),
                AWS_COGNITO_IDENTITY_PROVIDERS => self.identity_providers.is_some(),
                AWS_COGNITO_SESSION_IDLE_SECONDS => self.session_idle_timeout.is_some(),
                AWS_COGNITO_SESSION_MAX_SECONDS => self.session_max_lifetime.is_some(),
                AWS_COGNITO_SESSION_WARNING_SECONDS => self.session_warning.is_some(),
                AWS_COGNITO_PROACTIVE_REFRESH_SECONDS => self.proactive_refresh.is_some(),
                _ => false,
            }
    }

    /// Records that the text given for `variable` could not be parsed.
    pub(super) fn parse_problem(mut self, variable: &'static str, message: String) -> Self {
        self.forget_problems(variable);
        self.parse_problems
            .push(ConfigProblem::new(variable, message));
        self
    }

    /// A value is being set for `variable`: an earlier unparsable one no longer counts.
    fn forget_problems(&mut self, variable: &str) {
        self.parse_problems.retain(|p| p.variable != variable);
    }

    /// Validates every value (see the module docs for the rules).
    ///
    /// # Errors
    /// A [`ConfigError`] listing every problem found, each naming its variable.
    pub fn build(self) -> Result<CognitoConfig, ConfigError> {
        validate::build(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> CognitoConfigBuilder {
        CognitoConfigBuilder::default()
            .region("eu-west-1")
            .user_pool_id("eu-west-1_c7O90SNDF")
            .client_id("4lln66726pp3f4gi1krj0sta9h")
            .domain("https://webapp-test.auth.eu-west-1.amazoncognito.com")
            .redirect_url("https://app.example/auth/callback")
            .logout_url("https://app.example/")
    }

    #[test]
    fn typed_setters_reach_the_config() {
        let c = valid()
            .secret_key("0123456789abcdefghijklmnopqrstuvwxyz")
            .cookie_age(Duration::from_secs(120))
            .leeway(Duration::from_secs(5))
            .refresh_cookie_age(Duration::from_secs(600))
            .http_timeout(Duration::from_millis(1500))
            .jwks_cooldown(Duration::from_millis(300))
            .jwks_ttl(Duration::from_secs(120))
            .disabled(true)
            .refresh_flow_enabled(true)
            .refresh_cookie_encrypted(false)
            .cookie_samesite(SameSite::Strict)
            .cookie_naming(CookieNaming::HostPrefixed)
            .scopes(["openid", "email profile"])
            .allowed_origins(vec!["https://admin.app.example".to_string()])
            .issuer(Url::parse("https://issuer.example/pool").unwrap())
            .build()
            .unwrap();
        assert_eq!(c.cookie_age(), Duration::from_secs(120));
        assert_eq!(c.leeway(), Duration::from_secs(5));
        assert_eq!(c.refresh_cookie_age(), Duration::from_secs(600));
        assert_eq!(c.http_timeout(), Duration::from_millis(1500));
        assert_eq!(c.http_connect_timeout(), Duration::from_millis(1500));
        assert_eq!(c.jwks_cooldown(), Duration::from_millis(300));
        assert_eq!(c.jwks_ttl(), Duration::from_secs(120));
        assert!(c.disabled() && c.refresh_flow_enabled() && !c.refresh_cookie_encrypted());
        assert_eq!(c.cookie_samesite(), SameSite::Strict);
        assert_eq!(c.cookie_naming(), CookieNaming::HostPrefixed);
        assert_eq!(c.scopes().unwrap(), ["openid", "email", "profile"]);
        assert_eq!(
            c.allowed_origins(),
            ["https://app.example", "https://admin.app.example"]
        );
        assert_eq!(c.issuer(), "https://issuer.example/pool");
        assert_eq!(
            c.jwks_url().as_str(),
            "https://issuer.example/pool/.well-known/jwks.json"
        );
    }

    #[test]
    fn unparsable_url_text_is_reported_with_its_variable() {
        let err = valid()
            .secret_key("0123456789abcdefghijklmnopqrstuvwxyz")
            .jwks_url("https://")
            .logout_url(String::from("app.example/"))
            .build()
            .unwrap_err();
        let vars: Vec<_> = err.problems().iter().map(|p| p.variable).collect();
        assert_eq!(
            vars,
            [vars::AWS_COGNITO_LOGOUT_URL, vars::AWS_COGNITO_JWKS_URL],
            "{err}"
        );
        assert!(err.to_string().contains("has no scheme"), "{err}");
    }

    #[test]
    fn a_setter_replaces_an_unparsable_variable() {
        let env: HashMap<String, String> = [(
            vars::AWS_COGNITO_COOKIE_AGE_SECONDS.to_string(),
            "ten".to_string(),
        )]
        .into();
        let b = valid()
            .secret_key("0123456789abcdefghijklmnopqrstuvwxyz")
            .with_vars(&env, &[]);
        assert!(b.is_set(vars::AWS_COGNITO_COOKIE_AGE_SECONDS));
        assert!(b.clone().build().is_err());
        let c = b.cookie_age(Duration::from_secs(10)).build().unwrap();
        assert_eq!(c.cookie_age(), Duration::from_secs(10));
    }

    #[test]
    fn with_vars_skips_the_excepted_variables() {
        let env: HashMap<String, String> = [
            (vars::AWS_REGION.to_string(), "us-east-1".to_string()),
            (vars::AWS_COGNITO_LANG.to_string(), "fr".to_string()),
        ]
        .into();
        let b = valid().with_vars(&env, vars::IDP_VARIABLES);
        assert!(b.is_set(vars::AWS_COGNITO_LANG));
        let c = b.dev_mode(true).build().unwrap();
        assert_eq!(c.region(), "eu-west-1");
        assert_eq!(c.authorize_params().lang.as_deref(), Some("fr"));
    }

    #[test]
    fn debug_never_prints_secrets() {
        let secret_key = "Zx8_q2LmP0vR7tYwK1nB3c-very-private";
        let client_secret = "client-secret-9f8e7d6c5b4a";
        let b = valid().secret_key(secret_key).client_secret(client_secret);
        let builder_debug = format!("{b:?}");
        let config = b.build().unwrap();
        let config_debug = format!("{config:?}");
        let pretty = format!("{config:#?}");
        for out in [builder_debug, config_debug, pretty] {
            assert!(!out.contains(secret_key), "{out}");
            assert!(!out.contains(client_secret), "{out}");
            assert!(out.contains("Secret(***)"), "{out}");
        }
        assert_eq!(config.client_secret().unwrap().expose(), client_secret);
    }
}
