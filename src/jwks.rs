//! The pool's signing keys, fetched once and cached process-wide.
//!
//! Rules:
//! 1. Keys are looked up by `kid`; a hit never touches the network.
//! 2. An unknown `kid` triggers at most one re-fetch at a time (single flight: concurrent
//!    requests wait for the same fetch and then look again).
//! 3. After a re-fetch, further unknown `kid`s are refused without fetching until the
//!    cool-down (default 10 s) has passed ([`JwksError::CoolingDown`], which never signs a
//!    user out), so a flood of forged `kid`s cannot make the server hammer Cognito. Keys
//!    rotated in at Cognito are picked up by the next allowed re-fetch.
//! 4. Keys older than the TTL (default one hour) are re-validated in the background while the
//!    cached ones keep serving; a key the pool removed stops being trusted then, and results
//!    verified with it are dropped from the verified-token caches ([`JwksCache::generation`]).
//! 5. When a fetch fails, the keys already cached keep working.
//! 6. Fetches have connect and total timeouts and a body-size cap. Only RSA keys for
//!    signatures (`use` absent or `sig`, `alg` absent or `RS256`, modulus ≥ 2048 bits) are kept.
//!
//! All times come from the injectable [`Clock`].
//!
//! # Example
//! ```no_run
//! # async fn f() {
//! use std::{sync::Arc, time::Duration};
//! use leptos_cognito::jwks::JwksCache;
//! let cache = Arc::new(JwksCache::new(
//!     "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_x/.well-known/jwks.json".parse().unwrap(),
//!     reqwest::Client::builder().timeout(Duration::from_secs(5)).build().unwrap(),
//!     Duration::from_secs(10),
//! ).with_ttl(Duration::from_secs(3600)));
//! let key = cache.key("some-kid").await;
//! # }
//! ```

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering},
        Arc, RwLock,
    },
    time::Duration,
};

use aws_lc_rs::signature::{ParsedPublicKey, RsaPublicKeyComponents, RSA_PKCS1_2048_8192_SHA256};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use serde::Deserialize;
use tokio::sync::Mutex;
use url::Url;

use crate::{
    clock::Clock,
    http_client::{read_capped, HttpError},
};

/// Largest JWKS document accepted.
pub const MAX_JWKS_BYTES: usize = 64 * 1024;

/// Default time after which fetched keys are re-validated in the background.
pub const DEFAULT_TTL: Duration = Duration::from_secs(3600);

/// Why a key could not be provided.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum JwksError {
    /// The `kid` is not in the pool's key set, right after a re-fetch.
    #[error("no key with this kid in the pool's JWKS")]
    UnknownKid,
    /// The `kid` is unknown and the re-fetch cool-down is running: it may be a key rotated in
    /// since the last fetch, so this is not a verdict on the token.
    #[error("unknown kid during the JWKS re-fetch cool-down")]
    CoolingDown,
    /// The JWKS could not be fetched and the key is not cached.
    #[error("the JWKS endpoint is unavailable: {0}")]
    Unavailable(String),
    /// The JWKS document is not a usable key set.
    #[error("the JWKS document is invalid: {0}")]
    Invalid(String),
}

#[derive(Deserialize)]
struct JwkSet {
    keys: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
struct RsaJwk {
    kty: String,
    kid: String,
    n: String,
    e: String,
    #[serde(default)]
    alg: Option<String>,
    #[serde(rename = "use", default)]
    use_: Option<String>,
}

/// An RS256 public key of the pool, parsed once when the JWKS is loaded (so a verification is
/// the RSA operation alone, with the key's Montgomery context reused).
pub struct VerifyingKey {
    key: ParsedPublicKey,
}

impl std::fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VerifyingKey(RS256)")
    }
}

impl VerifyingKey {
    /// The key of modulus `n` and exponent `e` (big-endian, no leading zeros); `None` when
    /// they do not form an RSA public key.
    pub fn from_components(n: &[u8], e: &[u8]) -> Option<Self> {
        RsaPublicKeyComponents { n, e }
            .to_parsed_public_key(&RSA_PKCS1_2048_8192_SHA256)
            .ok()
            .map(|key| Self { key })
    }

