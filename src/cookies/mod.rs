//! The auth cookies (SPEC §7): names, attributes, chunking, encryption.
//!
//! 1. Names as flask-cognito-lib: `cognito_access_token`, `cognito_id_token`,
//!    `cognito_refresh_token`; login-state cookies `cognito_login_<hash>`.
//! 2. Every cookie: HttpOnly, Secure (unless turned off), SameSite (configurable, Lax by
//!    default; always Lax for login state), Path=/, optional Domain. Deletions repeat the same
//!    attributes so the browser matches them.
//! 3. Values over [`chunked::MAX_CHUNK_VALUE`] bytes are split into numbered chunks.
//! 4. The refresh cookie is Fernet-encrypted by default ([`RefreshCrypto`]).
//! 5. Anything unreadable (tampered, truncated, wrong key) reads as absent: signed out.
//! 6. An auth cookie name sent twice (e.g. one planted from a sibling subdomain with a wider
//!    `Domain` or a longer `Path`) makes the request's cookies ambiguous: they are not used at
//!    all ([`CookieCodec::is_ambiguous`]), whichever copy comes first.
//! 7. Work per request is bounded: one linear pass over the `Cookie` header, at most
//!    [`MAX_LOGIN_STATE_CLEARS`] stale login-state cookies cleared per response.
//!
//! # Example
//! ```
//! # use leptos_cognito::{config::CognitoConfig, cookies::{CookieCodec, ACCESS_COOKIE}};
//! # let config = CognitoConfig::builder().region("eu-west-1").user_pool_id("eu-west-1_x")
//! #   .client_id("abc").domain("https://d.example").redirect_url("https://a.example/auth/callback")
//! #   .logout_url("https://a.example/").secret_key("0123456789abcdef0123456789abcdef").build().unwrap();
//! let codec = CookieCodec::new(&config);
//! let jar = tower_cookies::Cookies::default();
//! codec.write(&jar, ACCESS_COOKIE, "header.payload.signature", codec.token_age()).unwrap();
//! assert_eq!(codec.read(&jar, ACCESS_COOKIE).as_deref(), Some("header.payload.signature"));
//! ```

pub mod chunked;
pub mod login_state;
mod refresh_crypto;
pub(crate) mod request;
pub mod session_stamp;

use cookie::{time::Duration as CookieDuration, Cookie, Key, SameSite as CSameSite};
use hkdf::Hkdf;
use sha2::Sha256;
use tower_cookies::Cookies;

pub use self::{
    login_state::LoginState, refresh_crypto::RefreshCrypto, session_stamp::SessionStamp,
};

use crate::config::{CognitoConfig, CookieNaming, SameSite};

/// Name of the access-token cookie.
pub const ACCESS_COOKIE: &str = "cognito_access_token";
/// Name of the ID-token cookie.
pub const ID_COOKIE: &str = "cognito_id_token";
/// Name of the refresh-token cookie.
pub const REFRESH_COOKIE: &str = "cognito_refresh_token";

/// Which token a cookie holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenCookie {
    /// The access token.
    Access,
    /// The ID token.
    Id,
    /// The (encrypted) refresh token.
    Refresh,
}

impl TokenCookie {
    const ALL: [TokenCookie; 3] = [TokenCookie::Access, TokenCookie::Id, TokenCookie::Refresh];

    /// The cookie's name under `naming`.
    pub fn name(self, naming: CookieNaming) -> &'static str {
        match self {
            TokenCookie::Access => naming.access(),
            TokenCookie::Id => naming.id(),
            TokenCookie::Refresh => naming.refresh(),
        }
    }
}

/// Most stale login-state cookies one response clears.
pub const MAX_LOGIN_STATE_CLEARS: usize = 4;
/// Most login-state cookies looked at in one request.
const MAX_LOGIN_STATES_SCANNED: usize = 16;

/// A cookie could not be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CookieError {
    /// The value does not fit in [`chunked::MAX_CHUNKS`] cookies.
    #[error("the value of cookie {cookie} ({len} bytes) is too large to store in cookies")]
    TooLarge {
        /// The cookie's name.
        cookie: String,
        /// The value's length in bytes.
        len: usize,
    },
}

