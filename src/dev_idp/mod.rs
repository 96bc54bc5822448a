//! A local, Cognito-compatible identity provider (SPEC §8), for development and tests.
//!
//! It serves the hosted-UI paths on 127.0.0.1 (`/oauth2/authorize` with an HTML login form whose
//! inputs are `username` and `password`, `/login`, `/oauth2/token`, `/oauth2/revoke`,
//! `/oauth2/userInfo`, `/logout`, `/{pool}/.well-known/jwks.json`,
//! `/{pool}/.well-known/openid-configuration`), checks PKCE (S256), client secrets (HTTP Basic
//! or form), exact redirect URIs and single-use five-minute codes, and issues Cognito-shaped
//! RS256 tokens (access and ID tokens signed with different keys, `token_use`, `client_id` and
//! no `aud` in access tokens, `cognito:username`, `cognito:groups`, `nonce`, `at_hash`, …) and
//! opaque refresh tokens of realistic size (~1.7 KB).
//!
//! Test hooks: a shared [`Clock`], key rotation, token lifetimes, refresh-token rotation,
//! forced failures of the token and JWKS endpoints, token mutation, minting arbitrary tokens,
//! and call counters.
//!
//! # Example
//! ```no_run
//! # async fn f() {
//! use leptos_cognito::dev_idp::{DevIdp, DevIdpOptions};
//! let idp = DevIdp::start(DevIdpOptions::default()).await.unwrap();
//! let config = idp
//!     .app_config("http://127.0.0.1:3000")
//!     .secret_key("a-long-random-application-secret-of-32+-bytes")
//!     .build()
//!     .unwrap();
//! assert_eq!(config.issuer(), idp.issuer());
//! # }
//! ```

mod app;
mod keys;
mod page;
mod routes;
mod users;

use std::{
    collections::HashMap,
    net::SocketAddr,
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc, Mutex, RwLock,
    },
    time::Duration,
};

pub use self::{
    app::{
        cognito_or_dev_idp, DEV_IDP_ADDR_VARIABLE, DEV_IDP_TOKEN_SECONDS_VARIABLE, DEV_IDP_VARIABLE,
    },
    keys::SigningKey,
    users::{seed_users, DevUser},
};
use crate::{clock::Clock, config::CognitoConfigBuilder};

/// A registered app client.
#[derive(Debug, Clone)]
pub struct DevClient {
    /// `client_id`.
    pub client_id: String,
    /// Secret (confidential client) or `None` (public client).
    pub client_secret: Option<String>,
    /// Allowed callback URLs (exact match).
    pub redirect_uris: Vec<String>,
    /// Allowed sign-out URLs (exact match).
    pub logout_uris: Vec<String>,
}

/// Start-up options.
#[derive(Debug, Clone)]
pub struct DevIdpOptions {
    /// Address to bind (default `127.0.0.1:0`: a free port).
    pub addr: SocketAddr,
    /// Region (default `us-east-1`).
    pub region: String,
    /// User pool id (default `us-east-1_LeptosDev`).
    pub pool_id: String,
    /// Registered clients. The first is the default one for [`DevIdp::app_config`].
    /// Default: one confidential client `leptos-cognito-demo` whose redirect and logout
    /// URIs are filled in with [`DevIdp::register_app`].
    pub clients: Vec<DevClient>,
    /// Users (default: [`seed_users`]).
    pub users: Vec<DevUser>,
    /// Clock shared with the app under test (default: system clock).
    pub clock: Clock,
    /// Keep a sign-in session at the IdP (a `dev_idp_session` cookie), as Cognito's managed
    /// login does: a second sign-in skips the form unless `prompt=login` asks for it (default
    /// `false`, so tests that sign in twice see the form twice; the demo turns it on).
    pub sso_sessions: bool,
    /// Names accepted as `identity_provider` besides `COGNITO`: each gets a stand-in
    /// federated provider's sign-in page (default: `DevCorp`).
    pub federated_providers: Vec<String>,
}

impl Default for DevIdpOptions {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            region: "us-east-1".into(),
            pool_id: "us-east-1_LeptosDev".into(),
            clients: vec![DevClient {
                client_id: "leptos-cognito-demo".into(),
                client_secret: Some("dev-client-secret-not-for-production".into()),
                redirect_uris: Vec::new(),
                logout_uris: Vec::new(),
            }],
            users: seed_users(),
            clock: Clock::system(),
            sso_sessions: false,
            federated_providers: vec![DEV_FEDERATED_PROVIDER.to_string()],
        }
    }
}

