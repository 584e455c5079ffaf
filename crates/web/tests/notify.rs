//! Written answers and notifications: PDF letters read back with `pdftotext`, e-mails received
//! by a real SMTP server (aiosmtpd) and parsed by Python's e-mail package, the outbox that keeps
//! messages while SMTP is missing or failing, and claims that let two workers share it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod helpers;
mod mailsink;

use helpers::{StaffClient, TestApp, named, spawn_app_configured};
use mailsink::{MailSink, free_port, pdf_bytes_text, squash, workspace_root};
use priemna_app::notify::{Notifier, SmtpConfig, TlsMode, WorkerConfig, WorkerHandle};
use priemna_domain::{Kind, RegistrationNumber};
use priemna_letters::{
    self as letters, Addressee, AnswerLetter, CaseRef, DelayNotice, Letterhead, Signatory,
};
use serde_json::{Value, json};
use std::time::Duration;

/// The letterhead and sender; `smtp`: whether this server is configured to send (its receipts
/// then keep the tracking code until the worker sends them).
fn notifier(smtp: bool) -> Notifier {
    let mut n = Notifier::new(
        Letterhead::default(),
        "priemna@haskovo.bg".into(),
        None,
        Some("https://priemna.haskovo.bg".into()),
    );
    n.smtp_configured = smtp;
    n
}

async fn app_at(now: &str, smtp: bool) -> TestApp {
    spawn_app_configured(now, |s| s.with_notifier(notifier(smtp))).await
}

fn worker_config(port: u16) -> WorkerConfig {
    let mut config = WorkerConfig::new(SmtpConfig {
        host: "127.0.0.1".into(),
        port: Some(port),
        tls: TlsMode::None,
        username: None,
        password: None,
        timeout: Duration::from_secs(5),
    });
    config.poll = Duration::from_millis(200);
    config.lease = Duration::from_secs(10);
    config.retry_base = Duration::from_millis(300);
    config.retry_max = Duration::from_secs(1);
    config
}

fn start_worker(app: &TestApp, port: u16) -> WorkerHandle {
    priemna_app::notify::spawn_worker(app.state.app.clone(), worker_config(port)).unwrap()
}

fn sample_answer() -> AnswerLetter {
    AnswerLetter {
        outgoing_number: "2026-000042-2".into(),
        issued_at: "2026-05-20T09:30:00Z".parse().unwrap(),
        case: CaseRef {
            number: RegistrationNumber::new(2026, 42).unwrap(),
            received_date: "2026-05-11".parse().unwrap(),
            kind: Kind::Complaint,
            subject: "Забавено удостоверение за наследници".into(),
        },
        addressee: Some(Addressee {
            name: "Иван Петров".into(),
            address: Some("ул. „Шипка“ № 3, 6300 Хасково".into()),
        }),
        text: "Във връзка с Вашата жалба Ви уведомяваме, че удостоверението за наследници е \
               издадено на 19.05.2026 г. и може да бъде получено в Центъра за административно \
               обслужване, гише № 4, всеки работен ден от 9:00 до 17:00 ч.\n\
               Извиняваме се за забавянето. Служителят, допуснал пропуска, е предупреден."
            .into(),
        signatory: Signatory {
            name: "Мария Георгиева".into(),
            position: "Секретар на Община Хасково".into(),
            for_mayor: false,
        },
        prepared_by: Some("Петър Начев, главен експерт, „Гражданска регистрация“".into()),
    }
}

