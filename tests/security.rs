//! Security round 2: each test pins one fix of the white-box review and fails without it.
//! Driven over loopback against the dev IdP, like a browser or an attacker would.

mod common;

use axum::{
    response::IntoResponse,
    routing::{get, post},
    Router,
};
use common::{count, AppOptions, Browser, TestApp};
use leptos::prelude::*;
use leptos_cognito::{dev_idp::TokenKind, Policy};
use reqwest::{Method, StatusCode};
use serde_json::json;

const ACCESS: &str = "cognito_access_token";
const ID: &str = "cognito_id_token";
const REFRESH: &str = "cognito_refresh_token";

/// Any signed-in user; changes state (so CSRF matters).
#[server(prefix = "/api", endpoint = "save_note")]
pub async fn save_note() -> Result<String, ServerFnError> {
    let who = leptos_cognito::require(&Policy::signed_in()).await?;
    Ok(who.user().map(|u| u.username.clone()).unwrap_or_default())
}

async fn cacheable() -> impl IntoResponse {
    ([("cache-control", "public, max-age=60")], "static bytes")
}

fn routes(r: Router) -> Router {
    r.route("/api/{*fn_name}", post(leptos_axum::handle_server_fns))
        .route("/auth/refresh", post(leptos_axum::handle_server_fns))
        .route("/static.txt", get(cacheable))
}

async fn app_with(options: AppOptions) -> TestApp {
    TestApp::start(AppOptions {
        routes: Box::new(routes),
        ..options
    })
    .await
}

// ---- 2. CSRF for everything cookie-authenticated ----

