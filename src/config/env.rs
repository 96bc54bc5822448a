//! Reading the configuration from environment variables: text → typed builder values.
//!
//! Integers are seconds or milliseconds as the variable's name says, booleans are strict
//! ([`parse_bool`]), lists are space- or comma-separated. Empty values of non-boolean
//! variables count as unset (flask-cognito-lib's behaviour); anything that does not parse is a
//! problem naming the variable.

use std::{collections::HashMap, time::Duration};

use super::{vars, AuthorizeParams, CognitoConfig, CognitoConfigBuilder, ConfigError};

impl CognitoConfig {
    /// Reads the configuration from the process environment (`std::env::vars()`), with the
    /// names of [`vars`]. It does **not** read a `.env` file: load one first if you want it
    /// (e.g. `dotenvy::dotenv()` at the start of `main`).
    ///
    /// # Errors
    /// Every missing or malformed variable, one [`ConfigProblem`](super::ConfigProblem) each.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_vars(std::env::vars())
    }

    /// Like [`from_env`](Self::from_env), from an explicit list of variables (for tests and
    /// for apps that keep settings elsewhere).
    ///
    /// # Errors
    /// Every missing or malformed variable, one [`ConfigProblem`](super::ConfigProblem) each.
    ///
    /// # Example
    /// ```
    /// use leptos_cognito::config::{vars, CognitoConfig};
    /// let err = CognitoConfig::from_vars([(vars::AWS_REGION.to_string(), "eu-west-1".to_string())])
    ///     .unwrap_err();
    /// assert!(err.to_string().contains(vars::AWS_COGNITO_USER_POOL_ID));
    /// ```
    pub fn from_vars(
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let vars: HashMap<String, String> = vars.into_iter().collect();
        CognitoConfig::builder().with_vars(&vars, &[]).build()
    }
}

