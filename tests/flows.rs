//! The whole code flow against the in-process dev IdP, driven like a browser, and the ways it
//! must fail.

mod common;

use std::time::Duration;

use common::{count, AppOptions, Browser, TestApp};
use leptos_cognito::dev_idp::Failure;
use reqwest::{Method, StatusCode};

const ACCESS: &str = "cognito_access_token";
const ID: &str = "cognito_id_token";
const REFRESH: &str = "cognito_refresh_token";

fn token_cookies_set(b: &Browser) -> bool {
    b.last_set_cookies
        .iter()
        .any(|c| c.starts_with("cognito_access_token=eyJ") || c.starts_with("cognito_id_token=eyJ"))
}

fn login_cookie_cleared(b: &Browser) -> bool {
    b.last_set_cookies
        .iter()
        .any(|c| c.starts_with("cognito_login_") && c.contains("Max-Age=0"))
        && !b.jar.keys().any(|k| k.starts_with("cognito_login_"))
}

#[tokio::test]
async fn alice_signs_in_sees_protected_pages_and_signs_out() {
    let app = TestApp::start(AppOptions::refreshing()).await;
    let mut b = app.browser();

    let done = b.sign_in("alice", "alice-password", "/private?tab=1").await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.location.as_deref(), Some("/private?tab=1"));
    assert_eq!(done.headers["cache-control"], "private, no-store");
    assert!(b.has(ACCESS) && b.has(ID) && b.has(REFRESH));
    for line in &b.last_set_cookies {
        assert!(line.contains("HttpOnly"), "{line}");
        assert!(
            line.contains("SameSite=Lax") && line.contains("Path=/"),
            "{line}"
        );
        assert!(line.len() < 4096);
    }
    assert!(
        !b.jar.keys().any(|k| k.starts_with("cognito_login_")),
        "login state deleted"
    );

    let page = b.get("/private?tab=1").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body, "private page of alice");
    common::assert_me_is_alice(&mut b).await;
    assert_eq!(b.get("/admin").await.status, StatusCode::OK);

    let out = b.logout().await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let location = out.location.unwrap();
    assert!(
        location.starts_with(&format!("{}/logout?client_id=", app.idp.url())),
        "{location}"
    );
    assert!(location.contains(&format!(
        "logout_uri={}",
        urlencode(&format!("{}/", app.url))
    )));
    assert_eq!(
        count(&app.idp.counters().revocations),
        1,
        "refresh token revoked"
    );
    for name in [ACCESS, ID, REFRESH] {
        assert!(!b.has(name), "{name} cleared");
        assert!(b
            .last_set_cookies
            .iter()
            .any(|c| c.starts_with(&format!("{name}=;")) && c.contains("Path=/")));
    }
    // The IdP's /logout sends the browser back to the registered sign-out URL.
    let back = b.get(&location).await;
    assert_eq!(
        back.location.as_deref(),
        Some(format!("{}/", app.url).as_str())
    );
    let me = b.get("/api/me").await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED);
    assert!(me.headers["www-authenticate"]
        .to_str()
        .unwrap()
        .starts_with("Bearer"));
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test]
async fn bob_is_forbidden_on_an_admins_only_route() {
    let app = TestApp::start(AppOptions::default()).await;
    let mut b = app.browser();
    b.sign_in("bob", "bob-password", "/").await;
    let admin = b.get("/admin").await;
    assert_eq!(admin.status, StatusCode::FORBIDDEN);
    assert!(admin.body.contains("Access denied"));
    let me = b.get("/api/me").await;
    assert_eq!(me.status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&me.body).unwrap();
    assert_eq!(json["groups"], serde_json::json!([]));
}

#[tokio::test]
async fn signed_out_pages_redirect_to_login_and_apis_answer_401() {
    let app = TestApp::start(AppOptions::default()).await;
    let mut b = app.browser();
    let p = b.get("/private?x=1").await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(
        p.location.as_deref(),
        Some("/auth/login?return_to=%2Fprivate%3Fx%3D1")
    );
    let api = b.get("/api/me").await;
    assert_eq!(api.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        api.headers["www-authenticate"],
        r#"Bearer realm="leptos_cognito""#
    );
    assert_eq!(b.get("/").await.body, "home: signed out");
}

