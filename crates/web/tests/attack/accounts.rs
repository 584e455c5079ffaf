//! See `main.rs`. Accounts (M3, M4, L4, L5, L7 and I2's password change): a designation for
//! corruption signals, a role that handles cases and any change to an administrator's own
//! account wait for a second administrator; wrong passwords refuse only the address they come
//! from, with growing waits, the owner is told, and unknown names get the same answers;
//! administrators unlock and reset; guessable passwords,
//! cross-site sign-ins and the staff list for everyone are refused.

use crate::helpers::{PASSWORD, StaffClient, TestApp, spawn_app_at, spawn_app_configured};
use crate::mailsink::MailSink;
use priemna_app::accounts::{Changer, StaffDraft, create_user};
use priemna_app::notify::{SmtpConfig, TlsMode, WorkerConfig};
use priemna_store::MessageKind;
use serde_json::{Value, json};
use std::time::Duration;

const NOW: &str = "2026-12-04T15:00:00Z";

/// A municipality with two administrators, a designated officer (with an e-mail address), a
/// case officer in a department, and a corruption signal from a named person.
struct Town {
    app: TestApp,
    admin: StaffClient,
    admin2: StaffClient,
    roads: i64,
    officer_id: i64,
    number: String,
}

async fn add(app: &TestApp, username: &str, role: &str, department: Option<i64>, officer: bool) {
    let draft = StaffDraft {
        username: username.into(),
        display_name: format!("Служител {username}"),
        role: role.into(),
        password: PASSWORD.into(),
        department_id: department.map(priemna_domain::DepartmentId),
        corruption_officer: officer,
        email: Some(format!("{username}@haskovo.bg")),
    };
    create_user(&app.state, Changer::Operator("cli:test"), &draft)
        .await
        .unwrap();
}

async fn town() -> Town {
    // Many sign-ins from one address: the per-address limit (a door of its own) is off here.
    let app = spawn_app_configured(NOW, |mut state| {
        // Behind one proxy: tests sign in from the addresses it forwards.
        state.limits = priemna_web::limits::Limits::new(priemna_web::limits::LimitConfig {
            login_per_minute: 0,
            intake_per_minute: 0,
            proxies: priemna_web::limits::TrustedProxies::Hops(1),
            ..Default::default()
        });
        state
    })
    .await;
    let roads = app.add_department("Пътища").await;
    add(&app, "admin", "administrator", None, false).await;
    add(&app, "admin2", "administrator", None, false).await;
    add(&app, "clerk", "registry_clerk", None, true).await;
    add(&app, "eco", "case_officer", Some(roads), false).await;
    let officer_id = app
        .store
        .user_by_username("eco")
        .await
        .unwrap()
        .unwrap()
        .id
        .0;
    let (number, _) = app
        .registered(json!({"kind": "corruption_signal", "channel": "phone",
            "subject": "Подкуп", "body": "Служител поиска пари за разрешение.",
            "consent": true, "submitter": crate::helpers::named()}))
        .await;
    let admin = app.login("admin").await;
    let admin2 = app.login("admin2").await;
    Town {
        app,
        admin,
        admin2,
        roads,
        officer_id,
        number,
    }
}

/// A raw sign-in through the API: status, content type and the body's bytes.
async fn api_login(app: &TestApp, username: &str, password: &str) -> (u16, String, Vec<u8>) {
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let kind = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, kind, response.bytes().await.unwrap().to_vec())
}

async fn journal_actions(app: &TestApp) -> Vec<(String, String, Value)> {
    app.store
        .journal(0, 10_000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| {
            let details = serde_json::from_str(&e.details).unwrap_or(Value::Null);
            (e.actor, e.action, details)
        })
        .collect()
}

fn worker_config(port: u16) -> WorkerConfig {
    let mut config = WorkerConfig::new(SmtpConfig {
        host: "127.0.0.1".into(),
        port: Some(port),
        tls: TlsMode::None,
        username: None,
        password: None,
        timeout: Duration::from_secs(5),
    });
    config.poll = Duration::from_millis(200);
    config
}

