//! See `main.rs`. H2 (reminders), M1 (letters, attachments, photos' metadata), M2 (public
//! topics), L8 (booking lists) and L9 (upload names).

use crate::helpers::{PASSWORD, StaffClient, TestApp, named, spawn_app_at};
use serde_json::{Value, json};

/// A town with two departments, a designated clerk, a head, officers, the Mayor's office, an
/// auditor and an administrator.
struct Town {
    app: TestApp,
    roads: i64,
    social: i64,
    head: i64,
    mayor: i64,
    clerk_c: i64,
}

async fn town(now: &str) -> Town {
    let app = spawn_app_at(now).await;
    let roads = app.add_department("Пътища").await;
    let social = app.add_department("Социални дейности").await;
    app.add_staff("clerk", "registry_clerk", None, false).await;
    let clerk_c = app.add_staff("clerk_c", "registry_clerk", None, true).await;
    let head = app
        .add_staff("head", "department_head", Some(roads), false)
        .await;
    app.store
        .set_department_head(roads, Some(head), now.parse().unwrap(), "test")
        .await
        .unwrap();
    app.add_staff("officer", "case_officer", Some(roads), false)
        .await;
    let mayor = app.add_staff("mayor", "mayors_office", None, false).await;
    app.add_staff("auditor", "auditor", None, false).await;
    app.add_staff("admin", "administrator", None, false).await;
    Town {
        app,
        roads,
        social,
        head,
        mayor,
        clerk_c,
    }
}

