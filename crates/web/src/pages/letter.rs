//! An answer letter as HTML, for the preview before it is sent: the same content as the PDF
//! (`letters::AnswerLetter::content`: the greeting and the closing only when the body has none,
//! the signatory, "Изготвил"), laid out as a sheet of paper.

use maud::{Markup, html};
use priemna_domain::clock::local_date;
use priemna_letters::{AnswerLetter, Letterhead, bg_date};

pub fn answer(head: &Letterhead, letter: &AnswerLetter) -> Markup {
    let text = letter.content(head);
    let case = &letter.case;
    html! {
        article.letter aria-label="Преглед на писмото" {
            p.letterhead {
                strong { (head.organisation.to_uppercase()) }
                br;
                small { (head.contact_line()) }
            }
            p {
                "Изх. № " (letter.outgoing_number) " / " (bg_date(local_date(letter.issued_at))) "\u{a0}г."
                br;
                "Във връзка с Ваш вх. № " (case.number) " / " (bg_date(case.received_date)) "\u{a0}г."
            }
            p.to {
                strong { "ДО" }
                br;
                @match &letter.addressee {
                    Some(a) => {
                        strong { (a.name.to_uppercase()) }
                        @if let Some(address) = &a.address { br; (address) }
                    }
                    None => strong {
                        "ПОДАТЕЛЯ НА " (case.kind.label_bg().to_uppercase()) " № " (case.number)
                    },
                }
            }
            p { strong { "ОТНОСНО: " (case.subject) " (" (case.kind.label_bg()) ")" } }
            @if let Some(greeting) = &text.greeting { p { (greeting) } }
            div.body { (text.body) }
            div.signature {
                @if let Some(closing) = text.closing { p { (closing) } }
                @if let Some(on_behalf) = &text.on_behalf { p { strong { (on_behalf) } } }
                p.signed {
                    strong { (text.signatory_name) }
                    br;
                    (text.signatory_position)
                }
                @if let Some(by) = &text.prepared_by {
                    p.prepared { small { "Изготвил: " (by) } }
                }
            }
        }
    }
}
