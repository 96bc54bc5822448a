//! One authorization policy, used by `<Protected>`, the server-function guard and the route layer.
//!
//! Rules:
//! 1. No user → [`Decision::Unauthenticated`] (pages redirect to login, APIs answer 401).
//! 2. A user who fails any requirement → [`Decision::Forbidden`] (403).
//! 3. Otherwise [`Decision::Allow`].
//! 4. A forbidden decision names the first rule the user failed ([`UnmetRule`]), so a group
//!    failure is never reported as a missing scope.
//!
//! Groups follow flask-cognito-lib's `auth_required(groups, any_group)`: all of them by default,
//! any of them with [`Policy::any_group`]. An absent `cognito:groups` claim means no groups.
//!
//! # Example
//! ```
//! use leptos_cognito::{CognitoUser, Policy, Decision, UnmetRule};
//! let admins = Policy::groups(["admins"]);
//! let alice = CognitoUser { groups: vec!["admins".into()], ..Default::default() };
//! let bob = CognitoUser::default();
//! assert_eq!(admins.evaluate(Some(&alice)), Decision::Allow);
//! assert_eq!(
//!     admins.evaluate(Some(&bob)),
//!     Decision::Forbidden(UnmetRule::AllGroups(vec!["admins".into()]))
//! );
//! assert_eq!(admins.evaluate(None), Decision::Unauthenticated);
//! ```
//!
//! `AWS_COGNITO_DISABLED` is not a policy matter: the guards and components skip the
//! evaluation altogether and say so in their types.

use std::{fmt, sync::Arc};

use crate::CognitoUser;

/// The outcome of evaluating a [`Policy`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Let the request through.
    Allow,
    /// Nobody is signed in: 401, or a redirect to login for pages.
    Unauthenticated,
    /// Signed in but not allowed: 403, naming the rule that failed.
    Forbidden(UnmetRule),
}

/// The requirement of a [`Policy`] that the user did not meet.
///
/// # Example
/// ```
/// use leptos_cognito::UnmetRule;
/// let r = UnmetRule::Scopes(vec!["reports/read".into()]);
/// assert!(r.is_scope());
/// assert_eq!(r.to_string(), "the access token lacks the scopes reports/read");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnmetRule {
    /// Membership of every one of these groups.
    AllGroups(Vec<String>),
    /// Membership of at least one of these groups.
    AnyGroup(Vec<String>),
    /// These access-token scopes.
    Scopes(Vec<String>),
    /// A named custom predicate.
    Custom(&'static str),
}

impl UnmetRule {
    /// Whether the failed rule is about scopes (APIs then answer `insufficient_scope`).
    pub fn is_scope(&self) -> bool {
        matches!(self, UnmetRule::Scopes(_))
    }
    /// A short machine-readable name of the rule kind.
    pub fn kind(&self) -> &'static str {
        match self {
            UnmetRule::AllGroups(_) => "groups",
            UnmetRule::AnyGroup(_) => "any_group",
            UnmetRule::Scopes(_) => "scopes",
            UnmetRule::Custom(_) => "custom",
        }
    }
}

