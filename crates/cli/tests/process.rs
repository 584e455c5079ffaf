//! The `priemna` binary as an operator and a clerk use it: real processes, real signals.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::zombie_processes
)]

use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_priemna");

/// A fresh database on the backend this test run targets (SQLite file or PostgreSQL).
async fn fresh(dir: &tempfile::TempDir) -> String {
    priemna_store::testing::fresh_database_url(dir.path())
        .await
        .unwrap()
}

struct Server {
    child: Child,
    base: String,
    stdout_lines: Vec<String>,
}

/// Starts `priemna serve` on a free port and waits for its "listening" line.
fn start_server(db: &str, extra: &[&str]) -> Server {
    let mut child = Command::new(BIN)
        .args(["serve", "--addr", "127.0.0.1:0", "--database-url"])
        .arg(db)
        // Every request here comes from 127.0.0.1, and loopback is limited like any client.
        .args(if extra.contains(&"--with-rate-limits") {
            &[][..]
        } else {
            &["--no-rate-limits"][..]
        })
        .args(extra.iter().filter(|a| **a != "--with-rate-limits"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start priemna serve");
    let stdout = child.stdout.take().unwrap();
    let mut reader = BufReader::new(stdout);
    let mut stdout_lines = Vec::new();
    loop {
        let mut line = String::new();
        let n = reader.read_line(&mut line).unwrap();
        assert!(n > 0, "server exited before listening: {stdout_lines:?}");
        if let Some(rest) = line.trim().strip_prefix("Priemna listening on ") {
            let base = rest.to_owned();
            // Keep draining stdout so the server never blocks on a full pipe.
            std::thread::spawn(move || for _ in reader.lines() {});
            return Server {
                child,
                base,
                stdout_lines,
            };
        }
        stdout_lines.push(line.trim().to_owned());
    }
}

impl Server {
    fn kill_hard(mut self) {
        // std's Child::kill sends SIGKILL on Unix: no chance to flush or clean up.
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn submission(i: usize) -> Value {
    json!({
        "kind": "signal", "channel": "web",
        "subject": format!("Сигнал №{i}"),
        "body": format!("Не свети лампата на стълб №{i} на ул. „Шипка“."),
        "consent": true, "submitter": {"name": "Мария Георгиева", "phone": "038 601 234"}
    })
}

/// Sends `submission(0)` `times` times with `X-Forwarded-For: forwarded`; the statuses.
async fn submit_from(server: &Server, forwarded: &str, times: usize) -> Vec<u16> {
    let client = reqwest::Client::new();
    let mut statuses = Vec::new();
    for _ in 0..times {
        let response = client
            .post(format!("{}/api/v1/submissions", server.base))
            .header("x-forwarded-for", forwarded)
            .json(&submission(0))
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    statuses
}

#[tokio::test]
async fn serve_limits_every_client_and_reads_the_proxy_chain_from_the_right() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh(&dir).await;
    // The shipped defaults on loopback, as behind the documented reverse proxy without
    // --trust-proxy: limited, whatever the client writes in X-Forwarded-For.
    let server = start_server(&db, &["--with-rate-limits", "--intake-per-minute", "2"]);
    assert_eq!(submit_from(&server, "127.0.0.1", 3).await, [201, 201, 429]);
    drop(server);
    // `--trust-proxy` alone: one proxy in front; the client cannot rotate the left-most entry.
    let server = start_server(
        &db,
        &[
            "--with-rate-limits",
            "--intake-per-minute",
            "2",
            "--trust-proxy",
        ],
    );
    assert_eq!(
        submit_from(&server, "1.1.1.1, 203.0.113.7", 2).await,
        [201, 201]
    );
    assert_eq!(submit_from(&server, "2.2.2.2, 203.0.113.7", 1).await, [429]);
    assert_eq!(submit_from(&server, "203.0.113.8", 1).await, [201]);
    drop(server);
    // A bad proxy setting is refused at start, naming the value.
    let refused = Command::new(BIN)
        .args(["serve", "--addr", "127.0.0.1:0", "--database-url", &db])
        .args(["--trust-proxy", "10.0.0.1,proxy.local"])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("proxy.local"), "{stderr}");
}

#[tokio::test]
async fn acknowledged_submissions_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh(&dir).await;
    let server = start_server(&db, &[]);
    let client = reqwest::Client::new();
    let url = format!("{}/api/v1/submissions", server.base);

    // Keep submitting from many clients; kill the server while requests are in flight.
    let acknowledged_so_far = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for i in 0..400 {
        let client = client.clone();
        let url = url.clone();
        let counter = acknowledged_so_far.clone();
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis((i % 100) as u64 * 3)).await;
            let response = client.post(url).json(&submission(i)).send().await.ok()?;
            if response.status() != 201 {
                return None;
            }
            let receipt: Value = response.json().await.ok()?;
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Some((i, receipt))
        }));
    }
    // Kill once intake is under way (however slow the machine), with requests still in flight.
    let started = std::time::Instant::now();
    while acknowledged_so_far.load(std::sync::atomic::Ordering::SeqCst) < 5
        && started.elapsed() < Duration::from_secs(30)
    {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tokio::time::sleep(Duration::from_millis(20)).await;
    server.kill_hard();
    let mut acknowledged = Vec::new();
    for task in tasks {
        if let Some(ok) = task.await.unwrap() {
            acknowledged.push(ok);
        }
    }
    assert!(
        !acknowledged.is_empty(),
        "nothing was acknowledged before the kill"
    );

    let server = start_server(&db, &[]);
    for (i, receipt) in &acknowledged {
        let number = receipt["number"].as_str().unwrap();
        let response = client
            .get(format!("{}/api/v1/submissions/{number}", server.base))
            .query(&[("tracking_code", receipt["tracking_code"].as_str().unwrap())])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "acknowledged {number} lost");
        let case: Value = response.json().await.unwrap();
        assert_eq!(case["subject"], format!("Сигнал №{i}"));
        assert_eq!(case["body"], submission(*i)["body"]);
    }
    // Numbers are gap-free: the acknowledged ones all fall within 1..=count and are distinct.
    let mut sequences: Vec<u32> = acknowledged
        .iter()
        .map(|(_, r)| r["number"].as_str().unwrap()[5..].parse().unwrap())
        .collect();
    sequences.sort_unstable();
    sequences.dedup();
    assert_eq!(sequences.len(), acknowledged.len());
    println!(
        "1 kill, {} acknowledged, 0 lost (of 400 attempted)",
        acknowledged.len()
    );

    // After the restart the series continues without a gap.
    let response = client
        .post(format!("{}/api/v1/submissions", server.base))
        .json(&submission(999))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let receipt: Value = response.json().await.unwrap();
    let next: u32 = receipt["number"].as_str().unwrap()[5..].parse().unwrap();
    assert!(next as usize > acknowledged.len());
    let all_before = next - 1;
    assert!(
        sequences.iter().all(|s| *s <= all_before),
        "{sequences:?} vs {next}"
    );
}

