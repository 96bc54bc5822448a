//! The configuration doctor against the dev IdP: right settings pass, each deliberately wrong
//! one gets the right advice, and no secret is ever printed.

use std::collections::HashMap;

use leptos_cognito::{
    config::vars,
    dev_idp::{DevIdp, DevIdpOptions},
    doctor::{checks, diagnose, Level},
};

const APP: &str = "http://127.0.0.1:3999";
const SECRET: &str = "doctor-test-secret-key-0123456789abcdefXYZ";

async fn idp() -> DevIdp {
    let idp = DevIdp::start(DevIdpOptions::default()).await.unwrap();
    idp.register_app(APP);
    idp
}

fn good(idp: &DevIdp) -> HashMap<String, String> {
    let c = idp.client();
    [
        (vars::AWS_REGION, idp.region().to_string()),
        (vars::AWS_COGNITO_USER_POOL_ID, idp.pool_id().to_string()),
        (vars::AWS_COGNITO_USER_POOL_CLIENT_ID, c.client_id.clone()),
        (
            vars::AWS_COGNITO_USER_POOL_CLIENT_SECRET,
            c.client_secret.clone().unwrap(),
        ),
        (vars::AWS_COGNITO_DOMAIN, idp.url()),
        (vars::AWS_COGNITO_ISSUER, idp.issuer()),
        (
            vars::AWS_COGNITO_REDIRECT_URL,
            format!("{APP}/auth/callback"),
        ),
        (vars::AWS_COGNITO_LOGOUT_URL, format!("{APP}/")),
        (vars::AWS_COGNITO_COOKIE_SECURE, "false".into()),
        (vars::SECRET_KEY, SECRET.into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

fn with(mut v: HashMap<String, String>, var: &str, value: &str) -> HashMap<String, String> {
    v.insert(var.to_string(), value.to_string());
    v
}

#[tokio::test]
async fn right_settings_pass_every_check() {
    let idp = idp().await;
    let report = diagnose(&good(&idp)).await;
    assert!(!report.has_failures(), "{report}");
    for check in [
        checks::CONFIG,
        checks::DISCOVERY,
        checks::JWKS,
        checks::CLOCK,
        checks::HOSTED_UI,
        checks::LOGOUT,
        checks::CLIENT_AUTH,
    ] {
        assert_eq!(
            report.get(check).map(|f| f.level),
            Some(Level::Ok),
            "{check}: {report}"
        );
    }
    let text = report.to_string();
    assert!(
        !text.contains(SECRET) && !text.contains("dev-client-secret"),
        "{text}"
    );
}

/// The failing finding of `check`, with its fix.
fn failing(report: &leptos_cognito::doctor::Report, check: &str) -> (String, String) {
    let f = report
        .findings
        .iter()
        .find(|f| f.check == check && f.level == Level::Fail)
        .unwrap_or_else(|| panic!("no failure for {check}:\n{report}"));
    (f.detail.clone(), f.fix.clone().unwrap_or_default())
}

#[tokio::test]
async fn wrong_settings_get_the_right_advice() {
    let idp = idp().await;
    let base = good(&idp);

    let r = diagnose(&with(
        base.clone(),
        vars::AWS_COGNITO_REDIRECT_URL,
        "http://127.0.0.1:3999/wrong/callback",
    ))
    .await;
    let (detail, fix) = failing(&r, checks::HOSTED_UI);
    assert!(detail.contains("redirect_mismatch"), "{detail}");
    assert!(
        fix.contains("callback URLs") && fix.contains("AWS_COGNITO_REDIRECT_URL"),
        "{fix}"
    );

    let r = diagnose(&with(
        base.clone(),
        vars::AWS_COGNITO_USER_POOL_CLIENT_ID,
        "no-such-client",
    ))
    .await;
    let (detail, fix) = failing(&r, checks::HOSTED_UI);
    assert!(detail.contains("client id"), "{detail}");
    assert!(fix.contains("AWS_COGNITO_USER_POOL_CLIENT_ID"), "{fix}");

    let r = diagnose(&with(
        base.clone(),
        vars::AWS_COGNITO_USER_POOL_CLIENT_SECRET,
        "wrong-secret",
    ))
    .await;
    let (detail, fix) = failing(&r, checks::CLIENT_AUTH);
    assert!(detail.contains("invalid_client"), "{detail}");
    assert!(fix.contains("AWS_COGNITO_USER_POOL_CLIENT_SECRET"), "{fix}");
    assert!(
        !r.to_string().contains("wrong-secret"),
        "the secret is not printed"
    );

    let r = diagnose(&with(
        base.clone(),
        vars::AWS_COGNITO_LOGOUT_URL,
        "http://127.0.0.1:3999/bye",
    ))
    .await;
    let (_, fix) = failing(&r, checks::LOGOUT);
    assert!(
        fix.contains("sign-out URLs") && fix.contains("AWS_COGNITO_LOGOUT_URL"),
        "{fix}"
    );

    let r = diagnose(&with(
        base.clone(),
        vars::AWS_COGNITO_SCOPES,
        "openid admin/everything",
    ))
    .await;
    let (detail, fix) = failing(&r, checks::HOSTED_UI);
    assert!(detail.contains("invalid_scope"), "{detail}");
    assert!(fix.contains("AWS_COGNITO_SCOPES"), "{fix}");

    // A typo in the pool id: the issuer's discovery document does not exist.
    let mut typo = base.clone();
    typo.remove(vars::AWS_COGNITO_ISSUER);
    let typo = with(typo, vars::AWS_COGNITO_USER_POOL_ID, "us-east-1_Typo");
    let typo = with(
        typo,
        vars::AWS_COGNITO_ISSUER,
        &format!("{}/us-east-1_Typo", idp.url()),
    );
    let r = diagnose(&typo).await;
    let (_, fix) = failing(&r, checks::DISCOVERY);
    assert!(fix.contains("AWS_COGNITO_USER_POOL_ID"), "{fix}");

    let r = diagnose(&with(base.clone(), vars::SECRET_KEY, "changeme")).await;
    let (detail, fix) = failing(&r, checks::CONFIG);
    assert!(detail.contains("SECRET_KEY"), "{detail}");
    assert!(fix.contains("openssl rand"), "{fix}");
    assert!(
        !r.to_string().contains("changeme"),
        "the key is not printed"
    );
    assert_eq!(
        r.get(checks::HOSTED_UI).map(|f| f.level),
        Some(Level::Ok),
        "network checks still run"
    );

    // https redirect with Secure cookies off: the cookie rule.
    let mut https = base.clone();
    https.insert(
        vars::AWS_COGNITO_REDIRECT_URL.into(),
        "https://app.example/auth/callback".into(),
    );
    let r = diagnose(&https).await;
    let (detail, _) = failing(&r, checks::CONFIG);
    assert!(detail.contains("AWS_COGNITO_COOKIE_SECURE"), "{r}");

    // A plain-http, non-loopback domain: the secret is never sent there.
    let r = diagnose(&with(
        base.clone(),
        vars::AWS_COGNITO_DOMAIN,
        "http://auth.example.invalid",
    ))
    .await;
    let (detail, fix) = failing(&r, checks::CLIENT_AUTH);
    assert!(
        detail.contains("plain http") && fix.contains("https"),
        "{detail} / {fix}"
    );

    idp.set_jwks_down(true);
    let r = diagnose(&base).await;
    let (_, fix) = failing(&r, checks::JWKS);
    assert!(fix.contains("AWS_COGNITO_JWKS_URL"), "{fix}");
}

#[tokio::test]
async fn a_skewed_clock_is_reported() {
    let idp = idp().await;
    idp.clock().advance(-600);
    let r = diagnose(&good(&idp)).await;
    let f = r.get(checks::CLOCK).expect("clock checked");
    assert_eq!(f.level, Level::Warn, "{r}");
    assert!(
        f.detail.contains("+600") || f.detail.contains("+599") || f.detail.contains("+601"),
        "{}",
        f.detail
    );
    assert!(f.fix.as_deref().unwrap_or("").contains("NTP"));
}

#[tokio::test]
async fn the_binary_exits_1_on_problems_and_0_when_fine() {
    let idp = idp().await;
    let bin = env!("CARGO_BIN_EXE_cognito-doctor");
    let run = |vars: HashMap<String, String>| {
        let bin = bin.to_string();
        async move {
            tokio::process::Command::new(bin)
                .env_clear()
                .envs(vars)
                .current_dir(std::env::temp_dir())
                .output()
                .await
                .unwrap()
        }
    };
    let ok = run(good(&idp)).await;
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    let bad = run(with(
        good(&idp),
        vars::AWS_COGNITO_USER_POOL_CLIENT_SECRET,
        "nope",
    ))
    .await;
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stdout).contains("FAIL"));
}
