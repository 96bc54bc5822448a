//! Encryption of the refresh-token cookie, compatible with flask-cognito-lib.
//!
//! Fernet (AES-128-CBC + HMAC-SHA256) with the key `base64url(SHA-256(SECRET_KEY))`, exactly as
//! flask-cognito-lib derives it, so a Flask app can be replaced on the same domain without
//! signing everyone out (and the other way round).
//!
//! # Example
//! ```
//! use leptos_cognito::cookies::RefreshCrypto;
//! let c = RefreshCrypto::from_secret("very-secure");
//! let token = "gAAAAABmKjoi8ZL-kR055eHPSn4mH9tT45UB0_c-1w9AFA8MzkDZaE515vu0B9vIiOY6ez3ftJJzq4OTPLCzO21L2DPFXaoCDlsQMbRX8nu_4ryLY8vhRmo=";
//! assert_eq!(c.decrypt(token).as_deref(), Some("test_refresh_token"));
//! assert_eq!(c.decrypt(&c.encrypt("abc")).as_deref(), Some("abc"));
//! ```

use base64::{engine::general_purpose::URL_SAFE, Engine};
use sha2::{Digest, Sha256};

/// The Fernet key and cipher for the refresh cookie.
pub struct RefreshCrypto {
    fernet: fernet::Fernet,
}

impl std::fmt::Debug for RefreshCrypto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RefreshCrypto(***)")
    }
}

impl RefreshCrypto {
    /// flask-cognito-lib's derivation: `urlsafe_b64encode(sha256(SECRET_KEY))`.
    pub fn derive_key(secret_key: &str) -> String {
        URL_SAFE.encode(Sha256::digest(secret_key.as_bytes()))
    }

    /// The cipher for `secret_key`.
    pub fn from_secret(secret_key: &str) -> Self {
        let key = Self::derive_key(secret_key);
        // A 32-byte digest always makes a valid Fernet key.
        let fernet = fernet::Fernet::new(&key).unwrap_or_else(|| unreachable!("32-byte key"));
        Self { fernet }
    }

    /// Encrypts a refresh token.
    pub fn encrypt(&self, plaintext: &str) -> String {
        self.fernet.encrypt(plaintext.as_bytes())
    }

    /// Decrypts a refresh-cookie value; `None` if it is not an authentic Fernet token for this
    /// key (tampered, truncated, another key) or not UTF-8.
    pub fn decrypt(&self, token: &str) -> Option<String> {
        let bytes = self.fernet.decrypt(token).ok()?;
        String::from_utf8(bytes).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flask_key_derivation_vector() {
        assert_eq!(
            RefreshCrypto::derive_key("very-secure"),
            "AfgDJ-8oovHD3atkwTiyaAQgT11tnWeiP2F7lj_-bLg="
        );
    }

    #[test]
    fn tampering_is_detected() {
        let c = RefreshCrypto::from_secret("k");
        let t = c.encrypt("refresh");
        let mut bytes = t.into_bytes();
        bytes[40] = if bytes[40] == b'A' { b'B' } else { b'A' };
        assert!(c.decrypt(&String::from_utf8(bytes).unwrap()).is_none());
        assert!(RefreshCrypto::from_secret("other")
            .decrypt(&c.encrypt("x"))
            .is_none());
        assert!(c.decrypt("").is_none());
        assert!(c.decrypt("%%%").is_none());
    }
}
