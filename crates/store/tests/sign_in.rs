//! Sign-in failures are counted per account and client address (migration 0019): a refusal
//! holds for one address only, waits grow, the owner is told once, names that are no account are
//! counted alike. Runs on SQLite, and on PostgreSQL with `PRIEMNA_TEST_BACKEND=postgres`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use jiff::{SignedDuration, Timestamp};
use priemna_domain::UserId;
use priemna_domain::access::Role;
use priemna_store::{
    LockoutPolicy, MessageKind, NewMessage, NewUser, Recipient, SignInAttempt, SignInFailure, Store,
};
use std::sync::Arc;

const POLICY: LockoutPolicy = LockoutPolicy {
    max_failures: 5,
    first_lock: SignedDuration::from_mins(1),
    longest_lock: SignedDuration::from_mins(60),
};

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

async fn store_with_user() -> (tempfile::TempDir, Arc<dyn Store>, UserId) {
    let dir = tempfile::tempdir().unwrap();
    let url = priemna_store::testing::fresh_database_url(dir.path())
        .await
        .unwrap();
    let store = priemna_store::connect(&url).await.unwrap();
    let user = store
        .create_user(
            NewUser {
                username: "eco".into(),
                display_name: "Еко Служител".into(),
                role: Role::CaseOfficer,
                department_id: None,
                corruption_officer: false,
                active: true,
                password_hash: "not a real hash".into(),
                email: Some("eco@haskovo.bg".into()),
            },
            at("2026-12-04T08:00:00Z"),
            "test",
            &[],
        )
        .await
        .unwrap();
    (dir, store, user.id)
}

fn mail(failure: &SignInFailure) -> Option<NewMessage> {
    Some(NewMessage {
        kind: MessageKind::SignInNotice,
        message_id: format!("<{}@test>", failure.failures),
        recipient: Recipient::Address {
            email: "eco@haskovo.bg".into(),
            name: None,
        },
        subject: "Неуспешни опити за вход".into(),
        text: "…".into(),
        html: "<p>…</p>".into(),
        attach_document: None,
        attach_file: None,
        dedupe_key: None,
    })
}

#[tokio::test]
async fn failures_refuse_one_address_with_growing_waits_and_the_owner_is_told_once() {
    let (_dir, store, eco) = store_with_user().await;
    let account = SignInAttempt::user_account(eco);
    let from = |client| SignInAttempt {
        account: &account,
        owner: Some(eco),
        client,
    };
    let now = at("2026-12-04T10:00:00Z");
    let mut outcomes = Vec::new();
    for _ in 0..5 {
        outcomes.push(
            store
                .record_login_failure(from("203.0.113.66"), POLICY, now, &mail)
                .await
                .unwrap(),
        );
    }
    assert!(outcomes[..4].iter().all(|o| o.refused_until.is_none()));
    assert_eq!(outcomes[4].failures, 5);
    assert_eq!(outcomes[4].refused_until, Some(at("2026-12-04T10:01:00Z")));
    assert!(outcomes[4].mailed);
    store
        .record_login_refused(from("203.0.113.66"), now)
        .await
        .unwrap();

    // Only that address is refused; the other has failed nowhere.
    let since = at("2026-12-04T09:00:00Z");
    let guesser = store
        .sign_in_standing(&account, "203.0.113.66", since)
        .await
        .unwrap();
    assert_eq!(guesser.refused_until, Some(at("2026-12-04T10:01:00Z")));
    assert_eq!(guesser.failing_addresses, 1);
    let owner = store
        .sign_in_standing(&account, "198.51.100.7", since)
        .await
        .unwrap();
    assert_eq!(owner.refused_until, None);

    // After the wait, one more failure waits twice as long; no second e-mail that day.
    let later = at("2026-12-04T10:01:00Z");
    let sixth = store
        .record_login_failure(from("203.0.113.66"), POLICY, later, &mail)
        .await
        .unwrap();
    assert_eq!(sixth.refused_until, Some(at("2026-12-04T10:03:00Z")));
    assert!(!sixth.mailed);
    let user = store.user_by_id(eco).await.unwrap().unwrap();
    assert_eq!(user.failed_logins, 6);
    assert_eq!(user.locked_until, Some(at("2026-12-04T10:03:00Z")));

    // The owner signs in elsewhere: told of seven attempts (six failures, one refused), once;
    // the guesser's address stays refused.
    let missed = store
        .record_login_success(eco, "198.51.100.7", at("2026-12-04T10:02:00Z"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(missed.count, 7);
    assert_eq!(missed.last_at, later);
    assert_eq!(missed.last_from, "203.0.113.66");
    let again = store
        .record_login_success(eco, "198.51.100.7", at("2026-12-04T10:02:30Z"))
        .await
        .unwrap();
    assert_eq!(again, None);
    let guesser = store
        .sign_in_standing(&account, "203.0.113.66", since)
        .await
        .unwrap();
    assert_eq!(guesser.refused_until, Some(at("2026-12-04T10:03:00Z")));

    let mails = store
        .outbox(&priemna_store::OutboxFilter {
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(mails.len(), 1);

    // An administrator ends every refusal.
    store
        .unlock_user(eco, at("2026-12-04T10:02:40Z"), "user:1:admin")
        .await
        .unwrap();
    let guesser = store
        .sign_in_standing(&account, "203.0.113.66", since)
        .await
        .unwrap();
    assert_eq!(guesser.refused_until, None);
    assert_eq!(guesser.failing_addresses, 0);
}

#[tokio::test]
async fn a_name_that_is_no_account_is_counted_alike_and_quiet_addresses_are_forgotten() {
    let (_dir, store, eco) = store_with_user().await;
    let unknown = SignInAttempt {
        account: "name:0123abcd",
        owner: None,
        client: "192.0.2.44",
    };
    let now = at("2026-12-04T10:00:00Z");
    let mut last = None;
    for _ in 0..5 {
        last = Some(
            store
                .record_login_failure(unknown, POLICY, now, &mail)
                .await
                .unwrap(),
        );
    }
    let last = last.unwrap();
    assert_eq!(last.refused_until, Some(at("2026-12-04T10:01:00Z")));
    assert!(!last.mailed, "nobody to mail");
    let standing = store
        .sign_in_standing("name:0123abcd", "192.0.2.44", now)
        .await
        .unwrap();
    assert_eq!(standing.refused_until, last.refused_until);
    // No account was touched.
    let user = store.user_by_id(eco).await.unwrap().unwrap();
    assert_eq!(user.failed_logins, 0);

    // A day later the address's failures are forgotten: the next wrong password is the first.
    let next_day = at("2026-12-05T10:00:01Z");
    let first = store
        .record_login_failure(unknown, POLICY, next_day, &mail)
        .await
        .unwrap();
    assert_eq!((first.failures, first.refused_until), (1, None));

    // The key names that are no account are hashed with is the database's own.
    let key = store.sign_in_key().await.unwrap();
    assert_eq!(key.len(), 64, "{key}");
    let (_other_dir, other, _) = store_with_user().await;
    assert_ne!(other.sign_in_key().await.unwrap(), key);
}
