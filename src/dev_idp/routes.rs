//! HTTP endpoints of the dev IdP, shaped like Cognito's hosted UI.
// Handlers of the test IdP return `Result<_, Response>` for early exits (axum idiom).
#![allow(clippy::result_large_err)]

use std::{collections::HashMap, sync::atomic::Ordering, sync::Arc};

use axum::{
    body::Bytes,
    extract::{Path, RawQuery, State as AxState},
    response::{Html, IntoResponse, Redirect, Response},
    routing::{get, post},
    Json, Router,
};
use base64::{
    engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD},
    Engine,
};
use http::{header, HeaderMap, StatusCode};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::{
    lock, page, read, CodeGrant, DevUser, Failure, IdpSession, RefreshGrant, State, TokenKind,
};

type S = Arc<State>;

const CODE_TTL: i64 = 300;
/// The dev IdP's sign-in session cookie (with `DevIdpOptions::sso_sessions`).
const SESSION_COOKIE: &str = "dev_idp_session";
/// Most sign-in sessions the dev IdP keeps.
const MAX_IDP_SESSIONS: usize = 10_000;
const ALLOWED_SCOPES: &[&str] = &[
    "openid",
    "email",
    "phone",
    "profile",
    "aws.cognito.signin.user.admin",
];
const DEFAULT_SCOPE: &str = "openid email phone profile aws.cognito.signin.user.admin";

pub(super) fn router(state: S) -> Router {
    let clock = state.clock.clone();
    Router::new()
        .route("/oauth2/authorize", get(authorize))
        .route("/login", post(login))
        .route("/oauth2/token", post(token))
        .route("/oauth2/revoke", post(revoke))
        .route("/oauth2/userInfo", get(user_info).post(user_info))
        .route("/logout", get(logout))
        .route("/{pool}/.well-known/jwks.json", get(jwks))
        .route("/{pool}/.well-known/openid-configuration", get(discovery))
        .with_state(state)
        // `Date` on the IdP's (injectable) clock, as a real IdP's clock would show.
        .layer(axum::middleware::map_response(move |mut res: Response| {
            let clock = clock.clone();
            async move {
                let t = std::time::UNIX_EPOCH
                    + std::time::Duration::from_secs(clock.now().max(0) as u64);
                if let Ok(v) = httpdate::fmt_http_date(t).parse() {
                    res.headers_mut().insert(http::header::DATE, v);
                }
                res
            }
        }))
}

