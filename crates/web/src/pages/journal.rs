//! `GET /staff/journal`: the latest journal entries, page by page (`?after=ID`), and whether the
//! hash chain verifies. For auditors and administrators.

use super::layout::{self, Section};
use super::{PageError, StaffPage};
use crate::AppState;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use maud::html;
use priemna_domain::access::{self, Permission};
use priemna_store::JournalVerdict;
use std::collections::HashMap;

/// Entries per page.
const PAGE: u32 = 50;

/// `GET /staff/journal`.
pub async fn page(
    State(app): State<AppState>,
    StaffPage(staff): StaffPage,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let to_page = PageError::to(&staff);
    access::check(&staff.user.actor(), Permission::ViewJournal, None)
        .map_err(|d| to_page(d.into()))?;
    let verdict = app
        .store
        .verify_journal()
        .await
        .map_err(|e| to_page(e.into()))?;
    let page = i64::from(PAGE);
    // The journal is append-only, so its ids run from 1 without gaps: the latest page starts
    // after `entries - PAGE`. When the chain is broken, start just before the break.
    let latest = match &verdict {
        JournalVerdict::Intact { entries } => i64::try_from(*entries)
            .unwrap_or(i64::MAX)
            .saturating_sub(page),
        JournalVerdict::Broken { entry_id, .. } => entry_id.saturating_sub(10),
    }
    .max(0);
    let after = query
        .get("after")
        .and_then(|a| a.trim().parse::<i64>().ok())
        .map(|a| a.max(0))
        .unwrap_or(latest);
    let entries = app
        .store
        .journal(after, PAGE)
        .await
        .map_err(|e| to_page(e.into()))?;
    let broken_id = match &verdict {
        JournalVerdict::Broken { entry_id, .. } => Some(*entry_id),
        JournalVerdict::Intact { .. } => None,
    };

    let body = html! {
        h1 { "Дневник на действията" }
        @match &verdict {
            JournalVerdict::Intact { entries } => {
                div.notice role="status" {
                    p {
                        strong { "Веригата на дневника е непокътната" }
                        " (intact): проверени са " (entries) " записа и всеки съвпада с "
                        "предходния."
                    }
                }
            }
            JournalVerdict::Broken { entry_id, problem } => {
                div.alert role="alert" {
                    p {
                        strong { "Веригата на дневника е нарушена" }
                        " (broken) при запис № " (entry_id) ": " (problem) ". "
                        "Уведомете отговорния за информационната сигурност."
                    }
                }
            }
        }
        nav.pager aria-label="Страници на дневника" {
            @if after > 0 {
                a href=(format!("/staff/journal?after={}", (after - page).max(0))) { "← По-стари" }
            }
            @if entries.len() == PAGE as usize {
                a href=(format!("/staff/journal?after={}", after + page)) { "По-нови →" }
            }
            a href="/staff/journal" { "Последните записи" }
        }
        @if entries.is_empty() {
            p { "Няма записи след № " (after) "." }
        } @else {
            div.table-wrap {
                table {
                    caption {
                        "Записи № " (entries.first().map(|e| e.id).unwrap_or_default())
                        "–" (entries.last().map(|e| e.id).unwrap_or_default())
                    }
                    thead {
                        tr {
                            th scope="col" { "№" }
                            th scope="col" { "Време" }
                            th scope="col" { "Кой" }
                            th scope="col" { "Действие" }
                            th scope="col" { "Преписка (вътр. №)" }
                            th scope="col" { "Подробности" }
                        }
                    }
                    tbody {
                        @for e in &entries {
                            tr {
                                th scope="row" {
                                    (e.id)
                                    @if broken_id == Some(e.id) {
                                        " " strong.flag { "нарушен" }
                                    }
                                }
                                td {
                                    @match e.at.parse::<Timestamp>() {
                                        Ok(at) => { (layout::time_bg(at)) }
                                        Err(_) => { (e.at) }
                                    }
                                }
                                td { code { (e.actor) } }
                                td { code { (e.action) } }
                                td { @if let Some(id) = e.submission_id { (id) } @else { "—" } }
                                td { code.details { (e.details) } }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page("Дневник", Some(&staff), Section::Journal, body).into_response())
}
