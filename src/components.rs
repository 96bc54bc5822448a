//! Reactive auth state and components for Leptos (both SSR and hydrate).
//!
//! 1. Call [`provide_auth`] once at the top of your `App` (before any resource or `Suspense`).
//!    On the server it reads the verified user that [`crate::CognitoLayer`] put in the request;
//!    the snapshot (never a token) travels to the browser in the hydration data, so the first
//!    client render equals the server render: no flash of the signed-out UI, no mismatch.
//! 2. [`use_user`] returns a `Signal<Option<CognitoUser>>` that updates after
//!    [`refresh_user`] without a reload. Sign-in and sign-out are full navigations (they pass
//!    through Cognito), after which the new state arrives with the new page.
//! 3. [`Protected`] renders its children only when a [`Policy`] allows the user: signed out →
//!    redirect to sign-in (303 during SSR); signed in but not allowed → the `fallback` view, with
//!    HTTP status 403 during SSR.
//!
//! # Example
//! ```
//! use leptos::prelude::*;
//! use leptos_cognito::{provide_auth, use_user, Protected, SignInLink, SignOutButton};
//!
//! #[component]
//! fn Header() -> impl IntoView {
//!     let user = use_user();
//!     view! {
//!         {move || match user.get() {
//!             Some(u) => view! { <span>{u.username}</span> <SignOutButton/> }.into_any(),
//!             None => view! { <SignInLink>"Sign in"</SignInLink> }.into_any(),
//!         }}
//!     }
//! }
//!
//! #[component]
//! fn Admin() -> impl IntoView {
//!     view! {
//!         <Protected groups=vec!["admins".to_string()] fallback=|| view! { <p>"Admins only"</p> }>
//!             <p>"Welcome, admin"</p>
//!         </Protected>
//!     }
//! }
//! ```

use leptos::{either::EitherOf3, prelude::*};

use crate::{context::AuthSnapshot, paths::login_url, policy::Decision, CognitoUser, Policy};

/// The auth state in the Leptos context: read-only for the app (it changes only through
/// [`refresh_user`] or a new page from the server).
#[derive(Debug, Clone, Copy)]
pub struct AuthContext {
    snapshot: RwSignal<AuthSnapshot>,
}

impl AuthContext {
    /// The current snapshot (reactive).
    pub fn snapshot(&self) -> Signal<AuthSnapshot> {
        self.snapshot.into()
    }

    /// The signed-in user (reactive).
    pub fn user(&self) -> Signal<Option<CognitoUser>> {
        let snapshot = self.snapshot;
        Signal::derive(move || snapshot.with(|s| s.user().cloned()))
    }

    /// Whether authorization is disabled (`AWS_COGNITO_DISABLED`).
    pub fn is_disabled(&self) -> bool {
        self.snapshot.with_untracked(AuthSnapshot::is_disabled)
    }

    /// Whether Cognito was unreachable for this request.
    pub fn is_unavailable(&self) -> bool {
        self.snapshot.with(AuthSnapshot::is_unavailable)
    }

    /// Evaluates `policy` for the current user (reactive); disabled mode allows everything.
    pub fn decide(&self, policy: &Policy) -> Decision {
        self.snapshot.with(|s| {
            if s.is_disabled() {
                Decision::Allow
            } else {
                policy.evaluate(s.user())
            }
        })
    }
}

/// Creates the auth context. Call once, first thing in `App`, on both sides.
///
/// # Example
/// ```
/// use leptos::prelude::*;
/// #[component]
/// fn App() -> impl IntoView {
///     leptos_cognito::provide_auth(); // before any resource or Suspense
///     view! { <p>"app"</p> }
/// }
/// ```
pub fn provide_auth() -> AuthContext {
    let snapshot = SharedValue::new(crate::context::server_snapshot).into_inner();
    let ctx = AuthContext {
        snapshot: RwSignal::new(snapshot),
    };
    provide_context(ctx);
    ctx
}

