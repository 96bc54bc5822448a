//! The authentication state of one request, as the middleware found it, and the axum
//! extractors built on it.
//!
//! # Example
//! ```no_run
//! use leptos_cognito::CognitoUser;
//! // 401 (JSON, `WWW-Authenticate: Bearer`) when nobody is signed in.
//! async fn me(user: CognitoUser) -> String {
//!     format!("hello {}", user.username)
//! }
//! // Never rejects.
//! async fn home(user: Option<CognitoUser>) -> String {
//!     user.map_or("hello stranger".into(), |u| format!("hello {}", u.username))
//! }
//! ```

use std::sync::Arc;

use axum::{
    extract::{FromRequestParts, OptionalFromRequestParts},
    response::Response,
};
use http::request::Parts;

use crate::{
    guard::Denial,
    verify::{AccessClaims, IdClaims, Verified},
    CognitoUser,
};

/// Where the credential of a request came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialSource {
    /// The `cognito_access_token` (and `cognito_id_token`) cookies.
    Cookie,
    /// An `Authorization: Bearer` access token.
    Bearer,
}

/// A verified session: the user snapshot and the verified claims behind it.
#[derive(Debug, Clone)]
pub struct Session {
    /// The non-secret snapshot that components see.
    pub user: CognitoUser,
    /// The verified access-token claims (flask-cognito-lib's `session["claims"]`).
    pub access: Verified<AccessClaims>,
    /// The verified ID-token claims (flask-cognito-lib's `session["user_info"]`), if any.
    pub id: Option<Verified<IdClaims>>,
    /// Cookie or bearer.
    pub source: CredentialSource,
}

/// What the middleware concluded about a request.
#[derive(Debug, Clone, Default)]
pub enum AuthState {
    /// No credential, or an invalid/expired one that could not be refreshed.
    #[default]
    SignedOut,
    /// A verified user.
    SignedIn(Arc<Session>),
    /// A bearer token was presented and refused (APIs answer `error="invalid_token"`).
    InvalidBearer,
    /// The user may be signed in, but Cognito could not be reached to refresh or to fetch
    /// keys: protected resources answer 503 and the cookies are kept.
    Unavailable,
}

impl AuthState {
    /// The verified user, if any.
    pub fn user(&self) -> Option<&CognitoUser> {
        match self {
            AuthState::SignedIn(s) => Some(&s.user),
            _ => None,
        }
    }
    /// The verified session, if any.
    pub fn session(&self) -> Option<&Arc<Session>> {
        match self {
            AuthState::SignedIn(s) => Some(s),
            _ => None,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for AuthState {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<AuthState>()
            .cloned()
            .unwrap_or_default())
    }
}

/// The verified session of the request, or the API response refusing it (401/503).
fn session_or_denial(parts: &Parts) -> Result<Arc<Session>, Response> {
    match parts.extensions.get::<AuthState>() {
        Some(AuthState::SignedIn(s)) => Ok(s.clone()),
        Some(AuthState::Unavailable) => Err(Denial::Unavailable.api_response()),
        Some(AuthState::InvalidBearer) => Err(Denial::InvalidToken.api_response()),
        Some(AuthState::SignedOut) | None => Err(Denial::Unauthenticated.api_response()),
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CognitoUser {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        session_or_denial(parts).map(|s| s.user.clone())
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for CognitoUser {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<AuthState>()
            .and_then(|s| s.user().cloned()))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Session {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        session_or_denial(parts).map(|s| Session::clone(&s))
    }
}
