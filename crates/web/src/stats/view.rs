//! What the statistics' pages, exports and report share: the period a request asks for, the
//! names of what is counted (in Bulgarian and English), the breakdowns as rows, the figures
//! formatted for a reader, and the one JSON document and CSV table of the figures.

use crate::api::openapi::{
    Label, Statistics, StatsBreakdown, StatsMeasures, StatsPeriod, StatsRow, StatsTopic,
};
use crate::error::ApiError;
use crate::lang::Lang;
use jiff::civil::Date;
use priemna_app::stats::StatsView;
use priemna_domain::services;
use priemna_domain::stats::{Month, NONE_VALUE, Period, Tally};
use priemna_domain::submission::{FieldError, Problem};
use priemna_domain::{Channel, DepartmentId, Kind};
use std::collections::{BTreeSet, HashMap};

/// The longest period one request may ask for, in months.
pub const MAX_MONTHS: usize = 120;

fn bad(field: &str, problem: Problem) -> ApiError {
    ApiError::BadRequest(vec![FieldError::new(field, problem)])
}

/// A parameter as given: present but empty is a wrong value, not an absent one.
fn param<'a>(query: &'a HashMap<String, String>, name: &str) -> Option<&'a str> {
    query.get(name).map(String::as_str)
}

/// A year as a parameter: four digits, 1900–9999.
pub fn parse_year(text: &str, field: &str) -> Result<i16, ApiError> {
    let year = (text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse::<i16>().ok())
        .flatten()
        .filter(|y| (1900..=9999).contains(y));
    year.ok_or_else(|| {
        bad(
            field,
            Problem::UnknownValue {
                allowed: vec!["YYYY (1900–9999)"],
            },
        )
    })
}

fn parse_month(text: Option<&str>, field: &str) -> Result<Month, ApiError> {
    let Some(text) = text else {
        return Err(bad(field, Problem::Missing));
    };
    Month::parse(text).ok_or_else(|| {
        bad(
            field,
            Problem::UnknownValue {
                allowed: vec!["YYYY-MM"],
            },
        )
    })
}

/// The period a request asks for: `from`/`to` (`YYYY-MM`, both included), else `year`, else the
/// year of `today`.
pub fn period_from_query(query: &HashMap<String, String>, today: Date) -> Result<Period, ApiError> {
    let (from, to) = (param(query, "from"), param(query, "to"));
    if from.is_some() || to.is_some() {
        let from_month = parse_month(from, "from");
        let to_month = parse_month(to, "to");
        let (from, to) = match (from_month, to_month) {
            (Ok(from), Ok(to)) => (from, to),
            (Err(ApiError::BadRequest(mut a)), Err(ApiError::BadRequest(b))) => {
                a.extend(b);
                return Err(ApiError::BadRequest(a));
            }
            (Err(e), _) | (_, Err(e)) => return Err(e),
        };
        let period = Period::new(from, to).ok_or_else(|| {
            bad(
                "to",
                Problem::UnknownValue {
                    allowed: vec!["YYYY-MM ≥ from"],
                },
            )
        })?;
        if period.months().count() > MAX_MONTHS {
            return Err(bad(
                "to",
                Problem::UnknownValue {
                    allowed: vec!["YYYY-MM ≤ from + 119"],
                },
            ));
        }
        return Ok(period);
    }
    let year = match param(query, "year") {
        Some(text) => parse_year(text, "year")?,
        None => today.year(),
    };
    Period::year(year).ok_or_else(|| {
        bad(
            "year",
            Problem::UnknownValue {
                allowed: vec!["YYYY (1900–9999)"],
            },
        )
    })
}

/// `department=ID`, when given.
pub fn department_from_query(
    query: &HashMap<String, String>,
) -> Result<Option<DepartmentId>, ApiError> {
    match param(query, "department").map(str::trim) {
        None | Some("" | "all") => Ok(None),
        Some(text) => text
            .parse::<DepartmentId>()
            .map(Some)
            .map_err(|_| bad("department", Problem::WrongType { expected: "number" })),
    }
}

/// The period as the reader reads it: "2026", "март 2026 – юни 2026".
pub fn period_label(period: Period, lang: Lang) -> String {
    let whole_year = period.from.month() == 1
        && period.to.month() == 12
        && period.from.year() == period.to.year();
    let month = |m: Month| match lang {
        Lang::Bg => m.label_bg(),
        Lang::En => m.label_en(),
    };
    if whole_year {
        match lang {
            Lang::Bg => format!("{}\u{a0}г.", period.from.year()),
            Lang::En => period.from.year().to_string(),
        }
    } else if period.from == period.to {
        month(period.from)
    } else {
        format!("{} – {}", month(period.from), month(period.to))
    }
}

