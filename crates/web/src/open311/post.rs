//! `POST requests`: an application posts a citizen's request, form-encoded, with its API key.
//! The request becomes a normal submission through `intake::register_with` — the same checks,
//! the charter's rules, the next number and the legal deadline. Every problem is reported at
//! once, in the spec's error list; nothing is stored unless all is well.

use super::requests::ANSWERS_MARKER;
use super::{Doc, Format, Node, Open311Error, Params, check_jurisdiction, say};
use crate::lang::Lang;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use priemna_app::api_keys::key_hash;
use priemna_app::intake;
use priemna_domain::clock::local_date;
use priemna_domain::services::{GeoPoint, Service, check_answers, service};
use priemna_domain::submission::{FieldError, RawSubmission, RawSubmitter};
use priemna_store::{ApiKey, SubmissionExtras};
use rand::Rng;
use std::collections::BTreeMap;

/// The spec's limit on `description`.
pub const MAX_DESCRIPTION_CHARS: usize = 4000;
const MAX_URL_CHARS: usize = 1000;
const MAX_ID_CHARS: usize = 200;

fn random_hex(bytes: usize) -> String {
    let mut rng = rand::rng();
    (0..bytes)
        .map(|_| format!("{:02x}", rng.random::<u8>()))
        .collect()
}

/// What a domain field is called in Open311.
fn open311_field(field: &str) -> &str {
    match field {
        "subject" | "body" => "description",
        "address" => "address_string",
        "submitter.name" => "first_name",
        "submitter.phone" => "phone",
        "submitter.email" => "email",
        "submitter" => "email, phone",
        "violation_date" => "attribute[occurred_on]",
        other => other,
    }
}

fn field_message(e: &FieldError, lang: Lang) -> String {
    let message = match lang {
        Lang::Bg => e.problem.message_bg(),
        Lang::En => e.problem.message_en(),
    };
    format!("{}: {message}", open311_field(&e.field))
}

/// `attribute[code]=v` and `attribute[code][]=v`, gathered by code.
fn attributes(params: &Params) -> BTreeMap<String, Vec<String>> {
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (key, value) in params.pairs() {
        let Some(rest) = key.strip_prefix("attribute[") else {
            continue;
        };
        let Some((code, tail)) = rest.split_once(']') else {
            continue;
        };
        if !(tail.is_empty() || tail == "[]") || code.is_empty() {
            continue;
        }
        map.entry(code.to_owned()).or_default().push(value.clone());
    }
    map
}

fn is_web_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    rest.is_some_and(|r| {
        !r.is_empty() && !r.starts_with('/') && r.chars().all(|c| c.is_ascii_graphic())
    })
}

