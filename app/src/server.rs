//! The demo's axum router (server only): the JSON API, the auth routes, the Leptos pages and
//! server functions, static files, all inside the auth layer. `main.rs` serves it; the tests
//! drive it in-process.

use std::sync::OnceLock;

use axum::{
    extract::State,
    response::{IntoResponse, Response},
    routing::get,
    Extension, Json, Router,
};
use http::header;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use leptos_cognito::{CognitoAuth, CurrentUser, Policy, RequireLayer};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use crate::{
    app::{shell, App},
    notes_db::NotesDb,
};

/// The answer of `GET /api/me` (keys in the order they always had).
#[derive(serde::Serialize)]
struct Me<'a> {
    email: Option<&'a str>,
    groups: &'a [String],
    sub: &'a str,
    username: &'a str,
}

/// `GET /api/me`: the signed-in user as JSON (cookie or bearer), 401 otherwise. It takes the
/// user shared with the request (`CurrentUser`), not a copy.
async fn api_me(user: CurrentUser) -> axum::response::Response {
    use axum::response::IntoResponse;
    Json(Me {
        email: user.email.as_deref(),
        groups: &user.groups,
        sub: &user.sub,
        username: &user.username,
    })
    .into_response()
}

/// `GET /api/public`: an unprotected JSON endpoint beside `/api/me` (inside the same layer):
/// what is left when nothing asks who is calling, the baseline to measure protection against.
async fn api_public() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "service": "leptos_cognito_demo", "sign_in_required": false }))
}

/// The Prometheus recorder of this process (installed once, on first use).
fn prometheus() -> Option<&'static PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| match PrometheusBuilder::new().install_recorder() {
            Ok(h) => Some(h),
            Err(e) => {
                tracing::warn!(error = %e, "no metrics recorder: /metrics stays empty");
                None
            }
        })
        .as_ref()
}

/// `GET /metrics`: Prometheus text format, readable without signing in (as scrapers expect).
/// Keep it off the public internet (see the README).
async fn metrics(State(auth): State<CognitoAuth>) -> Response {
    auth.publish_gauges();
    let body = prometheus().map(|h| h.render()).unwrap_or_default();
    (
        [
            (
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// The whole app.
pub fn router(auth: &CognitoAuth, options: LeptosOptions, notes: NotesDb) -> Router {
    app(auth, &options, notes)
        .layer(auth.layer())
        .with_state(options)
}

/// Every route of the app, without the auth layer around them (`router` adds it; the SSR
/// benchmark puts a stub in its place to measure what the layer costs).
pub fn app(auth: &CognitoAuth, options: &LeptosOptions, notes: NotesDb) -> Router<LeptosOptions> {
    let _ = prometheus();
    let routes = generate_route_list(App);
    let metrics_route = Router::new()
        .route("/metrics", get(metrics))
        .with_state(auth.clone());
    Router::new()
        .route(
            "/api/me",
            get(api_me).route_layer(RequireLayer::api(Policy::signed_in())),
        )
        .route("/api/public", get(api_public))
        .merge(auth.routes())
        .merge(metrics_route)
        .leptos_routes(options, routes, {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler(shell))
        .layer(Extension(notes))
}
