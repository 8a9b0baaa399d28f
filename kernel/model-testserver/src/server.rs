//! The HTTP side: shared state, routing by path suffix, recording, control endpoints.
//!
//! Owns [`Shared`] (the reply queue, the request log, the shutdown signal), the single
//! fallback handler that records every request and dispatches it by method and path
//! suffix (so any base-URL prefix works), and the `/_testserver/...` control endpoints
//! used by black-box tests of the binary.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use axum::Router;
use axum::body::to_bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};
use tokio::sync::watch;

use crate::http::json_response;
use crate::record::Recorded;
use crate::reply::{ApiError, Reply};
use crate::script::parse_script;
use crate::{anthropic, openai, transcription};

/// Largest accepted request body (transcription uploads are capped at 25 MB upstream).
const MAX_BODY: usize = 64 * 1024 * 1024;

/// Prefix of the control endpoints; these are never recorded.
pub(crate) const CONTROL_PREFIX: &str = "/_testserver/";

/// State shared by the handle and every request.
pub(crate) struct Shared {
    queue: Mutex<VecDeque<Reply>>,
    requests: Mutex<Vec<Recorded>>,
    counter: AtomicU64,
    epoch: Instant,
    shutdown: watch::Receiver<()>,
}

/// Locks ignoring poisoning: the data stays usable even if a holder panicked.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    /// New state; in-flight delays end when the `shutdown` sender is dropped.
    pub(crate) fn new(shutdown: watch::Receiver<()>) -> Shared {
        Shared {
            queue: Mutex::new(VecDeque::new()),
            requests: Mutex::new(Vec::new()),
            counter: AtomicU64::new(0),
            epoch: Instant::now(),
            shutdown,
        }
    }

    pub(crate) fn push(&self, reply: Reply) {
        lock(&self.queue).push_back(reply);
    }

    pub(crate) fn pending(&self) -> usize {
        lock(&self.queue).len()
    }

    pub(crate) fn requests(&self) -> Vec<Recorded> {
        lock(&self.requests).clone()
    }

    pub(crate) fn reset(&self) {
        lock(&self.queue).clear();
        lock(&self.requests).clear();
    }

    fn record(&self, rec: Recorded) {
        lock(&self.requests).push(rec);
    }

    /// A fresh number for response ids.
    pub(crate) fn next_id(&self) -> u64 {
        self.counter.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Takes the next queued reply (`None` when the queue is empty) and waits out any
    /// [`Reply::Slow`] delays, so the result is never `Slow`. If the server shuts down
    /// during a delay the reply becomes a server error.
    pub(crate) async fn next_reply(&self) -> Option<Reply> {
        let mut reply = lock(&self.queue).pop_front()?;
        loop {
            match reply {
                Reply::Slow { delay, then } => {
                    let mut shutdown = self.shutdown.clone();
                    tokio::select! {
                        _ = tokio::time::sleep(delay) => reply = *then,
                        _ = shutdown.changed() => return Some(Reply::server_error()),
                    }
                }
                other => return Some(other),
            }
        }
    }
}

/// The router: one fallback handler sees every request.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new().fallback(handle).with_state(shared)
}

/// The endpoints, recognised by method and path suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Endpoint {
    OpenAiChat,
    AnthropicMessages,
    AnthropicCountTokens,
    Transcription,
    Models,
    Unknown,
}

impl Endpoint {
    fn classify(method: &Method, path: &str) -> Endpoint {
        let path = path.trim_end_matches('/');
        let post = method == Method::POST;
        if post && path.ends_with("/chat/completions") {
            Endpoint::OpenAiChat
        } else if post && path.ends_with("/messages/count_tokens") {
            Endpoint::AnthropicCountTokens
        } else if post && path.ends_with("/messages") {
            Endpoint::AnthropicMessages
        } else if post && path.ends_with("/audio/transcriptions") {
            Endpoint::Transcription
        } else if method == Method::GET && path.ends_with("/models") {
            Endpoint::Models
        } else {
            Endpoint::Unknown
        }
    }
}

