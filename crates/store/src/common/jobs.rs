// The deadline job's reads and writes.

use super::DbPool;
use super::cases::parse_number;
use super::journal::{append, details_json};
use crate::Result;
use crate::model::{DeadlineCase, DeadlineRunReport, StaffReminder, UrgencyUpdate};
use crate::rows::{parse_date, parse_timestamp};
use jiff::Timestamp;
use serde_json::json;
use sqlx::Row;

pub const DEADLINE_JOB: &str = "deadlines";

pub async fn open_cases(read: &DbPool) -> Result<Vec<DeadlineCase>> {
    // The open statuses listed (not the finished ones excluded), so that an index answers.
    let sql = format!(
        "SELECT id, number, answer_due, urgency, department_id, assignee_id, escalated_at
         FROM submissions WHERE status IN {}",
        super::cases::OPEN_STATUSES_SQL
    );
    let rows = sqlx::query(&sql).fetch_all(read).await?;
    rows.iter()
        .map(|r| {
            let number: String = r.try_get("number")?;
            let escalated: Option<String> = r.try_get("escalated_at")?;
            Ok(DeadlineCase {
                id: r.try_get("id")?,
                number: parse_number(&number)?,
                answer_due: parse_date(r.try_get("answer_due")?)?,
                urgency: r.try_get("urgency")?,
                department_id: r.try_get("department_id")?,
                assignee_id: r.try_get("assignee_id")?,
                escalated: escalated.is_some(),
            })
        })
        .collect()
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
        match update.urgency.as_str() {
            "overdue" => report.overdue += 1,
            "due_soon" => report.due_soon += 1,
            _ => {}
        }
        sqlx::query("UPDATE submissions SET urgency = $1 WHERE id = $2")
            .bind(&update.urgency)
            .bind(update.case_id)
            .execute(&mut *tx)
            .await?;
        if update.escalate {
            sqlx::query("UPDATE submissions SET escalated_at = $1 WHERE id = $2")
                .bind(&at_text)
                .bind(update.case_id)
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
            .bind(update.case_id)
            .bind(user_id)
            .bind(kind)
            .bind(&due)
            .bind(&at_text)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        // E-mails about the reminders (deduplicated by key, like the reminders themselves).
        super::outbox::enqueue(
            &mut tx,
            Some(update.case_id),
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

pub async fn runs(read: &DbPool, job: &str) -> Result<Vec<String>> {
    Ok(
        sqlx::query_scalar("SELECT run_key FROM job_runs WHERE job = $1 ORDER BY id")
            .bind(job)
            .fetch_all(read)
            .await?,
    )
}

pub async fn reminders_for(read: &DbPool, user_id: i64) -> Result<Vec<StaffReminder>> {
    let rows = sqlx::query(
        "SELECT r.id, s.number, s.subject, r.kind, r.due, r.created_at
         FROM staff_reminders r JOIN submissions s ON s.id = r.submission_id
         WHERE r.user_id = $1 ORDER BY r.id DESC LIMIT 200",
    )
    .bind(user_id)
    .fetch_all(read)
    .await?;
    rows.iter()
        .map(|r| {
            let number: String = r.try_get("number")?;
            let created: String = r.try_get("created_at")?;
            Ok(StaffReminder {
                id: r.try_get("id")?,
                number: parse_number(&number)?,
                subject: r.try_get("subject")?,
                kind: r.try_get("kind")?,
                due: parse_date(r.try_get("due")?)?.unwrap_or_default(),
                created_at: parse_timestamp(&created)?,
            })
        })
        .collect()
}
