// The outbox (e-mails waiting to be sent) and the letters kept with cases.
//
// A message is written by the same transaction as the action that causes it (`enqueue`, called
// from intake, `apply_change` and the deadline job). The worker then `claim`s a few at a time:
// each claimed message is marked `sending` with a lease (owner and expiry), so two servers never
// send the same one — PostgreSQL skips rows another server has locked (`FOR UPDATE SKIP
// LOCKED`); SQLite has one writer. A sent message is marked `sent`; a failed attempt goes back
// to `queued` with a later `next_attempt_at`, or to `failed` when it cannot succeed (a message
// that cannot be built, a refused recipient, too many attempts). Whenever a message ends — sent
// or failed for good — its tracking code (`secret`) is forgotten in the same statement. A message whose lease ran out without a record (the process
// died mid-send) is claimed again and marked in doubt: it keeps its Message-ID, so a second
// delivery is recognisable as the same message.

use super::journal::{append, details_json};
use priemna_domain::CaseId;
use super::{Db, DbConn, DbPool, DbRow};
use crate::model::{
    DocumentKind, MessageKind,
    NUMBER_PLACEHOLDER, NewDocument, NewMessage, OutboxEntry, OutboxFilter, OutboxState, OutgoingMessage,
    Recipient, StoredDocument, TRACKING_CODE_PLACEHOLDER,
};
use crate::rows::parse_timestamp;
use crate::{Result, StoreError};
use jiff::Timestamp;
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::{FromRow, Row};

pub const PDF: &str = "application/pdf";

/// Instants in the outbox, in whole seconds, so that they compare correctly as text.
pub fn db_time(at: Timestamp) -> String {
    Timestamp::from_second(at.as_second())
        .unwrap_or(at)
        .to_string()
}

fn is_postgres() -> bool {
    <Db as sqlx::Database>::NAME == "PostgreSQL"
}

fn opt_time(s: Option<String>) -> Result<Option<Timestamp>> {
    s.as_deref().map(parse_timestamp).transpose()
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Keeps `documents` with case `submission_id`; returns their ids in order.
pub async fn insert_documents(
    conn: &mut DbConn,
    submission_id: i64,
    documents: &[NewDocument],
    at: &str,
) -> Result<Vec<i64>> {
    let mut ids = Vec::with_capacity(documents.len());
    for d in documents {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO documents (submission_id, kind, outgoing_number, filename, content_type,
                                    content, sha256, created_at, created_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(submission_id)
        .bind(d.kind.as_str())
        .bind(&d.outgoing_number)
        .bind(&d.filename)
        .bind(PDF)
        .bind(&d.content)
        .bind(sha256_hex(&d.content))
        .bind(at)
        .bind(&d.created_by)
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| {
            if crate::rows::is_unique_violation(&e) {
                StoreError::Conflict(format!(
                    "outgoing number {:?} is taken",
                    d.outgoing_number
                ))
            } else {
                e.into()
            }
        })?;
        ids.push(id);
    }
    Ok(ids)
}

/// The submitter's e-mail address (named submitter or sealed identity), if they gave one.
async fn submitter_address(conn: &mut DbConn, submission_id: i64) -> Result<Option<String>> {
    for table in ["submitters", "sealed_identities"] {
        let row = sqlx::query(&format!(
            "SELECT email FROM {table} WHERE submission_id = $1"
        ))
        .bind(submission_id)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(row) = row {
            let email: Option<String> = row.try_get("email")?;
            return Ok(email.filter(|e| !e.trim().is_empty()));
        }
    }
    Ok(None)
}

/// Writes `messages` to the outbox inside the caller's transaction. `document_ids` are the ids
/// of the documents the same change kept (a message attaches one by index); `number` replaces
/// `NUMBER_PLACEHOLDER`; `secret` is kept for `TRACKING_CODE_PLACEHOLDER` until sending.
/// Messages to a submitter without an address, and repeated `dedupe_key`s, are skipped. A
/// message to the submitter carries no display name: the address is unverified, so nothing the
/// citizen typed goes into the headers of mail sent to it.
/// Returns how many were queued.
#[allow(clippy::too_many_arguments)]
pub async fn enqueue(
    conn: &mut DbConn,
    submission_id: Option<i64>,
    messages: &[NewMessage],
    document_ids: &[i64],
    at: &str,
    number: Option<&str>,
    secret: Option<&str>,
) -> Result<u64> {
    let mut rows = Vec::with_capacity(messages.len());
    for m in messages {
        let (email, name) = match &m.recipient {
            Recipient::Address { email, name } => (email.clone(), name.clone()),
            Recipient::Submitter => {
                let Some(id) = submission_id else { continue };
                match submitter_address(conn, id).await? {
                    Some(email) => (email, None),
                    None => continue,
                }
            }
        };
        let document_id = match m.attach_document {
            Some(i) => Some(*document_ids.get(i).ok_or_else(|| {
                StoreError::Corrupt(format!("message attaches document {i}, not in the change"))
            })?),
            None => None,
        };
        let mut row = QueuedRow::filled(m, submission_id, email, name, at, number, secret);
        row.document_id = document_id;
        rows.push(row);
    }
    if rows.is_empty() {
        return Ok(0);
    }
    insert_rows(conn, rows).await
}

/// One outbox row as written: placeholders filled, the recipient's address settled.
pub struct QueuedRow<'a> {
    message: &'a NewMessage,
    submission_id: Option<i64>,
    email: String,
    name: Option<String>,
    subject: String,
    text: String,
    html: String,
    document_id: Option<i64>,
    secret: Option<&'a str>,
    at: &'a str,
}

