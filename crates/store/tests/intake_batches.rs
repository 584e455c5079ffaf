//! Group commit: a batch is written at once, and if anything in it fails, again one
//! submission at a time — so one failing submission takes none of its neighbours down, and the
//! numbers stay gap-free. Runs on SQLite, and on PostgreSQL with `PRIEMNA_TEST_BACKEND=postgres`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use jiff::Timestamp;
use priemna_domain::submission::{RawSubmission, RawSubmitter, validate};
use priemna_domain::{WorkingCalendar, rules};
use priemna_store::{JournalVerdict, NewSubmission, StoreError};
use sqlx::Connection;

fn submission(received_at: &str, i: usize) -> NewSubmission {
    let received_at: Timestamp = received_at.parse().unwrap();
    let day = priemna_domain::clock::local_date(received_at);
    let raw = RawSubmission {
        kind: Some("signal".into()),
        channel: Some("web".into()),
        subject: Some(format!("Не свети лампа №{i}")),
        body: Some("Уличната лампа пред блока не свети от седмица.".into()),
        submitter: Some(RawSubmitter {
            name: Some("Мария Петрова".into()),
            email: Some("maria@example.bg".into()),
            ..RawSubmitter::default()
        }),
        consent: Some(true),
        ..RawSubmission::default()
    };
    let draft = validate(&raw, day).unwrap();
    let assessment = rules::assess(&draft, day, &WorkingCalendar::with_builtin_decrees());
    NewSubmission {
        draft,
        assessment,
        received_at,
        entered_by: "citizen".into(),
        messages: Vec::new(),
        extras: Default::default(),
    }
}

