//! Token verification (SPEC §5): the heart of the library.
//!
//! For every token, in this order:
//! 1. Size cap (16 KiB), exactly three base64url segments, JSON-object header.
//! 2. `alg` pinned to RS256 (`none`, HS*, RS512, PS256, … rejected); `crit` rejected;
//!    `jku`/`x5u`/`jwk` ignored; a string `kid` required.
//! 3. Key from the pool's JWKS by `kid` ([`crate::jwks::JwksCache`]), RS256 signature check.
//! 4. Claims: `iss` exact; `token_use` as expected; access tokens: `client_id` = ours (an `aud`
//!    claim, absent at Cognito, is neither required nor trusted); ID tokens: `aud` = ours (an
//!    array must not name anyone else; `azp`, if present, = ours); `exp`, `iat`, `sub` required;
//!    `exp`/`iat`/`nbf` checked with the leeway; the nonce when one is expected.
//!
//! 5. The session (`origin_jti`, else `jti`) must not have been revoked by a logout
//!    ([`crate::revocation`]); this holds for cached results too.
//!
//! Successful results are cached by token until `exp` ([`VerifiedCache`]), so the steady-state
//! cost of an authenticated request is a hash-map lookup, not an RSA operation. A cached result
//! is dropped when the JWKS loses a key (a key the pool removed stops being trusted).
//!
//! # Example
//! ```
//! use std::sync::Arc;
//! use leptos_cognito::{clock::Clock, jwks::JwksCache, verify::{Expectations, TokenVerifier}};
//! # let jwk = leptos_cognito::dev_idp::SigningKey::generate().jwk();
//! # let jwks_doc = serde_json::json!({ "keys": [jwk] }).to_string();
//! let jwks = Arc::new(JwksCache::from_static(jwks_doc.as_bytes()).unwrap());
//! let verifier = TokenVerifier::new(
//!     Expectations::new("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123", "my-client-id"),
//!     jwks,
//! );
//! # let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
//! # rt.block_on(async {
//! assert!(verifier.verify_access("not.a.token").await.is_err());
//! # });
//! ```

pub mod claims;
pub(crate) mod json;
pub(crate) mod jwt;

use std::{sync::Arc, time::Duration};

use quick_cache::sync::Cache;
use subtle::ConstantTimeEq;

pub use self::claims::{AccessClaims, IdClaims, Scopes, Strs, TokenClaims, Verified};
use self::claims::{AccessParts, Audience, RawAccess, RawId};
use crate::{
    clock::Clock,
    jwks::{JwksCache, JwksError, VerifyingKey},
    revocation::RevocationList,
};

/// Why a token was refused. Messages never include token content.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// Larger than 16 KiB.
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
    /// `exp` has passed (beyond the leeway). Everything else checked out, signature included,
    /// so the subject is known: a refresh can check it keeps the same user without verifying
    /// the expired token a second time.
    #[error("token expired")]
    Expired {
        /// The verified `sub` of the expired token.
        subject: String,
        /// Its session identifier (`origin_jti`, else `jti`), for revocation at logout.
        session_id: Option<String>,
    },
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
    /// The session was signed out (its `origin_jti`/`jti` is on the revocation list).
    #[error("the session was signed out")]
    Revoked,
}

impl VerifyError {
    /// Whether the failure is about the IdP's keys being unobtainable right now (the token
    /// might be fine): unreachable JWKS, a broken JWKS document, or an unknown `kid` during the
    /// re-fetch cool-down. Such failures never sign a user out.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            VerifyError::Key(
                JwksError::Unavailable(_) | JwksError::Invalid(_) | JwksError::CoolingDown
            )
        )
    }
}

/// What the verifier expects of tokens: issuer, client, leeway, clock.
#[derive(Debug, Clone)]
#[non_exhaustive]
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

impl Expectations {
    /// Expect tokens of `issuer` for `client_id`, no leeway, the system clock.
    ///
    /// # Example
    /// ```
    /// use std::time::Duration;
    /// use leptos_cognito::{clock::Clock, verify::Expectations};
    /// let e = Expectations::new("https://issuer.example/pool", "client")
    ///     .leeway(Duration::from_secs(5))
    ///     .clock(Clock::system());
    /// assert_eq!(e.leeway, Duration::from_secs(5));
    /// ```
    pub fn new(issuer: impl Into<String>, client_id: impl Into<String>) -> Self {
        Self {
            issuer: issuer.into(),
            client_id: client_id.into(),
            leeway: Duration::ZERO,
            clock: Clock::system(),
        }
    }
    /// Sets the clock-skew leeway.
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }
    /// Sets the clock.
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }
}

