//! Reactive auth state and components for Leptos (both SSR and hydrate).
//!
//! 1. Call [`provide_auth`] once at the top of your `App` (before any resource or `Suspense`).
//!    On the server it reads the verified user that [`crate::CognitoLayer`] put in the request;
//!    the snapshot (never a token) travels to the browser in the hydration data, so the first
//!    client render equals the server render: no flash of the signed-out UI, no mismatch.
//! 2. [`use_user`] returns a `Signal<Option<CognitoUser>>` that updates after
//!    [`refresh_user`] without a reload. Sign-in and sign-out are full navigations (they pass
//!    through Cognito), after which the new state arrives with the new page, and the other
//!    open tabs of the app follow within a moment (tab sync). [`use_session`] gives the
//!    session's end as signals; [`AuthContext::observe`] turns a server function's
//!    `unauthenticated` / `reauthentication_required` refusal into the right state.
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

use crate::{
    context::{AuthSnapshot, SessionTimes, SessionView},
    paths::{login_url, LoginOptions},
    policy::Decision,
    CognitoUser, Policy,
};

/// Why the auth state last changed in this tab: only a change caused by the user's own
/// action (a server function refused) sends a protected page to sign-in by itself; a change
/// from another tab or from time passing shows the sign-in link instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cause {
    Page,
    Action,
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    Elsewhere,
}

/// The auth state in the Leptos context: read-only for the app (it changes through
/// [`refresh_user`], [`AuthContext::observe`], another tab, or a new page from the server).
#[derive(Debug, Clone, Copy)]
pub struct AuthContext {
    snapshot: RwSignal<AuthSnapshot>,
    times: RwSignal<SessionTimes>,
    /// Seconds since the epoch on the server's clock (the server render's time until the
    /// browser's first tick, so the first client render equals the server render).
    now: RwSignal<i64>,
    /// The browser clock's offset from the server's, seconds.
    offset: StoredValue<i64>,
    /// A server function asked for a fresh sign-in.
    reauth: RwSignal<bool>,
    cause: StoredValue<Cause>,
}

impl AuthContext {
    fn from_view(view: SessionView) -> Self {
        Self {
            snapshot: RwSignal::new(view.snapshot),
            times: RwSignal::new(view.times),
            now: RwSignal::new(view.server_now),
            offset: StoredValue::new(0),
            reauth: RwSignal::new(false),
            cause: StoredValue::new(Cause::Page),
        }
    }

    /// The current snapshot (reactive).
    pub fn snapshot(&self) -> Signal<AuthSnapshot> {
        self.snapshot.into()
    }

    /// The signed-in user (reactive).
    pub fn user(&self) -> Signal<Option<CognitoUser>> {
        let snapshot = self.snapshot;
        Signal::derive(move || snapshot.with(|s| s.user().cloned()))
    }

    /// The session's times (reactive).
    pub fn times(&self) -> Signal<SessionTimes> {
        self.times.into()
    }

