//! `GET /v4/events`: a WebSocket of progress events, opened with `?token=` (what a
//! browser can do) or the `Authorization` header. A command's events arrive in
//! pipeline order under one command id; a page on another origin cannot listen;
//! a user sees only their own commands, an admin everyone's.

use std::net::TcpStream;

use serde_json::Value;
use tungstenite::client::IntoClientRequest;
use tungstenite::handshake::HandshakeError;
use tungstenite::http::HeaderValue;
use tungstenite::{Message, WebSocket};

use super::*;

pub(super) type Socket = WebSocket<TcpStream>;

/// Opens the event socket with `query` and `headers`; the handshake's error as is.
pub(super) fn open(
    server: &Server,
    query: &str,
    headers: &[(&'static str, String)],
) -> tungstenite::Result<Socket> {
    let mut request = format!("ws://{}/v4/events{query}", server.addr)
        .into_client_request()
        .unwrap();
    for (name, value) in headers {
        request
            .headers_mut()
            .insert(*name, HeaderValue::from_str(value).unwrap());
    }
    let stream = TcpStream::connect(&server.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    match tungstenite::client(request, stream) {
        Ok((mut socket, _)) => {
            // A ping answered means the server is forwarding events to us.
            socket
                .send(Message::Ping(b"ready".to_vec().into()))
                .unwrap();
            loop {
                if let Message::Pong(_) = socket.read().unwrap() {
                    return Ok(socket);
                }
            }
        }
        Err(HandshakeError::Failure(e)) => Err(e),
        Err(HandshakeError::Interrupted(_)) => panic!("the handshake blocked"),
    }
}

/// The socket of `token`, authenticated with `?token=`.
pub(super) fn listen(server: &Server, token: &str) -> Socket {
    open(server, &format!("?token={token}"), &[]).expect("the socket opens")
}

/// The next event.
pub(super) fn next(socket: &mut Socket) -> Value {
    loop {
        match socket.read().expect("an event within a minute") {
            Message::Text(text) => return serde_json::from_str(&text).unwrap(),
            Message::Close(frame) => panic!("closed: {frame:?}"),
            _ => {}
        }
    }
}

/// The events up to and including the next `done`.
pub(super) fn until_done(socket: &mut Socket) -> Vec<Value> {
    let mut events = Vec::new();
    loop {
        let event = next(socket);
        let done = event["stage"] == "done";
        events.push(event);
        if done {
            return events;
        }
    }
}

fn stages(events: &[Value]) -> Vec<&str> {
    events
        .iter()
        .map(|e| e["stage"].as_str().unwrap())
        .collect()
}

/// The HTTP status a refused handshake got.
fn refused(result: tungstenite::Result<Socket>) -> u16 {
    match result {
        Err(tungstenite::Error::Http(response)) => response.status().as_u16(),
        Err(e) => panic!("refused otherwise: {e}"),
        Ok(_) => panic!("the socket opened"),
    }
}

#[test]
fn a_command_s_progress_arrives_in_order() {
    let server = Server::start();
    let mut socket = listen(&server, &server.user);
    let answer = add_the_docstring(&server, "s-ws");
    let events = until_done(&mut socket);
    let stages = stages(&events);
    assert_eq!(stages.first(), Some(&"parse"), "{events:#?}");
    assert_eq!(stages.last(), Some(&"done"), "{events:#?}");
    let mut at = 0;
    for stage in ["parse", "policy", "route", "agent", "done"] {
        let found = stages[at..].iter().position(|s| *s == stage);
        let found = found.unwrap_or_else(|| panic!("{stage} missing or out of order: {stages:?}"));
        at += found;
    }
    let known = [
        "parse", "policy", "context", "enhance", "route", "agent", "tests", "snapshot", "undo",
        "done",
    ];
    for event in &events {
        assert!(
            known.contains(&event["stage"].as_str().unwrap()),
            "{event:#}"
        );
        assert_eq!(event["command_id"], answer["undo_id"], "{event:#}");
        assert_eq!(event["session_id"], "s-ws", "{event:#}");
        assert_eq!(event["actor"], "token:phone", "{event:#}");
        assert!(event["message"].is_string(), "{event:#}");
    }
    // The last event says how it ended, what it cost and how to undo it.
    let done = events.last().unwrap();
    assert_eq!(done["status"], "completed", "{done:#}");
    assert_eq!(done["cost_usd"], answer["cost_usd"], "{done:#}");
    assert_eq!(done["undo_id"], answer["undo_id"], "{done:#}");
    assert!(done.get("confirmation_id").is_none(), "{done:#}");
}

#[test]
fn the_authorization_header_works_too_and_a_dry_run_has_three_stages() {
    let server = Server::start();
    let auth = ("authorization", format!("Bearer {}", server.user));
    let mut socket = open(&server, "", &[auth]).expect("the socket opens");
    server.dry_run(&server.user, SHOW_CONFIG, "s-h").ok();
    let events = until_done(&mut socket);
    assert_eq!(stages(&events), ["parse", "policy", "done"], "{events:#?}");
    let id = &events[0]["command_id"];
    assert!(id.as_str().is_some_and(|s| !s.is_empty()));
    assert!(events.iter().all(|e| e["command_id"] == *id), "{events:#?}");
    // The next command has its own id.
    server.dry_run(&server.user, SHOW_CONFIG, "s-h").ok();
    let second = until_done(&mut socket);
    assert_ne!(second[0]["command_id"], *id);
}

#[test]
fn the_socket_needs_a_token_and_the_same_origin() {
    let server = Server::start();
    assert_eq!(refused(open(&server, "", &[])), 401);
    assert_eq!(refused(open(&server, "?token=wrong", &[])), 401);
    let evil = ("origin", "https://evil.example".to_string());
    let query = format!("?token={}", server.user);
    assert_eq!(refused(open(&server, &query, &[evil])), 403);
    let spoof = ("origin", format!("http://{}.evil.example", server.addr));
    assert_eq!(refused(open(&server, &query, &[spoof])), 403);
    // The server's own origin (its web UI) may listen.
    let own = ("origin", server.base.clone());
    let mut socket = open(&server, &query, &[own]).expect("same origin opens");
    server.dry_run(&server.user, SHOW_CONFIG, "s-o").ok();
    assert_eq!(next(&mut socket)["stage"], "parse");
    // `?token=` is for the socket only.
    let path = format!("/v4/plugins?token={}", server.user);
    server.get(&path, None).error(401);
}

#[test]
fn a_user_hears_only_their_own_commands_and_an_admin_hears_all() {
    let server = Server::start();
    let other = server.token("tablet", false);
    let mut theirs = listen(&server, &other);
    let mut admin = listen(&server, &server.admin);
    let mut only_b = open(
        &server,
        &format!("?token={}&session_id=s-b", server.user),
        &[],
    )
    .expect("the socket opens");

    server.dry_run(&server.user, SHOW_CONFIG, "s-a").ok();
    server.dry_run(&other, SHOW_CONFIG, "s-t").ok();
    server.dry_run(&server.user, SHOW_CONFIG, "s-b").ok();

    // Had the first command's events reached `tablet`, they would come first.
    let heard = until_done(&mut theirs);
    assert!(
        heard
            .iter()
            .all(|e| e["session_id"] == "s-t" && e["actor"] == "token:tablet"),
        "{heard:#?}"
    );
    let all: Vec<Value> = (0..3).flat_map(|_| until_done(&mut admin)).collect();
    let sessions: Vec<&str> = all
        .iter()
        .filter(|e| e["stage"] == "done")
        .map(|e| e["session_id"].as_str().unwrap())
        .collect();
    assert_eq!(sessions, ["s-a", "s-t", "s-b"], "{all:#?}");
    let heard = until_done(&mut only_b);
    assert!(heard.iter().all(|e| e["session_id"] == "s-b"), "{heard:#?}");
}