/// The auth context. Without [`provide_auth`] it logs an error and reads as signed out.
pub fn use_auth() -> AuthContext {
    use_context::<AuthContext>().unwrap_or_else(|| {
        leptos::logging::error!("leptos_cognito: call provide_auth() first thing in App");
        AuthContext {
            snapshot: RwSignal::new(AuthSnapshot::SignedOut),
        }
    })
}

/// The signed-in user, reactive and read-only. Identical on the server render and the first
/// client render.
///
/// # Example
/// ```
/// use leptos::prelude::*;
/// #[component]
/// fn Greeting() -> impl IntoView {
///     let user = leptos_cognito::use_user();
///     move || user.get().map(|u| format!("Hello, {}", u.display_name()))
/// }
/// ```
pub fn use_user() -> Signal<Option<CognitoUser>> {
    use_auth().user()
}

/// Refreshes the session now (server function `POST /auth/refresh`) and updates
/// [`use_user`]. Call from an event handler in the browser.
///
/// # Example
/// ```
/// use leptos::prelude::*;
/// #[component]
/// fn Extend() -> impl IntoView {
///     view! { <button on:click=|_| leptos_cognito::refresh_user()>"Stay signed in"</button> }
/// }
/// ```
pub fn refresh_user() {
    let ctx = use_auth();
    leptos::task::spawn_local(async move {
        match crate::server_fns::refresh_session().await {
            Ok(user) => ctx.snapshot.update(|s| *s = s.with_user(user)),
            Err(e) if e.to_string().contains("unauthenticated") => {
                ctx.snapshot.update(|s| *s = s.with_user(None));
            }
            Err(e) => leptos::logging::warn!("session refresh failed: {e}"),
        }
    });
}

fn current_path() -> String {
    let loc = leptos_router::hooks::use_location();
    let (path, search) = (loc.pathname.get_untracked(), loc.search.get_untracked());
    if search.is_empty() {
        path
    } else if search.starts_with('?') {
        format!("{path}{search}")
    } else {
        format!("{path}?{search}")
    }
}

#[cfg(feature = "ssr")]
fn set_response(status: http::StatusCode, location: Option<&str>) {
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(status);
        if let Some(l) = location.and_then(|l| http::HeaderValue::from_str(l).ok()) {
            res.insert_header(http::header::LOCATION, l);
        }
        res.insert_header(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static("private, no-store"),
        );
    }
}

/// Renders `children` only for users the policy allows.
///
/// Props:
/// - `groups`: all of these groups (flask-cognito-lib's default); `any_group=true` for any of them.
/// - `policy`: a full [`Policy`] (overrides `groups`).
/// - `fallback`: shown to signed-in users who are not allowed (SSR status 403).
/// - `redirect` (default `true`): signed-out users are sent to sign-in (SSR status 303);
///   with `false` they see `fallback` with status 401.
///
/// # Example
/// ```
/// use leptos::prelude::*;
/// use leptos_cognito::{Policy, Protected};
/// #[component]
/// fn Reports() -> impl IntoView {
///     view! {
///         <Protected policy=Policy::any_group(["finance", "admins"]) fallback=|| "Not for you">
///             "Quarterly numbers"
///         </Protected>
///     }
/// }
/// ```
#[component]
pub fn Protected(
    /// Required groups (all of them unless `any_group`).
    #[prop(optional, into)]
    groups: Vec<String>,
    /// Any one of `groups` suffices.
    #[prop(optional)]
    any_group: bool,
    /// A full policy; overrides `groups`.
    #[prop(optional, into)]
    policy: Option<Policy>,
    /// View for signed-in users who are not allowed.
    #[prop(optional, into)]
    fallback: ViewFn,
    /// Redirect signed-out users to sign-in (default true).
    #[prop(default = true)]
    redirect: bool,
    /// The protected content.
    children: ChildrenFn,
) -> impl IntoView {
    let policy = policy.unwrap_or_else(|| {
        if any_group {
            Policy::any_group(groups)
        } else {
            Policy::groups(groups)
        }
    });
    let ctx = use_auth();
    let login = login_url(&current_path());
    move || match ctx.decide(&policy) {
        Decision::Allow => EitherOf3::A(children()),
        Decision::Forbidden(_) => {
            #[cfg(feature = "ssr")]
            set_response(http::StatusCode::FORBIDDEN, None);
            EitherOf3::B(fallback.run())
        }
        Decision::Unauthenticated if !redirect => {
            #[cfg(feature = "ssr")]
            set_response(http::StatusCode::UNAUTHORIZED, None);
            EitherOf3::B(fallback.run())
        }
        Decision::Unauthenticated => {
            #[cfg(feature = "ssr")]
            set_response(
                if ctx.is_unavailable() {
                    http::StatusCode::SERVICE_UNAVAILABLE
                } else {
                    http::StatusCode::SEE_OTHER
                },
                (!ctx.is_unavailable()).then_some(login.as_str()),
            );
            // Client-side navigation to a protected page: leave for sign-in.
            #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
            if !ctx.is_unavailable() {
                if let Some(w) = web_sys::window() {
                    let _ = w.location().assign(&login);
                }
            }
            let href = login.clone();
            EitherOf3::C(view! {
                <p class="cognito-redirect">
                    {if ctx.is_unavailable() {
                        "The sign-in service is unavailable; please retry shortly. "
                    } else {
                        "Sign-in required. "
                    }}
                    <a href=href rel="external">"Sign in"</a>
                </p>
            })
        }
    }
}

