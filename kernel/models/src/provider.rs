//! One provider over HTTP: sends a body, reads a whole answer or an SSE stream, and
//! turns everything that can go wrong into a classified [`Failure`].
//!
//! Owns: URLs and headers per wire format (the key goes in exactly one header and
//! nowhere else), timeouts (to the response headers, and between stream chunks),
//! size caps on answers, and the text deltas handed out while a stream runs.
//! Redirects are never followed: a key must not travel to a host it was not meant for.

use std::time::Duration;

use futures_util::StreamExt;
use serde_json::Value;

use crate::catalogue::{ModelSpec, ProviderSpec};
use crate::config::ProviderKind;
use crate::error::{Failure, FailureKind};
use crate::key::ApiKey;
use crate::retry;
use crate::types::{ChatRequest, Completion};
use crate::wire::{self, anthropic, openai, sse};

/// Largest whole answer or error body read.
const MAX_BODY: usize = 16 << 20;

/// How long to wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Until the response headers arrive.
    pub headers: Duration,
    /// Between two chunks of the body.
    pub idle: Duration,
}

/// A configured provider with its key.
pub struct Provider {
    spec: ProviderSpec,
    key: Option<ApiKey>,
    client: reqwest::Client,
}

impl std::fmt::Debug for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Provider")
            .field("name", &self.spec.config.name)
            .field("key", &self.key.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

/// The HTTP client model calls use: no redirects, a short connect timeout, no
/// Nagle delay.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(10))
        .tcp_nodelay(true)
        .build()
        .unwrap_or_default()
}

fn transport(error: &reqwest::Error, partial: &str) -> Failure {
    let kind = if error.is_timeout() {
        FailureKind::Timeout
    } else if partial.is_empty() {
        FailureKind::Connect
    } else {
        FailureKind::Truncated
    };
    let mut failure = Failure::new(kind, without_url(error));
    failure.partial_output = partial.to_string();
    failure
}

/// reqwest's message without the URL (the URL is in the provider's name already).
fn without_url(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    if let Some(url) = error.url() {
        text = text
            .replace(&format!(" ({url})"), "")
            .replace(url.as_str(), "the provider");
    }
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

impl Provider {
    /// A provider with its key (none for keyless local servers).
    pub fn new(spec: ProviderSpec, key: Option<ApiKey>, client: reqwest::Client) -> Provider {
        Provider { spec, key, client }
    }

    /// Its name.
    pub fn name(&self) -> &str {
        &self.spec.config.name
    }

    /// Its specification.
    pub fn spec(&self) -> &ProviderSpec {
        &self.spec
    }

    /// Whether a key is loaded.
    pub fn has_key(&self) -> bool {
        self.key.is_some()
    }

    /// The key, for the speech-to-text request of this provider.
    pub(crate) fn key(&self) -> Option<&ApiKey> {
        self.key.as_ref()
    }

    pub(crate) fn client(&self) -> &reqwest::Client {
        &self.client
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}/{path}", self.spec.config.base_url.trim_end_matches('/'))
    }

    /// The request body for `model`; an error means the request itself is invalid.
    pub fn body(
        &self,
        model: &ModelSpec,
        request: &ChatRequest,
        max_tokens: u32,
        stream: bool,
    ) -> Result<Value, String> {
        match self.spec.config.kind {
            ProviderKind::Openai => {
                let official = reqwest::Url::parse(&self.spec.config.base_url)
                    .ok()
                    .and_then(|u| u.host_str().map(|h| h == "api.openai.com"))
                    .unwrap_or(false);
                let field = if official {
                    "max_completion_tokens"
                } else {
                    "max_tokens"
                };
                openai::encode(request, &model.api_name, max_tokens, field, stream)
            }
            ProviderKind::Anthropic => {
                anthropic::encode(request, &model.api_name, max_tokens, stream)
            }
        }
    }

    fn post(&self, body: &Value) -> reqwest::RequestBuilder {
        let (path, builder) = match self.spec.config.kind {
            ProviderKind::Openai => ("chat/completions", None),
            ProviderKind::Anthropic => ("messages", Some(anthropic::VERSION)),
        };
        let mut request = self.client.post(self.url(path)).json(body);
        match (self.spec.config.kind, &self.key) {
            (ProviderKind::Openai, Some(key)) => request = request.bearer_auth(key.expose()),
            (ProviderKind::Anthropic, Some(key)) => {
                request = request.header("x-api-key", key.expose())
            }
            _ => {}
        }
        if let Some(version) = builder {
            request = request.header("anthropic-version", version);
        }
        request
    }

    fn error(&self, status: u16, body: &[u8]) -> Failure {
        match self.spec.config.kind {
            ProviderKind::Openai => openai::error(status, body),
            ProviderKind::Anthropic => anthropic::error(status, body),
        }
    }

    /// Sends `body` and reads the answer; text deltas of a stream go to `on_delta`.
    pub async fn send(
        &self,
        body: &Value,
        stream: bool,
        timeouts: Timeouts,
        on_delta: &mut (dyn FnMut(&str) + Send),
    ) -> Result<Completion, Failure> {
        let response = match tokio::time::timeout(timeouts.headers, self.post(body).send()).await {
            Err(_) => {
                return Err(Failure::new(
                    FailureKind::Timeout,
                    format!("no answer within {} s", timeouts.headers.as_secs_f32()),
                ));
            }
            Ok(Err(e)) => return Err(transport(&e, "")),
            Ok(Ok(response)) => response,
        };
        let status = response.status().as_u16();
        if !response.status().is_success() {
            let hint = retry::retry_after(response.headers());
            let bytes = read_body(response, timeouts.idle).await.unwrap_or_default();
            let mut failure = self.error(status, &bytes);
            failure.status = Some(status);
            failure.retry_after = hint;
            return Err(failure);
        }
        let event_stream = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/event-stream"));
        if !(stream && event_stream) {
            let bytes = read_body(response, timeouts.idle).await?;
            let completion = match self.spec.config.kind {
                ProviderKind::Openai => openai::decode(&bytes),
                ProviderKind::Anthropic => anthropic::decode(&bytes),
            }?;
            if !completion.message.content.is_empty() {
                on_delta(&completion.message.content);
            }
            return Ok(completion);
        }
        match self.spec.config.kind {
            ProviderKind::Openai => {
                let mut state = openai::Stream::new();
                pump(response, timeouts.idle, on_delta, &mut state).await?;
                state.finish()
            }
            ProviderKind::Anthropic => {
                let mut state = anthropic::Stream::new();
                pump(response, timeouts.idle, on_delta, &mut state).await?;
                state.finish()
            }
        }
    }
}

