//! `priemna import`: the real binary on real files, on the backend this test run targets
//! (`PRIEMNA_TEST_BACKEND=postgres` for PostgreSQL); and a property test of the CSV reader with
//! the domain's row checks, fed arbitrary bytes and arbitrary CSV-shaped text.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use jiff::Timestamp;
use jiff::civil::{Date, date};
use priemna_domain::clock::local_date;
use priemna_domain::{DepartmentId, Kind, RegistrationNumber, Status};
use priemna_store::{JournalVerdict, Store};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

const BIN: &str = env!("CARGO_BIN_EXE_priemna");

// The command's CSV reader, as it is (the binary has no library to link against).
#[allow(dead_code)]
#[path = "../src/import/read.rs"]
mod read;

struct Register {
    _dir: tempfile::TempDir,
    url: String,
    store: Arc<dyn Store>,
    files: PathBuf,
}

/// A fresh register with the departments "Благоустройство" and "Екология".
async fn register() -> Register {
    let dir = tempfile::tempdir().unwrap();
    let url = priemna_store::testing::fresh_database_url(dir.path())
        .await
        .unwrap();
    let store = priemna_store::connect(&url).await.unwrap();
    let at = Timestamp::from_second(1_760_000_000).unwrap();
    for name in ["Благоустройство", "Екология"] {
        store.create_department(name, at, "test").await.unwrap();
    }
    let files = dir.path().to_owned();
    Register {
        _dir: dir,
        url,
        store,
        files,
    }
}

impl Register {
    fn write(&self, name: &str, content: &str) -> PathBuf {
        let path = self.files.join(name);
        std::fs::write(&path, content).unwrap();
        path
    }

    fn import(&self, file: &Path, extra: &[&str]) -> Output {
        Command::new(BIN)
            .arg("import")
            .arg(file)
            .args(["--database-url", &self.url, "--clerk", "ivanova"])
            .args(extra)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    }

    async fn count(&self) -> u64 {
        self.store.count_submissions().await.unwrap()
    }

    async fn import_entries(&self) -> Vec<Value> {
        self.store
            .journal(0, 10_000)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.action == "import")
            .map(|e| serde_json::from_str(&e.details).unwrap())
            .collect()
    }

    async fn department_id(&self, name: &str) -> DepartmentId {
        let departments = self.store.departments().await.unwrap();
        departments.iter().find(|d| d.name == name).unwrap().id
    }

    /// The number each old number became.
    async fn numbers_of(&self, legacy: &[&str]) -> Vec<(String, RegistrationNumber)> {
        let legacy: Vec<String> = legacy.iter().map(|l| (*l).to_owned()).collect();
        let mut found = self.store.legacy_numbers_in_use(&legacy).await.unwrap();
        found.sort_by(|a, b| a.0.cmp(&b.0));
        found
    }
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The report's rows as (row, column), read with the delimiter the input had.
fn report_rows(path: &Path, delimiter: u8) -> Vec<(u64, String, String, String)> {
    let bytes = std::fs::read(path).unwrap();
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(body);
    assert_eq!(
        reader.headers().unwrap(),
        vec!["row", "column", "reason_bg", "reason_en"]
    );
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (
                r[0].parse().unwrap(),
                r[1].to_owned(),
                r[2].to_owned(),
                r[3].to_owned(),
            )
        })
        .collect()
}

fn number(text: &str) -> RegistrationNumber {
    text.parse().unwrap()
}

const HEADER: &str = "number,received_date,kind,channel,subject,body,name,address,phone,email,egn,department,status,answered_date,answer,location";