#[test]
fn an_answer_letter_renders_to_a_pdf_whose_text_is_the_letter() {
    let letter = sample_answer();
    let pdf = letters::answer_pdf(&Letterhead::default(), &letter).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    // Deterministic: the same letter, the same bytes (so the committed sample stays current).
    assert_eq!(
        pdf,
        letters::answer_pdf(&Letterhead::default(), &letter).unwrap()
    );
    // Fonts are subset: the letter stays small enough to e-mail.
    assert!(pdf.len() < 120_000, "{} bytes", pdf.len());
    let text = squash(&pdf_bytes_text(&pdf));
    for expected in [
        "ОБЩИНА ХАСКОВО",
        "пл. „Общински“ №1, 6300 Хасково",
        "тел. 038 603330",
        "Изх. № 2026-000042-2 / 20.05.2026 г.",
        "Във връзка с Ваш вх. № 2026-000042 / 11.05.2026 г.",
        "ИВАН ПЕТРОВ",
        "ул. „Шипка“ № 3, 6300 Хасково",
        "ОТНОСНО: Забавено удостоверение за наследници (жалба)",
        "удостоверението за наследници е издадено на 19.05.2026 г.",
        "гише № 4",
        "С уважение,",
        "Уважаеми господин Петров,",
        "МАРИЯ ГЕОРГИЕВА",
        "Секретар на Община Хасково",
        "Изготвил: Петър Начев, главен експерт, „Гражданска регистрация“",
        "стр. 1 от 1",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }

    // The committed sample is this letter (PRIEMNA_WRITE_SAMPLES=1 rewrites it).
    let sample = workspace_root().join("docs/samples/answer-letter.pdf");
    if std::env::var("PRIEMNA_WRITE_SAMPLES").is_ok() {
        std::fs::create_dir_all(sample.parent().unwrap()).unwrap();
        std::fs::write(&sample, &pdf).unwrap();
    }
    assert_eq!(
        std::fs::read(&sample).expect("docs/samples/answer-letter.pdf"),
        pdf,
        "docs/samples/answer-letter.pdf is out of date: PRIEMNA_WRITE_SAMPLES=1 cargo test -p priemna-web --test notify"
    );
}

#[test]
fn a_long_answer_breaks_across_pages_and_a_delay_notice_names_reason_and_date() {
    let mut letter = sample_answer();
    letter.text = (1..=60)
        .map(|i| format!("Точка {i}: проверката на място установи нарушение по чл. {i}."))
        .collect::<Vec<_>>()
        .join("\n");
    let pdf = letters::answer_pdf(&Letterhead::default(), &letter).unwrap();
    let text = squash(&pdf_bytes_text(&pdf));
    assert!(text.contains("Точка 1: проверката"), "{text}");
    assert!(text.contains("Точка 60: проверката"), "{text}");
    assert!(
        text.contains("стр. 1 от 3") || text.contains("стр. 1 от 2"),
        "{text}"
    );

    let notice = DelayNotice {
        outgoing_number: "2026-000042-1".into(),
        issued_at: "2026-05-14T08:00:00Z".parse().unwrap(),
        case: sample_answer().case,
        addressee: None,
        reason: "необходима е проверка на място от общинската инспекция".into(),
        previous_due: Some("2026-05-18".parse().unwrap()),
        new_due: "2026-06-11".parse().unwrap(),
        signatory: Signatory {
            name: "Стефан Колев".into(),
            position: "Заместник-кмет".into(),
            for_mayor: true,
        },
        prepared_by: None,
    };
    let pdf = letters::delay_notice_pdf(&Letterhead::default(), &notice).unwrap();
    let text = squash(&pdf_bytes_text(&pdf));
    for expected in [
        "УВЕДОМЛЕНИЕ ЗА УДЪЛЖАВАНЕ НА СРОКА",
        "Изх. № 2026-000042-1 / 14.05.2026 г.",
        "ПОДАТЕЛЯ НА ЖАЛБА № 2026-000042",
        "Причина: необходима е проверка на място от общинската инспекция",
        "Новият краен срок за отговор е 11.06.2026 г. вместо до 18.05.2026 г.",
        "Здравейте,",
        "ЗА КМЕТ НА ОБЩИНА ХАСКОВО:",
        "СТЕФАН КОЛЕВ",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
}

struct Office {
    app: TestApp,
    clerk: StaffClient,
    officer: StaffClient,
    roads: i64,
}

async fn office(now: &str) -> Office {
    office_with(now, true).await
}

async fn office_with(now: &str, smtp: bool) -> Office {
    let app = app_at(now, smtp).await;
    let roads = app.add_department("Пътища и благоустройство").await;
    app.add_staff("clerk", "registry_clerk", None, false).await;
    app.add_staff("officer", "case_officer", Some(roads), false)
        .await;
    app.add_staff("auditor", "auditor", None, false).await;
    app.add_staff("admin", "administrator", None, false).await;
    Office {
        clerk: app.login("clerk").await,
        officer: app.login("officer").await,
        roads,
        app,
    }
}

async fn submit(app: &TestApp, body: Value) -> (String, String) {
    app.registered(body).await
}

fn complaint() -> Value {
    json!({"kind": "complaint", "channel": "web", "subject": "Забавено удостоверение",
           "body": "Чакам удостоверение от месец.", "about_bad_administration": true,
           "consent": true, "submitter": named()})
}

/// Triage, assign, start work.
async fn take_up(o: &Office, number: &str) {
    let (s, c) = o.clerk.act(number, json!({"action": "triage"})).await;
    assert_eq!(s, 200, "{c}");
    let (s, c) = o
        .clerk
        .act(
            number,
            json!({"action": "assign", "department_id": o.roads, "assignee_id": o.officer.id}),
        )
        .await;
    assert_eq!(s, 200, "{c}");
    let (s, c) = o.officer.act(number, json!({"action": "start_work"})).await;
    assert_eq!(s, 200, "{c}");
}

fn by_kind<'a>(messages: &'a [Value], prefix: &str) -> &'a Value {
    messages
        .iter()
        .find(|m| {
            m["headers"]["message-id"]
                .as_str()
                .is_some_and(|id| id.starts_with(&format!("<{prefix}.")))
        })
        .unwrap_or_else(|| panic!("no {prefix} message in {messages:#?}"))
}

