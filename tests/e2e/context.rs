//! `.ralex` notes through the real binary: kept after each command, committed
//! on their own, shown, restored when damaged, and synced between two clones
//! of a bare remote on disk (two devices) — edits on both merge without loss,
//! a real conflict keeps both texts, and a missing remote queues the commits
//! until it is back.

use std::path::{Path, PathBuf};

use crate::support::*;

fn say(env: &Env, root: &Path, session: &str, command: &str) -> serde_json::Value {
    env.run(&[
        "run",
        command,
        "--project",
        root.to_str().unwrap(),
        "--session",
        session,
        "--json",
    ])
    .json()
}

fn context(env: &Env, root: &Path, what: &[&str]) -> Result {
    let mut args = vec!["context"];
    args.extend_from_slice(what);
    args.extend_from_slice(&["--project", root.to_str().unwrap()]);
    env.run(&args)
}

fn read(root: &Path, note: &str) -> String {
    std::fs::read_to_string(root.join(note)).unwrap_or_else(|e| panic!("{note}: {e}"))
}

fn session_notes(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root.join(".ralex/sessions"))
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Files the last commit touched.
fn last_commit_files(root: &Path) -> Vec<String> {
    run_git(root, &["show", "--name-only", "--format=", "HEAD"])
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn notes_are_kept_after_each_command_committed_alone_and_shown() {
    let env = Env::new();
    let (_dir, root) = project(true);
    // Code the person is working on stays theirs: neither staged nor committed.
    std::fs::write(root.join("inventory/wip.py"), "x = 1\n").unwrap();
    run_git(&root, &["add", "inventory/wip.py"]);

    let a = say(&env, &root, "cli", "show me inventory slash pricing dot py");
    assert_eq!(a["status"], "completed", "{a:#}");
    for note in [
        ".ralex/project.md",
        ".ralex/patterns.md",
        ".ralex/standards/general.md",
    ] {
        assert!(root.join(note).is_file(), "{note} missing");
    }
    assert!(read(&root, ".ralex/project.md").contains("Python"));
    let sessions = session_notes(&root);
    assert_eq!(sessions.len(), 1, "{sessions:?}");
    assert!(sessions[0].ends_with("-cli.md"), "{sessions:?}");
    let log = run_git(&root, &["log", "--format=%s"]);
    assert!(
        log.lines()
            .next()
            .unwrap()
            .starts_with("ralex: context: session cli: show me inventory slash pricing dot py"),
        "{log}"
    );
    assert!(
        last_commit_files(&root)
            .iter()
            .all(|f| f.starts_with(".ralex/")),
        "{:?}",
        last_commit_files(&root)
    );
    let status = run_git(&root, &["status", "--porcelain"]);
    assert!(status.contains("A  inventory/wip.py"), "{status}");

    say(
        &env,
        &root,
        "cli",
        "we decided to keep SQLite, show me inventory slash pricing dot py",
    );
    let decisions = read(&root, ".ralex/decisions.md");
    assert!(
        decisions.contains("- Decision: we decided to keep SQLite"),
        "{decisions}"
    );
    let session = read(&root, &format!(".ralex/sessions/{}", sessions[0]));
    assert_eq!(session.matches("\n## ").count(), 2, "{session}");
    assert!(
        session.contains("· show me inventory slash pricing dot py\n"),
        "{session}"
    );

    let shown = context(&env, &root, &["show", "--json"]).ok().json();
    assert_eq!(shown["exists"], true);
    assert_eq!(shown["sessions"], 1);
    assert_eq!(shown["latest_session"][1].as_array().unwrap().len(), 2);
    assert!(
        shown["decisions"][0]
            .as_str()
            .unwrap()
            .starts_with("Decision: we decided to keep SQLite"),
        "{shown:#}"
    );
    let human = context(&env, &root, &["show"]).ok().stdout.clone();
    assert!(human.contains(".ralex/decisions.md"), "{human}");
}

#[test]
fn a_damaged_note_is_reported_left_alone_and_restored_from_history() {
    let env = Env::new();
    let (_dir, root) = project(true);
    say(
        &env,
        &root,
        "cli",
        "we decided to keep SQLite, show me inventory slash pricing dot py",
    );
    let healthy = read(&root, ".ralex/decisions.md");
    // A bad merge left markers in it.
    let damaged =
        format!("{healthy}<<<<<<< mine\n- Decision: a\n=======\n- Decision: b\n>>>>>>> theirs\n");
    std::fs::write(root.join(".ralex/decisions.md"), &damaged).unwrap();

    let shown = context(&env, &root, &["show", "--json"]).ok().json();
    let files = shown["files"].as_array().unwrap();
    let entry = files
        .iter()
        .find(|f| f["path"] == ".ralex/decisions.md")
        .unwrap();
    assert!(!entry["problem"].is_null(), "{shown:#}");
    let human = context(&env, &root, &["show"]).ok().stdout.clone();
    assert!(human.contains("ralex context restore"), "{human}");

    // The kernel keeps working: the next decision is not written into it.
    let a = say(
        &env,
        &root,
        "cli",
        "we decided to keep prices in cents, show me inventory slash pricing dot py",
    );
    assert_eq!(a["status"], "completed", "{a:#}");
    assert_eq!(read(&root, ".ralex/decisions.md"), damaged);
    let sessions = session_notes(&root);
    let session = read(&root, &format!(".ralex/sessions/{}", sessions[0]));
    assert!(
        session.contains("we decided to keep prices in cents"),
        "{session}"
    );

    let r = context(&env, &root, &["restore", "decisions.md"])
        .ok()
        .stdout
        .clone();
    assert!(r.contains("restored .ralex/decisions.md"), "{r}");
    assert_eq!(read(&root, ".ralex/decisions.md"), healthy);
    assert_eq!(read(&root, ".ralex/decisions.md.damaged"), damaged);

    // A note outside .ralex cannot be named.
    let bad = context(&env, &root, &["restore", "../inventory/pricing.py"]);
    assert_ne!(bad.code, 0);
    assert!(bad.stderr.contains(".ralex"), "{}", bad.stderr);
}

/// A bare remote and two clones of it: two devices.
struct Devices {
    _dir: tempfile::TempDir,
    remote: PathBuf,
    a: PathBuf,
    b: PathBuf,
}

fn devices() -> Devices {
    let (dir, seed) = project(true);
    let remote = dir.path().join("remote.git");
    run_git(
        dir.path(),
        &[
            "clone",
            "-q",
            "--bare",
            seed.to_str().unwrap(),
            remote.to_str().unwrap(),
        ],
    );
    let a = dir.path().join("laptop");
    let b = dir.path().join("phone");
    for device in [&a, &b] {
        run_git(
            dir.path(),
            &[
                "clone",
                "-q",
                remote.to_str().unwrap(),
                device.to_str().unwrap(),
            ],
        );
    }
    Devices {
        _dir: dir,
        remote,
        a,
        b,
    }
}

fn sync(env: &Env, root: &Path) -> (i32, serde_json::Value) {
    let r = context(env, root, &["sync", "--json"]);
    (r.code, r.json())
}

#[test]
fn two_devices_sync_their_notes_without_loss() {
    let env = Env::new();
    let d = devices();
    say(
        &env,
        &d.a,
        "laptop",
        "we decided to keep SQLite, show me inventory slash pricing dot py",
    );
    say(
        &env,
        &d.b,
        "phone",
        "we decided to keep prices in cents, show me inventory slash pricing dot py",
    );

    let (code, a) = sync(&env, &d.a);
    assert_eq!(code, 0, "{a:#}");
    assert_eq!(a["state"], "synced", "{a:#}");
    assert!(a["pushed"].as_u64().unwrap() >= 1, "{a:#}");

    // The phone has its own notes and the laptop's: they merge.
    let (code, b) = sync(&env, &d.b);
    assert_eq!(code, 0, "{b:#}");
    assert_eq!(b["state"], "synced", "{b:#}");
    assert!(b["pulled"].as_u64().unwrap() >= 1, "{b:#}");
    assert_eq!(b["conflicts"], serde_json::json!([]), "{b:#}");

    let (code, a) = sync(&env, &d.a);
    assert_eq!(code, 0, "{a:#}");
    for device in [&d.a, &d.b] {
        let decisions = read(device, ".ralex/decisions.md");
        assert!(
            decisions.contains("we decided to keep SQLite"),
            "{decisions}"
        );
        assert!(
            decisions.contains("we decided to keep prices in cents"),
            "{decisions}"
        );
        let sessions = session_notes(device);
        assert!(
            sessions.iter().any(|s| s.ends_with("-laptop.md"))
                && sessions.iter().any(|s| s.ends_with("-phone.md")),
            "{sessions:?}"
        );
    }
    let remote_log = run_git(&d.remote, &["log", "--format=%s", "HEAD"]);
    assert!(remote_log.contains("ralex: context:"), "{remote_log}");
}

#[test]
fn a_real_conflict_keeps_both_texts_and_is_surfaced() {
    let env = Env::new();
    let d = devices();
    say(
        &env,
        &d.a,
        "laptop",
        "show me inventory slash pricing dot py",
    );
    sync(&env, &d.a);
    let (code, _) = sync(&env, &d.b);
    assert_eq!(code, 0);
    let project = read(&d.b, ".ralex/project.md");
    let line = "(Write one or two sentences: what this project does, and for whom.)";
    assert!(project.contains(line), "{project}");
    std::fs::write(
        d.a.join(".ralex/project.md"),
        project.replace(line, "An inventory service for the shop."),
    )
    .unwrap();
    std::fs::write(
        d.b.join(".ralex/project.md"),
        project.replace(line, "Stock keeping for the warehouse team."),
    )
    .unwrap();
    let (code, a) = sync(&env, &d.a);
    assert_eq!(code, 0, "{a:#}");
    let (code, b) = sync(&env, &d.b);
    assert_eq!(code, 1, "a conflict is not a clean sync: {b:#}");
    let conflicts = b["conflicts"].as_array().unwrap();
    assert_eq!(conflicts.len(), 1, "{b:#}");
    assert_eq!(conflicts[0]["path"], ".ralex/project.md");
    assert!(conflicts[0]["ours"].as_str().unwrap().contains("warehouse"));
    assert!(conflicts[0]["theirs"].as_str().unwrap().contains("shop"));
    let merged = read(&d.b, ".ralex/project.md");
    assert!(
        merged.contains("Stock keeping for the warehouse team."),
        "{merged}"
    );
    assert!(
        merged.contains("An inventory service for the shop."),
        "{merged}"
    );
    assert!(merged.contains("<<<<<<< this device"), "{merged}");
    let human = context(&env, &d.b, &["show"]).stdout;
    assert!(
        human.contains("DAMAGED"),
        "the conflict is visible: {human}"
    );
}

#[test]
fn a_missing_remote_queues_the_notes_until_it_is_back() {
    let env = Env::new();
    let d = devices();
    let away = d.remote.with_extension("away");
    std::fs::rename(&d.remote, &away).unwrap();
    say(
        &env,
        &d.a,
        "laptop",
        "we decided to keep SQLite, show me inventory slash pricing dot py",
    );
    let (code, a) = sync(&env, &d.a);
    assert_eq!(code, 1, "{a:#}");
    assert_eq!(a["state"], "offline", "{a:#}");
    assert!(a["pending_commits"].as_u64().unwrap() >= 1, "{a:#}");

    std::fs::rename(&away, &d.remote).unwrap();
    let (code, a) = sync(&env, &d.a);
    assert_eq!(code, 0, "{a:#}");
    assert_eq!(a["state"], "synced");
    assert!(a["pushed"].as_u64().unwrap() >= 1, "{a:#}");
    let (code, _) = sync(&env, &d.b);
    assert_eq!(code, 0);
    assert!(read(&d.b, ".ralex/decisions.md").contains("keep SQLite"));
}

#[test]
fn sync_outside_a_repository_says_how_to_fix_it() {
    let env = Env::new();
    let (_dir, root) = project(false);
    let r = context(&env, &root, &["sync"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("git"), "{}", r.stderr);
    let shown = context(&env, &root, &["show"]).ok().stdout.clone();
    assert!(shown.contains("no notes yet"), "{shown}");
}

#[test]
fn serve_syncs_the_notes_in_the_background() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;

    let env = Env::new();
    let d = devices();
    std::fs::create_dir_all(d.a.join(".ralex")).unwrap();
    std::fs::write(
        d.a.join(".ralex/config.toml"),
        "[context]\nsync_interval_seconds = 1\n",
    )
    .unwrap();
    let token = env
        .run(&["token", "create", "--name", "phone"])
        .ok()
        .stdout
        .lines()
        .last()
        .unwrap()
        .trim()
        .to_string();
    let log = std::fs::File::create(env.home.path().join("serve.log")).unwrap();
    let mut child = env
        .command()
        .args(["serve", "--project", d.a.to_str().unwrap()])
        .args(["--listen", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let base = first
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_string();
    let answer: serde_json::Value = reqwest::blocking::Client::new()
        .post(format!("{base}/v4/voice-command"))
        .bearer_auth(&token)
        .json(&serde_json::json!({
            "command": "we decided to keep SQLite, show me inventory slash pricing dot py",
            "session_id": "phone",
        }))
        .send()
        .unwrap()
        .json()
        .unwrap();
    // Whatever the read answered, the decision stated is recorded.
    assert!(answer["response"].is_string(), "{answer:#}");

    // Within a few rounds the decision is on the remote, without anyone asking.
    let mut on_remote = String::new();
    for _ in 0..60 {
        let shown = std::process::Command::new("git")
            .args(["show", "HEAD:.ralex/decisions.md"])
            .current_dir(&d.remote)
            .output()
            .unwrap();
        on_remote = String::from_utf8_lossy(&shown.stdout).into_owned();
        if on_remote.contains("we decided to keep SQLite") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    let _ = child.kill();
    let _ = child.wait();
    let log = std::fs::read_to_string(env.home.path().join("serve.log")).unwrap_or_default();
    assert!(
        on_remote.contains("we decided to keep SQLite"),
        "remote has: {on_remote:?}\nserve log:\n{log}"
    );
    // The other device gets it with its own sync.
    let (code, _) = sync(&env, &d.b);
    assert_eq!(code, 0);
    assert!(read(&d.b, ".ralex/decisions.md").contains("keep SQLite"));
}
