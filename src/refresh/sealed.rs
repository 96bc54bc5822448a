//! The outcome of a refresh as replicas share it: sealed with a key derived from the refresh
//! token itself, so the store (or anyone reading it) learns nothing, and only a request that
//! holds that refresh token can open it. The store key is derived the same way (HKDF-SHA256,
//! salted with the app's namespace): it names the session without revealing the token.

use base64::{engine::general_purpose::URL_SAFE, Engine};
use hkdf::Hkdf;
use sha2::Sha256;

use super::RESULT_TTL;

/// How far in the future a shared outcome may be dated (clock skew between replicas).
const MAX_SKEW_MS: i64 = 5_000;

/// What the replica that called Cognito tells the others.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(super) enum Shared {
    /// New tokens (verified by the sender; verified again by each receiver).
    Tokens {
        at_ms: i64,
        access_token: String,
        id_token: Option<String>,
        refresh_token: String,
    },
    /// Cognito refused the refresh token (or its answer did not verify): sign out.
    Rejected { at_ms: i64 },
    /// Cognito could not be reached: answer 503 rather than try again at once.
    Unavailable { at_ms: i64 },
}

impl Shared {
    fn at_ms(&self) -> i64 {
        match self {
            Shared::Tokens { at_ms, .. }
            | Shared::Rejected { at_ms }
            | Shared::Unavailable { at_ms } => *at_ms,
        }
    }
}

/// The store key and the sealing key of one refresh token.
pub(super) struct SessionKey {
    /// Hex; what the store is asked about.
    pub(super) name: String,
    fernet: fernet::Fernet,
}

impl SessionKey {
    pub(super) fn of(refresh_token: &str, namespace: &str) -> Self {
        let hk = Hkdf::<Sha256>::new(Some(namespace.as_bytes()), refresh_token.as_bytes());
        let mut name = [0u8; 16];
        let mut seal = [0u8; 32];
        // Both lengths are far below HKDF-SHA256's limit.
        let _ = hk.expand(b"leptos_cognito shared refresh key v1", &mut name);
        let _ = hk.expand(b"leptos_cognito shared refresh seal v1", &mut seal);
        let fernet = fernet::Fernet::new(&URL_SAFE.encode(seal))
            .unwrap_or_else(|| unreachable!("a 32-byte key is a Fernet key"));
        Self {
            name: name.iter().map(|b| format!("{b:02x}")).collect(),
            fernet,
        }
    }

    pub(super) fn seal(&self, outcome: &Shared) -> Vec<u8> {
        let json = serde_json::to_vec(outcome).unwrap_or_default();
        self.fernet.encrypt(&json).into_bytes()
    }

    /// The outcome, if it is authentic for this refresh token and recent at `now_ms`.
    pub(super) fn open(&self, sealed: &[u8], now_ms: i64) -> Option<Shared> {
        let text = std::str::from_utf8(sealed).ok()?;
        let json = self.fernet.decrypt(text).ok()?;
        let outcome: Shared = serde_json::from_slice(&json).ok()?;
        let age = now_ms.checked_sub(outcome.at_ms())?;
        (age <= RESULT_TTL.as_millis() as i64 && age >= -MAX_SKEW_MS).then_some(outcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_same_refresh_token_opens_a_recent_outcome() {
        let k = SessionKey::of("refresh-1", "ns");
        assert_eq!(k.name.len(), 32);
        assert_eq!(k.name, SessionKey::of("refresh-1", "ns").name, "stable");
        assert_ne!(k.name, SessionKey::of("refresh-2", "ns").name);
        assert_ne!(k.name, SessionKey::of("refresh-1", "other-app").name);
        let sealed = k.seal(&Shared::Tokens {
            at_ms: 1_000_000,
            access_token: "a".into(),
            id_token: None,
            refresh_token: "refresh-2".into(),
        });
        let text = String::from_utf8(sealed.clone()).unwrap();
        assert!(!text.contains("refresh-2"), "sealed, not encoded");
        assert!(matches!(
            k.open(&sealed, 1_000_500),
            Some(Shared::Tokens { refresh_token, .. }) if refresh_token == "refresh-2"
        ));
        assert!(SessionKey::of("refresh-2", "ns")
            .open(&sealed, 1_000_500)
            .is_none());
        assert!(SessionKey::of("refresh-1", "other-app")
            .open(&sealed, 1_000_500)
            .is_none());
        assert!(k.open(&sealed, 1_000_000 + 31_000).is_none(), "too old");
        assert!(
            k.open(&sealed, 1_000_000 - 6_000).is_none(),
            "from the future"
        );
        let mut tampered = sealed.clone();
        tampered[20] ^= 1;
        assert!(k.open(&tampered, 1_000_500).is_none());
        assert!(k.open(b"", 0).is_none());
        assert!(k.open(&[0xff, 0xfe], 0).is_none());
    }
}
