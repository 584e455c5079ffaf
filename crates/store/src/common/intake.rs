// Intake: one writer task per process gathers the submissions waiting at that moment into a
// single transaction (group commit): one sync acknowledges many citizens, and numbers are handed
// out in commit order, so they stay gap-free. A batch is first written at once — with one
// multi-row statement per table when no submission in it carries a portal form's token or files —
// and if anything in it fails, it is written again with a savepoint per submission, so a bad one
// cannot take its neighbours down with it. What does not depend on a submission's place in the
// register (its tracking code and hash, its rows' JSON) is worked out before it reaches the
// writer, by the request's own task (`Prepared`).

use super::journal;
use super::{Db, DbPool};
use crate::model::{CitizenView, NewSubmission, Registered};
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
    pub prepared: Prepared,
    pub reply: oneshot::Sender<Result<Registered>>,
}

/// What a submission's rows need that does not depend on its place in the register, worked out
/// by the request's own task before the submission reaches the one writer: the writer's serial
/// section is left with numbering, the journal's chain and the statements.
pub struct Prepared {
    tracking_code: TrackingCode,
    code_hash: String,
    decisions_json: String,
    attributes_json: Option<String>,
    received_at: String,
    received_date: jiff::civil::Date,
}

impl Prepared {
    pub fn of(submission: &NewSubmission) -> Result<Self> {
        let tracking_code = TrackingCode::generate();
        let code_hash = hash_tracking_code(tracking_code.as_str());
        let decisions_json = crate::decisions::encode(&submission.assessment.decisions)?;
        let attributes = &submission.extras.attributes;
        let attributes_json = if attributes.is_empty() {
            None
        } else {
            Some(serde_json::to_string(attributes).map_err(|e| StoreError::Corrupt(e.to_string()))?)
        };
        Ok(Self {
            tracking_code,
            code_hash,
            decisions_json,
            attributes_json,
            received_at: submission.received_at.to_string(),
            received_date: local_date(submission.received_at),
        })
    }
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
        let outcome = register_one(&mut tx, &job, &mut chain_head).await;
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
    let written = if batch.iter().all(is_plain) {
        write_bulk(&mut tx, batch).await
    } else {
        write_numbered(&mut tx, batch).await
    };
    match written {
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
        let (outcome, head) = insert_numbered(tx, job, seq, chain_head.as_deref()).await?;
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

/// A submission with nothing of its own to claim or move (a portal form's token, its files):
/// a batch of these is written with one statement per table.
fn is_plain(job: &IntakeJob) -> bool {
    job.submission.extras.form.is_none()
        && job.submission.extras.attachments.is_empty()
        && job.submission.extras.internal_note.is_none()
}

fn number_of(year: i16, seq: i64) -> Result<RegistrationNumber> {
    u32::try_from(seq)
        .ok()
        .and_then(|seq| RegistrationNumber::new(year, seq))
        .ok_or(StoreError::SeriesExhausted(year))
}

fn urgency_at_registration(submission: &NewSubmission) -> &'static str {
    if submission.assessment.answer_due.is_some() {
        "on_track"
    } else {
        "no_deadline"
    }
}

fn registered_note_bg(number: RegistrationNumber) -> String {
    format!("Регистрирано с номер {number}.")
}

fn registered_note_en(number: RegistrationNumber) -> String {
    format!("Registered as {number}.")
}

/// The journal says what happened, not who the citizen is: no personal data here.
fn register_details(submission: &NewSubmission, number: RegistrationNumber) -> String {
    serde_json::json!({
        "number": number.to_string(),
        "kind": submission.draft.kind.as_str(),
        "channel": submission.draft.channel.as_str(),
        "status": Status::Registered.as_str(),
    })
    .to_string()
}

/// A named submission passed validation only with the submitter's consent to the processing of
/// their personal data: the journal keeps that fact with the case, in the same transaction.
fn consent_details(submission: &NewSubmission, number: RegistrationNumber) -> String {
    serde_json::json!({
        "number": number.to_string(),
        "consent": "processing_of_personal_data",
        "channel": submission.draft.channel.as_str(),
    })
    .to_string()
}

/// Rows per multi-row statement: far below the bound-parameter limits of both databases
/// (SQLite 32,766, PostgreSQL 65,535) at 34 columns.
const ROWS_PER_STATEMENT: usize = 256;

/// Writes a batch of plain submissions with one multi-row statement per table (per
/// `ROWS_PER_STATEMENT` rows): the batch costs a few round trips, not several per submission.
/// The serial work is what must be serial: the numbers, the ids, the journal's chain.
async fn write_bulk(
    tx: &mut Transaction<'static, Db>,
    batch: &[IntakeJob],
) -> Result<Vec<Registered>> {
    use sqlx::QueryBuilder;
    // Numbers, in the batch's order, from each year's counter read once.
    let mut last_seq: std::collections::BTreeMap<i16, i64> = std::collections::BTreeMap::new();
    let mut numbered = Vec::with_capacity(batch.len());
    for job in batch {
        let year = job.prepared.received_date.year();
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
        numbered.push((seq, number_of(year, seq)?));
    }
    let ids = super::reserve_submission_ids(tx, batch.len()).await?;
    let rows: Vec<(&IntakeJob, i64, i64, RegistrationNumber)> = batch
        .iter()
        .zip(&ids)
        .zip(&numbered)
        .map(|((job, id), (seq, number))| (job, *id, *seq, *number))
        .collect();
    let status = Status::Registered.as_str();

    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let mut q = QueryBuilder::<Db>::new(
            "INSERT INTO submissions (
                id, number, year, seq, kind, channel, subject, body, address, anonymous,
                health_or_safety_threat, about_bad_administration, in_writing, violation_date,
                received_at, received_date, status, considered, deadline_rule, answer_due,
                acknowledge_due, decisions, tracking_code_hash, sealed, entered_by,
                about_employee, urgency, latitude, longitude, service_code, media_url,
                service_attributes, open311_token) ",
        );
        q.push_values(chunk, |mut b, (job, id, seq, number)| {
            let (s, p) = (&job.submission, &job.prepared);
            let (d, a, x) = (&s.draft, &s.assessment, &s.extras);
            b.push_bind(*id)
                .push_bind(number.to_string())
                .push_bind(i64::from(number.year()))
                .push_bind(*seq)
                .push_bind(d.kind.as_str())
                .push_bind(d.channel.as_str())
                .push_bind(d.subject.as_str())
                .push_bind(d.body.as_str())
                .push_bind(d.address.as_deref())
                .push_bind(d.is_anonymous())
                .push_bind(d.health_or_safety_threat)
                .push_bind(d.about_bad_administration)
                .push_bind(d.in_writing)
                .push_bind(d.violation_date.map(|d| d.to_string()))
                .push_bind(p.received_at.as_str())
                .push_bind(p.received_date.to_string())
                .push_bind(status)
                .push_bind(a.considered)
                .push_bind(a.deadline_rule.map(|r| r.as_str()))
                .push_bind(a.answer_due.map(|d| d.to_string()))
                .push_bind(a.acknowledge_due.map(|d| d.to_string()))
                .push_bind(p.decisions_json.as_str())
                .push_bind(p.code_hash.as_str())
                .push_bind(d.kind == Kind::CorruptionSignal)
                .push_bind(s.entered_by.as_str())
                .push_bind(d.about_employee)
                .push_bind(urgency_at_registration(s))
                .push_bind(x.location.map(|p| p.lat))
                .push_bind(x.location.map(|p| p.long))
                .push_bind(x.service_code.as_deref())
                .push_bind(x.media_url.as_deref())
                .push_bind(p.attributes_json.as_deref())
                .push_bind(x.open311_token.as_deref());
        });
        q.build().execute(&mut **tx).await?;
    }

    // Submitters: whistleblowers' identities to their own table, read only by designated
    // officers.
    for sealed in [false, true] {
        let people: Vec<(i64, &Submitter)> = rows
            .iter()
            .filter(|(job, ..)| (job.submission.draft.kind == Kind::CorruptionSignal) == sealed)
            .filter_map(|(job, id, ..)| Some((*id, job.submission.draft.submitter.as_ref()?)))
            .collect();
        for chunk in people.chunks(ROWS_PER_STATEMENT) {
            let mut q = QueryBuilder::<Db>::new(if sealed {
                "INSERT INTO sealed_identities (submission_id, name, address, phone, email, egn) "
            } else {
                "INSERT INTO submitters (submission_id, name, address, phone, email, egn) "
            });
            q.push_values(chunk, |mut b, (id, who)| {
                b.push_bind(*id)
                    .push_bind(who.name.as_str())
                    .push_bind(who.address.as_deref())
                    .push_bind(who.phone.as_ref().map(|p| p.as_str()))
                    .push_bind(who.email.as_ref().map(|e| e.as_str()))
                    .push_bind(who.egn.as_ref().map(|e| e.as_str()));
            });
            q.build().execute(&mut **tx).await?;
        }
    }

    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let mut q = QueryBuilder::<Db>::new(
            "INSERT INTO case_events (submission_id, at, status, note_bg, note_en) ",
        );
        q.push_values(chunk, |mut b, (job, id, _, number)| {
            b.push_bind(*id)
                .push_bind(job.prepared.received_at.as_str())
                .push_bind(status)
                .push_bind(registered_note_bg(*number))
                .push_bind(registered_note_en(*number));
        });
        q.build().execute(&mut **tx).await?;
    }

    // The journal's chain, in the batch's order, from the head read once.
    let mut head: String = sqlx::query_scalar("SELECT hash FROM journal ORDER BY id DESC LIMIT 1")
        .fetch_optional(&mut **tx)
        .await?
        .unwrap_or_else(|| crate::journal::GENESIS.to_owned());
    struct Entry<'a> {
        at: &'a str,
        actor: &'a str,
        action: &'static str,
        id: i64,
        details: String,
        prev: String,
        hash: String,
    }
    let mut entries: Vec<Entry<'_>> = Vec::with_capacity(rows.len() * 2);
    for (job, id, _, number) in &rows {
        let s = &job.submission;
        let mut actions = vec![("register", register_details(s, *number))];
        if s.draft.submitter.is_some() {
            actions.push(("record_consent", consent_details(s, *number)));
        }
        for (action, details) in actions {
            let at = job.prepared.received_at.as_str();
            let hash = crate::journal::entry_hash(
                &head,
                at,
                &s.entered_by,
                action,
                Some(*id),
                &details,
            );
            entries.push(Entry {
                at,
                actor: &s.entered_by,
                action,
                id: *id,
                details,
                prev: std::mem::replace(&mut head, hash.clone()),
                hash,
            });
        }
    }
    for chunk in entries.chunks(ROWS_PER_STATEMENT) {
        let mut q = QueryBuilder::<Db>::new(
            "INSERT INTO journal (at, actor, action, submission_id, details, prev_hash, hash) ",
        );
        q.push_values(chunk, |mut b, e| {
            b.push_bind(e.at)
                .push_bind(e.actor)
                .push_bind(e.action)
                .push_bind(e.id)
                .push_bind(e.details.as_str())
                .push_bind(e.prev.as_str())
                .push_bind(e.hash.as_str());
        });
        q.build().execute(&mut **tx).await?;
    }

    // The receipt e-mails: the number filled in now, the tracking code kept beside the message
    // until it is sent (as `outbox::enqueue` does one change at a time).
    let mut mail = Vec::new();
    for (job, id, _, number) in &rows {
        let s = &job.submission;
        for m in &s.messages {
            let (email, name) = match &m.recipient {
                crate::model::Recipient::Address { email, name } => (email.clone(), name.clone()),
                crate::model::Recipient::Submitter => {
                    let email = s
                        .draft
                        .submitter
                        .as_ref()
                        .and_then(|who| who.email.as_ref())
                        .map(|e| e.as_str().to_owned())
                        .filter(|e| !e.trim().is_empty());
                    match email {
                        Some(email) => (email, None),
                        None => continue,
                    }
                }
            };
            if m.attach_document.is_some() {
                return Err(StoreError::Corrupt(
                    "a receipt attaches a document the submission does not have".into(),
                ));
            }
            mail.push(super::outbox::QueuedRow::filled(
                m,
                Some(*id),
                email,
                name,
                &job.prepared.received_at,
                Some(&number.to_string()),
                Some(job.prepared.tracking_code.as_str()),
            ));
        }
    }
    for chunk in mail.chunks(ROWS_PER_STATEMENT) {
        super::outbox::insert_rows(tx, chunk).await?;
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
    Ok(rows
        .iter()
        .map(|(job, id, _, number)| Registered {
            id: priemna_domain::CaseId(*id),
            number: *number,
            tracking_code: job.prepared.tracking_code.as_str().to_owned(),
            received_at: job.submission.received_at,
            status: Status::Registered,
        })
        .collect())
}

