//! Test harness: an app using leptos_cognito in front of an IdP, and a small cookie-keeping,
//! non-redirect-following browser to drive it.
#![allow(dead_code)]

use std::{collections::BTreeMap, time::Duration};

use axum::{response::IntoResponse, routing::get, Json, Router};
use leptos_cognito::{
    clock::Clock,
    config::CognitoConfigBuilder,
    dev_idp::{DevIdp, DevIdpOptions},
    CognitoAuth, CognitoUser, Policy, RequireLayer,
};
use reqwest::{header, Method, StatusCode};

pub const SECRET: &str = "integration-test-secret-key-0123456789abcdef";

/// Options of a test app.
pub struct AppOptions {
    pub refresh: bool,
    pub tweak: Box<dyn FnOnce(CognitoConfigBuilder) -> CognitoConfigBuilder + Send>,
    pub idp: DevIdpOptions,
    /// Extra routes of the app (inside the auth layer).
    pub routes: Box<dyn FnOnce(Router) -> Router + Send>,
}

impl AppOptions {
    /// Defaults with the refresh flow on.
    pub fn refreshing() -> Self {
        Self {
            refresh: true,
            ..Self::default()
        }
    }
}

impl Default for AppOptions {
    fn default() -> Self {
        Self {
            refresh: false,
            tweak: Box::new(|b| b),
            idp: DevIdpOptions::default(),
            routes: Box::new(|r| r),
        }
    }
}

/// The app under test plus the dev IdP it trusts.
pub struct TestApp {
    pub idp: DevIdp,
    pub auth: CognitoAuth,
    pub url: String,
    pub clock: Clock,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn me(user: CognitoUser) -> impl IntoResponse {
    Json(serde_json::json!({
        "sub": user.sub, "username": user.username, "email": user.email, "groups": user.groups,
        "attributes": user.attributes,
    }))
}

async fn home(user: Option<CognitoUser>) -> String {
    match user {
        Some(u) => format!("home: signed in as {}", u.username),
        None => "home: signed out".into(),
    }
}

async fn private(user: Option<CognitoUser>) -> String {
    format!(
        "private page of {}",
        user.map(|u| u.username).unwrap_or_default()
    )
}

/// The test app's routes (without the auth layer).
pub fn app_routes(auth: &CognitoAuth) -> Router {
    Router::new()
        .route("/", get(home))
        .route(
            "/private",
            get(private).route_layer(RequireLayer::page(Policy::signed_in())),
        )
        .route(
            "/admin",
            get(private).route_layer(RequireLayer::page(Policy::groups(["admins"]))),
        )
        .route(
            "/api/me",
            get(me).route_layer(RequireLayer::api(Policy::signed_in())),
        )
        .merge(auth.routes())
}

/// Serves `app` on `listener` until the returned sender is dropped.
pub fn serve(listener: tokio::net::TcpListener, app: Router) -> tokio::sync::oneshot::Sender<()> {
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await
            .unwrap();
    });
    tx
}

impl TestApp {
    pub async fn start(options: AppOptions) -> Self {
        let clock = options.idp.clock.clone();
        let idp = DevIdp::start(options.idp).await.expect("dev IdP starts");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let builder = idp
            .app_config(&url)
            .secret_key(SECRET)
            .refresh_flow_enabled(options.refresh)
            .http_timeout(Duration::from_millis(1500))
            .jwks_cooldown(Duration::from_millis(300));
        let config = (options.tweak)(builder).build().expect("valid config");
        let auth = CognitoAuth::with_clock(config, clock.clone()).expect("setup");
        let stop = serve(
            listener,
            (options.routes)(app_routes(&auth)).layer(auth.layer()),
        );
        Self {
            idp,
            auth,
            url,
            clock,
            _stop: stop,
        }
    }

    pub fn browser(&self) -> Browser {
        Browser::new(&self.url)
    }
}

/// A minimal browser: keeps the app's cookies, never follows redirects by itself.
#[derive(Clone)]
pub struct Browser {
    pub http: reqwest::Client,
    /// Talks to the IdP, keeping the IdP's own cookies (oidc-provider uses them).
    pub idp_http: reqwest::Client,
    pub origin: String,
    pub jar: BTreeMap<String, String>,
    pub last_set_cookies: Vec<String>,
}

pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Browser {
    pub fn new(origin: &str) -> Self {
        Self {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(20))
                .build()
                .unwrap(),
            idp_http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .cookie_store(true)
                .timeout(Duration::from_secs(20))
                .build()
                .unwrap(),
            origin: origin.to_string(),
            jar: BTreeMap::new(),
            last_set_cookies: Vec::new(),
        }
    }

    fn absolute(&self, url: &str) -> String {
        if url.starts_with("http") {
            url.to_string()
        } else {
            format!("{}{}", self.origin, url)
        }
    }

    pub async fn request(
        &mut self,
        method: Method,
        url: &str,
        headers: &[(&str, &str)],
        form: Option<Vec<(String, String)>>,
    ) -> Page {
        let url = self.absolute(url);
        let to_app = url.starts_with(&self.origin);
        let client = if to_app { &self.http } else { &self.idp_http };
        let mut req = client.request(method, &url);
        if to_app && !self.jar.is_empty() {
            let cookie = self
                .jar
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            req = req.header(header::COOKIE, cookie);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(f) = form {
            req = req.form(&f);
        }
        let res = req.send().await.expect("request");
        let status = res.status();
        let headers = res.headers().clone();
        // The app's redirects are kept as sent; the IdP's relative ones are resolved.
        let location = headers.get(header::LOCATION).map(|v| {
            let l = v.to_str().unwrap();
            if to_app {
                l.to_string()
            } else {
                url::Url::parse(&url).unwrap().join(l).unwrap().to_string()
            }
        });
        if to_app {
            self.last_set_cookies = headers
                .get_all(header::SET_COOKIE)
                .iter()
                .map(|v| v.to_str().unwrap().to_string())
                .collect();
            for line in self.last_set_cookies.clone() {
                let c = cookie::Cookie::parse(line).unwrap();
                let expired = c.max_age().is_some_and(|a| a.is_zero()) || c.value().is_empty();
                if expired {
                    self.jar.remove(c.name());
                } else {
                    self.jar.insert(c.name().to_string(), c.value().to_string());
                }
            }
        }
        let body = res.text().await.unwrap_or_default();
        Page {
            status,
            location,
            headers,
            body,
        }
    }

    pub async fn get(&mut self, url: &str) -> Page {
        self.request(Method::GET, url, &[], None).await
    }

    /// POSTs an empty form (as a form or a server-function call does) with `headers`.
    pub async fn post(&mut self, url: &str, headers: &[(&str, &str)]) -> Page {
        self.request(Method::POST, url, headers, Some(vec![])).await
    }

    /// Starts a login and returns the IdP's authorize URL.
    pub async fn start_login(&mut self, return_to: &str) -> String {
        let enc: String = url::form_urlencoded::byte_serialize(return_to.as_bytes()).collect();
        let p = self.get(&format!("/auth/login?return_to={enc}")).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "login redirects");
        p.location.expect("authorize URL")
    }

    /// Follows redirects while they stay on the IdP; returns the last URL and page (the page
    /// that redirects back to the app, or the first non-redirect page).
    pub async fn follow_idp(&mut self, mut url: String, mut page: Option<Page>) -> (String, Page) {
        for _ in 0..10 {
            let p = match page.take() {
                Some(p) => p,
                None => self.get(&url).await,
            };
            match &p.location {
                Some(next) if p.status.is_redirection() && !next.starts_with(&self.origin) => {
                    url = next.clone();
                }
                _ => return (url, p),
            }
        }
        panic!("too many redirects at the IdP");
    }

    /// Fills the IdP's login form; returns the callback URL the IdP redirects to.
    pub async fn submit_credentials(
        &mut self,
        authorize_url: &str,
        user: &str,
        password: &str,
    ) -> String {
        let (form_url, form_page) = self.follow_idp(authorize_url.to_string(), None).await;
        assert_eq!(
            form_page.status,
            StatusCode::OK,
            "login form: {}",
            form_page.body
        );
        let (action, mut fields) = parse_form(&form_page.body, &form_url);
        fields.retain(|(k, _)| k != "username" && k != "password");
        fields.push(("username".into(), user.into()));
        fields.push(("password".into(), password.into()));
        let p = self.request(Method::POST, &action, &[], Some(fields)).await;
        assert!(
            p.status.is_redirection(),
            "IdP accepts credentials: {} {}",
            p.status,
            p.body
        );
        let (_, last) = self.follow_idp(action, Some(p)).await;
        last.location.expect("callback URL")
    }

    /// The whole sign-in; returns the final response of the callback.
    pub async fn sign_in(&mut self, user: &str, password: &str, return_to: &str) -> Page {
        let authorize = self.start_login(return_to).await;
        let callback = self.submit_credentials(&authorize, user, password).await;
        self.get(&callback).await
    }

    pub async fn logout(&mut self) -> Page {
        let origin = self.origin.clone();
        self.post("/auth/logout", &[("origin", &origin)]).await
    }

    pub fn has(&self, name: &str) -> bool {
        self.jar.contains_key(name)
    }
}

