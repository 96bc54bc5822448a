//! [`RedisStore`]: the shared store on Redis or Valkey (feature `redis`), through redis-rs's
//! auto-reconnecting [`ConnectionManager`] (one multiplexed connection) and one pub/sub
//! connection per subscription.
//!
//! Keys, under a namespace derived from the issuer and the app client (so several apps can share
//! one Redis):
//!
//! | key | type | what |
//! |---|---|---|
//! | `{ns}:refresh:{<session key>}:lock` | string, `PX` | the replica refreshing this token |
//! | `{ns}:refresh:{<session key>}:outcome` | string, `PX` | its sealed outcome |
//! | `{ns}:revoked` | sorted set | session id → until (score) |
//! | `{ns}:revocations` | channel | revocations as JSON `{"id","until"}` |
//!
//! The two keys of one refresh share a hash tag (`{…}`), so the Lua scripts that touch both
//! run on one Redis Cluster slot.

use std::{
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

use futures_util::StreamExt;
use redis::{
    aio::{ConnectionManager, ConnectionManagerConfig},
    Script,
};

use super::{Claim, Revocation, RevocationStream, SharedStore, StoreError, StoreFuture};

/// Most revocations kept in the sorted set (the latest-expiring win).
const MAX_REVOCATIONS: usize = 100_000;

/// Returns the outcome if asked for and present (and of a sane size: tokens are a few KB),
/// else takes the lock if free.
const CLAIM: &str = r"
if ARGV[3] == '1' then
  local o = redis.call('GET', KEYS[1])
  if o and string.len(o) <= 65536 then return 'O' .. o end
end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return 'W' end
return 'B'
";

/// If the caller still holds the lock: stores the outcome (if any) and releases the lock. A
/// caller that lost it (expired, or deleted by a logout) writes nothing.
const FINISH: &str = r"
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
if ARGV[2] ~= '' then redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
redis.call('DEL', KEYS[2])
return 1
";

/// A [`SharedStore`] on Redis (or Valkey).
///
/// Built lazily: no connection is made until the first call, so an app starts while Redis is
/// down and connects when it comes up.
///
/// # Example
/// ```no_run
/// # async fn f() -> Result<(), leptos_cognito::store::StoreError> {
/// use std::time::Duration;
/// use leptos_cognito::store::{RedisStore, SharedStore};
/// let store = RedisStore::open("redis://127.0.0.1:6379/0", "my-app", Duration::from_millis(250))?;
/// store.ping().await?;
/// # Ok(()) }
/// ```
pub struct RedisStore {
    client: redis::Client,
    conn: ConnectionManager,
    ns: String,
    round_trips: AtomicU64,
    claim: Script,
    finish: Script,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the URL: it may hold a password.
        f.debug_struct("RedisStore")
            .field("namespace", &self.ns)
            .finish_non_exhaustive()
    }
}

fn unreachable(e: redis::RedisError) -> StoreError {
    StoreError::Unreachable(format!("{:?}: {}", e.kind(), e.detail().unwrap_or("")))
}

impl RedisStore {
    /// A store at `url` (`redis://` or `rediss://`, optional credentials and database), its
    /// keys under `namespace`, every connection attempt and response bounded by `timeout`.
    /// Must be called inside a Tokio runtime.
    ///
    /// # Errors
    /// [`StoreError::Unreachable`] when the URL cannot be used (the message never repeats it).
    pub fn open(url: &str, namespace: &str, timeout: Duration) -> Result<Self, StoreError> {
        if url.starts_with("rediss:") && rustls::crypto::CryptoProvider::get_default().is_none() {
            // Several rustls providers may be compiled in; pick one rather than panic.
            let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        }
        let client = redis::Client::open(url).map_err(|e| {
            StoreError::Unreachable(format!("the Redis URL cannot be used ({:?})", e.kind()))
        })?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(timeout))
            .set_response_timeout(Some(timeout))
            .set_number_of_retries(1)
            .set_min_delay(Duration::from_millis(50))
            .set_max_delay(Duration::from_millis(500));
        let conn =
            ConnectionManager::new_lazy_with_config(client.clone(), config).map_err(unreachable)?;
        Ok(Self {
            client,
            conn,
            ns: namespace.to_string(),
            round_trips: AtomicU64::new(0),
            claim: Script::new(CLAIM),
            finish: Script::new(FINISH),
        })
    }

    fn refresh_keys(&self, key: &str) -> (String, String) {
        (
            format!("{}:refresh:{{{key}}}:outcome", self.ns),
            format!("{}:refresh:{{{key}}}:lock", self.ns),
        )
    }

    fn revoked_key(&self) -> String {
        format!("{}:revoked", self.ns)
    }

    fn channel(&self) -> String {
        format!("{}:revocations", self.ns)
    }

    fn conn(&self) -> ConnectionManager {
        self.round_trips.fetch_add(1, Ordering::Relaxed);
        self.conn.clone()
    }
}

fn millis(d: Duration) -> u64 {
    d.as_millis().clamp(1, u64::MAX as u128) as u64
}

