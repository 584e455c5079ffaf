//! The SQLite register: one file, WAL, fully synced commits.
//!
//! Intake goes through one writer task that gathers the submissions waiting at that moment into
//! a single transaction (group commit): one fsync acknowledges many citizens, and numbers are
//! handed out in commit order, so they stay gap-free. Each submission has its own savepoint, so
//! a bad one cannot take its neighbours down with it.

mod cases;
mod jobs;
mod journal;
mod staff;

use crate::model::{
    CaseChange, CaseEvent, CaseRecord, CaseSummary, CitizenView, DeadlineCase, DeadlineRunReport,
    Department, InboxFilter, JournalEntry, JournalVerdict, NewSubmission, NewUser, PersonalData,
    Registered, Session, StaffReminder, StoredDecision, UrgencyUpdate, User,
};
use crate::tracking::{TrackingCode, hash_tracking_code};
use crate::{Result, Store, StoreError};
use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;
use priemna_domain::clock::local_date;
use priemna_domain::submission::Submitter;
use priemna_domain::{Channel, Kind, RegistrationNumber, Status};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{Row, Sqlite, Transaction};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// How many waiting submissions one commit may carry.
const MAX_BATCH: usize = 256;

struct IntakeJob {
    submission: NewSubmission,
    reply: oneshot::Sender<Result<Registered>>,
}

pub struct SqliteStore {
    read: SqlitePool,
    write: SqlitePool,
    intake: mpsc::Sender<IntakeJob>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub async fn open(path: &str) -> Result<SqliteStore> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a commit is on disk, not just in the OS cache, before we acknowledge it.
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(30))
            .foreign_keys(true);
        // One writer connection: SQLite allows one writer at a time anyway, and funnelling all
        // writes through it keeps numbering and the journal chain strictly ordered.
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .connect_with(options.clone())
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&write).await?;
        let read = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        let (intake, jobs) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(intake_loop(write.clone(), jobs));
        Ok(SqliteStore {
            read,
            write,
            intake,
        })
    }
}

