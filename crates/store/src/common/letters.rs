// Who signs outgoing letters (migration 0018): one row, replaced by an administrator.

use super::journal::{append, details_json};
use super::{ThisStore, begin_write};
use crate::Result;
use crate::letters::{LetterSignatory, LetterStore};
use crate::rows::parse_timestamp;
use async_trait::async_trait;
use serde_json::json;
use sqlx::Row;

const COLUMNS: &str = "name, position, for_mayor, updated_at, updated_by";

#[async_trait]
impl LetterStore for ThisStore {
    async fn letter_signatory(&self) -> Result<Option<LetterSignatory>> {
        let Some(row) = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM letter_signatory WHERE id = 1"
        ))
        .fetch_optional(&self.read)
        .await?
        else {
            return Ok(None);
        };
        let updated_at: String = row.try_get("updated_at")?;
        Ok(Some(LetterSignatory {
            name: row.try_get("name")?,
            position: row.try_get("position")?,
            for_mayor: row.try_get("for_mayor")?,
            updated_at: parse_timestamp(&updated_at)?,
            updated_by: row.try_get("updated_by")?,
        }))
    }

    async fn save_letter_signatory(&self, signatory: LetterSignatory) -> Result<()> {
        let at_text = signatory.updated_at.to_string();
        let mut tx = begin_write(&self.write).await?;
        let before = sqlx::query("SELECT name, position, for_mayor FROM letter_signatory WHERE id = 1")
            .fetch_optional(&mut *tx)
            .await?
            .map(|row| -> Result<serde_json::Value> {
                let name: String = row.try_get("name")?;
                let position: String = row.try_get("position")?;
                let for_mayor: bool = row.try_get("for_mayor")?;
                Ok(json!({ "name": name, "position": position, "for_mayor": for_mayor }))
            })
            .transpose()?;
        sqlx::query(
            "INSERT INTO letter_signatory (id, name, position, for_mayor, updated_at, updated_by)
             VALUES (1, $1, $2, $3, $4, $5)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, position = excluded.position,
                 for_mayor = excluded.for_mayor, updated_at = excluded.updated_at,
                 updated_by = excluded.updated_by",
        )
        .bind(&signatory.name)
        .bind(&signatory.position)
        .bind(signatory.for_mayor)
        .bind(&at_text)
        .bind(&signatory.updated_by)
        .execute(&mut *tx)
        .await?;
        let details = details_json(&json!({
            "before": before,
            "after": {
                "name": signatory.name,
                "position": signatory.position,
                "for_mayor": signatory.for_mayor,
            },
        }))?;
        append(
            &mut tx,
            &at_text,
            &signatory.updated_by,
            "set_letter_signatory",
            None,
            &details,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
