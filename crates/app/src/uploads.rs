//! Attachments, as every channel that takes files checks them (the portal, the clerk's desk,
//! the mailbox): what a file is, decided from its first bytes (never from its name or the
//! browser's word), how large it may be, what it is called when kept, and the metadata taken
//! out of photos before they are kept.
//!
//! Photos often carry where they were taken and by whom (Exif GPS, the owner's name, the
//! camera's serial number). [`strip_metadata`] removes those parts at the level of the file's
//! segments, chunks or boxes — nothing is decoded, the pixels are copied byte for byte — and the
//! original is not kept:
//!
//! - JPEG: APP1 (Exif, XMP), APP13 (IPTC, Photoshop) and COM segments, and anything after the
//!   end of the image;
//! - PNG: the `eXIf`, `tEXt`, `iTXt`, `zTXt` and `tIME` chunks, and anything after `IEND`;
//! - WebP: the `EXIF` and `XMP ` chunks (and their flags in `VP8X`), and anything after the
//!   RIFF container;
//! - HEIC: the items of type `Exif` and `mime` (XMP) listed in the `meta` box have their bytes
//!   overwritten with zeros where they lie (in `mdat` or `idat`), so that every offset in the
//!   file stays true and the image items are untouched.
//!
//! JPEG, PNG and WebP are read and written with the `img-parts` crate; a HEIC's boxes are read
//! here, no crate doing it well. A photo taken sideways says so in its Exif Orientation: a JPEG,
//! PNG or WebP whose Orientation turns or mirrors the image gets a new Exif holding that tag
//! alone, so that it still shows upright (a HEIC's orientation is in its `irot` and `imir`
//! boxes, which stay). PDFs are kept as they came: a document's metadata (its Info dictionary,
//! XMP streams, possibly compressed in object streams) cannot be removed safely without a full
//! PDF parser.

use img_parts::jpeg::{Jpeg, JpegSegment, markers};
use img_parts::png::{Png, PngChunk};
use img_parts::riff::{RiffChunk, RiffContent};
use img_parts::webp::{self, WebP};
use img_parts::{Bytes, ImageEXIF};
use priemna_store::NewAttachment;

/// At most this many files with one submission.
pub const MAX_FILES: usize = 5;
/// Each file at most 5 MiB.
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;
/// The largest submission form the server reads: every file at its largest, and the text.
pub const MAX_FORM_BYTES: usize = MAX_FILES * MAX_FILE_BYTES + 512 * 1024;
/// Stored names are cut to this many characters.
const MAX_NAME_CHARS: usize = 120;

/// The types accepted: (MIME type, what the reader calls it).
pub const ACCEPTED: &str = "JPEG, PNG, WebP, HEIC, PDF";
/// For the file input's `accept`: a hint to the browser; the server decides.
pub const ACCEPT_ATTRIBUTE: &str = ".jpg,.jpeg,.png,.webp,.heic,.heif,.pdf,image/jpeg,image/png,image/webp,image/heic,application/pdf";

/// Why a file is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FileProblem {
    #[error("the file is empty")]
    Empty,
    #[error("the file is larger than the limit")]
    TooLarge,
    #[error("the file is not of an accepted type")]
    NotAccepted,
    #[error("the file is damaged: it could not be read as a photo")]
    Damaged,
}

/// One file checked as every channel checks it: not empty, at most [`MAX_FILE_BYTES`], its
/// type from its first bytes ([`sniff`]), photos' metadata taken out ([`strip_metadata`]);
/// what is kept, under a clean name.
pub fn check_file(filename: &str, data: Vec<u8>) -> Result<NewAttachment, FileProblem> {
    if data.is_empty() {
        return Err(FileProblem::Empty);
    }
    if data.len() > MAX_FILE_BYTES {
        return Err(FileProblem::TooLarge);
    }
    let content_type = sniff(&data).ok_or(FileProblem::NotAccepted)?;
    let data = strip_metadata(content_type, data).map_err(|Damaged| FileProblem::Damaged)?;
    Ok(NewAttachment {
        filename: clean_name(filename, content_type),
        content_type: content_type.to_owned(),
        data,
    })
}

/// The type of a file from its magic bytes, if it is one we accept.
pub fn sniff(data: &[u8]) -> Option<&'static str> {
    if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some("image/jpeg");
    }
    if data.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        return Some("image/png");
    }
    if data.len() >= 12 && &data[0..4] == b"RIFF" && &data[8..12] == b"WEBP" {
        return Some("image/webp");
    }
    if data.len() >= 12 && &data[4..8] == b"ftyp" {
        let brand = &data[8..12];
        if [
            b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1",
        ]
        .iter()
        .any(|b| brand == *b)
        {
            return Some("image/heic");
        }
    }
    if data.starts_with(b"%PDF-") {
        return Some("application/pdf");
    }
    None
}

/// The extension a kept file gets, from its sniffed type.
pub fn extension(content_type: &str) -> &'static str {
    match content_type {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/webp" => "webp",
        "image/heic" => "heic",
        _ => "pdf",
    }
}

