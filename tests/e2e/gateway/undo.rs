//! `POST /v4/undo` and `GET /v4/context/{session_id}`: a real change made by the
//! scripted model is undone byte for byte once (409 the second time, 404 for an
//! id that never existed), and a session's history is shown newest first to the
//! token that made it and to admins, never to another user.

use serde_json::json;

use super::*;

#[test]
fn undo_by_id_restores_the_file_once() {
    let server = Server::start();
    let before = server.read(PARSE_CONFIG);
    let answer = add_the_docstring(&server, "s-undo");
    let changed = server.read(PARSE_CONFIG);
    assert_ne!(changed, before);
    assert!(
        String::from_utf8(changed).unwrap().contains(DOCSTRING),
        "{answer:#}"
    );
    assert_eq!(answer["changes"][0]["path"], PARSE_CONFIG, "{answer:#}");
    let undo_id = answer["undo_id"].as_str().unwrap();

    let undone = server
        .post("/v4/undo", Some(&server.user), &json!({"undo_id": undo_id}))
        .ok();
    assert_eq!(undone["status"], "completed", "{undone:#}");
    assert_eq!(
        server.read(PARSE_CONFIG),
        before,
        "not restored byte for byte"
    );
    assert_eq!(code_status(&server.root), "");

    let again = server.post("/v4/undo", Some(&server.user), &json!({"undo_id": undo_id}));
    assert_eq!(again.status, 409, "{}", again.text);
    assert!(again.text.contains("already undone"), "{}", again.text);
    assert_eq!(server.read(PARSE_CONFIG), before);
}

#[test]
fn undo_by_session_takes_back_its_latest_change() {
    let server = Server::start();
    let before = server.read(PARSE_CONFIG);
    add_the_docstring(&server, "s-latest");
    let undone = server
        .post(
            "/v4/undo",
            Some(&server.user),
            &json!({"session_id": "s-latest"}),
        )
        .ok();
    assert_eq!(undone["status"], "completed", "{undone:#}");
    assert_eq!(server.read(PARSE_CONFIG), before);
}

#[test]
fn undo_refuses_unknown_ids_and_bad_bodies() {
    let server = Server::start();
    let token = Some(server.user.as_str());
    for id in ["c-0000000000000-000000", "nope"] {
        let r = server.post("/v4/undo", token, &json!({"undo_id": id}));
        assert_eq!(r.status, 404, "{}", r.text);
        assert!(r.text.contains(id), "{}", r.text);
    }
    for body in [
        json!({}),
        json!({"undo_id": "c-1", "session_id": "s"}),
        json!({"project": "inventory"}),
    ] {
        let message = server.post("/v4/undo", token, &body).error(400);
        assert!(message.contains("exactly one"), "{body}: {message}");
    }
    server
        .post("/v4/undo", token, &json!({"session_id": "bad session"}))
        .error(400);
    server
        .post("/v4/undo", token, &json!({"undo_id": 7}))
        .error(400);
    server
        .post("/v4/undo", token, &json!({"undo_id": "c-1", "why": "oops"}))
        .error(400);
    server
        .post_raw("/v4/undo", token, Some("application/json"), b"{".to_vec())
        .error(400);
    server
        .post_raw("/v4/undo", token, None, br#"{"undo_id":"c-1"}"#.to_vec())
        .error(415);
    server
        .post(
            "/v4/undo",
            token,
            &json!({"undo_id": "c-1", "project": "elsewhere"}),
        )
        .error(404);
    server
        .post("/v4/undo", None, &json!({"undo_id": "c-1"}))
        .error(401);
}

#[test]
fn context_lists_the_session_newest_first_to_its_owner_and_admins() {
    let server = Server::start();
    let edit = add_the_docstring(&server, "s-ctx");
    let read = server
        .voice(json!({"command": SHOW_CONFIG, "session_id": "s-ctx"}))
        .ok();
    assert_eq!(read["status"], "completed", "{read:#}");
    // Another session's command is not part of this one.
    server
        .voice(json!({"command": SHOW_CONFIG, "session_id": "s-other"}))
        .ok();

    let context = server.get("/v4/context/s-ctx", Some(&server.user)).ok();
    assert_eq!(context["session_id"], "s-ctx", "{context:#}");
    let commands = context["commands"].as_array().unwrap();
    assert_eq!(commands.len(), 2, "{context:#}");
    assert_eq!(commands[0]["state"], "completed", "{context:#}");
    assert_eq!(commands[0]["intent"]["kind"], "read", "{context:#}");
    assert!(commands[0]["undo_id"].is_null(), "{context:#}");
    assert_eq!(
        commands[1]["intent"]["kind"], edit["intent"]["kind"],
        "{context:#}"
    );
    assert_eq!(commands[1]["transcript"], edit["normalized"], "{context:#}");
    assert_eq!(commands[1]["undo_id"], edit["undo_id"], "{context:#}");
    assert_eq!(commands[1]["undone"], false, "{context:#}");
    assert!(
        commands[0]["started_ms"].as_i64() >= commands[1]["started_ms"].as_i64(),
        "not newest first: {context:#}"
    );
    assert_eq!(commands[1]["changed"], json!([PARSE_CONFIG]), "{context:#}");

    // Another user sees nothing of it; an admin sees all of it.
    let other = server.token("tablet", false);
    let theirs = server.get("/v4/context/s-ctx", Some(&other)).ok();
    assert_eq!(theirs["commands"], json!([]), "{theirs:#}");
    let admin = server.get("/v4/context/s-ctx", Some(&server.admin)).ok();
    assert_eq!(admin["commands"], context["commands"], "{admin:#}");

    // After an undo the history says so.
    let undo_id = edit["undo_id"].as_str().unwrap();
    server
        .post("/v4/undo", Some(&server.user), &json!({"undo_id": undo_id}))
        .ok();
    let context = server.get("/v4/context/s-ctx", Some(&server.user)).ok();
    let undone = context["commands"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["undo_id"] == undo_id || c["id"] == undo_id)
        .cloned()
        .unwrap_or_else(|| panic!("{context:#}"));
    assert_eq!(undone["undone"], true, "{context:#}");

    server
        .get("/v4/context/bad%20id", Some(&server.user))
        .error(400);
    let empty = server
        .get("/v4/context/never-used", Some(&server.user))
        .ok();
    assert_eq!(empty["commands"], json!([]));
    server.get("/v4/context/s-ctx", None).error(401);
}
