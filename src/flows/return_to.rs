//! Sanitising the `return_to` target of a login: only same-origin relative paths.
//!
//! Accepted: a path starting with a single `/`, with an optional query (kept) and fragment
//! (dropped). Refused (replaced by `/`): absolute URLs, scheme-relative `//host`, `/\host`,
//! anything with a backslash, control characters (raw or percent-encoded: tab, CR, LF, …),
//! `javascript:` and other schemes, and targets longer than [`MAX_RETURN_TO_LEN`].
//!
//! # Example
//! ```
//! use leptos_cognito::flows::return_to::sanitize;
//! assert_eq!(sanitize(Some("/admin?tab=users")), "/admin?tab=users");
//! assert_eq!(sanitize(Some("//evil.example/")), "/");
//! assert_eq!(sanitize(Some("https://evil.example/")), "/");
//! assert_eq!(sanitize(Some("/%09/evil.example")), "/");
//! assert_eq!(sanitize(None), "/");
//! ```

/// Longest accepted return path.
pub const MAX_RETURN_TO_LEN: usize = 1024;

/// The safe return path for `raw` (already percent-decoded once, as from a query string).
pub fn sanitize(raw: Option<&str>) -> String {
    raw.and_then(check).unwrap_or_else(|| "/".to_string())
}

fn check(raw: &str) -> Option<String> {
    let without_fragment = raw.split('#').next().unwrap_or("");
    let s = without_fragment;
    if s.is_empty() || s.len() > MAX_RETURN_TO_LEN || !s.starts_with('/') {
        return None;
    }
    // Look at the value and at its percent-decoded form (browsers and proxies may decode).
    let decoded: String = percent_decode(s)?;
    for candidate in [s, decoded.as_str()] {
        if candidate.starts_with("//")
            || candidate.contains('\\')
            || candidate
                .chars()
                .any(|c| c.is_control() || c == '\u{FEFF}' || c == '\u{200B}')
        {
            return None;
        }
        // A scheme cannot hide in the first segment since the value starts with '/', but
        // refuse `/javascript:` style targets anyway: they are never legitimate.
        if candidate
            .to_ascii_lowercase()
            .trim_start_matches('/')
            .starts_with("javascript:")
        {
            return None;
        }
    }
    // Resolving against a base must stay on the same origin.
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
    Some(out)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes: Vec<u8> =
        url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
            .next()
            .map(|(_, v)| v.into_owned().into_bytes())?;
    String::from_utf8(bytes).ok()
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
}
