//! How long personal data is kept. After a case is finished, its personal data is kept for the
//! retention period of its kind and then erased, leaving the case's skeleton (kind, channel,
//! dates, department, outcome) for the statistics and the unbroken register.

use crate::kinds::Kind;
use jiff::ToSpan;
use jiff::civil::Date;

/// Years to keep personal data after a case is finished, by kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionPolicy {
    years: Vec<(Kind, u16)>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RetentionError {
    #[error("expected KIND=YEARS, got {0:?}")]
    Malformed(String),
    #[error("unknown kind {0:?}")]
    UnknownKind(String),
    #[error("whistleblower reports must be kept at least 5 years (ЗЗЛПСПОИН)")]
    TooShortForWhistleblowers,
}

impl Default for RetentionPolicy {
    /// Whistleblower reports: 5 years, as the whistleblower act requires. Proposals, signals,
    /// complaints and applications: 5 years, long enough for any appeal or inspection. Opinions,
    /// comments and praise: 1 year, enough for the yearly report on feedback.
    fn default() -> Self {
        RetentionPolicy {
            years: Kind::ALL
                .iter()
                .map(|k| {
                    let years = match k {
                        Kind::Opinion | Kind::Comment | Kind::Praise => 1,
                        _ => 5,
                    };
                    (*k, years)
                })
                .collect(),
        }
    }
}

impl RetentionPolicy {
    pub fn years(&self, kind: Kind) -> u16 {
        self.years
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, y)| *y)
            .unwrap_or(5)
    }

    /// Applies overrides such as `praise=2`.
    pub fn with_override(mut self, text: &str) -> Result<Self, RetentionError> {
        let (kind, years) = text
            .split_once('=')
            .ok_or_else(|| RetentionError::Malformed(text.to_owned()))?;
        let kind =
            Kind::parse(kind.trim()).ok_or_else(|| RetentionError::UnknownKind(kind.to_owned()))?;
        let years: u16 = years
            .trim()
            .parse()
            .map_err(|_| RetentionError::Malformed(text.to_owned()))?;
        if kind == Kind::CorruptionSignal && years < 5 {
            return Err(RetentionError::TooShortForWhistleblowers);
        }
        for entry in &mut self.years {
            if entry.0 == kind {
                entry.1 = years;
            }
        }
        Ok(self)
    }

    /// Cases of `kind` finished before this date are due for erasure of personal data.
    pub fn cutoff(&self, kind: Kind, today: Date) -> Date {
        today
            .checked_sub(i64::from(self.years(kind)).years())
            .unwrap_or(Date::MIN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn defaults_keep_whistleblower_reports_five_years() {
        let policy = RetentionPolicy::default();
        assert_eq!(policy.years(Kind::CorruptionSignal), 5);
        assert_eq!(policy.years(Kind::Praise), 1);
        assert_eq!(
            policy.cutoff(Kind::Signal, date(2026, 3, 2)),
            date(2021, 3, 2)
        );
        assert_eq!(
            policy.cutoff(Kind::Praise, date(2028, 2, 29)),
            date(2027, 2, 28)
        );
    }

    #[test]
    fn overrides_are_checked() {
        let policy = RetentionPolicy::default()
            .with_override("praise=2")
            .unwrap();
        assert_eq!(policy.years(Kind::Praise), 2);
        assert_eq!(
            RetentionPolicy::default().with_override("corruption_signal=1"),
            Err(RetentionError::TooShortForWhistleblowers)
        );
        assert!(
            RetentionPolicy::default()
                .with_override("petition=1")
                .is_err()
        );
        assert!(RetentionPolicy::default().with_override("praise").is_err());
        assert!(
            RetentionPolicy::default()
                .with_override("praise=x")
                .is_err()
        );
    }
}
