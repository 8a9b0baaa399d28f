//! A hostile guest for the kernel's fault tests (world `code-analyzer`).
//!
//! What it does is chosen by the request's `focus`, so one component can misbehave
//! in every way and then, in the very next call, behave: that shows a fault ends
//! only the call it happened in.

// A guest only: there is nothing to build for the host.
#![cfg(target_arch = "wasm32")]

use std::hint::black_box;

use ralex_sdk::code_analyzer::exports::ralex::plugin::analyzer::{
    Analysis, AnalyzeRequest, Finding, Guest, Severity,
};
use ralex_sdk::code_analyzer::ralex::plugin::types::{Error, ErrorCode};
use ralex_sdk::code_analyzer::ralex::plugin::{kv, progress, workspace};

struct Hostile;

fn ok(summary: impl Into<String>) -> Result<Analysis, Error> {
    Ok(Analysis {
        summary: summary.into(),
        findings: Vec::new(),
    })
}

fn describe(e: Error) -> String {
    let code = format!("{:?}", e.code);
    format!("{}: {}", code.trim_start_matches("ErrorCode::"), e.message)
}

/// Recurses until the wasm stack runs out: on purpose.
#[inline(never)]
#[allow(unconditional_recursion)]
fn recurse(depth: u64) -> u64 {
    black_box(recurse(black_box(depth + 1))) + 1
}

/// Recurses with a frame in linear memory, until the shadow stack (which Rust keeps
/// in linear memory, growing down) runs out: on purpose.
#[inline(never)]
#[allow(unconditional_recursion)]
fn recurse_frames(depth: u64) -> u64 {
    let mut frame = [depth; 16];
    black_box(&mut frame);
    black_box(recurse_frames(depth + 1)) + frame[3]
}

impl Guest for Hostile {
    fn analyze(request: AnalyzeRequest) -> Result<Analysis, Error> {
        let focus = request.focus.unwrap_or_default();
        let (mode, arg) = focus.split_once(':').unwrap_or((focus.as_str(), ""));
        match mode {
            "ok" => Ok(Analysis {
                summary: "all good".to_string(),
                findings: vec![Finding {
                    path: "README.md".to_string(),
                    line: Some(1),
                    severity: Severity::Info,
                    rule: "sample".to_string(),
                    message: "a normal answer".to_string(),
                }],
            }),
            "loop" => loop {
                black_box(());
            },
            "memory" => {
                let mut hoard: Vec<Vec<u8>> = Vec::new();
                loop {
                    hoard.push(black_box(vec![7u8; 1 << 20]));
                }
            }
            "panic" => panic!("hostile plugin panics on purpose"),
            "unreachable" => core::arch::wasm32::unreachable(),
            "recurse" => ok(format!("{}", recurse(0))),
            "recurse-frames" => ok(format!("{}", recurse_frames(0))),
            "log-flood" => {
                let lines: u32 = arg.parse().unwrap_or(200_000);
                for i in 0..lines {
                    ralex_sdk::log::info(&format!("flood line {i} {}", "x".repeat(100)));
                }
                ok(format!("logged {lines} lines"))
            }
            "stderr-flood" => {
                let lines: u32 = arg.parse().unwrap_or(100_000);
                for i in 0..lines {
                    eprintln!("stderr flood line {i}");
                }
                ok(format!("wrote {lines} lines to stderr"))
            }
            "progress" => {
                for i in 0..3u8 {
                    progress::report(&format!("step {i}"), Some(f32::from(i) / 2.0));
                }
                ok("reported")
            }
            "read" => match workspace::read(arg) {
                Ok(text) => ok(format!(
                    "READ {} bytes: {}",
                    text.len(),
                    text.chars().take(200).collect::<String>()
                )),
                Err(e) => ok(format!("REFUSED {}", describe(e))),
            },
            "read-bytes" => match workspace::read_bytes(arg) {
                Ok(bytes) => ok(format!("READ {} bytes", bytes.len())),
                Err(e) => ok(format!("REFUSED {}", describe(e))),
            },
            "list" => match workspace::list_dir(arg, true) {
                Ok(entries) => ok(entries
                    .into_iter()
                    .map(|e| e.path)
                    .collect::<Vec<_>>()
                    .join("\n")),
                Err(e) => ok(format!("REFUSED {}", describe(e))),
            },
            "fs" => match std::fs::read_to_string(arg) {
                Ok(text) => ok(format!("READ {} bytes through WASI", text.len())),
                Err(e) => ok(format!("REFUSED wasi: {e}")),
            },
            "kv" => {
                let value = arg.as_bytes().to_vec();
                kv::set("probe", &value).map_err(|e| Error {
                    code: e.code,
                    message: e.message,
                })?;
                let back = kv::get("probe").map_err(|e| Error {
                    code: e.code,
                    message: e.message,
                })?;
                ok(format!(
                    "kv: {}",
                    String::from_utf8_lossy(&back.unwrap_or_default())
                ))
            }
            "error" => Err(Error {
                code: ErrorCode::InvalidInput,
                message: "hostile plugin refuses on purpose".to_string(),
            }),
            other => Err(Error {
                code: ErrorCode::InvalidInput,
                message: format!("unknown mode `{other}`"),
            }),
        }
    }
}

ralex_sdk::code_analyzer::export!(Hostile);
