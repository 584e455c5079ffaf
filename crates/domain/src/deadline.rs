//! Legal deadlines counted as Bulgarian law counts them.
//!
//! The rules of counting (ГПК art. 60, ЗЗД art. 72): a term in days is counted in calendar days,
//! the day of the event not included; a term in months ends on the same date of the final month,
//! or on that month's last day when the date does not exist there; and a term whose last day is
//! not a working day ends on the next working day. [`Due`] keeps both the counted date
//! (`nominal`) and the date after that move (`due`), so that a notice can explain itself.
//!
//! Reception hours (the client charter: every working day, 9:00–17:00) live here too, because
//! they depend on the same working calendar.

use crate::calendar::WorkingCalendar;
use jiff::civil::{Date, Time, Weekday};
use serde::Serialize;

/// A deadline rule: how long the municipality has, counted from an event (usually receipt).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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

// serde's snake_case would write `complaint7_days`; the API identifier is `as_str()`.
impl Serialize for DeadlineRule {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The length of a term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// Calendar days.
    Days(i32),
    /// Calendar months.
    Months(i32),
}

impl Period {
    /// The last day of the term for an event on `from` (before moving off non-working days).
    pub fn end(self, from: Date) -> Date {
        match self {
            Period::Days(days) => add_days(from, days),
            Period::Months(months) => add_months(from, months),
        }
    }
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

impl Due {
    /// Whether the last day was moved because the counted one was not a working day.
    pub fn moved(&self) -> bool {
        self.due != self.nominal
    }
}

/// The prefix of the API identifiers.
const PREFIX: &str = "deadline_";

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
        match self {
            DeadlineRule::Complaint7Days => "deadline_complaint_7_days",
            DeadlineRule::Apk2Months => "deadline_apk_2_months",
            DeadlineRule::Apk6MonthsExtended => "deadline_apk_6_months_extended",
            DeadlineRule::Apk14Days => "deadline_apk_14_days",
            DeadlineRule::Forward7Days => "deadline_forward_7_days",
            DeadlineRule::Communicate7Days => "deadline_communicate_7_days",
            DeadlineRule::WhistleblowerAck7Days => "deadline_whistleblower_ack_7_days",
            DeadlineRule::WhistleblowerFeedback3Months => {
                "deadline_whistleblower_feedback_3_months"
            }
        }
    }

    /// Accepts the identifier with or without its `deadline_` prefix.
    ///
    /// Surrounding whitespace and ASCII case are ignored. `whistleblower` (or
    /// `deadline_whistleblower`) stands for the 3-month feedback rule.
    pub fn parse(s: &str) -> Option<DeadlineRule> {
        let s = s.trim().to_ascii_lowercase();
        let bare = s.strip_prefix(PREFIX).unwrap_or(&s);
        if bare == "whistleblower" {
            return Some(DeadlineRule::WhistleblowerFeedback3Months);
        }
        DeadlineRule::ALL
            .into_iter()
            .find(|rule| rule.as_str().strip_prefix(PREFIX) == Some(bare))
    }

    /// How long the term is.
    pub fn period(self) -> Period {
        match self {
            DeadlineRule::Complaint7Days
            | DeadlineRule::Forward7Days
            | DeadlineRule::Communicate7Days
            | DeadlineRule::WhistleblowerAck7Days => Period::Days(7),
            DeadlineRule::Apk14Days => Period::Days(14),
            DeadlineRule::Apk2Months => Period::Months(2),
            DeadlineRule::WhistleblowerFeedback3Months => Period::Months(3),
            DeadlineRule::Apk6MonthsExtended => Period::Months(6),
        }
    }

    pub fn description_bg(self) -> &'static str {
        match self {
            DeadlineRule::Complaint7Days => {
                "Писмен отговор на писмена жалба за лошо администриране: 7 дни от получаването \
                 (Харта на клиента)"
            }
            DeadlineRule::Apk2Months => {
                "Решение по предложение или сигнал: 2 месеца от постъпването (АПК, глава осма)"
            }
            DeadlineRule::Apk6MonthsExtended => {
                "Удължен срок за решение по предложение или сигнал: 6 месеца от постъпването, \
                 когато по-горестоящият орган го е удължил (АПК, чл. 118)"
            }
            DeadlineRule::Apk14Days => {
                "Издаване на индивидуален административен акт по заявление: 14 дни от \
                 започване на производството (АПК, чл. 57)"
            }
            DeadlineRule::Forward7Days => {
                "Препращане до компетентния орган и уведомяване на подателя: 7 дни от \
                 получаването (АПК)"
            }
            DeadlineRule::Communicate7Days => {
                "Съобщаване на решението: 7 дни от постановяването му (АПК, чл. 118 и 123)"
            }
            DeadlineRule::WhistleblowerAck7Days => {
                "Потвърждаване на получаването на сигнал за нарушение: 7 дни от получаването \
                 (ЗЗЛПСПОИН)"
            }
            DeadlineRule::WhistleblowerFeedback3Months => {
                "Обратна информация до подателя на сигнал за нарушение: 3 месеца от \
                 потвърждаването на получаването (ЗЗЛПСПОИН)"
            }
        }
    }

    pub fn description_en(self) -> &'static str {
        match self {
            DeadlineRule::Complaint7Days => {
                "Written answer to a written complaint about bad administration: 7 days from \
                 receipt (client charter)"
            }
            DeadlineRule::Apk2Months => {
                "Decision on a proposal or signal: 2 months from receipt (Administrative \
                 Procedure Code, chapter 8)"
            }
            DeadlineRule::Apk6MonthsExtended => {
                "Extended term for a decision on a proposal or signal: 6 months from receipt, \
                 when the higher body has extended it (Administrative Procedure Code, art. 118)"
            }
            DeadlineRule::Apk14Days => {
                "Issuing an individual administrative act on an application: 14 days from the \
                 start of the proceedings (Administrative Procedure Code, art. 57)"
            }
            DeadlineRule::Forward7Days => {
                "Forwarding to the competent body and telling the submitter: 7 days from \
                 receipt (Administrative Procedure Code)"
            }
            DeadlineRule::Communicate7Days => {
                "Communicating the decision: 7 days from the day it was taken (Administrative \
                 Procedure Code, arts. 118 and 123)"
            }
            DeadlineRule::WhistleblowerAck7Days => {
                "Acknowledging receipt of a breach report: 7 days from receipt (Whistleblower \
                 Protection Act, ЗЗЛПСПОИН)"
            }
            DeadlineRule::WhistleblowerFeedback3Months => {
                "Feedback to the reporting person: 3 months from the acknowledgement of receipt \
                 (Whistleblower Protection Act, ЗЗЛПСПОИН)"
            }
        }
    }
}

