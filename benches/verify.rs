//! Micro-benchmarks of token verification (criterion).
//!
//! - `rsa_verify_parsed`: one RSA-2048 PKCS#1 v1.5 SHA-256 signature check with aws-lc-rs on a
//!   key parsed once (`ParsedPublicKey::verify_sig`, what the library does since the keys are
//!   parsed when the JWKS loads): the physical floor of a full verification.
//! - `rsa_verify_raw`: the same check building the key from its components each time
//!   (`RsaPublicKeyComponents::verify`, the call jsonwebtoken's aws-lc backend makes).
//! - `verify_full`: a complete access-token verification (parse, key lookup, RS256, claims),
//!   without the verified-token cache.
//! - `verify_cached`: authenticating a repeat request with an already-verified token.
//!
//! `scripts/bench.sh` turns the estimates into ratios (see BENCHMARKS.md).

use std::{sync::Arc, time::Duration};

use aws_lc_rs::signature::{RsaPublicKeyComponents, RSA_PKCS1_2048_8192_SHA256};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use criterion::{criterion_group, criterion_main, Criterion};
use futures_util::FutureExt;
use leptos_cognito::{
    dev_idp::{DevIdp, DevIdpOptions, TokenKind},
    jwks::JwksCache,
    verify::{Expectations, TokenVerifier},
};

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (idp, token, verifier, jwk) = rt.block_on(async {
        let idp = DevIdp::start(DevIdpOptions::default()).await.unwrap();
        let token = idp.mint(TokenKind::Access, "alice", serde_json::json!({}));
        let jwks = Arc::new(JwksCache::new(
            idp.jwks_url().parse().unwrap(),
            reqwest::Client::builder()
                .connect_timeout(Duration::from_secs(1))
                .timeout(Duration::from_secs(2))
                .build()
                .unwrap(),
            Duration::from_secs(10),
        ));
        let verifier = TokenVerifier::new(
            Expectations::new(idp.issuer(), idp.client().client_id).clock(idp.clock()),
            jwks,
        );
        verifier.verify_access(&token).await.unwrap();
        let set: serde_json::Value = reqwest::get(idp.jwks_url())
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let kid = idp.access_kid();
        let jwk = set["keys"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["kid"] == kid)
            .unwrap()
            .clone();
        (idp, token, verifier, jwk)
    });
    let n = URL_SAFE_NO_PAD.decode(jwk["n"].as_str().unwrap()).unwrap();
    let e = URL_SAFE_NO_PAD.decode(jwk["e"].as_str().unwrap()).unwrap();
    let (input, sig) = token.rsplit_once('.').unwrap();
    let sig = URL_SAFE_NO_PAD.decode(sig).unwrap();
    let key = RsaPublicKeyComponents {
        n: &n[..],
        e: &e[..],
    };
    let parsed = key
        .to_parsed_public_key(&RSA_PKCS1_2048_8192_SHA256)
        .unwrap();
    // The key is cached, so the verification future is ready at once: poll it once rather than
    // entering a runtime (in the server it runs inside a task already).
    let full = || {
        verifier
            .verify_access_uncached(&token)
            .now_or_never()
            .expect("ready")
            .unwrap()
    };

    let mut g = c.benchmark_group("verify");
    g.measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1));
    // Two interleaved passes; the report takes each one's best, so drift on a shared machine
    // does not decide the ratio.
    for pass in ["a", "b"] {
        g.bench_function(format!("rsa_verify_raw_{pass}"), |b| {
            b.iter(|| {
                key.verify(&RSA_PKCS1_2048_8192_SHA256, input.as_bytes(), &sig)
                    .unwrap()
            })
        });
        g.bench_function(format!("rsa_verify_parsed_{pass}"), |b| {
            b.iter(|| parsed.verify_sig(input.as_bytes(), &sig).unwrap())
        });
        g.bench_function(format!("verify_full_{pass}"), |b| b.iter(full));
    }
    g.bench_function("verify_cached", |b| {
        b.iter(|| {
            verifier
                .verify_access(&token)
                .now_or_never()
                .expect("ready")
                .unwrap()
        })
    });
    g.finish();
    drop(idp);
}

criterion_group!(benches, bench);
criterion_main!(benches);
