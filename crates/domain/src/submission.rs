//! A submission as the outside world hands it to us (`RawSubmission`), and as the rules see it
//! once it has been checked (`Draft`). Validation collects every problem at once, each naming its
//! field, so that a form can show all errors next to their fields.

use crate::identity::{Egn, EgnError, Email, EmailError, Phone, PhoneError};
use crate::kinds::{Channel, Kind};
use jiff::civil::Date;

pub const MAX_SUBJECT_CHARS: usize = 200;
pub const MAX_BODY_CHARS: usize = 20_000;
pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_ADDRESS_CHARS: usize = 300;

/// The person behind a submission. Present only when the submission is not anonymous.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitter {
    pub name: String,
    pub address: Option<String>,
    pub phone: Option<Phone>,
    pub email: Option<Email>,
    pub egn: Option<Egn>,
}

/// A checked submission, ready for the charter's rules and the register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub kind: Kind,
    pub channel: Channel,
    pub subject: String,
    pub body: String,
    /// `None` means anonymous.
    pub submitter: Option<Submitter>,
    /// The submitter or a clerk says the problem threatens citizens' health or safety.
    pub health_or_safety_threat: bool,
    /// A complaint about bad administration (лошо администриране).
    pub about_bad_administration: bool,
    /// A complaint about an employee's service: the charter sends it to the Mayor.
    pub about_employee: bool,
    /// Submitted in writing (defaults from the channel).
    pub in_writing: bool,
    /// For signals: when the reported violation was committed.
    pub violation_date: Option<Date>,
    /// Where the problem is.
    pub address: Option<String>,
}

impl Draft {
    pub fn is_anonymous(&self) -> bool {
        self.submitter.is_none()
    }

    /// All the free text of the submission, for screening.
    pub fn text(&self) -> String {
        format!("{}\n{}", self.subject, self.body)
    }
}

/// Fields as they arrive, before any checks. Empty strings count as absent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawSubmission {
    pub kind: Option<String>,
    pub channel: Option<String>,
    pub subject: Option<String>,
    pub body: Option<String>,
    pub submitter: Option<RawSubmitter>,
    pub anonymous: Option<bool>,
    pub health_or_safety_threat: Option<bool>,
    pub about_bad_administration: Option<bool>,
    pub about_employee: Option<bool>,
    pub in_writing: Option<bool>,
    pub violation_date: Option<String>,
    pub address: Option<String>,
    /// The submitter agrees that their personal data are processed to handle the submission:
    /// needed whenever they give their name (the portal's check box, the clerk's note that it
    /// was signed or said, `consent` in the API).
    pub consent: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawSubmitter {
    pub name: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub egn: Option<String>,
}

impl RawSubmitter {
    fn is_empty(&self) -> bool {
        [
            &self.name,
            &self.address,
            &self.phone,
            &self.email,
            &self.egn,
        ]
        .iter()
        .all(|f| non_empty(f).is_none())
    }
}

/// What is wrong with one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    Missing,
    /// The JSON (or form) value has the wrong type; `expected` is e.g. "string".
    WrongType {
        expected: &'static str,
    },
    UnknownValue {
        allowed: Vec<&'static str>,
    },
    TooLong {
        max_chars: usize,
    },
    TooShort {
        min_chars: usize,
    },
    /// A password too easy to guess.
    WeakPassword,
    /// A value that does not fit, with the parser's words.
    Invalid {
        detail: String,
    },
    /// NUL and other control characters are refused in text of several lines (newlines, and
    /// tabs, are kept there).
    ControlCharacter,
    /// A one-line field (a name, an address, a subject…) holds a line break, a tab or another
    /// control character: it would break the line it is written on (an e-mail header, a CSV
    /// cell, a letter's address block).
    NotSingleLine,
    /// A channel only staff register (paper, phone, signal box, visit, post), claimed by a
    /// client who is not signed in as registry staff.
    StaffOnlyChannel,
    InvalidDate,
    FutureDate,
    Egn(EgnError),
    Phone(PhoneError),
    Email(EmailError),
    /// A named person cannot also be anonymous.
    AnonymousWithSubmitter,
    /// Not anonymous, but nobody to answer.
    SubmitterRequired,
    /// A named submitter who has not agreed to the processing of their personal data.
    ConsentRequired,
    /// A submitter we could not answer: no address, phone or e-mail.
    NoContact,
    /// An id of a record that does not exist (a department, a member of staff…).
    UnknownReference,
}

