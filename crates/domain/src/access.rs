//! Who may do what: the access rules of the back office as one table, checked in one place.
//!
//! [`reach`] is the table: for each role and permission, how far the permission reaches (never,
//! always, any case, the cases of the actor's department, the cases assigned to the actor).
//! [`check`] applies it to an actor and a case, together with the rules that no role overrides:
//!
//! 1. **Corruption signals** are seen and handled only by staff designated for them
//!    ([`Actor::corruption_officer`]) in a case-handling role; nobody else, whatever the role —
//!    not the Mayor's office, not the auditor. The whistleblower's identity is sealed: it is
//!    read only with [`Permission::ViewSealedIdentity`], never as ordinary personal data.
//! 2. **Conflict of interest**: staff in [`CaseFacts::conflicted_user_ids`] (the subject of a
//!    complaint, or who declared a conflict) are refused every permission on the case except
//!    declaring a conflict. There is no exception, not even for reading the case in the Mayor's
//!    office: a colleague handles it.
//! 3. **Complaints about an employee** belong to the Mayor's office: case officers and heads of
//!    department have no access to them (the registry clerk still registers, triages and routes
//!    them). For a corruption signal the designation rule applies instead.
//!
//! `docs/access.md` documents the same table; a test keeps the two in agreement.

use crate::ids::{DepartmentId, UserId};
use serde::{Deserialize, Serialize};

/// A member of staff's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// деловодител: registers paper, phone and box submissions; triages.
    RegistryClerk,
    /// служител (експерт): handles the cases assigned to them.
    CaseOfficer,
    /// началник на отдел / директор: assigns within the department, watches its deadlines.
    DepartmentHead,
    /// кабинет на кмета: complaints about employees, escalations; may act on any case.
    MayorsOffice,
    /// одитор: reads cases and the journal; changes nothing.
    Auditor,
    /// администратор: users and departments; no access to case contents.
    Administrator,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::RegistryClerk,
        Role::CaseOfficer,
        Role::DepartmentHead,
        Role::MayorsOffice,
        Role::Auditor,
        Role::Administrator,
    ];

    /// The identifier used by the API and stored in `users.role`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::RegistryClerk => "registry_clerk",
            Role::CaseOfficer => "case_officer",
            Role::DepartmentHead => "department_head",
            Role::MayorsOffice => "mayors_office",
            Role::Auditor => "auditor",
            Role::Administrator => "administrator",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == s)
    }

    pub fn label_bg(self) -> &'static str {
        match self {
            Role::RegistryClerk => "деловодител",
            Role::CaseOfficer => "служител (експерт)",
            Role::DepartmentHead => "началник на отдел",
            Role::MayorsOffice => "кабинет на кмета",
            Role::Auditor => "одитор",
            Role::Administrator => "администратор",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Role::RegistryClerk => "registry clerk",
            Role::CaseOfficer => "case officer",
            Role::DepartmentHead => "head of department",
            Role::MayorsOffice => "Mayor's office",
            Role::Auditor => "auditor",
            Role::Administrator => "administrator",
        }
    }

    /// Whether the role handles cases (and so may be designated for corruption signals).
    /// The auditor only reads; the administrator sees no case contents.
    pub fn handles_cases(self) -> bool {
        matches!(
            self,
            Role::RegistryClerk | Role::CaseOfficer | Role::DepartmentHead | Role::MayorsOffice
        )
    }

    /// Whether staff of this role may be assigned cases (see [`check_assignee`]).
    pub fn may_be_assigned(self) -> bool {
        matches!(
            self,
            Role::CaseOfficer | Role::DepartmentHead | Role::MayorsOffice
        )
    }
}

/// Everything a member of staff can ask to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// See the case: subject, body, status, history.
    ViewCase,
    /// See the submitter's name and contact details (not a whistleblower's).
    ViewPersonalData,
    /// See a whistleblower's sealed identity (every reading is journalled).
    ViewSealedIdentity,
    /// Register a submission on behalf of a citizen (paper, phone, box).
    RegisterSubmission,
    Triage,
    Assign,
    StartWork,
    RequireInspection,
    Answer,
    Close,
    LeaveUnanswered,
    Forward,
    MarkDuplicate,
    Reopen,
    /// Declare one's own conflict of interest on a case.
    DeclareConflict,
    ViewJournal,
    ManageUsers,
    ManageDepartments,
    /// The department head's overview of deadlines.
    ViewDepartmentOverview,
    /// Ask the citizen for missing information or documents (the conversation on the case).
    RequestInformation,
    /// Write an internal note on the case, never shown to the citizen.
    WriteNote,
}

impl Permission {
    pub const ALL: [Permission; 21] = [
        Permission::ViewCase,
        Permission::ViewPersonalData,
        Permission::ViewSealedIdentity,
        Permission::RegisterSubmission,
        Permission::Triage,
        Permission::Assign,
        Permission::StartWork,
        Permission::RequireInspection,
        Permission::Answer,
        Permission::Close,
        Permission::LeaveUnanswered,
        Permission::Forward,
        Permission::MarkDuplicate,
        Permission::Reopen,
        Permission::DeclareConflict,
        Permission::ViewJournal,
        Permission::ManageUsers,
        Permission::ManageDepartments,
        Permission::ViewDepartmentOverview,
        Permission::RequestInformation,
        Permission::WriteNote,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Permission::ViewCase => "view_case",
            Permission::ViewPersonalData => "view_personal_data",
            Permission::ViewSealedIdentity => "view_sealed_identity",
            Permission::RegisterSubmission => "register_submission",
            Permission::Triage => "triage",
            Permission::Assign => "assign",
            Permission::StartWork => "start_work",
            Permission::RequireInspection => "require_inspection",
            Permission::Answer => "answer",
            Permission::Close => "close",
            Permission::LeaveUnanswered => "leave_unanswered",
            Permission::Forward => "forward",
            Permission::MarkDuplicate => "mark_duplicate",
            Permission::Reopen => "reopen",
            Permission::DeclareConflict => "declare_conflict",
            Permission::ViewJournal => "view_journal",
            Permission::ManageUsers => "manage_users",
            Permission::ManageDepartments => "manage_departments",
            Permission::ViewDepartmentOverview => "view_department_overview",
            Permission::RequestInformation => "request_information",
            Permission::WriteNote => "write_note",
        }
    }

    pub fn parse(s: &str) -> Option<Permission> {
        Permission::ALL.into_iter().find(|p| p.as_str() == s)
    }

    pub fn label_bg(self) -> &'static str {
        match self {
            Permission::ViewCase => "преглед на преписка",
            Permission::ViewPersonalData => "преглед на личните данни на подателя",
            Permission::ViewSealedIdentity => {
                "преглед на запечатаната самоличност на подателя на сигнал"
            }
            Permission::RegisterSubmission => "регистриране на постъпление",
            Permission::Triage => "първоначална преценка по хартата",
            Permission::Assign => "възлагане на отдел и служител",
            Permission::StartWork => "започване на работа по преписката",
            Permission::RequireInspection => "назначаване на проверка с удължаване на срока",
            Permission::Answer => "писмен отговор",
            Permission::Close => "приключване на преписка",
            Permission::LeaveUnanswered => "оставяне без разглеждане",
            Permission::Forward => "препращане по компетентност",
            Permission::MarkDuplicate => "обединяване с друга преписка",
            Permission::Reopen => "повторно отваряне на преписка",
            Permission::DeclareConflict => "деклариране на конфликт на интереси",
            Permission::ViewJournal => "преглед на журнала",
            Permission::ManageUsers => "управление на потребителите",
            Permission::ManageDepartments => "управление на отделите",
            Permission::ViewDepartmentOverview => "преглед на сроковете по отдели",
            Permission::RequestInformation => "искане на допълнителна информация от подателя",
            Permission::WriteNote => "вътрешна бележка по преписката",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Permission::ViewCase => "view a case",
            Permission::ViewPersonalData => "view the submitter's personal data",
            Permission::ViewSealedIdentity => "view a whistleblower's sealed identity",
            Permission::RegisterSubmission => "register a submission",
            Permission::Triage => "triage under the charter",
            Permission::Assign => "assign to a department and an officer",
            Permission::StartWork => "start work on a case",
            Permission::RequireInspection => "require an inspection and extend the deadline",
            Permission::Answer => "answer in writing",
            Permission::Close => "close a case",
            Permission::LeaveUnanswered => "leave a case unanswered",
            Permission::Forward => "forward to the competent body",
            Permission::MarkDuplicate => "merge a case as a duplicate",
            Permission::Reopen => "reopen a case",
            Permission::DeclareConflict => "declare a conflict of interest",
            Permission::ViewJournal => "view the journal",
            Permission::ManageUsers => "manage users",
            Permission::ManageDepartments => "manage departments",
            Permission::ViewDepartmentOverview => "view the department overview",
            Permission::RequestInformation => "ask the submitter for more information",
            Permission::WriteNote => "write an internal note on a case",
        }
    }

    /// Whether the permission is about one case (and [`check`] needs its facts).
    pub fn concerns_case(self) -> bool {
        !matches!(
            self,
            Permission::RegisterSubmission
                | Permission::ViewJournal
                | Permission::ManageUsers
                | Permission::ManageDepartments
                | Permission::ViewDepartmentOverview
        )
    }

    /// Whether the permission only reads (sees) something and changes nothing.
    pub fn is_read_only(self) -> bool {
        matches!(
            self,
            Permission::ViewCase
                | Permission::ViewPersonalData
                | Permission::ViewSealedIdentity
                | Permission::ViewJournal
                | Permission::ViewDepartmentOverview
        )
    }
}

