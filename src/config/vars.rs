//! The names of the environment variables the library reads, one constant each.
//!
//! The names and defaults of the first ones are flask-cognito-lib's; the others are additions.
//! Use the constants rather than spelling the names:
//!
//! ```
//! use leptos_cognito::config::vars;
//! assert_eq!(vars::AWS_REGION, "AWS_REGION");
//! assert!(vars::VARIABLES.contains(&vars::SECRET_KEY));
//! assert!(vars::IDP_VARIABLES.iter().all(|v| vars::VARIABLES.contains(v)));
//! ```

/// `AWS_COGNITO_DISABLED`: Boolean: authorization checks pass everyone (default `false`).
pub const AWS_COGNITO_DISABLED: &str = "AWS_COGNITO_DISABLED";
/// `AWS_REGION`: The AWS region of the user pool, e.g. `eu-west-1` (required).
pub const AWS_REGION: &str = "AWS_REGION";
/// `AWS_COGNITO_DOMAIN`: Base URL of the hosted UI / managed login, with scheme (required).
pub const AWS_COGNITO_DOMAIN: &str = "AWS_COGNITO_DOMAIN";
/// `AWS_COGNITO_USER_POOL_ID`: The user pool id, `{region}_{id}` (required).
pub const AWS_COGNITO_USER_POOL_ID: &str = "AWS_COGNITO_USER_POOL_ID";
/// `AWS_COGNITO_USER_POOL_CLIENT_ID`: The app client id (required).
pub const AWS_COGNITO_USER_POOL_CLIENT_ID: &str = "AWS_COGNITO_USER_POOL_CLIENT_ID";
/// `AWS_COGNITO_USER_POOL_CLIENT_SECRET`: The app client secret (confidential clients only).
pub const AWS_COGNITO_USER_POOL_CLIENT_SECRET: &str = "AWS_COGNITO_USER_POOL_CLIENT_SECRET";
/// `AWS_COGNITO_REDIRECT_URL`: The registered callback URL (required).
pub const AWS_COGNITO_REDIRECT_URL: &str = "AWS_COGNITO_REDIRECT_URL";
/// `AWS_COGNITO_LOGOUT_URL`: The registered sign-out URL (required).
pub const AWS_COGNITO_LOGOUT_URL: &str = "AWS_COGNITO_LOGOUT_URL";
/// `AWS_COGNITO_COOKIE_AGE_SECONDS`: Lifetime of the token cookies, in seconds (default 1800).
pub const AWS_COGNITO_COOKIE_AGE_SECONDS: &str = "AWS_COGNITO_COOKIE_AGE_SECONDS";
/// `AWS_COGNITO_EXPIRATION_LEEWAY`: Clock-skew leeway of token expiry checks, in seconds (default 0, at most 300).
pub const AWS_COGNITO_EXPIRATION_LEEWAY: &str = "AWS_COGNITO_EXPIRATION_LEEWAY";
/// `AWS_COGNITO_SCOPES`: Requested scopes, space- or comma-separated (default: every scope the client allows).
pub const AWS_COGNITO_SCOPES: &str = "AWS_COGNITO_SCOPES";
/// `AWS_COGNITO_COOKIE_DOMAIN`: `Domain` attribute of the cookies (default: none, host-only cookies).
pub const AWS_COGNITO_COOKIE_DOMAIN: &str = "AWS_COGNITO_COOKIE_DOMAIN";
/// `AWS_COGNITO_COOKIE_SAMESITE`: `SameSite` of the token cookies: `Lax` (default), `Strict` or `None`.
pub const AWS_COGNITO_COOKIE_SAMESITE: &str = "AWS_COGNITO_COOKIE_SAMESITE";
/// `AWS_COGNITO_REFRESH_FLOW_ENABLED`: Boolean: keep a refresh token and refresh expired sessions (default `false`).
pub const AWS_COGNITO_REFRESH_FLOW_ENABLED: &str = "AWS_COGNITO_REFRESH_FLOW_ENABLED";
/// `AWS_COGNITO_REFRESH_COOKIE_ENCRYPTED`: Boolean: Fernet-encrypt the refresh cookie (default `true`).
pub const AWS_COGNITO_REFRESH_COOKIE_ENCRYPTED: &str = "AWS_COGNITO_REFRESH_COOKIE_ENCRYPTED";
/// `AWS_COGNITO_REFRESH_COOKIE_AGE_SECONDS`: Lifetime of the refresh cookie, in seconds (default 86400).
pub const AWS_COGNITO_REFRESH_COOKIE_AGE_SECONDS: &str = "AWS_COGNITO_REFRESH_COOKIE_AGE_SECONDS";
/// `SECRET_KEY`: The application secret that encrypts the login-state and refresh cookies (required).
pub const SECRET_KEY: &str = "SECRET_KEY";
/// `AWS_COGNITO_ISSUER`: The expected `iss` (default `https://cognito-idp.{region}.amazonaws.com/{pool}`).
pub const AWS_COGNITO_ISSUER: &str = "AWS_COGNITO_ISSUER";
/// `AWS_COGNITO_JWKS_URL`: The JWKS URL (default `{issuer}/.well-known/jwks.json`).
pub const AWS_COGNITO_JWKS_URL: &str = "AWS_COGNITO_JWKS_URL";
/// `AWS_COGNITO_COOKIE_SECURE`: Boolean: `Secure` attribute of the cookies (default `true`).
pub const AWS_COGNITO_COOKIE_SECURE: &str = "AWS_COGNITO_COOKIE_SECURE";
/// `AWS_COGNITO_IDENTITY_PROVIDER`: `identity_provider` of the authorize request.
pub const AWS_COGNITO_IDENTITY_PROVIDER: &str = "AWS_COGNITO_IDENTITY_PROVIDER";
/// `AWS_COGNITO_IDP_IDENTIFIER`: `idp_identifier` of the authorize request.
pub const AWS_COGNITO_IDP_IDENTIFIER: &str = "AWS_COGNITO_IDP_IDENTIFIER";
/// `AWS_COGNITO_LANG`: `lang` of the authorize request (managed login pages).
pub const AWS_COGNITO_LANG: &str = "AWS_COGNITO_LANG";
/// `AWS_COGNITO_PROMPT`: `prompt` of the authorize request.
pub const AWS_COGNITO_PROMPT: &str = "AWS_COGNITO_PROMPT";
/// `AWS_COGNITO_HTTP_TIMEOUT_MS`: Total timeout of one call to Cognito, in milliseconds (default 5000, non-zero).
pub const AWS_COGNITO_HTTP_TIMEOUT_MS: &str = "AWS_COGNITO_HTTP_TIMEOUT_MS";
/// `AWS_COGNITO_JWKS_COOLDOWN_MS`: Minimum time between two JWKS re-fetches caused by unknown `kid`s, in milliseconds (default 10000, non-zero).
pub const AWS_COGNITO_JWKS_COOLDOWN_MS: &str = "AWS_COGNITO_JWKS_COOLDOWN_MS";
/// `AWS_COGNITO_JWKS_TTL_SECONDS`: How long fetched keys are trusted before a background re-validation, in seconds (default 3600, at least 60).
pub const AWS_COGNITO_JWKS_TTL_SECONDS: &str = "AWS_COGNITO_JWKS_TTL_SECONDS";
/// `AWS_COGNITO_ALLOWED_ORIGINS`: Extra origins accepted by the CSRF checks besides the app's own, space- or comma-separated `http(s)://host[:port]` (no path).
pub const AWS_COGNITO_ALLOWED_ORIGINS: &str = "AWS_COGNITO_ALLOWED_ORIGINS";
/// `AWS_COGNITO_COOKIE_NAMES`: Cookie naming scheme: `flask` (default, `cognito_access_token`, …) or `host` (`__Host-cognito_access_token`, …).
pub const AWS_COGNITO_COOKIE_NAMES: &str = "AWS_COGNITO_COOKIE_NAMES";
/// `AWS_COGNITO_REDIS_URL`: `redis://` or `rediss://` URL (optional credentials and database) of the store shared by several replicas; unset, everything stays in the process.
pub const AWS_COGNITO_REDIS_URL: &str = "AWS_COGNITO_REDIS_URL";
/// `AWS_COGNITO_REDIS_TIMEOUT_MS`: Timeout of one call to the shared store (default 250 ms, non-zero); past it the call is given up and the replica runs on its own.
pub const AWS_COGNITO_REDIS_TIMEOUT_MS: &str = "AWS_COGNITO_REDIS_TIMEOUT_MS";
/// `AWS_COGNITO_IDENTITY_PROVIDERS`: Identity providers a sign-in link may ask for (`/auth/login?identity_provider=…`), space- or comma-separated provider names (default: none but `AWS_COGNITO_IDENTITY_PROVIDER`).
pub const AWS_COGNITO_IDENTITY_PROVIDERS: &str = "AWS_COGNITO_IDENTITY_PROVIDERS";
/// `AWS_COGNITO_SESSION_IDLE_SECONDS`: Sign out a cookie session unused for this long, in seconds (default 0: off).
pub const AWS_COGNITO_SESSION_IDLE_SECONDS: &str = "AWS_COGNITO_SESSION_IDLE_SECONDS";
/// `AWS_COGNITO_SESSION_MAX_SECONDS`: Sign out a cookie session this long after its sign-in, refreshes or not, in seconds (default 0: off).
pub const AWS_COGNITO_SESSION_MAX_SECONDS: &str = "AWS_COGNITO_SESSION_MAX_SECONDS";
/// `AWS_COGNITO_SESSION_WARNING_SECONDS`: How long before the session ends `use_session()` reports that it ends soon, in seconds (default 120).
pub const AWS_COGNITO_SESSION_WARNING_SECONDS: &str = "AWS_COGNITO_SESSION_WARNING_SECONDS";
/// `AWS_COGNITO_PROACTIVE_REFRESH_SECONDS`: A visible tab whose user is active refreshes this long before the access token expires, in seconds (default 0: off; needs the refresh flow).
pub const AWS_COGNITO_PROACTIVE_REFRESH_SECONDS: &str = "AWS_COGNITO_PROACTIVE_REFRESH_SECONDS";

