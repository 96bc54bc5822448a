//! Typed claims of Cognito access and ID tokens, and the [`Verified`] wrapper that only the
//! verifier can build.
//!
//! The payload is first read into a private "raw" shape where every claim is optional; the
//! verifier checks it and only then builds [`AccessClaims`] / [`IdClaims`], whose required
//! claims (`sub`, `iss`, `exp`, `iat`, the client) are plain values. Code outside the crate can
//! read them but never make one up (`AccessClaims` has private fields, `IdClaims` is
//! `#[non_exhaustive]`). The access token's raw shape borrows its strings from the decoded
//! payload, and its verified claims copy them into one buffer.

use std::{collections::BTreeMap, ops::Deref, sync::Arc};

use serde::{Deserialize, Deserializer};

use super::json::{self, JsonError, Reader, Str, StrArray};
use crate::CognitoUser;

/// A byte range of an [`AccessClaims`]' text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: usize,
    end: usize,
}

/// Verified claims of a Cognito **access** token (`token_use` = `access`).
///
/// Its strings share one buffer, filled once from the borrowed payload (one allocation for all
/// the claims, not one per claim); read them through the methods.
///
/// # Example
/// ```no_run
/// # async fn f(verifier: &leptos_cognito::verify::TokenVerifier, token: &str) {
/// let access = verifier.verify_access(token).await.unwrap();
/// let claims = access.claims();
/// if claims.in_group("admins") && claims.has_scope("openid") {
///     println!("{} ({:?}) until {}", claims.sub(), claims.username(), claims.exp());
/// }
/// # }
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct AccessClaims {
    text: Box<str>,
    sub: Span,
    iss: Span,
    client_id: Span,
    username: Option<Span>,
    jti: Option<Span>,
    origin_jti: Option<Span>,
    /// The `scope` claim (its words are the scopes).
    scope: Span,
    groups: Box<[Span]>,
    exp: i64,
    iat: i64,
    nbf: Option<i64>,
    auth_time: Option<i64>,
}

/// The checked claims of an access token, borrowed from its payload, before they are copied
/// into an [`AccessClaims`].
pub(crate) struct AccessParts<'a> {
    pub sub: &'a str,
    pub iss: &'a str,
    pub client_id: &'a str,
    pub username: Option<&'a str>,
    pub jti: Option<&'a str>,
    pub origin_jti: Option<&'a str>,
    pub scope: Option<&'a str>,
    pub groups: Option<StrArray<'a>>,
    pub exp: i64,
    pub iat: i64,
    pub nbf: Option<i64>,
    pub auth_time: Option<i64>,
}

impl AccessClaims {
    /// Copies checked claims into one buffer (and the groups' ranges into one more).
    pub(crate) fn build(p: AccessParts<'_>) -> Self {
        let scope = p.scope.unwrap_or("");
        let strings = [p.sub, p.iss, p.client_id, scope];
        let optional = [p.username, p.jti, p.origin_jti];
        let groups = || p.groups.iter().flat_map(|g| g.iter());
        let len = strings.iter().map(|s| s.len()).sum::<usize>()
            + optional.iter().flatten().map(|s| s.len()).sum::<usize>()
            + groups().map(|g| g.len()).sum::<usize>();
        let mut text = String::with_capacity(len);
        let mut push = |s: &str| {
            let start = text.len();
            text.push_str(s);
            Span {
                start,
                end: text.len(),
            }
        };
        let sub = push(p.sub);
        let iss = push(p.iss);
        let client_id = push(p.client_id);
        let username = p.username.map(&mut push);
        let jti = p.jti.map(&mut push);
        let origin_jti = p.origin_jti.map(&mut push);
        let scope = push(scope);
        let group_spans = groups().map(|g| push(&g)).collect();
        Self {
            text: text.into_boxed_str(),
            sub,
            iss,
            client_id,
            username,
            jti,
            origin_jti,
            scope,
            groups: group_spans,
            exp: p.exp,
            iat: p.iat,
            nbf: p.nbf,
            auth_time: p.auth_time,
        }
    }

    fn at(&self, s: Span) -> &str {
        // Spans are made by `build` over this very text, on char boundaries.
        self.text.get(s.start..s.end).unwrap_or_default()
    }

