// Staff, departments and sessions.

use super::journal::{append, details_json};
use crate::rows::{is_unique_violation, parse_timestamp};
use crate::model::{
    AccountState, Department, StaffChangeState, NewMessage, NewUser, Session, StaffChange,
    StaffChangeRequest, StaffDecision, User,
};
use crate::{Result, StoreError};
use jiff::Timestamp;
use priemna_domain::access::Role;
use priemna_domain::{DepartmentId, UserId};
use serde_json::json;
use super::{DbConn, DbPool, DbRow};
use sqlx::FromRow;

/// A `users` row as stored.
#[derive(sqlx::FromRow)]
pub(super) struct UserRow {
    pub(super) id: i64,
    pub(super) username: String,
    pub(super) display_name: String,
    pub(super) role: String,
    pub(super) department_id: Option<i64>,
    pub(super) corruption_officer: bool,
    pub(super) active: bool,
    pub(super) password_hash: String,
    pub(super) failed_logins: i64,
    pub(super) locked_until: Option<String>,
    pub(super) lockouts: i64,
    pub(super) must_change_password: bool,
    pub(super) email: Option<String>,
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;

    fn try_from(row: UserRow) -> Result<User> {
        Ok(User {
            id: UserId(row.id),
            role: Role::parse(&row.role)
                .ok_or_else(|| StoreError::Corrupt(format!("role {:?}", row.role)))?,
            username: row.username,
            display_name: row.display_name,
            department_id: row.department_id.map(DepartmentId),
            corruption_officer: row.corruption_officer,
            active: row.active,
            password_hash: row.password_hash,
            failed_logins: row.failed_logins,
            locked_until: row.locked_until.as_deref().map(parse_timestamp).transpose()?,
            lockouts: row.lockouts,
            must_change_password: row.must_change_password,
            email: row.email,
        })
    }
}

fn user(row: &DbRow) -> Result<User> {
    UserRow::from_row(row)?.try_into()
}

fn state_json(x: &AccountState) -> serde_json::Value {
    json!({ "role": x.role.as_str(), "department_id": x.department_id,
            "corruption_officer": x.corruption_officer, "active": x.active,
            "display_name": x.display_name, "email": x.email })
}

fn state_from_json(text: &str) -> Result<AccountState> {
    let v: serde_json::Value =
        serde_json::from_str(text).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let corrupt = || StoreError::Corrupt(format!("staff change {text:?}"));
    let role = v["role"].as_str().and_then(Role::parse).ok_or_else(corrupt)?;
    Ok(AccountState {
        role,
        department_id: v["department_id"].as_i64().map(DepartmentId),
        corruption_officer: v["corruption_officer"].as_bool().ok_or_else(corrupt)?,
        active: v["active"].as_bool().ok_or_else(corrupt)?,
        display_name: v["display_name"].as_str().ok_or_else(corrupt)?.to_owned(),
        email: v["email"].as_str().map(str::to_owned),
    })
}

/// What the journal keeps of an account's state (no e-mail address, only whether there is one).
fn state_summary(x: &AccountState) -> serde_json::Value {
    json!({ "role": x.role.as_str(), "department_id": x.department_id,
            "corruption_officer": x.corruption_officer, "active": x.active,
            "display_name": x.display_name, "has_email": x.email.is_some() })
}

pub async fn create_department(
    write: &DbPool,
    name: &str,
    at: Timestamp,
    actor: &str,
) -> Result<Department> {
    let mut tx = super::begin_write(write).await?;
    let id: i64 = sqlx::query_scalar("INSERT INTO departments (name) VALUES ($1) RETURNING id")
        .bind(name)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                StoreError::Duplicate(format!("department {name}"))
            } else {
                e.into()
            }
        })?;
    let details = details_json(&json!({ "department_id": id, "name": name }))?;
    append(
        &mut tx,
        &at.to_string(),
        actor,
        "department_add",
        None,
        &details,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(Department {
        id: DepartmentId(id),
        name: name.to_owned(),
        head_user_id: None,
    })
}

