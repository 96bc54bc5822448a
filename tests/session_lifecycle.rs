//! The session over its life: idle and absolute limits judged from the encrypted timestamps
//! cookie (without any store), the browser's background reads that do not count as use,
//! step-up (`max_auth_age`, `prompt=login`, the callback's fresh-`auth_time` check), and the
//! per-link sign-in options with the identity-provider allow-list.

mod common;

use std::time::{Duration, Instant};

use axum::{routing::post, Router};
use common::{count, AppOptions, Browser, TestApp};
use leptos::prelude::*;
use leptos_cognito::{
    dev_idp::{DevIdpOptions, TokenKind},
    Policy, RequireLayer,
};
use reqwest::StatusCode;

/// Needs a sign-in from the last minute.
#[server(prefix = "/api", endpoint = "fresh_only")]
pub async fn fresh_only() -> Result<String, ServerFnError> {
    leptos_cognito::require(&Policy::max_auth_age(Duration::from_secs(60))).await?;
    Ok("fresh enough".into())
}

fn with_server_fns(r: Router) -> Router {
    r.route("/api/{*fn_name}", post(leptos_axum::handle_server_fns))
        .route("/auth/{*fn_name}", post(leptos_axum::handle_server_fns))
        .route(
            "/fresh-page",
            axum::routing::get(|| async { "fresh page" }).route_layer(RequireLayer::page(
                Policy::max_auth_age(Duration::from_secs(60)),
            )),
        )
}

async fn app_with(refresh: bool, idle: u64, max: u64, idp: DevIdpOptions) -> TestApp {
    TestApp::start(AppOptions {
        refresh,
        tweak: Box::new(move |b| {
            b.session_idle_timeout(Duration::from_secs(idle))
                .session_max_lifetime(Duration::from_secs(max))
                .identity_providers(["DevCorp"])
        }),
        idp,
        routes: Box::new(with_server_fns),
    })
    .await
}

async fn me(b: &mut Browser) -> StatusCode {
    b.get("/api/me").await.status
}

