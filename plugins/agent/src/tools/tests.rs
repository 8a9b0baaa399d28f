//! Tool specs and argument parsing.

use super::*;

#[test]
fn specs_are_valid_schemas_and_run_tests_is_optional() {
    for spec in specs(true) {
        let schema: Value = serde_json::from_str(&spec.parameters_json).expect("json");
        assert_eq!(schema["type"], "object", "{}", spec.name);
    }
    assert!(specs(true).iter().any(|s| s.name == "run_tests"));
    assert!(!specs(false).iter().any(|s| s.name == "run_tests"));
}

#[test]
fn parses_each_tool() {
    let replace = parse(
        "replace",
        r#"{"path":" a.py ","search":"x","replace":""}"#,
        false,
    );
    assert_eq!(
        replace,
        Ok(Action::Replace {
            path: "a.py".into(),
            search: "x".into(),
            replace: String::new()
        })
    );
    assert_eq!(
        parse("list_files", r#"{"dir":""}"#, false),
        Ok(Action::ListFiles {
            dir: String::new(),
            recursive: false
        })
    );
    assert_eq!(parse("run_tests", "", true), Ok(Action::RunTests));
}

#[test]
fn malformed_calls_say_what_is_wrong() {
    let err = parse("replace", "{path: a.py}", false).expect_err("not json");
    assert!(err.message.contains("not valid JSON"), "{}", err.message);
    let err = parse("replace", r#"{"path":"a.py","search":"x"}"#, false).expect_err("missing");
    assert_eq!(err.path.as_deref(), Some("a.py"));
    assert!(err.message.contains("`replace`"), "{}", err.message);
    let err = parse("read_file", r#"{"path":3}"#, false).expect_err("type");
    assert!(err.message.contains("must be a string, got a number"));
    let err = parse("search", r#"{"query":"x","regex":"yes"}"#, false).expect_err("flag");
    assert!(err.message.contains("true or false"));
    let err = parse("read_file", "[1]", false).expect_err("array");
    assert!(err.message.contains("got an array"));
    let err = parse("shell", "{}", false).expect_err("unknown");
    assert!(err.message.contains("unknown tool `shell`"));
    let err = parse("run_tests", "{}", false).expect_err("not offered");
    assert!(err.message.contains("no known test command"));
}

#[test]
fn run_program_takes_a_program_and_its_words() {
    assert_eq!(
        parse(
            "run_program",
            r#"{"program":" cargo ","args":["clippy","--all-targets"]}"#,
            false
        ),
        Ok(Action::RunProgram {
            program: "cargo".into(),
            args: vec!["clippy".into(), "--all-targets".into()]
        })
    );
    assert_eq!(
        parse("run_program", r#"{"program":"make"}"#, false),
        Ok(Action::RunProgram {
            program: "make".into(),
            args: Vec::new()
        })
    );
    let schema: Value = serde_json::from_str(
        &specs(false)
            .into_iter()
            .find(|s| s.name == "run_program")
            .expect("offered")
            .parameters_json,
    )
    .unwrap();
    assert_eq!(schema["properties"]["args"]["items"]["type"], "string");
}
