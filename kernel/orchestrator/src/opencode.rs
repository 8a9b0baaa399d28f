//! The OpenCode agent back end: a project can have its model-backed commands
//! carried out by the OpenCode CLI instead of the `agent` plugin.
//!
//! Owns: reading `[agent] backend = "opencode"` (with `model`, `timeout_seconds`)
//! from the project's `.ralex/config.toml`, running `opencode run --format json`
//! through the exec capability (policy `exec:run` for the person, the sandbox, no
//! shell, stdin closed) and reading its JSON events into an answer.
//!
//! OpenCode edits files itself, so the kernel snapshots the work tree before
//! starting it (recorded with the command, as for the plugin) and diffs after: the
//! change is reviewed and undone like any other. It runs with every OpenCode
//! permission denied except reading and editing files — no bash, no web, nothing
//! outside the project — so nothing can ask for an interactive approval and hang;
//! tests run afterwards through the kernel's own exec path. Its state folders
//! (`$XDG_DATA_HOME/opencode`, cache, state — where `opencode auth login` keeps its
//! credentials, and its config folder) are the only folders besides the project it
//! may write. Its cost is
//! the one OpenCode reports: Ralex's budgets and ledger do not see these calls,
//! and the answer says so.

use std::path::{Path, PathBuf};
use std::time::Duration;

use ralex_exec::{Allowed, Limits, Runner, Sandbox};
use ralex_policy::{Action, Resource};
use serde_json::Value;

/// The OpenCode permissions a Ralex run uses: reading and editing the project's
/// files, nothing else, and never "ask".
const PERMISSIONS: &str = r#"{"*":"deny","read":"allow","edit":"allow","glob":"allow","grep":"allow","list":"allow","todoread":"allow","todowrite":"allow","bash":"deny","webfetch":"deny","websearch":"deny","codesearch":"deny","task":"deny","external_directory":"deny","doom_loop":"deny"}"#;

/// Default time limit of one OpenCode run.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);

/// A project's OpenCode settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenCode {
    /// `--model provider/model`, when set.
    pub model: Option<String>,
    /// How long one run may take.
    pub timeout: Duration,
}

impl OpenCode {
    /// The project's choice: `Ok(Some)` when `.ralex/config.toml` says
    /// `[agent] backend = "opencode"`, `Ok(None)` for the plugin (the default),
    /// `Err` naming the file and key when the setting is wrong.
    pub fn configured(root: &Path) -> Result<Option<OpenCode>, String> {
        let Ok(text) = std::fs::read_to_string(root.join(".ralex/config.toml")) else {
            return Ok(None);
        };
        let value: toml::Value = toml::from_str(&text)
            .map_err(|e| format!(".ralex/config.toml: {}", e.message().trim()))?;
        let Some(agent) = value.get("agent") else {
            return Ok(None);
        };
        let backend = agent.get("backend").map(|b| b.as_str());
        match backend {
            None | Some(Some("plugin")) => return Ok(None),
            Some(Some("opencode")) => {}
            Some(other) => {
                return Err(format!(
                    ".ralex/config.toml: [agent] backend = {} is not known; use \"plugin\" (the default) or \"opencode\"",
                    other.map_or_else(|| "(not a string)".to_string(), |o| format!("\"{o}\""))
                ));
            }
        }
        let model = match agent.get("model") {
            None => None,
            Some(m) => Some(
                m.as_str()
                    .filter(|m| m.contains('/') && !m.trim().is_empty())
                    .ok_or(".ralex/config.toml: [agent] model must look like \"provider/model\", e.g. \"anthropic/claude-sonnet-4-5\"")?
                    .to_owned(),
            ),
        };
        let timeout = match agent.get("timeout_seconds") {
            None => DEFAULT_TIMEOUT,
            Some(t) => Duration::from_secs(t.as_integer().filter(|t| *t > 0).ok_or(
                ".ralex/config.toml: [agent] timeout_seconds must be a positive whole number",
            )? as u64),
        };
        Ok(Some(OpenCode { model, timeout }))
    }

