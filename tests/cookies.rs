//! Cookies (SPEC §7): attributes, chunking of large tokens, Fernet compatibility with
//! flask-cognito-lib, unreadable values meaning signed out.

mod common;

use common::{AppOptions, TestApp};
use std::time::Duration;

use leptos_cognito::{
    config::{CognitoConfig, SameSite},
    cookies::{CookieCodec, RefreshCrypto, REFRESH_COOKIE},
    dev_idp::{DevIdpOptions, DevUser},
};
use reqwest::StatusCode;

fn vectors() -> serde_json::Value {
    serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/cognito_real_tokens.json"
    )))
    .unwrap()
}

fn config(secret: &str, encrypted: bool) -> CognitoConfig {
    CognitoConfig::builder()
        .region("eu-west-1")
        .user_pool_id("eu-west-1_c7O90SNDF")
        .client_id("4lln66726pp3f4gi1krj0sta9h")
        .domain("https://webapp-test.auth.eu-west-1.amazoncognito.com")
        .redirect_url("http://localhost:5000/postlogin")
        .logout_url("http://localhost:5000/postlogout")
        .secret_key(secret)
        .refresh_cookie_encrypted(encrypted)
        .dev_mode(true)
        .build()
        .unwrap()
}

#[test]
fn refresh_cookies_written_by_flask_cognito_lib_are_read() {
    let v = vectors();
    let f = &v["fernet_compat"];
    assert_eq!(
        RefreshCrypto::derive_key(f["secret_key"].as_str().unwrap()),
        f["derived_fernet_key"].as_str().unwrap()
    );
    let codec = CookieCodec::new(&config(f["secret_key"].as_str().unwrap(), true));
    let jar = tower_cookies::Cookies::default();
    jar.add(cookie::Cookie::new(
        REFRESH_COOKIE,
        f["token"].as_str().unwrap().to_string(),
    ));
    assert_eq!(codec.read_refresh(&jar).as_deref(), f["plaintext"].as_str());

    // Another key, or a tampered value: absent (signed out), not an error.
    let other = CookieCodec::new(&config("another-secret-key-that-is-long-enough!", true));
    assert_eq!(other.read_refresh(&jar), None);
    let mut t = f["token"].as_str().unwrap().to_string();
    t.replace_range(30..31, if &t[30..31] == "A" { "B" } else { "A" });
    let jar = tower_cookies::Cookies::default();
    jar.add(cookie::Cookie::new(REFRESH_COOKIE, t));
    assert_eq!(codec.read_refresh(&jar), None);
}

#[test]
fn refresh_cookie_is_encrypted_by_default_and_readable_by_flask() {
    let codec = CookieCodec::new(&config("very-secure", true));
    let jar = tower_cookies::Cookies::default();
    codec
        .write_tokens(&jar, "a.b.c", None, Some("my-refresh-token"))
        .unwrap();
    let stored = jar.get(REFRESH_COOKIE).unwrap().value().to_string();
    assert!(stored.starts_with("gAAAAA"), "a Fernet token");
    assert!(!stored.contains("my-refresh-token"));
    // flask-cognito-lib decrypts with the same derivation.
    assert_eq!(
        RefreshCrypto::from_secret("very-secure")
            .decrypt(&stored)
            .as_deref(),
        Some("my-refresh-token")
    );

    let plain = CookieCodec::new(&config("very-secure", false));
    let jar = tower_cookies::Cookies::default();
    plain
        .write_tokens(&jar, "a.b.c", None, Some("my-refresh-token"))
        .unwrap();
    assert_eq!(jar.get(REFRESH_COOKIE).unwrap().value(), "my-refresh-token");
}

