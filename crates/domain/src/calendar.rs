//! The Bulgarian working calendar (Labour Code art. 154) in the Europe/Sofia time zone.
//!
//! Deadlines in Bulgarian law move off non-working days, so the register needs to know, for any
//! date, whether public offices work. The calendar is computed, not stored:
//!
//! * the fixed official holidays of art. 154(1) and the four Orthodox Easter days;
//! * since 2017, art. 154(2): a holiday other than the Easter ones that falls on a Saturday or a
//!   Sunday gives the first working day after it off (one day per such holiday, skipping days that
//!   are already off);
//! * the decrees of the Council of Ministers (extra days off, working Saturdays), which cannot be
//!   computed and are kept in `data/decreed-days.csv` so that an administrator can extend them.
//!
//! Dates are civil dates; converting an instant to a date in Europe/Sofia is the caller's job.
//! Years outside [`SUPPORTED_YEARS`] are answered with weekends only, and nothing here panics,
//! even at the edges of jiff's date range.
//!
//! The calendar follows today's statute for every supported year: it does not model the older
//! holiday lists (before 2010 Good Friday and Holy Saturday were not days off, for instance), nor
//! the transfers decreed before 2017 unless they are added to the data file.

use jiff::civil::{Date, Weekday};
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

impl DayOffKind {
    /// Order of importance when one date has several reasons: the first one names the day.
    fn rank(self) -> u8 {
        match self {
            DayOffKind::Holiday => 0,
            DayOffKind::Easter => 1,
            DayOffKind::MovedHoliday => 2,
            DayOffKind::Decreed => 3,
        }
    }
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
    /// Weekend days declared working days, with the Bulgarian name of the decree's reason.
    pub working_days: Vec<(Date, String)>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecreedDaysError {
    #[error("line {line}: {problem}")]
    BadLine { line: usize, problem: String },
}

/// The data file shipped with Priemna.
const BUILTIN_DECREES: &str = include_str!("../data/decreed-days.csv");

/// The column names; accepted as an optional, uncommented first line.
const CSV_HEADER: [&str; 4] = ["date", "kind", "name_bg", "name_en"];

impl DecreedDays {
    /// The decrees shipped with Priemna (`data/decreed-days.csv`).
    ///
    /// The file is checked by a unit test; should it ever be broken anyway, no decrees are used
    /// rather than taking the server down.
    pub fn builtin() -> DecreedDays {
        DecreedDays::parse(BUILTIN_DECREES).unwrap_or_default()
    }

    /// Parses the data file format (see `data/decreed-days.csv`).
    ///
    /// One decree per line: `date,kind,name_bg,name_en`, with `date` as `YYYY-MM-DD` and `kind`
    /// either `off` (an extra day off, on a weekday) or `working` (a Saturday or Sunday made a
    /// working day). Blank lines and lines starting with `#` are ignored, as is a header line
    /// naming the columns. Fields may be enclosed in double quotes (then they may contain commas;
    /// a doubled quote stands for a quote). A date may be listed only once and must lie in
    /// [`SUPPORTED_YEARS`]. For `working` lines the Bulgarian name is kept.
    pub fn parse(text: &str) -> Result<DecreedDays, DecreedDaysError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut decreed = DecreedDays::default();
        let mut seen: Vec<(Date, usize)> = Vec::new();
        let mut first_data_line = true;
        for (index, raw) in text.lines().enumerate() {
            let line = index + 1;
            let bad = |problem: String| DecreedDaysError::BadLine { line, problem };
            let trimmed = raw.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let fields = split_csv_line(trimmed).map_err(bad)?;
            let is_header = first_data_line
                && fields.len() == CSV_HEADER.len()
                && fields
                    .iter()
                    .zip(CSV_HEADER)
                    .all(|(field, name)| field.eq_ignore_ascii_case(name));
            first_data_line = false;
            if is_header {
                continue;
            }
            let [date, kind, name_bg, name_en] = <[String; 4]>::try_from(fields).map_err(|f| {
                bad(format!(
                    "expected 4 fields (date,kind,name_bg,name_en), found {}",
                    f.len()
                ))
            })?;
            let date: Date = date
                .parse()
                .map_err(|_| bad(format!("`{date}` is not a date in the form YYYY-MM-DD")))?;
            if !SUPPORTED_YEARS.contains(&date.year()) {
                return Err(bad(format!(
                    "{date} is outside the supported years {}–{}",
                    SUPPORTED_YEARS.start(),
                    SUPPORTED_YEARS.end()
                )));
            }
            if name_bg.is_empty() {
                return Err(bad("the Bulgarian name (name_bg) is empty".to_owned()));
            }
            if name_en.is_empty() {
                return Err(bad("the English name (name_en) is empty".to_owned()));
            }
            if let Some((_, earlier)) = seen.iter().find(|(d, _)| *d == date) {
                return Err(bad(format!("{date} is already listed on line {earlier}")));
            }
            match kind.as_str() {
                "off" => {
                    if is_weekend(date) {
                        return Err(bad(format!(
                            "{date} is a {}, already a day off; `off` is for weekdays",
                            weekday_en(date.weekday())
                        )));
                    }
                    decreed.days_off.push(NamedDay {
                        date,
                        name_bg,
                        name_en,
                        kind: DayOffKind::Decreed,
                    });
                }
                "working" => {
                    if !is_weekend(date) {
                        return Err(bad(format!(
                            "{date} is a {}, already a working day; `working` is for Saturdays",
                            weekday_en(date.weekday())
                        )));
                    }
                    decreed.working_days.push((date, name_bg));
                }
                other => {
                    return Err(bad(format!(
                        "unknown kind `{other}` (expected `off` or `working`)"
                    )));
                }
            }
            seen.push((date, line));
        }
        decreed.days_off.sort_by_key(|d| d.date);
        decreed.working_days.sort_by_key(|(d, _)| *d);
        Ok(decreed)
    }
}