async fn intake_loop(write: SqlitePool, mut jobs: mpsc::Receiver<IntakeJob>) {
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

async fn commit_batch(write: &SqlitePool, batch: &mut Vec<IntakeJob>) {
    let mut tx = match write.begin_with("BEGIN IMMEDIATE").await {
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
                // A citizen who gave up waiting still has a registered submission; nothing to undo.
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

/// Registers one submission inside its own savepoint of the batch transaction.
async fn register_one(
    tx: &mut Transaction<'static, Sqlite>,
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
    tx: &mut Transaction<'_, Sqlite>,
    submission: &NewSubmission,
    chain_head: Option<&str>,
) -> Result<(Registered, String)> {
    let draft = &submission.draft;
    let assessment = &submission.assessment;
    let received_date = local_date(submission.received_at);
    let year = received_date.year();

    // The first statement writes, so the transaction takes the write lock at once.
    let seq: i64 = sqlx::query_scalar(
        "INSERT INTO registration_counters (year, last_seq) VALUES (?1, 1)
         ON CONFLICT (year) DO UPDATE SET last_seq = last_seq + 1
         RETURNING last_seq",
    )
    .bind(i64::from(year))
    .fetch_one(&mut **tx)
    .await?;
    let number = u32::try_from(seq)
        .ok()
        .and_then(|seq| RegistrationNumber::new(year, seq))
        .ok_or(StoreError::SeriesExhausted(year))?;

    let tracking_code = TrackingCode::generate();
    let decisions: Vec<StoredDecision> = assessment
        .decisions
        .iter()
        .map(|d| StoredDecision {
            rule: d.rule.as_str().to_owned(),
            reason_bg: d.reason_bg.clone(),
            reason_en: d.reason_en.clone(),
            needs_review: d.needs_review,
        })
        .collect();
    let decisions_json =
        serde_json::to_string(&decisions).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let sealed = draft.kind == Kind::CorruptionSignal;
    let received_at = submission.received_at.to_string();
    let status = Status::Registered;

    let id: i64 = sqlx::query_scalar(
        "INSERT INTO submissions (
            number, year, seq, kind, channel, subject, body, address, anonymous,
            health_or_safety_threat, about_bad_administration, in_writing, violation_date,
            received_at, received_date, status, considered, deadline_rule, answer_due,
            acknowledge_due, decisions, tracking_code_hash, sealed, entered_by, about_employee,
            urgency)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                 ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26)
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
    .fetch_one(&mut **tx)
    .await?;

    if let Some(submitter) = &draft.submitter {
        insert_submitter(tx, id, submitter, sealed).await?;
    }

    sqlx::query(
        "INSERT INTO case_events (submission_id, at, status, note_bg, note_en)
         VALUES (?1, ?2, ?3, ?4, ?5)",
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
        Some(id),
        &details,
        chain_head,
    )
    .await?;

    Ok((
        Registered {
            number,
            tracking_code: tracking_code.as_str().to_owned(),
            received_at: submission.received_at,
            status,
        },
        hash,
    ))
}

async fn insert_submitter(
    tx: &mut Transaction<'_, Sqlite>,
    submission_id: i64,
    submitter: &Submitter,
    sealed: bool,
) -> Result<()> {
    // Whistleblowers' identities go to their own table, read only by designated officers.
    let sql = if sealed {
        "INSERT INTO sealed_identities (submission_id, name, address, phone, email, egn)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
    } else {
        "INSERT INTO submitters (submission_id, name, address, phone, email, egn)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
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

pub(crate) fn parse_timestamp(s: &str) -> Result<Timestamp> {
    s.parse()
        .map_err(|_| StoreError::Corrupt(format!("bad timestamp {s:?}")))
}

pub(crate) fn parse_date(s: Option<String>) -> Result<Option<Date>> {
    s.map(|s| {
        s.parse()
            .map_err(|_| StoreError::Corrupt(format!("bad date {s:?}")))
    })
    .transpose()
}

pub(crate) fn parse_status(s: &str) -> Result<Status> {
    Status::parse(s).ok_or_else(|| StoreError::Corrupt(format!("unknown status {s:?}")))
}

/// Whether a database error is a UNIQUE constraint violation.
pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}

fn citizen_view(row: &SqliteRow, history: Vec<CaseEvent>) -> Result<CitizenView> {
    let number: String = row.try_get("number")?;
    let kind: String = row.try_get("kind")?;
    let channel: String = row.try_get("channel")?;
    let decisions: String = row.try_get("decisions")?;
    let received_at: String = row.try_get("received_at")?;
    let status: String = row.try_get("status")?;
    Ok(CitizenView {
        number: number
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("bad number {number:?}")))?,
        kind: Kind::parse(&kind).ok_or_else(|| StoreError::Corrupt(format!("kind {kind:?}")))?,
        channel: Channel::parse(&channel)
            .ok_or_else(|| StoreError::Corrupt(format!("channel {channel:?}")))?,
        subject: row.try_get("subject")?,
        body: row.try_get("body")?,
        address: row.try_get("address")?,
        anonymous: row.try_get("anonymous")?,
        received_at: parse_timestamp(&received_at)?,
        status: parse_status(&status)?,
        considered: row.try_get("considered")?,
        deadline_rule: row.try_get("deadline_rule")?,
        answer_due: parse_date(row.try_get("answer_due")?)?,
        acknowledge_due: parse_date(row.try_get("acknowledge_due")?)?,
        decisions: serde_json::from_str(&decisions)
            .map_err(|e| StoreError::Corrupt(format!("decisions: {e}")))?,
        history,
    })
}

#[async_trait]
impl Store for SqliteStore {
    #[tracing::instrument(skip_all, fields(kind = submission.draft.kind.as_str()))]
    async fn register(&self, submission: NewSubmission) -> Result<Registered> {
        let (reply, answer) = oneshot::channel();
        self.intake
            .send(IntakeJob { submission, reply })
            .await
            .map_err(|_| StoreError::Unavailable("the intake writer has stopped".into()))?;
        answer
            .await
            .map_err(|_| StoreError::Unavailable("the intake writer has stopped".into()))?
    }

    #[tracing::instrument(skip_all, fields(number = %number))]
    async fn find_for_citizen(
        &self,
        number: RegistrationNumber,
        tracking_code: &str,
    ) -> Result<Option<CitizenView>> {
        let Some(row) = sqlx::query("SELECT * FROM submissions WHERE number = ?1")
            .bind(number.to_string())
            .fetch_optional(&self.read)
            .await?
        else {
            return Ok(None);
        };
        let stored_hash: String = row.try_get("tracking_code_hash")?;
        if stored_hash != hash_tracking_code(tracking_code) {
            return Ok(None);
        }
        let id: i64 = row.try_get("id")?;
        let events = sqlx::query(
            "SELECT at, status, note_bg, note_en FROM case_events
             WHERE submission_id = ?1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&self.read)
        .await?;
        let mut history = Vec::with_capacity(events.len());
        for event in events {
            let at: String = event.try_get("at")?;
            let status: String = event.try_get("status")?;
            history.push(CaseEvent {
                at: parse_timestamp(&at)?,
                status: parse_status(&status)?,
                note_bg: event.try_get("note_bg")?,
                note_en: event.try_get("note_en")?,
            });
        }
        citizen_view(&row, history).map(Some)
    }

    async fn count_submissions(&self) -> Result<u64> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM submissions")
            .fetch_one(&self.read)
            .await?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.read).await?;
        Ok(())
    }

    async fn create_department(
        &self,
        name: &str,
        at: Timestamp,
        actor: &str,
    ) -> Result<Department> {
        staff::create_department(&self.write, name, at, actor).await
    }

    async fn set_department_head(
        &self,
        department_id: i64,
        head_user_id: Option<i64>,
        at: Timestamp,
        actor: &str,
    ) -> Result<()> {
        staff::set_department_head(&self.write, department_id, head_user_id, at, actor).await
    }

    async fn departments(&self) -> Result<Vec<Department>> {
        staff::departments(&self.read).await
    }

    async fn create_user(&self, user: NewUser, at: Timestamp, actor: &str) -> Result<User> {
        staff::create_user(&self.write, user, at, actor).await
    }

    async fn update_user(&self, user: &User, at: Timestamp, actor: &str) -> Result<()> {
        staff::update_user(&self.write, user, at, actor).await
    }

    async fn user_by_username(&self, username: &str) -> Result<Option<User>> {
        staff::user_by_username(&self.read, username).await
    }

    async fn user_by_id(&self, id: i64) -> Result<Option<User>> {
        staff::user_by_id(&self.read, id).await
    }

    async fn users(&self) -> Result<Vec<User>> {
        staff::users(&self.read).await
    }

    async fn set_password(
        &self,
        user_id: i64,
        password_hash: &str,
        at: Timestamp,
        actor: &str,
    ) -> Result<()> {
        staff::set_password(&self.write, user_id, password_hash, at, actor).await
    }

    async fn record_login(
        &self,
        user_id: i64,
        success: bool,
        locked_until: Option<Timestamp>,
        at: Timestamp,
    ) -> Result<()> {
        staff::record_login(&self.write, user_id, success, locked_until, at).await
    }

    async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf_token: &str,
        at: Timestamp,
        expires_at: Timestamp,
    ) -> Result<()> {
        staff::create_session(&self.write, token_hash, user_id, csrf_token, at, expires_at).await
    }

    async fn session(&self, token_hash: &str, now: Timestamp) -> Result<Option<Session>> {
        staff::session(&self.read, token_hash, now).await
    }

    async fn delete_session(&self, token_hash: &str) -> Result<()> {
        staff::delete_session(&self.write, token_hash).await
    }

    async fn delete_sessions_of(&self, user_id: i64) -> Result<()> {
        staff::delete_sessions_of(&self.write, user_id).await
    }

    async fn case_by_number(&self, number: RegistrationNumber) -> Result<Option<CaseRecord>> {
        cases::by_number(&self.read, number).await
    }

    async fn personal_data(
        &self,
        case: &CaseRecord,
        reader: &str,
        at: Timestamp,
    ) -> Result<Option<PersonalData>> {
        cases::personal_data(&self.write, case, reader, at).await
    }

    async fn inbox(&self, filter: &InboxFilter) -> Result<Vec<CaseSummary>> {
        cases::inbox(&self.read, filter).await
    }

    async fn apply_change(&self, case_id: i64, change: CaseChange) -> Result<()> {
        cases::apply_change(&self.write, case_id, change).await
    }

    async fn journal(&self, after_id: i64, limit: u32) -> Result<Vec<JournalEntry>> {
        journal::list(&self.read, after_id, limit).await
    }

    async fn verify_journal(&self) -> Result<JournalVerdict> {
        journal::verify(&self.read).await
    }

    async fn append_journal(
        &self,
        at: Timestamp,
        actor: &str,
        action: &str,
        submission_id: Option<i64>,
        details: serde_json::Value,
    ) -> Result<()> {
        let details = journal::details_json(&details)?;
        let mut tx = self.write.begin_with("BEGIN IMMEDIATE").await?;
        journal::append(
            &mut tx,
            &at.to_string(),
            actor,
            action,
            submission_id,
            &details,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn open_cases_for_deadlines(&self) -> Result<Vec<DeadlineCase>> {
        jobs::open_cases(&self.read).await
    }

    async fn record_deadline_run(
        &self,
        run_key: &str,
        at: Timestamp,
        updates: Vec<UrgencyUpdate>,
    ) -> Result<DeadlineRunReport> {
        jobs::record_run(&self.write, run_key, at, updates).await
    }

    async fn job_runs(&self, job: &str) -> Result<Vec<String>> {
        jobs::runs(&self.read, job).await
    }

    async fn reminders_for(&self, user_id: i64) -> Result<Vec<StaffReminder>> {
        jobs::reminders_for(&self.read, user_id).await
    }
}