/// Three good rows (2, 4, 6) and two bad ones: row 3's date, row 5's department.
const GOOD_AND_BAD: &str = "number,received_date,kind,channel,subject,body,name,phone,department,status,answered_date,answer
A-1,2025-03-14,complaint,post,Дупка,Дупка на ул. „Шипка“ 12.,Мария Георгиева,0888 123 456,Благоустройство,answered,2025-03-20,Запълнена.
A-2,14.13.2025,signal,phone,Лампа,Не свети лампата.,Иван Петров,038 601 234,,,,
A-3,2025-04-01,proposal,email,Пейки,Още пейки в парка.,Елена Димитрова,0899 111 222,,,,
A-4,2025-04-02,signal,web,Шум,Шум нощем.,Стоян Колев,0877 333 444,Транспорт,,,
A-5,2025-04-03,opinion,web,Парк,Хубав парк.,,,,,,
";

#[tokio::test]
async fn a_file_with_bad_rows_imports_nothing_and_names_each_row_and_column() {
    let r = register().await;
    let file = r.write("register.csv", GOOD_AND_BAD);
    let report = r.files.join("report.csv");
    let output = r.import(&file, &["--report", report.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains("ред 3, колона „received_date“"), "{err}");
    assert!(err.contains("row 3, column \"received_date\""), "{err}");
    assert!(err.contains("ред 5, колона „department“"), "{err}");
    assert!(err.contains("Нищо не е внесено"), "{err}");
    // Bulgarian first, English second, on the same line.
    let line = err.lines().find(|l| l.starts_with("ред 3")).unwrap();
    assert!(line.find("невалидна дата").unwrap() < line.find("not a valid date").unwrap());

    let rows = report_rows(&report, b',');
    let found: Vec<(u64, &str)> = rows.iter().map(|r| (r.0, r.1.as_str())).collect();
    assert_eq!(found, vec![(3, "received_date"), (5, "department")]);
    assert!(rows[1].2.contains("няма такъв отдел"), "{rows:?}");
    assert!(rows[1].3.contains("no such department"), "{rows:?}");

    assert_eq!(r.count().await, 0);
    assert!(r.import_entries().await.is_empty());
}

#[tokio::test]
async fn skip_invalid_imports_only_the_good_rows() {
    let r = register().await;
    let file = r.write("register.csv", GOOD_AND_BAD);
    let report = r.files.join("report.csv");
    let output = r.import(
        &file,
        &["--skip-invalid", "--report", report.to_str().unwrap()],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("Пропуснати редове: 2"));
    assert_eq!(r.count().await, 3);
    assert_eq!(
        r.numbers_of(&["A-1", "A-2", "A-3", "A-4", "A-5"]).await,
        vec![
            ("A-1".into(), number("2025-000001")),
            ("A-3".into(), number("2025-000002")),
            ("A-5".into(), number("2025-000003")),
        ]
    );
    let rows = report_rows(&report, b',');
    let found: Vec<u64> = rows.iter().map(|r| r.0).collect();
    assert_eq!(found, vec![3, 5]);
    assert_eq!(r.import_entries().await.len(), 1);
}

#[tokio::test]
async fn a_clean_file_is_imported_whole_with_gap_free_numbers_in_order_of_receipt() {
    let r = register().await;
    // Out of order, over two years; C and E share a date and keep the file's order.
    let content = format!(
        "{HEADER}
A,2025-03-10,complaint,post,Дупка,Дупка на ул. „Шипка“ 12.,Мария Георгиева,\"ул. „Шипка“ 10, Хасково\",0888 123 456,,,Благоустройство,answered,2025-03-20,Дупката е запълнена.,ул. „Шипка“ 12
B,2024-12-30,signal,phone,Лампа,Не свети лампата.,Иван Петров,,038 601 234,,,Екология,closed,2025-01-15,Подменена.,
C,2025-01-05,proposal,email,Пейки,Още пейки.,Елена Димитрова,,,elena@example.bg,,,,,,
E,2025-01-05,corruption_signal,post,Подкуп,Поискан подкуп.,Георги Стоянов,,0899 555 111,,,,forwarded,,,
D,2024-11-02,application,in_person_written,Удостоверение,Моля за удостоверение.,Стоян Колев,\"ул. „Раковски“ 3\",,,7501010010,,in_progress,,,
"
    );
    let file = r.write("register.csv", &content);
    let output = r.import(&file, &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("2024-000001 – 2024-000002, 2025-000001 – 2025-000003"),
        "{}",
        stdout(&output)
    );
    assert_eq!(r.count().await, 5);
    assert_eq!(
        r.numbers_of(&["A", "B", "C", "D", "E"]).await,
        vec![
            ("A".into(), number("2025-000003")),
            ("B".into(), number("2024-000002")),
            ("C".into(), number("2025-000001")),
            ("D".into(), number("2024-000001")),
            ("E".into(), number("2025-000002")),
        ]
    );

    let a = r
        .store
        .case_by_number(number("2025-000003"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(a.kind, Kind::Complaint);
    assert_eq!(a.status, Status::Answered);
    assert_eq!(a.received_date, date(2025, 3, 10));
    assert_eq!(
        a.department_id,
        Some(r.department_id("Благоустройство").await)
    );
    assert_eq!(a.answered_at.map(local_date), Some(date(2025, 3, 20)));
    assert_eq!(a.answer_text.as_deref(), Some("Дупката е запълнена."));
    assert_eq!(a.address.as_deref(), Some("ул. „Шипка“ 12"));
    // АПК's two months from the date of receipt: what "answered on time" is measured against.
    assert_eq!(a.answer_due, Some(date(2025, 5, 12)));
    assert_eq!(a.entered_by, "import");
    assert_eq!(a.history.len(), 2);
    assert!(a.history[0].note_bg.contains("(№ A)"));
    assert_eq!(a.history[1].status, Status::Answered);
    let person = r
        .store
        .personal_data(&a, "test", Timestamp::from_second(1_760_000_000).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(person.name, "Мария Георгиева");

    let b = r
        .store
        .case_by_number(number("2024-000002"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(b.status, Status::Closed);
    assert_eq!(b.department_id, Some(r.department_id("Екология").await));
    assert_eq!(b.answered_at.map(local_date), Some(date(2025, 1, 15)));

    // A whistleblower's report: sealed, as at intake.
    let e = r
        .store
        .case_by_number(number("2025-000002"))
        .await
        .unwrap()
        .unwrap();
    assert!(e.sealed);
    assert_eq!(e.status, Status::Forwarded);
    assert!(e.answer_due.is_some());

    let d = r
        .store
        .case_by_number(number("2024-000001"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(d.status, Status::InProgress);
    assert_eq!(d.answered_at, None);

    // One journal entry for the whole import, naming the file by its hash.
    let entries = r.import_entries().await;
    assert_eq!(entries.len(), 1);
    let sha256: String = Sha256::digest(content.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(entries[0]["count"], 5);
    assert_eq!(entries[0]["first"], "2024-000001");
    assert_eq!(entries[0]["last"], "2025-000003");
    assert_eq!(entries[0]["sha256"], sha256);
    assert_eq!(entries[0]["source"], "register.csv");
    assert!(matches!(
        r.store.verify_journal().await.unwrap(),
        JournalVerdict::Intact { .. }
    ));

    // The same file again: every old number is in the register already.
    let report = r.files.join("again.csv");
    let again = r.import(&file, &["--report", report.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2));
    let rows = report_rows(&report, b',');
    assert_eq!(rows.len(), 5);
    assert!(rows.iter().all(|row| row.1 == "number"));
    assert!(
        rows[0]
            .3
            .contains("imported into the register already, as 2025-000003")
    );
    assert_eq!(r.count().await, 5);
}

#[tokio::test]
async fn the_sample_semicolons_bom_and_bulgarian_headers_import() {
    let r = register().await;
    for name in ["Пътища и благоустройство", "Екология и чистота"]
    {
        r.store
            .create_department(name, Timestamp::from_second(1_760_000_000).unwrap(), "test")
            .await
            .unwrap();
    }
    let sample =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/samples/import-example.csv");
    let bytes = std::fs::read(&sample).unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "the sample is as Excel saves it"
    );
    let output = r.import(&sample, &["--dry-run"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(r.count().await, 0, "a dry run writes nothing");

    let output = r.import(&sample, &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(r.count().await, 8);
    let first = r
        .store
        .case_by_number(number("2025-000001"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.kind, Kind::Complaint);
    assert_eq!(first.received_date, date(2025, 1, 14));
    assert_eq!(first.status, Status::Answered);
    assert_eq!(
        first.department_id,
        Some(r.department_id("Екология и чистота").await)
    );

    // The same with a bad cell: the report keeps the file's delimiter and headings.
    let text = String::from_utf8(bytes)
        .unwrap()
        .replace("14.01.2025", "14.01.25");
    let bad = r.write("bad.csv", &text.replace("94-00-1", "95-00-1"));
    let report = r.files.join("report.csv");
    let output = r.import(&bad, &["--report", report.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let rows = report_rows(&report, b';');
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].0, rows[0].1.as_str()), (2, "дата"));
    assert_eq!(r.count().await, 8);
}

#[tokio::test]
async fn a_bad_header_is_refused_naming_the_columns() {
    let r = register().await;
    let file = r.write(
        "register.csv",
        "дата;вид;цвят;относно;текст\n2025-01-10;мнение;син;Парк;Хубав.\n",
    );
    let output = r.import(&file, &[]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("ред 1, колона „цвят“: непозната колона"),
        "{err}"
    );
    assert!(
        err.contains("ред 1, колона „channel / канал“: липсва"),
        "{err}"
    );
    assert_eq!(r.count().await, 0);
}

/// Installs a trigger that makes the database refuse the case with the old number `BOOM`.
async fn refuse_boom(url: &str) {
    use sqlx::Connection;
    if priemna_store::testing::postgres_requested() {
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query(
            "CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN
                 IF NEW.legacy_number = 'BOOM' THEN RAISE EXCEPTION 'refused by the test'; END IF;
                 RETURN NEW;
             END; $$",
        )
        .execute(&mut conn)
        .await
        .unwrap();
        sqlx::query(
            "CREATE TRIGGER refuse_boom BEFORE INSERT ON submissions
             FOR EACH ROW EXECUTE FUNCTION refuse_boom()",
        )
        .execute(&mut conn)
        .await
        .unwrap();
    } else {
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::query(
            "CREATE TRIGGER refuse_boom BEFORE INSERT ON submissions
             WHEN NEW.legacy_number = 'BOOM'
             BEGIN SELECT RAISE(ABORT, 'refused by the test'); END",
        )
        .execute(&mut conn)
        .await
        .unwrap();
    }
}

fn opinions(prefix: &str, count: usize, first: Date) -> String {
    let mut text = String::from("number,received_date,kind,channel,subject,body\n");
    for i in 0..count {
        let day = first
            .checked_add(jiff::Span::new().days((i % 300) as i64))
            .unwrap();
        text.push_str(&format!(
            "{prefix}-{i},{day},opinion,web,Мнение {i},Текст на мнение {i}.\n"
        ));
    }
    text
}

#[tokio::test]
async fn a_failure_midway_leaves_nothing_half_imported() {
    let r = register().await;
    let before = r.write("before.csv", &opinions("P", 2, date(2025, 1, 1)));
    assert!(r.import(&before, &[]).status.success());
    let journal_before = r.store.journal(0, 10_000).await.unwrap().len();

    refuse_boom(&r.url).await;
    // 1 200 cases; the refused one is received last, so it is written after two full chunks.
    let mut content = opinions("Q", 1_199, date(2025, 1, 2));
    content.push_str("BOOM,2025-12-31,opinion,web,Последно,Последното мнение.\n");
    let file = r.write("big.csv", &content);
    let output = r.import(&file, &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let err = stderr(&output);
    assert!(err.contains("Nothing was imported"), "{err}");
    assert!(err.contains("refused by the test"), "{err}");

    assert_eq!(r.count().await, 2);
    assert_eq!(
        r.store.journal(0, 10_000).await.unwrap().len(),
        journal_before
    );
    assert!(r.numbers_of(&["Q-0", "Q-1000"]).await.is_empty());
    // The counters moved back too: the next import continues the series without a gap.
    let after = r.write("after.csv", &opinions("R", 3, date(2025, 6, 1)));
    let output = r.import(&after, &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        r.numbers_of(&["R-0", "R-2"]).await,
        vec![
            ("R-0".into(), number("2025-000003")),
            ("R-2".into(), number("2025-000005")),
        ]
    );
}

/// The CSV reader and the domain's checks, as the command uses them.
mod properties {
    use super::read;
    use jiff::civil::date;
    use priemna_domain::import::{Column, ImportContext, RowError};
    use priemna_domain::{Channel, Kind, Status, WorkingCalendar};
    use proptest::prelude::*;
    use std::collections::BTreeSet;
    use std::sync::LazyLock;

    static CALENDAR: LazyLock<WorkingCalendar> =
        LazyLock::new(WorkingCalendar::with_builtin_decrees);
    static DEPARTMENTS: LazyLock<Vec<String>> = LazyLock::new(|| vec!["Екология".into()]);

    fn context() -> ImportContext<'static> {
        ImportContext {
            today: date(2026, 6, 1),
            calendar: &CALENDAR,
            departments: &DEPARTMENTS,
        }
    }

    fn named(errors: &[RowError]) -> Result<(), TestCaseError> {
        for e in errors {
            prop_assert!(e.row >= 1, "{e:?}");
            prop_assert!(!e.column.trim().is_empty(), "{e:?}");
            prop_assert!(!e.problem.message_bg().is_empty());
            prop_assert!(!e.problem.message_en().is_empty());
        }
        Ok(())
    }

    /// A heading: the column's identifier or Bulgarian name, in some case.
    fn heading(column: Column) -> impl Strategy<Value = String> {
        (any::<bool>(), 0..3u8).prop_map(move |(bulgarian, case)| {
            let name = if bulgarian {
                column.name_bg()
            } else {
                column.id()
            };
            match case {
                0 => name.to_owned(),
                1 => name.to_uppercase(),
                _ => name.replace('_', " "),
            }
        })
    }

    fn any_cell() -> BoxedStrategy<String> {
        prop_oneof![
            Just(String::new()),
            "\\PC{0,20}",
            "[\"\n\r;, ]{0,5}",
            "[0-9.\\-]{0,12}",
        ]
        .boxed()
    }

    fn a_date() -> BoxedStrategy<String> {
        (2019i16..2027, 1i8..=12, 1i8..=31, any::<bool>())
            .prop_map(|(y, m, d, iso)| {
                if iso {
                    format!("{y:04}-{m:02}-{d:02}")
                } else {
                    format!("{d}.{m:02}.{y}")
                }
            })
            .boxed()
    }

    fn one_of(values: Vec<&'static str>) -> BoxedStrategy<String> {
        proptest::sample::select(values)
            .prop_map(str::to_owned)
            .boxed()
    }

    /// A value that mostly fits its column (so that some rows pass), else anything.
    fn cell(column: Column) -> BoxedStrategy<String> {
        let text = "[а-яА-Я0-9 ,.;\"\n]{1,30}";
        let fitting: BoxedStrategy<String> = match column {
            Column::Number => "[A-Z]{0,2}[0-9]{1,3}-[0-9]{1,4}".boxed(),
            Column::ReceivedDate => a_date(),
            Column::AnsweredDate => prop_oneof![Just(String::new()), a_date()].boxed(),
            Column::Kind => one_of(
                Kind::ALL
                    .iter()
                    .flat_map(|k| [k.as_str(), k.label_bg()])
                    .collect(),
            ),
            Column::Channel => one_of(
                Channel::ALL
                    .iter()
                    .flat_map(|c| [c.as_str(), c.label_bg()])
                    .collect(),
            ),
            Column::Status => prop_oneof![
                Just(String::new()),
                one_of(
                    Status::ALL
                        .iter()
                        .flat_map(|s| [s.as_str(), s.label_bg()])
                        .collect()
                )
            ]
            .boxed(),
            Column::Subject | Column::Body => text.boxed(),
            Column::Answer | Column::Address | Column::Location => {
                prop_oneof![Just(String::new()), text].boxed()
            }
            Column::Name => {
                prop_oneof![Just(String::new()), "[А-Я][а-я]{2,8} [А-Я][а-я]{2,8}"].boxed()
            }
            Column::Phone => prop_oneof![Just(String::new()), "08[789] [0-9]{3} [0-9]{3}"].boxed(),
            Column::Email => prop_oneof![Just(String::new()), "[a-z]{2,8}@example\\.bg"].boxed(),
            Column::Egn => prop_oneof![Just(String::new()), Just("7501010010".to_owned())].boxed(),
            Column::Department => one_of(vec!["", "Екология", "екология", "Транспорт"]),
        };
        prop_oneof![9 => fitting, 1 => any_cell()].boxed()
    }

    #[derive(Debug, Clone)]
    struct Sheet {
        headings: Vec<String>,
        /// Each row, and whether an empty line comes before it.
        rows: Vec<(bool, Vec<String>)>,
        delimiter: u8,
        crlf: bool,
        bom: bool,
        quote_all: bool,
    }

    fn sheet() -> impl Strategy<Value = Sheet> {
        let optional: Vec<Column> = Column::ALL
            .into_iter()
            .filter(|c| !c.is_required())
            .collect();
        let required: Vec<Column> = Column::ALL
            .into_iter()
            .filter(|c| c.is_required())
            .collect();
        (
            proptest::sample::subsequence(optional.clone(), 0..=optional.len()),
            prop_oneof![8 => Just(None), 1 => Just(Some("цвят".to_owned())), 1 => Just(Some(String::new()))],
        )
            .prop_flat_map(move |(chosen, extra)| {
                let mut columns: Vec<Option<Column>> =
                    required.iter().chain(&chosen).copied().map(Some).collect();
                if extra.is_some() {
                    columns.push(None);
                }
                (Just(columns).prop_shuffle(), Just(extra))
            })
            .prop_flat_map(|(columns, extra)| {
                let headings: Vec<BoxedStrategy<String>> = columns
                    .iter()
                    .map(|c| match c {
                        Some(column) => heading(*column).boxed(),
                        None => Just(extra.clone().unwrap_or_default()).boxed(),
                    })
                    .collect();
                let row: Vec<BoxedStrategy<String>> = columns
                    .iter()
                    .map(|c| match c {
                        Some(column) => cell(*column),
                        None => prop_oneof![3 => Just(String::new()), 1 => any_cell()].boxed(),
                    })
                    .collect();
                (
                    headings,
                    proptest::collection::vec(
                        (proptest::bool::weighted(0.1), row),
                        0..8,
                    ),
                    prop_oneof![Just(b','), Just(b';')],
                    any::<bool>(),
                    any::<bool>(),
                    any::<bool>(),
                )
            })
            .prop_map(
                |(headings, rows, delimiter, crlf, bom, quote_all)| Sheet {
                    headings,
                    rows,
                    delimiter,
                    crlf,
                    bom,
                    quote_all,
                },
            )
    }

    fn quoted(cell: &str, delimiter: u8, quote_all: bool) -> String {
        let special = cell
            .bytes()
            .any(|b| b == delimiter || b == b'"' || b == b'\n' || b == b'\r');
        if quote_all || special {
            format!("\"{}\"", cell.replace('"', "\"\""))
        } else {
            cell.to_owned()
        }
    }

    impl Sheet {
        fn bytes(&self) -> Vec<u8> {
            let newline = if self.crlf { "\r\n" } else { "\n" };
            let separator = char::from(self.delimiter).to_string();
            let line = |cells: &[String]| {
                cells
                    .iter()
                    .map(|c| quoted(c, self.delimiter, self.quote_all))
                    .collect::<Vec<_>>()
                    .join(&separator)
            };
            let mut text = String::new();
            if self.bom {
                text.push('\u{feff}');
            }
            text.push_str(&line(&self.headings));
            text.push_str(newline);
            for (empty_line_before, cells) in &self.rows {
                if *empty_line_before {
                    text.push_str(newline);
                }
                text.push_str(&line(cells));
                text.push_str(newline);
            }
            text.into_bytes()
        }

        /// The spreadsheet's row of each data row that is not blank.
        fn expected_rows(&self) -> BTreeSet<u64> {
            let mut row = 1u64;
            let mut expected = BTreeSet::new();
            for (empty_line_before, cells) in &self.rows {
                row += u64::from(*empty_line_before) + 1;
                if !cells.iter().all(|c| c.trim_ascii().is_empty()) {
                    expected.insert(row);
                }
            }
            expected
        }

        fn header_is_usable(&self) -> bool {
            self.headings
                .iter()
                .all(|h| h.is_empty() || Column::from_header(h).is_some())
        }
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic_and_every_error_names_row_and_column(
            bytes in proptest::collection::vec(any::<u8>(), 0..600),
        ) {
            match read::read_file(&bytes, context(), &mut |_| {}) {
                Ok(file) => {
                    named(&file.errors)?;
                    let rejected: BTreeSet<u64> = file.errors.iter().map(|e| e.row).collect();
                    prop_assert!(rejected.len() + file.rows.len() <= file.data_rows as usize);
                }
                Err(errors) => {
                    prop_assert!(!errors.is_empty());
                    named(&errors)?;
                    prop_assert!(errors.iter().all(|e| e.row == 1));
                }
            }
        }

        #[test]
        fn a_good_header_and_any_text_never_panic(
            body in "\\PC{0,400}",
            semicolons in any::<bool>(),
        ) {
            let header = if semicolons {
                "дата;вид;канал;относно;текст;име;телефон;отдел;състояние;дата на отговор;отговор\n"
            } else {
                "received_date,kind,channel,subject,body,name,phone,department,status,answered_date,answer\n"
            };
            let text = format!("{header}{body}");
            let file = read::read_file(text.as_bytes(), context(), &mut |_| {}).unwrap();
            named(&file.errors)?;
            prop_assert!(file.errors.iter().all(|e| e.row >= 2));
        }

        #[test]
        fn csv_shaped_text_is_read_row_by_row_as_the_spreadsheet_numbers_it(sheet in sheet()) {
            let bytes = sheet.bytes();
            match read::read_file(&bytes, context(), &mut |_| {}) {
                Err(errors) => {
                    prop_assert!(!sheet.header_is_usable(), "{errors:?}");
                    named(&errors)?;
                    prop_assert!(errors.iter().all(|e| e.row == 1));
                }
                Ok(file) => {
                    prop_assert!(sheet.header_is_usable());
                    prop_assert_eq!(file.delimiter, sheet.delimiter);
                    named(&file.errors)?;
                    let accepted: BTreeSet<u64> = file.rows.iter().map(|r| r.row).collect();
                    let rejected: BTreeSet<u64> = file.errors.iter().map(|e| e.row).collect();
                    // Each row that is not blank is either accepted or rejected, never both,
                    // and is numbered as the spreadsheet shows it.
                    prop_assert!(accepted.is_disjoint(&rejected));
                    let all: BTreeSet<u64> = accepted.union(&rejected).copied().collect();
                    prop_assert_eq!(all, sheet.expected_rows());
                    prop_assert_eq!(file.data_rows as usize, sheet.expected_rows().len());
                    // An accepted row says what its cells said.
                    for row in &file.rows {
                        prop_assert!(row.received <= date(2026, 6, 1));
                        if let Some(answered) = row.answered {
                            prop_assert!(answered >= row.received);
                        }
                        prop_assert!(row.status != Status::Duplicate);
                    }
                }
            }
        }
    }
}
