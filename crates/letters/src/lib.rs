//! The letters the municipality issues, as PDF: the written answer, the notice that a case needs
//! an inspection (the reason and the new final date), and the printable receipt of a paper,
//! phone or signal-box submission. Bulgarian, on the municipality's letterhead (from
//! configuration), with the outgoing number and date and the citizen's registration number and
//! date. Letters sent to the citizen are kept with the case as they were sent (`documents`).

pub mod pdf;
pub mod wording;

pub use pdf::PdfError;

use jiff::Timestamp;
use jiff::civil::Date;
use pdf::{Align, Document, Style};
use priemna_domain::clock::municipal_tz;
use priemna_domain::{Channel, Kind, RegistrationNumber};

/// The municipality's letterhead and contact details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letterhead {
    pub organisation: String,
    pub address: String,
    pub phone: String,
    pub email: Option<String>,
    pub website: Option<String>,
    /// Where citizens track their cases (printed on receipts and in e-mails).
    pub tracking_url: Option<String>,
}

impl Default for Letterhead {
    fn default() -> Self {
        Letterhead {
            organisation: "Община Хасково".into(),
            address: "пл. „Общински“ №1, 6300 Хасково".into(),
            phone: "038 603330".into(),
            email: None,
            website: Some("www.haskovo.bg".into()),
            tracking_url: None,
        }
    }
}

impl Letterhead {
    /// One line: address, phone, e-mail, website.
    pub fn contact_line(&self) -> String {
        let mut parts = vec![self.address.clone(), format!("тел. {}", self.phone)];
        if let Some(e) = &self.email {
            parts.push(e.clone());
        }
        if let Some(w) = &self.website {
            parts.push(w.clone());
        }
        parts.join(" · ")
    }
}

/// Who a letter is addressed to, when the sender may know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Addressee {
    pub name: String,
    pub address: Option<String>,
}

/// What every letter about a case shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRef {
    pub number: RegistrationNumber,
    pub received_date: Date,
    pub kind: Kind,
    pub subject: String,
}

/// Who signs a letter for the municipality: the official who signs outgoing letters (the
/// Mayor, a Deputy Mayor, the Secretary), set by an administrator; `for_mayor` when they sign
/// on the Mayor's behalf ("за кмет").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signatory {
    pub name: String,
    pub position: String,
    pub for_mayor: bool,
}

/// The written answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerLetter {
    pub outgoing_number: String,
    pub issued_at: Timestamp,
    pub case: CaseRef,
    pub addressee: Option<Addressee>,
    /// The body as the officer wrote it.
    pub text: String,
    pub signatory: Signatory,
    /// The officer who prepared the letter ("Изготвил: …", in small print), when another
    /// official signs it.
    pub prepared_by: Option<String>,
}

/// An answer as it reads: the greeting and the closing the letter adds (only when the body has
/// none of its own), the body, and the signature. The PDF and the preview both show this.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerText {
    pub greeting: Option<String>,
    pub body: String,
    pub closing: Option<&'static str>,
    /// "ЗА КМЕТ НА ОБЩИНА …:" when the signatory signs on the Mayor's behalf.
    pub on_behalf: Option<String>,
    pub signatory_name: String,
    pub signatory_position: String,
    pub prepared_by: Option<String>,
}

impl AnswerLetter {
    /// What the letter says, around and including the officer's body.
    pub fn content(&self, head: &Letterhead) -> AnswerText {
        let body = self.text.trim().to_owned();
        AnswerText {
            greeting: (!wording::has_greeting(&body))
                .then(|| wording::greeting(self.addressee.as_ref().map(|a| a.name.as_str()))),
            closing: (!wording::has_closing(&body)).then_some(wording::CLOSING),
            body,
            on_behalf: on_behalf(head, &self.signatory),
            signatory_name: self.signatory.name.to_uppercase(),
            signatory_position: self.signatory.position.clone(),
            prepared_by: self.prepared_by.clone(),
        }
    }
}

/// "ЗА КМЕТ НА ОБЩИНА ХАСКОВО:" for a letter signed on the Mayor's behalf.
fn on_behalf(head: &Letterhead, signatory: &Signatory) -> Option<String> {
    signatory
        .for_mayor
        .then(|| format!("ЗА КМЕТ НА {}:", head.organisation.to_uppercase()))
}

/// The notice that a case needs an inspection: the reason and the new final date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DelayNotice {
    pub outgoing_number: String,
    pub issued_at: Timestamp,
    pub case: CaseRef,
    pub addressee: Option<Addressee>,
    pub reason: String,
    pub previous_due: Option<Date>,
    pub new_due: Date,
    pub signatory: Signatory,
    pub prepared_by: Option<String>,
}

