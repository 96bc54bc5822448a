//! Token verification (SPEC §5): the heart of the library.
//!
//! For every token, in this order:
//! 1. Size cap, exactly three base64url segments, JSON-object header ([`jwt`]).
//! 2. `alg` pinned to RS256 (`none`, HS*, RS512, PS256, … rejected); `crit` rejected;
//!    `jku`/`x5u`/`jwk` ignored; a string `kid` required.
//! 3. Key from the pool's JWKS by `kid` ([`crate::jwks::JwksCache`]), RS256 signature check.
//! 4. Claims: `iss` exact; `token_use` as expected; access tokens: `client_id` = ours (an `aud`
//!    claim, absent at Cognito, is neither required nor trusted); ID tokens: `aud` = ours (an
//!    array must not name anyone else; `azp`, if present, = ours); `exp`, `iat`, `sub` required;
//!    `exp`/`iat`/`nbf` checked with the leeway; the nonce when one is expected.
//!
//! Successful results are cached by token until `exp` ([`VerifiedCache`]), so the steady-state
//! cost of an authenticated request is a hash-map lookup, not an RSA operation.

pub mod claims;
pub(crate) mod jwt;

use std::{sync::Arc, time::Duration};

use jsonwebtoken::Algorithm;
use quick_cache::sync::Cache;
use subtle::ConstantTimeEq;

pub use self::claims::{AccessClaims, Audience, IdClaims, Verified};
use crate::{
    clock::Clock,
    jwks::{JwksCache, JwksError},
};

/// Why a token was refused. Messages never include token content.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum VerifyError {
    /// Larger than [`jwt::MAX_TOKEN_LEN`].
    #[error("token too large")]
    TooLarge,
    /// Not a well-formed JWT.
    #[error("malformed token: {0}")]
    Malformed(&'static str),
    /// `alg` other than RS256.
    #[error("algorithm {0:?} is not allowed (RS256 only)")]
    UnsupportedAlgorithm(String),
    /// A `crit` header: extensions we do not understand.
    #[error("critical header extensions are not supported")]
    CriticalHeader,
    /// No `kid` in the header.
    #[error("token has no kid")]
    MissingKid,
    /// The key could not be obtained.
    #[error("signing key: {0}")]
    Key(#[from] JwksError),
    /// The signature does not match.
    #[error("bad signature")]
    BadSignature,
    /// A required claim is absent or of the wrong type.
    #[error("claim {0} is missing or invalid")]
    MissingClaim(&'static str),
    /// `iss` is not the pool's issuer.
    #[error("wrong issuer")]
    WrongIssuer,
    /// `token_use` is not the expected one.
    #[error("wrong token_use (expected {0})")]
    WrongTokenUse(&'static str),
    /// `client_id` (access) or `aud`/`azp` (ID) is not our app client.
    #[error("token was not issued for this client")]
    WrongClient,
    /// `exp` has passed (beyond the leeway).
    #[error("token expired")]
    Expired,
    /// `iat` is in the future (beyond the leeway).
    #[error("token issued in the future")]
    IssuedInFuture,
    /// `nbf` is in the future (beyond the leeway).
    #[error("token not yet valid")]
    NotYetValid,
    /// The ID token's nonce is absent or differs from the login's.
    #[error("nonce mismatch")]
    NonceMismatch,
    /// A refreshed token belongs to another subject.
    #[error("subject changed")]
    SubjectMismatch,
}

impl VerifyError {
    /// Whether the failure is about the IdP being unreachable (the token might be fine).
    pub fn is_transient(&self) -> bool {
        matches!(self, VerifyError::Key(JwksError::Unavailable(_)))
    }
}

/// What the verifier expects of tokens: issuer, client, leeway, clock.
#[derive(Debug, Clone)]
pub struct Expectations {
    /// Exact `iss`.
    pub issuer: String,
    /// Our app client id.
    pub client_id: String,
    /// Clock-skew leeway for `exp`, `iat` and `nbf`.
    pub leeway: Duration,
    /// The clock.
    pub clock: Clock,
}

/// Cache of verified tokens, keyed by the token itself, entries valid until `exp`.
pub struct VerifiedCache<T> {
    cache: Cache<Arc<str>, Verified<T>>,
}

impl<T: Clone> VerifiedCache<T> {
    fn new(capacity: usize) -> Self {
        Self {
            cache: Cache::new(capacity),
        }
    }
    fn get(&self, token: &str, now: i64, leeway: i64) -> Option<Verified<T>> {
        let v = self.cache.get(token)?;
        if v.expires_at() + leeway > now {
            Some(v)
        } else {
            self.cache.remove(token);
            None
        }
    }
    fn insert(&self, token: &str, v: Verified<T>) {
        self.cache.insert(Arc::from(token), v);
    }
    fn remove(&self, token: &str) {
        self.cache.remove(token);
    }
    /// Number of cached entries.
    pub fn len(&self) -> usize {
        self.cache.len()
    }
    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.cache.is_empty()
    }
}

/// Verifies Cognito access and ID tokens. Owns the JWKS cache and the verified-token caches.
///
/// # Example
/// ```no_run
/// # async fn f(verifier: leptos_cognito::verify::TokenVerifier, access: &str, id: &str) {
/// let access = verifier.verify_access(access).await.unwrap();
/// let id = verifier.verify_id(id, Some("the-login-nonce")).await.unwrap();
/// assert_eq!(access.subject(), id.subject());
/// # }
/// ```
pub struct TokenVerifier {
    expect: Expectations,
    jwks: Arc<JwksCache>,
    access_cache: VerifiedCache<AccessClaims>,
    id_cache: VerifiedCache<IdClaims>,
}

impl std::fmt::Debug for TokenVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenVerifier")
            .field("issuer", &self.expect.issuer)
            .field("jwks", &self.jwks)
            .finish()
    }
}

