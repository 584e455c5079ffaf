//! Open311 under arbitrary input: random parameters to every endpoint, with and without a key.
//! Every answer must be a success or the spec's error list with a 400, 403 or 404 — never a
//! 5xx — and a refused request stores nothing. `PROPTEST_CASES` sets the number of cases.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod helpers;

use helpers::spawn_app_at;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Value;

fn param_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("service_code".to_owned()),
        Just("lat".to_owned()),
        Just("long".to_owned()),
        Just("address_string".to_owned()),
        Just("description".to_owned()),
        Just("email".to_owned()),
        Just("first_name".to_owned()),
        Just("start_date".to_owned()),
        Just("end_date".to_owned()),
        Just("status".to_owned()),
        Just("page".to_owned()),
        Just("page_size".to_owned()),
        Just("service_request_id".to_owned()),
        Just("jurisdiction_id".to_owned()),
        Just("extensions".to_owned()),
        Just("attribute[danger]".to_owned()),
        "[a-z_\\[\\]]{1,12}",
    ]
}

fn param_value() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,30}",
        "-?[0-9]{1,4}(\\.[0-9]{1,8})?",
        "20[0-9]{2}-[01][0-9]-[0-3][0-9](T[0-2][0-9]:[0-5][0-9]:[0-5][0-9](Z|[+-][01][0-9]:00))?",
        Just("open".to_owned()),
        Just("closed,open".to_owned()),
        Just("streetlight".to_owned()),
        Just(String::new()),
    ]
}

#[tokio::test]
async fn arbitrary_open311_input_never_breaks_the_server() {
    let app = spawn_app_at("2026-03-02T10:00:00+02:00").await;
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(200u32);
    let mut runner = TestRunner::new(Config {
        cases,
        ..Config::default()
    });
    let strategy = (
        prop::sample::select(vec![
            "GET /open311/v2/services.json",
            "GET /open311/v2/services.xml",
            "GET /open311/v2/requests.json",
            "GET /open311/v2/requests.xml",
            "GET /open311/v2/servicerequestupdates.json",
            "POST /open311/v2/requests.json",
            "POST /open311/v2/requests.xml",
        ]),
        prop::collection::vec((param_name(), param_value()), 0..8),
        prop::sample::select(vec![None, Some("wrong-key")]),
    );
    let mut inputs = Vec::new();
    for _ in 0..cases {
        inputs.push(strategy.new_tree(&mut runner).unwrap().current());
    }
    for (endpoint, params, key) in inputs {
        let (method, path) = endpoint.split_once(' ').unwrap();
        let mut pairs = params.clone();
        if let Some(key) = key {
            pairs.push(("api_key".into(), key.into()));
        }
        let url = app.url(path);
        let request = if method == "GET" {
            app.client.get(url).query(&pairs)
        } else {
            app.client.post(url).form(&pairs)
        };
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        assert!(
            [200, 201, 400, 403, 404].contains(&status),
            "{status} for {endpoint} {pairs:?}"
        );
        let body = response.text().await.unwrap();
        if status >= 400 {
            if path.ends_with(".json") {
                let errors: Value = serde_json::from_str(&body).unwrap();
                let list = errors.as_array().unwrap_or_else(|| panic!("{body}"));
                assert!(!list.is_empty());
                for e in list {
                    assert_eq!(e["code"].as_u64(), Some(u64::from(status)), "{body}");
                    assert!(!e["description"].as_str().unwrap().is_empty());
                }
            } else {
                assert!(
                    body.contains("<errors>") && body.contains("<description>"),
                    "{body}"
                );
            }
        }
    }
    // Without a key nothing was posted: every stored case came from an accepted request.
    assert_eq!(
        app.count().await,
        0,
        "no request without a valid key was stored"
    );
}

proptest! {
    #[test]
    fn file_sniffing_never_panics_and_only_names_real_signatures(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        if let Some(kind) = priemna_web::portal::upload::sniff(&bytes) {
            let ok = match kind {
                "image/jpeg" => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
                "image/png" => bytes.starts_with(&[0x89, b'P', b'N', b'G']),
                "image/webp" => bytes.starts_with(b"RIFF"),
                "image/heic" => bytes.len() >= 12 && &bytes[4..8] == b"ftyp",
                "application/pdf" => bytes.starts_with(b"%PDF-"),
                _ => false,
            };
            prop_assert!(ok, "{} for {:?}", kind, bytes);
        }
    }
}
