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
use crate::routes::voice::valid_session;
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
        (None, Some(session)) if !valid_session(session) => {
            return Err(ApiError::bad_request(
                "`session_id` must be 1–128 letters, digits or `-_.:`",
            ));
        }
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
    let value = serde_json::to_value(&answer)
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
        Status::Failed if answer.response.contains("already undone") => StatusCode::CONFLICT,
        _ => StatusCode::OK,
    };
    Ok((status, axum::Json(value)).into_response())
}
