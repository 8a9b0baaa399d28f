//! `ralex plugin new` outside the workspace, using only the SDK and the WIT:
//! each template builds for wasm32-wasip2, installs with `ralex plugin install
//! .`, loads, and runs — the workflow step in a workflow, the parser as the
//! pipeline's command parser.

use std::process::Command;

use crate::support::*;

fn ralex(env: &Env, args: &[&str], cwd: &std::path::Path) -> Result {
    let mut cmd: Command = env.command();
    // One target folder for the templates' builds (their dependencies build once).
    cmd.env("CARGO_TARGET_DIR", target_dir().join("plugin-templates"))
        .env("RALEX_SDK", workspace_root().join("sdk"))
        .current_dir(cwd);
    Result::from(cmd.args(args).output().unwrap())
}

#[test]
fn templates_build_install_and_run_outside_the_workspace() {
    let env = Env::new();
    let outside = tempfile::tempdir().unwrap();
    let here = outside.path();
    for (name, world) in [
        ("todo-count", "workflow-step"),
        ("todo-find", "code-analyzer"),
        ("kw-parser", "command-parser"),
    ] {
        ralex(
            &env,
            &["plugin", "new", name, "--world", world, "--publisher", "me"],
            here,
        )
        .ok();
        let project = here.join(name);
        for file in [
            "Cargo.toml",
            "plugin.toml",
            "src/lib.rs",
            "README.md",
            ".gitignore",
        ] {
            assert!(project.join(file).is_file(), "{name}/{file}");
        }
        let r = ralex(
            &env,
            &["plugin", "install", ".", "--trust", "--yes"],
            &project,
        );
        assert_eq!(r.code, 0, "{name}:\n{}\n{}", r.stdout, r.stderr);
        assert!(
            r.stdout
                .contains(&format!("world      ralex:plugin/{world}@0.1.0")),
            "{}",
            r.stdout
        );
    }
    let list = env.run(&["plugin", "list", "--json"]).ok().json();
    for name in ["todo-count", "todo-find", "kw-parser"] {
        let p = list
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("{name}: {list:#}"));
        assert_eq!(p["status"], "loaded", "{p:#}");
        assert!(p["grant"].is_string(), "{p:#}");
    }

    // The workflow step runs in a workflow, reading through its grant.
    let (_dir, root) = project(true);
    std::fs::write(
        root.join("inventory/notes.py"),
        "# TODO: one\nx = 1  # FIXME two\n",
    )
    .unwrap();
    let run = plugin_step(&env, &root, "todo-count", "{ paths: [inventory/notes.py] }");
    let step = &run["steps"][0];
    assert_eq!(step["state"], "ok", "{run:#}");
    assert_eq!(step["output"]["todos"], 2, "{run:#}");
    assert_eq!(step["output"]["total_lines"], 2);
    assert_eq!(step["summary"], "1 file: 2 lines, 2 TODOs.");

    // The parser template, configured as the pipeline's command parser.
    std::fs::write(
        env.home.path().join("ralex.toml"),
        "[pipeline]\ncommand_parser = \"kw-parser\"\n",
    )
    .unwrap();
    let answer = env
        .run(&[
            "run",
            "please run the tests",
            "--project",
            root.to_str().unwrap(),
            "--dry-run",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(answer["intent"]["kind"], "test", "{answer:#}");
    assert_eq!(answer["normalized"], "please run the tests");

    // An unknown world is refused before anything is written.
    let r = ralex(&env, &["plugin", "new", "x", "--world", "gadget"], here);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("there is no template for world `gadget`"),
        "{}",
        r.stderr
    );
    assert!(!here.join("x").exists());
}
