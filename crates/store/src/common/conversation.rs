// The conversation on a case and the case's reference in e-mails (migration 0023).

use super::{ThisStore, begin_write};
use crate::conversation::{
    CaseMessage, ConversationStore, DeadlineEffect, Direction, MessageChannel, NewCaseMessage,
    ThreadCase,
};
use super::journal::{append, details_json};
use crate::portal::AttachmentInfo;
use crate::rows::{is_unique_violation, parse_date, parse_timestamp};
use crate::{Result, StoreError};
use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;
use priemna_domain::{CaseId, RegistrationNumber, UserId};
use sha2::{Digest, Sha256};
use sqlx::Row;

#[derive(sqlx::FromRow)]
struct MessageRow {
    id: i64,
    submission_id: i64,
    direction: String,
    channel: String,
    author_user_id: Option<i64>,
    author_name: Option<String>,
    text: String,
    full_text: Option<String>,
    due_date: Option<String>,
    created_at: String,
}

impl MessageRow {
    fn into_message(self, attachments: Vec<AttachmentInfo>) -> Result<CaseMessage> {
        Ok(CaseMessage {
            id: self.id,
            case_id: CaseId(self.submission_id),
            direction: Direction::parse(&self.direction)
                .ok_or_else(|| StoreError::Corrupt(format!("direction {}", self.direction)))?,
            channel: MessageChannel::parse(&self.channel)
                .ok_or_else(|| StoreError::Corrupt(format!("channel {}", self.channel)))?,
            author: self.author_user_id.map(UserId),
            author_name: self.author_name,
            text: self.text,
            full_text: self.full_text,
            due_date: parse_date(self.due_date)?,
            attachments,
            created_at: parse_timestamp(&self.created_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct FileRow {
    id: i64,
    case_message_id: Option<i64>,
    filename: String,
    content_type: String,
    size: i64,
    sha256: String,
    created_at: String,
}

impl FileRow {
    fn info(self) -> Result<(Option<i64>, AttachmentInfo)> {
        Ok((
            self.case_message_id,
            AttachmentInfo {
                id: self.id,
                filename: self.filename,
                content_type: self.content_type,
                size: self.size,
                sha256: self.sha256,
                created_at: parse_timestamp(&self.created_at)?,
            },
        ))
    }
}

const MESSAGE_COLUMNS: &str = "m.id, m.submission_id, m.direction, m.channel, m.author_user_id,
     u.display_name AS author_name, m.text, m.full_text, m.due_date, m.created_at";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[async_trait]
impl ConversationStore for ThisStore {
    async fn thread_token(&self, case_id: CaseId, fresh: &str, at: Timestamp) -> Result<String> {
        let existing: Option<String> =
            sqlx::query_scalar("SELECT token FROM case_threads WHERE submission_id = $1")
                .bind(case_id.0)
                .fetch_optional(&self.read)
                .await?;
        if let Some(token) = existing {
            return Ok(token);
        }
        let mut tx = begin_write(&self.write).await?;
        sqlx::query(
            "INSERT INTO case_threads (submission_id, token, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (submission_id) DO NOTHING",
        )
        .bind(case_id.0)
        .bind(fresh)
        .bind(at.to_string())
        .execute(&mut *tx)
        .await?;
        let token: String =
            sqlx::query_scalar("SELECT token FROM case_threads WHERE submission_id = $1")
                .bind(case_id.0)
                .fetch_one(&mut *tx)
                .await?;
        tx.commit().await?;
        Ok(token)
    }

    async fn thread_cases(
        &self,
        tokens: &[String],
        message_ids: &[String],
    ) -> Result<Vec<ThreadCase>> {
        let mut ids: Vec<i64> = Vec::new();
        for token in tokens {
            let found: Option<i64> =
                sqlx::query_scalar("SELECT submission_id FROM case_threads WHERE token = $1")
                    .bind(token)
                    .fetch_optional(&self.read)
                    .await?;
            ids.extend(found);
        }
        for message_id in message_ids {
            let found: Option<Option<i64>> =
                // Only e-mails to the citizen: a reply to a staff reminder names no citizen's
                // case.
                sqlx::query_scalar(
                    "SELECT submission_id FROM outbox WHERE message_id = $1
                     AND kind IN ('receipt', 'delay_notice', 'answer', 'information_request',
                                  'information_received')",
                )
                    .bind(message_id)
                    .fetch_optional(&self.read)
                    .await?;
            ids.extend(found.flatten());
        }
        ids.sort_unstable();
        ids.dedup();
        let mut cases = Vec::new();
        for id in ids {
            let sql = format!(
                "SELECT s.number, s.status IN {} AS open,
                        COALESCE(p.email, si.email) AS email
                 FROM submissions s
                 LEFT JOIN submitters p ON p.submission_id = s.id
                 LEFT JOIN sealed_identities si ON si.submission_id = s.id
                 WHERE s.id = $1",
                super::cases::OPEN_STATUSES_SQL
            );
            let Some(row) = sqlx::query(&sql).bind(id).fetch_optional(&self.read).await? else {
                continue;
            };
            let number: String = row.try_get("number")?;
            cases.push(ThreadCase {
                case_id: CaseId(id),
                number: number
                    .parse::<RegistrationNumber>()
                    .map_err(|_| StoreError::Corrupt(format!("number {number}")))?,
                contact_email: row
                    .try_get::<Option<String>, _>("email")?
                    .filter(|e| !e.trim().is_empty()),
                open: row.try_get("open")?,
            });
        }
        Ok(cases)
    }

    #[tracing::instrument(skip_all, fields(case = %message.case_id, direction = message.direction.as_str()))]
    async fn add_case_message(&self, message: NewCaseMessage) -> Result<CaseMessage> {
        let at = message.at.to_string();
        let mut tx = begin_write(&self.write).await?;
        let sql = format!(
            "SELECT number, status IN {} AS open FROM submissions WHERE id = $1",
            super::cases::OPEN_STATUSES_SQL
        );
        let row = sqlx::query(&sql)
            .bind(message.case_id.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("case {}", message.case_id)))?;
        let number: String = row.try_get("number")?;
        let open: bool = row.try_get("open")?;
        if !open {
            return Err(StoreError::Conflict(format!(
                "case {number} is no longer open"
            )));
        }
        if let Some((once, code)) = &message.form {
            super::forms::claim(&mut tx, once, "message", &number, code, message.at).await?;
        }
        let inserted = sqlx::query_scalar::<_, i64>(
            "INSERT INTO case_messages (submission_id, direction, channel, author_user_id, text,
                                        full_text, due_date, message_key, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(message.case_id.0)
        .bind(message.direction.as_str())
        .bind(message.channel.as_str())
        .bind(message.author.map(|u| u.0))
        .bind(&message.text)
        .bind(&message.full_text)
        .bind(message.due_date.map(|d| d.to_string()))
        .bind(&message.message_key)
        .bind(&at)
        .fetch_one(&mut *tx)
        .await;
        let id = match inserted {
            Ok(id) => id,
            Err(e) if is_unique_violation(&e) => {
                return Err(StoreError::Duplicate("message key".into()));
            }
            Err(e) => return Err(e.into()),
        };
        let mut files = Vec::new();
        let mut head: Option<String> = None;
        for file in &message.attachments {
            let sha256 = hex(&Sha256::digest(&file.data));
            let size = i64::try_from(file.data.len())
                .map_err(|_| StoreError::Corrupt("attachment too large".into()))?;
            let attachment_id: i64 = sqlx::query_scalar(
                "INSERT INTO attachments
                    (submission_id, filename, content_type, size, sha256, data, created_at,
                     case_message_id)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(message.case_id.0)
            .bind(&file.filename)
            .bind(&file.content_type)
            .bind(size)
            .bind(&sha256)
            .bind(&file.data)
            .bind(&at)
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            let details = details_json(&serde_json::json!({
                "number": number,
                "attachment_id": attachment_id,
                "case_message_id": id,
                "content_type": file.content_type,
                "size": size,
                "sha256": sha256,
            }))?;
            head = Some(
                append(
                    &mut tx,
                    &at,
                    &message.actor,
                    "attach",
                    Some(message.case_id),
                    &details,
                    head.as_deref(),
                )
                .await?,
            );
            files.push(AttachmentInfo {
                id: attachment_id,
                filename: file.filename.clone(),
                content_type: file.content_type.clone(),
                size,
                sha256,
                created_at: message.at,
            });
        }
        match message.deadline {
            DeadlineEffect::None => {}
            DeadlineEffect::Waiting { since, stop_term } => {
                let mut sql = String::from("UPDATE submissions SET awaiting_since = $1, updated_at = $2");
                if stop_term {
                    sql.push_str(", answer_due = NULL, urgency = 'no_deadline', escalated_at = NULL");
                }
                sql.push_str(" WHERE id = $3");
                sqlx::query(&sql)
                    .bind(since.to_string())
                    .bind(&at)
                    .bind(message.case_id.0)
                    .execute(&mut *tx)
                    .await?;
            }
            DeadlineEffect::Arrived { new_due } => {
                match new_due {
                    Some(due) => {
                        sqlx::query(
                            "UPDATE submissions SET awaiting_since = NULL, updated_at = $1,
                                    answer_due = $2, urgency = 'on_track', escalated_at = NULL
                             WHERE id = $3",
                        )
                        .bind(&at)
                        .bind(due.to_string())
                        .bind(message.case_id.0)
                        .execute(&mut *tx)
                        .await?;
                    }
                    None => {
                        sqlx::query(
                            "UPDATE submissions SET awaiting_since = NULL, updated_at = $1
                             WHERE id = $2",
                        )
                        .bind(&at)
                        .bind(message.case_id.0)
                        .execute(&mut *tx)
                        .await?;
                    }
                }
            }
        }
        if let Some((bg, en)) = &message.citizen_note {
            let status: String = sqlx::query_scalar("SELECT status FROM submissions WHERE id = $1")
                .bind(message.case_id.0)
                .fetch_one(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO case_events (submission_id, at, status, note_bg, note_en)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(message.case_id.0)
            .bind(&at)
            .bind(status)
            .bind(bg)
            .bind(en)
            .execute(&mut *tx)
            .await?;
        }
        let queued = super::outbox::enqueue(
            &mut tx,
            Some(message.case_id.0),
            &message.messages,
            &[],
            &at,
            Some(&number),
            None,
        )
        .await?;
        // A request that went out by e-mail says so; without an address it is on the tracking
        // page only.
        let mut channel = message.channel;
        if message.direction == Direction::ToCitizen && queued > 0 {
            channel = MessageChannel::Email;
            sqlx::query("UPDATE case_messages SET channel = $1 WHERE id = $2")
                .bind(channel.as_str())
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        let mut details = message.journal_details.clone();
        if let Some(object) = details.as_object_mut() {
            object.insert("number".into(), serde_json::json!(number));
            object.insert("case_message_id".into(), serde_json::json!(id));
            object.insert("files".into(), serde_json::json!(files.len()));
        }
        append(
            &mut tx,
            &at,
            &message.actor,
            &message.action,
            Some(message.case_id),
            &details_json(&details)?,
            head.as_deref(),
        )
        .await?;
        tx.commit().await?;
        Ok(CaseMessage {
            id,
            case_id: message.case_id,
            direction: message.direction,
            channel,
            author: message.author,
            author_name: None,
            text: message.text,
            full_text: message.full_text,
            due_date: message.due_date,
            attachments: files,
            created_at: message.at,
        })
    }

    async fn case_messages(
        &self,
        case_id: CaseId,
        with_internal: bool,
    ) -> Result<Vec<CaseMessage>> {
        let mut sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM case_messages m
             LEFT JOIN users u ON u.id = m.author_user_id
             WHERE m.submission_id = $1"
        );
        if !with_internal {
            sql.push_str(" AND m.direction <> 'internal'");
        }
        sql.push_str(" ORDER BY m.id");
        let rows = sqlx::query_as::<_, MessageRow>(&sql)
            .bind(case_id.0)
            .fetch_all(&self.read)
            .await?;
        let files = sqlx::query_as::<_, FileRow>(
            "SELECT id, case_message_id, filename, content_type, size, sha256, created_at
             FROM attachments WHERE submission_id = $1 AND case_message_id IS NOT NULL
             ORDER BY id",
        )
        .bind(case_id.0)
        .fetch_all(&self.read)
        .await?;
        let mut by_message: Vec<(i64, AttachmentInfo)> = Vec::new();
        for file in files {
            let (message_id, info) = file.info()?;
            if let Some(message_id) = message_id {
                by_message.push((message_id, info));
            }
        }
        rows.into_iter()
            .map(|row| {
                let id = row.id;
                let attachments = by_message
                    .iter()
                    .filter(|(m, _)| *m == id)
                    .map(|(_, info)| info.clone())
                    .collect();
                row.into_message(attachments)
            })
            .collect()
    }

    async fn awaiting_since(&self, case_id: CaseId) -> Result<Option<Date>> {
        let since: Option<Option<String>> =
            sqlx::query_scalar("SELECT awaiting_since FROM submissions WHERE id = $1")
                .bind(case_id.0)
                .fetch_optional(&self.read)
                .await?;
        parse_date(since.flatten())
    }
}
