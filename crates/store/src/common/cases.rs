// Cases in the back office: reading, the inbox, and applying actions.

use super::journal::{append, details_json};
use crate::rows::{parse_date, parse_status, parse_timestamp, parse_urgency};
use crate::model::{
    CaseChange, CaseEvent, CaseRecord, CaseSummary, InboxFilter, PersonalData,
};
use crate::{Result, StoreError};
use jiff::Timestamp;
use priemna_domain::{CaseId, Channel, DepartmentId, Kind, RegistrationNumber, Status, UserId};
use serde_json::json;
use super::{Db, DbPool};
use sqlx::QueryBuilder;

pub(super) fn parse_number(s: &str) -> Result<RegistrationNumber> {
    s.parse()
        .map_err(|_| StoreError::Corrupt(format!("bad number {s:?}")))
}

pub(super) fn parse_kind(s: &str) -> Result<Kind> {
    Kind::parse(s).ok_or_else(|| StoreError::Corrupt(format!("kind {s:?}")))
}

pub(super) fn parse_channel(s: &str) -> Result<Channel> {
    Channel::parse(s).ok_or_else(|| StoreError::Corrupt(format!("channel {s:?}")))
}

fn opt_timestamp(s: Option<String>) -> Result<Option<Timestamp>> {
    s.as_deref().map(parse_timestamp).transpose()
}

/// A `case_events` row as stored.
#[derive(sqlx::FromRow)]
pub(super) struct EventRow {
    pub(super) at: String,
    pub(super) status: String,
    pub(super) note_bg: String,
    pub(super) note_en: String,
}

impl TryFrom<EventRow> for CaseEvent {
    type Error = StoreError;

    fn try_from(row: EventRow) -> Result<CaseEvent> {
        Ok(CaseEvent {
            at: parse_timestamp(&row.at)?,
            status: parse_status(&row.status)?,
            note_bg: row.note_bg,
            note_en: row.note_en,
        })
    }
}

/// A case's history for its citizen (`$1` the case's id), oldest first.
pub(super) const HISTORY_SQL: &str =
    "SELECT at, status, note_bg, note_en FROM case_events WHERE submission_id = $1 ORDER BY id";

/// A case's history for its citizen, oldest first.
pub(super) async fn history(read: &DbPool, id: i64) -> Result<Vec<CaseEvent>> {
    sqlx::query_as::<_, EventRow>(HISTORY_SQL)
    .bind(id)
    .fetch_all(read)
    .await?
    .into_iter()
    .map(CaseEvent::try_from)
    .collect()
}

/// A `submissions` row as the back office reads it (`s.*` and the number of the case it
/// duplicates).
#[derive(sqlx::FromRow)]
struct CaseRow {
    id: i64,
    number: String,
    kind: String,
    channel: String,
    subject: String,
    body: String,
    address: Option<String>,
    anonymous: bool,
    health_or_safety_threat: bool,
    about_bad_administration: bool,
    about_employee: bool,
    in_writing: bool,
    received_at: String,
    received_date: Option<String>,
    status: String,
    considered: bool,
    deadline_rule: Option<String>,
    answer_due: Option<String>,
    acknowledge_due: Option<String>,
    decisions: String,
    sealed: bool,
    entered_by: String,
    subject_employee_id: Option<i64>,
    department_id: Option<i64>,
    assignee_id: Option<i64>,
    urgency: String,
    escalated_at: Option<String>,
    triage_note: Option<String>,
    not_considered_rule: Option<String>,
    forwarded_to: Option<String>,
    forwarded_at: Option<String>,
    duplicate_of_number: Option<String>,
    answer_text: Option<String>,
    answered_by: Option<i64>,
    answered_at: Option<String>,
    anonymised_at: Option<String>,
}

/// The case without its conflicts and history (read from other tables).
impl TryFrom<CaseRow> for CaseRecord {
    type Error = StoreError;

