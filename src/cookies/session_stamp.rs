//! The session-timestamps cookie (`cognito_session`): when the session signed in and when it
//! was last used, so idle and absolute limits hold without any server-side store.
//!
//! 1. Written only when `AWS_COGNITO_SESSION_IDLE_SECONDS` or `AWS_COGNITO_SESSION_MAX_SECONDS`
//!    is set: at sign-in, then again when a request shows activity (at most once per
//!    [`touch_interval`]).
//! 2. Encrypted and authenticated (AES-256-GCM through the `cookie` crate's private jar, key
//!    derived from `SECRET_KEY` with HKDF under its own purpose label), HttpOnly, the token
//!    cookies' `SameSite`: the browser cannot read it, nobody can forge or move its times.
//! 3. Bound to the session's `sub`: one user's stamp does not extend another user's session.
//!
//! # Example
//! ```
//! use leptos_cognito::cookies::SessionStamp;
//! let s = SessionStamp::new("sub-1", 1_000);
//! assert_eq!((s.signed_in_at, s.last_used_at), (1_000, 1_000));
//! assert_eq!(s.touched(1_050).last_used_at, 1_050);
//! ```

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The times of one cookie session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionStamp {
    /// The session's subject (`sub`).
    #[serde(rename = "s")]
    pub sub: String,
    /// When the user signed in (seconds since the epoch).
    #[serde(rename = "a")]
    pub signed_in_at: i64,
    /// When the session was last used (seconds since the epoch).
    #[serde(rename = "u")]
    pub last_used_at: i64,
}

impl SessionStamp {
    /// A stamp for a sign-in of `sub` at `now`.
    pub fn new(sub: impl Into<String>, now: i64) -> Self {
        Self {
            sub: sub.into(),
            signed_in_at: now,
            last_used_at: now,
        }
    }

    /// This stamp, used at `now`.
    pub fn touched(&self, now: i64) -> Self {
        Self {
            last_used_at: now.max(self.last_used_at),
            ..self.clone()
        }
    }
}

/// How stale the last-use time may get before a request rewrites it: a tenth of the idle
/// timeout, between one second and one minute (so an idle limit is exact to 10 %, and a busy
/// session is not rewritten on every request).
///
/// ```
/// use std::time::Duration;
/// use leptos_cognito::cookies::session_stamp::touch_interval;
/// assert_eq!(touch_interval(Some(Duration::from_secs(1800))), 60);
/// assert_eq!(touch_interval(Some(Duration::from_secs(5))), 1);
/// assert_eq!(touch_interval(None), 60);
/// ```
pub fn touch_interval(idle: Option<Duration>) -> i64 {
    idle.map_or(60, |d| (d.as_secs() as i64 / 10).clamp(1, 60))
}
