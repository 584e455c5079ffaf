//! Handling cases in the back office: every action checked against the access rules, the
//! case's lifecycle and the conflict-of-interest rules, then recorded with its journal entry
//! and, where the citizen must be told, a history event they can read.

use crate::App;
use crate::AppError;
use crate::refusals::Target;
use crate::staff::Staff;
use jiff::civil::Date;
use priemna_domain::access::{self, Permission};
use priemna_domain::deadline::DeadlineRule;
use priemna_domain::submission::{FieldError, MAX_BODY_CHARS, Problem};
use priemna_domain::workflow::{self, CaseAction, UNANSWERED_RULES};
use priemna_domain::{DepartmentId, RegistrationNumber, Status, UserId};
use priemna_store::{CaseChange, CaseRecord};
use serde::{Deserialize, Deserializer};
use serde_json::json;

/// Accepts a number, a numeric string, or an empty string (= none): JSON and HTML forms alike.
fn lenient_id<'de, D: Deserializer<'de>, Id: From<i64>>(d: D) -> Result<Option<Id>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Int(i64),
        Text(String),
    }
    match Option::<Raw>::deserialize(d)? {
        None => Ok(None),
        Some(Raw::Int(n)) => Ok(Some(Id::from(n))),
        Some(Raw::Text(s)) if s.trim().is_empty() => Ok(None),
        Some(Raw::Text(s)) => s
            .trim()
            .parse::<i64>()
            .map(|n| Some(Id::from(n)))
            .map_err(|_| serde::de::Error::custom("expected a number")),
    }
}

/// Accepts a boolean or the strings a form sends ("true", "false", "on", "").
fn lenient_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Bool(bool),
        Text(String),
    }
    match Option::<Raw>::deserialize(d)? {
        None => Ok(None),
        Some(Raw::Bool(b)) => Ok(Some(b)),
        Some(Raw::Text(s)) => match s.trim() {
            "" => Ok(None),
            "true" | "on" | "1" | "yes" => Ok(Some(true)),
            "false" | "off" | "0" | "no" => Ok(Some(false)),
            _ => Err(serde::de::Error::custom("expected true or false")),
        },
    }
}

/// One action on a case, as sent by the JSON API or a back-office form.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ActionRequest {
    pub action: String,
    #[serde(default)]
    pub reason: Option<String>,
    /// Triage: whether the case will be considered (overriding the charter decision needs a reason).
    #[serde(default, deserialize_with = "lenient_bool")]
    pub considered: Option<bool>,
    /// Triage: the employee a complaint is about (they may not handle it).
    #[serde(default, deserialize_with = "lenient_id")]
    pub subject_employee_id: Option<UserId>,
    #[serde(default, deserialize_with = "lenient_id")]
    pub department_id: Option<DepartmentId>,
    #[serde(default, deserialize_with = "lenient_id")]
    pub assignee_id: Option<UserId>,
    /// Inspection: the new final date (YYYY-MM-DD).
    #[serde(default)]
    pub new_due: Option<String>,
    /// Answer: the text of the written answer.
    #[serde(default)]
    pub text: Option<String>,
    /// Leave unanswered: the charter rule cited.
    #[serde(default)]
    pub rule: Option<String>,
    /// Forward: the competent body.
    #[serde(default)]
    pub body: Option<String>,
    /// Duplicate: the number of the case this one repeats.
    #[serde(default)]
    pub of: Option<String>,
    /// HTML forms carry their CSRF token here.
    #[serde(default)]
    pub csrf_token: Option<String>,
}

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn invalid(field: &str, problem: Problem) -> AppError {
    AppError::Validation(vec![FieldError::new(field, problem)])
}

fn bg_date(d: Date) -> String {
    d.strftime("%d.%m.%Y").to_string()
}

/// The case with this number, whoever asks (callers check access).
async fn load(app: &App, number: &str) -> Result<CaseRecord, AppError> {
    let number: RegistrationNumber = number.parse().map_err(|_| AppError::NotFound)?;
    app.store
        .case_by_number(number)
        .await?
        .ok_or(AppError::NotFound)
}

/// Loads a case the member of staff may see, or says why not.
pub async fn load_visible(app: &App, staff: &Staff, number: &str) -> Result<CaseRecord, AppError> {
    let case = load(app, number).await?;
    require(app, staff, Permission::ViewCase, &case).await?;
    Ok(case)
}

