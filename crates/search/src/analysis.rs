//! The Bulgarian analyser: words are split on anything that is not a letter or a digit,
//! lower-cased, written in Cyrillic when typed in Latin letters ("dupka" → "дупка"), stop words
//! dropped, and reduced to a stem with a light stemmer after the one J. Savoy published for
//! Bulgarian ("Searching strategies for the Bulgarian language", Information Retrieval 10, 2007),
//! so that "дупки", "дупката" and "дупките" all become "дупк". Where an ending can be read more
//! than one way ("учебници" of "учебник", "граници" of "граница") the word is indexed under
//! each reading, in the same position, and a query looks for any of them: a query finds a
//! document when their words share a term. `tests/recall.rs` measures how often that holds for
//! the forms of the nouns and adjectives of Debian's Bulgarian Hunspell dictionary
//! (docs/benchmarks.md).
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

/// Up to this many terms are indexed for one ambiguous word.
const MAX_STEMS: usize = 4;

fn strip(s: &[char], n: usize) -> Vec<char> {
    s[..s.len() - n].to_vec()
}

fn replace_end(s: &[char], n: usize, with: char) -> Vec<char> {
    let mut out = strip(s, n);
    out.push(with);
    out
}

/// The word without its definite article: -ият (adjectives), -ът, -ят, -то, -те and -та. A
/// word in "-та" is read both ways, since "улицата" is "улица" + "-та" while "агрегата" is
/// "агрегат" + "-а" (the short masculine article, like "града"; removed with the final vowels).
fn without_article(s: &[char]) -> Vec<Vec<char>> {
    let len = s.len();
    if len > 6 && ends_with(s, "ият") {
        vec![strip(s, 3)]
    } else if (len > 5 && ends_with(s, "те")) || (len > 4 && ends_with(s, "ът")) {
        vec![strip(s, 2)]
    } else if len > 5 && ends_with(s, "то") {
        // "селото", but "либрето".
        vec![strip(s, 2), s.to_vec()]
    } else if len > 4 && ends_with(s, "ят") {
        // "пътят", but "занаят".
        vec![strip(s, 2), s.to_vec()]
    } else if len > 4 && ends_with(s, "та") {
        // No feminine noun ends in "-х", "-к", "-г", "-ц" or "-й": "шахта" is not "шах" + "-та".
        if matches!(s[len - 3], 'х' | 'к' | 'г' | 'ц' | 'й') {
            vec![s.to_vec()]
        } else {
            vec![strip(s, 2), strip(s, 1)]
        }
    } else {
        vec![s.to_vec()]
    }
}

/// The word without its plural ending. Where the singular cannot be told from the plural alone
/// both readings are kept: "-ци" is "-ц" ("улици") or "-к" ("учебници"), "-зи" is "-з" or "-г"
/// ("подлози"), "-си" is "-с" or "-х" ("монаси"), "-ета" is a neuter plural ("момчета") or a
/// stem in "-ет" ("планета"), "-ища" is "-ище" ("училища") or an ending ("пътища"), and
/// "е…и" may be "я…" ("обеди" of "обяд").
fn without_plural(s: &[char]) -> Vec<Vec<char>> {
    let len = s.len();
    if len > 6 && ends_with(s, "овци") {
        // "дядовци" of "дядо", but "злословци" of "злословец".
        return vec![strip(s, 3), replace_end(s, 2, 'ц'), replace_end(s, 2, 'к')];
    }
    if len > 5 && ends_with(s, "ове") {
        return vec![strip(s, 3)];
    }
    if len > 5 && ends_with(s, "еве") {
        return vec![replace_end(s, 3, 'й')]; // "краеве" → "край"
    }
    if len > 5 && ends_with(s, "ища") {
        return vec![strip(s, 1), strip(s, 3)];
    }
    if len > 5 && ends_with(s, "ета") {
        return vec![strip(s, 2), s.to_vec()];
    }
    if len > 4 {
        for (plural, soft, hard) in [("ци", 'ц', 'к'), ("зи", 'з', 'г'), ("си", 'с', 'х')]
        {
            if ends_with(s, plural) {
                return vec![replace_end(s, 2, soft), replace_end(s, 2, hard)];
            }
        }
    }
    if len > 5 && s[len - 3] == 'е' && s[len - 1] == 'и' {
        let mut alternated = strip(s, 1);
        alternated[len - 3] = 'я';
        return vec![strip(s, 1), alternated];
    }
    if len > 3 && ends_with(s, "и") {
        return vec![strip(s, 1)];
    }
    vec![s.to_vec()]
}

