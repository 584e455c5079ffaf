// Who signs outgoing letters (migration 0018): one row, replaced by an administrator.

use super::journal::{append, details_json};
use super::{ThisStore, begin_write};
use crate::{Result, StoreError};
use crate::letters::{LetterSignatory, LetterStore};
use crate::rows::parse_timestamp;
use async_trait::async_trait;
use serde_json::json;

/// The `letter_signatory` row as stored.
#[derive(sqlx::FromRow)]
struct SignatoryRow {
    name: String,
    position: String,
    for_mayor: bool,
    updated_at: String,
    updated_by: String,
}

impl TryFrom<SignatoryRow> for LetterSignatory {
    type Error = StoreError;

    fn try_from(row: SignatoryRow) -> Result<LetterSignatory> {
        Ok(LetterSignatory {
            name: row.name,
            position: row.position,
            for_mayor: row.for_mayor,
            updated_at: parse_timestamp(&row.updated_at)?,
            updated_by: row.updated_by,
        })
    }
}

const COLUMNS: &str = "name, position, for_mayor, updated_at, updated_by";

#[async_trait]
impl LetterStore for ThisStore {
    async fn letter_signatory(&self) -> Result<Option<LetterSignatory>> {
        let Some(row) = sqlx::query_as::<_, SignatoryRow>(&format!(
            "SELECT {COLUMNS} FROM letter_signatory WHERE id = 1"
        ))
        .fetch_optional(&self.read)
        .await?
        else {
            return Ok(None);
        };
        row.try_into().map(Some)
    }

    async fn save_letter_signatory(&self, signatory: LetterSignatory) -> Result<()> {
        let at_text = signatory.updated_at.to_string();
        let mut tx = begin_write(&self.write).await?;
        let before: Option<(String, String, bool)> =
            sqlx::query_as("SELECT name, position, for_mayor FROM letter_signatory WHERE id = 1")
                .fetch_optional(&mut *tx)
                .await?;
        let before = before.map(|(name, position, for_mayor)| {
            json!({ "name": name, "position": position, "for_mayor": for_mayor })
        });
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
