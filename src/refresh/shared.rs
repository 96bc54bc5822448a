//! The single flight across replicas.
//!
//! Inside this process's single flight, the replica asks the shared store in one atomic step
//! for "the outcome of a refresh of this token, else the lock":
//!
//! - an **outcome** sealed by another replica (less than [`RESULT_TTL`] old): its tokens are
//!   verified again here and served; a refusal is served as a refusal (no second call with a
//!   token Cognito may already have rotated out);
//! - the **lock**: this replica calls Cognito, seals the outcome into the store and releases
//!   the lock;
//! - **busy**: another replica is calling Cognito; poll until its outcome appears, the lock
//!   expires (it died: take over) or [`Coordination::wait`] passes (503, cookies kept).
//!
//! Any store failure falls back to calling Cognito from this replica: availability first.

use std::time::{Duration, Instant};

use super::{
    sealed::{SessionKey, Shared},
    verified, Coordination, RefreshError, RefreshMode, Refreshed, Refresher, RESULT_TTL,
};
use crate::{
    cognito_client::{CognitoClient, IdpError, TokenResponse},
    store::Claim,
    verify::TokenVerifier,
};

/// How often a waiting replica looks for the outcome.
const POLL: Duration = Duration::from_millis(20);
/// How long "Cognito is unreachable" is shared (then the next request tries again).
const UNAVAILABLE_TTL: Duration = Duration::from_secs(2);

impl Refresher {
    pub(super) async fn across_replicas(
        &self,
        client: &CognitoClient,
        verifier: &TokenVerifier,
        refresh_token: &str,
        mode: RefreshMode,
    ) -> Result<Refreshed, RefreshError> {
        let c = &self.coordination;
        if !c.store.is_shared() {
            return self.call_cognito(client, verifier, refresh_token).await;
        }
        let store = c.store.store();
        let key = SessionKey::of(refresh_token, &c.namespace);
        let owner = format!("{:032x}", rand::random::<u128>());
        let give_up = Instant::now() + c.wait;
        // A forced refresh ignores a finished outcome, but joins one in flight elsewhere.
        let mut skip_outcome = mode == RefreshMode::Force;
        let mut seen_busy = false;
        loop {
            let claim = c
                .store
                .call(
                    "claim refresh",
                    store.claim_refresh(&key.name, &owner, c.lock_ttl, !skip_outcome),
                )
                .await;
            match claim {
                // Another replica is calling Cognito with this token: calling too could present
                // a token it already rotated out. Answer 503 (cookies kept) instead.
                Err(_) if seen_busy => {
                    return Err(RefreshError::Unavailable(IdpError::Unreachable));
                }
                Err(_) => return self.call_cognito(client, verifier, refresh_token).await,
                Ok(Claim::Won) => {
                    let result = self.call_cognito(client, verifier, refresh_token).await;
                    let at_ms = self.clock.now_millis();
                    let (outcome, ttl) = match &result {
                        Ok(r) => (
                            Shared::Tokens {
                                at_ms,
                                access_token: r.access_token.clone(),
                                id_token: r.id_token.clone(),
                                refresh_token: r.refresh_token.clone(),
                            },
                            RESULT_TTL,
                        ),
                        Err(e) if e.is_unavailable() => {
                            (Shared::Unavailable { at_ms }, UNAVAILABLE_TTL)
                        }
                        Err(_) => (Shared::Rejected { at_ms }, RESULT_TTL),
                    };
                    let sealed = key.seal(&outcome);
                    // Bypasses the circuit breaker: the waiters depend on this write.
                    let _ = c
                        .store
                        .probe(
                            "finish refresh",
                            store.finish_refresh(&key.name, &owner, Some(&sealed), ttl),
                        )
                        .await;
                    return result;
                }
                Ok(Claim::Outcome(sealed)) => {
                    match key.open(&sealed, self.clock.now_millis()) {
                        Some(Shared::Tokens {
                            access_token,
                            id_token,
                            refresh_token: next,
                            ..
                        }) => {
                            let tokens = TokenResponse {
                                access_token,
                                id_token,
                                refresh_token: Some(next),
                                expires_in: None,
                            };
                            match verified(verifier, tokens, refresh_token).await {
                                Ok(r) => {
                                    tracing::debug!("refresh served from another replica's call");
                                    crate::telemetry::refresh("shared");
                                    return Ok(r);
                                }
                                Err(e) if e.is_unavailable() => return Err(e),
                                // Expired or otherwise unusable: refresh anew.
                                Err(_) => skip_outcome = true,
                            }
                        }
                        Some(Shared::Rejected { .. }) => {
                            return Err(RefreshError::Rejected(IdpError::OAuth {
                                error: "invalid_grant".into(),
                                description: Some(
                                    "refused when another replica refreshed this session".into(),
                                ),
                            }))
                        }
                        Some(Shared::Unavailable { .. }) => {
                            return Err(RefreshError::Unavailable(IdpError::Unreachable))
                        }
                        // Stale, or not sealed for this token: refresh anew.
                        None => skip_outcome = true,
                    }
                }
                Ok(Claim::Busy) => {
                    if Instant::now() >= give_up {
                        tracing::warn!(
                            "another replica's refresh did not finish in time; answering 503"
                        );
                        return Err(RefreshError::Unavailable(IdpError::Timeout));
                    }
                    skip_outcome = false;
                    seen_busy = true;
                    tokio::time::sleep(POLL).await;
                }
            }
        }
    }
}

/// Drops the shared outcome of `refresh_token` (at logout).
pub(super) async fn forget(c: &Coordination, refresh_token: &str) {
    if !c.store.is_shared() {
        return;
    }
    let key = SessionKey::of(refresh_token, &c.namespace);
    let _ = c
        .store
        .call("forget refresh", c.store.store().forget_refresh(&key.name))
        .await;
}
