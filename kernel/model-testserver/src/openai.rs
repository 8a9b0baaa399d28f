//! The OpenAI wire format: chat completions (JSON and SSE), errors, the model list.
//!
//! Owns request validation for `…/chat/completions`, rendering a [`Reply`] as an
//! OpenAI `chat.completion` / `chat.completion.chunk` stream, and the OpenAI error
//! body `{"error":{"message","type","param","code"}}` (also used by transcriptions
//! and unknown URLs).

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value, json};

use crate::http::{
    json_response, now_secs, raw_response, status_response, with_header, with_retry_after,
};
use crate::reply::{
    Answer, ApiError, Reply, cut_in_half, estimate_tokens, fragments, last_user_text, text_deltas,
};
use crate::server::Shared;
use crate::sse::{self, Ending};

/// What the server needs from a chat-completions request.
struct ChatRequest {
    model: String,
    stream: bool,
    include_usage: bool,
    last_user_text: String,
    input_tokens: u32,
}

/// Validates the request the way the real API would, with its messages.
fn parse(body: &Value) -> Result<ChatRequest, String> {
    let Some(obj) = body.as_object() else {
        return Err("We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)".into());
    };
    let model = match obj.get("model") {
        Some(Value::String(m)) if !m.is_empty() => m.clone(),
        _ => return Err("you must provide a model parameter".into()),
    };
    let messages = match obj.get("messages") {
        Some(Value::Array(m)) if !m.is_empty() => m,
        Some(Value::Array(_)) => return Err("[] is too short - 'messages'".into()),
        _ => return Err("Missing required parameter: 'messages'.".into()),
    };
    let stream = match obj.get("stream") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err("Invalid type for 'stream': expected a boolean.".into()),
    };
    let stream_options = obj.get("stream_options").filter(|v| !v.is_null());
    if stream_options.is_some() && !stream {
        return Err(
            "The 'stream_options' parameter is only allowed when 'stream' is enabled.".into(),
        );
    }
    let include_usage = stream_options
        .and_then(|o| o.get("include_usage"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    Ok(ChatRequest {
        model,
        stream,
        include_usage,
        last_user_text: last_user_text(messages),
        input_tokens: estimate_tokens(&Value::Array(messages.clone()).to_string()),
    })
}

/// Identity of one completion.
struct Ctx {
    id: String,
    model: String,
    created: u64,
}

/// Handles `POST …/chat/completions`.
pub(crate) async fn chat(shared: &Shared, body: &Value) -> Response {
    let req = match parse(body) {
        Ok(r) => r,
        Err(msg) => return error_response(&ApiError::InvalidRequest(msg), None, ""),
    };
    let reply = shared.next_reply().await;
    let ctx = Ctx {
        id: format!("chatcmpl-testserver{}", shared.next_id()),
        model: req.model.clone(),
        created: now_secs(),
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
        }) => return status_response(status, retry_after, &body, |c| generic_error(c, &req.model)),
        Some(Reply::Error { error, retry_after }) => {
            return error_response(&error, retry_after, &req.model);
        }
        Some(Reply::Truncated { text, chunks }) => {
            return truncated(&ctx, &text, chunks, req.stream);
        }
        Some(Reply::Malformed) => return malformed(req.stream),
        // `next_reply` has already waited out every delay.
        Some(Reply::Slow { .. }) => {
            return error_response(&ApiError::ServerError, None, &req.model);
        }
    };
    let request_id = format!("req_{}", ctx.id);
    if req.stream {
        let events = stream_events(&ctx, &answer, req.include_usage);
        sse::response(events, Ending::Complete, &[("x-request-id", request_id)])
    } else {
        let resp = json_response(StatusCode::OK, &completion(&ctx, &answer));
        with_header(resp, "x-request-id", &request_id)
    }
}

/// The non-streaming `chat.completion` body.
fn completion(ctx: &Ctx, answer: &Answer) -> Value {
    let mut message = Map::new();
    message.insert("role".into(), json!("assistant"));
    let content = if answer.text.is_empty() && !answer.tool_calls.is_empty() {
        Value::Null
    } else {
        json!(answer.text)
    };
    message.insert("content".into(), content);
    message.insert("refusal".into(), Value::Null);
    if !answer.tool_calls.is_empty() {
        let calls: Vec<Value> = answer
            .tool_calls
            .iter()
            .map(|c| {
                json!({
                    "id": c.id,
                    "type": "function",
                    "function": {"name": c.name, "arguments": c.arguments.to_string()},
                })
            })
            .collect();
        message.insert("tool_calls".into(), Value::Array(calls));
    }
    json!({
        "id": ctx.id,
        "object": "chat.completion",
        "created": ctx.created,
        "model": ctx.model,
        "choices": [{
            "index": 0,
            "message": message,
            "logprobs": null,
            "finish_reason": finish_reason(answer),
        }],
        "usage": usage(answer),
        "system_fingerprint": "fp_testserver",
    })
}