pub async fn set_department_head(
    write: &DbPool,
    department_id: DepartmentId,
    head: Option<UserId>,
    at: Timestamp,
    actor: &str,
) -> Result<()> {
    let mut tx = super::begin_write(write).await?;
    let before: Option<Option<i64>> =
        sqlx::query_scalar("SELECT head_user_id FROM departments WHERE id = $1")
            .bind(department_id.0)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(before) = before else {
        return Err(StoreError::NotFound(format!("department {department_id}")));
    };
    if let Some(head) = head {
        let known: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE id = $1")
            .bind(head.0)
            .fetch_optional(&mut *tx)
            .await?;
        if known.is_none() {
            return Err(StoreError::MissingReference {
                field: "head_user_id".into(),
            });
        }
    }
    sqlx::query("UPDATE departments SET head_user_id = $1 WHERE id = $2")
        .bind(head.map(i64::from))
        .bind(department_id.0)
        .execute(&mut *tx)
        .await?;
    let details = details_json(&json!({
        "department_id": department_id, "before": { "head_user_id": before },
        "after": { "head_user_id": head },
    }))?;
    append(
        &mut tx,
        &at.to_string(),
        actor,
        "department_head",
        None,
        &details,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn departments(read: &DbPool) -> Result<Vec<Department>> {
    let rows: Vec<(i64, String, Option<i64>)> =
        sqlx::query_as("SELECT id, name, head_user_id FROM departments ORDER BY name")
            .fetch_all(read)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, head)| Department {
            id: DepartmentId(id),
            name,
            head_user_id: head.map(UserId),
        })
        .collect())
}

pub async fn create_user(
    write: &DbPool,
    new: NewUser,
    at: Timestamp,
    actor: &str,
    messages: &[NewMessage],
) -> Result<User> {
    let mut tx = super::begin_write(write).await?;
    let row = sqlx::query(
        "INSERT INTO users (username, display_name, role, department_id, corruption_officer,
                            password_hash, created_at, email, active)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *",
    )
    .bind(&new.username)
    .bind(&new.display_name)
    .bind(new.role.as_str())
    .bind(new.department_id.map(i64::from))
    .bind(new.corruption_officer)
    .bind(&new.password_hash)
    .bind(at.to_string())
    .bind(&new.email)
    .bind(new.active)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            StoreError::Duplicate(format!("user {}", new.username))
        } else {
            StoreError::referring("department_id")(e)
        }
    })?;
    let created = user(&row)?;
    let details = details_json(&json!({
        "user_id": created.id, "username": created.username, "role": created.role.as_str(),
        "department_id": created.department_id, "corruption_officer": created.corruption_officer,
        "active": created.active,
    }))?;
    append(
        &mut tx,
        &at.to_string(),
        actor,
        "user_add",
        None,
        &details,
        None,
    )
    .await?;
    super::outbox::enqueue(&mut tx, None, messages, &[], &at.to_string(), None, None).await?;
    tx.commit().await?;
    Ok(created)
}

/// Writes `u`'s changeable fields inside the caller's transaction and journals the change
/// (`extra` joins the journal's details). Fails with `NotFound` for an unknown account.
async fn write_user(
    tx: &mut DbConn,
    u: &User,
    at: Timestamp,
    actor: &str,
    extra: serde_json::Value,
) -> Result<()> {
    let Some(before) = sqlx::query("SELECT * FROM users WHERE id = $1")
        .bind(u.id.0)
        .fetch_optional(&mut *tx)
        .await?
    else {
        return Err(StoreError::NotFound(format!("user {}", u.id)));
    };
    let before = user(&before)?;
    sqlx::query(
        "UPDATE users SET display_name = $1, role = $2, department_id = $3,
                          corruption_officer = $4, active = $5, email = $6 WHERE id = $7",
    )
    .bind(&u.display_name)
    .bind(u.role.as_str())
    .bind(u.department_id.map(i64::from))
    .bind(u.corruption_officer)
    .bind(u.active)
    .bind(&u.email)
    .bind(u.id.0)
    .execute(&mut *tx)
    .await
    .map_err(StoreError::referring("department_id"))?;
    if !u.active {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(u.id.0)
            .execute(&mut *tx)
            .await?;
    }
    let mut details = json!({
        "user_id": u.id, "before": state_summary(&before.state()),
        "after": state_summary(&u.state()),
    });
    if let (Some(d), Some(extra)) = (details.as_object_mut(), extra.as_object()) {
        d.extend(extra.clone());
    }
    let details = details_json(&details)?;
    append(
        tx,
        &at.to_string(),
        actor,
        "user_update",
        None,
        &details,
        None,
    )
    .await?;
    Ok(())
}

