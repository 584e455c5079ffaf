//! An entry's details as lines of Bulgarian: each field the code base writes has its sentence;
//! a field nobody has worded yet is shown as "name: value", never as JSON.

use super::Directory;
use jiff::Timestamp;
use jiff::civil::Date;
use priemna_domain::access::{Permission, Role};
use priemna_domain::visits::official_with;
use priemna_domain::{Channel, DepartmentId, Kind, Status, UserId};
use serde_json::{Map, Value};

/// The fields shown elsewhere (the case's number has its own column).
const SHOWN_ELSEWHERE: &[&str] = &["number"];

pub fn lines(dir: &Directory, action: &str, details: &Value) -> Vec<String> {
    let Some(fields) = details.as_object() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut done: Vec<&str> = SHOWN_ELSEWHERE.to_vec();
    let mut line = |key: &'static str, out: &mut Vec<String>, text: Option<String>| {
        if fields.contains_key(key) {
            done.push(key);
            if let Some(text) = text {
                out.push(text);
            }
        }
    };

    // A change (a case action, a member of staff, a department's head): from before to after.
    if let Some(after) = fields.get("after").and_then(Value::as_object) {
        let empty = Map::new();
        let before = fields
            .get("before")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        line("before", &mut out, None);
        line("after", &mut out, None);
        out.extend(changes(dir, before, after));
    }

    let text = |v: &Value| v.as_str().map(str::to_owned);
    let get = |k: &str| fields.get(k);
    line(
        "user_id",
        &mut out,
        get("user_id")
            .and_then(Value::as_i64)
            .filter(|_| !matches!(action, "login" | "login_failed" | "login_refused"))
            .map(|id| format!("Служител: {}", dir.user_name(UserId(id)))),
    );
    line(
        "locked_until",
        &mut out,
        get("locked_until")
            .and_then(text)
            .map(|t| format!("Профилът е заключен до {}", time(&t))),
    );
    line(
        "client",
        &mut out,
        get("client")
            .and_then(text)
            .map(|c| format!("От адрес: {c}")),
    );
    line(
        "failures",
        &mut out,
        get("failures")
            .and_then(Value::as_i64)
            .map(|n| format!("Грешни пароли подред от адреса: {n}")),
    );
    line(
        "refused_until",
        &mut out,
        get("refused_until")
            .and_then(text)
            .map(|t| format!("Опитите от адреса се отказват до {}", time(&t))),
    );
    line(
        "owner_mailed",
        &mut out,
        get("owner_mailed")
            .and_then(Value::as_bool)
            .filter(|m| *m)
            .map(|_| "Служителят е уведомен по имейл".to_owned()),
    );
    line(
        "known_user",
        &mut out,
        get("known_user")
            .and_then(Value::as_bool)
            .filter(|known| !known)
            .map(|_| "Няма профил с въведеното име (името не се пази)".to_owned()),
    );
    line(
        "username",
        &mut out,
        get("username")
            .and_then(text)
            .map(|u| format!("Потребителско име: {u}")),
    );
    line(
        "role",
        &mut out,
        get("role")
            .and_then(Value::as_str)
            .map(|r| format!("Роля: {}", role(r))),
    );
    line(
        "department_id",
        &mut out,
        get("department_id")
            .and_then(Value::as_i64)
            .map(|id| format!("Отдел: {}", dir.department_name(DepartmentId(id)))),
    );
    line(
        "corruption_officer",
        &mut out,
        get("corruption_officer")
            .and_then(Value::as_bool)
            .filter(|b| *b)
            .map(|_| "Определен за сигналите за корупция".to_owned()),
    );
    line(
        "name",
        &mut out,
        get("name").and_then(text).and_then(|n| match action {
            "api_key_add" | "api_key_revoke" => Some(format!("Ключ: „{n}“")),
            // The department's line names it.
            "department_add" => None,
            _ => Some(format!("Наименование: „{n}“")),
        }),
    );
    line("api_key_id", &mut out, None);
    line(
        "prefix",
        &mut out,
        get("prefix")
            .and_then(text)
            .map(|p| format!("Ключът започва с {p}…")),
    );
    line(
        "token_responses",
        &mut out,
        get("token_responses")
            .and_then(Value::as_bool)
            .filter(|b| *b)
            .map(|_| "Отговаря с жетон (пакетни клиенти)".to_owned()),
    );
    line(
        "kind",
        &mut out,
        get("kind").and_then(Value::as_str).map(|k| match action {
            "read_document" => format!("Документ: {}", document(k)),
            _ => format!("Вид: {}", Kind::parse(k).map_or(k, |k| k.label_bg())),
        }),
    );
    line(
        "channel",
        &mut out,
        get("channel")
            .and_then(Value::as_str)
            .map(|c| format!("Канал: {}", Channel::parse(c).map_or(c, |c| c.label_bg()))),
    );
    line(
        "status",
        &mut out,
        get("status")
            .and_then(Value::as_str)
            .map(|s| format!("Статус: {}", status(s))),
    );
    line(
        "due",
        &mut out,
        Some(match get("due").and_then(Value::as_str) {
            Some(d) => format!("Крайният срок {} е изтекъл", date(d)),
            None => "Крайният срок е изтекъл".to_owned(),
        }),
    );
    line(
        "original",
        &mut out,
        get("original")
            .and_then(text)
            .map(|n| format!("Основна преписка: {n}")),
    );
    line(
        "permission",
        &mut out,
        get("permission").and_then(Value::as_str).map(|p| {
            format!(
                "Поискано право: {}",
                Permission::parse(p).map_or(p, |p| p.label_bg())
            )
        }),
    );
    line(
        "page",
        &mut out,
        get("page")
            .and_then(text)
            .map(|p| format!("Страница: {}", priemna_app::refusals::page_label(&p))),
    );
    line(
        "reason",
        &mut out,
        get("reason")
            .and_then(text)
            .filter(|r| !r.trim().is_empty())
            .map(|r| match action {
                priemna_app::refusals::ACTION => format!("Причина: {r}"),
                _ => format!("Основание: {r}"),
            }),
    );
    line(
        "cutoff",
        &mut out,
        get("cutoff")
            .and_then(Value::as_str)
            .map(|d| format!("Срокът за съхранение е изтекъл на {}", date(d))),
    );
    line(
        "outbox_id",
        &mut out,
        get("outbox_id")
            .and_then(Value::as_i64)
            .map(|id| format!("Съобщение № {id} от изходящата поща")),
    );
    line(
        "document_id",
        &mut out,
        get("document_id")
            .and_then(Value::as_i64)
            .map(|id| format!("Документ № {id}")),
    );
    line(
        "attachment_id",
        &mut out,
        get("attachment_id")
            .and_then(Value::as_i64)
            .map(|id| format!("Файл № {id}")),
    );
    line(
        "content_type",
        &mut out,
        get("content_type")
            .and_then(text)
            .map(|t| format!("Тип на файла: {}", file_type(&t))),
    );
    line(
        "size",
        &mut out,
        get("size")
            .and_then(Value::as_i64)
            .map(|s| format!("Размер: {}", size(s))),
    );
    line(
        "rating",
        &mut out,
        get("rating")
            .and_then(Value::as_i64)
            .map(|r| format!("Оценка: {r} от 5")),
    );
    line("booking_id", &mut out, None);
    line(
        "official",
        &mut out,
        get("official").and_then(text).map(|o| {
            format!(
                "Прием при {}",
                official_with(&o).map_or(o.clone(), |(bg, _)| bg.to_owned())
            )
        }),
    );
    line(
        "day",
        &mut out,
        get("day")
            .and_then(Value::as_str)
            .map(|d| format!("Ден: {}", date(d))),
    );
    line(
        "slot",
        &mut out,
        get("slot").and_then(text).map(|s| format!("Час: {s}")),
    );
    line(
        "from_day",
        &mut out,
        match (
            get("from_day").and_then(Value::as_str),
            get("from_slot").and_then(Value::as_str),
        ) {
            (Some(d), Some(s)) => Some(format!("Преместен от {}, {s} ч.", date(d))),
            _ => None,
        },
    );
    line("from_slot", &mut out, None);
    line(
        "sequence",
        &mut out,
        get("sequence")
            .and_then(Value::as_i64)
            .map(|n| format!("Промяна № {n} на записания час")),
    );
    line(
        "confirmation",
        &mut out,
        get("confirmation")
            .and_then(Value::as_bool)
            .filter(|sent| *sent)
            .map(|_| "Потвърждение с файл за календара по електронната поща".to_owned()),
    );
    line(
        "notice",
        &mut out,
        get("notice")
            .and_then(Value::as_bool)
            .filter(|sent| *sent)
            .map(|_| "Известие за отмяната по електронната поща".to_owned()),
    );
    line(
        "bookings",
        &mut out,
        get("bookings")
            .and_then(Value::as_i64)
            .map(|n| format!("Показани записвания: {n}")),
    );
    line(
        "slug",
        &mut out,
        get("slug")
            .and_then(text)
            .map(|s| format!("Страница на портала: {s}")),
    );
    line("sha256_bg", &mut out, None);
    line("sha256_en", &mut out, None);
    // Imports and exports.
    line(
        "count",
        &mut out,
        get("count").and_then(Value::as_i64).map(|n| match action {
            "export_personal_data" => format!("Редове с лични данни: {n}"),
            _ => format!("Брой преписки: {n}"),
        }),
    );
    line(
        "rows",
        &mut out,
        get("rows")
            .and_then(Value::as_i64)
            .map(|n| format!("Редове: {n}")),
    );
    line(
        "entries",
        &mut out,
        get("entries")
            .and_then(Value::as_i64)
            .map(|n| format!("Записи: {n}")),
    );
    if action == "import" {
        line(
            "first",
            &mut out,
            match (
                get("first").and_then(Value::as_str),
                get("last").and_then(Value::as_str),
            ) {
                (Some(first), Some(last)) => Some(format!("Номера: от {first} до {last}")),
                _ => None,
            },
        );
        line("last", &mut out, None);
        line("ranges", &mut out, None);
    } else {
        line(
            "from",
            &mut out,
            get("from")
                .and_then(Value::as_str)
                .map(|d| format!("От: {}", date(d))),
        );
        line(
            "to",
            &mut out,
            get("to")
                .and_then(Value::as_str)
                .map(|d| format!("До: {}", date(d))),
        );
    }
    line(
        "complete",
        &mut out,
        get("complete")
            .and_then(Value::as_bool)
            .filter(|c| !c)
            .map(|_| "Изтеглянето е прекъснато".to_owned()),
    );
    line(
        "source",
        &mut out,
        get("source").and_then(text).map(|s| format!("Файл: {s}")),
    );
    line(
        "sha256",
        &mut out,
        get("sha256")
            .and_then(text)
            .map(|h| format!("Контролна сума SHA-256: {h}")),
    );
    line(
        "filter",
        &mut out,
        get("filter").and_then(text).map(|f| format!("Филтър: {f}")),
    );

    // Whatever no one has worded yet, as plain "name: value".
    for (key, value) in fields {
        if done.contains(&key.as_str()) || value.is_null() {
            continue;
        }
        out.push(format!("{key}: {}", plain(value)));
    }
    out
}

