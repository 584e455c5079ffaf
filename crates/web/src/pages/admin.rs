//! `GET /staff/admin`: the administrator's page — the staff (role, department, designation for
//! corruption signals, whether the account is active) and the departments with their heads,
//! each with the forms to add and change them. Administrators see no case contents.

use super::layout::{self, FormErrors, Input, Section, Select};
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
use priemna_app::accounts::{
    AccountOutcome, Changer, StaffDraft, change_account, create_user, decide_change,
};
use priemna_app::auth::{MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS};
use priemna_app::refusals;
use priemna_app::staff::Staff;
use priemna_domain::access::{self, Permission, Role};
use priemna_domain::submission::Problem;
use priemna_domain::{DepartmentId, UserId};
use priemna_store::{Department, LetterSignatory, StaffChange, User};
use serde::Deserialize;
use std::collections::HashMap;

/// The longest department name accepted.
const MAX_DEPARTMENT_NAME_CHARS: usize = 200;

#[derive(Debug, Default, Deserialize)]
pub struct NewUserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    department_id: String,
    #[serde(default)]
    corruption_officer: Option<String>,
    #[serde(default)]
    csrf_token: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct UpdateUserForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    department_id: String,
    #[serde(default)]
    corruption_officer: Option<String>,
    #[serde(default)]
    active: Option<String>,
    #[serde(default)]
    csrf_token: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct DepartmentForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    head_user_id: String,
    #[serde(default)]
    csrf_token: Option<String>,
}

/// A refused form: its errors, and a refusal of the whole form.
#[derive(Default)]
struct Refusal {
    errors: FormErrors,
    alert: Option<String>,
}

#[derive(Default)]
struct AdminView {
    done: Option<&'static str>,
    /// A notice made for this answer (a one-time password, shown once and never in a URL).
    said: Option<String>,
    /// A refusal of a button (unlock, reset, approve, reject).
    refused: Option<String>,
    new_user: NewUserForm,
    new_user_refusal: Refusal,
    /// The user whose change was refused, what was sent, and why.
    edit: Option<(UserId, UpdateUserForm, Refusal)>,
    new_department: DepartmentForm,
    new_department_refusal: Refusal,
    /// The department whose head could not be set.
    head: Option<(DepartmentId, Refusal)>,
    /// The signatory form as sent, when it was refused.
    signatory: Option<(SignatoryForm, FormErrors)>,
}

fn done_message(done: &str) -> Option<&'static str> {
    match done {
        "user_added" => Some("Служителят е добавен."),
        "user_updated" => Some("Промените по служителя са записани."),
        "user_added_pending" => Some(
            "Служителят е добавен, но определянето за сигнали за корупция или активирането на \
             профил с роля, която работи по преписки, чака одобрение от друг администратор.",
        ),
        "change_pending" => Some(
            "Промяната чака одобрение от друг администратор (вижте „Промени, които чакат \
             одобрение“). Ако друг администратор няма, одобрете я на сървъра с \
             `priemna user approve`.",
        ),
        "unlocked" => Some("Профилът е отключен."),
        "rejected" => Some("Промяната е отхвърлена."),
        "approved" => Some("Промяната е одобрена и приложена."),
        "department_added" => Some("Отделът е добавен."),
        "head_set" => Some("Началникът на отдела е записан."),
        "signatory_set" => Some("Подписващият изходящите писма е записан."),
        _ => None,
    }
}

/// The permission a page of administration needs; a refusal is journalled.
async fn require(
    app: &AppState,
    staff: &Staff,
    permission: Permission,
    page: &'static str,
) -> Result<(), PageError> {
    refusals::check(app, staff, permission, refusals::Target::Page(page))
        .await
        .map_err(|d| PageError::new(d.into(), Some(staff)))
}

/// Parses a select's value: empty is none, a number is an id, anything else an error.
fn optional_id<Id: std::str::FromStr>(
    errors: &mut FormErrors,
    field: &str,
    value: &str,
) -> Option<Id> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    match value.parse() {
        Ok(id) => Some(id),
        Err(_) => {
            errors.push(field, Problem::WrongType { expected: "number" });
            None
        }
    }
}

/// `GET /staff/admin`.
pub async fn page(
    State(app): State<AppState>,
    StaffPage(staff): StaffPage,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let actor = staff.user.actor();
    if access::check(&actor, Permission::ManageDepartments, None).is_err() {
        require(&app, &staff, Permission::ManageUsers, "/staff/admin").await?;
    }
    let view = AdminView {
        done: query.get("done").and_then(|d| done_message(d)),
        ..AdminView::default()
    };
    Ok(render(&app, &staff, &view).await?.into_response())
}