pub async fn update_user(
    write: &DbPool,
    u: &User,
    at: Timestamp,
    actor: &str,
    messages: &[NewMessage],
) -> Result<()> {
    let mut tx = super::begin_write(write).await?;
    write_user(&mut tx, u, at, actor, json!({})).await?;
    super::outbox::enqueue(&mut tx, None, messages, &[], &at.to_string(), None, None).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn user_by_username(read: &DbPool, username: &str) -> Result<Option<User>> {
    sqlx::query("SELECT * FROM users WHERE username = $1")
        .bind(username)
        .fetch_optional(read)
        .await?
        .as_ref()
        .map(user)
        .transpose()
}

pub async fn user_by_id(read: &DbPool, id: UserId) -> Result<Option<User>> {
    sqlx::query("SELECT * FROM users WHERE id = $1")
        .bind(id.0)
        .fetch_optional(read)
        .await?
        .as_ref()
        .map(user)
        .transpose()
}

pub async fn users(read: &DbPool) -> Result<Vec<User>> {
    let rows = sqlx::query("SELECT * FROM users ORDER BY display_name")
        .fetch_all(read)
        .await?;
    rows.iter().map(user).collect()
}

/// Sets a password inside the caller's transaction (see `set_password`).
async fn write_password(
    tx: &mut DbConn,
    user_id: UserId,
    hash: &str,
    must_change: bool,
    keep_session: Option<&str>,
) -> Result<()> {
    let changed = sqlx::query(
        "UPDATE users SET password_hash = $1, must_change_password = $2, failed_logins = 0,
                          locked_until = NULL, lockouts = 0
         WHERE id = $3",
    )
    .bind(hash)
    .bind(must_change)
    .bind(user_id.0)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 0 {
        return Err(StoreError::NotFound(format!("user {user_id}")));
    }
    // A new password ends every other session of the account.
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user_id.0)
        .bind(keep_session.unwrap_or(""))
        .execute(&mut *tx)
        .await?;
    Ok(())
}

