//! `priemna user unlock|reset-password|pending|approve|reject`: what whoever holds the server
//! does for a municipality with a single administrator (issue 22, M3 and M4), journalled.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use priemna_store::{LockoutPolicy, StaffChangeRequest};
use std::io::Write;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_priemna");
const PASSWORD: &str = "correct horse battery";

fn priemna(db: &str, args: &[&str]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .args(["--database-url", db])
        .env("USER", "root")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{PASSWORD}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "priemna {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn add(db: &str, username: &str, role: &str) {
    priemna(
        db,
        &[
            "user",
            "add",
            "--username",
            username,
            "--name",
            username,
            "--role",
            role,
            "--password-stdin",
        ],
    );
}

#[tokio::test]
async fn the_command_line_unlocks_resets_and_approves_for_a_lone_administrator() {
    let dir = tempfile::tempdir().unwrap();
    let db = priemna_store::testing::fresh_database_url(dir.path())
        .await
        .unwrap();
    add(&db, "admin", "administrator");
    add(&db, "clerk", "registry_clerk");
    let store = priemna_store::connect(&db).await.unwrap();
    let clerk = store.user_by_username("clerk").await.unwrap().unwrap();
    let admin = store.user_by_username("admin").await.unwrap().unwrap();
    let now: jiff::Timestamp = "2026-12-04T15:00:00Z".parse().unwrap();
    let policy = LockoutPolicy {
        max_failures: 5,
        first_lock: jiff::SignedDuration::from_mins(15),
        longest_lock: jiff::SignedDuration::from_mins(60),
    };
    let account = priemna_store::SignInAttempt::user_account(clerk.id);
    let attempt = priemna_store::SignInAttempt {
        account: &account,
        owner: Some(clerk.id),
        client: "203.0.113.7",
    };
    for _ in 0..5 {
        store
            .record_login_failure(attempt, policy, now, &|_| None)
            .await
            .unwrap();
    }
    assert!(
        store
            .user_by_id(clerk.id)
            .await
            .unwrap()
            .unwrap()
            .locked_until
            .is_some()
    );

    priemna(&db, &["user", "unlock", "clerk"]);
    let unlocked = store.user_by_id(clerk.id).await.unwrap().unwrap();
    assert!(unlocked.locked_until.is_none());
    assert_eq!(unlocked.failed_logins, 0);

    let out = priemna(&db, &["user", "reset-password", "clerk"]);
    let printed = String::from_utf8(out.stdout).unwrap();
    let one_time = printed.lines().nth(1).unwrap().trim();
    assert_eq!(one_time.len(), 19, "{printed}");
    let reset = store.user_by_id(clerk.id).await.unwrap().unwrap();
    assert!(reset.must_change_password);
    assert_ne!(reset.password_hash, clerk.password_hash);

    // The lone administrator asked for a designation; the server's operator approves it.
    let change = store
        .request_staff_change(
            StaffChangeRequest {
                user_id: clerk.id,
                before: reset.state(),
                after: priemna_store::AccountState {
                    corruption_officer: true,
                    ..reset.state()
                },
                reset_password: false,
            },
            admin.id,
            now,
            &format!("user:{}:admin", admin.id),
        )
        .await
        .unwrap();
    let out = priemna(&db, &["user", "pending"]);
    let listed = String::from_utf8(out.stdout).unwrap();
    assert!(
        listed.starts_with(&format!("{}\tclerk\t", change.id)),
        "{listed}"
    );
    priemna(&db, &["user", "approve", &change.id.to_string()]);
    assert!(
        store
            .user_by_id(clerk.id)
            .await
            .unwrap()
            .unwrap()
            .corruption_officer
    );

    let journal = store.journal(0, 1000).await.unwrap();
    for action in [
        "user_unlock",
        "password_reset",
        "user_change_requested",
        "user_change_approved",
    ] {
        assert!(
            journal.iter().any(|e| e.action == action
                && (e.actor == "cli:root" || action == "user_change_requested")),
            "{action}"
        );
    }
}
