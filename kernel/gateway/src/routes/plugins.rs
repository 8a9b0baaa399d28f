//! `GET /v4/plugins` (the plugins the kernel found, loaded or refused) and `POST
//! /v4/plugins` (installing one: admin tokens only; not built yet — 501 says so).

use axum::extract::State;
use axum::{Extension, Json};
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::state::AppState;
use crate::tokens::{Caller, Scope};

/// The plugin list.
#[utoipa::path(get, path = "/v4/plugins", tag = "plugins",
    responses(
        (status = 200, description = "Plugins found, loaded or refused", body = crate::openapi::PluginList),
        (status = 401, description = "No or bad token", body = crate::openapi::ErrorBody),
        (status = 429, description = "Too many failed attempts", body = crate::openapi::ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn list(State(state): State<AppState>) -> Json<Value> {
    Json(json!({"plugins": *state.plugins}))
}

/// Installing a plugin over HTTP.
#[utoipa::path(post, path = "/v4/plugins", tag = "plugins",
    responses(
        (status = 401, description = "No or bad token", body = crate::openapi::ErrorBody),
        (status = 403, description = "Not an admin token", body = crate::openapi::ErrorBody),
        (status = 429, description = "Too many failed attempts", body = crate::openapi::ErrorBody),
        (status = 501, description = "Not available in this version", body = crate::openapi::ErrorBody),
    ),
    security(("bearer" = [])))]
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
