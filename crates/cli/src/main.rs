//! `priemna`: the reception office of a municipality, from the command line.
//!
//! A thin shell: it parses arguments, opens the store and hands over to priemna-web (serving,
//! intake) or priemna-domain (calendar, deadlines, identifier checks).

mod admin;
mod api_key;
mod check;
mod db;
mod demo;
mod import;
mod mail;
mod mailbox;
mod reindex;
mod submit;

use anyhow::Context;
use clap::{Parser, Subcommand};
use db::DbArgs;
use priemna_app::SystemClock;
use priemna_domain::WorkingCalendar;
use priemna_domain::deadline::{self, DeadlineRule};
use priemna_web::AppState;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "priemna",
    version,
    about = "Приемна — the reception office of a municipality"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server.
    Serve {
        /// Address to listen on (port 0 picks a free port).
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        #[command(flatten)]
        db: DbArgs,
        /// Load realistic demo data on first start (when the register is empty).
        #[arg(long)]
        demo: bool,
        /// The site is served over HTTPS (session cookies get `Secure`).
        #[arg(long, env = "PRIEMNA_HTTPS")]
        https: bool,
        /// Seconds between runs of the deadline job (reminders, escalation). Each run claims a
        /// 10-minute slot, so several servers on one database still run it once per slot.
        #[arg(long, default_value_t = 600)]
        deadline_job_every: u64,
        /// Seconds between refreshes of the statistics (only months whose cases changed are
        /// recomputed).
        #[arg(long, default_value_t = 30)]
        stats_every: u64,
        /// Submissions allowed per client and minute (0: no limit).
        #[arg(long, default_value_t = 20, env = "PRIEMNA_INTAKE_PER_MINUTE")]
        intake_per_minute: u32,
        /// Sign-in attempts allowed per client and minute (0: no limit).
        #[arg(long, default_value_t = 10, env = "PRIEMNA_LOGIN_PER_MINUTE")]
        login_per_minute: u32,
        /// Reception bookings allowed per client and day (0: no limit).
        #[arg(long, default_value_t = 4, env = "PRIEMNA_BOOKINGS_PER_DAY")]
        bookings_per_day: u32,
        /// Switch every rate limit off (benchmarks, load tests). Every client is limited
        /// otherwise, loopback included.
        #[arg(long)]
        no_rate_limits: bool,
        /// Behind a reverse proxy: which proxies may tell the client's address in
        /// X-Forwarded-For — their number in front of the server (`--trust-proxy` alone: 1), or
        /// their addresses and networks (`127.0.0.1,10.0.0.0/8`). The client is the right-most
        /// address no trusted proxy added.
        #[arg(long, env = "PRIEMNA_TRUST_PROXY", num_args = 0..=1, default_missing_value = "1",
              default_value = "none", value_name = "HOPS|ADDRESSES")]
        trust_proxy: priemna_web::limits::TrustedProxies,
        /// Years to keep personal data after a case is finished, e.g. `--retention praise=2`
        /// (repeatable; defaults: 5 years, 1 for opinions, comments and praise).
        #[arg(long)]
        retention: Vec<String>,
        /// The Open311 jurisdiction this server answers for (requests naming another get 404).
        #[arg(long, default_value = "haskovo.bg", env = "PRIEMNA_JURISDICTION_ID")]
        jurisdiction_id: String,
        /// E-mail (SMTP, sender), the letterhead, the outbox worker.
        #[command(flatten)]
        mail: Box<mail::MailArgs>,
        /// The municipality's mailbox read over IMAP (each new message a submission).
        #[command(flatten)]
        mailbox: Box<mailbox::MailboxArgs>,
        /// Folder of the search index (default: beside the SQLite file, `PATH.search/`; for
        /// PostgreSQL `./priemna-search/`). Several servers need one folder each.
        #[arg(long, env = "PRIEMNA_SEARCH_DIR")]
        search_dir: Option<std::path::PathBuf>,
    },
    /// Rebuild the search index from the register (stop the server first).
    Reindex {
        #[command(flatten)]
        db: DbArgs,
        /// Folder of the search index (default as for `serve`).
        #[arg(long, env = "PRIEMNA_SEARCH_DIR")]
        search_dir: Option<std::path::PathBuf>,
    },
    /// Register a paper, phone or signal-box submission (for clerks).
    Submit(Box<submit::SubmitArgs>),
    /// Import an existing register from CSV: all rows or none (see --skip-invalid).
    Import(Box<import::ImportArgs>),
    /// Print the non-working days of a year.
    Calendar {
        year: i16,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Compute a legal deadline.
    Deadline {
        /// Date of receipt (YYYY-MM-DD).
        #[arg(long)]
        received: jiff::civil::Date,
        /// Rule, e.g. deadline_complaint_7_days or apk_2_months.
        #[arg(long)]
        rule: String,
    },
    /// Staff accounts.
    #[command(subcommand)]
    User(admin::UserCommand),
    /// Departments.
    #[command(subcommand)]
    Department(admin::DepartmentCommand),
    /// API keys for Open311 applications.
    #[command(subcommand)]
    ApiKey(api_key::ApiKeyCommand),
    /// The journal of every action.
    #[command(subcommand)]
    Journal(admin::JournalCommand),
    /// Write a consistent copy of the live SQLite database (safe while serving).
    Backup {
        /// The new backup file.
        #[arg(long)]
        to: std::path::PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Replace a stopped server's SQLite database with a backup (checked first).
    Restore {
        /// The backup file.
        #[arg(long)]
        from: std::path::PathBuf,
        /// The database file to restore into.
        #[arg(long, default_value = "priemna.db")]
        db: std::path::PathBuf,
        /// Replace an existing database.
        #[arg(long)]
        force: bool,
    },
    /// Check identifiers (ЕГН, ЕИК, phone, e-mail); reads standard input when no values are given.
    Check {
        #[arg(value_enum)]
        what: check::What,
        values: Vec<String>,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("priemna: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("priemna: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The rate limits `serve` was asked for, with a warning where they would misfire.
fn limits(
    off: bool,
    intake_per_minute: u32,
    login_per_minute: u32,
    bookings_per_day: u32,
    proxies: priemna_web::limits::TrustedProxies,
    addr: SocketAddr,
) -> priemna_web::limits::LimitConfig {
    use priemna_web::limits::{LimitConfig, TrustedProxies};
    if off {
        tracing::warn!("rate limits switched off (--no-rate-limits)");
        return LimitConfig::off();
    }
    if addr.ip().is_loopback() && proxies == TrustedProxies::None {
        tracing::warn!(
            "listening on loopback without --trust-proxy: behind a reverse proxy every citizen \
             would share one rate limit; start with --trust-proxy"
        );
    }
    LimitConfig {
        intake_per_minute,
        login_per_minute,
        bookings_per_day,
        proxies,
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let calendar = WorkingCalendar::with_builtin_decrees();
    match cli.command {
        Command::Serve {
            addr,
            db,
            demo,
            https,
            deadline_job_every,
            stats_every,
            intake_per_minute,
            login_per_minute,
            bookings_per_day,
            no_rate_limits,
            trust_proxy,
            retention,
            jurisdiction_id,
            mail,
            mailbox,
            search_dir,
        } => {
            let worker_config = mail.worker()?;
            let reader_config = mailbox.reader()?;
            let mut policy = priemna_domain::retention::RetentionPolicy::default();
            for rule in &retention {
                policy = policy
                    .with_override(rule)
                    .with_context(|| format!("--retention {rule}"))?;
            }
            let store = priemna_store::connect(&db.url())
                .await
                .with_context(|| format!("opening the register at {}", db.url()))?;
            let state = AppState::new(store, calendar, Arc::new(SystemClock))
                .with_https(https)
                .with_limits(limits(
                    no_rate_limits,
                    intake_per_minute,
                    login_per_minute,
                    bookings_per_day,
                    trust_proxy,
                    addr,
                ))
                .with_retention(policy)
                .with_notifier(mail.notifier())
                .with_open311(priemna_web::open311::Open311Config {
                    jurisdiction_id,
                    ..priemna_web::open311::Open311Config::default()
                });
            let state = reindex::attach(state, &db.url(), search_dir.as_deref())?;
            if demo {
                demo::load_if_empty(&state).await?;
            }
            let background = priemna_web::Background::all(
                std::time::Duration::from_secs(deadline_job_every),
                std::time::Duration::from_secs(stats_every),
                worker_config,
            );
            let application = priemna_web::Application::build(state, addr, background).await?;
            // The mailbox reader: crash-safe by design (a message is marked read only after it
            // is committed), so it is simply ended with the process.
            let _reader = reader_config.map(|config| {
                tracing::info!(?config, "reading the mailbox");
                priemna_app::mailbox::spawn_reader(application.state().app.clone(), config)
            });
            let local = application.address();
            // Tests and scripts read this line to find the port.
            println!("Priemna listening on http://{local}");
            tracing::info!(%local, "serving");
            application.run_until(shutdown_signal()).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Submit(args) => submit::run(*args, calendar).await,
        Command::Import(args) => import::run(*args, calendar).await,
        Command::Calendar { year, json } => {
            if !priemna_domain::calendar::SUPPORTED_YEARS.contains(&year) {
                anyhow::bail!("the calendar covers the years 1990–2200");
            }
            let days = calendar.non_working_days(year);
            if json {
                let list: Vec<_> = days
                    .iter()
                    .map(|d| {
                        serde_json::json!({
                            "date": d.date.to_string(),
                            "name": d.name_bg,
                            "name_en": d.name_en,
                            "kind": d.kind,
                        })
                    })
                    .collect();
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                for d in days {
                    println!("{}  {:<10}  {}", d.date, d.date.strftime("%A"), d.name_bg);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Deadline { received, rule } => {
            let Some(rule) = DeadlineRule::parse(&rule) else {
                let known: Vec<_> = DeadlineRule::ALL.iter().map(|r| r.as_str()).collect();
                anyhow::bail!("unknown rule {rule:?}; known rules: {}", known.join(", "));
            };
            let due = deadline::due_date(rule, received, &calendar);
            println!("{}", due.due);
            if due.due != due.nominal {
                eprintln!(
                    "({} is not a working day; moved to {})",
                    due.nominal, due.due
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { what, values } => check::run(what, values),
        Command::User(c) => admin::user(c).await,
        Command::Department(c) => admin::department(c).await,
        Command::ApiKey(c) => api_key::run(c).await,
        Command::Journal(c) => admin::journal(c).await,
        Command::Reindex { db, search_dir } => reindex::run(db, search_dir.as_deref()).await,
        Command::Backup { to, db } => admin::backup(db, to).await,
        Command::Restore { from, db, force } => admin::restore(from, db, force).await,
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
