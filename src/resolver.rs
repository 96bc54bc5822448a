//! The session resolver: the one place that turns a request's credentials into an
//! [`AuthState`], refreshing expired sessions and deciding what to write back or clear.
//!
//! For each request (called by the layer; the explicit refresh server function calls
//! [`refresh_now`]):
//! 1. `Authorization: Bearer <access token>` wins: verified like a cookie, never refreshed, no
//!    cookie written. A refused token is [`AuthState::InvalidBearer`].
//! 2. An auth cookie name sent twice is ambiguous: no cookie is used (signed out), none cleared.
//! 3. The access-token cookie is verified (cached until `exp`); the ID-token cookie adds the
//!    profile when it verifies for the same `sub`. The session resolved for a pair of cookies is
//!    kept ([`crate::session_cache`]), valid under the same rules, so a repeat request costs
//!    one lookup.
//! 4. Expired (the verification error carries the verified subject, so nothing is verified
//!    twice), invalid or missing with a refresh cookie and the refresh flow on: one refresh per
//!    session ([`crate::refresh`]), new cookies written.
//! 5. With idle or absolute limits configured ([`crate::limits`]), a session past them ends
//!    (revoked, cookies cleared) before its tokens are looked at; an active request moves
//!    its last-use time.
//! 6. Only a real refusal signs out (cookies cleared): an invalid access token with nothing to
//!    refresh it, a revoked session, `invalid_grant`, refreshed tokens that fail verification
//!    or change `sub`. An unreachable Cognito or unreadable keys mean [`AuthState::Unavailable`]
//!    with every cookie kept.

use std::sync::Arc;

use http::{header, HeaderMap};
use tower_cookies::Cookies;

use crate::{
    auth::CognitoAuth,
    cookies::{request::Scanned, TokenCookie},
    jwks::JwksError,
    limits::{self, LimitReached, Verdict},
    refresh::{RefreshError, RefreshMode},
    rejection::Rejection,
    session::{AuthState, CredentialSource, Session},
    session_end::{end_session, RevokeRefresh},
    verify::VerifyError,
};

/// What the resolver decided for one request.
#[derive(Debug)]
pub(crate) struct Resolution {
    /// The request's auth state.
    pub state: AuthState,
    /// Whether cookies were written or cleared (the response must not be cached).
    pub cookies_changed: bool,
}

/// The credentials a request presents, looked at once (the layer's CSRF and caching rules
/// and the resolver all need them).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Credentials {
    /// An `Authorization: Bearer` header (it wins over cookies).
    pub bearer: bool,
    /// An access, ID or refresh cookie.
    pub cookies: bool,
}

impl Credentials {
    pub(crate) fn of(headers: &HeaderMap, scan: &Scanned<'_>) -> Self {
        Self {
            bearer: bearer(headers).is_some(),
            cookies: scan.any_token,
        }
    }

    /// Whether the request is authenticated ambiently, by its cookies (CSRF matters).
    pub(crate) fn ambient(self) -> bool {
        self.cookies && !self.bearer
    }
}