    /// Subject (non-empty, ASCII, at most 255 bytes).
    pub fn sub(&self) -> &str {
        self.at(self.sub)
    }
    /// Issuer (equal to the pool's).
    pub fn iss(&self) -> &str {
        self.at(self.iss)
    }
    /// The app client the token was issued to (equal to ours).
    pub fn client_id(&self) -> &str {
        self.at(self.client_id)
    }
    /// Expiry (seconds since the epoch).
    pub fn exp(&self) -> i64 {
        self.exp
    }
    /// Issued at.
    pub fn iat(&self) -> i64 {
        self.iat
    }
    /// Not before (optional).
    pub fn nbf(&self) -> Option<i64> {
        self.nbf
    }
    /// Original authentication time.
    pub fn auth_time(&self) -> Option<i64> {
        self.auth_time
    }
    /// The user name.
    pub fn username(&self) -> Option<&str> {
        self.username.map(|s| self.at(s))
    }
    /// Granted scopes (the words of the `scope` claim), in the token's order.
    pub fn scopes(&self) -> Scopes<'_> {
        Scopes(self.at(self.scope).split_ascii_whitespace())
    }
    /// `cognito:groups`, empty when absent.
    pub fn groups(&self) -> Strs<'_> {
        self.strs(&self.groups)
    }
    /// Whether `scope` was granted.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes().any(|s| s == scope)
    }
    /// Whether the user is in `group`.
    pub fn in_group(&self, group: &str) -> bool {
        self.groups().any(|g| g == group)
    }
    /// Token id (present when revocation is enabled).
    pub fn jti(&self) -> Option<&str> {
        self.jti.map(|s| self.at(s))
    }
    /// Id of the original authentication (shared by tokens of one refresh family).
    pub fn origin_jti(&self) -> Option<&str> {
        self.origin_jti.map(|s| self.at(s))
    }
    fn strs<'a>(&'a self, spans: &'a [Span]) -> Strs<'a> {
        Strs {
            claims: self,
            spans: spans.iter(),
        }
    }
}

impl std::fmt::Debug for AccessClaims {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessClaims")
            .field("sub", &self.sub())
            .field("iss", &self.iss())
            .field("client_id", &self.client_id())
            .field("exp", &self.exp)
            .field("iat", &self.iat)
            .field("nbf", &self.nbf)
            .field("auth_time", &self.auth_time)
            .field("username", &self.username())
            .field("scopes", &self.scopes())
            .field("groups", &self.groups())
            .field("jti", &self.jti())
            .field("origin_jti", &self.origin_jti())
            .finish()
    }
}

/// The scopes of an [`AccessClaims`], borrowed.
///
/// # Example
/// ```no_run
/// # fn f(claims: &leptos_cognito::verify::AccessClaims) {
/// let scopes: Vec<&str> = claims.scopes().collect();
/// assert_eq!(scopes.contains(&"openid"), claims.has_scope("openid"));
/// # }
/// ```
#[derive(Clone)]
pub struct Scopes<'a>(std::str::SplitAsciiWhitespace<'a>);

impl<'a> Iterator for Scopes<'a> {
    type Item = &'a str;
    fn next(&mut self) -> Option<&'a str> {
        self.0.next()
    }
}

impl DoubleEndedIterator for Scopes<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back()
    }
}

impl std::fmt::Debug for Scopes<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.clone()).finish()
    }
}

/// The groups of an [`AccessClaims`], borrowed.
///
/// # Example
/// ```no_run
/// # fn f(claims: &leptos_cognito::verify::AccessClaims) {
/// let groups: Vec<&str> = claims.groups().collect();
/// assert_eq!(groups.len(), claims.groups().len());
/// assert_eq!(groups.contains(&"admins"), claims.in_group("admins"));
/// # }
/// ```
#[derive(Clone)]
pub struct Strs<'a> {
    claims: &'a AccessClaims,
    spans: std::slice::Iter<'a, Span>,
}

impl<'a> Iterator for Strs<'a> {
    type Item = &'a str;
    fn next(&mut self) -> Option<&'a str> {
        self.spans.next().map(|s| self.claims.at(*s))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.spans.size_hint()
    }
}

impl DoubleEndedIterator for Strs<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.spans.next_back().map(|s| self.claims.at(*s))
    }
}

impl ExactSizeIterator for Strs<'_> {}

impl std::fmt::Debug for Strs<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.clone()).finish()
    }
}

