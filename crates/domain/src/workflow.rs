//! The life of a case: which action moves it from which status to which, what each needs, and
//! how deadlines are watched.
//!
//! The ordinary life of a case: registered → (triage) triaged → (assign) assigned →
//! (start_work) in progress → (require_inspection, possibly more than once) inspection →
//! (answer) answered → (close) closed. An open case may instead be forwarded, merged as a
//! duplicate or (before an inspection) left unanswered, and then closed; a finished case may be
//! reopened, back to triaged.
//!
//! [`next_status`] is the whole table; the store records the action, and the access rules
//! (`crate::access`) say who may take it.

use crate::access::Permission;
use crate::calendar::WorkingCalendar;
use crate::deadline::{DeadlineRule, add_months};
use crate::lifecycle::Status;
use jiff::civil::Date;
use serde::Serialize;

/// An action on a case (the data it carries is checked by the store and the web layer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseAction {
    /// Confirm or override the charter's decisions.
    Triage,
    /// Give the case to a department and an officer.
    Assign,
    StartWork,
    /// An inspection is needed: the deadline is extended, the citizen told why and until when.
    RequireInspection,
    /// Answer in writing.
    Answer,
    Close,
    /// Leave unanswered under a charter rule (cited).
    LeaveUnanswered,
    /// Forward to another competent body.
    Forward,
    /// Merge into another case as a duplicate.
    MarkDuplicate,
    Reopen,
}

