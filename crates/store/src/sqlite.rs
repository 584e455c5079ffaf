//! The SQLite register: one file, WAL, fully synced commits.
//!
//! The queries are shared with PostgreSQL (`src/common/`, compiled once per backend with this
//! module's `Db` types); what differs lives here: opening the file and starting a write.

use crate::Result;
use sqlx::Transaction;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::time::Duration;
use tokio::sync::mpsc;

type Db = sqlx::Sqlite;
type DbPool = sqlx::SqlitePool;
type DbRow = sqlx::sqlite::SqliteRow;
type DbConn = sqlx::SqliteConnection;
type ThisStore = SqliteStore;

// SQLite's planner, without exact statistics, prefers the status index and sorts every open
// case; the inbox's whole queue is read off its own partial index instead (migration 0009).
const OPEN_QUEUE_INDEX_HINT: &str = "INDEXED BY submissions_open_queue";

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
mod quick;
mod writer;

pub struct SqliteStore {
    read: DbPool,
    write: DbPool,
    intake: mpsc::Sender<intake::IntakeJob>,
    quick: quick::QuickReads,
    /// The intake writer's own connection (none for an in-memory database).
    writer: Option<writer::Shared>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub async fn open(path: &str) -> Result<SqliteStore> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a commit is on disk, not just in the OS cache, before we acknowledge it.
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(30))
            .foreign_keys(true);
        // One writer connection: SQLite allows one writer at a time anyway, and funnelling all
        // writes through it keeps numbering and the journal chain strictly ordered.
        // A connection to a local file does not drop away, so the pool need not ping it before
        // each use (with sqlx's SQLite driver a ping is a round trip to the connection's thread).
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .test_before_acquire(false)
            .connect_with(options.clone())
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&write).await?;
        rulebook::keep(&write).await?;
        // Fresh planner statistics (bounded work, only where stale): without them SQLite may not
        // pick partial indexes such as the inbox's queue.
        // And the migrations' pages moved from the WAL into the file (a fresh register's WAL
        // would otherwise hold half a megabyte of superseded pages).
        // Neither is needed to serve: on a full disk the server still starts (and reads).
        if let Err(e) = sqlx::raw_sql(
            "PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002; \
             PRAGMA wal_checkpoint(TRUNCATE);",
        )
        .execute(&write)
        .await
        {
            tracing::warn!(error = %e, "planner statistics or checkpoint skipped at start");
        }
        let read = SqlitePoolOptions::new()
            .max_connections(8)
            .test_before_acquire(false)
            .connect_with(options)
            .await?;
        let (sender, jobs) = mpsc::channel(4 * intake::MAX_BATCH);
        let writer = writer::open(path);
        match &writer {
            Some(conn) => writer::spawn(path, conn.clone(), write.clone(), jobs).map_err(|e| {
                crate::StoreError::Unavailable(format!("starting the intake writer: {e}"))
            })?,
            None => {
                tokio::spawn(intake::intake_loop(write.clone(), jobs));
            }
        }
        Ok(SqliteStore {
            read,
            write,
            intake: sender,
            quick: quick::QuickReads::new(path),
            writer,
        })
    }

    /// Closes the connections; the last one checkpoints the WAL into the main file.
    pub async fn close(&self) {
        self.quick.close();
        if let Some(Ok(mut conn)) = self.writer.as_ref().map(|w| w.lock()) {
            *conn = None;
        }
        self.read.close().await;
        self.write.close().await;
    }
}

/// A staff session and its user by the token's hash (see `staff::session_row`), read on the
/// request's thread where it can be.
async fn session_row(store: &SqliteStore, token_hash: &str) -> Result<Option<staff::SessionRow>> {
    match store.quick.session(token_hash) {
        Some(found) => Ok(found),
        None => staff::session_row(&store.read, token_hash).await,
    }
}

/// A citizen's case (see `cases::citizen_case`), read on the request's thread where it can be.
async fn citizen_case(
    store: &SqliteStore,
    number: &str,
    code_hash: &str,
) -> Result<Option<(intake::CitizenRow, Vec<cases::EventRow>)>> {
    match store.quick.citizen_case(number, code_hash) {
        Some(found) => Ok(found),
        None => intake::citizen_case(&store.read, number, code_hash).await,
    }
}

/// Writes a consistent copy of the live database to `target` (SQLite's `VACUUM INTO`), while
/// the server keeps serving.
async fn online_backup(pool: &DbPool, target: &str) -> Result<()> {
    sqlx::query("VACUUM INTO $1")
        .bind(target)
        .execute(pool)
        .await?;
    Ok(())
}

/// The largest submission id so far (0 for an empty register).
const LARGEST_ID_SQL: &str = "SELECT COALESCE(MAX(id), 0) FROM submissions";

/// Ids for `n` new submissions, in order: SQLite has one writer, and this runs inside its
/// transaction, so the ids after the largest are free.
async fn reserve_submission_ids(tx: &mut Transaction<'static, Db>, n: usize) -> Result<Vec<i64>> {
    let largest: i64 = sqlx::query_scalar(LARGEST_ID_SQL)
        .fetch_one(&mut **tx)
        .await?;
    Ok((1..=i64::try_from(n).unwrap_or(i64::MAX))
        .map(|i| largest + i)
        .collect())
}

/// Starts a write transaction holding SQLite's write lock from the first statement, so that
/// reading the journal's head and appending to it cannot interleave with another process.
async fn begin_write(pool: &DbPool) -> Result<Transaction<'static, Db>> {
    match pool.begin_with("BEGIN IMMEDIATE").await {
        Ok(tx) => Ok(tx),
        Err(first) => {
            // A transaction whose commit failed (a full disk) leaves its rollback queued on the
            // connection, and sqlx refuses a custom BEGIN until a plain statement has run it.
            tracing::warn!(error = %first, "starting a write failed; settling the connection");
            sqlx::query("SELECT 1").execute(pool).await?;
            Ok(pool.begin_with("BEGIN IMMEDIATE").await?)
        }
    }
}

#[cfg(test)]
mod tests {
    use priemna_domain::Status;

    #[test]
    fn the_inbox_queue_index_lists_exactly_the_open_statuses() {
        let open: Vec<String> = Status::ALL
            .iter()
            .filter(|s| s.is_open())
            .map(|s| format!("'{}'", s.as_str()))
            .collect();
        assert_eq!(
            super::cases::OPEN_STATUSES_SQL,
            format!("({})", open.join(", "))
        );
        for migration in [
            include_str!("../migrations/sqlite/0009_inbox_queue.sql"),
            include_str!("../migrations/postgres/0009_inbox_queue.sql"),
        ] {
            assert!(migration.contains(&format!("status IN {}", super::cases::OPEN_STATUSES_SQL)));
        }
    }
}
