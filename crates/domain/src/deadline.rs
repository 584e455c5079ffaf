//! Legal deadlines counted as Bulgarian law counts them. INTERFACE STUB — to be implemented.

use crate::calendar::WorkingCalendar;
use jiff::civil::{Date, Time};
use serde::Serialize;

/// A deadline rule: how long the municipality has, counted from an event (usually receipt).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineRule {
    /// Charter: written answer to a written complaint about bad administration within 7 days.
    Complaint7Days,
    /// АПК art. 118 / signals: decision within 2 months of receipt.
    Apk2Months,
    /// АПК art. 118(1): the higher body may extend to 6 months.
    Apk6MonthsExtended,
    /// АПК art. 57(1): an individual administrative act within 14 days (applications).
    Apk14Days,
    /// АПК: a body that is not competent forwards within 7 days.
    Forward7Days,
    /// АПК arts. 118, 123: the decision is communicated within 7 days of being taken.
    Communicate7Days,
    /// ЗЗЛПСПОИН: acknowledge a report within 7 days.
    WhistleblowerAck7Days,
    /// ЗЗЛПСПОИН: feedback within 3 months of the acknowledgement.
    WhistleblowerFeedback3Months,
}

/// A computed deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Due {
    pub rule: DeadlineRule,
    /// The date the count starts from (the day of the event; not itself counted).
    pub from: Date,
    /// The last day by the count alone.
    pub nominal: Date,
    /// The last day after moving off non-working days (equal to `nominal` if it was working).
    pub due: Date,
}

impl DeadlineRule {
    pub const ALL: [DeadlineRule; 8] = [
        DeadlineRule::Complaint7Days,
        DeadlineRule::Apk2Months,
        DeadlineRule::Apk6MonthsExtended,
        DeadlineRule::Apk14Days,
        DeadlineRule::Forward7Days,
        DeadlineRule::Communicate7Days,
        DeadlineRule::WhistleblowerAck7Days,
        DeadlineRule::WhistleblowerFeedback3Months,
    ];

    /// The identifier used by the API (`?rule=`), e.g. `deadline_complaint_7_days`.
    pub fn as_str(self) -> &'static str {
        todo!()
    }

    /// Accepts the identifier with or without its `deadline_` prefix.
    pub fn parse(_s: &str) -> Option<DeadlineRule> {
        todo!()
    }

    pub fn description_bg(self) -> &'static str {
        todo!()
    }

    pub fn description_en(self) -> &'static str {
        todo!()
    }
}

/// The due date `rule` gives for an event on `from`.
pub fn due_date(_rule: DeadlineRule, _from: Date, _calendar: &WorkingCalendar) -> Due {
    todo!()
}

/// `from` + n calendar days (the day of the event not counted).
pub fn add_days(_from: Date, _days: i32) -> Date {
    todo!()
}

/// Same date n months later, or that month's last day if the date does not exist.
pub fn add_months(_from: Date, _months: i32) -> Date {
    todo!()
}

/// Reception for citizens: every working day 9:00–17:00.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reception {
    pub date: Date,
    /// `(opens, closes)` when reception is open that day.
    pub hours: Option<(Time, Time)>,
    /// Why it is closed, in Bulgarian and English (e.g. the holiday's name); `None` when open.
    pub closed_reason_bg: Option<String>,
    pub closed_reason_en: Option<String>,
    /// The next day (after `date`) with reception.
    pub next_open: Date,
}

pub fn reception(_date: Date, _calendar: &WorkingCalendar) -> Reception {
    todo!()
}
