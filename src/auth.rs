//! [`CognitoAuth`]: the one handle an app builds at startup and hands to the layer, the routes
//! and the Leptos context. Cheap to clone (an `Arc`).

use std::sync::Arc;

use axum::{routing::get, Router};

use crate::{
    clock::Clock,
    cognito_client::CognitoClient,
    config::{CognitoConfig, ConfigError},
    cookies::CookieCodec,
    flows,
    http_client::build_client,
    jwks::JwksCache,
    middleware::CognitoLayer,
    refresh::Refresher,
    verify::{Expectations, TokenVerifier},
};

/// Path of the login route.
pub const LOGIN_PATH: &str = "/auth/login";
/// Path of the callback route.
pub const CALLBACK_PATH: &str = "/auth/callback";
/// Path of the logout route.
pub const LOGOUT_PATH: &str = "/auth/logout";

struct Inner {
    config: CognitoConfig,
    verifier: TokenVerifier,
    client: CognitoClient,
    cookies: CookieCodec,
    refresher: Refresher,
    clock: Clock,
}

/// Everything the library needs at run time: configuration, verifier (with its JWKS cache),
/// Cognito client, cookie codec and refresh coordinator.
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
    /// Builds the runtime from a validated configuration, on the system clock.
    pub fn new(config: CognitoConfig) -> Self {
        Self::with_clock(config, Clock::system())
    }

    /// Builds the runtime with an explicit clock (tests move it to expire tokens).
    pub fn with_clock(config: CognitoConfig, clock: Clock) -> Self {
        let http = build_client(config.http_connect_timeout(), config.http_timeout());
        let jwks = Arc::new(JwksCache::new(
            config.jwks_url().clone(),
            http.clone(),
            config.jwks_cooldown(),
        ));
        let verifier = TokenVerifier::new(
            Expectations {
                issuer: config.issuer().to_string(),
                client_id: config.client_id().to_string(),
                leeway: config.leeway(),
                clock: clock.clone(),
            },
            jwks,
        );
        Self {
            inner: Arc::new(Inner {
                client: CognitoClient::new(&config, http),
                cookies: CookieCodec::new(&config),
                refresher: Refresher::default(),
                verifier,
                config,
                clock,
            }),
        }
    }

    /// Reads the configuration from the process environment (not from a `.env` file, see
    /// [`CognitoConfig::from_env`]) and builds the runtime.
    ///
    /// # Errors
    /// Every configuration problem, see [`ConfigError`].
    pub fn from_env() -> Result<Self, ConfigError> {
        CognitoConfig::from_env().map(Self::new)
    }

    /// The configuration.
    pub fn config(&self) -> &CognitoConfig {
        &self.inner.config
    }
    /// The token verifier (and through it the JWKS cache).
    pub fn verifier(&self) -> &TokenVerifier {
        &self.inner.verifier
    }
    /// The Cognito OAuth client.
    pub fn client(&self) -> &CognitoClient {
        &self.inner.client
    }
    /// The cookie codec.
    pub fn cookies(&self) -> &CookieCodec {
        &self.inner.cookies
    }
    /// The refresh coordinator (single flight per refresh token).
    pub fn refresher(&self) -> &Refresher {
        &self.inner.refresher
    }
    /// The clock.
    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    /// The tower layer that authenticates every request ([`CognitoLayer`]).
    pub fn layer(&self) -> CognitoLayer {
        CognitoLayer::new(self.clone())
    }

    /// The browser-facing routes: `GET /auth/login`, `GET /auth/callback`,
    /// `GET|POST /auth/logout` (GET only shows a confirmation form). Requires [`Self::layer`]
    /// around the app.
    pub fn routes<S>(&self) -> Router<S>
    where
        S: Clone + Send + Sync + 'static,
    {
        Router::new()
            .route(LOGIN_PATH, get(flows::login::handler))
            .route(CALLBACK_PATH, get(flows::callback::handler))
            .route(
                LOGOUT_PATH,
                get(flows::logout::confirm).post(flows::logout::handler),
            )
            .with_state(self.clone())
    }
}
