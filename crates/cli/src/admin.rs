//! Administration from the terminal: the first administrator, departments, the journal check.

use crate::db::DbArgs;
use anyhow::Context;
use priemna_app::App;
use priemna_app::accounts::{
    AccountOutcome, Changer, StaffDraft, change_account, create_user, decide_change,
};
use priemna_app::{AppError, SystemClock};
use priemna_domain::{DepartmentId, UserId, WorkingCalendar};
use priemna_store::JournalVerdict;
use std::io::BufRead;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(clap::Subcommand)]
pub enum UserCommand {
    /// Create a member of staff (e.g. the first administrator).
    Add {
        #[arg(long)]
        username: String,
        /// Full name as shown to colleagues and on signed answers.
        #[arg(long)]
        name: String,
        /// registry_clerk, case_officer, department_head, mayors_office, auditor, administrator
        #[arg(long)]
        role: String,
        /// Department id (see `priemna department list`).
        #[arg(long)]
        department: Option<i64>,
        /// Designated to handle corruption signals.
        #[arg(long)]
        corruption_officer: bool,
        /// E-mail address for deadline reminders.
        #[arg(long)]
        email: Option<String>,
        /// Read the password from standard input (first line) instead of PRIEMNA_PASSWORD.
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        db: DbArgs,
    },
    /// List staff.
    List {
        #[command(flatten)]
        db: DbArgs,
    },
    /// End a member of staff's lock-out after failed sign-ins.
    Unlock {
        username: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Give a member of staff a one-time password (printed once), to be changed at sign-in.
    ResetPassword {
        username: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// List the changes to staff that wait for a second administrator.
    Pending {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Approve (and apply) a waiting change: for a municipality with one administrator.
    Approve {
        id: i64,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Reject a waiting change.
    Reject {
        id: i64,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(clap::Subcommand)]
pub enum DepartmentCommand {
    /// Create a department.
    Add {
        name: String,
        /// The user id of its head.
        #[arg(long)]
        head: Option<i64>,
        #[command(flatten)]
        db: DbArgs,
    },
    List {
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(clap::Subcommand)]
pub enum JournalCommand {
    /// Check the hash chain; exits non-zero and names the first broken entry.
    Verify {
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

fn print_api_error(e: &AppError) {
    match e {
        AppError::Validation(fields) => {
            for f in fields {
                eprintln!(
                    "  {}: {} / {}",
                    f.field,
                    f.problem.message_bg(),
                    f.problem.message_en()
                );
            }
        }
        other => eprintln!("  {other}"),
    }
}

pub async fn user(command: UserCommand) -> anyhow::Result<ExitCode> {
    match command {
        UserCommand::Add {
            username,
            name,
            role,
            department,
            corruption_officer,
            email,
            password_stdin,
            db,
        } => {
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line)?;
                line.trim_end_matches(['\r', '\n']).to_owned()
            } else {
                std::env::var("PRIEMNA_PASSWORD").context(
                    "give the password on standard input (--password-stdin) or in PRIEMNA_PASSWORD",
                )?
            };
            let app = app(&db).await?;
            let draft = StaffDraft {
                username,
                display_name: name,
                role,
                password,
                department_id: department.map(DepartmentId),
                corruption_officer,
                email,
            };
            match create_user(&app, Changer::Operator(&operator()), &draft).await {
                Ok((user, _)) => {
                    println!(
                        "Създаден е потребител {} ({}), id {} / user created",
                        user.username,
                        user.role.label_bg(),
                        user.id
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    eprintln!("Потребителят не е създаден / user not created:");
                    print_api_error(&e);
                    Ok(ExitCode::from(2))
                }
            }
        }
        UserCommand::List { db } => {
            let app = app(&db).await?;
            for u in app.store.users().await? {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    u.id,
                    u.username,
                    u.role.as_str(),
                    u.department_id.map(|d| d.to_string()).unwrap_or_default(),
                    u.display_name
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        UserCommand::Unlock { username, db } => {
            let app = app(&db).await?;
            let user = find_user(&app, &username).await?;
            let now = priemna_domain::Clock::now(&SystemClock);
            app.store.unlock_user(user.id, now, &operator()).await?;
            println!("Профилът {username} е отключен / unlocked");
            Ok(ExitCode::SUCCESS)
        }
        UserCommand::ResetPassword { username, db } => {
            let app = app(&db).await?;
            let user = find_user(&app, &username).await?;
            let state = user.state();
            match change_account(&app, Changer::Operator(&operator()), &user, state, true).await {
                Ok(AccountOutcome::Applied {
                    one_time_password: Some(password),
                    ..
                }) => {
                    println!(
                        "Еднократна парола за {username} (сменя се при вход) / one-time password, to be changed at sign-in:"
                    );
                    println!("{password}");
                    Ok(ExitCode::SUCCESS)
                }
                Ok(_) => anyhow::bail!("the password was not reset"),
                Err(e) => {
                    eprintln!("Паролата не е сменена / password not reset:");
                    print_api_error(&e);
                    Ok(ExitCode::from(2))
                }
            }
        }
        UserCommand::Pending { db } => {
            let app = app(&db).await?;
            for c in app.store.staff_changes(true).await? {
                let (b, a) = (&c.before, &c.after);
                println!(
                    "{}\t{}\trole {}→{}\tcorruption_officer {}→{}\tactive {}→{}\treset_password {}\tasked by {} at {}",
                    c.id,
                    c.username,
                    b.role.as_str(),
                    a.role.as_str(),
                    b.corruption_officer,
                    a.corruption_officer,
                    b.active,
                    a.active,
                    c.reset_password,
                    c.requested_by_name,
                    c.requested_at
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        UserCommand::Approve { id, db } => decide(&db, id, true).await,
        UserCommand::Reject { id, db } => decide(&db, id, false).await,
    }
}

/// `priemna user approve|reject ID`: the server's operator decides a waiting change.
async fn decide(db: &DbArgs, id: i64, approve: bool) -> anyhow::Result<ExitCode> {
    let app = app(db).await?;
    match decide_change(&app, Changer::Operator(&operator()), id, approve).await {
        Ok((change, password)) => {
            println!(
                "Промяна {} по {}: {} / change {}: {}",
                change.id, change.username, change.state, change.id, change.state
            );
            if let Some(password) = password {
                println!("Еднократна парола (сменя се при вход) / one-time password:\n{password}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("Промяната не е решена / change not decided:");
            print_api_error(&e);
            Ok(ExitCode::from(2))
        }
    }
}

async fn find_user(app: &App, username: &str) -> anyhow::Result<priemna_store::User> {
    app.store
        .user_by_username(username.trim())
        .await?
        .with_context(|| format!("no member of staff named {username}"))
}

pub async fn department(command: DepartmentCommand) -> anyhow::Result<ExitCode> {
    match command {
        DepartmentCommand::Add { name, head, db } => {
            let app = app(&db).await?;
            let now = priemna_domain::Clock::now(&SystemClock);
            let department = app
                .store
                .create_department(name.trim(), now, &operator())
                .await?;
            if let Some(head) = head {
                app.store
                    .set_department_head(department.id, Some(UserId(head)), now, &operator())
                    .await?;
            }
            println!("{}\t{}", department.id, department.name);
            Ok(ExitCode::SUCCESS)
        }
        DepartmentCommand::List { db } => {
            let app = app(&db).await?;
            for d in app.store.departments().await? {
                println!(
                    "{}\t{}\t{}",
                    d.id,
                    d.name,
                    d.head_user_id.map(|h| h.to_string()).unwrap_or_default()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub async fn journal(command: JournalCommand) -> anyhow::Result<ExitCode> {
    match command {
        JournalCommand::Verify { db } => {
            let app = app(&db).await?;
            match app.store.verify_journal().await? {
                JournalVerdict::Intact { entries } => {
                    println!(
                        "Журналът е непокътнат: {entries} записа. / The journal is intact: {entries} entries."
                    );
                    Ok(ExitCode::SUCCESS)
                }
                JournalVerdict::Broken { entry_id, problem } => {
                    println!(
                        "Журналът е нарушен при запис {entry_id}. / The journal is broken at entry {entry_id}: {problem}."
                    );
                    Ok(ExitCode::from(1))
                }
            }
        }
    }
}

/// `priemna backup`: a consistent copy of the live SQLite database, taken while serving.
pub async fn backup(db: DbArgs, to: std::path::PathBuf) -> anyhow::Result<ExitCode> {
    if to.exists() {
        anyhow::bail!("{} already exists; choose a new file", to.display());
    }
    let app = app(&db).await?;
    let target = to.to_str().context("the backup path must be valid UTF-8")?;
    app.store.backup(target).await?;
    println!(
        "Резервното копие е записано / backup written: {}",
        to.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `priemna restore`: puts a backup in place of a (stopped) server's database, after checking
/// that the backup opens and its journal verifies.
pub async fn restore(
    from: std::path::PathBuf,
    db: std::path::PathBuf,
    force: bool,
) -> anyhow::Result<ExitCode> {
    if !from.is_file() {
        anyhow::bail!("no backup at {}", from.display());
    }
    if db.exists() && !force {
        anyhow::bail!(
            "{} exists; stop the server and pass --force to replace it",
            db.display()
        );
    }
    // Check a scratch copy, so that a bad backup never replaces a good database.
    let scratch = db.with_extension("restoring");
    std::fs::copy(&from, &scratch)
        .with_context(|| format!("copying {} to {}", from.display(), scratch.display()))?;
    let scratch_path = scratch
        .to_str()
        .context("the database path must be valid UTF-8")?;
    let store = priemna_store::SqliteStore::open(scratch_path).await?;
    let verdict = priemna_store::JournalStore::verify_journal(&store).await;
    store.close().await;
    let verdict = verdict?;
    if let JournalVerdict::Broken { entry_id, problem } = verdict {
        let _ = std::fs::remove_file(&scratch);
        anyhow::bail!("the backup's journal is broken at entry {entry_id}: {problem}");
    }
    // The old database's WAL must not be replayed onto the restored file.
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    std::fs::rename(&scratch, &db)
        .with_context(|| format!("moving the restored database to {}", db.display()))?;
    println!(
        "Възстановено от {} / restored into {}",
        from.display(),
        db.display()
    );
    Ok(ExitCode::SUCCESS)
}
