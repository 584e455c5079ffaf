// Open311 (GeoReport v2): the public listing of requests that came through Open311, their
// updates, batch clients' tokens, and the API keys applications post with. Nothing here reads
// the submitters' tables: what leaves through these queries is the case, never the person.

use super::journal::{append, details_json};
use super::{Db, DbPool, DbRow};
use crate::model::{
    ApiKey, CaseEvent, NewApiKey, Open311Query, Open311Request, Open311Update, Open311UpdatesQuery,
};
use crate::rows::{is_unique_violation, parse_date, parse_status, parse_timestamp};
use crate::{Result, StoreError};
use jiff::Timestamp;
use priemna_domain::services::GeoPoint;
use priemna_domain::{Kind, RegistrationNumber, Status};
use serde_json::json;
use sqlx::{FromRow, QueryBuilder};
use std::collections::{BTreeMap, HashMap};

/// The most rows one listing returns.
const MAX_ROWS: u32 = 1000;

fn number(s: &str) -> Result<RegistrationNumber> {
    s.parse()
        .map_err(|_| StoreError::Corrupt(format!("bad number {s:?}")))
}

fn timestamp_opt(s: Option<String>) -> Result<Option<Timestamp>> {
    s.as_deref().map(parse_timestamp).transpose()
}

/// Bounds on `received_at` as stored (RFC 3339 in UTC, whole seconds compare correctly).
fn bound(at: Timestamp) -> String {
    at.to_string()
}

/// The statuses a case is open (or finished) in, for SQL.
fn statuses(open: bool) -> Vec<&'static str> {
    Status::ALL
        .iter()
        .filter(|s| s.is_open() == open)
        .map(|s| s.as_str())
        .collect()
}

/// An Open311 request as read, with its id (for its history).
#[derive(sqlx::FromRow)]
struct RequestRow {
    id: i64,
    number: String,
    service_code: String,
    kind: String,
    subject: String,
    body: String,
    address: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    media_url: Option<String>,
    service_attributes: Option<String>,
    status: String,
    considered: bool,
    decisions: String,
    received_at: String,
    updated_at: Option<String>,
    answer_due: Option<String>,
    forwarded_to: Option<String>,
    not_considered_rule: Option<String>,
    anonymised_at: Option<String>,
    department_name: Option<String>,
    duplicate_of_number: Option<String>,
}

/// The request without its history (read from `case_events`).
impl TryFrom<RequestRow> for Open311Request {
    type Error = StoreError;

    fn try_from(row: RequestRow) -> Result<Open311Request> {
        let rules = crate::decisions::rules(&row.decisions)?;
        let attributes: BTreeMap<String, Vec<String>> = match row.service_attributes {
            Some(text) => serde_json::from_str(&text)
                .map_err(|e| StoreError::Corrupt(format!("service_attributes: {e}")))?,
            None => BTreeMap::new(),
        };
        Ok(Open311Request {
            number: number(&row.number)?,
            service_code: row.service_code,
            kind: Kind::parse(&row.kind)
                .ok_or_else(|| StoreError::Corrupt(format!("kind {:?}", row.kind)))?,
            subject: row.subject,
            body: row.body,
            address: row.address,
            location: row
                .latitude
                .zip(row.longitude)
                .and_then(|(lat, long)| GeoPoint::new(lat, long)),
            media_url: row.media_url,
            attributes,
            status: parse_status(&row.status)?,
            considered: row.considered,
            rules,
            received_at: parse_timestamp(&row.received_at)?,
            updated_at: timestamp_opt(row.updated_at)?,
            answer_due: parse_date(row.answer_due)?,
            department_name: row.department_name,
            forwarded_to: row.forwarded_to,
            not_considered_rule: row.not_considered_rule,
            duplicate_of: row.duplicate_of_number.as_deref().map(number).transpose()?,
            anonymised: row.anonymised_at.is_some(),
            history: Vec::new(),
        })
    }
}

