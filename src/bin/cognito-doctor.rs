//! `cognito-doctor`: checks the app's Cognito settings against the user pool and says how to
//! fix each problem. Reads the same variables as the app (from the environment, and from
//! `./.env` when present, like the demo). Exit status 1 when a check fails.
//!
//!     cargo run -p leptos_cognito --features doctor --bin cognito-doctor

use std::{collections::HashMap, process::ExitCode};

#[tokio::main]
async fn main() -> ExitCode {
    let mut vars: HashMap<String, String> = HashMap::new();
    if let Ok(iter) = dotenvy::from_path_iter(".env") {
        vars.extend(iter.flatten());
    }
    // The process environment wins over `.env`, as with dotenvy::dotenv().
    vars.extend(std::env::vars());
    let report = leptos_cognito::doctor::diagnose(&vars).await;
    print!("{report}");
    if report.has_failures() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
