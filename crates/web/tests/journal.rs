//! The journal as an auditor reads it, through the back office's pages: names and roles,
//! actions in Bulgarian, registration numbers, readable details, filters, the CSV for Excel, and
//! refused access journalled — never a citizen's personal data.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod helpers;

use helpers::{PASSWORD, TestApp, named, spawn_app_at};
use serde_json::json;

const NOW: &str = "2026-03-02T10:00:00+02:00";

/// What a citizen's submission carries that must never reach the journal.
const PERSONAL: &[&str] = &[
    "Иван Петров",
    "Шипка",
    "0888",
    "ivan@example.bg",
    "Служител поиска пари",
];

struct Page {
    status: u16,
    content_type: String,
    bytes: Vec<u8>,
}

impl Page {
    fn text(&self) -> String {
        String::from_utf8(self.bytes.clone()).unwrap()
    }

    /// How many entries the page lists.
    fn rows(&self) -> usize {
        self.text().matches(r#"data-label="№""#).count()
    }
}

/// A browser: the session cookie from the sign-in form, no redirects followed.
struct Browser {
    client: reqwest::Client,
    base: String,
    cookie: String,
}

impl Browser {
    async fn sign_in(app: &TestApp, username: &str) -> Browser {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let response = client
            .post(app.url("/staff/login"))
            .form(&[("username", username), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "sign-in of {username}");
        let cookie = response
            .headers()
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .find(|c| c.starts_with("priemna_session="))
            .unwrap();
        Browser {
            client,
            base: app.address.clone(),
            cookie: cookie.split(';').next().unwrap().to_owned(),
        }
    }

    async fn get(&self, path: &str) -> Page {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .header(reqwest::header::COOKIE, &self.cookie)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        Page {
            status,
            content_type,
            bytes: response.bytes().await.unwrap().to_vec(),
        }
    }

    async fn page(&self, path: &str) -> String {
        let page = self.get(path).await;
        assert_eq!(page.status, 200, "{path}: {}", page.text());
        page.text()
    }
}

/// A department with a clerk, an officer, an administrator, an auditor, and the designated
/// corruption officer; their ids.
struct Office {
    department: i64,
    officer: i64,
    clerk: i64,
}

async fn office(app: &TestApp) -> Office {
    let department = app.add_department("Благоустройство").await;
    let clerk = app.add_staff("clerk", "registry_clerk", None, false).await;
    let officer = app
        .add_staff("officer", "case_officer", Some(department), false)
        .await;
    app.add_staff("admin", "administrator", None, false).await;
    app.add_staff("auditor", "auditor", None, false).await;
    Office {
        department,
        officer,
        clerk,
    }
}

async fn signal(app: &TestApp, subject: &str) -> String {
    app.registered(json!({
        "kind": "signal", "channel": "web", "subject": subject,
        "body": "Моля, разгледайте въпроса за осветлението на ул. „Шипка“.",
        "consent": true, "submitter": named(),
    }))
    .await
    .0
}

async fn assign(app: &TestApp, office: &Office, number: &str) {
    app.act_as(
        "clerk",
        number,
        json!({"action": "assign", "department_id": office.department,
               "assignee_id": office.officer}),
    )
    .await;
}

/// Whether the page lists an entry with this action.
fn lists(body: &str, action: &str) -> bool {
    body.contains(&format!(r#"data-label="Действие">{action}</td>"#))
}

fn assert_no_personal_data(text: &str) {
    for personal in PERSONAL {
        assert!(!text.contains(personal), "{personal} in: {text}");
    }
}

#[tokio::test]
async fn the_auditor_reads_names_roles_bulgarian_actions_and_registration_numbers() {
    let app = spawn_app_at(NOW).await;
    let office = office(&app).await;
    let number = signal(&app, "Тъмна улица").await;
    assign(&app, &office, &number).await;
    // The officer looks at the submitter's details: journalled as a reading.
    let officer = Browser::sign_in(&app, "officer").await;
    officer
        .page(&format!("/staff/cases/{number}/personal-data"))
        .await;

    let auditor = Browser::sign_in(&app, "auditor").await;
    let body = auditor.page("/staff/journal").await;
    // The chain, entirely in Bulgarian.
    assert!(
        body.contains("Веригата на дневника е непокътната"),
        "{body}"
    );
    assert!(!body.contains("intact"));
    // People by name and role; the system's parts by what they do.
    assert!(body.contains("Служител clerk"), "{body}");
    assert!(body.contains("деловодител"));
    assert!(body.contains("Служител officer"));
    assert!(body.contains("служител (експерт)"));
    assert!(body.contains("Гражданин"));
    // Actions in Bulgarian, with readable details.
    for label in [
        "Регистриране на постъпление",
        "Възлагане",
        "Преглед на личните данни на подателя",
        "Вход в системата",
        "Добавяне на служител",
    ] {
        assert!(lists(&body, label), "{label}");
    }
    assert!(body.contains("Статус: Регистрирана → Възложена") || body.contains("Статус: "));
    assert!(body.contains("Отдел: „Благоустройство“"), "{body}");
    assert!(body.contains("Възложена на: Служител officer"), "{body}");
    assert!(body.contains("Канал: "));
    // The registration number, linked to the case the auditor may read.
    assert!(
        body.contains(&format!(r#"<a href="/staff/cases/{number}">{number}</a>"#)),
        "{body}"
    );
    // No developer data.
    let clerk_label = format!("user:{}:clerk", office.clerk);
    for raw in [
        clerk_label.as_str(),
        ">user:",
        ">system:",
        ">citizen<",
        "{&quot;",
        "{\"",
        ">assign<",
        ">register<",
        ">read_personal_data<",
        "вътр. №",
    ] {
        assert!(!body.contains(raw), "{raw} in the page");
    }
    assert_no_personal_data(&body);
    let _ = (office.clerk, office.officer);
}

#[tokio::test]
async fn filters_narrow_the_journal_by_person_case_action_and_period() {
    let app = spawn_app_at(NOW).await;
    let office = office(&app).await;
    let first = signal(&app, "Тъмна улица").await;
    app.clock.set("2026-03-05T11:00:00+02:00");
    let second = signal(&app, "Дупка на пътя").await;
    assign(&app, &office, &second).await;
    let auditor = Browser::sign_in(&app, "auditor").await;

    // By case: only that case's entries.
    let body = auditor.page(&format!("/staff/journal?case={first}")).await;
    assert!(body.contains(&first));
    assert!(!body.contains(&second), "{body}");
    assert!(lists(&body, "Регистриране на постъпление"));
    // Typed as people do: 2026-2.
    let short = second.replace("-00000", "-");
    let body = auditor.page(&format!("/staff/journal?case={short}")).await;
    assert!(body.contains(&second) && !body.contains(&first), "{body}");

    // By action.
    let body = auditor.page("/staff/journal?action=assign").await;
    assert!(body.contains(&second));
    assert!(!lists(&body, "Регистриране на постъпление"), "{body}");
    assert!(
        body.contains(r#"<option value="assign" selected>"#),
        "{body}"
    );

    // By person: the clerk's assignment and sign-in, not the citizen's submissions.
    let body = auditor
        .page(&format!("/staff/journal?person=user:{}", office.clerk))
        .await;
    assert!(lists(&body, "Възлагане"));
    assert!(lists(&body, "Вход в системата"));
    assert!(!lists(&body, "Регистриране на постъпление"), "{body}");

    // By period, in municipal days: 2 March holds the first submission only.
    let body = auditor
        .page("/staff/journal?action=register&from=2026-03-02&to=02.03.2026")
        .await;
    assert!(body.contains(&first) && !body.contains(&second), "{body}");
    let body = auditor
        .page("/staff/journal?action=register&from=2026-03-03")
        .await;
    assert!(body.contains(&second) && !body.contains(&first), "{body}");

    // Bad input is named next to its field, the form kept.
    let page = auditor
        .get("/staff/journal?from=31.02.2026&case=2099-000001&person=user:999")
        .await;
    assert_eq!(page.status, 422);
    let body = page.text();
    assert!(body.contains("Напишете дата"), "{body}");
    assert!(body.contains("Няма преписка с номер 2099-000001"), "{body}");
    assert!(body.contains("Изберете човек от списъка"), "{body}");
    assert!(body.contains(r#"value="31.02.2026""#));
}

#[tokio::test]
async fn the_journal_pages_by_entry_without_gaps_or_repeats() {
    let app = spawn_app_at(NOW).await;
    office(&app).await;
    for i in 0..60 {
        signal(&app, &format!("Сигнал {i}")).await;
    }
    let auditor = Browser::sign_in(&app, "auditor").await;
    let filter = "/staff/journal?action=register";
    let first = auditor.get(filter).await;
    assert_eq!(first.rows(), 50);
    let body = first.text();
    assert!(body.contains("2026-000060") && !body.contains("2026-000010<"));
    let marker = "before=";
    let start = body.find(marker).expect("a link to older entries") + marker.len();
    let before: String = body[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let older = auditor.get(&format!("{filter}&before={before}")).await;
    assert_eq!(older.rows(), 10, "{}", older.text());
    let older = older.text();
    for n in 1..=10 {
        assert!(older.contains(&format!("2026-{n:06}")), "{n}");
    }
    assert!(!older.contains("2026-000011"));
    assert!(older.contains("По-нови"));
    assert!(!older.contains("По-стари"));
}

#[tokio::test]
async fn the_csv_is_for_bulgarian_excel_and_its_download_is_journalled() {
    let app = spawn_app_at(NOW).await;
    let office = office(&app).await;
    let number = signal(&app, "Тъмна улица").await;
    assign(&app, &office, &number).await;
    let auditor = Browser::sign_in(&app, "auditor").await;

    let csv = auditor.get("/staff/journal.csv?action=assign").await;
    assert_eq!(csv.status, 200, "{}", csv.text());
    assert!(
        csv.content_type.starts_with("text/csv"),
        "{}",
        csv.content_type
    );
    assert_eq!(&csv.bytes[..3], b"\xEF\xBB\xBF", "a byte-order mark");
    let text = csv.text();
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    assert_eq!(
        lines.next().unwrap(),
        "№;Дата и час;Кой;Роля;Действие;Преписка;Подробности;Код на действието;Контролна сума (SHA-256)"
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 1, "{text}");
    let cells: Vec<&str> = rows[0].split(';').collect();
    assert_eq!(cells[1], "02.03.2026 10:00:00");
    assert_eq!(cells[2], "Служител clerk");
    assert_eq!(cells[3], "деловодител");
    assert_eq!(cells[4], "Възлагане");
    assert_eq!(cells[5], number);
    assert!(rows[0].contains("Отдел: „Благоустройство“"), "{text}");
    assert_no_personal_data(&text);

    // The whole journal, then the download itself is in the journal with its filter.
    let all = auditor.get("/staff/journal.csv").await.text();
    assert!(all.contains("Регистриране на постъпление"));
    // The earlier download is in it; this one's own entry is not (the file ends where it began).
    assert_eq!(all.matches("Изтегляне на дневника").count(), 1, "{all}");
    assert_no_personal_data(&all);
    let body = auditor.page("/staff/journal?action=export_journal").await;
    assert_eq!(body.matches(r#"data-label="№""#).count(), 2, "{body}");
    assert!(lists(&body, "Изтегляне на дневника (CSV)"));
    assert!(body.contains("Филтър: действие: Възлагане"), "{body}");
    assert!(body.contains("Филтър: целият дневник"));
    assert!(body.contains("Записи: 1"));

    // Others may not download it.
    let clerk = Browser::sign_in(&app, "clerk").await;
    assert_eq!(clerk.get("/staff/journal.csv").await.status, 403);
}

#[tokio::test]
async fn an_officers_refused_look_at_a_corruption_signal_is_journalled_once_a_minute() {
    let app = spawn_app_at(NOW).await;
    office(&app).await;
    let (number, _) = app
        .registered(json!({
            "kind": "corruption_signal", "channel": "phone", "subject": "Подкуп",
            "body": "Служител поиска пари за разрешение.", "consent": true, "submitter": named(),
        }))
        .await;
    let officer = Browser::sign_in(&app, "officer").await;
    let case = format!("/staff/cases/{number}");
    // Refused, and refused again on reload: one entry.
    assert_eq!(officer.get(&case).await.status, 403);
    assert_eq!(officer.get(&case).await.status, 403);
    assert_eq!(officer.get("/staff/journal").await.status, 403);
    // A minute later, a new attempt is a new entry.
    app.clock.set("2026-03-02T10:01:30+02:00");
    assert_eq!(officer.get(&case).await.status, 403);

    let auditor = Browser::sign_in(&app, "auditor").await;
    let body = auditor.page("/staff/journal?action=access_denied").await;
    assert_eq!(body.matches(r#"data-label="№""#).count(), 3, "{body}");
    assert!(body.contains(r#"data-label="Действие"><strong class="flag">Отказан достъп"#));
    assert!(body.contains("Служител officer"));
    assert!(
        body.contains("Поискано право: преглед на преписка"),
        "{body}"
    );
    assert!(
        body.contains("Причина: Сигналите за корупция са достъпни само за определените служители."),
        "{body}"
    );
    assert!(body.contains("Страница: дневник на действията (/staff/journal)"));
    assert!(body.contains(&number));
    // The auditor may not read a corruption signal either: its number is not a link.
    assert!(!body.contains(&format!(r#"href="/staff/cases/{number}""#)));
    // The refused attempts are in the CSV too, without anything of the report.
    let csv = auditor
        .get("/staff/journal.csv?action=access_denied")
        .await
        .text();
    assert_eq!(csv.lines().count(), 4, "{csv}");
    assert!(csv.contains("Отказан достъп"));
    assert_no_personal_data(&csv);
    assert_no_personal_data(&body);
    assert!(!body.contains("Подкуп"));
}

#[tokio::test]
async fn the_auditors_refused_look_at_personal_data_and_a_receipt_is_journalled() {
    let app = spawn_app_at(NOW).await;
    office(&app).await;
    let number = signal(&app, "Тъмна улица").await;
    let auditor = Browser::sign_in(&app, "auditor").await;
    // The auditor reads cases, not the people behind them.
    assert_eq!(
        auditor
            .get(&format!("/staff/cases/{number}/personal-data"))
            .await
            .status,
        403
    );
    // Within the minute, the receipt (which carries the same personal data) is the same
    // refusal: written once. Later, a new entry.
    let api = app.login("auditor").await;
    let receipt = format!("/api/v1/cases/{number}/receipt.pdf");
    assert_eq!(api.get(&receipt).await.0, 403);
    app.clock.set("2026-03-02T10:05:00+02:00");
    assert_eq!(api.get(&receipt).await.0, 403);

    let body = auditor.page("/staff/journal?action=access_denied").await;
    assert_eq!(body.matches(r#"data-label="№""#).count(), 2, "{body}");
    assert!(body.contains("Одитор") || body.contains("Служител auditor"));
    assert!(
        body.contains("Поискано право: преглед на личните данни на подателя"),
        "{body}"
    );
    assert!(body.contains(&format!(r#"<a href="/staff/cases/{number}">{number}</a>"#)));
    assert_no_personal_data(&body);
}
