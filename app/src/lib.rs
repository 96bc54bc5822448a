//! Acme Notes: the leptos_cognito demo. A small product whose pages are protected by Cognito
//! sign-in (the embedded dev IdP when no `AWS_COGNITO_USER_POOL_ID` is set).

pub mod account_api;
pub mod admin_api;
pub mod app;
pub mod notes_api;
#[cfg(feature = "ssr")]
pub mod notes_db;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;
pub mod time_fmt;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
