//! How well the analyser brings a noun's forms together, measured on a word list we did not
//! write: the Bulgarian Hunspell dictionary (Debian's `hunspell-bg`, from LibreOffice's
//! dictionaries; `/usr/share/hunspell/bg_BG.dic` and `.aff`). `scripts/test-all` installs it.
//!
//! Every dictionary entry is expanded with its suffix rules. An entry is taken for a noun when
//! its forms include a definite article (-ът/-ят, -та, -то, -те) and none of the forms only
//! adjectives, participles and verbs have (-ият, the full masculine article of an adjective).
//! From the nouns a reproducible sample is drawn (an FNV-1a hash of the word, one in
//! `SAMPLE_EVERY`), and each (dictionary form, inflected form) pair is one case: the pair is
//! found when both forms are indexed as the same term, which is exactly when a query holding
//! one finds a document holding the other. Vocative forms ("граде", "жено") are left out: nobody
//! searches a register in them.
//!
//! Precision is checked two ways: a list of different nouns that must stay apart, and the
//! share of all the dictionary's nouns that share their stem with a noun of another paradigm.
//!
//! `cargo test -p priemna-search --test recall -- --nocapture` prints the figures and the
//! pairs missed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use priemna_search::analysis::normalise_word_terms;
use priemna_search::{CaseDoc, Filters, Marker, SearchIndex, Visibility};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

/// One noun in this many is sampled.
const SAMPLE_EVERY: u64 = 16;
/// The least share of pairs that must be found.
const RECALL_TARGET: f64 = 0.95;

fn dictionary_dir() -> PathBuf {
    std::env::var_os("PRIEMNA_HUNSPELL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/share/hunspell"))
}

fn read(name: &str) -> String {
    let path = dictionary_dir().join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}. The recall test needs Debian's hunspell-bg \
             (apt-get install hunspell-bg; scripts/test-all installs it), \
             or PRIEMNA_HUNSPELL_DIR naming a folder with bg_BG.dic and bg_BG.aff",
            path.display()
        )
    })
}

/// The suffix rules of the .aff file: flag → (stripped, added). The Bulgarian file has only
/// suffixes, every condition ".", so a rule applies when the word ends in what it strips.
fn suffix_rules(aff: &str) -> HashMap<char, Vec<(String, String)>> {
    let mut rules: HashMap<char, Vec<(String, String)>> = HashMap::new();
    for line in aff.lines() {
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.len() < 5 || cols[0] != "SFX" {
            continue;
        }
        let Some(flag) = cols[1].chars().next() else {
            continue;
        };
        let strip = if cols[2] == "0" { "" } else { cols[2] };
        let add = if cols[3] == "0" { "" } else { cols[3] };
        assert_eq!(
            cols[4], ".",
            "a condition this reader does not know: {line}"
        );
        rules
            .entry(flag)
            .or_default()
            .push((strip.to_owned(), add.to_owned()));
    }
    assert!(rules.len() > 20, "no suffix rules read");
    rules
}

/// Every entry of the dictionary with the forms its flags make (the entry itself left out).
fn entries(
    dic: &str,
    rules: &HashMap<char, Vec<(String, String)>>,
) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in dic.lines().skip(1) {
        let (word, flags) = line.split_once('/').unwrap_or((line, ""));
        let word = word.trim();
        if word.is_empty() || !word.chars().all(|c| ('а'..='я').contains(&c) || c == 'ѝ') {
            // Names (capitals), abbreviations, compounds with hyphens.
            continue;
        }
        let forms = out.entry(word.to_owned()).or_default();
        for flag in flags.trim().chars() {
            for (strip, add) in rules.get(&flag).into_iter().flatten() {
                if let Some(stem) = word.strip_suffix(strip.as_str()) {
                    let form = format!("{stem}{add}");
                    if form != word {
                        forms.insert(form);
                    }
                }
            }
        }
    }
    out
}

const ARTICLES: &[&str] = &["ът", "ят", "та", "то", "те"];

fn is_noun(forms: &BTreeSet<String>) -> bool {
    !forms.is_empty()
        && forms.len() <= 12
        && forms
            .iter()
            .any(|f| ARTICLES.iter().any(|a| f.ends_with(a)))
        && !forms.iter().any(|f| f.ends_with("ият"))
}