    fn try_from(row: CaseRow) -> Result<CaseRecord> {
        Ok(CaseRecord {
            id: CaseId(row.id),
            number: parse_number(&row.number)?,
            kind: parse_kind(&row.kind)?,
            channel: parse_channel(&row.channel)?,
            subject: row.subject,
            body: row.body,
            address: row.address,
            anonymous: row.anonymous,
            health_or_safety_threat: row.health_or_safety_threat,
            about_bad_administration: row.about_bad_administration,
            about_employee: row.about_employee,
            in_writing: row.in_writing,
            received_at: parse_timestamp(&row.received_at)?,
            received_date: parse_date(row.received_date)?
                .ok_or_else(|| StoreError::Corrupt("missing received_date".into()))?,
            status: parse_status(&row.status)?,
            considered: row.considered,
            deadline_rule: row.deadline_rule,
            answer_due: parse_date(row.answer_due)?,
            acknowledge_due: parse_date(row.acknowledge_due)?,
            decisions: crate::decisions::decode(&row.decisions)?,
            sealed: row.sealed,
            entered_by: row.entered_by,
            subject_employee_id: row.subject_employee_id.map(UserId),
            department_id: row.department_id.map(DepartmentId),
            assignee_id: row.assignee_id.map(UserId),
            urgency: parse_urgency(&row.urgency)?,
            escalated_at: opt_timestamp(row.escalated_at)?,
            triage_note: row.triage_note,
            not_considered_rule: row.not_considered_rule,
            forwarded_to: row.forwarded_to,
            forwarded_at: opt_timestamp(row.forwarded_at)?,
            duplicate_of: row.duplicate_of_number.as_deref().map(parse_number).transpose()?,
            answer_text: row.answer_text,
            answered_by: row.answered_by.map(UserId),
            answered_at: opt_timestamp(row.answered_at)?,
            conflicted_user_ids: Vec::new(),
            history: Vec::new(),
            anonymised: row.anonymised_at.is_some(),
        })
    }
}

pub async fn by_number(
    read: &DbPool,
    number: RegistrationNumber,
) -> Result<Option<CaseRecord>> {
    let Some(row) = sqlx::query_as::<_, CaseRow>(
        "SELECT s.*, d.number AS duplicate_of_number FROM submissions s
         LEFT JOIN submissions d ON d.id = s.duplicate_of WHERE s.number = $1",
    )
    .bind(number.to_string())
    .fetch_optional(read)
    .await?
    else {
        return Ok(None);
    };
    let mut case = CaseRecord::try_from(row)?;
    case.conflicted_user_ids =
        sqlx::query_scalar::<Db, i64>("SELECT user_id FROM conflicts WHERE submission_id = $1")
            .bind(case.id.0)
            .fetch_all(read)
            .await?
            .into_iter()
            .map(UserId)
            .collect();
    // The employee a complaint is about is in conflict with it by definition.
    if let Some(subject) = case.subject_employee_id
        && !case.conflicted_user_ids.contains(&subject)
    {
        case.conflicted_user_ids.push(subject);
    }
    case.history = history(read, case.id.0).await?;
    Ok(Some(case))
}

pub async fn personal_data(
    write: &DbPool,
    case: &CaseRecord,
    reader: &str,
    at: Timestamp,
) -> Result<Option<PersonalData>> {
    let table = if case.sealed {
        "sealed_identities"
    } else {
        "submitters"
    };
    // Reading and journalling the reading happen together: no unrecorded look.
    let mut tx = super::begin_write(write).await?;
    let row = sqlx::query_as::<_, PersonalData>(&format!(
        "SELECT name, address, phone, email, egn FROM {table} WHERE submission_id = $1"
    ))
    .bind(case.id.0)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        tx.commit().await?;
        return Ok(None);
    };
    let action = if case.sealed {
        "read_sealed_identity"
    } else {
        "read_personal_data"
    };
    let details = details_json(&json!({ "number": case.number.to_string() }))?;
    append(
        &mut tx,
        &at.to_string(),
        reader,
        action,
        Some(case.id),
        &details,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(Some(row))
}

/// The open statuses (`Status::is_open`), as SQL.
pub const OPEN_STATUSES_SQL: &str =
    "('registered', 'triaged', 'assigned', 'in_progress', 'inspection')";

