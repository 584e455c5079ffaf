//! Import of an existing register (a municipality's spreadsheet) into Priemna: the header's
//! columns, and each row checked as intake checks a submission, plus what only an old register
//! has — its own number, a date of receipt in the past, a status, an answer already given.
//!
//! No I/O: the caller reads the file (CSV) and hands over the header's names and each row's
//! values; errors name the row as the spreadsheet shows it (the header is row 1), the column as
//! the file wrote it, and the problem in Bulgarian and in English.

use crate::calendar::{SUPPORTED_YEARS, WorkingCalendar};
use crate::kinds::{Channel, Kind};
use crate::lifecycle::Status;
use crate::rules::{Assessment, assess};
use crate::submission::{
    Draft, FieldError, MAX_BODY_CHARS, Problem, RawSubmission, RawSubmitter, validate,
};
use jiff::civil::Date;
use std::collections::HashMap;
use std::sync::LazyLock;

/// The longest old register number we keep (they look like `94-00-123/14.03.2025`).
pub const MAX_LEGACY_NUMBER_CHARS: usize = 100;

/// A column an import file may have. Each has an English identifier and a Bulgarian name;
/// either may head the column, in any case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    /// The old register's number.
    Number,
    ReceivedDate,
    Kind,
    Channel,
    Subject,
    Body,
    Name,
    Address,
    Phone,
    Email,
    Egn,
    Department,
    Status,
    AnsweredDate,
    Answer,
    /// Where the problem is (free text).
    Location,
}

impl Column {
    pub const ALL: [Column; 16] = [
        Column::Number,
        Column::ReceivedDate,
        Column::Kind,
        Column::Channel,
        Column::Subject,
        Column::Body,
        Column::Name,
        Column::Address,
        Column::Phone,
        Column::Email,
        Column::Egn,
        Column::Department,
        Column::Status,
        Column::AnsweredDate,
        Column::Answer,
        Column::Location,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Column::Number => "number",
            Column::ReceivedDate => "received_date",
            Column::Kind => "kind",
            Column::Channel => "channel",
            Column::Subject => "subject",
            Column::Body => "body",
            Column::Name => "name",
            Column::Address => "address",
            Column::Phone => "phone",
            Column::Email => "email",
            Column::Egn => "egn",
            Column::Department => "department",
            Column::Status => "status",
            Column::AnsweredDate => "answered_date",
            Column::Answer => "answer",
            Column::Location => "location",
        }
    }

    pub fn name_bg(self) -> &'static str {
        match self {
            Column::Number => "номер",
            Column::ReceivedDate => "дата",
            Column::Kind => "вид",
            Column::Channel => "канал",
            Column::Subject => "относно",
            Column::Body => "текст",
            Column::Name => "име",
            Column::Address => "адрес",
            Column::Phone => "телефон",
            Column::Email => "имейл",
            Column::Egn => "егн",
            Column::Department => "отдел",
            Column::Status => "състояние",
            Column::AnsweredDate => "дата на отговор",
            Column::Answer => "отговор",
            Column::Location => "място",
        }
    }

    /// Columns without which no row could be a submission.
    pub fn is_required(self) -> bool {
        matches!(
            self,
            Column::ReceivedDate | Column::Kind | Column::Channel | Column::Subject | Column::Body
        )
    }

    /// The column a header cell names: the identifier or the Bulgarian name, in any case, with
    /// spaces and underscores alike (`Received date`, `ДАТА_НА_ОТГОВОР`).
    pub fn from_header(name: &str) -> Option<Column> {
        let wanted = normalise_name(name);
        Column::ALL
            .into_iter()
            .find(|c| normalise_name(c.id()) == wanted || normalise_name(c.name_bg()) == wanted)
    }

    /// How an error names a column the file lacks: both names.
    fn both_names(self) -> String {
        format!("{} / {}", self.id(), self.name_bg())
    }
}

