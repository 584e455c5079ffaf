//! See `main.rs`. H2 (reminders), M1 (letters, attachments, photos' metadata), M2 (public
//! topics), L8 (booking lists) and L9 (upload names).

use crate::helpers::{PASSWORD, StaffClient, TestApp, named, spawn_app_at};
use priemna_domain::{DepartmentId, UserId};
use priemna_store::MessageKind;
use serde_json::{Value, json};

/// A town with two departments, a designated clerk, a head, officers, the Mayor's office, an
/// auditor and an administrator.
struct Town {
    app: TestApp,
    roads: i64,
    social: i64,
    head: i64,
    mayor: i64,
    clerk_c: i64,
}

async fn town(now: &str) -> Town {
    let app = spawn_app_at(now).await;
    let roads = app.add_department("Пътища").await;
    let social = app.add_department("Социални дейности").await;
    app.add_staff("clerk", "registry_clerk", None, false).await;
    let clerk_c = with_email(&app, "clerk_c", "registry_clerk", None, true).await;
    let head = with_email(&app, "head", "department_head", Some(roads), false).await;
    app.store
        .set_department_head(
            DepartmentId(roads),
            Some(UserId(head)),
            now.parse().unwrap(),
            "test",
        )
        .await
        .unwrap();
    app.add_staff("officer", "case_officer", Some(roads), false)
        .await;
    let mayor = with_email(&app, "mayor", "mayors_office", None, false).await;
    app.add_staff("auditor", "auditor", None, false).await;
    app.add_staff("admin", "administrator", None, false).await;
    Town {
        app,
        roads,
        social,
        head,
        mayor,
        clerk_c,
    }
}

