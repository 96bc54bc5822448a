//! [`CognitoAuth`]: the shared parts of the library, built once at startup. A plain holder,
//! cheap to clone (an `Arc`): the layer ([`CognitoAuth::layer`], in [`crate::middleware`]) and
//! the routes ([`CognitoAuth::routes`], in [`crate::flows`]) are mounted by the modules that own
//! them.

use std::{sync::Arc, time::Duration};

use sha2::{Digest, Sha256};

use crate::{
    clock::Clock,
    cognito_client::CognitoClient,
    config::{CognitoConfig, ConfigError},
    cookies::CookieCodec,
    http_client::build_client,
    jwks::JwksCache,
    refresh::{Coordination, Refresher},
    revocation::RevocationList,
    session_cache::SessionCache,
    store::{self, MemoryStore, Revocation, SharedStore, StoreHandle},
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
    /// The shared store cannot be used (never shows its URL).
    #[error("shared store: {0}")]
    Store(String),
}

struct Inner {
    config: CognitoConfig,
    verifier: TokenVerifier,
    client: CognitoClient,
    cookies: CookieCodec,
    refresher: Refresher,
    sessions: SessionCache,
    store: Arc<StoreHandle>,
    clock: Clock,
    sync: Option<tokio::task::AbortHandle>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some(task) = &self.sync {
            task.abort();
        }
    }
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
        Self::builder(config).clock(clock).build()
    }

    /// A builder, for a clock or a shared store of your own (another engine, or one
    /// [`MemoryStore::shared`] for several instances in one process).
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use leptos_cognito::{CognitoAuth, config::CognitoConfig, store::MemoryStore};
    /// # let config = CognitoConfig::builder().region("eu-west-1").user_pool_id("eu-west-1_abc")
    /// #   .client_id("c").domain("https://auth.example.com").redirect_url("https://a.example/auth/callback")
    /// #   .logout_url("https://a.example/").secret_key("0123456789abcdef0123456789abcdef").build().unwrap();
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let shared = Arc::new(MemoryStore::shared());
    /// let a = CognitoAuth::builder(config.clone()).store(shared.clone()).build().unwrap();
    /// let b = CognitoAuth::builder(config).store(shared).build().unwrap();
    /// assert!(a.stats().store.shared && b.stats().store.shared);
    /// # });
    /// ```
    pub fn builder(config: CognitoConfig) -> CognitoAuthBuilder {
        CognitoAuthBuilder {
            config,
            clock: Clock::system(),
            store: None,
        }
    }

    fn assemble(
        config: CognitoConfig,
        clock: Clock,
        store: Arc<dyn SharedStore>,
    ) -> Result<Self, SetupError> {
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
        let store = Arc::new(StoreHandle::new(store, config.redis_timeout()));
        let sync = if store.is_shared() {
            in_runtime("a shared store")?;
            tracing::info!(
                engine = store.store().engine(),
                "shared store on: refreshes and revocations are shared with the other replicas"
            );
            Some(store::spawn_sync(
                store.clone(),
                verifier.revocations().clone(),
                clock.clone(),
            ))
        } else {
            None
        };
        // Cognito's call and the verification of its answer (a JWKS fetch at worst).
        let lock_ttl = config.http_timeout() * 2 + Duration::from_secs(1);
        let coordination = Coordination {
            store: store.clone(),
            namespace: namespace(&config),
            lock_ttl,
            wait: config.http_timeout() + Duration::from_secs(1),
        };
        Ok(Self {
            inner: Arc::new(Inner {
                client: CognitoClient::new(&config, http),
                cookies: CookieCodec::new(&config),
                refresher: Refresher::new(clock.clone(), coordination),
                sessions: SessionCache::new(),
                verifier,
                store,
                config,
                clock,
                sync,
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
    pub(crate) fn sessions(&self) -> &SessionCache {
        &self.inner.sessions
    }
    pub(crate) fn refresher(&self) -> &Refresher {
        &self.inner.refresher
    }
    /// The clock.
    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    /// Refuses the session `id` until `until` (Unix seconds) on this replica at once, and on
    /// every replica through the shared store (kept for later if the store is unreachable).
    pub(crate) async fn revoke_session(&self, id: &str, until: i64) {
        self.inner.verifier.revocations().revoke(id, until);
        let r = Revocation {
            id: id.to_string(),
            until,
        };
        if r.is_valid() {
            self.inner.store.publish(r, self.inner.clock.now()).await;
        }
    }

    /// Sets the gauges of the current state through the `metrics` facade (feature `metrics`;
    /// a no-op without it). Call it before rendering a scrape, as the demo's `/metrics` does.
    pub fn publish_gauges(&self) {
        let s = self.stats();
        crate::telemetry::state(
            s.revoked_sessions,
            s.cached_access_tokens,
            s.store.pending_revocations,
        );
    }

    /// Counters for dashboards and tests.
    pub fn stats(&self) -> Stats {
        Stats {
            refresh_calls: self.inner.refresher.call_count(),
            jwks_fetches: self.inner.verifier.jwks().fetch_count(),
            cached_access_tokens: self.inner.verifier.cached_access_tokens(),
            revoked_sessions: self.inner.verifier.revocations().len(),
            store: self.inner.store.stats(),
        }
    }
}

/// The store's namespace: one per issuer and app client, so several apps can share a Redis.
fn namespace(config: &CognitoConfig) -> String {
    let digest = Sha256::digest(format!("{}\n{}", config.issuer(), config.client_id()));
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("leptos_cognito:{hex}")
}

/// Builds a [`CognitoAuth`] with a clock or a shared store of your own (see
/// [`CognitoAuth::builder`]).
#[must_use]
pub struct CognitoAuthBuilder {
    config: CognitoConfig,
    clock: Clock,
    store: Option<Arc<dyn SharedStore>>,
}

impl std::fmt::Debug for CognitoAuthBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CognitoAuthBuilder").finish_non_exhaustive()
    }
}

impl CognitoAuthBuilder {
    /// The clock (tests move it to expire tokens).
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The store shared with other replicas (default: Redis at `AWS_COGNITO_REDIS_URL` when
    /// set, else a private in-memory one).
    pub fn store(mut self, store: Arc<dyn SharedStore>) -> Self {
        self.store = Some(store);
        self
    }

    /// Builds the shared parts. With a shared store, call it inside a Tokio runtime: a
    /// background task keeps the revocation list in step.
    ///
    /// # Errors
    /// [`SetupError::HttpClient`], or [`SetupError::Store`] when the store cannot be used.
    pub fn build(self) -> Result<CognitoAuth, SetupError> {
        let store = match self.store {
            Some(s) => s,
            None => default_store(&self.config)?,
        };
        CognitoAuth::assemble(self.config, self.clock, store)
    }
}

/// A shared store runs a background task: it needs the Tokio runtime the app runs in.
fn in_runtime(what: &str) -> Result<(), SetupError> {
    tokio::runtime::Handle::try_current()
        .map(|_| ())
        .map_err(|_| {
            SetupError::Store(format!(
                "{what} needs a Tokio runtime: build CognitoAuth inside one"
            ))
        })
}

fn default_store(config: &CognitoConfig) -> Result<Arc<dyn SharedStore>, SetupError> {
    let Some(url) = config.redis_url() else {
        return Ok(Arc::new(MemoryStore::private()));
    };
    #[cfg(feature = "redis")]
    {
        // Checked before opening: the connection manager belongs to a runtime.
        in_runtime("AWS_COGNITO_REDIS_URL")?;
        let store =
            store::RedisStore::open(url.expose(), &namespace(config), config.redis_timeout())
                .map_err(|e| SetupError::Store(e.to_string()))?;
        Ok(Arc::new(store))
    }
    #[cfg(not(feature = "redis"))]
    {
        let _ = url;
        Err(SetupError::Store(
            "AWS_COGNITO_REDIS_URL is set but leptos_cognito was built without its `redis` feature"
                .into(),
        ))
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
    /// The shared store.
    pub store: store::StoreStats,
}
