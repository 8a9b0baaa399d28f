//! Test doubles for the loop: a scripted model and an in-memory project behind [`Host`],
//! with the exact `replace` semantics of `workspace-edit` (one match, or `not-found` /
//! `conflict` and nothing changed) and a policy that denies chosen paths.

use std::collections::{BTreeMap, VecDeque};

use serde_json::Value;

use crate::host::{
    ChatRequest, ChatResponse, Entry, Error, ErrorCode, ExecOutput, Host, Level, Message, Role,
    SearchMatch, ToolCall, Usage,
};

/// A scripted model plus an in-memory project.
#[derive(Default)]
pub struct FakeHost {
    /// Answers of the model, in order.
    pub replies: VecDeque<Result<ChatResponse, Error>>,
    /// Files of the project.
    pub files: BTreeMap<String, String>,
    /// Paths the policy refuses (any access).
    pub denied: Vec<String>,
    /// Outputs of the test command, in order.
    pub test_outputs: VecDeque<ExecOutput>,
    /// Programs the policy refuses to run.
    pub denied_programs: Vec<String>,
    /// Every chat request received.
    pub requests: Vec<ChatRequest>,
    /// Every program run, with its arguments.
    pub execs: Vec<Vec<String>>,
    /// Progress messages.
    pub progress: Vec<String>,
    /// Log lines.
    pub logs: Vec<(Level, String)>,
}

impl FakeHost {
    /// A project holding `files`.
    pub fn with_files(files: &[(&str, &str)]) -> Self {
        FakeHost {
            files: files
                .iter()
                .map(|(p, c)| (p.to_string(), c.to_string()))
                .collect(),
            ..FakeHost::default()
        }
    }

    /// Queue an answer that calls tools, `(name, arguments)` each, costing `cost`.
    pub fn calls(&mut self, calls: &[(&str, &str)], cost: f64) -> &mut Self {
        let n = self.replies.len();
        let tool_calls = calls
            .iter()
            .enumerate()
            .map(|(i, (name, args))| ToolCall {
                id: format!("call-{n}-{i}"),
                name: name.to_string(),
                arguments_json: args.to_string(),
            })
            .collect();
        self.replies
            .push_back(Ok(reply(String::new(), tool_calls, cost)));
        self
    }

    /// Queue a final answer costing `cost`.
    pub fn answer(&mut self, text: &str, cost: f64) -> &mut Self {
        self.replies
            .push_back(Ok(reply(text.to_string(), Vec::new(), cost)));
        self
    }

    /// Queue an output of the test command.
    pub fn test_output(&mut self, exit_code: i32, stdout: &str) -> &mut Self {
        self.test_outputs.push_back(ExecOutput {
            exit_code: Some(exit_code),
            stdout: stdout.to_string(),
            stderr: String::new(),
            timed_out: false,
        });
        self
    }

    /// The tool messages of the last request, in order.
    pub fn tool_messages(&self) -> Vec<&Message> {
        self.requests
            .last()
            .map(|r| r.messages.iter().filter(|m| m.role == Role::Tool).collect())
            .unwrap_or_default()
    }

    fn check(&self, path: &str) -> Result<(), Error> {
        if self.denied.iter().any(|d| d == path) {
            return Err(Error::new(
                ErrorCode::Denied,
                format!("policy rule `no-secrets` forbids {path}"),
            ));
        }
        Ok(())
    }

    fn missing(path: &str) -> Error {
        Error::new(ErrorCode::NotFound, format!("{path} does not exist"))
    }
}

fn reply(content: String, tool_calls: Vec<ToolCall>, cost: f64) -> ChatResponse {
    ChatResponse {
        model: "fake-model".into(),
        finish_reason: if tool_calls.is_empty() {
            "stop"
        } else {
            "tool_calls"
        }
        .into(),
        message: Message {
            role: Role::Assistant,
            content,
            tool_calls,
            tool_call_id: None,
        },
        usage: Usage {
            input_tokens: 100,
            output_tokens: 10,
            cost_usd: cost,
        },
    }
}

impl Host for FakeHost {
    fn chat(&mut self, request: ChatRequest) -> Result<ChatResponse, Error> {
        for tool in &request.tools {
            let _: Value = serde_json::from_str(&tool.parameters_json).expect("schema is JSON");
        }
        self.requests.push(request);
        self.replies
            .pop_front()
            .unwrap_or_else(|| Err(Error::new(ErrorCode::Internal, "script ran out")))
    }

    fn read(&mut self, path: &str) -> Result<String, Error> {
        self.check(path)?;
        self.files
            .get(path)
            .cloned()
            .ok_or_else(|| Self::missing(path))
    }

    fn list_dir(&mut self, dir: &str, _recursive: bool) -> Result<Vec<Entry>, Error> {
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        Ok(self
            .files
            .iter()
            .filter(|(p, _)| p.starts_with(&prefix))
            .map(|(p, c)| Entry {
                path: p.clone(),
                is_dir: false,
                size: c.len() as u64,
            })
            .collect())
    }

    fn search(&mut self, query: &str, _regex: bool, max: u32) -> Result<Vec<SearchMatch>, Error> {
        let mut found = Vec::new();
        for (path, content) in &self.files {
            for (i, line) in content.lines().enumerate() {
                if line.contains(query) && found.len() < max as usize {
                    found.push(SearchMatch {
                        path: path.clone(),
                        line: i as u32 + 1,
                        text: line.into(),
                    });
                }
            }
        }
        Ok(found)
    }

    fn replace(&mut self, path: &str, search: &str, replace: &str) -> Result<(), Error> {
        self.check(path)?;
        let content = self.files.get(path).ok_or_else(|| Self::missing(path))?;
        match content.matches(search).count() {
            0 => Err(Error::new(
                ErrorCode::NotFound,
                format!("search text not found in {path}"),
            )),
            1 => {
                let new = content.replacen(search, replace, 1);
                self.files.insert(path.into(), new);
                Ok(())
            }
            n => Err(Error::new(
                ErrorCode::Conflict,
                format!("search text occurs {n} times in {path}"),
            )),
        }
    }

    fn write(&mut self, path: &str, content: &str) -> Result<(), Error> {
        self.check(path)?;
        self.files.insert(path.into(), content.into());
        Ok(())
    }

    fn create(&mut self, path: &str, content: &str) -> Result<(), Error> {
        self.check(path)?;
        if self.files.contains_key(path) {
            return Err(Error::new(ErrorCode::Conflict, format!("{path} exists")));
        }
        self.files.insert(path.into(), content.into());
        Ok(())
    }

    fn delete(&mut self, path: &str) -> Result<(), Error> {
        self.check(path)?;
        self.files
            .remove(path)
            .map(|_| ())
            .ok_or_else(|| Self::missing(path))
    }

    fn exec(&mut self, program: &str, args: &[String]) -> Result<ExecOutput, Error> {
        if self.denied_programs.iter().any(|p| p == program) {
            return Err(Error::new(
                ErrorCode::Denied,
                format!("policy rule `no-shells` forbids running {program}"),
            ));
        }
        let mut line = vec![program.to_string()];
        line.extend(args.iter().cloned());
        self.execs.push(line);
        self.test_outputs
            .pop_front()
            .ok_or_else(|| Error::new(ErrorCode::Unavailable, "no test output scripted"))
    }

    fn progress(&mut self, message: &str, _fraction: Option<f32>) {
        self.progress.push(message.to_string());
    }

    fn log(&mut self, level: Level, message: &str) {
        self.logs.push((level, message.to_string()));
    }
}