/// The final vowels and the fleeting vowels of a stem: "-й", "-я", "-а"/"-о"/"-е", then an
/// "-и" left of "-ия", "-ие", "-ии", "-ий" ("удостоверение", "удостоверения" → "удостоверен");
/// "-ен" → "-н", "-ец" → "-ц" and a fleeting "ъ" before the last consonant ("отпадък" →
/// "отпадк", as in "отпадъци").
fn finish(mut s: Vec<char>) -> Vec<char> {
    if s.len() > 4 && ends_with(&s, "й") {
        s.pop();
    }
    if s.len() > 5 && ends_with(&s, "ия") {
        s.truncate(s.len() - 2); // "лудия", "химия"
    }
    if s.len() > 3 && ends_with(&s, "я") {
        s.pop();
    }
    if s.len() > 3 && (ends_with(&s, "а") || ends_with(&s, "о") || ends_with(&s, "е")) {
        s.pop();
    }
    if s.len() > 4 && ends_with(&s, "и") {
        s.pop();
    }
    let len = s.len();
    let vowel_before = |i: usize| matches!(s[i], 'а' | 'е' | 'и' | 'о' | 'у' | 'ъ' | 'ю' | 'я');
    if len > 3 && (ends_with(&s, "ец") || ends_with(&s, "ен")) && vowel_before(len - 3) {
        s[len - 2] = 'й'; // "персиец", "боен", as in "персийци", "бойна"
    } else if len > 4 && (ends_with(&s, "ен") || ends_with(&s, "ец")) {
        s.remove(len - 2);
    }
    let len = s.len();
    if len > 3 && s[len - 2] == 'ъ' {
        s.remove(len - 2); // "едър", as in "едра"
    }
    s
}

/// The light stems of a lower-case Cyrillic word, the likeliest first: the definite article,
/// then the plural ending, then the final and fleeting vowels are removed (after J. Savoy's
/// light stemmer, with the neuter "-ие"/"-ия" and the alternating consonants of plurals read
/// both ways where the word alone cannot tell). Words of fewer than four letters are left as
/// they are. A word has one to four stems; a query finds a document when they share one.
pub fn stems(word: &str) -> Vec<String> {
    let s: Vec<char> = word.chars().collect();
    if s.len() < 4 {
        return vec![word.to_owned()];
    }
    let mut out: Vec<String> = Vec::new();
    for bare in without_article(&s) {
        for singular in without_plural(&bare) {
            let stem = finish(singular);
            // "арабин", "гражданин" lose "-ин" in the plural ("араби", "граждани"); only a
            // word that ends in "-ин" itself ("градина" is not "град").
            let without_in = (stem.len() > 5 && ends_with(&bare, "ин") && ends_with(&stem, "ин"))
                .then(|| finish(strip(&stem, 2)));
            for stem in std::iter::once(stem).chain(without_in) {
                let stem: String = stem.into_iter().collect();
                if !out.contains(&stem) && out.len() < MAX_STEMS {
                    out.push(stem);
                }
            }
        }
    }
    out
}

/// The likeliest light stem of a lower-case Cyrillic word (the first of `stems`).
pub fn stem(word: &str) -> String {
    stems(word)
        .into_iter()
        .next()
        .unwrap_or_else(|| word.to_owned())
}

/// Lower case, Cyrillic, "ѝ" as "и"; `None` for a stop word.
fn cyrillic_word(word: &str) -> Option<String> {
    let lower = word.to_lowercase().replace('ѝ', "и");
    let cyrillic = transliterate(&lower);
    (!is_stop_word(&cyrillic)).then_some(cyrillic)
}

/// One word as it is indexed: lower-cased, in Cyrillic, stemmed, with "ъ" written "а" (the
/// official transliteration writes both as "a", so "pat" must find "път"). `None` for a stop
/// word. The likeliest stem only; `normalise_word_terms` gives every term the word is indexed
/// under.
pub fn normalise_word(word: &str) -> Option<String> {
    let cyrillic = cyrillic_word(word)?;
    Some(stem(&cyrillic).replace('ъ', "а"))
}