/// Registers one submission inside its own savepoint of the batch transaction.
async fn register_one(
    tx: &mut Transaction<'static, Db>,
    job: &IntakeJob,
    chain_head: &mut Option<String>,
) -> Result<Registered> {
    let mut savepoint = sqlx::Connection::begin(&mut **tx).await?;
    match insert_submission(&mut savepoint, job, chain_head.as_deref()).await {
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
    job: &IntakeJob,
    chain_head: Option<&str>,
) -> Result<(Registered, String)> {
    let year = job.prepared.received_date.year();
    let seq: i64 = sqlx::query_scalar(
        "INSERT INTO registration_counters (year, last_seq) VALUES ($1, 1)
         ON CONFLICT (year) DO UPDATE SET last_seq = registration_counters.last_seq + 1
         RETURNING last_seq",
    )
    .bind(i64::from(year))
    .fetch_one(&mut **tx)
    .await?;
    insert_numbered(tx, job, seq, chain_head).await
}

/// Writes a submission under the number `seq` of its year of receipt (the caller keeps the
/// year's counter).
async fn insert_numbered(
    tx: &mut Transaction<'_, Db>,
    job: &IntakeJob,
    seq: i64,
    chain_head: Option<&str>,
) -> Result<(Registered, String)> {
    let (submission, prepared) = (&job.submission, &job.prepared);
    let draft = &submission.draft;
    let assessment = &submission.assessment;
    let received_date = prepared.received_date;
    let year = received_date.year();
    let number = number_of(year, seq)?;
    let tracking_code = &prepared.tracking_code;
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
    let sealed = draft.kind == Kind::CorruptionSignal;
    let received_at = &prepared.received_at;
    let status = Status::Registered;
    let extras = &submission.extras;

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
    .bind(received_at)
    .bind(received_date.to_string())
    .bind(status.as_str())
    .bind(assessment.considered)
    .bind(assessment.deadline_rule.map(|r| r.as_str()))
    .bind(assessment.answer_due.map(|d| d.to_string()))
    .bind(assessment.acknowledge_due.map(|d| d.to_string()))
    .bind(&prepared.decisions_json)
    .bind(&prepared.code_hash)
    .bind(sealed)
    .bind(&submission.entered_by)
    .bind(draft.about_employee)
    .bind(urgency_at_registration(submission))
    .bind(extras.location.map(|p| p.lat))
    .bind(extras.location.map(|p| p.long))
    .bind(&extras.service_code)
    .bind(&extras.media_url)
    .bind(&prepared.attributes_json)
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
    .bind(received_at)
    .bind(status.as_str())
    .bind(registered_note_bg(number))
    .bind(registered_note_en(number))
    .execute(&mut **tx)
    .await?;

    let details = register_details(submission, number);
    let hash = journal::append(
        tx,
        received_at,
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
        let consent = consent_details(submission, number);
        journal::append(
            tx,
            received_at,
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
            received_at,
            &submission.entered_by,
            hash,
        )
        .await?
    } else {
        hash
    };

    // A note for staff (the mailbox's link to the case a reply answered), never for the citizen.
    if let Some(note) = &extras.internal_note {
        sqlx::query(
            "INSERT INTO case_messages (submission_id, direction, channel, text, created_at)
             VALUES ($1, 'internal', 'email', $2, $3)",
        )
        .bind(id)
        .bind(note)
        .bind(received_at)
        .execute(&mut **tx)
        .await?;
    }

    // The receipt e-mail, in the same transaction: the number filled in now, the tracking code
    // kept beside the message until it is sent.
    if !submission.messages.is_empty() {
        super::outbox::enqueue(
            tx,
            Some(id),
            &submission.messages,
            &[],
            received_at,
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
    pub(super) number: String,
    pub(super) kind: String,
    pub(super) channel: String,
    pub(super) subject: String,
    pub(super) body: String,
    pub(super) address: Option<String>,
    pub(super) anonymous: bool,
    pub(super) received_at: String,
    pub(super) status: String,
    pub(super) considered: bool,
    pub(super) deadline_rule: Option<String>,
    pub(super) answer_due: Option<String>,
    pub(super) acknowledge_due: Option<String>,
    pub(super) decisions: String,
    pub(super) answer_text: Option<String>,
    pub(super) answered_at: Option<String>,
}

/// The columns of a [`CitizenRow`].
pub(super) const CITIZEN_COLUMNS: &str = "id, tracking_code_hash, number, kind, channel, subject, \
     body, address, anonymous, received_at, status, considered, deadline_rule, answer_due, \
     acknowledge_due, decisions, answer_text, answered_at";

/// The case behind `number` when `code_hash` is its tracking code's hash, as its citizen may
/// see it: the row and its history, oldest first. A wrong code reads no further.
pub(super) async fn citizen_case(
    read: &DbPool,
    number: &str,
    code_hash: &str,
) -> Result<Option<(CitizenRow, Vec<super::cases::EventRow>)>> {
    let Some(row) = sqlx::query_as::<_, CitizenRow>(&format!(
        "SELECT {CITIZEN_COLUMNS} FROM submissions WHERE number = $1"
    ))
    .bind(number)
    .fetch_optional(read)
    .await?
    .filter(|row| row.tracking_code_hash == code_hash) else {
        return Ok(None);
    };
    let events = sqlx::query_as::<_, super::cases::EventRow>(super::cases::HISTORY_SQL)
        .bind(row.id)
        .fetch_all(read)
        .await?;
    Ok(Some((row, events)))
}

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
            decisions: crate::decisions::decode(&row.decisions)?,
            history: Vec::new(),
            answer_text: row.answer_text,
            answered_at: row.answered_at.as_deref().map(parse_timestamp).transpose()?,
        })
    }
}
