//! Only allow-listed programs, with their required leading arguments, run.

mod support;

use ralex_caps::ErrorKind;
use support::{allow, args, project, runner};

#[tokio::test]
async fn allowed_program_runs_and_others_are_denied_with_the_list() {
    let dir = project();
    let runner = runner(dir.path());
    let allowed = allow(&["echo", "cargo test"]);
    let output = runner
        .run(&allowed, "echo", &args(&["hi"]), "", None)
        .await
        .unwrap();
    assert_eq!(output.stdout, "hi\n");
    assert_eq!(output.exit_code, Some(0));

    let err = runner
        .run(&allowed, "touch", &args(&["x"]), "", None)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Denied);
    assert_eq!(
        err.to_string(),
        "`touch x` is not in this plugin's exec allow-list (allowed: `echo`, `cargo test`); add an entry to the plugin's exec grant"
    );
    assert!(!dir.path().join("x").exists());
}

#[tokio::test]
async fn prefix_is_enforced() {
    let dir = project();
    let runner = runner(dir.path());
    let allowed = allow(&["cargo test"]);
    let err = runner
        .run(&allowed, "cargo", &args(&["publish"]), "", None)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Denied);
    let err = runner
        .run(&allowed, "cargo", &[], "", None)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Denied);
    // `cargo test --lib` is allowed: it really runs, and fails for lack of a Cargo.toml.
    let output = runner
        .run(&allowed, "cargo", &args(&["test", "--lib"]), "", None)
        .await
        .unwrap();
    assert_eq!(output.exit_code, Some(101), "{output:?}");
    assert!(output.stderr.contains("Cargo.toml"), "{}", output.stderr);
}

#[tokio::test]
async fn programs_given_as_paths_are_refused() {
    let dir = project();
    let runner = runner(dir.path());
    let allowed = allow(&["echo"]);
    for program in ["/bin/echo", "./echo", "bin/echo"] {
        let err = runner
            .run(&allowed, program, &[], "", None)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Denied, "{program}");
        assert!(err.to_string().contains("is a path"), "{err}");
    }
}

#[tokio::test]
async fn empty_program_and_nul_bytes_are_invalid() {
    let dir = project();
    let runner = runner(dir.path());
    let allowed = allow(&["echo"]);
    let err = runner.run(&allowed, "", &[], "", None).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let err = runner
        .run(&allowed, "echo", &args(&["ok", "a\0b"]), "", None)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().contains("argument 2"), "{err}");
}

#[tokio::test]
async fn allowed_program_missing_from_path_is_not_found() {
    let dir = project();
    let runner = runner(dir.path());
    let err = runner
        .run(
            &allow(&["ralex-no-such-program"]),
            "ralex-no-such-program",
            &[],
            "",
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(
        err.to_string().contains("not found on the kernel's PATH"),
        "{err}"
    );
}