/// `POST /staff/admin/users`: add a member of staff.
pub async fn add_user(
    State(app): State<AppState>,
    StaffPage(staff): StaffPage,
    form: Result<Form<NewUserForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = form.map(|Form(f)| f).unwrap_or_default();
    staff
        .check_csrf(form.csrf_token.as_deref())
        .map_err(PageError::to(&staff))?;
    require(&app, &staff, Permission::ManageUsers, "/staff/admin/users").await?;
    let mut errors = FormErrors::default();
    let department_id = optional_id(&mut errors, "department_id", &form.department_id);
    let refusal = if errors.is_empty() {
        let draft = StaffDraft {
            username: form.username.clone(),
            display_name: form.display_name.clone(),
            role: form.role.clone(),
            password: form.password.clone(),
            department_id,
            corruption_officer: form.corruption_officer.is_some(),
            email: None,
        };
        match create_user(&app, Changer::Admin(&staff), &draft).await {
            Ok((_, None)) => {
                return Ok(Redirect::to("/staff/admin?done=user_added").into_response());
            }
            Ok((_, Some(_))) => {
                return Ok(Redirect::to("/staff/admin?done=user_added_pending").into_response());
            }
            Err(AppError::Validation(fields)) => Refusal {
                errors: FormErrors::new(fields),
                alert: None,
            },
            Err(AppError::Conflict { reason_bg, .. }) => Refusal {
                errors: FormErrors::default(),
                alert: Some(reason_bg),
            },
            Err(e) => return Err(PageError::new(e.into(), Some(&staff))),
        }
    } else {
        Refusal {
            errors,
            alert: None,
        }
    };
    let view = AdminView {
        new_user: NewUserForm {
            password: String::new(),
            ..form
        },
        new_user_refusal: refusal,
        ..AdminView::default()
    };
    Ok(rerender(render(&app, &staff, &view).await?))
}

/// `POST /staff/admin/users/{id}`: change a member of staff's role, department, designation
/// or whether the account is active.
pub async fn update_user(
    State(app): State<AppState>,
    StaffPage(staff): StaffPage,
    Path(id): Path<UserId>,
    form: Result<Form<UpdateUserForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = form.map(|Form(f)| f).unwrap_or_default();
    staff
        .check_csrf(form.csrf_token.as_deref())
        .map_err(PageError::to(&staff))?;
    require(&app, &staff, Permission::ManageUsers, "/staff/admin/users").await?;
    let to_page = PageError::to(&staff);
    let user = app
        .store
        .user_by_id(id)
        .await
        .map_err(|e| to_page(e.into()))?
        .ok_or_else(|| to_page(ApiError::NotFound))?;
    let mut errors = FormErrors::default();
    let role = Role::parse(form.role.trim());
    if role.is_none() {
        errors.push(
            "role",
            Problem::UnknownValue {
                allowed: Role::ALL.iter().map(|r| r.as_str()).collect(),
            },
        );
    }
    let department_id = optional_id(&mut errors, "department_id", &form.department_id);
    if let Some(d) = department_id {
        let departments = app
            .store
            .departments()
            .await
            .map_err(|e| to_page(e.into()))?;
        if !departments.iter().any(|x| x.id == d) {
            errors.push("department_id", Problem::UnknownValue { allowed: vec![] });
        }
    }
    let active = form.active.is_some();
    let mut alert = None;
    if let (Some(role), true) = (role, errors.is_empty()) {
        let after = priemna_store::AccountState {
            role,
            department_id,
            corruption_officer: form.corruption_officer.is_some(),
            active,
            ..user.state()
        };
        match change_account(&app, Changer::Admin(&staff), &user, after, false).await {
            Ok(AccountOutcome::Applied { .. }) => {
                return Ok(Redirect::to("/staff/admin?done=user_updated").into_response());
            }
            Ok(AccountOutcome::Pending(_)) => {
                return Ok(Redirect::to("/staff/admin?done=change_pending").into_response());
            }
            Err(AppError::Conflict { reason_bg, .. }) => alert = Some(reason_bg),
            Err(AppError::Validation(fields)) => {
                alert = fields
                    .first()
                    .map(|f| layout::capitalise(&f.problem.message_bg()))
            }
            Err(e) => return Err(to_page(e.into())),
        }
    }
    let view = AdminView {
        edit: Some((id, form, Refusal { errors, alert })),
        ..AdminView::default()
    };
    Ok(rerender(render(&app, &staff, &view).await?))
}

#[derive(Debug, Default, Deserialize)]
pub struct ButtonForm {
    #[serde(default)]
    csrf_token: Option<String>,
}

/// Checks a button's form: the CSRF token and the right to manage users.
async fn button(
    app: &AppState,
    staff: &Staff,
    form: Result<Form<ButtonForm>, FormRejection>,
) -> Result<(), PageError> {
    let form = form.map(|Form(f)| f).unwrap_or_default();
    staff
        .check_csrf(form.csrf_token.as_deref())
        .map_err(PageError::to(staff))?;
    require(app, staff, Permission::ManageUsers, "/staff/admin/users").await
}

