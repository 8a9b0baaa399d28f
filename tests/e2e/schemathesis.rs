//! Schemathesis (property-based API testing, from PyPI; `make tools` installs it)
//! against a real `ralex serve`, driven by the served `/openapi.json`: generated
//! valid and invalid requests to every documented operation, with a bounded number
//! of examples and a fixed seed. Checks: no 5xx, statuses, content types and
//! bodies as documented, auth enforced, invalid data rejected. Left out: the
//! WebSocket route (not HTTP request/response), the workflow routes (501 by design
//! until workflows land), and "schema-valid data is accepted" (the API also checks
//! what a schema cannot say: that the named project is served, that a
//! speech-to-text model is configured).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use crate::support::*;

struct Serve(Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn schemathesis_finds_no_contract_violation() {
    let tool = target_dir().join("tools/py/bin/schemathesis");
    assert!(
        tool.is_file(),
        "{} is missing: run `make tools` (it installs schemathesis from PyPI)",
        tool.display()
    );
    let env = Env::new();
    let (_dir, root) = project(true);
    let token = env
        .run(&["token", "create", "--name", "schemathesis"])
        .ok()
        .stdout
        .lines()
        .last()
        .unwrap()
        .to_owned();
    let mut child = env
        .command()
        .args([
            "serve",
            "--project",
            root.to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let _serve = Serve(child);
    let url = first
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_owned();
    // Hypothesis keeps its example database in the working directory: a scratch one.
    let scratch = tempfile::tempdir().unwrap();
    let out = Command::new(&tool)
        .current_dir(scratch.path())
        .args([
            "run",
            &format!("{url}/openapi.json"),
            "-H",
            &format!("Authorization: Bearer {token}"),
            "--max-examples",
            "25",
            "--seed",
            "20261125",
            "--exclude-path",
            "/v4/events",
            "--exclude-path-regex",
            "^/v4/workflow",
            "--checks",
            "all",
            "--exclude-checks",
            "positive_data_acceptance",
            "--workers",
            "1",
            // Generous: the whole test suite runs in parallel on two cores.
            "--request-timeout",
            "60",
        ])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "schemathesis found problems:\n{report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        report.contains("Tested: 11"),
        "every operation tested:\n{report}"
    );
}
