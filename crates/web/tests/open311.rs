//! Open311 GeoReport v2 over HTTP against the real server: services and definitions, posting
//! (a normal submission, with the charter's rules and deadlines), reading back with filters and
//! extensions, tokens, FixMyStreet's updates, errors in the spec's format (several at once,
//! nothing stored), personal data never in public answers, and the administrators' API keys.
//! Every XML answer is parsed (quick-xml) and its element names checked.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod helpers;

use helpers::{TestApp, spawn_app_at};
use priemna_domain::Clock;
use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::{Value, json};

/// A parsed XML element.
#[derive(Debug, Clone, PartialEq)]
struct El {
    name: String,
    text: String,
    children: Vec<El>,
}

impl El {
    fn names(&self) -> Vec<&str> {
        self.children.iter().map(|c| c.name.as_str()).collect()
    }

    fn child(&self, name: &str) -> &El {
        self.children
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("no <{name}> in <{}>", self.name))
    }
}

/// Parses a whole XML document strictly (well-formed, one root, names matched), or panics.
fn parse_xml(text: &str) -> El {
    assert!(
        text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"),
        "{text}"
    );
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<El> = Vec::new();
    let mut root = None;
    loop {
        match reader
            .read_event()
            .unwrap_or_else(|e| panic!("{e}: {text}"))
        {
            Event::Start(e) => stack.push(El {
                name: String::from_utf8(e.name().as_ref().to_vec()).unwrap(),
                text: String::new(),
                children: Vec::new(),
            }),
            Event::Empty(e) => {
                let el = El {
                    name: String::from_utf8(e.name().as_ref().to_vec()).unwrap(),
                    text: String::new(),
                    children: Vec::new(),
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = Some(el),
                }
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.decode().unwrap());
                }
            }
            Event::GeneralRef(r) => {
                let name = String::from_utf8(r.as_ref().to_vec()).unwrap();
                let c = match name.as_str() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    other => panic!("unknown entity {other}"),
                };
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(c);
                }
            }
            Event::End(_) => {
                let el = stack.pop().unwrap();
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => {
                        assert!(root.is_none(), "two roots");
                        root = Some(el);
                    }
                }
            }
            Event::Eof => break,
            Event::Decl(_) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    assert!(stack.is_empty());
    root.expect("a root element")
}

const REQUEST_FIELDS: [&str; 17] = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
];

/// Monday, 4 May 2026, 10:00 in Sofia.
const NOW: &str = "2026-05-04T07:00:00Z";

struct Open311 {
    app: TestApp,
    key: String,
}

async fn open311() -> Open311 {
    let app = spawn_app_at(NOW).await;
    let (_, key) =
        priemna_app::api_keys::create_key(&app.state, "test", "Градско приложение", false)
            .await
            .unwrap();
    Open311 { app, key }
}

fn form(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

impl Open311 {
    fn url(&self, path: &str) -> String {
        self.app.url(&format!("/open311/v2/{path}"))
    }

    async fn get_text(&self, path: &str) -> (u16, String, String) {
        let r = self.app.client.get(self.url(path)).send().await.unwrap();
        let status = r.status().as_u16();
        let ct = r
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (status, ct, r.text().await.unwrap())
    }

    async fn get_json(&self, path: &str) -> (u16, Value) {
        let (status, ct, text) = self.get_text(path).await;
        assert!(ct.starts_with("application/json"), "{path}: {ct}");
        (status, serde_json::from_str(&text).unwrap())
    }

    async fn get_xml(&self, path: &str) -> (u16, El) {
        let (status, ct, text) = self.get_text(path).await;
        assert!(ct.starts_with("text/xml"), "{path}: {ct}");
        (status, parse_xml(&text))
    }

    async fn post_raw(&self, path: &str, pairs: &[(&str, &str)]) -> (u16, String) {
        let r = self
            .app
            .client
            .post(self.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form(pairs))
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }

    async fn post_json(&self, pairs: &[(&str, &str)]) -> (u16, Value) {
        let (status, text) = self.post_raw("requests.json", pairs).await;
        (status, serde_json::from_str(&text).unwrap())
    }

    /// Posts and returns the new request's number.
    async fn post_ok(&self, pairs: &[(&str, &str)]) -> String {
        let (status, body) = self.post_json(pairs).await;
        assert_eq!(status, 201, "{body}");
        body[0]["service_request_id"].as_str().unwrap().to_owned()
    }
}

/// The spec's error list in JSON: every entry `{code, description}` with the HTTP status.
fn descriptions(status: u16, body: &Value) -> Vec<String> {
    let list = body.as_array().unwrap_or_else(|| panic!("{body}"));
    assert!(!list.is_empty());
    list.iter()
        .map(|e| {
            assert_eq!(e.as_object().unwrap().len(), 2, "{e}");
            assert_eq!(e["code"], status, "{e}");
            e["description"].as_str().unwrap().to_owned()
        })
        .collect()
}

fn lamp<'a>(key: &'a str, more: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut pairs = vec![
        ("api_key", key),
        ("service_code", "street_lighting"),
        ("lat", "41.9342"),
        ("long", "25.5581"),
        ("description", "Не свети лампата пред входа."),
        ("attribute[problem]", "not_lit"),
    ];
    pairs.extend_from_slice(more);
    pairs
}

