//! The demo's pages.

use leptos::prelude::*;
use leptos_cognito::{refresh_user, use_user, Protected, SignInLink};
use leptos_meta::Title;
use leptos_router::components::A;

use crate::{
    admin_api::{admin_overview, admin_policy},
    time_fmt::utc,
};

/// `/`: public.
#[component]
pub fn HomePage() -> impl IntoView {
    let user = use_user();
    view! {
        <Title text=""/>
        <section class="hero">
            {move || match user.get() {
                Some(u) => {
                    view! {
                        <h1 data-testid="welcome">"Welcome back, " {u.username.clone()}</h1>
                        <p class="lead">
                            "You are signed in. Your notes are synced and private to you."
                        </p>
                        <div class="actions">
                            <A href="/profile" attr:class="btn btn-primary">"Your profile"</A>
                            <A href="/admin" attr:class="btn btn-ghost">"Admin area"</A>
                        </div>
                    }
                        .into_any()
                }
                None => {
                    view! {
                        <h1>"Notes for teams that take security seriously"</h1>
                        <p class="lead">
                            "Sign in with your company account to see your profile; admins get the operations dashboard."
                        </p>
                        <div class="actions">
                            <SignInLink class="btn btn-primary" return_to="/profile">
                                "Sign in"
                            </SignInLink>
                        </div>
                    }
                        .into_any()
                }
            }}
        </section>
        <section class="features">
            <div class="card">
                <h3>"Verified on every request"</h3>
                <p>"Tokens live in HttpOnly cookies and are checked on the server: signature, issuer, audience, expiry."</p>
            </div>
            <div class="card">
                <h3>"Groups decide access"</h3>
                <p>"The same policy guards the admin page, its server function and the API."</p>
            </div>
            <div class="card">
                <h3>"No flash, no mismatch"</h3>
                <p>"The page arrives already signed in and hydrates into the same state."</p>
            </div>
        </section>
    }
}

/// `/profile`: signed-in users.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let user = use_user();
    view! {
        <Title text="Profile"/>
        <Protected>
            {move || {
                user.get()
                    .map(|u| {
                        let groups = if u.groups.is_empty() {
                            "none".to_string()
                        } else {
                            u.groups.join(", ")
                        };
                        view! {
                            <section class="card profile" data-testid="profile">
                                <h1>"Your profile"</h1>
                                <dl>
                                    <dt>"Username"</dt>
                                    <dd data-testid="username">{u.username.clone()}</dd>
                                    <dt>"Email"</dt>
                                    <dd data-testid="email">{u.email.clone().unwrap_or_else(|| "—".into())}</dd>
                                    <dt>"Groups"</dt>
                                    <dd data-testid="groups">{groups}</dd>
                                    <dt>"Session expires"</dt>
                                    <dd data-testid="expires">{utc(u.access_expires_at)}</dd>
                                </dl>
                                <button
                                    class="btn btn-ghost refresh"
                                    data-testid="refresh"
                                    on:click=move |_| refresh_user()
                                >
                                    "Extend session"
                                </button>
                            </section>
                        }
                    })
            }}
        </Protected>
    }
}

/// `/admin`: group `admins` (403 page for others).
#[component]
pub fn AdminPage() -> impl IntoView {
    view! {
        <Title text="Admin"/>
        <Protected policy=admin_policy() fallback=Forbidden>
            <AdminPanel/>
        </Protected>
    }
}

#[component]
fn AdminPanel() -> impl IntoView {
    let overview = Resource::new_blocking(|| (), |_| admin_overview());
    view! {
        <section class="card" data-testid="admin-panel">
            <h1>"Operations"</h1>
            <p class="muted">"Only members of the admins group see this page and its data."</p>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || {
                    overview
                        .get()
                        .map(|r| match r {
                            Ok(o) => {
                                view! {
                                    <dl class="stats">
                                        <dt>"Signed in as"</dt>
                                        <dd data-testid="admin-viewer">{o.viewer}</dd>
                                        <dt>"Trusted issuer"</dt>
                                        <dd><code>{o.issuer}</code></dd>
                                        <dt>"JWKS downloads"</dt>
                                        <dd>{o.jwks_fetches}</dd>
                                        <dt>"Signing keys cached"</dt>
                                        <dd>{o.cached_keys}</dd>
                                        <dt>"Verified tokens cached"</dt>
                                        <dd>{o.cached_tokens}</dd>
                                        <dt>"Refreshes"</dt>
                                        <dd>{o.refresh_calls}</dd>
                                    </dl>
                                }
                                    .into_any()
                            }
                            Err(e) => view! { <p class="error">"Could not load: " {e.to_string()}</p> }.into_any(),
                        })
                }}
            </Suspense>
        </section>
    }
}

/// Shown to signed-in users outside the admins group (HTTP 403 on the server render).
#[component]
pub fn Forbidden() -> impl IntoView {
    view! {
        <section class="card forbidden" data-testid="forbidden">
            <h1>"403 — Admins only"</h1>
            <p>"You are signed in, but this area is reserved for the admins group."</p>
            <A href="/" attr:class="btn btn-ghost">"Back home"</A>
        </section>
    }
}

/// Unknown paths (HTTP 404 on the server render).
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <section class="card">
            <h1>"Page not found"</h1>
            <A href="/" attr:class="btn btn-ghost">"Back home"</A>
        </section>
    }
}
