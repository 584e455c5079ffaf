// Cases read page by page for an export, and the submitters of those a reader may see (see
// `crate::export`).

use super::cases::{parse_channel, parse_kind, parse_number};
use super::{Db, DbPool, ThisStore};
use crate::export::{ExportCase, ExportFilter, ExportStore, ExportSubmitter};
use crate::rows::{parse_date, parse_status, parse_timestamp};
use crate::{Result, StoreError};
use async_trait::async_trait;
use sqlx::{QueryBuilder, Row};
use std::collections::HashMap;

/// The most cases one call returns, whatever the caller asks.
const MAX_PAGE: u32 = 5000;

async fn conflicts_of(read: &DbPool, ids: &[i64]) -> Result<HashMap<i64, Vec<i64>>> {
    let mut conflicts: HashMap<i64, Vec<i64>> = HashMap::new();
    if ids.is_empty() {
        return Ok(conflicts);
    }
    let mut q: QueryBuilder<Db> =
        QueryBuilder::new("SELECT submission_id, user_id FROM conflicts WHERE submission_id IN (");
    let mut list = q.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    q.push(")");
    for row in q.build().fetch_all(read).await? {
        conflicts
            .entry(row.try_get("submission_id")?)
            .or_default()
            .push(row.try_get("user_id")?);
    }
    Ok(conflicts)
}

#[async_trait]
impl ExportStore for ThisStore {
    async fn export_cases(
        &self,
        filter: &ExportFilter,
        after_id: i64,
        limit: u32,
    ) -> Result<Vec<ExportCase>> {
        let mut q: QueryBuilder<Db> = QueryBuilder::new(
            "SELECT s.id, s.number, s.kind, s.channel, s.status, s.subject, s.address,
                    s.received_date, s.answer_due, s.deadline_extended, s.answered_at,
                    s.department_id, d.name AS department_name, s.assignee_id, s.service_code,
                    s.not_considered_rule, s.forwarded_to, s.duplicate_of, s.urgency, s.anonymous, s.sealed,
                    s.about_employee, s.subject_employee_id,
                    CAST(v.rating AS BIGINT) AS rating
             FROM submissions s
             LEFT JOIN departments d ON d.id = s.department_id
             LEFT JOIN surveys v ON v.submission_id = s.id
             WHERE s.id > ",
        );
        q.push_bind(after_id)
            .push(" AND s.received_date >= ")
            .push_bind(filter.from.to_string())
            .push(" AND s.received_date < ")
            .push_bind(filter.until.to_string());
        if let Some(department) = filter.department_id {
            q.push(" AND s.department_id = ").push_bind(department);
        }
        q.push(" ORDER BY s.id LIMIT ")
            .push_bind(i64::from(limit.clamp(1, MAX_PAGE)));
        let rows = q.build().fetch_all(&self.read).await?;
        let ids = rows
            .iter()
            .map(|row| row.try_get::<i64, _>("id"))
            .collect::<Result<Vec<_>, _>>()?;
        let mut conflicts = conflicts_of(&self.read, &ids).await?;
        rows.iter()
            .map(|row| {
                let id: i64 = row.try_get("id")?;
                let mut conflicted = conflicts.remove(&id).unwrap_or_default();
                // The employee a complaint is about is in conflict with it by definition.
                if let Some(subject) = row.try_get::<Option<i64>, _>("subject_employee_id")?
                    && !conflicted.contains(&subject)
                {
                    conflicted.push(subject);
                }
                let number: String = row.try_get("number")?;
                let kind: String = row.try_get("kind")?;
                let channel: String = row.try_get("channel")?;
                let status: String = row.try_get("status")?;
                let answered_at: Option<String> = row.try_get("answered_at")?;
                let rating: Option<i64> = row.try_get("rating")?;
                Ok(ExportCase {
                    id,
                    number: parse_number(&number)?,
                    kind: parse_kind(&kind)?,
                    channel: parse_channel(&channel)?,
                    status: parse_status(&status)?,
                    subject: row.try_get("subject")?,
                    place: row.try_get("address")?,
                    received_date: parse_date(row.try_get("received_date")?)?
                        .ok_or_else(|| StoreError::Corrupt("missing received_date".into()))?,
                    answer_due: parse_date(row.try_get("answer_due")?)?,
                    deadline_extended: row.try_get("deadline_extended")?,
                    answered_at: answered_at.as_deref().map(parse_timestamp).transpose()?,
                    department_id: row.try_get("department_id")?,
                    department_name: row.try_get("department_name")?,
                    assignee_id: row.try_get("assignee_id")?,
                    service_code: row.try_get("service_code")?,
                    not_considered_rule: row.try_get("not_considered_rule")?,
                    forwarded_to: row.try_get("forwarded_to")?,
                    duplicate_of: row.try_get("duplicate_of")?,
                    urgency: crate::rows::parse_urgency(&row.try_get::<String, _>("urgency")?)?,
                    anonymous: row.try_get("anonymous")?,
                    sealed: row.try_get("sealed")?,
                    about_employee: row.try_get("about_employee")?,
                    conflicted_user_ids: conflicted,
                    rating: rating.and_then(|r| u8::try_from(r).ok()),
                })
            })
            .collect()
    }

    async fn export_submitters(&self, case_ids: &[i64]) -> Result<HashMap<i64, ExportSubmitter>> {
        let mut found = HashMap::new();
        if case_ids.is_empty() {
            return Ok(found);
        }
        // Only the ordinary submitters' table, and never for a sealed case: a whistleblower's
        // identity is not exported, whoever asks.
        let mut q: QueryBuilder<Db> = QueryBuilder::new(
            "SELECT p.submission_id, p.name, p.address, p.phone, p.email
             FROM submitters p JOIN submissions s ON s.id = p.submission_id
             WHERE s.sealed = false AND p.submission_id IN (",
        );
        let mut list = q.separated(", ");
        for id in case_ids {
            list.push_bind(*id);
        }
        q.push(")");
        for row in q.build().fetch_all(&self.read).await? {
            found.insert(
                row.try_get("submission_id")?,
                ExportSubmitter {
                    name: row.try_get("name")?,
                    address: row.try_get("address")?,
                    phone: row.try_get("phone")?,
                    email: row.try_get("email")?,
                },
            );
        }
        Ok(found)
    }
}
