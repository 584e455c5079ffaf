//! Tracking codes: the secret a citizen needs, with the number, to see a case. Only a hash is
//! stored, so a copy of the database does not open the citizens' cases.

use rand::Rng;
use sha2::{Digest, Sha256};

/// Digits and capital letters without the ones people confuse: no 0 or O, no 1, I or L, and no U
/// (Crockford's base32 less 0 and 1), so a code read off paper or over the phone is not misread.
/// Codes issued before had 0 and 1; they still work, because typing reads O as 0 and I or L as 1.
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A freshly generated code, e.g. `K7QM-3XHD-92TF` (12 characters of 30: 58.9 random bits).
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

/// The Latin letter or digit a Cyrillic letter is mistaken for: a Bulgarian keyboard left on
/// Cyrillic types "КМ" for "KM".
fn latin_lookalike(c: char) -> Option<char> {
    Some(match c {
        'А' | 'а' => 'A',
        'В' | 'в' => 'B',
        'Е' | 'е' => 'E',
        'К' | 'к' => 'K',
        'М' | 'м' => 'M',
        'Н' | 'н' => 'H',
        'О' | 'о' => 'O',
        'Р' | 'р' => 'P',
        'С' | 'с' => 'C',
        'Т' | 'т' => 'T',
        'Х' | 'х' => 'X',
        'У' | 'у' => 'Y',
        'З' | 'з' => '3',
        _ => return None,
    })
}

/// A code as the citizen typed it, in the one form it was issued in: any case, with or without
/// hyphens or spaces, Cyrillic look-alikes read as Latin, O read as 0 and I or L as 1.
pub fn normalise_tracking_code(typed: &str) -> String {
    typed
        .chars()
        .filter_map(|c| match c {
            c if c.is_ascii_alphanumeric() => Some(c.to_ascii_uppercase()),
            // A letter with no Latin twin stays, so that the code does not match.
            c if c.is_alphanumeric() => latin_lookalike(c).or(Some(c)),
            // Hyphens, spaces, dots: how people group what they type.
            _ => None,
        })
        .map(|c| match c {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect()
}

/// Normalises what a citizen typed (see [`normalise_tracking_code`]) and hashes it.
pub fn hash_tracking_code(typed: &str) -> String {
    let normalised = normalise_tracking_code(typed);
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
    fn new_codes_avoid_characters_people_confuse() {
        for _ in 0..200 {
            let code = TrackingCode::generate();
            assert!(
                !code.as_str().contains(['0', 'O', '1', 'I', 'L', 'U']),
                "{}",
                code.as_str()
            );
            // What is issued is what typing reads back.
            assert_eq!(
                normalise_tracking_code(code.as_str()),
                code.as_str().replace('-', "")
            );
        }
    }

    #[test]
    fn cyrillic_look_alikes_read_as_the_latin_letters() {
        let code = "KMXT-HPCA-B3EY";
        let h = hash_tracking_code(code);
        // Every letter typed on a Cyrillic keyboard, in both cases.
        assert_eq!(hash_tracking_code("КМХТ-НРСА-ВЗЕУ"), h);
        assert_eq!(hash_tracking_code("кмхт нрса вЗеу"), h);
        assert_eq!(hash_tracking_code("KМXТ-HPСA-B3EУ"), h);
        // A Cyrillic letter with no Latin twin is not silently dropped into a match.
        assert_ne!(hash_tracking_code("KMXT-HPCA-B3EYЖ"), h);
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
