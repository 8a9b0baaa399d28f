//! `GET /health`: the only route without a token.

use axum::Json;
use serde_json::{Value, json};

/// `{"status":"ok","version":…}`.
#[utoipa::path(get, path = "/health", tag = "kernel",
    responses((status = 200, description = "The kernel is up", body = crate::openapi::Health)))]
pub async fn health() -> Json<Value> {
    Json(json!({"status": "ok", "version": env!("CARGO_PKG_VERSION")}))
}
