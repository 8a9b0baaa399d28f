//! The Anthropic wire format: the Messages API (JSON and SSE), token counting, errors.
//!
//! Owns request validation for `…/messages` (including the required
//! `anthropic-version` header and `max_tokens`), rendering a [`Reply`] as a `message`
//! or as the real event sequence (`message_start`, `content_block_*`, `ping`,
//! `message_delta`, `message_stop`), and the Anthropic error body
//! `{"type":"error","error":{"type","message"}}`.

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use crate::http::{json_response, raw_response, status_response, with_header, with_retry_after};
use crate::reply::{
    Answer, ApiError, Reply, cut_in_half, estimate_tokens, fragments, last_user_text, text_deltas,
};
use crate::server::Shared;
use crate::sse::{self, Ending};

/// What the server needs from a Messages request.
struct MessagesRequest {
    model: String,
    stream: bool,
    last_user_text: String,
    input_tokens: u32,
}

/// Validates the request the way the real API would, with its messages.
fn parse(
    headers: &HeaderMap,
    body: &Value,
    need_max_tokens: bool,
) -> Result<MessagesRequest, String> {
    if !headers.contains_key("anthropic-version") {
        return Err("anthropic-version: header is required".into());
    }
    let Some(obj) = body.as_object() else {
        return Err(
            "There was an error parsing the body of your request: it is not a JSON object.".into(),
        );
    };
    let model = match obj.get("model") {
        Some(Value::String(m)) if !m.is_empty() => m.clone(),
        _ => return Err("model: Field required".into()),
    };
    let messages = match obj.get("messages") {
        Some(Value::Array(m)) if !m.is_empty() => m,
        Some(Value::Array(_)) => return Err("messages: at least one message is required".into()),
        _ => return Err("messages: Field required".into()),
    };
    if need_max_tokens && !obj.get("max_tokens").is_some_and(Value::is_u64) {
        return Err("max_tokens: Field required".into());
    }
    let stream = match obj.get("stream") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err("stream: Input should be a valid boolean".into()),
    };
    let mut counted = Value::Array(messages.clone()).to_string();
    if let Some(system) = obj.get("system") {
        counted.push_str(&system.to_string());
    }
    Ok(MessagesRequest {
        model,
        stream,
        last_user_text: last_user_text(messages),
        input_tokens: estimate_tokens(&counted),
    })
}

/// Identity of one message.
struct Ctx {
    id: String,
    model: String,
}

/// Handles `POST …/messages`.
pub(crate) async fn messages(shared: &Shared, headers: &HeaderMap, body: &Value) -> Response {
    let req = match parse(headers, body, true) {
        Ok(r) => r,
        Err(msg) => return error_response(&ApiError::InvalidRequest(msg), None),
    };
    let reply = shared.next_reply().await;
    let ctx = Ctx {
        id: format!("msg_testserver{}", shared.next_id()),
        model: req.model.clone(),
    };
    let answer = match reply {
        None => Answer::echo(&req.last_user_text, req.input_tokens),
        Some(Reply::Chat {
            text,
            tool_calls,
            input_tokens,
            output_tokens,
        }) => Answer {
            text,
            tool_calls,
            input_tokens,
            output_tokens,
        },
        Some(Reply::Transcription { text }) => Answer::plain(&text),
        Some(Reply::Status {
            status,
            retry_after,
            body,
        }) => return status_response(status, retry_after, &body, generic_error),
        Some(Reply::Error { error, retry_after }) => return error_response(&error, retry_after),
        Some(Reply::Truncated { text, chunks }) => {
            return truncated(&ctx, &text, chunks, req.stream);
        }
        Some(Reply::Malformed) => return malformed(req.stream),
        // `next_reply` has already waited out every delay.
        Some(Reply::Slow { .. }) => return error_response(&ApiError::ServerError, None),
    };
    let request_id = format!("req_{}", ctx.id);
    if req.stream {
        sse::response(
            stream_events(&ctx, &answer),
            Ending::Complete,
            &[("request-id", request_id)],
        )
    } else {
        let resp = json_response(StatusCode::OK, &message(&ctx, &answer));
        with_header(resp, "request-id", &request_id)
    }
}

/// Handles `POST …/messages/count_tokens`: `{"input_tokens": N}` (never consumes a reply).
pub(crate) fn count_tokens(headers: &HeaderMap, body: &Value) -> Response {
    match parse(headers, body, false) {
        Ok(req) => json_response(StatusCode::OK, &json!({"input_tokens": req.input_tokens})),
        Err(msg) => error_response(&ApiError::InvalidRequest(msg), None),
    }
}