/// The tokens found in a request's cookies (refresh token already decrypted).
#[derive(Default, Clone)]
pub struct StoredTokens {
    /// Access token.
    pub access: Option<String>,
    /// ID token.
    pub id: Option<String>,
    /// Refresh token, decrypted.
    pub refresh: Option<String>,
}

impl std::fmt::Debug for StoredTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredTokens")
            .field("access", &self.access.is_some())
            .field("id", &self.id.is_some())
            .field("refresh", &self.refresh.is_some())
            .finish()
    }
}

/// Reads and writes the auth cookies with the configured attributes.
pub struct CookieCodec {
    naming: CookieNaming,
    secure: bool,
    same_site: CSameSite,
    domain: Option<String>,
    token_age: CookieDuration,
    refresh_age: CookieDuration,
    refresh_encrypted: bool,
    refresh_crypto: RefreshCrypto,
    login_key: Key,
    stamp_key: Key,
}

impl std::fmt::Debug for CookieCodec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CookieCodec")
            .field("naming", &self.naming)
            .field("secure", &self.secure)
            .field("same_site", &self.same_site)
            .field("domain", &self.domain)
            .finish_non_exhaustive()
    }
}

impl CookieCodec {
    /// A codec for `config`'s cookie settings and `SECRET_KEY`.
    pub fn new(config: &CognitoConfig) -> Self {
        let secret = config.secret_key().expose();
        let hk = Hkdf::<Sha256>::new(Some(b"leptos_cognito"), secret.as_bytes());
        let mut okm = [0u8; 64];
        // 64 bytes is far below HKDF-SHA256's limit.
        let _ = hk.expand(b"login-state cookie v1", &mut okm);
        let mut stamp_okm = [0u8; 64];
        let _ = hk.expand(b"session-stamp cookie v1", &mut stamp_okm);
        Self {
            naming: config.cookie_naming(),
            secure: config.cookie_secure(),
            same_site: match config.cookie_samesite() {
                SameSite::Lax => CSameSite::Lax,
                SameSite::Strict => CSameSite::Strict,
                SameSite::None => CSameSite::None,
            },
            domain: config.cookie_domain().map(str::to_string),
            token_age: CookieDuration::seconds(config.cookie_age().as_secs() as i64),
            refresh_age: CookieDuration::seconds(config.refresh_cookie_age().as_secs() as i64),
            refresh_encrypted: config.refresh_cookie_encrypted(),
            refresh_crypto: RefreshCrypto::from_secret(secret),
            login_key: Key::from(&okm),
            stamp_key: Key::from(&stamp_okm),
        }
    }

    /// Max-Age of the access and ID token cookies.
    pub fn token_age(&self) -> CookieDuration {
        self.token_age
    }

