//! What users see of the statistics, over HTTP against the real server: the public page (charts,
//! each with its table, and the right numbers, in Bulgarian and English), the CSV and JSON
//! exports and the API (the same numbers), the back office's page (behind sign-in), the cases
//! export (personal data only where the role allows it, never a sealed identity, journalled)
//! and the annual report as HTML and PDF (read back with `pdftotext`). No submitter's name or
//! e-mail ever reaches a public page or export.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod helpers;

use helpers::{TestApp, assert_stacked_tables, named, spawn_app_at};
use priemna_domain::Clock;
use priemna_domain::stats::Month;
use priemna_store::ExportFilter;
use serde_json::{Value, json};

/// Things that must never be on a public page or in a public export.
const PERSONAL: [&str; 8] = [
    "Иван Петров",
    "ivan@example.bg",
    "0888 123 456",
    "Мария Георгиева",
    "maria@example.bg",
    "Тайно Лице",
    "secret@example.bg",
    "0877 000 111",
];

/// The register after a fortnight of March 2026, every outcome known.
struct Register {
    app: TestApp,
    roads: i64,
}

async fn submit(app: &TestApp, body: Value) -> (String, String) {
    app.registered(body).await
}

async fn act(app: &TestApp, number: &str, action: Value) {
    app.act_as("mayor", number, action).await
}

fn complaint(subject: &str) -> Value {
    json!({"kind": "complaint", "channel": "in_person_written", "subject": subject,
           "body": "Чакам от седмица.", "about_bad_administration": true, "consent": true, "submitter": named()})
}

/// Six cases received on Monday 2 March 2026:
/// A complaint answered on the 4th (on time, 2 days, rated 5); B complaint answered on the
/// 12th (due the 9th: late, 10 days); C praise thanked on the 3rd (1 day); D an anonymous
/// signal left unanswered; E a corruption signal (sealed, open); F a complaint overdue since
/// the 9th. A, B, C and F are with the roads department; D and E with none.
async fn register() -> Register {
    let app = spawn_app_at("2026-03-02T10:00:00+02:00").await;
    let roads = app.add_department("Пътища и улици").await;
    app.add_staff("mayor", "mayors_office", None, false).await;
    app.add_staff("clerk", "registry_clerk", None, true).await;
    app.add_staff("auditor", "auditor", None, false).await;
    app.add_staff("admin", "administrator", None, false).await;
    app.add_staff("officer", "case_officer", Some(roads), false)
        .await;

    let (a, a_code) = submit(&app, complaint("Забавено удостоверение за наследници")).await;
    let (b, _) = submit(&app, complaint("Забавено разрешение за ремонт")).await;
    let (c, _) = submit(
        &app,
        json!({"kind": "praise", "channel": "email", "subject": "Благодарност за ремонта",
               "body": "Много бързо и качествено.",
               "consent": true, "submitter": {"name": "Мария Георгиева", "email": "maria@example.bg"}}),
    )
    .await;
    let (d, _) = submit(
        &app,
        json!({"kind": "signal", "channel": "signal_box", "subject": "Нередност в отдела",
               "body": "Служителите закъсняват."}),
    )
    .await;
    submit(
        &app,
        json!({"kind": "corruption_signal", "channel": "phone",
               "subject": "Подкуп в отдел Строителство", "body": "Служител иска пари.",
               "consent": true, "submitter": {"name": "Тайно Лице", "email": "secret@example.bg",
                             "phone": "0877 000 111"}}),
    )
    .await;
    let (f, _) = submit(&app, complaint("Забавена справка за данъци")).await;
    for number in [&a, &b, &c, &f] {
        act(
            &app,
            number,
            json!({"action": "assign", "department_id": roads}),
        )
        .await;
    }
    act(
        &app,
        &d,
        json!({"action": "leave_unanswered", "rule": "anonymous_not_considered",
               "reason": "анонимен сигнал без заплаха за здравето"}),
    )
    .await;
    app.clock.set("2026-03-03T11:00:00+02:00");
    act(
        &app,
        &c,
        json!({"action": "answer", "text": "Благодарим Ви!"}),
    )
    .await;
    app.clock.set("2026-03-04T11:00:00+02:00");
    act(
        &app,
        &a,
        json!({"action": "answer", "text": "Удостоверението е готово."}),
    )
    .await;
    app.clock.set("2026-03-12T11:00:00+02:00");
    act(
        &app,
        &b,
        json!({"action": "answer", "text": "Разрешението е издадено."}),
    )
    .await;
    priemna_app::jobs::run_deadlines(&app.state).await.unwrap();
    let response = reqwest::Client::new()
        .post(app.url("/track/survey"))
        .form(&[
            ("number", a.as_str()),
            ("code", a_code.as_str()),
            ("rating", "5"),
        ])
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success() || response.status().is_redirection(),
        "survey: {}",
        response.status()
    );
    priemna_app::stats::refresh(app.store.as_ref(), app.clock.now())
        .await
        .unwrap();
    Register { app, roads }
}

