//! Typed claims of Cognito access and ID tokens, and the [`Verified`] wrapper that only the
//! verifier can build.

use std::{collections::BTreeMap, ops::Deref, sync::Arc};

use serde::{Deserialize, Deserializer};

use crate::CognitoUser;

/// Claims of a Cognito **access** token (`token_use` = `access`).
#[derive(Debug, Clone, Deserialize)]
pub struct AccessClaims {
    /// Subject.
    pub sub: Option<String>,
    /// Issuer.
    pub iss: Option<String>,
    /// `access`.
    pub token_use: Option<String>,
    /// The app client the token was issued to.
    pub client_id: Option<String>,
    /// Expiry (seconds since the epoch).
    #[serde(default, deserialize_with = "numeric_date")]
    pub exp: Option<i64>,
    /// Issued at.
    #[serde(default, deserialize_with = "numeric_date")]
    pub iat: Option<i64>,
    /// Not before (optional).
    #[serde(default, deserialize_with = "numeric_date")]
    pub nbf: Option<i64>,
    /// Original authentication time.
    #[serde(default, deserialize_with = "numeric_date")]
    pub auth_time: Option<i64>,
    /// The user name.
    pub username: Option<String>,
    /// Space-separated scopes.
    pub scope: Option<String>,
    /// `cognito:groups`.
    #[serde(rename = "cognito:groups", default)]
    pub groups: Option<Vec<String>>,
    /// Token id (present when revocation is enabled).
    pub jti: Option<String>,
    /// Id of the original authentication (shared by tokens of one refresh family).
    pub origin_jti: Option<String>,
}

/// Audience: a string or an array of strings.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    /// One audience.
    One(String),
    /// Several audiences.
    Many(Vec<String>),
}

/// Claims of a Cognito **ID** token (`token_use` = `id`).
#[derive(Debug, Clone, Deserialize)]
pub struct IdClaims {
    /// Subject.
    pub sub: Option<String>,
    /// Issuer.
    pub iss: Option<String>,
    /// `id`.
    pub token_use: Option<String>,
    /// Audience (the app client id).
    pub aud: Option<Audience>,
    /// Authorized party.
    pub azp: Option<String>,
    /// Expiry.
    #[serde(default, deserialize_with = "numeric_date")]
    pub exp: Option<i64>,
    /// Issued at.
    #[serde(default, deserialize_with = "numeric_date")]
    pub iat: Option<i64>,
    /// Not before (optional).
    #[serde(default, deserialize_with = "numeric_date")]
    pub nbf: Option<i64>,
    /// Original authentication time.
    #[serde(default, deserialize_with = "numeric_date")]
    pub auth_time: Option<i64>,
    /// The nonce sent at authorize.
    pub nonce: Option<String>,
    /// `cognito:username`.
    #[serde(rename = "cognito:username")]
    pub cognito_username: Option<String>,
    /// `email`.
    pub email: Option<String>,
    /// `email_verified` (Cognito sends a boolean; some pools send `"true"`).
    #[serde(default, deserialize_with = "lenient_bool")]
    pub email_verified: Option<bool>,
    /// `cognito:groups`.
    #[serde(rename = "cognito:groups", default)]
    pub groups: Option<Vec<String>>,
    /// Every other claim, including `custom:*` attributes.
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// Claims that passed every check of the verifier. Only the verifier constructs it.
///
/// # Example
/// ```no_run
/// # async fn f(verifier: &leptos_cognito::verify::TokenVerifier, token: &str) {
/// let verified = verifier.verify_access(token).await.unwrap();
/// println!("user {}", verified.subject());
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Verified<T> {
    claims: Arc<T>,
    sub: String,
    exp: i64,
}

impl<T> Verified<T> {
    pub(crate) fn new(claims: T, sub: String, exp: i64) -> Self {
        Self {
            claims: Arc::new(claims),
            sub,
            exp,
        }
    }
    /// The verified claims.
    pub fn claims(&self) -> &T {
        &self.claims
    }
    /// The verified `sub`.
    pub fn subject(&self) -> &str {
        &self.sub
    }
    /// The verified `exp`.
    pub fn expires_at(&self) -> i64 {
        self.exp
    }
}

impl<T> Deref for Verified<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.claims
    }
}

/// Builds the non-secret user snapshot from verified tokens. The access token always comes
/// first (groups and scopes are read from it, as flask-cognito-lib's `auth_required` does);
/// the ID token adds profile claims.
pub fn user_from(access: &Verified<AccessClaims>, id: Option<&Verified<IdClaims>>) -> CognitoUser {
    let a = access.claims();
    let groups = a
        .groups
        .clone()
        .or_else(|| id.and_then(|i| i.groups.clone()))
        .unwrap_or_default();
    let mut user = CognitoUser {
        sub: access.subject().to_string(),
        username: a.username.clone().unwrap_or_default(),
        email: None,
        email_verified: None,
        groups,
        scopes: a
            .scope
            .as_deref()
            .map(|s| s.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default(),
        attributes: BTreeMap::new(),
        access_expires_at: access.expires_at(),
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
        user.id_expires_at = Some(id.expires_at());
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
        Some(B::Str(s)) => crate::config::parse_bool(&s),
        None => None,
    })
}