#[test]
fn tokens_too_large_for_cookies_are_an_error_and_nothing_is_written() {
    let codec = CookieCodec::new(&config("very-secure", true));
    let jar = tower_cookies::Cookies::default();
    let huge = "r".repeat(40_000);
    let err = codec
        .write_tokens(&jar, "a.b.c", Some("d.e.f"), Some(&huge))
        .unwrap_err();
    assert!(err.to_string().contains(REFRESH_COOKIE), "{err}");
    assert!(
        jar.list().is_empty(),
        "all or nothing: no cookie written, not even the access token"
    );
}

fn big_user() -> DevUser {
    let mut u = DevUser::new("carol", "carol-password", &[]);
    u.groups = (0..120)
        .map(|i| format!("team-{i:03}-with-a-long-descriptive-name"))
        .collect();
    for i in 0..20 {
        u.attributes
            .insert(format!("attr{i}"), format!("value-{i}-{}", "x".repeat(40)));
    }
    u
}

#[tokio::test]
async fn large_id_tokens_are_chunked_and_reassembled() {
    let mut idp = DevIdpOptions::default();
    idp.users.push(big_user());
    let app = TestApp::start(AppOptions {
        refresh: true,
        idp,
        ..Default::default()
    })
    .await;
    let mut b = app.browser();
    let p = b.sign_in("carol", "carol-password", "/").await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    for line in &b.last_set_cookies {
        assert!(line.len() < 4096, "Set-Cookie of {} bytes", line.len());
    }
    assert!(
        b.jar["cognito_id_token"].starts_with("chunks:"),
        "the ID token is chunked"
    );
    assert!(b.jar.contains_key("cognito_id_token.2"));
    let me = b.get("/api/me").await;
    assert_eq!(me.status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&me.body).unwrap();
    assert_eq!(json["groups"].as_array().unwrap().len(), 120);
    assert_eq!(
        json["attributes"]["attr7"],
        format!("value-7-{}", "x".repeat(40))
    );

    // A missing chunk: the ID token is unreadable; the session still stands on the access token
    // but without profile claims, and nothing errors.
    let mut t = b.clone();
    t.jar.remove("cognito_id_token.2");
    let me = t.get("/api/me").await;
    assert_eq!(me.status, StatusCode::OK);
    assert!(!me.body.contains("attr7"));

    // Mixed generations: a chunk from another login does not combine into a valid token.
    let mut other = app.browser();
    other.sign_in("carol", "carol-password", "/").await;
    let mut mixed = b.clone();
    mixed.jar.insert(
        "cognito_id_token.1".into(),
        other.jar["cognito_id_token.1"].clone(),
    );
    let me = mixed.get("/api/me").await;
    assert!(!me.body.contains("attr7"));

    // Logout clears every chunk.
    let out = b.logout().await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(
        b.jar.keys().all(|k| !k.starts_with("cognito_")),
        "{:?}",
        b.jar.keys()
    );
}

#[tokio::test]
async fn cookie_attributes_follow_the_configuration() {
    let app = TestApp::start(AppOptions {
        tweak: Box::new(|b| {
            // The test app runs on 127.0.0.1, which `.example.test` does not cover:
            // development mode skips that check (the attributes are what is tested here).
            b.cookie_secure(true)
                .cookie_samesite(SameSite::Strict)
                .cookie_domain(".example.test")
                .cookie_age(Duration::from_secs(120))
                .dev_mode(true)
        }),
        ..Default::default()
    })
    .await;
    let mut b = app.browser();
    b.sign_in("alice", "alice-password", "/").await;
    let access = b
        .last_set_cookies
        .iter()
        .find(|l| l.starts_with("cognito_access_token="))
        .unwrap();
    for attr in [
        "HttpOnly",
        "Secure",
        "SameSite=Strict",
        "Path=/",
        "Domain=example.test",
        "Max-Age=120",
    ] {
        assert!(access.contains(attr), "{attr} in {access}");
    }
    let login = b
        .last_set_cookies
        .iter()
        .find(|l| l.starts_with("cognito_login_"))
        .unwrap();
    assert!(
        login.contains("SameSite=Lax"),
        "login state is always Lax: {login}"
    );
}