fn normalise_name(name: &str) -> String {
    name.to_lowercase()
        .replace('_', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The letters a spreadsheet shows above its `index`-th column (0 → A, 26 → AA).
pub fn spreadsheet_column(index: usize) -> String {
    let mut letters = Vec::new();
    let mut n = index + 1;
    while n > 0 {
        let rest = (n - 1) % 26;
        // `rest` < 26, so the cast cannot truncate.
        letters.push(char::from(b'A' + rest as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// What is wrong with one cell (or with the header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportProblem {
    /// A problem intake knows too (missing, too long, unknown value, a bad ЕГН, …).
    Field(Problem),
    /// Neither `2025-03-14` nor `14.03.2025`.
    InvalidDate,
    /// Before the years the working calendar knows, so no deadline can be counted.
    DateTooEarly {
        first_year: i16,
    },
    AnsweredBeforeReceived,
    /// `answered` or `closed` without the date of the answer.
    AnsweredDateRequired,
    /// A date of answer on a case whose status says it is still open.
    AnsweredDateWithOpenStatus,
    /// An answer's text without the date it was sent.
    AnswerWithoutDate,
    /// `duplicate` cannot be imported: the case it would be merged into is unknown.
    StatusNotImportable,
    UnknownDepartment {
        known: Vec<String>,
    },
    /// The same old number on two rows of the file.
    DuplicateLegacyNumber {
        first_row: u64,
    },
    /// The old number is in the register already (an earlier import).
    LegacyNumberTaken {
        number: String,
    },
    /// A value in a column without a name, or past the header's last column.
    ValueWithoutColumn,
    UnknownColumn,
    DuplicateColumn,
    MissingColumn,
    /// Bytes that are not UTF-8 text.
    NotUtf8,
    /// The CSV reader could not read the row at all.
    Unreadable {
        detail: String,
    },
}

impl ImportProblem {
    pub fn message_bg(&self) -> String {
        match self {
            ImportProblem::Field(p) => p.message_bg(),
            ImportProblem::InvalidDate => {
                "невалидна дата; очаква се ГГГГ-ММ-ДД или ДД.ММ.ГГГГ".into()
            }
            ImportProblem::DateTooEarly { first_year } => {
                format!("датата е преди {first_year} г., за която няма календар на сроковете")
            }
            ImportProblem::AnsweredBeforeReceived => {
                "датата на отговор е преди датата на постъпване".into()
            }
            ImportProblem::AnsweredDateRequired => {
                "отговорена или приключена преписка изисква дата на отговор".into()
            }
            ImportProblem::AnsweredDateWithOpenStatus => {
                "има дата на отговор, но състоянието е на незавършена преписка".into()
            }
            ImportProblem::AnswerWithoutDate => "текстът на отговора е без дата на отговор".into(),
            ImportProblem::StatusNotImportable => {
                "„обединено с друга преписка“ не може да се внесе: не е известно с коя".into()
            }
            ImportProblem::UnknownDepartment { known } => {
                if known.is_empty() {
                    "няма такъв отдел; в регистъра още няма отдели".into()
                } else {
                    format!("няма такъв отдел; има: {}", known.join(", "))
                }
            }
            ImportProblem::DuplicateLegacyNumber { first_row } => {
                format!("същият номер вече е на ред {first_row}")
            }
            ImportProblem::LegacyNumberTaken { number } => {
                format!("този номер вече е внесен в регистъра като {number}")
            }
            ImportProblem::ValueWithoutColumn => "стойност в колона без заглавие".into(),
            ImportProblem::UnknownColumn => format!(
                "непозната колона; допустими са: {}",
                column_list(Column::name_bg)
            ),
            ImportProblem::DuplicateColumn => "колоната се среща повече от веднъж".into(),
            ImportProblem::MissingColumn => "липсва задължителна колона".into(),
            ImportProblem::NotUtf8 => "текстът не е в кодиране UTF-8".into(),
            ImportProblem::Unreadable { detail } => {
                format!("редът не може да се прочете ({detail})")
            }
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            ImportProblem::Field(p) => p.message_en(),
            ImportProblem::InvalidDate => {
                "not a valid date; expected YYYY-MM-DD or DD.MM.YYYY".into()
            }
            ImportProblem::DateTooEarly { first_year } => {
                format!(
                    "the date is before {first_year}, which the deadline calendar does not cover"
                )
            }
            ImportProblem::AnsweredBeforeReceived => {
                "the date of answer is before the date of receipt".into()
            }
            ImportProblem::AnsweredDateRequired => {
                "an answered or closed case needs the date of its answer".into()
            }
            ImportProblem::AnsweredDateWithOpenStatus => {
                "a date of answer is given, but the status is that of an open case".into()
            }
            ImportProblem::AnswerWithoutDate => "the answer's text has no date of answer".into(),
            ImportProblem::StatusNotImportable => {
                "\"duplicate\" cannot be imported: the case it duplicates is unknown".into()
            }
            ImportProblem::UnknownDepartment { known } => {
                if known.is_empty() {
                    "no such department; the register has no departments yet".into()
                } else {
                    format!("no such department; there are: {}", known.join(", "))
                }
            }
            ImportProblem::DuplicateLegacyNumber { first_row } => {
                format!("the same number is on row {first_row} already")
            }
            ImportProblem::LegacyNumberTaken { number } => {
                format!("this number was imported into the register already, as {number}")
            }
            ImportProblem::ValueWithoutColumn => "a value in a column without a heading".into(),
            ImportProblem::UnknownColumn => {
                format!("unknown column; allowed: {}", column_list(Column::id))
            }
            ImportProblem::DuplicateColumn => "the column appears more than once".into(),
            ImportProblem::MissingColumn => "a required column is missing".into(),
            ImportProblem::NotUtf8 => "the text is not UTF-8".into(),
            ImportProblem::Unreadable { detail } => format!("the row cannot be read ({detail})"),
        }
    }

    /// A short machine-readable code for the problem.
    pub fn code(&self) -> &'static str {
        match self {
            ImportProblem::Field(p) => p.code(),
            ImportProblem::InvalidDate => "invalid_date",
            ImportProblem::DateTooEarly { .. } => "date_too_early",
            ImportProblem::AnsweredBeforeReceived => "answered_before_received",
            ImportProblem::AnsweredDateRequired => "answered_date_required",
            ImportProblem::AnsweredDateWithOpenStatus => "answered_date_with_open_status",
            ImportProblem::AnswerWithoutDate => "answer_without_date",
            ImportProblem::StatusNotImportable => "status_not_importable",
            ImportProblem::UnknownDepartment { .. } => "unknown_department",
            ImportProblem::DuplicateLegacyNumber { .. } => "duplicate_legacy_number",
            ImportProblem::LegacyNumberTaken { .. } => "legacy_number_taken",
            ImportProblem::ValueWithoutColumn => "value_without_column",
            ImportProblem::UnknownColumn => "unknown_column",
            ImportProblem::DuplicateColumn => "duplicate_column",
            ImportProblem::MissingColumn => "missing_column",
            ImportProblem::NotUtf8 => "not_utf8",
            ImportProblem::Unreadable { .. } => "unreadable",
        }
    }
}

fn column_list(name: fn(Column) -> &'static str) -> String {
    Column::ALL
        .iter()
        .map(|c| name(*c))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One problem of the file: its row (header = 1), its column, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub row: u64,
    /// The column as the file heads it (or both names, when the file lacks it; or the
    /// spreadsheet's letters, for a column without a heading).
    pub column: String,
    pub problem: ImportProblem,
}

impl RowError {
    pub fn new(row: u64, column: impl Into<String>, problem: ImportProblem) -> RowError {
        RowError {
            row,
            column: column.into(),
            problem,
        }
    }
}

/// The header row: which column each position holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// `None`: a position without a heading (its cells must be empty).
    slots: Vec<Option<Column>>,
    /// The heading of each known column, as the file wrote it.
    labels: HashMap<Column, String>,
}

impl Header {
    /// Reads the header row. Unknown, repeated and missing required columns are all reported
    /// at once (as errors of row 1); empty headings are allowed (spreadsheets write trailing
    /// delimiters), as long as their cells stay empty.
    pub fn parse(names: &[&str]) -> Result<Header, Vec<RowError>> {
        let mut errors = Vec::new();
        let mut slots = Vec::with_capacity(names.len());
        let mut labels = HashMap::new();
        for name in names {
            let heading = name.trim();
            if heading.is_empty() {
                slots.push(None);
                continue;
            }
            match Column::from_header(heading) {
                Some(column) if labels.contains_key(&column) => {
                    errors.push(RowError::new(1, heading, ImportProblem::DuplicateColumn));
                    slots.push(None);
                }
                Some(column) => {
                    labels.insert(column, heading.to_owned());
                    slots.push(Some(column));
                }
                None => {
                    errors.push(RowError::new(1, heading, ImportProblem::UnknownColumn));
                    slots.push(None);
                }
            }
        }
        for column in Column::ALL {
            if column.is_required() && !labels.contains_key(&column) {
                errors.push(RowError::new(
                    1,
                    column.both_names(),
                    ImportProblem::MissingColumn,
                ));
            }
        }
        if errors.is_empty() {
            Ok(Header { slots, labels })
        } else {
            Err(errors)
        }
    }

    /// How errors name `column`: as the file heads it, or by both names if it has no such column.
    pub fn label(&self, column: Column) -> String {
        self.labels
            .get(&column)
            .cloned()
            .unwrap_or_else(|| column.both_names())
    }

    /// The label of the cell at `index`: its heading, or the spreadsheet's letters.
    pub fn label_at(&self, index: usize) -> String {
        match self.slots.get(index).copied().flatten() {
            Some(column) => self.label(column),
            None => spreadsheet_column(index),
        }
    }

    /// The number of positions in the header row.
    pub fn width(&self) -> usize {
        self.slots.len()
    }

    /// The value of `column` in `values`: trimmed, `None` when empty or absent.
    fn value<'v>(&self, values: &[&'v str], column: Column) -> Option<&'v str> {
        let index = self.slots.iter().position(|s| *s == Some(column))?;
        values
            .get(index)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }
}

