//! The configuration doctor (feature `doctor`; the `cognito-doctor` binary): reads the same
//! variables as the app and asks the user pool what it thinks of them, with a fix for each
//! problem. It never prints a secret.
//!
//! Checks, in order: the configuration itself (every rule, `SECRET_KEY` strength and cookie
//! settings included); discovery reachable and naming the configured issuer; the JWKS reachable
//! with signing keys; the clock against the IdP's `Date`; the hosted UI accepting the client id,
//! the redirect URL and the scopes (Cognito's `redirect_mismatch` and unknown-client answers are
//! recognised); the logout URL accepted; the token endpoint accepting the client's credentials.
//!
//! # Example
//! ```no_run
//! # async fn f() {
//! let report = leptos_cognito::doctor::diagnose(&std::env::vars().collect()).await;
//! print!("{report}");
//! std::process::exit(if report.has_failures() { 1 } else { 0 });
//! # }
//! ```

use std::{collections::HashMap, fmt, time::Duration};

use reqwest::{header, Client, StatusCode};
use url::Url;

use crate::{
    clock::Clock,
    config::{vars, CognitoConfig, ConfigError},
    http_client::build_client,
};

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Level {
    /// The check passed.
    Ok,
    /// Works, but is worth changing.
    Warn,
    /// Sign-in will not work (or is unsafe) until fixed.
    Fail,
}

/// One check's result.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Finding {
    /// Which check (`"hosted UI: redirect URL"`, …).
    pub check: &'static str,
    /// How bad.
    pub level: Level,
    /// What was found.
    pub detail: String,
    /// What to do about it.
    pub fix: Option<String>,
}

/// Every finding, in order.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Report {
    /// The findings.
    pub findings: Vec<Finding>,
}

impl Report {
    /// Whether any check failed.
    pub fn has_failures(&self) -> bool {
        self.findings.iter().any(|f| f.level == Level::Fail)
    }

    /// The finding of `check`, if it ran.
    pub fn get(&self, check: &str) -> Option<&Finding> {
        self.findings.iter().find(|f| f.check == check)
    }

    fn push(
        &mut self,
        check: &'static str,
        level: Level,
        detail: impl Into<String>,
        fix: Option<String>,
    ) {
        self.findings.push(Finding {
            check,
            level,
            detail: detail.into(),
            fix,
        });
    }

    fn ok(&mut self, check: &'static str, detail: impl Into<String>) {
        self.push(check, Level::Ok, detail, None);
    }

    fn fail(&mut self, check: &'static str, detail: impl Into<String>, fix: impl Into<String>) {
        self.push(check, Level::Fail, detail, Some(fix.into()));
    }

    fn warn(&mut self, check: &'static str, detail: impl Into<String>, fix: impl Into<String>) {
        self.push(check, Level::Warn, detail, Some(fix.into()));
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for x in &self.findings {
            let mark = match x.level {
                Level::Ok => "ok  ",
                Level::Warn => "WARN",
                Level::Fail => "FAIL",
            };
            writeln!(f, "[{mark}] {}: {}", x.check, x.detail)?;
            if let Some(fix) = &x.fix {
                writeln!(f, "       fix: {fix}")?;
            }
        }
        let fails = self
            .findings
            .iter()
            .filter(|x| x.level == Level::Fail)
            .count();
        let warns = self
            .findings
            .iter()
            .filter(|x| x.level == Level::Warn)
            .count();
        writeln!(f, "{fails} problem(s), {warns} warning(s)")
    }
}

/// Check names (stable: tests and scripts match on them).
pub mod checks {
    /// The configuration rules.
    pub const CONFIG: &str = "configuration";
    /// Discovery document.
    pub const DISCOVERY: &str = "discovery";
    /// JWKS.
    pub const JWKS: &str = "JWKS";
    /// Clock against the IdP.
    pub const CLOCK: &str = "clock";
    /// Hosted UI: client id, redirect URL, scopes.
    pub const HOSTED_UI: &str = "hosted UI";
    /// Logout URL.
    pub const LOGOUT: &str = "logout URL";
    /// Token endpoint client authentication.
    pub const CLIENT_AUTH: &str = "client credentials";
}

/// Runs every check against the variables `vars` (the app's environment).
pub async fn diagnose(vars: &HashMap<String, String>) -> Report {
    diagnose_at(vars, &Clock::system()).await
}