/// The stand-in federated identity provider of the default options (and of the demo).
pub const DEV_FEDERATED_PROVIDER: &str = "DevCorp";

/// A sign-in session at the dev IdP.
pub(crate) struct IdpSession {
    username: String,
    auth_time: i64,
    /// The federated provider signed in through (`None`: the pool's own form).
    provider: Option<String>,
}

/// A forced failure of an endpoint (test hook).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Answer with this status and a plain-text body.
    Status(u16),
    /// Answer 200 with a body that is not JSON.
    NonJson,
    /// Answer 400 with this OAuth error code.
    OAuth(String),
    /// Wait this long before answering normally.
    Delay(Duration),
}

/// Which token a mutation applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Access token.
    Access,
    /// ID token.
    Id,
}

/// Mutates a token's header and claims before signing (test hook).
pub type Mutator =
    Arc<dyn Fn(TokenKind, &mut serde_json::Value, &mut serde_json::Value) + Send + Sync>;

/// Call counters (test hook).
#[derive(Debug, Default)]
pub struct Counters {
    /// JWKS downloads.
    pub jwks: AtomicU64,
    /// Code exchanges (successful or not).
    pub code_exchanges: AtomicU64,
    /// Refresh-grant calls.
    pub refreshes: AtomicU64,
    /// Revocations.
    pub revocations: AtomicU64,
    /// userInfo calls.
    pub user_info: AtomicU64,
}

pub(crate) struct CodeGrant {
    client_id: String,
    redirect_uri: String,
    code_challenge: Option<String>,
    nonce: Option<String>,
    scope: String,
    username: String,
    auth_time: i64,
    expires_at: i64,
}

pub(crate) struct RefreshGrant {
    client_id: String,
    username: String,
    scope: String,
    origin_jti: String,
    auth_time: i64,
    expires_at: i64,
    revoked: bool,
}

pub(crate) struct State {
    region: String,
    pool_id: String,
    base_url: String,
    clock: Clock,
    clients: RwLock<Vec<DevClient>>,
    users: RwLock<Vec<DevUser>>,
    access_key: RwLock<Arc<SigningKey>>,
    id_key: RwLock<Arc<SigningKey>>,
    retired_keys: RwLock<Vec<Arc<SigningKey>>>,
    codes: Mutex<HashMap<String, CodeGrant>>,
    refresh_tokens: Mutex<HashMap<String, RefreshGrant>>,
    sessions: Mutex<HashMap<String, IdpSession>>,
    sso_sessions: bool,
    federated: Vec<String>,
    access_ttl: AtomicU64,
    id_ttl: AtomicU64,
    refresh_ttl: AtomicU64,
    rotate_refresh: AtomicBool,
    jwks_down: AtomicBool,
    token_failure: Mutex<Option<(Failure, bool)>>,
    mutator: Mutex<Option<Mutator>>,
    counters: Counters,
}

impl State {
    fn issuer(&self) -> String {
        format!("{}/{}", self.base_url, self.pool_id)
    }
    fn client(&self, id: &str) -> Option<DevClient> {
        read(&self.clients)
            .iter()
            .find(|c| c.client_id == id)
            .cloned()
    }
    fn user(&self, name: &str) -> Option<DevUser> {
        read(&self.users)
            .iter()
            .find(|u| u.username == name)
            .cloned()
    }
}

fn read<T>(l: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(|p| p.into_inner())
}
fn write<T>(l: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(|p| p.into_inner())
}
fn lock<T>(l: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    l.lock().unwrap_or_else(|p| p.into_inner())
}

/// A running dev IdP. Dropping it stops the server.
pub struct DevIdp {
    state: Arc<State>,
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl std::fmt::Debug for DevIdp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DevIdp").field("url", &self.url()).finish()
    }
}

