//! Staff authentication: argon2id passwords, server-side sessions, lock-out. (The cookie, the
//! bearer header and the CSRF checks are HTTP's: `priemna_web::auth`.)
//!
//! A session is a random token; the browser holds it in an HttpOnly cookie, an integration
//! sends it as `Authorization: Bearer …`. Only its SHA-256 is stored. Requests authenticated by
//! the cookie must also carry the session's CSRF token (form field or `X-CSRF-Token` header)
//! on anything that changes state; bearer requests cannot be forged cross-site and need none.
//!
//! Signing in never tells whether an account exists: an unknown name and a wrong password get
//! the same answer after the same argon2 work, and names that are no account are counted and
//! refused exactly as accounts are (under a hash of the name).
//!
//! Failures are counted per account *and client address* (the address the rate limits use,
//! an IPv6 client by its /64), in the store: after `LOCKOUT.max_failures` wrong passwords in a
//! row from one address, that address is refused on that account for a while that doubles with
//! each further failure (1, 2, 4 … minutes, at most an hour), until a success from there. A
//! refused attempt is answered with when to try again (429 and `Retry-After`) and its password
//! is not looked at. The owner signing in from anywhere else is not affected, so knowing a
//! username is not enough to keep its owner out. Against guessing from many addresses at once
//! (`DISTRIBUTED`), while `DISTRIBUTED_ADDRESSES` addresses failed on an account within the
//! hour every address gets one wrong password before its wait begins — the first try from an
//! address is always checked, so the owner with the right password still gets in. The owner is
//! told: an e-mail when an address starts being refused (at most once a day), and a notice at
//! the next sign-in. Administrators can end every refusal. The argon2 work runs on the blocking
//! pool, a few at a time, so a flood of sign-ins cannot stall the server's other requests.

use crate::App;
use crate::AppError;
use crate::staff::Staff;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use jiff::{SignedDuration, Timestamp};
use priemna_domain::submission::{FieldError, Problem};
use priemna_store::{LockoutPolicy, MissedSignIns, User};
use rand::Rng;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::LazyLock;
use tokio::sync::Semaphore;

pub const SESSION_LENGTH: SignedDuration = SignedDuration::from_hours(8);
/// Wrong passwords in a row from one address before that address is refused on the account.
pub const MAX_FAILED_LOGINS: i64 = 5;
/// Per account and address: the 5th wrong password in a row refuses the address for a minute,
/// each further one (after the wait) for twice as long, at most an hour.
pub const LOCKOUT: LockoutPolicy = LockoutPolicy {
    max_failures: MAX_FAILED_LOGINS,
    first_lock: SignedDuration::from_mins(1),
    longest_lock: SignedDuration::from_mins(60),
};
/// While the account is guessed at from many addresses: every address waits after its first
/// wrong password.
pub const DISTRIBUTED: LockoutPolicy = LockoutPolicy {
    max_failures: 1,
    ..LOCKOUT
};
/// How many addresses with wrong passwords on one account within `DISTRIBUTED_WINDOW` make
/// it a distributed attack.
pub const DISTRIBUTED_ADDRESSES: i64 = 5;
pub const DISTRIBUTED_WINDOW: SignedDuration = SignedDuration::from_hours(1);
pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_CHARS: usize = 128;
/// How many argon2 computations may run at once (each takes ~19 MiB and a core for a while).
const HASHING_AT_ONCE: usize = 4;
static HASHING: Semaphore = Semaphore::const_new(HASHING_AT_ONCE);

/// The 10,000 most common passwords (SecLists, `data/common-passwords.txt`), lower-cased.
static COMMON_PASSWORDS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    include_str!("../data/common-passwords.txt")
        .lines()
        .map(|l| l.trim().to_lowercase())
        .filter(|l| !l.is_empty())
        .collect()
});