/// The admin page again, with a refusal or a notice made for this answer.
async fn answer(
    app: &AppState,
    staff: &Staff,
    said: Option<String>,
    refused: Option<String>,
) -> Result<Response, PageError> {
    let refusal = refused.is_some();
    let view = AdminView {
        said,
        refused,
        ..AdminView::default()
    };
    let page = render(app, staff, &view).await?;
    Ok(if refusal {
        rerender(page)
    } else {
        page.into_response()
    })
}

/// The one-time password's notice: shown once, here, and never again.
fn one_time_notice(user: &str, password: &str) -> String {
    format!(
        "Еднократната парола на {user} е {password} — съобщете я лично; тя се показва само \
         сега. При вход служителят трябва да я смени."
    )
}

/// `POST /staff/admin/users/{id}/unlock`: end a lock-out.
pub async fn unlock_user(
    State(app): State<AppState>,
    StaffPage(staff): StaffPage,
    Path(id): Path<UserId>,
    form: Result<Form<ButtonForm>, FormRejection>,
) -> Result<Response, PageError> {
    button(&app, &staff, form).await?;
    app.store
        .unlock_user(id, app.clock.now(), &staff.actor_label())
        .await
        .map_err(|e| PageError::new(e.into(), Some(&staff)))?;
    Ok(Redirect::to("/staff/admin?done=unlocked").into_response())
}

/// `POST /staff/admin/users/{id}/reset-password`: a one-time password, shown once (or a
/// change waiting for a second administrator, for an administrator or a designated officer).
pub async fn reset_password(
    State(app): State<AppState>,
    StaffPage(staff): StaffPage,
    Path(id): Path<UserId>,
    form: Result<Form<ButtonForm>, FormRejection>,
) -> Result<Response, PageError> {
    button(&app, &staff, form).await?;
    let to_page = PageError::to(&staff);
    let user = app
        .store
        .user_by_id(id)
        .await
        .map_err(|e| to_page(e.into()))?
        .ok_or_else(|| to_page(ApiError::NotFound))?;
    let state = user.state();
    match change_account(&app, Changer::Admin(&staff), &user, state, true).await {
        Ok(AccountOutcome::Applied {
            user,
            one_time_password: Some(password),
        }) => {
            answer(
                &app,
                &staff,
                Some(one_time_notice(&user.username, &password)),
                None,
            )
            .await
        }
        Ok(AccountOutcome::Applied { .. }) => {
            Ok(Redirect::to("/staff/admin?done=user_updated").into_response())
        }
        Ok(AccountOutcome::Pending(_)) => {
            Ok(Redirect::to("/staff/admin?done=change_pending").into_response())
        }
        Err(e) => Err(to_page(e.into())),
    }
}

async fn decide(
    app: &AppState,
    staff: &Staff,
    id: i64,
    approve: bool,
) -> Result<Response, PageError> {
    match decide_change(app, Changer::Admin(staff), id, approve).await {
        Ok((change, Some(password))) => {
            answer(
                app,
                staff,
                Some(one_time_notice(&change.username, &password)),
                None,
            )
            .await
        }
        Ok(_) if approve => Ok(Redirect::to("/staff/admin?done=approved").into_response()),
        Ok(_) => Ok(Redirect::to("/staff/admin?done=rejected").into_response()),
        Err(AppError::Forbidden { reason_bg, .. } | AppError::Conflict { reason_bg, .. }) => {
            answer(app, staff, None, Some(reason_bg)).await
        }
        Err(e) => Err(PageError::new(e.into(), Some(staff))),
    }
}

/// `POST /staff/admin/changes/{id}/approve`: another administrator applies a waiting change.
pub async fn approve_change(
    State(app): State<AppState>,
    StaffPage(staff): StaffPage,
    Path(id): Path<i64>,
    form: Result<Form<ButtonForm>, FormRejection>,
) -> Result<Response, PageError> {
    button(&app, &staff, form).await?;
    decide(&app, &staff, id, true).await
}

/// `POST /staff/admin/changes/{id}/reject`.
pub async fn reject_change(
    State(app): State<AppState>,
    StaffPage(staff): StaffPage,
    Path(id): Path<i64>,
    form: Result<Form<ButtonForm>, FormRejection>,
) -> Result<Response, PageError> {
    button(&app, &staff, form).await?;
    decide(&app, &staff, id, false).await
}