/// The receipt of a submission, printed for the citizen who brought or phoned it in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub case: CaseRef,
    pub received_at: Timestamp,
    pub channel: Channel,
    pub answer_due: Option<Date>,
    pub considered: bool,
    /// The charter's decisions, in Bulgarian.
    pub decisions: Vec<String>,
    /// Shown only on the copy handed to the citizen; the copy kept says where it went.
    pub tracking_code: Option<String>,
    pub registered_by: Option<String>,
}

/// A reason as one sentence: trimmed, ending with exactly one full stop (or the `!`/`?` it
/// has), whatever the officer typed at its end.
pub fn sentence(reason: &str) -> String {
    let trimmed = reason
        .trim()
        .trim_end_matches(|c: char| c == '.' || c == '…' || c.is_whitespace());
    if trimmed.ends_with(['!', '?']) || trimmed.is_empty() {
        trimmed.to_owned()
    } else {
        format!("{trimmed}.")
    }
}

/// A date as English text writes it: `15 January 2027` (the portal's English pages write
/// dates so, never `2027-01-15`).
pub fn en_date(d: Date) -> String {
    d.strftime("%-d %B %Y").to_string()
}

/// A date as Bulgarian letters write it: `15.05.2026`.
pub fn bg_date(d: Date) -> String {
    d.strftime("%d.%m.%Y").to_string()
}

fn local(at: Timestamp) -> jiff::civil::DateTime {
    at.to_zoned(municipal_tz()).datetime()
}

const BODY: f32 = 11.0;
const SMALL: f32 = 9.0;
const ADDRESS_INDENT: f32 = 270.0;

fn letterhead(doc: &mut Document, head: &Letterhead) {
    doc.line(
        Style::Bold,
        17.0,
        Align::Center,
        &head.organisation.to_uppercase(),
    );
    doc.line(Style::Regular, SMALL, Align::Center, &head.contact_line());
    doc.rule();
    doc.space(6.0);
}

fn references(doc: &mut Document, outgoing: Option<&str>, issued: Date, case: &CaseRef) {
    if let Some(outgoing) = outgoing {
        doc.line(
            Style::Regular,
            BODY,
            Align::Left,
            &format!("Изх. № {outgoing} / {} г.", bg_date(issued)),
        );
    }
    doc.line(
        Style::Regular,
        BODY,
        Align::Left,
        &format!(
            "Във връзка с Ваш вх. № {} / {} г.",
            case.number,
            bg_date(case.received_date)
        ),
    );
    doc.space(14.0);
}

fn addressee(doc: &mut Document, to: Option<&Addressee>, case: &CaseRef) {
    doc.line_at(ADDRESS_INDENT, Style::Bold, BODY, Align::Left, "ДО");
    match to {
        Some(a) => {
            doc.paragraph_at(ADDRESS_INDENT, Style::Bold, BODY, &a.name.to_uppercase());
            if let Some(address) = &a.address {
                doc.paragraph_at(ADDRESS_INDENT, Style::Regular, BODY, address);
            }
        }
        None => doc.paragraph_at(
            ADDRESS_INDENT,
            Style::Bold,
            BODY,
            &format!("ПОДАТЕЛЯ НА {} № {}", genitive(case.kind), case.number),
        ),
    }
    doc.space(16.0);
}

/// "the submitter of the …" (the kind in the form that follows "на").
fn genitive(kind: Kind) -> String {
    kind.label_bg().to_uppercase()
}

fn regarding(doc: &mut Document, case: &CaseRef) {
    doc.paragraph(
        Style::Bold,
        BODY,
        &format!("ОТНОСНО: {} ({})", case.subject, case.kind.label_bg()),
    );
    doc.space(10.0);
}

fn salutation(doc: &mut Document, line: &str) {
    doc.line(Style::Regular, BODY, Align::Left, line);
    doc.space(4.0);
}

/// The closing (when the letter adds it), the signatory, and who prepared the letter.
fn signature(doc: &mut Document, text: &AnswerText) {
    doc.space(18.0);
    doc.keep_together(110.0);
    if let Some(closing) = text.closing {
        doc.line(Style::Regular, BODY, Align::Left, closing);
        doc.space(8.0);
    }
    if let Some(on_behalf) = &text.on_behalf {
        doc.line(Style::Bold, BODY, Align::Left, on_behalf);
    }
    // Room for the handwritten or electronic signature.
    doc.space(26.0);
    doc.line(Style::Bold, BODY, Align::Left, &text.signatory_name);
    doc.paragraph(Style::Regular, BODY, &text.signatory_position);
    if let Some(by) = &text.prepared_by {
        doc.space(22.0);
        doc.paragraph(Style::Regular, SMALL, &format!("Изготвил: {by}"));
    }
}

