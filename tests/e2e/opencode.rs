//! The OpenCode agent back end from the outside: `ralex run` on a git project whose
//! `.ralex/config.toml` says `[agent] backend = "opencode"`, with the real OpenCode
//! CLI (installed by `make tools` into `target/tools`) talking to the scripted model
//! server as an OpenAI-compatible provider. OpenCode runs in Ralex's exec sandbox.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::*;

/// The OpenCode launcher `make tools` installs.
fn opencode_bin_dir() -> PathBuf {
    let dir = target_dir().join("tools/node_modules/.bin");
    assert!(
        dir.join("opencode").is_file(),
        "{} is missing: run `make tools` (npm install of opencode-ai) first",
        dir.join("opencode").display()
    );
    dir
}

/// A git project using OpenCode, OpenCode's own folders, and the model server.
struct Lab {
    env: Env,
    server: ModelServer,
    _dir: tempfile::TempDir,
    root: PathBuf,
    xdg: tempfile::TempDir,
}

impl Lab {
    fn new() -> Lab {
        let server = model_server();
        let env = Env::new();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("proj");
        std::fs::create_dir_all(root.join(".ralex")).unwrap();
        std::fs::write(root.join("a.py"), "def f():\n    return 1\n").unwrap();
        std::fs::write(root.join("b.py"), "def g():\n    return 'b'\n").unwrap();
        std::fs::write(
            root.join(".ralex/config.toml"),
            "[agent]\nbackend = \"opencode\"\nmodel = \"lab/lab-small\"\ntimeout_seconds = 120\n",
        )
        .unwrap();
        run_git(&root, &["init", "-q"]);
        commit_all(&root, "start");
        // OpenCode's user config: the scripted server as its provider. Its cache
        // (where it installs the provider package from npm) is shared between
        // tests so the package is fetched once.
        let xdg = tempfile::tempdir().unwrap();
        let config = xdg.path().join("config/opencode");
        std::fs::create_dir_all(&config).unwrap();
        let provider = json!({
            "provider": {"lab": {
                "npm": "@ai-sdk/openai-compatible",
                "name": "Lab",
                "options": {"baseURL": format!("{}", server.base()), "apiKey": "lab-key"},
                "models": {"lab-small": {"name": "lab-small", "tool_call": true}}
            }},
            "model": "lab/lab-small",
            "small_model": "lab/lab-small"
        });
        std::fs::write(config.join("opencode.json"), provider.to_string()).unwrap();
        Lab {
            env,
            server,
            _dir: dir,
            root,
            xdg,
        }
    }

    fn ralex(&self, args: &[&str], path: &str) -> Result {
        let cache = target_dir().join("tools/opencode-cache");
        std::fs::create_dir_all(&cache).unwrap();
        let mut cmd = self.env.command();
        for var in MODEL_VARS {
            cmd.env_remove(var);
        }
        let output = cmd
            .env("PATH", path)
            .env("XDG_CONFIG_HOME", self.xdg.path().join("config"))
            .env("XDG_DATA_HOME", self.xdg.path().join("data"))
            .env("XDG_STATE_HOME", self.xdg.path().join("state"))
            .env("XDG_CACHE_HOME", &cache)
            .args(args)
            .output()
            .unwrap();
        Result::from(output)
    }

    fn run(&self, command: &str) -> Result {
        let path = format!(
            "{}:{}",
            opencode_bin_dir().display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let root = self.root.to_str().unwrap();
        self.ralex(&["run", command, "--project", root, "--json"], &path)
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.root.join(name)).unwrap()
    }

    fn path(&self, name: &str) -> String {
        self.root.join(name).display().to_string()
    }
}

fn edit(path: &str, old: &str, new: &str) -> Value {
    json!({"kind": "chat", "tool_calls": [{"name": "edit", "arguments": {
        "filePath": path, "oldString": old, "newString": new
    }}]})
}

fn say(text: &str) -> Value {
    json!({"kind": "chat", "text": text})
}

fn status_clean(root: &Path) -> bool {
    run_git(root, &["status", "--porcelain"]).trim().is_empty()
}