impl SharedStore for RedisStore {
    fn engine(&self) -> &'static str {
        "redis"
    }

    fn claim_refresh<'a>(
        &'a self,
        key: &'a str,
        owner: &'a str,
        lock_ttl: Duration,
        take_outcome: bool,
    ) -> StoreFuture<'a, Claim> {
        Box::pin(async move {
            let (outcome, lock) = self.refresh_keys(key);
            let reply: Vec<u8> = self
                .claim
                .key(outcome)
                .key(lock)
                .arg(owner)
                .arg(millis(lock_ttl))
                .arg(if take_outcome { "1" } else { "0" })
                .invoke_async(&mut self.conn())
                .await
                .map_err(unreachable)?;
            match reply.split_first() {
                Some((b'O', o)) => Ok(Claim::Outcome(o.to_vec())),
                Some((b'W', [])) => Ok(Claim::Won),
                Some((b'B', [])) => Ok(Claim::Busy),
                _ => Err(StoreError::Protocol("unexpected claim reply".into())),
            }
        })
    }

    fn finish_refresh<'a>(
        &'a self,
        key: &'a str,
        owner: &'a str,
        outcome: Option<&'a [u8]>,
        ttl: Duration,
    ) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let (outcome_key, lock) = self.refresh_keys(key);
            let _: i64 = self
                .finish
                .key(outcome_key)
                .key(lock)
                .arg(owner)
                .arg(outcome.unwrap_or_default())
                .arg(millis(ttl))
                .invoke_async(&mut self.conn())
                .await
                .map_err(unreachable)?;
            Ok(())
        })
    }

    fn forget_refresh<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let (outcome, lock) = self.refresh_keys(key);
            let _: i64 = redis::cmd("DEL")
                .arg(outcome)
                .arg(lock)
                .query_async(&mut self.conn())
                .await
                .map_err(unreachable)?;
            Ok(())
        })
    }

    fn revoke<'a>(&'a self, revocation: &'a Revocation, now: i64) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            if !revocation.is_valid() {
                return Err(StoreError::Protocol("malformed revocation".into()));
            }
            let message = serde_json::to_string(revocation)
                .map_err(|e| StoreError::Protocol(e.to_string()))?;
            let set = self.revoked_key();
            redis::pipe()
                .cmd("ZADD")
                .arg(&set)
                .arg("GT")
                .arg(revocation.until)
                .arg(&revocation.id)
                .ignore()
                .cmd("ZREMRANGEBYSCORE")
                .arg(&set)
                .arg("-inf")
                .arg(now)
                .ignore()
                .cmd("ZREMRANGEBYRANK")
                .arg(&set)
                .arg(0)
                .arg(-(MAX_REVOCATIONS as i64) - 1)
                .ignore()
                .cmd("PUBLISH")
                .arg(self.channel())
                .arg(message)
                .ignore()
                .query_async::<()>(&mut self.conn())
                .await
                .map_err(unreachable)
        })
    }

    fn revocations(&self, now: i64, limit: usize) -> StoreFuture<'_, Vec<Revocation>> {
        Box::pin(async move {
            let rows: Vec<(Vec<u8>, f64)> = redis::cmd("ZRANGE")
                .arg(self.revoked_key())
                .arg("+inf")
                .arg(format!("({now}"))
                .arg("BYSCORE")
                .arg("REV")
                .arg("LIMIT")
                .arg(0)
                .arg(limit)
                .arg("WITHSCORES")
                .query_async(&mut self.conn())
                .await
                .map_err(unreachable)?;
            // Members that are not UTF-8 (never written by the library) are skipped, not fatal.
            Ok(rows
                .into_iter()
                .filter_map(|(id, until)| {
                    Some(Revocation {
                        id: String::from_utf8(id).ok()?,
                        until: until as i64,
                    })
                })
                .filter(Revocation::is_valid)
                .collect())
        })
    }

    fn subscribe(&self) -> StoreFuture<'_, RevocationStream> {
        Box::pin(async move {
            self.round_trips.fetch_add(1, Ordering::Relaxed);
            let mut pubsub = self.client.get_async_pubsub().await.map_err(unreachable)?;
            pubsub
                .subscribe(self.channel())
                .await
                .map_err(unreachable)?;
            let stream = pubsub
                .into_on_message()
                .filter_map(|msg| {
                    let r = serde_json::from_slice::<Revocation>(msg.get_payload_bytes())
                        .ok()
                        .filter(Revocation::is_valid);
                    if r.is_none() {
                        tracing::warn!("ignored a malformed message on the revocation channel");
                    }
                    std::future::ready(r)
                })
                .boxed();
            Ok(stream as RevocationStream)
        })
    }

    fn ping(&self) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            let _: String = redis::cmd("PING")
                .query_async(&mut self.conn())
                .await
                .map_err(unreachable)?;
            Ok(())
        })
    }

    fn round_trips(&self) -> u64 {
        self.round_trips.load(Ordering::Relaxed)
    }
}
