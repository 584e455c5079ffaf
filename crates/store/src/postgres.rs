//! The PostgreSQL register: for municipalities that outgrow one file, and for several
//! application servers on one database.
//!
//! The queries are shared with SQLite (`src/common/`); what differs lives here. Every write
//! transaction first takes one transaction-scoped advisory lock, so that the journal's hash
//! chain and the registration counters advance in one order across all servers.

use crate::Result;
use sqlx::Transaction;
use sqlx::postgres::PgPoolOptions;
use std::time::Duration;
use tokio::sync::mpsc;

type Db = sqlx::Postgres;
type DbPool = sqlx::PgPool;
type DbRow = sqlx::postgres::PgRow;
type DbConn = sqlx::PgConnection;
type ThisStore = PostgresStore;

// PostgreSQL's planner picks the inbox's partial index (migration 0009) from its statistics.
const OPEN_QUEUE_INDEX_HINT: &str = "";

mod cases {
    include!("common/cases.rs");
}
mod cells {
    include!("common/cells.rs");
}
mod import {
    include!("common/import.rs");
}
mod forms {
    include!("common/forms.rs");
}
mod intake {
    include!("common/intake.rs");
}
mod jobs {
    include!("common/jobs.rs");
}
mod journal {
    include!("common/journal.rs");
}
mod staff {
    include!("common/staff.rs");
}
mod sign_in {
    include!("common/sign_in.rs");
}
mod retention {
    include!("common/retention.rs");
}
mod outbox {
    include!("common/outbox.rs");
}
mod portal {
    include!("common/portal.rs");
}
mod letters {
    include!("common/letters.rs");
}
mod mailbox {
    include!("common/mailbox.rs");
}
mod conversation {
    include!("common/conversation.rs");
}
mod digest {
    include!("common/digest.rs");
}
mod open311 {
    include!("common/open311.rs");
}
mod search {
    include!("common/search.rs");
}
mod stats {
    include!("common/stats.rs");
}
mod export {
    include!("common/export.rs");
}
mod rulebook {
    include!("common/rulebook.rs");
}
mod store_impl {
    include!("common/store_impl.rs");
}

/// The advisory lock key that orders all writers ("priemna" on a phone keypad).
const WRITE_LOCK: i64 = 7_743_662;

pub struct PostgresStore {
    read: DbPool,
    write: DbPool,
    intake: mpsc::Sender<intake::IntakeJob>,
}

impl PostgresStore {
    /// Connects and brings the schema up to date (migrations take their own lock, so several
    /// servers starting at once are safe).
    pub async fn open(url: &str) -> Result<PostgresStore> {
        let write = PgPoolOptions::new()
            .max_connections(4)
            .acquire_timeout(Duration::from_secs(30))
            .connect(url)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&write).await?;
        rulebook::keep(&write).await?;
        let read = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(30))
            .connect(url)
            .await?;
        let (sender, jobs) = mpsc::channel(4 * intake::MAX_BATCH);
        tokio::spawn(intake::intake_loop(write.clone(), jobs));
        Ok(PostgresStore {
            read,
            write,
            intake: sender,
        })
    }
}

/// Ids for `n` new submissions, in order, from the table's sequence (several servers may
/// share the register; the sequence never hands an id out twice).
async fn reserve_submission_ids(tx: &mut Transaction<'static, Db>, n: usize) -> Result<Vec<i64>> {
    let mut ids: Vec<i64> = sqlx::query_scalar(
        "SELECT nextval(pg_get_serial_sequence('submissions', 'id'))
         FROM generate_series(1, $1)",
    )
    .bind(i64::try_from(n).unwrap_or(i64::MAX))
    .fetch_all(&mut **tx)
    .await?;
    ids.sort_unstable();
    Ok(ids)
}

async fn begin_write(pool: &DbPool) -> Result<Transaction<'static, Db>> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(WRITE_LOCK)
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// A staff session and its user by the token's hash (see `staff::session_row`).
async fn session_row(store: &PostgresStore, token_hash: &str) -> Result<Option<staff::SessionRow>> {
    staff::session_row(&store.read, token_hash).await
}

/// A citizen's case (see `cases::citizen_case`), through the pool.
async fn citizen_case(
    store: &PostgresStore,
    number: &str,
    code_hash: &str,
) -> Result<Option<(intake::CitizenRow, Vec<cases::EventRow>)>> {
    intake::citizen_case(&store.read, number, code_hash).await
}

/// PostgreSQL is backed up with its own tools (pg_dump, WAL archiving).
async fn online_backup(_pool: &DbPool, _target: &str) -> Result<()> {
    Err(crate::StoreError::UnsupportedUrl(
        "online backup is for SQLite; back up PostgreSQL with pg_dump or WAL archiving".into(),
    ))
}