/// The fields a change moved from `before` to `after`.
fn changes(
    dir: &Directory,
    before: &Map<String, Value>,
    after: &Map<String, Value>,
) -> Vec<String> {
    let mut out = Vec::new();
    for (key, new) in after {
        let old = before.get(key).unwrap_or(&Value::Null);
        if old == new {
            continue;
        }
        let shown = |v: &Value| value(dir, key, v);
        let label = match key.as_str() {
            "status" => "Статус",
            "department_id" => "Отдел",
            "assignee_id" => "Възложена на",
            "head_user_id" => "Началник",
            "answer_due" => "Краен срок",
            "considered" => "Ще се разглежда",
            "subject_employee_id" => "Служител, за когото се отнася",
            "answered_by" => "Отговор, подписан от",
            "not_considered_rule" => "Правило на хартата",
            "forwarded_to" => "Препратена до",
            "duplicate_of" => "Обединена с преписка",
            "role" => "Роля",
            "corruption_officer" => "Определен за сигналите за корупция",
            "active" => "Активен профил",
            "display_name" => "Име",
            "has_email" => "Има служебен e-mail",
            other => other,
        };
        if old.is_null() {
            out.push(format!("{label}: {}", shown(new)));
        } else {
            out.push(format!("{label}: {} → {}", shown(old), shown(new)));
        }
    }
    out
}

