//! How a case's charter decisions are kept: the rulebook's version, and for each decision its
//! rule, its wording's key and the facts that fill it. The sentences are rendered from the
//! rulebook on reading (`priemna_domain::rulebook`), whose text the register holds once per
//! version (table `rulebook`, migration 0021) instead of a copy in two languages per case.
//!
//! Cases registered before the rulebook was versioned hold their sentences themselves (a JSON
//! array of [`StoredDecision`]); they are read as they are.

use crate::model::StoredDecision;
use crate::{Result, StoreError};
use priemna_domain::rulebook::{self, Facts, Lang};
use priemna_domain::rules::{Decision, Rule};
use serde::{Deserialize, Serialize};

/// The `decisions` column as written now.
#[derive(Serialize, Deserialize)]
struct Recorded<'a> {
    rulebook: u16,
    #[serde(borrow)]
    decisions: Vec<RecordedDecision<'a>>,
}

#[derive(Serialize, Deserialize)]
struct RecordedDecision<'a> {
    rule: &'a str,
    /// Omitted when it is the rule's own identifier (the usual case).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    wording: Option<&'a str>,
    #[serde(default)]
    facts: Facts,
}

/// Either form the column has held.
#[derive(Deserialize)]
#[serde(untagged)]
enum Column<'a> {
    #[serde(borrow)]
    Recorded(Recorded<'a>),
    Sentences(Vec<StoredDecision>),
}

/// The column's text for decisions given now, in the current rulebook's wording.
pub(crate) fn encode(decisions: &[Decision]) -> Result<String> {
    let recorded = Recorded {
        rulebook: rulebook::CURRENT,
        decisions: decisions
            .iter()
            .map(|d| RecordedDecision {
                rule: d.rule.as_str(),
                wording: (d.wording != d.rule.as_str()).then_some(d.wording),
                facts: d.facts.clone(),
            })
            .collect(),
    };
    serde_json::to_string(&recorded).map_err(|e| StoreError::Corrupt(format!("decisions: {e}")))
}

/// The decisions, with their sentences, from the column's text.
pub(crate) fn decode(text: &str) -> Result<Vec<StoredDecision>> {
    let corrupt = |e: &dyn std::fmt::Display| StoreError::Corrupt(format!("decisions: {e}"));
    match serde_json::from_str::<Column>(text).map_err(|e| corrupt(&e))? {
        Column::Sentences(stored) => Ok(stored),
        Column::Recorded(recorded) => {
            let book = rulebook::rulebook(recorded.rulebook).ok_or_else(|| {
                corrupt(&format_args!(
                    "rulebook version {} is unknown to this build",
                    recorded.rulebook
                ))
            })?;
            recorded
                .decisions
                .into_iter()
                .map(|d| {
                    let rule = Rule::parse(d.rule)
                        .ok_or_else(|| corrupt(&format_args!("unknown rule {:?}", d.rule)))?;
                    let wording = d.wording.unwrap_or(d.rule);
                    let text = |lang| {
                        rulebook::render(book, wording, &d.facts, lang).map_err(|e| corrupt(&e))
                    };
                    Ok(StoredDecision {
                        rule: d.rule.to_owned(),
                        reason_bg: text(Lang::Bg)?,
                        reason_en: text(Lang::En)?,
                        needs_review: rule.needs_review(),
                    })
                })
                .collect()
        }
    }
}

/// The rules of the decisions, without rendering their sentences (Open311's list of rules).
pub(crate) fn rules(text: &str) -> Result<Vec<String>> {
    match serde_json::from_str::<Column>(text) {
        Ok(Column::Recorded(recorded)) => Ok(recorded
            .decisions
            .into_iter()
            .map(|d| d.rule.to_owned())
            .collect()),
        Ok(Column::Sentences(stored)) => Ok(stored.into_iter().map(|d| d.rule).collect()),
        Err(e) => Err(StoreError::Corrupt(format!("decisions: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use priemna_domain::WorkingCalendar;
    use priemna_domain::kinds::{Channel, Kind};
    use priemna_domain::rules::assess;
    use priemna_domain::submission::{Draft, Submitter};

    fn draft(kind: Kind, named: bool, body: &str) -> Draft {
        Draft {
            kind,
            channel: Channel::Web,
            subject: "Тема".into(),
            body: body.into(),
            submitter: named.then(|| Submitter {
                name: "Иван Петров".into(),
                address: None,
                phone: None,
                email: None,
                egn: None,
            }),
            health_or_safety_threat: false,
            about_bad_administration: true,
            about_employee: false,
            in_writing: true,
            violation_date: Some(date(2023, 1, 5)),
            address: None,
        }
    }

    /// Every kind, named and anonymous, with and without words the screening finds, on a day
    /// whose terms end on a holiday: what is read back says exactly what was decided.
    #[test]
    fn decisions_read_back_word_for_word() {
        let calendar = WorkingCalendar::with_builtin_decrees();
        for kind in Kind::ALL {
            for named in [true, false] {
                for body in ["Лампата не свети.", "Идиот, пожар, подкуп, ЕГН, кражба."]
                {
                    for received in [date(2026, 3, 10), date(2026, 12, 20)] {
                        let a = assess(&draft(kind, named, body), received, &calendar);
                        let text = encode(&a.decisions).unwrap();
                        let read = decode(&text).unwrap();
                        let expected: Vec<StoredDecision> =
                            a.decisions.iter().map(StoredDecision::from).collect();
                        assert_eq!(read, expected, "{kind:?} named={named} {body}");
                        let rules: Vec<String> =
                            a.decisions.iter().map(|d| d.rule.as_str().into()).collect();
                        assert_eq!(super::rules(&text).unwrap(), rules);
                    }
                }
            }
        }
    }

    #[test]
    fn facts_take_a_fraction_of_the_sentences() {
        let calendar = WorkingCalendar::with_builtin_decrees();
        let a = assess(
            &draft(Kind::Signal, true, "Лампата не свети."),
            date(2026, 3, 10),
            &calendar,
        );
        let stored: Vec<StoredDecision> = a.decisions.iter().map(StoredDecision::from).collect();
        let sentences = serde_json::to_string(&stored).unwrap();
        let facts = encode(&a.decisions).unwrap();
        assert!(facts.len() * 4 < sentences.len(), "{facts}");
    }

    #[test]
    fn sentences_stored_before_the_rulebook_are_read_as_they_are() {
        let old = r#"[{"rule":"deadline_apk_2_months","reason_bg":"Сигнал: ...","reason_en":"Signal: ...","needs_review":false}]"#;
        let read = decode(old).unwrap();
        assert_eq!(read[0].reason_bg, "Сигнал: ...");
        assert_eq!(rules(old).unwrap(), ["deadline_apk_2_months"]);
    }

    #[test]
    fn an_unknown_version_or_wording_is_corruption_not_a_panic() {
        for text in [
            r#"{"rulebook":99,"decisions":[]}"#,
            r#"{"rulebook":1,"decisions":[{"rule":"threat_suggested","wording":"nope"}]}"#,
            r#"{"rulebook":1,"decisions":[{"rule":"nope"}]}"#,
            r#"{"rulebook":1,"decisions":[{"rule":"anonymous_threat_considered"}]}"#,
            "not json",
        ] {
            assert!(
                matches!(decode(text), Err(StoreError::Corrupt(_))),
                "{text}"
            );
        }
    }
}
