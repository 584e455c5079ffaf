//! `GET /staff/cases/{number}`: one case — what was submitted, the charter's decisions, the
//! history and the answer — and one form for each action this member of staff may take on it
//! now. The forms post to `/act` (or `/conflict`); the page shows only what
//! `cases::available_actions` and `access::check` allow, and the handlers check again.

use super::layout::{self, FormErrors, Input, Section, Select, TextArea};
use super::{PageError, StaffPage, rerender};
use crate::error::ApiError;
use crate::extract::Path;
use crate::state::AppState;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use priemna_app::AppError;
use priemna_app::cases::{self, ActionRequest, available_actions, unanswered_rule_text};
use priemna_app::staff::Staff;
use priemna_domain::access::{self, Permission, Role};
use priemna_domain::clock::local_date;
use priemna_domain::deadline::DeadlineRule;
use priemna_domain::submission::MAX_BODY_CHARS;
use priemna_domain::workflow::{self, CaseAction, UNANSWERED_RULES, urgency};
use priemna_domain::{DepartmentId, UserId};
use priemna_store::{CaseRecord, Department, StoredDocument, User};
use serde::Deserialize;
use std::collections::HashMap;

/// The pseudo-action of the conflict-of-interest form.
const DECLARE_CONFLICT: &str = "declare_conflict";

/// What a `?done=` names, in words (unknown values are ignored, never echoed).
pub fn done_label(done: &str) -> Option<&'static str> {
    if done == DECLARE_CONFLICT {
        return Some("деклариран конфликт на интереси");
    }
    if done == "request_information" {
        return Some("поискана е информация от подателя");
    }
    if done == "note" {
        return Some("записана е вътрешна бележка");
    }
    CaseAction::parse(done).map(CaseAction::label_bg)
}

fn heading(action: &str) -> &'static str {
    match CaseAction::parse(action) {
        Some(CaseAction::Triage) => "Първоначална преценка",
        Some(CaseAction::Assign) => "Възлагане",
        Some(CaseAction::StartWork) => "Започване на работа",
        Some(CaseAction::RequireInspection) => "Проверка и удължаване на срока",
        Some(CaseAction::Answer) => "Писмен отговор",
        Some(CaseAction::Close) => "Приключване",
        Some(CaseAction::LeaveUnanswered) => "Оставяне без разглеждане",
        Some(CaseAction::Forward) => "Препращане по компетентност",
        Some(CaseAction::MarkDuplicate) => "Обединяване с друга преписка",
        Some(CaseAction::Reopen) => "Повторно отваряне",
        None => "Конфликт на интереси",
    }
}

/// The staff and departments the page names and offers in its lists.
struct Directory {
    users: Vec<User>,
    departments: Vec<Department>,
}

impl Directory {
    async fn load(app: &AppState, staff: &Staff) -> Result<Directory, PageError> {
        let to_page = PageError::to::<ApiError>(staff);
        Ok(Directory {
            users: app.store.users().await.map_err(|e| to_page(e.into()))?,
            departments: app
                .store
                .departments()
                .await
                .map_err(|e| to_page(e.into()))?,
        })
    }

    fn user_name(&self, id: UserId) -> String {
        self.users
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.display_name.clone())
            .unwrap_or_else(|| format!("служител № {id}"))
    }

    fn department_name(&self, id: DepartmentId) -> String {
        self.departments
            .iter()
            .find(|d| d.id == id)
            .map(|d| d.name.clone())
            .unwrap_or_else(|| format!("отдел № {id}"))
    }
}

/// A form that was refused: its values, and why.
struct Failed {
    action: String,
    request: ActionRequest,
    errors: FormErrors,
    /// A refusal of the whole action (access rules, the case's status), in Bulgarian.
    reason: Option<String>,
}

#[derive(Default)]
struct View {
    done: Option<&'static str>,
    failed: Option<Failed>,
    /// Open cases that look like the same problem (`pages::search`).
    duplicates: Option<Markup>,
    /// The letters kept with the case.
    documents: Vec<StoredDocument>,
    /// Who signs outgoing letters ("Име, длъжност"), when an administrator set it.
    signer: Option<String>,
    /// The conversation with the citizen (`pages::conversation`).
    conversation: Option<Markup>,
}

/// The letters kept with a case, and who signs outgoing letters.
async fn letter_facts(
    app: &AppState,
    staff: &Staff,
    case: &CaseRecord,
) -> Result<(Vec<StoredDocument>, Option<String>), PageError> {
    let to_page = PageError::to::<ApiError>(staff);
    let documents = app
        .store
        .documents(case.id)
        .await
        .map_err(|e| to_page(e.into()))?;
    let signer = app
        .store
        .letter_signatory()
        .await
        .map_err(|e| to_page(e.into()))?
        .map(|s| {
            let mut position = s.position.chars();
            let position: String = position
                .next()
                .map(|c| c.to_lowercase().chain(position).collect())
                .unwrap_or_default();
            let on_behalf = if s.for_mayor { " (за кмет)" } else { "" };
            format!("{}, {position}{on_behalf}", s.name)
        });
    Ok((documents, signer))
}

/// One action form's ids, values and errors.
struct FormCtx<'a> {
    action: &'a str,
    failed: Option<&'a Failed>,
}