pub async fn set_password(
    write: &DbPool,
    user_id: UserId,
    hash: &str,
    must_change: bool,
    keep_session: Option<&str>,
    at: Timestamp,
    actor: &str,
) -> Result<()> {
    let mut tx = super::begin_write(write).await?;
    write_password(&mut tx, user_id, hash, must_change, keep_session).await?;
    let (action, details) = if must_change {
        ("password_reset", json!({ "user_id": user_id, "must_change": true }))
    } else {
        ("password_change", json!({ "user_id": user_id }))
    };
    append(
        &mut tx,
        &at.to_string(),
        actor,
        action,
        None,
        &details_json(&details)?,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A `staff_changes` row with the names of the account and of who asked.
#[derive(sqlx::FromRow)]
struct ChangeRow {
    id: i64,
    user_id: i64,
    username: String,
    before: String,
    after: String,
    reset_password: bool,
    requested_by: i64,
    requested_by_name: String,
    requested_at: String,
    state: String,
    decided_by: Option<String>,
    decided_at: Option<String>,
}

impl TryFrom<ChangeRow> for StaffChange {
    type Error = StoreError;

    fn try_from(row: ChangeRow) -> Result<StaffChange> {
        Ok(StaffChange {
            id: row.id,
            user_id: UserId(row.user_id),
            username: row.username,
            before: state_from_json(&row.before)?,
            after: state_from_json(&row.after)?,
            reset_password: row.reset_password,
            requested_by: UserId(row.requested_by),
            requested_by_name: row.requested_by_name,
            requested_at: parse_timestamp(&row.requested_at)?,
            state: StaffChangeState::parse(&row.state)
                .ok_or_else(|| StoreError::Corrupt(format!("staff change state {:?}", row.state)))?,
            decided_by: row.decided_by,
            decided_at: row.decided_at.as_deref().map(parse_timestamp).transpose()?,
        })
    }
}

fn change(row: &DbRow) -> Result<StaffChange> {
    ChangeRow::from_row(row)?.try_into()
}

const CHANGE_SELECT: &str = "SELECT c.*, u.username, r.display_name AS requested_by_name
     FROM staff_changes c JOIN users u ON u.id = c.user_id JOIN users r ON r.id = c.requested_by";

pub async fn changes(
    read: &DbPool,
    pending_only: bool,
    id: Option<i64>,
) -> Result<Vec<StaffChange>> {
    let sql = format!(
        "{CHANGE_SELECT} WHERE ($1 = 0 OR c.state = 'pending') AND ($2 = 0 OR c.id = $3)
         ORDER BY c.id DESC LIMIT 500"
    );
    let rows = sqlx::query(&sql)
        .bind(i64::from(pending_only))
        .bind(i64::from(id.is_some()))
        .bind(id.unwrap_or(0))
        .fetch_all(read)
        .await?;
    rows.iter().map(change).collect()
}

async fn change_in(tx: &mut DbConn, id: i64) -> Result<StaffChange> {
    let row = sqlx::query(&format!("{CHANGE_SELECT} WHERE c.id = $1"))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("staff change {id}")))?;
    change(&row)
}

pub async fn request_change(
    write: &DbPool,
    request: StaffChangeRequest,
    requested_by: UserId,
    at: Timestamp,
    actor: &str,
) -> Result<StaffChange> {
    let mut tx = super::begin_write(write).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO staff_changes (user_id, before, after, reset_password, requested_by,
                                    requested_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(request.user_id.0)
    .bind(details_json(&state_json(&request.before))?)
    .bind(details_json(&state_json(&request.after))?)
    .bind(request.reset_password)
    .bind(requested_by.0)
    .bind(at.to_string())
    .fetch_one(&mut *tx)
    .await?;
    let details = details_json(&json!({
        "change_id": id, "user_id": request.user_id, "requested_by": requested_by,
        "before": state_summary(&request.before), "after": state_summary(&request.after),
        "reset_password": request.reset_password,
    }))?;
    append(
        &mut tx,
        &at.to_string(),
        actor,
        "user_change_requested",
        None,
        &details,
        None,
    )
    .await?;
    let stored = change_in(&mut tx, id).await?;
    tx.commit().await?;
    Ok(stored)
}

pub async fn decide_change(
    write: &DbPool,
    id: i64,
    decided_by: Option<UserId>,
    decision: StaffDecision,
    at: Timestamp,
    actor: &str,
) -> Result<StaffChange> {
    let mut tx = super::begin_write(write).await?;
    let pending = change_in(&mut tx, id).await?;
    if pending.state != StaffChangeState::Pending {
        return Err(StoreError::Conflict(format!(
            "staff change {id} is already {}",
            pending.state
        )));
    }
    if decided_by == Some(pending.requested_by) {
        return Err(StoreError::Conflict(format!(
            "staff change {id}: the administrator who asked cannot decide it"
        )));
    }
    let (state, action) = match &decision {
        StaffDecision::Approve { .. } => (StaffChangeState::Applied, "user_change_approved"),
        StaffDecision::Reject => (StaffChangeState::Rejected, "user_change_rejected"),
    };
    sqlx::query(
        "UPDATE staff_changes SET state = $1, decided_by = $2, decided_by_id = $3,
                                  decided_at = $4
         WHERE id = $5",
    )
    .bind(state.as_str())
    .bind(actor)
    .bind(decided_by.map(i64::from))
    .bind(at.to_string())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let details = details_json(&json!({
        "change_id": id, "user_id": pending.user_id, "requested_by": pending.requested_by,
    }))?;
    append(
        &mut tx,
        &at.to_string(),
        actor,
        action,
        None,
        &details,
        None,
    )
    .await?;
    if let StaffDecision::Approve {
        password_hash,
        messages,
    } = decision
    {
        let Some(row) = sqlx::query("SELECT * FROM users WHERE id = $1")
            .bind(pending.user_id.0)
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Err(StoreError::NotFound(format!("user {}", pending.user_id)));
        };
        let current = user(&row)?;
        if current.state() != pending.before {
            return Err(StoreError::Conflict(format!(
                "staff change {id}: the account changed since it was asked for"
            )));
        }
        let extra = json!({ "change_id": id, "requested_by": pending.requested_by });
        write_user(&mut tx, &current.with_state(&pending.after), at, actor, extra).await?;
        if pending.reset_password {
            let hash = password_hash.ok_or_else(|| {
                StoreError::Corrupt(format!("staff change {id} resets a password; none given"))
            })?;
            write_password(&mut tx, pending.user_id, &hash, true, None).await?;
            let details = details_json(&json!({
                "user_id": pending.user_id, "must_change": true, "change_id": id,
            }))?;
            append(
                &mut tx,
                &at.to_string(),
                actor,
                "password_reset",
                None,
                &details,
                None,
            )
            .await?;
        }
        super::outbox::enqueue(&mut tx, None, &messages, &[], &at.to_string(), None, None)
            .await?;
    }
    let decided = change_in(&mut tx, id).await?;
    tx.commit().await?;
    Ok(decided)
}

