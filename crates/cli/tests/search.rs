//! `priemna reindex` as an operator runs it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_priemna");

#[tokio::test]
async fn reindex_rebuilds_the_index_beside_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let url = priemna_store::testing::fresh_database_url(dir.path())
        .await
        .unwrap();
    let search_dir = dir.path().join("index");
    for subject in ["Дупка на улицата", "Не свети лампата"] {
        let output = Command::new(BIN)
            .args([
                "submit",
                "--kind",
                "signal",
                "--channel",
                "phone",
                "--subject",
                subject,
                "--body",
                "Моля, вижте.",
                "--name",
                "Елена Стоянова",
                "--consent",
                "--phone",
                "0877 555 010",
                "--database-url",
            ])
            .arg(&url)
            .env("RUST_LOG", "error")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let output = Command::new(BIN)
        .args(["reindex", "--database-url"])
        .arg(&url)
        .arg("--search-dir")
        .arg(&search_dir)
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("Indexed 2 cases"), "{stdout}");
    let index = priemna_search::SearchIndex::open_in_dir(&search_dir).unwrap();
    assert_eq!(index.len(), 2);
    let page = index
        .search(
            "dupkite",
            &priemna_search::Filters::default(),
            &priemna_search::Visibility::default(),
            0,
            10,
        )
        .unwrap();
    assert_eq!(page.total, 1);
}