impl<'a> FormCtx<'a> {
    fn new(action: &'a str, view: &'a View) -> FormCtx<'a> {
        FormCtx {
            action,
            failed: view.failed.as_ref().filter(|f| f.action == action),
        }
    }

    fn id(&self, field: &str) -> String {
        format!("{}-{field}", self.action)
    }

    fn error(&self, field: &str) -> Option<String> {
        self.failed.and_then(|f| f.errors.get(field))
    }

    /// What the user typed in `field`, when the form comes back to them.
    fn value(&self, field: &str) -> Option<String> {
        let r = &self.failed?.request;
        match field {
            "reason" => r.reason.clone(),
            "new_due" => r.new_due.clone(),
            "text" => r.text.clone(),
            "rule" => r.rule.clone(),
            "body" => r.body.clone(),
            "of" => r.of.clone(),
            "department_id" => r.department_id.map(|d| d.to_string()),
            "assignee_id" => r.assignee_id.map(|d| d.to_string()),
            "subject_employee_id" => r.subject_employee_id.map(|d| d.to_string()),
            "considered" => r.considered.map(|c| c.to_string()),
            _ => None,
        }
    }

    fn reason(&self, label: &str, hint: Option<&str>, required: bool) -> Markup {
        let id = self.id("reason");
        let value = self.value("reason").unwrap_or_default();
        TextArea {
            id: &id,
            name: "reason",
            label,
            value: &value,
            required,
            hint,
            error: self.error("reason"),
            maxlength: Some(2000),
            rows: 3,
        }
        .render()
    }
}

/// `GET /staff/cases/{number}`.
pub async fn page(
    State(app): State<AppState>,
    StaffPage(staff): StaffPage,
    Path(number): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let case = cases::load_visible(&app, &staff, &number)
        .await
        .map_err(PageError::to(&staff))?;
    let directory = Directory::load(&app, &staff).await?;
    let (documents, signer) = letter_facts(&app, &staff, &case).await?;
    let conversation = super::conversation::panel(&app, &staff, &case, None)
        .await
        .map_err(PageError::to(&staff))?;
    let view = View {
        done: query.get("done").and_then(|d| done_label(d)),
        failed: None,
        duplicates: Some(super::search::duplicates_panel(&app, &staff, &case).await),
        documents,
        signer,
        conversation: Some(conversation),
    };
    Ok(render(&app, &staff, &case, &directory, &view).into_response())
}

