//! How the charter is kept, in figures.
//!
//! Each case contributes to *cells*: one per month of receipt and per value of each breakdown
//! (kind, channel, department, service category, department × kind, the rule a case was left
//! unanswered under). A cell holds a [`Tally`] — counts, the days each answer took (a
//! histogram, so that medians and percentiles of any period can be merged exactly) and the
//! citizens' ratings. A month's cells are a pure function of the cases received in it, so the
//! store can keep them pre-aggregated and recompute a month when one of its cases changes; a
//! [`Report`] for any period is then a merge of a few thousand cells, whatever the size of the
//! register.

use crate::{Channel, DepartmentId, Kind, Status};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// What the statistics know of one case: no personal data and no text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatCase {
    /// The municipal date of receipt.
    pub received: Date,
    pub kind: Kind,
    pub channel: Channel,
    pub department_id: Option<DepartmentId>,
    /// The Open311 service (problem category), when the case came with one.
    pub category: Option<String>,
    pub status: Status,
    /// The final date for the answer, after any lawful extension.
    pub answer_due: Option<Date>,
    /// The deadline was extended for an inspection.
    pub deadline_extended: bool,
    /// The municipal date of the written answer.
    pub answered: Option<Date>,
    /// The charter rule under which the case was left unanswered.
    pub not_considered_rule: Option<String>,
    /// Sent on to the competent body (and perhaps closed since).
    pub forwarded: bool,
    /// Merged into another case (and perhaps closed since).
    pub merged: bool,
    /// Open and past its deadline, as the deadline job last rated it.
    pub overdue: bool,
    /// The citizen's rating, 1 (very dissatisfied) … 5 (very satisfied).
    pub rating: Option<u8>,
}

/// Where a case stands, for the statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Answered by the final date (or with no date set by law); `days` from receipt.
    AnsweredOnTime {
        days: u32,
    },
    AnsweredLate {
        days: u32,
    },
    /// Left unanswered under a charter rule.
    NotConsidered,
    /// Sent on to the competent body.
    Forwarded,
    /// Merged into another case about the same problem.
    Merged,
    /// Finished without a written answer (e.g. praise, an opinion noted).
    ClosedWithoutAnswer,
    Open,
    /// Open and past its deadline.
    Overdue,
}

/// Classifies a case. A reopened case counts as open even if it was answered before; a closed
/// case counts by how it was finished (answered, left unanswered, forwarded, merged).
pub fn outcome(case: &StatCase) -> Outcome {
    if case.status.is_open() {
        return if case.overdue {
            Outcome::Overdue
        } else {
            Outcome::Open
        };
    }
    match case.status {
        Status::NotConsidered => return Outcome::NotConsidered,
        Status::Forwarded => return Outcome::Forwarded,
        Status::Duplicate => return Outcome::Merged,
        _ => {}
    }
    if let Some(answered) = case.answered {
        let days = days_between(case.received, answered);
        return match case.answer_due {
            Some(due) if answered > due => Outcome::AnsweredLate { days },
            _ => Outcome::AnsweredOnTime { days },
        };
    }
    if case.not_considered_rule.is_some() {
        Outcome::NotConsidered
    } else if case.forwarded {
        Outcome::Forwarded
    } else if case.merged {
        Outcome::Merged
    } else {
        Outcome::ClosedWithoutAnswer
    }
}

/// Whole calendar days from `from` to `to`; 0 for an answer on the day of receipt (or a date
/// recorded before it).
fn days_between(from: Date, to: Date) -> u32 {
    // A span between two dates has days as its largest unit.
    from.until(to)
        .map(|span| u32::try_from(span.get_days()).unwrap_or(0))
        .unwrap_or(0)
}

/// The figures of one cell, or of any merge of cells.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Tally {
    pub received: u64,
    /// Answered in writing (on time or late).
    pub answered: u64,
    pub on_time: u64,
    pub late: u64,
    /// Cases whose deadline was extended for an inspection.
    pub extended: u64,
    pub not_considered: u64,
    pub forwarded: u64,
    pub merged: u64,
    pub closed_without_answer: u64,
    /// Open, within the deadline.
    pub open: u64,
    /// Open, past the deadline.
    pub overdue: u64,
    /// Days from receipt to answer → number of answers that took that many days.
    pub answer_days: BTreeMap<u32, u64>,
    /// Ratings 1 … 5: how many of each.
    pub ratings: [u64; 5],
}

