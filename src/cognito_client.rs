//! Calls to Cognito's OAuth endpoints: code exchange, refresh, revoke.
//!
//! 1. Form-encoded bodies; HTTP Basic client authentication only for confidential clients;
//!    public clients send `client_id` in the body (token **and** revoke: flask-cognito-lib
//!    forgets it at revoke).
//! 2. The status is checked: 2xx with a JSON token response is success; a JSON `error` is an
//!    [`IdpError::OAuth`]; 5xx, non-JSON or oversized bodies are [`IdpError::BadResponse`];
//!    timeouts and refused connections are told apart.
//! 3. Tokens never appear in `Debug` output or errors.

use std::fmt;

use base64::{engine::general_purpose::STANDARD, Engine};
use http::StatusCode;
use serde::Deserialize;

use crate::{
    config::{CognitoConfig, Secret},
    http_client::{read_capped, HttpError},
};

const MAX_TOKEN_RESPONSE_BYTES: usize = 256 * 1024;

/// The token endpoint's answer.
#[derive(Clone, Deserialize)]
pub struct TokenResponse {
    /// The access token (JWT).
    pub access_token: String,
    /// The ID token (JWT), when the `openid` scope was granted.
    #[serde(default)]
    pub id_token: Option<String>,
    /// The refresh token (code grant; refresh grant only with rotation).
    #[serde(default)]
    pub refresh_token: Option<String>,
    /// Lifetime of the access token in seconds.
    #[serde(default)]
    pub expires_in: Option<i64>,
}

impl fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenResponse")
            .field("access_token", &"***")
            .field("id_token", &self.id_token.as_ref().map(|_| "***"))
            .field("refresh_token", &self.refresh_token.as_ref().map(|_| "***"))
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

/// A failed call to the IdP.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum IdpError {
    /// The IdP answered with an OAuth error (`invalid_grant`, `invalid_client`, …).
    #[error("the identity provider answered {error}")]
    OAuth {
        /// The OAuth `error` code.
        error: String,
        /// `error_description`, if any (shown escaped, never trusted).
        description: Option<String>,
    },
    /// The IdP answered, but not with a usable response (5xx, not JSON, too large).
    #[error("the identity provider sent an unusable response ({0})")]
    BadResponse(String),
    /// The IdP did not answer in time.
    #[error("the identity provider did not answer in time")]
    Timeout,
    /// The IdP could not be reached.
    #[error("the identity provider is unreachable")]
    Unreachable,
}

impl IdpError {
    /// `invalid_grant`: the code or refresh token is used, expired or revoked.
    pub fn is_invalid_grant(&self) -> bool {
        matches!(self, IdpError::OAuth { error, .. } if error == "invalid_grant")
    }

    /// An OAuth error that points at our configuration (app client id or secret, allowed
    /// flows or scopes) rather than at the user's grant: never a reason to sign anyone out.
    pub fn is_configuration_problem(&self) -> bool {
        matches!(self, IdpError::OAuth { error, .. } if matches!(error.as_str(),
            "invalid_client" | "unauthorized_client" | "unsupported_grant_type" | "invalid_scope"))
    }

    /// Whether the IdP is down or slow (rather than refusing).
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            IdpError::Timeout | IdpError::Unreachable | IdpError::BadResponse(_)
        )
    }

    /// The HTTP status our response should carry.
    pub fn status(&self) -> StatusCode {
        match self {
            IdpError::OAuth { error, .. }
                if error == "invalid_client" || error == "unauthorized_client" =>
            {
                StatusCode::BAD_GATEWAY
            }
            IdpError::OAuth { .. } => StatusCode::BAD_REQUEST,
            IdpError::BadResponse(_) | IdpError::Unreachable => StatusCode::BAD_GATEWAY,
            IdpError::Timeout => StatusCode::GATEWAY_TIMEOUT,
        }
    }
}

impl From<HttpError> for IdpError {
    fn from(e: HttpError) -> Self {
        match e {
            HttpError::Timeout => IdpError::Timeout,
            HttpError::Unreachable => IdpError::Unreachable,
            HttpError::TooLarge => IdpError::BadResponse("body too large".into()),
            HttpError::Other => IdpError::BadResponse("transport error".into()),
        }
    }
}

#[derive(Deserialize)]
struct OAuthErrorBody {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

/// Client of the Cognito OAuth endpoints for one app client.
#[derive(Debug, Clone)]
pub struct CognitoClient {
    http: reqwest::Client,
    token_url: url::Url,
    revoke_url: url::Url,
    client_id: String,
    basic_auth: Option<Secret>,
    redirect_uri: String,
}

impl CognitoClient {
    /// A client for the endpoints and credentials of `config`.
    pub fn new(config: &CognitoConfig, http: reqwest::Client) -> Self {
        let basic_auth = config.client_secret().map(|s| {
            // RFC 6749 §2.3.1: form-urlencode id and secret before Basic encoding.
            let enc = |v: &str| form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>();
            let pair = format!("{}:{}", enc(config.client_id()), enc(s.expose()));
            Secret::new(format!("Basic {}", STANDARD.encode(pair)))
        });
        Self {
            http,
            token_url: config.token_endpoint(),
            revoke_url: config.revoke_endpoint(),
            client_id: config.client_id().to_string(),
            basic_auth,
            redirect_uri: config.redirect_url().to_string(),
        }
    }

