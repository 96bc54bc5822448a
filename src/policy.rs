//! One authorization policy, used by `<Protected>`, the server-function guard and the route layer.
//!
//! Rules:
//! 1. No user → [`Decision::Unauthenticated`] (pages redirect to login, APIs answer 401).
//! 2. A user who fails any requirement → [`Decision::Forbidden`] (403).
//! 3. Otherwise [`Decision::Allow`].
//! 4. When authorization is disabled (`AWS_COGNITO_DISABLED`), every policy allows everyone.
//!
//! Groups follow flask-cognito-lib's `auth_required(groups, any_group)`: all of them by default,
//! any of them with [`Policy::any_group`]. An absent `cognito:groups` claim means no groups.
//!
//! # Example
//! ```
//! use leptos_cognito::{CognitoUser, Policy, policy::Decision};
//! let admins = Policy::groups(["admins"]);
//! let alice = CognitoUser { groups: vec!["admins".into()], ..Default::default() };
//! let bob = CognitoUser::default();
//! assert_eq!(admins.evaluate(Some(&alice), false), Decision::Allow);
//! assert_eq!(admins.evaluate(Some(&bob), false), Decision::Forbidden);
//! assert_eq!(admins.evaluate(None, false), Decision::Unauthenticated);
//! assert_eq!(admins.evaluate(None, true), Decision::Allow);
//! ```

use std::{fmt, sync::Arc};

use crate::CognitoUser;

/// The outcome of evaluating a [`Policy`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Let the request through.
    Allow,
    /// Nobody is signed in: 401, or a redirect to login for pages.
    Unauthenticated,
    /// Signed in but not allowed: 403.
    Forbidden,
}

type Predicate = Arc<dyn Fn(&CognitoUser) -> bool + Send + Sync>;

#[derive(Clone)]
enum Rule {
    AllGroups(Vec<String>),
    AnyGroup(Vec<String>),
    Scopes(Vec<String>),
    Custom(&'static str, Predicate),
}

impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::AllGroups(g) => write!(f, "all groups {g:?}"),
            Rule::AnyGroup(g) => write!(f, "any group of {g:?}"),
            Rule::Scopes(s) => write!(f, "scopes {s:?}"),
            Rule::Custom(name, _) => write!(f, "custom {name:?}"),
        }
    }
}

/// A conjunction of requirements on the signed-in user. The empty policy
/// ([`Policy::signed_in`]) only requires someone to be signed in.
///
/// # Example
/// ```
/// use leptos_cognito::{CognitoUser, Policy, policy::Decision};
/// let editors = Policy::any_group(["editors", "admins"])
///     .and_scopes(["openid"])
///     .and_custom("verified email", |u| u.email_verified == Some(true));
/// let u = CognitoUser {
///     groups: vec!["admins".into()],
///     scopes: vec!["openid".into()],
///     email_verified: Some(true),
///     ..Default::default()
/// };
/// assert!(editors.allows(Some(&u), false));
/// ```
#[derive(Clone, Debug, Default)]
pub struct Policy {
    rules: Vec<Rule>,
}

impl Policy {
    /// Anyone signed in.
    pub fn signed_in() -> Self {
        Self::default()
    }

    /// Signed in and member of **every** group listed (flask-cognito-lib's default).
    pub fn groups<I, S>(groups: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::signed_in().and_groups(groups)
    }

    /// Signed in and member of **at least one** of the groups (`any_group=True`).
    pub fn any_group<I, S>(groups: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::signed_in().and_any_group(groups)
    }

    /// Signed in with an access token granting every scope listed.
    pub fn scopes<I, S>(scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::signed_in().and_scopes(scopes)
    }

    /// Signed in and `predicate` holds for the user's verified claims.
    pub fn custom(
        name: &'static str,
        predicate: impl Fn(&CognitoUser) -> bool + Send + Sync + 'static,
    ) -> Self {
        Self::signed_in().and_custom(name, predicate)
    }

    /// Adds an all-of-these-groups requirement. An empty list adds nothing.
    pub fn and_groups<I, S>(mut self, groups: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let g: Vec<String> = groups.into_iter().map(Into::into).collect();
        if !g.is_empty() {
            self.rules.push(Rule::AllGroups(g));
        }
        self
    }

