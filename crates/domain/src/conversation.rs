//! What a request for information does to the legal term (issue 18).
//!
//! An application (a request for an individual administrative act under the АПК) that is
//! irregular or lacks data or documents is not decided until the applicant has removed the
//! irregularities; the term for deciding it is then counted from the day they were removed
//! (АПК arts. 30 and 57 — the article numbers are to be verified against the text of the law
//! before they are cited to citizens, so the pages say "по АПК"). While the officer waits, the
//! case has no answer date; when the information arrives the term runs anew, counted as every
//! term is counted (`deadline::due_date`: the day of the event not counted, the last day moved
//! off non-working days).
//!
//! Proposals, signals, complaints and the other kinds are decided within their term whatever
//! the citizen is asked: the term does not stop.

use crate::calendar::WorkingCalendar;
use crate::deadline::{DeadlineRule, Due, add_days, due_date};
use crate::kinds::Kind;
use jiff::civil::Date;

/// The days the citizen is given to answer a request, unless the officer says otherwise.
pub const DEFAULT_REPLY_DAYS: i32 = 7;

/// What a request for information does to the case's term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Term {
    /// The term stops until the information arrives, then runs anew from that day.
    Stops,
    /// The term runs on: the answer date does not change.
    RunsOn,
}

/// Whether a request for information stops the term of a case of this kind.
pub fn term_when_asked(kind: Kind) -> Term {
    match kind {
        Kind::Application => Term::Stops,
        _ => Term::RunsOn,
    }
}

/// The new answer date when the information asked for arrives on `arrived` (a municipal date),
/// for a case whose term stopped; `None` when the term did not stop (the date stays).
pub fn due_after_information(
    kind: Kind,
    rule: Option<DeadlineRule>,
    arrived: Date,
    calendar: &WorkingCalendar,
) -> Option<Due> {
    match term_when_asked(kind) {
        Term::Stops => Some(due_date(
            rule.unwrap_or(DeadlineRule::Apk14Days),
            arrived,
            calendar,
        )),
        Term::RunsOn => None,
    }
}

/// The day by which the citizen is asked to answer, when the officer names none: seven days
/// after the request, moved off a non-working day.
pub fn default_reply_by(asked: Date, calendar: &WorkingCalendar) -> Date {
    calendar.next_working_day_from(add_days(asked, DEFAULT_REPLY_DAYS))
}

/// What the citizen and the officer are told about the term, in Bulgarian and English.
pub fn term_note(kind: Kind) -> (&'static str, &'static str) {
    match term_when_asked(kind) {
        Term::Stops => (
            "За заявленията срокът за отговор спира, докато липсващата информация бъде \
             представена, и започва да тече отначало от деня на получаването ѝ (по АПК).",
            "For applications the term for the answer stops until the missing information is \
             provided, and runs anew from the day it arrives (under the Administrative Procedure \
             Code).",
        ),
        Term::RunsOn => (
            "Срокът за отговор не спира, докато чакаме информацията.",
            "The term for the answer does not stop while we wait for the information.",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn calendar() -> WorkingCalendar {
        WorkingCalendar::with_builtin_decrees()
    }

    #[test]
    fn only_applications_stop_the_term() {
        assert_eq!(term_when_asked(Kind::Application), Term::Stops);
        for kind in [
            Kind::Proposal,
            Kind::Signal,
            Kind::Complaint,
            Kind::Praise,
            Kind::CorruptionSignal,
        ] {
            assert_eq!(term_when_asked(kind), Term::RunsOn, "{kind:?}");
            assert_eq!(
                due_after_information(kind, None, date(2026, 3, 2), &calendar()),
                None
            );
        }
    }

    #[test]
    fn the_term_of_an_application_runs_anew_from_the_day_the_information_arrives() {
        // Arrived on Monday 2 March 2026: 14 days later is Monday 16 March, a working day.
        let due = due_after_information(
            Kind::Application,
            Some(DeadlineRule::Apk14Days),
            date(2026, 3, 2),
            &calendar(),
        )
        .map(|d| d.due);
        assert_eq!(due, Some(date(2026, 3, 16)));
    }

    #[test]
    fn a_new_term_ending_on_a_holiday_moves_to_the_next_working_day() {
        // Arrived on Sunday 19 April 2026: 14 days → Sunday 3 May → Monday 4 May.
        let due = due_after_information(Kind::Application, None, date(2026, 4, 19), &calendar())
            .map(|d| (d.nominal, d.due));
        assert_eq!(due, Some((date(2026, 5, 3), date(2026, 5, 4))));
        // Arrived on 22 April 2026: 14 days → Wednesday 6 May (St George's Day) → 7 May.
        let due = due_after_information(Kind::Application, None, date(2026, 4, 22), &calendar())
            .map(|d| d.due);
        assert_eq!(due, Some(date(2026, 5, 7)));
    }

    #[test]
    fn the_citizen_gets_seven_days_to_answer_moved_off_days_off() {
        // Asked on Friday 27 February 2026 → Friday 6 March.
        assert_eq!(
            default_reply_by(date(2026, 2, 27), &calendar()),
            date(2026, 3, 6)
        );
        // Asked on Friday 24 April 2026 → Friday 1 May (Labour Day) → Monday 4 May.
        assert_eq!(
            default_reply_by(date(2026, 4, 24), &calendar()),
            date(2026, 5, 4)
        );
    }
}