#[tokio::test]
async fn login_request_is_pkce_s256_with_state_and_nonce() {
    let app = TestApp::start(AppOptions {
        tweak: Box::new(|b| b.scopes(["openid", "email"])),
        ..Default::default()
    })
    .await;
    let mut b = app.browser();
    let authorize = b.start_login("/").await;
    let url = url::Url::parse(&authorize).unwrap();
    let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(url.path(), "/oauth2/authorize");
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["client_id"], app.idp.client().client_id);
    assert_eq!(q["redirect_uri"], format!("{}/auth/callback", app.url));
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(q["code_challenge"].len(), 43);
    assert_eq!(q["state"].len(), 43);
    assert_eq!(q["nonce"].len(), 43);
    assert_eq!(q["scope"], "openid email");
    // The login state is in an encrypted cookie: nothing of it is readable.
    let (name, value) = b
        .jar
        .iter()
        .find(|(k, _)| k.starts_with("cognito_login_"))
        .unwrap();
    assert!(
        !value.contains(&q["state"]) && !value.contains(&q["nonce"]),
        "{name}"
    );
    let line = b
        .last_set_cookies
        .iter()
        .find(|l| l.starts_with(name.as_str()))
        .unwrap();
    assert!(
        line.contains("HttpOnly") && line.contains("SameSite=Lax") && line.contains("Max-Age=600")
    );
}

#[tokio::test]
async fn wrong_state_is_refused_without_calling_the_token_endpoint() {
    let app = TestApp::start(AppOptions::default()).await;
    let mut b = app.browser();
    let authorize = b.start_login("/private").await;
    let callback = b
        .submit_credentials(&authorize, "alice", "alice-password")
        .await;
    let mut url = url::Url::parse(&callback).unwrap();
    let code = url
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    url.query_pairs_mut()
        .clear()
        .append_pair("code", &code)
        .append_pair("state", "forged-state");
    let p = b.get(url.as_str()).await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST);
    assert!(p.body.contains("did not match"), "{}", p.body);
    assert_eq!(
        count(&app.idp.counters().code_exchanges),
        0,
        "no token call on a wrong state"
    );
    assert!(!token_cookies_set(&b) && !b.has(ACCESS));
    assert!(
        b.jar.keys().any(|k| k.starts_with("cognito_login_")),
        "a forged state cannot cancel the pending login of this browser"
    );
}

#[tokio::test]
async fn missing_or_replayed_login_state_is_refused() {
    let app = TestApp::start(AppOptions::default()).await;
    let mut b = app.browser();
    let authorize = b.start_login("/").await;
    let callback = b
        .submit_credentials(&authorize, "alice", "alice-password")
        .await;
    let before = b.clone();
    assert_eq!(b.get(&callback).await.status, StatusCode::SEE_OTHER);

    // Same callback again from the signed-in browser: the login state was single-use.
    let again = b.get(&callback).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert!(again.body.contains("expired or was already used"));

    // Replayed with the old login-state cookie: the code is single-use at the IdP.
    let mut replay = before;
    let r = replay.get(&callback).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(!token_cookies_set(&replay));
    assert!(login_cookie_cleared(&replay));

    // No cookie at all (another browser).
    let mut other = Browser::new(&app.url);
    let p = other.get(&callback).await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST);
    assert!(!token_cookies_set(&other));
}

#[tokio::test]
async fn expired_login_state_is_refused() {
    let app = TestApp::start(AppOptions::default()).await;
    let mut b = app.browser();
    let authorize = b.start_login("/").await;
    let callback = b
        .submit_credentials(&authorize, "alice", "alice-password")
        .await;
    app.clock.advance(601);
    let p = b.get(&callback).await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST);
    assert_eq!(count(&app.idp.counters().code_exchanges), 0);
    assert!(login_cookie_cleared(&b));
}

#[tokio::test]
async fn provider_errors_are_shown_escaped_with_a_4xx() {
    let app = TestApp::start(AppOptions::default()).await;
    let mut b = app.browser();
    let authorize = b.start_login("/").await;
    let state = common::state_param(&authorize);
    let p = b
        .get(&format!("/auth/callback?error=access_denied&error_description=%3Cscript%3Ealert(1)%3C%2Fscript%3E&state={state}"))
        .await;
    assert_eq!(p.status, StatusCode::UNAUTHORIZED);
    assert!(
        p.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{}",
        p.body
    );
    assert!(!p.body.contains("<script>alert"));
    assert!(login_cookie_cleared(&b));
    // A forged state never gets the provider's words on the page.
    let p = b.get("/auth/callback?error=server_error&state=x").await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST);
    let authorize = b.start_login("/").await;
    let state = common::state_param(&authorize);
    let p = b
        .get(&format!("/auth/callback?error=server_error&state={state}"))
        .await;
    assert_eq!(p.status, StatusCode::BAD_GATEWAY);
    // Malformed queries: duplicated parameters, nothing at all.
    assert_eq!(
        b.get("/auth/callback?code=a&code=b&state=s").await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        b.get("/auth/callback").await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        b.get("/auth/callback?%ff%fe=%zz").await.status,
        StatusCode::BAD_REQUEST
    );
}

