//! Full-text search over cases: a tantivy index whose text fields (subject, body, address,
//! answer) go through the Bulgarian analyser in `analysis`, with the facts the access rules need
//! stored beside them so that a query can be limited to what the reader may see.
//!
//! The index holds no personal data: submitters and sealed identities are never given to it.
//! It knows nothing of databases; the caller turns cases into `CaseDoc`s.

pub mod analysis;

use analysis::{ANALYSER, BulgarianTokenizer, analyse, normalise_word_terms, words};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::ops::Bound;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, EmptyQuery, Occur, Query, RangeQuery, RegexQuery, TermQuery,
};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TantivyDocument,
    TextFieldIndexing, TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, Term, doc};

/// Bumped whenever the schema or the analyser changes: an index of another version is rebuilt.
pub const INDEX_VERSION: u32 = 2;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index folder: {0}")]
    Io(#[from] std::io::Error),
    #[error("search index: {0}")]
    Other(String),
}

pub type Result<T, E = SearchError> = std::result::Result<T, E>;

/// A case as the index sees it: its text, its filters and the facts the access rules need.
/// No personal data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseDoc {
    pub id: i64,
    pub number: String,
    pub kind: String,
    pub channel: String,
    pub status: String,
    /// Still being handled (not answered, closed, merged…).
    pub open: bool,
    pub subject: String,
    pub body: String,
    pub address: Option<String>,
    pub answer: Option<String>,
    pub department_id: Option<i64>,
    pub assignee_id: Option<i64>,
    /// A corruption signal (whistleblower report).
    pub sealed: bool,
    pub about_employee: bool,
    /// Staff in conflict of interest with the case (declared, or the subject of a complaint).
    pub conflicted_user_ids: Vec<i64>,
    /// Seconds since the Unix epoch.
    pub received_at: i64,
    /// The municipal date of receipt as `yyyymmdd`.
    pub received_day: i64,
}

/// What a query is narrowed to, as the user asked.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub kind: Option<String>,
    pub channel: Option<String>,
    pub status: Option<String>,
    pub open_only: bool,
    pub department_id: Option<i64>,
    /// `yyyymmdd`, inclusive.
    pub from_day: Option<i64>,
    pub to_day: Option<i64>,
}

/// What the reader may see, as the access rules say: applied inside the query, so that counts
/// and pages are right. (The caller still checks every hit against the rules.)
#[derive(Debug, Clone, Default)]
pub struct Visibility {
    /// Whistleblower reports are included (designated officers only).
    pub include_sealed: bool,
    /// Only cases assigned to this user.
    pub assignee_id: Option<i64>,
    /// Only cases of this department.
    pub department_id: Option<i64>,
    pub hide_about_employee: bool,
    /// Hide cases on which this user has a conflict of interest.
    pub hide_conflicted_for: Option<i64>,
}

/// One case found.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub doc: CaseDoc,
    pub score: f32,
    /// An extract of the body (or the subject) with the matching words in `<b>…</b>`, the rest
    /// HTML-escaped.
    pub snippet_html: String,
}

/// One page of results.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// How many cases match in all.
    pub total: usize,
    pub hits: Vec<Hit>,
}

/// What the index covers: compared with the database at start to decide whether to rebuild.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marker {
    pub version: u32,
    pub count: u64,
    pub max_id: i64,
    /// The latest change (the database's `updated_at`) the index has seen.
    pub max_updated_at: Option<String>,
}

