//! Typed claims of Cognito access and ID tokens, and the [`Verified`] wrapper that only the
//! verifier can build.
//!
//! The payload is first read into a private "raw" shape where every claim is optional; the
//! verifier checks it and only then builds [`AccessClaims`] / [`IdClaims`], whose required
//! claims (`sub`, `iss`, `exp`, `iat`, the client) are plain values. Both structs are
//! `#[non_exhaustive]`: code outside the crate can read them but never make one up.

use std::{collections::BTreeMap, ops::Deref, sync::Arc};

use serde::{Deserialize, Deserializer};

use crate::CognitoUser;

/// Verified claims of a Cognito **access** token (`token_use` = `access`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AccessClaims {
    /// Subject (non-empty, ASCII, at most 255 bytes).
    pub sub: String,
    /// Issuer (equal to the pool's).
    pub iss: String,
    /// The app client the token was issued to (equal to ours).
    pub client_id: String,
    /// Expiry (seconds since the epoch).
    pub exp: i64,
    /// Issued at.
    pub iat: i64,
    /// Not before (optional).
    pub nbf: Option<i64>,
    /// Original authentication time.
    pub auth_time: Option<i64>,
    /// The user name.
    pub username: Option<String>,
    /// Granted scopes.
    pub scopes: Vec<String>,
    /// `cognito:groups`, empty when absent.
    pub groups: Vec<String>,
    /// Token id (present when revocation is enabled).
    pub jti: Option<String>,
    /// Id of the original authentication (shared by tokens of one refresh family).
    pub origin_jti: Option<String>,
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

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::AccessClaims {}
    impl Sealed for super::IdClaims {}
}

/// Both claim types name these fields alike.
macro_rules! token_claims {
    ($($t:ty),*) => {$(
        impl TokenClaims for $t {
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
    )*};
}
token_claims!(AccessClaims, IdClaims);

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

/// Access-token payload as sent, before any check.
#[derive(Deserialize)]
pub(crate) struct RawAccess {
    pub sub: Option<String>,
    pub iss: Option<String>,
    pub token_use: Option<String>,
    pub client_id: Option<String>,
    #[serde(default, deserialize_with = "numeric_date")]
    pub exp: Option<i64>,
    #[serde(default, deserialize_with = "numeric_date")]
    pub iat: Option<i64>,
    #[serde(default, deserialize_with = "numeric_date")]
    pub nbf: Option<i64>,
    #[serde(default, deserialize_with = "numeric_date")]
    pub auth_time: Option<i64>,
    pub username: Option<String>,
    pub scope: Option<String>,
    #[serde(rename = "cognito:groups", default)]
    pub groups: Option<Vec<String>>,
    pub jti: Option<String>,
    pub origin_jti: Option<String>,
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
    let groups = if a.groups.is_empty() {
        id.and_then(|i| i.groups.clone()).unwrap_or_default()
    } else {
        a.groups.clone()
    };
    let mut user = CognitoUser {
        sub: a.sub.clone(),
        username: a.username.clone().unwrap_or_default(),
        email: None,
        email_verified: None,
        groups,
        scopes: a.scopes.clone(),
        attributes: BTreeMap::new(),
        access_expires_at: a.exp,
        id_expires_at: None,
        auth_time: a.auth_time,
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
