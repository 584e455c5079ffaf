//! The municipality's mailbox over HTTP: `GET /api/v1/mailbox` (those who register
//! submissions, and those who may read the journal, as for the outbox) lists the messages that did not become a
//! submission — auto-replies, bounces (with the outbox message each marked failed) and the
//! messages set aside for a clerk, with the reason — newest first, senders masked as in the
//! outbox. A set-aside message stays in the mailbox, marked read, where the clerk finds it.

use super::openapi::{MailNoteBody, MailNotePage};
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use priemna_app::notify::mask_address;
use priemna_app::staff::Staff;
use priemna_domain::access::{self, Permission};

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/mailbox", get(notes))
}

/// `GET /api/v1/mailbox`: the latest 500 messages that did not become a submission.
#[utoipa::path(
    get,
    path = "/api/v1/mailbox",
    tag = "staff",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Messages from the mailbox that are no submission: auto-replies, bounces and those set aside, with the reason (senders masked)", body = super::openapi::MailNotePage),
        super::openapi::SignedIn,
    )
)]
pub(crate) async fn notes(
    State(app): State<AppState>,
    staff: Staff,
) -> Result<Json<MailNotePage>, ApiError> {
    // Those who register what arrives, and those who watch the system (as for the outbox).
    let actor = staff.user.actor();
    access::check(&actor, Permission::RegisterSubmission, None)
        .or_else(|_| access::check(&actor, Permission::ViewJournal, None))?;
    let notes = app.store.mail_notes(500).await?;
    Ok(Json(MailNotePage {
        notes: notes
            .into_iter()
            .map(|n| MailNoteBody {
                id: n.id,
                outcome: n.outcome.as_str().to_owned(),
                reason: n.reason,
                sender: n.sender.as_deref().map(mask_address),
                subject: n.subject,
                message_id: n.message_id,
                size: n.size,
                kept: n.kept,
                bounced_outbox_id: n.bounced_outbox_id,
                received_at: n.received_at.to_string(),
            })
            .collect(),
    }))
}