impl<'a> QueuedRow<'a> {
    /// `message` to `email`, with `number` in place of `NUMBER_PLACEHOLDER`, and `secret` kept
    /// only when the message shows the tracking code.
    pub fn filled(
        message: &'a NewMessage,
        submission_id: Option<i64>,
        email: String,
        name: Option<String>,
        at: &'a str,
        number: Option<&str>,
        secret: Option<&'a str>,
    ) -> Self {
        let fill = |s: &str| match number {
            Some(n) => s.replace(NUMBER_PLACEHOLDER, n),
            None => s.to_owned(),
        };
        let (subject, text, html) = (
            fill(&message.subject),
            fill(&message.text),
            fill(&message.html),
        );
        // A receipt without a body is written when it is sent, with the code in it.
        let needs_secret = text.contains(TRACKING_CODE_PLACEHOLDER)
            || html.contains(TRACKING_CODE_PLACEHOLDER)
            || message.written_when_sent();
        QueuedRow {
            message,
            submission_id,
            email,
            name,
            subject,
            text,
            html,
            document_id: None,
            secret: secret.filter(|_| needs_secret),
            at,
        }
    }
}

/// The outbox's columns as a queued row fills them (see `QueuedRow::into_cells`).
pub const INSERT_INTO: &str = "INSERT INTO outbox (message_id, dedupe_key, kind, submission_id,
    recipient, recipient_name, subject, body_text, body_html, document_id, secret, state,
    attempts, created_at, attachment_name, attachment_type, attachment_content)";

/// A message whose `dedupe_key` is queued already is not queued again.
pub const INSERT_SUFFIX: &str = " ON CONFLICT (dedupe_key) DO NOTHING";

impl<'a> QueuedRow<'a> {
    /// The row's values, in the order of `INSERT_INTO`'s columns.
    pub fn into_cells(self) -> Vec<super::cells::Cell<'a>> {
        use super::cells::Cell;
        let m = self.message;
        let file = m.attach_file.as_ref();
        vec![
            Cell::from(m.message_id.as_str()),
            Cell::from(m.dedupe_key.as_deref()),
            Cell::from(m.kind.as_str()),
            Cell::Int(self.submission_id),
            Cell::Owned(Some(self.email)),
            Cell::Owned(self.name),
            Cell::Owned(Some(self.subject)),
            Cell::Owned(Some(self.text)),
            Cell::Owned(Some(self.html)),
            Cell::Int(self.document_id),
            Cell::from(self.secret),
            Cell::from("queued"),
            Cell::from(0),
            Cell::from(self.at),
            Cell::from(file.map(|(name, _, _)| name.as_str())),
            Cell::from(file.map(|(_, kind, _)| kind.as_str())),
            Cell::Bytes(file.map(|(_, _, content)| content.as_slice())),
        ]
    }
}

