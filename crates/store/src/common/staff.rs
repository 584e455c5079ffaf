// Staff, departments and sessions.

use super::journal::{append, details_json};
use crate::rows::{is_unique_violation, parse_timestamp};
use crate::model::{Department, NewUser, Session, User};
use crate::{Result, StoreError};
use jiff::Timestamp;
use priemna_domain::access::Role;
use serde_json::json;
use super::{DbPool, DbRow};
use sqlx::Row;

fn user(row: &DbRow) -> Result<User> {
    let role: String = row.try_get("role")?;
    let locked: Option<String> = row.try_get("locked_until")?;
    Ok(User {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        role: Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("role {role:?}")))?,
        department_id: row.try_get("department_id")?,
        corruption_officer: row.try_get("corruption_officer")?,
        active: row.try_get("active")?,
        password_hash: row.try_get("password_hash")?,
        failed_logins: row.try_get("failed_logins")?,
        locked_until: locked.as_deref().map(parse_timestamp).transpose()?,
        email: row.try_get("email")?,
    })
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
        id,
        name: name.to_owned(),
        head_user_id: None,
    })
}

pub async fn set_department_head(
    write: &DbPool,
    department_id: i64,
    head: Option<i64>,
    at: Timestamp,
    actor: &str,
) -> Result<()> {
    let mut tx = super::begin_write(write).await?;
    let before: Option<Option<i64>> =
        sqlx::query_scalar("SELECT head_user_id FROM departments WHERE id = $1")
            .bind(department_id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(before) = before else {
        return Err(StoreError::NotFound(format!("department {department_id}")));
    };
    sqlx::query("UPDATE departments SET head_user_id = $1 WHERE id = $2")
        .bind(head)
        .bind(department_id)
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
    let rows = sqlx::query("SELECT id, name, head_user_id FROM departments ORDER BY name")
        .fetch_all(read)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Department {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                head_user_id: r.try_get("head_user_id")?,
            })
        })
        .collect()
}

pub async fn create_user(
    write: &DbPool,
    new: NewUser,
    at: Timestamp,
    actor: &str,
) -> Result<User> {
    let mut tx = super::begin_write(write).await?;
    let row = sqlx::query(
        "INSERT INTO users (username, display_name, role, department_id, corruption_officer,
                            password_hash, created_at, email)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *",
    )
    .bind(&new.username)
    .bind(&new.display_name)
    .bind(new.role.as_str())
    .bind(new.department_id)
    .bind(new.corruption_officer)
    .bind(&new.password_hash)
    .bind(at.to_string())
    .bind(&new.email)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            StoreError::Duplicate(format!("user {}", new.username))
        } else {
            e.into()
        }
    })?;
    let created = user(&row)?;
    let details = details_json(&json!({
        "user_id": created.id, "username": created.username, "role": created.role.as_str(),
        "department_id": created.department_id, "corruption_officer": created.corruption_officer,
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
    tx.commit().await?;
    Ok(created)
}

pub async fn update_user(write: &DbPool, u: &User, at: Timestamp, actor: &str) -> Result<()> {
    let mut tx = super::begin_write(write).await?;
    let Some(before) = sqlx::query("SELECT * FROM users WHERE id = $1")
        .bind(u.id)
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
    .bind(u.department_id)
    .bind(u.corruption_officer)
    .bind(u.active)
    .bind(&u.email)
    .bind(u.id)
    .execute(&mut *tx)
    .await?;
    if !u.active {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(u.id)
            .execute(&mut *tx)
            .await?;
    }
    let summary = |x: &User| {
        json!({ "role": x.role.as_str(), "department_id": x.department_id,
                "corruption_officer": x.corruption_officer, "active": x.active,
                "display_name": x.display_name, "has_email": x.email.is_some() })
    };
    let details = details_json(&json!({
        "user_id": u.id, "before": summary(&before), "after": summary(u),
    }))?;
    append(
        &mut tx,
        &at.to_string(),
        actor,
        "user_update",
        None,
        &details,
        None,
    )
    .await?;
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

pub async fn user_by_id(read: &DbPool, id: i64) -> Result<Option<User>> {
    sqlx::query("SELECT * FROM users WHERE id = $1")
        .bind(id)
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

pub async fn set_password(
    write: &DbPool,
    user_id: i64,
    hash: &str,
    at: Timestamp,
    actor: &str,
) -> Result<()> {
    let mut tx = super::begin_write(write).await?;
    let changed = sqlx::query(
        "UPDATE users SET password_hash = $1, failed_logins = 0, locked_until = NULL WHERE id = $2",
    )
    .bind(hash)
    .bind(user_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 0 {
        return Err(StoreError::NotFound(format!("user {user_id}")));
    }
    // A new password ends every other session of the account.
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    let details = details_json(&json!({ "user_id": user_id }))?;
    append(
        &mut tx,
        &at.to_string(),
        actor,
        "password_change",
        None,
        &details,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn record_login(
    write: &DbPool,
    user_id: i64,
    success: bool,
    locked_until: Option<Timestamp>,
    at: Timestamp,
) -> Result<()> {
    let mut tx = super::begin_write(write).await?;
    if success {
        sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
    } else {
        sqlx::query(
            "UPDATE users SET failed_logins = failed_logins + 1, locked_until = $1 WHERE id = $2",
        )
        .bind(locked_until.map(|t| t.to_string()))
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    }
    let action = if success { "login" } else { "login_failed" };
    let details = details_json(&json!({
        "user_id": user_id, "locked_until": locked_until.map(|t| t.to_string()),
    }))?;
    let actor = format!("user:{user_id}");
    append(
        &mut tx,
        &at.to_string(),
        &actor,
        action,
        None,
        &details,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn create_session(
    write: &DbPool,
    token_hash: &str,
    user_id: i64,
    csrf: &str,
    at: Timestamp,
    expires: Timestamp,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(csrf)
    .bind(at.to_string())
    .bind(expires.to_string())
    .execute(write)
    .await?;
    Ok(())
}

pub async fn session(
    read: &DbPool,
    token_hash: &str,
    now: Timestamp,
) -> Result<Option<Session>> {
    let Some(row) = sqlx::query(
        "SELECT s.csrf_token, s.expires_at, u.* FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(read)
    .await?
    else {
        return Ok(None);
    };
    let expires: String = row.try_get("expires_at")?;
    let expires_at = parse_timestamp(&expires)?;
    let user = user(&row)?;
    if expires_at <= now || !user.active {
        return Ok(None);
    }
    Ok(Some(Session {
        user,
        csrf_token: row.try_get("csrf_token")?,
        expires_at,
    }))
}

pub async fn delete_session(write: &DbPool, token_hash: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(write)
        .await?;
    Ok(())
}

pub async fn delete_sessions_of(write: &DbPool, user_id: i64) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(write)
        .await?;
    Ok(())
}
