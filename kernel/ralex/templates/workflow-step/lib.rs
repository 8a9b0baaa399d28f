//! `{{name}}`: a workflow step. A workflow calls it as
//!
//! ```yaml
//!   - name: count
//!     plugin: {{name}}
//!     with: { paths: ["src/main.rs", "README.md"] }
//! ```
//!
//! and later steps read `steps.count.output.files`, `.total_lines`, `.todos`.

use ralex_sdk::workflow_step::exports::ralex::plugin::step::{Guest, StepInput, StepOutput};
use ralex_sdk::workflow_step::ralex::plugin::types::{Error, ErrorCode};
use ralex_sdk::workflow_step::ralex::plugin::workspace;
use serde_json::{Value, json};

struct Step;

impl Guest for Step {
    fn run(input: StepInput) -> Result<StepOutput, Error> {
        let params: Value = serde_json::from_str(&input.params_json).map_err(|e| Error {
            code: ErrorCode::InvalidInput,
            message: format!("the step's `with` is not JSON: {e}"),
        })?;
        let paths: Vec<String> = params
            .get("paths")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|p| p.as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        if paths.is_empty() {
            return Err(Error {
                code: ErrorCode::InvalidInput,
                message: "give the files to count: `with: { paths: [\"src/main.rs\"] }`".into(),
            });
        }
        let mut files = Vec::new();
        let (mut total_lines, mut todos) = (0usize, 0usize);
        for path in &paths {
            // The kernel checks every read against this plugin's grant and the policy.
            let text = workspace::read(path)?;
            let lines = text.lines().count();
            let words = text.split_whitespace().count();
            let marked = text.lines().filter(|l| l.contains("TODO") || l.contains("FIXME")).count();
            total_lines += lines;
            todos += marked;
            files.push(json!({ "path": path, "lines": lines, "words": words, "todos": marked }));
        }
        Ok(StepOutput {
            output_json: json!({ "files": files, "total_lines": total_lines, "todos": todos }).to_string(),
            summary: format!(
                "{} file{}: {total_lines} lines, {todos} TODO{}.",
                paths.len(),
                if paths.len() == 1 { "" } else { "s" },
                if todos == 1 { "" } else { "s" }
            ),
        })
    }
}

ralex_sdk::workflow_step::export!(Step);
