//! `priemna-bench intake`: measures intake and tracking over real HTTP against the shipped
//! server started as a process of its own, each beside a baseline measured in the same run on
//! the same machine — the same HTTP stack answering a trivial handler, and the database doing
//! the same durable writes one by one — so that the ratios mean something on a shared machine
//! whose absolute speed drifts. Then the server's peak memory and the database's bytes per case
//! for every channel.

use crate::server::ServerProcess;
use anyhow::Context;
use jiff::Timestamp;
use priemna_app::SystemClock;
use priemna_domain::WorkingCalendar;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct BenchArgs {
    /// Database to measure: `sqlite:PATH` (default: a fresh file in a temporary folder) or a
    /// `postgres://` URL of an empty database.
    #[arg(long)]
    database_url: Option<String>,
    /// Seconds each measurement runs.
    #[arg(long, default_value_t = 5.0)]
    seconds: f64,
    /// Concurrent clients, comma separated.
    #[arg(long, default_value = "1,64,1024", value_delimiter = ',')]
    concurrency: Vec<usize>,
    /// Append the results as a Markdown section to this file.
    #[arg(long)]
    out: Option<std::path::PathBuf>,
}

/// Latencies and throughput of one measurement.
pub(crate) struct Run {
    requests: usize,
    pub(crate) errors: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Run {
    pub(crate) fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    pub(crate) fn percentile(&self, p: f64) -> f64 {
        if self.latencies.is_empty() {
            return f64::NAN;
        }
        let mut sorted = self.latencies.clone();
        sorted.sort_unstable();
        let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
        sorted[rank.min(sorted.len() - 1)].as_secs_f64() * 1000.0
    }
}

pub(crate) fn submission(i: usize) -> Value {
    submission_by(i, ["web", "email", "phone", "signal_box"][i % 4])
}

/// Half the mix above comes on paper (phone, signal box): a clerk registers it (and prints a
/// receipt, rendered on demand). This is the other half alone.
fn online_submission(i: usize) -> Value {
    submission_by(i, ["web", "email"][i % 2])
}

/// Signs in a registry clerk made for the run: paper, phone and box submissions are put in the
/// register by staff, as at the municipality's desk. The bearer token, for
/// [`post_submission`].
pub(crate) async fn registrar_token(
    app: &priemna_app::App,
    client: &reqwest::Client,
    base: &str,
) -> anyhow::Result<Arc<String>> {
    let password = format!(
        "Бенчмарк-{}",
        priemna_store::TrackingCode::generate().as_str()
    );
    let draft = priemna_app::accounts::StaffDraft {
        username: "bench-registrar".into(),
        display_name: "Деловодител (измерване)".into(),
        role: "registry_clerk".into(),
        password: password.clone(),
        department_id: None,
        corruption_officer: false,
        email: None,
    };
    priemna_app::accounts::create_user(
        app,
        priemna_app::accounts::Changer::Operator("bench"),
        &draft,
    )
    .await
    .map_err(|e| anyhow::anyhow!("creating the benchmark's registry clerk: {e}"))?;
    let login: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": draft.username, "password": password}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let token = login["token"]
        .as_str()
        .context("the sign-in gave no token")?;
    Ok(Arc::new(token.to_owned()))
}

/// `POST /api/v1/submissions` of `body`, as the registry clerk when its channel is one only staff
/// register.
pub(crate) fn post_submission(
    client: &reqwest::Client,
    base: &str,
    registrar: &str,
    body: &Value,
) -> reqwest::RequestBuilder {
    let request = client.post(format!("{base}/api/v1/submissions")).json(body);
    let online = body["channel"]
        .as_str()
        .and_then(priemna_domain::Channel::parse)
        .is_some_and(|c| c.is_online());
    if online {
        request
    } else {
        request.bearer_auth(registrar)
    }
}

fn submission_by(i: usize, channel: &str) -> Value {
    json!({
        "kind": if i.is_multiple_of(5) { "complaint" } else { "signal" },
        "channel": channel,
        "subject": format!("Не свети уличното осветление №{i}"),
        "body": "От три вечери не свети уличното осветление по цялата улица зад блок 5 в кв. „Орфей“. \
                 Моля, изпратете екип да го поправи, защото вечер е тъмно и опасно за децата.",
        "about_bad_administration": i.is_multiple_of(5),
        "consent": true, "submitter": {"name": "Мария Георгиева", "phone": "0888 123 456", "email": "maria@example.bg"},
    })
}

/// Runs `clients` loops of `request` for `seconds`, measuring each call.
pub(crate) async fn measure<F, Fut>(clients: usize, seconds: f64, request: F) -> Run
where
    F: Fn(usize) -> Fut + Send + Sync + Clone + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(clients);
    for client in 0..clients {
        let (stop, request) = (stop.clone(), request.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0;
            let mut i = client;
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                if request(i).await {
                    latencies.push(t.elapsed());
                } else {
                    errors += 1;
                }
                i += clients;
            }
            (latencies, errors)
        }));
    }
    tokio::time::sleep(Duration::from_secs_f64(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut latencies = Vec::new();
    let mut errors = 0;
    for task in tasks {
        if let Ok((l, e)) = task.await {
            latencies.extend(l);
            errors += e;
        }
    }
    Run {
        requests: latencies.len(),
        errors,
        elapsed: started.elapsed(),
        latencies,
    }
}

pub(crate) fn peak_rss_mib() -> f64 {
    crate::server::peak_rss_of("/proc/self/status")
}

/// The database alone: the same row written durably, one transaction per write.
async fn raw_database_writes(url: &str, clients: usize, seconds: f64) -> anyhow::Result<Run> {
    let body = submission(0).to_string();
    if url.starts_with("postgres") {
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(clients.clamp(1, 32) as u32)
            .connect(url)
            .await?;
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS bench_raw (id BIGSERIAL PRIMARY KEY, body TEXT NOT NULL)",
        )
        .execute(&pool)
        .await?;
        let run = measure(clients, seconds, move |_| {
            let (pool, body) = (pool.clone(), body.clone());
            async move {
                sqlx::query("INSERT INTO bench_raw (body) VALUES ($1)")
                    .bind(body)
                    .execute(&pool)
                    .await
                    .is_ok()
            }
        })
        .await;
        Ok(run)
    } else {
        let path = url.trim_start_matches("sqlite:").to_owned() + ".raw";
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true)
            .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
            .synchronous(sqlx::sqlite::SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(30));
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await?;
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS bench_raw (id INTEGER PRIMARY KEY, body TEXT NOT NULL)",
        )
        .execute(&pool)
        .await?;
        let run = measure(clients, seconds, move |_| {
            let (pool, body) = (pool.clone(), body.clone());
            async move {
                sqlx::query("INSERT INTO bench_raw (body) VALUES ($1)")
                    .bind(body)
                    .execute(&pool)
                    .await
                    .is_ok()
            }
        })
        .await;
        Ok(run)
    }
}

