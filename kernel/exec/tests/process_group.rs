//! Timeouts and cancellation kill the whole process group, grandchildren
//! included; so does the program's own exit.

mod support;

use std::time::{Duration, Instant};

use ralex_exec::{Limits, Runner, Sandbox};
use support::{allow, args, is_dead, project, runner};

fn pids(stdout: &str) -> Vec<u32> {
    stdout
        .split_whitespace()
        .filter_map(|word| word.parse().ok())
        .collect()
}

#[tokio::test]
async fn timeout_kills_grandchildren() {
    let dir = project();
    let runner = runner(dir.path());
    let started = Instant::now();
    let output = runner
        .run(
            &allow(&["sh -c"]),
            "sh",
            &args(&["-c", "sleep 100 & echo $!; sleep 100 & echo $!; wait"]),
            "",
            Some(Duration::from_millis(500)),
        )
        .await
        .unwrap();
    assert!(output.timed_out);
    assert_eq!(output.exit_code, None, "killed by a signal");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let grandchildren = pids(&output.stdout);
    assert_eq!(grandchildren.len(), 2, "{output:?}");
    for pid in grandchildren {
        assert!(is_dead(pid), "grandchild {pid} survived the timeout");
    }
}

#[tokio::test]
async fn background_processes_die_when_the_program_exits() {
    let dir = project();
    let runner = runner(dir.path());
    let started = Instant::now();
    let output = runner
        .run(
            &allow(&["sh"]),
            "sh",
            &args(&["-c", "sleep 100 & echo $!"]),
            "",
            None,
        )
        .await
        .unwrap();
    assert!(!output.timed_out);
    assert_eq!(output.exit_code, Some(0));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "waited for the background sleep"
    );
    let pid = pids(&output.stdout)[0];
    assert!(is_dead(pid), "background process {pid} survived");
}

#[tokio::test]
async fn dropping_the_run_kills_the_group() {
    let dir = project();
    let runner = Runner::new(dir.path().to_owned(), Limits::default(), Sandbox::None);
    let script = "sleep 100 & echo $! > grandchild.pid; sleep 100";
    let (allowed, arguments) = (allow(&["sh"]), args(&["-c", script]));
    let run = runner.run(&allowed, "sh", &arguments, "", None);
    let cancelled = tokio::time::timeout(Duration::from_millis(500), run).await;
    assert!(cancelled.is_err(), "the run should still be going");
    let pid: u32 = std::fs::read_to_string(dir.path().join("grandchild.pid"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(is_dead(pid), "grandchild {pid} survived the cancelled run");
}