fn stop_reason(answer: &Answer) -> &'static str {
    if answer.tool_calls.is_empty() {
        "end_turn"
    } else {
        "tool_use"
    }
}

/// Whether the answer has a text block: when there is text, or nothing at all.
fn has_text_block(answer: &Answer) -> bool {
    !answer.text.is_empty() || answer.tool_calls.is_empty()
}

fn input_usage(input_tokens: u32, output_tokens: u32) -> Value {
    json!({
        "input_tokens": input_tokens,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
        "output_tokens": output_tokens,
    })
}

/// The non-streaming `message` body.
fn message(ctx: &Ctx, answer: &Answer) -> Value {
    let mut content = Vec::new();
    if has_text_block(answer) {
        content.push(json!({"type": "text", "text": answer.text}));
    }
    for call in &answer.tool_calls {
        content.push(
            json!({"type": "tool_use", "id": call.id, "name": call.name, "input": call.arguments}),
        );
    }
    json!({
        "id": ctx.id,
        "type": "message",
        "role": "assistant",
        "model": ctx.model,
        "content": content,
        "stop_reason": stop_reason(answer),
        "stop_sequence": null,
        "usage": input_usage(answer.input_tokens, answer.output_tokens),
    })
}

/// `message_start` with an empty content list.
fn message_start(ctx: &Ctx, input_tokens: u32) -> String {
    sse::event(
        "message_start",
        &json!({"type": "message_start", "message": {
            "id": ctx.id,
            "type": "message",
            "role": "assistant",
            "model": ctx.model,
            "content": [],
            "stop_reason": null,
            "stop_sequence": null,
            "usage": input_usage(input_tokens, 1),
        }}),
    )
}

fn block_start(index: usize, block: Value) -> String {
    sse::event(
        "content_block_start",
        &json!({"type": "content_block_start", "index": index, "content_block": block}),
    )
}

fn block_delta(index: usize, delta: Value) -> String {
    sse::event(
        "content_block_delta",
        &json!({"type": "content_block_delta", "index": index, "delta": delta}),
    )
}

fn block_stop(index: usize) -> String {
    sse::event(
        "content_block_stop",
        &json!({"type": "content_block_stop", "index": index}),
    )
}

fn ping() -> String {
    sse::event("ping", &json!({"type": "ping"}))
}

/// The whole event sequence for a complete answer.
fn stream_events(ctx: &Ctx, answer: &Answer) -> Vec<String> {
    let mut events = vec![message_start(ctx, answer.input_tokens)];
    let mut index = 0;
    if has_text_block(answer) {
        events.push(block_start(index, json!({"type": "text", "text": ""})));
        events.push(ping());
        for piece in text_deltas(&answer.text) {
            events.push(block_delta(
                index,
                json!({"type": "text_delta", "text": piece}),
            ));
        }
        events.push(block_stop(index));
        index += 1;
    } else {
        events.push(ping());
    }
    for call in &answer.tool_calls {
        events.push(block_start(
            index,
            json!({"type": "tool_use", "id": call.id, "name": call.name, "input": {}}),
        ));
        for fragment in fragments(&call.arguments.to_string()) {
            events.push(block_delta(
                index,
                json!({"type": "input_json_delta", "partial_json": fragment}),
            ));
        }
        events.push(block_stop(index));
        index += 1;
    }
    events.push(sse::event(
        "message_delta",
        &json!({
            "type": "message_delta",
            "delta": {"stop_reason": stop_reason(answer), "stop_sequence": null},
            "usage": {"output_tokens": answer.output_tokens},
        }),
    ));
    events.push(sse::event("message_stop", &json!({"type": "message_stop"})));
    events
}

/// [`Reply::Truncated`]: a stream aborted after `chunks` text deltas, or a cut body.
fn truncated(ctx: &Ctx, text: &str, chunks: usize, stream: bool) -> Response {
    let answer = Answer::plain(text);
    if stream {
        let mut events = vec![
            message_start(ctx, answer.input_tokens),
            block_start(0, json!({"type": "text", "text": ""})),
            ping(),
        ];
        for piece in text_deltas(text).into_iter().take(chunks) {
            events.push(block_delta(0, json!({"type": "text_delta", "text": piece})));
        }
        sse::response(events, Ending::Abort, &[])
    } else {
        let full = message(ctx, &answer).to_string();
        raw_response(StatusCode::OK, "application/json", cut_in_half(&full))
    }
}

