//! Staff authentication: argon2id passwords, server-side sessions, CSRF tokens, lock-out.
//!
//! A session is a random token; the browser holds it in an HttpOnly cookie, an integration
//! sends it as `Authorization: Bearer …`. Only its SHA-256 is stored. Requests authenticated by
//! the cookie must also carry the session's CSRF token (form field or `X-CSRF-Token` header)
//! on anything that changes state; bearer requests cannot be forged cross-site and need none.

use crate::AppState;
use crate::error::ApiError;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use jiff::{SignedDuration, Timestamp};
use priemna_domain::submission::{FieldError, Problem};
use priemna_store::{Session, User};
use rand::Rng;
use sha2::{Digest, Sha256};

pub const SESSION_COOKIE: &str = "priemna_session";
pub const CSRF_HEADER: &str = "x-csrf-token";
pub const SESSION_LENGTH: SignedDuration = SignedDuration::from_hours(8);
/// Failed logins in a row before the account is locked for `LOCKOUT`.
pub const MAX_FAILED_LOGINS: i64 = 5;
pub const LOCKOUT: SignedDuration = SignedDuration::from_mins(15);
pub const MIN_PASSWORD_CHARS: usize = 10;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn random_token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    hex(&bytes)
}

pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Hashes a password with argon2id and a fresh random salt.
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    let salt_bytes: [u8; 16] = rand::rng().random();
    let salt =
        SaltString::encode_b64(&salt_bytes).map_err(|e| ApiError::Internal(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ApiError::Internal(e.to_string()))
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// The password rules: long enough, not just the username.
pub fn check_password_policy(field: &str, password: &str, username: &str) -> Result<(), ApiError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(ApiError::Validation(vec![FieldError::new(
            field,
            Problem::TooShort {
                min_chars: MIN_PASSWORD_CHARS,
            },
        )]));
    }
    if password.eq_ignore_ascii_case(username) {
        return Err(ApiError::Validation(vec![FieldError::new(
            field,
            Problem::WeakPassword,
        )]));
    }
    Ok(())
}

/// A freshly created session: give `token` to the client.
pub struct NewSession {
    pub token: String,
    pub csrf_token: String,
    pub expires_at: Timestamp,
    pub user: User,
}

/// Checks the credentials and opens a session. Unknown users and wrong passwords get the same
/// answer (and the same work, so timing tells nothing either).
pub async fn login(app: &AppState, username: &str, password: &str) -> Result<NewSession, ApiError> {
    let now = app.clock.now();
    let user = app.store.user_by_username(username.trim()).await?;
    let Some(user) = user.filter(|u| u.active) else {
        // A real hash of a throwaway password, so that a missing user costs the same time.
        let _ = verify_password(password, &app.dummy_password_hash);
        return Err(ApiError::Unauthorized);
    };
    if let Some(locked_until) = user.locked_until
        && locked_until > now
    {
        return Err(ApiError::Locked(locked_until));
    }
    if !verify_password(password, &user.password_hash) {
        let failures = user.failed_logins + 1;
        let lock = (failures >= MAX_FAILED_LOGINS).then(|| now.saturating_add(LOCKOUT));
        let lock = lock.and_then(|l| l.ok());
        app.store.record_login(user.id, false, lock, now).await?;
        return Err(match lock {
            Some(until) => ApiError::Locked(until),
            None => ApiError::Unauthorized,
        });
    }
    app.store.record_login(user.id, true, None, now).await?;
    let token = random_token();
    let csrf_token = random_token();
    let expires_at = now.saturating_add(SESSION_LENGTH).unwrap_or(now);
    app.store
        .create_session(&token_hash(&token), user.id, &csrf_token, now, expires_at)
        .await?;
    Ok(NewSession {
        token,
        csrf_token,
        expires_at,
        user,
    })
}

/// The session cookie: HttpOnly, SameSite=Strict, Secure when served over HTTPS.
pub fn session_cookie(token: &str, secure: bool) -> Cookie<'static> {
    let mut cookie = Cookie::new(SESSION_COOKIE, token.to_owned());
    cookie.set_http_only(true);
    cookie.set_same_site(SameSite::Strict);
    cookie.set_path("/");
    cookie.set_secure(secure);
    cookie
}

/// Whether the client reached us over HTTPS (directly configured, or via a reverse proxy).
pub fn is_https(app: &AppState, headers: &HeaderMap) -> bool {
    app.https
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// A signed-in member of staff.
#[derive(Debug, Clone)]
pub struct Staff {
    pub user: User,
    pub csrf_token: String,
    pub token_hash: String,
    /// Authenticated by the browser's cookie (so CSRF checks apply).
    pub via_cookie: bool,
}

impl Staff {
    /// The journal's name for this person.
    pub fn actor_label(&self) -> String {
        format!("user:{}:{}", self.user.id, self.user.username)
    }

    /// Checks a CSRF token sent with a form or header (cookie sessions only).
    pub fn check_csrf(&self, sent: Option<&str>) -> Result<(), ApiError> {
        if !self.via_cookie {
            return Ok(());
        }
        match sent {
            Some(token) if constant_time_eq(token.as_bytes(), self.csrf_token.as_bytes()) => Ok(()),
            _ => Err(ApiError::CsrfRejected),
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn bearer(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// Finds the session behind a request, if any.
pub async fn current_session(
    app: &AppState,
    parts: &Parts,
) -> Result<Option<(Session, String, bool)>, ApiError> {
    let (token, via_cookie) = match bearer(parts) {
        Some(token) => (token.to_owned(), false),
        None => {
            let jar = CookieJar::from_headers(&parts.headers);
            match jar.get(SESSION_COOKIE) {
                Some(cookie) => (cookie.value().to_owned(), true),
                None => return Ok(None),
            }
        }
    };
    let hash = token_hash(&token);
    let session = app.store.session(&hash, app.clock.now()).await?;
    Ok(session.map(|s| (s, hash, via_cookie)))
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some((session, token_hash, via_cookie)) = current_session(app, parts).await? else {
            return Err(ApiError::Unauthorized);
        };
        let staff = Staff {
            user: session.user,
            csrf_token: session.csrf_token,
            token_hash,
            via_cookie,
        };
        // The JSON API: a cookie-authenticated change must carry the CSRF header. (HTML forms
        // use `StaffPage` and check the token in the form body.)
        let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if unsafe_method && parts.uri.path().starts_with("/api/") {
            let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            staff.check_csrf(sent)?;
        }
        Ok(staff)
    }
}
