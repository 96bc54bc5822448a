//! Decomposing a compact JWS without trusting it: size cap, exactly three base64url segments,
//! JSON-object header, only the header fields we rely on. Nothing here checks a signature.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use serde::Deserialize;

use super::VerifyError;

/// Largest token accepted, in bytes. Cognito ID tokens with many groups stay well below.
pub const MAX_TOKEN_LEN: usize = 16 * 1024;
/// Largest decoded header accepted (Cognito's are about 60 bytes).
pub const MAX_HEADER_LEN: usize = 1024;
/// Payloads up to this size are decoded on the stack (Cognito access tokens are ~1 KB).
pub const STACK_PAYLOAD_LEN: usize = 4096;

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
pub(crate) struct Decomposed<'a, 'b> {
    /// `header.payload`: the signed input.
    pub signing_input: &'a str,
    /// The base64url payload segment.
    pub payload_b64: &'a str,
    /// The base64url signature segment.
    pub signature_b64: &'a str,
    /// The `kid` of the header (borrowed from the decoded header unless it had escapes).
    pub kid: std::borrow::Cow<'b, str>,
}

impl<'a, 'b> Decomposed<'a, 'b> {
    /// Splits and checks the header of `token`: RS256 only, a string `kid`, no `crit`. The
    /// header is decoded into `header_buf` (no allocation).
    pub fn parse(
        token: &'a str,
        header_buf: &'b mut [u8; MAX_HEADER_LEN],
    ) -> Result<Self, VerifyError> {
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
        if h.len() > MAX_HEADER_LEN * 4 / 3 + 4 {
            return Err(VerifyError::Malformed("header too large"));
        }
        let header_bytes: &'b [u8] = decode_into(h, &mut header_buf[..])
            .ok_or(VerifyError::Malformed("header is not base64url"))?;
        let header: Header<'b> = serde_json::from_slice(header_bytes)
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
            Some(k) if !k.is_empty() && k.len() <= 256 => k,
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

    /// The decoded payload bytes: in `buf` when they fit, else on the heap.
    pub fn payload<'c>(
        &self,
        buf: &'c mut [u8; STACK_PAYLOAD_LEN],
    ) -> Result<std::borrow::Cow<'c, [u8]>, VerifyError> {
        const BAD: VerifyError = VerifyError::Malformed("payload is not base64url");
        if self.payload_b64.len() / 4 * 3 + 3 <= STACK_PAYLOAD_LEN {
            decode_into(self.payload_b64, &mut buf[..])
                .map(std::borrow::Cow::Borrowed)
                .ok_or(BAD)
        } else {
            URL_SAFE_NO_PAD
                .decode(self.payload_b64)
                .map(std::borrow::Cow::Owned)
                .map_err(|_| BAD)
        }
    }
}

/// Decodes unpadded base64url `src` into `buf` (SIMD, ~4× the scalar decoder); `None` when
/// `src` is not base64url or does not fit. Never panics.
pub(crate) fn decode_into<'b>(src: &str, buf: &'b mut [u8]) -> Option<&'b [u8]> {
    let b64 = base64_simd::URL_SAFE_NO_PAD;
    let n = b64.decoded_length(src.as_bytes()).ok()?;
    if n > buf.len() {
        return None;
    }
    b64.decode(src.as_bytes(), base64_simd::Out::from_slice(buf))
        .ok()
        .map(|d| &*d)
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

    fn parse(t: &str) -> Result<String, VerifyError> {
        let mut buf = [0u8; MAX_HEADER_LEN];
        Decomposed::parse(t, &mut buf).map(|d| d.kid.into_owned())
    }

    proptest::proptest! {
        /// The SIMD decoder accepts exactly what the strict scalar decoder accepts, with the
        /// same bytes, on any string (alphabet, padding, junk, non-canonical tails).
        #[test]
        fn simd_base64_agrees_with_the_scalar_decoder(s in "[A-Za-z0-9_\\-=+/. ]{0,64}") {
            let mut buf = [0u8; 64];
            let simd = decode_into(&s, &mut buf).map(<[u8]>::to_vec);
            let scalar = URL_SAFE_NO_PAD.decode(&s).ok();
            proptest::prop_assert_eq!(simd, scalar, "{:?}", s);
        }

        #[test]
        fn simd_base64_round_trips(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..48)) {
            let enc = URL_SAFE_NO_PAD.encode(&bytes);
            let mut buf = [0u8; 64];
            proptest::prop_assert_eq!(decode_into(&enc, &mut buf), Some(&bytes[..]));
            let mut small = [0u8; 8];
            if bytes.len() > 8 {
                proptest::prop_assert_eq!(decode_into(&enc, &mut small), None);
            }
        }
    }

    #[test]
    fn rejects_shapes() {
        for t in ["", "a", "a.b", "a.b.c.d", "..", "a..c", "!!.b.c"] {
            assert!(parse(t).is_err(), "{t:?}");
        }
        let big = "a".repeat(MAX_TOKEN_LEN + 1);
        assert!(matches!(parse(&big), Err(VerifyError::TooLarge)));
        let huge_header = format!(
            "{}.{}.sig",
            b64(&format!(
                r#"{{"alg":"RS256","kid":"k","x":"{}"}}"#,
                "y".repeat(2000)
            )),
            b64("{}")
        );
        assert!(matches!(
            parse(&huge_header),
            Err(VerifyError::Malformed(_))
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
                matches!(parse(&t), Err(VerifyError::UnsupportedAlgorithm(_))),
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
        assert!(matches!(parse(&t), Err(VerifyError::CriticalHeader)));
        let t = format!("{}.{}.sig", b64(r#"{"alg":"RS256"}"#), b64("{}"));
        assert!(matches!(parse(&t), Err(VerifyError::MissingKid)));
        let t = format!("{}.{}.sig", b64(r#"["RS256"]"#), b64("{}"));
        assert!(parse(&t).is_err());
        let t = format!("{}.{}.sig", b64(r#"{"alg":"RS256","kid":7}"#), b64("{}"));
        assert!(parse(&t).is_err());
    }

    #[test]
    fn accepts_a_well_formed_header_and_ignores_jku() {
        let t = format!(
            "{}.{}.sig",
            b64(r#"{"alg":"RS256","kid":"k1","jku":"https://evil.example/jwks"}"#),
            b64("{}")
        );
        let mut hb = [0u8; MAX_HEADER_LEN];
        let d = Decomposed::parse(&t, &mut hb).unwrap();
        assert_eq!(d.kid, "k1");
        assert_eq!(d.signature_b64, "sig");
        let mut pb = [0u8; STACK_PAYLOAD_LEN];
        assert_eq!(&*d.payload(&mut pb).unwrap(), b"{}");
        // A payload too large for the stack buffer is decoded on the heap, the same.
        let big = "z".repeat(STACK_PAYLOAD_LEN * 2);
        let t = format!("{}.{}.sig", b64(r#"{"alg":"RS256","kid":"k1"}"#), b64(&big));
        let mut hb = [0u8; MAX_HEADER_LEN];
        let d = Decomposed::parse(&t, &mut hb).unwrap();
        assert_eq!(&*d.payload(&mut pb).unwrap(), big.as_bytes());
    }
}