fn finish_reason(answer: &Answer) -> &'static str {
    if answer.tool_calls.is_empty() {
        "stop"
    } else {
        "tool_calls"
    }
}

fn usage(answer: &Answer) -> Value {
    json!({
        "prompt_tokens": answer.input_tokens,
        "completion_tokens": answer.output_tokens,
        "total_tokens": u64::from(answer.input_tokens) + u64::from(answer.output_tokens),
    })
}

/// One `chat.completion.chunk`. With `include_usage`, every chunk carries
/// `"usage": null` as the real API does.
fn chunk(ctx: &Ctx, delta: Value, finish: Value, include_usage: bool) -> String {
    let mut v = json!({
        "id": ctx.id,
        "object": "chat.completion.chunk",
        "created": ctx.created,
        "model": ctx.model,
        "system_fingerprint": "fp_testserver",
        "choices": [{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish}],
    });
    if include_usage && let Some(obj) = v.as_object_mut() {
        obj.insert("usage".into(), Value::Null);
    }
    sse::data(&v)
}

/// The whole SSE stream for a complete answer.
fn stream_events(ctx: &Ctx, answer: &Answer, include_usage: bool) -> Vec<String> {
    let mut events = vec![chunk(
        ctx,
        json!({"role": "assistant"}),
        Value::Null,
        include_usage,
    )];
    for piece in text_deltas(&answer.text) {
        events.push(chunk(
            ctx,
            json!({"content": piece}),
            Value::Null,
            include_usage,
        ));
    }
    for (index, call) in answer.tool_calls.iter().enumerate() {
        let head = json!({"tool_calls": [{
            "index": index,
            "id": call.id,
            "type": "function",
            "function": {"name": call.name, "arguments": ""},
        }]});
        events.push(chunk(ctx, head, Value::Null, include_usage));
        for fragment in fragments(&call.arguments.to_string()) {
            let delta =
                json!({"tool_calls": [{"index": index, "function": {"arguments": fragment}}]});
            events.push(chunk(ctx, delta, Value::Null, include_usage));
        }
    }
    events.push(chunk(
        ctx,
        json!({}),
        json!(finish_reason(answer)),
        include_usage,
    ));
    if include_usage {
        events.push(sse::data(&json!({
            "id": ctx.id,
            "object": "chat.completion.chunk",
            "created": ctx.created,
            "model": ctx.model,
            "system_fingerprint": "fp_testserver",
            "choices": [],
            "usage": usage(answer),
        })));
    }
    events.push(sse::DONE.to_string());
    events
}

/// [`Reply::Truncated`]: a stream aborted after `chunks` text deltas, or a cut body.
fn truncated(ctx: &Ctx, text: &str, chunks: usize, stream: bool) -> Response {
    if stream {
        let mut events = vec![chunk(ctx, json!({"role": "assistant"}), Value::Null, false)];
        for piece in text_deltas(text).into_iter().take(chunks) {
            events.push(chunk(ctx, json!({"content": piece}), Value::Null, false));
        }
        sse::response(events, Ending::Abort, &[])
    } else {
        let full = completion(ctx, &Answer::plain(text)).to_string();
        raw_response(StatusCode::OK, "application/json", cut_in_half(&full))
    }
}

/// [`Reply::Malformed`]: a body (or SSE data line) that is not JSON.
fn malformed(stream: bool) -> Response {
    if stream {
        let bad = "data: {\"id\":\"chatcmpl-malformed\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"oops\"}\n\n";
        sse::response(
            vec![bad.to_string(), sse::DONE.to_string()],
            Ending::Complete,
            &[],
        )
    } else {
        raw_response(
            StatusCode::OK,
            "application/json",
            "{\"id\": \"chatcmpl-malformed\", \"object\": \"chat.completion\", \"choices\": [ <not json",
        )
    }
}

