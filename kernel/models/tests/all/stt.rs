//! Speech to text through `/audio/transcriptions`.

use ralex_model_testserver::{RecordedFile, Reply};
use ralex_models::ModelError;
use ralex_models::stt::{Audio, Transcript};
use serde_json::json;

use crate::support::*;

const WAV: &[u8] = b"RIFF\x24\0\0\0WAVEfmt \x10\0\0\0\x01\0\x01\0fake audio bytes";

fn audio(bytes: &[u8]) -> Audio<'_> {
    Audio {
        bytes,
        filename: "command.wav",
        mime: "audio/wav",
        prompt: Some("parse_config cargo test"),
        language: Some("en"),
    }
}

async fn with_stt() -> Harness {
    Harness::with(|c| c.providers[0].stt_model = Some("whisper-x".into())).await
}

#[tokio::test]
async fn transcribes_with_the_prompt_and_the_file() {
    let h = with_stt().await;
    let (provider, model) = h.models.stt().expect("stt configured");
    assert_eq!((provider.name(), model.as_str()), (OA, "whisper-x"));
    h.oa.push(Reply::Transcription {
        text: "run the tests".into(),
    });
    let transcript = h
        .models
        .transcribe(audio(WAV), "plugin:voice", Some("s1"))
        .await
        .expect("transcript");
    assert_eq!(
        transcript,
        Transcript {
            text: "run the tests".into(),
            model: "whisper-x".into(),
            cost_nusd: 0,
        }
    );

    let sent = h.oa.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].path, "/v1/audio/transcriptions");
    assert_eq!(
        sent[0].body,
        json!({"model": "whisper-x", "response_format": "json", "prompt": "parse_config cargo test", "language": "en"})
    );
    assert_eq!(
        sent[0].files,
        vec![RecordedFile {
            field: "file".into(),
            filename: Some("command.wav".into()),
            content_type: Some("audio/wav".into()),
            size: WAV.len(),
        }]
    );
    assert_eq!(sent[0].locations_of(OA_KEY), vec!["header:authorization"]);
    assert_eq!(
        sent[0].header("authorization"),
        Some(format!("Bearer {OA_KEY}").as_str())
    );

    let rows = h.ledger();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (
            rows[0].plugin.as_str(),
            rows[0].model.as_str(),
            rows[0].provider.as_str(),
            rows[0].outcome.as_str(),
            rows[0].session.as_str()
        ),
        ("speech-to-text", "whisper-x", OA, "ok", "s1")
    );
    let audit = h.audit();
    assert_eq!(audit.len(), 1);
    assert_eq!(
        (audit[0].actor.as_str(), audit[0].action.as_str()),
        ("plugin:voice", "model:transcribe")
    );
    assert!(h.store.audit_verify().expect("verify").intact());
}

#[tokio::test]
async fn a_failed_transcription_is_retried() {
    let h = with_stt().await;
    h.oa.push_all([
        Reply::server_error(),
        Reply::Transcription {
            text: "second try".into(),
        },
    ]);
    let transcript = h
        .models
        .transcribe(audio(WAV), "plugin:voice", None)
        .await
        .expect("transcript");
    assert_eq!(transcript.text, "second try");
    let outcomes: Vec<String> = h.ledger().into_iter().map(|r| r.outcome).collect();
    assert_eq!(outcomes, ["server-error", "ok"]);
}

#[tokio::test]
async fn empty_audio_is_invalid_and_nothing_is_sent() {
    let h = with_stt().await;
    let err = h
        .models
        .transcribe(audio(b""), "plugin:voice", None)
        .await
        .expect_err("empty");
    assert_eq!(err, ModelError::Invalid("the audio is empty".into()));
    assert!(h.oa.requests().is_empty());
}

#[tokio::test]
async fn without_an_stt_provider_the_error_says_how_to_configure_one() {
    let h = Harness::start().await;
    assert!(h.models.stt().is_none());
    let err = h
        .models
        .transcribe(audio(WAV), "plugin:voice", None)
        .await
        .expect_err("none");
    assert_eq!(
        err,
        ModelError::Unavailable(
            "no speech-to-text model is configured: set stt_model on a [[providers]] entry (e.g. \"gpt-4o-mini-transcribe\" or \"whisper-1\"), or RALEX_STT_MODEL with RALEX_OPENAI_BASE_URL".into()
        )
    );
    assert!(h.oa.requests().is_empty());
}

#[tokio::test]
async fn a_key_echoed_by_the_transcription_endpoint_is_redacted() {
    let h = with_stt().await;
    h.oa.push(Reply::status(
        401,
        json!({"error": {"message": format!("Incorrect API key provided: {OA_KEY}")}}),
    ));
    let err = h
        .models
        .transcribe(audio(WAV), "plugin:voice", None)
        .await
        .expect_err("401");
    assert_eq!(
        err,
        ModelError::Failed("speech-to-text with `whisper-x` failed: auth (HTTP 401): Incorrect API key provided: [redacted]".into())
    );
}
