//! Server functions guarded by a policy answer 401/403 with those HTTP statuses, for cookie
//! and bearer credentials; the refresh server function refreshes; disabled mode lets all pass.

mod common;

use axum::{routing::post, Router};
use common::{count, AppOptions, Browser, TestApp};
use leptos::prelude::*;
use leptos_cognito::Policy;
use reqwest::StatusCode;

/// Admins only.
#[server(prefix = "/api", endpoint = "admin_only")]
pub async fn admin_only() -> Result<String, ServerFnError> {
    let who = leptos_cognito::require(&Policy::groups(["admins"])).await?;
    Ok(match who {
        leptos_cognito::Authorized::User(u) => u.username,
        _ => "authorization disabled".into(),
    })
}

fn with_server_fns(r: Router) -> Router {
    r.route("/api/{*fn_name}", post(leptos_axum::handle_server_fns))
        .route("/auth/refresh", post(leptos_axum::handle_server_fns))
        .route("/auth/user", post(leptos_axum::handle_server_fns))
}

#[tokio::test]
async fn guarded_server_function_answers_401_403_200() {
    let app = TestApp::start(AppOptions {
        routes: Box::new(with_server_fns),
        ..Default::default()
    })
    .await;
    let mut anon = app.browser();
    let r = anon.post("/api/admin_only", &[]).await;
    assert_eq!(
        r.status,
        StatusCode::UNAUTHORIZED,
        "{} {:?}",
        r.body,
        r.headers
    );
    assert!(r.headers["www-authenticate"]
        .to_str()
        .unwrap()
        .starts_with("Bearer"));

    let mut bob = app.browser();
    bob.sign_in("bob", "bob-password", "/").await;
    assert_eq!(
        bob.post("/api/admin_only", &[]).await.status,
        StatusCode::FORBIDDEN
    );

    let mut alice = app.browser();
    alice.sign_in("alice", "alice-password", "/").await;
    let r = alice.post("/api/admin_only", &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("alice"));

    // Bearer credentials, no cookies.
    for (who, expected) in [(&bob, StatusCode::FORBIDDEN), (&alice, StatusCode::OK)] {
        let auth = format!("Bearer {}", who.jar["cognito_access_token"]);
        let mut api = Browser::new(&app.url);
        assert_eq!(
            api.post("/api/admin_only", &[("authorization", &auth)])
                .await
                .status,
            expected
        );
    }
    let mut api = Browser::new(&app.url);
    let r = api
        .post(
            "/api/admin_only",
            &[("authorization", "Bearer forged.token.here")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.headers["www-authenticate"]
        .to_str()
        .unwrap()
        .contains("invalid_token"));
}

#[tokio::test]
async fn disabled_mode_lets_every_policy_pass() {
    let app = TestApp::start(AppOptions {
        routes: Box::new(with_server_fns),
        tweak: Box::new(|b| b.disabled(true)),
        ..Default::default()
    })
    .await;
    let mut anon = app.browser();
    let r = anon.post("/api/admin_only", &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("authorization disabled"), "{}", r.body);
    assert_eq!(anon.get("/admin").await.status, StatusCode::OK);
    // Login still works when authorization is disabled.
    let mut bob = app.browser();
    assert_eq!(
        bob.sign_in("bob", "bob-password", "/").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        bob.post("/api/admin_only", &[]).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn refresh_server_function_refreshes_now() {
    let app = TestApp::start(AppOptions {
        routes: Box::new(with_server_fns),
        refresh: true,
        ..Default::default()
    })
    .await;
    let mut b = app.browser();
    b.sign_in("alice", "alice-password", "/").await;
    let before = b.jar["cognito_access_token"].clone();
    app.clock.advance(5);
    let origin = b.origin.clone();
    let r = b.post("/auth/refresh", &[("origin", &origin)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("alice"));
    assert_eq!(r.headers["cache-control"], "private, no-store");
    assert_ne!(b.jar["cognito_access_token"], before);
    assert_eq!(count(&app.idp.counters().refreshes), 1);
    // Cross-site calls are refused.
    let r = b
        .post("/auth/refresh", &[("origin", "https://evil.example")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Revoked at the IdP: 401 and signed out.
    app.idp.revoke_user_sessions("alice");
    app.clock.advance(5);
    let r = b.post("/auth/refresh", &[("origin", &origin)]).await;
    assert_eq!(
        r.status,
        StatusCode::UNAUTHORIZED,
        "{} refreshes={}",
        r.body,
        count(&app.idp.counters().refreshes)
    );
    assert!(!b.has("cognito_access_token") && !b.has("cognito_refresh_token"));
    // The current-user server function.
    let mut anon = app.browser();
    let r = anon.post("/auth/user", &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body, "null");
}
