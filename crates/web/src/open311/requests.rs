//! Reading requests back: `GET requests` (with the spec's filters and the `page`/`page_size`
//! and `extensions` extensions), `GET requests/{id}`, `GET tokens/{token}` and FixMyStreet's
//! `GET servicerequestupdates`.
//!
//! What is shown: the case's number, service, status, honest notes and the legal deadline; for
//! the public services (problems in public places) also the description, the address, the
//! location and the photo, as the poster published them. Never the submitter, and never the
//! text or place of the charter's private kinds (complaints, applications, …) or of a case whose
//! data was erased after the retention period.

use super::status::{fms_status, open_or_closed, status_notes, step_note};
use super::{
    Doc, Format, MAX_PAGE_SIZE, MAX_SPAN_DAYS, Node, Open311Error, Params, check_jurisdiction,
    reply,
};
use crate::lang::Lang;
use crate::state::AppState;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use priemna_domain::RegistrationNumber;
use priemna_domain::clock::local_time;
use priemna_domain::clock::municipal_tz;
use priemna_domain::services::service;
use priemna_store::{Open311Query, Open311Request, Open311UpdatesQuery};

/// Separates the poster's description from the answers appended for the case officer.
pub const ANSWERS_MARKER: &str = "\n\n[Open311]\n";

/// The end of a legal deadline's last day (it runs until 24:00), in the municipal time zone.
fn deadline_instant(date: Date) -> String {
    date.at(23, 59, 59, 0)
        .to_zoned(municipal_tz())
        .map(|z| z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string())
        .unwrap_or_else(|_| format!("{date}T23:59:59Z"))
}

/// One request as Open311 shows it.
pub fn request_node(app: &AppState, r: &Open311Request, extensions: bool) -> Node {
    let known = service(&r.service_code);
    let public = known.is_some_and(|s| s.public) && !r.anonymised;
    let description = public.then(|| r.body.split(ANSWERS_MARKER).next().unwrap_or("").to_owned());
    let agency = match (&r.forwarded_to, &r.department_name) {
        (Some(to), _) if r.status == priemna_domain::Status::Forwarded => to.clone(),
        (_, Some(department)) => format!("{}, {department}", app.open311.agency),
        _ => app.open311.agency.clone(),
    };
    let location = r.location.filter(|_| public);
    let mut fields = vec![
        ("service_request_id", Node::text(r.number.to_string())),
        ("status", Node::text(open_or_closed(r.status))),
        ("status_notes", Node::text(status_notes(r))),
        ("service_name", Node::opt_text(known.map(|s| s.name))),
        ("service_code", Node::text(r.service_code.clone())),
        ("description", Node::opt_text(description)),
        ("agency_responsible", Node::text(agency)),
        (
            "service_notice",
            Node::opt_text(known.and_then(|s| s.notice)),
        ),
        ("requested_datetime", Node::text(local_time(r.received_at))),
        (
            "updated_datetime",
            Node::text(local_time(r.updated_at.unwrap_or(r.received_at))),
        ),
        (
            "expected_datetime",
            Node::opt_text(r.answer_due.map(deadline_instant)),
        ),
        (
            "address",
            Node::opt_text(r.address.clone().filter(|_| public)),
        ),
        ("address_id", Node::Null),
        ("zipcode", Node::Null),
        (
            "lat",
            location.map(|p| Node::Float(p.lat)).unwrap_or(Node::Null),
        ),
        (
            "long",
            location.map(|p| Node::Float(p.long)).unwrap_or(Node::Null),
        ),
        (
            "media_url",
            Node::opt_text(r.media_url.clone().filter(|_| public)),
        ),
    ];
    if extensions {
        let attributes = known
            .map(|s| {
                let mut list: Vec<_> = s.attributes.iter().collect();
                list.sort_by_key(|a| a.order);
                list.into_iter()
                    .filter_map(|a| {
                        let values = r.attributes.get(a.code)?;
                        Some(Node::Object(vec![
                            ("code", Node::text(a.code)),
                            ("description", Node::text(a.description)),
                            (
                                "values",
                                Node::list(
                                    "value",
                                    values
                                        .iter()
                                        .map(|v| {
                                            let name = a
                                                .values
                                                .iter()
                                                .find(|(key, _)| key == v)
                                                .map(|(_, name)| (*name).to_owned())
                                                .unwrap_or_else(|| v.clone());
                                            Node::Object(vec![
                                                ("key", Node::text(v.clone())),
                                                ("name", Node::text(name)),
                                            ])
                                        })
                                        .collect(),
                                ),
                            ),
                        ]))
                    })
                    .collect()
            })
            .unwrap_or_default();
        fields.push(("attributes", Node::list("attribute", attributes)));
        fields.push((
            "extended_attributes",
            Node::Object(vec![
                ("registration_number", Node::text(r.number.to_string())),
                ("kind", Node::text(r.kind.as_str())),
                ("priemna_status", Node::text(r.status.as_str())),
                ("priemna_status_label", Node::text(r.status.label_bg())),
                ("fms_status", Node::text(fms_status(r.status))),
                ("considered", Node::Bool(r.considered)),
                (
                    "answer_due",
                    Node::opt_text(r.answer_due.map(|d| d.to_string())),
                ),
            ]),
        ));
        fields.push((
            "notes",
            Node::list(
                "note",
                r.history
                    .iter()
                    .map(|e| {
                        Node::Object(vec![
                            ("datetime", Node::text(local_time(e.at))),
                            ("type", Node::text("status_change")),
                            ("status", Node::text(open_or_closed(e.status))),
                            ("summary", Node::text(step_note(e.status))),
                        ])
                    })
                    .collect(),
            ),
        ));
    }
    Node::Object(fields)
}