    /// Whether `signature` is a valid RSASSA-PKCS1-v1_5 SHA-256 signature of `message` by
    /// this key (2048 to 8192-bit keys only).
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        self.key.verify_sig(message, signature).is_ok()
    }
}

type KeyMap = HashMap<String, Arc<VerifyingKey>>;

#[derive(Default)]
struct FetchState {
    /// When the last re-fetch or failure happened (clock milliseconds).
    last_refetch: Option<i64>,
}

/// Process-wide cache of the pool's JWKS. Share it behind an `Arc`.
pub struct JwksCache {
    url: Option<Url>,
    client: reqwest::Client,
    keys: RwLock<Arc<KeyMap>>,
    fetch: Mutex<FetchState>,
    cooldown: Duration,
    ttl: Duration,
    clock: Clock,
    /// When the keys were last fetched successfully (clock milliseconds; 0 = never).
    loaded_at: AtomicI64,
    revalidating: AtomicBool,
    generation: AtomicU64,
    fetches: AtomicU64,
}

impl std::fmt::Debug for JwksCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwksCache")
            .field("url", &self.url.as_ref().map(Url::as_str))
            .field("keys", &self.snapshot().len())
            .field("fetches", &self.fetch_count())
            .finish()
    }
}

impl JwksCache {
    /// A cache for the JWKS at `url`, fetched with `client`; unknown-`kid` re-fetches are at
    /// least `cooldown` apart. Keys are re-validated after [`DEFAULT_TTL`].
    pub fn new(url: Url, client: reqwest::Client, cooldown: Duration) -> Self {
        Self::with_source(Some(url), client, cooldown, KeyMap::new())
    }

    fn with_source(
        url: Option<Url>,
        client: reqwest::Client,
        cooldown: Duration,
        keys: KeyMap,
    ) -> Self {
        Self {
            url,
            client,
            keys: RwLock::new(Arc::new(keys)),
            fetch: Mutex::new(FetchState::default()),
            cooldown,
            ttl: DEFAULT_TTL,
            clock: Clock::system(),
            loaded_at: AtomicI64::new(0),
            revalidating: AtomicBool::new(false),
            generation: AtomicU64::new(0),
            fetches: AtomicU64::new(0),
        }
    }

    /// Re-validates fetched keys after `ttl`.
    pub fn with_ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// Reads time from `clock` (tests move it instead of sleeping).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// A cache preloaded with a JWKS document that never fetches (pinned keys, fuzzing,
    /// air-gapped deployments).
    ///
    /// # Errors
    /// When the document holds no usable key.
    ///
    /// # Example
    /// ```
    /// let doc = br#"{"keys":[]}"#;
    /// assert!(leptos_cognito::jwks::JwksCache::from_static(doc).is_err());
    /// ```
    pub fn from_static(jwks: &[u8]) -> Result<Self, JwksError> {
        let keys = parse_jwks(jwks)?;
        Ok(Self::with_source(
            None,
            reqwest::Client::new(),
            Duration::MAX,
            keys,
        ))
    }

    /// How many times the JWKS has been requested from the network.
    pub fn fetch_count(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }

    /// Changes each time a fetch drops a key that was cached: results verified before belong
    /// to an older generation and are verified again.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// The `kid`s currently cached.
    pub fn kids(&self) -> Vec<String> {
        let mut k: Vec<String> = self.snapshot().keys().cloned().collect();
        k.sort();
        k
    }

