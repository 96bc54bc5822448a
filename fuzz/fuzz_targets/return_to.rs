//! Any `return_to` value sanitises to a same-origin path: resolved as a browser resolves a
//! `Location` header against the callback URL it stays on the app's origin, and it starts with
//! one `/` (not `//` nor `/\`), also once percent-decoded.
#![no_main]

use leptos_cognito::flows::return_to::sanitize;
use libfuzzer_sys::fuzz_target;

fn percent_decode(s: &str) -> Vec<u8> {
    let hex = |b: Option<&u8>| b.and_then(|b| (*b as char).to_digit(16));
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if let (b'%', Some(h), Some(l)) = (b[i], hex(b.get(i + 1)), hex(b.get(i + 2))) {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    let out = sanitize(Some(&input));
    let base = url::Url::parse("https://app.example/cb").unwrap();
    let resolved = base.join(&out).expect("the sanitised value resolves");
    assert_eq!(resolved.origin(), base.origin(), "{input:?} -> {out:?}");
    let decoded = String::from_utf8_lossy(&percent_decode(&out)).into_owned();
    for v in [out.as_str(), decoded.as_str()] {
        assert!(
            v.starts_with('/') && !v.starts_with("//") && !v.starts_with("/\\"),
            "{input:?} -> {out:?}"
        );
    }
});
