//! The loop against a scripted model and an in-memory project: fixtures here, the
//! cases in [`edits`], [`limits`] and [`programs`].

use serde_json::json;

use super::*;
use crate::task::{Intent, Limits, Target};

const CONFIG: &str =
    "import os\n\nDEBUG = False\nTIMEOUT = 30\n\ndef load(path):\n    return open(path).read()\n";

fn task() -> Task {
    Task {
        intent: Intent {
            kind: "edit".into(),
            targets: vec![Target {
                path: Some("config.py".into()),
                ..Target::default()
            }],
            params: Vec::new(),
        },
        command: "set the timeout to 60".into(),
        system_prompt: "Project standards: PEP 8.".into(),
        context: String::new(),
        model: "gpt-test".into(),
        limits: Limits {
            max_steps: 10,
            max_cost_usd: 1.0,
        },
        run_tests: false,
        test_command: Vec::new(),
    }
}

fn replace(path: &str, search: &str, new: &str) -> String {
    json!({"path": path, "search": search, "replace": new}).to_string()
}

fn read(path: &str) -> String {
    json!({ "path": path }).to_string()
}

mod edits;
mod limits;
mod programs;
