//! axum extractors over the request's [`AuthState`].
//!
//! - [`CognitoUser`]: the signed-in user; otherwise the [`Rejection`] (401 JSON with
//!   `WWW-Authenticate: Bearer`, `invalid_token` for a refused bearer token, 503 when Cognito
//!   is unreachable).
//! - `Option<CognitoUser>`: never refuses a signed-out request.
//! - [`CurrentUser`] (and `Option<CurrentUser>`): the same user, shared with the request
//!   instead of copied (one reference count, no allocation): for hot paths.
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

use std::{ops::Deref, sync::Arc};

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use http::request::Parts;
use serde::{Serialize, Serializer};

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

/// The signed-in user, shared with the request rather than copied: [`CognitoUser`]'s fields
/// through `Deref`, and the verified [`Session`] behind it. It refuses exactly as the
/// `CognitoUser` extractor does, and serializes as the same JSON. Extracting it costs a
/// reference count where `CognitoUser` copies every string of the user.
///
/// # Example
/// ```no_run
/// use leptos_cognito::CurrentUser;
/// async fn me(user: CurrentUser) -> axum::Json<CurrentUser> {
///     assert!(!user.sub.is_empty());
///     axum::Json(user)
/// }
/// ```
#[derive(Clone, Debug)]
pub struct CurrentUser(Arc<Session>);

impl CurrentUser {
    /// The verified session behind the user (access and ID claims, source, limits).
    pub fn session(&self) -> &Session {
        &self.0
    }
}

impl Deref for CurrentUser {
    type Target = CognitoUser;
    fn deref(&self) -> &CognitoUser {
        &self.0.user
    }
}

impl Serialize for CurrentUser {
    fn serialize<Z: Serializer>(&self, s: Z) -> Result<Z::Ok, Z::Error> {
        self.0.user.serialize(s)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = Rejection;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        session(parts).map(CurrentUser)
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for CurrentUser {
    type Rejection = Rejection;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(state_of(&parts.extensions)?
            .session()
            .cloned()
            .map(CurrentUser))
    }
}
