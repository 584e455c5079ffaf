//! The whole access table, walked over HTTP: every role (and designated variant) × every case
//! permission and action × each kind of case (unrouted, own department, assigned to the actor,
//! another department, a sealed corruption signal, a complaint about an employee). The HTTP
//! layer must refuse exactly what `priemna_domain::access` refuses — the table itself is checked
//! against docs/access.md in the domain crate's tests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod helpers;

use helpers::{StaffClient, TestApp, named, spawn_app_at};
use priemna_domain::access::{self, Actor, Permission, Role};
use priemna_domain::workflow::CaseAction;
use priemna_domain::{Clock, DepartmentId, RegistrationNumber, UserId};
use serde_json::{Value, json};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Scenario {
    Unrouted,
    Roads,
    RoadsAssignedToOfficer,
    Social,
    Sealed,
    AboutEmployee,
}

const SCENARIOS: [Scenario; 6] = [
    Scenario::Unrouted,
    Scenario::Roads,
    Scenario::RoadsAssignedToOfficer,
    Scenario::Social,
    Scenario::Sealed,
    Scenario::AboutEmployee,
];

struct Who {
    name: &'static str,
    client: StaffClient,
    actor: Actor,
}

struct World {
    app: TestApp,
    roads: i64,
    social: i64,
    clerk_c: StaffClient,
    officer_roads: i64,
    officer_c: i64,
    mayor: i64,
}

async fn create_case(w: &World, scenario: Scenario) -> String {
    let body = match scenario {
        Scenario::Sealed => json!({"kind": "corruption_signal", "channel": "phone",
            "subject": "Подкуп", "body": "Поискаха ми пари.", "consent": true, "submitter": named()}),
        Scenario::AboutEmployee => json!({"kind": "complaint", "channel": "web",
            "subject": "Грубо отношение", "body": "Служител ми отказа.", "about_employee": true,
            "consent": true, "submitter": named()}),
        _ => json!({"kind": "signal", "channel": "web", "subject": "Дупка",
            "body": "Дупка на пътя.", "consent": true, "submitter": named()}),
    };
    let (status, receipt) = w.app.submit(body).await;
    assert_eq!(status, 201);
    let number = receipt["number"].as_str().unwrap().to_owned();
    let route = |department: i64, assignee: Option<i64>| {
        let mut request = json!({"action": "assign", "department_id": department});
        if let Some(a) = assignee {
            request["assignee_id"] = json!(a);
        }
        request
    };
    let routing = match scenario {
        Scenario::Unrouted => None,
        Scenario::Roads => Some(route(w.roads, None)),
        Scenario::RoadsAssignedToOfficer => Some(route(w.roads, Some(w.officer_roads))),
        Scenario::Social => Some(route(w.social, None)),
        Scenario::Sealed => Some(route(w.roads, Some(w.officer_c))),
        Scenario::AboutEmployee => Some(route(w.roads, Some(w.mayor))),
    };
    if let Some(request) = routing {
        // The designated clerk routes everything (they may see sealed cases too).
        let (status, body) = w.clerk_c.act(&number, request).await;
        assert_eq!(status, 200, "routing {scenario:?}: {body}");
    }
    number
}

fn action_request(action: CaseAction, case_department: Option<i64>, twin: &str) -> Value {
    let department = case_department.unwrap_or(1);
    match action {
        CaseAction::Triage => json!({"action": "triage"}),
        CaseAction::Assign => json!({"action": "assign", "department_id": department}),
        CaseAction::StartWork => json!({"action": "start_work"}),
        CaseAction::RequireInspection => json!({"action": "require_inspection",
            "new_due": "2026-03-31", "reason": "проверка"}),
        CaseAction::Answer => json!({"action": "answer", "text": "Отговор."}),
        CaseAction::Close => json!({"action": "close"}),
        CaseAction::LeaveUnanswered => json!({"action": "leave_unanswered",
            "rule": "offensive_language", "reason": "обиди"}),
        CaseAction::Forward => {
            json!({"action": "forward", "body": "РИОСВ", "reason": "компетентност"})
        }
        CaseAction::MarkDuplicate => {
            json!({"action": "mark_duplicate", "of": twin, "reason": "същото"})
        }
        CaseAction::Reopen => json!({"action": "reopen", "reason": "нови факти"}),
    }
}

async fn facts(w: &World, number: &str) -> access::CaseFacts {
    let n: RegistrationNumber = number.parse().unwrap();
    w.app
        .store
        .case_by_number(n)
        .await
        .unwrap()
        .unwrap()
        .facts()
}

