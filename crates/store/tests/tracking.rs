//! A citizen's tracking look-up (on SQLite read on the request's own thread, through a list of
//! read-only connections; on PostgreSQL through the pool): the case and its history as the
//! register holds them the moment they are committed, nothing for a wrong code or an unknown
//! number, and every look-up answered when many run at once. Runs on SQLite, and on
//! PostgreSQL with `PRIEMNA_TEST_BACKEND=postgres`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use jiff::Timestamp;
use priemna_domain::submission::{RawSubmission, RawSubmitter, validate};
use priemna_domain::{RegistrationNumber, Status, WorkingCalendar, rules};
use priemna_store::{CaseChange, NewSubmission};
use std::sync::Arc;

fn submission(i: usize) -> NewSubmission {
    let received_at: Timestamp = "2026-03-10T09:00:00Z".parse().unwrap();
    let day = priemna_domain::clock::local_date(received_at);
    let raw = RawSubmission {
        kind: Some("signal".into()),
        channel: Some("web".into()),
        subject: Some(format!("Счупена улична лампа № {i}")),
        body: Some("Лампата на ъгъла не свети от седмица.".into()),
        submitter: Some(RawSubmitter {
            name: Some("Иван Иванов".into()),
            email: Some("ivan@example.bg".into()),
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

fn triage(at: Timestamp) -> CaseChange {
    CaseChange {
        at,
        actor: "clerk".into(),
        action: "triage".into(),
        expected_status: Status::Registered,
        new_status: Status::Triaged,
        department_id: None,
        assignee_id: None,
        subject_employee_id: None,
        answer_due: None,
        considered: None,
        triage_note: None,
        not_considered_rule: None,
        forwarded_to: None,
        duplicate_of: None,
        answer: None,
        conflict: None,
        citizen_note: Some((
            "Сигналът е разгледан.".into(),
            "The signal was reviewed.".into(),
        )),
        journal_details: serde_json::json!({}),
        documents: Vec::new(),
        messages: Vec::new(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tracking_reads_what_was_just_committed_and_nothing_for_a_wrong_code() {
    let dir = tempfile::tempdir().unwrap();
    let url = priemna_store::testing::fresh_database_url(dir.path())
        .await
        .unwrap();
    let store = priemna_store::connect(&url).await.unwrap();
    let registered = store.register(submission(0)).await.unwrap();

    let view = store
        .find_for_citizen(registered.number, &registered.tracking_code)
        .await
        .unwrap()
        .expect("the case, right after it was registered");
    assert_eq!(view.number, registered.number);
    assert_eq!(view.subject, "Счупена улична лампа № 0");
    assert_eq!(view.status, Status::Registered);
    let before = view.history.len();
    assert!(before >= 1, "{:?}", view.history);

    // The code as a citizen types it: lower case, without dashes, with spaces around.
    let typed = format!(
        "  {}  ",
        registered.tracking_code.replace('-', "").to_lowercase()
    );
    assert!(
        store
            .find_for_citizen(registered.number, &typed)
            .await
            .unwrap()
            .is_some()
    );

    // A wrong code and an unknown number read nothing.
    let mut wrong = registered.tracking_code.clone();
    let last = wrong.pop().unwrap();
    wrong.push(if last == 'A' { 'B' } else { 'A' });
    assert!(
        store
            .find_for_citizen(registered.number, &wrong)
            .await
            .unwrap()
            .is_none()
    );
    let unknown: RegistrationNumber = "2026-999999".parse().unwrap();
    assert!(
        store
            .find_for_citizen(unknown, &registered.tracking_code)
            .await
            .unwrap()
            .is_none()
    );

    // A change is seen by the next look-up, with its event last.
    let case = store
        .case_by_number(registered.number)
        .await
        .unwrap()
        .unwrap();
    store
        .apply_change(case.id, triage("2026-03-10T10:00:00Z".parse().unwrap()))
        .await
        .unwrap();
    let view = store
        .find_for_citizen(registered.number, &registered.tracking_code)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(view.status, Status::Triaged);
    assert_eq!(view.history.len(), before + 1);
    let last = view.history.last().unwrap();
    assert_eq!(last.status, Status::Triaged);
    assert_eq!(last.note_bg, "Сигналът е разгледан.");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_look_ups_at_once_are_all_answered() {
    let dir = tempfile::tempdir().unwrap();
    let url = priemna_store::testing::fresh_database_url(dir.path())
        .await
        .unwrap();
    let store = priemna_store::connect(&url).await.unwrap();
    let mut cases = Vec::new();
    for i in 0..20 {
        let r = store.register(submission(i)).await.unwrap();
        cases.push((r.number, r.tracking_code));
    }
    let cases = Arc::new(cases);
    // More at once than the connections kept idle, while the writer keeps registering.
    let mut tasks = Vec::new();
    for t in 0..48 {
        let (store, cases) = (store.clone(), cases.clone());
        tasks.push(tokio::spawn(async move {
            for k in 0..25 {
                let (number, code) = &cases[(t + k) % cases.len()];
                let view = store.find_for_citizen(*number, code).await.unwrap();
                assert_eq!(view.map(|v| v.number), Some(*number));
            }
        }));
    }
    for i in 20..40 {
        store.register(submission(i)).await.unwrap();
    }
    for task in tasks {
        task.await.unwrap();
    }
}
