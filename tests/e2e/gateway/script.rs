//! The scripted model's side of the gateway tests: replies that call the agent's
//! tools, and the one real edit (a docstring) that tests undo, history and events.

use serde_json::{Value, json};

use super::Server;

/// An edit the scripted model makes, its file and the lines involved.
pub const ADD_DOCSTRING: &str = "add a docstring to parse config dot py";
pub const PARSE_CONFIG: &str = "inventory/parse_config.py";
pub const DEF_LINE: &str = "def parse_config(path):\n";
pub const DOCSTRING: &str =
    "    \"\"\"Read the JSON settings file at `path` and return them as a dict.\"\"\"\n";

/// A model reply calling one tool.
pub fn call(name: &str, arguments: Value) -> Value {
    json!({
        "kind": "chat", "text": "",
        "tool_calls": [{"name": name, "arguments": arguments}],
        "input_tokens": 1000, "output_tokens": 50
    })
}

/// A model reply without tools: the agent's last word.
pub fn say(text: &str) -> Value {
    json!({"kind": "chat", "text": text, "input_tokens": 800, "output_tokens": 20})
}

/// Scripts the docstring edit and runs it in `session` as the user; its answer
/// (asserted completed, with an undo id).
pub fn add_the_docstring(server: &Server, session: &str) -> Value {
    server.script(json!([
        call(
            "replace",
            json!({"path": PARSE_CONFIG, "search": DEF_LINE, "replace": format!("{DEF_LINE}{DOCSTRING}")})
        ),
        say("I added a docstring to parse_config."),
    ]));
    let answer = server
        .voice(json!({"command": ADD_DOCSTRING, "session_id": session}))
        .ok();
    assert_eq!(answer["status"], "completed", "{answer:#}");
    assert!(answer["undo_id"].is_string(), "{answer:#}");
    answer
}