/// Signs in through the staff login form: the session cookie.
async fn page_cookie(app: &TestApp, username: &str) -> String {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = client
        .post(app.url("/staff/login"))
        .form(&[("username", username), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303, "page login {username}");
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("priemna_session="))
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

/// A page of the back office as `username` sees it: status and body.
async fn page(app: &TestApp, username: &str, path: &str) -> (u16, String) {
    let cookie = page_cookie(app, username).await;
    let response = app
        .client
        .get(app.url(path))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn reminders(staff: &StaffClient) -> Vec<Value> {
    let (status, body) = staff.get("/api/v1/reminders").await;
    assert_eq!(status, 200, "{body}");
    body["reminders"].as_array().unwrap().clone()
}

async fn reminder_rows(app: &TestApp, user: i64) -> Vec<String> {
    app.store
        .reminders_for(user)
        .await
        .unwrap()
        .into_iter()
        .map(|r| format!("{} {}", r.number, r.kind))
        .collect()
}

const SIGNAL_SUBJECT: &str = "Искане на пари за ускоряване на разрешение";

#[tokio::test]
async fn reminders_about_a_corruption_signal_reach_only_designated_officers() {
    // Received Monday 2 March 2026; a corruption signal is due within two months.
    let t = town("2026-03-02T10:00:00+02:00").await;
    let app = &t.app;
    let (number, _) = app
        .registered(json!({"kind": "corruption_signal", "channel": "phone",
            "subject": SIGNAL_SUBJECT, "body": "Служител поиска пари.", "submitter": named()}))
        .await;
    // The designated clerk routes it to department 1 without naming an officer.
    app.act_as(
        "clerk_c",
        &number,
        json!({"action": "assign", "department_id": t.roads}),
    )
    .await;
    // Its answer date passes; the deadline job runs.
    app.clock.set("2026-06-15T10:00:00+03:00");
    let report = priemna_web::jobs::run_deadlines(&app.state).await.unwrap();
    assert!(
        report.ran && report.overdue == 1 && report.escalated == 1,
        "{report:?}"
    );

    // The head of department 1 and the Mayor's office may not view it: no reminder at all.
    assert!(reminder_rows(app, t.head).await.is_empty());
    assert!(reminder_rows(app, t.mayor).await.is_empty());
    for who in ["head", "mayor", "clerk", "officer", "auditor"] {
        let staff = app.login(who).await;
        assert_eq!(
            staff.get(&format!("/api/v1/cases/{number}")).await.0,
            403,
            "{who}"
        );
        assert!(reminders(&staff).await.is_empty(), "{who} is reminded");
        let (status, inbox) = page(app, who, "/staff").await;
        assert_eq!(status, 200);
        assert!(
            !inbox.contains(SIGNAL_SUBJECT),
            "{who} sees the subject on /staff"
        );
        assert!(!inbox.contains(&number), "{who} sees the number on /staff");
    }

    // The designated clerk, who may see it, is told it is overdue and escalated instead.
    let mut kinds = reminder_rows(app, t.clerk_c).await;
    kinds.sort();
    assert_eq!(
        kinds,
        vec![format!("{number} escalated"), format!("{number} overdue")]
    );
    let clerk_c = app.login("clerk_c").await;
    let listed = reminders(&clerk_c).await;
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().all(|r| r["subject"] == SIGNAL_SUBJECT));
    let (_, inbox) = page(app, "clerk_c", "/staff").await;
    assert!(inbox.contains(SIGNAL_SUBJECT));
}

#[tokio::test]
async fn reminders_about_a_complaint_never_reach_the_employee_it_is_about() {
    let t = town("2026-03-02T10:00:00+02:00").await;
    let app = &t.app;
    // A complaint about the head of department 1, routed to that department.
    let (number, _) = app
        .registered(json!({"kind": "complaint", "channel": "web", "about_employee": true,
            "about_bad_administration": true, "subject": "Грубо отношение от началника", "body": "Текст.", "submitter": named()}))
        .await;
    let clerk = app.login("clerk").await;
    let (status, body) = clerk
        .act(
            &number,
            json!({"action": "triage", "subject_employee_id": t.head}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    app.act_as(
        "clerk",
        &number,
        json!({"action": "assign", "department_id": t.roads}),
    )
    .await;
    app.clock.set("2026-06-15T10:00:00+03:00");
    let report = priemna_web::jobs::run_deadlines(&app.state).await.unwrap();
    assert!(report.ran && report.overdue == 1, "{report:?}");
    // The head (the subject, and rule 4 besides) gets nothing; the Mayor's office,
    // whose complaint it is, is told.
    assert!(reminder_rows(app, t.head).await.is_empty());
    assert!(
        reminder_rows(app, t.mayor)
            .await
            .contains(&format!("{number} escalated"))
    );
    assert!(reminders(&app.login("head").await).await.is_empty());
}

#[tokio::test]
async fn a_reminder_written_before_the_reader_was_barred_is_not_shown() {
    let t = town("2026-03-02T10:00:00+02:00").await;
    let app = &t.app;
    let subject = "Дупка на ул. „Шипка“";
    let (number, _) = app
        .registered(
            json!({"kind": "signal", "channel": "web", "subject": subject,
            "body": "Голяма дупка.", "submitter": named()}),
        )
        .await;
    app.act_as(
        "clerk",
        &number,
        json!({"action": "assign", "department_id": t.roads}),
    )
    .await;
    app.clock.set("2026-06-15T10:00:00+03:00");
    priemna_web::jobs::run_deadlines(&app.state).await.unwrap();
    // The head was reminded while the case was their department's …
    assert!(!reminder_rows(app, t.head).await.is_empty());
    let head = app.login("head").await;
    assert_eq!(reminders(&head).await.len(), 1);
    // … then the case moves to another department: the old row stays, but is not shown.
    app.act_as(
        "clerk",
        &number,
        json!({"action": "assign", "department_id": t.social}),
    )
    .await;
    assert!(!reminder_rows(app, t.head).await.is_empty());
    assert_eq!(head.get(&format!("/api/v1/cases/{number}")).await.0, 403);
    assert!(reminders(&head).await.is_empty());
    let (_, inbox) = page(app, "head", "/staff").await;
    assert!(
        !inbox.contains(subject),
        "the old reminder shows the subject"
    );
}

// ---- M2: public topics ------------------------------------------------------------------------

/// Recomputes the statistics as the job does.
async fn refresh_stats(app: &TestApp) {
    use priemna_domain::Clock;
    priemna_web::stats::refresh(app.store.as_ref(), app.clock.now())
        .await
        .unwrap();
}

/// The published topics' labels of a period, from `/statistics.json`.
async fn public_topics(app: &TestApp, from: &str, to: &str) -> Vec<(String, u64)> {
    let json = app
        .get_json(&format!("/statistics.json?from={from}&to={to}"))
        .await;
    json["topics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["label"].as_str().unwrap().to_owned(),
                t["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// Every public form of the figures for `from`–`to` (and the year's report), as text.
async fn every_public_figure(app: &TestApp, from: &str, to: &str) -> String {
    let mut all = String::new();
    for path in [
        format!("/statistics.json?from={from}&to={to}"),
        format!("/statistics?from={from}&to={to}"),
        format!("/statistics.csv?from={from}&to={to}"),
        format!("/statistics/report/{}", &from[..4]),
    ] {
        let response = app.client.get(app.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        all.push_str(&response.text().await.unwrap().to_lowercase());
    }
    let mayor = app.login("mayor").await;
    let (status, api) = mayor
        .get(&format!("/api/v1/statistics?from={from}&to={to}"))
        .await;
    assert_eq!(status, 200, "{api}");
    all.push_str(&api.to_string().to_lowercase());
    all
}

#[tokio::test]
async fn a_surname_from_complaints_about_an_employee_never_reaches_the_statistics() {
    let t = town("2026-12-01T10:00:00+02:00").await;
    let app = &t.app;
    for i in 0..6 {
        app.registered(
            json!({"kind": "complaint", "channel": "web", "about_employee": true,
            "about_bad_administration": true,
            "subject": format!("Грубо отношение от служителката Зидарова ({i})"),
            "body": "Текст.", "submitter": named()}),
        )
        .await;
    }
    refresh_stats(app).await;
    let topics = public_topics(app, "2026-12", "2026-12").await;
    assert!(
        topics.iter().all(|(l, _)| !l.contains("зидаров")),
        "{topics:?}"
    );
    let all = every_public_figure(app, "2026-12", "2026-12").await;
    assert!(!all.contains("зидаров"), "the surname is published");
    assert!(
        !all.contains("служителк"),
        "a word of the complaints is published"
    );
}

#[tokio::test]
async fn a_topic_is_published_from_five_cases_of_the_period_shown() {
    let t = town("2026-11-10T10:00:00+02:00").await;
    let app = &t.app;
    let signal = |subject: &str| {
        json!({"kind": "signal", "channel": "web", "subject": subject,
               "body": "Моля, оправете.", "submitter": named()})
    };
    // Three cases in November and three in December use "фонтан"; "пейка" is in four cases of
    // December, then a fifth.
    for _ in 0..3 {
        app.registered(signal("Счупен фонтан в парка")).await;
    }
    app.clock.set("2026-12-02T10:00:00+02:00");
    for _ in 0..3 {
        app.registered(signal("Фонтанът не работи")).await;
    }
    for _ in 0..4 {
        app.registered(signal("Счупена пейка на площада")).await;
    }
    // Words of private kinds or obscene submissions never count, however many.
    for _ in 0..5 {
        app.registered(json!({"kind": "application", "channel": "web",
            "subject": "Помощ за отопление Стоянова", "body": "Моля.", "submitter": named()}))
            .await;
    }
    refresh_stats(app).await;
    let labels = |topics: Vec<(String, u64)>| -> Vec<String> {
        topics.into_iter().map(|(l, _)| l).collect()
    };
    let december = labels(public_topics(app, "2026-12", "2026-12").await);
    assert!(
        december.iter().all(|l| !l.starts_with("пейк")),
        "4 cases: {december:?}"
    );
    assert!(
        december.iter().all(|l| !l.starts_with("фонтан")),
        "3 cases: {december:?}"
    );
    assert!(
        december
            .iter()
            .all(|l| !l.contains("стоянов") && !l.contains("отоплен"))
    );
    let november = labels(public_topics(app, "2026-11", "2026-11").await);
    assert!(
        november.iter().all(|l| !l.starts_with("фонтан")),
        "{november:?}"
    );
    // Over both months the fountain was the subject of six cases: published.
    let both = public_topics(app, "2026-11", "2026-12").await;
    assert!(
        both.iter().any(|(l, c)| l.starts_with("фонтан") && *c == 6),
        "{both:?}"
    );
    // The fifth bench.
    app.registered(signal("Пейка без дъски")).await;
    refresh_stats(app).await;
    let december = public_topics(app, "2026-12", "2026-12").await;
    assert!(
        december
            .iter()
            .any(|(l, c)| l.starts_with("пейк") && *c == 5),
        "{december:?}"
    );
    let all = every_public_figure(app, "2026-12", "2026-12").await;
    assert!(all.contains("пейк"));
    assert!(!all.contains("стоянов"));
}