impl Tally {
    pub fn add(&mut self, case: &StatCase) {
        self.received += 1;
        if case.deadline_extended {
            self.extended += 1;
        }
        match outcome(case) {
            Outcome::AnsweredOnTime { days } => {
                self.answered += 1;
                self.on_time += 1;
                *self.answer_days.entry(days).or_default() += 1;
            }
            Outcome::AnsweredLate { days } => {
                self.answered += 1;
                self.late += 1;
                *self.answer_days.entry(days).or_default() += 1;
            }
            Outcome::NotConsidered => self.not_considered += 1,
            Outcome::Forwarded => self.forwarded += 1,
            Outcome::Merged => self.merged += 1,
            Outcome::ClosedWithoutAnswer => self.closed_without_answer += 1,
            Outcome::Open => self.open += 1,
            Outcome::Overdue => self.overdue += 1,
        }
        if let Some(rating) = case.rating.filter(|r| (1..=5).contains(r)) {
            self.ratings[usize::from(rating - 1)] += 1;
        }
    }

    pub fn merge(&mut self, other: &Tally) {
        self.received += other.received;
        self.answered += other.answered;
        self.on_time += other.on_time;
        self.late += other.late;
        self.extended += other.extended;
        self.not_considered += other.not_considered;
        self.forwarded += other.forwarded;
        self.merged += other.merged;
        self.closed_without_answer += other.closed_without_answer;
        self.open += other.open;
        self.overdue += other.overdue;
        for (days, count) in &other.answer_days {
            *self.answer_days.entry(*days).or_default() += count;
        }
        for (mine, theirs) in self.ratings.iter_mut().zip(other.ratings) {
            *mine += theirs;
        }
    }

    /// Answers given on time, as a share of all answers; `None` with no answers.
    pub fn on_time_share(&self) -> Option<f64> {
        share(self.on_time, self.answered)
    }

    /// Of the cases that had to be answered by now (answered, or open past the deadline), the
    /// share answered on time: an overdue case counts against the charter before it is answered.
    pub fn kept_share(&self) -> Option<f64> {
        share(self.on_time, self.answered + self.overdue)
    }

    /// Days to answer at percentile `p` (0 < p ≤ 1), by the nearest-rank method: the smallest
    /// number of days within which at least `p` of the answers were given.
    pub fn answer_days_percentile(&self, p: f64) -> Option<u32> {
        let total: u64 = self.answer_days.values().sum();
        if total == 0 || !(p > 0.0 && p <= 1.0) {
            return None;
        }
        let rank = ((p * total as f64).ceil() as u64).clamp(1, total);
        let mut seen = 0;
        for (days, count) in &self.answer_days {
            seen += count;
            if seen >= rank {
                return Some(*days);
            }
        }
        None
    }

    pub fn median_days(&self) -> Option<u32> {
        self.answer_days_percentile(0.5)
    }

    pub fn p90_days(&self) -> Option<u32> {
        self.answer_days_percentile(0.9)
    }

    pub fn rating_count(&self) -> u64 {
        self.ratings.iter().sum()
    }

    /// The mean rating, 1 … 5; `None` with no ratings.
    pub fn mean_rating(&self) -> Option<f64> {
        let count = self.rating_count();
        let sum: u64 = self
            .ratings
            .iter()
            .zip(1u64..)
            .map(|(count, score)| count * score)
            .sum();
        (count > 0).then(|| sum as f64 / count as f64)
    }

    /// Ratings of 4 or 5, as a share of all ratings.
    pub fn satisfied_share(&self) -> Option<f64> {
        share(self.ratings[3] + self.ratings[4], self.rating_count())
    }

    pub fn is_empty(&self) -> bool {
        self.received == 0
    }
}

fn share(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// A calendar month, `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i16,
    month: i8,
}

impl Month {
    pub fn new(year: i16, month: i8) -> Option<Month> {
        ((1..=12).contains(&month) && (1900..=9999).contains(&year))
            .then_some(Month { year, month })
    }

    pub fn of(date: Date) -> Month {
        Month {
            year: date.year(),
            month: date.month(),
        }
    }

    pub fn year(self) -> i16 {
        self.year
    }

    pub fn month(self) -> i8 {
        self.month
    }

