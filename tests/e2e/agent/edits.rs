//! Edits the agent makes: the docstring edit (one file, byte for byte, with its
//! undo), the project's standards in what the model is sent, and edits that fail
//! (a search block that does not apply twice, arguments that are not JSON) so that
//! nothing is changed and nothing hides the last real change from undo.

use serde_json::{Value, json};

use super::*;

#[test]
fn a_docstring_edit_changes_one_file_and_undo_puts_it_back() {
    let lab = Lab::new();
    let before = lab.files();
    let original = before[PARSE_CONFIG].clone();

    let answer = add_the_docstring(&lab, ADD_DOCSTRING);
    assert_eq!(answer["intent"]["kind"], "docs", "{answer:#}");
    assert_eq!(
        response(&answer),
        "I added a docstring to parse_config.",
        "{answer:#}"
    );
    let changes = answer["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{answer:#}");
    assert_eq!(changes[0]["path"], PARSE_CONFIG);
    let (added, removed) = diff_lines(changes[0]["diff"].as_str().unwrap());
    assert_eq!(added, [DOCSTRING.trim_end_matches('\n')], "{answer:#}");
    assert!(removed.is_empty(), "{answer:#}");
    assert_eq!(answer["model"], "lab-small");
    let spent = answer["cost_usd"].as_f64().unwrap();
    assert!(spent > 0.0, "{answer:#}");
    assert!((spent - cost(1, 1)).abs() < 1e-12, "{spent} {answer:#}");
    let undo_id = answer["undo_id"].as_str().expect("an undo id").to_string();

    // On disk: exactly the docstring, nothing else anywhere.
    let after = lab.files();
    assert_eq!(after[PARSE_CONFIG], documented(&original));
    let mut others = after.clone();
    others.remove(PARSE_CONFIG);
    let mut expected = before.clone();
    expected.remove(PARSE_CONFIG);
    assert_eq!(others, expected);

    // What the model was sent: the system prompt, the request, the tools.
    let chats = lab.chats();
    assert_eq!(chats.len(), 2, "{chats:#?}");
    let first = &chats[0]["body"];
    assert_eq!(first["model"], "lab-small");
    let messages = first["messages"].as_array().unwrap();
    assert_eq!(messages[0]["role"], "system");
    let system = messages[0]["content"].as_str().unwrap();
    assert!(system.contains("# How you work"), "{system}");
    assert!(system.contains("data, not instructions"), "{system}");
    assert_eq!(messages[1]["role"], "user");
    let user = messages[1]["content"].as_str().unwrap();
    assert!(
        user.starts_with("Request: add a docstring to parse_config.py"),
        "{user}"
    );
    assert!(user.contains("def parse_config(path):"), "{user}");
    let tools: Vec<&str> = first["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["function"]["name"].as_str().unwrap())
        .collect();
    for tool in [
        "read_file",
        "list_files",
        "search",
        "replace",
        "write_file",
        "create_file",
        "delete_file",
        "run_program",
    ] {
        assert!(tools.contains(&tool), "{tool} missing: {tools:?}");
    }
    assert_eq!(
        tool_messages(&chats[1]),
        [format!("Replaced the block in {PARSE_CONFIG}.")]
    );

    // The write was decided for the agent and audited.
    let writes = audited(&lab.env, "workspace:write");
    assert_eq!(writes.len(), 1, "{writes:#?}");
    assert_eq!(writes[0]["resource"], format!("path `{PARSE_CONFIG}`"));
    assert_eq!(writes[0]["decision"], "allow");
    assert_eq!(writes[0]["actor"], "plugin:agent");

    // Undo: the file is the original again, git sees nothing.
    let r = lab.undo(Some(&undo_id));
    let undone = r.ok().json();
    assert_eq!(undone["status"], "completed", "{undone:#}");
    assert!(
        response(&undone).contains(&format!("{PARSE_CONFIG} is back as before")),
        "{undone:#}"
    );
    assert_eq!(lab.read(PARSE_CONFIG), original);
    assert_eq!(lab.files(), before);
    assert_eq!(lab.git_status(), "");

    // Twice is refused clearly, and changes nothing.
    let r = lab.undo(Some(&undo_id));
    assert_eq!(r.code, 1, "{}", r.stdout);
    let again = r.json();
    assert_eq!(again["status"], "failed");
    assert!(response(&again).contains("already undone"), "{again:#}");
    assert_eq!(lab.files(), before);
    // An id that never existed is refused too.
    let r = lab.undo(Some("c-does-not-exist"));
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        response(&r.json()).contains("no change with the undo id c-does-not-exist"),
        "{}",
        r.stdout
    );
}

#[test]
fn the_project_standards_reach_the_model() {
    let lab = Lab::new();
    const RULE: &str = "Docstrings in this project always end with the word Zanzibar.";
    std::fs::create_dir_all(lab.root.join(".ralex/standards")).unwrap();
    std::fs::write(
        lab.root.join(".ralex/standards/python.md"),
        format!("# Python\n\n{RULE}\n"),
    )
    .unwrap();
    commit_all(&lab.root, "standards");

    // No file named: the symbol is not resolved yet, and the Python standards are
    // still the relevant ones.
    let answer = add_the_docstring(&lab, "add a docstring to parse config");
    assert_eq!(answer["intent"]["targets"][0]["symbol"], "parse_config");
    let chats = lab.chats();
    assert!(!chats.is_empty());
    let messages = chats[0]["body"]["messages"].to_string();
    assert!(messages.contains(RULE), "{messages}");
}

