// Sign-in failures per account and client address (migration 0019): a refusal holds for one
// address only, so guessing from one place never keeps the owner out at another. Names that are
// no account are counted the same way (under a hash of the name), so the answers tell nobody
// which names exist. The account's own columns keep a summary: `failed_logins` (wrong passwords
// since the last success, from anywhere), `locked_until` (the latest refusal of any address,
// for the administrators' page) and what the owner is told at the next sign-in.

use super::journal::{append, details_json};
use super::{DbPool, DbRow};
use crate::model::{
    LockoutPolicy, MailOnRefusal, MissedSignIns, SignInAttempt, SignInFailure, SignInStanding,
};
use crate::rows::parse_timestamp;
use crate::{Result, StoreError};
use jiff::{SignedDuration, Timestamp};
use priemna_domain::UserId;
use serde_json::json;
use sqlx::Row;

/// Failures from an address that then tried nothing for this long are forgotten (a refusal
/// lasts an hour at most).
const FORGET_AFTER: SignedDuration = SignedDuration::from_hours(24);
/// The owner is e-mailed about refused addresses at most once in this long.
const MAIL_AT_MOST_EVERY: SignedDuration = SignedDuration::from_hours(24);

/// A moment as stored here: whole seconds, UTC, so that text compares as time does.
fn moment(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn before(at: Timestamp, span: SignedDuration) -> Result<Timestamp> {
    at.checked_sub(span)
        .map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn optional_moment(row: &DbRow, column: &str) -> Result<Option<Timestamp>> {
    let text: Option<String> = row.try_get(column)?;
    text.as_deref().map(parse_timestamp).transpose()
}

fn actor(owner: Option<UserId>) -> String {
    owner.map_or_else(|| "anonymous".to_owned(), |id| format!("user:{id}"))
}

/// Where `account` stands for `client`, counting the addresses that failed on it since `since`.
pub async fn standing(
    read: &DbPool,
    account: &str,
    client: &str,
    since: Timestamp,
) -> Result<SignInStanding> {
    let refused_until = match sqlx::query(
        "SELECT refused_until FROM sign_in_failures WHERE account = $1 AND client = $2",
    )
    .bind(account)
    .bind(client)
    .fetch_optional(read)
    .await?
    {
        Some(row) => optional_moment(&row, "refused_until")?,
        None => None,
    };
    let failing_addresses: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sign_in_failures
         WHERE account = $1 AND failures > 0 AND last_at >= $2",
    )
    .bind(account)
    .bind(moment(since))
    .fetch_one(read)
    .await?;
    Ok(SignInStanding {
        refused_until,
        failing_addresses,
    })
}

/// Adds one attempt to what the owner will be told, and to the account's summary.
async fn tell_owner(
    tx: &mut super::DbConn,
    user_id: UserId,
    client: &str,
    at: &str,
    failed_password: bool,
) -> Result<()> {
    sqlx::query(
        "UPDATE users SET unseen_failures = unseen_failures + 1, unseen_failure_at = $1,
                          unseen_failure_from = $2, failed_logins = failed_logins + $3
         WHERE id = $4",
    )
    .bind(at)
    .bind(client)
    .bind(i64::from(failed_password))
    .bind(user_id.0)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The latest refusal of any address of the account, kept in `users.locked_until`.
async fn refresh_latest_refusal(tx: &mut super::DbConn, user_id: UserId) -> Result<()> {
    let latest: Option<String> = sqlx::query_scalar(
        "SELECT MAX(refused_until) FROM sign_in_failures WHERE account = $1",
    )
    .bind(SignInAttempt::user_account(user_id))
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("UPDATE users SET locked_until = $1 WHERE id = $2")
        .bind(latest)
        .bind(user_id.0)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// A wrong password (or a name that is no account) from the attempt's client: counted, and from
/// the `policy.max_failures`-th in a row on the address refused for `policy.lock_for(n)` (n:
/// the failures past the allowance), so each further failure waits longer. Failures from an
/// address quiet for a day are forgotten first. For an owner, `mail(outcome)` writes the
/// e-mail, queued when this failure begins a refusal and the owner was not e-mailed in the day
/// before.
pub async fn record_failure(
    write: &DbPool,
    attempt: SignInAttempt<'_>,
    policy: LockoutPolicy,
    at: Timestamp,
    mail: &MailOnRefusal<'_>,
) -> Result<SignInFailure> {
    let now = moment(at);
    let mut tx = super::begin_write(write).await?;
    // Rows whose last attempt was a day ago, and whose refusal is over, are forgotten.
    let forget_before = moment(before(at, FORGET_AFTER)?);
    sqlx::query(
        "DELETE FROM sign_in_failures WHERE last_at < $1
         AND (refused_until IS NULL OR refused_until <= $2)",
    )
    .bind(&forget_before)
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    let earlier: i64 = sqlx::query_scalar(
        "SELECT failures FROM sign_in_failures WHERE account = $1 AND client = $2",
    )
    .bind(attempt.account)
    .bind(attempt.client)
    .fetch_optional(&mut *tx)
    .await?
    .unwrap_or(0);
    let failures = earlier.saturating_add(1);
    let refused_until = if failures >= policy.max_failures {
        let past = failures.saturating_sub(policy.max_failures);
        Some(
            at.checked_add(policy.lock_for(past))
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        )
    } else {
        None
    };
    sqlx::query(
        "INSERT INTO sign_in_failures (account, client, failures, refused_until, first_at, last_at)
         VALUES ($1, $2, $3, $4, $5, $5)
         ON CONFLICT (account, client) DO UPDATE
         SET failures = excluded.failures, refused_until = excluded.refused_until,
             last_at = excluded.last_at",
    )
    .bind(attempt.account)
    .bind(attempt.client)
    .bind(failures)
    .bind(refused_until.map(moment))
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    let mut mailed = false;
    if let Some(user_id) = attempt.owner {
        tell_owner(&mut tx, user_id, attempt.client, &now, true).await?;
        refresh_latest_refusal(&mut tx, user_id).await?;
        if refused_until.is_some() {
            let last_mail: Option<String> =
                sqlx::query_scalar("SELECT failures_mailed_at FROM users WHERE id = $1")
                    .bind(user_id.0)
                    .fetch_one(&mut *tx)
                    .await?;
            let recently = moment(before(at, MAIL_AT_MOST_EVERY)?);
            let message = mail(&SignInFailure {
                failures,
                refused_until,
                mailed: true,
            });
            if let Some(message) = message.filter(|_| last_mail.is_none_or(|m| m <= recently)) {
                super::outbox::enqueue(&mut tx, None, &[message], &[], &at.to_string(), None, None)
                    .await?;
                sqlx::query("UPDATE users SET failures_mailed_at = $1 WHERE id = $2")
                    .bind(&now)
                    .bind(user_id.0)
                    .execute(&mut *tx)
                    .await?;
                mailed = true;
            }
        }
    }
    let details = details_json(&json!({
        "user_id": attempt.owner, "known_user": attempt.owner.is_some(),
        "client": attempt.client, "failures": failures,
        "refused_until": refused_until.map(|t| t.to_string()), "owner_mailed": mailed,
    }))?;
    append(
        &mut tx,
        &at.to_string(),
        &actor(attempt.owner),
        "login_failed",
        None,
        &details,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(SignInFailure {
        failures,
        refused_until,
        mailed,
    })
}

/// An attempt from the client while its refusal holds: the password was not looked at.
/// Counted for the owner and journalled; the refusal is not lengthened.
pub async fn record_refused(write: &DbPool, attempt: SignInAttempt<'_>, at: Timestamp) -> Result<()> {
    let now = moment(at);
    let mut tx = super::begin_write(write).await?;
    let refused_until: Option<String> = sqlx::query_scalar(
        "UPDATE sign_in_failures SET refused = refused + 1, last_at = $1
         WHERE account = $2 AND client = $3 RETURNING refused_until",
    )
    .bind(&now)
    .bind(attempt.account)
    .bind(attempt.client)
    .fetch_optional(&mut *tx)
    .await?
    .flatten();
    if let Some(user_id) = attempt.owner {
        tell_owner(&mut tx, user_id, attempt.client, &now, false).await?;
    }
    let details = details_json(&json!({
        "user_id": attempt.owner, "known_user": attempt.owner.is_some(),
        "client": attempt.client,
        "refused_until": refused_until.as_deref().map(parse_timestamp).transpose()?
            .map(|t| t.to_string()),
    }))?;
    append(
        &mut tx,
        &at.to_string(),
        &actor(attempt.owner),
        "login_refused",
        None,
        &details,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A successful sign-in from `client` (journalled): that address's failures are forgotten
/// (other addresses' stay), and what the owner had not yet been told is handed back, once.
pub async fn record_success(
    write: &DbPool,
    user_id: UserId,
    client: &str,
    at: Timestamp,
) -> Result<Option<MissedSignIns>> {
    let mut tx = super::begin_write(write).await?;
    let row = sqlx::query(
        "SELECT unseen_failures, unseen_failure_at, unseen_failure_from FROM users WHERE id = $1",
    )
    .bind(user_id.0)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| StoreError::NotFound(format!("user {user_id}")))?;
    let count: i64 = row.try_get("unseen_failures")?;
    let last_at = optional_moment(&row, "unseen_failure_at")?;
    let last_from: Option<String> = row.try_get("unseen_failure_from")?;
    let missed = match (count, last_at, last_from) {
        (1.., Some(last_at), Some(last_from)) => Some(MissedSignIns {
            count,
            last_at,
            last_from,
        }),
        _ => None,
    };
    sqlx::query("DELETE FROM sign_in_failures WHERE account = $1 AND client = $2")
        .bind(SignInAttempt::user_account(user_id))
        .bind(client)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE users SET failed_logins = 0, lockouts = 0, unseen_failures = 0,
                          unseen_failure_at = NULL, unseen_failure_from = NULL
         WHERE id = $1",
    )
    .bind(user_id.0)
    .execute(&mut *tx)
    .await?;
    refresh_latest_refusal(&mut tx, user_id).await?;
    let details = details_json(&json!({ "user_id": user_id, "client": client }))?;
    append(
        &mut tx,
        &at.to_string(),
        &format!("user:{user_id}"),
        "login",
        None,
        &details,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(missed)
}

/// An administrator ends every refusal of the account and forgets its failures (journalled).
pub async fn unlock(write: &DbPool, user_id: UserId, at: Timestamp, actor: &str) -> Result<()> {
    let mut tx = super::begin_write(write).await?;
    let before: Option<(i64, Option<String>)> =
        sqlx::query_as("SELECT failed_logins, locked_until FROM users WHERE id = $1")
            .bind(user_id.0)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((failed_logins, locked_until)) = before else {
        return Err(StoreError::NotFound(format!("user {user_id}")));
    };
    let addresses = sqlx::query("DELETE FROM sign_in_failures WHERE account = $1")
        .bind(SignInAttempt::user_account(user_id))
        .execute(&mut *tx)
        .await?
        .rows_affected();
    sqlx::query(
        "UPDATE users SET failed_logins = 0, locked_until = NULL, lockouts = 0 WHERE id = $1",
    )
    .bind(user_id.0)
    .execute(&mut *tx)
    .await?;
    let details = details_json(&json!({
        "user_id": user_id,
        "before": { "failed_logins": failed_logins, "locked_until": locked_until,
                    "addresses": addresses },
    }))?;
    append(
        &mut tx,
        &at.to_string(),
        actor,
        "user_unlock",
        None,
        &details,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Keeps the notice a new session shows on the start page.
pub async fn set_session_notice(write: &DbPool, token_hash: &str, notice: &str) -> Result<()> {
    sqlx::query("UPDATE sessions SET sign_in_notice = $1 WHERE token_hash = $2")
        .bind(notice)
        .bind(token_hash)
        .execute(write)
        .await?;
    Ok(())
}

pub async fn session_notice(read: &DbPool, token_hash: &str) -> Result<Option<String>> {
    let notice: Option<Option<String>> =
        sqlx::query_scalar("SELECT sign_in_notice FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(read)
            .await?;
    Ok(notice.flatten())
}

/// The database's key for hashing names that are no account (migration 0019).
pub async fn key(read: &DbPool) -> Result<String> {
    Ok(
        sqlx::query_scalar("SELECT secret FROM sign_in_key WHERE id = 1")
            .fetch_one(read)
            .await?,
    )
}
