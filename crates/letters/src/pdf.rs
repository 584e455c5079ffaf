//! A small PDF writer for letters: A4 pages, DejaVu Serif (regular and bold) embedded as
//! subsets of the glyphs used, with a ToUnicode map so that the Cyrillic text can be searched,
//! copied and extracted; word-wrapped paragraphs, rules, a footer with page numbers.
//!
//! The output is deterministic: the same letter renders to the same bytes.

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Date, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use std::collections::BTreeMap;

static SERIF: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSerif.ttf");
static SERIF_BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSerif-Bold.ttf");

pub const PAGE_WIDTH: f32 = 595.28;
pub const PAGE_HEIGHT: f32 = 841.89;
pub const LEFT: f32 = 70.0;
pub const RIGHT: f32 = 56.0;
const TOP: f32 = 56.0;
const BOTTOM: f32 = 72.0;
const LINE_SPACING: f32 = 1.38;

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the embedded font cannot be read: {0}")]
    Font(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Regular,
    Bold,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
}

struct Font {
    data: &'static [u8],
    face: ttf_parser::Face<'static>,
    base_name: &'static str,
    resource: &'static [u8],
    remapper: subsetter::GlyphRemapper,
    /// New glyph id → the character it shows.
    unicode: BTreeMap<u16, char>,
}

impl Font {
    fn load(
        data: &'static [u8],
        base_name: &'static str,
        resource: &'static [u8],
    ) -> Result<Font, PdfError> {
        let face =
            ttf_parser::Face::parse(data, 0).map_err(|e| PdfError::Font(format!("{e:?}")))?;
        Ok(Font {
            data,
            face,
            base_name,
            resource,
            remapper: subsetter::GlyphRemapper::new(),
            unicode: BTreeMap::new(),
        })
    }

    fn units(&self) -> f32 {
        f32::from(self.face.units_per_em().max(1))
    }

    fn glyph(&self, c: char) -> u16 {
        self.face.glyph_index(c).map(|g| g.0).unwrap_or(0)
    }

    fn advance(&self, glyph: u16) -> f32 {
        f32::from(
            self.face
                .glyph_hor_advance(ttf_parser::GlyphId(glyph))
                .unwrap_or(0),
        )
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .map(|c| self.advance(self.glyph(c)))
            .sum::<f32>()
            * size
            / self.units()
    }

    /// The text as big-endian glyph ids of the subset (Identity-H), noting what each shows.
    fn encode(&mut self, text: &str) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let new = self.remapper.remap(self.glyph(c));
            self.unicode.entry(new).or_insert(c);
            bytes.extend_from_slice(&new.to_be_bytes());
        }
        bytes
    }

    fn scaled(&self, v: i16) -> f32 {
        f32::from(v) * 1000.0 / self.units()
    }
}

/// A letter being laid out, top to bottom.
pub struct Document {
    fonts: [Font; 2],
    pages: Vec<Content>,
    current: Content,
    /// The baseline of the next line, from the bottom of the page.
    y: f32,
}

/// Whether `word` belongs on the line of the word before it: a unit or abbreviation written
/// after a number ("г." for a year, "ч." for an hour, "%", "лв.").
fn glued(word: &str) -> bool {
    let bare = word.trim_end_matches([',', ';', ':', ')', '.']);
    matches!(bare, "г" | "ч" | "%" | "лв")
}

/// The words of `text` as a line breaks it: split at spaces but not at non-breaking ones, and
/// each unit kept with the word before it.
fn words(text: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for word in text
        .split(|c: char| c.is_whitespace() && c != '\u{a0}' && c != '\u{202f}')
        .filter(|w| !w.is_empty())
    {
        match words.last_mut() {
            Some(last) if glued(word) => {
                last.push(' ');
                last.push_str(word);
            }
            _ => words.push(word.to_owned()),
        }
    }
    words
}

fn replace_control(text: &str) -> String {
    text.chars()
        .map(|c| if c == '\t' { ' ' } else { c })
        .filter(|c| !c.is_control())
        .collect()
}

impl Document {
    pub fn new() -> Result<Document, PdfError> {
        Ok(Document {
            fonts: [
                Font::load(SERIF, "DejaVuSerif", b"F1")?,
                Font::load(SERIF_BOLD, "DejaVuSerif-Bold", b"F2")?,
            ],
            pages: Vec::new(),
            current: Content::new(),
            y: PAGE_HEIGHT - TOP,
        })
    }