/// Sets a year's counter to its very last number, so the next submission of that year fails.
async fn exhaust_series(url: &str, year: i16) {
    let sql = format!(
        "INSERT INTO registration_counters (year, last_seq) VALUES ({year}, {})",
        u32::MAX
    );
    if url.starts_with("postgres") {
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query(&sql).execute(&mut conn).await.unwrap();
    } else {
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::query(&sql).execute(&mut conn).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_submission_takes_none_of_its_batch_down_and_numbers_stay_gap_free() {
    let dir = tempfile::tempdir().unwrap();
    let url = priemna_store::testing::fresh_database_url(dir.path())
        .await
        .unwrap();
    let store = priemna_store::connect(&url).await.unwrap();
    let first = store
        .register(submission("2026-12-30T10:00:00Z", 0))
        .await
        .unwrap();
    assert_eq!(first.number.to_string(), "2026-000001");
    exhaust_series(&url, 2027).await;

    // Submissions arriving together are written together; the one received in 2027 cannot get
    // a number.
    let mut waiting = Vec::new();
    for i in 1..=40 {
        let store = store.clone();
        let at = if i == 20 {
            "2027-01-04T09:00:00Z"
        } else {
            "2026-12-30T11:00:00Z"
        };
        waiting.push(tokio::spawn(async move {
            store.register(submission(at, i)).await
        }));
    }
    let mut numbers = Vec::new();
    let mut failures = 0;
    for handle in waiting {
        match handle.await.unwrap() {
            Ok(registered) => numbers.push(registered.number),
            Err(StoreError::SeriesExhausted(2027)) => failures += 1,
            Err(e) => panic!("unexpected error: {e}"),
        }
    }
    assert_eq!(failures, 1);
    numbers.sort();
    assert!(numbers.iter().all(|n| n.year() == 2026));
    let sequences: Vec<u32> = numbers.iter().map(|n| n.sequence()).collect();
    assert_eq!(sequences, (2..=40).collect::<Vec<u32>>(), "gap-free");
    assert_eq!(store.count_submissions().await.unwrap(), 40);
    assert!(matches!(
        store.verify_journal().await.unwrap(),
        JournalVerdict::Intact { .. }
    ));
}

async fn count(url: &str, sql: &str) -> i64 {
    if url.starts_with("postgres") {
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap()
    } else {
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap()
    }
}

/// A batch of plain submissions is written with one statement per table: every row that the
/// one-at-a-time path writes is there — the submitter or the sealed identity, the first event,
/// the journal's entries in one unbroken chain, the receipt e-mail with its number filled in
/// and its tracking code kept until it is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_written_at_once_keeps_every_row_of_every_submission() {
    use priemna_store::{NUMBER_PLACEHOLDER, NewMessage, Recipient, TRACKING_CODE_PLACEHOLDER};
    let dir = tempfile::tempdir().unwrap();
    let url = priemna_store::testing::fresh_database_url(dir.path())
        .await
        .unwrap();
    let store = priemna_store::connect(&url).await.unwrap();
    let mut waiting = Vec::new();
    for i in 0..150usize {
        let store = store.clone();
        waiting.push(tokio::spawn(async move {
            let mut s = submission("2026-03-02T09:00:00Z", i);
            match i % 3 {
                // A corruption signal: its submitter's identity is sealed.
                0 => s.draft.kind = priemna_domain::Kind::CorruptionSignal,
                // Anonymous: no submitter, no e-mail, no consent in the journal.
                1 => s.draft.submitter = None,
                _ => {}
            }
            s.messages.push(NewMessage {
                kind: priemna_store::MessageKind::Receipt,
                message_id: format!("<receipt-{i}@test>"),
                recipient: Recipient::Submitter,
                subject: format!("Входящ № {NUMBER_PLACEHOLDER}"),
                text: format!("Код: {TRACKING_CODE_PLACEHOLDER}"),
                html: format!("<p>Код: {TRACKING_CODE_PLACEHOLDER}</p>"),
                attach_document: None,
                attach_file: None,
                dedupe_key: None,
            });
            (i, store.register(s).await.unwrap())
        }));
    }
    let mut codes = std::collections::HashMap::new();
    for handle in waiting {
        let (i, registered) = handle.await.unwrap();
        let case = store
            .case_by_number(registered.number)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(case.id, registered.id);
        assert_eq!(case.subject, format!("Не свети лампа №{i}"));
        codes.insert(registered.number.to_string(), registered.tracking_code);
    }
    let mut sequences: Vec<u32> = codes
        .keys()
        .map(|n| {
            n.parse::<priemna_domain::RegistrationNumber>()
                .unwrap()
                .sequence()
        })
        .collect();
    sequences.sort_unstable();
    assert_eq!(sequences, (1..=150).collect::<Vec<u32>>(), "gap-free");
    assert_eq!(count(&url, "SELECT COUNT(*) FROM submitters").await, 50);
    assert_eq!(
        count(&url, "SELECT COUNT(*) FROM sealed_identities").await,
        50
    );
    assert_eq!(count(&url, "SELECT COUNT(*) FROM case_events").await, 150);
    assert_eq!(
        count(
            &url,
            "SELECT COUNT(*) FROM journal WHERE action = 'register'"
        )
        .await,
        150
    );
    assert_eq!(
        count(
            &url,
            "SELECT COUNT(*) FROM journal WHERE action = 'record_consent'"
        )
        .await,
        100
    );
    assert!(matches!(
        store.verify_journal().await.unwrap(),
        JournalVerdict::Intact { .. }
    ));
    // Named submitters (sealed or not) gave an address: 100 receipts, each with its own number
    // and the code that goes with it.
    let at: Timestamp = "2026-03-02T09:01:00Z".parse().unwrap();
    let claimed = store
        .claim_outbox("test", at, at + jiff::SignedDuration::from_mins(5), 1000)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 100);
    for m in claimed {
        assert_eq!(m.recipient, "maria@example.bg");
        let number = m.subject.trim_start_matches("Входящ № ");
        let code = codes.get(number).unwrap_or_else(|| panic!("{}", m.subject));
        assert_eq!(m.secret.as_deref(), Some(code.as_str()));
    }
}