/// The years among `months`, oldest first.
pub fn years_of(months: &[Month]) -> Vec<i16> {
    months
        .iter()
        .map(|m| m.year())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

// ---- names ---------------------------------------------------------------------------------

/// A charter rule a case was left unanswered under, in Bulgarian and English.
pub fn rule_label(rule: &str) -> (String, String) {
    let (bg, en) = match rule {
        "anonymous_not_considered" => ("анонимно подаване", "anonymous submission"),
        "offensive_language" => (
            "нецензурни изрази или обидни изказвания",
            "obscene words or insults",
        ),
        "personal_data_or_classified" => (
            "въпроси за лични данни или класифицирана информация",
            "questions on personal data or classified information",
        ),
        "violation_older_than_2_years" => (
            "нарушение отпреди повече от две години",
            "a violation more than two years old",
        ),
        NONE_VALUE => ("без посочено правило", "no rule given"),
        other => return (other.to_owned(), other.to_owned()),
    };
    (bg.to_owned(), en.to_owned())
}

/// An Open311 service (problem category) by its code; `None`: submissions without one.
pub fn category_label(code: Option<&str>) -> (String, String) {
    match code {
        None => (
            "без категория (не чрез Open311)".to_owned(),
            "no category (not via Open311)".to_owned(),
        ),
        Some(code) => match services::service(code) {
            Some(service) => (service.name.to_owned(), service.name.to_owned()),
            None => (code.to_owned(), code.to_owned()),
        },
    }
}

/// A breakdown of the figures, as the pages and exports name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Axis {
    Month,
    Kind,
    Channel,
    Department,
    Category,
    Rule,
    /// Department × kind (the back office).
    DepartmentKind,
}

impl Axis {
    /// The breakdowns published (the public page and exports).
    pub const PUBLIC: [Axis; 6] = [
        Axis::Month,
        Axis::Kind,
        Axis::Channel,
        Axis::Department,
        Axis::Category,
        Axis::Rule,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Axis::Month => "month",
            Axis::Kind => "kind",
            Axis::Channel => "channel",
            Axis::Department => "department",
            Axis::Category => "category",
            Axis::Rule => "rule",
            Axis::DepartmentKind => "department_kind",
        }
    }

    /// What the rows are, for a column heading: (Bulgarian, English).
    pub fn heading(self) -> (&'static str, &'static str) {
        match self {
            Axis::Month => ("Месец", "Month"),
            Axis::Kind => ("Вид", "Kind"),
            Axis::Channel => ("Канал", "Channel"),
            Axis::Department => ("Звено", "Department"),
            Axis::Category => ("Категория", "Category"),
            Axis::Rule => ("Основание", "Reason"),
            Axis::DepartmentKind => ("Звено и вид", "Department and kind"),
        }
    }

    /// The breakdown's title: (Bulgarian, English).
    pub fn title(self) -> (&'static str, &'static str) {
        match self {
            Axis::Month => ("По месеци", "By month"),
            Axis::Kind => ("По вид", "By kind"),
            Axis::Channel => ("По канал на подаване", "By channel"),
            Axis::Department => ("По звена", "By department"),
            Axis::Category => ("По категория на проблема", "By service category"),
            Axis::Rule => (
                "Оставени без разглеждане — по основание",
                "Left unanswered — by reason",
            ),
            Axis::DepartmentKind => ("Звено × вид", "Department × kind"),
        }
    }
}

/// One value of a breakdown with its figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The value as exports write it: `2026-03`, `complaint`, a department's id, `none`.
    pub value: String,
    pub label_bg: String,
    pub label_en: String,
    pub tally: Tally,
}

impl Row {
    pub fn label(&self, lang: Lang) -> &str {
        match lang {
            Lang::Bg => &self.label_bg,
            Lang::En => &self.label_en,
        }
    }
}

/// A breakdown's rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Breakdown {
    pub axis: Axis,
    pub rows: Vec<Row>,
}

/// The rows the pages, charts and report draw from a [`StatsView`].
pub trait Breakdowns {
    /// The rows of one breakdown, in the report's order.
    fn breakdown(&self, axis: Axis) -> Breakdown;
    /// One department's cases by kind.
    fn kinds_of_department(&self, department: Option<DepartmentId>) -> Vec<(Kind, Tally)>;
    /// One department's tally.
    fn department(&self, department: Option<DepartmentId>) -> Tally;
}