fn params(query: &str) -> HashMap<String, String> {
    form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

fn random_b64(n: usize) -> String {
    let bytes: Vec<u8> = (0..n).map(|_| rand::random::<u8>()).collect();
    URL_SAFE_NO_PAD.encode(bytes)
}

fn oauth_error(status: StatusCode, error: &str) -> Response {
    (status, Json(json!({ "error": error }))).into_response()
}

fn html(status: StatusCode, body: String) -> Response {
    (status, Html(body)).into_response()
}

/// Validates an authorize request. `Err` is the response to send.
fn check_authorize(state: &State, p: &HashMap<String, String>) -> Result<(), Response> {
    let client_id = p.get("client_id").map(String::as_str).unwrap_or("");
    let Some(client) = state.client(client_id) else {
        return Err(html(
            StatusCode::BAD_REQUEST,
            page::error_page("invalid_request", "Unknown client_id."),
        ));
    };
    let redirect_uri = p.get("redirect_uri").map(String::as_str).unwrap_or("");
    if !client.redirect_uris.iter().any(|u| u == redirect_uri) {
        return Err(html(
            StatusCode::BAD_REQUEST,
            page::error_page(
                "redirect_mismatch",
                "The redirect_uri is not registered for this client.",
            ),
        ));
    }
    let back = |error: &str| Err(error_redirect(p, error));
    if p.get("response_type").map(String::as_str) != Some("code") {
        return back("unsupported_response_type");
    }
    match (
        p.get("code_challenge"),
        p.get("code_challenge_method").map(String::as_str),
    ) {
        (Some(_), Some("S256")) => {}
        (None, None) if client.client_secret.is_some() => {}
        _ => return back("invalid_request"),
    }
    if let Some(scope) = p.get("scope") {
        if scope
            .split_whitespace()
            .any(|s| !ALLOWED_SCOPES.contains(&s))
        {
            return back("invalid_scope");
        }
    }
    if let Some(idp) = p.get("identity_provider") {
        if idp != "COGNITO" && !state.federated.contains(idp) {
            return back("invalid_request");
        }
    }
    if let Some(prompt) = p.get("prompt") {
        if !["login", "none", "select_account", "consent"].contains(&prompt.as_str()) {
            return back("invalid_request");
        }
    }
    Ok(())
}

/// Back to the (checked) `redirect_uri` with an OAuth `error` and the request's `state`.
fn error_redirect(p: &HashMap<String, String>, error: &str) -> Response {
    let redirect_uri = p.get("redirect_uri").map(String::as_str).unwrap_or("");
    let mut url = url::Url::parse(redirect_uri)
        .unwrap_or_else(|_| url::Url::parse("http://invalid/").unwrap());
    url.query_pairs_mut().append_pair("error", error);
    if let Some(s) = p.get("state") {
        url.query_pairs_mut().append_pair("state", s);
    }
    Redirect::to(url.as_str()).into_response()
}

/// The federated provider an authorize request names (not `COGNITO`).
fn federated(p: &HashMap<String, String>) -> Option<&str> {
    p.get("identity_provider")
        .map(String::as_str)
        .filter(|i| *i != "COGNITO")
}

/// The request's dev IdP session id, if its cookie is present.
fn session_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == SESSION_COOKIE)
        .map(|(_, v)| v.to_string())
}

/// Issues a code for `user` and redirects back to the app.
fn code_redirect(
    state: &State,
    p: &HashMap<String, String>,
    user: &DevUser,
    auth_time: i64,
) -> Response {
    let Ok(mut url) = url::Url::parse(&p["redirect_uri"]) else {
        return html(
            StatusCode::BAD_REQUEST,
            page::error_page("invalid_request", "bad redirect_uri"),
        );
    };
    let code = uuid::Uuid::new_v4().to_string();
    lock(&state.codes).insert(
        code.clone(),
        CodeGrant {
            client_id: p["client_id"].clone(),
            redirect_uri: p["redirect_uri"].clone(),
            code_challenge: p.get("code_challenge").cloned(),
            nonce: p.get("nonce").cloned(),
            scope: p
                .get("scope")
                .cloned()
                .unwrap_or_else(|| DEFAULT_SCOPE.into()),
            username: user.username.clone(),
            auth_time,
            expires_at: state.clock.now() + CODE_TTL,
        },
    );
    url.query_pairs_mut().append_pair("code", &code);
    if let Some(s) = p.get("state") {
        url.query_pairs_mut().append_pair("state", s);
    }
    Redirect::to(url.as_str()).into_response()
}

const CARRIED: &[&str] = &[
    "response_type",
    "client_id",
    "redirect_uri",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "scope",
    "identity_provider",
    "prompt",
];

fn hidden(p: &HashMap<String, String>) -> Vec<(&'static str, &str)> {
    CARRIED
        .iter()
        .filter_map(|k| p.get(*k).map(|v| (*k, v.as_str())))
        .collect()
}

async fn authorize(
    AxState(state): AxState<S>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let p = params(q.as_deref().unwrap_or(""));
    if let Err(r) = check_authorize(&state, &p) {
        return r;
    }
    let prompt = p.get("prompt").map(String::as_str);
    // An IdP session signs in without the form, unless `prompt=login` asks for credentials,
    // another provider is asked for, or the hint names someone else.
    if state.sso_sessions && prompt != Some("login") {
        let provider = federated(&p);
        let hint = p.get("login_hint").filter(|h| !h.is_empty());
        let known = session_id(&headers).and_then(|id| {
            lock(&state.sessions)
                .get(&id)
                .filter(|s| s.provider.as_deref() == provider)
                .filter(|s| hint.is_none_or(|h| *h == s.username))
                .map(|s| (s.username.clone(), s.auth_time))
        });
        if let Some((user, auth_time)) = known.and_then(|(name, t)| Some((state.user(&name)?, t))) {
            return code_redirect(&state, &p, &user, auth_time);
        }
    }
    if prompt == Some("none") {
        return error_redirect(&p, "login_required");
    }
    let hint = p.get("login_hint").map(String::as_str).unwrap_or("");
    html(
        StatusCode::OK,
        page::login_form(&hidden(&p), None, hint, federated(&p)),
    )
}