    /// The arguments of `opencode` for `message`.
    pub(crate) fn args(&self, message: &str, title: &str) -> Vec<String> {
        let mut args: Vec<String> = ["run", "--format", "json", "--pure", "--title", title]
            .iter()
            .map(|a| a.to_string())
            .collect();
        if let Some(model) = &self.model {
            args.extend(["--model".to_string(), model.clone()]);
        }
        args.push(message.to_owned());
        args
    }

    /// A runner for OpenCode in `root`: its permissions pinned, its state folders
    /// writable, its time limit.
    pub(crate) fn runner(&self, root: &Path, sandbox: Sandbox) -> Result<Runner, String> {
        let config =
            format!(r#"{{"permission":{PERMISSIONS},"autoupdate":false,"share":"disabled"}}"#);
        let limits = Limits {
            timeout: self.timeout,
            ..Limits::default()
        };
        let mut runner = Runner::new(root.to_path_buf(), limits, sandbox)
            .with_env("OPENCODE_CONFIG_CONTENT", &config)
            .map_err(|e| e.to_string())?;
        // OpenCode installed under a temporary folder (e.g. a checkout in /tmp)
        // would be hidden by the sandbox's private /tmp: its package is bound
        // read-only.
        if let Some(package) = installation() {
            runner = runner.with_readable(package);
        }
        for (var, default) in [
            ("XDG_CONFIG_HOME", ".config"),
            ("XDG_DATA_HOME", ".local/share"),
            ("XDG_CACHE_HOME", ".cache"),
            ("XDG_STATE_HOME", ".local/state"),
        ] {
            let base = match std::env::var_os(var) {
                Some(dir) => PathBuf::from(dir),
                None => match std::env::var_os("HOME") {
                    Some(home) => PathBuf::from(home).join(default),
                    None => continue,
                },
            };
            runner = runner
                .with_env(var, &base.to_string_lossy())
                .map_err(|e| e.to_string())?;
            // Its folders must be reachable in the sandbox (whose /tmp is
            // private) and writable: OpenCode keeps sessions, logs and its
            // provider packages there.
            let dir = base.join("opencode");
            std::fs::create_dir_all(&dir)
                .map_err(|e| format!("cannot create OpenCode's folder {}: {e}", dir.display()))?;
            runner = runner.with_writable(dir);
        }
        Ok(runner)
    }
}

/// The folder OpenCode is installed in: the `node_modules` folder holding the
/// `opencode` found on PATH (its launcher and platform binary live there), else
/// the folder of the program itself.
fn installation() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    let found = std::env::split_paths(&path)
        .map(|dir| dir.join("opencode"))
        .find(|candidate| candidate.is_file())?;
    let real = found.canonicalize().ok()?;
    let package = real
        .ancestors()
        .find(|dir| dir.file_name().is_some_and(|n| n == "node_modules"))
        .map(Path::to_path_buf)
        .or_else(|| real.parent().map(Path::to_path_buf))?;
    let launcher_dir = found.parent()?.to_path_buf();
    // The launcher's own folder may be outside the package (a symlink in a bin/).
    Some(if launcher_dir.starts_with(&package) {
        package
    } else {
        launcher_dir
            .ancestors()
            .find(|dir| package.starts_with(dir))
            .map(Path::to_path_buf)
            .unwrap_or(package)
    })
}

/// What an OpenCode run said, from its JSON events.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Events {
    /// Text the model wrote, in order.
    pub texts: Vec<String>,
    /// Errors it reported.
    pub errors: Vec<String>,
    /// Cost it reported, USD.
    pub cost_usd: f64,
    /// Files it edited (from its tool events).
    pub edited: Vec<String>,
}

/// Reads `opencode run --format json` output (one JSON object per line; other
/// lines are ignored).
pub fn read_events(stdout: &str) -> Events {
    let mut events = Events::default();
    for line in stdout.lines() {
        let Ok(event) = serde_json::from_str::<Value>(line.trim()) else {
            continue;
        };
        let part = &event["part"];
        match event["type"].as_str() {
            Some("text") => {
                if let Some(text) = part["text"].as_str().filter(|t| !t.trim().is_empty()) {
                    events.texts.push(text.trim().to_owned());
                }
            }
            Some("step_finish") => events.cost_usd += part["cost"].as_f64().unwrap_or(0.0),
            Some("tool_use") => {
                let input = &part["state"]["input"];
                if let Some(path) = input["filePath"].as_str()
                    && !events.edited.iter().any(|p| p == path)
                    && matches!(part["tool"].as_str(), Some("edit" | "write" | "patch"))
                {
                    events.edited.push(path.to_owned());
                }
            }
            Some("error") => {
                let error = &event["error"];
                let message = error["data"]["message"]
                    .as_str()
                    .or(error["message"].as_str())
                    .or(error["name"].as_str())
                    .unwrap_or("an unknown error");
                events.errors.push(message.to_owned());
            }
            _ => {}
        }
    }
    events
}

