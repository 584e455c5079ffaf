//! Server-rendered HTML pages (back office). PLACEHOLDER — being written.

use crate::AppState;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new()
}
