//! Abuse and exposure: rate limits on the public doors, security headers, error bodies that
//! reveal nothing, and bad input that never crashes the server.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod helpers;

use helpers::{named, spawn_app_at, spawn_app_configured};
use priemna_web::limits::{LimitConfig, TrustedProxies};
use serde_json::{Value, json};

fn limited(intake: u32, login: u32) -> LimitConfig {
    LimitConfig {
        intake_per_minute: intake,
        login_per_minute: login,
        proxies: TrustedProxies::Hops(1),
        ..LimitConfig::default()
    }
}

#[tokio::test]
async fn intake_is_rate_limited_per_client_address() {
    let app = spawn_app_configured("2026-03-02T10:00:00+02:00", |s| {
        s.with_limits(limited(3, 10))
    })
    .await;
    let body = json!({"kind": "signal", "channel": "web", "subject": "Дупка", "body": "Дупка.",
                      "consent": true, "submitter": named()});
    let send = |ip: &'static str| {
        app.client
            .post(app.url("/api/v1/submissions"))
            .header("x-forwarded-for", ip)
            .json(&body)
            .send()
    };
    for _ in 0..3 {
        assert_eq!(send("203.0.113.7").await.unwrap().status(), 201);
    }
    let refused = send("203.0.113.7").await.unwrap();
    assert_eq!(refused.status(), 429);
    let retry: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    let error: Value = refused.json().await.unwrap();
    assert_eq!(error["error"]["code"], "too_many_requests");
    // Another citizen is not affected, and the refused request stored nothing.
    assert_eq!(send("198.51.100.20").await.unwrap().status(), 201);
    assert_eq!(app.count().await, 4);
}

#[tokio::test]
async fn sign_in_is_rate_limited_per_client_address() {
    let app = spawn_app_configured("2026-03-02T10:00:00+02:00", |s| {
        s.with_limits(limited(20, 2))
    })
    .await;
    let attempt = || {
        app.client
            .post(app.url("/api/v1/auth/login"))
            .header("x-forwarded-for", "203.0.113.9")
            .json(&json!({"username": "nobody", "password": "guess-guess-guess"}))
            .send()
    };
    assert_eq!(attempt().await.unwrap().status(), 401);
    assert_eq!(attempt().await.unwrap().status(), 401);
    assert_eq!(attempt().await.unwrap().status(), 429);
}

#[tokio::test]
async fn responses_carry_security_headers_and_no_internals() {
    let app = spawn_app_at("2026-03-02T10:00:00+02:00").await;
    let response = app
        .client
        .get(app.url("/api/v1/kinds"))
        .send()
        .await
        .unwrap();
    let headers = response.headers();
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");

    // Malformed input of every kind: a clear 4xx, never a 5xx, never SQL or a backtrace.
    let bodies: [&[u8]; 6] = [
        b"{\"kind\": ",
        b"\"just a string\"",
        b"{\"kind\": {\"$ne\": 1}}",
        b"{\"subject\": \"'; DROP TABLE submissions; --\", \"kind\": \"signal\"}",
        &[0xff, 0xfe, 0x00],
        b"{\"kind\":\"signal\",\"channel\":\"web\",\"subject\":\"a\",\"body\":\"b\",\"submitter\":[]}",
    ];
    for body in bodies {
        let response = app
            .client
            .post(app.url("/api/v1/submissions"))
            .header("content-type", "application/json")
            .body(body.to_vec())
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        assert!((400..500).contains(&status), "{status} for {body:?}");
        let text = response.text().await.unwrap().to_lowercase();
        for leak in [
            "sqlite",
            "sqlx",
            "panicked",
            "select ",
            "backtrace",
            "/src/",
        ] {
            assert!(!text.contains(leak), "{leak} in {text}");
        }
    }
    assert_eq!(app.count().await, 0);
}
