//! `POST /v4/voice-command`: one command through the pipeline, answered with the
//! answer contract. The body is JSON, or multipart with an `audio` part (see
//! [`crate::routes::audio`]). A denied command answers 403 (the answer plus the error
//! shape); failed and confirmation-waiting commands are answers, 200.

use std::time::Instant;

use axum::Extension;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use ralex_orchestrator::{CommandRequest, Confirm, Status};
use serde::Deserialize;

use crate::error::ApiError;
use crate::state::AppState;
use crate::tokens::Caller;
use crate::who::who;

/// Longest command accepted, in characters.
pub const MAX_COMMAND_CHARS: usize = 4_000;

/// The request body.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoiceCommand {
    /// What was said.
    #[schema(min_length = 1, max_length = 4000, pattern = r"\S")]
    pub command: String,
    /// The session: 1–128 letters, digits or `-_.:`.
    #[schema(pattern = r"^[A-Za-z0-9._:-]{1,128}$")]
    pub session_id: String,
    /// The project's name (its folder name); default: the first one served.
    #[serde(default)]
    pub project: Option<String>,
    /// Understand and decide only.
    #[serde(default)]
    pub dry_run: bool,
    /// Confirms the session's pending confirmation of this same command.
    #[serde(default)]
    pub confirm: bool,
    /// Confirms a pending confirmation by its id (implies `confirm`).
    #[serde(default)]
    pub confirmation_id: Option<String>,
}

/// A session id: 1–128 of letters, digits and `-_.:`.
pub fn valid_session(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
}

/// `Ok` for a valid session id, else the 400 that says what one looks like.
pub fn check_session(id: &str) -> Result<(), ApiError> {
    if valid_session(id) {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            "`session_id` must be 1–128 letters, digits or `-_.:`",
        ))
    }
}

/// Largest JSON body of a command.
const MAX_JSON_BYTES: usize = 64 * 1024;

/// Handles one command: JSON, or multipart with an `audio` part.
#[utoipa::path(post, path = "/v4/voice-command", tag = "commands",
    request_body(content(
        (VoiceCommand = "application/json"),
        (crate::openapi::AudioCommand = "multipart/form-data"),
    )),
    responses(
        (status = 200, description = "The answer (completed, needs_confirmation or failed)", body = ralex_orchestrator::Answer),
        (status = 403, description = "Denied by policy: the answer with an `error`", body = crate::openapi::DeniedAnswer),
        (status = 400, description = "Bad input", body = crate::openapi::ErrorBody),
        (status = 401, description = "No or bad token", body = crate::openapi::ErrorBody),
        (status = 404, description = "Unknown project", body = crate::openapi::ErrorBody),
        (status = 413, description = "Too large", body = crate::openapi::ErrorBody),
        (status = 415, description = "Not JSON or multipart", body = crate::openapi::ErrorBody),
        (status = 429, description = "Too many failed attempts, or over budget", body = crate::openapi::ErrorBody),
        (status = 422, description = "Audio sent but no speech-to-text model is configured", body = crate::openapi::ErrorBody),
        (status = 502, description = "The speech-to-text provider failed", body = crate::openapi::ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn voice_command(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    request: Request,
) -> Result<Response, ApiError> {
    let multipart = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let (body, transcript) = if multipart {
        let heard = crate::routes::audio::read(&state, &caller, request).await?;
        (heard.command, Some(heard.transcript))
    } else {
        let json = request
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                let mime = v.split(';').next().unwrap_or("").trim();
                mime == "application/json" || mime.ends_with("+json")
            });
        if !json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the command as JSON (`Content-Type: application/json`) or as multipart/form-data with an `audio` part",
            ));
        }
        let bytes = axum::body::to_bytes(request.into_body(), MAX_JSON_BYTES)
            .await
            .map_err(|_| too_large())?;
        (crate::json::parse::<VoiceCommand>(&bytes)?, None)
    };
    run(state, caller, body, transcript).await
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        format!("the body is larger than {MAX_JSON_BYTES} bytes; send a shorter command"),
    )
}

/// Runs `request` through the pipeline, counted in the metrics.
pub(crate) async fn execute(
    state: &AppState,
    request: &CommandRequest,
) -> Result<ralex_orchestrator::Answer, ApiError> {
    let started = Instant::now();
    let answer = state
        .orchestrator
        .handle(request)
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?;
    state
        .metrics
        .command(answer.status.as_str(), started.elapsed());
    Ok(answer)
}

/// Runs a command and answers it.
async fn run(
    state: AppState,
    caller: Caller,
    body: VoiceCommand,
    transcript: Option<String>,
) -> Result<Response, ApiError> {
    // Control characters count as blank too (Python's `isspace` says so of
    // U+001C–U+001F; a command of only those is noise either way).
    if body
        .command
        .chars()
        .all(|c| c.is_whitespace() || c.is_control())
    {
        return Err(ApiError::bad_request(
            "`command` is empty; send what was said",
        ));
    }
    if body.command.chars().count() > MAX_COMMAND_CHARS {
        return Err(ApiError::bad_request(format!(
            "`command` is longer than {MAX_COMMAND_CHARS} characters; say it in shorter steps"
        )));
    }
    check_session(&body.session_id)?;
    let project = state.project(body.project.as_deref()).ok_or_else(|| {
        let served: Vec<&str> = state.projects.iter().map(|p| p.name.as_str()).collect();
        ApiError::not_found(format!(
            "no project named `{}` is served here (served: {})",
            body.project.as_deref().unwrap_or_default(),
            served.join(", ")
        ))
    })?;
    let confirm = match (&body.confirmation_id, body.confirm) {
        (Some(id), _) => Confirm::Pending(Some(id.clone())),
        (None, true) => Confirm::Pending(None),
        (None, false) => Confirm::No,
    };
    let request = CommandRequest {
        transcript: body.command,
        project: project.root.clone(),
        session_id: body.session_id,
        dry_run: body.dry_run,
        confirm,
        who: who(&caller),
    };
    let answer = execute(&state, &request).await?;
    let mut value = serde_json::to_value(&answer)
        .map_err(|e| ApiError::internal(format!("cannot serialise the answer: {e}")))?;
    if let Some(transcript) = transcript {
        value["transcript"] = serde_json::Value::String(transcript);
    }
    if answer.status == Status::Denied {
        value["error"] = serde_json::json!({"code": "denied", "message": answer.response});
        return Ok((StatusCode::FORBIDDEN, axum::Json(value)).into_response());
    }
    Ok(axum::Json(value).into_response())
}
