//! The web UI in a real browser: `tests/ui/ui.spec.mjs` drives Debian's Chromium
//! through playwright-core against this test's `ralex serve`, at a phone and a
//! desktop viewport. The script stops at each `@@ralex-step NAME [JSON]` line;
//! this side then scripts the model's next replies or checks the project's files
//! and the server (what the browser cannot see), and answers `ok` or
//! `fail: why`. Screenshots of every state go to `target/ui-screenshots/`.
//!
//! Skipped (with the reason printed) only when Chromium or playwright-core is
//! missing and `CI` is not set; under CI their absence fails the test.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

use super::*;

const CHROMIUM: &str = "/usr/bin/chromium";

/// The node process; killed if the test ends early.
struct Browser(Child);

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// What is missing to run the browser, if anything.
fn missing(modules: &Path) -> Vec<String> {
    let mut missing = Vec::new();
    if !Path::new(CHROMIUM).is_file() {
        missing.push(format!("{CHROMIUM} (apt-get install chromium)"));
    }
    if !modules.join("playwright-core/package.json").is_file() {
        missing.push(format!(
            "{}/playwright-core (make tools)",
            modules.display()
        ));
    }
    if Command::new("node").arg("--version").output().is_err() {
        missing.push("node (apt-get install nodejs)".into());
    }
    missing
}

/// One step the script asks for: `Err` says what is wrong.
fn step(
    server: &Server,
    before: &BTreeMap<String, Vec<u8>>,
    name: &str,
    data: &Value,
) -> std::result::Result<(), String> {
    let (_, what) = name.split_once(':').unwrap_or(("", name));
    let original = |path: &str| before[path].clone();
    let now = |path: &str| std::fs::read(server.root.join(path)).ok();
    match what {
        "script-edit" => server.script(json!([
            call(
                "replace",
                json!({"path": PARSE_CONFIG, "search": DEF_LINE, "replace": format!("{DEF_LINE}{DOCSTRING}")})
            ),
            say("I added a docstring to parse_config."),
        ])),
        "edited" => {
            let expected = String::from_utf8(original(PARSE_CONFIG))
                .unwrap()
                .replacen(DEF_LINE, &format!("{DEF_LINE}{DOCSTRING}"), 1);
            if now(PARSE_CONFIG) != Some(expected.into_bytes()) {
                return Err(format!("{PARSE_CONFIG} is not the original plus the docstring"));
            }
            let mut others = code_files(&server.root);
            others.remove(PARSE_CONFIG);
            let mut unchanged = before.clone();
            unchanged.remove(PARSE_CONFIG);
            if others != unchanged {
                return Err("other files changed too".into());
            }
        }
        "undone" => {
            if now(PARSE_CONFIG) != Some(original(PARSE_CONFIG)) {
                return Err(format!("{PARSE_CONFIG} was not restored byte for byte"));
            }
        }
        "asked-delete" => {
            if now(CONFIG) != Some(original(CONFIG)) {
                return Err(format!("{CONFIG} changed before it was confirmed"));
            }
        }
        "script-delete" => server.script(json!([
            call("delete_file", json!({"path": CONFIG})),
            say("I deleted inventory/config.py."),
        ])),
        "deleted" => {
            if server.root.join(CONFIG).exists() {
                return Err(format!("{CONFIG} still exists after the confirmation"));
            }
        }
        "restored" => {
            if now(CONFIG) != Some(original(CONFIG)) {
                return Err(format!("{CONFIG} was not restored byte for byte"));
            }
        }
        "cancelled" => {
            // The socket's cancel reached the server: the id no longer confirms.
            let r = server.voice(json!({
                "command": DELETE_CONFIG,
                "session_id": data["session_id"],
                "confirmation_id": data["confirmation_id"],
            }));
            if r.status != 403 {
                return Err(format!(
                    "a cancelled confirmation still confirmed: {} {}",
                    r.status, r.text
                ));
            }
            if now(CONFIG) != Some(original(CONFIG)) {
                return Err(format!("{CONFIG} changed after cancelling"));
            }
        }
        other => return Err(format!("unknown step {other}")),
    }
    Ok(())
}

#[test]
fn the_web_ui_works_in_a_real_browser_on_a_phone_and_a_desktop() {
    let modules = std::env::var_os("PLAYWRIGHT_MODULE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("tools/node_modules"));
    let missing = missing(&modules);
    if !missing.is_empty() {
        let why = format!("the web UI test needs {}", missing.join(", "));
        assert!(std::env::var_os("CI").is_none(), "CI: {why}");
        println!("skipped: {why}");
        return;
    }
    let server = Server::start();
    let before = code_files(&server.root);
    let shots = target_dir().join("ui-screenshots");
    let _ = std::fs::remove_dir_all(&shots);

    let mut child = Command::new("node")
        .arg(workspace_root().join("tests/ui/ui.spec.mjs"))
        .env("RALEX_URL", &server.base)
        .env("RALEX_TOKEN", &server.user)
        .env("RALEX_PROJECT", &server.root)
        .env("SCREENSHOT_DIR", &shots)
        .env("NODE_PATH", &modules)
        .env("PLAYWRIGHT_MODULE_DIR", &modules)
        .env("CHROMIUM", CHROMIUM)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("node starts");
    let mut stdin = child.stdin.take().unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let mut browser = Browser(child);

    let mut failures = Vec::new();
    let mut steps = 0;
    for line in stdout.lines() {
        let line = line.expect("the script's output");
        println!("{line}");
        let Some(rest) = line.strip_prefix("@@ralex-step ") else {
            continue;
        };
        steps += 1;
        let (name, data) = rest.split_once(' ').unwrap_or((rest, "null"));
        let data: Value = serde_json::from_str(data).unwrap_or(Value::Null);
        let reply = match step(&server, &before, name, &data) {
            Ok(()) => "ok".to_string(),
            Err(why) => {
                failures.push(format!("{name}: {why}"));
                format!("fail: {why}")
            }
        };
        writeln!(stdin, "{reply}").expect("answer the script");
    }
    let status = browser.0.wait().expect("node ends");
    assert!(failures.is_empty(), "steps failed: {failures:#?}");
    assert!(
        status.success(),
        "the browser script failed ({status}); screenshots in {}; server log:\n{}",
        shots.display(),
        server.log()
    );
    assert_eq!(steps, 2 * 8, "the script skipped steps");
    assert_eq!(
        code_files(&server.root),
        before,
        "the project ends as it began"
    );
    for name in [
        "phone-answer",
        "phone-confirmation",
        "desktop-answer",
        "desktop-confirmation",
        "phone-offline-queued",
        "desktop-offline-sent",
    ] {
        assert!(
            shots.join(format!("{name}.png")).is_file(),
            "no screenshot {name}.png"
        );
    }
}

/// Every file under `web/` is in the service worker's shell list (or is the
/// worker itself or the page, which is `/`): a file missing there would not load
/// offline.
#[test]
fn the_service_worker_caches_every_file_of_the_ui() {
    let web = workspace_root().join("kernel/gateway/web");
    let worker = std::fs::read_to_string(web.join("sw.js")).unwrap();
    let mut files = Vec::new();
    let mut dirs = vec![web.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                files.push(path);
            }
        }
    }
    for path in files {
        let rel = format!(
            "/{}",
            path.strip_prefix(&web)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        );
        if rel == "/sw.js" || rel == "/index.html" {
            continue;
        }
        assert!(
            worker.contains(&format!("\"{rel}\"")),
            "{rel} is not in sw.js's SHELL list"
        );
    }
    assert!(worker.contains("\"/\""), "the page itself is not cached");
}
