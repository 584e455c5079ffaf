// Intake: one writer task per process gathers the submissions waiting at that moment into a
// single transaction (group commit): one sync acknowledges many citizens, and numbers are handed
// out in commit order, so they stay gap-free. A batch is first written at once; if anything in it
// fails, it is written again with a savepoint per submission, so a bad one cannot take its
// neighbours down with it.

use super::journal;
use super::{Db, DbPool};
use crate::model::{CitizenView, NewSubmission, Registered, StoredDecision};
use crate::rows::{parse_date, parse_status, parse_timestamp};
use crate::tracking::{TrackingCode, hash_tracking_code};
use crate::{Result, StoreError};
use priemna_domain::clock::local_date;
use priemna_domain::submission::Submitter;
use priemna_domain::{CaseId, Kind, RegistrationNumber, Status};
use sqlx::Transaction;
use tokio::sync::{mpsc, oneshot};

pub const MAX_BATCH: usize = 256;

pub struct IntakeJob {
    pub submission: NewSubmission,
    pub reply: oneshot::Sender<Result<Registered>>,
}

pub async fn intake_loop(write: DbPool, mut jobs: mpsc::Receiver<IntakeJob>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = jobs.recv().await {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        commit_batch(&write, &mut batch).await;
    }
}

async fn commit_batch(write: &DbPool, batch: &mut Vec<IntakeJob>) {
    // Usually nothing in a batch fails: write it without per-submission savepoints and with the
    // year's counter read and written once. Should anything fail, the whole transaction is
    // rolled back and the batch is written again one savepoint per submission, so that one bad
    // submission cannot take its neighbours down (and numbers stay gap-free either way).
    match write_batch_at_once(write, batch).await {
        Ok(registered) => {
            for (job, outcome) in batch.drain(..).zip(registered) {
                // A citizen who gave up waiting still has a registered submission.
                let _ = job.reply.send(Ok(outcome));
            }
            return;
        }
        Err(e) => tracing::warn!(error = %e, "batch failed as a whole; retrying one by one"),
    }
    let mut tx = match super::begin_write(write).await {
        Ok(tx) => tx,
        Err(e) => {
            let message = e.to_string();
            tracing::error!(error = %message, "cannot start an intake transaction");
            for job in batch.drain(..) {
                let _ = job
                    .reply
                    .send(Err(StoreError::Unavailable(message.clone())));
            }
            return;
        }
    };
    let mut outcomes = Vec::with_capacity(batch.len());
    let mut chain_head: Option<String> = None;
    for job in batch.drain(..) {
        let outcome = register_one(&mut tx, &job.submission, &mut chain_head).await;
        outcomes.push((job.reply, outcome));
    }
    match tx.commit().await {
        Ok(()) => {
            for (reply, outcome) in outcomes {
                let _ = reply.send(outcome);
            }
        }
        Err(e) => {
            let message = e.to_string();
            tracing::error!(error = %message, "intake commit failed; nothing was acknowledged");
            for (reply, _) in outcomes {
                let _ = reply.send(Err(StoreError::Unavailable(message.clone())));
            }
        }
    }
}

/// Writes the whole batch in one transaction with no savepoints, numbering from the counters
/// read once per year; commits only if every submission was written.
async fn write_batch_at_once(write: &DbPool, batch: &[IntakeJob]) -> Result<Vec<Registered>> {
    let mut tx = super::begin_write(write).await?;
    match write_numbered(&mut tx, batch).await {
        Ok(registered) => {
            tx.commit().await?;
            Ok(registered)
        }
        Err(e) => {
            // Rolled back now, so the one-by-one retry finds the connection free.
            let _ = tx.rollback().await;
            Err(e)
        }
    }
}

async fn write_numbered(
    tx: &mut Transaction<'static, Db>,
    batch: &[IntakeJob],
) -> Result<Vec<Registered>> {
    let mut last_seq: std::collections::BTreeMap<i16, i64> = std::collections::BTreeMap::new();
    let mut chain_head: Option<String> = None;
    let mut registered = Vec::with_capacity(batch.len());
    for job in batch {
        let year = local_date(job.submission.received_at).year();
        let seq = match last_seq.get(&year) {
            Some(seq) => seq + 1,
            None => {
                let current: Option<i64> = sqlx::query_scalar(
                    "SELECT last_seq FROM registration_counters WHERE year = $1",
                )
                .bind(i64::from(year))
                .fetch_optional(&mut **tx)
                .await?;
                current.unwrap_or(0) + 1
            }
        };
        last_seq.insert(year, seq);
        let (outcome, head) =
            insert_numbered(tx, &job.submission, seq, chain_head.as_deref()).await?;
        chain_head = Some(head);
        registered.push(outcome);
    }
    for (year, seq) in last_seq {
        sqlx::query(
            "INSERT INTO registration_counters (year, last_seq) VALUES ($1, $2)
             ON CONFLICT (year) DO UPDATE SET last_seq = excluded.last_seq",
        )
        .bind(i64::from(year))
        .bind(seq)
        .execute(&mut **tx)
        .await?;
    }
    Ok(registered)
}