/// Every variable the library reads.
pub const VARIABLES: &[&str] = &[
    AWS_COGNITO_DISABLED,
    AWS_REGION,
    AWS_COGNITO_DOMAIN,
    AWS_COGNITO_USER_POOL_ID,
    AWS_COGNITO_USER_POOL_CLIENT_ID,
    AWS_COGNITO_USER_POOL_CLIENT_SECRET,
    AWS_COGNITO_REDIRECT_URL,
    AWS_COGNITO_LOGOUT_URL,
    AWS_COGNITO_COOKIE_AGE_SECONDS,
    AWS_COGNITO_EXPIRATION_LEEWAY,
    AWS_COGNITO_SCOPES,
    AWS_COGNITO_COOKIE_DOMAIN,
    AWS_COGNITO_COOKIE_SAMESITE,
    AWS_COGNITO_REFRESH_FLOW_ENABLED,
    AWS_COGNITO_REFRESH_COOKIE_ENCRYPTED,
    AWS_COGNITO_REFRESH_COOKIE_AGE_SECONDS,
    SECRET_KEY,
    AWS_COGNITO_ISSUER,
    AWS_COGNITO_JWKS_URL,
    AWS_COGNITO_COOKIE_SECURE,
    AWS_COGNITO_IDENTITY_PROVIDER,
    AWS_COGNITO_IDP_IDENTIFIER,
    AWS_COGNITO_LANG,
    AWS_COGNITO_PROMPT,
    AWS_COGNITO_HTTP_TIMEOUT_MS,
    AWS_COGNITO_JWKS_COOLDOWN_MS,
    AWS_COGNITO_JWKS_TTL_SECONDS,
    AWS_COGNITO_ALLOWED_ORIGINS,
    AWS_COGNITO_COOKIE_NAMES,
    AWS_COGNITO_REDIS_URL,
    AWS_COGNITO_REDIS_TIMEOUT_MS,
    AWS_COGNITO_IDENTITY_PROVIDERS,
    AWS_COGNITO_SESSION_IDLE_SECONDS,
    AWS_COGNITO_SESSION_MAX_SECONDS,
    AWS_COGNITO_SESSION_WARNING_SECONDS,
    AWS_COGNITO_PROACTIVE_REFRESH_SECONDS,
];

