//! Decomposing a compact JWS without trusting it: size cap, exactly three base64url segments,
//! JSON-object header, only the header fields we rely on. Nothing here checks a signature.

use std::{borrow::Cow, mem::MaybeUninit};

use super::{
    json::{self, JsonError, Reader, Str},
    VerifyError,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};

/// Largest token accepted, in bytes. Cognito ID tokens with many groups stay well below.
pub const MAX_TOKEN_LEN: usize = 16 * 1024;
/// Largest decoded header accepted (Cognito's are about 60 bytes).
pub const MAX_HEADER_LEN: usize = 1024;
/// Payloads up to this size are decoded on the stack (Cognito access tokens are ~1 KB).
pub const STACK_PAYLOAD_LEN: usize = 4096;

/// An uninitialised stack buffer for base64 output (no zeroing on the hot path).
pub(crate) type Buf<const N: usize> = [MaybeUninit<u8>; N];

/// A fresh [`Buf`].
pub(crate) const fn buf<const N: usize>() -> Buf<N> {
    [const { MaybeUninit::uninit() }; N]
}

/// The header fields the verifier reads. Others are ignored; `jku`, `x5u`, `jwk` and `x5c` are
/// never used to find a key (keys come only from the configured JWKS).
#[derive(Debug, Default)]
pub(crate) struct Header<'a> {
    pub alg: Option<Str<'a>>,
    pub kid: Option<Str<'a>>,
    /// Only its presence matters (`null` counts as absent, as for the other members).
    pub crit: bool,
}

impl<'a> Header<'a> {
    /// Reads a decoded header (see [`super::json`]): a member twice is refused.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, JsonError> {
        let mut h = Header::default();
        let mut seen = 0;
        Reader::object(bytes, |key, r| {
            match key {
                "alg" => {
                    json::first(&mut seen, 1)?;
                    h.alg = r.opt_string()?;
                }
                "kid" => {
                    json::first(&mut seen, 2)?;
                    h.kid = r.opt_string()?;
                }
                "crit" => {
                    json::first(&mut seen, 4)?;
                    h.crit = !r.null()?;
                    if h.crit {
                        r.skip()?;
                    }
                }
                _ => r.skip()?,
            }
            Ok(())
        })?;
        Ok(h)
    }
}

/// A token split into its parts; the signature is not checked yet.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Decomposed<'a> {
    /// `header.payload`: the signed input.
    pub signing_input: &'a str,
    /// The base64url payload segment.
    pub payload_b64: &'a str,
    /// The base64url signature segment.
    pub signature_b64: &'a str,
}

impl<'a> Decomposed<'a> {
    /// Splits and checks the header of `token`: RS256 only, a string `kid`, no `crit`. The
    /// header is decoded into `header_buf` (no allocation); the `kid` is borrowed from it
    /// unless it had escapes.
    #[cfg(test)]
    pub fn parse<'b>(
        token: &'a str,
        header_buf: &'b mut Buf<MAX_HEADER_LEN>,
    ) -> Result<(Self, Str<'b>), VerifyError> {
        let parts = Self::split(token)?;
        let kid = header_kid(parts.header_b64(), header_buf)?;
        Ok((parts, kid))
    }

    /// Splits `token` (size cap, exactly three non-empty segments, a bounded header) without
    /// decoding anything.
    pub fn split(token: &'a str) -> Result<Self, VerifyError> {
        if token.is_empty() {
            return Err(VerifyError::Malformed("empty token"));
        }
        if token.len() > MAX_TOKEN_LEN {
            return Err(VerifyError::TooLarge);
        }
        // The dots: one SIMD scan (the token is ~1 KB of base64url).
        let mut dots = memchr::memchr_iter(b'.', token.as_bytes());
        let (Some(d1), Some(d2), None) = (dots.next(), dots.next(), dots.next()) else {
            return Err(VerifyError::Malformed("a JWT has exactly three segments"));
        };
        let (h, p, s) = (&token[..d1], &token[d1 + 1..d2], &token[d2 + 1..]);
        if h.is_empty() || p.is_empty() || s.is_empty() {
            return Err(VerifyError::Malformed("empty JWT segment"));
        }
        if h.len() > MAX_HEADER_LEN * 4 / 3 + 4 {
            return Err(VerifyError::Malformed("header too large"));
        }
        Ok(Self {
            signing_input: &token[..d2],
            payload_b64: p,
            signature_b64: s,
        })
    }

    /// The base64url header segment.
    pub fn header_b64(&self) -> &'a str {
        let end = self.signing_input.len() - self.payload_b64.len() - 1;
        &self.signing_input[..end]
    }

    /// The decoded payload bytes: in `buf` when they fit, else on the heap.
    pub fn payload<'c>(
        &self,
        buf: &'c mut Buf<STACK_PAYLOAD_LEN>,
    ) -> Result<Cow<'c, [u8]>, VerifyError> {
        const BAD: VerifyError = VerifyError::Malformed("payload is not base64url");
        if self.payload_b64.len() / 4 * 3 + 3 <= STACK_PAYLOAD_LEN {
            decode_into(self.payload_b64, &mut buf[..])
                .map(Cow::Borrowed)
                .ok_or(BAD)
        } else {
            URL_SAFE_NO_PAD
                .decode(self.payload_b64)
                .map(Cow::Owned)
                .map_err(|_| BAD)
        }
    }
}

