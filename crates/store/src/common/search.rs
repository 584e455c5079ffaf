// What the search index reads, and the answer that reaches the duplicates of a case.

use super::cases::{parse_channel, parse_kind, parse_number};
use super::journal::{append, details_json};
use super::{Db, DbConn, DbPool};
use priemna_domain::{CaseId, DepartmentId, UserId};
use crate::model::CaseChange;
use crate::rows::{parse_date, parse_status, parse_timestamp};
use crate::search_types::{IndexCase, IndexScan, RegisterMarker};
use crate::{Result, StoreError};
use serde_json::json;
use sqlx::QueryBuilder;
use std::collections::HashMap;

pub async fn cases_for_index(read: &DbPool, scan: &IndexScan) -> Result<Vec<IndexCase>> {
    let mut q: QueryBuilder<Db> = QueryBuilder::new(
        "SELECT s.id, s.number, s.kind, s.channel, s.status, s.subject, s.body, s.address,
                s.answer_text, s.department_id, s.assignee_id, s.sealed, s.about_employee,
                s.subject_employee_id, s.received_at, s.received_date, s.updated_at,
                s.duplicate_of
         FROM submissions s WHERE ",
    );
    match scan {
        IndexScan::After { after_id, limit } => {
            q.push("s.id > ")
                .push_bind(*after_id)
                .push(" ORDER BY s.id LIMIT ")
                .push_bind(i64::from(*limit));
        }
        IndexScan::Ids(ids) => {
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            q.push("s.id IN (");
            let mut list = q.separated(", ");
            for id in ids {
                list.push_bind(id.0);
            }
            q.push(") ORDER BY s.id");
        }
        IndexScan::Numbers(numbers) => {
            if numbers.is_empty() {
                return Ok(Vec::new());
            }
            q.push("s.number IN (");
            let mut list = q.separated(", ");
            for number in numbers {
                list.push_bind(number.to_string());
            }
            q.push(") ORDER BY s.id");
        }
        IndexScan::ChangedSince {
            after_id,
            changed_since,
            limit,
        } => {
            q.push("(s.id > ").push_bind(*after_id);
            if let Some(since) = changed_since {
                q.push(" OR s.updated_at >= ").push_bind(since.clone());
            }
            q.push(") ORDER BY s.id LIMIT ")
                .push_bind(i64::from(*limit));
        }
        IndexScan::DuplicatesOf(id) => {
            q.push("s.duplicate_of = ")
                .push_bind(id.0)
                .push(" ORDER BY s.id");
        }
    }
    let rows = q.build_query_as::<IndexRow>().fetch_all(read).await?;
    let mut conflicts: HashMap<i64, Vec<UserId>> = HashMap::new();
    if !rows.is_empty() {
        let mut c: QueryBuilder<Db> = QueryBuilder::new(
            "SELECT submission_id, user_id FROM conflicts WHERE submission_id IN (",
        );
        let mut list = c.separated(", ");
        for row in &rows {
            list.push_bind(row.id);
        }
        c.push(")");
        let pairs: Vec<(i64, i64)> = c.build_query_as().fetch_all(read).await?;
        for (case, user) in pairs {
            conflicts.entry(case).or_default().push(UserId(user));
        }
    }
    rows.into_iter()
        .map(|row| {
            let mut conflicted = conflicts.remove(&row.id).unwrap_or_default();
            if let Some(subject) = row.subject_employee_id.map(UserId)
                && !conflicted.contains(&subject)
            {
                conflicted.push(subject);
            }
            let mut case = IndexCase::try_from(row)?;
            case.conflicted_user_ids = conflicted;
            Ok(case)
        })
        .collect()
}

/// A case as the search index reads it.
#[derive(sqlx::FromRow)]
struct IndexRow {
    id: i64,
    number: String,
    kind: String,
    channel: String,
    status: String,
    subject: String,
    body: String,
    address: Option<String>,
    answer_text: Option<String>,
    department_id: Option<i64>,
    assignee_id: Option<i64>,
    sealed: bool,
    about_employee: bool,
    subject_employee_id: Option<i64>,
    received_at: String,
    received_date: Option<String>,
    updated_at: Option<String>,
    duplicate_of: Option<i64>,
}

/// The case without its conflicts (read from another table).
impl TryFrom<IndexRow> for IndexCase {
    type Error = StoreError;

    fn try_from(row: IndexRow) -> Result<IndexCase> {
        Ok(IndexCase {
            id: CaseId(row.id),
            number: parse_number(&row.number)?,
            kind: parse_kind(&row.kind)?,
            channel: parse_channel(&row.channel)?,
            status: parse_status(&row.status)?,
            subject: row.subject,
            body: row.body,
            address: row.address,
            answer_text: row.answer_text,
            department_id: row.department_id.map(DepartmentId),
            assignee_id: row.assignee_id.map(UserId),
            sealed: row.sealed,
            about_employee: row.about_employee,
            conflicted_user_ids: Vec::new(),
            received_at: parse_timestamp(&row.received_at)?,
            received_date: parse_date(row.received_date)?
                .ok_or_else(|| StoreError::Corrupt("missing received_date".into()))?,
            updated_at: row.updated_at,
            duplicate_of: row.duplicate_of.map(CaseId),
        })
    }
}

pub async fn marker(read: &DbPool) -> Result<RegisterMarker> {
    let (count, max_id, max_updated_at): (i64, i64, Option<String>) = sqlx::query_as(
        "SELECT COUNT(*) AS n, COALESCE(MAX(id), 0) AS max_id, MAX(updated_at) AS last
         FROM submissions",
    )
    .fetch_one(read)
    .await?;
    Ok(RegisterMarker {
        count: u64::try_from(count).unwrap_or(0),
        max_id,
        max_updated_at,
    })
}

/// When a case is answered, the cases merged into it as duplicates get the same answer and a
/// history event telling their citizens, in the same transaction.
pub async fn answer_duplicates(
    tx: &mut DbConn,
    case_id: CaseId,
    change: &CaseChange,
    at: &str,
) -> Result<()> {
    let Some((text, signer)) = &change.answer else {
        return Ok(());
    };
    let original: String = sqlx::query_scalar("SELECT number FROM submissions WHERE id = $1")
        .bind(case_id.0)
        .fetch_one(&mut *tx)
        .await?;
    let duplicates: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT id, number, status FROM submissions WHERE duplicate_of = $1")
            .bind(case_id.0)
            .fetch_all(&mut *tx)
            .await?;
    for (id, number, status) in duplicates {
        sqlx::query(
            "UPDATE submissions SET answer_text = $1, answered_by = $2, answered_at = $3,
                    updated_at = $3 WHERE id = $4",
        )
        .bind(text)
        .bind(signer.0)
        .bind(at)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO case_events (submission_id, at, status, note_bg, note_en)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(at)
        .bind(&status)
        .bind(format!(
            "Изпратен е писменият отговор по преписка {original}, с която е обединена Вашата: {text}"
        ))
        .bind(format!(
            "The written answer to case {original}, with which yours was merged, was sent: {text}"
        ))
        .execute(&mut *tx)
        .await?;
        let details = details_json(&json!({ "number": number, "original": original }))?;
        append(
            &mut *tx,
            at,
            &change.actor,
            "answer_duplicate",
            Some(CaseId(id)),
            &details,
            None,
        )
        .await?;
    }
    Ok(())
}
