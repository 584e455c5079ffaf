//! Attachments: what a file is, decided from its first bytes (never from its name or the
//! browser's word), and how large it may be.

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

/// A file name safe to keep and to show: the last path component, no control characters, not
/// too long; a stand-in when nothing is left.
pub fn clean_name(name: &str, content_type: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | '|' | '*' | '?' | ':'))
        .take(MAX_NAME_CHARS)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_owned();
    if cleaned.is_empty() {
        let ext = match content_type {
            "image/jpeg" => "jpg",
            "image/png" => "png",
            "image/webp" => "webp",
            "image/heic" => "heic",
            _ => "pdf",
        };
        format!("file.{ext}")
    } else {
        cleaned
    }
}

/// A size as people read it: 1.2 MB, 350 KB.
pub fn human_size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
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
        assert_eq!(clean_name("../../etc/passwd", "application/pdf"), "passwd");
        assert_eq!(clean_name("a\u{0}b\"<x>.pdf", "application/pdf"), "abx.pdf");
        assert_eq!(clean_name("", "image/png"), "file.png");
        assert_eq!(clean_name(".htaccess", "image/png"), "htaccess");
        assert_eq!(human_size(2048), "2 KB");
        assert_eq!(human_size(3 * 1024 * 1024), "3.0 MB");
    }
}
