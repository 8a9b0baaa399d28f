//! A scripted HTTP server speaking the OpenAI and Anthropic wire formats: the stand-in
//! for paid model APIs in Ralex's tests.
//!
//! This module owns the public handle, [`ScriptedServer`]; the other modules own one
//! concern each: `reply` (what to answer), `record` (what was asked), `server`
//! (routing, recording, control endpoints), `openai` / `anthropic` /
//! `transcription` (the wire formats), `sse` (event-stream framing), `http`
//! (response helpers) and `script` (replies as JSON).
//!
//! # Library use
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use ralex_model_testserver::{Reply, ScriptedServer};
//! let server = ScriptedServer::start().await?;      // 127.0.0.1, random port
//! server.push(Reply::text("hello"));               // answers the next model request
//! server.push(Reply::rate_limited(Some(2)));       // then a 429 with Retry-After: 2
//! let base = server.url();                         // "http://127.0.0.1:PORT"
//! // ... point the client at `base`, then inspect server.requests()
//! # Ok(()) }
//! ```
//!
//! # Endpoints
//!
//! Matched by method and path *suffix*, so any base-URL prefix works
//! (`/v1/chat/completions`, `/api/v1/chat/completions`, ...):
//!
//! | Request | Format |
//! |---|---|
//! | `POST …/chat/completions` | OpenAI chat completions, JSON or SSE (`"stream": true`, `stream_options.include_usage`) |
//! | `POST …/messages` | Anthropic Messages, JSON or SSE (requires the `anthropic-version` header and `max_tokens`) |
//! | `POST …/messages/count_tokens` | Anthropic token count (estimated; consumes no reply) |
//! | `POST …/audio/transcriptions` | OpenAI transcription, multipart (`file` and `model` required) |
//! | `GET …/models` | OpenAI model list |
//!
//! Each chat, message or transcription request consumes one queued [`Reply`], which
//! is rendered for the endpoint called (errors in that provider's exact shape). With
//! nothing queued, chat endpoints answer `"echo: <last user message text>"` and the
//! transcription endpoint `"echo transcription"`. A request the real API would
//! reject gets a 400 in the provider's error shape and consumes nothing. Other paths
//! get a 404 (Anthropic shape if the request has `anthropic-version`, else OpenAI).
//!
//! Every request to those paths is recorded ([`ScriptedServer::requests`]), including
//! rejected and unknown ones.
//!
//! # Control endpoints (not recorded)
//!
//! For black-box tests driving the binary:
//! - `POST /_testserver/replies` with a script (see below) queues its replies;
//! - `GET /_testserver/requests` returns the recorded requests as JSON
//!   ([`Recorded::to_json`]);
//! - `POST /_testserver/reset` empties the queue and the request log.
//!
//! # Binary and script format
//!
//! `ralex-model-testserver [--listen 127.0.0.1:0] [--script FILE.json]` prints
//! `listening on http://127.0.0.1:PORT` as its first stdout line and runs until killed.
//!
//! A script is a JSON array of replies (or a single reply object), each tagged by
//! `"kind"`; unknown fields are rejected:
//!
//! ```json
//! [
//!   {"kind": "text", "text": "Hello there"},
//!   {"kind": "chat", "text": "Let me look.",
//!    "tool_calls": [{"id": "call_1", "name": "read_file", "arguments": {"path": "README.md"}}],
//!    "input_tokens": 120, "output_tokens": 30},
//!   {"kind": "status", "status": 502, "retry_after": 1, "body": "<html>Bad gateway</html>"},
//!   {"kind": "rate_limited", "retry_after": 2},
//!   {"kind": "server_error"},
//!   {"kind": "overloaded"},
//!   {"kind": "context_length"},
//!   {"kind": "unauthorized"},
//!   {"kind": "slow", "delay_ms": 1500, "then": {"kind": "text", "text": "late"}},
//!   {"kind": "truncated", "text": "one two three four", "chunks": 2},
//!   {"kind": "malformed"},
//!   {"kind": "transcription", "text": "turn on the lights"}
//! ]
//! ```
//!
//! In `chat` every field is optional (`tool_calls[].id` defaults to `call_<n>`,
//! `arguments` to `{}`, token counts are estimated). In `status`, `retry_after` and
//! `body` are optional: a JSON object/array body is sent as is, a string body as raw
//! text (HTML if it starts with `<`), and no body means the provider-shaped error for
//! that status.

mod anthropic;
mod http;
mod openai;
mod process;
mod record;
mod reply;
mod script;
mod server;
mod sse;
mod transcription;

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use tokio::net::{TcpListener, ToSocketAddrs};
use tokio::sync::watch;

pub use process::ServerProcess;
pub use record::{Recorded, RecordedFile};
pub use reply::{ApiError, Reply, ScriptedToolCall, estimate_tokens, text_deltas};
pub use script::{ScriptReply, ScriptToolCall, parse_script};
pub use transcription::DEFAULT_TRANSCRIPT;

use server::Shared;

/// A running scripted server. Dropping it stops the server: it stops accepting
/// connections, idle keep-alive connections are closed and pending delays end.
pub struct ScriptedServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    /// Dropping this sender is the shutdown signal.
    _shutdown: watch::Sender<()>,
}

impl ScriptedServer {
    /// Starts a server on `127.0.0.1` with a random port, on the current tokio runtime.
    pub async fn start() -> anyhow::Result<ScriptedServer> {
        ScriptedServer::bind("127.0.0.1:0").await
    }

    /// Starts a server on the given address (port 0 picks a free one), on the current
    /// tokio runtime.
    pub async fn bind(addr: impl ToSocketAddrs) -> anyhow::Result<ScriptedServer> {
        let listener = TcpListener::bind(addr)
            .await
            .context("binding the scripted server")?;
        let addr = listener.local_addr().context("reading the bound address")?;
        let (tx, rx) = watch::channel(());
        let shared = Arc::new(Shared::new(rx.clone()));
        let app = server::router(shared.clone());
        let mut signal = rx;
        tokio::spawn(async move {
            let shutdown = async move {
                // Resolves (with an error) once the sender is dropped.
                let _ = signal.changed().await;
            };
            // Real providers flush each stream event at once: no Nagle delay.
            let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
                let _ = tcp.set_nodelay(true);
            });
            // Serving ends only on shutdown; an accept error has nowhere to go.
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(shutdown)
                .await;
        });
        Ok(ScriptedServer {
            addr,
            shared,
            _shutdown: tx,
        })
    }

    /// The base URL, `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Queues a reply; replies are consumed FIFO, one per model request.
    pub fn push(&self, reply: Reply) {
        self.shared.push(reply);
    }

    /// Queues several replies in order.
    pub fn push_all(&self, replies: impl IntoIterator<Item = Reply>) {
        for reply in replies {
            self.shared.push(reply);
        }
    }

    /// How many queued replies have not been consumed yet.
    pub fn pending(&self) -> usize {
        self.shared.pending()
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.requests()
    }

    /// Empties the reply queue and the request log.
    pub fn reset(&self) {
        self.shared.reset();
    }
}

impl std::fmt::Debug for ScriptedServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScriptedServer")
            .field("url", &self.url())
            .field("pending", &self.pending())
            .finish()
    }
}
