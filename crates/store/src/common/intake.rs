// Intake: one writer task per process gathers the submissions waiting at that moment into a
// single transaction (group commit): one sync acknowledges many citizens, and numbers are handed
// out in commit order, so they stay gap-free. A batch is first written at once — with one
// multi-row statement per table when no submission in it carries a portal form's token or files —
// and if anything in it fails, it is written again with a savepoint per submission, so a bad one
// cannot take its neighbours down with it. What does not depend on a submission's place in the
// register (its tracking code and hash, its rows' JSON) is worked out before it reaches the
// writer, by the request's own task (`Prepared`).

use super::cells::{Cell, bind_cell};
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
        gather(first, &mut jobs, &mut batch);
        commit_batch(&write, &mut batch).await;
    }
}

/// A batch: `first` and whatever else is waiting at this moment, up to `MAX_BATCH`.
pub fn gather(first: IntakeJob, jobs: &mut mpsc::Receiver<IntakeJob>, batch: &mut Vec<IntakeJob>) {
    batch.push(first);
    while batch.len() < MAX_BATCH {
        match jobs.try_recv() {
            Ok(job) => batch.push(job),
            Err(_) => break,
        }
    }
}

pub async fn commit_batch(write: &DbPool, batch: &mut Vec<IntakeJob>) {
    // Usually nothing in a batch fails: write it without per-submission savepoints and with the
    // year's counter read and written once. Should anything fail, the whole transaction is
    // rolled back and the batch is written again one savepoint per submission, so that one bad
    // submission cannot take its neighbours down (and numbers stay gap-free either way).
    match write_batch_at_once(write, batch).await {
        Ok(registered) => {
            reply_all(batch, registered);
            return;
        }
        Err(e) => tracing::warn!(error = %e, "batch failed as a whole; retrying one by one"),
    }
    commit_one_by_one(write, batch).await;
}

/// Answers every job of a batch that was committed as a whole.
pub fn reply_all(batch: &mut Vec<IntakeJob>, registered: Vec<Registered>) {
    for (job, outcome) in batch.drain(..).zip(registered) {
        // A citizen who gave up waiting still has a registered submission.
        let _ = job.reply.send(Ok(outcome));
    }
}

/// Writes a batch one savepoint per submission, so that only a bad one is refused.
pub async fn commit_one_by_one(write: &DbPool, batch: &mut Vec<IntakeJob>) {
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
                let current: Option<i64> = sqlx::query_scalar(COUNTER_SQL)
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
        sqlx::query(COUNTER_UPSERT_SQL)
        .bind(i64::from(year))
        .bind(seq)
        .execute(&mut **tx)
        .await?;
    }
    Ok(registered)
}

/// A submission with nothing of its own to claim or move (a portal form's token, its files):
/// a batch of these is written with one statement per table.
pub fn is_plain(job: &IntakeJob) -> bool {
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

/// The rows of one table, as the plan of a batch writes them: `INSERT INTO table (columns)`,
/// then the rows, then `suffix` (a conflict clause or nothing).
pub struct Insert<'a> {
    pub into: &'static str,
    pub suffix: &'static str,
    pub rows: Vec<Vec<Cell<'a>>>,
}

/// What a batch of plain submissions writes, worked out from what the transaction read (each
/// year's counter, the ids, the journal's head) before any row is written: the numbers, the
/// journal's chain and every row, so that a driver only has to write them.
pub struct BulkPlan<'a> {
    pub inserts: Vec<Insert<'a>>,
    /// Each year's last number after the batch.
    pub counters: Vec<(i16, i64)>,
    pub registered: Vec<Registered>,
}

/// The years the batch's submissions are numbered in.
pub fn years_of(batch: &[IntakeJob]) -> std::collections::BTreeSet<i16> {
    batch
        .iter()
        .map(|job| job.prepared.received_date.year())
        .collect()
}

pub const COUNTER_SQL: &str = "SELECT last_seq FROM registration_counters WHERE year = $1";
pub const COUNTER_UPSERT_SQL: &str = "INSERT INTO registration_counters (year, last_seq) VALUES ($1, $2)
     ON CONFLICT (year) DO UPDATE SET last_seq = excluded.last_seq";
pub const JOURNAL_HEAD_SQL: &str = "SELECT hash FROM journal ORDER BY id DESC LIMIT 1";