impl Problem {
    pub fn message_bg(&self) -> String {
        match self {
            Problem::Missing => "полето е задължително".into(),
            Problem::WrongType { expected } => {
                format!(
                    "неправилен тип на стойността (очаква се {})",
                    type_bg(expected)
                )
            }
            Problem::UnknownValue { allowed } if allowed.is_empty() => "непозната стойност".into(),
            Problem::UnknownValue { allowed } => {
                format!("непозната стойност; допустими са: {}", allowed.join(", "))
            }
            Problem::TooLong { max_chars } => format!("текстът е по-дълъг от {max_chars} знака"),
            Problem::TooShort { min_chars } => format!("текстът е по-кратък от {min_chars} знака"),
            Problem::WeakPassword => "паролата е твърде лесна за отгатване".into(),
            Problem::Invalid { detail } => format!("невалидна стойност ({detail})"),
            Problem::ControlCharacter => "текстът съдържа недопустими управляващи знаци".into(),
            Problem::NotSingleLine => {
                "полето трябва да е на един ред: без нов ред, табулация и управляващи знаци".into()
            }
            Problem::StaffOnlyChannel => "този канал (хартия, телефон, кутия за сигнали, лично \
                посещение, поща) се регистрира само от служител в деловодството; онлайн изберете \
                „web“"
                .into(),
            Problem::InvalidDate => "невалидна дата; очаква се ГГГГ-ММ-ДД".into(),
            Problem::FutureDate => "датата е в бъдещето".into(),
            Problem::Egn(e) => e.message_bg().into(),
            Problem::Phone(e) => e.message_bg().into(),
            Problem::Email(e) => e.message_bg().into(),
            Problem::AnonymousWithSubmitter => {
                "анонимното подаване не може да съдържа данни за подателя".into()
            }
            Problem::SubmitterRequired => {
                "данните за подателя са задължителни, когато подаването не е анонимно".into()
            }
            Problem::ConsentRequired => {
                "без съгласие за обработване на личните данни не можем да приемем подаденото с \
                 име; изпратете съгласието (true) или подайте анонимно"
                    .into()
            }
            Problem::NoContact => {
                "посочете поне адрес, телефон или електронна поща, за да получите отговор".into()
            }
            Problem::UnknownReference => "няма запис с такъв номер".into(),
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            Problem::Missing => "this field is required".into(),
            Problem::WrongType { expected } => format!("wrong type of value (expected {expected})"),
            Problem::UnknownValue { allowed } if allowed.is_empty() => "unknown value".into(),
            Problem::UnknownValue { allowed } => {
                format!("unknown value; allowed: {}", allowed.join(", "))
            }
            Problem::TooLong { max_chars } => format!("longer than {max_chars} characters"),
            Problem::TooShort { min_chars } => format!("shorter than {min_chars} characters"),
            Problem::WeakPassword => "the password is too easy to guess".into(),
            Problem::Invalid { detail } => format!("invalid value ({detail})"),
            Problem::ControlCharacter => "the text contains forbidden control characters".into(),
            Problem::NotSingleLine => {
                "this field must be one line: no line breaks, tabs or control characters".into()
            }
            Problem::StaffOnlyChannel => "only registry staff register this channel (paper, \
                phone, signal box, a visit, the post); online, choose \"web\""
                .into(),
            Problem::InvalidDate => "not a valid date; expected YYYY-MM-DD".into(),
            Problem::FutureDate => "the date is in the future".into(),
            Problem::Egn(e) => e.to_string(),
            Problem::Phone(e) => e.to_string(),
            Problem::Email(e) => e.to_string(),
            Problem::AnonymousWithSubmitter => {
                "an anonymous submission cannot carry the submitter's details".into()
            }
            Problem::SubmitterRequired => {
                "the submitter's details are required when the submission is not anonymous".into()
            }
            Problem::ConsentRequired => {
                "without consent to the processing of personal data a named submission cannot be \
                 accepted; send the consent (true) or submit anonymously"
                    .into()
            }
            Problem::NoContact => {
                "give at least an address, a phone or an e-mail so that we can answer".into()
            }
            Problem::UnknownReference => "no record has this id".into(),
        }
    }

