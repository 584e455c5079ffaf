// Cases read page by page for an export, and the submitters of those a reader may see (see
// `crate::export`).

use super::cases::{parse_channel, parse_kind, parse_number};
use super::{Db, DbPool, ThisStore};
use crate::export::{ExportCase, ExportFilter, ExportStore, ExportSubmitter};
use crate::rows::{parse_date, parse_status, parse_timestamp};
use crate::{Result, StoreError};
use async_trait::async_trait;
use priemna_domain::{CaseId, DepartmentId, UserId};
use sqlx::{QueryBuilder, Row};
use std::collections::HashMap;

/// The most cases one call returns, whatever the caller asks.
const MAX_PAGE: u32 = 5000;

async fn conflicts_of(read: &DbPool, ids: &[i64]) -> Result<HashMap<i64, Vec<UserId>>> {
    let mut conflicts: HashMap<i64, Vec<UserId>> = HashMap::new();
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
            .push(UserId(row.try_get("user_id")?));
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
            q.push(" AND s.department_id = ").push_bind(department.0);
        }
        q.push(" ORDER BY s.id LIMIT ")
            .push_bind(i64::from(limit.clamp(1, MAX_PAGE)));
        let rows = q.build_query_as::<ExportRow>().fetch_all(&self.read).await?;
        let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
        let mut conflicts = conflicts_of(&self.read, &ids).await?;
        rows.into_iter()
            .map(|row| {
                let mut conflicted = conflicts.remove(&row.id).unwrap_or_default();
                // The employee a complaint is about is in conflict with it by definition.
                if let Some(subject) = row.subject_employee_id.map(UserId)
                    && !conflicted.contains(&subject)
                {
                    conflicted.push(subject);
                }
                let mut case = ExportCase::try_from(row)?;
                case.conflicted_user_ids = conflicted;
                Ok(case)
            })
            .collect()
    }

    async fn export_submitters(&self, case_ids: &[CaseId]) -> Result<HashMap<CaseId, ExportSubmitter>> {
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
            list.push_bind(id.0);
        }
        q.push(")");
        for row in q.build_query_as::<SubmitterRow>().fetch_all(&self.read).await? {
            found.insert(
                CaseId(row.submission_id),
                ExportSubmitter {
                    name: row.name,
                    address: row.address,
                    phone: row.phone,
                    email: row.email,
                },
            );
        }
        Ok(found)
    }
}

/// A case as the export reads it.
#[derive(sqlx::FromRow)]
struct ExportRow {
    id: i64,
    number: String,
    kind: String,
    channel: String,
    status: String,
    subject: String,
    address: Option<String>,
    received_date: Option<String>,
    answer_due: Option<String>,
    deadline_extended: bool,
    answered_at: Option<String>,
    department_id: Option<i64>,
    department_name: Option<String>,
    assignee_id: Option<i64>,
    service_code: Option<String>,
    not_considered_rule: Option<String>,
    forwarded_to: Option<String>,
    duplicate_of: Option<i64>,
    urgency: String,
    anonymous: bool,
    sealed: bool,
    about_employee: bool,
    subject_employee_id: Option<i64>,
    rating: Option<i64>,
}

/// The case without its conflicts (read from another table).
impl TryFrom<ExportRow> for ExportCase {
    type Error = StoreError;

    fn try_from(row: ExportRow) -> Result<ExportCase> {
        Ok(ExportCase {
            id: CaseId(row.id),
            number: parse_number(&row.number)?,
            kind: parse_kind(&row.kind)?,
            channel: parse_channel(&row.channel)?,
            status: parse_status(&row.status)?,
            subject: row.subject,
            place: row.address,
            received_date: parse_date(row.received_date)?
                .ok_or_else(|| StoreError::Corrupt("missing received_date".into()))?,
            answer_due: parse_date(row.answer_due)?,
            deadline_extended: row.deadline_extended,
            answered_at: row.answered_at.as_deref().map(parse_timestamp).transpose()?,
            department_id: row.department_id.map(DepartmentId),
            department_name: row.department_name,
            assignee_id: row.assignee_id.map(UserId),
            service_code: row.service_code,
            not_considered_rule: row.not_considered_rule,
            forwarded_to: row.forwarded_to,
            duplicate_of: row.duplicate_of.map(CaseId),
            urgency: crate::rows::parse_urgency(&row.urgency)?,
            anonymous: row.anonymous,
            sealed: row.sealed,
            about_employee: row.about_employee,
            conflicted_user_ids: Vec::new(),
            rating: row.rating.and_then(|r| u8::try_from(r).ok()),
        })
    }
}

/// A submitter's contacts as the export reads them.
#[derive(sqlx::FromRow)]
struct SubmitterRow {
    submission_id: i64,
    name: String,
    address: Option<String>,
    phone: Option<String>,
    email: Option<String>,
}
