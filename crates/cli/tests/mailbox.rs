//! The municipality's mailbox as an intake channel, end to end: a real IMAP server (Dovecot,
//! started by `scripts/with-dovecot`), messages put in with IMAP APPEND as a mail server
//! delivers them (`tests/mail/*.eml`), `priemna serve` reading them, and a real SMTP server
//! (aiosmtpd) receiving the acknowledgements. Skipped, with a note, without
//! `PRIEMNA_TEST_IMAP_PORT`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::zombie_processes
)]

#[path = "../../web/tests/mailsink/mod.rs"]
mod mailsink;

use mailsink::MailSink;
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_priemna");
const PASSWORD: &str = "correct horse battery";

/// The test IMAP server: port and password (any user name logs in, with a mailbox of its own).
struct Imap {
    port: u16,
    password: String,
}

fn imap() -> Option<Imap> {
    let Ok(port) = std::env::var("PRIEMNA_TEST_IMAP_PORT") else {
        eprintln!("PRIEMNA_TEST_IMAP_PORT not set: skipped (run under scripts/with-dovecot)");
        return None;
    };
    Some(Imap {
        port: port.parse().expect("PRIEMNA_TEST_IMAP_PORT"),
        password: std::env::var("PRIEMNA_TEST_IMAP_PASSWORD").expect("PRIEMNA_TEST_IMAP_PASSWORD"),
    })
}

/// A mailbox of its own for each test.
fn user(test: &str) -> String {
    format!("{test}-{}", std::process::id())
}

type Session = async_imap::Session<tokio::net::TcpStream>;

async fn login(imap: &Imap, user: &str) -> Session {
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", imap.port))
        .await
        .unwrap();
    let mut client = async_imap::Client::new(tcp);
    client.read_response().await.unwrap().unwrap();
    let mut session = client
        .login(user, &imap.password)
        .await
        .map_err(|(e, _)| e)
        .unwrap();
    session.select("INBOX").await.unwrap();
    session
}

/// Delivers a message as a mail server would: APPEND to the INBOX, unread.
async fn deliver(imap: &Imap, user: &str, messages: &[Vec<u8>]) {
    let mut session = login(imap, user).await;
    for message in messages {
        session.append("INBOX", None, None, message).await.unwrap();
    }
    session.logout().await.unwrap();
}

async fn unseen(imap: &Imap, user: &str) -> usize {
    let mut session = login(imap, user).await;
    let n = session.uid_search("UNSEEN").await.unwrap().len();
    session.logout().await.unwrap();
    n
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/mail")
            .join(name),
    )
    .unwrap()
}

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server(db: &str, imap: &Imap, user: &str, smtp: Option<u16>) -> Server {
    let mut command = Command::new(BIN);
    command
        .args(["serve", "--addr", "127.0.0.1:0", "--database-url", db])
        .args(["--imap-host", "127.0.0.1", "--imap-tls", "none"])
        .args([
            "--imap-port",
            &imap.port.to_string(),
            "--imap-username",
            user,
        ])
        .args(["--imap-poll", "1", "--imap-max-message-bytes", "65536"])
        .args(["--mail-from", "priemna@haskovo.bg"])
        .env("PRIEMNA_IMAP_PASSWORD", &imap.password)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if let Some(port) = smtp {
        command
            .args(["--smtp-host", "127.0.0.1", "--smtp-port", &port.to_string()])
            .args(["--smtp-tls", "none", "--outbox-poll", "1"]);
    }
    let mut child = command.spawn().expect("start priemna serve");
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    loop {
        let mut line = String::new();
        assert!(reader.read_line(&mut line).unwrap() > 0, "server exited");
        if let Some(base) = line.trim().strip_prefix("Priemna listening on ") {
            let base = base.to_owned();
            std::thread::spawn(move || for _ in reader.lines() {});
            return Server { child, base };
        }
    }
}

