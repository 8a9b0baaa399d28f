//! The WIT is language-neutral: the example workflow step written in Python
//! (`plugins/examples/line-stats-py`) is built into a component with
//! componentize-py (installed by `make tools`) from the repository's `wit/`,
//! installed like any plugin, and run by the kernel in a workflow.

use std::process::Command;

use crate::support::*;

#[test]
fn a_python_workflow_step_builds_installs_and_runs() {
    let componentize = target_dir().join("tools/py/bin/componentize-py");
    assert!(
        componentize.is_file(),
        "{} is missing: run `make tools`",
        componentize.display()
    );
    let source = workspace_root().join("plugins/examples/line-stats-py");
    let tmp = tempfile::tempdir().unwrap();
    let plugin = tmp.path().join("line-stats-py");
    std::fs::create_dir_all(&plugin).unwrap();
    let out = Command::new(&componentize)
        .args([
            "-d",
            workspace_root().join("wit").to_str().unwrap(),
            "-w",
            "workflow-step",
            "componentize",
            "app",
        ])
        .args(["-p", source.to_str().unwrap(), "-o"])
        .arg(plugin.join("line_stats.wasm"))
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "componentize-py: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let wasm = std::fs::read(plugin.join("line_stats.wasm")).unwrap();
    let digest = ralex_manifest::sha256_hex(&wasm);
    let manifest = std::fs::read_to_string(source.join("plugin.toml"))
        .unwrap()
        // The digest belongs to [plugin]: before the first other table.
        .replace(
            "[permissions]",
            &format!("sha256 = \"{digest}\"\n\n[permissions]"),
        );
    std::fs::write(plugin.join("plugin.toml"), manifest).unwrap();

    let env = Env::new();
    let r = env.run(&[
        "plugin",
        "install",
        plugin.to_str().unwrap(),
        "--trust",
        "--yes",
    ]);
    r.ok();
    let info = env
        .run(&["plugin", "info", "line-stats-py", "--json"])
        .ok()
        .json();
    assert_eq!(info["status"], "loaded", "{info:#}");
    assert_eq!(info["world"], "ralex:plugin/workflow-step@0.1.0");

    let (_dir, root) = project(true);
    std::fs::write(root.join("notes.txt"), "one two three\nfour five\n").unwrap();
    let run = plugin_step(
        &env,
        &root,
        "line-stats-py",
        "{ paths: [notes.txt, README.md] }",
    );
    let step = &run["steps"][0];
    assert_eq!(step["state"], "ok", "{run:#}");
    assert_eq!(step["output"]["language"], "python");
    assert_eq!(
        step["output"]["files"][0],
        serde_json::json!({"path": "notes.txt", "lines": 2, "words": 5})
    );
    assert!(
        step["summary"]
            .as_str()
            .unwrap()
            .ends_with("counted in Python."),
        "{run:#}"
    );
}
