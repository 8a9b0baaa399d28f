//! The engine: conditions, retries with backoff, outputs passed between steps,
//! `on_failure` continue / stop / rollback (files back byte for byte), and
//! confirmation steps that make a run wait.

use super::*;

#[test]
fn conditions_retries_and_outputs_flow_between_steps() {
    let flow = Flow::new();
    flow.workflow(
        "flow",
        r#"
name: flow
params:
  who:
    default: nobody
steps:
  - name: flaky
    run: make flaky
    retry: { attempts: 3, backoff: 100ms }
  - name: broken
    run: make fail
    on_failure: continue
  - name: report
    if: steps.broken.failed && steps.flaky.ok
    write:
      path: report.txt
      content: "for ${{ params.who }}: flaky took ${{ steps.flaky.attempts }} attempts; broken said ${{ steps.broken.output.stderr }}"
  - name: never
    if: steps.flaky.failed || params.who == 'nobody'
    fail: this step must be skipped
"#,
    );
    let r = flow.run("flow", &["--param", "who=alice"]);
    let run = r.ok().json();
    assert_eq!(run["state"], "completed", "{run:#}");
    assert_eq!(
        states(&run),
        expect(&[
            ("flaky", "ok"),
            ("broken", "failed"),
            ("report", "ok"),
            ("never", "skipped")
        ])
    );
    assert_eq!(step(&run, "flaky")["attempts"], 2, "{run:#}");
    assert_eq!(
        step(&run, "broken")["output"]["exit_code"],
        2,
        "make exits 2 when a recipe fails"
    );
    let report = flow.read("report.txt");
    assert!(
        report.starts_with("for alice: flaky took 2 attempts; broken said it broke\n"),
        "{report}"
    );
    assert_eq!(run["params"]["who"], "alice");
    assert!(
        run["message"]
            .as_str()
            .unwrap()
            .contains("3 steps done, 1 skipped"),
        "{run:#}"
    );
}

#[test]
fn a_failed_step_stops_the_run_by_default() {
    let flow = Flow::new();
    flow.workflow(
        "stops",
        "name: stops\nsteps:\n  - name: count\n    run: make count\n  - name: broken\n    run: make fail\n  - name: after\n    run: make count\n",
    );
    let r = flow.run("stops", &[]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let run = r.json();
    assert_eq!(run["state"], "failed");
    assert_eq!(
        states(&run),
        expect(&[("count", "ok"), ("broken", "failed")])
    );
    let message = run["message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "Workflow `stops` stopped at step `broken`: `make fail` failed (exit code 2)"
        ),
        "{message}"
    );
    assert_eq!(
        flow.read("count.log"),
        "step\n",
        "the step after the failure did not run"
    );
}