async fn failed_exchange(failure: Failure, expected: StatusCode) {
    let app = TestApp::start(AppOptions::default()).await;
    let mut b = app.browser();
    let authorize = b.start_login("/").await;
    let callback = b
        .submit_credentials(&authorize, "alice", "alice-password")
        .await;
    app.idp.fail_token_endpoint(failure.clone(), false);
    let started = std::time::Instant::now();
    let p = b.get(&callback).await;
    assert_eq!(p.status, expected, "{failure:?}: {}", p.body);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "bounded by the HTTP timeout"
    );
    assert!(!token_cookies_set(&b) && !b.has(ACCESS), "{failure:?}");
    assert!(login_cookie_cleared(&b), "{failure:?}");
    assert!(p.body.contains("Sign-in failed"));
}

#[tokio::test]
async fn token_endpoint_failures_end_on_an_error_page() {
    failed_exchange(
        Failure::OAuth("invalid_grant".into()),
        StatusCode::BAD_REQUEST,
    )
    .await;
    failed_exchange(Failure::Status(503), StatusCode::BAD_GATEWAY).await;
    failed_exchange(Failure::Status(500), StatusCode::BAD_GATEWAY).await;
    failed_exchange(Failure::NonJson, StatusCode::BAD_GATEWAY).await;
    failed_exchange(
        Failure::Delay(Duration::from_secs(3)),
        StatusCode::GATEWAY_TIMEOUT,
    )
    .await;
}

#[tokio::test]
async fn wrong_client_secret_is_reported_as_a_gateway_error() {
    let app = TestApp::start(AppOptions {
        tweak: Box::new(|b| b.client_secret("not-the-secret")),
        ..Default::default()
    })
    .await;
    let mut b = app.browser();
    let p = b.sign_in("alice", "alice-password", "/").await;
    assert_eq!(p.status, StatusCode::BAD_GATEWAY);
    assert!(!b.has(ACCESS));
}

#[tokio::test]
async fn unsafe_return_targets_fall_back_to_root() {
    let app = TestApp::start(AppOptions::default()).await;
    for target in [
        "//evil.example/x",
        "https://evil.example",
        "/\\evil.example",
        "/%0d%0aX:1",
        "javascript:alert(1)",
    ] {
        let mut b = app.browser();
        let p = b.sign_in("alice", "alice-password", target).await;
        assert_eq!(p.location.as_deref(), Some("/"), "{target}");
    }
}

#[tokio::test]
async fn tampered_or_truncated_token_cookies_mean_signed_out() {
    let app = TestApp::start(AppOptions::default()).await;
    let mut b = app.browser();
    b.sign_in("alice", "alice-password", "/").await;
    let good = b.jar[ACCESS].clone();
    let mut variants = vec![
        good[..good.len() - 10].to_string(),
        format!("{good}x"),
        "garbage".to_string(),
    ];
    let mut flipped = good.clone().into_bytes();
    let i = flipped.len() - 5;
    flipped[i] = if flipped[i] == b'A' { b'B' } else { b'A' };
    variants.push(String::from_utf8(flipped).unwrap());
    // An ID token in the access cookie.
    variants.push(b.jar[ID].clone());
    for v in variants {
        let mut t = b.clone();
        t.jar.insert(ACCESS.into(), v.clone());
        let me = t.get("/api/me").await;
        assert_eq!(me.status, StatusCode::UNAUTHORIZED, "{v}");
        assert!(!t.has(ACCESS), "the bad cookie is cleared");
        assert_eq!(t.get("/").await.body, "home: signed out");
    }
    assert_eq!(b.get("/api/me").await.status, StatusCode::OK);
}

