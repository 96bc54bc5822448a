//! The dev IdP's HTML: the hosted-UI style login form and error pages.

use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};

/// The login form. `hidden` are the authorize parameters carried to `POST /login`;
/// `provider` names the stand-in federated provider whose page this is (`None`: the user
/// pool's own form).
pub fn login_form(
    hidden: &[(&str, &str)],
    error: Option<&str>,
    username: &str,
    provider: Option<&str>,
) -> String {
    let (title, sub) = match provider {
        Some(p) => (
            format!("Sign in with {}", text(p)),
            format!("{} · stand-in federated identity provider", text(p)),
        ),
        None => (
            "Sign in".to_string(),
            "Local Cognito-compatible dev IdP".to_string(),
        ),
    };
    let fields: String = hidden
        .iter()
        .map(|(k, v)| {
            format!(
                r#"<input type="hidden" name="{}" value="{}">"#,
                attr(k),
                attr(v)
            )
        })
        .collect();
    let error = error
        .map(|e| format!(r#"<p class="error" role="alert">{}</p>"#, text(e)))
        .unwrap_or_default();
    format!(
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · Dev IdP</title><link rel="icon" href="data:,">
<style>
body{{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#232f3e;margin:0;min-height:100vh;display:grid;place-items:center}}
form{{background:#fff;padding:2rem 2.4rem;border-radius:10px;width:20rem;box-shadow:0 10px 40px rgba(0,0,0,.3)}}
h1{{font-size:1.2rem;margin:0 0 .3rem}} .sub{{color:#687078;font-size:.85rem;margin:0 0 1.2rem}}
label{{display:block;font-size:.85rem;margin:.8rem 0 .3rem;color:#16191f}}
input[type=text],input[type=password]{{width:100%;box-sizing:border-box;padding:.55rem;border:1px solid #aab7b8;border-radius:4px;font:inherit}}
button{{margin-top:1.3rem;width:100%;padding:.6rem;background:#ec7211;border:0;color:#fff;border-radius:4px;font:inherit;cursor:pointer}}
.error{{background:#fde8e8;color:#a4161a;padding:.5rem .7rem;border-radius:4px;font-size:.85rem}}
.hint{{margin-top:1rem;font-size:.75rem;color:#687078}}
</style></head><body>
<form method="post" action="/login" autocomplete="off">
<h1>{title}</h1><p class="sub">{sub}</p>{error}{fields}
<label for="username">Username</label><input id="username" type="text" name="username" value="{username}" autofocus required>
<label for="password">Password</label><input id="password" type="password" name="password" required>
<button type="submit" name="signInSubmitButton">Sign in</button>
<p class="hint">Seed users: alice / alice-password (admins), bob / bob-password.</p>
</form></body></html>"#,
        username = attr(username)
    )
}

/// A plain error page (never redirects to an unverified URI).
pub fn error_page(title: &str, message: &str) -> String {
    format!(
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{t}</title><link rel="icon" href="data:,"></head>
<body style="font-family:system-ui,sans-serif;padding:2rem"><h1>{t}</h1><p>{m}</p></body></html>"#,
        t = text(title),
        m = text(message)
    )
}