async fn handle(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let at = Instant::now();
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        let err = ApiError::InvalidRequest("request body too large or unreadable".into());
        return openai::error_response(&err, None, "");
    };
    if let Some(command) = path.strip_prefix(CONTROL_PREFIX) {
        return control(&shared, &parts.method, command, &bytes);
    }
    let endpoint = Endpoint::classify(&parts.method, &path);
    let form =
        (endpoint == Endpoint::Transcription).then(|| transcription::parse(&parts.headers, &bytes));
    let (body_json, files) = match &form {
        Some(Ok(form)) => (form.fields_json(), form.files()),
        _ => (
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            Vec::new(),
        ),
    };
    shared.record(Recorded {
        method: parts.method.to_string(),
        path: path.clone(),
        query: parts.uri.query().map(str::to_string),
        headers: header_pairs(&parts.headers),
        body: body_json.clone(),
        raw_body: bytes.to_vec(),
        files,
        at,
    });
    match endpoint {
        Endpoint::OpenAiChat => openai::chat(&shared, &body_json).await,
        Endpoint::AnthropicMessages => {
            anthropic::messages(&shared, &parts.headers, &body_json).await
        }
        Endpoint::AnthropicCountTokens => anthropic::count_tokens(&parts.headers, &body_json),
        Endpoint::Transcription => {
            let form = form.unwrap_or_else(|| Err("not a multipart request".into()));
            transcription::handle(&shared, form).await
        }
        Endpoint::Models => openai::models(),
        Endpoint::Unknown => {
            let err = ApiError::NotFound(format!("Invalid URL ({} {path})", parts.method));
            if parts.headers.contains_key("anthropic-version") {
                anthropic::error_response(&err, None)
            } else {
                openai::error_response(&err, None, "")
            }
        }
    }
}

/// Header pairs with lowercased names (as `http` stores them), values lossily decoded.
fn header_pairs(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_ascii_lowercase(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect()
}

/// The control endpoints:
/// `POST /_testserver/replies` (a script: array or single reply) queues replies,
/// `GET /_testserver/requests` lists the recorded requests,
/// `POST /_testserver/reset` clears both.
fn control(shared: &Shared, method: &Method, command: &str, body: &[u8]) -> Response {
    match (method.as_str(), command.trim_end_matches('/')) {
        ("POST", "replies") => {
            let text = String::from_utf8_lossy(body);
            match parse_script(&text) {
                Ok(replies) => {
                    let queued = replies.len();
                    for reply in replies {
                        shared.push(reply);
                    }
                    json_response(
                        StatusCode::OK,
                        &json!({"queued": queued, "pending": shared.pending()}),
                    )
                }
                Err(e) => {
                    json_response(StatusCode::BAD_REQUEST, &json!({"error": format!("{e:#}")}))
                }
            }
        }
        ("GET", "requests") => {
            let list: Vec<Value> = shared
                .requests()
                .iter()
                .map(|r| r.to_json(shared.epoch))
                .collect();
            json_response(StatusCode::OK, &Value::Array(list))
        }
        ("POST", "reset") => {
            shared.reset();
            json_response(StatusCode::OK, &json!({"reset": true}))
        }
        _ => json_response(
            StatusCode::NOT_FOUND,
            &json!({"error": format!("unknown control endpoint {method} {CONTROL_PREFIX}{command}")}),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_by_suffix() {
        let post = Method::POST;
        assert_eq!(
            Endpoint::classify(&post, "/v1/chat/completions"),
            Endpoint::OpenAiChat
        );
        assert_eq!(
            Endpoint::classify(&post, "/api/v1/chat/completions/"),
            Endpoint::OpenAiChat
        );
        assert_eq!(
            Endpoint::classify(&post, "/anthropic/v1/messages"),
            Endpoint::AnthropicMessages
        );
        assert_eq!(
            Endpoint::classify(&post, "/v1/messages/count_tokens"),
            Endpoint::AnthropicCountTokens
        );
        assert_eq!(
            Endpoint::classify(&post, "/v1/audio/transcriptions"),
            Endpoint::Transcription
        );
        assert_eq!(
            Endpoint::classify(&Method::GET, "/v1/models"),
            Endpoint::Models
        );
        assert_eq!(
            Endpoint::classify(&Method::GET, "/v1/chat/completions"),
            Endpoint::Unknown
        );
        assert_eq!(
            Endpoint::classify(&post, "/v1/embeddings"),
            Endpoint::Unknown
        );
    }
}