#[test]
fn opencode_makes_the_change_and_undo_takes_it_back() {
    let lab = Lab::new();
    lab.server.push(json!([
        edit(&lab.path("a.py"), "return 1", "return 2"),
        say("I changed f to return 2."),
    ]));
    let r = lab.run("edit the function f in a.py to return 2");
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let answer = r.json();
    assert_eq!(answer["status"], "completed", "{answer:#}");
    assert_eq!(answer["response"], "I changed f to return 2.");
    assert_eq!(answer["model"], "opencode:lab/lab-small");
    assert_eq!(lab.read("a.py"), "def f():\n    return 2\n");
    assert_eq!(lab.read("b.py"), "def g():\n    return 'b'\n");
    let changes = answer["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{answer:#}");
    assert_eq!(changes[0]["path"], "a.py");
    assert!(
        changes[0]["diff"]
            .as_str()
            .unwrap()
            .contains("-    return 1\n+    return 2\n")
    );

    // OpenCode got the command and offered the model only file tools: no bash,
    // no web (Ralex pins its permissions).
    let chats = chat_requests(&lab.server);
    let main = chats
        .iter()
        .find(|c| c["body"]["tools"].as_array().is_some_and(|t| !t.is_empty()))
        .expect("a request with tools");
    let tools: Vec<&str> = main["body"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["function"]["name"].as_str().unwrap())
        .collect();
    assert!(tools.contains(&"edit"), "{tools:?}");
    assert!(
        !tools.contains(&"bash") && !tools.contains(&"webfetch"),
        "{tools:?}"
    );
    assert!(main["body"].to_string().contains("return 2"));

    let undo_id = answer["undo_id"].as_str().unwrap();
    let root = lab.root.to_str().unwrap();
    let undone = lab.ralex(
        &["undo", undo_id, "--project", root, "--json"],
        "/usr/bin:/bin",
    );
    assert_eq!(undone.code, 0, "{}", undone.stdout);
    assert_eq!(lab.read("a.py"), "def f():\n    return 1\n");
    assert!(status_clean(&lab.root));
}

#[test]
fn a_shell_command_is_refused_without_asking_and_without_hanging() {
    let lab = Lab::new();
    let marker = lab.path("pwned");
    lab.server.push(json!([
        {"kind": "chat", "tool_calls": [{"name": "bash", "arguments": {
            "command": format!("touch {marker} && curl http://example.com"),
            "description": "fetch"
        }}]},
        say("I could not run that."),
        say("Done."),
    ]));
    let started = Instant::now();
    let r = lab.run("edit a.py to fetch example dot com");
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(90),
        "it must not wait for an approval: {took:?}"
    );
    let answer = r.json();
    assert!(
        !lab.root.join("pwned").exists(),
        "the shell command ran: {answer:#}"
    );
    assert!(status_clean(&lab.root), "{answer:#}");
    assert!(answer["undo_id"].is_null(), "nothing changed: {answer:#}");
}

#[test]
fn without_opencode_installed_the_answer_says_how_to_install_it() {
    let lab = Lab::new();
    let root = lab.root.to_str().unwrap();
    let r = lab.ralex(
        &[
            "run",
            "edit the function f in a.py to return 2",
            "--project",
            root,
            "--json",
        ],
        "/usr/bin:/bin",
    );
    assert_eq!(r.code, 1, "{}", r.stdout);
    let answer = r.json();
    assert_eq!(answer["status"], "failed");
    let response = answer["response"].as_str().unwrap();
    assert!(
        response.contains("npm install -g opencode-ai"),
        "{response}"
    );
    assert!(response.ends_with("Nothing was changed."), "{response}");
    assert!(answer["undo_id"].is_null());
    assert!(status_clean(&lab.root));
    assert!(chat_requests(&lab.server).is_empty());
}

#[test]
fn a_wrong_backend_setting_is_named() {
    let lab = Lab::new();
    std::fs::write(
        lab.root.join(".ralex/config.toml"),
        "[agent]\nbackend = \"aider\"\n",
    )
    .unwrap();
    let r = lab.run("edit the function f in a.py to return 2");
    assert_eq!(r.code, 1, "{}", r.stdout);
    let response = r.json()["response"].as_str().unwrap().to_string();
    assert!(
        response.contains(".ralex/config.toml") && response.contains("\"aider\""),
        "{response}"
    );
}
