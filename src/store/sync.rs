//! Keeps this replica's revocation list in step with the shared store: subscribe, then load
//! every revocation in force (so none announced in between is missed), then apply each
//! announcement as it arrives. When the subscription or a health check fails, the store is
//! marked degraded and the cycle starts again with a bounded back-off; revocations made
//! meanwhile are written when the store is back.

use std::{sync::Arc, time::Duration};

use futures_util::StreamExt;

use super::{StoreError, StoreHandle};
use crate::{
    clock::Clock,
    revocation::{RevocationList, MAX_ENTRIES},
};

/// How often a quiet subscription checks that the store still answers.
const HEALTH_EVERY: Duration = Duration::from_secs(2);
const MIN_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(2);

/// Starts the background task (inside the current Tokio runtime). Abort it through the
/// returned handle when the app's shared parts are dropped.
pub(crate) fn spawn(
    handle: Arc<StoreHandle>,
    list: Arc<RevocationList>,
    clock: Clock,
) -> tokio::task::AbortHandle {
    tokio::spawn(run(handle, list, clock)).abort_handle()
}

async fn run(handle: Arc<StoreHandle>, list: Arc<RevocationList>, clock: Clock) {
    let mut backoff = MIN_BACKOFF;
    loop {
        if follow(&handle, &list, &clock).await {
            backoff = MIN_BACKOFF;
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

/// One subscription, until it fails. Returns whether it got as far as following announcements.
async fn follow(handle: &StoreHandle, list: &RevocationList, clock: &Clock) -> bool {
    let store = handle.store();
    let Ok(mut stream) = handle.probe("subscribe", store.subscribe()).await else {
        return false;
    };
    match handle
        .probe(
            "load revocations",
            store.revocations(clock.now(), MAX_ENTRIES),
        )
        .await
    {
        Ok(all) => {
            for r in all {
                list.revoke(&r.id, r.until);
            }
        }
        Err(_) => return false,
    }
    handle.flush_pending(clock.now()).await;
    // One interval for the whole subscription: announcements arriving more often than every
    // HEALTH_EVERY must not postpone the health check and the flush of pending revocations.
    let mut health = tokio::time::interval(HEALTH_EVERY);
    health.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    health.tick().await;
    loop {
        tokio::select! {
            next = stream.next() => match next {
                Some(r) => list.revoke(&r.id, r.until),
                None => break,
            },
            _ = health.tick() => {
                if handle.probe("ping", store.ping()).await.is_err() {
                    return true;
                }
                handle.flush_pending(clock.now()).await;
            }
        }
    }
    handle.mark_failed(
        "subscription",
        &StoreError::Unreachable("the revocation subscription was lost".into()),
    );
    true
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};

    use super::*;
    use crate::store::{
        Claim, MemoryStore, Revocation, RevocationStream, SharedStore, StoreFuture,
    };

    /// A shared in-memory store whose writes of revocations can be made to fail.
    #[derive(Debug)]
    struct Flaky {
        inner: MemoryStore,
        failing: AtomicBool,
    }

    impl SharedStore for Flaky {
        fn engine(&self) -> &'static str {
            "flaky"
        }
        fn claim_refresh<'a>(
            &'a self,
            key: &'a str,
            owner: &'a str,
            ttl: Duration,
            take: bool,
        ) -> StoreFuture<'a, Claim> {
            self.inner.claim_refresh(key, owner, ttl, take)
        }
        fn finish_refresh<'a>(
            &'a self,
            key: &'a str,
            owner: &'a str,
            outcome: Option<&'a [u8]>,
            ttl: Duration,
        ) -> StoreFuture<'a, ()> {
            self.inner.finish_refresh(key, owner, outcome, ttl)
        }
        fn forget_refresh<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()> {
            self.inner.forget_refresh(key)
        }
        fn revoke<'a>(&'a self, r: &'a Revocation, now: i64) -> StoreFuture<'a, ()> {
            if self.failing.load(Ordering::SeqCst) {
                return Box::pin(std::future::ready(Err(StoreError::Unreachable(
                    "test".into(),
                ))));
            }
            self.inner.revoke(r, now)
        }
        fn revocations(&self, now: i64, limit: usize) -> StoreFuture<'_, Vec<Revocation>> {
            self.inner.revocations(now, limit)
        }
        fn subscribe(&self) -> StoreFuture<'_, RevocationStream> {
            self.inner.subscribe()
        }
        fn ping(&self) -> StoreFuture<'_, ()> {
            self.inner.ping()
        }
        fn round_trips(&self) -> u64 {
            self.inner.round_trips()
        }
    }

    /// A revocation the store could not take is written once it can, even while other
    /// replicas' announcements keep arriving faster than the health interval.
    #[tokio::test]
    async fn pending_revocations_are_flushed_under_a_steady_stream_of_announcements() {
        let flaky = Arc::new(Flaky {
            inner: MemoryStore::shared(),
            failing: AtomicBool::new(false),
        });
        let handle = Arc::new(StoreHandle::new(flaky.clone(), Duration::from_millis(200)));
        let clock = Clock::system();
        let list = Arc::new(RevocationList::new(clock.clone()));
        let task = spawn(handle.clone(), list.clone(), clock.clone());
        tokio::time::sleep(Duration::from_millis(200)).await;

        flaky.failing.store(true, Ordering::SeqCst);
        let r = |id: &str| Revocation {
            id: id.into(),
            until: clock.now() + 600,
        };
        handle
            .publish(r("made-during-the-hiccup"), clock.now())
            .await;
        assert_eq!(handle.stats().pending_revocations, 1);
        flaky.failing.store(false, Ordering::SeqCst);

        let deadline = std::time::Instant::now() + Duration::from_secs(6);
        let mut i = 0;
        while handle.stats().pending_revocations > 0 {
            assert!(
                std::time::Instant::now() < deadline,
                "the pending revocation was never written"
            );
            // Another replica's logout every 100 ms.
            flaky
                .inner
                .revoke(&r(&format!("other-{i}")), clock.now())
                .await
                .unwrap();
            i += 1;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let stored = flaky.inner.revocations(clock.now(), 100).await.unwrap();
        assert!(stored.iter().any(|x| x.id == "made-during-the-hiccup"));
        task.abort();
    }
}
