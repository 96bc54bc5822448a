//! `make bench` only: leptos_cognito side by side with the peers a Rust team would pick instead.
//!
//! 1. **jwt-authorizer** (latest on crates.io, built on axum 0.7): the same JSON endpoint behind
//!    its layer and behind ours, both routers served by the same axum 0.8 `serve` loop in this
//!    process, Bearer access tokens of the dev IdP, the same load driver
//!    (`benches/support/driver.rs`), alternating rounds. Warm (one token per connection, as a
//!    client keeps it) and cold (a new token on every request, caches cleared between rounds).
//! 2. **aws-jwt-verify** (AWS's verifier, Node): verification throughput of the same Cognito
//!    access tokens, each side in its own process pinned to one core (`taskset -c 0`), cold
//!    (distinct tokens) and warm (the same token again), alternating twice.
//!
//! Prints `FIGURE`/`NOTE` lines like `benches/load.rs`. Loopback only, bounded.

#[path = "../../support/driver.rs"]
mod driver;

use std::{
    path::{Path, PathBuf},
    process::Stdio,
    sync::Arc,
    time::{Duration, Instant},
};

use axum::{routing::get, Json, Router};
use leptos_cognito::{
    clock::Clock,
    dev_idp::{DevIdp, DevIdpOptions, TokenKind},
    jwks::JwksCache,
    verify::{Expectations, TokenVerifier},
    CognitoAuth, CognitoUser, Policy, RequireLayer,
};
use serde::{Deserialize, Serialize};

const POOL: &str = "us-east-1_LeptosDev";
const REGION: &str = "us-east-1";
const CONNECTIONS: usize = 16;

fn figure(name: &str, ours: f64, baseline: f64, ratio: f64, target: &str) {
    println!("FIGURE\t{name}\t{ours:.1}\t{baseline:.1}\t{ratio:.3}\t{target}");
}

fn note(text: &str) {
    println!("NOTE\t{text}");
}

/// The Cognito issuer of the dev IdP's pool, as aws-jwt-verify derives it from the pool id.
fn cognito_issuer() -> String {
    format!("https://cognito-idp.{REGION}.amazonaws.com/{POOL}")
}

#[derive(Serialize, Deserialize)]
struct TokenFile {
    user_pool_id: String,
    client_id: String,
    issuer: String,
    jwks: serde_json::Value,
    tokens: Vec<String>,
}

// ---- the endpoint, ours ----

async fn ours_me(user: CognitoUser) -> Json<serde_json::Value> {
    Json(serde_json::json!({ "sub": user.sub, "username": user.username, "groups": user.groups }))
}

// ---- the endpoint, theirs ----

#[derive(Debug, Clone, Deserialize)]
struct CognitoClaims {
    sub: String,
    username: Option<String>,
    client_id: String,
    token_use: String,
    #[serde(rename = "cognito:groups", default)]
    groups: Vec<String>,
}

async fn theirs_me(
    jwt_authorizer::JwtClaims(c): jwt_authorizer::JwtClaims<CognitoClaims>,
) -> axum07::Json<serde_json::Value> {
    axum07::Json(serde_json::json!({ "sub": c.sub, "username": c.username, "groups": c.groups }))
}

fn main() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("verify-ours") {
        return verify_ours(Path::new(&args[2]), args[3].parse().unwrap_or(3.0));
    }
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(compare(args));
}

