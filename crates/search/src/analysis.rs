//! The Bulgarian analyser: words are split on anything that is not a letter or a digit,
//! lower-cased, written in Cyrillic when typed in Latin letters ("dupka" → "дупка"), stop words
//! dropped, and reduced to a stem with the light stemmer J. Savoy published for Bulgarian
//! ("Searching strategies for the Bulgarian language", Information Retrieval 10, 2007), so that
//! "дупки", "дупката" and "дупките" all become "дупк".
//!
//! Every function here is pure; the tantivy tokenizer at the end only wraps them.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// The name the index registers the analyser under.
pub const ANALYSER: &str = "bulgarian";

/// Common Bulgarian function words (and a few very frequent verbs) that carry no meaning for a
/// search: prepositions, conjunctions, pronouns, particles, forms of "to be".
const STOP_WORDS: &[&str] = &[
    "а",
    "аз",
    "ако",
    "ала",
    "бе",
    "без",
    "беше",
    "би",
    "бил",
    "била",
    "били",
    "било",
    "бъдат",
    "бъде",
    "бяха",
    "в",
    "вас",
    "ваш",
    "ваша",
    "ваше",
    "ваши",
    "вече",
    "ви",
    "вие",
    "все",
    "във",
    "върху",
    "г",
    "ги",
    "го",
    "да",
    "дали",
    "до",
    "докато",
    "дори",
    "е",
    "едва",
    "ето",
    "за",
    "зад",
    "заради",
    "затова",
    "защо",
    "защото",
    "и",
    "из",
    "или",
    "им",
    "има",
    "имат",
    "й",
    "как",
    "каква",
    "какво",
    "както",
    "какъв",
    "като",
    "кога",
    "когато",
    "което",
    "които",
    "кой",
    "който",
    "колко",
    "която",
    "къде",
    "където",
    "към",
    "ли",
    "ме",
    "между",
    "мен",
    "ми",
    "му",
    "на",
    "над",
    "най",
    "нас",
    "не",
    "него",
    "нея",
    "ни",
    "ние",
    "нито",
    "но",
    "някои",
    "някой",
    "обаче",
    "около",
    "освен",
    "от",
    "още",
    "пак",
    "по",
    "под",
    "поне",
    "поради",
    "после",
    "пред",
    "преди",
    "през",
    "при",
    "пък",
    "с",
    "са",
    "само",
    "се",
    "сега",
    "си",
    "след",
    "сме",
    "според",
    "сред",
    "срещу",
    "сте",
    "съм",
    "със",
    "също",
    "т",
    "тази",
    "така",
    "такива",
    "такъв",
    "там",
    "те",
    "тези",
    "ти",
    "то",
    "това",
    "тогава",
    "този",
    "той",
    "толкова",
    "тук",
    "тъй",
    "тя",
    "тях",
    "у",
    "че",
    "чрез",
    "ще",
    "щом",
    "я",
];

/// Whether `word` (lower case, Cyrillic) is a stop word.
pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok()
}

/// Latin letters as the Bulgarian official transliteration (and common informal habits) use
/// them, back to Cyrillic. Longest sequences first.
const LATIN: &[(&str, &str)] = &[
    ("sht", "щ"),
    ("zh", "ж"),
    ("ts", "ц"),
    ("ch", "ч"),
    ("sh", "ш"),
    ("yu", "ю"),
    ("ju", "ю"),
    ("ya", "я"),
    ("ja", "я"),
    ("a", "а"),
    ("b", "б"),
    ("v", "в"),
    ("w", "в"),
    ("g", "г"),
    ("d", "д"),
    ("e", "е"),
    ("z", "з"),
    ("i", "и"),
    ("y", "й"),
    ("j", "й"),
    ("k", "к"),
    ("l", "л"),
    ("m", "м"),
    ("n", "н"),
    ("o", "о"),
    ("p", "п"),
    ("r", "р"),
    ("s", "с"),
    ("t", "т"),
    ("u", "у"),
    ("f", "ф"),
    ("h", "х"),
    ("c", "ц"),
    ("x", "кс"),
    ("q", "я"),
];

