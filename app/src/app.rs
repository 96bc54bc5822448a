//! The application shell, router and header.

use leptos::prelude::*;
use leptos_cognito::{provide_auth, use_auth, use_user, SignInLink, SignOutButton};
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes, A},
    path,
};

use crate::pages::{
    AccountPage, AdminPage, HomePage, NotFound, NotesPage, ProfilePage, SessionBanner,
};

/// The HTML document around the app (server only).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="referrer" content="strict-origin-when-cross-origin"/>
                <link rel="icon" type="image/svg+xml" href="/favicon.svg"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The app.
#[component]
pub fn App() -> impl IntoView {
    // First: the verified user snapshot, identical on server and client.
    provide_auth();
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/leptos_cognito_demo.css"/>
        <Title formatter=|t: String| if t.is_empty() { "Acme Notes".to_string() } else { format!("{t} · Acme Notes") }/>
        <Router>
            <Header/>
            <main class="container">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=HomePage/>
                    <Route path=path!("/notes") view=NotesPage/>
                    <Route path=path!("/profile") view=ProfilePage/>
                    <Route path=path!("/admin") view=AdminPage/>
                    <Route path=path!("/account") view=AccountPage/>
                </Routes>
            </main>
            <footer class="footer">
                "Acme Notes · sign-in by Amazon Cognito through "
                <code>"leptos_cognito"</code>
            </footer>
        </Router>
    }
}

/// The top bar: brand, navigation, and the signed-in user or a sign-in link.
#[component]
fn Header() -> impl IntoView {
    let user = use_user();
    let disabled = use_auth().is_disabled();
    view! {
        {disabled
            .then(|| {
                view! {
                    <div class="banner banner-warn" role="alert" data-testid="auth-disabled">
                        "Authorization is disabled (AWS_COGNITO_DISABLED): every page is open to everyone."
                    </div>
                }
            })}
        <header class="topbar" id="site-header">
            <A href="/" attr:class="brand">
                <span class="logo">"◆"</span>
                " Acme Notes"
            </A>
            <nav class="nav">
                <A href="/">"Home"</A>
                <A href="/notes">"Notes"</A>
                <A href="/profile">"Profile"</A>
                <A href="/admin">"Admin"</A>
                <A href="/account">"Account"</A>
            </nav>
            <div class="account">
                {move || match user.get() {
                    Some(u) => {
                        view! {
                            <span class="who" data-testid="signed-in-as">
                                <span class="avatar">
                                    {u.username.chars().next().map(|c| c.to_ascii_uppercase()).unwrap_or('?').to_string()}
                                </span>
                                <span class="name">{u.username.clone()}</span>
                            </span>
                            <SignOutButton class="btn btn-ghost"/>
                        }
                            .into_any()
                    }
                    None => {
                        view! {
                            <SignInLink class="btn btn-primary" return_to="/profile">
                                "Sign in"
                            </SignInLink>
                        }
                            .into_any()
                    }
                }}
            </div>
        </header>
        <SessionBanner/>
    }
}
