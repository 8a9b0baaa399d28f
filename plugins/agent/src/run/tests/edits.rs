//! Edits: applied, explained when they miss, given up after two misses, refused by policy.

use serde_json::json;

use super::*;
use crate::run::fake::FakeHost;

#[test]
fn a_normal_edit() {
    let mut host = FakeHost::with_files(&[("config.py", CONFIG)]);
    host.calls(&[("read_file", &read("config.py"))], 0.01)
        .calls(
            &[(
                "replace",
                &replace("config.py", "TIMEOUT = 30\n", "TIMEOUT = 60\n"),
            )],
            0.02,
        )
        .answer("  I set the timeout in config.py to 60 seconds.  ", 0.005);
    let result = run(&mut host, &task()).expect("done");

    assert_eq!(
        result.summary,
        "I set the timeout in config.py to 60 seconds."
    );
    assert_eq!(result.changed_paths, vec!["config.py"]);
    assert_eq!(result.tests_passed, None);
    assert_eq!(result.steps, 3);
    assert_eq!(result.usage.input_tokens, 300);
    assert!((result.usage.cost_usd - 0.035).abs() < 1e-9);
    assert!(host.files["config.py"].contains("TIMEOUT = 60\n"));

    let first = &host.requests[0];
    assert_eq!(first.model.as_deref(), Some("gpt-test"));
    assert!(
        first.messages[0]
            .content
            .starts_with("Project standards: PEP 8.")
    );
    assert!(first.messages[1].content.contains("file config.py"));
    assert!(!first.tools.iter().any(|t| t.name == "run_tests"));
    let tools = host.tool_messages();
    assert_eq!(tools[0].tool_call_id.as_deref(), Some("call-0-0"));
    assert_eq!(tools[0].content, CONFIG);
    assert_eq!(tools[1].content, "Replaced the block in config.py.");
    assert!(
        host.progress
            .contains(&"Asking the model (step 2 of 10)".to_string())
    );
    assert!(host.progress.contains(&"Editing config.py".to_string()));
}

#[test]
fn an_empty_model_name_lets_the_kernel_route_and_an_empty_answer_is_summarised() {
    let mut host = FakeHost::with_files(&[("config.py", CONFIG)]);
    host.calls(
        &[(
            "create_file",
            &json!({"path": "b.py", "content": "x = 1\n"}).to_string(),
        )],
        0.0,
    )
    .answer("", 0.0);
    let result = run(
        &mut host,
        &Task {
            model: " ".into(),
            ..task()
        },
    )
    .expect("done");
    assert_eq!(host.requests[0].model, None);
    assert_eq!(result.summary, "I changed b.py.");
}

#[test]
fn a_not_found_edit_is_explained_and_the_retry_applies() {
    let mut host = FakeHost::with_files(&[("config.py", CONFIG)]);
    host.calls(
        &[(
            "replace",
            &replace("config.py", "DEBUG = False\nTIMEOUT = 3O\n", "x"),
        )],
        0.0,
    )
    .calls(
        &[(
            "replace",
            &replace("config.py", "TIMEOUT = 30", "TIMEOUT = 60"),
        )],
        0.0,
    )
    .calls(
        &[("replace", &replace("config.py", "nothing like it", "y"))],
        0.0,
    )
    .answer("Done.", 0.0);
    let result = run(&mut host, &task()).expect("a success resets the count");

    let hint = &host.tool_messages()[0].content;
    assert!(
        hint.starts_with("error: the search block was not found in config.py"),
        "{hint}"
    );
    assert!(hint.contains("line 3 is most like"), "{hint}");
    assert!(hint.contains("3 | DEBUG = False"), "{hint}");
    assert!(
        hint.contains(
            "line 2 of your block is `TIMEOUT = 3O` but line 4 of the file is `TIMEOUT = 30`"
        ),
        "{hint}"
    );
    assert_eq!(result.changed_paths, vec!["config.py"]);
    assert!(host.files["config.py"].contains("TIMEOUT = 60"));
}

