//! The rulebook: the wording of every decision the rules give, versioned.
//!
//! A decision is stored as the facts it was given on ([`Facts`]: the kind, the words found,
//! the dates) and the key of its wording; its sentences in Bulgarian and English are rendered
//! from the rulebook of the version that applied when the case was registered. The register
//! keeps each version's wording once (not a copy per case), and a case registered under an old
//! wording reads the same forever. Changing a wording means a new version: the old one stays
//! here, and the store refuses to start when a version's text in the database differs from this
//! build's.
//!
//! A wording is a template. `{kind}` is the kind's label, `{words}` the words found (quoted),
//! `{received}` and `{violation}` dates, `{due}`, `{legal}`, `{ack}` and `{feedback}` the last
//! day of a term (with the explanation [`DUE_MOVED`] when the day was moved off a non-working
//! day), and `{part0}`, `{part1}` other wordings named in the facts (empty when not named).

use crate::kinds::Kind;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// The version of the wording this build gives decisions in.
pub const CURRENT: u16 = 1;

/// The wording of a term's last day that was moved off a non-working day: `{day}` is the day
/// the term ends, `{nominal}` the last day by the count alone.
pub const DUE_MOVED: &str = "due_moved";

/// One wording: its key, and its template in Bulgarian and in English.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wording {
    pub key: &'static str,
    pub bg: &'static str,
    pub en: &'static str,
}

/// Every wording of one version.
#[derive(Debug, PartialEq, Eq)]
pub struct Rulebook {
    pub version: u16,
    pub wordings: &'static [Wording],
}

impl Rulebook {
    pub fn wording(&self, key: &str) -> Option<&'static Wording> {
        self.wordings.iter().find(|w| w.key == key)
    }
}

/// The rulebook of `version`, if this build knows it.
pub fn rulebook(version: u16) -> Option<&'static Rulebook> {
    [&V1].into_iter().find(|b| b.version == version)
}

/// The rulebook decisions are given in now.
pub fn current() -> &'static Rulebook {
    &V1
}

/// The last day of a term, and the last day by the count alone when it was moved off a
/// non-working day. Stored as `2026-05-11`, or `2026-05-11<2026-05-09` when moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LastDay {
    pub day: Date,
    pub nominal: Date,
}

impl Serialize for LastDay {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.day == self.nominal {
            s.collect_str(&self.day)
        } else {
            s.collect_str(&format_args!("{}<{}", self.day, self.nominal))
        }
    }
}

impl<'de> Deserialize<'de> for LastDay {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let text = String::deserialize(d)?;
        let (day, nominal) = text.split_once('<').unwrap_or((&text, &text));
        let day: Date = day.parse().map_err(D::Error::custom)?;
        let nominal: Date = nominal.parse().map_err(D::Error::custom)?;
        Ok(LastDay { day, nominal })
    }
}

/// What a decision was given on: everything its wording is filled with, and nothing else.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Kind>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub violation: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<LastDay>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal: Option<LastDay>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ack: Option<LastDay>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<LastDay>,
    /// Further wordings, by key, for `{part0}`, `{part1}`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<String>,
}

/// A language a wording is rendered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Bg,
    En,
}

/// Why a stored decision could not be worded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    #[error("the rulebook of version {version} has no wording {key:?}")]
    UnknownWording { version: u16, key: String },
    #[error("the wording {key:?} names {{{placeholder}}}, which its facts do not give")]
    MissingFact { key: String, placeholder: String },
}

/// The sentence of wording `key`, filled with `facts`, in `lang`.
pub fn render(
    book: &Rulebook,
    key: &str,
    facts: &Facts,
    lang: Lang,
) -> Result<String, RenderError> {
    render_depth(book, key, facts, lang, 0)
}

