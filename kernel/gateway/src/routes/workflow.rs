//! `POST /v4/workflow/{name}` and `GET /v4/workflow/runs/{id}`: workflows are not
//! built yet, and these routes say so (501) instead of pretending.

use axum::extract::Path;

use crate::error::ApiError;

const NOT_YET: &str = "workflows are not available in this version of Ralex; run the steps as separate commands for now";

/// Starting a workflow run.
#[utoipa::path(post, path = "/v4/workflow/{name}", tag = "workflows",
    params(("name" = String, Path, description = "The workflow")),
    responses(
        (status = 401, description = "No or bad token", body = crate::openapi::ErrorBody),
        (status = 429, description = "Too many failed attempts", body = crate::openapi::ErrorBody),
        (status = 501, description = "Workflows are not available yet", body = crate::openapi::ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn start(Path(name): Path<String>) -> ApiError {
    ApiError::not_implemented(format!("cannot start workflow `{name}`: {NOT_YET}"))
}

/// A workflow run's state.
#[utoipa::path(get, path = "/v4/workflow/runs/{id}", tag = "workflows",
    params(("id" = String, Path, description = "The run")),
    responses(
        (status = 401, description = "No or bad token", body = crate::openapi::ErrorBody),
        (status = 429, description = "Too many failed attempts", body = crate::openapi::ErrorBody),
        (status = 501, description = "Workflows are not available yet", body = crate::openapi::ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn run(Path(id): Path<String>) -> ApiError {
    ApiError::not_implemented(format!("there is no workflow run `{id}`: {NOT_YET}"))
}
