//! Arguments go to the program as they are: no shell ever sees them.

mod support;

use support::{allow, args, project, runner};

#[tokio::test]
async fn shell_syntax_stays_literal() {
    let dir = project();
    let runner = runner(dir.path());
    let allowed = allow(&["echo"]);
    let hostile = [
        "a; touch pwned",
        "$(touch pwned2)",
        "`touch pwned3`",
        "x | touch pwned4",
        "y && touch pwned5",
        "> pwned6",
        "*",
    ];
    let output = runner
        .run(&allowed, "echo", &args(&hostile), "", None)
        .await
        .unwrap();
    assert_eq!(output.stdout, format!("{}\n", hostile.join(" ")));
    let created: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(created.is_empty(), "files were created: {created:?}");
}
