//! Stopping and checking: step and cost limits, test runs and fix rounds, output caps,
//! failed model calls.

use super::*;
use crate::run::fake::FakeHost;

#[test]
fn the_step_limit_stops_the_loop_and_says_what_changed() {
    let mut host = FakeHost::with_files(&[("config.py", CONFIG)]);
    host.calls(
        &[(
            "replace",
            &replace("config.py", "TIMEOUT = 30", "TIMEOUT = 60"),
        )],
        0.001,
    );
    for _ in 0..5 {
        host.calls(&[("read_file", &read("config.py"))], 0.001);
    }
    let limited = Task {
        limits: Limits {
            max_steps: 3,
            max_cost_usd: 1.0,
        },
        ..task()
    };
    let err = run(&mut host, &limited).expect_err("limit");

    assert_eq!(err.code, ErrorCode::LimitExceeded);
    assert_eq!(
        err.message,
        "the step limit of 3 model calls was reached before the task was done (3 steps, $0.0030 spent); files already changed: config.py"
    );
    assert_eq!(host.requests.len(), 3);
}

#[test]
fn the_cost_limit_stops_before_the_next_tool_runs() {
    let mut host = FakeHost::with_files(&[("config.py", CONFIG)]);
    host.calls(&[("read_file", &read("config.py"))], 0.3).calls(
        &[(
            "replace",
            &replace("config.py", "TIMEOUT = 30", "TIMEOUT = 60"),
        )],
        0.3,
    );
    let limited = Task {
        limits: Limits {
            max_steps: 10,
            max_cost_usd: 0.5,
        },
        ..task()
    };
    let err = run(&mut host, &limited).expect_err("limit");

    assert_eq!(err.code, ErrorCode::LimitExceeded);
    assert_eq!(
        err.message,
        "the cost limit of $0.50 was exceeded before the task was done ($0.60 spent in 2 steps); no file was changed"
    );
    assert_eq!(host.files["config.py"], CONFIG);
}

#[test]
fn failing_tests_get_a_fix_round() {
    let mut host = FakeHost::with_files(&[("config.py", CONFIG)]);
    host.calls(
        &[(
            "replace",
            &replace("config.py", "TIMEOUT = 30", "TIMEOUT = 60"),
        )],
        0.0,
    )
    .answer("I set the timeout to 60.", 0.0)
    .calls(
        &[(
            "replace",
            &replace("config.py", "DEBUG = False", "DEBUG = True"),
        )],
        0.0,
    )
    .answer("I set the timeout to 60 and fixed the debug flag.", 0.0);
    host.test_output(
        1,
        "FAILED test_config.py::test_debug - assert False\n1 failed",
    )
    .test_output(0, "2 passed");
    let testing = Task {
        run_tests: true,
        test_command: vec!["pytest".into(), "-q".into()],
        ..task()
    };
    let result = run(&mut host, &testing).expect("fixed");

    assert_eq!(result.tests_passed, Some(true));
    assert_eq!(result.steps, 4);
    assert_eq!(
        result.summary,
        "I set the timeout to 60 and fixed the debug flag. The tests pass."
    );
    assert_eq!(host.execs, vec![vec!["pytest", "-q"], vec!["pytest", "-q"]]);
    let fix = &host.requests[2].messages.last().expect("fix request");
    assert_eq!(fix.role, Role::User);
    assert!(
        fix.content
            .contains("(`pytest -q`) failed after your changes (exit code 1)"),
        "{}",
        fix.content
    );
    assert!(fix.content.contains("1 failed"));
    assert!(host.requests[0].tools.iter().any(|t| t.name == "run_tests"));
}

#[test]
fn tests_that_keep_failing_end_after_two_fix_rounds() {
    let mut host = FakeHost::with_files(&[("config.py", CONFIG)]);
    host.calls(
        &[(
            "replace",
            &replace("config.py", "TIMEOUT = 30", "TIMEOUT = 60"),
        )],
        0.0,
    );
    for _ in 0..3 {
        host.answer("Tried.", 0.0);
        host.test_output(2, "boom");
    }
    let testing = Task {
        run_tests: true,
        test_command: vec!["pytest".into()],
        ..task()
    };
    let result = run(&mut host, &testing).expect("ends");
    assert_eq!(result.tests_passed, Some(false));
    assert_eq!(result.summary, "Tried. The tests still fail (exit code 2).");
    // No edit after the first run: the result is reused, not run again.
    assert_eq!(host.execs.len(), 1);
    assert_eq!(result.steps, 4);
}

#[test]
fn the_run_tests_tool_runs_the_command() {
    let mut host = FakeHost::with_files(&[("config.py", CONFIG)]);
    host.calls(
        &[(
            "replace",
            &replace("config.py", "TIMEOUT = 30", "TIMEOUT = 60"),
        )],
        0.0,
    )
    .calls(&[("run_tests", "{}")], 0.0)
    .answer("Done, tests pass.", 0.0);
    host.test_output(0, "ok");
    let testing = Task {
        run_tests: true,
        test_command: vec!["cargo".into(), "test".into()],
        ..task()
    };
    let result = run(&mut host, &testing).expect("done");
    assert_eq!(
        host.tool_messages()[1].content,
        "The tests passed (exit code 0). End of the output:\nok"
    );
    assert_eq!(host.execs.len(), 1, "a fresh run is not repeated");
    assert_eq!(result.tests_passed, Some(true));
}

#[test]
fn long_tool_output_is_cut_and_says_so() {
    let big = "x".repeat(20_000);
    let mut host = FakeHost::with_files(&[("big.txt", &big)]);
    host.calls(&[("read_file", &read("big.txt"))], 0.0)
        .answer("It is big.", 0.0);
    run(&mut host, &task()).expect("done");
    let content = &host.tool_messages()[0].content;
    assert!(
        content.ends_with("[output cut: showing the first 16000 of 20000 characters]"),
        "{}",
        &content[16_000..]
    );
    assert!(content.len() < 16_100);
}

#[test]
fn a_failed_model_call_says_how_far_it_got() {
    let mut host = FakeHost::with_files(&[("config.py", CONFIG)]);
    host.calls(
        &[(
            "replace",
            &replace("config.py", "TIMEOUT = 30", "TIMEOUT = 60"),
        )],
        0.0,
    );
    let err = run(&mut host, &task()).expect_err("script runs out");
    assert_eq!(err.code, ErrorCode::Internal);
    assert_eq!(
        err.message,
        "the model call of step 2 failed: script ran out; files already changed: config.py"
    );
}