/// The variables that describe the identity provider itself (region, pool, client, its URLs
/// and the app's registered callback URLs), as opposed to the app's own settings (cookies,
/// timeouts, …).
///
/// An app that configures itself for a local IdP can overlay the rest of the environment while
/// ignoring these:
///
/// ```
/// use std::collections::HashMap;
/// use leptos_cognito::config::{vars, CognitoConfig};
/// let env: HashMap<String, String> = [
///     (vars::AWS_REGION.to_string(), "us-east-1".to_string()),
///     (vars::AWS_COGNITO_COOKIE_AGE_SECONDS.to_string(), "60".to_string()),
/// ]
/// .into();
/// let builder = CognitoConfig::builder().with_vars(&env, vars::IDP_VARIABLES);
/// # let _ = builder;
/// ```
pub const IDP_VARIABLES: &[&str] = &[
    AWS_REGION,
    AWS_COGNITO_DOMAIN,
    AWS_COGNITO_USER_POOL_ID,
    AWS_COGNITO_USER_POOL_CLIENT_ID,
    AWS_COGNITO_USER_POOL_CLIENT_SECRET,
    AWS_COGNITO_REDIRECT_URL,
    AWS_COGNITO_LOGOUT_URL,
    AWS_COGNITO_ISSUER,
    AWS_COGNITO_JWKS_URL,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_complete_and_distinct() {
        let mut all = VARIABLES.to_vec();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), VARIABLES.len());
        assert_eq!(IDP_VARIABLES.len(), 9);
        assert!(IDP_VARIABLES.iter().all(|v| VARIABLES.contains(v)));
        assert!(!IDP_VARIABLES.contains(&SECRET_KEY));
    }
}
