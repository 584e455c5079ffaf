//! Registration numbers: `YYYY-NNNNNN`, unique and gap-free within a year.

use std::fmt;
use std::str::FromStr;

/// A registration number such as `2026-000123`: the year of receipt and the submission's place
/// in that year's series. Numbers past 999 999 keep their extra digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RegistrationNumber {
    year: i16,
    sequence: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a registration number looks like 2026-000123")]
pub struct RegistrationNumberError;

impl RegistrationNumber {
    pub fn new(year: i16, sequence: u32) -> Option<RegistrationNumber> {
        ((1000..=9999).contains(&year) && sequence > 0)
            .then_some(RegistrationNumber { year, sequence })
    }

    pub fn year(self) -> i16 {
        self.year
    }

    pub fn sequence(self) -> u32 {
        self.sequence
    }
}

impl fmt::Display for RegistrationNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:06}", self.year, self.sequence)
    }
}

impl FromStr for RegistrationNumber {
    type Err = RegistrationNumberError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (year, sequence) = s.trim().split_once('-').ok_or(RegistrationNumberError)?;
        let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        if year.len() != 4 || sequence.len() < 6 || !all_digits(year) || !all_digits(sequence) {
            return Err(RegistrationNumberError);
        }
        let year = year.parse().map_err(|_| RegistrationNumberError)?;
        let sequence = sequence.parse().map_err(|_| RegistrationNumberError)?;
        RegistrationNumber::new(year, sequence).ok_or(RegistrationNumberError)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_six_digits() {
        let n = RegistrationNumber::new(2026, 123).unwrap();
        assert_eq!(n.to_string(), "2026-000123");
        assert_eq!("2026-000123".parse::<RegistrationNumber>(), Ok(n));
        let big = RegistrationNumber::new(2026, 1_234_567).unwrap();
        assert_eq!(big.to_string(), "2026-1234567");
        assert_eq!(big.to_string().parse::<RegistrationNumber>(), Ok(big));
    }

    #[test]
    fn refuses_malformed_numbers() {
        for bad in [
            "",
            "2026",
            "2026-",
            "2026-12",
            "26-000001",
            "2026-000000",
            "2026-00001a",
            "+026-000001",
            "2026-+00001",
            "2026_000001",
            "2026-000001-1",
        ] {
            assert!(bad.parse::<RegistrationNumber>().is_err(), "{bad}");
        }
    }

    #[test]
    fn orders_by_year_then_sequence() {
        let a = RegistrationNumber::new(2025, 900).unwrap();
        let b = RegistrationNumber::new(2026, 1).unwrap();
        assert!(a < b);
    }
}