fn requests_doc(app: &AppState, rows: &[Open311Request], extensions: bool) -> Doc {
    Doc::list(
        "service_requests",
        "request",
        rows.iter()
            .map(|r| request_node(app, r, extensions))
            .collect(),
    )
}

/// A W3C date-time with its time zone, or a plain date (its start, or for `end`, its end, in
/// the municipal time zone).
fn parse_when(value: &str, end: bool) -> Option<Timestamp> {
    if let Ok(at) = value.parse::<Timestamp>() {
        return Some(at);
    }
    // A plain date only: a date-time without its time zone is refused, as the spec says.
    if value.len() != 10 {
        return None;
    }
    let date: Date = value.parse().ok()?;
    let time = if end {
        date.at(23, 59, 59, 0)
    } else {
        date.at(0, 0, 0, 0)
    };
    time.to_zoned(municipal_tz()).ok().map(|z| z.timestamp())
}

/// `start_date` … `end_date`, defaulting to the most recent 90 days; at most 90 days apart.
fn window(
    params: &Params,
    now: Timestamp,
    lang: Lang,
    errors: &mut Vec<String>,
) -> (Option<Timestamp>, Option<Timestamp>) {
    let mut date = |name: &str, end: bool| -> Option<Timestamp> {
        let value = params.get(name)?;
        let parsed = parse_when(value, end);
        if parsed.is_none() {
            errors.push(match lang {
                Lang::Bg => format!(
                    "{name}: „{value}“ не е дата и час по W3C с часова зона, напр. 2026-05-01T00:00:00Z или 2026-05-01T00:00:00+03:00."
                ),
                Lang::En => format!(
                    "{name}: \"{value}\" is not a W3C date-time with a time zone, e.g. 2026-05-01T00:00:00Z or 2026-05-01T00:00:00+03:00."
                ),
            });
        }
        parsed
    };
    let given_start = params.get("start_date").is_some();
    let given_end = params.get("end_date").is_some();
    let start = date("start_date", false);
    let end = date("end_date", true);
    if (given_start && start.is_none()) || (given_end && end.is_none()) {
        return (None, None);
    }
    let span = SignedDuration::from_hours(24 * MAX_SPAN_DAYS);
    let (from, to) = match (start, end) {
        (Some(s), Some(e)) => (s, e),
        (Some(s), None) => (s, s.checked_add(span).unwrap_or(s)),
        (None, Some(e)) => (e.checked_sub(span).unwrap_or(e), e),
        (None, None) => (now.checked_sub(span).unwrap_or(now), now),
    };
    if to < from {
        errors.push(super::say(
            lang,
            "end_date: крайната дата е преди началната.",
            "end_date: the end date is before the start date.",
        ));
    } else if to.duration_since(from) > span {
        errors.push(match lang {
            Lang::Bg => format!(
                "start_date, end_date: периодът е по-дълъг от {MAX_SPAN_DAYS} дни; разделете търсенето."
            ),
            Lang::En => format!(
                "start_date, end_date: the span is longer than {MAX_SPAN_DAYS} days; split the search."
            ),
        });
    }
    (Some(from), Some(to))
}

