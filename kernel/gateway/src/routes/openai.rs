//! The OpenAI-compatible façade: any OpenAI client (Open WebUI, the `openai`
//! SDKs) can speak commands to Ralex as the model `ralex`.
//!
//! `GET /v1/models` lists `ralex` (the default project) and `ralex/<project>` for
//! each project served. `POST /v1/chat/completions` takes the last user message
//! as a command, runs it through the pipeline and answers with the speakable
//! response plus the diffs in markdown — whole, or streamed as server-sent events
//! (comment lines keep the connection alive while the command runs). The session
//! is the conversation: the `X-Ralex-Session` header, else the request's `user`,
//! else a digest of the conversation's first user message. Saying "confirm" (or
//! "yes") after a `needs_confirmation` answer confirms the previous command.

use axum::body::Body as HttpBody;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use ralex_orchestrator::{Answer, CommandRequest, Confirm, Status};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::json::Body;
use crate::state::AppState;
use crate::tokens::Caller;
use crate::who::who;

/// Most characters of a command's output (a file, search hits) put in the answer.
const MAX_OUTPUT_CHARS: usize = 8_000;

/// Words that confirm the previous command.
const CONFIRM_WORDS: [&str; 6] = [
    "confirm",
    "confirmed",
    "yes",
    "yes please",
    "do it",
    "go ahead",
];

/// One chat message (content as a string or as text parts).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ChatMessage {
    /// `system`, `user`, `assistant`, `tool`.
    pub role: String,
    /// The text (a string, or a list of `{"type":"text","text":…}` parts).
    #[serde(default)]
    #[schema(value_type = Object)]
    pub content: Value,
}

/// The request body (other OpenAI fields are accepted and ignored).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ChatRequest {
    /// `ralex` or `ralex/<project>`.
    pub model: String,
    /// The conversation.
    pub messages: Vec<ChatMessage>,
    /// Stream the answer as server-sent events.
    #[serde(default)]
    pub stream: bool,
    /// The end user, used as the session when no header names one.
    #[serde(default)]
    pub user: Option<String>,
}