    pub fn first_day(self) -> Date {
        Date::new(self.year, self.month, 1).unwrap_or(Date::MIN)
    }

    pub fn next(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// `YYYY-MM`, or `None`.
    pub fn parse(text: &str) -> Option<Month> {
        let (year, month) = text.split_once('-')?;
        if year.len() != 4 || month.len() != 2 {
            return None;
        }
        Month::new(year.parse().ok()?, month.parse().ok()?)
    }

    pub fn label_bg(self) -> String {
        const NAMES: [&str; 12] = [
            "януари",
            "февруари",
            "март",
            "април",
            "май",
            "юни",
            "юли",
            "август",
            "септември",
            "октомври",
            "ноември",
            "декември",
        ];
        format!(
            "{} {}",
            NAMES[usize::from(self.month.unsigned_abs() - 1)],
            self.year
        )
    }

    pub fn label_en(self) -> String {
        const NAMES: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        format!(
            "{} {}",
            NAMES[usize::from(self.month.unsigned_abs() - 1)],
            self.year
        )
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// The months from `from` to `to`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Month,
    pub to: Month,
}

impl Period {
    pub fn new(from: Month, to: Month) -> Option<Period> {
        (from <= to).then_some(Period { from, to })
    }

    pub fn year(year: i16) -> Option<Period> {
        Period::new(Month::new(year, 1)?, Month::new(year, 12)?)
    }

    pub fn months(self) -> impl Iterator<Item = Month> {
        std::iter::successors(Some(self.from), move |m| {
            let next = m.next();
            (next <= self.to).then_some(next)
        })
    }

    pub fn contains(self, month: Month) -> bool {
        self.from <= month && month <= self.to
    }
}

/// A breakdown of the figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dimension {
    /// Every case (one cell per month).
    All,
    Kind,
    Channel,
    Department,
    Category,
    DepartmentKind,
    /// The charter rule a case was left unanswered under (only such cases).
    Rule,
}

impl Dimension {
    pub const ALL: [Dimension; 7] = [
        Dimension::All,
        Dimension::Kind,
        Dimension::Channel,
        Dimension::Department,
        Dimension::Category,
        Dimension::DepartmentKind,
        Dimension::Rule,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::All => "all",
            Dimension::Kind => "kind",
            Dimension::Channel => "channel",
            Dimension::Department => "department",
            Dimension::Category => "category",
            Dimension::DepartmentKind => "department_kind",
            Dimension::Rule => "rule",
        }
    }

    pub fn parse(s: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

/// The value a cell stands for when there is none (no department, no service category).
pub const NONE_VALUE: &str = "none";

/// One cell: a month, a breakdown and its value (e.g. `2026-03`, kind, `complaint`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CellKey {
    pub month: Month,
    pub dimension: Dimension,
    pub value: String,
}

fn department_value(id: Option<DepartmentId>) -> String {
    id.map_or_else(|| NONE_VALUE.to_owned(), |id| id.to_string())
}

/// The cells a case contributes to.
pub fn cell_keys(case: &StatCase) -> Vec<CellKey> {
    let month = Month::of(case.received);
    let key = |dimension, value: String| CellKey {
        month,
        dimension,
        value,
    };
    let department = department_value(case.department_id);
    let mut keys = vec![
        key(Dimension::All, String::new()),
        key(Dimension::Kind, case.kind.as_str().to_owned()),
        key(Dimension::Channel, case.channel.as_str().to_owned()),
        key(
            Dimension::DepartmentKind,
            format!("{department}/{}", case.kind.as_str()),
        ),
        key(Dimension::Department, department),
        key(
            Dimension::Category,
            case.category
                .clone()
                .unwrap_or_else(|| NONE_VALUE.to_owned()),
        ),
    ];
    if outcome(case) == Outcome::NotConsidered {
        keys.push(key(
            Dimension::Rule,
            case.not_considered_rule
                .clone()
                .unwrap_or_else(|| NONE_VALUE.to_owned()),
        ));
    }
    keys
}

/// The cells of a set of cases (typically one month's).
pub fn tally<'a>(cases: impl IntoIterator<Item = &'a StatCase>) -> BTreeMap<CellKey, Tally> {
    let mut cells: BTreeMap<CellKey, Tally> = BTreeMap::new();
    for case in cases {
        add_case(&mut cells, case);
    }
    cells
}

