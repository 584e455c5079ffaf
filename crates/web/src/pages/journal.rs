//! `GET /staff/journal`: the journal as an auditor reads it — people's names and roles, actions
//! in Bulgarian, the case's registration number, the details in words — filtered by person,
//! case, action and period, newest first, page by page from an entry (keyset paging, as fast on
//! the thousandth page as on the first); and whether the hash chain verifies.
//! `GET /staff/journal.csv`: the filtered entries for Bulgarian Excel, journalled itself.
//! For auditors and administrators (`ViewJournal`); a refusal is journalled.

use super::layout::{self, Input, Section, Select};
use super::{PageError, RERENDER_STATUS, StaffPage};
use crate::audit::{self, Described, Directory};
use crate::error::ApiError;
use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use jiff::civil::Date;
use maud::{Markup, html};
use priemna_app::refusals::{self, Target};
use priemna_app::staff::Staff;
use priemna_domain::RegistrationNumber;
use priemna_domain::access::{self, Permission};
use priemna_domain::clock::municipal_tz;
use priemna_store::{JournalCursor, JournalFilter, JournalVerdict};
use serde_json::json;
use std::collections::HashMap;

/// Entries per page.
const PAGE: u32 = 50;
/// Entries read at a time for the CSV.
const CSV_BATCH: u32 = 1000;
/// The journal's action for its own export.
pub const EXPORT_ACTION: &str = "export_journal";

/// The filter form as sent, and what it means.
#[derive(Debug, Default)]
struct Form {
    person: String,
    case: String,
    action: String,
    from: String,
    to: String,
}

impl Form {
    fn from_query(query: &HashMap<String, String>) -> Form {
        let get = |k: &str| {
            query
                .get(k)
                .map(|v| v.trim().to_owned())
                .unwrap_or_default()
        };
        Form {
            person: get("person"),
            case: get("case"),
            action: get("action"),
            from: get("from"),
            to: get("to"),
        }
    }

    fn is_empty(&self) -> bool {
        self.person.is_empty()
            && self.case.is_empty()
            && self.action.is_empty()
            && self.from.is_empty()
            && self.to.is_empty()
    }