/// The member of staff asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: UserId,
    pub role: Role,
    pub department_id: Option<DepartmentId>,
    /// Designated to handle whistleblower (corruption) reports.
    pub corruption_officer: bool,
}

/// What the rules need to know about the case in question.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CaseFacts {
    /// The department the case is assigned to, if any.
    pub department_id: Option<DepartmentId>,
    /// The officer the case is assigned to, if any.
    pub assignee_id: Option<UserId>,
    /// A corruption signal (whistleblower report).
    pub corruption: bool,
    /// A complaint about an employee: handled by the Mayor's office.
    pub about_employee: bool,
    /// Staff who are the subject of the complaint or declared a conflict of interest.
    pub conflicted_user_ids: Vec<UserId>,
}

impl CaseFacts {
    /// Whether `user_id` may not handle this case.
    pub fn is_conflicted(&self, user_id: UserId) -> bool {
        self.conflicted_user_ids.contains(&user_id)
    }

    /// A complaint about an employee that the Mayor's office handles (a corruption signal about
    /// an employee stays with the designated officers).
    fn for_mayors_office(&self) -> bool {
        self.about_employee && !self.corruption
    }
}

/// Why something was refused, in Bulgarian and English.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason_en}")]
pub struct Denied {
    pub reason_bg: String,
    pub reason_en: String,
}

impl Denied {
    fn new(reason_bg: impl Into<String>, reason_en: impl Into<String>) -> Denied {
        Denied {
            reason_bg: reason_bg.into(),
            reason_en: reason_en.into(),
        }
    }

    fn role(role: Role, permission: Permission) -> Denied {
        Denied::new(
            format!(
                "Ролята „{}“ няма право на „{}“.",
                role.label_bg(),
                permission.label_bg()
            ),
            format!(
                "The role “{}” may not {}.",
                role.label_en(),
                permission.label_en()
            ),
        )
    }

    fn no_case(permission: Permission) -> Denied {
        Denied::new(
            format!(
                "Правото „{}“ се проверява за конкретна преписка, а такава не е посочена.",
                permission.label_bg()
            ),
            format!(
                "The permission to {} is checked against a case, and none was given.",
                permission.label_en()
            ),
        )
    }

    fn corruption() -> Denied {
        Denied::new(
            "Сигналите за корупция са достъпни само за определените служители.",
            "Corruption signals are accessible only to the designated officers.",
        )
    }

    fn conflict() -> Denied {
        Denied::new(
            "Служителят е в конфликт на интереси по тази преписка.",
            "The officer has a conflict of interest on this case.",
        )
    }

    fn about_employee() -> Denied {
        Denied::new(
            "Оплакванията срещу служител на общината се разглеждат от кабинета на кмета.",
            "Complaints about an employee of the municipality are handled by the Mayor's office.",
        )
    }

    fn no_department() -> Denied {
        Denied::new(
            "Служителят не е зачислен към отдел.",
            "The member of staff is not attached to a department.",
        )
    }

    fn not_own_department() -> Denied {
        Denied::new(
            "Преписката не е възложена на Вашия отдел.",
            "The case is not assigned to your department.",
        )
    }

    fn not_own_department_overview() -> Denied {
        Denied::new(
            "Началникът на отдел вижда сроковете само на своя отдел.",
            "A head of department sees the deadlines of their own department only.",
        )
    }

    fn not_assigned() -> Denied {
        Denied::new(
            "Преписката не е възложена на Вас.",
            "The case is not assigned to you.",
        )
    }

    fn sealed_identity() -> Denied {
        Denied::new(
            "Самоличността на подателя на сигнал за корупция е запечатана; тя се преглежда само \
             с отделното право за това и всеки преглед се вписва в журнала.",
            "The identity of a corruption signal's submitter is sealed; it is read only with the \
             separate permission for it, and every reading is journalled.",
        )
    }

    fn nothing_sealed() -> Denied {
        Denied::new(
            "Запечатана самоличност има само при сигналите за корупция.",
            "Only corruption signals have a sealed identity.",
        )
    }

    fn not_assignable(role: Role) -> Denied {
        Denied::new(
            format!(
                "На служител с роля „{}“ не могат да се възлагат преписки.",
                role.label_bg()
            ),
            format!(
                "Staff with the role “{}” cannot be assigned cases.",
                role.label_en()
            ),
        )
    }

    fn assignee_not_designated() -> Denied {
        Denied::new(
            "Сигналите за корупция се възлагат само на определените служители.",
            "Corruption signals may be assigned only to the designated officers.",
        )
    }

    fn assignee_not_mayors_office() -> Denied {
        Denied::new(
            "Оплакванията срещу служител на общината се възлагат само на служители от кабинета на \
             кмета.",
            "Complaints about an employee of the municipality may be assigned only to staff of \
             the Mayor's office.",
        )
    }

    fn assign_outside_department() -> Denied {
        Denied::new(
            "Началникът на отдел възлага преписки само в рамките на своя отдел.",
            "A head of department assigns cases only within their own department.",
        )
    }

