//! The JSON API, driven over HTTP against the real server on a random port.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod helpers;

use helpers::{TestApp, named, spawn_app_at};
use serde_json::{Value, json};
use std::collections::BTreeSet;

const KINDS: [&str; 8] = [
    "proposal",
    "opinion",
    "comment",
    "signal",
    "complaint",
    "praise",
    "corruption_signal",
    "application",
];
const CHANNELS: [&str; 7] = [
    "web",
    "signal_box",
    "phone",
    "in_person_oral",
    "in_person_written",
    "email",
    "post",
];

fn rules(receipt: &Value) -> Vec<String> {
    receipt["decisions"]
        .as_array()
        .map(|d| {
            d.iter()
                .map(|d| d["rule"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn every_kind_through_every_channel_is_registered_and_tracked() {
    let app = spawn_app_at("2026-03-02T10:00:00+02:00").await;
    let mut numbers = Vec::new();
    for kind in KINDS {
        for channel in CHANNELS {
            let subject = format!("{kind} по {channel}");
            let (status, receipt) = app
                .submit(json!({
                    "kind": kind,
                    "channel": channel,
                    "subject": subject,
                    "body": "Моля, разгледайте въпроса за осветлението на ул. „Шипка“.",
                    "consent": true, "submitter": named(),
                }))
                .await;
            assert_eq!(status, 201, "{kind}/{channel}: {receipt}");
            assert_eq!(receipt["status"], "registered");
            assert_eq!(receipt["kind"], kind);
            assert_eq!(receipt["channel"], channel);
            assert_eq!(receipt["received_at"], "2026-03-02T10:00:00+02:00");
            assert!(!receipt["decisions"].as_array().unwrap().is_empty());
            let number = receipt["number"].as_str().unwrap().to_owned();
            let code = receipt["tracking_code"].as_str().unwrap();

            let (status, case) = app.track(&number, Some(code)).await;
            assert_eq!(status, 200, "{case}");
            assert_eq!(case["number"], number.as_str());
            assert_eq!(case["kind"], kind);
            assert_eq!(case["channel"], channel);
            assert_eq!(case["subject"], subject.as_str());
            assert_eq!(case["answer_due"], receipt["answer_due"]);
            assert_eq!(case["decisions"], receipt["decisions"]);
            assert_eq!(case["history"][0]["status"], "registered");
            // The citizen's own personal data is not echoed back.
            assert!(!case.to_string().contains("Иван Петров"));
            numbers.push(number);
        }
    }
    let expected: Vec<String> = (1..=56).map(|n| format!("2026-{n:06}")).collect();
    assert_eq!(numbers, expected);
    assert_eq!(app.count().await, 56);
}

#[tokio::test]
async fn tracking_needs_the_right_code_and_never_reveals_a_number() {
    let app = spawn_app_at("2026-03-02T10:00:00+02:00").await;
    let (_, receipt) = app
        .submit(
            json!({"kind": "signal", "channel": "web", "subject": "Дупка",
                       "body": "Дупка на пътя.", "consent": true, "submitter": named()}),
        )
        .await;
    let number = receipt["number"].as_str().unwrap();
    let code = receipt["tracking_code"].as_str().unwrap();

    let (status, _) = app.track(number, Some(&code.to_lowercase())).await;
    assert_eq!(status, 200, "codes are not case sensitive");

    let mut bodies = BTreeSet::new();
    for (n, c) in [
        (number, None),
        (number, Some("AAAA-BBBB-CCCC")),
        (number, Some("")),
        ("2026-000999", Some(code)),
        ("not-a-number", Some(code)),
    ] {
        let (status, body) = app.track(n, c).await;
        assert_eq!(status, 404, "{n} {c:?}");
        bodies.insert(body.to_string());
    }
    assert_eq!(bodies.len(), 1, "every miss looks the same: {bodies:?}");
}

#[tokio::test]
async fn anonymous_signals_are_not_considered_unless_they_threaten_health_or_safety() {
    let app = spawn_app_at("2026-03-02T10:00:00+02:00").await;
    let (status, plain) = app
        .submit(
            json!({"kind": "signal", "channel": "signal_box", "subject": "Шум",
                       "body": "Съседите вдигат шум вечер.", "anonymous": true}),
        )
        .await;
    assert_eq!(status, 201);
    assert!(
        rules(&plain).contains(&"anonymous_not_considered".into()),
        "{plain}"
    );
    assert_eq!(plain["considered"], false);
    assert_eq!(plain["answer_due"], Value::Null);

    let (_, threat) = app
        .submit(
            json!({"kind": "signal", "channel": "phone", "subject": "Оголени кабели",
                       "body": "Оголени кабели висят до детската площадка.",
                       "health_or_safety_threat": true}),
        )
        .await;
    assert!(
        rules(&threat).contains(&"anonymous_threat_considered".into()),
        "{threat}"
    );
    assert_eq!(threat["considered"], true);
    assert_eq!(
        threat["answer_due"], "2026-05-04",
        "2 months from 02.03 is Sat 02.05 → Mon 04.05"
    );

    let (_, complaint) = app
        .submit(
            json!({"kind": "complaint", "channel": "web", "subject": "Оплакване",
                       "body": "Никой не вдига телефона."}),
        )
        .await;
    assert!(rules(&complaint).contains(&"anonymous_not_considered".into()));

    // Praise needs no answer: anonymous praise is simply registered for analysis.
    let (_, praise) = app
        .submit(
            json!({"kind": "praise", "channel": "web", "subject": "Благодаря",
                       "body": "Благодаря на служителите."}),
        )
        .await;
    assert!(
        !rules(&praise).contains(&"anonymous_not_considered".into()),
        "{praise}"
    );
    assert_eq!(praise["answer_due"], Value::Null);
}

#[tokio::test]
async fn offensive_and_personal_data_submissions_are_flagged_for_a_clerk() {
    let app = spawn_app_at("2026-03-02T10:00:00+02:00").await;
    let (_, rude) = app
        .submit(
            json!({"kind": "complaint", "channel": "email", "subject": "Жалба",
                       "body": "Вие сте идиоти и кретени, никой не работи!",
                       "consent": true, "submitter": named()}),
        )
        .await;
    let offensive = rude["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "offensive_language")
        .unwrap_or_else(|| panic!("no offensive_language decision: {rude}"));
    assert_eq!(offensive["needs_review"], true);
    assert!(!offensive["reason"].as_str().unwrap().is_empty());

    let (_, english) = app
        .submit(
            json!({"kind": "comment", "channel": "web", "subject": "Parking",
                       "body": "This fucking parking zone is a joke."}),
        )
        .await;
    assert!(
        rules(&english).contains(&"offensive_language".into()),
        "{english}"
    );

    let (_, polite) = app
        .submit(
            json!({"kind": "signal", "channel": "web", "subject": "Боклук",
                       "body": "Боклукът на ул. „Шипка“ не е събиран от седмица.",
                       "consent": true, "submitter": named()}),
        )
        .await;
    assert!(
        !rules(&polite).contains(&"offensive_language".into()),
        "{polite}"
    );

    let (_, personal) = app
        .submit(
            json!({"kind": "signal", "channel": "web", "subject": "Въпрос",
                       "body": "Кой има достъп до личните ми данни в общината?",
                       "consent": true, "submitter": named()}),
        )
        .await;
    assert!(
        rules(&personal).contains(&"personal_data_or_classified".into()),
        "{personal}"
    );

    let (_, classified) = app
        .submit(json!({"kind": "proposal", "channel": "post", "subject": "Въпрос",
                       "body": "Моля да ми предоставите класифицирана информация за плана за защита.",
                       "consent": true, "submitter": named()}))
        .await;
    assert!(rules(&classified).contains(&"personal_data_or_classified".into()));
}

#[tokio::test]
async fn written_complaint_about_bad_administration_is_due_in_7_days_moved_past_easter() {
    // Received Friday 3 April 2026; 7 days later is Good Friday 10 April; Saturday, Easter
    // Sunday and Easter Monday follow, so the answer is due Tuesday 14 April.
    let app = spawn_app_at("2026-04-03T11:00:00+03:00").await;
    let (status, receipt) = app
        .submit(json!({"kind": "complaint", "channel": "in_person_written",
                       "subject": "Забавено удостоверение",
                       "body": "Чакам удостоверение от месец.",
                       "about_bad_administration": true, "consent": true, "submitter": named()}))
        .await;
    assert_eq!(status, 201);
    assert!(
        rules(&receipt).contains(&"deadline_complaint_7_days".into()),
        "{receipt}"
    );
    assert_eq!(receipt["answer_due"], "2026-04-14");

    // The same complaint made by phone is oral: the 7-day promise covers written complaints.
    let (_, oral) = app
        .submit(
            json!({"kind": "complaint", "channel": "phone", "subject": "Забавено",
                       "body": "Чакам удостоверение от месец.",
                       "about_bad_administration": true, "consent": true, "submitter": named()}),
        )
        .await;
    assert!(
        rules(&oral).contains(&"deadline_apk_2_months".into()),
        "{oral}"
    );
    assert_eq!(oral["answer_due"], "2026-06-03");
}

#[tokio::test]
async fn corruption_signals_and_old_violations() {
    let app = spawn_app_at("2026-03-02T10:00:00+02:00").await;
    let (_, corruption) = app
        .submit(json!({"kind": "corruption_signal", "channel": "phone",
                       "subject": "Подкуп", "body": "Служител поиска пари.",
                       "consent": true, "submitter": named()}))
        .await;
    assert!(
        rules(&corruption).contains(&"deadline_whistleblower".into()),
        "{corruption}"
    );
    assert_eq!(corruption["acknowledge_due"], "2026-03-09");
    assert_eq!(corruption["answer_due"], "2026-06-09");

    let (_, old) = app
        .submit(
            json!({"kind": "signal", "channel": "post", "subject": "Незаконен строеж",
                       "body": "Съседът построи гараж без разрешение.",
                       "violation_date": "2023-05-01", "consent": true, "submitter": named()}),
        )
        .await;
    assert!(
        rules(&old).contains(&"violation_older_than_2_years".into()),
        "{old}"
    );
    assert_eq!(old["considered"], false);
}

#[tokio::test]
async fn bad_input_gets_a_clear_error_naming_the_field_and_changes_nothing() {
    let app = spawn_app_at("2026-03-02T10:00:00+02:00").await;
    let good = json!({"kind": "signal", "channel": "web", "subject": "Дупка",
                      "body": "Дупка на пътя.", "consent": true, "submitter": named()});
    let with = |key: &str, value: Value| {
        let mut v = good.clone();
        v[key] = value;
        v.to_string().into_bytes()
    };
    let mut submitter_bad_egn = good.clone();
    submitter_bad_egn["submitter"]["egn"] = json!("7501010011");
    let mut no_fields = good.clone();
    no_fields.as_object_mut().unwrap().remove("kind");
    no_fields.as_object_mut().unwrap().remove("body");

    type Case<'a> = (&'a str, Vec<u8>, &'a str, u16, Vec<&'a str>);
    let cases: Vec<Case> = vec![
        (
            "missing fields",
            no_fields.to_string().into_bytes(),
            "application/json",
            422,
            vec!["kind", "body"],
        ),
        (
            "unknown kind",
            with("kind", json!("petition")),
            "application/json",
            422,
            vec!["kind"],
        ),
        (
            "unknown channel",
            with("channel", json!("fax")),
            "application/json",
            422,
            vec!["channel"],
        ),
        (
            "wrong type",
            with("subject", json!(42)),
            "application/json",
            422,
            vec!["subject"],
        ),
        (
            "wrong bool",
            with("anonymous", json!("yes")),
            "application/json",
            422,
            vec!["anonymous"],
        ),
        (
            "empty subject",
            with("subject", json!("   ")),
            "application/json",
            422,
            vec!["subject"],
        ),
        (
            "NUL byte",
            with("body", json!("a\u{0}b")),
            "application/json",
            422,
            vec!["body"],
        ),
        (
            "future violation",
            with("violation_date", json!("2030-01-01")),
            "application/json",
            422,
            vec!["violation_date"],
        ),
        (
            "bad date",
            with("violation_date", json!("01.02.2025")),
            "application/json",
            422,
            vec!["violation_date"],
        ),
        (
            "invalid ЕГН",
            submitter_bad_egn.to_string().into_bytes(),
            "application/json",
            422,
            vec!["submitter.egn"],
        ),
        (
            "anonymous with name",
            with("anonymous", json!(true)),
            "application/json",
            422,
            vec!["submitter"],
        ),
        (
            "not JSON",
            b"kind=signal".to_vec(),
            "application/json",
            400,
            vec!["request_body"],
        ),
        (
            "array",
            b"[1,2]".to_vec(),
            "application/json",
            400,
            vec!["request_body"],
        ),
        (
            "invalid UTF-8",
            b"{\"kind\": \"sig\xffnal\"}".to_vec(),
            "application/json",
            400,
            vec!["request_body"],
        ),
        (
            "oversized",
            with("body", json!("а".repeat(70_000))),
            "application/json",
            413,
            vec![],
        ),
        (
            "too long body",
            with("body", json!("а".repeat(20_001))),
            "application/json",
            422,
            vec!["body"],
        ),
        (
            "form encoded",
            b"kind=signal".to_vec(),
            "application/x-www-form-urlencoded",
            415,
            vec![],
        ),
    ];
    for (name, body, content_type, status, fields) in cases {
        let response = app
            .client
            .post(app.url("/api/v1/submissions"))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), status, "{name}");
        let error: Value = response
            .json()
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let named_fields: Vec<&str> = error["error"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap())
            .collect();
        for field in fields {
            assert!(
                named_fields.contains(&field),
                "{name}: {field} not in {error}"
            );
        }
        assert!(
            !error["error"]["message_bg"].as_str().unwrap().is_empty(),
            "{name}"
        );
        assert!(
            !error["error"]["message_en"].as_str().unwrap().is_empty(),
            "{name}"
        );
        for f in error["error"]["fields"].as_array().unwrap() {
            assert!(!f["message_bg"].as_str().unwrap().is_empty(), "{name}");
            assert!(!f["message_en"].as_str().unwrap().is_empty(), "{name}");
        }
    }
    assert_eq!(app.count().await, 0, "no bad request stored anything");
}

#[tokio::test]
async fn errors_speak_the_users_language() {
    let app = spawn_app_at("2026-03-02T10:00:00+02:00").await;
    let body = json!({"channel": "web", "subject": "x", "body": "y"}).to_string();
    for (accept, expected) in [
        (None, "полето е задължително"),
        (Some("en-GB,en;q=0.9"), "this field is required"),
        (Some("bg-BG,bg;q=0.9,en;q=0.8"), "полето е задължително"),
    ] {
        let mut request = app
            .client
            .post(app.url("/api/v1/submissions"))
            .header("content-type", "application/json")
            .body(body.clone());
        if let Some(lang) = accept {
            request = request.header("accept-language", lang);
        }
        let error: Value = request.send().await.unwrap().json().await.unwrap();
        assert_eq!(error["error"]["fields"][0]["field"], "kind");
        assert_eq!(
            error["error"]["fields"][0]["message"], expected,
            "{accept:?}"
        );
    }
}

#[tokio::test]
async fn two_hundred_concurrent_submissions_get_distinct_gap_free_numbers() {
    let app = spawn_app_at("2026-03-02T10:00:00+02:00").await;
    let mut tasks = Vec::new();
    for i in 0..200 {
        let client = app.client.clone();
        let url = app.url("/api/v1/submissions");
        tasks.push(tokio::spawn(async move {
            let response = client
                .post(url)
                .json(&json!({"kind": "signal", "channel": "web",
                              "subject": format!("Сигнал {i}"), "body": "Текст.",
                              "consent": true, "submitter": named()}))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 201);
            let receipt: Value = response.json().await.unwrap();
            receipt["number"].as_str().unwrap().to_owned()
        }));
    }
    let mut numbers = BTreeSet::new();
    for task in tasks {
        numbers.insert(task.await.unwrap());
    }
    let expected: BTreeSet<String> = (1..=200).map(|n| format!("2026-{n:06}")).collect();
    assert_eq!(numbers, expected);
}

#[tokio::test]
async fn numbering_restarts_each_year() {
    let app = spawn_app_at("2026-12-31T21:59:00Z").await; // 23:59 in Sofia
    let (_, late) = app
        .submit(
            json!({"kind": "proposal", "channel": "web", "subject": "a", "body": "b",
                       "consent": true, "submitter": named()}),
        )
        .await;
    assert_eq!(late["number"], "2026-000001");
    let app2 = TestApp::reopen(app, "2026-12-31T22:00:00Z").await; // 00:00 on 1 January
    let (_, early) = app2
        .submit(
            json!({"kind": "proposal", "channel": "web", "subject": "a", "body": "b",
                       "consent": true, "submitter": named()}),
        )
        .await;
    assert_eq!(early["number"], "2027-000001");
    assert_eq!(early["received_date"], "2027-01-01");
}

#[tokio::test]
async fn calendar_deadline_and_reception_answer_citizens_and_staff() {
    let app = spawn_app_at("2026-03-02T10:00:00+02:00").await;
    let calendar = app.get_json("/api/v1/calendar/2026").await;
    let days: Vec<(&str, &str)> = calendar["non_working_days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["date"].as_str().unwrap(), d["name"].as_str().unwrap()))
        .collect();
    for date in [
        "2026-01-01",
        "2026-03-03",
        "2026-04-10",
        "2026-04-13",
        "2026-05-01",
        "2026-12-24",
    ] {
        assert!(
            days.iter().any(|(d, _)| *d == date),
            "{date} missing in {days:?}"
        );
    }
    assert!(days.iter().all(|(_, name)| !name.is_empty()));

    let due = app
        .get_json("/api/v1/deadline?received=2026-04-03&rule=deadline_complaint_7_days")
        .await;
    assert_eq!(due["due"], "2026-04-14");
    assert_eq!(due["nominal"], "2026-04-10");
    assert_eq!(due["moved"], true);
    let due = app
        .get_json("/api/v1/deadline?received=2026-12-31&rule=apk_2_months")
        .await;
    assert_eq!(due["due"], "2027-03-01", "28 Feb 2027 is a Sunday");

    let (status, error) = app
        .get("/api/v1/deadline?received=2026-02-30&rule=nope")
        .await;
    assert_eq!(status, 400);
    let fields: Vec<&str> = error["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["received", "rule"]);

    let open = app.get_json("/api/v1/reception?date=2026-03-02").await;
    assert_eq!(open["open"], true);
    assert_eq!(open["opens"], "09:00");
    assert_eq!(open["closes"], "17:00");
    let holiday = app.get_json("/api/v1/reception?date=2026-03-03").await;
    assert_eq!(holiday["open"], false);
    assert!(
        holiday["closed_reason"]
            .as_str()
            .unwrap()
            .contains("Освобождение")
    );
    assert_eq!(holiday["next_open_date"], "2026-03-04");
    let today = app.get_json("/api/v1/reception").await;
    assert_eq!(today["date"], "2026-03-02");

    let (status, _) = app.get("/api/v1/calendar/abc").await;
    assert_eq!(status, 400);
    let health = app.get_json("/healthz").await;
    assert_eq!(health["status"], "ok");
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_in_json() {
    let app = spawn_app_at("2026-03-02T10:00:00+02:00").await;
    let (status, body) = app.get("/api/v1/nothing-here").await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "not_found");
    let response = app
        .client
        .delete(app.url("/api/v1/submissions"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    assert!(response.headers().contains_key("allow"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "method_not_allowed");
}

#[tokio::test]
async fn a_tracking_code_is_read_the_way_people_type_it() {
    let app = spawn_app_at("2026-03-02T10:00:00+02:00").await;
    let (number, code) = app
        .registered(
            json!({"kind": "signal", "channel": "web", "subject": "Дупка",
                           "body": "Дупка на пътя.", "consent": true, "submitter": named()}),
        )
        .await;
    assert!(!code.contains(['0', 'O', '1', 'I', 'L']), "{code}");
    // Lower case, no hyphens, spaces, and a keyboard left on Cyrillic for the look-alikes.
    let cyrillic: String = code
        .chars()
        .filter(|c| *c != '-')
        .map(|c| match c {
            'A' => 'а',
            'B' => 'в',
            'E' => 'е',
            'K' => 'к',
            'M' => 'м',
            'H' => 'н',
            'P' => 'р',
            'C' => 'с',
            'T' => 'т',
            'X' => 'х',
            'Y' => 'у',
            other => other.to_ascii_lowercase(),
        })
        .collect();
    let chars: Vec<char> = cyrillic.chars().collect();
    let (first, second) = chars.split_at(chars.len() / 2);
    let typed = format!(
        " {} {} ",
        first.iter().collect::<String>(),
        second.iter().collect::<String>()
    );
    let (status, view) = app.track(&number, Some(&typed)).await;
    assert_eq!(status, 200, "{typed}: {view}");
    // One character wrong is still a plain 404.
    let mut wrong = code.clone();
    wrong.replace_range(0..1, if code.starts_with('Z') { "Y" } else { "Z" });
    assert_eq!(app.track(&number, Some(&wrong)).await.0, 404);
}

#[tokio::test]
async fn the_api_records_a_named_submitters_consent_and_refuses_a_name_without_it() {
    let app = spawn_app_at("2026-03-02T10:00:00+02:00").await;
    let named_submission = |consent: Option<Value>| {
        let mut body = json!({"kind": "signal", "channel": "web", "subject": "Дупка",
                              "body": "Дупка на пътя.", "submitter": named()});
        if let Some(consent) = consent {
            body["consent"] = consent;
        }
        body
    };

    // Without it, or refused: 422 naming the field, in both languages, and nothing registered.
    for consent in [None, Some(json!(false))] {
        let (status, body) = app.submit(named_submission(consent)).await;
        assert_eq!(status, 422, "{body}");
        let fields = &body["error"]["fields"];
        let consent_error = fields
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["field"] == "consent")
            .unwrap_or_else(|| panic!("{body}"));
        assert!(
            consent_error["message"]
                .as_str()
                .unwrap()
                .contains("съгласие")
        );
        assert!(
            consent_error["message_en"]
                .as_str()
                .unwrap()
                .contains("consent")
        );
    }
    // Not a boolean: the type is named.
    let (status, body) = app.submit(named_submission(Some(json!("yes")))).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("\"consent\""), "{body}");

    // Anonymous: nothing personal, nothing to consent to.
    let (status, _) = app
        .submit(
            json!({"kind": "proposal", "channel": "web", "subject": "Пейки",
                       "body": "Повече пейки.", "anonymous": true}),
        )
        .await;
    assert_eq!(status, 201);

    // Given: registered, and the journal keeps the consent with the case.
    let (status, receipt) = app.submit(named_submission(Some(json!(true)))).await;
    assert_eq!(status, 201, "{receipt}");
    assert!(
        receipt["warnings"].as_array().unwrap().is_empty(),
        "{receipt}"
    );
    let number = receipt["number"].as_str().unwrap();
    app.add_staff("auditor", "auditor", None, false).await;
    let auditor = app.login("auditor").await;
    let (status, journal) = auditor.get("/api/v1/journal?limit=1000").await;
    assert_eq!(status, 200);
    let consents: Vec<&Value> = journal["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "record_consent")
        .collect();
    assert_eq!(consents.len(), 1, "{journal}");
    assert_eq!(consents[0]["details"]["number"], number);
    assert_eq!(
        consents[0]["details"]["consent"],
        "processing_of_personal_data"
    );
    assert_eq!(consents[0]["details"]["channel"], "web");
}