/// Verified claims of a Cognito **ID** token (`token_use` = `id`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct IdClaims {
    /// Subject.
    pub sub: String,
    /// Issuer.
    pub iss: String,
    /// Our app client id (the verified audience).
    pub aud: String,
    /// Expiry.
    pub exp: i64,
    /// Issued at.
    pub iat: i64,
    /// Not before (optional).
    pub nbf: Option<i64>,
    /// Original authentication time.
    pub auth_time: Option<i64>,
    /// `cognito:username`.
    pub cognito_username: Option<String>,
    /// `email`.
    pub email: Option<String>,
    /// `email_verified` (Cognito sends a boolean; some pools send `"true"`).
    pub email_verified: Option<bool>,
    /// `cognito:groups`, `None` when absent.
    pub groups: Option<Vec<String>>,
    /// Token id.
    pub jti: Option<String>,
    /// Id of the original authentication.
    pub origin_jti: Option<String>,
    /// Every other claim, including `custom:*` attributes.
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// What every verified token type offers.
pub trait TokenClaims: sealed::Sealed {
    /// The verified `sub`.
    fn sub(&self) -> &str;
    /// The verified `exp`.
    fn exp(&self) -> i64;
    /// The verified `iat`.
    fn iat(&self) -> i64;
    /// The session identifier used for revocation: `origin_jti`, else `jti`.
    fn session_id(&self) -> Option<&str>;
}

impl TokenClaims for AccessClaims {
    fn sub(&self) -> &str {
        AccessClaims::sub(self)
    }
    fn exp(&self) -> i64 {
        self.exp
    }
    fn iat(&self) -> i64 {
        self.iat
    }
    fn session_id(&self) -> Option<&str> {
        self.origin_jti().or(self.jti())
    }
}

impl TokenClaims for IdClaims {
    fn sub(&self) -> &str {
        &self.sub
    }
    fn exp(&self) -> i64 {
        self.exp
    }
    fn iat(&self) -> i64 {
        self.iat
    }
    fn session_id(&self) -> Option<&str> {
        self.origin_jti.as_deref().or(self.jti.as_deref())
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::AccessClaims {}
    impl Sealed for super::IdClaims {}
}

/// Claims that passed every check of the verifier. Only the verifier constructs it.
///
/// # Example
/// ```no_run
/// # async fn f(verifier: &leptos_cognito::verify::TokenVerifier, token: &str) {
/// let verified = verifier.verify_access(token).await.unwrap();
/// println!("user {} until {}", verified.subject(), verified.expires_at());
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Verified<T> {
    claims: Arc<T>,
}

impl<T: TokenClaims> Verified<T> {
    pub(crate) fn new(claims: T) -> Self {
        Self {
            claims: Arc::new(claims),
        }
    }
    /// The verified claims.
    pub fn claims(&self) -> &T {
        &self.claims
    }
    /// The verified `sub`.
    pub fn subject(&self) -> &str {
        self.claims.sub()
    }
    /// The verified `exp`.
    pub fn expires_at(&self) -> i64 {
        self.claims.exp()
    }
    /// The session identifier (`origin_jti`, else `jti`).
    pub fn session_id(&self) -> Option<&str> {
        self.claims.session_id()
    }
}

impl<T> Deref for Verified<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.claims
    }
}

/// Access-token payload as sent, before any check; strings borrowed from the decoded payload.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct RawAccess<'a> {
    pub sub: Option<Str<'a>>,
    pub iss: Option<Str<'a>>,
    pub token_use: Option<Str<'a>>,
    pub client_id: Option<Str<'a>>,
    pub exp: Option<i64>,
    pub iat: Option<i64>,
    pub nbf: Option<i64>,
    pub auth_time: Option<i64>,
    pub username: Option<Str<'a>>,
    pub scope: Option<Str<'a>>,
    pub groups: Option<StrArray<'a>>,
    pub jti: Option<Str<'a>>,
    pub origin_jti: Option<Str<'a>>,
}

