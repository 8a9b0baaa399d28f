//! `ralex doctor`: checks that this machine and installation can run Ralex, each
//! check with a status and, when it fails, what to do.

use std::process::Command;

use ralex_host::{Allocation, Host};
use serde::Serialize;

use crate::cli::DoctorArgs;
use crate::config::Config;
use crate::exit::{self, CliResult};
use crate::home::Home;
use crate::plugins::{Registry, search_dirs};

#[derive(Debug, Serialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Status {
    Ok,
    Warn,
    Fail,
}

#[derive(Debug, Serialize)]
struct Check {
    name: String,
    status: Status,
    detail: String,
}

fn check(name: impl Into<String>, status: Status, detail: impl Into<String>) -> Check {
    Check {
        name: name.into(),
        status,
        detail: detail.into(),
    }
}

/// Run `ralex doctor`.
pub fn run(
    args: DoctorArgs,
    home: &Home,
    config: &Config,
    config_path: &std::path::Path,
) -> CliResult {
    let mut checks = vec![
        check(
            "version",
            Status::Ok,
            format!(
                "ralex {} (wasmtime {})",
                env!("CARGO_PKG_VERSION"),
                Host::wasmtime_version()
            ),
        ),
        toolchain_target(),
        check(
            "config",
            Status::Ok,
            if config_path.exists() {
                format!("{} (valid)", config_path.display())
            } else {
                format!("{} (absent: defaults in use)", config_path.display())
            },
        ),
    ];
    match std::fs::create_dir_all(home.component_cache()) {
        Ok(()) => checks.push(check(
            "home",
            Status::Ok,
            format!("{} (writable)", home.root.display()),
        )),
        Err(e) => checks.push(check(
            "home",
            Status::Fail,
            format!(
                "cannot create {}: {e}; set RALEX_HOME to a writable folder",
                home.root.display()
            ),
        )),
    }
    checks.push(policy_check(home));
    checks.push(sandbox_check());
    checks.push(mcp_check(config));
    let dirs = search_dirs(home, config);
    checks.push(check(
        "plugin folders",
        Status::Ok,
        dirs.iter()
            .map(|d| d.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
    ));
    match Registry::open(home, config) {
        Err(e) => checks.push(check("kernel", Status::Fail, format!("{e:#}"))),
        Ok(registry) => {
            checks.push(check(
                "store",
                Status::Ok,
                home.database().display().to_string(),
            ));
            checks.push(match registry.host.allocation() {
                Allocation::Pooling {
                    instances,
                    max_memory_mb,
                } => check(
                    "instance allocation",
                    Status::Ok,
                    format!("pooling: {instances} instances, up to {max_memory_mb} MiB each"),
                ),
                Allocation::OnDemand { reason } => check(
                    "instance allocation",
                    Status::Warn,
                    format!("on demand: {reason}"),
                ),
            });
            for p in &registry.loaded {
                checks.push(check(
                    format!("plugin {}", p.name()),
                    Status::Ok,
                    format!(
                        "{} loaded ({:?})",
                        p.manifest().plugin.world,
                        p.cache_outcome()
                    ),
                ));
            }
            for r in &registry.refused {
                checks.push(check(
                    format!("plugin {}", r.name.as_deref().unwrap_or("?")),
                    Status::Fail,
                    r.error.to_string(),
                ));
            }
            let parser = &config.pipeline.command_parser;
            checks.push(if registry.get(parser).is_some() {
                check("command parser", Status::Ok, format!("`{parser}` ready"))
            } else {
                check(
                    "command parser",
                    Status::Fail,
                    format!(
                        "`{parser}` is not loaded; run `cargo xtask plugins` (or `make setup`)"
                    ),
                )
            });
            checks.extend(model_checks(config, &registry));
            checks.push(check(
                "plugin load time",
                Status::Ok,
                format!(
                    "{:.1} ms for {} plugins",
                    registry.load_time.as_secs_f64() * 1000.0,
                    registry.loaded.len()
                ),
            ));
        }
    }
    let failed = checks.iter().any(|c| c.status == Status::Fail);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&checks)?);
    } else {
        for c in &checks {
            let mark = match c.status {
                Status::Ok => "ok  ",
                Status::Warn => "warn",
                Status::Fail => "FAIL",
            };
            println!("[{mark}] {:<22} {}", c.name, c.detail);
        }
    }
    Ok(if failed { exit::FAILURE } else { exit::OK })
}

