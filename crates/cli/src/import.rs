//! `priemna import FILE.csv`: brings a municipality's existing register (a spreadsheet saved as
//! CSV) into Priemna. Every row is checked as intake checks a submission; by default one bad row
//! stops the whole import, and the write is one transaction, so a file is imported whole or
//! not at all.

mod read;

use crate::db::DbArgs;
use anyhow::{Context, anyhow};
use indicatif::{ProgressBar, ProgressStyle};
use jiff::Timestamp;
use jiff::civil::Date;
use priemna_app::SystemClock;
use priemna_domain::clock::{local_date, municipal_tz};
use priemna_domain::import::{Column, ImportContext, ImportProblem, ImportedRow, RowError};
use priemna_domain::{Clock, DepartmentId, WorkingCalendar};
use priemna_store::{ImportBatch, ImportedCase};
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Errors printed on the terminal; the report file has them all.
const ERRORS_SHOWN: usize = 100;
/// The exit code when rows were rejected (as `priemna submit` for an invalid submission).
const REJECTED: u8 = 2;

#[derive(clap::Args)]
pub struct ImportArgs {
    /// The register as CSV: UTF-8 (with or without BOM), `,` or `;`, a header row with English
    /// or Bulgarian column names (see docs/samples/import-example.csv).
    file: PathBuf,
    /// Write the rejected rows to this CSV file: row, column, reason_bg, reason_en.
    #[arg(long)]
    report: Option<PathBuf>,
    /// Import the valid rows and report the others (by default nothing is imported when any
    /// row is rejected).
    #[arg(long)]
    skip_invalid: bool,
    /// Only check the file; write nothing to the register.
    #[arg(long)]
    dry_run: bool,
    /// The clerk importing (defaults to $USER), named in the journal.
    #[arg(long, env = "USER", default_value = "clerk")]
    clerk: String,
    #[command(flatten)]
    db: DbArgs,
}