/// `page` (from 1) and `page_size` (1…1000, by default 1000).
fn paging(params: &Params, lang: Lang, errors: &mut Vec<String>) -> (u32, u32) {
    let mut number = |name: &str, default: u32, max: u32| -> u32 {
        match params.get(name) {
            None => default,
            Some(v) => match v.parse::<u32>() {
                Ok(n) if (1..=max).contains(&n) => n,
                _ => {
                    errors.push(match lang {
                        Lang::Bg => format!("{name}: „{v}“ не е цяло число от 1 до {max}."),
                        Lang::En => {
                            format!("{name}: \"{v}\" is not a whole number from 1 to {max}.")
                        }
                    });
                    default
                }
            },
        }
    };
    let page = number("page", 1, 1_000_000);
    let size = number("page_size", MAX_PAGE_SIZE, MAX_PAGE_SIZE);
    (size, (page - 1).saturating_mul(size))
}

fn flag(params: &Params, name: &str, lang: Lang, errors: &mut Vec<String>) -> bool {
    match params.get(name) {
        None => false,
        Some("true" | "1") => true,
        Some("false" | "0") => false,
        Some(v) => {
            errors.push(match lang {
                Lang::Bg => format!("{name}: „{v}“ трябва да е true или false."),
                Lang::En => format!("{name}: \"{v}\" must be true or false."),
            });
            false
        }
    }
}

fn bad_number(value: &str, lang: Lang) -> String {
    match lang {
        Lang::Bg => {
            format!("service_request_id: „{value}“ не е номер на заявка (напр. 2026-000123).")
        }
        Lang::En => {
            format!("service_request_id: \"{value}\" is not a request number (e.g. 2026-000123).")
        }
    }
}

/// The listing a `GET requests` asks for, or every problem with its parameters.
fn query(
    app: &AppState,
    params: &Params,
    lang: Lang,
) -> Result<(Open311Query, bool), Open311Error> {
    let mut errors = Vec::new();
    let mut query = Open311Query::default();
    for id in params.list("service_request_id") {
        match id.parse::<RegistrationNumber>() {
            Ok(n) => query.numbers.push(n),
            Err(_) => errors.push(bad_number(&id, lang)),
        }
    }
    for code in params.list("service_code") {
        if service(&code).is_some() {
            query.service_codes.push(code);
        } else {
            errors.push(match lang {
                Lang::Bg => {
                    format!("service_code: няма услуга „{code}“; списъкът е в services.xml.")
                }
                Lang::En => format!("service_code: no service \"{code}\"; see services.xml."),
            });
        }
    }
    let (mut want_open, mut want_closed) = (false, false);
    for status in params.list("status") {
        match status.to_ascii_lowercase().as_str() {
            "open" => want_open = true,
            "closed" => want_closed = true,
            _ => errors.push(match lang {
                Lang::Bg => format!("status: „{status}“ не е open или closed."),
                Lang::En => format!("status: \"{status}\" is not open or closed."),
            }),
        }
    }
    query.open = match (want_open, want_closed) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => None,
    };
    if query.numbers.is_empty() {
        let (from, to) = window(params, app.clock.now(), lang, &mut errors);
        query.from = from;
        query.to = to;
    }
    let (limit, offset) = paging(params, lang, &mut errors);
    query.limit = limit;
    query.offset = offset;
    let extensions = flag(params, "extensions", lang, &mut errors);
    query.with_history = extensions;
    if errors.is_empty() {
        Ok((query, extensions))
    } else {
        Err(Open311Error::bad_request(errors))
    }
}

/// `GET requests.{format}`.
pub async fn list(
    State(app): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    format: Format,
) -> Response {
    let lang = Lang::from_headers(&headers);
    let params = Params::from_query(raw.as_deref());
    let outcome = async {
        check_jurisdiction(&app, &params, lang)?;
        let (query, extensions) = query(&app, &params, lang)?;
        let rows = app
            .store
            .open311_requests(&query)
            .await
            .map_err(|e| Open311Error::store(e, lang))?;
        Ok((StatusCode::OK, requests_doc(&app, &rows, extensions)))
    }
    .await;
    reply(format, outcome)
}

fn no_request(id: &str, lang: Lang) -> Open311Error {
    Open311Error::not_found(match lang {
        Lang::Bg => format!("service_request_id: няма заявка „{id}“."),
        Lang::En => format!("service_request_id: no request \"{id}\"."),
    })
}