    /// Now, in seconds since the epoch on the server's clock (reactive: ticks every second in
    /// the browser after hydration).
    pub fn now(&self) -> Signal<i64> {
        self.now.into()
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
    /// A policy with [`Policy::max_auth_age`] follows the clock.
    pub fn decide(&self, policy: &Policy) -> Decision {
        let now = if policy.auth_age_limit().is_some() {
            self.now.get()
        } else {
            self.now.get_untracked()
        };
        let reauth = self.reauth.get();
        self.snapshot.with(|s| {
            if s.is_disabled() {
                return Decision::Allow;
            }
            match policy.evaluate_at(s.user(), now) {
                Decision::Allow if reauth => Decision::Reauthenticate {
                    max_age: policy.auth_age_limit().map_or(0, |d| d.as_secs()),
                },
                d => d,
            }
        })
    }

    /// Watches a server function's result for the library's refusals and updates the auth
    /// state: `unauthenticated` (the session ended: signed out here and in the other tabs)
    /// and `reauthentication_required` (step-up). `<Protected>` then sends the user to
    /// sign-in, with `prompt=login` for a step-up. The result is returned unchanged.
    ///
    /// # Example
    /// ```
    /// use leptos::prelude::*;
    /// #[server]
    /// pub async fn delete_all() -> Result<(), ServerFnError> { Ok(()) }
    ///
    /// #[component]
    /// fn Danger() -> impl IntoView {
    ///     let auth = leptos_cognito::use_auth();
    ///     let on_click = move |_| {
    ///         leptos::task::spawn_local(async move {
    ///             let _ = auth.observe(delete_all().await);
    ///         })
    ///     };
    ///     view! { <button on:click=on_click>"Delete everything"</button> }
    /// }
    /// ```
    pub fn observe<T, E: std::fmt::Display>(&self, result: Result<T, E>) -> Result<T, E> {
        self.observe_as(result, Cause::Action)
    }

    fn observe_as<T, E: std::fmt::Display>(
        &self,
        result: Result<T, E>,
        cause: Cause,
    ) -> Result<T, E> {
        if let Err(e) = &result {
            let text = e.to_string();
            // The library's refusals carry exactly their code (Leptos may prefix it).
            let is = |code: &str| text == code || text.ends_with(&format!(": {code}"));
            if is("reauthentication_required") {
                self.cause.set_value(cause);
                self.reauth.set(true);
            } else if is("unauthenticated") {
                self.cause.set_value(cause);
                self.snapshot.update(|s| *s = s.with_user(None));
                self.times.set(SessionTimes::default());
                self.announce();
            }
        }
        result
    }

    /// Applies a view from the server (after a refresh or a re-read).
    fn apply(&self, view: SessionView, cause: Cause) {
        self.cause.set_value(cause);
        self.set_clock(view.server_now);
        if self.snapshot.with_untracked(|s| *s != view.snapshot) {
            self.snapshot.set(view.snapshot);
        }
        if self.times.with_untracked(|t| *t != view.times) {
            self.times.set(view.times);
        }
    }

    /// Aligns this tab's clock on the server's `server_now`.
    fn set_clock(&self, server_now: i64) {
        self.offset
            .set_value(server_now - crate::policy::unix_now());
        self.tick();
    }

    /// Moves the clock to the current (server-aligned) second.
    fn tick(&self) {
        let now = crate::policy::unix_now() + self.offset.get_value();
        if self.now.get_untracked() != now {
            self.now.set(now);
        }
    }

    /// Tells the other tabs that the session changed (no-op on the server).
    fn announce(&self) {
        #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
        crate::tabs::announce(&self.snapshot.get_untracked());
    }

    /// Re-reads the session from the server (another tab changed it, or its end is due).
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn resync(self) {
        leptos::task::spawn_local(async move {
            match crate::server_fns::session_state().await {
                Ok(view) => {
                    self.apply(view, Cause::Elsewhere);
                    // A change found here (not one another tab announced) is announced.
                    self.announce();
                }
                Err(e) => leptos::logging::warn!("session re-read failed: {e}"),
            }
        });
    }
}

/// Creates the auth context. Call once, first thing in `App`, on both sides.
///
/// In the browser it also keeps the session current: a one-second clock for
/// [`use_session`], tab sync (signing in or out in one tab updates the others within a
/// moment, through `BroadcastChannel`, or `storage` events where it is missing; the message
/// is only "changed", each tab re-reads its state from the server), a re-read when the
/// session's end is due, and the optional proactive refresh
/// (`AWS_COGNITO_PROACTIVE_REFRESH_SECONDS`) while the tab is visible and its user active.
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
    let view = SharedValue::new(crate::context::server_view).into_inner();
    let ctx = AuthContext::from_view(view);
    provide_context(ctx);
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    ctx.keep_current();
    ctx
}

