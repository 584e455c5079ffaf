//! `GET /staff/statistics/cases.csv?year=&department=` (or `from=&to=`): the cases behind the
//! figures, one row per case the reader may see (`access::check(ViewCase)`, as the inbox and
//! search decide), for a spreadsheet.
//!
//! By default the file is for Bulgarian Excel: UTF-8 with its byte-order mark, `;` between
//! columns, Bulgarian headings and labels, dates as `дд.мм.гггг`. `format=codes` gives the same
//! rows for programs: `,`, English column names, the API's codes and ISO dates.
//!
//! The register is read in batches by id (keyset pagination, `ExportStore::export_cases`) and
//! each batch is written out as it is read, so an export of millions of cases holds one batch in
//! memory. The submitter's name, e-mail, phone and address appear only when asked for
//! (`personal=1` with a `reason`), and then only where the reader's role may see that case's
//! personal data (`Permission::ViewPersonalData`); a whistleblower's sealed identity never does (the store reads only the ordinary submitters' table). An export that
//! carried personal data is journalled once, with the reason and the number of cases whose data
//! it held —
//! when it ends, or, if the download is cut short, when it is dropped.

use super::view::{self, guard_formula};
use crate::error::ApiError;
use crate::pages::{PageError, StaffPage};
use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use priemna_domain::CaseId;
use priemna_domain::access::{self, Actor, Permission, Reach};
use priemna_domain::clock::local_date;
use priemna_domain::stats::{Outcome, Period, StatCase, outcome};
use priemna_domain::submission::{FieldError, Problem};
use priemna_domain::workflow::Urgency;
use priemna_store::{ExportCase, ExportFilter, ExportSubmitter, StoreError};
use serde_json::json;
use std::collections::HashMap;

/// Cases read per batch.
const BATCH: u32 = 500;

/// The columns of every export.
const COLUMNS: [&str; 19] = [
    "number",
    "received_date",
    "kind",
    "channel",
    "status",
    "subject",
    "place",
    "department_id",
    "department",
    "category",
    "answer_due",
    "deadline_extended",
    "answered_date",
    "outcome",
    "days_to_answer",
    "urgency",
    "not_considered_rule",
    "forwarded_to",
    "rating",
];

/// The same columns for Bulgarian Excel.
const COLUMNS_BG: [&str; 19] = [
    "Номер",
    "Дата на получаване",
    "Вид",
    "Канал",
    "Състояние",
    "Относно",
    "Място",
    "Код на звеното",
    "Звено",
    "Категория",
    "Срок за отговор",
    "Удължен срок",
    "Дата на отговора",
    "Изход",
    "Дни до отговора",
    "Спешност",
    "Неразгледано по правило",
    "Препратено на",
    "Оценка",
];

/// The columns added for personal data.
const PERSONAL_COLUMNS_BG: [&str; 4] = ["Подател", "Ел. поща", "Телефон", "Адрес"];

/// The shortest reason a member of staff gives for exporting personal data.
const MIN_REASON_CHARS: usize = 10;

/// Who the file is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// Bulgarian Excel: `;`, Bulgarian headings and labels, `дд.мм.гггг`.
    Excel,
    /// Programs: `,`, English column names, codes, ISO dates.
    Codes,
}

/// The columns added for a role that may see personal data.
const PERSONAL_COLUMNS: [&str; 4] = [
    "submitter_name",
    "submitter_email",
    "submitter_phone",
    "submitter_address",
];

/// The journal's name for an export that carried personal data.
pub const JOURNAL_ACTION: &str = "export_personal_data";

