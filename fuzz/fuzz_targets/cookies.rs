//! Any Cookie header content reads as tokens or as absent, never a panic.
#![no_main]

use std::sync::OnceLock;

use leptos_cognito::{
    config::CognitoConfig,
    cookies::{chunked, CookieCodec, RefreshCrypto},
};
use libfuzzer_sys::fuzz_target;
use tower_cookies::{Cookie, Cookies};

fn codec() -> &'static CookieCodec {
    static CODEC: OnceLock<CookieCodec> = OnceLock::new();
    CODEC.get_or_init(|| {
        let config = CognitoConfig::builder()
            .region("eu-west-1")
            .user_pool_id("eu-west-1_fuzz")
            .client_id("client")
            .domain("https://auth.example")
            .redirect_url("https://app.example/auth/callback")
            .logout_url("https://app.example/")
            .secret_key("fuzzing-secret-key-fuzzing-secret-key")
            .build()
            .unwrap();
        CookieCodec::new(&config)
    })
}

fuzz_target!(|data: &[u8]| {
    let header = String::from_utf8_lossy(data);
    let jar = Cookies::default();
    let mut first_value = String::new();
    for pair in header.split(';') {
        if let Ok(c) = Cookie::parse_encoded(pair.trim().to_string()) {
            if first_value.is_empty() {
                first_value = c.value().to_string();
            }
            jar.add(c.into_owned());
        }
    }
    let codec = codec();
    let mut headers = http::HeaderMap::new();
    if let Ok(v) = http::HeaderValue::from_bytes(data) {
        headers.append(http::header::COOKIE, v);
        let _ = codec.is_ambiguous(&headers);
    }
    let _ = codec.read_tokens(&jar);
    let _ = codec.read_stamp(&jar);
    let _ = codec.read_login_state(&jar, &first_value, 1_700_000_000);
    let _ = chunked::join("cognito_id_token", |n| jar.get(n).map(|c| c.value().to_string()));
    let _ = RefreshCrypto::from_secret("k").decrypt(&header);
});
