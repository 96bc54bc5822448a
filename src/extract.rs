//! axum extractors over the request's [`AuthState`].
//!
//! - [`CognitoUser`]: the signed-in user; otherwise the [`Rejection`] (401 JSON with
//!   `WWW-Authenticate: Bearer`, `invalid_token` for a refused bearer token, 503 when Cognito
//!   is unreachable).
//! - `Option<CognitoUser>`: never refuses a signed-out request.
//! - [`Session`]: the user with the verified access and ID claims.
//! - [`AuthState`]: the resolver's verdict itself.
//!
//! Every one of them answers 500 ([`Rejection::Misconfigured`], logged) when the layer is
//! missing, rather than pretending nobody is signed in.
//!
//! # Example
//! ```no_run
//! use leptos_cognito::CognitoUser;
//! // 401 (JSON, `WWW-Authenticate: Bearer`) when nobody is signed in.
//! async fn me(user: CognitoUser) -> String {
//!     format!("hello {}", user.username)
//! }
//! // Never rejects a signed-out request.
//! async fn home(user: Option<CognitoUser>) -> String {
//!     user.map_or("hello stranger".into(), |u| format!("hello {}", u.username))
//! }
//! ```

use std::sync::Arc;

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use http::request::Parts;

use crate::{
    rejection::Rejection,
    session::{state_of, AuthState, Session},
    CognitoUser,
};

fn session(parts: &Parts) -> Result<Arc<Session>, Rejection> {
    let state = state_of(&parts.extensions)?;
    match state.rejection() {
        Some(r) => Err(r),
        None => state.session().cloned().ok_or(Rejection::Unauthenticated),
    }
}

impl<S: Send + Sync> FromRequestParts<S> for AuthState {
    type Rejection = Rejection;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        state_of(&parts.extensions)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CognitoUser {
    type Rejection = Rejection;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        session(parts).map(|s| s.user.clone())
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for CognitoUser {
    type Rejection = Rejection;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(state_of(&parts.extensions)?.user().cloned())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Session {
    type Rejection = Rejection;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        session(parts).map(|s| Session::clone(&s))
    }
}
