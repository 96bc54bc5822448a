//! The demo server: axum + leptos_axum + leptos_cognito.
//!
//! With `AWS_COGNITO_USER_POOL_ID` unset it starts the embedded dev IdP and configures itself
//! for it; otherwise every setting comes from the environment (flask-cognito-lib names).

use std::{collections::HashMap, net::SocketAddr, process::ExitCode};

use axum::{routing::get, Json, Router};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use leptos_cognito::{
    config::{vars, CognitoConfig},
    dev_idp::{DevIdp, DevIdpOptions},
    provide_cognito, CognitoAuth, CognitoUser, Policy, RequireLayer,
};
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

async fn configure(site: SocketAddr) -> Result<(CognitoAuth, Option<DevIdp>), String> {
    let env: HashMap<String, String> = std::env::vars().collect();
    if env
        .get(vars::AWS_COGNITO_USER_POOL_ID)
        .is_some_and(|v| !v.trim().is_empty())
    {
        let config = CognitoConfig::from_vars(env).map_err(|e| e.to_string())?;
        if !config.redirect_url().scheme().eq("https") && config.cookie_secure() {
            tracing::warn!("AWS_COGNITO_REDIRECT_URL is http:// but cookies are Secure; set AWS_COGNITO_COOKIE_SECURE=false for plain-http local testing");
        }
        return Ok((CognitoAuth::new(config), None));
    }
    let idp_addr: SocketAddr = env
        .get("DEV_IDP_ADDR")
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)));
    let idp = DevIdp::start(DevIdpOptions {
        addr: idp_addr,
        ..Default::default()
    })
    .await
    .map_err(|e| format!("cannot start the dev IdP on {idp_addr}: {e}"))?;
    let host = if site.ip().is_unspecified() {
        SocketAddr::from(([127, 0, 0, 1], site.port()))
    } else {
        site
    };
    let origin = format!("http://{host}");
    let mut builder = idp.app_config(&origin).refresh_flow_enabled(true);
    // The variables that describe the IdP itself are the dev IdP's: ignore them.
    builder = builder.with_vars(&env, vars::IDP_VARIABLES).dev_mode(true);
    let config = builder.build().map_err(|e| e.to_string())?;
    tracing::info!(
        idp = %idp.url(),
        "no AWS_COGNITO_USER_POOL_ID: using the embedded dev IdP (users alice/alice-password, bob/bob-password)"
    );
    Ok((CognitoAuth::new(config), Some(idp)))
}

#[tokio::main]
async fn main() -> ExitCode {
    // The library reads only the process environment: load `.env` (when present) here.
    let dotenv = dotenvy::dotenv();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,leptos_cognito=info".into()),
        )
        .init();
    match dotenv {
        Ok(path) => tracing::info!("loaded {}", path.display()),
        Err(e) if e.not_found() => {}
        Err(e) => tracing::warn!(error = %e, "could not read .env"),
    }

    let conf = match get_configuration(None) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("leptos configuration: {e}");
            return ExitCode::from(2);
        }
    };
    let leptos_options = conf.leptos_options;
    let addr = leptos_options.site_addr;
    let (auth, _idp) = match configure(addr).await {
        Ok(x) => x,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
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
        .leptos_routes_with_context(
            &leptos_options,
            routes,
            {
                let auth = auth.clone();
                move || provide_cognito(auth.clone())
            },
            {
                let options = leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler(shell))
        .layer(auth.layer())
        .with_state(leptos_options);

    let listener = match tokio::net::TcpListener::bind(&addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("cannot listen on {addr}: {e}");
            return ExitCode::from(2);
        }
    };
    tracing::info!(
        "listening on http://{}",
        listener
            .local_addr()
            .map(|a| a.to_string())
            .unwrap_or_default()
    );
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    if let Err(e) = axum::serve(listener, app.into_make_service())
        .with_graceful_shutdown(shutdown)
        .await
    {
        eprintln!("server error: {e}");
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