/// Registers one submission inside its own savepoint of the batch transaction.
async fn register_one(
    tx: &mut Transaction<'static, Db>,
    submission: &NewSubmission,
    chain_head: &mut Option<String>,
) -> Result<Registered> {
    let mut savepoint = sqlx::Connection::begin(&mut **tx).await?;
    match insert_submission(&mut savepoint, submission, chain_head.as_deref()).await {
        Ok((registered, new_head)) => {
            savepoint.commit().await?;
            *chain_head = Some(new_head);
            Ok(registered)
        }
        Err(e) => {
            tracing::error!(error = %e, "a submission could not be registered");
            savepoint.rollback().await?;
            Err(e)
        }
    }
}

async fn insert_submission(
    tx: &mut Transaction<'_, Db>,
    submission: &NewSubmission,
    chain_head: Option<&str>,
) -> Result<(Registered, String)> {
    let year = local_date(submission.received_at).year();
    let seq: i64 = sqlx::query_scalar(
        "INSERT INTO registration_counters (year, last_seq) VALUES ($1, 1)
         ON CONFLICT (year) DO UPDATE SET last_seq = registration_counters.last_seq + 1
         RETURNING last_seq",
    )
    .bind(i64::from(year))
    .fetch_one(&mut **tx)
    .await?;
    insert_numbered(tx, submission, seq, chain_head).await
}

/// Writes a submission under the number `seq` of its year of receipt (the caller keeps the
/// year's counter).
async fn insert_numbered(
    tx: &mut Transaction<'_, Db>,
    submission: &NewSubmission,
    seq: i64,
    chain_head: Option<&str>,
) -> Result<(Registered, String)> {
    let draft = &submission.draft;
    let assessment = &submission.assessment;
    let received_date = local_date(submission.received_at);
    let year = received_date.year();
    let number = u32::try_from(seq)
        .ok()
        .and_then(|seq| RegistrationNumber::new(year, seq))
        .ok_or(StoreError::SeriesExhausted(year))?;

    let tracking_code = TrackingCode::generate();
    // The portal form's one-time token, first: the same form sent twice at once is refused
    // here, before it takes a number.
    if let Some(once) = &submission.extras.form {
        super::forms::claim(
            tx,
            once,
            "submission",
            &number.to_string(),
            tracking_code.as_str(),
            submission.received_at,
        )
        .await?;
    }
    let decisions: Vec<StoredDecision> = assessment
        .decisions
        .iter()
        .map(StoredDecision::from)
        .collect();
    let decisions_json =
        serde_json::to_string(&decisions).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let sealed = draft.kind == Kind::CorruptionSignal;
    let received_at = submission.received_at.to_string();
    let status = Status::Registered;
    let extras = &submission.extras;
    let attributes_json = if extras.attributes.is_empty() {
        None
    } else {
        Some(
            serde_json::to_string(&extras.attributes)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        )
    };

    let id: i64 = sqlx::query_scalar(
        "INSERT INTO submissions (
            number, year, seq, kind, channel, subject, body, address, anonymous,
            health_or_safety_threat, about_bad_administration, in_writing, violation_date,
            received_at, received_date, status, considered, deadline_rule, answer_due,
            acknowledge_due, decisions, tracking_code_hash, sealed, entered_by, about_employee,
            urgency, latitude, longitude, service_code, media_url, service_attributes,
            open311_token)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
                 $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32)
         RETURNING id",
    )
    .bind(number.to_string())
    .bind(i64::from(year))
    .bind(seq)
    .bind(draft.kind.as_str())
    .bind(draft.channel.as_str())
    .bind(&draft.subject)
    .bind(&draft.body)
    .bind(&draft.address)
    .bind(draft.is_anonymous())
    .bind(draft.health_or_safety_threat)
    .bind(draft.about_bad_administration)
    .bind(draft.in_writing)
    .bind(draft.violation_date.map(|d| d.to_string()))
    .bind(&received_at)
    .bind(received_date.to_string())
    .bind(status.as_str())
    .bind(assessment.considered)
    .bind(assessment.deadline_rule.map(|r| r.as_str()))
    .bind(assessment.answer_due.map(|d| d.to_string()))
    .bind(assessment.acknowledge_due.map(|d| d.to_string()))
    .bind(decisions_json)
    .bind(hash_tracking_code(tracking_code.as_str()))
    .bind(sealed)
    .bind(&submission.entered_by)
    .bind(draft.about_employee)
    .bind(if assessment.answer_due.is_some() {
        "on_track"
    } else {
        "no_deadline"
    })
    .bind(extras.location.map(|p| p.lat))
    .bind(extras.location.map(|p| p.long))
    .bind(&extras.service_code)
    .bind(&extras.media_url)
    .bind(attributes_json)
    .bind(&extras.open311_token)
    .fetch_one(&mut **tx)
    .await?;

    if let Some(submitter) = &draft.submitter {
        insert_submitter(tx, id, submitter, sealed).await?;
    }

    sqlx::query(
        "INSERT INTO case_events (submission_id, at, status, note_bg, note_en)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(&received_at)
    .bind(status.as_str())
    .bind(format!("Регистрирано с номер {number}."))
    .bind(format!("Registered as {number}."))
    .execute(&mut **tx)
    .await?;

    // The journal says what happened, not who the citizen is: no personal data here.
    let details = serde_json::json!({
        "number": number.to_string(),
        "kind": draft.kind.as_str(),
        "channel": draft.channel.as_str(),
        "status": status.as_str(),
    })
    .to_string();
    let hash = journal::append(
        tx,
        &received_at,
        &submission.entered_by,
        "register",
        Some(CaseId(id)),
        &details,
        chain_head,
    )
    .await?;
    // A named submission passed validation only with the submitter's consent to the processing
    // of their personal data: the journal keeps that fact with the case, in the same transaction.
    let hash = if draft.submitter.is_some() {
        let consent = serde_json::json!({
            "number": number.to_string(),
            "consent": "processing_of_personal_data",
            "channel": draft.channel.as_str(),
        })
        .to_string();
        journal::append(
            tx,
            &received_at,
            &submission.entered_by,
            "record_consent",
            Some(CaseId(id)),
            &consent,
            Some(&hash),
        )
        .await?
    } else {
        hash
    };

    // The files sent with the form, and those kept for it while it came back with errors.
    let hash = if extras.form.is_some() || !extras.attachments.is_empty() {
        super::forms::attach_to_new_case(
            tx,
            id,
            number,
            extras.form.as_ref().map(|f| f.token_hash.as_str()),
            &extras.attachments,
            &received_at,
            &submission.entered_by,
            hash,
        )
        .await?
    } else {
        hash
    };

    // The receipt e-mail, in the same transaction: the number filled in now, the tracking code
    // kept beside the message until it is sent.
    if !submission.messages.is_empty() {
        super::outbox::enqueue(
            tx,
            Some(id),
            &submission.messages,
            &[],
            &received_at,
            Some(&number.to_string()),
            Some(tracking_code.as_str()),
        )
        .await?;
    }

    Ok((
        Registered {
            id: CaseId(id),
            number,
            tracking_code: tracking_code.as_str().to_owned(),
            received_at: submission.received_at,
            status,
        },
        hash,
    ))
}

