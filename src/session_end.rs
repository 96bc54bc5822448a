//! Ending a cookie session, for the logout route and for the session limits alike:
//!
//! 1. The session (`origin_jti`, else `jti`, of the access and ID tokens) goes on the
//!    revocation list: copies of its tokens are refused by this process, as cookies and as
//!    bearer tokens, until they (and any token a refresh in flight could mint) expire; with a
//!    shared store, by every replica too.
//! 2. The refresh token is forgotten by the refresh coordinator and revoked at
//!    `/oauth2/revoke`; a failed revoke still ends the session locally.
//! 3. Cached verification results of these tokens are forgotten; every auth cookie (and
//!    chunk, the timestamps, a few pending logins) is deleted.
//!
//! A limit reached while serving a request ends the session in the background, and only
//! for a live session: its access or ID token is authentic and not yet revoked, or its
//! refresh cookie is authentic (encrypted by this app). The same refresh token is revoked at
//! Cognito once ([`RECENT_REVOKES`] remembered), by at most [`MAX_BACKGROUND_REVOKES`] calls at a
//! time: a saved, already-ended cookie set replayed again and again costs no Cognito call.

use std::sync::{Arc, OnceLock};

use quick_cache::sync::Cache;
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;
use tower_cookies::Cookies;

use crate::{
    auth::CognitoAuth,
    verify::{TokenClaims, VerifyError},
};

/// Refresh tokens (their SHA-256) revoked in the background recently.
const RECENT_REVOKES: usize = 10_000;
/// Background revocations at Cognito in flight at once; more are skipped (and logged).
const MAX_BACKGROUND_REVOKES: usize = 16;

fn recent() -> &'static Cache<[u8; 32], ()> {
    static RECENT: OnceLock<Cache<[u8; 32], ()>> = OnceLock::new();
    RECENT.get_or_init(|| Cache::new(RECENT_REVOKES))
}

fn permits() -> &'static Arc<Semaphore> {
    static PERMITS: OnceLock<Arc<Semaphore>> = OnceLock::new();
    PERMITS.get_or_init(|| Arc::new(Semaphore::new(MAX_BACKGROUND_REVOKES)))
}

/// How long past "now + the token's lifetime" a revoked session stays on the list: covers a
/// refresh that was in flight during the logout.
const REVOCATION_MARGIN_SECS: i64 = 120;
/// The longest access-token lifetime Cognito allows (one day).
const MAX_ACCESS_TOKEN_LIFETIME_SECS: i64 = 86_400;

/// When the refresh token is revoked at Cognito.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RevokeRefresh {
    /// Before returning (the logout route: the user waits for it).
    Now,
    /// In a background task (a limit reached while serving some other request).
    InBackground,
}

/// Ends the session whose cookies `jar` holds (see the module docs).
pub(crate) async fn end_session(auth: &CognitoAuth, jar: &Cookies, revoke: RevokeRefresh) {
    let codec = auth.cookies();
    let tokens = codec.read_tokens(jar);
    let live = revoke_session(auth, tokens.access.as_deref(), tokens.id.as_deref()).await;
    if let Some(refresh) = tokens.refresh.clone() {
        auth.refresher().forget(&refresh).await;
        let key: [u8; 32] = Sha256::digest(&refresh).into();
        let revoke_at_cognito = |auth: CognitoAuth| async move {
            if let Err(e) = auth.client().revoke(&refresh).await {
                tracing::warn!(error = %e, "refresh-token revocation failed; signed out locally anyway");
            }
        };
        match revoke {
            RevokeRefresh::Now => revoke_at_cognito(auth.clone()).await,
            RevokeRefresh::InBackground => {
                let authentic = live || auth.config().refresh_cookie_encrypted();
                if authentic && recent().get(&key).is_none() {
                    match permits().clone().try_acquire_owned() {
                        Ok(permit) => {
                            recent().insert(key, ());
                            let auth = auth.clone();
                            tokio::spawn(async move {
                                revoke_at_cognito(auth).await;
                                drop(permit);
                            });
                        }
                        Err(_) => tracing::warn!(
                            "too many refresh-token revocations in flight; this one is skipped"
                        ),
                    }
                }
            }
        }
    }
    let cached: Vec<&str> = [tokens.access.as_deref(), tokens.id.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    auth.verifier().forget(&cached);
    if let Some(a) = tokens.access.as_deref() {
        auth.sessions().forget(a);
    }
    codec.clear_all(jar);
}

/// Puts the session of these tokens on the revocation list (valid or expired tokens alike:
/// only authentic ones are trusted to name a session). Returns whether an authentic token of
/// a session not revoked before was found.
async fn revoke_session(auth: &CognitoAuth, access: Option<&str>, id: Option<&str>) -> bool {
    let mut live = false;
    let verifier = auth.verifier();
    let now = auth.clock().now();
    let until = |exp: i64, iat: i64| exp.max(now + (exp - iat).max(0)) + REVOCATION_MARGIN_SECS;
    if let Some(t) = access {
        match verifier.verify_access(t).await {
            Ok(v) => {
                live = true;
                if let Some(sid) = v.session_id() {
                    auth.revoke_session(sid, until(v.exp(), v.iat())).await;
                }
            }
            // A refresh in flight may still mint tokens of this session: refuse them for as
            // long as Cognito lets an access token live.
            Err(VerifyError::Expired {
                session_id: Some(sid),
                ..
            }) => {
                live = true;
                auth.revoke_session(
                    &sid,
                    now + MAX_ACCESS_TOKEN_LIFETIME_SECS + REVOCATION_MARGIN_SECS,
                )
                .await
            }
            Err(VerifyError::Expired { .. } | VerifyError::Revoked) => {}
            Err(e) => tracing::debug!(error = %e, "access-token cookie not revocable"),
        }
    }
    if let Some(t) = id {
        match verifier.verify_id(t, None).await {
            Ok(v) => {
                live = true;
                if let Some(sid) = v.session_id() {
                    auth.revoke_session(sid, until(v.exp(), v.iat())).await;
                }
            }
            Err(e) => tracing::debug!(error = %e, "ID-token cookie not revocable"),
        }
    }
    live
}