/// Writes `rows` with one statement; a repeated `dedupe_key` is skipped. Returns how many were
/// queued.
pub async fn insert_rows(conn: &mut DbConn, rows: Vec<QueuedRow<'_>>) -> Result<u64> {
    let rows: Vec<_> = rows.into_iter().map(QueuedRow::into_cells).collect();
    let mut q = sqlx::QueryBuilder::<Db>::new(INSERT_INTO);
    q.push(" ");
    q.push_values(&rows, |mut b, row| {
        for cell in row {
            super::cells::bind_cell(&mut b, cell);
        }
    });
    q.push(INSERT_SUFFIX);
    Ok(q.build().execute(&mut *conn).await?.rows_affected())
}

/// Claims up to `limit` messages that are due at `now` (or whose lease ran out) for `owner`,
/// until `lease_until`, and returns them ready to send.
pub async fn claim(
    write: &DbPool,
    owner: &str,
    now: Timestamp,
    lease_until: Timestamp,
    limit: u32,
) -> Result<Vec<OutgoingMessage>> {
    let now_text = db_time(now);
    // PostgreSQL: rows another server is claiming are skipped, not waited for. SQLite: the
    // write transaction is the only writer.
    let mut tx = if is_postgres() {
        write.begin().await?
    } else {
        super::begin_write(write).await?
    };
    let lock = if is_postgres() {
        " FOR UPDATE SKIP LOCKED"
    } else {
        ""
    };
    // Three look-ups, each read off the index on (state, next_attempt_at) in its order: new
    // messages (oldest first), retries that are due (longest due first) and claims whose lease
    // ran out. One query with an OR would read every queued message, due or not, on each
    // claim: after a storm with the mail server down, tens of thousands for ten messages.
    let mut due: Vec<(i64, String)> = Vec::new();
    for (condition, at_now) in [
        ("state = 'queued' AND next_attempt_at IS NULL ORDER BY id", false),
        ("state = 'queued' AND next_attempt_at <= $2 ORDER BY next_attempt_at", true),
        ("state = 'sending' AND lease_until < $2 ORDER BY id", true),
    ] {
        let sql = format!("SELECT id, state FROM outbox WHERE {condition} LIMIT $1{lock}");
        let mut query = sqlx::query(&sql).bind(i64::from(limit));
        if at_now {
            query = query.bind(&now_text);
        }
        let rows = query.fetch_all(&mut *tx).await?;
        for row in rows {
            due.push((row.try_get("id")?, row.try_get("state")?));
        }
    }
    due.sort_unstable();
    due.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let mut claimed = Vec::with_capacity(due.len());
    for (id, state) in due {
        sqlx::query(
            "UPDATE outbox SET state = 'sending', attempts = attempts + 1, lease_owner = $1,
                               lease_until = $2
             WHERE id = $3",
        )
        .bind(owner)
        .bind(db_time(lease_until))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        claimed.push((id, state == "sending"));
    }
    tx.commit().await?;
    let mut messages = Vec::with_capacity(claimed.len());
    for (id, in_doubt) in claimed {
        let row = sqlx::query_as::<_, OutgoingRow>(
            "SELECT o.*, COALESCE(d.filename, o.attachment_name) AS filename,
                    COALESCE(d.content_type, o.attachment_type) AS content_type,
                    COALESCE(d.content, o.attachment_content) AS content,
                    s.number AS case_number, o.submission_id AS case_id,
                    t.token AS thread_token
             FROM outbox o LEFT JOIN documents d ON d.id = o.document_id
                  LEFT JOIN submissions s ON s.id = o.submission_id
                  LEFT JOIN case_threads t ON t.submission_id = o.submission_id
             WHERE o.id = $1",
        )
        .bind(id)
        .fetch_one(write)
        .await?;
        messages.push(OutgoingMessage {
            in_doubt,
            ..row.try_into()?
        });
    }
    Ok(messages)
}

