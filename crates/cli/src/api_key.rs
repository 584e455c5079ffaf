//! `priemna api-key`: keys for the applications that post Open311 requests. The key is printed
//! once; only its hash is kept.

use crate::db::DbArgs;
use anyhow::Context;
use priemna_app::App;
use priemna_app::AppError;
use priemna_app::SystemClock;
use priemna_app::api_keys::create_key;
use priemna_domain::WorkingCalendar;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(clap::Subcommand)]
pub enum ApiKeyCommand {
    /// Create a key; it is printed once, on standard output.
    Add {
        /// Who the key is for, e.g. the application's name.
        #[arg(long)]
        name: String,
        /// Answer this application's POSTs with a token instead of the request's number.
        #[arg(long)]
        token_responses: bool,
        #[command(flatten)]
        db: DbArgs,
    },
    /// List the keys (never the keys themselves).
    List {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Revoke a key: the application can no longer post.
    Revoke {
        id: i64,
        #[command(flatten)]
        db: DbArgs,
    },
}

async fn app(db: &DbArgs) -> anyhow::Result<App> {
    let store = priemna_store::connect(&db.url())
        .await
        .with_context(|| format!("opening the register at {}", db.url()))?;
    Ok(App::new(
        store,
        WorkingCalendar::with_builtin_decrees(),
        Arc::new(SystemClock),
    ))
}

fn operator() -> String {
    format!(
        "cli:{}",
        std::env::var("USER").unwrap_or_else(|_| "operator".into())
    )
}

pub async fn run(command: ApiKeyCommand) -> anyhow::Result<ExitCode> {
    match command {
        ApiKeyCommand::Add {
            name,
            token_responses,
            db,
        } => {
            let app = app(&db).await?;
            match create_key(&app, &operator(), &name, token_responses).await {
                Ok((stored, key)) => {
                    eprintln!(
                        "API key {} for „{}“ (shown once; keep it safe):",
                        stored.id, stored.name
                    );
                    println!("{key}");
                    Ok(ExitCode::SUCCESS)
                }
                Err(AppError::Validation(fields)) => {
                    for f in fields {
                        eprintln!(
                            "  {}: {} / {}",
                            f.field,
                            f.problem.message_bg(),
                            f.problem.message_en()
                        );
                    }
                    Ok(ExitCode::FAILURE)
                }
                Err(e) => Err(anyhow::anyhow!("{e}")),
            }
        }
        ApiKeyCommand::List { db } => {
            let app = app(&db).await?;
            for key in app.store.api_keys().await? {
                println!(
                    "{}\t{}\t{}…\t{}{}",
                    key.id,
                    key.name,
                    key.key_prefix,
                    if key.token_responses { "tokens" } else { "ids" },
                    key.revoked_at
                        .map(|at| format!("\trevoked {at}"))
                        .unwrap_or_default()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        ApiKeyCommand::Revoke { id, db } => {
            let app = app(&db).await?;
            match app
                .store
                .revoke_api_key(id, app.clock.now(), &operator())
                .await?
            {
                Some(key) => {
                    println!("revoked API key {} („{}“)", key.id, key.name);
                    Ok(ExitCode::SUCCESS)
                }
                None => {
                    eprintln!("no API key {id}");
                    Ok(ExitCode::FAILURE)
                }
            }
        }
    }
}
