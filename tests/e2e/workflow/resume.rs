//! Durable runs: `kill -9` of the kernel mid-run, then resume — finished steps
//! are not repeated, a step that is safe to repeat runs again, one that is not
//! makes the run interrupted and says which.

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use super::*;

/// Starts `ralex workflow run NAME` and waits until step `running` is running.
/// The caller kills the child and waits for it (that is the test).
#[allow(clippy::zombie_processes)]
fn start_and_wait(flow: &Flow, name: &str, running: &str) -> (Child, String) {
    let mut child = flow
        .env
        .command()
        .args(["workflow", "run", name, "--project", flow.root(), "--json"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("step {running} never started");
        }
        let runs = flow.ralex(&["workflow", "runs", "--json"]).ok().json();
        if let Some(run) = runs.as_array().unwrap().first() {
            let id = run["id"].as_str().unwrap().to_string();
            let log = flow.log(&id);
            if log["steps"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["name"] == running && s["state"] == "running")
            {
                return (child, id);
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn killed_during_a_step_that_is_not_safe_to_repeat_the_run_is_interrupted() {
    let flow = Flow::new();
    flow.workflow(
        "long",
        "name: long\nsteps:\n  - name: first\n    run: make count\n  - name: deploy-ish\n    run: make slow\n  - name: last\n    run: make count\n",
    );
    let (mut child, id) = start_and_wait(&flow, "long", "deploy-ish");
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert_eq!(
        flow.log(&id)["state"],
        "running",
        "a killed kernel leaves the run running"
    );

    let r = flow.ralex(&["workflow", "resume", &id, "--json"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let run = r.json();
    assert_eq!(run["state"], "interrupted");
    assert_eq!(
        states(&run),
        expect(&[("first", "ok"), ("deploy-ish", "interrupted")])
    );
    let message = run["message"].as_str().unwrap();
    assert!(
        message.contains(
            "Step `deploy-ish` (run) was running when Ralex stopped, and it is not safe to repeat"
        ),
        "{message}"
    );
    assert!(message.contains("repeatable: true"), "{message}");
    assert_eq!(
        flow.read("count.log"),
        "step\n",
        "the first step ran once, the last never"
    );
}

#[test]
fn a_restarted_kernel_resumes_the_run_and_repeats_only_the_safe_step() {
    let flow = Flow::new();
    flow.workflow(
        "resumable",
        "name: resumable\nsteps:\n  - name: first\n    run: make count\n  - name: wait\n    run: make slow-once\n    repeatable: true\n  - name: last\n    run: make count\n",
    );
    let (mut child, id) = start_and_wait(&flow, "resumable", "wait");
    child.kill().unwrap();
    child.wait().unwrap();

    // `ralex serve` resumes unfinished runs when it starts.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let listen = format!("127.0.0.1:{port}");
    let mut serve = flow
        .env
        .command()
        .args(["serve", "--project", flow.root(), "--listen", &listen])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let run = loop {
        let run = flow.log(&id);
        if run["state"] != "running" || Instant::now() > deadline {
            break run;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    serve.kill().unwrap();
    serve.wait().unwrap();
    assert_eq!(run["state"], "completed", "{run:#}");
    assert_eq!(
        states(&run),
        expect(&[("first", "ok"), ("wait", "ok"), ("last", "ok")])
    );
    assert_eq!(
        step(&run, "wait")["attempts"],
        2,
        "the interrupted step ran again"
    );
    assert_eq!(
        flow.read("count.log"),
        "step\nstep\n",
        "`first` ran once, `last` once"
    );
}
