//! The demo server: axum + leptos_axum + leptos_cognito.
//!
//! With `AWS_COGNITO_USER_POOL_ID` set every setting comes from the environment
//! (flask-cognito-lib's names, a `.env` file included); otherwise the embedded dev IdP stands in,
//! on loopback addresses only.

use std::process::ExitCode;

use axum::{routing::get, serve::ListenerExt, Json, Router};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use leptos_cognito::{dev_idp::cognito_or_dev_idp, CognitoUser, Policy, RequireLayer};
use leptos_cognito_demo::app::{shell, App};

/// `GET /api/me`: the signed-in user as JSON (cookie or bearer), 401 otherwise.
async fn api_me(user: CognitoUser) -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "sub": user.sub,
        "username": user.username,
        "email": user.email,
        "groups": user.groups,
    }))
}

#[tokio::main]
async fn main() -> ExitCode {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,leptos_cognito=info".into());
    tracing_subscriber::fmt().with_env_filter(filter).init();
    // Loading `.env` is the application's choice; the library only reads the environment.
    let _ = dotenvy::dotenv();

    let options = match get_configuration(None) {
        Ok(c) => c.leptos_options,
        Err(e) => return fail(format!("leptos configuration: {e}")),
    };
    let addr = options.site_addr;
    let (auth, _dev_idp) = match cognito_or_dev_idp(addr, std::env::vars().collect()).await {
        Ok(x) => x,
        Err(e) => return fail(e),
    };
    if let Err(e) = auth.verifier().jwks().refresh().await {
        tracing::warn!(error = %e, "could not load the JWKS at startup; will retry on demand");
    }

    let routes = generate_route_list(App);
    let app = Router::new()
        .route(
            "/api/me",
            get(api_me).route_layer(RequireLayer::api(Policy::signed_in())),
        )
        .merge(auth.routes())
        .leptos_routes(&options, routes, {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler(shell))
        .layer(auth.layer())
        .with_state(options);

    let listener = match tokio::net::TcpListener::bind(&addr).await {
        Ok(l) => l,
        Err(e) => return fail(format!("cannot listen on {addr}: {e}")),
    };
    tracing::info!("listening on http://{addr}");
    // Without TCP_NODELAY a body written after its headers waits for the client's delayed ACK.
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(format!("server error: {e}")),
    }
}

fn fail(message: String) -> ExitCode {
    eprintln!("{message}");
    ExitCode::from(2)
}
