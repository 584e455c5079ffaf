//! `GET /staff/search`: full-text search in Bulgarian (inflected forms and Latin letters find
//! the same cases) over what the member of staff may read, with filters as a plain GET form,
//! highlighted extracts and paging. Also the case page's panel of possible duplicates.

use super::layout::{self, FormErrors, Input, Section, Select};
use super::{PageError, StaffPage, rerender};
use crate::state::AppState;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use maud::{Markup, PreEscaped, html};
use priemna_app::search::{self, PER_PAGE, Results};
use priemna_app::staff::Staff;
use priemna_domain::access::{self, Role};
use priemna_domain::workflow::CaseAction;
use priemna_domain::{Channel, Kind, Status};
use priemna_store::CaseRecord;
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new().route("/staff/search", get(page))
}

/// The query string of `query` with `page` replaced.
fn page_link(query: &HashMap<String, String>, page: usize) -> String {
    let mut pairs: Vec<(&str, String)> = [
        "q",
        "kind",
        "channel",
        "status",
        "department_id",
        "from",
        "to",
    ]
    .into_iter()
    .filter_map(|k| {
        query
            .get(k)
            .filter(|v| !v.trim().is_empty())
            .map(|v| (k, v.clone()))
    })
    .collect();
    pairs.push(("page", page.to_string()));
    let encoded: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    format!("/staff/search?{}", encoded.join("&"))
}

fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `GET /staff/search`.
pub async fn page(
    State(app): State<AppState>,
    StaffPage(staff): StaffPage,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let to_page = PageError::to(&staff);
    access::case_scope(&staff.user.actor()).map_err(|d| to_page(d.into()))?;
    let departments = app
        .store
        .departments()
        .await
        .map_err(|e| to_page(e.into()))?;
    let asked = query.keys().any(|k| k != "page");
    let (results, errors) = match search::parse_request(&query) {
        Ok(request) if asked => (
            Some(
                search::search(&app, &staff, &request)
                    .await
                    .map_err(&to_page)?,
            ),
            FormErrors::default(),
        ),
        Ok(_) => (None, FormErrors::default()),
        Err(fields) => (None, FormErrors::new(fields)),
    };
    let own_department = (staff.user.role == Role::DepartmentHead)
        .then_some(staff.user.department_id)
        .flatten();
    let get = |k: &str| query.get(k).map(String::as_str).unwrap_or("");
    let body = html! {
        h1 { "Търсене на преписки" }
        form.filters method="get" action="/staff/search" role="search" aria-label="Търсене" {
            (Input {
                id: "q", name: "q", label: "Думи или номер", value: get("q"),
                hint: Some("Намира и други форми на думите; може и на латиница („dupka na ulicata“)."),
                error: errors.get("q"), maxlength: Some(500), ..Input::default()
            }.render())
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
                options: layout::options_with_none("всички статуси",
                    std::iter::once(("open".to_owned(), "само отворените".to_owned())).chain(
                    Status::ALL.iter().map(|s| (s.as_str().to_owned(), s.label_bg().to_owned())))),
                error: errors.get("status"), ..Select::default()
            }.render())
            @if staff.user.role != Role::CaseOfficer {
                (Select {
                    id: "department_id", name: "department_id", label: "Отдел",
                    selected: get("department_id"),
                    options: layout::options_with_none(
                        if own_department.is_some() { "моят отдел" } else { "всички отдели" },
                        departments.iter()
                            .filter(|d| own_department.is_none_or(|own| own == d.id))
                            .map(|d| (d.id.to_string(), d.name.clone()))),
                    error: errors.get("department_id"), ..Select::default()
                }.render())
            }
            (Input {
                id: "from", name: "from", label: "Получени от", value: get("from"), kind: "date",
                error: errors.get("from"), ..Input::default()
            }.render())
            (Input {
                id: "to", name: "to", label: "до", value: get("to"), kind: "date",
                error: errors.get("to"), ..Input::default()
            }.render())
            div.field { button type="submit" { "Търси" } }
        }
        @for message in &errors.others(&["q", "kind", "channel", "status", "department_id", "from", "to"]) {
            (layout::alert(message))
        }
        @if let Some(results) = &results {
            (results_section(results, &query))
        }
    };
    let page = layout::page("Търсене", Some(&staff), Section::Search, body);
    if errors.is_empty() {
        Ok(page.into_response())
    } else {
        Ok(rerender(page))
    }
}

fn results_section(results: &Results, query: &HashMap<String, String>) -> Markup {
    let pages = results.total.div_ceil(PER_PAGE).max(1);
    html! {
        h2 id="results-title" { "Намерени преписки: " (results.total) }
        @if results.found.is_empty() {
            p { "Няма преписки, които да отговарят на търсенето и да имате право да виждате." }
        } @else {
            ol.results aria-labelledby="results-title" start=((results.page - 1) * PER_PAGE + 1) {
                @for f in &results.found {
                    li {
                        p {
                            a href=(format!("/staff/cases/{}", f.case.number)) {
                                strong { (f.case.number.to_string()) " — " (f.case.subject) }
                            }
                        }
                        p.hint {
                            (f.case.kind.label_bg()) " · " (f.case.status.label_bg()) " · "
                            (layout::time_bg(f.case.received_at))
                            @if let Some(a) = &f.case.address { " · " (a) }
                        }
                        // The extract is HTML-escaped by the index; only <b> is added.
                        p { (PreEscaped(&f.snippet_html)) }
                    }
                }
            }
        }
        @if pages > 1 {
            nav.pager aria-label="Страници" {
                @if results.page > 1 {
                    a href=(page_link(query, results.page - 1)) rel="prev" { "← Предишна" }
                }
                span { "Страница " (results.page) " от " (pages) }
                @if results.page < pages {
                    a href=(page_link(query, results.page + 1)) rel="next" { "Следваща →" }
                }
            }
        }
    }
}

/// The case page's panel: open cases that look like the same problem, each with a button to
/// merge this case into it when the member of staff may.
pub async fn duplicates_panel(app: &AppState, staff: &Staff, case: &CaseRecord) -> Markup {
    let list = search::possible_duplicates(app, staff, case).await;
    if list.is_empty() {
        return html! {};
    }
    let may_merge = access::check(
        &staff.user.actor(),
        CaseAction::MarkDuplicate.permission(),
        Some(&case.facts()),
    )
    .is_ok()
        && priemna_domain::workflow::next_status(case.status, CaseAction::MarkDuplicate).is_ok();
    html! {
        section.panel aria-labelledby="duplicates-title" {
            h2 id="duplicates-title" { "Възможни дубликати" }
            p.hint { "Отворени преписки от същия вид от последните 90 дни с подобен текст или същия адрес." }
            ul {
                @for d in &list {
                    li {
                        a href=(format!("/staff/cases/{}", d.case.number)) { (d.case.number.to_string()) }
                        " — " (d.case.subject) " "
                        span.hint {
                            "(сходство " ((d.similarity * 100.0).round()) " %"
                            @if d.same_address { ", същият адрес" }
                            ", получена " (layout::time_bg(d.case.received_at)) ")"
                        }
                        @if may_merge {
                            form method="post" action=(format!("/staff/cases/{}/act", case.number)) {
                                (layout::csrf_field(staff))
                                input type="hidden" name="action" value="mark_duplicate";
                                input type="hidden" name="of" value=(d.case.number.to_string());
                                input type="hidden" name="reason"
                                    value=(format!("Същият проблем като преписка {}.", d.case.number));
                                button.secondary type="submit" {
                                    "Обедини с " (d.case.number.to_string())
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