/// `POST /staff/admin/departments`: add a department (and, optionally, its head).
pub async fn add_department(
    State(app): State<AppState>,
    StaffPage(staff): StaffPage,
    form: Result<Form<DepartmentForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = form.map(|Form(f)| f).unwrap_or_default();
    staff
        .check_csrf(form.csrf_token.as_deref())
        .map_err(PageError::to(&staff))?;
    require(
        &app,
        &staff,
        Permission::ManageDepartments,
        "/staff/admin/departments",
    )
    .await?;
    let to_page = PageError::to(&staff);
    let mut errors = FormErrors::default();
    let name = form.name.trim();
    if name.is_empty() {
        errors.push("name", Problem::Missing);
    } else if name.chars().count() > MAX_DEPARTMENT_NAME_CHARS {
        errors.push(
            "name",
            Problem::TooLong {
                max_chars: MAX_DEPARTMENT_NAME_CHARS,
            },
        );
    }
    let head = optional_id(&mut errors, "head_user_id", &form.head_user_id);
    if let Some(head) = head {
        check_head(&app, &staff, head, &mut errors).await?;
    }
    let mut alert = None;
    if errors.is_empty() {
        let now = app.clock.now();
        match app
            .store
            .create_department(name, now, &staff.actor_label())
            .await
            .map_err(ApiError::from)
        {
            Ok(department) => {
                if head.is_some() {
                    app.store
                        .set_department_head(department.id, head, now, &staff.actor_label())
                        .await
                        .map_err(|e| to_page(e.into()))?;
                }
                return Ok(Redirect::to("/staff/admin?done=department_added").into_response());
            }
            Err(ApiError::Conflict { reason_bg, .. }) => alert = Some(reason_bg),
            Err(e) => return Err(to_page(e)),
        }
    }
    let view = AdminView {
        new_department: form,
        new_department_refusal: Refusal { errors, alert },
        ..AdminView::default()
    };
    Ok(rerender(render(&app, &staff, &view).await?))
}

/// The head named must be an active member of staff.
async fn check_head(
    app: &AppState,
    staff: &Staff,
    head: UserId,
    errors: &mut FormErrors,
) -> Result<(), PageError> {
    let user = app
        .store
        .user_by_id(head)
        .await
        .map_err(|e| PageError::new(e.into(), Some(staff)))?;
    if !user.is_some_and(|u| u.active) {
        errors.push("head_user_id", Problem::UnknownValue { allowed: vec![] });
    }
    Ok(())
}

/// `POST /staff/admin/departments/{id}/head`: set (or clear) a department's head.
pub async fn set_head(
    State(app): State<AppState>,
    StaffPage(staff): StaffPage,
    Path(id): Path<DepartmentId>,
    form: Result<Form<DepartmentForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = form.map(|Form(f)| f).unwrap_or_default();
    staff
        .check_csrf(form.csrf_token.as_deref())
        .map_err(PageError::to(&staff))?;
    require(
        &app,
        &staff,
        Permission::ManageDepartments,
        "/staff/admin/departments",
    )
    .await?;
    let to_page = PageError::to(&staff);
    let departments = app
        .store
        .departments()
        .await
        .map_err(|e| to_page(e.into()))?;
    if !departments.iter().any(|d| d.id == id) {
        return Err(to_page(ApiError::NotFound));
    }
    let mut errors = FormErrors::default();
    let head = optional_id(&mut errors, "head_user_id", &form.head_user_id);
    if let Some(head) = head {
        check_head(&app, &staff, head, &mut errors).await?;
    }
    let mut alert = None;
    if errors.is_empty() {
        match app
            .store
            .set_department_head(id, head, app.clock.now(), &staff.actor_label())
            .await
            .map_err(ApiError::from)
        {
            Ok(()) => return Ok(Redirect::to("/staff/admin?done=head_set").into_response()),
            Err(ApiError::Conflict { reason_bg, .. }) => alert = Some(reason_bg),
            Err(e) => return Err(to_page(e)),
        }
    }
    let view = AdminView {
        head: Some((id, Refusal { errors, alert })),
        ..AdminView::default()
    };
    Ok(rerender(render(&app, &staff, &view).await?))
}

fn role_options() -> Vec<(String, String)> {
    Role::ALL
        .iter()
        .map(|r| (r.as_str().to_owned(), layout::capitalise(r.label_bg())))
        .collect()
}

fn department_options(none: &str, departments: &[Department]) -> Vec<(String, String)> {
    layout::options_with_none(
        none,
        departments
            .iter()
            .map(|d| (d.id.to_string(), d.name.clone())),
    )
}

fn user_options(users: &[User]) -> Vec<(String, String)> {
    layout::options_with_none(
        "— няма —",
        users.iter().filter(|u| u.active).map(|u| {
            (
                u.id.to_string(),
                format!("{} ({})", u.display_name, u.role.label_bg()),
            )
        }),
    )
}

