//! Any input given as an access or ID token is refused or accepted, never a panic.
#![no_main]

use std::{sync::OnceLock, time::Duration};

use leptos_cognito::{
    clock::Clock,
    jwks::JwksCache,
    verify::{Expectations, TokenVerifier},
};
use libfuzzer_sys::fuzz_target;

struct Ctx {
    rt: tokio::runtime::Runtime,
    verifier: TokenVerifier,
}

fn ctx() -> &'static Ctx {
    static CTX: OnceLock<Ctx> = OnceLock::new();
    CTX.get_or_init(|| {
        let v: serde_json::Value = serde_json::from_str(include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/cognito_real_tokens.json"
        )))
        .unwrap();
        let jwks = JwksCache::from_static(&serde_json::to_vec(&v["jwks"]).unwrap()).unwrap();
        let clock = Clock::system();
        clock.set(1_647_962_000);
        let verifier = TokenVerifier::new(
            Expectations::new(v["issuer"].as_str().unwrap(), v["client_id"].as_str().unwrap())
                .leeway(Duration::ZERO)
                .clock(clock),
            std::sync::Arc::new(jwks),
        );
        Ctx {
            rt: tokio::runtime::Builder::new_current_thread()
                .build()
                .unwrap(),
            verifier,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let token = String::from_utf8_lossy(data);
    let c = ctx();
    c.rt.block_on(async {
        let _ = c.verifier.verify_access_uncached(&token).await;
        let _ = c.verifier.verify_id(&token, Some("nonce")).await;
        let _ = c.verifier.verify_access(&token).await;
    });
});
