//! RSA signing keys of the dev IdP: generation, JWK export and RS256 signing.

use aws_lc_rs::{
    rand::SystemRandom,
    rsa::{KeyPair, KeySize, PublicKeyComponents},
    signature::{KeyPair as _, RSA_PKCS1_SHA256},
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};

/// One RSA-2048 signing key with its `kid`.
pub struct SigningKey {
    /// Key id, as in the JWKS.
    pub kid: String,
    pair: KeyPair,
}

impl SigningKey {
    /// Generates a fresh RSA-2048 key.
    pub fn generate() -> Self {
        let pair = KeyPair::generate(KeySize::Rsa2048)
            .unwrap_or_else(|_| panic!("RSA key generation failed"));
        let kid_bytes: [u8; 32] = rand::random();
        // Cognito kids look like base64 (standard alphabet, padded).
        let kid = base64::engine::general_purpose::STANDARD.encode(kid_bytes);
        Self { kid, pair }
    }

    /// The public key as a JWK (RS256, use=sig).
    pub fn jwk(&self) -> serde_json::Value {
        let c: PublicKeyComponents<Vec<u8>> = self.pair.public_key().into();
        serde_json::json!({
            "alg": "RS256",
            "e": URL_SAFE_NO_PAD.encode(&c.e),
            "kid": self.kid,
            "kty": "RSA",
            "n": URL_SAFE_NO_PAD.encode(&c.n),
            "use": "sig",
        })
    }

    /// Signs `header.payload` (already base64url) and returns the full compact JWS.
    pub fn sign_compact(&self, signing_input: &str) -> String {
        let mut sig = vec![0u8; self.pair.public_modulus_len()];
        self.pair
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                signing_input.as_bytes(),
                &mut sig,
            )
            .unwrap_or_else(|_| panic!("RSA signing failed"));
        format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(sig))
    }

    /// Encodes and signs a JWT with this key.
    pub fn sign_jwt(&self, header: &serde_json::Value, claims: &serde_json::Value) -> String {
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        self.sign_compact(&input)
    }
}
