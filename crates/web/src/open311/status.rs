//! Our statuses as Open311 sees them: `open` or `closed`, with `status_notes` that say honestly
//! what the case's state is (closed does not always mean fixed), and FixMyStreet's richer states.
//! Every note here is built from the case's structured fields, never from free text a person
//! typed, so nothing private can slip out through them.

use priemna_domain::Status;
use priemna_store::Open311Request;

/// A date as Bulgarian documents write it.
fn dmy(date: jiff::civil::Date) -> String {
    date.strftime("%d.%m.%Y").to_string()
}

/// The state of a case in FixMyStreet's vocabulary (`servicerequestupdates`): `OPEN`,
/// `IN_PROGRESS`, `INVESTIGATING`, `CLOSED`, `NO_FURTHER_ACTION`, `NOT_COUNCILS_RESPONSIBILITY`,
/// `DUPLICATE`. An answered case is `CLOSED`, not `FIXED`: the answer says what was done.
pub fn fms_status(status: Status) -> &'static str {
    match status {
        Status::Registered | Status::Triaged => "OPEN",
        Status::Assigned | Status::InProgress => "IN_PROGRESS",
        Status::Inspection => "INVESTIGATING",
        Status::Answered | Status::Closed => "CLOSED",
        Status::NotConsidered => "NO_FURTHER_ACTION",
        Status::Forwarded => "NOT_COUNCILS_RESPONSIBILITY",
        Status::Duplicate => "DUPLICATE",
    }
}

/// Open311's own two states.
pub fn open_or_closed(status: Status) -> &'static str {
    if status.is_open() { "open" } else { "closed" }
}

/// What one step of the case means, for the public history (no free text).
pub fn step_note(status: Status) -> &'static str {
    match status {
        Status::Registered => "Регистрирано.",
        Status::Triaged => "Прегледано от деловодството и насочено за разглеждане.",
        Status::Assigned => "Възложено на отговорния отдел.",
        Status::InProgress => "Разглежда се.",
        Status::Inspection => "Необходима е проверка; срокът за отговор е удължен.",
        Status::Answered => "Изпратен е писмен отговор на подателя.",
        Status::Closed => "Преписката е приключена.",
        Status::NotConsidered => "Оставено без разглеждане по правило на Хартата на клиента.",
        Status::Forwarded => "Препратено по компетентност на друг орган.",
        Status::Duplicate => "Обединено с друга преписка за същия проблем.",
    }
}

/// Why a case is left without consideration, by the charter's rule.
fn rule_note(rule: &str) -> &'static str {
    match rule {
        "anonymous_not_considered" => {
            "анонимните сигнали и искания не се разглеждат, освен когато проблемът застрашава \
             здравето или безопасността на хората"
        }
        other => priemna_app::cases::unanswered_rule_text(other).0,
    }
}

/// `status_notes`: the case's state in a sentence or two, with the legal deadline when one runs.
pub fn status_notes(r: &Open311Request) -> String {
    let number = r.number;
    let due = r.answer_due.map(dmy);
    let department = r
        .department_name
        .as_deref()
        .map(|d| format!(" „{d}“"))
        .unwrap_or_default();
    let mut note = match r.status {
        Status::Registered => {
            format!("Регистрирано с номер {number}; очаква преглед от деловодството.")
        }
        Status::Triaged => format!("Преписка {number}: прегледана и насочена за разглеждане."),
        Status::Assigned => format!("Преписка {number}: възложена на отдел{department}."),
        Status::InProgress => format!("Преписка {number}: разглежда се от отдел{department}."),
        Status::Inspection => format!(
            "Преписка {number}: извършва се проверка, затова срокът за отговор е удължен{}.",
            due.as_deref()
                .map(|d| format!(" до {d}"))
                .unwrap_or_default()
        ),
        Status::Answered => format!(
            "Затворено: на подателя е изпратен писмен отговор (преписка {number}). Затворено \
             означава отговорено, не непременно отстранено — отговорът казва какво е направено."
        ),
        Status::Closed => format!("Затворено: преписка {number} е приключена."),
        Status::NotConsidered => format!(
            "Затворено без разглеждане: {} (преписка {number}).",
            rule_note(r.not_considered_rule.as_deref().unwrap_or(""))
        ),
        Status::Forwarded => format!(
            "Затворено в общината: препратено по компетентност{} (преписка {number}); \
             отговорът ще дойде от там.",
            r.forwarded_to
                .as_deref()
                .map(|to| format!(" до {to}"))
                .unwrap_or_default()
        ),
        Status::Duplicate => format!(
            "Затворено: обединено с преписка {} за същия проблем; следете нея.",
            r.duplicate_of
                .map(|n| n.to_string())
                .unwrap_or_else(|| "за същия проблем".into())
        ),
    };
    if r.status.is_open() {
        if !r.considered {
            let rule = r
                .rules
                .iter()
                .find(|rule| {
                    matches!(
                        rule.as_str(),
                        "anonymous_not_considered" | "violation_older_than_2_years"
                    )
                })
                .map(String::as_str)
                .unwrap_or("");
            note.push_str(&format!(
                " Предварителна преценка по Хартата на клиента: няма да бъде разгледано, защото {}; служител ще потвърди.",
                rule_note(rule)
            ));
        } else if r.status != Status::Inspection
            && let Some(due) = due
        {
            note.push_str(&format!(" Законовият срок за отговор е {due}."));
        }
    }
    note
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_maps() {
        for s in Status::ALL {
            let fms = fms_status(s);
            assert_eq!(
                fms == "OPEN" || fms == "IN_PROGRESS" || fms == "INVESTIGATING",
                s.is_open()
            );
            assert!(!step_note(s).is_empty());
        }
        assert_eq!(open_or_closed(Status::Inspection), "open");
        assert_eq!(open_or_closed(Status::Forwarded), "closed");
    }
}
