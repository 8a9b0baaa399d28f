//! `GET /v4/events`: a WebSocket of progress events. A token gets the events of
//! its own commands (an admin token: everyone's), optionally only of one session
//! (`?session_id=`). Browsers send an `Origin`; it must be this server's own (or
//! one configured as allowed), so another site cannot listen in. The UI confirms
//! or cancels a waiting command on the same socket ([`events_confirm`]).

use axum::Extension;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::http::header::{HOST, ORIGIN};
use axum::response::Response;
use ralex_orchestrator::Who;
use serde::Deserialize;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::mpsc;

use crate::error::ApiError;
use crate::routes::events_confirm;
use crate::state::AppState;
use crate::tokens::{Caller, Scope};
use crate::who::who;

/// Query parameters.
#[derive(Debug, Deserialize)]
pub struct EventsQuery {
    /// Only this session's events.
    #[serde(default)]
    pub session_id: Option<String>,
    /// The token, for browsers (checked by the auth layer).
    #[serde(default)]
    #[allow(dead_code)]
    pub token: Option<String>,
}

/// Upgrades to a WebSocket after the origin check.
#[utoipa::path(get, path = "/v4/events", tag = "commands",
    params(
        ("session_id" = Option<String>, Query, description = "Only this session's events"),
        ("token" = Option<String>, Query, description = "The token, for browsers that cannot send headers"),
    ),
    responses(
        (status = 101, description = "WebSocket of progress events (JSON text messages)"),
        (status = 401, description = "No or bad token", body = crate::openapi::ErrorBody),
        (status = 403, description = "Foreign origin", body = crate::openapi::ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn events(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(query): Query<EventsQuery>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    if let Some(origin) = headers.get(ORIGIN).and_then(|o| o.to_str().ok()) {
        let host = headers
            .get(HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("");
        let same = origin
            .split_once("://")
            .is_some_and(|(_, rest)| rest.trim_end_matches('/') == host);
        if !same && !state.allowed_origins.iter().any(|o| o == origin) {
            return Err(ApiError::forbidden(format!(
                "WebSocket connections from `{origin}` are not allowed; open the UI from this server, or add the origin to [gateway] allowed_origins"
            )));
        }
    }
    let who = who(&caller);
    let everyone = caller.scope == Scope::Admin;
    Ok(upgrade.on_upgrade(move |socket| forward(socket, state, who, everyone, query.session_id)))
}

/// Forwards events to the socket and answers the UI's messages
/// ([`events_confirm`]); a confirmed command runs in its own task, so its
/// progress keeps flowing while it runs.
async fn forward(
    mut socket: WebSocket,
    state: AppState,
    who: Who,
    everyone: bool,
    session: Option<String>,
) {
    let mut events = state.events.subscribe();
    let (replies_tx, mut replies) = mpsc::channel::<serde_json::Value>(16);
    let actor = who.actor.clone();
    loop {
        tokio::select! {
            Some(reply) = replies.recv() => {
                if socket.send(Message::Text(reply.to_string().into())).await.is_err() {
                    return;
                }
            }
            received = events.recv() => match received {
                Ok(event) => {
                    if !everyone && event.actor != actor {
                        continue;
                    }
                    if session.as_ref().is_some_and(|s| *s != event.session_id) {
                        continue;
                    }
                    let Ok(text) = serde_json::to_string(&event) else { continue };
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        return;
                    }
                }
                Err(RecvError::Lagged(missed)) => {
                    let note = serde_json::json!({"stage": "lagged", "message": format!("{missed} events were dropped because this connection was too slow")});
                    if socket.send(Message::Text(note.to_string().into())).await.is_err() {
                        return;
                    }
                }
                Err(RecvError::Closed) => return,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(Message::Text(text))) => {
                    let (state, who, tx) = (state.clone(), who.clone(), replies_tx.clone());
                    tokio::spawn(async move {
                        let reply = events_confirm::reply(&state, &who, &text).await;
                        let _ = tx.send(reply).await;
                    });
                }
                Some(Ok(_)) => {}
            },
        }
    }
}
