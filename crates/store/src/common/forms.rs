// Portal forms' one-time tokens (what each created) and the files kept for a form that came back
// with errors. See migration 0015.

use super::journal::{append, details_json};
use super::{DbConn, DbPool, DbRow};
use crate::portal::{FormCleanup, FormOnce, FormResult, KeptUpload, NewAttachment};
use crate::rows::{is_unique_violation, parse_timestamp};
use crate::{Result, StoreError};
use jiff::Timestamp;
use priemna_domain::{CaseId, RegistrationNumber};
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::FromRow;

/// A timestamp in whole seconds, fixed width, so that text comparison is time order.
pub fn instant(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The code (and what goes with it) XOR-ed with the caller's pad.
fn seal(pad: &[u8], secret: &str, extra: Option<&str>) -> Result<Vec<u8>> {
    let mut plain = secret.as_bytes().to_vec();
    if let Some(extra) = extra {
        plain.push(b'\n');
        plain.extend_from_slice(extra.as_bytes());
    }
    if plain.len() > pad.len() {
        return Err(StoreError::Corrupt("form pad shorter than its secret".into()));
    }
    Ok(plain.iter().zip(pad).map(|(p, k)| p ^ k).collect())
}

/// Records what the form's token created, inside the creating transaction. A token used already
/// (the same form sent twice at once) is `Duplicate`, and the caller's transaction must go.
pub async fn claim(
    conn: &mut DbConn,
    once: &FormOnce,
    purpose: &str,
    result: &str,
    secret: &str,
    at: Timestamp,
) -> Result<()> {
    let sealed = seal(&once.pad, secret, once.extra.as_deref())?;
    let inserted = sqlx::query(
        "INSERT INTO form_results
            (token_hash, purpose, receipt_hash, result, secret, secret_until, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&once.token_hash)
    .bind(purpose)
    .bind(&once.receipt_hash)
    .bind(result)
    .bind(sealed)
    .bind(instant(once.secret_until))
    .bind(instant(at))
    .bind(instant(once.expires_at))
    .execute(&mut *conn)
    .await;
    match inserted {
        Ok(_) => Ok(()),
        Err(e) if is_unique_violation(&e) => Err(StoreError::Duplicate("form token".into())),
        Err(e) => Err(e.into()),
    }
}

/// A `form_results` row as stored.
#[derive(sqlx::FromRow)]
struct ResultRow {
    purpose: String,
    result: String,
    secret: Option<Vec<u8>>,
    secret_until: Option<String>,
    created_at: String,
    expires_at: String,
}

impl TryFrom<ResultRow> for FormResult {
    type Error = StoreError;

    fn try_from(row: ResultRow) -> Result<FormResult> {
        Ok(FormResult {
            purpose: row.purpose,
            result: row.result,
            secret: row.secret,
            secret_until: row.secret_until.as_deref().map(parse_timestamp).transpose()?,
            created_at: parse_timestamp(&row.created_at)?,
            expires_at: parse_timestamp(&row.expires_at)?,
        })
    }
}

fn form_result(row: &DbRow) -> Result<FormResult> {
    ResultRow::from_row(row)?.try_into()
}

const RESULT_COLUMNS: &str = "purpose, result, secret, secret_until, created_at, expires_at";

pub async fn result_by(pool: &DbPool, column: &str, hash: &str) -> Result<Option<FormResult>> {
    let column = if column == "receipt_hash" {
        "receipt_hash"
    } else {
        "token_hash"
    };
    sqlx::query(&format!(
        "SELECT {RESULT_COLUMNS} FROM form_results WHERE {column} = $1"
    ))
    .bind(hash)
    .fetch_optional(pool)
    .await?
    .as_ref()
    .map(form_result)
    .transpose()
}

pub async fn keep(
    write: &DbPool,
    token_hash: &str,
    files: Vec<NewAttachment>,
    at: Timestamp,
    until: Timestamp,
) -> Result<()> {
    if files.is_empty() {
        return Ok(());
    }
    let mut tx = super::begin_write(write).await?;
    for file in files {
        let size = i64::try_from(file.data.len())
            .map_err(|_| StoreError::Corrupt("kept file too large".into()))?;
        sqlx::query(
            "INSERT INTO kept_uploads
                (token_hash, filename, content_type, size, sha256, data, kept_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (token_hash, sha256) DO NOTHING",
        )
        .bind(token_hash)
        .bind(&file.filename)
        .bind(&file.content_type)
        .bind(size)
        .bind(hex(&Sha256::digest(&file.data)))
        .bind(&file.data)
        .bind(instant(at))
        .bind(instant(until))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn kept(pool: &DbPool, token_hash: &str) -> Result<Vec<KeptUpload>> {
    let rows = sqlx::query_as::<_, KeptRow>(
        "SELECT id, filename, content_type, size, sha256, expires_at FROM kept_uploads
         WHERE token_hash = $1 ORDER BY id",
    )
    .bind(token_hash)
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(KeptUpload::try_from).collect()
}

/// A `kept_uploads` row without its bytes.
#[derive(sqlx::FromRow)]
struct KeptRow {
    id: i64,
    filename: String,
    content_type: String,
    size: i64,
    sha256: String,
    expires_at: String,
}

impl TryFrom<KeptRow> for KeptUpload {
    type Error = StoreError;

    fn try_from(row: KeptRow) -> Result<KeptUpload> {
        Ok(KeptUpload {
            id: row.id,
            filename: row.filename,
            content_type: row.content_type,
            size: row.size,
            sha256: row.sha256,
            expires_at: parse_timestamp(&row.expires_at)?,
        })
    }
}

pub async fn discard(write: &DbPool, token_hash: &str, ids: &[i64]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut tx = super::begin_write(write).await?;
    for id in ids {
        sqlx::query("DELETE FROM kept_uploads WHERE token_hash = $1 AND id = $2")
            .bind(token_hash)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn clean(write: &DbPool, now: Timestamp) -> Result<FormCleanup> {
    let now = instant(now);
    let mut tx = super::begin_write(write).await?;
    let kept_uploads = sqlx::query("DELETE FROM kept_uploads WHERE expires_at <= $1")
        .bind(&now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    let results = sqlx::query("DELETE FROM form_results WHERE expires_at <= $1")
        .bind(&now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    let secrets = sqlx::query(
        "UPDATE form_results SET secret = NULL WHERE secret IS NOT NULL AND secret_until <= $1",
    )
    .bind(&now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(FormCleanup {
        kept_uploads,
        results,
        secrets,
    })
}

/// Stores a new case's files, inside intake's transaction: the files kept for its form first,
/// then those sent now (a file already kept is not stored twice); each journalled by its hash.
/// Returns the journal's new head.
#[allow(clippy::too_many_arguments)]
pub async fn attach_to_new_case(
    conn: &mut DbConn,
    submission_id: i64,
    number: RegistrationNumber,
    form_token: Option<&str>,
    files: &[NewAttachment],
    at: &str,
    actor: &str,
    head: String,
) -> Result<String> {
    let mut head = head;
    let mut seen: Vec<String> = Vec::new();
    if let Some(token_hash) = form_token {
        let kept: Vec<(i64, String, i64, String)> = sqlx::query_as(
            "SELECT id, content_type, size, sha256 FROM kept_uploads
             WHERE token_hash = $1 ORDER BY id",
        )
        .bind(token_hash)
        .fetch_all(&mut *conn)
        .await?;
        for (kept_id, content_type, size, sha256) in kept {
            let attachment_id: i64 = sqlx::query_scalar(
                "INSERT INTO attachments
                    (submission_id, filename, content_type, size, sha256, data, created_at)
                 SELECT $1, filename, content_type, size, sha256, data, $2
                 FROM kept_uploads WHERE id = $3 RETURNING id",
            )
            .bind(submission_id)
            .bind(at)
            .bind(kept_id)
            .fetch_one(&mut *conn)
            .await?;
            head = journal_attach(
                conn,
                submission_id,
                number,
                attachment_id,
                (&content_type, size, &sha256),
                at,
                actor,
                &head,
            )
            .await?;
            seen.push(sha256);
        }
        sqlx::query("DELETE FROM kept_uploads WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut *conn)
            .await?;
    }
    for file in files {
        let sha256 = hex(&Sha256::digest(&file.data));
        if seen.contains(&sha256) {
            continue;
        }
        let size = i64::try_from(file.data.len())
            .map_err(|_| StoreError::Corrupt("attachment too large".into()))?;
        let attachment_id: i64 = sqlx::query_scalar(
            "INSERT INTO attachments
                (submission_id, filename, content_type, size, sha256, data, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(submission_id)
        .bind(&file.filename)
        .bind(&file.content_type)
        .bind(size)
        .bind(&sha256)
        .bind(&file.data)
        .bind(at)
        .fetch_one(&mut *conn)
        .await?;
        head = journal_attach(
            conn,
            submission_id,
            number,
            attachment_id,
            (&file.content_type, size, &sha256),
            at,
            actor,
            &head,
        )
        .await?;
        seen.push(sha256);
    }
    Ok(head)
}

#[allow(clippy::too_many_arguments)]
async fn journal_attach(
    conn: &mut DbConn,
    submission_id: i64,
    number: RegistrationNumber,
    attachment_id: i64,
    (content_type, size, sha256): (&str, i64, &str),
    at: &str,
    actor: &str,
    head: &str,
) -> Result<String> {
    // The journal names the file by its hash, not by its (possibly personal) name.
    let details = details_json(&json!({
        "number": number.to_string(),
        "attachment_id": attachment_id,
        "content_type": content_type,
        "size": size,
        "sha256": sha256,
    }))?;
    append(
        conn,
        at,
        actor,
        "attach",
        Some(CaseId(submission_id)),
        &details,
        Some(head),
    )
    .await
}