pub async fn inbox(read: &DbPool, filter: &InboxFilter) -> Result<Vec<CaseSummary>> {
    // The whole open queue is read off its index in order; narrower inboxes (a department, an
    // officer, a status) have their own indexes and few rows to sort.
    let whole_queue = filter.open_only
        && filter.department_id.is_none()
        && filter.assignee_id.is_none()
        && filter.status.is_none();
    let mut q: QueryBuilder<Db> = QueryBuilder::new(
        "SELECT s.number, s.kind, s.channel, s.subject, s.status, s.received_at, s.answer_due,
                s.urgency, s.department_id, d.name AS department_name, s.assignee_id,
                u.display_name AS assignee_name
         FROM submissions s ",
    );
    if whole_queue {
        q.push(super::OPEN_QUEUE_INDEX_HINT);
    }
    q.push(
        "
         LEFT JOIN departments d ON d.id = s.department_id
         LEFT JOIN users u ON u.id = s.assignee_id
         WHERE 1 = 1",
    );
    if let Some(kind) = filter.kind {
        q.push(" AND s.kind = ").push_bind(kind.as_str());
    }
    if let Some(channel) = filter.channel {
        q.push(" AND s.channel = ").push_bind(channel.as_str());
    }
    if let Some(status) = filter.status {
        q.push(" AND s.status = ").push_bind(status.as_str());
    }
    if let Some(department) = filter.department_id {
        q.push(" AND s.department_id = ").push_bind(department.0);
    }
    if let Some(assignee) = filter.assignee_id {
        q.push(" AND s.assignee_id = ").push_bind(assignee.0);
    }
    if filter.overdue_only {
        q.push(" AND s.urgency = 'overdue'");
    }
    if filter.open_only {
        // As listed in the partial index `submissions_open_queue` (migration 0009), so that the
        // first page is read off it.
        q.push(" AND s.status IN ").push(OPEN_STATUSES_SQL);
    }
    if !filter.include_sealed {
        q.push(" AND s.sealed = false");
    }
    if filter.hide_about_employee {
        q.push(" AND s.about_employee = false");
    }
    if let Some(user) = filter.hide_conflicted_for {
        q.push(" AND (s.subject_employee_id IS NULL OR s.subject_employee_id <> ")
            .push_bind(user.0)
            .push(") AND NOT EXISTS (SELECT 1 FROM conflicts c WHERE c.submission_id = s.id AND c.user_id = ")
            .push_bind(user.0)
            .push(")");
    }
    q.push(
        " ORDER BY CASE s.urgency WHEN 'overdue' THEN 0 WHEN 'due_soon' THEN 1
                                  WHEN 'on_track' THEN 2 ELSE 3 END,
                   s.answer_due IS NULL, s.answer_due, s.id",
    );
    q.push(" LIMIT ")
        .push_bind(i64::from(filter.limit.clamp(1, 1000)))
        .push(" OFFSET ")
        .push_bind(i64::from(filter.offset));
    q.build_query_as::<SummaryRow>()
        .fetch_all(read)
        .await?
        .into_iter()
        .map(CaseSummary::try_from)
        .collect()
}

/// A line of the inbox as read.
#[derive(sqlx::FromRow)]
struct SummaryRow {
    number: String,
    kind: String,
    channel: String,
    subject: String,
    status: String,
    received_at: String,
    answer_due: Option<String>,
    urgency: String,
    department_id: Option<i64>,
    department_name: Option<String>,
    assignee_id: Option<i64>,
    assignee_name: Option<String>,
}

impl TryFrom<SummaryRow> for CaseSummary {
    type Error = StoreError;

    fn try_from(row: SummaryRow) -> Result<CaseSummary> {
        Ok(CaseSummary {
            number: parse_number(&row.number)?,
            kind: parse_kind(&row.kind)?,
            channel: parse_channel(&row.channel)?,
            subject: row.subject,
            status: parse_status(&row.status)?,
            received_at: parse_timestamp(&row.received_at)?,
            answer_due: parse_date(row.answer_due)?,
            urgency: parse_urgency(&row.urgency)?,
            department_id: row.department_id.map(DepartmentId),
            department_name: row.department_name,
            assignee_id: row.assignee_id.map(UserId),
            assignee_name: row.assignee_name,
        })
    }
}

