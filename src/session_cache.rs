//! Resolved cookie sessions of recent requests, so a signed-in request whose cookies were seen
//! before costs one lookup instead of two token-cache lookups, two claim clones and a new
//! user snapshot.
//!
//! Keyed by the access token; an entry also remembers the ID token it was resolved with and
//! is used only for exactly that pair. An entry is valid while every token it holds is
//! unexpired (with the leeway), the JWKS has not lost a key since (its generation), and
//! neither token's session is on the revocation list: the same rules as the verified-token
//! caches, checked on every hit. Logout forgets the entry too. Bounded (quick_cache, the
//! verified-token caches' capacity).

use std::sync::Arc;

use quick_cache::sync::Cache;

use crate::{
    revocation::RevocationList,
    session::Session,
    verify::{TokenClaims, VERIFIED_CACHE_CAPACITY},
};

#[derive(Clone)]
struct Entry {
    id_token: Option<Arc<str>>,
    session: Arc<Session>,
    until: i64,
    generation: u64,
}

/// The cache (one per [`crate::CognitoAuth`]).
pub(crate) struct SessionCache {
    cache: Cache<Arc<str>, Entry>,
}

impl SessionCache {
    pub(crate) fn new() -> Self {
        Self {
            cache: Cache::new(VERIFIED_CACHE_CAPACITY),
        }
    }

    /// The session resolved for exactly these cookies, if still valid at `now`.
    pub(crate) fn get(
        &self,
        access: &str,
        id: Option<&str>,
        now: i64,
        leeway: i64,
        generation: u64,
        revocations: &RevocationList,
    ) -> Option<Arc<Session>> {
        let e = self.cache.get(access)?;
        if e.id_token.as_deref() != id {
            return None;
        }
        let revoked = |sid: Option<&str>| sid.is_some_and(|s| revocations.is_revoked(s));
        let s = &e.session;
        if e.generation != generation
            || e.until + leeway <= now
            || revoked(s.access.session_id())
            || revoked(s.id.as_ref().and_then(|i| i.session_id()))
        {
            self.cache.remove(access);
            return None;
        }
        Some(e.session)
    }

    /// Remembers the session resolved for these cookies.
    pub(crate) fn insert(
        &self,
        access: &str,
        id: Option<&str>,
        session: Arc<Session>,
        generation: u64,
    ) {
        let until = session
            .id
            .as_ref()
            .map_or(session.access.exp(), |i| i.exp().min(session.access.exp()));
        self.cache.insert(
            Arc::from(access),
            Entry {
                id_token: id.map(Arc::from),
                session,
                until,
                generation,
            },
        );
    }

    /// Forgets the session of this access token (at logout).
    pub(crate) fn forget(&self, access: &str) {
        self.cache.remove(access);
    }
}