    fn assignee_other_department() -> Denied {
        Denied::new(
            "Служителят не е от отдела, на който се възлага преписката.",
            "The officer does not belong to the department the case is assigned to.",
        )
    }
}

/// How far a role's permission reaches: one cell of the access table.
///
/// Whatever the reach, [`check`] also applies the rules no role overrides (corruption signals,
/// conflicts of interest, complaints about employees).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reach {
    /// Not for this role.
    Never,
    /// A permission not tied to a case (or to a department): allowed.
    Always,
    /// Any case.
    AnyCase,
    /// The cases of the actor's department; for the overview, that department's deadlines.
    OwnDepartment,
    /// The cases assigned to the actor.
    AssignedToThem,
}

/// Whether `role` registers submissions that came on paper, by post, by phone or in person
/// (the registry clerk, the Mayor's office).
pub fn registers_submissions(role: Role) -> bool {
    reach(role, Permission::RegisterSubmission) != Reach::Never
}

/// Who needs the list of visitors (name, phone, what they want to raise): the officials who
/// receive them — the Mayor, a Deputy Mayor and the Secretary, whose staff is the Mayor's
/// office — and the registry clerks, who meet visitors at the desk. Not heads of department
/// (the visits are not theirs) nor administrators (who see no citizens' data). The list is one
/// for all three officials: staff accounts are not tied to one of them.
pub fn sees_bookings(role: Role) -> bool {
    matches!(role, Role::RegistryClerk | Role::MayorsOffice)
}

/// The access table: how far `permission` reaches for `role`.
pub fn reach(role: Role, permission: Permission) -> Reach {
    use Permission as P;
    use Reach::{AnyCase, AssignedToThem, Never, OwnDepartment};
    match role {
        Role::RegistryClerk => match permission {
            P::RegisterSubmission => Reach::Always,
            P::ViewCase
            | P::ViewPersonalData
            | P::ViewSealedIdentity
            | P::Triage
            | P::Assign
            | P::LeaveUnanswered
            | P::Forward
            | P::MarkDuplicate
            | P::DeclareConflict
            | P::RequestInformation
            | P::WriteNote => AnyCase,
            P::StartWork
            | P::RequireInspection
            | P::Answer
            | P::Close
            | P::Reopen
            | P::ViewJournal
            | P::ManageUsers
            | P::ManageDepartments
            | P::ViewDepartmentOverview => Never,
        },
        Role::CaseOfficer => match permission {
            P::ViewCase
            | P::ViewPersonalData
            | P::ViewSealedIdentity
            | P::StartWork
            | P::RequireInspection
            | P::Answer
            | P::DeclareConflict
            | P::RequestInformation
            | P::WriteNote => AssignedToThem,
            P::RegisterSubmission
            | P::Triage
            | P::Assign
            | P::Close
            | P::LeaveUnanswered
            | P::Forward
            | P::MarkDuplicate
            | P::Reopen
            | P::ViewJournal
            | P::ManageUsers
            | P::ManageDepartments
            | P::ViewDepartmentOverview => Never,
        },
        Role::DepartmentHead => match permission {
            P::ViewCase
            | P::ViewPersonalData
            | P::ViewSealedIdentity
            | P::Assign
            | P::StartWork
            | P::RequireInspection
            | P::Answer
            | P::Close
            | P::LeaveUnanswered
            | P::Forward
            | P::MarkDuplicate
            | P::Reopen
            | P::DeclareConflict
            | P::ViewDepartmentOverview
            | P::RequestInformation
            | P::WriteNote => OwnDepartment,
            P::RegisterSubmission
            | P::Triage
            | P::ViewJournal
            | P::ManageUsers
            | P::ManageDepartments => Never,
        },
        Role::MayorsOffice => match permission {
            P::RegisterSubmission | P::ViewDepartmentOverview => Reach::Always,
            P::ViewCase
            | P::ViewPersonalData
            | P::ViewSealedIdentity
            | P::Triage
            | P::Assign
            | P::StartWork
            | P::RequireInspection
            | P::Answer
            | P::Close
            | P::LeaveUnanswered
            | P::Forward
            | P::MarkDuplicate
            | P::Reopen
            | P::DeclareConflict
            | P::RequestInformation
            | P::WriteNote => AnyCase,
            P::ViewJournal | P::ManageUsers | P::ManageDepartments => Never,
        },
        Role::Auditor => match permission {
            P::ViewCase => AnyCase,
            P::ViewJournal | P::ViewDepartmentOverview => Reach::Always,
            P::ViewPersonalData
            | P::ViewSealedIdentity
            | P::RegisterSubmission
            | P::Triage
            | P::Assign
            | P::StartWork
            | P::RequireInspection
            | P::Answer
            | P::Close
            | P::LeaveUnanswered
            | P::Forward
            | P::MarkDuplicate
            | P::Reopen
            | P::DeclareConflict
            | P::ManageUsers
            | P::ManageDepartments
            | P::RequestInformation
            | P::WriteNote => Never,
        },
        Role::Administrator => match permission {
            P::ViewJournal | P::ManageUsers | P::ManageDepartments => Reach::Always,
            P::ViewCase
            | P::ViewPersonalData
            | P::ViewSealedIdentity
            | P::RegisterSubmission
            | P::Triage
            | P::Assign
            | P::StartWork
            | P::RequireInspection
            | P::Answer
            | P::Close
            | P::LeaveUnanswered
            | P::Forward
            | P::MarkDuplicate
            | P::Reopen
            | P::DeclareConflict
            | P::ViewDepartmentOverview
            | P::RequestInformation
            | P::WriteNote => Never,
        },
    }
}

/// May `actor` do `permission` (on `case`, when the permission concerns a case)?
///
/// A permission that concerns a case ([`Permission::concerns_case`]) is refused when no case is
/// given: the answer always depends on the case. A permission that does not concern a case
/// ignores `case`. For the overview, [`check_department_overview`] also checks which department.
pub fn check(
    actor: &Actor,
    permission: Permission,
    case: Option<&CaseFacts>,
) -> Result<(), Denied> {
    let reach = reach(actor.role, permission);
    if reach == Reach::Never {
        return Err(Denied::role(actor.role, permission));
    }
    if !permission.concerns_case() {
        return match reach {
            Reach::OwnDepartment if actor.department_id.is_none() => Err(Denied::no_department()),
            _ => Ok(()),
        };
    }
    let Some(case) = case else {
        return Err(Denied::no_case(permission));
    };

    // The rules no role overrides, most fundamental first.
    if case.corruption && !sees_sealed(actor) {
        return Err(Denied::corruption());
    }
    if permission != Permission::DeclareConflict && case.is_conflicted(actor.user_id) {
        return Err(Denied::conflict());
    }
    if case.for_mayors_office() && leaves_employee_complaints(actor.role) {
        return Err(Denied::about_employee());
    }
    match permission {
        Permission::ViewPersonalData if case.corruption => return Err(Denied::sealed_identity()),
        Permission::ViewSealedIdentity if !case.corruption => {
            return Err(Denied::nothing_sealed());
        }
        _ => {}
    }

    match reach {
        Reach::Never => Err(Denied::role(actor.role, permission)),
        Reach::Always | Reach::AnyCase => Ok(()),
        Reach::OwnDepartment => match actor.department_id {
            None => Err(Denied::no_department()),
            Some(own) if case.department_id == Some(own) => Ok(()),
            Some(_) => Err(Denied::not_own_department()),
        },
        Reach::AssignedToThem => {
            if case.assignee_id == Some(actor.user_id) {
                Ok(())
            } else {
                Err(Denied::not_assigned())
            }
        }
    }
}