#[tokio::test]
async fn bearer_tokens_are_verified_like_cookies() {
    let app = TestApp::start(AppOptions::default()).await;
    let mut b = app.browser();
    b.sign_in("alice", "alice-password", "/").await;
    let token = b.jar[ACCESS].clone();
    let mut api = Browser::new(&app.url);
    let auth = format!("Bearer {token}");
    let p = api
        .request(Method::GET, "/api/me", &[("authorization", &auth)], None)
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(p.body.contains("\"alice\""));
    let id = format!("Bearer {}", b.jar[ID]);
    let p = api
        .request(Method::GET, "/api/me", &[("authorization", &id)], None)
        .await;
    assert_eq!(p.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        p.headers["www-authenticate"],
        r#"Bearer realm="leptos_cognito", error="invalid_token""#
    );
    let p = api
        .request(
            Method::GET,
            "/api/me",
            &[("authorization", "Bearer nope")],
            None,
        )
        .await;
    assert_eq!(p.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn logout_is_post_only_and_same_origin_only() {
    let app = TestApp::start(AppOptions::refreshing()).await;
    let mut b = app.browser();
    b.sign_in("alice", "alice-password", "/").await;
    let get = b.get("/auth/logout").await;
    assert_eq!(get.status, StatusCode::OK);
    assert!(get.body.contains(r#"method="post""#));
    assert!(b.last_set_cookies.is_empty(), "a GET changes nothing");
    for headers in [
        vec![("origin", "https://evil.example")],
        vec![("sec-fetch-site", "cross-site")],
        vec![
            ("sec-fetch-site", "same-site"),
            ("origin", "http://sub.example"),
        ],
    ] {
        let p = b
            .request(Method::POST, "/auth/logout", &headers, Some(vec![]))
            .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{headers:?}");
        assert!(b.last_set_cookies.is_empty());
    }
    assert_eq!(count(&app.idp.counters().revocations), 0);
    assert_eq!(b.get("/api/me").await.status, StatusCode::OK);
    let p = b
        .request(
            Method::POST,
            "/auth/logout",
            &[("sec-fetch-site", "same-origin")],
            Some(vec![]),
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert!(!b.has(ACCESS) && !b.has(REFRESH));
}

#[tokio::test]
async fn failed_revoke_still_logs_out_locally() {
    let app = TestApp::start(AppOptions::refreshing()).await;
    let mut b = app.browser();
    b.sign_in("alice", "alice-password", "/").await;
    // Stop the IdP: the revoke call cannot succeed.
    drop(app.idp);
    let p = b.logout().await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert!(!b.has(ACCESS) && !b.has(ID) && !b.has(REFRESH));
}

#[tokio::test]
async fn two_logins_in_two_tabs_do_not_corrupt_each_other() {
    let app = TestApp::start(AppOptions::default()).await;
    let mut b = app.browser();
    let first = b.start_login("/first").await;
    let second = b.start_login("/second").await;
    let cb_second = b
        .submit_credentials(&second, "alice", "alice-password")
        .await;
    let cb_first = b
        .submit_credentials(&first, "alice", "alice-password")
        .await;
    let p = b.get(&cb_second).await;
    assert_eq!(p.location.as_deref(), Some("/second"));
    let p = b.get(&cb_first).await;
    assert_eq!(p.location.as_deref(), Some("/first"), "{}", p.body);
}

#[tokio::test]
async fn expired_session_is_refreshed_once_for_concurrent_requests() {
    let (app, b) = alice_with_short_tokens(AppOptions::refreshing(), false).await;
    let old_access = b.jar[ACCESS].clone();
    app.clock.advance(600);
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let mut t = b.clone();
        tasks.push(tokio::spawn(async move {
            let p = t.get("/api/me").await;
            (p.status, t.jar.get(ACCESS).cloned())
        }));
    }
    let mut new_tokens = std::collections::HashSet::new();
    for t in tasks {
        let (status, access) = t.await.unwrap();
        assert_eq!(status, StatusCode::OK);
        new_tokens.insert(access.unwrap());
    }
    assert_eq!(
        count(&app.idp.counters().refreshes),
        1,
        "exactly one refresh call"
    );
    assert_eq!(new_tokens.len(), 1, "every request got the same new tokens");
    assert!(!new_tokens.contains(&old_access));
}

#[tokio::test]
async fn rotated_refresh_tokens_replace_the_old_one() {
    let (app, mut b) = alice_with_short_tokens(AppOptions::refreshing(), true).await;
    let old_refresh_cookie = b.jar[REFRESH].clone();
    app.clock.advance(600);
    let p = b.get("/api/me").await;
    assert_eq!(p.status, StatusCode::OK);
    assert_eq!(
        p.headers["cache-control"], "private, no-store",
        "responses that set cookies are not cached"
    );
    assert_ne!(
        b.jar[REFRESH], old_refresh_cookie,
        "the rotated refresh token is stored"
    );
    // And it works for the next refresh (the old one is dead at the IdP).
    app.clock.advance(600);
    assert_eq!(b.get("/api/me").await.status, StatusCode::OK);
    assert_eq!(count(&app.idp.counters().refreshes), 2);
}

#[tokio::test]
async fn refused_refresh_signs_out_cleanly() {
    let (app, mut b) = alice_with_short_tokens(AppOptions::refreshing(), false).await;
    app.idp.revoke_user_sessions("alice");
    app.clock.advance(600);
    let p = b.get("/api/me").await;
    assert_eq!(p.status, StatusCode::UNAUTHORIZED);
    assert!(
        !b.has(ACCESS) && !b.has(ID) && !b.has(REFRESH),
        "all cookies cleared: {:?}",
        b.jar
    );
}

#[tokio::test]
async fn unreachable_cognito_during_refresh_gives_503_and_keeps_cookies() {
    let (app, mut b) = alice_with_short_tokens(AppOptions::refreshing(), false).await;
    let jar = b.jar.clone();
    app.clock.advance(600);
    app.idp.fail_token_endpoint(Failure::Status(503), true);
    let p = b.get("/api/me").await;
    assert_eq!(p.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(p.headers.contains_key("retry-after"));
    assert_eq!(b.jar, jar, "cookies kept");
    let page = b.get("/private").await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    app.idp.clear_failures();
    assert_eq!(
        b.get("/api/me").await.status,
        StatusCode::OK,
        "recovers once Cognito is back"
    );
}

#[tokio::test]
async fn expired_session_without_refresh_flow_is_signed_out() {
    let (app, mut b) = alice_with_short_tokens(AppOptions::default(), false).await;
    assert!(
        !b.has(REFRESH),
        "no refresh cookie without the refresh flow"
    );
    app.clock.advance(301);
    assert_eq!(b.get("/api/me").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(count(&app.idp.counters().refreshes), 0);
}

#[tokio::test]
async fn tokens_the_idp_gets_wrong_are_refused_at_the_callback() {
    use leptos_cognito::dev_idp::TokenKind;
    type Mutation = fn(TokenKind, &mut serde_json::Value, &mut serde_json::Value);
    let cases: Vec<(&str, Mutation)> = vec![
        ("nonce removed", |k, _, c| {
            if k == TokenKind::Id {
                c.as_object_mut().unwrap().remove("nonce");
            }
        }),
        ("nonce replaced", |k, _, c| {
            if k == TokenKind::Id {
                c["nonce"] = "attacker-nonce".into();
            }
        }),
        ("id token for another client", |k, _, c| {
            if k == TokenKind::Id {
                c["aud"] = serde_json::json!(["leptos-cognito-demo", "other-client"]);
            }
        }),
        ("access token_use swapped", |k, _, c| {
            if k == TokenKind::Access {
                c["token_use"] = "id".into();
            }
        }),
        ("access token from another client", |k, _, c| {
            if k == TokenKind::Access {
                c["client_id"] = "other-client".into();
            }
        }),
        ("different subjects", |k, _, c| {
            if k == TokenKind::Id {
                c["sub"] = "someone-else".into();
            }
        }),
        ("expired", |_, _, c| {
            c["exp"] = serde_json::json!(1_000_000);
        }),
        ("unknown key id", |_, h, _| {
            h["kid"] = "not-in-the-jwks".into();
        }),
    ];
    for (name, mutation) in cases {
        let app = TestApp::start(AppOptions::default()).await;
        app.idp.set_mutator(Some(std::sync::Arc::new(mutation)));
        let mut b = app.browser();
        let p = b.sign_in("alice", "alice-password", "/").await;
        assert_eq!(p.status, StatusCode::UNAUTHORIZED, "{name}: {}", p.body);
        assert!(!b.has(ACCESS) && !b.has(ID), "{name}: no token cookie");
        assert!(login_cookie_cleared(&b), "{name}");
    }
}

/// An app whose tokens live 300 s, with alice signed in.
async fn alice_with_short_tokens(options: AppOptions, rotation: bool) -> (TestApp, Browser) {
    let app = TestApp::start(options).await;
    app.idp.set_lifetimes(300, 300);
    app.idp.set_refresh_rotation(rotation);
    let mut b = app.browser();
    b.sign_in("alice", "alice-password", "/").await;
    (app, b)
}
