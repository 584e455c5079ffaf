// The journal: appending to the chain, and walking it.

use crate::journal::{GENESIS, entry_hash};
use crate::model::{JournalBreak, JournalCursor, JournalEntry, JournalFilter, JournalVerdict};
use crate::{Result, StoreError};
use jiff::Timestamp;
use priemna_domain::CaseId;
use super::{Db, DbConn, DbPool, DbRow};
use sqlx::{FromRow, QueryBuilder};

/// Appends an entry chained to the current head (or to `known_head`, inside a batch) and
/// returns its hash. Call it inside the write transaction that makes the change.
pub async fn append(
    conn: &mut DbConn,
    at: &str,
    actor: &str,
    action: &str,
    submission_id: Option<CaseId>,
    details: &str,
    known_head: Option<&str>,
) -> Result<String> {
    let submission_id = submission_id.map(i64::from);
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

/// A `journal` row as stored.
#[derive(sqlx::FromRow)]
struct EntryRow {
    id: i64,
    at: String,
    actor: String,
    action: String,
    submission_id: Option<i64>,
    details: String,
    prev_hash: String,
    hash: String,
}

fn entry(row: &DbRow) -> Result<JournalEntry> {
    let row = EntryRow::from_row(row)?;
    Ok(JournalEntry {
        id: row.id,
        at: row.at,
        actor: row.actor,
        action: row.action,
        submission_id: row.submission_id.map(CaseId),
        details: row.details,
        prev_hash: row.prev_hash,
        hash: row.hash,
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

/// The conditions of `filter`, after a `WHERE true`. Each condition is served by an index of
/// migration 0016 that ends in (at, id), so a page is read in order off one index.
fn push_filter(q: &mut QueryBuilder<'_, Db>, filter: &JournalFilter) {
    if !filter.actors.is_empty() {
        q.push(" AND actor IN (");
        let mut actors = q.separated(", ");
        for actor in &filter.actors {
            actors.push_bind(actor.clone());
        }
        q.push(")");
    }
    if let Some(id) = filter.submission_id {
        q.push(" AND submission_id = ").push_bind(id.0);
    }
    if let Some(action) = &filter.action {
        q.push(" AND action = ").push_bind(action.clone());
    }
    // Times are stored as RFC 3339 text in UTC ("…T22:00:00Z", "…T22:00:00.5Z"); a bound
    // without its "Z" sorts before every entry of its second, fractions included.
    if let Some(from) = filter.from {
        q.push(" AND at >= ").push_bind(text_bound(from));
    }
    if let Some(until) = filter.until {
        q.push(" AND at < ").push_bind(text_bound(until));
    }
    if let Some(max_id) = filter.max_id {
        q.push(" AND id <= ").push_bind(max_id);
    }
}

fn text_bound(at: Timestamp) -> String {
    at.to_string().trim_end_matches('Z').to_owned()
}

/// A page of the entries `filter` selects, ordered by time and id (keyset paging: each page
/// starts from an entry, never from an offset, so the thousandth page costs what the first does).
pub async fn page(
    pool: &DbPool,
    filter: &JournalFilter,
    cursor: JournalCursor,
    limit: u32,
) -> Result<Vec<JournalEntry>> {
    // The cursor's entry's time, read first so that the comparison below is a plain range.
    let anchor = match cursor {
        JournalCursor::Before(id) | JournalCursor::After(id) => {
            let at = sqlx::query_scalar::<Db, String>("SELECT at FROM journal WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await?;
            Some((at, id))
        }
        JournalCursor::Latest | JournalCursor::Oldest => None,
    };
    let mut q: QueryBuilder<Db> = QueryBuilder::new("SELECT * FROM journal WHERE true");
    push_filter(&mut q, filter);
    match (cursor, anchor) {
        (JournalCursor::Before(_), Some((Some(at), id))) => {
            q.push(" AND (at, id) < (").push_bind(at).push(", ").push_bind(id).push(")");
        }
        // No such entry: everything before that id.
        (JournalCursor::Before(_), Some((None, id))) => {
            q.push(" AND id < ").push_bind(id);
        }
        (JournalCursor::After(_), Some((Some(at), id))) => {
            q.push(" AND (at, id) > (").push_bind(at).push(", ").push_bind(id).push(")");
        }
        (JournalCursor::After(_), Some((None, id))) => {
            q.push(" AND id > ").push_bind(id);
        }
        _ => {}
    }
    let newest_first = matches!(cursor, JournalCursor::Latest | JournalCursor::Before(_));
    q.push(if newest_first {
        " ORDER BY at DESC, id DESC LIMIT "
    } else {
        " ORDER BY at, id LIMIT "
    })
    .push_bind(i64::from(limit));
    let rows = q.build().fetch_all(pool).await?;
    rows.iter().map(entry).collect()
}

/// How many entries `filter` selects, and the highest id of the journal.
pub async fn count(pool: &DbPool, filter: &JournalFilter) -> Result<(u64, i64)> {
    let mut q: QueryBuilder<Db> = QueryBuilder::new("SELECT COUNT(*) FROM journal WHERE true");
    push_filter(&mut q, filter);
    let count: i64 = q.build_query_scalar().fetch_one(pool).await?;
    let max_id: Option<i64> = sqlx::query_scalar::<Db, Option<i64>>("SELECT MAX(id) FROM journal")
        .fetch_one(pool)
        .await?;
    Ok((u64::try_from(count).unwrap_or(0), max_id.unwrap_or(0)))
}

/// Appends an entry unless an identical one (actor, action, case, details) was written at or
/// after `since`; the check and the append share the write transaction, so two servers cannot
/// both write it.
#[allow(clippy::too_many_arguments)]
pub async fn append_once(
    read: &DbPool,
    write: &DbPool,
    at: Timestamp,
    since: Timestamp,
    actor: &str,
    action: &str,
    submission_id: Option<CaseId>,
    details: &serde_json::Value,
) -> Result<bool> {
    const SEEN: &str = "SELECT id FROM journal
         WHERE actor = $1 AND at >= $2 AND action = $3 AND COALESCE(submission_id, 0) = $4
           AND details = $5
         LIMIT 1";
    let details = details_json(details)?;
    let since = since.to_string();
    let key = submission_id.map_or(0, i64::from);
    // A repetition is answered from the reading pool, without taking the write lock.
    let seen = sqlx::query_scalar::<Db, i64>(SEEN)
        .bind(actor)
        .bind(&since)
        .bind(action)
        .bind(key)
        .bind(&details)
        .fetch_optional(read)
        .await?;
    if seen.is_some() {
        return Ok(false);
    }
    let mut tx = super::begin_write(write).await?;
    let seen = sqlx::query_scalar::<Db, i64>(SEEN)
        .bind(actor)
        .bind(&since)
        .bind(action)
        .bind(key)
        .bind(&details)
        .fetch_optional(&mut *tx)
        .await?;
    if seen.is_some() {
        tx.rollback().await?;
        return Ok(false);
    }
    append(&mut tx, &at.to_string(), actor, action, submission_id, &details, None).await?;
    tx.commit().await?;
    Ok(true)
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
                    problem: JournalBreak::Link,
                });
            }
            let recomputed = entry_hash(
                &e.prev_hash,
                &e.at,
                &e.actor,
                &e.action,
                e.submission_id.map(i64::from),
                &e.details,
            );
            if recomputed != e.hash {
                return Ok(JournalVerdict::Broken {
                    entry_id: e.id,
                    problem: JournalBreak::Content,
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
