//! The signed-in user as components see it: a non-secret snapshot of verified claims.
//!
//! A [`CognitoUser`] is derived on the server from tokens that the verifier has checked; it
//! carries no token and is safe to serialise into the hydration data. Both the server render
//! and the first client render read the same snapshot, so they agree.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The verified, non-secret facts about the signed-in user.
///
/// # Example
/// ```
/// use leptos_cognito::CognitoUser;
/// let user = CognitoUser {
///     sub: "9048d38f".into(),
///     username: "alice".into(),
///     groups: vec!["admins".into()],
///     ..Default::default()
/// };
/// assert!(user.in_group("admins"));
/// assert!(!user.in_group("editors"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CognitoUser {
    /// Stable subject identifier (`sub`).
    pub sub: String,
    /// `cognito:username` (ID token) or `username` (access token).
    pub username: String,
    /// `email`, when the ID token carries it.
    pub email: Option<String>,
    /// `email_verified`.
    pub email_verified: Option<bool>,
    /// `cognito:groups` (empty when the claim is absent).
    pub groups: Vec<String>,
    /// Scopes granted to the access token (`scope`).
    pub scopes: Vec<String>,
    /// Custom attributes (`custom:*`), without the prefix. Cognito sends them as strings.
    pub attributes: BTreeMap<String, String>,
    /// Expiry of the access token, seconds since the Unix epoch.
    pub access_expires_at: i64,
    /// Expiry of the ID token, seconds since the Unix epoch (when an ID token is present).
    pub id_expires_at: Option<i64>,
    /// `auth_time`: when the user originally authenticated.
    pub auth_time: Option<i64>,
}

impl CognitoUser {
    /// Whether the user is in `group`.
    pub fn in_group(&self, group: &str) -> bool {
        self.groups.iter().any(|g| g == group)
    }

    /// Whether the access token grants `scope`.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }

    /// A custom attribute (`custom:name`), by its name without prefix.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.get(name).map(String::as_str)
    }

    /// The best name to show: the email if known, else the username.
    pub fn display_name(&self) -> &str {
        self.email.as_deref().unwrap_or(&self.username)
    }
}