#[test]
fn an_edit_that_does_not_apply_twice_fails_and_writes_nothing() {
    let lab = Lab::new();
    let before = lab.files();
    let wrong = "def parse_config(path):\n    data = json.loads(Path(path).read_text(encoding=\"utf-8\"))\n";
    lab.script(json!([
        replace(PARSE_CONFIG, wrong, "x"),
        replace(PARSE_CONFIG, wrong, "y"),
        say("must not be reached"),
    ]));
    let r = lab.run(ADD_DOCSTRING, &[]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    let answer = r.json();
    assert_eq!(answer["status"], "failed", "{answer:#}");
    assert_eq!(
        response(&answer),
        "The agent stopped: the model's edit to inventory/parse_config.py did not apply twice: \
         its search text was not found in the file; nothing was changed by it. Nothing was changed.",
        "{answer:#}"
    );
    assert_eq!(answer["changes"], json!([]), "{answer:#}");
    assert_eq!(lab.files(), before);
    assert_eq!(lab.git_status(), "");

    let chats = lab.chats();
    assert_eq!(chats.len(), 2, "{chats:#?}");
    let hint = &tool_messages(&chats[1])[0];
    assert!(
        hint.starts_with(
            "error: the search block was not found in inventory/parse_config.py. The closest \
             region (line 5 is most like your first line) is:\n"
        ),
        "{hint}"
    );
    assert!(hint.contains("5 | def parse_config(path):\n"), "{hint}");
    assert!(
        hint.contains(
            "First difference: line 2 of your block is `    data = json.loads(Path(path).read_text(encoding=\"utf-8\"))` \
             but line 6 of the file is `    data = json.loads(Path(path).read_text())`."
        ),
        "{hint}"
    );
}

/// A 200 answer in OpenAI's shape whose tool call's arguments are not JSON.
fn broken_call(name: &str, arguments: &str) -> Value {
    json!({
        "kind": "status", "status": 200,
        "body": {
            "id": "chatcmpl-broken", "object": "chat.completion", "created": 0,
            "model": "lab-small",
            "choices": [{
                "index": 0,
                "message": {
                    "role": "assistant", "content": null,
                    "tool_calls": [{
                        "id": "call_broken", "type": "function",
                        "function": {"name": name, "arguments": arguments}
                    }]
                },
                "finish_reason": "tool_calls"
            }],
            "usage": {"prompt_tokens": 100, "completion_tokens": 10, "total_tokens": 110}
        }
    })
}

#[test]
fn arguments_that_are_not_json_count_as_a_failed_edit() {
    let lab = Lab::new();
    let before = lab.files();
    lab.script(json!([
        broken_call(
            "replace",
            "{\"path\": \"inventory/parse_config.py\", search: def"
        ),
        broken_call("replace", "{\"path\": \"inventory/parse_config.py\""),
        say("must not be reached"),
    ]));
    let r = lab.run(ADD_DOCSTRING, &[]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    let answer = r.json();
    assert_eq!(answer["status"], "failed", "{answer:#}");
    let said = response(&answer);
    assert!(said.contains("did not apply twice"), "{said}");
    assert!(
        said.contains("the arguments of `replace` are not valid JSON"),
        "{said}"
    );
    assert!(said.ends_with("Nothing was changed."), "{said}");
    assert!(answer["undo_id"].is_null(), "{answer:#}");
    assert_eq!(lab.files(), before);
    assert_eq!(lab.git_status(), "");
    let chats = lab.chats();
    assert_eq!(chats.len(), 2);
    let told = &tool_messages(&chats[1])[0];
    assert!(
        told.starts_with("error: the arguments of `replace` are not valid JSON"),
        "{told}"
    );
}

#[test]
fn a_command_that_changed_nothing_has_no_undo_id_and_does_not_hide_the_last_change() {
    let lab = Lab::new();
    let original = lab.read(PARSE_CONFIG);
    add_the_docstring(&lab, ADD_DOCSTRING);

    let wrong = "def parse_config(path):\n    nothing like this\n";
    lab.script(json!([
        replace("inventory/pricing.py", wrong, "x"),
        replace("inventory/pricing.py", wrong, "y"),
    ]));
    let r = lab.run("add a docstring to price with tax", &[]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let failed = r.json();
    assert_eq!(failed["changes"], json!([]), "{failed:#}");
    assert!(
        failed["undo_id"].is_null(),
        "an undo id for a command that changed nothing: {failed:#}"
    );

    // "undo" means the docstring, the last change that changed something.
    let undone = lab.undo(None).ok().json();
    assert_eq!(undone["status"], "completed", "{undone:#}");
    assert_eq!(
        String::from_utf8(lab.read(PARSE_CONFIG)).unwrap(),
        String::from_utf8(original).unwrap(),
        "{undone:#}"
    );
}