#[tokio::test]
async fn demo_data_loads_on_first_start_only() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh(&dir).await;
    let server = start_server(&db, &["--demo"]);
    let demo: Vec<&String> = server
        .stdout_lines
        .iter()
        .filter(|l| l.starts_with("demo: "))
        .collect();
    assert_eq!(demo.len(), 3, "{:?}", server.stdout_lines);
    // "demo: 2026-000001 — tracking code XXXX-XXXX-XXXX"
    let words: Vec<&str> = demo[0].split_whitespace().collect();
    let (number, code) = (words[1], words[words.len() - 1]);
    let client = reqwest::Client::new();
    let case: Value = client
        .get(format!("{}/api/v1/submissions/{number}", server.base))
        .query(&[("tracking_code", code)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(case["number"], number);
    assert!(!case["subject"].as_str().unwrap().is_empty());

    // The demo's whistleblower report waits with a designated inspector, who can answer it.
    let inspector = server
        .stdout_lines
        .iter()
        .find(|l| l.starts_with("demo staff: inspector / "))
        .expect("a designated inspector in the demo");
    let password = inspector.split_whitespace().nth(4).unwrap();
    let login: Value = client
        .post(format!("{}/api/v1/auth/login", server.base))
        .json(&json!({"username": "inspector", "password": password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["token"].as_str().unwrap();
    let list: Value = client
        .get(format!(
            "{}/api/v1/cases?kind=corruption_signal",
            server.base
        ))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let report = &list["cases"][0];
    assert_eq!(report["assignee"], "Радослав Честнов", "{list}");
    let answered = client
        .post(format!(
            "{}/api/v1/cases/{}/actions",
            server.base,
            report["number"].as_str().unwrap()
        ))
        .bearer_auth(token)
        .json(&json!({"action": "answer", "text": "Сигналът е проверен."}))
        .send()
        .await
        .unwrap();
    assert_eq!(answered.status(), 200);
    drop(server);

    let again = start_server(&db, &["--demo"]);
    assert!(
        again.stdout_lines.iter().all(|l| !l.starts_with("demo: ")),
        "demo data loaded twice"
    );
}

#[tokio::test]
async fn a_clerk_registers_a_signal_box_paper_from_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh(&dir).await;
    let output = Command::new(BIN)
        .args([
            "submit",
            "--kind",
            "signal",
            "--channel",
            "signal_box",
            "--subject",
            "Счупена пейка",
            "--body",
            "Пейката в парка е счупена.",
            "--name",
            "Елена Стоянова",
            "--consent",
            "--phone",
            "0877 555 010",
            "--clerk",
            "registry1",
            "--json",
            "--database-url",
        ])
        .arg(&db)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let receipt: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(receipt["number"].as_str().unwrap().ends_with("-000001"));
    assert!(receipt["answer_due"].is_string());

    // A bad paper is refused with the field named, and nothing is stored.
    let refused = Command::new(BIN)
        .args([
            "submit",
            "--kind",
            "petition",
            "--channel",
            "signal_box",
            "--subject",
            "x",
            "--body",
            "y",
            "--name",
            "Елена",
            "--consent",
            "--egn",
            "123",
            "--database-url",
        ])
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("kind:"), "{stderr}");
    assert!(stderr.contains("submitter.egn:"), "{stderr}");

    let server = start_server(&db, &[]);
    let case: Value = reqwest::Client::new()
        .get(format!(
            "{}/api/v1/submissions/{}",
            server.base,
            receipt["number"].as_str().unwrap()
        ))
        .query(&[("tracking_code", receipt["tracking_code"].as_str().unwrap())])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(case["channel"], "signal_box");
    assert_eq!(case["subject"], "Счупена пейка");
}

#[test]
fn calendar_and_deadline_commands() {
    let output = Command::new(BIN)
        .args(["calendar", "2027", "--json"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let days: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    let dates: Vec<&str> = days.iter().map(|d| d["date"].as_str().unwrap()).collect();
    // 1 May 2027 is Holy Saturday; Easter Monday is 3 May, so the day off moves to 4 May.
    for date in [
        "2027-04-30",
        "2027-05-01",
        "2027-05-03",
        "2027-05-04",
        "2027-12-27",
        "2027-12-28",
    ] {
        assert!(dates.contains(&date), "{date} missing: {dates:?}");
    }
    let output = Command::new(BIN)
        .args([
            "deadline",
            "--received",
            "2026-04-03",
            "--rule",
            "complaint_7_days",
        ])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "2026-04-14");
    let output = Command::new(BIN)
        .args(["check", "egn", "7501010010", "7501010011"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("7501010010\tvalid"), "{text}");
    assert!(text.contains("7501010011\tinvalid"), "{text}");
    assert_eq!(output.status.code(), Some(1));
}

#[tokio::test]
async fn journal_verify_names_the_first_edited_entry() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh(&dir).await;
    for subject in ["Първи", "Втори", "Трети"] {
        let output = Command::new(BIN)
            .args([
                "submit",
                "--kind",
                "proposal",
                "--channel",
                "post",
                "--subject",
                subject,
                "--body",
                "Текст.",
                "--name",
                "Иван Петров",
                "--consent",
                "--phone",
                "0888123456",
                "--database-url",
            ])
            .arg(&db)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let verify = || {
        Command::new(BIN)
            .args(["journal", "verify", "--database-url"])
            .arg(&db)
            .output()
            .unwrap()
    };
    let intact = verify();
    assert!(intact.status.success());
    assert!(
        // Three registrations and the consent of each named submitter.
        String::from_utf8_lossy(&intact.stdout).contains("6"),
        "{intact:?}"
    );

    // Someone edits the second entry by hand, removing the guard trigger first.
    let drop_trigger = if db.starts_with("postgres") {
        "DROP TRIGGER journal_no_update ON journal"
    } else {
        "DROP TRIGGER journal_no_update"
    };
    sql(
        &db,
        &[
            drop_trigger,
            "UPDATE journal SET actor = 'clerk:someone-else' WHERE id = 2",
        ],
    )
    .await
    .unwrap();

    let broken = verify();
    assert_eq!(broken.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&broken.stdout);
    assert!(stdout.contains("entry 2"), "{stdout}");

    // The trigger refuses edits made without removing it first.
    let dir2 = tempfile::tempdir().unwrap();
    let db2 = fresh(&dir2).await;
    let output = Command::new(BIN)
        .args([
            "submit",
            "--kind",
            "praise",
            "--channel",
            "web",
            "--subject",
            "Благодаря",
            "--body",
            "Благодаря.",
            "--database-url",
        ])
        .arg(&db2)
        .output()
        .unwrap();
    assert!(output.status.success());
    let refused = sql(&db2, &["UPDATE journal SET actor = 'x' WHERE id = 1"]).await;
    assert!(refused.is_err(), "the journal is append-only");
    let refused = sql(&db2, &["DELETE FROM journal"]).await;
    assert!(refused.is_err(), "the journal is append-only");
}

#[tokio::test]
async fn the_first_administrator_is_created_from_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh(&dir).await;
    let add = |password: &str| {
        let mut child = Command::new(BIN)
            .args([
                "user",
                "add",
                "--username",
                "admin",
                "--name",
                "Администратор",
                "--role",
                "administrator",
                "--password-stdin",
                "--database-url",
            ])
            .arg(&db)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        child.wait_with_output().unwrap()
    };
    let weak = add("short");
    assert_eq!(weak.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&weak.stderr).contains("password"));
    let ok = add("a long admin passphrase");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let again = add("a long admin passphrase");
    assert!(!again.status.success(), "usernames are unique");
    let list = Command::new(BIN)
        .args(["user", "list", "--database-url"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&list.stdout).contains("admin\tadministrator"));
}

/// Runs statements directly on the database, as someone with access to the server could.
async fn sql(url: &str, statements: &[&str]) -> Result<(), sqlx::Error> {
    use sqlx::Connection;
    if url.starts_with("postgres") {
        let mut conn = sqlx::PgConnection::connect(url).await?;
        for s in statements {
            sqlx::query(s).execute(&mut conn).await?;
        }
        conn.close().await
    } else {
        let mut conn = sqlx::SqliteConnection::connect(url).await?;
        for s in statements {
            sqlx::query(s).execute(&mut conn).await?;
        }
        conn.close().await
    }
}

#[tokio::test]
async fn two_servers_share_one_database_with_gap_free_numbers_and_jobs_run_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh(&dir).await;
    // Both servers run the deadline job every second; each run claims its 10-minute slot.
    let a = start_server(&db, &["--deadline-job-every", "1"]);
    let b = start_server(&db, &["--deadline-job-every", "1"]);
    let client = reqwest::Client::new();
    let mut tasks = Vec::new();
    for i in 0..200 {
        let client = client.clone();
        let base = if i % 2 == 0 {
            a.base.clone()
        } else {
            b.base.clone()
        };
        tasks.push(tokio::spawn(async move {
            let response = client
                .post(format!("{base}/api/v1/submissions"))
                .json(&submission(i))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 201);
            let receipt: Value = response.json().await.unwrap();
            receipt["number"].as_str().unwrap()[5..]
                .parse::<u32>()
                .unwrap()
        }));
    }
    let mut numbers = Vec::new();
    for task in tasks {
        numbers.push(task.await.unwrap());
    }
    numbers.sort_unstable();
    assert_eq!(
        numbers,
        (1..=200).collect::<Vec<u32>>(),
        "unique and gap-free across servers"
    );

    tokio::time::sleep(Duration::from_millis(2500)).await;
    drop(a);
    drop(b);
    let store = priemna_store::connect(&db).await.unwrap();
    let runs = store.job_runs(priemna_store::Job::Deadlines).await.unwrap();
    let mut distinct = runs.clone();
    distinct.dedup();
    assert!(!runs.is_empty(), "the deadline job ran");
    assert_eq!(
        runs, distinct,
        "each slot ran once, though both servers tried several times"
    );
    assert!(runs.len() <= 2, "{runs:?}");
    assert!(matches!(
        store.verify_journal().await.unwrap(),
        // Each named submission: its registration and the submitter's consent.
        priemna_store::JournalVerdict::Intact { entries: 400 }
    ));
}