/// Cache of verified tokens, keyed by the token itself, entries valid until `exp` and while
/// the JWKS has not lost a key since.
pub struct VerifiedCache<T> {
    cache: Cache<Arc<str>, (Verified<T>, u64)>,
}

impl<T: Clone + TokenClaims> VerifiedCache<T> {
    fn new(capacity: usize) -> Self {
        Self {
            cache: Cache::new(capacity),
        }
    }
    fn get(&self, token: &str, now: i64, leeway: i64, generation: u64) -> Option<Verified<T>> {
        let (v, g) = self.cache.get(token)?;
        if g == generation && v.expires_at() + leeway > now {
            Some(v)
        } else {
            self.cache.remove(token);
            None
        }
    }
    fn insert(&self, token: &str, v: Verified<T>, generation: u64) {
        self.cache.insert(Arc::from(token), (v, generation));
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

/// Verifies Cognito access and ID tokens. Owns the JWKS cache and the verified-token caches,
/// and consults the revocation list.
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
    revocations: Arc<RevocationList>,
    access_cache: VerifiedCache<AccessClaims>,
    id_cache: VerifiedCache<IdClaims>,
}

impl std::fmt::Debug for TokenVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenVerifier")
            .field("issuer", &self.expect.issuer)
            .field("jwks", &self.jwks)
            .finish_non_exhaustive()
    }
}

/// Default number of verified tokens kept per token type.
pub const VERIFIED_CACHE_CAPACITY: usize = 10_000;

impl TokenVerifier {
    /// A verifier with the given expectations and key source, and its own revocation list.
    pub fn new(expect: Expectations, jwks: Arc<JwksCache>) -> Self {
        let revocations = Arc::new(RevocationList::new(expect.clock.clone()));
        Self::with_revocations(expect, jwks, revocations)
    }

    /// A verifier sharing `revocations` (the list logouts write to).
    pub fn with_revocations(
        expect: Expectations,
        jwks: Arc<JwksCache>,
        revocations: Arc<RevocationList>,
    ) -> Self {
        Self {
            expect,
            jwks,
            revocations,
            access_cache: VerifiedCache::new(VERIFIED_CACHE_CAPACITY),
            id_cache: VerifiedCache::new(VERIFIED_CACHE_CAPACITY),
        }
    }

    /// The JWKS cache.
    pub fn jwks(&self) -> &Arc<JwksCache> {
        &self.jwks
    }

    /// The revocation list consulted on every verification.
    pub fn revocations(&self) -> &Arc<RevocationList> {
        &self.revocations
    }

    /// The clock used for time checks.
    pub fn clock(&self) -> &Clock {
        &self.expect.clock
    }

    fn leeway(&self) -> i64 {
        self.expect.leeway.as_secs() as i64
    }

    fn not_revoked<T: TokenClaims>(&self, v: Verified<T>) -> Result<Verified<T>, VerifyError> {
        match v.session_id() {
            Some(id) if self.revocations.is_revoked(id) => Err(VerifyError::Revoked),
            _ => Ok(v),
        }
    }

    /// Verifies an access token, using the verified-token cache.
    ///
    /// # Errors
    /// The first failed check, see [`VerifyError`].
    pub async fn verify_access(&self, token: &str) -> Result<Verified<AccessClaims>, VerifyError> {
        let now = self.expect.clock.now();
        let generation = self.jwks.generation();
        if let Some(v) = self.access_cache.get(token, now, self.leeway(), generation) {
            self.jwks.revalidate_if_stale();
            return self.not_revoked(v);
        }
        let started = std::time::Instant::now();
        let v = self.verify_access_uncached(token).await;
        crate::telemetry::verification(started.elapsed());
        let v = v?;
        self.access_cache.insert(token, v.clone(), generation);
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
        let (parts, key) = self.signing_key(token).await?;
        self.access_with_key(parts, &key)
    }

