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
//!
//! # Example
//! ```
//! # use leptos_cognito::{config::CognitoConfig, cookies::{CookieCodec, ACCESS_COOKIE}};
//! # let config = CognitoConfig::builder().region("eu-west-1").user_pool_id("eu-west-1_x")
//! #   .client_id("abc").domain("https://d.example").redirect_url("https://a.example/auth/callback")
//! #   .logout_url("https://a.example/").secret_key("0123456789abcdef0123456789abcdef").build().unwrap();
//! let codec = CookieCodec::new(&config);
//! let jar = tower_cookies::Cookies::default();
//! codec.write(&jar, ACCESS_COOKIE, "header.payload.signature", codec.token_age());
//! assert_eq!(codec.read(&jar, ACCESS_COOKIE).as_deref(), Some("header.payload.signature"));
//! ```

pub mod chunked;
pub mod login_state;
mod refresh_crypto;

use cookie::{time::Duration as CookieDuration, Cookie, Key, SameSite as CSameSite};
use hkdf::Hkdf;
use sha2::Sha256;
use tower_cookies::Cookies;

pub use self::{login_state::LoginState, refresh_crypto::RefreshCrypto};
use crate::config::{CognitoConfig, SameSite};

/// Name of the access-token cookie.
pub const ACCESS_COOKIE: &str = "cognito_access_token";
/// Name of the ID-token cookie.
pub const ID_COOKIE: &str = "cognito_id_token";
/// Name of the refresh-token cookie.
pub const REFRESH_COOKIE: &str = "cognito_refresh_token";

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
    secure: bool,
    same_site: CSameSite,
    domain: Option<String>,
    token_age: CookieDuration,
    refresh_age: CookieDuration,
    refresh_encrypted: bool,
    refresh_crypto: RefreshCrypto,
    login_key: Key,
}

impl std::fmt::Debug for CookieCodec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CookieCodec")
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
        Self {
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

    /// Reads a (possibly chunked) cookie value.
    pub fn read(&self, jar: &Cookies, name: &str) -> Option<String> {
        chunked::join(name, |n| jar.get(n).map(|c| c.value().to_string()))
    }

    /// Writes a value, chunked if needed, and deletes chunks left from a larger earlier value.
    /// Returns `false` (and writes nothing) if the value is too large even for chunks.
    pub fn write(&self, jar: &Cookies, name: &str, value: &str, max_age: CookieDuration) -> bool {
        let Some(parts) = chunked::split(name, value) else {
            tracing::error!(
                cookie = name,
                len = value.len(),
                "value too large for cookies; not stored"
            );
            return false;
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
        true
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

    /// The tokens stored in the request's cookies. Unreadable values are absent.
    pub fn read_tokens(&self, jar: &Cookies) -> StoredTokens {
        StoredTokens {
            access: self.read(jar, ACCESS_COOKIE),
            id: self.read(jar, ID_COOKIE),
            refresh: self.read_refresh(jar),
        }
    }

    /// The refresh token, decrypted when encryption is on.
    pub fn read_refresh(&self, jar: &Cookies) -> Option<String> {
        let raw = self.read(jar, REFRESH_COOKIE)?;
        if self.refresh_encrypted {
            self.refresh_crypto.decrypt(&raw)
        } else {
            Some(raw)
        }
    }

    /// Stores the access and ID tokens (and the refresh token when given).
    pub fn write_tokens(
        &self,
        jar: &Cookies,
        access: &str,
        id: Option<&str>,
        refresh: Option<&str>,
    ) {
        self.write(jar, ACCESS_COOKIE, access, self.token_age);
        match id {
            Some(id) => {
                self.write(jar, ID_COOKIE, id, self.token_age);
            }
            None => self.clear(jar, ID_COOKIE),
        }
        if let Some(r) = refresh {
            let value = if self.refresh_encrypted {
                self.refresh_crypto.encrypt(r)
            } else {
                r.to_string()
            };
            self.write(jar, REFRESH_COOKIE, &value, self.refresh_age);
        }
    }

    /// Deletes every auth cookie (tokens, chunks and pending logins).
    pub fn clear_all(&self, jar: &Cookies) {
        for name in [ACCESS_COOKIE, ID_COOKIE, REFRESH_COOKIE] {
            self.clear(jar, name);
        }
        self.clear_login_states(jar, None);
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
        while pending.len() >= login_state::MAX_PENDING_LOGINS {
            let (n, _) = pending.remove(0);
            jar.add(self.removal(n, CSameSite::Lax));
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

    fn login_cookie_names(&self, jar: &Cookies) -> Vec<String> {
        jar.list()
            .into_iter()
            .map(|c| c.name().to_string())
            .filter(|n| n.starts_with(login_state::LOGIN_COOKIE_PREFIX))
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

    /// Deletes the login-state cookie of `state`, or all of them when `None`.
    pub fn clear_login_states(&self, jar: &Cookies, state: Option<&str>) {
        let names = match state {
            Some(s) => vec![login_state::cookie_name(s)],
            None => self.login_cookie_names(jar),
        };
        for n in names {
            jar.add(self.removal(n, CSameSite::Lax));
        }
    }
}