async fn login(AxState(state): AxState<S>, body: Bytes) -> Response {
    let p: HashMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    if let Err(r) = check_authorize(&state, &p) {
        return r;
    }
    let username = p.get("username").map(String::as_str).unwrap_or("");
    let password = p.get("password").map(String::as_str).unwrap_or("");
    let Some(user) = state.user(username).filter(|u| u.password == password) else {
        return html(
            StatusCode::UNAUTHORIZED,
            page::login_form(
                &hidden(&p),
                Some("Incorrect username or password."),
                username,
                federated(&p),
            ),
        );
    };
    let now = state.clock.now();
    let mut res = code_redirect(&state, &p, &user, now);
    if state.sso_sessions && res.status().is_redirection() {
        let id = random_b64(24);
        let mut sessions = lock(&state.sessions);
        // A development server: bounded by forgetting everyone at once.
        if sessions.len() >= MAX_IDP_SESSIONS {
            sessions.clear();
        }
        sessions.insert(
            id.clone(),
            IdpSession {
                username: user.username.clone(),
                auth_time: now,
                provider: federated(&p).map(str::to_string),
            },
        );
        drop(sessions);
        if let Ok(v) = format!("{SESSION_COOKIE}={id}; HttpOnly; Path=/; SameSite=Lax").parse() {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

/// Authenticates the client of a token/revoke request: `Ok(client_id)`.
fn client_auth(
    state: &State,
    headers: &HeaderMap,
    p: &HashMap<String, String>,
) -> Result<String, Response> {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| STANDARD.decode(b.trim()).ok())
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| {
            let (id, secret) = s.split_once(':')?;
            let dec = |v: &str| {
                form_urlencoded::parse(format!("x={v}").as_bytes())
                    .next()
                    .map(|(_, v)| v.into_owned())
            };
            Some((dec(id)?, dec(secret)?))
        });
    let (client_id, secret) = match basic {
        Some((id, secret)) => (id, Some(secret)),
        None => match p.get("client_id") {
            Some(id) => (id.clone(), p.get("client_secret").cloned()),
            None => return Err(oauth_error(StatusCode::BAD_REQUEST, "invalid_request")),
        },
    };
    if p.get("client_id").is_some_and(|id| id != &client_id) {
        return Err(oauth_error(StatusCode::BAD_REQUEST, "invalid_request"));
    }
    let Some(client) = state.client(&client_id) else {
        return Err(oauth_error(StatusCode::BAD_REQUEST, "invalid_client"));
    };
    match (&client.client_secret, secret) {
        (Some(expected), Some(given)) if *expected == given => Ok(client_id),
        (None, None) => Ok(client_id),
        _ => Err(oauth_error(StatusCode::BAD_REQUEST, "invalid_client")),
    }
}

async fn apply_failure(state: &State) -> Option<Response> {
    let failure = {
        let mut f = lock(&state.token_failure);
        match f.clone() {
            Some((fail, sticky)) => {
                if !sticky {
                    *f = None;
                }
                Some(fail)
            }
            None => None,
        }
    };
    match failure? {
        Failure::Status(code) => Some(
            (
                StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                "upstream failure",
            )
                .into_response(),
        ),
        Failure::NonJson => Some((StatusCode::OK, "<html>not json</html>").into_response()),
        Failure::OAuth(e) => Some(oauth_error(StatusCode::BAD_REQUEST, &e)),
        Failure::Delay(d) => {
            tokio::time::sleep(d).await;
            None
        }
    }
}

async fn token(AxState(state): AxState<S>, headers: HeaderMap, body: Bytes) -> Response {
    let p: HashMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    match p.get("grant_type").map(String::as_str) {
        Some("authorization_code") => state
            .counters
            .code_exchanges
            .fetch_add(1, Ordering::Relaxed),
        Some("refresh_token") => state.counters.refreshes.fetch_add(1, Ordering::Relaxed),
        _ => 0,
    };
    if let Some(r) = apply_failure(&state).await {
        return r;
    }
    let client_id = match client_auth(&state, &headers, &p) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let now = state.clock.now();
    match p.get("grant_type").map(String::as_str) {
        Some("authorization_code") => {
            let code = p.get("code").cloned().unwrap_or_default();
            // Single use: removed whatever happens next.
            let Some(grant) = lock(&state.codes).remove(&code) else {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
            };
            if grant.expires_at < now
                || grant.client_id != client_id
                || p.get("redirect_uri") != Some(&grant.redirect_uri)
            {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
            }
            if let Some(challenge) = &grant.code_challenge {
                let verifier = p.get("code_verifier").map(String::as_str).unwrap_or("");
                // RFC 7636 asks for 43..=128 characters; Cognito also accepts the 34–43
                // character verifiers flask-cognito-lib makes, so this stand-in accepts 32+.
                let ok_shape = (32..=128).contains(&verifier.len())
                    && verifier
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c));
                if !ok_shape
                    || URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) != *challenge
                {
                    return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
                }
            }
            let Some(user) = state.user(&grant.username) else {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
            };
            let origin_jti = uuid::Uuid::new_v4().to_string();
            let refresh = new_refresh_token(
                &state,
                &client_id,
                &user,
                &grant.scope,
                &origin_jti,
                grant.auth_time,
                now,
            );
            // `auth_time` is when the user typed the credentials (at the form, or the IdP
            // session's sign-in), not when the code was exchanged.
            issue_with_auth_time(
                &state,
                &client_id,
                &user,
                &grant.scope,
                grant.nonce.as_deref(),
                &origin_jti,
                now,
                grant.auth_time,
                Some(refresh),
            )
        }
        Some("refresh_token") => {
            let rt = p.get("refresh_token").cloned().unwrap_or_default();
            let (username, scope, origin_jti, auth_time) = {
                let mut store = lock(&state.refresh_tokens);
                let Some(g) = store.get_mut(&rt) else {
                    return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
                };
                if g.revoked || g.expires_at < now || g.client_id != client_id {
                    return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
                }
                if state.rotate_refresh.load(Ordering::Relaxed) {
                    g.revoked = true;
                }
                (
                    g.username.clone(),
                    g.scope.clone(),
                    g.origin_jti.clone(),
                    g.auth_time,
                )
            };
            let Some(user) = state.user(&username) else {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
            };
            let rotated = state.rotate_refresh.load(Ordering::Relaxed).then(|| {
                new_refresh_token(
                    &state,
                    &client_id,
                    &user,
                    &scope,
                    &origin_jti,
                    auth_time,
                    now,
                )
            });
            issue_with_auth_time(
                &state,
                &client_id,
                &user,
                &scope,
                None,
                &origin_jti,
                now,
                auth_time,
                rotated,
            )
        }
        _ => oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type"),
    }
}