    fn build(
        &self,
        name: String,
        value: String,
        max_age: CookieDuration,
        same_site: CSameSite,
    ) -> Cookie<'static> {
        let mut c = Cookie::build((name, value))
            .http_only(true)
            .secure(self.secure)
            .same_site(same_site)
            .path("/")
            .max_age(max_age);
        if let Some(d) = &self.domain {
            c = c.domain(d.clone());
        }
        c.build()
    }

    /// The name `kind` is written under, and the legacy (flask-cognito-lib) name still read
    /// during a migration to `__Host-` names.
    fn names(&self, kind: TokenCookie) -> (&'static str, Option<&'static str>) {
        let name = kind.name(self.naming);
        let legacy = kind.name(CookieNaming::Flask);
        (name, (legacy != name).then_some(legacy))
    }

    /// Every name a token cookie may come under (current names first).
    fn all_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        TokenCookie::ALL
            .into_iter()
            .flat_map(|k| {
                let (name, legacy) = self.names(k);
                [Some(name), legacy]
            })
            .flatten()
    }

    /// Reads a token cookie: its configured name, else (with `__Host-` names) the legacy one.
    pub fn read_token(&self, jar: &Cookies, kind: TokenCookie) -> Option<String> {
        self.under_names(kind, |n| self.read(jar, n))
    }

    /// `read` of `kind`'s configured name, else of its legacy name.
    fn under_names<T>(&self, kind: TokenCookie, read: impl Fn(&str) -> Option<T>) -> Option<T> {
        let (name, legacy) = self.names(kind);
        read(name).or_else(|| legacy.and_then(read))
    }

    /// Reads a (possibly chunked) cookie value.
    pub fn read(&self, jar: &Cookies, name: &str) -> Option<String> {
        chunked::join(name, |n| jar.get(n).map(|c| c.value().to_string()))
    }

    /// Writes a value, chunked if needed, and deletes chunks left from a larger earlier value.
    ///
    /// # Errors
    /// [`CookieError::TooLarge`] (and nothing written) if the value does not fit even in chunks.
    pub fn write(
        &self,
        jar: &Cookies,
        name: &str,
        value: &str,
        max_age: CookieDuration,
    ) -> Result<(), CookieError> {
        let Some(parts) = chunked::split(name, value) else {
            tracing::error!(
                cookie = name,
                len = value.len(),
                "value too large for cookies; not stored"
            );
            return Err(CookieError::TooLarge {
                cookie: name.to_string(),
                len: value.len(),
            });
        };
        let used = parts.len() - 1;
        for (n, v) in parts {
            jar.add(self.build(n, v, max_age, self.same_site));
        }
        for i in (used + 1)..=chunked::MAX_CHUNKS {
            let n = chunked::chunk_name(name, i);
            if jar.get(&n).is_some() {
                jar.add(self.removal(n, self.same_site));
            }
        }
        Ok(())
    }

    fn removal(&self, name: String, same_site: CSameSite) -> Cookie<'static> {
        let mut c = self.build(name, String::new(), CookieDuration::ZERO, same_site);
        c.set_expires(cookie::time::OffsetDateTime::UNIX_EPOCH);
        c
    }

    /// Deletes a cookie and all its chunks, with the attributes used to set them.
    pub fn clear(&self, jar: &Cookies, name: &str) {
        jar.add(self.removal(name.to_string(), self.same_site));
        for i in 1..=chunked::MAX_CHUNKS {
            let n = chunked::chunk_name(name, i);
            if jar.get(&n).is_some() {
                jar.add(self.removal(n, self.same_site));
            }
        }
    }

    /// Deletes a cookie and its chunks only if the request carries it (legacy names).
    fn clear_if_present(&self, jar: &Cookies, name: &str) {
        if jar.get(name).is_some() {
            self.clear(jar, name);
        }
    }

    /// The tokens stored in the request's cookies. Unreadable values are absent.
    pub fn read_tokens(&self, jar: &Cookies) -> StoredTokens {
        StoredTokens {
            access: self.read_token(jar, TokenCookie::Access),
            id: self.read_token(jar, TokenCookie::Id),
            refresh: self.read_refresh(jar),
        }
    }

    /// The refresh token, decrypted when encryption is on.
    pub fn read_refresh(&self, jar: &Cookies) -> Option<String> {
        let raw = self.read_token(jar, TokenCookie::Refresh)?;
        if self.refresh_encrypted {
            self.refresh_crypto.decrypt(&raw)
        } else {
            Some(raw)
        }
    }

    /// Stores the access and ID tokens (and the refresh token when given). All or nothing:
    /// sizes are checked before any cookie is written.
    ///
    /// # Errors
    /// [`CookieError::TooLarge`] when a token cannot be stored; no cookie is written then.
    pub fn write_tokens(
        &self,
        jar: &Cookies,
        access: &str,
        id: Option<&str>,
        refresh: Option<&str>,
    ) -> Result<(), CookieError> {
        let refresh = refresh.map(|r| {
            if self.refresh_encrypted {
                self.refresh_crypto.encrypt(r)
            } else {
                r.to_string()
            }
        });
        let too_large = |name: &str, v: &str| {
            chunked::split(name, v)
                .is_none()
                .then(|| CookieError::TooLarge {
                    cookie: name.to_string(),
                    len: v.len(),
                })
        };
        let [access_name, id_name, refresh_name] = TokenCookie::ALL.map(|k| self.names(k).0);
        let checks = [
            (access_name, Some(access)),
            (id_name, id),
            (refresh_name, refresh.as_deref()),
        ];
        if let Some(e) = checks
            .iter()
            .find_map(|(n, v)| v.and_then(|v| too_large(n, v)))
        {
            tracing::error!(error = %e, "tokens too large for cookies; none stored");
            return Err(e);
        }
        self.write(jar, access_name, access, self.token_age)?;
        match id {
            Some(id) => self.write(jar, id_name, id, self.token_age)?,
            None => self.clear(jar, id_name),
        }
        if let Some(r) = &refresh {
            self.write(jar, refresh_name, r, self.refresh_age)?;
        }
        // A session migrated from the legacy names now lives under the new ones only.
        for kind in TokenCookie::ALL {
            if let (_, Some(legacy)) = self.names(kind) {
                if kind != TokenCookie::Refresh || refresh.is_some() {
                    self.clear_if_present(jar, legacy);
                }
            }
        }
        Ok(())
    }

    /// Whether the request carries any token cookie (access, ID or refresh): such a request is
    /// authenticated by cookies, so unsafe methods must pass the CSRF check.
    pub fn has_token_cookie(&self, jar: &Cookies) -> bool {
        self.all_names().any(|n| jar.get(n).is_some())
    }

    /// Whether a token cookie name (or one of its chunks), or the timestamps cookie, appears
    /// more than once in the request's `Cookie` headers, under any spelling the cookie jar
    /// conflates (names are compared percent-decoded). One linear pass; nothing is allocated
    /// unless a name is percent-encoded.
    pub fn is_ambiguous(&self, headers: &http::HeaderMap) -> bool {
        request::RequestCookies::scan(self.all_names(), self.naming.session(), headers)
            .is_ambiguous()
    }

    /// What the layer needs of the request's auth cookies, read from its headers in one pass
    /// (before anything is written in this request): the full scan stays on the stack.
    pub(crate) fn scan<'h>(&self, headers: &'h http::HeaderMap) -> request::Scanned<'h> {
        let scan = request::RequestCookies::scan(self.all_names(), self.naming.session(), headers);
        let token = |kind| self.under_names(kind, |n| scan.value(n));
        request::Scanned {
            ambiguous: scan.is_ambiguous(),
            any_token: scan.has_token_cookie(),
            access: token(TokenCookie::Access),
            id: token(TokenCookie::Id),
        }
    }

    /// Stores the session's timestamps (encrypted; see [`session_stamp`]).
    ///
    /// ```
    /// # use leptos_cognito::{config::CognitoConfig, cookies::{CookieCodec, SessionStamp}};
    /// # let config = CognitoConfig::builder().region("eu-west-1").user_pool_id("eu-west-1_x")
    /// #   .client_id("abc").domain("https://d.example").redirect_url("https://a.example/auth/callback")
    /// #   .logout_url("https://a.example/").secret_key("0123456789abcdef0123456789abcdef").build().unwrap();
    /// let codec = CookieCodec::new(&config);
    /// let jar = tower_cookies::Cookies::default();
    /// codec.write_stamp(&jar, &SessionStamp::new("sub-1", 1_000));
    /// assert_ne!(jar.get("cognito_session").unwrap().value(), "", "encrypted");
    /// assert_eq!(codec.read_stamp(&jar).unwrap().signed_in_at, 1_000);
    /// ```
    pub fn write_stamp(&self, jar: &Cookies, stamp: &SessionStamp) {
        let value = serde_json::to_string(stamp).unwrap_or_default();
        let age = self.refresh_age.max(self.token_age);
        let cookie = self.build(
            self.naming.session().to_string(),
            value,
            age,
            self.same_site,
        );
        jar.private(&self.stamp_key).add(cookie);
    }

    /// The session's timestamps, if the cookie is present and authentic.
    pub fn read_stamp(&self, jar: &Cookies) -> Option<SessionStamp> {
        let c = jar.private(&self.stamp_key).get(self.naming.session())?;
        serde_json::from_str(c.value()).ok()
    }

    /// Deletes every auth cookie (tokens, chunks, timestamps and pending logins).
    pub fn clear_all(&self, jar: &Cookies) {
        if jar.get(self.naming.session()).is_some() {
            jar.add(self.removal(self.naming.session().to_string(), self.same_site));
        }
        for kind in TokenCookie::ALL {
            let (name, legacy) = self.names(kind);
            self.clear(jar, name);
            if let Some(l) = legacy {
                self.clear_if_present(jar, l);
            }
        }
        self.clear_login_states(jar);
    }

    /// Stores a pending login, dropping the oldest ones beyond
    /// [`login_state::MAX_PENDING_LOGINS`].
    pub fn write_login_state(&self, jar: &Cookies, state: &LoginState) {
        let mut pending: Vec<(String, i64)> = self
            .login_cookie_names(jar)
            .into_iter()
            .map(|n| {
                let t = self
                    .read_login_cookie(jar, &n)
                    .map_or(i64::MIN, |s| s.created_at);
                (n, t)
            })
            .collect();
        pending.sort_by_key(|(_, t)| *t);
        let mut cleared = 0;
        while pending.len() >= login_state::MAX_PENDING_LOGINS && cleared < MAX_LOGIN_STATE_CLEARS {
            let (n, _) = pending.remove(0);
            jar.add(self.removal(n, CSameSite::Lax));
            cleared += 1;
        }
        let value = serde_json::to_string(state).unwrap_or_default();
        let cookie = self.build(
            login_state::cookie_name(&state.state),
            value,
            CookieDuration::seconds(login_state::LOGIN_STATE_TTL_SECS),
            CSameSite::Lax,
        );
        jar.private(&self.login_key).add(cookie);
    }

    fn read_login_cookie(&self, jar: &Cookies, name: &str) -> Option<LoginState> {
        let c = jar.private(&self.login_key).get(name)?;
        serde_json::from_str(c.value()).ok()
    }

    /// Names of the login-state cookies present (at most a few are looked at).
    fn login_cookie_names(&self, jar: &Cookies) -> Vec<String> {
        jar.list()
            .into_iter()
            .map(|c| c.name().to_string())
            .filter(|n| n.starts_with(login_state::LOGIN_COOKIE_PREFIX))
            .take(MAX_LOGIN_STATES_SCANNED)
            .collect()
    }

    /// The pending login for `state`, if its cookie is present, authentic and not expired.
    pub fn read_login_state(&self, jar: &Cookies, state: &str, now: i64) -> Option<LoginState> {
        let s = self.read_login_cookie(jar, &login_state::cookie_name(state))?;
        let age = now - s.created_at;
        (0..=login_state::LOGIN_STATE_TTL_SECS)
            .contains(&age)
            .then_some(s)
    }

    /// Whether any login-state cookie is present.
    pub fn has_login_state(&self, jar: &Cookies) -> bool {
        !self.login_cookie_names(jar).is_empty()
    }

    /// Deletes the login-state cookie of `state`.
    pub fn clear_login_state(&self, jar: &Cookies, state: &str) {
        let name = login_state::cookie_name(state);
        if jar.get(&name).is_some() {
            jar.add(self.removal(name, CSameSite::Lax));
        }
    }

    /// Deletes pending logins (at most [`MAX_LOGIN_STATE_CLEARS`] per response: the rest
    /// expire on their own within ten minutes).
    pub fn clear_login_states(&self, jar: &Cookies) {
        for n in self
            .login_cookie_names(jar)
            .into_iter()
            .take(MAX_LOGIN_STATE_CLEARS)
        {
            jar.add(self.removal(n, CSameSite::Lax));
        }
    }
}