fn footer(head: &Letterhead, reference: String) -> impl Fn(usize, usize) -> String {
    let organisation = head.organisation.clone();
    move |page, pages| format!("{organisation} · {reference} · стр. {page} от {pages}")
}

/// The written answer as PDF.
pub fn answer_pdf(head: &Letterhead, letter: &AnswerLetter) -> Result<Vec<u8>, PdfError> {
    let issued = local(letter.issued_at);
    let mut doc = Document::new()?;
    letterhead(&mut doc, head);
    references(
        &mut doc,
        Some(&letter.outgoing_number),
        issued.date(),
        &letter.case,
    );
    addressee(&mut doc, letter.addressee.as_ref(), &letter.case);
    regarding(&mut doc, &letter.case);
    let text = letter.content(head);
    if let Some(greeting) = &text.greeting {
        salutation(&mut doc, greeting);
    }
    doc.paragraph(Style::Regular, BODY, &text.body);
    signature(&mut doc, &text);
    doc.finish(
        &format!(
            "Отговор изх. № {} по преписка № {}",
            letter.outgoing_number, letter.case.number
        ),
        issued,
        footer(head, format!("Изх. № {}", letter.outgoing_number)),
    )
}

/// The notice of an inspection (a later final date) as PDF.
pub fn delay_notice_pdf(head: &Letterhead, notice: &DelayNotice) -> Result<Vec<u8>, PdfError> {
    let issued = local(notice.issued_at);
    let mut doc = Document::new()?;
    letterhead(&mut doc, head);
    references(
        &mut doc,
        Some(&notice.outgoing_number),
        issued.date(),
        &notice.case,
    );
    addressee(&mut doc, notice.addressee.as_ref(), &notice.case);
    doc.line(
        Style::Bold,
        13.0,
        Align::Center,
        "УВЕДОМЛЕНИЕ ЗА УДЪЛЖАВАНЕ НА СРОКА",
    );
    doc.space(8.0);
    regarding(&mut doc, &notice.case);
    salutation(
        &mut doc,
        &wording::greeting(notice.addressee.as_ref().map(|a| a.name.as_str())),
    );
    let previous = notice
        .previous_due
        .map(|d| format!(" вместо до {} г.", bg_date(d)))
        .unwrap_or_default();
    doc.paragraph(
        Style::Regular,
        BODY,
        &format!(
            "Уведомяваме Ви, че срокът за отговор по Вашата преписка № {} е удължен, за да бъде \
             извършена проверка.",
            notice.case.number
        ),
    );
    doc.space(4.0);
    doc.paragraph(
        Style::Regular,
        BODY,
        &format!("Причина: {}", sentence(&notice.reason)),
    );
    doc.space(4.0);
    doc.paragraph(
        Style::Bold,
        BODY,
        &format!(
            "Новият краен срок за отговор е {} г.{previous}",
            bg_date(notice.new_due)
        ),
    );
    doc.space(4.0);
    doc.paragraph(
        Style::Regular,
        BODY,
        "Ще получите писмения отговор не по-късно от тази дата. Можете да следите хода на \
         преписката с нейния номер и кода за проследяване.",
    );
    signature(
        &mut doc,
        &AnswerText {
            greeting: None,
            body: String::new(),
            closing: Some(wording::CLOSING),
            on_behalf: on_behalf(head, &notice.signatory),
            signatory_name: notice.signatory.name.to_uppercase(),
            signatory_position: notice.signatory.position.clone(),
            prepared_by: notice.prepared_by.clone(),
        },
    );
    doc.finish(
        &format!(
            "Уведомление изх. № {} по преписка № {}",
            notice.outgoing_number, notice.case.number
        ),
        issued,
        footer(head, format!("Изх. № {}", notice.outgoing_number)),
    )
}