/// [`Reply::Malformed`]: a body (or SSE data line) that is not JSON.
fn malformed(stream: bool) -> Response {
    if stream {
        let bad = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_malformed\",\n\n";
        let stop = sse::event("message_stop", &json!({"type": "message_stop"}));
        sse::response(vec![bad.to_string(), stop], Ending::Complete, &[])
    } else {
        raw_response(
            StatusCode::OK,
            "application/json",
            "{\"id\": \"msg_malformed\", \"type\": \"message\", \"content\": [ <not json",
        )
    }
}

/// `{"type":"error","error":{"type","message"}}`.
fn error_body(kind: &str, message: &str) -> Value {
    json!({"type": "error", "error": {"type": kind, "message": message}})
}

/// The status and Anthropic-shaped body of an [`ApiError`].
fn error_parts(err: &ApiError) -> (StatusCode, Value) {
    let bad_request = StatusCode::BAD_REQUEST;
    match err {
        ApiError::ContextLength => (
            bad_request,
            error_body(
                "invalid_request_error",
                "prompt is too long: 210000 tokens > 200000 maximum",
            ),
        ),
        ApiError::RateLimited => (
            StatusCode::TOO_MANY_REQUESTS,
            error_body(
                "rate_limit_error",
                "This request would exceed the rate limit for your organization of 50,000 input tokens per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits. You can see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later.",
            ),
        ),
        ApiError::ServerError => (
            StatusCode::INTERNAL_SERVER_ERROR,
            error_body("api_error", "Internal server error"),
        ),
        ApiError::Overloaded => (
            overloaded_status(),
            error_body("overloaded_error", "Overloaded"),
        ),
        ApiError::Authentication => (
            StatusCode::UNAUTHORIZED,
            error_body("authentication_error", "invalid x-api-key"),
        ),
        ApiError::InvalidRequest(msg) => (bad_request, error_body("invalid_request_error", msg)),
        ApiError::NotFound(msg) => (StatusCode::NOT_FOUND, error_body("not_found_error", msg)),
    }
}

/// Anthropic's non-standard 529.
fn overloaded_status() -> StatusCode {
    StatusCode::from_u16(529).unwrap_or(StatusCode::SERVICE_UNAVAILABLE)
}

/// An Anthropic-shaped error response, with `Retry-After` when given.
pub(crate) fn error_response(err: &ApiError, retry_after: Option<u64>) -> Response {
    let (status, body) = error_parts(err);
    with_retry_after(json_response(status, &body), retry_after)
}

/// The Anthropic body for a bare [`Reply::Status`] code.
pub(crate) fn generic_error(code: StatusCode) -> Value {
    let s = code.as_u16();
    let known = match s {
        401 => Some(ApiError::Authentication),
        429 => Some(ApiError::RateLimited),
        500 => Some(ApiError::ServerError),
        529 => Some(ApiError::Overloaded),
        _ => None,
    };
    if let Some(err) = known {
        return error_parts(&err).1;
    }
    let kind = match s {
        402 => "billing_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        504 => "timeout_error",
        _ if code.is_server_error() => "api_error",
        _ => "invalid_request_error",
    };
    error_body(kind, &format!("scripted error (HTTP {s})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_requires_version_and_max_tokens() {
        let mut headers = HeaderMap::new();
        let body = json!({"model": "claude", "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}]});
        assert!(parse(&headers, &body, true).is_err());
        headers.insert(
            "anthropic-version",
            axum::http::HeaderValue::from_static("2023-06-01"),
        );
        assert!(parse(&headers, &body, true).is_ok());
        let no_max = json!({"model": "claude", "messages": [{"role": "user", "content": "hi"}]});
        assert!(parse(&headers, &no_max, true).is_err());
        assert!(parse(&headers, &no_max, false).is_ok());
    }

    #[test]
    fn generic_errors_use_anthropic_types() {
        assert_eq!(
            generic_error(StatusCode::FORBIDDEN)["error"]["type"],
            "permission_error"
        );
        assert_eq!(
            generic_error(overloaded_status())["error"]["type"],
            "overloaded_error"
        );
        assert_eq!(
            generic_error(StatusCode::BAD_GATEWAY)["error"]["type"],
            "api_error"
        );
    }
}
