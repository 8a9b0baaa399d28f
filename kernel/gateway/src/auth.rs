//! Bearer-token authentication for every route but `/health`.
//!
//! Owns: reading the token (the `Authorization: Bearer` header; for the
//! WebSocket, whose browser API cannot set headers, also `?token=`), checking it
//! against the store, refusing with 401 — and with 429 once an address has failed
//! too often in a minute — and handing the [`Caller`] to the route.

use std::net::SocketAddr;

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
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    mut request: Request,
    next: Next,
) -> Response {
    let ip = peer.ip();
    if state.limiter.locked(ip) {
        let error = ApiError::rate_limited(
            "too many failed attempts with bad tokens from this address; wait a minute and check the token",
        );
        state.metrics.http(error.status.as_u16());
        return error.into_response();
    }
    let presented = bearer(&request).or_else(|| query_token(&request));
    let Some(token) = presented else {
        state.limiter.fail(ip);
        return unauthorized(
            &state,
            "this route needs a token: send `Authorization: Bearer <token>` (create one with `ralex token create --name NAME`)",
        );
    };
    match verify(&state.store, &token) {
        Ok(Some(caller)) => {
            request.extensions_mut().insert(caller);
            let response = next.run(request).await;
            state.metrics.http(response.status().as_u16());
            response
        }
        Ok(None) => {
            state.limiter.fail(ip);
            unauthorized(
                &state,
                "the token is not valid (wrong, revoked or mistyped); `ralex token list` shows the live ones",
            )
        }
        Err(e) => ApiError::internal(format!("cannot check the token: {e}")).into_response(),
    }
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