/// Parses a boolean the way people write them: `true/false`, `1/0`, `yes/no`, `on/off`, in any
/// case, surrounding whitespace ignored. Anything else, the empty string included, is `None`
/// (a configuration problem naming the variable).
///
/// # Example
/// ```
/// use leptos_cognito::config::parse_bool;
/// assert_eq!(parse_bool("False"), Some(false));
/// assert_eq!(parse_bool(" YES "), Some(true));
/// assert_eq!(parse_bool("off"), Some(false));
/// assert_eq!(parse_bool("maybe"), None);
/// assert_eq!(parse_bool(""), None);
/// assert_eq!(parse_bool("y"), None);
/// ```
pub fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// Splits every item on spaces and commas, dropping empty words.
pub(super) fn split_words<I, S>(items: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    items
        .into_iter()
        .flat_map(|s| {
            s.into()
                .split([' ', ',', '\t', '\n'])
                .filter(|w| !w.is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

fn integer(value: &str) -> Result<u64, String> {
    value
        .parse::<u64>()
        .map_err(|_| format!("{value:?} is not a non-negative integer"))
}

/// Applies the text `value` of variable `name` to `b` (unknown names are ignored).
pub(super) fn apply(
    b: CognitoConfigBuilder,
    name: &'static str,
    value: &str,
) -> CognitoConfigBuilder {
    use vars::*;
    let v = value.trim();

    // Booleans are strict: the empty string is not `false`.
    let boolean = |b: CognitoConfigBuilder,
                   set: fn(CognitoConfigBuilder, bool) -> CognitoConfigBuilder| {
        match parse_bool(v) {
            Some(x) => set(b, x),
            None => b.parse_problem(
                name,
                format!("{value:?} is not a boolean (use true/false, 1/0, yes/no, on/off)"),
            ),
        }
    };
    match name {
        AWS_COGNITO_DISABLED => return boolean(b, CognitoConfigBuilder::disabled),
        AWS_COGNITO_REFRESH_FLOW_ENABLED => {
            return boolean(b, CognitoConfigBuilder::refresh_flow_enabled)
        }
        AWS_COGNITO_REFRESH_COOKIE_ENCRYPTED => {
            return boolean(b, CognitoConfigBuilder::refresh_cookie_encrypted)
        }
        AWS_COGNITO_COOKIE_SECURE => return boolean(b, CognitoConfigBuilder::cookie_secure),
        _ => {}
    }
    if v.is_empty() {
        return unset(b, name);
    }

    let duration =
        |b: CognitoConfigBuilder,
         unit: fn(u64) -> Duration,
         set: fn(CognitoConfigBuilder, Duration) -> CognitoConfigBuilder| {
            match integer(v) {
                Ok(n) => set(b, unit(n)),
                Err(e) => b.parse_problem(name, e),
            }
        };
    let secs = Duration::from_secs;
    let millis = Duration::from_millis;
    type B = CognitoConfigBuilder;
    let params = |b: CognitoConfigBuilder, set: fn(AuthorizeParams, String) -> AuthorizeParams| {
        let p = set(b.authorize_params.clone(), v.to_string());
        b.authorize_params(p)
    };
    match name {
        AWS_REGION => b.region(v),
        AWS_COGNITO_DOMAIN => b.domain(v),
        AWS_COGNITO_USER_POOL_ID => b.user_pool_id(v),
        AWS_COGNITO_USER_POOL_CLIENT_ID => b.client_id(v),
        AWS_COGNITO_USER_POOL_CLIENT_SECRET => b.client_secret(v),
        AWS_COGNITO_REDIRECT_URL => b.redirect_url(v),
        AWS_COGNITO_LOGOUT_URL => b.logout_url(v),
        AWS_COGNITO_COOKIE_AGE_SECONDS => duration(b, secs, B::cookie_age),
        AWS_COGNITO_EXPIRATION_LEEWAY => duration(b, secs, B::leeway),
        AWS_COGNITO_SCOPES => b.scopes([v]),
        AWS_COGNITO_COOKIE_DOMAIN => b.cookie_domain(v),
        AWS_COGNITO_COOKIE_SAMESITE => match v.parse() {
            Ok(s) => b.cookie_samesite(s),
            Err(e) => b.parse_problem(name, e),
        },
        AWS_COGNITO_COOKIE_NAMES => match v.parse() {
            Ok(n) => b.cookie_naming(n),
            Err(e) => b.parse_problem(name, e),
        },
        AWS_COGNITO_REFRESH_COOKIE_AGE_SECONDS => duration(b, secs, B::refresh_cookie_age),
        // The key is used as given (no trimming): it is key material.
        SECRET_KEY => b.secret_key(value),
        AWS_COGNITO_ISSUER => b.issuer(v),
        AWS_COGNITO_JWKS_URL => b.jwks_url(v),
        AWS_COGNITO_HTTP_TIMEOUT_MS => duration(b, millis, B::http_timeout),
        AWS_COGNITO_JWKS_COOLDOWN_MS => duration(b, millis, B::jwks_cooldown),
        AWS_COGNITO_JWKS_TTL_SECONDS => duration(b, secs, B::jwks_ttl),
        AWS_COGNITO_ALLOWED_ORIGINS => b.allowed_origins([v]),
        AWS_COGNITO_REDIS_URL => b.redis_url(v),
        AWS_COGNITO_REDIS_TIMEOUT_MS => duration(b, millis, B::redis_timeout),
        AWS_COGNITO_IDENTITY_PROVIDERS => b.identity_providers([v]),
        AWS_COGNITO_SESSION_IDLE_SECONDS => duration(b, secs, B::session_idle_timeout),
        AWS_COGNITO_SESSION_MAX_SECONDS => duration(b, secs, B::session_max_lifetime),
        AWS_COGNITO_SESSION_WARNING_SECONDS => duration(b, secs, B::session_warning),
        AWS_COGNITO_PROACTIVE_REFRESH_SECONDS => duration(b, secs, B::proactive_refresh),
        AWS_COGNITO_IDENTITY_PROVIDER => params(b, AuthorizeParams::identity_provider),
        AWS_COGNITO_IDP_IDENTIFIER => params(b, AuthorizeParams::idp_identifier),
        AWS_COGNITO_LANG => params(b, AuthorizeParams::lang),
        AWS_COGNITO_PROMPT => params(b, AuthorizeParams::prompt),
        _ => b,
    }
}

/// An empty value: the variable falls back to its default (or is missing, if required).
fn unset(mut b: CognitoConfigBuilder, name: &'static str) -> CognitoConfigBuilder {
    use vars::*;
    b.parse_problems.retain(|p| p.variable != name);
    let p = &mut b.authorize_params;
    match name {
        AWS_REGION => b.region = None,
        AWS_COGNITO_DOMAIN => b.domain = None,
        AWS_COGNITO_USER_POOL_ID => b.user_pool_id = None,
        AWS_COGNITO_USER_POOL_CLIENT_ID => b.client_id = None,
        AWS_COGNITO_USER_POOL_CLIENT_SECRET => b.client_secret = None,
        AWS_COGNITO_REDIRECT_URL => b.redirect_url = None,
        AWS_COGNITO_LOGOUT_URL => b.logout_url = None,
        AWS_COGNITO_COOKIE_AGE_SECONDS => b.cookie_age = None,
        AWS_COGNITO_EXPIRATION_LEEWAY => b.leeway = None,
        AWS_COGNITO_SCOPES => b.scopes = None,
        AWS_COGNITO_COOKIE_DOMAIN => b.cookie_domain = None,
        AWS_COGNITO_COOKIE_SAMESITE => b.cookie_samesite = None,
        AWS_COGNITO_COOKIE_NAMES => b.cookie_naming = None,
        AWS_COGNITO_REFRESH_COOKIE_AGE_SECONDS => b.refresh_cookie_age = None,
        SECRET_KEY => b.secret_key = None,
        AWS_COGNITO_ISSUER => b.issuer = None,
        AWS_COGNITO_JWKS_URL => b.jwks_url = None,
        AWS_COGNITO_HTTP_TIMEOUT_MS => b.http_timeout = None,
        AWS_COGNITO_JWKS_COOLDOWN_MS => b.jwks_cooldown = None,
        AWS_COGNITO_JWKS_TTL_SECONDS => b.jwks_ttl = None,
        AWS_COGNITO_ALLOWED_ORIGINS => b.allowed_origins = None,
        AWS_COGNITO_REDIS_URL => b.redis_url = None,
        AWS_COGNITO_REDIS_TIMEOUT_MS => b.redis_timeout = None,
        AWS_COGNITO_IDENTITY_PROVIDERS => b.identity_providers = None,
        AWS_COGNITO_SESSION_IDLE_SECONDS => b.session_idle_timeout = None,
        AWS_COGNITO_SESSION_MAX_SECONDS => b.session_max_lifetime = None,
        AWS_COGNITO_SESSION_WARNING_SECONDS => b.session_warning = None,
        AWS_COGNITO_PROACTIVE_REFRESH_SECONDS => b.proactive_refresh = None,
        AWS_COGNITO_IDENTITY_PROVIDER => p.identity_provider = None,
        AWS_COGNITO_IDP_IDENTIFIER => p.idp_identifier = None,
        AWS_COGNITO_LANG => p.lang = None,
        AWS_COGNITO_PROMPT => p.prompt = None,
        _ => {}
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_are_strict() {
        for (s, v) in [
            ("true", true),
            ("TRUE", true),
            (" 1 ", true),
            ("Yes", true),
            ("on", true),
            ("false", false),
            ("False", false),
            ("0", false),
            ("NO", false),
            ("\toff\n", false),
        ] {
            assert_eq!(parse_bool(s), Some(v), "{s:?}");
        }
        for s in ["", "  ", "y", "n", "t", "f", "maybe", "2", "truee", "ja"] {
            assert_eq!(parse_bool(s), None, "{s:?}");
        }
    }

    #[test]
    fn an_unparsable_boolean_names_its_variable() {
        for bad in ["", "maybe", "y"] {
            let env: HashMap<String, String> =
                [(vars::AWS_COGNITO_COOKIE_SECURE.to_string(), bad.to_string())].into();
            let b = CognitoConfig::builder().with_vars(&env, &[]);
            let p = &b.parse_problems;
            assert_eq!(p.len(), 1, "{bad:?}");
            assert_eq!(p[0].variable, vars::AWS_COGNITO_COOKIE_SECURE);
            assert!(p[0].message.contains("is not a boolean"), "{}", p[0]);
        }
    }

    #[test]
    fn integers_are_seconds_or_milliseconds_as_named() {
        let env: HashMap<String, String> = [
            (vars::AWS_COGNITO_HTTP_TIMEOUT_MS, "1500"),
            (vars::AWS_COGNITO_JWKS_COOLDOWN_MS, "300"),
            (vars::AWS_COGNITO_JWKS_TTL_SECONDS, "600"),
            (vars::AWS_COGNITO_EXPIRATION_LEEWAY, " 7 "),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let b = CognitoConfig::builder().with_vars(&env, &[]);
        assert_eq!(b.http_timeout, Some(Duration::from_millis(1500)));
        assert_eq!(b.jwks_cooldown, Some(Duration::from_millis(300)));
        assert_eq!(b.jwks_ttl, Some(Duration::from_secs(600)));
        assert_eq!(b.leeway, Some(Duration::from_secs(7)));
        assert!(b.parse_problems.is_empty());
    }

    #[test]
    fn lists_split_on_spaces_and_commas() {
        assert_eq!(
            split_words(["openid, email profile", "a,,b"]),
            ["openid", "email", "profile", "a", "b"]
        );
    }
}
