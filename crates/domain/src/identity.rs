//! Personal identifiers and contact details, parsed so they cannot exist invalid.
//!
//! Each type is a newtype whose only constructor is `parse`: once a value exists, it has passed
//! every check. The errors carry an English `Display` (for logs and the API) and a Bulgarian
//! `message_bg` (for forms).

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
        match self {
            EgnError::WrongLength => "ЕГН трябва да съдържа точно 10 цифри",
            EgnError::NotDigits => "ЕГН може да съдържа само цифри",
            EgnError::InvalidDate => "датата на раждане в ЕГН не съществува",
            EgnError::BadChecksum => "контролната цифра на ЕГН не е вярна",
        }
    }
}

/// The weights of the ЕГН check digit, for its first nine digits.
const EGN_WEIGHTS: [u32; 9] = [2, 4, 8, 5, 10, 9, 7, 3, 6];

/// ЕГН, the Bulgarian personal number. Its Debug output is redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct Egn(String);

impl Egn {
    /// Accepts `YYMMDDRRRC` (surrounding whitespace is ignored): the month carries +20 for births
    /// in the 1800s and +40 for births in the 2000s, the date must exist, and `C` must be the
    /// check digit of the first nine.
    pub fn parse(s: &str) -> Result<Egn, EgnError> {
        let s = s.trim();
        if !s.chars().all(|c| c.is_ascii_digit()) {
            return Err(EgnError::NotDigits);
        }
        // Only ASCII digits are left, so bytes and characters coincide.
        if s.len() != 10 {
            return Err(EgnError::WrongLength);
        }
        let digits = ascii_digits(s);
        if egn_birth_date(&digits).is_none() {
            return Err(EgnError::InvalidDate);
        }
        if egn_check_digit(&digits) != digits[9] {
            return Err(EgnError::BadChecksum);
        }
        Ok(Egn(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The birth date encoded in the number.
    pub fn birth_date(&self) -> Date {
        // `parse` refused every number whose date does not exist, so the fallback is unreachable;
        // it only keeps this function free of panics.
        egn_birth_date(&ascii_digits(&self.0)).unwrap_or(Date::MIN)
    }
}

impl std::fmt::Debug for Egn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Egn(**********)")
    }
}

/// The numeric values of the ASCII digits in `s` (other characters are skipped).
fn ascii_digits(s: &str) -> Vec<u32> {
    s.chars().filter_map(|c| c.to_digit(10)).collect()
}

/// The birth date of an ЕГН's digits, if it exists.
fn egn_birth_date(digits: &[u32]) -> Option<Date> {
    let [y1, y2, m1, m2, d1, d2, ..] = digits else {
        return None;
    };
    let yy = y1 * 10 + y2;
    let mm = m1 * 10 + m2;
    let dd = d1 * 10 + d2;
    let (century, month) = match mm {
        1..=12 => (1900, mm),
        21..=32 => (1800, mm - 20),
        41..=52 => (2000, mm - 40),
        _ => return None,
    };
    let year = i16::try_from(century + yy).ok()?;
    let month = i8::try_from(month).ok()?;
    let day = i8::try_from(dd).ok()?;
    Date::new(year, month, day).ok()
}

/// The check digit for an ЕГН's first nine digits.
fn egn_check_digit(digits: &[u32]) -> u32 {
    let sum: u32 = digits.iter().zip(EGN_WEIGHTS).map(|(d, w)| d * w).sum();
    match sum % 11 {
        10 => 0,
        r => r,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EikError {
    #[error("an ЕИК has 9 or 13 digits")]
    WrongLength,
    #[error("the check digit of the ЕИК is wrong")]
    BadChecksum,
}

impl EikError {
    pub fn message_bg(self) -> &'static str {
        match self {
            EikError::WrongLength => "ЕИК трябва да съдържа 9 или 13 цифри",
            EikError::BadChecksum => "контролната цифра на ЕИК не е вярна",
        }
    }
}

/// ЕИК / БУЛСТАТ of a company or organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eik(String);

impl Eik {
    /// Accepts 9 digits (a legal person) or 13 digits (a branch or unit: the 9-digit code
    /// followed by four more digits), each with its check digits.
    pub fn parse(s: &str) -> Result<Eik, EikError> {
        let s = s.trim();
        if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit()) {
            return Err(EikError::WrongLength);
        }
        let digits = ascii_digits(s);
        let valid = match digits.len() {
            9 => eik9_valid(&digits),
            13 => eik9_valid(&digits[..9]) && eik13_check_digit(&digits) == digits[12],
            _ => return Err(EikError::WrongLength),
        };
        if valid {
            Ok(Eik(s.to_owned()))
        } else {
            Err(EikError::BadChecksum)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Σ dᵢ·wᵢ mod 11 over the digits and weights given.
fn weighted_mod11(digits: &[u32], weights: impl IntoIterator<Item = u32>) -> u32 {
    digits.iter().zip(weights).map(|(d, w)| d * w).sum::<u32>() % 11
}

/// The two-pass check: first weights, else second weights, else 0.
fn two_pass_check(digits: &[u32], first: &[u32], second: &[u32]) -> u32 {
    match weighted_mod11(digits, first.iter().copied()) {
        10 => match weighted_mod11(digits, second.iter().copied()) {
            10 => 0,
            r => r,
        },
        r => r,
    }
}

/// The 9th digit of a 9-digit ЕИК checks the first eight.
fn eik9_valid(digits: &[u32]) -> bool {
    digits.len() == 9
        && two_pass_check(
            &digits[..8],
            &[1, 2, 3, 4, 5, 6, 7, 8],
            &[3, 4, 5, 6, 7, 8, 9, 10],
        ) == digits[8]
}

/// The 13th digit of a 13-digit ЕИК checks digits 9 to 12 (1-based).
fn eik13_check_digit(digits: &[u32]) -> u32 {
    two_pass_check(
        digits.get(8..12).unwrap_or(&[]),
        &[2, 7, 3, 5],
        &[4, 9, 5, 7],
    )
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
        match self {
            PhoneError::WrongLength => "телефонният номер трябва да съдържа от 6 до 15 цифри",
            PhoneError::BadCharacter => {
                "телефонният номер може да съдържа само цифри, интервали, тирета, точки, скоби и знак + в началото"
            }
        }
    }
}

/// The fewest and the most digits a phone number may have (E.164 allows at most 15).
const PHONE_DIGITS: std::ops::RangeInclusive<usize> = 6..=15;

/// A phone number, normalised to digits with an optional leading `+`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    /// Accepts digits separated by spaces, dashes, dots or parentheses, with an optional `+` in
    /// front, e.g. `038 603330`, `+359 38 603 330`, `(038) 60-33-30`.
    pub fn parse(s: &str) -> Result<Phone, PhoneError> {
        let s = s.trim();
        let (plus, rest) = match s.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let mut normalised = String::with_capacity(s.len());
        if plus {
            normalised.push('+');
        }
        let mut digits = 0usize;
        for c in rest.chars() {
            match c {
                '0'..='9' => {
                    normalised.push(c);
                    digits += 1;
                }
                ' ' | '-' | '.' | '(' | ')' => {}
                _ => return Err(PhoneError::BadCharacter),
            }
        }
        if !PHONE_DIGITS.contains(&digits) {
            return Err(PhoneError::WrongLength);
        }
        Ok(Phone(normalised))
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
        match self {
            EmailError::Malformed => {
                "адресът на електронната поща трябва да изглежда като име@пример.bg"
            }
            EmailError::TooLong => {
                "адресът на електронната поща може да съдържа най-много 254 знака"
            }
        }
    }
}

const MAX_EMAIL_CHARS: usize = 254;
const MAX_LOCAL_PART_CHARS: usize = 64;

/// An e-mail address (shape check only; delivery proves the rest).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Accepts `local@domain` with one `@`, a local part of 1 to 64 characters, and a domain of
    /// at least two dot-separated labels made of letters (any script), digits and inner hyphens.
    pub fn parse(s: &str) -> Result<Email, EmailError> {
        let s = s.trim();
        if s.chars().count() > MAX_EMAIL_CHARS {
            return Err(EmailError::TooLong);
        }
        let Some((local, domain)) = s.split_once('@') else {
            return Err(EmailError::Malformed);
        };
        if domain.contains('@') || !local_part_ok(local) || !domain_ok(domain) {
            return Err(EmailError::Malformed);
        }
        Ok(Email(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Characters that cannot appear unquoted in a local part (quoted local parts are not accepted).
const LOCAL_PART_SPECIALS: &[char] = &['(', ')', '<', '>', '[', ']', '\\', ',', ';', ':', '"'];

fn local_part_ok(local: &str) -> bool {
    let chars = local.chars().count();
    (1..=MAX_LOCAL_PART_CHARS).contains(&chars)
        && !local
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || LOCAL_PART_SPECIALS.contains(&c))
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
}

fn domain_ok(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    /// Builds a valid ЕГН from its first nine digits by computing the check digit.
    fn with_check_digit(first_nine: &str) -> String {
        assert_eq!(first_nine.len(), 9);
        let sum: u32 = first_nine
            .chars()
            .map(|c| c.to_digit(10).unwrap())
            .zip([2, 4, 8, 5, 10, 9, 7, 3, 6])
            .map(|(d, w)| d * w)
            .sum();
        let check = if sum % 11 == 10 { 0 } else { sum % 11 };
        format!("{first_nine}{check}")
    }

    /// The same number with its check digit replaced by a wrong one.
    fn with_wrong_check_digit(egn: &str) -> String {
        let (head, last) = egn.split_at(9);
        let last: u32 = last.parse().unwrap();
        format!("{head}{}", (last + 1) % 10)
    }

    #[test]
    fn egn_known_valid_numbers() {
        // Worked by hand: 8·2 + 1·5 + 1·9 = 30, 30 mod 11 = 8.
        let egn = Egn::parse("8001010008").unwrap();
        assert_eq!(egn.birth_date(), date(1980, 1, 1));
        assert_eq!(egn.as_str(), "8001010008");
        // 1875-03-16 (month 23 = March of the 1800s).
        let egn = Egn::parse("7523169263").unwrap();
        assert_eq!(egn.birth_date(), date(1875, 3, 16));
    }

    #[test]
    fn egn_centuries_by_month_offset() {
        for (nine, born) in [
            ("650315123", date(1965, 3, 15)),
            ("993231444", date(1899, 12, 31)),
            ("054512000", date(2005, 5, 12)),
            ("215231999", date(2021, 12, 31)),
            ("000101001", date(1900, 1, 1)),
        ] {
            let egn = Egn::parse(&with_check_digit(nine)).unwrap();
            assert_eq!(egn.birth_date(), born, "{nine}");
        }
    }

    #[test]
    fn egn_check_digit_ten_becomes_zero() {
        // Find a prefix whose weighted sum is 10 mod 11 and check that 0 is accepted.
        let nine = (0..1000)
            .map(|n| format!("800101{n:03}"))
            .find(|nine| {
                let sum: u32 = nine
                    .chars()
                    .map(|c| c.to_digit(10).unwrap())
                    .zip([2, 4, 8, 5, 10, 9, 7, 3, 6])
                    .map(|(d, w)| d * w)
                    .sum();
                sum % 11 == 10
            })
            .unwrap();
        assert!(Egn::parse(&format!("{nine}0")).is_ok());
        assert_eq!(Egn::parse(&format!("{nine}1")), Err(EgnError::BadChecksum));
    }

    #[test]
    fn egn_leap_days() {
        // 29 February 2024 (month 02 + 40 = 42) exists.
        let egn = Egn::parse(&with_check_digit("244229123")).unwrap();
        assert_eq!(egn.birth_date(), date(2024, 2, 29));
        // 29 February 2000 exists (divisible by 400).
        assert!(Egn::parse(&with_check_digit("004229123")).is_ok());
        // 29 February 1900 does not (divisible by 100, not by 400).
        assert_eq!(
            Egn::parse(&with_check_digit("000229123")),
            Err(EgnError::InvalidDate)
        );
        // 29 February 2023 does not.
        assert_eq!(
            Egn::parse(&with_check_digit("234229123")),
            Err(EgnError::InvalidDate)
        );
        // 29 February 1896 does (the 1800s, month 22).
        assert_eq!(
            Egn::parse(&with_check_digit("962229123"))
                .unwrap()
                .birth_date(),
            date(1896, 2, 29)
        );
    }

    #[test]
    fn egn_wrong_month_or_day() {
        for nine in [
            "801301123", // month 13
            "800001123", // month 0
            "802001123", // month 20
            "803301123", // month 33
            "805301123", // month 53
            "806001123", // month 60
            "800100123", // day 0
            "800132123", // day 32
            "800431123", // 31 April
            "804631123", // 31 June of the 2000s
        ] {
            assert_eq!(
                Egn::parse(&with_check_digit(nine)),
                Err(EgnError::InvalidDate),
                "{nine}"
            );
        }
    }

    #[test]
    fn egn_bad_checksum() {
        for nine in ["800101000", "650315123", "244229123"] {
            let valid = with_check_digit(nine);
            assert_eq!(
                Egn::parse(&with_wrong_check_digit(&valid)),
                Err(EgnError::BadChecksum)
            );
        }
        assert_eq!(Egn::parse("8001010009"), Err(EgnError::BadChecksum));
    }

    #[test]
    fn egn_length_and_characters() {
        assert_eq!(Egn::parse(""), Err(EgnError::WrongLength));
        assert_eq!(Egn::parse("800101000"), Err(EgnError::WrongLength));
        assert_eq!(Egn::parse("80010100080"), Err(EgnError::WrongLength));
        assert_eq!(Egn::parse("80010100a8"), Err(EgnError::NotDigits));
        assert_eq!(Egn::parse("800101 0008"), Err(EgnError::NotDigits));
        assert_eq!(Egn::parse("-800101000"), Err(EgnError::NotDigits));
        // Non-ASCII digits (Arabic-Indic) are not accepted.
        assert_eq!(Egn::parse("٨٠٠١٠١٠٠٠٨"), Err(EgnError::NotDigits));
        // Surrounding whitespace is ignored.
        assert_eq!(Egn::parse("  8001010008\n").unwrap().as_str(), "8001010008");
    }

    #[test]
    fn egn_debug_is_redacted() {
        let egn = Egn::parse("8001010008").unwrap();
        let shown = format!("{egn:?}");
        assert!(!shown.contains("8001010008"));
        assert!(!shown.contains("800101"));
    }

    #[test]
    fn egn_messages_in_bulgarian() {
        assert_eq!(
            EgnError::WrongLength.message_bg(),
            "ЕГН трябва да съдържа точно 10 цифри"
        );
        assert_eq!(
            EgnError::BadChecksum.message_bg(),
            "контролната цифра на ЕГН не е вярна"
        );
        for e in [
            EgnError::WrongLength,
            EgnError::NotDigits,
            EgnError::InvalidDate,
            EgnError::BadChecksum,
        ] {
            assert!(e.message_bg().contains("ЕГН"));
            assert!(!e.to_string().is_empty());
        }
    }

    /// Builds a valid 9-digit ЕИК from its first eight digits.
    fn eik9(first_eight: &str) -> String {
        let d: Vec<u32> = first_eight
            .chars()
            .map(|c| c.to_digit(10).unwrap())
            .collect();
        let sum = |w: &[u32]| d.iter().zip(w).map(|(a, b)| a * b).sum::<u32>() % 11;
        let mut c = sum(&[1, 2, 3, 4, 5, 6, 7, 8]);
        if c == 10 {
            c = sum(&[3, 4, 5, 6, 7, 8, 9, 10]);
            if c == 10 {
                c = 0;
            }
        }
        format!("{first_eight}{c}")
    }

    #[test]
    fn eik_nine_digits() {
        // 1·1+7·2+5·3+0·4+7·5+4·6+7·7+5·8 = 178, 178 mod 11 = 2.
        assert_eq!(Eik::parse("175074752").unwrap().as_str(), "175074752");
        assert_eq!(Eik::parse("175074751"), Err(EikError::BadChecksum));
        assert_eq!(Eik::parse(" 000000000 ").unwrap().as_str(), "000000000");
        for eight in ["12345678", "00000019", "83109432", "20200220"] {
            let eik = eik9(eight);
            assert!(Eik::parse(&eik).is_ok(), "{eik}");
        }
    }

    #[test]
    fn eik_nine_digits_second_pass() {
        // Find a prefix whose first pass gives 10, so that the second pass decides.
        let eight = (0..100_000u32)
            .map(|n| format!("100{n:05}"))
            .find(|e| {
                let d: Vec<u32> = e.chars().map(|c| c.to_digit(10).unwrap()).collect();
                d.iter().zip(1..=8).map(|(a, b)| a * b).sum::<u32>() % 11 == 10
            })
            .unwrap();
        let eik = eik9(&eight);
        assert!(Eik::parse(&eik).is_ok(), "{eik}");
    }

    #[test]
    fn eik_thirteen_digits() {
        let base = "175074752";
        let tail = |four: &str| {
            let d: Vec<u32> = four.chars().map(|c| c.to_digit(10).unwrap()).collect();
            let sum = |w: &[u32]| d.iter().zip(w).map(|(a, b)| a * b).sum::<u32>() % 11;
            let mut c = sum(&[2, 7, 3, 5]);
            if c == 10 {
                c = sum(&[4, 9, 5, 7]);
                if c == 10 {
                    c = 0;
                }
            }
            format!("{base}{}{c}", &four[1..])
        };
        // Digits 9–12 are the base's last digit followed by three more.
        for four in ["2000", "2123", "2999", "2055"] {
            let eik = tail(four);
            assert_eq!(eik.len(), 13);
            assert!(Eik::parse(&eik).is_ok(), "{eik}");
        }
        // 2·2 + 0 + 0 + 1·5 = 9.
        assert!(Eik::parse("1750747520019").is_ok());
        assert_eq!(Eik::parse("1750747520018"), Err(EikError::BadChecksum));
        // The first nine must be valid too.
        assert_eq!(Eik::parse("1750747510019"), Err(EikError::BadChecksum));
    }

    #[test]
    fn eik_length() {
        for s in [
            "",
            "12345678",
            "1234567890",
            "12345678901234",
            "17507475a",
            "ЕИК",
        ] {
            assert_eq!(Eik::parse(s), Err(EikError::WrongLength), "{s}");
        }
        assert!(EikError::BadChecksum.message_bg().contains("ЕИК"));
        assert!(EikError::WrongLength.message_bg().contains("ЕИК"));
    }

    #[test]
    fn phone_bulgarian_numbers() {
        for (input, normalised) in [
            ("038 603330", "038603330"),
            ("038 603481", "038603481"),
            ("+359 38 603 330", "+35938603330"),
            ("0888 123 456", "0888123456"),
            ("(038) 60-33-30", "038603330"),
            ("0888.123.456", "0888123456"),
            ("  +359888123456  ", "+359888123456"),
            ("00359 888 123 456", "00359888123456"),
            ("123456", "123456"),
            ("+123456789012345", "+123456789012345"),
        ] {
            assert_eq!(Phone::parse(input).unwrap().as_str(), normalised, "{input}");
        }
    }

    #[test]
    fn phone_refusals() {
        for input in ["", "+", "12345", "12-34-5", "1234567890123456", "(   )"] {
            assert_eq!(Phone::parse(input), Err(PhoneError::WrongLength), "{input}");
        }
        for input in [
            "0888 123 45a",
            "++359888123456",
            "359+888123456",
            "0888/123456",
            "тел. 0888123456",
            "0888 123 456 #2",
        ] {
            let result = Phone::parse(input);
            assert!(result.is_err(), "{input}");
        }
        assert_eq!(Phone::parse("0888/123456"), Err(PhoneError::BadCharacter));
        assert_eq!(
            Phone::parse("++359888123456"),
            Err(PhoneError::BadCharacter)
        );
        assert!(PhoneError::WrongLength.message_bg().contains("цифри"));
        assert!(
            PhoneError::BadCharacter
                .message_bg()
                .contains("телефонният номер")
        );
    }

    #[test]
    fn email_accepted() {
        for input in [
            "ivan@haskovo.bg",
            "ivan.petrov+signals@mail.example.com",
            "  obshtina@haskovo.bg ",
            "иван@община.бг",
            "a@b.c",
            "x-y_z@sub-domain.example.bg",
        ] {
            assert_eq!(
                Email::parse(input).unwrap().as_str(),
                input.trim(),
                "{input}"
            );
        }
    }

    #[test]
    fn email_refused() {
        for input in [
            "",
            "ivan",
            "ivan@",
            "@haskovo.bg",
            "ivan@haskovo",
            "ivan@@haskovo.bg",
            "ivan@mail@haskovo.bg",
            "ivan petrov@haskovo.bg",
            "ivan@hask ovo.bg",
            "ivan@haskovo..bg",
            "ivan@.haskovo.bg",
            "ivan@haskovo.bg.",
            "ivan@-haskovo.bg",
            "ivan@haskovo_x.bg",
            ".ivan@haskovo.bg",
            "iv..an@haskovo.bg",
            "ivan<x>@haskovo.bg",
        ] {
            assert_eq!(Email::parse(input), Err(EmailError::Malformed), "{input}");
        }
        let long_local = format!("{}@haskovo.bg", "a".repeat(65));
        assert_eq!(Email::parse(&long_local), Err(EmailError::Malformed));
        let ok_local = format!("{}@haskovo.bg", "a".repeat(64));
        assert!(Email::parse(&ok_local).is_ok());
    }

    #[test]
    fn email_length_limit() {
        let domain = format!("{}.bg", vec!["a".repeat(60); 4].join("."));
        let at_limit = format!("{}@{domain}", "b".repeat(254 - 1 - domain.len()));
        assert_eq!(at_limit.chars().count(), 254);
        assert!(Email::parse(&at_limit).is_ok());
        let over = format!("b{at_limit}");
        assert_eq!(Email::parse(&over), Err(EmailError::TooLong));
        assert!(EmailError::TooLong.message_bg().contains("254"));
        assert!(
            EmailError::Malformed
                .message_bg()
                .contains("електронната поща")
        );
    }
}