/// Adds one case to the cells it belongs to (for tallying cases as they stream in).
pub fn add_case(cells: &mut BTreeMap<CellKey, Tally>, case: &StatCase) {
    for key in cell_keys(case) {
        cells.entry(key).or_default().add(case);
    }
}

/// The figures of a period, merged from its cells.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Report {
    pub total: Tally,
    /// Every month of the period, in order, empty ones included.
    pub by_month: Vec<(Month, Tally)>,
    /// Every kind, in the charter's order, empty ones included.
    pub by_kind: Vec<(Kind, Tally)>,
    /// Every channel, empty ones included.
    pub by_channel: Vec<(Channel, Tally)>,
    /// Departments that received cases (`None`: not yet routed), most cases first.
    pub by_department: Vec<(Option<DepartmentId>, Tally)>,
    /// Service categories that received cases (`None`: without one), most cases first.
    pub by_category: Vec<(Option<String>, Tally)>,
    /// Department × kind, for the back office.
    pub by_department_kind: Vec<((Option<DepartmentId>, Kind), Tally)>,
    /// Rules cases were left unanswered under, most cases first.
    pub by_rule: Vec<(String, Tally)>,
}

impl Report {
    /// Merges the cells of `period` (cells outside it are ignored).
    pub fn from_cells<'a>(
        cells: impl IntoIterator<Item = (&'a CellKey, &'a Tally)>,
        period: Period,
    ) -> Report {
        let mut months: BTreeMap<Month, Tally> =
            period.months().map(|m| (m, Tally::default())).collect();
        let mut kinds: BTreeMap<&str, Tally> = BTreeMap::new();
        let mut channels: BTreeMap<&str, Tally> = BTreeMap::new();
        let mut departments: BTreeMap<&str, Tally> = BTreeMap::new();
        let mut categories: BTreeMap<&str, Tally> = BTreeMap::new();
        let mut department_kinds: BTreeMap<&str, Tally> = BTreeMap::new();
        let mut rules: BTreeMap<&str, Tally> = BTreeMap::new();
        let mut total = Tally::default();
        for (key, tally) in cells {
            if !period.contains(key.month) {
                continue;
            }
            let target = match key.dimension {
                Dimension::All => {
                    total.merge(tally);
                    months.entry(key.month).or_default()
                }
                Dimension::Kind => kinds.entry(&key.value).or_default(),
                Dimension::Channel => channels.entry(&key.value).or_default(),
                Dimension::Department => departments.entry(&key.value).or_default(),
                Dimension::Category => categories.entry(&key.value).or_default(),
                Dimension::DepartmentKind => department_kinds.entry(&key.value).or_default(),
                Dimension::Rule => rules.entry(&key.value).or_default(),
            };
            target.merge(tally);
        }
        let by_kind = Kind::ALL
            .into_iter()
            .map(|k| (k, kinds.remove(k.as_str()).unwrap_or_default()))
            .collect();
        let by_channel = Channel::ALL
            .into_iter()
            .map(|c| (c, channels.remove(c.as_str()).unwrap_or_default()))
            .collect();
        let by_department = most_first(
            departments
                .into_iter()
                .map(|(v, t)| (parse_department(v), t))
                .collect(),
        );
        let by_category = most_first(
            categories
                .into_iter()
                .map(|(v, t)| ((v != NONE_VALUE).then(|| v.to_owned()), t))
                .collect(),
        );
        let by_department_kind = department_kinds
            .into_iter()
            .filter_map(|(v, t)| {
                let (department, kind) = v.split_once('/')?;
                Some(((parse_department(department), Kind::parse(kind)?), t))
            })
            .collect();
        let by_rule = most_first(rules.into_iter().map(|(v, t)| (v.to_owned(), t)).collect());
        Report {
            total,
            by_month: months.into_iter().collect(),
            by_kind,
            by_channel,
            by_department,
            by_category,
            by_department_kind,
            by_rule,
        }
    }

    /// The figures of one kind in this report.
    pub fn kind(&self, kind: Kind) -> Tally {
        self.by_kind
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, t)| t.clone())
            .unwrap_or_default()
    }
}

fn parse_department(value: &str) -> Option<DepartmentId> {
    value.parse().ok()
}