impl fmt::Display for UnmetRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnmetRule::AllGroups(g) => write!(f, "membership of every group of {}", g.join(", ")),
            UnmetRule::AnyGroup(g) => write!(f, "membership of one group of {}", g.join(", ")),
            UnmetRule::Scopes(s) => write!(f, "the access token lacks the scopes {}", s.join(" ")),
            UnmetRule::Custom(name) => write!(f, "the rule \"{name}\""),
        }
    }
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
/// use leptos_cognito::{CognitoUser, Policy};
/// let editors = Policy::any_group(["editors", "admins"])
///     .and_scopes(["openid"])
///     .and_custom("verified email", |u| u.email_verified == Some(true));
/// let u = CognitoUser {
///     groups: vec!["admins".into()],
///     scopes: vec!["openid".into()],
///     email_verified: Some(true),
///     ..Default::default()
/// };
/// assert!(editors.allows(Some(&u)));
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

    /// Evaluates the policy for `user` (`None`: nobody signed in).
    pub fn evaluate(&self, user: Option<&CognitoUser>) -> Decision {
        let Some(user) = user else {
            return Decision::Unauthenticated;
        };
        let unmet = self.rules.iter().find_map(|rule| {
            let (ok, unmet) = match rule {
                Rule::AllGroups(g) => (
                    g.iter().all(|g| user.in_group(g)),
                    UnmetRule::AllGroups(g.clone()),
                ),
                Rule::AnyGroup(g) => (
                    g.iter().any(|g| user.in_group(g)),
                    UnmetRule::AnyGroup(g.clone()),
                ),
                Rule::Scopes(s) => (
                    s.iter().all(|s| user.has_scope(s)),
                    UnmetRule::Scopes(s.clone()),
                ),
                Rule::Custom(name, p) => (p(user), UnmetRule::Custom(name)),
            };
            (!ok).then_some(unmet)
        });
        match unmet {
            None => Decision::Allow,
            Some(rule) => Decision::Forbidden(rule),
        }
    }

    /// `evaluate(..) == Decision::Allow`.
    pub fn allows(&self, user: Option<&CognitoUser>) -> bool {
        self.evaluate(user) == Decision::Allow
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
            p.evaluate(Some(&user(&["admin", "editor", "x"]))),
            Decision::Allow
        );
        assert!(matches!(
            p.evaluate(Some(&user(&["admin"]))),
            Decision::Forbidden(_)
        ));
    }

    #[test]
    fn any_group_requires_one() {
        let p = Policy::any_group(["admin", "editor"]);
        assert_eq!(p.evaluate(Some(&user(&["editor"]))), Decision::Allow);
        assert!(matches!(
            p.evaluate(Some(&user(&["viewer"]))),
            Decision::Forbidden(_)
        ));
    }

    #[test]
    fn missing_groups_claim_is_forbidden_not_an_error() {
        let p = Policy::groups(["admin"]);
        assert!(matches!(
            p.evaluate(Some(&user(&[]))),
            Decision::Forbidden(_)
        ));
        let p = Policy::any_group(["admin"]);
        assert!(matches!(
            p.evaluate(Some(&user(&[]))),
            Decision::Forbidden(_)
        ));
    }

    #[test]
    fn empty_group_list_means_signed_in() {
        let p = Policy::groups(Vec::<String>::new());
        assert_eq!(p.evaluate(Some(&user(&[]))), Decision::Allow);
        assert_eq!(p.evaluate(None), Decision::Unauthenticated);
    }

    #[test]
    fn scopes_and_custom() {
        assert!(Policy::scopes(["email"]).allows(Some(&user(&[]))));
        assert!(matches!(
            Policy::scopes(["admin:write"]).evaluate(Some(&user(&[]))),
            Decision::Forbidden(_)
        ));
        let p = Policy::custom("named bob", |u| u.username == "bob");
        assert!(matches!(
            p.evaluate(Some(&user(&[]))),
            Decision::Forbidden(_)
        ));
    }

    #[test]
    fn forbidden_names_the_first_unmet_rule() {
        let p = Policy::scopes(["openid"]).and_groups(["admin"]);
        assert_eq!(
            p.evaluate(Some(&user(&[]))),
            Decision::Forbidden(UnmetRule::AllGroups(vec!["admin".into()]))
        );
        let p = Policy::groups(["admin"]).and_scopes(["admin:write"]);
        assert_eq!(
            p.evaluate(Some(&user(&["admin"]))),
            Decision::Forbidden(UnmetRule::Scopes(vec!["admin:write".into()]))
        );
        let p = Policy::custom("never", |_| false);
        assert_eq!(
            p.evaluate(Some(&user(&[]))),
            Decision::Forbidden(UnmetRule::Custom("never"))
        );
        assert!(!UnmetRule::Custom("never").is_scope());
    }
}
