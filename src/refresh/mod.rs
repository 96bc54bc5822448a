//! Refreshing a session (SPEC §4), once per session even under concurrent requests.
//!
//! 1. Requests carrying the same refresh token share one call to the token endpoint (single
//!    flight). The result is kept for [`RESULT_TTL`] so requests that still carry the old
//!    cookies (sent before the browser saw the new ones) reuse it instead of refreshing again,
//!    which matters when Cognito rotates refresh tokens.
//! 2. The new tokens are verified like at login (without nonce); the new ID and access tokens
//!    must keep the old `sub`.
//! 3. A rotated refresh token replaces the old one; otherwise the old one is kept.
//! 4. Only a real refusal signs out: `invalid_grant` (revoked or expired refresh token) is
//!    [`RefreshError::Rejected`], and so are new tokens that fail verification or change `sub`
//!    ([`RefreshError::Invalid`]). Everything else keeps the cookies and answers 503: a slow,
//!    unreachable or garbled Cognito, a JWKS that cannot be read, and OAuth errors that point at
//!    our own configuration (`invalid_client`, `unauthorized_client`, …), which are logged as
//!    configuration errors ([`RefreshError::Unavailable`]).
//!
//! 5. With a shared store ([`crate::store`]) the single flight spans replicas
//!    ([`shared`]): one replica calls Cognito, the others wait for its sealed result.
//!
//! The reuse window runs on the injectable [`Clock`], so tests move time instead of sleeping.

mod sealed;
mod shared;

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

use sha2::{Digest, Sha256};
use tokio::sync::OnceCell;

use crate::{
    clock::Clock,
    cognito_client::{CognitoClient, IdpError, TokenResponse},
    store::StoreHandle,
    verify::{AccessClaims, IdClaims, TokenVerifier, Verified, VerifyError},
};

/// How long a completed refresh is reused by requests carrying the old refresh token.
pub const RESULT_TTL: Duration = Duration::from_secs(30);

/// Fresh, verified tokens.
#[non_exhaustive]
pub struct Refreshed {
    /// The new access token.
    pub access_token: String,
    /// The new ID token, if returned.
    pub id_token: Option<String>,
    /// The refresh token to store from now on (rotated or the same).
    pub refresh_token: String,
    /// Whether Cognito rotated the refresh token.
    pub rotated: bool,
    /// Verified access claims.
    pub access: Verified<AccessClaims>,
    /// Verified ID claims.
    pub id: Option<Verified<IdClaims>>,
}

impl std::fmt::Debug for Refreshed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Refreshed")
            .field("sub", &self.access.subject())
            .field("rotated", &self.rotated)
            .finish_non_exhaustive()
    }
}

/// Why a refresh failed.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum RefreshError {
    /// Cognito refused the refresh token (`invalid_grant`, …): sign out.
    #[error("the refresh token was refused: {0}")]
    Rejected(IdpError),
    /// Cognito is slow, down, answered garbage, or refused our client configuration: keep the
    /// session, answer 503.
    #[error("the identity provider is unavailable: {0}")]
    Unavailable(IdpError),
    /// The new tokens did not verify (including a changed `sub`): sign out.
    #[error("refreshed tokens did not verify: {0}")]
    Invalid(VerifyError),
}

impl RefreshError {
    /// A short code for logs and metrics: `rejected`, `invalid` or `unavailable`.
    pub fn outcome(&self) -> &'static str {
        if self.is_unavailable() {
            "unavailable"
        } else if matches!(self, RefreshError::Rejected(_)) {
            "rejected"
        } else {
            "invalid"
        }
    }

    /// Whether the session should be kept (Cognito unavailable) rather than ended.
    pub fn is_unavailable(&self) -> bool {
        match self {
            RefreshError::Unavailable(_) => true,
            RefreshError::Invalid(e) => e.is_transient(),
            _ => false,
        }
    }
}

type Outcome = Result<Arc<Refreshed>, RefreshError>;

struct Flight {
    started_ms: i64,
    cell: Arc<OnceCell<Outcome>>,
}

/// Whether a completed refresh may be reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RefreshMode {
    /// Join a call in flight or reuse a result younger than [`RESULT_TTL`] (automatic refresh).
    ReuseRecent,
    /// Always ask Cognito (an explicit "extend my session"), though a call still in flight is
    /// joined.
    Force,
}

/// How replicas coordinate a refresh through the shared store.
#[derive(Debug, Clone)]
pub(crate) struct Coordination {
    /// The store (a private one coordinates nothing).
    pub(crate) store: Arc<StoreHandle>,
    /// The app's namespace (salts the session keys).
    pub(crate) namespace: String,
    /// How long the replica calling Cognito holds the lock (then another may take over).
    pub(crate) lock_ttl: Duration,
    /// How long the others wait for its result before answering 503.
    pub(crate) wait: Duration,
}

/// Coordinates refreshes: one token-endpoint call per refresh token at a time.
pub struct Refresher {
    flights: Mutex<HashMap<[u8; 32], Flight>>,
    calls: AtomicU64,
    clock: Clock,
    coordination: Coordination,
}

impl std::fmt::Debug for Refresher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Refresher")
            .field("calls", &self.call_count())
            .finish()
    }
}

fn key_of(refresh_token: &str) -> [u8; 32] {
    Sha256::digest(refresh_token.as_bytes()).into()
}

