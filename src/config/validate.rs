//! The validation rules, one small function each, all run by
//! [`CognitoConfigBuilder::build`]. Every problem is collected (validation never stops at the
//! first) and names its variable.
//!
//! Shape rules (always): required values present; URLs parse, are `http(s)` with a host,
//! without `#fragment` (and without query for the domain); the pool id is `{region}_{id}` and
//! its region prefix matches `AWS_REGION`; `SECRET_KEY` is strong (or generated/accepted with a
//! warning in development mode); durations at most ten years; the cookie domain is a host name;
//! `SameSite=None` needs `Secure`; `__Host-` cookie names need `Secure` and no cookie domain;
//! extra allowed origins are bare `http(s)` origins; the HTTP timeout, JWKS cool-down and JWKS
//! TTL are non-zero.
//!
//! Hardening rules (skipped in development mode): `https` for the domain, the issuer and the
//! JWKS URL unless the host is a loopback address (`127.0.0.0/8`, `::1`, `localhost`); leeway at
//! most 5 minutes; JWKS TTL at least a minute; `Secure` cookies when the redirect URL is
//! `https`; the cookie domain covers the redirect URL's host.

use std::time::Duration;

use url::{Host, Url};

use super::{
    vars, CognitoConfig, CognitoConfigBuilder, ConfigError, ConfigProblem, ConfigUrl, CookieNaming,
    SameSite, Secret,
};

/// Minimum length, in bytes, of `SECRET_KEY` outside development mode.
pub const MIN_SECRET_KEY_LEN: usize = 16;

/// Longest accepted leeway outside development mode.
const MAX_LEEWAY: Duration = Duration::from_secs(300);
/// Shortest accepted JWKS TTL outside development mode.
const MIN_JWKS_TTL: Duration = Duration::from_secs(60);
/// Longest accepted cookie lifetime or leeway.
const TEN_YEARS: Duration = Duration::from_secs(10 * 365 * 86_400);

const DEFAULT_COOKIE_AGE: Duration = Duration::from_secs(1800);
const DEFAULT_REFRESH_COOKIE_AGE: Duration = Duration::from_secs(86_400);
const DEFAULT_HTTP_TIMEOUT: Duration = Duration::from_millis(5_000);
const DEFAULT_JWKS_COOLDOWN: Duration = Duration::from_millis(10_000);
const DEFAULT_JWKS_TTL: Duration = Duration::from_secs(3_600);
const DEFAULT_REDIS_TIMEOUT: Duration = Duration::from_millis(250);
const DEFAULT_SESSION_WARNING: Duration = Duration::from_secs(120);
/// Longest identity-provider name accepted (Cognito allows 32 characters; SAML/OIDC
/// identifiers a little more).
const MAX_PROVIDER_NAME: usize = 128;
const MAX_CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// The problems found so far.
#[derive(Default)]
struct Problems(Vec<ConfigProblem>);

impl Problems {
    fn push(&mut self, variable: &'static str, message: impl Into<String>) {
        self.0.push(ConfigProblem::new(variable, message));
    }
}

