//! Personal identifiers and contact details, parsed so they cannot exist invalid.
//! INTERFACE STUB — to be implemented.

use jiff::civil::Date;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EgnError {
    #[error("an ЕГН has exactly 10 digits")]
    WrongLength,
    #[error("an ЕГН has only digits")]
    NotDigits,
    #[error("the birth date in the ЕГН does not exist")]
    InvalidDate,
    #[error("the check digit of the ЕГН is wrong")]
    BadChecksum,
}

impl EgnError {
    pub fn message_bg(self) -> &'static str {
        todo!()
    }
}

/// ЕГН, the Bulgarian personal number. Its Debug output is redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct Egn(String);

impl Egn {
    pub fn parse(_s: &str) -> Result<Egn, EgnError> {
        todo!()
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn birth_date(&self) -> Date {
        todo!()
    }
}

impl std::fmt::Debug for Egn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Egn(**********)")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EikError {
    #[error("an ЕИК has 9 or 13 digits")]
    WrongLength,
    #[error("the check digit of the ЕИК is wrong")]
    BadChecksum,
}

/// ЕИК / БУЛСТАТ of a company or organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eik(String);

impl Eik {
    pub fn parse(_s: &str) -> Result<Eik, EikError> {
        todo!()
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("a phone number has 6 to 15 digits")]
    WrongLength,
    #[error("a phone number has only digits, spaces, dashes, parentheses and a leading +")]
    BadCharacter,
}

impl PhoneError {
    pub fn message_bg(self) -> &'static str {
        todo!()
    }
}

/// A phone number, normalised to digits with an optional leading `+`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    pub fn parse(_s: &str) -> Result<Phone, PhoneError> {
        todo!()
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("an e-mail address looks like name@example.bg")]
    Malformed,
    #[error("an e-mail address has at most 254 characters")]
    TooLong,
}

impl EmailError {
    pub fn message_bg(self) -> &'static str {
        todo!()
    }
}

/// An e-mail address (shape check only; delivery proves the rest).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(_s: &str) -> Result<Email, EmailError> {
        todo!()
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
