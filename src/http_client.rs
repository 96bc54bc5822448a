//! The HTTP client used to talk to Cognito: timeouts, no redirects, capped bodies, and errors
//! that say whether the IdP was slow, unreachable or answered badly.

use std::time::Duration;

/// Why a call to the IdP failed at the transport level.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum HttpError {
    /// No answer within the timeout.
    #[error("timed out")]
    Timeout,
    /// Connection refused, DNS failure, TLS failure, reset.
    #[error("unreachable")]
    Unreachable,
    /// The body was larger than allowed.
    #[error("response body too large")]
    TooLarge,
    /// Anything else reqwest reports.
    #[error("transport error")]
    Other,
}

impl From<reqwest::Error> for HttpError {
    fn from(e: reqwest::Error) -> Self {
        if e.is_timeout() {
            HttpError::Timeout
        } else if e.is_connect() || e.is_request() {
            HttpError::Unreachable
        } else {
            HttpError::Other
        }
    }
}

/// A `reqwest::Client` with connect and total timeouts, no redirects and a user agent.
///
/// # Errors
/// When the client cannot be built (no TLS backend): a startup error, never replaced by a
/// client without timeouts.
pub fn build_client(
    connect_timeout: Duration,
    timeout: Duration,
) -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("leptos_cognito/", env!("CARGO_PKG_VERSION")))
        .pool_idle_timeout(Duration::from_secs(60))
        .build()
}

/// Reads a response body, refusing more than `max` bytes.
///
/// # Errors
/// [`HttpError::TooLarge`] past the cap; transport errors while reading.
pub async fn read_capped(
    mut response: reqwest::Response,
    max: usize,
) -> Result<Vec<u8>, HttpError> {
    if response.content_length().is_some_and(|l| l > max as u64) {
        return Err(HttpError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(HttpError::from)? {
        if body.len() + chunk.len() > max {
            return Err(HttpError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
