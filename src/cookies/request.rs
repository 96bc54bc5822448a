//! The auth cookies of one request, read from its `Cookie` headers in one pass, before anything
//! is written: what the layer needs on every request (is a token cookie there, is a name sent
//! twice, the access and ID tokens) without building the whole cookie jar or copying tokens.
//!
//! It reads exactly what tower-cookies' jar would hold (the property test below checks it on
//! arbitrary headers): headers that are not UTF-8 are skipped, pairs are split at `;` and the
//! first `=`, names and values trimmed, pairs with an empty name or that do not percent-decode
//! to UTF-8 skipped, names and values percent-decoded. A name is compared **decoded**, so
//! `cognito%5Faccess%5Ftoken` is the access-token cookie here as in the jar. The library never
//! writes its names encoded, so one of its names arriving percent-encoded makes the request
//! ambiguous, alone or beside the genuine cookie (a planted `%5F%5FHost-…` copy escapes the
//! browser's `__Host-` rules, which look at the raw name).

use std::borrow::Cow;

use super::chunked::{self, MAX_CHUNKS};

/// Slots per name: the base cookie and its chunks.
const PER_NAME: usize = MAX_CHUNKS + 1;
/// Token cookie names (current and legacy, for three tokens).
const NAMES: usize = 6;

/// What the layer keeps of a scan across the request (a few words, where the scan itself is
/// over a kilobyte): read as [`CookieCodec::read_token`](super::CookieCodec::read_token)
/// would, from the headers.
#[derive(Debug)]
pub(crate) struct Scanned<'h> {
    /// A name came twice, or percent-encoded ([`RequestCookies::is_ambiguous`]).
    pub ambiguous: bool,
    /// An access, ID or refresh cookie is present ([`RequestCookies::has_token_cookie`]).
    pub any_token: bool,
    /// The access token (configured name, else the legacy one), borrowed when it can be.
    pub access: Option<Cow<'h, str>>,
    /// The ID token, likewise.
    pub id: Option<Cow<'h, str>>,
}

/// The auth cookies of one request's headers (see the module docs).
pub(crate) struct RequestCookies<'h> {
    names: [&'static str; NAMES],
    count: usize,
    /// Slot `i * PER_NAME + k`: name `i`, chunk `k` (0 = the base cookie).
    values: [Option<Cow<'h, str>>; NAMES * PER_NAME],
    ambiguous: bool,
}

/// Percent-decodes `s` as the jar does (`None`: not UTF-8 once decoded, the pair is skipped).
fn decode(s: &str) -> Option<Cow<'_, str>> {
    if memchr::memchr(b'%', s.as_bytes()).is_none() {
        return Some(Cow::Borrowed(s));
    }
    percent_encoding::percent_decode(s.as_bytes())
        .decode_utf8()
        .ok()
}

impl<'h> RequestCookies<'h> {
    /// Scans `headers` for the token cookies named `names` (current names first) and the
    /// timestamps cookie `stamp`.
    pub fn scan(
        names: impl Iterator<Item = &'static str>,
        stamp: &str,
        headers: &'h http::HeaderMap,
    ) -> Self {
        let mut r = Self {
            names: [""; NAMES],
            count: 0,
            values: [const { None }; NAMES * PER_NAME],
            ambiguous: false,
        };
        for n in names.take(NAMES) {
            r.names[r.count] = n;
            r.count += 1;
        }
        let mut stamp_seen = false;
        for header in headers.get_all(http::header::COOKIE) {
            let Ok(h) = std::str::from_utf8(header.as_bytes()) else {
                continue;
            };
            let mut start = 0;
            let ends = memchr::memchr_iter(b';', h.as_bytes()).chain(std::iter::once(h.len()));
            for end in ends {
                // `;` and `=` are ASCII: these are character boundaries.
                let pair = h.get(start..end).unwrap_or_default();
                start = end + 1;
                let Some(eq) = memchr::memchr(b'=', pair.as_bytes()) else {
                    continue;
                };
                let (name, value) = (pair[..eq].trim(), pair[eq + 1..].trim());
                if name.is_empty() {
                    continue;
                }
                let Some(decoded) = decode(name) else {
                    continue;
                };
                let slot = if decoded == stamp {
                    None
                } else {
                    r.slot(&decoded)
                };
                if slot.is_none() && decoded != stamp {
                    continue;
                }
                // A pair whose value does not decode is not in the jar either.
                let Some(value) = decode(value) else {
                    continue;
                };
                // The library never writes its names percent-encoded: such a spelling was
                // planted (e.g. `%5F%5FHost-…`, which the browser does not hold to the
                // `__Host-` rules but the jar reads as the `__Host-` cookie).
                r.ambiguous |= matches!(decoded, Cow::Owned(_));
                let Some(slot) = slot else {
                    // The timestamps cookie: only its count matters here.
                    r.ambiguous |= stamp_seen;
                    stamp_seen = true;
                    continue;
                };
                if r.values[slot].is_some() {
                    r.ambiguous = true;
                } else {
                    r.values[slot] = Some(value);
                }
            }
        }
        r
    }

