//! The request log: what every received request looked like.
//!
//! Owns [`Recorded`] and [`RecordedFile`], the helpers tests use to inspect them, and
//! their JSON rendering for the `/_testserver/requests` control endpoint.

use std::time::Instant;

use serde_json::{Value, json};

/// A file part of a multipart request (the audio of a transcription).
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedFile {
    /// The form field name (`file` for OpenAI transcriptions).
    pub field: String,
    /// The `filename` of the part, if any.
    pub filename: Option<String>,
    /// The `Content-Type` of the part, if any.
    pub content_type: Option<String>,
    /// The size of the file in bytes.
    pub size: usize,
}

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The URL path, without the query string.
    pub path: String,
    /// The raw query string, if any (e.g. `api-version=...`).
    pub query: Option<String>,
    /// Every header, names lowercased (repeated headers kept; grouped by name).
    pub headers: Vec<(String, String)>,
    /// The JSON body; `Value::Null` if it is not JSON. For a multipart request: an
    /// object of the non-file form fields (`{"model": "whisper-1", ...}`; a repeated
    /// field becomes an array), the files being listed in [`Recorded::files`].
    pub body: Value,
    /// The body bytes as received.
    pub raw_body: Vec<u8>,
    /// File parts of a multipart request.
    pub files: Vec<RecordedFile>,
    /// When the request arrived (before any scripted delay).
    pub at: Instant,
}

impl Recorded {
    /// The first value of a header (name matched case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every place `needle` occurs: `"path"`, `"query"`, `"header:<name>"`, `"body"`
    /// (the raw body bytes). Meant for checks like "the API key is sent in
    /// `authorization` and nowhere else".
    pub fn locations_of(&self, needle: &str) -> Vec<String> {
        let mut found = Vec::new();
        if needle.is_empty() {
            return found;
        }
        if self.path.contains(needle) {
            found.push("path".to_string());
        }
        if self.query.as_deref().is_some_and(|q| q.contains(needle)) {
            found.push("query".to_string());
        }
        for (name, value) in &self.headers {
            if value.contains(needle) || name.contains(needle) {
                found.push(format!("header:{name}"));
            }
        }
        let n = needle.as_bytes();
        if self.raw_body.windows(n.len()).any(|w| w == n) {
            found.push("body".to_string());
        }
        found
    }

    /// The JSON form served by `GET /_testserver/requests`: every field except
    /// `raw_body` (replaced by `raw_body_len`) and `at` (replaced by `elapsed_ms`,
    /// milliseconds since `epoch`, the server start).
    pub fn to_json(&self, epoch: Instant) -> Value {
        let headers: Vec<Value> = self.headers.iter().map(|(n, v)| json!([n, v])).collect();
        let files: Vec<Value> = self
            .files
            .iter()
            .map(|f| {
                json!({
                    "field": f.field,
                    "filename": f.filename,
                    "content_type": f.content_type,
                    "size": f.size,
                })
            })
            .collect();
        json!({
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": headers,
            "body": self.body,
            "raw_body_len": self.raw_body.len(),
            "files": files,
            "elapsed_ms": self.at.saturating_duration_since(epoch).as_millis() as u64,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_location() {
        let rec = Recorded {
            method: "POST".into(),
            path: "/v1/messages".into(),
            query: Some("k=sk-1".into()),
            headers: vec![
                ("x-api-key".into(), "sk-1".into()),
                ("content-type".into(), "application/json".into()),
            ],
            body: Value::Null,
            raw_body: b"{\"a\":\"sk-1\"}".to_vec(),
            files: Vec::new(),
            at: Instant::now(),
        };
        assert_eq!(
            rec.locations_of("sk-1"),
            vec!["query", "header:x-api-key", "body"]
        );
        assert_eq!(rec.header("X-Api-Key"), Some("sk-1"));
        assert!(rec.locations_of("absent").is_empty());
    }
}
