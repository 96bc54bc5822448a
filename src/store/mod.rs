//! The shared store: what several replicas of one app share.
//!
//! Cookies already make a session portable between replicas; two things are not, and live
//! here:
//!
//! 1. **Refresh coordination.** For one refresh token, exactly one replica calls Cognito
//!    ([`SharedStore::claim_refresh`] hands out a lock); the others wait for its result, sealed
//!    so that only a holder of that refresh token can read it, and serve the same new tokens.
//! 2. **Revocations.** A logout on any replica is written to the store
//!    ([`SharedStore::revoke`]) and announced to every replica ([`SharedStore::subscribe`]),
//!    which keep a local list: the request path never waits on the store.
//!
//! The store is a trait so that other engines can be added without touching the resolver:
//! [`MemoryStore`] (the default: one process, or several app instances in one process sharing
//! one) and, with the `redis` feature, `RedisStore` (Redis or Valkey). Every call the library
//! makes goes through a timeout and a circuit breaker: a slow or unreachable store degrades the
//! app to per-process behaviour, it never fails a request.
//!
//! # Example
//! ```
//! use std::sync::Arc;
//! use leptos_cognito::store::{MemoryStore, SharedStore};
//! // Two app instances in one process that behave like two replicas sharing a store.
//! let shared: Arc<dyn SharedStore> = Arc::new(MemoryStore::shared());
//! assert!(shared.is_shared());
//! assert_eq!(shared.engine(), "memory");
//! ```

mod health;
mod memory;
#[cfg(feature = "redis")]
mod redis;
mod sync;

use std::{fmt, future::Future, pin::Pin, time::Duration};

use futures_util::Stream;

pub(crate) use health::StoreHandle;
pub use health::StoreStats;
pub use memory::MemoryStore;
#[cfg(feature = "redis")]
pub use redis::RedisStore;
pub(crate) use sync::spawn as spawn_sync;

/// The future returned by every store operation.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// Revocations announced by any replica, as they happen. The stream ends when the
/// subscription is lost (the library then reconnects and reloads the list).
pub type RevocationStream = Pin<Box<dyn Stream<Item = Revocation> + Send>>;

/// Longest session identifier a store accepts (Cognito's are UUIDs).
pub const MAX_ID_LEN: usize = 256;

/// A revoked session: its identifier (`origin_jti`, else `jti`) and the Unix time until which
/// its tokens are refused.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Revocation {
    /// The session identifier.
    pub id: String,
    /// Refused until this Unix time (seconds).
    pub until: i64,
}

impl Revocation {
    /// Whether this is a well-formed revocation (what a store accepts and a replica applies):
    /// a non-empty printable identifier of at most [`MAX_ID_LEN`] bytes.
    pub fn is_valid(&self) -> bool {
        !self.id.is_empty()
            && self.id.len() <= MAX_ID_LEN
            && self.id.bytes().all(|b| b.is_ascii_graphic())
    }
}

/// What [`SharedStore::claim_refresh`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Claim {
    /// Another replica already refreshed this token: its sealed outcome.
    Outcome(Vec<u8>),
    /// The caller holds the lock: it calls Cognito, then [`SharedStore::finish_refresh`].
    Won,
    /// Another replica holds the lock: wait and claim again.
    Busy,
}

/// Why a store operation failed. The library never fails a request for it: it carries on
/// without the store.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The store could not be reached or refused the command.
    #[error("the shared store is unreachable: {0}")]
    Unreachable(String),
    /// The store did not answer in time.
    #[error("the shared store did not answer within {0:?}")]
    Timeout(Duration),
    /// The store recently failed; it was not asked (circuit open).
    #[error("the shared store is degraded (not asked)")]
    Degraded,
    /// The store answered something that is not what the protocol expects.
    #[error("the shared store answered something unexpected: {0}")]
    Protocol(String),
}

/// A store shared by the replicas of one app.
///
/// Keys are opaque session keys (hex digests chosen by the library, the same for every replica);
/// implementations add their own namespace. Implementations must be safe to call concurrently
/// and should answer quickly: the library puts a timeout on every call.
pub trait SharedStore: Send + Sync + fmt::Debug + 'static {
    /// A short name for logs and metrics (`"memory"`, `"redis"`).
    fn engine(&self) -> &'static str;

    /// Whether other app instances can see this store (false for a private in-memory store:
    /// the library then skips coordination it does not need).
    fn is_shared(&self) -> bool {
        true
    }

    /// Atomically: when `take_outcome` and an outcome is stored under `key`, returns it;
    /// otherwise takes the lock of `key` for `lock_ttl` on behalf of `owner` if nobody holds
    /// it ([`Claim::Won`]), else [`Claim::Busy`].
    fn claim_refresh<'a>(
        &'a self,
        key: &'a str,
        owner: &'a str,
        lock_ttl: Duration,
        take_outcome: bool,
    ) -> StoreFuture<'a, Claim>;

    /// If `owner` still holds the lock of `key`: stores `outcome` (when given) for `ttl` and
    /// releases the lock. An owner that lost the lock (expired, or removed by
    /// [`forget_refresh`](Self::forget_refresh) at logout) writes nothing.
    fn finish_refresh<'a>(
        &'a self,
        key: &'a str,
        owner: &'a str,
        outcome: Option<&'a [u8]>,
        ttl: Duration,
    ) -> StoreFuture<'a, ()>;

    /// Deletes the outcome and the lock of `key` (at logout): a refresh still in flight then
    /// cannot publish its tokens.
    fn forget_refresh<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()>;

    /// Records `revocation` (a later `until` for the same id wins), drops entries expired at
    /// `now`, and announces it to every subscriber.
    fn revoke<'a>(&'a self, revocation: &'a Revocation, now: i64) -> StoreFuture<'a, ()>;

    /// The revocations still in force at `now`, latest-expiring first, at most `limit`.
    fn revocations(&self, now: i64, limit: usize) -> StoreFuture<'_, Vec<Revocation>>;

    /// Subscribes to revocations announced from now on.
    fn subscribe(&self) -> StoreFuture<'_, RevocationStream>;

    /// Checks that the store answers.
    fn ping(&self) -> StoreFuture<'_, ()>;

    /// Round trips made to the store so far (commands, scripts and pipelines).
    fn round_trips(&self) -> u64;
}
