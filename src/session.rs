//! The authentication state of one request, as the session resolver found it.
//!
//! The layer puts an [`AuthState`] into every request's extensions. Reading it through this
//! module (the extractors, the guards and the Leptos context all do) marks the response as
//! depending on the user, so the layer makes it `private, no-store` with `Vary: Cookie`.
//! A request that never passed through the layer has no state: reading it is a loud
//! [`Rejection::Misconfigured`], never a silent "signed out".

use std::sync::{
    atomic::{AtomicBool, Ordering},
    Arc,
};

use http::Extensions;

use crate::{
    rejection::Rejection,
    verify::{AccessClaims, IdClaims, Verified},
    CognitoUser,
};

/// Where the credential of a request came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialSource {
    /// The `cognito_access_token` (and `cognito_id_token`) cookies.
    Cookie,
    /// An `Authorization: Bearer` access token.
    Bearer,
}

/// When a cookie session ends by the configured idle and absolute limits (both `None` for
/// bearer tokens, and without limits).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SessionLimits {
    /// The idle timeout falls at this time unless the session is used before (seconds since
    /// the epoch).
    pub idle_expires_at: Option<i64>,
    /// The absolute lifetime ends at this time (seconds since the epoch).
    pub absolute_expires_at: Option<i64>,
}

/// A verified session: the user snapshot and the verified claims behind it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Session {
    /// The non-secret snapshot that components see.
    pub user: CognitoUser,
    /// The verified access-token claims (flask-cognito-lib's `session["claims"]`).
    pub access: Verified<AccessClaims>,
    /// The verified ID-token claims (flask-cognito-lib's `session["user_info"]`), if any.
    pub id: Option<Verified<IdClaims>>,
    /// Cookie or bearer.
    pub source: CredentialSource,
    /// When the configured limits end this session.
    pub limits: SessionLimits,
}

impl Session {
    pub(crate) fn new(
        access: Verified<AccessClaims>,
        id: Option<Verified<IdClaims>>,
        source: CredentialSource,
    ) -> Self {
        Self {
            user: crate::verify::claims::user_from(&access, id.as_ref()),
            access,
            id,
            source,
            limits: SessionLimits::default(),
        }
    }
}

/// What the session resolver concluded about a request.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum AuthState {
    /// No credential, or an invalid/expired one that could not be refreshed.
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
        self.session().map(|s| &s.user)
    }
    /// The verified session, if any.
    pub fn session(&self) -> Option<&Arc<Session>> {
        match self {
            AuthState::SignedIn(s) => Some(s),
            _ => None,
        }
    }
    /// The refusal for a resource that needs a signed-in user, when there is none.
    pub fn rejection(&self) -> Option<Rejection> {
        match self {
            AuthState::SignedIn(_) => None,
            AuthState::SignedOut => Some(Rejection::Unauthenticated),
            AuthState::InvalidBearer => Some(Rejection::InvalidToken),
            AuthState::Unavailable => Some(Rejection::Unavailable),
        }
    }
}

/// Set when something read the auth state while handling the request.
#[derive(Debug, Clone, Default)]
pub(crate) struct Consulted(Arc<AtomicBool>);

impl Consulted {
    pub(crate) fn was_consulted(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// The request's auth state, marking the response as user-dependent.
///
/// # Errors
/// [`Rejection::Misconfigured`] when the layer did not run for this request.
pub(crate) fn state_of(extensions: &Extensions) -> Result<AuthState, Rejection> {
    if let Some(c) = extensions.get::<Consulted>() {
        c.0.store(true, Ordering::Relaxed);
    }
    extensions
        .get::<AuthState>()
        .cloned()
        .ok_or(Rejection::Misconfigured(
            "CognitoAuth::layer() around the app (no auth state in the request)",
        ))
}
