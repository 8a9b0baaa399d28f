//! Exit codes, both streams, the per-stream cap and non-UTF-8 bytes.

mod support;

use std::time::Duration;

use ralex_exec::{Limits, Runner, Sandbox};
use support::{allow, args, project, runner};

#[tokio::test]
async fn exit_codes_and_stderr_are_reported() {
    let dir = project();
    let runner = runner(dir.path());
    let allowed = allow(&["sh", "false"]);
    let output = runner
        .run(
            &allowed,
            "sh",
            &args(&["-c", "echo out; echo err >&2; exit 3"]),
            "",
            None,
        )
        .await
        .unwrap();
    assert_eq!(output.exit_code, Some(3));
    assert_eq!(output.stdout, "out\n");
    assert_eq!(output.stderr, "err\n");
    assert!(!output.timed_out && !output.truncated);
    let output = runner.run(&allowed, "false", &[], "", None).await.unwrap();
    assert_eq!(output.exit_code, Some(1));
}

#[tokio::test]
async fn output_is_capped_per_stream_without_blocking_the_program() {
    let dir = project();
    let limits = Limits {
        max_output_bytes: 1000,
        ..Limits::default()
    };
    let runner = Runner::new(dir.path().to_owned(), limits, Sandbox::None);
    // 5 MB on each stream: far more than a pipe buffer, so a reader that stopped
    // at the cap would leave the program blocked until the timeout.
    let script = "head -c 5000000 /dev/zero | tr '\\0' a; head -c 5000000 /dev/zero | tr '\\0' b >&2; echo done >&2";
    let output = runner
        .run(
            &allow(&["sh"]),
            "sh",
            &args(&["-c", script]),
            "",
            Some(Duration::from_secs(30)),
        )
        .await
        .unwrap();
    assert!(!output.timed_out);
    assert_eq!(output.exit_code, Some(0));
    assert!(output.truncated);
    assert_eq!(output.stdout, "a".repeat(1000));
    assert_eq!(output.stderr, "b".repeat(1000));
}

#[tokio::test]
async fn non_utf8_output_is_decoded_lossily() {
    let dir = project();
    let output = runner(dir.path())
        .run(
            &allow(&["printf"]),
            "printf",
            &args(&["ok\\377\\376!"]),
            "",
            None,
        )
        .await
        .unwrap();
    assert_eq!(output.stdout, "ok\u{FFFD}\u{FFFD}!");
}
