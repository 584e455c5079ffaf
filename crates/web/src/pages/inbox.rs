//! `GET /staff`: my inbox, most urgent first, with my reminders at the top and the filters as a
//! plain GET form.

use super::case::done_label;
use super::layout::{self, FormErrors, Section, Select};
use super::{PageError, StaffPage, rerender};
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use priemna_app::filters::{self, FilterError};
use priemna_domain::access::Role;
use priemna_domain::clock::local_date;
use priemna_domain::workflow::urgency;
use priemna_domain::{Channel, Kind, RegistrationNumber, Status};
use priemna_store::{CaseSummary, Department, StaffReminder};
use std::collections::HashMap;

/// Reminders shown at the top; the rest are older.
const REMINDERS_SHOWN: usize = 20;

fn reminder_label(kind: &str) -> &'static str {
    match kind {
        "overdue" => "просрочена",
        "due_soon" => "срокът изтича до 2 работни дни",
        "escalated" => "просрочена и ескалирана към кабинета на кмета",
        _ => "напомняне",
    }
}

/// `GET /staff`.
pub async fn page(
    State(app): State<AppState>,
    StaffPage(staff): StaffPage,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let to_page = PageError::to::<ApiError>(&staff);
    if staff.user.role == Role::Administrator {
        // Administrators see no case contents; their work is on the administration page.
        return Ok(Redirect::to("/staff/admin").into_response());
    }
    let departments = app
        .store
        .departments()
        .await
        .map_err(|e| to_page(e.into()))?;
    // Only reminders about cases the reader may still view (filtered on read as well).
    let reminders = priemna_app::jobs::visible_reminders(
        &staff.user,
        app.store
            .reminders_for(staff.user.id)
            .await
            .map_err(|e| to_page(e.into()))?,
    );
    let (cases, errors) = match filters::inbox(&staff, &query) {
        Ok(filter) => {
            let cases = app
                .store
                .inbox(&filter)
                .await
                .map_err(|e| to_page(e.into()))?;
            (cases, FormErrors::default())
        }
        Err(FilterError::Fields(fields)) => (Vec::new(), FormErrors::new(fields)),
        Err(FilterError::Denied(denied)) => return Err(to_page(denied.into())),
    };
    let own_department = (staff.user.role == Role::DepartmentHead)
        .then_some(staff.user.department_id)
        .flatten();
    let visible_departments: Vec<&Department> = departments
        .iter()
        .filter(|d| own_department.is_none_or(|own| own == d.id))
        .collect();
    let missed = priemna_app::auth::missed_sign_ins(&app, &staff).await;
    let today = local_date(app.clock.now());
    let get = |k: &str| query.get(k).map(String::as_str).unwrap_or("");
    let done = query.get("done").and_then(|d| done_label(d)).map(|label| {
        // Only a well-formed registration number is repeated back.
        let number = query
            .get("case")
            .and_then(|n| n.parse::<RegistrationNumber>().ok());
        match number {
            Some(number) => format!("Извършено: {label} (преписка {number})."),
            None => format!("Извършено: {label}."),
        }
    });

    let body = html! {
        h1 { "Входящи преписки" }
        (layout::missed_sign_ins(missed.as_ref()))
        @if let Some(done) = &done { (layout::notice(done)) }
        (reminders_section(&reminders))
        h2 id="filters-title" { "Филтри" }
        form.filters method="get" action="/staff" aria-labelledby="filters-title" {
            (Select {
                id: "kind", name: "kind", label: "Вид", selected: get("kind"),
                options: layout::options_with_none("всички видове",
                    Kind::ALL.iter().map(|k| (k.as_str().to_owned(), k.label_bg().to_owned()))),
                error: errors.get("kind"), ..Select::default()
            }.render())
            (Select {
                id: "channel", name: "channel", label: "Канал", selected: get("channel"),
                options: layout::options_with_none("всички канали",
                    Channel::ALL.iter().map(|c| (c.as_str().to_owned(), c.label_bg().to_owned()))),
                error: errors.get("channel"), ..Select::default()
            }.render())
            (Select {
                id: "status", name: "status", label: "Статус", selected: get("status"),
                options: layout::options_with_none("само отворените",
                    std::iter::once(("all".to_owned(), "всички статуси".to_owned())).chain(
                    Status::ALL.iter().map(|s| (s.as_str().to_owned(), s.label_bg().to_owned())))),
                error: errors.get("status"), ..Select::default()
            }.render())
            @if staff.user.role != Role::CaseOfficer {
                (Select {
                    id: "department_id", name: "department_id", label: "Отдел",
                    selected: get("department_id"),
                    options: layout::options_with_none(
                        if own_department.is_some() { "моят отдел" } else { "всички отдели" },
                        visible_departments.iter().map(|d| (d.id.to_string(), d.name.clone()))),
                    error: errors.get("department_id"), ..Select::default()
                }.render())
            }
            (layout::checkbox("overdue", "overdue", "Само просрочените",
                matches!(get("overdue"), "on" | "true" | "1"), None))
            div.field {
                button type="submit" { "Покажи" }
                " "
                a href="/staff" { "Изчисти филтрите" }
            }
        }
        @let others = errors.others(&["kind", "channel", "status", "department_id"]);
        @for message in &others { (layout::alert(message)) }
        @if !errors.is_empty() {
            p { "Поправете филтрите, за да видите преписките." }
        } @else {
            (cases_table(&cases, today, &app))
        }
    };
    let page = layout::page("Входящи", Some(&staff), Section::Inbox, body);
    if errors.is_empty() {
        Ok(page.into_response())
    } else {
        Ok(rerender(page))
    }
}