    /// A short machine-readable code for the problem.
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Missing => "missing",
            Problem::WrongType { .. } => "wrong_type",
            Problem::UnknownValue { .. } => "unknown_value",
            Problem::TooLong { .. } => "too_long",
            Problem::TooShort { .. } => "too_short",
            Problem::WeakPassword => "weak_password",
            Problem::Invalid { .. } => "invalid",
            Problem::ControlCharacter => "control_character",
            Problem::NotSingleLine => "not_single_line",
            Problem::StaffOnlyChannel => "staff_only_channel",
            Problem::InvalidDate => "invalid_date",
            Problem::FutureDate => "future_date",
            Problem::Egn(_) => "invalid_egn",
            Problem::Phone(_) => "invalid_phone",
            Problem::Email(_) => "invalid_email",
            Problem::AnonymousWithSubmitter => "anonymous_with_submitter",
            Problem::SubmitterRequired => "submitter_required",
            Problem::ConsentRequired => "consent_required",
            Problem::NoContact => "no_contact",
            Problem::UnknownReference => "unknown_reference",
        }
    }
}

fn type_bg(expected: &str) -> &'static str {
    match expected {
        "string" => "текст",
        "boolean" => "true или false",
        "object" => "обект",
        "number" => "число",
        "integer" => "цяло число",
        _ => "друг тип",
    }
}

/// A problem with a named field (dotted path for nested fields, e.g. `submitter.egn`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub problem: Problem,
}

impl FieldError {
    pub fn new(field: impl Into<String>, problem: Problem) -> FieldError {
        FieldError {
            field: field.into(),
            problem,
        }
    }
}

fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Whether `c` may not appear in a field of one line: every control character (C0, DEL, C1 —
/// CR, LF and tab included) and the Unicode line and paragraph separators.
pub fn breaks_line(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Whether a one-line field holds a character that `breaks_line`.
pub fn has_line_break(s: &str) -> bool {
    s.chars().any(breaks_line)
}

/// Whether text of several lines (a body) holds a control character other than the line
/// breaks (LF, CR) and the tab that pasted text carries.
pub fn has_forbidden_control(s: &str) -> bool {
    s.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
}

/// How many lines a text field may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lines {
    /// A name, an address, a subject: written into headers, cells and address blocks.
    One,
    /// The body.
    Many,
}

/// Checks a free-text field: trimmed, bounded, no control characters (and, for a field of one
/// line, no line breaks).
fn text_field(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: &Option<String>,
    max_chars: usize,
    required: bool,
    lines: Lines,
) -> Option<String> {
    let Some(text) = non_empty(value) else {
        if required {
            errors.push(FieldError::new(field, Problem::Missing));
        }
        return None;
    };
    if text.chars().count() > max_chars {
        errors.push(FieldError::new(field, Problem::TooLong { max_chars }));
        return None;
    }
    let refused = match lines {
        Lines::One => has_line_break(text).then_some(Problem::NotSingleLine),
        Lines::Many => has_forbidden_control(text).then_some(Problem::ControlCharacter),
    };
    if let Some(problem) = refused {
        errors.push(FieldError::new(field, problem));
        return None;
    }
    Some(text.to_owned())
}

/// Checks a raw submission. `today` is the date of receipt (in the municipality's time zone).
pub fn validate(raw: &RawSubmission, today: Date) -> Result<Draft, Vec<FieldError>> {
    let mut errors = Vec::new();

    let kind = match non_empty(&raw.kind) {
        None => {
            errors.push(FieldError::new("kind", Problem::Missing));
            None
        }
        Some(k) => Kind::parse(k).or_else(|| {
            errors.push(FieldError::new(
                "kind",
                Problem::UnknownValue {
                    allowed: Kind::ALL.iter().map(|k| k.as_str()).collect(),
                },
            ));
            None
        }),
    };
    let channel = match non_empty(&raw.channel) {
        None => {
            errors.push(FieldError::new("channel", Problem::Missing));
            None
        }
        Some(c) => Channel::parse(c).or_else(|| {
            errors.push(FieldError::new(
                "channel",
                Problem::UnknownValue {
                    allowed: Channel::ALL.iter().map(|c| c.as_str()).collect(),
                },
            ));
            None
        }),
    };
    let subject = text_field(
        &mut errors,
        "subject",
        &raw.subject,
        MAX_SUBJECT_CHARS,
        true,
        Lines::One,
    );
    let body = text_field(
        &mut errors,
        "body",
        &raw.body,
        MAX_BODY_CHARS,
        true,
        Lines::Many,
    );
    let address = text_field(
        &mut errors,
        "address",
        &raw.address,
        MAX_ADDRESS_CHARS,
        false,
        Lines::One,
    );

    let violation_date = match non_empty(&raw.violation_date) {
        None => None,
        Some(s) => match s.parse::<Date>() {
            Err(_) => {
                errors.push(FieldError::new("violation_date", Problem::InvalidDate));
                None
            }
            Ok(d) if d > today => {
                errors.push(FieldError::new("violation_date", Problem::FutureDate));
                None
            }
            Ok(d) => Some(d),
        },
    };

    // Opinions, comments and praise need no answer, so a name alone is enough for them.
    let needs_answer = !matches!(kind, Some(Kind::Opinion | Kind::Comment | Kind::Praise));
    let submitter = validate_submitter(&mut errors, raw, today, needs_answer);

    let (Some(kind), Some(channel), Some(subject), Some(body)) = (kind, channel, subject, body)
    else {
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Draft {
        kind,
        channel,
        subject,
        body,
        submitter,
        health_or_safety_threat: raw.health_or_safety_threat.unwrap_or(false),
        about_bad_administration: raw.about_bad_administration.unwrap_or(false),
        about_employee: raw.about_employee.unwrap_or(false),
        in_writing: raw.in_writing.unwrap_or(channel.is_written()),
        violation_date,
        address,
    })
}

fn validate_submitter(
    errors: &mut Vec<FieldError>,
    raw: &RawSubmission,
    today: Date,
    needs_answer: bool,
) -> Option<Submitter> {
    let given = raw.submitter.as_ref().filter(|s| !s.is_empty());
    match (raw.anonymous, given) {
        (Some(true), Some(_)) => {
            errors.push(FieldError::new(
                "submitter",
                Problem::AnonymousWithSubmitter,
            ));
            None
        }
        (Some(true), None) | (None, None) => None,
        (Some(false), None) => {
            errors.push(FieldError::new("submitter", Problem::SubmitterRequired));
            None
        }
        (_, Some(s)) => {
            let before = errors.len();
            let name = text_field(
                errors,
                "submitter.name",
                &s.name,
                MAX_NAME_CHARS,
                true,
                Lines::One,
            );
            let address = text_field(
                errors,
                "submitter.address",
                &s.address,
                MAX_ADDRESS_CHARS,
                false,
                Lines::One,
            );
            let phone = non_empty(&s.phone).and_then(|p| {
                Phone::parse(p)
                    .map_err(|e| errors.push(FieldError::new("submitter.phone", Problem::Phone(e))))
                    .ok()
            });
            let email = non_empty(&s.email).and_then(|p| {
                Email::parse(p)
                    .map_err(|e| errors.push(FieldError::new("submitter.email", Problem::Email(e))))
                    .ok()
            });
            let egn = non_empty(&s.egn).and_then(|p| {
                Egn::parse(p)
                    .map_err(|e| errors.push(FieldError::new("submitter.egn", Problem::Egn(e))))
                    .ok()
            });
            if let Some(egn) = &egn
                && egn.birth_date() > today
            {
                errors.push(FieldError::new(
                    "submitter.egn",
                    Problem::Egn(EgnError::InvalidDate),
                ));
            }
            if raw.consent != Some(true) {
                errors.push(FieldError::new("consent", Problem::ConsentRequired));
            }
            if errors.len() > before {
                return None;
            }
            if needs_answer && address.is_none() && phone.is_none() && email.is_none() {
                errors.push(FieldError::new("submitter", Problem::NoContact));
                return None;
            }
            Some(Submitter {
                name: name?,
                address,
                phone,
                email,
                egn,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn today() -> Date {
        date(2026, 12, 4)
    }

    fn raw() -> RawSubmission {
        RawSubmission {
            kind: Some("proposal".into()),
            channel: Some("web".into()),
            subject: Some("Пейка в парка".into()),
            body: Some("Първи ред.\r\nВтори ред.\n\tТрети, с табулация.".into()),
            submitter: Some(RawSubmitter {
                name: Some("Иван Петров".into()),
                address: Some("ул. „Шипка“ 3, Хасково".into()),
                email: Some("ivan@example.bg".into()),
                ..RawSubmitter::default()
            }),
            address: Some("Парк „Кенана“".into()),
            consent: Some(true),
            ..RawSubmission::default()
        }
    }

    #[test]
    fn a_named_submission_needs_the_submitters_consent_and_an_anonymous_one_does_not() {
        for consent in [None, Some(false)] {
            let mut named = raw();
            named.consent = consent;
            assert_eq!(
                problems(&named),
                vec![("consent".to_owned(), Problem::ConsentRequired)]
            );
        }
        let mut anonymous = raw();
        anonymous.submitter = None;
        anonymous.consent = None;
        anonymous.kind = Some("signal".into());
        assert_eq!(problems(&anonymous), Vec::new());
    }

    fn problems(raw: &RawSubmission) -> Vec<(String, Problem)> {
        match validate(raw, today()) {
            Ok(_) => Vec::new(),
            Err(errors) => errors.into_iter().map(|e| (e.field, e.problem)).collect(),
        }
    }

    /// Puts a value into one field of a submission.
    type SetField = fn(&mut RawSubmission, String);

    /// Every character a one-line field refuses, as the issue lists them.
    const LINE_BREAKERS: [char; 11] = [
        '\r', '\n', '\t', '\0', '\u{1}', '\u{1b}', '\u{1f}', '\u{7f}', '\u{85}', '\u{9f}',
        '\u{2028}',
    ];

    #[test]
    fn a_body_keeps_its_line_breaks_and_tabs() {
        let draft = validate(&raw(), today()).unwrap();
        assert_eq!(
            draft.body,
            "Първи ред.\r\nВтори ред.\n\tТрети, с табулация."
        );
    }

    #[test]
    fn the_reviews_name_with_injected_headers_is_refused_naming_the_field() {
        let mut raw = raw();
        raw.submitter.as_mut().unwrap().name =
            Some("Eve\r\nBcc: victim@evil.example\r\nX-Injected: yes".into());
        assert_eq!(
            problems(&raw),
            vec![("submitter.name".to_owned(), Problem::NotSingleLine)]
        );
        let problem = Problem::NotSingleLine;
        assert_eq!(problem.code(), "not_single_line");
        assert!(problem.message_bg().contains("един ред"));
        assert!(problem.message_en().contains("one line"));
    }

    #[test]
    fn every_one_line_field_refuses_every_control_character_and_line_separator() {
        for c in LINE_BREAKERS.into_iter().chain(['\u{2029}', '\u{80}']) {
            let bad = format!("преди{c}след");
            let cases: [(&str, SetField); 4] = [
                ("subject", |r, v| r.subject = Some(v)),
                ("address", |r, v| r.address = Some(v)),
                ("submitter.name", |r, v| {
                    r.submitter.as_mut().unwrap().name = Some(v)
                }),
                ("submitter.address", |r, v| {
                    r.submitter.as_mut().unwrap().address = Some(v)
                }),
            ];
            for (field, set) in cases {
                let mut raw = raw();
                set(&mut raw, bad.clone());
                assert_eq!(
                    problems(&raw),
                    vec![(field.to_owned(), Problem::NotSingleLine)],
                    "{field} with U+{:04X}",
                    u32::from(c)
                );
            }
        }
    }

    #[test]
    fn phone_and_email_refuse_control_characters_through_their_own_parsers() {
        for c in LINE_BREAKERS {
            let mut raw = raw();
            let submitter = raw.submitter.as_mut().unwrap();
            submitter.email = Some(format!("ev{c}e@example.bg"));
            submitter.phone = Some(format!("0888{c}123456"));
            let fields: Vec<String> = problems(&raw).into_iter().map(|(f, _)| f).collect();
            assert_eq!(
                fields,
                ["submitter.phone", "submitter.email"],
                "U+{:04X}",
                u32::from(c)
            );
        }
    }

    #[test]
    fn a_body_refuses_other_control_characters() {
        for c in [
            '\0', '\u{1}', '\u{b}', '\u{c}', '\u{1b}', '\u{7f}', '\u{85}', '\u{9f}',
        ] {
            let mut raw = raw();
            raw.body = Some(format!("текст{c}текст"));
            assert_eq!(
                problems(&raw),
                vec![("body".to_owned(), Problem::ControlCharacter)],
                "U+{:04X}",
                u32::from(c)
            );
        }
    }

    #[test]
    fn line_breaks_at_the_ends_of_a_one_line_field_are_trimmed_away() {
        let mut raw = raw();
        raw.submitter.as_mut().unwrap().name = Some("\r\n Иван Петров\t\n".into());
        raw.subject = Some("\u{2028}Пейка в парка\r\n".into());
        let draft = validate(&raw, today()).unwrap();
        assert_eq!(draft.submitter.unwrap().name, "Иван Петров");
        assert_eq!(draft.subject, "Пейка в парка");
    }
}
