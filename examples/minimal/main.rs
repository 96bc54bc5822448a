//! The smallest Leptos app with one protected page, served by axum (server-rendered).
//!
//!     cargo run --example minimal --features dev-idp
//!
//! Open http://127.0.0.1:3000, sign in as alice / alice-password (the embedded dev IdP).
//! Set the `AWS_COGNITO_*` variables to use a real user pool instead.

use axum::{serve::ListenerExt, Router};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use leptos_cognito::{
    dev_idp::cognito_or_dev_idp, provide_auth, use_user, Protected, SignInLink, SignOutButton,
};
use leptos_router::{
    components::{Route, Router as LeptosRouter, Routes},
    path,
};

#[component]
fn App() -> impl IntoView {
    provide_auth(); // first: the verified user, the same on server and client
    view! {
        <LeptosRouter>
            <Routes fallback=|| "Not found">
                <Route path=path!("/") view=Home/>
                <Route path=path!("/secret") view=Secret/>
            </Routes>
        </LeptosRouter>
    }
}

#[component]
fn Home() -> impl IntoView {
    view! {
        <h1>"Hello"</h1>
        <SignInLink return_to="/secret">"Sign in"</SignInLink>
        " · " <a href="/secret">"The secret page"</a>
    }
}

#[component]
fn Secret() -> impl IntoView {
    let user = use_user();
    view! {
        // Signed out: redirected to sign-in (and back here afterwards).
        <Protected>
            <h1>"Hello, " {move || user.get().map(|u| u.username)}</h1>
            <SignOutButton/>
        </Protected>
    }
}

/// The HTML document around the app.
fn shell() -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head><meta charset="utf-8"/><title>"minimal"</title></head>
            <body><App/></body>
        </html>
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = "127.0.0.1:3000".parse()?;
    let (auth, _dev_idp) = cognito_or_dev_idp(addr, std::env::vars().collect()).await?;
    let options = LeptosOptions::builder()
        .output_name("minimal")
        .site_addr(addr)
        .build();
    let app = Router::new()
        .merge(auth.routes()) // /auth/login, /auth/callback, /auth/logout
        .leptos_routes(&options, generate_route_list(App), shell)
        .layer(auth.layer()) // verifies the cookies of every request
        .with_state(options);
    println!("http://{addr}");
    // TCP_NODELAY: without it a body written after its headers waits for a delayed ACK.
    let listener = tokio::net::TcpListener::bind(addr).await?.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, app).await?;
    Ok(())
}
