//! The charter's rules and the law's, as pure functions that return decisions with reasons.
//! INTERFACE STUB.

use crate::calendar::WorkingCalendar;
use crate::deadline::DeadlineRule;
use crate::submission::Draft;
use jiff::civil::Date;
use serde::Serialize;

/// A rule that applied to a submission. The identifiers are part of the public API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    AnonymousNotConsidered,
    AnonymousThreatConsidered,
    /// Anonymous, not marked as a threat, but its words suggest one: a clerk should look.
    ThreatSuggested,
    OffensiveLanguage,
    PersonalDataOrClassified,
    ViolationOlderThan2Years,
    /// Signs of a crime: goes to the prosecutor at once (АПК).
    PossibleCrime,
    DeadlineComplaint7Days,
    DeadlineApk2Months,
    DeadlineApk14Days,
    DeadlineWhistleblower,
    /// Opinions, comments and praise: registered and analysed; no answer is due by law.
    FeedbackNoDeadline,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        todo!()
    }
}

/// One decision: the rule, why it applies (Bulgarian first), and whether a clerk must confirm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub rule: Rule,
    pub reason_bg: String,
    pub reason_en: String,
    pub needs_review: bool,
}

/// Everything the rules say about a submission at registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assessment {
    pub decisions: Vec<Decision>,
    /// False when the law or the charter says the submission is not proceeded with.
    pub considered: bool,
    /// The rule that sets the answer deadline, if any.
    pub deadline_rule: Option<DeadlineRule>,
    /// When the answer (or, for whistleblower reports, the feedback) is due; `None` when no
    /// answer is due.
    pub answer_due: Option<Date>,
    /// Whistleblower reports: acknowledgement due.
    pub acknowledge_due: Option<Date>,
}

pub fn assess(_draft: &Draft, _received: Date, _calendar: &WorkingCalendar) -> Assessment {
    todo!()
}