/// A vocative ("граде", "жено", "критерийю"), left out of the pairs.
fn is_vocative(word: &str, form: &str) -> bool {
    let consonant_end = !word.ends_with(['а', 'е', 'и', 'о', 'у', 'ъ', 'ю', 'я']);
    form.ends_with('ю')
        || (form.ends_with('о') && !form.ends_with("то") && !word.ends_with('о'))
        || (consonant_end
            && form.ends_with('е')
            && !["ите", "ете", "ове", "еве"]
                .iter()
                .any(|s| form.ends_with(s)))
}

fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Whether a query for `a` finds a document holding `b`: they share an indexed term.
fn meet(a: &str, b: &str) -> bool {
    let b = normalise_word_terms(b);
    normalise_word_terms(a).iter().any(|t| b.contains(t))
}

fn terms(word: &str) -> String {
    normalise_word_terms(word).join("|")
}

fn nouns() -> BTreeMap<String, BTreeSet<String>> {
    let rules = suffix_rules(&read("bg_BG.aff"));
    entries(&read("bg_BG.dic"), &rules)
        .into_iter()
        .filter(|(_, forms)| is_noun(forms))
        .collect()
}

#[test]
fn inflected_nouns_from_the_hunspell_dictionary_find_their_base_form() {
    let nouns = nouns();
    assert!(nouns.len() > 10_000, "only {} nouns read", nouns.len());
    let mut pairs = Vec::new();
    let mut sampled = 0usize;
    for (word, forms) in &nouns {
        if !fnv1a(word).is_multiple_of(SAMPLE_EVERY) {
            continue;
        }
        sampled += 1;
        for form in forms {
            if !is_vocative(word, form) {
                pairs.push((word.as_str(), form.as_str()));
            }
        }
    }
    assert!(pairs.len() > 2_000, "only {} pairs", pairs.len());
    let missed: Vec<_> = pairs.iter().filter(|(w, f)| !meet(w, f)).collect();
    let recall = 1.0 - missed.len() as f64 / pairs.len() as f64;
    println!(
        "nouns in the dictionary: {}; sampled: {sampled}; pairs: {}; found: {}; recall {:.1} %",
        nouns.len(),
        pairs.len(),
        pairs.len() - missed.len(),
        recall * 100.0
    );
    for (w, f) in missed.iter().take(400) {
        println!("  missed: {w} ({}) / {f} ({})", terms(w), terms(f));
    }
    through_the_index(&pairs);
    assert!(
        recall >= RECALL_TARGET,
        "recall {:.1} % is under {:.0} %",
        recall * 100.0,
        RECALL_TARGET * 100.0
    );
}

/// Checks on every tenth pair that sharing a term is what the search does: a document holding
/// one form is found by a query for the other, both ways, exactly when the forms share a term.
fn through_the_index(pairs: &[(&str, &str)]) {
    let checked: Vec<(&str, &str)> = pairs.iter().step_by(10).copied().collect();
    let index = SearchIndex::in_memory().unwrap();
    let mut docs = Vec::new();
    let mut id_of: HashMap<&str, i64> = HashMap::new();
    for (w, f) in &checked {
        for word in [*w, *f] {
            if !id_of.contains_key(word) {
                let id = i64::try_from(docs.len()).unwrap() + 1;
                id_of.insert(word, id);
                docs.push(CaseDoc {
                    id,
                    number: format!("2026-{id:06}"),
                    kind: "signal".into(),
                    open: true,
                    subject: "—".into(),
                    body: word.to_owned(),
                    ..CaseDoc::default()
                });
            }
        }
    }
    index.upsert(&docs).unwrap();
    index.commit(&Marker::default()).unwrap();
    let finds = |query: &str, holder: &str| {
        let page = index
            .search(query, &Filters::default(), &Visibility::default(), 0, 1000)
            .unwrap();
        page.hits.iter().any(|h| h.doc.id == id_of[holder])
    };
    for (w, f) in &checked {
        let expected = meet(w, f);
        assert_eq!(finds(w, f), expected, "{w} finds {f}");
        assert_eq!(finds(f, w), expected, "{f} finds {w}");
    }
    println!(
        "through the index: {} pairs, both ways, as the terms say",
        checked.len()
    );
}