    fn font(&mut self, style: Style) -> &mut Font {
        match style {
            Style::Regular => &mut self.fonts[0],
            Style::Bold => &mut self.fonts[1],
        }
    }

    pub fn text_width(&mut self, style: Style, size: f32, text: &str) -> f32 {
        self.font(style).width(text, size)
    }

    pub fn content_width() -> f32 {
        PAGE_WIDTH - LEFT - RIGHT
    }

    /// Draws one line of text with its baseline at (`x`, `y`).
    pub fn text_at(&mut self, x: f32, y: f32, style: Style, size: f32, gray: f32, text: &str) {
        let text = replace_control(text);
        let font = self.font(style);
        let resource = font.resource;
        let bytes = font.encode(&text);
        self.current
            .set_fill_gray(gray)
            .begin_text()
            .set_font(Name(resource), size)
            .next_line(x, y)
            .show(Str(&bytes))
            .end_text();
    }

    fn ensure_room(&mut self, height: f32) {
        if self.y - height < BOTTOM {
            self.new_page();
        }
    }

    pub fn new_page(&mut self) {
        let done = std::mem::replace(&mut self.current, Content::new());
        self.pages.push(done);
        self.y = PAGE_HEIGHT - TOP;
    }

    /// One line at the cursor, starting at `indent` from the left margin.
    pub fn line_at(&mut self, indent: f32, style: Style, size: f32, align: Align, text: &str) {
        let height = size * LINE_SPACING;
        self.ensure_room(height);
        self.y -= size;
        let width = self.text_width(style, size, text);
        let x = match align {
            Align::Left => LEFT + indent,
            Align::Center => LEFT + (Self::content_width() - width) / 2.0,
        };
        let y = self.y;
        self.text_at(x, y, style, size, 0.0, text);
        self.y -= height - size;
    }

    pub fn line(&mut self, style: Style, size: f32, align: Align, text: &str) {
        self.line_at(0.0, style, size, align, text);
    }

    /// One line of cells, each at its offset from the left margin (a row of a table).
    pub fn row(&mut self, style: Style, size: f32, cells: &[(f32, &str)]) {
        let height = size * LINE_SPACING;
        self.ensure_room(height);
        self.y -= size;
        let y = self.y;
        for (x, text) in cells {
            self.text_at(LEFT + x, y, style, size, 0.0, text);
        }
        self.y -= height - size;
    }

    /// A paragraph wrapped to the width left after `indent`; line breaks in `text` are kept.
    pub fn paragraph_at(&mut self, indent: f32, style: Style, size: f32, text: &str) {
        let width = Self::content_width() - indent;
        for raw_line in text.lines() {
            let wrapped = self.wrap(style, size, raw_line, width);
            if wrapped.is_empty() {
                self.space(size * LINE_SPACING);
            }
            for line in wrapped {
                self.line_at(indent, style, size, Align::Left, &line);
            }
        }
    }

    pub fn paragraph(&mut self, style: Style, size: f32, text: &str) {
        self.paragraph_at(0.0, style, size, text);
    }

    /// `text` broken into lines of at most `width` points: between words, never at a
    /// non-breaking space, never before a unit that belongs to the number before it ("2026 г.",
    /// "10:00 ч.", "50 %"); a word wider than the line is broken where it must be.
    pub fn wrap(&mut self, style: Style, size: f32, text: &str, width: f32) -> Vec<String> {
        let font = self.font(style);
        let mut lines = Vec::new();
        let mut current = String::new();
        for word in words(text) {
            let word = word.as_str();
            let candidate = if current.is_empty() {
                word.to_owned()
            } else {
                format!("{current} {word}")
            };
            if font.width(&candidate, size) <= width {
                current = candidate;
                continue;
            }
            if !current.is_empty() {
                lines.push(std::mem::take(&mut current));
            }
            // A word wider than the line is broken where it must be.
            let mut piece = String::new();
            for c in word.chars() {
                piece.push(c);
                if font.width(&piece, size) > width && piece.chars().count() > 1 {
                    piece.pop();
                    lines.push(std::mem::take(&mut piece));
                    piece.push(c);
                }
            }
            current = piece;
        }
        if !current.is_empty() {
            lines.push(current);
        }
        lines
    }