#[tokio::test]
async fn receipt_delay_notice_and_answer_reach_a_real_smtp_server() {
    let o = office("2026-05-11T07:00:00Z").await;
    let mail_dir = tempfile::tempdir().unwrap();
    let sink = MailSink::start_anywhere(mail_dir.path(), &[]);
    let worker = start_worker(&o.app, sink.port);

    let (number, code) = submit(&o.app, complaint()).await;
    take_up(&o, &number).await;
    let (s, c) = o
        .officer
        .act(
            &number,
            json!({"action": "require_inspection", "new_due": "2026-06-10",
                   "reason": "необходима е проверка на място"}),
        )
        .await;
    assert_eq!(s, 200, "{c}");
    // Staff preview the answer before sending it.
    let preview = o
        .app
        .client
        .post(
            o.app
                .url(&format!("/api/v1/cases/{number}/letters/preview")),
        )
        .bearer_auth(&o.officer.token)
        .json(&json!({"kind": "answer", "text": "Удостоверението е издадено."}))
        .send()
        .await
        .unwrap();
    assert_eq!(preview.status(), 200);
    assert_eq!(preview.headers()["content-type"], "application/pdf");
    let preview_text = squash(&pdf_bytes_text(&preview.bytes().await.unwrap()));
    assert!(
        preview_text.contains("Удостоверението е издадено."),
        "{preview_text}"
    );
    assert!(preview_text.contains("(проект)"), "{preview_text}");

    let answer_text = "Удостоверението е издадено и може да бъде получено на гише № 4.";
    let (s, c) = o
        .officer
        .act(&number, json!({"action": "answer", "text": answer_text}))
        .await;
    assert_eq!(s, 200, "{c}");

    let messages = sink.wait_for(3, Duration::from_secs(20)).await;
    assert_eq!(messages.len(), 3, "{messages:#?}");

    // The receipt: number and tracking code, Bulgarian first, both parts, Cyrillic subject.
    let receipt = by_kind(&messages, "receipt");
    assert_eq!(receipt["rcpt_tos"], json!(["ivan@example.bg"]));
    assert_eq!(receipt["content_type"], "multipart/alternative");
    let subject = receipt["headers"]["subject"].as_str().unwrap();
    // The case's reference ends the subject and is the References of every e-mail about it,
    // so that a reply finds the case (docs/mailbox.md).
    let (plain, tag) = subject
        .split_once(" [П-")
        .unwrap_or_else(|| panic!("{subject}"));
    assert_eq!(
        plain,
        format!("Регистрирано с вх. № {number} – Община Хасково")
    );
    let token = tag.trim_end_matches(']');
    assert_eq!(token.len(), 13, "{subject}");
    let reference = format!("<case.{}@haskovo.bg>", token.to_ascii_lowercase());
    for m in &messages {
        assert_eq!(m["headers"]["references"], reference.as_str(), "{m}");
        assert!(
            m["headers"]["subject"]
                .as_str()
                .unwrap()
                .ends_with(&format!("[П-{token}]")),
            "{m}"
        );
    }
    let raw = receipt["raw_headers"].as_str().unwrap();
    assert!(
        raw.contains("Subject: =?utf-8?"),
        "the subject is RFC 2047-encoded: {raw}"
    );
    assert!(raw.contains("Auto-Submitted: auto-generated"), "{raw}");
    assert!(
        receipt["headers"]["from"]
            .as_str()
            .unwrap()
            .contains("Община Хасково <priemna@haskovo.bg>")
    );
    // Nothing the citizen typed in the headers of mail to an unverified address.
    assert_eq!(receipt["headers"]["to"], "ivan@example.bg");
    assert!(
        receipt["headers"]["date"]
            .as_str()
            .unwrap()
            .contains("2026")
    );
    let text = receipt["text"].as_str().unwrap();
    assert_eq!(text.lines().next(), Some("Здравейте,"), "{text}");
    assert!(
        !text.contains("Иван") && !text.contains("Забавено"),
        "{text}"
    );
    assert!(text.contains(&format!("Входящ номер: {number}")), "{text}");
    assert!(
        text.contains(&format!("Код за проследяване: {code}")),
        "{text}"
    );
    assert!(text.contains("Срок за отговор: до 18.05.2026 г."), "{text}");
    assert!(
        text.find("Подаването Ви").unwrap() < text.find("-- English --").unwrap(),
        "Bulgarian first"
    );
    assert!(text.contains(&format!("Tracking code: {code}")), "{text}");
    let html = receipt["html"].as_str().unwrap();
    assert!(html.contains(&code) && html.contains(&number), "{html}");
    assert!(html.contains("<html lang=\"bg\">"), "{html}");

    // The delay notice: reason, new final date, its PDF attached.
    let notice = by_kind(&messages, "delay_notice");
    assert!(
        notice["headers"]["subject"]
            .as_str()
            .unwrap()
            .contains("нов краен срок 10.06.2026"),
        "{notice}"
    );
    let text = notice["text"].as_str().unwrap();
    assert!(
        text.contains("Причина: необходима е проверка на място"),
        "{text}"
    );
    assert!(text.contains("Нов краен срок: 10.06.2026 г."), "{text}");
    let notice_pdf = &notice["attachments"][0];
    assert_eq!(notice_pdf["content_type"], "application/pdf");
    let pdf_text = squash(&mailsink::pdf_text(std::path::Path::new(
        notice_pdf["path"].as_str().unwrap(),
    )));
    assert!(
        pdf_text.contains("Новият краен срок за отговор е 10.06.2026 г."),
        "{pdf_text}"
    );
    assert!(
        pdf_text.contains(&format!("Изх. № {number}-1")),
        "{pdf_text}"
    );

    // The answer: the letter attached, the same bytes as kept with the case.
    let answer = by_kind(&messages, "answer");
    assert_eq!(answer["content_type"], "multipart/mixed");
    assert_eq!(
        answer["headers"]["subject"],
        format!("Отговор по преписка № {number} (изх. № {number}-2) [П-{token}]")
    );
    let attachment = &answer["attachments"][0];
    assert_eq!(attachment["content_type"], "application/pdf");
    assert_eq!(attachment["filename"], format!("otgovor-{number}-2.pdf"));
    let letter_text = squash(&mailsink::pdf_text(std::path::Path::new(
        attachment["path"].as_str().unwrap(),
    )));
    assert!(letter_text.contains(answer_text), "{letter_text}");
    assert!(letter_text.contains("ИВАН ПЕТРОВ"), "{letter_text}");
    assert!(
        letter_text.contains(&format!("Във връзка с Ваш вх. № {number} / 11.05.2026 г.")),
        "{letter_text}"
    );
    // No official is set to sign outgoing letters here: the officer signs.
    assert!(letter_text.contains("СЛУЖИТЕЛ OFFICER"), "{letter_text}");
    assert_eq!(
        letter_text.matches("С уважение").count(),
        1,
        "{letter_text}"
    );

    // Staff see the letters kept with the case; the citizen downloads the answer.
    let (s, docs) = o
        .officer
        .get(&format!("/api/v1/cases/{number}/documents"))
        .await;
    assert_eq!(s, 200);
    let docs = docs["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 2, "{docs:?}");
    assert_eq!(docs[1]["kind"], "answer");
    assert_eq!(docs[1]["sha256"], attachment["sha256"]);
    let download = o
        .app
        .client
        .get(
            o.app
                .url(&format!("/api/v1/submissions/{number}/answer.pdf")),
        )
        .query(&[("tracking_code", code.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), 200);
    assert_eq!(download.headers()["content-type"], "application/pdf");
    let bytes = download.bytes().await.unwrap();
    assert_eq!(bytes.len() as u64, attachment["size"].as_u64().unwrap());
    let wrong = o
        .app
        .client
        .get(
            o.app
                .url(&format!("/api/v1/submissions/{number}/answer.pdf")),
        )
        .query(&[("tracking_code", "AAAA-BBBB-CCCC")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 404);

    // The outbox says what happened; Message-IDs are unique.
    let auditor = o.app.login("auditor").await;
    let (s, outbox) = auditor.get("/api/v1/outbox").await;
    assert_eq!(s, 200, "{outbox}");
    assert_eq!(outbox["counts"]["sent"], 3, "{outbox}");
    for m in outbox["messages"].as_array().unwrap() {
        assert_eq!(m["state"], "sent");
        assert_eq!(m["recipient"], "iv***@example.bg");
        assert!(
            !m.to_string().contains(&code),
            "no tracking code in the outbox"
        );
    }
    let mut ids: Vec<&str> = messages
        .iter()
        .map(|m| m["headers"]["message-id"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 3);
    worker.stop(Duration::from_secs(5)).await;
}

#[tokio::test]
async fn without_smtp_messages_wait_in_the_outbox_and_staff_see_them() {
    let o = office_with("2026-05-11T07:00:00Z", false).await;
    let (number, _) = submit(&o.app, complaint()).await;
    // An anonymous submission and one without an e-mail address send nothing.
    let mut no_email = complaint();
    no_email["submitter"] = json!({"name": "Мария", "phone": "0888 123 456"});
    submit(&o.app, no_email).await;

    let auditor = o.app.login("auditor").await;
    let (s, outbox) = auditor.get("/api/v1/outbox").await;
    assert_eq!(s, 200, "{outbox}");
    assert_eq!(outbox["smtp_configured"], false);
    assert_eq!(outbox["counts"]["queued"], 1, "{outbox}");
    let m = &outbox["messages"][0];
    assert_eq!(m["kind"], "receipt");
    assert_eq!(m["number"], number.as_str());
    assert_eq!(m["state"], "queued");
    assert_eq!(m["attempts"], 0);

    // Case officers do not see the outbox; a queued message cannot be "retried".
    let (s, _) = o.officer.get("/api/v1/outbox").await;
    assert_eq!(s, 403);
    let admin = o.app.login("admin").await;
    let id = m["id"].as_i64().unwrap();
    let (s, _) = admin
        .post(&format!("/api/v1/outbox/{id}/retry"), json!({}))
        .await;
    assert_eq!(s, 409);

    // When SMTP appears, the waiting message goes.
    let mail_dir = tempfile::tempdir().unwrap();
    let sink = MailSink::start_anywhere(mail_dir.path(), &[]);
    let worker = start_worker(&o.app, sink.port);
    let messages = sink.wait_for(1, Duration::from_secs(20)).await;
    assert!(
        messages[0]["headers"]["subject"]
            .as_str()
            .unwrap()
            .contains(&number)
    );
    worker.stop(Duration::from_secs(5)).await;
}

#[tokio::test]
async fn temporary_smtp_failures_are_retried_and_the_message_goes_once() {
    let o = office("2026-05-11T07:00:00Z").await;
    let mail_dir = tempfile::tempdir().unwrap();
    let sink = MailSink::start_anywhere(mail_dir.path(), &["--fail-first", "2"]);
    let worker = start_worker(&o.app, sink.port);
    submit(&o.app, complaint()).await;
    sink.wait_for(1, Duration::from_secs(20)).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(sink.messages().len(), 1);
    let auditor = o.app.login("auditor").await;
    let (_, outbox) = auditor.get("/api/v1/outbox").await;
    let m = &outbox["messages"][0];
    assert_eq!(m["state"], "sent", "{outbox}");
    assert_eq!(m["attempts"], 3, "{outbox}");
    worker.stop(Duration::from_secs(5)).await;
}

#[tokio::test]
async fn a_refused_recipient_fails_and_an_administrator_can_requeue_it() {
    let o = office("2026-05-11T07:00:00Z").await;
    // Nobody listens on this port: every attempt fails; after the last one the message fails.
    let dead_port = free_port();
    let mut config = worker_config(dead_port);
    config.max_attempts = 2;
    let worker = priemna_app::notify::spawn_worker(o.app.state.app.clone(), config).unwrap();
    submit(&o.app, complaint()).await;
    let auditor = o.app.login("auditor").await;
    let mut failed = Value::Null;
    for _ in 0..100 {
        let (_, outbox) = auditor.get("/api/v1/outbox?state=failed").await;
        if outbox["messages"].as_array().is_some_and(|m| !m.is_empty()) {
            failed = outbox["messages"][0].clone();
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(failed["attempts"], 2, "{failed}");
    assert!(failed["last_error"].as_str().is_some(), "{failed}");
    worker.stop(Duration::from_secs(5)).await;

    let mail_dir = tempfile::tempdir().unwrap();
    let sink = MailSink::start_anywhere(mail_dir.path(), &[]);
    let worker = start_worker(&o.app, sink.port);
    let admin = o.app.login("admin").await;
    let id = failed["id"].as_i64().unwrap();
    let (s, body) = admin
        .post(&format!("/api/v1/outbox/{id}/retry"), json!({}))
        .await;
    assert_eq!(s, 200, "{body}");
    sink.wait_for(1, Duration::from_secs(20)).await;
    let (_, journal) = auditor.get("/api/v1/journal?limit=1000").await;
    assert!(journal.to_string().contains("outbox_retry"));
    worker.stop(Duration::from_secs(5)).await;
}

#[tokio::test]
async fn staff_with_an_address_get_their_reminders_by_email_once() {
    let o = office("2026-05-11T07:00:00Z").await;
    let admin = o.app.login("admin").await;
    let (s, user) = admin
        .send(
            reqwest::Method::PATCH,
            &format!("/api/v1/users/{}", o.officer.id),
            json!({"email": "officer@haskovo.bg"}),
        )
        .await;
    assert_eq!(s, 200, "{user}");
    assert_eq!(user["email"], "officer@haskovo.bg");
    let (s, bad) = admin
        .send(
            reqwest::Method::PATCH,
            &format!("/api/v1/users/{}", o.officer.id),
            json!({"email": "not an address"}),
        )
        .await;
    assert_eq!(s, 422, "{bad}");

    let mut anonymous_email = complaint();
    anonymous_email["submitter"] = json!({"name": "Мария", "phone": "0888 123 456"});
    let (number, _) = submit(&o.app, anonymous_email).await;
    take_up(&o, &number).await;
    // Due 18 May; on the 15th it is due soon, on the 19th overdue.
    o.app.clock.set("2026-05-15T07:00:00Z");
    let report = priemna_app::jobs::run_deadlines(&o.app.state)
        .await
        .unwrap();
    assert!(report.reminders >= 1, "{report:?}");
    o.app.clock.set("2026-05-15T07:20:00Z");
    priemna_app::jobs::run_deadlines(&o.app.state)
        .await
        .unwrap();
    o.app.clock.set("2026-05-19T07:00:00Z");
    priemna_app::jobs::run_deadlines(&o.app.state)
        .await
        .unwrap();

    let mail_dir = tempfile::tempdir().unwrap();
    let sink = MailSink::start_anywhere(mail_dir.path(), &[]);
    let worker = start_worker(&o.app, sink.port);
    let messages = sink.wait_for(2, Duration::from_secs(20)).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let messages_after = sink.messages();
    assert_eq!(messages_after.len(), 2, "{messages:#?}");
    let subjects: Vec<&str> = messages_after
        .iter()
        .map(|m| m["headers"]["subject"].as_str().unwrap())
        .collect();
    assert!(
        subjects.contains(
            &format!("Напомняне: срокът по преписка № {number} изтича на 18.05.2026 г.").as_str()
        ),
        "{subjects:?}"
    );
    assert!(
        subjects.contains(&format!("Просрочена преписка № {number} (срок 18.05.2026 г.)").as_str()),
        "{subjects:?}"
    );
    for m in &messages_after {
        assert_eq!(m["rcpt_tos"], json!(["officer@haskovo.bg"]));
        assert!(
            m["text"]
                .as_str()
                .unwrap()
                .contains(&format!("https://priemna.haskovo.bg/staff/cases/{number}"))
        );
    }
    worker.stop(Duration::from_secs(5)).await;
}

#[tokio::test]
async fn two_workers_on_one_outbox_send_every_message_exactly_once() {
    let o = office("2026-05-11T07:00:00Z").await;
    for i in 0..12 {
        let mut c = complaint();
        c["subject"] = json!(format!("Жалба №{i}"));
        submit(&o.app, c).await;
    }
    // A second server on the same database, with its own store connection and worker.
    let second = o.app.state.clone();
    let second_store = priemna_store::connect(&o.app.database_url).await.unwrap();
    let mut second_state = second;
    second_state.app.store = second_store;
    let mail_dir = tempfile::tempdir().unwrap();
    let sink = MailSink::start_anywhere(mail_dir.path(), &[]);
    let mut config_a = worker_config(sink.port);
    config_a.batch = 2;
    let mut config_b = worker_config(sink.port);
    config_b.batch = 2;
    let a = priemna_app::notify::spawn_worker(o.app.state.app.clone(), config_a).unwrap();
    let b = priemna_app::notify::spawn_worker(second_state.app.clone(), config_b).unwrap();
    let messages = sink.wait_for(12, Duration::from_secs(30)).await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let messages = if sink.messages().len() > messages.len() {
        sink.messages()
    } else {
        messages
    };
    let mut ids: Vec<String> = messages
        .iter()
        .map(|m| m["headers"]["message-id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(messages.len(), 12, "no message twice");
    assert_eq!(ids.len(), 12);
    a.stop(Duration::from_secs(5)).await;
    b.stop(Duration::from_secs(5)).await;
}

#[tokio::test]
async fn a_box_submission_prints_its_receipt_again_without_the_tracking_code() {
    let o = office("2026-05-11T07:00:00Z").await;
    let (number, code) = submit(
        &o.app,
        json!({"kind": "signal", "channel": "signal_box", "subject": "Счупена пейка",
               "body": "Пейката пред читалището е счупена.", "consent": true, "submitter": named()}),
    )
    .await;
    let (s, docs) = o
        .clerk
        .get(&format!("/api/v1/cases/{number}/documents"))
        .await;
    assert_eq!(s, 200);
    // The register keeps the facts, not a rendered copy.
    assert_eq!(docs["documents"], json!([]), "{docs}");
    let mut printed = Vec::new();
    for _ in 0..2 {
        let response = o
            .app
            .client
            .get(o.app.url(&format!("/api/v1/cases/{number}/receipt.pdf")))
            .bearer_auth(&o.clerk.token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        printed.push(response.bytes().await.unwrap());
    }
    assert_eq!(printed[0], printed[1], "the same bytes every time");
    let text = squash(&pdf_bytes_text(&printed[0]));
    assert!(text.contains("ПОТВЪРЖДЕНИЕ ЗА РЕГИСТРАЦИЯ"), "{text}");
    assert!(text.contains(&format!("Входящ № {number}")), "{text}");
    assert!(text.contains("11.05.2026 г., 10:00 ч."), "{text}");
    assert!(text.contains("кутия за сигнали"), "{text}");
    assert!(!text.contains(&code), "the kept copy has no tracking code");
}

/// A booking with an e-mail address: the confirmation reaches a real SMTP server with the code
/// and the link to move or cancel the visit filled in, and its calendar file attached as
/// `text/calendar; method=REQUEST`, lines ending in CRLF (as the file went on the wire).
#[tokio::test]
async fn a_booking_confirmation_reaches_smtp_with_its_calendar_invitation() {
    // Monday 2 March 2026, 10:00 in Haskovo; Wednesday 4 March is a working day.
    let app = app_at("2026-03-02T08:00:00Z", true).await;
    let mail_dir = tempfile::tempdir().unwrap();
    let sink = MailSink::start_anywhere(mail_dir.path(), &[]);
    let worker = start_worker(&app, sink.port);
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let booked = no_redirects
        .post(app.url("/reception"))
        .form(&[
            ("official", "mayor"),
            ("day", "2026-03-04"),
            ("slot", "10:20"),
            ("name", "Мария Георгиева"),
            ("phone", "0888 123 456"),
            ("email", "maria@example.bg"),
            ("consent", "on"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(booked.status(), 303);
    let location = booked.headers()["location"].to_str().unwrap().to_owned();
    let page = no_redirects
        .get(app.url(&location))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let code = page
        .split(r#"id="booking-code">"#)
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap()
        .to_owned();

    let messages = sink.wait_for(1, Duration::from_secs(20)).await;
    let mail = by_kind(&messages, "booking_confirmation");
    assert_eq!(mail["rcpt_tos"], json!(["maria@example.bg"]));
    assert_eq!(mail["content_type"], "multipart/mixed");
    let text = mail["text"].as_str().unwrap();
    assert!(text.contains(&code), "the code is filled in: {text}");
    assert!(
        text.contains(&format!(
            "https://priemna.haskovo.bg/reception/change?code={code}"
        )),
        "{text}"
    );
    assert!(text.contains("при кмета на Община Хасково"), "{text}");
    let attachment = &mail["attachments"][0];
    assert_eq!(attachment["filename"], "visit.ics");
    assert_eq!(attachment["content_type"], "text/calendar");
    let raw = std::fs::read(attachment["path"].as_str().unwrap()).unwrap();
    let ics = String::from_utf8(raw).unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"), "{ics:?}");
    assert!(ics.contains("\r\nMETHOD:REQUEST\r\n"), "{ics:?}");
    assert!(
        ics.contains("\r\nDTSTART;TZID=Europe/Sofia:20260304T102000\r\n"),
        "{ics:?}"
    );
    assert!(ics.contains("\r\nSEQUENCE:0\r\n"));
    assert!(!ics.contains(&code), "the file itself carries no code");
    let eml = std::fs::read_to_string(
        mail_dir.path().join(
            std::path::Path::new(attachment["path"].as_str().unwrap())
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.split('-').next())
                .map(|n| format!("{n}.eml"))
                .unwrap(),
        ),
    )
    .unwrap();
    assert!(
        eml.to_ascii_lowercase()
            .contains("content-type: text/calendar; charset=utf-8; method=request"),
        "{eml}"
    );
    worker.stop(Duration::from_secs(5)).await;
}
