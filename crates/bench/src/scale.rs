//! `priemna-bench scale`: the read side at scale. Against a register filled by `priemna-bench
//! generate` (100 thousand, 1 million, 10 million cases), measures over real HTTP the look-ups a
//! municipality makes all day — tracking by citizens, the back-office inbox, the statistics page
//! and its JSON — each beside the same-run baseline of the same HTTP stack answering a trivial
//! handler; and the cost of recomputing one month's statistics after a change.

use crate::intake::{
    NowForBench, Run, database_size_note, measure, peak_rss_mib, publish, row, submission,
};
use anyhow::Context;
use jiff::Timestamp;
use priemna_app::SystemClock;
use priemna_domain::{Clock, WorkingCalendar};
use priemna_web::AppState;
use priemna_web::limits::LimitConfig;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Instant;
use tokio::net::TcpListener;

#[derive(clap::Args)]
pub struct BenchScaleArgs {
    /// Seconds each measurement runs.
    #[arg(long, default_value_t = 5.0)]
    seconds: f64,
    /// Concurrent clients, comma separated.
    #[arg(long, default_value = "1,64", value_delimiter = ',')]
    concurrency: Vec<usize>,
    /// Append the results as a Markdown section to this file.
    #[arg(long)]
    out: Option<std::path::PathBuf>,
    #[command(flatten)]
    db: crate::db::DbArgs,
}

const BENCH_USER: &str = "bench-mayor";
const BENCH_PASSWORD: &str = "bench-only password, not for production";

/// A member of the Mayor's office (who sees every case but sealed ones), signed in.
async fn staff_token(
    state: &AppState,
    client: &reqwest::Client,
    base: &str,
) -> anyhow::Result<String> {
    if state.store.user_by_username(BENCH_USER).await?.is_none() {
        let draft = priemna_app::accounts::StaffDraft {
            username: BENCH_USER.into(),
            display_name: "Бенчмарк".into(),
            role: "mayors_office".into(),
            password: BENCH_PASSWORD.into(),
            department_id: None,
            corruption_officer: false,
            email: None,
        };
        priemna_app::accounts::create_user(
            state,
            priemna_app::accounts::Changer::Operator("bench-scale"),
            &draft,
        )
        .await
        .map_err(|e| anyhow::anyhow!("creating the bench user: {e:?}"))?;
    }
    let response: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": BENCH_USER, "password": BENCH_PASSWORD}))
        .send()
        .await?
        .json()
        .await?;
    response["token"]
        .as_str()
        .map(str::to_owned)
        .context("no session token from the login")
}

/// Measures GETs of `path` (with `token` as bearer, if any) and checks each answer is 200.
async fn get_run(
    client: &reqwest::Client,
    base: &str,
    clients: usize,
    seconds: f64,
    paths: Arc<Vec<String>>,
    token: Option<String>,
) -> Run {
    let (c, b) = (client.clone(), base.to_owned());
    measure(clients, seconds, move |i| {
        let (c, b, paths, token) = (c.clone(), b.clone(), paths.clone(), token.clone());
        async move {
            let mut request = c.get(format!("{b}{}", paths[i % paths.len()]));
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            match request.send().await {
                Ok(r) if r.status() == 200 => r.bytes().await.is_ok(),
                _ => false,
            }
        }
    })
    .await
}