/// Whether this member of staff has `permission` on the case; a refusal is journalled
/// (`audit::refusals`) and becomes a 403 with the rule's reason.
pub async fn require(
    app: &App,
    staff: &Staff,
    permission: Permission,
    case: &CaseRecord,
) -> Result<(), AppError> {
    crate::refusals::check(app, staff, permission, Target::Case(case)).await?;
    Ok(())
}

/// The actions this member of staff could take on the case now.
pub fn available_actions(staff: &Staff, case: &CaseRecord) -> Vec<CaseAction> {
    let actor = staff.user.actor();
    let facts = case.facts();
    CaseAction::ALL
        .into_iter()
        .filter(|a| access::check(&actor, a.permission(), Some(&facts)).is_ok())
        .filter(|a| workflow::next_status(case.status, *a).is_ok())
        .collect()
}

/// Performs `request` on case `number` as `staff`, and returns the case as it is afterwards.
pub async fn perform(
    app: &App,
    staff: &Staff,
    number: &str,
    request: &ActionRequest,
) -> Result<CaseRecord, AppError> {
    let case = load_visible(app, staff, number).await?;
    let action = CaseAction::parse(request.action.trim()).ok_or_else(|| {
        invalid(
            "action",
            Problem::UnknownValue {
                allowed: CaseAction::ALL.iter().map(|a| a.as_str()).collect(),
            },
        )
    })?;
    let actor = staff.user.actor();
    require(app, staff, action.permission(), &case).await?;
    let new_status = workflow::next_status(case.status, action)?;
    let reason = non_empty(&request.reason).map(str::to_owned);
    if action.needs_reason() && reason.is_none() {
        return Err(invalid("reason", Problem::Missing));
    }
    if let Some(r) = &reason
        && r.chars().count() > 2000
    {
        return Err(invalid("reason", Problem::TooLong { max_chars: 2000 }));
    }
    let now = app.clock.now();
    let mut change = CaseChange::new(
        now,
        staff.actor_label(),
        action.as_str(),
        case.status,
        new_status,
    );
    let mut after = serde_json::Map::new();
    after.insert("status".into(), json!(new_status.as_str()));

    match action {
        CaseAction::Triage => {
            let considered = request.considered.unwrap_or(case.considered);
            if considered != case.considered && reason.is_none() {
                // Overriding the charter's decision needs its reason on record.
                return Err(invalid("reason", Problem::Missing));
            }
            change.considered = Some(considered);
            change.triage_note = Some(
                reason
                    .clone()
                    .unwrap_or_else(|| "Решенията по хартата са потвърдени.".into()),
            );
            if let Some(employee) = request.subject_employee_id {
                let user = app.store.user_by_id(employee).await?;
                if user.is_none() {
                    return Err(invalid("subject_employee_id", Problem::UnknownReference));
                }
                change.subject_employee_id = Some(Some(employee));
                after.insert("subject_employee_id".into(), json!(employee));
            }
            after.insert("considered".into(), json!(considered));
            change.citizen_note = Some((
                "Преписката е прегледана и насочена за разглеждане.".into(),
                "The case was reviewed and sent for handling.".into(),
            ));
        }
        CaseAction::Assign => {
            let department_id = request
                .department_id
                .ok_or_else(|| invalid("department_id", Problem::Missing))?;
            let departments = app.store.departments().await?;
            let department = departments
                .iter()
                .find(|d| d.id == department_id)
                .ok_or_else(|| invalid("department_id", Problem::UnknownReference))?;
            let candidate = match request.assignee_id {
                Some(assignee_id) => Some(
                    app.store
                        .user_by_id(assignee_id)
                        .await?
                        .filter(|u| u.active)
                        .ok_or_else(|| invalid("assignee_id", Problem::UnknownReference))?,
                ),
                None => None,
            };
            // Routing rules: heads stay within their department; the assignee must be free of
            // conflicts, belong to the department, and be designated for corruption signals.
            access::check_assignment(
                &actor,
                &case.facts(),
                Some(department_id),
                candidate.as_ref().map(|c| c.actor()).as_ref(),
            )?;
            change.assignee_id = Some(candidate.as_ref().map(|c| c.id));
            if let Some(c) = &candidate {
                after.insert("assignee_id".into(), json!(c.id));
            }
            change.department_id = Some(Some(department_id));
            after.insert("department_id".into(), json!(department_id));
            change.citizen_note = Some((
                format!("Преписката е възложена на „{}“.", department.name),
                format!("The case was assigned to “{}”.", department.name),
            ));
        }
        CaseAction::StartWork => {
            change.citizen_note = Some((
                "Преписката се разглежда.".into(),
                "The case is being handled.".into(),
            ));
        }
        CaseAction::RequireInspection => {
            let requested = non_empty(&request.new_due)
                .ok_or_else(|| invalid("new_due", Problem::Missing))?
                .parse::<Date>()
                .map_err(|_| invalid("new_due", Problem::InvalidDate))?;
            let rule = case.deadline_rule.as_deref().and_then(DeadlineRule::parse);
            let new_due = workflow::extend_deadline(
                rule,
                case.received_date,
                case.answer_due,
                requested,
                &app.calendar,
            )
            .map_err(|e| AppError::Conflict {
                reason_bg: e.reason_bg,
                reason_en: e.reason_en,
            })?;
            change.answer_due = Some(Some(new_due));
            after.insert("answer_due".into(), json!(new_due.to_string()));
            // The charter: the citizen is told the reason and the new final date. The status
            // beside the note already says that an inspection is under way, and officers often
            // start their reason with the same words, so the note does not say it again; the
            // reason ends with one full stop whatever was typed.
            let why = priemna_letters::sentence(reason.as_deref().unwrap_or_default());
            change.citizen_note = Some((
                format!(
                    "Срокът за отговор е удължен. Причина: {why} Новият краен срок за отговор е \
                     {} г.",
                    bg_date(new_due)
                ),
                format!(
                    "The deadline for the answer was extended. Reason: {why} The new final date \
                     for the answer is {}.",
                    priemna_letters::en_date(new_due)
                ),
            ));
        }
        CaseAction::Answer => {
            let text = non_empty(&request.text).ok_or_else(|| invalid("text", Problem::Missing))?;
            if text.chars().count() > MAX_BODY_CHARS {
                return Err(invalid(
                    "text",
                    Problem::TooLong {
                        max_chars: MAX_BODY_CHARS,
                    },
                ));
            }
            change.answer = Some((text.to_owned(), staff.user.id));
            after.insert("answered_by".into(), json!(staff.user.id));
            change.citizen_note = Some((
                format!(
                    "Изпратен е писмен отговор, подписан от {}.",
                    staff.user.display_name
                ),
                format!(
                    "A written answer was sent, signed by {}.",
                    staff.user.display_name
                ),
            ));
        }
        CaseAction::Close => {
            change.citizen_note = Some((
                "Преписката е приключена.".into(),
                "The case is closed.".into(),
            ));
        }
        CaseAction::LeaveUnanswered => {
            let rule = non_empty(&request.rule).ok_or_else(|| invalid("rule", Problem::Missing))?;
            if !UNANSWERED_RULES.contains(&rule) {
                return Err(invalid(
                    "rule",
                    Problem::UnknownValue {
                        allowed: UNANSWERED_RULES.to_vec(),
                    },
                ));
            }
            change.not_considered_rule = Some(rule.to_owned());
            change.considered = Some(false);
            after.insert("not_considered_rule".into(), json!(rule));
            let why = reason.clone().unwrap_or_default();
            let (rule_bg, rule_en) = unanswered_rule_text(rule);
            change.citizen_note = Some((
                format!("Оставено без разглеждане: {rule_bg}. {why}"),
                format!("Not considered: {rule_en}. {why}"),
            ));
        }
        CaseAction::Forward => {
            let body = non_empty(&request.body).ok_or_else(|| invalid("body", Problem::Missing))?;
            if body.chars().count() > 300 {
                return Err(invalid("body", Problem::TooLong { max_chars: 300 }));
            }
            change.forwarded_to = Some(body.to_owned());
            after.insert("forwarded_to".into(), json!(body));
            change.citizen_note = Some((
                format!("Преписката е препратена по компетентност до {body}."),
                format!("The case was forwarded to the competent body: {body}."),
            ));
        }
        CaseAction::MarkDuplicate => {
            let of = non_empty(&request.of).ok_or_else(|| invalid("of", Problem::Missing))?;
            let of_number: RegistrationNumber = of
                .parse()
                .map_err(|_| invalid("of", Problem::UnknownValue { allowed: vec![] }))?;
            if of_number == case.number {
                return Err(invalid("of", Problem::UnknownValue { allowed: vec![] }));
            }
            let original = app
                .store
                .case_by_number(of_number)
                .await?
                .ok_or_else(|| invalid("of", Problem::UnknownReference))?;
            require(app, staff, Permission::ViewCase, &original).await?;
            change.duplicate_of = Some(original.id);
            after.insert("duplicate_of".into(), json!(of_number.to_string()));
            change.citizen_note = Some((
                format!(
                    "Сигналът е обединен с преписка {of_number} за същия проблем; ще получите отговора по нея."
                ),
                format!(
                    "Merged with case {of_number} about the same problem; you will receive its answer."
                ),
            ));
        }
        CaseAction::Reopen => {
            let why = reason.clone().unwrap_or_default();
            change.citizen_note = Some((
                format!("Преписката е възобновена: {why}"),
                format!("The case was reopened: {why}"),
            ));
        }
    }
    change.journal_details = json!({
        "number": case.number.to_string(),
        "before": { "status": case.status.as_str(), "department_id": case.department_id,
                    "assignee_id": case.assignee_id,
                    "answer_due": case.answer_due.map(|d| d.to_string()) },
        "after": after,
        "reason": reason,
    });
    // The letters and e-mails the action sends, written by the same transaction.
    crate::notify::compose::attach_letters(
        app,
        staff,
        &case,
        action,
        reason.as_deref(),
        &mut change,
    )
    .await?;
    let sends = !change.messages.is_empty();
    app.store.apply_change(case.id, change).await?;
    crate::search::case_changed(app, case.id, action == CaseAction::Answer);
    if sends {
        app.notify.wake();
    }
    app.store
        .case_by_number(case.number)
        .await?
        .ok_or(AppError::NotFound)
}

