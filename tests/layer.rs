//! In-process tests of the layer, the resolver and the guard (`tower::ServiceExt::oneshot`):
//! no sockets between the test and the app, only the dev IdP's JWKS on loopback.

use std::time::Duration;

use axum::{body::Body, routing::get, Router};
use http::{header, Request, StatusCode};
use leptos_cognito::{
    clock::Clock,
    dev_idp::{DevIdp, DevIdpOptions, TokenKind},
    AuthState, Authorized, CognitoAuth, CognitoUser, CurrentUser, Policy, RequireLayer,
};
use serde_json::json;
use tower::ServiceExt;

async fn whoami(user: Option<CognitoUser>) -> String {
    user.map_or("anonymous".into(), |u| u.username)
}

async fn state(state: AuthState) -> &'static str {
    match state {
        AuthState::SignedIn(_) => "signed-in",
        AuthState::SignedOut => "signed-out",
        AuthState::InvalidBearer => "invalid-bearer",
        AuthState::Unavailable => "unavailable",
        _ => "other",
    }
}

async fn owned_json(user: CognitoUser) -> axum::Json<CognitoUser> {
    axum::Json(user)
}

async fn shared_json(user: CurrentUser) -> axum::Json<CurrentUser> {
    axum::Json(user)
}

async fn shared_session(user: CurrentUser) -> String {
    let s = user.session();
    format!("{:?} {}", s.source, s.access.subject() == user.sub)
}

async fn shared_whoami(user: Option<CurrentUser>) -> String {
    user.map_or("anonymous".into(), |u| u.username.clone())
}

async fn authorized(who: Authorized) -> String {
    match who {
        Authorized::User(u) => format!("user {}", u.username),
        Authorized::Disabled(u) => format!("disabled {:?}", u.map(|u| u.username)),
        _ => "other".into(),
    }
}

fn routes() -> Router {
    Router::new()
        .route(
            "/authorized",
            get(authorized).route_layer(RequireLayer::api(Policy::groups(["admins"]))),
        )
        .route("/unguarded", get(authorized))
        .route("/who", get(whoami))
        .route("/owned", get(owned_json))
        .route("/shared", get(shared_json))
        .route("/shared-who", get(shared_whoami))
        .route("/shared-session", get(shared_session))
        .route("/state", get(state))
        .route(
            "/admins",
            get(whoami).route_layer(RequireLayer::api(Policy::groups(["admins"]))),
        )
        .route(
            "/reports",
            get(whoami).route_layer(RequireLayer::api(Policy::scopes(["reports/read"]))),
        )
        .route(
            "/page",
            get(whoami).route_layer(RequireLayer::page(Policy::signed_in())),
        )
}

async fn setup() -> (DevIdp, CognitoAuth, Router) {
    setup_with(|b| b).await
}

async fn setup_with(
    tweak: impl FnOnce(
        leptos_cognito::config::CognitoConfigBuilder,
    ) -> leptos_cognito::config::CognitoConfigBuilder,
) -> (DevIdp, CognitoAuth, Router) {
    let clock = Clock::system();
    let idp = DevIdp::start(DevIdpOptions {
        clock: clock.clone(),
        ..Default::default()
    })
    .await
    .unwrap();
    let config = tweak(
        idp.app_config("http://127.0.0.1:9")
            .secret_key("in-process-test-secret-0123456789")
            .http_timeout(Duration::from_secs(2)),
    )
    .build()
    .unwrap();
    let auth = CognitoAuth::with_clock(config, clock).unwrap();
    let app = routes().layer(auth.layer());
    (idp, auth, app)
}

