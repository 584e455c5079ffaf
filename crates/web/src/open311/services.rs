//! `GET services`, `GET services/{service_code}` and the discovery document.

use super::{CHANGESET, Doc, Format, Node, Open311Error, Params, check_jurisdiction, reply};
use crate::lang::Lang;
use crate::state::AppState;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use priemna_domain::services::{SERVICES, Service, service};

/// One service in the list.
pub fn service_node(s: &Service) -> Node {
    Node::Object(vec![
        ("service_code", Node::text(s.code)),
        ("service_name", Node::text(s.name)),
        ("description", Node::text(s.description)),
        ("metadata", Node::Bool(s.metadata())),
        ("type", Node::text("realtime")),
        ("keywords", Node::text(s.keywords.join(","))),
        ("group", Node::text(s.group)),
    ])
}

/// `GET services.{format}`.
pub async fn list(
    State(app): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    format: Format,
) -> Response {
    let lang = Lang::from_headers(&headers);
    let params = Params::from_query(query.as_deref());
    let outcome = check_jurisdiction(&app, &params, lang).map(|()| {
        (
            StatusCode::OK,
            Doc::list(
                "services",
                "service",
                SERVICES.iter().map(service_node).collect(),
            ),
        )
    });
    reply(format, outcome)
}

/// `GET services/{service_code}.{format}`: the service's questions.
pub async fn definition(
    _app: AppState,
    lang: Lang,
    code: String,
    _params: Params,
) -> Result<(StatusCode, Doc), Open311Error> {
    let Some(s) = service(&code) else {
        return Err(Open311Error::not_found(match lang {
            Lang::Bg => format!("service_code: няма услуга „{code}“; списъкът е в services.xml."),
            Lang::En => format!("service_code: no service \"{code}\"; see services.xml."),
        }));
    };
    let mut attributes: Vec<_> = s.attributes.iter().collect();
    attributes.sort_by_key(|a| a.order);
    let attributes = attributes
        .into_iter()
        .map(|a| {
            Node::Object(vec![
                ("variable", Node::Bool(true)),
                ("code", Node::text(a.code)),
                ("datatype", Node::text(a.datatype.as_str())),
                ("required", Node::Bool(a.required)),
                ("datatype_description", Node::text(a.datatype_description)),
                ("order", Node::Int(i64::from(a.order))),
                ("description", Node::text(a.description)),
                (
                    "values",
                    Node::list(
                        "value",
                        a.values
                            .iter()
                            .map(|(key, name)| {
                                Node::Object(vec![
                                    ("key", Node::text(*key)),
                                    ("name", Node::text(*name)),
                                ])
                            })
                            .collect(),
                    ),
                ),
            ])
        })
        .collect();
    Ok((
        StatusCode::OK,
        Doc::object(
            "service_definition",
            vec![
                ("service_code", Node::text(s.code)),
                ("attributes", Node::list("attribute", attributes)),
            ],
        ),
    ))
}

/// The address clients reach us at, for the discovery document.
fn base_url(app: &AppState, headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    let scheme = if crate::auth::is_https(app, headers) {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

/// `GET discovery.{format}`: where the endpoint is and what it speaks.
pub async fn discovery(
    State(app): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    format: Format,
) -> Response {
    let lang = Lang::from_headers(&headers);
    let params = Params::from_query(query.as_deref());
    if let Err(e) = check_jurisdiction(&app, &params, lang) {
        return e.respond(format);
    }
    let base = base_url(&app, &headers);
    let endpoint = Node::Object(vec![
        (
            "specification",
            Node::text("http://wiki.open311.org/GeoReport_v2"),
        ),
        ("url", Node::text(format!("{base}/open311/v2"))),
        ("changeset", Node::text(CHANGESET)),
        ("type", Node::text("production")),
        (
            "formats",
            Node::list(
                "format",
                vec![Node::text("text/xml"), Node::text("application/json")],
            ),
        ),
    ]);
    let doc = Doc::object(
        "discovery",
        vec![
            ("changeset", Node::text(CHANGESET)),
            ("contact", Node::text(app.open311.contact.clone())),
            ("key_service", Node::text(app.open311.key_service.clone())),
            (
                "jurisdiction_id",
                Node::text(app.open311.jurisdiction_id.clone()),
            ),
            ("endpoints", Node::list("endpoint", vec![endpoint])),
        ],
    );
    doc.respond(format, StatusCode::OK)
}
