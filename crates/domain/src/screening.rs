//! Screening of submission text for the charter's rules: obscene words and insults, questions on
//! personal-data protection or classified information, hints of a threat to health or safety,
//! and signs of a crime. These only *suggest*; a clerk confirms. INTERFACE STUB.

/// Words in `text` that are obscene or insulting (Bulgarian, Latin-transliterated Bulgarian and
/// English, covering inflected forms), as they appear in the text, without duplicates.
pub fn offensive_terms(_text: &str) -> Vec<String> {
    todo!()
}

/// Phrases showing the text asks about personal-data protection or classified information.
pub fn personal_data_or_classified_terms(_text: &str) -> Vec<String> {
    todo!()
}

/// Phrases suggesting a threat to citizens' health or safety.
pub fn threat_terms(_text: &str) -> Vec<String> {
    todo!()
}

/// Phrases suggesting a crime (which must go to the prosecutor at once).
pub fn crime_terms(_text: &str) -> Vec<String> {
    todo!()
}