async fn call(app: &Router, req: Request<Body>) -> (StatusCode, http::HeaderMap, String) {
    let res = app.clone().oneshot(req).await.unwrap();
    let (parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap();
    (
        parts.status,
        parts.headers,
        String::from_utf8_lossy(&bytes).into(),
    )
}

fn get_req(path: &str, headers: &[(&str, &str)]) -> Request<Body> {
    let mut b = Request::get(path);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(Body::empty()).unwrap()
}

#[tokio::test]
async fn the_resolver_reads_bearer_and_cookies() {
    let (idp, _auth, app) = setup().await;
    let alice = idp.mint(TokenKind::Access, "alice", json!({}));
    let bearer = format!("Bearer {alice}");
    let (s, _, body) = call(&app, get_req("/who", &[("authorization", &bearer)])).await;
    assert_eq!((s, body.as_str()), (StatusCode::OK, "alice"));
    let cookie = format!("cognito_access_token={alice}");
    let (s, h, body) = call(&app, get_req("/who", &[("cookie", &cookie)])).await;
    assert_eq!((s, body.as_str()), (StatusCode::OK, "alice"));
    assert_eq!(h["cache-control"], "private, no-store");
    let (_, _, body) = call(
        &app,
        get_req("/state", &[("authorization", "Bearer x.y.z")]),
    )
    .await;
    assert_eq!(body, "invalid-bearer");
    let (_, h, body) = call(&app, get_req("/state", &[])).await;
    assert_eq!(body, "signed-out");
    assert!(!h.contains_key("cache-control"));
    assert_eq!(h["vary"], "Cookie");
}

#[tokio::test]
async fn the_shared_user_extractor_answers_exactly_as_the_owned_one() {
    let (idp, _auth, app) = setup().await;
    let alice = idp.mint(TokenKind::Access, "alice", json!({}));
    let cookie = format!("cognito_access_token={alice}");
    let bearer = format!("Bearer {alice}");
    for headers in [
        vec![("cookie", cookie.as_str())],
        vec![("authorization", bearer.as_str())],
        vec![("authorization", "Bearer x.y.z")],
        vec![("cookie", "cognito_access_token=garbage")],
        vec![],
    ] {
        // The same status, headers (Set-Cookie lines in any order) and body.
        let answer = |(s, h, b): (StatusCode, http::HeaderMap, String)| {
            let mut h: Vec<String> = h.iter().map(|(k, v)| format!("{k}: {v:?}")).collect();
            h.sort();
            (s, h, b)
        };
        let owned = answer(call(&app, get_req("/owned", &headers)).await);
        let shared = answer(call(&app, get_req("/shared", &headers)).await);
        assert_eq!(owned, shared, "{headers:?}");
        let who = answer(call(&app, get_req("/who", &headers)).await);
        let shared_who = answer(call(&app, get_req("/shared-who", &headers)).await);
        assert_eq!(who, shared_who, "{headers:?}");
    }
    let (s, _, body) = call(&app, get_req("/shared", &[("cookie", &cookie)])).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        serde_json::from_str::<CognitoUser>(&body).unwrap().username,
        "alice"
    );
    let (s, _, _) = call(&app, get_req("/shared", &[])).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // The session behind it is the request's: its source and verified claims.
    let (_, _, body) = call(&app, get_req("/shared-session", &[("cookie", &cookie)])).await;
    assert_eq!(body, "Cookie true");
    let (_, _, body) = call(
        &app,
        get_req("/shared-session", &[("authorization", &bearer)]),
    )
    .await;
    assert_eq!(body, "Bearer true");
}

#[tokio::test]
async fn authorized_is_what_the_route_guard_allowed_and_nothing_without_one() {
    let (idp, _auth, app) = setup().await;
    let alice = format!("Bearer {}", idp.mint(TokenKind::Access, "alice", json!({})));
    let bob = format!("Bearer {}", idp.mint(TokenKind::Access, "bob", json!({})));
    let (s, _, body) = call(&app, get_req("/authorized", &[("authorization", &alice)])).await;
    assert_eq!((s, body.as_str()), (StatusCode::OK, "user alice"));
    let (s, _, _) = call(&app, get_req("/authorized", &[("authorization", &bob)])).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, _) = call(&app, get_req("/authorized", &[])).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // Without a guard on the route nothing was authorized: a 500, even for a signed-in user.
    let (s, _, body) = call(&app, get_req("/unguarded", &[("authorization", &alice)])).await;
    assert_eq!(s, StatusCode::INTERNAL_SERVER_ERROR, "{body}");
    assert!(!body.contains("alice"));
    // Authorization disabled: the guard lets anyone through, and says so.
    let (idp, _auth, app) = setup_with(|b| b.disabled(true)).await;
    let bob = format!("Bearer {}", idp.mint(TokenKind::Access, "bob", json!({})));
    let (s, _, body) = call(&app, get_req("/authorized", &[("authorization", &bob)])).await;
    assert_eq!(
        (s, body.as_str()),
        (StatusCode::OK, r#"disabled Some("bob")"#)
    );
    let (_, _, body) = call(&app, get_req("/authorized", &[])).await;
    assert_eq!(body, "disabled None");
}

