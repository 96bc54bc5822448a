//! [`MemoryStore`]: the shared store inside one process.
//!
//! The default store of every [`CognitoAuth`](crate::CognitoAuth) is a private one (nothing to
//! coordinate: the per-process single flight and revocation list already cover the process).
//! [`MemoryStore::shared`] makes one that several app instances of one process can share, which
//! behaves like a real shared store: locks and outcomes expire, revocations are announced.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicU64, Ordering},
        Mutex,
    },
    time::{Duration, Instant},
};

use futures_util::StreamExt;
use tokio::sync::broadcast;

use super::{Claim, Revocation, RevocationStream, SharedStore, StoreError, StoreFuture};

/// Most entries of each kind kept; past it, expired ones are purged and then the oldest dropped.
const MAX_ENTRIES: usize = 100_000;

#[derive(Default)]
struct Maps {
    locks: HashMap<String, (String, Instant)>,
    outcomes: HashMap<String, (Vec<u8>, Instant)>,
    revoked: HashMap<String, i64>,
}

/// An in-process [`SharedStore`].
///
/// # Example
/// ```
/// # tokio_test_block_on(async {
/// use std::time::Duration;
/// use leptos_cognito::store::{Claim, MemoryStore, SharedStore};
/// let store = MemoryStore::shared();
/// let ttl = Duration::from_secs(5);
/// assert_eq!(store.claim_refresh("k", "a", ttl, true).await, Ok(Claim::Won));
/// assert_eq!(store.claim_refresh("k", "b", ttl, true).await, Ok(Claim::Busy));
/// store.finish_refresh("k", "a", Some(b"sealed"), ttl).await.unwrap(); // a holds the lock
/// assert_eq!(store.claim_refresh("k", "b", ttl, true).await, Ok(Claim::Outcome(b"sealed".to_vec())));
/// # });
/// # fn tokio_test_block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
/// # }
/// ```
pub struct MemoryStore {
    maps: Mutex<Maps>,
    announcements: broadcast::Sender<Revocation>,
    shared: bool,
    round_trips: AtomicU64,
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore")
            .field("shared", &self.shared)
            .finish_non_exhaustive()
    }
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::private()
    }
}

impl MemoryStore {
    fn with_sharing(shared: bool) -> Self {
        Self {
            maps: Mutex::new(Maps::default()),
            announcements: broadcast::channel(1024).0,
            shared,
            round_trips: AtomicU64::new(0),
        }
    }

    /// A store private to one app instance (the default).
    pub fn private() -> Self {
        Self::with_sharing(false)
    }

    /// A store to share between app instances of one process (wrap it in an `Arc`).
    pub fn shared() -> Self {
        Self::with_sharing(true)
    }

    fn maps(&self) -> std::sync::MutexGuard<'_, Maps> {
        self.round_trips.fetch_add(1, Ordering::Relaxed);
        self.maps.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Makes room for one entry: drops the expired ones (expiry at or before `now`), then the
/// earliest-expiring.
fn bounded<V, T: Ord + Copy>(map: &mut HashMap<String, V>, expiry: impl Fn(&V) -> T, now: T) {
    if map.len() >= MAX_ENTRIES {
        map.retain(|_, v| expiry(v) > now);
        while map.len() >= MAX_ENTRIES {
            let Some(k) = map
                .iter()
                .min_by_key(|(_, v)| expiry(v))
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            map.remove(&k);
        }
    }
}

fn ready<T: Send + 'static>(v: Result<T, StoreError>) -> StoreFuture<'static, T> {
    Box::pin(std::future::ready(v))
}

impl SharedStore for MemoryStore {
    fn engine(&self) -> &'static str {
        "memory"
    }

    fn is_shared(&self) -> bool {
        self.shared
    }

    fn claim_refresh<'a>(
        &'a self,
        key: &'a str,
        owner: &'a str,
        lock_ttl: Duration,
        take_outcome: bool,
    ) -> StoreFuture<'a, Claim> {
        let now = Instant::now();
        let mut m = self.maps();
        if take_outcome {
            if let Some((o, until)) = m.outcomes.get(key) {
                if *until > now {
                    return ready(Ok(Claim::Outcome(o.clone())));
                }
            }
        }
        if m.locks.get(key).is_some_and(|(_, until)| *until > now) {
            return ready(Ok(Claim::Busy));
        }
        bounded(&mut m.locks, |(_, until)| *until, now);
        m.locks
            .insert(key.to_string(), (owner.to_string(), now + lock_ttl));
        ready(Ok(Claim::Won))
    }

    fn finish_refresh<'a>(
        &'a self,
        key: &'a str,
        owner: &'a str,
        outcome: Option<&'a [u8]>,
        ttl: Duration,
    ) -> StoreFuture<'a, ()> {
        let now = Instant::now();
        let mut m = self.maps();
        // Only the holder of a live lock writes (one that lost it to expiry or a logout does not).
        if !m
            .locks
            .get(key)
            .is_some_and(|(o, until)| o == owner && *until > now)
        {
            return ready(Ok(()));
        }
        m.locks.remove(key);
        if let Some(o) = outcome {
            bounded(&mut m.outcomes, |(_, until)| *until, now);
            m.outcomes.insert(key.to_string(), (o.to_vec(), now + ttl));
        }
        ready(Ok(()))
    }

    fn forget_refresh<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()> {
        let mut m = self.maps();
        m.outcomes.remove(key);
        m.locks.remove(key);
        ready(Ok(()))
    }

    fn revoke<'a>(&'a self, revocation: &'a Revocation, now: i64) -> StoreFuture<'a, ()> {
        if !revocation.is_valid() {
            return ready(Err(StoreError::Protocol("malformed revocation".into())));
        }
        {
            let mut m = self.maps();
            m.revoked.retain(|_, until| *until > now);
            bounded(&mut m.revoked, |until| *until, now);
            let e = m
                .revoked
                .entry(revocation.id.clone())
                .or_insert(revocation.until);
            *e = (*e).max(revocation.until);
        }
        // Nobody listening is fine.
        let _ = self.announcements.send(revocation.clone());
        ready(Ok(()))
    }

    fn revocations(&self, now: i64, limit: usize) -> StoreFuture<'_, Vec<Revocation>> {
        let m = self.maps();
        let mut v: Vec<Revocation> = m
            .revoked
            .iter()
            .filter(|(_, until)| **until > now)
            .map(|(id, until)| Revocation {
                id: id.clone(),
                until: *until,
            })
            .collect();
        v.sort_by_key(|r| std::cmp::Reverse(r.until));
        v.truncate(limit);
        ready(Ok(v))
    }

    fn subscribe(&self) -> StoreFuture<'_, RevocationStream> {
        self.round_trips.fetch_add(1, Ordering::Relaxed);
        let rx = self.announcements.subscribe();
        let stream = futures_util::stream::unfold(rx, |mut rx| async move {
            // Lagging behind (or closed) ends the stream: the library reloads the list.
            rx.recv().await.ok().map(|r| (r, rx))
        })
        .boxed();
        ready(Ok(stream))
    }

    fn ping(&self) -> StoreFuture<'_, ()> {
        self.round_trips.fetch_add(1, Ordering::Relaxed);
        ready(Ok(()))
    }

    fn round_trips(&self) -> u64 {
        self.round_trips.load(Ordering::Relaxed)
    }
}