pub async fn run(args: ImportArgs, calendar: WorkingCalendar) -> anyhow::Result<ExitCode> {
    let bytes =
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let sha256: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let store = priemna_store::connect(&args.db.url())
        .await
        .with_context(|| format!("opening the register at {}", args.db.url()))?;
    let departments = store.departments().await?;
    let department_names: Vec<String> = departments.iter().map(|d| d.name.clone()).collect();
    let now = SystemClock.now();
    let context = ImportContext {
        today: local_date(now),
        calendar: &calendar,
        departments: &department_names,
    };

    let bar = ProgressBar::new(bytes.len() as u64).with_style(
        ProgressStyle::with_template(
            "проверка / checking {bar:40} {bytes}/{total_bytes} · {eta} left",
        )
        .map_err(|e| anyhow!("{e}"))?,
    );
    let read = read::read_file(&bytes, context, &mut |position| bar.set_position(position));
    bar.finish_and_clear();
    let mut file = match read {
        Ok(file) => file,
        Err(header_errors) => {
            let delimiter = read::detect_delimiter(&bytes);
            report_errors(&header_errors, args.report.as_deref(), delimiter)?;
            eprintln!(
                "Нищо не е внесено: заглавният ред не става. / Nothing was imported: the header row is not usable."
            );
            return Ok(ExitCode::from(REJECTED));
        }
    };

    // A file imported before (or an overlapping one): its old numbers are in the register.
    let legacy: Vec<String> = file
        .rows
        .iter()
        .filter_map(|r| r.legacy_number.clone())
        .collect();
    let taken: HashMap<String, _> = store
        .legacy_numbers_in_use(&legacy)
        .await?
        .into_iter()
        .collect();
    if !taken.is_empty() {
        let column = file.header.label(Column::Number);
        let errors = &mut file.errors;
        file.rows.retain(|row| {
            let Some(number) = row.legacy_number.as_ref().and_then(|l| taken.get(l)) else {
                return true;
            };
            errors.push(RowError::new(
                row.row,
                column.clone(),
                ImportProblem::LegacyNumberTaken {
                    number: number.to_string(),
                },
            ));
            false
        });
        // Stable: a row's own problems keep their order.
        file.errors.sort_by_key(|e| e.row);
    }

    let rejected: BTreeSet<u64> = file.errors.iter().map(|e| e.row).collect();
    report_errors(&file.errors, args.report.as_deref(), file.delimiter)?;
    if !rejected.is_empty() && !args.skip_invalid {
        eprintln!(
            "Нищо не е внесено: отхвърлени редове {} от {}. / Nothing was imported: {} of {} rows were rejected.",
            rejected.len(),
            file.data_rows,
            rejected.len(),
            file.data_rows
        );
        return Ok(ExitCode::from(REJECTED));
    }
    if args.dry_run {
        println!(
            "Проверка: {} реда могат да се внесат, {} са отхвърлени; нищо не е записано. / Checked: {} rows can be imported, {} were rejected; nothing was written.",
            file.rows.len(),
            rejected.len(),
            file.rows.len(),
            rejected.len()
        );
        return Ok(ExitCode::SUCCESS);
    }
    if file.rows.is_empty() {
        println!("Няма редове за внасяне. / No rows to import.");
        return Ok(ExitCode::SUCCESS);
    }

    let department_ids: HashMap<&str, DepartmentId> = departments
        .iter()
        .map(|d| (d.name.as_str(), d.id))
        .collect();
    let cases = file
        .rows
        .into_iter()
        .map(|row| imported_case(row, &department_ids))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let count = cases.len();
    let batch = ImportBatch {
        actor: format!("clerk:{}", args.clerk),
        at: now,
        source: args
            .file
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default(),
        sha256,
    };
    let bar = ProgressBar::new(count as u64).with_style(
        ProgressStyle::with_template(
            "запис / writing {bar:40} {pos}/{len} · {per_sec} · {eta} left",
        )
        .map_err(|e| anyhow!("{e}"))?,
    );
    let started = Instant::now();
    let outcome = store
        .import_cases(cases, batch, &|written| bar.set_position(written))
        .await;
    bar.finish_and_clear();
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(e) => {
            eprintln!(
                "Нищо не е внесено: регистърът отказа записа ({e}). / Nothing was imported: the register refused the write ({e})."
            );
            return Ok(ExitCode::FAILURE);
        }
    };
    let seconds = started.elapsed().as_secs_f64();
    let per_second = outcome.count as f64 / seconds.max(f64::EPSILON);
    let numbers = outcome
        .ranges
        .iter()
        .map(|r| format!("{} – {}", r.first, r.last))
        .collect::<Vec<_>>()
        .join(", ");
    println!(
        "Внесени преписки: {}, с номера {numbers} ({seconds:.1} s, {per_second:.0} реда/s). / Imported {} cases, numbers {numbers} ({seconds:.1} s, {per_second:.0} rows/s).",
        outcome.count, outcome.count
    );
    if !rejected.is_empty() {
        println!(
            "Пропуснати редове: {}. / Rows skipped: {}.",
            rejected.len(),
            rejected.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn imported_case(
    row: ImportedRow,
    department_ids: &HashMap<&str, DepartmentId>,
) -> anyhow::Result<ImportedCase> {
    let department_id = match &row.department {
        Some(name) => Some(
            *department_ids
                .get(name.as_str())
                .ok_or_else(|| anyhow!("department {name:?} disappeared meanwhile"))?,
        ),
        None => None,
    };
    Ok(ImportedCase {
        legacy_number: row.legacy_number,
        draft: row.draft,
        assessment: row.assessment,
        received_at: midday(row.received)?,
        department_id,
        status: row.status,
        answered_at: row.answered.map(midday).transpose()?,
        answer_text: row.answer,
        finished_at: row.finished.map(midday).transpose()?,
    })
}

/// A register keeps dates, not times: noon in the municipality's zone is on that date whatever
/// the season.
fn midday(date: Date) -> anyhow::Result<Timestamp> {
    Ok(date.at(12, 0, 0, 0).to_zoned(municipal_tz())?.timestamp())
}

/// Prints the problems (Bulgarian first) and writes the report, if one was asked for.
fn report_errors(errors: &[RowError], report: Option<&Path>, delimiter: u8) -> anyhow::Result<()> {
    for e in errors.iter().take(ERRORS_SHOWN) {
        eprintln!(
            "ред {}, колона „{}“: {} / row {}, column \"{}\": {}",
            e.row,
            e.column,
            e.problem.message_bg(),
            e.row,
            e.column,
            e.problem.message_en()
        );
    }
    if errors.len() > ERRORS_SHOWN {
        eprintln!(
            "… и още {} (вижте --report) / … and {} more (see --report)",
            errors.len() - ERRORS_SHOWN,
            errors.len() - ERRORS_SHOWN
        );
    }
    let Some(path) = report else {
        return Ok(());
    };
    let mut out = Vec::new();
    // With a BOM and the file's own delimiter, Excel opens the report as it opened the file.
    out.extend_from_slice(b"\xEF\xBB\xBF");
    {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .from_writer(&mut out);
        writer.write_record(["row", "column", "reason_bg", "reason_en"])?;
        for e in errors {
            writer.write_record([
                e.row.to_string(),
                e.column.clone(),
                e.problem.message_bg(),
                e.problem.message_en(),
            ])?;
        }
        writer.flush()?;
    }
    std::fs::write(path, out).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}
