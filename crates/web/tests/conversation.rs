//! The conversation on a case over HTTP, as staff and citizens use it: the officer asks for
//! information, the citizen answers with a file (JSON API and the tracking page), the officer
//! reads it; internal notes never reach the citizen; the term of an application runs anew from
//! the day the information arrives, that of a signal runs on; bad input is a clear 4xx naming
//! the field.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod helpers;

use helpers::{TestApp, named, spawn_app_at};
use serde_json::{Value, json};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n";

enum Part<'a> {
    Text(&'a str, &'a str),
    File(&'a str, &'a str, Vec<u8>),
}

fn multipart(parts: &[Part<'_>]) -> (String, Vec<u8>) {
    let boundary = "----priemna-conversation-boundary-9f3a";
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match part {
            Part::Text(name, value) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            ),
            Part::File(name, filename, data) => {
                body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\n\
                         Content-Type: application/octet-stream\r\n\r\n"
                    )
                    .as_bytes(),
                );
                body.extend_from_slice(data);
                body.extend_from_slice(b"\r\n");
            }
        }
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The citizen's answer through the JSON API.
async fn citizen_post(app: &TestApp, number: &str, code: &str, parts: &[Part<'_>]) -> (u16, Value) {
    let (content_type, body) = multipart(parts);
    let response = client()
        .post(app.url(&format!("/api/v1/submissions/{number}/messages")))
        .query(&[("tracking_code", code)])
        .header(reqwest::header::CONTENT_TYPE, content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A form of the portal, as a browser without JavaScript sends it.
async fn portal_post(
    app: &TestApp,
    path: &str,
    parts: &[Part<'_>],
) -> (u16, Option<String>, String) {
    let (content_type, body) = multipart(parts);
    let response = client()
        .post(app.url(path))
        .header(reqwest::header::CONTENT_TYPE, content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .map(|v| v.to_str().unwrap().to_owned());
    (status, location, response.text().await.unwrap())
}

fn field_names(body: &Value) -> Vec<String> {
    body["error"]["fields"]
        .as_array()
        .map(|fields| {
            fields
                .iter()
                .map(|f| f["field"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

struct World {
    app: TestApp,
    roads: i64,
    officer: i64,
}

async fn world() -> World {
    // Monday 2 March 2026, 10:00 in Haskovo.
    let app = spawn_app_at("2026-03-02T08:00:00Z").await;
    let roads = app.add_department("Пътища").await;
    let officer = app
        .add_staff("officer", "case_officer", Some(roads), false)
        .await;
    app.add_staff("other", "case_officer", Some(roads), false)
        .await;
    app.add_staff("auditor", "auditor", None, false).await;
    World {
        app,
        roads,
        officer,
    }
}

/// A case of `kind`, triaged and assigned to the officer.
async fn assigned_case(w: &World, kind: &str) -> (String, String) {
    let (number, code) = w
        .app
        .registered(
            json!({"kind": kind, "channel": "web", "subject": "Разрешение за ремонт",
            "body": "Моля за разрешение за ремонт на тротоар.", "consent": true,
            "submitter": named()}),
        )
        .await;
    let clerk = w.app.registrar().await;
    let (status, body) = clerk.act(&number, json!({"action": "triage"})).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = clerk
        .act(
            &number,
            json!({"action": "assign", "department_id": w.roads, "assignee_id": w.officer}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    (number, code)
}

#[tokio::test]
async fn an_application_waits_for_the_citizen_and_its_term_runs_anew() {
    let w = world().await;
    let (number, code) = assigned_case(&w, "application").await;
    let (_, tracked) = w.app.track(&number, Some(&code)).await;
    assert_eq!(tracked["answer_due"], "2026-03-16");

    let officer = w.app.login("officer").await;
    let path = format!("/api/v1/cases/{number}/messages");
    let (status, asked) = officer
        .post(
            &path,
            json!({"kind": "request_information", "text": "Моля, приложете скица на тротоара."}),
        )
        .await;
    assert_eq!(status, 201, "{asked}");
    assert_eq!(asked["direction"], "to_citizen");
    assert_eq!(asked["reply_by"], "2026-03-09", "seven days, a Monday");
    assert_eq!(asked["channel"], "email", "the case has an e-mail address");
    let (status, note) = officer
        .post(
            &path,
            json!({"kind": "note", "text": "ВЪТРЕШНО: скицата е в стария архив."}),
        )
        .await;
    assert_eq!(status, 201, "{note}");
    assert_eq!(note["direction"], "internal");

    // The term stops: no answer date while the request waits, for officer and citizen alike.
    let (_, conversation) = officer.get(&path).await;
    assert_eq!(conversation["awaiting_since"], "2026-03-02");
    assert_eq!(conversation["answer_due"], Value::Null);
    assert_eq!(conversation["messages"].as_array().unwrap().len(), 2);
    let (_, tracked) = w.app.track(&number, Some(&code)).await;
    assert_eq!(tracked["answer_due"], Value::Null);
    let history = tracked["history"].to_string();
    assert!(
        history.contains("Поискахме допълнителна информация"),
        "{history}"
    );

    // The citizen sees the request, never the note (nor in the export of their data).
    let citizen_path = format!("/api/v1/submissions/{number}/messages?tracking_code={code}");
    let (status, seen) = w.app.get(&citizen_path).await;
    assert_eq!(status, 200, "{seen}");
    assert_eq!(seen["awaiting_information"], true);
    assert_eq!(seen["messages"].as_array().unwrap().len(), 1);
    assert!(!seen.to_string().contains("ВЪТРЕШНО"));
    let (_, export) = w
        .app
        .get(&format!(
            "/api/v1/submissions/{number}/export?tracking_code={code}"
        ))
        .await;
    assert!(!export.to_string().contains("ВЪТРЕШНО"), "{export}");
    let (_, tracked) = w.app.track(&number, Some(&code)).await;
    assert!(!tracked.to_string().contains("ВЪТРЕШНО"));

    // The request went to the outbox for the citizen's address.
    let outbox = w
        .app
        .store
        .outbox(&priemna_store::OutboxFilter {
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(
        outbox
            .iter()
            .any(|m| m.kind == priemna_store::MessageKind::InformationRequest),
        "{outbox:?}"
    );

    // Thursday 5 March: the citizen answers with the sketch.
    w.app.clock.set("2026-03-05T09:00:00Z");
    let (status, answered) = citizen_post(
        &w.app,
        &number,
        &code,
        &[
            Part::Text("text", "Прилагам скицата."),
            Part::File("attachments", "skica.pdf", PDF.to_vec()),
        ],
    )
    .await;
    assert_eq!(status, 201, "{answered}");
    assert_eq!(answered["attachments"], json!(["skica.pdf"]));

    // The term ran anew from that day: 5 March + 14 days = Thursday 19 March.
    let (_, tracked) = w.app.track(&number, Some(&code)).await;
    assert_eq!(tracked["answer_due"], "2026-03-19");
    assert!(tracked["history"].to_string().contains("19.03.2026"));
    let officer = w.app.login("officer").await;
    let (_, conversation) = officer.get(&path).await;
    assert_eq!(conversation["awaiting_since"], Value::Null);
    assert_eq!(conversation["answer_due"], "2026-03-19");
    let messages = conversation["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 3);
    assert_eq!(messages[2]["direction"], "from_citizen");
    assert_eq!(messages[2]["text"], "Прилагам скицата.");
    assert_eq!(messages[2]["attachments"][0]["filename"], "skica.pdf");
    assert_eq!(
        messages[2]["attachments"][0]["content_type"],
        "application/pdf"
    );
    let (_, case) = officer.get(&format!("/api/v1/cases/{number}")).await;
    assert_eq!(case["answer_due"], "2026-03-19", "{case}");
    // The citizen is told the new date by e-mail too.
    let outbox = w
        .app
        .store
        .outbox(&priemna_store::OutboxFilter {
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(
        outbox.iter().any(
            |m| m.kind == priemna_store::MessageKind::InformationReceived
                && m.subject.contains("19.03.2026")
        ),
        "{outbox:?}"
    );

    // Every step is in the journal.
    let journal = w.app.store.journal(0, 1000).await.unwrap();
    for action in [
        "request_information",
        "internal_note",
        "citizen_message",
        "attach",
    ] {
        assert!(
            journal.iter().any(|e| e.action == action),
            "{action} journalled"
        );
    }
}

#[tokio::test]
async fn a_signal_keeps_its_term_and_bad_input_is_refused_naming_the_field() {
    let w = world().await;
    let (number, code) = assigned_case(&w, "signal").await;
    let (_, tracked) = w.app.track(&number, Some(&code)).await;
    let due = tracked["answer_due"].clone();
    assert_eq!(due, "2026-05-04", "two months, moved off a Saturday");

    // The registry clerk may ask too; the term of a signal does not stop.
    let clerk = w.app.registrar().await;
    let path = format!("/api/v1/cases/{number}/messages");
    let (status, body) = clerk
        .post(
            &path,
            json!({"kind": "request_information", "text": "Къде точно е дупката?", "reply_by": "2026-03-13"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let (_, tracked) = w.app.track(&number, Some(&code)).await;
    assert_eq!(tracked["answer_due"], due);

    // Staff: an empty text, a day in the past, a role or officer without the right.
    let (status, body) = clerk
        .post(&path, json!({"kind": "request_information", "text": "  "}))
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(field_names(&body), vec!["text"]);
    let (status, body) = clerk
        .post(
            &path,
            json!({"kind": "request_information", "text": "Снимка?", "reply_by": "2026-03-01"}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(field_names(&body), vec!["due"]);
    let auditor = w.app.login("auditor").await;
    let (status, body) = auditor
        .post(&path, json!({"kind": "note", "text": "x"}))
        .await;
    assert_eq!(status, 403, "{body}");
    let other = w.app.login("other").await;
    let (status, body) = other
        .post(&path, json!({"kind": "note", "text": "x"}))
        .await;
    assert_eq!(status, 403, "{body}");

    // The citizen: an empty answer, a file too large, a file of another type, a wrong code.
    let (status, body) = citizen_post(&w.app, &number, &code, &[Part::Text("text", " ")]).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(field_names(&body), vec!["text"]);
    let mut big = PDF.to_vec();
    big.resize(6 * 1024 * 1024, b' ');
    let (status, body) = citizen_post(
        &w.app,
        &number,
        &code,
        &[
            Part::Text("text", "Голям файл"),
            Part::File("attachments", "big.pdf", big),
        ],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(field_names(&body), vec!["attachments"]);
    let (status, body) = citizen_post(
        &w.app,
        &number,
        &code,
        &[
            Part::Text("text", "Скрипт"),
            Part::File("attachments", "a.exe", b"MZ\x90\x00".to_vec()),
        ],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(field_names(&body), vec!["attachments"]);
    let (other_number, other_code) = w
        .app
        .registered(
            json!({"kind": "signal", "channel": "web", "subject": "Друго",
            "body": "Друг сигнал.", "consent": true, "submitter": named()}),
        )
        .await;
    let (status, _) = citizen_post(
        &w.app,
        &number,
        &other_code,
        &[Part::Text("text", "Чужд код")],
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = citizen_post(&w.app, &other_number, &code, &[Part::Text("text", "x")]).await;
    assert_eq!(status, 404);

    // A good answer: the term stays.
    let (status, body) =
        citizen_post(&w.app, &number, &code, &[Part::Text("text", "До номер 5.")]).await;
    assert_eq!(status, 201, "{body}");
    let (_, tracked) = w.app.track(&number, Some(&code)).await;
    assert_eq!(tracked["answer_due"], due);

    // A finished case takes nothing more: 409, for the API and the tracking page.
    let (status, body) = clerk
        .act(
            &number,
            json!({"action": "leave_unanswered", "rule": "offensive_language",
                   "reason": "Обидни изрази."}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) =
        citizen_post(&w.app, &number, &code, &[Part::Text("text", "Още нещо")]).await;
    assert_eq!(status, 409, "{body}");
    let (status, _, page) = portal_post(
        &w.app,
        "/track/message",
        &[
            Part::Text("number", &number),
            Part::Text("code", &code),
            Part::Text("text", "Още нещо"),
        ],
    )
    .await;
    assert_eq!(status, 409);
    assert!(page.contains("Преписката е приключена"), "{page}");
}

#[tokio::test]
async fn the_tracking_page_shows_the_request_and_takes_the_answer_without_javascript() {
    let w = world().await;
    let (number, code) = assigned_case(&w, "application").await;
    let officer = w.app.login("officer").await;
    let path = format!("/api/v1/cases/{number}/messages");
    let (status, _) = officer
        .post(
            &path,
            json!({"kind": "request_information", "text": "Приложете скица."}),
        )
        .await;
    assert_eq!(status, 201);
    let (status, _) = officer
        .post(&path, json!({"kind": "note", "text": "ВЪТРЕШНО-БЕЛЕЖКА"}))
        .await;
    assert_eq!(status, 201);

    let page = client()
        .post(w.app.url("/track"))
        .form(&[("number", number.as_str()), ("code", code.as_str())])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Очакваме информация от Вас"), "{page}");
    assert!(page.contains("Приложете скица."));
    assert!(page.contains("спрян, докато получим поисканата информация"));
    assert!(!page.contains("ВЪТРЕШНО-БЕЛЕЖКА"));
    assert!(page.contains("action=\"/track/message\""));

    // An empty answer comes back with the error next to the field, in Bulgarian.
    let (status, _, page) = portal_post(
        &w.app,
        "/track/message",
        &[
            Part::Text("number", &number),
            Part::Text("code", &code),
            Part::Text("text", ""),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(page.contains("id=\"text-error\""), "{page}");
    assert!(page.contains("Напишете отговора"));
    // A wrong code: the lookup page, 404.
    let (status, _, _) = portal_post(
        &w.app,
        "/track/message",
        &[
            Part::Text("number", &number),
            Part::Text("code", "AAAA-BBBB-CCCC"),
            Part::Text("text", "x"),
        ],
    )
    .await;
    assert_eq!(status, 404);

    // The answer with a file: see-other to the thanks, which shows the case; the same form
    // sent again adds nothing more.
    let token = "a".repeat(32);
    let parts = [
        Part::Text("form_token", &token),
        Part::Text("number", &number),
        Part::Text("code", &code),
        Part::Text("text", "Скицата е приложена."),
        Part::File("attachments", "skica.pdf", PDF.to_vec()),
    ];
    let (status, location, body) = portal_post(&w.app, "/track/message", &parts).await;
    assert_eq!(status, 303, "{body}");
    let location = location.unwrap();
    assert!(location.starts_with("/track/sent/"), "{location}");
    let (again, again_location, _) = portal_post(&w.app, "/track/message", &parts).await;
    assert_eq!(again, 303);
    assert_eq!(again_location.as_deref(), Some(location.as_str()));
    let page = client()
        .get(w.app.url(&location))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Съобщението Ви е добавено"), "{page}");
    assert!(page.contains("Скицата е приложена."));
    assert!(page.contains("skica.pdf"));
    assert!(
        page.contains("16.03.2026"),
        "the term ran anew from today: {page}"
    );

    let (_, conversation) = officer.get(&path).await;
    let from_citizen: Vec<&Value> = conversation["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["direction"] == "from_citizen")
        .collect();
    assert_eq!(from_citizen.len(), 1, "added once");
}

/// A member of staff with an e-mail address, for the mail they get.
async fn staff_with_address(app: &TestApp, username: &str, department: i64) -> i64 {
    let draft = priemna_app::accounts::StaffDraft {
        username: username.into(),
        display_name: format!("Служител {username}"),
        role: "case_officer".into(),
        password: helpers::PASSWORD.into(),
        department_id: Some(priemna_domain::DepartmentId(department)),
        corruption_officer: false,
        email: Some(format!("{username}@haskovo.bg")),
    };
    priemna_app::accounts::create_user(
        &app.state,
        priemna_app::accounts::Changer::Operator("test"),
        &draft,
    )
    .await
    .unwrap()
    .0
    .id
    .0
}

#[tokio::test]
async fn staff_choose_an_email_per_event_or_one_digest_a_day() {
    let w = world().await;
    let prompt = staff_with_address(&w.app, "prompt", w.roads).await;
    let daily = staff_with_address(&w.app, "daily", w.roads).await;
    let clerk = w.app.registrar().await;
    let mut cases = Vec::new();
    for officer in [prompt, daily] {
        let (number, code) = w
            .app
            .registered(
                json!({"kind": "signal", "channel": "web", "subject": "Дупка",
                "body": "Дупка на пътя.", "consent": true, "submitter": named()}),
            )
            .await;
        clerk.act(&number, json!({"action": "triage"})).await;
        let (status, body) = clerk
            .act(
                &number,
                json!({"action": "assign", "department_id": w.roads, "assignee_id": officer}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        cases.push((number, code));
    }
    let daily_client = w.app.login("daily").await;
    let (status, body) = daily_client
        .send(
            reqwest::Method::PUT,
            "/api/v1/auth/mail",
            json!({"mode": "digest"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        daily_client.get("/api/v1/auth/mail").await.1["mode"],
        "digest"
    );
    let (status, body) = daily_client
        .send(
            reqwest::Method::PUT,
            "/api/v1/auth/mail",
            json!({"mode": "weekly"}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(field_names(&body), vec!["mode"]);

    // Thursday 30 April, 8:00: both citizens write, and both cases are due soon (4 May).
    w.app.clock.set("2026-04-30T05:00:00Z");
    for (number, code) in &cases {
        let (status, body) =
            citizen_post(&w.app, number, code, &[Part::Text("text", "Още снимки?")]).await;
        assert_eq!(status, 201, "{body}");
    }
    priemna_app::jobs::run_deadlines(&w.app.state)
        .await
        .unwrap();
    let sent_to = |outbox: &[priemna_store::OutboxEntry], to: &str, kind| {
        outbox
            .iter()
            .filter(|m| m.recipient == to && m.kind == kind)
            .map(|m| m.subject.clone())
            .collect::<Vec<_>>()
    };
    let outbox = w
        .app
        .store
        .outbox(&priemna_store::OutboxFilter {
            limit: 200,
            ..Default::default()
        })
        .await
        .unwrap();
    use priemna_store::MessageKind::{CitizenAnswered, StaffDigest, StaffReminder};
    // The one who wants an e-mail per event has them; the other none yet.
    assert_eq!(
        sent_to(&outbox, "prompt@haskovo.bg", CitizenAnswered).len(),
        1
    );
    assert_eq!(
        sent_to(&outbox, "prompt@haskovo.bg", StaffReminder).len(),
        1
    );
    assert!(
        outbox.iter().all(|m| m.recipient != "daily@haskovo.bg"),
        "{outbox:?}"
    );
    // The reminder is still on record for the digest reader.
    let daily_client = w.app.login("daily").await;
    let (_, reminders) = daily_client.get("/api/v1/reminders").await;
    assert_eq!(
        reminders["reminders"].as_array().map(Vec::len),
        Some(1),
        "{reminders}"
    );

    // The digest: one e-mail a day with both, never twice.
    assert_eq!(
        priemna_app::jobs::run_digest(&w.app.state).await.unwrap(),
        1
    );
    assert_eq!(
        priemna_app::jobs::run_digest(&w.app.state).await.unwrap(),
        0
    );
    let outbox = w
        .app
        .store
        .outbox(&priemna_store::OutboxFilter {
            limit: 200,
            ..Default::default()
        })
        .await
        .unwrap();
    let digests = sent_to(&outbox, "daily@haskovo.bg", StaffDigest);
    assert_eq!(
        digests,
        vec!["Дневен обзор за 30.04.2026 г.: 2 по Вашите преписки".to_owned()],
        "{outbox:?}"
    );
    assert!(sent_to(&outbox, "prompt@haskovo.bg", StaffDigest).is_empty());
    // The next day before 7:00 nothing goes; from 7:00, only what is new (nothing).
    w.app.clock.set("2026-05-01T03:00:00Z");
    assert_eq!(
        priemna_app::jobs::run_digest(&w.app.state).await.unwrap(),
        0
    );
    w.app.clock.set("2026-05-01T05:00:00Z");
    assert_eq!(
        priemna_app::jobs::run_digest(&w.app.state).await.unwrap(),
        0
    );
}