/// Reads SSE events until the body ends, feeding each to `handle`.
async fn pump(
    response: reqwest::Response,
    idle: Duration,
    on_delta: &mut (dyn FnMut(&str) + Send),
    state: &mut dyn wire::StreamState,
) -> Result<(), Failure> {
    let mut parser = sse::Parser::new();
    let mut body = response.bytes_stream();
    loop {
        let chunk = match tokio::time::timeout(idle, body.next()).await {
            Err(_) => {
                let mut failure = Failure::new(
                    FailureKind::Timeout,
                    format!("the stream stalled for {} s", idle.as_secs_f32()),
                );
                failure.partial_output = state.partial().to_string();
                return Err(failure);
            }
            Ok(None) => return Ok(()),
            Ok(Some(Err(e))) => return Err(transport(&e, state.partial())),
            Ok(Some(Ok(chunk))) => chunk,
        };
        for event in parser.feed(&chunk) {
            match state.event(&event) {
                Ok(Some(delta)) => on_delta(&delta),
                Ok(None) => {}
                Err(mut failure) => {
                    failure.partial_output = state.partial().to_string();
                    return Err(failure);
                }
            }
        }
    }
}

/// Reads a whole body within the idle timeout and the size cap.
async fn read_body(response: reqwest::Response, idle: Duration) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    let mut body = response.bytes_stream();
    loop {
        match tokio::time::timeout(idle, body.next()).await {
            Err(_) => {
                return Err(Failure::new(
                    FailureKind::Timeout,
                    format!("the answer stalled for {} s", idle.as_secs_f32()),
                ));
            }
            Ok(None) => return Ok(bytes),
            Ok(Some(Err(e))) => {
                let mut failure = transport(&e, "");
                if !bytes.is_empty() {
                    failure.kind = FailureKind::Truncated;
                }
                return Err(failure);
            }
            Ok(Some(Ok(chunk))) => {
                if bytes.len() + chunk.len() > MAX_BODY {
                    return Err(wire::malformed(
                        "answer",
                        format!("it is larger than {} MiB", MAX_BODY >> 20),
                    ));
                }
                bytes.extend_from_slice(&chunk);
            }
        }
    }
}
