//! Screening of submission text for the charter's rules: obscene words and insults, questions on
//! personal-data protection or classified information, hints of a threat to health or safety,
//! and signs of a crime. These only *suggest*; a clerk confirms.
//!
//! The text is split into words on every character that is not a letter or a digit (in any
//! script), and each word is lower-cased. A term is a sequence of word patterns written in a
//! small notation, so that the lists read like lists of words:
//!
//! - `идиот*` matches any word that starts with `идиот` (so inflected forms match);
//!   `шибан` without a star matches only that exact word;
//! - `лични|личните` matches either alternative;
//! - words separated by a space must follow one another; `~N` between two words lets up to `N`
//!   other words stand between them (`личните ~2 данни` matches "личните ми данни");
//! - a last element `!здрав*|живот*` refuses the match when one of the next two words matches.
//!
//! Stems are chosen so that ordinary municipal text is not caught: "боклук" (rubbish), "педал"
//! (a pedal) and "шиба" (to whip) are not in the lists, only unmistakable forms such as
//! "шибаният". A match that lies inside a longer match of the same list is dropped, and every
//! result is reported once, as it appears in the text (runs of whitespace shown as one space).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::LazyLock;

/// Words in `text` that are obscene or insulting (Bulgarian, Latin-transliterated Bulgarian and
/// English, covering inflected forms), as they appear in the text, without duplicates.
pub fn offensive_terms(text: &str) -> Vec<String> {
    Screened::new(text).offensive()
}

/// Phrases showing the text asks about personal-data protection or classified information.
pub fn personal_data_or_classified_terms(text: &str) -> Vec<String> {
    Screened::new(text).personal_data_or_classified()
}

/// Phrases suggesting a threat to citizens' health or safety.
pub fn threat_terms(text: &str) -> Vec<String> {
    Screened::new(text).threat()
}

/// Phrases suggesting a crime (which must go to the prosecutor at once).
pub fn crime_terms(text: &str) -> Vec<String> {
    Screened::new(text).crime()
}

/// A text split into its lower-cased words once, to be screened against several lists (the
/// charter's rules look for four kinds of words in every submission).
pub struct Screened<'t> {
    text: &'t str,
    words: Vec<Token>,
}

