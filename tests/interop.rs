//! The same flow tests against two IdPs: our dev IdP and panva's oidc-provider shaped like
//! Cognito (`tests/peer-idp/`), so that our client is not only tested against our own server.
//!
//! Where the IdPs differ, the test says so:
//! - oidc-provider's JWT access tokens carry `aud` (its resource indicator); Cognito's have none.
//!   The verifier checks `client_id` and ignores `aud` for access tokens, so both pass.
//! - oidc-provider needs `scope=openid…` in the authorize request; the app is configured with
//!   `AWS_COGNITO_SCOPES="openid email profile"` for both IdPs.
//! - oidc-provider keeps interaction cookies on its own domain and redirects through
//!   `/interaction/<uid>`; the test browser keeps IdP cookies and follows IdP-internal redirects.
//! - Revocation is checked by its effect (the old refresh token is refused afterwards), since
//!   only the dev IdP has call counters.

mod common;

use std::time::Duration;

use common::{app_routes, count, serve, Browser, PeerIdp, SECRET};
use leptos_cognito::{
    config::CognitoConfigBuilder,
    cookies::RefreshCrypto,
    dev_idp::{DevClient, DevIdp, DevIdpOptions},
    CognitoAuth,
};
use reqwest::StatusCode;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Dev,
    Peer,
}

struct Env {
    kind: Kind,
    url: String,
    dev: Option<DevIdp>,
    _peer: Option<PeerIdp>,
    token_url: String,
    client_id: String,
    client_secret: Option<String>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

struct Opts {
    refresh: bool,
    public: bool,
    token_ttl: u64,
    wrong_secret: bool,
}

impl Default for Opts {
    fn default() -> Self {
        Self {
            refresh: true,
            public: false,
            token_ttl: 3600,
            wrong_secret: false,
        }
    }
}

async fn env(kind: Kind, o: Opts) -> Env {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (builder, dev, peer): (CognitoConfigBuilder, _, _) = match kind {
        Kind::Dev => {
            let mut opts = DevIdpOptions::default();
            opts.clients.push(DevClient {
                client_id: "leptos-cognito-public".into(),
                client_secret: None,
                redirect_uris: vec![],
                logout_uris: vec![],
            });
            let idp = DevIdp::start(opts).await.unwrap();
            idp.set_lifetimes(o.token_ttl, o.token_ttl);
            let mut b = idp.app_config(&url).scopes(["openid", "email", "profile"]);
            if o.public {
                b = b.client_id("leptos-cognito-public").client_secret("");
            }
            (b, Some(idp), None)
        }
        Kind::Peer => {
            let peer = PeerIdp::start(&url, o.token_ttl).await;
            (peer.app_config(&url, o.public), None, Some(peer))
        }
    };
    let mut builder = builder
        .secret_key(SECRET)
        .refresh_flow_enabled(o.refresh)
        .http_timeout(Duration::from_millis(3000));
    if o.wrong_secret {
        builder = builder.client_secret("definitely-not-the-secret");
    }
    let config = builder.build().unwrap();
    let token_url = config.token_endpoint().to_string();
    let client_id = config.client_id().to_string();
    let client_secret = config.client_secret().map(|s| s.expose().to_string());
    let auth = CognitoAuth::new(config).expect("setup");
    let stop = serve(listener, app_routes(&auth).layer(auth.layer()));
    Env {
        kind,
        url,
        dev,
        _peer: peer,
        token_url,
        client_id,
        client_secret,
        _stop: stop,
    }
}

impl Env {
    fn browser(&self) -> Browser {
        Browser::new(&self.url)
    }

