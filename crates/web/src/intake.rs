//! Intake: the one path every submission takes, whatever the channel — checked, judged by the
//! charter's rules, registered durably. The JSON API, the CLI and (later) the portal and Open311
//! all call `register`.

use crate::AppState;
use jiff::Timestamp;
use priemna_domain::clock::local_date;
use priemna_domain::rules::{Assessment, assess};
use priemna_domain::submission::{FieldError, RawSubmission, validate};
use priemna_domain::{Channel, Kind};
use priemna_store::{NewSubmission, Registered, StoreError, SubmissionExtras};

#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    #[error("invalid submission")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A registered submission and what the rules said about it.
#[derive(Debug, Clone)]
pub struct Receipt {
    pub kind: Kind,
    pub channel: Channel,
    pub registered: Registered,
    pub assessment: Assessment,
}

/// Registers `raw`, received at `received_at`, entered by `entered_by`.
pub async fn register(
    app: &AppState,
    raw: &RawSubmission,
    received_at: Timestamp,
    entered_by: &str,
) -> Result<Receipt, IntakeError> {
    register_with(
        app,
        raw,
        SubmissionExtras::default(),
        received_at,
        entered_by,
    )
    .await
}

/// Like `register`, with what a channel adds beyond the charter's fields (a location, an
/// Open311 service and its answers): the same checks, rules, numbering and deadlines.
pub async fn register_with(
    app: &AppState,
    raw: &RawSubmission,
    extras: SubmissionExtras,
    received_at: Timestamp,
    entered_by: &str,
) -> Result<Receipt, IntakeError> {
    let today = local_date(received_at);
    let draft = validate(raw, today).map_err(IntakeError::Invalid)?;
    let assessment = assess(&draft, today, &app.calendar);
    let (kind, channel) = (draft.kind, draft.channel);
    // The receipt e-mail is queued by the same transaction that registers the submission.
    let messages = crate::notify::messages::receipt(&app.notify, &draft, &assessment, received_at)
        .into_iter()
        .collect::<Vec<_>>();
    let subject = draft.subject.clone();
    let registered = app
        .store
        .register(NewSubmission {
            draft,
            assessment: assessment.clone(),
            received_at,
            entered_by: entered_by.to_owned(),
            messages,
            extras,
        })
        .await?;
    crate::search::registered(app, registered.number);
    app.notify.wake();
    crate::notify::compose::keep_printed_receipt(
        app,
        &registered,
        kind,
        channel,
        &subject,
        &assessment,
        entered_by,
    )
    .await;
    Ok(Receipt {
        kind,
        channel,
        registered,
        assessment,
    })
}