/// `GET requests/{id}.{format}`: the request, still in a list as the spec says.
pub async fn one(
    app: AppState,
    lang: Lang,
    id: String,
    params: Params,
) -> Result<(StatusCode, Doc), Open311Error> {
    let mut errors = Vec::new();
    let extensions = flag(&params, "extensions", lang, &mut errors);
    if !errors.is_empty() {
        return Err(Open311Error::bad_request(errors));
    }
    let number: RegistrationNumber = id.parse().map_err(|_| no_request(&id, lang))?;
    let query = Open311Query {
        numbers: vec![number],
        with_history: extensions,
        limit: 1,
        ..Open311Query::default()
    };
    let rows = app
        .store
        .open311_requests(&query)
        .await
        .map_err(|e| Open311Error::store(e, lang))?;
    if rows.is_empty() {
        return Err(no_request(&id, lang));
    }
    Ok((StatusCode::OK, requests_doc(&app, &rows, extensions)))
}

/// `GET tokens/{token}.{format}`: the request a batch client's token stands for.
pub async fn token(
    app: AppState,
    lang: Lang,
    token: String,
    _params: Params,
) -> Result<(StatusCode, Doc), Open311Error> {
    let found = app
        .store
        .open311_token(&token)
        .await
        .map_err(|e| Open311Error::store(e, lang))?;
    let Some(number) = found else {
        return Err(Open311Error::not_found(match lang {
            Lang::Bg => format!("token: няма заявка с токен „{token}“."),
            Lang::En => format!("token: no request with the token \"{token}\"."),
        }));
    };
    Ok((
        StatusCode::OK,
        Doc::list(
            "service_requests",
            "request",
            vec![Node::Object(vec![
                ("service_request_id", Node::text(number.to_string())),
                ("token", Node::text(token)),
            ])],
        ),
    ))
}

/// `GET servicerequestupdates.{format}` (FixMyStreet): every step of every Open311 request in
/// the window, oldest first, so that a site can follow our cases.
pub async fn updates(
    State(app): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    format: Format,
) -> Response {
    let lang = Lang::from_headers(&headers);
    let params = Params::from_query(raw.as_deref());
    let outcome = async {
        check_jurisdiction(&app, &params, lang)?;
        let mut errors = Vec::new();
        let (from, to) = window(&params, app.clock.now(), lang, &mut errors);
        let (limit, offset) = paging(&params, lang, &mut errors);
        if !errors.is_empty() {
            return Err(Open311Error::bad_request(errors));
        }
        let rows = app
            .store
            .open311_updates(&Open311UpdatesQuery {
                from,
                to,
                limit,
                offset,
            })
            .await
            .map_err(|e| Open311Error::store(e, lang))?;
        let items = rows
            .iter()
            .map(|u| {
                Node::Object(vec![
                    ("update_id", Node::text(u.id.to_string())),
                    ("service_request_id", Node::text(u.number.to_string())),
                    ("status", Node::text(fms_status(u.status))),
                    ("updated_datetime", Node::text(local_time(u.at))),
                    ("description", Node::text(step_note(u.status))),
                    ("media_url", Node::Null),
                ])
            })
            .collect();
        Ok((
            StatusCode::OK,
            Doc::list("service_request_updates", "request_update", items),
        ))
    }
    .await;
    reply(format, outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_with_zones_or_plain_days() {
        assert_eq!(
            parse_when("2026-05-01T00:00:00Z", false),
            Some("2026-05-01T00:00:00Z".parse().unwrap())
        );
        assert_eq!(
            parse_when("2026-05-01", false),
            Some("2026-04-30T21:00:00Z".parse().unwrap())
        );
        assert_eq!(
            parse_when("2026-05-01", true),
            Some("2026-05-01T20:59:59Z".parse().unwrap())
        );
        assert_eq!(parse_when("2026-05-01T10:00:00", false), None);
        assert_eq!(parse_when("yesterday", false), None);
    }

    #[test]
    fn deadlines_end_at_midnight_in_sofia() {
        assert_eq!(
            deadline_instant(jiff::civil::date(2026, 1, 15)),
            "2026-01-15T23:59:59+02:00"
        );
        assert_eq!(
            deadline_instant(jiff::civil::date(2026, 7, 15)),
            "2026-07-15T23:59:59+03:00"
        );
    }
}
