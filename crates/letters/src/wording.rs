//! The words around an answer's body: whether the officer already greeted the citizen and signed
//! off, and the greeting the letter adds when they did not. An answer has exactly one greeting
//! and one "С уважение": the officer's own when the body has them, the letter's otherwise.

/// How many non-empty lines at the start of a body may hold its greeting.
const GREETING_LINES: usize = 2;
/// How many non-empty lines at the end of a body may hold its closing (the closing, the
/// officer's name, position, department, phone).
const CLOSING_LINES: usize = 6;

/// The words a greeting starts with (lower case, compared word by word).
const GREETINGS: &[&[&str]] = &[
    &["уважаеми"],
    &["уважаема"],
    &["уважаемо"],
    &["здравейте"],
    &["здравей"],
    &["добър", "ден"],
    &["г-н"],
    &["г-жо"],
    &["г-жа"],
    &["господин"],
    &["господине"],
    &["госпожо"],
    &["госпожице"],
    &["скъпи"],
    &["скъпа"],
    &["dear"],
    &["hello"],
    &["good", "morning"],
    &["good", "afternoon"],
];

/// The words a closing starts with.
const CLOSINGS: &[&[&str]] = &[
    &["с", "уважение"],
    &["със", "уважение"],
    &["с", "поздрав"],
    &["с", "поздрави"],
    &["поздрави"],
    &["поздрав"],
    &["с", "най-добри", "пожелания"],
    &["с", "пожелание"],
    &["sincerely"],
    &["yours", "sincerely"],
    &["yours", "faithfully"],
    &["kind", "regards"],
    &["best", "regards"],
    &["regards"],
];

/// The words of a line, lower case, without punctuation around them.
fn words(line: &str) -> Vec<String> {
    line.split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-')
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

fn starts_with_any(line: &str, phrases: &[&[&str]]) -> bool {
    let words = words(line);
    phrases.iter().any(|phrase| {
        words.len() >= phrase.len() && phrase.iter().zip(&words).all(|(p, w)| *p == w.as_str())
    })
}

/// Whether the body opens with its own greeting ("Уважаема госпожо Петрова,", "Здравейте,",
/// "Г-н Петров,", "Dear …") in its first lines.
pub fn has_greeting(body: &str) -> bool {
    body.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(GREETING_LINES)
        .any(|l| starts_with_any(l, GREETINGS))
}

/// Whether the body ends with its own closing ("С уважение,", "Поздрави", "Sincerely", …) in its
/// last lines.
pub fn has_closing(body: &str) -> bool {
    let lines: Vec<&str> = body
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines
        .iter()
        .rev()
        .take(CLOSING_LINES)
        // A closing is a short line of its own, not a sentence of the answer that happens to
        // start with "Поздрав…".
        .any(|l| l.chars().count() <= 60 && starts_with_any(l, CLOSINGS))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    Female,
    Male,
}

/// The grammatical gender a Bulgarian name shows beyond doubt, or `None`.
///
/// Bulgarian family names and patronymics agree with the person: -ов/-ев/-ски/-цки for a man,
/// -ова/-ева/-ска/-цка for a woman. The gender counts as known only when the name is two or
/// three words of Cyrillic letters, its family name has one of these endings, and a patronymic
/// (the middle of three) agrees with it. Anything else — a foreign name, a company, a single
/// word, endings that disagree — is unknown, and the letter does not guess.
pub fn gender_of(name: &str) -> Option<Gender> {
    let parts: Vec<&str> = name.split_whitespace().collect();
    if !(2..=3).contains(&parts.len()) {
        return None;
    }
    let cyrillic = |w: &str| {
        w.chars()
            .all(|c| c == '-' || ('\u{0400}'..='\u{04FF}').contains(&c))
    };
    if !parts.iter().all(|w| cyrillic(w)) {
        return None;
    }
    let of = |w: &str| {
        let w = w.to_lowercase();
        if ["ова", "ева", "ска", "цка"].iter().any(|e| w.ends_with(e)) {
            Some(Gender::Female)
        } else if ["ов", "ев", "ски", "цки"].iter().any(|e| w.ends_with(e)) {
            Some(Gender::Male)
        } else {
            None
        }
    };
    let family = of(parts[parts.len() - 1])?;
    if parts.len() == 3 && of(parts[1]) != Some(family) {
        return None;
    }
    Some(family)
}

/// A name as it is written in a sentence: "ПЕТРОВА" → "Петрова" (names typed in capitals).
fn as_written(word: &str) -> String {
    if word.chars().any(char::is_lowercase) {
        return word.to_owned();
    }
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| {
            first
                .to_uppercase()
                .chain(chars.flat_map(char::to_lowercase))
                .collect()
        })
        .unwrap_or_default()
}

/// The greeting the letter adds when the body has none.
///
/// "Уважаеми/а" is not Bulgarian, and "Уважаеми господин"/"Уважаема госпожо" must agree with
/// the person, so the formal address by family name is used only when the name shows the
/// gender beyond doubt ([`gender_of`]). Otherwise the letter says "Здравейте,": it is addressed
/// to one person, whom "Уважаеми граждани," (plural, for a public notice or a collective
/// submission) would not fit, and it is the neutral greeting Bulgarian institutions use when
/// they cannot tell a man from a woman. A submitter the letter may not name (anonymous,
/// anonymised, or not visible to the officer) gets the same neutral greeting, never a name.
pub fn greeting(name: Option<&str>) -> String {
    let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) else {
        return "Здравейте,".to_owned();
    };
    let family = name.split_whitespace().last().map(as_written);
    match (gender_of(name), family) {
        (Some(Gender::Male), Some(family)) => format!("Уважаеми господин {family},"),
        (Some(Gender::Female), Some(family)) => format!("Уважаема госпожо {family},"),
        _ => "Здравейте,".to_owned(),
    }
}

