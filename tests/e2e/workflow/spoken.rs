//! "Run the tidy workflow": a spoken command names a workflow of the project;
//! the parser is told which exist, and the answer says how the run ended.

use super::*;

#[test]
fn a_spoken_command_runs_a_project_workflow() {
    let flow = Flow::new();
    flow.workflow(
        "tidy",
        "name: tidy\ndescription: count\nsteps:\n  - name: count\n    run: make count\n",
    );
    let dry = flow
        .ralex(&[
            "run",
            "run the tidy workflow",
            "--project",
            flow.root(),
            "--dry-run",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(dry["intent"]["kind"], "workflow", "{dry:#}");
    assert_eq!(dry["intent"]["params"]["name"], "tidy", "{dry:#}");

    let answer = flow
        .ralex(&[
            "run",
            "run the tidy workflow",
            "--project",
            flow.root(),
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(answer["status"], "completed", "{answer:#}");
    assert_eq!(answer["response"], "Workflow `tidy` finished: 1 step done.");
    assert!(
        answer["output"].as_str().unwrap().contains("1. count — ok"),
        "{answer:#}"
    );
    assert_eq!(flow.read("count.log"), "step\n");
    let runs = flow.ralex(&["workflow", "runs", "--json"]).ok().json();
    assert_eq!(runs[0]["workflow"], "tidy");

    // A workflow whose required parameter was not said fails with what to add.
    let answer = flow
        .ralex(&[
            "run",
            "run the bugfix workflow",
            "--project",
            flow.root(),
            "--json",
        ])
        .json();
    assert_eq!(answer["status"], "failed", "{answer:#}");
    assert!(
        answer["response"]
            .as_str()
            .unwrap()
            .contains("parameter `bug` is required"),
        "{answer:#}"
    );
}