#[test]
fn rollback_puts_every_file_back_byte_for_byte() {
    let flow = Flow::new();
    // An uncommitted change from before the run must survive the rollback:
    // the run goes back to how the files were when it began, not to HEAD.
    let config = flow.root.join("inventory/config.py");
    let mut text = std::fs::read(&config).unwrap();
    text.extend_from_slice(b"\n# my own edit, not committed\r\n\t \n");
    std::fs::write(&config, &text).unwrap();
    let before = code_files(&flow.root);
    let status_before = code_status(&flow.root);
    flow.workflow(
        "risky",
        r#"
name: risky
steps:
  - name: mutate
    run: make mutate
  - name: overwrite
    write:
      path: inventory/pricing.py
      content: "broken = (\n"
  - name: tests
    run: make fail
    on_failure: rollback
  - name: after
    run: make count
"#,
    );
    let r = flow.run("risky", &[]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let run = r.json();
    assert_eq!(run["state"], "rolled_back", "{run:#}");
    assert_eq!(
        states(&run),
        expect(&[("mutate", "ok"), ("overwrite", "ok"), ("tests", "failed")])
    );
    let message = run["message"].as_str().unwrap();
    assert!(
        message.contains("I rolled back 3 files to how they were when the run began"),
        "{message}"
    );
    assert_eq!(
        code_files(&flow.root),
        before,
        "every file as it was, byte for byte"
    );
    assert_eq!(code_status(&flow.root), status_before);
    assert!(!flow.root.join("inventory/generated.py").exists());
    assert!(
        !flow.root.join("count.log").exists(),
        "nothing ran after the rollback"
    );
}

#[test]
fn a_confirmation_step_makes_the_run_wait_until_confirmed() {
    let flow = Flow::new();
    flow.workflow(
        "gated",
        "name: gated\nsteps:\n  - name: before\n    run: make count\n  - name: approve\n    confirm: Go on with ${{ steps.before.summary }}\n  - name: after\n    run: make count\n",
    );
    let r = flow.run("gated", &[]);
    assert_eq!(r.code, 3, "waiting exits 3: {}", r.stdout);
    let run = r.json();
    assert_eq!(run["state"], "waiting");
    let id = run["id"].as_str().unwrap().to_string();
    assert!(
        run["message"]
            .as_str()
            .unwrap()
            .contains("waits for your confirmation: Go on with `make count` finished"),
        "{run:#}"
    );
    assert!(
        run["message"]
            .as_str()
            .unwrap()
            .contains(&format!("ralex workflow resume {id} --yes")),
        "{run:#}"
    );

    let again = flow.ralex(&["workflow", "resume", &id, "--json"]);
    assert_eq!(again.code, 3, "still waiting without --yes");
    assert_eq!(flow.read("count.log"), "step\n");

    let done = flow
        .ralex(&["workflow", "resume", &id, "--yes", "--json"])
        .ok()
        .json();
    assert_eq!(done["state"], "completed", "{done:#}");
    assert_eq!(
        states(&done),
        expect(&[("before", "ok"), ("approve", "ok"), ("after", "ok")])
    );
    assert_eq!(
        flow.read("count.log"),
        "step\nstep\n",
        "the first step was not repeated"
    );

    let ended = flow.ralex(&["workflow", "resume", &id, "--yes"]);
    assert_eq!(ended.code, 1);
    assert!(
        ended.stderr.contains("has already ended (completed)"),
        "{}",
        ended.stderr
    );
}

#[test]
fn step_timeouts_stop_a_step_and_say_so() {
    let flow = Flow::new();
    flow.workflow(
        "timed",
        "name: timed\nsteps:\n  - name: slow\n    run: make slow\n    timeout: 1s\n    on_failure: continue\n  - name: after\n    run: make ok\n",
    );
    let run = flow.run("timed", &[]).ok().json();
    assert_eq!(states(&run), expect(&[("slow", "failed"), ("after", "ok")]));
    let summary = step(&run, "slow")["summary"].as_str().unwrap();
    assert!(
        summary.contains("did not finish within 1 s")
            || summary.contains("longer than its timeout of 1 s"),
        "{summary}"
    );
}

#[test]
fn wrong_parameters_and_unknown_workflows_are_usage_errors() {
    let flow = Flow::new();
    let r = flow.run(
        "bugfix",
        &["--param", "colour=red", "--param", "max_fixes=lots"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("`colour` is not a parameter of `bugfix` (its parameters: bug, max_fixes)"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(
            "parameter `bug` is required (what is wrong, in a sentence); give it with --param bug=…"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("parameter `max_fixes`: `lots` is not a whole number"),
        "{}",
        r.stderr
    );
    let r = flow.run("bugfix", &["--param", "novalue"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("write it as name=value"), "{}", r.stderr);
    let r = flow.run("nope", &[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(
            "there is no workflow `nope`; the workflows here are: bugfix, deploy, feature"
        ),
        "{}",
        r.stderr
    );
    assert_eq!(
        flow.ralex(&["workflow", "runs", "--json"]).ok().json(),
        serde_json::json!([]),
        "nothing was started"
    );
}

#[test]
fn a_confirmation_given_to_a_waiting_run_passes_only_the_step_that_waits() {
    let flow = Flow::new();
    flow.workflow(
        "two-gates",
        "name: two-gates\nsteps:\n  - name: staging\n    confirm: Deploy to staging?\n  - name: production\n    confirm: Deploy to production?\n  - name: done\n    run: make count\n",
    );
    let run = flow.run("two-gates", &[]).json();
    let id = run["id"].as_str().unwrap().to_string();
    assert!(
        run["message"].as_str().unwrap().contains("staging?"),
        "{run:#}"
    );
    let r = flow.ralex(&["workflow", "resume", &id, "--yes", "--json"]);
    assert_eq!(r.code, 3, "the second gate waits: {}", r.stdout);
    assert!(
        r.json()["message"]
            .as_str()
            .unwrap()
            .contains("production?")
    );
    assert!(!flow.root.join("count.log").exists());
    let done = flow
        .ralex(&["workflow", "resume", &id, "--yes", "--json"])
        .ok()
        .json();
    assert_eq!(
        states(&done),
        expect(&[("staging", "ok"), ("production", "ok"), ("done", "ok")])
    );
}