    /// The rest of an access token's verification once its key is known: no await, so the
    /// stack buffers are not part of the caller's future (moved with it).
    fn access_with_key(
        &self,
        parts: jwt::Decomposed<'_>,
        key: &VerifyingKey,
    ) -> Result<Verified<AccessClaims>, VerifyError> {
        let mut buf = jwt::buf::<{ jwt::STACK_PAYLOAD_LEN }>();
        let payload = check_signature(parts, key, &mut buf)?;
        let c = RawAccess::parse(&payload)
            .map_err(|_| VerifyError::Malformed("claims are not a JSON object"))?;
        let iss = self.check_common(c.iss.as_deref(), c.token_use.as_deref(), "access")?;
        let client_id = match c.client_id.as_deref() {
            Some(id) if id == self.expect.client_id => id,
            _ => return Err(VerifyError::WrongClient),
        };
        let sub = check_sub(c.sub.as_deref())?;
        let sid = c.origin_jti.as_deref().or(c.jti.as_deref());
        let (exp, iat) = self.check_times(sub, sid, c.exp, c.iat, c.nbf)?;
        let v = Verified::new(AccessClaims::build(AccessParts {
            sub,
            iss,
            client_id,
            username: c.username.as_deref(),
            jti: c.jti.as_deref(),
            origin_jti: c.origin_jti.as_deref(),
            scope: c.scope.as_deref(),
            groups: c.groups,
            exp,
            iat,
            nbf: c.nbf,
            auth_time: c.auth_time,
        }));
        self.not_revoked(v)
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
        let generation = self.jwks.generation();
        if nonce.is_none() {
            if let Some(v) = self.id_cache.get(token, now, self.leeway(), generation) {
                return self.not_revoked(v);
            }
        }
        let (parts, key) = self.signing_key(token).await?;
        let v = self.id_with_key(parts, &key, nonce)?;
        self.id_cache.insert(token, v.clone(), generation);
        Ok(v)
    }

    fn id_with_key(
        &self,
        parts: jwt::Decomposed<'_>,
        key: &VerifyingKey,
        nonce: Option<&str>,
    ) -> Result<Verified<IdClaims>, VerifyError> {
        let mut buf = jwt::buf::<{ jwt::STACK_PAYLOAD_LEN }>();
        let payload = check_signature(parts, key, &mut buf)?;
        let c: RawId = serde_json::from_slice(&payload)
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
        let sub = check_sub(c.sub)?;
        let sid = c.origin_jti.as_deref().or(c.jti.as_deref());
        let (exp, iat) = self.check_times(&sub, sid, c.exp, c.iat, c.nbf)?;
        self.not_revoked(Verified::new(IdClaims {
            sub,
            iss: self.expect.issuer.clone(),
            aud: ours.to_string(),
            exp,
            iat,
            nbf: c.nbf,
            auth_time: c.auth_time,
            cognito_username: c.cognito_username,
            email: c.email,
            email_verified: c.email_verified,
            groups: c.groups,
            jti: c.jti,
            origin_jti: c.origin_jti,
            extra: c.extra,
        }))
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

    /// The key the token's header names: from the cache at once, else fetched (only then
    /// does this wait, holding the `kid` alone).
    async fn signing_key<'t>(
        &self,
        token: &'t str,
    ) -> Result<(jwt::Decomposed<'t>, Arc<VerifyingKey>), VerifyError> {
        let parts = jwt::Decomposed::split(token)?;
        let header = parts.header_b64();
        // A header seen before on this thread passed the checks: only its key is looked up.
        if let Some(Some(key)) = jwt::with_known_kid(header, |kid| self.jwks.cached_key(kid)) {
            return Ok((parts, key));
        }
        let kid = {
            let mut header_buf = jwt::buf::<{ jwt::MAX_HEADER_LEN }>();
            let kid = jwt::header_kid(header, &mut header_buf)?;
            jwt::remember_header(header, &kid);
            if let Some(key) = self.jwks.cached_key(&kid) {
                return Ok((parts, key));
            }
            kid.0.into_owned()
        };
        // The fetch (rare) is boxed: the common path's future stays small.
        Ok((parts, Box::pin(self.jwks.key(&kid)).await?))
    }

    fn check_common<'a>(
        &self,
        iss: Option<&'a str>,
        token_use: Option<&str>,
        expected: &'static str,
    ) -> Result<&'a str, VerifyError> {
        let iss = match iss {
            Some(i) if i == self.expect.issuer => i,
            Some(_) => return Err(VerifyError::WrongIssuer),
            None => return Err(VerifyError::MissingClaim("iss")),
        };
        if token_use != Some(expected) {
            return Err(VerifyError::WrongTokenUse(expected));
        }
        Ok(iss)
    }

    fn check_times(
        &self,
        sub: &str,
        session_id: Option<&str>,
        exp: Option<i64>,
        iat: Option<i64>,
        nbf: Option<i64>,
    ) -> Result<(i64, i64), VerifyError> {
        let now = self.expect.clock.now();
        let leeway = self.leeway();
        let exp = exp.ok_or(VerifyError::MissingClaim("exp"))?;
        let iat = iat.ok_or(VerifyError::MissingClaim("iat"))?;
        if iat > now + leeway {
            return Err(VerifyError::IssuedInFuture);
        }
        if nbf.is_some_and(|nbf| nbf > now + leeway) {
            return Err(VerifyError::NotYetValid);
        }
        if exp <= now - leeway {
            return Err(VerifyError::Expired {
                subject: sub.to_string(),
                session_id: session_id.map(str::to_string),
            });
        }
        Ok((exp, iat))
    }
}

