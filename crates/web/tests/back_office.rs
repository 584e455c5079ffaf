//! The back office over HTTP, as each role uses it: the life of a case, refusals, conflicts of
//! interest, sealed whistleblower identities, deadlines and the journal.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod helpers;

use helpers::{StaffClient, TestApp, named, spawn_app_at};
use priemna_store::JournalVerdict;
use serde_json::{Value, json};

/// A municipality with two departments and one person in every role.
struct Town {
    app: TestApp,
    roads: i64,
    social: i64,
    clerk: StaffClient,
    clerk_corruption: StaffClient,
    head_roads: StaffClient,
    officer_roads: StaffClient,
    officer_roads2: StaffClient,
    officer_social: StaffClient,
    officer_corruption: StaffClient,
    mayor: StaffClient,
    auditor: StaffClient,
    admin: StaffClient,
}

async fn town(now: &str) -> Town {
    let app = spawn_app_at(now).await;
    let roads = app.add_department("Пътища и благоустройство").await;
    let social = app.add_department("Социални дейности").await;
    app.add_staff("clerk", "registry_clerk", None, false).await;
    app.add_staff("clerk_c", "registry_clerk", None, true).await;
    let head = app
        .add_staff("head_roads", "department_head", Some(roads), false)
        .await;
    app.store
        .set_department_head(
            priemna_domain::DepartmentId(roads),
            Some(priemna_domain::UserId(head)),
            app.clock_now(),
            "test",
        )
        .await
        .unwrap();
    app.add_staff("officer_roads", "case_officer", Some(roads), false)
        .await;
    app.add_staff("officer_roads2", "case_officer", Some(roads), false)
        .await;
    app.add_staff("officer_social", "case_officer", Some(social), false)
        .await;
    app.add_staff("officer_c", "case_officer", Some(roads), true)
        .await;
    app.add_staff("mayor", "mayors_office", None, false).await;
    app.add_staff("auditor", "auditor", None, false).await;
    app.add_staff("admin", "administrator", None, false).await;
    Town {
        roads,
        social,
        clerk: app.login("clerk").await,
        clerk_corruption: app.login("clerk_c").await,
        head_roads: app.login("head_roads").await,
        officer_roads: app.login("officer_roads").await,
        officer_roads2: app.login("officer_roads2").await,
        officer_social: app.login("officer_social").await,
        officer_corruption: app.login("officer_c").await,
        mayor: app.login("mayor").await,
        auditor: app.login("auditor").await,
        admin: app.login("admin").await,
        app,
    }
}

trait ClockNow {
    fn clock_now(&self) -> jiff::Timestamp;
}

impl ClockNow for TestApp {
    fn clock_now(&self) -> jiff::Timestamp {
        use priemna_domain::Clock;
        self.clock.now()
    }
}

async fn submit(app: &TestApp, body: Value) -> (String, String) {
    app.registered(body).await
}

fn pothole() -> Value {
    json!({"kind": "signal", "channel": "web", "subject": "Дупка на ул. „Шипка“",
           "body": "Голяма дупка пред №5.", "consent": true, "submitter": named()})
}

fn assert_refused(result: (u16, Value), status: u16, what: &str) {
    assert_eq!(result.0, status, "{what}: {}", result.1);
    let message = result.1["error"]["message_bg"].as_str().unwrap_or_default();
    assert!(!message.is_empty(), "{what}: a refusal says why");
}