/// Usable models, provider keys, the router, speech-to-text and budgets.
fn model_checks(config: &Config, registry: &Registry) -> Vec<Check> {
    let opened = match crate::models::open(config, registry) {
        Ok(opened) => opened,
        Err(e) => return vec![check("models", Status::Fail, format!("{e:#}"))],
    };
    let models = &opened.models;
    let catalogue = models.catalogue();
    let mut checks = Vec::new();
    let usable: Vec<String> = catalogue.available().map(|m| m.name.clone()).collect();
    checks.push(if usable.is_empty() {
        check(
            "models",
            Status::Warn,
            "none usable: commands that need a model will fail; set a provider key (OPENAI_API_KEY, ANTHROPIC_API_KEY, …), declare [[providers]] in ralex.toml, or set RALEX_OPENAI_BASE_URL and RALEX_MODEL (docs/MODELS.md)",
        )
    } else {
        check(
            "models",
            Status::Ok,
            format!("{} usable: {}", usable.len(), usable.join(", ")),
        )
    });
    for provider in catalogue
        .providers()
        .filter(|p| catalogue.enabled(&p.config.name))
    {
        let name = &provider.config.name;
        let loaded = models.provider(name).is_some_and(|p| p.has_key());
        let needs_key = !matches!(provider.key, ralex_models::key::KeySource::None);
        checks.push(match (needs_key, loaded) {
            (true, false) => check(
                format!("provider {name}"),
                Status::Warn,
                format!(
                    "{} is empty or unset: requests will be refused by the provider",
                    provider.key.describe()
                ),
            ),
            _ => check(
                format!("provider {name}"),
                Status::Ok,
                format!(
                    "{} ({}{})",
                    provider.config.base_url,
                    if provider.local {
                        "local, free"
                    } else {
                        "hosted"
                    },
                    if needs_key { ", key loaded" } else { "" }
                ),
            ),
        });
    }
    checks.push(match (&opened.router, &opened.router_problem) {
        (Some(_), _) => check(
            "model router",
            Status::Ok,
            format!("`{}` ready", config.pipeline.model_router),
        ),
        (None, problem) => check(
            "model router",
            Status::Warn,
            format!(
                "{}; calls use [model_calls] default_model{}",
                problem.clone().unwrap_or_default(),
                config
                    .model_calls
                    .default_model
                    .as_deref()
                    .map(|m| format!(" ({m})"))
                    .unwrap_or_else(|| " (not set)".into())
            ),
        ),
    });
    checks.push(match models.stt() {
        Some((provider, model)) => check(
            "speech to text",
            Status::Ok,
            format!("{model} on {}", provider.name()),
        ),
        None => check(
            "speech to text",
            Status::Warn,
            "no provider has stt_model: audio commands need the browser's speech recognition",
        ),
    });
    let b = models.budgets().config();
    let limits: Vec<String> = [
        b.day_usd.map(|v| format!("${v}/day")),
        b.month_usd.map(|v| format!("${v}/month")),
        b.session_usd.map(|v| format!("${v}/session")),
        b.day_tokens.map(|v| format!("{v} tokens/day")),
    ]
    .into_iter()
    .flatten()
    .collect();
    checks.push(check(
        "budgets",
        Status::Ok,
        if limits.is_empty() {
            "none set ([budgets] in ralex.toml)".to_string()
        } else {
            format!(
                "{} ({})",
                limits.join(", "),
                if b.soft { "soft: warn only" } else { "hard" }
            )
        },
    ));
    checks
}

/// The effective policy loads and validates.
fn policy_check(home: &Home) -> Check {
    let files = match crate::policy::files(home) {
        Ok(files) => files,
        Err(e) => return check("policy", Status::Fail, format!("{e:#}")),
    };
    let built_in = files
        .iter()
        .filter(|f| f.origin.ends_with(" (built in)"))
        .count();
    match ralex_policy::Policy::load(&files) {
        Ok(policy) => check(
            "policy",
            Status::Ok,
            format!(
                "loads: {} rules from {} files ({built_in} built in, {} from {})",
                policy.rules().len(),
                files.len(),
                files.len() - built_in,
                home.policies().display()
            ),
        ),
        Err(ralex_policy::PolicyError::Problems(problems)) => check(
            "policy",
            Status::Fail,
            format!(
                "{} problem(s), first: {}; run `ralex policy check` for all of them",
                problems.len(),
                problems[0]
            ),
        ),
        Err(e) => check("policy", Status::Fail, e.to_string()),
    }
}

/// The configured MCP servers and whether their commands can be found.
fn mcp_check(config: &Config) -> Check {
    if config.mcp_servers.is_empty() {
        return check(
            "mcp servers",
            Status::Ok,
            "none configured ([[mcp_servers]] in ralex.toml)",
        );
    }
    let on_path = |cmd: &str| {
        let path = std::path::Path::new(cmd);
        if path.components().count() > 1 {
            return path.is_file();
        }
        std::env::var_os("PATH")
            .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(cmd).is_file()))
    };
    let missing: Vec<String> = config
        .mcp_servers
        .iter()
        .filter(|s| !on_path(&s.command))
        .map(|s| format!("`{}` (command `{}` not found)", s.name, s.command))
        .collect();
    let names: Vec<String> = config
        .mcp_servers
        .iter()
        .map(|s| format!("{} ({})", s.name, s.command))
        .collect();
    if missing.is_empty() {
        check("mcp servers", Status::Ok, names.join(", "))
    } else {
        check(
            "mcp servers",
            Status::Warn,
            format!(
                "{}; install them or fix `command` in [[mcp_servers]]",
                missing.join(", ")
            ),
        )
    }
}

/// Whether programs run through `exec` can be confined to the project.
fn sandbox_check() -> Check {
    let report = ralex_exec::Sandbox::detect();
    match report.sandbox {
        ralex_exec::Sandbox::Bubblewrap { .. } => check(
            "exec sandbox",
            Status::Ok,
            format!("bubblewrap ({})", report.detail),
        ),
        ralex_exec::Sandbox::None => check(
            "exec sandbox",
            Status::Warn,
            format!(
                "none — {} (programs still run only from the allow-list, with a scrubbed environment and limits; a working bubblewrap confines their writes to the project)",
                report.detail
            ),
        ),
    }
}

/// Plugins are built for wasm32-wasip2; only needed to build them, so a warning.
fn toolchain_target() -> Check {
    match Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
    {
        Ok(out)
            if String::from_utf8_lossy(&out.stdout)
                .lines()
                .any(|l| l.trim() == "wasm32-wasip2") =>
        {
            check(
                "wasm32-wasip2 target",
                Status::Ok,
                "installed (plugins can be built)",
            )
        }
        Ok(_) => check(
            "wasm32-wasip2 target",
            Status::Warn,
            "not installed; needed to build plugins: `rustup target add wasm32-wasip2`",
        ),
        Err(_) => check(
            "wasm32-wasip2 target",
            Status::Warn,
            "rustup not found; building plugins needs a Rust toolchain with the wasm32-wasip2 target",
        ),
    }
}