/// Characters that change how a name is shown rather than what it says: the bidirectional
/// embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069, which make
/// `photo\u{202E}gpj.html` read as `photolmth.jpg`), the marks, zero-width and invisible
/// characters (Unicode's format characters), and the byte-order mark.
fn is_format_char(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{070F}' | '\u{08E2}' | '\u{180E}'
        | '\u{0600}'..='\u{0605}'
        | '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}'
        | '\u{110BD}' | '\u{110CD}'
        | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// A file name safe to keep and to show: the last path component, no control or format
/// characters, not too long, and always the extension of the type its bytes showed (a PDF named
/// `x.html` is kept as `x.pdf`, an `.exe` that is a JPEG as `….jpg`); a stand-in when nothing is
/// left. With no type (`""`, for messages about a refused file), the name's own extension stays.
pub fn clean_name(name: &str, content_type: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| {
            !c.is_control()
                && !is_format_char(*c)
                && !matches!(c, '"' | '<' | '>' | '|' | '*' | '?' | ':')
        })
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    if content_type.is_empty() {
        let shown: String = cleaned.chars().take(MAX_NAME_CHARS).collect();
        return if shown.is_empty() {
            "file".into()
        } else {
            shown
        };
    }
    let ext = extension(content_type);
    // The stem: the name without its last extension (if any), whatever that claimed.
    let stem = match cleaned.rsplit_once('.') {
        Some((stem, _)) if !stem.trim().is_empty() => stem,
        _ => cleaned,
    };
    let stem: String = stem
        .trim()
        .trim_end_matches('.')
        .chars()
        .take(MAX_NAME_CHARS - ext.len() - 1)
        .collect();
    let stem = stem.trim();
    if stem.is_empty() {
        format!("file.{ext}")
    } else {
        format!("{stem}.{ext}")
    }
}

/// A photo whose structure could not be read, so its metadata could not be removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Damaged;

/// The file without its location and author metadata (see the module's notes); a PDF as it
/// came. `Err` when a photo's structure cannot be read: it is refused rather than kept with its
/// metadata.
pub fn strip_metadata(content_type: &str, data: Vec<u8>) -> Result<Vec<u8>, Damaged> {
    match content_type {
        "image/jpeg" => strip_jpeg(data),
        "image/png" => strip_png(data),
        "image/webp" => strip_webp(data),
        "image/heic" => strip_heic(data),
        _ => Ok(data),
    }
}

/// JPEG segments that carry metadata: APP1 (Exif, XMP), APP13 (IPTC, Photoshop), COM.
fn is_jpeg_metadata(marker: u8) -> bool {
    matches!(marker, markers::APP1 | markers::APP13 | markers::COM)
}

/// JPEG: img-parts reads the segments up to the first scan, whose segment holds the rest of the
/// file (the scans, the segments between them, EOI and whatever follows); that rest is walked by
/// [`strip_scans`], which img-parts does not do.
fn strip_jpeg(data: Vec<u8>) -> Result<Vec<u8>, Damaged> {
    let data = Bytes::from(data);
    let mut jpeg = Jpeg::from_bytes(data.clone()).map_err(|_| Damaged)?;
    let orientation = orientation(jpeg.exif());
    let segments = jpeg.segments_mut();
    segments.retain(|segment| !is_jpeg_metadata(segment.marker()));
    // The first scan's segment is the last one read; it holds the end of the file.
    if let Some(sos) = segments.last_mut().filter(|s| s.marker() == markers::SOS) {
        let start = data
            .len()
            .checked_sub(sos.len_with_entropy() - sos.len())
            .ok_or(Damaged)?;
        let rest = strip_scans(&data[start..])?;
        *sos = JpegSegment::new_with_entropy(markers::SOS, sos.contents().clone(), rest.into());
    }
    jpeg.set_exif(orientation.map(orientation_exif));
    Ok(jpeg.encoder().bytes().into())
}

/// What follows a JPEG's first scan header: the scan's entropy-coded data (up to the next
/// marker that is not a stuffed `FF 00` or a restart marker), then segments (marker, 2-byte
/// length including itself, payload), another scan after each SOS segment, up to EOI. The
/// metadata segments are left out, and so is everything after EOI; `Err` if EOI never comes.
fn strip_scans(rest: &[u8]) -> Result<Vec<u8>, Damaged> {
    let mut out = Vec::with_capacity(rest.len());
    let mut i = 0;
    loop {
        let scan = i;
        loop {
            match rest.get(i..i + 2).ok_or(Damaged)? {
                [0xFF, 0x00 | markers::RST0..=markers::RST7] => i += 2,
                [0xFF, _] => break,
                _ => i += 1,
            }
        }
        out.extend_from_slice(&rest[scan..i]);
        loop {
            if rest.get(i) != Some(&0xFF) {
                return Err(Damaged);
            }
            // Fill bytes (FF FF …) may precede a marker.
            while rest.get(i + 1) == Some(&0xFF) {
                i += 1;
            }
            let marker = *rest.get(i + 1).ok_or(Damaged)?;
            match marker {
                markers::EOI => {
                    out.extend_from_slice(&[0xFF, markers::EOI]);
                    return Ok(out);
                }
                // Markers without a length carry nothing; like img-parts, they are dropped.
                0x01 | markers::RST0..=markers::RST7 => {
                    i += 2;
                    continue;
                }
                0x00 | markers::SOI => return Err(Damaged),
                _ => {}
            }
            let len = rest.get(i + 2..i + 4).ok_or(Damaged)?;
            let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
            if len < 2 {
                return Err(Damaged);
            }
            let segment = rest.get(i..i + 2 + len).ok_or(Damaged)?;
            if !is_jpeg_metadata(marker) {
                out.extend_from_slice(segment);
            }
            i += segment.len();
            if marker == markers::SOS {
                break;
            }
        }
    }
}

