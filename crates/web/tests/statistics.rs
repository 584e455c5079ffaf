//! The statistics' measures, checked against cases whose fate is known: answered on time and
//! late, extended for an inspection, left unanswered under a charter rule, closed without an
//! answer, overdue — across the turn of a month and of a year. The cases are handled over HTTP
//! as staff and citizens would; the figures are read from the pre-aggregated cells after a
//! refresh, exactly as the pages read them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod helpers;

use helpers::{TestApp, named, spawn_app_at};
use priemna_app::stats::{StatsView, load, refresh};
use priemna_domain::stats::{Month, Period, Tally};
use priemna_domain::{Channel, Clock, DepartmentId, Kind};
use serde_json::{Value, json};

async fn submit(app: &TestApp, body: Value) -> String {
    app.registered(body).await.0
}

async fn submit_tracked(app: &TestApp, body: Value) -> (String, String) {
    app.registered(body).await
}

/// As the Mayor's office, signed in afresh for the test's moving clock.
async fn act(app: &TestApp, number: &str, action: Value) {
    app.act_as("mayor", number, action).await
}

async fn rate(app: &TestApp, number: &str, code: &str, rating: &str) {
    let response = reqwest::Client::new()
        .post(app.url("/track/survey"))
        .form(&[("number", number), ("code", code), ("rating", rating)])
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success() || response.status().is_redirection(),
        "survey: {}",
        response.status()
    );
}

async fn figures(app: &TestApp, from: &str, to: &str) -> StatsView {
    refresh(app.store.as_ref(), app.clock.now()).await.unwrap();
    let period = Period::new(Month::parse(from).unwrap(), Month::parse(to).unwrap()).unwrap();
    load(app.store.as_ref(), period).await.unwrap()
}

fn complaint() -> Value {
    json!({"kind": "complaint", "channel": "in_person_written", "subject": "Забавено удостоверение",
           "body": "Чакам от месец.", "about_bad_administration": true, "consent": true, "submitter": named()})
}

fn pothole() -> Value {
    json!({"kind": "signal", "channel": "web", "subject": "Дупка на улица Шипка",
           "body": "Голяма дупка пред №5.", "consent": true, "submitter": named()})
}

