//! The WIT face of the agent: implements [`Host`] with the world's imports, converts
//! between the generated types and the plain ones of [`crate::host`] and [`crate::task`],
//! and exports `task-runner.run` over [`crate::run::run`].
//!
//! Glue only: no decisions are made here.

use ralex_sdk::agent::exports::ralex::plugin::task_runner::{Guest, Task, TaskResult};
use ralex_sdk::agent::ralex::plugin::types::{self, IntentKind};
use ralex_sdk::agent::ralex::plugin::workspace::{EntryKind, SearchOptions};
use ralex_sdk::agent::ralex::plugin::{exec, log, model, progress, workspace, workspace_edit};

use crate::host::{self, ChatRequest, ChatResponse, Entry, Error, ExecOutput, Host, Level};
use crate::host::{ErrorCode, Message, Role, SearchMatch, ToolCall, Usage};
use crate::task;

struct Agent;

impl Guest for Agent {
    fn run(task: Task) -> Result<TaskResult, types::Error> {
        let result = crate::run::run(&mut Imports, &plain_task(task)).map_err(wit_error)?;
        Ok(TaskResult {
            summary: result.summary,
            changed_paths: result.changed_paths,
            tests_passed: result.tests_passed,
            steps: result.steps,
            usage: types::Usage {
                input_tokens: result.usage.input_tokens,
                output_tokens: result.usage.output_tokens,
                cost_usd: result.usage.cost_usd,
            },
        })
    }
}

/// The real imports.
struct Imports;

impl Host for Imports {
    fn chat(&mut self, request: ChatRequest) -> Result<ChatResponse, Error> {
        let request = model::ChatRequest {
            model: request.model,
            messages: request.messages.into_iter().map(wit_message).collect(),
            tools: request
                .tools
                .into_iter()
                .map(|t| model::ToolSpec {
                    name: t.name,
                    description: t.description,
                    parameters_json: t.parameters_json,
                })
                .collect(),
            max_tokens: request.max_tokens,
            temperature: request.temperature,
        };
        let response = model::chat(&request).map_err(plain_error)?;
        Ok(ChatResponse {
            model: response.model,
            message: plain_message(response.message),
            finish_reason: response.finish_reason,
            usage: Usage {
                input_tokens: response.usage.input_tokens,
                output_tokens: response.usage.output_tokens,
                cost_usd: response.usage.cost_usd,
            },
        })
    }

    fn read(&mut self, path: &str) -> Result<String, Error> {
        workspace::read(path).map_err(plain_error)
    }

    fn list_dir(&mut self, dir: &str, recursive: bool) -> Result<Vec<Entry>, Error> {
        let entries = workspace::list_dir(dir, recursive).map_err(plain_error)?;
        Ok(entries
            .into_iter()
            .map(|e| Entry {
                path: e.path,
                is_dir: e.kind == EntryKind::Directory,
                size: e.size,
            })
            .collect())
    }

    fn search(
        &mut self,
        query: &str,
        regex: bool,
        max_results: u32,
    ) -> Result<Vec<SearchMatch>, Error> {
        let options = SearchOptions {
            regex,
            case_insensitive: false,
            glob: None,
            max_results,
        };
        let matches = workspace::search(query, &options).map_err(plain_error)?;
        Ok(matches
            .into_iter()
            .map(|m| SearchMatch {
                path: m.path,
                line: m.line,
                text: m.text,
            })
            .collect())
    }

    fn replace(&mut self, path: &str, search: &str, replace: &str) -> Result<(), Error> {
        workspace_edit::replace(path, search, replace).map_err(plain_error)
    }

    fn write(&mut self, path: &str, content: &str) -> Result<(), Error> {
        workspace_edit::write(path, content).map_err(plain_error)
    }

    fn create(&mut self, path: &str, content: &str) -> Result<(), Error> {
        workspace_edit::create(path, content).map_err(plain_error)
    }

    fn delete(&mut self, path: &str) -> Result<(), Error> {
        workspace_edit::delete(path).map_err(plain_error)
    }

    fn exec(&mut self, program: &str, args: &[String]) -> Result<ExecOutput, Error> {
        let output = exec::run(program, args, "", None).map_err(plain_error)?;
        Ok(ExecOutput {
            exit_code: output.exit_code,
            stdout: output.stdout,
            stderr: output.stderr,
            timed_out: output.timed_out,
        })
    }