impl CaseAction {
    pub const ALL: [CaseAction; 10] = [
        CaseAction::Triage,
        CaseAction::Assign,
        CaseAction::StartWork,
        CaseAction::RequireInspection,
        CaseAction::Answer,
        CaseAction::Close,
        CaseAction::LeaveUnanswered,
        CaseAction::Forward,
        CaseAction::MarkDuplicate,
        CaseAction::Reopen,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseAction::Triage => "triage",
            CaseAction::Assign => "assign",
            CaseAction::StartWork => "start_work",
            CaseAction::RequireInspection => "require_inspection",
            CaseAction::Answer => "answer",
            CaseAction::Close => "close",
            CaseAction::LeaveUnanswered => "leave_unanswered",
            CaseAction::Forward => "forward",
            CaseAction::MarkDuplicate => "mark_duplicate",
            CaseAction::Reopen => "reopen",
        }
    }

    pub fn parse(s: &str) -> Option<CaseAction> {
        CaseAction::ALL.into_iter().find(|a| a.as_str() == s)
    }

    pub fn label_bg(self) -> &'static str {
        match self {
            CaseAction::Triage => "първоначална преценка",
            CaseAction::Assign => "възлагане",
            CaseAction::StartWork => "започване на работа",
            CaseAction::RequireInspection => "проверка с удължаване на срока",
            CaseAction::Answer => "писмен отговор",
            CaseAction::Close => "приключване",
            CaseAction::LeaveUnanswered => "оставяне без разглеждане",
            CaseAction::Forward => "препращане по компетентност",
            CaseAction::MarkDuplicate => "обединяване с друга преписка",
            CaseAction::Reopen => "повторно отваряне",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            CaseAction::Triage => "triage",
            CaseAction::Assign => "assign",
            CaseAction::StartWork => "start work",
            CaseAction::RequireInspection => "require an inspection",
            CaseAction::Answer => "answer in writing",
            CaseAction::Close => "close",
            CaseAction::LeaveUnanswered => "leave unanswered",
            CaseAction::Forward => "forward to the competent body",
            CaseAction::MarkDuplicate => "merge as a duplicate",
            CaseAction::Reopen => "reopen",
        }
    }

    /// The permission (see `access`) this action needs.
    pub fn permission(self) -> Permission {
        match self {
            CaseAction::Triage => Permission::Triage,
            CaseAction::Assign => Permission::Assign,
            CaseAction::StartWork => Permission::StartWork,
            CaseAction::RequireInspection => Permission::RequireInspection,
            CaseAction::Answer => Permission::Answer,
            CaseAction::Close => Permission::Close,
            CaseAction::LeaveUnanswered => Permission::LeaveUnanswered,
            CaseAction::Forward => Permission::Forward,
            CaseAction::MarkDuplicate => Permission::MarkDuplicate,
            CaseAction::Reopen => Permission::Reopen,
        }
    }

    /// Whether the action must carry a written reason (inspection, leaving unanswered,
    /// forwarding, reopening, overriding triage…).
    ///
    /// Triage needs a reason only when it overrides the charter's decisions, which the store
    /// layer knows; here it is `false`.
    pub fn needs_reason(self) -> bool {
        matches!(
            self,
            CaseAction::RequireInspection
                | CaseAction::LeaveUnanswered
                | CaseAction::Forward
                | CaseAction::MarkDuplicate
                | CaseAction::Reopen
        )
    }

    /// The statuses the action may be taken from.
    pub fn allowed_from(self) -> &'static [Status] {
        use Status::*;
        match self {
            CaseAction::Triage => &[Registered],
            CaseAction::Assign => &[Registered, Triaged, Assigned, InProgress, Inspection],
            CaseAction::StartWork => &[Assigned],
            CaseAction::RequireInspection => &[Assigned, InProgress, Inspection],
            CaseAction::Answer => &[Assigned, InProgress, Inspection],
            CaseAction::Close => &[Answered, NotConsidered, Forwarded, Duplicate],
            CaseAction::LeaveUnanswered => &[Registered, Triaged, Assigned, InProgress],
            CaseAction::Forward | CaseAction::MarkDuplicate => {
                &[Registered, Triaged, Assigned, InProgress, Inspection]
            }
            CaseAction::Reopen => &[Answered, Closed, NotConsidered, Forwarded, Duplicate],
        }
    }

    /// The status the action leads to.
    pub fn target(self) -> Status {
        match self {
            CaseAction::Triage | CaseAction::Reopen => Status::Triaged,
            CaseAction::Assign => Status::Assigned,
            CaseAction::StartWork => Status::InProgress,
            CaseAction::RequireInspection => Status::Inspection,
            CaseAction::Answer => Status::Answered,
            CaseAction::Close => Status::Closed,
            CaseAction::LeaveUnanswered => Status::NotConsidered,
            CaseAction::Forward => Status::Forwarded,
            CaseAction::MarkDuplicate => Status::Duplicate,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason_en}")]
pub struct TransitionRefused {
    pub reason_bg: String,
    pub reason_en: String,
}

/// The status `action` leads to from `current`, or why it cannot be taken.
pub fn next_status(current: Status, action: CaseAction) -> Result<Status, TransitionRefused> {
    let from = action.allowed_from();
    if from.contains(&current) {
        return Ok(action.target());
    }
    let allowed_bg: Vec<String> = from.iter().map(|s| format!("„{}“", s.label_bg())).collect();
    let allowed_en: Vec<String> = from.iter().map(|s| format!("“{}”", s.label_en())).collect();
    Err(TransitionRefused {
        reason_bg: format!(
            "Действието „{}“ не е възможно, когато преписката е със статус „{}“. Допустимо е при \
             статус {}.",
            action.label_bg(),
            current.label_bg(),
            allowed_bg.join(", ")
        ),
        reason_en: format!(
            "The action “{}” is not possible while the case is {}. It is possible when the case \
             is {}.",
            action.label_en(),
            current.label_en(),
            allowed_en.join(", ")
        ),
    })
}

/// The actions that may be taken on a case in status `current` (whoever takes them).
pub fn available_actions(current: Status) -> Vec<CaseAction> {
    CaseAction::ALL
        .into_iter()
        .filter(|action| action.allowed_from().contains(&current))
        .collect()
}

/// The rule charter decisions a case may be left unanswered under.
pub const UNANSWERED_RULES: [&str; 4] = [
    "anonymous_not_considered",
    "offensive_language",
    "personal_data_or_classified",
    "violation_older_than_2_years",
];

/// Whether `rule` is one a case may be left unanswered under (see [`UNANSWERED_RULES`]).
pub fn is_unanswered_rule(rule: &str) -> bool {
    UNANSWERED_RULES.contains(&rule)
}

/// How a case stands against its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// Past its last day.
    Overdue,
    /// Due within the next 2 working days (including today).
    DueSoon,
    OnTrack,
    NoDeadline,
}

impl Urgency {
    /// The identifier stored in `submissions.urgency` and used by the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::Overdue => "overdue",
            Urgency::DueSoon => "due_soon",
            Urgency::OnTrack => "on_track",
            Urgency::NoDeadline => "no_deadline",
        }
    }

    pub fn parse(s: &str) -> Option<Urgency> {
        [
            Urgency::Overdue,
            Urgency::DueSoon,
            Urgency::OnTrack,
            Urgency::NoDeadline,
        ]
        .into_iter()
        .find(|u| u.as_str() == s)
    }
}

/// Why a member of staff is reminded of a case by the deadline job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderKind {
    /// The case's deadline is within 2 working days.
    DueSoon,
    /// The case is past its deadline.
    Overdue,
    /// The case is overdue and now reaches the Mayor's office.
    Escalated,
}