/// `{"error":{"message","type","param":null,"code"}}`.
fn error_body(message: &str, kind: &str, code: Value) -> Value {
    json!({"error": {"message": message, "type": kind, "param": null, "code": code}})
}

/// The status and OpenAI-shaped body of an [`ApiError`].
fn error_parts(err: &ApiError, model: &str) -> (StatusCode, Value) {
    let model = if model.is_empty() { "gpt-4o" } else { model };
    match err {
        ApiError::ContextLength => (
            StatusCode::BAD_REQUEST,
            error_body(
                "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens. Please reduce the length of the messages.",
                "invalid_request_error",
                json!("context_length_exceeded"),
            ),
        ),
        ApiError::RateLimited => (
            StatusCode::TOO_MANY_REQUESTS,
            error_body(
                &format!(
                    "Rate limit reached for {model} in organization org-testserver on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s. Visit https://platform.openai.com/account/rate-limits to learn more."
                ),
                "requests",
                json!("rate_limit_exceeded"),
            ),
        ),
        ApiError::ServerError => (
            StatusCode::INTERNAL_SERVER_ERROR,
            error_body(
                "The server had an error while processing your request. Sorry about that!",
                "server_error",
                Value::Null,
            ),
        ),
        ApiError::Overloaded => (
            StatusCode::SERVICE_UNAVAILABLE,
            error_body(
                "The engine is currently overloaded, please try again later.",
                "server_error",
                Value::Null,
            ),
        ),
        ApiError::Authentication => (
            StatusCode::UNAUTHORIZED,
            error_body(
                "Incorrect API key provided: sk-****. You can find your API key at https://platform.openai.com/account/api-keys.",
                "invalid_request_error",
                json!("invalid_api_key"),
            ),
        ),
        ApiError::InvalidRequest(msg) => (
            StatusCode::BAD_REQUEST,
            error_body(msg, "invalid_request_error", Value::Null),
        ),
        ApiError::NotFound(msg) => (
            StatusCode::NOT_FOUND,
            error_body(msg, "invalid_request_error", Value::Null),
        ),
    }
}

/// An OpenAI-shaped error response, with `Retry-After` when given.
pub(crate) fn error_response(err: &ApiError, retry_after: Option<u64>, model: &str) -> Response {
    let (status, body) = error_parts(err, model);
    with_retry_after(json_response(status, &body), retry_after)
}

/// The OpenAI body for a bare [`Reply::Status`] code.
pub(crate) fn generic_error(code: StatusCode, model: &str) -> Value {
    let known = match code.as_u16() {
        401 => Some(ApiError::Authentication),
        429 => Some(ApiError::RateLimited),
        500 => Some(ApiError::ServerError),
        503 => Some(ApiError::Overloaded),
        _ => None,
    };
    match known {
        Some(err) => error_parts(&err, model).1,
        None if code.is_server_error() => error_body(
            &format!("scripted server error (HTTP {})", code.as_u16()),
            "server_error",
            Value::Null,
        ),
        None => error_body(
            &format!("scripted error (HTTP {})", code.as_u16()),
            "invalid_request_error",
            Value::Null,
        ),
    }
}

/// `GET …/models`: the OpenAI list shape.
pub(crate) fn models() -> Response {
    let ids = [
        "gpt-4o",
        "gpt-4o-mini",
        "whisper-1",
        "claude-sonnet-4-5",
        "scripted-model",
    ];
    let data: Vec<Value> = ids
        .iter()
        .map(|id| json!({"id": id, "object": "model", "created": 1_700_000_000u64, "owned_by": "ralex-model-testserver"}))
        .collect();
    json_response(StatusCode::OK, &json!({"object": "list", "data": data}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_messages() {
        assert!(parse(&Value::Null).is_err());
        assert!(parse(&json!({"messages": [{"role": "user", "content": "x"}]})).is_err());
        assert!(parse(&json!({"model": "m", "messages": []})).is_err());
        assert!(parse(&json!({"model": "m", "messages": [{"role":"user","content":"x"}], "stream_options": {"include_usage": true}})).is_err());
        let ok = parse(
            &json!({"model": "m", "messages": [{"role":"user","content":"x"}], "stream": true, "stream_options": {"include_usage": true}}),
        );
        assert!(
            ok.as_ref()
                .is_ok_and(|r| r.include_usage && r.stream && r.last_user_text == "x")
        );
    }
}