/// PNG: the text, time and Exif chunks are left out, and anything after `IEND` (which
/// img-parts does not read). A file without `IEND` is cut short.
fn strip_png(data: Vec<u8>) -> Result<Vec<u8>, Damaged> {
    let mut image = Png::from_bytes(data.into()).map_err(|_| Damaged)?;
    if image.chunks().last().map(PngChunk::kind) != Some(*b"IEND") {
        return Err(Damaged);
    }
    let orientation = orientation(image.exif());
    image.chunks_mut().retain(|chunk| {
        !matches!(
            &chunk.kind(),
            b"eXIf" | b"tEXt" | b"iTXt" | b"zTXt" | b"tIME"
        )
    });
    image.set_exif(orientation.map(orientation_exif));
    Ok(image.encoder().bytes().into())
}

/// The `VP8X` flag of an `XMP ` chunk (img-parts keeps the flags of Exif and ICC in step).
const WEBP_XMP_FLAG: u8 = 0b0000_0100;

/// WebP: the `EXIF` and `XMP ` chunks are left out (img-parts writes the RIFF size anew and
/// drops anything after the container); `VP8X` goes where no chunk needs it any more.
fn strip_webp(data: Vec<u8>) -> Result<Vec<u8>, Damaged> {
    let mut image = WebP::from_bytes(data.into()).map_err(|_| Damaged)?;
    let orientation = orientation(image.exif());
    image.remove_chunks_by_id(webp::CHUNK_EXIF);
    image.remove_chunks_by_id(webp::CHUNK_XMP);
    // Sets the Exif and ICC flags from the chunks, and drops VP8X if only the image is left.
    image.set_exif(orientation.map(orientation_exif));
    if !image.has_chunk(webp::CHUNK_VP8X) && image.has_chunk(webp::CHUNK_EXIF) {
        // The canvas size could not be read to make a VP8X: no orientation then.
        image.set_exif(None);
    }
    let vp8x = image
        .chunks_mut()
        .iter_mut()
        .find(|chunk| chunk.id() == webp::CHUNK_VP8X);
    if let Some(RiffContent::Data(vp8x)) = vp8x.map(RiffChunk::content_mut) {
        let mut cleared = vp8x.to_vec();
        if let Some(flags) = cleared.first_mut() {
            *flags &= !WEBP_XMP_FLAG;
        }
        *vp8x = cleared.into();
    }
    Ok(image.encoder().bytes().into())
}

/// The Orientation in an Exif block (TIFF structure), if it turns or mirrors the image.
fn orientation(exif: Option<Bytes>) -> Option<u16> {
    let exif = exif::Reader::new().read_raw(exif?.into()).ok()?;
    let field = exif.get_field(exif::Tag::Orientation, exif::In::PRIMARY)?;
    let value = u16::try_from(field.value.get_uint(0)?).ok()?;
    (2..=8).contains(&value).then_some(value)
}

/// An Exif block holding nothing but `orientation`: a big-endian TIFF header whose first
/// directory is at offset 8, that directory's one entry (tag 0x0112 Orientation, type 3 SHORT,
/// count 1, the value padded to 4 bytes), and no next directory.
fn orientation_exif(orientation: u16) -> Bytes {
    let [high, low] = orientation.to_be_bytes();
    #[rustfmt::skip]
    let exif = vec![
        b'M', b'M', 0, 42, 0, 0, 0, 8,
        0, 1,
        0x01, 0x12, 0, 3, 0, 0, 0, 1, high, low, 0, 0,
        0, 0, 0, 0,
    ];
    exif.into()
}

/// A size as people read it: 1.2 MB, 350 KB.
pub fn human_size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

/// One box of an ISO base media file: its type, and where its payload lies in the data.
struct IsoBox {
    kind: [u8; 4],
    payload: std::ops::Range<usize>,
}