/// Decides and runs OpenCode for the person behind `gate`; the output, or why
/// it could not run.
pub(crate) async fn run(
    gate: &crate::gate::Gate,
    config: &OpenCode,
    root: &Path,
    message: &str,
    title: &str,
    sandbox: Sandbox,
) -> Result<ralex_exec::Output, String> {
    let args = config.args(message, title);
    let resource = Resource::Program {
        name: "opencode".into(),
        args: args.clone(),
    };
    gate.allow(Action::ExecRun, &resource, &[title.as_bytes()], false)
        .map_err(|why| format!("I may not run OpenCode: {why}"))?;
    let runner = config.runner(root, sandbox)?;
    let allowed = [Allowed::parse("opencode run").map_err(|e| e.to_string())?];
    runner
        .run(&allowed, "opencode", &args, "", Some(config.timeout))
        .await
        .map_err(|e| match e.kind() {
            ralex_caps::ErrorKind::NotFound => format!(
                "OpenCode is not installed here ({e}); install it with `npm install -g opencode-ai`, or remove `backend = \"opencode\"` from .ralex/config.toml to use Ralex's own agent"
            ),
            _ => format!("OpenCode could not run: {e}"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str) -> Result<Option<OpenCode>, String> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".ralex")).unwrap();
        std::fs::write(dir.path().join(".ralex/config.toml"), text).unwrap();
        OpenCode::configured(dir.path())
    }

    #[test]
    fn the_backend_is_chosen_per_project() {
        assert_eq!(
            config("[project]\ntest_command = \"make test\"\n"),
            Ok(None)
        );
        assert_eq!(config("[agent]\nbackend = \"plugin\"\n"), Ok(None));
        let chosen = config(
            "[agent]\nbackend = \"opencode\"\nmodel = \"lab/small\"\ntimeout_seconds = 30\n",
        )
        .unwrap()
        .unwrap();
        assert_eq!(chosen.model.as_deref(), Some("lab/small"));
        assert_eq!(chosen.timeout, Duration::from_secs(30));
        let args = chosen.args("fix it", "ralex: fix it");
        assert_eq!(&args[..3], ["run", "--format", "json"]);
        assert_eq!(args.last().map(String::as_str), Some("fix it"));
        assert!(args.windows(2).any(|w| w == ["--model", "lab/small"]));
    }

    #[test]
    fn wrong_settings_name_the_key() {
        let e = config("[agent]\nbackend = \"aider\"\n").unwrap_err();
        assert!(
            e.contains("[agent] backend") && e.contains("\"aider\""),
            "{e}"
        );
        let e = config("[agent]\nbackend = \"opencode\"\nmodel = \"gpt\"\n").unwrap_err();
        assert!(e.contains("provider/model"), "{e}");
        let e = config("[agent]\nbackend = \"opencode\"\ntimeout_seconds = 0\n").unwrap_err();
        assert!(e.contains("timeout_seconds"), "{e}");
    }

    #[test]
    fn events_give_the_text_cost_errors_and_edits() {
        let out = r#"{"type":"step_start","part":{}}
not json
{"type":"tool_use","part":{"tool":"edit","state":{"input":{"filePath":"/p/a.py"}}}}
{"type":"text","part":{"text":"I changed f."}}
{"type":"step_finish","part":{"cost":0.25}}
{"type":"step_finish","part":{"cost":0.5}}
{"type":"error","error":{"name":"APIError","data":{"message":"rate limited"}}}"#;
        let events = read_events(out);
        assert_eq!(events.texts, ["I changed f."]);
        assert_eq!(events.cost_usd, 0.75);
        assert_eq!(events.errors, ["rate limited"]);
        assert_eq!(events.edited, ["/p/a.py"]);
    }
}