/// Validates the builder's values and makes the configuration.
pub(super) fn build(b: CognitoConfigBuilder) -> Result<CognitoConfig, ConfigError> {
    let mut p = Problems(b.parse_problems.clone());
    let dev = b.dev_mode;

    let region = required(&mut p, vars::AWS_REGION, non_empty(&b.region));
    let user_pool_id = required(
        &mut p,
        vars::AWS_COGNITO_USER_POOL_ID,
        non_empty(&b.user_pool_id),
    );
    let client_id = required(
        &mut p,
        vars::AWS_COGNITO_USER_POOL_CLIENT_ID,
        non_empty(&b.client_id),
    );
    let domain = required_url(&mut p, vars::AWS_COGNITO_DOMAIN, &b.domain, true);
    let redirect_url = required_url(
        &mut p,
        vars::AWS_COGNITO_REDIRECT_URL,
        &b.redirect_url,
        false,
    );
    let logout_url = required_url(&mut p, vars::AWS_COGNITO_LOGOUT_URL, &b.logout_url, false);

    let cookie_age = b.cookie_age.unwrap_or(DEFAULT_COOKIE_AGE);
    let leeway = b.leeway.unwrap_or_default();
    let refresh_cookie_age = b.refresh_cookie_age.unwrap_or(DEFAULT_REFRESH_COOKIE_AGE);
    for (var, d) in [
        (vars::AWS_COGNITO_COOKIE_AGE_SECONDS, cookie_age),
        (vars::AWS_COGNITO_EXPIRATION_LEEWAY, leeway),
        (
            vars::AWS_COGNITO_REFRESH_COOKIE_AGE_SECONDS,
            refresh_cookie_age,
        ),
    ] {
        at_most_ten_years(&mut p, var, d);
    }
    let nonzero = |d: Option<Duration>| d.filter(|d| !d.is_zero());
    let session_idle = nonzero(b.session_idle_timeout);
    let session_max = nonzero(b.session_max_lifetime);
    let session_warning = b.session_warning.unwrap_or(DEFAULT_SESSION_WARNING);
    let proactive_refresh = nonzero(b.proactive_refresh);
    for (var, d) in [
        (vars::AWS_COGNITO_SESSION_IDLE_SECONDS, session_idle),
        (vars::AWS_COGNITO_SESSION_MAX_SECONDS, session_max),
        (
            vars::AWS_COGNITO_SESSION_WARNING_SECONDS,
            Some(session_warning),
        ),
        (
            vars::AWS_COGNITO_PROACTIVE_REFRESH_SECONDS,
            proactive_refresh,
        ),
    ] {
        if let Some(d) = d {
            at_most_ten_years(&mut p, var, d);
        }
    }
    let refresh_flow_enabled = b.refresh_flow_enabled.unwrap_or(false);
    if proactive_refresh.is_some() && !refresh_flow_enabled {
        p.push(
            vars::AWS_COGNITO_PROACTIVE_REFRESH_SECONDS,
            "needs AWS_COGNITO_REFRESH_FLOW_ENABLED=true",
        );
    }
    let identity_providers =
        identity_providers_are_names(&mut p, b.identity_providers.as_deref().unwrap_or_default());
    let http_timeout = b.http_timeout.unwrap_or(DEFAULT_HTTP_TIMEOUT);
    let jwks_cooldown = b.jwks_cooldown.unwrap_or(DEFAULT_JWKS_COOLDOWN);
    let jwks_ttl = b.jwks_ttl.unwrap_or(DEFAULT_JWKS_TTL);
    let redis_timeout = b.redis_timeout.unwrap_or(DEFAULT_REDIS_TIMEOUT);
    let redis_url = redis_url_is_redis(&mut p, b.redis_url);
    for (var, d) in [
        (vars::AWS_COGNITO_HTTP_TIMEOUT_MS, http_timeout),
        (vars::AWS_COGNITO_JWKS_COOLDOWN_MS, jwks_cooldown),
        (vars::AWS_COGNITO_JWKS_TTL_SECONDS, jwks_ttl),
        (vars::AWS_COGNITO_REDIS_TIMEOUT_MS, redis_timeout),
    ] {
        duration_is_non_zero(&mut p, var, d);
    }

    let cookie_secure = b.cookie_secure.unwrap_or(true);
    let cookie_samesite = b.cookie_samesite.unwrap_or_default();
    let cookie_naming = b.cookie_naming.unwrap_or_default();
    samesite_none_needs_secure(&mut p, cookie_samesite, cookie_secure);
    let cookie_domain =
        non_empty(&b.cookie_domain).map(|d| d.trim_start_matches('.').to_ascii_lowercase());
    if let Some(d) = &cookie_domain {
        cookie_domain_is_host_name(&mut p, d);
    }
    host_prefixed_cookies_need_secure_and_no_domain(
        &mut p,
        cookie_naming,
        cookie_secure,
        cookie_domain.as_deref(),
    );
    let allowed_origins = allowed_origins_are_origins(&mut p, b.allowed_origins.as_deref());

    if let (Some(region), Some(pool)) = (&region, &user_pool_id) {
        region_matches_pool_id(&mut p, region, pool);
    }
    let secret_key = secret_key_is_strong(&mut p, b.secret_key.as_ref(), dev);

    let issuer = match &b.issuer {
        Some(given) => issuer_is_http_url(&mut p, given),
        None => match (&region, &user_pool_id) {
            (Some(r), Some(pool)) => Some(format!("https://cognito-idp.{r}.amazonaws.com/{pool}")),
            _ => None,
        },
    };
    let jwks_url = match &b.jwks_url {
        Some(given) => url_shape(&mut p, vars::AWS_COGNITO_JWKS_URL, given, false),
        None => issuer
            .as_ref()
            .and_then(|i| Url::parse(&format!("{i}/.well-known/jwks.json")).ok()),
    };

    if !dev {
        if let Some(u) = &domain {
            https_unless_loopback(&mut p, vars::AWS_COGNITO_DOMAIN, u);
        }
        if let Some(u) = issuer.as_deref().and_then(|i| Url::parse(i).ok()) {
            https_unless_loopback(&mut p, vars::AWS_COGNITO_ISSUER, &u);
        }
        // A default JWKS URL follows the issuer: only an explicit one is checked on its own.
        if let (Some(u), Some(_)) = (&jwks_url, &b.jwks_url) {
            https_unless_loopback(&mut p, vars::AWS_COGNITO_JWKS_URL, u);
        }
        leeway_at_most_five_minutes(&mut p, leeway);
        jwks_ttl_at_least_a_minute(&mut p, jwks_ttl);
        if let Some(r) = &redirect_url {
            secure_cookies_on_https(&mut p, cookie_secure, r);
            if let Some(d) = &cookie_domain {
                cookie_domain_covers_redirect_host(&mut p, d, r);
            }
        }
    }

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
            problems: vec![ConfigProblem::new("configuration", "incomplete")],
        });
    };
    // The app's own origin first, then the extra ones, without repeats.
    let mut all_origins = vec![redirect_url.origin().ascii_serialization()];
    for o in allowed_origins {
        if !all_origins.contains(&o) {
            all_origins.push(o);
        }
    }
    Ok(CognitoConfig {
        disabled: b.disabled.unwrap_or(false),
        region,
        domain,
        user_pool_id,
        client_id,
        client_secret: b.client_secret,
        redirect_url,
        logout_url,
        cookie_age,
        leeway,
        scopes: b.scopes,
        cookie_domain,
        cookie_samesite,
        cookie_naming,
        refresh_flow_enabled,
        refresh_cookie_encrypted: b.refresh_cookie_encrypted.unwrap_or(true),
        refresh_cookie_age,
        secret_key,
        issuer,
        jwks_url,
        cookie_secure,
        authorize_params: b.authorize_params,
        http_timeout,
        http_connect_timeout: MAX_CONNECT_TIMEOUT.min(http_timeout),
        jwks_cooldown,
        jwks_ttl,
        allowed_origins: all_origins,
        redis_url,
        redis_timeout,
        identity_providers,
        session_idle,
        session_max,
        session_warning,
        proactive_refresh,
        dev_mode: dev,
    })
}