/// A member of staff with an e-mail address (`USERNAME@obshtina.example`), for reminders.
async fn with_email(
    app: &TestApp,
    username: &str,
    role: &str,
    department: Option<i64>,
    corruption_officer: bool,
) -> i64 {
    let draft = priemna_app::accounts::StaffDraft {
        username: username.into(),
        display_name: format!("Служител {username}"),
        role: role.into(),
        password: PASSWORD.into(),
        department_id: department.map(DepartmentId),
        corruption_officer,
        email: Some(format!("{username}@obshtina.example")),
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

/// The addresses the outbox holds reminders for.
async fn reminder_mail(app: &TestApp) -> Vec<String> {
    let filter = priemna_store::OutboxFilter {
        limit: 1000,
        ..Default::default()
    };
    app.store
        .outbox(&filter)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.kind == MessageKind::StaffReminder)
        .map(|m| m.recipient)
        .collect()
}

/// Signs in through the staff login form: the session cookie.
async fn page_cookie(app: &TestApp, username: &str) -> String {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = client
        .post(app.url("/staff/login"))
        .form(&[("username", username), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303, "page login {username}");
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("priemna_session="))
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

/// A page of the back office as `username` sees it: status and body.
async fn page(app: &TestApp, username: &str, path: &str) -> (u16, String) {
    let cookie = page_cookie(app, username).await;
    let response = app
        .client
        .get(app.url(path))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn reminders(staff: &StaffClient) -> Vec<Value> {
    let (status, body) = staff.get("/api/v1/reminders").await;
    assert_eq!(status, 200, "{body}");
    body["reminders"].as_array().unwrap().clone()
}

async fn reminder_rows(app: &TestApp, user: i64) -> Vec<String> {
    app.store
        .reminders_for(UserId(user))
        .await
        .unwrap()
        .into_iter()
        .map(|r| format!("{} {}", r.number, r.kind))
        .collect()
}

const SIGNAL_SUBJECT: &str = "Искане на пари за ускоряване на разрешение";

#[tokio::test]
async fn reminders_about_a_corruption_signal_reach_only_designated_officers() {
    // Received Monday 2 March 2026; a corruption signal is due within two months.
    let t = town("2026-03-02T10:00:00+02:00").await;
    let app = &t.app;
    let (number, _) = app
        .registered(json!({"kind": "corruption_signal", "channel": "phone",
            "subject": SIGNAL_SUBJECT, "body": "Служител поиска пари.", "consent": true, "submitter": named()}))
        .await;
    // The designated clerk routes it to department 1 without naming an officer.
    app.act_as(
        "clerk_c",
        &number,
        json!({"action": "assign", "department_id": t.roads}),
    )
    .await;
    // Its answer date passes; the deadline job runs.
    app.clock.set("2026-06-15T10:00:00+03:00");
    let report = priemna_app::jobs::run_deadlines(&app.state).await.unwrap();
    assert!(
        report.ran && report.overdue == 1 && report.escalated == 1,
        "{report:?}"
    );

    // The head of department 1 and the Mayor's office may not view it: no reminder at all.
    assert!(reminder_rows(app, t.head).await.is_empty());
    assert!(reminder_rows(app, t.mayor).await.is_empty());
    for who in ["head", "mayor", "clerk", "officer", "auditor"] {
        let staff = app.login(who).await;
        assert_eq!(
            staff.get(&format!("/api/v1/cases/{number}")).await.0,
            403,
            "{who}"
        );
        assert!(reminders(&staff).await.is_empty(), "{who} is reminded");
        let (status, inbox) = page(app, who, "/staff").await;
        assert_eq!(status, 200);
        assert!(
            !inbox.contains(SIGNAL_SUBJECT),
            "{who} sees the subject on /staff"
        );
        assert!(!inbox.contains(&number), "{who} sees the number on /staff");
    }

    // Nor an e-mail: the reminders mailed go to the designated clerk alone.
    let mail = reminder_mail(app).await;
    assert!(!mail.is_empty());
    assert!(
        mail.iter().all(|to| to == "clerk_c@obshtina.example"),
        "{mail:?}"
    );

    // The designated clerk, who may see it, is told it is overdue and escalated instead.
    let mut kinds = reminder_rows(app, t.clerk_c).await;
    kinds.sort();
    assert_eq!(
        kinds,
        vec![format!("{number} escalated"), format!("{number} overdue")]
    );
    let clerk_c = app.login("clerk_c").await;
    let listed = reminders(&clerk_c).await;
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().all(|r| r["subject"] == SIGNAL_SUBJECT));
    let (_, inbox) = page(app, "clerk_c", "/staff").await;
    assert!(inbox.contains(SIGNAL_SUBJECT));
}

#[tokio::test]
async fn reminders_about_a_complaint_never_reach_the_employee_it_is_about() {
    let t = town("2026-03-02T10:00:00+02:00").await;
    let app = &t.app;
    // A complaint about the head of department 1, routed to that department.
    let (number, _) = app
        .registered(json!({"kind": "complaint", "channel": "web", "about_employee": true,
            "about_bad_administration": true, "subject": "Грубо отношение от началника", "body": "Текст.", "consent": true, "submitter": named()}))
        .await;
    let clerk = app.login("clerk").await;
    let (status, body) = clerk
        .act(
            &number,
            json!({"action": "triage", "subject_employee_id": t.head}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    app.act_as(
        "clerk",
        &number,
        json!({"action": "assign", "department_id": t.roads}),
    )
    .await;
    app.clock.set("2026-06-15T10:00:00+03:00");
    let report = priemna_app::jobs::run_deadlines(&app.state).await.unwrap();
    assert!(report.ran && report.overdue == 1, "{report:?}");
    // The head (the subject, and rule 4 besides) gets nothing; the Mayor's office,
    // whose complaint it is, is told.
    assert!(reminder_rows(app, t.head).await.is_empty());
    assert!(
        reminder_rows(app, t.mayor)
            .await
            .contains(&format!("{number} escalated"))
    );
    assert!(reminders(&app.login("head").await).await.is_empty());
    let mail = reminder_mail(app).await;
    assert!(
        mail.contains(&"mayor@obshtina.example".to_owned()),
        "{mail:?}"
    );
    assert!(
        !mail.contains(&"head@obshtina.example".to_owned()),
        "{mail:?}"
    );
}

#[tokio::test]
async fn a_reminder_written_before_the_reader_was_barred_is_not_shown() {
    let t = town("2026-03-02T10:00:00+02:00").await;
    let app = &t.app;
    let subject = "Дупка на ул. „Шипка“";
    let (number, _) = app
        .registered(
            json!({"kind": "signal", "channel": "web", "subject": subject,
            "body": "Голяма дупка.", "consent": true, "submitter": named()}),
        )
        .await;
    app.act_as(
        "clerk",
        &number,
        json!({"action": "assign", "department_id": t.roads}),
    )
    .await;
    app.clock.set("2026-06-15T10:00:00+03:00");
    priemna_app::jobs::run_deadlines(&app.state).await.unwrap();
    // The head was reminded while the case was their department's …
    assert!(!reminder_rows(app, t.head).await.is_empty());
    let head = app.login("head").await;
    assert_eq!(reminders(&head).await.len(), 1);
    // … then the case moves to another department: the old row stays, but is not shown.
    app.act_as(
        "clerk",
        &number,
        json!({"action": "assign", "department_id": t.social}),
    )
    .await;
    assert!(!reminder_rows(app, t.head).await.is_empty());
    assert_eq!(head.get(&format!("/api/v1/cases/{number}")).await.0, 403);
    assert!(reminders(&head).await.is_empty());
    let (_, inbox) = page(app, "head", "/staff").await;
    assert!(
        !inbox.contains(subject),
        "the old reminder shows the subject"
    );
}

// ---- M2: public topics ------------------------------------------------------------------------

/// Recomputes the statistics as the job does.
async fn refresh_stats(app: &TestApp) {
    use priemna_domain::Clock;
    priemna_app::stats::refresh(app.store.as_ref(), app.clock.now())
        .await
        .unwrap();
}

/// The published topics' labels of a period, from `/statistics.json`.
async fn public_topics(app: &TestApp, from: &str, to: &str) -> Vec<(String, u64)> {
    let json = app
        .get_json(&format!("/statistics.json?from={from}&to={to}"))
        .await;
    json["topics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["label"].as_str().unwrap().to_owned(),
                t["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// Every public form of the figures for `from`–`to` (and the year's report), as text.
async fn every_public_figure(app: &TestApp, from: &str, to: &str) -> String {
    let mut all = String::new();
    for path in [
        format!("/statistics.json?from={from}&to={to}"),
        format!("/statistics?from={from}&to={to}"),
        format!("/statistics.csv?from={from}&to={to}"),
        format!("/statistics/report/{}", &from[..4]),
    ] {
        let response = app.client.get(app.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        all.push_str(&response.text().await.unwrap().to_lowercase());
    }
    let mayor = app.login("mayor").await;
    let (status, api) = mayor
        .get(&format!("/api/v1/statistics?from={from}&to={to}"))
        .await;
    assert_eq!(status, 200, "{api}");
    all.push_str(&api.to_string().to_lowercase());
    all
}

#[tokio::test]
async fn a_surname_from_complaints_about_an_employee_never_reaches_the_statistics() {
    let t = town("2026-12-01T10:00:00+02:00").await;
    let app = &t.app;
    for i in 0..6 {
        app.registered(
            json!({"kind": "complaint", "channel": "web", "about_employee": true,
            "about_bad_administration": true,
            "subject": format!("Грубо отношение от служителката Зидарова ({i})"),
            "body": "Текст.", "consent": true, "submitter": named()}),
        )
        .await;
    }
    refresh_stats(app).await;
    let topics = public_topics(app, "2026-12", "2026-12").await;
    assert!(
        topics.iter().all(|(l, _)| !l.contains("зидаров")),
        "{topics:?}"
    );
    let all = every_public_figure(app, "2026-12", "2026-12").await;
    assert!(!all.contains("зидаров"), "the surname is published");
    assert!(
        !all.contains("служителк"),
        "a word of the complaints is published"
    );
}

#[tokio::test]
async fn a_topic_is_published_from_five_cases_of_the_period_shown() {
    let t = town("2026-11-10T10:00:00+02:00").await;
    let app = &t.app;
    let signal = |subject: &str| {
        json!({"kind": "signal", "channel": "web", "subject": subject,
               "body": "Моля, оправете.", "consent": true, "submitter": named()})
    };
    // Three cases in November and three in December use "фонтан"; "пейка" is in four cases of
    // December, then a fifth.
    for _ in 0..3 {
        app.registered(signal("Счупен фонтан в парка")).await;
    }
    app.clock.set("2026-12-02T10:00:00+02:00");
    for _ in 0..3 {
        app.registered(signal("Фонтанът не работи")).await;
    }
    for _ in 0..4 {
        app.registered(signal("Счупена пейка на площада")).await;
    }
    // Words of private kinds or obscene submissions never count, however many.
    for _ in 0..5 {
        app.registered(json!({"kind": "application", "channel": "web",
            "subject": "Помощ за отопление Стоянова", "body": "Моля.", "consent": true, "submitter": named()}))
            .await;
    }
    refresh_stats(app).await;
    let labels = |topics: Vec<(String, u64)>| -> Vec<String> {
        topics.into_iter().map(|(l, _)| l).collect()
    };
    let december = labels(public_topics(app, "2026-12", "2026-12").await);
    assert!(
        december.iter().all(|l| !l.starts_with("пейк")),
        "4 cases: {december:?}"
    );
    assert!(
        december.iter().all(|l| !l.starts_with("фонтан")),
        "3 cases: {december:?}"
    );
    assert!(
        december
            .iter()
            .all(|l| !l.contains("стоянов") && !l.contains("отоплен"))
    );
    let november = labels(public_topics(app, "2026-11", "2026-11").await);
    assert!(
        november.iter().all(|l| !l.starts_with("фонтан")),
        "{november:?}"
    );
    // Over both months the fountain was the subject of six cases: published.
    let both = public_topics(app, "2026-11", "2026-12").await;
    assert!(
        both.iter().any(|(l, c)| l.starts_with("фонтан") && *c == 6),
        "{both:?}"
    );
    // The fifth bench.
    app.registered(signal("Пейка без дъски")).await;
    refresh_stats(app).await;
    let december = public_topics(app, "2026-12", "2026-12").await;
    assert!(
        december
            .iter()
            .any(|(l, c)| l.starts_with("пейк") && *c == 5),
        "{december:?}"
    );
    let all = every_public_figure(app, "2026-12", "2026-12").await;
    assert!(all.contains("пейк"));
    assert!(!all.contains("стоянов"));
}

// ---- M1: letters, receipts and attachments are personal data ----------------------------------

const GPS_JPEG: &[u8] = include_bytes!("photos/gps.jpg");
const CLEAN_JPEG: &[u8] = include_bytes!("photos/clean.jpg");

fn contains(data: &[u8], needle: &[u8]) -> bool {
    data.windows(needle.len()).any(|w| w == needle)
}

/// A GET as `username` signed in on the pages: status, content type and bytes.
async fn page_bytes(app: &TestApp, username: &str, path: &str) -> (u16, String, Vec<u8>) {
    let cookie = page_cookie(app, username).await;
    let response = app
        .client
        .get(app.url(path))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (
        status,
        content_type,
        response.bytes().await.unwrap().to_vec(),
    )
}

/// A GET with a bearer token: status, content type and bytes.
async fn api_bytes(app: &TestApp, staff: &StaffClient, path: &str) -> (u16, String, Vec<u8>) {
    let response = app
        .client
        .get(app.url(path))
        .bearer_auth(&staff.token)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (
        status,
        content_type,
        response.bytes().await.unwrap().to_vec(),
    )
}

#[tokio::test]
async fn the_auditor_reads_no_letter_or_receipt_addressed_to_the_citizen() {
    let t = town("2026-03-02T10:00:00+02:00").await;
    let app = &t.app;
    let (number, _) = app
        .registered(
            json!({"kind": "signal", "channel": "web", "subject": "Дупка",
            "body": "Голяма дупка.", "consent": true, "submitter": named()}),
        )
        .await;
    app.act_as(
        "mayor",
        &number,
        json!({"action": "assign", "department_id": t.roads}),
    )
    .await;
    app.act_as(
        "mayor",
        &number,
        json!({"action": "answer", "text": "Дупката е запълнена."}),
    )
    .await;

    // The Mayor's office reads the answer letter, addressed to the citizen.
    let mayor = app.login("mayor").await;
    let (status, list) = mayor
        .get(&format!("/api/v1/cases/{number}/documents"))
        .await;
    assert_eq!(status, 200, "{list}");
    let answer = list["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "answer")
        .unwrap()
        .clone();
    assert_eq!(answer["readable"], true);
    let url = answer["url"].as_str().unwrap().to_owned();
    let (status, content_type, _) = api_bytes(app, &mayor, &url).await;
    assert_eq!((status, content_type.as_str()), (200, "application/pdf"));

    // The auditor still sees the case and which letters it holds, but no link and no letter.
    let auditor = app.login("auditor").await;
    assert_eq!(auditor.get(&format!("/api/v1/cases/{number}")).await.0, 200);
    let (status, list) = auditor
        .get(&format!("/api/v1/cases/{number}/documents"))
        .await;
    assert_eq!(status, 200, "{list}");
    let documents = list["documents"].as_array().unwrap();
    assert!(!documents.is_empty());
    for d in documents {
        assert_eq!(d["readable"], false, "{d}");
        assert!(d.get("url").is_none(), "{d}");
    }
    for path in [url.clone(), format!("/api/v1/cases/{number}/receipt.pdf")] {
        let (status, content_type, body) = api_bytes(app, &auditor, &path).await;
        assert_eq!(status, 403, "{path}");
        assert!(content_type.starts_with("application/json"), "{path}");
        let text = String::from_utf8(body).unwrap();
        assert!(text.contains("лични данни"), "the reason: {text}");
        assert!(
            !text.contains("Петров") && !text.contains("Шипка"),
            "{text}"
        );
    }
    // Nor a preview of a letter (it is addressed to the citizen).
    let (status, _) = auditor
        .post(
            &format!("/api/v1/cases/{number}/letters/preview"),
            json!({"kind": "answer", "text": "Текст."}),
        )
        .await;
    assert_eq!(status, 403);
}

/// Submits a named complaint with one file through the portal's form: the case's number.
async fn submit_with_file(app: &TestApp, filename: &str, data: &[u8]) -> String {
    let boundary = "----priemna-exposure-boundary";
    let mut body = Vec::new();
    for (name, value) in [
        ("kind", "signal"),
        ("subject", "Паднало дърво"),
        ("body", "Дървото е на тротоара."),
        ("address", "ул. „Шипка“ 3"),
        ("identity", "named"),
        ("name", "Иван Петров"),
        ("phone", "0888 123 456"),
        ("email", ""),
        ("postal_address", ""),
        ("consent", "on"),
    ] {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"attachments\"; \
             filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(data);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let response = app
        .client
        .post(app.url("/submit"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let page = response.text().await.unwrap();
    let start = page.find(r#"id="receipt-number">"#).unwrap() + r#"id="receipt-number">"#.len();
    page[start..start + page[start..].find('<').unwrap()].to_owned()
}

#[tokio::test]
async fn a_photo_loses_its_location_on_upload_and_the_auditor_cannot_download_it() {
    let t = town("2026-03-02T10:00:00+02:00").await;
    let app = &t.app;
    assert!(contains(GPS_JPEG, b"Exif\0\0") && contains(GPS_JPEG, b"Ivan Petrov"));
    // The name claims HTML and hides it behind a right-to-left override.
    let number = submit_with_file(app, "photo\u{202E}gpj.html", GPS_JPEG).await;
    let stored = app
        .store
        .attachments(number.parse().unwrap())
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].filename, "photogpj.jpg");
    assert_eq!(stored[0].content_type, "image/jpeg");
    let href = format!("/staff/cases/{number}/attachments/{}", stored[0].id);

    // An officer of the Mayor's office downloads the photo: the same picture, without its
    // Exif (APP1) segment, the XMP, the IPTC, the comment or what followed the image.
    let (status, content_type, bytes) = page_bytes(app, "mayor", &href).await;
    assert_eq!((status, content_type.as_str()), (200, "image/jpeg"));
    assert_eq!(bytes, CLEAN_JPEG);
    assert!(!contains(&bytes, &[0xFF, 0xE1]), "an APP1 segment is left");
    for needle in [&b"Exif"[..], b"GPS", b"Ivan Petrov", b"<html"] {
        assert!(!contains(&bytes, needle), "{needle:?}");
    }
    let (_, _, listing) = page_bytes(app, "mayor", &format!("/staff/cases/{number}/portal")).await;
    assert!(String::from_utf8(listing).unwrap().contains(&href));

    // The auditor sees that there is a file, but neither its name nor a link, and the
    // download is refused.
    let (status, _, listing) =
        page_bytes(app, "auditor", &format!("/staff/cases/{number}/portal")).await;
    assert_eq!(status, 200);
    let listing = String::from_utf8(listing).unwrap();
    assert!(
        !listing.contains(&href) && !listing.contains("photogpj"),
        "{listing}"
    );
    let (status, _, body) = page_bytes(app, "auditor", &href).await;
    assert_eq!(status, 403);
    assert!(!contains(&body, &CLEAN_JPEG[..64]));
}

#[tokio::test]
async fn a_damaged_photo_is_refused_rather_than_kept_with_its_metadata() {
    let t = town("2026-03-02T10:00:00+02:00").await;
    let app = &t.app;
    let boundary = "----priemna-exposure-boundary";
    let half = &GPS_JPEG[..GPS_JPEG.len() / 2];
    let mut body = Vec::new();
    for (name, value) in [
        ("kind", "signal"),
        ("subject", "Паднало дърво"),
        ("body", "Дървото е на тротоара."),
        ("identity", "named"),
        ("name", "Иван Петров"),
        ("phone", "0888 123 456"),
        ("consent", "on"),
    ] {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"attachments\"; \
             filename=\"snimka.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(half);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let response = app
        .client
        .post(app.url("/submit"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let page = response.text().await.unwrap();
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("повреден"), "{page}");
    assert_eq!(app.count().await, 0, "nothing is registered");
}

// ---- L8: booking lists ------------------------------------------------------------------------

#[tokio::test]
async fn booking_lists_reach_only_the_mayors_office_and_the_registry() {
    // Monday 2 March 2026; Wednesday 4 March is a working day.
    let t = town("2026-03-02T10:00:00+02:00").await;
    let app = &t.app;
    let response = app
        .client
        .post(app.url("/reception"))
        .form(&[
            ("official", "secretary"),
            ("day", "2026-03-04"),
            ("slot", "10:00"),
            ("name", "Мария Георгиева"),
            ("phone", "0888 111 222"),
            ("topic", "Ремонт на улицата"),
            ("consent", "on"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let path = "/staff/reception?day=2026-03-04";
    for who in ["clerk", "mayor"] {
        let (status, body) = page(app, who, path).await;
        assert_eq!(status, 200, "{who}");
        assert!(
            body.contains("Мария Георгиева") && body.contains("0888111222"),
            "{who}"
        );
    }
    for who in ["head", "admin", "officer", "auditor"] {
        let (status, body) = page(app, who, path).await;
        assert_eq!(status, 403, "{who}");
        assert!(
            !body.contains("Георгиева") && !body.contains("0888111222"),
            "{who}"
        );
        assert!(
            !body.contains(r#"href="/staff/reception""#),
            "{who}: the menu links it"
        );
    }
}
