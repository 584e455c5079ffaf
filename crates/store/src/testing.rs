//! Test support: a fresh, empty database on the backend the test run asks for.
//!
//! The test command runs the integration suites twice: on SQLite (the default), and with
//! `PRIEMNA_TEST_BACKEND=postgres` against the private server that `scripts/with-postgres`
//! starts (its URL in `PRIEMNA_TEST_POSTGRES_URL`).

use crate::{Result, StoreError};
use rand::Rng;
use sqlx::Connection;
use std::path::Path;

/// Whether this test run targets PostgreSQL.
pub fn postgres_requested() -> bool {
    std::env::var("PRIEMNA_TEST_BACKEND").is_ok_and(|b| b == "postgres")
}

/// The URL of a new, empty database: a file in `dir`, or a new PostgreSQL database.
pub async fn fresh_database_url(dir: &Path) -> Result<String> {
    if !postgres_requested() {
        return Ok(format!("sqlite:{}", dir.join("priemna.db").display()));
    }
    let admin_url = std::env::var("PRIEMNA_TEST_POSTGRES_URL")
        .map_err(|_| StoreError::UnsupportedUrl("PRIEMNA_TEST_POSTGRES_URL is not set".into()))?;
    let name = format!("priemna_test_{:016x}", rand::rng().random::<u64>());
    let mut admin = sqlx::PgConnection::connect(&admin_url).await?;
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await?;
    admin.close().await?;
    let base = admin_url
        .rsplit_once('/')
        .map(|(base, _)| base)
        .unwrap_or(&admin_url);
    Ok(format!("{base}/{name}"))
}