    /// Calls the IdP's token endpoint directly with a refresh token.
    async fn direct_refresh(&self, refresh_token: &str) -> StatusCode {
        let mut req = reqwest::Client::new().post(&self.token_url).form(&[
            ("grant_type", "refresh_token"),
            ("client_id", self.client_id.as_str()),
            ("refresh_token", refresh_token),
        ]);
        if let Some(s) = &self.client_secret {
            req = req.basic_auth(&self.client_id, Some(s));
        }
        req.send().await.unwrap().status()
    }
}

fn refresh_token_of(b: &Browser) -> String {
    RefreshCrypto::from_secret(SECRET)
        .decrypt(&b.jar["cognito_refresh_token"])
        .expect("refresh cookie decrypts")
}

macro_rules! both {
    ($($name:ident),* $(,)?) => {
        mod dev {
            $(#[tokio::test] async fn $name() { super::$name(super::Kind::Dev).await })*
        }
        mod peer {
            $(#[tokio::test] async fn $name() { super::$name(super::Kind::Peer).await })*
        }
    };
}

both!(
    sign_in_protected_page_and_sign_out_with_revoke,
    group_policy,
    refresh_after_expiry,
    wrong_client_secret,
    replayed_code,
    bad_redirect_uri,
    public_client,
);

async fn sign_in_protected_page_and_sign_out_with_revoke(kind: Kind) {
    let e = env(kind, Opts::default()).await;
    let mut b = e.browser();
    let p = b.sign_in("alice", "alice-password", "/private").await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{kind:?}: {}", p.body);
    assert_eq!(p.location.as_deref(), Some("/private"));
    assert_eq!(b.get("/private").await.body, "private page of alice");
    common::assert_me_is_alice(&mut b).await;

    let refresh = refresh_token_of(&b);
    let out = b.logout().await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let (_, last) = b.follow_idp(out.location.clone().unwrap(), None).await;
    assert_eq!(
        last.location.as_deref(),
        Some(format!("{}/", e.url).as_str()),
        "{kind:?}: IdP /logout returns to the app"
    );
    assert_eq!(b.get("/api/me").await.status, StatusCode::UNAUTHORIZED);
    assert!(b.jar.keys().all(|k| !k.starts_with("cognito_")));
    // The refresh token was revoked at the IdP.
    assert_eq!(
        e.direct_refresh(&refresh).await,
        StatusCode::BAD_REQUEST,
        "{kind:?}"
    );
}

async fn group_policy(kind: Kind) {
    let e = env(kind, Opts::default()).await;
    let mut bob = e.browser();
    bob.sign_in("bob", "bob-password", "/").await;
    assert_eq!(bob.get("/admin").await.status, StatusCode::FORBIDDEN);
    let mut alice = e.browser();
    alice.sign_in("alice", "alice-password", "/").await;
    assert_eq!(alice.get("/admin").await.status, StatusCode::OK);
}

async fn refresh_after_expiry(kind: Kind) {
    let e = env(
        kind,
        Opts {
            token_ttl: 4,
            ..Default::default()
        },
    )
    .await;
    let mut b = e.browser();
    b.sign_in("alice", "alice-password", "/").await;
    let old = b.jar["cognito_access_token"].clone();
    tokio::time::sleep(Duration::from_millis(5200)).await;
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let mut t = b.clone();
        tasks.push(tokio::spawn(async move {
            let p = t.get("/api/me").await;
            (p.status, t.jar["cognito_access_token"].clone())
        }));
    }
    let mut tokens = std::collections::HashSet::new();
    for t in tasks {
        let (status, token) = t.await.unwrap();
        assert_eq!(status, StatusCode::OK, "{kind:?}");
        tokens.insert(token);
    }
    assert_eq!(
        tokens.len(),
        1,
        "{kind:?}: one refresh served every request"
    );
    assert!(!tokens.contains(&old));
    if let Some(dev) = &e.dev {
        assert_eq!(count(&dev.counters().refreshes), 1);
    }
}

async fn wrong_client_secret(kind: Kind) {
    let e = env(
        kind,
        Opts {
            wrong_secret: true,
            ..Default::default()
        },
    )
    .await;
    let mut b = e.browser();
    let p = b.sign_in("alice", "alice-password", "/").await;
    assert_eq!(p.status, StatusCode::BAD_GATEWAY, "{kind:?}: {}", p.body);
    assert!(!b.has("cognito_access_token"));
}

async fn replayed_code(kind: Kind) {
    let e = env(kind, Opts::default()).await;
    let mut b = e.browser();
    let authorize = b.start_login("/").await;
    let callback = b
        .submit_credentials(&authorize, "alice", "alice-password")
        .await;
    let mut replay = b.clone();
    assert_eq!(b.get(&callback).await.status, StatusCode::SEE_OTHER);
    let p = replay.get(&callback).await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST, "{kind:?}: {}", p.body);
    assert!(!replay.has("cognito_access_token"));
}

async fn bad_redirect_uri(kind: Kind) {
    let e = env(kind, Opts::default()).await;
    let mut b = e.browser();
    let authorize = b.start_login("/").await;
    let mut url = url::Url::parse(&authorize).unwrap();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "redirect_uri" {
                "http://127.0.0.1:9/evil".to_string()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    let (_, page) = b.follow_idp(url.to_string(), None).await;
    assert_eq!(
        page.status,
        StatusCode::BAD_REQUEST,
        "{kind:?}: {}",
        page.body
    );
    assert!(
        page.location.is_none(),
        "{kind:?}: never redirects to an unregistered URI"
    );
}

async fn public_client(kind: Kind) {
    let e = env(
        kind,
        Opts {
            public: true,
            ..Default::default()
        },
    )
    .await;
    assert!(e.client_secret.is_none());
    let mut b = e.browser();
    let p = b.sign_in("bob", "bob-password", "/private").await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{kind:?}: {}", p.body);
    assert_eq!(b.get("/private").await.body, "private page of bob");
    let refresh = refresh_token_of(&b);
    assert_eq!(e.direct_refresh(&refresh).await, StatusCode::OK, "{kind:?}");
    assert_eq!(b.logout().await.status, StatusCode::SEE_OTHER);
    // Revocation for public clients sends client_id in the body (flask-cognito-lib forgets it).
    assert_eq!(
        e.direct_refresh(&refresh).await,
        StatusCode::BAD_REQUEST,
        "{kind:?}"
    );
    if e.kind == Kind::Dev {
        assert_eq!(count(&e.dev.as_ref().unwrap().counters().revocations), 1);
    }
}
