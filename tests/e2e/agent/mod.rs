//! The coding agent from the outside: `ralex run` on a git copy of the sample
//! project, with the real plugins (parser, prompt enhancer, router, agent) and the
//! scripted model server as the only provider. Each test checks the JSON answer,
//! the files on disk byte for byte, the audit trail and what the model was sent.
//!
//! This file is the shared harness ([`Lab`]) and the scripted replies; the tests
//! are in one file per theme.

mod compress;
mod confirm;
mod degraded;
mod edits;
mod safety;
mod tests_run;
mod undo;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use serde_json::{Value, json};

use crate::support::*;

/// The file scenario 1 documents, and its docstring.
const PARSE_CONFIG: &str = "inventory/parse_config.py";
const DEF_LINE: &str = "def parse_config(path):\n";
const DOCSTRING: &str =
    "    \"\"\"Read the JSON settings file at `path` and return them as a dict.\"\"\"\n";

/// Tokens of every scripted tool-call reply and final reply: the cost of a command
/// is known exactly from the number of each ($0.50 / $1.50 per Mtok).
const CALL_TOKENS: (u64, u64) = (1000, 50);
const FINAL_TOKENS: (u64, u64) = (800, 20);

/// One test's world: a private home, a git copy of the sample project, and the
/// scripted server wired in as provider `lab` with the priced model `lab-small`.
struct Lab {
    env: Env,
    server: ModelServer,
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Lab {
    fn new() -> Lab {
        Lab::with_config("")
    }

    /// With `extra` appended to ralex.toml (e.g. an `[agent]` table).
    fn with_config(extra: &str) -> Lab {
        let server = model_server();
        let env = Env::new();
        let base = server.base();
        std::fs::write(
            env.home.path().join("ralex.toml"),
            format!("{}{extra}", lab_provider(&base)),
        )
        .unwrap();
        let (dir, root) = project(true);
        Lab {
            env,
            server,
            _dir: dir,
            root,
        }
    }

    fn command(&self) -> Command {
        let mut cmd = self.env.command();
        for var in MODEL_VARS {
            cmd.env_remove(var);
        }
        cmd.env("LAB_API_KEY", "sk-e2e-agent");
        cmd
    }

    fn ralex(&self, args: &[&str]) -> Result {
        Result::from(self.command().args(args).output().expect("ralex runs"))
    }

    /// `ralex run COMMAND --project ROOT --json EXTRA...`.
    fn run(&self, command: &str, extra: &[&str]) -> Result {
        let mut args = vec!["run", command, "--project", self.root(), "--json"];
        args.extend_from_slice(extra);
        self.ralex(&args)
    }

    /// `ralex undo [ID] --project ROOT --json`.
    fn undo(&self, id: Option<&str>) -> Result {
        let mut args = vec!["undo"];
        args.extend(id);
        args.extend(["--project", self.root(), "--json"]);
        self.ralex(&args)
    }

    fn root(&self) -> &str {
        self.root.to_str().unwrap()
    }

    fn script(&self, replies: Value) {
        self.server.push(replies);
    }

    fn chats(&self) -> Vec<Value> {
        chat_requests(&self.server)
    }

    fn read(&self, path: &str) -> Vec<u8> {
        std::fs::read(self.root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn files(&self) -> BTreeMap<String, Vec<u8>> {
        code_files(&self.root)
    }

    fn git_status(&self) -> String {
        code_status(&self.root)
    }
}

/// A model reply calling one tool.
fn call(name: &str, arguments: Value) -> Value {
    json!({
        "kind": "chat", "text": "",
        "tool_calls": [{"name": name, "arguments": arguments}],
        "input_tokens": CALL_TOKENS.0, "output_tokens": CALL_TOKENS.1
    })
}

/// A model reply without tools: the agent's last word.
fn say(text: &str) -> Value {
    json!({
        "kind": "chat", "text": text,
        "input_tokens": FINAL_TOKENS.0, "output_tokens": FINAL_TOKENS.1
    })
}

fn replace(path: &str, search: &str, new: &str) -> Value {
    call(
        "replace",
        json!({"path": path, "search": search, "replace": new}),
    )
}

/// What `calls` tool-call replies and `finals` final replies cost on lab-small.
fn cost(calls: u64, finals: u64) -> f64 {
    let input = calls * CALL_TOKENS.0 + finals * FINAL_TOKENS.0;
    let output = calls * CALL_TOKENS.1 + finals * FINAL_TOKENS.1;
    input as f64 * 0.5e-6 + output as f64 * 1.5e-6
}

/// The added and removed lines of a unified diff (without the `+`/`-`).
fn diff_lines(diff: &str) -> (Vec<&str>, Vec<&str>) {
    let mut added = Vec::new();
    let mut removed = Vec::new();
    for line in diff.lines() {
        if line.starts_with("+++") || line.starts_with("---") {
            continue;
        }
        if let Some(rest) = line.strip_prefix('+') {
            added.push(rest);
        } else if let Some(rest) = line.strip_prefix('-') {
            removed.push(rest);
        }
    }
    (added, removed)
}

/// The contents of the tool messages of a chat request, in order.
fn tool_messages(request: &Value) -> Vec<String> {
    request["body"]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == "tool")
        .map(|m| m["content"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn response(answer: &Value) -> &str {
    answer["response"].as_str().unwrap_or_default()
}

/// The parse_config.py of the sample with the docstring added.
fn documented(original: &[u8]) -> Vec<u8> {
    let text = String::from_utf8(original.to_vec()).unwrap();
    assert_eq!(text.matches(DEF_LINE).count(), 1);
    text.replace(DEF_LINE, &format!("{DEF_LINE}{DOCSTRING}"))
        .into_bytes()
}

/// The docstring command, with the file named (so the parser resolves it).
const ADD_DOCSTRING: &str = "add a docstring to parse config dot py";

/// Scripts and runs the docstring edit as `command`; its answer (asserted completed).
fn add_the_docstring(lab: &Lab, command: &str) -> Value {
    lab.script(json!([
        replace(PARSE_CONFIG, DEF_LINE, &format!("{DEF_LINE}{DOCSTRING}")),
        say("I added a docstring to parse_config."),
    ]));
    let r = lab.run(command, &[]);
    let answer = r.ok().json();
    assert_eq!(answer["status"], "completed", "{answer:#}");
    answer
}
