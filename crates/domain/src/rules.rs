//! The charter's rules and the law's, as pure functions that return decisions with reasons.
//!
//! [`assess`] looks at a checked submission on the day it was received and says, in order:
//!
//! 1. whether it is admissible: anonymous submissions are not considered (Харта на клиента;
//!    АПК art. 111(4)) unless the problem threatens citizens' health and safety, and signals about
//!    violations more than two years old are not considered (АПК art. 111(4));
//! 2. what its text suggests: obscene or insulting words, a question on personal data or
//!    classified information, signs of a crime — each only a suggestion that a clerk confirms;
//! 3. which deadline applies and when it ends, counted on the working calendar.
//!
//! Every decision carries its reason as a full sentence in Bulgarian and in English, citing the
//! charter or the law, so that a clerk (and a citizen) can see why. The sentences are worded by
//! the versioned [`rulebook`](crate::rulebook); a decision also keeps the facts they were filled
//! with, which is what the register stores.

use crate::calendar::WorkingCalendar;
use crate::deadline::{self, DeadlineRule, Due};
use crate::kinds::Kind;
use crate::rulebook::{self, Facts, Lang, LastDay};
use crate::screening;
use crate::submission::Draft;
use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

/// A rule that applied to a submission. The identifiers are part of the public API; a rule
/// serializes as its identifier ([`Rule::as_str`]). (serde's `snake_case` would write
/// `violation_older_than2_years`, since it puts no underscore before a digit.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    pub const ALL: [Rule; 12] = [
        Rule::AnonymousNotConsidered,
        Rule::AnonymousThreatConsidered,
        Rule::ThreatSuggested,
        Rule::OffensiveLanguage,
        Rule::PersonalDataOrClassified,
        Rule::ViolationOlderThan2Years,
        Rule::PossibleCrime,
        Rule::DeadlineComplaint7Days,
        Rule::DeadlineApk2Months,
        Rule::DeadlineApk14Days,
        Rule::DeadlineWhistleblower,
        Rule::FeedbackNoDeadline,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Rule::AnonymousNotConsidered => "anonymous_not_considered",
            Rule::AnonymousThreatConsidered => "anonymous_threat_considered",
            Rule::ThreatSuggested => "threat_suggested",
            Rule::OffensiveLanguage => "offensive_language",
            Rule::PersonalDataOrClassified => "personal_data_or_classified",
            Rule::ViolationOlderThan2Years => "violation_older_than_2_years",
            Rule::PossibleCrime => "possible_crime",
            Rule::DeadlineComplaint7Days => "deadline_complaint_7_days",
            Rule::DeadlineApk2Months => "deadline_apk_2_months",
            Rule::DeadlineApk14Days => "deadline_apk_14_days",
            Rule::DeadlineWhistleblower => "deadline_whistleblower",
            Rule::FeedbackNoDeadline => "feedback_no_deadline",
        }
    }

    /// Whether a clerk must confirm a decision under this rule: the text only suggests it.
    pub fn needs_review(self) -> bool {
        matches!(
            self,
            Rule::AnonymousThreatConsidered
                | Rule::ThreatSuggested
                | Rule::OffensiveLanguage
                | Rule::PersonalDataOrClassified
                | Rule::PossibleCrime
        )
    }

    /// The rule with this identifier, if any.
    pub fn parse(s: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// This rule is why a submission is registered but not considered.
    pub fn stops_consideration(self) -> bool {
        matches!(
            self,
            Rule::AnonymousNotConsidered | Rule::ViolationOlderThan2Years
        )
    }
}

impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// One decision: the rule, why it applies (Bulgarian first), and whether a clerk must confirm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub rule: Rule,
    pub reason_bg: String,
    pub reason_en: String,
    pub needs_review: bool,
    /// The rulebook's wording the reasons were rendered from ([`rulebook::CURRENT`]) and the
    /// facts that filled it: what the register keeps, rather than the sentences.
    #[serde(skip)]
    pub wording: &'static str,
    #[serde(skip)]
    pub facts: Facts,
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

impl Assessment {
    /// Whether some decision asks a clerk to confirm it.
    pub fn needs_review(&self) -> bool {
        self.decisions.iter().any(|d| d.needs_review)
    }

    /// Whether `rule` is among the decisions.
    pub fn has(&self, rule: Rule) -> bool {
        self.decisions.iter().any(|d| d.rule == rule)
    }
}