fn department_row_value(id: Option<DepartmentId>) -> String {
    id.map_or_else(|| NONE_VALUE.to_owned(), |id| id.to_string())
}

impl Breakdowns for StatsView {
    /// The rows of one breakdown, in the report's order.
    fn breakdown(&self, axis: Axis) -> Breakdown {
        let report = &self.report;
        let rows = match axis {
            Axis::Month => report
                .by_month
                .iter()
                .map(|(month, tally)| Row {
                    value: month.to_string(),
                    label_bg: month.label_bg(),
                    label_en: month.label_en(),
                    tally: tally.clone(),
                })
                .collect(),
            Axis::Kind => report
                .by_kind
                .iter()
                .map(|(kind, tally)| kind_row(*kind, tally))
                .collect(),
            Axis::Channel => report
                .by_channel
                .iter()
                .map(|(channel, tally)| channel_row(*channel, tally))
                .collect(),
            Axis::Department => report
                .by_department
                .iter()
                .map(|(id, tally)| Row {
                    value: department_row_value(*id),
                    label_bg: self.department_name(*id, true),
                    label_en: self.department_name(*id, false),
                    tally: tally.clone(),
                })
                .collect(),
            Axis::Category => report
                .by_category
                .iter()
                .map(|(code, tally)| {
                    let (bg, en) = category_label(code.as_deref());
                    Row {
                        value: code.clone().unwrap_or_else(|| NONE_VALUE.to_owned()),
                        label_bg: bg,
                        label_en: en,
                        tally: tally.clone(),
                    }
                })
                .collect(),
            Axis::Rule => report
                .by_rule
                .iter()
                .map(|(rule, tally)| {
                    let (bg, en) = rule_label(rule);
                    Row {
                        value: rule.clone(),
                        label_bg: bg,
                        label_en: en,
                        tally: tally.clone(),
                    }
                })
                .collect(),
            Axis::DepartmentKind => report
                .by_department_kind
                .iter()
                .map(|((id, kind), tally)| Row {
                    value: format!("{}/{}", department_row_value(*id), kind.as_str()),
                    label_bg: format!("{} — {}", self.department_name(*id, true), kind.label_bg()),
                    label_en: format!("{} — {}", self.department_name(*id, false), kind.label_en()),
                    tally: tally.clone(),
                })
                .collect(),
        };
        Breakdown { axis, rows }
    }

    /// The department × kind cells of one department (every kind, empty ones included).
    fn kinds_of_department(&self, department: Option<DepartmentId>) -> Vec<(Kind, Tally)> {
        Kind::ALL
            .into_iter()
            .map(|kind| {
                let tally = self
                    .report
                    .by_department_kind
                    .iter()
                    .find(|((d, k), _)| *d == department && *k == kind)
                    .map(|(_, t)| t.clone())
                    .unwrap_or_default();
                (kind, tally)
            })
            .collect()
    }

    /// The figures of one department (`None`: not yet routed).
    fn department(&self, department: Option<DepartmentId>) -> Tally {
        self.report
            .by_department
            .iter()
            .find(|(d, _)| *d == department)
            .map(|(_, t)| t.clone())
            .unwrap_or_default()
    }
}

fn kind_row(kind: Kind, tally: &Tally) -> Row {
    Row {
        value: kind.as_str().to_owned(),
        label_bg: kind.label_bg().to_owned(),
        label_en: kind.label_en().to_owned(),
        tally: tally.clone(),
    }
}

fn channel_row(channel: Channel, tally: &Tally) -> Row {
    Row {
        value: channel.as_str().to_owned(),
        label_bg: channel.label_bg().to_owned(),
        label_en: channel.label_en().to_owned(),
        tally: tally.clone(),
    }
}

// ---- figures for a reader ------------------------------------------------------------------

