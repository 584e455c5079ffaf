//! What a use case can answer besides its result. The adapters map each variant to their own
//! answer (an HTTP status in `priemna-web`'s `error`, an exit code in the command line).

use priemna_domain::submission::{FieldError, Problem};
use priemna_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The request was understood, but fields are wrong: each named, with its problem.
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// Unknown resource — also what a wrong tracking code gets, so numbers cannot be probed.
    #[error("not found")]
    NotFound,
    /// Not signed in, or wrong credentials (never says which).
    #[error("unauthorized")]
    Unauthorized,
    /// The access rules or the case's state refuse the action, with their reason.
    #[error("forbidden: {reason_en}")]
    Forbidden {
        reason_bg: String,
        reason_en: String,
    },
    /// The action does not fit the case's state, or someone else acted first.
    #[error("conflict: {reason_en}")]
    Conflict {
        reason_bg: String,
        reason_en: String,
    },
    /// Sign-ins with this name from this address are refused until `until`, after too many
    /// wrong passwords: the same answer for every name, known or not.
    #[error("sign-in refused until {until}")]
    SignInRefused {
        until: jiff::Timestamp,
        retry_after_secs: u64,
    },
    #[error("internal error: {0}")]
    Internal(String),
    /// The register failed in a way that is not the caller's doing (a lost connection, a full
    /// disk, damaged data).
    #[error(transparent)]
    Store(StoreError),
}

/// The one place where what the store says becomes what the caller is told: a stale version
/// or a taken value is a conflict, a missing referenced row names its field, a missing row is
/// not found; only the rest is the register's failure.
impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(_) => AppError::Conflict {
                reason_bg:
                    "Преписката беше променена междувременно от друг служител; заредете я отново."
                        .into(),
                reason_en: "The case was changed meanwhile by someone else; reload it.".into(),
            },
            StoreError::Duplicate(what) => AppError::Conflict {
                reason_bg: format!("Вече съществува: {what}."),
                reason_en: format!("Already exists: {what}."),
            },
            StoreError::UniqueClash(constraint) => {
                tracing::info!(%constraint, "a unique value is taken");
                AppError::Conflict {
                    reason_bg: "Такъв запис вече съществува.".into(),
                    reason_en: "Such a record already exists.".into(),
                }
            }
            StoreError::MissingReference { field } => {
                AppError::Validation(vec![FieldError::new(field, Problem::UnknownReference)])
            }
            StoreError::NotFound(_) => AppError::NotFound,
            other => AppError::Store(other),
        }
    }
}

impl From<priemna_domain::access::Denied> for AppError {
    fn from(d: priemna_domain::access::Denied) -> Self {
        AppError::Forbidden {
            reason_bg: d.reason_bg,
            reason_en: d.reason_en,
        }
    }
}

impl From<priemna_domain::workflow::TransitionRefused> for AppError {
    fn from(d: priemna_domain::workflow::TransitionRefused) -> Self {
        AppError::Conflict {
            reason_bg: d.reason_bg,
            reason_en: d.reason_en,
        }
    }
}

/// A letter that could not be drawn is the server's failure, never the caller's.
impl From<priemna_letters::PdfError> for AppError {
    fn from(e: priemna_letters::PdfError) -> Self {
        AppError::Internal(e.to_string())
    }
}
