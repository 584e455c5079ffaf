// The journal: appending to the chain, and walking it.

use crate::journal::{GENESIS, entry_hash};
use crate::model::{JournalEntry, JournalVerdict};
use crate::{Result, StoreError};
use super::{Db, DbConn, DbPool, DbRow};
use sqlx::Row;

/// Appends an entry chained to the current head (or to `known_head`, inside a batch) and
/// returns its hash. Call it inside the write transaction that makes the change.
pub async fn append(
    conn: &mut DbConn,
    at: &str,
    actor: &str,
    action: &str,
    submission_id: Option<i64>,
    details: &str,
    known_head: Option<&str>,
) -> Result<String> {
    let prev_hash = match known_head {
        Some(head) => head.to_owned(),
        None => sqlx::query_scalar::<Db, String>(
            "SELECT hash FROM journal ORDER BY id DESC LIMIT 1",
        )
        .fetch_optional(&mut *conn)
        .await?
        .unwrap_or_else(|| GENESIS.to_owned()),
    };
    let hash = entry_hash(&prev_hash, at, actor, action, submission_id, details);
    sqlx::query(
        "INSERT INTO journal (at, actor, action, submission_id, details, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(at)
    .bind(actor)
    .bind(action)
    .bind(submission_id)
    .bind(details)
    .bind(&prev_hash)
    .bind(&hash)
    .execute(&mut *conn)
    .await?;
    Ok(hash)
}

fn entry(row: &DbRow) -> Result<JournalEntry> {
    Ok(JournalEntry {
        id: row.try_get("id")?,
        at: row.try_get("at")?,
        actor: row.try_get("actor")?,
        action: row.try_get("action")?,
        submission_id: row.try_get("submission_id")?,
        details: row.try_get("details")?,
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}

pub async fn list(pool: &DbPool, after_id: i64, limit: u32) -> Result<Vec<JournalEntry>> {
    let rows = sqlx::query("SELECT * FROM journal WHERE id > $1 ORDER BY id LIMIT $2")
        .bind(after_id)
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await?;
    rows.iter().map(entry).collect()
}

/// Walks the whole chain in pages, recomputing every hash.
pub async fn verify(pool: &DbPool) -> Result<JournalVerdict> {
    let mut expected_prev = GENESIS.to_owned();
    let mut after = 0;
    let mut count = 0u64;
    loop {
        let page = list(pool, after, 10_000).await?;
        if page.is_empty() {
            return Ok(JournalVerdict::Intact { entries: count });
        }
        for e in &page {
            if e.prev_hash != expected_prev {
                return Ok(JournalVerdict::Broken {
                    entry_id: e.id,
                    problem: "its link to the previous entry does not match (an entry before it was removed or altered)".into(),
                });
            }
            let recomputed = entry_hash(
                &e.prev_hash,
                &e.at,
                &e.actor,
                &e.action,
                e.submission_id,
                &e.details,
            );
            if recomputed != e.hash {
                return Ok(JournalVerdict::Broken {
                    entry_id: e.id,
                    problem: "its content does not match its hash (the entry was edited)".into(),
                });
            }
            expected_prev = e.hash.clone();
            after = e.id;
            count += 1;
        }
    }
}

pub fn details_json(value: &serde_json::Value) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}