/// A case that looks like the same problem as another.
#[derive(Debug, Clone, PartialEq)]
pub struct Similar {
    pub doc: CaseDoc,
    /// 0–1: how much of the two texts' vocabulary they share (Dice's coefficient of their terms).
    pub similarity: f32,
    pub same_address: bool,
}

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    number: Field,
    kind: Field,
    channel: Field,
    status: Field,
    open: Field,
    subject: Field,
    body: Field,
    address: Field,
    answer: Field,
    department: Field,
    assignee: Field,
    sealed: Field,
    about_employee: Field,
    conflicts: Field,
    received_at: Field,
    received_day: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(ANALYSER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let fields = Fields {
        id: b.add_i64_field("id", INDEXED | STORED | FAST),
        number: b.add_text_field("number", STRING | STORED),
        kind: b.add_text_field("kind", STRING | STORED),
        channel: b.add_text_field("channel", STRING | STORED),
        status: b.add_text_field("status", STRING | STORED),
        open: b.add_u64_field("open", INDEXED | STORED),
        subject: b.add_text_field("subject", text.clone()),
        body: b.add_text_field("body", text.clone()),
        address: b.add_text_field("address", text.clone()),
        answer: b.add_text_field("answer", text),
        department: b.add_i64_field("department_id", INDEXED | STORED),
        assignee: b.add_i64_field("assignee_id", INDEXED | STORED),
        sealed: b.add_u64_field("sealed", INDEXED | STORED),
        about_employee: b.add_u64_field("about_employee", INDEXED | STORED),
        conflicts: b.add_i64_field("conflicts", INDEXED | STORED),
        received_at: b.add_i64_field("received_at", INDEXED | STORED | FAST),
        received_day: b.add_i64_field("received_day", INDEXED | STORED),
    };
    (b.build(), fields)
}

/// The index of cases.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<Option<IndexWriter>>,
    fields: Fields,
    writer_memory: usize,
    writer_threads: usize,
}

fn term_i64(field: Field, v: i64) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_i64(field, v),
        IndexRecordOption::Basic,
    ))
}

fn term_u64(field: Field, v: u64) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_u64(field, v),
        IndexRecordOption::Basic,
    ))
}

fn term_str(field: Field, v: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, v),
        IndexRecordOption::Basic,
    ))
}

/// What a query that looks like a registration number asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum NumberQuery {
    /// A whole number, `2026-000123` (or `2026-123`), written as the register writes it.
    Full(String),
    /// A sequence number alone, `123` or `000123`, in any year: the register's six digits.
    Sequence(String),
}

