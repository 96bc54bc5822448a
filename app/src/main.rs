//! The demo server: axum + leptos_axum + leptos_cognito.
//!
//! With `AWS_COGNITO_USER_POOL_ID` set every setting comes from the environment
//! (flask-cognito-lib's names, a `.env` file included); otherwise the embedded dev IdP stands in,
//! on loopback addresses only.

use std::process::ExitCode;

use axum::serve::ListenerExt;
use leptos::prelude::*;
use leptos_cognito::dev_idp::cognito_or_dev_idp;
use leptos_cognito_demo::{notes_db::NotesDb, server::router};

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
    let vars: std::collections::HashMap<String, String> = std::env::vars().collect();
    let notes = match NotesDb::from_vars(&vars).await {
        Ok(db) => db,
        Err(e) => return fail(format!("notes database (NOTES_DATABASE_URL): {e}")),
    };
    let (auth, _dev_idp) = match cognito_or_dev_idp(addr, vars).await {
        Ok(x) => x,
        Err(e) => return fail(e),
    };
    if let Err(e) = auth.verifier().jwks().refresh().await {
        tracing::warn!(error = %e, "could not load the JWKS at startup; will retry on demand");
    }

    let app = router(&auth, options, notes);

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
