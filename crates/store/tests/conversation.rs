//! The conversation on a case (migration 0023): messages in order with their files, internal
//! notes kept from the citizen's reading, a request that stops and restarts the term, an
//! e-mail added once by its key, a finished case that takes nothing, the case's reference
//! token made once and found again (with the contact address, case-insensitively compared by
//! the caller), and the internal note written with a submission. Runs on SQLite, and on
//! PostgreSQL with `PRIEMNA_TEST_BACKEND=postgres`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use jiff::Timestamp;
use jiff::civil::date;
use priemna_domain::submission::{RawSubmission, RawSubmitter, validate};
use priemna_domain::{CaseId, Status, WorkingCalendar, rules};
use priemna_store::{
    CaseChange, DeadlineEffect, Direction, MessageChannel, NewAttachment, NewCaseMessage,
    NewSubmission, Registered, Store, StoreError, SubmissionExtras,
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

async fn register(store: &Arc<dyn Store>, kind: &str, extras: SubmissionExtras) -> Registered {
    let received_at = at("2026-03-02T08:00:00Z");
    let day = priemna_domain::clock::local_date(received_at);
    let raw = RawSubmission {
        kind: Some(kind.into()),
        channel: Some("web".into()),
        subject: Some("Разрешение за ремонт".into()),
        body: Some("Моля за разрешение.".into()),
        submitter: Some(RawSubmitter {
            name: Some("Мария Петрова".into()),
            email: Some("Maria@Example.bg".into()),
            ..RawSubmitter::default()
        }),
        consent: Some(true),
        ..RawSubmission::default()
    };
    let draft = validate(&raw, day).unwrap();
    let assessment = rules::assess(&draft, day, &WorkingCalendar::with_builtin_decrees());
    store
        .register(NewSubmission {
            draft,
            assessment,
            received_at,
            entered_by: "citizen".into(),
            messages: Vec::new(),
            extras,
        })
        .await
        .unwrap()
}

fn message(case_id: CaseId, direction: Direction, text: &str, when: &str) -> NewCaseMessage {
    NewCaseMessage {
        case_id,
        direction,
        channel: MessageChannel::Portal,
        author: None,
        text: text.into(),
        full_text: None,
        due_date: None,
        message_key: None,
        form: None,
        attachments: Vec::new(),
        deadline: DeadlineEffect::None,
        citizen_note: None,
        messages: Vec::new(),
        actor: "test".into(),
        action: "citizen_message".into(),
        journal_details: serde_json::json!({}),
        at: at(when),
    }
}

#[tokio::test]
async fn messages_keep_their_order_files_and_the_term_and_notes_stay_internal() {
    let (_dir, store) = store().await;
    let case = register(&store, "application", SubmissionExtras::default()).await;
    let record = store.case_by_number(case.number).await.unwrap().unwrap();
    assert_eq!(record.answer_due, Some(date(2026, 3, 16)));

    // A request: the term stops.
    let mut ask = message(
        case.id,
        Direction::ToCitizen,
        "Приложете скица.",
        "2026-03-02T09:00:00Z",
    );
    ask.due_date = Some(date(2026, 3, 9));
    ask.deadline = DeadlineEffect::Waiting {
        since: date(2026, 3, 2),
        stop_term: true,
    };
    ask.citizen_note = Some(("Поискахме информация.".into(), "We asked.".into()));
    ask.action = "request_information".into();
    store.add_case_message(ask).await.unwrap();
    let mut note = message(
        case.id,
        Direction::Internal,
        "Само за нас.",
        "2026-03-02T09:05:00Z",
    );
    note.channel = MessageChannel::Staff;
    note.action = "internal_note".into();
    store.add_case_message(note).await.unwrap();
    assert_eq!(
        store.awaiting_since(case.id).await.unwrap(),
        Some(date(2026, 3, 2))
    );
    let record = store.case_by_number(case.number).await.unwrap().unwrap();
    assert_eq!(record.answer_due, None, "the term stopped");
    assert!(
        record
            .history
            .iter()
            .any(|e| e.note_bg == "Поискахме информация.")
    );

    // The answer by e-mail, with a file, added once by its key; the term runs anew.
    let mut answer = message(
        case.id,
        Direction::FromCitizen,
        "Ето скицата.",
        "2026-03-05T09:00:00Z",
    );
    answer.channel = MessageChannel::Email;
    answer.full_text = Some("Ето скицата.\n\n> Приложете скица.".into());
    answer.message_key = Some("key-1".into());
    answer.attachments = vec![NewAttachment {
        filename: "skica.pdf".into(),
        content_type: "application/pdf".into(),
        data: b"%PDF-1.4\n".to_vec(),
    }];
    answer.deadline = DeadlineEffect::Arrived {
        new_due: Some(date(2026, 3, 19)),
    };
    let added = store.add_case_message(answer.clone()).await.unwrap();
    assert_eq!(added.attachments.len(), 1);
    assert!(matches!(
        store.add_case_message(answer).await,
        Err(StoreError::Duplicate(_))
    ));
    assert!(store.mail_handled("key-1", "no-form").await.unwrap());
    assert_eq!(store.awaiting_since(case.id).await.unwrap(), None);
    let record = store.case_by_number(case.number).await.unwrap().unwrap();
    assert_eq!(record.answer_due, Some(date(2026, 3, 19)));

    let all = store.case_messages(case.id, true).await.unwrap();
    let directions: Vec<Direction> = all.iter().map(|m| m.direction).collect();
    assert_eq!(
        directions,
        [
            Direction::ToCitizen,
            Direction::Internal,
            Direction::FromCitizen
        ]
    );
    assert_eq!(all[0].due_date, Some(date(2026, 3, 9)));
    assert_eq!(all[2].attachments[0].filename, "skica.pdf");
    assert_eq!(all[2].channel, MessageChannel::Email);
    assert!(all[2].full_text.as_deref().unwrap().contains("> Приложете"));
    let citizens = store.case_messages(case.id, false).await.unwrap();
    assert_eq!(citizens.len(), 2);
    assert!(citizens.iter().all(|m| m.direction != Direction::Internal));
    // The file is the case's too, and the journal holds each step.
    assert_eq!(store.attachments(case.number).await.unwrap().len(), 1);
    let journal = store.journal(0, 100).await.unwrap();
    for action in [
        "request_information",
        "internal_note",
        "citizen_message",
        "attach",
    ] {
        assert!(journal.iter().any(|e| e.action == action), "{action}");
    }

    // A finished case takes nothing more.
    let mut close = CaseChange::new(
        at("2026-03-06T09:00:00Z"),
        "test".into(),
        "close",
        Status::Registered,
        Status::Closed,
    );
    close.citizen_note = None;
    store.apply_change(case.id, close).await.unwrap();
    assert!(matches!(
        store
            .add_case_message(message(
                case.id,
                Direction::FromCitizen,
                "Още?",
                "2026-03-07T09:00:00Z"
            ))
            .await,
        Err(StoreError::Conflict(_))
    ));
}

#[tokio::test]
async fn a_case_reference_is_made_once_and_finds_its_case() {
    let (_dir, store) = store().await;
    let case = register(&store, "signal", SubmissionExtras::default()).await;
    let now = at("2026-03-02T09:00:00Z");
    let token = store
        .thread_token(case.id, "ABCDEFGHJKMNP", now)
        .await
        .unwrap();
    assert_eq!(token, "ABCDEFGHJKMNP");
    assert_eq!(
        store
            .thread_token(case.id, "0000000000000", now)
            .await
            .unwrap(),
        token,
        "made once"
    );
    let found = store.thread_cases(&[token], &[]).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].number, case.number);
    assert!(found[0].open);
    assert_eq!(found[0].contact_email.as_deref(), Some("Maria@Example.bg"));
    assert!(
        store
            .thread_cases(&["ZZZZZZZZZZZZZ".into()], &["<x@y>".into()])
            .await
            .unwrap()
            .is_empty()
    );

    // A submission registered with a note for the clerk (the mailbox's link to another case).
    let linked = register(
        &store,
        "signal",
        SubmissionExtras {
            internal_note: Some(format!(
                "Отговор на преписка {} от друг адрес.",
                case.number
            )),
            ..SubmissionExtras::default()
        },
    )
    .await;
    let notes = store.case_messages(linked.id, true).await.unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].direction, Direction::Internal);
    assert!(notes[0].text.contains(&case.number.to_string()));
    assert!(
        store
            .case_messages(linked.id, false)
            .await
            .unwrap()
            .is_empty()
    );
}
