//! Property tests for the JSON reader: any bytes, any JSON, any shape — a clear error or a
//! submission, never a panic. `PROPTEST_CASES` sets the number of cases.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, header};
use priemna_web::json::{parse_object, raw_submission};
use proptest::prelude::*;
use serde_json::Value;

fn json_headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        ".{0,40}".prop_map(Value::String),
        prop_oneof![Just("kind"), Just("signal"), Just("submitter"), Just("egn")]
            .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("kind".to_owned()),
                    Just("channel".to_owned()),
                    Just("subject".to_owned()),
                    Just("body".to_owned()),
                    Just("submitter".to_owned()),
                    Just("name".to_owned()),
                    Just("egn".to_owned()),
                    Just("anonymous".to_owned()),
                    ".{0,10}",
                ],
                inner,
                0..8,
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn any_bytes_are_read_or_refused(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_object(&json_headers(), Ok(Bytes::from(bytes)));
    }

    #[test]
    fn any_json_is_read_or_refused(value in arbitrary_json()) {
        let text = value.to_string();
        match parse_object(&json_headers(), Ok(Bytes::from(text))) {
            Ok(map) => {
                let parsed = raw_submission(&map);
                for e in parsed.type_errors {
                    prop_assert!(!e.field.is_empty());
                }
            }
            Err(_) => prop_assert!(!value.is_object()),
        }
    }
}