pub(crate) fn row(name: &str, clients: usize, run: &Run, baseline: &Run) -> String {
    format!(
        "| {name} | {clients} | {:.0} | {:.2} | {:.2} | {:.2} | {} |",
        run.per_second(),
        run.percentile(50.0),
        run.percentile(99.0),
        run.per_second() / baseline.per_second().max(1e-9),
        run.errors,
    )
}

pub async fn run(args: BenchArgs) -> anyhow::Result<std::process::ExitCode> {
    let scratch = tempfile::tempdir()?;
    let url = args
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite:{}", scratch.path().join("bench.db").display()));
    let backend = if url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    // The register made (migrations) and the registry clerk added before the server starts,
    // as an operator would with `priemna user add`.
    let store = priemna_store::connect(&url)
        .await
        .with_context(|| format!("opening {url}"))?;
    let app = priemna_app::App::new(
        store.clone(),
        WorkingCalendar::with_builtin_decrees(),
        Arc::new(SystemClock),
    );
    let server = ServerProcess::start(&url, scratch.path())?;
    let base = server.base.clone();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(2048)
        .build()?;
    let registrar = registrar_token(&app, &client, &base).await?;

    let mut lines = vec![
        format!(
            "### {backend}, {} s per measurement — {}",
            args.seconds,
            Timestamp::now_for_bench()
        ),
        String::new(),
        "The server is the shipped `priemna serve` in a process of its own; the load generator \
         is this process."
            .into(),
        String::new(),
        "| measurement | clients | per second | p50 ms | p99 ms | ratio to baseline | errors |"
            .into(),
        "|---|---:|---:|---:|---:|---:|---:|".into(),
    ];
    let mut receipts: Vec<(String, String)> = Vec::new();
    for &clients in &args.concurrency {
        let noop = trivial(&client, &base, clients, args.seconds).await;
        let raw = raw_database_writes(&url, clients, args.seconds).await?;
        let (c, b, r) = (client.clone(), base.clone(), registrar.clone());
        let collected = Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = collected.clone();
        let intake = measure(clients, args.seconds, move |i| {
            let (c, b, r, sink) = (c.clone(), b.clone(), r.clone(), sink.clone());
            async move {
                let Ok(response) = post_submission(&c, &b, &r, &submission(i)).send().await else {
                    return false;
                };
                if response.status() != 201 {
                    return false;
                }
                let Ok(receipt) = response.json::<Value>().await else {
                    return false;
                };
                if let (Some(n), Some(t)) = (
                    receipt["number"].as_str(),
                    receipt["tracking_code"].as_str(),
                ) && let Ok(mut sink) = sink.lock()
                    && sink.len() < 10_000
                {
                    sink.push((n.to_owned(), t.to_owned()));
                }
                true
            }
        })
        .await;
        if let Ok(mut got) = collected.lock() {
            receipts.append(&mut got);
        }
        let (c, b) = (client.clone(), base.clone());
        let online = measure(clients, args.seconds, move |i| {
            let (c, b) = (c.clone(), b.clone());
            async move {
                c.post(format!("{b}/api/v1/submissions"))
                    .json(&online_submission(i))
                    .send()
                    .await
                    .is_ok_and(|r| r.status() == 201)
            }
        })
        .await;
        lines.push(row(
            "HTTP baseline (trivial handler)",
            clients,
            &noop,
            &noop,
        ));
        lines.push(row(
            "database baseline (one durable write per transaction)",
            clients,
            &raw,
            &raw,
        ));
        lines.push(row("intake, vs HTTP baseline", clients, &intake, &noop));
        lines.push(row("intake, vs database baseline", clients, &intake, &raw));
        lines.push(row(
            "intake, web and e-mail only, vs database baseline",
            clients,
            &online,
            &raw,
        ));
        eprintln!(
            "{clients} clients: intake {:.0}/s (p99 {:.1} ms), online {:.0}/s, raw db {:.0}/s, \
             noop {:.0}/s",
            intake.per_second(),
            intake.percentile(99.0),
            online.per_second(),
            raw.per_second(),
            noop.per_second()
        );
    }

    // Tracking look-ups of cases just registered.
    if !receipts.is_empty() {
        let receipts = Arc::new(receipts);
        let waited = server.settle(Duration::from_secs(300)).await;
        eprintln!(
            "the server caught up with the intake's background work in {:.0} s",
            waited.as_secs_f64()
        );
        for &clients in &args.concurrency {
            let noop = trivial(&client, &base, clients, args.seconds).await;
            let (c, b, r) = (client.clone(), base.clone(), receipts.clone());
            let tracking = measure(clients, args.seconds, move |i| {
                let (c, b, r) = (c.clone(), b.clone(), r.clone());
                async move {
                    let (number, code) = &r[i % r.len()];
                    c.get(format!("{b}/api/v1/submissions/{number}"))
                        .query(&[("tracking_code", code)])
                        .send()
                        .await
                        .is_ok_and(|r| r.status() == 200)
                }
            })
            .await;
            lines.push(row(
                "tracking look-up, vs HTTP baseline",
                clients,
                &tracking,
                &noop,
            ));
        }
    }
    let server_rss = server.peak_rss_mib();
    let count = store.count_submissions().await?;
    lines.push(String::new());
    lines.push(format!(
        "Peak memory of the server: {server_rss:.0} MiB (the load generator, apart: {:.0} MiB). \
         Cases stored: {count}.{}",
        peak_rss_mib(),
        database_size_note(&url, count)
    ));
    lines.push(String::new());
    lines.extend(bytes_per_case(&url, &client, &base, &registrar).await?);
    server.stop().await;
    publish(lines, args.out.as_deref())
}