/// Applies the charter's rules and the law's to `draft`, received on `received` (a date in the
/// municipality's time zone).
pub fn assess(draft: &Draft, received: Date, calendar: &WorkingCalendar) -> Assessment {
    let mut decisions = Vec::new();
    let mut considered = true;
    let text = draft.text();
    // The text is split into words once, for the four lists below.
    let screened = screening::Screened::new(&text);

    // 1. Admissibility.
    if draft.is_anonymous() {
        match draft.kind {
            Kind::Signal | Kind::Complaint | Kind::CorruptionSignal => {
                if draft.health_or_safety_threat {
                    decisions.push(anonymous_threat_considered(draft.kind));
                } else {
                    considered = false;
                    decisions.push(anonymous_signal_not_considered(draft.kind));
                    let words = screened.threat();
                    if !words.is_empty() {
                        decisions.push(threat_suggested(&words));
                    }
                }
            }
            Kind::Proposal | Kind::Application => {
                considered = false;
                decisions.push(anonymous_request_not_considered(draft.kind));
            }
            // Registered for analysis; see `feedback_no_deadline` below.
            Kind::Opinion | Kind::Comment | Kind::Praise => {}
        }
    }
    if is_signal_like(draft.kind)
        && let Some(violation) = draft.violation_date
        && older_than_two_years(violation, received)
    {
        considered = false;
        decisions.push(violation_older_than_2_years(violation, received));
    }

    // 2. What the text suggests.
    let offensive = screened.offensive();
    if !offensive.is_empty() {
        decisions.push(offensive_language(&offensive));
    }
    let personal = screened.personal_data_or_classified();
    if !personal.is_empty() {
        decisions.push(personal_data_or_classified(&personal));
    }
    let crime = screened.crime();
    if !crime.is_empty() {
        decisions.push(possible_crime(&crime));
    }

    // 3. The deadline.
    let mut assessment = Assessment {
        decisions,
        considered,
        deadline_rule: None,
        answer_due: None,
        acknowledge_due: None,
    };
    if is_feedback(draft.kind) {
        assessment
            .decisions
            .push(feedback_no_deadline(draft.is_anonymous()));
    } else if considered {
        set_deadline(&mut assessment, draft, received, calendar);
    }
    assessment
}

/// Kinds that АПК treats as signals: a signal, a complaint (outside the charter's 7-day
/// promise it is handled as a signal) and a corruption signal.
fn is_signal_like(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Signal | Kind::Complaint | Kind::CorruptionSignal
    )
}

/// Opinions, comments and praise: no answer is due.
fn is_feedback(kind: Kind) -> bool {
    matches!(kind, Kind::Opinion | Kind::Comment | Kind::Praise)
}

/// Whether a violation on `violation` was committed more than two years before `received`.
/// Two years back from 29 February is 28 February; a violation on exactly that day is not older.
fn older_than_two_years(violation: Date, received: Date) -> bool {
    match received.checked_sub(2.years()) {
        Ok(limit) => violation < limit,
        // Only near the start of the supported range; nothing is older than that.
        Err(_) => false,
    }
}

fn last_day(due: &Due) -> LastDay {
    LastDay {
        day: due.due,
        nominal: due.nominal,
    }
}

/// A decision in the current rulebook's wording, keeping the facts the register stores.
fn decision(rule: Rule, wording: &'static str, facts: Facts) -> Decision {
    let book = rulebook::current();
    // Every wording used here is in the current rulebook (the tests render each one); should
    // one be missing, the error is the reason, not a panic.
    let text =
        |lang| rulebook::render(book, wording, &facts, lang).unwrap_or_else(|e| e.to_string());
    Decision {
        rule,
        reason_bg: text(Lang::Bg),
        reason_en: text(Lang::En),
        needs_review: rule.needs_review(),
        wording,
        facts,
    }
}

fn of_kind(kind: Kind) -> Facts {
    Facts {
        kind: Some(kind),
        ..Facts::default()
    }
}

fn with_words(words: &[String]) -> Facts {
    Facts {
        words: words.to_vec(),
        ..Facts::default()
    }
}

fn anonymous_signal_not_considered(kind: Kind) -> Decision {
    let mut facts = of_kind(kind);
    if kind == Kind::CorruptionSignal {
        facts
            .parts
            .push("anonymous_not_considered.whistleblower".into());
    }
    decision(
        Rule::AnonymousNotConsidered,
        "anonymous_not_considered",
        facts,
    )
}

fn anonymous_request_not_considered(kind: Kind) -> Decision {
    let wording = match kind {
        Kind::Application => "anonymous_application_not_considered",
        _ => "anonymous_proposal_not_considered",
    };
    decision(Rule::AnonymousNotConsidered, wording, of_kind(kind))
}

fn anonymous_threat_considered(kind: Kind) -> Decision {
    decision(
        Rule::AnonymousThreatConsidered,
        "anonymous_threat_considered",
        of_kind(kind),
    )
}

fn threat_suggested(words: &[String]) -> Decision {
    decision(Rule::ThreatSuggested, "threat_suggested", with_words(words))
}

fn violation_older_than_2_years(violation: Date, received: Date) -> Decision {
    decision(
        Rule::ViolationOlderThan2Years,
        "violation_older_than_2_years",
        Facts {
            violation: Some(violation),
            received: Some(received),
            ..Facts::default()
        },
    )
}

fn offensive_language(words: &[String]) -> Decision {
    decision(
        Rule::OffensiveLanguage,
        "offensive_language",
        with_words(words),
    )
}

