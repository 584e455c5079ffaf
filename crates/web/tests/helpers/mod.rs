//! Spawns the real application on a random port with a fresh database and a fixed clock.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use jiff::Timestamp;
use priemna_domain::Clock;
use priemna_domain::WorkingCalendar;
use priemna_store::Store;
use priemna_web::AppState;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use tempfile::TempDir;

/// A clock the test moves forward by hand.
#[derive(Clone)]
pub struct TestClock(Arc<Mutex<Timestamp>>);

impl TestClock {
    pub fn set(&self, now: &str) {
        *self.0.lock().unwrap() = now.parse().unwrap();
    }
}

impl Clock for TestClock {
    fn now(&self) -> Timestamp {
        *self.0.lock().unwrap()
    }
}

pub struct TestApp {
    pub address: String,
    /// The database this app runs on (SQLite file or PostgreSQL database).
    pub database_url: String,
    pub client: reqwest::Client,
    pub store: Arc<dyn Store>,
    pub state: AppState,
    pub clock: TestClock,
    /// Whether the registry clerk who registers paper, phone and box submissions exists yet.
    registrar: Arc<tokio::sync::OnceCell<()>>,
    dir: TempDir,
}

/// A named submitter with valid contact details.
pub fn named() -> Value {
    json!({"name": "Иван Петров", "address": "ул. „Шипка“ 3, Хасково",
           "phone": "0888 123 456", "email": "ivan@example.bg"})
}

pub async fn spawn_app_at(now: &str) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    start(dir, now).await
}

pub async fn spawn_app_at_with_url(dir: TempDir, database_url: String, now: &str) -> TestApp {
    start_on(dir, database_url, now).await
}

async fn start(dir: TempDir, now: &str) -> TestApp {
    let url = priemna_store::testing::fresh_database_url(dir.path())
        .await
        .unwrap();
    start_on(dir, url, now).await
}

async fn start_on(dir: TempDir, database_url: String, now: &str) -> TestApp {
    start_configured(dir, database_url, now, |state| state).await
}

/// Like `spawn_app_at`, with the application state adjusted first (limits, HTTPS, …).
pub async fn spawn_app_configured(
    now: &str,
    configure: impl FnOnce(AppState) -> AppState,
) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let url = priemna_store::testing::fresh_database_url(dir.path())
        .await
        .unwrap();
    start_configured(dir, url, now, configure).await
}

async fn start_configured(
    dir: TempDir,
    database_url: String,
    now: &str,
    configure: impl FnOnce(AppState) -> AppState,
) -> TestApp {
    let at: Timestamp = now.parse().unwrap();
    let store = priemna_store::connect(&database_url).await.unwrap();
    let clock = TestClock(Arc::new(Mutex::new(at)));
    // Every test client is 127.0.0.1: the rate limits are switched off unless a test of the
    // limits configures them again.
    let state = configure(
        AppState::new(
            store.clone(),
            WorkingCalendar::with_builtin_decrees(),
            Arc::new(clock.clone()),
        )
        .with_limits(priemna_web::limits::LimitConfig::off()),
    );
    // The application as `priemna serve` builds it, with the jobs production runs (the deadline
    // job, the statistics refresh, retention and the forms' clean-up) running from the start;
    // tests that need a job's effect at a given moment also run it themselves. The outbox
    // worker runs where a test gives it an SMTP server.
    let application = priemna_web::Application::build(
        state.clone(),
        "127.0.0.1:0".parse().unwrap(),
        priemna_web::Background::all(
            std::time::Duration::from_secs(60),
            std::time::Duration::from_secs(30),
            None,
        ),
    )
    .await
    .unwrap();
    let address = format!("http://{}", application.address());
    tokio::spawn(application.run_until(std::future::pending()));
    TestApp {
        address,
        database_url,
        client: reqwest::Client::new(),
        store,
        state,
        clock,
        registrar: Arc::default(),
        dir,
    }
}

impl TestApp {
    /// The same database, served again with the clock at `now`.
    pub async fn reopen(self, now: &str) -> TestApp {
        start_on(self.dir, self.database_url, now).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Submits `body` as a citizen does; on a channel only staff register (paper, phone, a
    /// signal box, a visit, the post), as the registry clerk `registrar` does.
    pub async fn submit(&self, body: Value) -> (u16, Value) {
        let staff_only = body["channel"]
            .as_str()
            .and_then(priemna_domain::Channel::parse)
            .is_some_and(|c| !c.is_online());
        let mut request = self
            .client
            .post(self.url("/api/v1/submissions"))
            .json(&body);
        if staff_only {
            request = request.bearer_auth(self.registrar().await.token);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap())
    }

    /// Submits `body`, which must be registered: its number and tracking code.
    pub async fn registered(&self, body: Value) -> (String, String) {
        let (status, receipt) = self.submit(body).await;
        assert_eq!(status, 201, "{receipt}");
        (
            receipt["number"].as_str().unwrap().to_owned(),
            receipt["tracking_code"].as_str().unwrap().to_owned(),
        )
    }

    /// Signs `username` in afresh (sessions last a working day, and tests move the clock) and
    /// performs `action` on case `number`, which must succeed.
    pub async fn act_as(&self, username: &str, number: &str, action: Value) {
        let staff = self.login(username).await;
        let (status, body) = staff.act(number, action.clone()).await;
        assert_eq!(status, 200, "{action}: {body}");
    }

    pub async fn track(&self, number: &str, code: Option<&str>) -> (u16, Value) {
        let mut request = self
            .client
            .get(self.url(&format!("/api/v1/submissions/{number}")));
        if let Some(code) = code {
            request = request.query(&[("tracking_code", code)]);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap())
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        let response = self.client.get(self.url(path)).send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap())
    }

    pub async fn get_json(&self, path: &str) -> Value {
        let (status, body) = self.get(path).await;
        assert_eq!(status, 200, "{path}: {body}");
        body
    }

    pub async fn count(&self) -> u64 {
        self.store.count_submissions().await.unwrap()
    }
}

/// A member of staff signed in through the API; requests carry the bearer token.
pub struct StaffClient {
    pub id: i64,
    pub token: String,
    base: String,
    client: reqwest::Client,
}

impl StaffClient {
    pub async fn get(&self, path: &str) -> (u16, Value) {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, body).await
    }

