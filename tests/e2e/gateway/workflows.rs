//! Workflow runs over HTTP: `POST /v4/workflow/{name}` starts one in the
//! background (202), `GET /v4/workflow/runs/{id}` shows its step log, `POST
//! /v4/workflow/runs/{id}/confirm` lets a waiting run go on. A token sees only
//! its own runs; an admin token sees all.

use std::time::{Duration, Instant};

use serde_json::json;

use super::*;

const GATED: &str = r#"
name: gated
params:
  who:
    required: true
steps:
  - name: hello
    write: { path: hello.txt, content: "hello ${{ params.who }}\n" }
  - name: approve
    confirm: Write the goodbye too?
  - name: bye
    write: { path: bye.txt, content: "bye ${{ params.who }}\n" }
"#;

/// Polls the run until `done` says it is where it should be.
fn wait_for(server: &Server, id: &str, state: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let run = server
            .get(&format!("/v4/workflow/runs/{id}"), Some(&server.user))
            .ok();
        if run["state"] == state {
            return run;
        }
        assert!(Instant::now() < deadline, "never {state}: {run:#}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_run_started_over_http_waits_for_confirmation_and_finishes() {
    let server = Server::start();
    let dir = server.root.join(".ralex/workflows");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("gated.yaml"), GATED).unwrap();

    let mut socket = super::events::listen(&server, &server.user);
    let r = server.post(
        "/v4/workflow/gated",
        Some(&server.user),
        &json!({"params": {"who": "bob"}, "session_id": "phone-1"}),
    );
    assert_eq!(r.status, 202, "{}", r.text);
    let started = r.json();
    let id = started["run_id"].as_str().unwrap().to_string();
    assert_eq!(started["url"], format!("/v4/workflow/runs/{id}"));

    // Progress per step on the events socket, under the run's id.
    let mut messages = Vec::new();
    loop {
        let event = super::events::next(&mut socket);
        assert_eq!(event["command_id"], id.as_str(), "{event:#}");
        assert_eq!(event["stage"], "workflow", "{event:#}");
        let message = event["message"].as_str().unwrap().to_string();
        let waiting = message.contains("waits for your confirmation");
        messages.push(message);
        if waiting {
            break;
        }
    }
    assert_eq!(messages[0], "Step 1 of 3: hello (write)", "{messages:#?}");
    assert_eq!(
        messages[1], "Step 2 of 3: approve (confirm)",
        "{messages:#?}"
    );

    let run = wait_for(&server, &id, "waiting");
    assert_eq!(run["workflow"], "gated");
    assert_eq!(run["actor"], "token:phone");
    assert_eq!(run["steps"][0]["state"], "ok");
    assert_eq!(run["steps"][1]["state"], "waiting");
    assert!(
        run["message"]
            .as_str()
            .unwrap()
            .contains("Write the goodbye too?"),
        "{run:#}"
    );
    assert_eq!(server.read("hello.txt"), b"hello bob\n");

    // Another person's token does not see it; an admin's does.
    let other = server.token("tablet", false);
    server
        .get(&format!("/v4/workflow/runs/{id}"), Some(&other))
        .error(404);
    server
        .post(
            &format!("/v4/workflow/runs/{id}/confirm"),
            Some(&other),
            &json!({}),
        )
        .error(404);
    server
        .get(&format!("/v4/workflow/runs/{id}"), Some(&server.admin))
        .ok();

    let r = server.post(
        &format!("/v4/workflow/runs/{id}/confirm"),
        Some(&server.user),
        &json!({}),
    );
    assert_eq!(r.status, 202, "{}", r.text);
    let run = wait_for(&server, &id, "completed");
    let states: Vec<&str> = run["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["ok", "ok", "ok"]);
    assert_eq!(server.read("bye.txt"), b"bye bob\n");
    let message = server
        .post(
            &format!("/v4/workflow/runs/{id}/confirm"),
            Some(&server.user),
            &json!({}),
        )
        .error(409);
    assert!(
        message.contains("does not wait for a confirmation"),
        "{message}"
    );
}

#[test]
fn bad_workflow_requests_get_clear_errors() {
    let server = Server::start();
    let message = server
        .post("/v4/workflow/nope", Some(&server.user), &json!({}))
        .error(404);
    assert!(message.contains("there is no workflow `nope`"), "{message}");
    let message = server
        .post(
            "/v4/workflow/bugfix",
            Some(&server.user),
            &json!({"params": {"colour": "red"}}),
        )
        .error(400);
    assert!(
        message.contains("`colour` is not a parameter of `bugfix`"),
        "{message}"
    );
    assert!(message.contains("parameter `bug` is required"), "{message}");
    server
        .post(
            "/v4/workflow/bugfix",
            Some(&server.user),
            &json!({"parms": {}}),
        )
        .error(400);
    server
        .post("/v4/workflow/bugfix", None, &json!({}))
        .error(401);
    server
        .get("/v4/workflow/runs/r-1-abc", Some(&server.user))
        .error(404);
    server.get("/v4/workflow/runs/r-1-abc", None).error(401);
}