/// Plans a batch of plain submissions: `last_seq` holds each of its years' counters as read
/// (0 where the year has none yet), `ids` one free id per submission in order, `head` the
/// journal's last hash (`None` for an empty journal).
pub fn plan_bulk<'a>(
    batch: &'a [IntakeJob],
    mut last_seq: std::collections::BTreeMap<i16, i64>,
    ids: &[i64],
    head: Option<String>,
) -> Result<BulkPlan<'a>> {
    if ids.len() != batch.len() {
        return Err(StoreError::Corrupt(format!(
            "{} ids for a batch of {}",
            ids.len(),
            batch.len()
        )));
    }
    let status = Status::Registered.as_str();
    let mut rows = Vec::with_capacity(batch.len());
    for (job, id) in batch.iter().zip(ids) {
        let year = job.prepared.received_date.year();
        let seq = last_seq.get(&year).copied().unwrap_or(0) + 1;
        last_seq.insert(year, seq);
        rows.push((job, *id, seq, number_of(year, seq)?));
    }

    let submissions = rows
        .iter()
        .map(|(job, id, seq, number)| {
            let (s, p) = (&job.submission, &job.prepared);
            let (d, a, x) = (&s.draft, &s.assessment, &s.extras);
            vec![
                Cell::from(*id),
                Cell::Owned(Some(number.to_string())),
                Cell::from(i64::from(number.year())),
                Cell::from(*seq),
                Cell::from(d.kind.as_str()),
                Cell::from(d.channel.as_str()),
                Cell::from(d.subject.as_str()),
                Cell::from(d.body.as_str()),
                Cell::from(d.address.as_deref()),
                Cell::from(d.is_anonymous()),
                Cell::from(d.health_or_safety_threat),
                Cell::from(d.about_bad_administration),
                Cell::from(d.in_writing),
                Cell::Owned(d.violation_date.map(|d| d.to_string())),
                Cell::from(p.received_at.as_str()),
                Cell::Owned(Some(p.received_date.to_string())),
                Cell::from(status),
                Cell::from(a.considered),
                Cell::from(a.deadline_rule.map(|r| r.as_str())),
                Cell::Owned(a.answer_due.map(|d| d.to_string())),
                Cell::Owned(a.acknowledge_due.map(|d| d.to_string())),
                Cell::from(p.decisions_json.as_str()),
                Cell::from(p.code_hash.as_str()),
                Cell::from(d.kind == Kind::CorruptionSignal),
                Cell::from(s.entered_by.as_str()),
                Cell::from(d.about_employee),
                Cell::from(urgency_at_registration(s)),
                Cell::Real(x.location.map(|p| p.lat)),
                Cell::Real(x.location.map(|p| p.long)),
                Cell::from(x.service_code.as_deref()),
                Cell::from(x.media_url.as_deref()),
                Cell::from(p.attributes_json.as_deref()),
                Cell::from(x.open311_token.as_deref()),
            ]
        })
        .collect();
    let mut inserts = vec![Insert {
        into: "INSERT INTO submissions (
            id, number, year, seq, kind, channel, subject, body, address, anonymous,
            health_or_safety_threat, about_bad_administration, in_writing, violation_date,
            received_at, received_date, status, considered, deadline_rule, answer_due,
            acknowledge_due, decisions, tracking_code_hash, sealed, entered_by,
            about_employee, urgency, latitude, longitude, service_code, media_url,
            service_attributes, open311_token)",
        suffix: "",
        rows: submissions,
    }];

    // Submitters: whistleblowers' identities to their own table, read only by designated
    // officers.
    for sealed in [false, true] {
        let people: Vec<Vec<Cell<'a>>> = rows
            .iter()
            .filter(|(job, ..)| (job.submission.draft.kind == Kind::CorruptionSignal) == sealed)
            .filter_map(|(job, id, ..)| Some((*id, job.submission.draft.submitter.as_ref()?)))
            .map(|(id, who)| {
                vec![
                    Cell::from(id),
                    Cell::from(who.name.as_str()),
                    Cell::from(who.address.as_deref()),
                    Cell::from(who.phone.as_ref().map(|p| p.as_str())),
                    Cell::from(who.email.as_ref().map(|e| e.as_str())),
                    Cell::from(who.egn.as_ref().map(|e| e.as_str())),
                ]
            })
            .collect();
        if !people.is_empty() {
            inserts.push(Insert {
                into: if sealed {
                    "INSERT INTO sealed_identities (submission_id, name, address, phone, email, egn)"
                } else {
                    "INSERT INTO submitters (submission_id, name, address, phone, email, egn)"
                },
                suffix: "",
                rows: people,
            });
        }
    }

    inserts.push(Insert {
        into: "INSERT INTO case_events (submission_id, at, status, note_bg, note_en)",
        suffix: "",
        rows: rows
            .iter()
            .map(|(job, id, _, number)| {
                vec![
                    Cell::from(*id),
                    Cell::from(job.prepared.received_at.as_str()),
                    Cell::from(status),
                    Cell::Owned(Some(registered_note_bg(*number))),
                    Cell::Owned(Some(registered_note_en(*number))),
                ]
            })
            .collect(),
    });

    // The journal's chain, in the batch's order, from the head read once.
    let mut head = head.unwrap_or_else(|| crate::journal::GENESIS.to_owned());
    let mut entries = Vec::with_capacity(rows.len() * 2);
    for (job, id, _, number) in &rows {
        let s = &job.submission;
        let mut actions = vec![("register", register_details(s, *number))];
        if s.draft.submitter.is_some() {
            actions.push(("record_consent", consent_details(s, *number)));
        }
        for (action, details) in actions {
            let at = job.prepared.received_at.as_str();
            let hash =
                crate::journal::entry_hash(&head, at, &s.entered_by, action, Some(*id), &details);
            let prev = std::mem::replace(&mut head, hash.clone());
            entries.push(vec![
                Cell::from(at),
                Cell::from(s.entered_by.as_str()),
                Cell::from(action),
                Cell::from(*id),
                Cell::Owned(Some(details)),
                Cell::Owned(Some(prev)),
                Cell::Owned(Some(hash)),
            ]);
        }
    }
    inserts.push(Insert {
        into: "INSERT INTO journal (at, actor, action, submission_id, details, prev_hash, hash)",
        suffix: "",
        rows: entries,
    });

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
            mail.push(
                super::outbox::QueuedRow::filled(
                    m,
                    Some(*id),
                    email,
                    name,
                    &job.prepared.received_at,
                    Some(&number.to_string()),
                    Some(job.prepared.tracking_code.as_str()),
                )
                .into_cells(),
            );
        }
    }
    if !mail.is_empty() {
        inserts.push(Insert {
            into: super::outbox::INSERT_INTO,
            suffix: super::outbox::INSERT_SUFFIX,
            rows: mail,
        });
    }

    let registered = rows
        .iter()
        .map(|(job, id, _, number)| Registered {
            id: priemna_domain::CaseId(*id),
            number: *number,
            tracking_code: job.prepared.tracking_code.as_str().to_owned(),
            received_at: job.submission.received_at,
            status: Status::Registered,
        })
        .collect();
    Ok(BulkPlan {
        inserts,
        counters: last_seq.into_iter().collect(),
        registered,
    })
}

