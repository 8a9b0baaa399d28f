//! Spoken commands as audio: `POST /v4/voice-command` as multipart/form-data with
//! an `audio` part (and `session_id`, optionally `project`, `dry_run`, `confirm`,
//! `confirmation_id` as text parts). The audio goes to the configured
//! speech-to-text model (OpenAI-compatible `/audio/transcriptions`), with the
//! project's names — its files and folders, split into words — as the
//! transcription prompt, so "parse config" is heard as the project spells it.

use std::collections::BTreeSet;

use axum::extract::{FromRequest, Multipart, Request};
use axum::http::StatusCode;
use ralex_caps::workspace::{Workspace, WorkspaceLimits};
use ralex_models::ModelError;
use ralex_models::stt::Audio;

use crate::error::ApiError;
use crate::routes::voice::VoiceCommand;
use crate::state::AppState;
use crate::tokens::Caller;
use crate::who::who;

/// Largest audio accepted (the OpenAI transcription limit).
pub const MAX_AUDIO_BYTES: usize = 25 * 1024 * 1024;

/// Most characters of project vocabulary sent as the transcription prompt.
const MAX_PROMPT_CHARS: usize = 800;

/// What a multipart command said.
pub struct Heard {
    /// The command, with the transcript as its words.
    pub command: VoiceCommand,
    /// What the speech-to-text model heard.
    pub transcript: String,
}

/// Reads the parts, transcribes the audio.
pub async fn read(state: &AppState, caller: &Caller, request: Request) -> Result<Heard, ApiError> {
    let mut multipart = Multipart::from_request(request, state)
        .await
        .map_err(|e| ApiError::bad_request(format!("the multipart body cannot be read: {e}")))?;
    let mut audio: Option<(Vec<u8>, String, String)> = None;
    let mut fields = std::collections::HashMap::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| part_error(&e.to_string()))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "audio" {
            let filename = field.file_name().unwrap_or("command.webm").to_owned();
            let mime = field.content_type().unwrap_or("audio/webm").to_owned();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| part_error(&e.to_string()))?;
            audio = Some((bytes.to_vec(), filename, mime));
        } else {
            let text = field.text().await.map_err(|e| part_error(&e.to_string()))?;
            fields.insert(name, text);
        }
    }
    let Some((bytes, filename, mime)) = audio else {
        return Err(ApiError::bad_request(
            "the multipart body has no `audio` part; send the recording as `audio` (or send JSON with `command`)",
        ));
    };
    let flag = |name: &str| fields.get(name).is_some_and(|v| v == "true" || v == "1");
    let session_id = fields.get("session_id").cloned().unwrap_or_default();
    let project = fields.get("project").cloned().filter(|p| !p.is_empty());
    let root = state
        .project(project.as_deref())
        .ok_or_else(|| ApiError::not_found("no such project is served here"))?
        .root
        .clone();
    let models = state.orchestrator.models().filter(|m| m.stt().is_some()).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "no_speech_to_text",
            "no speech-to-text model is configured: set `stt_model` on a provider in ralex.toml (or RALEX_STT_MODEL), or send the command as text",
        )
    })?;
    let prompt = vocabulary(&root);
    let actor = who(caller).actor;
    let heard = models
        .transcribe(
            Audio {
                bytes: &bytes,
                filename: &filename,
                mime: &mime,
                prompt: Some(&prompt),
                language: fields.get("language").map(String::as_str),
            },
            &actor,
            Some(&session_id)
                .filter(|s| !s.is_empty())
                .map(String::as_str),
        )
        .await
        .map_err(|e| match e {
            ModelError::Invalid(why) => {
                ApiError::bad_request(format!("the audio cannot be transcribed: {why}"))
            }
            ModelError::Budget(why) => ApiError::new(StatusCode::TOO_MANY_REQUESTS, "budget", why),
            other => ApiError::new(
                StatusCode::BAD_GATEWAY,
                "speech_to_text_failed",
                format!("the speech-to-text model failed: {other}"),
            ),
        })?;
    Ok(Heard {
        transcript: heard.text.clone(),
        command: VoiceCommand {
            command: heard.text,
            session_id,
            project,
            dry_run: flag("dry_run"),
            confirm: flag("confirm"),
            confirmation_id: fields
                .get("confirmation_id")
                .cloned()
                .filter(|c| !c.is_empty()),
        },
    })
}

fn part_error(why: &str) -> ApiError {
    if why.contains("limit") || why.contains("too large") {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!(
                "the upload is larger than {} MiB",
                MAX_AUDIO_BYTES / 1024 / 1024
            ),
        )
    } else {
        ApiError::bad_request(format!("a multipart part cannot be read: {why}"))
    }
}

/// The project's names as words for the transcription prompt: folder and file
/// names without extensions, split at `_`, `-` and `.`, most common first.
pub fn vocabulary(root: &std::path::Path) -> String {
    let Ok(workspace) = Workspace::open(root, WorkspaceLimits::default()) else {
        return String::new();
    };
    let files = workspace.files().unwrap_or_default();
    let mut names: BTreeSet<String> = BTreeSet::new();
    for file in files.iter().take(5_000) {
        for (i, segment) in file.split('/').enumerate() {
            let last = i == file.matches('/').count();
            let stem = if last {
                segment.rsplit_once('.').map_or(segment, |(s, _)| s)
            } else {
                segment
            };
            if stem.len() > 2 && !stem.starts_with('.') {
                names.insert(stem.to_owned());
            }
        }
    }
    let mut prompt = String::new();
    for name in names {
        if prompt.len() + name.len() + 2 > MAX_PROMPT_CHARS {
            break;
        }
        if !prompt.is_empty() {
            prompt.push_str(", ");
        }
        prompt.push_str(&name);
    }
    prompt
}
