//! The auth state as the Leptos tree sees it: an [`AuthSnapshot`] made on the server from the
//! request the layer resolved, and carried to the browser in the hydration data, so the first
//! client render equals the server render.
//!
//! # Example
//! ```
//! use leptos_cognito::{AuthSnapshot, CognitoUser};
//! let s = AuthSnapshot::SignedIn(CognitoUser { username: "alice".into(), ..Default::default() });
//! assert_eq!(s.user().map(|u| u.username.as_str()), Some("alice"));
//! assert!(!s.is_disabled());
//! assert_eq!(AuthSnapshot::default(), AuthSnapshot::SignedOut);
//! ```

use serde::{Deserialize, Serialize};

use crate::CognitoUser;

/// What the server knew about the request, sent to the client for hydration. Carries no token.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum AuthSnapshot {
    /// Nobody is signed in.
    #[default]
    SignedOut,
    /// A verified user.
    SignedIn(CognitoUser),
    /// Cognito was unreachable while this request needed it: the user may be signed in.
    Unavailable,
    /// `AWS_COGNITO_DISABLED`: every policy passes; the verified user, if someone is signed in.
    Disabled(Option<CognitoUser>),
}

impl AuthSnapshot {
    /// The verified user, if any.
    pub fn user(&self) -> Option<&CognitoUser> {
        match self {
            AuthSnapshot::SignedIn(u) => Some(u),
            AuthSnapshot::Disabled(u) => u.as_ref(),
            _ => None,
        }
    }
    /// Whether authorization is disabled.
    pub fn is_disabled(&self) -> bool {
        matches!(self, AuthSnapshot::Disabled(_))
    }
    /// Whether Cognito was unreachable for this request.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, AuthSnapshot::Unavailable)
    }
    /// This snapshot with `user` as the signed-in user (keeping disabled mode).
    pub(crate) fn with_user(&self, user: Option<CognitoUser>) -> AuthSnapshot {
        match (self, user) {
            (AuthSnapshot::Disabled(_), u) => AuthSnapshot::Disabled(u),
            (_, Some(u)) => AuthSnapshot::SignedIn(u),
            (_, None) => AuthSnapshot::SignedOut,
        }
    }
}

/// The snapshot of the current request (server side). Outside a request (route-list
/// generation, which renders on a request no axum router saw) it is
/// [`AuthSnapshot::SignedOut`]; inside a request that the layer did not see, the error is
/// logged and the response becomes a 500.
#[cfg(feature = "ssr")]
pub(crate) fn server_snapshot() -> AuthSnapshot {
    use leptos::prelude::use_context;

    use crate::{auth::CognitoAuth, session::AuthState};

    let Some(parts) = use_context::<http::request::Parts>() else {
        return AuthSnapshot::SignedOut;
    };
    let state = match crate::session::state_of(&parts.extensions) {
        Ok(s) => s,
        // Route-list generation renders the app on a made-up request that no axum router saw:
        // nothing to report.
        Err(_)
            if parts
                .extensions
                .get::<axum::extract::OriginalUri>()
                .is_none() =>
        {
            return AuthSnapshot::SignedOut;
        }
        Err(rejection) => {
            tracing::error!(error = %rejection, "rendering without the auth layer");
            if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
                res.set_status(rejection.status());
            }
            return AuthSnapshot::Unavailable;
        }
    };
    let disabled = parts
        .extensions
        .get::<CognitoAuth>()
        .is_some_and(|a| a.config().disabled());
    match state {
        _ if disabled => AuthSnapshot::Disabled(state.user().cloned()),
        AuthState::SignedIn(s) => AuthSnapshot::SignedIn(s.user.clone()),
        AuthState::Unavailable => AuthSnapshot::Unavailable,
        _ => AuthSnapshot::SignedOut,
    }
}

/// On the client the snapshot always comes from the hydration data.
#[cfg(not(feature = "ssr"))]
pub(crate) fn server_snapshot() -> AuthSnapshot {
    AuthSnapshot::SignedOut
}
