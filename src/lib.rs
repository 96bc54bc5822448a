//! # leptos_cognito
//!
//! Amazon Cognito sign-in for Leptos (SSR + hydrate) applications served by axum: the
//! Rust counterpart of flask-cognito-lib, with the same configuration variables and cookie
//! names, and none of its weaknesses.
//!
//! A request reads straight down one chain, one module per arrow:
//! cookies ([`cookies`]) → verification ([`verify`], keys from [`jwks`]) → session resolver
//! (refresh included) → tower layer ([`CognitoLayer`]) → Leptos context ([`AuthSnapshot`]) →
//! [`use_user`] / [`Protected`]. Policies ([`Policy`]), rejections ([`Rejection`]), paths
//! ([`paths`]), the clock ([`clock`]) and configuration ([`config`]) are leaves; the flows
//! ([`flows`]: login, callback, logout) sit beside the resolver.
//!
//! ## The vocabulary
//! | you write | what it is |
//! |---|---|
//! | [`CognitoAuth`] | the shared parts, built once: `CognitoAuth::from_env()?` |
//! | [`CognitoAuth::layer`] → [`CognitoLayer`] | verifies every request, refreshes, CSRF, caching headers |
//! | [`CognitoAuth::routes`] | `/auth/login`, `/auth/callback`, `/auth/logout` |
//! | [`Policy`] | who may see a page, call a server function or an API route |
//! | [`RequireLayer`], [`require`] → [`Authorized`] | enforce a policy on routes / in server functions |
//! | [`CognitoUser`], [`CurrentUser`], [`Session`], [`AuthState`] | axum extractors (also `Option<CognitoUser>`; `CurrentUser` shares the user instead of copying it) |
//! | [`Rejection`] | every refusal, as a response |
//! | [`provide_auth`], [`use_user`], [`use_auth`] | the Leptos side, identical on server and client |
//! | [`Protected`], [`SignedIn`], [`SignedOut`], [`SignInLink`], [`SignOutButton`] | components |
//! | `dev_idp::DevIdp` | the embedded Cognito-compatible IdP (feature `dev-idp`) |
//!
//! ## Server and components
//! ```no_run
//! # #[cfg(feature = "ssr")] mod server {
//! use axum::{routing::get, serve::ListenerExt, Router};
//! use leptos::prelude::*;
//! use leptos_axum::{generate_route_list, LeptosRoutes};
//! use leptos_cognito::{provide_auth, use_user, CognitoAuth, CognitoUser, Policy, Protected, RequireLayer};
//!
//! #[component]
//! fn App() -> impl IntoView {
//!     provide_auth(); // first thing in App
//!     let user = use_user();
//!     view! {
//!         <p>{move || user.get().map(|u| u.username)}</p>
//!         <Protected policy=Policy::groups(["admins"]) fallback=|| "Admins only">
//!             <p>"Admin panel"</p>
//!         </Protected>
//!     }
//! }
//!
//! async fn me(user: CognitoUser) -> String {
//!     user.username
//! }
//!
//! pub async fn serve() -> Result<(), Box<dyn std::error::Error>> {
//!     let auth = CognitoAuth::from_env()?;
//!     let options = get_configuration(None)?.leptos_options;
//!     let routes = generate_route_list(App);
//!     let app = Router::new()
//!         .route("/api/me", get(me).route_layer(RequireLayer::api(Policy::signed_in())))
//!         .merge(auth.routes())
//!         .leptos_routes(&options, routes, App)
//!         .layer(auth.layer())
//!         .with_state(options);
//!     // TCP_NODELAY: without it a body written after its headers waits for a delayed ACK.
//!     let listener = tokio::net::TcpListener::bind("127.0.0.1:3000")
//!         .await?
//!         .tap_io(|tcp| { let _ = tcp.set_nodelay(true); });
//!     axum::serve(listener, app).await?;
//!     Ok(())
//! }
//! # }
//! ```
//!
//! Features: `ssr` (server side), `hydrate` (browser side), `redis` (the shared store for
//! several replicas, [`store`]), `dev-idp` (the embedded Cognito-compatible identity provider
//! for development and tests).
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod components;
mod context;
pub mod paths;
pub mod policy;
mod server_fns;
#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
mod tabs;
mod user;

#[cfg(feature = "ssr")]
mod auth;
#[cfg(feature = "ssr")]
pub mod clock;
#[cfg(feature = "ssr")]
mod cognito_client;
#[cfg(feature = "ssr")]
pub mod config;
#[cfg(feature = "ssr")]
pub mod cookies;
#[cfg(feature = "ssr")]
pub mod csrf;
#[cfg(feature = "dev-idp")]
pub mod dev_idp;
#[cfg(feature = "doctor")]
pub mod doctor;
#[cfg(feature = "ssr")]
mod extract;
#[cfg(feature = "ssr")]
pub mod flows;
#[cfg(feature = "ssr")]
mod guard;
#[cfg(feature = "ssr")]
mod http_client;
#[cfg(feature = "ssr")]
pub mod jwks;
#[cfg(feature = "ssr")]
mod limits;
#[cfg(feature = "ssr")]
mod middleware;
#[cfg(feature = "ssr")]
mod pages;
#[cfg(feature = "ssr")]
mod refresh;
#[cfg(feature = "ssr")]
mod rejection;
#[cfg(feature = "ssr")]
mod resolver;
#[cfg(feature = "ssr")]
pub mod revocation;
#[cfg(feature = "ssr")]
mod session;
#[cfg(feature = "ssr")]
mod session_cache;
#[cfg(feature = "ssr")]
mod session_end;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod telemetry;
#[cfg(feature = "ssr")]
pub mod verify;

pub use components::{
    provide_auth, refresh_user, use_auth, use_session, use_user, AuthContext, Protected,
    SessionSignals, SignInLink, SignOutButton, SignedIn, SignedOut,
};
pub use context::{AuthSnapshot, SessionTimes, SessionView};
pub use paths::{login_url, LoginOptions};
pub use policy::{Decision, Policy, UnmetRule};
pub use server_fns::{current_user, extend_session, refresh_session, session_state};
pub use user::CognitoUser;

#[cfg(feature = "ssr")]
pub use {
    auth::{CognitoAuth, CognitoAuthBuilder, SetupError, Stats},
    config::CognitoConfig,
    extract::CurrentUser,
    guard::{require, Authorized, RequireLayer, RequireService},
    middleware::{CognitoLayer, CognitoService},
    rejection::{PageRejection, Rejection},
    session::{AuthState, CredentialSource, Session, SessionLimits},
};
