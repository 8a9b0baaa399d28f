//! Bearer-token authentication for every route but `/health`.
//!
//! Owns: reading the token (the `Authorization: Bearer` header; for the
//! WebSocket, whose browser API cannot set headers, also `?token=`), checking it
//! against the store, refusing with 401 — and bad attempts with 429 once their
//! address has failed too often in a minute (a valid token always gets through,
//! so an attacker cannot lock others out) — and handing the [`Caller`] to the route.

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::state::AppState;
use crate::tokens::{Caller, verify};

/// Checks the request's token; the route gets the [`Caller`] as an extension.
pub async fn require_token(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<crate::tls::Peer>,
    mut request: Request,
    next: Next,
) -> Response {
    let ip = peer.0.ip();
    let presented = bearer(&request).or_else(|| query_token(&request));
    let caller = match presented.as_deref().map(|t| verify(&state.store, t)) {
        Some(Ok(Some(caller))) => Some(caller),
        Some(Ok(None)) | None => None,
        Some(Err(e)) => {
            return ApiError::internal(format!("cannot check the token: {e}")).into_response();
        }
    };
    let Some(caller) = caller else {
        if presented.is_none() {
            // No token at all guesses nothing: a plain 401, not counted.
            return unauthorized(
                &state,
                "this route needs a token: send `Authorization: Bearer <token>` (create one with `ralex token create --name NAME`)",
            );
        }
        // A valid token always gets through; bad tokens from an address that has
        // failed too often are refused without looking further.
        if state.limiter.locked(ip) {
            let error = ApiError::rate_limited(
                "too many failed attempts with bad tokens from this address; wait a minute and check the token",
            );
            state.metrics.http(error.status.as_u16());
            return error.into_response();
        }
        state.limiter.fail(ip);
        return unauthorized(
            &state,
            "the token is not valid (wrong, revoked or mistyped); `ralex token list` shows the live ones",
        );
    };
    request.extensions_mut().insert(caller);
    let response = next.run(request).await;
    state.metrics.http(response.status().as_u16());
    response
}

fn unauthorized(state: &AppState, message: &str) -> Response {
    state.metrics.http(401);
    let mut response = ApiError::unauthorized(message).into_response();
    response.headers_mut().insert(
        axum::http::header::WWW_AUTHENTICATE,
        axum::http::HeaderValue::from_static("Bearer realm=\"ralex\""),
    );
    response
}

fn bearer(request: &Request) -> Option<String> {
    let value = request.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

/// `?token=` — accepted only on the WebSocket route.
fn query_token(request: &Request) -> Option<String> {
    if request.uri().path() != "/v4/events" {
        return None;
    }
    request.uri().query()?.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == "token").then(|| value.to_owned())
    })
}

/// The caller of an authenticated route.
pub fn caller(request_caller: Option<&Caller>) -> Result<&Caller, ApiError> {
    request_caller.ok_or_else(|| ApiError::internal("the route ran without authentication"))
}