fn new_refresh_token(
    state: &State,
    client_id: &str,
    user: &DevUser,
    scope: &str,
    origin_jti: &str,
    auth_time: i64,
    now: i64,
) -> String {
    // Shaped and sized like Cognito's (a JWE, ~1.7 KB), opaque to clients.
    let token = format!(
        "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ.{}.{}.{}.{}",
        random_b64(256),
        random_b64(12),
        random_b64(1000),
        random_b64(16)
    );
    lock(&state.refresh_tokens).insert(
        token.clone(),
        RefreshGrant {
            client_id: client_id.to_string(),
            username: user.username.clone(),
            scope: scope.to_string(),
            origin_jti: origin_jti.to_string(),
            auth_time,
            expires_at: now + state.refresh_ttl.load(Ordering::Relaxed) as i64,
            revoked: false,
        },
    );
    token
}

#[allow(clippy::too_many_arguments)]
fn issue_with_auth_time(
    state: &State,
    client_id: &str,
    user: &DevUser,
    scope: &str,
    nonce: Option<&str>,
    origin_jti: &str,
    now: i64,
    auth_time: i64,
    refresh: Option<String>,
) -> Response {
    let mutator = lock(&state.mutator).clone();
    let sign = |kind: TokenKind, at_hash: Option<&str>| {
        let (mut h, mut c) = token_parts(
            state, kind, user, client_id, scope, nonce, origin_jti, now, at_hash,
        );
        c["auth_time"] = json!(auth_time);
        if let Some(m) = &mutator {
            m(kind, &mut h, &mut c);
        }
        let key = match kind {
            TokenKind::Access => read(&state.access_key).clone(),
            TokenKind::Id => read(&state.id_key).clone(),
        };
        key.sign_jwt(&h, &c)
    };
    let access = sign(TokenKind::Access, None);
    let digest = Sha256::digest(access.as_bytes());
    let at_hash = URL_SAFE_NO_PAD.encode(&digest[..16]);
    let mut body = json!({
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": state.access_ttl.load(Ordering::Relaxed),
    });
    if scope.split_whitespace().any(|s| s == "openid") {
        body["id_token"] = json!(sign(TokenKind::Id, Some(&at_hash)));
    }
    if let Some(r) = refresh {
        body["refresh_token"] = json!(r);
    }
    let mut res = Json(body).into_response();
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        http::HeaderValue::from_static("no-store"),
    );
    res
}

