//! The outbox across a mail-server outage and a crash of Priemna itself: with the SMTP server
//! stopped, citizens submit and an officer answers; Priemna is killed (SIGKILL) and started
//! again; then the SMTP server comes back — and receives every message exactly once.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::zombie_processes
)]

#[path = "../../web/tests/mailsink/mod.rs"]
mod mailsink;

use mailsink::{MailSink, free_port};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_priemna");
const PASSWORD: &str = "correct horse battery";

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

fn start_server(db: &str, smtp_port: u16) -> Server {
    let port = smtp_port.to_string();
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--database-url",
            db,
            "--no-rate-limits",
        ])
        .args([
            "--smtp-host",
            "127.0.0.1",
            "--smtp-port",
            &port,
            "--smtp-tls",
            "none",
        ])
        .args([
            "--smtp-timeout",
            "2",
            "--outbox-lease",
            "4",
            "--outbox-poll",
            "1",
        ])
        .args(["--outbox-retry", "1", "--outbox-retry-max", "2"])
        .args(["--public-url", "https://priemna.haskovo.bg"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start priemna serve");
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

async fn login(client: &reqwest::Client, base: &str, username: &str) -> String {
    let response: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": username, "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    response["token"].as_str().expect("token").to_owned()
}

async fn call(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    token: &str,
    body: Value,
) -> Value {
    let response = client
        .request(method, url)
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert!(status.is_success(), "{status}: {body}");
    body
}

#[tokio::test]
async fn messages_survive_an_smtp_outage_and_a_killed_server_and_go_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = priemna_store::testing::fresh_database_url(dir.path())
        .await
        .unwrap();
    let mut admin = Command::new(BIN)
        .args([
            "user",
            "add",
            "--username",
            "admin",
            "--name",
            "Администратор",
        ])
        .args([
            "--role",
            "administrator",
            "--password-stdin",
            "--database-url",
            &db,
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    writeln!(admin.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    assert!(admin.wait().unwrap().success());

    // The mail server is down: nothing listens on its port.
    let smtp_port = free_port();
    let server = start_server(&db, smtp_port);
    let client = reqwest::Client::new();
    let base = server.base.clone();
    let admin = login(&client, &base, "admin").await;
    let department = call(
        &client,
        reqwest::Method::POST,
        format!("{base}/api/v1/departments"),
        &admin,
        json!({"name": "Пътища"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    for (username, role) in [("clerk", "registry_clerk"), ("officer", "case_officer")] {
        let created = call(
            &client,
            reqwest::Method::POST,
            format!("{base}/api/v1/users"),
            &admin,
            json!({"username": username, "display_name": format!("Служител {username}"),
                   "role": role, "password": PASSWORD, "department_id": department}),
        )
        .await;
        // A lone administrator's new case handler is activated on the server (issue 22, M3).
        let change = created["pending_change"]["id"]
            .as_i64()
            .unwrap()
            .to_string();
        let approved = Command::new(BIN)
            .args(["user", "approve", &change, "--database-url", &db])
            .output()
            .unwrap();
        assert!(approved.status.success(), "{approved:?}");
    }
    let mut numbers = Vec::new();
    for i in 0..3 {
        let receipt: Value = client
            .post(format!("{base}/api/v1/submissions"))
            .json(&json!({"kind": "complaint", "channel": "web",
                          "subject": format!("Жалба №{i}"), "body": "Чакам от месец.",
                          "about_bad_administration": true,
                          "consent": true, "submitter": {"name": format!("Гражданин {i}"),
                                        "email": format!("citizen{i}@example.bg")}}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        numbers.push(receipt["number"].as_str().unwrap().to_owned());
    }
    let clerk = login(&client, &base, "clerk").await;
    let officer = login(&client, &base, "officer").await;
    let officer_id = call(
        &client,
        reqwest::Method::GET,
        format!("{base}/api/v1/auth/me"),
        &officer,
        Value::Null,
    )
    .await["user"]["id"]
        .as_i64()
        .unwrap();
    let case_url = format!("{base}/api/v1/cases/{}/actions", numbers[0]);
    let act = async |token: &str, body: Value| {
        call(
            &client,
            reqwest::Method::POST,
            case_url.clone(),
            token,
            body,
        )
        .await
    };
    act(&clerk, json!({"action": "triage"})).await;
    act(
        &clerk,
        json!({"action": "assign", "department_id": department, "assignee_id": officer_id}),
    )
    .await;
    act(&officer, json!({"action": "start_work"})).await;
    act(
        &officer,
        json!({"action": "answer", "text": "Удостоверението е издадено."}),
    )
    .await;

    // The worker has tried and failed at least once; everything waits in the outbox.
    let auditor_check = |outbox: &Value| {
        outbox["messages"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["state"] == "queued" || m["state"] == "sending")
    };
    let mut tried = false;
    for _ in 0..50 {
        let outbox = call(
            &client,
            reqwest::Method::GET,
            format!("{base}/api/v1/outbox"),
            &admin,
            Value::Null,
        )
        .await;
        assert_eq!(outbox["messages"].as_array().unwrap().len(), 4, "{outbox}");
        assert!(auditor_check(&outbox), "{outbox}");
        if outbox["messages"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["attempts"].as_i64().unwrap() >= 1)
        {
            tried = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(tried, "the worker tries while SMTP is down");

    // Priemna dies; the mail server comes back; Priemna starts again.
    drop(server);
    let mail_dir = tempfile::tempdir().unwrap();
    let sink = MailSink::start(mail_dir.path(), smtp_port, &[]);
    let server = start_server(&db, smtp_port);
    let messages = sink.wait_for(4, Duration::from_secs(40)).await;
    // Long enough for any lease left by the killed server to run out and be retried.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let messages_after = sink.messages();
    assert_eq!(
        messages_after.len(),
        4,
        "every message exactly once: {messages:#?}"
    );
    let mut ids: Vec<&str> = messages_after
        .iter()
        .map(|m| m["headers"]["message-id"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 4, "distinct Message-IDs");
    let mut recipients: Vec<String> = messages_after
        .iter()
        .map(|m| m["rcpt_tos"][0].as_str().unwrap().to_owned())
        .collect();
    recipients.sort();
    assert_eq!(
        recipients,
        [
            "citizen0@example.bg",
            "citizen0@example.bg",
            "citizen1@example.bg",
            "citizen2@example.bg"
        ]
    );
    let answer = messages_after
        .iter()
        .find(|m| {
            m["headers"]["message-id"]
                .as_str()
                .unwrap()
                .starts_with("<answer.")
        })
        .unwrap();
    assert_eq!(answer["attachments"][0]["content_type"], "application/pdf");
    let text = mailsink::squash(&mailsink::pdf_text(std::path::Path::new(
        answer["attachments"][0]["path"].as_str().unwrap(),
    )));
    assert!(text.contains("Удостоверението е издадено."), "{text}");

    let admin = login(&client, &server.base, "admin").await;
    let outbox = call(
        &client,
        reqwest::Method::GET,
        format!("{}/api/v1/outbox", server.base),
        &admin,
        Value::Null,
    )
    .await;
    assert_eq!(outbox["counts"]["sent"], 4, "{outbox}");
    println!("SMTP down, 4 messages queued, 1 SIGKILL, 4 delivered once each");
}
