//! Transcriptions, request recording, shutdown, unknown URLs and the binary.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::{client, post_json};
use ralex_model_testserver::{DEFAULT_TRANSCRIPT, Reply, ScriptedServer};
use serde_json::{Value, json};

fn audio_form(bytes: usize) -> reqwest::multipart::Form {
    let file = reqwest::multipart::Part::bytes(vec![7u8; bytes])
        .file_name("speech.wav")
        .mime_str("audio/wav")
        .unwrap();
    reqwest::multipart::Form::new()
        .text("model", "whisper-1")
        .text("language", "en")
        .part("file", file)
}

#[tokio::test]
async fn transcription_multipart() {
    let server = ScriptedServer::start().await.unwrap();
    let url = format!("{}/v1/audio/transcriptions", server.url());

    server.push(Reply::transcription("turn on the lights"));
    let resp = client()
        .post(&url)
        .bearer_auth("sk-audio")
        .multipart(audio_form(1234))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.json::<Value>().await.unwrap(),
        json!({"text": "turn on the lights"})
    );

    // Nothing queued: the default transcript; response_format=text gives plain text.
    let resp = client()
        .post(&url)
        .multipart(audio_form(10))
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.json::<Value>().await.unwrap(),
        json!({"text": DEFAULT_TRANSCRIPT})
    );
    let form = audio_form(10).text("response_format", "text");
    let resp = client().post(&url).multipart(form).send().await.unwrap();
    assert_eq!(resp.text().await.unwrap(), "echo transcription");

    let recorded = server.requests();
    assert_eq!(recorded.len(), 3);
    let first = &recorded[0];
    assert_eq!(first.path, "/v1/audio/transcriptions");
    assert_eq!(first.body, json!({"model": "whisper-1", "language": "en"}));
    assert_eq!(first.files.len(), 1);
    assert_eq!(first.files[0].field, "file");
    assert_eq!(first.files[0].filename.as_deref(), Some("speech.wav"));
    assert_eq!(first.files[0].content_type.as_deref(), Some("audio/wav"));
    assert_eq!(first.files[0].size, 1234);
    assert_eq!(first.locations_of("sk-audio"), vec!["header:authorization"]);
}