#[tokio::test]
async fn backup_while_serving_and_restore() {
    if priemna_store::testing::postgres_requested() {
        return; // PostgreSQL is backed up with pg_dump; this covers the SQLite setup.
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("live.db");
    let url = format!("sqlite:{}", db.display());
    let server = start_server(&url, &[]);
    let client = reqwest::Client::new();
    let mut receipts = Vec::new();
    for i in 0..20 {
        let receipt: Value = client
            .post(format!("{}/api/v1/submissions", server.base))
            .json(&submission(i))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        receipts.push(receipt);
    }
    let backup = dir.path().join("backup.db");
    let output = Command::new(BIN)
        .args(["backup", "--database-url", &url, "--to"])
        .arg(&backup)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The live server goes on; what it registers after the backup is not in the copy.
    let later: Value = client
        .post(format!("{}/api/v1/submissions", server.base))
        .json(&submission(99))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    drop(server);

    let restored = dir.path().join("restored.db");
    let output = Command::new(BIN)
        .args(["restore", "--from"])
        .arg(&backup)
        .arg("--db")
        .arg(&restored)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let again = Command::new(BIN)
        .args(["restore", "--from"])
        .arg(&backup)
        .arg("--db")
        .arg(&restored)
        .output()
        .unwrap();
    assert!(
        !again.status.success(),
        "restore never overwrites without --force"
    );

    let restored_url = format!("sqlite:{}", restored.display());
    let server = start_server(&restored_url, &[]);
    for receipt in &receipts {
        let response = client
            .get(format!(
                "{}/api/v1/submissions/{}",
                server.base,
                receipt["number"].as_str().unwrap()
            ))
            .query(&[("tracking_code", receipt["tracking_code"].as_str().unwrap())])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }
    let missing = client
        .get(format!(
            "{}/api/v1/submissions/{}",
            server.base,
            later["number"].as_str().unwrap()
        ))
        .query(&[("tracking_code", later["tracking_code"].as_str().unwrap())])
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    let verify = Command::new(BIN)
        .args(["journal", "verify", "--database-url", &restored_url])
        .output()
        .unwrap();
    assert!(verify.status.success());
}