/// What the checks need from outside: the date of the import (nothing can be received after
/// it), the calendar for deadlines, and the departments the register has.
#[derive(Debug, Clone, Copy)]
pub struct ImportContext<'a> {
    pub today: Date,
    pub calendar: &'a WorkingCalendar,
    pub departments: &'a [String],
}

/// A row that passed every check, ready for the register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedRow {
    /// The row in the spreadsheet (header = 1).
    pub row: u64,
    pub legacy_number: Option<String>,
    pub received: Date,
    pub draft: Draft,
    /// The charter's rules on the date of receipt: the legal deadline (`answer_due`) the
    /// statistics measure the answer against.
    pub assessment: Assessment,
    /// The department's name as the register spells it.
    pub department: Option<String>,
    pub status: Status,
    pub answered: Option<Date>,
    pub answer: Option<String>,
    /// When the case was finished (the retention period runs from it): the date of answer,
    /// or for a case forwarded or not considered without one, the date of receipt.
    pub finished: Option<Date>,
}

/// Checks the rows of one file in order (it remembers old numbers to catch repeats).
#[derive(Debug)]
pub struct RowChecker<'a> {
    header: Header,
    context: ImportContext<'a>,
    legacy_rows: HashMap<String, u64>,
    /// The departments' names, normalised once, with their place in `context.departments`.
    departments: Vec<(String, usize)>,
}