impl ReminderKind {
    /// The identifier stored in `staff_reminders.kind` and used by the API.
    pub fn as_str(self) -> &'static str {
        match self {
            ReminderKind::DueSoon => "due_soon",
            ReminderKind::Overdue => "overdue",
            ReminderKind::Escalated => "escalated",
        }
    }

    pub fn parse(s: &str) -> Option<ReminderKind> {
        [
            ReminderKind::DueSoon,
            ReminderKind::Overdue,
            ReminderKind::Escalated,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }

    /// The reminder an urgency calls for, if any.
    pub fn for_urgency(urgency: Urgency) -> Option<ReminderKind> {
        match urgency {
            Urgency::DueSoon => Some(ReminderKind::DueSoon),
            Urgency::Overdue => Some(ReminderKind::Overdue),
            Urgency::OnTrack | Urgency::NoDeadline => None,
        }
    }
}

impl std::fmt::Display for ReminderKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Display for Urgency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How many working days "due soon" spans, today included.
const DUE_SOON_WORKING_DAYS: u32 = 2;

/// `today` against `due`: overdue after the due date, due soon when at most 2 working days remain.
///
/// The working days counted are those from `today` to `due`, both included: a case due today or
/// on the next working day is due soon (due on Monday, seen on Friday: due soon).
pub fn urgency(due: Option<Date>, today: Date, calendar: &WorkingCalendar) -> Urgency {
    let Some(due) = due else {
        return Urgency::NoDeadline;
    };
    if today > due {
        return Urgency::Overdue;
    }
    // Count the working days in [today, due], stopping as soon as there are too many.
    let mut day = today;
    let mut working = 0;
    loop {
        if calendar.is_working_day(day) {
            working += 1;
            if working > DUE_SOON_WORKING_DAYS {
                return Urgency::OnTrack;
            }
        }
        if day >= due {
            return Urgency::DueSoon;
        }
        match day.tomorrow() {
            Ok(next) => day = next,
            Err(_) => return Urgency::DueSoon,
        }
    }
}

/// How many months from receipt an inspection may extend the deadline to, under `rule`.
fn extension_months(rule: DeadlineRule) -> Option<i32> {
    match rule {
        DeadlineRule::Complaint7Days | DeadlineRule::Apk14Days => Some(2),
        DeadlineRule::Apk2Months | DeadlineRule::Apk6MonthsExtended => Some(6),
        DeadlineRule::Forward7Days
        | DeadlineRule::Communicate7Days
        | DeadlineRule::WhistleblowerAck7Days
        | DeadlineRule::WhistleblowerFeedback3Months => None,
    }
}

/// The latest final date an inspection may set, by the rule that governs the case, counted from
/// receipt: a 7-day complaint → 2 months (АПК); 2 months → 6 months (АПК art. 118(1)); 14 days
/// → 2 months; whistleblower feedback → no extension (`None`).
///
/// A case already extended to 6 months may be extended again up to the same 6 months. The terms
/// for forwarding, communicating a decision and acknowledging a report are not extended, and a
/// case without a deadline has nothing to extend (`None`). Like every deadline, the date is
/// moved off a non-working day to the next working day.
pub fn max_extension(
    rule: Option<DeadlineRule>,
    received: Date,
    calendar: &WorkingCalendar,
) -> Option<Date> {
    let months = extension_months(rule?)?;
    Some(calendar.next_working_day_from(add_months(received, months)))
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason_en}")]
pub struct ExtensionRefused {
    pub reason_bg: String,
    pub reason_en: String,
}

impl ExtensionRefused {
    fn new(reason_bg: String, reason_en: String) -> ExtensionRefused {
        ExtensionRefused {
            reason_bg,
            reason_en,
        }
    }
}

/// A date as Bulgarian documents write it: DD.MM.YYYY.
fn dmy(date: Date) -> String {
    date.strftime("%d.%m.%Y").to_string()
}

/// Why no extension is possible under `rule`.
fn no_extension(rule: Option<DeadlineRule>) -> ExtensionRefused {
    match rule {
        None => ExtensionRefused::new(
            "Преписката няма срок за отговор, който да бъде удължен.".to_string(),
            "The case has no answer deadline to extend.".to_string(),
        ),
        Some(DeadlineRule::WhistleblowerFeedback3Months | DeadlineRule::WhistleblowerAck7Days) => {
            ExtensionRefused::new(
                "Сроковете по сигнал за нарушение не могат да се удължават: обратната информация \
                 се дава до 3 месеца от потвърждаването на получаването (ЗЗЛПСПОИН)."
                    .to_string(),
                "The terms for a whistleblower report cannot be extended: feedback is due within \
                 3 months of the acknowledgement of receipt (Whistleblower Protection Act)."
                    .to_string(),
            )
        }
        Some(rule) => ExtensionRefused::new(
            format!(
                "Този срок не може да се удължава: {}.",
                rule.description_bg()
            ),
            format!("This term cannot be extended: {}.", rule.description_en()),
        ),
    }
}