/// The receipt of a submission as PDF.
pub fn receipt_pdf(head: &Letterhead, receipt: &Receipt) -> Result<Vec<u8>, PdfError> {
    let received = local(receipt.received_at);
    let mut doc = Document::new()?;
    letterhead(&mut doc, head);
    doc.line(
        Style::Bold,
        14.0,
        Align::Center,
        "ПОТВЪРЖДЕНИЕ ЗА РЕГИСТРАЦИЯ",
    );
    doc.space(12.0);
    let rows: Vec<(&str, String)> = vec![
        ("Входящ №", receipt.case.number.to_string()),
        (
            "Дата и час",
            format!(
                "{} г., {} ч.",
                bg_date(received.date()),
                received.strftime("%H:%M")
            ),
        ),
        ("Вид", receipt.case.kind.label_bg().to_owned()),
        ("Подадено чрез", receipt.channel.label_bg().to_owned()),
        ("Относно", receipt.case.subject.clone()),
        (
            "Срок за отговор",
            match (receipt.considered, receipt.answer_due) {
                (true, Some(d)) => format!("до {} г.", bg_date(d)),
                (true, None) => "без законов срок".to_owned(),
                (false, _) => "не се разглежда (вижте решенията по-долу)".to_owned(),
            },
        ),
        (
            "Код за проследяване",
            receipt.tracking_code.clone().unwrap_or_else(|| {
                "даден на подателя при регистрацията (пази се само като отпечатък)".to_owned()
            }),
        ),
    ];
    for (label, value) in rows {
        doc.label(Style::Bold, BODY, label);
        doc.paragraph_at(150.0, Style::Regular, BODY, &value);
        doc.space(3.0);
    }
    if !receipt.decisions.is_empty() {
        doc.space(8.0);
        doc.line(
            Style::Bold,
            BODY,
            Align::Left,
            "Решения по хартата на клиента:",
        );
        for d in &receipt.decisions {
            doc.paragraph_at(12.0, Style::Regular, BODY, &format!("• {d}"));
        }
    }
    doc.space(12.0);
    let track = match &head.tracking_url {
        Some(url) => format!(
            "Проследявайте преписката на {url} с входящия номер и кода за проследяване. Пазете кода: \
             той не може да бъде показан отново."
        ),
        None => "Проследявайте преписката с входящия номер и кода за проследяване. Пазете кода: \
                 той не може да бъде показан отново."
            .to_owned(),
    };
    doc.paragraph(Style::Regular, BODY, &track);
    if let Some(by) = &receipt.registered_by {
        doc.space(18.0);
        doc.line(
            Style::Regular,
            BODY,
            Align::Left,
            &format!("Регистрирал: {by}"),
        );
    }
    doc.finish(
        &format!("Потвърждение за регистрация № {}", receipt.case.number),
        received,
        footer(head, format!("Вх. № {}", receipt.case.number)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letter(text: &str, addressee: Option<&str>, for_mayor: bool) -> AnswerLetter {
        AnswerLetter {
            outgoing_number: "2026-000042-1".into(),
            issued_at: Timestamp::UNIX_EPOCH,
            case: CaseRef {
                number: RegistrationNumber::new(2026, 42).unwrap(),
                received_date: jiff::civil::date(2026, 5, 11),
                kind: Kind::Signal,
                subject: "Дупка на ул. „Шипка“".into(),
            },
            addressee: addressee.map(|name| Addressee {
                name: name.into(),
                address: None,
            }),
            text: text.into(),
            signatory: Signatory {
                name: "Станимир Петков".into(),
                position: "Заместник-кмет".into(),
                for_mayor,
            },
            prepared_by: Some("Иванка Експертова, служител (експерт)".into()),
        }
    }

    #[test]
    fn the_letter_adds_only_what_the_body_lacks() {
        let head = Letterhead::default();
        let plain = letter(
            "Дупката е запълнена.",
            Some("Мария Георгиева Петрова"),
            false,
        )
        .content(&head);
        assert_eq!(plain.greeting.as_deref(), Some("Уважаема госпожо Петрова,"));
        assert_eq!(plain.closing, Some("С уважение,"));
        assert_eq!(plain.on_behalf, None);
        assert_eq!(plain.signatory_name, "СТАНИМИР ПЕТКОВ");

        let greeted = letter(
            "Здравейте,\nДупката е запълнена.",
            Some("Мария Георгиева Петрова"),
            true,
        )
        .content(&head);
        assert_eq!(greeted.greeting, None);
        assert_eq!(greeted.closing, Some("С уважение,"));
        assert_eq!(
            greeted.on_behalf.as_deref(),
            Some("ЗА КМЕТ НА ОБЩИНА ХАСКОВО:")
        );

        let signed_off = letter("Дупката е запълнена.\n\nПоздрави,", None, false).content(&head);
        assert_eq!(signed_off.greeting.as_deref(), Some("Здравейте,"));
        assert_eq!(signed_off.closing, None);
        assert_eq!(signed_off.body, "Дупката е запълнена.\n\nПоздрави,");
    }

    #[test]
    fn a_reason_ends_with_one_full_stop_and_english_dates_are_words() {
        assert_eq!(sentence("проверка на място.."), "проверка на място.");
        assert_eq!(sentence("  проверка на място  "), "проверка на място.");
        assert_eq!(sentence("проверка на място…"), "проверка на място.");
        assert_eq!(sentence("Защо ли?"), "Защо ли?");
        assert_eq!(en_date(jiff::civil::date(2027, 1, 15)), "15 January 2027");
    }
}
