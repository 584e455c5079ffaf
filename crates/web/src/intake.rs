//! Intake: the one path every submission takes, whatever the channel — checked, judged by the
//! charter's rules, registered durably. The JSON API, the CLI and (later) the portal and Open311
//! all call `register`.

use crate::AppState;
use jiff::Timestamp;
use priemna_domain::clock::local_date;
use priemna_domain::rules::{Assessment, assess};
use priemna_domain::submission::{FieldError, RawSubmission, validate};
use priemna_domain::{Channel, Kind};
use priemna_store::{NewSubmission, Registered, StoreError};

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
    let today = local_date(received_at);
    let draft = validate(raw, today).map_err(IntakeError::Invalid)?;
    let assessment = assess(&draft, today, &app.calendar);
    let (kind, channel) = (draft.kind, draft.channel);
    let registered = app
        .store
        .register(NewSubmission {
            draft,
            assessment: assessment.clone(),
            received_at,
            entered_by: entered_by.to_owned(),
        })
        .await?;
    Ok(Receipt {
        kind,
        channel,
        registered,
        assessment,
    })
}
