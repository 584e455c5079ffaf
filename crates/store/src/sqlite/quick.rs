//! Point reads on the request's own thread: citizens' tracking look-ups and staff sessions.
//!
//! sqlx's SQLite driver runs each connection on a thread of its own and hands every statement
//! to it and back; for a tracking look-up (two small statements) those hand-offs cost more
//! than the reads. Here a few read-only connections wait in a list; a look-up takes one, runs
//! its statements where it is (a look-up by a unique key, from pages that are almost always in
//! memory: tens of microseconds) and puts it back. Any failure here is logged and the caller
//! reads through the pool instead, so this path can make a read faster, never fail it.

use super::cases::EventRow;
use super::intake::{CITIZEN_COLUMNS, CitizenRow};
use super::staff::{SessionRow, UserRow};
use rusqlite::{Connection, OpenFlags, OptionalExtension, Row};
use std::sync::Mutex;
use std::time::Duration;

/// Idle connections kept; more are opened when more look-ups run at once, and closed after.
const KEEP_IDLE: usize = 16;

/// A WAL reader waits only in rare moments (the WAL being reset); never hold a request longer.
const BUSY_TIMEOUT: Duration = Duration::from_millis(250);

pub(super) struct QuickReads {
    /// `None` for an in-memory database, which another connection could not see.
    path: Option<String>,
    idle: Mutex<Vec<Connection>>,
}

impl QuickReads {
    pub(super) fn new(path: &str) -> QuickReads {
        let in_memory = path == ":memory:" || path.contains("mode=memory");
        QuickReads {
            path: (!in_memory).then(|| path.to_string()),
            idle: Mutex::new(Vec::new()),
        }
    }

    /// The citizen's case behind `number` when `code_hash` is its tracking code's hash: the
    /// row and its history, oldest first. `None` when this path could not read (the caller
    /// reads through the pool).
    pub(super) fn citizen_case(
        &self,
        number: &str,
        code_hash: &str,
    ) -> Option<Option<(CitizenRow, Vec<EventRow>)>> {
        self.read(|conn| {
            let row = conn
                .prepare_cached(&format!(
                    "SELECT {CITIZEN_COLUMNS} FROM submissions WHERE number = ?1"
                ))?
                .query_row([number], citizen_row)
                .optional()?;
            let Some(row) = row.filter(|r| r.tracking_code_hash == code_hash) else {
                return Ok(None);
            };
            let events = conn
                .prepare_cached(super::cases::HISTORY_SQL)?
                .query_map([row.id], event_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(Some((row, events)))
        })
    }

    /// The session behind `token_hash` with its user, as stored. `None` when this path could
    /// not read.
    pub(super) fn session(&self, token_hash: &str) -> Option<Option<SessionRow>> {
        self.read(|conn| {
            conn.prepare_cached(super::staff::SESSION_SQL)?
                .query_row([token_hash], session_row)
                .optional()
        })
    }

    /// Closes the idle connections (the store is closing).
    pub(super) fn close(&self) {
        if let Ok(mut idle) = self.idle.lock() {
            idle.clear();
        }
    }

    fn read<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Option<T> {
        let path = self.path.as_deref()?;
        let taken = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        let conn = match taken.map_or_else(|| open(path), Ok) {
            Ok(conn) => conn,
            Err(e) => {
                tracing::warn!(error = %e, "a quick read connection could not open; using the pool");
                return None;
            }
        };
        match f(&conn) {
            Ok(value) => {
                if let Ok(mut idle) = self.idle.lock()
                    && idle.len() < KEEP_IDLE
                {
                    idle.push(conn);
                }
                Some(value)
            }
            Err(e) => {
                // The connection is dropped, not kept: whatever went wrong stays with it.
                tracing::warn!(error = %e, "a quick read failed; reading through the pool");
                None
            }
        }
    }
}

fn open(path: &str) -> rusqlite::Result<Connection> {
    // Read-only, and no SQLite mutex: a connection is used by one request at a time.
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.set_prepared_statement_cache_capacity(8);
    Ok(conn)
}

fn citizen_row(r: &Row<'_>) -> rusqlite::Result<CitizenRow> {
    Ok(CitizenRow {
        id: r.get(0)?,
        tracking_code_hash: r.get(1)?,
        number: r.get(2)?,
        kind: r.get(3)?,
        channel: r.get(4)?,
        subject: r.get(5)?,
        body: r.get(6)?,
        address: r.get(7)?,
        anonymous: r.get(8)?,
        received_at: r.get(9)?,
        status: r.get(10)?,
        considered: r.get(11)?,
        deadline_rule: r.get(12)?,
        answer_due: r.get(13)?,
        acknowledge_due: r.get(14)?,
        decisions: r.get(15)?,
        answer_text: r.get(16)?,
        answered_at: r.get(17)?,
    })
}

fn event_row(r: &Row<'_>) -> rusqlite::Result<EventRow> {
    Ok(EventRow {
        at: r.get(0)?,
        status: r.get(1)?,
        note_bg: r.get(2)?,
        note_en: r.get(3)?,
    })
}

fn session_row(r: &Row<'_>) -> rusqlite::Result<SessionRow> {
    Ok(SessionRow {
        csrf_token: r.get("csrf_token")?,
        expires_at: r.get("expires_at")?,
        user: UserRow {
            id: r.get("id")?,
            username: r.get("username")?,
            display_name: r.get("display_name")?,
            role: r.get("role")?,
            department_id: r.get("department_id")?,
            corruption_officer: r.get("corruption_officer")?,
            active: r.get("active")?,
            password_hash: r.get("password_hash")?,
            failed_logins: r.get("failed_logins")?,
            locked_until: r.get("locked_until")?,
            lockouts: r.get("lockouts")?,
            must_change_password: r.get("must_change_password")?,
            email: r.get("email")?,
        },
    })
}
