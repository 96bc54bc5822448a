//! [`CognitoLayer`]: the tower layer that authenticates every request.
//!
//! Per request:
//! 1. The shared parts ([`CognitoAuth`]) go into the request's extensions.
//! 2. **CSRF**: an unsafe request (`POST`, `PUT`, `DELETE`, …) carrying the auth cookies, and
//!    every `POST /auth/logout`, must be same-origin ([`crate::csrf`]); otherwise it is refused
//!    with 403 before any handler runs. Bearer-authenticated requests are exempt (not ambient).
//!    `GET` requests are never checked, so `GET` server functions must not change state.
//! 3. The session resolver ([`crate::resolver`]) turns the credentials into an
//!    [`AuthState`], which goes into the extensions (the sign-in routes are passed through:
//!    they manage the cookies themselves). For the idle limit, a request is use of the
//!    session unless it is one of the browser's background reads (`/auth/session`,
//!    `/auth/user`) or a non-navigation request another site made (`Sec-Fetch-Site`).
//! 4. **Caching**: a response that read the auth state gets `Vary: Cookie`; if the request
//!    carried credentials, or cookies were written, it gets `Cache-Control: private, no-store`
//!    (replacing any other value). Anonymous public responses and static files keep their
//!    caching headers.
//!
//! The layer includes tower-cookies' `CookieManager`, so handlers can use
//! `tower_cookies::Cookies` too.
//!
//! # Example
//! ```no_run
//! # fn f(auth: leptos_cognito::CognitoAuth) {
//! let app: axum::Router = axum::Router::new().layer(auth.layer());
//! # }
//! ```

use std::{
    future::Future,
    pin::Pin,
    task::{Context, Poll},
};

use axum::response::IntoResponse;
use http::{header, HeaderName, HeaderValue, Request, Response};
use tower::{Layer, Service};
use tower_cookies::{service::CookieManager, Cookies};

use crate::{
    auth::CognitoAuth,
    csrf,
    paths::{CALLBACK_PATH, LOGIN_PATH, LOGOUT_PATH, SESSION_FN_PATH, USER_FN_PATH},
    rejection::Rejection,
    resolver,
    session::Consulted,
};

impl CognitoAuth {
    /// The tower layer that authenticates every request ([`CognitoLayer`]).
    pub fn layer(&self) -> CognitoLayer {
        CognitoLayer { auth: self.clone() }
    }
}

/// The layer. Build it with [`CognitoAuth::layer`].
#[derive(Clone, Debug)]
pub struct CognitoLayer {
    auth: CognitoAuth,
}

impl<S> Layer<S> for CognitoLayer {
    type Service = CookieManager<CognitoService<S>>;
    fn layer(&self, inner: S) -> Self::Service {
        CookieManager::new(CognitoService {
            inner,
            auth: self.auth.clone(),
        })
    }
}

/// The service of [`CognitoLayer`].
#[derive(Clone, Debug)]
pub struct CognitoService<S> {
    inner: S,
    auth: CognitoAuth,
}

fn wants_html(headers: &http::HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"))
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for CognitoService<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    ReqBody: Send + 'static,
    ResBody: From<axum::body::Body> + Send + 'static,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<ReqBody>) -> Self::Future {
        // The clone-swap keeps the service that was polled ready for this call.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let auth = self.auth.clone();
        Box::pin(async move {
            req.extensions_mut().insert(auth.clone());
            let Some(jar) = req.extensions().get::<Cookies>().cloned() else {
                return Ok(map_body(
                    Rejection::Misconfigured("the cookie manager").into_response(),
                ));
            };
            let path = req.uri().path();
            let is_logout = path == LOGOUT_PATH;
            let skip = matches!(path, LOGIN_PATH | CALLBACK_PATH) || is_logout;

            let headers = req.headers();
            // The request's cookies, read from the headers once (nothing written yet).
            let scan = auth.cookies().scan(headers);
            let credentials = resolver::Credentials::of(headers, &scan);
            if csrf::is_unsafe(req.method())
                && (is_logout || credentials.ambient())
                && !csrf::is_same_origin(headers, auth.config().allowed_origins())
            {
                tracing::warn!(
                    method = %req.method(),
                    path,
                    "cross-origin request with the session's cookies refused (CSRF)"
                );
                let res = if is_logout || wants_html(headers) {
                    Rejection::CrossOrigin.page("/").into_response()
                } else {
                    Rejection::CrossOrigin.into_response()
                };
                return Ok(map_body(res));
            }

            let resolution = if skip {
                None
            } else {
                // The browser's background reads of the session, and requests another site
                // makes the browser send (other than following a link here), are not its use.
                let activity =
                    !matches!(path, SESSION_FN_PATH | USER_FN_PATH) && !foreign_subrequest(headers);
                Some(resolver::resolve(&auth, headers, &scan, &jar, credentials, activity).await)
            };
            drop(scan);
            let cookies_changed = resolution.map(|r| {
                req.extensions_mut().insert(r.state);
                r.cookies_changed
            });
            let consulted = Consulted::default();
            req.extensions_mut().insert(consulted.clone());

            let mut res = inner.call(req).await?;
            if let Some(cookies_changed) = cookies_changed {
                let h = res.headers_mut();
                let user_dependent = consulted.was_consulted();
                if user_dependent {
                    append_vary_cookie(h);
                }
                let with_credentials = credentials.bearer || credentials.cookies;
                if cookies_changed || (user_dependent && with_credentials) {
                    h.insert(
                        header::CACHE_CONTROL,
                        HeaderValue::from_static("private, no-store"),
                    );
                }
            }
            Ok(res)
        })
    }
}

/// A request another site had the browser make (`Sec-Fetch-Site` cross-site or same-site),
/// other than a navigation: an image, a fetch, a form post from elsewhere.
fn foreign_subrequest(headers: &http::HeaderMap) -> bool {
    const SITE: HeaderName = HeaderName::from_static("sec-fetch-site");
    const MODE: HeaderName = HeaderName::from_static("sec-fetch-mode");
    let site = headers.get(SITE).map(HeaderValue::as_bytes);
    let mode = headers.get(MODE).map(HeaderValue::as_bytes);
    matches!(site, Some(b"cross-site" | b"same-site")) && mode != Some(b"navigate")
}

fn map_body<B: From<axum::body::Body>>(res: axum::response::Response) -> Response<B> {
    res.map(B::from)
}

fn append_vary_cookie(h: &mut http::HeaderMap) {
    let already = h.get_all(header::VARY).iter().any(|v| {
        v.to_str().is_ok_and(|v| {
            v.split(',')
                .any(|p| p.trim().eq_ignore_ascii_case("cookie") || p.trim() == "*")
        })
    });
    if !already {
        h.append(header::VARY, HeaderValue::from_static("Cookie"));
    }
}