/// Header and claims of a Cognito-shaped token.
#[allow(clippy::too_many_arguments)]
pub(super) fn token_parts(
    state: &State,
    kind: TokenKind,
    user: &DevUser,
    client_id: &str,
    scope: &str,
    nonce: Option<&str>,
    origin_jti: &str,
    now: i64,
    at_hash: Option<&str>,
) -> (Value, Value) {
    let key = match kind {
        TokenKind::Access => read(&state.access_key).clone(),
        TokenKind::Id => read(&state.id_key).clone(),
    };
    let header = json!({ "kid": key.kid, "alg": "RS256" });
    let mut c = match kind {
        TokenKind::Access => json!({
            "sub": user.sub,
            "iss": state.issuer(),
            "version": 2,
            "client_id": client_id,
            "origin_jti": origin_jti,
            "event_id": uuid::Uuid::new_v4().to_string(),
            "token_use": "access",
            "scope": scope,
            "auth_time": now,
            "exp": now + state.access_ttl.load(Ordering::Relaxed) as i64,
            "iat": now,
            "jti": uuid::Uuid::new_v4().to_string(),
            "username": user.username,
        }),
        TokenKind::Id => {
            let mut c = json!({
                "sub": user.sub,
                "email_verified": true,
                "iss": state.issuer(),
                "cognito:username": user.username,
                "origin_jti": origin_jti,
                "aud": client_id,
                "event_id": uuid::Uuid::new_v4().to_string(),
                "token_use": "id",
                "auth_time": now,
                "exp": now + state.id_ttl.load(Ordering::Relaxed) as i64,
                "iat": now,
                "jti": uuid::Uuid::new_v4().to_string(),
                "email": user.email,
            });
            if let Some(n) = nonce {
                c["nonce"] = json!(n);
            }
            if let Some(h) = at_hash {
                c["at_hash"] = json!(h);
            }
            for (k, v) in &user.attributes {
                c[format!("custom:{k}")] = json!(v);
            }
            c
        }
    };
    if !user.groups.is_empty() {
        c["cognito:groups"] = json!(user.groups);
    }
    (header, c)
}

async fn revoke(AxState(state): AxState<S>, headers: HeaderMap, body: Bytes) -> Response {
    state.counters.revocations.fetch_add(1, Ordering::Relaxed);
    let p: HashMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let client_id = match client_auth(&state, &headers, &p) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Some(token) = p.get("token") else {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_request");
    };
    let mut store = lock(&state.refresh_tokens);
    if let Some(origin) = store
        .get(token)
        .filter(|g| g.client_id == client_id)
        .map(|g| g.origin_jti.clone())
    {
        for g in store.values_mut().filter(|g| g.origin_jti == origin) {
            g.revoked = true;
        }
    }
    StatusCode::OK.into_response()
}

