//! Intake: the one path every submission takes, whatever the channel — checked, judged by the
//! charter's rules, registered durably. A channel that shows its own errors beside the domain's
//! (the portal, the clerk's desk, Open311) calls [`check`] once and registers what it returned
//! with [`register_checked`]; the JSON API and the CLI call [`register`], which does both.

use crate::App;
use jiff::Timestamp;
use priemna_domain::clock::local_date;
use priemna_domain::rules::{Assessment, assess};
use priemna_domain::submission::{Draft, FieldError, RawSubmission, validate};
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
    app: &App,
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
/// Open311 service and its answers, the files): the same checks, rules, numbering and deadlines.
pub async fn register_with(
    app: &App,
    raw: &RawSubmission,
    extras: SubmissionExtras,
    received_at: Timestamp,
    entered_by: &str,
) -> Result<Receipt, IntakeError> {
    let checked = check(app, raw, received_at).map_err(IntakeError::Invalid)?;
    Ok(register_checked(app, checked, extras, entered_by).await?)
}

/// A submission the domain has checked and judged: what [`register_checked`] registers. Only
/// [`check`] makes one, so nothing reaches the register unchecked.
#[derive(Debug, Clone)]
pub struct Checked {
    draft: Draft,
    assessment: Assessment,
    received_at: Timestamp,
}

impl Checked {
    /// What the charter's rules said about it.
    pub fn assessment(&self) -> &Assessment {
        &self.assessment
    }
}

/// Validates `raw` as received at `received_at` and applies the charter's rules: every problem
/// at once, or a submission ready to register.
pub fn check(
    app: &App,
    raw: &RawSubmission,
    received_at: Timestamp,
) -> Result<Checked, Vec<FieldError>> {
    let today = local_date(received_at);
    let draft = validate(raw, today)?;
    let assessment = assess(&draft, today, &app.calendar);
    Ok(Checked {
        draft,
        assessment,
        received_at,
    })
}

/// Registers a checked submission, with what its channel adds, in one transaction: the case,
/// its files, its receipt e-mail and its journal entry.
pub async fn register_checked(
    app: &App,
    checked: Checked,
    extras: SubmissionExtras,
    entered_by: &str,
) -> Result<Receipt, StoreError> {
    let Checked {
        draft,
        assessment,
        received_at,
    } = checked;
    let (kind, channel) = (draft.kind, draft.channel);
    // The receipt e-mail is queued by the same transaction that registers the submission.
    let messages = crate::notify::messages::receipt(&app.notify, &draft, &assessment, received_at)
        .into_iter()
        .collect::<Vec<_>>();
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
    Ok(Receipt {
        kind,
        channel,
        registered,
        assessment,
    })
}
