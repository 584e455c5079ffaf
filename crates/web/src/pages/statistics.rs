//! `GET /staff/statistics?year=&department=`: the statistics for the back office (any signed-in
//! member of staff) — the public figures, and for each department how it keeps its deadlines
//! (on-time share, overdue now, median and 90th-percentile days) and its department × kind
//! table; `department=ID` narrows the page to one department. The cases behind the figures can
//! be downloaded as CSV (`/staff/statistics/cases.csv`, see `crate::stats::cases_csv`).

use super::layout::{self, Section};
use super::{PageError, StaffPage};
use crate::error::ApiError;
use crate::lang::Lang;
use crate::state::AppState;
use crate::stats::sections;
use crate::stats::svg::{self, Bar, Caption};
use crate::stats::view::{self, Axis, Breakdowns, days, int, percent};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use maud::{Markup, html};
use priemna_app::stats::{StatsView, load_cached};
use priemna_domain::access::{self, Permission};
use priemna_domain::clock::{local_date, municipal_tz};
use priemna_domain::stats::{Period, Tally};
use priemna_domain::{DepartmentId, Kind};
use std::collections::HashMap;

const LANG: Lang = Lang::Bg;

fn time(at: Timestamp) -> String {
    at.to_zoned(municipal_tz())
        .strftime("%d.%m.%Y %H:%M")
        .to_string()
}

fn query_of(period: Period, department: Option<DepartmentId>) -> String {
    let whole_year = period.from.year() == period.to.year()
        && period.from.month() == 1
        && period.to.month() == 12;
    let mut query = if whole_year {
        format!("year={}", period.from.year())
    } else {
        format!("from={}&to={}", period.from, period.to)
    };
    if let Some(d) = department {
        query.push_str(&format!("&department={d}"));
    }
    query
}

/// The same period and department as form fields (for a form that asks for more).
fn period_fields(period: Period, department: Option<DepartmentId>) -> Vec<(&'static str, String)> {
    let whole_year = period.from.year() == period.to.year()
        && period.from.month() == 1
        && period.to.month() == 12;
    let mut fields = if whole_year {
        vec![("year", period.from.year().to_string())]
    } else {
        vec![
            ("from", period.from.to_string()),
            ("to", period.to.to_string()),
        ]
    };
    if let Some(d) = department {
        fields.push(("department", d.to_string()));
    }
    fields
}

/// The deadline figures of one department, as a definition list.
fn department_figures(t: &Tally) -> Markup {
    html! {
        dl.facts id="department-figures" {
            dt { "Получени" } dd { (int(t.received, LANG)) }
            dt { "Отговорени" } dd { (int(t.answered, LANG)) }
            dt { "Отговорени в срок" } dd { (int(t.on_time, LANG)) " (" (percent(t.on_time_share(), LANG)) ")" }
            dt { "Със закъснение" } dd { (int(t.late, LANG)) }
            dt { "Спазено обещание" } dd { (percent(t.kept_share(), LANG)) }
            dt { "Просрочени сега" } dd id="department-overdue" { (int(t.overdue, LANG)) }
            dt { "В срок, в процес" } dd { (int(t.open, LANG)) }
            dt { "Време за отговор, медиана" } dd { (days(t.median_days(), LANG)) }
            dt { "Време за отговор, 90-и перцентил" } dd { (days(t.p90_days(), LANG)) }
        }
    }
}