/// Splits one CSV line into trimmed fields, honouring double quotes.
fn split_csv_line(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        // One field.
        while chars.next_if(|c| *c == ' ' || *c == '\t').is_some() {}
        let mut field = String::new();
        if chars.next_if_eq(&'"').is_some() {
            loop {
                match chars.next() {
                    Some('"') => {
                        if chars.next_if_eq(&'"').is_some() {
                            field.push('"');
                        } else {
                            break;
                        }
                    }
                    Some(c) => field.push(c),
                    None => return Err("a quoted field is not closed".to_owned()),
                }
            }
            while chars.next_if(|c| *c == ' ' || *c == '\t').is_some() {}
            match chars.peek() {
                None | Some(',') => {}
                Some(_) => return Err("unexpected text after a quoted field".to_owned()),
            }
        } else {
            while let Some(c) = chars.next_if(|c| *c != ',') {
                field.push(c);
            }
            field = field.trim().to_owned();
        }
        fields.push(field);
        if chars.next().is_none() {
            return Ok(fields);
        }
    }
}

/// The working calendar. Cheap to clone; computes any year on demand.
#[derive(Debug, Clone, Default)]
pub struct WorkingCalendar {
    decreed: DecreedDays,
}

/// Years the calendar answers for; outside them callers get `None` / an error.
pub const SUPPORTED_YEARS: std::ops::RangeInclusive<i16> = 1990..=2200;

/// The first year of the automatic move of weekend holidays (Labour Code art. 154(2), 2017).
pub const MOVED_HOLIDAYS_SINCE: i16 = 2017;

/// A holiday's names.
#[derive(Debug, PartialEq, Eq)]
struct HolidayName {
    bg: &'static str,
    en: &'static str,
}

/// The fixed official holidays: month, day, names.
const FIXED_HOLIDAYS: [(i8, i8, HolidayName); 10] = [
    (
        1,
        1,
        HolidayName {
            bg: "Нова година",
            en: "New Year's Day",
        },
    ),
    (
        3,
        3,
        HolidayName {
            bg: "Ден на Освобождението на България от османско иго",
            en: "Liberation Day",
        },
    ),
    (
        5,
        1,
        HolidayName {
            bg: "Ден на труда и на международната работническа солидарност",
            en: "Labour Day",
        },
    ),
    (
        5,
        6,
        HolidayName {
            bg: "Гергьовден, Ден на храбростта и Българската армия",
            en: "St George's Day",
        },
    ),
    (
        5,
        24,
        HolidayName {
            bg: "Ден на светите братя Кирил и Методий, на българската азбука, просвета и \
                 култура и на славянската книжовност",
            en: "Day of Bulgarian Education and Culture and Slavonic Literature",
        },
    ),
    (
        9,
        6,
        HolidayName {
            bg: "Ден на Съединението",
            en: "Unification Day",
        },
    ),
    (
        9,
        22,
        HolidayName {
            bg: "Ден на Независимостта на България",
            en: "Independence Day",
        },
    ),
    (
        12,
        24,
        HolidayName {
            bg: "Бъдни вечер",
            en: "Christmas Eve",
        },
    ),
    (
        12,
        25,
        HolidayName {
            bg: "Рождество Христово",
            en: "Christmas",
        },
    ),
    (
        12,
        26,
        HolidayName {
            bg: "Рождество Христово",
            en: "Christmas",
        },
    ),
];

/// The Easter days: offset from Easter Sunday, names.
const EASTER_DAYS: [(i8, HolidayName); 4] = [
    (
        -2,
        HolidayName {
            bg: "Разпети петък",
            en: "Good Friday",
        },
    ),
    (
        -1,
        HolidayName {
            bg: "Велика събота",
            en: "Holy Saturday",
        },
    ),
    (
        0,
        HolidayName {
            bg: "Великден",
            en: "Easter Sunday",
        },
    ),
    (
        1,
        HolidayName {
            bg: "Великден, втори ден",
            en: "Easter Monday",
        },
    ),
];

/// A statutory day off, cheap to compute (names are formatted only when asked for).
#[derive(Debug, Clone, Copy)]
struct StatutoryDay {
    date: Date,
    kind: DayOffKind,
    /// The holiday itself, or for a moved day the holiday it replaces.
    name: &'static HolidayName,
}

impl StatutoryDay {
    fn named(self) -> NamedDay {
        let (name_bg, name_en) = match self.kind {
            DayOffKind::MovedHoliday => (
                format!("Почивен ден (вместо {})", self.name.bg),
                format!("Day off in lieu of {}", self.name.en),
            ),
            _ => (self.name.bg.to_owned(), self.name.en.to_owned()),
        };
        NamedDay {
            date: self.date,
            name_bg,
            name_en,
            kind: self.kind,
        }
    }
}

/// The statutory days off of a supported year: fixed holidays, Easter days and (since 2017)
/// the days given off for holidays on weekends. Empty for unsupported years. Sorted by date, then
/// by importance.
fn statutory_days(year: i16) -> Vec<StatutoryDay> {
    if !SUPPORTED_YEARS.contains(&year) {
        return Vec::new();
    }
    let mut days: Vec<StatutoryDay> = FIXED_HOLIDAYS
        .iter()
        .filter_map(|(month, day, name)| {
            Date::new(year, *month, *day).ok().map(|date| StatutoryDay {
                date,
                kind: DayOffKind::Holiday,
                name,
            })
        })
        .collect();
    let easter = orthodox_easter(year);
    days.extend(EASTER_DAYS.iter().filter_map(|(offset, name)| {
        shift_days(easter, i64::from(*offset)).map(|date| StatutoryDay {
            date,
            kind: DayOffKind::Easter,
            name,
        })
    }));

    if year >= MOVED_HOLIDAYS_SINCE {
        // Fixed holidays come in date order, so the earlier holiday takes the earlier free day.
        let on_weekends: Vec<StatutoryDay> = days
            .iter()
            .filter(|d| d.kind == DayOffKind::Holiday && is_weekend(d.date))
            .copied()
            .collect();
        for holiday in on_weekends {
            let mut candidate = holiday.date;
            let moved = loop {
                match candidate.tomorrow() {
                    Ok(next) => candidate = next,
                    Err(_) => break None,
                }
                if !is_weekend(candidate) && !days.iter().any(|d| d.date == candidate) {
                    break Some(candidate);
                }
            };
            if let Some(date) = moved {
                days.push(StatutoryDay {
                    date,
                    kind: DayOffKind::MovedHoliday,
                    name: holiday.name,
                });
            }
        }
    }
    days.sort_by_key(|d| (d.date, d.kind.rank()));
    days
}

