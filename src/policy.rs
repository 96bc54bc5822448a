//! One authorization policy, used by `<Protected>`, the server-function guard and the route layer.
//!
//! Rules:
//! 1. No user → [`Decision::Unauthenticated`] (pages redirect to login, APIs answer 401).
//! 2. A user who fails any requirement → [`Decision::Forbidden`] (403).
//! 3. A user who meets them all but signed in longer ago than [`Policy::max_auth_age`]
//!    allows (by the ID token's `auth_time`) → [`Decision::Reauthenticate`] (step-up: pages
//!    send the user through sign-in again with `prompt=login`, APIs answer 401
//!    `reauthentication_required`). Re-authenticating cannot fix a group, so rule 2 wins.
//! 4. Otherwise [`Decision::Allow`].
//! 5. A forbidden decision names the first rule the user failed ([`UnmetRule`]), so a group
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
#[non_exhaustive]
pub enum Decision {
    /// Let the request through.
    Allow,
    /// Nobody is signed in: 401, or a redirect to login for pages.
    Unauthenticated,
    /// Signed in but not allowed: 403, naming the rule that failed.
    Forbidden(UnmetRule),
    /// Allowed, but the sign-in is older than the policy's `max_auth_age` (seconds): 401
    /// `reauthentication_required`, or a fresh sign-in (`prompt=login`) for pages.
    Reauthenticate {
        /// The policy's maximum authentication age, in seconds.
        max_age: u64,
    },
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
    MaxAuthAge(u64),
}

impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::AllGroups(g) => write!(f, "all groups {g:?}"),
            Rule::AnyGroup(g) => write!(f, "any group of {g:?}"),
            Rule::Scopes(s) => write!(f, "scopes {s:?}"),
            Rule::Custom(name, _) => write!(f, "custom {name:?}"),
            Rule::MaxAuthAge(s) => write!(f, "signed in within {s} s"),
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

    /// Signed in within `max_age` (step-up for sensitive pages and actions), by the ID
    /// token's `auth_time`; a session without `auth_time` must sign in again.
    ///
    /// ```
    /// use std::time::Duration;
    /// use leptos_cognito::{CognitoUser, Decision, Policy};
    /// let p = Policy::max_auth_age(Duration::from_secs(300));
    /// let u = CognitoUser { auth_time: Some(1_000), ..Default::default() };
    /// assert_eq!(p.evaluate_at(Some(&u), 1_300), Decision::Allow);
    /// assert_eq!(p.evaluate_at(Some(&u), 1_301), Decision::Reauthenticate { max_age: 300 });
    /// ```
    pub fn max_auth_age(max_age: std::time::Duration) -> Self {
        Self::signed_in().and_max_auth_age(max_age)
    }

    /// Adds a [`max_auth_age`](Self::max_auth_age) requirement (the strictest one counts).
    pub fn and_max_auth_age(mut self, max_age: std::time::Duration) -> Self {
        self.rules.push(Rule::MaxAuthAge(max_age.as_secs()));
        self
    }

    /// The strictest maximum authentication age of this policy, if any.
    pub fn auth_age_limit(&self) -> Option<std::time::Duration> {
        self.rules
            .iter()
            .filter_map(|r| match r {
                Rule::MaxAuthAge(s) => Some(*s),
                _ => None,
            })
            .min()
            .map(std::time::Duration::from_secs)
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

    /// Evaluates the policy for `user` (`None`: nobody signed in) now.
    pub fn evaluate(&self, user: Option<&CognitoUser>) -> Decision {
        self.evaluate_at(user, unix_now())
    }

    /// Evaluates the policy for `user` at `now` (seconds since the epoch): the server passes
    /// its clock, components the time shared with the server render.
    pub fn evaluate_at(&self, user: Option<&CognitoUser>, now: i64) -> Decision {
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
                Rule::MaxAuthAge(_) => return None,
            };
            (!ok).then_some(unmet)
        });
        if let Some(rule) = unmet {
            return Decision::Forbidden(rule);
        }
        match self.auth_age_limit() {
            Some(max) => {
                let max_age = max.as_secs();
                let fresh = user.auth_time.is_some_and(|t| {
                    now.saturating_sub(t) <= i64::try_from(max_age).unwrap_or(i64::MAX)
                });
                if fresh {
                    Decision::Allow
                } else {
                    Decision::Reauthenticate { max_age }
                }
            }
            None => Decision::Allow,
        }
    }

    /// `evaluate(..) == Decision::Allow`.
    pub fn allows(&self, user: Option<&CognitoUser>) -> bool {
        self.evaluate(user) == Decision::Allow
    }
}

/// Seconds since the epoch (the browser's clock in wasm, where `SystemTime` is unavailable).
pub(crate) fn unix_now() -> i64 {
    #[cfg(all(target_arch = "wasm32", feature = "hydrate"))]
    {
        (js_sys::Date::now() / 1000.0) as i64
    }
    #[cfg(all(target_arch = "wasm32", not(feature = "hydrate")))]
    {
        0
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_up_comes_after_the_other_rules() {
        let p = Policy::groups(["admin"]).and_max_auth_age(std::time::Duration::from_secs(60));
        let mut u = user(&["admin"]);
        assert_eq!(
            p.evaluate_at(Some(&u), 0),
            Decision::Reauthenticate { max_age: 60 }
        );
        u.auth_time = Some(100);
        assert_eq!(p.evaluate_at(Some(&u), 160), Decision::Allow);
        assert_eq!(
            p.evaluate_at(Some(&u), 161),
            Decision::Reauthenticate { max_age: 60 }
        );
        assert!(matches!(
            p.evaluate_at(Some(&user(&[])), 0),
            Decision::Forbidden(_)
        ));
        assert_eq!(p.evaluate_at(None, 0), Decision::Unauthenticated);
        let stricter = p.and_max_auth_age(std::time::Duration::from_secs(10));
        assert_eq!(
            stricter.auth_age_limit(),
            Some(std::time::Duration::from_secs(10))
        );
        assert_eq!(
            stricter.evaluate_at(Some(&u), 111),
            Decision::Reauthenticate { max_age: 10 }
        );
    }

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
