//! `GET /v4/plugins` (the plugins the kernel found, loaded or refused) and `POST
//! /v4/plugins` (installing one: admin tokens only; not built yet — 501 says so).

use axum::extract::State;
use axum::{Extension, Json};
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::state::AppState;
use crate::tokens::{Caller, Scope};

/// The plugin list.
pub async fn list(State(state): State<AppState>) -> Json<Value> {
    Json(json!({"plugins": *state.plugins}))
}

/// Installing a plugin over HTTP.
pub async fn install(Extension(caller): Extension<Caller>) -> Result<Json<Value>, ApiError> {
    if caller.scope != Scope::Admin {
        return Err(ApiError::forbidden(
            "installing plugins needs an admin token (`ralex token create --name NAME --admin`)",
        ));
    }
    Err(ApiError::not_implemented(
        "installing plugins over HTTP is not available in this version; install on the machine with `ralex plugin install` once plugin installation lands",
    ))
}