/// Identity-provider names are printable, without spaces or separators, and not too long.
fn identity_providers_are_names(p: &mut Problems, names: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in names {
        let ok = !n.is_empty()
            && n.chars().count() <= MAX_PROVIDER_NAME
            && n.chars()
                .all(|c| !c.is_control() && !c.is_whitespace() && c != ',');
        if !ok {
            p.push(
                vars::AWS_COGNITO_IDENTITY_PROVIDERS,
                format!(
                    "{:?} is not an identity-provider name",
                    n.chars().take(40).collect::<String>()
                ),
            );
        } else if !out.contains(n) {
            out.push(n.clone());
        }
    }
    out
}

fn non_empty(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// A required value is present.
fn required<T>(p: &mut Problems, var: &'static str, v: Option<T>) -> Option<T> {
    if v.is_none() {
        p.push(var, "missing (required)");
    }
    v
}

/// A required URL is present and well formed.
fn required_url(
    p: &mut Problems,
    var: &'static str,
    v: &Option<ConfigUrl>,
    base_only: bool,
) -> Option<Url> {
    let v = required(p, var, v.as_ref())?;
    url_shape(p, var, v, base_only)
}

/// A URL parses, is `http(s)` with a host and has no `#fragment`; a base URL (`base_only`) has
/// no query either.
fn url_shape(p: &mut Problems, var: &'static str, v: &ConfigUrl, base_only: bool) -> Option<Url> {
    let (u, raw) = match &v.0 {
        Ok(x) => x,
        Err(message) => {
            p.push(var, message.clone());
            return None;
        }
    };
    if !matches!(u.scheme(), "http" | "https") || u.host().is_none() {
        p.push(var, format!("{raw:?} is not an http(s) URL"));
        return None;
    }
    if base_only && u.query().is_some() {
        p.push(var, format!("{raw:?} must be a base URL without a query"));
        return None;
    }
    if base_only && raw.ends_with('/') && u.path() != "/" {
        tracing::warn!("{var} ends with '/': ignoring the trailing slash");
    }
    if u.fragment().is_some() {
        p.push(var, format!("{raw:?} must not have a #fragment"));
        return None;
    }
    Some(u.clone())
}

/// The issuer is an `http(s)` URL; it is kept exactly as written (it is compared with `iss`).
fn issuer_is_http_url(p: &mut Problems, v: &ConfigUrl) -> Option<String> {
    match &v.0 {
        Ok((u, raw)) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {
            Some(raw.clone())
        }
        Ok((_, raw)) => {
            p.push(
                vars::AWS_COGNITO_ISSUER,
                format!("{raw:?} is not an http(s) URL"),
            );
            None
        }
        Err(message) => {
            p.push(vars::AWS_COGNITO_ISSUER, message.clone());
            None
        }
    }
}

/// Durations (cookie lifetimes, leeway) stay below ten years.
fn at_most_ten_years(p: &mut Problems, var: &'static str, d: Duration) {
    if d > TEN_YEARS {
        p.push(
            var,
            format!("{} seconds is more than ten years", d.as_secs()),
        );
    }
}

/// Timeouts, cool-downs and TTLs are never zero (a zero would disable the protection they
/// give), development mode included.
fn duration_is_non_zero(p: &mut Problems, var: &'static str, d: Duration) {
    if d.is_zero() {
        p.push(var, "must not be zero");
    }
}

/// Browsers drop `SameSite=None` cookies that are not `Secure`.
fn samesite_none_needs_secure(p: &mut Problems, samesite: SameSite, secure: bool) {
    if samesite == SameSite::None && !secure {
        p.push(
            vars::AWS_COGNITO_COOKIE_SAMESITE,
            format!(
                "SameSite=None requires {}=true (browsers drop such cookies)",
                vars::AWS_COGNITO_COOKIE_SECURE
            ),
        );
    }
}

/// The cookie domain is a host name (letters, digits, `.` and `-`).
fn cookie_domain_is_host_name(p: &mut Problems, d: &str) {
    if d.is_empty() || d.contains(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-')) {
        p.push(
            vars::AWS_COGNITO_COOKIE_DOMAIN,
            format!("{d:?} is not a host name"),
        );
    }
}

/// Browsers only accept `__Host-` cookies that are `Secure` and have no `Domain`.
fn host_prefixed_cookies_need_secure_and_no_domain(
    p: &mut Problems,
    naming: CookieNaming,
    secure: bool,
    domain: Option<&str>,
) {
    if naming != CookieNaming::HostPrefixed {
        return;
    }
    if !secure {
        p.push(
            vars::AWS_COGNITO_COOKIE_NAMES,
            format!(
                "__Host- cookie names require {}=true",
                vars::AWS_COGNITO_COOKIE_SECURE
            ),
        );
    }
    if domain.is_some() {
        p.push(
            vars::AWS_COGNITO_COOKIE_NAMES,
            format!(
                "__Host- cookie names forbid {}",
                vars::AWS_COGNITO_COOKIE_DOMAIN
            ),
        );
    }
}

/// The shared store's URL is `redis://` or `rediss://` with a host. The text is never repeated
/// in the message: it may hold a password.
fn redis_url_is_redis(p: &mut Problems, url: Option<Secret>) -> Option<Secret> {
    let url = url.filter(|u| !u.expose().trim().is_empty())?;
    match Url::parse(url.expose().trim()) {
        Ok(u) if matches!(u.scheme(), "redis" | "rediss") && u.host().is_some() => Some(url),
        _ => {
            p.push(
                vars::AWS_COGNITO_REDIS_URL,
                "is not a redis://host[:port][/db] or rediss://… URL (value not shown: it may hold a password)",
            );
            None
        }
    }
}

/// Each extra allowed origin is `http(s)://host[:port]`, without path, query, fragment or
/// credentials. Returns them serialised as origins.
fn allowed_origins_are_origins(p: &mut Problems, origins: Option<&[String]>) -> Vec<String> {
    let mut out = Vec::new();
    for raw in origins.unwrap_or_default() {
        // Nothing after `host[:port]` but an optional `/`.
        let no_path = raw.split_once("://").is_some_and(|(_, rest)| {
            rest.matches('/').count() <= 1 && !rest.trim_end_matches('/').contains('/')
        });
        let ok = Url::parse(raw).ok().filter(|u| {
            no_path
                && matches!(u.scheme(), "http" | "https")
                && u.host().is_some()
                && u.username().is_empty()
                && u.password().is_none()
                && u.path() == "/"
                && u.query().is_none()
                && u.fragment().is_none()
        });
        match ok {
            Some(u) => out.push(u.origin().ascii_serialization()),
            None => p.push(
                vars::AWS_COGNITO_ALLOWED_ORIGINS,
                format!("{raw:?} is not an origin (expected http(s)://host[:port], no path)"),
            ),
        }
    }
    out
}

/// The pool id has Cognito's shape `{region}_{id}` and its prefix is `AWS_REGION`.
fn region_matches_pool_id(p: &mut Problems, region: &str, pool: &str) {
    match pool.split_once('_') {
        Some((prefix, id)) if !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric()) => {
            if prefix != region {
                p.push(
                    vars::AWS_COGNITO_USER_POOL_ID,
                    format!(
                        "region prefix {prefix:?} does not match {} {region:?}",
                        vars::AWS_REGION
                    ),
                );
            }
        }
        _ => p.push(
            vars::AWS_COGNITO_USER_POOL_ID,
            format!("{pool:?} is not of the form {{region}}_{{id}} (e.g. eu-west-1_AbC123)"),
        ),
    }
}

