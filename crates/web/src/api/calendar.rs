//! The working calendar, legal deadlines and reception hours, for citizens and staff alike.

use super::openapi::{
    CalendarYear, DeadlineAnswer, Hours, NonWorkingDay, ReceptionDay, WorkingSaturday,
};
use crate::error::ApiError;
use crate::extract::Path;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Query, State};
use jiff::civil::{Date, Weekday};
use priemna_domain::calendar::SUPPORTED_YEARS;
use priemna_domain::clock::local_date;
use priemna_domain::deadline::{self, DeadlineRule};
use priemna_domain::submission::{FieldError, Problem};
use std::collections::HashMap;

fn weekday_bg(day: Weekday) -> &'static str {
    match day {
        Weekday::Monday => "понеделник",
        Weekday::Tuesday => "вторник",
        Weekday::Wednesday => "сряда",
        Weekday::Thursday => "четвъртък",
        Weekday::Friday => "петък",
        Weekday::Saturday => "събота",
        Weekday::Sunday => "неделя",
    }
}

fn weekday_en(day: Weekday) -> &'static str {
    match day {
        Weekday::Monday => "Monday",
        Weekday::Tuesday => "Tuesday",
        Weekday::Wednesday => "Wednesday",
        Weekday::Thursday => "Thursday",
        Weekday::Friday => "Friday",
        Weekday::Saturday => "Saturday",
        Weekday::Sunday => "Sunday",
    }
}

fn parse_date_param(query: &HashMap<String, String>, name: &str) -> Result<Option<Date>, ApiError> {
    match query.get(name).map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s
            .parse::<Date>()
            .map(Some)
            .map_err(|_| ApiError::BadRequest(vec![FieldError::new(name, Problem::InvalidDate)])),
    }
}

fn supported_year(date: Date, field: &str) -> Result<Date, ApiError> {
    if SUPPORTED_YEARS.contains(&date.year()) {
        Ok(date)
    } else {
        Err(ApiError::BadRequest(vec![FieldError::new(
            field,
            Problem::UnknownValue {
                allowed: vec!["1990–2200"],
            },
        )]))
    }
}

/// `GET /api/v1/calendar/{year}`: the named non-working days of a year.
#[utoipa::path(
    get,
    path = "/api/v1/calendar/{year}",
    tag = "calendar",
    params(("year" = i32, Path, minimum = 1990, maximum = 2200, description = "A year from 1990 to 2200")),
    responses(
        (status = 200, description = "The year's named non-working days", body = super::openapi::CalendarYear),
        (status = 400, response = super::openapi::BadRequest),
    )
)]
pub async fn year(
    State(app): State<AppState>,
    Path(year): Path<String>,
) -> Result<Json<CalendarYear>, ApiError> {
    let year_error = || {
        ApiError::BadRequest(vec![FieldError::new(
            "year",
            Problem::UnknownValue {
                allowed: vec!["1990–2200"],
            },
        )])
    };
    let year: i16 = year.trim().parse().map_err(|_| year_error())?;
    if !SUPPORTED_YEARS.contains(&year) {
        return Err(year_error());
    }
    let non_working_days = app
        .calendar
        .non_working_days(year)
        .into_iter()
        .map(|d| NonWorkingDay {
            date: d.date.to_string(),
            weekday: weekday_bg(d.date.weekday()).to_owned(),
            name: d.name_bg,
            name_en: d.name_en,
            kind: d.kind,
        })
        .collect();
    let working_saturdays = app
        .calendar
        .working_saturdays(year)
        .into_iter()
        .map(|(date, name)| WorkingSaturday {
            date: date.to_string(),
            name,
        })
        .collect();
    Ok(Json(CalendarYear {
        year: i32::from(year),
        time_zone: priemna_domain::TIME_ZONE.to_owned(),
        weekends_are_non_working: true,
        non_working_days,
        working_saturdays,
    }))
}

