//! Programs see a scrubbed environment. This file holds a single test because
//! it sets variables in its own process before any thread starts.

mod support;

use ralex_caps::ErrorKind;
use support::{allow, project, runner};

#[test]
fn secrets_and_unlisted_variables_are_not_passed() {
    let planted = [
        ("RALEX_SIGNING_KEY", "s1"),
        ("MY_API_KEY", "s2"),
        ("GITHUB_TOKEN", "s3"),
        ("AWS_ACCESS_KEY_ID", "s4"),
        ("OPENAI_API_KEY", "s5"),
        ("ANTHROPIC_API_KEY", "s6"),
        ("DB_PASSWORD", "s7"),
        ("CLIENT_SECRET", "s8"),
        ("UNLISTED_HARMLESS", "s9"),
        ("LANG", "C.UTF-8"),
    ];
    for (name, value) in planted {
        // SAFETY: no other thread exists yet in this test binary's only test.
        unsafe { std::env::set_var(name, value) };
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let dir = project();
        let refused = runner(dir.path())
            .with_env("SERVICE_TOKEN", "x")
            .unwrap_err();
        assert_eq!(refused.kind(), ErrorKind::Denied);
        let runner = runner(dir.path())
            .with_env("RALEX_TEST_EXTRA", "no")
            .err()
            .map(|_| ());
        assert!(runner.is_some(), "RALEX_ names are refused even when asked");

        let runner = support::runner(dir.path())
            .with_env("RUST_BACKTRACE", "1")
            .unwrap();
        let output = runner
            .run(&allow(&["env"]), "env", &[], "", None)
            .await
            .unwrap();
        let names: Vec<&str> = output
            .stdout
            .lines()
            .filter_map(|line| line.split_once('='))
            .map(|(name, _)| name)
            .collect();
        for (name, value) in planted {
            if name == "LANG" {
                assert!(output.stdout.contains("LANG=C.UTF-8"), "{}", output.stdout);
            } else {
                assert!(!names.contains(&name), "{name} leaked: {}", output.stdout);
                assert!(!output.stdout.contains(value), "{value} leaked");
            }
        }
        assert!(names.contains(&"PATH"), "{}", output.stdout);
        assert!(names.contains(&"RUST_BACKTRACE"), "{}", output.stdout);
        let allowed = ralex_exec::PASSED_VARIABLES;
        for name in names {
            assert!(
                allowed.contains(&name) || name == "RUST_BACKTRACE",
                "unexpected variable {name}"
            );
        }
    });
}