/// The boxes in `data[range]`, one after another.
fn iso_boxes(data: &[u8], range: std::ops::Range<usize>) -> Result<Vec<IsoBox>, Damaged> {
    let mut boxes = Vec::new();
    let mut i = range.start;
    while i < range.end {
        let header = data.get(i..i + 8).ok_or(Damaged)?;
        let size = u64::from(u32::from_be_bytes([
            header[0], header[1], header[2], header[3],
        ]));
        let kind = [header[4], header[5], header[6], header[7]];
        let (size, header_len) = match size {
            0 => (u64::try_from(range.end - i).map_err(|_| Damaged)?, 8),
            1 => {
                let large = data.get(i + 8..i + 16).ok_or(Damaged)?;
                let mut bytes = [0u8; 8];
                bytes.copy_from_slice(large);
                (u64::from_be_bytes(bytes), 16)
            }
            n => (n, 8),
        };
        let size = usize::try_from(size).map_err(|_| Damaged)?;
        let end = i
            .checked_add(size)
            .filter(|e| *e <= range.end)
            .ok_or(Damaged)?;
        if size < header_len {
            return Err(Damaged);
        }
        boxes.push(IsoBox {
            kind,
            payload: i + header_len..end,
        });
        i = end;
    }
    Ok(boxes)
}

/// Reads big-endian unsigned integers of up to 8 bytes from a box's payload.
struct Reader<'a> {
    data: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn uint(&mut self, bytes: usize) -> Result<u64, Damaged> {
        if bytes > 8 {
            return Err(Damaged);
        }
        let slice = self.data.get(self.at..self.at + bytes).ok_or(Damaged)?;
        self.at += bytes;
        Ok(slice.iter().fold(0u64, |n, b| (n << 8) | u64::from(*b)))
    }
}

/// HEIC: the `meta` box lists the items (`iinf`) and where their bytes lie (`iloc`); the bytes
/// of the Exif and XMP items are zeroed in place.
fn strip_heic(mut data: Vec<u8>) -> Result<Vec<u8>, Damaged> {
    let top = iso_boxes(&data, 0..data.len())?;
    let meta = top.iter().find(|b| &b.kind == b"meta").ok_or(Damaged)?;
    // `meta` is a full box: version and flags first.
    let children = iso_boxes(&data, meta.payload.start + 4..meta.payload.end)?;
    let metadata_items = heic_metadata_items(&data, &children)?;
    if metadata_items.is_empty() {
        return Ok(data);
    }
    let idat = children
        .iter()
        .find(|b| &b.kind == b"idat")
        .map(|b| b.payload.clone());
    let iloc = children
        .iter()
        .find(|b| &b.kind == b"iloc")
        .ok_or(Damaged)?;
    let mut erase = Vec::new();
    let mut r = Reader {
        data: &data[..iloc.payload.end],
        at: iloc.payload.start,
    };
    let version = r.uint(1)?;
    r.uint(3)?;
    let sizes = r.uint(1)?;
    let (offset_size, length_size) = ((sizes >> 4) as usize, (sizes & 0x0F) as usize);
    let sizes = r.uint(1)?;
    let base_offset_size = (sizes >> 4) as usize;
    let index_size = if version == 1 || version == 2 {
        (sizes & 0x0F) as usize
    } else {
        0
    };
    let item_count = r.uint(if version < 2 { 2 } else { 4 })?;
    for _ in 0..item_count {
        let id = r.uint(if version < 2 { 2 } else { 4 })?;
        let method = if version == 1 || version == 2 {
            r.uint(2)? & 0x0F
        } else {
            0
        };
        r.uint(2)?; // data_reference_index
        let base = r.uint(base_offset_size)?;
        let extents = r.uint(2)?;
        for _ in 0..extents {
            r.uint(index_size)?;
            let offset = r.uint(offset_size)?;
            let length = r.uint(length_size)?;
            if !metadata_items.contains(&id) {
                continue;
            }
            // Length 0 means "to the end": never the case for metadata we can erase safely.
            let start =
                usize::try_from(base.checked_add(offset).ok_or(Damaged)?).map_err(|_| Damaged)?;
            let length = usize::try_from(length).map_err(|_| Damaged)?;
            if length == 0 {
                return Err(Damaged);
            }
            let absolute = match method {
                0 => start,
                1 => idat
                    .clone()
                    .ok_or(Damaged)?
                    .start
                    .checked_add(start)
                    .ok_or(Damaged)?,
                _ => return Err(Damaged),
            };
            let end = absolute.checked_add(length).ok_or(Damaged)?;
            if method == 1 && idat.as_ref().is_none_or(|i| end > i.end) {
                return Err(Damaged);
            }
            erase.push(absolute..end);
        }
    }
    for range in erase {
        data.get_mut(range).ok_or(Damaged)?.fill(0);
    }
    Ok(data)
}