/// `GET /api/v1/deadline?received=YYYY-MM-DD&rule=RULE`.
#[utoipa::path(
    get,
    path = "/api/v1/deadline",
    tag = "calendar",
    params(
        ("received" = String, Query, format = Date, pattern = r"^((199[0-9]|2[01][0-9]{2})-((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-8]))|(199[26]|20([02468][048]|[13579][26])|21(0[48]|[2468][048]|[13579][26]))-02-29)$", description = "The date of receipt, YYYY-MM-DD (1990–2199)"),
        ("rule" = super::openapi::DeadlineRuleParam, Query, description = "The rule (the `deadline_` prefix is optional)"),
    ),
    responses(
        (status = 200, description = "The due date, moved off non-working days, with the reason", body = super::openapi::DeadlineAnswer),
        (status = 400, response = super::openapi::BadRequest),
    )
)]
pub async fn deadline(
    State(app): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<DeadlineAnswer>, ApiError> {
    let mut errors = Vec::new();
    let received = match parse_date_param(&query, "received") {
        Ok(Some(d)) => supported_year(d, "received")
            .map_err(|e| {
                if let ApiError::BadRequest(mut f) = e {
                    errors.append(&mut f);
                }
            })
            .ok(),
        Ok(None) => {
            errors.push(FieldError::new("received", Problem::Missing));
            None
        }
        Err(ApiError::BadRequest(mut f)) => {
            errors.append(&mut f);
            None
        }
        Err(e) => return Err(e),
    };
    let rule = match query
        .get("rule")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    {
        None => {
            errors.push(FieldError::new("rule", Problem::Missing));
            None
        }
        Some(s) => DeadlineRule::parse(s).or_else(|| {
            errors.push(FieldError::new(
                "rule",
                Problem::UnknownValue {
                    allowed: DeadlineRule::ALL.iter().map(|r| r.as_str()).collect(),
                },
            ));
            None
        }),
    };
    let (Some(received), Some(rule)) = (received, rule) else {
        return Err(ApiError::BadRequest(errors));
    };
    let due = deadline::due_date(rule, received, &app.calendar);
    let moved = due.due != due.nominal;
    let info = app.calendar.day_info(due.nominal);
    let (why_bg, why_en) = if !moved {
        (None, None)
    } else if let Some(named) = info.reasons.first() {
        (Some(named.name_bg.clone()), Some(named.name_en.clone()))
    } else {
        (
            Some(weekday_bg(due.nominal.weekday()).to_owned()),
            Some(weekday_en(due.nominal.weekday()).to_owned()),
        )
    };
    let explanation_bg = match &why_bg {
        None => format!(
            "Срокът изтича на {} в 24:00 ч.",
            due.due.strftime("%d.%m.%Y")
        ),
        Some(why) => format!(
            "Последният ден {} е неработен ({why}), затова срокът изтича в първия работен ден след него — {} в 24:00 ч.",
            due.nominal.strftime("%d.%m.%Y"),
            due.due.strftime("%d.%m.%Y")
        ),
    };
    let explanation_en = match &why_en {
        None => format!("The deadline ends on {} at midnight.", due.due),
        Some(why) => format!(
            "The last day, {}, is not a working day ({why}), so the deadline moves to the next working day, {}, ending at midnight.",
            due.nominal, due.due
        ),
    };
    Ok(Json(DeadlineAnswer {
        rule: rule.as_str().to_owned(),
        received: received.to_string(),
        nominal: due.nominal.to_string(),
        due: due.due.to_string(),
        moved,
        moved_because: why_bg,
        moved_because_en: why_en,
        description: rule.description_bg().to_owned(),
        description_en: rule.description_en().to_owned(),
        explanation: explanation_bg,
        explanation_en,
    }))
}

/// `GET /api/v1/reception?date=YYYY-MM-DD` (today when no date is given).
#[utoipa::path(
    get,
    path = "/api/v1/reception",
    tag = "calendar",
    params(
        ("date" = Option<String>, Query, pattern = r"^((199[0-9]|2[01][0-9]{2})-((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-8]))|(199[26]|20([02468][048]|[13579][26])|21(0[48]|[2468][048]|[13579][26]))-02-29)?$", description = "The day, YYYY-MM-DD (1990–2199); today when left out or empty"),
    ),
    responses(
        (status = 200, description = "Whether reception is open that day, its hours and the next open day", body = super::openapi::ReceptionDay),
        (status = 400, response = super::openapi::BadRequest),
    )
)]
pub async fn reception(
    State(app): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<ReceptionDay>, ApiError> {
    let date = match parse_date_param(&query, "date")? {
        Some(d) => supported_year(d, "date")?,
        None => local_date(app.clock.now()),
    };
    let r = deadline::reception(date, &app.calendar);
    let (opens, closes) = match r.hours {
        Some((o, c)) => (
            Some(o.strftime("%H:%M").to_string()),
            Some(c.strftime("%H:%M").to_string()),
        ),
        None => (None, None),
    };
    Ok(Json(ReceptionDay {
        date: date.to_string(),
        weekday: weekday_bg(date.weekday()).to_owned(),
        open: r.hours.is_some(),
        hours: r.hours.map(|_| Hours {
            opens: opens.clone(),
            closes: closes.clone(),
        }),
        opens,
        closes,
        closed_reason: r.closed_reason_bg,
        closed_reason_en: r.closed_reason_en,
        next_open_date: r.next_open.to_string(),
    }))
}
