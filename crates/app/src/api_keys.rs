//! API keys for the applications that post Open311 requests: an administrator creates them
//! (over the JSON API, or `priemna api-key add`); a key is shown once, when it is created, and
//! only its SHA-256 is kept.

use crate::{App, AppError};
use priemna_domain::submission::{FieldError, Problem};
use priemna_store::{ApiKey, NewApiKey};
use rand::Rng;
use sha2::{Digest, Sha256};

/// The longest name of a key.
pub const MAX_NAME_CHARS: usize = 100;

/// SHA-256 of an API key, hex: the only form in which keys are kept.
pub fn key_hash(key: &str) -> String {
    Sha256::digest(key.trim().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A new API key: `p311_` and 32 random bytes in hex.
pub fn new_key() -> String {
    format!("p311_{}", random_hex())
}

/// 32 random bytes, in hex.
fn random_hex() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks the name and creates a key; returns it with the key itself (shown this once).
pub async fn create_key(
    app: &App,
    actor: &str,
    name: &str,
    token_responses: bool,
) -> Result<(ApiKey, String), AppError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::Validation(vec![FieldError::new(
            "name",
            Problem::Missing,
        )]));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(AppError::Validation(vec![FieldError::new(
            "name",
            Problem::TooLong {
                max_chars: MAX_NAME_CHARS,
            },
        )]));
    }
    if name.chars().any(char::is_control) {
        return Err(AppError::Validation(vec![FieldError::new(
            "name",
            Problem::ControlCharacter,
        )]));
    }
    let key = new_key();
    let stored = app
        .store
        .create_api_key(
            NewApiKey {
                name: name.to_owned(),
                key_hash: key_hash(&key),
                key_prefix: key.chars().take(12).collect(),
                token_responses,
            },
            app.clock.now(),
            actor,
        )
        .await?;
    Ok((stored, key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_long_random_and_hashed_without_surrounding_space() {
        let key = new_key();
        assert!(key.starts_with("p311_") && key.len() == 69);
        assert_ne!(key, new_key());
        assert_eq!(key_hash(&key), key_hash(&format!(" {key} ")));
    }
}
