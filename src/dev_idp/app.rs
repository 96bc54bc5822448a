//! Choosing the identity provider of an app at startup: the real user pool from the
//! environment, or the embedded dev IdP for local development.

use std::{collections::HashMap, net::SocketAddr};

use super::{DevIdp, DevIdpOptions};
use crate::{
    auth::CognitoAuth,
    config::{
        parse_bool,
        vars::{self, AWS_COGNITO_USER_POOL_ID, IDP_VARIABLES},
        CognitoConfig,
    },
};

/// Set to `true` to allow the dev IdP on a non-loopback address (a shared test machine).
pub const DEV_IDP_VARIABLE: &str = "AWS_COGNITO_DEV_IDP";
/// Address of the dev IdP (default `127.0.0.1:<free port>`).
pub const DEV_IDP_ADDR_VARIABLE: &str = "DEV_IDP_ADDR";
/// Lifetime of the dev IdP's access and ID tokens, in seconds (default 3600): short values
/// show refresh, expiry and long-lived pages at work.
pub const DEV_IDP_TOKEN_SECONDS_VARIABLE: &str = "DEV_IDP_TOKEN_SECONDS";

/// The shared parts of an app served at `site`, and the dev IdP when one was started.
///
/// 1. `AWS_COGNITO_USER_POOL_ID` set (non-blank): every setting comes from `vars` (the
///    flask-cognito-lib names); no dev IdP.
/// 2. Otherwise the embedded dev IdP starts, **only** when `site` is a loopback address or
///    `AWS_COGNITO_DEV_IDP=true` asks for it explicitly: a blank pool id on a public address is
///    a startup error, never an app whose admin password is in the README.
///
/// In dev-IdP mode the refresh flow is on, the IdP keeps sign-in sessions (`prompt=login`
/// forces its form), its stand-in federated provider `DevCorp` is allowed as
/// `identity_provider`, `DEV_IDP_TOKEN_SECONDS` sets its token lifetime, a missing
/// `SECRET_KEY` is generated, and the
/// non-IdP variables of `vars` (cookie ages, scopes, the shared store, …) still apply, and so
/// do `AWS_COGNITO_REDIRECT_URL` / `AWS_COGNITO_LOGOUT_URL` when the app is reached through a
/// proxy (those exact URLs are registered with the dev IdP).
///
/// # Errors
/// A message naming what is wrong (configuration problems, the dev IdP refused on a public
/// address, a port that cannot be bound).
///
/// # Example
/// ```no_run
/// # async fn f() -> Result<(), String> {
/// let env = std::env::vars().collect();
/// let (auth, _idp) = leptos_cognito::dev_idp::cognito_or_dev_idp("127.0.0.1:3000".parse().unwrap(), env).await?;
/// # let _ = auth; Ok(()) }
/// ```
pub async fn cognito_or_dev_idp(
    site: SocketAddr,
    vars: HashMap<String, String>,
) -> Result<(CognitoAuth, Option<DevIdp>), String> {
    let pool = vars.get(AWS_COGNITO_USER_POOL_ID).map(|v| v.trim());
    if pool.is_some_and(|p| !p.is_empty()) {
        let config = CognitoConfig::from_vars(vars).map_err(|e| e.to_string())?;
        return CognitoAuth::new(config)
            .map(|a| (a, None))
            .map_err(|e| e.to_string());
    }
    let explicit = match vars.get(DEV_IDP_VARIABLE) {
        None => false,
        Some(v) => {
            parse_bool(v).ok_or_else(|| format!("{DEV_IDP_VARIABLE}: {v:?} is not a boolean"))?
        }
    };
    if !site.ip().is_loopback() && !explicit {
        return Err(format!(
            "AWS_COGNITO_USER_POOL_ID is {} and the app listens on {site}, which is not a loopback \
             address: refusing to start the embedded dev IdP (its users and passwords are public). \
             Configure a user pool, listen on 127.0.0.1, or set {DEV_IDP_VARIABLE}=true.",
            if pool.is_some() { "blank" } else { "not set" }
        ));
    }
    let idp_addr: SocketAddr = match vars.get(DEV_IDP_ADDR_VARIABLE) {
        Some(a) => a
            .parse()
            .map_err(|_| format!("{DEV_IDP_ADDR_VARIABLE}: {a:?} is not an address"))?,
        None => SocketAddr::from(([127, 0, 0, 1], 0)),
    };
    let token_secs = match vars.get(DEV_IDP_TOKEN_SECONDS_VARIABLE).map(|v| v.trim()) {
        None | Some("") => None,
        Some(v) => Some(
            v.parse::<u64>()
                .ok()
                .filter(|n| (1..=86_400).contains(n))
                .ok_or_else(|| {
                    format!("{DEV_IDP_TOKEN_SECONDS_VARIABLE}: {v:?} is not 1..=86400 seconds")
                })?,
        ),
    };
    let idp = DevIdp::start(DevIdpOptions {
        addr: idp_addr,
        // Like Cognito's managed login: a second sign-in reuses the IdP session unless
        // `prompt=login` (step-up) asks for the password again.
        sso_sessions: true,
        ..Default::default()
    })
    .await
    .map_err(|e| format!("cannot start the dev IdP on {idp_addr}: {e}"))?;
    if let Some(t) = token_secs {
        idp.set_lifetimes(t, t);
    }
    let host = if site.ip().is_unspecified() {
        SocketAddr::from(([127, 0, 0, 1], site.port()))
    } else {
        site
    };
    // Behind a proxy or load balancer the public URLs are given (`make demo-replicas`): use
    // them, and let the dev IdP accept exactly those URLs.
    // Registered as the app will send them (parsed and serialised like the configuration).
    let public_url = |k: &str| {
        vars.get(k)
            .and_then(|v| url::Url::parse(v.trim()).ok())
            .map(|u| u.to_string())
    };
    let (redirect, logout) = (
        public_url(vars::AWS_COGNITO_REDIRECT_URL),
        public_url(vars::AWS_COGNITO_LOGOUT_URL),
    );
    idp.register_urls(redirect.as_deref(), logout.as_deref());
    let public: HashMap<String, String> = [
        (vars::AWS_COGNITO_REDIRECT_URL, redirect),
        (vars::AWS_COGNITO_LOGOUT_URL, logout),
    ]
    .into_iter()
    .filter_map(|(k, v)| Some((k.to_string(), v?)))
    .collect();
    let config = idp
        .app_config(&format!("http://{host}"))
        .refresh_flow_enabled(true)
        .identity_providers([super::DEV_FEDERATED_PROVIDER])
        .with_vars(&vars, IDP_VARIABLES)
        .with_vars(&public, &[])
        .dev_mode(true)
        .build()
        .map_err(|e| e.to_string())?;
    tracing::info!(
        idp = %idp.url(),
        "no AWS_COGNITO_USER_POOL_ID: using the embedded dev IdP (users alice/alice-password, bob/bob-password)"
    );
    let auth = CognitoAuth::new(config).map_err(|e| e.to_string())?;
    Ok((auth, Some(idp)))
}
