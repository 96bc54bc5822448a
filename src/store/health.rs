//! Every call the library makes to the shared store: a timeout, a circuit breaker, the
//! degraded flag (logged once per transition), and revocations kept for later when the store
//! cannot take them.

use std::{
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use super::{Revocation, SharedStore, StoreError, StoreFuture};

/// After a failure, calls are not even attempted for this long (the background probe keeps
/// trying, and the first call after it is let through).
const OPEN_FOR: Duration = Duration::from_secs(1);
/// Revocations kept while the store is unreachable, written when it is back.
const MAX_PENDING: usize = 10_000;

/// Counters of the shared store (see [`Stats::store`](crate::Stats)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct StoreStats {
    /// The engine (`"memory"`, `"redis"`).
    pub engine: &'static str,
    /// Whether the store is shared with other instances.
    pub shared: bool,
    /// Whether the store is currently failing (the app runs per process meanwhile).
    pub degraded: bool,
    /// Round trips made to the store (background ones included: subscription, health checks).
    pub round_trips: u64,
    /// Store calls made while serving requests (refresh coordination, logout). A signed-in
    /// request with a valid token makes none.
    pub request_calls: u64,
    /// Calls that failed or timed out.
    pub errors: u64,
    /// Revocations waiting for the store to come back.
    pub pending_revocations: usize,
}

pub(crate) struct StoreHandle {
    store: Arc<dyn SharedStore>,
    timeout: Duration,
    open_until: Mutex<Option<Instant>>,
    degraded: AtomicBool,
    errors: AtomicU64,
    request_calls: AtomicU64,
    pending: Mutex<Vec<Revocation>>,
}

impl std::fmt::Debug for StoreHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreHandle")
            .field("engine", &self.store.engine())
            .field("degraded", &self.is_degraded())
            .finish_non_exhaustive()
    }
}

impl StoreHandle {
    pub(crate) fn new(store: Arc<dyn SharedStore>, timeout: Duration) -> Self {
        Self {
            store,
            timeout,
            open_until: Mutex::new(None),
            degraded: AtomicBool::new(false),
            errors: AtomicU64::new(0),
            request_calls: AtomicU64::new(0),
            pending: Mutex::new(Vec::new()),
        }
    }

    pub(crate) fn store(&self) -> &dyn SharedStore {
        &*self.store
    }

    pub(crate) fn is_shared(&self) -> bool {
        self.store.is_shared()
    }

    pub(crate) fn is_degraded(&self) -> bool {
        self.degraded.load(Ordering::Relaxed)
    }

    /// Runs one store operation unless the circuit is open, within the timeout.
    pub(crate) async fn call<T>(
        &self,
        what: &'static str,
        op: StoreFuture<'_, T>,
    ) -> Result<T, StoreError> {
        let open = self
            .open_until
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some_and(|t| Instant::now() < t);
        if open {
            return Err(StoreError::Degraded);
        }
        self.request_calls.fetch_add(1, Ordering::Relaxed);
        self.probe(what, op).await
    }

    /// Runs one store operation within the timeout even if the circuit is open (the
    /// background task's reconnection and health checks).
    pub(crate) async fn probe<T>(
        &self,
        what: &'static str,
        op: StoreFuture<'_, T>,
    ) -> Result<T, StoreError> {
        let result = match tokio::time::timeout(self.timeout, op).await {
            Ok(r) => r,
            Err(_) => Err(StoreError::Timeout(self.timeout)),
        };
        match &result {
            Ok(_) => self.mark_ok(),
            Err(e) => self.mark_failed(what, e),
        }
        result
    }

    fn mark_ok(&self) {
        *self.open_until.lock().unwrap_or_else(|p| p.into_inner()) = None;
        if self.degraded.swap(false, Ordering::Relaxed) {
            crate::telemetry::store_degraded(false);
            tracing::info!(
                engine = self.store.engine(),
                "shared store reachable again: refresh coordination and revocations are shared"
            );
        }
    }

    pub(crate) fn mark_failed(&self, what: &'static str, e: &StoreError) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        crate::telemetry::store_error(what);
        *self.open_until.lock().unwrap_or_else(|p| p.into_inner()) =
            Some(Instant::now() + OPEN_FOR);
        if !self.degraded.swap(true, Ordering::Relaxed) {
            crate::telemetry::store_degraded(true);
            tracing::warn!(
                engine = self.store.engine(),
                operation = what,
                error = %e,
                "shared store degraded: each replica refreshes and revokes on its own until it is back"
            );
        } else {
            tracing::debug!(operation = what, error = %e, "shared store call failed");
        }
    }

    /// Writes a revocation to the store; if it cannot take it now, keeps it for
    /// [`flush_pending`](Self::flush_pending).
    pub(crate) async fn publish(&self, revocation: Revocation, now: i64) {
        if !self.is_shared() {
            return;
        }
        let store = self.store();
        if self
            .call("revoke", store.revoke(&revocation, now))
            .await
            .is_err()
        {
            let mut p = self.pending.lock().unwrap_or_else(|p| p.into_inner());
            if p.len() >= MAX_PENDING {
                p.sort_by_key(|r| r.until);
                p.remove(0);
            }
            p.push(revocation);
        }
    }

    /// Writes the revocations kept while the store was unreachable (those still in force).
    pub(crate) async fn flush_pending(&self, now: i64) {
        let pending: Vec<Revocation> =
            std::mem::take(&mut *self.pending.lock().unwrap_or_else(|p| p.into_inner()));
        let mut failed = Vec::new();
        for r in pending.into_iter().filter(|r| r.until > now) {
            if !failed.is_empty()
                || self
                    .probe("revoke", self.store.revoke(&r, now))
                    .await
                    .is_err()
            {
                failed.push(r);
            }
        }
        if !failed.is_empty() {
            self.pending
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .extend(failed);
        }
    }

    pub(crate) fn stats(&self) -> StoreStats {
        StoreStats {
            engine: self.store.engine(),
            shared: self.store.is_shared(),
            degraded: self.is_degraded(),
            round_trips: self.store.round_trips(),
            errors: self.errors.load(Ordering::Relaxed),
            request_calls: self.request_calls.load(Ordering::Relaxed),
            pending_revocations: self.pending.lock().map(|p| p.len()).unwrap_or(0),
        }
    }
}
