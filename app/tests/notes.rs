//! The demo's notes, driven from outside like an attacker would: two users, each other's ids,
//! anonymous and cross-site calls, bad input, a restart, the admin view.

#[path = "../../tests/common/mod.rs"]
mod common;

use common::{Browser, SECRET};
use leptos::prelude::LeptosOptions;
use leptos_cognito::{
    dev_idp::{DevIdp, DevIdpOptions},
    CognitoAuth,
};
use leptos_cognito_demo::{notes_db::NotesDb, server::router};
use reqwest::{Method, StatusCode};
use serde_json::Value;

struct Demo {
    idp: DevIdp,
    url: String,
    notes: NotesDb,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl Demo {
    async fn start(db_url: &str) -> Self {
        let idp = DevIdp::start(DevIdpOptions::default()).await.unwrap();
        Self::start_with(idp, db_url, None).await
    }

    /// The demo on `idp`, at `listen` (a fresh port when `None`).
    async fn start_with(idp: DevIdp, db_url: &str, listen: Option<&str>) -> Self {
        let listener = tokio::net::TcpListener::bind(listen.unwrap_or("127.0.0.1:0"))
            .await
            .unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let config = idp
            .app_config(&url)
            .secret_key(SECRET)
            .refresh_flow_enabled(true)
            .build()
            .unwrap();
        let auth = CognitoAuth::new(config).unwrap();
        let notes = NotesDb::open(db_url).await.expect("notes database");
        let options = LeptosOptions::builder()
            .output_name("leptos_cognito_demo")
            .build();
        let stop = common::serve(listener, router(&auth, options, notes.clone()));
        Self {
            idp,
            url,
            notes,
            _stop: stop,
        }
    }

    async fn user(&self, name: &str) -> Browser {
        let mut b = Browser::new(&self.url);
        let p = b.sign_in(name, &format!("{name}-password"), "/").await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        b
    }
}

/// A same-origin server-function call (as the page makes it).
async fn call(b: &mut Browser, endpoint: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let origin = b.origin.clone();
    let form = fields
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let p = b
        .request(
            Method::POST,
            &format!("/api/{endpoint}"),
            &[("origin", &origin)],
            Some(form),
        )
        .await;
    if b.jar.contains_key("cognito_access_token") {
        assert_eq!(
            p.headers.get("cache-control").and_then(|v| v.to_str().ok()),
            Some("private, no-store"),
            "{endpoint}: a signed-in response is never cached"
        );
    }
    (p.status, p.body)
}

async fn list(b: &mut Browser) -> Vec<Value> {
    let (s, body) = call(b, "list_notes", &[]).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    serde_json::from_str::<Vec<Value>>(&body).unwrap()
}

async fn create(b: &mut Browser, text: &str) -> i64 {
    let (s, body) = call(b, "create_note", &[("text", text)]).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    serde_json::from_str::<Value>(&body).unwrap()["id"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn nobody_reaches_another_users_notes_by_any_id() {
    let demo = Demo::start("sqlite::memory:").await;
    let mut alice = demo.user("alice").await;
    let mut bob = demo.user("bob").await;
    let a1 = create(&mut alice, "alice's first secret").await;
    let a2 = create(&mut alice, "alice's second secret").await;
    assert_eq!(list(&mut alice).await.len(), 2);

    // Bob lists nothing, whatever he adds to the call.
    assert!(list(&mut bob).await.is_empty());
    let (s, body) = call(
        &mut bob,
        "list_notes",
        &[("owner_sub", "alice"), ("sub", "alice")],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(!body.contains("secret"), "{body}");

    // Each of alice's ids, and ids around them, are "no such note" for bob: 404, not 403.
    for id in [a1, a2, a1 - 1, a2 + 1, 0, -1, i64::MAX] {
        let (s, body) = call(&mut bob, "delete_note", &[("id", &id.to_string())]).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "id {id}: {body}");
        assert!(!body.contains("secret"));
    }
    // Malformed ids are bad requests, never a 500.
    for id in [
        "abc",
        "",
        "1.5",
        "1; DELETE FROM notes",
        "99999999999999999999999",
    ] {
        let (s, _) = call(&mut bob, "delete_note", &[("id", id)]).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "id {id:?}");
    }
    let (s, _) = call(&mut bob, "delete_note", &[]).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "missing id");

    // A note bob creates is his, whatever owner he claims.
    let (s, _) = call(
        &mut bob,
        "create_note",
        &[
            ("text", "bob's note"),
            ("owner_sub", "alice"),
            ("sub", "alice"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list(&mut alice).await.len(), 2, "alice's notes untouched");
    assert_eq!(list(&mut bob).await.len(), 1);

    // Alice deletes her own (once).
    let (s, _) = call(&mut alice, "delete_note", &[("id", &a1.to_string())]).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = call(&mut alice, "delete_note", &[("id", &a1.to_string())]).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let left = list(&mut alice).await;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["id"], a2);
}

#[tokio::test]
async fn anonymous_and_cross_site_calls_are_refused() {
    let demo = Demo::start("sqlite::memory:").await;
    let mut anon = Browser::new(&demo.url);
    for (endpoint, fields) in [
        ("list_notes", vec![]),
        ("create_note", vec![("text", "x")]),
        ("delete_note", vec![("id", "1")]),
    ] {
        let (s, _) = call(&mut anon, endpoint, &fields).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{endpoint}");
    }
    let mut alice = demo.user("alice").await;
    let id = create(&mut alice, "keep me").await;
    // A cross-site form post with alice's cookies: the layer's CSRF rule, 403. (Browsers send
    // `Origin` or `Sec-Fetch-Site` on every cross-origin POST.)
    for headers in [
        vec![("origin", "http://evil.example")],
        vec![("sec-fetch-site", "cross-site")],
        vec![
            ("sec-fetch-site", "same-site"),
            ("origin", "http://sub.127.0.0.1"),
        ],
        vec![("origin", "null")],
        vec![("referer", "http://evil.example/form")],
    ] {
        for (endpoint, field) in [
            ("create_note", ("text", "planted")),
            ("delete_note", ("id", "")),
        ] {
            let id_text = id.to_string();
            let field = if field.0 == "id" {
                ("id", id_text.as_str())
            } else {
                field
            };
            let p = alice
                .request(
                    Method::POST,
                    &format!("/api/{endpoint}"),
                    &headers,
                    Some(vec![(field.0.to_string(), field.1.to_string())]),
                )
                .await;
            assert_eq!(
                p.status,
                StatusCode::FORBIDDEN,
                "{endpoint} with {headers:?}"
            );
        }
    }
    let notes = list(&mut alice).await;
    assert_eq!(notes.len(), 1, "nothing planted, nothing deleted");
    assert_eq!(notes[0]["text"], "keep me");
}

#[tokio::test]
async fn texts_are_checked_on_the_server() {
    let demo = Demo::start("sqlite::memory:").await;
    let mut alice = demo.user("alice").await;
    let long = "é".repeat(2000);
    assert!(
        create(&mut alice, &long).await > 0,
        "2000 characters (4000 bytes) fit"
    );
    for bad in [
        String::new(),
        "   \n\t".into(),
        "é".repeat(2001),
        "a".repeat(100_000),
    ] {
        let (s, body) = call(&mut alice, "create_note", &[("text", &bad)]).await;
        assert_eq!(
            s,
            StatusCode::BAD_REQUEST,
            "{} chars: {body}",
            bad.chars().count()
        );
    }
    let (s, _) = call(&mut alice, "create_note", &[]).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "missing text");
    let html = "<script>alert(1)</script>";
    create(&mut alice, html).await;
    let notes = list(&mut alice).await;
    assert_eq!(notes.len(), 2);
    assert_eq!(
        notes[0]["text"], html,
        "stored as given (escaped when rendered)"
    );
    let page = alice.get("/notes").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains(html), "rendered escaped");
    assert!(page.body.contains("&lt;script&gt;"));
}