impl<'t> Screened<'t> {
    pub fn new(text: &'t str) -> Screened<'t> {
        Screened {
            text,
            words: tokens(text),
        }
    }

    /// As [`offensive_terms`].
    pub fn offensive(&self) -> Vec<String> {
        find(self.text, &self.words, &OFFENSIVE)
    }

    /// As [`personal_data_or_classified_terms`].
    pub fn personal_data_or_classified(&self) -> Vec<String> {
        find(self.text, &self.words, &PERSONAL_DATA_OR_CLASSIFIED)
    }

    /// As [`threat_terms`].
    pub fn threat(&self) -> Vec<String> {
        find(self.text, &self.words, &THREAT)
    }

    /// As [`crime_terms`].
    pub fn crime(&self) -> Vec<String> {
        find(self.text, &self.words, &CRIME)
    }
}

// ---------------------------------------------------------------------------------------------
// The lists.

/// Obscenities and unmotivated insults. Left out on purpose, because ordinary municipal text uses
/// them literally: боклук (rubbish), педал (pedal), шиба/шибат (to whip, of branches), кучка (a
/// female dog), говедо and свиня (livestock), мърша (carrion), дръвник (a chopping block), скапан
/// (rotten), тъп (blunt), тъпан (a drum), лайнер (an airliner), уеб (web).
const OFFENSIVE_TERMS: &[&str] = &[
    // Bulgarian insults.
    "идиот*",
    "кретен*",
    "дебил*",
    "малоум*",
    "олигофрен*",
    "тъпанар*",
    "тъпак*",
    "тъпаци*",
    "тъпачк*",
    "тъпунгер*",
    "простак*",
    "простаци*",
    "простачк*",
    "простащин*",
    "глупак*",
    "глупаци*",
    "глупачк*",
    "некадърник*",
    "некадърниц*",
    "смотаня*",
    "загубеня*",
    "селяндур*",
    "изрод*",
    "отрепк*",
    "измет",
    "мизерник*",
    "мизерниц*",
    "нещастник*",
    "нещастниц*",
    "мръсник*",
    "мръсниц*",
    "урод|уроди|уродът|урода|уродите",
    "копел*",
    "кучи син|сине|синове|синът|синовете",
    // Bulgarian vulgarities.
    "курв*",
    "путк*",
    "пичк*",
    "хуй*",
    "кур|кура|курът",
    "гъз*",
    "лайно*",
    "лайна*",
    "лайнар*",
    "лайняр*",
    "лайнян*",
    "педерас*",
    "духач*",
    "чекия|чекии|чекията",
    "чекиджи*",
    "шибан|шибана|шибано|шибани|шибания|шибаният|шибаната|шибаното|шибаните",
    "еба*",
    "ебе|ебеш|ебем|ебете|ебеше|ебал|ебала|ебали",
    "заеб*",
    "наеб*",
    "разеб*",
    "изеб*",
    "прееб*",
    "доеб*",
    "поеб*",
    "мамка|мамицата|майната ти|ви|му|им",
    "мамицата",
    "майната",
    // Bulgarian written in Latin letters.
    "eba|ebal*|eban*|ebati|ebe|ebem|ebesh|ebav*",
    "zaeb*",
    "naeb*",
    "razeb*",
    "putk*",
    "kurv*",
    "shiban*",
    "pederas*",
    "debil|debila|debili|debilen|debilna|debilno|debilite",
    "kreten*",
    "kopel*",
    "tapanar*",
    "tupanar*",
    "prostak*",
    "glupak*",
    "laino|laina",
    "mamka|mamicata|mainata ti|vi|mu",
    // English.
    "fuck*",
    "motherfuck*",
    "shit*",
    "bullshit*",
    "idiot*",
    "moron*",
    "asshole*",
    "arsehole*",
    "bastard*",
    "bitch*",
    "cunt*",
    "dickhead*",
    "wanker*",
    "twat*",
    "retard|retards|retarded",
    "dumbass*",
    "scumbag*",
    "jackass*",
    "piss|pissed",
];

/// Questions on personal-data protection and on classified information.
const PERSONAL_DATA_OR_CLASSIFIED_TERMS: &[&str] = &[
    "лични|личните ~2 данни|данните",
    "лична|личната ~2 информация|информацията",
    "защита|защитата|защитени|защитените ~3 данни|данните",
    "ззлд",
    "кзлд",
    "орзд",
    "gdpr",
    "ззки",
    "класифицира* ~1 информаци*|документ*|сведени*|материал*",
    "държавн* ~1 тайна|тайната|тайни|тайните",
    "служебн* ~1 тайна|тайната|тайни|тайните",
    "секретн* ~1 информаци*|документ*|сведени*|материал*",
    "строго секретно",
    "personal data",
    "data protection",
    "classified",
    "state|official secret|secrets",
];

/// Things that suggest danger to health or safety. A plain pothole, a power cut or a gas bill is
/// not listed: only words that say someone could be hurt.
const THREAT_TERMS: &[&str] = &[
    // Fire, water, collapse.
    "пожар|пожари|пожара|пожарът|пожарите",
    "пожароопасн*",
    "горящ*",
    "наводн*",
    "потоп*",
    "срут*",
    "рухн*",
    "рухва*",
    "свлачищ*",
    "взрив*",
    "експлоз*",
    // Danger in so many words.
    "опасн*",
    "опасен",
    "застраш*",
    "заплах*|риск*|опасност* ~1 за живот*|здрав*|хора|хората|децата|гражданите|безопасност*|минувачи*|пешеходци*",
    "пострада*",
    "наран*",
    "загин*",
    "катастроф*",
    // Electricity and gas.
    "оголен*|висящ*|скъсан*|паднал*|падна*|падащ*|увиснал* ~1 кабел*|жиц*|проводни*",
    "токов* удар*",
    "удар* ~2 ток|тока|токът",
    "под напрежение",
    "изтич*|мирис*|мирише|миризм*|теч*|изпуска* ~2 газ|газта|газът",
    "газ|газта|газът ~1 изтича|тече|мирише|излиза",
    "газов* ~1 авари*|теч*|взрив*|експлоз*",
    // Open manholes, falling trees and poles, ice.
    "открит*|отворен*|незакрит*|незатворен* ~1 шахт*",
    "шахт* ~2 отворен*|открит*|незакрит*",
    "шахт* ~3 без капак*",
    "липсв*|липса|откраднат*|счупен* ~2 капак*",
    "паднал*|падна*|падащ*|наклонен*|изкоренен*|пречупен*|рухнал* ~1 дърв*|стълб*|клон*",
    "дърв*|стълб*|клон* ~3 падна*|падне|паднат|пада|падат|рухн*|наклонен*",
    "поледиц*",
    "висулк*",
    // Animals, poison, disease.
    "бездомн*|безстопанствен*|агресивн*|улични|бесн* ~1 куче|кучета|кучето|кучетата|псе|псета",
    "глутниц*",
    "ухап*",
    "плъх*",
    "отрав*",
    "отров*",
    "токсич*",
    "азбест*",
    "радиаци*",
    "зараз*",
    "епидеми*",
    "замърсен*|мръсн*|мътн*|отровен*|кафяв* ~1 вода|водата|води|водите",
    "вода|водата|питейна|питейната ~3 замърсен*|мътн*|кафяв*|негодн*",
    // English.
    "fire|fires",
    "flood|floods|flooded|flooding",
    "danger*",
    "hazard*",
    "unsafe",
    "collaps*",
    "explos*",
    "poison*",
    "injur*",
    "gas leak*",
    "leaking gas",
    "exposed wire*|cable*",
];

/// Signs of a crime. "Заплаха"/"заплашва" about health or safety ("заплашва здравето") is a
/// threat, not a crime, and is left to `threat_terms`.
const CRIME_TERMS: &[&str] = &[
    "подкуп*",
    "рушвет*",
    "престъпл*",
    "престъпн*",
    "измам*",
    "кражб*",
    "открадн*",
    "крад*",
    "заплах*|заплаш* !здрав*|безопасн*|сигурност*|околн*|среда*",
    "насил*",
    "побой|побои|побоя",
    "пребит*|пребиха|пребил*",
    "изнуд*",
    // Not "присвоен", which also means "assigned" (присвоен номер).
    "присвояване*",
    "фалшифиц*",
    "подправен* ~1 документ*|подпис*",
    "наркоти*",
    "убийств*",
    "палеж*",
    "подпал*",
    "вандал*",
    "хулиган*",
    // English.
    "brib*",
    "fraud*",
    "theft|thefts",
    "stolen",
    "steal*",
    "robb*",
    "violence",
    "violent",
    "assault*",
    "threaten*",
    "extort*",
    "embezzl*",
];

static OFFENSIVE: LazyLock<List> = LazyLock::new(|| compile(OFFENSIVE_TERMS));
static PERSONAL_DATA_OR_CLASSIFIED: LazyLock<List> =
    LazyLock::new(|| compile(PERSONAL_DATA_OR_CLASSIFIED_TERMS));
static THREAT: LazyLock<List> = LazyLock::new(|| compile(THREAT_TERMS));
static CRIME: LazyLock<List> = LazyLock::new(|| compile(CRIME_TERMS));

// ---------------------------------------------------------------------------------------------
// Words.

/// One word of a text: its byte range in the text and its lower-cased form.
#[derive(Debug)]
struct Token {
    start: usize,
    end: usize,
    lower: String,
}

/// Combining accents (e.g. a stress mark) and the soft hyphen belong to the word they sit in,
/// but are dropped from its lower-cased form.
fn is_invisible_in_word(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{00AD}')
}

/// `c.is_alphanumeric()`, answered without Unicode's tables for the Latin and Cyrillic letters
/// that make up almost every submission.
fn is_letter_or_digit(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else if ('\u{0400}'..='\u{045F}').contains(&c) {
        // The basic Cyrillic block: every code point in it is a letter.
        true
    } else {
        c.is_alphanumeric()
    }
}

/// Appends `c` lower-cased, as `char::to_lowercase` does, the common letters without its tables.
fn push_lowercase(out: &mut String, c: char) {
    match c {
        'A'..='Z' | 'А'..='Я' => out.push(char::from_u32(c as u32 + 0x20).unwrap_or(c)),
        '\u{0400}'..='\u{040F}' => out.push(char::from_u32(c as u32 + 0x50).unwrap_or(c)),
        c if c.is_ascii() || ('а'..='џ').contains(&c) => out.push(c),
        c => out.extend(c.to_lowercase()),
    }
}

fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut current: Option<Token> = None;
    for (i, c) in text.char_indices() {
        if is_letter_or_digit(c) || is_invisible_in_word(c) {
            let token = current.get_or_insert_with(|| Token {
                start: i,
                end: i,
                lower: String::new(),
            });
            token.end = i + c.len_utf8();
            if !is_invisible_in_word(c) {
                push_lowercase(&mut token.lower, c);
            }
        } else if let Some(token) = current.take() {
            out.push(token);
        }
    }
    out.extend(current);
    // A word made only of accents is no word.
    out.retain(|t| !t.lower.is_empty());
    out
}