/// Whether `actor` sees corruption (whistleblower) signals: designated staff who handle cases.
fn sees_sealed(actor: &Actor) -> bool {
    actor.corruption_officer && actor.role.handles_cases()
}

/// Whether `role` leaves complaints about employees to the Mayor's office.
fn leaves_employee_complaints(role: Role) -> bool {
    matches!(role, Role::CaseOfficer | Role::DepartmentHead)
}

/// Which cases a member of staff may list, find or count: [`check`]'s rules for
/// [`Permission::ViewCase`], as one filter over many cases. The inbox, search, the overview and
/// the exports all take it from here.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CaseScope {
    /// Corruption signals are included.
    pub include_sealed: bool,
    /// Cases on which this user declared a conflict of interest are left out.
    pub hide_conflicted_for: Option<UserId>,
    /// Complaints about employees (the Mayor's office's) are left out.
    pub hide_about_employee: bool,
    /// Only the cases assigned to this user.
    pub assignee_id: Option<UserId>,
    /// Only the cases of this department.
    pub department_id: Option<DepartmentId>,
}

impl CaseScope {
    /// Whether a case falls within this scope (what a store's query over many cases selects).
    pub fn admits(&self, case: &CaseFacts) -> bool {
        (self.include_sealed || !case.corruption)
            && self
                .hide_conflicted_for
                .is_none_or(|user| !case.is_conflicted(user))
            && !(self.hide_about_employee && case.for_mayors_office())
            && self.assignee_id.is_none_or(|a| case.assignee_id == Some(a))
            && self
                .department_id
                .is_none_or(|d| case.department_id == Some(d))
    }
}

/// The cases `actor` may see, or why none.
pub fn case_scope(actor: &Actor) -> Result<CaseScope, Denied> {
    let mut scope = CaseScope {
        include_sealed: sees_sealed(actor),
        hide_conflicted_for: Some(actor.user_id),
        hide_about_employee: leaves_employee_complaints(actor.role),
        ..CaseScope::default()
    };
    match reach(actor.role, Permission::ViewCase) {
        Reach::Never => return Err(Denied::role(actor.role, Permission::ViewCase)),
        Reach::Always | Reach::AnyCase => {}
        Reach::OwnDepartment => {
            scope.department_id = Some(actor.department_id.ok_or_else(Denied::no_department)?);
        }
        Reach::AssignedToThem => scope.assignee_id = Some(actor.user_id),
    }
    Ok(scope)
}

/// May `actor` see the deadline overview of department `department_id`?
///
/// A head of department sees their own department only; the Mayor's office and the auditor see
/// every department.
pub fn check_department_overview(actor: &Actor, department_id: DepartmentId) -> Result<(), Denied> {
    check(actor, Permission::ViewDepartmentOverview, None)?;
    match reach(actor.role, Permission::ViewDepartmentOverview) {
        Reach::OwnDepartment if actor.department_id != Some(department_id) => {
            Err(Denied::not_own_department_overview())
        }
        _ => Ok(()),
    }
}

/// May `candidate` be assigned to `case`? (Conflict of interest, corruption designation, role.)
///
/// Only case officers, heads of department and the Mayor's office take cases; nobody with a
/// conflict of interest on the case; for a corruption signal, only a designated officer; for a
/// complaint about an employee (not a corruption signal), only staff of the Mayor's office.
pub fn check_assignee(candidate: &Actor, case: &CaseFacts) -> Result<(), Denied> {
    if !candidate.role.may_be_assigned() {
        return Err(Denied::not_assignable(candidate.role));
    }
    if case.is_conflicted(candidate.user_id) {
        return Err(Denied::conflict());
    }
    if case.corruption && !candidate.corruption_officer {
        return Err(Denied::assignee_not_designated());
    }
    if case.for_mayors_office() && candidate.role != Role::MayorsOffice {
        return Err(Denied::assignee_not_mayors_office());
    }
    Ok(())
}

/// May `actor` assign `case` to department `department_id` and to `candidate` (when an officer
/// is named; a clerk may route to a department only)?
///
/// Combines [`check`] for [`Permission::Assign`] and [`check_assignee`] with the rules about
/// departments: a head of department assigns only within their own department, and a case
/// officer or head named as assignee must belong to the department the case goes to (staff of
/// the Mayor's office handle cases of any department).
pub fn check_assignment(
    actor: &Actor,
    case: &CaseFacts,
    department_id: Option<DepartmentId>,
    candidate: Option<&Actor>,
) -> Result<(), Denied> {
    check(actor, Permission::Assign, Some(case))?;
    if reach(actor.role, Permission::Assign) == Reach::OwnDepartment
        && department_id != actor.department_id
    {
        return Err(Denied::assign_outside_department());
    }
    if let Some(candidate) = candidate {
        check_assignee(candidate, case)?;
        let belongs = match (department_id, candidate.role) {
            (Some(target), Role::CaseOfficer | Role::DepartmentHead) => {
                candidate.department_id == Some(target)
            }
            _ => true,
        };
        if !belongs {
            return Err(Denied::assignee_other_department());
        }
    }
    Ok(())
}

/// The words the table uses for one cell.
fn describe(permission: Permission, reach: Reach) -> &'static str {
    let sealed = permission == Permission::ViewSealedIdentity;
    match reach {
        Reach::Never => "never",
        Reach::Always if permission == Permission::ViewDepartmentOverview => "all departments",
        Reach::Always => "always",
        Reach::AnyCase if sealed => "designated, any case",
        Reach::AnyCase => "any case",
        Reach::OwnDepartment if sealed => "designated, own department",
        Reach::OwnDepartment => "own department",
        Reach::AssignedToThem if sealed => "designated, assigned to them",
        Reach::AssignedToThem => "assigned to them",
    }
}