/// Each department's deadlines: a chart of the overdue cases and the full table.
fn departments(
    view: &StatsView,
    department_query: impl Fn(Option<DepartmentId>) -> String,
) -> Markup {
    let rows = view.breakdown(Axis::Department).rows;
    let bars: Vec<Bar> = rows
        .iter()
        .map(|r| Bar::new(r.label_bg.clone(), r.tally.overdue))
        .collect();
    let desc = bars
        .iter()
        .map(|b| format!("{} — {}", b.label, b.shown))
        .collect::<Vec<_>>()
        .join("; ");
    let caption = Caption {
        id: "staff-overdue-chart",
        title: "Просрочени преписки по звена",
        desc: &desc,
    };
    html! {
        section aria-labelledby="departments-heading" {
            h2 id="departments-heading" { "Звената и сроковете" }
            @if rows.is_empty() {
                p { "Няма преписки за периода." }
            } @else {
                figure.chart-figure { (svg::bar_chart(&caption, &bars)) }
                div.table-wrap tabindex="0" role="region" aria-label="Сроковете по звена" {
                    table.stacked id="departments-table" {
                        caption { "Сроковете по звена, " (view::period_label(view.period, LANG)) }
                        thead { tr {
                            th scope="col" { "Звено" }
                            th scope="col" { "Получени" }
                            th scope="col" { "Отговорени" }
                            th scope="col" { "Дял в срок" }
                            th scope="col" { "Спазено обещание" }
                            th scope="col" { "Просрочени сега" }
                            th scope="col" { "Медиана, дни" }
                            th scope="col" { "90-и перцентил, дни" }
                        } }
                        tbody {
                            @for row in &rows {
                                @let id = row.value.parse::<DepartmentId>().ok();
                                tr data-value=(row.value) {
                                    th scope="row" data-label="Звено" {
                                        @if id.is_some() {
                                            a href=(format!("/staff/statistics?{}", department_query(id))) { (row.label_bg) }
                                        } @else { (row.label_bg) }
                                    }
                                    td data-label="Получени" { (int(row.tally.received, LANG)) }
                                    td data-label="Отговорени" { (int(row.tally.answered, LANG)) }
                                    td data-label="Дял в срок" { (percent(row.tally.on_time_share(), LANG)) }
                                    td data-label="Спазено обещание" { (percent(row.tally.kept_share(), LANG)) }
                                    td data-label="Просрочени сега" { (int(row.tally.overdue, LANG)) }
                                    td data-label="Медиана, дни" { (row.tally.median_days().map(|d| d.to_string()).unwrap_or_else(|| "—".into())) }
                                    td data-label="90-и перцентил, дни" { (row.tally.p90_days().map(|d| d.to_string()).unwrap_or_else(|| "—".into())) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Department × kind: the cases received, one row per department, one column per kind that has
/// cases.
fn department_kind_matrix(view: &StatsView) -> Markup {
    let departments: Vec<Option<DepartmentId>> =
        view.report.by_department.iter().map(|(d, _)| *d).collect();
    let kinds: Vec<Kind> = Kind::ALL
        .into_iter()
        .filter(|k| view.report.kind(*k).received > 0)
        .collect();
    html! {
        section aria-labelledby="department-kind-heading" {
            h2 id="department-kind-heading" { "Звено × вид" }
            @if departments.is_empty() {
                p { "Няма преписки за периода." }
            } @else {
                div.table-wrap tabindex="0" role="region" aria-label="Звено × вид" {
                    table.stacked id="department-kind-table" {
                        caption { "Получени преписки по звено и вид, " (view::period_label(view.period, LANG)) }
                        thead { tr {
                            th scope="col" { "Звено" }
                            @for kind in &kinds { th scope="col" { (kind.label_bg()) } }
                            th scope="col" { "Общо" }
                        } }
                        tbody {
                            @for department in &departments {
                                @let cells = view.kinds_of_department(*department);
                                tr {
                                    th scope="row" data-label="Звено" { (view.department_name(*department, true)) }
                                    @for kind in &kinds {
                                        td data-label=(kind.label_bg()) { (cells.iter().find(|(k, _)| k == kind).map(|(_, t)| t.received).unwrap_or(0)) }
                                    }
                                    td data-label="Общо" { (view.department(*department).received) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// One department's page: its deadline figures and its table by kind.
fn one_department(view: &StatsView, department: DepartmentId) -> Markup {
    let tally = view.department(Some(department));
    let rows: Vec<view::Row> = view
        .kinds_of_department(Some(department))
        .into_iter()
        .map(|(kind, tally)| view::Row {
            value: kind.as_str().to_owned(),
            label_bg: kind.label_bg().to_owned(),
            label_en: kind.label_en().to_owned(),
            tally,
        })
        .collect();
    let name = view.department_name(Some(department), true);
    html! {
        section aria-labelledby="department-heading" {
            h2 id="department-heading" { "Звено: " (name) }
            (department_figures(&tally))
            (sections::measures_table(
                "department-kinds-table",
                &format!("{name} — по вид, {}", view::period_label(view.period, LANG)),
                "Вид",
                &rows,
                LANG,
            ))
        }
    }
}

/// `GET /staff/statistics`.
pub async fn page(
    State(app): State<AppState>,
    StaffPage(staff): StaffPage,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let to_page = PageError::to(&staff);
    let today = local_date(app.clock.now());
    let period = view::period_from_query(&query, today).map_err(&to_page)?;
    let department = view::department_from_query(&query).map_err(&to_page)?;
    let view = load_cached(&app, period)
        .await
        .map_err(|e| to_page(ApiError::from(e)))?;
    let months = app
        .store
        .stats_months()
        .await
        .map_err(|e| to_page(ApiError::from(e)))?;
    let mut years = view::years_of(&months);
    if !years.contains(&today.year()) {
        years.push(today.year());
    }
    years.sort_unstable();
    let selected_year = (period.from.year() == period.to.year()
        && period.from.month() == 1
        && period.to.month() == 12)
        .then_some(period.from.year());
    let department_query = |d: Option<DepartmentId>| query_of(period, d);
    let may_export_personal =
        access::reach(staff.user.role, Permission::ViewPersonalData) != access::Reach::Never;
    let title = format!("Статистика — {}", view::period_label(period, LANG));
    let body = html! {
        h1 { (title) }
        (sections::freshness(&view, LANG, time))
        form.filters method="get" action="/staff/statistics" {
            div.field {
                label for="year" { "Година" }
                select id="year" name="year" {
                    @for year in years.iter().rev() {
                        option value=(year) selected[selected_year == Some(*year)] { (year) }
                    }
                }
            }
            div.field {
                label for="department" { "Звено" }
                select id="department" name="department" {
                    option value="" selected[department.is_none()] { "всички звена" }
                    @for (id, name) in &view.departments {
                        option value=(id) selected[department == Some(*id)] { (name) }
                    }
                }
            }
            div.field { button type="submit" { "Покажи" } }
        }
        p {
            a href=(format!("/staff/statistics/cases.csv?{}", department_query(department))) {
                "Преписките за периода (CSV за Excel)"
            }
            " ("
            a href=(format!("/staff/statistics/cases.csv?format=codes&{}", department_query(department))) {
                "с кодове, за програми"
            }
            ")"
            " · "
            a href=(format!("/statistics?{}", query_of(period, None))) { "Публичната страница" }
            @if let Some(year) = selected_year {
                " · "
                a href=(format!("/statistics/report/{year}")) { "Годишен отчет" }
                " ("
                a href=(format!("/statistics/report/{year}.pdf")) { "PDF" }
                ")"
            }
        }
        p.hint {
            "Файлът с преписките съдържа само преписките, до които имате достъп, без данни на подателите."
        }
        @if may_export_personal {
            form.filters method="get" action="/staff/statistics/cases.csv" {
                @for (name, value) in period_fields(period, department) {
                    input type="hidden" name=(name) value=(value);
                }
                input type="hidden" name="personal" value="1";
                div.field {
                    label for="reason" { "Основание за изтегляне с данните на подателите" }
                    input type="text" id="reason" name="reason" required minlength="10" maxlength="500"
                        aria-describedby="reason-hint";
                    p.hint id="reason-hint" {
                        "Напр. „Проверка по жалба вх. № …“. Записва се в дневника заедно с броя на преписките с лични данни."
                    }
                }
                div.field { button type="submit" { "Изтегли с лични данни (CSV)" } }
            }
        }
        @match department {
            Some(id) => {
                p { a href=(format!("/staff/statistics?{}", query_of(period, None))) { "← Всички звена" } }
                (one_department(&view, id))
            }
            None => {
                section aria-labelledby="key-figures-heading" {
                    h2 id="key-figures-heading" { "Основни данни" }
                    (sections::key_figures(&view, LANG))
                }
                (sections::outcomes(&view, LANG, "stats-outcomes"))
                (departments(&view, department_query))
                (department_kind_matrix(&view))
                (sections::breakdown(&view, Axis::Month, LANG))
                (sections::breakdown(&view, Axis::Kind, LANG))
                (sections::breakdown(&view, Axis::Channel, LANG))
                (sections::breakdown(&view, Axis::Category, LANG))
                (sections::breakdown(&view, Axis::Rule, LANG))
                (sections::satisfaction(&view, LANG))
                (sections::topics(&view, LANG))
            }
        }
    };
    Ok(layout::page(&title, Some(&staff), Section::Statistics, body).into_response())
}