fn value(dir: &Directory, key: &str, v: &Value) -> String {
    if v.is_null() {
        return "няма".to_owned();
    }
    match (key, v) {
        ("status", Value::String(s)) => status(s),
        ("department_id", Value::Number(n)) => n
            .as_i64()
            .map_or_else(|| n.to_string(), |id| dir.department_name(DepartmentId(id))),
        (
            "assignee_id" | "head_user_id" | "subject_employee_id" | "answered_by",
            Value::Number(n),
        ) => n
            .as_i64()
            .map_or_else(|| n.to_string(), |id| dir.user_name(UserId(id))),
        ("answer_due", Value::String(d)) => date(d),
        ("role", Value::String(r)) => role(r),
        ("not_considered_rule", Value::String(r)) => {
            priemna_app::cases::unanswered_rule_text(r).0.to_owned()
        }
        _ => plain(v),
    }
}

fn plain(v: &Value) -> String {
    match v {
        Value::Null => "няма".to_owned(),
        Value::Bool(true) => "да".to_owned(),
        Value::Bool(false) => "не".to_owned(),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => items.iter().map(plain).collect::<Vec<_>>().join(", "),
        Value::Object(fields) => fields
            .iter()
            .map(|(k, v)| format!("{k}: {}", plain(v)))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn status(s: &str) -> String {
    Status::parse(s).map_or(s.to_owned(), |s| s.label_bg().to_owned())
}

fn role(r: &str) -> String {
    Role::parse(r).map_or(r.to_owned(), |r| r.label_bg().to_owned())
}

fn date(d: &str) -> String {
    d.parse::<Date>()
        .map(|d| d.strftime("%d.%m.%Y").to_string())
        .unwrap_or_else(|_| d.to_owned())
}

fn time(t: &str) -> String {
    t.parse::<Timestamp>()
        .map(priemna_domain::clock::time_bg)
        .unwrap_or_else(|_| t.to_owned())
}

fn document(kind: &str) -> &str {
    match kind {
        "receipt" => "разписка",
        "delay_notice" => "уведомление за удължен срок",
        "answer" => "писмен отговор",
        other => other,
    }
}

fn file_type(content_type: &str) -> String {
    match content_type {
        "application/pdf" => "PDF".to_owned(),
        "image/jpeg" => "снимка JPEG".to_owned(),
        "image/png" => "изображение PNG".to_owned(),
        other => other.to_owned(),
    }
}

fn size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0)).replace('.', ",")
    } else if bytes >= 1024 {
        format!("{} KB", (bytes + 512) / 1024)
    } else {
        format!("{bytes} байта")
    }
}
