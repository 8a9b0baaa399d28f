//! Destructive commands: the parser marks a delete destructive, and it waits for a
//! confirmation that is bound to the exact command, used once and expires; a
//! target that could mean several files is asked about, never confirmed.

use std::time::Duration;

use serde_json::json;

use super::*;

const DELETE_CONFIG: &str = "delete inventory slash config dot py";
const CONFIG: &str = "inventory/config.py";

#[test]
fn the_parser_makes_a_destructive_edit_of_a_delete() {
    let lab = Lab::new();
    let answer = lab.run(DELETE_CONFIG, &["--dry-run"]).ok().json();
    let intent = &answer["intent"];
    assert_eq!(intent["kind"], "edit", "{answer:#}");
    assert_eq!(intent["risk"], "destructive", "{answer:#}");
    assert_eq!(intent["params"]["action"], "delete", "{answer:#}");
    assert_eq!(intent["targets"][0]["path"], CONFIG, "{answer:#}");
    assert_eq!(intent["targets"][0]["resolved"], true, "{answer:#}");
    assert!(lab.chats().is_empty());
}

/// Asks for the deletion without confirming; the confirmation id.
fn ask_to_delete(lab: &Lab, command: &str) -> String {
    let r = lab.run(command, &[]);
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    let answer = r.json();
    assert_eq!(answer["status"], "needs_confirmation", "{answer:#}");
    assert!(answer["undo_id"].is_null(), "{answer:#}");
    assert_eq!(answer["changes"], json!([]));
    answer["confirmation_id"]
        .as_str()
        .expect("a confirmation id")
        .to_string()
}

#[test]
fn a_delete_waits_for_its_confirmation_and_runs_once_with_it() {
    let lab = Lab::new();
    let before = lab.files();
    let id = ask_to_delete(&lab, DELETE_CONFIG);
    assert!(lab.root.join(CONFIG).is_file());
    assert!(
        lab.chats().is_empty(),
        "the model was asked before confirming"
    );

    lab.script(json!([
        call("delete_file", json!({"path": CONFIG})),
        say("I deleted inventory/config.py."),
    ]));
    let r = lab.run(DELETE_CONFIG, &["--confirm", &id]);
    let answer = r.ok().json();
    assert_eq!(answer["status"], "completed", "{answer:#}");
    assert!(!lab.root.join(CONFIG).exists());
    let changes = answer["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{answer:#}");
    assert_eq!(changes[0]["path"], CONFIG);
    let (added, removed) = diff_lines(changes[0]["diff"].as_str().unwrap());
    assert!(added.is_empty(), "{answer:#}");
    assert_eq!(
        removed.join("\n") + "\n",
        String::from_utf8(before[CONFIG].clone()).unwrap()
    );
    assert_eq!(lab.chats().len(), 2);
    let deletes = audited(&lab.env, "workspace:delete");
    assert_eq!(deletes.len(), 1, "{deletes:#?}");
    assert_eq!(deletes[0]["decision"], "allow");

    // The same confirmation again: refused, nothing happens.
    let r = lab.run(DELETE_CONFIG, &["--confirm", &id]);
    assert_eq!(r.code, 3, "{}", r.stdout);
    let again = r.json();
    assert_eq!(again["status"], "denied", "{again:#}");
    assert!(response(&again).contains("already used"), "{again:#}");
    assert_eq!(lab.chats().len(), 2);

    // Undo brings the file back byte for byte.
    let undone = lab.undo(answer["undo_id"].as_str()).ok().json();
    assert_eq!(undone["status"], "completed", "{undone:#}");
    assert_eq!(lab.files(), before);
    assert_eq!(lab.git_status(), "");
}

#[test]
fn a_confirmation_for_another_command_is_refused() {
    let lab = Lab::new();
    let before = lab.files();
    let other = ask_to_delete(&lab, "delete inventory slash pricing dot py");
    let r = lab.run(DELETE_CONFIG, &["--confirm", &other]);
    assert_eq!(r.code, 3, "{}", r.stdout);
    let answer = r.json();
    assert_eq!(answer["status"], "denied", "{answer:#}");
    assert!(
        response(&answer).contains("given for a different command"),
        "{answer:#}"
    );
    // A made-up id too.
    let r = lab.run(DELETE_CONFIG, &["--confirm", "k-000000000000"]);
    assert_eq!(r.code, 3, "{}", r.stdout);
    assert_eq!(r.json()["status"], "denied");
    assert_eq!(lab.files(), before);
    assert!(lab.chats().is_empty());
}

#[test]
fn an_expired_confirmation_is_refused() {
    let lab = Lab::with_config("\n[agent]\nconfirmation_seconds = 1\n");
    let before = lab.files();
    let id = ask_to_delete(&lab, DELETE_CONFIG);
    // Time is the point here: the confirmation lives one second.
    std::thread::sleep(Duration::from_millis(1500));
    lab.script(json!([
        call("delete_file", json!({"path": CONFIG})),
        say("I deleted it."),
    ]));
    let r = lab.run(DELETE_CONFIG, &["--confirm", &id]);
    assert_eq!(r.code, 3, "{}", r.stdout);
    let answer = r.json();
    assert_eq!(answer["status"], "denied", "{answer:#}");
    assert!(response(&answer).contains("expired"), "{answer:#}");
    assert_eq!(lab.files(), before);
    assert!(lab.chats().is_empty());
}

#[test]
fn an_ambiguous_destructive_target_is_asked_about_not_confirmed() {
    let lab = Lab::new();
    let before = lab.files();
    let dry = lab
        .run("delete the file config dot py", &["--dry-run"])
        .ok()
        .json();
    assert_eq!(
        dry["intent"]["targets"][0]["candidates"],
        json!(["inventory/config.py", "scripts/config.py"]),
        "{dry:#}"
    );
    let r = lab.run("delete the file config dot py", &[]);
    let answer = r.json();
    assert!(response(&answer).contains("the folder too"), "{answer:#}");
    assert!(
        answer["confirmation_id"].is_null(),
        "a confirmation was offered for a command that does not say which file: {answer:#}"
    );
    // Even confirmed up front, an ambiguous target never reaches the model.
    lab.script(json!([
        call("delete_file", json!({"path": "scripts/config.py"})),
        say("Deleted."),
    ]));
    let r = lab.run("delete the file config dot py", &["--yes"]);
    assert_ne!(r.code, 0, "{}", r.stdout);
    assert!(lab.chats().is_empty(), "the model was asked to guess");
    assert_eq!(lab.files(), before);
}