/// The bearer token of `Authorization: Bearer <token>`, if that is the scheme used.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Resolves the auth state of a request presenting `credentials`. `activity`: the request
/// counts as use of the session (false for the browser's background reads), which moves the
/// idle limit.
///
/// `scan` is the request's cookies as its headers carry them (nothing written yet); `jar`
/// is where the resolver writes.
pub(crate) async fn resolve(
    auth: &CognitoAuth,
    headers: &HeaderMap,
    scan: &Scanned<'_>,
    jar: &Cookies,
    credentials: Credentials,
    activity: bool,
) -> Resolution {
    let verifier = auth.verifier();
    if let Some(token) = bearer(headers).filter(|_| credentials.bearer) {
        let state = match verifier.verify_access(token).await {
            Ok(access) => AuthState::SignedIn(Arc::new(Session::new(
                access,
                None,
                CredentialSource::Bearer,
            ))),
            // A bearer client simply retries; its token is not usable now.
            Err(VerifyError::Key(JwksError::CoolingDown)) => AuthState::InvalidBearer,
            Err(e) if e.is_transient() => AuthState::Unavailable,
            Err(e) => {
                tracing::debug!(error = %e, "bearer token refused");
                AuthState::InvalidBearer
            }
        };
        return Resolution {
            state,
            cookies_changed: false,
        };
    }

    let codec = auth.cookies();
    let done = |state, cookies_changed| Resolution {
        state,
        cookies_changed,
    };
    if !credentials.cookies {
        return done(AuthState::SignedOut, false);
    }
    if scan.ambiguous {
        tracing::warn!(
            "an auth cookie was sent twice (planted from another subdomain or path?): \
             ignoring the request's cookies"
        );
        return done(AuthState::SignedOut, false);
    }
    let config = auth.config();
    let now = auth.clock().now();
    let stamp = config
        .session_limits()
        .then(|| codec.read_stamp(jar))
        .flatten();
    let stamp = match limits::judge(config, stamp, now) {
        Verdict::Reached(why) => return Box::pin(limit_reached(auth, jar, why)).await,
        Verdict::Within(stamp) => Some(stamp),
        Verdict::Off => None,
    };
    let resolution = resolve_cookies(auth, scan, jar, now).await;
    match (stamp, &resolution.state) {
        (Some(stamp), AuthState::SignedIn(session)) => {
            if stamp.sub != session.user.sub {
                return Box::pin(limit_reached(auth, jar, LimitReached::OtherUser)).await;
            }
            let touched = activity
                .then(|| limits::touch(config, &stamp, now))
                .flatten();
            if let Some(t) = &touched {
                codec.write_stamp(jar, t);
            }
            let mut session = Session::clone(session);
            session.limits = limits::limits_of(config, touched.as_ref().unwrap_or(&stamp));
            Resolution {
                state: AuthState::SignedIn(Arc::new(session)),
                cookies_changed: resolution.cookies_changed || touched.is_some(),
            }
        }
        _ => resolution,
    }
}

/// A session limit was reached: the session ends (revoked, cookies cleared).
async fn limit_reached(auth: &CognitoAuth, jar: &Cookies, why: LimitReached) -> Resolution {
    tracing::info!(limit = why.code(), "session limit reached; signing out");
    crate::telemetry::session_limit(why.code());
    if why == LimitReached::OtherUser {
        // Another user's (authentic) timestamps: most likely a response of the previous user
        // that arrived after this sign-in. Signed out here, the session itself is not revoked.
        auth.cookies().clear_all(jar);
    } else {
        end_session(auth, jar, RevokeRefresh::InBackground).await;
    }
    Resolution {
        state: AuthState::SignedOut,
        cookies_changed: true,
    }
}

/// Resolves a request's token cookies (steps 3 to 5 of the module docs).
async fn resolve_cookies(
    auth: &CognitoAuth,
    scan: &Scanned<'_>,
    jar: &Cookies,
    now: i64,
) -> Resolution {
    let codec = auth.cookies();
    let verifier = auth.verifier();
    let done = |state, cookies_changed| Resolution {
        state,
        cookies_changed,
    };
    // Borrowed from the `Cookie` header (unless chunked or percent-encoded): no copy.
    let Some(access_token) = scan.access.as_deref() else {
        // No access token: a refresh cookie may still bring the session back.
        return Box::pin(refresh_or_sign_out(auth, jar, None)).await;
    };
    let id_token = scan.id.as_deref();
    let generation = verifier.jwks().generation();
    let leeway = auth.config().leeway().as_secs() as i64;
    if let Some(session) = auth.sessions().get(
        access_token,
        id_token,
        now,
        leeway,
        generation,
        verifier.revocations(),
    ) {
        verifier.jwks().revalidate_if_stale();
        return done(AuthState::SignedIn(session), false);
    }
    match verifier.verify_access(access_token).await {
        Ok(access) => {
            let id = match id_token {
                Some(t) => verifier
                    .verify_id(t, None)
                    .await
                    .ok()
                    .filter(|id| id.subject() == access.subject()),
                None => None,
            };
            let session = Arc::new(Session::new(access, id, CredentialSource::Cookie));
            auth.sessions()
                .insert(access_token, id_token, session.clone(), generation);
            done(AuthState::SignedIn(session), false)
        }
        Err(e) if e.is_transient() => {
            tracing::warn!(error = %e, "cannot verify the session now; keeping its cookies");
            done(AuthState::Unavailable, false)
        }
        Err(VerifyError::Expired { subject, .. }) => {
            Box::pin(refresh_or_sign_out(auth, jar, Some(&subject))).await
        }
        Err(VerifyError::Revoked) => {
            tracing::debug!("access-token cookie of a signed-out session; clearing");
            codec.clear_all(jar);
            done(AuthState::SignedOut, true)
        }
        Err(e) => {
            tracing::info!(error = %e, "access-token cookie refused");
            Box::pin(refresh_or_sign_out(auth, jar, None)).await
        }
    }
}