#[tokio::test]
async fn the_page_renders_the_users_notes_privately() {
    let demo = Demo::start("sqlite::memory:").await;
    let mut alice = demo.user("alice").await;
    create(&mut alice, "rendered on the server").await;
    let page = alice.get("/notes").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("rendered on the server"));
    assert_eq!(page.headers["cache-control"], "private, no-store");
    let mut bob = demo.user("bob").await;
    let page = bob.get("/notes").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("rendered on the server"));
    assert!(page.body.contains("No notes yet"));
    let anon = Browser::new(&demo.url).get("/notes").await;
    assert!(!anon.body.contains("rendered on the server"));
}

#[tokio::test]
async fn admins_see_counts_per_user_never_the_text() {
    let demo = Demo::start("sqlite::memory:").await;
    let mut alice = demo.user("alice").await;
    let mut bob = demo.user("bob").await;
    create(&mut bob, "bob private one").await;
    create(&mut bob, "bob private two").await;
    create(&mut alice, "alice private").await;
    let (s, body) = call(&mut alice, "admin_overview", &[]).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    let counts = v["notes_by_user"].as_array().unwrap();
    assert_eq!(
        counts[0],
        serde_json::json!({"username": "bob", "notes": 2})
    );
    assert_eq!(
        counts[1],
        serde_json::json!({"username": "alice", "notes": 1})
    );
    assert!(!body.contains("private"), "no note text: {body}");
    let (s, _) = call(&mut bob, "admin_overview", &[]).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let page = alice.get("/admin").await;
    assert!(!page.body.contains("bob private"));
}

