//! Spawns the real application on a random port with a fresh database and a fixed clock.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use jiff::Timestamp;
use priemna_domain::WorkingCalendar;
use priemna_domain::clock::FixedClock;
use priemna_store::Store;
use priemna_web::AppState;
use serde_json::{Value, json};
use std::sync::Arc;
use tempfile::TempDir;

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub store: Arc<dyn Store>,
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

async fn start(dir: TempDir, now: &str) -> TestApp {
    let at: Timestamp = now.parse().unwrap();
    let path = dir.path().join("priemna.db");
    let store = priemna_store::connect(&format!("sqlite:{}", path.display()))
        .await
        .unwrap();
    let state = AppState::new(
        store.clone(),
        WorkingCalendar::with_builtin_decrees(),
        Arc::new(FixedClock(at)),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(priemna_web::serve(listener, state, std::future::pending()));
    TestApp {
        address,
        client: reqwest::Client::new(),
        store,
        dir,
    }
}

impl TestApp {
    /// The same database, served again with the clock at `now`.
    pub async fn reopen(self, now: &str) -> TestApp {
        start(self.dir, now).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn submit(&self, body: Value) -> (u16, Value) {
        let response = self
            .client
            .post(self.url("/api/v1/submissions"))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap())
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