pub async fn create_session(
    write: &DbPool,
    token_hash: &str,
    user_id: UserId,
    csrf: &str,
    at: Timestamp,
    expires: Timestamp,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(user_id.0)
    .bind(csrf)
    .bind(at.to_string())
    .bind(expires.to_string())
    .execute(write)
    .await?;
    Ok(())
}

/// The sessions row behind `token_hash` with its user, as stored.
pub(super) async fn session_row(read: &DbPool, token_hash: &str) -> Result<Option<SessionRow>> {
    Ok(sqlx::query_as::<_, SessionRow>(SESSION_SQL)
        .bind(token_hash)
        .fetch_optional(read)
        .await?)
}

/// A session joined with its user (`$1` the token's hash).
pub(super) const SESSION_SQL: &str = "SELECT s.csrf_token, s.expires_at, u.* FROM sessions s \
     JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1";

/// The session a stored row gives, if it is still good at `now` (not expired, its user active).
pub(super) fn live_session(row: SessionRow, now: Timestamp) -> Result<Option<Session>> {
    let session = Session::try_from(row)?;
    if session.expires_at <= now || !session.user.active {
        return Ok(None);
    }
    Ok(Some(session))
}

/// A `sessions` row joined with its user.
#[derive(sqlx::FromRow)]
pub(super) struct SessionRow {
    pub(super) csrf_token: String,
    pub(super) expires_at: String,
    #[sqlx(flatten)]
    pub(super) user: UserRow,
}

impl TryFrom<SessionRow> for Session {
    type Error = StoreError;

    fn try_from(row: SessionRow) -> Result<Session> {
        Ok(Session {
            user: row.user.try_into()?,
            csrf_token: row.csrf_token,
            expires_at: parse_timestamp(&row.expires_at)?,
        })
    }
}

pub async fn delete_session(write: &DbPool, token_hash: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(write)
        .await?;
    Ok(())
}

pub async fn delete_sessions_of(write: &DbPool, user_id: UserId) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id.0)
        .execute(write)
        .await?;
    Ok(())
}
