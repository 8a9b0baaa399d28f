//! `/health` and `POST /v4/voice-command`: the answer contract of a dry run, every
//! way a request can be wrong (with the status and error shape it gets: a body
//! over 64 KiB is 413, a command over 4000 characters a 400), a
//! destructive command that waits for its confirmation, and a command the default
//! policy denies.

use serde_json::json;

use super::*;

#[test]
fn health_needs_no_token() {
    let server = Server::start();
    let body = server.get("/health", None).ok();
    assert_eq!(body["status"], "ok", "{body:#}");
    assert!(
        body["version"].as_str().is_some_and(|v| !v.is_empty()),
        "{body:#}"
    );
}

#[test]
fn a_dry_run_answers_with_the_answer_contract_and_changes_nothing() {
    let server = Server::start();
    let before = server.read(CONFIG);
    let answer = server.dry_run(&server.user, SHOW_CONFIG, "s-dry").ok();
    assert_eq!(answer["session_id"], "s-dry", "{answer:#}");
    assert_eq!(answer["status"], "completed", "{answer:#}");
    assert_eq!(answer["intent"]["kind"], "read", "{answer:#}");
    assert_eq!(answer["intent"]["targets"][0]["path"], CONFIG, "{answer:#}");
    assert!(
        answer["response"]
            .as_str()
            .is_some_and(|r| r.contains(CONFIG)),
        "{answer:#}"
    );
    assert_eq!(answer["changes"], json!([]), "{answer:#}");
    assert_eq!(answer["cost_usd"], json!(0.0), "{answer:#}");
    assert_eq!(answer["dry_run"], true, "{answer:#}");
    assert!(answer["undo_id"].is_null(), "{answer:#}");
    assert_eq!(server.read(CONFIG), before);
    assert_eq!(server.chats(), 0);
}

#[test]
fn a_missing_or_bad_token_is_401_with_a_challenge() {
    let server = Server::start();
    let body = json!({"command": SHOW_CONFIG, "session_id": "s", "dry_run": true});
    let missing = server.post("/v4/voice-command", None, &body);
    let message = missing.error(401);
    assert!(message.contains("token"), "{message}");
    assert!(
        missing.header("www-authenticate").starts_with("Bearer"),
        "{:?}",
        missing.headers
    );
    let bad = "rlx_000000000000_".to_string() + &"0".repeat(64);
    for token in [bad.as_str(), "nonsense", ""] {
        let r = server.post("/v4/voice-command", Some(token), &body);
        r.error(401);
        assert!(r.header("www-authenticate").starts_with("Bearer"));
    }
    // A real token with one character changed.
    let mut wrong = server.user.clone();
    let last = wrong.pop().unwrap();
    wrong.push(if last == '0' { '1' } else { '0' });
    server
        .post("/v4/voice-command", Some(&wrong), &body)
        .error(401);
}