impl std::fmt::Display for DeadlineRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The due date `rule` gives for an event on `from`.
///
/// For [`DeadlineRule::WhistleblowerFeedback3Months`] `from` is the date of the acknowledgement;
/// for [`DeadlineRule::Communicate7Days`] the date of the decision; otherwise the date of receipt.
pub fn due_date(rule: DeadlineRule, from: Date, calendar: &WorkingCalendar) -> Due {
    let nominal = rule.period().end(from);
    Due {
        rule,
        from,
        nominal,
        due: calendar.next_working_day_from(nominal),
    }
}

/// `from` + n calendar days (the day of the event not counted).
///
/// Saturates at the ends of the supported date range instead of failing.
pub fn add_days(from: Date, days: i32) -> Date {
    jiff::Span::new()
        .try_days(days)
        .ok()
        .and_then(|span| from.checked_add(span).ok())
        .unwrap_or(if days < 0 { Date::MIN } else { Date::MAX })
}

/// Same date n months later, or that month's last day if the date does not exist.
///
/// Saturates at the ends of the supported date range instead of failing.
pub fn add_months(from: Date, months: i32) -> Date {
    let index = i64::from(from.year()) * 12 + i64::from(from.month()) - 1 + i64::from(months);
    let month = index.rem_euclid(12) + 1;
    let result = i16::try_from(index.div_euclid(12))
        .ok()
        .zip(i8::try_from(month).ok())
        .and_then(|(year, month)| {
            let first = Date::new(year, month, 1).ok()?;
            let day = from.day().min(first.days_in_month());
            Date::new(year, month, day).ok()
        });
    result.unwrap_or(if months < 0 { Date::MIN } else { Date::MAX })
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

/// When reception opens on a working day (the client charter).
pub const RECEPTION_OPENS: Time = Time::constant(9, 0, 0, 0);
/// When reception closes on a working day (the client charter).
pub const RECEPTION_CLOSES: Time = Time::constant(17, 0, 0, 0);

pub fn reception(date: Date, calendar: &WorkingCalendar) -> Reception {
    let info = calendar.day_info(date);
    let next_open = calendar.next_working_day_after(date);
    if info.working {
        return Reception {
            date,
            hours: Some((RECEPTION_OPENS, RECEPTION_CLOSES)),
            closed_reason_bg: None,
            closed_reason_en: None,
            next_open,
        };
    }
    let (reason_bg, reason_en) = if info.reasons.is_empty() {
        match date.weekday() {
            Weekday::Saturday => (
                "Събота — почивен ден".to_owned(),
                "Saturday — day off".to_owned(),
            ),
            Weekday::Sunday => (
                "Неделя — почивен ден".to_owned(),
                "Sunday — day off".to_owned(),
            ),
            _ => ("Неработен ден".to_owned(), "Non-working day".to_owned()),
        }
    } else {
        let join = |name: fn(&crate::calendar::NamedDay) -> &str| {
            info.reasons.iter().map(name).collect::<Vec<_>>().join("; ")
        };
        (join(|n| &n.name_bg), join(|n| &n.name_en))
    };
    Reception {
        date,
        hours: None,
        closed_reason_bg: Some(reason_bg),
        closed_reason_en: Some(reason_en),
        next_open,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::DecreedDays;

    fn cal() -> WorkingCalendar {
        WorkingCalendar::with_builtin_decrees()
    }

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn due(rule: DeadlineRule, from: &str) -> (Date, Date) {
        let due = due_date(rule, d(from), &cal());
        assert_eq!(due.rule, rule);
        assert_eq!(due.from, d(from));
        (due.nominal, due.due)
    }

    // ---- Identifiers and descriptions ------------------------------------------------------

    #[test]
    fn identifiers() {
        let expected = [
            "deadline_complaint_7_days",
            "deadline_apk_2_months",
            "deadline_apk_6_months_extended",
            "deadline_apk_14_days",
            "deadline_forward_7_days",
            "deadline_communicate_7_days",
            "deadline_whistleblower_ack_7_days",
            "deadline_whistleblower_feedback_3_months",
        ];
        let actual: Vec<&str> = DeadlineRule::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(actual, expected);
        assert_eq!(DeadlineRule::Apk14Days.to_string(), "deadline_apk_14_days");
    }

    #[test]
    fn parse_round_trips_with_and_without_prefix() {
        for rule in DeadlineRule::ALL {
            assert_eq!(DeadlineRule::parse(rule.as_str()), Some(rule));
            let bare = rule.as_str().strip_prefix("deadline_").unwrap();
            assert_eq!(DeadlineRule::parse(bare), Some(rule));
            assert_eq!(
                DeadlineRule::parse(&format!(" {} ", rule.as_str().to_uppercase())),
                Some(rule)
            );
        }
    }

    #[test]
    fn parse_aliases_and_unknowns() {
        let feedback = Some(DeadlineRule::WhistleblowerFeedback3Months);
        assert_eq!(DeadlineRule::parse("deadline_whistleblower"), feedback);
        assert_eq!(DeadlineRule::parse("whistleblower"), feedback);
        for unknown in [
            "",
            "deadline_",
            "deadline",
            "complaint",
            "deadline_complaint_8_days",
            "deadline_deadline_complaint_7_days",
            "apk_2_month",
        ] {
            assert_eq!(DeadlineRule::parse(unknown), None, "{unknown:?}");
        }
    }

    #[test]
    fn descriptions_are_present_and_distinct() {
        let mut bg: Vec<&str> = DeadlineRule::ALL
            .iter()
            .map(|r| r.description_bg())
            .collect();
        let mut en: Vec<&str> = DeadlineRule::ALL
            .iter()
            .map(|r| r.description_en())
            .collect();
        for text in bg.iter().chain(&en) {
            assert!(text.len() > 20, "{text}");
            assert!(!text.contains("  "), "{text}");
        }
        assert!(
            DeadlineRule::Complaint7Days
                .description_bg()
                .contains("7 дни")
        );
        assert!(
            DeadlineRule::Apk2Months
                .description_en()
                .contains("2 months")
        );
        assert!(
            DeadlineRule::WhistleblowerFeedback3Months
                .description_bg()
                .contains("3 месеца")
        );
        bg.sort_unstable();
        bg.dedup();
        en.sort_unstable();
        en.dedup();
        assert_eq!(bg.len(), DeadlineRule::ALL.len());
        assert_eq!(en.len(), DeadlineRule::ALL.len());
    }

    #[test]
    fn periods() {
        assert_eq!(DeadlineRule::Complaint7Days.period(), Period::Days(7));
        assert_eq!(DeadlineRule::Apk2Months.period(), Period::Months(2));
        assert_eq!(DeadlineRule::Apk6MonthsExtended.period(), Period::Months(6));
        assert_eq!(DeadlineRule::Apk14Days.period(), Period::Days(14));
        assert_eq!(DeadlineRule::Forward7Days.period(), Period::Days(7));
        assert_eq!(DeadlineRule::Communicate7Days.period(), Period::Days(7));
        assert_eq!(
            DeadlineRule::WhistleblowerAck7Days.period(),
            Period::Days(7)
        );
        assert_eq!(
            DeadlineRule::WhistleblowerFeedback3Months.period(),
            Period::Months(3)
        );
    }

    // ---- Counting --------------------------------------------------------------------------

    #[test]
    fn add_days_counts_from_the_day_after() {
        assert_eq!(add_days(d("2026-03-02"), 7), d("2026-03-09"));
        assert_eq!(add_days(d("2026-03-02"), 0), d("2026-03-02"));
        assert_eq!(add_days(d("2026-12-28"), 7), d("2027-01-04"));
        assert_eq!(add_days(d("2028-02-26"), 7), d("2028-03-04")); // leap year
        assert_eq!(add_days(d("2026-03-09"), -7), d("2026-03-02"));
        // Saturates at the edges instead of failing.
        assert_eq!(add_days(d("9999-12-30"), 7), Date::MAX);
        assert_eq!(add_days(jiff::civil::date(-9999, 1, 2), -7), Date::MIN);
        assert_eq!(add_days(d("2026-01-01"), i32::MAX), Date::MAX);
        assert_eq!(add_days(d("2026-01-01"), i32::MIN), Date::MIN);
    }

    #[test]
    fn add_months_clamps_to_the_last_day() {
        assert_eq!(add_months(d("2026-03-02"), 2), d("2026-05-02"));
        assert_eq!(add_months(d("2026-01-31"), 1), d("2026-02-28"));
        assert_eq!(add_months(d("2024-01-31"), 1), d("2024-02-29"));
        assert_eq!(add_months(d("2026-12-31"), 2), d("2027-02-28"));
        assert_eq!(add_months(d("2026-08-31"), 1), d("2026-09-30"));
        assert_eq!(add_months(d("2026-10-31"), 6), d("2027-04-30"));
        assert_eq!(add_months(d("2026-11-15"), 3), d("2027-02-15"));
        assert_eq!(add_months(d("2026-05-31"), 0), d("2026-05-31"));
        assert_eq!(add_months(d("2024-03-31"), -1), d("2024-02-29"));
        assert_eq!(add_months(d("2026-01-15"), -1), d("2025-12-15"));
        assert_eq!(add_months(d("2026-01-15"), 24), d("2028-01-15"));
        // Saturates at the edges instead of failing.
        assert_eq!(add_months(d("9999-11-30"), 2), Date::MAX);
        assert_eq!(add_months(jiff::civil::date(-9999, 2, 1), -2), Date::MIN);
        assert_eq!(add_months(d("2026-01-01"), i32::MAX), Date::MAX);
        assert_eq!(add_months(d("2026-01-01"), i32::MIN), Date::MIN);
    }

    #[test]
    fn seven_days_on_a_working_day() {
        let (nominal, due_day) = due(DeadlineRule::Complaint7Days, "2026-03-02");
        assert_eq!(nominal, d("2026-03-09"));
        assert_eq!(due_day, nominal);
        assert!(!due_date(DeadlineRule::Complaint7Days, d("2026-03-02"), &cal()).moved());
    }

    #[test]
    fn seven_days_landing_on_a_weekend() {
        // Saturday 7 March 2026 → Monday 9 March.
        assert_eq!(
            due(DeadlineRule::Complaint7Days, "2026-02-28"),
            (d("2026-03-07"), d("2026-03-09"))
        );
        // Sunday 8 March 2026 → Monday 9 March.
        assert_eq!(
            due(DeadlineRule::Forward7Days, "2026-03-01"),
            (d("2026-03-08"), d("2026-03-09"))
        );
        assert!(due_date(DeadlineRule::Forward7Days, d("2026-03-01"), &cal()).moved());
    }

    #[test]
    fn seven_days_landing_on_holidays() {
        // Good Friday 2026 → Tuesday after Easter.
        assert_eq!(
            due(DeadlineRule::Complaint7Days, "2026-04-03"),
            (d("2026-04-10"), d("2026-04-14"))
        );
        // Liberation Day, Tuesday 3 March 2026 → Wednesday.
        assert_eq!(
            due(DeadlineRule::WhistleblowerAck7Days, "2026-02-24"),
            (d("2026-03-03"), d("2026-03-04"))
        );
        // Christmas 2027 (Friday to Sunday, then two days in lieu) → Wednesday 29 December.
        assert_eq!(
            due(DeadlineRule::Communicate7Days, "2027-12-17"),
            (d("2027-12-24"), d("2027-12-29"))
        );
        // St George's Day 2023 on a Saturday; Monday 8 May is off in lieu → Tuesday.
        assert_eq!(
            due(DeadlineRule::Complaint7Days, "2023-04-29"),
            (d("2023-05-06"), d("2023-05-09"))
        );
        // The decreed 2 January 2026 → Monday 5 January.
        assert_eq!(
            due(DeadlineRule::Complaint7Days, "2025-12-26"),
            (d("2026-01-02"), d("2026-01-05"))
        );
    }

    #[test]
    fn seven_days_across_the_new_year() {
        assert_eq!(
            due(DeadlineRule::Complaint7Days, "2026-12-28"),
            (d("2027-01-04"), d("2027-01-04"))
        );
        // New Year's Day 2027 (a Friday) → Monday 4 January.
        assert_eq!(
            due(DeadlineRule::Complaint7Days, "2026-12-25"),
            (d("2027-01-01"), d("2027-01-04"))
        );
    }

    #[test]
    fn fourteen_days() {
        assert_eq!(
            due(DeadlineRule::Apk14Days, "2026-03-02"),
            (d("2026-03-16"), d("2026-03-16"))
        );
        // Saturday 26 December 2026 (Christmas); Monday 28 is off in lieu → Tuesday 29.
        assert_eq!(
            due(DeadlineRule::Apk14Days, "2026-12-12"),
            (d("2026-12-26"), d("2026-12-29"))
        );
    }

    #[test]
    fn two_months() {
        assert_eq!(
            due(DeadlineRule::Apk2Months, "2026-03-02"),
            (d("2026-05-02"), d("2026-05-04"))
        );
        assert_eq!(
            due(DeadlineRule::Apk2Months, "2026-03-16"),
            (d("2026-05-16"), d("2026-05-18"))
        );
        assert_eq!(
            due(DeadlineRule::Apk2Months, "2026-03-17"),
            (d("2026-05-17"), d("2026-05-18"))
        );
        assert_eq!(
            due(DeadlineRule::Apk2Months, "2026-03-18"),
            (d("2026-05-18"), d("2026-05-18"))
        );
        // Sunday 24 May 2026 (a holiday), Monday 25 in lieu → Tuesday 26.
        assert_eq!(
            due(DeadlineRule::Apk2Months, "2026-03-24"),
            (d("2026-05-24"), d("2026-05-26"))
        );
        // 1 May 2027: Labour Day on Holy Saturday, then Easter, Easter Monday and a day in lieu.
        assert_eq!(
            due(DeadlineRule::Apk2Months, "2027-03-01"),
            (d("2027-05-01"), d("2027-05-05"))
        );
        // Month-end clamping across the year: 28 February 2027 is a Sunday.
        assert_eq!(
            due(DeadlineRule::Apk2Months, "2026-12-31"),
            (d("2027-02-28"), d("2027-03-01"))
        );
        // Leap year.
        assert_eq!(
            due(DeadlineRule::Apk2Months, "2023-12-31"),
            (d("2024-02-29"), d("2024-02-29"))
        );
    }

    #[test]
    fn six_months_extended() {
        assert_eq!(
            due(DeadlineRule::Apk6MonthsExtended, "2026-03-02"),
            (d("2026-09-02"), d("2026-09-02"))
        );
        // 31 August → 28 February 2027, a Sunday → Monday 1 March.
        assert_eq!(
            due(DeadlineRule::Apk6MonthsExtended, "2026-08-31"),
            (d("2027-02-28"), d("2027-03-01"))
        );
        // 6 September 2026 is a Sunday (Unification Day), Monday 7 in lieu → Tuesday 8.
        assert_eq!(
            due(DeadlineRule::Apk6MonthsExtended, "2026-03-06"),
            (d("2026-09-06"), d("2026-09-08"))
        );
    }

    #[test]
    fn whistleblower_feedback_counts_three_months_from_the_acknowledgement() {
        let received = d("2025-11-20");
        let ack = due_date(DeadlineRule::WhistleblowerAck7Days, received, &cal());
        assert_eq!(ack.due, d("2025-11-27"));
        // The caller passes the acknowledgement date, not the receipt.
        let acknowledged = d("2025-11-30");
        let feedback = due_date(
            DeadlineRule::WhistleblowerFeedback3Months,
            acknowledged,
            &cal(),
        );
        // 30 February does not exist → 28 February 2026, a Saturday → Monday 2 March.
        assert_eq!(feedback.nominal, d("2026-02-28"));
        assert_eq!(feedback.due, d("2026-03-02"));
        assert_eq!(
            due(DeadlineRule::WhistleblowerFeedback3Months, "2026-11-24"),
            (d("2027-02-24"), d("2027-02-24"))
        );
    }

    #[test]
    fn every_rule_ends_on_a_working_day_after_the_nominal_date() {
        let calendar = cal();
        let mut from = d("2026-01-01");
        while from.year() == 2026 {
            for rule in DeadlineRule::ALL {
                let due = due_date(rule, from, &calendar);
                assert!(due.nominal > from);
                assert!(due.due >= due.nominal);
                assert!(calendar.is_working_day(due.due), "{rule} {from}");
                // Every day between the nominal and the due date is off.
                let mut day = due.nominal;
                while day < due.due {
                    assert!(!calendar.is_working_day(day));
                    day = day.tomorrow().unwrap();
                }
            }
            from = from.tomorrow().unwrap();
        }
    }

    #[test]
    fn decrees_move_deadlines() {
        let decreed = DecreedDays::parse(
            "2030-05-10,off,Почивен ден,Day off\n\
             2030-05-11,working,Работна събота,Working Saturday\n",
        )
        .unwrap();
        let calendar = WorkingCalendar::new(decreed);
        // Friday 10 May 2030 off → Saturday 11 May, a working day.
        let due = due_date(DeadlineRule::Complaint7Days, d("2030-05-03"), &calendar);
        assert_eq!((due.nominal, due.due), (d("2030-05-10"), d("2030-05-11")));
    }

    #[test]
    fn due_date_does_not_panic_at_the_end_of_time() {
        let calendar = cal();
        for rule in DeadlineRule::ALL {
            let due = due_date(rule, d("9999-12-30"), &calendar);
            assert_eq!(due.nominal, Date::MAX);
            assert_eq!(due.due, Date::MAX);
        }
    }

    // ---- Reception -------------------------------------------------------------------------

    #[test]
    fn reception_on_a_working_day() {
        let r = reception(d("2026-03-02"), &cal());
        assert_eq!(
            r.hours,
            Some((Time::constant(9, 0, 0, 0), Time::constant(17, 0, 0, 0)))
        );
        assert_eq!(r.closed_reason_bg, None);
        assert_eq!(r.closed_reason_en, None);
        assert_eq!(r.date, d("2026-03-02"));
        // The next day with reception, after the date itself (3 March is a holiday).
        assert_eq!(r.next_open, d("2026-03-04"));
        // A Friday: next Monday.
        assert_eq!(
            reception(d("2026-03-06"), &cal()).next_open,
            d("2026-03-09")
        );
    }

    #[test]
    fn reception_on_a_saturday_and_a_sunday() {
        let r = reception(d("2026-03-07"), &cal());
        assert_eq!(r.hours, None);
        assert_eq!(r.closed_reason_bg.as_deref(), Some("Събота — почивен ден"));
        assert_eq!(r.closed_reason_en.as_deref(), Some("Saturday — day off"));
        assert_eq!(r.next_open, d("2026-03-09"));
        let r = reception(d("2026-03-08"), &cal());
        assert_eq!(r.closed_reason_bg.as_deref(), Some("Неделя — почивен ден"));
        assert_eq!(r.closed_reason_en.as_deref(), Some("Sunday — day off"));
        assert_eq!(r.next_open, d("2026-03-09"));
    }

    #[test]
    fn reception_on_holidays() {
        let r = reception(d("2026-03-03"), &cal());
        assert_eq!(r.hours, None);
        assert_eq!(
            r.closed_reason_bg.as_deref(),
            Some("Ден на Освобождението на България от османско иго")
        );
        assert_eq!(r.closed_reason_en.as_deref(), Some("Liberation Day"));
        assert_eq!(r.next_open, d("2026-03-04"));

        let r = reception(d("2026-04-10"), &cal());
        assert_eq!(r.closed_reason_bg.as_deref(), Some("Разпети петък"));
        assert_eq!(r.closed_reason_en.as_deref(), Some("Good Friday"));
        assert_eq!(r.next_open, d("2026-04-14"));

        // A holiday on a Sunday is named by the holiday.
        let r = reception(d("2026-05-24"), &cal());
        assert!(
            r.closed_reason_bg
                .unwrap()
                .starts_with("Ден на светите братя")
        );
        assert_eq!(r.next_open, d("2026-05-26"));

        // A day in lieu.
        let r = reception(d("2026-05-25"), &cal());
        assert_eq!(
            r.closed_reason_en.as_deref(),
            Some(
                "Day off in lieu of Day of Bulgarian Education and Culture and Slavonic \
                 Literature"
            )
        );

        // Two reasons on one day are both given.
        let r = reception(d("2027-05-01"), &cal());
        assert_eq!(
            r.closed_reason_en.as_deref(),
            Some("Labour Day; Holy Saturday")
        );
        assert_eq!(r.next_open, d("2027-05-05"));

        // A decreed day off.
        let r = reception(d("2026-01-02"), &cal());
        assert_eq!(r.hours, None);
        assert!(r.closed_reason_en.is_some());
        assert_eq!(r.next_open, d("2026-01-05"));
    }

    #[test]
    fn reception_outside_the_supported_years_and_at_the_edge() {
        let r = reception(d("2201-01-01"), &cal());
        assert!(r.hours.is_some());
        let r = reception(d("2201-01-03"), &cal());
        assert_eq!(r.closed_reason_en.as_deref(), Some("Saturday — day off"));
        assert_eq!(r.next_open, d("2201-01-05"));
        let r = reception(Date::MAX, &cal());
        assert_eq!(r.next_open, Date::MAX);
    }
}
