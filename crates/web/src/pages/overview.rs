//! `GET /staff/overview`: the deadlines per department — open cases, those due within two
//! working days, the overdue ones and their list. A head of department sees their own
//! department; the Mayor's office and the auditor see every department (and the cases not yet
//! routed to one).

use super::layout::{self, Section};
use super::{PageError, StaffPage};
use crate::state::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use maud::{Markup, html};
use priemna_app::staff::Staff;
use priemna_domain::DepartmentId;
use priemna_domain::access::{self, Permission};
use priemna_domain::clock::local_date;
use priemna_domain::workflow::{Urgency, urgency};
use priemna_store::{CaseSummary, InboxFilter};

/// The store returns at most this many cases per call; the overview reads page after page.
const PAGE: u32 = 1000;
/// A bound on how many open cases the overview reads.
const MAX_PAGES: u32 = 100;

/// One row of the overview: a department (or none) and its open cases.
struct Group {
    id: Option<DepartmentId>,
    name: String,
    open: usize,
    due_soon: usize,
    overdue: Vec<(CaseSummary, Option<bool>)>,
}

/// `GET /staff/overview`.
pub async fn page(
    State(app): State<AppState>,
    StaffPage(staff): StaffPage,
) -> Result<Response, PageError> {
    let to_page = PageError::to::<crate::error::ApiError>(&staff);
    let actor = staff.user.actor();
    priemna_app::refusals::check(
        &app,
        &staff,
        Permission::ViewDepartmentOverview,
        priemna_app::refusals::Target::Page("/staff/overview"),
    )
    .await
    .map_err(|d| to_page(d.into()))?;
    let departments = app
        .store
        .departments()
        .await
        .map_err(|e| to_page(e.into()))?;
    let departments: Vec<_> = departments
        .into_iter()
        .filter(|d| access::check_department_overview(&actor, d.id).is_ok())
        .collect();
    // The cases counted are those of the reader's scope (a head's department only), with the
    // whole load of each department: complaints about its employees are counted, though the
    // lists below name only what the reader may open.
    let scope = access::CaseScope {
        hide_about_employee: false,
        ..access::case_scope(&actor).map_err(|d| to_page(d.into()))?
    };
    let only = scope.department_id;
    let mut cases = Vec::new();
    for page in 0..MAX_PAGES {
        let filter = InboxFilter {
            open_only: true,
            limit: PAGE,
            offset: page * PAGE,
            ..InboxFilter::within(&scope)
        };
        let batch = app
            .store
            .inbox(&filter)
            .await
            .map_err(|e| to_page(e.into()))?;
        let last = batch.len() < PAGE as usize;
        cases.extend(batch);
        if last {
            break;
        }
    }

    let today = local_date(app.clock.now());
    let mut groups: Vec<Group> = departments
        .iter()
        .map(|d| Group {
            id: Some(d.id),
            name: d.name.clone(),
            open: 0,
            due_soon: 0,
            overdue: Vec::new(),
        })
        .collect();
    if only.is_none() {
        groups.push(Group {
            id: None,
            name: "Без отдел (още не са възложени)".to_owned(),
            open: 0,
            due_soon: 0,
            overdue: Vec::new(),
        });
    }
    for case in cases {
        let Some(group) = groups.iter_mut().find(|g| g.id == case.department_id) else {
            continue;
        };
        group.open += 1;
        match urgency(case.answer_due, today, &app.calendar) {
            Urgency::Overdue => group.overdue.push((case, None)),
            Urgency::DueSoon => group.due_soon += 1,
            Urgency::OnTrack | Urgency::NoDeadline => {}
        }
    }
    // The overdue lists name only cases the viewer may open (a complaint about an employee is
    // not a head of department's to read, even in their department).
    for group in &mut groups {
        for (case, visible) in &mut group.overdue {
            *visible = Some(may_view(&app, &staff, case).await);
        }
    }
    if only.is_none() {
        groups.retain(|g| g.id.is_some() || g.open > 0);
    }

    let body = html! {
        h1 { "Срокове по отдели" }
        p {
            "Отворени преписки към " (layout::date_bg(today)) ". "
            "„Изтичащи“ са тези с краен срок до 2 работни дни (включително днес)."
        }
        @if groups.is_empty() {
            p { "Няма отдели за показване." }
        } @else {
            (summary_table(&groups))
            @for group in &groups {
                (overdue_section(group, today))
            }
        }
    };
    Ok(layout::page("Срокове по отдели", Some(&staff), Section::Overview, body).into_response())
}