    /// Adds an any-of-these-groups requirement. An empty list adds nothing.
    pub fn and_any_group<I, S>(mut self, groups: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let g: Vec<String> = groups.into_iter().map(Into::into).collect();
        if !g.is_empty() {
            self.rules.push(Rule::AnyGroup(g));
        }
        self
    }

    /// Adds a scopes requirement.
    pub fn and_scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let s: Vec<String> = scopes.into_iter().map(Into::into).collect();
        if !s.is_empty() {
            self.rules.push(Rule::Scopes(s));
        }
        self
    }

    /// Adds a custom predicate over the verified claims.
    pub fn and_custom(
        mut self,
        name: &'static str,
        predicate: impl Fn(&CognitoUser) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.rules.push(Rule::Custom(name, Arc::new(predicate)));
        self
    }

    /// Evaluates the policy for `user`; `disabled` is `AWS_COGNITO_DISABLED`.
    pub fn evaluate(&self, user: Option<&CognitoUser>, disabled: bool) -> Decision {
        if disabled {
            return Decision::Allow;
        }
        let Some(user) = user else {
            return Decision::Unauthenticated;
        };
        let ok = self.rules.iter().all(|rule| match rule {
            Rule::AllGroups(g) => g.iter().all(|g| user.in_group(g)),
            Rule::AnyGroup(g) => g.iter().any(|g| user.in_group(g)),
            Rule::Scopes(s) => s.iter().all(|s| user.has_scope(s)),
            Rule::Custom(_, p) => p(user),
        });
        if ok {
            Decision::Allow
        } else {
            Decision::Forbidden
        }
    }

    /// `evaluate(..) == Decision::Allow`.
    pub fn allows(&self, user: Option<&CognitoUser>, disabled: bool) -> bool {
        self.evaluate(user, disabled) == Decision::Allow
    }

    /// Whether the policy has a scope requirement (APIs then answer `insufficient_scope`).
    pub fn requires_scopes(&self) -> bool {
        self.rules.iter().any(|r| matches!(r, Rule::Scopes(_)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(groups: &[&str]) -> CognitoUser {
        CognitoUser {
            sub: "s".into(),
            username: "u".into(),
            groups: groups.iter().map(|g| g.to_string()).collect(),
            scopes: vec!["openid".into(), "email".into()],
            ..Default::default()
        }
    }

    #[test]
    fn all_groups_requires_each() {
        let p = Policy::groups(["admin", "editor"]);
        assert_eq!(
            p.evaluate(Some(&user(&["admin", "editor", "x"])), false),
            Decision::Allow
        );
        assert_eq!(
            p.evaluate(Some(&user(&["admin"])), false),
            Decision::Forbidden
        );
    }

    #[test]
    fn any_group_requires_one() {
        let p = Policy::any_group(["admin", "editor"]);
        assert_eq!(p.evaluate(Some(&user(&["editor"])), false), Decision::Allow);
        assert_eq!(
            p.evaluate(Some(&user(&["viewer"])), false),
            Decision::Forbidden
        );
    }

    #[test]
    fn missing_groups_claim_is_forbidden_not_an_error() {
        let p = Policy::groups(["admin"]);
        assert_eq!(p.evaluate(Some(&user(&[])), false), Decision::Forbidden);
        let p = Policy::any_group(["admin"]);
        assert_eq!(p.evaluate(Some(&user(&[])), false), Decision::Forbidden);
    }

    #[test]
    fn empty_group_list_means_signed_in() {
        let p = Policy::groups(Vec::<String>::new());
        assert_eq!(p.evaluate(Some(&user(&[])), false), Decision::Allow);
        assert_eq!(p.evaluate(None, false), Decision::Unauthenticated);
    }

    #[test]
    fn scopes_and_custom() {
        assert!(Policy::scopes(["email"]).allows(Some(&user(&[])), false));
        assert_eq!(
            Policy::scopes(["admin:write"]).evaluate(Some(&user(&[])), false),
            Decision::Forbidden
        );
        let p = Policy::custom("named bob", |u| u.username == "bob");
        assert_eq!(p.evaluate(Some(&user(&[])), false), Decision::Forbidden);
        assert!(Policy::scopes(["x"]).requires_scopes());
    }

    #[test]
    fn disabled_lets_everyone_through() {
        let p = Policy::groups(["admin"]).and_custom("never", |_| false);
        assert_eq!(p.evaluate(None, true), Decision::Allow);
        assert_eq!(p.evaluate(Some(&user(&[])), true), Decision::Allow);
    }
}