async fn compare(args: Vec<String>) {
    let out = PathBuf::from(
        args.get(1)
            .cloned()
            .unwrap_or_else(|| "target/bench".into()),
    );
    std::fs::create_dir_all(&out).unwrap();

    let clock = Clock::system();
    let idp = DevIdp::start(DevIdpOptions {
        clock: clock.clone(),
        ..Default::default()
    })
    .await
    .expect("dev IdP");
    let client_id = idp.client().client_id;
    let issuer = cognito_issuer();
    let mint = |n: usize| -> Vec<String> {
        (0..n)
            .map(|_| {
                idp.mint(
                    TokenKind::Access,
                    "alice",
                    serde_json::json!({ "iss": issuer }),
                )
            })
            .collect()
    };
    let started = Instant::now();
    let warm_tokens = Arc::new(mint(CONNECTIONS));
    let cold_tokens = Arc::new(mint(4_000));
    note(&format!(
        "peer comparison: {} access tokens minted by the dev IdP in {:.1} s (iss = {issuer})",
        warm_tokens.len() + cold_tokens.len(),
        started.elapsed().as_secs_f64()
    ));
    let bearer = |v: &Arc<Vec<String>>| {
        Arc::new(v.iter().map(|t| format!("Bearer {t}")).collect::<Vec<_>>())
    };
    let (warm_h, cold_h) = (bearer(&warm_tokens), bearer(&cold_tokens));

    // Ours: the library's layer and guard, configured for the same issuer and JWKS.
    let config = idp
        .app_config("http://127.0.0.1:1")
        .issuer(issuer.clone())
        .jwks_url(idp.jwks_url())
        .secret_key("peer-bench-secret-key-0123456789abcdef")
        .build()
        .expect("config");
    let auth = CognitoAuth::with_clock(config, clock.clone()).expect("auth");
    let ours_app = Router::new()
        .route(
            "/me",
            get(ours_me).route_layer(RequireLayer::api(Policy::signed_in())),
        )
        .layer(auth.layer());
    // Theirs: jwt-authorizer with the same checks (issuer, client_id, token_use, exp).
    let expected_client = client_id.clone();
    let theirs_layer =
        jwt_authorizer::JwtAuthorizer::<CognitoClaims>::from_jwks_url(&idp.jwks_url())
            .validation(jwt_authorizer::Validation::new().iss(&[issuer.as_str()]))
            .check(move |c: &CognitoClaims| {
                c.client_id == expected_client && c.token_use == "access"
            })
            .build()
            .await
            .expect("jwt-authorizer");
    let theirs_layer = jwt_authorizer::IntoLayer::into_layer(theirs_layer);
    let theirs_app = axum07::Router::new()
        .route("/me", axum07::routing::get(theirs_me))
        .layer(theirs_layer);

    let ours_url = listen(ours_app).await;
    let theirs_url = listen07(theirs_app).await;
    // Both accept the same token; both refuse a tampered one.
    let probe = reqwest::Client::new();
    for url in [&ours_url, &theirs_url] {
        let ok = probe
            .get(url)
            .header("authorization", &warm_h[0])
            .send()
            .await
            .unwrap();
        assert_eq!(ok.status(), 200, "{url} accepts the token");
        let bad = probe
            .get(url)
            .header("authorization", format!("{}x", warm_h[0]))
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), 401, "{url} refuses a tampered token");
    }

    // Warm: alternating rounds, best of three each.
    let _ = driver::run(
        &ours_url,
        Some(("authorization", warm_h.clone())),
        2_000,
        200,
        CONNECTIONS,
    )
    .await;
    let _ = driver::run(
        &theirs_url,
        Some(("authorization", warm_h.clone())),
        2_000,
        200,
        CONNECTIONS,
    )
    .await;
    let (mut o, mut t) = (best(), best());
    for _ in 0..3 {
        keep(
            &mut o,
            driver::run(
                &ours_url,
                Some(("authorization", warm_h.clone())),
                20_000,
                200,
                CONNECTIONS,
            )
            .await,
        );
        keep(
            &mut t,
            driver::run(
                &theirs_url,
                Some(("authorization", warm_h.clone())),
                20_000,
                200,
                CONNECTIONS,
            )
            .await,
        );
    }
    figure(
        "vs jwt-authorizer, same token per connection (req/s)",
        o.rps,
        t.rps,
        o.rps / t.rps,
        ">= 1.0",
    );
    figure(
        "vs jwt-authorizer, p99 latency (us)",
        o.p99_us,
        t.p99_us,
        o.p99_us / t.p99_us,
        "<= 1.0",
    );
    note(&format!(
        "jwt-authorizer 0.15 warm: p50 ours {:.0} us, theirs {:.0} us; {CONNECTIONS} connections, 20000 requests per round, best of 3 alternating rounds",
        o.p50_us, t.p50_us
    ));

    // Cold: every request a token never seen (our verified-token cache cleared each round).
    let (mut o, mut t) = (best(), best());
    let n = cold_tokens.len();
    for _ in 0..2 {
        let all: Vec<&str> = cold_tokens.iter().map(String::as_str).collect();
        auth.verifier().forget(&all);
        keep(
            &mut o,
            driver::run(
                &ours_url,
                Some(("authorization", cold_h.clone())),
                n,
                200,
                CONNECTIONS,
            )
            .await,
        );
        keep(
            &mut t,
            driver::run(
                &theirs_url,
                Some(("authorization", cold_h.clone())),
                n,
                200,
                CONNECTIONS,
            )
            .await,
        );
    }
    figure(
        "vs jwt-authorizer, a new token every request (req/s)",
        o.rps,
        t.rps,
        o.rps / t.rps,
        ">= 1.0",
    );
    note(&format!("cold: {n} distinct tokens per round, best of 2 alternating rounds; p99 ours {:.0} us, theirs {:.0} us", o.p99_us, t.p99_us));

    // aws-jwt-verify, process against process, one core each.
    let jwks: serde_json::Value = probe
        .get(idp.jwks_url())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let file = out.join("peer-tokens.json");
    std::fs::write(
        &file,
        serde_json::to_vec(&TokenFile {
            user_pool_id: POOL.into(),
            client_id: client_id.clone(),
            issuer: issuer.clone(),
            jwks,
            tokens: cold_tokens.iter().take(2_000).cloned().collect(),
        })
        .unwrap(),
    )
    .unwrap();
    let node_dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../node");
    if !Path::new(node_dir)
        .join("node_modules/aws-jwt-verify")
        .exists()
    {
        note("aws-jwt-verify comparison skipped: run `npm ci` in benches/node (scripts/bench.sh does)");
        return;
    }
    let me = std::env::current_exe().unwrap();
    let file = file.canonicalize().unwrap();
    let (mut ours_cold, mut ours_warm, mut aws_cold, mut aws_warm) = (0f64, 0f64, 0f64, 0f64);
    for _ in 0..2 {
        let r = pinned(&me, &["verify-ours", file.to_str().unwrap(), "2"], None);
        ours_cold = ours_cold.max(r["cold_ops"].as_f64().unwrap());
        ours_warm = ours_warm.max(r["warm_ops"].as_f64().unwrap());
        let r = pinned(
            Path::new("node"),
            &["verify.mjs", file.to_str().unwrap(), "2"],
            Some(node_dir),
        );
        aws_cold = aws_cold.max(r["cold_ops"].as_f64().unwrap());
        aws_warm = aws_warm.max(r["warm_ops"].as_f64().unwrap());
    }
    figure(
        "vs aws-jwt-verify (Node), distinct tokens, one core each (verifications/s)",
        ours_cold,
        aws_cold,
        ours_cold / aws_cold,
        ">= 2.0",
    );
    figure(
        "vs aws-jwt-verify (Node), the same token again, one core each (verifications/s)",
        ours_warm,
        aws_warm,
        ours_warm / aws_warm,
        ">= 2.0",
    );
    note("aws-jwt-verify 5.2.1 with its JWKS preloaded (cacheJwks) and verifySync; it has no verified-token cache, ours answers the same token from its cache; each side in its own process under `taskset -c 0`, best of 2 alternating runs");
}