// ---------------------------------------------------------------------------------------------
// Patterns.

/// One alternative for one word: the exact word, or a stem.
#[derive(Debug, Clone, PartialEq, Eq)]
enum WordPattern {
    Exact(String),
    Prefix(String),
}

impl WordPattern {
    /// The letter every word it matches starts with; `None` for a pattern that matches any word.
    fn first_letter(&self) -> Option<char> {
        match self {
            WordPattern::Exact(w) | WordPattern::Prefix(w) => w.chars().next(),
        }
    }

    fn matches(&self, word: &str) -> bool {
        match self {
            WordPattern::Exact(w) => word == w,
            WordPattern::Prefix(p) => word.starts_with(p.as_str()),
        }
    }
}

/// One word position of a term: its alternatives and how many other words may precede it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Element {
    max_gap: usize,
    alternatives: Vec<WordPattern>,
}

impl Element {
    fn matches(&self, word: &str) -> bool {
        self.alternatives.iter().any(|a| a.matches(word))
    }
}

/// A compiled term.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Term {
    elements: Vec<Element>,
    /// The match is refused when one of the next `LOOKAHEAD` words matches this.
    not_followed_by: Option<Element>,
}

/// How far `!…` looks after a match.
const LOOKAHEAD: usize = 2;

fn alternatives(spec: &str) -> Vec<WordPattern> {
    spec.split('|')
        .filter(|a| !a.is_empty())
        .map(|a| match a.strip_suffix('*') {
            Some(stem) => WordPattern::Prefix(stem.to_lowercase()),
            None => WordPattern::Exact(a.to_lowercase()),
        })
        .collect()
}

