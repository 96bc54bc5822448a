//! The login-state cookie: state, nonce, PKCE verifier and return path of one pending login.
//!
//! 1. Encrypted and authenticated (AES-256-GCM through the `cookie` crate's private jar, key
//!    derived from `SECRET_KEY` with HKDF and a purpose label), HttpOnly, SameSite=Lax,
//!    Max-Age 10 minutes; the creation time inside is checked too.
//! 2. One cookie per pending login, named after a hash of its state, so two logins in two tabs
//!    do not overwrite each other. At most [`MAX_PENDING_LOGINS`] are kept.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Prefix of login-state cookie names.
pub const LOGIN_COOKIE_PREFIX: &str = "cognito_login_";
/// Lifetime of a pending login, seconds.
pub const LOGIN_STATE_TTL_SECS: i64 = 600;
/// Most pending logins kept at once (older ones are dropped).
pub const MAX_PENDING_LOGINS: usize = 4;

/// One pending login. `Debug` hides the secrets.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LoginState {
    /// The OAuth `state`.
    #[serde(rename = "s")]
    pub state: String,
    /// The OIDC nonce.
    #[serde(rename = "n")]
    pub nonce: String,
    /// The PKCE code verifier.
    #[serde(rename = "v")]
    pub code_verifier: String,
    /// Sanitised same-origin path to return to.
    #[serde(rename = "r")]
    pub return_to: String,
    /// Creation time (seconds since the epoch).
    #[serde(rename = "t")]
    pub created_at: i64,
    /// A fresh authentication was asked for (`prompt=login`, step-up): the callback refuses
    /// tokens whose `auth_time` is older than this login.
    #[serde(rename = "f", default, skip_serializing_if = "std::ops::Not::not")]
    pub fresh: bool,
}

impl std::fmt::Debug for LoginState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginState")
            .field("return_to", &self.return_to)
            .field("created_at", &self.created_at)
            .field("fresh", &self.fresh)
            .finish_non_exhaustive()
    }
}

/// The cookie name for the login whose state is `state`.
pub fn cookie_name(state: &str) -> String {
    let digest = Sha256::digest(state.as_bytes());
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("{LOGIN_COOKIE_PREFIX}{hex}")
}