async fn insert_submitter(
    tx: &mut Transaction<'_, Db>,
    submission_id: i64,
    submitter: &Submitter,
    sealed: bool,
) -> Result<()> {
    // Whistleblowers' identities go to their own table, read only by designated officers.
    let sql = if sealed {
        "INSERT INTO sealed_identities (submission_id, name, address, phone, email, egn)
         VALUES ($1, $2, $3, $4, $5, $6)"
    } else {
        "INSERT INTO submitters (submission_id, name, address, phone, email, egn)
         VALUES ($1, $2, $3, $4, $5, $6)"
    };
    sqlx::query(sql)
        .bind(submission_id)
        .bind(&submitter.name)
        .bind(&submitter.address)
        .bind(submitter.phone.as_ref().map(|p| p.as_str()))
        .bind(submitter.email.as_ref().map(|e| e.as_str()))
        .bind(submitter.egn.as_ref().map(|e| e.as_str()))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A submission as its citizen may see it, with what proves the reader is that citizen.
#[derive(sqlx::FromRow)]
pub(super) struct CitizenRow {
    pub(super) id: i64,
    pub(super) tracking_code_hash: String,
    number: String,
    kind: String,
    channel: String,
    subject: String,
    body: String,
    address: Option<String>,
    anonymous: bool,
    received_at: String,
    status: String,
    considered: bool,
    deadline_rule: Option<String>,
    answer_due: Option<String>,
    acknowledge_due: Option<String>,
    decisions: String,
    answer_text: Option<String>,
    answered_at: Option<String>,
}

/// The columns of a [`CitizenRow`].
pub(super) const CITIZEN_COLUMNS: &str = "id, tracking_code_hash, number, kind, channel, subject, \
     body, address, anonymous, received_at, status, considered, deadline_rule, answer_due, \
     acknowledge_due, decisions, answer_text, answered_at";

/// The view without its history (read from `case_events`).
impl TryFrom<CitizenRow> for CitizenView {
    type Error = StoreError;

    fn try_from(row: CitizenRow) -> Result<CitizenView> {
        Ok(CitizenView {
            number: super::cases::parse_number(&row.number)?,
            kind: super::cases::parse_kind(&row.kind)?,
            channel: super::cases::parse_channel(&row.channel)?,
            subject: row.subject,
            body: row.body,
            address: row.address,
            anonymous: row.anonymous,
            received_at: parse_timestamp(&row.received_at)?,
            status: parse_status(&row.status)?,
            considered: row.considered,
            deadline_rule: row.deadline_rule,
            answer_due: parse_date(row.answer_due)?,
            acknowledge_due: parse_date(row.acknowledge_due)?,
            decisions: serde_json::from_str(&row.decisions)
                .map_err(|e| StoreError::Corrupt(format!("decisions: {e}")))?,
            history: Vec::new(),
            answer_text: row.answer_text,
            answered_at: row.answered_at.as_deref().map(parse_timestamp).transpose()?,
        })
    }
}
