//! The demo's pages.

use leptos::prelude::*;
use leptos_cognito::{refresh_user, use_auth, use_session, use_user, Protected, SignInLink};
use leptos_meta::Title;
use leptos_router::components::A;

use crate::{
    account_api::{account_policy, recovery_codes, step_up_seconds},
    admin_api::{admin_overview, admin_policy},
    notes_api::{check_text, notes_policy, CreateNote, DeleteNote, MAX_NOTE_CHARS},
    time_fmt::utc,
};

/// `/`: public.
#[component]
pub fn HomePage() -> impl IntoView {
    let user = use_user();
    // The first identity provider of the allow-list gets its own button (the server's
    // configuration, carried to the browser with the page).
    let sso = SharedValue::new(sso_provider).into_inner();
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
                            <A href="/notes" attr:class="btn btn-primary">"Your notes"</A>
                            <A href="/profile" attr:class="btn btn-ghost">"Your profile"</A>
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
                            {sso.clone().map(|p| view! {
                                <SignInLink
                                    class="btn btn-ghost"
                                    return_to="/profile"
                                    identity_provider=p.clone()
                                >
                                    "Sign in with " {p.clone()}
                                </SignInLink>
                            })}
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

/// The first identity provider of `AWS_COGNITO_IDENTITY_PROVIDERS` (server side).
fn sso_provider() -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|p| p.extensions.get::<leptos_cognito::CognitoAuth>().cloned())
            .and_then(|a| a.config().identity_providers().first().cloned())
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
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

/// `/notes`: the signed-in user's notes (same policy as the notes server functions).
#[component]
pub fn NotesPage() -> impl IntoView {
    view! {
        <Title text="Notes"/>
        <Protected policy=notes_policy()>
            <NotesPanel/>
        </Protected>
    }
}