fn best() -> driver::Load {
    driver::Load {
        rps: 0.0,
        p50_us: 0.0,
        p99_us: f64::MAX,
        errors: 0,
    }
}

fn keep(b: &mut driver::Load, l: driver::Load) {
    assert_eq!(l.errors, 0, "load errors");
    if l.rps > b.rps {
        *b = l;
    }
}

async fn listen(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/me", listener.local_addr().unwrap());
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

/// jwt-authorizer's axum 0.7 router, served by the same axum 0.8 `serve` loop as ours.
async fn listen07(app: axum07::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/me", listener.local_addr().unwrap());
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    // Same server loop: only the response body type is converted (axum 0.7's to 0.8's).
    let service = tower::ServiceBuilder::new()
        .map_response(|r: http::Response<axum07::body::Body>| r.map(axum::body::Body::new))
        .service(app);
    tokio::spawn(async move {
        axum::serve(listener, tower::make::Shared::new(service))
            .await
            .unwrap()
    });
    url
}

/// Runs `program args` pinned to CPU 0 and parses its last stdout line as JSON.
fn pinned(program: &Path, args: &[&str], dir: Option<&str>) -> serde_json::Value {
    let mut cmd = std::process::Command::new("taskset");
    cmd.arg("-c")
        .arg("0")
        .arg(program)
        .args(args)
        .stderr(Stdio::inherit());
    if let Some(d) = dir {
        cmd.current_dir(d);
    }
    let out = cmd.output().expect("taskset runs");
    assert!(out.status.success(), "{} failed", program.display());
    let text = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(text.lines().last().unwrap_or("{}")).expect("a JSON line")
}

/// Our side of the aws-jwt-verify comparison: one thread, JWKS preloaded, the same tokens.
fn verify_ours(file: &Path, seconds: f64) {
    let input: TokenFile = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let jwks = Arc::new(JwksCache::from_static(&serde_json::to_vec(&input.jwks).unwrap()).unwrap());
    let verifier = TokenVerifier::new(Expectations::new(&input.issuer, &input.client_id), jwks);
    let tokens = &input.tokens;
    let rate = |warm: bool| -> f64 {
        rt.block_on(async {
            for t in tokens.iter().take(200) {
                verifier.verify_access_uncached(t).await.expect("valid");
            }
            let end = Instant::now() + Duration::from_secs_f64(seconds);
            let mut n = 0usize;
            let started = Instant::now();
            while Instant::now() < end {
                for _ in 0..50 {
                    if warm {
                        verifier.verify_access(&tokens[0]).await.expect("valid");
                    } else {
                        verifier
                            .verify_access_uncached(&tokens[n % tokens.len()])
                            .await
                            .expect("valid");
                    }
                    n += 1;
                }
            }
            n as f64 / started.elapsed().as_secs_f64()
        })
    };
    let cold = rate(false);
    let warm = rate(true);
    println!(
        "{}",
        serde_json::json!({ "verifier": "leptos_cognito", "cold_ops": cold, "warm_ops": warm })
    );
}
