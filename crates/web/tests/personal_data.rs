//! Personal data: the citizen's own export, and erasure after the retention period.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod helpers;

use helpers::{named, spawn_app_at};
use serde_json::json;

#[tokio::test]
async fn a_citizen_exports_their_data_and_it_is_erased_after_the_retention_period() {
    let app = spawn_app_at("2026-03-02T10:00:00+02:00").await;
    let roads = app.add_department("Пътища").await;
    app.add_staff("clerk", "registry_clerk", None, false).await;
    app.add_staff("head", "department_head", Some(roads), false)
        .await;
    app.add_staff("auditor", "auditor", None, false).await;
    let (_, receipt) = app
        .submit(
            json!({"kind": "signal", "channel": "web", "subject": "Дупка пред дома ми",
                       "body": "Живея на ул. „Шипка“ 3 и пред дома ми има дупка.",
                       "consent": true, "submitter": named()}),
        )
        .await;
    let number = receipt["number"].as_str().unwrap().to_owned();
    let code = receipt["tracking_code"].as_str().unwrap().to_owned();
    let (_, praise) = app
        .submit(
            json!({"kind": "praise", "channel": "web", "subject": "Благодаря",
                       "body": "Благодаря на гише 3.", "consent": true, "submitter": {"name": "Елена"}}),
        )
        .await;

    // The citizen's export: the case and their own details; a wrong code gets nothing.
    let export = |code: String| {
        let app = &app;
        let number = number.clone();
        async move {
            let response = app
                .client
                .get(app.url(&format!("/api/v1/submissions/{number}/export")))
                .query(&[("tracking_code", code)])
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            (status, response.json::<serde_json::Value>().await.unwrap())
        }
    };
    let (status, data) = export(code.clone()).await;
    assert_eq!(status, 200);
    assert_eq!(data["submitter"]["name"], "Иван Петров");
    assert_eq!(data["case"]["number"], number.as_str());
    assert_eq!(export("AAAA-BBBB-CCCC".into()).await.0, 404);

    // Answered and closed on 2 March 2026.
    let clerk = app.login("clerk").await;
    // The conversation holds personal data too.
    for (kind, text) in [
        (
            "request_information",
            "Пред кой вход на ул. „Шипка“ 3 е дупката?",
        ),
        ("note", "Ул. „Шипка“ 3 — да се огледа."),
    ] {
        let (status, body) = clerk
            .post(
                &format!("/api/v1/cases/{number}/messages"),
                json!({"kind": kind, "text": text}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    clerk
        .act(&number, json!({"action": "assign", "department_id": roads}))
        .await;
    let head = app.login("head").await;
    let (status, body) = head
        .act(
            &number,
            json!({"action": "answer", "text": "Ще ремонтираме."}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(head.act(&number, json!({"action": "close"})).await.0, 200);

    // Four years on nothing is erased; five years and a day on it is.
    app.clock.set("2030-03-02T10:00:00+02:00");
    assert_eq!(
        priemna_app::jobs::run_retention(&app.state).await.unwrap(),
        Some(0)
    );
    assert_eq!(
        priemna_app::jobs::run_retention(&app.state).await.unwrap(),
        None,
        "once a day"
    );
    app.clock.set("2031-03-03T10:00:00+02:00");
    assert_eq!(
        priemna_app::jobs::run_retention(&app.state).await.unwrap(),
        Some(1)
    );

    let (status, data) = export(code.clone()).await;
    assert_eq!(status, 200);
    assert_eq!(data["submitter"], serde_json::Value::Null);
    assert_eq!(data["personal_data_erased"], true);
    assert!(data["case"]["body"].as_str().unwrap().contains("заличено"));
    assert!(!data.to_string().contains("Шипка"));
    let conversation = app
        .get_json(&format!(
            "/api/v1/submissions/{number}/messages?tracking_code={code}"
        ))
        .await;
    assert!(
        !conversation.to_string().contains("Шипка"),
        "{conversation}"
    );
    let auditor = app.login("auditor").await;
    let (status, conversation) = auditor
        .get(&format!("/api/v1/cases/{number}/messages"))
        .await;
    assert_eq!(status, 200, "{conversation}");
    assert_eq!(conversation["messages"].as_array().unwrap().len(), 2);
    assert!(
        !conversation.to_string().contains("Шипка"),
        "{conversation}"
    );
    // The skeleton stays: kind, dates, status; the register keeps its numbering.
    assert_eq!(data["case"]["status"], "closed");
    assert_eq!(data["case"]["kind"], "signal");
    assert_eq!(app.count().await, 2);
    // The open praise (never finished) keeps its data.
    let (status, _) = app
        .track(
            praise["number"].as_str().unwrap(),
            praise["tracking_code"].as_str(),
        )
        .await;
    assert_eq!(status, 200);

    // The erasure and every reading of personal data are in the journal.
    let auditor = app.login("auditor").await;
    let (_, journal) = auditor.get("/api/v1/journal?limit=1000").await;
    let actions: Vec<(&str, &str)> = journal["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap(), e["actor"].as_str().unwrap()))
        .collect();
    assert!(
        actions.contains(&("read_personal_data", "citizen:export")),
        "{actions:?}"
    );
    assert!(
        actions.contains(&("anonymise", "system:retention")),
        "{actions:?}"
    );
    assert_eq!(journal["intact"], true);
}