/// A whole number: `12 345` (Bulgarian, from ten thousand), `12,345` (English).
pub fn int(n: u64, lang: Lang) -> String {
    let digits = n.to_string();
    let (separator, from) = match lang {
        Lang::Bg => ('\u{a0}', 10_000),
        Lang::En => (',', 1_000),
    };
    if n < from {
        return digits;
    }
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

/// A number with `places` decimals: `4,5` (Bulgarian), `4.5` (English); "—" for none.
pub fn decimal(value: Option<f64>, places: usize, lang: Lang) -> String {
    match value {
        None => "—".to_owned(),
        Some(v) => {
            let text = format!("{v:.places$}");
            match lang {
                Lang::Bg => text.replace('.', ","),
                Lang::En => text,
            }
        }
    }
}

/// A share as a percentage: `83,3 %` (Bulgarian), `83.3%` (English); "—" for none.
pub fn percent(share: Option<f64>, lang: Lang) -> String {
    match share {
        None => "—".to_owned(),
        Some(s) => {
            let number = decimal(Some(s * 100.0), 1, lang);
            match lang {
                Lang::Bg => format!("{number}\u{a0}%"),
                Lang::En => format!("{number}%"),
            }
        }
    }
}

/// Days: `5 дни` / `5 days`, `1 ден` / `1 day`; "—" for none.
pub fn days(value: Option<u32>, lang: Lang) -> String {
    match (value, lang) {
        (None, _) => "—".to_owned(),
        (Some(1), Lang::Bg) => "1 ден".to_owned(),
        (Some(d), Lang::Bg) => format!("{d} дни"),
        (Some(1), Lang::En) => "1 day".to_owned(),
        (Some(d), Lang::En) => format!("{d} days"),
    }
}

// ---- the figures as data -------------------------------------------------------------------

/// Rounded for an export: shares to four decimals, a mean rating to two.
fn rounded(value: Option<f64>, places: i32) -> Option<f64> {
    let factor = 10f64.powi(places);
    value.map(|v| (v * factor).round() / factor)
}

/// Every measure of a tally, as the JSON exports write it.
pub fn measures(t: &Tally) -> StatsMeasures {
    StatsMeasures {
        received: t.received,
        answered: t.answered,
        on_time: t.on_time,
        late: t.late,
        extended: t.extended,
        not_considered: t.not_considered,
        forwarded: t.forwarded,
        merged: t.merged,
        closed_without_answer: t.closed_without_answer,
        open: t.open,
        overdue: t.overdue,
        on_time_share: rounded(t.on_time_share(), 4),
        kept_share: rounded(t.kept_share(), 4),
        median_days: t.median_days(),
        p90_days: t.p90_days(),
        ratings: t.rating_count(),
        ratings_by_score: t.ratings.to_vec(),
        mean_rating: rounded(t.mean_rating(), 2),
        satisfied_share: rounded(t.satisfied_share(), 4),
    }
}

/// The published figures of a period as one JSON document (`/statistics.json` and
/// `/api/v1/statistics`); `years` are the years that have data.
pub fn figures(view: &StatsView, years: &[i16]) -> Statistics {
    let breakdowns = Axis::PUBLIC
        .into_iter()
        .map(|axis| StatsBreakdown {
            dimension: axis.as_str().to_owned(),
            rows: view
                .breakdown(axis)
                .rows
                .into_iter()
                .map(|row| StatsRow {
                    measures: measures(&row.tally),
                    value: row.value,
                    label: Label {
                        bg: row.label_bg,
                        en: row.label_en,
                    },
                })
                .collect(),
        })
        .collect();
    Statistics {
        period: StatsPeriod {
            from: view.period.from.to_string(),
            to: view.period.to.to_string(),
        },
        computed_at: view
            .freshness
            .computed_at
            .map(priemna_domain::clock::local_time),
        stale_months: view.freshness.stale_months,
        years: years.iter().map(|&y| i32::from(y)).collect(),
        total: measures(&view.report.total),
        breakdowns,
        topics: view
            .topics
            .iter()
            .map(|t| StatsTopic {
                label: t.label.clone(),
                count: t.count,
            })
            .collect(),
    }
}

/// The columns of the figures' CSV, after `dimension,value,label_bg,label_en`.
pub const CSV_MEASURES: [&str; 20] = [
    "received",
    "answered",
    "on_time",
    "late",
    "extended",
    "not_considered",
    "forwarded",
    "merged",
    "closed_without_answer",
    "open",
    "overdue",
    "on_time_share",
    "kept_share",
    "median_days",
    "p90_days",
    "ratings",
    "mean_rating",
    "satisfied_share",
    "period_from",
    "period_to",
];

fn optional<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn csv_measures(t: &Tally, period: Period) -> Vec<String> {
    vec![
        t.received.to_string(),
        t.answered.to_string(),
        t.on_time.to_string(),
        t.late.to_string(),
        t.extended.to_string(),
        t.not_considered.to_string(),
        t.forwarded.to_string(),
        t.merged.to_string(),
        t.closed_without_answer.to_string(),
        t.open.to_string(),
        t.overdue.to_string(),
        optional(rounded(t.on_time_share(), 4)),
        optional(rounded(t.kept_share(), 4)),
        optional(t.median_days()),
        optional(t.p90_days()),
        t.rating_count().to_string(),
        optional(rounded(t.mean_rating(), 2)),
        optional(rounded(t.satisfied_share(), 4)),
        period.from.to_string(),
        period.to.to_string(),
    ]
}

/// The published figures as CSV: a `total` row, then one row per value of each breakdown, with
/// every measure.
pub fn figures_csv(view: &StatsView) -> Result<Vec<u8>, ApiError> {
    let internal = |e: csv::Error| ApiError::Internal(format!("statistics CSV: {e}"));
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["dimension", "value", "label_bg", "label_en"];
    header.extend(CSV_MEASURES);
    out.write_record(&header).map_err(internal)?;
    let mut total = vec![
        "total".to_owned(),
        String::new(),
        "общо".to_owned(),
        "total".to_owned(),
    ];
    total.extend(csv_measures(&view.report.total, view.period));
    out.write_record(&total).map_err(internal)?;
    for axis in Axis::PUBLIC {
        for row in view.breakdown(axis).rows {
            let mut record = vec![
                axis.as_str().to_owned(),
                row.value.clone(),
                guard_formula(&row.label_bg),
                guard_formula(&row.label_en),
            ];
            record.extend(csv_measures(&row.tally, view.period));
            out.write_record(&record).map_err(internal)?;
        }
    }
    out.into_inner()
        .map_err(|e| ApiError::Internal(format!("statistics CSV: {e}")))
}

/// A cell a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, a tab or a carriage
/// return first) is written with an apostrophe before it.
pub fn guard_formula(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn fields(e: ApiError) -> Vec<String> {
        match e {
            ApiError::BadRequest(fields) => fields.into_iter().map(|f| f.field).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_period_comes_from_the_year_or_the_months() {
        let today = jiff::civil::date(2026, 5, 4);
        let this_year = period_from_query(&query(&[]), today).unwrap();
        assert_eq!(this_year, Period::year(2026).unwrap());
        let year = period_from_query(&query(&[("year", "2025")]), today).unwrap();
        assert_eq!(year.from.to_string(), "2025-01");
        let months =
            period_from_query(&query(&[("from", "2025-11"), ("to", "2026-02")]), today).unwrap();
        assert_eq!(months.months().count(), 4);

        for bad in ["26", "20x6", "1800", "-2026", "２０２６", "", " 2026"] {
            let e = period_from_query(&query(&[("year", bad)]), today).unwrap_err();
            assert_eq!(fields(e), ["year"], "{bad}");
        }
        let e = period_from_query(&query(&[("from", "2026-13")]), today).unwrap_err();
        assert_eq!(fields(e), ["from", "to"]);
        let e = period_from_query(&query(&[("from", "2026-05"), ("to", "2026-04")]), today)
            .unwrap_err();
        assert_eq!(fields(e), ["to"]);
        let e = period_from_query(&query(&[("from", "2000-01"), ("to", "2026-04")]), today)
            .unwrap_err();
        assert_eq!(fields(e), ["to"]);
        assert_eq!(
            department_from_query(&query(&[("department", "7")])).unwrap(),
            Some(DepartmentId(7))
        );
        assert_eq!(
            department_from_query(&query(&[("department", "")])).unwrap(),
            None
        );
        let e = department_from_query(&query(&[("department", "x")])).unwrap_err();
        assert_eq!(fields(e), ["department"]);
    }

    #[test]
    fn figures_are_written_as_readers_write_them() {
        assert_eq!(int(12_345, Lang::Bg), "12\u{a0}345");
        assert_eq!(int(1_234, Lang::Bg), "1234");
        assert_eq!(int(1_234_567, Lang::En), "1,234,567");
        assert_eq!(percent(Some(0.8333), Lang::Bg), "83,3\u{a0}%");
        assert_eq!(percent(Some(0.5), Lang::En), "50.0%");
        assert_eq!(percent(None, Lang::En), "—");
        assert_eq!(days(Some(1), Lang::Bg), "1 ден");
        assert_eq!(days(Some(12), Lang::En), "12 days");
        let period = Period::new(Month::new(2026, 3).unwrap(), Month::new(2026, 6).unwrap());
        assert_eq!(
            period_label(period.unwrap(), Lang::Bg),
            "март 2026 – юни 2026"
        );
        assert_eq!(
            period_label(Period::year(2026).unwrap(), Lang::Bg),
            "2026\u{a0}г."
        );
    }

    #[test]
    fn spreadsheet_formulas_are_defused() {
        assert_eq!(guard_formula("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(guard_formula("-1"), "'-1");
        assert_eq!(guard_formula("Дупки"), "Дупки");
    }
}
