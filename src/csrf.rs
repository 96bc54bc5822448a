//! Same-origin check for unsafe requests authenticated by cookies (CSRF defence).
//!
//! A request is same-origin when, in this order:
//! 1. `Sec-Fetch-Site: same-origin` (set by every current browser, unforgeable by pages); else
//! 2. its `Origin` is one of the allowed origins (the app's origin, from the redirect URL, plus
//!    `AWS_COGNITO_ALLOWED_ORIGINS`); `Origin: null` never is; else
//! 3. its `Referer`'s origin is an allowed one; else
//! 4. when the browser sent `Sec-Fetch-Site` with any other value, it is cross-origin.
//!
//! A request with none of the three headers comes from a non-browser client, which holds no
//! victim's cookies; it passes. A same-*site* request from another port or a sibling subdomain is
//! cross-origin. Origins compare exactly (scheme, host, port), ASCII case-insensitively.
//!
//! # Example
//! ```
//! use http::HeaderMap;
//! use leptos_cognito::csrf::is_same_origin;
//! let allowed = ["https://app.example".to_string()];
//! let mut h = HeaderMap::new();
//! h.insert("origin", "https://app.example".parse().unwrap());
//! assert!(is_same_origin(&h, &allowed));
//! h.insert("origin", "https://evil.example".parse().unwrap());
//! assert!(!is_same_origin(&h, &allowed));
//! ```

use http::{header, HeaderMap, Method};
use url::Url;

/// Whether `method` may change state (everything but `GET`, `HEAD`, `OPTIONS`, `TRACE`).
pub fn is_unsafe(method: &Method) -> bool {
    !matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

fn allowed_origin(origin: &str, allowed: &[String]) -> bool {
    origin != "null" && allowed.iter().any(|a| a.eq_ignore_ascii_case(origin))
}

/// Whether the request comes from one of the `allowed` origins (see the module rules).
pub fn is_same_origin(headers: &HeaderMap, allowed: &[String]) -> bool {
    let fetch_site = headers.get("sec-fetch-site").map(|v| v.as_bytes());
    if fetch_site == Some(b"same-origin") {
        return true;
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        return origin.to_str().is_ok_and(|o| allowed_origin(o, allowed));
    }
    if let Some(referer) = headers.get(header::REFERER) {
        return referer
            .to_str()
            .ok()
            .and_then(|r| Url::parse(r).ok())
            .is_some_and(|u| allowed_origin(&u.origin().ascii_serialization(), allowed));
    }
    fetch_site.is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut m = HeaderMap::new();
        for (k, v) in pairs {
            m.insert(*k, v.parse().unwrap());
        }
        m
    }

    #[test]
    fn same_origin_rules() {
        let o = ["http://127.0.0.1:3000".to_string()];
        assert!(is_same_origin(&h(&[("sec-fetch-site", "same-origin")]), &o));
        assert!(!is_same_origin(&h(&[("sec-fetch-site", "cross-site")]), &o));
        assert!(!is_same_origin(&h(&[("sec-fetch-site", "same-site")]), &o));
        assert!(!is_same_origin(&h(&[("sec-fetch-site", "none")]), &o));
        assert!(is_same_origin(
            &h(&[("origin", "http://127.0.0.1:3000")]),
            &o
        ));
        assert!(is_same_origin(
            &h(&[("origin", "HTTP://127.0.0.1:3000")]),
            &o
        ));
        // Same site, other port or other subdomain: cross-origin.
        assert!(!is_same_origin(
            &h(&[("origin", "http://127.0.0.1:3001")]),
            &o
        ));
        assert!(!is_same_origin(
            &h(&[("origin", "http://localhost:3000")]),
            &o
        ));
        assert!(!is_same_origin(
            &h(&[("origin", "https://evil.example")]),
            &o
        ));
        assert!(!is_same_origin(&h(&[("origin", "null")]), &o));
        assert!(!is_same_origin(
            &h(&[
                ("sec-fetch-site", "same-site"),
                ("origin", "http://127.0.0.1:3001")
            ]),
            &o
        ));
        assert!(!is_same_origin(
            &h(&[("referer", "https://evil.example/page")]),
            &o
        ));
        assert!(is_same_origin(
            &h(&[("referer", "http://127.0.0.1:3000/profile")]),
            &o
        ));
        assert!(!is_same_origin(
            &h(&[("referer", "http://127.0.0.1:3000.evil.example/")]),
            &o
        ));
        assert!(!is_same_origin(&h(&[("referer", "not a url")]), &o));
        assert!(!is_same_origin(
            &h(&[
                ("sec-fetch-site", "cross-site"),
                ("referer", "https://evil.example/")
            ]),
            &o
        ));
        assert!(is_same_origin(&h(&[]), &o));
    }

    #[test]
    fn allow_list() {
        let o = [
            "https://app.example".to_string(),
            "https://admin.example".to_string(),
        ];
        assert!(is_same_origin(
            &h(&[
                ("sec-fetch-site", "same-site"),
                ("origin", "https://admin.example")
            ]),
            &o
        ));
        assert!(!is_same_origin(
            &h(&[
                ("sec-fetch-site", "same-site"),
                ("origin", "https://other.example")
            ]),
            &o
        ));
    }

    #[test]
    fn unsafe_methods() {
        assert!(is_unsafe(&Method::POST));
        assert!(is_unsafe(&Method::DELETE));
        assert!(is_unsafe(&Method::from_bytes(b"PROPFIND").unwrap()));
        assert!(!is_unsafe(&Method::GET));
        assert!(!is_unsafe(&Method::HEAD));
    }
}