#[tokio::test]
async fn one_administrator_alone_cannot_designate_an_officer_to_read_sealed_identities() {
    let t = town().await;
    // The review's request, as `admin`: the account is created, the designation is not.
    let (status, created) = t
        .admin
        .post(
            "/api/v1/users",
            json!({"username": "shadow", "display_name": "Сянка", "role": "registry_clerk",
                   "corruption_officer": true, "password": PASSWORD,
                   "email": "shadow@haskovo.bg"}),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    // Neither designated nor even able to sign in (a clerk handles cases) until approved.
    assert_eq!(created["corruption_officer"], false, "{created}");
    assert_eq!(created["active"], false, "{created}");
    let change = created["pending_change"]["id"].as_i64().unwrap();
    assert_eq!(created["pending_change"]["state"], "pending");
    assert_eq!(
        created["pending_change"]["after"]["corruption_officer"],
        true
    );
    assert_eq!(api_login(&t.app, "shadow", PASSWORD).await.0, 401);

    // The one who asked cannot approve, however they try.
    let approve = format!("/api/v1/user-changes/{change}/approve");
    let (status, body) = t.admin.post(&approve, json!({})).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(api_login(&t.app, "shadow", PASSWORD).await.0, 401);
    // Nor can the person concerned approve their own designation.
    let (_, listed) = t.admin2.get("/api/v1/user-changes").await;
    assert_eq!(listed["changes"][0]["id"], change, "{listed}");
    assert_eq!(listed["changes"][0]["requested_by_name"], "Служител admin");

    // A second administrator approves; the designated officers and the person concerned are
    // told, by e-mail, through the outbox queued with the change.
    let mail_dir = tempfile::tempdir().unwrap();
    let sink = MailSink::start_anywhere(mail_dir.path(), &[]);
    let worker =
        priemna_app::notify::spawn_worker(t.app.state.app.clone(), worker_config(sink.port))
            .unwrap();
    let (status, decided) = t.admin2.post(&approve, json!({})).await;
    assert_eq!(status, 200, "{decided}");
    assert_eq!(decided["change"]["state"], "applied");
    let shadow = t.app.login("shadow").await;
    let identity = format!("/api/v1/cases/{}/personal-data", t.number);
    let (status, body) = shadow.get(&identity).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["submitter"]["name"], "Иван Петров");

    // (The outbox also held the citizen's receipt of the signal and the clerk's notice of their
    // own designation, when the town was set up.)
    let messages = sink.wait_for(4, Duration::from_secs(20)).await;
    let notices: Vec<&Value> = messages
        .iter()
        .filter(|m| {
            m["headers"]["subject"]
                .as_str()
                .is_some_and(|s| s.contains("Designation for corruption signals changed"))
                && m["text"]
                    .as_str()
                    .is_some_and(|t| t.contains("Сянка (shadow) was designated"))
        })
        .collect();
    let mut recipients: Vec<String> = notices
        .iter()
        .flat_map(|m| m["rcpt_tos"].as_array().unwrap().clone())
        .map(|r| r.as_str().unwrap().to_owned())
        .collect();
    recipients.sort();
    assert_eq!(recipients, ["clerk@haskovo.bg", "shadow@haskovo.bg"]);
    let text = notices[0].to_string();
    assert!(text.contains("shadow"), "{text}");
    worker.stop(Duration::from_secs(5)).await;

    // A decided change cannot be decided again; every step is in the journal.
    assert_eq!(t.admin2.post(&approve, json!({})).await.0, 409);
    let actions: Vec<String> = journal_actions(&t.app)
        .await
        .into_iter()
        .map(|(_, a, _)| a)
        .collect();
    for action in [
        "user_change_requested",
        "user_change_approved",
        "user_update",
    ] {
        assert!(actions.iter().any(|a| a == action), "{action}: {actions:?}");
    }
}

