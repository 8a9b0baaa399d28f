//! The OpenAI-compatible façade: `GET /v1/models` and `POST /v1/chat/completions`,
//! whole and streamed, by hand and through the official `openai` Python SDK
//! (installed by `make tools`).

use std::process::Command;

use serde_json::{Value, json};

use super::*;

fn show_config(stream: bool) -> Value {
    json!({
        "model": "ralex",
        "stream": stream,
        "messages": [
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": SHOW_CONFIG},
        ],
    })
}

/// The content of a streamed answer, checking the SSE framing on the way.
fn streamed_content(text: &str) -> String {
    let events: Vec<&str> = text
        .split("\n\n")
        .map(str::trim)
        .filter(|e| !e.is_empty() && !e.starts_with(':'))
        .collect();
    assert_eq!(events.last(), Some(&"data: [DONE]"), "{text}");
    let mut content = String::new();
    let mut finished = false;
    for event in &events[..events.len() - 1] {
        let data = event
            .strip_prefix("data: ")
            .unwrap_or_else(|| panic!("{event}"));
        let chunk: Value = serde_json::from_str(data).unwrap();
        assert_eq!(chunk["object"], "chat.completion.chunk", "{chunk:#}");
        assert!(!finished, "a chunk after the finish: {text}");
        let choice = &chunk["choices"][0];
        content.push_str(choice["delta"]["content"].as_str().unwrap_or(""));
        finished = choice["finish_reason"] == "stop";
    }
    assert!(finished, "no finish_reason stop: {text}");
    content
}

#[test]
fn models_lists_ralex_and_each_project() {
    let server = Server::start();
    let body = server.get("/v1/models", Some(&server.user)).ok();
    assert_eq!(body["object"], "list", "{body:#}");
    let ids: Vec<&str> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["ralex", "ralex/inventory"], "{body:#}");
    assert!(
        body["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["object"] == "model")
    );
    server.get("/v1/models", None).error(401);
}

#[test]
fn a_chat_completion_answers_with_the_response_and_the_file() {
    let server = Server::start();
    let config = String::from_utf8(server.read(CONFIG)).unwrap();
    let body = server
        .post(
            "/v1/chat/completions",
            Some(&server.user),
            &show_config(false),
        )
        .ok();
    assert_eq!(body["object"], "chat.completion", "{body:#}");
    assert_eq!(body["model"], "ralex", "{body:#}");
    let choice = &body["choices"][0];
    assert_eq!(choice["message"]["role"], "assistant", "{body:#}");
    assert_eq!(choice["finish_reason"], "stop", "{body:#}");
    let content = choice["message"]["content"].as_str().unwrap();
    assert!(content.contains(CONFIG), "{content}");
    assert!(
        content.contains(&format!("```\n{}\n```", config.trim_end())),
        "the file is not in a code block: {content}"
    );
    assert_eq!(server.chats(), 0, "a read needs no model");

    // The project can be named in the model.
    let mut named = show_config(false);
    named["model"] = json!("ralex/inventory");
    let body = server
        .post("/v1/chat/completions", Some(&server.user), &named)
        .ok();
    assert_eq!(body["model"], "ralex/inventory");
    assert!(
        body["choices"][0]["message"]["content"]
            .as_str()
            .unwrap()
            .contains(CONFIG)
    );
}