/// The `state` parameter of an authorize URL.
pub fn state_param(authorize_url: &str) -> String {
    url::Url::parse(authorize_url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .expect("a state parameter")
        .1
        .into_owned()
}

/// The form of an HTML page: absolute action URL and its inputs.
pub fn parse_form(html: &str, page_url: &str) -> (String, Vec<(String, String)>) {
    let doc = scraper::Html::parse_document(html);
    let form_sel = scraper::Selector::parse("form").unwrap();
    let input_sel = scraper::Selector::parse("input").unwrap();
    let form = doc.select(&form_sel).next().expect("a form");
    let action = form.value().attr("action").unwrap_or("");
    let action = url::Url::parse(page_url)
        .unwrap()
        .join(action)
        .unwrap()
        .to_string();
    let fields = form
        .select(&input_sel)
        .filter_map(|i| {
            Some((
                i.value().attr("name")?.to_string(),
                i.value().attr("value").unwrap_or("").to_string(),
            ))
        })
        .collect();
    (action, fields)
}

pub fn count(c: &std::sync::atomic::AtomicU64) -> u64 {
    c.load(std::sync::atomic::Ordering::SeqCst)
}

/// Asserts that `/api/me` answers alice's profile.
pub async fn assert_me_is_alice(b: &mut Browser) {
    let me = b.get("/api/me").await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.body);
    let json: serde_json::Value = serde_json::from_str(&me.body).unwrap();
    assert_eq!(json["username"], "alice");
    assert_eq!(json["email"], "alice@example.com");
    assert_eq!(json["groups"], serde_json::json!(["admins"]));
}

/// panva's oidc-provider shaped like Cognito (`tests/peer-idp/`), run as a child process.
pub struct PeerIdp {
    pub url: String,
    pub issuer: String,
    pub pool_id: String,
    pub confidential_secret: String,
    _child: tokio::process::Child,
}

impl PeerIdp {
    /// Starts the peer for an app at `app_url`. Fails loudly (never skips) when it cannot start.
    pub async fn start(app_url: &str, token_ttl: u64) -> Self {
        use tokio::io::AsyncBufReadExt;
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/peer-idp");
        assert!(
            std::path::Path::new(dir).join("node_modules/oidc-provider").exists(),
            "the peer IdP's npm packages are missing: run `make tools-browser` (npm ci in tests/peer-idp)"
        );
        let mut child = tokio::process::Command::new("node")
            .arg("server.mjs")
            .current_dir(dir)
            .env("PEER_REDIRECT_URIS", format!("{app_url}/auth/callback"))
            .env("PEER_LOGOUT_URIS", format!("{app_url}/"))
            .env("PEER_TOKEN_TTL", token_ttl.to_string())
            .env("PEER_EXIT_ON_STDIN_END", "1")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("node must be installed to run the peer IdP (oidc-provider)");
        let stdout = child.stdout.take().unwrap();
        let mut lines = tokio::io::BufReader::new(stdout).lines();
        let line = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
            .await
            .expect("peer IdP did not start within 60 s")
            .unwrap()
            .expect("peer IdP exited before printing its URL");
        let info: serde_json::Value =
            serde_json::from_str(&line).expect("peer IdP start line is JSON");
        Self {
            url: info["url"].as_str().unwrap().to_string(),
            issuer: info["issuer"].as_str().unwrap().to_string(),
            pool_id: info["pool_id"].as_str().unwrap().to_string(),
            confidential_secret: info["clients"]["confidential"]["client_secret"]
                .as_str()
                .unwrap()
                .to_string(),
            _child: child,
        }
    }

    /// A configuration builder for an app at `app_url` (confidential or public client).
    pub fn app_config(&self, app_url: &str, public: bool) -> CognitoConfigBuilder {
        let b = leptos_cognito::config::CognitoConfig::builder()
            .region("us-east-1")
            .user_pool_id(self.pool_id.clone())
            .domain(self.url.clone())
            .redirect_url(format!("{app_url}/auth/callback"))
            .logout_url(format!("{app_url}/"))
            .issuer(self.issuer.clone())
            .jwks_url(format!("{}/.well-known/jwks.json", self.issuer))
            .scopes(["openid", "email", "profile"])
            .cookie_secure(false);
        if public {
            b.client_id("peer-public")
        } else {
            b.client_id("peer-confidential")
                .client_secret(self.confidential_secret.clone())
        }
    }
}