    /// The slot of a cookie name: one of the names, or `<name>.<k>` for chunk `k`.
    fn slot(&self, name: &str) -> Option<usize> {
        self.names[..self.count]
            .iter()
            .enumerate()
            .find_map(|(i, n)| {
                let rest = name.strip_prefix(n)?;
                let k = match rest.as_bytes() {
                    [] => 0,
                    [b'.', d @ b'1'..=b'9'] => usize::from(d - b'0'),
                    _ => return None,
                };
                (k <= MAX_CHUNKS).then_some(i * PER_NAME + k)
            })
    }

    /// Whether a token cookie name, one of its chunks, or the timestamps cookie came twice
    /// (under any spelling the jar would conflate), or percent-encoded.
    pub fn is_ambiguous(&self) -> bool {
        self.ambiguous
    }

    /// Whether any token cookie (access, ID or refresh; not a chunk alone) is present.
    pub fn has_token_cookie(&self) -> bool {
        (0..self.count).any(|i| self.values[i * PER_NAME].is_some())
    }

    /// The (joined) value of the cookie named `name`, if it is one of the scanned names:
    /// borrowed from the header unless it was chunked or percent-encoded.
    pub fn value(&self, name: &str) -> Option<Cow<'h, str>> {
        let i = self.names[..self.count].iter().position(|n| *n == name)?;
        let base = self.values[i * PER_NAME].clone()?;
        chunked::join_with(base, |k| self.values.get(i * PER_NAME + k)?.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const TOKEN_NAMES: [&str; 2] = ["cognito_access_token", "__Host-cognito_access_token"];

    fn headers(values: &[Vec<u8>]) -> http::HeaderMap {
        let mut h = http::HeaderMap::new();
        for v in values {
            if let Ok(v) = http::HeaderValue::from_bytes(v) {
                h.append(http::header::COOKIE, v);
            }
        }
        h
    }

    /// The jar as tower-cookies 0.11 builds it from the request's headers (its `Inner::jar`).
    fn jar(h: &http::HeaderMap) -> cookie::CookieJar {
        let mut jar = cookie::CookieJar::new();
        for header in h.get_all(http::header::COOKIE) {
            if let Ok(header_str) = std::str::from_utf8(header.as_bytes()) {
                for cookie_str in header_str.split(';') {
                    if let Ok(c) = cookie::Cookie::parse_encoded(cookie_str.to_owned()) {
                        jar.add_original(c);
                    }
                }
            }
        }
        jar
    }

    fn piece() -> impl Strategy<Value = String> {
        let name = prop_oneof![
            Just("cognito_access_token".to_string()),
            Just("__Host-cognito_access_token".to_string()),
            Just("cognito%5Faccess%5Ftoken".to_string()),
            Just("cognito_access_token.1".to_string()),
            Just("cognito_access_token.2".to_string()),
            Just("cognito_access_token.01".to_string()),
            Just("cognito_access_token.9".to_string()),
            Just("cognito_session".to_string()),
            Just("cognito_sessio%6E".to_string()),
            Just("other".to_string()),
            Just("".to_string()),
            Just(" ".to_string()),
            Just("%ff".to_string()),
        ];
        let value = prop_oneof![
            "[a-zA-Z0-9._-]{0,12}",
            Just("chunks:2".to_string()),
            Just("chunks:9".to_string()),
            Just("a%20b".to_string()),
            Just("%zz".to_string()),
            Just("%c3%28".to_string()),
            Just("\"q\"".to_string()),
            Just("x=y".to_string()),
            Just("é".to_string()),
        ];
        (
            name,
            value,
            prop_oneof![Just("="), Just(" = "), Just("")],
            "[ \t]{0,2}",
        )
            .prop_map(|(n, v, eq, ws)| format!("{ws}{n}{eq}{v}{ws}"))
    }

    fn header_values() -> impl Strategy<Value = Vec<Vec<u8>>> {
        let one = prop_oneof![
            8 => proptest::collection::vec(piece(), 0..6).prop_map(|p| p.join(";").into_bytes()),
            1 => proptest::collection::vec(any::<u8>(), 0..24),
        ];
        proptest::collection::vec(one, 0..3)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// What the scan reads is what tower-cookies' jar reads: each name's value, chunks
        /// joined as `CookieCodec::read` joins them; and a name the jar holds came once.
        #[test]
        fn the_scan_reads_what_the_jar_reads(values in header_values()) {
            let h = headers(&values);
            let scan = RequestCookies::scan(TOKEN_NAMES.into_iter(), "cognito_session", &h);
            let jar = jar(&h);
            for name in TOKEN_NAMES {
                let from_jar = chunked::join(name, |n| jar.get(n).map(|c| c.value().to_string()));
                if !scan.is_ambiguous() {
                    prop_assert_eq!(scan.value(name).map(Cow::into_owned), from_jar, "{:?}", h);
                }
            }
            prop_assert_eq!(
                scan.has_token_cookie(),
                TOKEN_NAMES.iter().any(|n| jar.get(n).is_some())
            );
            // Not ambiguous: every cookie of ours the jar holds was sent once (so the jar's
            // "last one wins" picked no attacker's copy).
            if !scan.is_ambiguous() {
                let names: Vec<String> = jar.iter().map(|c| c.name().to_string()).collect();
                for n in names.iter().filter(|n| tracked(n)) {
                    let copies = all_pairs(&h).iter().filter(|(k, _)| k == n).count();
                    prop_assert!(copies <= 1, "{} sent {} times: {:?}", n, copies, h);
                }
            }
        }
    }

    /// The names the scan watches: the token names, their chunks, the timestamps cookie.
    fn tracked(n: &str) -> bool {
        n == "cognito_session"
            || TOKEN_NAMES
                .iter()
                .any(|t| n == *t || (1..=MAX_CHUNKS).any(|k| n == chunked::chunk_name(t, k)))
    }

    /// Every (decoded name, decoded value) pair the jar parses, duplicates included.
    fn all_pairs(h: &http::HeaderMap) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for v in h.get_all(http::header::COOKIE) {
            let Ok(s) = std::str::from_utf8(v.as_bytes()) else {
                continue;
            };
            for p in s.split(';') {
                if let Ok(c) = cookie::Cookie::parse_encoded(p.to_owned()) {
                    out.push((c.name().to_string(), c.value().to_string()));
                }
            }
        }
        out
    }

    #[test]
    fn a_percent_encoded_copy_of_a_name_is_a_second_copy() {
        for planted in [
            "cognito%5Faccess%5Ftoken=evil",
            "%63ognito_access_token=evil",
            " cognito_access_token = evil ",
            "cognito_access_token.1=x; cognito%5Faccess%5Ftoken.1=y",
            "cognito_session=a; cognito%5Fsession=b",
        ] {
            let h = headers(&[
                b"cognito_access_token=good; cognito_session=s".to_vec(),
                planted.as_bytes().to_vec(),
            ]);
            let scan = RequestCookies::scan(TOKEN_NAMES.into_iter(), "cognito_session", &h);
            assert!(scan.is_ambiguous(), "{planted}");
        }
        let h =
            headers(&[b"cognito_access_token=a.b.c; other=1; cognito_access_token.1=x".to_vec()]);
        let scan = RequestCookies::scan(TOKEN_NAMES.into_iter(), "cognito_session", &h);
        assert!(!scan.is_ambiguous() && scan.has_token_cookie());
        assert!(matches!(
            scan.value("cognito_access_token"),
            Some(Cow::Borrowed("a.b.c"))
        ));
    }
}