#[tokio::test]
async fn transcription_errors() {
    let server = ScriptedServer::start().await.unwrap();
    let url = format!("{}/v1/audio/transcriptions", server.url());

    server.push(Reply::rate_limited(Some(4)));
    let resp = client()
        .post(&url)
        .multipart(audio_form(5))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 429);
    assert_eq!(resp.headers()["retry-after"], "4");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limit_exceeded");

    // Missing file, then not multipart at all: 400 in the OpenAI shape.
    let no_file = reqwest::multipart::Form::new().text("model", "whisper-1");
    let resp = client().post(&url).multipart(no_file).send().await.unwrap();
    assert_eq!(resp.status(), 400);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["type"], "invalid_request_error");
    let resp = client()
        .post(&url)
        .json(&json!({"model": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert_eq!(server.requests()[2].body, json!({"model": "x"}));

    server.push(Reply::Malformed);
    let resp = client()
        .post(&url)
        .multipart(audio_form(5))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(serde_json::from_str::<Value>(&resp.text().await.unwrap()).is_err());
}

#[tokio::test]
async fn every_request_is_recorded_in_order() {
    let server = ScriptedServer::start().await.unwrap();
    let chat = json!({"model": "gpt-4o", "messages": [{"role": "user", "content": "one"}]});
    let resp = client()
        .post(format!(
            "{}/v1/chat/completions?api-version=2024",
            server.url()
        ))
        .header("Authorization", "Bearer sk-secret-123")
        .header("X-Custom", "yes")
        .json(&chat)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    common::post_anthropic(
        &format!("{}/v1/messages", server.url()),
        json!({"model": "claude", "max_tokens": 5, "messages": [{"role": "user", "content": "two"}]}),
    )
    .await;
    client()
        .get(format!("{}/v1/models", server.url()))
        .send()
        .await
        .unwrap();
    let resp = client()
        .delete(format!("{}/v1/nothing", server.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["message"], "Invalid URL (DELETE /v1/nothing)");

    let recorded = server.requests();
    let summary: Vec<(String, String)> = recorded
        .iter()
        .map(|r| (r.method.clone(), r.path.clone()))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("POST".to_string(), "/v1/chat/completions".to_string()),
            ("POST".to_string(), "/v1/messages".to_string()),
            ("GET".to_string(), "/v1/models".to_string()),
            ("DELETE".to_string(), "/v1/nothing".to_string()),
        ]
    );
    let first = &recorded[0];
    assert_eq!(first.query.as_deref(), Some("api-version=2024"));
    assert_eq!(first.body, chat);
    assert_eq!(
        serde_json::from_slice::<Value>(&first.raw_body).unwrap(),
        chat
    );
    assert!(
        first
            .headers
            .iter()
            .all(|(n, _)| *n == n.to_ascii_lowercase())
    );
    assert_eq!(first.header("authorization"), Some("Bearer sk-secret-123"));
    assert_eq!(first.header("x-custom"), Some("yes"));
    assert_eq!(
        first.locations_of("sk-secret-123"),
        vec!["header:authorization"]
    );
    assert_eq!(
        recorded[1].locations_of("sk-ant-test"),
        vec!["header:x-api-key"]
    );
    assert!(recorded[0].at <= recorded[1].at && recorded[1].at <= recorded[2].at);
    assert_eq!(recorded[2].body, Value::Null);

    server.reset();
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn dropping_the_server_stops_it() {
    let server = ScriptedServer::start().await.unwrap();
    let url = format!("{}/v1/models", server.url());
    assert_eq!(client().get(&url).send().await.unwrap().status(), 200);
    drop(server);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(reqwest::Client::new().get(&url).send().await.is_err());
}

/// The binary, killed when dropped.
struct Spawned(Child);

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn binary_runs_a_script_and_control_endpoints() {
    let dir = std::env::temp_dir().join(format!("ralex-testserver-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("script.json");
    std::fs::write(
        &script,
        r#"[{"kind": "text", "text": "from the script"}, {"kind": "context_length"}]"#,
    )
    .unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_ralex-model-testserver"))
        .args(["--listen", "127.0.0.1:0", "--script"])
        .arg(&script)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = Spawned(child);
    let stdout = child.0.stdout.take().unwrap();
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        line
    })
    .await
    .unwrap();
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string();
    assert!(base.starts_with("http://127.0.0.1:"));

    let chat_url = format!("{base}/v1/chat/completions");
    let chat = json!({"model": "m", "messages": [{"role": "user", "content": "hey"}]});
    let body: Value = post_json(&chat_url, chat.clone())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["choices"][0]["message"]["content"], "from the script");
    let resp = post_json(&chat_url, chat.clone()).await;
    assert_eq!(resp.status(), 400);

    // Queue more through the control endpoint, then read the log back.
    let resp = client()
        .post(format!("{base}/_testserver/replies"))
        .body(r#"{"kind": "rate_limited", "retry_after": 9}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.json::<Value>().await.unwrap()["queued"], 1);
    let resp = post_json(&chat_url, chat.clone()).await;
    assert_eq!(resp.status(), 429);
    assert_eq!(resp.headers()["retry-after"], "9");
    let bad = client()
        .post(format!("{base}/_testserver/replies"))
        .body(r#"[{"kind": "bogus"}]"#)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);

    let log: Value = client()
        .get(format!("{base}/_testserver/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let log = log.as_array().unwrap();
    assert_eq!(log.len(), 3, "control requests are not recorded");
    assert_eq!(log[0]["path"], "/v1/chat/completions");
    assert_eq!(log[0]["body"], chat);

    client()
        .post(format!("{base}/_testserver/reset"))
        .send()
        .await
        .unwrap();
    let log: Value = client()
        .get(format!("{base}/_testserver/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(log, json!([]));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn binary_rejects_a_bad_script() {
    let dir = std::env::temp_dir().join(format!("ralex-testserver-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("bad.json");
    std::fs::write(&script, r#"[{"kind": "text"}]"#).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ralex-model-testserver"))
        .arg("--script")
        .arg(&script)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("script reply #0"));
    let _ = std::fs::remove_dir_all(&dir);
}
