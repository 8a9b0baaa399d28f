//! The request a plugin sends and the response it gets back.
//!
//! Owns: the plain data types of the `http` capability. Nothing here is
//! validated; [`crate::Egress::fetch`] checks every field before use.

use std::time::Duration;

/// An outbound request, as the plugin asked for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// `GET`, `POST`, ... (case-insensitive).
    pub method: String,
    /// An absolute `http://` or `https://` URL.
    pub url: String,
    /// Request headers; `Host`, `Content-Length` and hop-by-hop headers are refused.
    pub headers: Vec<(String, String)>,
    /// The body, if any.
    pub body: Option<Vec<u8>>,
    /// The timeout for this request (default and ceiling come from [`crate::Limits`]).
    pub timeout: Option<Duration>,
}

impl Request {
    /// A `GET` of `url` with no headers, no body and the default timeout.
    pub fn get(url: impl Into<String>) -> Request {
        Request {
            method: "GET".to_owned(),
            url: url.into(),
            headers: Vec::new(),
            body: None,
            timeout: None,
        }
    }
}

/// The final response (after redirects).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The HTTP status code.
    pub status: u16,
    /// Response headers in order; values that are not UTF-8 are decoded lossily.
    pub headers: Vec<(String, String)>,
    /// The body, at most the limit's size.
    pub body: Vec<u8>,
    /// The URL that answered, after any redirects.
    pub final_url: String,
}