/// [`diagnose`] with the local time read from `clock` (tests move it).
pub async fn diagnose_at(vars: &HashMap<String, String>, clock: &Clock) -> Report {
    let mut r = Report::default();
    let config = match CognitoConfig::builder().with_vars(vars, &[]).build() {
        Ok(c) => {
            r.ok(
                checks::CONFIG,
                "every variable is valid (hardening rules included)",
            );
            c
        }
        Err(e) => {
            report_config(&mut r, &e);
            // Carry on with the network checks if the URLs at least are usable.
            match CognitoConfig::builder()
                .with_vars(vars, &[])
                .dev_mode(true)
                .build()
            {
                Ok(c) => c,
                Err(_) => return r,
            }
        }
    };
    let http = match build_client(Duration::from_secs(3), Duration::from_secs(5)) {
        Ok(c) => c,
        Err(e) => {
            r.fail(
                checks::DISCOVERY,
                format!("cannot build an HTTP client: {e}"),
                "check the TLS setup of this machine",
            );
            return r;
        }
    };
    discovery(&mut r, &http, &config, clock).await;
    jwks(&mut r, &http, &config).await;
    hosted_ui(&mut r, &http, &config).await;
    logout(&mut r, &http, &config).await;
    client_auth(&mut r, &http, &config).await;
    r
}

fn report_config(r: &mut Report, e: &ConfigError) {
    for p in e.problems() {
        let fix = match p.variable {
            vars::SECRET_KEY => format!(
                "set {} to a long random value, e.g. `openssl rand -base64 48` (the same on every replica)",
                vars::SECRET_KEY
            ),
            v => format!("set {v} (see the README's configuration table)"),
        };
        r.fail(
            checks::CONFIG,
            format!("{}: {}", p.variable, p.message),
            fix,
        );
    }
}

fn issuer_url(config: &CognitoConfig) -> Option<Url> {
    Url::parse(&format!(
        "{}/.well-known/openid-configuration",
        config.issuer().trim_end_matches('/')
    ))
    .ok()
}

async fn discovery(r: &mut Report, http: &Client, config: &CognitoConfig, clock: &Clock) {
    let Some(url) = issuer_url(config) else {
        r.fail(
            checks::DISCOVERY,
            "the issuer is not a URL",
            "check AWS_REGION and AWS_COGNITO_USER_POOL_ID (or AWS_COGNITO_ISSUER)",
        );
        return;
    };
    let res = match http.get(url.clone()).send().await {
        Ok(res) => res,
        Err(_) => {
            r.fail(
                checks::DISCOVERY,
                format!("{url} is unreachable"),
                "check the network and AWS_REGION / AWS_COGNITO_USER_POOL_ID (or AWS_COGNITO_ISSUER)",
            );
            return;
        }
    };
    clock_skew(r, res.headers(), config, clock);
    if !res.status().is_success() {
        r.fail(
            checks::DISCOVERY,
            format!("{url} answered HTTP {}", res.status().as_u16()),
            "the user pool id or region is wrong: AWS_COGNITO_USER_POOL_ID must be `{region}_{id}` of an existing pool in AWS_REGION",
        );
        return;
    }
    let doc: serde_json::Value = res.json().await.unwrap_or_default();
    let issuer = doc["issuer"].as_str().unwrap_or("");
    if issuer != config.issuer() {
        r.fail(
            checks::DISCOVERY,
            format!(
                "the pool's issuer is {issuer:?}, the app expects {:?}",
                config.issuer()
            ),
            "remove AWS_COGNITO_ISSUER or set it to the pool's issuer",
        );
        return;
    }
    match doc["jwks_uri"].as_str() {
        Some(j) if j != config.jwks_url().as_str() => r.warn(
            checks::DISCOVERY,
            format!(
                "the pool publishes its keys at {j}, the app reads {}",
                config.jwks_url()
            ),
            "remove AWS_COGNITO_JWKS_URL (or set it to the discovery document's jwks_uri)",
        ),
        _ => r.ok(checks::DISCOVERY, format!("issuer {issuer}")),
    }
}