async fn may_view(app: &AppState, staff: &Staff, case: &CaseSummary) -> bool {
    match app.store.case_by_number(case.number).await {
        Ok(Some(record)) => access::check(
            &staff.user.actor(),
            Permission::ViewCase,
            Some(&record.facts()),
        )
        .is_ok(),
        _ => false,
    }
}

fn group_anchor(group: &Group) -> String {
    match group.id {
        Some(id) => format!("department-{id}"),
        None => "department-none".to_owned(),
    }
}

fn summary_table(groups: &[Group]) -> Markup {
    html! {
        div.table-wrap {
            table.stacked {
                caption { "Отворени, изтичащи и просрочени преписки" }
                thead {
                    tr {
                        th scope="col" { "Отдел" }
                        th scope="col" { "Отворени" }
                        th scope="col" { "Изтичащи до 2 работни дни" }
                        th scope="col" { "Просрочени" }
                    }
                }
                tbody {
                    @for g in groups {
                        tr {
                            th scope="row" data-label="Отдел" { (g.name) }
                            td data-label="Отворени" { (g.open) }
                            td data-label="Изтичащи до 2 работни дни" {
                                @if g.due_soon > 0 {
                                    span.urgency.due-soon { (g.due_soon) }
                                } @else { "0" }
                            }
                            td data-label="Просрочени" {
                                @if g.overdue.is_empty() { "0" } @else {
                                    a href=(format!("#{}", group_anchor(g))) {
                                        span.urgency.overdue { (g.overdue.len()) }
                                        span.visually-hidden { " — към списъка" }
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

fn overdue_section(group: &Group, today: Date) -> Markup {
    if group.overdue.is_empty() {
        return html! {};
    }
    let anchor = group_anchor(group);
    html! {
        section id=(anchor) aria-labelledby=(format!("{anchor}-title")) {
            h2 id=(format!("{anchor}-title")) { "Просрочени: " (group.name) }
            div.table-wrap {
                table.stacked {
                    thead {
                        tr {
                            th scope="col" { "Номер" }
                            th scope="col" { "Относно" }
                            th scope="col" { "Краен срок" }
                            th scope="col" { "Закъснение" }
                            th scope="col" { "Служител" }
                        }
                    }
                    tbody {
                        @for (case, visible) in &group.overdue {
                            tr {
                                @if *visible == Some(true) {
                                    th scope="row" data-label="Номер" {
                                        a href=(format!("/staff/cases/{}", case.number)) {
                                            (case.number.to_string())
                                        }
                                    }
                                    td data-label="Относно" { (case.subject) }
                                } @else {
                                    th scope="row" data-label="Номер" { (case.number.to_string()) }
                                    td data-label="Относно" { span.hint { "нямате достъп до съдържанието" } }
                                }
                                td data-label="Краен срок" { @if let Some(due) = case.answer_due { (layout::date_bg(due)) } }
                                td data-label="Закъснение" { (days_late(case.answer_due, today)) }
                                td data-label="Служител" { (case.assignee_name.as_deref().unwrap_or("—")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// "3 дни" after the due date (calendar days).
fn days_late(due: Option<Date>, today: Date) -> String {
    let Some(due) = due else {
        return "—".to_owned();
    };
    let days = due.until(today).map(|span| span.get_days()).unwrap_or(0);
    if days == 1 {
        "1 ден".to_owned()
    } else {
        format!("{days} дни")
    }
}