fn most_first<K>(mut rows: Vec<(K, Tally)>) -> Vec<(K, Tally)> {
    // Stable: equal counts keep the key order they came in.
    rows.sort_by_key(|row| std::cmp::Reverse(row.1.received));
    rows
}

/// The fewest cases a topic (a word of the subjects) must come from, in the period a page shows,
/// before it is published: a word from one or a few submissions could point to a person (a
/// surname, a street of one house) or be pushed onto the official page by anyone.
pub const MIN_TOPIC_CASES: u64 = 5;

/// Whether a case's subject may add words to the published topics. Never a whistleblower's
/// report (sealed), a complaint about an employee (it names them), a case left unconsidered for
/// obscene or insulting language, or a kind whose text is a person's own affair rather than a
/// public matter: an application (what one asks for oneself — aid, a permit) and praise (it
/// names the member of staff thanked). Open311 keeps the text of the charter's kinds out of its
/// listings one case at a time; topics are counted over at least [`MIN_TOPIC_CASES`] cases, so
/// the kinds about public matters — signals, proposals, opinions, comments and complaints about
/// the administration — count.
pub fn subject_feeds_topics(
    kind: Kind,
    sealed: bool,
    about_employee: bool,
    not_considered_rule: Option<&str>,
) -> bool {
    let public_kind = match kind {
        Kind::Signal | Kind::Proposal | Kind::Opinion | Kind::Comment => true,
        Kind::Complaint => !about_employee,
        Kind::Praise | Kind::Application | Kind::CorruptionSignal => false,
    };
    public_kind
        && !sealed
        && !about_employee
        && not_considered_rule != Some(crate::rules::Rule::OffensiveLanguage.as_str())
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_public_matters_feed_the_topics() {
        use super::subject_feeds_topics as feeds;
        for kind in [
            Kind::Signal,
            Kind::Proposal,
            Kind::Opinion,
            Kind::Comment,
            Kind::Complaint,
        ] {
            assert!(feeds(kind, false, false, None), "{kind:?}");
            assert!(
                !feeds(kind, false, true, None),
                "{kind:?} about an employee"
            );
            assert!(!feeds(kind, true, false, None), "{kind:?} sealed");
            assert!(
                !feeds(kind, false, false, Some("offensive_language")),
                "{kind:?}"
            );
            assert!(feeds(kind, false, false, Some("anonymous")), "{kind:?}");
        }
        for kind in [Kind::Praise, Kind::Application, Kind::CorruptionSignal] {
            assert!(!feeds(kind, false, false, None), "{kind:?}");
        }
    }

    use super::*;
    use jiff::civil::date;

    fn case(received: Date, status: Status) -> StatCase {
        StatCase {
            received,
            kind: Kind::Complaint,
            channel: Channel::Web,
            department_id: Some(DepartmentId(3)),
            category: None,
            status,
            answer_due: Some(received.checked_add(jiff::Span::new().days(7)).unwrap()),
            deadline_extended: false,
            answered: None,
            not_considered_rule: None,
            forwarded: false,
            merged: false,
            overdue: false,
            rating: None,
        }
    }

    #[test]
    fn an_answer_on_the_due_date_is_on_time_and_a_day_later_is_late() {
        let mut on_time = case(date(2026, 3, 2), Status::Answered);
        on_time.answered = Some(date(2026, 3, 9));
        assert_eq!(outcome(&on_time), Outcome::AnsweredOnTime { days: 7 });
        let mut late = on_time.clone();
        late.answered = Some(date(2026, 3, 10));
        assert_eq!(outcome(&late), Outcome::AnsweredLate { days: 8 });
        // Closed after the answer: still an answer, judged by its date.
        late.status = Status::Closed;
        assert_eq!(outcome(&late), Outcome::AnsweredLate { days: 8 });
    }

    #[test]
    fn an_answer_without_a_legal_deadline_is_on_time() {
        let mut praise = case(date(2026, 3, 2), Status::Closed);
        praise.answer_due = None;
        praise.answered = Some(date(2026, 5, 2));
        assert_eq!(outcome(&praise), Outcome::AnsweredOnTime { days: 61 });
        praise.answered = None;
        assert_eq!(outcome(&praise), Outcome::ClosedWithoutAnswer);
    }

    #[test]
    fn a_reopened_case_is_open_even_with_an_old_answer() {
        let mut reopened = case(date(2026, 3, 2), Status::InProgress);
        reopened.answered = Some(date(2026, 3, 4));
        assert_eq!(outcome(&reopened), Outcome::Open);
        reopened.overdue = true;
        assert_eq!(outcome(&reopened), Outcome::Overdue);
    }

    #[test]
    fn a_closed_case_counts_by_how_it_was_finished() {
        let mut closed = case(date(2026, 3, 2), Status::Closed);
        closed.forwarded = true;
        assert_eq!(outcome(&closed), Outcome::Forwarded);
        closed.forwarded = false;
        closed.not_considered_rule = Some("offensive_language".into());
        assert_eq!(outcome(&closed), Outcome::NotConsidered);
        assert!(
            cell_keys(&closed)
                .iter()
                .any(|k| k.dimension == Dimension::Rule)
        );
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let mut tally = Tally::default();
        for days in [1, 2, 3, 4, 5, 6, 7, 8, 9, 30] {
            *tally.answer_days.entry(days).or_default() += 1;
        }
        assert_eq!(tally.median_days(), Some(5));
        assert_eq!(tally.p90_days(), Some(9));
        assert_eq!(tally.answer_days_percentile(1.0), Some(30));
        assert_eq!(Tally::default().median_days(), None);
    }

    #[test]
    fn cells_split_by_month_and_merge_across_a_year_boundary() {
        let mut december = case(date(2025, 12, 31), Status::Answered);
        december.answered = Some(date(2026, 1, 5));
        let mut january = case(date(2026, 1, 1), Status::NotConsidered);
        january.not_considered_rule = Some("offensive_language".into());
        january.kind = Kind::Signal;
        let cells = tally([&december, &january]);
        let all_dec = &cells[&CellKey {
            month: Month::new(2025, 12).unwrap(),
            dimension: Dimension::All,
            value: String::new(),
        }];
        assert_eq!((all_dec.received, all_dec.on_time), (1, 1));

        let year_2026 = Report::from_cells(&cells, Period::year(2026).unwrap());
        assert_eq!(year_2026.total.received, 1);
        assert_eq!(year_2026.total.not_considered, 1);
        assert_eq!(year_2026.by_month.len(), 12);
        assert_eq!(year_2026.kind(Kind::Signal).received, 1);
        assert_eq!(year_2026.kind(Kind::Complaint).received, 0);
        assert_eq!(
            year_2026.by_rule,
            vec![("offensive_language".into(), {
                let mut t = Tally::default();
                t.add(&january);
                t
            })]
        );

        let winter =
            Period::new(Month::new(2025, 12).unwrap(), Month::new(2026, 1).unwrap()).unwrap();
        let both = Report::from_cells(&cells, winter);
        assert_eq!(both.total.received, 2);
        assert_eq!(both.by_month.len(), 2);
        assert_eq!(
            both.by_department,
            vec![(Some(DepartmentId(3)), both.total.clone())]
        );
        assert_eq!(both.by_department_kind.len(), 2);
    }

    #[test]
    fn ratings_give_a_mean_and_a_satisfied_share() {
        let mut tally = Tally::default();
        for rating in [5, 4, 2, 5] {
            let mut c = case(date(2026, 2, 1), Status::Closed);
            c.rating = Some(rating);
            tally.add(&c);
        }
        assert_eq!(tally.rating_count(), 4);
        assert_eq!(tally.mean_rating(), Some(4.0));
        assert_eq!(tally.satisfied_share(), Some(0.75));
    }

    #[test]
    fn tallies_survive_their_stored_form() {
        let mut c = case(date(2026, 2, 1), Status::Answered);
        c.answered = Some(date(2026, 2, 3));
        c.rating = Some(3);
        let mut tally = Tally::default();
        tally.add(&c);
        let stored = serde_json::to_string(&tally).unwrap();
        assert_eq!(serde_json::from_str::<Tally>(&stored).unwrap(), tally);
    }

    #[test]
    fn months_parse_and_step_over_the_year() {
        let december = Month::parse("2025-12").unwrap();
        assert_eq!(december.next().to_string(), "2026-01");
        assert_eq!(Month::parse("2025-13"), None);
        assert_eq!(Month::parse("25-01"), None);
        assert_eq!(december.label_bg(), "декември 2025");
    }
}
