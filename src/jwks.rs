//! The pool's signing keys, fetched once and cached process-wide.
//!
//! Rules:
//! 1. Keys are looked up by `kid`; a hit never touches the network.
//! 2. An unknown `kid` triggers at most one re-fetch at a time (single flight: concurrent
//!    requests wait for the same fetch and then look again).
//! 3. After a re-fetch, further unknown `kid`s are refused without fetching until the
//!    cool-down (default 10 s) has passed, so a flood of forged `kid`s cannot make the server
//!    hammer Cognito. Keys rotated in at Cognito are picked up by the next allowed re-fetch.
//! 4. When a fetch fails, the keys already cached keep working.
//! 5. Fetches have connect and total timeouts and a body-size cap. Only RSA keys for
//!    signatures (`use` absent or `sig`, `alg` absent or `RS256`, modulus ≥ 2048 bits) are kept.
//!
//! # Example
//! ```no_run
//! # async fn f() {
//! use leptos_cognito::jwks::JwksCache;
//! let cache = JwksCache::new(
//!     "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_x/.well-known/jwks.json".parse().unwrap(),
//!     leptos_cognito::http_client::build_client(std::time::Duration::from_secs(2), std::time::Duration::from_secs(5)),
//!     std::time::Duration::from_secs(10),
//! );
//! let key = cache.key("some-kid").await;
//! # }
//! ```

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, RwLock,
    },
    time::Duration,
};

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use jsonwebtoken::DecodingKey;
use serde::Deserialize;
use tokio::{sync::Mutex, time::Instant};
use url::Url;

use crate::http_client::{read_capped, HttpError};

/// Largest JWKS document accepted.
pub const MAX_JWKS_BYTES: usize = 64 * 1024;

/// Why a key could not be provided.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum JwksError {
    /// The `kid` is not in the pool's key set (after a re-fetch, or during the cool-down).
    #[error("no key with this kid in the pool's JWKS")]
    UnknownKid,
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

type KeyMap = HashMap<String, Arc<DecodingKey>>;

#[derive(Default)]
struct FetchState {
    last_refetch: Option<Instant>,
}

/// Process-wide cache of the pool's JWKS. Cheap to share behind an `Arc`.
pub struct JwksCache {
    url: Option<Url>,
    client: reqwest::Client,
    keys: RwLock<Arc<KeyMap>>,
    fetch: Mutex<FetchState>,
    cooldown: Duration,
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
    /// least `cooldown` apart.
    pub fn new(url: Url, client: reqwest::Client, cooldown: Duration) -> Self {
        Self {
            url: Some(url),
            client,
            keys: RwLock::new(Arc::new(HashMap::new())),
            fetch: Mutex::new(FetchState::default()),
            cooldown,
            fetches: AtomicU64::new(0),
        }
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
        Ok(Self {
            url: None,
            client: reqwest::Client::new(),
            keys: RwLock::new(Arc::new(keys)),
            fetch: Mutex::new(FetchState::default()),
            cooldown: Duration::MAX,
            fetches: AtomicU64::new(0),
        })
    }

    /// How many times the JWKS has been requested from the network.
    pub fn fetch_count(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
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

    fn lookup(&self, kid: &str) -> Option<Arc<DecodingKey>> {
        let guard = match self.keys.read() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        guard.get(kid).cloned()
    }

    /// The key for `kid`, fetching the JWKS if needed (see the module rules).
    ///
    /// # Errors
    /// [`JwksError::UnknownKid`] or [`JwksError::Unavailable`].
    pub async fn key(&self, kid: &str) -> Result<Arc<DecodingKey>, JwksError> {
        if let Some(k) = self.lookup(kid) {
            return Ok(k);
        }
        let mut state = self.fetch.lock().await;
        // Someone may have fetched while we waited.
        if let Some(k) = self.lookup(kid) {
            return Ok(k);
        }
        let had_keys = !self.snapshot().is_empty();
        if let Some(t) = state.last_refetch {
            if t.elapsed() < self.cooldown {
                tracing::debug!("unknown kid during the JWKS cool-down: not fetching");
                return Err(if had_keys {
                    JwksError::UnknownKid
                } else {
                    JwksError::Unavailable("JWKS not loaded yet (cool-down after a failure)".into())
                });
            }
        }
        let result = self.fetch_and_store().await;
        // The first load does not start the cool-down; re-fetches and failures do.
        if had_keys || result.is_err() {
            state.last_refetch = Some(Instant::now());
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

    /// Fetches the JWKS now (e.g. at startup), regardless of the cool-down.
    ///
    /// # Errors
    /// When the fetch fails; cached keys are kept.
    pub async fn refresh(&self) -> Result<(), JwksError> {
        let mut state = self.fetch.lock().await;
        let result = self.fetch_and_store().await;
        if result.is_err() {
            state.last_refetch = Some(Instant::now());
        }
        result
    }

    async fn fetch_and_store(&self) -> Result<(), JwksError> {
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
        *guard = Arc::new(keys);
        Ok(())
    }
}

/// Parses a JWKS document, keeping only RSA signature keys usable with RS256.
///
/// # Errors
/// When the document is not a key set or holds no usable key.
pub fn parse_jwks(body: &[u8]) -> Result<HashMap<String, Arc<DecodingKey>>, JwksError> {
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
        out.insert(
            jwk.kid,
            Arc::new(DecodingKey::from_rsa_raw_components(n, &e)),
        );
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