/// The auth context. Without [`provide_auth`] it logs an error and reads as signed out.
pub fn use_auth() -> AuthContext {
    use_context::<AuthContext>().unwrap_or_else(|| {
        leptos::logging::error!("leptos_cognito: call provide_auth() first thing in App");
        AuthContext::from_view(SessionView::default())
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

/// The session's end as signals (see [`use_session`]).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct SessionSignals {
    /// The access token's expiry (seconds since the epoch), when signed in.
    pub access_expires_at: Signal<Option<i64>>,
    /// When the session ends unless extended or used ([`SessionTimes::ends_at`]).
    pub ends_at: Signal<Option<i64>>,
    /// Seconds until [`ends_at`](Self::ends_at) (never negative).
    pub seconds_left: Signal<Option<i64>>,
    /// The session ends within `AWS_COGNITO_SESSION_WARNING_SECONDS`.
    pub ends_soon: Signal<bool>,
    /// Whether [`refresh_user`] can refresh it (refresh flow on).
    pub refreshable: Signal<bool>,
    /// Whether [`refresh_user`] moves [`ends_at`](Self::ends_at) ([`SessionTimes::extendable`]);
    /// otherwise only a new sign-in does (the absolute limit, or no refresh flow).
    pub extendable: Signal<bool>,
}

/// The session's expiry times as signals, and whether it "ends soon", for a banner with an
/// "extend" action ([`refresh_user`]). Identical on the server render and the first client
/// render; in the browser the countdown then follows a one-second clock.
///
/// # Example
/// ```
/// use leptos::prelude::*;
/// #[component]
/// fn Banner() -> impl IntoView {
///     let s = leptos_cognito::use_session();
///     view! {
///         <Show when=move || s.ends_soon.get()>
///             <p>"Your session ends in " {move || s.seconds_left.get().unwrap_or(0)} " s"
///                <button on:click=|_| leptos_cognito::refresh_user()>"Extend"</button></p>
///         </Show>
///     }
/// }
/// ```
pub fn use_session() -> SessionSignals {
    let ctx = use_auth();
    let (times, now, snapshot) = (ctx.times, ctx.now, ctx.snapshot);
    let signed_in = move || snapshot.with(|s| s.user().is_some());
    let ends_at = Signal::derive(move || {
        signed_in()
            .then(|| times.with(SessionTimes::ends_at))
            .flatten()
    });
    let seconds_left = Signal::derive(move || ends_at.get().map(|t| (t - now.get()).max(0)));
    let ends_soon = Signal::derive(move || {
        let warn = times.with(|t| t.warn_before);
        seconds_left.get().is_some_and(|left| left <= warn)
    });
    SessionSignals {
        access_expires_at: Signal::derive(move || {
            signed_in()
                .then(|| times.with(|t| t.access_expires_at))
                .flatten()
        }),
        ends_at,
        seconds_left,
        ends_soon,
        refreshable: Signal::derive(move || times.with(|t| t.refreshable)),
        extendable: Signal::derive(move || times.with(SessionTimes::extendable)),
    }
}

/// Refreshes the session now (server function `POST /auth/extend`) and updates
/// [`use_user`] and [`use_session`], here and in the other tabs. Call from an event handler
/// in the browser (an "extend session" button: it counts as use of the session).
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
    extend(use_auth(), Cause::Action);
}

/// The refresh behind [`refresh_user`] (the user's action) and the proactive refresh (not
/// one: a refusal then shows the sign-in link rather than leaving the page).
fn extend(ctx: AuthContext, cause: Cause) {
    leptos::task::spawn_local(async move {
        match crate::server_fns::extend_session().await {
            Ok(view) => {
                ctx.apply(view, cause);
                ctx.announce();
            }
            Err(e) => {
                let _ = ctx.observe_as(Err::<(), _>(e), cause);
                leptos::logging::warn!("session refresh failed");
            }
        }
    });
}

#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
impl AuthContext {
    /// The browser side's session keeping (see [`provide_auth`]), wired to this context.
    fn keep_current(self) {
        self.offset
            .set_value(self.now.get_untracked() - crate::policy::unix_now());
        crate::tabs::start(crate::tabs::Hooks {
            snapshot: Box::new(move || self.snapshot.get_untracked()),
            tick: Box::new(move || {
                self.tick();
                (
                    self.now.get_untracked(),
                    self.times.get_untracked(),
                    self.snapshot.with_untracked(|s| s.user().is_some()),
                )
            }),
            resync: Box::new(move || self.resync()),
            extend: Box::new(move || extend(self, Cause::Elsewhere)),
        });
    }
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
/// A policy with [`Policy::max_auth_age`] whose user signed in too long ago, or a server
/// function that answered `reauthentication_required` ([`AuthContext::observe`]), sends the
/// user through sign-in again with `prompt=login` and back here. A session that ends while
/// the page is open (in another tab, or by time) shows a sign-in link instead of leaving the
/// page on its own; one that a server function found ended leaves for sign-in.
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
    let path = current_path();
    let login = login_url(&path);
    let fresh_login = LoginOptions::new().fresh().url(&path);
    let decision = Memo::new(move |_| ctx.decide(&policy));
    let first = StoredValue::new(true);
    move || {
        let first_render = first.get_value();
        first.set_value(false);
        let decision = decision.get();
        let fresh = matches!(decision, Decision::Reauthenticate { .. });
        match decision {
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
            _ => {
                let unavailable = !fresh && ctx.is_unavailable();
                let href = if fresh {
                    fresh_login.clone()
                } else {
                    login.clone()
                };
                #[cfg(feature = "ssr")]
                set_response(
                    if unavailable {
                        http::StatusCode::SERVICE_UNAVAILABLE
                    } else {
                        http::StatusCode::SEE_OTHER
                    },
                    (!unavailable).then_some(href.as_str()),
                );
                // A client-side navigation to this page, or the user's own action: leave for
                // sign-in. A change from elsewhere (another tab, time) shows the link.
                #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
                if !unavailable && (first_render || ctx.cause.get_value() == Cause::Action) {
                    if let Some(w) = web_sys::window() {
                        let _ = w.location().assign(&href);
                    }
                }
                let _ = first_render;
                EitherOf3::C(view! {
                    <p class="cognito-redirect">
                        {if unavailable {
                            "The sign-in service is unavailable; please retry shortly. "
                        } else if fresh {
                            "Please sign in again to confirm it is you. "
                        } else {
                            "Sign-in required. "
                        }}
                        <a href=href rel="external">"Sign in"</a>
                    </p>
                })
            }
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
/// Per-link options: `identity_provider` (one of `AWS_COGNITO_IDENTITY_PROVIDERS`, e.g. a
/// "Sign in with Google" button), `login_hint` (prefilled username), `lang` (language of the
/// sign-in pages), `fresh` (`prompt=login`: authenticate again).
///
/// # Example
/// ```
/// use leptos::prelude::*;
/// use leptos_cognito::SignInLink;
/// #[component]
/// fn Cta() -> impl IntoView {
///     view! {
///         <SignInLink return_to="/reports" class="btn">"Sign in to see reports"</SignInLink>
///         <SignInLink identity_provider="Google" lang="fr">"Google"</SignInLink>
///     }
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
    /// A federated identity provider of the user pool (must be in the allow-list).
    #[prop(optional, into)]
    identity_provider: Option<String>,
    /// Prefills the username on the sign-in page.
    #[prop(optional, into)]
    login_hint: Option<String>,
    /// Language of the sign-in pages (`fr`, `pt-BR`, …).
    #[prop(optional, into)]
    lang: Option<String>,
    /// Authenticate again even with a session at the identity provider (`prompt=login`).
    #[prop(optional)]
    fresh: bool,
    /// Link content.
    children: Children,
) -> impl IntoView {
    let options = LoginOptions {
        identity_provider,
        login_hint,
        lang,
        fresh,
    };
    let href = options.url(&return_to.unwrap_or_else(current_path));
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