/// The charter rule a case is left unanswered under, in words.
pub fn unanswered_rule_text(rule: &str) -> (&'static str, &'static str) {
    match rule {
        "anonymous_not_considered" => (
            "анонимните сигнали и оплаквания не се разглеждат",
            "anonymous signals and complaints are not considered",
        ),
        "offensive_language" => (
            "съдържа нецензурни изрази или немотивирани обидни изказвания",
            "it contains obscene words or unmotivated insults",
        ),
        "personal_data_or_classified" => (
            "общинската администрация няма право да отговаря на въпроси за лични данни и класифицирана информация",
            "the administration may not answer questions on personal data or classified information",
        ),
        "violation_older_than_2_years" => (
            "нарушението е извършено преди повече от две години (чл. 111, ал. 4 АПК)",
            "the violation was committed more than two years ago (АПК art. 111(4))",
        ),
        _ => ("правило на хартата", "a charter rule"),
    }
}

/// Records that `staff` has a conflict of interest on the case; if they were handling it,
/// it is taken off them.
pub async fn declare_conflict(
    app: &App,
    staff: &Staff,
    number: &str,
    reason: Option<&str>,
) -> Result<CaseRecord, AppError> {
    let case = load(app, number).await?;
    require(app, staff, Permission::DeclareConflict, &case).await?;
    let reason = reason
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .ok_or_else(|| invalid("reason", Problem::Missing))?;
    let mut change = CaseChange::new(
        app.clock.now(),
        staff.actor_label(),
        "declare_conflict",
        case.status,
        if case.assignee_id == Some(staff.user.id) && case.status != Status::Registered {
            Status::Triaged
        } else {
            case.status
        },
    );
    if case.assignee_id == Some(staff.user.id) {
        change.assignee_id = Some(None);
    }
    change.conflict = Some((staff.user.id, reason.to_owned()));
    change.journal_details = json!({
        "number": case.number.to_string(), "user_id": staff.user.id, "reason": reason,
    });
    app.store.apply_change(case.id, change).await?;
    crate::search::case_changed(app, case.id, false);
    app.store
        .case_by_number(case.number)
        .await?
        .ok_or(AppError::NotFound)
}
