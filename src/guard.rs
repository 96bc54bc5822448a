//! Enforcing a [`Policy`] on the server: the route layer for plain axum routes and JSON APIs,
//! and [`require`] for server functions.
//!
//! Outcomes (every refusal is a [`Rejection`]):
//! 1. Nobody signed in → APIs and server functions: **401** with
//!    `WWW-Authenticate: Bearer` (`error="invalid_token"` when a bad bearer token was sent);
//!    pages: **303** to `/auth/login?return_to=<this path>`.
//! 2. Signed in but not allowed → **403** naming the unmet rule (`error="insufficient_scope"`
//!    only when the failed rule is about scopes).
//! 3. Signed in longer ago than the policy's `max_auth_age` → **401**
//!    `reauthentication_required` (RFC 9470's `insufficient_user_authentication`); pages:
//!    **303** to sign-in with `prompt=login`.
//! 4. Cognito unreachable while the session needed it → **503** with `Retry-After`.
//! 5. `AWS_COGNITO_DISABLED` → everything passes, and the result says so
//!    ([`Authorized::Disabled`]), so a handler cannot take an anonymous caller for a user.
//!
//! # Example
//! ```no_run
//! use axum::{routing::get, Router};
//! use leptos_cognito::{CognitoUser, Policy, RequireLayer};
//!
//! async fn me(user: CognitoUser) -> axum::Json<CognitoUser> { axum::Json(user) }
//! # fn f(auth: leptos_cognito::CognitoAuth) {
//! let api: Router = Router::new()
//!     .route("/api/me", get(me))
//!     .route_layer(RequireLayer::api(Policy::signed_in()))
//!     .layer(auth.layer());
//! # }
//! ```

use std::{
    future::Future,
    pin::Pin,
    task::{Context, Poll},
};

use axum::{
    body::Body,
    response::{IntoResponse, Response},
};
use http::{Extensions, Request};
use tower::{Layer, Service};

use crate::{
    auth::CognitoAuth,
    policy::Decision,
    rejection::Rejection,
    session::{state_of, AuthState},
    CognitoUser, Policy,
};

/// What a guard let through.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Authorized {
    /// A signed-in user the policy allows.
    User(CognitoUser),
    /// Authorization is disabled (`AWS_COGNITO_DISABLED`): the policy was not evaluated and the
    /// caller may be anyone; the verified user, if one happens to be signed in.
    Disabled(Option<CognitoUser>),
}

impl Authorized {
    /// The verified user, when there is one.
    pub fn user(&self) -> Option<&CognitoUser> {
        match self {
            Authorized::User(u) => Some(u),
            Authorized::Disabled(u) => u.as_ref(),
        }
    }
    /// The user the policy allowed; `None` in disabled mode, even if someone is signed in.
    pub fn allowed_user(&self) -> Option<&CognitoUser> {
        match self {
            Authorized::User(u) => Some(u),
            Authorized::Disabled(_) => None,
        }
    }
}

/// Evaluates `policy` against a request's state.
fn check(policy: &Policy, state: &AuthState, auth: &CognitoAuth) -> Result<Authorized, Rejection> {
    if auth.config().disabled() {
        return Ok(Authorized::Disabled(state.user().cloned()));
    }
    if let Some(r) = state.rejection() {
        return Err(r);
    }
    match policy.evaluate_at(state.user(), auth.clock().now()) {
        Decision::Allow => state
            .user()
            .cloned()
            .map(Authorized::User)
            .ok_or(Rejection::Unauthenticated),
        Decision::Forbidden(rule) => Err(Rejection::Forbidden(rule)),
        Decision::Reauthenticate { max_age } => {
            Err(Rejection::ReauthenticationRequired { max_age })
        }
        _ => Err(Rejection::Unauthenticated),
    }
}

fn check_request(policy: &Policy, ext: &Extensions) -> Result<Authorized, Rejection> {
    let auth = ext.get::<CognitoAuth>().ok_or(Rejection::Misconfigured(
        "CognitoAuth::layer() around the app",
    ))?;
    let state = state_of(ext)?;
    check(policy, &state, auth)
}

/// Whether refused requests get JSON (APIs) or redirects and HTML pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GuardMode {
    Api,
    Page,
}

/// A route layer enforcing a [`Policy`]. Needs [`crate::CognitoLayer`] outside it.
#[derive(Clone, Debug)]
pub struct RequireLayer {
    policy: Policy,
    mode: GuardMode,
}

impl RequireLayer {
    /// For JSON APIs: 401/403/503 as JSON with `WWW-Authenticate`.
    pub fn api(policy: Policy) -> Self {
        Self {
            policy,
            mode: GuardMode::Api,
        }
    }
    /// For pages: 303 to sign-in, or an HTML 403/503 page.
    pub fn page(policy: Policy) -> Self {
        Self {
            policy,
            mode: GuardMode::Page,
        }
    }
}

impl<S> Layer<S> for RequireLayer {
    type Service = RequireService<S>;
    fn layer(&self, inner: S) -> Self::Service {
        RequireService {
            inner,
            policy: self.policy.clone(),
            mode: self.mode,
        }
    }
}

/// The service of [`RequireLayer`].
#[derive(Clone, Debug)]
pub struct RequireService<S> {
    inner: S,
    policy: Policy,
    mode: GuardMode,
}

impl<S> Service<Request<Body>> for RequireService<S>
where
    S: Service<Request<Body>, Response = Response> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<Body>) -> Self::Future {
        match check_request(&self.policy, req.extensions()) {
            Ok(authorized) => {
                req.extensions_mut().insert(authorized);
                let clone = self.inner.clone();
                let mut inner = std::mem::replace(&mut self.inner, clone);
                Box::pin(async move { inner.call(req).await })
            }
            Err(rejection) => {
                let res = match self.mode {
                    GuardMode::Page => {
                        let pq = req.uri().path_and_query().map_or("/", |p| p.as_str());
                        rejection.page(pq).into_response()
                    }
                    _ => rejection.into_response(),
                };
                Box::pin(async move { Ok(res) })
            }
        }
    }
}

/// Server-function guard: what `policy` allows for the current request.
///
/// When refused, it sets the response status and headers of the [`Rejection`] (401 with
/// `WWW-Authenticate: Bearer`, 403, 503 with `Retry-After`) and returns a `ServerFnError`
/// whose message is the rejection's code. With `AWS_COGNITO_DISABLED` it returns
/// [`Authorized::Disabled`].
///
/// # Example
/// ```no_run
/// use leptos::prelude::*;
/// use leptos_cognito::Policy;
///
/// #[server]
/// pub async fn admin_stats() -> Result<u32, ServerFnError> {
///     let who = leptos_cognito::require(&Policy::groups(["admins"])).await?;
///     let _admin = who.allowed_user();
///     Ok(42)
/// }
/// ```
///
/// # Errors
/// When the policy refuses the request, or when called outside a request.
pub async fn require(policy: &Policy) -> Result<Authorized, leptos::prelude::ServerFnError> {
    use leptos::prelude::{use_context, ServerFnError};
    let result = match use_context::<http::request::Parts>() {
        Some(parts) => check_request(policy, &parts.extensions),
        None => Err(Rejection::Misconfigured(
            "a request context (require() outside a server function?)",
        )),
    };
    result.map_err(|rejection| {
        rejection.record();
        if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
            res.set_status(rejection.status());
            for (k, v) in rejection.headers() {
                res.insert_header(k, v);
            }
        }
        ServerFnError::new(rejection.code())
    })
}
