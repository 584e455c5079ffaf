//! The charter's decisions are kept as facts under a versioned rulebook whose wording the
//! register holds once: what is read back is word for word what was decided, the column is a
//! fraction of the sentences, and a register whose rulebook was reworded in place refuses to
//! start. Runs on SQLite, and on PostgreSQL with `PRIEMNA_TEST_BACKEND=postgres`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use jiff::Timestamp;
use priemna_domain::submission::{RawSubmission, RawSubmitter, validate};
use priemna_domain::{WorkingCalendar, rules};
use priemna_store::{NewSubmission, StoredDecision};
use sqlx::Connection;

/// An anonymous signal marked as a threat, with words the screening finds, received on a day
/// whose two-month term ends on a Sunday (moved to the Monday).
fn submission() -> NewSubmission {
    let received_at: Timestamp = "2026-01-10T09:00:00Z".parse().unwrap();
    let day = priemna_domain::clock::local_date(received_at);
    let raw = RawSubmission {
        kind: Some("complaint".into()),
        channel: Some("web".into()),
        subject: Some("Пожар в мазето".into()),
        body: Some("Идиотите от фирмата оставиха оголени кабели, има опасност от пожар.".into()),
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

async fn execute(url: &str, sql: &str) {
    if url.starts_with("postgres") {
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    } else {
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
}

async fn text(url: &str, sql: &str) -> String {
    if url.starts_with("postgres") {
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap()
    } else {
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decisions_are_read_back_word_for_word_from_their_facts() {
    let dir = tempfile::tempdir().unwrap();
    let url = priemna_store::testing::fresh_database_url(dir.path())
        .await
        .unwrap();
    let store = priemna_store::connect(&url).await.unwrap();
    let new = submission();
    let decided: Vec<StoredDecision> = new
        .assessment
        .decisions
        .iter()
        .map(StoredDecision::from)
        .collect();
    assert!(decided.len() >= 2, "{decided:?}");
    let sentences = serde_json::to_string(&decided).unwrap();
    let registered = store.register(new).await.unwrap();

    let case = store
        .case_by_number(registered.number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(case.decisions, decided);
    let view = store
        .find_for_citizen(registered.number, &registered.tracking_code)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(view.decisions, decided);

    // The register keeps the facts, not the sentences.
    let column = text(&url, "SELECT decisions FROM submissions").await;
    assert!(column.starts_with(r#"{"rulebook":1,"#), "{column}");
    assert!(
        column.len() * 4 < sentences.len(),
        "{} bytes of facts for {} bytes of sentences: {column}",
        column.len(),
        sentences.len()
    );
    drop(store);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rulebook_reworded_in_place_stops_the_start_and_old_sentences_still_read() {
    let dir = tempfile::tempdir().unwrap();
    let url = priemna_store::testing::fresh_database_url(dir.path())
        .await
        .unwrap();
    let store = priemna_store::connect(&url).await.unwrap();
    let registered = store.register(submission()).await.unwrap();
    drop(store);

    // A case stored before the rulebook was versioned keeps its own sentences.
    execute(
        &url,
        r#"UPDATE submissions SET decisions = '[{"rule":"deadline_apk_2_months","reason_bg":"Стар текст.","reason_en":"Old text.","needs_review":false}]'"#,
    )
    .await;
    let store = priemna_store::connect(&url).await.unwrap();
    let case = store
        .case_by_number(registered.number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(case.decisions[0].reason_bg, "Стар текст.");
    drop(store);

    // Version 1's wording changed in the register: the cases decided under it would read
    // differently, so the register does not open.
    execute(
        &url,
        "UPDATE rulebook SET text_en = 'Something else.' WHERE version = 1 AND wording = 'possible_crime'",
    )
    .await;
    let err = match priemna_store::connect(&url).await {
        Ok(_) => panic!("a reworded rulebook must stop the start"),
        Err(e) => e.to_string(),
    };
    assert!(err.contains("rulebook version 1"), "{err}");
    assert!(err.contains("possible_crime"), "{err}");
}
