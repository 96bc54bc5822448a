//! Splitting values that do not fit one cookie into numbered chunks, and joining them back.
//!
//! Scheme: a value of at most [`MAX_CHUNK_VALUE`] bytes is stored as `name=value`. A larger one
//! is stored as `name=chunks:N` plus `name.1 … name.N` (N ≤ [`MAX_CHUNKS`]), so that every
//! `Set-Cookie` line stays under 4096 bytes with its attributes. A missing chunk, a bad marker
//! or too many chunks reads as "no value" (signed out), never as an error. Mixed generations
//! cannot verify: tokens are signed and the refresh cookie is authenticated (Fernet's HMAC).

/// Largest value stored in one cookie (leaves room for the name and attributes under 4096).
pub const MAX_CHUNK_VALUE: usize = 3800;
/// Most chunks one value may use (≈ 30 KB).
pub const MAX_CHUNKS: usize = 8;

use std::borrow::Cow;

const MARKER: &str = "chunks:";

/// The name of chunk `i` (1-based) of cookie `name`.
pub fn chunk_name(name: &str, i: usize) -> String {
    format!("{name}.{i}")
}

/// How a value is laid out in cookies: `(name, value)` pairs to set.
///
/// # Errors
/// `None` when the value needs more than [`MAX_CHUNKS`] chunks.
pub fn split(name: &str, value: &str) -> Option<Vec<(String, String)>> {
    if value.len() <= MAX_CHUNK_VALUE {
        return Some(vec![(name.to_string(), value.to_string())]);
    }
    let bytes = value.as_bytes();
    let n = bytes.len().div_ceil(MAX_CHUNK_VALUE);
    if n > MAX_CHUNKS {
        return None;
    }
    let mut out = vec![(name.to_string(), format!("{MARKER}{n}"))];
    for (i, chunk) in bytes.chunks(MAX_CHUNK_VALUE).enumerate() {
        // Cookie values here are ASCII (JWTs, base64url), so byte chunks are valid UTF-8.
        out.push((
            chunk_name(name, i + 1),
            String::from_utf8_lossy(chunk).into_owned(),
        ));
    }
    Some(out)
}

/// Reassembles a value; `get` returns the raw value of a cookie by name.
pub fn join(name: &str, get: impl Fn(&str) -> Option<String>) -> Option<String> {
    let base = get(name)?;
    join_with(Cow::Owned(base), |i| {
        get(&chunk_name(name, i)).map(Cow::Owned)
    })
    .map(Cow::into_owned)
}

/// Reassembles a value from its base cookie's value and `part(i)`, the value of chunk `i`.
/// A value that was not chunked is returned as it is (borrowed if it was).
pub(crate) fn join_with<'v>(
    base: Cow<'v, str>,
    part: impl Fn(usize) -> Option<Cow<'v, str>>,
) -> Option<Cow<'v, str>> {
    let Some(count) = base.strip_prefix(MARKER) else {
        return (!base.is_empty()).then_some(base);
    };
    let n: usize = count
        .parse()
        .ok()
        .filter(|n| (1..=MAX_CHUNKS).contains(n))?;
    let mut value = String::with_capacity(n * MAX_CHUNK_VALUE);
    for i in 1..=n {
        let part = part(i)?;
        if part.is_empty() || part.len() > MAX_CHUNK_VALUE {
            return None;
        }
        value.push_str(&part);
    }
    Some(Cow::Owned(value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn small_values_are_one_cookie() {
        assert_eq!(
            split("a", "xyz").unwrap(),
            vec![("a".to_string(), "xyz".to_string())]
        );
    }

    #[test]
    fn round_trip_and_bounds() {
        let value: String = (0..9000).map(|i| (b'a' + (i % 26) as u8) as char).collect();
        let parts = split("tok", &value).unwrap();
        assert_eq!(parts.len(), 4);
        assert_eq!(parts[0].1, "chunks:3");
        assert!(parts.iter().all(|(_, v)| v.len() <= MAX_CHUNK_VALUE));
        let map: HashMap<_, _> = parts.into_iter().collect();
        assert_eq!(join("tok", |n| map.get(n).cloned()).unwrap(), value);
        assert!(split("tok", &"x".repeat(MAX_CHUNK_VALUE * MAX_CHUNKS + 1)).is_none());
    }

    #[test]
    fn truncated_or_bad_markers_read_as_absent() {
        let value = "y".repeat(8000);
        let mut map: HashMap<_, _> = split("t", &value).unwrap().into_iter().collect();
        map.remove("t.2");
        assert!(join("t", |n| map.get(n).cloned()).is_none());
        for marker in ["chunks:0", "chunks:99", "chunks:x", "chunks:"] {
            let m: HashMap<String, String> = [("t".to_string(), marker.to_string())].into();
            assert!(join("t", |n| m.get(n).cloned()).is_none(), "{marker}");
        }
    }
}
