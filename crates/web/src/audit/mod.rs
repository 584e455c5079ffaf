//! The journal as an auditor reads it: who (a person's name and role, or which part of the
//! system), what (the action in Bulgarian), on which case (its registration number), and the
//! details as sentences — never the stored codes or JSON. The journal holds no personal data
//! (names of citizens, contacts, texts they wrote), and nothing here adds any: the names shown
//! are those of staff, from the staff table.
//!
//! `refusals` journals the access the rules refused a member of staff.

mod details;

use crate::error::ApiError;
use crate::state::AppState;
use jiff::Timestamp;
use priemna_domain::access::CaseFacts;
use priemna_domain::workflow::CaseAction;
use priemna_domain::{CaseId, DepartmentId, RegistrationNumber, UserId};
use priemna_store::{IndexScan, JournalEntry, User};
use std::collections::{HashMap, HashSet};

/// Every action the code base writes to the journal that is not a case action
/// (`CaseAction::as_str`), with its Bulgarian label. A code missing here is shown as
/// "друго действие" with its code; the unit test below reads the sources to keep this complete.
pub const ACTIONS: &[(&str, &str)] = &[
    ("register", "Регистриране на постъпление"),
    ("declare_conflict", "Деклариран конфликт на интереси"),
    ("answer_duplicate", "Отговор по обединена преписка"),
    ("escalate", "Ескалиране на просрочена преписка"),
    (
        "anonymise",
        "Заличаване на лични данни след срока за съхранение",
    ),
    ("read_personal_data", "Преглед на личните данни на подателя"),
    (
        "read_sealed_identity",
        "Преглед на запечатаната самоличност на сигнализиращ",
    ),
    ("read_document", "Преглед на писмо или разписка"),
    ("read_attachment", "Преглед на прикачен файл"),
    ("attach", "Прикачен файл"),
    ("survey", "Оценка от гражданина"),
    (
        "request_information",
        "Искане на допълнителна информация от подателя",
    ),
    ("internal_note", "Вътрешна бележка по преписката"),
    ("citizen_message", "Съобщение от подателя по преписката"),
    ("mail_mode", "Избор на писма: веднага или дневен обзор"),
    ("book_reception", "Записване за приемен ден"),
    ("cancel_reception", "Отказ от записване за приемен ден"),
    (
        "reschedule_reception",
        "Преместване на записан час за прием",
    ),
    ("read_bookings", "Преглед на записванията за приемен ден"),
    ("edit_page", "Промяна на страница от портала"),
    ("import", "Внос на преписки от стар регистър"),
    (
        "export_personal_data",
        "Изтегляне на преписки с лични данни (CSV)",
    ),
    ("export_journal", "Изтегляне на дневника (CSV)"),
    ("outbox_retry", "Повторно изпращане на съобщение"),
    ("api_key_add", "Издаване на ключ за Open311"),
    ("api_key_revoke", "Отнемане на ключ за Open311"),
    ("department_add", "Добавяне на отдел"),
    ("department_head", "Определяне на началник на отдел"),
    ("user_add", "Добавяне на служител"),
    ("user_update", "Промяна на служител"),
    (
        "user_change_requested",
        "Искане за промяна на служител (чака втори администратор)",
    ),
    ("user_change_approved", "Одобрена промяна на служител"),
    ("user_change_rejected", "Отхвърлена промяна на служител"),
    ("user_unlock", "Отключване на профил"),
    (
        "set_letter_signatory",
        "Определяне на подписващия изходящите писма",
    ),
    ("mark_attendance", "Отбелязване дали посетителят е дошъл"),
    (
        "record_consent",
        "Съгласие на подателя за обработване на данните",
    ),
    ("password_reset", "Еднократна парола за служител"),
    ("password_change", "Смяна на парола"),
    ("login", "Вход в системата"),
    ("login_failed", "Неуспешен опит за вход"),
    (
        "login_refused",
        "Отказан опит за вход (твърде много грешни пароли от адреса)",
    ),
    (priemna_app::refusals::ACTION, "Отказан достъп"),
];

