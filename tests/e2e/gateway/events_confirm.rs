//! Confirming on the events WebSocket, as the web UI does: `{"type":"confirm"}`
//! runs exactly the waiting command once (its progress and answer arrive on the
//! socket), `{"type":"cancel"}` makes the id unusable, someone else's id is not
//! found, and a garbled message gets an error without closing the socket.

use serde_json::{Value, json};
use tungstenite::Message;

use super::events::{Socket, listen, next};
use super::*;

fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::Text(message.to_string().into()))
        .unwrap();
}

/// The next message with a `type` (a reply, not a progress event), and the
/// progress events before it.
fn reply(socket: &mut Socket) -> (Value, Vec<Value>) {
    let mut progress = Vec::new();
    loop {
        let message = next(socket);
        if message.get("type").is_some() {
            return (message, progress);
        }
        progress.push(message);
    }
}

/// Asks for the deletion; the confirmation id from the answer and the `done` event.
fn ask_to_delete(server: &Server, socket: &mut Socket, session: &str) -> String {
    let answer = server
        .voice(json!({"command": DELETE_CONFIG, "session_id": session}))
        .ok();
    assert_eq!(answer["status"], "needs_confirmation", "{answer:#}");
    let id = answer["confirmation_id"].as_str().unwrap().to_string();
    let events = events::until_done(socket);
    let done = events.last().unwrap();
    assert_eq!(done["status"], "needs_confirmation", "{done:#}");
    assert_eq!(done["confirmation_id"], id.as_str(), "{done:#}");
    id
}

#[test]
fn confirming_on_the_socket_runs_that_command_once() {
    let server = Server::start();
    let mut socket = listen(&server, &server.user);
    let id = ask_to_delete(&server, &mut socket, "s-wsc");
    assert!(server.root.join(CONFIG).is_file());
    server.script(json!([
        call("delete_file", json!({"path": CONFIG})),
        say("I deleted inventory/config.py."),
    ]));
    send(
        &mut socket,
        json!({"type": "confirm", "confirmation_id": id}),
    );
    let (got, progress) = reply(&mut socket);
    assert_eq!(got["type"], "answer", "{got:#}");
    assert_eq!(got["confirmation_id"], id.as_str());
    let answer = &got["answer"];
    assert_eq!(answer["status"], "completed", "{answer:#}");
    assert_eq!(answer["session_id"], "s-wsc", "{answer:#}");
    assert_eq!(answer["changes"][0]["path"], CONFIG, "{answer:#}");
    assert!(!server.root.join(CONFIG).exists());
    assert!(
        progress.iter().any(|e| e["stage"] == "agent"),
        "the confirmed command's progress arrives first: {progress:#?}"
    );
    // The same id again runs nothing.
    send(
        &mut socket,
        json!({"type": "confirm", "confirmation_id": id}),
    );
    let (again, _) = reply(&mut socket);
    assert_eq!(again["answer"]["status"], "denied", "{again:#}");
    assert_eq!(server.chats(), 2, "the model was asked again");
}

#[test]
fn a_cancelled_or_foreign_confirmation_runs_nothing() {
    let server = Server::start();
    let mut socket = listen(&server, &server.user);
    let id = ask_to_delete(&server, &mut socket, "s-wsx");

    // Another token cannot see, confirm or cancel it.
    let other = server.token("tablet", false);
    let mut theirs = listen(&server, &other);
    for kind in ["confirm", "cancel"] {
        send(&mut theirs, json!({"type": kind, "confirmation_id": id}));
        let (r, _) = reply(&mut theirs);
        assert_eq!(r["type"], "error", "{r:#}");
        assert_eq!(r["error"]["code"], "not_found", "{r:#}");
    }

    send(
        &mut socket,
        json!({"type": "cancel", "confirmation_id": id}),
    );
    let (r, _) = reply(&mut socket);
    assert_eq!(r, json!({"type": "cancelled", "confirmation_id": id}));
    send(
        &mut socket,
        json!({"type": "confirm", "confirmation_id": id}),
    );
    let (r, _) = reply(&mut socket);
    assert_eq!(r["answer"]["status"], "denied", "{r:#}");
    assert!(server.root.join(CONFIG).is_file());
    // Over HTTP too.
    let by_http = server.voice(json!({
        "command": DELETE_CONFIG, "session_id": "s-wsx", "confirmation_id": id
    }));
    by_http.error(403);
    assert!(server.root.join(CONFIG).is_file());
    assert_eq!(server.chats(), 0);

    // Garbled messages are answered, and the socket stays open.
    socket.send(Message::Text("not json".into())).unwrap();
    let (r, _) = reply(&mut socket);
    assert_eq!(r["type"], "error", "{r:#}");
    assert_eq!(r["error"]["code"], "bad_request", "{r:#}");
    server.dry_run(&server.user, SHOW_CONFIG, "s-wsx").ok();
    assert_eq!(next(&mut socket)["stage"], "parse");
}
