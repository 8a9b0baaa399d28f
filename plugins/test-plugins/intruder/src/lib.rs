//! An intruding workflow step for the kernel's security tests (world
//! `workflow-step`). Each call does one capability operation named by its
//! parameters (`{"op": "write", "path": "..", "content": ".."}`) and reports the
//! result or the kernel's error as JSON, so the tests can assert the exact denial.
//! `spin` and `bomb` never return: a runaway loop and a memory bomb.

// A guest only: there is nothing to build for the host.
#![cfg(target_arch = "wasm32")]

use ralex_sdk::workflow_step::exports::ralex::plugin::step::{Guest, StepInput, StepOutput};
use ralex_sdk::workflow_step::ralex::plugin::types::{Error, ErrorCode};
use ralex_sdk::workflow_step::ralex::plugin::{
    exec, git, http, kv, mcp, model, workspace, workspace_edit,
};
use serde_json::{Value, json};

struct Intruder;

fn code_name(code: ErrorCode) -> String {
    let name = format!("{code:?}");
    name.trim_start_matches("ErrorCode::").to_string()
}

fn err(e: Error) -> Value {
    json!({ "error": { "code": code_name(e.code), "message": e.message } })
}

fn s<'a>(params: &'a Value, key: &str) -> &'a str {
    params.get(key).and_then(Value::as_str).unwrap_or("")
}

fn strings(params: &Value, key: &str) -> Vec<String> {
    params
        .get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn done(result: Result<Value, Error>) -> Value {
    match result {
        Ok(value) => json!({ "ok": value }),
        Err(e) => err(e),
    }
}

fn run(params: &Value) -> Value {
    match s(params, "op") {
        "read" => done(workspace::read(s(params, "path")).map(Value::from)),
        "list" => done(workspace::list_dir(s(params, "path"), true).map(|entries| {
            entries
                .into_iter()
                .map(|e| e.path)
                .collect::<Vec<_>>()
                .into()
        })),
        "search" => done(
            workspace::search(
                s(params, "query"),
                &workspace::SearchOptions {
                    regex: false,
                    case_insensitive: false,
                    glob: None,
                    max_results: 100,
                },
            )
            .map(|found| found.into_iter().map(|m| m.path).collect::<Vec<_>>().into()),
        ),
        "write" => done(
            workspace_edit::write(s(params, "path"), s(params, "content")).map(|()| Value::Null),
        ),
        "create" => done(
            workspace_edit::create(s(params, "path"), s(params, "content")).map(|()| Value::Null),
        ),
        "delete" => done(workspace_edit::delete(s(params, "path")).map(|()| Value::Null)),
        "move" => {
            done(workspace_edit::move_(s(params, "path"), s(params, "to")).map(|()| Value::Null))
        }
        "replace" => done(
            workspace_edit::replace(s(params, "path"), s(params, "search"), s(params, "replace"))
                .map(|()| Value::Null),
        ),
        "patch" => done(workspace_edit::apply_patch(s(params, "patch")).map(Value::from)),
        "exec" => done(
            exec::run(
                s(params, "program"),
                &strings(params, "args"),
                s(params, "cwd"),
                Some(5_000),
            )
            .map(|o| {
                json!({
                    "exit_code": o.exit_code,
                    "stdout": o.stdout,
                    "stderr": o.stderr,
                    "timed_out": o.timed_out,
                })
            }),
        ),
        "http" => done(
            http::fetch(&http::Request {
                method: "GET".to_string(),
                url: s(params, "url").to_string(),
                headers: Vec::new(),
                body: None,
                timeout_ms: Some(3_000),
            })
            .map(|r| json!({ "status": r.status, "body": String::from_utf8_lossy(&r.body) })),
        ),
        "git-status" => done(git::status().map(|entries| {
            entries
                .into_iter()
                .map(|e| format!("{} {}", e.state, e.path))
                .collect::<Vec<_>>()
                .into()
        })),
        "git-diff" => {
            done(git::diff(git::DiffScope::Head, &strings(params, "paths")).map(Value::from))
        }
        "git-commit" => done(git::commit(s(params, "message"), &[]).map(Value::from)),
        "git-push" => done(
            git::push(
                params
                    .get("force")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
            )
            .map(|()| Value::Null),
        ),
        "kv" => done(kv::set("k", b"v").map(|()| Value::Null)),
        "mcp-list" => done(mcp::list_tools().map(|tools| {
            tools
                .into_iter()
                .map(|t| format!("{}/{}", t.server, t.name))
                .collect::<Vec<_>>()
                .into()
        })),
        "mcp-call" => done(
            mcp::call_tool(
                s(params, "server"),
                s(params, "tool"),
                s(params, "arguments"),
            )
            .map(Value::from),
        ),
        "model" => done(
            model::chat(&model::ChatRequest {
                // No `model` param: name none, so the kernel's route or router chooses.
                model: params
                    .get("model")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                messages: vec![model::Message {
                    role: model::Role::User,
                    content: "hello".to_string(),
                    tool_calls: Vec::new(),
                    tool_call_id: None,
                }],
                tools: Vec::new(),
                max_tokens: Some(16),
                temperature: None,
            })
            .map(|r| {
                json!({
                    "model": r.model,
                    "content": r.message.content,
                    "input_tokens": r.usage.input_tokens,
                    "output_tokens": r.usage.output_tokens,
                    // Everything the guest received, for "no key reaches the guest".
                    "received": format!("{r:?}"),
                })
            }),
        ),
        // A runaway loop: the kernel's deadline must end it.
        "spin" => {
            let mut n: u64 = 0;
            loop {
                n = std::hint::black_box(n.wrapping_add(1));
            }
        }
        // A memory bomb: the kernel's memory cap must end it.
        "bomb" => {
            let mut hoard: Vec<Vec<u8>> = Vec::new();
            loop {
                hoard.push(vec![1u8; 1 << 20]);
                std::hint::black_box(&hoard);
            }
        }
        other => json!({ "error": { "code": "Test", "message": format!("unknown op `{other}`") } }),
    }
}

impl Guest for Intruder {
    fn run(input: StepInput) -> Result<StepOutput, Error> {
        let params: Value = serde_json::from_str(&input.params_json).map_err(|e| Error {
            code: ErrorCode::InvalidInput,
            message: format!("params are not JSON: {e}"),
        })?;
        let result = run(&params);
        Ok(StepOutput {
            output_json: result.to_string(),
            summary: s(&params, "op").to_string(),
        })
    }
}

ralex_sdk::workflow_step::export!(Intruder);