async fn render(app: &AppState, staff: &Staff, view: &AdminView) -> Result<Markup, PageError> {
    let to_page = PageError::to::<ApiError>(staff);
    let users = app.store.users().await.map_err(|e| to_page(e.into()))?;
    let departments = app
        .store
        .departments()
        .await
        .map_err(|e| to_page(e.into()))?;
    let actor = staff.user.actor();
    let manage_users = access::check(&actor, Permission::ManageUsers, None).is_ok();
    let manage_departments = access::check(&actor, Permission::ManageDepartments, None).is_ok();
    let department_name = |id: Option<DepartmentId>| {
        id.and_then(|id| departments.iter().find(|d| d.id == id))
            .map(|d| d.name.clone())
            .unwrap_or_else(|| "—".to_owned())
    };
    let user_name = |id: Option<UserId>| {
        id.and_then(|id| users.iter().find(|u| u.id == id))
            .map(|u| u.display_name.clone())
            .unwrap_or_else(|| "—".to_owned())
    };
    let changes = if manage_users {
        app.store
            .staff_changes(true)
            .await
            .map_err(|e| to_page(e.into()))?
    } else {
        Vec::new()
    };
    let signatory = if manage_departments {
        app.store
            .letter_signatory()
            .await
            .map_err(|e| to_page(e.into()))?
    } else {
        None
    };
    let missed = priemna_app::auth::missed_sign_ins(app, staff).await;
    let now = app.clock.now();
    let failed_any = !view.new_user_refusal.errors.is_empty()
        || view.signatory.is_some()
        || view.new_user_refusal.alert.is_some()
        || view.edit.is_some()
        || !view.new_department_refusal.errors.is_empty()
        || view.new_department_refusal.alert.is_some()
        || view.head.is_some();

    let body = html! {
        h1 { "Администриране" }
        (layout::missed_sign_ins(missed.as_ref()))
        @if let Some(done) = view.done { (layout::notice(done)) }
        @if let Some(said) = &view.said { (layout::notice(said)) }
        @if let Some(refused) = &view.refused { (layout::alert(refused)) }
        @if failed_any {
            (layout::alert("Промяната не е записана — вижте съобщенията при формуляра."))
        }
        @if manage_users {
            (pending_changes(staff, &changes, &departments))
            h2 id="users-title" { "Служители" }
            div.table-wrap {
                table.stacked aria-labelledby="users-title" {
                    thead {
                        tr {
                            th scope="col" { "Име" }
                            th scope="col" { "Потребителско име" }
                            th scope="col" { "Роля" }
                            th scope="col" { "Отдел" }
                            th scope="col" { "Сигнали за корупция" }
                            th scope="col" { "Активен" }
                            th scope="col" { "Вход" }
                            th scope="col" { "Промяна" }
                        }
                    }
                    tbody {
                        @for u in &users {
                            tr {
                                th scope="row" data-label="Име" { (u.display_name) }
                                td data-label="Потребителско име" { code { (u.username) } }
                                td data-label="Роля" { (u.role.label_bg()) }
                                td data-label="Отдел" { (department_name(u.department_id)) }
                                td data-label="Сигнали за корупция" { @if u.corruption_officer { "определен" } @else { "—" } }
                                td data-label="Активен" { @if u.active { "да" } @else { strong { "не" } } }
                                td data-label="Вход" { (sign_in_cell(staff, u, now)) }
                                td data-label="Промяна" { (edit_user_form(staff, u, &departments, view)) }
                            }
                        }
                    }
                }
            }
            (new_user_form(staff, &departments, view))
        }
        @if manage_departments {
            h2 id="departments-title" { "Отдели" }
            @if departments.is_empty() {
                p { "Още няма отдели." }
            } @else {
                div.table-wrap {
                    table.stacked aria-labelledby="departments-title" {
                        thead {
                            tr {
                                th scope="col" { "Отдел" }
                                th scope="col" { "Началник" }
                                th scope="col" { "Промяна" }
                            }
                        }
                        tbody {
                            @for d in &departments {
                                tr {
                                    th scope="row" data-label="Отдел" { (d.name) }
                                    td data-label="Началник" { (user_name(d.head_user_id)) }
                                    td data-label="Промяна" { (head_form(staff, d, &users, view)) }
                                }
                            }
                        }
                    }
                }
            }
            (new_department_form(staff, &users, view))
            (signatory_form(staff, signatory.as_ref(), &users, view))
        }
    };
    Ok(layout::page(
        "Администриране",
        Some(staff),
        Section::Admin,
        body,
    ))
}

/// A member of staff's sign-in: locked or not, and the buttons to unlock and to reset.
fn sign_in_cell(staff: &Staff, user: &User, now: jiff::Timestamp) -> Markup {
    let locked = user.locked_until.filter(|until| *until > now);
    html! {
        @if let Some(until) = locked {
            p { strong { "входът от адрес с грешни пароли е спрян до " (layout::time_bg(until)) } }
            form method="post" action=(format!("/staff/admin/users/{}/unlock", user.id)) {
                (layout::csrf_field(staff))
                button type="submit" { "Отключи" span.visually-hidden { " " (user.display_name) } }
            }
        }
        @if user.must_change_password { p { "чака смяна на паролата" } }
        form method="post" action=(format!("/staff/admin/users/{}/reset-password", user.id)) {
            (layout::csrf_field(staff))
            button type="submit" {
                "Еднократна парола" span.visually-hidden { " за " (user.display_name) }
            }
        }
    }
}