/// An `outbox` row with its attachment (a kept letter's or its own file).
#[derive(sqlx::FromRow)]
struct OutgoingRow {
    id: i64,
    message_id: String,
    kind: String,
    recipient: String,
    recipient_name: Option<String>,
    subject: String,
    body_text: String,
    body_html: String,
    secret: Option<String>,
    attempts: i64,
    created_at: String,
    filename: Option<String>,
    content_type: Option<String>,
    content: Option<Vec<u8>>,
    case_number: Option<String>,
    case_id: Option<i64>,
    thread_token: Option<String>,
}

/// The message as not in doubt (the claim decides that).
impl TryFrom<OutgoingRow> for OutgoingMessage {
    type Error = StoreError;

    fn try_from(row: OutgoingRow) -> Result<OutgoingMessage> {
        let attachment = match row.filename {
            Some(filename) => Some((
                filename,
                row.content_type
                    .ok_or_else(|| StoreError::Corrupt("attachment without a type".into()))?,
                row.content
                    .ok_or_else(|| StoreError::Corrupt("attachment without content".into()))?,
            )),
            None => None,
        };
        Ok(OutgoingMessage {
            id: row.id,
            message_id: row.message_id,
            kind: MessageKind::parse(&row.kind)
                .ok_or_else(|| StoreError::Corrupt(format!("message kind {:?}", row.kind)))?,
            recipient: row.recipient,
            recipient_name: row.recipient_name,
            subject: row.subject,
            text: row.body_text,
            html: row.body_html,
            case_number: row
                .case_number
                .map(|n| {
                    n.parse()
                        .map_err(|_| StoreError::Corrupt(format!("registration number {n:?}")))
                })
                .transpose()?,
            case_id: row.case_id.map(CaseId),
            thread_token: row.thread_token,
            secret: row.secret,
            attachment,
            attempts: row.attempts,
            created_at: parse_timestamp(&row.created_at)?,
            in_doubt: false,
        })
    }
}

/// Marks a message sent (if `owner` still holds it) and forgets its secret.
pub async fn mark_sent(
    write: &DbPool,
    id: i64,
    owner: &str,
    at: Timestamp,
    response: &str,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE outbox SET state = 'sent', sent_at = $1, smtp_response = $2, secret = NULL,
                           lease_owner = NULL, lease_until = NULL, next_attempt_at = NULL
         WHERE id = $3 AND lease_owner = $4 AND state = 'sending'",
    )
    .bind(db_time(at))
    .bind(response)
    .bind(id)
    .bind(owner)
    .execute(write)
    .await?
    .rows_affected();
    Ok(done == 1)
}

/// Records a failed attempt: back to `queued` until `retry_at`, or `failed` for good (`None`),
/// which forgets the tracking code (nothing will send it; a retry by an administrator sends
/// the receipt without it).
pub async fn mark_failed(
    write: &DbPool,
    id: i64,
    owner: &str,
    error: &str,
    retry_at: Option<Timestamp>,
) -> Result<bool> {
    let error: String = error.chars().take(1000).collect();
    let forget = if retry_at.is_none() {
        ", secret = NULL"
    } else {
        ""
    };
    let done = sqlx::query(&format!(
        "UPDATE outbox SET state = $1, next_attempt_at = $2, last_error = $3,
                           lease_owner = NULL, lease_until = NULL{forget}
         WHERE id = $4 AND lease_owner = $5 AND state = 'sending'"
    ))
    .bind(if retry_at.is_some() { "queued" } else { "failed" })
    .bind(retry_at.map(db_time))
    .bind(error)
    .bind(id)
    .bind(owner)
    .execute(write)
    .await?
    .rows_affected();
    Ok(done == 1)
}