/// Every term a word is indexed (and looked for) under, the likeliest first: one for most
/// words, up to four where its ending can be read more than one way. Empty for a stop word.
pub fn normalise_word_terms(word: &str) -> Vec<String> {
    let Some(cyrillic) = cyrillic_word(word) else {
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    for stem in stems(&cyrillic) {
        let term = stem.replace('ъ', "а");
        if !out.contains(&term) {
            out.push(term);
        }
    }
    out
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
            for term in normalise_word_terms(word) {
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
        assert_eq!(stem("градове"), "град");
        assert_eq!(stem("пътят"), "път");
        assert_eq!(stem("пътя"), "път");
    }

    /// Whether a query for `a` finds a document holding `b`.
    fn meet(a: &str, b: &str) -> bool {
        let b = normalise_word_terms(b);
        normalise_word_terms(a).iter().any(|t| b.contains(t))
    }

    #[test]
    fn every_form_of_a_noun_meets_its_dictionary_form() {
        let nouns: &[&[&str]] = &[
            // Neuter in -ие: plural -ия, articles -то and -та.
            &[
                "удостоверение",
                "удостоверения",
                "удостоверението",
                "удостоверенията",
            ],
            &[
                "разрешение",
                "разрешения",
                "разрешението",
                "разрешенията",
                "razresheniya",
            ],
            &["udostoverenie", "udostovereniya", "udostoverenieto"],
            // Neuter in -е with plural -ета.
            &["момче", "момчета", "момчето", "момчетата"],
            &["кафе", "кафета", "кафето", "кафетата"],
            // Masculine: -ът/-а, -ове, -ят/-я, the alternating consonants.
            &["град", "града", "градът", "градове", "градовете"],
            &["учебник", "учебника", "учебникът", "учебници", "учебниците"],
            &["подлог", "подлога", "подлогът", "подлози", "подлозите"],
            &["монах", "монаха", "монахът", "монаси", "монасите"],
            &["боклук", "боклукът", "боклуци", "боклуците"],
            &[
                "критерий",
                "критерия",
                "критерият",
                "критерии",
                "критериите",
            ],
            &["агрегат", "агрегата", "агрегатът", "агрегати", "агрегатите"],
            &["специалист", "специалиста", "специалисти"],
            &["отпадък", "отпадъка", "отпадъци", "отпадъците"],
            &["албанец", "албанци", "албанците"],
            &["гражданин", "граждани", "гражданите"],
            &["път", "пътя", "пътят", "пътища", "пътищата"],
            // Feminine: -та, -и, the consonant nouns.
            &["граница", "границата", "граници", "границите"],
            &["история", "историята", "истории", "историите"],
            &["нощ", "нощта", "нощи", "нощите"],
            &["шахта", "шахтата", "шахти", "шахтите"],
            // Neuter in -о and -ище.
            &["село", "селото", "села", "селата"],
            &["училище", "училището", "училища", "училищата"],
        ];
        for forms in nouns {
            for form in &forms[1..] {
                assert!(
                    meet(forms[0], form) && meet(form, forms[0]),
                    "{} {:?} / {form} {:?}",
                    forms[0],
                    normalise_word_terms(forms[0]),
                    normalise_word_terms(form)
                );
            }
        }
    }

    #[test]
    fn every_word_has_one_to_four_stems() {
        // Every word of up to five letters over the letters the rules look at.
        let letters: Vec<char> = "аиятцънеоз".chars().collect();
        let mut words = vec![String::new()];
        for _ in 0..5 {
            let longer: Vec<String> = words
                .iter()
                .flat_map(|w| letters.iter().map(move |c| format!("{w}{c}")))
                .collect();
            for word in &longer {
                let stems = stems(word);
                assert!((1..=MAX_STEMS).contains(&stems.len()), "{word}: {stems:?}");
                assert!(stems.iter().all(|s| !s.is_empty()), "{word}: {stems:?}");
            }
            words = longer;
        }
        for word in ["12345", "2026", "a-b", "ѝ", "ЙЪЯ", "ииииии", "тататата"] {
            assert!(!stems(word).is_empty(), "{word}");
        }
    }

    #[test]
    fn different_words_keep_apart() {
        for (a, b) in [
            ("град", "градина"),
            ("шахта", "шах"),
            ("час", "част"),
            ("парк", "паркинг"),
            ("улица", "уличка"),
        ] {
            assert!(!meet(a, b), "{a} / {b}");
        }
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
