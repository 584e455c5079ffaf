// Cases in the back office: reading, the inbox, and applying actions.

use super::journal::{append, details_json};
use crate::rows::{parse_date, parse_status, parse_timestamp};
use crate::model::{
    CaseChange, CaseEvent, CaseRecord, CaseSummary, InboxFilter, PersonalData, StoredDecision,
};
use crate::{Result, StoreError};
use jiff::Timestamp;
use priemna_domain::{Channel, Kind, RegistrationNumber, Status};
use serde_json::json;
use super::{Db, DbPool, DbRow};
use sqlx::{QueryBuilder, Row};

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

pub(super) async fn history(read: &DbPool, id: i64) -> Result<Vec<CaseEvent>> {
    let events = sqlx::query(
        "SELECT at, status, note_bg, note_en FROM case_events WHERE submission_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(read)
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
    Ok(history)
}

fn record(row: &DbRow, conflicts: Vec<i64>, history: Vec<CaseEvent>) -> Result<CaseRecord> {
    let number: String = row.try_get("number")?;
    let kind: String = row.try_get("kind")?;
    let channel: String = row.try_get("channel")?;
    let status: String = row.try_get("status")?;
    let received_at: String = row.try_get("received_at")?;
    let received_date: Option<String> = row.try_get("received_date")?;
    let decisions: String = row.try_get("decisions")?;
    let duplicate_of: Option<String> = row.try_get("duplicate_of_number")?;
    Ok(CaseRecord {
        id: row.try_get("id")?,
        number: parse_number(&number)?,
        kind: parse_kind(&kind)?,
        channel: parse_channel(&channel)?,
        subject: row.try_get("subject")?,
        body: row.try_get("body")?,
        address: row.try_get("address")?,
        anonymous: row.try_get("anonymous")?,
        health_or_safety_threat: row.try_get("health_or_safety_threat")?,
        about_bad_administration: row.try_get("about_bad_administration")?,
        about_employee: row.try_get("about_employee")?,
        in_writing: row.try_get("in_writing")?,
        received_at: parse_timestamp(&received_at)?,
        received_date: parse_date(received_date)?
            .ok_or_else(|| StoreError::Corrupt("missing received_date".into()))?,
        status: parse_status(&status)?,
        considered: row.try_get("considered")?,
        deadline_rule: row.try_get("deadline_rule")?,
        answer_due: parse_date(row.try_get("answer_due")?)?,
        acknowledge_due: parse_date(row.try_get("acknowledge_due")?)?,
        decisions: serde_json::from_str(&decisions)
            .map_err(|e| StoreError::Corrupt(format!("decisions: {e}")))?,
        sealed: row.try_get("sealed")?,
        entered_by: row.try_get("entered_by")?,
        subject_employee_id: row.try_get("subject_employee_id")?,
        department_id: row.try_get("department_id")?,
        assignee_id: row.try_get("assignee_id")?,
        urgency: row.try_get("urgency")?,
        escalated_at: opt_timestamp(row.try_get("escalated_at")?)?,
        triage_note: row.try_get("triage_note")?,
        not_considered_rule: row.try_get("not_considered_rule")?,
        forwarded_to: row.try_get("forwarded_to")?,
        forwarded_at: opt_timestamp(row.try_get("forwarded_at")?)?,
        duplicate_of: duplicate_of.as_deref().map(parse_number).transpose()?,
        answer_text: row.try_get("answer_text")?,
        answered_by: row.try_get("answered_by")?,
        answered_at: opt_timestamp(row.try_get("answered_at")?)?,
        conflicted_user_ids: conflicts,
        history,
        anonymised: row.try_get::<Option<String>, _>("anonymised_at")?.is_some(),
    })
}

pub async fn by_number(
    read: &DbPool,
    number: RegistrationNumber,
) -> Result<Option<CaseRecord>> {
    let Some(row) = sqlx::query(
        "SELECT s.*, d.number AS duplicate_of_number FROM submissions s
         LEFT JOIN submissions d ON d.id = s.duplicate_of WHERE s.number = $1",
    )
    .bind(number.to_string())
    .fetch_optional(read)
    .await?
    else {
        return Ok(None);
    };
    let id: i64 = row.try_get("id")?;
    let mut conflicts: Vec<i64> =
        sqlx::query_scalar("SELECT user_id FROM conflicts WHERE submission_id = $1")
            .bind(id)
            .fetch_all(read)
            .await?;
    // The employee a complaint is about is in conflict with it by definition.
    if let Some(subject) = row.try_get::<Option<i64>, _>("subject_employee_id")?
        && !conflicts.contains(&subject)
    {
        conflicts.push(subject);
    }
    let history = history(read, id).await?;
    record(&row, conflicts, history).map(Some)
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
    let row = sqlx::query(&format!(
        "SELECT name, address, phone, email, egn FROM {table} WHERE submission_id = $1"
    ))
    .bind(case.id)
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
    Ok(Some(PersonalData {
        name: row.try_get("name")?,
        address: row.try_get("address")?,
        phone: row.try_get("phone")?,
        email: row.try_get("email")?,
        egn: row.try_get("egn")?,
    }))
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
        q.push(" AND s.department_id = ").push_bind(department);
    }
    if let Some(assignee) = filter.assignee_id {
        q.push(" AND s.assignee_id = ").push_bind(assignee);
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
            .push_bind(user)
            .push(") AND NOT EXISTS (SELECT 1 FROM conflicts c WHERE c.submission_id = s.id AND c.user_id = ")
            .push_bind(user)
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
    let rows = q.build().fetch_all(read).await?;
    rows.iter()
        .map(|row| {
            let number: String = row.try_get("number")?;
            let kind: String = row.try_get("kind")?;
            let channel: String = row.try_get("channel")?;
            let status: String = row.try_get("status")?;
            let received_at: String = row.try_get("received_at")?;
            Ok(CaseSummary {
                number: parse_number(&number)?,
                kind: parse_kind(&kind)?,
                channel: parse_channel(&channel)?,
                subject: row.try_get("subject")?,
                status: parse_status(&status)?,
                received_at: parse_timestamp(&received_at)?,
                answer_due: parse_date(row.try_get("answer_due")?)?,
                urgency: row.try_get("urgency")?,
                department_id: row.try_get("department_id")?,
                department_name: row.try_get("department_name")?,
                assignee_id: row.try_get("assignee_id")?,
                assignee_name: row.try_get("assignee_name")?,
            })
        })
        .collect()
}

pub async fn apply_change(write: &DbPool, case_id: i64, change: CaseChange) -> Result<()> {
    let at = change.at.to_string();
    let mut tx = super::begin_write(write).await?;
    let mut q: QueryBuilder<Db> = QueryBuilder::new("UPDATE submissions SET status = ");
    q.push_bind(change.new_status.as_str());
    q.push(", updated_at = ").push_bind(at.clone());
    if let Some(v) = change.department_id {
        q.push(", department_id = ").push_bind(v);
    }
    if let Some(v) = change.assignee_id {
        q.push(", assignee_id = ").push_bind(v);
    }
    if let Some(v) = change.subject_employee_id {
        q.push(", subject_employee_id = ").push_bind(v);
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
    if let Some(v) = &change.decisions {
        let json = serde_json::to_string::<Vec<StoredDecision>>(v)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        q.push(", decisions = ").push_bind(json);
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
        q.push(", duplicate_of = ").push_bind(v);
    }
    if let Some((text, signer)) = &change.answer {
        q.push(", answer_text = ")
            .push_bind(text.clone())
            .push(", answered_by = ")
            .push_bind(*signer)
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
    q.push(" WHERE id = ").push_bind(case_id);
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
        .bind(case_id)
        .bind(user_id)
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
        .bind(case_id)
        .bind(&at)
        .bind(change.new_status.as_str())
        .bind(bg)
        .bind(en)
        .execute(&mut *tx)
        .await?;
    }
    // Letters and e-mails the action causes, in the same transaction.
    let document_ids =
        super::outbox::insert_documents(&mut tx, case_id, &change.documents, &at).await?;
    super::outbox::enqueue(
        &mut tx,
        Some(case_id),
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
