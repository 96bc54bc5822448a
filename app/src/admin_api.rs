//! The admin page's data: a server function guarded by the same policy as the page.

use leptos::prelude::*;
use leptos_cognito::Policy;
use serde::{Deserialize, Serialize};

/// Who may see the admin area: members of `admins`.
pub fn admin_policy() -> Policy {
    Policy::groups(["admins"])
}

/// Operational figures of the auth layer, for admins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpsOverview {
    /// The admin asking.
    pub viewer: String,
    /// JWKS downloads since start.
    pub jwks_fetches: u64,
    /// Signing keys cached.
    pub cached_keys: usize,
    /// Verified access tokens cached.
    pub cached_tokens: usize,
    /// Refresh calls made to Cognito since start.
    pub refresh_calls: u64,
    /// Issuer the app trusts.
    pub issuer: String,
    /// Notes per user (counts only, never the text).
    pub notes_by_user: Vec<crate::notes_api::NoteCount>,
}

/// Admin figures. 401 when signed out, 403 for non-admins (same policy as the page).
#[server(prefix = "/api", endpoint = "admin_overview")]
pub async fn admin_overview() -> Result<OpsOverview, ServerFnError> {
    let who = leptos_cognito::require(&admin_policy()).await?;
    let parts =
        use_context::<http::request::Parts>().ok_or_else(|| ServerFnError::new("no request"))?;
    let auth = parts
        .extensions
        .get::<leptos_cognito::CognitoAuth>()
        .cloned()
        .ok_or_else(|| ServerFnError::new("auth layer missing"))?;
    let stats = auth.stats();
    let notes_by_user = match parts.extensions.get::<crate::notes_db::NotesDb>() {
        Some(db) => db.counts().await.unwrap_or_else(|e| {
            tracing::error!(error = %e, "notes store failed");
            Vec::new()
        }),
        None => Vec::new(),
    };
    Ok(OpsOverview {
        viewer: match who {
            leptos_cognito::Authorized::User(u) => u.username,
            _ => "(authorization disabled)".into(),
        },
        jwks_fetches: stats.jwks_fetches,
        cached_keys: auth.verifier().jwks().kids().len(),
        cached_tokens: stats.cached_access_tokens,
        refresh_calls: stats.refresh_calls,
        issuer: auth.config().issuer().to_string(),
        notes_by_user,
    })
}