fn outcome_of(case: &ExportCase) -> (&'static str, Option<u32>) {
    let stat = StatCase {
        received: case.received_date,
        kind: case.kind,
        channel: case.channel,
        department_id: case.department_id,
        category: case.service_code.clone(),
        status: case.status,
        answer_due: case.answer_due,
        deadline_extended: case.deadline_extended,
        answered: case.answered_at.map(local_date),
        not_considered_rule: case.not_considered_rule.clone(),
        forwarded: case.forwarded_to.is_some(),
        merged: case.duplicate_of.is_some(),
        overdue: case.urgency == Urgency::Overdue,
        rating: case.rating,
    };
    match outcome(&stat) {
        Outcome::AnsweredOnTime { days } => ("on_time", Some(days)),
        Outcome::AnsweredLate { days } => ("late", Some(days)),
        Outcome::NotConsidered => ("not_considered", None),
        Outcome::Forwarded => ("forwarded", None),
        Outcome::Merged => ("merged", None),
        Outcome::ClosedWithoutAnswer => ("closed_without_answer", None),
        Outcome::Open => ("open", None),
        Outcome::Overdue => ("overdue", None),
    }
}

fn text(value: Option<&str>) -> String {
    value.map(guard_formula).unwrap_or_default()
}

fn outcome_bg(outcome: &str) -> &'static str {
    match outcome {
        "on_time" => "отговорена в срок",
        "late" => "отговорена след срока",
        "not_considered" => "неразгледана по правило",
        "forwarded" => "препратена",
        "merged" => "обединена с друга",
        "closed_without_answer" => "приключена без отговор",
        "overdue" => "просрочена",
        _ => "отворена",
    }
}

fn urgency_bg(urgency: &str) -> &'static str {
    match urgency {
        "overdue" => "просрочена",
        "due_soon" => "наближава срокът",
        "on_track" => "в срок",
        _ => "без срок",
    }
}

fn record(
    case: &ExportCase,
    personal: Option<Option<&ExportSubmitter>>,
    format: Format,
) -> Vec<String> {
    let excel = format == Format::Excel;
    let date = |d: jiff::civil::Date| {
        if excel {
            d.strftime("%d.%m.%Y").to_string()
        } else {
            d.to_string()
        }
    };
    let (outcome, days) = outcome_of(case);
    let mut row = vec![
        case.number.to_string(),
        date(case.received_date),
        if excel {
            case.kind.label_bg().to_owned()
        } else {
            case.kind.as_str().to_owned()
        },
        if excel {
            case.channel.label_bg().to_owned()
        } else {
            case.channel.as_str().to_owned()
        },
        if excel {
            case.status.label_bg().to_owned()
        } else {
            case.status.as_str().to_owned()
        },
        guard_formula(&case.subject),
        text(case.place.as_deref()),
        case.department_id
            .map(|d| d.to_string())
            .unwrap_or_default(),
        text(case.department_name.as_deref()),
        text(case.service_code.as_deref()),
        case.answer_due.map(date).unwrap_or_default(),
        match (excel, case.deadline_extended) {
            (true, true) => "да".to_owned(),
            (true, false) => "не".to_owned(),
            (false, extended) => extended.to_string(),
        },
        case.answered_at
            .map(|at| date(local_date(at)))
            .unwrap_or_default(),
        if excel {
            outcome_bg(outcome).to_owned()
        } else {
            outcome.to_owned()
        },
        days.map(|d| d.to_string()).unwrap_or_default(),
        if excel {
            urgency_bg(case.urgency.as_str()).to_owned()
        } else {
            case.urgency.as_str().to_owned()
        },
        text(case.not_considered_rule.as_deref()),
        text(case.forwarded_to.as_deref()),
        case.rating.map(|r| r.to_string()).unwrap_or_default(),
    ];
    if let Some(submitter) = personal {
        match submitter {
            Some(p) => row.extend([
                guard_formula(&p.name),
                text(p.email.as_deref()),
                text(p.phone.as_deref()),
                text(p.address.as_deref()),
            ]),
            None => row.extend([String::new(), String::new(), String::new(), String::new()]),
        }
    }
    row
}

