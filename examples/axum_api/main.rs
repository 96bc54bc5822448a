//! A plain axum JSON API (no Leptos) that accepts Cognito access tokens as Bearer tokens.
//!
//!     cargo run --example axum_api --features dev-idp
//!     cargo run --example axum_api --features dev-idp -- --print-dev-token   # a token to try
//!
//! `GET /api/me` answers the token's user (401 without a valid token); `GET /api/admin` needs
//! the `admins` group (403 otherwise). Set the `AWS_COGNITO_*` variables for a real pool.

use axum::{routing::get, serve::ListenerExt, Json, Router};
use leptos_cognito::{
    dev_idp::{cognito_or_dev_idp, TokenKind},
    CognitoUser, Policy, RequireLayer,
};
use serde_json::{json, Value};

async fn me(user: CognitoUser) -> Json<Value> {
    Json(json!({ "sub": user.sub, "username": user.username, "groups": user.groups }))
}

async fn admin(user: CognitoUser) -> Json<Value> {
    Json(json!({ "hello": user.username, "area": "admins only" }))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = "127.0.0.1:3000".parse()?;
    let (auth, dev_idp) = cognito_or_dev_idp(addr, std::env::vars().collect()).await?;
    if std::env::args().any(|a| a == "--print-dev-token") {
        if let Some(idp) = &dev_idp {
            // Dev IdP only: a token for its demo user alice, to try the API with curl.
            println!("{}", idp.mint(TokenKind::Access, "alice", json!({})));
        }
    }
    let app = Router::new()
        .route(
            "/api/me",
            get(me).route_layer(RequireLayer::api(Policy::signed_in())),
        )
        .route(
            "/api/admin",
            get(admin).route_layer(RequireLayer::api(Policy::groups(["admins"]))),
        )
        .layer(auth.layer());
    eprintln!("listening on http://{addr}");
    // TCP_NODELAY: without it a body written after its headers waits for a delayed ACK.
    let listener = tokio::net::TcpListener::bind(addr).await?.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, app).await?;
    Ok(())
}
