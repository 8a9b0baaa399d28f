//! Speech-to-text: `POST …/audio/transcriptions` in the OpenAI format.
//!
//! Owns a small `multipart/form-data` parser (enough for what HTTP clients send:
//! boundary from `Content-Type`, `Content-Disposition` name/filename, part
//! `Content-Type`), the recording form of a parsed form, and rendering a [`Reply`] as
//! a transcription (`{"text": ...}`, or plain text for `response_format=text`).

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde_json::{Map, Value, json};

use crate::http::{json_response, raw_response, status_response};
use crate::openai;
use crate::record::RecordedFile;
use crate::reply::{ApiError, Reply, cut_in_half};
use crate::server::Shared;

/// The transcript sent when no reply is queued.
pub const DEFAULT_TRANSCRIPT: &str = "echo transcription";

/// One part of a multipart form.
#[derive(Debug, Clone)]
pub(crate) struct Part {
    name: String,
    filename: Option<String>,
    content_type: Option<String>,
    data: Vec<u8>,
}

/// A parsed multipart form.
#[derive(Debug, Clone, Default)]
pub(crate) struct Form {
    parts: Vec<Part>,
}

impl Form {
    /// The non-file fields as a JSON object; repeated names become arrays.
    pub(crate) fn fields_json(&self) -> Value {
        let mut map = Map::new();
        for part in self.parts.iter().filter(|p| p.filename.is_none()) {
            let value = Value::String(String::from_utf8_lossy(&part.data).into_owned());
            match map.get_mut(&part.name) {
                None => {
                    map.insert(part.name.clone(), value);
                }
                Some(Value::Array(items)) => items.push(value),
                Some(existing) => {
                    let first = existing.take();
                    *existing = Value::Array(vec![first, value]);
                }
            }
        }
        Value::Object(map)
    }

    /// The file parts, for the request log.
    pub(crate) fn files(&self) -> Vec<RecordedFile> {
        self.parts
            .iter()
            .filter(|p| p.filename.is_some())
            .map(|p| RecordedFile {
                field: p.name.clone(),
                filename: p.filename.clone(),
                content_type: p.content_type.clone(),
                size: p.data.len(),
            })
            .collect()
    }

    fn field(&self, name: &str) -> Option<String> {
        self.parts
            .iter()
            .find(|p| p.name == name && p.filename.is_none())
            .map(|p| String::from_utf8_lossy(&p.data).into_owned())
    }

    fn has_part(&self, name: &str) -> bool {
        self.parts.iter().any(|p| p.name == name)
    }
}

/// Parses a `multipart/form-data` request body.
pub(crate) fn parse(headers: &HeaderMap, body: &[u8]) -> Result<Form, String> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let boundary = boundary(content_type).ok_or_else(|| {
        format!("Invalid Content-Type header ({content_type}), expected multipart/form-data with a boundary.")
    })?;
    parse_body(body, &boundary).map(|parts| Form { parts })
}

/// The `boundary` parameter of a `multipart/form-data` content type.
fn boundary(content_type: &str) -> Option<String> {
    let mut params = split_params(content_type).into_iter();
    let mime = params.next()?;
    if !mime.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params
        .filter_map(|p| param(&p, "boundary"))
        .find(|b| !b.is_empty())
}

/// Splits a header value on `;` outside double quotes.
fn split_params(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in value.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            ';' if !quoted => out.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    out.push(current);
    out
}