/// The changes that wait for a second administrator, each with approve and reject (not for
/// the one who asked, nor for the person concerned).
fn pending_changes(staff: &Staff, changes: &[StaffChange], departments: &[Department]) -> Markup {
    let department = |id: Option<DepartmentId>| {
        id.and_then(|id| departments.iter().find(|d| d.id == id))
            .map(|d| d.name.clone())
            .unwrap_or_else(|| "—".to_owned())
    };
    let describe = |c: &StaffChange| {
        let (b, a) = (&c.before, &c.after);
        let mut parts = Vec::new();
        if b.role != a.role {
            parts.push(format!(
                "роля: {} → {}",
                b.role.label_bg(),
                a.role.label_bg()
            ));
        }
        if b.department_id != a.department_id {
            parts.push(format!(
                "отдел: {} → {}",
                department(b.department_id),
                department(a.department_id)
            ));
        }
        if b.corruption_officer != a.corruption_officer {
            parts.push(if a.corruption_officer {
                "определяне за сигнали за корупция".to_owned()
            } else {
                "отнемане на определянето за сигнали за корупция".to_owned()
            });
        }
        if b.active != a.active {
            parts.push(
                if a.active {
                    "активиране"
                } else {
                    "деактивиране"
                }
                .to_owned(),
            );
        }
        if b.display_name != a.display_name {
            parts.push(format!("име: {}", a.display_name));
        }
        if b.email != a.email {
            parts.push("адрес за напомняния".to_owned());
        }
        if c.reset_password {
            parts.push("еднократна парола".to_owned());
        }
        parts.join("; ")
    };
    html! {
        h2 id="changes-title" { "Промени, които чакат одобрение" }
        @if changes.is_empty() {
            p { "Няма." }
        } @else {
            div.table-wrap {
                table.stacked aria-labelledby="changes-title" {
                    thead {
                        tr {
                            th scope="col" { "Служител" }
                            th scope="col" { "Промяна" }
                            th scope="col" { "Поискана от" }
                            th scope="col" { "Решение" }
                        }
                    }
                    tbody {
                        @for c in changes {
                            tr {
                                th scope="row" data-label="Служител" { code { (c.username) } }
                                td data-label="Промяна" { (describe(c)) }
                                td data-label="Поискана от" { (c.requested_by_name) ", " (layout::time_bg(c.requested_at)) }
                                td data-label="Решение" {
                                    @if c.requested_by == staff.user.id {
                                        "чака друг администратор"
                                    } @else if c.user_id == staff.user.id {
                                        "засяга вашия профил: решава друг администратор"
                                    } @else {
                                        form method="post" action=(format!("/staff/admin/changes/{}/approve", c.id)) {
                                            (layout::csrf_field(staff))
                                            button type="submit" { "Одобри" span.visually-hidden { " промяна " (c.id) } }
                                        }
                                        form method="post" action=(format!("/staff/admin/changes/{}/reject", c.id)) {
                                            (layout::csrf_field(staff))
                                            button type="submit" { "Отхвърли" span.visually-hidden { " промяна " (c.id) } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn new_user_form(staff: &Staff, departments: &[Department], view: &AdminView) -> Markup {
    let form = &view.new_user;
    let errors = &view.new_user_refusal.errors;
    let password_hint = format!(
        "От {MIN_PASSWORD_CHARS} до {MAX_PASSWORD_CHARS} знака, не често срещана парола. \
         Съобщете я на служителя лично; той може да я смени."
    );
    let role = if form.role.is_empty() {
        Role::CaseOfficer.as_str()
    } else {
        form.role.as_str()
    };
    html! {
        section.panel aria-labelledby="new-user-title" {
            h2 id="new-user-title" { "Нов служител" }
            @if let Some(alert) = &view.new_user_refusal.alert { (layout::alert(alert)) }
            @for message in errors.others(&["username", "display_name", "role", "password",
                                            "department_id"]) {
                (layout::alert(&message))
            }
            form method="post" action="/staff/admin/users" novalidate {
                (layout::csrf_field(staff))
                (Input {
                    id: "new-username", name: "username", label: "Потребителско име",
                    value: &form.username, required: true, autocomplete: Some("off"),
                    hint: Some("Латински букви, цифри, точка, тире, долна черта."),
                    error: errors.get("username"), maxlength: Some(64), ..Input::default()
                }.render())
                (Input {
                    id: "new-display_name", name: "display_name", label: "Име и фамилия",
                    value: &form.display_name, required: true, autocomplete: Some("off"),
                    error: errors.get("display_name"), maxlength: Some(200), ..Input::default()
                }.render())
                (Select {
                    id: "new-role", name: "role", label: "Роля", options: role_options(),
                    selected: role, required: true, error: errors.get("role"),
                    ..Select::default()
                }.render())
                (Select {
                    id: "new-department_id", name: "department_id", label: "Отдел",
                    options: department_options("— без отдел —", departments),
                    selected: &form.department_id, error: errors.get("department_id"),
                    hint: Some("Задължителен за служители (експерти) и началници на отдели."),
                    ..Select::default()
                }.render())
                (layout::checkbox("new-corruption_officer", "corruption_officer",
                    "Определен за сигнали за корупция", form.corruption_officer.is_some(),
                    Some("Само за роли, които работят по преписки. Определянето влиза в сила \
                          след одобрение от друг администратор.")))
                (Input {
                    id: "new-password", name: "password", label: "Начална парола",
                    kind: "password", required: true, autocomplete: Some("new-password"),
                    hint: Some(&password_hint), error: errors.get("password"),
                    ..Input::default()
                }.render())
                button type="submit" { "Добави служителя" }
            }
        }
    }
}

fn edit_user_form(
    staff: &Staff,
    user: &User,
    departments: &[Department],
    view: &AdminView,
) -> Markup {
    let failed = view.edit.as_ref().filter(|(id, _, _)| *id == user.id);
    let prefix = format!("user-{}", user.id);
    let id = |field: &str| format!("{prefix}-{field}");
    let (role, department, corruption, active) = match failed {
        Some((_, form, _)) => (
            form.role.clone(),
            form.department_id.clone(),
            form.corruption_officer.is_some(),
            form.active.is_some(),
        ),
        None => (
            user.role.as_str().to_owned(),
            user.department_id
                .map(|d| d.to_string())
                .unwrap_or_default(),
            user.corruption_officer,
            user.active,
        ),
    };
    let empty = Refusal::default();
    let refusal = failed.map(|(_, _, r)| r).unwrap_or(&empty);
    html! {
        details open[failed.is_some()] {
            summary { "Промени" span.visually-hidden { " " (user.display_name) } }
            @if let Some(alert) = &refusal.alert { (layout::alert(alert)) }
            @for message in refusal.errors.others(&["role", "department_id"]) {
                (layout::alert(&message))
            }
            form method="post" action=(format!("/staff/admin/users/{}", user.id)) novalidate {
                (layout::csrf_field(staff))
                (Select {
                    id: &id("role"), name: "role", label: "Роля", options: role_options(),
                    selected: &role, required: true, error: refusal.errors.get("role"),
                    ..Select::default()
                }.render())
                (Select {
                    id: &id("department_id"), name: "department_id", label: "Отдел",
                    options: department_options("— без отдел —", departments),
                    selected: &department, error: refusal.errors.get("department_id"),
                    ..Select::default()
                }.render())
                (layout::checkbox(&id("corruption_officer"), "corruption_officer",
                    "Определен за сигнали за корупция", corruption, None))
                (layout::checkbox(&id("active"), "active", "Активен профил", active,
                    Some("Деактивирането прекратява сесиите му веднага.")))
                button type="submit" { "Запази" }
            }
        }
    }
}

fn new_department_form(staff: &Staff, users: &[User], view: &AdminView) -> Markup {
    let form = &view.new_department;
    let errors = &view.new_department_refusal.errors;
    html! {
        section.panel aria-labelledby="new-department-title" {
            h2 id="new-department-title" { "Нов отдел" }
            @if let Some(alert) = &view.new_department_refusal.alert { (layout::alert(alert)) }
            form method="post" action="/staff/admin/departments" novalidate {
                (layout::csrf_field(staff))
                (Input {
                    id: "department-name", name: "name", label: "Наименование",
                    value: &form.name, required: true, error: errors.get("name"),
                    maxlength: Some(MAX_DEPARTMENT_NAME_CHARS), ..Input::default()
                }.render())
                (Select {
                    id: "department-head_user_id", name: "head_user_id", label: "Началник",
                    options: user_options(users), selected: &form.head_user_id,
                    error: errors.get("head_user_id"), ..Select::default()
                }.render())
                button type="submit" { "Добави отдела" }
            }
        }
    }
}

fn head_form(staff: &Staff, department: &Department, users: &[User], view: &AdminView) -> Markup {
    let failed = view.head.as_ref().filter(|(id, _)| *id == department.id);
    let empty = Refusal::default();
    let refusal = failed.map(|(_, r)| r).unwrap_or(&empty);
    let id = format!("department-{}-head", department.id);
    let selected = department
        .head_user_id
        .map(|h| h.to_string())
        .unwrap_or_default();
    html! {
        details open[failed.is_some()] {
            summary { "Началник" span.visually-hidden { " на " (department.name) } }
            @if let Some(alert) = &refusal.alert { (layout::alert(alert)) }
            form method="post" action=(format!("/staff/admin/departments/{}/head", department.id))
                novalidate {
                (layout::csrf_field(staff))
                (Select {
                    id: &id, name: "head_user_id", label: "Началник на отдела",
                    options: user_options(users), selected: &selected,
                    error: refusal.errors.get("head_user_id"), ..Select::default()
                }.render())
                button type="submit" { "Запази" }
            }
        }
    }
}

/// The longest name or position of the signatory accepted.
const MAX_SIGNATORY_CHARS: usize = 200;

#[derive(Debug, Default, Deserialize)]
pub struct SignatoryForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    position: String,
    #[serde(default)]
    for_mayor: Option<String>,
    #[serde(default)]
    csrf_token: Option<String>,
}

/// `POST /staff/admin/signatory`: who signs the municipality's outgoing letters (journalled).
pub async fn set_signatory(
    State(app): State<AppState>,
    StaffPage(staff): StaffPage,
    form: Result<Form<SignatoryForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = form.map(|Form(f)| f).unwrap_or_default();
    staff
        .check_csrf(form.csrf_token.as_deref())
        .map_err(PageError::to(&staff))?;
    require(
        &app,
        &staff,
        Permission::ManageDepartments,
        "/staff/admin/signatory",
    )
    .await?;
    let mut errors = FormErrors::default();
    for (field, value) in [("name", &form.name), ("position", &form.position)] {
        let value = value.trim();
        if value.is_empty() {
            errors.push(field, Problem::Missing);
        } else if value.chars().count() > MAX_SIGNATORY_CHARS {
            errors.push(
                field,
                Problem::TooLong {
                    max_chars: MAX_SIGNATORY_CHARS,
                },
            );
        }
    }
    if !errors.is_empty() {
        let view = AdminView {
            signatory: Some((form, errors)),
            ..AdminView::default()
        };
        return Ok(rerender(render(&app, &staff, &view).await?));
    }
    app.store
        .save_letter_signatory(LetterSignatory {
            name: form.name.trim().to_owned(),
            position: form.position.trim().to_owned(),
            for_mayor: form.for_mayor.is_some(),
            updated_at: app.clock.now(),
            updated_by: staff.actor_label(),
        })
        .await
        .map_err(|e| PageError::new(e.into(), Some(&staff)))?;
    Ok(Redirect::to("/staff/admin?done=signatory_set#signatory-title").into_response())
}

/// Who signs outgoing letters: the form, filled with the current setting.
fn signatory_form(
    staff: &Staff,
    current: Option<&LetterSignatory>,
    users: &[User],
    view: &AdminView,
) -> Markup {
    // Who saved it, by name (the journal's label is `user:{id}:{username}`).
    let saved_by = |label: &str| {
        label
            .strip_prefix("user:")
            .and_then(|rest| rest.split(':').next())
            .and_then(|id| id.parse::<UserId>().ok())
            .and_then(|id| users.iter().find(|u| u.id == id))
            .map(|u| u.display_name.clone())
            .unwrap_or_else(|| label.to_owned())
    };
    let empty = FormErrors::default();
    let (name, position, for_mayor, errors) = match (&view.signatory, current) {
        (Some((form, errors)), _) => (
            form.name.clone(),
            form.position.clone(),
            form.for_mayor.is_some(),
            errors,
        ),
        (None, Some(c)) => (c.name.clone(), c.position.clone(), c.for_mayor, &empty),
        (None, None) => (String::new(), String::new(), false, &empty),
    };
    html! {
        section.panel aria-labelledby="signatory-title" {
            h2 id="signatory-title" { "Подписващ изходящите писма" }
            p {
                "Писмените отговори и уведомленията се подписват от името на общината от кмета, \
                 заместник-кмет или секретаря. Служителят, който е изготвил писмото, се посочва \
                 в долния край като „Изготвил“."
            }
            @match current {
                Some(c) => p.hint {
                    "Записано от " (saved_by(&c.updated_by)) " на " (layout::time_bg(c.updated_at)) "."
                },
                None => (layout::alert(
                    "Подписващият не е зададен: докато не го зададете, писмата се подписват от \
                     служителя, който ги изготвя.")),
            }
            form method="post" action="/staff/admin/signatory" novalidate {
                (layout::csrf_field(staff))
                (Input {
                    id: "signatory-name", name: "name", label: "Име и фамилия",
                    value: &name, required: true, error: errors.get("name"),
                    maxlength: Some(MAX_SIGNATORY_CHARS), autocomplete: Some("off"),
                    ..Input::default()
                }.render())
                (Input {
                    id: "signatory-position", name: "position", label: "Длъжност",
                    value: &position, required: true, error: errors.get("position"),
                    hint: Some("Например: Кмет на Община Хасково, Заместник-кмет, Секретар на \
                                Община Хасково."),
                    maxlength: Some(MAX_SIGNATORY_CHARS), ..Input::default()
                }.render())
                (layout::checkbox("signatory-for_mayor", "for_mayor",
                    "Подписва „за кмет“ (от името на кмета)", for_mayor,
                    Some("Над името се изписва „ЗА КМЕТ НА ОБЩИНА …:“ — за заместник-кмет или \
                          секретар, упълномощен със заповед на кмета.")))
                button type="submit" { "Запази подписващия" }
            }
        }
    }
}
