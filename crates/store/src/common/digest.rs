// Less mail for staff: the choice of each member of staff, and what a digest gathers
// (migration 0024).

use super::journal::{append, details_json};
use super::{ThisStore, begin_write};
use crate::digest::{DigestStore, MailMode};
use crate::model::NewMessage;
use crate::rows::parse_timestamp;
use crate::{Result, StoreError};
use async_trait::async_trait;
use jiff::Timestamp;
use priemna_domain::{RegistrationNumber, UserId};

#[async_trait]
impl DigestStore for ThisStore {
    async fn mail_mode(&self, user_id: UserId) -> Result<MailMode> {
        let mode: Option<String> =
            sqlx::query_scalar("SELECT mode FROM staff_mail_modes WHERE user_id = $1")
                .bind(user_id.0)
                .fetch_optional(&self.read)
                .await?;
        Ok(mode
            .as_deref()
            .and_then(MailMode::parse)
            .unwrap_or_default())
    }

    async fn set_mail_mode(
        &self,
        user_id: UserId,
        mode: MailMode,
        at: Timestamp,
        actor: &str,
    ) -> Result<()> {
        let at = at.to_string();
        let mut tx = begin_write(&self.write).await?;
        sqlx::query(
            "INSERT INTO staff_mail_modes (user_id, mode, changed_at) VALUES ($1, $2, $3)
             ON CONFLICT (user_id) DO UPDATE SET mode = excluded.mode,
                                                 changed_at = excluded.changed_at",
        )
        .bind(user_id.0)
        .bind(mode.as_str())
        .bind(&at)
        .execute(&mut *tx)
        .await?;
        let details = details_json(&serde_json::json!({
            "user_id": user_id.0, "mode": mode.as_str(),
        }))?;
        append(&mut tx, &at, actor, "mail_mode", None, &details, None).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn digest_users(&self) -> Result<Vec<UserId>> {
        let ids: Vec<i64> =
            sqlx::query_scalar("SELECT user_id FROM staff_mail_modes WHERE mode = 'digest'")
                .fetch_all(&self.read)
                .await?;
        Ok(ids.into_iter().map(UserId).collect())
    }

    async fn citizen_messages_for(
        &self,
        user_id: UserId,
        since: Timestamp,
    ) -> Result<Vec<(RegistrationNumber, Timestamp)>> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT s.number, m.created_at FROM case_messages m
             JOIN submissions s ON s.id = m.submission_id
             WHERE s.assignee_id = $1 AND m.direction = 'from_citizen' AND m.created_at > $2
             ORDER BY m.id",
        )
        .bind(user_id.0)
        .bind(since.to_string())
        .fetch_all(&self.read)
        .await?;
        rows.into_iter()
            .map(|(number, at)| {
                Ok((
                    number
                        .parse()
                        .map_err(|_| StoreError::Corrupt(format!("number {number}")))?,
                    parse_timestamp(&at)?,
                ))
            })
            .collect()
    }

    async fn queue_message(&self, message: NewMessage, at: Timestamp) -> Result<bool> {
        let at = at.to_string();
        let mut tx = begin_write(&self.write).await?;
        let queued = super::outbox::enqueue(&mut tx, None, &[message], &[], &at, None, None).await?;
        tx.commit().await?;
        Ok(queued > 0)
    }
}