impl<'a> RowChecker<'a> {
    pub fn new(header: Header, context: ImportContext<'a>) -> RowChecker<'a> {
        let departments = context
            .departments
            .iter()
            .enumerate()
            .map(|(index, name)| (normalise_name(name), index))
            .collect();
        RowChecker {
            header,
            context,
            legacy_rows: HashMap::new(),
            departments,
        }
    }

    pub fn header(&self) -> &Header {
        &self.header
    }

    /// Checks the row numbered `row` (header = 1) whose cells are `values`, in the header's
    /// order. Every problem of the row is reported at once.
    pub fn check(&mut self, row: u64, values: &[&str]) -> Result<ImportedRow, Vec<RowError>> {
        let header = &self.header;
        let context = self.context;
        let mut errors = Vec::new();
        let mut fail = |column: Column, problem: ImportProblem| {
            errors.push(RowError::new(row, header.label(column), problem));
        };

        let legacy_number = header.value(values, Column::Number).and_then(|number| {
            let problem = if number.chars().count() > MAX_LEGACY_NUMBER_CHARS {
                Some(Problem::TooLong {
                    max_chars: MAX_LEGACY_NUMBER_CHARS,
                })
            } else if has_control(number) {
                Some(Problem::ControlCharacter)
            } else {
                None
            };
            if let Some(problem) = problem {
                fail(Column::Number, ImportProblem::Field(problem));
                return None;
            }
            if let Some(first_row) = self.legacy_rows.get(number) {
                fail(
                    Column::Number,
                    ImportProblem::DuplicateLegacyNumber {
                        first_row: *first_row,
                    },
                );
                return None;
            }
            self.legacy_rows.insert(number.to_owned(), row);
            Some(number.to_owned())
        });

        let received = match header.value(values, Column::ReceivedDate) {
            None => {
                fail(Column::ReceivedDate, ImportProblem::Field(Problem::Missing));
                None
            }
            Some(text) => match check_date(text, context.today) {
                Ok(date) => Some(date),
                Err(problem) => {
                    fail(Column::ReceivedDate, problem);
                    None
                }
            },
        };

        // Kind and channel may be written as intake's identifiers or as the Bulgarian labels;
        // intake's own check then sees the identifier.
        let kind = header.value(values, Column::Kind);
        let kind_id = kind.map(|k| match parse_kind(k) {
            Some(kind) => Some(kind.as_str()),
            None => {
                fail(Column::Kind, unknown_value(kind_values()));
                None
            }
        });
        let channel = header.value(values, Column::Channel);
        let channel_id = channel.map(|c| match parse_channel(c) {
            Some(channel) => Some(channel.as_str()),
            None => {
                fail(Column::Channel, unknown_value(channel_values()));
                None
            }
        });

        let status_given = match header.value(values, Column::Status) {
            None => None,
            Some(text) => match parse_status(text) {
                Some(Status::Duplicate) => {
                    fail(Column::Status, ImportProblem::StatusNotImportable);
                    None
                }
                Some(status) => Some(status),
                None => {
                    fail(Column::Status, unknown_value(status_values()));
                    None
                }
            },
        };
        let status_known = header.value(values, Column::Status).is_none() || status_given.is_some();

        let answered = match header.value(values, Column::AnsweredDate) {
            None => None,
            Some(text) => match check_date(text, context.today) {
                Ok(date) => Some(date),
                Err(problem) => {
                    fail(Column::AnsweredDate, problem);
                    None
                }
            },
        };
        let answered_cell = header.value(values, Column::AnsweredDate).is_some();

        let answer = header.value(values, Column::Answer).and_then(|text| {
            if text.chars().count() > MAX_BODY_CHARS {
                fail(
                    Column::Answer,
                    ImportProblem::Field(Problem::TooLong {
                        max_chars: MAX_BODY_CHARS,
                    }),
                );
                None
            } else if has_control(text) {
                fail(
                    Column::Answer,
                    ImportProblem::Field(Problem::ControlCharacter),
                );
                None
            } else {
                Some(text.to_owned())
            }
        });
        if answer.is_some() && !answered_cell {
            fail(Column::Answer, ImportProblem::AnswerWithoutDate);
        }

        let department = header.value(values, Column::Department).and_then(|name| {
            let found = find_by_name(name, &self.departments)
                .and_then(|index| context.departments.get(index))
                .cloned();
            if found.is_none() {
                fail(
                    Column::Department,
                    ImportProblem::UnknownDepartment {
                        known: context.departments.to_vec(),
                    },
                );
            }
            found
        });

        // A date of answer with no status means the case was answered.
        let status = match (status_given, answered_cell) {
            (Some(status), _) => status,
            (None, true) => Status::Answered,
            (None, false) => Status::Registered,
        };
        if status_known {
            if matches!(status, Status::Answered | Status::Closed) && !answered_cell {
                fail(Column::AnsweredDate, ImportProblem::AnsweredDateRequired);
            }
            if status.is_open() && answered_cell {
                fail(
                    Column::AnsweredDate,
                    ImportProblem::AnsweredDateWithOpenStatus,
                );
            }
        }
        if let (Some(received), Some(answered)) = (received, answered)
            && answered < received
        {
            fail(Column::AnsweredDate, ImportProblem::AnsweredBeforeReceived);
        }

        let raw = RawSubmission {
            kind: kind_id.map(|id| id.unwrap_or_default().to_owned()),
            channel: channel_id.map(|id| id.unwrap_or_default().to_owned()),
            subject: owned(header.value(values, Column::Subject)),
            body: owned(header.value(values, Column::Body)),
            submitter: Some(RawSubmitter {
                name: owned(header.value(values, Column::Name)),
                address: owned(header.value(values, Column::Address)),
                phone: owned(header.value(values, Column::Phone)),
                email: owned(header.value(values, Column::Email)),
                egn: owned(header.value(values, Column::Egn)),
            }),
            address: owned(header.value(values, Column::Location)),
            // The old register's cases were received under the consent (or the law) of their
            // day; the import does not ask the citizens again.
            consent: Some(true),
            ..RawSubmission::default()
        };
        // The same check every channel uses, as on the day the submission was received.
        let validated = validate(&raw, received.unwrap_or(context.today));
        let draft = match validated {
            Ok(draft) => Some(draft),
            Err(field_errors) => {
                for FieldError { field, problem } in field_errors {
                    // An unknown kind or channel was reported above, with the Bulgarian labels.
                    let reported = (field == "kind" && kind.is_some())
                        || (field == "channel" && channel.is_some());
                    if !reported {
                        errors.push(RowError::new(
                            row,
                            field_label(header, &field),
                            ImportProblem::Field(problem),
                        ));
                    }
                }
                None
            }
        };

        for (index, value) in values.iter().enumerate() {
            let named = header.slots.get(index).copied().flatten().is_some();
            if !named && !value.trim().is_empty() {
                errors.push(RowError::new(
                    row,
                    header.label_at(index),
                    ImportProblem::ValueWithoutColumn,
                ));
            }
        }

        match (draft, received) {
            (Some(draft), Some(received)) if errors.is_empty() => {
                let assessment = assess(&draft, received, context.calendar);
                let finished = if status.is_open() {
                    None
                } else {
                    Some(answered.unwrap_or(received))
                };
                Ok(ImportedRow {
                    row,
                    legacy_number,
                    received,
                    draft,
                    assessment,
                    department,
                    status,
                    answered,
                    answer,
                    finished,
                })
            }
            _ => Err(errors),
        }
    }
}

fn owned(value: Option<&str>) -> Option<String> {
    value.map(str::to_owned)
}

fn has_control(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
}

fn unknown_value(allowed: Vec<&'static str>) -> ImportProblem {
    ImportProblem::Field(Problem::UnknownValue { allowed })
}

/// The column intake's field names stand for.
fn field_label(header: &Header, field: &str) -> String {
    let column = match field {
        "kind" => Column::Kind,
        "channel" => Column::Channel,
        "subject" => Column::Subject,
        "body" => Column::Body,
        "address" => Column::Location,
        "submitter.name" => Column::Name,
        "submitter.address" => Column::Address,
        "submitter.phone" => Column::Phone,
        "submitter.email" => Column::Email,
        "submitter.egn" => Column::Egn,
        // No contact at all: any of the three would do.
        "submitter" => {
            return [Column::Address, Column::Phone, Column::Email]
                .map(|c| header.label(c))
                .join(" | ");
        }
        other => return other.to_owned(),
    };
    header.label(column)
}

/// A date of the register: not before the calendar's first year, not after `today`.
fn check_date(text: &str, today: Date) -> Result<Date, ImportProblem> {
    let date = parse_register_date(text).ok_or(ImportProblem::InvalidDate)?;
    if date.year() < *SUPPORTED_YEARS.start() {
        return Err(ImportProblem::DateTooEarly {
            first_year: *SUPPORTED_YEARS.start(),
        });
    }
    if date > today {
        return Err(ImportProblem::Field(Problem::FutureDate));
    }
    Ok(date)
}

/// A date as a register writes it: ISO `2025-03-14`, or Bulgarian `14.03.2025` (also `14.3.2025`
/// and `14.03.2025 г.`, as Bulgarian Excel formats dates).
pub fn parse_register_date(text: &str) -> Option<Date> {
    let text = text.trim();
    let text = text
        .strip_suffix("г.")
        .or_else(|| text.strip_suffix('г'))
        .unwrap_or(text)
        .trim_end();
    let number = |part: &str, widths: std::ops::RangeInclusive<usize>| -> Option<i16> {
        if widths.contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let (year, month, day) = if let Some((day, rest)) = text.split_once('.') {
        let (month, year) = rest.split_once('.')?;
        (
            number(year, 4..=4)?,
            number(month, 1..=2)?,
            number(day, 1..=2)?,
        )
    } else {
        let mut parts = text.splitn(3, '-');
        let year = number(parts.next()?, 4..=4)?;
        let month = number(parts.next()?, 2..=2)?;
        let day = number(parts.next()?, 2..=2)?;
        (year, month, day)
    };
    Date::new(year, i8::try_from(month).ok()?, i8::try_from(day).ok()?).ok()
}

/// Each value under its names (identifier, Bulgarian and English labels), normalised once.
fn names_of<T: Copy>(values: &[T], names: fn(T) -> [&'static str; 3]) -> Vec<(String, T)> {
    values
        .iter()
        .flat_map(|v| names(*v).map(|name| (normalise_name(name), *v)))
        .collect()
}

fn find_by_name<T: Copy>(text: &str, table: &[(String, T)]) -> Option<T> {
    let wanted = normalise_name(text);
    table
        .iter()
        .find(|(name, _)| *name == wanted)
        .map(|(_, v)| *v)
}

static KIND_NAMES: LazyLock<Vec<(String, Kind)>> =
    LazyLock::new(|| names_of(&Kind::ALL, |k| [k.as_str(), k.label_bg(), k.label_en()]));
static CHANNEL_NAMES: LazyLock<Vec<(String, Channel)>> =
    LazyLock::new(|| names_of(&Channel::ALL, |c| [c.as_str(), c.label_bg(), c.label_en()]));
static STATUS_NAMES: LazyLock<Vec<(String, Status)>> =
    LazyLock::new(|| names_of(&Status::ALL, |s| [s.as_str(), s.label_bg(), s.label_en()]));

/// A kind written as its identifier, its Bulgarian or English label, in any case.
pub fn parse_kind(text: &str) -> Option<Kind> {
    find_by_name(text, &KIND_NAMES)
}

/// A channel written as its identifier, its Bulgarian or English label, in any case.
pub fn parse_channel(text: &str) -> Option<Channel> {
    find_by_name(text, &CHANNEL_NAMES)
}

/// A status written as its identifier, its Bulgarian or English label, in any case.
pub fn parse_status(text: &str) -> Option<Status> {
    find_by_name(text, &STATUS_NAMES)
}

fn kind_values() -> Vec<&'static str> {
    Kind::ALL
        .iter()
        .flat_map(|k| [k.as_str(), k.label_bg()])
        .collect()
}

fn channel_values() -> Vec<&'static str> {
    Channel::ALL
        .iter()
        .flat_map(|c| [c.as_str(), c.label_bg()])
        .collect()
}

fn status_values() -> Vec<&'static str> {
    Status::ALL
        .iter()
        .filter(|s| **s != Status::Duplicate)
        .flat_map(|s| [s.as_str(), s.label_bg()])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deadline::DeadlineRule;
    use crate::identity::{EgnError, PhoneError};
    use jiff::civil::date;