async fn database(path: &Path) -> sqlx::SqlitePool {
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .read_only(true);
    sqlx::SqlitePool::connect_with(options).await.unwrap()
}

/// Waits until `done` holds, polling every 100 ms.
async fn until<F, Fut>(what: &str, timeout: Duration, mut done: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    while !done().await {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn count(db: &Path, sql: &str) -> i64 {
    let pool = database(db).await;
    let n: i64 = sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap_or(0);
    pool.close().await;
    n
}

#[tokio::test]
async fn each_kind_of_message_is_registered_noted_or_set_aside_once() {
    let Some(imap) = imap() else { return };
    let user = user("kinds");
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("register.db");
    let db = db_path.to_str().unwrap().to_owned();
    let sink_dir = dir.path().join("sent");
    std::fs::create_dir_all(&sink_dir).unwrap();
    let sink = MailSink::start_anywhere(&sink_dir, &[]);

    let letters = [
        "utf8-alternative.eml",
        "cp1251-alternative.eml",
        "attachment.eml",
        "outlook-reply.eml",
    ];
    let mut messages: Vec<Vec<u8>> = letters.iter().map(|f| fixture(f)).collect();
    for f in [
        "auto-reply.eml",
        "oversized.eml",
        "malformed.eml",
        "word-attachment.eml",
    ] {
        messages.push(fixture(f));
    }
    deliver(&imap, &user, &messages).await;
    let server = start_server(&db, &imap, &user, Some(sink.port));

    // Every message handled and marked read.
    until("every message read", Duration::from_secs(60), || {
        let (imap, user) = (&imap, &user);
        async move { unseen(imap, user).await == 0 }
    })
    .await;
    let pool = database(&db_path).await;
    let cases: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT s.number, s.subject, s.body, p.email FROM submissions s
         JOIN submitters p ON p.submission_id = s.id
         WHERE s.channel = 'email' ORDER BY s.id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(cases.len(), 4, "{cases:#?}");
    let by_email = |e: &str| cases.iter().find(|c| c.3 == e).unwrap().clone();
    let utf8 = by_email("maria.ivanova@example.bg");
    assert_eq!(utf8.1, "Улично осветление");
    assert!(
        utf8.2.contains("от седмица не свети уличното осветление"),
        "{}",
        utf8.2
    );
    let cp1251 = by_email("g.dimitrov@example.bg");
    assert_eq!(cp1251.1, "Паднало дърво в парка");
    assert!(cp1251.2.contains("изкоренено дърво"), "{}", cp1251.2);
    let outlook = by_email("ilia.petkov@example.bg");
    assert_eq!(outlook.1, "RE: Теч от шахта");
    assert!(
        outlook.2.starts_with("Благодаря за отговора."),
        "{}",
        outlook.2
    );
    let photo = by_email("petar.stoyanov@example.com");
    let files: Vec<(String, String)> = sqlx::query_as(
        "SELECT a.filename, a.content_type FROM attachments a
         JOIN submissions s ON s.id = a.submission_id WHERE s.number = $1 ORDER BY a.id",
    )
    .bind(&photo.0)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        files.iter().map(|f| f.1.as_str()).collect::<Vec<_>>(),
        ["image/jpeg", "application/pdf"],
        "{files:?}"
    );
    let notes: Vec<(String, String)> =
        sqlx::query_as("SELECT outcome, reason FROM mail_notes ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
    let outcomes: Vec<&str> = notes.iter().map(|n| n.0.as_str()).collect();
    assert_eq!(
        outcomes,
        ["auto_reply", "set_aside", "set_aside", "set_aside"],
        "{notes:#?}"
    );
    assert!(notes[1].1.starts_with("too large"), "{notes:#?}");
    assert!(notes[2].1.contains("no sender"), "{notes:#?}");
    assert!(
        notes[3]
            .1
            .contains("“molba.docx” is not of an accepted type"),
        "{notes:#?}"
    );

    // The acknowledgements: one to each sender, with the number and a tracking code.
    let sent = sink.wait_for(4, Duration::from_secs(30)).await;
    for case in &cases {
        let receipt = sent
            .iter()
            .find(|m| m["rcpt_tos"][0] == case.3.as_str())
            .unwrap_or_else(|| panic!("no receipt to {}: {sent:#?}", case.3));
        let text = receipt["text"].as_str().unwrap();
        assert!(text.contains(&case.0), "{text}");
    }

    // The same message delivered again is not registered again; a bounce of a receipt marks
    // that receipt undelivered.
    let returned = sent[0]["headers"]["message-id"]
        .as_str()
        .unwrap()
        .to_owned();
    let bounce = String::from_utf8(fixture("bounce.eml"))
        .unwrap()
        .replace("ORIGINAL-MESSAGE-ID", &returned);
    deliver(
        &imap,
        &user,
        &[fixture("utf8-alternative.eml"), bounce.into_bytes()],
    )
    .await;
    until("the bounce noted", Duration::from_secs(30), || {
        let db_path = &db_path;
        async move {
            count(
                db_path,
                "SELECT count(*) FROM mail_notes WHERE outcome = 'bounce'",
            )
            .await
                == 1
        }
    })
    .await;
    until("every message read", Duration::from_secs(30), || {
        let (imap, user) = (&imap, &user);
        async move { unseen(imap, user).await == 0 }
    })
    .await;
    let (state, error): (String, String) =
        sqlx::query_as("SELECT state, last_error FROM outbox WHERE message_id = $1")
            .bind(&returned)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(state, "failed");
    assert!(error.contains("550 5.1.1"), "{error}");
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM submissions WHERE channel = 'email'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(total, 4, "the same message twice is registered once");
    // Nothing answered the automatic messages.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(sink.messages().len(), 4);

    // A registry clerk sees what was not registered, and why.
    let mut add = Command::new(BIN)
        .args([
            "user",
            "add",
            "--username",
            "clerk",
            "--name",
            "Деловодител",
        ])
        .args([
            "--role",
            "registry_clerk",
            "--password-stdin",
            "--database-url",
            &db,
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    writeln!(add.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    assert!(add.wait().unwrap().success());
    let client = reqwest::Client::new();
    let login: Value = client
        .post(format!("{}/api/v1/auth/login", server.base))
        .json(&serde_json::json!({"username": "clerk", "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["token"].as_str().expect("token");
    let response = client
        .get(format!("{}/api/v1/mailbox", server.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let page: Value = response.json().await.unwrap();
    let notes = page["notes"].as_array().unwrap();
    let outcomes: Vec<&str> = notes
        .iter()
        .map(|n| n["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes,
        [
            "bounce",
            "set_aside",
            "set_aside",
            "set_aside",
            "auto_reply"
        ],
        "{page:#}"
    );
    assert!(notes[0]["bounced_outbox_id"].is_i64(), "{page:#}");
    assert!(
        notes[1]["reason"].as_str().unwrap().contains("molba.docx"),
        "{page:#}"
    );
    assert!(
        !notes[4]["sender"]
            .as_str()
            .unwrap()
            .contains("maria.ivanova"),
        "masked"
    );
}

#[tokio::test]
async fn a_reader_killed_mid_mailbox_registers_every_message_exactly_once() {
    let Some(imap) = imap() else { return };
    let user = user("crash");
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("register.db");
    let db = db_path.to_str().unwrap().to_owned();
    const N: usize = 40;
    let template = String::from_utf8(fixture("utf8-alternative.eml")).unwrap();
    let messages: Vec<Vec<u8>> = (0..N)
        .map(|i| {
            template
                .replace(
                    "<utf8-alternative.1@example.bg>",
                    &format!("<crash.{i}@example.bg>"),
                )
                .replace(
                    "Subject: =?UTF-8?Q?",
                    &format!("Subject: =?UTF-8?Q?{i:03}_"),
                )
                .into_bytes()
        })
        .collect();
    deliver(&imap, &user, &messages).await;

    let registered = |db_path: std::path::PathBuf| async move {
        if !db_path.exists() {
            return 0;
        }
        count(
            &db_path,
            "SELECT count(*) FROM submissions WHERE channel = 'email'",
        )
        .await
    };
    let mut kills = 0;
    for round in 0..3 {
        let server = start_server(&db, &imap, &user, None);
        let start = Instant::now();
        let target = (round as i64 + 1) * 5;
        loop {
            let n = registered(db_path.clone()).await;
            if n >= target || n as usize >= N || start.elapsed() > Duration::from_secs(60) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // SIGKILL, mid-mailbox: wherever the reader is.
        drop(server);
        kills += 1;
        let n = registered(db_path.clone()).await as usize;
        eprintln!("killed the reader with {n} of {N} messages registered");
        if n >= N {
            break;
        }
    }
    let _server = start_server(&db, &imap, &user, None);
    until("every message read", Duration::from_secs(90), || {
        let (imap, user) = (&imap, &user);
        async move { unseen(imap, user).await == 0 }
    })
    .await;
    let pool = database(&db_path).await;
    let subjects: Vec<String> = sqlx::query_scalar(
        "SELECT subject FROM submissions WHERE channel = 'email' ORDER BY subject",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut distinct = subjects.clone();
    distinct.dedup();
    assert_eq!(subjects.len(), N, "after {kills} kills: {subjects:#?}");
    assert_eq!(
        distinct.len(),
        N,
        "a message registered twice: {subjects:#?}"
    );
    let numbers: i64 = sqlx::query_scalar(
        "SELECT count(DISTINCT number) FROM submissions WHERE channel = 'email'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(numbers as usize, N);
}

/// A reply to an e-mail Priemna sent, from `from`, carrying `subject`, `in_reply_to` and
/// `references` as a mail client writes them (an Outlook reply with its quoted history and a
/// file).
fn reply(
    from: &str,
    message_id: &str,
    subject: &str,
    in_reply_to: &str,
    references: &str,
) -> Vec<u8> {
    String::from_utf8(fixture("reply-template.eml"))
        .unwrap()
        .replace("FROM_ADDRESS", from)
        .replace("MESSAGE_ID", message_id)
        .replace("SUBJECT", subject)
        .replace("IN_REPLY_TO", in_reply_to)
        .replace("REFERENCES", references)
        .into_bytes()
}

#[tokio::test]
async fn a_reply_lands_on_its_case_and_only_from_the_case_address() {
    let Some(imap) = imap() else { return };
    let user = user("threads");
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("register.db");
    let db = db_path.to_str().unwrap().to_owned();
    let sink_dir = dir.path().join("sent");
    std::fs::create_dir_all(&sink_dir).unwrap();
    let sink = MailSink::start_anywhere(&sink_dir, &[]);
    deliver(&imap, &user, &[fixture("utf8-alternative.eml")]).await;
    let _server = start_server(&db, &imap, &user, Some(sink.port));

    // The receipt carries the case's reference: in the subject and in References.
    let sent = sink.wait_for(1, Duration::from_secs(60)).await;
    let receipt = &sent[0];
    let message_id = receipt["headers"]["message-id"]
        .as_str()
        .unwrap()
        .to_owned();
    let subject = receipt["headers"]["subject"].as_str().unwrap().to_owned();
    let references = receipt["headers"]["references"]
        .as_str()
        .unwrap()
        .to_owned();
    let token = subject
        .split("[П-")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .unwrap_or_else(|| panic!("no case reference in {subject:?}"))
        .to_owned();
    assert_eq!(token.len(), 13, "{subject}");
    assert_eq!(
        references,
        format!("<case.{}@haskovo.bg>", token.to_ascii_lowercase())
    );
    let pool = database(&db_path).await;
    let number: String =
        sqlx::query_scalar("SELECT number FROM submissions WHERE channel = 'email'")
            .fetch_one(&pool)
            .await
            .unwrap();

    // Maria replies (Outlook: In-Reply-To, References, "RE:" and the tag kept); a stranger
    // replies to the same e-mail; someone writes with a tag the register never issued.
    let reply_subject = format!("RE: {subject}");
    let threaded = reply(
        "maria.ivanova@example.bg",
        "reply.1@example.bg",
        &reply_subject,
        &message_id,
        &format!("{references} {message_id}"),
    );
    let stranger = reply(
        "someone.else@example.org",
        "reply.2@example.org",
        &reply_subject,
        &message_id,
        &format!("{references} {message_id}"),
    );
    let forged = reply(
        "MARIA.IVANOVA@example.bg",
        "reply.3@example.bg",
        "RE: Регистрирано [П-ZZZZZZZZZZZZZ]",
        "<receipt.0000@haskovo.bg>",
        "<case.zzzzzzzzzzzzz@haskovo.bg>",
    );
    deliver(&imap, &user, &[threaded.clone(), stranger, forged]).await;
    until("every message read", Duration::from_secs(60), || {
        let (imap, user) = (&imap, &user);
        async move { unseen(imap, user).await == 0 }
    })
    .await;

    // Maria's reply is on her case, its quoted history trimmed (kept whole beside), its file
    // with it — and no new case for it.
    let messages: Vec<(String, String, String, Option<String>, i64)> = sqlx::query_as(
        "SELECT m.direction, m.channel, m.text, m.full_text,
                (SELECT count(*) FROM attachments a WHERE a.case_message_id = m.id)
         FROM case_messages m JOIN submissions s ON s.id = m.submission_id
         WHERE s.number = $1 ORDER BY m.id",
    )
    .bind(&number)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(messages.len(), 1, "{messages:#?}");
    let (direction, channel, text, full, files) = &messages[0];
    assert_eq!(
        (direction.as_str(), channel.as_str()),
        ("from_citizen", "email")
    );
    assert!(text.starts_with("Прилагам снимка на мястото."), "{text}");
    assert!(text.ends_with("Мария Иванова"), "{text}");
    assert!(!text.contains("Sent:"), "{text}");
    assert!(full.as_deref().unwrap_or_default().contains("Sent:"));
    assert_eq!(*files, 1);

    // The stranger's reply and the forged tag are new submissions, each with a note for the
    // clerk naming what they claimed.
    let cases: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT s.number, p.email,
                (SELECT m.text FROM case_messages m
                 WHERE m.submission_id = s.id AND m.direction = 'internal')
         FROM submissions s JOIN submitters p ON p.submission_id = s.id
         WHERE s.channel = 'email' ORDER BY s.id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(cases.len(), 3, "{cases:#?}");
    let stranger_note = cases[1].2.clone().unwrap_or_default();
    assert_eq!(cases[1].1, "someone.else@example.org");
    assert!(
        stranger_note.contains(&number) && stranger_note.contains("от друг адрес"),
        "{stranger_note}"
    );
    let forged_note = cases[2].2.clone().unwrap_or_default();
    assert!(
        forged_note.contains("не е издавал") && forged_note.contains("ZZZZZZZZZZZZZ"),
        "{forged_note}"
    );

    // The same reply delivered again is added once.
    deliver(&imap, &user, &[threaded]).await;
    until("the copy read", Duration::from_secs(30), || {
        let (imap, user) = (&imap, &user);
        async move { unseen(imap, user).await == 0 }
    })
    .await;
    let replies: i64 =
        sqlx::query_scalar("SELECT count(*) FROM case_messages WHERE direction = 'from_citizen'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(replies, 1);
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM submissions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(total, 3);
}