/// The ids of the items of type `Exif` or `mime` (XMP) in the `iinf` box.
fn heic_metadata_items(data: &[u8], children: &[IsoBox]) -> Result<Vec<u64>, Damaged> {
    let Some(iinf) = children.iter().find(|b| &b.kind == b"iinf") else {
        return Ok(Vec::new());
    };
    let mut r = Reader {
        data: &data[..iinf.payload.end],
        at: iinf.payload.start,
    };
    let version = r.uint(1)?;
    r.uint(3)?;
    r.uint(if version == 0 { 2 } else { 4 })?; // entry_count
    let mut items = Vec::new();
    for infe in iso_boxes(data, r.at..iinf.payload.end)? {
        if &infe.kind != b"infe" {
            continue;
        }
        let mut e = Reader {
            data: &data[..infe.payload.end],
            at: infe.payload.start,
        };
        let version = e.uint(1)?;
        e.uint(3)?;
        if version < 2 {
            // Old entries name no item type; nothing to find.
            continue;
        }
        let id = e.uint(if version == 2 { 2 } else { 4 })?;
        e.uint(2)?; // item_protection_index
        let kind = data.get(e.at..e.at + 4).ok_or(Damaged)?;
        if kind == b"Exif" || kind == b"mime" {
            items.push(id);
        }
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_bytes() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0\0\x10JFIF"), Some("image/jpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some("image/png"));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff(b"\0\0\0\x18ftypheic\0\0\0\0"), Some("image/heic"));
        assert_eq!(sniff(b"%PDF-1.7\n"), Some("application/pdf"));
        assert_eq!(sniff(b"MZ\x90\0 an executable"), None);
        assert_eq!(sniff(b"<html><script>"), None);
        assert_eq!(sniff(b"GIF89a"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn names_are_cleaned() {
        assert_eq!(
            clean_name("C:\\Users\\me\\снимка 1.jpg", "image/jpeg"),
            "снимка 1.jpg"
        );
        assert_eq!(
            clean_name("../../etc/passwd", "application/pdf"),
            "passwd.pdf"
        );
        assert_eq!(clean_name("a\u{0}b\"<x>.pdf", "application/pdf"), "abx.pdf");
        assert_eq!(clean_name("", "image/png"), "file.png");
        assert_eq!(clean_name(".htaccess", "image/png"), "htaccess.png");
        assert_eq!(human_size(2048), "2 KB");
        assert_eq!(human_size(3 * 1024 * 1024), "3.0 MB");
    }

    const GPS_JPEG: &[u8] = include_bytes!("../../web/tests/attack/photos/gps.jpg");
    const CLEAN_JPEG: &[u8] = include_bytes!("../../web/tests/attack/photos/clean.jpg");
    const SIDEWAYS_JPEG: &[u8] = include_bytes!("../../web/tests/attack/photos/sideways.jpg");
    const GPS_PNG: &[u8] = include_bytes!("../../web/tests/attack/photos/gps.png");
    const CLEAN_PNG: &[u8] = include_bytes!("../../web/tests/attack/photos/clean.png");
    const GPS_WEBP: &[u8] = include_bytes!("../../web/tests/attack/photos/gps.webp");
    const CLEAN_WEBP: &[u8] = include_bytes!("../../web/tests/attack/photos/clean.webp");
    const SIDEWAYS_WEBP: &[u8] = include_bytes!("../../web/tests/attack/photos/sideways.webp");
    const GPS_HEIC: &[u8] = include_bytes!("../../web/tests/attack/photos/gps.heic");
    const CLEAN_HEIC: &[u8] = include_bytes!("../../web/tests/attack/photos/clean.heic");

    /// What the fixtures' metadata says (see `make.py`), in any of its forms.
    const PERSONAL: [&[u8]; 9] = [
        b"Ivan Petrov",
        b"Haskovo",
        b"SN-4815162342",
        b"2026:03:01",
        b"Priemna Test Camera",
        b"GPS",
        b"xmpmeta",
        b"Photoshop",
        b"<html",
    ];

    fn contains(data: &[u8], needle: &[u8]) -> bool {
        data.windows(needle.len()).any(|w| w == needle)
    }

    /// The Exif a real reader (kamadak-exif) finds in a JPEG, PNG, WebP or HEIC file.
    fn read_exif(data: &[u8]) -> Option<exif::Exif> {
        exif::Reader::new()
            .read_from_container(&mut std::io::Cursor::new(data))
            .ok()
    }

    #[test]
    fn real_photos_lose_their_location_and_author_and_nothing_else() {
        for (kind, with, without) in [
            ("image/jpeg", GPS_JPEG, CLEAN_JPEG),
            ("image/png", GPS_PNG, CLEAN_PNG),
            ("image/webp", GPS_WEBP, CLEAN_WEBP),
            ("image/heic", GPS_HEIC, CLEAN_HEIC),
        ] {
            let found = read_exif(with).unwrap();
            assert!(
                found
                    .get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY)
                    .is_some()
                    && found
                        .get_field(exif::Tag::Artist, exif::In::PRIMARY)
                        .is_some(),
                "{kind}: the fixture has metadata"
            );
            assert!(contains(with, b"xmpmeta"), "{kind}: the fixture has XMP");
            let stripped = strip_metadata(kind, with.to_vec()).unwrap();
            // Exactly the photo without its metadata: a valid image of the same type.
            assert_eq!(stripped, without, "{kind}");
            assert_eq!(sniff(&stripped), Some(kind));
            assert!(read_exif(&stripped).is_none(), "{kind}: Exif left");
            for needle in PERSONAL.iter().chain([&&b"II*\0"[..], &&b"MM\0*"[..]]) {
                assert!(!contains(&stripped, needle), "{kind}: {needle:?} left");
            }
            // A clean photo comes back as it was.
            assert_eq!(strip_metadata(kind, without.to_vec()).unwrap(), without);
        }
        // A HEIC keeps its length and every byte but the metadata items' (offsets stay true).
        let heic = strip_metadata("image/heic", GPS_HEIC.to_vec()).unwrap();
        assert_eq!(heic.len(), GPS_HEIC.len());
        // PDFs are kept as they came.
        let pdf = b"%PDF-1.4\n%Author Ivan Petrov\n".to_vec();
        assert_eq!(strip_metadata("application/pdf", pdf.clone()).unwrap(), pdf);
    }

    /// The segments or chunks that make the picture, as they are written: all but the
    /// metadata, JPEG's new Exif and WebP's `VP8X` header.
    fn picture(kind: &str, data: &[u8]) -> Vec<Bytes> {
        let data = Bytes::copy_from_slice(data);
        match kind {
            "image/jpeg" => Jpeg::from_bytes(data)
                .unwrap()
                .segments()
                .iter()
                .filter(|s| !is_jpeg_metadata(s.marker()))
                .map(|s| s.clone().encoder().bytes())
                .collect(),
            _ => WebP::from_bytes(data)
                .unwrap()
                .chunks()
                .iter()
                .filter(|c| ![*b"VP8X", *b"EXIF", *b"XMP "].contains(&c.id()))
                .map(|c| c.clone().encoder().bytes())
                .collect(),
        }
    }

    #[test]
    fn a_photo_taken_sideways_keeps_its_orientation_and_nothing_else() {
        for (kind, sideways) in [("image/jpeg", SIDEWAYS_JPEG), ("image/webp", SIDEWAYS_WEBP)] {
            let found = read_exif(sideways).unwrap();
            let orientation = |exif: &exif::Exif| {
                exif.get_field(exif::Tag::Orientation, exif::In::PRIMARY)
                    .and_then(|f| f.value.get_uint(0))
            };
            assert_eq!(orientation(&found), Some(6), "{kind}");
            assert!(found.fields().any(|f| f.tag == exif::Tag::GPSLongitude));
            assert!(found.fields().any(|f| f.tag == exif::Tag::Artist));

            let stripped = strip_metadata(kind, sideways.to_vec()).unwrap();
            let kept = read_exif(&stripped).unwrap();
            assert_eq!(orientation(&kept), Some(6), "{kind}");
            // Orientation is the only field: no GPS, artist, camera, serial number or date.
            let tags: Vec<_> = kept.fields().map(|f| f.tag).collect();
            assert_eq!(tags, [exif::Tag::Orientation], "{kind}");
            for needle in PERSONAL {
                assert!(!contains(&stripped, needle), "{kind}: {needle:?} left");
            }
            // The picture's own segments or chunks are those of the original; a JPEG's last
            // (the first scan, holding the rest of the file) ends at EOI, before the trailer.
            let (before, after) = (picture(kind, sideways), picture(kind, &stripped));
            assert_eq!(before.len(), after.len(), "{kind}");
            let last = before.len() - 1;
            assert_eq!(before[..last], after[..last], "{kind}");
            assert!(before[last].starts_with(&after[last]), "{kind}");
            if kind == "image/jpeg" {
                assert!(after[last].ends_with(&[0xFF, 0xD9]) && stripped.ends_with(&[0xFF, 0xD9]));
            } else {
                assert_eq!(before[last], after[last]);
                // VP8X says there is Exif, and no more XMP.
                let vp8x = WebP::from_bytes(stripped.clone().into()).unwrap();
                let flags = vp8x
                    .chunk_by_id(*b"VP8X")
                    .unwrap()
                    .content()
                    .data()
                    .unwrap()[0];
                assert_eq!(flags & 0b0000_1100, 0b0000_1000);
            }
            assert_eq!(strip_metadata(kind, stripped.clone()).unwrap(), stripped);
        }
    }

    #[test]
    fn the_new_exif_holds_the_orientation_alone() {
        for value in 2..=8 {
            let exif = orientation_exif(value);
            assert_eq!(exif.len(), 26);
            assert_eq!(orientation(Some(exif)), Some(value));
        }
        // Upright, or not an orientation: no Exif at all.
        assert_eq!(orientation(Some(orientation_exif(1))), None);
        assert_eq!(orientation(Some(orientation_exif(9))), None);
        assert_eq!(orientation(Some(Bytes::from_static(b"MM\0*garbage"))), None);
        assert_eq!(orientation(None), None);
    }

    #[test]
    fn malformed_photos_are_refused_rather_than_kept_with_their_metadata() {
        let mut bad_crc = CLEAN_PNG.to_vec();
        bad_crc[8 + 8 + 13] ^= 1;
        for (kind, data) in [
            ("image/jpeg", &GPS_JPEG[..GPS_JPEG.len() / 2]),
            ("image/jpeg", &SIDEWAYS_JPEG[..SIDEWAYS_JPEG.len() * 3 / 4]),
            ("image/jpeg", &CLEAN_JPEG[..CLEAN_JPEG.len() - 2]),
            ("image/jpeg", &b"\xFF\xD8\xFF\xE1\x00"[..]),
            ("image/png", &GPS_PNG[..40]),
            // Cut where a chunk ends, before IEND.
            ("image/png", &CLEAN_PNG[..CLEAN_PNG.len() - 12]),
            ("image/png", &bad_crc[..]),
            ("image/webp", &GPS_WEBP[..30]),
            ("image/webp", &b"RIFF\xFF\xFF\xFF\xFFWEBPVP8 "[..]),
            ("image/heic", &GPS_HEIC[..200]),
            ("image/heic", &b"\0\0\0\x18ftypheic\0\0\0\0mif1heic"[..]),
        ] {
            assert_eq!(strip_metadata(kind, data.to_vec()), Err(Damaged), "{kind}");
        }
    }

    #[test]
    fn stored_names_take_the_extension_of_their_bytes_and_lose_format_characters() {
        assert_eq!(
            clean_name("photo\u{202E}gpj.html", "image/jpeg"),
            "photogpj.jpg"
        );
        assert_eq!(
            clean_name(
                "../../../etc/<img src=x onerror=alert(1)>.html",
                "application/pdf"
            ),
            "img src=x onerror=alert(1).pdf"
        );
        assert_eq!(clean_name("setup.exe", "image/png"), "setup.png");
        assert_eq!(
            clean_name("a\u{2066}b\u{2069}c\u{200B}.webp", "image/webp"),
            "abc.webp"
        );
        assert_eq!(clean_name("snap.JPEG", "image/jpeg"), "snap.jpg");
        assert_eq!(
            clean_name("\u{202E}\u{2067}", "application/pdf"),
            "file.pdf"
        );
        assert_eq!(
            clean_name("report.tar.gz", "application/pdf"),
            "report.tar.pdf"
        );
        let long = format!("{}.jpg", "я".repeat(300));
        let kept = clean_name(&long, "image/jpeg");
        assert!(kept.ends_with(".jpg") && kept.chars().count() <= MAX_NAME_CHARS);
    }

    mod properties {
        use super::super::*;
        use super::{GPS_HEIC, GPS_PNG, SIDEWAYS_JPEG, SIDEWAYS_WEBP};
        use proptest::prelude::*;

        /// Bytes without 0xFF (so that a segment's payload cannot be mistaken for anything).
        fn payload(max: usize) -> impl Strategy<Value = Vec<u8>> {
            proptest::collection::vec(0u8..0xFF, 0..max)
        }

        /// Entropy-coded data: any bytes, each 0xFF stuffed or a restart marker.
        fn scan() -> impl Strategy<Value = Vec<u8>> {
            proptest::collection::vec(
                prop_oneof![
                    (0u8..0xFF).prop_map(|b| vec![b]),
                    Just(vec![0xFF, 0x00]),
                    (0xD0u8..=0xD7).prop_map(|m| vec![0xFF, m]),
                ],
                0..64,
            )
            .prop_map(|parts| parts.concat())
        }

        fn segment(marker: u8, data: &[u8]) -> Vec<u8> {
            let len = u16::try_from(data.len() + 2).unwrap();
            [&[0xFF, marker][..], &len.to_be_bytes(), data].concat()
        }

        /// A chunk with its CRC (which img-parts checks).
        fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
            PngChunk::new(*kind, Bytes::copy_from_slice(data))
                .encoder()
                .bytes()
                .into()
        }

        fn webp_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
            let len = u32::try_from(data.len()).unwrap();
            let pad: &[u8] = if data.len() % 2 == 1 { &[0] } else { &[] };
            [kind, &len.to_le_bytes()[..], data, pad].concat()
        }

        proptest! {
            #[test]
            fn a_jpeg_keeps_every_segment_and_scan_but_its_metadata(
                segments in proptest::collection::vec(
                    (prop_oneof![Just(0xE0u8), Just(0xE1), Just(0xE2), Just(0xED), Just(0xEE),
                                 Just(0xFE), Just(0xDB), Just(0xC4), Just(0xC0)], payload(40)),
                    0..8),
                scans in proptest::collection::vec((payload(12), scan(), proptest::collection::vec(
                    (prop_oneof![Just(0xE1u8), Just(0xFE), Just(0xC4)], payload(20)), 0..3)), 1..4),
                trailer in proptest::collection::vec(any::<u8>(), 0..20),
            ) {
                let mut input = vec![0xFF, 0xD8];
                let mut expected = vec![0xFF, 0xD8];
                let metadata = |m: u8| matches!(m, 0xE1 | 0xED | 0xFE);
                for (marker, data) in &segments {
                    let seg = segment(*marker, data);
                    input.extend_from_slice(&seg);
                    if !metadata(*marker) { expected.extend_from_slice(&seg); }
                }
                // Progressive images: several scans, with tables (or stray metadata) between.
                for (header, data, between) in &scans {
                    let sos = [segment(0xDA, header), data.clone()].concat();
                    input.extend_from_slice(&sos);
                    expected.extend_from_slice(&sos);
                    for (marker, payload) in between {
                        let seg = segment(*marker, payload);
                        input.extend_from_slice(&seg);
                        if !metadata(*marker) { expected.extend_from_slice(&seg); }
                    }
                }
                input.extend_from_slice(&[0xFF, 0xD9]);
                expected.extend_from_slice(&[0xFF, 0xD9]);
                input.extend_from_slice(&trailer);
                let stripped = strip_metadata("image/jpeg", input).unwrap();
                prop_assert_eq!(&stripped, &expected);
                prop_assert_eq!(sniff(&stripped).unwrap_or("image/jpeg"), "image/jpeg");
                prop_assert_eq!(strip_metadata("image/jpeg", stripped.clone()).unwrap(), stripped);
            }

            #[test]
            fn a_png_keeps_every_chunk_but_its_text_time_and_exif(
                chunks in proptest::collection::vec(
                    (prop_oneof![Just(*b"PLTE"), Just(*b"IDAT"), Just(*b"eXIf"), Just(*b"tEXt"),
                                 Just(*b"iTXt"), Just(*b"zTXt"), Just(*b"tIME"), Just(*b"iCCP")],
                     proptest::collection::vec(any::<u8>(), 0..40)),
                    0..10),
                trailer in proptest::collection::vec(any::<u8>(), 0..20),
            ) {
                let signature = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
                let ihdr = png_chunk(b"IHDR", &[0; 13]);
                let mut input = [&signature[..], &ihdr].concat();
                let mut expected = input.clone();
                for (kind, data) in &chunks {
                    let chunk = png_chunk(kind, data);
                    input.extend_from_slice(&chunk);
                    if !matches!(kind, b"eXIf" | b"tEXt" | b"iTXt" | b"zTXt" | b"tIME") {
                        expected.extend_from_slice(&chunk);
                    }
                }
                let iend = png_chunk(b"IEND", &[]);
                input.extend_from_slice(&iend);
                expected.extend_from_slice(&iend);
                input.extend_from_slice(&trailer);
                let stripped = strip_metadata("image/png", input).unwrap();
                prop_assert_eq!(&stripped, &expected);
                prop_assert_eq!(sniff(&stripped), Some("image/png"));
            }

            #[test]
            fn a_webp_keeps_every_chunk_but_exif_and_xmp(
                flags in any::<u8>(),
                chunks in proptest::collection::vec(
                    (prop_oneof![Just(*b"ALPH"), Just(*b"VP8 "), Just(*b"EXIF"), Just(*b"XMP "),
                                 Just(*b"ICCP"), Just(*b"ANMF")],
                     proptest::collection::vec(any::<u8>(), 0..41)),
                    0..8),
                trailer in proptest::collection::vec(any::<u8>(), 0..20),
            ) {
                let mut vp8x = [0u8; 10];
                vp8x[0] = flags;
                let mut body = webp_chunk(b"VP8X", &vp8x);
                let mut kept = Vec::new();
                for (kind, data) in &chunks {
                    let chunk = webp_chunk(kind, data);
                    body.extend_from_slice(&chunk);
                    if !matches!(kind, b"EXIF" | b"XMP ") {
                        kept.push((kind, chunk));
                    }
                }
                // VP8X stays while a chunk other than the image needs it, its Exif and XMP
                // flags cleared and its ICC flag saying whether there is an ICC profile.
                let mut expected_body = Vec::new();
                if kept.iter().any(|(kind, _)| *kind != b"VP8 ") {
                    let icc = if kept.iter().any(|(kind, _)| *kind == b"ICCP") { 0b0010_0000 } else { 0 };
                    vp8x[0] = (flags & !0b0010_1100) | icc;
                    expected_body = webp_chunk(b"VP8X", &vp8x);
                }
                for (_, chunk) in &kept {
                    expected_body.extend_from_slice(chunk);
                }
                let riff = |body: &[u8]| {
                    let size = u32::try_from(body.len() + 4).unwrap();
                    [&b"RIFF"[..], &size.to_le_bytes(), b"WEBP", body].concat()
                };
                let input = [riff(&body), trailer].concat();
                let stripped = strip_metadata("image/webp", input).unwrap();
                prop_assert_eq!(&stripped, &riff(&expected_body));
                prop_assert_eq!(sniff(&stripped), Some("image/webp"));
            }

            #[test]
            fn no_file_makes_the_stripping_panic(
                kind in prop_oneof![Just("image/jpeg"), Just("image/png"), Just("image/webp"),
                                    Just("image/heic")],
                cut in 0usize..4096,
                flips in proptest::collection::vec((0usize..4096, any::<u8>()), 0..4),
            ) {
                let photo = match kind {
                    "image/jpeg" => SIDEWAYS_JPEG,
                    "image/png" => GPS_PNG,
                    "image/webp" => SIDEWAYS_WEBP,
                    _ => GPS_HEIC,
                };
                let mut data = photo[..cut.min(photo.len())].to_vec();
                for (at, byte) in flips {
                    if let Some(b) = data.get_mut(at) { *b ^= byte; }
                }
                // Refused or stripped, never a panic.
                let _ = strip_metadata(kind, data);
            }
        }
    }
}