/// A hash to verify against when the user does not exist, so timing reveals nothing (made
/// once, on the first sign-in that needs it).
static NO_SUCH_USER: LazyLock<String> =
    LazyLock::new(|| hash_password_blocking("priemna-no-such-user").unwrap_or_default());

/// Words anyone would try first here.
const LOCAL_WORDS: [&str; 6] = [
    "haskovo",
    "хасково",
    "priemna",
    "приемна",
    "obshtina",
    "община",
];

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

/// Runs argon2 work on the blocking pool, at most `HASHING_AT_ONCE` at a time.
async fn hashing<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let _permit = HASHING
        .acquire()
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// Hashes a password with argon2id and a fresh random salt, on this thread (for start-up; a
/// request uses `hash_password`).
pub fn hash_password_blocking(password: &str) -> Result<String, AppError> {
    let salt_bytes: [u8; 16] = rand::rng().random();
    let salt =
        SaltString::encode_b64(&salt_bytes).map_err(|e| AppError::Internal(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// Hashes a password with argon2id and a fresh random salt, on the blocking pool.
pub async fn hash_password(password: &str) -> Result<String, AppError> {
    let password = password.to_owned();
    hashing(move || hash_password_blocking(&password)).await?
}

/// Checks `password` against `hash` (or, for a name that is no account, against a throwaway hash,
/// with the same work) on the blocking pool.
async fn verify_password(password: &str, hash: Option<&str>) -> Result<bool, AppError> {
    let (password, hash) = (password.to_owned(), hash.map(str::to_owned));
    hashing(move || {
        let hash = hash.as_deref().unwrap_or(NO_SUCH_USER.as_str());
        PasswordHash::new(hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
}

/// A one-time password for an administrator's reset: 16 letters and digits (about 95 bits),
/// without look-alikes, in groups of four for reading aloud.
pub fn one_time_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    let chars: Vec<char> = (0..16)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// Whether `password` is one people guess first: a common password (also with digits or signs
/// before or after it, or repeated), the username, the municipality's or the system's name,
/// a short pattern repeated, or too few different characters.
fn is_guessable(password: &str, username: &str) -> bool {
    let lower = password.to_lowercase();
    let username = username.trim().to_lowercase();
    let chars: Vec<char> = lower.chars().collect();
    let distinct: HashSet<char> = chars.iter().copied().collect();
    if distinct.len() < 4 {
        return true;
    }
    // The shortest unit the password repeats ("timing1timing1" → "timing1").
    let unit = (1..=chars.len() / 2)
        .find(|n| chars.len().is_multiple_of(*n) && chars.chunks(*n).all(|c| c == &chars[..*n]))
        .map(|n| chars[..n].iter().collect::<String>());
    if unit
        .as_ref()
        .is_some_and(|u| u.chars().count() < MIN_PASSWORD_CHARS)
    {
        return true;
    }
    let decoration = |c: char| c.is_ascii_digit() || !c.is_alphanumeric();
    let mut bases = vec![lower.clone()];
    bases.push(lower.trim_end_matches(decoration).to_owned());
    bases.push(lower.trim_start_matches(decoration).to_owned());
    bases.push(lower.trim_matches(decoration).to_owned());
    bases.extend(unit);
    let local = |b: &str| LOCAL_WORDS.contains(&b) || (!username.is_empty() && b == username);
    if bases
        .iter()
        .any(|b| b.is_empty() || COMMON_PASSWORDS.contains(b.as_str()) || local(b))
    {
        return true;
    }
    // The username or a local word with only digits and signs around it (or repeated).
    let mut rest = lower.clone();
    let mut found = false;
    for word in LOCAL_WORDS
        .iter()
        .copied()
        .chain((username.chars().count() >= 3).then_some(username.as_str()))
    {
        if rest.contains(word) {
            found = true;
            rest = rest.replace(word, "");
        }
    }
    found && rest.chars().filter(|c| c.is_alphabetic()).count() < 4
}

/// The password rules: 10 to 128 characters, not guessable (`is_guessable`), and not the one
/// it replaces (`old`).
pub fn check_password_policy(
    field: &str,
    password: &str,
    username: &str,
    old: Option<&str>,
) -> Result<(), AppError> {
    let chars = password.chars().count();
    let problem = if chars < MIN_PASSWORD_CHARS {
        Some(Problem::TooShort {
            min_chars: MIN_PASSWORD_CHARS,
        })
    } else if chars > MAX_PASSWORD_CHARS {
        Some(Problem::TooLong {
            max_chars: MAX_PASSWORD_CHARS,
        })
    } else if old == Some(password) {
        Some(Problem::Invalid {
            detail: "новата парола трябва да се различава от старата / the new password must \
                     differ from the old one"
                .into(),
        })
    } else if is_guessable(password, username) {
        Some(Problem::WeakPassword)
    } else {
        None
    };
    match problem {
        Some(problem) => Err(AppError::Validation(vec![FieldError::new(field, problem)])),
        None => Ok(()),
    }
}

/// A freshly created session: give `token` to the client.
pub struct NewSession {
    pub token: String,
    pub csrf_token: String,
    pub expires_at: Timestamp,
    pub user: User,
    /// Failed sign-ins since the owner's previous one, to be told at this one.
    pub missed: Option<MissedSignIns>,
}

/// The name sign-in failures are counted under for a client: its address as the rate limits
/// key it (`limits::client_key`), or `unknown` when the server could not tell (never so for a
/// request that came over the network).
pub fn client_label(client: Option<IpAddr>) -> String {
    client.map_or_else(|| "unknown".to_owned(), client_key)
}

/// Checks the credentials and opens a session. Unknown users, wrong passwords and refused
/// attempts get the same answer (and the same argon2 work, so timing tells nothing either).
/// Failed attempts the owner was not yet told of are kept with the session, for its start page.
pub async fn login(
    app: &App,
    username: &str,
    password: &str,
    client: Option<IpAddr>,
) -> Result<NewSession, AppError> {
    let (user, missed) = check_credentials(app, username, password, client).await?;
    let now = app.clock.now();
    let token = random_token();
    let csrf_token = random_token();
    let expires_at = now.saturating_add(SESSION_LENGTH).unwrap_or(now);
    let hash = token_hash(&token);
    app.store
        .create_session(&hash, user.id, &csrf_token, now, expires_at)
        .await?;
    if let Some(missed) = &missed {
        let notice =
            serde_json::to_string(missed).map_err(|e| AppError::Internal(e.to_string()))?;
        app.store.set_session_notice(&hash, &notice).await?;
    }
    Ok(NewSession {
        token,
        csrf_token,
        expires_at,
        user,
        missed,
    })
}

/// The failed sign-ins a session's owner is to be told of on the start page.
pub async fn missed_sign_ins(app: &App, staff: &Staff) -> Option<MissedSignIns> {
    match app.store.session_notice(&staff.token_hash).await {
        Ok(notice) => notice.and_then(|n| serde_json::from_str(&n).ok()),
        Err(e) => {
            tracing::warn!(error = %e, "could not read the sign-in notice");
            None
        }
    }
}

/// How sign-in failures name the account a username stands for: `user:<id>` for an active
/// account, otherwise a hash of the name typed with the database's own key (never the name
/// itself, nor a hash anyone could test guesses against: it may be a password typed in the
/// wrong field). Both are counted alike, so the answers tell no names apart.
async fn account_key(app: &App, user: Option<&User>, username: &str) -> Result<String, AppError> {
    if let Some(user) = user {
        return Ok(priemna_store::SignInAttempt::user_account(user.id));
    }
    let key = app
        .sign_in_key
        .get_or_try_init(|| app.store.sign_in_key())
        .await?;
    let mut hash = Sha256::new();
    hash.update(key.as_bytes());
    hash.update(b"\n");
    hash.update(username.as_bytes());
    Ok(format!("name:{}", hex(&hash.finalize())))
}

/// The answer to an attempt refused until `until`.
fn refused(until: Timestamp, now: Timestamp) -> AppError {
    let wait = until.duration_since(now).as_secs().max(1);
    AppError::SignInRefused {
        until,
        retry_after_secs: u64::try_from(wait).unwrap_or(1),
    }
}

/// Checks a username and password from `client`, counting failures for that account and
/// address, without opening a session. A wrong password or an unknown name: `Unauthorized`; an
/// address refused for the name (or the failure that begins its refusal): `SignInRefused`,
/// with when to try again — the same answers for names that are no account. On success, also
/// the failed attempts the owner has not been told of (handed out once).
pub async fn check_credentials(
    app: &App,
    username: &str,
    password: &str,
    client: Option<IpAddr>,
) -> Result<(User, Option<MissedSignIns>), AppError> {
    let now = app.clock.now();
    let client = client_label(client);
    let username = username.trim();
    let user = app
        .store
        .user_by_username(username)
        .await?
        .filter(|u| u.active);
    let account = account_key(app, user.as_ref(), username).await?;
    let attempt = priemna_store::SignInAttempt {
        account: &account,
        owner: user.as_ref().map(|u| u.id),
        client: &client,
    };
    let since = now.checked_sub(DISTRIBUTED_WINDOW).unwrap_or(now);
    let standing = app.store.sign_in_standing(&account, &client, since).await?;
    if let Some(until) = standing.refused_until.filter(|until| *until > now) {
        // Refused without a look at the password (no argon2 work for a guesser either).
        app.store.record_login_refused(attempt, now).await?;
        return Err(refused(until, now));
    }
    // An unknown name costs the same argon2 work as a known one, against a throwaway hash.
    let hash = user.as_ref().map(|u| u.password_hash.as_str());
    let correct = verify_password(password, hash).await?;
    let user = match user {
        Some(user) if correct => user,
        user => {
            let policy = if standing.failing_addresses >= DISTRIBUTED_ADDRESSES {
                DISTRIBUTED
            } else {
                LOCKOUT
            };
            // The owner's e-mail, in case this failure begins a refusal (the store decides
            // whether it goes: at most once a day).
            let mail = |failure: &priemna_store::SignInFailure| {
                let until = failure.refused_until?;
                crate::notify::staff_notices::sign_ins_refused(
                    &app.notify,
                    user.as_ref()?,
                    &client,
                    failure.failures,
                    until,
                )
            };
            let failure = app
                .store
                .record_login_failure(attempt, policy, now, &mail)
                .await?;
            let Some(until) = failure.refused_until else {
                return Err(AppError::Unauthorized);
            };
            tracing::warn!(
                user_id = attempt.owner.map(i64::from),
                %client,
                failures = failure.failures,
                %until,
                distributed = policy == DISTRIBUTED,
                "sign-ins from an address refused after failed passwords"
            );
            if failure.mailed {
                app.notify.wake();
            }
            return Err(refused(until, now));
        }
    };
    let missed = app
        .store
        .record_login_success(user.id, &client, now)
        .await?;
    Ok((user, missed))
}

/// The key a client is counted under: its IPv4 address, or its IPv6 /64 network.
pub fn client_network(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => address,
        IpAddr::V6(v6) => {
            let mut segments = v6.segments();
            for s in &mut segments[4..] {
                *s = 0;
            }
            IpAddr::V6(Ipv6Addr::from(segments))
        }
    }
}

/// How sign-in failures name a client: the key the rate limits count it under, as text —
/// `203.0.113.7`, or `2001:db8:1:2::/64` for an IPv6 client.
pub fn client_key(address: IpAddr) -> String {
    match client_network(address.to_canonical()) {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("{v6}/64"),
    }
}