/// `SECRET_KEY` is long, varied and not a well-known placeholder. In development mode a weak
/// key is accepted and a missing one generated, each with a warning.
fn secret_key_is_strong(p: &mut Problems, key: Option<&Secret>, dev: bool) -> Option<Secret> {
    match key.map(Secret::expose).filter(|k| !k.is_empty()) {
        Some(k)
            if k.len() >= MIN_SECRET_KEY_LEN && distinct_bytes(k) >= 8 && !is_placeholder(k) =>
        {
            Some(Secret::new(k))
        }
        Some(k) if dev => {
            tracing::warn!(
                "{} is weak ({} bytes); accepted in development mode only",
                vars::SECRET_KEY,
                k.len()
            );
            Some(Secret::new(k))
        }
        Some(_) => {
            p.push(
                vars::SECRET_KEY,
                format!("too weak: use at least {MIN_SECRET_KEY_LEN} random characters (e.g. `openssl rand -base64 48`)"),
            );
            None
        }
        None if dev => {
            tracing::warn!(
                "{key} is not set: generated a random one for this process (development mode). \
                 Cookies will not survive a restart; set {key} in production.",
                key = vars::SECRET_KEY
            );
            Some(Secret::new(random_secret()))
        }
        None => {
            p.push(
                vars::SECRET_KEY,
                "missing (required to encrypt the login-state and refresh cookies)",
            );
            None
        }
    }
}

