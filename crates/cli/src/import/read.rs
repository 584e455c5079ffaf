//! Reading an import file: CSV in UTF-8 (with or without a BOM), `,` or `;` as the header line
//! shows, into rows that `priemna_domain::import` checks. It depends on nothing else in the
//! command, so that the property test can include it as it is.

use priemna_domain::import::{
    Header, ImportContext, ImportProblem, ImportedRow, RowChecker, RowError, spreadsheet_column,
};

const BOM: &[u8] = b"\xEF\xBB\xBF";
/// How often (in rows) the caller hears how far the reading got.
const PROGRESS_EVERY: u64 = 256;

/// What a file held: the rows that passed, and every problem of those that did not.
#[derive(Debug)]
pub struct FileRows {
    pub delimiter: u8,
    pub header: Header,
    pub rows: Vec<ImportedRow>,
    /// In the order of the file.
    pub errors: Vec<RowError>,
    /// Rows read after the header, blank ones left out.
    pub data_rows: u64,
}

/// The file's delimiter: `;` (as Bulgarian Excel writes) if the header line has more semicolons
/// than commas outside quotes, else `,`.
pub fn detect_delimiter(bytes: &[u8]) -> u8 {
    let (mut commas, mut semicolons, mut quoted) = (0usize, 0usize, false);
    for &byte in bytes {
        match byte {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            b',' if !quoted => commas += 1,
            b';' if !quoted => semicolons += 1,
            _ => {}
        }
    }
    if semicolons > commas { b';' } else { b',' }
}

/// Reads and checks the whole file. `Err`: the header is unusable (every problem of row 1), so
/// no row could be read. `progress` hears the bytes read so far.
pub fn read_file(
    bytes: &[u8],
    context: ImportContext<'_>,
    progress: &mut dyn FnMut(u64),
) -> Result<FileRows, Vec<RowError>> {
    let body = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let delimiter = detect_delimiter(body);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(body);
    let mut record = csv::ByteRecord::new();

    let header_cells = match reader.read_byte_record(&mut record) {
        Ok(true) => text_cells(&record, 1, spreadsheet_column)?,
        Ok(false) => Vec::new(),
        Err(e) => return Err(vec![unreadable(1, &e)]),
    };
    let cells: Vec<&str> = header_cells.iter().map(String::as_str).collect();
    let header = Header::parse(&cells)?;
    // Rows as a spreadsheet numbers them: the reader skips empty lines, which a spreadsheet
    // shows as empty rows, so they are counted here from the bytes between records.
    let mut row = 1 + line_ends(body, 0);
    let mut empty_lines_ahead = empty_lines_after(body, reader.position().byte());
    let mut checker = RowChecker::new(header, context);
    let mut checked = Vec::new();
    let mut errors = Vec::new();
    let mut data_rows = 0u64;
    loop {
        row = row.saturating_add(empty_lines_ahead).saturating_add(1);
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                // The reader cannot go on past a row it cannot read.
                errors.push(unreadable(row, &e));
                break;
            }
        }
        empty_lines_ahead = empty_lines_after(body, reader.position().byte());
        if record.iter().all(|cell| cell.trim_ascii().is_empty()) {
            continue;
        }
        data_rows += 1;
        if data_rows.is_multiple_of(PROGRESS_EVERY) {
            progress(reader.position().byte());
        }
        let header = checker.header();
        let cells = match text_cells(&record, row, |index| header.label_at(index)) {
            Ok(cells) => cells,
            Err(not_text) => {
                errors.extend(not_text);
                continue;
            }
        };
        let values: Vec<&str> = cells.iter().map(String::as_str).collect();
        match checker.check(row, &values) {
            Ok(case) => checked.push(case),
            Err(problems) => errors.extend(problems),
        }
    }
    progress(reader.position().byte());
    Ok(FileRows {
        delimiter,
        header: checker.header().clone(),
        rows: checked,
        errors,
        data_rows,
    })
}

/// The cells of a record as text; a cell that is not UTF-8 is an error naming its column.
fn text_cells(
    record: &csv::ByteRecord,
    row: u64,
    label: impl Fn(usize) -> String,
) -> Result<Vec<String>, Vec<RowError>> {
    let mut cells = Vec::with_capacity(record.len());
    let mut errors = Vec::new();
    for (index, cell) in record.iter().enumerate() {
        match std::str::from_utf8(cell) {
            Ok(text) => cells.push(text.to_owned()),
            Err(_) => errors.push(RowError::new(row, label(index), ImportProblem::NotUtf8)),
        }
    }
    if errors.is_empty() {
        Ok(cells)
    } else {
        Err(errors)
    }
}

fn unreadable(row: u64, error: &csv::Error) -> RowError {
    RowError::new(
        row,
        spreadsheet_column(0),
        ImportProblem::Unreadable {
            detail: error.to_string(),
        },
    )
}

/// The empty lines after a record that ends at `end`. The reader stops just past the first
/// byte of the record's line end, so the `\n` of a `\r\n` may still be ahead.
fn empty_lines_after(body: &[u8], end: u64) -> u64 {
    let Ok(mut at) = usize::try_from(end) else {
        return 0;
    };
    if at > 0 && body.get(at - 1) == Some(&b'\r') && body.get(at) == Some(&b'\n') {
        at += 1;
    }
    line_ends(body, at)
}

/// How many line ends (`\r\n`, `\n` or `\r`) follow one another from `at`.
fn line_ends(body: &[u8], mut at: usize) -> u64 {
    let mut count = 0;
    loop {
        match body.get(at) {
            Some(b'\r') if body.get(at + 1) == Some(&b'\n') => at += 2,
            Some(b'\r' | b'\n') => at += 1,
            _ => return count,
        }
        count += 1;
    }
}
