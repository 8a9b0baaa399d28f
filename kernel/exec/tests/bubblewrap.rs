//! Under bubblewrap only the project (and the folders given with
//! `Runner::with_writable`) is writable. Skipped, with the reason, only when
//! `Sandbox::detect` finds bubblewrap unusable on this machine.

mod support;

use std::time::Duration;

use ralex_exec::{Limits, Runner, Sandbox};
use support::{allow, args, is_dead, project};

fn sandboxed(root: &std::path::Path) -> Option<Runner> {
    let report = Sandbox::detect();
    if report.sandbox == Sandbox::None {
        eprintln!("skipped: {}", report.detail);
        return None;
    }
    Some(Runner::new(
        root.to_owned(),
        Limits::default(),
        report.sandbox,
    ))
}

#[tokio::test]
async fn writes_outside_the_project_fail() {
    let dir = project();
    let Some(runner) = sandboxed(dir.path()) else {
        return;
    };
    let outside = tempfile::tempdir().unwrap();
    let escape = outside.path().join("escaped");
    let script = format!(
        "touch inside; touch '{}' 2>/dev/null && echo escaped-tmp; touch /var/tmp/ralex-bwrap-escape 2>/dev/null && echo escaped-var; touch \"$HOME/ralex-bwrap-escape\" 2>/dev/null && echo escaped-home; echo finished",
        escape.display()
    );
    let output = runner
        .run(&allow(&["sh"]), "sh", &args(&["-c", &script]), "", None)
        .await
        .unwrap();
    assert_eq!(output.stdout, "finished\n", "{output:?}");
    assert!(
        dir.path().join("inside").exists(),
        "the project is writable"
    );
    assert!(!escape.exists());
    assert!(!std::path::Path::new("/var/tmp/ralex-bwrap-escape").exists());
}

#[tokio::test]
async fn a_folder_given_with_with_writable_is_writable_and_no_other() {
    let dir = project();
    let Some(runner) = sandboxed(dir.path()) else {
        return;
    };
    let state = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    let granted = state.path().join("granted");
    let escape = other.path().join("escaped");
    let script = format!(
        "touch '{}' 2>/dev/null && echo wrote-granted; touch '{}' 2>/dev/null && echo escaped-other; echo finished",
        granted.display(),
        escape.display()
    );

    // Without the grant neither folder is writable.
    let output = runner
        .run(&allow(&["sh"]), "sh", &args(&["-c", &script]), "", None)
        .await
        .unwrap();
    assert_eq!(output.stdout, "finished\n", "{output:?}");
    assert!(!granted.exists());

    // With it, that folder is, and still no other outside the project.
    let runner = runner.with_writable(state.path().to_owned());
    let output = runner
        .run(&allow(&["sh"]), "sh", &args(&["-c", &script]), "", None)
        .await
        .unwrap();
    assert_eq!(output.stdout, "wrote-granted\nfinished\n", "{output:?}");
    assert!(granted.exists(), "the writable folder is writable");
    assert!(
        !escape.exists(),
        "another folder outside the project is not"
    );
}

#[tokio::test]
async fn timeout_kills_everything_inside_the_sandbox() {
    let dir = project();
    let Some(runner) = sandboxed(dir.path()) else {
        return;
    };
    // Inside the sandbox's PID namespace the pids differ; mark the sleeper by an
    // argument unique to this test and look for it from outside.
    let marker = format!("{}.{}", std::process::id(), 4242);
    let script = format!("sleep {marker} & sleep 100");
    let started = std::time::Instant::now();
    let output = runner
        .run(
            &allow(&["sh"]),
            "sh",
            &args(&["-c", &script]),
            "",
            Some(Duration::from_millis(700)),
        )
        .await
        .unwrap();
    assert!(output.timed_out);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let survivors: Vec<u32> = std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse().ok())
        .filter(|pid: &u32| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .is_ok_and(|cmdline| String::from_utf8_lossy(&cmdline).contains(&marker))
        })
        .filter(|pid| !is_dead(*pid))
        .collect();
    assert!(survivors.is_empty(), "still running: {survivors:?}");
}

#[test]
fn detect_explains_itself() {
    let report = Sandbox::detect();
    assert!(!report.detail.is_empty());
    match report.sandbox {
        Sandbox::Bubblewrap { path } => assert!(path.is_absolute()),
        Sandbox::None => assert!(report.detail.contains("bubblewrap"), "{}", report.detail),
    }
}
