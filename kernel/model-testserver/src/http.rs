//! Small HTTP response builders shared by the wire formats.
//!
//! Owns building JSON / raw responses without panicking on odd input (invalid status
//! codes, header values), the `Retry-After` header, and [`Reply::Status`](crate::Reply::Status)
//! rendering, which is the same for every provider apart from the generic body.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::Value;

/// A status code from a scripted number; invalid numbers become 500.
pub(crate) fn status_code(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// A response with `body` sent verbatim under `content_type`.
pub(crate) fn raw_response(
    status: StatusCode,
    content_type: &'static str,
    body: impl Into<Body>,
) -> Response {
    let mut resp = Response::new(body.into());
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    resp
}

/// A JSON response.
pub(crate) fn json_response(status: StatusCode, v: &Value) -> Response {
    raw_response(status, "application/json", v.to_string())
}

/// Adds a header, silently skipping values that are not valid header values.
pub(crate) fn with_header(mut resp: Response, name: &'static str, value: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(value) {
        resp.headers_mut().insert(HeaderName::from_static(name), v);
    }
    resp
}

/// Adds `Retry-After: <seconds>` when given.
pub(crate) fn with_retry_after(resp: Response, retry_after: Option<u64>) -> Response {
    match retry_after {
        Some(secs) => with_header(resp, "retry-after", &secs.to_string()),
        None => resp,
    }
}

/// Renders [`Reply::Status`](crate::Reply::Status): a JSON body as is, a string body
/// as raw text/html, `Null` as the provider's generic error body for the status.
pub(crate) fn status_response(
    status: u16,
    retry_after: Option<u64>,
    body: &Value,
    generic: impl FnOnce(StatusCode) -> Value,
) -> Response {
    let code = status_code(status);
    let resp = match body {
        Value::Null => json_response(code, &generic(code)),
        Value::String(s) => {
            let ct = if s.trim_start().starts_with('<') {
                "text/html; charset=utf-8"
            } else {
                "text/plain; charset=utf-8"
            };
            raw_response(code, ct, s.clone())
        }
        other => json_response(code, other),
    };
    with_retry_after(resp, retry_after)
}

/// Seconds since the Unix epoch (for `created` fields).
pub(crate) fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