/// `POST /staff/cases/{number}/act`: one action, from one of the page's forms.
pub async fn act(
    State(app): State<AppState>,
    StaffPage(staff): StaffPage,
    Path(number): Path<String>,
    form: Result<Form<ActionRequest>, FormRejection>,
) -> Result<Response, PageError> {
    let Ok(Form(request)) = form else {
        return Err(PageError::new(
            ApiError::BadRequest(Vec::new()),
            Some(&staff),
        ));
    };
    staff
        .check_csrf(request.csrf_token.as_deref())
        .map_err(PageError::to(&staff))?;
    let action = request.action.trim().to_owned();
    match cases::perform(&app, &staff, &number, &request).await {
        Ok(case) => Ok(after_success(&staff, &case, &action)),
        Err(error) => refused(&app, &staff, &number, action, request, error).await,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ConflictForm {
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    csrf_token: Option<String>,
}

/// `POST /staff/cases/{number}/conflict`: declare one's own conflict of interest.
pub async fn conflict(
    State(app): State<AppState>,
    StaffPage(staff): StaffPage,
    Path(number): Path<String>,
    form: Result<Form<ConflictForm>, FormRejection>,
) -> Result<Response, PageError> {
    let Ok(Form(form)) = form else {
        return Err(PageError::new(
            ApiError::BadRequest(Vec::new()),
            Some(&staff),
        ));
    };
    staff
        .check_csrf(form.csrf_token.as_deref())
        .map_err(PageError::to(&staff))?;
    match cases::declare_conflict(&app, &staff, &number, form.reason.as_deref()).await {
        Ok(case) => Ok(after_success(&staff, &case, DECLARE_CONFLICT)),
        Err(error) => {
            let request = ActionRequest {
                action: DECLARE_CONFLICT.to_owned(),
                reason: form.reason,
                ..ActionRequest::default()
            };
            refused(
                &app,
                &staff,
                &number,
                DECLARE_CONFLICT.to_owned(),
                request,
                error,
            )
            .await
        }
    }
}

/// Back to the case, or to the inbox when the action took the case out of the user's reach
/// (a declared conflict, a case routed elsewhere).
fn after_success(staff: &Staff, case: &CaseRecord, action: &str) -> Response {
    let done = done_label(action).map(|_| action).unwrap_or("");
    let still_visible = access::check(
        &staff.user.actor(),
        Permission::ViewCase,
        Some(&case.facts()),
    )
    .is_ok();
    let target = if still_visible {
        format!("/staff/cases/{}?done={done}", case.number)
    } else {
        format!("/staff?done={done}&case={}", case.number)
    };
    Redirect::to(&target).into_response()
}

/// The case again, with the refused form's values and errors; other failures are error pages.
async fn refused(
    app: &AppState,
    staff: &Staff,
    number: &str,
    action: String,
    request: ActionRequest,
    error: AppError,
) -> Result<Response, PageError> {
    let (errors, reason) = match error {
        AppError::Validation(fields) => (FormErrors::new(fields), None),
        AppError::Forbidden { reason_bg, .. } | AppError::Conflict { reason_bg, .. } => {
            (FormErrors::default(), Some(reason_bg))
        }
        other => return Err(PageError::new(other.into(), Some(staff))),
    };
    // Reload: the case may have changed, or left the user's reach.
    let case = match cases::load_visible(app, staff, number).await {
        Ok(case) => case,
        Err(AppError::Forbidden { .. }) if reason.is_some() => {
            let reason = reason.unwrap_or_default();
            return Err(PageError::new(
                ApiError::Forbidden {
                    reason_bg: reason.clone(),
                    reason_en: reason,
                },
                Some(staff),
            ));
        }
        Err(e) => return Err(PageError::new(e.into(), Some(staff))),
    };
    let directory = Directory::load(app, staff).await?;
    let (documents, signer) = letter_facts(app, staff, &case).await?;
    let conversation = super::conversation::panel(app, staff, &case, None)
        .await
        .map_err(PageError::to(staff))?;
    let view = View {
        done: None,
        failed: Some(Failed {
            action,
            request,
            errors,
            reason,
        }),
        duplicates: None,
        documents,
        signer,
        conversation: Some(conversation),
    };
    Ok(rerender(render(app, staff, &case, &directory, &view)))
}

/// `POST /staff/cases/{number}/messages`: ask the citizen for information, or write an
/// internal note; back to the case's conversation, or the case again with the form's errors.
pub async fn message(
    State(app): State<AppState>,
    StaffPage(staff): StaffPage,
    Path(number): Path<String>,
    form: Result<Form<super::conversation::MessageForm>, FormRejection>,
) -> Result<Response, PageError> {
    let Ok(Form(form)) = form else {
        return Err(PageError::new(
            ApiError::BadRequest(Vec::new()),
            Some(&staff),
        ));
    };
    staff
        .check_csrf(form.csrf_token.as_deref())
        .map_err(PageError::to(&staff))?;
    let result = match form.kind.as_str() {
        "request_information" => {
            priemna_app::conversation::ask(&app, &staff, &number, &form.text, Some(&form.reply_by))
                .await
        }
        "note" => priemna_app::conversation::note(&app, &staff, &number, &form.text).await,
        _ => Err(AppError::Validation(vec![
            priemna_domain::submission::FieldError::new(
                "kind",
                priemna_domain::submission::Problem::Missing,
            ),
        ])),
    };
    let refused = match result {
        Ok(added) => {
            return Ok(Redirect::to(&format!(
                "/staff/cases/{}?done={}#message-{}",
                number.trim(),
                form.kind,
                added.id
            ))
            .into_response());
        }
        Err(AppError::Validation(fields)) => super::conversation::Refused {
            form,
            fields,
            reason: None,
        },
        Err(AppError::Forbidden { reason_bg, .. } | AppError::Conflict { reason_bg, .. }) => {
            super::conversation::Refused {
                form,
                fields: Vec::new(),
                reason: Some(reason_bg),
            }
        }
        Err(other) => return Err(PageError::new(other.into(), Some(&staff))),
    };
    let case = cases::load_visible(&app, &staff, &number)
        .await
        .map_err(PageError::to(&staff))?;
    let directory = Directory::load(&app, &staff).await?;
    let (documents, signer) = letter_facts(&app, &staff, &case).await?;
    let conversation = super::conversation::panel(&app, &staff, &case, Some(&refused))
        .await
        .map_err(PageError::to(&staff))?;
    let view = View {
        documents,
        signer,
        conversation: Some(conversation),
        ..View::default()
    };
    Ok(rerender(render(&app, &staff, &case, &directory, &view)))
}

fn render(
    app: &AppState,
    staff: &Staff,
    case: &CaseRecord,
    directory: &Directory,
    view: &View,
) -> Markup {
    let actor = staff.user.actor();
    let facts = case.facts();
    let today = local_date(app.clock.now());
    let actions = available_actions(staff, case);
    let may_declare_conflict =
        access::check(&actor, Permission::DeclareConflict, Some(&facts)).is_ok();
    let identity_permission = if case.sealed {
        Permission::ViewSealedIdentity
    } else {
        Permission::ViewPersonalData
    };
    let may_read_identity = access::check(&actor, identity_permission, Some(&facts)).is_ok();
    let rule = case.deadline_rule.as_deref().and_then(DeadlineRule::parse);
    let title = format!("Преписка {}", case.number);

    let body = html! {
        p { a href="/staff" { "← Входящи" } }
        h1 { (title) span.visually-hidden { ": " } br; span { (case.subject) } }
        @if let Some(done) = view.done {
            (layout::notice(&format!("Извършено: {done}.")))
        }
        @if let Some(failed) = &view.failed {
            div.alert role="alert" {
                p {
                    strong { "Действието „" (heading(&failed.action)) "“ не е извършено. " }
                    @if let Some(reason) = &failed.reason { (reason) " " }
                    @else { "Поправете отбелязаните полета. " }
                    a href=(format!("#action-{}", failed.action)) { "Към формуляра" }
                }
            }
        }

        h2 { "Данни за преписката" }
        dl.facts {
            dt { "Статус" } dd { strong { (case.status.label_bg()) } }
            dt { "Вид" } dd { (case.kind.label_bg()) }
            dt { "Канал" } dd { (case.channel.label_bg()) }
            dt { "Получено" } dd { (layout::time_bg(case.received_at)) }
            dt { "Краен срок за отговор" }
            dd {
                @match case.answer_due {
                    Some(due) => { (layout::date_bg(due)) " " }
                    None => { "няма " }
                }
                @if case.status.is_open() {
                    (layout::urgency_badge(urgency(case.answer_due, today, &app.calendar)))
                }
                @if let Some(rule) = rule { br; span.hint { (rule.description_bg()) } }
            }
            @if let Some(ack) = case.acknowledge_due {
                dt { "Срок за потвърждение на получаването" } dd { (layout::date_bg(ack)) }
            }
            dt { "Ще се разглежда по същество" }
            dd { @if case.considered { "да" } @else { "не" } }
            dt { "Отдел" }
            dd {
                @match case.department_id {
                    Some(d) => { (directory.department_name(d)) }
                    None => { "още не е възложена" }
                }
            }
            dt { "Служител" }
            dd {
                @match case.assignee_id {
                    Some(u) => { (directory.user_name(u)) }
                    None => { "—" }
                }
            }
            @if let Some(address) = &case.address {
                dt { "Място на проблема" } dd { (address) }
            }
            @let signs = signs(case);
            @if !signs.is_empty() {
                dt { "Особености" } dd { (signs.join("; ")) }
            }
            @if let Some(employee) = case.subject_employee_id {
                dt { "Жалбата е срещу" } dd { (directory.user_name(employee)) }
            }
            @if let Some(at) = case.escalated_at {
                dt { "Ескалирана към кабинета на кмета" } dd { (layout::time_bg(at)) }
            }
            @if let Some(note) = &case.triage_note {
                dt { "Бележка от преценката" } dd { (note) }
            }
            @if let Some(rule) = &case.not_considered_rule {
                dt { "Оставена без разглеждане, защото" } dd { (unanswered_rule_text(rule).0) }
            }
            @if let Some(body) = &case.forwarded_to {
                dt { "Препратена до" }
                dd {
                    (body)
                    @if let Some(at) = case.forwarded_at { " (" (layout::time_bg(at)) ")" }
                }
            }
            @if let Some(original) = case.duplicate_of {
                dt { "Обединена с" }
                dd { a href=(format!("/staff/cases/{original}")) { (original.to_string()) } }
            }
            dt { "Въведена от" } dd { (entered_by(&case.entered_by, &directory.users)) }
        }

        h2 { "Текст" }
        div.text { (case.body) }

        h2 { "Подател" }
        @if case.anonymous && !case.sealed {
            p { "Анонимно подаване — няма лични данни." }
        } @else if may_read_identity {
            form method="get" action=(format!("/staff/cases/{}/personal-data", case.number)) {
                p.hint id="identity-hint" {
                    @if case.sealed {
                        "Самоличността на подателя на сигнал за корупция е запечатана. "
                    }
                    "Всяко показване се записва в дневника с вашето име."
                }
                button.secondary type="submit" aria-describedby="identity-hint" {
                    @if case.sealed { "Покажи запечатаната самоличност" }
                    @else { "Покажи личните данни" }
                }
            }
        } @else {
            p { "Нямате право да виждате личните данни по тази преписка." }
        }

        p { a href=(format!("/staff/cases/{}/portal", case.number)) { "Прикачени файлове и оценка от гражданина" } }

        h2 { "Решения по хартата" }
        @if case.decisions.is_empty() {
            p { "Няма." }
        } @else {
            ul {
                @for d in &case.decisions {
                    li {
                        (d.reason_bg)
                        @if d.needs_review {
                            " " strong.flag { "— изисква преценка от служител" }
                        }
                    }
                }
            }
        }

        @if let Some(answer) = &case.answer_text {
            h2 { "Отговор" }
            div.text { (answer) }
            p.hint {
                @if let Some(by) = case.answered_by { "Изготвил: " (directory.user_name(by)) }
                @if let Some(at) = case.answered_at { ", изпратен на " (layout::time_bg(at)) }
                "."
            }
        }

        @if let Some(conversation) = &view.conversation { (conversation) }

        (documents_section(case, &view.documents, may_read_identity))

        h2 { "История" }
        div.table-wrap {
            table.stacked {
                caption.visually-hidden { "История на преписката" }
                thead {
                    tr {
                        th scope="col" { "Дата и час" }
                        th scope="col" { "Статус" }
                        th scope="col" { "Бележка (вижда се от гражданина)" }
                    }
                }
                tbody {
                    @for e in &case.history {
                        tr {
                            td data-label="Дата и час" { (layout::time_bg(e.at)) }
                            td data-label="Статус" { (e.status.label_bg()) }
                            td data-label="Бележка" { (e.note_bg) }
                        }
                    }
                }
            }
        }

        @if let Some(panel) = &view.duplicates { (panel) }

        h2 { "Действия" }
        @if actions.is_empty() && !may_declare_conflict {
            p { "Нямате действия по тази преписка в статус „" (case.status.label_bg()) "“." }
        } @else {
            div.actions {
                @for action in &actions {
                    (action_form(app, staff, case, directory, view, *action))
                }
                @if may_declare_conflict {
                    (conflict_form(staff, case, view))
                }
            }
        }
    };
    layout::page(&title, Some(staff), Section::None, body)
}

/// What is special about the case, in words.
fn signs(case: &CaseRecord) -> Vec<&'static str> {
    let mut signs = Vec::new();
    if case.anonymous {
        signs.push("анонимно");
    }
    if case.sealed {
        signs.push("сигнал за корупция — самоличността на подателя е запечатана");
    }
    if case.health_or_safety_threat {
        signs.push("заплаха за здравето или безопасността на гражданите");
    }
    if case.about_bad_administration {
        signs.push("жалба за лошо администриране");
    }
    if case.about_employee {
        signs.push("жалба срещу служител (за кабинета на кмета)");
    }
    if !case.in_writing {
        signs.push("подадено устно");
    }
    signs
}

/// Who put the case in the register, in words (never the stored code such as `clerk:demo`): the
/// journal's way of naming actors.
fn entered_by(entered_by: &str, users: &[User]) -> String {
    let who = crate::audit::Directory::of_staff(users).who(entered_by);
    if who.role.is_empty() {
        who.name
    } else {
        format!("{}, {}", who.name, who.role)
    }
}

/// The frame of one action's form: heading, hidden fields, errors not tied to a field, button.
fn action_frame(
    staff: &Staff,
    case: &CaseRecord,
    ctx: &FormCtx,
    target: &str,
    shown: &[&str],
    fields: Markup,
    button: &str,
) -> Markup {
    let others = ctx
        .failed
        .map(|f| f.errors.others(shown))
        .unwrap_or_default();
    let reason = ctx.failed.and_then(|f| f.reason.as_deref());
    let id = format!("action-{}", ctx.action);
    let warning = matches!(ctx.action, "leave_unanswered" | DECLARE_CONFLICT);
    html! {
        section.action id=(id) aria-labelledby=(format!("{id}-title")) {
            h3 id=(format!("{id}-title")) { (heading(ctx.action)) }
            @if let Some(reason) = reason { (layout::alert(reason)) }
            @for message in &others { (layout::alert(message)) }
            form method="post" action=(format!("/staff/cases/{}/{target}", case.number)) novalidate {
                (layout::csrf_field(staff))
                @if target == "act" {
                    input type="hidden" name="action" value=(ctx.action);
                }
                (fields)
                div.buttons {
                    @if warning {
                        button.warning type="submit" { (button) }
                    } @else {
                        button type="submit" { (button) }
                    }
                    @if ctx.action == CaseAction::Answer.as_str() {
                        // Shows the letter as it will be sent; sends and stores nothing.
                        button.secondary type="submit" name="format" value="html"
                            formaction=(format!("/staff/cases/{}/preview", case.number)) {
                            "Преглед"
                        }
                        button.secondary type="submit" name="format" value="pdf"
                            formaction=(format!("/staff/cases/{}/preview", case.number)) {
                            "Преглед (PDF)"
                        }
                    }
                }
            }
        }
    }
}

fn action_form(
    app: &AppState,
    staff: &Staff,
    case: &CaseRecord,
    directory: &Directory,
    view: &View,
    action: CaseAction,
) -> Markup {
    let ctx = FormCtx::new(action.as_str(), view);
    let frame = |shown: &[&str], fields: Markup, button: &str| {
        action_frame(staff, case, &ctx, "act", shown, fields, button)
    };
    match action {
        CaseAction::Triage => frame(
            &["considered", "reason", "subject_employee_id"],
            triage_fields(case, directory, &ctx),
            "Потвърди преценката",
        ),
        CaseAction::Assign => frame(
            &["department_id", "assignee_id"],
            assign_fields(staff, case, directory, &ctx),
            "Възложи",
        ),
        CaseAction::StartWork => frame(
            &[],
            html! { p { "Отбелязва, че работата по преписката е започнала." } },
            "Започни работа",
        ),
        CaseAction::RequireInspection => {
            let max = workflow::max_extension(
                case.deadline_rule.as_deref().and_then(DeadlineRule::parse),
                case.received_date,
                &app.calendar,
            );
            let hint = match max {
                Some(max) => format!(
                    "Новият краен срок; по закон най-късно до {}.",
                    layout::date_bg(max)
                ),
                None => "Новият краен срок (ГГГГ-ММ-ДД).".to_owned(),
            };
            let id = ctx.id("new_due");
            let value = ctx.value("new_due").unwrap_or_default();
            let fields = html! {
                (Input {
                    id: &id, name: "new_due", label: "Нов краен срок", kind: "date",
                    value: &value, required: true, hint: Some(&hint),
                    error: ctx.error("new_due"),
                    min: Some(local_date(app.clock.now()).to_string()),
                    max: max.map(|m| m.to_string()), ..Input::default()
                }.render())
                (ctx.reason("Защо е нужна проверка",
                    Some("Гражданинът ще бъде уведомен за причината и за новия срок."), true))
            };
            frame(&["new_due", "reason"], fields, "Удължи срока")
        }
        CaseAction::Answer => {
            let id = ctx.id("text");
            let value = ctx.value("text").unwrap_or_default();
            let signer = match &view.signer {
                Some(signer) => format!(
                    "Писмото се подписва от {signer}; вие ({}) сте посочени като „Изготвил“.",
                    staff.user.display_name
                ),
                None => format!(
                    "Писмото се подписва с вашето име ({}): администраторът още не е задал кой \
                     подписва изходящите писма.",
                    staff.user.display_name
                ),
            };
            let hint = format!(
                "Обръщението („Уважаема госпожо …,“ или „Здравейте,“) и „С уважение,“ с подписа \
                 се добавят автоматично, когато ги няма в текста — не ги пишете втори път. \
                 {signer} С „Преглед“ виждате писмото, без да го изпращате."
            );
            let fields = TextArea {
                id: &id,
                name: "text",
                label: "Текст на отговора",
                value: &value,
                required: true,
                hint: Some(&hint),
                error: ctx.error("text"),
                maxlength: Some(MAX_BODY_CHARS),
                rows: 10,
            }
            .render();
            frame(&["text"], fields, "Изпрати отговора")
        }
        CaseAction::Close => frame(
            &[],
            html! { p { "Приключва преписката. По-късно може да бъде отворена отново с мотив." } },
            "Приключи",
        ),
        CaseAction::LeaveUnanswered => {
            let id = ctx.id("rule");
            let suggested = case
                .decisions
                .iter()
                .find(|d| UNANSWERED_RULES.contains(&d.rule.as_str()))
                .map(|d| d.rule.clone());
            let selected = ctx.value("rule").or(suggested).unwrap_or_default();
            let fields = html! {
                (Select {
                    id: &id, name: "rule", label: "Правило от хартата",
                    options: layout::options_with_none("— изберете —",
                        UNANSWERED_RULES.iter().map(|r| {
                            let (bg, _) = unanswered_rule_text(r);
                            ((*r).to_owned(), layout::capitalise(bg))
                        })),
                    selected: &selected, required: true, error: ctx.error("rule"),
                    ..Select::default()
                }.render())
                (ctx.reason("Мотиви", Some("Гражданинът вижда правилото и мотивите."), true))
            };
            frame(&["rule", "reason"], fields, "Остави без разглеждане")
        }
        CaseAction::Forward => {
            let id = ctx.id("body");
            let value = ctx.value("body").unwrap_or_default();
            let fields = html! {
                (Input {
                    id: &id, name: "body", label: "Компетентен орган", value: &value,
                    required: true, hint: Some("Например: Регионална здравна инспекция – Хасково."),
                    error: ctx.error("body"), maxlength: Some(300), ..Input::default()
                }.render())
                (ctx.reason("Защо се препраща", None, true))
            };
            frame(&["body", "reason"], fields, "Препрати")
        }
        CaseAction::MarkDuplicate => {
            let id = ctx.id("of");
            let value = ctx.value("of").unwrap_or_default();
            let fields = html! {
                (Input {
                    id: &id, name: "of", label: "Номер на основната преписка", value: &value,
                    required: true, hint: Some("Например: 2026-000123."),
                    error: ctx.error("of"), pattern: Some("[0-9]{4}-[0-9]{6}"),
                    maxlength: Some(11), ..Input::default()
                }.render())
                (ctx.reason("Защо е за същия проблем", None, true))
            };
            frame(&["of", "reason"], fields, "Обедини")
        }
        CaseAction::Reopen => frame(
            &["reason"],
            ctx.reason("Защо се отваря отново", None, true),
            "Отвори отново",
        ),
    }
}

fn triage_fields(case: &CaseRecord, directory: &Directory, ctx: &FormCtx) -> Markup {
    let considered = ctx
        .value("considered")
        .map(|v| v == "true")
        .unwrap_or(case.considered);
    let proposed = if case.considered {
        "да се разгледа"
    } else {
        "да не се разглежда"
    };
    let hint =
        format!("Хартата предлага: {proposed}. Ако решите друго, напишете причината по-долу.");
    let considered_error = ctx.error("considered");
    let yes = ctx.id("considered-yes");
    let no = ctx.id("considered-no");
    let hint_id = ctx.id("considered-hint");
    let error_id = ctx.id("considered-error");
    let described = if considered_error.is_some() {
        format!("{hint_id} {error_id}")
    } else {
        hint_id.clone()
    };
    let employee_id = ctx.id("subject_employee_id");
    let employee = ctx
        .value("subject_employee_id")
        .or(case.subject_employee_id.map(|e| e.to_string()))
        .unwrap_or_default();
    html! {
        fieldset.field.invalid[considered_error.is_some()] {
            legend { "Да се разгледа ли по същество?" }
            p.hint id=(hint_id) { (hint) }
            @if let Some(error) = &considered_error {
                p.error id=(error_id) { span.visually-hidden { "Грешка: " } (error) }
            }
            div.choice {
                input type="radio" id=(yes) name="considered" value="true" checked[considered]
                    aria-describedby=(described);
                label for=(yes) { "Да" }
            }
            div.choice {
                input type="radio" id=(no) name="considered" value="false" checked[!considered]
                    aria-describedby=(described);
                label for=(no) { "Не" }
            }
        }
        (ctx.reason("Причина", Some("Задължителна, ако решението се различава от предложението на хартата."), false))
        (Select {
            id: &employee_id, name: "subject_employee_id",
            label: "Служител, срещу когото е жалбата",
            hint: Some("Само при жалба срещу служител: той няма да има достъп до преписката."),
            options: layout::options_with_none("— няма —",
                directory.users.iter().filter(|u| u.active).map(|u| {
                    (u.id.to_string(), format!("{} ({})", u.display_name, u.role.label_bg()))
                })),
            selected: &employee, error: ctx.error("subject_employee_id"), ..Select::default()
        }.render())
    }
}

fn assign_fields(staff: &Staff, case: &CaseRecord, directory: &Directory, ctx: &FormCtx) -> Markup {
    let actor = staff.user.actor();
    let facts = case.facts();
    // A head of department assigns within their own department only.
    let own_only = actor.role == Role::DepartmentHead;
    let departments: Vec<&Department> = directory
        .departments
        .iter()
        .filter(|d| !own_only || actor.department_id == Some(d.id))
        .collect();
    let candidates: Vec<&User> = directory
        .users
        .iter()
        .filter(|u| u.active && access::check_assignee(&u.actor(), &facts).is_ok())
        .filter(|u| {
            !own_only || u.role == Role::MayorsOffice || u.department_id == actor.department_id
        })
        .collect();
    let department_id = ctx.id("department_id");
    let assignee_id = ctx.id("assignee_id");
    let department = ctx
        .value("department_id")
        .or(case.department_id.map(|d| d.to_string()))
        .unwrap_or_default();
    let assignee = ctx
        .value("assignee_id")
        .or(case.assignee_id.map(|d| d.to_string()))
        .unwrap_or_default();
    html! {
        (Select {
            id: &department_id, name: "department_id", label: "Отдел", required: true,
            options: layout::options_with_none("— изберете отдел —",
                departments.iter().map(|d| (d.id.to_string(), d.name.clone()))),
            selected: &department, error: ctx.error("department_id"), ..Select::default()
        }.render())
        (Select {
            id: &assignee_id, name: "assignee_id", label: "Служител",
            hint: Some("Служителят трябва да е от избрания отдел (или от кабинета на кмета)."),
            options: layout::options_with_none("— само към отдела, без служител —",
                candidates.iter().map(|u| {
                    let department = u.department_id
                        .map(|d| directory.department_name(d))
                        .unwrap_or_else(|| u.role.label_bg().to_owned());
                    (u.id.to_string(), format!("{} — {}", u.display_name, department))
                })),
            selected: &assignee, error: ctx.error("assignee_id"), ..Select::default()
        }.render())
    }
}

fn conflict_form(staff: &Staff, case: &CaseRecord, view: &View) -> Markup {
    let ctx = FormCtx::new(DECLARE_CONFLICT, view);
    let fields = ctx.reason(
        "Причина",
        Some(
            "След декларацията нямате достъп до преписката; ако е възложена на вас, тя се \
             връща за ново възлагане.",
        ),
        true,
    );
    action_frame(
        staff,
        case,
        &ctx,
        "conflict",
        &["reason"],
        fields,
        "Декларирай конфликт на интереси",
    )
}

/// `GET /staff/cases/{number}/personal-data`: the submitter (or a whistleblower's sealed
/// identity, for designated staff). The store journals every reading.
pub async fn personal_data(
    State(app): State<AppState>,
    StaffPage(staff): StaffPage,
    Path(number): Path<String>,
) -> Result<Response, PageError> {
    let to_page = PageError::to(&staff);
    let case = cases::load_visible(&app, &staff, &number)
        .await
        .map_err(&to_page)?;
    let permission = if case.sealed {
        Permission::ViewSealedIdentity
    } else {
        Permission::ViewPersonalData
    };
    cases::require(&app, &staff, permission, &case)
        .await
        .map_err(&to_page)?;
    let data = app
        .store
        .personal_data(&case, &staff.actor_label(), app.clock.now())
        .await
        .map_err(|e| to_page(e.into()))?;
    let title = format!("Подател по преписка {}", case.number);
    let body = html! {
        p { a href=(format!("/staff/cases/{}", case.number)) { "← Към преписката" } }
        h1 { (title) }
        (layout::notice("Това показване е записано в дневника с вашето име и часа."))
        @match &data {
            None => { p { "Анонимно подаване — няма лични данни." } }
            Some(p) => {
                dl.facts {
                    dt { "Име" } dd { (p.name) }
                    dt { "Адрес" } dd { (p.address.as_deref().unwrap_or("—")) }
                    dt { "Телефон" } dd { (p.phone.as_deref().unwrap_or("—")) }
                    dt { "Електронна поща" } dd { (p.email.as_deref().unwrap_or("—")) }
                    dt { "ЕГН" } dd { (p.egn.as_deref().unwrap_or("—")) }
                }
            }
        }
        p.hint {
            "Използвайте тези данни само за отговора по преписката. Не ги копирайте другаде."
        }
    };
    Ok(layout::page(&title, Some(&staff), Section::None, body).into_response())
}

/// What a kept letter is, in words.
fn document_label(kind: &str) -> &'static str {
    match kind {
        "answer" => "Писмен отговор",
        "delay_notice" => "Уведомление за удължаване на срока",
        "receipt" => "Потвърждение за регистрация",
        _ => "Документ",
    }
}