    fn progress(&mut self, message: &str, fraction: Option<f32>) {
        progress::report(message, fraction);
    }

    fn log(&mut self, level: Level, message: &str) {
        let level = match level {
            Level::Debug => log::Level::Debug,
            Level::Info => log::Level::Info,
            Level::Warn => log::Level::Warn,
        };
        log::log(level, message);
    }
}

fn plain_task(t: Task) -> task::Task {
    task::Task {
        intent: task::Intent {
            kind: kind_name(t.intent.kind).to_string(),
            targets: t
                .intent
                .targets
                .into_iter()
                .map(|x| task::Target {
                    phrase: x.phrase,
                    path: x.path,
                    symbol: x.symbol,
                    line: x.line,
                })
                .collect(),
            params: t
                .intent
                .params
                .into_iter()
                .map(|p| (p.key, p.value))
                .collect(),
        },
        command: t.command,
        system_prompt: t.system_prompt,
        context: t.context,
        model: t.model,
        limits: task::Limits {
            max_steps: t.limits.max_steps,
            max_cost_usd: t.limits.max_cost_usd,
        },
        run_tests: t.run_tests,
        test_command: t.test_command,
    }
}

fn kind_name(kind: IntentKind) -> &'static str {
    match kind {
        IntentKind::Read => "read",
        IntentKind::Search => "search",
        IntentKind::Explain => "explain",
        IntentKind::Edit => "edit",
        IntentKind::Create => "create",
        IntentKind::Refactor => "refactor",
        IntentKind::Fix => "fix",
        IntentKind::Test => "test",
        IntentKind::Git => "git",
        IntentKind::Undo => "undo",
        IntentKind::Workflow => "workflow",
        IntentKind::Analyze => "analyze",
        IntentKind::Docs => "docs",
        IntentKind::Chat => "chat",
        IntentKind::Unknown => "unknown",
    }
}

fn wit_message(m: Message) -> model::Message {
    model::Message {
        role: match m.role {
            Role::System => model::Role::System,
            Role::User => model::Role::User,
            Role::Assistant => model::Role::Assistant,
            Role::Tool => model::Role::Tool,
        },
        content: m.content,
        tool_calls: m
            .tool_calls
            .into_iter()
            .map(|c| model::ToolCall {
                id: c.id,
                name: c.name,
                arguments_json: c.arguments_json,
            })
            .collect(),
        tool_call_id: m.tool_call_id,
    }
}

fn plain_message(m: model::Message) -> Message {
    Message {
        role: match m.role {
            model::Role::System => Role::System,
            model::Role::User => Role::User,
            model::Role::Assistant => Role::Assistant,
            model::Role::Tool => Role::Tool,
        },
        content: m.content,
        tool_calls: m
            .tool_calls
            .into_iter()
            .map(|c| ToolCall {
                id: c.id,
                name: c.name,
                arguments_json: c.arguments_json,
            })
            .collect(),
        tool_call_id: m.tool_call_id,
    }
}

fn plain_error(e: types::Error) -> Error {
    let code = match e.code {
        types::ErrorCode::InvalidInput => ErrorCode::InvalidInput,
        types::ErrorCode::NotFound => ErrorCode::NotFound,
        types::ErrorCode::Denied => ErrorCode::Denied,
        types::ErrorCode::TooLarge => ErrorCode::TooLarge,
        types::ErrorCode::LimitExceeded => ErrorCode::LimitExceeded,
        types::ErrorCode::Unavailable => ErrorCode::Unavailable,
        types::ErrorCode::Conflict => ErrorCode::Conflict,
        types::ErrorCode::Internal => ErrorCode::Internal,
    };
    host::Error::new(code, e.message)
}

fn wit_error(e: Error) -> types::Error {
    let code = match e.code {
        ErrorCode::InvalidInput => types::ErrorCode::InvalidInput,
        ErrorCode::NotFound => types::ErrorCode::NotFound,
        ErrorCode::Denied => types::ErrorCode::Denied,
        ErrorCode::TooLarge => types::ErrorCode::TooLarge,
        ErrorCode::LimitExceeded => types::ErrorCode::LimitExceeded,
        ErrorCode::Unavailable => types::ErrorCode::Unavailable,
        ErrorCode::Conflict => types::ErrorCode::Conflict,
        ErrorCode::Internal => types::ErrorCode::Internal,
    };
    types::Error {
        code,
        message: e.message,
    }
}

ralex_sdk::agent::export!(Agent);
