//! Sanitising the `return_to` target of a login: only same-origin relative paths.
//!
//! Accepted: a path starting with a single `/`, with an optional query (kept) and fragment
//! (dropped). Refused (replaced by `/`): absolute URLs, scheme-relative `//host`, `/\host`,
//! anything with a backslash, control characters (raw or percent-encoded: tab, CR, LF, …),
//! `javascript:` and other schemes, and targets longer than [`MAX_RETURN_TO_LEN`].
//!
//! The path is normalised (dot segments `.`, `..`, `%2e`, `%2E%2E`, … removed, as a browser
//! does) and the rules are applied to the input **and to the normalised output**: a value whose
//! dot segments collapse into a leading `//` or `/\` (e.g. `/a/..//evil.example`) is refused
//! rather than turned into a scheme-relative `Location` to another host.
//!
//! # Example
//! ```
//! use leptos_cognito::flows::return_to::sanitize;
//! assert_eq!(sanitize(Some("/admin?tab=users")), "/admin?tab=users");
//! assert_eq!(sanitize(Some("//evil.example/")), "/");
//! assert_eq!(sanitize(Some("https://evil.example/")), "/");
//! assert_eq!(sanitize(Some("/%09/evil.example")), "/");
//! assert_eq!(sanitize(Some("/a/..//evil.example")), "/");
//! assert_eq!(sanitize(None), "/");
//! ```

/// Longest accepted return path.
pub const MAX_RETURN_TO_LEN: usize = 1024;

/// The safe return path for `raw` (already percent-decoded once, as from a query string).
///
/// The result always starts with exactly one `/` (or is `/`), also after percent-decoding it
/// once, so that a browser resolving it as a `Location` stays on the application's origin.
pub fn sanitize(raw: Option<&str>) -> String {
    raw.and_then(check).unwrap_or_else(|| "/".to_string())
}

fn check(raw: &str) -> Option<String> {
    let s = raw.split('#').next().unwrap_or("");
    if !is_safe_path(s) {
        return None;
    }
    // Normalise as a browser would (dot segments, percent-encoding of odd characters).
    let base = url::Url::parse("http://same-origin.invalid/").ok()?;
    let joined = base.join(s).ok()?;
    if joined.origin() != base.origin() {
        return None;
    }
    let mut out = joined.path().to_string();
    if let Some(q) = joined.query() {
        out.push('?');
        out.push_str(q);
    }
    // What is sent is the output: it must pass the same rules (dot segments can collapse
    // `/a/..//host` into the scheme-relative `//host`).
    is_safe_path(&out).then_some(out)
}

/// The rules every return path must pass, on its raw and its percent-decoded form: starts
/// with exactly one `/` followed by anything but `/` or `\` (or is exactly `/`), no backslash,
/// no control or invisible characters, no `javascript:` target, at most
/// [`MAX_RETURN_TO_LEN`] bytes.
fn is_safe_path(s: &str) -> bool {
    if s.is_empty() || s.len() > MAX_RETURN_TO_LEN {
        return false;
    }
    // Look at the value and at its percent-decoded form (browsers and proxies may decode).
    let Some(decoded) = percent_decode(s) else {
        return false;
    };
    let safe = [s, decoded.as_str()].into_iter().all(|candidate| {
        let mut chars = candidate.chars();
        let single_leading_slash =
            chars.next() == Some('/') && !matches!(chars.next(), Some('/' | '\\'));
        single_leading_slash
            && !candidate.contains('\\')
            && !candidate
                .chars()
                .any(|c| c.is_control() || c == '\u{FEFF}' || c == '\u{200B}')
            // A scheme cannot hide in the first segment since the value starts with '/', but
            // refuse `/javascript:` style targets anyway: they are never legitimate.
            && !candidate
                .to_ascii_lowercase()
                .trim_start_matches('/')
                .starts_with("javascript:")
    });
    safe
}