/// The letters kept with the case, each a link for those who may read the submitter's personal
/// data (`notify::api::check_personal_data`; the reading is journalled).
fn documents_section(case: &CaseRecord, documents: &[StoredDocument], readable: bool) -> Markup {
    html! {
        @if !documents.is_empty() {
            h2 { "Писма и документи" }
            @if !readable {
                p.hint {
                    "Писмата съдържат лични данни на подателя: нямате право да ги отваряте."
                }
            }
            ul {
                @for d in documents {
                    li {
                        @if readable {
                            a href=(format!("/api/v1/cases/{}/documents/{}", case.number, d.id)) {
                                (document_label(d.kind.as_str()))
                                @if let Some(n) = &d.outgoing_number { ", изх. № " (n) }
                                " (PDF)"
                            }
                        } @else {
                            (document_label(d.kind.as_str()))
                            @if let Some(n) = &d.outgoing_number { ", изх. № " (n) }
                        }
                        " — " (layout::time_bg(d.created_at))
                    }
                }
            }
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct PreviewForm {
    #[serde(default)]
    text: Option<String>,
    /// `html` (the default) or `pdf`.
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    csrf_token: Option<String>,
}

/// `POST /staff/cases/{number}/preview`: the answer letter as it would be sent now, as a page
/// (with the form to send it) or as the PDF. Nothing is sent or stored, and the case does not
/// change; the outgoing number is marked as a draft.
pub async fn preview(
    State(app): State<AppState>,
    StaffPage(staff): StaffPage,
    Path(number): Path<String>,
    form: Result<Form<PreviewForm>, FormRejection>,
) -> Result<Response, PageError> {
    let Ok(Form(form)) = form else {
        return Err(PageError::new(
            ApiError::BadRequest(Vec::new()),
            Some(&staff),
        ));
    };
    staff
        .check_csrf(form.csrf_token.as_deref())
        .map_err(PageError::to(&staff))?;
    let to_page = PageError::to(&staff);
    let case = cases::load_visible(&app, &staff, &number)
        .await
        .map_err(&to_page)?;
    let request = ActionRequest {
        action: CaseAction::Answer.as_str().to_owned(),
        text: form.text.clone(),
        ..ActionRequest::default()
    };
    let action = request.action.clone();
    if !available_actions(&staff, &case).contains(&CaseAction::Answer) {
        access::check(&staff.user.actor(), Permission::Answer, Some(&case.facts()))
            .map_err(|d| to_page(d.into()))?;
        let error = AppError::Conflict {
            reason_bg: format!(
                "Преписката е в статус „{}“ и не може да получи отговор.",
                case.status.label_bg()
            ),
            reason_en: "The case cannot be answered in its status.".into(),
        };
        return refused(&app, &staff, &number, action, request, error).await;
    }
    let text = form.text.as_deref().map(str::trim).unwrap_or_default();
    if text.is_empty() || text.chars().count() > MAX_BODY_CHARS {
        let problem = if text.is_empty() {
            priemna_domain::submission::Problem::Missing
        } else {
            priemna_domain::submission::Problem::TooLong {
                max_chars: MAX_BODY_CHARS,
            }
        };
        let error = AppError::Validation(vec![priemna_domain::submission::FieldError::new(
            "text", problem,
        )]);
        return refused(&app, &staff, &number, action, request, error).await;
    }
    let outgoing = priemna_app::notify::compose::next_outgoing_number(&app, &case)
        .await
        .map_err(&to_page)?;
    let outgoing = format!("{outgoing} (проект)");
    let letter = priemna_app::notify::compose::answer_draft(
        &app,
        &staff,
        &case,
        &outgoing,
        text,
        app.clock.now(),
    )
    .await
    .map_err(&to_page)?;
    if form.format.as_deref() == Some("pdf") {
        let pdf = priemna_letters::answer_pdf(&app.notify.letterhead, &letter)
            .map_err(|e| to_page(e.into()))?;
        return Ok(crate::pdf::pdf_response(
            &format!("proekt-otgovor-{}.pdf", case.number),
            pdf,
        ));
    }
    let directory = Directory::load(&app, &staff).await?;
    let (documents, signer) = letter_facts(&app, &staff, &case).await?;
    let view = View {
        failed: Some(Failed {
            action,
            request,
            errors: FormErrors::default(),
            reason: None,
        }),
        documents,
        signer,
        ..View::default()
    };
    let title = format!("Преглед на отговора по преписка {}", case.number);
    let body = html! {
        p { a href=(format!("/staff/cases/{}", case.number)) { "← Към преписката" } }
        h1 { (title) }
        (layout::notice("Това е преглед: писмото още не е изпратено и нищо не е записано. \
                         Изходящият номер се дава при изпращането."))
        (super::letter::answer(&app.notify.letterhead, &letter))
        (action_form(&app, &staff, &case, &directory, &view, CaseAction::Answer))
    };
    Ok(layout::page(&title, Some(&staff), Section::None, body).into_response())
}