/// Checks the RS256 signature of the token with `key` and decodes its payload (into `payload_buf`
/// when it fits).
fn check_signature<'b>(
    parts: jwt::Decomposed<'_>,
    key: &VerifyingKey,
    payload_buf: &'b mut jwt::Buf<{ jwt::STACK_PAYLOAD_LEN }>,
) -> Result<std::borrow::Cow<'b, [u8]>, VerifyError> {
    // An RSA signature is at most 1024 bytes (8192-bit keys): decoded on the stack.
    let mut signature = jwt::buf::<1024>();
    let signature =
        jwt::decode_into(parts.signature_b64, &mut signature).ok_or(VerifyError::BadSignature)?;
    if !key.verify(parts.signing_input.as_bytes(), signature) {
        return Err(VerifyError::BadSignature);
    }
    parts.payload(payload_buf)
}

fn check_sub<S: AsRef<str>>(sub: Option<S>) -> Result<S, VerifyError> {
    match sub {
        Some(s) if !s.as_ref().is_empty() && s.as_ref().len() <= 255 && s.as_ref().is_ascii() => {
            Ok(s)
        }
        _ => Err(VerifyError::MissingClaim("sub")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_known_header_is_still_checked_when_its_bytes_differ() {
        use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let key = crate::dev_idp::SigningKey::generate();
        let doc = serde_json::json!({ "keys": [key.jwk()] }).to_string();
        let jwks = Arc::new(JwksCache::from_static(doc.as_bytes()).unwrap());
        let verifier = TokenVerifier::new(Expectations::new("https://i", "c"), jwks);
        let claims = serde_json::json!({"sub": "s", "iss": "https://i", "token_use": "access",
            "client_id": "c", "exp": i64::MAX / 2, "iat": 1});
        let good = key.sign_jwt(
            &serde_json::json!({"alg": "RS256", "kid": key.kid}),
            &claims,
        );
        assert!(rt.block_on(verifier.verify_access_uncached(&good)).is_ok());
        let (header, _) = good.split_once('.').unwrap();
        assert!(jwt::with_known_kid(header, |kid| kid == key.kid).unwrap());
        // Same kid, another algorithm or a critical extension: refused though the kid is known.
        let kid = &key.kid;
        for bad in [
            format!(r#"{{"alg":"HS256","kid":"{kid}"}}"#),
            format!(r#"{{"alg":"RS256","kid":"{kid}","crit":["exp"]}}"#),
            format!(r#"{{"alg":"RS256","kid":"{kid}","kid":"{kid}"}}"#),
            format!(r#"{{"alg":"RS256","kid":"{kid}"}}x"#),
        ] {
            let b64 = URL_SAFE_NO_PAD.encode(&bad);
            let token = key.sign_compact(&format!(
                "{b64}.{}",
                URL_SAFE_NO_PAD.encode(claims.to_string())
            ));
            assert!(
                rt.block_on(verifier.verify_access_uncached(&token))
                    .is_err(),
                "{bad}"
            );
            assert!(
                jwt::with_known_kid(&b64, |_| ()).is_none(),
                "a refused header is not kept"
            );
        }
    }

    #[test]
    fn only_key_availability_is_transient() {
        for e in [
            JwksError::Unavailable("down".into()),
            JwksError::Invalid("garbage".into()),
            JwksError::CoolingDown,
        ] {
            assert!(VerifyError::Key(e.clone()).is_transient(), "{e:?}");
        }
        for e in [
            VerifyError::Key(JwksError::UnknownKid),
            VerifyError::BadSignature,
            VerifyError::Revoked,
            VerifyError::WrongIssuer,
            VerifyError::Expired {
                subject: "s".into(),
                session_id: None,
            },
        ] {
            assert!(!e.is_transient(), "{e:?}");
        }
    }
}
