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
    /// NUL and other control characters (but newlines and tabs) are refused.
    ControlCharacter,
    InvalidDate,
    FutureDate,
    Egn(EgnError),
    Phone(PhoneError),
    Email(EmailError),
    /// A named person cannot also be anonymous.
    AnonymousWithSubmitter,
    /// Not anonymous, but nobody to answer.
    SubmitterRequired,
    /// A submitter we could not answer: no address, phone or e-mail.
    NoContact,
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
            Problem::UnknownValue { allowed } => {
                format!("непозната стойност; допустими са: {}", allowed.join(", "))
            }
            Problem::TooLong { max_chars } => format!("текстът е по-дълъг от {max_chars} знака"),
            Problem::TooShort { min_chars } => format!("текстът е по-кратък от {min_chars} знака"),
            Problem::WeakPassword => "паролата е твърде лесна за отгатване".into(),
            Problem::Invalid { detail } => format!("невалидна стойност ({detail})"),
            Problem::ControlCharacter => "текстът съдържа недопустими управляващи знаци".into(),
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
            Problem::NoContact => {
                "посочете поне адрес, телефон или електронна поща, за да получите отговор".into()
            }
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            Problem::Missing => "this field is required".into(),
            Problem::WrongType { expected } => format!("wrong type of value (expected {expected})"),
            Problem::UnknownValue { allowed } => {
                format!("unknown value; allowed: {}", allowed.join(", "))
            }
            Problem::TooLong { max_chars } => format!("longer than {max_chars} characters"),
            Problem::TooShort { min_chars } => format!("shorter than {min_chars} characters"),
            Problem::WeakPassword => "the password is too easy to guess".into(),
            Problem::Invalid { detail } => format!("invalid value ({detail})"),
            Problem::ControlCharacter => "the text contains forbidden control characters".into(),
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
            Problem::NoContact => {
                "give at least an address, a phone or an e-mail so that we can answer".into()
            }
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
            Problem::InvalidDate => "invalid_date",
            Problem::FutureDate => "future_date",
            Problem::Egn(_) => "invalid_egn",
            Problem::Phone(_) => "invalid_phone",
            Problem::Email(_) => "invalid_email",
            Problem::AnonymousWithSubmitter => "anonymous_with_submitter",
            Problem::SubmitterRequired => "submitter_required",
            Problem::NoContact => "no_contact",
        }
    }
}

fn type_bg(expected: &str) -> &'static str {
    match expected {
        "string" => "текст",
        "boolean" => "true или false",
        "object" => "обект",
        "number" => "число",
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

fn has_forbidden_control(s: &str) -> bool {
    s.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
}

/// Checks a free-text field: trimmed, bounded, no control characters.
fn text_field(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: &Option<String>,
    max_chars: usize,
    required: bool,
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
    if has_forbidden_control(text) {
        errors.push(FieldError::new(field, Problem::ControlCharacter));
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
    );
    let body = text_field(&mut errors, "body", &raw.body, MAX_BODY_CHARS, true);
    let address = text_field(
        &mut errors,
        "address",
        &raw.address,
        MAX_ADDRESS_CHARS,
        false,
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
            let name = text_field(errors, "submitter.name", &s.name, MAX_NAME_CHARS, true);
            let address = text_field(
                errors,
                "submitter.address",
                &s.address,
                MAX_ADDRESS_CHARS,
                false,
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
