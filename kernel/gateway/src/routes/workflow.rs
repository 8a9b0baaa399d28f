//! Workflow runs over HTTP:
//!
//! - `POST /v4/workflow/{name}` `{"params"?, "project"?, "session_id"?, "confirm"?}`
//!   checks the workflow, its parameters and the policy, records the run and
//!   answers `202 {"run_id","state","url"}`; the run goes on in the background
//!   (progress on `/v4/events`).
//! - `GET /v4/workflow/runs/{id}`: the run's state, cost and step log.
//! - `POST /v4/workflow/runs/{id}/confirm`: gives the confirmation a waiting run
//!   asks for, and lets it go on (202).
//!
//! - `POST /v4/workflow/runs/{id}/apply` · `/discard`: a transactional run's
//!   changes, waiting for review, applied to the checkout (the command's
//!   answer, with diffs and an undo id) or dropped.
//!
//! A token sees only the runs it started (an admin token sees all); only the
//! token that started a run confirms, applies or discards it.

use std::sync::Arc;

use axum::Extension;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ralex_orchestrator::{RunError, RunView, Who, WorkflowRequest};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::error::ApiError;
use crate::json::Body;
use crate::routes::voice::check_session;
use crate::state::AppState;
use crate::tokens::{Caller, Scope};
use crate::who::who;

/// The body of `POST /v4/workflow/{name}`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartBody {
    /// Parameters of the workflow (text values are converted to the declared types).
    #[serde(default)]
    #[schema(value_type = Object)]
    pub params: Map<String, Value>,
    /// The project's name; default: the first one served.
    #[serde(default)]
    pub project: Option<String>,
    /// The session its commands belong to (default `http`).
    #[serde(default)]
    pub session_id: Option<String>,
    /// Confirm up front: the run's confirmation steps pass.
    #[serde(default)]
    pub confirm: bool,
}

fn run_error(e: RunError) -> ApiError {
    match e {
        RunError::Workflow(ralex_workflow::WorkflowError::NotFound { .. })
        | RunError::UnknownRun(_) => ApiError::not_found(e.to_string()),
        RunError::Workflow(_) => ApiError::bad_request(e.to_string()),
        RunError::Denied(why) => ApiError::forbidden(why),
        RunError::Busy(_) | RunError::Finished { .. } | RunError::Review(_) => {
            ApiError::new(StatusCode::CONFLICT, "conflict", e.to_string())
        }
        RunError::Store(_) => ApiError::internal(e.to_string()),
    }
}

/// Drives run `id` in the background.
fn drive(state: &AppState, id: String, who: Who, confirm: bool) {
    let orchestrator = Arc::clone(&state.orchestrator);
    tokio::spawn(async move {
        if let Err(e) = orchestrator.drive_workflow(&id, &who, confirm).await {
            tracing::warn!(run = %id, error = %e, "the workflow run could not go on");
        }
    });
}

fn accepted(id: &str, state: &str) -> Response {
    (
        StatusCode::ACCEPTED,
        Json(json!({
            "run_id": id,
            "state": state,
            "url": format!("/v4/workflow/runs/{id}"),
        })),
    )
        .into_response()
}

/// Starts a workflow run.
#[utoipa::path(post, path = "/v4/workflow/{name}", tag = "workflows",
    params(("name" = String, Path, description = "The workflow")),
    request_body = StartBody,
    responses(
        (status = 202, description = "Started: `{run_id, state, url}`; follow it on /v4/events or the url", body = Object),
        (status = 400, description = "A broken workflow file or wrong parameters", body = crate::openapi::ErrorBody),
        (status = 401, description = "No or bad token", body = crate::openapi::ErrorBody),
        (status = 403, description = "Denied by policy", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such workflow or project", body = crate::openapi::ErrorBody),
        (status = 429, description = "Too many failed attempts", body = crate::openapi::ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn start(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(name): Path<String>,
    Body(body): Body<StartBody>,
) -> Result<Response, ApiError> {
    let session = body.session_id.clone().unwrap_or_else(|| "http".into());
    check_session(&session)?;
    let project = state
        .project(body.project.as_deref())
        .ok_or_else(|| ApiError::not_found("no such project is served here"))?;
    let request = WorkflowRequest {
        name,
        params: body.params,
        project: project.root.clone(),
        session_id: session,
        who: who(&caller),
        confirm: body.confirm,
    };
    let id = state
        .orchestrator
        .start_workflow(&request)
        .map_err(run_error)?;
    drive(&state, id.clone(), request.who, request.confirm);
    Ok(accepted(&id, "running"))
}

/// The run, if `caller` started it: only they confirm, apply or discard it
/// (the rest of a run goes on as the person who started it).
fn own(state: &AppState, caller: &Caller, id: &str) -> Result<RunView, ApiError> {
    let view = visible(state, caller, id)?;
    if view.run.actor != who(caller).actor {
        return Err(ApiError::forbidden(format!(
            "workflow run `{id}` was started by `{}`; only they can confirm, apply or discard it",
            view.run.actor
        )));
    }
    Ok(view)
}

/// The run, if `caller` may see it.
fn visible(state: &AppState, caller: &Caller, id: &str) -> Result<RunView, ApiError> {
    let view = state
        .orchestrator
        .workflow_run(id)
        .map_err(run_error)?
        .filter(|v| caller.scope == Scope::Admin || v.run.actor == who(caller).actor)
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "there is no workflow run `{id}` that this token started"
            ))
        })?;
    Ok(view)
}