pub async fn requests(read: &DbPool, query: &Open311Query) -> Result<Vec<Open311Request>> {
    let mut q: QueryBuilder<Db> = QueryBuilder::new(
        "SELECT s.id, s.number, s.service_code, s.kind, s.subject, s.body, s.address, s.latitude,
                s.longitude, s.media_url, s.service_attributes, s.status, s.considered,
                s.decisions, s.received_at, s.updated_at, s.answer_due, s.forwarded_to,
                s.not_considered_rule, s.anonymised_at, d.name AS department_name,
                o.number AS duplicate_of_number
         FROM submissions s
         LEFT JOIN departments d ON d.id = s.department_id
         LEFT JOIN submissions o ON o.id = s.duplicate_of
         WHERE s.service_code IS NOT NULL AND s.sealed = false",
    );
    if !query.numbers.is_empty() {
        q.push(" AND s.number IN (");
        let mut list = q.separated(", ");
        for n in &query.numbers {
            list.push_bind(n.to_string());
        }
        q.push(")");
    } else {
        if !query.service_codes.is_empty() {
            q.push(" AND s.service_code IN (");
            let mut list = q.separated(", ");
            for code in &query.service_codes {
                list.push_bind(code.clone());
            }
            q.push(")");
        }
        if let Some(from) = query.from {
            q.push(" AND s.received_at >= ").push_bind(bound(from));
        }
        if let Some(to) = query.to {
            q.push(" AND s.received_at <= ").push_bind(bound(to));
        }
        if let Some(open) = query.open {
            q.push(" AND s.status IN (");
            let mut list = q.separated(", ");
            for status in statuses(open) {
                list.push_bind(status);
            }
            q.push(")");
        }
    }
    q.push(" ORDER BY s.received_at DESC, s.id DESC LIMIT ")
        .push_bind(i64::from(query.limit.clamp(1, MAX_ROWS)))
        .push(" OFFSET ")
        .push_bind(i64::from(query.offset));
    let rows = q.build_query_as::<RequestRow>().fetch_all(read).await?;
    let mut ids = Vec::with_capacity(rows.len());
    let mut list = Vec::with_capacity(rows.len());
    for row in rows {
        ids.push(row.id);
        list.push(Open311Request::try_from(row)?);
    }
    if query.with_history && !ids.is_empty() {
        let mut history = histories(read, &ids).await?;
        for (id, item) in ids.iter().zip(list.iter_mut()) {
            item.history = history.remove(id).unwrap_or_default();
        }
    }
    Ok(list)
}

