//! Transactional runs: the work happens in a separate git worktree; the
//! checkout is untouched until the person applies the diff (one undoable
//! change), and discarding leaves it exactly as it was.

use super::*;

const TX: &str = r#"
name: tx
transactional: true
steps:
  - name: mutate
    run: make mutate
  - name: note
    write: { path: inventory/notes.txt, content: "made in the worktree\n" }
"#;

fn branches(flow: &Flow) -> String {
    run_git(&flow.root, &["branch", "--list"])
}

#[test]
fn changes_wait_for_review_and_apply_as_one_undoable_change() {
    let flow = Flow::new();
    flow.workflow("tx", TX);
    let before = code_files(&flow.root);
    let run = flow.run("tx", &[]).ok().json();
    assert_eq!(run["state"], "completed", "{run:#}");
    assert_eq!(run["review"], "pending");
    let id = run["id"].as_str().unwrap().to_string();
    assert!(
        run["message"]
            .as_str()
            .unwrap()
            .contains("wait for your review in a separate worktree"),
        "{run:#}"
    );
    assert_eq!(
        code_files(&flow.root),
        before,
        "the checkout is untouched while the changes wait"
    );
    let worktree = run["worktree"].as_str().unwrap().to_string();
    assert!(
        std::path::Path::new(&worktree)
            .join("inventory/notes.txt")
            .exists()
    );

    let changes: Vec<String> = run["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        changes,
        [
            "inventory/api.py",
            "inventory/generated.py",
            "inventory/notes.txt"
        ]
    );
    let shown = flow.ralex(&["workflow", "runs", &id]);
    assert!(
        shown.ok().stdout.contains("+GENERATED = True"),
        "{}",
        shown.stdout
    );

    let answer = flow
        .ralex(&["workflow", "apply", &id, "--json"])
        .ok()
        .json();
    assert_eq!(answer["status"], "completed", "{answer:#}");
    assert_eq!(answer["changes"].as_array().unwrap().len(), 3);
    assert_eq!(flow.read("inventory/notes.txt"), "made in the worktree\n");
    assert!(
        flow.read("inventory/api.py")
            .ends_with("# changed by make\n")
    );
    assert!(
        !std::path::Path::new(&worktree).exists(),
        "the worktree is gone"
    );
    assert!(!branches(&flow).contains("ralex-"), "{}", branches(&flow));
    assert_eq!(flow.log(&id)["review"], "applied");

    let again = flow.ralex(&["workflow", "apply", &id]);
    assert_eq!(again.code, 1);
    assert!(
        again.stderr.contains("were already applied"),
        "{}",
        again.stderr
    );

    let undo_id = answer["undo_id"].as_str().unwrap();
    flow.ralex(&["undo", undo_id, "--project", flow.root(), "--json"])
        .ok();
    assert_eq!(
        code_files(&flow.root),
        before,
        "undo takes the applied changes back"
    );
}

#[test]
fn discarding_leaves_the_checkout_exactly_as_it_was() {
    let flow = Flow::new();
    flow.workflow("tx", TX);
    let before = code_files(&flow.root);
    let status = code_status(&flow.root);
    let run = flow.run("tx", &[]).ok().json();
    let id = run["id"].as_str().unwrap();
    let r = flow.ralex(&["workflow", "discard", id]).ok().stdout.clone();
    assert!(r.contains("your checkout was not touched"), "{r}");
    assert_eq!(code_files(&flow.root), before);
    assert_eq!(code_status(&flow.root), status);
    assert!(!branches(&flow).contains("ralex-"));
    assert_eq!(flow.log(id)["review"], "discarded");
}

#[test]
fn a_failed_transactional_run_is_discarded_and_a_conflict_blocks_apply() {
    let flow = Flow::new();
    flow.workflow(
        "tx-fail",
        "name: tx-fail\ntransactional: true\nsteps:\n  - name: mutate\n    run: make mutate\n  - name: broken\n    run: make fail\n",
    );
    let before = code_files(&flow.root);
    let r = flow.run("tx-fail", &[]);
    assert_eq!(r.code, 1);
    let run = r.json();
    assert_eq!(run["state"], "failed");
    assert_eq!(run["review"], "discarded");
    assert!(
        run["message"]
            .as_str()
            .unwrap()
            .ends_with("It worked in a separate worktree, so your checkout was not touched."),
        "{run:#}"
    );
    assert_eq!(code_files(&flow.root), before);

    // The checkout changes under a waiting review: applying refuses, nothing written.
    flow.workflow("tx", TX);
    let run = flow.run("tx", &[]).ok().json();
    let id = run["id"].as_str().unwrap();
    std::fs::write(flow.root.join("inventory/api.py"), "# my edit meanwhile\n").unwrap();
    let during = code_files(&flow.root);
    let r = flow.ralex(&["workflow", "apply", id, "--json"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let answer = r.json();
    assert!(
        answer["response"]
            .as_str()
            .unwrap()
            .contains("these files changed in your checkout since the run began: inventory/api.py"),
        "{answer:#}"
    );
    assert_eq!(code_files(&flow.root), during, "nothing was applied");
    assert_eq!(flow.log(id)["review"], "pending", "it still waits");
    flow.ralex(&["workflow", "discard", id]).ok();
}
