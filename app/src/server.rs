//! The demo's axum router (server only): the JSON API, the auth routes, the Leptos pages and
//! server functions, static files, all inside the auth layer. `main.rs` serves it; the tests
//! drive it in-process.

use axum::{routing::get, Extension, Json, Router};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use leptos_cognito::{CognitoAuth, CognitoUser, Policy, RequireLayer};

use crate::{
    app::{shell, App},
    notes_db::NotesDb,
};

/// `GET /api/me`: the signed-in user as JSON (cookie or bearer), 401 otherwise.
async fn api_me(user: CognitoUser) -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "sub": user.sub,
        "username": user.username,
        "email": user.email,
        "groups": user.groups,
    }))
}

/// The whole app.
pub fn router(auth: &CognitoAuth, options: LeptosOptions, notes: NotesDb) -> Router {
    let routes = generate_route_list(App);
    Router::new()
        .route(
            "/api/me",
            get(api_me).route_layer(RequireLayer::api(Policy::signed_in())),
        )
        .merge(auth.routes())
        .leptos_routes(&options, routes, {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler(shell))
        .layer(Extension(notes))
        .layer(auth.layer())
        .with_state(options)
}