fn render_depth(
    book: &Rulebook,
    key: &str,
    facts: &Facts,
    lang: Lang,
    depth: u8,
) -> Result<String, RenderError> {
    let unknown = || RenderError::UnknownWording {
        version: book.version,
        key: key.to_owned(),
    };
    // Parts name other wordings; a part naming itself must not recurse for ever.
    if depth > 2 {
        return Err(unknown());
    }
    let wording = book.wording(key).ok_or_else(unknown)?;
    let template = match lang {
        Lang::Bg => wording.bg,
        Lang::En => wording.en,
    };
    let missing = |placeholder: &str| RenderError::MissingFact {
        key: key.to_owned(),
        placeholder: placeholder.to_owned(),
    };
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let name = &after[..close];
        rest = &after[close + 1..];
        match name {
            "kind" => {
                let kind = facts.kind.ok_or_else(|| missing(name))?;
                out.push_str(match lang {
                    Lang::Bg => kind.label_bg(),
                    Lang::En => kind.label_en(),
                });
            }
            "words" => out.push_str(&quoted(&facts.words)),
            "received" => out.push_str(&dmy(facts.received.ok_or_else(|| missing(name))?)),
            "violation" => out.push_str(&dmy(facts.violation.ok_or_else(|| missing(name))?)),
            "due" | "legal" | "ack" | "feedback" => {
                let last = match name {
                    "due" => facts.due,
                    "legal" => facts.legal,
                    "ack" => facts.ack,
                    _ => facts.feedback,
                }
                .ok_or_else(|| missing(name))?;
                out.push_str(&last_day(book, last, lang)?);
            }
            "part0" | "part1" => {
                let index = usize::from(name == "part1");
                if let Some(part) = facts.parts.get(index) {
                    out.push_str(&render_depth(book, part, facts, lang, depth + 1)?);
                }
            }
            _ => return Err(missing(name)),
        }
    }
    out.push_str(rest);
    Ok(out)
}

fn last_day(book: &Rulebook, last: LastDay, lang: Lang) -> Result<String, RenderError> {
    if last.day == last.nominal {
        return Ok(dmy(last.day));
    }
    let wording = book
        .wording(DUE_MOVED)
        .ok_or_else(|| RenderError::UnknownWording {
            version: book.version,
            key: DUE_MOVED.to_owned(),
        })?;
    let template = match lang {
        Lang::Bg => wording.bg,
        Lang::En => wording.en,
    };
    Ok(template
        .replace("{day}", &dmy(last.day))
        .replace("{nominal}", &dmy(last.nominal)))
}

/// A date as Bulgarian documents write it: DD.MM.YYYY.
pub fn dmy(date: Date) -> String {
    date.strftime("%d.%m.%Y").to_string()
}

/// Found words, quoted.
fn quoted(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("„{w}“"))
        .collect::<Vec<_>>()
        .join(", ")
}

const fn w(key: &'static str, bg: &'static str, en: &'static str) -> Wording {
    Wording { key, bg, en }
}

