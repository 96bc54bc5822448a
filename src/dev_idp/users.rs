//! Users of the dev IdP. Seeds: `alice`/`alice-password` (group `admins`) and
//! `bob`/`bob-password` (no group).

use std::collections::BTreeMap;

/// A user of the dev IdP.
#[derive(Debug, Clone)]
pub struct DevUser {
    /// `cognito:username` / `username`.
    pub username: String,
    /// Password for the login form.
    pub password: String,
    /// Stable `sub` (UUID).
    pub sub: String,
    /// `email`.
    pub email: String,
    /// `cognito:groups` (omitted from tokens when empty, as Cognito does).
    pub groups: Vec<String>,
    /// Custom attributes (`custom:<name>` claims, strings).
    pub attributes: BTreeMap<String, String>,
}

impl DevUser {
    /// A user with a random `sub` and `<username>@example.com`.
    pub fn new(username: &str, password: &str, groups: &[&str]) -> Self {
        Self {
            username: username.to_string(),
            password: password.to_string(),
            sub: uuid::Uuid::new_v4().to_string(),
            email: format!("{username}@example.com"),
            groups: groups.iter().map(|g| g.to_string()).collect(),
            attributes: BTreeMap::new(),
        }
    }
}

/// The seed users of SPEC §8.
pub fn seed_users() -> Vec<DevUser> {
    let mut alice = DevUser::new("alice", "alice-password", &["admins"]);
    alice.sub = "7d8ca528-4931-4254-9273-ea5ee853f271".into();
    let mut bob = DevUser::new("bob", "bob-password", &[]);
    bob.sub = "4f1b2c3d-9e8a-4b7c-8d6e-5f4a3b2c1d0e".into();
    vec![alice, bob]
}
