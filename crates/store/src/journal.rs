//! The hash chain of the journal: each entry's hash covers its fields and the previous hash.

use sha2::{Digest, Sha256};

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Hashes one entry. Fields are length-prefixed so that no two different entries serialise alike.
pub fn entry_hash(
    prev_hash: &str,
    at: &str,
    actor: &str,
    action: &str,
    submission_id: Option<i64>,
    details: &str,
) -> String {
    let mut hasher = Sha256::new();
    let submission = submission_id.map(|id| id.to_string()).unwrap_or_default();
    for field in [prev_hash, at, actor, action, submission.as_str(), details] {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_depends_on_every_field_and_on_boundaries() {
        let base = entry_hash(GENESIS, "t", "a", "x", Some(1), "{}");
        assert_ne!(base, entry_hash(GENESIS, "t", "a", "x", Some(2), "{}"));
        assert_ne!(base, entry_hash(GENESIS, "t", "a", "y", Some(1), "{}"));
        assert_ne!(
            entry_hash(GENESIS, "t", "ab", "c", None, ""),
            entry_hash(GENESIS, "t", "a", "bc", None, "")
        );
        assert_eq!(base.len(), 64);
    }
}