#[component]
fn NotesPanel() -> impl IntoView {
    let create = ServerAction::<CreateNote>::new();
    let delete = ServerAction::<DeleteNote>::new();
    let notes = Resource::new_blocking(
        move || (create.version().get(), delete.version().get()),
        |_| crate::notes_api::list_notes(),
    );
    let draft = RwSignal::new(String::new());
    let problem = move || {
        let text = draft.get();
        (!text.is_empty())
            .then(|| check_text(&text).err())
            .flatten()
    };
    // Clear the form once a note was added; a refusal because the session ended sends the
    // user to sign-in (through `<Protected>`).
    let auth = use_auth();
    Effect::new(move |_| match create.value().get() {
        Some(Ok(_)) => draft.set(String::new()),
        Some(Err(e)) => {
            let _ = auth.observe(Err::<(), _>(e));
        }
        None => {}
    });
    Effect::new(move |_| {
        if let Some(Err(e)) = delete.value().get() {
            let _ = auth.observe(Err::<(), _>(e));
        }
    });
    view! {
        <section class="card notes" data-testid="notes">
            <h1>"Your notes"</h1>
            <p class="muted">"Private to you: only you can list, add or delete them."</p>
            <ActionForm action=create attr:class="note-form" attr:data-testid="note-form">
                <label for="note-text">"New note"</label>
                <textarea
                    id="note-text"
                    name="text"
                    rows="3"
                    maxlength=MAX_NOTE_CHARS.to_string()
                    required
                    data-testid="note-text"
                    prop:value=move || draft.get()
                    on:input=move |ev| draft.set(event_target_value(&ev))
                ></textarea>
                <div class="form-row">
                    <span class="muted counter" data-testid="note-counter">
                        {move || format!("{} / {MAX_NOTE_CHARS}", draft.get().chars().count())}
                    </span>
                    <button
                        type="submit"
                        class="btn btn-primary"
                        data-testid="note-add"
                        disabled=move || create.pending().get() || problem().is_some()
                    >
                        "Add note"
                    </button>
                </div>
                {move || problem().map(|p| view! { <p class="error" data-testid="note-problem">{p}</p> })}
                {move || match create.value().get() {
                    Some(Err(e)) => Some(view! { <p class="error" data-testid="note-error">{server_message(&e)}</p> }),
                    _ => None,
                }}
            </ActionForm>
            {move || match delete.value().get() {
                Some(Err(e)) => Some(view! { <p class="error" data-testid="delete-error">{server_message(&e)}</p> }),
                _ => None,
            }}
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || {
                    notes
                        .get()
                        .map(|r| match r {
                            Ok(list) if list.is_empty() => {
                                view! { <p class="muted" data-testid="notes-empty">"No notes yet."</p> }.into_any()
                            }
                            Ok(list) => {
                                view! {
                                    <ul class="note-list" data-testid="note-list">
                                        {list
                                            .into_iter()
                                            .map(|n| {
                                                view! {
                                                    <li class="note" data-testid="note">
                                                        <p class="note-text">{n.text}</p>
                                                        <div class="note-meta">
                                                            <span class="muted">{utc(n.created_at)}</span>
                                                            <ActionForm action=delete>
                                                                <input type="hidden" name="id" value=n.id.to_string()/>
                                                                <button type="submit" class="btn btn-ghost btn-small" data-testid="note-delete">
                                                                    "Delete"
                                                                </button>
                                                            </ActionForm>
                                                        </div>
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                }
                                    .into_any()
                            }
                            Err(e) => view! { <p class="error">"Could not load your notes: " {server_message(&e)}</p> }.into_any(),
                        })
                }}
            </Transition>
        </section>
    }
}

/// The message of a server-function error, without Leptos' prefix.
fn server_message(e: &ServerFnError) -> String {
    match e {
        ServerFnError::ServerError(m) => m.clone(),
        _ => "Something went wrong; try again.".into(),
    }
}

/// `/account`: signed in within the step-up window (`DEMO_STEP_UP_SECONDS`); an older
/// sign-in goes through the IdP again with `prompt=login`.
#[component]
pub fn AccountPage() -> impl IntoView {
    // The server's window, carried to the browser with the page (same policy on both sides).
    let max_age = SharedValue::new(step_up_seconds).into_inner();
    view! {
        <Title text="Account security"/>
        <Protected policy=account_policy(max_age)>
            <AccountPanel max_age/>
        </Protected>
    }
}

#[component]
fn AccountPanel(max_age: u64) -> impl IntoView {
    let auth = use_auth();
    let user = use_user();
    let now = auth.now();
    let codes = RwSignal::new(Vec::<String>::new());
    let reveal = move |_| {
        leptos::task::spawn_local(async move {
            if let Ok(c) = auth.observe(recovery_codes().await) {
                codes.set(c);
            }
        });
    };
    view! {
        <section class="card" data-testid="account">
            <h1>"Account security"</h1>
            <p class="muted">
                "This page needs a sign-in from the last " {max_age} " seconds: after that you confirm it is you again."
            </p>
            <dl class="stats">
                <dt>"Signed in"</dt>
                <dd data-testid="auth-age">
                    {move || {
                        user.get()
                            .and_then(|u| u.auth_time)
                            .map(|t| format!("{} s ago", (now.get() - t).max(0)))
                            .unwrap_or_default()
                    }}
                </dd>
            </dl>
            <button class="btn btn-primary" data-testid="reveal-codes" on:click=reveal>
                "Show recovery codes"
            </button>
            <ul data-testid="codes">
                {move || codes.get().into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
            </ul>
        </section>
    }
}

/// The session's end, a little before it comes, with an "extend" action (or a new sign-in
/// when the session cannot be extended).
#[component]
pub fn SessionBanner() -> impl IntoView {
    let s = use_session();
    view! {
        <Show when=move || s.ends_soon.get()>
            <div class="banner banner-info" role="status" data-testid="session-banner">
                "Your session ends in "
                <strong data-testid="session-left">
                    {move || {
                        let left = s.seconds_left.get().unwrap_or(0);
                        format!("{}:{:02}", left / 60, left % 60)
                    }}
                </strong>
                ". "
                {move || {
                    if s.extendable.get() {
                        view! {
                            <button class="btn btn-small" data-testid="session-extend" on:click=|_| refresh_user()>
                                "Stay signed in"
                            </button>
                        }
                            .into_any()
                    } else {
                        view! { <SignInLink class="btn btn-small">"Sign in again"</SignInLink> }.into_any()
                    }
                }}
            </div>
        </Show>
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
                                    <h2>"Notes per user"</h2>
                                    <table class="counts" data-testid="note-counts">
                                        <thead><tr><th>"User"</th><th>"Notes"</th></tr></thead>
                                        <tbody>
                                            {o.notes_by_user.into_iter().map(|c| view! {
                                                <tr><td>{c.username}</td><td>{c.notes}</td></tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
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