fn reminders_section(reminders: &[StaffReminder]) -> Markup {
    if reminders.is_empty() {
        return html! {};
    }
    html! {
        section.panel aria-labelledby="reminders-title" {
            h2 id="reminders-title" { "Моите напомняния" }
            ul {
                @for r in reminders.iter().take(REMINDERS_SHOWN) {
                    li {
                        a href=(format!("/staff/cases/{}", r.number)) { (r.number.to_string()) }
                        " — " (r.subject) " — "
                        strong { (reminder_label(r.kind.as_str())) }
                        " (срок " (layout::date_bg(r.due)) ")"
                    }
                }
            }
            @if reminders.len() > REMINDERS_SHOWN {
                p.hint { "Показани са последните " (REMINDERS_SHOWN) " от " (reminders.len()) "." }
            }
        }
    }
}

fn cases_table(cases: &[CaseSummary], today: jiff::civil::Date, app: &AppState) -> Markup {
    if cases.is_empty() {
        return html! { p { "Няма преписки по тези условия." } };
    }
    html! {
        div.table-wrap {
            table.stacked {
                caption { "Преписки: " (cases.len()) " (първо просрочените, после по краен срок)" }
                thead {
                    tr {
                        th scope="col" { "Номер" }
                        th scope="col" { "Относно" }
                        th scope="col" { "Вид" }
                        th scope="col" { "Статус" }
                        th scope="col" { "Получено" }
                        th scope="col" { "Краен срок" }
                        th scope="col" { "Отдел / служител" }
                    }
                }
                tbody {
                    @for c in cases {
                        tr {
                            th scope="row" data-label="Номер" {
                                a href=(format!("/staff/cases/{}", c.number)) { (c.number.to_string()) }
                            }
                            td data-label="Относно" { (c.subject) }
                            td data-label="Вид" { (c.kind.label_bg()) br; span.hint { (c.channel.label_bg()) } }
                            td data-label="Статус" { (c.status.label_bg()) }
                            td data-label="Получено" { (layout::time_bg(c.received_at)) }
                            td data-label="Краен срок" {
                                @if let Some(due) = c.answer_due { (layout::date_bg(due)) br; }
                                @if c.status.is_open() {
                                    (layout::urgency_badge(urgency(c.answer_due, today, &app.calendar)))
                                }
                            }
                            td data-label="Отдел / служител" {
                                (c.department_name.as_deref().unwrap_or("—"))
                                @if let Some(name) = &c.assignee_name { br; (name) }
                            }
                        }
                    }
                }
            }
        }
    }
}
