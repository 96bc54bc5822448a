//! Time, injectable: the verifier, the flows and the dev IdP read the clock through [`Clock`],
//! so tests can move time (expire tokens, replay 2022 Cognito tokens) without sleeping.

use std::{
    sync::{
        atomic::{AtomicI64, Ordering},
        Arc,
    },
    time::{SystemTime, UNIX_EPOCH},
};

/// Wall-clock seconds since the Unix epoch, plus an adjustable offset shared by every clone.
///
/// # Example
/// ```
/// use leptos_cognito::clock::Clock;
/// let clock = Clock::system();
/// let t = clock.now();
/// clock.advance(3600);
/// assert!(clock.now() >= t + 3600);
/// clock.set(1_647_965_000);
/// assert_eq!(clock.now(), 1_647_965_000);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset: Arc<AtomicI64>,
}

impl Clock {
    /// The system clock (offset 0).
    pub fn system() -> Self {
        Self::default()
    }

    /// Current time in seconds since the Unix epoch.
    pub fn now(&self) -> i64 {
        system_now() + self.offset.load(Ordering::Relaxed)
    }

    /// Current time in milliseconds since the Unix epoch (for cool-downs and reuse windows).
    pub fn now_millis(&self) -> i64 {
        system_now_millis() + self.offset.load(Ordering::Relaxed) * 1000
    }

    /// Moves this clock (and every clone) forward by `seconds` (negative moves back).
    pub fn advance(&self, seconds: i64) {
        self.offset.fetch_add(seconds, Ordering::Relaxed);
    }

    /// Makes `now()` return `unix_seconds` at this instant (time then keeps running).
    pub fn set(&self, unix_seconds: i64) {
        self.offset
            .store(unix_seconds - system_now(), Ordering::Relaxed);
    }
}

fn system_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn system_now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
