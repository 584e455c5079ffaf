//! Time as a parameter. Everything that needs "now" receives a `Clock`, so tests can set the date.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> Timestamp;
}

/// A clock that always says the same instant (tests, demo data, replays).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub Timestamp);

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        self.0
    }
}

/// The municipality's time zone. Falls back to UTC only if the bundled database lacks it.
pub fn municipal_tz() -> TimeZone {
    TimeZone::get(crate::TIME_ZONE).unwrap_or(TimeZone::UTC)
}

/// The municipal (Europe/Sofia) date of an instant: the date of receipt for deadlines.
pub fn local_date(at: Timestamp) -> Date {
    at.to_zoned(municipal_tz()).date()
}

/// An instant as the municipality reads it: RFC 3339 with the Sofia offset
/// (`2026-03-02T10:00:05+02:00`).
pub fn local_time(at: Timestamp) -> String {
    at.to_zoned(municipal_tz())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// An instant in the municipality's time zone, to the second, as Bulgarian text:
/// `02.03.2026 10:00:05`.
pub fn time_bg(at: Timestamp) -> String {
    at.to_zoned(municipal_tz())
        .strftime("%d.%m.%Y %H:%M:%S")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn late_evening_utc_is_already_tomorrow_in_sofia() {
        let at: Timestamp = "2026-03-02T22:30:00Z".parse().unwrap();
        assert_eq!(local_date(at), jiff::civil::date(2026, 3, 3));
        let summer: Timestamp = "2026-07-01T20:59:59Z".parse().unwrap();
        assert_eq!(local_date(summer), jiff::civil::date(2026, 7, 1));
        let summer_late: Timestamp = "2026-07-01T21:00:00Z".parse().unwrap();
        assert_eq!(local_date(summer_late), jiff::civil::date(2026, 7, 2));
    }
}
