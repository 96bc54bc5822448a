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