impl Drop for DevIdp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl DevIdp {
    /// Binds, starts serving in the background and returns the handle.
    ///
    /// # Errors
    /// When the address cannot be bound.
    pub async fn start(options: DevIdpOptions) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(options.addr).await?;
        let addr = listener.local_addr()?;
        let (access_key, id_key) =
            tokio::task::spawn_blocking(|| (SigningKey::generate(), SigningKey::generate()))
                .await
                .map_err(std::io::Error::other)?;
        let state = Arc::new(State {
            region: options.region,
            pool_id: options.pool_id,
            base_url: format!("http://{addr}"),
            clock: options.clock,
            clients: RwLock::new(options.clients),
            users: RwLock::new(options.users),
            access_key: RwLock::new(Arc::new(access_key)),
            id_key: RwLock::new(Arc::new(id_key)),
            retired_keys: RwLock::new(Vec::new()),
            codes: Mutex::new(HashMap::new()),
            refresh_tokens: Mutex::new(HashMap::new()),
            sessions: Mutex::new(HashMap::new()),
            sso_sessions: options.sso_sessions,
            federated: options.federated_providers,
            access_ttl: AtomicU64::new(3600),
            id_ttl: AtomicU64::new(3600),
            refresh_ttl: AtomicU64::new(30 * 86_400),
            rotate_refresh: AtomicBool::new(false),
            jwks_down: AtomicBool::new(false),
            token_failure: Mutex::new(None),
            mutator: Mutex::new(None),
            counters: Counters::default(),
        });
        let app = routes::router(state.clone());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        tracing::info!(url = %format!("http://{addr}"), "dev IdP listening");
        Ok(Self {
            state,
            addr,
            shutdown: Some(tx),
        })
    }

    /// `http://127.0.0.1:<port>`: the hosted-UI domain.
    pub fn url(&self) -> String {
        self.state.base_url.clone()
    }
    /// The socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
    /// The issuer (`{url}/{pool}`).
    pub fn issuer(&self) -> String {
        self.state.issuer()
    }
    /// The JWKS URL.
    pub fn jwks_url(&self) -> String {
        format!("{}/.well-known/jwks.json", self.issuer())
    }
    /// The pool id.
    pub fn pool_id(&self) -> &str {
        &self.state.pool_id
    }
    /// The region.
    pub fn region(&self) -> &str {
        &self.state.region
    }
    /// The default (first) client.
    pub fn client(&self) -> DevClient {
        read(&self.state.clients)[0].clone()
    }
    /// The clock used for `iat`/`exp` and code expiry.
    pub fn clock(&self) -> Clock {
        self.state.clock.clone()
    }

    /// Registers `{origin}/auth/callback` and `{origin}/` on every client.
    pub fn register_app(&self, origin: &str) {
        let origin = origin.trim_end_matches('/');
        self.register_urls(
            Some(&format!("{origin}/auth/callback")),
            Some(&format!("{origin}/")),
        );
    }

    /// Registers an exact callback URL and / or sign-out URL on every client.
    pub fn register_urls(&self, redirect_uri: Option<&str>, logout_uri: Option<&str>) {
        for c in write(&self.state.clients).iter_mut() {
            if let Some(cb) = redirect_uri {
                if !c.redirect_uris.iter().any(|u| u == cb) {
                    c.redirect_uris.push(cb.to_string());
                }
            }
            if let Some(lo) = logout_uri {
                if !c.logout_uris.iter().any(|u| u == lo) {
                    c.logout_uris.push(lo.to_string());
                }
            }
        }
    }

    /// Adds a client.
    pub fn add_client(&self, client: DevClient) {
        write(&self.state.clients).push(client);
    }

    /// Adds a user.
    pub fn add_user(&self, user: DevUser) {
        write(&self.state.users).push(user);
    }

    /// A configuration builder for an app at `origin` using the default client, with the
    /// issuer and JWKS overrides pointing here. Registers the app's URLs. Set `SECRET_KEY`
    /// (or `dev_mode(true)`) before `build()`.
    pub fn app_config(&self, origin: &str) -> CognitoConfigBuilder {
        self.register_app(origin);
        let client = self.client();
        let origin = origin.trim_end_matches('/');
        let mut b = crate::config::CognitoConfig::builder()
            .region(self.region())
            .user_pool_id(self.pool_id())
            .client_id(client.client_id.clone())
            .domain(self.url())
            .redirect_url(format!("{origin}/auth/callback"))
            .logout_url(format!("{origin}/"))
            .issuer(self.issuer())
            .jwks_url(self.jwks_url())
            .cookie_secure(false);
        if let Some(s) = client.client_secret {
            b = b.client_secret(s);
        }
        b
    }

    // ---- test hooks ----

    /// Rotates both signing keys. With `keep_old`, the old keys stay in the JWKS.
    pub fn rotate_keys(&self, keep_old: bool) {
        let (a, i) = (
            Arc::new(SigningKey::generate()),
            Arc::new(SigningKey::generate()),
        );
        let old_a = std::mem::replace(&mut *write(&self.state.access_key), a);
        let old_i = std::mem::replace(&mut *write(&self.state.id_key), i);
        let mut retired = write(&self.state.retired_keys);
        if keep_old {
            retired.push(old_a);
            retired.push(old_i);
        } else {
            retired.clear();
        }
    }

    /// The current access-token signing key's `kid`.
    pub fn access_kid(&self) -> String {
        read(&self.state.access_key).kid.clone()
    }

    /// Sets token lifetimes in seconds.
    pub fn set_lifetimes(&self, access: u64, id: u64) {
        self.state.access_ttl.store(access, Ordering::Relaxed);
        self.state.id_ttl.store(id, Ordering::Relaxed);
    }

    /// Whether refresh grants rotate the refresh token (the old one is revoked at once).
    pub fn set_refresh_rotation(&self, on: bool) {
        self.state.rotate_refresh.store(on, Ordering::Relaxed);
    }

    /// Makes the JWKS endpoint answer 503 (or recover).
    pub fn set_jwks_down(&self, down: bool) {
        self.state.jwks_down.store(down, Ordering::Relaxed);
    }

    /// Makes the token endpoint fail; `sticky` keeps failing until [`Self::clear_failures`].
    pub fn fail_token_endpoint(&self, failure: Failure, sticky: bool) {
        *lock(&self.state.token_failure) = Some((failure, sticky));
    }

    /// Removes forced failures.
    pub fn clear_failures(&self) {
        *lock(&self.state.token_failure) = None;
        self.set_jwks_down(false);
    }

    /// Sets (or clears) the token mutator applied before signing issued tokens.
    pub fn set_mutator(&self, mutator: Option<Mutator>) {
        *lock(&self.state.mutator) = mutator;
    }

    /// The call counters.
    pub fn counters(&self) -> &Counters {
        &self.state.counters
    }

    /// Revokes every refresh token of `username` (like `AdminUserGlobalSignOut`).
    pub fn revoke_user_sessions(&self, username: &str) {
        for g in lock(&self.state.refresh_tokens).values_mut() {
            if g.username == username {
                g.revoked = true;
            }
        }
    }

    /// Mints a token for `username` of the default client, as the token endpoint would,
    /// with `overrides` merged into the claims (a `null` value removes a claim).
    pub fn mint(&self, kind: TokenKind, username: &str, overrides: serde_json::Value) -> String {
        let user = self
            .state
            .user(username)
            .unwrap_or_else(|| DevUser::new(username, "", &[]));
        let client = self.client();
        let now = self.state.clock.now();
        let (mut header, mut claims) = routes::token_parts(
            &self.state,
            kind,
            &user,
            &client.client_id,
            "openid email profile aws.cognito.signin.user.admin",
            None,
            "origin",
            now,
            None,
        );
        merge(&mut claims, overrides);
        let key = match kind {
            TokenKind::Access => read(&self.state.access_key).clone(),
            TokenKind::Id => read(&self.state.id_key).clone(),
        };
        if let Some(m) = lock(&self.state.mutator).clone() {
            m(kind, &mut header, &mut claims);
        }
        key.sign_jwt(&header, &claims)
    }

    /// Signs arbitrary header and claims with the current access-token key (the `kid` is
    /// set to that key's unless the header has one).
    pub fn sign_raw(&self, mut header: serde_json::Value, claims: serde_json::Value) -> String {
        let key = read(&self.state.access_key).clone();
        if header.get("kid").is_none() {
            header["kid"] = serde_json::Value::String(key.kid.clone());
        }
        key.sign_jwt(&header, &claims)
    }
}

fn merge(claims: &mut serde_json::Value, overrides: serde_json::Value) {
    if let (Some(c), serde_json::Value::Object(o)) = (claims.as_object_mut(), overrides) {
        for (k, v) in o {
            if v.is_null() {
                c.remove(&k);
            } else {
                c.insert(k, v);
            }
        }
    }
}