/// Compiles one term of the notation described in the module documentation.
fn compile_term(spec: &str) -> Term {
    let mut elements = Vec::new();
    let mut not_followed_by = None;
    let mut gap = 0;
    for part in spec.split_whitespace() {
        if let Some(n) = part.strip_prefix('~') {
            gap = n.parse().unwrap_or(0);
        } else if let Some(negated) = part.strip_prefix('!') {
            not_followed_by = Some(Element {
                max_gap: 0,
                alternatives: alternatives(negated),
            });
        } else {
            elements.push(Element {
                max_gap: gap,
                alternatives: alternatives(part),
            });
            gap = 0;
        }
    }
    Term {
        elements,
        not_followed_by,
    }
}

/// A compiled list, with its terms found by the first letter of their first word, so that each
/// word of a text is tried only against the terms that can start with it.
struct List {
    terms: Vec<Term>,
    by_first_letter: HashMap<char, Vec<usize>>,
    /// Terms whose first word may start with any letter.
    any_first_letter: Vec<usize>,
}

fn compile(specs: &[&str]) -> List {
    let terms: Vec<Term> = specs
        .iter()
        .map(|s| compile_term(s))
        .filter(|t| !t.elements.is_empty())
        .collect();
    let mut by_first_letter: HashMap<char, Vec<usize>> = HashMap::new();
    let mut any_first_letter = Vec::new();
    for (n, term) in terms.iter().enumerate() {
        let Some(first) = term.elements.first() else {
            continue;
        };
        let letters: Option<BTreeSet<char>> = first
            .alternatives
            .iter()
            .map(WordPattern::first_letter)
            .collect();
        match letters {
            Some(letters) => {
                for letter in letters {
                    by_first_letter.entry(letter).or_default().push(n);
                }
            }
            None => any_first_letter.push(n),
        }
    }
    List {
        terms,
        by_first_letter,
        any_first_letter,
    }
}

/// The index of the last word of a match of `elements` that starts right after word `after`.
fn match_rest(elements: &[Element], words: &[Token], after: usize) -> Option<usize> {
    let Some((first, rest)) = elements.split_first() else {
        return Some(after);
    };
    let from = after + 1;
    let to = (from + first.max_gap).min(words.len().saturating_sub(1));
    (from..=to)
        .filter(|&j| j < words.len() && first.matches(&words[j].lower))
        .find_map(|j| match_rest(rest, words, j))
}

/// The word range `(first, last)` of the match of `term` that starts at word `i`, if any.
fn match_at(term: &Term, words: &[Token], i: usize) -> Option<(usize, usize)> {
    let (first, rest) = term.elements.split_first()?;
    if !first.matches(&words.get(i)?.lower) {
        return None;
    }
    let last = match_rest(rest, words, i)?;
    let refused = term.not_followed_by.as_ref().is_some_and(|neg| {
        words
            .iter()
            .skip(last + 1)
            .take(LOOKAHEAD)
            .any(|w| neg.matches(&w.lower))
    });
    (!refused).then_some((i, last))
}