/// A lower-case word written in Latin letters, in Cyrillic ("ulicata" → "улицата"). Words with
/// any non-ASCII letter are returned unchanged.
pub fn transliterate(word: &str) -> String {
    if !word.bytes().any(|b| b.is_ascii_lowercase()) || !word.is_ascii() {
        return word.to_owned();
    }
    let mut out = String::with_capacity(word.len() * 2);
    let mut rest = word;
    'outer: while !rest.is_empty() {
        for (latin, cyrillic) in LATIN {
            if let Some(tail) = rest.strip_prefix(latin) {
                out.push_str(cyrillic);
                rest = tail;
                continue 'outer;
            }
        }
        // A digit or anything else: kept.
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            out.push(c);
        }
        rest = chars.as_str();
    }
    out
}

fn ends_with(s: &[char], suffix: &str) -> bool {
    let n = suffix.chars().count();
    s.len() >= n && s[s.len() - n..].iter().copied().eq(suffix.chars())
}

/// Removes the definite article (-ът, -ят, -та, -то, -те, -ия, -ият).
fn remove_article(s: &mut Vec<char>) {
    let len = s.len();
    if len > 6 && ends_with(s, "ият") {
        s.truncate(len - 3);
    } else if (len > 5
        && ["ът", "то", "те", "та", "ия"]
            .iter()
            .any(|x| ends_with(s, x)))
        || (len > 4 && ends_with(s, "ят"))
    {
        s.truncate(len - 2);
    }
}

/// Removes the plural endings, restoring the consonant they alternate with (-ци → -к,
/// -зи → -г, -си → -х, -еве → -й, е…и → я…).
fn remove_plural(s: &mut Vec<char>) {
    let len = s.len();
    if len > 6 {
        if ends_with(s, "овци") {
            s.truncate(len - 3); // -овци → -о
            return;
        }
        if ends_with(s, "ове") {
            s.truncate(len - 3);
            return;
        }
        if ends_with(s, "еве") {
            s.truncate(len - 2);
            s[len - 3] = 'й';
            return;
        }
    }
    if len > 5 {
        if ends_with(s, "ища") {
            s.truncate(len - 3);
            return;
        }
        if ends_with(s, "та") {
            s.truncate(len - 2);
            return;
        }
        if ends_with(s, "ци") {
            s.truncate(len - 1);
            s[len - 2] = 'к';
            return;
        }
        if ends_with(s, "зи") {
            s.truncate(len - 1);
            s[len - 2] = 'г';
            return;
        }
        if s[len - 3] == 'е' && s[len - 1] == 'и' {
            s[len - 3] = 'я';
            s.truncate(len - 1);
            return;
        }
    }
    if len > 4 {
        if ends_with(s, "си") {
            s.truncate(len - 1);
            s[len - 2] = 'х';
        } else if ends_with(s, "и") {
            s.truncate(len - 1);
        }
    }
}

/// The light stem of a lower-case Cyrillic word (Savoy's rules): the article, then the plural,
/// then a final vowel; "-ен" → "-н" and a fleeting "ъ" before the last consonant are removed.
/// Words of fewer than four letters are left as they are.
pub fn stem(word: &str) -> String {
    let mut s: Vec<char> = word.chars().collect();
    if s.len() < 4 {
        return word.to_owned();
    }
    if s.len() > 5 && ends_with(&s, "ища") {
        s.truncate(s.len() - 3);
        return s.into_iter().collect();
    }
    remove_article(&mut s);
    remove_plural(&mut s);
    if s.len() > 3 {
        if ends_with(&s, "я") {
            s.pop();
        }
        if ends_with(&s, "а") || ends_with(&s, "о") || ends_with(&s, "е") {
            s.pop();
        }
    }
    let len = s.len();
    if len > 4 && ends_with(&s, "ен") {
        s[len - 2] = 'н';
        s.pop();
    }
    let len = s.len();
    if len > 5 && s[len - 2] == 'ъ' {
        s[len - 2] = s[len - 1];
        s.pop();
    }
    s.into_iter().collect()
}

/// One word as it is indexed: lower-cased, in Cyrillic, stemmed, with "ъ" written "а" (the
/// official transliteration writes both as "a", so "pat" must find "път"). `None` for a stop
/// word.
pub fn normalise_word(word: &str) -> Option<String> {
    let lower = word.to_lowercase().replace('ѝ', "и");
    let cyrillic = transliterate(&lower);
    if is_stop_word(&cyrillic) {
        return None;
    }
    let stemmed = stem(&cyrillic);
    Some(stemmed.replace('ъ', "а"))
}