/// Decodes every `%XX` escape once (other bytes, `+` included, stay as they are); `None` when
/// the result is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(|c| c.into_owned())
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn keeps_same_origin_paths() {
        assert_eq!(sanitize(Some("/")), "/");
        assert_eq!(sanitize(Some("/profile")), "/profile");
        assert_eq!(sanitize(Some("/a/b?x=1&y=2")), "/a/b?x=1&y=2");
        assert_eq!(sanitize(Some("/a#frag")), "/a");
        assert_eq!(sanitize(Some("/a/../b")), "/b");
    }

    #[test]
    fn refuses_open_redirects() {
        for bad in [
            "https://evil.example",
            "http:evil.example",
            "//evil.example",
            "///evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "\\/evil.example",
            "/%5Cevil.example",
            "/%2F/evil.example",
            "/%09/evil.example",
            "/\t/evil.example",
            "/%0d%0aSet-Cookie:x=1",
            "/\r\nLocation: https://evil.example",
            "javascript:alert(1)",
            "/javascript:alert(1)",
            "evil.example",
            "",
            " /profile",
        ] {
            assert_eq!(sanitize(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(sanitize(Some(&format!("/{}", "a".repeat(2000)))), "/");
    }

    #[test]
    fn dot_segments_cannot_collapse_into_another_host() {
        for (input, expected) in [
            // Collapsing into a leading `//` (scheme-relative) or `/\`: refused.
            ("/./%2e%2e//evil.example", "/"),
            ("/a/..//evil.example", "/"),
            ("/.//evil.example", "/"),
            ("/%2e/%2fevil.example", "/"),
            ("/%2e//evil.example", "/"),
            ("/%2E//evil.example", "/"),
            ("/%2e%2e//evil.example", "/"),
            ("/%2E%2E//evil.example", "/"),
            ("/%2e%2E//evil.example", "/"),
            ("/.%2e//evil.example", "/"),
            ("/%2e.//evil.example", "/"),
            ("/..//evil.example", "/"),
            ("/a/b/../..//evil.example", "/"),
            ("/a/%2e%2e/%2e%2e//evil.example", "/"),
            ("/a/.././/evil.example", "/"),
            ("/a/..//evil.example/path?q=1", "/"),
            ("/a/../%2fevil.example", "/"),
            ("/a/../%2F%2Fevil.example", "/"),
            ("/%2e%2e/%5cevil.example", "/"),
            ("/./%5C/evil.example", "/"),
            ("/a/..//", "/"),
            // Harmless dot segments are still normalised.
            ("/a/./b", "/a/b"),
            ("/a/%2e/b", "/a/b"),
            ("/a/%2e%2e/b", "/b"),
            ("/a/b/.%2E/c?x=1", "/a/c?x=1"),
            ("/./", "/"),
            ("/..", "/"),
            ("/%2e%2e", "/"),
            ("/a/..", "/"),
            ("/.../x", "/.../x"),
            ("/x/..%2fy", "/x/..%2fy"),
        ] {
            assert_eq!(sanitize(Some(input)), expected, "{input:?}");
        }
    }

    /// The property every output must have: resolved as a browser resolves a `Location`
    /// against the callback URL, it stays on the app's origin; it starts with one `/`,
    /// not `//` nor `/\`, also once percent-decoded.
    fn assert_stays_on_origin(input: &str) {
        let out = sanitize(Some(input));
        let base = url::Url::parse("https://app.example/cb").unwrap();
        let resolved = base
            .join(&out)
            .unwrap_or_else(|e| panic!("{input:?} -> {out:?}: {e}"));
        assert_eq!(
            resolved.origin(),
            base.origin(),
            "{input:?} -> {out:?} -> {resolved}"
        );
        let decoded = percent_encoding::percent_decode_str(&out)
            .decode_utf8_lossy()
            .into_owned();
        for v in [out.as_str(), decoded.as_str()] {
            assert!(
                v.starts_with('/') && !v.starts_with("//") && !v.starts_with("/\\"),
                "{input:?} -> {out:?}"
            );
        }
    }

    fn tricky() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            8 => prop::sample::select(vec![
                "/", "\\", ".", "%", "2", "e", "E", "5", "c", "C", "f", "F", ":", "@", "?", "#",
            ]),
            2 => prop::sample::select(vec!["%2e", "%2E", "%2f", "%2F", "%5c", "%5C", "..", "//"]),
            1 => prop::sample::select(vec!["a", "b", "x", "evil", "example", "http", " ", "\t"]),
        ];
        let prefix = prop::sample::select(vec!["", "/", "/.", "/a/"]);
        (prefix, prop::collection::vec(piece, 0..20))
            .prop_map(|(p, v)| format!("{p}{}", v.concat()))
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]

        #[test]
        fn tricky_inputs_stay_on_origin(input in tricky()) {
            assert_stays_on_origin(&input);
        }

        #[test]
        fn arbitrary_inputs_stay_on_origin(input in proptest::prelude::any::<String>()) {
            assert_stays_on_origin(&input);
        }
    }
}