/// Refreshes with the request's refresh cookie, or signs out when there is nothing to refresh.
async fn refresh_or_sign_out(
    auth: &CognitoAuth,
    jar: &Cookies,
    expected_sub: Option<&str>,
) -> Resolution {
    let codec = auth.cookies();
    let refresh_token = auth
        .config()
        .refresh_flow_enabled()
        .then(|| codec.read_refresh(jar))
        .flatten();
    let Some(refresh_token) = refresh_token else {
        codec.clear_all(jar);
        return Resolution {
            state: AuthState::SignedOut,
            cookies_changed: true,
        };
    };
    let (state, cookies_changed) = match refresh_and_store(
        auth,
        jar,
        &refresh_token,
        expected_sub,
        RefreshMode::ReuseRecent,
    )
    .await
    {
        Ok(session) => (AuthState::SignedIn(session), true),
        Err(Rejection::Unavailable) => (AuthState::Unavailable, false),
        Err(_) => (AuthState::SignedOut, true),
    };
    Resolution {
        state,
        cookies_changed,
    }
}

/// One refresh (shared with concurrent requests) and the cookies written back. Cookies are
/// cleared only on a real refusal.
async fn refresh_and_store(
    auth: &CognitoAuth,
    jar: &Cookies,
    refresh_token: &str,
    expected_sub: Option<&str>,
    mode: RefreshMode,
) -> Result<Arc<Session>, Rejection> {
    let codec = auth.cookies();
    let outcome = auth
        .refresher()
        .refresh(
            auth.client(),
            auth.verifier(),
            refresh_token,
            expected_sub,
            mode,
        )
        .await;
    match outcome {
        Ok(r) => {
            if let Err(e) = codec.write_tokens(
                jar,
                &r.access_token,
                r.id_token.as_deref(),
                Some(&r.refresh_token),
            ) {
                tracing::error!(error = %e, "refreshed tokens cannot be stored; keeping the old cookies");
                return Err(Rejection::Misconfigured(
                    "tokens too large for cookies (fewer groups or custom attributes?)",
                ));
            }
            Ok(Arc::new(Session::new(
                r.access.clone(),
                r.id.clone(),
                CredentialSource::Cookie,
            )))
        }
        Err(e) if e.is_unavailable() => {
            tracing::warn!(error = %e, "refresh impossible now; keeping the session cookies");
            Err(Rejection::Unavailable)
        }
        Err(e) => {
            if !matches!(e, RefreshError::Invalid(VerifyError::Revoked)) {
                tracing::info!(error = %e, "refresh refused; signing out");
            }
            codec.clear_all(jar);
            Err(Rejection::Unauthenticated)
        }
    }
}

/// An explicit refresh (the "extend session" server function): always asks Cognito.
///
/// # Errors
/// [`Rejection::Unauthenticated`] when there is no session to refresh or Cognito refused it
/// (cookies cleared), [`Rejection::Unavailable`] when Cognito is unreachable (cookies kept).
pub(crate) async fn refresh_now(
    auth: &CognitoAuth,
    headers: &HeaderMap,
    jar: &Cookies,
) -> Result<Arc<Session>, Rejection> {
    let codec = auth.cookies();
    if !auth.config().refresh_flow_enabled() || codec.is_ambiguous(headers) {
        return Err(Rejection::Unauthenticated);
    }
    let refresh_token = codec.read_refresh(jar).ok_or(Rejection::Unauthenticated)?;
    let old_sub = match codec.read_token(jar, TokenCookie::Access) {
        Some(t) => match auth.verifier().verify_access(&t).await {
            Ok(v) => Some(v.subject().to_string()),
            Err(VerifyError::Expired { subject, .. }) => Some(subject),
            Err(_) => None,
        },
        None => None,
    };
    refresh_and_store(
        auth,
        jar,
        &refresh_token,
        old_sub.as_deref(),
        RefreshMode::Force,
    )
    .await
}