    static CALENDAR: LazyLock<WorkingCalendar> =
        LazyLock::new(WorkingCalendar::with_builtin_decrees);
    const TODAY: Date = date(2026, 6, 1);
    const HEADER: [&str; 16] = [
        "number",
        "received_date",
        "kind",
        "channel",
        "subject",
        "body",
        "name",
        "address",
        "phone",
        "email",
        "egn",
        "department",
        "status",
        "answered_date",
        "answer",
        "location",
    ];

    fn departments() -> Vec<String> {
        vec!["Благоустройство".into(), "Екология".into()]
    }

    /// A good row; `changes` replace cells by column id.
    fn row(changes: &[(&str, &str)]) -> Vec<String> {
        let mut cells: Vec<String> = [
            "94-00-1",
            "2025-03-14",
            "complaint",
            "post",
            "Дупка на ул. „Шипка“",
            "На ул. „Шипка“ 12 има дупка от месец.",
            "Мария Георгиева",
            "ул. „Шипка“ 10, Хасково",
            "0888 123 456",
            "",
            "",
            "Благоустройство",
            "answered",
            "2025-03-20",
            "Дупката е запълнена.",
            "ул. „Шипка“ 12",
        ]
        .map(str::to_owned)
        .to_vec();
        for (column, value) in changes {
            let index = HEADER.iter().position(|h| h == column).unwrap();
            cells[index] = (*value).to_owned();
        }
        cells
    }

