//! Any `return_to` value sanitises to a same-origin path: resolved as a browser resolves a
//! `Location` header against the callback URL it stays on the app's origin, and it starts with
//! one `/` (not `//` nor `/\`), also once percent-decoded.
#![no_main]

use leptos_cognito::flows::return_to::sanitize;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    let out = sanitize(Some(&input));
    let base = url::Url::parse("https://app.example/cb").unwrap();
    let resolved = base.join(&out).expect("the sanitised value resolves");
    assert_eq!(resolved.origin(), base.origin(), "{input:?} -> {out:?}");
    let decoded = percent_encoding::percent_decode_str(&out)
        .decode_utf8_lossy()
        .into_owned();
    for v in [out.as_str(), decoded.as_str()] {
        assert!(
            v.starts_with('/') && !v.starts_with("//") && !v.starts_with("/\\"),
            "{input:?} -> {out:?}"
        );
    }
});