/// Checks a base64url header segment (RS256 only, a string `kid`, no `crit`) and returns its
/// `kid`. The header is decoded into `header_buf` (no allocation); the `kid` is borrowed from
/// it unless it had escapes.
pub(crate) fn header_kid<'b>(
    h: &str,
    header_buf: &'b mut Buf<MAX_HEADER_LEN>,
) -> Result<Str<'b>, VerifyError> {
    let header_bytes: &'b [u8] = decode_into(h, &mut header_buf[..])
        .ok_or(VerifyError::Malformed("header is not base64url"))?;
    let header = Header::parse(header_bytes)
        .map_err(|_| VerifyError::Malformed("header is not a JSON object"))?;
    if header.crit {
        return Err(VerifyError::CriticalHeader);
    }
    match header.alg.as_deref() {
        Some("RS256") => {}
        Some(other) => return Err(VerifyError::UnsupportedAlgorithm(truncate(other))),
        None => return Err(VerifyError::Malformed("header has no alg")),
    }
    match header.kid {
        Some(k) if !k.is_empty() && k.len() <= 256 => Ok(k),
        Some(_) => Err(VerifyError::Malformed("kid is not a short string")),
        None => Err(VerifyError::MissingKid),
    }
}

/// Headers that passed [`header_kid`] lately, with their `kid`, per thread. Whether a header
/// passes depends on its bytes alone, so one seen before is not decoded again (a pool signs
/// with one or two keys: its tokens carry one or two distinct headers). The checks are the
/// same for every verifier (RS256 only), so the memo is shared by the verifiers of a thread;
/// were header rules ever made configurable, it would have to be keyed by them too.
mod known_headers {
    use std::cell::RefCell;

    /// Entries kept per thread.
    const ENTRIES: usize = 4;
    /// Longer headers are not kept (Cognito's are about 100 characters).
    const MAX_KEPT: usize = 256;

    type Entry = Option<(Box<str>, Box<str>)>;

    thread_local! {
        static KNOWN: RefCell<([Entry; ENTRIES], usize)> =
            const { RefCell::new(([const { None }; ENTRIES], 0)) };
    }

    /// `f(kid)` if `header_b64` passed the header checks on this thread lately.
    pub(crate) fn with_kid<R>(header_b64: &str, f: impl FnOnce(&str) -> R) -> Option<R> {
        KNOWN.with(|k| {
            let k = k.borrow();
            k.0.iter()
                .flatten()
                .find(|(h, _)| &**h == header_b64)
                .map(|(_, kid)| f(kid))
        })
    }

    /// Remembers that `header_b64` passed the header checks with `kid`.
    pub(crate) fn remember(header_b64: &str, kid: &str) {
        if header_b64.len() > MAX_KEPT {
            return;
        }
        KNOWN.with(|k| {
            let mut k = k.borrow_mut();
            let next = k.1;
            k.0[next] = Some((header_b64.into(), kid.into()));
            k.1 = (next + 1) % ENTRIES;
        });
    }
}

pub(crate) use known_headers::{remember as remember_header, with_kid as with_known_kid};