fn is_weekend(date: Date) -> bool {
    matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
}

fn weekday_en(weekday: Weekday) -> &'static str {
    match weekday {
        Weekday::Monday => "Monday",
        Weekday::Tuesday => "Tuesday",
        Weekday::Wednesday => "Wednesday",
        Weekday::Thursday => "Thursday",
        Weekday::Friday => "Friday",
        Weekday::Saturday => "Saturday",
        Weekday::Sunday => "Sunday",
    }
}

/// `date` moved by `days` days, or `None` outside jiff's range.
fn shift_days(date: Date, days: i64) -> Option<Date> {
    let span = jiff::Span::new().try_days(days).ok()?;
    date.checked_add(span).ok()
}

impl WorkingCalendar {
    pub fn new(decreed: DecreedDays) -> WorkingCalendar {
        WorkingCalendar { decreed }
    }

    /// The calendar with the decrees shipped in the repo.
    pub fn with_builtin_decrees() -> WorkingCalendar {
        WorkingCalendar::new(DecreedDays::builtin())
    }

    /// The decrees this calendar applies.
    pub fn decreed(&self) -> &DecreedDays {
        &self.decreed
    }

    fn is_decreed_working(&self, date: Date) -> bool {
        SUPPORTED_YEARS.contains(&date.year())
            && self.decreed.working_days.iter().any(|(d, _)| *d == date)
    }

    fn decreed_days_off(&self, year: i16) -> impl Iterator<Item = &NamedDay> {
        let supported = SUPPORTED_YEARS.contains(&year);
        self.decreed
            .days_off
            .iter()
            .filter(move |d| supported && d.date.year() == year)
    }

    /// Whether public offices work on `date`. A statutory or decreed day off is never a working
    /// day, even if a decree also lists it as a working Saturday.
    pub fn is_working_day(&self, date: Date) -> bool {
        let year = date.year();
        if statutory_days(year).iter().any(|d| d.date == date)
            || self.decreed_days_off(year).any(|d| d.date == date)
        {
            return false;
        }
        !is_weekend(date) || self.is_decreed_working(date)
    }

    pub fn day_info(&self, date: Date) -> DayInfo {
        let year = date.year();
        let mut reasons: Vec<NamedDay> = statutory_days(year)
            .into_iter()
            .filter(|d| d.date == date)
            .map(StatutoryDay::named)
            .collect();
        reasons.extend(
            self.decreed_days_off(year)
                .filter(|d| d.date == date)
                .cloned(),
        );
        reasons.sort_by_key(|d| d.kind.rank());
        let decreed_working_saturday = self.is_decreed_working(date);
        let weekend = is_weekend(date) && !decreed_working_saturday;
        DayInfo {
            date,
            working: reasons.is_empty() && !weekend,
            reasons,
            weekend,
            decreed_working_saturday,
        }
    }

    /// The named non-working days of a year, sorted by date (no ordinary weekends).
    ///
    /// A date with several reasons is listed once, under the most important one (a fixed holiday
    /// before an Easter day, before a moved holiday, before a decree); [`Self::day_info`] gives
    /// them all. Empty for years outside [`SUPPORTED_YEARS`].
    pub fn non_working_days(&self, year: i16) -> Vec<NamedDay> {
        let mut days: Vec<NamedDay> = statutory_days(year)
            .into_iter()
            .map(StatutoryDay::named)
            .collect();
        days.extend(self.decreed_days_off(year).cloned());
        days.sort_by_key(|d| (d.date, d.kind.rank()));
        days.dedup_by_key(|d| d.date);
        days
    }

    /// The decreed working Saturdays of a year.
    pub fn working_saturdays(&self, year: i16) -> Vec<(Date, String)> {
        if !SUPPORTED_YEARS.contains(&year) {
            return Vec::new();
        }
        let mut days: Vec<(Date, String)> = self
            .decreed
            .working_days
            .iter()
            .filter(|(d, _)| d.year() == year)
            .cloned()
            .collect();
        days.sort_by_key(|(d, _)| *d);
        days.dedup_by_key(|(d, _)| *d);
        days
    }

    /// `date` itself if it is a working day, else the next working day.
    ///
    /// At the very end of jiff's date range (9999-12-31) the last date is returned even if it is
    /// not a working day.
    pub fn next_working_day_from(&self, date: Date) -> Date {
        let mut day = date;
        while !self.is_working_day(day) {
            match day.tomorrow() {
                Ok(next) => day = next,
                Err(_) => break,
            }
        }
        day
    }

    /// The first working day strictly after `date` (saturating at the end of the date range).
    pub fn next_working_day_after(&self, date: Date) -> Date {
        match date.tomorrow() {
            Ok(next) => self.next_working_day_from(next),
            Err(_) => date,
        }
    }

    /// The `n`-th working day after `date` (not counting `date`). `n == 0` gives `date` itself.
    pub fn add_working_days(&self, date: Date, n: u32) -> Date {
        let mut day = date;
        for _ in 0..n {
            let next = self.next_working_day_after(day);
            if next == day {
                break; // the end of the date range
            }
            day = next;
        }
        day
    }
}

/// Orthodox Easter Sunday (Julian computus) as a Gregorian date.
///
/// Correct for every year the proleptic Gregorian calendar of jiff can hold; for a year whose
/// Easter falls outside it the nearest representable date is returned.
pub fn orthodox_easter(year: i16) -> Date {
    let y = i64::from(year);
    // Meeus's Julian algorithm gives Easter as a date of the Julian calendar.
    let a = y.rem_euclid(4);
    let b = y.rem_euclid(7);
    let c = y.rem_euclid(19);
    let d = (19 * c + 15).rem_euclid(30);
    let e = (2 * a + 4 * b - d + 34).rem_euclid(7);
    let month = (d + e + 114).div_euclid(31);
    let day = (d + e + 114).rem_euclid(31) + 1;
    let jdn = julian_calendar_to_day_number(y, month, day);
    let (gy, gm, gd) = day_number_to_gregorian(jdn);
    let date = i16::try_from(gy).ok().and_then(|gy| {
        let gm = i8::try_from(gm).ok()?;
        let gd = i8::try_from(gd).ok()?;
        Date::new(gy, gm, gd).ok()
    });
    match date {
        Some(date) => date,
        None if y < 0 => Date::MIN,
        None => Date::MAX,
    }
}

