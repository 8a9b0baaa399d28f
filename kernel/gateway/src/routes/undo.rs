//! `POST /v4/undo`: `{"undo_id"}` or `{"session_id"}` (the session's latest
//! change), optionally with `project`.

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ralex_orchestrator::{CommandRequest, Confirm, Status, UndoRequest};
use serde::Deserialize;

use crate::error::ApiError;
use crate::json::Body;
use crate::routes::voice::check_session;
use crate::state::AppState;
use crate::tokens::Caller;
use crate::who::who;

/// The request body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Undo {
    /// The undo id of a command.
    #[serde(default)]
    pub undo_id: Option<String>,
    /// Undo the latest change of this session.
    #[serde(default)]
    pub session_id: Option<String>,
    /// The project's name; default: the first one served.
    #[serde(default)]
    pub project: Option<String>,
}

/// Undoes one command.
#[utoipa::path(post, path = "/v4/undo", tag = "commands", request_body = crate::openapi::UndoBody,
    responses(
        (status = 200, description = "The undo's answer", body = ralex_orchestrator::Answer),
        (status = 400, description = "Bad input", body = crate::openapi::ErrorBody),
        (status = 401, description = "No or bad token", body = crate::openapi::ErrorBody),
        (status = 403, description = "Denied by policy: the answer with an `error`", body = crate::openapi::DeniedAnswer),
        (status = 404, description = "No such undo id or project", body = crate::openapi::ErrorBody),
        (status = 409, description = "Already undone, or the files changed since: the answer with an `error`", body = crate::openapi::DeniedAnswer),
        (status = 413, description = "Too large", body = crate::openapi::ErrorBody),
        (status = 415, description = "Not JSON", body = crate::openapi::ErrorBody),
        (status = 429, description = "Too many failed attempts", body = crate::openapi::ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn undo(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Body(body): Body<Undo>,
) -> Result<Response, ApiError> {
    match (&body.undo_id, &body.session_id) {
        (Some(_), Some(_)) | (None, None) => {
            return Err(ApiError::bad_request(
                "send exactly one of `undo_id` (a command's undo id) or `session_id` (its latest change)",
            ));
        }
        (None, Some(session)) => check_session(session)?,
        _ => {}
    }
    let project = state
        .project(body.project.as_deref())
        .ok_or_else(|| ApiError::not_found("no such project is served here"))?;
    let request = UndoRequest {
        undo_id: body.undo_id.clone(),
        session_id: body.session_id.clone(),
        base: CommandRequest {
            transcript: "undo".into(),
            project: project.root.clone(),
            session_id: body.session_id.clone().unwrap_or_else(|| "http".into()),
            dry_run: false,
            confirm: Confirm::No,
            who: who(&caller),
        },
    };
    let answer = state
        .orchestrator
        .undo(&request)
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?;
    let mut value = serde_json::to_value(&answer)
        .map_err(|e| ApiError::internal(format!("cannot serialise the answer: {e}")))?;
    let status = match answer.status {
        Status::Denied => StatusCode::FORBIDDEN,
        Status::Failed
            if answer
                .response
                .starts_with("There is no change with the undo id") =>
        {
            StatusCode::NOT_FOUND
        }
        Status::Failed
            if answer.response.contains("already undone")
                || answer.response.starts_with("I could not undo") =>
        {
            StatusCode::CONFLICT
        }
        _ => StatusCode::OK,
    };
    if status != StatusCode::OK {
        // Not done: the answer, plus the error shape every route uses.
        let code = match status {
            StatusCode::FORBIDDEN => "denied",
            StatusCode::NOT_FOUND => "not_found",
            _ => "conflict",
        };
        value["error"] = serde_json::json!({"code": code, "message": answer.response});
    }
    Ok((status, axum::Json(value)).into_response())
}