#[test]
fn bad_bodies_get_400_405_413_and_415_in_the_error_shape() {
    let server = Server::start();
    let path = "/v4/voice-command";
    let token = Some(server.user.as_str());
    let raw = |ct: Option<&str>, body: &str| server.post_raw(path, token, ct, body.into());
    let json_ct = Some("application/json");

    let message = raw(json_ct, r#"{"command": "show me"#).error(400);
    assert!(message.contains("not valid JSON"), "{message}");
    let message = raw(json_ct, "{command: 1}").error(400);
    assert!(message.contains("not valid JSON"), "{message}");

    // Wrong type, unknown field, missing field.
    let bad = [
        json!({"command": 5, "session_id": "s"}),
        json!({"command": "show me the readme", "session_id": "s", "dry_run": "yes"}),
        json!({"command": "show me the readme", "session_id": "s", "colour": "red"}),
        json!({"command": "show me the readme"}),
        json!({"session_id": "s"}),
    ];
    for body in bad {
        let message = server.voice(body.clone()).error(400);
        assert!(message.contains("fields"), "{body}: {message}");
    }
    let message = server
        .voice(json!({"command": "x", "session_id": "s", "colour": "red"}))
        .error(400);
    assert!(message.contains("colour"), "{message}");

    // No JSON content type.
    let body = r#"{"command": "show me the readme", "session_id": "s"}"#;
    raw(None, body).error(415);
    raw(Some("text/plain"), body).error(415);

    // Over 64 KiB of body; a command over 4000 characters.
    let huge = json!({"command": "a".repeat(70 * 1024), "session_id": "s"}).to_string();
    raw(json_ct, &huge).error(413);
    let long = json!({"command": "show ".repeat(801), "session_id": "s", "dry_run": true});
    let message = server.voice(long).error(400);
    assert!(message.contains("4000"), "{message}");
    let just = json!({"command": format!("show {}", "a".repeat(3995)), "session_id": "s", "dry_run": true});
    assert_eq!(server.voice(just).status, 200);

    // A route with the wrong method.
    let r = server.get(path, token);
    r.error(405);
    assert_eq!(r.json()["error"]["code"], "method_not_allowed");

    // Empty command, bad session ids.
    for command in ["", "   ", "\u{1d}\t"] {
        let message = server
            .voice(json!({"command": command, "session_id": "s"}))
            .error(400);
        assert!(message.contains("empty"), "{message}");
    }
    for session in ["", "has space", "slash/no", &"s".repeat(129), "ünï"] {
        let message = server
            .voice(json!({"command": SHOW_CONFIG, "session_id": session}))
            .error(400);
        assert!(message.contains("session_id"), "{session:?}: {message}");
    }
    assert_eq!(server.chats(), 0);
}

#[test]
fn an_unknown_project_or_route_is_404_json() {
    let server = Server::start();
    let message = server
        .voice(json!({"command": SHOW_CONFIG, "session_id": "s", "project": "elsewhere", "dry_run": true}))
        .error(404);
    assert!(
        message.contains("elsewhere") && message.contains("inventory"),
        "{message}"
    );
    let named =
        json!({"command": SHOW_CONFIG, "session_id": "s", "project": "inventory", "dry_run": true});
    assert_eq!(server.voice(named).ok()["status"], "completed");
    server
        .get("/v4/nothing-here", Some(&server.user))
        .error(404);
    server
        .post("/v9/voice-command", Some(&server.user), &json!({}))
        .error(404);
}

#[test]
fn a_delete_waits_for_confirmation_then_runs_when_confirmed() {
    let server = Server::start();
    let ask = json!({"command": DELETE_CONFIG, "session_id": "s-del"});
    let answer = server.voice(ask.clone()).ok();
    assert_eq!(answer["status"], "needs_confirmation", "{answer:#}");
    assert_eq!(answer["intent"]["risk"], "destructive", "{answer:#}");
    assert!(
        answer["confirmation_id"]
            .as_str()
            .is_some_and(|id| !id.is_empty()),
        "{answer:#}"
    );
    assert_eq!(answer["changes"], json!([]), "{answer:#}");
    assert!(answer["undo_id"].is_null(), "{answer:#}");
    assert!(server.root.join(CONFIG).is_file(), "deleted unconfirmed");
    assert_eq!(server.chats(), 0, "the model was asked before confirming");

    server.script(json!([
        call("delete_file", json!({"path": CONFIG})),
        say("I deleted inventory/config.py."),
    ]));
    let mut confirmed = ask;
    confirmed["confirm"] = json!(true);
    let answer = server.voice(confirmed).ok();
    assert_eq!(answer["status"], "completed", "{answer:#}");
    assert!(!server.root.join(CONFIG).exists());
    assert_eq!(answer["changes"][0]["path"], CONFIG, "{answer:#}");
    assert!(answer["undo_id"].is_string(), "{answer:#}");
    assert_eq!(server.chats(), 2);
}

#[test]
fn a_command_the_policy_denies_is_403_with_the_answer_and_the_error() {
    let server = Server::start();
    // Secrets are never read, whoever asks (rule `no-secret-reads`).
    std::fs::write(server.root.join(".env"), "OPENAI_API_KEY=sk-live-123\n").unwrap();
    let r = server.voice(json!({"command": "show me the dot env file", "session_id": "s-env"}));
    let message = r.error(403);
    let answer = r.json();
    assert_eq!(answer["status"], "denied", "{answer:#}");
    assert_eq!(answer["session_id"], "s-env", "{answer:#}");
    assert_eq!(answer["error"]["code"], "denied", "{answer:#}");
    assert!(message.contains("no-secret-reads"), "{message}");
    assert!(!r.text.contains("sk-live-123"), "{}", r.text);

    // A confirmation id that was never given: denied too.
    let r = server.voice(json!({
        "command": DELETE_CONFIG, "session_id": "s-env", "confirmation_id": "k-000000000000"
    }));
    r.error(403);
    assert_eq!(r.json()["status"], "denied");
    assert!(server.root.join(CONFIG).is_file());
    assert_eq!(server.chats(), 0);
}
