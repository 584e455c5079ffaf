//! The intake writer on a thread of its own, writing with its own connection.
//!
//! A batch of plain submissions is about ten statements. Through sqlx each of them is handed
//! to the connection's thread and back, and on a busy machine every hand-off waits for that
//! thread to be scheduled: the one writer, the serial part of intake, spent most of its time
//! waiting. Here one thread takes a batch off the queue and runs all of it — `BEGIN
//! IMMEDIATE`, the statements (prepared once, one row at a time), `COMMIT` — where it is.
//! What to write is planned by the same code as for PostgreSQL (`intake::plan_bulk`); the
//! rest (batches with portal forms or files, the retry one submission at a time after a failed
//! batch) goes through sqlx as before. SQLite's write lock keeps the two connections in order.
//!
//! The writer does not copy the write-ahead log back into the database file itself (SQLite
//! would do it inside a commit every thousand pages, and every citizen in that batch would wait
//! for it): a checkpointer thread with a connection of its own does it a few times a second,
//! without blocking the writer (`PASSIVE`).

use super::cells::Cell;
use super::intake::{self, IntakeJob};
use crate::model::Registered;
use rusqlite::types::ToSqlOutput;
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

/// The writer's connection, shared with the store so that closing the store closes it.
pub(super) type Shared = Arc<Mutex<Option<Connection>>>;

/// Opens the writer's connection to the register at `path` (its schema already migrated).
/// `None` for an in-memory database, which another connection could not see.
pub(super) fn open(path: &str) -> Option<Shared> {
    if path == ":memory:" || path.contains("mode=memory") {
        return None;
    }
    let opened = open_read_write(path).and_then(|conn| {
        // As the pool's connections: a commit is on disk before anyone is told their number.
        conn.execute_batch(
            "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; \
",
        )?;
        conn.execute_batch(WRITER_CHECKPOINT_AT)?;
        conn.execute_batch(LOG_SIZE_LIMIT)?;
        conn.busy_timeout(Duration::from_secs(30))?;
        conn.set_prepared_statement_cache_capacity(32);
        Ok(conn)
    });
    match opened {
        Ok(conn) => Some(Arc::new(Mutex::new(Some(conn)))),
        Err(e) => {
            tracing::warn!(error = %e, "intake writes through the pool: no connection of its own");
            None
        }
    }
}

/// A connection of this thread's own to the existing register at `path`.
fn open_read_write(path: &str) -> rusqlite::Result<Connection> {
    Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
}

/// How often the checkpointer copies the write-ahead log into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(200);

/// The log's length, in pages, at which the writer checkpoints after a commit itself (4,096
/// pages of 4 KiB: 16 MiB). By then the checkpointer has copied most of the log, so this is
/// short, and since nothing is written meanwhile, it reaches the log's end: the next batch
/// starts the log again from the beginning and the file stays small.
const WRITER_CHECKPOINT_AT: &str = "PRAGMA wal_autocheckpoint = 4096;";

/// The size the log file is cut back to when it starts again.
const LOG_SIZE_LIMIT: &str = "PRAGMA journal_size_limit = 16777216;";

/// Runs the intake queue on a thread of its own until every sender is gone, and the
/// checkpointer beside it until the writer's connection is closed.
pub(super) fn spawn(
    path: &str,
    conn: Shared,
    pool: super::DbPool,
    mut jobs: mpsc::Receiver<IntakeJob>,
) -> std::io::Result<()> {
    let checkpoints = open_read_write(path).and_then(|c| {
        c.busy_timeout(Duration::from_secs(1))?;
        c.execute_batch(LOG_SIZE_LIMIT)?;
        Ok(c)
    });
    match checkpoints {
        Ok(checkpoints) => {
            let writer = Arc::downgrade(&conn);
            std::thread::Builder::new()
                .name("priemna-checkpoint".into())
                .spawn(move || checkpointer(&checkpoints, &writer))?;
        }
        Err(e) => {
            // Without the thread the writer checkpoints in its commits, as SQLite does by default.
            tracing::warn!(error = %e, "no checkpointer: the intake writer checkpoints itself");
            if let Ok(mut guard) = conn.lock()
                && let Some(c) = guard.as_mut()
            {
                let _ = c.execute_batch("PRAGMA wal_autocheckpoint = 1000;");
            }
        }
    }
    let runtime = tokio::runtime::Handle::current();
    std::thread::Builder::new()
        .name("priemna-intake".into())
        .spawn(move || {
            let mut batch = Vec::with_capacity(intake::MAX_BATCH);
            while let Some(first) = jobs.blocking_recv() {
                intake::gather(first, &mut jobs, &mut batch);
                if batch.iter().all(intake::is_plain) {
                    match write_plain(&conn, &batch) {
                        Ok(Some(registered)) => {
                            intake::reply_all(&mut batch, registered);
                            continue;
                        }
                        // The store is closing: the pool says so to whoever is left.
                        Ok(None) => {}
                        Err(e) => {
                            tracing::warn!(error = %e, "batch failed as a whole; retrying one by one");
                            runtime.block_on(intake::commit_one_by_one(&pool, &mut batch));
                            continue;
                        }
                    }
                }
                runtime.block_on(intake::commit_batch(&pool, &mut batch));
            }
        })
        .map(|_| ())
}

