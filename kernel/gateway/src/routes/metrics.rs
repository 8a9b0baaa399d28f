//! `GET /metrics`: Prometheus text exposition.

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;

use crate::error::ApiError;
use crate::metrics::ModelTotals;
use crate::state::AppState;

/// The metrics.
#[utoipa::path(get, path = "/metrics", tag = "kernel",
    responses(
        (status = 200, description = "Prometheus text exposition", body = String, content_type = "text/plain"),
        (status = 401, description = "No or bad token", body = crate::openapi::ErrorBody),
        (status = 429, description = "Too many failed attempts", body = crate::openapi::ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn metrics(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let totals = state
        .store
        .ledger_totals(None)
        .map_err(|e| ApiError::internal(format!("cannot read the ledger: {e}")))?;
    let model = ModelTotals {
        requests: totals.requests,
        input_tokens: totals.input_tokens,
        output_tokens: totals.output_tokens,
        cost_usd: totals.cost_nusd as f64 / 1e9,
    };
    Ok((
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        state.metrics.render(&model),
    ))
}