/// Whether `host` is a loopback host: `127.0.0.0/8`, `::1` or `localhost`.
pub(crate) fn is_loopback(u: &Url) -> bool {
    match u.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Hardening: the IdP is reached over `https`, except on a loopback host.
fn https_unless_loopback(p: &mut Problems, var: &'static str, u: &Url) {
    if u.scheme() != "https" && !is_loopback(u) {
        p.push(
            var,
            format!(
                "{:?} must use https (http is only accepted for loopback hosts)",
                u.as_str()
            ),
        );
    }
}

/// Hardening: a leeway longer than five minutes accepts long-expired tokens.
fn leeway_at_most_five_minutes(p: &mut Problems, leeway: Duration) {
    if leeway > MAX_LEEWAY {
        p.push(
            vars::AWS_COGNITO_EXPIRATION_LEEWAY,
            format!(
                "{} seconds is more than {} (5 minutes)",
                leeway.as_secs(),
                MAX_LEEWAY.as_secs()
            ),
        );
    }
}

/// Hardening: re-validating the keys more often than once a minute only loads the IdP.
fn jwks_ttl_at_least_a_minute(p: &mut Problems, ttl: Duration) {
    if !ttl.is_zero() && ttl < MIN_JWKS_TTL {
        p.push(
            vars::AWS_COGNITO_JWKS_TTL_SECONDS,
            format!(
                "{} seconds is less than {}",
                ttl.as_secs(),
                MIN_JWKS_TTL.as_secs()
            ),
        );
    }
}

/// Hardening: an app served over `https` keeps its token cookies `Secure`.
fn secure_cookies_on_https(p: &mut Problems, secure: bool, redirect: &Url) {
    if !secure && redirect.scheme() == "https" {
        p.push(
            vars::AWS_COGNITO_COOKIE_SECURE,
            format!(
                "must be true when {} is https",
                vars::AWS_COGNITO_REDIRECT_URL
            ),
        );
    }
}

/// Hardening: the cookie domain covers the app's host (else browsers refuse the cookies).
fn cookie_domain_covers_redirect_host(p: &mut Problems, domain: &str, redirect: &Url) {
    let host = redirect.host_str().unwrap_or_default().to_ascii_lowercase();
    if host != domain && !host.ends_with(&format!(".{domain}")) {
        p.push(
            vars::AWS_COGNITO_COOKIE_DOMAIN,
            format!(
                "{domain:?} does not cover the host {host:?} of {}",
                vars::AWS_COGNITO_REDIRECT_URL
            ),
        );
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

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::config::vars::*;

    fn base() -> Vec<(String, String)> {
        [
            (AWS_REGION, "eu-west-1"),
            (AWS_COGNITO_USER_POOL_ID, "eu-west-1_c7O90SNDF"),
            (
                AWS_COGNITO_USER_POOL_CLIENT_ID,
                "4lln66726pp3f4gi1krj0sta9h",
            ),
            (
                AWS_COGNITO_DOMAIN,
                "https://webapp-test.auth.eu-west-1.amazoncognito.com",
            ),
            (AWS_COGNITO_REDIRECT_URL, "http://localhost:5000/postlogin"),
            (AWS_COGNITO_LOGOUT_URL, "http://localhost:5000/postlogout"),
            (SECRET_KEY, "0123456789abcdefghijklmnopqrstuvwxyz"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
    }

    fn vars_with(extra: &[(&str, &str)]) -> HashMap<String, String> {
        let mut v: HashMap<String, String> = base().into_iter().collect();
        for (k, val) in extra {
            v.insert(k.to_string(), val.to_string());
        }
        v
    }

    fn with(extra: &[(&str, &str)]) -> Result<CognitoConfig, ConfigError> {
        CognitoConfig::from_vars(vars_with(extra))
    }

    fn dev_with(extra: &[(&str, &str)]) -> Result<CognitoConfig, ConfigError> {
        CognitoConfig::builder()
            .with_vars(&vars_with(extra), &[])
            .dev_mode(true)
            .build()
    }

    /// The variables of the problems, in order.
    fn problem_vars(r: Result<CognitoConfig, ConfigError>) -> Vec<&'static str> {
        r.err()
            .map(|e| e.problems().iter().map(|p| p.variable).collect())
            .unwrap_or_default()
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
        assert_eq!(c.cookie_naming(), CookieNaming::Flask);
        assert_eq!(c.scopes(), None);
        assert_eq!(c.http_timeout(), Duration::from_secs(5));
        assert_eq!(c.http_connect_timeout(), Duration::from_secs(2));
        assert_eq!(c.jwks_cooldown(), Duration::from_secs(10));
        assert_eq!(c.jwks_ttl(), Duration::from_secs(3600));
        assert_eq!(c.allowed_origins(), ["http://localhost:5000"]);
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
                (AWS_COGNITO_DISABLED, f),
                (AWS_COGNITO_REFRESH_FLOW_ENABLED, f),
            ])
            .unwrap();
            assert!(!c.disabled(), "{f}");
            assert!(!c.refresh_flow_enabled(), "{f}");
        }
        let c = with(&[(AWS_COGNITO_DISABLED, "True")]).unwrap();
        assert!(c.disabled());
    }

    #[test]
    fn booleans_are_strict_in_the_environment() {
        for bad in ["", " ", "y", "f", "maybe", "enabled"] {
            assert_eq!(
                problem_vars(with(&[(AWS_COGNITO_DISABLED, bad)])),
                [AWS_COGNITO_DISABLED],
                "{bad:?}"
            );
        }
        let c = with(&[(AWS_COGNITO_REFRESH_FLOW_ENABLED, " On ")]).unwrap();
        assert!(c.refresh_flow_enabled());
    }

    #[test]
    fn scopes_split_on_spaces_and_commas() {
        let c = with(&[(AWS_COGNITO_SCOPES, "openid, email profile")]).unwrap();
        assert_eq!(c.scopes().unwrap(), ["openid", "email", "profile"]);
    }

    #[test]
    fn each_problem_is_named() {
        let err = with(&[
            (AWS_REGION, "us-east-1"),
            (AWS_COGNITO_DOMAIN, "example.auth.amazoncognito.com"),
            (AWS_COGNITO_COOKIE_AGE_SECONDS, "ten"),
            (AWS_COGNITO_REFRESH_FLOW_ENABLED, "maybe"),
            (SECRET_KEY, "short"),
        ])
        .unwrap_err();
        let vars: Vec<_> = err.problems().iter().map(|p| p.variable).collect();
        assert!(vars.contains(&AWS_COGNITO_USER_POOL_ID), "{err}");
        assert!(vars.contains(&AWS_COGNITO_DOMAIN), "{err}");
        assert!(vars.contains(&AWS_COGNITO_COOKIE_AGE_SECONDS), "{err}");
        assert!(vars.contains(&AWS_COGNITO_REFRESH_FLOW_ENABLED), "{err}");
        assert!(vars.contains(&SECRET_KEY), "{err}");
        assert!(err.to_string().contains("has no scheme"));
        assert!(err.to_string().contains("does not match AWS_REGION"));
    }

    #[test]
    fn display_lists_one_line_per_problem() {
        let err = CognitoConfig::builder()
            .region("eu-west-1")
            .user_pool_id("eu-west-1_x")
            .client_id("c")
            .domain("https://d.example")
            .redirect_url("https://a.example/cb")
            .logout_url("https://a.example/")
            .build()
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid Cognito configuration (1 problem(s)):\n  - SECRET_KEY: missing (required to encrypt the login-state and refresh cookies)\n"
        );
    }

    #[test]
    fn missing_variables_are_each_reported() {
        let err = CognitoConfig::from_vars(Vec::new()).unwrap_err();
        for v in [
            AWS_REGION,
            AWS_COGNITO_DOMAIN,
            AWS_COGNITO_USER_POOL_ID,
            AWS_COGNITO_USER_POOL_CLIENT_ID,
            AWS_COGNITO_REDIRECT_URL,
            AWS_COGNITO_LOGOUT_URL,
            SECRET_KEY,
        ] {
            assert!(
                err.problems().iter().any(|p| p.variable == v),
                "{v} not reported: {err}"
            );
        }
    }

    #[test]
    fn empty_values_count_as_unset() {
        let c = with(&[
            (AWS_COGNITO_ISSUER, ""),
            (AWS_COGNITO_COOKIE_AGE_SECONDS, " "),
        ])
        .unwrap();
        assert_eq!(
            c.issuer(),
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_c7O90SNDF"
        );
        assert_eq!(c.cookie_age(), Duration::from_secs(1800));
        assert_eq!(
            problem_vars(with(&[(AWS_COGNITO_DOMAIN, "")])),
            [AWS_COGNITO_DOMAIN]
        );
    }

    #[test]
    fn domain_trailing_slash_is_tolerated_and_paths_kept() {
        let c = with(&[(AWS_COGNITO_DOMAIN, "https://x.example/")]).unwrap();
        assert_eq!(
            c.token_endpoint().as_str(),
            "https://x.example/oauth2/token"
        );
        let c = with(&[(AWS_COGNITO_DOMAIN, "http://127.0.0.1:9000/idp/")]).unwrap();
        assert_eq!(
            c.token_endpoint().as_str(),
            "http://127.0.0.1:9000/idp/oauth2/token"
        );
        assert!(c
            .logout_endpoint()
            .as_str()
            .starts_with("http://127.0.0.1:9000/idp/logout?client_id="));
        let err = with(&[(AWS_COGNITO_DOMAIN, "https://x.example?a=b")]).unwrap_err();
        assert_eq!(err.problems()[0].variable, AWS_COGNITO_DOMAIN);
    }

    #[test]
    fn weak_secret_keys_are_refused() {
        for weak in [
            "very-secure",
            "aaaaaaaaaaaaaaaaaaaaaaaa",
            "changeme-changeme",
            "secret_key_123456",
        ] {
            let err = with(&[(SECRET_KEY, weak)]).unwrap_err();
            assert_eq!(err.problems()[0].variable, SECRET_KEY, "{weak}");
        }
        assert!(
            with(&[(SECRET_KEY, "Zx8_q2LmP0vR7tYwK1nB3c")]).is_ok(),
            "22-char random token"
        );
    }

    #[test]
    fn dev_mode_generates_a_secret() {
        let mut v = base();
        v.retain(|(k, _)| k != SECRET_KEY);
        let map = v.into_iter().collect();
        let c = CognitoConfig::builder()
            .with_vars(&map, &[])
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
                AWS_COGNITO_ISSUER,
                "http://127.0.0.1:9000/eu-west-1_c7O90SNDF",
            ),
            (AWS_COGNITO_COOKIE_SECURE, "false"),
            (AWS_COGNITO_COOKIE_SAMESITE, "strict"),
            (AWS_COGNITO_COOKIE_DOMAIN, ".Example.com"),
            // The cookie domain must cover the app's host.
            (AWS_COGNITO_REDIRECT_URL, "http://app.example.com/postlogin"),
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

    #[test]
    fn samesite_none_needs_secure_cookies() {
        assert_eq!(
            problem_vars(with(&[
                (AWS_COGNITO_COOKIE_SAMESITE, "None"),
                (AWS_COGNITO_COOKIE_SECURE, "false"),
            ])),
            [AWS_COGNITO_COOKIE_SAMESITE]
        );
        assert!(with(&[(AWS_COGNITO_COOKIE_SAMESITE, "None")]).is_ok());
    }

    #[test]
    fn https_is_required_except_on_loopback() {
        for (var, url) in [
            (AWS_COGNITO_DOMAIN, "http://auth.example"),
            (
                AWS_COGNITO_ISSUER,
                "http://issuer.example/eu-west-1_c7O90SNDF",
            ),
            (AWS_COGNITO_JWKS_URL, "http://keys.example/jwks.json"),
            (AWS_COGNITO_DOMAIN, "http://127.0.0.1.example"),
            (AWS_COGNITO_DOMAIN, "http://localhost.example:9000"),
            (AWS_COGNITO_DOMAIN, "http://10.0.0.1:9000"),
        ] {
            assert_eq!(problem_vars(with(&[(var, url)])), [var], "{url}");
            assert!(dev_with(&[(var, url)]).is_ok(), "dev mode: {url}");
        }
        for url in [
            "http://127.0.0.1:9000",
            "http://127.3.4.5",
            "http://[::1]:9000",
            "http://localhost:9000",
            "http://LOCALHOST",
        ] {
            for var in [AWS_COGNITO_DOMAIN, AWS_COGNITO_ISSUER, AWS_COGNITO_JWKS_URL] {
                assert!(with(&[(var, url)]).is_ok(), "{var}={url}");
            }
        }
    }

    #[test]
    fn leeway_is_at_most_five_minutes() {
        assert!(with(&[(AWS_COGNITO_EXPIRATION_LEEWAY, "300")]).is_ok());
        assert_eq!(
            problem_vars(with(&[(AWS_COGNITO_EXPIRATION_LEEWAY, "301")])),
            [AWS_COGNITO_EXPIRATION_LEEWAY]
        );
        assert!(dev_with(&[(AWS_COGNITO_EXPIRATION_LEEWAY, "301")]).is_ok());
    }

    #[test]
    fn timeouts_and_jwks_periods_are_non_zero_even_in_dev_mode() {
        for var in [
            AWS_COGNITO_HTTP_TIMEOUT_MS,
            AWS_COGNITO_JWKS_COOLDOWN_MS,
            AWS_COGNITO_JWKS_TTL_SECONDS,
        ] {
            assert_eq!(problem_vars(with(&[(var, "0")])), [var]);
            assert_eq!(problem_vars(dev_with(&[(var, "0")])), [var]);
        }
        let err = CognitoConfig::builder()
            .with_vars(&vars_with(&[]), &[])
            .http_timeout(Duration::ZERO)
            .build()
            .unwrap_err();
        assert_eq!(err.problems()[0].variable, AWS_COGNITO_HTTP_TIMEOUT_MS);
    }

    #[test]
    fn jwks_ttl_is_at_least_a_minute() {
        assert!(with(&[(AWS_COGNITO_JWKS_TTL_SECONDS, "60")]).is_ok());
        assert_eq!(
            problem_vars(with(&[(AWS_COGNITO_JWKS_TTL_SECONDS, "59")])),
            [AWS_COGNITO_JWKS_TTL_SECONDS]
        );
        assert!(dev_with(&[(AWS_COGNITO_JWKS_TTL_SECONDS, "1")]).is_ok());
    }

    #[test]
    fn insecure_cookies_are_refused_on_https() {
        let https = [
            (
                AWS_COGNITO_REDIRECT_URL,
                "https://app.example/auth/callback",
            ),
            (AWS_COGNITO_COOKIE_SECURE, "false"),
        ];
        assert_eq!(problem_vars(with(&https)), [AWS_COGNITO_COOKIE_SECURE]);
        assert!(dev_with(&https).is_ok());
        assert!(
            with(&[(AWS_COGNITO_COOKIE_SECURE, "false")]).is_ok(),
            "http app"
        );
    }

    #[test]
    fn cookie_domain_covers_the_redirect_host() {
        let on = |domain: &'static str| {
            with(&[
                (
                    AWS_COGNITO_REDIRECT_URL,
                    "https://app.example.com/auth/callback",
                ),
                (AWS_COGNITO_COOKIE_DOMAIN, domain),
            ])
        };
        for ok in [
            "example.com",
            ".example.com",
            "app.example.com",
            "APP.Example.com",
        ] {
            assert!(on(ok).is_ok(), "{ok}");
        }
        for bad in [
            "other.com",
            "pp.example.com",
            "www.app.example.com",
            "com.example",
        ] {
            assert_eq!(problem_vars(on(bad)), [AWS_COGNITO_COOKIE_DOMAIN], "{bad}");
        }
        assert!(dev_with(&[(AWS_COGNITO_COOKIE_DOMAIN, "other.com")]).is_ok());
    }

    #[test]
    fn cookie_domain_is_a_host_name() {
        assert_eq!(
            problem_vars(dev_with(&[(AWS_COGNITO_COOKIE_DOMAIN, "exa mple.com")])),
            [AWS_COGNITO_COOKIE_DOMAIN]
        );
    }

    #[test]
    fn host_prefixed_cookie_names() {
        let c = with(&[(AWS_COGNITO_COOKIE_NAMES, "HOST")]).unwrap();
        assert_eq!(c.cookie_naming(), CookieNaming::HostPrefixed);
        assert_eq!(c.cookie_naming().access(), "__Host-cognito_access_token");
        assert_eq!(c.cookie_naming().id(), "__Host-cognito_id_token");
        assert_eq!(c.cookie_naming().refresh(), "__Host-cognito_refresh_token");
        let c = with(&[(AWS_COGNITO_COOKIE_NAMES, "flask")]).unwrap();
        assert_eq!(c.cookie_naming().access(), "cognito_access_token");
        assert_eq!(c.cookie_naming().id(), "cognito_id_token");
        assert_eq!(c.cookie_naming().refresh(), "cognito_refresh_token");
        assert_eq!(
            problem_vars(with(&[(AWS_COGNITO_COOKIE_NAMES, "hosted")])),
            [AWS_COGNITO_COOKIE_NAMES]
        );
        // `__Host-` needs Secure and no Domain, in development mode too.
        for extra in [
            (AWS_COGNITO_COOKIE_SECURE, "false"),
            (AWS_COGNITO_COOKIE_DOMAIN, "localhost"),
        ] {
            let vars = [(AWS_COGNITO_COOKIE_NAMES, "host"), extra];
            assert_eq!(
                problem_vars(with(&vars)),
                [AWS_COGNITO_COOKIE_NAMES],
                "{extra:?}"
            );
            assert_eq!(
                problem_vars(dev_with(&vars)),
                [AWS_COGNITO_COOKIE_NAMES],
                "{extra:?}"
            );
        }
    }

    #[test]
    fn allowed_origins_are_bare_origins() {
        let c = with(&[(
            AWS_COGNITO_ALLOWED_ORIGINS,
            "https://admin.example.com, http://localhost:5000 https://Other.example:8443/",
        )])
        .unwrap();
        assert_eq!(
            c.allowed_origins(),
            [
                "http://localhost:5000",
                "https://admin.example.com",
                "https://other.example:8443"
            ]
        );
        for bad in [
            "https://admin.example.com/path",
            "https://admin.example.com//",
            "https://admin.example.com?x=1",
            "https://admin.example.com#f",
            "https://user@admin.example.com",
            "ftp://admin.example.com",
            "admin.example.com",
            "javascript:alert(1)",
        ] {
            assert_eq!(
                problem_vars(with(&[(AWS_COGNITO_ALLOWED_ORIGINS, bad)])),
                [AWS_COGNITO_ALLOWED_ORIGINS],
                "{bad}"
            );
        }
    }

    #[test]
    fn pool_id_must_have_cognito_shape() {
        assert_eq!(
            problem_vars(with(&[(AWS_COGNITO_USER_POOL_ID, "nounderscore")])),
            [AWS_COGNITO_USER_POOL_ID]
        );
    }

    #[test]
    fn durations_are_at_most_ten_years() {
        assert_eq!(
            problem_vars(with(&[(AWS_COGNITO_COOKIE_AGE_SECONDS, "400000000")])),
            [AWS_COGNITO_COOKIE_AGE_SECONDS]
        );
    }
}