/// One export in progress: where it is in the register, and what it has written.
struct Export {
    app: AppState,
    actor: Actor,
    reader: String,
    filter: ExportFilter,
    period: Period,
    after_id: i64,
    /// Personal data was asked for, with a reason, and the reader's role may see it on some
    /// cases: the columns are there.
    personal_columns: bool,
    /// Why personal data was asked for (journalled).
    reason: String,
    format: Format,
    /// The first chunk, read before the answer started (so that errors get their status).
    first: Option<Vec<u8>>,
    started: bool,
    finished: bool,
    rows: u64,
    /// Rows that carried a submitter's data.
    personal_rows: u64,
    journalled: bool,
}

fn csv_error(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("CSV: {e}"))
}

impl Export {
    fn details(&self, complete: bool) -> serde_json::Value {
        json!({
            "count": self.personal_rows,
            "rows": self.rows,
            "from": self.period.from.to_string(),
            "to": self.period.to.to_string(),
            "department_id": self.filter.department_id,
            "complete": complete,
            "reason": self.reason,
        })
    }

    /// Journals the personal data exported so far (once).
    async fn journal(&mut self, complete: bool) -> Result<(), StoreError> {
        if self.journalled || self.personal_rows == 0 {
            return Ok(());
        }
        self.app
            .store
            .append_journal(
                self.app.clock.now(),
                &self.reader,
                JOURNAL_ACTION,
                None,
                self.details(complete),
            )
            .await?;
        self.journalled = true;
        Ok(())
    }

    /// The next chunk of the file; `None` at the end.
    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, StoreError> {
        if let Some(first) = self.first.take() {
            return Ok(Some(first));
        }
        if self.finished {
            return Ok(None);
        }
        let mut out = csv::WriterBuilder::new()
            .delimiter(if self.format == Format::Excel {
                b';'
            } else {
                b','
            })
            .from_writer(Vec::new());
        if !self.started {
            self.started = true;
            let (columns, personal) = match self.format {
                Format::Excel => (COLUMNS_BG, PERSONAL_COLUMNS_BG),
                Format::Codes => (COLUMNS, PERSONAL_COLUMNS),
            };
            let mut header: Vec<&str> = columns.to_vec();
            if self.personal_columns {
                header.extend(personal);
            }
            out.write_record(&header).map_err(csv_error)?;
        }
        let batch = self
            .app
            .store
            .export_cases(&self.filter, self.after_id, BATCH)
            .await?;
        if let Some(last) = batch.last() {
            self.after_id = last.id.0;
        }
        let done = batch.len() < BATCH as usize;
        let visible: Vec<ExportCase> = batch
            .into_iter()
            .filter(|c| access::check(&self.actor, Permission::ViewCase, Some(&c.facts())).is_ok())
            .collect();
        let mut submitters = HashMap::new();
        if self.personal_columns {
            let allowed: Vec<CaseId> = visible
                .iter()
                .filter(|c| {
                    !c.sealed
                        && access::check(
                            &self.actor,
                            Permission::ViewPersonalData,
                            Some(&c.facts()),
                        )
                        .is_ok()
                })
                .map(|c| c.id)
                .collect();
            if !allowed.is_empty() {
                submitters = self.app.store.export_submitters(&allowed).await?;
            }
        }
        for case in &visible {
            let personal = self.personal_columns.then(|| submitters.get(&case.id));
            if matches!(personal, Some(Some(_))) {
                self.personal_rows += 1;
            }
            self.rows += 1;
            out.write_record(record(case, personal, self.format))
                .map_err(csv_error)?;
        }
        let bytes = out.into_inner().map_err(csv_error)?;
        if done {
            self.finished = true;
            // Recorded before the last rows leave.
            self.journal(true).await?;
        }
        Ok(Some(bytes))
    }
}

impl Drop for Export {
    fn drop(&mut self) {
        // A download cut short still leaves its trace in the journal.
        if self.journalled || self.personal_rows == 0 {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            tracing::error!(
                count = self.personal_rows,
                "an export of personal data could not be journalled"
            );
            return;
        };
        let store = self.app.store.clone();
        let at = self.app.clock.now();
        let reader = self.reader.clone();
        let details = self.details(false);
        runtime.spawn(async move {
            if let Err(e) = store
                .append_journal(at, &reader, JOURNAL_ACTION, None, details)
                .await
            {
                tracing::error!(error = %e, "an interrupted export of personal data could not be journalled");
            }
        });
    }
}

