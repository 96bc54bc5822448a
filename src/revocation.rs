//! The revocation list: sessions signed out in this process, refused until their tokens expire.
//!
//! A session is identified by its tokens' `origin_jti` (shared by every token of one sign-in,
//! refreshes included), else by the token's own `jti`. After a logout the identifier is kept
//! until the session's tokens (and any minted by a refresh still in flight) have expired, so a
//! copied cookie or bearer token is refused even though its signature is valid.
//!
//! Memory is bounded ([`MAX_ENTRIES`]); expired entries are purged as new ones arrive. The check
//! on the request path is one atomic load when the list is empty, a read-locked hash lookup
//! otherwise.
//!
//! # Example
//! ```
//! use leptos_cognito::{clock::Clock, revocation::RevocationList};
//! let clock = Clock::system();
//! let list = RevocationList::new(clock.clone());
//! list.revoke("origin-jti-1", clock.now() + 60);
//! assert!(list.is_revoked("origin-jti-1"));
//! clock.advance(61);
//! assert!(!list.is_revoked("origin-jti-1"));
//! ```

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicUsize, Ordering},
        RwLock,
    },
};

use crate::clock::Clock;

/// Most identifiers kept at once; past it, the entries closest to expiry are dropped first.
pub const MAX_ENTRIES: usize = 100_000;

/// Revoked session identifiers with the time (Unix seconds) until which they are refused.
#[derive(Debug)]
pub struct RevocationList {
    entries: RwLock<HashMap<String, i64>>,
    len: AtomicUsize,
    clock: Clock,
}

impl RevocationList {
    /// An empty list on `clock`.
    pub fn new(clock: Clock) -> Self {
        Self {
            entries: RwLock::new(HashMap::new()),
            len: AtomicUsize::new(0),
            clock,
        }
    }

    /// Refuses `id` until `until` (Unix seconds). A later `until` for the same id wins.
    pub fn revoke(&self, id: &str, until: i64) {
        if id.is_empty() || id.len() > 256 {
            return;
        }
        let now = self.clock.now();
        let mut m = self.entries.write().unwrap_or_else(|p| p.into_inner());
        if m.len() >= MAX_ENTRIES && !m.contains_key(id) {
            m.retain(|_, t| *t > now);
            while m.len() >= MAX_ENTRIES {
                let Some(k) = m.iter().min_by_key(|(_, t)| **t).map(|(k, _)| k.clone()) else {
                    break;
                };
                m.remove(&k);
            }
        }
        let e = m.entry(id.to_string()).or_insert(until);
        *e = (*e).max(until);
        self.len.store(m.len(), Ordering::Release);
    }

    /// Whether `id` is currently revoked.
    pub fn is_revoked(&self, id: &str) -> bool {
        if self.len.load(Ordering::Acquire) == 0 {
            return false;
        }
        let m = self.entries.read().unwrap_or_else(|p| p.into_inner());
        m.get(id).is_some_and(|t| *t > self.clock.now())
    }

    /// Number of identifiers held (expired ones included until the next purge).
    pub fn len(&self) -> usize {
        self.len.load(Ordering::Acquire)
    }

    /// Whether the list holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_and_expiring() {
        let clock = Clock::system();
        let list = RevocationList::new(clock.clone());
        let now = clock.now();
        for i in 0..(MAX_ENTRIES + 10) {
            list.revoke(&format!("id-{i}"), now + 10 + i as i64);
        }
        assert!(list.len() <= MAX_ENTRIES);
        // The newest (latest-expiring) survive.
        assert!(list.is_revoked(&format!("id-{}", MAX_ENTRIES + 9)));
        assert!(!list.is_revoked("id-0"));
        list.revoke(&"x".repeat(300), now + 100);
        assert!(!list.is_revoked(&"x".repeat(300)));
        list.revoke("a", now + 5);
        list.revoke("a", now + 1);
        clock.advance(3);
        assert!(list.is_revoked("a"), "the later deadline wins");
    }
}
