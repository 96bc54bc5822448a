//! SSR cost of the auth layer (`make bench`): the demo's signed-in `/profile` behind
//! `CognitoLayer` against the same routes with the same verified user injected by a stub layer
//! (no cookie parsing, no verification, no resolver). Same process, same load driver,
//! alternating rounds; the two pages are checked to be the same HTML first (but for the
//! per-request CSP nonce and the clock in the hydration data).

#[path = "../../benches/support/driver.rs"]
mod driver;

use std::sync::{Arc, Mutex};

use axum::{extract::Request, middleware::Next, routing::get, Extension, Router};
use leptos::prelude::LeptosOptions;
use leptos_cognito::{
    dev_idp::{DevIdp, DevIdpOptions, TokenKind},
    AuthState, CognitoAuth,
};
use leptos_cognito_demo::{notes_db::NotesDb, server};
use tower::ServiceExt;

const ROUNDS: usize = 7;
const REQUESTS: usize = 6_000;

fn figure(name: &str, ours: f64, baseline: f64, ratio: f64, target: &str) {
    println!("FIGURE\t{name}\t{ours:.1}\t{baseline:.1}\t{ratio:.3}\t{target}");
}

fn note(text: &str) {
    println!("NOTE\t{text}");
}

/// Serves `app` on a free loopback port; returns its origin.
async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    url
}

/// The page without what legitimately differs per request: the CSP nonce (also carried in
/// `crossorigin`) and the clock.
fn shape(html: &str) -> String {
    let mut html = html.to_string();
    for attr in ["nonce=\"", "crossorigin=\""] {
        let mut out = String::with_capacity(html.len());
        let mut rest = html.as_str();
        while let Some(i) = rest.find(attr) {
            out.push_str(&rest[..i + attr.len()]);
            rest = &rest[i + attr.len()..];
            rest = &rest[rest.find('"').unwrap_or(rest.len())..];
        }
        out.push_str(rest);
        html = out;
    }
    html.replace(|c: char| c.is_ascii_digit(), "#")
}

async fn page(url: &str, cookie: &str) -> String {
    reqwest::Client::new()
        .get(url)
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::main]
async fn main() {
    let idp = DevIdp::start(DevIdpOptions::default()).await.unwrap();
    let config = idp
        .app_config("http://127.0.0.1:9")
        .secret_key("ssr-bench-secret-key-0123456789abcdef")
        .build()
        .unwrap();
    let auth = CognitoAuth::new(config).unwrap();
    let options = LeptosOptions::builder()
        .output_name("leptos_cognito_demo")
        .build();
    let notes = NotesDb::open("sqlite::memory:").await.unwrap();
    let cookie = format!(
        "cognito_access_token={}; cognito_id_token={}",
        idp.mint(TokenKind::Access, "alice", serde_json::json!({})),
        idp.mint(TokenKind::Id, "alice", serde_json::json!({}))
    );

    // The verified state the real layer gives this request, captured once.
    let captured: Arc<Mutex<Option<AuthState>>> = Arc::default();
    let slot = captured.clone();
    let probe = Router::new()
        .route(
            "/",
            get(move |Extension(s): Extension<AuthState>| {
                *slot.lock().unwrap() = Some(s);
                async { "ok" }
            }),
        )
        .layer(auth.layer());
    let req = Request::builder()
        .uri("/")
        .header("cookie", &cookie)
        .body(axum::body::Body::empty())
        .unwrap();
    probe.oneshot(req).await.unwrap();
    let state = captured
        .lock()
        .unwrap()
        .clone()
        .expect("the layer resolved the session");
    assert!(state.user().is_some_and(|u| u.username == "alice"));

    let real = serve(server::router(&auth, options.clone(), notes.clone())).await;
    let stub_auth = auth.clone();
    let stub = server::app(&auth, &options, notes)
        .layer(axum::middleware::from_fn(
            move |mut req: Request, next: Next| {
                req.extensions_mut().insert(stub_auth.clone());
                req.extensions_mut().insert(state.clone());
                next.run(req)
            },
        ))
        .with_state(options);
    let stub = serve(stub).await;

    let (real_page, stub_page) = (
        page(&format!("{real}/profile"), &cookie).await,
        page(&format!("{stub}/profile"), &cookie).await,
    );
    assert!(real_page.contains("data-testid=\"username\""), "signed in");
    assert_eq!(
        shape(&real_page),
        shape(&stub_page),
        "the same HTML on both sides"
    );

    // `SSR_BENCH_PROFILE=real|stub`: only load one side, for a profiler (no figure).
    if let Some(which) = std::env::var_os("SSR_BENCH_PROFILE") {
        let url = if which == "stub" { &stub } else { &real };
        for _ in 0..10 {
            let _ = driver::load(&format!("{url}/profile"), Some(&cookie), 20_000, 200).await;
        }
        return;
    }
    let _ = driver::load(&format!("{real}/profile"), Some(&cookie), 1_000, 200).await;
    // The stub gets the same request bytes (the cookies, which it ignores): only the auth
    // work differs.
    let _ = driver::load(&format!("{stub}/profile"), Some(&cookie), 1_000, 200).await;
    let (mut ours, mut base) = (
        driver::Load {
            rps: 0.0,
            p50_us: 0.0,
            p99_us: 0.0,
            errors: 0,
        },
        0f64,
    );
    let mut base_p99 = 0f64;
    for _ in 0..ROUNDS {
        let r = driver::load(&format!("{real}/profile"), Some(&cookie), REQUESTS, 200).await;
        let s = driver::load(&format!("{stub}/profile"), Some(&cookie), REQUESTS, 200).await;
        assert_eq!(r.errors + s.errors, 0);
        if r.rps > ours.rps {
            ours = r;
        }
        if s.rps > base {
            base = s.rps;
            base_p99 = s.p99_us;
        }
    }
    figure(
        "SSR /profile signed in: real layer vs the same user injected by a stub layer (req/s)",
        ours.rps,
        base,
        ours.rps / base,
        ">= 0.95",
    );
    note(&format!(
        "SSR /profile p99: {:.0} us with the layer, {:.0} us with the stub ({} connections, best of {ROUNDS} x {REQUESTS})",
        ours.p99_us,
        base_p99,
        driver::CONCURRENCY
    ));
}