/// `GET /staff/statistics/cases.csv`.
pub async fn download(
    State(app): State<AppState>,
    StaffPage(staff): StaffPage,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let to_page = PageError::to(&staff);
    let actor = staff.user.actor();
    if access::reach(actor.role, Permission::ViewCase) == Reach::Never {
        return Err(to_page(ApiError::Forbidden {
            reason_bg: "Вашата роля няма достъп до съдържанието на преписките.".into(),
            reason_en: "Your role has no access to the contents of cases.".into(),
        }));
    }
    let today = local_date(app.clock.now());
    let period = view::period_from_query(&query, today).map_err(&to_page)?;
    let department_id = view::department_from_query(&query).map_err(&to_page)?;
    let filter = ExportFilter {
        from: period.from.first_day(),
        until: period.to.next().first_day(),
        department_id,
    };
    let format = match query.get("format").map(String::as_str) {
        None | Some("" | "excel" | "bg") => Format::Excel,
        Some("codes") => Format::Codes,
        Some(_) => {
            return Err(to_page(ApiError::BadRequest(vec![FieldError::new(
                "format",
                Problem::UnknownValue {
                    allowed: vec!["excel", "codes"],
                },
            )])));
        }
    };
    let asked = query
        .get("personal")
        .is_some_and(|v| matches!(v.as_str(), "1" | "on" | "yes" | "true"));
    let reason = query
        .get("reason")
        .map(|r| r.trim().to_owned())
        .unwrap_or_default();
    let personal_columns = if asked {
        if access::reach(actor.role, Permission::ViewPersonalData) == Reach::Never {
            return Err(to_page(ApiError::Forbidden {
                reason_bg: "Вашата роля няма достъп до личните данни на подателите.".into(),
                reason_en: "Your role has no access to submitters' personal data.".into(),
            }));
        }
        let problem = if reason.chars().count() < MIN_REASON_CHARS {
            Some(Problem::TooShort {
                min_chars: MIN_REASON_CHARS,
            })
        } else if reason.chars().count() > 500 {
            Some(Problem::TooLong { max_chars: 500 })
        } else if reason.chars().any(char::is_control) {
            Some(Problem::NotSingleLine)
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(to_page(ApiError::Validation(vec![FieldError::new(
                "reason", problem,
            )])));
        }
        true
    } else {
        false
    };
    let mut export = Export {
        app: app.clone(),
        actor,
        reader: staff.actor_label(),
        filter,
        period,
        after_id: 0,
        personal_columns,
        reason,
        format,
        first: None,
        started: false,
        finished: false,
        rows: 0,
        personal_rows: 0,
        journalled: false,
    };
    // The first batch is read now: a register that does not answer gets its proper status.
    let first = export
        .next_chunk()
        .await
        .map_err(|e| to_page(ApiError::from(e)))?
        .unwrap_or_default();
    let mut with_bom = "\u{feff}".as_bytes().to_vec();
    with_bom.extend(first);
    export.first = Some(with_bom);
    let stream = futures_util::stream::unfold(export, |mut export| async move {
        match export.next_chunk().await {
            Ok(Some(bytes)) => Some((Ok::<_, std::io::Error>(Bytes::from(bytes)), export)),
            Ok(None) => None,
            Err(e) => {
                tracing::error!(error = %e, "the cases export stopped");
                export.finished = true;
                Some((Err(std::io::Error::other(e.to_string())), export))
            }
        }
    });
    let name = if period.from.year() == period.to.year()
        && period.from.month() == 1
        && period.to.month() == 12
    {
        period.from.year().to_string()
    } else {
        format!("{}_{}", period.from, period.to)
    };
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"priemna-cases-{name}.csv\""),
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}