#[tokio::test]
async fn each_measure_matches_cases_whose_answers_are_known_across_the_new_year() {
    // Monday 29 December 2025.
    let app = spawn_app_at("2025-12-29T10:00:00+02:00").await;
    let roads = DepartmentId(app.add_department("Пътища").await);
    let social = DepartmentId(app.add_department("Социални дейности").await);
    app.add_staff("mayor", "mayors_office", None, false).await;

    // A: a written complaint about bad administration, due in 7 days (Monday 5 January),
    //    answered on that day: on time, 7 days. Rated 5.
    let (a, a_code) = submit_tracked(&app, complaint()).await;
    act(
        &app,
        &a,
        json!({"action": "assign", "department_id": roads}),
    )
    .await;
    // B: a signal on Tuesday 30 December, due in two months: 28 February 2026 is a Saturday,
    //    so Monday 2 March. Answered 10 March: late, 70 days. Rated 2.
    app.clock.set("2025-12-30T11:00:00+02:00");
    let (b, b_code) = submit_tracked(&app, pothole()).await;
    act(
        &app,
        &b,
        json!({"action": "assign", "department_id": roads}),
    )
    .await;

    // C: a complaint on Monday 5 January 2026 (due 12 January), extended for an inspection to
    //    30 January and answered on 28 January: on time against the extended date.
    app.clock.set("2026-01-05T09:30:00+02:00");
    act(
        &app,
        &a,
        json!({"action": "answer", "text": "Удостоверението е издадено."}),
    )
    .await;
    let c = submit(&app, complaint()).await;
    act(
        &app,
        &c,
        json!({"action": "assign", "department_id": social}),
    )
    .await;
    act(
        &app,
        &c,
        json!({"action": "require_inspection", "new_due": "2026-01-30",
               "reason": "необходима е справка от архива"}),
    )
    .await;
    // D: an anonymous signal that threatens nobody, left unanswered under the charter.
    app.clock.set("2026-01-20T10:00:00+02:00");
    let d = submit(
        &app,
        json!({"kind": "signal", "channel": "signal_box", "subject": "Нередност в отдела",
               "body": "Служителите закъсняват."}),
    )
    .await;
    act(
        &app,
        &d,
        json!({"action": "leave_unanswered", "rule": "anonymous_not_considered",
               "reason": "анонимен сигнал без заплаха за живота или здравето"}),
    )
    .await;
    // E: praise on 21 January, thanked on the 23rd: no deadline by law, so on time, 2 days.
    app.clock.set("2026-01-21T10:00:00+02:00");
    let e = submit(
        &app,
        json!({"kind": "praise", "channel": "email", "subject": "Благодарност за бързината",
               "body": "Много любезни служители.", "consent": true, "submitter": named()}),
    )
    .await;
    act(
        &app,
        &e,
        json!({"action": "assign", "department_id": social}),
    )
    .await;
    // G: a signal for another authority, forwarded and then closed: still counted forwarded.
    let g = submit(
        &app,
        json!({"kind": "signal", "channel": "phone", "subject": "Шум от магистралата",
               "body": "Шумът е непоносим.", "consent": true, "submitter": named()}),
    )
    .await;
    act(
        &app,
        &g,
        json!({"action": "forward", "body": "Агенция „Пътна инфраструктура“",
               "reason": "пътят е републикански"}),
    )
    .await;
    act(&app, &g, json!({"action": "close"})).await;
    app.clock.set("2026-01-23T10:00:00+02:00");
    act(&app, &e, json!({"action": "answer", "text": "Благодарим!"})).await;
    // F: a complaint on Thursday 22 January, due Thursday 29 January, not answered in time.
    app.clock.set("2026-01-22T10:00:00+02:00");
    let f = submit(&app, complaint()).await;
    act(
        &app,
        &f,
        json!({"action": "assign", "department_id": social}),
    )
    .await;

    app.clock.set("2026-01-28T15:00:00+02:00");
    act(
        &app,
        &c,
        json!({"action": "answer", "text": "Проверката приключи."}),
    )
    .await;

    // 10 February: the deadline job finds F overdue.
    app.clock.set("2026-02-10T09:00:00+02:00");
    priemna_app::jobs::run_deadlines(&app.state).await.unwrap();

    // 10 March: B is answered, late.
    app.clock.set("2026-03-10T12:00:00+02:00");
    act(
        &app,
        &b,
        json!({"action": "answer", "text": "Дупката е запълнена."}),
    )
    .await;
    rate(&app, &a, &a_code, "5").await;
    rate(&app, &b, &b_code, "2").await;

    // ---- 2025: A and B, both received in December.
    let y2025 = figures(&app, "2025-01", "2025-12").await;
    let total = &y2025.report.total;
    assert_eq!(total.received, 2);
    assert_eq!((total.answered, total.on_time, total.late), (2, 1, 1));
    assert_eq!((total.median_days(), total.p90_days()), (Some(7), Some(70)));
    assert_eq!(total.on_time_share(), Some(0.5));
    assert_eq!((total.rating_count(), total.mean_rating()), (2, Some(3.5)));
    assert_eq!(total.satisfied_share(), Some(0.5));
    let december = &y2025.report.by_month[11];
    assert_eq!(
        (december.0.to_string(), december.1.received),
        ("2025-12".into(), 2)
    );
    assert!(
        y2025.report.by_month[..11]
            .iter()
            .all(|(_, t)| t.is_empty())
    );
    assert_eq!(y2025.report.kind(Kind::Complaint).on_time, 1);
    assert_eq!(y2025.report.kind(Kind::Signal).late, 1);
    assert_eq!(
        y2025.report.by_department,
        vec![(Some(roads), total.clone())]
    );
    assert_eq!(y2025.department_name(Some(roads), true), "Пътища");

    // ---- 2026: C, D, E, F and G, all in January.
    let y2026 = figures(&app, "2026-01", "2026-12").await;
    let total = &y2026.report.total;
    assert_eq!(total.received, 5);
    assert_eq!((total.answered, total.on_time, total.late), (2, 2, 0));
    assert_eq!(total.extended, 1);
    assert_eq!((total.median_days(), total.p90_days()), (Some(2), Some(23)));
    assert_eq!(total.not_considered, 1);
    assert_eq!((total.forwarded, total.closed_without_answer), (1, 0));
    assert_eq!((total.overdue, total.open), (1, 0));
    // The overdue complaint counts against the charter before it is answered.
    assert_eq!(total.kept_share(), Some(2.0 / 3.0));
    assert_eq!(total.rating_count(), 0);
    assert_eq!(y2026.report.by_rule.len(), 1);
    assert_eq!(y2026.report.by_rule[0].0, "anonymous_not_considered");
    assert_eq!(y2026.report.kind(Kind::Praise).on_time, 1);
    let channel = |c: Channel| {
        y2026
            .report
            .by_channel
            .iter()
            .find(|(ch, _)| *ch == c)
            .unwrap()
            .1
            .received
    };
    assert_eq!(
        (
            channel(Channel::InPersonWritten),
            channel(Channel::SignalBox),
            channel(Channel::Email)
        ),
        (2, 1, 1)
    );
    let social_tally = department(&y2026, Some(social));
    assert_eq!((social_tally.received, social_tally.overdue), (3, 1));
    assert_eq!(
        department(&y2026, None).received,
        2,
        "D and G were never routed"
    );

    // ---- December and January together: the cells of both years merge.
    let winter = figures(&app, "2025-12", "2026-01").await;
    assert_eq!(winter.report.total.received, 7);
    assert_eq!(winter.report.total.answered, 4);
    // 2, 7, 23 and 70 days: the nearest-rank median is the second.
    assert_eq!(winter.report.total.median_days(), Some(7));
    assert_eq!(winter.report.by_month.len(), 2);

    // F is answered late: only January is recomputed, and the figures follow.
    app.clock.set("2026-03-11T10:00:00+02:00");
    act(
        &app,
        &f,
        json!({"action": "answer", "text": "Отговорено със закъснение."}),
    )
    .await;
    let stale = app.store.stale_stats_months().await.unwrap();
    assert_eq!(
        stale.iter().map(|(m, _)| m.to_string()).collect::<Vec<_>>(),
        vec!["2026-01".to_owned()]
    );
    let y2026 = figures(&app, "2026-01", "2026-12").await;
    let total = &y2026.report.total;
    assert_eq!(
        (total.answered, total.on_time, total.late, total.overdue),
        (3, 2, 1, 0)
    );
    assert_eq!(total.answer_days_percentile(1.0), Some(48));
    assert!(app.store.stale_stats_months().await.unwrap().is_empty());
    assert_eq!(app.store.stats_freshness().await.unwrap().stale_months, 0);
}