/// Different nouns, each pair sharing its first letters or differing in one alternating
/// consonant, that a search must keep apart.
const DISTINCT: &[(&str, &str)] = &[
    ("град", "градина"),
    ("парк", "паркинг"),
    ("път", "пътека"),
    ("улица", "уличка"),
    ("кола", "колело"),
    ("вода", "водач"),
    ("дърво", "дърводелец"),
    ("ток", "тонус"),
    ("шум", "шумоизолация"),
    ("лампа", "лампион"),
    ("дом", "домакин"),
    ("болница", "болест"),
    ("училище", "ученик"),
    ("жалба", "жалон"),
    ("сигнал", "сигнализация"),
    ("кмет", "кметство"),
    ("такса", "такт"),
    ("монах", "монета"),
    ("пясък", "пясъчник"),
    ("книга", "книжарница"),
    ("съд", "съдия"),
    ("мост", "мостра"),
    ("разрешение", "разрешител"),
    ("удостоверение", "удостоверител"),
    ("дупка", "дупе"),
    ("тротоар", "тротинетка"),
    ("бор", "борба"),
    ("гора", "горение"),
    ("рог", "роза"),
    ("мах", "маса"),
    ("бряг", "бреза"),
    ("звук", "звезда"),
    ("кран", "крак"),
    ("боклук", "бокс"),
    ("шахта", "шах"),
    ("данък", "данни"),
    ("молба", "молив"),
    ("срок", "сряда"),
    ("отпадък", "отпуск"),
    ("автобус", "автомобил"),
];

#[test]
fn different_nouns_stay_apart() {
    let merged: Vec<_> = DISTINCT
        .iter()
        .filter(|(a, b)| meet(a, b))
        .map(|(a, b)| format!("{a} ({}) / {b} ({})", terms(a), terms(b)))
        .collect();
    assert!(merged.is_empty(), "merged: {merged:?}");
}

#[test]
fn few_nouns_of_the_dictionary_share_a_stem_with_another_noun() {
    let nouns = nouns();
    let mut by_term: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for word in nouns.keys() {
        for t in normalise_word_terms(word) {
            by_term.entry(t).or_default().push(word);
        }
    }
    // Two entries are the same word when one is a form of the other (the dictionary lists
    // some plurals and feminines as entries of their own).
    let same_word = |a: &str, b: &str| {
        nouns.get(a).is_some_and(|f| f.contains(b)) || nouns.get(b).is_some_and(|f| f.contains(a))
    };
    let mut shared: BTreeSet<&str> = BTreeSet::new();
    let mut examples = Vec::new();
    for words in by_term.values() {
        for a in words {
            if words.iter().any(|b| b != a && !same_word(a, b)) {
                shared.insert(a);
                if examples.len() < 60 && !examples.contains(&words.join("/")) {
                    examples.push(words.join("/"));
                }
            }
        }
    }
    let sharing = shared.len();
    let share = sharing as f64 / nouns.len() as f64;
    println!(
        "nouns sharing their term with another noun: {sharing} of {} ({:.1} %)",
        nouns.len(),
        share * 100.0
    );
    for e in &examples {
        println!("  {e}");
    }
    assert!(share < 0.15, "{:.1} % of nouns share a term", share * 100.0);
}

/// The same measure for adjectives (entries whose forms include the full article "-ият" and
/// that have the eight forms of an adjective, not a verb's dozens).
#[test]
fn inflected_adjectives_from_the_hunspell_dictionary_find_their_base_form() {
    let rules = suffix_rules(&read("bg_BG.aff"));
    let adjectives: BTreeMap<String, BTreeSet<String>> = entries(&read("bg_BG.dic"), &rules)
        .into_iter()
        .filter(|(_, forms)| forms.len() <= 9 && forms.iter().any(|f| f.ends_with("ият")))
        .collect();
    let pairs: Vec<(&str, &str)> = adjectives
        .iter()
        .filter(|(word, _)| fnv1a(word).is_multiple_of(SAMPLE_EVERY))
        .flat_map(|(word, forms)| forms.iter().map(move |f| (word.as_str(), f.as_str())))
        .collect();
    let missed: Vec<_> = pairs.iter().filter(|(w, f)| !meet(w, f)).collect();
    let recall = 1.0 - missed.len() as f64 / pairs.len() as f64;
    println!(
        "adjectives in the dictionary: {}; pairs: {}; found: {}; recall {:.1} %",
        adjectives.len(),
        pairs.len(),
        pairs.len() - missed.len(),
        recall * 100.0
    );
    for (w, f) in missed.iter().take(400) {
        println!(
            "  missed adjective: {w} ({}) / {f} ({})",
            terms(w),
            terms(f)
        );
    }
    assert!(pairs.len() > 2_000, "only {} pairs", pairs.len());
    assert!(
        recall >= RECALL_TARGET,
        "recall {:.1} % is under {:.0} %",
        recall * 100.0,
        RECALL_TARGET * 100.0
    );
}