struct Answer {
    status: u16,
    content_type: String,
    location: Option<String>,
    bytes: Vec<u8>,
}

impl Answer {
    fn text(&self) -> String {
        String::from_utf8(self.bytes.clone()).unwrap()
    }
}

/// A GET without following redirects, signed in with `token` when given.
async fn fetch(app: &TestApp, path: &str, token: Option<&str>) -> Answer {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut request = client.get(app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let header = |name| {
        response
            .headers()
            .get(name)
            .map(|v: &reqwest::header::HeaderValue| v.to_str().unwrap().to_owned())
    };
    let content_type = header(reqwest::header::CONTENT_TYPE).unwrap_or_default();
    let location = header(reqwest::header::LOCATION);
    Answer {
        status: response.status().as_u16(),
        content_type,
        location,
        bytes: response.bytes().await.unwrap().to_vec(),
    }
}

async fn page(app: &TestApp, path: &str) -> String {
    let answer = fetch(app, path, None).await;
    assert_eq!(answer.status, 200, "{path}: {}", answer.text());
    assert!(answer.content_type.starts_with("text/html"), "{path}");
    answer.text()
}

#[track_caller]
fn assert_no_personal_data(what: &str, text: &str) {
    for personal in PERSONAL {
        assert!(!text.contains(personal), "{what} shows {personal:?}");
    }
}

/// The text of the element with this id (its first text, without tags).
fn by_id(html: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no #{id} in the page"));
    let open_end = start + html[start..].find('>').unwrap() + 1;
    let mut depth = 0;
    let mut out = String::new();
    let mut rest = &html[open_end..];
    loop {
        let next = rest.find('<').unwrap();
        out.push_str(&rest[..next]);
        rest = &rest[next..];
        let end = rest.find('>').unwrap();
        let tag = &rest[..=end];
        if tag.starts_with("</") {
            if depth == 0 {
                break;
            }
            depth -= 1;
        } else if !tag.ends_with("/>") {
            depth += 1;
        }
        rest = &rest[end + 1..];
    }
    out.replace('\u{a0}', " ")
}

/// The cells of the table row with `data-value="{value}"` inside the element `id`.
fn row_cells(html: &str, table_id: &str, value: &str) -> Vec<String> {
    let start = html.find(&format!("id=\"{table_id}\"")).unwrap();
    let table = &html[start..start + html[start..].find("</table>").unwrap()];
    let row_start = table
        .find(&format!("data-value=\"{value}\""))
        .unwrap_or_else(|| panic!("no row {value} in #{table_id}"));
    let row = &table[row_start..row_start + table[row_start..].find("</tr>").unwrap()];
    // Each cell carries its column's heading (`data-label`) for the stacked rows of a phone.
    row.split("<td")
        .skip(1)
        .map(|cell| {
            let content = cell.split_once('>').unwrap().1;
            content
                .split("</td>")
                .next()
                .unwrap()
                .replace('\u{a0}', " ")
        })
        .collect()
}

#[tokio::test]
async fn the_public_page_has_charts_each_with_its_table_and_the_right_numbers() {
    let Register { app, .. } = register().await;
    let html = page(&app, "/statistics").await;

    // Every chart is an accessible image, and a table with a caption follows it.
    let charts: Vec<&str> = html.split("<svg").skip(1).collect();
    assert!(charts.len() >= 8, "{} charts", charts.len());
    for chart in &charts {
        let (svg, after) = chart.split_once("</svg>").unwrap();
        assert!(svg.contains(r#"role="img""#), "{svg}");
        let id = svg
            .split("id=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        assert!(
            svg.contains(&format!(r#"aria-labelledby="{id}-title {id}-desc""#)),
            "{svg}"
        );
        assert!(svg.contains(&format!(r#"<title id="{id}-title">"#)));
        assert!(svg.contains(&format!(r#"<desc id="{id}-desc">"#)));
        let next_table = after.find("<table").expect("a table after the chart");
        assert!(
            after
                .find("<svg")
                .is_none_or(|next_chart| next_table < next_chart),
            "chart {id} has no table of its own"
        );
        assert!(after[next_table..].contains("<caption>"));
    }
    assert_stacked_tables(&html, "the public statistics", charts.len());

    // The key figures.
    assert_eq!(by_id(&html, "fig-received"), "6");
    assert_eq!(by_id(&html, "fig-answered"), "3");
    assert!(
        by_id(&html, "fig-on-time").starts_with("2 (66,7 %"),
        "{}",
        by_id(&html, "fig-on-time")
    );
    assert_eq!(by_id(&html, "fig-late"), "1");
    assert_eq!(by_id(&html, "fig-overdue"), "1");
    assert_eq!(by_id(&html, "fig-not-considered"), "1");
    assert_eq!(by_id(&html, "fig-forwarded"), "0");
    assert_eq!(by_id(&html, "fig-median"), "2 дни");
    assert_eq!(by_id(&html, "fig-p90"), "10 дни");
    assert!(by_id(&html, "fig-satisfaction").contains("5,0 / 5"));
    // 2 on time of 3 answers and 1 overdue: the promise kept in half the cases.
    assert!(by_id(&html, "fig-kept").starts_with("50,0 %"));
    // Breakdowns: by kind, by department, by rule, by month.
    assert_eq!(
        row_cells(&html, "stats-kind-table", "complaint"),
        ["3", "2", "1", "1", "1", "50,0 %", "2"]
    );
    assert_eq!(
        row_cells(&html, "stats-kind-table", "praise")[..3],
        ["1", "1", "1"]
    );
    assert_eq!(
        row_cells(&html, "stats-department-table", "none")[0],
        "2",
        "D and E were never routed"
    );
    assert_eq!(row_cells(&html, "stats-month-table", "2026-03")[0], "6");
    assert_eq!(row_cells(&html, "stats-month-table", "2026-02")[0], "0");
    assert!(html.contains("анонимно подаване"));
    assert!(html.contains("Данни към"));
    assert!(html.contains(r#"href="/statistics?year=2026" aria-current="page""#));
    // Topics come from the subjects of at least 5 cases, never from a whistleblower's report:
    // "забавено" is in three complaints only.
    assert!(by_id(&html, "stats-topics-heading").contains("Най-чести теми"));
    assert!(
        !html.contains("забавено"),
        "a word of three cases is published"
    );
    assert!(html.contains("Няма дума, използвана в поне 5 преписки за периода."));
    assert!(!html.to_lowercase().contains("подкуп"));
    assert_no_personal_data("the public page", &html);

    // The portal's navigation leads here.
    let home = page(&app, "/").await;
    assert!(home.contains(r#"href="/statistics""#));

    // In English, with the language switch.
    let english = page(&app, "/statistics?lang=en").await;
    assert!(english.contains(r#"<html lang="en""#));
    assert!(english.contains("Answered on time"));
    assert!(by_id(&english, "fig-on-time").starts_with("2 (66.7%"));
    assert_eq!(by_id(&english, "fig-median"), "2 days");
    assert!(english.contains("anonymous submission"));
    assert!(english.contains("Български"));
    assert_no_personal_data("the English page", &english);

    // Another year, a range of months, and wrong periods named in both languages.
    let last_year = page(&app, "/statistics?year=2025").await;
    assert_eq!(by_id(&last_year, "fig-received"), "0");
    let spring = page(&app, "/statistics?from=2026-02&to=2026-04").await;
    assert_eq!(by_id(&spring, "fig-received"), "6");
    assert!(spring.contains("февруари 2026 – април 2026"));
    let wrong = fetch(&app, "/statistics?year=20x6", None).await;
    assert_eq!(wrong.status, 400);
    assert!(
        wrong.text().contains("year: непозната стойност"),
        "{}",
        wrong.text()
    );
    let wrong = fetch(&app, "/statistics?from=2026-05&to=2026-01&lang=en", None).await;
    assert_eq!(wrong.status, 400);
    assert!(
        wrong.text().contains("to: unknown value"),
        "{}",
        wrong.text()
    );
}

fn csv_rows(bytes: &[u8]) -> Vec<csv::StringRecord> {
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    let text = text
        .strip_prefix('\u{feff}')
        .expect("a UTF-8 BOM for spreadsheets");
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect()
}

fn csv_header(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    let text = text.trim_start_matches('\u{feff}').to_owned();
    csv::Reader::from_reader(text.as_bytes())
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn csv_and_json_exports_and_the_api_carry_the_same_numbers() {
    let Register { app, roads } = register().await;

    let csv = fetch(&app, "/statistics.csv?year=2026", None).await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.content_type.starts_with("text/csv"),
        "{}",
        csv.content_type
    );
    assert_no_personal_data("the CSV export", &csv.text());
    let header = csv_header(&csv.bytes);
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows = csv_rows(&csv.bytes);
    let row = |dimension: &str, value: &str| {
        rows.iter()
            .find(|r| &r[0] == dimension && &r[1] == value)
            .unwrap_or_else(|| panic!("no CSV row {dimension}/{value}"))
            .clone()
    };
    let total = row("total", "");
    assert_eq!(&total[column("received")], "6");
    assert_eq!(&total[column("answered")], "3");
    assert_eq!(&total[column("on_time")], "2");
    assert_eq!(&total[column("late")], "1");
    assert_eq!(&total[column("overdue")], "1");
    assert_eq!(&total[column("not_considered")], "1");
    assert_eq!(&total[column("on_time_share")], "0.6667");
    assert_eq!(&total[column("median_days")], "2");
    assert_eq!(&total[column("p90_days")], "10");
    assert_eq!(&total[column("ratings")], "1");
    assert_eq!(&total[column("mean_rating")], "5");
    assert_eq!(&row("kind", "complaint")[column("received")], "3");
    assert_eq!(
        &row("department", &roads.to_string())[column("received")],
        "4"
    );
    assert_eq!(
        &row("rule", "anonymous_not_considered")[column("received")],
        "1"
    );
    assert_eq!(&row("month", "2026-03")[column("received")], "6");
    assert_eq!(&row("month", "2026-03")[column("label_bg")], "март 2026");

    let json = fetch(&app, "/statistics.json?year=2026", None).await;
    assert_eq!(json.status, 200);
    assert_no_personal_data("the JSON export", &json.text());
    let document: Value = serde_json::from_slice(&json.bytes).unwrap();
    let api = app.get_json("/api/v1/statistics?year=2026").await;
    assert_eq!(document, api, "the export and the API are one document");
    let (status, default_year) = app.get("/api/v1/statistics").await;
    assert_eq!(status, 200);
    assert_eq!(default_year, api, "the current year by default");
    assert_eq!(api["period"], json!({"from": "2026-01", "to": "2026-12"}));
    assert!(api["computed_at"].is_string());
    assert_eq!(api["years"], json!([2026]));
    let total = &api["total"];
    for (name, value) in [
        ("received", 6),
        ("answered", 3),
        ("on_time", 2),
        ("late", 1),
        ("overdue", 1),
        ("not_considered", 1),
        ("open", 1),
        ("ratings", 1),
        ("median_days", 2),
        ("p90_days", 10),
    ] {
        assert_eq!(total[name], value, "{name}");
        assert_eq!(
            total[name].to_string(),
            total_csv_value(&rows, &header, name),
            "{name}: the CSV says the same"
        );
    }
    assert_eq!(total["on_time_share"], 0.6667);
    assert_eq!(total["ratings_by_score"], json!([0, 0, 0, 0, 1]));
    let kinds = api["breakdowns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["dimension"] == "kind")
        .unwrap();
    let complaints = kinds["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["value"] == "complaint")
        .unwrap();
    assert_eq!(
        complaints["label"],
        json!({"bg": "жалба", "en": "complaint"})
    );
    assert_eq!(complaints["measures"]["received"], 3);
    assert!(
        api["topics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| !t["label"].as_str().unwrap().contains("подкуп"))
    );

    // Wrong parameters are named, in Bulgarian and English.
    let (status, error) = app.get("/api/v1/statistics?year=abc").await;
    assert_eq!(status, 400, "{error}");
    assert_eq!(error["error"]["fields"][0]["field"], "year");
    assert!(error["error"]["fields"][0]["message_bg"].is_string());
    assert!(error["error"]["fields"][0]["message_en"].is_string());
    let (status, error) = app.get("/api/v1/statistics?from=2026-05").await;
    assert_eq!(status, 400, "{error}");
    assert_eq!(error["error"]["fields"][0]["field"], "to");
    assert_eq!(error["error"]["fields"][0]["code"], "missing");
    let (status, _) = app.get("/statistics.csv?from=1999-01&to=2026-01").await;
    assert_eq!(status, 400, "more than 120 months");
}

fn total_csv_value(rows: &[csv::StringRecord], header: &[String], name: &str) -> String {
    let column = header.iter().position(|h| h == name).unwrap();
    rows.iter().find(|r| &r[0] == "total").unwrap()[column].to_owned()
}

#[tokio::test]
async fn the_staff_page_needs_sign_in_and_shows_each_department() {
    let Register { app, roads } = register().await;
    let signed_out = fetch(&app, "/staff/statistics", None).await;
    assert_eq!(signed_out.status, 303);
    assert_eq!(signed_out.location.as_deref(), Some("/staff/login"));
    let signed_out = fetch(&app, "/staff/statistics/cases.csv", None).await;
    assert_eq!(signed_out.status, 303);

    // Any member of staff, even one who sees no case.
    for username in ["officer", "admin"] {
        let token = app.login(username).await.token;
        let answer = fetch(&app, "/staff/statistics?year=2026", Some(&token)).await;
        assert_eq!(answer.status, 200, "{username}");
        let html = answer.text();
        assert!(html.contains(r#"href="/staff/statistics" aria-current="page""#));
        let roads_row = row_cells(&html, "departments-table", &roads.to_string());
        // Received, answered, on-time share, promise kept, overdue, median, p90.
        assert_eq!(
            roads_row,
            ["4", "3", "66,7 %", "50,0 %", "1", "2", "10"],
            "{username}"
        );
        assert!(html.contains(r#"id="department-kind-table""#));
        assert!(html.contains(r#"id="stats-outcomes""#), "the outcome chart");
        assert_no_personal_data("the staff statistics", &html);
        // On a phone every table's rows stack, each number named by its column.
        assert_stacked_tables(&html, "the staff statistics", 5);
    }

    let token = app.login("auditor").await.token;
    let one = fetch(
        &app,
        &format!("/staff/statistics?year=2026&department={roads}"),
        Some(&token),
    )
    .await;
    assert_eq!(one.status, 200);
    let html = one.text();
    assert!(html.contains("Звено: Пътища и улици"));
    assert_eq!(by_id(&html, "department-overdue"), "1");
    assert_eq!(
        row_cells(&html, "department-kinds-table", "complaint")[..5],
        ["3", "2", "1", "1", "1"]
    );
    let wrong = fetch(&app, "/staff/statistics?department=roads", Some(&token)).await;
    assert_eq!(wrong.status, 400);
    assert!(wrong.text().contains("department"));
}

fn column_of(header: &[String], name: &str) -> Option<usize> {
    header.iter().position(|h| h == name)
}

#[tokio::test]
async fn the_cases_export_shows_personal_data_only_where_the_role_allows_and_never_a_sealed_identity()
 {
    let Register { app, roads } = register().await;
    let journal_before = app.store.journal(0, 10_000).await.unwrap().len();

    // The registry clerk (designated for corruption signals) sees every case, with the data
    // of the ordinary submitters — and the corruption signal without its sealed identity.
    let clerk = app.login("clerk").await;
    let export = fetch(
        &app,
        "/staff/statistics/cases.csv?year=2026&format=codes&personal=1&reason=Проверка+по+жалба+вх.+№+12",
        Some(&clerk.token),
    )
    .await;
    assert_eq!(export.status, 200, "{}", export.text());
    assert!(export.content_type.starts_with("text/csv"));
    let text = export.text();
    let header = csv_header(&export.bytes);
    let rows = csv_rows(&export.bytes);
    assert_eq!(rows.len(), 6, "{text}");
    let name = column_of(&header, "submitter_name").expect("personal columns for a clerk");
    let email = column_of(&header, "submitter_email").unwrap();
    let subject = column_of(&header, "subject").unwrap();
    let outcome = column_of(&header, "outcome").unwrap();
    let days = column_of(&header, "days_to_answer").unwrap();
    let named_rows: Vec<_> = rows.iter().filter(|r| !r[name].is_empty()).collect();
    assert_eq!(named_rows.len(), 4, "A, B, C and F are named: {text}");
    assert!(rows.iter().any(|r| &r[email] == "ivan@example.bg"));
    assert!(rows.iter().any(|r| &r[name] == "Мария Георгиева"));
    let sealed = rows
        .iter()
        .find(|r| r[subject].contains("Подкуп"))
        .expect("the corruption signal, for a designated clerk");
    assert_eq!(&sealed[name], "");
    assert!(!text.contains("Тайно Лице") && !text.contains("secret@example.bg"));
    assert!(!text.contains("0877 000 111"));
    let outcomes: Vec<(&str, &str)> = rows.iter().map(|r| (&r[outcome], &r[days])).collect();
    for expected in [
        ("on_time", "2"),
        ("late", "10"),
        ("on_time", "1"),
        ("not_considered", ""),
        ("open", ""),
        ("overdue", ""),
    ] {
        assert!(outcomes.contains(&expected), "{expected:?} in {outcomes:?}");
    }

    // The export is journalled once, with how many cases' data it carried.
    let journal = app.store.journal(0, 10_000).await.unwrap();
    let exports: Vec<_> = journal[journal_before..]
        .iter()
        .filter(|e| e.action == priemna_web::stats::cases_csv::JOURNAL_ACTION)
        .collect();
    assert_eq!(exports.len(), 1, "{exports:?}");
    let details: Value = serde_json::from_str(&exports[0].details).unwrap();
    assert_eq!(details["count"], 4);
    assert_eq!(details["rows"], 6);
    assert_eq!(details["complete"], true);
    assert!(exports[0].actor.contains("clerk"));
    assert_eq!(details["reason"], "Проверка по жалба вх. № 12");

    // The auditor reads cases but no personal data, and no corruption signal: no such columns.
    let auditor = app.login("auditor").await;
    let export = fetch(
        &app,
        "/staff/statistics/cases.csv?year=2026&format=codes",
        Some(&auditor.token),
    )
    .await;
    assert_eq!(export.status, 200);
    let header = csv_header(&export.bytes);
    assert!(column_of(&header, "submitter_name").is_none(), "{header:?}");
    let rows = csv_rows(&export.bytes);
    assert_eq!(rows.len(), 5, "every case but the corruption signal");
    assert_no_personal_data("the auditor's export", &export.text());
    let journal_after = app.store.journal(0, 10_000).await.unwrap();
    assert_eq!(
        journal_after
            .iter()
            .filter(|e| e.action == priemna_web::stats::cases_csv::JOURNAL_ACTION)
            .count(),
        1,
        "nothing personal, nothing journalled"
    );

    // A case officer sees only the cases assigned to them (none); an administrator no case.
    let officer = app.login("officer").await;
    let export = fetch(
        &app,
        &format!("/staff/statistics/cases.csv?year=2026&format=codes&department={roads}"),
        Some(&officer.token),
    )
    .await;
    assert_eq!(export.status, 200);
    assert_eq!(csv_rows(&export.bytes).len(), 0);
    let admin = app.login("admin").await;
    let refused = fetch(
        &app,
        "/staff/statistics/cases.csv?year=2026",
        Some(&admin.token),
    )
    .await;
    assert_eq!(refused.status, 403);

    // The store hands the cases out page by page, by id: small pages meet every case once.
    let filter = ExportFilter {
        from: Month::new(2026, 1).unwrap().first_day(),
        until: Month::new(2027, 1).unwrap().first_day(),
        department_id: None,
    };
    let mut seen = Vec::new();
    let mut after = 0;
    loop {
        let page = app.store.export_cases(&filter, after, 4).await.unwrap();
        if page.is_empty() {
            break;
        }
        after = page.last().unwrap().id.0;
        seen.extend(page.into_iter().map(|c| c.id));
    }
    assert_eq!(seen.len(), 6);
    assert!(seen.windows(2).all(|w| w[0] < w[1]));
    let roads_only = ExportFilter {
        department_id: Some(priemna_domain::DepartmentId(roads)),
        ..filter
    };
    assert_eq!(
        app.store
            .export_cases(&roads_only, 0, 100)
            .await
            .unwrap()
            .len(),
        4
    );
}

/// The text of a PDF, by `pdftotext` (poppler-utils), whitespace squashed.
fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, pdf).unwrap();
    let output = std::process::Command::new("pdftotext")
        .arg("-enc")
        .arg("UTF-8")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (Debian's poppler-utils) is installed by scripts/test-all");
    assert!(output.status.success());
    String::from_utf8(output.stdout)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The text of a PDF laid out as on the page (`pdftotext -layout`).
fn pdf_layout(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, pdf).unwrap();
    let output = std::process::Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (Debian's poppler-utils) is installed by scripts/test-all");
    assert!(output.status.success());
    String::from_utf8(output.stdout).unwrap()
}

#[tokio::test]
async fn the_annual_report_as_a_page_and_as_pdf_holds_the_key_figures() {
    let Register { app, .. } = register().await;
    let html = page(&app, "/statistics/report/2026").await;
    assert!(html.contains("Годишен отчет за обратната връзка от потребителите за 2026\u{a0}г."));
    assert!(html.contains("Наредбата за административното обслужване"));
    assert!(html.contains("Общо получени: 6."));
    assert!(html.contains(r#"href="/statistics/report/2026.pdf""#));
    for section in [
        "report-kinds-table",
        "report-channels-table",
        "report-answers-table",
        "report-not-considered-table",
        "report-satisfaction-table",
        "report-departments-table",
    ] {
        assert!(html.contains(&format!(r#"id="{section}""#)), "{section}");
    }
    // No word of the year's subjects is in five cases: no table of topics.
    assert!(!html.contains(r#"id="report-topics-table""#));
    assert!(html.contains("Няма дума, използвана в поне 5 преписки за периода."));
    assert_no_personal_data("the annual report", &html);
    assert_stacked_tables(&html, "the annual report", 6);
    let english = page(&app, "/statistics/report/2026?lang=en").await;
    assert!(
        english.contains("Annual report on users&#39; feedback, 2026")
            || english.contains("Annual report on users' feedback, 2026")
    );
    assert!(english.contains("Received in total: 6."));

    let pdf = fetch(&app, "/statistics/report/2026.pdf", None).await;
    assert_eq!(pdf.status, 200);
    assert_eq!(pdf.content_type, "application/pdf");
    assert!(pdf.bytes.starts_with(b"%PDF-"));
    let text = pdf_text(&pdf.bytes);
    for expected in [
        "Годишен отчет за обратната връзка от потребителите за 2026 г.",
        "Общо получени: 6.",
        "Писмено отговорени: 3; от тях в срок: 2 (66,7 % от отговорите), със закъснение: 1.",
        "Оставени без разглеждане по правило на хартата или закона: 1.",
        "анонимно подаване",
        "Препратени по компетентност: 0.",
        "Оценки след отговора: 1; средна оценка 5,00 от 5; доволни (4 или 5): 100,0 %.",
        "Похвали: 1; жалби: 3",
        "медиана 2 дни; 90 % от отговорите — до 10 дни",
        "Пътища и улици",
        "Община Хасково",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} not in the PDF: {text}"
        );
    }
    assert_no_personal_data("the annual report's PDF", &text);
    // The tables' headings wrap within their columns: laid out as on the page, every word of
    // every heading stands apart (run into each other, pdftotext would read them as one).
    let layout = pdf_layout(&pdf.bytes);
    let words: Vec<&str> = layout.split_whitespace().collect();
    for heading in [
        "Вид",
        "Получени",
        "Отговорени",
        "Със",
        "закъснение",
        "Без",
        "разглеждане",
        "Препратени",
        "Дял",
        "Просрочени",
        "сега",
        "Медиана",
    ] {
        assert!(
            words.contains(&heading),
            "{heading:?} is not on its own: {layout}"
        );
    }
    // A year is not parted from its "г." at the end of a line.
    assert!(
        layout.lines().all(|l| !l.trim_start().starts_with("г.")),
        "{layout}"
    );
    assert!(
        !text.contains("ч.."),
        "one full stop after the hour: {text}"
    );

    let wrong = fetch(&app, "/statistics/report/20x6", None).await;
    assert_eq!(wrong.status, 400);
    let wrong = fetch(&app, "/statistics/report/1234.pdf", None).await;
    assert_eq!(wrong.status, 400);
}

#[tokio::test]
async fn the_cases_export_is_for_bulgarian_excel_and_personal_data_needs_asking_with_a_reason() {
    let Register { app, .. } = register().await;
    let clerk = app.login("clerk").await;
    // Without asking: Bulgarian Excel's file (BOM, `;`, Bulgarian headings and labels, dates as
    // дд.мм.гггг) and no personal columns, even for a role that may see them.
    let export = fetch(
        &app,
        "/staff/statistics/cases.csv?year=2026",
        Some(&clerk.token),
    )
    .await;
    assert_eq!(export.status, 200, "{}", export.text());
    let text = export.text();
    assert!(text.starts_with('\u{feff}'), "a BOM for Excel");
    let first_line = text
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap()
        .to_owned();
    assert!(
        first_line.starts_with("Номер;Дата на получаване;Вид;Канал;Състояние"),
        "{first_line}"
    );
    assert!(!first_line.contains("Подател"), "{first_line}");
    assert!(text.contains(";жалба;писмено, на място;"), "{text}");
    assert!(text.contains(".2026;"), "dates as дд.мм.гггг: {text}");
    assert_no_personal_data("an export nobody asked personal data of", &text);
    // Asking without a reason is refused, naming the field; the auditor may not ask at all.
    let no_reason = fetch(
        &app,
        "/staff/statistics/cases.csv?year=2026&personal=1&reason=защото",
        Some(&clerk.token),
    )
    .await;
    assert_eq!(no_reason.status, 400, "{}", no_reason.text());
    assert!(no_reason.text().contains("reason"), "{}", no_reason.text());
    let auditor = app.login("auditor").await;
    let refused = fetch(
        &app,
        "/staff/statistics/cases.csv?year=2026&personal=1&reason=Одит+на+сроковете+2026",
        Some(&auditor.token),
    )
    .await;
    assert_eq!(refused.status, 403);
    // With a reason: the Bulgarian personal columns, and the reason in the journal.
    let asked = fetch(
        &app,
        "/staff/statistics/cases.csv?year=2026&personal=1&reason=Проверка+по+сигнал+№+7",
        Some(&clerk.token),
    )
    .await;
    assert_eq!(asked.status, 200);
    let first_line = asked
        .text()
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap()
        .to_owned();
    assert!(
        first_line.ends_with(";Подател;Ел. поща;Телефон;Адрес"),
        "{first_line}"
    );
    let journal = app.store.journal(0, 10_000).await.unwrap();
    assert!(journal.iter().any(
        |e| e.action == priemna_web::stats::cases_csv::JOURNAL_ACTION
            && e.details.contains("Проверка по сигнал № 7")
    ));
}