impl Refresher {
    /// A coordinator reading time from `clock`, sharing refreshes through `coordination`.
    pub(crate) fn new(clock: Clock, coordination: Coordination) -> Self {
        Self {
            flights: Mutex::new(HashMap::new()),
            calls: AtomicU64::new(0),
            clock,
            coordination,
        }
    }

    /// How many refresh calls reached the token endpoint.
    pub fn call_count(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    /// Drops any remembered result for this refresh token (at logout), here and in the
    /// shared store.
    pub async fn forget(&self, refresh_token: &str) {
        if let Ok(mut m) = self.flights.lock() {
            m.remove(&key_of(refresh_token));
        }
        shared::forget(&self.coordination, refresh_token).await;
    }

    /// Refreshes with `refresh_token`, sharing the call with concurrent requests. The new
    /// tokens are verified with `verifier`; `expected_sub` is the subject of the session being
    /// refreshed, when known.
    ///
    /// # Errors
    /// See [`RefreshError`].
    #[tracing::instrument(name = "leptos_cognito.refresh", skip_all, fields(mode = ?mode))]
    pub async fn refresh(
        &self,
        client: &CognitoClient,
        verifier: &TokenVerifier,
        refresh_token: &str,
        expected_sub: Option<&str>,
        mode: RefreshMode,
    ) -> Outcome {
        let key = key_of(refresh_token);
        let now = self.clock.now_millis();
        let ttl = RESULT_TTL.as_millis() as i64;
        let cell = {
            let mut m = match self.flights.lock() {
                Ok(m) => m,
                Err(p) => p.into_inner(),
            };
            m.retain(|_, f| now.saturating_sub(f.started_ms) < ttl && now >= f.started_ms);
            if mode == RefreshMode::Force && m.get(&key).is_some_and(|f| f.cell.initialized()) {
                m.remove(&key);
            }
            m.entry(key)
                .or_insert_with(|| Flight {
                    started_ms: now,
                    cell: Arc::new(OnceCell::new()),
                })
                .cell
                .clone()
        };
        let outcome = cell
            .get_or_init(|| async {
                self.across_replicas(client, verifier, refresh_token, mode)
                    .await
                    .map(Arc::new)
            })
            .await
            .clone();
        if outcome.as_ref().is_err_and(RefreshError::is_unavailable) {
            // Let the next request try again rather than replaying the outage.
            if let Ok(mut m) = self.flights.lock() {
                if m.get(&key).is_some_and(|f| Arc::ptr_eq(&f.cell, &cell)) {
                    m.remove(&key);
                }
            }
        }
        let refreshed = outcome?;
        if let Some(sub) = expected_sub {
            if refreshed.access.subject() != sub {
                return Err(RefreshError::Invalid(VerifyError::SubjectMismatch));
            }
        }
        // A logout may have revoked the session while this refresh was in flight.
        if let Some(id) = refreshed.access.session_id() {
            if verifier.revocations().is_revoked(id) {
                return Err(RefreshError::Invalid(VerifyError::Revoked));
            }
        }
        Ok(refreshed)
    }

    /// Calls the token endpoint (counted) and verifies the answer.
    async fn call_cognito(
        &self,
        client: &CognitoClient,
        verifier: &TokenVerifier,
        refresh_token: &str,
    ) -> Result<Refreshed, RefreshError> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        let result = match call_token_endpoint(client, refresh_token).await {
            Ok(tokens) => verified(verifier, tokens, refresh_token).await,
            Err(e) => Err(e),
        };
        match &result {
            Ok(r) => tracing::info!(rotated = r.rotated, "session refreshed"),
            Err(e) => tracing::info!(outcome = e.outcome(), "refresh failed"),
        }
        crate::telemetry::refresh(result.as_ref().map_or_else(RefreshError::outcome, |_| "ok"));
        result
    }
}

async fn call_token_endpoint(
    client: &CognitoClient,
    refresh_token: &str,
) -> Result<TokenResponse, RefreshError> {
    client.refresh(refresh_token).await.map_err(|e| {
        if e.is_invalid_grant() {
            RefreshError::Rejected(e)
        } else {
            if e.is_configuration_problem() {
                tracing::error!(error = %e, "the token endpoint refused our app client: check AWS_COGNITO_USER_POOL_CLIENT_ID / _SECRET and the client's allowed flows; sessions are kept");
            }
            RefreshError::Unavailable(e)
        }
    })
}

/// Verifies tokens minted for a refresh of `refresh_token` (by this replica or another one).
async fn verified(
    verifier: &TokenVerifier,
    tokens: TokenResponse,
    refresh_token: &str,
) -> Result<Refreshed, RefreshError> {
    let access = verifier
        .verify_access_uncached(&tokens.access_token)
        .await
        .map_err(RefreshError::Invalid)?;
    let id = match &tokens.id_token {
        Some(t) => {
            let id = verifier
                .verify_id(t, None)
                .await
                .map_err(RefreshError::Invalid)?;
            if id.subject() != access.subject() {
                return Err(RefreshError::Invalid(VerifyError::SubjectMismatch));
            }
            Some(id)
        }
        None => None,
    };
    let rotated = tokens
        .refresh_token
        .as_deref()
        .is_some_and(|r| r != refresh_token);
    Ok(Refreshed {
        refresh_token: tokens
            .refresh_token
            .clone()
            .unwrap_or_else(|| refresh_token.to_string()),
        access_token: tokens.access_token,
        id_token: tokens.id_token,
        rotated,
        access,
        id,
    })
}