    /// Writes `text` at the left margin on the line the next call writes, leaving the cursor
    /// where it is (a label with its value beside it).
    pub fn label(&mut self, style: Style, size: f32, text: &str) {
        self.ensure_room(size * LINE_SPACING);
        let y = self.y - size;
        self.text_at(LEFT, y, style, size, 0.0, text);
    }

    pub fn space(&mut self, height: f32) {
        if self.y - height < BOTTOM {
            self.new_page();
        } else {
            self.y -= height;
        }
    }

    /// Keeps the next `height` points together on one page.
    pub fn keep_together(&mut self, height: f32) {
        self.ensure_room(height);
    }

    /// A thin horizontal rule across the text width, at the cursor.
    pub fn rule(&mut self) {
        let y = self.y - 4.0;
        self.current
            .set_stroke_gray(0.35)
            .set_line_width(0.6)
            .move_to(LEFT, y)
            .line_to(PAGE_WIDTH - RIGHT, y)
            .stroke();
        self.y -= 12.0;
    }

    /// Finishes the document: `footer(page, pages)` is printed at the bottom of every page.
    pub fn finish(
        mut self,
        title: &str,
        created: jiff::civil::DateTime,
        footer: impl Fn(usize, usize) -> String,
    ) -> Result<Vec<u8>, PdfError> {
        let last = std::mem::replace(&mut self.current, Content::new());
        self.pages.push(last);
        let total = self.pages.len();
        let mut pages = std::mem::take(&mut self.pages);
        for (i, page) in pages.iter_mut().enumerate() {
            let text = replace_control(&footer(i + 1, total));
            let size = 8.0;
            let width = self.text_width(Style::Regular, size, &text);
            let font = self.font(Style::Regular);
            let bytes = font.encode(&text);
            page.set_stroke_gray(0.6)
                .set_line_width(0.4)
                .move_to(LEFT, BOTTOM - 30.0)
                .line_to(PAGE_WIDTH - RIGHT, BOTTOM - 30.0)
                .stroke()
                .set_fill_gray(0.35)
                .begin_text()
                .set_font(Name(b"F1"), size)
                .next_line(LEFT + (Self::content_width() - width) / 2.0, BOTTOM - 42.0)
                .show(Str(&bytes))
                .end_text();
        }

        let mut next = 1;
        let mut alloc = || {
            let r = Ref::new(next);
            next += 1;
            r
        };
        let catalog = alloc();
        let tree = alloc();
        let info = alloc();
        let font_refs: Vec<[Ref; 5]> = (0..2)
            .map(|_| [alloc(), alloc(), alloc(), alloc(), alloc()])
            .collect();
        let page_refs: Vec<(Ref, Ref)> = (0..total).map(|_| (alloc(), alloc())).collect();

        let mut pdf = Pdf::new();
        pdf.catalog(catalog).pages(tree).lang(TextStr("bg"));
        pdf.pages(tree)
            .kids(page_refs.iter().map(|(p, _)| *p))
            .count(i32::try_from(total).unwrap_or(i32::MAX));
        for ((page_ref, content_ref), content) in page_refs.iter().zip(pages) {
            let mut page = pdf.page(*page_ref);
            page.parent(tree)
                .media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
                .contents(*content_ref);
            let mut resources = page.resources();
            let mut fonts = resources.fonts();
            fonts.pair(Name(b"F1"), font_refs[0][0]);
            fonts.pair(Name(b"F2"), font_refs[1][0]);
            fonts.finish();
            resources.finish();
            page.finish();
            let data = deflate(&content.finish());
            pdf.stream(*content_ref, &data).filter(Filter::FlateDecode);
        }
        for (font, refs) in self.fonts.iter().zip(&font_refs) {
            write_font(&mut pdf, font, *refs)?;
        }
        let date = Date::new(u16::try_from(created.year()).unwrap_or(2000))
            .month(u8::try_from(created.month()).unwrap_or(1))
            .day(u8::try_from(created.day()).unwrap_or(1))
            .hour(u8::try_from(created.hour()).unwrap_or(0))
            .minute(u8::try_from(created.minute()).unwrap_or(0))
            .second(u8::try_from(created.second()).unwrap_or(0));
        pdf.document_info(info)
            .title(TextStr(title))
            .producer(TextStr("Priemna"))
            .creator(TextStr("Priemna"))
            .creation_date(date);
        Ok(pdf.finish())
    }
}

fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

/// A subset tag (six capital letters) that depends only on the glyphs used.
fn subset_tag(font: &Font) -> String {
    let mut hash: u32 = 2_166_136_261;
    for g in font.remapper.remapped_gids() {
        for b in g.to_be_bytes() {
            hash ^= u32::from(b);
            hash = hash.wrapping_mul(16_777_619);
        }
    }
    (0..6)
        .map(|i| char::from(b'A' + u8::try_from((hash >> (i * 5)) % 26).unwrap_or(0)))
        .collect()
}

fn write_font(pdf: &mut Pdf, font: &Font, refs: [Ref; 5]) -> Result<(), PdfError> {
    let [type0, cid, descriptor, to_unicode, file] = refs;
    let name = format!("{}+{}", subset_tag(font), font.base_name);
    let subset = subsetter::subset(font.data, 0, &font.remapper)
        .map_err(|e| PdfError::Font(e.to_string()))?;

    pdf.type0_font(type0)
        .base_font(Name(name.as_bytes()))
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid)
        .to_unicode(to_unicode);

    let system_info = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };
    let widths: Vec<f32> = font
        .remapper
        .remapped_gids()
        .map(|g| font.advance(g) * 1000.0 / font.units())
        .collect();
    let mut cid_font = pdf.cid_font(cid);
    cid_font
        .subtype(CidFontType::Type2)
        .base_font(Name(name.as_bytes()))
        .system_info(system_info)
        .font_descriptor(descriptor)
        .default_width(0.0)
        .cid_to_gid_map_predefined(Name(b"Identity"));
    cid_font.widths().consecutive(0, widths);
    cid_font.finish();

    let face = &font.face;
    let bbox = face.global_bounding_box();
    pdf.font_descriptor(descriptor)
        .name(Name(name.as_bytes()))
        .flags(FontFlags::SERIF | FontFlags::NON_SYMBOLIC)
        .bbox(Rect::new(
            font.scaled(bbox.x_min),
            font.scaled(bbox.y_min),
            font.scaled(bbox.x_max),
            font.scaled(bbox.y_max),
        ))
        .italic_angle(0.0)
        .ascent(font.scaled(face.ascender()))
        .descent(font.scaled(face.descender()))
        .cap_height(font.scaled(face.capital_height().unwrap_or(face.ascender())))
        .stem_v(80.0)
        .font_file2(file);

    let mut cmap = UnicodeCmap::new(Name(b"Priemna-UCS"), system_info);
    for (glyph, c) in &font.unicode {
        cmap.pair(*glyph, *c);
    }
    let cmap = cmap.finish();
    pdf.cmap(to_unicode, cmap.as_slice());

    let compressed = deflate(&subset);
    pdf.stream(file, &compressed)
        .filter(Filter::FlateDecode)
        .pair(
            Name(b"Length1"),
            i32::try_from(subset.len()).unwrap_or(i32::MAX),
        );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unit_stays_with_its_number_and_a_non_breaking_space_never_breaks() {
        assert_eq!(
            words("отговорено на 27.02.2026 г., в 10:00 ч. и 50 %"),
            [
                "отговорено",
                "на",
                "27.02.2026 г.,",
                "в",
                "10:00 ч.",
                "и",
                "50 %"
            ]
        );
        assert_eq!(words("12\u{a0}345 преписки"), ["12\u{a0}345", "преписки"]);
        let mut doc = Document::new().unwrap();
        let text = "Отчетът обобщава обратната връзка, получена през 2026 г. по всички канали.";
        // Whatever the width, no line starts with "г.".
        for width in (80..=400).step_by(7) {
            let lines = doc.wrap(Style::Regular, 10.5, text, width as f32);
            assert!(
                lines.iter().all(|l| !l.starts_with("г.")),
                "{width}: {lines:?}"
            );
            assert_eq!(lines.join(" "), text);
        }
    }
}