async fn user_info(AxState(state): AxState<S>, headers: HeaderMap) -> Response {
    state.counters.user_info.fetch_add(1, Ordering::Relaxed);
    let unauthorized = || {
        (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, r#"Bearer error="invalid_token""#)],
        )
            .into_response()
    };
    let Some(token) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return unauthorized();
    };
    // Our own tokens: check the signature by re-signing the input with the current key.
    let key = read(&state.access_key).clone();
    let Some((input, _)) = token.rsplit_once('.') else {
        return unauthorized();
    };
    if key.sign_compact(input) != token {
        return unauthorized();
    }
    let Some(claims) = input
        .split('.')
        .nth(1)
        .and_then(|p| URL_SAFE_NO_PAD.decode(p).ok())
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
    else {
        return unauthorized();
    };
    if claims["exp"].as_i64().unwrap_or(0) <= state.clock.now() {
        return unauthorized();
    }
    let Some(user) = claims["username"].as_str().and_then(|u| state.user(u)) else {
        return unauthorized();
    };
    Json(json!({
        "sub": user.sub,
        "email_verified": "true",
        "email": user.email,
        "username": user.username,
    }))
    .into_response()
}

async fn logout(AxState(state): AxState<S>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let p = params(q.as_deref().unwrap_or(""));
    let client = p.get("client_id").and_then(|c| state.client(c));
    match (client, p.get("logout_uri")) {
        (Some(c), Some(uri)) if c.logout_uris.iter().any(|u| u == uri) => {
            // Ends the IdP session, as Cognito's `/logout` does.
            let mut res = Redirect::to(uri).into_response();
            if let Some(id) = session_id(&headers) {
                lock(&state.sessions).remove(&id);
                if let Ok(v) =
                    format!("{SESSION_COOKIE}=; HttpOnly; Path=/; SameSite=Lax; Max-Age=0").parse()
                {
                    res.headers_mut().append(header::SET_COOKIE, v);
                }
            }
            res
        }
        (None, _) => html(
            StatusCode::BAD_REQUEST,
            page::error_page("invalid_request", "Unknown or missing client_id."),
        ),
        _ => html(
            StatusCode::BAD_REQUEST,
            page::error_page(
                "invalid_request",
                "Required String parameter 'redirect_uri' is not present",
            ),
        ),
    }
}

async fn jwks(AxState(state): AxState<S>, Path(pool): Path<String>) -> Response {
    if pool != state.pool_id {
        return StatusCode::NOT_FOUND.into_response();
    }
    state.counters.jwks.fetch_add(1, Ordering::Relaxed);
    if state.jwks_down.load(Ordering::Relaxed) {
        return (StatusCode::SERVICE_UNAVAILABLE, "down").into_response();
    }
    let mut keys = vec![read(&state.id_key).jwk(), read(&state.access_key).jwk()];
    keys.extend(read(&state.retired_keys).iter().map(|k| k.jwk()));
    Json(json!({ "keys": keys })).into_response()
}

async fn discovery(AxState(state): AxState<S>, Path(pool): Path<String>) -> Response {
    if pool != state.pool_id {
        return StatusCode::NOT_FOUND.into_response();
    }
    let base = &state.base_url;
    Json(json!({
        "issuer": state.issuer(),
        "authorization_endpoint": format!("{base}/oauth2/authorize"),
        "token_endpoint": format!("{base}/oauth2/token"),
        "revocation_endpoint": format!("{base}/oauth2/revoke"),
        "userinfo_endpoint": format!("{base}/oauth2/userInfo"),
        "end_session_endpoint": format!("{base}/logout"),
        "jwks_uri": format!("{}/.well-known/jwks.json", state.issuer()),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": ALLOWED_SCOPES,
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
    }))
    .into_response()
}