    /// POSTs a form (with client authentication) and returns the successful body, or the
    /// classified error.
    async fn post_form(&self, url: &url::Url, form: &[(&str, &str)]) -> Result<Vec<u8>, IdpError> {
        let mut req = self
            .http
            .post(url.clone())
            .header(http::header::ACCEPT, "application/json")
            .form(form);
        if let Some(auth) = &self.basic_auth {
            req = req.header(http::header::AUTHORIZATION, auth.expose());
        }
        let response = req.send().await.map_err(HttpError::from)?;
        let status = response.status();
        let body = read_capped(response, MAX_TOKEN_RESPONSE_BYTES).await?;
        if status.is_success() {
            Ok(body)
        } else {
            Err(error_from(status, &body))
        }
    }

    /// Exchanges an authorization code (with its PKCE verifier) for tokens.
    ///
    /// # Errors
    /// See [`IdpError`].
    pub async fn exchange_code(
        &self,
        code: &str,
        code_verifier: &str,
    ) -> Result<TokenResponse, IdpError> {
        let form = [
            ("grant_type", "authorization_code"),
            ("client_id", self.client_id.as_str()),
            ("redirect_uri", self.redirect_uri.as_str()),
            ("code", code),
            ("code_verifier", code_verifier),
        ];
        self.token_call(&form).await
    }

    /// Exchanges a refresh token for new tokens.
    ///
    /// # Errors
    /// See [`IdpError`].
    pub async fn refresh(&self, refresh_token: &str) -> Result<TokenResponse, IdpError> {
        let form = [
            ("grant_type", "refresh_token"),
            ("client_id", self.client_id.as_str()),
            ("refresh_token", refresh_token),
        ];
        self.token_call(&form).await
    }

    async fn token_call(&self, form: &[(&str, &str)]) -> Result<TokenResponse, IdpError> {
        let body = self.post_form(&self.token_url, form).await?;
        let tokens: TokenResponse = serde_json::from_slice(&body)
            .map_err(|_| IdpError::BadResponse("token response is not the expected JSON".into()))?;
        if tokens.access_token.is_empty() {
            return Err(IdpError::BadResponse("empty access token".into()));
        }
        Ok(tokens)
    }

    /// Revokes a refresh token (RFC 7009). Cognito answers 200 for unknown tokens too.
    ///
    /// # Errors
    /// See [`IdpError`].
    pub async fn revoke(&self, refresh_token: &str) -> Result<(), IdpError> {
        let form = [
            ("token", refresh_token),
            ("client_id", self.client_id.as_str()),
        ];
        // Confidential clients authenticate with Basic; `client_id` in the body is harmless
        // for them and required for public clients.
        self.post_form(&self.revoke_url, &form).await.map(|_| ())
    }
}

fn error_from(status: StatusCode, body: &[u8]) -> IdpError {
    if status.is_client_error() {
        if let Ok(e) = serde_json::from_slice::<OAuthErrorBody>(body) {
            return IdpError::OAuth {
                error: e.error.chars().take(64).collect(),
                description: e.error_description.map(|d| d.chars().take(300).collect()),
            };
        }
    }
    IdpError::BadResponse(format!("HTTP status {}", status.as_u16()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_map_to_statuses() {
        let e = error_from(StatusCode::BAD_REQUEST, br#"{"error":"invalid_grant"}"#);
        assert!(e.is_invalid_grant());
        assert_eq!(e.status(), StatusCode::BAD_REQUEST);
        let e = error_from(StatusCode::UNAUTHORIZED, br#"{"error":"invalid_client"}"#);
        assert_eq!(e.status(), StatusCode::BAD_GATEWAY);
        let e = error_from(StatusCode::SERVICE_UNAVAILABLE, b"<html>down</html>");
        assert!(e.is_unavailable());
        assert_eq!(e.status(), StatusCode::BAD_GATEWAY);
        assert_eq!(IdpError::Timeout.status(), StatusCode::GATEWAY_TIMEOUT);
        let e = error_from(StatusCode::BAD_REQUEST, b"not json");
        assert!(matches!(e, IdpError::BadResponse(_)));
    }

    #[test]
    fn debug_hides_tokens() {
        let t = TokenResponse {
            access_token: "secret-access".into(),
            id_token: Some("secret-id".into()),
            refresh_token: Some("secret-refresh".into()),
            expires_in: Some(3600),
        };
        let s = format!("{t:?}");
        assert!(!s.contains("secret"));
    }

    #[test]
    fn debug_never_shows_the_client_secret() {
        let config = CognitoConfig::builder()
            .region("eu-west-1")
            .user_pool_id("eu-west-1_AbC123")
            .client_id("client-id")
            .client_secret("very-secret-client-secret")
            .domain("https://auth.example.com")
            .redirect_url("https://app.example.com/auth/callback")
            .logout_url("https://app.example.com/")
            .secret_key("0123456789abcdef0123456789abcdef")
            .build()
            .unwrap();
        let client = CognitoClient::new(&config, reqwest::Client::new());
        let debug = format!("{client:?}");
        let basic = STANDARD.encode("client-id:very-secret-client-secret");
        assert!(!debug.contains("very-secret-client-secret"), "{debug}");
        assert!(!debug.contains(&basic), "{debug}");
    }
}