#[test]
fn two_failed_edits_in_a_row_stop_with_invalid_input_and_change_nothing() {
    let mut host = FakeHost::with_files(&[("config.py", CONFIG), ("a.py", "a\na\n")]);
    host.calls(
        &[("replace", &replace("config.py", "TIMEOUT = 99", "x"))],
        0.0,
    )
    .calls(&[("read_file", &read("config.py"))], 0.0)
    .calls(&[("replace", &replace("a.py", "a", "b"))], 0.0);
    let err = run(&mut host, &task()).expect_err("gives up");

    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert_eq!(
        err.message,
        "the model's edit to a.py did not apply twice: its search text matches 2 places; nothing was changed by it"
    );
    assert_eq!(host.files["config.py"], CONFIG);
    assert_eq!(host.files["a.py"], "a\na\n");
    assert!(host.replies.is_empty());
}

#[test]
fn a_conflict_names_the_lines() {
    let mut host = FakeHost::with_files(&[("a.py", "x = 1\ny\nx = 1\n")]);
    host.calls(&[("replace", &replace("a.py", "x = 1", "x = 2"))], 0.0)
        .answer("Stopped.", 0.0);
    run(&mut host, &task()).expect("one failure is fine");
    let hint = &host.tool_messages()[0].content;
    assert!(
        hint.contains("occurs 2 times, starting at lines 1, 3"),
        "{hint}"
    );
}

#[test]
fn malformed_calls_are_answered_precisely() {
    let mut host = FakeHost::with_files(&[("config.py", CONFIG)]);
    host.calls(
        &[
            ("replace", "{\"path\": \"config.py\", search: 1}"),
            ("shell", "{}"),
            ("read_file", "{}"),
        ],
        0.0,
    )
    .calls(
        &[(
            "replace",
            &replace("config.py", "TIMEOUT = 30", "TIMEOUT = 60"),
        )],
        0.0,
    )
    .answer("Done.", 0.0);
    let result = run(&mut host, &task()).expect("retry applies");

    let tools = host.tool_messages();
    assert!(
        tools[0]
            .content
            .contains("the arguments of `replace` are not valid JSON"),
        "{}",
        tools[0].content
    );
    assert!(
        tools[1].content.contains("unknown tool `shell`"),
        "{}",
        tools[1].content
    );
    assert!(
        tools[2]
            .content
            .contains("`read_file` needs the string field `path`"),
        "{}",
        tools[2].content
    );
    assert_eq!(result.changed_paths, vec!["config.py"]);
}

#[test]
fn a_malformed_edit_counts_as_a_failed_edit() {
    let mut host = FakeHost::with_files(&[("config.py", CONFIG)]);
    host.calls(
        &[("write_file", &json!({"path": "config.py"}).to_string())],
        0.0,
    )
    .calls(
        &[(
            "write_file",
            &json!({"path": "config.py", "content": 5}).to_string(),
        )],
        0.0,
    );
    let err = run(&mut host, &task()).expect_err("gives up");
    assert_eq!(
        err.message,
        "the model's edit to config.py did not apply twice: `content` of `write_file` must be a string, got a number; nothing was changed by it"
    );
}

#[test]
fn a_denied_write_is_reported_and_the_work_goes_on() {
    let mut host = FakeHost::with_files(&[("config.py", CONFIG)]);
    host.denied.push(".env".into());
    host.calls(
        &[(
            "write_file",
            &json!({"path": ".env", "content": "T=60"}).to_string(),
        )],
        0.0,
    )
    .calls(
        &[(
            "write_file",
            &json!({"path": ".env", "content": "T=60"}).to_string(),
        )],
        0.0,
    )
    .calls(
        &[(
            "replace",
            &replace("config.py", "TIMEOUT = 30", "TIMEOUT = 60"),
        )],
        0.0,
    )
    .answer("I set the timeout to 60.", 0.0);
    let result = run(&mut host, &task()).expect("refusals are not edit failures");

    assert!(
        host.tool_messages()[0]
            .content
            .starts_with("refused by policy: policy rule `no-secrets` forbids .env. Do not retry")
    );
    assert_eq!(
        result.summary,
        "I set the timeout to 60. 1 action was refused by policy: writing .env."
    );
    assert_eq!(result.changed_paths, vec!["config.py"]);
    assert!(!host.files.contains_key(".env"));
}
