//! The migration path from flask-cognito-lib, driven with the real package: its Flask app and
//! ours on the same dev IdP, app client and `SECRET_KEY`, on one host (cookies are per host,
//! not per port, as a browser keeps them).
//!
//! 1. Signed in through Flask → signed in on ours, also after expiry: our refresh reads Flask's
//!    Fernet-encrypted refresh cookie.
//! 2. Signed in through ours → Flask's group-protected route accepts our cookie (and refuses
//!    bob's), and Flask's refresh route reads our refresh cookie.
//!
//! Needs flask-cognito-lib in a virtualenv: `make test` installs it from PyPI into
//! `target/bench-venv` (or set `FLASK_COGNITO_PYTHON`). Where PyPI was unreachable the tests
//! say SKIPPED with the reason on stderr and in `make test`'s output.

mod common;

use std::{path::PathBuf, process::Stdio, time::Duration};

use common::{count, AppOptions, Browser, TestApp, SECRET};
use reqwest::StatusCode;

const ACCESS: &str = "cognito_access_token";
const REFRESH: &str = "cognito_refresh_token";

fn python() -> Option<PathBuf> {
    let p = std::env::var_os("FLASK_COGNITO_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/target/bench-venv/bin/python"
            ))
        });
    let ok = std::process::Command::new(&p)
        .args(["-c", "import flask_cognito_lib"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        Some(p)
    } else {
        eprintln!(
            "SKIPPED: flask-cognito-lib is not installed at {} (PyPI unreachable when `make test` \
             tried?). Install it with: python3 -m venv target/bench-venv && \
             target/bench-venv/bin/pip install flask-cognito-lib==1.9.6",
            p.display()
        );
        None
    }
}

struct Flask {
    url: String,
    _child: tokio::process::Child,
}

async fn flask(python: &PathBuf, app: &TestApp) -> Flask {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    app.idp.register_app(&url);
    let client = app.idp.client();
    let child = tokio::process::Command::new(python)
        .arg("migration_app.py")
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/flask"))
        .env("MIGRATION_PORT", port.to_string())
        .env("MIGRATION_ORIGIN", &url)
        .env("MIGRATION_SECRET_KEY", SECRET)
        .env("MIGRATION_REGION", app.idp.region())
        .env("MIGRATION_POOL_ID", app.idp.pool_id())
        .env("MIGRATION_CLIENT_ID", &client.client_id)
        .env("MIGRATION_CLIENT_SECRET", client.client_secret.unwrap())
        .env("MIGRATION_DOMAIN", app.idp.url())
        .env("MIGRATION_ISSUER", app.idp.issuer())
        .env("MIGRATION_JWKS_URL", app.idp.jwks_url())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("python starts");
    let http = reqwest::Client::new();
    for _ in 0..200 {
        if http
            .get(format!("{url}/health"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            return Flask { url, _child: child };
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the Flask app did not start");
}

/// Signs in through the Flask app; returns a browser holding Flask's cookies.
async fn sign_in_through_flask(f: &Flask, user: &str) -> Browser {
    let mut b = Browser::new(&f.url);
    let p = b.get("/auth/login").await;
    assert!(p.status.is_redirection(), "flask /auth/login: {}", p.status);
    let authorize = p.location.unwrap();
    let callback = b
        .submit_credentials(&authorize, user, &format!("{user}-password"))
        .await;
    let p = b.get(&callback).await;
    assert!(
        p.status.is_redirection(),
        "flask callback: {} {}",
        p.status,
        p.body
    );
    assert!(
        b.has(ACCESS) && b.has(REFRESH),
        "Flask set its cookies: {:?}",
        b.jar.keys()
    );
    b
}

/// The same cookies, sent to another app on the same host.
fn same_host(b: &Browser, origin: &str) -> Browser {
    let mut other = Browser::new(origin);
    other.jar = b
        .jar
        .iter()
        .filter(|(k, _)| k.starts_with("cognito_"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    other
}

#[tokio::test]
async fn signed_in_through_flask_is_signed_in_here_also_after_expiry() {
    let Some(python) = python() else { return };
    let app = TestApp::start(AppOptions::refreshing()).await;
    let f = flask(&python, &app).await;
    let from_flask = sign_in_through_flask(&f, "alice").await;

    let mut ours = same_host(&from_flask, &app.url);
    common::assert_me_is_alice(&mut ours).await;

    // Expired: our refresh decrypts Flask's Fernet refresh cookie and signs alice in again.
    app.clock.advance(7200);
    let before = count(&app.idp.counters().refreshes);
    common::assert_me_is_alice(&mut ours).await;
    assert_eq!(
        count(&app.idp.counters().refreshes),
        before + 1,
        "refreshed once"
    );
    assert_ne!(ours.jar[ACCESS], from_flask.jar[ACCESS], "new access token");
    assert!(ours.has(REFRESH), "the refresh cookie is kept");
}

#[tokio::test]
async fn signed_in_here_is_accepted_by_flasks_group_route_and_refresh() {
    let Some(python) = python() else { return };
    let app = TestApp::start(AppOptions::refreshing()).await;
    let f = flask(&python, &app).await;

    let mut alice = app.browser();
    alice.sign_in("alice", "alice-password", "/").await;
    let mut on_flask = same_host(&alice, &f.url);
    let p = on_flask.get("/admins").await;
    assert_eq!(
        p.status,
        StatusCode::OK,
        "Flask's @auth_required(groups=[admins]): {}",
        p.body
    );
    assert_eq!(on_flask.get("/signed-in").await.status, StatusCode::OK);

    let mut bob = app.browser();
    bob.sign_in("bob", "bob-password", "/").await;
    let mut bob_on_flask = same_host(&bob, &f.url);
    assert_eq!(bob_on_flask.get("/signed-in").await.status, StatusCode::OK);
    assert_eq!(
        bob_on_flask.get("/admins").await.status,
        StatusCode::FORBIDDEN,
        "Flask refuses bob on the admins route"
    );

    // Flask's refresh route reads our encrypted refresh cookie and sets new tokens.
    let before = count(&app.idp.counters().refreshes);
    let p = on_flask.get("/auth/refresh").await;
    assert!(
        p.status.is_redirection(),
        "flask refresh: {} {}",
        p.status,
        p.body
    );
    assert_eq!(count(&app.idp.counters().refreshes), before + 1);
    assert_ne!(
        on_flask.jar[ACCESS], alice.jar[ACCESS],
        "Flask stored a new access token"
    );
    // And back on ours with the cookies Flask wrote.
    let mut back = same_host(&on_flask, &app.url);
    common::assert_me_is_alice(&mut back).await;
}