    /// The query string of the filters (for the pager and the CSV link).
    fn query(&self) -> String {
        let pairs = [
            ("person", &self.person),
            ("case", &self.case),
            ("action", &self.action),
            ("from", &self.from),
            ("to", &self.to),
        ];
        pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// Percent-encodes a query value.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b':' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The errors of the filter form, by field, in Bulgarian.
#[derive(Debug, Default)]
struct Errors(HashMap<&'static str, String>);

impl Errors {
    fn get(&self, field: &str) -> Option<String> {
        self.0.get(field).cloned()
    }
}

/// A date as people type it: 2026-03-02 (the date control) or 02.03.2026.
fn parse_date(s: &str) -> Option<Date> {
    if let Ok(d) = s.parse::<Date>() {
        return Some(d);
    }
    let mut parts = s.split('.').map(str::trim);
    let (day, month, year) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    Date::new(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?).ok()
}

/// A registration number as people type it: 2026-000018, or 2026-18.
fn parse_number(s: &str) -> Option<RegistrationNumber> {
    if let Ok(n) = s.parse() {
        return Some(n);
    }
    let (year, sequence) = s.split_once(['-', '/'])?;
    RegistrationNumber::new(year.trim().parse().ok()?, sequence.trim().parse().ok()?)
}

/// The start of a municipal day.
fn day_start(d: Date) -> Option<Timestamp> {
    d.to_zoned(municipal_tz()).ok().map(|z| z.timestamp())
}

/// Reads the filter form into a store filter, or the errors next to each field.
async fn filter_of(
    app: &AppState,
    dir: &Directory,
    form: &Form,
) -> Result<Result<JournalFilter, Errors>, ApiError> {
    let mut errors = Errors::default();
    let mut filter = JournalFilter::default();
    if !form.person.is_empty() {
        match dir.person_actors(&form.person) {
            Some(actors) => filter.actors = actors,
            None => {
                errors
                    .0
                    .insert("person", "Изберете човек от списъка.".to_owned());
            }
        }
    }
    if !form.case.is_empty() {
        match parse_number(&form.case) {
            None => {
                errors.0.insert(
                    "case",
                    "Напишете регистрационен номер, например 2026-000123.".to_owned(),
                );
            }
            Some(number) => match app.store.case_by_number(number).await? {
                Some(case) => filter.submission_id = Some(case.id),
                None => {
                    errors
                        .0
                        .insert("case", format!("Няма преписка с номер {number}."));
                }
            },
        }
    }
    if !form.action.is_empty() {
        if audit::known_action(&form.action) {
            filter.action = Some(form.action.clone());
        } else {
            errors
                .0
                .insert("action", "Изберете действие от списъка.".to_owned());
        }
    }
    let mut dates = [None, None];
    for (i, (field, value)) in [("from", &form.from), ("to", &form.to)].iter().enumerate() {
        if value.is_empty() {
            continue;
        }
        match parse_date(value) {
            Some(d) => dates[i] = Some(d),
            None => {
                errors.0.insert(
                    field,
                    "Напишете дата, например 02.03.2026 или 2026-03-02.".to_owned(),
                );
            }
        }
    }
    if let [Some(from), Some(to)] = dates
        && to < from
    {
        errors.0.insert(
            "to",
            "Крайната дата е преди началната; разменете ги.".to_owned(),
        );
    }
    filter.from = dates[0].and_then(day_start);
    filter.until = dates[1].and_then(|d| d.tomorrow().ok()).and_then(day_start);
    Ok(if errors.0.is_empty() {
        Ok(filter)
    } else {
        Err(errors)
    })
}

/// Checks `ViewJournal`, journalling a refusal.
async fn require(app: &AppState, staff: &Staff, page: &'static str) -> Result<(), PageError> {
    refusals::check(app, staff, Permission::ViewJournal, Target::Page(page))
        .await
        .map_err(|d| PageError::new(d.into(), Some(staff)))
}

fn cursor_of(query: &HashMap<String, String>) -> JournalCursor {
    let id = |k: &str| query.get(k).and_then(|v| v.trim().parse::<i64>().ok());
    match (id("before"), id("after")) {
        (Some(before), _) => JournalCursor::Before(before),
        (None, Some(after)) => JournalCursor::After(after),
        (None, None) => JournalCursor::Latest,
    }
}

/// `GET /staff/journal`.
pub async fn page(
    State(app): State<AppState>,
    StaffPage(staff): StaffPage,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let to_page = PageError::to(&staff);
    require(&app, &staff, "/staff/journal").await?;
    let mut dir = Directory::load(&app).await.map_err(&to_page)?;
    let form = Form::from_query(&query);
    let cursor = cursor_of(&query);
    let filter = match filter_of(&app, &dir, &form).await.map_err(&to_page)? {
        Ok(filter) => filter,
        Err(errors) => {
            let body = html! {
                h1 { "Дневник на действията" }
                (filter_form(&dir, &form, &errors))
            };
            return Ok((
                RERENDER_STATUS,
                layout::page("Дневник", Some(&staff), Section::Journal, body),
            )
                .into_response());
        }
    };
    // The whole chain is walked on the journal's first page only: filtering and paging stay
    // fast however long the journal grows.
    let landing = form.is_empty() && cursor == JournalCursor::Latest;
    let verdict = if landing {
        Some(
            app.store
                .verify_journal()
                .await
                .map_err(|e| to_page(e.into()))?,
        )
    } else {
        None
    };
    let mut entries = app
        .store
        .journal_page(&filter, cursor, PAGE + 1)
        .await
        .map_err(|e| to_page(e.into()))?;
    let more = entries.len() > PAGE as usize;
    entries.truncate(PAGE as usize);
    if matches!(cursor, JournalCursor::After(_)) {
        entries.reverse();
    }
    // Newer entries exist when this page started from one; older ones when the store had more.
    let (newer, older) = match cursor {
        JournalCursor::Latest => (false, more),
        JournalCursor::Before(_) => (true, more),
        JournalCursor::After(_) | JournalCursor::Oldest => (more, true),
    };
    let (count, _) = app
        .store
        .journal_count(&filter)
        .await
        .map_err(|e| to_page(e.into()))?;
    dir.add_cases(&app, &entries).await.map_err(&to_page)?;
    let rows: Vec<Described> = entries.iter().map(|e| dir.describe(e)).collect();
    let actor = staff.user.actor();
    let may_open = |d: &Described| {
        d.case
            .as_ref()
            .is_some_and(|c| access::check(&actor, Permission::ViewCase, Some(&c.facts)).is_ok())
    };
    let filters = form.query();
    let link = |cursor: &str| {
        if filters.is_empty() {
            format!("/staff/journal?{cursor}")
        } else {
            format!("/staff/journal?{filters}&{cursor}")
        }
    };
    let csv = if filters.is_empty() {
        "/staff/journal.csv".to_owned()
    } else {
        format!("/staff/journal.csv?{filters}")
    };
    let broken_id = match &verdict {
        Some(JournalVerdict::Broken { entry_id, .. }) => Some(*entry_id),
        _ => None,
    };

    let body = html! {
        h1 { "Дневник на действията" }
        @match &verdict {
            Some(JournalVerdict::Intact { entries }) => {
                div.notice role="status" {
                    p {
                        strong { "Веригата на дневника е непокътната: " }
                        "проверени са " (entries) " " (records(*entries))
                        " и всеки съвпада с предходния."
                    }
                }
            }
            Some(JournalVerdict::Broken { entry_id, problem }) => {
                div.alert role="alert" {
                    p {
                        strong { "Веригата на дневника е нарушена при запис № " (entry_id) ": " }
                        (problem.label_bg()) ". "
                        "Уведомете отговорния за информационната сигурност."
                    }
                    p { a href=(format!("/staff/journal?before={}", entry_id + 1)) {
                        "Покажи записите до № " (entry_id)
                    } }
                }
            }
            None => {
                p.hint {
                    "Целостта на веригата се проверява на "
                    a href="/staff/journal" { "началната страница на дневника" } "."
                }
            }
        }
        (filter_form(&dir, &form, &Errors::default()))
        p role="status" {
            @if form.is_empty() { "Записи в дневника: " } @else { "Записи, които отговарят на филтъра: " }
            strong { (count) }
            @if count > 0 {
                " · " a href=(csv) download { "Изтегли като CSV (за Excel)" }
            }
        }
        (pager(newer, older, &rows, &link))
        @if rows.is_empty() {
            p { "Няма записи за показване." }
        } @else {
            div.journal {
                table.journal-table {
                    caption.visually-hidden { "Записи в дневника, най-новите първи" }
                    thead {
                        tr {
                            th scope="col" { "№" }
                            th scope="col" { "Време" }
                            th scope="col" { "Кой" }
                            th scope="col" { "Действие" }
                            th scope="col" { "Преписка" }
                            th scope="col" { "Подробности" }
                        }
                    }
                    tbody {
                        @for d in &rows {
                            tr {
                                th.nowrap scope="row" data-label="№" {
                                    (d.id)
                                    @if broken_id == Some(d.id) {
                                        " " strong.flag { "нарушен" }
                                    }
                                }
                                td.when data-label="Време" {
                                    @match d.at {
                                        Some(at) => { (priemna_domain::clock::time_bg(at)) }
                                        None => { (d.at_text) }
                                    }
                                }
                                td data-label="Кой" {
                                    (d.who.name)
                                    @if !d.who.role.is_empty() {
                                        br; span.role { (d.who.role) }
                                    }
                                }
                                td data-label="Действие" {
                                    @if d.action_code == refusals::ACTION {
                                        strong.flag { (d.action) }
                                    } @else {
                                        (d.action)
                                    }
                                }
                                td.nowrap.empty[d.case.is_none() && d.number.is_none()]
                                    data-label="Преписка" {
                                    @match (&d.case, &d.number) {
                                        (Some(c), _) if may_open(d) => {
                                            a href=(format!("/staff/cases/{}", c.number)) { (c.number) }
                                        }
                                        (Some(c), _) => { (c.number) }
                                        (None, Some(n)) => { (n) }
                                        (None, None) => { "—" }
                                    }
                                }
                                td.details.empty[d.lines.is_empty()] data-label="Подробности" {
                                    @if d.lines.is_empty() {
                                        "—"
                                    } @else {
                                        ul.lines {
                                            @for line in &d.lines { li { (line) } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            (pager(newer, older, &rows, &link))
        }
    };
    Ok(layout::page("Дневник", Some(&staff), Section::Journal, body).into_response())
}

/// "запис" or "записа", as Bulgarian counts them.
fn records(n: u64) -> &'static str {
    if n == 1 { "запис" } else { "записа" }
}

fn pager(newer: bool, older: bool, rows: &[Described], link: &impl Fn(&str) -> String) -> Markup {
    html! {
        nav.pager aria-label="Страници на дневника" {
            @if newer {
                @if let Some(first) = rows.first() {
                    a href=(link(&format!("after={}", first.id))) { "← По-нови" }
                }
                a href=(link("")) { "Най-новите" }
            }
            @if older {
                @if let Some(last) = rows.last() {
                    a href=(link(&format!("before={}", last.id))) { "По-стари →" }
                }
            }
        }
    }
}

/// A date field's value and control: a date control with the date in ISO form, or — for what
/// is not a date — a text field that keeps what was typed, so it can be corrected.
fn date_control(value: &str) -> (String, &'static str) {
    match parse_date(value) {
        Some(d) => (d.to_string(), "date"),
        None if value.is_empty() => (String::new(), "date"),
        None => (value.to_owned(), "text"),
    }
}

fn filter_form(dir: &Directory, form: &Form, errors: &Errors) -> Markup {
    html! {
        h2 id="journal-filters" { "Търсене в дневника" }
        form.filters.journal-filters method="get" action="/staff/journal"
            aria-labelledby="journal-filters" {
            (Select {
                id: "person", name: "person", label: "Кой", selected: &form.person,
                options: layout::options_with_none("всички", dir.person_options()),
                error: errors.get("person"), ..Select::default()
            }.render())
            (Input {
                id: "case", name: "case", label: "Преписка №", value: &form.case,
                hint: Some("напр. 2026-000123"), error: errors.get("case"),
                maxlength: Some(20), ..Input::default()
            }.render())
            (Select {
                id: "action", name: "action", label: "Действие", selected: &form.action,
                options: layout::options_with_none("всички действия", audit::action_options()),
                error: errors.get("action"), ..Select::default()
            }.render())
            @let (from, from_kind) = date_control(&form.from);
            @let (to, to_kind) = date_control(&form.to);
            (Input {
                id: "from", name: "from", label: "От дата", value: &from, kind: from_kind,
                error: errors.get("from"), ..Input::default()
            }.render())
            (Input {
                id: "to", name: "to", label: "До дата (включително)", value: &to,
                kind: to_kind, error: errors.get("to"), ..Input::default()
            }.render())
            div.field {
                button type="submit" { "Покажи" }
                " "
                a href="/staff/journal" { "Изчисти" }
            }
        }
    }
}

/// One CSV cell, safe from Excel's formulas: a cell a person typed that starts like a formula
/// gets an apostrophe in front.
fn cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

/// The CSV's headings.
const HEADINGS: [&str; 9] = [
    "№",
    "Дата и час",
    "Кой",
    "Роля",
    "Действие",
    "Преписка",
    "Подробности",
    "Код на действието",
    "Контролна сума (SHA-256)",
];

fn csv_error(e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

/// The CSV of `rows` (no headings).
fn csv_rows(rows: &[Described]) -> Result<Vec<u8>, std::io::Error> {
    let mut out = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for d in rows {
        let at =
            d.at.map(priemna_domain::clock::time_bg)
                .unwrap_or_else(|| d.at_text.clone());
        let case = d
            .case
            .as_ref()
            .map(|c| c.number.to_string())
            .or_else(|| d.number.clone())
            .unwrap_or_default();
        out.write_record([
            d.id.to_string(),
            at,
            cell(&d.who.name),
            cell(&d.who.role),
            cell(&d.action),
            case,
            cell(&d.lines.join("; ")),
            d.action_code.clone(),
            d.hash.clone(),
        ])
        .map_err(csv_error)?;
    }
    out.into_inner().map_err(csv_error)
}

/// The filters in words, for the export's journal entry.
fn filter_words(dir: &Directory, form: &Form) -> String {
    let mut words = Vec::new();
    if !form.person.is_empty() {
        let name = dir
            .person_options()
            .into_iter()
            .find(|(v, _)| *v == form.person)
            .map(|(_, l)| l)
            .unwrap_or_else(|| form.person.clone());
        words.push(format!("кой: {name}"));
    }
    if !form.case.is_empty() {
        words.push(format!("преписка: {}", form.case));
    }
    if !form.action.is_empty() {
        words.push(format!("действие: {}", audit::action_label(&form.action)));
    }
    if let Some(d) = parse_date(&form.from) {
        words.push(format!("от {}", layout::date_bg(d)));
    }
    if let Some(d) = parse_date(&form.to) {
        words.push(format!("до {}", layout::date_bg(d)));
    }
    if words.is_empty() {
        "целият дневник".to_owned()
    } else {
        words.join(", ")
    }
}

/// The export as it streams: batches read by keyset, oldest first, up to the last entry that
/// existed when it started.
struct Export {
    app: AppState,
    dir: Directory,
    filter: JournalFilter,
    after: Option<i64>,
    done: bool,
}

impl Export {
    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, std::io::Error> {
        if self.done {
            return Ok(None);
        }
        let cursor = match self.after {
            Some(id) => JournalCursor::After(id),
            None => JournalCursor::Oldest,
        };
        let entries = self
            .app
            .store
            .journal_page(&self.filter, cursor, CSV_BATCH)
            .await
            .map_err(csv_error)?;
        if entries.len() < CSV_BATCH as usize {
            self.done = true;
        }
        let Some(last) = entries.last() else {
            return Ok(None);
        };
        self.after = Some(last.id);
        self.dir
            .add_cases(&self.app, &entries)
            .await
            .map_err(csv_error)?;
        let rows: Vec<Described> = entries.iter().map(|e| self.dir.describe(e)).collect();
        csv_rows(&rows).map(Some)
    }
}

/// `GET /staff/journal.csv`: the entries the filters select, oldest first, in UTF-8 with a
/// byte-order mark and `;` between the columns (what Excel opens with Bulgarian settings).
pub async fn csv_download(
    State(app): State<AppState>,
    StaffPage(staff): StaffPage,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let to_page = PageError::to(&staff);
    require(&app, &staff, "/staff/journal.csv").await?;
    let dir = Directory::load(&app).await.map_err(&to_page)?;
    let form = Form::from_query(&query);
    let mut filter = match filter_of(&app, &dir, &form).await.map_err(&to_page)? {
        Ok(filter) => filter,
        Err(errors) => {
            let body = html! {
                h1 { "Дневник на действията" }
                (filter_form(&dir, &form, &errors))
            };
            return Ok((
                RERENDER_STATUS,
                layout::page("Дневник", Some(&staff), Section::Journal, body),
            )
                .into_response());
        }
    };
    let (count, max_id) = app
        .store
        .journal_count(&filter)
        .await
        .map_err(|e| to_page(e.into()))?;
    // The file ends where the journal ended when it was asked for (its own entry is not in it).
    filter.max_id = Some(max_id);
    // Recorded before the file leaves; no entry, no file.
    app.store
        .append_journal(
            app.clock.now(),
            &staff.actor_label(),
            EXPORT_ACTION,
            None,
            json!({ "filter": filter_words(&dir, &form), "entries": count }),
        )
        .await
        .map_err(|e| to_page(e.into()))?;
    let mut export = Export {
        app: app.clone(),
        dir,
        filter,
        after: None,
        done: false,
    };
    let first = export
        .next_chunk()
        .await
        .map_err(|e| to_page(ApiError::Internal(e.to_string())))?
        .unwrap_or_default();
    let mut head = "\u{feff}".as_bytes().to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut head);
        w.write_record(HEADINGS)
            .map_err(|e| to_page(ApiError::Internal(e.to_string())))?;
        w.flush()
            .map_err(|e| to_page(ApiError::Internal(e.to_string())))?;
    }
    head.extend(first);
    let rest = futures_util::stream::unfold(export, |mut export| async move {
        match export.next_chunk().await {
            Ok(Some(bytes)) => Some((Ok::<_, std::io::Error>(Bytes::from(bytes)), export)),
            Ok(None) => None,
            Err(e) => {
                tracing::error!(error = %e, "the journal export stopped");
                export.done = true;
                Some((Err(e), export))
            }
        }
    });
    let stream = futures_util::StreamExt::chain(
        futures_util::stream::once(async move { Ok::<_, std::io::Error>(Bytes::from(head)) }),
        rest,
    );
    let today = app.clock.now().to_zoned(municipal_tz()).date().to_string();
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"priemna-journal-{today}.csv\""),
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_numbers_are_read_as_people_type_them() {
        assert_eq!(parse_date("2026-03-02"), Date::new(2026, 3, 2).ok());
        assert_eq!(parse_date("02.03.2026"), Date::new(2026, 3, 2).ok());
        assert_eq!(parse_date("2.3.2026"), Date::new(2026, 3, 2).ok());
        assert_eq!(parse_date("31.02.2026"), None);
        assert_eq!(parse_date("вчера"), None);
        let n = RegistrationNumber::new(2026, 18);
        assert_eq!(parse_number("2026-000018"), n);
        assert_eq!(parse_number("2026-18"), n);
        assert_eq!(parse_number("18"), None);
    }

    #[test]
    fn cells_that_look_like_formulas_are_defused() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("Основание: проверка"), "Основание: проверка");
    }
}
