//! Any `/auth/login` query: the per-link options are refused or hold to their rules (the
//! identity provider from the allow-list, a bounded printable hint, a language tag, `prompt`
//! only `login`), never a panic.
#![no_main]

use std::sync::OnceLock;

use leptos_cognito::{config::CognitoConfig, flows::login::link_options};
use libfuzzer_sys::fuzz_target;

fn config() -> &'static CognitoConfig {
    static CONFIG: OnceLock<CognitoConfig> = OnceLock::new();
    CONFIG.get_or_init(|| {
        CognitoConfig::builder()
            .region("eu-west-1")
            .user_pool_id("eu-west-1_fuzz")
            .client_id("client")
            .domain("https://auth.example")
            .redirect_url("https://app.example/auth/callback")
            .logout_url("https://app.example/")
            .secret_key("fuzzing-secret-key-fuzzing-secret-key")
            .identity_providers(["Google", "CorpSAML"])
            .build()
            .unwrap()
    })
}

fuzz_target!(|data: &[u8]| {
    let query = String::from_utf8_lossy(data);
    if let Ok(p) = link_options(config(), &query) {
        if let Some(idp) = &p.identity_provider {
            assert!(idp == "Google" || idp == "CorpSAML", "{idp:?}");
        }
        if let Some(h) = &p.login_hint {
            assert!(h.chars().count() <= 256 && !h.chars().any(char::is_control));
        }
        if let Some(l) = &p.lang {
            assert!(l.len() <= 3 + 3 * 9 && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
        }
        assert!(p.prompt.is_none() || p.prompt.as_deref() == Some("login"));
        assert!(p.idp_identifier.is_none());
    }
});
