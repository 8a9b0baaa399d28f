//! Speech to text through an OpenAI-compatible `/audio/transcriptions` endpoint.
//!
//! The first enabled provider with an `stt_model` serves transcriptions (the
//! single-model environment's provider when `RALEX_STT_MODEL` is set). The caller
//! passes the project's most relevant identifiers as the `prompt`, which biases the
//! recogniser towards them ("parse_config", not "pars config"). Each attempt is
//! retried like a chat attempt and recorded in the ledger and the audit trail;
//! the cost is computed when the provider reports token usage and the catalogue
//! prices the model, and is 0 otherwise (per-minute prices are not modelled).

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::catalogue::ModelSpec;
use crate::error::{Failure, FailureKind, ModelError};
use crate::models::{Call, Models};
use crate::provider::Provider;
use crate::retry::{Backoff, Wait};
use crate::types::ChatRequest;
use crate::wire::{self, openai};

/// Largest audio accepted (OpenAI's limit).
pub const MAX_AUDIO: usize = 25 << 20;

/// One recording to transcribe.
#[derive(Debug, Clone)]
pub struct Audio<'a> {
    /// The bytes.
    pub bytes: &'a [u8],
    /// File name with an extension the server recognises ("command.webm").
    pub filename: &'a str,
    /// MIME type ("audio/webm").
    pub mime: &'a str,
    /// Words to bias recognition towards.
    pub prompt: Option<&'a str>,
    /// Language hint (ISO-639-1), if known.
    pub language: Option<&'a str>,
}

/// What was heard.
#[derive(Debug, Clone, PartialEq)]
pub struct Transcript {
    /// The text.
    pub text: String,
    /// The model that heard it.
    pub model: String,
    /// Cost in nano-dollars.
    pub cost_nusd: i64,
}

impl Models {
    /// The provider and model serving speech-to-text, if any.
    pub fn stt(&self) -> Option<(&Provider, String)> {
        let mut found: Vec<(&Provider, String)> = self
            .providers()
            .filter_map(|p| p.spec().config.stt_model.clone().map(|m| (p, m)))
            .collect();
        found.sort_by(|a, b| a.0.name().cmp(b.0.name()));
        let env = found
            .iter()
            .position(|(p, _)| p.name() == crate::catalogue::ENV_PROVIDER);
        match env {
            Some(i) => Some(found.swap_remove(i)),
            None => found.into_iter().next(),
        }
    }

    /// Transcribes `audio`; `actor`, `plugin` and `session` are for the ledger.
    pub async fn transcribe(
        &self,
        audio: Audio<'_>,
        actor: &str,
        session: Option<&str>,
    ) -> Result<Transcript, ModelError> {
        if audio.bytes.is_empty() {
            return Err(ModelError::Invalid("the audio is empty".into()));
        }
        if audio.bytes.len() > MAX_AUDIO {
            return Err(ModelError::Invalid(format!(
                "the audio is {} MiB; at most {} MiB can be transcribed — send a shorter recording",
                audio.bytes.len() >> 20,
                MAX_AUDIO >> 20
            )));
        }
        let (provider, model_name) = self.stt().ok_or_else(|| {
            ModelError::Unavailable(
                "no speech-to-text model is configured: set stt_model on a [[providers]] entry (e.g. \"gpt-4o-mini-transcribe\" or \"whisper-1\"), or RALEX_STT_MODEL with RALEX_OPENAI_BASE_URL".into(),
            )
        })?;
        let spec = self
            .catalogue()
            .model(&model_name)
            .cloned()
            .unwrap_or(ModelSpec {
                name: model_name.clone(),
                provider: provider.name().to_string(),
                api_name: model_name.clone(),
                context_window: 1,
                max_output_tokens: None,
                input_per_mtok: 0.0,
                output_per_mtok: 0.0,
                capabilities: vec!["audio".into()],
                tier: 1,
                local: provider.spec().local,
            });
        let calls = self.call_config();
        let backoff = Backoff {
            base: Duration::from_millis(calls.base_delay_ms),
            max: Duration::from_millis(calls.max_delay_ms),
        };
        let request = ChatRequest::default();
        let call = Call {
            session,
            kind: "transcribe",
            ..Call::new(&request, actor, "speech-to-text")
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            let started = Instant::now();
            let result = send(
                provider,
                &spec,
                &audio,
                Duration::from_secs(calls.timeout_s),
            )
            .await;
            match result {
                Ok((text, input, output)) => {
                    let cost = spec.cost_nusd(input, output);
                    self.meter(
                        &call,
                        &spec,
                        "model:transcribe",
                        attempt,
                        "ok",
                        input.min(u64::from(u32::MAX)) as u32,
                        output.min(u64::from(u32::MAX)) as u32,
                        cost,
                        0,
                        started.elapsed(),
                        "",
                    )?;
                    return Ok(Transcript {
                        text,
                        model: spec.name.clone(),
                        cost_nusd: cost,
                    });
                }
                Err(failure) => {
                    let failure = crate::attempt::redact(failure, provider);
                    self.meter(
                        &call,
                        &spec,
                        "model:transcribe",
                        attempt,
                        failure.kind.as_str(),
                        0,
                        0,
                        0,
                        0,
                        started.elapsed(),
                        &failure.to_string(),
                    )?;
                    if !failure.kind.retryable() || attempt >= calls.max_attempts.max(1) {
                        return Err(ModelError::Failed(format!(
                            "speech-to-text with `{}` failed: {failure}",
                            spec.name
                        )));
                    }
                    match backoff.wait(attempt, failure.retry_after) {
                        Wait::Retry(delay) => tokio::time::sleep(delay).await,
                        Wait::GiveUp(_) => {
                            return Err(ModelError::Failed(format!(
                                "speech-to-text with `{}` failed: {failure}",
                                spec.name
                            )));
                        }
                    }
                }
            }
        }
    }
}

