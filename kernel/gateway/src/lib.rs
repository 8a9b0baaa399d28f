//! `ralex-gateway`: the kernel's HTTP API (DESIGN.md §5) over the orchestrator.
//!
//! Owns: the routes ([`routes`]), bearer-token authentication with a failed-attempt
//! limit ([`auth`], [`tokens`]), the error shape ([`error`]), request-size limits,
//! live progress events over a WebSocket, Prometheus metrics ([`metrics`]), the
//! web UI's files ([`routes::ui`]), and serving with graceful shutdown ([`serve`]).
//!
//! Must never: answer a route but `/health` without a valid token, let a browser
//! on another origin listen to events, or answer a client's bad input with a 5xx.

pub mod auth;
pub mod error;
pub mod json;
pub mod metrics;
pub mod openapi;
pub mod routes;
pub mod server;
pub mod state;
pub mod tls;
pub mod tokens;
pub mod who;

use std::future::Future;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use tokio::net::TcpListener;

pub use error::ApiError;
pub use state::{AppState, Limiter, PluginInfo, Project};
pub use tokens::{Caller, Scope};

/// Largest request body accepted (JSON commands are small).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The gateway's routes over `state`.
pub fn router(state: AppState) -> Router {
    let authed = Router::new()
        .route(
            "/v4/voice-command",
            post(routes::voice::voice_command).layer(DefaultBodyLimit::max(
                routes::audio::MAX_AUDIO_BYTES + 64 * 1024,
            )),
        )
        .route("/v4/undo", post(routes::undo::undo))
        .route("/v4/status", get(routes::status::status))
        .route("/v4/context/{session_id}", get(routes::context::context))
        .route(
            "/v4/plugins",
            get(routes::plugins::list).post(routes::plugins::install),
        )
        .route("/v4/workflow/{name}", post(routes::workflow::start))
        .route("/v4/workflow/runs/{id}", get(routes::workflow::run))
        .route(
            "/v4/workflow/runs/{id}/confirm",
            post(routes::workflow::confirm),
        )
        .route("/v4/events", get(routes::events::events))
        .route("/metrics", get(routes::metrics::metrics))
        .route("/v1/models", get(routes::openai::models))
        .route(
            "/v1/chat/completions",
            post(routes::openai::chat_completions),
        )
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::require_token,
        ));
    Router::new()
        .route("/health", get(routes::health::health))
        .route("/openapi.json", get(openapi::openapi_json))
        .merge(authed)
        .fallback(routes::ui::serve)
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                axum::http::StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "this route does not take that method; see /openapi.json",
            )
        })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

/// Serves `router` on `listener` until `shutdown` resolves; requests in flight
/// finish first. With `tls`, every connection is TLS.
pub async fn serve(
    listener: TcpListener,
    tls: Option<std::sync::Arc<rustls::ServerConfig>>,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    match tls {
        None => server::run(listener, router, shutdown).await,
        Some(config) => {
            server::run(tls::TlsListener::new(listener, config), router, shutdown).await
        }
    }
}
