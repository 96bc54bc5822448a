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

/// When the session ends, as the server knows it (times in seconds since the epoch, on the
/// server's clock). Carries no token.
///
/// # Example
/// ```
/// use leptos_cognito::SessionTimes;
/// let mut t = SessionTimes::default();
/// t.access_expires_at = Some(2_000);
/// t.idle_expires_at = Some(1_500);
/// assert_eq!(t.ends_at(), Some(1_500));
/// t.idle_expires_at = None;
/// assert_eq!(t.ends_at(), Some(2_000)); // no refresh: the access token's expiry
/// t.refreshable = true;
/// assert_eq!(t.ends_at(), None); // refreshed as it goes
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SessionTimes {
    /// The access token's expiry.
    pub access_expires_at: Option<i64>,
    /// The idle limit (`AWS_COGNITO_SESSION_IDLE_SECONDS`), unless the session is used before.
    pub idle_expires_at: Option<i64>,
    /// The absolute limit (`AWS_COGNITO_SESSION_MAX_SECONDS`).
    pub absolute_expires_at: Option<i64>,
    /// Whether the session refreshes itself (refresh flow on, cookie session).
    pub refreshable: bool,
    /// How long before [`ends_at`](Self::ends_at) the session "ends soon", seconds
    /// (`AWS_COGNITO_SESSION_WARNING_SECONDS`).
    pub warn_before: i64,
    /// Lead time of the proactive refresh, seconds (`AWS_COGNITO_PROACTIVE_REFRESH_SECONDS`).
    pub proactive_refresh: Option<i64>,
}

impl SessionTimes {
    /// When the session ends unless something is done: the earliest of the idle and absolute
    /// limits, and the access token's expiry when the session cannot refresh.
    pub fn ends_at(&self) -> Option<i64> {
        let access = (!self.refreshable)
            .then_some(self.access_expires_at)
            .flatten();
        [self.idle_expires_at, self.absolute_expires_at, access]
            .into_iter()
            .flatten()
            .min()
    }

    /// Whether extending ([`refresh_user`](crate::refresh_user)) moves the end: the session
    /// refreshes, and it is not the absolute limit that ends it.
    pub fn extendable(&self) -> bool {
        self.refreshable
            && (self.absolute_expires_at.is_none() || self.ends_at() != self.absolute_expires_at)
    }
}

/// What the browser learns about the session: the snapshot, its times and the server's clock
/// (so the browser counts down in server time). Sent in the hydration data and by
/// [`session_state`](crate::session_state).
///
/// ```
/// use leptos_cognito::{AuthSnapshot, SessionView};
/// let v = SessionView::default();
/// assert_eq!(v.snapshot, AuthSnapshot::SignedOut);
/// assert_eq!(v.times.ends_at(), None);
/// // Serialised into the page and the server function's answer: never a token.
/// assert!(serde_json::to_string(&v).unwrap().contains("server_now"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SessionView {
    /// The auth state.
    pub snapshot: AuthSnapshot,
    /// When the session ends (default when nobody is signed in).
    pub times: SessionTimes,
    /// The server's clock when this view was made (seconds since the epoch).
    pub server_now: i64,
}

/// The view of the current request (server side): the snapshot, the session's times and the
/// server's clock.
#[cfg(feature = "ssr")]
pub(crate) fn server_view() -> SessionView {
    use crate::auth::CognitoAuth;

    let snapshot = server_snapshot();
    let parts = leptos::prelude::use_context::<http::request::Parts>();
    let auth = parts
        .as_ref()
        .and_then(|p| p.extensions.get::<CognitoAuth>().cloned());
    let Some(auth) = auth else {
        return SessionView {
            snapshot,
            times: SessionTimes::default(),
            server_now: crate::policy::unix_now(),
        };
    };
    let config = auth.config();
    let session = parts
        .as_ref()
        .and_then(|p| p.extensions.get::<crate::session::AuthState>())
        .and_then(|s| s.session().cloned());
    SessionView {
        snapshot,
        times: session.map_or_else(SessionTimes::default, |s| times_of(config, &s)),
        server_now: auth.clock().now(),
    }
}

/// The times of a verified session under `config`.
#[cfg(feature = "ssr")]
pub(crate) fn times_of(
    config: &crate::config::CognitoConfig,
    s: &crate::session::Session,
) -> SessionTimes {
    SessionTimes {
        access_expires_at: Some(s.user.access_expires_at),
        idle_expires_at: s.limits.idle_expires_at,
        absolute_expires_at: s.limits.absolute_expires_at,
        refreshable: config.refresh_flow_enabled()
            && s.source == crate::session::CredentialSource::Cookie,
        warn_before: config.session_warning().as_secs() as i64,
        proactive_refresh: config.proactive_refresh().map(|d| d.as_secs() as i64),
    }
}

/// On the client the view always comes from the hydration data.
#[cfg(not(feature = "ssr"))]
pub(crate) fn server_view() -> SessionView {
    SessionView::default()
}

/// The snapshot of the current request (server side). Outside a request (route-list
/// generation, which renders on a request no axum router saw) it is
/// [`AuthSnapshot::SignedOut`]; inside a request that the layer did not see, the error is
/// logged and the response becomes a 500.
#[cfg(feature = "ssr")]
fn server_snapshot() -> AuthSnapshot {
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
