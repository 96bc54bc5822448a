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
    future::Ready,
    task::{Context, Poll},
};

use axum::{
    body::Body,
    response::{IntoResponse, Response},
};
use futures_util::future::Either;
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

/// Evaluates `policy` against a request's state: `Ok(None)` when authorization is disabled
/// (`AWS_COGNITO_DISABLED`), else `Ok(Some(user))`, the user it allowed.
fn check<'s>(
    policy: &Policy,
    state: &'s AuthState,
    auth: &CognitoAuth,
) -> Result<Option<&'s CognitoUser>, Rejection> {
    if auth.config().disabled() {
        return Ok(None);
    }
    if let Some(r) = state.rejection() {
        return Err(r);
    }
    match policy.evaluate_at(state.user(), auth.clock().now()) {
        Decision::Allow => state.user().map(Some).ok_or(Rejection::Unauthenticated),
        Decision::Forbidden(rule) => Err(Rejection::Forbidden(rule)),
        Decision::Reauthenticate { max_age } => {
            Err(Rejection::ReauthenticationRequired { max_age })
        }
        _ => Err(Rejection::Unauthenticated),
    }
}

fn auth_of(ext: &Extensions) -> Result<&CognitoAuth, Rejection> {
    ext.get::<CognitoAuth>().ok_or(Rejection::Misconfigured(
        "CognitoAuth::layer() around the app",
    ))
}

/// Whether `policy` lets the request through (the route layer: nothing is cloned).
fn allows(policy: &Policy, ext: &Extensions) -> Result<(), Rejection> {
    let auth = auth_of(ext)?;
    let state = state_of(ext)?;
    check(policy, &state, auth).map(drop)
}

/// What `policy` allows for the request (server functions).
fn check_request(policy: &Policy, ext: &Extensions) -> Result<Authorized, Rejection> {
    let auth = auth_of(ext)?;
    let state = state_of(ext)?;
    Ok(match check(policy, &state, auth)? {
        Some(user) => Authorized::User(user.clone()),
        None => Authorized::Disabled(state.user().cloned()),
    })
}

/// Marks a request a [`RequireLayer`] let through: the [`Authorized`] extractor builds what it
/// allowed on demand (nothing is copied for handlers that do not ask).
#[derive(Debug, Clone, Copy)]
struct Passed;

/// The extractor of what the route's [`RequireLayer`] allowed. A route without one answers
/// 500 ([`Rejection::Misconfigured`]): without a guard nothing was authorized.
///
/// ```no_run
/// use leptos_cognito::{Authorized, Policy, RequireLayer};
/// async fn ops(who: Authorized) -> String {
///     match who {
///         Authorized::User(u) => format!("hello {}", u.username),
///         _ => "authorization is disabled".into(),
///     }
/// }
/// let app: axum::Router = axum::Router::new().route(
///     "/ops",
///     axum::routing::get(ops).route_layer(RequireLayer::api(Policy::groups(["admins"]))),
/// );
/// ```
impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Authorized {
    type Rejection = Rejection;
    async fn from_request_parts(
        parts: &mut http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        if parts.extensions.get::<Passed>().is_none() {
            return Err(Rejection::Misconfigured(
                "a RequireLayer on this route (Authorized is what it allowed)",
            ));
        }
        // The route's policy passed, so the user is signed in (or authorization is off):
        // `signed_in` gives the same answer without knowing that policy.
        check_request(&Policy::signed_in(), &parts.extensions)
    }
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
    /// The inner service's future when allowed, the refusal at once otherwise (nothing boxed).
    type Future = Either<S::Future, Ready<Result<Response, S::Error>>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<Body>) -> Self::Future {
        match allows(&self.policy, req.extensions()) {
            // The future owns nothing of the service: the one polled ready is called.
            Ok(()) => {
                req.extensions_mut().insert(Passed);
                Either::Left(self.inner.call(req))
            }
            Err(rejection) => {
                let res = match self.mode {
                    GuardMode::Page => {
                        let pq = req.uri().path_and_query().map_or("/", |p| p.as_str());
                        rejection.page(pq).into_response()
                    }
                    _ => rejection.into_response(),
                };
                Either::Right(std::future::ready(Ok(res)))
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
