//! `GET /staff/admin/outbox`: for administrators, this server's outbox worker — running or
//! restarting, since when, the last message the SMTP server accepted, how often its supervisor
//! restarted it, the queue and the last error (addresses masked) — and how many messages are in
//! each state, with the latest that failed for good and why. No recipients, no bodies.

use super::layout::{self, Section};
use super::{PageError, StaffPage};
use crate::state::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use maud::html;
use priemna_app::notify::{WorkerState, mask_address};
use priemna_domain::access::Permission;
use priemna_store::{OutboxFilter, OutboxState};

/// Failed messages listed.
const FAILED_SHOWN: u32 = 50;

fn state_bg(state: WorkerState, smtp_configured: bool) -> &'static str {
    match state {
        WorkerState::NotStarted if !smtp_configured => {
            "няма настроен SMTP сървър: писмата чакат в опашката"
        }
        WorkerState::NotStarted => "не е стартиран",
        WorkerState::Running => "работи",
        WorkerState::Restarting => "спрял неочаквано; стартира се отново",
        WorkerState::Stopped => "спрян",
    }
}

fn when(at: Option<Timestamp>) -> String {
    at.map(layout::time_bg).unwrap_or_else(|| "—".to_owned())
}

/// `GET /staff/admin/outbox`.
pub async fn page(
    State(app): State<AppState>,
    StaffPage(staff): StaffPage,
) -> Result<Response, PageError> {
    let to_page = PageError::to::<crate::error::ApiError>(&staff);
    priemna_app::refusals::check(
        &app,
        &staff,
        Permission::ManageUsers,
        priemna_app::refusals::Target::Page("/staff/admin/outbox"),
    )
    .await
    .map_err(|d| to_page(d.into()))?;
    let counts = app
        .store
        .outbox_counts()
        .await
        .map_err(|e| to_page(e.into()))?;
    let failed = app
        .store
        .outbox(&OutboxFilter {
            state: Some(OutboxState::Failed),
            limit: FAILED_SHOWN,
            ..OutboxFilter::default()
        })
        .await
        .map_err(|e| to_page(e.into()))?;
    let smtp = app.notify.smtp_configured;
    let worker = app.notify.health.snapshot();
    let healthy = matches!(worker.state, WorkerState::Running)
        || (worker.state == WorkerState::NotStarted && !smtp);
    let count = |state: &str| {
        counts
            .iter()
            .find(|(s, _)| s.as_str() == state)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    };

    let body = html! {
        h1 { "Изходяща поща" }
        @if healthy {
            (layout::notice(&format!("Изпращачът на писма: {}.", state_bg(worker.state, smtp))))
        } @else {
            (layout::alert(&format!(
                "Изпращачът на писма: {}. Писмата чакат; сървърът не е готов (/readyz).",
                state_bg(worker.state, smtp)
            )))
        }
        h2 { "Изпращачът на този сървър" }
        dl #worker {
            dt { "Състояние" } dd #worker-state data-state=(worker.state.as_str()) { (state_bg(worker.state, smtp)) }
            dt { "Работи от" } dd { (when(worker.running_since)) }
            dt { "Последно изпратено писмо" } dd { (when(worker.last_sent_at)) }
            dt { "Рестартирания" } dd #worker-restarts { (worker.restarts) }
            dt { "Чакащи писма" } dd {
                (worker.queue_length.map(|n| n.to_string()).unwrap_or_else(|| "—".to_owned()))
            }
            dt { "Последна грешка" } dd #worker-error {
                @match &worker.last_error {
                    Some(error) => { (error) " (" (when(worker.last_error_at)) ")" }
                    None => { "—" }
                }
            }
        }
        h2 { "Писма по състояние" }
        div.table-wrap {
            table.stacked #counts {
                thead { tr {
                    th scope="col" { "В опашката" }
                    th scope="col" { "Изпращат се" }
                    th scope="col" { "Изпратени" }
                    th scope="col" { "Неуспешни" }
                } }
                tbody { tr {
                    td data-label="В опашката" { (count("queued")) }
                    td data-label="Изпращат се" { (count("sending")) }
                    td data-label="Изпратени" { (count("sent")) }
                    td data-label="Неуспешни" { (count("failed")) }
                } }
            }
        }
        h2 { "Последните неуспешни писма" }
        @if failed.is_empty() {
            p { "Няма неуспешни писма." }
        } @else {
            p {
                "Неуспешно писмо се изпраща отново с "
                code { "POST /api/v1/outbox/{id}/retry" } "."
            }
            div.table-wrap {
                table.stacked #failed {
                    thead { tr {
                        th scope="col" { "№" }
                        th scope="col" { "Вид" }
                        th scope="col" { "Преписка" }
                        th scope="col" { "До" }
                        th scope="col" { "Опити" }
                        th scope="col" { "Причина" }
                    } }
                    tbody {
                        @for m in &failed {
                            tr {
                                th scope="row" data-label="№" { (m.id) }
                                td data-label="Вид" { (priemna_app::notify::message_kind_bg(m.kind)) }
                                td data-label="Преписка" { (m.number.map(|n| n.to_string()).unwrap_or_default()) }
                                td data-label="До" {
                                    @if m.sealed { "(запечатано)" } @else { (mask_address(&m.recipient)) }
                                }
                                td data-label="Опити" { (m.attempts) }
                                td data-label="Причина" { (m.last_error.as_deref().map(priemna_app::notify::redact).unwrap_or_default()) }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page("Изходяща поща", Some(&staff), Section::Admin, body).into_response())
}