/// Reads `q` as a registration number, whole or its sequence number alone (one to six digits).
fn number_query(q: &str) -> Option<NumberQuery> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    let sequence = |s: &str| {
        let n: u32 = s.parse().ok()?;
        (digits(s) && s.len() <= 6 && n > 0).then(|| format!("{n:06}"))
    };
    match q.split_once('-') {
        Some((year, seq)) if year.len() == 4 && digits(year) => {
            Some(NumberQuery::Full(format!("{year}-{}", sequence(seq)?)))
        }
        Some(_) => None,
        None => sequence(q).map(NumberQuery::Sequence),
    }
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it (and the folder) when missing.
    pub fn open_in_dir(dir: &Path) -> Result<SearchIndex> {
        std::fs::create_dir_all(dir)?;
        let (schema, _) = schema();
        let directory = tantivy::directory::MmapDirectory::open(dir)
            .map_err(|e| SearchError::Other(e.to_string()))?;
        let index = Index::open_or_create(directory, schema)?;
        SearchIndex::with_index(index)
    }

    /// An index in memory (tests, and servers given no folder).
    pub fn in_memory() -> Result<SearchIndex> {
        let (schema, _) = schema();
        SearchIndex::with_index(Index::create_in_ram(schema))
    }

    fn with_index(index: Index) -> Result<SearchIndex> {
        index.tokenizers().register(ANALYSER, BulgarianTokenizer);
        let (_, fields) = schema();
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            index,
            reader,
            writer: Mutex::new(None),
            fields,
            writer_memory: 20_000_000,
            writer_threads: 1,
        })
    }

    /// Gives the writer more memory and threads (bulk loads).
    pub fn with_writer(mut self, threads: usize, memory_bytes: usize) -> SearchIndex {
        self.writer_threads = threads.max(1);
        self.writer_memory = memory_bytes.max(15_000_000 * self.writer_threads);
        self
    }

    /// Takes the index's writer now (one process at a time may write to a folder): fails when
    /// another process holds it.
    pub fn lock_writer(&self) -> Result<()> {
        self.writer().map(drop)
    }

    fn writer(&self) -> Result<MutexGuard<'_, Option<IndexWriter>>> {
        let mut guard = self
            .writer
            .lock()
            .map_err(|_| SearchError::Other("the index writer was poisoned".into()))?;
        if guard.is_none() {
            *guard = Some(
                self.index
                    .writer_with_num_threads(self.writer_threads, self.writer_memory)?,
            );
        }
        Ok(guard)
    }

    fn document(&self, c: &CaseDoc) -> TantivyDocument {
        let f = &self.fields;
        let mut d = doc!(
            f.id => c.id,
            f.number => c.number.clone(),
            f.kind => c.kind.clone(),
            f.channel => c.channel.clone(),
            f.status => c.status.clone(),
            f.open => u64::from(c.open),
            f.subject => c.subject.clone(),
            f.body => c.body.clone(),
            f.sealed => u64::from(c.sealed),
            f.about_employee => u64::from(c.about_employee),
            f.received_at => c.received_at,
            f.received_day => c.received_day,
        );
        if let Some(a) = &c.address {
            d.add_text(f.address, a);
        }
        if let Some(a) = &c.answer {
            d.add_text(f.answer, a);
        }
        if let Some(v) = c.department_id {
            d.add_i64(f.department, v);
        }
        if let Some(v) = c.assignee_id {
            d.add_i64(f.assignee, v);
        }
        for u in &c.conflicted_user_ids {
            d.add_i64(f.conflicts, *u);
        }
        d
    }

    /// Adds the cases, replacing any earlier version of each. Visible after `commit`.
    pub fn upsert(&self, cases: &[CaseDoc]) -> Result<()> {
        let guard = self.writer()?;
        let writer = guard
            .as_ref()
            .ok_or_else(|| SearchError::Other("no index writer".into()))?;
        for c in cases {
            writer.delete_term(Term::from_field_i64(self.fields.id, c.id));
            writer.add_document(self.document(c))?;
        }
        Ok(())
    }

    /// Removes every case (before a rebuild). Visible after `commit`.
    pub fn clear(&self) -> Result<()> {
        let guard = self.writer()?;
        let writer = guard
            .as_ref()
            .ok_or_else(|| SearchError::Other("no index writer".into()))?;
        writer.delete_all_documents()?;
        Ok(())
    }

    /// Makes the changes durable and visible, recording what the index now covers.
    pub fn commit(&self, marker: &Marker) -> Result<()> {
        let mut guard = self.writer()?;
        let writer = guard
            .as_mut()
            .ok_or_else(|| SearchError::Other("no index writer".into()))?;
        let payload =
            serde_json::to_string(marker).map_err(|e| SearchError::Other(e.to_string()))?;
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&payload);
        prepared.commit()?;
        drop(guard);
        self.reader.reload()?;
        Ok(())
    }

    /// What the last commit recorded (a default marker for a new index), with the live count.
    pub fn marker(&self) -> Result<Marker> {
        let metas = self.index.load_metas()?;
        let mut marker: Marker = metas
            .payload
            .as_deref()
            .and_then(|p| serde_json::from_str(p).ok())
            .unwrap_or_default();
        marker.count = self.reader.searcher().num_docs();
        Ok(marker)
    }

    /// How many cases the index holds.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn visibility_clauses(&self, v: &Visibility, clauses: &mut Vec<(Occur, Box<dyn Query>)>) {
        let f = &self.fields;
        if !v.include_sealed {
            clauses.push((Occur::MustNot, term_u64(f.sealed, 1)));
        }
        if let Some(a) = v.assignee_id {
            clauses.push((Occur::Must, term_i64(f.assignee, a)));
        }
        if let Some(d) = v.department_id {
            clauses.push((Occur::Must, term_i64(f.department, d)));
        }
        if v.hide_about_employee {
            clauses.push((Occur::MustNot, term_u64(f.about_employee, 1)));
        }
        if let Some(u) = v.hide_conflicted_for {
            clauses.push((Occur::MustNot, term_i64(f.conflicts, u)));
        }
    }

    fn filter_clauses(&self, filters: &Filters, clauses: &mut Vec<(Occur, Box<dyn Query>)>) {
        let f = &self.fields;
        if let Some(k) = &filters.kind {
            clauses.push((Occur::Must, term_str(f.kind, k)));
        }
        if let Some(c) = &filters.channel {
            clauses.push((Occur::Must, term_str(f.channel, c)));
        }
        if let Some(s) = &filters.status {
            clauses.push((Occur::Must, term_str(f.status, s)));
        }
        if filters.open_only {
            clauses.push((Occur::Must, term_u64(f.open, 1)));
        }
        if let Some(d) = filters.department_id {
            clauses.push((Occur::Must, term_i64(f.department, d)));
        }
        if filters.from_day.is_some() || filters.to_day.is_some() {
            let lower = filters.from_day.map_or(Bound::Unbounded, Bound::Included);
            let upper = filters.to_day.map_or(Bound::Unbounded, Bound::Included);
            clauses.push((
                Occur::Must,
                Box::new(RangeQuery::new_i64_bounds(
                    "received_day".to_owned(),
                    lower,
                    upper,
                )),
            ));
        }
    }

    /// The cases of this sequence number (six digits), in every year.
    fn sequence_query(&self, sequence: &str) -> Result<Box<dyn Query>> {
        let q = RegexQuery::from_pattern(&format!("[0-9]{{4}}-{sequence}"), self.fields.number)?;
        Ok(Box::new(q))
    }

    /// Every word of `text` in the subject, body, address or answer; `None` when no word is
    /// left after analysis.
    fn words_query(&self, text: &str) -> Option<Box<dyn Query>> {
        let f = &self.fields;
        let mut seen = HashSet::new();
        let mut musts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (_, word) in words(text) {
            let terms = normalise_word_terms(word);
            if terms.is_empty() || !seen.insert(terms.clone()) {
                continue;
            }
            let mut per_field: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for term in &terms {
                for (field, boost) in [
                    (f.subject, 2.0),
                    (f.body, 1.0),
                    (f.address, 1.5),
                    (f.answer, 0.7),
                ] {
                    per_field.push((
                        Occur::Should,
                        Box::new(BoostQuery::new(term_str(field, term), boost)),
                    ));
                }
            }
            musts.push((Occur::Must, Box::new(BooleanQuery::new(per_field))));
        }
        (!musts.is_empty()).then(|| Box::new(BooleanQuery::new(musts)) as Box<dyn Query>)
    }

    fn read_doc(&self, doc: &TantivyDocument) -> CaseDoc {
        let f = &self.fields;
        let text = |field: Field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        };
        let int = |field: Field| doc.get_first(field).and_then(|v| v.as_i64());
        let flag = |field: Field| doc.get_first(field).and_then(|v| v.as_u64()) == Some(1);
        CaseDoc {
            id: int(f.id).unwrap_or_default(),
            number: text(f.number).unwrap_or_default(),
            kind: text(f.kind).unwrap_or_default(),
            channel: text(f.channel).unwrap_or_default(),
            status: text(f.status).unwrap_or_default(),
            open: flag(f.open),
            subject: text(f.subject).unwrap_or_default(),
            body: text(f.body).unwrap_or_default(),
            address: text(f.address),
            answer: text(f.answer),
            department_id: int(f.department),
            assignee_id: int(f.assignee),
            sealed: flag(f.sealed),
            about_employee: flag(f.about_employee),
            conflicted_user_ids: doc
                .get_all(f.conflicts)
                .filter_map(|v| v.as_i64())
                .collect(),
            received_at: int(f.received_at).unwrap_or_default(),
            received_day: int(f.received_day).unwrap_or_default(),
        }
    }

    /// Cases matching `text` within `filters` and `visibility`, best first (newest first when
    /// `text` has no words), `limit` from `offset`, with highlighted extracts.
    ///
    /// A registration number ("2026-000046", "2026-46") finds its case. A number alone ("46",
    /// "000046") finds the cases of that sequence number, in every year the reader may see;
    /// only when there is none is it looked for as a word (a house number). Otherwise every
    /// word must occur in the subject, body, address or answer (a title match counts twice),
    /// under any of the terms an ambiguous word is indexed under.
    pub fn search(
        &self,
        text: &str,
        filters: &Filters,
        visibility: &Visibility,
        offset: usize,
        limit: usize,
    ) -> Result<Page> {
        let trimmed = text.trim();
        match number_query(trimmed) {
            Some(NumberQuery::Full(number)) => {
                let q = term_str(self.fields.number, &number);
                self.run(Some(q), true, text, filters, visibility, offset, limit)
            }
            Some(NumberQuery::Sequence(sequence)) => {
                let q = self.sequence_query(&sequence)?;
                // The same number in several years: the newest first.
                let page = self.run(Some(q), false, text, filters, visibility, offset, limit)?;
                if page.total > 0 {
                    return Ok(page);
                }
                let words = self.words_query(text);
                self.run(words, true, text, filters, visibility, offset, limit)
            }
            None => {
                let words = self.words_query(text);
                self.run(words, true, text, filters, visibility, offset, limit)
            }
        }
    }

    /// Runs `text_query` (`None`: every case when `text` is empty, none when it held only stop
    /// words) within the filters and the reader's visibility, best first when `ranked`, else
    /// newest first.
    #[allow(clippy::too_many_arguments)]
    fn run(
        &self,
        text_query: Option<Box<dyn Query>>,
        ranked: bool,
        text: &str,
        filters: &Filters,
        visibility: &Visibility,
        offset: usize,
        limit: usize,
    ) -> Result<Page> {
        let searcher = self.reader.searcher();
        let has_words = text_query.is_some();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        match text_query {
            Some(q) => clauses.push((Occur::Must, q)),
            None if text.trim().is_empty() => clauses.push((Occur::Must, Box::new(AllQuery))),
            // Only stop words: nothing to look for.
            None => clauses.push((Occur::Must, Box::new(EmptyQuery))),
        }
        self.filter_clauses(filters, &mut clauses);
        self.visibility_clauses(visibility, &mut clauses);
        let query = BooleanQuery::new(clauses);
        let limit = limit.max(1);
        let (total, addresses): (usize, Vec<(f32, DocAddress)>) = if has_words && ranked {
            searcher.search(
                &query,
                &(Count, TopDocs::with_limit(limit).and_offset(offset)),
            )?
        } else {
            let (total, newest) = searcher.search(
                &query,
                &(
                    Count,
                    TopDocs::with_limit(limit)
                        .and_offset(offset)
                        .order_by_fast_field::<i64>("received_at", Order::Desc),
                ),
            )?;
            (total, newest.into_iter().map(|(_, a)| (0.0, a)).collect())
        };
        let (body_snippets, subject_snippets) = if has_words {
            let mut body = SnippetGenerator::create(&searcher, &query, self.fields.body)?;
            body.set_max_num_chars(240);
            let subject = SnippetGenerator::create(&searcher, &query, self.fields.subject)?;
            (Some(body), Some(subject))
        } else {
            (None, None)
        };
        let mut hits = Vec::with_capacity(addresses.len());
        for (score, address) in addresses {
            let stored: TantivyDocument = searcher.doc(address)?;
            let doc = self.read_doc(&stored);
            let snippet_html = match (&body_snippets, &subject_snippets) {
                (Some(body), Some(subject)) => {
                    let s = body.snippet_from_doc(&stored);
                    if s.highlighted().is_empty() {
                        let t = subject.snippet_from_doc(&stored);
                        if t.highlighted().is_empty() {
                            escape(&excerpt(&doc.body, 240))
                        } else {
                            t.to_html()
                        }
                    } else {
                        s.to_html()
                    }
                }
                _ => escape(&excerpt(&doc.body, 240)),
            };
            hits.push(Hit {
                doc,
                score,
                snippet_html,
            });
        }
        Ok(Page { total, hits })
    }

    /// The baseline for the benchmark: one raw term on the body, no analysis, no filters, no
    /// snippets. Returns how many documents it fetched.
    pub fn raw_term_search(&self, term: &str, limit: usize) -> Result<usize> {
        let searcher = self.reader.searcher();
        let query = TermQuery::new(
            Term::from_field_text(self.fields.body, term),
            IndexRecordOption::Basic,
        );
        let top = searcher.search(&query, &TopDocs::with_limit(limit.max(1)))?;
        Ok(top.len())
    }

    /// Open cases of the same kind, received since `since` (seconds since the epoch) and before
    /// `case`, that look like the same problem: similar words, or the same address. Best first.
    pub fn similar(
        &self,
        case: &CaseDoc,
        since: i64,
        visibility: &Visibility,
        limit: usize,
    ) -> Result<Vec<Similar>> {
        let f = &self.fields;
        let text_terms = term_set(&format!("{} {}", case.subject, case.body));
        let address_terms = case.address.as_deref().map(term_set).unwrap_or_default();
        if text_terms.is_empty() && address_terms.is_empty() {
            return Ok(Vec::new());
        }
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for term in text_terms.iter().take(48) {
            should.push((Occur::Should, term_str(f.subject, term)));
            should.push((Occur::Should, term_str(f.body, term)));
        }
        for term in &address_terms {
            should.push((
                Occur::Should,
                Box::new(BoostQuery::new(term_str(f.address, term), 3.0)),
            ));
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![
            (Occur::Must, Box::new(BooleanQuery::new(should))),
            (Occur::Must, term_str(f.kind, &case.kind)),
            (Occur::Must, term_u64(f.open, 1)),
            (
                Occur::Must,
                Box::new(RangeQuery::new_i64_bounds(
                    "received_at".to_owned(),
                    Bound::Included(since),
                    Bound::Unbounded,
                )),
            ),
            (
                Occur::Must,
                Box::new(RangeQuery::new_i64_bounds(
                    "id".to_owned(),
                    Bound::Unbounded,
                    Bound::Excluded(case.id),
                )),
            ),
        ];
        self.visibility_clauses(visibility, &mut clauses);
        let searcher = self.reader.searcher();
        let top = searcher.search(&BooleanQuery::new(clauses), &TopDocs::with_limit(30))?;
        let mut found = Vec::new();
        for (_, address) in top {
            let stored: TantivyDocument = searcher.doc(address)?;
            let doc = self.read_doc(&stored);
            let other = term_set(&format!("{} {}", doc.subject, doc.body));
            let similarity = dice(&text_terms, &other);
            let other_address = doc.address.as_deref().map(term_set).unwrap_or_default();
            let same_address = !address_terms.is_empty() && address_terms == other_address;
            if similarity >= 0.3 || (same_address && similarity >= 0.1) {
                found.push(Similar {
                    doc,
                    similarity,
                    same_address,
                });
            }
        }
        found.sort_by(|a, b| {
            (b.same_address, b.similarity)
                .partial_cmp(&(a.same_address, a.similarity))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        found.truncate(limit);
        Ok(found)
    }
}

/// The distinct terms of `text`, in order of first appearance.
fn term_set(text: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    analyse(text)
        .into_iter()
        .filter(|t| seen.insert(t.clone()))
        .collect()
}

/// Dice's coefficient of two sets of terms.
fn dice(a: &[String], b: &[String]) -> f32 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let b: HashSet<&String> = b.iter().collect();
    let common = a.iter().filter(|t| b.contains(t)).count();
    (2 * common) as f32 / (a.len() + b.len()) as f32
}

/// The first `max` characters of `text`, cut at a word boundary.
fn excerpt(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max).collect();
    match cut.rfind(char::is_whitespace) {
        Some(i) if i > max / 2 => format!("{}…", &cut[..i]),
        _ => format!("{cut}…"),
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn case(id: i64, subject: &str, body: &str, address: Option<&str>) -> CaseDoc {
        CaseDoc {
            id,
            number: format!("2026-{id:06}"),
            kind: "signal".into(),
            channel: "web".into(),
            status: "registered".into(),
            open: true,
            subject: subject.into(),
            body: body.into(),
            address: address.map(str::to_owned),
            received_at: 1_780_000_000 + id,
            received_day: 20260601,
            ..CaseDoc::default()
        }
    }

    fn index() -> SearchIndex {
        let index = SearchIndex::in_memory().unwrap();
        index
            .upsert(&[
                case(
                    1,
                    "Дупка на улицата",
                    "Голяма дупка на улица „Шипка“ пред номер 3.",
                    Some("ул. „Шипка“ 3"),
                ),
                case(
                    2,
                    "Улична лампа",
                    "Не свети лампата на ъгъла.",
                    Some("бул. „България“ 10"),
                ),
                case(3, "Дупките", "Дупките по улиците в квартала.", None),
                CaseDoc {
                    sealed: true,
                    kind: "corruption_signal".into(),
                    ..case(4, "Подкуп", "Служител поиска пари за дупките.", None)
                },
            ])
            .unwrap();
        index
            .commit(&Marker {
                version: INDEX_VERSION,
                max_id: 4,
                ..Marker::default()
            })
            .unwrap();
        index
    }

    fn ids(page: &Page) -> Vec<i64> {
        let mut ids: Vec<i64> = page.hits.iter().map(|h| h.doc.id).collect();
        ids.sort_unstable();
        ids
    }

    #[test]
    fn inflected_and_latin_queries_find_the_cases() {
        let index = index();
        let all = Visibility {
            include_sealed: true,
            ..Visibility::default()
        };
        for q in ["дупки", "дупката", "Дупките", "dupka", "DUPKI"] {
            let page = index.search(q, &Filters::default(), &all, 0, 10).unwrap();
            assert_eq!(ids(&page), vec![1, 3, 4], "{q}");
        }
        let page = index
            .search("dupka na ulicata", &Filters::default(), &all, 0, 10)
            .unwrap();
        assert_eq!(ids(&page), vec![1, 3], "every word must occur");
        let page = index
            .search("лампи", &Filters::default(), &all, 0, 10)
            .unwrap();
        assert_eq!(ids(&page), vec![2]);
        assert!(page.hits[0].snippet_html.contains("<b>лампата</b>"));
    }

    #[test]
    fn visibility_and_filters_narrow_the_results() {
        let index = index();
        let page = index
            .search("дупки", &Filters::default(), &Visibility::default(), 0, 10)
            .unwrap();
        assert_eq!(ids(&page), vec![1, 3], "sealed cases stay hidden");
        assert_eq!(page.total, 2);
        let filters = Filters {
            kind: Some("corruption_signal".into()),
            ..Filters::default()
        };
        let page = index
            .search("", &filters, &Visibility::default(), 0, 10)
            .unwrap();
        assert_eq!(page.total, 0);
        let page = index
            .search(
                "2026-000002",
                &Filters::default(),
                &Visibility::default(),
                0,
                10,
            )
            .unwrap();
        assert_eq!(ids(&page), vec![2]);
        let page = index
            .search("", &Filters::default(), &Visibility::default(), 1, 1)
            .unwrap();
        assert_eq!((page.total, page.hits.len()), (3, 1));
        assert_eq!(page.hits[0].doc.id, 2, "newest first without words");
    }

    #[test]
    fn neuter_plurals_and_alternating_consonants_find_their_singular() {
        let index = SearchIndex::in_memory().unwrap();
        index
            .upsert(&[
                case(
                    1,
                    "Удостоверение",
                    "Искам удостоверение за наследници.",
                    None,
                ),
                case(2, "Разрешение за строеж", "Кога ще има разрешение?", None),
                case(3, "Учебник", "Загубен учебник по математика.", None),
                case(4, "Монах", "Монахът от манастира.", None),
                case(5, "Момче", "Момчето чупи пейките.", None),
            ])
            .unwrap();
        index
            .commit(&Marker {
                version: INDEX_VERSION,
                max_id: 5,
                ..Marker::default()
            })
            .unwrap();
        let find = |q: &str| {
            ids(&index
                .search(q, &Filters::default(), &Visibility::default(), 0, 10)
                .unwrap())
        };
        for q in [
            "удостоверения",
            "удостоверенията",
            "удостоверението",
            "udostovereniya",
        ] {
            assert_eq!(find(q), vec![1], "{q}");
        }
        assert_eq!(find("разрешения"), vec![2]);
        assert_eq!(find("учебници"), vec![3]);
        assert_eq!(find("учебниците"), vec![3]);
        assert_eq!(find("монаси"), vec![4]);
        assert_eq!(find("момчета"), vec![5]);
        assert_eq!(find("момчетата"), vec![5]);
    }

    #[test]
    fn a_sequence_number_alone_finds_its_case_first() {
        let index = index();
        index
            .upsert(&[case(46, "Кучета", "Бездомни кучета пред блок 2.", None)])
            .unwrap();
        index
            .upsert(&[CaseDoc {
                number: "2025-000046".into(),
                received_at: 1_750_000_000,
                ..case(1046, "Котки", "Котки в мазето.", None)
            }])
            .unwrap();
        index
            .upsert(&[case(47, "Шум", "Шум от заведение на „Шипка“ 46.", None)])
            .unwrap();
        index
            .commit(&Marker {
                version: INDEX_VERSION,
                max_id: 47,
                ..Marker::default()
            })
            .unwrap();
        for q in ["46", "000046", " 0046 ", "2026-46", "2026-000046"] {
            let page = index
                .search(q, &Filters::default(), &Visibility::default(), 0, 10)
                .unwrap();
            assert_eq!(page.hits.first().map(|h| h.doc.id), Some(46), "{q}");
        }
        let page = index
            .search("46", &Filters::default(), &Visibility::default(), 0, 10)
            .unwrap();
        assert_eq!(
            page.hits.iter().map(|h| h.doc.id).collect::<Vec<_>>(),
            vec![46, 1046],
            "both years, the newest first; not case 47, which holds 46 as a house number"
        );
        let page = index
            .search("10", &Filters::default(), &Visibility::default(), 0, 10)
            .unwrap();
        assert_eq!(
            ids(&page),
            vec![2],
            "no case 10: the house number 10 is found"
        );
        let hidden = index
            .search("4", &Filters::default(), &Visibility::default(), 0, 10)
            .unwrap();
        assert_eq!(hidden.total, 0, "case 4 is sealed");
        let page = index
            .search(
                "2025-46",
                &Filters::default(),
                &Visibility::default(),
                0,
                10,
            )
            .unwrap();
        assert_eq!(ids(&page), vec![1046], "the year asked for");
        let page = index
            .search(
                "2024-46",
                &Filters::default(),
                &Visibility::default(),
                0,
                10,
            )
            .unwrap();
        assert_eq!(page.total, 0, "another year");
        assert_eq!(number_query("0"), None);
        assert_eq!(number_query("1234567"), None);
        assert_eq!(number_query("12-34"), None);
        assert_eq!(
            number_query("000046"),
            Some(NumberQuery::Sequence("000046".into()))
        );
        assert_eq!(
            number_query("2026-46"),
            Some(NumberQuery::Full("2026-000046".into()))
        );
    }

    #[test]
    fn similar_cases_are_suggested() {
        let index = index();
        let new = case(
            10,
            "Дупка на ул. Шипка",
            "Има дупка на улица Шипка пред номер 3, опасно е.",
            Some("ул. „Шипка“ 3"),
        );
        let found = index.similar(&new, 0, &Visibility::default(), 5).unwrap();
        assert_eq!(found.first().map(|s| s.doc.id), Some(1));
        assert!(found[0].same_address);
        assert!(found.iter().all(|s| s.doc.id != 2));
    }

    #[test]
    fn the_marker_survives_reopening() {
        let dir = tempfile::tempdir().unwrap();
        {
            let index = SearchIndex::open_in_dir(dir.path()).unwrap();
            index.upsert(&[case(1, "Дупка", "Дупка", None)]).unwrap();
            index
                .commit(&Marker {
                    version: INDEX_VERSION,
                    count: 1,
                    max_id: 1,
                    max_updated_at: Some("x".into()),
                })
                .unwrap();
        }
        let index = SearchIndex::open_in_dir(dir.path()).unwrap();
        let marker = index.marker().unwrap();
        assert_eq!(marker.count, 1);
        assert_eq!(marker.max_id, 1);
        assert_eq!(marker.max_updated_at.as_deref(), Some("x"));
    }
}