#[tokio::test]
async fn services_and_definitions_in_json_and_xml() {
    let t = open311().await;
    let (status, services) = t.get_json("services.json").await;
    assert_eq!(status, 200);
    let codes: Vec<&str> = services
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["service_code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"street_lighting") && codes.contains(&"complaint"));
    assert!(!codes.contains(&"corruption_signal"));
    let (_, xml) = t.get_xml("services.xml").await;
    assert_eq!(xml.name, "services");
    assert_eq!(xml.children.len(), codes.len());
    for (service, code) in xml.children.iter().zip(&codes) {
        assert_eq!(service.name, "service");
        assert_eq!(
            service.names(),
            [
                "service_code",
                "service_name",
                "description",
                "metadata",
                "type",
                "keywords",
                "group"
            ]
        );
        assert_eq!(&service.child("service_code").text, code);
    }
    // No extension means the mandatory format, XML.
    let (_, plain) = t.get_xml("services").await;
    assert_eq!(plain, xml);

    let (status, definition) = t.get_json("services/illegal_dumping.json").await;
    assert_eq!(status, 200);
    assert_eq!(definition["service_code"], "illegal_dumping");
    let waste = &definition["attributes"][0];
    assert_eq!(waste["datatype"], "multivaluelist");
    assert_eq!(
        waste["values"][0],
        json!({"key": "construction", "name": "Строителни"})
    );
    let (_, xml) = t.get_xml("services/illegal_dumping.xml").await;
    assert_eq!(xml.name, "service_definition");
    assert_eq!(xml.names(), ["service_code", "attributes"]);
    for attribute in &xml.child("attributes").children {
        assert_eq!(attribute.name, "attribute");
        assert_eq!(
            attribute.names(),
            [
                "variable",
                "code",
                "datatype",
                "required",
                "datatype_description",
                "order",
                "description",
                "values"
            ]
        );
        for value in &attribute.child("values").children {
            assert_eq!(value.names(), ["key", "name"]);
        }
    }

    let (status, body) = t.get_json("services/unicorns.json").await;
    assert_eq!(status, 404);
    assert!(descriptions(404, &body)[0].contains("unicorns"));
    let (status, xml) = t.get_xml("services/unicorns.xml").await;
    assert_eq!(status, 404);
    assert_eq!(xml.name, "errors");
    assert_eq!(xml.children[0].names(), ["code", "description"]);
    let (status, _) = t.get_xml("services/street_lighting.html").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_posted_request_is_a_normal_submission() {
    let t = open311().await;
    let (status, native) = t
        .app
        .submit(
            json!({"kind": "proposal", "channel": "web", "subject": "Пейки",
                       "body": "Повече пейки.", "consent": true, "submitter": helpers::named()}),
        )
        .await;
    assert_eq!(status, 201);
    let number = t
        .post_ok(&lamp(
            &t.key,
            &[
                ("first_name", "Иван"),
                ("last_name", "Петров"),
                ("email", "ivan@example.bg"),
                ("attribute[lamps]", "3"),
                ("media_url", "https://photos.example.org/1.jpg"),
            ],
        ))
        .await;
    // The next number of the same gap-free series.
    assert_eq!(number, "2026-000002");
    assert_eq!(native["number"], "2026-000001");
    let case = t
        .app
        .store
        .case_by_number(number.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(case.kind.as_str(), "signal");
    assert_eq!(case.channel.as_str(), "web");
    assert_eq!(case.entered_by, "open311:Градско приложение");
    assert!(case.considered && !case.anonymous);
    assert_eq!(case.deadline_rule.as_deref(), Some("deadline_apk_2_months"));
    assert!(
        case.body.contains("Не свети лампата") && case.body.contains("Колко лампи не работят? 3")
    );
    let personal = t
        .app
        .store
        .personal_data(&case, "test", t.app.clock.now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(personal.name, "Иван Петров");
    assert_eq!(personal.email.as_deref(), Some("ivan@example.bg"));

    // Read back: the legal deadline as expected_datetime, the place and photo.
    let (status, body) = t.get_json(&format!("requests/{number}.json")).await;
    assert_eq!(status, 200);
    let r = &body[0];
    let due = case.answer_due.unwrap().to_string();
    assert_eq!(r["expected_datetime"], format!("{due}T23:59:59+03:00"));
    assert_eq!(r["status"], "open");
    assert_eq!(r["service_name"], "Улично осветление");
    assert_eq!(r["description"], "Не свети лампата пред входа.");
    assert_eq!(r["lat"], 41.9342);
    assert_eq!(r["media_url"], "https://photos.example.org/1.jpg");
    assert!(r["status_notes"].as_str().unwrap().contains(&format!(
        "{}",
        case.answer_due.unwrap().strftime("%d.%m.%Y")
    )));
    // Nothing about the person.
    for path in [
        format!("requests/{number}.json?extensions=true"),
        format!("requests/{number}.xml?extensions=true"),
        "requests.json".to_owned(),
        "servicerequestupdates.xml".to_owned(),
    ] {
        let (_, _, text) = t.get_text(&path).await;
        for secret in ["Иван", "Петров", "ivan@example.bg"] {
            assert!(!text.contains(secret), "{path} shows {secret}");
        }
    }
    // The XML says the same, in the spec's element names and order.
    let (_, xml) = t.get_xml(&format!("requests/{number}.xml")).await;
    assert_eq!(xml.name, "service_requests");
    assert_eq!(xml.names(), ["request"]);
    assert_eq!(xml.children[0].names(), REQUEST_FIELDS);
    assert_eq!(
        xml.children[0].child("status_notes").text,
        r["status_notes"].as_str().unwrap()
    );
}

#[tokio::test]
async fn the_charter_applies_to_anonymous_requests() {
    let t = open311().await;
    let quiet = t.post_ok(&lamp(&t.key, &[])).await;
    let urgent = t
        .post_ok(&[
            ("api_key", &t.key),
            ("service_code", "roads_potholes"),
            ("address_string", "бул. „България“ 40"),
            ("attribute[surface]", "road"),
            ("attribute[danger]", "yes"),
        ])
        .await;
    let (_, body) = t
        .get_json(&format!(
            "requests.json?service_request_id={quiet},{urgent}"
        ))
        .await;
    let by_id = |n: &str| {
        body.as_array()
            .unwrap()
            .iter()
            .find(|r| r["service_request_id"] == n)
            .unwrap()
            .clone()
    };
    let quiet_r = by_id(&quiet);
    assert!(
        quiet_r["status_notes"]
            .as_str()
            .unwrap()
            .contains("няма да бъде разгледано")
    );
    assert!(quiet_r["expected_datetime"].is_null());
    let urgent_r = by_id(&urgent);
    assert!(urgent_r["expected_datetime"].is_string());
    assert_eq!(urgent_r["address"], "бул. „България“ 40");
    let (status, posted) = t
        .post_json(&[
            ("api_key", &t.key),
            ("service_code", "proposal"),
            ("description", "Идея"),
        ])
        .await;
    assert_eq!(status, 201);
    assert!(
        posted[0]["service_notice"]
            .as_str()
            .unwrap()
            .contains("анонимните")
    );
}

#[tokio::test]
async fn bad_input_is_refused_in_the_spec_format_and_stores_nothing() {
    let t = open311().await;
    let before = t.app.count().await;
    // Several problems at once.
    let (status, body) = t
        .post_json(&[
            ("api_key", &t.key),
            ("service_code", "street_lighting"),
            ("lat", "91"),
            ("long", "25.5"),
            ("attribute[problem]", "on_fire"),
            ("attribute[colour]", "red"),
            ("email", "no"),
            ("first_name", "Иван"),
            ("media_url", "javascript:alert(1)"),
        ])
        .await;
    assert_eq!(status, 400);
    let problems = descriptions(400, &body);
    for field in [
        "lat, long",
        "media_url",
        "attribute[colour]",
        "attribute[problem]",
        "email",
    ] {
        assert!(
            problems.iter().any(|p| p.starts_with(field)),
            "{field}: {problems:?}"
        );
    }
    // Unknown service, and the rest still checked.
    let (status, body) = t
        .post_json(&[
            ("api_key", &t.key),
            ("service_code", "unicorns"),
            ("phone", "12"),
        ])
        .await;
    assert_eq!(status, 400);
    let problems = descriptions(400, &body);
    assert!(problems[0].starts_with("service_code"), "{problems:?}");
    assert!(
        problems.iter().any(|p| p.starts_with("phone")),
        "{problems:?}"
    );
    // Missing location where one is required; missing service code.
    let (status, body) = t
        .post_json(&[
            ("api_key", &t.key),
            ("service_code", "noise"),
            ("attribute[source]", "venue"),
        ])
        .await;
    assert_eq!(status, 400);
    assert!(descriptions(400, &body)[0].contains("address_string"));
    let (status, _) = t
        .post_json(&[("api_key", &t.key), ("lat", "41"), ("long", "25")])
        .await;
    assert_eq!(status, 400);
    // A date in the future, and one that is no date.
    for when in ["2027-01-01", "вчера"] {
        let (status, body) = t
            .post_json(&[
                ("api_key", &t.key),
                ("service_code", "graffiti_vandalism"),
                ("address_string", "ул. „Шипка“ 1"),
                ("attribute[occurred_on]", when),
            ])
            .await;
        assert_eq!(status, 400);
        assert!(descriptions(400, &body)[0].starts_with("attribute[occurred_on]"));
    }
    // Keys: missing, wrong, revoked.
    let no_key: Vec<_> = lamp(&t.key, &[])
        .into_iter()
        .filter(|(k, _)| *k != "api_key")
        .collect();
    let (status, body) = t.post_json(&no_key).await;
    assert_eq!(status, 403);
    assert!(descriptions(403, &body)[0].starts_with("api_key"));
    let (status, _) = t.post_json(&lamp("p311_wrong", &[])).await;
    assert_eq!(status, 403);
    let (revoked, revoked_key) =
        priemna_app::api_keys::create_key(&t.app.state, "test", "Старо приложение", false)
            .await
            .unwrap();
    t.app
        .store
        .revoke_api_key(revoked.id, t.app.clock.now(), "test")
        .await
        .unwrap();
    let (status, _) = t.post_json(&lamp(&revoked_key, &[])).await;
    assert_eq!(status, 403);
    // Another jurisdiction; not form-encoded; XML errors.
    let (status, body) = t
        .post_json(&lamp(&t.key, &[("jurisdiction_id", "sofia.bg")]))
        .await;
    assert_eq!(status, 404);
    assert!(descriptions(404, &body)[0].contains("sofia.bg"));
    let r = t
        .app
        .client
        .post(t.url("requests.xml"))
        .json(&json!({"api_key": t.key}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    let xml = parse_xml(&r.text().await.unwrap());
    assert_eq!(xml.name, "errors");
    let (status, text) = t
        .post_raw(
            "requests.xml",
            &[
                ("api_key", &t.key),
                ("service_code", "x"),
                ("lat", "y"),
                ("long", "1"),
            ],
        )
        .await;
    assert_eq!(status, 400);
    let xml = parse_xml(&text);
    assert_eq!(xml.children.len(), 2);
    assert!(
        xml.children
            .iter()
            .all(|e| e.name == "error" && e.child("code").text == "400")
    );
    assert_eq!(t.app.count().await, before, "nothing was stored");
    // English descriptions when asked.
    let r = t
        .app
        .client
        .post(t.url("requests.json"))
        .header("accept-language", "en")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(&[("service_code", "noise")]))
        .send()
        .await
        .unwrap();
    let body: Value = r.json().await.unwrap();
    assert!(
        body[0]["description"]
            .as_str()
            .unwrap()
            .contains("posting needs an API key")
    );
}

#[tokio::test]
async fn listing_filters_pages_and_dates() {
    let t = open311().await;
    let mut numbers = Vec::new();
    for i in 0..3 {
        t.app.clock.set(&format!("2026-05-0{}T07:00:00Z", i + 4));
        numbers.push(t.post_ok(&lamp(&t.key, &[])).await);
    }
    let noise = t
        .post_ok(&[
            ("api_key", &t.key),
            ("service_code", "noise"),
            ("address_string", "ул. „Шипка“ 3"),
            ("attribute[source]", "venue"),
        ])
        .await;
    let ids = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| r["service_request_id"].as_str().unwrap().to_owned())
            .collect()
    };
    let (_, all) = t.get_json("requests.json").await;
    assert_eq!(
        ids(&all),
        [
            noise.clone(),
            numbers[2].clone(),
            numbers[1].clone(),
            numbers[0].clone()
        ]
    );
    let (_, lights) = t
        .get_json("requests.json?service_code=street_lighting&status=open")
        .await;
    assert_eq!(ids(&lights).len(), 3);
    let (_, none) = t.get_json("requests.json?status=closed").await;
    assert_eq!(ids(&none).len(), 0);
    let (_, page2) = t.get_json("requests.json?page_size=2&page=2").await;
    assert_eq!(ids(&page2), [numbers[1].clone(), numbers[0].clone()]);
    let (_, window) = t
        .get_json(
            "requests.json?start_date=2026-05-04T00:00:00Z&end_date=2026-05-05T12:00:00%2B03:00",
        )
        .await;
    assert_eq!(ids(&window), [numbers[1].clone(), numbers[0].clone()]);
    // An empty parameter is the same as an absent one.
    let (status, same) = t
        .get_json("requests.json?service_code=&status=&start_date=")
        .await;
    assert_eq!(status, 200);
    assert_eq!(ids(&same), ids(&all));
    // Bad dates, a span over 90 days, wrong values: all named at once.
    let (status, body) = t
        .get_json("requests.json?start_date=2026-13-01&status=pending&page=zero&extensions=maybe&service_code=unicorns")
        .await;
    assert_eq!(status, 400);
    assert_eq!(descriptions(400, &body).len(), 5);
    let (status, body) = t
        .get_json("requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-05-01T00:00:00Z")
        .await;
    assert_eq!(status, 400);
    assert!(descriptions(400, &body)[0].contains("90"));
    let (status, _) = t
        .get_json("requests.json?start_date=2026-05-02T00:00:00Z&end_date=2026-05-01T00:00:00Z")
        .await;
    assert_eq!(status, 400);
    let (status, _) = t.get_json("requests/2026-000099.json").await;
    assert_eq!(status, 404);
    let (status, _) = t.get_json("requests/junk.json").await;
    assert_eq!(status, 404);
    // XML list: every request with the spec's fields in order.
    let (_, xml) = t.get_xml("requests.xml").await;
    assert_eq!(xml.children.len(), 4);
    assert!(
        xml.children
            .iter()
            .all(|r| r.name == "request" && r.names() == REQUEST_FIELDS)
    );
}

#[tokio::test]
async fn status_notes_notes_and_updates_follow_the_case() {
    let t = open311().await;
    let roads = t.app.add_department("Пътища и благоустройство").await;
    t.app
        .add_staff("clerk", "registry_clerk", None, false)
        .await;
    let clerk = t.app.login("clerk").await;
    let number = t
        .post_ok(&[
            ("api_key", &t.key),
            ("service_code", "roads_potholes"),
            ("lat", "41.93"),
            ("long", "25.56"),
            ("attribute[surface]", "road"),
            ("first_name", "Мария"),
            ("phone", "0888 123 456"),
        ])
        .await;
    t.app.clock.set("2026-05-04T08:00:00Z");
    let (status, _) = clerk.act(&number, json!({"action": "triage"})).await;
    assert_eq!(status, 200);
    t.app.clock.set("2026-05-04T09:00:00Z");
    let (status, _) = clerk
        .act(&number, json!({"action": "assign", "department_id": roads}))
        .await;
    assert_eq!(status, 200, "assign");
    let (_, body) = t
        .get_json(&format!("requests/{number}.json?extensions=true"))
        .await;
    let r = &body[0];
    assert_eq!(r["status"], "open");
    assert!(
        r["status_notes"]
            .as_str()
            .unwrap()
            .contains("Пътища и благоустройство")
    );
    assert_eq!(
        r["agency_responsible"],
        "Община Хасково, Пътища и благоустройство"
    );
    assert_eq!(r["updated_datetime"], "2026-05-04T12:00:00+03:00");
    assert_eq!(r["extended_attributes"]["priemna_status"], "assigned");
    assert_eq!(r["extended_attributes"]["fms_status"], "IN_PROGRESS");
    let notes = r["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 3);
    assert_eq!(notes[2]["datetime"], "2026-05-04T12:00:00+03:00");
    assert_eq!(
        r["attributes"][0]["values"][0],
        json!({"key": "road", "name": "Пътно платно"})
    );

    t.app.clock.set("2026-05-04T10:00:00Z");
    let (status, body) = clerk
        .act(&number, json!({"action": "forward", "body": "Областно пътно управление", "reason": "Републикански път."}))
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, body) = t.get_json(&format!("requests/{number}.json")).await;
    assert_eq!(body[0]["status"], "closed");
    assert!(
        body[0]["status_notes"]
            .as_str()
            .unwrap()
            .contains("Областно пътно управление")
    );
    assert_eq!(body[0]["agency_responsible"], "Областно пътно управление");
    let (_, closed) = t.get_json("requests.json?status=closed").await;
    assert_eq!(closed.as_array().unwrap().len(), 1);

    let (status, updates) = t.get_json("servicerequestupdates.json").await;
    assert_eq!(status, 200);
    let statuses: Vec<&str> = updates
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        ["OPEN", "OPEN", "IN_PROGRESS", "NOT_COUNCILS_RESPONSIBILITY"]
    );
    let (_, xml) = t.get_xml("servicerequestupdates.xml").await;
    assert_eq!(xml.name, "service_request_updates");
    assert!(xml.children.iter().all(|u| u.name == "request_update"
        && u.names()
            == [
                "update_id",
                "service_request_id",
                "status",
                "updated_datetime",
                "description",
                "media_url"
            ]));
    let (_, window) = t
        .get_json("servicerequestupdates.json?start_date=2026-05-04T09:30:00Z&end_date=2026-05-04T11:00:00Z")
        .await;
    assert_eq!(window.as_array().unwrap().len(), 1);
    // Cases from other channels are not Open311 requests.
    let (status, native) = t
        .app
        .submit(
            json!({"kind": "signal", "channel": "web", "subject": "Дупка", "body": "Дупка.",
                       "consent": true, "submitter": helpers::named()}),
        )
        .await;
    assert_eq!(status, 201);
    let (status, _) = t
        .get_json(&format!(
            "requests/{}.json",
            native["number"].as_str().unwrap()
        ))
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn tokens_for_batch_clients_and_private_kinds() {
    let t = open311().await;
    let (_, batch_key) =
        priemna_app::api_keys::create_key(&t.app.state, "test", "Пакетен клиент", true)
            .await
            .unwrap();
    let (status, body) = t
        .post_json(&[
            ("api_key", &batch_key),
            ("service_code", "complaint"),
            ("attribute[bad_administration]", "yes"),
            ("description", "Чакам удостоверение от месец."),
            ("first_name", "Георги"),
            ("email", "georgi@example.bg"),
            ("account_id", "acc-1"),
        ])
        .await;
    assert_eq!(status, 201, "{body}");
    let created = body[0].as_object().unwrap();
    assert!(created.contains_key("token") && !created.contains_key("service_request_id"));
    assert_eq!(created["account_id"], "acc-1");
    let token = created["token"].as_str().unwrap();
    let (status, found) = t.get_json(&format!("tokens/{token}.json")).await;
    assert_eq!(status, 200);
    let number = found[0]["service_request_id"].as_str().unwrap().to_owned();
    let (_, xml) = t.get_xml(&format!("tokens/{token}.xml")).await;
    assert_eq!(xml.children[0].names(), ["service_request_id", "token"]);
    let (status, _) = t.get_json("tokens/unknown.json").await;
    assert_eq!(status, 404);
    // A complaint: the 7-day deadline, but its text and the person stay private.
    let case = t
        .app
        .store
        .case_by_number(number.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(case.about_bad_administration);
    assert_eq!(
        case.deadline_rule.as_deref(),
        Some("deadline_complaint_7_days")
    );
    let (_, body) = t
        .get_json(&format!("requests/{number}.json?extensions=true"))
        .await;
    assert!(body[0]["description"].is_null() && body[0]["address"].is_null());
    assert!(
        body[0]["expected_datetime"]
            .as_str()
            .unwrap()
            .starts_with("2026-05-11")
    );
    let (_, _, text) = t.get_text("requests.xml?extensions=true").await;
    assert!(!text.contains("удостоверение") && !text.contains("Георги"));
}

#[tokio::test]
async fn administrators_manage_api_keys() {
    let t = open311().await;
    t.app.add_staff("admin", "administrator", None, false).await;
    t.app
        .add_staff("clerk", "registry_clerk", None, false)
        .await;
    let admin = t.app.login("admin").await;
    let clerk = t.app.login("clerk").await;
    let (status, created) = admin
        .post("/api/v1/api-keys", json!({"name": "FixMyStreet"}))
        .await;
    assert_eq!(status, 201, "{created}");
    let key = created["key"].as_str().unwrap().to_owned();
    assert!(key.starts_with("p311_"));
    let (status, list) = admin.get("/api/v1/api-keys").await;
    assert_eq!(status, 200);
    assert!(!list.to_string().contains(&key), "the key is shown once");
    assert_eq!(list["api_keys"].as_array().unwrap().len(), 2);
    // The new key posts.
    t.post_ok(&lamp(&key, &[])).await;
    let (status, _) = clerk.get("/api/v1/api-keys").await;
    assert_eq!(status, 403);
    let (status, _) = clerk.post("/api/v1/api-keys", json!({"name": "x"})).await;
    assert_eq!(status, 403);
    let (status, _) = t.app.get("/api/v1/api-keys").await;
    assert_eq!(status, 401);
    let (status, body) = admin.post("/api/v1/api-keys", json!({"name": "  "})).await;
    assert_eq!(status, 422, "{body}");
    let id = created["api_key"]["id"].as_i64().unwrap();
    let (status, revoked) = admin
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/api-keys/{id}"),
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    assert!(revoked["revoked_at"].is_string());
    let (status, _) = t.post_json(&lamp(&key, &[])).await;
    assert_eq!(status, 403);
    let (status, _) = admin
        .send(reqwest::Method::DELETE, "/api/v1/api-keys/9999", json!({}))
        .await;
    assert_eq!(status, 404);
    let journal = t.app.store.journal(0, 1000).await.unwrap();
    assert!(journal.iter().any(|e| e.action == "api_key_add"));
    assert!(journal.iter().any(|e| e.action == "api_key_revoke"));
    assert!(journal.iter().all(|e| !e.details.contains(&key)));
}

#[tokio::test]
async fn discovery_and_the_documented_api() {
    let t = open311().await;
    let (status, discovery) = t.app.get("/open311/discovery.json").await;
    assert_eq!(status, 200);
    assert!(
        discovery["endpoints"][0]["url"]
            .as_str()
            .unwrap()
            .ends_with("/open311/v2")
    );
    assert_eq!(
        discovery["endpoints"][0]["formats"],
        json!(["text/xml", "application/json"])
    );
    let r = t
        .app
        .client
        .get(t.app.url("/open311/v2/discovery.xml"))
        .send()
        .await
        .unwrap();
    let xml = parse_xml(&r.text().await.unwrap());
    assert_eq!(
        xml.names(),
        [
            "changeset",
            "contact",
            "key_service",
            "jurisdiction_id",
            "endpoints"
        ]
    );
    let (status, _) = t
        .app
        .get("/open311/discovery.json?jurisdiction_id=example.org")
        .await;
    assert_eq!(status, 404);

    let (status, doc) = t.app.get("/api/openapi.json").await;
    assert_eq!(status, 200);
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["paths"]["/api/v1/api-keys"]["post"]["security"].is_array());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    // Every operation has its own id (generated clients name their methods by it).
    let mut ids: Vec<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .filter_map(|operation| operation["operationId"].as_str())
        .collect();
    let operations = ids.len();
    assert!(operations > 20, "{operations} operations");
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), operations, "duplicate operation ids: {ids:?}");
    for generic in ["create", "handler", "list", "revoke"] {
        assert!(!ids.contains(&generic), "operation id {generic}");
    }
    let page = t
        .app
        .client
        .get(t.app.url("/api/docs"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("/api/v1/submissions") && html.contains("ErrorResponse"));
    assert!(
        !html.contains("<script"),
        "no scripts, nothing from elsewhere"
    );
}
