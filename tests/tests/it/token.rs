//! `twilio-api token`: the printed token is the library's for the same inputs, credentials
//! come from the environment only, and a missing one is a usage error (exit 2).

use std::process::Command;

use twilio_api::twiml::token::{AccessToken, ChatGrant, VoiceGrant};
use twilio_e2e::cli_binary;

const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
const KEY: &str = "SK0123456789abcdef0123456789abcdef";
const SECRET: &str = "cli-token-test-secret";

fn token(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut command = Command::new(cli_binary());
    command
        .arg("token")
        .args(args)
        .env_remove("TWILIO_ACCOUNT_SID")
        .env_remove("TWILIO_API_KEY")
        .env_remove("TWILIO_API_SECRET")
        .env_remove("TWILIO_REGION");
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().unwrap()
}

const CREDENTIALS: &[(&str, &str)] = &[
    ("TWILIO_ACCOUNT_SID", ACCOUNT),
    ("TWILIO_API_KEY", KEY),
    ("TWILIO_API_SECRET", SECRET),
];

#[test]
fn the_cli_prints_the_token_the_library_makes() {
    let out = token(
        &[
            "voice",
            "--identity",
            "alice",
            "--incoming",
            "--outgoing-application",
            "AP1",
            "--ttl",
            "900",
            "--issued-at",
            "1700000000",
        ],
        CREDENTIALS,
    );
    assert!(out.status.success(), "{out:?}");
    let expected = AccessToken::new(ACCOUNT, KEY, SECRET.into())
        .unwrap()
        .identity("alice")
        .ttl(std::time::Duration::from_secs(900))
        .grant(
            VoiceGrant::new()
                .incoming_allow(true)
                .outgoing_application_sid("AP1"),
        )
        .to_jwt_at(1_700_000_000);
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("{expected}\n")
    );

    // The region from the environment, the global --region over it.
    let mut env = CREDENTIALS.to_vec();
    env.push(("TWILIO_REGION", "au1"));
    let out = token(
        &[
            "--region",
            "ie1",
            "chat",
            "--identity",
            "bob",
            "--service",
            "IS1",
            "--issued-at",
            "5",
        ],
        &env,
    );
    let expected = AccessToken::new(ACCOUNT, KEY, SECRET.into())
        .unwrap()
        .identity("bob")
        .region("ie1")
        .grant(ChatGrant::new().service_sid("IS1"))
        .to_jwt_at(5);
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("{expected}\n")
    );
}

#[test]
fn missing_or_bad_credentials_are_usage_errors() {
    for missing in ["TWILIO_ACCOUNT_SID", "TWILIO_API_KEY", "TWILIO_API_SECRET"] {
        let env: Vec<(&str, &str)> = CREDENTIALS
            .iter()
            .copied()
            .filter(|(name, _)| *name != missing)
            .collect();
        let out = token(&["video", "--identity", "a"], &env);
        assert_eq!(out.status.code(), Some(2), "{missing}: {out:?}");
        assert!(out.stdout.is_empty());
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(
            stderr.contains(&format!("{missing} is not set")),
            "{stderr}"
        );
        assert!(!stderr.contains(SECRET), "{stderr}");
    }
    let mut env = CREDENTIALS.to_vec();
    env[1] = ("TWILIO_API_KEY", "not-a-key");
    let out = token(&["sync", "--identity", "a"], &env);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("TWILIO_API_KEY")
    );
    // Twilio refuses a token valid for more than a day.
    let out = token(&["sync", "--identity", "a", "--ttl", "86401"], CREDENTIALS);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}