/// Default number of verified tokens kept per token type.
pub const VERIFIED_CACHE_CAPACITY: usize = 10_000;

impl TokenVerifier {
    /// A verifier with the given expectations and key source.
    pub fn new(expect: Expectations, jwks: Arc<JwksCache>) -> Self {
        Self {
            expect,
            jwks,
            access_cache: VerifiedCache::new(VERIFIED_CACHE_CAPACITY),
            id_cache: VerifiedCache::new(VERIFIED_CACHE_CAPACITY),
        }
    }

    /// The JWKS cache.
    pub fn jwks(&self) -> &Arc<JwksCache> {
        &self.jwks
    }

    /// The clock used for time checks.
    pub fn clock(&self) -> &Clock {
        &self.expect.clock
    }

    fn leeway(&self) -> i64 {
        self.expect.leeway.as_secs() as i64
    }

    /// Verifies an access token, using the verified-token cache.
    ///
    /// # Errors
    /// The first failed check, see [`VerifyError`].
    pub async fn verify_access(&self, token: &str) -> Result<Verified<AccessClaims>, VerifyError> {
        let now = self.expect.clock.now();
        if let Some(v) = self.access_cache.get(token, now, self.leeway()) {
            return Ok(v);
        }
        let v = self.verify_access_uncached(token).await?;
        self.access_cache.insert(token, v.clone());
        Ok(v)
    }

    /// Verifies an access token without consulting or filling the cache.
    ///
    /// # Errors
    /// The first failed check, see [`VerifyError`].
    pub async fn verify_access_uncached(
        &self,
        token: &str,
    ) -> Result<Verified<AccessClaims>, VerifyError> {
        let payload = self.check_signature(token).await?;
        let c: AccessClaims = serde_json::from_slice(&payload)
            .map_err(|_| VerifyError::Malformed("claims are not a JSON object"))?;
        self.check_common(c.iss.as_deref(), c.token_use.as_deref(), "access")?;
        if c.client_id.as_deref() != Some(self.expect.client_id.as_str()) {
            return Err(VerifyError::WrongClient);
        }
        let (sub, exp) = self.check_times(c.sub.as_deref(), c.exp, c.iat, c.nbf)?;
        Ok(Verified::new(c, sub, exp))
    }