#[tokio::test]
async fn notes_survive_a_restart() {
    let dir = std::env::temp_dir().join(format!("notes-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let db_url = format!("sqlite://{}/notes.db", dir.display());
    let idp = DevIdp::start(DevIdpOptions::default()).await.unwrap();
    let demo = Demo::start_with(idp, &db_url, None).await;
    let mut alice = demo.user("alice").await;
    create(&mut alice, "written before the restart").await;
    let Demo {
        idp,
        url,
        notes,
        _stop,
    } = demo;
    drop(_stop);
    notes.close().await;
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    // Same address, same IdP and SECRET_KEY: alice's cookies still work.
    let demo = Demo::start_with(idp, &db_url, Some(url.trim_start_matches("http://"))).await;
    let after = list(&mut alice).await;
    assert_eq!(after.len(), 1);
    assert_eq!(after[0]["text"], "written before the restart");
    drop(demo);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn metrics_are_readable_without_signing_in_and_carry_no_secrets() {
    let demo = Demo::start("sqlite::memory:").await;
    let mut alice = demo.user("alice").await;
    let token = alice.jar["cognito_access_token"].clone();
    let mut bob = demo.user("bob").await;
    let (s, _) = call(&mut bob, "admin_overview", &[]).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let mut scraper = Browser::new(&demo.url);
    let m = scraper.get("/metrics").await;
    assert_eq!(m.status, StatusCode::OK);
    assert!(m.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    for line in [
        "leptos_cognito_sign_ins_total{outcome=\"ok\"}",
        "leptos_cognito_denials_total{reason=\"forbidden\"}",
        "leptos_cognito_jwks_fetches_total{outcome=\"ok\"}",
        "leptos_cognito_verification_seconds",
        "leptos_cognito_revoked_sessions",
    ] {
        assert!(m.body.contains(line), "{line} missing from:\n{}", m.body);
    }
    for secret in [token.as_str(), SECRET, "alice", "bob", "dev-client-secret"] {
        assert!(!m.body.contains(secret), "metrics leak {secret:.12}…");
    }
    let _ = alice.get("/").await;
}

#[tokio::test]
async fn two_demo_processes_can_start_on_one_database_at_once() {
    // Replicas start together on one file: a locked database is waited for, not fatal.
    let dir = std::env::temp_dir().join(format!("notes-race-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let url = format!("sqlite://{}/notes.db", dir.display());
    let ports: Vec<u16> = (0..2)
        .map(|_| {
            std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port()
        })
        .collect();
    let _children: Vec<_> = ports
        .iter()
        .map(|p| {
            tokio::process::Command::new(env!("CARGO_BIN_EXE_leptos_cognito_demo"))
                .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{p}"))
                .env("LEPTOS_OUTPUT_NAME", "leptos_cognito_demo")
                .env("NOTES_DATABASE_URL", &url)
                .env("RUST_LOG", "error")
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .kill_on_drop(true)
                .spawn()
                .unwrap()
        })
        .collect();
    let http = reqwest::Client::new();
    for p in &ports {
        let mut up = false;
        for _ in 0..150 {
            if let Ok(r) = http
                .get(format!("http://127.0.0.1:{p}/api/me"))
                .send()
                .await
            {
                assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
                up = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(up, "the demo on port {p} started");
        // Beside it, the unprotected baseline answers anyone.
        let public = http
            .get(format!("http://127.0.0.1:{p}/api/public"))
            .send()
            .await
            .unwrap();
        assert_eq!(public.status(), StatusCode::OK);
        let v: serde_json::Value = public.json().await.unwrap();
        assert_eq!(v["sign_in_required"], false);
    }
    drop(_children);
    let _ = std::fs::remove_dir_all(&dir);
}