#[tokio::test]
async fn a_role_that_handles_cases_and_a_rejected_change_are_never_applied_alone() {
    let t = town().await;
    let (status, created) = t
        .admin
        .post(
            "/api/v1/users",
            json!({"username": "spare", "display_name": "Резерва", "role": "auditor",
                   "password": "Spare-account-2026"}),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    let (status, pending) = t
        .admin
        .send(
            reqwest::Method::PATCH,
            &format!("/api/v1/users/{id}"),
            json!({"role": "mayors_office"}),
        )
        .await;
    assert_eq!(status, 202, "{pending}");
    let change = pending["pending"]["id"].as_i64().unwrap();
    let spare = t
        .app
        .store
        .user_by_id(priemna_domain::UserId(id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(spare.role.as_str(), "auditor");
    let (status, decided) = t
        .admin2
        .post(&format!("/api/v1/user-changes/{change}/reject"), json!({}))
        .await;
    assert_eq!(status, 200, "{decided}");
    assert_eq!(decided["change"]["state"], "rejected");
    let spare = t
        .app
        .store
        .user_by_id(priemna_domain::UserId(id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(spare.role.as_str(), "auditor");
    assert!(
        journal_actions(&t.app)
            .await
            .iter()
            .any(|(_, a, _)| a == "user_change_rejected")
    );
    // Taking a designation away is immediate (it only narrows access).
    let clerk = t
        .app
        .store
        .user_by_username("clerk")
        .await
        .unwrap()
        .unwrap();
    let (status, body) = t
        .admin
        .send(
            reqwest::Method::PATCH,
            &format!("/api/v1/users/{}", clerk.id),
            json!({"corruption_officer": false}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["corruption_officer"], false);
}

#[tokio::test]
async fn an_administrators_changes_to_their_own_account_wait_for_another() {
    let t = town().await;
    let me = t.admin.id;
    for change in [
        json!({"corruption_officer": true}),
        json!({"role": "registry_clerk"}),
        json!({"active": false}),
        json!({"email": "me@example.org"}),
    ] {
        let (status, body) = t
            .admin
            .send(
                reqwest::Method::PATCH,
                &format!("/api/v1/users/{me}"),
                change.clone(),
            )
            .await;
        assert_eq!(status, 202, "{change}: {body}");
        assert_eq!(
            body["message_en"],
            "The change waits for another administrator's approval."
        );
    }
    let (status, body) = t
        .admin
        .post(&format!("/api/v1/users/{me}/password-reset"), json!({}))
        .await;
    assert_eq!(status, 202, "a reset of one's own password: {body}");
    // Another administrator's password, too: whoever holds it could approve as them.
    let (status, body) = t
        .admin
        .post(
            &format!("/api/v1/users/{}/password-reset", t.admin2.id),
            json!({}),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    let mine = t
        .app
        .store
        .user_by_id(priemna_domain::UserId(me))
        .await
        .unwrap()
        .unwrap();
    assert!(!mine.corruption_officer && mine.active);
    assert_eq!(mine.role.as_str(), "administrator");
    // None of it can be approved by the one who asked.
    let (_, listed) = t.admin.get("/api/v1/user-changes").await;
    let changes = listed["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 6, "{listed}");
    for c in changes {
        let path = format!("/api/v1/user-changes/{}/approve", c["id"]);
        assert_eq!(t.admin.post(&path, json!({})).await.0, 403, "{c}");
    }
    // admin2 approves the reset of admin's password and gets the one-time password.
    let reset = changes
        .iter()
        .find(|c| c["reset_password"] == true && c["user_id"] == me)
        .unwrap();
    let (status, decided) = t
        .admin2
        .post(
            &format!("/api/v1/user-changes/{}/approve", reset["id"]),
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{decided}");
    let one_time = decided["one_time_password"].as_str().unwrap();
    assert_eq!(api_login(&t.app, "admin", PASSWORD).await.0, 401);
    assert_eq!(api_login(&t.app, "admin", one_time).await.0, 200);
}

#[tokio::test]
async fn the_only_administrator_is_sent_to_the_command_line() {
    let app = spawn_app_at(NOW).await;
    add(&app, "admin", "administrator", None, false).await;
    add(&app, "clerk", "registry_clerk", None, false).await;
    let admin = app.login("admin").await;
    let clerk = app.store.user_by_username("clerk").await.unwrap().unwrap();
    let (status, body) = admin
        .send(
            reqwest::Method::PATCH,
            &format!("/api/v1/users/{}", clerk.id),
            json!({"corruption_officer": true}),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    let id = body["pending"]["id"].as_i64().unwrap();
    assert!(
        body["message_en"]
            .as_str()
            .unwrap()
            .contains(&format!("priemna user approve {id}")),
        "{body}"
    );
    // What `priemna user approve ID` does: the operator on the server decides.
    let (change, _) =
        priemna_app::accounts::decide_change(&app.state, Changer::Operator("cli:root"), id, true)
            .await
            .unwrap();
    assert_eq!(change.state, priemna_store::StaffChangeState::Applied);
    let clerk = app.store.user_by_id(clerk.id).await.unwrap().unwrap();
    assert!(clerk.corruption_officer);
}

/// Two places a member of staff may sign in from, as the trusted proxy forwards them.
const GUESSER: &str = "203.0.113.66";
const OWNER: &str = "198.51.100.7";

/// What a sign-in was answered with: status, `Retry-After`, the JSON body.
#[derive(Debug, PartialEq)]
struct Answer {
    status: u16,
    retry_after: Option<String>,
    body: Value,
}

/// A sign-in through the API from the client `from` (forwarded by the trusted proxy).
async fn api_login_from(app: &TestApp, from: &str, username: &str, password: &str) -> Answer {
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("x-forwarded-for", from)
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap();
    Answer {
        status: response.status().as_u16(),
        retry_after: response
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap().to_owned()),
        body: response.json().await.unwrap(),
    }
}

/// A sign-in through the page from `from`: status, `Retry-After`, where it leads, the cookie
/// it sets, the page.
async fn page_login_from(
    app: &TestApp,
    from: &str,
    username: &str,
    password: &str,
) -> (u16, Option<String>, String, Option<String>, String) {
    let response = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(app.url("/staff/login"))
        .header("x-forwarded-for", from)
        .form(&[("username", username), ("password", password)])
        .send()
        .await
        .unwrap();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let retry = header("retry-after");
    let location = header("location").unwrap_or_default();
    let cookie = header("set-cookie").map(|c| c.split(';').next().unwrap().to_owned());
    (
        response.status().as_u16(),
        retry,
        location,
        cookie,
        response.text().await.unwrap_or_default(),
    )
}

fn refused_message(answer: &Answer) -> &str {
    assert_eq!(answer.status, 429, "{answer:?}");
    assert_eq!(
        answer.body["error"]["code"], "sign_in_refused",
        "{answer:?}"
    );
    answer.body["error"]["message_bg"].as_str().unwrap()
}

#[tokio::test]
async fn guessing_from_one_address_never_keeps_the_owner_out_and_the_owner_is_told() {
    let t = town().await;
    // Ten wrong passwords from the guesser's address: four are answered as wrong, the fifth
    // and the rest with a refusal of that address.
    for attempt in 1..=10 {
        let answer = api_login_from(&t.app, GUESSER, "eco", "not the password").await;
        if attempt < 5 {
            assert_eq!(answer.status, 401, "attempt {attempt}: {answer:?}");
        } else {
            refused_message(&answer);
        }
    }
    // The owner, elsewhere, signs in through the page with the right password at once …
    let (status, _, location, cookie, _) = page_login_from(&t.app, OWNER, "eco", PASSWORD).await;
    assert_eq!((status, location.as_str()), (303, "/staff"));
    // … and the start page tells of the ten attempts: how many, when the last was, from where.
    let start = t
        .app
        .client
        .get(t.app.url("/staff"))
        .header("cookie", cookie.unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(start.status(), 200);
    let start = start.text().await.unwrap();
    let notice = start
        .split("id=\"failed-sign-ins\"")
        .nth(1)
        .expect("the start page tells of the failed sign-ins");
    assert!(notice.contains("10 неуспешни опита"), "{notice}");
    assert!(notice.contains("04.12.2026 17:00"), "{notice}");
    assert!(notice.contains(GUESSER), "{notice}");
    // Told once: the next sign-in has nothing to tell (the API says it as the page does).
    let again = api_login_from(&t.app, OWNER, "eco", PASSWORD).await;
    assert_eq!(again.status, 200);
    assert!(again.body.get("failed_sign_ins").is_none(), "{again:?}");
    // The guesser's address is still refused; the failures and refusals are in the journal,
    // with the address they came from.
    refused_message(&api_login_from(&t.app, GUESSER, "eco", PASSWORD).await);
    let journal = journal_actions(&t.app).await;
    let from_guesser = |action: &str| {
        journal
            .iter()
            .filter(|(actor, a, d)| {
                a == action && actor == &format!("user:{}", t.officer_id) && d["client"] == GUESSER
            })
            .count()
    };
    assert_eq!(from_guesser("login_failed"), 5);
    assert_eq!(from_guesser("login_refused"), 6);

    // The API tells the owner too, at the next sign-in after more attempts.
    api_login_from(&t.app, "192.0.2.44", "eco", "still not it").await;
    let told = api_login_from(&t.app, OWNER, "eco", PASSWORD).await;
    assert_eq!(told.status, 200);
    assert_eq!(told.body["failed_sign_ins"]["count"], 2, "{told:?}");
    assert_eq!(told.body["failed_sign_ins"]["last_from"], "192.0.2.44");
}

#[tokio::test]
async fn a_refused_address_is_told_when_to_try_again_and_each_wait_is_longer() {
    let t = town().await;
    for _ in 0..5 {
        api_login_from(&t.app, GUESSER, "eco", "not the password").await;
    }
    // The right password from the refused address: refused, with the time to try again (the
    // clock says 15:00 UTC, 17:00 in Haskovo; the first wait is a minute).
    let answer = api_login_from(&t.app, GUESSER, "eco", PASSWORD).await;
    let message = refused_message(&answer);
    assert!(
        message.contains("Опитайте отново след 17:01 ч."),
        "{message}"
    );
    assert_eq!(answer.retry_after.as_deref(), Some("60"));
    // The page says the same, as a page, never a 5xx.
    let (status, retry, _, cookie, page) = page_login_from(&t.app, GUESSER, "eco", PASSWORD).await;
    assert_eq!((status, retry.as_deref(), cookie), (429, Some("60"), None));
    assert!(page.contains("Опитайте отново след 17:01 ч."), "{page}");
    assert!(page.contains("<form"), "the form is there to try again");

    // After the wait the right password opens the account from there, and the failures from
    // that address are forgotten.
    t.app.clock.set("2026-12-04T15:01:01Z");
    assert_eq!(
        api_login_from(&t.app, GUESSER, "eco", PASSWORD)
            .await
            .status,
        200
    );
    for attempt in 1..=4 {
        let answer = api_login_from(&t.app, GUESSER, "eco", "not the password").await;
        assert_eq!(answer.status, 401, "attempt {attempt} after a success");
    }

    // Each wrong password after a wait waits twice as long: 1, 2, 4 minutes …
    let wait_after_failure = |now: &'static str| {
        let app = &t.app;
        async move {
            app.clock.set(now);
            let answer = api_login_from(app, GUESSER, "eco", "not the password").await;
            refused_message(&answer);
            answer.retry_after.unwrap().parse::<u64>().unwrap()
        }
    };
    assert_eq!(wait_after_failure("2026-12-04T15:02:00Z").await, 60);
    assert_eq!(wait_after_failure("2026-12-04T15:03:00Z").await, 120);
    assert_eq!(wait_after_failure("2026-12-04T15:05:00Z").await, 240);
    let answer = api_login_from(&t.app, GUESSER, "eco", PASSWORD).await;
    assert!(refused_message(&answer).contains("17:09 ч."), "{answer:?}");
    // … at most an hour.
    let mut now: jiff::Timestamp = "2026-12-04T15:09:00Z".parse().unwrap();
    let mut waits = Vec::new();
    for _ in 0..5 {
        let answer = {
            t.app.clock.set(&now.to_string());
            api_login_from(&t.app, GUESSER, "eco", "not the password").await
        };
        let wait: i64 = answer.retry_after.unwrap().parse().unwrap();
        waits.push(wait / 60);
        now = now
            .checked_add(jiff::SignedDuration::from_secs(wait))
            .unwrap();
    }
    assert_eq!(waits, [8, 16, 32, 60, 60]);

    // An IPv6 client is one /64: another address in it is refused too, another /64 is not.
    for _ in 0..5 {
        api_login_from(&t.app, "2001:db8:1:2::1", "clerk", "not the password").await;
    }
    refused_message(&api_login_from(&t.app, "2001:db8:1:2:ffff::5", "clerk", PASSWORD).await);
    assert_eq!(
        api_login_from(&t.app, "2001:db8:1:3::1", "clerk", PASSWORD)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn guessing_from_many_addresses_makes_each_wait_after_one_failure_but_not_the_owner() {
    let t = town().await;
    // Five addresses fail once each: answered as wrong passwords.
    for i in 1..=5 {
        let answer = api_login_from(&t.app, &format!("192.0.2.{i}"), "eco", "guess").await;
        assert_eq!(answer.status, 401, "address {i}: {answer:?}");
    }
    // From then on, within the hour, each new address waits after its first failure …
    let sixth = api_login_from(&t.app, "192.0.2.6", "eco", "guess").await;
    refused_message(&sixth);
    assert_eq!(sixth.retry_after.as_deref(), Some("60"));
    // … while the first try from an address is always checked: the owner gets in.
    assert_eq!(
        api_login_from(&t.app, OWNER, "eco", PASSWORD).await.status,
        200
    );
    // Another account is not affected.
    assert_eq!(
        api_login_from(&t.app, "192.0.2.6", "clerk", "guess")
            .await
            .status,
        401
    );
}

#[tokio::test]
async fn the_owner_is_mailed_once_a_day_about_refused_addresses_not_per_attempt() {
    let t = town().await;
    let mails = |app: &TestApp| {
        let store = app.store.clone();
        async move {
            store
                .outbox(&priemna_store::OutboxFilter {
                    limit: 1000,
                    ..Default::default()
                })
                .await
                .unwrap()
                .into_iter()
                .filter(|m| m.kind == MessageKind::SignInNotice)
                .map(|m| (m.recipient, m.subject))
                .collect::<Vec<_>>()
        }
    };
    // Ten attempts, a second refusal after the first wait, and a second address refused.
    for _ in 0..10 {
        api_login_from(&t.app, GUESSER, "eco", "not the password").await;
    }
    t.app.clock.set("2026-12-04T15:02:00Z");
    api_login_from(&t.app, GUESSER, "eco", "not the password").await;
    for _ in 0..6 {
        api_login_from(&t.app, "192.0.2.44", "eco", "not the password").await;
    }
    let sent = mails(&t.app).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].0, "eco@haskovo.bg");
    assert!(sent[0].1.contains("Неуспешни опити за вход"), "{sent:?}");
    // The journal says which failure the owner was mailed about.
    let mailed = journal_actions(&t.app)
        .await
        .into_iter()
        .filter(|(_, a, d)| a == "login_failed" && d["owner_mailed"] == true)
        .count();
    assert_eq!(mailed, 1);

    // A day later, a new refusal is mailed again.
    t.app.clock.set("2026-12-05T15:03:00Z");
    for _ in 0..5 {
        api_login_from(&t.app, GUESSER, "eco", "not the password").await;
    }
    assert_eq!(mails(&t.app).await.len(), 2);
}

#[tokio::test]
async fn a_name_that_is_no_account_gets_the_same_answers() {
    let t = town().await;
    let mut answers = Vec::new();
    // The same attempts from the same kind of place: a real account and a made-up name.
    for (username, from) in [("eco", GUESSER), ("nosuch_x", "192.0.2.44")] {
        let mut seen = Vec::new();
        for _ in 0..7 {
            seen.push(api_login_from(&t.app, from, username, "not the password").await);
        }
        seen.push(api_login_from(&t.app, from, username, PASSWORD).await);
        let (status, retry, _, _, page) = page_login_from(&t.app, from, username, PASSWORD).await;
        let page = page.replace(&format!("value=\"{username}\""), "value=\"?\"");
        answers.push((seen, status, retry, page));
    }
    assert_eq!(answers[0], answers[1]);
    let (seen, status, _, page) = &answers[0];
    assert_eq!(seen[0].status, 401);
    refused_message(&seen[7]);
    assert_eq!(*status, 429);
    assert!(page.contains("Опитайте отново след 17:01 ч."), "{page}");

    // After the wait, each is answered again as a wrong password, and waits twice as long.
    t.app.clock.set("2026-12-04T15:01:30Z");
    let eco = api_login_from(&t.app, GUESSER, "eco", "not the password").await;
    let nosuch = api_login_from(&t.app, "192.0.2.44", "nosuch_x", "not the password").await;
    assert_eq!(eco, nosuch);
    assert_eq!(eco.retry_after.as_deref(), Some("120"));
    // Nothing typed as a name is kept (it may be a password typed in the wrong field).
    let journal = serde_json::to_string(&journal_actions(&t.app).await).unwrap();
    assert!(!journal.contains("nosuch_x"));
}

#[tokio::test]
async fn administrators_unlock_and_reset_passwords_and_the_journal_keeps_both() {
    let t = town().await;
    for _ in 0..5 {
        api_login(&t.app, "eco", "not the password").await;
    }
    assert_eq!(api_login(&t.app, "eco", PASSWORD).await.0, 429);
    let (status, body) = t
        .admin
        .post(&format!("/api/v1/users/{}/unlock", t.officer_id), json!({}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(api_login(&t.app, "eco", PASSWORD).await.0, 200);

    // A reset: a one-time password, shown once; the old one and its sessions end.
    let old = t.app.login("eco").await;
    let (status, body) = t
        .admin
        .post(
            &format!("/api/v1/users/{}/password-reset", t.officer_id),
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let one_time = body["one_time_password"].as_str().unwrap().to_owned();
    assert_eq!(body["user"]["must_change_password"], true);
    assert_eq!(old.get("/api/v1/auth/me").await.0, 401);
    assert_eq!(api_login(&t.app, "eco", PASSWORD).await.0, 401);
    let (status, _, signed_in) = api_login(&t.app, "eco", &one_time).await;
    assert_eq!(status, 200);
    let signed_in: Value = serde_json::from_slice(&signed_in).unwrap();
    let token = signed_in["token"].as_str().unwrap();
    let eco = |path: &str| t.app.client.get(t.app.url(path)).bearer_auth(token).send();
    // Nothing but changing the password until it is changed.
    assert_eq!(eco("/api/v1/cases").await.unwrap().status(), 403);
    let changed = t
        .app
        .client
        .post(t.app.url("/api/v1/auth/password"))
        .bearer_auth(token)
        .json(&json!({"current_password": one_time, "new_password": "Mine-and-only-mine-7"}))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);
    // The session that changed it goes on (I2).
    assert_eq!(eco("/api/v1/cases").await.unwrap().status(), 200);

    let journal = journal_actions(&t.app).await;
    let admin_label = format!("user:{}:admin", t.admin.id);
    for action in ["user_unlock", "password_reset"] {
        assert!(
            journal.iter().any(|(actor, a, d)| a == action
                && actor == &admin_label
                && d["user_id"] == t.officer_id),
            "{action}"
        );
    }
    let _ = t.roads;
}

#[tokio::test]
async fn common_and_guessable_passwords_are_refused() {
    let t = town().await;
    let eco = t.app.login("eco").await;
    let long = "Z".repeat(64) + &"y".repeat(65);
    for weak in [
        "aaaaaaaaaa",
        "1234567890",
        "password12",
        "Timing1Timing1",
        "Haskovo2026!",
        "хасково2026",
        "Priemna-2026",
        "eco-eco-eco-2026",
        "qwertyuiop",
        "Password123!",
        long.as_str(),
        PASSWORD,
    ] {
        let (status, body) = eco
            .post(
                "/api/v1/auth/password",
                json!({"current_password": PASSWORD, "new_password": weak}),
            )
            .await;
        assert_eq!(status, 422, "{weak}: {body}");
        assert_eq!(
            body["error"]["fields"][0]["field"], "new_password",
            "{body}"
        );
    }
    let (status, body) = eco
        .post(
            "/api/v1/auth/password",
            json!({"current_password": PASSWORD, "new_password": "Tri-ezera-pod-Ruen"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    // The caller's own session goes on after the change (I2).
    assert_eq!(eco.get("/api/v1/auth/me").await.0, 200);
}

#[tokio::test]
async fn a_sign_in_from_another_site_is_refused() {
    let t = town().await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = [("username", "eco"), ("password", PASSWORD)];
    for (header, value) in [
        ("origin", "https://evil.example"),
        ("sec-fetch-site", "cross-site"),
        ("origin", "null"),
    ] {
        let response = client
            .post(t.app.url("/staff/login"))
            .header(header, value)
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{header}: {value}");
        assert!(response.headers().get("set-cookie").is_none());
        let page = response.text().await.unwrap();
        assert!(page.contains("изпратен от друг сайт"), "{page}");
        let api = client
            .post(t.app.url("/api/v1/auth/login"))
            .header(header, value)
            .json(&json!({"username": "eco", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(api.status(), 403, "API, {header}: {value}");
    }
    // From the sign-in page itself it works.
    let own = t.app.address.trim_start_matches("http://").to_owned();
    let response = client
        .post(t.app.url("/staff/login"))
        .header("origin", format!("http://{own}"))
        .header("sec-fetch-site", "same-origin")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert!(response.headers().get("set-cookie").is_some());
}

#[tokio::test]
async fn only_administrators_see_the_whole_staff_list() {
    let t = town().await;
    add(&t.app, "eco2", "case_officer", Some(t.roads), false).await;
    add(&t.app, "elsewhere", "case_officer", None, false).await;
    let gone = t.app.store.user_by_username("eco2").await.unwrap().unwrap();
    let (status, _) = t
        .admin
        .send(
            reqwest::Method::PATCH,
            &format!("/api/v1/users/{}", gone.id),
            json!({"active": false}),
        )
        .await;
    assert_eq!(status, 200);

    let eco = t.app.login("eco").await;
    let (status, list) = eco.get("/api/v1/users").await;
    assert_eq!(status, 200, "{list}");
    let users = list["users"].as_array().unwrap();
    // Only active colleagues of the department, without usernames, e-mails or designations.
    assert_eq!(users.len(), 1, "{list}");
    assert_eq!(users[0]["id"], t.officer_id);
    for key in [
        "username",
        "email",
        "corruption_officer",
        "active",
        "locked_until",
    ] {
        assert!(users[0].get(key).is_none(), "{key} in {list}");
    }
    let clerk = t.app.login("clerk").await;
    let (_, list) = clerk.get("/api/v1/users").await;
    assert!(!list.to_string().contains("corruption_officer"), "{list}");
    assert!(!list.to_string().contains("eco2"), "{list}");

    let (_, list) = t.admin.get("/api/v1/users").await;
    // Everyone, inactive eco2 included (besides the test helpers' registry clerk, who entered
    // the paper submissions).
    let everyone: Vec<&Value> = list["users"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["username"] != "registrar")
        .collect();
    assert_eq!(everyone.len(), 6, "{list}");
    assert!(everyone.iter().any(|u| u["corruption_officer"] == true));
}

#[tokio::test]
async fn a_flood_of_sign_ins_does_not_stall_other_requests() {
    // The test's runtime has one thread: were argon2 run on it, an unrelated request would
    // wait behind most of the sign-ins in flight.
    let t = town().await;
    let flood_started = std::time::Instant::now();
    let floods: Vec<_> = (0..24)
        .map(|i| {
            let client = t.app.client.clone();
            let url = t.app.url("/api/v1/auth/login");
            tokio::spawn(async move {
                client
                    .post(url)
                    .json(
                        &json!({"username": format!("nosuch{i}"), "password": "wrong password 1"}),
                    )
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(20)).await;
    let started = std::time::Instant::now();
    let (status, _) = t.app.get("/api/v1/kinds").await;
    let waited = started.elapsed();
    assert_eq!(status, 200);
    for flood in floods {
        assert_eq!(flood.await.unwrap().unwrap(), 401);
    }
    let flood = flood_started.elapsed();
    assert!(
        waited * 4 < flood,
        "an unrelated request waited {waited:?} during a flood of {flood:?}"
    );
}

/// An administrator's browser: the session cookie and its CSRF token.
struct AdminPage {
    cookie: String,
    csrf: String,
    client: reqwest::Client,
    base: String,
}

impl AdminPage {
    async fn open(app: &TestApp, username: &str) -> AdminPage {
        let response = app
            .client
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"username": username, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        let cookie = response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let body: Value = response.json().await.unwrap();
        AdminPage {
            cookie,
            csrf: body["csrf_token"].as_str().unwrap().to_owned(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: app.address.clone(),
        }
    }

    /// Presses a button on the admin page: the status, where it leads, and the page.
    async fn press(&self, path: &str) -> (u16, String, String) {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .form(&[("csrf_token", self.csrf.as_str())])
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (status, location, response.text().await.unwrap())
    }
}

#[tokio::test]
async fn the_admin_page_unlocks_resets_and_needs_another_administrator_to_approve() {
    let t = town().await;
    for _ in 0..5 {
        api_login(&t.app, "eco", "not the password").await;
    }
    let admin = AdminPage::open(&t.app, "admin").await;
    let (status, location, _) = admin
        .press(&format!("/staff/admin/users/{}/unlock", t.officer_id))
        .await;
    assert_eq!(
        (status, location.as_str()),
        (303, "/staff/admin?done=unlocked")
    );
    assert_eq!(api_login(&t.app, "eco", PASSWORD).await.0, 200);

    // The one-time password is shown on the page, once, and never put in a URL.
    let (status, _, page) = admin
        .press(&format!(
            "/staff/admin/users/{}/reset-password",
            t.officer_id
        ))
        .await;
    assert_eq!(status, 200);
    let shown = page
        .split("Еднократната парола на eco е ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .unwrap()
        .to_owned();
    assert_eq!(api_login(&t.app, "eco", &shown).await.0, 200);

    // A designated officer's password: the reset waits; its asker sees no approve button and
    // cannot press one; another administrator approves and is shown the password.
    let clerk = t
        .app
        .store
        .user_by_username("clerk")
        .await
        .unwrap()
        .unwrap();
    let (status, location, _) = admin
        .press(&format!("/staff/admin/users/{}/reset-password", clerk.id))
        .await;
    assert_eq!(
        (status, location.as_str()),
        (303, "/staff/admin?done=change_pending")
    );
    let change = t.app.store.staff_changes(true).await.unwrap()[0].id;
    let approve = format!("/staff/admin/changes/{change}/approve");
    let listed = t
        .app
        .client
        .get(t.app.url("/staff/admin"))
        .header("cookie", &admin.cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(listed.contains("чака друг администратор"), "{listed}");
    assert!(!listed.contains(&approve));
    let (status, _, page) = admin.press(&approve).await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("Не можете да решите промяна, която сте поискали сами"));
    let admin2 = AdminPage::open(&t.app, "admin2").await;
    let (status, _, page) = admin2.press(&approve).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Еднократната парола на clerk е "), "{page}");
    assert!(
        t.app
            .store
            .user_by_id(clerk.id)
            .await
            .unwrap()
            .unwrap()
            .must_change_password
    );
}