fn clock_skew(r: &mut Report, headers: &header::HeaderMap, config: &CognitoConfig, clock: &Clock) {
    let Some(date) = headers
        .get(header::DATE)
        .and_then(|d| d.to_str().ok())
        .and_then(|d| httpdate::parse_http_date(d).ok())
    else {
        return;
    };
    let theirs = date
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let skew = clock.now() - theirs;
    let allowed = config.leeway().as_secs() as i64 + 5;
    if skew.abs() > allowed {
        r.warn(
            checks::CLOCK,
            format!(
                "this machine's clock is {skew:+} s off the IdP's (tokens will look {} )",
                if skew > 0 {
                    "expired too early"
                } else {
                    "not yet valid"
                }
            ),
            "synchronise the clock (NTP); AWS_COGNITO_EXPIRATION_LEEWAY only hides small skews",
        );
    } else {
        r.ok(checks::CLOCK, format!("{skew:+} s from the IdP"));
    }
}

async fn jwks(r: &mut Report, http: &Client, config: &CognitoConfig) {
    let url = config.jwks_url().clone();
    let res = match http.get(url.clone()).send().await {
        Ok(res) if res.status().is_success() => res,
        Ok(res) => {
            r.fail(
                checks::JWKS,
                format!("{url} answered HTTP {}", res.status().as_u16()),
                "check AWS_COGNITO_JWKS_URL (default: the issuer's /.well-known/jwks.json)",
            );
            return;
        }
        Err(_) => {
            r.fail(
                checks::JWKS,
                format!("{url} is unreachable"),
                "check the network and AWS_COGNITO_JWKS_URL",
            );
            return;
        }
    };
    let doc: serde_json::Value = res.json().await.unwrap_or_default();
    let keys = doc["keys"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let rsa = keys
        .iter()
        .filter(|k| k["kty"] == "RSA" && k["kid"].is_string())
        .count();
    if rsa == 0 {
        r.fail(
            checks::JWKS,
            "no RSA signing key with a kid",
            "point AWS_COGNITO_JWKS_URL at the pool's JWKS",
        );
    } else {
        r.ok(checks::JWKS, format!("{rsa} signing key(s)"));
    }
}

async fn hosted_ui(r: &mut Report, http: &Client, config: &CognitoConfig) {
    let mut url = config.authorize_endpoint();
    let scope = config
        .scopes()
        .map(|s| s.join(" "))
        .unwrap_or_else(|| "openid".into());
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", config.client_id())
        .append_pair("redirect_uri", config.redirect_url().as_str())
        .append_pair("scope", &scope)
        .append_pair("state", "cognito-doctor")
        .append_pair(
            "code_challenge",
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        )
        .append_pair("code_challenge_method", "S256");
    let res = match http.get(url).send().await {
        Ok(res) => res,
        Err(_) => {
            r.fail(
                checks::HOSTED_UI,
                format!("{} is unreachable", config.domain()),
                "check AWS_COGNITO_DOMAIN (the hosted UI / managed login domain, with https://)",
            );
            return;
        }
    };
    let status = res.status();
    let location = res
        .headers()
        .get(header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = if location.is_empty() {
        res.text().await.unwrap_or_default()
    } else {
        String::new()
    };
    let said = |s: &str| location.contains(s) || body.contains(s);
    let to_app = location.starts_with(config.redirect_url().as_str());
    if said("redirect_mismatch") {
        r.fail(
            checks::HOSTED_UI,
            format!("Cognito refused the redirect URL {} (redirect_mismatch)", config.redirect_url()),
            "add it to the app client's allowed callback URLs, or fix AWS_COGNITO_REDIRECT_URL (scheme, host, port and path must match exactly)",
        );
    } else if to_app && said("invalid_scope") {
        r.fail(
            checks::HOSTED_UI,
            format!("Cognito refused the scopes {scope:?} (invalid_scope)"),
            "allow them on the app client (OAuth scopes), or change AWS_COGNITO_SCOPES",
        );
    } else if to_app && said("unauthorized_client") {
        r.fail(
            checks::HOSTED_UI,
            "the app client may not use the authorization code grant (unauthorized_client)",
            "enable \"Authorization code grant\" in the app client's OAuth settings",
        );
    } else if to_app && said("error=") {
        r.fail(
            checks::HOSTED_UI,
            "Cognito sent the sign-in back with an error",
            "check the app client's OAuth settings (grant types, scopes, identity providers)",
        );
    } else if status.is_client_error() && (said("client") || said("Client")) {
        r.fail(
            checks::HOSTED_UI,
            format!("Cognito does not know the client id {:?}", config.client_id()),
            "set AWS_COGNITO_USER_POOL_CLIENT_ID to an app client of this pool (and AWS_COGNITO_DOMAIN to this pool's domain)",
        );
    } else if status.is_success() || status.is_redirection() {
        r.ok(
            checks::HOSTED_UI,
            "the client id, redirect URL and scopes are accepted",
        );
    } else {
        r.fail(
            checks::HOSTED_UI,
            format!("the authorize endpoint answered HTTP {}", status.as_u16()),
            "check AWS_COGNITO_DOMAIN and AWS_COGNITO_USER_POOL_CLIENT_ID",
        );
    }
}

async fn logout(r: &mut Report, http: &Client, config: &CognitoConfig) {
    let url = config.logout_endpoint();
    let res = match http.get(url).send().await {
        Ok(res) => res,
        Err(_) => {
            r.fail(
                checks::LOGOUT,
                format!("{} is unreachable", config.domain()),
                "check AWS_COGNITO_DOMAIN",
            );
            return;
        }
    };
    let accepted = res.status().is_redirection()
        && res
            .headers()
            .get(header::LOCATION)
            .and_then(|l| l.to_str().ok())
            .is_some_and(|l| l.starts_with(config.logout_url().as_str()));
    if accepted {
        r.ok(
            checks::LOGOUT,
            format!("{} is an allowed sign-out URL", config.logout_url()),
        );
    } else {
        r.fail(
            checks::LOGOUT,
            format!(
                "Cognito did not accept the sign-out URL {}",
                config.logout_url()
            ),
            "add it to the app client's allowed sign-out URLs, or fix AWS_COGNITO_LOGOUT_URL",
        );
    }
}

async fn client_auth(r: &mut Report, http: &Client, config: &CognitoConfig) {
    let endpoint = config.token_endpoint();
    if config.client_secret().is_some()
        && endpoint.scheme() != "https"
        && !crate::config::is_loopback(&endpoint)
    {
        r.fail(
            checks::CLIENT_AUTH,
            "not checked: the client secret would travel over plain http",
            "use https:// in AWS_COGNITO_DOMAIN",
        );
        return;
    }
    let mut req = http.post(config.token_endpoint()).form(&[
        ("grant_type", "authorization_code"),
        ("code", "cognito-doctor-not-a-code"),
        ("redirect_uri", config.redirect_url().as_str()),
        ("client_id", config.client_id()),
    ]);
    if let Some(secret) = config.client_secret() {
        req = req.basic_auth(config.client_id(), Some(secret.expose()));
    }
    let res = match req.send().await {
        Ok(res) => res,
        Err(_) => {
            r.fail(
                checks::CLIENT_AUTH,
                "the token endpoint is unreachable",
                "check AWS_COGNITO_DOMAIN",
            );
            return;
        }
    };
    let status = res.status();
    let doc: serde_json::Value = res.json().await.unwrap_or_default();
    match doc["error"].as_str().unwrap_or("") {
        // A made-up code is refused only after the client authenticated.
        "invalid_grant" => r.ok(checks::CLIENT_AUTH, "the token endpoint accepts the app client"),
        "invalid_client" => r.fail(
            checks::CLIENT_AUTH,
            "the token endpoint refused the app client's credentials (invalid_client)",
            if config.client_secret().is_some() {
                "AWS_COGNITO_USER_POOL_CLIENT_SECRET is wrong (or this client has no secret: unset it)"
            } else {
                "this app client has a secret: set AWS_COGNITO_USER_POOL_CLIENT_SECRET"
            },
        ),
        "unauthorized_client" => r.fail(
            checks::CLIENT_AUTH,
            "the app client may not use the authorization code grant (unauthorized_client)",
            "enable \"Authorization code grant\" in the app client's OAuth settings",
        ),
        other => {
            let _ = status == StatusCode::OK;
            r.warn(
                checks::CLIENT_AUTH,
                format!("unexpected answer from the token endpoint (HTTP {}, error {other:?})", status.as_u16()),
                "check AWS_COGNITO_DOMAIN and the app client",
            )
        }
    }
}
