// The deadline job's reads and writes.

use super::cases::parse_number;
use super::{Db, DbPool};
use super::journal::{append, details_json};
use crate::{Result, StoreError};
use crate::model::{DeadlineCase, DeadlineRunReport, Job, StaffReminder, UrgencyUpdate};
use crate::rows::{parse_date, parse_reminder_kind, parse_timestamp, parse_urgency};
use priemna_domain::workflow::Urgency;
use jiff::Timestamp;
use priemna_domain::access::CaseFacts;
use priemna_domain::{CaseId, DepartmentId, UserId};
use serde_json::json;
use sqlx::{QueryBuilder, Row};
use std::collections::HashMap;

pub const DEADLINE_JOB: &str = Job::Deadlines.as_str();

pub async fn open_cases(read: &DbPool) -> Result<Vec<DeadlineCase>> {
    // The open statuses listed (not the finished ones excluded), so that an index answers.
    let sql = format!(
        "SELECT id, number, answer_due, urgency, department_id, assignee_id, escalated_at,
                sealed, about_employee, subject_employee_id
         FROM submissions WHERE status IN {}",
        super::cases::OPEN_STATUSES_SQL
    );
    let rows = sqlx::query_as::<_, DeadlineRow>(&sql).fetch_all(read).await?;
    // The conflicts of the open cases, read at once (the access rules need them per case).
    let conflicts_sql = format!(
        "SELECT c.submission_id, c.user_id FROM conflicts c
         JOIN submissions s ON s.id = c.submission_id WHERE s.status IN {}",
        super::cases::OPEN_STATUSES_SQL
    );
    let mut conflicts: HashMap<i64, Vec<UserId>> = HashMap::new();
    for row in sqlx::query(&conflicts_sql).fetch_all(read).await? {
        conflicts
            .entry(row.try_get("submission_id")?)
            .or_default()
            .push(UserId(row.try_get("user_id")?));
    }
    rows.into_iter()
        .map(|row| {
            let subject = row.subject_employee_id.map(UserId);
            let mut case = DeadlineCase::try_from(row)?;
            case.conflicted_user_ids =
                with_subject(conflicts.remove(&case.id.0).unwrap_or_default(), subject);
            Ok(case)
        })
        .collect()
}

/// An open case as the deadline job reads it.
#[derive(sqlx::FromRow)]
struct DeadlineRow {
    id: i64,
    number: String,
    answer_due: Option<String>,
    urgency: String,
    department_id: Option<i64>,
    assignee_id: Option<i64>,
    escalated_at: Option<String>,
    sealed: bool,
    about_employee: bool,
    subject_employee_id: Option<i64>,
}

/// The case without its conflicts (read from another table).
impl TryFrom<DeadlineRow> for DeadlineCase {
    type Error = StoreError;

    fn try_from(row: DeadlineRow) -> Result<DeadlineCase> {
        Ok(DeadlineCase {
            id: CaseId(row.id),
            number: parse_number(&row.number)?,
            answer_due: parse_date(row.answer_due)?,
            urgency: parse_urgency(&row.urgency)?,
            department_id: row.department_id.map(DepartmentId),
            assignee_id: row.assignee_id.map(UserId),
            escalated: row.escalated_at.is_some(),
            sealed: row.sealed,
            about_employee: row.about_employee,
            conflicted_user_ids: Vec::new(),
        })
    }
}

/// The employee a complaint is about is conflicted too, as in every other reading of a case.
fn with_subject(mut conflicted: Vec<UserId>, subject: Option<UserId>) -> Vec<UserId> {
    if let Some(subject) = subject
        && !conflicted.contains(&subject)
    {
        conflicted.push(subject);
    }
    conflicted
}

