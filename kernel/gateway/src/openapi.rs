//! `/openapi.json`: the API's OpenAPI 3.1 document, generated from the route
//! handlers' annotations and the request/answer types (utoipa), so it cannot drift
//! from the code.

use axum::Json;
use serde::Serialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

use crate::routes;

/// `{"status":"ok","version":…}`.
#[derive(Serialize, ToSchema)]
pub struct Health {
    /// Always `ok`.
    pub status: String,
    /// The kernel's version.
    pub version: String,
}

/// The error shape of every route.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    /// `code` and `message`.
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable code (`bad_request`, `unauthorized`, `denied`, ...).
    pub code: String,
    /// What went wrong and how to fix it.
    pub message: String,
}

/// A denied command: the answer plus the error.
#[derive(Serialize, ToSchema)]
pub struct DeniedAnswer {
    /// `denied`.
    pub status: String,
    /// Why, speakable.
    pub response: String,
    /// `code` = `denied`.
    pub error: ErrorDetail,
}

/// A voice command as audio (multipart/form-data).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct AudioCommand {
    /// The recording (webm, ogg, wav, mp3, m4a).
    #[schema(value_type = String, format = Binary)]
    pub audio: Vec<u8>,
    /// The session.
    pub session_id: String,
    /// The project's name.
    pub project: Option<String>,
    /// `true` for a dry run.
    pub dry_run: Option<String>,
    /// `true` to confirm the pending confirmation.
    pub confirm: Option<String>,
    /// A confirmation id.
    pub confirmation_id: Option<String>,
    /// ISO-639-1 language hint.
    pub language: Option<String>,
}

/// The body of `POST /v4/undo`: exactly one of the two forms.
#[derive(ToSchema, serde::Deserialize)]
#[serde(untagged, deny_unknown_fields)]
#[allow(dead_code)]
pub enum UndoBody {
    /// Undo one command.
    ById {
        /// The command's undo id.
        undo_id: String,
        /// The project's name.
        project: Option<String>,
    },
    /// Undo the session's latest change.
    BySession {
        /// The session.
        #[schema(pattern = r"^[A-Za-z0-9._:-]{1,128}$")]
        session_id: String,
        /// The project's name.
        project: Option<String>,
    },
}

/// The session in a path.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub struct SessionPath {
    /// The session: 1–128 letters, digits or `-_.:`.
    #[param(pattern = r"^[A-Za-z0-9._:-]{1,128}$")]
    session_id: String,
}

/// A session's history.
#[derive(Serialize, ToSchema)]
pub struct Context {
    /// The session.
    pub session_id: String,
    /// Its commands, newest first.
    #[schema(value_type = Vec<Object>)]
    pub commands: Vec<serde_json::Value>,
}

/// The plugins.
#[derive(Serialize, ToSchema)]
pub struct PluginList {
    /// Each plugin.
    #[schema(value_type = Vec<Object>)]
    pub plugins: Vec<serde_json::Value>,
}

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A token from `ralex token create --name NAME`"))
                    .build(),
            ),
        );
    }
}

/// The document.
#[derive(OpenApi)]
#[openapi(
    info(title = "Ralex", description = "Drive work on your code by voice, safely: the kernel's HTTP API (DESIGN.md §5)."),
    paths(
        routes::health::health,
        routes::status::status,
        routes::voice::voice_command,
        routes::undo::undo,
        routes::context::context,
        routes::plugins::list,
        routes::plugins::install,
        routes::workflow::start,
        routes::workflow::run,
        routes::workflow::confirm,
        routes::workflow::apply,
        routes::workflow::discard,
        routes::events::events,
        routes::metrics::metrics,
        routes::openai::models,
        routes::openai::chat_completions,
        openapi_json,
    ),
    components(schemas(
        Health, ErrorBody, ErrorDetail, DeniedAnswer, AudioCommand, Context, PluginList,
        routes::voice::VoiceCommand, UndoBody, routes::workflow::StartBody,
        routes::status::KernelStatus, routes::status::ProjectOut, routes::status::Periods,
        routes::openai::ChatRequest, routes::openai::ChatMessage,
        ralex_orchestrator::Answer, ralex_orchestrator::ChangeOut,
        ralex_orchestrator::TestReport, ralex_orchestrator::Status,
    )),
    modifiers(&Bearer),
)]
pub struct ApiDoc;

/// `GET /openapi.json` (no token needed: it describes, it does not act).
#[utoipa::path(get, path = "/openapi.json", tag = "kernel",
    responses((status = 200, description = "This document", body = Object)))]
pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