#[tokio::test]
async fn the_guard_names_the_failed_rule() {
    let (idp, _auth, app) = setup().await;
    let bob = format!("Bearer {}", idp.mint(TokenKind::Access, "bob", json!({})));
    let (s, h, body) = call(&app, get_req("/admins", &[("authorization", &bob)])).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(
        !h.contains_key(header::WWW_AUTHENTICATE),
        "a group failure is not a scope failure"
    );
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["error"], "forbidden");
    assert!(v["message"].as_str().unwrap().contains("admins"));
    let (s, h, body) = call(&app, get_req("/reports", &[("authorization", &bob)])).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(body.contains("insufficient_scope"));
    assert!(h[header::WWW_AUTHENTICATE]
        .to_str()
        .unwrap()
        .contains(r#"scope="reports/read""#));
    let (s, h, _) = call(&app, get_req("/admins", &[])).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(
        h[header::WWW_AUTHENTICATE],
        r#"Bearer realm="leptos_cognito""#
    );
    let (s, h, _) = call(&app, get_req("/page?x=1", &[])).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(h[header::LOCATION], "/auth/login?return_to=%2Fpage%3Fx%3D1");
}

#[tokio::test]
async fn an_unreachable_jwks_is_503_and_keeps_the_cookies() {
    let (idp, _auth, app) = setup().await;
    let alice = idp.mint(TokenKind::Access, "alice", json!({}));
    idp.set_jwks_down(true);
    let cookie = format!("cognito_access_token={alice}");
    let (s, h, _) = call(&app, get_req("/admins", &[("cookie", &cookie)])).await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(h[header::RETRY_AFTER], "5");
    assert!(h.get_all(header::SET_COOKIE).iter().next().is_none());
}

#[tokio::test]
async fn a_missing_layer_is_a_loud_500_not_signed_out() {
    let app = routes();
    for path in ["/who", "/state", "/admins"] {
        let (s, _, body) = call(&app, get_req(path, &[])).await;
        assert_eq!(s, StatusCode::INTERNAL_SERVER_ERROR, "{path}");
        assert!(body.contains("misconfigured"), "{path}: {body}");
    }
}

#[tokio::test]
async fn jwks_cool_down_runs_on_the_injected_clock() {
    let (idp, auth, app) = setup().await;
    let alice = idp.mint(TokenKind::Access, "alice", json!({}));
    let bearer = format!("Bearer {alice}");
    assert_eq!(
        call(&app, get_req("/who", &[("authorization", &bearer)]))
            .await
            .0,
        StatusCode::OK
    );
    let forged = |kid: &str| {
        format!(
            "Bearer {}",
            idp.sign_raw(json!({"alg": "RS256", "kid": kid}), json!({"sub": "x"}))
        )
    };
    call(&app, get_req("/who", &[("authorization", &forged("a"))])).await;
    let fetches = auth.stats().jwks_fetches;
    call(&app, get_req("/who", &[("authorization", &forged("b"))])).await;
    assert_eq!(auth.stats().jwks_fetches, fetches, "cool-down: no fetch");
    auth.clock().advance(11);
    call(&app, get_req("/who", &[("authorization", &forged("c"))])).await;
    assert_eq!(
        auth.stats().jwks_fetches,
        fetches + 1,
        "after the cool-down: one fetch"
    );
}

#[tokio::test]
async fn jwks_keys_are_revalidated_after_the_ttl_and_removed_keys_stop_working() {
    let (idp, auth, app) = setup().await;
    idp.set_lifetimes(86_400, 86_400);
    let who = |token: String| {
        let app = app.clone();
        async move {
            call(&app, get_req("/state", &[("authorization", &token)]))
                .await
                .2
        }
    };
    let old = format!("Bearer {}", idp.mint(TokenKind::Access, "alice", json!({})));
    assert_eq!(who(old.clone()).await, "signed-in");
    idp.rotate_keys(false);
    // Within the TTL the cached result and key keep serving.
    assert_eq!(who(old.clone()).await, "signed-in");
    auth.clock().advance(3601);
    // Past the TTL a request (even one served from the verified-token cache) triggers a
    // background re-validation.
    let fetches = auth.stats().jwks_fetches;
    let kids = auth.verifier().jwks().kids();
    let new = format!("Bearer {}", idp.mint(TokenKind::Access, "alice", json!({})));
    who(old.clone()).await;
    for _ in 0..200 {
        if auth.verifier().jwks().kids() != kids {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_ne!(
        auth.verifier().jwks().kids(),
        kids,
        "the re-validation replaced the keys"
    );
    assert_eq!(
        auth.stats().jwks_fetches,
        fetches + 1,
        "one background fetch"
    );
    assert_eq!(
        who(old).await,
        "invalid-bearer",
        "a key the pool removed is no longer trusted"
    );
    assert_eq!(who(new).await, "signed-in");
}