async fn wait_for_revocations(app: &TestApp, at_least: u64) {
    let start = Instant::now();
    while count(&app.idp.counters().revocations) < at_least {
        assert!(
            start.elapsed() < Duration::from_secs(3),
            "the refresh token was not revoked at the IdP"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn the_idle_limit_signs_out_revokes_and_is_moved_by_use() {
    let app = app_with(true, 600, 0, DevIdpOptions::default()).await;
    let mut b = app.browser();
    b.sign_in("alice", "alice-password", "/").await;
    assert!(
        b.has("cognito_session"),
        "the timestamps cookie is written at sign-in"
    );
    let stolen = b.clone();
    app.clock.advance(599);
    assert_eq!(me(&mut b).await, StatusCode::OK);
    app.clock.advance(599);
    // Used 599 s ago, signed in 1198 s ago: still within the idle limit.
    assert_eq!(me(&mut b).await, StatusCode::OK);
    // The copy taken at sign-in was not used for 1198 s: it ended (and so did the session).
    let mut stolen = stolen;
    assert_eq!(me(&mut stolen).await, StatusCode::UNAUTHORIZED);
    assert!(!stolen.has("cognito_access_token") && !stolen.has("cognito_session"));
    wait_for_revocations(&app, 1).await;
    // Revoking ended the whole session: the live copy's refresh token is dead at the IdP
    // and its tokens are on the revocation list.
    assert_eq!(me(&mut b).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_idle_session_is_signed_out_at_the_limit_exactly() {
    let app = app_with(true, 300, 0, DevIdpOptions::default()).await;
    let mut b = app.browser();
    b.sign_in("alice", "alice-password", "/").await;
    app.clock.advance(299);
    assert_eq!(me(&mut b).await, StatusCode::OK);
    app.clock.advance(300);
    let r = b.get("/api/me").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.headers["cache-control"]
        .to_str()
        .unwrap()
        .contains("no-store"));
    assert!(!b.has("cognito_refresh_token"), "cookies cleared");
    wait_for_revocations(&app, 1).await;
}

#[tokio::test]
async fn background_reads_of_the_session_are_not_use() {
    let app = app_with(true, 100, 0, DevIdpOptions::default()).await;
    let mut b = app.browser();
    b.sign_in("alice", "alice-password", "/").await;
    let origin = app.url.clone();
    app.clock.advance(60);
    let r = b.post("/auth/session", &[("origin", &origin)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let view: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let idle_end = view["times"]["idle_expires_at"].as_i64().unwrap();
    assert_eq!(view["snapshot"]["SignedIn"]["username"], "alice");
    assert!(
        !r.body.contains(&b.jar["cognito_access_token"]),
        "never a token"
    );
    app.clock.advance(41);
    assert!(app.clock.now() > idle_end);
    // The session read did not move the limit: 101 s since the last use.
    assert_eq!(me(&mut b).await, StatusCode::UNAUTHORIZED);

    // An ordinary request does move it.
    let mut c = app.browser();
    c.sign_in("bob", "bob-password", "/").await;
    app.clock.advance(60);
    assert_eq!(me(&mut c).await, StatusCode::OK);
    app.clock.advance(60);
    assert_eq!(me(&mut c).await, StatusCode::OK);
}

#[tokio::test]
async fn the_absolute_limit_holds_across_refreshes() {
    let app = app_with(true, 0, 1000, DevIdpOptions::default()).await;
    app.idp.set_lifetimes(300, 300);
    let mut b = app.browser();
    b.sign_in("alice", "alice-password", "/").await;
    for _ in 0..3 {
        app.clock.advance(310);
        assert_eq!(me(&mut b).await, StatusCode::OK, "refreshed");
    }
    let refreshes = count(&app.idp.counters().refreshes);
    assert_eq!(refreshes, 3);
    app.clock.advance(70); // 1000 s since sign-in
    assert_eq!(me(&mut b).await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        count(&app.idp.counters().refreshes),
        refreshes,
        "no refresh past the limit"
    );
    wait_for_revocations(&app, 1).await;
    // A new sign-in starts a new session with a new clock.
    b.sign_in("alice", "alice-password", "/").await;
    assert_eq!(me(&mut b).await, StatusCode::OK);
}

#[tokio::test]
async fn a_missing_forged_or_foreign_stamp_ends_the_session() {
    let app = app_with(true, 3600, 0, DevIdpOptions::default()).await;
    let mut alice = app.browser();
    alice.sign_in("alice", "alice-password", "/").await;
    let mut bob = app.browser();
    bob.sign_in("bob", "bob-password", "/").await;

    // Dropping the cookie must not reset the clock.
    let mut dropped = alice.clone();
    dropped.jar.remove("cognito_session");
    assert_eq!(me(&mut dropped).await, StatusCode::UNAUTHORIZED);
    assert!(!dropped.has("cognito_access_token"));

    let mut alice = app.browser();
    alice.sign_in("alice", "alice-password", "/").await;
    // Bob's (authentic) stamp with Alice's tokens: another user's times.
    let mut mixed = alice.clone();
    mixed
        .jar
        .insert("cognito_session".into(), bob.jar["cognito_session"].clone());
    assert_eq!(me(&mut mixed).await, StatusCode::UNAUTHORIZED);
    assert!(!mixed.has("cognito_access_token"), "signed out there");
    // ... but not revoked: that is how a late response of the previous user looks.
    assert_eq!(me(&mut alice).await, StatusCode::OK);

    let mut alice = app.browser();
    alice.sign_in("alice", "alice-password", "/").await;
    let mut forged = alice.clone();
    let mut v = forged.jar["cognito_session"].clone().into_bytes();
    let i = v.len() / 2;
    v[i] = if v[i] == b'A' { b'B' } else { b'A' };
    forged
        .jar
        .insert("cognito_session".into(), String::from_utf8(v).unwrap());
    assert_eq!(me(&mut forged).await, StatusCode::UNAUTHORIZED);
    for junk in ["", "%", "{}", "x".repeat(5000).as_str()] {
        let mut j = app.browser();
        j.sign_in("bob", "bob-password", "/").await;
        j.jar.insert("cognito_session".into(), junk.to_string());
        assert_eq!(me(&mut j).await, StatusCode::UNAUTHORIZED, "stamp {junk:?}");
    }
    // Bob's own session is untouched by all this.
    assert_eq!(me(&mut bob).await, StatusCode::OK);

    // A second timestamps cookie (tossed from a sibling subdomain) makes the request's cookies
    // ambiguous: they are not used, and nothing is ended or cleared on their account.
    let mut carol = app.browser();
    carol.sign_in("alice", "alice-password", "/").await;
    let cookie = format!(
        "cognito_session={}; cognito_session={}; cognito_access_token={}",
        bob.jar["cognito_session"], carol.jar["cognito_session"], carol.jar["cognito_access_token"]
    );
    let mut raw = Browser::new(&app.url);
    let r = raw
        .request(
            reqwest::Method::GET,
            "/api/me",
            &[("cookie", &cookie)],
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(
        r.headers.get_all("set-cookie").iter().next().is_none(),
        "nothing cleared"
    );
    assert_eq!(
        me(&mut carol).await,
        StatusCode::OK,
        "the real session lives on"
    );
    assert_eq!(me(&mut bob).await, StatusCode::OK);
}

#[tokio::test]
async fn without_limits_no_stamp_is_written_or_needed() {
    let app = TestApp::start(AppOptions::refreshing()).await;
    let mut b = app.browser();
    b.sign_in("alice", "alice-password", "/").await;
    assert!(!b.has("cognito_session"));
    app.clock.advance(3000);
    assert_eq!(me(&mut b).await, StatusCode::OK);
    assert_eq!(count(&app.idp.counters().revocations), 0);
}

#[tokio::test]
async fn step_up_answers_401_reauthentication_required_then_prompt_login_fixes_it() {
    let app = app_with(
        false,
        0,
        0,
        DevIdpOptions {
            sso_sessions: true,
            ..Default::default()
        },
    )
    .await;
    let origin = app.url.clone();
    let mut b = app.browser();
    b.sign_in("alice", "alice-password", "/").await;
    let r = b.post("/api/fresh_only", &[("origin", &origin)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(b.get("/fresh-page").await.status, StatusCode::OK);

    app.clock.advance(61);
    let r = b.post("/api/fresh_only", &[("origin", &origin)]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("reauthentication_required"), "{}", r.body);
    let www = r.headers["www-authenticate"].to_str().unwrap();
    assert!(
        www.contains(r#"error="insufficient_user_authentication""#) && www.contains("max_age=60")
    );
    // Still signed in: only the sensitive action needs more.
    assert_eq!(me(&mut b).await, StatusCode::OK);
    let page = b.get("/fresh-page").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let login = page.location.unwrap();
    assert_eq!(login, "/auth/login?return_to=%2Ffresh-page&prompt=login");

    // Without prompt=login the IdP session signs in again at once: the old auth_time stays
    // and the action is still refused.
    let authorize = b.start_login("/fresh-page").await;
    let (_, back) = b.follow_idp(authorize, None).await;
    let callback = back.location.expect("the IdP session skips the form");
    assert!(callback.starts_with(&app.url));
    b.get(&callback).await;
    let r = b.post("/api/fresh_only", &[("origin", &origin)]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "auth_time is truthful");

    // With prompt=login the IdP asks for the password again, and auth_time is new.
    let r = b.get(&login).await;
    let authorize = r.location.unwrap();
    assert!(authorize.contains("prompt=login"));
    let callback = b
        .submit_credentials(&authorize, "alice", "alice-password")
        .await;
    let done = b.get(&callback).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.location.as_deref(), Some("/fresh-page"));
    let r = b.post("/api/fresh_only", &[("origin", &origin)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn a_step_up_login_refuses_tokens_from_an_old_authentication() {
    let app = app_with(false, 0, 0, DevIdpOptions::default()).await;
    // An IdP that ignores prompt=login: its tokens say the user authenticated an hour ago.
    let stale = app.clock.now() - 3600;
    app.idp.set_mutator(Some(std::sync::Arc::new(
        move |_: TokenKind, _: &mut serde_json::Value, c: &mut serde_json::Value| {
            c["auth_time"] = serde_json::json!(stale);
        },
    )));
    let mut b = app.browser();
    let r = b.get("/auth/login?return_to=%2F&prompt=login").await;
    let callback = b
        .submit_credentials(&r.location.unwrap(), "alice", "alice-password")
        .await;
    let page = b.get(&callback).await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED, "{}", page.body);
    assert!(page.body.contains("sign in again"));
    assert!(!b.has("cognito_access_token"));
    // An ordinary sign-in is not a step-up: the same tokens are fine.
    b.sign_in("alice", "alice-password", "/").await;
    assert_eq!(me(&mut b).await, StatusCode::OK);
}

#[tokio::test]
async fn sign_in_links_take_checked_options_only() {
    let app = app_with(false, 0, 0, DevIdpOptions::default()).await;
    let mut b = app.browser();
    let r = b
        .get("/auth/login?return_to=%2Fx&identity_provider=DevCorp&login_hint=alice&lang=fr")
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let authorize = url::Url::parse(&r.location.unwrap()).unwrap();
    let q: std::collections::HashMap<_, _> = authorize.query_pairs().into_owned().collect();
    assert_eq!(q["identity_provider"], "DevCorp");
    assert_eq!(q["login_hint"], "alice");
    assert_eq!(q["lang"], "fr");
    assert!(!q.contains_key("prompt"));
    // The dev IdP shows the stand-in federated page, prefilled with the hint.
    let form = b.get(authorize.as_str()).await;
    assert!(form.body.contains("Sign in with DevCorp"), "{}", form.body);
    assert!(form.body.contains(r#"value="alice""#));

    for bad in [
        "identity_provider=Evil",
        "identity_provider=COGNITO",
        "identity_provider=DevCorp&identity_provider=DevCorp",
        "login_hint=a%0Ab",
        &format!("login_hint={}", "a".repeat(257)),
        "lang=%3Cscript%3E",
        "lang=fr&lang=de",
        "prompt=none",
        "prompt=consent",
    ] {
        let mut fresh = app.browser();
        let r = fresh.get(&format!("/auth/login?return_to=%2F&{bad}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(
            r.body.contains("sign-in link") || r.body.contains("identity provider"),
            "{bad}: {}",
            r.body
        );
        assert!(fresh.jar.is_empty(), "{bad}: no login state is stored");
        assert!(!r.body.contains("<script>"), "{bad}: escaped");
    }
    // Without an allow-list no provider can be asked for.
    let plain = TestApp::start(AppOptions::default()).await;
    let mut p = plain.browser();
    let r = p.get("/auth/login?identity_provider=DevCorp").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn extend_refreshes_and_reports_the_new_times() {
    let app = app_with(true, 600, 0, DevIdpOptions::default()).await;
    app.idp.set_lifetimes(300, 300);
    let origin = app.url.clone();
    let mut b = app.browser();
    b.sign_in("alice", "alice-password", "/").await;
    app.clock.advance(120);
    let before = count(&app.idp.counters().refreshes);
    let r = b.post("/auth/extend", &[("origin", &origin)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(count(&app.idp.counters().refreshes), before + 1);
    let view: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let now = app.clock.now();
    assert_eq!(view["server_now"].as_i64(), Some(now));
    assert_eq!(view["times"]["access_expires_at"].as_i64(), Some(now + 300));
    assert_eq!(view["times"]["idle_expires_at"].as_i64(), Some(now + 600));
    assert_eq!(view["times"]["refreshable"], true);
    // Cross-site: refused by the layer's CSRF rule.
    let r = b
        .post("/auth/extend", &[("origin", "https://evil.example")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Signed out: 401.
    let mut anon = app.browser();
    let r = anon.post("/auth/extend", &[("origin", &origin)]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_silent_sign_in_does_not_restart_the_absolute_limit() {
    let app = app_with(
        true,
        0,
        1000,
        DevIdpOptions {
            sso_sessions: true,
            ..Default::default()
        },
    )
    .await;
    let mut b = app.browser();
    b.sign_in("alice", "alice-password", "/").await;
    // Halfway: signing in again through the IdP's session keeps the original start.
    app.clock.advance(500);
    let authorize = b.start_login("/").await;
    let (_, back) = b.follow_idp(authorize, None).await;
    let done = b
        .get(&back.location.expect("no form: the IdP session"))
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    app.clock.advance(500);
    assert_eq!(
        me(&mut b).await,
        StatusCode::UNAUTHORIZED,
        "1000 s since the password"
    );
    // Past the limit, the IdP's session cannot start a window: a fresh sign-in is asked for.
    let authorize = b.start_login("/notes").await;
    let (_, back) = b.follow_idp(authorize, None).await;
    let r = b.get(&back.location.unwrap()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.location.as_deref(),
        Some("/auth/login?return_to=%2Fnotes&prompt=login")
    );
    assert!(!b.has("cognito_access_token"));
    let r = b.get(r.location.as_deref().unwrap()).await;
    let callback = b
        .submit_credentials(&r.location.unwrap(), "alice", "alice-password")
        .await;
    assert_eq!(b.get(&callback).await.location.as_deref(), Some("/notes"));
    assert_eq!(me(&mut b).await, StatusCode::OK);
}

#[tokio::test]
async fn replaying_an_ended_session_costs_one_revocation() {
    let app = app_with(true, 100, 0, DevIdpOptions::default()).await;
    let mut b = app.browser();
    b.sign_in("alice", "alice-password", "/").await;
    let saved = b.clone();
    app.clock.advance(200);
    for _ in 0..20 {
        let mut replay = saved.clone();
        assert_eq!(me(&mut replay).await, StatusCode::UNAUTHORIZED);
    }
    wait_for_revocations(&app, 1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(count(&app.idp.counters().revocations), 1);
}

#[tokio::test]
async fn requests_another_site_makes_are_not_use() {
    let app = app_with(true, 100, 0, DevIdpOptions::default()).await;
    let mut b = app.browser();
    b.sign_in("alice", "alice-password", "/").await;
    app.clock.advance(60);
    let img = [
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-mode", "no-cors"),
    ];
    let r = b.request(reqwest::Method::GET, "/", &img, None).await;
    assert_eq!(r.status, StatusCode::OK);
    app.clock.advance(41);
    assert_eq!(
        me(&mut b).await,
        StatusCode::UNAUTHORIZED,
        "the image did not keep it alive"
    );

    // Following a link from another site is the user arriving: it counts.
    let mut c = app.browser();
    c.sign_in("bob", "bob-password", "/").await;
    app.clock.advance(60);
    let link = [
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-mode", "navigate"),
    ];
    c.request(reqwest::Method::GET, "/", &link, None).await;
    app.clock.advance(60);
    assert_eq!(me(&mut c).await, StatusCode::OK);
}

#[tokio::test]
async fn a_bearer_token_cannot_extend_a_cookie_session() {
    let app = app_with(true, 600, 0, DevIdpOptions::default()).await;
    let origin = app.url.clone();
    let mut b = app.browser();
    b.sign_in("alice", "alice-password", "/").await;
    let bearer = format!("Bearer {}", b.jar["cognito_access_token"]);
    let mut api = Browser::new(&app.url);
    let r = api
        .post(
            "/auth/extend",
            &[("origin", &origin), ("authorization", &bearer)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(count(&app.idp.counters().refreshes), 0);
}

#[tokio::test]
async fn the_new_settings_are_checked_at_startup() {
    let app = TestApp::start(AppOptions::default()).await;
    let base = || app.idp.app_config(&app.url).secret_key(common::SECRET);
    // The proactive refresh needs the refresh flow.
    let e = base()
        .proactive_refresh(Duration::from_secs(30))
        .build()
        .unwrap_err()
        .to_string();
    assert!(e.contains("AWS_COGNITO_PROACTIVE_REFRESH_SECONDS"), "{e}");
    assert!(base()
        .refresh_flow_enabled(true)
        .proactive_refresh(Duration::from_secs(30))
        .build()
        .is_ok());
    // Provider names: a space- or comma-separated list; no control characters, not too long.
    let c = base()
        .identity_providers(["Google CorpSAML,Okta"])
        .build()
        .unwrap();
    assert_eq!(c.identity_providers(), ["Google", "CorpSAML", "Okta"]);
    for bad in ["a\u{7}b", &"x".repeat(129)] {
        let e = base()
            .identity_providers([bad])
            .build()
            .unwrap_err()
            .to_string();
        assert!(e.contains("AWS_COGNITO_IDENTITY_PROVIDERS"), "{bad:?}: {e}");
    }
    // Zero means off; the environment spells them as flask-cognito-lib's neighbours do.
    let vars: std::collections::HashMap<String, String> = [
        ("AWS_COGNITO_SESSION_IDLE_SECONDS", "0"),
        ("AWS_COGNITO_SESSION_MAX_SECONDS", "3600"),
        ("AWS_COGNITO_IDENTITY_PROVIDERS", "Google, CorpSAML"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let c = base().with_vars(&vars, &[]).build().unwrap();
    assert_eq!(c.session_idle_timeout(), None);
    assert_eq!(c.session_max_lifetime(), Some(Duration::from_secs(3600)));
    assert!(c.allows_identity_provider("CorpSAML") && !c.allows_identity_provider("corpsaml"));
    let e = base()
        .with_vars(
            &[(
                "AWS_COGNITO_SESSION_IDLE_SECONDS".to_string(),
                "soon".to_string(),
            )]
            .into(),
            &[],
        )
        .build()
        .unwrap_err()
        .to_string();
    assert!(e.contains("AWS_COGNITO_SESSION_IDLE_SECONDS"), "{e}");
}

#[tokio::test]
async fn the_dev_idp_answers_prompt_none_without_a_session_and_refuses_unknown_providers() {
    let app = app_with(false, 0, 0, DevIdpOptions::default()).await;
    let mut b = app.browser();
    let authorize = b.start_login("/").await;
    for (extra, error) in [
        ("&prompt=none", "login_required"),
        ("&identity_provider=Nobody", "invalid_request"),
        ("&prompt=bogus", "invalid_request"),
    ] {
        let r = b.get(&format!("{authorize}{extra}")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{extra}");
        let back = url::Url::parse(&r.location.unwrap()).unwrap();
        let q: std::collections::HashMap<_, _> = back.query_pairs().into_owned().collect();
        assert_eq!(q["error"], error, "{extra}");
        assert!(q.contains_key("state"));
    }
}
