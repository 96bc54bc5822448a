//! Any bytes as the claims of a correctly signed access token (the claims reader only ever
//! sees signed payloads): refused or accepted, never a panic; and what is accepted is what
//! `serde_json` reads from the same bytes.
#![no_main]

use std::{
    sync::{Arc, OnceLock},
    time::Duration,
};

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use leptos_cognito::{
    clock::Clock,
    dev_idp::SigningKey,
    jwks::JwksCache,
    verify::{Expectations, TokenVerifier},
};
use libfuzzer_sys::fuzz_target;

struct Ctx {
    rt: tokio::runtime::Runtime,
    verifier: TokenVerifier,
    key: SigningKey,
    header: String,
}

const ISSUER: &str = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Fuzz";

fn ctx() -> &'static Ctx {
    static CTX: OnceLock<Ctx> = OnceLock::new();
    CTX.get_or_init(|| {
        let key = SigningKey::generate();
        let doc = serde_json::json!({ "keys": [key.jwk()] }).to_string();
        let jwks = JwksCache::from_static(doc.as_bytes()).unwrap();
        let clock = Clock::system();
        clock.set(1_000_000);
        let verifier = TokenVerifier::new(
            Expectations::new(ISSUER, "client")
                .leeway(Duration::from_secs(5))
                .clock(clock),
            Arc::new(jwks),
        );
        let header = serde_json::json!({ "alg": "RS256", "kid": key.kid }).to_string();
        Ctx {
            rt: tokio::runtime::Builder::new_current_thread()
                .build()
                .unwrap(),
            verifier,
            header: URL_SAFE_NO_PAD.encode(header),
            key,
        }
    })
}

fn date(v: &serde_json::Value) -> Option<i64> {
    v.as_i64().or_else(|| {
        v.as_f64()
            .filter(|f| f.is_finite() && f.abs() < 1e15)
            .map(|f| f.trunc() as i64)
    })
}

fuzz_target!(|data: &[u8]| {
    let c = ctx();
    let input = format!("{}.{}", c.header, URL_SAFE_NO_PAD.encode(data));
    let token = c.key.sign_compact(&input);
    let Ok(v) = c
        .rt
        .block_on(c.verifier.verify_access_uncached(&token))
    else {
        return;
    };
    let claims: serde_json::Value =
        serde_json::from_slice(data).expect("accepted claims are JSON for serde_json too");
    let a = v.claims();
    assert_eq!(claims["sub"].as_str(), Some(a.sub()));
    assert_eq!(claims["iss"].as_str(), Some(ISSUER));
    assert_eq!(claims["token_use"].as_str(), Some("access"));
    assert_eq!(claims["client_id"].as_str(), Some("client"));
    assert_eq!(date(&claims["exp"]), Some(a.exp()));
    assert_eq!(date(&claims["iat"]), Some(a.iat()));
    assert_eq!(claims["username"].as_str(), a.username());
    assert_eq!(claims["jti"].as_str(), a.jti());
    let groups: Vec<&str> = claims["cognito:groups"]
        .as_array()
        .map(|g| g.iter().filter_map(|s| s.as_str()).collect())
        .unwrap_or_default();
    assert_eq!(groups, a.groups().collect::<Vec<_>>());
    let scopes: Vec<&str> = claims["scope"]
        .as_str()
        .map(|s| s.split_ascii_whitespace().collect())
        .unwrap_or_default();
    assert_eq!(scopes, a.scopes().collect::<Vec<_>>());
});