/// The Bulgarian label of an action code.
pub fn action_label(code: &str) -> String {
    if let Some(action) = CaseAction::parse(code) {
        return capitalise(action.label_bg());
    }
    match ACTIONS.iter().find(|(c, _)| *c == code) {
        Some((_, label)) => (*label).to_owned(),
        None => format!("Друго действие ({code})"),
    }
}

/// Every action code with its label, as the filter's options, in alphabetical order of label.
pub fn action_options() -> Vec<(String, String)> {
    let mut options: Vec<(String, String)> = CaseAction::ALL
        .iter()
        .map(|a| (a.as_str().to_owned(), capitalise(a.label_bg())))
        .chain(
            ACTIONS
                .iter()
                .map(|(c, l)| ((*c).to_owned(), (*l).to_owned())),
        )
        .collect();
    options.sort_by(|a, b| a.1.cmp(&b.1));
    options
}

/// Whether `code` is an action the journal knows.
pub fn known_action(code: &str) -> bool {
    CaseAction::parse(code).is_some() || ACTIONS.iter().any(|(c, _)| *c == code)
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Who wrote an entry, as a reader says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Who {
    /// A person's name, or the part of the system.
    pub name: String,
    /// Their role (from the staff table, as it is now), or what kind of actor this is.
    pub role: String,
}

/// A case an entry is about.
#[derive(Debug, Clone)]
pub struct CaseRef {
    pub number: RegistrationNumber,
    pub facts: CaseFacts,
}

/// One entry, ready to be shown or exported.
#[derive(Debug, Clone)]
pub struct Described {
    pub id: i64,
    pub at: Option<Timestamp>,
    /// The stored time, when it could not be read.
    pub at_text: String,
    pub who: Who,
    pub action: String,
    pub action_code: String,
    pub case: Option<CaseRef>,
    /// The registration number named in the entry when the case itself is not known.
    pub number: Option<String>,
    pub lines: Vec<String>,
    pub hash: String,
}

/// The staff, departments and cases the entries name, read once per page.
#[derive(Debug, Default)]
pub struct Directory {
    users: HashMap<UserId, User>,
    by_username: HashMap<String, UserId>,
    departments: HashMap<DepartmentId, String>,
    cases: HashMap<CaseId, CaseRef>,
}

/// Actors that are not people, as the person filter offers them.
const SYSTEM_ACTORS: &[(&str, &str, &str)] = &[
    ("citizen", "Гражданин", "портал или публичен API"),
    (
        "system:deadlines",
        "Системата (срокове)",
        "автоматична задача",
    ),
    (
        "system:retention",
        "Системата (съхранение на лични данни)",
        "автоматична задача",
    ),
    ("import", "Внос от стар регистър", "автоматична задача"),
    // What `priemna serve --demo` loads.
    ("demo", "Демонстрационни данни", "начално зареждане"),
    ("clerk:demo", "Демонстрационни данни", "начално зареждане"),
];

impl Directory {
    /// The staff and the departments.
    pub async fn load(app: &AppState) -> Result<Directory, ApiError> {
        let users = app.store.users().await?;
        let departments = app.store.departments().await?;
        let mut directory = Directory::of_staff(&users);
        directory.departments = departments.into_iter().map(|d| (d.id, d.name)).collect();
        Ok(directory)
    }

    /// A directory of these members of staff (no departments), for naming actors on a page that
    /// has read the staff already.
    pub fn of_staff(users: &[User]) -> Directory {
        Directory {
            by_username: users.iter().map(|u| (u.username.clone(), u.id)).collect(),
            users: users.iter().map(|u| (u.id, u.clone())).collect(),
            departments: HashMap::new(),
            cases: HashMap::new(),
        }
    }

    /// Reads the cases `entries` are about that are not known yet (numbers and access facts;
    /// no personal data).
    pub async fn add_cases(
        &mut self,
        app: &AppState,
        entries: &[JournalEntry],
    ) -> Result<(), ApiError> {
        let ids: Vec<CaseId> = entries
            .iter()
            .filter_map(|e| e.submission_id)
            .filter(|id| !self.cases.contains_key(id))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        if ids.is_empty() {
            return Ok(());
        }
        for case in app.store.cases_for_index(IndexScan::Ids(ids)).await? {
            let facts = case.facts();
            self.cases.insert(
                case.id,
                CaseRef {
                    number: case.number,
                    facts,
                },
            );
        }
        Ok(())
    }

    pub fn user(&self, id: UserId) -> Option<&User> {
        self.users.get(&id)
    }

    /// A member of staff's name, or their number when they are not in the staff table.
    pub fn user_name(&self, id: UserId) -> String {
        match self.users.get(&id) {
            Some(u) => u.display_name.clone(),
            None => format!("служител № {id}"),
        }
    }

    pub fn department_name(&self, id: DepartmentId) -> String {
        match self.departments.get(&id) {
            Some(name) => format!("„{name}“"),
            None => format!("отдел № {id}"),
        }
    }

    fn person(&self, user: &User, how: Option<&str>) -> Who {
        let role = user.role.label_bg();
        Who {
            name: user.display_name.clone(),
            role: match how {
                Some(how) => format!("{role} ({how})"),
                None => role.to_owned(),
            },
        }
    }

    /// Who an actor label names.
    pub fn who(&self, actor: &str) -> Who {
        if let Some((_, name, role)) = SYSTEM_ACTORS.iter().find(|(a, _, _)| *a == actor) {
            return Who {
                name: (*name).to_owned(),
                role: (*role).to_owned(),
            };
        }
        if let Some(rest) = actor.strip_prefix("user:") {
            let id = rest
                .split(':')
                .next()
                .and_then(|id| id.parse::<UserId>().ok());
            if let Some(user) = id.and_then(|id| self.users.get(&id)) {
                return self.person(user, None);
            }
            return Who {
                name: format!("Служител № {}", rest.split(':').next().unwrap_or(rest)),
                role: "няма го в списъка на служителите".to_owned(),
            };
        }
        for (prefix, how) in [("clerk:", None), ("cli:", Some("от командния ред"))] {
            if let Some(username) = actor.strip_prefix(prefix) {
                if let Some(user) = self
                    .by_username
                    .get(username)
                    .and_then(|id| self.users.get(id))
                {
                    return self.person(user, how);
                }
                return Who {
                    name: format!("Потребител „{username}“"),
                    role: how.unwrap_or("служител").to_owned(),
                };
            }
        }
        if let Some(key) = actor.strip_prefix("open311:") {
            return Who {
                name: format!("Приложение „{key}“"),
                role: "клиент на Open311".to_owned(),
            };
        }
        if let Some(job) = actor.strip_prefix("system:") {
            return Who {
                name: format!("Системата ({job})"),
                role: "автоматична задача".to_owned(),
            };
        }
        Who {
            name: actor.to_owned(),
            role: String::new(),
        }
    }

    /// The person filter's options: the staff by name, then the system's actors.
    pub fn person_options(&self) -> Vec<(String, String)> {
        let mut staff: Vec<&User> = self.users.values().collect();
        staff.sort_by(|a, b| a.display_name.cmp(&b.display_name).then(a.id.cmp(&b.id)));
        staff
            .into_iter()
            .map(|u| {
                (
                    format!("user:{}", u.id),
                    format!("{} — {}", u.display_name, u.role.label_bg()),
                )
            })
            .chain(
                SYSTEM_ACTORS
                    .iter()
                    .filter(|(a, _, _)| !a.contains(':') || a.starts_with("system:"))
                    .map(|(a, name, _)| ((*a).to_owned(), (*name).to_owned())),
            )
            .collect()
    }

    /// The actor labels a person filter's value stands for: a member of staff appears as
    /// `user:ID` (sign-in), `user:ID:NAME` (the back office), `clerk:NAME` (registering) and
    /// `cli:NAME` (the command line). `None` for a value that is not an option.
    pub fn person_actors(&self, value: &str) -> Option<Vec<String>> {
        if let Some(id) = value.strip_prefix("user:") {
            let user = id
                .parse::<UserId>()
                .ok()
                .and_then(|id| self.users.get(&id))?;
            return Some(vec![
                format!("user:{}", user.id),
                format!("user:{}:{}", user.id, user.username),
                format!("clerk:{}", user.username),
                format!("cli:{}", user.username),
            ]);
        }
        match value {
            "demo" => Some(vec!["demo".to_owned(), "clerk:demo".to_owned()]),
            _ => SYSTEM_ACTORS
                .iter()
                .any(|(a, _, _)| *a == value)
                .then(|| vec![value.to_owned()]),
        }
    }

    /// One entry in words.
    pub fn describe(&self, entry: &JournalEntry) -> Described {
        let details: serde_json::Value =
            serde_json::from_str(&entry.details).unwrap_or(serde_json::Value::Null);
        let case = entry
            .submission_id
            .and_then(|id| self.cases.get(&id))
            .cloned();
        let number = details
            .get("number")
            .and_then(|n| n.as_str())
            .map(str::to_owned);
        Described {
            id: entry.id,
            at: entry.at.parse().ok(),
            at_text: entry.at.clone(),
            who: self.who(&entry.actor),
            action: action_label(&entry.action),
            action_code: entry.action.clone(),
            case,
            number,
            lines: details::lines(self, &entry.action, &details),
            hash: entry.hash.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// The string literals passed as the action of a journal append anywhere in the sources.
    fn actions_in(dir: &Path, found: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                actions_in(&path, found);
                continue;
            }
            if path.extension().and_then(|e| e.to_str()) != Some("rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // (call, which argument is the action)
            for (call, index) in [
                ("append(", 3),
                ("append_journal(", 2),
                ("append_journal_once(", 3),
                ("CaseChange::new(", 2),
            ] {
                for (start, _) in text.match_indices(call) {
                    let args = &text[start + call.len()..];
                    let mut depth = 0;
                    let mut current = String::new();
                    let mut list = Vec::new();
                    for c in args.chars() {
                        match c {
                            '(' | '[' | '{' => depth += 1,
                            ')' | ']' | '}' if depth == 0 => break,
                            ')' | ']' | '}' => depth -= 1,
                            ',' if depth == 0 => {
                                list.push(std::mem::take(&mut current));
                                continue;
                            }
                            _ => {}
                        }
                        current.push(c);
                    }
                    list.push(current);
                    if let Some(arg) = list.get(index) {
                        let arg = arg.trim();
                        if arg.len() > 2 && arg.starts_with('"') && arg.ends_with('"') {
                            found.push((
                                arg.trim_matches('"').to_owned(),
                                path.display().to_string(),
                            ));
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn every_action_the_code_journals_has_a_bulgarian_label() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut found = Vec::new();
        for krate in ["store", "web", "cli"] {
            actions_in(&root.join(krate).join("src"), &mut found);
        }
        // Actions chosen at run time: the reading of personal data, sign-in, the CSV of cases.
        for code in [
            "read_personal_data",
            "read_sealed_identity",
            "login",
            "login_failed",
            "login_refused",
            crate::stats::cases_csv::JOURNAL_ACTION,
        ] {
            found.push((code.to_owned(), "(chosen at run time)".to_owned()));
        }
        assert!(found.len() > 20, "the scan found too little: {found:?}");
        let missing: Vec<_> = found
            .iter()
            .filter(|(code, _)| !known_action(code))
            .collect();
        assert!(missing.is_empty(), "actions without a label: {missing:?}");
        for (code, _) in &found {
            assert!(!action_label(code).contains(code.as_str()), "{code}");
        }
    }

    #[test]
    fn labels_are_unique_and_bulgarian() {
        let options = action_options();
        let labels: HashSet<_> = options.iter().map(|(_, l)| l.clone()).collect();
        assert_eq!(labels.len(), options.len());
        for (code, label) in &options {
            assert!(
                label
                    .chars()
                    .any(|c| ('а'..='я').contains(&c.to_lowercase().next().unwrap_or(c))),
                "{code}: {label}"
            );
        }
        assert_eq!(
            action_label("something_new"),
            "Друго действие (something_new)"
        );
    }

    #[test]
    fn actors_read_as_people_and_parts_of_the_system() {
        let d = Directory::default();
        assert_eq!(d.who("system:deadlines").name, "Системата (срокове)");
        assert_eq!(d.who("citizen").name, "Гражданин");
        assert_eq!(d.who("open311:FixMyStreet").role, "клиент на Open311");
        assert_eq!(d.who("user:7:maria").name, "Служител № 7");
    }
}