/// The Julian day number of a date of the Julian calendar.
fn julian_calendar_to_day_number(year: i64, month: i64, day: i64) -> i64 {
    // Count from March of year + 4800 so that the leap day is the last day of the count year.
    let a = (14 - month).div_euclid(12);
    let y = year + 4800 - a;
    let m = month + 12 * a - 3;
    day + (153 * m + 2).div_euclid(5) + 365 * y + y.div_euclid(4) - 32083
}

/// The proleptic Gregorian date of a Julian day number.
fn day_number_to_gregorian(jdn: i64) -> (i64, i64, i64) {
    let a = jdn + 32044;
    let b = (4 * a + 3).div_euclid(146_097);
    let c = a - (146_097 * b).div_euclid(4);
    let d = (4 * c + 3).div_euclid(1461);
    let e = c - (1461 * d).div_euclid(4);
    let m = (5 * e + 2).div_euclid(153);
    let day = e - (153 * m + 2).div_euclid(5) + 1;
    let month = m + 3 - 12 * m.div_euclid(10);
    let year = 100 * b + d - 4800 + m.div_euclid(10);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn cal() -> WorkingCalendar {
        WorkingCalendar::with_builtin_decrees()
    }

    fn plain() -> WorkingCalendar {
        WorkingCalendar::new(DecreedDays::default())
    }

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    /// The named non-working dates of a year, as strings.
    fn off_dates(calendar: &WorkingCalendar, year: i16) -> Vec<String> {
        calendar
            .non_working_days(year)
            .iter()
            .map(|n| n.date.to_string())
            .collect()
    }

    // ---- Orthodox Easter -------------------------------------------------------------------

    #[test]
    fn orthodox_easter_known_dates() {
        let known = [
            (1990, "1990-04-15"),
            (1991, "1991-04-07"),
            (1999, "1999-04-11"),
            (2000, "2000-04-30"),
            (2001, "2001-04-15"),
            (2002, "2002-05-05"),
            (2008, "2008-04-27"),
            (2010, "2010-04-04"),
            (2011, "2011-04-24"),
            (2012, "2012-04-15"),
            (2013, "2013-05-05"),
            (2014, "2014-04-20"),
            (2015, "2015-04-12"),
            (2016, "2016-05-01"),
            (2017, "2017-04-16"),
            (2018, "2018-04-08"),
            (2019, "2019-04-28"),
            (2020, "2020-04-19"),
            (2021, "2021-05-02"),
            (2022, "2022-04-24"),
            (2023, "2023-04-16"),
            (2024, "2024-05-05"),
            (2025, "2025-04-20"),
            (2026, "2026-04-12"),
            (2027, "2027-05-02"),
            (2028, "2028-04-16"),
            (2029, "2029-04-08"),
            (2030, "2030-04-28"),
            (2031, "2031-04-13"),
            (2032, "2032-05-02"),
            (2035, "2035-04-29"),
            (2050, "2050-04-17"),
            (2099, "2099-04-12"),
            (2100, "2100-05-02"),
            (2101, "2101-04-24"),
            (2150, "2150-04-19"),
            (2200, "2200-04-06"),
        ];
        for (year, expected) in known {
            assert_eq!(orthodox_easter(year), d(expected), "Easter {year}");
        }
    }

    #[test]
    fn orthodox_easter_is_a_sunday_between_4_april_and_8_may_1900_to_2099() {
        // 22 March – 25 April (Julian) is 4 April – 8 May (Gregorian) while the offset is 13.
        for year in 1900..=2099 {
            let easter = orthodox_easter(year);
            assert_eq!(easter.weekday(), Weekday::Sunday, "{year}");
            assert_eq!(easter.year(), year);
            assert!(
                easter >= date(year, 4, 4) && easter <= date(year, 5, 8),
                "{easter}"
            );
        }
    }

    #[test]
    fn orthodox_easter_in_every_supported_year_is_a_sunday_in_its_year() {
        for year in SUPPORTED_YEARS {
            let easter = orthodox_easter(year);
            assert_eq!(easter.weekday(), Weekday::Sunday, "{year}");
            assert_eq!(easter.year(), year);
            assert!(easter.month() == 4 || easter.month() == 5, "{easter}");
        }
    }

    #[test]
    fn julian_to_gregorian_conversion() {
        // The Gregorian reform: Julian 4 October 1582 was followed by Gregorian 15 October.
        let jdn = julian_calendar_to_day_number(1582, 10, 5);
        assert_eq!(day_number_to_gregorian(jdn), (1582, 10, 15));
        // Julian 29 February 2100 (a day the Gregorian calendar lacks) is Gregorian 14 March:
        // from then on the offset is 14 days.
        let jdn = julian_calendar_to_day_number(2100, 2, 29);
        assert_eq!(day_number_to_gregorian(jdn), (2100, 3, 14));
        let jdn = julian_calendar_to_day_number(2100, 3, 1);
        assert_eq!(day_number_to_gregorian(jdn), (2100, 3, 15));
        // Julian 28 February 2100 is still 13 days behind.
        let jdn = julian_calendar_to_day_number(2100, 2, 28);
        assert_eq!(day_number_to_gregorian(jdn), (2100, 3, 13));
        // 1 January 2000 (Gregorian) is Julian day 2451545.
        assert_eq!(day_number_to_gregorian(2_451_545), (2000, 1, 1));
    }

    #[test]
    fn orthodox_easter_does_not_panic_at_the_edges_of_i16() {
        for year in [
            i16::MIN,
            -10_000,
            -9999,
            -1,
            0,
            1,
            9998,
            9999,
            10_000,
            i16::MAX,
        ] {
            let easter = orthodox_easter(year);
            assert!(easter >= Date::MIN && easter <= Date::MAX);
        }
        assert_eq!(orthodox_easter(i16::MAX), Date::MAX);
        assert_eq!(orthodox_easter(i16::MIN), Date::MIN);
        assert_eq!(orthodox_easter(9999).weekday(), Weekday::Sunday);
    }

    // ---- Fixed holidays --------------------------------------------------------------------

    #[test]
    fn every_fixed_holiday_is_off_with_its_name() {
        let calendar = cal();
        let expected = [
            ((1, 1), "Нова година", "New Year's Day"),
            (
                (3, 3),
                "Ден на Освобождението на България от османско иго",
                "Liberation Day",
            ),
            (
                (5, 1),
                "Ден на труда и на международната работническа солидарност",
                "Labour Day",
            ),
            (
                (5, 6),
                "Гергьовден, Ден на храбростта и Българската армия",
                "St George's Day",
            ),
            (
                (5, 24),
                "Ден на светите братя Кирил и Методий, на българската азбука, просвета и \
                 култура и на славянската книжовност",
                "Day of Bulgarian Education and Culture and Slavonic Literature",
            ),
            ((9, 6), "Ден на Съединението", "Unification Day"),
            (
                (9, 22),
                "Ден на Независимостта на България",
                "Independence Day",
            ),
            ((12, 24), "Бъдни вечер", "Christmas Eve"),
            ((12, 25), "Рождество Христово", "Christmas"),
            ((12, 26), "Рождество Христово", "Christmas"),
        ];
        for year in [1990, 2016, 2025, 2026, 2031, 2200] {
            for ((month, day), bg, en) in expected {
                let info = calendar.day_info(date(year, month, day));
                assert!(!info.working, "{year}-{month}-{day}");
                assert!(!calendar.is_working_day(date(year, month, day)));
                let holiday = info
                    .reasons
                    .iter()
                    .find(|r| r.kind == DayOffKind::Holiday)
                    .unwrap();
                assert_eq!(holiday.name_bg, bg);
                assert_eq!(holiday.name_en, en);
            }
        }
    }

    #[test]
    fn easter_days_are_off_with_their_names() {
        let calendar = cal();
        let expected = [
            ("2026-04-10", "Разпети петък", "Good Friday"),
            ("2026-04-11", "Велика събота", "Holy Saturday"),
            ("2026-04-12", "Великден", "Easter Sunday"),
            ("2026-04-13", "Великден, втори ден", "Easter Monday"),
        ];
        for (day, bg, en) in expected {
            let info = calendar.day_info(d(day));
            assert!(!info.working);
            assert_eq!(info.reasons.len(), 1, "{day}");
            assert_eq!(info.reasons[0].kind, DayOffKind::Easter);
            assert_eq!(info.reasons[0].name_bg, bg);
            assert_eq!(info.reasons[0].name_en, en);
        }
        // The days around Easter work.
        assert!(calendar.is_working_day(d("2026-04-09")));
        assert!(calendar.is_working_day(d("2026-04-14")));
    }

    #[test]
    fn ordinary_days() {
        let calendar = cal();
        let monday = calendar.day_info(d("2026-03-02"));
        assert!(monday.working && !monday.weekend && !monday.decreed_working_saturday);
        assert!(monday.reasons.is_empty());
        let saturday = calendar.day_info(d("2026-03-07"));
        assert!(!saturday.working && saturday.weekend && saturday.reasons.is_empty());
        let sunday = calendar.day_info(d("2026-03-08"));
        assert!(!sunday.working && sunday.weekend && sunday.reasons.is_empty());
        // 1 November is a day off only for schools.
        assert!(calendar.is_working_day(d("2027-11-01")));
    }

    // ---- Holidays on weekends (art. 154(2)) ------------------------------------------------

    #[test]
    fn st_georges_day_2023_on_a_saturday_gives_monday_off() {
        let calendar = cal();
        assert!(!calendar.is_working_day(d("2023-05-08")));
        let info = calendar.day_info(d("2023-05-08"));
        assert!(!info.weekend);
        assert_eq!(info.reasons.len(), 1);
        assert_eq!(info.reasons[0].kind, DayOffKind::MovedHoliday);
        assert_eq!(
            info.reasons[0].name_bg,
            "Почивен ден (вместо Гергьовден, Ден на храбростта и Българската армия)"
        );
        assert_eq!(
            info.reasons[0].name_en,
            "Day off in lieu of St George's Day"
        );
        assert!(calendar.is_working_day(d("2023-05-09")));
    }

    #[test]
    fn christmas_2027_friday_to_sunday_gives_monday_and_tuesday_off() {
        let calendar = cal();
        for day in [
            "2027-12-24",
            "2027-12-25",
            "2027-12-26",
            "2027-12-27",
            "2027-12-28",
        ] {
            assert!(!calendar.is_working_day(d(day)), "{day}");
        }
        assert!(calendar.is_working_day(d("2027-12-29")));
        let moved: Vec<NamedDay> = calendar
            .non_working_days(2027)
            .into_iter()
            .filter(|n| n.kind == DayOffKind::MovedHoliday && n.date.month() == 12)
            .collect();
        assert_eq!(moved.len(), 2);
        assert_eq!(moved[0].date, d("2027-12-27"));
        assert_eq!(moved[1].date, d("2027-12-28"));
        assert_eq!(moved[0].name_en, "Day off in lieu of Christmas");
    }

    #[test]
    fn labour_day_on_holy_saturday_skips_easter_monday() {
        let calendar = cal();
        for year in [2021, 2027] {
            let first_may = date(year, 5, 1);
            assert_eq!(first_may.weekday(), Weekday::Saturday);
            let info = calendar.day_info(first_may);
            let kinds: Vec<DayOffKind> = info.reasons.iter().map(|r| r.kind).collect();
            assert_eq!(kinds, [DayOffKind::Holiday, DayOffKind::Easter], "{year}");
            assert_eq!(info.reasons[1].name_bg, "Велика събота");
            assert!(!calendar.is_working_day(date(year, 5, 3)), "Easter Monday");
            let tuesday = calendar.day_info(date(year, 5, 4));
            assert!(!tuesday.working, "{year}-05-04");
            assert_eq!(tuesday.reasons[0].kind, DayOffKind::MovedHoliday);
            assert_eq!(
                tuesday.reasons[0].name_bg,
                "Почивен ден (вместо Ден на труда и на международната работническа солидарност)"
            );
            assert_eq!(tuesday.reasons[0].name_en, "Day off in lieu of Labour Day");
            assert!(calendar.is_working_day(date(year, 5, 5)));
            // 1 May is listed once, under Labour Day.
            let firsts: Vec<NamedDay> = calendar
                .non_working_days(year)
                .into_iter()
                .filter(|n| n.date == first_may)
                .collect();
            assert_eq!(firsts.len(), 1);
            assert_eq!(firsts[0].kind, DayOffKind::Holiday);
        }
    }

    #[test]
    fn christmas_2022_saturday_sunday_monday_gives_tuesday_and_wednesday_off() {
        let calendar = cal();
        let info = calendar.day_info(d("2022-12-27"));
        assert_eq!(info.reasons[0].name_en, "Day off in lieu of Christmas Eve");
        let info = calendar.day_info(d("2022-12-28"));
        assert_eq!(info.reasons[0].name_en, "Day off in lieu of Christmas");
        assert!(calendar.is_working_day(d("2022-12-29")));
    }

    #[test]
    fn new_year_on_a_weekend() {
        let calendar = cal();
        // 1 January 2022 was a Saturday, 1 January 2023 a Sunday.
        assert!(!calendar.is_working_day(d("2022-01-03")));
        assert!(calendar.is_working_day(d("2022-01-04")));
        assert!(!calendar.is_working_day(d("2023-01-02")));
        assert!(calendar.is_working_day(d("2023-01-03")));
    }

    #[test]
    fn easter_days_on_weekends_are_not_moved() {
        let calendar = cal();
        // Holy Saturday and Easter Sunday are always at the weekend and give nothing extra.
        for year in 2017..=2030 {
            let easter = orthodox_easter(year);
            let tuesday = shift_days(easter, 2).unwrap();
            let fixed_nearby = tuesday.month() == 5 && tuesday.day() <= 8;
            if !fixed_nearby {
                assert!(calendar.is_working_day(tuesday), "{tuesday}");
            }
        }
    }

    #[test]
    fn no_automatic_move_before_2017() {
        let calendar = plain();
        // 6 May 2016 was a Friday; 24 May 2015 a Sunday: Monday 25 May 2015 was not moved here.
        assert_eq!(d("2015-05-24").weekday(), Weekday::Sunday);
        assert!(calendar.is_working_day(d("2015-05-25")));
        assert!(
            calendar
                .non_working_days(2016)
                .iter()
                .all(|n| n.kind != DayOffKind::MovedHoliday)
        );
        // But from 2017 on, 1 January 2017 (a Sunday) gave Monday 2 January off.
        assert!(!calendar.is_working_day(d("2017-01-02")));
    }

    /// The complete lists, cross-checked against the calendars published for those years.
    #[test]
    fn complete_lists_of_non_working_days() {
        let calendar = plain();
        let expected: [(i16, &[&str]); 5] = [
            (
                2022,
                &[
                    "2022-01-01",
                    "2022-01-03",
                    "2022-03-03",
                    "2022-04-22",
                    "2022-04-23",
                    "2022-04-24",
                    "2022-04-25",
                    "2022-05-01",
                    "2022-05-02",
                    "2022-05-06",
                    "2022-05-24",
                    "2022-09-06",
                    "2022-09-22",
                    "2022-12-24",
                    "2022-12-25",
                    "2022-12-26",
                    "2022-12-27",
                    "2022-12-28",
                ],
            ),
            (
                2023,
                &[
                    "2023-01-01",
                    "2023-01-02",
                    "2023-03-03",
                    "2023-04-14",
                    "2023-04-15",
                    "2023-04-16",
                    "2023-04-17",
                    "2023-05-01",
                    "2023-05-06",
                    "2023-05-08",
                    "2023-05-24",
                    "2023-09-06",
                    "2023-09-22",
                    "2023-12-24",
                    "2023-12-25",
                    "2023-12-26",
                    "2023-12-27",
                ],
            ),
            (
                2024,
                &[
                    "2024-01-01",
                    "2024-03-03",
                    "2024-03-04",
                    "2024-05-01",
                    "2024-05-03",
                    "2024-05-04",
                    "2024-05-05",
                    "2024-05-06",
                    "2024-05-24",
                    "2024-09-06",
                    "2024-09-22",
                    "2024-09-23",
                    "2024-12-24",
                    "2024-12-25",
                    "2024-12-26",
                ],
            ),
            (
                2026,
                &[
                    "2026-01-01",
                    "2026-03-03",
                    "2026-04-10",
                    "2026-04-11",
                    "2026-04-12",
                    "2026-04-13",
                    "2026-05-01",
                    "2026-05-06",
                    "2026-05-24",
                    "2026-05-25",
                    "2026-09-06",
                    "2026-09-07",
                    "2026-09-22",
                    "2026-12-24",
                    "2026-12-25",
                    "2026-12-26",
                    "2026-12-28",
                ],
            ),
            (
                2027,
                &[
                    "2027-01-01",
                    "2027-03-03",
                    "2027-04-30",
                    "2027-05-01",
                    "2027-05-02",
                    "2027-05-03",
                    "2027-05-04",
                    "2027-05-06",
                    "2027-05-24",
                    "2027-09-06",
                    "2027-09-22",
                    "2027-12-24",
                    "2027-12-25",
                    "2027-12-26",
                    "2027-12-27",
                    "2027-12-28",
                ],
            ),
        ];
        for (year, dates) in expected {
            assert_eq!(off_dates(&calendar, year), dates, "{year}");
        }
    }

    #[test]
    fn st_georges_day_on_easter_monday_2024_is_listed_once_with_both_reasons() {
        let calendar = cal();
        let info = calendar.day_info(d("2024-05-06"));
        let kinds: Vec<DayOffKind> = info.reasons.iter().map(|r| r.kind).collect();
        assert_eq!(kinds, [DayOffKind::Holiday, DayOffKind::Easter]);
        // A Monday holiday gives nothing extra.
        assert!(calendar.is_working_day(d("2024-05-07")));
    }

    #[test]
    fn years_2017_to_2030_sanity() {
        let calendar = plain();
        for year in 2017..=2030 {
            let days = calendar.non_working_days(year);
            // Sorted, one entry per date.
            assert!(days.windows(2).all(|w| w[0].date < w[1].date), "{year}");
            assert!(days.iter().all(|n| n.date.year() == year));
            for (month, day, _) in &FIXED_HOLIDAYS {
                let holiday = date(year, *month, *day);
                assert!(days.iter().any(|n| n.date == holiday), "{holiday}");
                assert!(!calendar.is_working_day(holiday), "{holiday}");
            }
            let easter = orthodox_easter(year);
            for offset in -2..=1 {
                let day = shift_days(easter, offset).unwrap();
                assert!(
                    calendar
                        .day_info(day)
                        .reasons
                        .iter()
                        .any(|r| r.kind == DayOffKind::Easter),
                    "{day}"
                );
            }
            // One moved day per fixed holiday on a weekend, each on a weekday.
            let on_weekends = FIXED_HOLIDAYS
                .iter()
                .filter(|(m, dd, _)| is_weekend(date(year, *m, *dd)))
                .count();
            let moved: Vec<&NamedDay> = days
                .iter()
                .filter(|n| n.kind == DayOffKind::MovedHoliday)
                .collect();
            assert_eq!(moved.len(), on_weekends, "{year}");
            assert!(moved.iter().all(|n| !is_weekend(n.date)));
            // Between 10 fixed + 4 Easter - overlaps and that plus the moved days.
            assert!(days.len() >= 12 && days.len() <= 14 + on_weekends, "{year}");
            // No named day is an ordinary weekend without a reason.
            for n in &days {
                assert!(!calendar.is_working_day(n.date));
            }
            // Working days in a year: plausible.
            let mut working = 0;
            let mut day = date(year, 1, 1);
            while day.year() == year {
                if calendar.is_working_day(day) {
                    working += 1;
                }
                day = day.tomorrow().unwrap();
            }
            assert!((245..=254).contains(&working), "{year}: {working}");
        }
    }

    // ---- Decreed days ----------------------------------------------------------------------

    #[test]
    fn builtin_decrees_parse_and_give_2_january_2026_off() {
        let decreed = DecreedDays::parse(BUILTIN_DECREES).unwrap();
        assert_eq!(decreed, DecreedDays::builtin());
        assert!(decreed.days_off.iter().any(|n| n.date == d("2026-01-02")));
        let calendar = cal();
        let info = calendar.day_info(d("2026-01-02"));
        assert!(!info.working);
        assert_eq!(info.reasons.len(), 1);
        assert_eq!(info.reasons[0].kind, DayOffKind::Decreed);
        assert!(
            calendar
                .non_working_days(2026)
                .iter()
                .any(|n| n.date == d("2026-01-02"))
        );
        // Without the decree it is an ordinary Friday.
        assert!(plain().is_working_day(d("2026-01-02")));
    }

    #[test]
    fn a_decreed_working_saturday_and_day_off() {
        let decreed = DecreedDays::parse(
            "# a test decree\n\
             date,kind,name_bg,name_en\n\
             \n\
             2030-05-02,off,Почивен ден по решение на МС,Day off by government decree\n\
             2030-05-11,working,\"Работна събота, вместо 2 май\",\"Working Saturday, for 2 May\"\n",
        )
        .unwrap();
        assert_eq!(decreed.days_off.len(), 1);
        assert_eq!(decreed.working_days.len(), 1);
        let calendar = WorkingCalendar::new(decreed);

        assert_eq!(d("2030-05-11").weekday(), Weekday::Saturday);
        assert!(calendar.is_working_day(d("2030-05-11")));
        let info = calendar.day_info(d("2030-05-11"));
        assert!(info.working && !info.weekend && info.decreed_working_saturday);
        assert!(info.reasons.is_empty());
        assert_eq!(
            calendar.working_saturdays(2030),
            vec![(d("2030-05-11"), "Работна събота, вместо 2 май".to_owned())]
        );
        assert!(calendar.working_saturdays(2029).is_empty());

        assert!(!calendar.is_working_day(d("2030-05-02")));
        let info = calendar.day_info(d("2030-05-02"));
        assert_eq!(info.reasons[0].name_en, "Day off by government decree");
        assert!(
            calendar
                .non_working_days(2030)
                .iter()
                .any(|n| n.date == d("2030-05-02"))
        );

        // Counting working days steps onto the working Saturday.
        assert_eq!(
            calendar.next_working_day_from(d("2030-05-11")),
            d("2030-05-11")
        );
        assert_eq!(
            calendar.add_working_days(d("2030-05-10"), 1),
            d("2030-05-11")
        );
        assert_eq!(
            calendar.add_working_days(d("2030-05-10"), 2),
            d("2030-05-13")
        );
    }

    #[test]
    fn a_decreed_working_day_never_overrides_a_holiday() {
        let calendar = WorkingCalendar::new(DecreedDays {
            days_off: Vec::new(),
            working_days: vec![(d("2027-05-01"), "грешка".to_owned())],
        });
        assert!(!calendar.is_working_day(d("2027-05-01")));
        assert!(!calendar.day_info(d("2027-05-01")).working);
    }

    #[test]
    fn parse_reports_bad_lines() {
        let bad = |text: &str| match DecreedDays::parse(text) {
            Err(DecreedDaysError::BadLine { line, problem }) => (line, problem),
            Ok(parsed) => panic!("parsed {parsed:?}"),
        };
        let (line, problem) = bad("# comment\n\n2026-02-30,off,a,b\n");
        assert_eq!(line, 3);
        assert!(problem.contains("2026-02-30"), "{problem}");
        let (line, problem) = bad("2026-03-04,holiday,a,b");
        assert_eq!(line, 1);
        assert!(problem.contains("unknown kind `holiday`"), "{problem}");
        let (line, problem) = bad("2026-03-04,off,a");
        assert_eq!(line, 1);
        assert!(problem.contains("expected 4 fields"), "{problem}");
        let (_, problem) = bad("2026-03-04,off,a,b,c");
        assert!(problem.contains("found 5"), "{problem}");
        let (_, problem) = bad("2026-03-04,off,,b");
        assert!(problem.contains("name_bg"), "{problem}");
        let (_, problem) = bad("2026-03-04,off,a,");
        assert!(problem.contains("name_en"), "{problem}");
        let (line, problem) = bad("2026-03-04,off,a,b\n2026-03-04,off,c,d");
        assert_eq!(line, 2);
        assert!(problem.contains("already listed on line 1"), "{problem}");
        let (_, problem) = bad("2026-03-07,off,a,b");
        assert!(problem.contains("Saturday"), "{problem}");
        let (_, problem) = bad("2026-03-04,working,a,b");
        assert!(problem.contains("Wednesday"), "{problem}");
        let (_, problem) = bad("1989-03-01,off,a,b");
        assert!(problem.contains("outside the supported years"), "{problem}");
        let (_, problem) = bad("2026-03-04,off,\"a,b");
        assert!(problem.contains("not closed"), "{problem}");
        let (_, problem) = bad("2026-03-04,off,\"a\"x,b");
        assert!(problem.contains("after a quoted field"), "{problem}");
        // The error message carries the line number.
        assert_eq!(
            DecreedDays::parse("\n\nnonsense").unwrap_err().to_string(),
            "line 3: expected 4 fields (date,kind,name_bg,name_en), found 1"
        );
        // A header is only skipped as the first data line.
        let (line, _) = bad("2026-03-04,off,a,b\ndate,kind,name_bg,name_en");
        assert_eq!(line, 2);
    }

    #[test]
    fn parse_accepts_quotes_spaces_bom_and_crlf() {
        let parsed = DecreedDays::parse(
            "\u{feff}# header\r\n 2026-03-04 , off , \"Ден \"\"X\"\", втори\" , Day X \r\n",
        )
        .unwrap();
        assert_eq!(parsed.days_off.len(), 1);
        assert_eq!(parsed.days_off[0].name_bg, "Ден \"X\", втори");
        assert_eq!(parsed.days_off[0].name_en, "Day X");
        assert_eq!(parsed.days_off[0].kind, DayOffKind::Decreed);
        assert_eq!(DecreedDays::parse("").unwrap(), DecreedDays::default());
        assert_eq!(
            DecreedDays::parse("# only\n\n").unwrap(),
            DecreedDays::default()
        );
    }

    // ---- Walking the calendar --------------------------------------------------------------

    #[test]
    fn next_working_day_from() {
        let calendar = cal();
        assert_eq!(
            calendar.next_working_day_from(d("2026-03-02")),
            d("2026-03-02")
        );
        assert_eq!(
            calendar.next_working_day_from(d("2026-03-07")),
            d("2026-03-09")
        );
        // Good Friday 2026 → Tuesday after Easter.
        assert_eq!(
            calendar.next_working_day_from(d("2026-04-10")),
            d("2026-04-14")
        );
        // New Year 2026 and the decreed 2 January → Monday 5 January.
        assert_eq!(
            calendar.next_working_day_from(d("2026-01-01")),
            d("2026-01-05")
        );
        // Christmas 2027 → Wednesday 29 December.
        assert_eq!(
            calendar.next_working_day_from(d("2027-12-24")),
            d("2027-12-29")
        );
        assert_eq!(
            calendar.next_working_day_after(d("2026-03-04")),
            d("2026-03-05")
        );
        // 3 March 2026, Liberation Day, is skipped.
        assert_eq!(
            calendar.next_working_day_after(d("2026-03-02")),
            d("2026-03-04")
        );
        assert_eq!(
            calendar.next_working_day_after(d("2026-03-06")),
            d("2026-03-09")
        );
    }

    #[test]
    fn add_working_days() {
        let calendar = cal();
        assert_eq!(
            calendar.add_working_days(d("2026-03-02"), 0),
            d("2026-03-02")
        );
        assert_eq!(
            calendar.add_working_days(d("2026-03-02"), 1),
            d("2026-03-04")
        );
        assert_eq!(
            calendar.add_working_days(d("2026-03-02"), 5),
            d("2026-03-10")
        );
        // From a Saturday.
        assert_eq!(
            calendar.add_working_days(d("2026-03-07"), 1),
            d("2026-03-09")
        );
        // Across Easter 2026.
        assert_eq!(
            calendar.add_working_days(d("2026-04-08"), 2),
            d("2026-04-14")
        );
        // Across Christmas 2025 (Wednesday to Friday, then the weekend).
        assert_eq!(
            calendar.add_working_days(d("2025-12-23"), 2),
            d("2025-12-30")
        );
        // Across the new year and the decreed 2 January 2026.
        assert_eq!(
            calendar.add_working_days(d("2025-12-31"), 1),
            d("2026-01-05")
        );
        // A whole year of working days from 31 Dec 2026 ends in 2028.
        let a_year = calendar.add_working_days(d("2026-12-31"), 260);
        assert_eq!(a_year.year(), 2028);
    }

    #[test]
    fn unsupported_years_have_weekends_only_and_never_panic() {
        let calendar = cal();
        assert!(calendar.non_working_days(1989).is_empty());
        assert!(calendar.non_working_days(2201).is_empty());
        assert!(calendar.non_working_days(i16::MIN).is_empty());
        assert!(calendar.working_saturdays(2500).is_empty());
        assert!(calendar.is_working_day(d("1989-01-02")));
        assert!(calendar.is_working_day(d("2201-01-01"))); // a Thursday, no holidays
        assert!(!calendar.is_working_day(d("2201-01-03"))); // a Saturday
        assert!(calendar.day_info(d("2201-01-01")).reasons.is_empty());
        assert_eq!(
            calendar.next_working_day_from(d("2201-01-03")),
            d("2201-01-05")
        );
        // The end of jiff's range: 9999-12-31 is a Friday; 9999-12-25 a Saturday.
        assert_eq!(calendar.next_working_day_from(Date::MAX), Date::MAX);
        assert_eq!(calendar.next_working_day_after(Date::MAX), Date::MAX);
        assert_eq!(calendar.add_working_days(d("9999-12-24"), 1_000), Date::MAX);
        let _ = calendar.is_working_day(Date::MIN);
        let _ = calendar.day_info(Date::MIN);
        let _ = calendar.add_working_days(Date::MIN, 3);
    }
}