/// A workflow run's state and step log.
#[utoipa::path(get, path = "/v4/workflow/runs/{id}", tag = "workflows",
    params(("id" = String, Path, description = "The run")),
    responses(
        (status = 200, description = "The run: state, message, cost_usd, params, steps (name, kind, state, attempts, output, summary, command_id)", body = Object),
        (status = 401, description = "No or bad token", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such run (or another token's)", body = crate::openapi::ErrorBody),
        (status = 429, description = "Too many failed attempts", body = crate::openapi::ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn run(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Json<RunView>, ApiError> {
    visible(&state, &caller, &id).map(Json)
}

/// Confirms what a waiting run asks for, and lets it go on.
#[utoipa::path(post, path = "/v4/workflow/runs/{id}/confirm", tag = "workflows",
    params(("id" = String, Path, description = "The run")),
    responses(
        (status = 202, description = "Going on: `{run_id, state, url}`", body = Object),
        (status = 401, description = "No or bad token", body = crate::openapi::ErrorBody),
        (status = 403, description = "Another token started this run", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such run (or another token's)", body = crate::openapi::ErrorBody),
        (status = 409, description = "The run does not wait for a confirmation", body = crate::openapi::ErrorBody),
        (status = 429, description = "Too many failed attempts", body = crate::openapi::ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn confirm(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let view = own(&state, &caller, &id)?;
    if view.run.state != "waiting" {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            format!(
                "workflow run `{id}` does not wait for a confirmation (it is {})",
                view.run.state
            ),
        ));
    }
    drive(&state, id.clone(), who(&caller), true);
    Ok(accepted(&id, "running"))
}

/// Applies the changes a transactional run waits with.
#[utoipa::path(post, path = "/v4/workflow/runs/{id}/apply", tag = "workflows",
    params(("id" = String, Path, description = "The run")),
    responses(
        (status = 200, description = "The apply's answer: changes with diffs, undo id", body = ralex_orchestrator::Answer),
        (status = 401, description = "No or bad token", body = crate::openapi::ErrorBody),
        (status = 403, description = "Denied by policy", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such run (or another token's)", body = crate::openapi::ErrorBody),
        (status = 409, description = "Nothing waits for review, or the checkout changed since the run began", body = crate::openapi::ErrorBody),
        (status = 429, description = "Too many failed attempts", body = crate::openapi::ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn apply(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    own(&state, &caller, &id)?;
    let answer = state
        .orchestrator
        .apply_run(&id, &who(&caller))
        .await
        .map_err(run_error)?;
    if answer.status != ralex_orchestrator::Status::Completed {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            answer.response,
        ));
    }
    Ok(Json(answer).into_response())
}

/// Drops the changes a transactional run waits with.
#[utoipa::path(post, path = "/v4/workflow/runs/{id}/discard", tag = "workflows",
    params(("id" = String, Path, description = "The run")),
    responses(
        (status = 200, description = "Discarded: `{run_id, review, message}`", body = Object),
        (status = 401, description = "No or bad token", body = crate::openapi::ErrorBody),
        (status = 403, description = "Another token started this run", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such run (or another token's)", body = crate::openapi::ErrorBody),
        (status = 409, description = "Nothing waits for review", body = crate::openapi::ErrorBody),
        (status = 429, description = "Too many failed attempts", body = crate::openapi::ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn discard(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    own(&state, &caller, &id)?;
    let message = state.orchestrator.discard_run(&id).map_err(run_error)?;
    Ok(Json(
        json!({"run_id": id, "review": "discarded", "message": message}),
    ))
}