/// Renders its children only when someone is signed in.
///
/// # Example
/// ```
/// use leptos::prelude::*;
/// use leptos_cognito::{SignedIn, SignedOut, SignInLink, SignOutButton};
/// #[component]
/// fn Account() -> impl IntoView {
///     view! {
///         <SignedIn><SignOutButton/></SignedIn>
///         <SignedOut><SignInLink>"Sign in"</SignInLink></SignedOut>
///     }
/// }
/// ```
#[component]
pub fn SignedIn(children: ChildrenFn) -> impl IntoView {
    let user = use_user();
    view! { <Show when=move || user.with(Option::is_some)>{children()}</Show> }
}

/// Renders its children only when nobody is signed in (see [`SignedIn`] for an example).
#[component]
pub fn SignedOut(children: ChildrenFn) -> impl IntoView {
    let user = use_user();
    view! { <Show when=move || user.with(Option::is_none)>{children()}</Show> }
}

/// A link to sign-in that comes back to `return_to` (default: the current page). It is a
/// plain link (`rel="external"`), so the router lets the browser navigate to the server route.
///
/// # Example
/// ```
/// use leptos::prelude::*;
/// use leptos_cognito::SignInLink;
/// #[component]
/// fn Cta() -> impl IntoView {
///     view! { <SignInLink return_to="/reports" class="btn">"Sign in to see reports"</SignInLink> }
/// }
/// ```
#[component]
pub fn SignInLink(
    /// Where to return after sign-in (a same-origin path).
    #[prop(optional, into)]
    return_to: Option<String>,
    /// CSS class of the link.
    #[prop(optional, into)]
    class: Option<String>,
    /// Link content.
    children: Children,
) -> impl IntoView {
    let href = login_url(&return_to.unwrap_or_else(current_path));
    view! { <a href=href class=class rel="external">{children()}</a> }
}

/// A sign-out button: a plain POST form to `/auth/logout`, working without JavaScript.
///
/// # Example
/// ```
/// use leptos::prelude::*;
/// use leptos_cognito::SignOutButton;
/// #[component]
/// fn Bye() -> impl IntoView {
///     view! { <SignOutButton class="btn">"Log out"</SignOutButton> }
/// }
/// ```
#[component]
pub fn SignOutButton(
    /// CSS class of the button.
    #[prop(optional, into)]
    class: Option<String>,
    /// Button content (default "Sign out").
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    view! {
        <form method="post" action="/auth/logout" class="cognito-signout">
            <button type="submit" class=class>
                {match children {
                    Some(c) => c().into_any(),
                    None => "Sign out".into_any(),
                }}
            </button>
        </form>
    }
}