#[tokio::test]
async fn cross_origin_cookie_posts_are_refused_same_origin_ones_pass() {
    let app = app_with(AppOptions::default()).await;
    let mut alice = app.browser();
    alice.sign_in("alice", "alice-password", "/").await;
    let own = app.url.clone();
    let other_port = {
        let u = url::Url::parse(&app.url).unwrap();
        format!("http://127.0.0.1:{}", u.port().unwrap() + 1)
    };
    let refused: Vec<Vec<(&str, &str)>> = vec![
        vec![("origin", "https://evil.example")],
        vec![("origin", "null")],
        vec![("origin", &other_port)],
        vec![
            ("origin", "http://localhost"),
            ("sec-fetch-site", "same-site"),
        ],
        vec![("sec-fetch-site", "cross-site")],
        vec![
            ("sec-fetch-site", "same-site"),
            ("referer", "https://evil.example/x"),
        ],
        vec![("referer", "https://evil.example/form")],
    ];
    for headers in &refused {
        let r = alice.post("/api/save_note", headers).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{headers:?}: {}", r.body);
        assert!(r.body.contains("cross_origin"), "{}", r.body);
    }
    for headers in [
        vec![("sec-fetch-site", "same-origin")],
        vec![("origin", own.as_str())],
        vec![("referer", &format!("{own}/profile"))],
    ] {
        let r = alice.post("/api/save_note", &headers).await;
        assert_eq!(r.status, StatusCode::OK, "{headers:?}: {}", r.body);
        assert!(r.body.contains("alice"));
    }
    // The library's own endpoints too: cross-site logout and refresh change nothing.
    let jar = alice.jar.clone();
    let r = alice
        .post("/auth/logout", &[("origin", "https://evil.example")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.headers["x-frame-options"], "DENY");
    let r = alice
        .post("/auth/refresh", &[("origin", "https://evil.example")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(alice.jar, jar, "cookies untouched");
    assert!(alice.last_set_cookies.is_empty());
    assert_eq!(alice.get("/api/me").await.status, StatusCode::OK);
}

#[tokio::test]
async fn bearer_requests_are_not_ambient_and_pass_from_any_origin() {
    let app = app_with(AppOptions::default()).await;
    let token = app.idp.mint(TokenKind::Access, "bob", json!({}));
    let mut client = Browser::new(&app.url);
    let auth = format!("Bearer {token}");
    let r = client
        .post(
            "/api/save_note",
            &[
                ("authorization", &auth),
                ("origin", "https://elsewhere.example"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("bob"));
}

#[tokio::test]
async fn allow_listed_origins_pass_the_csrf_check() {
    let app = app_with(AppOptions {
        tweak: Box::new(|b| b.allowed_origins(["https://admin.example"])),
        ..Default::default()
    })
    .await;
    let mut alice = app.browser();
    alice.sign_in("alice", "alice-password", "/").await;
    let ok = alice
        .post(
            "/api/save_note",
            &[
                ("origin", "https://admin.example"),
                ("sec-fetch-site", "same-site"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let no = alice
        .post("/api/save_note", &[("origin", "https://other.example")])
        .await;
    assert_eq!(no.status, StatusCode::FORBIDDEN);
}

// ---- 3. No shared caching of private responses ----

#[tokio::test]
async fn private_responses_are_no_store_and_vary_on_cookie() {
    let app = app_with(AppOptions::default()).await;
    let mut anon = app.browser();
    let home = anon.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(vary_cookie(&home), "{:?}", home.headers);
    assert!(
        !home.headers.contains_key("cache-control"),
        "an anonymous public page stays cacheable"
    );
    let s = anon.get("/static.txt").await;
    assert_eq!(s.headers["cache-control"], "public, max-age=60");
    assert!(!vary_cookie(&s));

    let mut alice = app.browser();
    alice.sign_in("alice", "alice-password", "/").await;
    for path in ["/", "/api/me", "/private"] {
        let p = alice.get(path).await;
        assert_eq!(p.status, StatusCode::OK, "{path}");
        assert_eq!(p.headers["cache-control"], "private, no-store", "{path}");
        assert!(vary_cookie(&p), "{path}");
    }
    let p = alice.post("/api/save_note", &[]).await;
    assert_eq!(p.headers["cache-control"], "private, no-store");
    // Static content does not depend on the user: it keeps its caching headers.
    let s = alice.get("/static.txt").await;
    assert_eq!(s.headers["cache-control"], "public, max-age=60");
    // Refusals are never cached either.
    let mut bob = app.browser();
    bob.sign_in("bob", "bob-password", "/").await;
    let denied = bob.get("/admin").await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    assert_eq!(denied.headers["cache-control"], "private, no-store");
}

fn vary_cookie(p: &common::Page) -> bool {
    p.headers
        .get_all("vary")
        .iter()
        .any(|v| v.to_str().unwrap().to_ascii_lowercase().contains("cookie"))
}

// ---- 4. Ambiguous cookies ----

#[tokio::test]
async fn a_planted_duplicate_cookie_never_yields_the_planted_session() {
    let app = app_with(AppOptions::default()).await;
    let mut alice = app.browser();
    alice.sign_in("alice", "alice-password", "/").await;
    let mut bob = app.browser();
    bob.sign_in("bob", "bob-password", "/").await;
    let (a, b) = (alice.jar[ACCESS].clone(), bob.jar[ACCESS].clone());
    for (first, second) in [(&a, &b), (&b, &a), (&b, &b)] {
        let mut victim = Browser::new(&app.url);
        let cookie = format!("{ACCESS}={first}; {ACCESS}={second}");
        let me = victim
            .request(Method::GET, "/api/me", &[("cookie", &cookie)], None)
            .await;
        assert_eq!(me.status, StatusCode::UNAUTHORIZED, "{}", me.body);
        assert!(
            victim.last_set_cookies.is_empty(),
            "the genuine cookies are not cleared by a planted one"
        );
    }
    // A copy under a percent-encoded spelling of the name is the same cookie to the cookie
    // jar (it decodes names), so it is a duplicate too: it never wins over the genuine one.
    for encoded in ["cognito%5Faccess%5Ftoken", "%63ognito_access_token"] {
        for cookie in [
            format!("{ACCESS}={a}; {encoded}={b}"),
            format!("{encoded}={b}; {ACCESS}={a}"),
        ] {
            let mut victim = Browser::new(&app.url);
            let me = victim
                .request(Method::GET, "/api/me", &[("cookie", &cookie)], None)
                .await;
            assert_eq!(
                me.status,
                StatusCode::UNAUTHORIZED,
                "{encoded}: {}",
                me.body
            );
            assert!(victim.last_set_cookies.is_empty());
        }
    }
    // A duplicated chunk or ID cookie is ambiguous too.
    let mut victim = Browser::new(&app.url);
    let cookie = format!("{ACCESS}={a}; {ID}=x; {ID}=y");
    let me = victim
        .request(Method::GET, "/api/me", &[("cookie", &cookie)], None)
        .await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED);
    // Alice's own, single cookies still work.
    assert_eq!(alice.get("/api/me").await.status, StatusCode::OK);
}

#[tokio::test]
async fn host_prefixed_names_are_written_and_legacy_names_still_read() {
    use leptos_cognito::config::CookieNaming;
    let app = app_with(AppOptions {
        refresh: true,
        tweak: Box::new(|b| {
            b.cookie_naming(CookieNaming::HostPrefixed)
                .cookie_secure(true)
        }),
        ..Default::default()
    })
    .await;
    app.idp.set_lifetimes(300, 300);
    let mut alice = app.browser();
    alice.sign_in("alice", "alice-password", "/").await;
    let host = |n: &str| format!("__Host-{n}");
    for n in [ACCESS, ID, REFRESH] {
        assert!(alice.has(&host(n)), "{n}: {:?}", alice.jar.keys());
        assert!(!alice.has(n));
    }
    assert!(alice
        .last_set_cookies
        .iter()
        .filter(|c| c.starts_with("__Host-"))
        .all(|c| c.contains("Secure") && c.contains("Path=/") && !c.contains("Domain")));
    assert_eq!(alice.get("/api/me").await.status, StatusCode::OK);

    // A session signed in under the legacy names (before the switch) keeps working, and its
    // next refresh moves it to the new names.
    let mut migrated = Browser::new(&app.url);
    for n in [ACCESS, ID, REFRESH] {
        migrated
            .jar
            .insert(n.to_string(), alice.jar[&host(n)].clone());
    }
    assert_eq!(migrated.get("/api/me").await.status, StatusCode::OK);
    app.clock.advance(301);
    assert_eq!(migrated.get("/api/me").await.status, StatusCode::OK);
    for n in [ACCESS, ID, REFRESH] {
        assert!(
            migrated.has(&host(n)) && !migrated.has(n),
            "{:?}",
            migrated.jar.keys()
        );
    }
    // A duplicated __Host- name is ambiguous too.
    let a = migrated.jar[&host(ACCESS)].clone();
    let cookie = format!("{0}={a}; {0}={a}", host(ACCESS));
    let p = Browser::new(&app.url)
        .request(Method::GET, "/api/me", &[("cookie", &cookie)], None)
        .await;
    assert_eq!(p.status, StatusCode::UNAUTHORIZED);
    // A percent-encoded spelling of a __Host- name escapes the browser's __Host- rules (they
    // look at the raw name), so a sibling subdomain could plant one: it is never used, even
    // alone (no session fixation through it).
    let cookie = format!("%5F%5FHost-{ACCESS}={a}");
    let p = Browser::new(&app.url)
        .request(Method::GET, "/api/me", &[("cookie", &cookie)], None)
        .await;
    assert_eq!(p.status, StatusCode::UNAUTHORIZED);
    // Logout clears both generations of names.
    migrated.logout().await;
    assert!(
        migrated.jar.keys().all(|k| !k.contains("cognito_")),
        "{:?}",
        migrated.jar
    );
}

// ---- 5. Bounded work per request ----

#[tokio::test]
async fn thousands_of_cookies_get_a_bounded_answer() {
    let app = app_with(AppOptions::default()).await;
    let many: String = (0..2000)
        .map(|i| format!("cognito_login_{i:016x}=v{i}; junk{i}=x"))
        .collect::<Vec<_>>()
        .join("; ");
    for path in [
        "/auth/login?return_to=/x",
        "/auth/callback?code=c&state=s",
        "/api/me",
        "/",
    ] {
        let mut b = Browser::new(&app.url);
        let p = b
            .request(Method::GET, path, &[("cookie", &many)], None)
            .await;
        assert!(p.status.as_u16() < 500, "{path}: {}", p.status);
        assert!(
            b.last_set_cookies.len() <= 6,
            "{path}: {} Set-Cookie lines",
            b.last_set_cookies.len()
        );
    }
}

// ---- 6. Only a real refusal signs a user out ----

async fn alice_expired() -> (TestApp, Browser) {
    let app = app_with(AppOptions::refreshing()).await;
    app.idp.set_lifetimes(300, 300);
    let mut b = app.browser();
    b.sign_in("alice", "alice-password", "/").await;
    app.clock.advance(600);
    (app, b)
}

#[tokio::test]
async fn configuration_and_transport_errors_keep_the_session() {
    use leptos_cognito::dev_idp::Failure;
    for failure in [
        Failure::OAuth("invalid_client".into()),
        Failure::OAuth("unauthorized_client".into()),
        Failure::OAuth("invalid_request".into()),
        Failure::Status(500),
        Failure::Status(502),
        Failure::NonJson,
        Failure::Delay(std::time::Duration::from_secs(3)),
    ] {
        let (app, mut b) = alice_expired().await;
        let jar = b.jar.clone();
        app.idp.fail_token_endpoint(failure.clone(), true);
        let p = b.get("/api/me").await;
        assert_eq!(p.status, StatusCode::SERVICE_UNAVAILABLE, "{failure:?}");
        assert_eq!(p.headers["retry-after"], "5");
        assert_eq!(b.jar, jar, "{failure:?}: every cookie kept");
        app.idp.clear_failures();
        assert_eq!(b.get("/api/me").await.status, StatusCode::OK, "{failure:?}");
    }
    // The real refusal: invalid_grant.
    let (app, mut b) = alice_expired().await;
    app.idp
        .fail_token_endpoint(Failure::OAuth("invalid_grant".into()), true);
    assert_eq!(b.get("/api/me").await.status, StatusCode::UNAUTHORIZED);
    assert!(!b.has(ACCESS) && !b.has(REFRESH));
}

#[tokio::test]
async fn forged_kids_arming_the_cool_down_cannot_sign_a_user_out() {
    let app = app_with(AppOptions {
        refresh: true,
        // A long cool-down, so the whole scenario happens inside it.
        tweak: Box::new(|b| b.jwks_cooldown(std::time::Duration::from_secs(60))),
        ..Default::default()
    })
    .await;
    app.idp.set_lifetimes(300, 300);
    let mut b = app.browser();
    b.sign_in("alice", "alice-password", "/").await;
    app.clock.advance(301);
    // An attacker sprays forged kids: one re-fetch, then the cool-down is armed.
    for i in 0..5 {
        let forged = app.idp.sign_raw(
            json!({"alg": "RS256", "kid": format!("forged-{i}")}),
            json!({"sub": "x"}),
        );
        let auth = format!("Bearer {forged}");
        let r = Browser::new(&app.url)
            .request(Method::GET, "/api/me", &[("authorization", &auth)], None)
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    // Keys rotate at the IdP: alice's refreshed tokens carry a kid the app cannot fetch yet.
    app.idp.rotate_keys(false);
    let jar = b.jar.clone();
    let p = b.get("/api/me").await;
    assert_eq!(p.status, StatusCode::SERVICE_UNAVAILABLE, "{}", p.body);
    assert_eq!(
        b.jar, jar,
        "every cookie kept, the refresh cookie above all"
    );
    // Once the cool-down is over the new key is fetched and alice is back.
    app.clock.advance(61);
    assert_eq!(b.get("/api/me").await.status, StatusCode::OK);
}

// ---- 7. Revocation-aware verification ----

#[tokio::test]
async fn after_logout_copied_tokens_are_refused_as_cookies_and_bearer() {
    let app = app_with(AppOptions::refreshing()).await;
    let mut alice = app.browser();
    alice.sign_in("alice", "alice-password", "/").await;
    let mut thief = Browser::new(&app.url);
    thief.jar = alice.jar.clone();
    let access = alice.jar[ACCESS].clone();
    assert_eq!(thief.get("/api/me").await.status, StatusCode::OK);
    alice.logout().await;
    assert_eq!(app.auth.stats().revoked_sessions, 1);
    let mut copy = Browser::new(&app.url);
    copy.jar.insert(ACCESS.into(), access.clone());
    copy.jar.insert(ID.into(), thief.jar[ID].clone());
    assert_eq!(copy.get("/api/me").await.status, StatusCode::UNAUTHORIZED);
    let bearer = format!("Bearer {access}");
    let r = Browser::new(&app.url)
        .request(Method::GET, "/api/me", &[("authorization", &bearer)], None)
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.headers["www-authenticate"]
        .to_str()
        .unwrap()
        .contains("invalid_token"));
    // The thief's refresh cookie was revoked at the IdP: no way back in.
    app.clock.advance(4000);
    assert_eq!(thief.get("/api/me").await.status, StatusCode::UNAUTHORIZED);
    // Alice can sign in again: a new session is not affected.
    alice.sign_in("alice", "alice-password", "/").await;
    assert_eq!(alice.get("/api/me").await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_refresh_racing_the_logout_cannot_bring_the_session_back() {
    // The logout's revoke did not reach Cognito (here: the tab that signed out had no refresh
    // cookie), so Cognito still honours the refresh token when a copy races the logout.
    let app = app_with(AppOptions::refreshing()).await;
    app.idp.set_lifetimes(300, 300);
    let mut alice = app.browser();
    alice.sign_in("alice", "alice-password", "/").await;
    let mut racer = Browser::new(&app.url);
    racer.jar = alice.jar.clone();
    alice.jar.remove(REFRESH);
    app.clock.advance(301);
    alice.logout().await;
    assert_eq!(
        count(&app.idp.counters().revocations),
        0,
        "Cognito was not told"
    );
    // The racer's refresh succeeds at the IdP, with the same origin_jti: refused here.
    let p = racer.get("/api/me").await;
    assert_eq!(count(&app.idp.counters().refreshes), 1);
    assert_eq!(p.status, StatusCode::UNAUTHORIZED, "{}", p.body);
    assert!(!racer.has(ACCESS) && !racer.has(REFRESH), "signed out");
}

// ---- 12. Framing and error text ----

#[tokio::test]
async fn library_pages_are_not_frameable_and_callbacks_do_not_echo_forged_text() {
    let app = app_with(AppOptions::default()).await;
    let mut b = app.browser();
    let confirm = b.get("/auth/logout").await;
    let csp = confirm.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(confirm.headers["x-frame-options"], "DENY");

    // Two pending logins (two tabs).
    let first = b.start_login("/one").await;
    b.start_login("/two").await;
    let pending: Vec<String> = b
        .jar
        .keys()
        .filter(|k| k.starts_with("cognito_login_"))
        .cloned()
        .collect();
    assert_eq!(pending.len(), 2);
    let forged =
        "/auth/callback?error=access_denied&error_description=Call+0800-SCAM+now&state=forged";
    let p = b.get(forged).await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST);
    assert!(!p.body.contains("SCAM"), "{}", p.body);
    assert_eq!(p.headers["x-frame-options"], "DENY");
    for name in &pending {
        assert!(
            b.has(name),
            "other tabs' pending logins survive a forged callback"
        );
    }
    // The genuine tab still completes its sign-in.
    let callback = b
        .submit_credentials(&first, "alice", "alice-password")
        .await;
    let done = b.get(&callback).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.location.as_deref(), Some("/one"));
    // With the right state, the provider's own error is described.
    let second = b.start_login("/x").await;
    let state = common::state_param(&second);
    let p = b
        .get(&format!(
            "/auth/callback?error=access_denied&error_description=User+cancelled&state={state}"
        ))
        .await;
    assert_eq!(p.status, StatusCode::UNAUTHORIZED);
    assert!(p.body.contains("User cancelled"));
}

// ---- 13. The dev IdP fallback ----

#[tokio::test]
async fn the_dev_idp_only_stands_in_on_loopback() {
    use leptos_cognito::dev_idp::cognito_or_dev_idp;
    use std::collections::HashMap;
    let public: std::net::SocketAddr = "0.0.0.0:3000".parse().unwrap();
    let err = cognito_or_dev_idp(public, HashMap::new())
        .await
        .unwrap_err();
    assert!(err.contains("AWS_COGNITO_USER_POOL_ID"), "{err}");
    let blank = HashMap::from([("AWS_COGNITO_USER_POOL_ID".to_string(), "  ".to_string())]);
    let err = cognito_or_dev_idp("10.1.2.3:80".parse().unwrap(), blank)
        .await
        .unwrap_err();
    assert!(err.contains("blank"), "{err}");
    let (_, idp) = cognito_or_dev_idp("127.0.0.1:3999".parse().unwrap(), HashMap::new())
        .await
        .unwrap();
    assert!(idp.is_some());
    let explicit = HashMap::from([("AWS_COGNITO_DEV_IDP".to_string(), "true".to_string())]);
    let (_, idp) = cognito_or_dev_idp(public, explicit).await.unwrap();
    assert!(idp.is_some());
}