/// The access table as documented: for each role and permission, a short description of when it
/// is allowed ("always", "own department", "assigned to them", "never", …).
///
/// Ordered by role ([`Role::ALL`]), then by permission ([`Permission::ALL`]).
pub fn table() -> Vec<(Role, Permission, &'static str)> {
    Role::ALL
        .into_iter()
        .flat_map(|role| {
            Permission::ALL.into_iter().map(move |permission| {
                (
                    role,
                    permission,
                    describe(permission, reach(role, permission)),
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn users(ids: &[i64]) -> Vec<UserId> {
        ids.iter().copied().map(UserId).collect()
    }

    const DEPT: DepartmentId = DepartmentId(10);
    const OTHER_DEPT: DepartmentId = DepartmentId(20);

    fn actor(user_id: i64, role: Role, department_id: Option<DepartmentId>) -> Actor {
        Actor {
            user_id: UserId(user_id),
            role,
            department_id,
            corruption_officer: false,
        }
    }

    fn designated(mut actor: Actor) -> Actor {
        actor.corruption_officer = true;
        actor
    }

    fn clerk() -> Actor {
        actor(1, Role::RegistryClerk, None)
    }
    fn officer() -> Actor {
        actor(2, Role::CaseOfficer, Some(DEPT))
    }
    fn head() -> Actor {
        actor(3, Role::DepartmentHead, Some(DEPT))
    }
    fn mayors_office() -> Actor {
        actor(4, Role::MayorsOffice, None)
    }
    fn auditor() -> Actor {
        actor(5, Role::Auditor, None)
    }
    fn admin() -> Actor {
        actor(6, Role::Administrator, None)
    }

    /// An ordinary case of `DEPT` assigned to the officer.
    fn case() -> CaseFacts {
        CaseFacts {
            department_id: Some(DEPT),
            assignee_id: Some(UserId(2)),
            ..CaseFacts::default()
        }
    }

    fn corruption_case() -> CaseFacts {
        CaseFacts {
            corruption: true,
            ..case()
        }
    }

    fn allowed(actor: &Actor, permission: Permission, case: &CaseFacts) -> bool {
        check(actor, permission, Some(case)).is_ok()
    }

    fn case_permissions() -> impl Iterator<Item = Permission> {
        Permission::ALL.into_iter().filter(|p| p.concerns_case())
    }

    /// Every combination of the facts that matter, for exhaustive checks.
    fn all_cases() -> Vec<CaseFacts> {
        let mut cases = Vec::new();
        for department_id in [None, Some(DEPT), Some(OTHER_DEPT)] {
            for assignee_id in [None, Some(UserId(2)), Some(UserId(3)), Some(UserId(99))] {
                for corruption in [false, true] {
                    for about_employee in [false, true] {
                        for conflicted in [vec![], users(&[1, 2, 3, 4, 5, 6]), users(&[99])] {
                            cases.push(CaseFacts {
                                department_id,
                                assignee_id,
                                corruption,
                                about_employee,
                                conflicted_user_ids: conflicted,
                            });
                        }
                    }
                }
            }
        }
        cases
    }

    fn all_actors() -> Vec<Actor> {
        let mut actors = Vec::new();
        for (i, role) in Role::ALL.into_iter().enumerate() {
            for department_id in [None, Some(DEPT), Some(OTHER_DEPT)] {
                for corruption_officer in [false, true] {
                    actors.push(Actor {
                        user_id: UserId(i64::try_from(i).unwrap() + 1),
                        role,
                        department_id,
                        corruption_officer,
                    });
                }
            }
        }
        actors
    }

    // ---- Identifiers -----------------------------------------------------------------------

    #[test]
    fn role_identifiers_round_trip() {
        let expected = [
            "registry_clerk",
            "case_officer",
            "department_head",
            "mayors_office",
            "auditor",
            "administrator",
        ];
        for (role, id) in Role::ALL.into_iter().zip(expected) {
            assert_eq!(role.as_str(), id);
            assert_eq!(Role::parse(id), Some(role));
            assert!(!role.label_bg().is_empty());
            assert!(!role.label_en().is_empty());
        }
        assert_eq!(Role::parse("Auditor"), None);
        assert_eq!(Role::parse(""), None);
    }

    #[test]
    fn permission_identifiers_are_snake_case_and_round_trip() {
        let ids: HashSet<&str> = Permission::ALL
            .into_iter()
            .map(Permission::as_str)
            .collect();
        assert_eq!(ids.len(), Permission::ALL.len());
        for p in Permission::ALL {
            let id = p.as_str();
            assert!(
                id.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{id}"
            );
            assert_eq!(Permission::parse(id), Some(p));
            // The variant's name in snake_case.
            let debug = format!("{p:?}");
            let mut snake = String::new();
            for (i, c) in debug.chars().enumerate() {
                if c.is_ascii_uppercase() {
                    if i > 0 {
                        snake.push('_');
                    }
                    snake.push(c.to_ascii_lowercase());
                } else {
                    snake.push(c);
                }
            }
            assert_eq!(id, snake);
            assert!(!p.label_bg().is_empty());
            assert!(!p.label_en().is_empty());
        }
        assert_eq!(Permission::ViewCase.as_str(), "view_case");
        assert_eq!(
            Permission::ViewDepartmentOverview.as_str(),
            "view_department_overview"
        );
        assert_eq!(Permission::parse("nope"), None);
    }

    #[test]
    fn which_permissions_concern_a_case() {
        let global: Vec<Permission> = Permission::ALL
            .into_iter()
            .filter(|p| !p.concerns_case())
            .collect();
        assert_eq!(
            global,
            [
                Permission::RegisterSubmission,
                Permission::ViewJournal,
                Permission::ManageUsers,
                Permission::ManageDepartments,
                Permission::ViewDepartmentOverview,
            ]
        );
    }

    // ---- The table -------------------------------------------------------------------------

    #[test]
    fn the_table_has_every_role_and_permission_once() {
        let table = table();
        assert_eq!(table.len(), Role::ALL.len() * Permission::ALL.len());
        let pairs: HashSet<(Role, Permission)> = table.iter().map(|(r, p, _)| (*r, *p)).collect();
        assert_eq!(pairs.len(), table.len());
        for (role, permission, text) in &table {
            assert_eq!(*text, describe(*permission, reach(*role, *permission)));
            assert_eq!(*text == "never", reach(*role, *permission) == Reach::Never);
        }
    }

    #[test]
    fn the_table_agrees_with_check_on_a_case_within_reach() {
        // For each role, a case that lies within every reach it has: its department, assigned
        // to it, no special facts. A permission is then allowed exactly when it is not "never"
        // (the sealed identity aside, which needs a corruption signal and a designated officer).
        for role in Role::ALL {
            let me = actor(7, role, Some(DEPT));
            let mine = CaseFacts {
                department_id: Some(DEPT),
                assignee_id: Some(UserId(7)),
                ..CaseFacts::default()
            };
            let mine_corrupt = CaseFacts {
                corruption: true,
                ..mine.clone()
            };
            for permission in Permission::ALL {
                let never = reach(role, permission) == Reach::Never;
                if permission == Permission::ViewSealedIdentity {
                    assert!(!allowed(&me, permission, &mine));
                    assert_eq!(
                        allowed(&designated(me.clone()), permission, &mine_corrupt),
                        !never,
                        "{role:?} {permission:?}"
                    );
                } else {
                    assert_eq!(
                        check(&me, permission, Some(&mine)).is_ok(),
                        !never,
                        "{role:?} {permission:?}"
                    );
                }
            }
        }
    }

    /// Renders the table as `docs/access.md` shows it: one row per permission, one column per
    /// role.
    fn render_rows() -> Vec<String> {
        let table = table();
        let mut rows = vec![
            format!(
                "| Permission | {} |",
                Role::ALL.map(Role::as_str).join(" | ")
            ),
            format!("|---|{}", "---|".repeat(Role::ALL.len())),
        ];
        for permission in Permission::ALL {
            let cells: Vec<&str> = Role::ALL
                .into_iter()
                .map(|role| {
                    table
                        .iter()
                        .find(|(r, p, _)| *r == role && *p == permission)
                        .map_or("?", |(_, _, text)| *text)
                })
                .collect();
            rows.push(format!(
                "| `{}` | {} |",
                permission.as_str(),
                cells.join(" | ")
            ));
        }
        rows
    }

    #[test]
    fn docs_access_md_contains_the_table() {
        let doc = include_str!("../../../docs/access.md");
        let lines: HashSet<&str> = doc.lines().map(str::trim_end).collect();
        let rows = render_rows();
        let missing: Vec<&String> = rows
            .iter()
            .filter(|row| !lines.contains(row.as_str()))
            .collect();
        assert!(
            missing.is_empty(),
            "docs/access.md lacks these rows; the table should read:\n{}",
            rows.join("\n")
        );
        // No stale rows either: exactly one row per permission.
        for permission in Permission::ALL {
            let prefix = format!("| `{}` |", permission.as_str());
            assert_eq!(
                doc.lines().filter(|l| l.starts_with(&prefix)).count(),
                1,
                "{prefix}"
            );
        }
    }

    // ---- Registry clerk --------------------------------------------------------------------

    #[test]
    fn registry_clerk() {
        let me = clerk();
        assert!(check(&me, Permission::RegisterSubmission, None).is_ok());
        for p in [
            Permission::ViewCase,
            Permission::ViewPersonalData,
            Permission::Triage,
            Permission::Assign,
            Permission::LeaveUnanswered,
            Permission::Forward,
            Permission::MarkDuplicate,
            Permission::DeclareConflict,
        ] {
            // Any case, whatever its department or assignee, and unrouted ones.
            assert!(allowed(&me, p, &case()), "{p:?}");
            assert!(allowed(&me, p, &CaseFacts::default()), "{p:?}");
        }
        for p in [
            Permission::StartWork,
            Permission::RequireInspection,
            Permission::Answer,
            Permission::Close,
            Permission::Reopen,
        ] {
            let denied = check(&me, p, Some(&case())).unwrap_err();
            assert!(denied.reason_bg.contains("деловодител"), "{denied:?}");
            assert!(denied.reason_en.contains("registry clerk"), "{denied:?}");
        }
        for p in [
            Permission::ViewJournal,
            Permission::ManageUsers,
            Permission::ManageDepartments,
            Permission::ViewDepartmentOverview,
        ] {
            assert!(check(&me, p, None).is_err(), "{p:?}");
        }
        assert!(!allowed(&me, Permission::ViewCase, &corruption_case()));
        assert!(!allowed(&me, Permission::ViewSealedIdentity, &case()));
    }

    #[test]
    fn registry_clerk_routes_complaints_about_employees() {
        let about = CaseFacts {
            about_employee: true,
            ..CaseFacts::default()
        };
        for p in [Permission::ViewCase, Permission::Triage, Permission::Assign] {
            assert!(allowed(&clerk(), p, &about), "{p:?}");
        }
    }

    // ---- Case officer ----------------------------------------------------------------------

    #[test]
    fn case_officer_only_on_cases_assigned_to_them() {
        let me = officer();
        let mine = case();
        let colleagues = CaseFacts {
            assignee_id: Some(UserId(99)),
            ..case()
        };
        let unassigned = CaseFacts {
            assignee_id: None,
            ..case()
        };
        for p in [
            Permission::ViewCase,
            Permission::ViewPersonalData,
            Permission::StartWork,
            Permission::RequireInspection,
            Permission::Answer,
            Permission::DeclareConflict,
        ] {
            assert!(allowed(&me, p, &mine), "{p:?}");
            let denied = check(&me, p, Some(&colleagues)).unwrap_err();
            assert_eq!(denied.reason_en, "The case is not assigned to you.");
            assert_eq!(denied.reason_bg, "Преписката не е възложена на Вас.");
            assert!(!allowed(&me, p, &unassigned), "{p:?}");
        }
        for p in [
            Permission::Triage,
            Permission::Assign,
            Permission::Close,
            Permission::LeaveUnanswered,
            Permission::Forward,
            Permission::MarkDuplicate,
            Permission::Reopen,
        ] {
            assert!(!allowed(&me, p, &mine), "{p:?}");
        }
        for p in Permission::ALL.into_iter().filter(|p| !p.concerns_case()) {
            assert!(check(&me, p, None).is_err(), "{p:?}");
        }
    }

    // ---- Head of department ----------------------------------------------------------------

    #[test]
    fn department_head_on_cases_of_their_department() {
        let me = head();
        let ours = CaseFacts {
            assignee_id: Some(UserId(99)),
            ..case()
        };
        let theirs = CaseFacts {
            department_id: Some(OTHER_DEPT),
            ..ours.clone()
        };
        let unrouted = CaseFacts::default();
        for p in [
            Permission::ViewCase,
            Permission::ViewPersonalData,
            Permission::Assign,
            Permission::StartWork,
            Permission::RequireInspection,
            Permission::Answer,
            Permission::Close,
            Permission::LeaveUnanswered,
            Permission::Forward,
            Permission::MarkDuplicate,
            Permission::Reopen,
            Permission::DeclareConflict,
        ] {
            assert!(allowed(&me, p, &ours), "{p:?}");
            let denied = check(&me, p, Some(&theirs)).unwrap_err();
            assert_eq!(
                denied.reason_en,
                "The case is not assigned to your department."
            );
            assert!(!allowed(&me, p, &unrouted), "{p:?}");
        }
        assert!(!allowed(&me, Permission::Triage, &ours));
        assert!(check(&me, Permission::ViewDepartmentOverview, None).is_ok());
        assert!(check(&me, Permission::RegisterSubmission, None).is_err());
        assert!(check(&me, Permission::ViewJournal, None).is_err());
    }

    #[test]
    fn department_head_without_a_department_sees_nothing() {
        let me = actor(3, Role::DepartmentHead, None);
        let denied = check(&me, Permission::ViewCase, Some(&CaseFacts::default())).unwrap_err();
        assert_eq!(
            denied.reason_en,
            "The member of staff is not attached to a department."
        );
        assert!(check(&me, Permission::ViewDepartmentOverview, None).is_err());
    }

    #[test]
    fn department_overview() {
        assert!(check_department_overview(&head(), DEPT).is_ok());
        let denied = check_department_overview(&head(), OTHER_DEPT).unwrap_err();
        assert!(denied.reason_bg.contains("своя отдел"));
        for me in [mayors_office(), auditor()] {
            assert!(check_department_overview(&me, DEPT).is_ok());
            assert!(check_department_overview(&me, OTHER_DEPT).is_ok());
        }
        for me in [clerk(), officer(), admin()] {
            assert!(check_department_overview(&me, DEPT).is_err());
        }
    }

    // ---- Mayor's office --------------------------------------------------------------------

    #[test]
    fn mayors_office_on_any_non_corruption_case() {
        let me = mayors_office();
        let cases = [
            case(),
            CaseFacts::default(),
            CaseFacts {
                department_id: Some(OTHER_DEPT),
                assignee_id: Some(UserId(99)),
                about_employee: true,
                ..CaseFacts::default()
            },
        ];
        for c in &cases {
            for p in case_permissions() {
                assert_eq!(
                    allowed(&me, p, c),
                    p != Permission::ViewSealedIdentity,
                    "{p:?} {c:?}"
                );
            }
        }
        assert!(check(&me, Permission::RegisterSubmission, None).is_ok());
        assert!(check(&me, Permission::ViewDepartmentOverview, None).is_ok());
        assert!(check(&me, Permission::ViewJournal, None).is_err());
        assert!(check(&me, Permission::ManageUsers, None).is_err());
        // Not a corruption signal, unless designated.
        let denied = check(&me, Permission::ViewCase, Some(&corruption_case())).unwrap_err();
        assert_eq!(
            denied.reason_bg,
            "Сигналите за корупция са достъпни само за определените служители."
        );
        assert!(allowed(
            &designated(me),
            Permission::ViewCase,
            &corruption_case()
        ));
    }

    // ---- Auditor ---------------------------------------------------------------------------

    #[test]
    fn auditor_reads_and_changes_nothing() {
        let me = auditor();
        assert!(allowed(&me, Permission::ViewCase, &case()));
        assert!(allowed(&me, Permission::ViewCase, &CaseFacts::default()));
        assert!(!allowed(&me, Permission::ViewPersonalData, &case()));
        assert!(check(&me, Permission::ViewJournal, None).is_ok());
        assert!(check(&me, Permission::ViewDepartmentOverview, None).is_ok());
        assert!(!allowed(&me, Permission::ViewCase, &corruption_case()));
        // Never a change, on any case, designated or not.
        for me in [auditor(), designated(auditor())] {
            for c in all_cases() {
                for p in Permission::ALL.into_iter().filter(|p| !p.is_read_only()) {
                    assert!(check(&me, p, Some(&c)).is_err(), "{p:?} {c:?}");
                }
            }
        }
    }

    // ---- Administrator ---------------------------------------------------------------------

    #[test]
    fn administrator_sees_no_case_contents() {
        for me in [admin(), designated(admin())] {
            for p in [
                Permission::ManageUsers,
                Permission::ManageDepartments,
                Permission::ViewJournal,
            ] {
                assert!(check(&me, p, None).is_ok(), "{p:?}");
            }
            assert!(check(&me, Permission::RegisterSubmission, None).is_err());
            assert!(check(&me, Permission::ViewDepartmentOverview, None).is_err());
            for c in all_cases() {
                for p in case_permissions() {
                    assert!(check(&me, p, Some(&c)).is_err(), "{p:?} {c:?}");
                }
            }
        }
        let denied = check(&admin(), Permission::ViewCase, Some(&case())).unwrap_err();
        assert_eq!(
            denied.reason_bg,
            "Ролята „администратор“ няма право на „преглед на преписка“."
        );
        assert_eq!(
            denied.reason_en,
            "The role “administrator” may not view a case."
        );
        assert_eq!(denied.to_string(), denied.reason_en);
    }

    // ---- Corruption signals ----------------------------------------------------------------

    #[test]
    fn corruption_signals_only_for_designated_officers() {
        for me in all_actors() {
            for c in all_cases().into_iter().filter(|c| c.corruption) {
                for p in case_permissions() {
                    if check(&me, p, Some(&c)).is_ok() {
                        assert!(me.corruption_officer, "{me:?} {p:?} {c:?}");
                        assert!(me.role.handles_cases(), "{me:?} {p:?} {c:?}");
                    }
                }
            }
        }
        let denied = check(&officer(), Permission::ViewCase, Some(&corruption_case())).unwrap_err();
        assert_eq!(
            denied.reason_en,
            "Corruption signals are accessible only to the designated officers."
        );
    }

    #[test]
    fn designated_officers_act_within_their_role() {
        let c = corruption_case();
        // The officer it is assigned to.
        let me = designated(officer());
        assert!(allowed(&me, Permission::ViewCase, &c));
        assert!(allowed(&me, Permission::Answer, &c));
        assert!(!allowed(&me, Permission::Close, &c));
        let elsewhere = CaseFacts {
            assignee_id: Some(UserId(99)),
            ..c.clone()
        };
        assert!(!allowed(&me, Permission::ViewCase, &elsewhere));
        // A designated clerk routes it; a designated head of the department closes it.
        assert!(allowed(&designated(clerk()), Permission::Assign, &c));
        assert!(allowed(&designated(head()), Permission::Close, &c));
        assert!(allowed(
            &designated(mayors_office()),
            Permission::Reopen,
            &c
        ));
    }

    #[test]
    fn sealed_identity_only_for_designated_officers_on_corruption_signals() {
        for me in all_actors() {
            for c in all_cases() {
                if check(&me, Permission::ViewSealedIdentity, Some(&c)).is_ok() {
                    assert!(c.corruption && me.corruption_officer && me.role.handles_cases());
                }
            }
        }
        let me = designated(officer());
        assert!(allowed(
            &me,
            Permission::ViewSealedIdentity,
            &corruption_case()
        ));
        let denied = check(&me, Permission::ViewSealedIdentity, Some(&case())).unwrap_err();
        assert_eq!(
            denied.reason_en,
            "Only corruption signals have a sealed identity."
        );
        // The identity is not ordinary personal data.
        let denied =
            check(&me, Permission::ViewPersonalData, Some(&corruption_case())).unwrap_err();
        assert!(denied.reason_bg.contains("запечатана"));
        // Designated staff see ordinary personal data on ordinary cases as their role allows.
        assert!(allowed(&me, Permission::ViewPersonalData, &case()));
    }

    // ---- Conflicts of interest -------------------------------------------------------------

    #[test]
    fn conflicted_staff_may_only_declare_a_conflict() {
        for me in all_actors() {
            for c in all_cases() {
                if !c.is_conflicted(me.user_id) {
                    continue;
                }
                for p in case_permissions() {
                    if check(&me, p, Some(&c)).is_ok() {
                        assert_eq!(p, Permission::DeclareConflict, "{me:?} {c:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn conflict_of_interest_is_refused_with_a_clear_reason() {
        let conflicted = |id: UserId| CaseFacts {
            conflicted_user_ids: vec![id],
            ..case()
        };
        for me in [clerk(), officer(), head(), mayors_office(), auditor()] {
            let c = conflicted(me.user_id);
            let denied = check(&me, Permission::ViewCase, Some(&c)).unwrap_err();
            assert_eq!(
                denied.reason_bg,
                "Служителят е в конфликт на интереси по тази преписка."
            );
            assert_eq!(
                denied.reason_en,
                "The officer has a conflict of interest on this case."
            );
        }
        // The Mayor's office gets no exception: not even the non-sealed parts.
        let c = conflicted(UserId(4));
        for p in case_permissions().filter(|p| *p != Permission::DeclareConflict) {
            assert!(!allowed(&mayors_office(), p, &c), "{p:?}");
        }
        // Declaring (again) stays possible; someone else's conflict changes nothing.
        for me in [clerk(), officer(), head(), mayors_office()] {
            assert!(allowed(
                &me,
                Permission::DeclareConflict,
                &conflicted(me.user_id)
            ));
            assert!(allowed(&me, Permission::ViewCase, &conflicted(UserId(99))));
        }
        // Global permissions do not depend on cases.
        assert!(
            check(
                &clerk(),
                Permission::RegisterSubmission,
                Some(&conflicted(UserId(1)))
            )
            .is_ok()
        );
    }

    // ---- Complaints about employees --------------------------------------------------------

    #[test]
    fn complaints_about_employees_belong_to_the_mayors_office() {
        let c = CaseFacts {
            about_employee: true,
            ..case()
        };
        for me in [officer(), head()] {
            for p in case_permissions() {
                assert!(!allowed(&me, p, &c), "{me:?} {p:?}");
            }
        }
        let denied = check(&head(), Permission::ViewCase, Some(&c)).unwrap_err();
        assert!(denied.reason_en.contains("Mayor's office"));
        assert!(allowed(&mayors_office(), Permission::Answer, &c));
        assert!(allowed(&auditor(), Permission::ViewCase, &c));
        // A corruption signal about an employee stays with the designated officers.
        let corrupt = CaseFacts {
            corruption: true,
            ..c
        };
        assert!(allowed(
            &designated(officer()),
            Permission::Answer,
            &corrupt
        ));
        assert!(!allowed(&mayors_office(), Permission::ViewCase, &corrupt));
    }

    // ---- Missing case ----------------------------------------------------------------------

    #[test]
    fn case_permissions_need_a_case() {
        for me in all_actors() {
            for p in case_permissions() {
                assert!(check(&me, p, None).is_err(), "{me:?} {p:?}");
            }
        }
        let denied = check(&mayors_office(), Permission::ViewCase, None).unwrap_err();
        assert!(denied.reason_en.contains("none was given"));
    }

    // ---- Assignees -------------------------------------------------------------------------

    #[test]
    fn assignee_roles() {
        for role in Role::ALL {
            let candidate = actor(50, role, Some(DEPT));
            let result = check_assignee(&candidate, &case());
            assert_eq!(
                result.is_ok(),
                matches!(
                    role,
                    Role::CaseOfficer | Role::DepartmentHead | Role::MayorsOffice
                ),
                "{role:?}"
            );
        }
        let denied = check_assignee(&auditor(), &case()).unwrap_err();
        assert!(denied.reason_bg.contains("одитор"));
        assert!(denied.reason_en.contains("auditor"));
    }

    #[test]
    fn conflicted_candidates_are_refused() {
        let c = CaseFacts {
            conflicted_user_ids: vec![UserId(2)],
            ..case()
        };
        let denied = check_assignee(&officer(), &c).unwrap_err();
        assert_eq!(
            denied.reason_en,
            "The officer has a conflict of interest on this case."
        );
        assert!(check_assignee(&designated(officer()), &c).is_err());
        assert!(check_assignee(&mayors_office(), &c).is_ok());
    }

    #[test]
    fn corruption_signals_are_assigned_to_designated_officers_only() {
        let c = corruption_case();
        let denied = check_assignee(&officer(), &c).unwrap_err();
        assert_eq!(
            denied.reason_bg,
            "Сигналите за корупция се възлагат само на определените служители."
        );
        assert!(check_assignee(&mayors_office(), &c).is_err());
        assert!(check_assignee(&designated(officer()), &c).is_ok());
        assert!(check_assignee(&designated(mayors_office()), &c).is_ok());
        // Designation does not make a clerk or an auditor an assignee.
        assert!(check_assignee(&designated(clerk()), &c).is_err());
        assert!(check_assignee(&designated(auditor()), &c).is_err());
        // About an employee as well: designation decides, not the Mayor's office.
        let about = CaseFacts {
            about_employee: true,
            ..c
        };
        assert!(check_assignee(&designated(officer()), &about).is_ok());
    }

    #[test]
    fn complaints_about_employees_are_assigned_to_the_mayors_office_only() {
        let c = CaseFacts {
            about_employee: true,
            ..CaseFacts::default()
        };
        let denied = check_assignee(&officer(), &c).unwrap_err();
        assert!(denied.reason_en.contains("Mayor's office"));
        assert!(check_assignee(&head(), &c).is_err());
        assert!(check_assignee(&mayors_office(), &c).is_ok());
        let subject = CaseFacts {
            conflicted_user_ids: vec![UserId(4)],
            ..c
        };
        assert!(check_assignee(&mayors_office(), &subject).is_err());
    }

    #[test]
    fn assignment_by_a_head_stays_within_the_department() {
        let c = CaseFacts {
            assignee_id: None,
            ..case()
        };
        assert!(check_assignment(&head(), &c, Some(DEPT), Some(&officer())).is_ok());
        let denied = check_assignment(&head(), &c, Some(OTHER_DEPT), None).unwrap_err();
        assert!(denied.reason_en.contains("within their own department"));
        assert!(check_assignment(&head(), &c, None, Some(&officer())).is_err());
        let stranger = actor(60, Role::CaseOfficer, Some(OTHER_DEPT));
        let denied = check_assignment(&head(), &c, Some(DEPT), Some(&stranger)).unwrap_err();
        assert_eq!(
            denied.reason_en,
            "The officer does not belong to the department the case is assigned to."
        );
        // A head may take the case themselves.
        assert!(check_assignment(&head(), &c, Some(DEPT), Some(&head())).is_ok());
    }

    #[test]
    fn assignment_by_the_clerk_and_the_mayors_office() {
        let c = CaseFacts::default();
        // Routing to a department without naming an officer.
        assert!(check_assignment(&clerk(), &c, Some(OTHER_DEPT), None).is_ok());
        let other = actor(60, Role::CaseOfficer, Some(OTHER_DEPT));
        assert!(check_assignment(&clerk(), &c, Some(OTHER_DEPT), Some(&other)).is_ok());
        assert!(check_assignment(&mayors_office(), &c, Some(DEPT), Some(&officer())).is_ok());
        // Staff of the Mayor's office take cases of any department.
        assert!(check_assignment(&clerk(), &c, Some(DEPT), Some(&mayors_office())).is_ok());
        // The checks on the actor and on the candidate both apply.
        assert!(check_assignment(&officer(), &c, Some(DEPT), Some(&officer())).is_err());
        assert!(check_assignment(&clerk(), &c, Some(DEPT), Some(&auditor())).is_err());
        let conflicted = CaseFacts {
            conflicted_user_ids: vec![UserId(2)],
            ..CaseFacts::default()
        };
        let denied =
            check_assignment(&clerk(), &conflicted, Some(DEPT), Some(&officer())).unwrap_err();
        assert_eq!(
            denied.reason_bg,
            "Служителят е в конфликт на интереси по тази преписка."
        );
    }

    #[test]
    fn the_case_scope_of_every_role_admits_exactly_the_cases_it_may_view() {
        let actors = [
            clerk(),
            designated(clerk()),
            officer(),
            designated(officer()),
            head(),
            designated(head()),
            actor(7, Role::DepartmentHead, None),
            mayors_office(),
            designated(mayors_office()),
            auditor(),
            admin(),
        ];
        let mut cases = Vec::new();
        for department_id in [None, Some(DEPT), Some(OTHER_DEPT)] {
            for assignee_id in [None, Some(UserId(2)), Some(UserId(9))] {
                for corruption in [false, true] {
                    for about_employee in [false, true] {
                        for conflicted_user_ids in [vec![], users(&[2, 3, 4])] {
                            cases.push(CaseFacts {
                                department_id,
                                assignee_id,
                                corruption,
                                about_employee,
                                conflicted_user_ids,
                            });
                        }
                    }
                }
            }
        }
        for a in &actors {
            match case_scope(a) {
                Ok(scope) => {
                    for case in &cases {
                        assert_eq!(
                            scope.admits(case),
                            check(a, Permission::ViewCase, Some(case)).is_ok(),
                            "{a:?} on {case:?}"
                        );
                    }
                }
                // No scope: no case may be viewed either.
                Err(_) => assert!(
                    cases
                        .iter()
                        .all(|case| check(a, Permission::ViewCase, Some(case)).is_err()),
                    "{a:?}"
                ),
            }
        }
    }
}