/// Copies committed pages from the write-ahead log into the database file every
/// `CHECKPOINT_EVERY`, for as long as the writer's connection is open. A checkpoint that cannot
/// finish (a reader still needs old pages) is simply tried again.
fn checkpointer(conn: &Connection, writer: &std::sync::Weak<Mutex<Option<Connection>>>) {
    loop {
        std::thread::sleep(CHECKPOINT_EVERY);
        let open = writer
            .upgrade()
            .is_some_and(|w| w.lock().is_ok_and(|c| c.is_some()));
        if !open {
            return;
        }
        if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
            tracing::warn!(error = %e, "checkpoint failed; trying again");
        }
    }
}

/// Writes a batch of plain submissions in one transaction; `None` when the connection is
/// closed. Nothing is written unless all of it is.
fn write_plain(conn: &Shared, batch: &[IntakeJob]) -> Result<Option<Vec<Registered>>, String> {
    let mut guard = conn
        .lock()
        .map_err(|_| "the writer's connection was poisoned")?;
    let Some(conn) = guard.as_mut() else {
        return Ok(None);
    };
    write_plain_on(conn, batch)
        .map(Some)
        .map_err(|e| e.to_string())
}

fn write_plain_on(conn: &mut Connection, batch: &[IntakeJob]) -> Result<Vec<Registered>, Error> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut last_seq = BTreeMap::new();
    for year in intake::years_of(batch) {
        let current: Option<i64> = tx
            .prepare_cached(intake::COUNTER_SQL)?
            .query_row([i64::from(year)], |row| row.get(0))
            .optional()?;
        last_seq.insert(year, current.unwrap_or(0));
    }
    // One writer holds the lock, so the ids after the largest are free.
    let largest: i64 = tx
        .prepare_cached(super::LARGEST_ID_SQL)?
        .query_row([], |row| row.get(0))?;
    let ids: Vec<i64> = (1..).take(batch.len()).map(|i| largest + i).collect();
    let head: Option<String> = tx
        .prepare_cached(intake::JOURNAL_HEAD_SQL)?
        .query_row([], |row| row.get(0))
        .optional()?;
    let plan = intake::plan_bulk(batch, last_seq, &ids, head)?;
    for insert in &plan.inserts {
        let Some(columns) = insert.rows.first().map(Vec::len) else {
            continue;
        };
        let placeholders = vec!["?"; columns].join(", ");
        let sql = format!("{} VALUES ({placeholders}){}", insert.into, insert.suffix);
        let mut statement = tx.prepare_cached(&sql)?;
        for row in &insert.rows {
            statement.execute(rusqlite::params_from_iter(row))?;
        }
    }
    for (year, seq) in &plan.counters {
        tx.prepare_cached(intake::COUNTER_UPSERT_SQL)?
            .execute([i64::from(*year), *seq])?;
    }
    tx.commit()?;
    Ok(plan.registered)
}

impl rusqlite::ToSql for Cell<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        match self {
            Cell::Int(v) => v.to_sql(),
            Cell::Real(v) => v.to_sql(),
            Cell::Bool(v) => v.to_sql(),
            Cell::Text(v) => v.to_sql(),
            Cell::Owned(v) => v.to_sql(),
            Cell::Bytes(v) => v.to_sql(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
enum Error {
    #[error("{0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{0}")]
    Store(#[from] crate::StoreError),
}