/// Version 1: the wording since the rulebook was first versioned (December 2026).
static V1: Rulebook = Rulebook {
    version: 1,
    wordings: &[
        w(
            DUE_MOVED,
            "{day} (последният ден по сметка, {nominal}, е неработен, затова срокът изтича в първия следващ работен ден)",
            "{day} ({nominal}, the last day by the count, is not a working day, so the deadline ends on the next working day)",
        ),
        w(
            "anonymous_not_considered",
            "Анонимно подаване ({kind}): анонимните сигнали и оплаквания не се разглеждат (Харта на клиента; чл. 111, ал. 4 АПК), освен когато поставеният проблем застрашава здравето и сигурността на гражданите, а това подаване не е отбелязано като такова.{part0}",
            "Anonymous submission ({kind}): anonymous signals and complaints are not considered (client charter; АПК art. 111(4)) unless the problem threatens citizens' health and safety, and this submission is not marked as such.{part0}",
        ),
        w(
            "anonymous_not_considered.whistleblower",
            " По анонимни сигнали не се образува производство и по ЗЗЛПСПОИН.",
            " The whistleblower protection act (ЗЗЛПСПОИН) does not proceed with anonymous reports either.",
        ),
        w(
            "anonymous_application_not_considered",
            "Анонимно подаване (заявление): по анонимни искания не се образува производство (чл. 111, ал. 4 АПК), а административен акт или услуга не могат да бъдат предоставени на неизвестен заявител.",
            "Anonymous submission (application): no proceedings are opened on anonymous requests (АПК art. 111(4)), and an administrative act or service cannot be granted to an unknown applicant.",
        ),
        w(
            "anonymous_proposal_not_considered",
            "Анонимно подаване ({kind}): по анонимни предложения не се образува производство (чл. 111, ал. 4 АПК).",
            "Anonymous submission ({kind}): no proceedings are opened on anonymous proposals (АПК art. 111(4)).",
        ),
        w(
            "anonymous_threat_considered",
            "Анонимно подаване ({kind}), отбелязано като проблем, който застрашава здравето и сигурността на гражданите: по Хартата на клиента такова подаване се разглежда. Служител ще провери дали заплахата е реална.",
            "Anonymous submission ({kind}) marked as a problem that threatens citizens' health and safety: under the client charter such a submission is considered. A clerk will check whether the threat is real.",
        ),
        w(
            "threat_suggested",
            "Текстът съдържа думи, които подсказват заплаха за здравето или сигурността на гражданите ({words}). Ако заплахата е реална, анонимното подаване се разглежда (Харта на клиента); служител трябва да прецени.",
            "The text contains words that suggest a threat to citizens' health or safety ({words}). If the threat is real, the anonymous submission is considered (client charter); a clerk must decide.",
        ),
        w(
            "violation_older_than_2_years",
            "Нарушението е извършено на {violation}, повече от две години преди получаването на {received}: по сигнали за такива нарушения не се образува производство (чл. 111, ал. 4 АПК).",
            "The violation was committed on {violation}, more than two years before receipt on {received}: no proceedings are opened on signals about such violations (АПК art. 111(4)).",
        ),
        w(
            "offensive_language",
            "Текстът съдържа нецензурни или обидни изрази ({words}). Според Хартата на клиента общинската администрация си запазва правото да не отговори на такова подаване; служител трябва да потвърди. Дотогава срокът за отговор тече.",
            "The text contains obscene or insulting words ({words}). Under the client charter the municipal administration reserves the right not to answer such a submission; a clerk must confirm. Until then the deadline runs.",
        ),
        w(
            "personal_data_or_classified",
            "Текстът засяга защитата на личните данни или класифицирана информация ({words}). Според Хартата на клиента общинската администрация няма право да отговаря на въпроси, свързани със защитата на личните данни и класифицираната информация; служител трябва да прецени дали подаването е такъв въпрос.",
            "The text concerns personal-data protection or classified information ({words}). Under the client charter the municipal administration has no right to answer questions on personal-data protection and classified information; a clerk must decide whether the submission is such a question.",
        ),
        w(
            "possible_crime",
            "Текстът съдържа думи, които подсказват престъпление ({words}). При данни за извършено престъпление съответният прокурор се уведомява незабавно (чл. 123, ал. 4 АПК); служител трябва да прецени.",
            "The text contains words that suggest a crime ({words}). When there are signs of a crime, the competent prosecutor is notified at once (АПК art. 123(4)); a clerk must decide.",
        ),
        w(
            "feedback_no_deadline",
            "Мненията, коментарите и похвалите се регистрират и анализират, за да се подобри обслужването (Харта на клиента; Наредба за административното обслужване); законът не определя срок за отговор.{part0}",
            "Opinions, comments and praise are registered and analysed to improve the service (client charter; Ordinance on administrative service); the law sets no deadline for an answer.{part0}",
        ),
        w(
            "feedback_no_deadline.anonymous",
            " Анонимното подаване се регистрира само за анализ: на него не може да се отговори.",
            " An anonymous submission is registered for analysis only: it cannot be answered.",
        ),
        w(
            "deadline_complaint_7_days",
            "Писмена жалба за лошо администриране: според Хартата на клиента общината отговаря писмено в 7-дневен срок от получаването ({received}), т.е. до {due}. Ако е необходима проверка, важи по-дългият законов срок (до {legal} по АПК), като подателят се уведомява за причините и за новата дата.",
            "Written complaint about bad administration: under the client charter the municipality answers in writing within 7 days of receipt ({received}), that is by {due}. If an inspection is needed, the longer legal deadline applies (by {legal} under the АПК), and the submitter is told why and given the new date.",
        ),
        w(
            "deadline_apk_2_months",
            "{part0} ({received}), т.е. до {due} — {part1}",
            "{part0} ({received}), that is by {due} — {part1}",
        ),
        w(
            "apk_2_months.proposal",
            "Предложение: решението се взема най-късно два месеца след постъпването",
            "Proposal: the decision is taken at the latest two months after receipt",
        ),
        w(
            "apk_2_months.complaint_not_bad_administration",
            "Жалба, която се разглежда като сигнал, защото не е за лошо администриране (7-дневният срок на Хартата на клиента важи за писмени жалби за лошо администриране): решението се взема в срок до два месеца от постъпването",
            "Complaint handled as a signal because it is not about bad administration (the client charter's 7-day promise covers written complaints about bad administration): the decision is taken within two months of receipt",
        ),
        w(
            "apk_2_months.complaint_not_in_writing",
            "Жалба, която се разглежда като сигнал, защото не е подадена писмено (7-дневният срок на Хартата на клиента важи за писмени жалби за лошо администриране): решението се взема в срок до два месеца от постъпването",
            "Complaint handled as a signal because it was not submitted in writing (the client charter's 7-day promise covers written complaints about bad administration): the decision is taken within two months of receipt",
        ),
        w(
            "apk_2_months.signal",
            "Сигнал: решението се взема в срок до два месеца от постъпването",
            "Signal: the decision is taken within two months of receipt",
        ),
        w(
            "apk_2_months.proposal_named",
            "чл. 118 АПК. По-горестоящият орган може да продължи срока до 6 месеца, като уведоми подателя. Решението се съобщава на подателя в 7-дневен срок.",
            "АПК art. 118. The higher body may extend it to 6 months, telling the submitter. The decision is communicated to the submitter within 7 days.",
        ),
        w(
            "apk_2_months.proposal_anonymous",
            "чл. 118 АПК. По-горестоящият орган може да продължи срока до 6 месеца. Подателят е анонимен: решението ще се вижда при проследяването с кода.",
            "АПК art. 118. The higher body may extend it to 6 months. The submitter is anonymous: the decision will be shown when the case is tracked with its code.",
        ),
        w(
            "apk_2_months.signal_named",
            "глава осма АПК. Решението е писмено и мотивирано и се съобщава на подателя в 7-дневен срок от постановяването му (чл. 123, ал. 1 АПК).",
            "АПК chapter 8. The decision is written and reasoned, and communicated to the submitter within 7 days of being taken (АПК art. 123(1)).",
        ),
        w(
            "apk_2_months.signal_anonymous",
            "глава осма АПК. Решението е писмено и мотивирано (чл. 123, ал. 1 АПК). Подателят е анонимен: решението ще се вижда при проследяването с кода.",
            "АПК chapter 8. The decision is written and reasoned (АПК art. 123(1)). The submitter is anonymous: the decision will be shown when the case is tracked with its code.",
        ),
        w(
            "deadline_apk_14_days",
            "Заявление: административният акт се издава в 14-дневен срок от започване на производството ({received}), т.е. до {due} (чл. 57, ал. 1 АПК), освен ако особен закон определя друг срок.",
            "Application: the administrative act is issued within 14 days of the start of the proceedings ({received}), that is by {due} (АПК art. 57(1)), unless a special law sets another term.",
        ),
        w(
            "deadline_whistleblower",
            "Сигнал за корупция по Закона за защита на лицата, подаващи сигнали или публично оповестяващи информация за нарушения (ЗЗЛПСПОИН): получаването ({received}) се потвърждава в 7-дневен срок, т.е. до {ack}, а обратна информация се дава в срок до три месеца от потвърждаването, т.е. най-късно до {feedback}. Самоличността на подателя е поверителна и се запечатва, а сигналът се вписва в отделния, непубличен регистър на сигналите.",
            "Corruption signal under the whistleblower protection act (ЗЗЛПСПОИН): receipt ({received}) is acknowledged within 7 days, that is by {ack}, and feedback is given within three months of the acknowledgement, that is by {feedback} at the latest. The submitter's identity is confidential and sealed, and the signal is entered in the separate, non-public register of signals.",
        ),
    ],
};

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn version_1_is_never_reworded_in_place() {
        // The register renders cases registered under version 1 with this text. Changing it
        // changes what old cases say: add a version 2 instead (and set CURRENT to it).
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for w in V1.wordings {
            for byte in [w.key, w.bg, w.en]
                .iter()
                .flat_map(|p| p.bytes().chain([0]))
            {
                hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
            }
        }
        assert_eq!(
            format!("{hash:016x}"),
            "abcb489042b8d3ca",
            "version 1's wording changed; add a new version instead"
        );
    }

    #[test]
    fn keys_are_unique_and_every_placeholder_is_known() {
        let mut keys: Vec<&str> = V1.wordings.iter().map(|w| w.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), V1.wordings.len());
        let facts = Facts {
            kind: Some(Kind::Signal),
            words: vec!["дума".into()],
            received: Some(date(2026, 3, 10)),
            violation: Some(date(2023, 1, 5)),
            due: Some(LastDay {
                day: date(2026, 5, 11),
                nominal: date(2026, 5, 10),
            }),
            legal: Some(LastDay {
                day: date(2026, 5, 11),
                nominal: date(2026, 5, 11),
            }),
            ack: None,
            feedback: None,
            parts: vec![],
        };
        let facts = Facts {
            ack: facts.due,
            feedback: facts.legal,
            ..facts
        };
        for w in V1.wordings.iter().filter(|w| w.key != DUE_MOVED) {
            for lang in [Lang::Bg, Lang::En] {
                let text = render(&V1, w.key, &facts, lang).unwrap();
                assert!(!text.contains('{'), "{}: {text}", w.key);
            }
        }
    }

    #[test]
    fn last_days_keep_a_move_off_a_holiday() {
        for last in [
            LastDay {
                day: date(2026, 5, 11),
                nominal: date(2026, 5, 9),
            },
            LastDay {
                day: date(2026, 5, 11),
                nominal: date(2026, 5, 11),
            },
        ] {
            let json = serde_json::to_string(&last).unwrap();
            assert_eq!(serde_json::from_str::<LastDay>(&json).unwrap(), last);
        }
        let moved = Facts {
            due: Some(LastDay {
                day: date(2026, 5, 11),
                nominal: date(2026, 5, 9),
            }),
            ..Facts::default()
        };
        assert_eq!(
            serde_json::to_string(&moved).unwrap(),
            r#"{"due":"2026-05-11<2026-05-09"}"#
        );
    }

    #[test]
    fn unknown_wordings_and_missing_facts_are_errors() {
        assert!(matches!(
            render(&V1, "no_such_wording", &Facts::default(), Lang::Bg),
            Err(RenderError::UnknownWording { .. })
        ));
        assert!(render(&V1, "threat_suggested", &Facts::default(), Lang::Bg).is_ok());
        assert!(matches!(
            render(
                &V1,
                "anonymous_threat_considered",
                &Facts::default(),
                Lang::En
            ),
            Err(RenderError::MissingFact { .. })
        ));
        let looping = Facts {
            parts: vec!["feedback_no_deadline".into()],
            ..Facts::default()
        };
        assert!(render(&V1, "feedback_no_deadline", &looping, Lang::Bg).is_err());
        assert_eq!(rulebook(CURRENT), Some(current()));
        assert_eq!(rulebook(0), None);
    }
}
