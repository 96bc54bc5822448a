//! The account-security page's data: a server function that needs a recent sign-in
//! (step-up), with the same policy as the page.

use std::time::Duration;

use leptos::prelude::*;
use leptos_cognito::Policy;

/// `DEMO_STEP_UP_SECONDS`: how recent a sign-in the account page needs (default 300 s).
pub const STEP_UP_VARIABLE: &str = "DEMO_STEP_UP_SECONDS";

/// The step-up window of this server (read once; the browser gets it with the page).
pub fn step_up_seconds() -> u64 {
    #[cfg(feature = "ssr")]
    {
        static SECS: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
        *SECS.get_or_init(|| {
            std::env::var(STEP_UP_VARIABLE)
                .ok()
                .and_then(|v| v.trim().parse().ok())
                .filter(|s| *s > 0)
                .unwrap_or(300)
        })
    }
    #[cfg(not(feature = "ssr"))]
    {
        300
    }
}

/// Who may see the account page: signed in within the step-up window.
pub fn account_policy(max_age_secs: u64) -> Policy {
    Policy::max_auth_age(Duration::from_secs(max_age_secs))
}

/// Fresh recovery codes (a sensitive action): 401 `reauthentication_required` when the
/// sign-in is older than the step-up window.
#[server(prefix = "/api", endpoint = "recovery_codes")]
pub async fn recovery_codes() -> Result<Vec<String>, ServerFnError> {
    let who = leptos_cognito::require(&account_policy(step_up_seconds())).await?;
    let user = who.user().map(|u| u.sub.clone()).unwrap_or_default();
    // Demo codes: derived from the time and the subject, not stored anywhere.
    let seed = user.len() as u64 ^ leptos_cognito_demo_now();
    Ok((0..4)
        .map(|i| {
            format!(
                "{:04}-{:04}",
                (seed >> (i * 7)) % 10_000,
                (seed >> (i * 5 + 3)) % 10_000
            )
        })
        .collect())
}

#[cfg(feature = "ssr")]
fn leptos_cognito_demo_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}