impl<'a> RawAccess<'a> {
    /// Reads the claims (see [`super::json`]): a claim twice is refused, unknown claims are
    /// skipped, a claim of the wrong type is refused, `null` counts as absent.
    pub fn parse(payload: &'a [u8]) -> Result<Self, JsonError> {
        /// Where a known claim goes, by its type.
        enum Slot<'s, 'a> {
            Str(&'s mut Option<Str<'a>>),
            Date(&'s mut Option<i64>),
            Strings(&'s mut Option<StrArray<'a>>),
        }
        let mut c = RawAccess::default();
        let mut seen = 0;
        Reader::object(payload, |key, r| {
            let (bit, slot) = match key {
                "sub" => (0, Slot::Str(&mut c.sub)),
                "iss" => (1, Slot::Str(&mut c.iss)),
                "token_use" => (2, Slot::Str(&mut c.token_use)),
                "client_id" => (3, Slot::Str(&mut c.client_id)),
                "username" => (4, Slot::Str(&mut c.username)),
                "scope" => (5, Slot::Str(&mut c.scope)),
                "jti" => (6, Slot::Str(&mut c.jti)),
                "origin_jti" => (7, Slot::Str(&mut c.origin_jti)),
                "exp" => (8, Slot::Date(&mut c.exp)),
                "iat" => (9, Slot::Date(&mut c.iat)),
                "nbf" => (10, Slot::Date(&mut c.nbf)),
                "auth_time" => (11, Slot::Date(&mut c.auth_time)),
                "cognito:groups" => (12, Slot::Strings(&mut c.groups)),
                _ => return r.skip(),
            };
            json::first(&mut seen, 1 << bit)?;
            match slot {
                Slot::Str(v) => *v = r.opt_string()?,
                Slot::Date(v) => *v = r.opt_numeric_date()?,
                Slot::Strings(v) => *v = r.opt_strings()?,
            }
            Ok(())
        })?;
        Ok(c)
    }
}

/// Audience: a string or an array of strings.
#[derive(Deserialize)]
#[serde(untagged)]
pub(crate) enum Audience {
    One(String),
    Many(Vec<String>),
}

/// ID-token payload as sent, before any check.
#[derive(Deserialize)]
pub(crate) struct RawId {
    pub sub: Option<String>,
    pub iss: Option<String>,
    pub token_use: Option<String>,
    pub aud: Option<Audience>,
    pub azp: Option<String>,
    #[serde(default, deserialize_with = "numeric_date")]
    pub exp: Option<i64>,
    #[serde(default, deserialize_with = "numeric_date")]
    pub iat: Option<i64>,
    #[serde(default, deserialize_with = "numeric_date")]
    pub nbf: Option<i64>,
    #[serde(default, deserialize_with = "numeric_date")]
    pub auth_time: Option<i64>,
    pub nonce: Option<String>,
    #[serde(rename = "cognito:username")]
    pub cognito_username: Option<String>,
    pub email: Option<String>,
    #[serde(default, deserialize_with = "lenient_bool")]
    pub email_verified: Option<bool>,
    #[serde(rename = "cognito:groups", default)]
    pub groups: Option<Vec<String>>,
    pub jti: Option<String>,
    pub origin_jti: Option<String>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// Builds the non-secret user snapshot from verified tokens. The access token always comes
/// first (groups and scopes are read from it, as flask-cognito-lib's `auth_required` does);
/// the ID token adds profile claims.
pub(crate) fn user_from(
    access: &Verified<AccessClaims>,
    id: Option<&Verified<IdClaims>>,
) -> CognitoUser {
    let a = access.claims();
    let groups = if a.groups().len() == 0 {
        id.and_then(|i| i.groups.clone()).unwrap_or_default()
    } else {
        a.groups().map(str::to_string).collect()
    };
    let mut user = CognitoUser {
        sub: a.sub().to_string(),
        username: a.username().unwrap_or_default().to_string(),
        email: None,
        email_verified: None,
        groups,
        scopes: a.scopes().map(str::to_string).collect(),
        attributes: BTreeMap::new(),
        access_expires_at: a.exp(),
        id_expires_at: None,
        auth_time: a.auth_time(),
    };
    if let Some(id) = id {
        let c = id.claims();
        if let Some(name) = &c.cognito_username {
            user.username = name.clone();
        }
        user.email = c.email.clone();
        user.email_verified = c.email_verified;
        user.id_expires_at = Some(c.exp);
        user.auth_time = c.auth_time.or(user.auth_time);
        for (k, v) in &c.extra {
            if let Some(name) = k.strip_prefix("custom:") {
                let value = match v {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                user.attributes.insert(name.to_string(), value);
            }
        }
    }
    user
}

fn numeric_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let v = Option::<serde_json::Number>::deserialize(d)?;
    match v {
        None => Ok(None),
        Some(n) => {
            if let Some(i) = n.as_i64() {
                Ok(Some(i))
            } else if let Some(f) = n.as_f64().filter(|f| f.is_finite() && f.abs() < 1e15) {
                Ok(Some(f.trunc() as i64))
            } else {
                Err(serde::de::Error::custom("numeric date out of range"))
            }
        }
    }
}

fn lenient_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum B {
        Bool(bool),
        Str(String),
    }
    Ok(match Option::<B>::deserialize(d)? {
        Some(B::Bool(b)) => Some(b),
        Some(B::Str(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        },
        None => None,
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The claims as `serde_json` reads them (the shape the verifier used before it had its own
    /// reader): the oracle of the property below.
    #[derive(Debug, Deserialize, PartialEq)]
    struct Oracle {
        sub: Option<String>,
        iss: Option<String>,
        token_use: Option<String>,
        client_id: Option<String>,
        #[serde(default, deserialize_with = "numeric_date")]
        exp: Option<i64>,
        #[serde(default, deserialize_with = "numeric_date")]
        iat: Option<i64>,
        #[serde(default, deserialize_with = "numeric_date")]
        nbf: Option<i64>,
        #[serde(default, deserialize_with = "numeric_date")]
        auth_time: Option<i64>,
        username: Option<String>,
        scope: Option<String>,
        #[serde(rename = "cognito:groups", default)]
        groups: Option<Vec<String>>,
        jti: Option<String>,
        origin_jti: Option<String>,
    }

    fn owned(c: &RawAccess<'_>) -> Oracle {
        let s = |v: &Option<Str<'_>>| v.as_deref().map(str::to_string);
        Oracle {
            sub: s(&c.sub),
            iss: s(&c.iss),
            token_use: s(&c.token_use),
            client_id: s(&c.client_id),
            exp: c.exp,
            iat: c.iat,
            nbf: c.nbf,
            auth_time: c.auth_time,
            username: s(&c.username),
            scope: s(&c.scope),
            groups: c.groups.map(|g| g.iter().map(|s| s.to_string()).collect()),
            jti: s(&c.jti),
            origin_jti: s(&c.origin_jti),
        }
    }

    const KEYS: &[&str] = &[
        "sub",
        "iss",
        "token_use",
        "client_id",
        "exp",
        "iat",
        "nbf",
        "auth_time",
        "username",
        "scope",
        "cognito:groups",
        "jti",
        "origin_jti",
        "version",
        "event_id",
        r"s\u0075b",
        r"cognito:groups\/",
        "",
    ];

    fn document() -> impl Strategy<Value = String> {
        json::strategies::document(KEYS)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        /// The reader accepts an object exactly when `serde_json` does, with the same claims.
        #[test]
        fn claims_read_exactly_as_serde_json_reads_them(doc in document()) {
            let ours = RawAccess::parse(doc.as_bytes());
            let theirs = serde_json::from_slice::<Oracle>(doc.as_bytes());
            match (&ours, &theirs) {
                (Ok(o), Ok(t)) => prop_assert_eq!(&owned(o), t, "{}", doc),
                (Err(_), Err(_)) => {}
                _ => prop_assert!(false, "ours {:?} theirs {:?} on {}", ours.is_ok(), theirs, doc),
            }
        }

        /// On any bytes at all: never a panic, and nothing `serde_json` would refuse.
        #[test]
        fn claims_from_any_bytes_are_no_more_than_serde_json_accepts(
            doc in prop_oneof![
                proptest::collection::vec(any::<u8>(), 0..64),
                document().prop_map(String::into_bytes),
                (document(), any::<usize>(), any::<u8>()).prop_map(|(d, at, b)| {
                    let mut d = d.into_bytes();
                    let at = at % d.len();
                    d[at] = b;
                    d
                }),
            ]
        ) {
            if let Ok(o) = RawAccess::parse(&doc) {
                let theirs = serde_json::from_slice::<Oracle>(&doc);
                prop_assert!(theirs.is_ok(), "{:?}", String::from_utf8_lossy(&doc));
                prop_assert_eq!(owned(&o), theirs.unwrap());
            }
        }
    }

    #[test]
    fn a_claim_twice_is_refused_even_after_null() {
        for doc in [
            r#"{"sub":"a","sub":"b"}"#,
            r#"{"sub":null,"sub":"b"}"#,
            r#"{"sub":"a","s\u0075b":"b"}"#,
            r#"{"exp":1,"exp":2}"#,
            r#"{"cognito:groups":null,"cognito:groups":["a"]}"#,
        ] {
            assert!(RawAccess::parse(doc.as_bytes()).is_err(), "{doc}");
            assert!(serde_json::from_str::<Oracle>(doc).is_err(), "{doc}");
        }
        // Unknown claims may repeat (serde ignores them too).
        assert!(RawAccess::parse(br#"{"version":1,"version":2}"#).is_ok());
    }

    #[test]
    fn the_real_cognito_access_token_reads_as_serde_json_reads_it() {
        let payload = br#"{"sub":"9048d38f-8174-49b9-8d59-3238172823d8","cognito:groups":["admin"],"iss":"https:\/\/cognito-idp.eu-west-1.amazonaws.com\/eu-west-1_c7O90SNDF","version":2,"client_id":"4lln66726pp3f4gi1krj0sta9h","origin_jti":"d4811bf1-2798-4d33-b65c-2f8254729dd2","event_id":"18828d18-b465-470e-84b6-17520ded299b","token_use":"access","scope":"phone openid email","auth_time":1647961493,"exp":1647965093,"iat":1647961493,"jti":"0fe29a9e-6e94-479b-987b-e45696d5843a","username":"mblack"}"#;
        let ours = RawAccess::parse(payload).unwrap();
        assert_eq!(
            owned(&ours),
            serde_json::from_slice::<Oracle>(payload).unwrap()
        );
        assert_eq!(
            ours.iss.as_deref(),
            Some("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_c7O90SNDF")
        );
        // Without escapes the strings are borrowed from the payload.
        assert!(matches!(ours.sub.unwrap().0, std::borrow::Cow::Borrowed(_)));
    }

    /// The groups of `{"g": [...]}` as the reader checked them.
    fn groups_of(doc: &str) -> Option<StrArray<'_>> {
        let mut out = None;
        Reader::object(doc.as_bytes(), |_, r| {
            out = r.opt_strings()?;
            Ok(())
        })
        .unwrap();
        out
    }

    #[test]
    fn access_claims_keep_every_string_in_place() {
        for (doc, groups) in [
            (
                r#"{"g":["admins","\u00e9 quipe"]}"#,
                vec!["admins", "é quipe"],
            ),
            (
                r#"{"g":["a","b","c","d","e","f"]}"#,
                vec!["a", "b", "c", "d", "e", "f"],
            ),
            (r#"{"g":[]}"#, vec![]),
        ] {
            let c = AccessClaims::build(AccessParts {
                sub: "s",
                iss: "https://issuer",
                client_id: "c",
                username: Some("alice"),
                jti: None,
                origin_jti: Some("o"),
                scope: Some("  openid\temail  profile "),
                groups: groups_of(doc),
                exp: 3,
                iat: 2,
                nbf: None,
                auth_time: Some(1),
            });
            assert_eq!(
                (c.sub(), c.iss(), c.client_id()),
                ("s", "https://issuer", "c")
            );
            assert_eq!(
                (c.username(), c.jti(), c.origin_jti()),
                (Some("alice"), None, Some("o"))
            );
            assert_eq!(
                c.scopes().collect::<Vec<_>>(),
                ["openid", "email", "profile"]
            );
            assert_eq!(c.scopes().next_back(), Some("profile"));
            assert_eq!(c.groups().collect::<Vec<_>>(), groups);
            assert_eq!(c.groups().len(), groups.len());
            let mut back = groups.clone();
            back.reverse();
            assert_eq!(c.groups().rev().collect::<Vec<_>>(), back);
            assert!(c.has_scope("email") && !c.has_scope("emai"));
            assert_eq!(c.in_group("admins"), groups.contains(&"admins"));
            assert_eq!(
                (c.exp(), c.iat(), c.nbf(), c.auth_time()),
                (3, 2, None, Some(1))
            );
            assert_eq!(c.session_id(), Some("o"));
        }
        let none = AccessClaims::build(AccessParts {
            scope: None,
            groups: None,
            username: None,
            origin_jti: None,
            jti: Some("j"),
            ..parts_like(&AccessClaims::build(parts_like_empty()))
        });
        assert_eq!(none.scopes().count() + none.groups().len(), 0);
        assert_eq!(none.session_id(), Some("j"));
    }

    fn parts_like_empty() -> AccessParts<'static> {
        AccessParts {
            sub: "s",
            iss: "i",
            client_id: "c",
            username: None,
            jti: None,
            origin_jti: None,
            scope: None,
            groups: None,
            exp: 1,
            iat: 1,
            nbf: None,
            auth_time: None,
        }
    }

    fn parts_like(c: &AccessClaims) -> AccessParts<'_> {
        AccessParts {
            sub: c.sub(),
            iss: c.iss(),
            client_id: c.client_id(),
            username: c.username(),
            jti: c.jti(),
            origin_jti: c.origin_jti(),
            scope: None,
            groups: None,
            exp: c.exp(),
            iat: c.iat(),
            nbf: c.nbf(),
            auth_time: c.auth_time(),
        }
    }
}