#[tokio::test]
async fn every_role_permission_and_case_kind_is_enforced_over_http() {
    let app = spawn_app_at("2026-03-02T10:00:00+02:00").await;
    let roads = app.add_department("Пътища").await;
    let social = app.add_department("Социални дейности").await;
    let mut people = Vec::new();
    let staff: [(&'static str, &str, Option<i64>, bool); 11] = [
        ("clerk", "registry_clerk", None, false),
        ("clerk_c", "registry_clerk", None, true),
        ("officer_roads", "case_officer", Some(roads), false),
        ("officer_c", "case_officer", Some(roads), true),
        ("officer_social", "case_officer", Some(social), false),
        ("head_roads", "department_head", Some(roads), false),
        ("head_social", "department_head", Some(social), false),
        ("mayor", "mayors_office", None, false),
        ("mayor_c", "mayors_office", None, true),
        ("auditor", "auditor", None, false),
        ("admin", "administrator", None, false),
    ];
    for (name, role, department, designated) in staff {
        let id = app.add_staff(name, role, department, designated).await;
        people.push((name, id, Role::parse(role).unwrap(), department, designated));
    }
    let mut who = Vec::new();
    for (name, id, role, department_id, corruption_officer) in people {
        who.push(Who {
            name,
            client: app.login(name).await,
            actor: Actor {
                user_id: UserId(id),
                role,
                department_id: department_id.map(DepartmentId),
                corruption_officer,
            },
        });
    }
    let id_of = |n: &str| who.iter().find(|w| w.name == n).unwrap().actor.user_id.0;
    let world = World {
        roads,
        social,
        clerk_c: app.login("clerk_c").await,
        officer_roads: id_of("officer_roads"),
        officer_c: id_of("officer_c"),
        mayor: id_of("mayor"),
        app,
    };
    let _ = world.app.clock.now();

    let mut cells = 0;
    for scenario in SCENARIOS {
        for w in &who {
            let mut case = create_case(&world, scenario).await;
            let twin = create_case(&world, scenario).await;
            let case_facts = facts(&world, &case).await;

            // Reading the case and the submitter's identity.
            let expect = |p: Permission| access::check(&w.actor, p, Some(&case_facts)).is_ok();
            let (status, _) = w.client.get(&format!("/api/v1/cases/{case}")).await;
            assert_eq!(
                status == 200,
                expect(Permission::ViewCase),
                "{} view {scenario:?}: {status}",
                w.name
            );
            assert!(
                status == 200 || status == 403,
                "{} view {scenario:?}: {status}",
                w.name
            );
            let identity = if case_facts.corruption {
                Permission::ViewSealedIdentity
            } else {
                Permission::ViewPersonalData
            };
            let (status, _) = w
                .client
                .get(&format!("/api/v1/cases/{case}/personal-data"))
                .await;
            let allowed = expect(Permission::ViewCase) && expect(identity);
            assert_eq!(
                status == 200,
                allowed,
                "{} identity {scenario:?}: {status}",
                w.name
            );
            cells += 2;

            // Every action: refused with 403 exactly when the table refuses it.
            for action in CaseAction::ALL {
                let current = facts(&world, &case).await;
                let allowed = access::check(&w.actor, Permission::ViewCase, Some(&current)).is_ok()
                    && access::check(&w.actor, action.permission(), Some(&current)).is_ok()
                    && (action != CaseAction::Assign
                        || access::check_assignment(
                            &w.actor,
                            &current,
                            current.department_id.or(Some(DepartmentId(1))),
                            None,
                        )
                        .is_ok())
                    && (action != CaseAction::MarkDuplicate
                        || access::check(
                            &w.actor,
                            Permission::ViewCase,
                            Some(&facts(&world, &twin).await),
                        )
                        .is_ok());
                let request = action_request(action, current.department_id.map(i64::from), &twin);
                let (status, body) = w.client.act(&case, request).await;
                if allowed {
                    assert_ne!(
                        status,
                        403,
                        "{} {} {scenario:?}: {body}",
                        w.name,
                        action.as_str()
                    );
                    if status == 200 {
                        // The case moved on: take a fresh one for the next action.
                        case = create_case(&world, scenario).await;
                    }
                } else {
                    assert_eq!(
                        status,
                        403,
                        "{} {} {scenario:?}: {body}",
                        w.name,
                        action.as_str()
                    );
                    assert!(!body["error"]["message_bg"].as_str().unwrap().is_empty());
                }
                cells += 1;
            }
        }
    }

    // Permissions that concern no case.
    for w in &who {
        let allowed = |p: Permission| access::check(&w.actor, p, None).is_ok();
        let (status, _) = w.client.get("/api/v1/journal").await;
        assert_eq!(
            status == 200,
            allowed(Permission::ViewJournal),
            "{} journal: {status}",
            w.name
        );
        let (status, _) = w.client.post("/api/v1/users", json!({})).await;
        assert_eq!(
            status != 403,
            allowed(Permission::ManageUsers),
            "{} users: {status}",
            w.name
        );
        let (status, _) = w.client.post("/api/v1/departments", json!({})).await;
        assert_eq!(
            status != 403,
            allowed(Permission::ManageDepartments),
            "{} departments: {status}",
            w.name
        );
        cells += 3;
    }
    println!("{cells} cells of the access table checked over HTTP");
    assert!(cells > 600);
}