/// The closing the letter adds when the body has none.
pub const CLOSING: &str = "С уважение,";

#[cfg(test)]
mod tests {
    use super::*;

    const OWN_GREETING_AND_CLOSING: &str = "Уважаема госпожо Петрова,\n\n\
        Във връзка с Вашия сигнал за повредената улична лампа на ул. „Шипка“ № 3 Ви \
        уведомяваме, че лампата е подменена на 18.05.2026 г.\n\n\
        С уважение,\n\
        Петър Началников\n\
        старши експерт, отдел „Пътища и благоустройство“";

    #[test]
    fn a_body_with_its_own_greeting_and_closing_is_recognised() {
        assert!(has_greeting(OWN_GREETING_AND_CLOSING));
        assert!(has_closing(OWN_GREETING_AND_CLOSING));
    }

    #[test]
    fn greetings_people_write_are_recognised_in_the_first_lines() {
        for body in [
            "Здравейте,\nОтговорът е следният.",
            "Здравейте! Ямата е запълнена.",
            "\n\n  Уважаеми господин Иванов,\nЯмата е запълнена.",
            "Уважаеми г-н Иванов,\nЯмата е запълнена.",
            "УВАЖАЕМА Г-ЖО ИВАНОВА,\nЯмата е запълнена.",
            "Г-жо Иванова,\nЯмата е запълнена.",
            "Добър ден,\nЯмата е запълнена.",
            "Dear Ms Smith,\nThe pothole has been filled.",
            "Относно сигнал № 2026-000042\nУважаеми господин Иванов,\nЯмата е запълнена.",
        ] {
            assert!(has_greeting(body), "{body:?}");
        }
    }

    #[test]
    fn a_body_that_starts_with_the_matter_has_no_greeting() {
        for body in [
            "Във връзка с Вашата жалба Ви уведомяваме, че ямата е запълнена.",
            "Уважаемата комисия разгледа жалбата на 12.05.2026 г.",
            "Ямата е запълнена.\nПътят е отворен.\nУважаеми господин Иванов, благодарим Ви.",
            "Господинът, за когото пишете, вече не работи в общината.",
            "",
        ] {
            assert!(!has_greeting(body), "{body:?}");
        }
    }

    #[test]
    fn closings_people_write_are_recognised_in_the_last_lines() {
        for body in [
            "Ямата е запълнена.\nС уважение,",
            "Ямата е запълнена.\n\nС уважение:\nИ. Иванов",
            "Ямата е запълнена.\nСъс уважение,\nИван Иванов\nгл. експерт\nтел. 038 603 330",
            "Ямата е запълнена.\nПоздрави,\nИван",
            "Ямата е запълнена.\nС поздрав,",
            "The pothole has been filled.\nSincerely,\nIvan Ivanov",
            "The pothole has been filled.\nKind regards,\nIvan",
            "Ямата е запълнена. С уважение,\n",
        ] {
            let found = has_closing(body);
            // The last one writes the closing inside a sentence: it is not a line of its own.
            assert_eq!(found, !body.starts_with("Ямата е запълнена. С"), "{body:?}");
        }
    }

    #[test]
    fn a_body_without_a_closing_is_recognised() {
        for body in [
            "Ямата е запълнена на 18.05.2026 г.",
            "С уважение към Вашето търпение ще отговорим изчерпателно: ямата е запълнена на \
             18.05.2026 г. и пътят е отворен.",
            "Поздравяваме Ви за активната гражданска позиция.\nЯмата е запълнена.",
        ] {
            assert!(!has_closing(body), "{body:?}");
        }
        // A closing far above the end is part of a quoted letter, not this one's sign-off.
        let quoted = format!("С уважение,\n{}", "ред от отговора\n".repeat(8));
        assert!(!has_closing(&quoted));
    }

    #[test]
    fn the_gender_is_known_only_from_unambiguous_bulgarian_names() {
        assert_eq!(gender_of("Мария Георгиева Петрова"), Some(Gender::Female));
        assert_eq!(gender_of("Петър Иванов Петров"), Some(Gender::Male));
        assert_eq!(gender_of("Анна Маринска"), Some(Gender::Female));
        assert_eq!(gender_of("Георги Каменски"), Some(Gender::Male));
        assert_eq!(gender_of("ИВАН ПЕТРОВ"), Some(Gender::Male));
        // Disagreeing patronymic, foreign names, companies, one word: unknown.
        assert_eq!(gender_of("Мария Георгиев Петрова"), None);
        assert_eq!(gender_of("John Smith"), None);
        assert_eq!(gender_of("Ким Ли"), None);
        assert_eq!(gender_of("Петрова"), None);
        assert_eq!(gender_of("Строител Хасково ЕООД"), None);
        assert_eq!(gender_of("Сдружение Зелен Хасково"), None);
    }

    #[test]
    fn the_greeting_is_correct_bulgarian_and_never_a_slash() {
        assert_eq!(
            greeting(Some("Мария Георгиева Петрова")),
            "Уважаема госпожо Петрова,"
        );
        assert_eq!(
            greeting(Some("ПЕТЪР ИВАНОВ ПЕТРОВ")),
            "Уважаеми господин Петров,"
        );
        assert_eq!(greeting(Some("John Smith")), "Здравейте,");
        assert_eq!(greeting(Some("Ким Ли")), "Здравейте,");
        assert_eq!(greeting(None), "Здравейте,");
        assert_eq!(greeting(Some("  ")), "Здравейте,");
        for name in ["Мария Петрова", "Иван Петров", "Алекс Ким"] {
            assert!(!greeting(Some(name)).contains('/'));
        }
    }
}
