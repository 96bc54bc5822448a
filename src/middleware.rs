//! [`CognitoLayer`]: authenticates every request from its cookies (or bearer token), refreshes
//! expired sessions, and puts the result in the request as an [`AuthState`] extension.
//!
//! Per request:
//! 1. `Authorization: Bearer <access token>` wins when present: verified exactly like the
//!    cookie (no refresh, no cookies written).
//! 2. Otherwise the `cognito_access_token` cookie is verified (cached until `exp`); the
//!    `cognito_id_token` cookie adds the profile when it verifies for the same `sub`.
//! 3. An expired or missing access token with a refresh cookie and the refresh flow on is
//!    refreshed once per session ([`crate::refresh`]); the new cookies are set on the response
//!    with `Cache-Control: no-store`.
//! 4. A tampered, foreign or expired-and-unrefreshable token means signed out; its cookies are
//!    cleared. When Cognito is unreachable the state is [`AuthState::Unavailable`] and the
//!    cookies are kept.
//! 5. `/auth/login`, `/auth/callback` and `/auth/logout` are passed through untouched (they
//!    manage the cookies themselves).
//!
//! The layer includes tower-cookies' `CookieManager`, so handlers and server functions can use
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
    sync::Arc,
    task::{Context, Poll},
};

use http::{header, HeaderValue, Request, Response};
use tower::{Layer, Service};
use tower_cookies::{service::CookieManager, Cookies};

use crate::{
    auth::{CALLBACK_PATH, LOGIN_PATH, LOGOUT_PATH},
    session::{AuthState, CredentialSource, Session},
    verify::{claims::user_from, VerifyError},
    CognitoAuth,
};

/// The layer. Build it with [`CognitoAuth::layer`].
#[derive(Clone, Debug)]
pub struct CognitoLayer {
    auth: CognitoAuth,
}

impl CognitoLayer {
    /// A layer authenticating with `auth`.
    pub fn new(auth: CognitoAuth) -> Self {
        Self { auth }
    }
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

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for CognitoService<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    ReqBody: Send + 'static,
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
            let path = req.uri().path();
            let skip = matches!(path, LOGIN_PATH | CALLBACK_PATH | LOGOUT_PATH);
            let mut wrote = false;
            if !skip {
                let jar = req
                    .extensions()
                    .get::<Cookies>()
                    .cloned()
                    .unwrap_or_default();
                let (state, w) = authenticate(&auth, req.headers(), &jar).await;
                wrote = w;
                req.extensions_mut().insert(state);
            }
            let mut res = inner.call(req).await?;
            if wrote {
                res.headers_mut()
                    .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            }
            Ok(res)
        })
    }
}

fn bearer(headers: &http::HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Authenticates one request. Returns the state and whether cookies were written.
pub async fn authenticate(
    auth: &CognitoAuth,
    headers: &http::HeaderMap,
    jar: &Cookies,
) -> (AuthState, bool) {
    let verifier = auth.verifier();
    if let Some(token) = bearer(headers) {
        return match verifier.verify_access(token).await {
            Ok(access) => (
                AuthState::SignedIn(Arc::new(Session {
                    user: user_from(&access, None),
                    access,
                    id: None,
                    source: CredentialSource::Bearer,
                })),
                false,
            ),
            Err(e) if e.is_transient() => (AuthState::Unavailable, false),
            Err(e) => {
                tracing::debug!(error = %e, "bearer token refused");
                (AuthState::InvalidBearer, false)
            }
        };
    }

    let codec = auth.cookies();
    let Some(access_token) = codec.read(jar, crate::cookies::ACCESS_COOKIE) else {
        // No access token: a refresh cookie may still bring the session back.
        return try_refresh(auth, jar, None).await;
    };
    match verifier.verify_access(&access_token).await {
        Ok(access) => {
            let id = match codec.read(jar, crate::cookies::ID_COOKIE) {
                Some(t) => verifier
                    .verify_id(&t, None)
                    .await
                    .ok()
                    .filter(|id| id.subject() == access.subject()),
                None => None,
            };
            let session = Session {
                user: user_from(&access, id.as_ref()),
                access,
                id,
                source: CredentialSource::Cookie,
            };
            (AuthState::SignedIn(Arc::new(session)), false)
        }
        Err(e) if e.is_transient() => (AuthState::Unavailable, false),
        Err(VerifyError::Expired) => {
            let old_sub = verifier.signed_subject(&access_token).await;
            try_refresh(auth, jar, old_sub.as_deref()).await
        }
        Err(e) => {
            tracing::info!(error = %e, "access-token cookie refused; signing out");
            codec.clear_all(jar);
            (AuthState::SignedOut, true)
        }
    }
}

async fn try_refresh(
    auth: &CognitoAuth,
    jar: &Cookies,
    old_sub: Option<&str>,
) -> (AuthState, bool) {
    let codec = auth.cookies();
    if !auth.config().refresh_flow_enabled() {
        return if codec.read(jar, crate::cookies::ACCESS_COOKIE).is_some() {
            codec.clear_all(jar);
            (AuthState::SignedOut, true)
        } else {
            (AuthState::SignedOut, false)
        };
    }
    let Some(refresh_token) = codec.read_refresh(jar) else {
        let had_any = codec.read(jar, crate::cookies::ACCESS_COOKIE).is_some()
            || codec.read(jar, crate::cookies::REFRESH_COOKIE).is_some();
        if had_any {
            codec.clear_all(jar);
        }
        return (AuthState::SignedOut, had_any);
    };
    match auth
        .refresher()
        .refresh(auth, &refresh_token, old_sub)
        .await
    {
        Ok(r) => {
            codec.write_tokens(
                jar,
                &r.access_token,
                r.id_token.as_deref(),
                Some(&r.refresh_token),
            );
            let session = Session {
                user: user_from(&r.access, r.id.as_ref()),
                access: r.access.clone(),
                id: r.id.clone(),
                source: CredentialSource::Cookie,
            };
            (AuthState::SignedIn(Arc::new(session)), true)
        }
        Err(e) if e.is_unavailable() => {
            tracing::warn!(error = %e, "refresh impossible now; keeping the session cookies");
            (AuthState::Unavailable, false)
        }
        Err(e) => {
            tracing::info!(error = %e, "refresh refused; signing out");
            codec.clear_all(jar);
            (AuthState::SignedOut, true)
        }
    }
}
