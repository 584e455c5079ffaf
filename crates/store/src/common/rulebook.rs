// The rulebook's text in the register (migration 0021): each version this build knows is
// written once, and a version whose text in the register differs from this build's stops the
// start, since cases registered under it would read differently than when they were decided.

use super::{Db, DbPool};
use crate::{Result, StoreError};
use priemna_domain::rulebook::{self, Rulebook};
use sqlx::QueryBuilder;

#[derive(sqlx::FromRow)]
struct WordingRow {
    wording: String,
    text_bg: String,
    text_en: String,
}

/// Writes the rulebooks this build knows that the register lacks, and checks the ones it has.
pub(crate) async fn keep(pool: &DbPool) -> Result<()> {
    for version in 1..=rulebook::CURRENT {
        if let Some(book) = rulebook::rulebook(version) {
            keep_one(pool, book).await?;
        }
    }
    Ok(())
}

async fn keep_one(pool: &DbPool, book: &Rulebook) -> Result<()> {
    let version = i32::from(book.version);
    let mut q: QueryBuilder<Db> =
        QueryBuilder::new("INSERT INTO rulebook (version, wording, text_bg, text_en) ");
    q.push_values(book.wordings, |mut row, w| {
        row.push_bind(version)
            .push_bind(w.key)
            .push_bind(w.bg)
            .push_bind(w.en);
    });
    // Several servers may start at once: the first writes, the others find the rows.
    q.push(" ON CONFLICT (version, wording) DO NOTHING");
    q.build().execute(pool).await?;

    let stored: Vec<WordingRow> = sqlx::query_as(
        "SELECT wording, text_bg, text_en FROM rulebook WHERE version = $1 ORDER BY wording",
    )
    .bind(version)
    .fetch_all(pool)
    .await?;
    for row in &stored {
        let same = book
            .wording(&row.wording)
            .is_some_and(|w| w.bg == row.text_bg && w.en == row.text_en);
        if !same {
            return Err(StoreError::Corrupt(format!(
                "the register's rulebook version {} words {:?} differently than this build: \
                 a changed wording needs a new rulebook version",
                book.version, row.wording
            )));
        }
    }
    Ok(())
}