/// The first line of `text`, at most `max` characters.
fn excerpt(text: &str, max: usize) -> String {
    let line = text.lines().next().unwrap_or("").trim();
    if line.chars().count() <= max {
        line.to_owned()
    } else {
        let cut: String = line.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

/// What the request asks for, checked; every problem found is in `errors`.
struct Checked {
    service: &'static Service,
    submission: intake::Checked,
    extras: SubmissionExtras,
}

fn check(
    app: &AppState,
    received_at: jiff::Timestamp,
    params: &Params,
    key: &ApiKey,
    lang: Lang,
    errors: &mut Vec<String>,
) -> Option<Checked> {
    let service = match params.get("service_code") {
        None => {
            errors.push(say(
                lang,
                "service_code: задължително е; списъкът с услуги е в services.xml.",
                "service_code: required; the list of services is in services.xml.",
            ));
            None
        }
        Some(code) => {
            let found = service(code);
            if found.is_none() {
                errors.push(match lang {
                    Lang::Bg => {
                        format!("service_code: няма услуга „{code}“; списъкът е в services.xml.")
                    }
                    Lang::En => format!("service_code: no service \"{code}\"; see services.xml."),
                });
            }
            found
        }
    };

    // Where: lat+long, or an address.
    let number = |name: &str, errors: &mut Vec<String>| -> Option<f64> {
        let value = params.get(name)?;
        let parsed = value.parse::<f64>().ok().filter(|v| v.is_finite());
        if parsed.is_none() {
            errors.push(match lang {
                Lang::Bg => format!("{name}: „{value}“ не е число (градуси по WGS 84)."),
                Lang::En => format!("{name}: \"{value}\" is not a number (WGS 84 degrees)."),
            });
        }
        parsed
    };
    let lat = number("lat", errors);
    let long = number("long", errors);
    let location = match (params.get("lat"), params.get("long"), lat, long) {
        (Some(_), Some(_), Some(lat), Some(long)) => {
            let point = GeoPoint::new(lat, long);
            if point.is_none() {
                errors.push(say(
                    lang,
                    "lat, long: извън допустимото (ширина от −90 до 90, дължина от −180 до 180).",
                    "lat, long: out of range (latitude −90 to 90, longitude −180 to 180).",
                ));
            }
            point
        }
        (Some(_), None, _, _) => {
            errors.push(say(
                lang,
                "long: задължително е, когато е дадено lat.",
                "long: required when lat is given.",
            ));
            None
        }
        (None, Some(_), _, _) => {
            errors.push(say(
                lang,
                "lat: задължително е, когато е дадено long.",
                "lat: required when long is given.",
            ));
            None
        }
        _ => None,
    };
    let address = params.get("address_string").map(str::to_owned);
    let has_place =
        params.get("lat").is_some() || params.get("long").is_some() || address.is_some();
    if !has_place && params.get("address_id").is_some() {
        errors.push(say(
            lang,
            "address_id: общината няма адресен регистър за Open311; изпратете lat и long или address_string.",
            "address_id: this jurisdiction has no address repository for Open311; send lat and long or address_string.",
        ));
    } else if !has_place && service.is_some_and(|s| s.needs_location) {
        errors.push(say(
            lang,
            "lat, long, address_string: посочете къде е проблемът — lat и long или address_string.",
            "lat, long, address_string: say where the problem is — lat and long, or address_string.",
        ));
    }

    let description = params.get("description").map(str::to_owned);
    if description
        .as_deref()
        .is_some_and(|d| d.chars().count() > MAX_DESCRIPTION_CHARS)
    {
        errors.push(match lang {
            Lang::Bg => {
                format!("description: текстът е по-дълъг от {MAX_DESCRIPTION_CHARS} знака.")
            }
            Lang::En => format!("description: longer than {MAX_DESCRIPTION_CHARS} characters."),
        });
    }
    let media_url = params.get("media_url").map(str::to_owned);
    if let Some(url) = &media_url
        && (url.chars().count() > MAX_URL_CHARS || !is_web_url(url))
    {
        errors.push(say(
            lang,
            "media_url: очаква се адрес http:// или https:// до 1000 знака.",
            "media_url: expected an http:// or https:// address of at most 1000 characters.",
        ));
    }
    for name in ["device_id", "account_id"] {
        if params
            .get(name)
            .is_some_and(|v| v.chars().count() > MAX_ID_CHARS)
        {
            errors.push(match lang {
                Lang::Bg => format!("{name}: по-дълго от {MAX_ID_CHARS} знака."),
                Lang::En => format!("{name}: longer than {MAX_ID_CHARS} characters."),
            });
        }
    }

    // The service's questions.
    let given = attributes(params);
    let answers = match service {
        Some(s) => match check_answers(s, &given, local_date(received_at)) {
            Ok(a) => Some(a),
            Err(problems) => {
                for (code, problem) in problems {
                    let message = match lang {
                        Lang::Bg => problem.message_bg(),
                        Lang::En => problem.message_en(),
                    };
                    errors.push(format!("attribute[{code}]: {message}"));
                }
                None
            }
        },
        None => None,
    };

    // Who: a name and contacts, or nobody (anonymous).
    let name = [params.get("first_name"), params.get("last_name")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let phone = params.get("phone").map(str::to_owned);
    let email = params.get("email").map(str::to_owned);
    let submitter =
        (!name.is_empty() || phone.is_some() || email.is_some()).then(|| RawSubmitter {
            name: (!name.is_empty()).then_some(name),
            address: None,
            phone,
            email,
            egn: None,
        });

    // With an unknown service, the rest is still checked (as a general signal), so that every
    // problem is reported at once.
    let requested = service;
    let service = service.or_else(|| priemna_domain::services::service("signal"))?;
    let subject = format!(
        "{}: {}",
        service.name,
        address
            .as_deref()
            .map(|a| excerpt(a, 120))
            .or_else(|| description.as_deref().map(|d| excerpt(d, 120)))
            .unwrap_or_default()
    );
    let subject = excerpt(subject.trim_end_matches([':', ' ']), 200);
    let answers = answers.unwrap_or_default();
    let mut lines = answers.summary(service);
    if let Some(p) = location {
        lines.push(format!(
            "Местоположение: {:.6}, {:.6} (https://www.openstreetmap.org/?mlat={:.6}&mlon={:.6})",
            p.lat, p.long, p.lat, p.long
        ));
    }
    if let Some(url) = &media_url {
        lines.push(format!("Снимка: {url}"));
    }
    lines.push(format!("Изпратено чрез Open311 от „{}“.", key.name));
    let body = format!(
        "{}{ANSWERS_MARKER}{}",
        description.as_deref().unwrap_or(service.name),
        lines.join("\n")
    );
    let raw = RawSubmission {
        kind: Some(service.kind.as_str().to_owned()),
        channel: Some("web".to_owned()),
        subject: Some(subject),
        body: Some(body),
        submitter,
        health_or_safety_threat: answers.health_or_safety_threat,
        about_bad_administration: answers.about_bad_administration,
        violation_date: answers.violation_date.map(|d| d.to_string()),
        address,
        // An Open311 key is issued to an application whose terms of use oblige it to ask its
        // users for this consent (README, "Open311"); the key's holder answers
        // for it, and the register journals the consent with the case.
        consent: Some(true),
        ..RawSubmission::default()
    };
    let submission = intake::check(app, &raw, received_at)
        .map_err(|field_errors| {
            for e in field_errors {
                let message = field_message(&e, lang);
                if !errors.contains(&message) {
                    errors.push(message);
                }
            }
        })
        .ok();
    let service = requested?;
    Some(Checked {
        service,
        submission: submission?,
        extras: SubmissionExtras {
            location,
            service_code: Some(service.code.to_owned()),
            media_url,
            attributes: answers.values,
            open311_token: key.token_responses.then(|| random_hex(16)),
            ..SubmissionExtras::default()
        },
    })
}

/// The notice given on posting: what happens next, the number and the legal deadline.
fn receipt_notice(service: &Service, receipt: &intake::Receipt, show_number: bool) -> String {
    let mut parts = Vec::new();
    if let Some(notice) = service.notice {
        parts.push(notice.to_owned());
    }
    if show_number {
        parts.push(format!(
            "Регистрирано с номер {}.",
            receipt.registered.number
        ));
    } else {
        parts.push("Регистрирано.".to_owned());
    }
    if let Some(due) = receipt.assessment.answer_due {
        parts.push(format!(
            "Законовият срок за отговор е {}.",
            due.strftime("%d.%m.%Y")
        ));
    }
    if !receipt.assessment.considered {
        parts.push(
            "По Хартата на клиента анонимните сигнали и искания не се разглеждат, освен когато \
             проблемът застрашава здравето или безопасността на хората; служител ще прегледа \
             подаването."
                .to_owned(),
        );
    }
    parts.join(" ")
}

/// Checks a request's parameters and registers it, received at `received_at`, as posted with
/// `key`. Returns the service, the token (for batch clients) and the receipt.
pub async fn submit(
    app: &AppState,
    params: &Params,
    key: &ApiKey,
    received_at: jiff::Timestamp,
    lang: Lang,
) -> Result<(&'static Service, Option<String>, intake::Receipt), Open311Error> {
    let mut errors = Vec::new();
    let checked = check(app, received_at, params, key, lang, &mut errors);
    let Some(checked) = checked.filter(|_| errors.is_empty()) else {
        return Err(Open311Error::bad_request(errors));
    };
    // Batch clients get a token instead of the number (never both).
    let token = checked.extras.open311_token.clone();
    let receipt = intake::register_checked(
        app,
        checked.submission,
        checked.extras,
        &format!("open311:{}", key.name),
    )
    .await
    .map_err(|e| Open311Error::store(e, lang))?;
    Ok((checked.service, token, receipt))
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| {
            m.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

async fn handle(
    app: &AppState,
    headers: &HeaderMap,
    query: Option<&str>,
    body: Result<Bytes, BytesRejection>,
    lang: Lang,
) -> Result<(StatusCode, Doc), Open311Error> {
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Open311Error {
                status: StatusCode::PAYLOAD_TOO_LARGE,
                problems: vec![super::Problem {
                    code: 413,
                    description: say(
                        lang,
                        "Заявката е твърде голяма (най-много 64 KiB).",
                        "The request is too large (at most 64 KiB).",
                    ),
                }],
            }
        } else {
            Open311Error::bad_request(vec![say(
                lang,
                "Тялото на заявката не може да бъде прочетено.",
                "The request body could not be read.",
            )])
        }
    })?;
    let mut params = Params::from_query(query);
    if !body.is_empty() {
        if !is_form(headers) {
            return Err(Open311Error {
                status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
                problems: vec![super::Problem {
                    code: 415,
                    description: say(
                        lang,
                        "Изпратете заявката като application/x-www-form-urlencoded, както изисква GeoReport v2.",
                        "Send the request as application/x-www-form-urlencoded, as GeoReport v2 requires.",
                    ),
                }],
            });
        }
        params.extend(Params::parse(&body));
    }
    check_jurisdiction(app, &params, lang)?;
    let Some(api_key) = params.get("api_key") else {
        return Err(Open311Error::forbidden(say(
            lang,
            "api_key: за публикуване е нужен API ключ; издава го администратор на Приемна.",
            "api_key: posting needs an API key; an administrator of Priemna issues them.",
        )));
    };
    let key = app
        .store
        .api_key_by_hash(&key_hash(api_key))
        .await
        .map_err(|e| Open311Error::store(e, lang))?
        .ok_or_else(|| {
            Open311Error::forbidden(say(
                lang,
                "api_key: ключът не е валиден или е отменен.",
                "api_key: the key is not valid or was revoked.",
            ))
        })?;

    let (service, token, receipt) = submit(app, &params, &key, app.clock.now(), lang).await?;
    let account_id = Node::opt_text(params.get("account_id"));
    let fields = match token {
        Some(token) => vec![
            ("token", Node::text(token)),
            (
                "service_notice",
                Node::text(receipt_notice(service, &receipt, false)),
            ),
            ("account_id", account_id),
        ],
        None => vec![
            (
                "service_request_id",
                Node::text(receipt.registered.number.to_string()),
            ),
            (
                "service_notice",
                Node::text(receipt_notice(service, &receipt, true)),
            ),
            ("account_id", account_id),
        ],
    };
    Ok((
        StatusCode::CREATED,
        Doc::list("service_requests", "request", vec![Node::Object(fields)]),
    ))
}

/// `POST requests.{format}`.
pub async fn create(
    State(app): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Result<Bytes, BytesRejection>,
    format: Format,
) -> Response {
    let lang = Lang::from_headers(&headers);
    let outcome = handle(&app, &headers, query.as_deref(), body, lang).await;
    super::reply(format, outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_keys() {
        let params = Params::parse(
            b"attribute[problem]=not_lit&attribute[waste][]=a&attribute[waste][]=b&attribute[]=x&attributes[y]=z",
        );
        let map = attributes(&params);
        assert_eq!(map.len(), 2);
        assert_eq!(map["waste"], ["a", "b"]);
    }

    #[test]
    fn urls_and_keys() {
        assert!(is_web_url("https://example.org/p.jpg"));
        assert!(!is_web_url("javascript:alert(1)"));
        assert!(!is_web_url("https://"));
        assert!(!is_web_url("http://a b"));
    }
}
