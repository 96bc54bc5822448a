//! [`CognitoAuth`]: the shared parts of the library, built once at startup. A plain holder,
//! cheap to clone (an `Arc`): the layer ([`CognitoAuth::layer`], in [`crate::middleware`]) and
//! the routes ([`CognitoAuth::routes`], in [`crate::flows`]) are mounted by the modules that own
//! them.

use std::sync::Arc;

use crate::{
    clock::Clock,
    cognito_client::CognitoClient,
    config::{CognitoConfig, ConfigError},
    cookies::CookieCodec,
    http_client::build_client,
    jwks::JwksCache,
    refresh::Refresher,
    revocation::RevocationList,
    verify::{Expectations, TokenVerifier},
};

/// Why the library could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SetupError {
    /// The configuration is invalid (every problem listed).
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The HTTP client for Cognito could not be built.
    #[error("cannot build the HTTP client for Cognito: {0}")]
    HttpClient(String),
}

struct Inner {
    config: CognitoConfig,
    verifier: TokenVerifier,
    client: CognitoClient,
    cookies: CookieCodec,
    refresher: Refresher,
    clock: Clock,
}

/// The library's shared parts: configuration, verifier (with its JWKS cache and revocation
/// list), Cognito client, cookie codec and refresh coordinator.
///
/// # Example
/// ```no_run
/// use axum::Router;
/// use leptos_cognito::CognitoAuth;
///
/// let auth = CognitoAuth::from_env().expect("Cognito configuration");
/// let app: Router = Router::new()
///     .merge(auth.routes())          // /auth/login, /auth/callback, /auth/logout
///     .layer(auth.layer());          // verifies the cookies on every request
/// ```
#[derive(Clone)]
pub struct CognitoAuth {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for CognitoAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CognitoAuth")
            .field("issuer", &self.inner.config.issuer())
            .field("client_id", &self.inner.config.client_id())
            .finish_non_exhaustive()
    }
}

impl CognitoAuth {
    /// Builds the shared parts from a validated configuration, on the system clock.
    ///
    /// # Errors
    /// [`SetupError::HttpClient`] when the HTTP client cannot be built.
    pub fn new(config: CognitoConfig) -> Result<Self, SetupError> {
        Self::with_clock(config, Clock::system())
    }

    /// Builds the shared parts with an explicit clock (tests move it to expire tokens).
    ///
    /// # Errors
    /// [`SetupError::HttpClient`] when the HTTP client cannot be built.
    pub fn with_clock(config: CognitoConfig, clock: Clock) -> Result<Self, SetupError> {
        let http = build_client(config.http_connect_timeout(), config.http_timeout())
            .map_err(|e| SetupError::HttpClient(e.to_string()))?;
        let jwks = Arc::new(
            JwksCache::new(
                config.jwks_url().clone(),
                http.clone(),
                config.jwks_cooldown(),
            )
            .with_clock(clock.clone()),
        );
        let revocations = Arc::new(RevocationList::new(clock.clone()));
        let verifier = TokenVerifier::with_revocations(
            Expectations::new(config.issuer(), config.client_id())
                .leeway(config.leeway())
                .clock(clock.clone()),
            jwks,
            revocations,
        );
        if config.disabled() {
            tracing::warn!(
                "AWS_COGNITO_DISABLED is on: every authorization policy passes everyone \
                 (sign-in still works). Never run a public deployment like this."
            );
        }
        Ok(Self {
            inner: Arc::new(Inner {
                client: CognitoClient::new(&config, http),
                cookies: CookieCodec::new(&config),
                refresher: Refresher::new(clock.clone()),
                verifier,
                config,
                clock,
            }),
        })
    }

    /// Reads the configuration from the process environment (not from `.env` files: load
    /// those yourself first if you use them) and builds the shared parts.
    ///
    /// # Errors
    /// Every configuration problem, see [`ConfigError`].
    pub fn from_env() -> Result<Self, SetupError> {
        Self::new(CognitoConfig::from_env()?)
    }

    /// The configuration.
    pub fn config(&self) -> &CognitoConfig {
        &self.inner.config
    }
    /// The token verifier (and through it the JWKS cache and the revocation list).
    pub fn verifier(&self) -> &TokenVerifier {
        &self.inner.verifier
    }
    pub(crate) fn client(&self) -> &CognitoClient {
        &self.inner.client
    }
    pub(crate) fn cookies(&self) -> &CookieCodec {
        &self.inner.cookies
    }
    pub(crate) fn refresher(&self) -> &Refresher {
        &self.inner.refresher
    }
    /// The clock.
    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    /// Counters for dashboards and tests.
    pub fn stats(&self) -> Stats {
        Stats {
            refresh_calls: self.inner.refresher.call_count(),
            jwks_fetches: self.inner.verifier.jwks().fetch_count(),
            cached_access_tokens: self.inner.verifier.cached_access_tokens(),
            revoked_sessions: self.inner.verifier.revocations().len(),
        }
    }
}

/// Counters of one [`CognitoAuth`] (see [`CognitoAuth::stats`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Refresh calls that reached the token endpoint.
    pub refresh_calls: u64,
    /// JWKS documents requested from the network.
    pub jwks_fetches: u64,
    /// Verified access tokens in the cache.
    pub cached_access_tokens: usize,
    /// Sessions on the revocation list.
    pub revoked_sessions: usize,
}
