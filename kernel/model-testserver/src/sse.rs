//! Server-sent events framing and the streaming HTTP response.
//!
//! Owns how one event is written (`data:` and optional `event:` lines) and how a list
//! of events becomes a `text/event-stream` response that either ends cleanly or is
//! aborted mid-way (for [`Reply::Truncated`](crate::Reply::Truncated)).

use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use futures_util::stream::{self, StreamExt};
use serde_json::Value;

/// The OpenAI end-of-stream marker.
pub(crate) const DONE: &str = "data: [DONE]\n\n";

/// An unnamed event: `data: <json>\n\n` (OpenAI style).
pub(crate) fn data(v: &Value) -> String {
    format!("data: {v}\n\n")
}

/// A named event: `event: <name>\ndata: <json>\n\n` (Anthropic style).
pub(crate) fn event(name: &str, v: &Value) -> String {
    format!("event: {name}\ndata: {v}\n\n")
}

/// How the stream ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ending {
    /// The body ends normally after the last event.
    Complete,
    /// The connection is aborted after the last event: the chunked body is never
    /// terminated, so the client sees an incomplete body.
    Abort,
}

/// A `200 text/event-stream` response sending `events` one by one.
pub(crate) fn response(
    events: Vec<String>,
    ending: Ending,
    extra: &[(&'static str, String)],
) -> Response {
    let items = stream::iter(events.into_iter().map(Ok::<String, std::io::Error>));
    let body = match ending {
        Ending::Complete => Body::from_stream(items),
        Ending::Abort => {
            let abort = stream::once(async {
                // Let the events already written be flushed before the connection dies.
                tokio::time::sleep(Duration::from_millis(30)).await;
                Err(std::io::Error::other("scripted truncation"))
            });
            Body::from_stream(items.chain(abort))
        }
    };
    let mut resp = Response::new(body);
    *resp.status_mut() = StatusCode::OK;
    let headers = resp.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    for (name, value) in extra {
        if let Ok(v) = HeaderValue::from_str(value) {
            headers.insert(*name, v);
        }
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn framing() {
        assert_eq!(data(&json!({"a":1})), "data: {\"a\":1}\n\n");
        assert_eq!(
            event("ping", &json!({"type":"ping"})),
            "event: ping\ndata: {\"type\":\"ping\"}\n\n"
        );
    }
}
