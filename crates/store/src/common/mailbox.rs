// Messages from the municipality's mailbox that did not become a submission (migration 0022).

use super::{ThisStore, begin_write};
use crate::mailbox::{MailNote, MailOutcome, MailboxStore, NewMailNote};
use crate::rows::{is_unique_violation, parse_timestamp};
use crate::{Result, StoreError};
use async_trait::async_trait;

#[derive(sqlx::FromRow)]
struct NoteRow {
    id: i64,
    message_id: Option<String>,
    sender: Option<String>,
    subject: Option<String>,
    outcome: String,
    reason: String,
    size: i64,
    kept: bool,
    bounced_outbox_id: Option<i64>,
    received_at: String,
}

impl TryFrom<NoteRow> for MailNote {
    type Error = StoreError;

    fn try_from(row: NoteRow) -> Result<MailNote> {
        Ok(MailNote {
            id: row.id,
            message_id: row.message_id,
            sender: row.sender,
            subject: row.subject,
            outcome: MailOutcome::parse(&row.outcome)
                .ok_or_else(|| StoreError::Corrupt(format!("mail outcome {}", row.outcome)))?,
            reason: row.reason,
            size: u64::try_from(row.size).unwrap_or(0),
            kept: row.kept,
            bounced_outbox_id: row.bounced_outbox_id,
            received_at: parse_timestamp(&row.received_at)?,
        })
    }
}

#[async_trait]
impl MailboxStore for ThisStore {
    async fn mail_handled(&self, message_key: &str, registered_token_hash: &str) -> Result<bool> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT CAST(1 AS BIGINT) FROM form_results WHERE token_hash = $1
             UNION ALL SELECT CAST(1 AS BIGINT) FROM mail_notes WHERE message_key = $2
             UNION ALL SELECT CAST(1 AS BIGINT) FROM case_messages WHERE message_key = $2",
        )
        .bind(registered_token_hash)
        .bind(message_key)
        .fetch_optional(&self.read)
        .await?;
        Ok(found.is_some())
    }

    #[tracing::instrument(skip_all, fields(outcome = note.outcome.as_str()))]
    async fn note_mail(&self, note: NewMailNote) -> Result<bool> {
        let mut tx = begin_write(&self.write).await?;
        let bounced: Option<i64> = match &note.returns_message_id {
            Some(original) => {
                sqlx::query_scalar(
                    "UPDATE outbox SET state = 'failed', last_error = $1, secret = NULL
                     WHERE message_id = $2 AND state = 'sent' RETURNING id",
                )
                .bind(format!("returned by the recipient's server: {}", note.reason))
                .bind(original)
                .fetch_optional(&mut *tx)
                .await?
            }
            None => None,
        };
        let size = i64::try_from(note.size).unwrap_or(i64::MAX);
        let inserted = sqlx::query(
            "INSERT INTO mail_notes (message_key, message_id, sender, subject, outcome, reason,
                                     size, raw, bounced_outbox_id, received_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&note.message_key)
        .bind(&note.message_id)
        .bind(&note.sender)
        .bind(&note.subject)
        .bind(note.outcome.as_str())
        .bind(&note.reason)
        .bind(size)
        .bind(&note.raw)
        .bind(bounced)
        .bind(note.received_at.to_string())
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {
                tx.commit().await?;
                Ok(true)
            }
            // Noted already (the reader stopped before it marked the message read): the
            // bounce's outbox change goes with the transaction.
            Err(e) if is_unique_violation(&e) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    async fn mail_notes(&self, limit: u32) -> Result<Vec<MailNote>> {
        let rows = sqlx::query_as::<_, NoteRow>(
            "SELECT id, message_id, sender, subject, outcome, reason, size,
                    raw IS NOT NULL AS kept, bounced_outbox_id, received_at
             FROM mail_notes ORDER BY id DESC LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await?;
        rows.into_iter().map(MailNote::try_from).collect()
    }

    async fn mail_note_raw(&self, id: i64) -> Result<Option<Vec<u8>>> {
        let raw: Option<Option<Vec<u8>>> =
            sqlx::query_scalar("SELECT raw FROM mail_notes WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.read)
                .await?;
        Ok(raw.flatten())
    }
}