fn department(view: &StatsView, id: Option<DepartmentId>) -> Tally {
    view.report
        .by_department
        .iter()
        .find(|(d, _)| *d == id)
        .map(|(_, t)| t.clone())
        .unwrap_or_default()
}

#[tokio::test]
async fn topics_count_cases_by_word_stem_and_never_use_whistleblower_reports() {
    let app = spawn_app_at("2026-05-04T10:00:00+03:00").await;
    for subject in [
        "Дупка на улица Шипка",
        "Дупки по улица Raina Knyaginya",
        "Дупка пред училището",
        "Дупка на моста",
        "Голяма дупка",
        "Счупена пейка в парка",
    ] {
        submit(
            &app,
            json!({"kind": "signal", "channel": "web", "subject": subject,
                   "body": "Моля, оправете.", "consent": true, "submitter": named()}),
        )
        .await;
    }
    // However many whistleblowers use a word, it never counts.
    for _ in 0..5 {
        submit(
            &app,
            json!({"kind": "corruption_signal", "channel": "phone",
                   "subject": "Подкуп подкуп подкуп в отдел Строителство",
                   "body": "Служител иска пари.", "consent": true, "submitter": named()}),
        )
        .await;
    }
    let view = figures(&app, "2026-05", "2026-05").await;
    assert_eq!(view.report.total.received, 11);
    // Five cases used "дупка" in some form; "улица" (two cases) is below the threshold.
    assert_eq!(view.topics.len(), 1, "{:?}", view.topics);
    let top = &view.topics[0];
    assert_eq!((top.label.as_str(), top.count), ("дупка", 5));
    assert!(
        view.topics
            .iter()
            .all(|t| !t.label.contains("подкуп") && !t.label.contains("строителство")),
        "{:?}",
        view.topics
    );
}

#[tokio::test]
async fn a_survey_marks_its_month_stale_and_a_refresh_clears_it() {
    let app = spawn_app_at("2026-06-01T10:00:00+03:00").await;
    app.add_staff("mayor", "mayors_office", None, false).await;
    let (number, code) = submit_tracked(&app, pothole()).await;
    let roads = app.add_department("Пътища").await;
    act(
        &app,
        &number,
        json!({"action": "assign", "department_id": roads}),
    )
    .await;
    act(
        &app,
        &number,
        json!({"action": "answer", "text": "Готово."}),
    )
    .await;
    let view = figures(&app, "2026-06", "2026-06").await;
    assert_eq!(view.report.total.rating_count(), 0);
    assert!(app.store.stale_stats_months().await.unwrap().is_empty());

    rate(&app, &number, &code, "4").await;
    assert_eq!(app.store.stale_stats_months().await.unwrap().len(), 1);
    let view = figures(&app, "2026-06", "2026-06").await;
    assert_eq!(view.report.total.ratings, [0, 0, 0, 1, 0]);
    assert!(view.freshness.computed_at.is_some());
}

#[tokio::test]
async fn the_published_figures_change_when_the_statistics_job_saves_new_ones() {
    let app = spawn_app_at("2026-07-01T10:00:00+03:00").await;
    submit(&app, pothole()).await;
    refresh(app.store.as_ref(), app.clock.now()).await.unwrap();
    let received = |body: Value| body["total"]["received"].as_u64().unwrap();
    let path = "/api/v1/statistics?year=2026";
    assert_eq!(received(app.get_json(path).await), 1);

    // A new case is in the register at once, in the figures once the job has run: the page's
    // cached report is kept until then, and dropped then.
    submit(&app, pothole()).await;
    assert_eq!(received(app.get_json(path).await), 1);
    refresh(app.store.as_ref(), app.clock.now()).await.unwrap();
    assert_eq!(received(app.get_json(path).await), 2);
    // Again at the same instant (a fixed clock): the figures' generation, not the time, decides.
    submit(&app, pothole()).await;
    refresh(app.store.as_ref(), app.clock.now()).await.unwrap();
    assert_eq!(received(app.get_json(path).await), 3);
    let page = reqwest::get(app.url("/statistics?year=2026"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("<svg"), "the public page draws its charts");
}