/// The citizen-visible history of several cases at once.
async fn histories(read: &DbPool, ids: &[i64]) -> Result<HashMap<i64, Vec<CaseEvent>>> {
    let mut q: QueryBuilder<Db> = QueryBuilder::new(
        "SELECT submission_id, at, status, note_bg, note_en FROM case_events
         WHERE submission_id IN (",
    );
    let mut list = q.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    q.push(") ORDER BY id");
    let rows = q.build_query_as::<HistoryRow>().fetch_all(read).await?;
    let mut map: HashMap<i64, Vec<CaseEvent>> = HashMap::new();
    for row in rows {
        map.entry(row.submission_id)
            .or_default()
            .push(row.event.try_into()?);
    }
    Ok(map)
}

/// A step of a case's history, with the case it belongs to.
#[derive(sqlx::FromRow)]
struct HistoryRow {
    submission_id: i64,
    #[sqlx(flatten)]
    event: super::cases::EventRow,
}

pub async fn updates(read: &DbPool, query: &Open311UpdatesQuery) -> Result<Vec<Open311Update>> {
    let mut q: QueryBuilder<Db> = QueryBuilder::new(
        "SELECT e.id, e.at, e.status, s.number, s.service_code
         FROM case_events e JOIN submissions s ON s.id = e.submission_id
         WHERE s.service_code IS NOT NULL AND s.sealed = false",
    );
    if let Some(from) = query.from {
        q.push(" AND e.at >= ").push_bind(bound(from));
    }
    if let Some(to) = query.to {
        q.push(" AND e.at <= ").push_bind(bound(to));
    }
    q.push(" ORDER BY e.id LIMIT ")
        .push_bind(i64::from(query.limit.clamp(1, MAX_ROWS)))
        .push(" OFFSET ")
        .push_bind(i64::from(query.offset));
    q.build_query_as::<UpdateRow>()
        .fetch_all(read)
        .await?
        .into_iter()
        .map(Open311Update::try_from)
        .collect()
}

/// A step in the life of an Open311 request as read.
#[derive(sqlx::FromRow)]
struct UpdateRow {
    id: i64,
    at: String,
    status: String,
    number: String,
    service_code: String,
}

impl TryFrom<UpdateRow> for Open311Update {
    type Error = StoreError;

    fn try_from(row: UpdateRow) -> Result<Open311Update> {
        Ok(Open311Update {
            id: row.id,
            number: number(&row.number)?,
            service_code: row.service_code,
            status: parse_status(&row.status)?,
            at: parse_timestamp(&row.at)?,
        })
    }
}

pub async fn token(read: &DbPool, token: &str) -> Result<Option<RegistrationNumber>> {
    let found: Option<String> = sqlx::query_scalar(
        "SELECT number FROM submissions WHERE open311_token = $1 AND sealed = false",
    )
    .bind(token)
    .fetch_optional(read)
    .await?;
    found.as_deref().map(number).transpose()
}

/// An `api_keys` row without its hash.
#[derive(sqlx::FromRow)]
struct ApiKeyRow {
    id: i64,
    name: String,
    key_prefix: String,
    token_responses: bool,
    created_at: String,
    created_by: String,
    revoked_at: Option<String>,
}

impl TryFrom<ApiKeyRow> for ApiKey {
    type Error = StoreError;

    fn try_from(row: ApiKeyRow) -> Result<ApiKey> {
        Ok(ApiKey {
            id: row.id,
            name: row.name,
            key_prefix: row.key_prefix,
            token_responses: row.token_responses,
            created_at: parse_timestamp(&row.created_at)?,
            created_by: row.created_by,
            revoked_at: timestamp_opt(row.revoked_at)?,
        })
    }
}

fn api_key(row: &DbRow) -> Result<ApiKey> {
    ApiKeyRow::from_row(row)?.try_into()
}

const API_KEY_COLUMNS: &str =
    "id, name, key_prefix, token_responses, created_at, created_by, revoked_at";

pub async fn create_api_key(
    write: &DbPool,
    key: NewApiKey,
    at: Timestamp,
    actor: &str,
) -> Result<ApiKey> {
    let at_text = at.to_string();
    let mut tx = super::begin_write(write).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO api_keys (name, key_hash, key_prefix, token_responses, created_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(&key.name)
    .bind(&key.key_hash)
    .bind(&key.key_prefix)
    .bind(key.token_responses)
    .bind(&at_text)
    .bind(actor)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            StoreError::Duplicate("API key".into())
        } else {
            e.into()
        }
    })?;
    let details = details_json(&json!({
        "api_key_id": id, "name": key.name, "prefix": key.key_prefix,
        "token_responses": key.token_responses,
    }))?;
    append(
        &mut tx,
        &at_text,
        actor,
        "api_key_add",
        None,
        &details,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(ApiKey {
        id,
        name: key.name,
        key_prefix: key.key_prefix,
        token_responses: key.token_responses,
        created_at: at,
        created_by: actor.to_owned(),
        revoked_at: None,
    })
}

pub async fn api_keys(read: &DbPool) -> Result<Vec<ApiKey>> {
    let rows = sqlx::query(&format!(
        "SELECT {API_KEY_COLUMNS} FROM api_keys ORDER BY id"
    ))
    .fetch_all(read)
    .await?;
    rows.iter().map(api_key).collect()
}

pub async fn api_key_by_hash(read: &DbPool, key_hash: &str) -> Result<Option<ApiKey>> {
    let row = sqlx::query(&format!(
        "SELECT {API_KEY_COLUMNS} FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL"
    ))
    .bind(key_hash)
    .fetch_optional(read)
    .await?;
    row.as_ref().map(api_key).transpose()
}

pub async fn revoke_api_key(
    write: &DbPool,
    id: i64,
    at: Timestamp,
    actor: &str,
) -> Result<Option<ApiKey>> {
    let at_text = at.to_string();
    let mut tx = super::begin_write(write).await?;
    let row = sqlx::query(&format!(
        "SELECT {API_KEY_COLUMNS} FROM api_keys WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        tx.commit().await?;
        return Ok(None);
    };
    let mut key = api_key(&row)?;
    if key.revoked_at.is_none() {
        sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2")
            .bind(&at_text)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let details = details_json(&json!({ "api_key_id": id, "name": key.name }))?;
        append(
            &mut tx,
            &at_text,
            actor,
            "api_key_revoke",
            None,
            &details,
            None,
        )
        .await?;
        key.revoked_at = Some(at);
    }
    tx.commit().await?;
    Ok(Some(key))
}