/// The same HTTP stack answering a trivial handler (a small static asset): the baseline.
async fn trivial(client: &reqwest::Client, base: &str, clients: usize, seconds: f64) -> Run {
    let (c, b) = (client.clone(), base.to_owned());
    measure(clients, seconds, move |_| {
        let (c, b) = (c.clone(), b.clone());
        async move {
            c.get(format!("{b}/assets/icon.svg"))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
        }
    })
    .await
}

/// How many submissions of each channel the growth of the database is measured over.
const PER_CHANNEL: usize = 1000;

/// The database's bytes per case for every channel: the growth of the register (tables,
/// indexes, the journal, the outbox) while `PER_CHANNEL` submissions of that channel are
/// registered, divided by their number.
async fn bytes_per_case(
    url: &str,
    client: &reqwest::Client,
    base: &str,
    registrar: &Arc<String>,
) -> anyhow::Result<Vec<String>> {
    let mut lines = vec![
        format!(
            "Bytes per case in the database, measured over {PER_CHANNEL} submissions of each \
             channel (a named submitter with an e-mail address, so a receipt e-mail is queued):"
        ),
        String::new(),
        "| channel | bytes per case |".into(),
        "|---|---:|".into(),
    ];
    for channel in [
        "web",
        "email",
        "phone",
        "signal_box",
        "in_person_written",
        "in_person_oral",
        "post",
    ] {
        let before = database_bytes(url).await?;
        let (c, b, r) = (client.clone(), base.to_owned(), registrar.clone());
        let sent = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..16 {
            let (c, b, r, sent) = (c.clone(), b.clone(), r.clone(), sent.clone());
            let channel = channel.to_owned();
            tasks.push(tokio::spawn(async move {
                let mut failed = 0usize;
                loop {
                    let i = sent.fetch_add(1, Ordering::Relaxed);
                    if i >= PER_CHANNEL {
                        return failed;
                    }
                    let ok = post_submission(&c, &b, &r, &submission_by(i, &channel))
                        .send()
                        .await
                        .is_ok_and(|r| r.status() == 201);
                    failed += usize::from(!ok);
                }
            }));
        }
        let mut failed = 0;
        for task in tasks {
            failed += task.await.unwrap_or(PER_CHANNEL);
        }
        if failed > 0 {
            anyhow::bail!("{failed} of the {channel} submissions were refused");
        }
        let after = database_bytes(url).await?;
        lines.push(format!(
            "| {channel} | {:.0} |",
            after.saturating_sub(before) as f64 / PER_CHANNEL as f64
        ));
    }
    Ok(lines)
}

