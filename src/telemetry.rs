//! Counters and histograms through the [`metrics`](https://docs.rs/metrics) facade (feature
//! `metrics`; without it every function here is a no-op). Install any recorder (for example
//! `metrics-exporter-prometheus`, as the demo does at `/metrics`) and these appear:
//!
//! | name | kind | labels |
//! |---|---|---|
//! | `leptos_cognito_sign_ins_total` | counter | `outcome`: `ok`, or the refusal's reason code |
//! | `leptos_cognito_logouts_total` | counter | |
//! | `leptos_cognito_session_limits_total` | counter | `reason`: `idle`, `absolute`, `no_stamp`, `other_user` |
//! | `leptos_cognito_refresh_total` | counter | `outcome`: `ok`, `shared` (another replica's call), `rejected`, `invalid`, `unavailable` |
//! | `leptos_cognito_denials_total` | counter | `reason`: the [`Rejection`](crate::Rejection) code |
//! | `leptos_cognito_jwks_fetches_total` | counter | `outcome`: `ok`, `error` |
//! | `leptos_cognito_verification_seconds` | histogram | full (uncached) access-token verifications |
//! | `leptos_cognito_store_degraded` | gauge | 1 while the shared store is failing |
//! | `leptos_cognito_store_errors_total` | counter | `operation` |
//!
//! [`CognitoAuth::publish_gauges`](crate::CognitoAuth::publish_gauges) adds the current state
//! (call it before each scrape): `leptos_cognito_revoked_sessions`,
//! `leptos_cognito_cached_access_tokens`, `leptos_cognito_store_pending_revocations`.
//!
//! Labels are fixed codes: never a token, a user, a path or an error message.

use std::time::Duration;

/// A sign-in finished (`"ok"` or a refusal's reason code).
pub(crate) fn sign_in(outcome: &'static str) {
    #[cfg(feature = "metrics")]
    metrics::counter!("leptos_cognito_sign_ins_total", "outcome" => outcome).increment(1);
    let _ = outcome;
}

/// A logout.
pub(crate) fn logout() {
    #[cfg(feature = "metrics")]
    metrics::counter!("leptos_cognito_logouts_total").increment(1);
}

/// A session ended by its idle or absolute limit (`reason`: `idle`, `absolute`, …).
pub(crate) fn session_limit(reason: &'static str) {
    #[cfg(feature = "metrics")]
    metrics::counter!("leptos_cognito_session_limits_total", "reason" => reason).increment(1);
    let _ = reason;
}

/// A refresh finished.
pub(crate) fn refresh(outcome: &'static str) {
    #[cfg(feature = "metrics")]
    metrics::counter!("leptos_cognito_refresh_total", "outcome" => outcome).increment(1);
    let _ = outcome;
}

/// A request was refused.
pub(crate) fn denial(reason: &'static str) {
    #[cfg(feature = "metrics")]
    metrics::counter!("leptos_cognito_denials_total", "reason" => reason).increment(1);
    let _ = reason;
}

/// A JWKS download finished.
pub(crate) fn jwks_fetch(ok: bool) {
    #[cfg(feature = "metrics")]
    metrics::counter!("leptos_cognito_jwks_fetches_total", "outcome" => if ok { "ok" } else { "error" })
        .increment(1);
    let _ = ok;
}

/// A full access-token verification took `elapsed`.
pub(crate) fn verification(elapsed: Duration) {
    #[cfg(feature = "metrics")]
    metrics::histogram!("leptos_cognito_verification_seconds").record(elapsed.as_secs_f64());
    let _ = elapsed;
}

/// The shared store became degraded (`true`) or healthy again.
pub(crate) fn store_degraded(degraded: bool) {
    #[cfg(feature = "metrics")]
    metrics::gauge!("leptos_cognito_store_degraded").set(if degraded { 1.0 } else { 0.0 });
    let _ = degraded;
}

/// A store call failed.
pub(crate) fn store_error(operation: &'static str) {
    #[cfg(feature = "metrics")]
    metrics::counter!("leptos_cognito_store_errors_total", "operation" => operation).increment(1);
    let _ = operation;
}

/// Gauges of the current state (see the module table).
pub(crate) fn state(
    revoked_sessions: usize,
    cached_access_tokens: usize,
    pending_revocations: usize,
) {
    #[cfg(feature = "metrics")]
    {
        metrics::gauge!("leptos_cognito_revoked_sessions").set(revoked_sessions as f64);
        metrics::gauge!("leptos_cognito_cached_access_tokens").set(cached_access_tokens as f64);
        metrics::gauge!("leptos_cognito_store_pending_revocations").set(pending_revocations as f64);
    }
    let _ = (revoked_sessions, cached_access_tokens, pending_revocations);
}
