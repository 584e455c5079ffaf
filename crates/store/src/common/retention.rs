// Erasing personal data after the retention period. The case's skeleton stays (kind, channel,
// dates, department, outcome), so the register keeps its unbroken numbering and the statistics
// their counts; the submitter, the text and the answer go.

use super::journal::{append, details_json};
use super::{DbPool, begin_write};
use crate::Result;
use jiff::Timestamp;
use jiff::civil::Date;
use priemna_domain::{CaseId, Kind};
use serde_json::json;
use sqlx::Row;

pub const RETENTION_JOB: &str = crate::model::Job::Retention.as_str();
const ERASED: &str = "[заличено след срока за съхранение / erased after the retention period]";

/// Erases the personal data of finished cases whose kind's cutoff has passed; runs once per
/// `run_key` across all servers. Returns how many cases were anonymised (`None`: already ran).
pub async fn anonymise(
    write: &DbPool,
    cutoffs: &[(Kind, Date)],
    run_key: &str,
    at: Timestamp,
) -> Result<Option<u64>> {
    let at_text = at.to_string();
    let mut tx = begin_write(write).await?;
    let claimed = sqlx::query(
        "INSERT INTO job_runs (job, run_key, started) VALUES ($1, $2, $3)
         ON CONFLICT (job, run_key) DO NOTHING",
    )
    .bind(RETENTION_JOB)
    .bind(run_key)
    .bind(&at_text)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if claimed == 0 {
        tx.commit().await?;
        return Ok(None);
    }
    let mut erased = 0u64;
    for (kind, cutoff) in cutoffs {
        let due = sqlx::query(
            "SELECT id, number FROM submissions
             WHERE kind = $1 AND anonymised_at IS NULL AND finished_at IS NOT NULL
               AND substr(finished_at, 1, 10) < $2
               AND status IN ('answered', 'closed', 'not_considered', 'forwarded', 'duplicate')",
        )
        .bind(kind.as_str())
        .bind(cutoff.to_string())
        .fetch_all(&mut *tx)
        .await?;
        for row in due {
            let id: i64 = row.try_get("id")?;
            let number: String = row.try_get("number")?;
            // Attachments (photos, letters) may show the person too.
            for table in ["submitters", "sealed_identities", "attachments"] {
                sqlx::query(&format!("DELETE FROM {table} WHERE submission_id = $1"))
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query(
                "UPDATE submissions SET subject = $1, body = $1, address = NULL,
                        latitude = NULL, longitude = NULL, media_url = NULL,
                        answer_text = CASE WHEN answer_text IS NULL THEN NULL ELSE $1 END,
                        triage_note = NULL, anonymised_at = $2
                 WHERE id = $3",
            )
            .bind(ERASED)
            .bind(&at_text)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            super::outbox::erase_for_case(&mut tx, id, ERASED).await?;
            // The conversation: what the citizen wrote and what was asked of them.
            sqlx::query(
                "UPDATE case_messages SET text = $1, full_text = NULL WHERE submission_id = $2",
            )
            .bind(ERASED)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            let details = details_json(&json!({
                "number": number, "kind": kind.as_str(), "cutoff": cutoff.to_string(),
            }))?;
            append(&mut tx, &at_text, "system:retention", "anonymise", Some(CaseId(id)), &details, None)
                .await?;
            erased += 1;
        }
    }
    sqlx::query("UPDATE job_runs SET finished = $1, details = $2 WHERE job = $3 AND run_key = $4")
        .bind(&at_text)
        .bind(details_json(&json!({ "anonymised": erased }))?)
        .bind(RETENTION_JOB)
        .bind(run_key)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Some(erased))
}
