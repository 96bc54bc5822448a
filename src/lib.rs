//! # leptos_cognito
//!
//! Amazon Cognito sign-in for Leptos (SSR + hydrate) applications served by axum: the
//! Rust counterpart of flask-cognito-lib, with the same configuration variables and cookie
//! names, and none of its weaknesses.
//!
//! A request reads straight down one chain of small modules:
//! cookie jar ([`cookies`]) → token verification ([`verify`], keys from [`jwks`]) → verified
//! user in the request ([`middleware`], [`session`]) → Leptos context ([`components`]) →
//! [`use_user`] / [`Protected`]. Policies ([`policy`]), configuration ([`config`]) and the
//! flows ([`flows`]: login, callback, logout; [`refresh`]) sit beside that chain.
//!
//! ```no_run
//! # #[cfg(feature = "ssr")] async fn f() {
//! use axum::Router;
//! use leptos_cognito::CognitoAuth;
//!
//! let auth = CognitoAuth::from_env().unwrap_or_else(|e| panic!("{e}"));
//! let app: Router = Router::new()
//!     // .leptos_routes_with_context(&opts, routes, { let a = auth.clone(); move || leptos_cognito::provide_cognito(a.clone()) }, shell)
//!     .merge(auth.routes())
//!     .layer(auth.layer());
//! # }
//! ```
//!
//! Features: `ssr` (server side), `hydrate` (browser side), `dev-idp` (the embedded
//! Cognito-compatible identity provider for development and tests).
#![deny(missing_docs)]
// `Result<_, Response>` is the axum idiom for early returns from handlers.
#![allow(clippy::result_large_err)]

pub mod components;
pub mod policy;
pub mod server_fns;
pub mod user;

#[cfg(feature = "ssr")]
pub mod auth;
#[cfg(feature = "ssr")]
pub mod clock;
#[cfg(feature = "ssr")]
pub mod cognito_client;
#[cfg(feature = "ssr")]
pub mod config;
#[cfg(feature = "ssr")]
pub mod cookies;
#[cfg(feature = "dev-idp")]
pub mod dev_idp;
#[cfg(feature = "ssr")]
pub mod flows;
#[cfg(feature = "ssr")]
pub mod guard;
#[cfg(feature = "ssr")]
pub mod http_client;
#[cfg(feature = "ssr")]
pub mod jwks;
#[cfg(feature = "ssr")]
pub mod middleware;
#[cfg(feature = "ssr")]
mod pages;
#[cfg(feature = "ssr")]
pub mod refresh;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod verify;

pub use components::{
    login_url, provide_auth, refresh_user, use_auth, use_user, AuthContext, AuthSnapshot,
    Protected, SignInLink, SignOutButton, SignedIn, SignedOut,
};
pub use policy::Policy;
pub use user::CognitoUser;

#[cfg(feature = "ssr")]
pub use {
    auth::CognitoAuth,
    config::CognitoConfig,
    guard::{require, RequireLayer},
    middleware::CognitoLayer,
    session::{AuthState, Session},
};

/// Puts the [`CognitoAuth`] handle into the Leptos context (call it in the
/// `leptos_routes_with_context` closure). Optional: the layer also carries it in the request.
///
/// # Example
/// ```no_run
/// # fn f(auth: leptos_cognito::CognitoAuth) {
/// let ctx = move || leptos_cognito::provide_cognito(auth.clone());
/// # let _ = ctx;
/// # }
/// ```
#[cfg(feature = "ssr")]
pub fn provide_cognito(auth: CognitoAuth) {
    leptos::prelude::provide_context(auth);
}