    pub async fn send(&self, method: reqwest::Method, path: &str, body: Value) -> (u16, Value) {
        let response = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn act(&self, number: &str, body: Value) -> (u16, Value) {
        self.post(&format!("/api/v1/cases/{number}/actions"), body)
            .await
    }
}

pub const PASSWORD: &str = "correct horse battery";

impl TestApp {
    /// The registry clerk who registers what comes on paper, by phone or in a box, signed in
    /// afresh (tests move the clock past sessions' end).
    pub async fn registrar(&self) -> StaffClient {
        self.registrar
            .get_or_init(|| async {
                // Already there when the app was reopened on the same database.
                let draft = priemna_app::accounts::StaffDraft {
                    username: "registrar".into(),
                    display_name: "Деловодител".into(),
                    role: "registry_clerk".into(),
                    password: PASSWORD.into(),
                    department_id: None,
                    corruption_officer: false,
                    email: None,
                };
                let _ = priemna_app::accounts::create_user(
                    &self.state,
                    priemna_app::accounts::Changer::Operator("test"),
                    &draft,
                )
                .await;
            })
            .await;
        self.login("registrar").await
    }

    /// Creates a member of staff directly in the store.
    pub async fn add_staff(
        &self,
        username: &str,
        role: &str,
        department: Option<i64>,
        corruption_officer: bool,
    ) -> i64 {
        let draft = priemna_app::accounts::StaffDraft {
            username: username.into(),
            display_name: format!("Служител {username}"),
            role: role.into(),
            password: PASSWORD.into(),
            department_id: department.map(priemna_domain::DepartmentId),
            corruption_officer,
            email: None,
        };
        priemna_app::accounts::create_user(
            &self.state,
            priemna_app::accounts::Changer::Operator("test"),
            &draft,
        )
        .await
        .unwrap()
        .0
        .id
        .0
    }

    pub async fn add_department(&self, name: &str) -> i64 {
        self.store
            .create_department(name, self.clock.now(), "test")
            .await
            .unwrap()
            .id
            .0
    }

    pub async fn login(&self, username: &str) -> StaffClient {
        let response = self
            .client
            .post(self.url("/api/v1/auth/login"))
            .json(&json!({"username": username, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "login {username}");
        let body: Value = response.json().await.unwrap();
        StaffClient {
            id: body["user"]["id"].as_i64().unwrap(),
            token: body["token"].as_str().unwrap().to_owned(),
            base: self.address.clone(),
            client: self.client.clone(),
        }
    }
}

/// The text of an HTML fragment: tags dropped, `<br>` read as a space, runs of space made one.
fn html_text(fragment: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in fragment.replace("<br>", " ").chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The value of `name="…"` in the opening tag `tag`, if it is there.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    tag[start..].split('"').next()
}

/// Checks that every table of `page` that stacks on a phone (`table.stacked`) names each cell
/// of its body by its column's heading or the heading's first words (`data-label`, which the stylesheet writes before the
/// cell when the rows stack), and that the page has at least `least` such tables. `page`
/// names the page in the messages.
#[track_caller]
pub fn assert_stacked_tables(html: &str, page: &str, least: usize) {
    let tables: Vec<&str> = html
        .split(r#"<table class="stacked""#)
        .skip(1)
        .map(|t| t.split("</table>").next().unwrap())
        .collect();
    assert!(
        tables.len() >= least,
        "{page}: {} stacked tables, expected at least {least}",
        tables.len()
    );
    for table in tables {
        let (head, body) = table
            .split_once("</thead>")
            .unwrap_or_else(|| panic!("{page}: a stacked table without a head: {table}"));
        let headings: Vec<String> = head
            .split("<th ")
            .skip(1)
            .map(|th| html_text(th.split_once('>').unwrap().1.split("</th>").next().unwrap()))
            .collect();
        let body = body.split("<tfoot>").next().unwrap();
        for row in body.split("<tr").skip(1) {
            let cells: Vec<&str> = row
                .match_indices("<t")
                .filter(|(at, _)| row[at + 2..].starts_with("d") || row[at + 2..].starts_with("h "))
                .map(|(at, _)| &row[at..at + row[at..].find('>').unwrap()])
                .collect();
            assert_eq!(
                cells.len(),
                headings.len(),
                "{page}: a row's cells and the headings {headings:?}: {row}"
            );
            for (cell, heading) in cells.iter().zip(&headings) {
                let label = attribute(cell, "data-label").unwrap_or_else(|| {
                    panic!("{page}: a cell without data-label: {cell} in {row}")
                });
                // The heading, or its first words where the rest explains it.
                let label = html_text(label);
                assert!(
                    !label.is_empty() && heading.starts_with(&label),
                    "{page}: a cell labelled {label:?}, its column {heading:?}: {row}"
                );
            }
        }
    }
}
