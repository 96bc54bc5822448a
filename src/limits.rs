//! Idle and absolute limits of cookie sessions (`AWS_COGNITO_SESSION_IDLE_SECONDS`,
//! `AWS_COGNITO_SESSION_MAX_SECONDS`), judged from the encrypted timestamps cookie
//! ([`crate::cookies::session_stamp`]), so they hold on every replica without a store.
//!
//! Rules (only when a limit is configured; bearer tokens are not sessions and have none):
//! 1. No readable stamp → the session ends (it was signed in before the limits were turned
//!    on, or the cookie was removed or forged: dropping it must not reset the clock).
//! 2. Unused for the idle timeout, or signed in longer ago than the absolute limit → the
//!    session ends, whatever its tokens say (checked before any refresh).
//! 3. A stamp of another `sub` than the verified session → signed out here (cookies cleared;
//!    the session is not revoked: this is how a late response of the previous user looks).
//! 4. Otherwise a request that shows activity moves the last-use time forward (at most once
//!    per [`touch_interval`]); background reads (`/auth/session`, `/auth/user`) do not.

use crate::{
    config::CognitoConfig,
    cookies::{session_stamp::touch_interval, SessionStamp},
    session::SessionLimits,
};

/// Why a session ended by its limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LimitReached {
    /// Unused for the idle timeout.
    Idle,
    /// Older than the absolute lifetime.
    Absolute,
    /// No readable timestamps cookie.
    NoStamp,
    /// The timestamps belong to another user.
    OtherUser,
}

impl LimitReached {
    pub(crate) fn code(self) -> &'static str {
        match self {
            LimitReached::Idle => "idle",
            LimitReached::Absolute => "absolute",
            LimitReached::NoStamp => "no_stamp",
            LimitReached::OtherUser => "other_user",
        }
    }
}

/// The limits' verdict on a request's session, before its tokens are looked at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// No limit configured.
    Off,
    /// Within the limits, with these timestamps.
    Within(SessionStamp),
    /// A limit was reached: the session ends.
    Reached(LimitReached),
}

/// A duration in whole seconds, saturating.
fn secs(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

/// Judges `stamp` at `now` (rules 1 and 2).
pub(crate) fn judge(config: &CognitoConfig, stamp: Option<SessionStamp>, now: i64) -> Verdict {
    if !config.session_limits() {
        return Verdict::Off;
    }
    let Some(stamp) = stamp else {
        return Verdict::Reached(LimitReached::NoStamp);
    };
    if let Some(idle) = config.session_idle_timeout() {
        if now.saturating_sub(stamp.last_used_at) >= secs(idle) {
            return Verdict::Reached(LimitReached::Idle);
        }
    }
    if let Some(max) = config.session_max_lifetime() {
        if now.saturating_sub(stamp.signed_in_at) >= secs(max) {
            return Verdict::Reached(LimitReached::Absolute);
        }
    }
    Verdict::Within(stamp)
}

/// When the session of `stamp` ends by the limits.
pub(crate) fn limits_of(config: &CognitoConfig, stamp: &SessionStamp) -> SessionLimits {
    SessionLimits {
        idle_expires_at: config
            .session_idle_timeout()
            .map(|d| stamp.last_used_at.saturating_add(secs(d))),
        absolute_expires_at: config
            .session_max_lifetime()
            .map(|d| stamp.signed_in_at.saturating_add(secs(d))),
    }
}

/// When a sign-in authenticated at `auth_time` (capped at `now`) must count from: the
/// absolute limit runs from the authentication, so a silent sign-in through the IdP's session
/// does not start a new window. `None`: that window is already over, a fresh sign-in
/// (`prompt=login`) is needed.
pub(crate) fn sign_in_time(
    config: &CognitoConfig,
    auth_time: Option<i64>,
    now: i64,
) -> Option<i64> {
    let t = auth_time.map_or(now, |t| t.min(now));
    match config.session_max_lifetime() {
        Some(max) if now.saturating_sub(t) >= secs(max) => None,
        _ => Some(t),
    }
}

/// The stamp to write back after an active request at `now`, if the stored one is stale.
pub(crate) fn touch(
    config: &CognitoConfig,
    stamp: &SessionStamp,
    now: i64,
) -> Option<SessionStamp> {
    (now - stamp.last_used_at >= touch_interval(config.session_idle_timeout()))
        .then(|| stamp.touched(now))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn config(idle: u64, max: u64) -> CognitoConfig {
        CognitoConfig::builder()
            .region("eu-west-1")
            .user_pool_id("eu-west-1_x")
            .client_id("c")
            .domain("https://d.example")
            .redirect_url("https://a.example/auth/callback")
            .logout_url("https://a.example/")
            .secret_key("0123456789abcdef0123456789abcdef")
            .session_idle_timeout(Duration::from_secs(idle))
            .session_max_lifetime(Duration::from_secs(max))
            .build()
            .unwrap()
    }

    #[test]
    fn the_limits_end_sessions_at_their_boundaries() {
        let c = config(100, 1000);
        let s = SessionStamp::new("u", 0);
        assert_eq!(judge(&c, Some(s.clone()), 99), Verdict::Within(s.clone()));
        assert_eq!(
            judge(&c, Some(s.clone()), 100),
            Verdict::Reached(LimitReached::Idle)
        );
        let used = SessionStamp {
            last_used_at: 950,
            ..s.clone()
        };
        assert_eq!(
            judge(&c, Some(used.clone()), 999),
            Verdict::Within(used.clone())
        );
        assert_eq!(
            judge(&c, Some(used), 1000),
            Verdict::Reached(LimitReached::Absolute)
        );
        assert_eq!(judge(&c, None, 0), Verdict::Reached(LimitReached::NoStamp));
        assert_eq!(judge(&config(0, 0), None, 0), Verdict::Off);
        let l = limits_of(&c, &s);
        assert_eq!(
            (l.idle_expires_at, l.absolute_expires_at),
            (Some(100), Some(1000))
        );
    }

    #[test]
    fn activity_moves_the_last_use_at_most_once_per_interval() {
        let c = config(100, 0);
        let s = SessionStamp::new("u", 0);
        assert_eq!(touch(&c, &s, 9), None);
        assert_eq!(touch(&c, &s, 10).map(|t| t.last_used_at), Some(10));
        assert_eq!(c.session_max_lifetime(), None);
    }
}
