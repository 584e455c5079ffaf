//! Demo requests, as Open311 applications would post them: problems in public places in
//! Haskovo, with locations and answers to the services' questions. They take the same path as a
//! real POST (`post::submit`), so the demo shows what a client gets back.

use super::post::submit;
use super::{Open311Error, Params};
use crate::lang::Lang;
use crate::state::AppState;
use jiff::{SignedDuration, Timestamp};
use priemna_store::ApiKey;

/// (days ago, the request's parameters)
const SAMPLES: &[(i64, &[(&str, &str)])] = &[
    (
        12,
        &[
            ("service_code", "street_lighting"),
            ("lat", "41.93512"),
            ("long", "25.55521"),
            ("address_string", "ул. „Сан Стефано“ 14"),
            ("description", "Три лампи не светят от седмица."),
            ("attribute[problem]", "not_lit"),
            ("attribute[lamps]", "3"),
            ("first_name", "Петър"),
            ("last_name", "Стоянов"),
            ("email", "petar.stoyanov@example.bg"),
        ],
    ),
    (
        9,
        &[
            ("service_code", "roads_potholes"),
            ("lat", "41.93077"),
            ("long", "25.56341"),
            ("description", "Дълбока дупка до пешеходната пътека."),
            ("attribute[surface]", "road"),
            ("attribute[danger]", "yes"),
        ],
    ),
    (
        6,
        &[
            ("service_code", "stray_animals"),
            ("lat", "41.94102"),
            ("long", "25.54877"),
            ("description", "Глутница кучета до училището."),
            ("attribute[animal]", "dog"),
            ("attribute[count]", "5"),
            ("attribute[danger]", "yes"),
        ],
    ),
    (
        4,
        &[
            ("service_code", "illegal_dumping"),
            ("address_string", "кв. „Орфей“, до гаражите"),
            ("description", "Строителни отпадъци и стари мебели."),
            ("attribute[waste][]", "construction"),
            ("attribute[waste][]", "furniture"),
            ("first_name", "Димитър"),
            ("phone", "0888 765 432"),
        ],
    ),
    (
        2,
        &[
            ("service_code", "water_sewerage"),
            ("lat", "41.93385"),
            ("long", "25.55960"),
            ("description", "Тече вода от шахта на тротоара."),
            ("attribute[danger]", "no"),
            ("first_name", "Анна"),
            ("email", "anna@example.bg"),
        ],
    ),
];

/// Registers the demo requests, spread over the past days; returns their numbers.
pub async fn load(app: &AppState, now: Timestamp) -> Result<Vec<String>, Open311Error> {
    let key = ApiKey {
        id: 0,
        name: "демо приложение".into(),
        key_prefix: String::new(),
        token_responses: false,
        created_at: now,
        created_by: "demo".into(),
        revoked_at: None,
    };
    let mut numbers = Vec::new();
    for (days_ago, form) in SAMPLES {
        let at = now
            .checked_sub(SignedDuration::from_hours(days_ago * 24))
            .unwrap_or(now);
        let params = Params::from_pairs(form);
        let (_, _, receipt) = submit(app, &params, &key, at, Lang::En).await?;
        numbers.push(receipt.registered.number.to_string());
    }
    Ok(numbers)
}
