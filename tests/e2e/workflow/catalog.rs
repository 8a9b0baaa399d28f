//! `ralex workflow check / list / show / new`: which workflows there are, and
//! precise errors for broken files.

use super::*;

#[test]
fn check_names_file_line_and_field_of_every_problem() {
    let flow = Flow::new();
    let broken = flow.workflow(
        "broken",
        "name: broken\nsteps:\n  - name: tests\n    test: {}\n  - name: fix\n    if: steps.test.failed\n    agent:\n      promt: fix it\n",
    );
    let file = broken.display().to_string();
    let r = flow.ralex(&["workflow", "check", &file]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.starts_with(&format!("{file}:8:")), "{}", r.stdout);
    assert!(
        r.stdout.contains("steps[1].agent: unknown field `promt`"),
        "{}",
        r.stdout
    );

    let wrong_ref = flow.workflow(
        "wrong-ref",
        "name: wrong-ref\nsteps:\n  - name: tests\n    test: {}\n  - name: fix\n    if: steps.test.failed\n    run: make ok\n",
    );
    let good = flow.workflow(
        "good",
        "name: good\nsteps:\n  - name: tests\n    test: {}\n",
    );
    let r = flow.ralex(&[
        "workflow",
        "check",
        good.to_str().unwrap(),
        wrong_ref.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(r.code, 1);
    let out = r.json();
    assert_eq!(out["valid"][0]["name"], "good");
    let problem = &out["problems"][0];
    assert_eq!(problem["line"], 6, "{out:#}");
    assert_eq!(problem["field"], "steps[1].if");
    assert!(
        problem["message"].as_str().unwrap().contains(
            "reads `steps.test`, but no earlier step has that name (earlier steps: tests)"
        ),
        "{out:#}"
    );

    flow.ralex(&["workflow", "check", good.to_str().unwrap()])
        .ok();
    let r = flow.ralex(&["workflow", "check", "/nonexistent/flow.yaml"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("cannot read /nonexistent/flow.yaml"),
        "{}",
        r.stderr
    );
}

#[test]
fn list_show_and_new_from_a_builtin() {
    let flow = Flow::new();
    let list = flow
        .ralex(&["workflow", "list", "--project", flow.root(), "--json"])
        .ok()
        .json();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["bugfix", "deploy", "feature"]);
    assert_eq!(list[0]["source"], "built-in:bugfix");

    let r = flow.ralex(&[
        "workflow",
        "new",
        "my-fix",
        "--from",
        "bugfix",
        "--project",
        flow.root(),
    ]);
    r.ok();
    assert!(r.stdout.contains("created"), "{}", r.stdout);
    let copy = flow.read(".ralex/workflows/my-fix.yaml");
    assert!(copy.contains("\nname: my-fix\n"), "{copy}");
    assert!(copy.contains("reproduce"), "a full copy of bugfix: {copy}");
    let list = flow
        .ralex(&["workflow", "list", "--project", flow.root(), "--json"])
        .ok()
        .json();
    let mine = list
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["name"] == "my-fix")
        .unwrap();
    assert!(
        mine["source"]
            .as_str()
            .unwrap()
            .ends_with(".ralex/workflows/my-fix.yaml"),
        "{mine}"
    );
    assert_eq!(mine["valid"], true);

    let again = flow.ralex(&["workflow", "new", "my-fix", "--project", flow.root()]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    let bad = flow.ralex(&["workflow", "new", "My Fix", "--project", flow.root()]);
    assert_eq!(bad.code, 2);

    flow.ralex(&["workflow", "new", "starter", "--project", flow.root()])
        .ok();
    flow.ralex(&[
        "workflow",
        "check",
        flow.root
            .join(".ralex/workflows/starter.yaml")
            .to_str()
            .unwrap(),
    ])
    .ok();

    let shown = flow.ralex(&["workflow", "show", "deploy", "--project", flow.root()]);
    shown.ok();
    assert!(
        shown.stdout.contains("[deploy]"),
        "the deploy workflow documents its settings"
    );

    // A broken project file is listed with its problem and the others still work.
    flow.workflow("broken", "name: broken\nsteps: [\n");
    let list = flow
        .ralex(&["workflow", "list", "--project", flow.root(), "--json"])
        .ok()
        .json();
    let broken = list
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["name"] == "broken")
        .unwrap();
    assert_eq!(broken["valid"], false);
    assert!(
        broken["description"]
            .as_str()
            .unwrap()
            .starts_with("(broken:"),
        "{broken}"
    );
}
