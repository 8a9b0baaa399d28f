//! Graceful shutdown: SIGTERM while a command is in flight lets it finish and
//! answer, then the server exits cleanly.

use std::process::Command;
use std::time::{Duration, Instant};

use super::*;

#[test]
fn sigterm_lets_the_command_in_flight_finish_and_answer() {
    let mut server = Server::start();
    server.script(json!([
        {"kind": "slow", "delay_ms": 2500, "then": call(
            "replace",
            json!({"path": PARSE_CONFIG, "search": DEF_LINE, "replace": format!("{DEF_LINE}{DOCSTRING}")})
        )},
        say("I added a docstring to parse_config."),
    ]));
    let url = server.url("/v4/voice-command");
    let token = server.user.clone();
    let in_flight = std::thread::spawn(move || {
        Client::new()
            .post(url)
            .bearer_auth(token)
            .json(&json!({"command": ADD_DOCSTRING, "session_id": "shutdown"}))
            .timeout(Duration::from_secs(60))
            .send()
            .map(|r| (r.status().as_u16(), r.json::<Value>().unwrap_or_default()))
    });
    // The command is waiting for the (slow) model when the signal comes.
    let deadline = Instant::now() + Duration::from_secs(20);
    while server.chats() == 0 {
        assert!(
            Instant::now() < deadline,
            "the command never reached the model"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let pid = server.child.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());

    let (status, answer) = in_flight.join().unwrap().expect("the answer arrives");
    assert_eq!(status, 200, "{answer:#}");
    assert_eq!(answer["status"], "completed", "{answer:#}");
    assert!(answer["undo_id"].is_string(), "{answer:#}");
    let written = String::from_utf8(server.read(PARSE_CONFIG)).unwrap();
    assert!(written.contains(DOCSTRING), "{written}");

    let deadline = Instant::now() + Duration::from_secs(20);
    let exit = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the server did not stop after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "the server exits cleanly: {exit:?}");
}