/// Splits `text` into words (runs of letters and digits) with their byte offsets.
pub fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = None;
    let mut out = Vec::new();
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() {
            if start.is_none() {
                start = Some(i);
            }
        } else if let Some(s) = start.take() {
            out.push((s, &text[s..i]));
        }
    }
    if let Some(s) = start {
        out.push((s, &text[s..]));
    }
    out.into_iter()
}

/// The terms `text` is indexed as, in order.
pub fn analyse(text: &str) -> Vec<String> {
    words(text).filter_map(|(_, w)| normalise_word(w)).collect()
}

/// The analyser as a tantivy tokenizer.
#[derive(Clone, Default)]
pub struct BulgarianTokenizer;

pub struct BulgarianTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl Tokenizer for BulgarianTokenizer {
    type TokenStream<'a> = BulgarianTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> BulgarianTokenStream {
        let mut tokens = Vec::new();
        for (position, (offset, word)) in words(text).enumerate() {
            if let Some(term) = normalise_word(word) {
                tokens.push(Token {
                    offset_from: offset,
                    offset_to: offset + word.len(),
                    position,
                    text: term,
                    position_length: 1,
                });
            }
        }
        BulgarianTokenStream { tokens, next: 0 }
    }
}

impl TokenStream for BulgarianTokenStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self
            .next
            .saturating_sub(1)
            .min(self.tokens.len().saturating_sub(1))]
    }

    fn token_mut(&mut self) -> &mut Token {
        let i = self
            .next
            .saturating_sub(1)
            .min(self.tokens.len().saturating_sub(1));
        &mut self.tokens[i]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        let mut sorted = STOP_WORDS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted, STOP_WORDS);
    }

    #[test]
    fn inflected_forms_share_a_stem() {
        for form in ["дупка", "дупки", "дупката", "дупките"] {
            assert_eq!(stem(form), "дупк", "{form}");
        }
        for form in ["улица", "улици", "улицата", "улиците"] {
            assert_eq!(stem(form), "улиц", "{form}");
        }
        assert_eq!(stem("лампи"), stem("лампата"));
        assert_eq!(stem("боклуци"), stem("боклукът"));
        assert_eq!(stem("градове"), "град");
        assert_eq!(stem("пътят"), "път");
        assert_eq!(stem("пътя"), "път");
    }

    #[test]
    fn short_words_are_not_stemmed() {
        assert_eq!(stem("ток"), "ток");
        assert_eq!(stem("вода"), "вод");
    }

    #[test]
    fn latin_is_written_in_cyrillic() {
        assert_eq!(transliterate("dupka"), "дупка");
        assert_eq!(transliterate("ulicata"), "улицата");
        assert_eq!(transliterate("ulitsata"), "улицата");
        assert_eq!(transliterate("osvetlenie"), "осветление");
        assert_eq!(transliterate("shtastie"), "щастие");
        assert_eq!(transliterate("zhivot"), "живот");
        assert_eq!(transliterate("улица"), "улица");
        assert_eq!(transliterate("2026"), "2026");
    }

    #[test]
    fn latin_and_cyrillic_analyse_alike() {
        assert_eq!(analyse("dupka na ulicata"), analyse("Дупка на улицата"));
        assert_eq!(analyse("dupka na ulicata"), vec!["дупк", "улиц"]);
        assert_eq!(analyse("Дупките по улиците"), vec!["дупк", "улиц"]);
        assert_eq!(analyse("patyat"), analyse("пътят"));
        assert_eq!(analyse("Шипка 3"), vec!["шипк", "3"]);
    }

    #[test]
    fn stop_words_are_dropped() {
        assert!(is_stop_word("на"));
        assert!(is_stop_word("и"));
        assert!(!is_stop_word("улица"));
        assert_eq!(analyse("и на за от"), Vec::<String>::new());
    }

    #[test]
    fn the_tokenizer_keeps_offsets_into_the_original_text() {
        let mut tokenizer = BulgarianTokenizer;
        let text = "Дупка на ул. „Шипка“";
        let mut stream = tokenizer.token_stream(text);
        let mut seen = Vec::new();
        while stream.advance() {
            let t = stream.token();
            seen.push((t.text.clone(), &text[t.offset_from..t.offset_to]));
        }
        assert_eq!(
            seen,
            vec![
                ("дупк".to_owned(), "Дупка"),
                ("ул".to_owned(), "ул"),
                ("шипк".to_owned(), "Шипка"),
            ]
        );
    }
}