fn personal_data_or_classified(words: &[String]) -> Decision {
    decision(
        Rule::PersonalDataOrClassified,
        "personal_data_or_classified",
        with_words(words),
    )
}

fn possible_crime(words: &[String]) -> Decision {
    decision(Rule::PossibleCrime, "possible_crime", with_words(words))
}

fn feedback_no_deadline(anonymous: bool) -> Decision {
    let mut facts = Facts::default();
    if anonymous {
        facts.parts.push("feedback_no_deadline.anonymous".into());
    }
    decision(Rule::FeedbackNoDeadline, "feedback_no_deadline", facts)
}

/// Sets the deadline of a considered submission that expects an answer.
fn set_deadline(
    assessment: &mut Assessment,
    draft: &Draft,
    received: Date,
    calendar: &WorkingCalendar,
) {
    let (rule, due, reason) = match draft.kind {
        Kind::Complaint if draft.about_bad_administration && draft.in_writing => {
            let due = deadline::due_date(DeadlineRule::Complaint7Days, received, calendar);
            let legal = deadline::due_date(DeadlineRule::Apk2Months, received, calendar);
            let reason = complaint_7_days(&due, &legal, received);
            (DeadlineRule::Complaint7Days, due, reason)
        }
        Kind::Application => {
            let due = deadline::due_date(DeadlineRule::Apk14Days, received, calendar);
            let reason = apk_14_days(&due, received);
            (DeadlineRule::Apk14Days, due, reason)
        }
        Kind::CorruptionSignal => {
            let ack = deadline::due_date(DeadlineRule::WhistleblowerAck7Days, received, calendar);
            let feedback = deadline::due_date(
                DeadlineRule::WhistleblowerFeedback3Months,
                ack.due,
                calendar,
            );
            assessment.acknowledge_due = Some(ack.due);
            let reason = whistleblower(&ack, &feedback, received);
            (DeadlineRule::WhistleblowerFeedback3Months, feedback, reason)
        }
        Kind::Proposal | Kind::Signal | Kind::Complaint => {
            let due = deadline::due_date(DeadlineRule::Apk2Months, received, calendar);
            let reason = apk_2_months(draft, &due, received);
            (DeadlineRule::Apk2Months, due, reason)
        }
        // Feedback has no deadline; `assess` does not come here for it.
        Kind::Opinion | Kind::Comment | Kind::Praise => return,
    };
    assessment.deadline_rule = Some(rule);
    assessment.answer_due = Some(due.due);
    assessment.decisions.push(reason);
}

fn complaint_7_days(due: &Due, legal: &Due, received: Date) -> Decision {
    decision(
        Rule::DeadlineComplaint7Days,
        "deadline_complaint_7_days",
        Facts {
            received: Some(received),
            due: Some(last_day(due)),
            legal: Some(last_day(legal)),
            ..Facts::default()
        },
    )
}

fn apk_2_months(draft: &Draft, due: &Due, received: Date) -> Decision {
    let what = match draft.kind {
        Kind::Proposal => "apk_2_months.proposal",
        Kind::Complaint if draft.in_writing => "apk_2_months.complaint_not_bad_administration",
        Kind::Complaint => "apk_2_months.complaint_not_in_writing",
        _ => "apk_2_months.signal",
    };
    // Who hears of the decision: the submitter, or, when there is nobody to write to (an
    // anonymous signal considered for a threat), whoever follows the case with its code.
    let after = match (draft.kind == Kind::Proposal, draft.is_anonymous()) {
        (true, false) => "apk_2_months.proposal_named",
        (true, true) => "apk_2_months.proposal_anonymous",
        (false, false) => "apk_2_months.signal_named",
        (false, true) => "apk_2_months.signal_anonymous",
    };
    decision(
        Rule::DeadlineApk2Months,
        "deadline_apk_2_months",
        Facts {
            received: Some(received),
            due: Some(last_day(due)),
            parts: vec![what.into(), after.into()],
            ..Facts::default()
        },
    )
}

fn apk_14_days(due: &Due, received: Date) -> Decision {
    decision(
        Rule::DeadlineApk14Days,
        "deadline_apk_14_days",
        Facts {
            received: Some(received),
            due: Some(last_day(due)),
            ..Facts::default()
        },
    )
}