async fn send(
    provider: &Provider,
    spec: &ModelSpec,
    audio: &Audio<'_>,
    timeout: Duration,
) -> Result<(String, u64, u64), Failure> {
    let part = reqwest::multipart::Part::bytes(audio.bytes.to_vec())
        .file_name(audio.filename.to_string())
        .mime_str(audio.mime)
        .map_err(|e| Failure::new(FailureKind::BadRequest, format!("bad MIME type: {e}")))?;
    let mut form = reqwest::multipart::Form::new()
        .part("file", part)
        .text("model", spec.api_name.clone())
        .text("response_format", "json");
    if let Some(prompt) = audio.prompt.filter(|p| !p.trim().is_empty()) {
        form = form.text("prompt", prompt.to_string());
    }
    if let Some(language) = audio.language {
        form = form.text("language", language.to_string());
    }
    let mut request = provider
        .client()
        .post(provider.url("audio/transcriptions"))
        .multipart(form);
    if let Some(key) = provider.key() {
        request = request.bearer_auth(key.expose());
    }
    let response = match tokio::time::timeout(timeout, request.send()).await {
        Err(_) => {
            return Err(Failure::new(
                FailureKind::Timeout,
                "no transcription in time",
            ));
        }
        Ok(Err(e)) => {
            let kind = if e.is_timeout() {
                FailureKind::Timeout
            } else {
                FailureKind::Connect
            };
            return Err(Failure::new(kind, e.without_url().to_string()));
        }
        Ok(Ok(r)) => r,
    };
    let status = response.status().as_u16();
    let hint = crate::retry::retry_after(response.headers());
    let bytes = tokio::time::timeout(timeout, response.bytes())
        .await
        .map_err(|_| Failure::new(FailureKind::Timeout, "the transcription stalled"))?
        .map_err(|e| Failure::new(FailureKind::Truncated, e.without_url().to_string()))?;
    if !(200..300).contains(&status) {
        let mut failure = openai::error(status, &bytes);
        failure.retry_after = hint;
        return Err(failure);
    }
    let value: Value =
        serde_json::from_slice(&bytes).map_err(|e| wire::malformed("transcription", e))?;
    let text = value["text"]
        .as_str()
        .ok_or_else(|| wire::malformed("transcription", "it has no text"))?
        .trim()
        .to_string();
    let usage = &value["usage"];
    let input = usage["input_tokens"].as_u64().unwrap_or(0);
    let output = usage["output_tokens"].as_u64().unwrap_or(0);
    Ok((text, input, output))
}