    fn snapshot(&self) -> Arc<KeyMap> {
        match self.keys.read() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    fn lookup(&self, kid: &str) -> Option<Arc<VerifyingKey>> {
        let guard = match self.keys.read() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        guard.get(kid).cloned()
    }

    fn stale(&self) -> bool {
        let loaded = self.loaded_at.load(Ordering::Relaxed);
        self.url.is_some()
            && loaded > 0
            && self.clock.now_millis().saturating_sub(loaded)
                >= i64::try_from(self.ttl.as_millis()).unwrap_or(i64::MAX)
    }

    /// The cached key for `kid`, without waiting: `None` when [`JwksCache::key`] would have
    /// to fetch. A stale set is re-validated in the background, as `key` does.
    pub(crate) fn cached_key(self: &Arc<Self>, kid: &str) -> Option<Arc<VerifyingKey>> {
        let k = self.lookup(kid)?;
        if self.stale() {
            self.revalidate_in_background();
        }
        Some(k)
    }

    /// The key for `kid`, fetching the JWKS if needed (see the module rules).
    ///
    /// # Errors
    /// [`JwksError::UnknownKid`], [`JwksError::CoolingDown`], [`JwksError::Unavailable`] or
    /// [`JwksError::Invalid`].
    pub async fn key(self: &Arc<Self>, kid: &str) -> Result<Arc<VerifyingKey>, JwksError> {
        if let Some(k) = self.cached_key(kid) {
            return Ok(k);
        }
        let mut state = self.fetch.lock().await;
        // Someone may have fetched while we waited.
        if let Some(k) = self.lookup(kid) {
            return Ok(k);
        }
        let had_keys = !self.snapshot().is_empty();
        let cooldown_ms = i64::try_from(self.cooldown.as_millis()).unwrap_or(i64::MAX);
        if let Some(t) = state.last_refetch {
            if self.clock.now_millis().saturating_sub(t) < cooldown_ms {
                tracing::debug!("unknown kid during the JWKS cool-down: not fetching");
                return Err(if had_keys || self.url.is_none() {
                    JwksError::CoolingDown
                } else {
                    JwksError::Unavailable("JWKS not loaded yet (cool-down after a failure)".into())
                });
            }
        }
        if self.url.is_none() {
            return Err(JwksError::UnknownKid);
        }
        let result = self.fetch_and_store().await;
        // The first load does not start the cool-down; re-fetches and failures do.
        if had_keys || result.is_err() {
            state.last_refetch = Some(self.clock.now_millis());
        }
        drop(state);
        match result {
            Ok(()) => self.lookup(kid).ok_or(JwksError::UnknownKid),
            Err(e) => {
                tracing::warn!(error = %e, "JWKS fetch failed; cached keys stay in use");
                Err(e)
            }
        }
    }

    /// Starts a background re-validation when the keys are older than the TTL (cheap: an
    /// atomic load and a clock read). Called on the cached-verification path too, so a key the
    /// pool removed stops being trusted even when no new token arrives.
    pub fn revalidate_if_stale(self: &Arc<Self>) {
        if self.stale() {
            self.revalidate_in_background();
        }
    }

    fn revalidate_in_background(self: &Arc<Self>) {
        if self.revalidating.swap(true, Ordering::AcqRel) {
            return;
        }
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            self.revalidating.store(false, Ordering::Release);
            return;
        };
        let this = Arc::clone(self);
        handle.spawn(async move {
            let mut state = this.fetch.lock().await;
            if this.stale() {
                if let Err(e) = this.fetch_and_store().await {
                    tracing::warn!(error = %e, "JWKS re-validation failed; cached keys stay in use");
                    // Try again after a cool-down rather than on every request.
                    let retry_at = this.clock.now_millis()
                        - i64::try_from(this.ttl.as_millis()).unwrap_or(i64::MAX)
                        + i64::try_from(this.cooldown.as_millis()).unwrap_or(i64::MAX);
                    this.loaded_at.store(retry_at.max(1), Ordering::Relaxed);
                    state.last_refetch = Some(this.clock.now_millis());
                }
            }
            drop(state);
            this.revalidating.store(false, Ordering::Release);
        });
    }

    /// Fetches the JWKS now (e.g. at startup), regardless of the cool-down.
    ///
    /// # Errors
    /// When the fetch fails; cached keys are kept.
    pub async fn refresh(&self) -> Result<(), JwksError> {
        let mut state = self.fetch.lock().await;
        let result = self.fetch_and_store().await;
        if result.is_err() {
            state.last_refetch = Some(self.clock.now_millis());
        }
        result
    }