#[tokio::test]
async fn a_complaint_goes_through_its_whole_life_and_the_citizen_is_told_each_step() {
    // Received Monday 2 March 2026 (3 March is a holiday): a written complaint about bad
    // administration is due in 7 days, on Monday 9 March.
    let t = town("2026-03-02T10:00:00+02:00").await;
    let (number, code) = submit(
        &t.app,
        json!({"kind": "complaint", "channel": "in_person_written",
               "subject": "Забавено удостоверение", "body": "Чакам от месец.",
               "about_bad_administration": true, "consent": true, "submitter": named()}),
    )
    .await;
    let path = format!("/api/v1/cases/{number}");

    let (status, case) = t.clerk.get(&path).await;
    assert_eq!(status, 200);
    assert_eq!(case["answer_due"], "2026-03-09");
    assert_eq!(
        case["available_actions"],
        json!([
            "triage",
            "assign",
            "leave_unanswered",
            "forward",
            "mark_duplicate"
        ])
    );

    let (status, case) = t.clerk.act(&number, json!({"action": "triage"})).await;
    assert_eq!(status, 200, "{case}");
    assert_eq!(case["status"], "triaged");

    let (status, case) = t
        .clerk
        .act(
            &number,
            json!({"action": "assign", "department_id": t.roads,
                             "assignee_id": t.officer_roads.id}),
        )
        .await;
    assert_eq!(status, 200, "{case}");
    assert_eq!(case["status"], "assigned");

    // The officer sees it in their inbox; a colleague in another department does not.
    let (_, inbox) = t.officer_roads.get("/api/v1/cases").await;
    assert_eq!(inbox["cases"][0]["number"], number.as_str());
    let (_, other) = t.officer_social.get("/api/v1/cases").await;
    assert!(other["cases"].as_array().unwrap().is_empty());
    assert_refused(
        t.officer_social.get(&path).await,
        403,
        "officer of another department",
    );

    let (status, case) = t
        .officer_roads
        .act(&number, json!({"action": "start_work"}))
        .await;
    assert_eq!(
        (status, case["status"].as_str()),
        (200, Some("in_progress"))
    );

    // An inspection is needed: the deadline moves, and the citizen is told why and until when.
    let (status, case) = t
        .officer_roads
        .act(
            &number,
            json!({"action": "require_inspection", "new_due": "2026-03-30",
                             "reason": "необходима е проверка на място"}),
        )
        .await;
    assert_eq!(status, 200, "{case}");
    assert_eq!(case["status"], "inspection");
    assert_eq!(case["answer_due"], "2026-03-30");
    let (_, tracked) = t.app.track(&number, Some(&code)).await;
    assert_eq!(tracked["status"], "inspection");
    assert_eq!(tracked["answer_due"], "2026-03-30");
    let note = tracked["history"].as_array().unwrap().last().unwrap()["note"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        note.contains("проверка на място") && note.contains("30.03.2026"),
        "{note}"
    );

    let (status, case) = t
        .officer_roads
        .act(
            &number,
            json!({"action": "answer",
                             "text": "Удостоверението е издадено и може да бъде получено."}),
        )
        .await;
    assert_eq!(status, 200, "{case}");
    assert_eq!(case["status"], "answered");
    assert_eq!(case["answer"]["signed_by"], t.officer_roads.id);
    let (_, tracked) = t.app.track(&number, Some(&code)).await;
    assert_eq!(
        tracked["answer"]["text"],
        "Удостоверението е издадено и може да бъде получено."
    );

    // An officer may not close; the head of department may.
    assert_refused(
        t.officer_roads
            .act(&number, json!({"action": "close"}))
            .await,
        403,
        "officer closes",
    );
    let (status, case) = t.head_roads.act(&number, json!({"action": "close"})).await;
    assert_eq!((status, case["status"].as_str()), (200, Some("closed")));

    // A closed case takes no more answers, and reopening needs a reason.
    assert_refused(
        t.head_roads
            .act(&number, json!({"action": "answer", "text": "още"}))
            .await,
        409,
        "answer a closed case",
    );
    let (status, error) = t.head_roads.act(&number, json!({"action": "reopen"})).await;
    assert_eq!(status, 422);
    assert_eq!(error["error"]["fields"][0]["field"], "reason");
    let (status, case) = t
        .head_roads
        .act(
            &number,
            json!({"action": "reopen", "reason": "гражданинът представи нови факти"}),
        )
        .await;
    assert_eq!((status, case["status"].as_str()), (200, Some("triaged")));

    let (_, tracked) = t.app.track(&number, Some(&code)).await;
    let statuses: Vec<&str> = tracked["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        [
            "registered",
            "triaged",
            "assigned",
            "in_progress",
            "inspection",
            "answered",
            "closed",
            "triaged"
        ]
    );

    // Every step is in the journal, and the chain holds.
    let (status, journal) = t.auditor.get("/api/v1/journal?limit=1000").await;
    assert_eq!(status, 200);
    assert_eq!(journal["intact"], true);
    let actions: Vec<&str> = journal["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["details"]["number"] == number.as_str())
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "register",
            // The named submitter's consent, kept with the registration.
            "record_consent",
            "triage",
            "assign",
            // The officer of another department was refused the case: refusals are journalled.
            "access_denied",
            "start_work",
            // The delay notice and the answer letter are addressed to the submitter: reading
            // their name and address for the letter is journalled too.
            "read_personal_data",
            "require_inspection",
            "read_personal_data",
            "answer",
            // The officer was refused closing it.
            "access_denied",
            "close",
            "reopen"
        ]
    );
}