/// The value of `key=value` / `key="value"` if `p` is that parameter.
fn param(p: &str, key: &str) -> Option<String> {
    let (k, v) = p.split_once('=')?;
    if !k.trim().eq_ignore_ascii_case(key) {
        return None;
    }
    let v = v.trim();
    let v = v
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(v);
    Some(v.to_string())
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

fn parse_body(body: &[u8], boundary: &str) -> Result<Vec<Part>, String> {
    let delim = format!("--{boundary}").into_bytes();
    let mut next_delim = b"\r\n".to_vec();
    next_delim.extend_from_slice(&delim);
    let start = find(body, &delim, 0).ok_or("multipart body has no boundary")?;
    let mut pos = start + delim.len();
    let mut parts = Vec::new();
    loop {
        let rest = body.get(pos..).unwrap_or_default();
        if rest.starts_with(b"--") {
            return Ok(parts);
        }
        if !rest.starts_with(b"\r\n") {
            return Err("malformed multipart body (boundary not followed by CRLF)".into());
        }
        pos += 2;
        let head_end = find(body, b"\r\n\r\n", pos).ok_or("malformed multipart part headers")?;
        let head =
            String::from_utf8_lossy(body.get(pos..head_end).unwrap_or_default()).into_owned();
        let data_start = head_end + 4;
        let data_end = find(body, &next_delim, data_start).ok_or("unterminated multipart part")?;
        let data = body.get(data_start..data_end).unwrap_or_default().to_vec();
        parts.push(part(&head, data)?);
        pos = data_end + next_delim.len();
    }
}

fn part(head: &str, data: Vec<u8>) -> Result<Part, String> {
    let mut name = None;
    let mut filename = None;
    let mut content_type = None;
    for line in head.split("\r\n") {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let key = key.trim();
        if key.eq_ignore_ascii_case("content-disposition") {
            for p in split_params(value).iter().skip(1) {
                name = name.or_else(|| param(p, "name"));
                filename = filename.or_else(|| param(p, "filename"));
            }
        } else if key.eq_ignore_ascii_case("content-type") {
            content_type = Some(value.trim().to_string());
        }
    }
    let name = name.ok_or("multipart part without a name")?;
    Ok(Part {
        name,
        filename,
        content_type,
        data,
    })
}

/// Handles `POST …/audio/transcriptions` given the parsed (or failed) form.
pub(crate) async fn handle(shared: &Shared, form: Result<Form, String>) -> Response {
    let bad =
        |msg: &str| openai::error_response(&ApiError::InvalidRequest(msg.to_string()), None, "");
    let form = match form {
        Ok(f) => f,
        Err(msg) => return bad(&msg),
    };
    if !form.has_part("file") {
        return bad("Missing required parameter: 'file'.");
    }
    let Some(model) = form.field("model").filter(|m| !m.is_empty()) else {
        return bad("you must provide a model parameter");
    };
    let format = form
        .field("response_format")
        .unwrap_or_else(|| "json".into());
    let text = match shared.next_reply().await {
        None => DEFAULT_TRANSCRIPT.to_string(),
        Some(Reply::Transcription { text } | Reply::Chat { text, .. }) => text,
        Some(Reply::Status {
            status,
            retry_after,
            body,
        }) => {
            return status_response(status, retry_after, &body, |c| {
                openai::generic_error(c, &model)
            });
        }
        Some(Reply::Error { error, retry_after }) => {
            return openai::error_response(&error, retry_after, &model);
        }
        Some(Reply::Truncated { text, .. }) => {
            let full = json!({"text": text}).to_string();
            return raw_response(StatusCode::OK, "application/json", cut_in_half(&full));
        }
        Some(Reply::Malformed) => {
            return raw_response(
                StatusCode::OK,
                "application/json",
                "{\"text\": \"unterminated",
            );
        }
        // `next_reply` has already waited out every delay.
        Some(Reply::Slow { .. }) => {
            return openai::error_response(&ApiError::ServerError, None, &model);
        }
    };
    match format.as_str() {
        "text" => raw_response(StatusCode::OK, "text/plain; charset=utf-8", text),
        "verbose_json" => json_response(
            StatusCode::OK,
            &json!({"task": "transcribe", "language": "english", "duration": 1.0, "text": text, "segments": []}),
        ),
        _ => json_response(StatusCode::OK, &json!({"text": text})),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(body: &[u8]) -> Result<Form, String> {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("multipart/form-data; boundary=\"XyZ\""),
        );
        parse(&headers, body)
    }

    #[test]
    fn parses_fields_and_files() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a;b.wav\"\r\nContent-Type: audio/wav\r\n\r\nRIFF\r\n--\x00\x01\r\n--XyZ\r\nContent-Disposition: form-data; name=\"t[]\"\r\n\r\nword\r\n--XyZ\r\nContent-Disposition: form-data; name=\"t[]\"\r\n\r\nsegment\r\n--XyZ--\r\n";
        let f = form(body).expect("parses");
        assert_eq!(
            f.fields_json(),
            json!({"model": "whisper-1", "t[]": ["word", "segment"]})
        );
        let files = f.files();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].filename.as_deref(), Some("a;b.wav"));
        assert_eq!(files[0].content_type.as_deref(), Some("audio/wav"));
        assert_eq!(files[0].size, 10);
    }

    #[test]
    fn rejects_garbage_without_panicking() {
        for body in [
            &b""[..],
            b"--XyZ",
            b"--XyZ\r\nno headers end",
            b"--XyZ\r\n\r\nno name\r\n--XyZ--",
            b"--XyZx",
        ] {
            assert!(form(body).is_err(), "{:?}", String::from_utf8_lossy(body));
        }
        assert!(parse(&HeaderMap::new(), b"x").is_err());
    }
}