/// Decodes unpadded base64url `src` into `buf` (SIMD, ~4× the scalar decoder); `None` when
/// `src` is not base64url or does not fit. Never panics.
pub(crate) fn decode_into<'b>(src: &str, buf: &'b mut [MaybeUninit<u8>]) -> Option<&'b [u8]> {
    let b64 = base64_simd::URL_SAFE_NO_PAD;
    let n = b64.decoded_length(src.as_bytes()).ok()?;
    if n > buf.len() {
        return None;
    }
    b64.decode(src.as_bytes(), base64_simd::Out::from_uninit_slice(buf))
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
        let mut buf = buf::<MAX_HEADER_LEN>();
        Decomposed::parse(t, &mut buf).map(|(_, kid)| kid.0.into_owned())
    }

    /// The header as `serde_json` reads it: the oracle of the property below.
    #[derive(Debug, serde::Deserialize)]
    struct Oracle {
        alg: Option<String>,
        kid: Option<String>,
        crit: Option<serde::de::IgnoredAny>,
    }

    fn same(ours: &Header<'_>, theirs: &Oracle) -> bool {
        ours.alg.as_deref() == theirs.alg.as_deref()
            && ours.kid.as_deref() == theirs.kid.as_deref()
            && ours.crit == theirs.crit.is_some()
    }

    const KEYS: &[&str] = &["alg", "kid", "crit", "typ", "jku", r"a\u006cg", r"k\/id"];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        /// The header reader accepts an object exactly when `serde_json` does, with the same
        /// `alg`, `kid` and `crit`; on any bytes it accepts nothing `serde_json` refuses.
        #[test]
        fn header_reads_exactly_as_serde_json_reads_it(
            doc in super::json::strategies::document(KEYS),
            junk in proptest::collection::vec(proptest::num::u8::ANY, 0..48),
        ) {
            let ours = Header::parse(doc.as_bytes());
            let theirs = serde_json::from_slice::<Oracle>(doc.as_bytes());
            match (&ours, &theirs) {
                (Ok(o), Ok(t)) => proptest::prop_assert!(same(o, t), "{} {:?} {:?}", doc, o, t),
                (Err(_), Err(_)) => {}
                _ => proptest::prop_assert!(false, "ours {:?} theirs {:?} on {}", ours, theirs, doc),
            }
            if let Ok(o) = Header::parse(&junk) {
                let t = serde_json::from_slice::<Oracle>(&junk);
                proptest::prop_assert!(t.as_ref().is_ok_and(|t| same(&o, t)), "{:?}", junk);
            }
        }

        /// The SIMD decoder accepts exactly what the strict scalar decoder accepts, with the
        /// same bytes, on any string (alphabet, padding, junk, non-canonical tails).
        #[test]
        fn simd_base64_agrees_with_the_scalar_decoder(s in "[A-Za-z0-9_\\-=+/. ]{0,64}") {
            let mut buf = buf::<64>();
            let simd = decode_into(&s, &mut buf).map(<[u8]>::to_vec);
            let scalar = URL_SAFE_NO_PAD.decode(&s).ok();
            proptest::prop_assert_eq!(simd, scalar, "{:?}", s);
        }

        #[test]
        fn simd_base64_round_trips(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..48)) {
            let enc = URL_SAFE_NO_PAD.encode(&bytes);
            let mut buf = buf::<64>();
            proptest::prop_assert_eq!(decode_into(&enc, &mut buf), Some(&bytes[..]));
            let mut small = super::buf::<8>();
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
        let mut hb = buf::<MAX_HEADER_LEN>();
        let (d, kid) = Decomposed::parse(&t, &mut hb).unwrap();
        assert_eq!(&*kid, "k1");
        assert_eq!(d.signature_b64, "sig");
        let mut pb = buf::<STACK_PAYLOAD_LEN>();
        assert_eq!(&*d.payload(&mut pb).unwrap(), b"{}");
        // A payload too large for the stack buffer is decoded on the heap, the same.
        let big = "z".repeat(STACK_PAYLOAD_LEN * 2);
        let t = format!("{}.{}.sig", b64(r#"{"alg":"RS256","kid":"k1"}"#), b64(&big));
        let mut hb = buf::<MAX_HEADER_LEN>();
        let (d, _) = Decomposed::parse(&t, &mut hb).unwrap();
        assert_eq!(&*d.payload(&mut pb).unwrap(), big.as_bytes());
    }
}
