//! Small server-rendered HTML pages for the flows (errors, logout confirmation). Every dynamic
//! text is HTML-escaped; the pages are never cached and never framed
//! (`Content-Security-Policy: frame-ancestors 'none'`, `X-Frame-Options: DENY`).

use axum::response::{Html, IntoResponse, Response};
use http::{header, HeaderValue, StatusCode};

/// A complete, self-styled page. `title` and `message` are escaped here.
pub(crate) fn page(status: StatusCode, title: &str, message: &str, extra_html: &str) -> Response {
    let title = html_escape::encode_text(title);
    let message = html_escape::encode_text(message);
    let body = format!(
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>{title}</title><link rel="icon" href="data:,">
<style>
body{{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#f6f7fb;color:#1f2330;margin:0;display:grid;place-items:center;min-height:100vh}}
main{{background:#fff;border-radius:14px;box-shadow:0 8px 30px rgba(20,30,60,.08);padding:2.2rem 2.6rem;max-width:34rem}}
h1{{font-size:1.35rem;margin:0 0 .8rem}} p{{line-height:1.5;color:#454b5e}}
a,button{{display:inline-block;margin-top:1rem;margin-right:.6rem;padding:.55rem 1.1rem;border-radius:8px;border:0;background:#3d5afe;color:#fff;text-decoration:none;font:inherit;cursor:pointer}}
a.secondary{{background:#e8ebf5;color:#1f2330}}
</style></head>
<body><main><h1>{title}</h1><p>{message}</p>{extra_html}</main></body></html>"#
    );
    let mut res = (status, Html(body)).into_response();
    let h = res.headers_mut();
    never_cached(h);
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    res
}

/// `Cache-Control: private, no-store` and `Referrer-Policy: no-referrer`.
fn never_cached(h: &mut http::HeaderMap) {
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
}

/// The error page of a failed sign-in.
pub(crate) fn sign_in_error(status: StatusCode, message: &str) -> Response {
    page(
        status,
        "Sign-in failed",
        message,
        r#"<a href="/auth/login">Try again</a><a class="secondary" href="/">Home</a>"#,
    )
}

/// A 303 redirect that is never cached and sends no referrer.
pub(crate) fn see_other(location: &str) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(location) {
        h.insert(header::LOCATION, v);
    }
    never_cached(h);
    res
}