    /// Verifies an ID token; `nonce` must match when given (at login).
    ///
    /// # Errors
    /// The first failed check, see [`VerifyError`].
    pub async fn verify_id(
        &self,
        token: &str,
        nonce: Option<&str>,
    ) -> Result<Verified<IdClaims>, VerifyError> {
        let now = self.expect.clock.now();
        if nonce.is_none() {
            if let Some(v) = self.id_cache.get(token, now, self.leeway()) {
                return Ok(v);
            }
        }
        let payload = self.check_signature(token).await?;
        let c: IdClaims = serde_json::from_slice(&payload)
            .map_err(|_| VerifyError::Malformed("claims are not a JSON object"))?;
        self.check_common(c.iss.as_deref(), c.token_use.as_deref(), "id")?;
        let ours = self.expect.client_id.as_str();
        match &c.aud {
            Some(Audience::One(a)) if a == ours => {}
            Some(Audience::Many(list)) if !list.is_empty() && list.iter().all(|a| a == ours) => {}
            Some(_) => return Err(VerifyError::WrongClient),
            None => return Err(VerifyError::MissingClaim("aud")),
        }
        if c.azp.as_deref().is_some_and(|azp| azp != ours) {
            return Err(VerifyError::WrongClient);
        }
        if let Some(expected) = nonce {
            let ok = c
                .nonce
                .as_deref()
                .is_some_and(|n| bool::from(n.as_bytes().ct_eq(expected.as_bytes())));
            if !ok {
                return Err(VerifyError::NonceMismatch);
            }
        }
        let (sub, exp) = self.check_times(c.sub.as_deref(), c.exp, c.iat, c.nbf)?;
        let v = Verified::new(c, sub, exp);
        self.id_cache.insert(token, v.clone());
        Ok(v)
    }

    /// Forgets cached verification results for these tokens (at logout).
    pub fn forget(&self, tokens: &[&str]) {
        for t in tokens {
            self.access_cache.remove(t);
            self.id_cache.remove(t);
        }
    }

    /// Number of cached verified access tokens.
    pub fn cached_access_tokens(&self) -> usize {
        self.access_cache.len()
    }

    /// The `sub` of a token whose signature is valid, even if it has expired. Used to check
    /// that a refresh keeps the same subject.
    pub async fn signed_subject(&self, token: &str) -> Option<String> {
        let payload = self.check_signature(token).await.ok()?;
        #[derive(serde::Deserialize)]
        struct Sub {
            sub: Option<String>,
            iss: Option<String>,
        }
        let s: Sub = serde_json::from_slice(&payload).ok()?;
        (s.iss.as_deref() == Some(self.expect.issuer.as_str()))
            .then_some(s.sub)
            .flatten()
    }

    async fn check_signature(&self, token: &str) -> Result<Vec<u8>, VerifyError> {
        let parts = jwt::Decomposed::parse(token)?;
        let key = self.jwks.key(&parts.kid).await?;
        let ok = jsonwebtoken::crypto::verify(
            parts.signature_b64,
            parts.signing_input.as_bytes(),
            &key,
            Algorithm::RS256,
        )
        .map_err(|_| VerifyError::BadSignature)?;
        if !ok {
            return Err(VerifyError::BadSignature);
        }
        parts.payload()
    }

    fn check_common(
        &self,
        iss: Option<&str>,
        token_use: Option<&str>,
        expected: &'static str,
    ) -> Result<(), VerifyError> {
        match iss {
            Some(i) if i == self.expect.issuer => {}
            Some(_) => return Err(VerifyError::WrongIssuer),
            None => return Err(VerifyError::MissingClaim("iss")),
        }
        if token_use != Some(expected) {
            return Err(VerifyError::WrongTokenUse(expected));
        }
        Ok(())
    }

    fn check_times(
        &self,
        sub: Option<&str>,
        exp: Option<i64>,
        iat: Option<i64>,
        nbf: Option<i64>,
    ) -> Result<(String, i64), VerifyError> {
        let now = self.expect.clock.now();
        let leeway = self.leeway();
        let exp = exp.ok_or(VerifyError::MissingClaim("exp"))?;
        let iat = iat.ok_or(VerifyError::MissingClaim("iat"))?;
        if exp <= now - leeway {
            return Err(VerifyError::Expired);
        }
        if iat > now + leeway {
            return Err(VerifyError::IssuedInFuture);
        }
        if nbf.is_some_and(|nbf| nbf > now + leeway) {
            return Err(VerifyError::NotYetValid);
        }
        let sub = match sub {
            Some(s) if !s.is_empty() && s.len() <= 255 && s.is_ascii() => s.to_string(),
            _ => return Err(VerifyError::MissingClaim("sub")),
        };
        Ok((sub, exp))
    }
}