pub async fn run(args: BenchScaleArgs) -> anyhow::Result<std::process::ExitCode> {
    let url = args.db.url();
    let store = priemna_store::connect(&url)
        .await
        .with_context(|| format!("opening {url}"))?;
    let clock = Arc::new(SystemClock);
    let state = AppState::new(
        store.clone(),
        WorkingCalendar::with_builtin_decrees(),
        clock.clone(),
    )
    // The load generator is one client: limits would measure themselves.
    .with_limits(LimitConfig::off());
    // No search index here: building one over millions of cases would compete for the CPU with
    // what is measured (search at scale has its own benchmark, `priemna-bench search`).
    let mut state = state;
    state.app.search = None;
    let app = axum::Router::new()
        .route("/bench/noop", axum::routing::get(|| async { "ok" }))
        .merge(priemna_web::router(state.clone()));
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        let _ = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await;
    });
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(2048)
        .build()?;
    let token = staff_token(&state, &client, &base).await?;

    // The deadline job rates the open cases (overdue ones show in the inbox and the figures).
    let started = Instant::now();
    let deadlines = priemna_app::jobs::run_deadlines(&state).await?;
    let deadline_secs = started.elapsed().as_secs_f64();

    // Cases registered now, so that their tracking codes are known.
    let mut receipts = Vec::new();
    let registrar = crate::intake::registrar_token(&state, &client, &base).await?;
    for i in 0..200 {
        let receipt: Value =
            crate::intake::post_submission(&client, &base, &registrar, &submission(i))
                .send()
                .await?
                .json()
                .await?;
        if let (Some(n), Some(t)) = (
            receipt["number"].as_str(),
            receipt["tracking_code"].as_str(),
        ) {
            receipts.push(format!("/api/v1/submissions/{n}?tracking_code={t}"));
        }
    }
    // Recomputing the month those cases changed: the statistics job's cost per changed month.
    let started = Instant::now();
    let refreshed = priemna_app::stats::refresh(store.as_ref(), clock.now()).await?;
    let refresh_secs = started.elapsed().as_secs_f64();
    let count = store.count_submissions().await?;

    let this_year = priemna_domain::clock::local_date(clock.now()).year();
    let months = store.stats_months().await?;
    let all_years = match (months.first(), months.last()) {
        (Some(first), Some(last)) => format!("/statistics?from={first}&to={last}"),
        _ => format!("/statistics?year={this_year}"),
    };
    let measurements: Vec<(&str, Vec<String>, bool)> = vec![
        ("tracking look-up", receipts, false),
        (
            "inbox, JSON (first page)",
            vec!["/api/v1/cases".into()],
            true,
        ),
        (
            "inbox, JSON, overdue only",
            vec!["/api/v1/cases?overdue=true".into()],
            true,
        ),
        ("inbox, HTML page", vec!["/staff".into()], true),
        (
            "statistics page, this year",
            vec![format!("/statistics?year={this_year}")],
            false,
        ),
        ("statistics page, every year", vec![all_years], false),
        (
            "statistics JSON, this year",
            vec![format!("/api/v1/statistics?year={this_year}")],
            false,
        ),
    ];

    let mut lines = vec![
        format!(
            "### Reading at scale: {count} cases ({}), {} s per measurement — {}",
            if url.starts_with("postgres") {
                "PostgreSQL"
            } else {
                "SQLite"
            },
            args.seconds,
            Timestamp::now_for_bench()
        ),
        String::new(),
        "| measurement | clients | per second | p50 ms | p99 ms | ratio to baseline | errors |"
            .into(),
        "|---|---:|---:|---:|---:|---:|---:|".into(),
    ];
    for &clients in &args.concurrency {
        let noop = get_run(
            &client,
            &base,
            clients,
            args.seconds,
            Arc::new(vec!["/bench/noop".into()]),
            None,
        )
        .await;
        lines.push(row(
            "HTTP baseline (trivial handler)",
            clients,
            &noop,
            &noop,
        ));
        for (name, paths, staff) in &measurements {
            let run = get_run(
                &client,
                &base,
                clients,
                args.seconds,
                Arc::new(paths.clone()),
                staff.then(|| token.clone()),
            )
            .await;
            eprintln!(
                "{clients} clients: {name}: {:.0}/s, p99 {:.1} ms, {} errors",
                run.per_second(),
                run.percentile(99.0),
                run.errors
            );
            lines.push(row(name, clients, &run, &noop));
        }
    }
    lines.push(String::new());
    lines.push(format!(
        "Deadline job over the open cases: {deadline_secs:.2} s ({} overdue). Statistics \
         refresh after 200 new cases: {refresh_secs:.2} s for {} month(s), {} cases read. \
         Peak memory (server and load generator): {:.0} MiB.{}",
        deadlines.overdue,
        refreshed.months,
        refreshed.cases,
        peak_rss_mib(),
        database_size_note(&url, count)
    ));
    publish(lines, args.out.as_deref())
}