#[tokio::test]
async fn each_role_sees_and_does_only_what_it_must() {
    let t = town("2026-03-02T10:00:00+02:00").await;
    let (number, _) = submit(&t.app, pothole()).await;
    let case = format!("/api/v1/cases/{number}");
    let personal = format!("{case}/personal-data");

    // (who, GET case, GET personal data, GET inbox, GET journal, POST users)
    let expectations: [(&StaffClient, &str, u16, u16, u16, u16, u16); 7] = [
        (&t.clerk, "clerk", 200, 200, 200, 403, 403),
        (
            &t.head_roads,
            "head (case not yet in the department)",
            403,
            403,
            200,
            403,
            403,
        ),
        (
            &t.officer_roads,
            "officer (not assigned)",
            403,
            403,
            200,
            403,
            403,
        ),
        (&t.mayor, "mayor's office", 200, 200, 200, 403, 403),
        (&t.auditor, "auditor", 200, 403, 200, 200, 403),
        (&t.admin, "administrator", 403, 403, 403, 200, 400),
        (
            &t.officer_corruption,
            "designated officer (not assigned)",
            403,
            403,
            200,
            403,
            403,
        ),
    ];
    for (who, name, case_status, personal_status, inbox_status, journal_status, users_status) in
        expectations
    {
        assert_eq!(who.get(&case).await.0, case_status, "{name}: case");
        assert_eq!(
            who.get(&personal).await.0,
            personal_status,
            "{name}: personal data"
        );
        assert_eq!(
            who.get("/api/v1/cases").await.0,
            inbox_status,
            "{name}: inbox"
        );
        assert_eq!(
            who.get("/api/v1/journal").await.0,
            journal_status,
            "{name}: journal"
        );
        // An empty user: 400/422 for the administrator (allowed, but invalid), 403 for others.
        let (status, _) = who.post("/api/v1/users", json!({})).await;
        let expected_users = if users_status == 400 {
            422
        } else {
            users_status
        };
        assert_eq!(status, expected_users, "{name}: add user");
    }
    // Reading personal data is journalled with the reader.
    let (_, journal) = t.auditor.get("/api/v1/journal?limit=1000").await;
    let reads = journal["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "read_personal_data")
        .count();
    assert_eq!(reads, 2, "the clerk and the mayor's office read it");

    // Actions by role on a fresh case.
    assert_refused(
        t.officer_roads
            .act(&number, json!({"action": "triage"}))
            .await,
        403,
        "officer triages",
    );
    assert_refused(
        t.auditor.act(&number, json!({"action": "triage"})).await,
        403,
        "auditor triages",
    );
    assert_refused(
        t.admin.act(&number, json!({"action": "triage"})).await,
        403,
        "admin triages",
    );
    assert_refused(
        t.head_roads
            .act(
                &number,
                json!({"action": "assign", "department_id": t.roads}),
            )
            .await,
        403,
        "head pulls an unrouted case",
    );
    // A clerk routes it to roads; now the head may assign within roads, but not elsewhere.
    let (status, _) = t
        .clerk
        .act(
            &number,
            json!({"action": "assign", "department_id": t.roads}),
        )
        .await;
    assert_eq!(status, 200);
    assert_refused(
        t.head_roads
            .act(
                &number,
                json!({"action": "assign", "department_id": t.social,
                                 "assignee_id": t.officer_social.id}),
            )
            .await,
        403,
        "head assigns outside the department",
    );
    assert_refused(
        t.head_roads
            .act(
                &number,
                json!({"action": "assign", "department_id": t.roads,
                                 "assignee_id": t.officer_social.id}),
            )
            .await,
        403,
        "assignee from another department",
    );
    let (status, case_now) = t
        .head_roads
        .act(
            &number,
            json!({"action": "assign", "department_id": t.roads,
                             "assignee_id": t.officer_roads2.id}),
        )
        .await;
    assert_eq!(status, 200, "{case_now}");
    assert_eq!(t.officer_roads2.get(&case).await.0, 200);
    assert_eq!(
        t.officer_roads.get(&case).await.0,
        403,
        "a colleague's case"
    );

    // Unknown action and missing fields are named.
    let (status, error) = t
        .officer_roads2
        .act(&number, json!({"action": "shred"}))
        .await;
    assert_eq!(
        (status, error["error"]["fields"][0]["field"].as_str()),
        (422, Some("action"))
    );
    let (status, error) = t
        .officer_roads2
        .act(
            &number,
            json!({"action": "require_inspection", "reason": "x"}),
        )
        .await;
    assert_eq!(
        (status, error["error"]["fields"][0]["field"].as_str()),
        (422, Some("new_due"))
    );
    // An extension beyond the law's maximum is refused with the dates.
    let (status, error) = t
        .officer_roads2
        .act(
            &number,
            json!({"action": "require_inspection", "reason": "x", "new_due": "2027-01-04"}),
        )
        .await;
    assert_eq!(status, 409, "{error}");
}

#[tokio::test]
async fn conflicts_of_interest_are_refused_with_a_reason() {
    let t = town("2026-03-02T10:00:00+02:00").await;
    // A complaint about an employee goes to the Mayor's office; the employee may not touch it.
    let (number, _) = submit(
        &t.app,
        json!({"kind": "complaint", "channel": "web", "subject": "Грубо отношение",
               "body": "Служителят на гише 5 ми отказа без обяснение.", "about_employee": true,
               "about_bad_administration": true, "consent": true, "submitter": named()}),
    )
    .await;
    let (status, case) = t
        .clerk
        .act(
            &number,
            json!({"action": "triage", "subject_employee_id": t.officer_roads.id}),
        )
        .await;
    assert_eq!(status, 200, "{case}");
    assert_refused(
        t.officer_roads
            .get(&format!("/api/v1/cases/{number}"))
            .await,
        403,
        "subject reads",
    );
    let refused = t
        .clerk
        .act(
            &number,
            json!({"action": "assign", "department_id": t.roads,
                             "assignee_id": t.officer_roads.id}),
        )
        .await;
    assert_refused(refused, 403, "assign the subject of the complaint");
    let (status, case) = t
        .clerk
        .act(
            &number,
            json!({"action": "assign", "department_id": t.roads,
                             "assignee_id": t.mayor.id}),
        )
        .await;
    assert_eq!(status, 200, "{case}");

    // An officer who declares a conflict loses the case and cannot be given it again.
    let (other, _) = submit(&t.app, pothole()).await;
    t.clerk
        .act(
            &other,
            json!({"action": "assign", "department_id": t.roads,
                            "assignee_id": t.officer_roads.id}),
        )
        .await;
    let (status, error) = t
        .officer_roads
        .post(&format!("/api/v1/cases/{other}/conflicts"), json!({}))
        .await;
    assert_eq!(
        (status, error["error"]["fields"][0]["field"].as_str()),
        (422, Some("reason"))
    );
    let (status, after) = t
        .officer_roads
        .post(
            &format!("/api/v1/cases/{other}/conflicts"),
            json!({"reason": "подателят ми е съсед"}),
        )
        .await;
    assert_eq!(status, 200, "{after}");
    assert_eq!(after["assignee_id"], Value::Null);
    let refused = t
        .head_roads
        .act(
            &other,
            json!({"action": "assign", "department_id": t.roads,
                            "assignee_id": t.officer_roads.id}),
        )
        .await;
    assert_eq!(refused.0, 403);
    assert!(
        refused.1["error"]["message_bg"]
            .as_str()
            .unwrap()
            .contains("конфликт"),
        "{}",
        refused.1
    );
}

#[tokio::test]
async fn corruption_signals_are_sealed_from_everyone_but_designated_officers() {
    let t = town("2026-03-02T10:00:00+02:00").await;
    let (number, _) = submit(
        &t.app,
        json!({"kind": "corruption_signal", "channel": "phone", "subject": "Подкуп",
               "body": "Служител поиска пари за разрешение.", "consent": true, "submitter": named()}),
    )
    .await;
    let path = format!("/api/v1/cases/{number}");
    for (who, name) in [
        (&t.clerk, "clerk"),
        (&t.mayor, "mayor"),
        (&t.auditor, "auditor"),
        (&t.admin, "admin"),
    ] {
        assert_eq!(
            who.get(&path).await.0,
            403,
            "{name} reads a corruption signal"
        );
        let (_, inbox) = who.get("/api/v1/cases").await;
        let listed = inbox["cases"]
            .as_array()
            .map(|c| c.iter().any(|c| c["number"] == number.as_str()))
            .unwrap_or(false);
        assert!(!listed, "{name} sees it in the inbox");
    }
    let (_, inbox) = t.clerk_corruption.get("/api/v1/cases").await;
    assert_eq!(inbox["cases"][0]["number"], number.as_str());
    let (status, identity) = t
        .clerk_corruption
        .get(&format!("{path}/personal-data"))
        .await;
    assert_eq!(status, 200, "{identity}");
    assert_eq!(identity["submitter"]["name"], "Иван Петров");

    // Only a designated officer may be given it.
    let refused = t
        .clerk_corruption
        .act(
            &number,
            json!({"action": "assign", "department_id": t.roads,
                             "assignee_id": t.officer_roads.id}),
        )
        .await;
    assert_eq!(refused.0, 403, "{}", refused.1);
    let (status, _) = t
        .clerk_corruption
        .act(
            &number,
            json!({"action": "assign", "department_id": t.roads,
                             "assignee_id": t.officer_corruption.id}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        t.officer_corruption
            .get(&format!("{path}/personal-data"))
            .await
            .0,
        200
    );

    // Every reading of the sealed identity is in the journal, with who read it.
    let (_, journal) = t.auditor.get("/api/v1/journal?limit=1000").await;
    let readers: Vec<&str> = journal["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "read_sealed_identity")
        .map(|e| e["actor"].as_str().unwrap())
        .collect();
    assert_eq!(readers.len(), 2);
    assert!(
        readers[0].ends_with(":clerk_c") && readers[1].ends_with(":officer_c"),
        "{readers:?}"
    );
}

#[tokio::test]
async fn deadlines_are_watched_across_weekends_and_holidays() {
    // Received Friday 3 April 2026: a 7-day complaint is due Tuesday 14 April (after Easter).
    let t = town("2026-04-03T10:00:00+03:00").await;
    let (complaint, _) = submit(
        &t.app,
        json!({"kind": "complaint", "channel": "post", "subject": "Жалба", "body": "Текст.",
               "about_bad_administration": true, "consent": true, "submitter": named()}),
    )
    .await;
    let (signal, _) = submit(&t.app, pothole()).await; // 2 months: due 3 June
    for n in [&complaint, &signal] {
        t.clerk
            .act(
                n,
                json!({"action": "assign", "department_id": t.roads,
                           "assignee_id": t.officer_roads.id}),
            )
            .await;
    }
    let run = || priemna_app::jobs::run_deadlines(&t.app.state);

    // Thursday 9 April: working days left are Thu 9 and Tue 14 → due soon.
    t.app.clock.set("2026-04-09T08:00:00+03:00");
    let report = run().await.unwrap();
    assert!(report.ran);
    assert_eq!((report.due_soon, report.overdue), (1, 0));
    // The same 10-minute slot does not run twice (another server already did it).
    assert!(!run().await.unwrap().ran);
    // Sessions last a working day: sign in again on the new day.
    let officer = t.app.login("officer_roads").await;
    let head = t.app.login("head_roads").await;
    let (_, inbox) = officer.get("/api/v1/cases").await;
    assert_eq!(inbox["cases"][0]["number"], complaint.as_str());
    assert_eq!(inbox["cases"][0]["urgency"], "due_soon");
    assert_eq!(inbox["cases"][1]["urgency"], "on_track");
    let (_, reminders) = officer.get("/api/v1/reminders").await;
    assert_eq!(reminders["reminders"][0]["kind"], "due_soon");
    let (_, reminders) = head.get("/api/v1/reminders").await;
    assert_eq!(reminders["reminders"][0]["number"], complaint.as_str());

    // Easter Monday 13 April is a holiday, and the case is still only due soon.
    t.app.clock.set("2026-04-13T12:00:00+03:00");
    let report = run().await.unwrap();
    assert_eq!(report.overdue, 0);

    // Wednesday 15 April: overdue, escalated to the Mayor's office, at the top of the inbox.
    t.app.clock.set("2026-04-15T09:00:00+03:00");
    let report = run().await.unwrap();
    assert_eq!((report.overdue, report.escalated), (1, 1));
    let officer = t.app.login("officer_roads").await;
    let mayor = t.app.login("mayor").await;
    let (_, inbox) = officer.get("/api/v1/cases?overdue=true").await;
    assert_eq!(inbox["cases"].as_array().unwrap().len(), 1);
    assert_eq!(inbox["cases"][0]["urgency"], "overdue");
    let (_, reminders) = mayor.get("/api/v1/reminders").await;
    assert_eq!(reminders["reminders"][0]["kind"], "escalated");
    let (_, case) = mayor.get(&format!("/api/v1/cases/{complaint}")).await;
    assert_eq!(case["escalated"], true);

    // An hour later nothing new: no second escalation, no duplicate reminders.
    t.app.clock.set("2026-04-15T10:00:00+03:00");
    let report = run().await.unwrap();
    assert!(report.ran);
    assert_eq!((report.escalated, report.reminders), (0, 0));
    // The server's own deadline job ran once when it started (the slot of 3 April, 10:00), as
    // `priemna serve`'s does; each slot ran once, whoever ran it.
    let runs = t
        .app
        .store
        .job_runs(priemna_store::Job::Deadlines)
        .await
        .unwrap();
    assert_eq!(runs.len(), 5, "{runs:?}");
    assert!(runs[0].starts_with("2026-04-03T10:00"), "{runs:?}");
}

#[tokio::test]
async fn sign_in_lock_out_csrf_and_password_change() {
    let t = town("2026-03-02T10:00:00+02:00").await;
    let login = |password: &str| {
        t.app
            .client
            .post(t.app.url("/api/v1/auth/login"))
            .json(&json!({"username": "clerk", "password": password}))
            .send()
    };
    // Unknown user and wrong password look the same.
    let unknown = t
        .app
        .client
        .post(t.app.url("/api/v1/auth/login"))
        .json(&json!({"username": "nobody", "password": "whatever-long"}))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 401);
    let unknown: Value = unknown.json().await.unwrap();
    let wrong: Value = login("wrong password").await.unwrap().json().await.unwrap();
    assert_eq!(unknown, wrong);

    // A cookie session must send the CSRF token on changes; a bearer token need not.
    let response = login(helpers::PASSWORD).await.unwrap();
    let cookie = response
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let session: Value = response.json().await.unwrap();
    let cookie = cookie.split(';').next().unwrap().to_owned();
    let (number, _) = submit(&t.app, pothole()).await;
    let act = |csrf: Option<&str>| {
        let mut request = t
            .app
            .client
            .post(t.app.url(&format!("/api/v1/cases/{number}/actions")))
            .header("cookie", &cookie)
            .json(&json!({"action": "triage"}));
        if let Some(token) = csrf {
            request = request.header("x-csrf-token", token);
        }
        request.send()
    };
    assert_eq!(act(None).await.unwrap().status(), 403);
    assert_eq!(act(Some("forged")).await.unwrap().status(), 403);
    assert_eq!(
        act(Some(session["csrf_token"].as_str().unwrap()))
            .await
            .unwrap()
            .status(),
        200
    );

    // The fifth wrong password in a row from this address refuses it for a minute, even
    // against the right password — with the answer an unknown name gets after five, so the
    // refusal tells nobody that the account exists.
    for _ in 0..4 {
        assert_eq!(login("wrong password").await.unwrap().status(), 401);
    }
    assert_eq!(login("wrong password").await.unwrap().status(), 429);
    let refused = login(helpers::PASSWORD).await.unwrap();
    assert_eq!(refused.status(), 429);
    let refused: Value = refused.json().await.unwrap();
    for _ in 0..5 {
        t.app
            .client
            .post(t.app.url("/api/v1/auth/login"))
            .json(&json!({"username": "nobody", "password": "whatever-long"}))
            .send()
            .await
            .unwrap();
    }
    let unknown_refused: Value = t
        .app
        .client
        .post(t.app.url("/api/v1/auth/login"))
        .json(&json!({"username": "nobody", "password": "whatever-long"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(refused, unknown_refused);
    assert!(
        refused["error"]["message_bg"]
            .as_str()
            .unwrap()
            .contains("Опитайте отново след 10:01 ч."),
        "{refused}"
    );
    // A minute later it opens again.
    t.app.clock.set("2026-03-02T10:01:00+02:00");
    assert_eq!(login(helpers::PASSWORD).await.unwrap().status(), 200);

    // A password change needs the current password, a strong new one, and ends the other
    // sessions (the one that asked goes on).
    let other = t.app.login("officer_roads").await;
    let (status, error) = t
        .officer_roads
        .post(
            "/api/v1/auth/password",
            json!({"current_password": helpers::PASSWORD, "new_password": "short"}),
        )
        .await;
    assert_eq!(
        (status, error["error"]["fields"][0]["field"].as_str()),
        (422, Some("new_password"))
    );
    let (status, _) = t
        .officer_roads
        .post(
            "/api/v1/auth/password",
            json!({"current_password": helpers::PASSWORD,
                     "new_password": "a much better passphrase"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(other.get("/api/v1/auth/me").await.0, 401);
    assert_eq!(t.officer_roads.get("/api/v1/auth/me").await.0, 200);
    let again = t
        .app
        .client
        .post(t.app.url("/api/v1/auth/login"))
        .json(&json!({"username": "officer_roads", "password": "a much better passphrase"}))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 200);

    // Signing out ends the session.
    let (status, _) = t.mayor.post("/api/v1/auth/logout", json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(t.mayor.get("/api/v1/cases").await.0, 401);
}

#[tokio::test]
async fn leave_unanswered_forward_and_merge_duplicates() {
    let t = town("2026-03-02T10:00:00+02:00").await;
    let (rude, code) = submit(
        &t.app,
        json!({"kind": "complaint", "channel": "email", "subject": "Жалба",
               "body": "Вие сте идиоти!", "consent": true, "submitter": named()}),
    )
    .await;
    let (status, error) = t
        .clerk
        .act(
            &rude,
            json!({"action": "leave_unanswered", "rule": "because", "reason": "обиди"}),
        )
        .await;
    assert_eq!(
        (status, error["error"]["fields"][0]["field"].as_str()),
        (422, Some("rule"))
    );
    let (status, case) = t
        .clerk
        .act(
            &rude,
            json!({"action": "leave_unanswered", "rule": "offensive_language",
                           "reason": "текстът съдържа само обиди"}),
        )
        .await;
    assert_eq!(
        (status, case["status"].as_str()),
        (200, Some("not_considered"))
    );
    let (_, tracked) = t.app.track(&rude, Some(&code)).await;
    let note = tracked["history"].as_array().unwrap().last().unwrap()["note"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        note.contains("нецензурни") || note.contains("обидни"),
        "{note}"
    );

    let (water, _) = submit(
        &t.app,
        json!({"kind": "signal", "channel": "phone",
        "subject": "Спряна вода", "body": "Няма вода в кв. Орфей.", "consent": true, "submitter": named()}),
    )
    .await;
    let (status, case) = t
        .clerk
        .act(
            &water,
            json!({"action": "forward", "body": "ВиК Хасково",
                            "reason": "водоснабдяването е от компетентност на ВиК"}),
        )
        .await;
    assert_eq!(
        (status, case["forwarded_to"].as_str()),
        (200, Some("ВиК Хасково"))
    );

    let (first, _) = submit(&t.app, pothole()).await;
    let (second, _) = submit(&t.app, pothole()).await;
    let (status, case) = t
        .clerk
        .act(
            &second,
            json!({"action": "mark_duplicate", "of": first, "reason": "същата дупка"}),
        )
        .await;
    assert_eq!(status, 200, "{case}");
    assert_eq!(case["duplicate_of"], first.as_str());
    let (status, _) = t
        .clerk
        .act(
            &first,
            json!({"action": "mark_duplicate", "of": first, "reason": "x"}),
        )
        .await;
    assert_eq!(status, 422, "a case is not its own duplicate");
}

#[tokio::test]
async fn administrators_manage_staff_and_departments() {
    let t = town("2026-03-02T10:00:00+02:00").await;
    let (status, department) = t
        .admin
        .post("/api/v1/departments", json!({"name": "Екология"}))
        .await;
    assert_eq!(status, 201, "{department}");
    let id = department["id"].as_i64().unwrap();
    let (status, _) = t
        .admin
        .post("/api/v1/departments", json!({"name": "Екология"}))
        .await;
    assert_eq!(status, 409, "names are unique");
    let (status, user) = t
        .admin
        .post(
            "/api/v1/users",
            json!({"username": "eco1", "display_name": "Петя Колева",
                                       "role": "case_officer", "password": helpers::PASSWORD,
                                       "department_id": id}),
        )
        .await;
    assert_eq!(status, 201, "{user}");
    // A case officer's account waits, inactive, for a second administrator (M3); here the
    // server's operator approves it.
    assert_eq!(user["active"], false, "{user}");
    let change = user["pending_change"]["id"].as_i64().unwrap();
    priemna_app::accounts::decide_change(
        &t.app.state,
        priemna_app::accounts::Changer::Operator("cli:test"),
        change,
        true,
    )
    .await
    .unwrap();
    let (status, error) = t
        .admin
        .post(
            "/api/v1/users",
            json!({"username": "eco2", "display_name": "X",
                                       "role": "janitor", "password": "short"}),
        )
        .await;
    assert_eq!(status, 422);
    let fields: Vec<&str> = error["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"role") && fields.contains(&"password"),
        "{fields:?}"
    );

    // Deactivating a user ends their sessions.
    let eco = t.app.login("eco1").await;
    assert_eq!(eco.get("/api/v1/cases").await.0, 200);
    let (status, _) = t
        .admin
        .send(
            reqwest::Method::PATCH,
            &format!("/api/v1/users/{}", user["id"]),
            json!({"active": false}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(eco.get("/api/v1/cases").await.0, 401);

    let (_, journal) = t.auditor.get("/api/v1/journal?limit=1000").await;
    let actions: Vec<&str> = journal["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"user_add")
            && actions.contains(&"user_update")
            && actions.contains(&"department_add")
    );
    assert!(matches!(
        t.app.store.verify_journal().await.unwrap(),
        JournalVerdict::Intact { .. }
    ));
}

/// The `fields` of an error answer, as (field, code) pairs.
fn error_fields(body: &Value) -> Vec<(String, String)> {
    body["error"]["fields"]
        .as_array()
        .map(|fields| {
            fields
                .iter()
                .map(|f| {
                    (
                        f["field"].as_str().unwrap_or("").to_owned(),
                        f["code"].as_str().unwrap_or("").to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn ids_of_records_that_do_not_exist_are_the_clients_mistake_named_by_field() {
    let t = town("2026-03-02T10:00:00+02:00").await;
    let reference = |field: &str| vec![(field.to_owned(), "unknown_reference".to_owned())];

    // A department's head who is nobody: 422 naming the field, nothing changed or created.
    let (status, body) = t
        .admin
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/departments/{}/head", t.social),
            json!({"head_user_id": 999_999}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(error_fields(&body), reference("head_user_id"), "{body}");
    let (status, body) = t
        .admin
        .post(
            "/api/v1/departments",
            json!({"name": "Култура", "head_user_id": 999_999}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(error_fields(&body), reference("head_user_id"));
    let (_, departments) = t.admin.get("/api/v1/departments").await;
    assert!(
        !departments.to_string().contains("Култура"),
        "{departments}"
    );

    // A member of staff moved to a department that does not exist.
    let (status, body) = t
        .admin
        .send(
            reqwest::Method::PATCH,
            &format!("/api/v1/users/{}", t.officer_social.id),
            json!({"department_id": 999_999}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(error_fields(&body), reference("department_id"));
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("department_id: няма запис с такъв номер"),
        "{body}"
    );

    // A case assigned to nobody's department, or to nobody.
    let (number, _) = submit(&t.app, pothole()).await;
    let (status, body) = t
        .clerk
        .act(
            &number,
            json!({"action": "assign", "department_id": 999_999}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(error_fields(&body), reference("department_id"));

    // A department that does not exist in the address: 404, not an outage.
    let (status, body) = t
        .admin
        .send(
            reqwest::Method::PUT,
            "/api/v1/departments/999999/head",
            json!({"head_user_id": null}),
        )
        .await;
    assert_eq!(status, 404, "{body}");
}

#[tokio::test]
async fn a_path_id_that_is_not_a_number_is_named_and_an_unknown_address_is_said() {
    let t = town("2026-03-02T10:00:00+02:00").await;
    let (status, body) = t
        .admin
        .send(
            reqwest::Method::PATCH,
            "/api/v1/users/abc",
            json!({"active": false}),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        error_fields(&body),
        vec![("id".to_owned(), "wrong_type".to_owned())]
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("id: неправилен тип на стойността (очаква се цяло число)"),
        "{body}"
    );

    // An address no route answers is not "a wrong tracking code".
    let (status, body) = t.admin.get("/api/v1/no-such-thing").await;
    assert_eq!(status, 404, "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("/api/v1/no-such-thing"), "{message}");
    assert!(message.contains("/api/openapi.json"), "{message}");
    assert!(!message.contains("проследяване"), "{message}");
}

/// The inbox's and the journal's query parameters as the OpenAPI document describes them (found
/// by schemathesis signed in): an empty value is no value, `open` is a status filter, a wrong
/// value is a 400 naming it, and a head of department asking for another department's inbox is
/// refused by the access rules.
#[tokio::test]
async fn inbox_and_journal_parameters_are_checked_as_documented() {
    let t = town("2026-03-02T10:00:00+02:00").await;
    for query in [
        "",
        "?status=&page=&kind=",
        "?status=open",
        "?status=all&page=1",
    ] {
        let (status, inbox) = t.clerk.get(&format!("/api/v1/cases{query}")).await;
        assert_eq!(status, 200, "{query}: {inbox}");
    }
    let (status, error) = t.clerk.get("/api/v1/cases?status=lost").await;
    assert_eq!(
        (status, error["error"]["fields"][0]["field"].as_str()),
        (400, Some("status"))
    );

    let own = format!("/api/v1/cases?department_id={}", t.roads);
    assert_eq!(t.head_roads.get(&own).await.0, 200);
    let other = format!("/api/v1/cases?department_id={}", t.social);
    let (status, error) = t.head_roads.get(&other).await;
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (403, Some("forbidden"))
    );

    for (query, field) in [
        ("after=first", "after"),
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("limit=null", "limit"),
    ] {
        let (status, error) = t.auditor.get(&format!("/api/v1/journal?{query}")).await;
        assert_eq!(
            (status, error["error"]["fields"][0]["field"].as_str()),
            (400, Some(field)),
            "{query}: {error}"
        );
    }
    for query in ["after=&limit=", "after=0&limit=1000", "limit=1"] {
        let (status, journal) = t.auditor.get(&format!("/api/v1/journal?{query}")).await;
        assert_eq!(status, 200, "{query}: {journal}");
    }
}

/// `PATCH /api/v1/users/{id}` as documented: `null` clears an e-mail address (it used to be read
/// as "left out", and changed nothing), and a field left out stays as it is.
#[tokio::test]
async fn a_null_in_an_account_change_clears_the_field() {
    let t = town("2026-03-02T10:00:00+02:00").await;
    let path = format!("/api/v1/users/{}", t.officer_social.id);
    let patch = |body: Value| t.admin.send(reqwest::Method::PATCH, &path, body);
    let (status, user) = patch(json!({"email": "officer@haskovo.bg"})).await;
    assert_eq!(
        (status, user["email"].as_str()),
        (200, Some("officer@haskovo.bg")),
        "{user}"
    );
    let (status, user) = patch(json!({"display_name": "Служител по социални дейности"})).await;
    assert_eq!(
        (status, user["email"].as_str()),
        (200, Some("officer@haskovo.bg")),
        "{user}"
    );
    let (status, user) = patch(json!({"email": null})).await;
    assert_eq!(status, 200, "{user}");
    assert!(user["email"].is_null(), "{user}");
    assert_eq!(user["department_id"], t.social, "{user}");
}