/// The database's size as its server counts it: SQLite's pages in use (the WAL's committed
/// pages included), PostgreSQL's `pg_database_size` after a checkpoint.
async fn database_bytes(url: &str) -> anyhow::Result<u64> {
    use sqlx::Connection;
    if url.starts_with("postgres") {
        let mut db = sqlx::postgres::PgConnection::connect(url).await?;
        sqlx::query("CHECKPOINT").execute(&mut db).await.ok();
        let bytes: i64 = sqlx::query_scalar("SELECT pg_database_size(current_database())")
            .fetch_one(&mut db)
            .await?;
        Ok(u64::try_from(bytes).unwrap_or(0))
    } else {
        let mut db = sqlx::sqlite::SqliteConnection::connect(url).await?;
        let pages: i64 = sqlx::query_scalar("PRAGMA page_count")
            .fetch_one(&mut db)
            .await?;
        let free: i64 = sqlx::query_scalar("PRAGMA freelist_count")
            .fetch_one(&mut db)
            .await?;
        let size: i64 = sqlx::query_scalar("PRAGMA page_size")
            .fetch_one(&mut db)
            .await?;
        Ok(u64::try_from((pages - free) * size).unwrap_or(0))
    }
}

/// " Database size: … per million cases." for an SQLite file (with its WAL); empty otherwise.
pub(crate) fn database_size_note(url: &str, cases: u64) -> String {
    let Some(path) = url.strip_prefix("sqlite:") else {
        return String::new();
    };
    let size = |p: &str| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    let bytes = size(path) + size(&format!("{path}-wal"));
    if bytes == 0 || cases == 0 {
        return String::new();
    }
    format!(
        " Database size: {:.0} MiB, about {:.0} MiB per million cases.",
        bytes as f64 / 1048576.0,
        bytes as f64 / cases as f64 * 1e6 / 1048576.0
    )
}

/// Prints the report's lines and appends them to `out`, if given.
pub(crate) fn publish(
    mut lines: Vec<String>,
    out: Option<&std::path::Path>,
) -> anyhow::Result<std::process::ExitCode> {
    lines.push(String::new());
    let report = lines.join("\n");
    println!("{report}");
    if let Some(out) = out {
        use std::io::Write;
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(out)
            .with_context(|| format!("opening {}", out.display()))?;
        writeln!(file, "{report}")?;
    }
    Ok(std::process::ExitCode::SUCCESS)
}

pub(crate) trait NowForBench {
    fn now_for_bench() -> String;
}

impl NowForBench for Timestamp {
    /// The date of the run, for the report (the bench is the one tool allowed a wall clock).
    #[allow(clippy::disallowed_methods)]
    fn now_for_bench() -> String {
        Timestamp::now().strftime("%Y-%m-%d").to_string()
    }
}
