//! Letters and receipts as the browser gets them.

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// A PDF response, shown in the browser, never cached.
pub fn pdf_response(filename: &str, content: Vec<u8>) -> Response {
    let disposition = format!("inline; filename=\"{}\"", filename.replace('"', ""));
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        content,
    )
        .into_response()
}