/// Every match of `list` in `text` (split into `words`), in order of appearance, as it appears
/// in the text, once.
fn find(text: &str, words: &[Token], list: &List) -> Vec<String> {
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let Some(letter) = word.lower.chars().next() else {
            continue;
        };
        let starting_here = list
            .by_first_letter
            .get(&letter)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for &n in starting_here.iter().chain(&list.any_first_letter) {
            if let Some(range) = list.terms.get(n).and_then(|t| match_at(t, words, i)) {
                ranges.push(range);
            }
        }
    }
    ranges.sort_unstable();
    ranges.dedup();
    // Drop a match that lies inside a longer one ("личните данни" inside "защита на личните
    // данни").
    let outer: Vec<(usize, usize)> = ranges
        .iter()
        .copied()
        .filter(|&(a, b)| {
            !ranges
                .iter()
                .any(|&(c, d)| (c, d) != (a, b) && c <= a && b <= d)
        })
        .collect();

    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (a, b) in outer {
        let (Some(first), Some(last)) = (words.get(a), words.get(b)) else {
            continue;
        };
        let shown = text
            .get(first.start..last.end)
            .unwrap_or_default()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if seen.insert(shown.to_lowercase()) {
            out.push(shown);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What screening found before the lists were indexed by first letter and the text split
    /// once: every term tried at every word, with the standard library's Unicode tables.
    fn reference(text: &str, specs: &[&str]) -> Vec<String> {
        let mut words = Vec::new();
        let mut current: Option<Token> = None;
        for (i, c) in text.char_indices() {
            if c.is_alphanumeric() || is_invisible_in_word(c) {
                let token = current.get_or_insert_with(|| Token {
                    start: i,
                    end: i,
                    lower: String::new(),
                });
                token.end = i + c.len_utf8();
                if !is_invisible_in_word(c) {
                    token.lower.extend(c.to_lowercase());
                }
            } else if let Some(token) = current.take() {
                words.push(token);
            }
        }
        words.extend(current);
        words.retain(|t| !t.lower.is_empty());
        let terms: Vec<Term> = specs
            .iter()
            .map(|s| compile_term(s))
            .filter(|t| !t.elements.is_empty())
            .collect();
        // One list per term, with no index: each term is tried at every word.
        let mut ranges = Vec::new();
        for term in &terms {
            for i in 0..words.len() {
                ranges.extend(match_at(term, &words, i));
            }
        }
        let list = List {
            terms: Vec::new(),
            by_first_letter: HashMap::new(),
            any_first_letter: Vec::new(),
        };
        // The same reporting (outer matches, each once) over the ranges found the slow way.
        let mut shown = find(text, &words, &list);
        assert!(shown.is_empty());
        ranges.sort_unstable();
        ranges.dedup();
        let outer: Vec<(usize, usize)> = ranges
            .iter()
            .copied()
            .filter(|&(a, b)| {
                !ranges
                    .iter()
                    .any(|&(c, d)| (c, d) != (a, b) && c <= a && b <= d)
            })
            .collect();
        let mut seen = HashSet::new();
        for (a, b) in outer {
            let text = text[words[a].start..words[b].end]
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            if seen.insert(text.to_lowercase()) {
                shown.push(text);
            }
        }
        shown
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]
        /// Texts made of the lists' own words (in any case, inflected, with accents and
        /// punctuation) and other words are screened exactly as every term tried everywhere.
        #[test]
        fn the_index_by_first_letter_finds_what_trying_every_term_finds(
            picks in proptest::collection::vec((0usize..4, 0usize..400, 0usize..8), 1..40)
        ) {
            let fillers = ["Улицата", "е", "ТЪМНА", "и", "мръсна,", "ми", "данни", "na", "ÉCOLE",
                           "Ǆ", "ΣΊΣΥΦΟΣ", "İstanbul", "12", "—", "й\u{301}", "ЍЀЇ"];
            let lists = all_lists();
            let mut text = String::new();
            for (list, n, form) in &picks {
                let (_, specs) = lists[*list];
                let spec = specs[n % specs.len()];
                let word = spec
                    .split_whitespace()
                    .filter(|w| !w.starts_with('~') && !w.starts_with('!'))
                    .map(|w| w.split('|').next().unwrap_or_default().trim_end_matches('*'))
                    .collect::<Vec<_>>()
                    .join(" ");
                let word = match form {
                    0 => word.to_uppercase(),
                    1 => format!("{word}ите"),
                    2 => format!("{word}, "),
                    3 => fillers[n % fillers.len()].to_string(),
                    _ => word,
                };
                text.push_str(&word);
                text.push(' ');
            }
            let screened = Screened::new(&text);
            proptest::prop_assert_eq!(screened.offensive(), reference(&text, OFFENSIVE_TERMS));
            proptest::prop_assert_eq!(
                screened.personal_data_or_classified(),
                reference(&text, PERSONAL_DATA_OR_CLASSIFIED_TERMS)
            );
            proptest::prop_assert_eq!(screened.threat(), reference(&text, THREAT_TERMS));
            proptest::prop_assert_eq!(screened.crime(), reference(&text, CRIME_TERMS));
        }

        /// Lower-casing and the letter test without tables agree with the standard library's
        /// for every character.
        #[test]
        fn the_quick_letter_rules_agree_with_unicode(c in proptest::char::any()) {
            let mut quick = String::new();
            push_lowercase(&mut quick, c);
            proptest::prop_assert_eq!(quick, c.to_lowercase().collect::<String>());
            proptest::prop_assert_eq!(is_letter_or_digit(c), c.is_alphanumeric());
        }
    }

    #[test]
    fn the_quick_letter_rules_agree_with_unicode_over_latin_and_cyrillic() {
        for c in ('\u{0}'..='\u{052F}').chain('\u{1E00}'..='\u{1EFF}') {
            let mut quick = String::new();
            push_lowercase(&mut quick, c);
            assert_eq!(quick, c.to_lowercase().collect::<String>(), "{c:?}");
            assert_eq!(is_letter_or_digit(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    fn all_lists() -> [(&'static str, &'static [&'static str]); 4] {
        [
            ("offensive", OFFENSIVE_TERMS),
            ("personal data", PERSONAL_DATA_OR_CLASSIFIED_TERMS),
            ("threat", THREAT_TERMS),
            ("crime", CRIME_TERMS),
        ]
    }

    #[test]
    fn every_term_compiles_to_something() {
        for (name, list) in all_lists() {
            for spec in list {
                let term = compile_term(spec);
                assert!(!term.elements.is_empty(), "{name}: {spec}");
                for e in &term.elements {
                    assert!(!e.alternatives.is_empty(), "{name}: {spec}");
                    for a in &e.alternatives {
                        let (WordPattern::Exact(w) | WordPattern::Prefix(w)) = a;
                        assert!(!w.is_empty(), "{name}: {spec}");
                        assert_eq!(w, &w.to_lowercase(), "{name}: {spec}");
                        assert!(
                            w.chars().all(char::is_alphanumeric),
                            "{name}: {spec}: {w:?} can never match a word"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn notation() {
        let t = compile_term("лични|личните ~2 данни* !x");
        assert_eq!(t.elements.len(), 2);
        assert_eq!(t.elements[0].max_gap, 0);
        assert_eq!(t.elements[1].max_gap, 2);
        assert_eq!(
            t.elements[1].alternatives,
            vec![WordPattern::Prefix("данни".into())]
        );
        assert_eq!(
            t.not_followed_by.map(|e| e.alternatives),
            Some(vec![WordPattern::Exact("x".into())])
        );
    }

    #[test]
    fn tokens_are_cyrillic_aware() {
        let t = tokens("Шибаният, ПЪТ-а!\n е 2-ри ЗЗЛД; идио\u{0301}т и\u{00AD}диот");
        let lower: Vec<&str> = t.iter().map(|t| t.lower.as_str()).collect();
        assert_eq!(
            lower,
            [
                "шибаният",
                "път",
                "а",
                "е",
                "2",
                "ри",
                "ззлд",
                "идиот",
                "идиот"
            ]
        );
        let text = "Шибаният път";
        assert_eq!(&text[t[0].start..t[0].end], "Шибаният");
        assert!(tokens("").is_empty());
        assert!(tokens(" ,.!? \n").is_empty());
    }

    // --- offensive -------------------------------------------------------------------------

    #[test]
    fn offensive_bulgarian_insults_in_inflected_forms() {
        let found = offensive_terms(
            "Служителите са идиоти, шефът е кретен, а кметът — дебилен малоумник и тъпанар.",
        );
        assert_eq!(
            found,
            ["идиоти", "кретен", "дебилен", "малоумник", "тъпанар"]
        );
        assert_eq!(
            offensive_terms("Простаци! Глупачка! Некадърници!"),
            ["Простаци", "Глупачка", "Некадърници"]
        );
        assert_eq!(offensive_terms("Кретенизмът ви"), ["Кретенизмът"]);
        assert_eq!(offensive_terms("ТЪПАНАРИТЕ от общината"), ["ТЪПАНАРИТЕ"]);
    }

    #[test]
    fn offensive_vulgarities() {
        assert_eq!(
            offensive_terms("Шибаният път пак е разкопан, да ви еба майката"),
            ["Шибаният", "еба"]
        );
        assert_eq!(offensive_terms("мамка ви мръсна"), ["мамка ви"]);
        assert_eq!(offensive_terms("Майната ви!"), ["Майната ви"]);
        assert_eq!(offensive_terms("заебали сте всичко"), ["заебали"]);
        assert_eq!(offensive_terms("кучи синове"), ["кучи синове"]);
        assert_eq!(offensive_terms("Курви и копелета"), ["Курви", "копелета"]);
    }

    #[test]
    fn offensive_transliterated_and_english() {
        assert_eq!(
            offensive_terms("Shibaniq put, eba si mamata, kopeleta"),
            ["Shibaniq", "eba", "kopeleta"]
        );
        assert_eq!(offensive_terms("shiban put"), ["shiban"]);
        assert_eq!(
            offensive_terms("What the fuck, you fucking morons. Bullshit! Asshole."),
            ["fuck", "fucking", "morons", "Bullshit", "Asshole"]
        );
        assert_eq!(
            offensive_terms("idiot IDIOT Idiot idiots"),
            ["idiot", "idiots"]
        );
    }

    #[test]
    fn offensive_deduplicates_case_insensitively_and_keeps_first_form() {
        assert_eq!(
            offensive_terms("Идиот! идиот, ИДИОТ. Идиоти."),
            ["Идиот", "Идиоти"]
        );
    }

    #[test]
    fn offensive_no_false_positives_in_ordinary_text() {
        for text in [
            "Боклуци на улицата не са събирани от седмица, боклукът се разнася.",
            "Кофите за боклук на ул. Раковски са пълни.",
            "Педалите на велосипедите под наем са счупени; педал липсва.",
            "Клоните шибат по прозорците при вятър, шиба ги силно.",
            "Бездомна кучка с малки живее в парка.",
            "Говеда и свине пасат в градината на училището.",
            "Тъпан и зурна свирят до късно; ножът е тъп.",
            "Уебсайтът на общината не работи, уеб формата дава грешка.",
            "Мнението ми е, че простата истина е: глупост е да се сече паркът.",
            "Пътят е скапан, настилката е разбита.",
            "Лайнерът мина ниско над града.",
            "Курортът, курсът и куражът на служителите.",
            "Обществената поръчка е за ебонитови изолатори и ebay покупки.",
            "The fire hydrant on Pushkin street shifted; Mr Dick Smith called.",
            "The debilitating heat; an idiom; Moscow.",
        ] {
            assert!(
                offensive_terms(text).is_empty(),
                "{text}: {:?}",
                offensive_terms(text)
            );
        }
    }

    // --- personal data / classified -------------------------------------------------------

    #[test]
    fn personal_data_phrases_and_inflections() {
        assert_eq!(
            personal_data_or_classified_terms("Как обработвате личните ми данни?"),
            ["личните ми данни"]
        );
        assert_eq!(
            personal_data_or_classified_terms("Искам информация по ЗЗЛД и GDPR."),
            ["ЗЗЛД", "GDPR"]
        );
        assert_eq!(
            personal_data_or_classified_terms("Нарушава ли се защитата на личните данни?"),
            ["защитата на личните данни"]
        );
        assert_eq!(
            personal_data_or_classified_terms("Кой има достъп до лични\n  данни?"),
            ["лични данни"]
        );
        assert_eq!(
            personal_data_or_classified_terms("Публикувахте личната ми информация."),
            ["личната ми информация"]
        );
        assert_eq!(
            personal_data_or_classified_terms("How do you process my personal data?"),
            ["personal data"]
        );
    }

    #[test]
    fn classified_phrases() {
        assert_eq!(
            personal_data_or_classified_terms(
                "Каква класифицирана информация пазите? Това държавна тайна ли е или служебна тайна?"
            ),
            [
                "класифицирана информация",
                "държавна тайна",
                "служебна тайна"
            ]
        );
        assert_eq!(
            personal_data_or_classified_terms("Дайте ми секретните документи."),
            ["секретните документи"]
        );
        assert_eq!(
            personal_data_or_classified_terms("Класифицираната информация по ЗЗКИ"),
            ["Класифицираната информация", "ЗЗКИ"]
        );
        assert_eq!(
            personal_data_or_classified_terms("Is this classified?"),
            ["classified"]
        );
    }

    #[test]
    fn personal_data_no_false_positives() {
        for text in [
            "Лично аз подадох данни за нередностите.",
            "Данни от преброяването показват, че лично кметът обеща.",
            "Държавни служители тайно изхвърлят отпадъци.",
            "Разделно събиране: класифицирайте отпадъците правилно.",
            "Моля за лична среща с кмета.",
        ] {
            assert!(
                personal_data_or_classified_terms(text).is_empty(),
                "{text}: {:?}",
                personal_data_or_classified_terms(text)
            );
        }
    }

    // --- threats ----------------------------------------------------------------------------

    #[test]
    fn threat_words_in_inflected_forms() {
        assert_eq!(
            threat_terms("Сградата е пред срутване, покривът се срути частично."),
            ["срутване", "срути"]
        );
        assert_eq!(
            threat_terms("Срутената стена е опасна."),
            ["Срутената", "опасна"]
        );
        assert_eq!(threat_terms("Опасността е голяма"), ["Опасността"]);
        assert_eq!(threat_terms("Мостът е опасен."), ["опасен"]);
        assert_eq!(
            threat_terms("Застрашено е движението; застрашава децата."),
            ["Застрашено", "застрашава"]
        );
        assert_eq!(
            threat_terms("Наводнени мазета след пожара."),
            ["Наводнени", "пожара"]
        );
    }

    #[test]
    fn threat_phrases() {
        assert_eq!(
            threat_terms("На спирката висят оголени кабели."),
            ["оголени кабели"]
        );
        assert_eq!(
            threat_terms("Усеща се силна миризма на газ във входа."),
            ["миризма на газ"]
        );
        assert_eq!(threat_terms("Има изтичане на газ."), ["изтичане на газ"]);
        assert_eq!(
            threat_terms("Открита шахта на ул. Христо Ботев"),
            ["Открита шахта"]
        );
        assert_eq!(
            threat_terms("Шахтата пред блока е без капак."),
            ["Шахтата пред блока е без капак"]
        );
        assert_eq!(
            threat_terms("Паднало дърво блокира тротоара."),
            ["Паднало дърво"]
        );
        assert_eq!(
            threat_terms("Стълбът е наклонен и може да падне."),
            ["Стълбът е наклонен"]
        );
        assert_eq!(
            threat_terms("Бездомни кучета и агресивни кучета в парка."),
            ["Бездомни кучета", "агресивни кучета"]
        );
        assert_eq!(threat_terms("Глутница гони децата."), ["Глутница"]);
        assert_eq!(
            threat_terms("Масово отравяне след замърсена вода от чешмата."),
            ["отравяне", "замърсена вода"]
        );
        assert_eq!(
            threat_terms("Водата от чешмата е мътна."),
            ["Водата от чешмата е мътна"]
        );
        assert_eq!(
            threat_terms("Това е заплаха за живота на хората."),
            ["заплаха за живота"]
        );
        assert_eq!(
            threat_terms("Risk: a gas leak and exposed wires; dangerous!"),
            ["gas leak", "exposed wires", "dangerous"]
        );
    }

    #[test]
    fn threat_no_false_positives() {
        for text in [
            "Моля, ремонтирайте дупката на пътя пред номер 5.",
            "Няма ток от сутринта в квартал Орфей.",
            "Сметката за газ е твърде висока; газификацията се бави.",
            "Безопасността на движението изисква нова маркировка.",
            "Бездомни хора нощуват в подлеза.",
            "Изсичане на дървета в парка без разрешение.",
            "Предлагам пейки и кучешка площадка.",
            "Боклуците на улицата не са събрани.",
            "Благодаря за бързата реакция на служителите.",
        ] {
            assert!(
                threat_terms(text).is_empty(),
                "{text}: {:?}",
                threat_terms(text)
            );
        }
    }

    // --- crime ------------------------------------------------------------------------------

    #[test]
    fn crime_words_in_inflected_forms() {
        assert_eq!(
            crime_terms("Служителят поиска подкуп, взе рушвет и ме заплаши."),
            ["подкуп", "рушвет", "заплаши"]
        );
        assert_eq!(
            crime_terms("Открадната е пейка; кражбата е станала нощем, крадците избягаха."),
            ["Открадната", "кражбата", "крадците"]
        );
        assert_eq!(
            crime_terms("Това е престъпление и измама; насилието над животни."),
            ["престъпление", "измама", "насилието"]
        );
        assert_eq!(
            crime_terms("Получих заплахи. Заплашва ме съседът."),
            ["заплахи", "Заплашва"]
        );
        assert_eq!(
            crime_terms("He asked for a bribe and threatened me."),
            ["bribe", "threatened"]
        );
    }

    #[test]
    fn crime_more_words() {
        assert_eq!(
            crime_terms("Присвояване на общински средства и фалшифицирани протоколи."),
            ["Присвояване", "фалшифицирани"]
        );
        assert!(crime_terms("На сградата е присвоен нов адрес.").is_empty());
        assert_eq!(crime_terms("Вандали счупиха пейките."), ["Вандали"]);
    }

    #[test]
    fn crime_threat_to_health_is_not_a_crime() {
        assert!(crime_terms("Замърсяването е заплаха за здравето на децата.").is_empty());
        assert!(crime_terms("Заплашва безопасността на движението.").is_empty());
        assert!(crime_terms("Застрашава здравето").is_empty());
        // …but a threat to a person still is.
        assert_eq!(crime_terms("Заплаши ме с нож."), ["Заплаши"]);
    }

    #[test]
    fn crime_no_false_positives() {
        for text in [
            "Предлагам повече пейки в парка.",
            "Боклуците на улицата не са събрани.",
            "Улицата е тъмна, моля за осветление.",
            "Благодаря на служителката за отзивчивостта.",
        ] {
            assert!(
                crime_terms(text).is_empty(),
                "{text}: {:?}",
                crime_terms(text)
            );
        }
    }

    #[test]
    fn empty_text_finds_nothing() {
        assert!(offensive_terms("").is_empty());
        assert!(personal_data_or_classified_terms("").is_empty());
        assert!(threat_terms("").is_empty());
        assert!(crime_terms("").is_empty());
    }
}