/// Writes a batch of plain submissions with one multi-row statement per table (per
/// `ROWS_PER_STATEMENT` rows): the batch costs a few round trips, not several per submission.
/// The serial work is what must be serial: the numbers, the ids, the journal's chain.
async fn write_bulk(
    tx: &mut Transaction<'static, Db>,
    batch: &[IntakeJob],
) -> Result<Vec<Registered>> {
    let mut last_seq = std::collections::BTreeMap::new();
    for year in years_of(batch) {
        let current: Option<i64> = sqlx::query_scalar(COUNTER_SQL)
            .bind(i64::from(year))
            .fetch_optional(&mut **tx)
            .await?;
        last_seq.insert(year, current.unwrap_or(0));
    }
    let ids = super::reserve_submission_ids(tx, batch.len()).await?;
    let head: Option<String> = sqlx::query_scalar(JOURNAL_HEAD_SQL)
        .fetch_optional(&mut **tx)
        .await?;
    let plan = plan_bulk(batch, last_seq, &ids, head)?;
    for insert in plan.inserts {
        for chunk in insert.rows.chunks(ROWS_PER_STATEMENT) {
            let mut q = sqlx::QueryBuilder::<Db>::new(insert.into);
            q.push(" ");
            q.push_values(chunk, |mut b, row| {
                for cell in row {
                    bind_cell(&mut b, cell);
                }
            });
            q.push(insert.suffix);
            q.build().execute(&mut **tx).await?;
        }
    }
    for (year, seq) in plan.counters {
        sqlx::query(COUNTER_UPSERT_SQL)
            .bind(i64::from(year))
            .bind(seq)
            .execute(&mut **tx)
            .await?;
    }
    Ok(plan.registered)
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