/// Puts a failed message back in the queue, to be tried again at once (journalled).
pub async fn requeue(write: &DbPool, id: i64, at: Timestamp, actor: &str) -> Result<bool> {
    let mut tx = super::begin_write(write).await?;
    let done = sqlx::query(
        "UPDATE outbox SET state = 'queued', attempts = 0, next_attempt_at = NULL
         WHERE id = $1 AND state = 'failed'",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if done == 1 {
        let details = details_json(&json!({ "outbox_id": id }))?;
        append(
            &mut tx,
            &at.to_string(),
            actor,
            "outbox_retry",
            None,
            &details,
            None,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(done == 1)
}

pub async fn list(read: &DbPool, filter: &OutboxFilter) -> Result<Vec<OutboxEntry>> {
    let mut q: sqlx::QueryBuilder<Db> = sqlx::QueryBuilder::new(
        "SELECT o.id, o.message_id, o.kind, s.number, o.recipient, s.sealed, o.subject, o.state,
                o.attempts, o.next_attempt_at, o.last_error, o.created_at, o.sent_at,
                o.document_id, o.attachment_name
         FROM outbox o LEFT JOIN submissions s ON s.id = o.submission_id WHERE 1 = 1",
    );
    if let Some(state) = &filter.state {
        q.push(" AND o.state = ").push_bind(state.as_str());
    }
    if let Some(id) = filter.submission_id {
        q.push(" AND o.submission_id = ").push_bind(id.0);
    }
    q.push(" ORDER BY o.id DESC LIMIT ")
        .push_bind(i64::from(filter.limit.clamp(1, 1000)))
        .push(" OFFSET ")
        .push_bind(i64::from(filter.offset));
    q.build_query_as::<EntryRow>()
        .fetch_all(read)
        .await?
        .into_iter()
        .map(OutboxEntry::try_from)
        .collect()
}

/// A line of the outbox listing as read.
#[derive(sqlx::FromRow)]
struct EntryRow {
    id: i64,
    message_id: String,
    kind: String,
    number: Option<String>,
    recipient: String,
    sealed: Option<bool>,
    subject: String,
    state: String,
    attempts: i64,
    next_attempt_at: Option<String>,
    last_error: Option<String>,
    created_at: String,
    sent_at: Option<String>,
    document_id: Option<i64>,
    attachment_name: Option<String>,
}

impl TryFrom<EntryRow> for OutboxEntry {
    type Error = StoreError;

    fn try_from(row: EntryRow) -> Result<OutboxEntry> {
        Ok(OutboxEntry {
            id: row.id,
            message_id: row.message_id,
            kind: MessageKind::parse(&row.kind)
                .ok_or_else(|| StoreError::Corrupt(format!("message kind {:?}", row.kind)))?,
            number: row
                .number
                .as_deref()
                .map(super::cases::parse_number)
                .transpose()?,
            recipient: row.recipient,
            sealed: row.sealed.unwrap_or(false),
            subject: row.subject,
            state: OutboxState::parse(&row.state)
                .ok_or_else(|| StoreError::Corrupt(format!("outbox state {:?}", row.state)))?,
            attempts: row.attempts,
            next_attempt_at: opt_time(row.next_attempt_at)?,
            last_error: row.last_error,
            created_at: parse_timestamp(&row.created_at)?,
            sent_at: opt_time(row.sent_at)?,
            has_attachment: row.document_id.is_some() || row.attachment_name.is_some(),
        })
    }
}

/// How many messages are in each state.
pub async fn counts(read: &DbPool) -> Result<Vec<(OutboxState, u64)>> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT state, COUNT(*) AS n FROM outbox GROUP BY state ORDER BY state")
            .fetch_all(read)
            .await?;
    rows.into_iter()
        .map(|(state, n)| {
            let state = OutboxState::parse(&state)
                .ok_or_else(|| StoreError::Corrupt(format!("outbox state {state:?}")))?;
            Ok((state, u64::try_from(n).unwrap_or(0)))
        })
        .collect()
}

/// How many messages wait: queued or being sent (a range of the `outbox_due` index).
pub async fn queue_length(read: &DbPool) -> Result<u64> {
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE state IN ('queued', 'sending')")
            .fetch_one(read)
            .await?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// A `documents` row without its content.
#[derive(sqlx::FromRow)]
struct DocumentRow {
    id: i64,
    submission_id: i64,
    kind: String,
    outgoing_number: Option<String>,
    filename: String,
    content_type: String,
    size: i64,
    sha256: String,
    created_at: String,
    created_by: String,
}

impl TryFrom<DocumentRow> for StoredDocument {
    type Error = StoreError;

    fn try_from(row: DocumentRow) -> Result<StoredDocument> {
        Ok(StoredDocument {
            id: row.id,
            submission_id: CaseId(row.submission_id),
            kind: DocumentKind::parse(&row.kind)
                .ok_or_else(|| StoreError::Corrupt(format!("document kind {:?}", row.kind)))?,
            outgoing_number: row.outgoing_number,
            filename: row.filename,
            content_type: row.content_type,
            size: row.size,
            sha256: row.sha256,
            created_at: parse_timestamp(&row.created_at)?,
            created_by: row.created_by,
        })
    }
}

fn document(row: &DbRow) -> Result<StoredDocument> {
    DocumentRow::from_row(row)?.try_into()
}

const DOCUMENT_COLUMNS: &str = "id, submission_id, kind, outgoing_number, filename, content_type,
     CAST(length(content) AS BIGINT) AS size, sha256, created_at, created_by";

pub async fn documents(read: &DbPool, submission_id: CaseId) -> Result<Vec<StoredDocument>> {
    let rows = sqlx::query(&format!(
        "SELECT {DOCUMENT_COLUMNS} FROM documents WHERE submission_id = $1 ORDER BY id"
    ))
    .bind(submission_id.0)
    .fetch_all(read)
    .await?;
    rows.iter().map(document).collect()
}

pub async fn document_content(
    read: &DbPool,
    id: i64,
) -> Result<Option<(StoredDocument, Vec<u8>)>> {
    let Some(row) = sqlx::query(&format!(
        "SELECT {DOCUMENT_COLUMNS}, content FROM documents WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(read)
    .await?
    else {
        return Ok(None);
    };
    Ok(Some((document(&row)?, row.try_get("content")?)))
}

pub async fn add_document(
    write: &DbPool,
    submission_id: CaseId,
    new: &NewDocument,
    at: Timestamp,
) -> Result<i64> {
    let mut tx = super::begin_write(write).await?;
    let ids = insert_documents(
        &mut tx,
        submission_id.0,
        std::slice::from_ref(new),
        &at.to_string(),
    )
    .await?;
    tx.commit().await?;
    ids.first()
        .copied()
        .ok_or_else(|| StoreError::Corrupt("no document id".into()))
}

/// Erases what the outbox and the letters hold about a case (the retention job): recipients,
/// bodies and PDFs go; the skeleton (kind, state, dates, Message-ID, checksum) stays.
pub async fn erase_for_case(conn: &mut DbConn, submission_id: i64, erased: &str) -> Result<()> {
    sqlx::query(
        "UPDATE outbox SET recipient = $1, recipient_name = NULL, body_text = $1, body_html = $1,
                           secret = NULL,
                           state = CASE WHEN state = 'sent' THEN 'sent' ELSE 'failed' END
         WHERE submission_id = $2",
    )
    .bind(erased)
    .bind(submission_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE documents SET content = $1 WHERE submission_id = $2")
        .bind(Vec::<u8>::new())
        .bind(submission_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
