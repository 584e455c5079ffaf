//! Mail that did not become a submission (migration 0022): noted once per message key, found
//! handled afterwards (and so is a key registered as a form token), and a bounce marks the sent
//! outbox message it returns failed. Runs on SQLite, and on PostgreSQL with
//! `PRIEMNA_TEST_BACKEND=postgres`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use jiff::{SignedDuration, Timestamp};
use priemna_domain::access::Role;
use priemna_store::{
    LockoutPolicy, MailOutcome, MessageKind, NewMailNote, NewMessage, NewUser, OutboxFilter,
    OutboxState, Recipient, SignInAttempt, SignInFailure, Store,
};
use std::sync::Arc;

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

async fn store() -> (tempfile::TempDir, Arc<dyn Store>) {
    let dir = tempfile::tempdir().unwrap();
    let url = priemna_store::testing::fresh_database_url(dir.path())
        .await
        .unwrap();
    (dir, priemna_store::connect(&url).await.unwrap())
}

fn note(key: &str, outcome: MailOutcome, returns: Option<&str>) -> NewMailNote {
    NewMailNote {
        message_key: key.into(),
        message_id: Some(format!("{key}@example.bg")),
        sender: Some("ivan@example.bg".into()),
        subject: Some("Тема".into()),
        outcome,
        reason: "550 5.1.1 no such user".into(),
        size: 1234,
        raw: Some(b"From: ivan@example.bg\r\n\r\nbody".to_vec()),
        returns_message_id: returns.map(str::to_owned),
        received_at: at("2026-12-04T10:00:00Z"),
    }
}

#[tokio::test]
async fn a_message_is_noted_once_and_found_handled() {
    let (_dir, store) = store().await;
    assert!(!store.mail_handled("k1", "t1").await.unwrap());
    assert!(
        store
            .note_mail(note("k1", MailOutcome::SetAside, None))
            .await
            .unwrap()
    );
    assert!(
        !store
            .note_mail(note("k1", MailOutcome::SetAside, None))
            .await
            .unwrap()
    );
    assert!(store.mail_handled("k1", "t1").await.unwrap());
    let notes = store.mail_notes(10).await.unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].outcome, MailOutcome::SetAside);
    assert!(notes[0].kept);
    assert_eq!(notes[0].size, 1234);
    assert_eq!(
        store.mail_note_raw(notes[0].id).await.unwrap().unwrap(),
        b"From: ivan@example.bg\r\n\r\nbody"
    );
}

#[tokio::test]
async fn a_bounce_marks_the_sent_message_it_returns_failed() {
    let (_dir, store) = store().await;
    // A message in the outbox (a sign-in notice is the simplest to queue), then sent.
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
    let account = SignInAttempt::user_account(user.id);
    let mail = |_: &SignInFailure| {
        Some(NewMessage {
            kind: MessageKind::SignInNotice,
            message_id: "<notice.1@haskovo.bg>".into(),
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
    };
    let policy = LockoutPolicy {
        max_failures: 1,
        first_lock: SignedDuration::from_mins(1),
        longest_lock: SignedDuration::from_mins(60),
    };
    let now = at("2026-12-04T10:00:00Z");
    let attempt = SignInAttempt {
        account: &account,
        owner: Some(user.id),
        client: "203.0.113.66",
    };
    assert!(
        store
            .record_login_failure(attempt, policy, now, &mail)
            .await
            .unwrap()
            .mailed
    );
    let claimed = store
        .claim_outbox("w", now, now + SignedDuration::from_mins(1), 10)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);
    assert!(
        store
            .outbox_sent(claimed[0].id, "w", now, "250 ok")
            .await
            .unwrap()
    );

    // A bounce naming another message changes nothing; one naming it marks it failed.
    store
        .note_mail(note("b0", MailOutcome::Bounce, Some("<other@haskovo.bg>")))
        .await
        .unwrap();
    store
        .note_mail(note(
            "b1",
            MailOutcome::Bounce,
            Some("<notice.1@haskovo.bg>"),
        ))
        .await
        .unwrap();
    let entries = store.outbox(&OutboxFilter::default()).await.unwrap();
    let entry = entries.iter().find(|e| e.id == claimed[0].id).unwrap();
    assert_eq!(entry.state, OutboxState::Failed);
    assert!(
        entry.last_error.as_deref().unwrap().contains("550 5.1.1"),
        "{entry:?}"
    );
    let notes = store.mail_notes(10).await.unwrap();
    assert_eq!(notes[0].bounced_outbox_id, Some(claimed[0].id));
    assert_eq!(notes[1].bounced_outbox_id, None);
}
