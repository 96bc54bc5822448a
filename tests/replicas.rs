//! Several replicas sharing a real `redis-server`: two app instances behind one round-robin
//! proxy (one origin), the dev IdP they both trust, and a Redis each test starts on a free
//! loopback port and stops. Also the store contract, run against Redis and the in-memory store.

mod common;

use std::{
    collections::HashSet,
    net::TcpListener as StdListener,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use axum::{body::Body, extract::Request, response::Response, Router};
use common::{count, serve, Browser, SECRET};
use leptos_cognito::{
    clock::Clock,
    config::CognitoConfig,
    dev_idp::{DevIdp, DevIdpOptions},
    store::{Claim, MemoryStore, RedisStore, Revocation, SharedStore},
    CognitoAuth,
};
use reqwest::StatusCode;

const ACCESS: &str = "cognito_access_token";
const REFRESH: &str = "cognito_refresh_token";

// ---------- a real redis-server ----------

struct Redis {
    port: u16,
    child: Option<tokio::process::Child>,
}

/// A free loopback port *below* the kernel's ephemeral range. A port taken from
/// `bind(0)` and released is in that range, so while Redis is down another test's
/// listener, or a reconnecting client's own outgoing socket (a TCP self-connect to
/// the closed port), can take it before `redis-server` binds it.
fn free_port() -> u16 {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let low = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u16>().ok())
        .unwrap_or(32768);
    let (first, span) = (10_000u16, low.saturating_sub(10_000).max(1000));
    let seed = u64::from(std::process::id()) * 7919
        + std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos() as u64;
    for _ in 0..1000 {
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        let port = first + ((seed + n * 104_729) % u64::from(span)) as u16;
        if StdListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no free loopback port below {low}");
}

impl Redis {
    /// A port for a Redis that is not running yet.
    fn stopped() -> Self {
        Self {
            port: free_port(),
            child: None,
        }
    }

    async fn start() -> Self {
        let mut r = Self::stopped();
        r.run().await;
        r
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }

    /// Starts (or restarts) the server on this port and waits until it answers.
    async fn run(&mut self) {
        let child = tokio::process::Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("redis-server must be installed (`make tools` installs Debian's redis-server)");
        self.child = Some(child);
        let store = RedisStore::open(&self.url(), "probe", Duration::from_millis(200)).unwrap();
        for _ in 0..100 {
            if store.ping().await.is_ok() {
                return;
            }
            if let Some(status) = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                panic!(
                    "redis-server exited ({status}) before answering on port {}",
                    self.port
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("redis-server did not start on port {}", self.port);
    }

    async fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill().await;
            let _ = c.wait().await;
        }
    }
}

// ---------- two replicas behind one origin ----------

struct Replicas {
    idp: DevIdp,
    clock: Clock,
    config: CognitoConfig,
    auths: Vec<CognitoAuth>,
    urls: Vec<String>,
    /// The proxy's origin: the app's public origin.
    url: String,
    hits: Arc<Vec<AtomicU64>>,
    _servers: Vec<StopOnDrop>,
}

async fn replica(config: &CognitoConfig, clock: &Clock) -> (CognitoAuth, String, StopOnDrop) {
    let auth = CognitoAuth::with_clock(config.clone(), clock.clone()).expect("setup");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let stop = serve(listener, common::app_routes(&auth).layer(auth.layer()));
    (auth, url, StopOnDrop(Some(stop)))
}

struct StopOnDrop(Option<tokio::sync::oneshot::Sender<()>>);
impl Drop for StopOnDrop {
    fn drop(&mut self) {
        if let Some(s) = self.0.take() {
            let _ = s.send(());
        }
    }
}

/// Round robin over `backends`, forwarding method, path, headers and body as they are.
fn proxy(backends: Vec<String>, hits: Arc<Vec<AtomicU64>>) -> Router {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let next = Arc::new(AtomicU64::new(0));
    Router::new().fallback(move |req: Request| {
        let (client, backends, hits, next) =
            (client.clone(), backends.clone(), hits.clone(), next.clone());
        async move {
            let i = (next.fetch_add(1, Ordering::SeqCst) % backends.len() as u64) as usize;
            hits[i].fetch_add(1, Ordering::SeqCst);
            let (parts, body) = req.into_parts();
            let path = parts
                .uri
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/");
            let body = axum::body::to_bytes(body, 1 << 20).await.unwrap();
            let mut out = client.request(parts.method, format!("{}{path}", backends[i]));
            for (k, v) in parts.headers.iter() {
                if k != http::header::HOST {
                    out = out.header(k, v);
                }
            }
            let res = out.body(body).send().await.unwrap();
            let mut resp = Response::builder().status(res.status());
            for (k, v) in res.headers() {
                resp = resp.header(k, v);
            }
            resp.body(Body::from(res.bytes().await.unwrap())).unwrap()
        }
    })
}

impl Replicas {
    async fn start(redis_url: &str, rotation: bool) -> Self {
        let r = Self::start_unchecked(redis_url).await;
        r.idp.set_lifetimes(300, 300);
        r.idp.set_refresh_rotation(rotation);
        r.wait_until_shared().await;
        r
    }

    fn browser(&self) -> Browser {
        Browser::new(&self.url)
    }

    /// A browser that talks to replica `i` directly, with `jar`.
    fn direct(&self, i: usize, jar: &Browser) -> Browser {
        let mut b = Browser::new(&self.urls[i]);
        b.jar = jar.jar.clone();
        b
    }

    fn refresh_calls(&self) -> u64 {
        self.auths.iter().map(|a| a.stats().refresh_calls).sum()
    }

    async fn wait_until_shared(&self) {
        wait_for("both replicas connected to the store", || {
            self.auths.iter().all(|a| !a.stats().store.degraded)
        })
        .await;
    }
}

async fn wait_for(what: &str, ok: impl Fn() -> bool) {
    for _ in 0..200 {
        if ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting: {what}");
}

async fn signed_in(r: &Replicas, user: &str) -> Browser {
    let mut b = r.browser();
    let p = b.sign_in(user, &format!("{user}-password"), "/").await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert!(b.has(ACCESS) && b.has(REFRESH));
    b
}

/// `n` concurrent `GET /api/me` through the proxy with `b`'s cookies: statuses and the access
/// and refresh cookies each response left.
async fn burst(b: &Browser, n: usize) -> Vec<(StatusCode, Option<String>, Option<String>)> {
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let mut t = b.clone();
            tokio::spawn(async move {
                let p = t.get("/api/me").await;
                (
                    p.status,
                    t.jar.get(ACCESS).cloned(),
                    t.jar.get(REFRESH).cloned(),
                )
            })
        })
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

// ---------- the replica behaviours ----------

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_requests_after_expiry_make_one_refresh_across_replicas() {
    let redis = Redis::start().await;
    let r = Replicas::start(&redis.url(), false).await;
    let b = signed_in(&r, "alice").await;
    let old_access = b.jar[ACCESS].clone();
    r.clock.advance(600);
    let before = [count(&r.hits[0]), count(&r.hits[1])];
    let results = burst(&b, 20).await;
    assert!(
        count(&r.hits[0]) - before[0] >= 5 && count(&r.hits[1]) - before[1] >= 5,
        "the requests were split over both replicas"
    );
    let mut access = HashSet::new();
    for (status, a, _) in &results {
        assert_eq!(*status, StatusCode::OK);
        access.insert(a.clone().unwrap());
    }
    assert_eq!(
        count(&r.idp.counters().refreshes),
        1,
        "exactly one refresh call at Cognito"
    );
    assert_eq!(r.refresh_calls(), 1, "and the replicas agree");
    assert_eq!(access.len(), 1, "every request got the same new tokens");
    assert!(!access.contains(&old_access));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn with_rotation_every_replica_hands_back_the_successor_and_the_next_cycle_works() {
    let redis = Redis::start().await;
    let r = Replicas::start(&redis.url(), true).await;
    let b = signed_in(&r, "alice").await;
    // The cookie is Fernet-encrypted (a fresh IV each time): compare the tokens inside.
    let crypto = leptos_cognito::cookies::RefreshCrypto::from_secret(SECRET);
    let plain = |c: &str| crypto.decrypt(c).expect("an authentic refresh cookie");
    let old_refresh = plain(&b.jar[REFRESH]);
    // Cycle 1.
    r.clock.advance(600);
    let results = burst(&b, 20).await;
    let refresh: HashSet<_> = results
        .iter()
        .map(|(_, _, rt)| plain(rt.as_deref().unwrap()))
        .collect();
    assert!(
        results.iter().all(|(s, _, _)| *s == StatusCode::OK),
        "{results:?}"
    );
    assert_eq!(count(&r.idp.counters().refreshes), 1);
    assert_eq!(refresh.len(), 1, "one successor refresh token for everyone");
    assert!(!refresh.contains(&old_refresh), "rotated");
    // Late requests still carrying the rotated-out token, on either replica, get the
    // successor too (no second call with a dead token, nobody signed out).
    for i in 0..2 {
        let mut late = r.direct(i, &b);
        let p = late.get("/api/me").await;
        assert_eq!(p.status, StatusCode::OK, "replica {i}: {}", p.body);
        assert!(refresh.contains(&plain(&late.jar[REFRESH])));
    }
    assert_eq!(count(&r.idp.counters().refreshes), 1);
    // Cycle 2 with the successor.
    let mut next = b.clone();
    next.jar
        .insert(REFRESH.into(), results[0].2.clone().unwrap());
    next.jar
        .insert(ACCESS.into(), results[0].1.clone().unwrap());
    r.clock.advance(600);
    let results = burst(&next, 20).await;
    assert!(
        results.iter().all(|(s, _, _)| *s == StatusCode::OK),
        "{results:?}"
    );
    assert_eq!(count(&r.idp.counters().refreshes), 2, "one call per cycle");
    assert_eq!(r.refresh_calls(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn logout_on_one_replica_is_refused_on_the_other_within_100_ms() {
    let redis = Redis::start().await;
    let r = Replicas::start(&redis.url(), false).await;
    let b = signed_in(&r, "alice").await;
    let copy = b.clone();
    let bearer = format!("Bearer {}", b.jar[ACCESS]);
    // Steady state: verified once per replica, then no store round trip per request.
    for i in 0..2 {
        assert_eq!(
            r.direct(i, &copy).get("/api/me").await.status,
            StatusCode::OK
        );
    }
    let calls: Vec<u64> = r
        .auths
        .iter()
        .map(|a| a.stats().store.request_calls)
        .collect();
    for _ in 0..10 {
        for i in 0..2 {
            assert_eq!(
                r.direct(i, &copy).get("/api/me").await.status,
                StatusCode::OK
            );
        }
    }
    let after: Vec<u64> = r
        .auths
        .iter()
        .map(|a| a.stats().store.request_calls)
        .collect();
    assert_eq!(
        calls, after,
        "no store call on the steady-state request path"
    );

    let mut on_a = r.direct(0, &b);
    let p = on_a.post("/auth/logout", &[("origin", &r.url)]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let start = Instant::now();
    let mut on_b = r.direct(1, &copy);
    loop {
        if on_b.get("/api/me").await.status == StatusCode::UNAUTHORIZED {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_millis(100),
            "replica B still accepts the session 100 ms after the logout on A"
        );
        on_b = r.direct(1, &copy);
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    for i in 0..2 {
        let p = Browser::new(&r.urls[i])
            .request(
                reqwest::Method::GET,
                "/api/me",
                &[("authorization", &bearer)],
                None,
            )
            .await;
        assert_eq!(
            p.status,
            StatusCode::UNAUTHORIZED,
            "bearer copy on replica {i}"
        );
    }
    // A replica started after the logout loads the list from the store.
    let (late, late_url, _stop) = replica(&r.config, &r.clock).await;
    wait_for("the late replica loaded the revocations", || {
        late.stats().revoked_sessions >= 1
    })
    .await;
    let mut on_late = Browser::new(&late_url);
    on_late.jar = copy.jar.clone();
    assert_eq!(
        on_late.get("/api/me").await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn redis_stopped_mid_run_degrades_and_recovers() {
    let mut redis = Redis::start().await;
    let r = Replicas::start(&redis.url(), false).await;
    let alice = signed_in(&r, "alice").await;
    redis.stop().await;
    // Signed-in users keep being served by both replicas.
    for i in 0..2 {
        for _ in 0..3 {
            let p = r.direct(i, &alice).get("/api/me").await;
            assert_eq!(
                p.status,
                StatusCode::OK,
                "replica {i} with Redis down: {}",
                p.body
            );
        }
    }
    wait_for("the replicas report the store degraded", || {
        r.auths.iter().all(|a| a.stats().store.degraded)
    })
    .await;
    // Refresh falls back to each replica's own single flight.
    r.clock.advance(600);
    let results = burst(&alice, 10).await;
    assert!(
        results.iter().all(|(s, _, _)| *s == StatusCode::OK),
        "{results:?}"
    );
    assert!(
        count(&r.idp.counters().refreshes) <= 2,
        "at most one per replica"
    );
    // Sign-in and logout keep working; the logout is refused at once where it happened.
    let bob = signed_in(&r, "bob").await;
    let bob_copy = bob.clone();
    let mut on_a = r.direct(0, &bob);
    assert_eq!(
        on_a.post("/auth/logout", &[("origin", &r.url)])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        r.direct(0, &bob_copy).get("/api/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert!(
        r.auths[0].stats().store.pending_revocations >= 1,
        "kept for later"
    );
    // Redis comes back: the replicas reconnect by themselves, the revocation made during the
    // outage reaches the other replica.
    redis.run().await;
    r.wait_until_shared().await;
    wait_for("the pending revocation is written", || {
        r.auths[0].stats().store.pending_revocations == 0
    })
    .await;
    let start = Instant::now();
    while r.direct(1, &bob_copy).get("/api/me").await.status != StatusCode::UNAUTHORIZED {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "bob's session reaches replica B"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Alice, refreshed during the outage, is still signed in on both.
    let mut refreshed = alice.clone();
    refreshed
        .jar
        .insert(ACCESS.into(), results[0].1.clone().unwrap());
    for i in 0..2 {
        assert_eq!(
            r.direct(i, &refreshed).get("/api/me").await.status,
            StatusCode::OK
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_app_starts_while_redis_is_down_and_connects_when_it_comes_up() {
    let mut redis = Redis::stopped();
    let r = Replicas::start_unchecked(&redis.url()).await;
    assert!(r.auths.iter().all(|a| a.stats().store.shared));
    let alice = signed_in(&r, "alice").await;
    assert_eq!(
        r.direct(1, &alice).get("/api/me").await.status,
        StatusCode::OK
    );
    redis.run().await;
    r.wait_until_shared().await;
    let copy = alice.clone();
    let mut on_b = r.direct(1, &alice);
    assert_eq!(
        on_b.post("/auth/logout", &[("origin", &r.url)])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let start = Instant::now();
    while r.direct(0, &copy).get("/api/me").await.status != StatusCode::UNAUTHORIZED {
        assert!(start.elapsed() < Duration::from_secs(2));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

impl Replicas {
    /// Like [`start`](Self::start) without waiting for the store (it may be down).
    async fn start_unchecked(redis_url: &str) -> Self {
        let clock = Clock::system();
        let idp = DevIdp::start(DevIdpOptions {
            clock: clock.clone(),
            ..Default::default()
        })
        .await
        .unwrap();
        let front = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", front.local_addr().unwrap());
        let config = idp
            .app_config(&url)
            .secret_key(SECRET)
            .refresh_flow_enabled(true)
            .http_timeout(Duration::from_millis(1500))
            .redis_url(redis_url)
            .redis_timeout(Duration::from_millis(200))
            .build()
            .unwrap();
        let mut auths = Vec::new();
        let mut urls = Vec::new();
        let mut stops = Vec::new();
        for _ in 0..2 {
            let (auth, u, stop) = replica(&config, &clock).await;
            auths.push(auth);
            urls.push(u);
            stops.push(stop);
        }
        let hits = Arc::new(vec![AtomicU64::new(0), AtomicU64::new(0)]);
        stops.push(StopOnDrop(Some(serve(
            front,
            proxy(urls.clone(), hits.clone()),
        ))));
        Self {
            idp,
            clock,
            config,
            auths,
            urls,
            url,
            hits,
            _servers: stops,
        }
    }
}

// ---------- the store contract, on both engines ----------

async fn contract(store: &dyn SharedStore) {
    let ttl = Duration::from_millis(300);
    assert_eq!(
        store.claim_refresh("k1", "a", ttl, true).await,
        Ok(Claim::Won)
    );
    assert_eq!(
        store.claim_refresh("k1", "b", ttl, true).await,
        Ok(Claim::Busy)
    );
    // The winner dies: its lock expires and another replica takes over.
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        store.claim_refresh("k1", "b", ttl, true).await,
        Ok(Claim::Won)
    );
    // A stale owner (its lock expired, b took over) writes nothing and leaves b's lock.
    store
        .finish_refresh("k1", "a", Some(b"sealed-1"), Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(
        store.claim_refresh("k1", "c", ttl, true).await,
        Ok(Claim::Busy),
        "no outcome from a, b still holds the lock"
    );
    store
        .finish_refresh("k1", "b", Some(b"sealed-2"), Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(
        store.claim_refresh("k1", "c", ttl, true).await,
        Ok(Claim::Outcome(b"sealed-2".to_vec()))
    );
    store.forget_refresh("k1").await.unwrap();
    assert_eq!(
        store.claim_refresh("k1", "c", ttl, true).await,
        Ok(Claim::Won)
    );
    // A logout (forget) during a refresh in flight: the lock goes too, so the late outcome is
    // never published.
    assert_eq!(
        store.claim_refresh("k3", "w", ttl, true).await,
        Ok(Claim::Won)
    );
    store.forget_refresh("k3").await.unwrap();
    store
        .finish_refresh("k3", "w", Some(b"late"), Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(
        store.claim_refresh("k3", "v", ttl, true).await,
        Ok(Claim::Won)
    );
    // Outcomes expire.
    assert_eq!(
        store.claim_refresh("k2", "x", ttl, true).await,
        Ok(Claim::Won)
    );
    store
        .finish_refresh("k2", "x", Some(b"short"), Duration::from_millis(100))
        .await
        .unwrap();
    assert_eq!(
        store.claim_refresh("k2", "y", ttl, true).await,
        Ok(Claim::Outcome(b"short".to_vec()))
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        store.claim_refresh("k2", "y", ttl, true).await,
        Ok(Claim::Won)
    );

    // Revocations: announced, kept until they expire, latest-expiring first, the later
    // deadline wins, malformed ones refused.
    let mut sub = store.subscribe().await.unwrap();
    let now = 1_000_000;
    let r = |id: &str, until| Revocation {
        id: id.into(),
        until,
    };
    store.revoke(&r("s1", now + 100), now).await.unwrap();
    store.revoke(&r("s2", now + 50), now).await.unwrap();
    store.revoke(&r("s1", now + 10), now).await.unwrap();
    store.revoke(&r("old", now - 1), now).await.unwrap();
    use futures_util::StreamExt;
    let first = tokio::time::timeout(Duration::from_secs(2), sub.next())
        .await
        .expect("announced")
        .unwrap();
    assert_eq!(first, r("s1", now + 100));
    let all = store.revocations(now, 10).await.unwrap();
    assert_eq!(all, vec![r("s1", now + 100), r("s2", now + 50)]);
    assert_eq!(store.revocations(now, 1).await.unwrap().len(), 1);
    assert_eq!(
        store.revocations(now + 60, 10).await.unwrap(),
        vec![r("s1", now + 100)]
    );
    for bad in [
        r("", now + 5),
        r(&"x".repeat(300), now + 5),
        r("a b", now + 5),
    ] {
        assert!(store.revoke(&bad, now).await.is_err(), "{bad:?} refused");
    }
    store.ping().await.unwrap();
    assert!(store.round_trips() > 10);
}

#[tokio::test]
async fn the_store_contract_holds_on_redis_and_in_memory() {
    let redis = Redis::start().await;
    let on_redis = RedisStore::open(&redis.url(), "contract", Duration::from_millis(500)).unwrap();
    contract(&on_redis).await;
    contract(&MemoryStore::shared()).await;
}

#[tokio::test]
async fn garbage_on_the_revocation_channel_is_ignored() {
    let redis = Redis::start().await;
    let store = RedisStore::open(&redis.url(), "garbage", Duration::from_millis(500)).unwrap();
    let mut sub = store.subscribe().await.unwrap();
    let raw = redis::Client::open(redis.url()).unwrap();
    let mut conn = raw.get_multiplexed_async_connection().await.unwrap();
    for junk in [
        "",
        "{",
        "null",
        "{\"id\":\"\",\"until\":5}",
        "{\"id\":1}",
        "\u{0}\u{1}",
    ] {
        let _: i64 = redis::cmd("PUBLISH")
            .arg("garbage:revocations")
            .arg(junk)
            .query_async(&mut conn)
            .await
            .unwrap();
    }
    store
        .revoke(
            &Revocation {
                id: "good".into(),
                until: i64::MAX / 2,
            },
            0,
        )
        .await
        .unwrap();
    use futures_util::StreamExt;
    let got = tokio::time::timeout(Duration::from_secs(2), sub.next())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        got.id, "good",
        "malformed messages are skipped, the stream goes on"
    );
}

#[tokio::test]
async fn the_redis_url_is_a_secret_and_is_checked() {
    let redis = Redis::stopped();
    let b = || {
        CognitoConfig::builder()
            .region("eu-west-1")
            .user_pool_id("eu-west-1_abc")
            .client_id("c")
            .domain("https://auth.example.com")
            .redirect_url("https://a.example/auth/callback")
            .logout_url("https://a.example/")
            .secret_key("0123456789abcdef0123456789abcdef")
    };
    let c = b()
        .redis_url(format!(
            "redis://:hunter2-password@127.0.0.1:{}/3",
            redis.port
        ))
        .build()
        .unwrap();
    assert!(!format!("{c:?}").contains("hunter2"), "not in Debug");
    let auth = CognitoAuth::new(c).expect("starts with Redis down");
    assert!(!format!("{auth:?}").contains("hunter2"));
    for bad in [
        "http://127.0.0.1:6379",
        "redis://",
        "not a url",
        "redis:///0",
    ] {
        let e = b().redis_url(format!("{bad}#hunter2")).build().unwrap_err();
        let text = e.to_string();
        assert!(text.contains("AWS_COGNITO_REDIS_URL"), "{text}");
        assert!(
            !text.contains("hunter2"),
            "the value is never repeated: {text}"
        );
    }
    // Unset or blank: a private in-memory store, exactly as without the feature.
    let plain = CognitoAuth::new(b().redis_url("  ").build().unwrap()).unwrap();
    assert!(!plain.stats().store.shared);
    assert_eq!(plain.stats().store.engine, "memory");
}
