//! Decomposing a compact JWS without trusting it: size cap, exactly three base64url segments,
//! JSON-object header, only the header fields we rely on. Nothing here checks a signature.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use serde::Deserialize;

use super::VerifyError;

/// Largest token accepted, in bytes. Cognito ID tokens with many groups stay well below.
pub const MAX_TOKEN_LEN: usize = 16 * 1024;

/// The header fields the verifier reads. Others are ignored; `jku`, `x5u`, `jwk` and `x5c` are
/// never used to find a key (keys come only from the configured JWKS).
#[derive(Debug, Deserialize)]
pub(crate) struct Header<'a> {
    #[serde(borrow)]
    pub alg: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow)]
    pub kid: Option<std::borrow::Cow<'a, str>>,
    /// Only its presence matters.
    pub crit: Option<serde::de::IgnoredAny>,
}

/// A token split into its parts; the signature is not checked yet.
#[derive(Debug)]
pub(crate) struct Decomposed<'a> {
    /// `header.payload`: the signed input.
    pub signing_input: &'a str,
    /// The base64url payload segment.
    pub payload_b64: &'a str,
    /// The base64url signature segment.
    pub signature_b64: &'a str,
    /// The `kid` of the header.
    pub kid: String,
}

impl<'a> Decomposed<'a> {
    /// Splits and checks the header of `token`: RS256 only, a string `kid`, no `crit`.
    pub fn parse(token: &'a str) -> Result<Self, VerifyError> {
        if token.is_empty() {
            return Err(VerifyError::Malformed("empty token"));
        }
        if token.len() > MAX_TOKEN_LEN {
            return Err(VerifyError::TooLarge);
        }
        let mut parts = token.split('.');
        let (Some(h), Some(p), Some(s), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(VerifyError::Malformed("a JWT has exactly three segments"));
        };
        if h.is_empty() || p.is_empty() || s.is_empty() {
            return Err(VerifyError::Malformed("empty JWT segment"));
        }
        let header_bytes = URL_SAFE_NO_PAD
            .decode(h)
            .map_err(|_| VerifyError::Malformed("header is not base64url"))?;
        let header: Header = serde_json::from_slice(&header_bytes)
            .map_err(|_| VerifyError::Malformed("header is not a JSON object"))?;
        if header.crit.is_some() {
            return Err(VerifyError::CriticalHeader);
        }
        match header.alg.as_deref() {
            Some("RS256") => {}
            Some(other) => return Err(VerifyError::UnsupportedAlgorithm(truncate(other))),
            None => return Err(VerifyError::Malformed("header has no alg")),
        }
        let kid = match header.kid {
            Some(k) if !k.is_empty() && k.len() <= 256 => k.into_owned(),
            Some(_) => return Err(VerifyError::Malformed("kid is not a short string")),
            None => return Err(VerifyError::MissingKid),
        };
        Ok(Self {
            signing_input: &token[..h.len() + 1 + p.len()],
            payload_b64: p,
            signature_b64: s,
            kid,
        })
    }

    /// The decoded payload bytes.
    pub fn payload(&self) -> Result<Vec<u8>, VerifyError> {
        URL_SAFE_NO_PAD
            .decode(self.payload_b64)
            .map_err(|_| VerifyError::Malformed("payload is not base64url"))
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(16).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> String {
        URL_SAFE_NO_PAD.encode(s)
    }

    #[test]
    fn rejects_shapes() {
        for t in ["", "a", "a.b", "a.b.c.d", "..", "a..c", "!!.b.c"] {
            assert!(Decomposed::parse(t).is_err(), "{t:?}");
        }
        let big = "a".repeat(MAX_TOKEN_LEN + 1);
        assert!(matches!(
            Decomposed::parse(&big),
            Err(VerifyError::TooLarge)
        ));
    }

    #[test]
    fn rejects_algorithms_other_than_rs256() {
        for alg in ["none", "HS256", "RS512", "PS256", "ES256", "rs256"] {
            let t = format!(
                "{}.{}.sig",
                b64(&format!(r#"{{"alg":"{alg}","kid":"k"}}"#)),
                b64("{}")
            );
            assert!(
                matches!(
                    Decomposed::parse(&t),
                    Err(VerifyError::UnsupportedAlgorithm(_))
                ),
                "{alg}"
            );
        }
    }

    #[test]
    fn rejects_crit_and_missing_kid_and_non_objects() {
        let t = format!(
            "{}.{}.sig",
            b64(r#"{"alg":"RS256","kid":"k","crit":["exp"]}"#),
            b64("{}")
        );
        assert!(matches!(
            Decomposed::parse(&t),
            Err(VerifyError::CriticalHeader)
        ));
        let t = format!("{}.{}.sig", b64(r#"{"alg":"RS256"}"#), b64("{}"));
        assert!(matches!(
            Decomposed::parse(&t),
            Err(VerifyError::MissingKid)
        ));
        let t = format!("{}.{}.sig", b64(r#"["RS256"]"#), b64("{}"));
        assert!(Decomposed::parse(&t).is_err());
        let t = format!("{}.{}.sig", b64(r#"{"alg":"RS256","kid":7}"#), b64("{}"));
        assert!(Decomposed::parse(&t).is_err());
    }

    #[test]
    fn accepts_a_well_formed_header_and_ignores_jku() {
        let t = format!(
            "{}.{}.sig",
            b64(r#"{"alg":"RS256","kid":"k1","jku":"https://evil.example/jwks"}"#),
            b64("{}")
        );
        let d = Decomposed::parse(&t).unwrap();
        assert_eq!(d.kid, "k1");
        assert_eq!(d.signature_b64, "sig");
        assert_eq!(d.payload().unwrap(), b"{}");
    }
}