    fn check_with(header: &[&str], cells: &[String]) -> Result<ImportedRow, Vec<RowError>> {
        let departments = departments();
        let header = Header::parse(header).unwrap();
        let context = ImportContext {
            today: TODAY,
            calendar: &CALENDAR,
            departments: &departments,
        };
        let values: Vec<&str> = cells.iter().map(String::as_str).collect();
        RowChecker::new(header, context).check(2, &values)
    }

    fn check(changes: &[(&str, &str)]) -> Result<ImportedRow, Vec<RowError>> {
        check_with(&HEADER, &row(changes))
    }

    /// The one error of a row, as (column, problem).
    fn only_error(changes: &[(&str, &str)]) -> (String, ImportProblem) {
        let errors = check(changes).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].row, 2);
        (errors[0].column.clone(), errors[0].problem.clone())
    }

    #[test]
    fn a_good_row_is_a_case_with_its_legal_deadline() {
        let case = check(&[]).unwrap();
        assert_eq!(case.row, 2);
        assert_eq!(case.legacy_number.as_deref(), Some("94-00-1"));
        assert_eq!(case.received, date(2025, 3, 14));
        assert_eq!(case.draft.kind, Kind::Complaint);
        assert_eq!(case.draft.channel, Channel::Post);
        assert_eq!(case.draft.address.as_deref(), Some("ул. „Шипка“ 12"));
        assert_eq!(case.department.as_deref(), Some("Благоустройство"));
        assert_eq!(case.status, Status::Answered);
        assert_eq!(case.answered, Some(date(2025, 3, 20)));
        assert_eq!(case.finished, Some(date(2025, 3, 20)));
        assert_eq!(case.answer.as_deref(), Some("Дупката е запълнена."));
        // A complaint (not flagged as bad administration): АПК's two months from 14 March 2025.
        assert_eq!(
            case.assessment.deadline_rule,
            Some(DeadlineRule::Apk2Months)
        );
        assert_eq!(case.assessment.answer_due, Some(date(2025, 5, 14)));
    }

    #[test]
    fn headers_may_be_bulgarian_in_any_case_and_values_bulgarian_labels() {
        let header = [
            "Номер",
            "ДАТА",
            "Вид",
            "Канал",
            "Относно",
            "Текст",
            "Име",
            "Адрес",
            "Телефон",
            "Имейл",
            "ЕГН",
            "Отдел",
            "Състояние",
            "Дата на отговор",
            "Отговор",
            "Място",
        ];
        let mut cells = row(&[]);
        cells[1] = "14.03.2025".into();
        cells[2] = "Жалба".into();
        cells[3] = "поща".into();
        cells[11] = "благоустройство".into();
        cells[12] = "Отговорено".into();
        cells[13] = "20.3.2025 г.".into();
        let case = check_with(&header, &cells).unwrap();
        assert_eq!(case.received, date(2025, 3, 14));
        assert_eq!(case.draft.kind, Kind::Complaint);
        assert_eq!(case.draft.channel, Channel::Post);
        assert_eq!(case.status, Status::Answered);
        assert_eq!(case.answered, Some(date(2025, 3, 20)));
        assert_eq!(case.department.as_deref(), Some("Благоустройство"));
    }

    #[test]
    fn header_errors_name_every_bad_column_at_once() {
        let errors = Header::parse(&["дата", "вид", "Цвят", "вид", "subject"]).unwrap_err();
        let found: Vec<(u64, &str, &str)> = errors
            .iter()
            .map(|e| (e.row, e.column.as_str(), e.problem.code()))
            .collect();
        assert_eq!(
            found,
            vec![
                (1, "Цвят", "unknown_column"),
                (1, "вид", "duplicate_column"),
                (1, "channel / канал", "missing_column"),
                (1, "body / текст", "missing_column"),
            ]
        );
        assert!(errors[0].problem.message_bg().contains("дата на отговор"));
        assert!(errors[0].problem.message_en().contains("answered_date"));
        // An empty file has no required column.
        assert_eq!(Header::parse(&[]).unwrap_err().len(), 5);
        assert_eq!(Header::parse(&[""]).unwrap_err().len(), 5);
    }

    #[test]
    fn only_the_required_columns_are_needed() {
        let header = ["received_date", "kind", "channel", "subject", "body", ""];
        let cells: Vec<String> = ["2025-01-10", "opinion", "web", "Парк", "Хубав парк.", ""]
            .map(str::to_owned)
            .to_vec();
        let case = check_with(&header, &cells).unwrap();
        assert!(case.draft.is_anonymous());
        assert_eq!(case.status, Status::Registered);
        assert_eq!(case.finished, None);
        assert_eq!(case.legacy_number, None);
    }

    #[test]
    fn a_value_without_a_heading_is_refused_with_the_spreadsheet_letter() {
        let header = ["received_date", "kind", "channel", "subject", "body", ""];
        let cells: Vec<String> = [
            "2025-01-10",
            "opinion",
            "web",
            "Парк",
            "Хубав парк.",
            "x",
            "y",
        ]
        .map(str::to_owned)
        .to_vec();
        let errors = check_with(&header, &cells).unwrap_err();
        let columns: Vec<&str> = errors.iter().map(|e| e.column.as_str()).collect();
        assert_eq!(columns, vec!["F", "G"]);
        assert!(
            errors
                .iter()
                .all(|e| e.problem == ImportProblem::ValueWithoutColumn)
        );
        assert_eq!(spreadsheet_column(0), "A");
        assert_eq!(spreadsheet_column(25), "Z");
        assert_eq!(spreadsheet_column(26), "AA");
        assert_eq!(spreadsheet_column(27 * 26), "AAA");
    }

    #[test]
    fn the_date_of_receipt_is_required_and_must_be_a_date_in_the_past() {
        let missing = only_error(&[("received_date", "")]);
        assert_eq!(
            missing,
            (
                "received_date".into(),
                ImportProblem::Field(Problem::Missing)
            )
        );
        for bad in [
            "14/03/2025",
            "2025-3-14",
            "32.01.2025",
            "2025-02-29",
            "вчера",
            "14.03.25",
        ] {
            let (column, problem) = only_error(&[
                ("received_date", bad),
                ("status", "registered"),
                ("answered_date", ""),
                ("answer", ""),
            ]);
            assert_eq!(
                (column.as_str(), problem),
                ("received_date", ImportProblem::InvalidDate),
                "{bad}"
            );
        }
        assert_eq!(
            only_error(&[
                ("received_date", "2026-06-02"),
                ("status", "registered"),
                ("answered_date", ""),
                ("answer", "")
            ]),
            (
                "received_date".into(),
                ImportProblem::Field(Problem::FutureDate)
            )
        );
        assert_eq!(
            only_error(&[
                ("received_date", "1989-12-31"),
                ("status", "registered"),
                ("answered_date", ""),
                ("answer", "")
            ]),
            (
                "received_date".into(),
                ImportProblem::DateTooEarly { first_year: 1990 }
            )
        );
    }

    #[test]
    fn register_dates_parse_in_both_spellings() {
        assert_eq!(parse_register_date("2025-03-14"), Some(date(2025, 3, 14)));
        assert_eq!(parse_register_date(" 14.03.2025 "), Some(date(2025, 3, 14)));
        assert_eq!(parse_register_date("4.3.2025"), Some(date(2025, 3, 4)));
        assert_eq!(
            parse_register_date("14.03.2025 г."),
            Some(date(2025, 3, 14))
        );
        assert_eq!(parse_register_date("14.03.2025г"), Some(date(2025, 3, 14)));
        for bad in [
            "",
            "2025",
            "2025-03-14T10:00",
            "+2025-03-14",
            "14.03.",
            "1.1.1.2025",
            "г.",
        ] {
            assert_eq!(parse_register_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn kind_channel_and_status_must_be_known() {
        let (column, problem) = only_error(&[("kind", "оплакване от съсед")]);
        assert_eq!(column, "kind");
        let ImportProblem::Field(Problem::UnknownValue { allowed }) = &problem else {
            panic!("{problem:?}");
        };
        assert!(allowed.contains(&"жалба") && allowed.contains(&"complaint"));
        assert!(problem.message_bg().starts_with("непозната стойност"));

        let (column, problem) = only_error(&[("channel", "факс")]);
        assert_eq!(column, "channel");
        assert!(matches!(
            problem,
            ImportProblem::Field(Problem::UnknownValue { .. })
        ));
        assert_eq!(
            only_error(&[("kind", "")]),
            ("kind".into(), ImportProblem::Field(Problem::Missing))
        );
        assert_eq!(
            only_error(&[("channel", "")]),
            ("channel".into(), ImportProblem::Field(Problem::Missing))
        );

        let (column, problem) = only_error(&[("status", "забравено")]);
        assert_eq!(column, "status");
        let ImportProblem::Field(Problem::UnknownValue { allowed }) = &problem else {
            panic!("{problem:?}");
        };
        assert!(!allowed.contains(&"duplicate"));
        assert_eq!(
            only_error(&[("status", "duplicate")]),
            ("status".into(), ImportProblem::StatusNotImportable)
        );
    }

    #[test]
    fn intakes_own_checks_name_their_columns() {
        assert_eq!(
            only_error(&[("subject", "")]),
            ("subject".into(), ImportProblem::Field(Problem::Missing))
        );
        assert_eq!(
            only_error(&[("body", "  ")]),
            ("body".into(), ImportProblem::Field(Problem::Missing))
        );
        let long = "д".repeat(201);
        assert_eq!(
            only_error(&[("subject", &long)]),
            (
                "subject".into(),
                ImportProblem::Field(Problem::TooLong { max_chars: 200 })
            )
        );
        assert_eq!(
            only_error(&[("location", "ул.\u{7}12")]),
            (
                "location".into(),
                ImportProblem::Field(Problem::NotSingleLine)
            )
        );
        assert_eq!(
            only_error(&[("phone", "12")]),
            (
                "phone".into(),
                ImportProblem::Field(Problem::Phone(PhoneError::WrongLength))
            )
        );
        let (column, problem) = only_error(&[("email", "мария@")]);
        assert_eq!(column, "email");
        assert_eq!(problem.code(), "invalid_email");
        assert_eq!(
            only_error(&[("egn", "7501010011")]),
            (
                "egn".into(),
                ImportProblem::Field(Problem::Egn(EgnError::BadChecksum))
            )
        );
        let (column, problem) = only_error(&[("name", "")]);
        assert_eq!((column.as_str(), problem.code()), ("name", "missing"));
        // A named complaint needs somewhere to send the answer.
        let (column, problem) = only_error(&[("address", ""), ("phone", "")]);
        assert_eq!(column, "address | phone | email");
        assert_eq!(problem, ImportProblem::Field(Problem::NoContact));
    }

    #[test]
    fn the_egn_is_checked_against_the_date_of_receipt() {
        // Born 1 January 2026: valid today, but not yet born when the complaint was received.
        let egn = "2641010008";
        assert!(crate::identity::Egn::parse(egn).is_ok());
        assert_eq!(
            only_error(&[("egn", egn)]),
            (
                "egn".into(),
                ImportProblem::Field(Problem::Egn(EgnError::InvalidDate))
            )
        );
    }

    #[test]
    fn answers_must_fit_the_status_and_the_dates() {
        assert_eq!(
            only_error(&[("answered_date", "2025-03-13")]),
            (
                "answered_date".into(),
                ImportProblem::AnsweredBeforeReceived
            )
        );
        assert_eq!(
            only_error(&[("answered_date", "13.13.2025")]),
            ("answered_date".into(), ImportProblem::InvalidDate)
        );
        assert_eq!(
            only_error(&[("answered_date", "2027-01-01")]),
            (
                "answered_date".into(),
                ImportProblem::Field(Problem::FutureDate)
            )
        );
        let errors = check(&[("answered_date", ""), ("status", "closed")]).unwrap_err();
        let found: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.column.as_str(), e.problem.code()))
            .collect();
        assert_eq!(
            found,
            vec![
                ("answer", "answer_without_date"),
                ("answered_date", "answered_date_required"),
            ]
        );
        assert_eq!(
            only_error(&[("status", "in_progress")]),
            (
                "answered_date".into(),
                ImportProblem::AnsweredDateWithOpenStatus
            )
        );
        // A date of answer alone makes the case answered.
        let case = check(&[("status", "")]).unwrap();
        assert_eq!(case.status, Status::Answered);
        // Forwarded without a date: finished on the day it was received.
        let case = check(&[
            ("status", "препратено по компетентност"),
            ("answered_date", ""),
            ("answer", ""),
        ])
        .unwrap();
        assert_eq!(case.status, Status::Forwarded);
        assert_eq!(case.finished, Some(date(2025, 3, 14)));
        assert_eq!(case.answered, None);
    }

    #[test]
    fn departments_must_exist() {
        let (column, problem) = only_error(&[("department", "Транспорт")]);
        assert_eq!(column, "department");
        assert_eq!(
            problem,
            ImportProblem::UnknownDepartment {
                known: departments()
            }
        );
        assert!(problem.message_bg().contains("Екология"));
    }

    #[test]
    fn old_numbers_are_unique_within_the_file_and_bounded() {
        let departments = departments();
        let header = Header::parse(&HEADER).unwrap();
        let context = ImportContext {
            today: TODAY,
            calendar: &CALENDAR,
            departments: &departments,
        };
        let mut checker = RowChecker::new(header, context);
        let cells = row(&[]);
        let values: Vec<&str> = cells.iter().map(String::as_str).collect();
        assert!(checker.check(2, &values).is_ok());
        let errors = checker.check(3, &values).unwrap_err();
        assert_eq!(
            errors,
            vec![RowError::new(
                3,
                "number",
                ImportProblem::DuplicateLegacyNumber { first_row: 2 }
            )]
        );
        assert!(errors[0].problem.message_bg().contains("ред 2"));
        let long = "1".repeat(MAX_LEGACY_NUMBER_CHARS + 1);
        assert_eq!(
            only_error(&[("number", &long)]),
            (
                "number".into(),
                ImportProblem::Field(Problem::TooLong {
                    max_chars: MAX_LEGACY_NUMBER_CHARS
                })
            )
        );
        assert_eq!(
            only_error(&[("number", "1\u{0}2")]),
            (
                "number".into(),
                ImportProblem::Field(Problem::ControlCharacter)
            )
        );
    }

    #[test]
    fn the_answer_text_is_bounded() {
        let long = "а".repeat(MAX_BODY_CHARS + 1);
        assert_eq!(
            only_error(&[("answer", &long)]),
            (
                "answer".into(),
                ImportProblem::Field(Problem::TooLong {
                    max_chars: MAX_BODY_CHARS
                })
            )
        );
    }

    #[test]
    fn a_row_reports_every_problem_at_once() {
        let errors = check(&[
            ("received_date", "вчера"),
            ("kind", "?"),
            ("phone", "x"),
            ("department", "?"),
        ])
        .unwrap_err();
        let columns: Vec<&str> = errors.iter().map(|e| e.column.as_str()).collect();
        assert_eq!(
            columns,
            vec!["received_date", "kind", "department", "phone"]
        );
    }

    #[test]
    fn every_problem_speaks_both_languages() {
        let problems = [
            ImportProblem::InvalidDate,
            ImportProblem::DateTooEarly { first_year: 1990 },
            ImportProblem::AnsweredBeforeReceived,
            ImportProblem::AnsweredDateRequired,
            ImportProblem::AnsweredDateWithOpenStatus,
            ImportProblem::AnswerWithoutDate,
            ImportProblem::StatusNotImportable,
            ImportProblem::UnknownDepartment { known: vec![] },
            ImportProblem::DuplicateLegacyNumber { first_row: 2 },
            ImportProblem::LegacyNumberTaken {
                number: "2025-000001".into(),
            },
            ImportProblem::ValueWithoutColumn,
            ImportProblem::UnknownColumn,
            ImportProblem::DuplicateColumn,
            ImportProblem::MissingColumn,
            ImportProblem::NotUtf8,
            ImportProblem::Unreadable { detail: "x".into() },
        ];
        let mut codes = std::collections::HashSet::new();
        for p in problems {
            assert!(
                p.message_bg().chars().any(|c| ('а'..='я').contains(&c)),
                "{p:?}"
            );
            assert!(p.message_en().is_ascii(), "{p:?}");
            assert!(codes.insert(p.code()), "{p:?}");
        }
    }
}