fn whistleblower(ack: &Due, feedback: &Due, received: Date) -> Decision {
    decision(
        Rule::DeadlineWhistleblower,
        "deadline_whistleblower",
        Facts {
            received: Some(received),
            ack: Some(last_day(ack)),
            feedback: Some(last_day(feedback)),
            ..Facts::default()
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::Channel;
    use crate::submission::Submitter;
    use jiff::civil::date;

    fn calendar() -> WorkingCalendar {
        WorkingCalendar::with_builtin_decrees()
    }

    /// A plain submission with harmless text; `named` gives it a submitter.
    fn draft(kind: Kind, named: bool) -> Draft {
        Draft {
            kind,
            channel: Channel::Web,
            subject: "Улично осветление".into(),
            body: "На ул. Раковски не свети лампата пред номер 12 от седмица.".into(),
            submitter: named.then(|| Submitter {
                name: "Иван Петров".into(),
                address: Some("Хасково, ул. Раковски 12".into()),
                phone: None,
                email: None,
                egn: None,
            }),
            health_or_safety_threat: false,
            about_bad_administration: false,
            about_employee: false,
            in_writing: true,
            violation_date: None,
            address: None,
        }
    }

    fn with_body(mut d: Draft, body: &str) -> Draft {
        d.body = body.into();
        d
    }

    fn rules(a: &Assessment) -> Vec<Rule> {
        a.decisions.iter().map(|d| d.rule).collect()
    }

    fn find(a: &Assessment, rule: Rule) -> &Decision {
        a.decisions
            .iter()
            .find(|d| d.rule == rule)
            .unwrap_or_else(|| panic!("{rule:?} not in {:?}", rules(a)))
    }

    const RECEIVED: Date = date(2026, 3, 10);

    #[test]
    fn identifiers() {
        let ids: Vec<&str> = Rule::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(
            ids,
            [
                "anonymous_not_considered",
                "anonymous_threat_considered",
                "threat_suggested",
                "offensive_language",
                "personal_data_or_classified",
                "violation_older_than_2_years",
                "possible_crime",
                "deadline_complaint_7_days",
                "deadline_apk_2_months",
                "deadline_apk_14_days",
                "deadline_whistleblower",
                "feedback_no_deadline",
            ]
        );
        for r in Rule::ALL {
            assert_eq!(Rule::parse(r.as_str()), Some(r));
        }
        assert_eq!(Rule::parse("unknown"), None);
    }

    /// Every decision has a full sentence in both languages.
    fn assert_reasons_are_sentences(a: &Assessment) {
        for d in &a.decisions {
            for reason in [&d.reason_bg, &d.reason_en] {
                assert!(reason.ends_with('.'), "{:?}: {reason}", d.rule);
                assert!(reason.chars().count() > 40, "{:?}: {reason}", d.rule);
            }
            assert!(
                d.reason_bg.chars().any(|c| ('а'..='я').contains(&c)),
                "{:?}: {}",
                d.rule,
                d.reason_bg
            );
        }
    }

    #[test]
    fn anonymous_signals_and_complaints_are_not_considered() {
        for kind in [Kind::Signal, Kind::Complaint, Kind::CorruptionSignal] {
            let a = assess(&draft(kind, false), RECEIVED, &calendar());
            assert_eq!(rules(&a), [Rule::AnonymousNotConsidered], "{kind:?}");
            assert!(!a.considered);
            assert_eq!(a.deadline_rule, None);
            assert_eq!(a.answer_due, None);
            assert_eq!(a.acknowledge_due, None);
            let d = find(&a, Rule::AnonymousNotConsidered);
            assert!(!d.needs_review);
            assert!(
                d.reason_bg.contains("чл. 111, ал. 4 АПК"),
                "{}",
                d.reason_bg
            );
            assert!(d.reason_bg.contains("Харта на клиента"));
            assert!(d.reason_bg.contains("здравето и сигурността"));
            assert!(d.reason_en.contains("art. 111(4)"));
            assert_reasons_are_sentences(&a);
        }
        let a = assess(&draft(Kind::CorruptionSignal, false), RECEIVED, &calendar());
        assert!(
            find(&a, Rule::AnonymousNotConsidered)
                .reason_bg
                .contains("ЗЗЛПСПОИН")
        );
    }

    #[test]
    fn anonymous_threat_is_considered() {
        for (kind, deadline) in [
            (Kind::Signal, DeadlineRule::Apk2Months),
            (Kind::Complaint, DeadlineRule::Apk2Months),
            (
                Kind::CorruptionSignal,
                DeadlineRule::WhistleblowerFeedback3Months,
            ),
        ] {
            let mut d = draft(kind, false);
            d.health_or_safety_threat = true;
            let a = assess(&d, RECEIVED, &calendar());
            assert!(a.considered, "{kind:?}");
            assert_eq!(rules(&a)[0], Rule::AnonymousThreatConsidered);
            assert!(!a.has(Rule::AnonymousNotConsidered));
            assert!(!a.has(Rule::ThreatSuggested));
            assert!(find(&a, Rule::AnonymousThreatConsidered).needs_review);
            assert_eq!(a.deadline_rule, Some(deadline));
            assert!(a.answer_due.is_some());
            assert_reasons_are_sentences(&a);
        }
    }

    #[test]
    fn anonymous_complaint_with_threat_in_writing_gets_7_days() {
        let mut d = draft(Kind::Complaint, false);
        d.health_or_safety_threat = true;
        d.about_bad_administration = true;
        let a = assess(&d, RECEIVED, &calendar());
        assert_eq!(
            rules(&a),
            [
                Rule::AnonymousThreatConsidered,
                Rule::DeadlineComplaint7Days
            ]
        );
        assert_eq!(a.answer_due, Some(date(2026, 3, 17)));
    }

    #[test]
    fn anonymous_signal_with_threat_words_asks_for_review() {
        let d = with_body(
            draft(Kind::Signal, false),
            "На спирката висят оголени кабели, а шахтата е открита.",
        );
        let a = assess(&d, RECEIVED, &calendar());
        assert_eq!(
            rules(&a),
            [Rule::AnonymousNotConsidered, Rule::ThreatSuggested]
        );
        assert!(!a.considered);
        let t = find(&a, Rule::ThreatSuggested);
        assert!(t.needs_review);
        assert!(t.reason_bg.contains("„оголени кабели“"), "{}", t.reason_bg);
        assert!(t.reason_en.contains("оголени кабели"));
        assert!(a.needs_review());
        assert_reasons_are_sentences(&a);
    }

    #[test]
    fn named_signal_with_threat_words_is_just_considered() {
        let d = with_body(
            draft(Kind::Signal, true),
            "Опасно паднало дърво на тротоара.",
        );
        let a = assess(&d, RECEIVED, &calendar());
        assert_eq!(rules(&a), [Rule::DeadlineApk2Months]);
        assert!(a.considered);
        assert!(!a.needs_review());
    }

    #[test]
    fn anonymous_proposals_and_applications_are_not_considered() {
        for kind in [Kind::Proposal, Kind::Application] {
            let mut d = draft(kind, false);
            // A threat does not open proceedings on an anonymous proposal or application.
            d.health_or_safety_threat = true;
            let a = assess(&d, RECEIVED, &calendar());
            assert_eq!(rules(&a), [Rule::AnonymousNotConsidered], "{kind:?}");
            assert!(!a.considered);
            assert_eq!(a.deadline_rule, None);
            assert_eq!(a.answer_due, None);
            let r = &find(&a, Rule::AnonymousNotConsidered).reason_bg;
            assert!(r.contains("чл. 111, ал. 4 АПК"), "{r}");
            assert!(r.contains(kind.label_bg()), "{r}");
            assert_reasons_are_sentences(&a);
        }
    }

    #[test]
    fn feedback_has_no_deadline_anonymous_or_not() {
        for kind in [Kind::Opinion, Kind::Comment, Kind::Praise] {
            for named in [false, true] {
                let a = assess(&draft(kind, named), RECEIVED, &calendar());
                assert_eq!(rules(&a), [Rule::FeedbackNoDeadline], "{kind:?} {named}");
                assert!(a.considered);
                assert_eq!(a.deadline_rule, None);
                assert_eq!(a.answer_due, None);
                assert_eq!(a.acknowledge_due, None);
                let r = find(&a, Rule::FeedbackNoDeadline);
                assert!(!r.needs_review);
                assert!(r.reason_bg.contains("анализират"));
                assert_eq!(r.reason_bg.contains("Анонимното"), !named);
                assert_eq!(r.reason_en.contains("anonymous"), !named);
                assert_reasons_are_sentences(&a);
            }
        }
    }

    #[test]
    fn every_kind_anonymous_and_named() {
        // (kind, named) → (considered, deadline rule, acknowledgement due)
        let expected = |kind: Kind, named: bool| -> (bool, Option<DeadlineRule>, bool) {
            match (kind, named) {
                (Kind::Opinion | Kind::Comment | Kind::Praise, _) => (true, None, false),
                (_, false) => (false, None, false),
                (Kind::Proposal | Kind::Signal | Kind::Complaint, true) => {
                    (true, Some(DeadlineRule::Apk2Months), false)
                }
                (Kind::Application, true) => (true, Some(DeadlineRule::Apk14Days), false),
                (Kind::CorruptionSignal, true) => {
                    (true, Some(DeadlineRule::WhistleblowerFeedback3Months), true)
                }
            }
        };
        for kind in Kind::ALL {
            for named in [false, true] {
                let a = assess(&draft(kind, named), RECEIVED, &calendar());
                let (considered, rule, ack) = expected(kind, named);
                assert_eq!(a.considered, considered, "{kind:?} named={named}");
                assert_eq!(a.deadline_rule, rule, "{kind:?} named={named}");
                assert_eq!(a.answer_due.is_some(), rule.is_some(), "{kind:?}");
                assert_eq!(a.acknowledge_due.is_some(), ack, "{kind:?}");
                assert!(!a.needs_review(), "{kind:?} named={named}: {:?}", rules(&a));
                // Exactly one deadline-or-admissibility outcome.
                assert_eq!(
                    a.decisions.len(),
                    1,
                    "{kind:?} named={named}: {:?}",
                    rules(&a)
                );
                assert_reasons_are_sentences(&a);
            }
        }
    }

    #[test]
    fn written_complaint_about_bad_administration_gets_7_days() {
        let mut d = draft(Kind::Complaint, true);
        d.about_bad_administration = true;
        let a = assess(&d, RECEIVED, &calendar());
        assert_eq!(rules(&a), [Rule::DeadlineComplaint7Days]);
        assert_eq!(a.deadline_rule, Some(DeadlineRule::Complaint7Days));
        assert_eq!(a.answer_due, Some(date(2026, 3, 17)));
        assert_eq!(a.acknowledge_due, None);
        let r = find(&a, Rule::DeadlineComplaint7Days);
        assert!(r.reason_bg.contains("17.03.2026"), "{}", r.reason_bg);
        assert!(r.reason_bg.contains("10.03.2026"));
        assert!(r.reason_bg.contains("Хартата на клиента"));
        assert!(r.reason_bg.contains("проверка"));
        // The longer legal date for when an inspection is needed: 10.05.2026 is a Sunday.
        assert!(r.reason_bg.contains("11.05.2026"), "{}", r.reason_bg);
        assert!(r.reason_en.contains("inspection"));
        assert!(r.reason_en.contains("17.03.2026"));
        assert_reasons_are_sentences(&a);
    }

    #[test]
    fn oral_complaint_or_other_complaint_gets_2_months() {
        let mut oral = draft(Kind::Complaint, true);
        oral.about_bad_administration = true;
        oral.in_writing = false;
        oral.channel = Channel::Phone;
        let a = assess(&oral, RECEIVED, &calendar());
        assert_eq!(rules(&a), [Rule::DeadlineApk2Months]);
        assert_eq!(a.deadline_rule, Some(DeadlineRule::Apk2Months));
        assert_eq!(a.answer_due, Some(date(2026, 5, 11)));
        let r = &find(&a, Rule::DeadlineApk2Months).reason_bg;
        assert!(r.contains("не е подадена писмено"), "{r}");

        let not_bad_admin = draft(Kind::Complaint, true);
        let a = assess(&not_bad_admin, RECEIVED, &calendar());
        assert_eq!(a.deadline_rule, Some(DeadlineRule::Apk2Months));
        let r = &find(&a, Rule::DeadlineApk2Months).reason_bg;
        assert!(r.contains("не е за лошо администриране"), "{r}");
    }

    #[test]
    fn violation_exactly_two_years_ago_is_considered() {
        for kind in [Kind::Signal, Kind::Complaint, Kind::CorruptionSignal] {
            let mut d = draft(kind, true);
            d.violation_date = Some(date(2024, 3, 10));
            let a = assess(&d, RECEIVED, &calendar());
            assert!(a.considered, "{kind:?}");
            assert!(!a.has(Rule::ViolationOlderThan2Years));
            assert!(a.answer_due.is_some());
        }
    }

    #[test]
    fn violation_two_years_and_a_day_ago_is_not_considered() {
        for kind in [Kind::Signal, Kind::Complaint, Kind::CorruptionSignal] {
            let mut d = draft(kind, true);
            d.violation_date = Some(date(2024, 3, 9));
            let a = assess(&d, RECEIVED, &calendar());
            assert!(!a.considered, "{kind:?}");
            assert_eq!(rules(&a), [Rule::ViolationOlderThan2Years]);
            assert_eq!(a.deadline_rule, None);
            assert_eq!(a.answer_due, None);
            assert_eq!(a.acknowledge_due, None);
            let r = find(&a, Rule::ViolationOlderThan2Years);
            assert!(!r.needs_review);
            assert!(r.reason_bg.contains("09.03.2024"), "{}", r.reason_bg);
            assert!(r.reason_bg.contains("10.03.2026"));
            assert!(r.reason_bg.contains("чл. 111, ал. 4 АПК"));
            assert!(r.reason_en.contains("art. 111(4)"));
            assert_reasons_are_sentences(&a);
        }
    }

    #[test]
    fn two_years_around_leap_days() {
        // Two years back from 28.02.2026 is 28.02.2024; 29.02.2024 is later.
        assert!(!older_than_two_years(date(2024, 2, 29), date(2026, 2, 28)));
        assert!(!older_than_two_years(date(2024, 2, 28), date(2026, 2, 28)));
        assert!(older_than_two_years(date(2024, 2, 27), date(2026, 2, 28)));
        // Two years back from 29.02.2024 is 28.02.2022.
        assert!(!older_than_two_years(date(2022, 2, 28), date(2024, 2, 29)));
        assert!(older_than_two_years(date(2022, 2, 27), date(2024, 2, 29)));
        // A violation on the day of receipt.
        assert!(!older_than_two_years(RECEIVED, RECEIVED));
    }

    #[test]
    fn violation_date_does_not_matter_for_other_kinds() {
        for kind in [
            Kind::Proposal,
            Kind::Application,
            Kind::Opinion,
            Kind::Comment,
            Kind::Praise,
        ] {
            let mut d = draft(kind, true);
            d.violation_date = Some(date(2010, 1, 1));
            let a = assess(&d, RECEIVED, &calendar());
            assert!(a.considered, "{kind:?}");
            assert!(!a.has(Rule::ViolationOlderThan2Years));
        }
    }

    #[test]
    fn offensive_language_needs_review_but_deadline_runs() {
        let d = with_body(
            draft(Kind::Signal, true),
            "Шибаният път пак е разкопан от тези идиоти в общината.",
        );
        let a = assess(&d, RECEIVED, &calendar());
        assert_eq!(
            rules(&a),
            [Rule::OffensiveLanguage, Rule::DeadlineApk2Months]
        );
        assert!(a.considered);
        assert_eq!(a.answer_due, Some(date(2026, 5, 11)));
        let r = find(&a, Rule::OffensiveLanguage);
        assert!(r.needs_review);
        assert!(
            r.reason_bg.contains("„Шибаният“, „идиоти“"),
            "{}",
            r.reason_bg
        );
        assert!(r.reason_bg.contains("Хартата на клиента"));
        assert_reasons_are_sentences(&a);
    }

    #[test]
    fn ordinary_rubbish_complaint_is_not_offensive() {
        let d = with_body(
            draft(Kind::Signal, true),
            "Боклуци на улицата не са събирани от две седмици, кофите за боклук преливат.",
        );
        let a = assess(&d, RECEIVED, &calendar());
        assert_eq!(rules(&a), [Rule::DeadlineApk2Months]);
    }

    #[test]
    fn personal_data_question_needs_review() {
        let d = with_body(
            draft(Kind::Proposal, true),
            "Искам да знам как общината обработва личните ми данни по GDPR.",
        );
        let a = assess(&d, RECEIVED, &calendar());
        assert_eq!(
            rules(&a),
            [Rule::PersonalDataOrClassified, Rule::DeadlineApk2Months]
        );
        let r = find(&a, Rule::PersonalDataOrClassified);
        assert!(r.needs_review);
        assert!(
            r.reason_bg.contains("„личните ми данни“"),
            "{}",
            r.reason_bg
        );
        assert!(r.reason_bg.contains("няма право"));
        assert!(r.reason_en.contains("no right"));
        assert_reasons_are_sentences(&a);
    }

    #[test]
    fn classified_question_needs_review() {
        let d = with_body(
            draft(Kind::Application, true),
            "Моля, предоставете ми класифицираната информация за бомбоубежищата.",
        );
        let a = assess(&d, RECEIVED, &calendar());
        assert!(a.has(Rule::PersonalDataOrClassified));
        assert_eq!(a.deadline_rule, Some(DeadlineRule::Apk14Days));
    }

    #[test]
    fn possible_crime_needs_review() {
        let d = with_body(
            draft(Kind::CorruptionSignal, true),
            "Служител от отдел Устройство на територията поиска подкуп от 500 лева.",
        );
        let a = assess(&d, RECEIVED, &calendar());
        assert_eq!(
            rules(&a),
            [Rule::PossibleCrime, Rule::DeadlineWhistleblower]
        );
        let r = find(&a, Rule::PossibleCrime);
        assert!(r.needs_review);
        assert!(r.reason_bg.contains("„подкуп“"));
        assert!(r.reason_bg.contains("прокурор"));
        assert!(r.reason_bg.contains("чл. 123, ал. 4 АПК"));
        assert!(r.reason_en.contains("prosecutor"));
        assert_reasons_are_sentences(&a);
    }

    #[test]
    fn crime_is_flagged_even_when_not_considered() {
        let d = with_body(
            draft(Kind::Signal, false),
            "Крадци разбиха общинския склад.",
        );
        let a = assess(&d, RECEIVED, &calendar());
        assert!(!a.considered);
        assert_eq!(
            rules(&a),
            [Rule::AnonymousNotConsidered, Rule::PossibleCrime]
        );
    }

    #[test]
    fn decisions_are_ordered_admissibility_content_deadline() {
        let mut d = with_body(
            draft(Kind::Complaint, false),
            "Идиоти! Изтича газ, а служителят иска рушвет и личните ми данни.",
        );
        d.health_or_safety_threat = true;
        let a = assess(&d, RECEIVED, &calendar());
        assert_eq!(
            rules(&a),
            [
                Rule::AnonymousThreatConsidered,
                Rule::OffensiveLanguage,
                Rule::PersonalDataOrClassified,
                Rule::PossibleCrime,
                Rule::DeadlineApk2Months,
            ]
        );
        assert!(a.considered);

        d.violation_date = Some(date(2020, 5, 1));
        let a = assess(&d, RECEIVED, &calendar());
        assert_eq!(
            rules(&a),
            [
                Rule::AnonymousThreatConsidered,
                Rule::ViolationOlderThan2Years,
                Rule::OffensiveLanguage,
                Rule::PersonalDataOrClassified,
                Rule::PossibleCrime,
            ]
        );
        assert!(!a.considered);
        assert_eq!(a.answer_due, None);

        d.health_or_safety_threat = false;
        let a = assess(&d, RECEIVED, &calendar());
        assert_eq!(
            rules(&a),
            [
                Rule::AnonymousNotConsidered,
                Rule::ThreatSuggested,
                Rule::ViolationOlderThan2Years,
                Rule::OffensiveLanguage,
                Rule::PersonalDataOrClassified,
                Rule::PossibleCrime,
            ]
        );
        assert_reasons_are_sentences(&a);
    }

    #[test]
    fn deadline_dates() {
        let complaint_7 = |received: Date| {
            let mut d = draft(Kind::Complaint, true);
            d.about_bad_administration = true;
            assess(&d, received, &calendar())
        };
        // 7 calendar days, on a working day.
        assert_eq!(
            complaint_7(date(2026, 3, 10)).answer_due,
            Some(date(2026, 3, 17))
        );
        // 03.03.2026 is Liberation Day: moved to Wednesday 04.03.2026.
        let a = complaint_7(date(2026, 2, 24));
        assert_eq!(a.answer_due, Some(date(2026, 3, 4)));
        let r = find(&a, Rule::DeadlineComplaint7Days);
        assert!(r.reason_bg.contains("04.03.2026"), "{}", r.reason_bg);
        assert!(
            r.reason_bg
                .contains("04.03.2026 (последният ден по сметка, 03.03.2026, е неработен"),
            "{}",
            r.reason_bg
        );
        assert!(r.reason_en.contains("not a working day"));
        // 02.01.2026 was decreed a day off: moved over the weekend to 05.01.2026.
        assert_eq!(
            complaint_7(date(2025, 12, 26)).answer_due,
            Some(date(2026, 1, 5))
        );

        let signal = |received: Date| assess(&draft(Kind::Signal, true), received, &calendar());
        // Two months from 10.03.2026 is Sunday 10.05.2026: moved to Monday.
        assert_eq!(
            signal(date(2026, 3, 10)).answer_due,
            Some(date(2026, 5, 11))
        );
        // 31.12.2025 + 2 months: 28.02.2026 (no 31 February), a Saturday → Monday 02.03.2026.
        assert_eq!(
            signal(date(2025, 12, 31)).answer_due,
            Some(date(2026, 3, 2))
        );
        let proposal = assess(&draft(Kind::Proposal, true), date(2026, 3, 10), &calendar());
        assert_eq!(proposal.answer_due, Some(date(2026, 5, 11)));
        let r = find(&proposal, Rule::DeadlineApk2Months);
        assert!(r.reason_bg.contains("чл. 118 АПК"), "{}", r.reason_bg);
        assert!(r.reason_bg.contains("6 месеца"));
        assert!(r.reason_bg.contains("7-дневен срок"));

        // 14 days from 30.03.2026 is Easter Monday 13.04.2026 → 14.04.2026.
        let a = assess(
            &draft(Kind::Application, true),
            date(2026, 3, 30),
            &calendar(),
        );
        assert_eq!(a.answer_due, Some(date(2026, 4, 14)));
        assert!(
            find(&a, Rule::DeadlineApk14Days)
                .reason_bg
                .contains("14.04.2026")
        );
    }

    #[test]
    fn whistleblower_dates() {
        // Acknowledge by 24.09.2026; three months from then is 24.12.2026 (Christmas Eve), then
        // 25 and 26 December, the Sunday, and Monday 28 December given off for the 26th, which
        // fell on a Saturday → Tuesday 29.12.2026.
        let a = assess(
            &draft(Kind::CorruptionSignal, true),
            date(2026, 9, 17),
            &calendar(),
        );
        assert_eq!(rules(&a), [Rule::DeadlineWhistleblower]);
        assert_eq!(a.acknowledge_due, Some(date(2026, 9, 24)));
        assert_eq!(a.answer_due, Some(date(2026, 12, 29)));
        assert_eq!(
            a.deadline_rule,
            Some(DeadlineRule::WhistleblowerFeedback3Months)
        );
        let r = find(&a, Rule::DeadlineWhistleblower);
        assert!(!r.needs_review);
        assert!(r.reason_bg.contains("24.09.2026"));
        assert!(r.reason_bg.contains("29.12.2026"));
        assert!(r.reason_bg.contains("ЗЗЛПСПОИН"));
        assert!(r.reason_bg.contains("поверителна"));
        assert!(r.reason_bg.contains("непубличен регистър"));
        assert!(r.reason_en.contains("non-public register"));
        assert!(r.reason_en.contains("sealed"));
        assert_reasons_are_sentences(&a);

        // Acknowledgement moved off 03.03.2026 to 04.03.2026; the three months count from there.
        let a = assess(
            &draft(Kind::CorruptionSignal, true),
            date(2026, 2, 24),
            &calendar(),
        );
        assert_eq!(a.acknowledge_due, Some(date(2026, 3, 4)));
        assert_eq!(a.answer_due, Some(date(2026, 6, 4)));
    }
}
