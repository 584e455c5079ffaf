//! H3 (rate limits off or bypassable in both documented deployments), M5 (one phone books an
//! official's whole day), L2 (no HSTS), L3 (JSON with personal data cacheable), L6 (rate-limited
//! citizens see raw JSON).

use crate::helpers::{TestApp, named, spawn_app_configured};
use priemna_web::limits::{LimitConfig, TrustedProxies};
use serde_json::{Value, json};

const NOW: &str = "2026-03-02T10:00:00+02:00";
const BOOKING_DAY: &str = "2026-03-04";

fn proposal() -> Value {
    json!({"kind": "proposal", "channel": "web", "subject": "Пейки в парка",
           "body": "Моля, поставете пейки.", "consent": true, "submitter": named()})
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Sends the proposal `times` times with `forwarded` as `X-Forwarded-For` (none when empty);
/// the statuses, in order.
async fn submit_many(app: &TestApp, times: usize, forwarded: impl Fn(usize) -> String) -> Vec<u16> {
    let mut statuses = Vec::new();
    for i in 0..times {
        let mut request = app
            .client
            .post(app.url("/api/v1/submissions"))
            .json(&proposal());
        let xff = forwarded(i);
        if !xff.is_empty() {
            request = request.header("x-forwarded-for", xff);
        }
        statuses.push(request.send().await.unwrap().status().as_u16());
    }
    statuses
}

#[tokio::test]
async fn loopback_clients_are_limited_like_everyone_else() {
    // The documented single-server setup: 127.0.0.1 behind nginx, the shipped defaults.
    let app = spawn_app_configured(NOW, |s| s.with_limits(LimitConfig::default())).await;
    let statuses = submit_many(&app, 22, |_| String::new()).await;
    assert!(statuses[..20].iter().all(|s| *s == 201), "{statuses:?}");
    assert_eq!(&statuses[20..], &[429, 429]);
    assert_eq!(app.count().await, 20);
    let logins: Vec<u16> = {
        let mut v = Vec::new();
        for _ in 0..11 {
            let r = app
                .client
                .post(app.url("/api/v1/auth/login"))
                .json(&json!({"username": "nobody", "password": "guess-guess-guess"}))
                .send()
                .await
                .unwrap();
            v.push(r.status().as_u16());
        }
        v
    };
    assert!(logins[..10].iter().all(|s| *s == 401), "{logins:?}");
    assert_eq!(logins[10], 429);
}

#[tokio::test]
async fn behind_a_proxy_the_forwarded_chain_cannot_be_rotated_or_claim_loopback() {
    let limited = LimitConfig {
        intake_per_minute: 3,
        login_per_minute: 2,
        proxies: TrustedProxies::Hops(1),
        ..LimitConfig::default()
    };
    let app = spawn_app_configured(NOW, |s| s.with_limits(limited)).await;
    // The attacker writes a new left-most address each time; nginx appends the real one.
    let rotated = submit_many(&app, 5, |i| format!("1.2.3.{i}, 203.0.113.7")).await;
    assert_eq!(rotated, [201, 201, 201, 429, 429]);
    // Claiming loopback does not exempt anyone.
    let loopback = submit_many(&app, 4, |_| "127.0.0.1, 198.51.100.20".to_owned()).await;
    assert_eq!(loopback, [201, 201, 201, 429]);
    // A citizen behind the same proxy is not affected by either.
    assert_eq!(
        submit_many(&app, 1, |_| "192.0.2.44".to_owned()).await,
        [201]
    );
    // Sign-in: rotating the forged part gives no more attempts.
    let mut logins = Vec::new();
    for i in 0..3 {
        let r = app
            .client
            .post(app.url("/api/v1/auth/login"))
            .header("x-forwarded-for", format!("10.9.8.{i}, 203.0.113.9"))
            .json(&json!({"username": "nobody", "password": "guess-guess-guess"}))
            .send()
            .await
            .unwrap();
        logins.push(r.status().as_u16());
    }
    assert_eq!(logins, [401, 401, 429]);
}

#[tokio::test]
async fn without_a_trusted_proxy_a_forwarded_header_is_ignored() {
    let app = spawn_app_configured(NOW, |s| {
        s.with_limits(LimitConfig {
            intake_per_minute: 2,
            ..LimitConfig::default()
        })
    })
    .await;
    let statuses = submit_many(&app, 3, |i| format!("203.0.113.{i}")).await;
    assert_eq!(statuses, [201, 201, 429]);
}

#[tokio::test]
async fn a_rate_limited_citizen_or_clerk_gets_a_page_in_their_language_not_json() {
    let app = spawn_app_configured(NOW, |s| {
        s.with_limits(LimitConfig {
            intake_per_minute: 1,
            login_per_minute: 1,
            ..LimitConfig::default()
        })
    })
    .await;
    let client = no_redirects();
    let form = [("kind", "signal"), ("subject", "x")];
    // The first is let through (and refused by the form's own checks); the second is limited.
    client
        .post(app.url("/submit"))
        .form(&form)
        .send()
        .await
        .unwrap();
    let limited = client
        .post(app.url("/submit"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(limited.status(), 429);
    assert!(limited.headers().contains_key("retry-after"));
    let content_type = limited.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let page = limited.text().await.unwrap();
    assert!(
        page.contains("Твърде много заявки") && page.contains("„Назад“"),
        "{page}"
    );
    assert!(page.contains(r#"lang="bg""#));

    let english = client
        .post(app.url("/submit"))
        .header("cookie", "priemna_lang=en")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(english.status(), 429);
    let page = english.text().await.unwrap();
    assert!(
        page.contains("Too many requests") && page.contains("Back button"),
        "{page}"
    );

    for _ in 0..2 {
        let response = client
            .post(app.url("/staff/login"))
            .form(&[("username", "nobody"), ("password", "guess-guess-guess")])
            .send()
            .await
            .unwrap();
        if response.status() == 429 {
            let content_type = response.headers()["content-type"]
                .to_str()
                .unwrap()
                .to_owned();
            assert!(content_type.starts_with("text/html"), "{content_type}");
            assert!(
                response
                    .text()
                    .await
                    .unwrap()
                    .contains("Твърде много опити")
            );
            return;
        }
    }
    panic!("the second sign-in was not limited");
}

async fn book(app: &TestApp, official: &str, slot: &str, phone: &str) -> (u16, String) {
    let response = no_redirects()
        .post(app.url("/reception"))
        .form(&[
            ("official", official),
            ("day", BOOKING_DAY),
            ("slot", slot),
            ("name", "Flood Bot"),
            ("phone", phone),
            ("consent", "on"),
        ])
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

#[tokio::test]
async fn one_phone_cannot_book_an_officials_whole_day() {
    let app = spawn_app_configured(NOW, |s| {
        s.with_limits(LimitConfig {
            bookings_per_day: 100,
            ..LimitConfig::off()
        })
    })
    .await;
    let (status, body) = book(&app, "secretary", "10:00", "0888000000").await;
    assert_eq!(status, 303, "booked, and sent to the confirmation: {body}");
    // The review's flood: the same name and phone, slot after slot.
    for slot in ["10:20", "10:40", "11:00"] {
        let (status, body) = book(&app, "secretary", slot, "0888 000 000").await;
        assert_eq!(status, 409, "{body}");
        assert!(body.contains(r#"id="phone-error""#), "{body}");
        assert!(
            body.contains("10:00"),
            "the page names the visit already held"
        );
    }
    // Another official, or another phone, is fine.
    assert_eq!(book(&app, "mayor", "10:20", "0888000000").await.0, 303);
    assert_eq!(book(&app, "secretary", "10:20", "0888000001").await.0, 303);
}

#[tokio::test]
async fn one_connection_books_only_a_few_visits_a_day_whatever_phones_it_types() {
    let app = spawn_app_configured(NOW, |s| {
        s.with_limits(LimitConfig {
            bookings_per_day: 2,
            proxies: TrustedProxies::Hops(1),
            ..LimitConfig::off()
        })
    })
    .await;
    let from = |xff: &'static str, slot: &'static str, phone: &'static str| {
        no_redirects()
            .post(app.url("/reception"))
            .header("x-forwarded-for", xff)
            .form(&[
                ("official", "mayor"),
                ("day", BOOKING_DAY),
                ("slot", slot),
                ("name", "Flood Bot"),
                ("phone", phone),
                ("consent", "on"),
            ])
            .send()
    };
    assert_eq!(
        from("203.0.113.7", "09:00", "0888000011")
            .await
            .unwrap()
            .status(),
        303
    );
    assert_eq!(
        from("203.0.113.7", "09:20", "0888000012")
            .await
            .unwrap()
            .status(),
        303
    );
    let third = from("203.0.113.7", "09:40", "0888000013").await.unwrap();
    assert_eq!(third.status(), 429);
    let page = third.text().await.unwrap();
    assert!(
        page.contains(r#"id="slot-error""#) && page.contains("деловодството"),
        "{page}"
    );
    // The slot stays free for someone else.
    assert_eq!(
        from("198.51.100.3", "09:40", "0888000014")
            .await
            .unwrap()
            .status(),
        303
    );
}

#[tokio::test]
async fn https_answers_carry_hsts_and_api_json_is_never_cached() {
    let plain = spawn_app_configured(NOW, |s| s).await;
    let response = plain.client.get(plain.url("/")).send().await.unwrap();
    assert!(!response.headers().contains_key("strict-transport-security"));
    assert!(response.headers().contains_key("permissions-policy"));
    assert_eq!(
        response.headers()["cross-origin-opener-policy"],
        "same-origin"
    );
    // A client cannot switch HSTS on by claiming HTTPS when no proxy is trusted.
    let claimed = plain
        .client
        .get(plain.url("/"))
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap();
    assert!(!claimed.headers().contains_key("strict-transport-security"));

    let https = spawn_app_configured(NOW, |s| s.with_https(true)).await;
    for path in ["/", "/api/v1/kinds", "/staff/login", "/no-such-page"] {
        let response = https.client.get(https.url(path)).send().await.unwrap();
        let hsts = response.headers()["strict-transport-security"]
            .to_str()
            .unwrap();
        assert!(hsts.starts_with("max-age=31536000"), "{path}: {hsts}");
    }

    // The tracking view of a case (with the submitter's export) and the staff's personal-data
    // answer are not kept by any cache.
    let (number, code) = plain.registered(proposal()).await;
    for path in [
        format!("/api/v1/submissions/{number}?tracking_code={code}"),
        format!("/api/v1/submissions/{number}/export?tracking_code={code}"),
    ] {
        let response = plain.client.get(plain.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-store", "{path}");
    }
}

#[tokio::test]
async fn citizens_cannot_claim_a_channel_only_the_registry_registers() {
    let app = spawn_app_configured(NOW, |s| s).await;
    // The review's request: a citizen claiming to have handed in a written complaint, which
    // would change the deadline and print a paper receipt.
    let claim = json!({"kind": "complaint", "channel": "in_person_written",
                       "about_bad_administration": true, "subject": "Забавено удостоверение",
                       "body": "Чакам от месец.", "consent": true, "submitter": named()});
    for channel in [
        "in_person_written",
        "in_person_oral",
        "post",
        "signal_box",
        "phone",
    ] {
        let mut body = claim.clone();
        body["channel"] = json!(channel);
        let response = app
            .client
            .post(app.url("/api/v1/submissions"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{channel}");
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["error"]["code"], "staff_only");
        assert_eq!(error["error"]["fields"][0]["field"], "channel");
        assert_eq!(error["error"]["fields"][0]["code"], "staff_only_channel");
    }
    assert_eq!(app.count().await, 0);
    // A case officer may not either; the registry clerk may, and is named as who entered it.
    let department = app.add_department("Пътища").await;
    app.add_staff("officer", "case_officer", Some(department), false)
        .await;
    let officer = app.login("officer").await;
    let refused = app
        .client
        .post(app.url("/api/v1/submissions"))
        .bearer_auth(&officer.token)
        .json(&claim)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let (status, receipt) = app.submit(claim.clone()).await;
    assert_eq!(status, 201, "{receipt}");
    assert_eq!(receipt["channel"], "in_person_written");
    // Online channels stay open to everyone.
    let (status, _) = app.submit(proposal()).await;
    assert_eq!(status, 201);
}

#[tokio::test]
async fn the_portal_forms_own_address_is_a_limited_door_too() {
    // The form posts to /submit/send (so that Back finds the form); a limit on /submit alone
    // would leave the citizens' main door open.
    let app = spawn_app_configured(NOW, |s| {
        s.with_limits(LimitConfig {
            intake_per_minute: 2,
            ..LimitConfig::default()
        })
    })
    .await;
    let form = app.client.get(app.url("/submit")).send().await.unwrap();
    let page = form.text().await.unwrap();
    assert!(page.contains(r#"action="/submit/send""#));
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let response = no_redirects()
            .post(app.url("/submit/send"))
            .form(&[("kind", "signal")])
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses[2], 429, "{statuses:?}");
}