/// `GET /v1/models`.
#[utoipa::path(get, path = "/v1/models", tag = "openai",
    responses(
        (status = 200, description = "`ralex` and `ralex/<project>`", body = Object),
        (status = 401, description = "No or bad token", body = crate::openapi::ErrorBody),
        (status = 429, description = "Too many failed attempts", body = crate::openapi::ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn models(State(state): State<AppState>) -> Json<Value> {
    let mut data = vec![model_entry("ralex")];
    data.extend(
        state
            .projects
            .iter()
            .map(|p| model_entry(&format!("ralex/{}", p.name))),
    );
    Json(json!({"object": "list", "data": data}))
}

fn model_entry(id: &str) -> Value {
    json!({"id": id, "object": "model", "created": 0, "owned_by": "ralex"})
}

/// The text of a message's content.
fn text_of(content: &Value) -> String {
    match content {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts
            .iter()
            .filter_map(|p| p["text"].as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

/// The session of this conversation.
fn session_of(headers: &HeaderMap, request: &ChatRequest) -> String {
    if let Some(s) = headers
        .get("x-ralex-session")
        .and_then(|h| h.to_str().ok())
        .filter(|s| crate::routes::voice::valid_session(s))
    {
        return s.to_owned();
    }
    if let Some(user) = request
        .user
        .as_deref()
        .filter(|u| crate::routes::voice::valid_session(u))
    {
        return user.to_owned();
    }
    let first = request
        .messages
        .iter()
        .find(|m| m.role == "user")
        .map(|m| text_of(&m.content))
        .unwrap_or_default();
    let digest = hex::encode(Sha256::digest(first.as_bytes()));
    format!("chat-{}", &digest[..16])
}

/// The command to run and whether it confirms the previous one.
fn command_of(request: &ChatRequest) -> Result<(String, bool), ApiError> {
    let users: Vec<String> = request
        .messages
        .iter()
        .filter(|m| m.role == "user")
        .map(|m| text_of(&m.content).trim().to_owned())
        .collect();
    let Some(last) = users.last().filter(|t| !t.is_empty()) else {
        return Err(ApiError::bad_request(
            "`messages` has no user message with text; the last user message is the command",
        ));
    };
    if last.chars().count() > crate::routes::voice::MAX_COMMAND_CHARS {
        return Err(ApiError::bad_request(format!(
            "the last user message is longer than {} characters; say the command in shorter steps",
            crate::routes::voice::MAX_COMMAND_CHARS
        )));
    }
    let word = last.trim_end_matches(['.', '!']).to_lowercase();
    if CONFIRM_WORDS.contains(&word.as_str()) && users.len() >= 2 {
        return Ok((users[users.len() - 2].clone(), true));
    }
    Ok((last.clone(), false))
}

/// The answer as markdown: the response, the diffs, the tests, what to say next.
pub fn markdown(answer: &Answer) -> String {
    let mut text = answer.response.clone();
    if let Some(output) = answer.output.as_deref().filter(|o| !o.trim().is_empty()) {
        let shown: String = output.chars().take(MAX_OUTPUT_CHARS).collect();
        let cut = if shown.len() < output.len() {
            "\n…"
        } else {
            ""
        };
        text.push_str(&format!("\n\n```\n{}{cut}\n```", shown.trim_end()));
    }
    for change in &answer.changes {
        text.push_str(&format!(
            "\n\n`{}`\n```diff\n{}```",
            change.path, change.diff
        ));
    }
    if let Some(tests) = &answer.tests {
        let verdict = if tests.passed { "pass" } else { "fail" };
        text.push_str(&format!("\n\nTests (`{}`) {verdict}.", tests.command));
    }
    if answer.status == Status::NeedsConfirmation {
        text.push_str("\n\nSay **confirm** to go ahead.");
    }
    if let Some(id) = &answer.undo_id {
        text.push_str(&format!(
            "\n\n_Undo id: `{id}` — say \"undo that\" to take it back._"
        ));
    }
    text
}

/// `POST /v1/chat/completions`.
#[utoipa::path(post, path = "/v1/chat/completions", tag = "openai", request_body = ChatRequest,
    responses(
        (status = 200, description = "A chat.completion, or with `stream` server-sent chat.completion.chunk events", body = Object),
        (status = 400, description = "Bad input", body = crate::openapi::ErrorBody),
        (status = 401, description = "No or bad token", body = crate::openapi::ErrorBody),
        (status = 404, description = "Unknown model or project", body = crate::openapi::ErrorBody),
        (status = 413, description = "Too large", body = crate::openapi::ErrorBody),
        (status = 415, description = "Not JSON", body = crate::openapi::ErrorBody),
        (status = 429, description = "Too many failed attempts", body = crate::openapi::ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn chat_completions(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Body(request): Body<ChatRequest>,
) -> Result<Response, ApiError> {
    let project_name = match request.model.as_str() {
        "ralex" => None,
        other => Some(other.strip_prefix("ralex/").ok_or_else(|| {
            ApiError::not_found(format!(
                "no model `{other}` here: use `ralex` or `ralex/<project>` (GET /v1/models lists them)"
            ))
        })?),
    };
    let project = state.project(project_name).ok_or_else(|| {
        ApiError::not_found(format!(
            "no project named `{}` is served here",
            project_name.unwrap_or_default()
        ))
    })?;
    let (command, confirms) = command_of(&request)?;
    let command_request = CommandRequest {
        transcript: command,
        project: project.root.clone(),
        session_id: session_of(&headers, &request),
        dry_run: false,
        confirm: if confirms {
            Confirm::Pending(None)
        } else {
            Confirm::No
        },
        who: who(&caller),
    };
    let id = format!(
        "chatcmpl-{}",
        &hex::encode(Sha256::digest(crate::now_ms().to_string()))[..24]
    );
    let model = request.model.clone();
    let work = {
        let state = state.clone();
        async move {
            let started = std::time::Instant::now();
            let answer = state.orchestrator.handle(&command_request).await;
            if let Ok(answer) = &answer {
                state
                    .metrics
                    .command(answer.status.as_str(), started.elapsed());
            }
            answer
        }
    };
    if !request.stream {
        let answer = work.await.map_err(|e| ApiError::internal(e.to_string()))?;
        return Ok(Json(json!({
            "id": id,
            "object": "chat.completion",
            "created": crate::now_ms() / 1000,
            "model": model,
            "choices": [{
                "index": 0,
                "message": {"role": "assistant", "content": markdown(&answer)},
                "finish_reason": "stop",
            }],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        }))
        .into_response());
    }
    let stream = crate::routes::openai_stream::events(tokio::spawn(work), id, model);
    Ok((
        StatusCode::OK,
        [
            (CONTENT_TYPE, "text/event-stream"),
            (axum::http::header::CACHE_CONTROL, "no-cache"),
        ],
        HttpBody::from_stream(stream),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(messages: &[(&str, &str)]) -> ChatRequest {
        ChatRequest {
            model: "ralex".into(),
            messages: messages
                .iter()
                .map(|(role, text)| ChatMessage {
                    role: (*role).into(),
                    content: Value::String((*text).into()),
                })
                .collect(),
            stream: false,
            user: None,
        }
    }

    #[test]
    fn the_last_user_message_is_the_command_and_confirm_repeats_the_one_before() {
        let r = request(&[("system", "be nice"), ("user", "delete old.py")]);
        assert_eq!(command_of(&r).unwrap(), ("delete old.py".into(), false));
        let r = request(&[
            ("user", "delete old.py"),
            ("assistant", "Say confirm"),
            ("user", "Confirm."),
        ]);
        assert_eq!(command_of(&r).unwrap(), ("delete old.py".into(), true));
        assert!(command_of(&request(&[("system", "x")])).is_err());
    }

    #[test]
    fn a_conversation_keeps_its_session() {
        let headers = HeaderMap::new();
        let a = session_of(
            &headers,
            &request(&[("user", "hi"), ("assistant", "x"), ("user", "more")]),
        );
        let b = session_of(&headers, &request(&[("user", "hi")]));
        assert_eq!(a, b);
        assert!(a.starts_with("chat-"));
    }
}