#[test]
fn a_streamed_chat_completion_ends_with_done() {
    let server = Server::start();
    let config = String::from_utf8(server.read(CONFIG)).unwrap();
    let r = server.post(
        "/v1/chat/completions",
        Some(&server.user),
        &show_config(true),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(
        r.header("content-type").starts_with("text/event-stream"),
        "{:?}",
        r.headers
    );
    let content = streamed_content(&r.text);
    assert!(content.contains(CONFIG), "{content}");
    assert!(content.contains(config.trim_end()), "{content}");
}

#[test]
fn chat_completions_refuses_unknown_models_and_bad_requests() {
    let server = Server::start();
    let token = Some(server.user.as_str());
    for (model, named) in [
        ("gpt-4o", "gpt-4o"),
        ("ralex/elsewhere", "elsewhere"),
        ("", ""),
    ] {
        let mut body = show_config(false);
        body["model"] = json!(model);
        let message = server.post("/v1/chat/completions", token, &body).error(404);
        assert!(message.contains(&format!("`{named}`")), "{message}");
    }
    let no_user = json!({"model": "ralex", "messages": [{"role": "system", "content": "hi"}]});
    let message = server
        .post("/v1/chat/completions", token, &no_user)
        .error(400);
    assert!(message.contains("user message"), "{message}");
    let no_messages = json!({"model": "ralex"});
    server
        .post("/v1/chat/completions", token, &no_messages)
        .error(400);
    server
        .post_raw(
            "/v1/chat/completions",
            token,
            Some("application/json"),
            b"{\"model\":".to_vec(),
        )
        .error(400);
    server
        .post("/v1/chat/completions", None, &show_config(false))
        .error(401);
    assert_eq!(server.chats(), 0);
}

#[test]
fn a_chat_message_over_the_command_limit_is_refused_like_a_voice_command() {
    let server = Server::start();
    let long = format!("{SHOW_CONFIG} {}", "please ".repeat(700));
    assert!(long.chars().count() > 4000);
    let body = json!({"model": "ralex", "messages": [{"role": "user", "content": long}]});
    let message = server
        .post("/v1/chat/completions", Some(&server.user), &body)
        .error(400);
    assert!(message.contains("4000"), "{message}");
}

const SDK_SCRIPT: &str = r#"
import json, sys
import openai

client = openai.OpenAI(base_url=sys.argv[1] + "/v1", api_key=sys.argv[2], max_retries=0)
models = [m.id for m in client.models.list()]
stream = client.chat.completions.create(
    model="ralex",
    messages=[{"role": "user", "content": sys.argv[3]}],
    stream=True,
)
parts = []
finish = None
for chunk in stream:
    for choice in chunk.choices:
        parts.append(choice.delta.content or "")
        finish = choice.finish_reason or finish
try:
    client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    missing = None
except openai.NotFoundError as e:
    missing = e.status_code
try:
    openai.OpenAI(base_url=sys.argv[1] + "/v1", api_key="wrong", max_retries=0).models.list()
    bad_key = None
except openai.AuthenticationError as e:
    bad_key = e.status_code
print(json.dumps({"models": models, "text": "".join(parts), "finish": finish,
                  "missing": missing, "bad_key": bad_key}))
"#;

#[test]
fn the_official_openai_python_sdk_lists_models_and_streams_a_completion() {
    let python = workspace_root().join("target/tools/py/bin/python");
    assert!(
        python.is_file(),
        "{} is missing: run `make tools` (installs the openai Python SDK)",
        python.display()
    );
    let server = Server::start();
    let config = String::from_utf8(server.read(CONFIG)).unwrap();
    let script = tempfile::NamedTempFile::with_suffix(".py").unwrap();
    std::fs::write(script.path(), SDK_SCRIPT).unwrap();
    let output = Command::new(&python)
        .arg(script.path())
        .args([&server.base, &server.user, SHOW_CONFIG])
        .env_remove("OPENAI_API_KEY")
        .env_remove("OPENAI_BASE_URL")
        .env_remove("OPENAI_LOG")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "stdout:\n{stdout}\nstderr:\n{}\nserver:\n{}",
        String::from_utf8_lossy(&output.stderr),
        server.log()
    );
    let result: Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(
        result["models"],
        json!(["ralex", "ralex/inventory"]),
        "{result:#}"
    );
    assert_eq!(result["finish"], "stop", "{result:#}");
    let text = result["text"].as_str().unwrap();
    assert!(text.contains(CONFIG), "{text}");
    assert!(text.contains(config.trim_end()), "{text}");
    assert_eq!(result["missing"], 404, "{result:#}");
    assert_eq!(result["bad_key"], 401, "{result:#}");
}
