//! Notices to staff about staff: the designated officers for corruption signals are told of
//! every change to who is designated (M3), so that a designation no one expected is noticed.
//! Written to the outbox in the same transaction as the change itself.

use super::Notifier;
use jiff::Timestamp;
use maud::html;
use priemna_domain::clock::local_time;
use priemna_store::{MessageKind, NewMessage, Recipient, User};

/// What changed for `after` (compared with `before`), in Bulgarian and English; `None` when
/// the designation did not change.
fn what_changed(before: &User, after: &User) -> Option<(String, String)> {
    let name = format!("{} ({})", after.display_name, after.username);
    let designated_before = before.corruption_officer && before.active;
    let designated_after = after.corruption_officer && after.active;
    match (designated_before, designated_after) {
        (false, true) => Some((
            format!("{name} е определен(а) да работи по сигнали за корупция."),
            format!("{name} was designated to handle corruption signals."),
        )),
        (true, false) => Some((
            format!("{name} вече не е определен(а) да работи по сигнали за корупция."),
            format!("{name} is no longer designated to handle corruption signals."),
        )),
        _ => None,
    }
}

/// The notices of a designation change: to every active designated officer with an e-mail
/// address (as the staff is before the change) and to the person concerned.
pub fn designation_changed(
    n: &Notifier,
    everyone: &[User],
    before: &User,
    after: &User,
    by: &str,
    at: Timestamp,
) -> Vec<NewMessage> {
    let Some((what_bg, what_en)) = what_changed(before, after) else {
        return Vec::new();
    };
    let when = local_time(at);
    let mut recipients: Vec<&User> = everyone
        .iter()
        .filter(|u| u.active && u.corruption_officer && u.id != after.id)
        .collect();
    recipients.push(after);
    recipients
        .into_iter()
        .filter_map(|u| u.email.as_deref().map(|email| (u, email)))
        .map(|(u, email)| {
            let text = format!(
                "Здравейте, {name},\n\n{what_bg}\nПромяната е направена от {by} на {when}.\n\
                 Ако не я очаквате, уведомете кмета и друг администратор.\n\n---\n\n\
                 Hello {name},\n\n{what_en}\nThe change was made by {by} at {when}.\n\
                 If you did not expect it, tell the Mayor and another administrator.\n",
                name = u.display_name,
            );
            let body = html! {
                p { "Здравейте, " (u.display_name) "," }
                p { (what_bg) }
                p { "Промяната е направена от " (by) " на " (when) "." }
                p { "Ако не я очаквате, уведомете кмета и друг администратор." }
                hr;
                p lang="en" { "Hello " (u.display_name) "," }
                p lang="en" { (what_en) }
                p lang="en" { "The change was made by " (by) " at " (when) "." }
                p lang="en" { "If you did not expect it, tell the Mayor and another administrator." }
            };
            NewMessage {
                kind: MessageKind::DesignationNotice,
                message_id: n.message_id("designation"),
                recipient: Recipient::Address {
                    email: email.to_owned(),
                    name: Some(u.display_name.clone()),
                },
                subject: "Промяна в определените служители за сигнали за корупция / \
                          Designation for corruption signals changed"
                    .into(),
                text,
                html: body.into_string(),
                attach_document: None,
                attach_file: None,
                dedupe_key: None,
            }
        })
        .collect()
}

/// The owner's e-mail when sign-ins to their account from one address start being refused
/// (once a day at most; the store decides whether it goes). It names the account, the address
/// and the times, never a password or anything that would help to sign in; `None` without an
/// e-mail address.
pub fn sign_ins_refused(
    n: &Notifier,
    user: &User,
    client: &str,
    failures: i64,
    until: Timestamp,
) -> Option<NewMessage> {
    let email = user.email.as_deref()?;
    let until = priemna_domain::clock::time_bg(until);
    let name = &user.display_name;
    let account = &user.username;
    let text = format!(
        "Здравейте, {name},\n\n\
         Паролата за профила {account} в Приемна беше въведена грешно {failures} пъти подред \
         от адрес {client}. Опитите от този адрес се отказват до {until}; входът от други \
         адреси не е засегнат.\n\
         Ако това сте били вие, изчакайте и опитайте отново. Ако не сте вие, някой се опитва \
         да познае паролата ви: сменете я с дълга, неизползвана другаде, и уведомете \
         администратор. При следващия си вход ще видите колко опита е имало.\n\n---\n\n\
         Hello {name},\n\n\
         The password of the account {account} in Priemna was entered wrongly {failures} \
         times in a row from the address {client}. Attempts from that address are refused \
         until {until}; signing in from other addresses is not affected.\n\
         If it was you, wait and try again. If it was not, someone is trying to guess your \
         password: change it to a long one used nowhere else, and tell an administrator. Your \
         next sign-in will show how many attempts there were.\n"
    );
    let body = html! {
        p { "Здравейте, " (name) "," }
        p {
            "Паролата за профила " strong { (account) } " в Приемна беше въведена грешно "
            (failures) " пъти подред от адрес " code { (client) } ". Опитите от този адрес се \
            отказват до " (until) "; входът от други адреси не е засегнат."
        }
        p {
            "Ако това сте били вие, изчакайте и опитайте отново. Ако не сте вие, някой се опитва \
             да познае паролата ви: сменете я с дълга, неизползвана другаде, и уведомете \
             администратор. При следващия си вход ще видите колко опита е имало."
        }
        hr;
        p lang="en" { "Hello " (name) "," }
        p lang="en" {
            "The password of the account " strong { (account) } " in Priemna was entered \
             wrongly " (failures) " times in a row from the address " code { (client) } ". \
             Attempts from that address are refused until " (until) "; signing in from other \
             addresses is not affected."
        }
        p lang="en" {
            "If it was you, wait and try again. If it was not, someone is trying to guess your \
             password: change it to a long one used nowhere else, and tell an administrator. \
             Your next sign-in will show how many attempts there were."
        }
    };
    Some(NewMessage {
        kind: MessageKind::SignInNotice,
        message_id: n.message_id("sign-in"),
        recipient: Recipient::Address {
            email: email.to_owned(),
            name: Some(user.display_name.clone()),
        },
        subject: "Неуспешни опити за вход в профила ви / Failed sign-ins to your account".into(),
        text,
        html: body.into_string(),
        attach_document: None,
        attach_file: None,
        dedupe_key: None,
    })
}