    async fn fetch_and_store(&self) -> Result<(), JwksError> {
        let result = self.download().await;
        crate::telemetry::jwks_fetch(result.is_ok());
        result
    }

    async fn download(&self) -> Result<(), JwksError> {
        let Some(url) = &self.url else {
            return Err(JwksError::UnknownKid);
        };
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let response = self
            .client
            .get(url.clone())
            .header(http::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| JwksError::Unavailable(HttpError::from(e).to_string()))?;
        if !response.status().is_success() {
            return Err(JwksError::Unavailable(format!(
                "HTTP status {}",
                response.status().as_u16()
            )));
        }
        let body = read_capped(response, MAX_JWKS_BYTES)
            .await
            .map_err(|e| JwksError::Unavailable(e.to_string()))?;
        let keys = parse_jwks(&body)?;
        tracing::info!(keys = keys.len(), "JWKS loaded");
        let mut guard = match self.keys.write() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        if guard.keys().any(|k| !keys.contains_key(k)) {
            self.generation.fetch_add(1, Ordering::AcqRel);
        }
        *guard = Arc::new(keys);
        self.loaded_at
            .store(self.clock.now_millis().max(1), Ordering::Relaxed);
        Ok(())
    }
}

/// Parses a JWKS document, keeping only RSA signature keys usable with RS256.
///
/// # Errors
/// When the document is not a key set or holds no usable key.
pub fn parse_jwks(body: &[u8]) -> Result<HashMap<String, Arc<VerifyingKey>>, JwksError> {
    let set: JwkSet = serde_json::from_slice(body)
        .map_err(|_| JwksError::Invalid("not a JSON key set".into()))?;
    let mut out = HashMap::new();
    for raw in set.keys {
        let Ok(jwk) = serde_json::from_value::<RsaJwk>(raw) else {
            continue;
        };
        if jwk.kty != "RSA"
            || jwk.use_.as_deref().is_some_and(|u| u != "sig")
            || jwk.alg.as_deref().is_some_and(|a| a != "RS256")
        {
            continue;
        }
        let Ok(n) = URL_SAFE_NO_PAD.decode(jwk.n.trim_end_matches('=')) else {
            continue;
        };
        let Ok(e) = URL_SAFE_NO_PAD.decode(jwk.e.trim_end_matches('=')) else {
            continue;
        };
        let n = strip_leading_zeros(&n);
        if n.len() < 256 || n.len() > 1024 || e.is_empty() || e.len() > 8 {
            continue;
        }
        let e = strip_leading_zeros(&e);
        let Some(key) = VerifyingKey::from_components(n, e) else {
            continue;
        };
        out.insert(jwk.kid, Arc::new(key));
    }
    if out.is_empty() {
        return Err(JwksError::Invalid("no RSA signature key".into()));
    }
    Ok(out)
}

fn strip_leading_zeros(b: &[u8]) -> &[u8] {
    let i = b.iter().position(|x| *x != 0).unwrap_or(b.len());
    &b[i..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_real_cognito_jwks() {
        let vectors: serde_json::Value = serde_json::from_str(include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/cognito_real_tokens.json"
        )))
        .unwrap();
        let body = serde_json::to_vec(&vectors["jwks"]).unwrap();
        let keys = parse_jwks(&body).unwrap();
        assert_eq!(keys.len(), 2);
        assert!(keys.contains_key("2gH42FHBLdfSv1YQwmql6bi45sX3dovsvvuCXQQ6Uaw="));
    }

    #[test]
    fn skips_unusable_keys() {
        let body = br#"{"keys":[
            {"kty":"EC","kid":"ec","crv":"P-256","x":"AA","y":"AA"},
            {"kty":"RSA","kid":"enc","use":"enc","n":"AQAB","e":"AQAB"},
            {"kty":"RSA","kid":"small","n":"AQAB","e":"AQAB"}
        ]}"#;
        assert!(matches!(parse_jwks(body), Err(JwksError::Invalid(_))));
        assert!(parse_jwks(b"[]").is_err());
        assert!(parse_jwks(b"not json").is_err());
    }
}