/// Checks a requested new final date: after the current due date, not past `max_extension`,
/// a working day. Returns the date to record.
///
/// Without a current due date the requested date must still be after the date of receipt.
pub fn extend_deadline(
    rule: Option<DeadlineRule>,
    received: Date,
    current_due: Option<Date>,
    requested: Date,
    calendar: &WorkingCalendar,
) -> Result<Date, ExtensionRefused> {
    let Some(max) = max_extension(rule, received, calendar) else {
        return Err(no_extension(rule));
    };
    let floor = current_due.unwrap_or(received);
    if requested <= floor {
        return Err(match current_due {
            Some(current) => ExtensionRefused::new(
                format!(
                    "Новият краен срок ({}) трябва да е след сегашния ({}).",
                    dmy(requested),
                    dmy(current)
                ),
                format!(
                    "The new final date ({}) must be after the current one ({}).",
                    dmy(requested),
                    dmy(current)
                ),
            ),
            None => ExtensionRefused::new(
                format!(
                    "Новият краен срок ({}) трябва да е след датата на получаване ({}).",
                    dmy(requested),
                    dmy(received)
                ),
                format!(
                    "The new final date ({}) must be after the date of receipt ({}).",
                    dmy(requested),
                    dmy(received)
                ),
            ),
        });
    }
    if requested > max {
        if current_due.is_some_and(|current| current >= max) {
            return Err(ExtensionRefused::new(
                format!(
                    "Срокът вече е удължен до най-късната допустима дата ({}) и не може да се \
                     удължи повече.",
                    dmy(max)
                ),
                format!(
                    "The deadline is already at the latest date allowed ({}) and cannot be \
                     extended further.",
                    dmy(max)
                ),
            ));
        }
        return Err(ExtensionRefused::new(
            format!(
                "Новият краен срок ({}) е след най-късната допустима дата ({}) за преписка, \
                 получена на {}.",
                dmy(requested),
                dmy(max),
                dmy(received)
            ),
            format!(
                "The new final date ({}) is after the latest date allowed ({}) for a case \
                 received on {}.",
                dmy(requested),
                dmy(max),
                dmy(received)
            ),
        ));
    }
    if !calendar.is_working_day(requested) {
        let suggestion = calendar.next_working_day_from(requested);
        return Err(ExtensionRefused::new(
            format!(
                "Новият краен срок ({}) не е работен ден; най-близкият работен ден след него е {}.",
                dmy(requested),
                dmy(suggestion)
            ),
            format!(
                "The new final date ({}) is not a working day; the next working day is {}.",
                dmy(requested),
                dmy(suggestion)
            ),
        ));
    }
    Ok(requested)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::{self, Actor, CaseFacts, Role};
    use crate::calendar::DecreedDays;
    use crate::{DepartmentId, UserId};
    use std::collections::HashSet;

    fn cal() -> WorkingCalendar {
        WorkingCalendar::with_builtin_decrees()
    }

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    // ---- Actions ---------------------------------------------------------------------------

    #[test]
    fn action_identifiers_round_trip() {
        let expected = [
            "triage",
            "assign",
            "start_work",
            "require_inspection",
            "answer",
            "close",
            "leave_unanswered",
            "forward",
            "mark_duplicate",
            "reopen",
        ];
        for (action, id) in CaseAction::ALL.into_iter().zip(expected) {
            assert_eq!(action.as_str(), id);
            assert_eq!(CaseAction::parse(id), Some(action));
            assert!(!action.label_bg().is_empty());
            assert!(!action.label_en().is_empty());
        }
        assert_eq!(CaseAction::parse("Close"), None);
        let labels: HashSet<&str> = CaseAction::ALL.map(CaseAction::label_bg).into();
        assert_eq!(labels.len(), CaseAction::ALL.len());
    }

    #[test]
    fn each_action_needs_the_permission_of_the_same_name() {
        for action in CaseAction::ALL {
            let permission = action.permission();
            assert_eq!(permission.as_str(), action.as_str());
            assert!(permission.concerns_case());
            assert!(!permission.is_read_only());
        }
    }

    #[test]
    fn which_actions_need_a_reason() {
        let with_reason: Vec<CaseAction> = CaseAction::ALL
            .into_iter()
            .filter(|a| a.needs_reason())
            .collect();
        assert_eq!(
            with_reason,
            [
                CaseAction::RequireInspection,
                CaseAction::LeaveUnanswered,
                CaseAction::Forward,
                CaseAction::MarkDuplicate,
                CaseAction::Reopen,
            ]
        );
        assert!(!CaseAction::Triage.needs_reason());
    }

    // ---- Transitions -----------------------------------------------------------------------

    /// The whole table, written out independently of `allowed_from`/`target`.
    fn expected_transitions() -> Vec<(CaseAction, Status, Status)> {
        use CaseAction as A;
        use Status::*;
        let mut t = vec![(A::Triage, Registered, Triaged)];
        for from in [Registered, Triaged, Assigned, InProgress, Inspection] {
            t.push((A::Assign, from, Assigned));
            t.push((A::Forward, from, Forwarded));
            t.push((A::MarkDuplicate, from, Duplicate));
        }
        t.push((A::StartWork, Assigned, InProgress));
        for from in [Assigned, InProgress, Inspection] {
            t.push((A::RequireInspection, from, Inspection));
            t.push((A::Answer, from, Answered));
        }
        for from in [Answered, NotConsidered, Forwarded, Duplicate] {
            t.push((A::Close, from, Closed));
        }
        for from in [Registered, Triaged, Assigned, InProgress] {
            t.push((A::LeaveUnanswered, from, NotConsidered));
        }
        for from in [Answered, Closed, NotConsidered, Forwarded, Duplicate] {
            t.push((A::Reopen, from, Triaged));
        }
        t
    }

    #[test]
    fn every_transition_is_as_specified_and_nothing_else_is_allowed() {
        let expected = expected_transitions();
        for action in CaseAction::ALL {
            for current in Status::ALL {
                let want = expected
                    .iter()
                    .find(|(a, from, _)| *a == action && *from == current)
                    .map(|(_, _, to)| *to);
                match (next_status(current, action), want) {
                    (Ok(got), Some(want)) => assert_eq!(got, want, "{action:?} from {current:?}"),
                    (Err(_), None) => {}
                    (got, want) => panic!("{action:?} from {current:?}: {got:?}, want {want:?}"),
                }
            }
        }
    }

    #[test]
    fn forwarding_and_merging_from_any_open_status_only() {
        for current in Status::ALL {
            for action in [CaseAction::Forward, CaseAction::MarkDuplicate] {
                assert_eq!(next_status(current, action).is_ok(), current.is_open());
            }
            // Reopening is for finished cases only.
            assert_eq!(
                next_status(current, CaseAction::Reopen).is_ok(),
                !current.is_open()
            );
        }
    }

    #[test]
    fn refusals_name_the_current_status_and_the_allowed_ones() {
        let refused = next_status(Status::InProgress, CaseAction::Close).unwrap_err();
        assert_eq!(
            refused.reason_bg,
            "Действието „приключване“ не е възможно, когато преписката е със статус „в процес на \
             разглеждане“. Допустимо е при статус „отговорено“, „оставено без разглеждане“, \
             „препратено по компетентност“, „обединено с друга преписка“."
        );
        assert_eq!(
            refused.reason_en,
            "The action “close” is not possible while the case is in progress. It is possible \
             when the case is “answered”, “not considered”, “forwarded to the competent body”, \
             “merged as a duplicate”."
        );
        assert_eq!(refused.to_string(), refused.reason_en);
        for action in CaseAction::ALL {
            for current in Status::ALL {
                if let Err(refused) = next_status(current, action) {
                    assert!(refused.reason_bg.contains(current.label_bg()));
                    assert!(refused.reason_en.contains(current.label_en()));
                    assert!(refused.reason_bg.contains(action.label_bg()));
                }
            }
        }
    }

    #[test]
    fn the_life_of_a_case() {
        let steps = [
            (CaseAction::Triage, Status::Triaged),
            (CaseAction::Assign, Status::Assigned),
            (CaseAction::StartWork, Status::InProgress),
            (CaseAction::RequireInspection, Status::Inspection),
            (CaseAction::RequireInspection, Status::Inspection),
            (CaseAction::Answer, Status::Answered),
            (CaseAction::Close, Status::Closed),
            (CaseAction::Reopen, Status::Triaged),
            (CaseAction::Assign, Status::Assigned),
            (CaseAction::Answer, Status::Answered),
        ];
        let mut status = Status::Registered;
        for (action, want) in steps {
            status = next_status(status, action).unwrap();
            assert_eq!(status, want, "{action:?}");
        }
        // Leaving unanswered, then closing; a duplicate; a forwarded case.
        let status = next_status(Status::Registered, CaseAction::LeaveUnanswered).unwrap();
        assert_eq!(
            next_status(status, CaseAction::Close).unwrap(),
            Status::Closed
        );
        assert!(next_status(Status::Inspection, CaseAction::LeaveUnanswered).is_err());
        assert!(next_status(Status::Triaged, CaseAction::Triage).is_err());
        assert!(next_status(Status::Triaged, CaseAction::Answer).is_err());
        assert!(next_status(Status::Closed, CaseAction::Close).is_err());
    }

    #[test]
    fn available_actions_follow_the_table() {
        assert_eq!(
            available_actions(Status::Registered),
            [
                CaseAction::Triage,
                CaseAction::Assign,
                CaseAction::LeaveUnanswered,
                CaseAction::Forward,
                CaseAction::MarkDuplicate,
            ]
        );
        assert_eq!(available_actions(Status::Closed), [CaseAction::Reopen]);
        for status in Status::ALL {
            for action in CaseAction::ALL {
                assert_eq!(
                    available_actions(status).contains(&action),
                    next_status(status, action).is_ok()
                );
            }
            // Every status has a way on.
            assert!(!available_actions(status).is_empty());
        }
    }

    #[test]
    fn actions_and_access_together() {
        // A case officer answers a case assigned to them when its status allows it.
        let me = Actor {
            user_id: UserId(2),
            role: Role::CaseOfficer,
            department_id: Some(DepartmentId(1)),
            corruption_officer: false,
        };
        let case = CaseFacts {
            department_id: Some(DepartmentId(1)),
            assignee_id: Some(UserId(2)),
            ..CaseFacts::default()
        };
        let action = CaseAction::Answer;
        assert!(access::check(&me, action.permission(), Some(&case)).is_ok());
        assert!(next_status(Status::InProgress, action).is_ok());
        assert!(access::check(&me, CaseAction::Close.permission(), Some(&case)).is_err());
    }

    #[test]
    fn unanswered_rules() {
        for rule in UNANSWERED_RULES {
            assert!(is_unanswered_rule(rule));
        }
        assert!(!is_unanswered_rule("deadline_apk_2_months"));
        assert!(!is_unanswered_rule(""));
    }

    // ---- Urgency ---------------------------------------------------------------------------

    fn urgency_of(due: &str, today: &str) -> Urgency {
        urgency(Some(d(due)), d(today), &cal())
    }

    #[test]
    fn urgency_identifiers() {
        for u in [
            Urgency::Overdue,
            Urgency::DueSoon,
            Urgency::OnTrack,
            Urgency::NoDeadline,
        ] {
            assert_eq!(Urgency::parse(u.as_str()), Some(u));
        }
        // The most urgent sorts first.
        assert!(Urgency::Overdue < Urgency::DueSoon);
        assert!(Urgency::DueSoon < Urgency::OnTrack);
        assert!(Urgency::OnTrack < Urgency::NoDeadline);
    }

    #[test]
    fn no_deadline_and_overdue() {
        assert_eq!(urgency(None, d("2026-03-02"), &cal()), Urgency::NoDeadline);
        assert_eq!(urgency_of("2026-03-02", "2026-03-03"), Urgency::Overdue);
        assert_eq!(urgency_of("2026-03-02", "2027-01-01"), Urgency::Overdue);
        // Overdue on a weekend too.
        assert_eq!(urgency_of("2026-03-06", "2026-03-07"), Urgency::Overdue);
    }

    #[test]
    fn due_today_or_on_the_next_working_day_is_due_soon() {
        // Wednesday 4 March 2026, due the same day, the next day, the day after.
        assert_eq!(urgency_of("2026-03-04", "2026-03-04"), Urgency::DueSoon);
        assert_eq!(urgency_of("2026-03-05", "2026-03-04"), Urgency::DueSoon);
        assert_eq!(urgency_of("2026-03-06", "2026-03-04"), Urgency::OnTrack);
        assert_eq!(urgency_of("2026-04-30", "2026-03-04"), Urgency::OnTrack);
    }

    #[test]
    fn urgency_across_weekends() {
        // Friday 6 March → Monday 9 March: due soon; Tuesday 10: on track.
        assert_eq!(urgency_of("2026-03-09", "2026-03-06"), Urgency::DueSoon);
        assert_eq!(urgency_of("2026-03-10", "2026-03-06"), Urgency::OnTrack);
        // Thursday 5 March → Monday 9: three working days.
        assert_eq!(urgency_of("2026-03-09", "2026-03-05"), Urgency::OnTrack);
        // Seen on Saturday 7 March: Monday and Tuesday are the next two working days.
        assert_eq!(urgency_of("2026-03-09", "2026-03-07"), Urgency::DueSoon);
        assert_eq!(urgency_of("2026-03-10", "2026-03-07"), Urgency::DueSoon);
        assert_eq!(urgency_of("2026-03-11", "2026-03-07"), Urgency::OnTrack);
    }

    #[test]
    fn urgency_across_holidays() {
        // Thursday 9 April 2026; Good Friday to Easter Monday off; due Tuesday 14: 9 and 14.
        assert_eq!(urgency_of("2026-04-14", "2026-04-09"), Urgency::DueSoon);
        assert_eq!(urgency_of("2026-04-15", "2026-04-09"), Urgency::OnTrack);
        // Wednesday 8 April → Tuesday 14: 8, 9, 14.
        assert_eq!(urgency_of("2026-04-14", "2026-04-08"), Urgency::OnTrack);
        // Monday 2 March; Tuesday 3 March (Liberation Day) off; due Wednesday 4: 2 and 4.
        assert_eq!(urgency_of("2026-03-04", "2026-03-02"), Urgency::DueSoon);
        // Christmas 2026: Wednesday 23 Dec → Tuesday 29 Dec (24–28 off): 23 and 29.
        assert_eq!(urgency_of("2026-12-29", "2026-12-23"), Urgency::DueSoon);
        assert_eq!(urgency_of("2026-12-30", "2026-12-23"), Urgency::OnTrack);
    }

    #[test]
    fn urgency_with_a_due_date_on_a_day_off() {
        // A due date should be a working day, but a Sunday one is still watched: seen on
        // Friday, only Friday itself is left.
        assert_eq!(urgency_of("2026-03-08", "2026-03-06"), Urgency::DueSoon);
        assert_eq!(urgency_of("2026-03-08", "2026-03-08"), Urgency::DueSoon);
    }

    #[test]
    fn urgency_with_a_decreed_working_saturday() {
        let decreed =
            DecreedDays::parse("2030-05-11,working,Работна събота,Working Saturday\n").unwrap();
        let calendar = WorkingCalendar::new(decreed);
        // Friday 10 May 2030 → Monday 13: Friday, the working Saturday, Monday.
        assert_eq!(
            urgency(Some(d("2030-05-13")), d("2030-05-10"), &calendar),
            Urgency::OnTrack
        );
        assert_eq!(
            urgency(Some(d("2030-05-13")), d("2030-05-10"), &cal()),
            Urgency::DueSoon
        );
    }

    #[test]
    fn urgency_at_the_end_of_time() {
        assert_eq!(
            urgency(Some(Date::MAX), Date::MAX, &cal()),
            Urgency::DueSoon
        );
        assert_eq!(
            urgency(Some(Date::MAX), d("9999-01-01"), &cal()),
            Urgency::OnTrack
        );
    }

    // ---- Extensions ------------------------------------------------------------------------

    #[test]
    fn max_extension_by_rule() {
        let received = d("2026-03-02");
        // 2 May 2026 is a Saturday → Monday 4 May.
        assert_eq!(
            max_extension(Some(DeadlineRule::Complaint7Days), received, &cal()),
            Some(d("2026-05-04"))
        );
        assert_eq!(
            max_extension(Some(DeadlineRule::Apk14Days), received, &cal()),
            Some(d("2026-05-04"))
        );
        assert_eq!(
            max_extension(Some(DeadlineRule::Apk2Months), received, &cal()),
            Some(d("2026-09-02"))
        );
        assert_eq!(
            max_extension(Some(DeadlineRule::Apk6MonthsExtended), received, &cal()),
            Some(d("2026-09-02"))
        );
        for rule in [
            DeadlineRule::WhistleblowerFeedback3Months,
            DeadlineRule::WhistleblowerAck7Days,
            DeadlineRule::Forward7Days,
            DeadlineRule::Communicate7Days,
        ] {
            assert_eq!(max_extension(Some(rule), received, &cal()), None, "{rule}");
        }
        assert_eq!(max_extension(None, received, &cal()), None);
        // Month-end clamping: 31 August + 6 months = 28 February 2027 (Sunday) → 1 March.
        assert_eq!(
            max_extension(Some(DeadlineRule::Apk2Months), d("2026-08-31"), &cal()),
            Some(d("2027-03-01"))
        );
        // 6 September 2026 is a Sunday holiday, Monday 7 in lieu → Tuesday 8.
        assert_eq!(
            max_extension(Some(DeadlineRule::Apk2Months), d("2026-03-06"), &cal()),
            Some(d("2026-09-08"))
        );
    }

    #[test]
    fn max_extension_is_never_before_the_ordinary_deadline() {
        let calendar = cal();
        let mut received = d("2026-01-01");
        while received.year() == 2026 {
            for rule in DeadlineRule::ALL {
                if let Some(max) = max_extension(Some(rule), received, &calendar) {
                    let ordinary = crate::deadline::due_date(rule, received, &calendar).due;
                    assert!(max >= ordinary, "{rule} {received}");
                    assert!(calendar.is_working_day(max), "{rule} {received}");
                }
            }
            received = received.tomorrow().unwrap();
        }
    }

    #[test]
    fn an_extension_within_the_limits_is_recorded() {
        let received = d("2026-03-02");
        let rule = Some(DeadlineRule::Apk2Months);
        let current = Some(d("2026-05-04"));
        for requested in ["2026-05-05", "2026-07-15", "2026-09-02"] {
            assert_eq!(
                extend_deadline(rule, received, current, d(requested), &cal()),
                Ok(d(requested))
            );
        }
        // A complaint: from 7 days to at most 2 months.
        assert_eq!(
            extend_deadline(
                Some(DeadlineRule::Complaint7Days),
                received,
                Some(d("2026-03-09")),
                d("2026-04-30"),
                &cal()
            ),
            Ok(d("2026-04-30"))
        );
        // Without a current due date.
        assert_eq!(
            extend_deadline(rule, received, None, d("2026-03-04"), &cal()),
            Ok(d("2026-03-04"))
        );
    }

    #[test]
    fn an_extension_must_move_the_deadline_later() {
        let received = d("2026-03-02");
        let rule = Some(DeadlineRule::Apk2Months);
        let current = Some(d("2026-05-04"));
        let refused =
            extend_deadline(rule, received, current, d("2026-05-04"), &cal()).unwrap_err();
        assert_eq!(
            refused.reason_bg,
            "Новият краен срок (04.05.2026) трябва да е след сегашния (04.05.2026)."
        );
        assert_eq!(
            refused.reason_en,
            "The new final date (04.05.2026) must be after the current one (04.05.2026)."
        );
        assert!(extend_deadline(rule, received, current, d("2026-04-30"), &cal()).is_err());
        let refused = extend_deadline(rule, received, None, d("2026-03-02"), &cal()).unwrap_err();
        assert!(refused.reason_en.contains("date of receipt (02.03.2026)"));
    }

    #[test]
    fn an_extension_may_not_pass_the_legal_maximum() {
        let received = d("2026-03-02");
        let refused = extend_deadline(
            Some(DeadlineRule::Apk2Months),
            received,
            Some(d("2026-05-04")),
            d("2026-09-03"),
            &cal(),
        )
        .unwrap_err();
        assert_eq!(
            refused.reason_bg,
            "Новият краен срок (03.09.2026) е след най-късната допустима дата (02.09.2026) за \
             преписка, получена на 02.03.2026."
        );
        assert_eq!(
            refused.reason_en,
            "The new final date (03.09.2026) is after the latest date allowed (02.09.2026) for \
             a case received on 02.03.2026."
        );
        // A complaint may not go past 2 months.
        assert!(
            extend_deadline(
                Some(DeadlineRule::Complaint7Days),
                received,
                Some(d("2026-03-09")),
                d("2026-05-05"),
                &cal()
            )
            .is_err()
        );
        // Already at the maximum.
        let refused = extend_deadline(
            Some(DeadlineRule::Apk6MonthsExtended),
            received,
            Some(d("2026-09-02")),
            d("2026-09-03"),
            &cal(),
        )
        .unwrap_err();
        assert!(
            refused
                .reason_en
                .contains("already at the latest date allowed (02.09.2026)")
        );
        assert!(refused.reason_bg.contains("02.09.2026"));
    }

    #[test]
    fn an_extension_ends_on_a_working_day() {
        let received = d("2026-03-02");
        let rule = Some(DeadlineRule::Apk2Months);
        let current = Some(d("2026-05-04"));
        // Saturday 23 May 2026; 24 (Sunday holiday) and 25 (in lieu) off → Tuesday 26.
        let refused =
            extend_deadline(rule, received, current, d("2026-05-23"), &cal()).unwrap_err();
        assert_eq!(
            refused.reason_bg,
            "Новият краен срок (23.05.2026) не е работен ден; най-близкият работен ден след него \
             е 26.05.2026."
        );
        assert_eq!(
            refused.reason_en,
            "The new final date (23.05.2026) is not a working day; the next working day is \
             26.05.2026."
        );
        // The suggestion itself is accepted.
        assert_eq!(
            extend_deadline(rule, received, current, d("2026-05-26"), &cal()),
            Ok(d("2026-05-26"))
        );
        // The maximum is always a working day, so a suggestion never passes it: 6 September
        // 2026 (Sunday) is refused with 8 September, the maximum itself.
        let refused = extend_deadline(
            rule,
            d("2026-03-06"),
            Some(d("2026-05-06")),
            d("2026-09-06"),
            &cal(),
        )
        .unwrap_err();
        assert!(refused.reason_en.ends_with("08.09.2026."));
    }

    #[test]
    fn some_deadlines_cannot_be_extended() {
        let received = d("2026-03-02");
        let refused = extend_deadline(
            Some(DeadlineRule::WhistleblowerFeedback3Months),
            received,
            Some(d("2026-06-09")),
            d("2026-06-30"),
            &cal(),
        )
        .unwrap_err();
        assert!(refused.reason_bg.contains("ЗЗЛПСПОИН"));
        assert!(refused.reason_en.contains("cannot be extended"));
        let refused = extend_deadline(None, received, None, d("2026-06-30"), &cal()).unwrap_err();
        assert_eq!(
            refused.reason_en,
            "The case has no answer deadline to extend."
        );
        let refused = extend_deadline(
            Some(DeadlineRule::Forward7Days),
            received,
            Some(d("2026-03-09")),
            d("2026-03-20"),
            &cal(),
        )
        .unwrap_err();
        assert!(
            refused
                .reason_bg
                .starts_with("Този срок не може да се удължава")
        );
    }
}
