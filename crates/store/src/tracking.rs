//! Tracking codes: the secret a citizen needs, with the number, to see a case. Only a hash is
//! stored, so a copy of the database does not open the citizens' cases.

use rand::Rng;
use sha2::{Digest, Sha256};

/// Crockford's base32 alphabet: no I, L, O or U, so a code read over the phone is not misheard.
const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A freshly generated code, e.g. `K7QM-3XHD-92TF` (60 random bits).
#[derive(Clone, PartialEq, Eq)]
pub struct TrackingCode(String);

impl TrackingCode {
    pub fn generate() -> TrackingCode {
        let mut rng = rand::rng();
        let mut code = String::with_capacity(14);
        for i in 0..12 {
            if i > 0 && i % 4 == 0 {
                code.push('-');
            }
            let index = rng.random_range(0..ALPHABET.len());
            code.push(char::from(ALPHABET[index]));
        }
        TrackingCode(code)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for TrackingCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TrackingCode(****)")
    }
}

/// Normalises what a citizen typed (case, dashes, spaces, the easily confused O/I/L) and hashes it.
pub fn hash_tracking_code(typed: &str) -> String {
    let normalised: String = typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect();
    let digest = Sha256::digest(normalised.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_grouped_and_from_the_alphabet() {
        let code = TrackingCode::generate();
        let s = code.as_str();
        assert_eq!(s.len(), 14);
        assert_eq!(s.matches('-').count(), 2);
        assert!(
            s.bytes()
                .filter(|b| *b != b'-')
                .all(|b| ALPHABET.contains(&b))
        );
        assert_ne!(TrackingCode::generate(), TrackingCode::generate());
    }

    #[test]
    fn typing_variants_hash_the_same() {
        let code = "K7QM-3XHD-0Z1F";
        let h = hash_tracking_code(code);
        assert_eq!(hash_tracking_code("k7qm3xhdoz1f"), h);
        assert_eq!(hash_tracking_code(" K7QM 3XHD OZIF "), h);
        assert_ne!(hash_tracking_code("K7QM-3XHD-0Z1E"), h);
    }
}
