//! `ralex workflow check` on broken files: each problem with its line and field.

use ralex_workflow::{Action, OnFailure, parse};

fn problems(text: &str) -> Vec<String> {
    match parse("wf.yaml", text) {
        Ok(_) => panic!("expected problems in:\n{text}"),
        Err(p) => p.0.iter().map(ToString::to_string).collect(),
    }
}

fn one(text: &str) -> String {
    let all = problems(text);
    assert_eq!(all.len(), 1, "{all:#?}");
    all[0].clone()
}

#[test]
fn a_good_file_parses_with_every_setting() {
    let wf = parse(
        "wf.yaml",
        r#"
name: release
description: cut a release
params:
  version:
    required: true
steps:
  - name: tests
    test: {}
    on_failure: continue
    timeout: 10m
  - name: fix
    if: steps.tests.failed
    agent:
      kind: fix
      prompt: "fix for ${{ params.version }}"
      verify: true
    retry: { attempts: 3, backoff: 500ms, factor: 3 }
  - name: custom
    plugin: changelog-writer
    with: { version: "${{ params.version }}", notes: ["${{ steps.fix.summary }}"] }
    repeatable: true
  - name: commit
    git: { action: commit, message: "release ${{ params.version }}" }
"#,
    )
    .unwrap();
    assert_eq!(wf.steps.len(), 4);
    assert_eq!(wf.steps[0].on_failure, OnFailure::Continue);
    assert_eq!(wf.steps[0].timeout.unwrap().as_secs(), 600);
    assert_eq!(wf.steps[1].line, 12);
    assert_eq!(wf.steps[1].retry.backoff.as_millis(), 500);
    assert!(matches!(wf.steps[2].action, Action::Plugin { .. }));
    assert!(wf.steps[2].repeatable);
    assert!(
        !wf.steps[3].repeatable,
        "a commit is not repeated by default"
    );
    assert!(wf.steps[0].repeatable, "tests are");
}

#[test]
fn yaml_syntax_errors_have_line_and_column() {
    let p = one("name: x\nsteps:\n  - name: a\n    test: {}\n   bad indent: 1\n");
    assert!(p.starts_with("wf.yaml:5:"), "{p}");
}

#[test]
fn unknown_and_misspelt_fields_are_named_with_their_path() {
    let p = one("name: x\nsteps:\n  - name: a\n    agent:\n      promt: hi\n");
    assert!(p.starts_with("wf.yaml:5:"), "{p}");
    assert!(p.contains("steps[0].agent"), "{p}");
    assert!(p.contains("unknown field `promt`"), "{p}");
    let p = one("name: x\nsteps:\n  - name: a\n    test: {}\n    on_failure: rollbak\n");
    assert!(p.contains("steps[0].on_failure"), "{p}");
    assert!(p.contains("`stop`, `continue`, `rollback`"), "{p}");
    let p = one("name: x\nstep:\n  - name: a\n");
    assert!(p.contains("unknown field `step`"), "{p}");
}

#[test]
fn steps_need_exactly_one_action() {
    let p = one("name: x\nsteps:\n  - name: a\n    if: 'true'\n");
    assert_eq!(
        p,
        "wf.yaml:3: steps[0]: step `a` does nothing: give it one of agent, test, run, git, plugin, confirm, write, fail"
    );
    let p = one("name: x\nsteps:\n  - name: a\n    test: {}\n    run: make\n");
    assert!(p.contains("has test and run; a step does one thing"), "{p}");
}

#[test]
fn references_must_be_declared_params_and_earlier_steps() {
    let all = problems(
        "name: x\nparams:\n  a:\n    default: 1\nsteps:\n  - name: first\n    if: steps.later.ok\n    run: make ${{ params.b }}\n  - name: later\n    test: {}\n",
    );
    assert_eq!(all.len(), 2, "{all:#?}");
    assert!(
        all[0].starts_with("wf.yaml:7: steps[0].if: reads `steps.later`, but no earlier step"),
        "{}",
        all[0]
    );
    assert!(
        all[1].starts_with("wf.yaml:8: steps[0].run: reads `params.b`, which is not declared"),
        "{}",
        all[1]
    );
    assert!(all[1].contains("(declared: a)"), "{}", all[1]);
}

#[test]
fn bad_expressions_templates_and_durations() {
    let p = one(
        "name: x\nsteps:\n  - name: a\n    test: {}\n  - name: b\n    if: steps.a.failed &&\n    test: {}\n",
    );
    assert!(
        p.starts_with("wf.yaml:6: steps[1].if: the expression ends"),
        "{p}"
    );
    let p = one("name: x\nsteps:\n  - name: a\n    run: make ${{ oops\n");
    assert!(p.contains("never closed"), "{p}");
    let p = one("name: x\nsteps:\n  - name: a\n    test: {}\n    timeout: 5 fortnights\n");
    assert!(p.starts_with("wf.yaml:5: steps[0].timeout:"), "{p}");
    assert!(p.contains("not a unit of time"), "{p}");
    let p = one("name: x\nsteps:\n  - name: a\n    test: {}\n    retry: {attempts: 50}\n");
    assert!(p.contains("50 attempts: give 1 to 20"), "{p}");
    let p = one("name: x\nsteps:\n  - name: a\n    test: {}\n    retry: often\n");
    assert!(p.contains("retry is a number of attempts"), "{p}");
}

#[test]
fn names_params_and_duplicates() {
    let all = problems(
        "name: My Flow\nparams:\n  n:\n    type: integer\n    default: many\n  m:\n    required: true\n    default: 2\nsteps:\n  - name: a\n    test: {}\n  - name: a\n    test: {}\n  - name: c\n    git: {action: commit}\n  - name: d\n    test: {}\n    with: {x: 1}\n",
    );
    let text = all.join("\n");
    assert!(
        text.contains("wf.yaml:1: name: `My Flow` is not a workflow name"),
        "{text}"
    );
    assert!(
        text.contains("wf.yaml:3: params.n.default: `many` is not a whole number"),
        "{text}"
    );
    assert!(text.contains("wf.yaml:6: params.m.required"), "{text}");
    assert!(
        text.contains("wf.yaml:12: steps[1].name: two steps are named `a`"),
        "{text}"
    );
    assert!(
        text.contains("wf.yaml:15: steps[2].git.message: a commit needs a message"),
        "{text}"
    );
    assert!(
        text.contains("wf.yaml:18: steps[3].with: `with` gives parameters to a `plugin` step"),
        "{text}"
    );
    let p = one("name: x\nsteps: []\n");
    assert_eq!(p, "wf.yaml:2: steps: a workflow needs at least one step");
}