pub async fn record_run(
    write: &DbPool,
    run_key: &str,
    at: Timestamp,
    updates: Vec<UrgencyUpdate>,
) -> Result<DeadlineRunReport> {
    let at_text = at.to_string();
    let mut tx = super::begin_write(write).await?;
    let claimed = sqlx::query(
        "INSERT INTO job_runs (job, run_key, started) VALUES ($1, $2, $3)
         ON CONFLICT (job, run_key) DO NOTHING",
    )
    .bind(DEADLINE_JOB)
    .bind(run_key)
    .bind(&at_text)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if claimed == 0 {
        tx.commit().await?;
        return Ok(DeadlineRunReport::default());
    }
    let mut report = DeadlineRunReport {
        ran: true,
        ..DeadlineRunReport::default()
    };
    for update in &updates {
        match update.urgency {
            Urgency::Overdue => report.overdue += 1,
            Urgency::DueSoon => report.due_soon += 1,
            Urgency::OnTrack | Urgency::NoDeadline => {}
        }
        sqlx::query("UPDATE submissions SET urgency = $1 WHERE id = $2")
            .bind(update.urgency.as_str())
            .bind(update.case_id.0)
            .execute(&mut *tx)
            .await?;
        if update.escalate {
            sqlx::query("UPDATE submissions SET escalated_at = $1 WHERE id = $2")
                .bind(&at_text)
                .bind(update.case_id.0)
                .execute(&mut *tx)
                .await?;
            report.escalated += 1;
            let details = details_json(&json!({ "due": update.due.map(|d| d.to_string()) }))?;
            append(
                &mut tx,
                &at_text,
                "system:deadlines",
                "escalate",
                Some(update.case_id),
                &details,
                None,
            )
            .await?;
        }
        let due = update.due.map(|d| d.to_string()).unwrap_or_default();
        for (user_id, kind) in &update.reminders {
            report.reminders += sqlx::query(
                "INSERT INTO staff_reminders (submission_id, user_id, kind, due, created_at)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (submission_id, user_id, kind, due) DO NOTHING",
            )
            .bind(update.case_id.0)
            .bind(user_id.0)
            .bind(kind.as_str())
            .bind(&due)
            .bind(&at_text)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        // E-mails about the reminders (deduplicated by key, like the reminders themselves).
        super::outbox::enqueue(
            &mut tx,
            Some(update.case_id.0),
            &update.messages,
            &[],
            &at_text,
            None,
            None,
        )
        .await?;
    }
    let details = json!({
        "due_soon": report.due_soon, "overdue": report.overdue,
        "escalated": report.escalated, "reminders": report.reminders,
    });
    sqlx::query("UPDATE job_runs SET finished = $1, details = $2 WHERE job = $3 AND run_key = $4")
        .bind(&at_text)
        .bind(details_json(&details)?)
        .bind(DEADLINE_JOB)
        .bind(run_key)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(report)
}

pub async fn runs(read: &DbPool, job: Job) -> Result<Vec<String>> {
    Ok(
        sqlx::query_scalar("SELECT run_key FROM job_runs WHERE job = $1 ORDER BY id")
            .bind(job.as_str())
            .fetch_all(read)
            .await?,
    )
}

/// A member of staff's latest reminders, each with its case's current access facts: the caller
/// shows only those whose case the reader may still view.
pub async fn reminders_for(read: &DbPool, user_id: UserId) -> Result<Vec<StaffReminder>> {
    let rows = sqlx::query_as::<_, ReminderRow>(
        "SELECT r.id, r.submission_id, s.number, s.subject, r.kind, r.due, r.created_at,
                s.department_id, s.assignee_id, s.sealed, s.about_employee, s.subject_employee_id
         FROM staff_reminders r JOIN submissions s ON s.id = r.submission_id
         WHERE r.user_id = $1 ORDER BY r.id DESC LIMIT 200",
    )
    .bind(user_id.0)
    .fetch_all(read)
    .await?;
    let mut conflicts: HashMap<i64, Vec<UserId>> = HashMap::new();
    if !rows.is_empty() {
        let mut c: QueryBuilder<Db> = QueryBuilder::new(
            "SELECT submission_id, user_id FROM conflicts WHERE submission_id IN (",
        );
        let mut list = c.separated(", ");
        for row in &rows {
            list.push_bind(row.submission_id);
        }
        c.push(")");
        for row in c.build().fetch_all(read).await? {
            let case: i64 = row.try_get("submission_id")?;
            let user = UserId(row.try_get("user_id")?);
            let list = conflicts.entry(case).or_default();
            if !list.contains(&user) {
                list.push(user);
            }
        }
    }
    rows.into_iter()
        .map(|row| {
            let conflicted = with_subject(
                conflicts.get(&row.submission_id).cloned().unwrap_or_default(),
                row.subject_employee_id.map(UserId),
            );
            let mut reminder = StaffReminder::try_from(row)?;
            reminder.facts.conflicted_user_ids = conflicted;
            Ok(reminder)
        })
        .collect()
}

/// A `staff_reminders` row with its case's access facts.
#[derive(sqlx::FromRow)]
struct ReminderRow {
    id: i64,
    submission_id: i64,
    number: String,
    subject: String,
    kind: String,
    due: Option<String>,
    created_at: String,
    department_id: Option<i64>,
    assignee_id: Option<i64>,
    sealed: bool,
    about_employee: bool,
    subject_employee_id: Option<i64>,
}

/// The reminder without its case's conflicts (read from another table).
impl TryFrom<ReminderRow> for StaffReminder {
    type Error = StoreError;

    fn try_from(row: ReminderRow) -> Result<StaffReminder> {
        Ok(StaffReminder {
            id: row.id,
            number: parse_number(&row.number)?,
            subject: row.subject,
            kind: parse_reminder_kind(&row.kind)?,
            due: parse_date(row.due)?.unwrap_or_default(),
            created_at: parse_timestamp(&row.created_at)?,
            facts: CaseFacts {
                department_id: row.department_id.map(DepartmentId),
                assignee_id: row.assignee_id.map(UserId),
                corruption: row.sealed,
                about_employee: row.about_employee,
                conflicted_user_ids: Vec::new(),
            },
        })
    }
}