pub async fn apply_change(write: &DbPool, case_id: CaseId, change: CaseChange) -> Result<()> {
    let at = change.at.to_string();
    let mut tx = super::begin_write(write).await?;
    let mut q: QueryBuilder<Db> = QueryBuilder::new("UPDATE submissions SET status = ");
    q.push_bind(change.new_status.as_str());
    q.push(", updated_at = ").push_bind(at.clone());
    if let Some(v) = change.department_id {
        q.push(", department_id = ").push_bind(v.map(i64::from));
    }
    if let Some(v) = change.assignee_id {
        q.push(", assignee_id = ").push_bind(v.map(i64::from));
    }
    if let Some(v) = change.subject_employee_id {
        q.push(", subject_employee_id = ").push_bind(v.map(i64::from));
    }
    if let Some(v) = change.answer_due {
        q.push(", answer_due = ")
            .push_bind(v.map(|d| d.to_string()))
            .push(", urgency = 'on_track', escalated_at = NULL");
        // A new date set with an inspection is an extension (the statistics count them).
        if change.new_status == Status::Inspection {
            q.push(", deadline_extended = ").push_bind(true);
        }
    }
    if let Some(v) = change.considered {
        q.push(", considered = ").push_bind(v);
    }
    if let Some(v) = &change.triage_note {
        q.push(", triage_note = ").push_bind(v.clone());
    }
    if let Some(v) = &change.not_considered_rule {
        q.push(", not_considered_rule = ").push_bind(v.clone());
    }
    if let Some(v) = &change.forwarded_to {
        q.push(", forwarded_to = ")
            .push_bind(v.clone())
            .push(", forwarded_at = ")
            .push_bind(at.clone());
    }
    if let Some(v) = change.duplicate_of {
        q.push(", duplicate_of = ").push_bind(v.0);
    }
    if let Some((text, signer)) = &change.answer {
        q.push(", answer_text = ")
            .push_bind(text.clone())
            .push(", answered_by = ")
            .push_bind(signer.0)
            .push(", answered_at = ")
            .push_bind(at.clone());
    }
    if !change.new_status.is_open() {
        q.push(", urgency = 'no_deadline'");
        // The retention period of personal data runs from here.
        if change.expected_status.is_open() {
            q.push(", finished_at = ").push_bind(at.clone());
        }
    } else if !change.expected_status.is_open() {
        // Reopened: the case is live again (the deadline job re-rates it on its next run).
        q.push(", finished_at = NULL");
    }
    q.push(" WHERE id = ").push_bind(case_id.0);
    q.push(" AND status = ")
        .push_bind(change.expected_status.as_str());
    let updated = q.build().execute(&mut *tx).await?.rows_affected();
    if updated == 0 {
        return Err(StoreError::Conflict(format!(
            "case {case_id} is no longer {}",
            change.expected_status.as_str()
        )));
    }
    // An answer reaches the citizens of the cases merged into this one.
    super::search::answer_duplicates(&mut tx, case_id, &change, &at).await?;
    if let Some((user_id, reason)) = &change.conflict {
        sqlx::query(
            "INSERT INTO conflicts (submission_id, user_id, reason, declared_at)
             VALUES ($1, $2, $3, $4) ON CONFLICT (submission_id, user_id) DO NOTHING",
        )
        .bind(case_id.0)
        .bind(user_id.0)
        .bind(reason)
        .bind(&at)
        .execute(&mut *tx)
        .await?;
    }
    if let Some((bg, en)) = &change.citizen_note {
        sqlx::query(
            "INSERT INTO case_events (submission_id, at, status, note_bg, note_en)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(case_id.0)
        .bind(&at)
        .bind(change.new_status.as_str())
        .bind(bg)
        .bind(en)
        .execute(&mut *tx)
        .await?;
    }
    // Letters and e-mails the action causes, in the same transaction.
    let document_ids =
        super::outbox::insert_documents(&mut tx, case_id.0, &change.documents, &at).await?;
    super::outbox::enqueue(
        &mut tx,
        Some(case_id.0),
        &change.messages,
        &document_ids,
        &at,
        None,
        None,
    )
    .await?;
    let details = details_json(&change.journal_details)?;
    append(
        &mut tx,
        &at,
        &change.actor,
        &change.action,
        Some(case_id),
        &details,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
