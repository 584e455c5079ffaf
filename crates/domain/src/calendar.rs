//! The Bulgarian working calendar (Labour Code art. 154) in the Europe/Sofia time zone.
//! INTERFACE STUB — to be implemented.

use jiff::civil::Date;
use serde::Serialize;

/// Why a day is not a working day (ordinary weekends are not listed as named days).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DayOffKind {
    /// A fixed official holiday (1 Jan, 3 Mar, 1 May, 6 May, 24 May, 6 Sep, 22 Sep, 24–26 Dec).
    Holiday,
    /// Good Friday, Holy Saturday, Easter Sunday, Easter Monday (Orthodox Easter).
    Easter,
    /// A working day given off because a holiday fell on a weekend (art. 154(2), since 2017).
    MovedHoliday,
    /// An extra day off declared by the Council of Ministers.
    Decreed,
}

/// A named non-working day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamedDay {
    pub date: Date,
    pub name_bg: String,
    pub name_en: String,
    pub kind: DayOffKind,
}

/// What the calendar says about one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayInfo {
    pub date: Date,
    pub working: bool,
    /// Every reason the day is off (a holiday may also be a Sunday, etc.); empty on a working day.
    pub reasons: Vec<NamedDay>,
    /// True for an ordinary Saturday or Sunday that is not a decreed working Saturday.
    pub weekend: bool,
    /// True for a Saturday the Council of Ministers declared a working day.
    pub decreed_working_saturday: bool,
}

/// Extra days off and working Saturdays declared by the government, read from a data file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DecreedDays {
    pub days_off: Vec<NamedDay>,
    pub working_days: Vec<(Date, String)>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecreedDaysError {
    #[error("line {line}: {problem}")]
    BadLine { line: usize, problem: String },
}

impl DecreedDays {
    /// The decrees shipped with Priemna (`data/decreed-days.csv`).
    pub fn builtin() -> DecreedDays {
        todo!()
    }

    /// Parses the data file format (see `data/decreed-days.csv`).
    pub fn parse(_text: &str) -> Result<DecreedDays, DecreedDaysError> {
        todo!()
    }
}

/// The working calendar. Cheap to clone; computes any year on demand.
#[derive(Debug, Clone, Default)]
pub struct WorkingCalendar {
    decreed: DecreedDays,
}

/// Years the calendar answers for; outside them callers get `None` / an error.
pub const SUPPORTED_YEARS: std::ops::RangeInclusive<i16> = 1990..=2200;

impl WorkingCalendar {
    pub fn new(decreed: DecreedDays) -> WorkingCalendar {
        WorkingCalendar { decreed }
    }

    /// The calendar with the decrees shipped in the repo.
    pub fn with_builtin_decrees() -> WorkingCalendar {
        WorkingCalendar::new(DecreedDays::builtin())
    }

    pub fn is_working_day(&self, _date: Date) -> bool {
        todo!()
    }

    pub fn day_info(&self, _date: Date) -> DayInfo {
        todo!()
    }

    /// The named non-working days of a year, sorted by date (no ordinary weekends).
    pub fn non_working_days(&self, _year: i16) -> Vec<NamedDay> {
        let _ = &self.decreed;
        todo!()
    }

    /// The decreed working Saturdays of a year.
    pub fn working_saturdays(&self, _year: i16) -> Vec<(Date, String)> {
        todo!()
    }

    /// `date` itself if it is a working day, else the next working day.
    pub fn next_working_day_from(&self, _date: Date) -> Date {
        todo!()
    }

    /// The `n`-th working day after `date` (not counting `date`).
    pub fn add_working_days(&self, _date: Date, _n: u32) -> Date {
        todo!()
    }
}

/// Orthodox Easter Sunday (Julian computus) as a Gregorian date.
pub fn orthodox_easter(_year: i16) -> Date {
    todo!()
}
