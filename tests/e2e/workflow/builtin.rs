//! The built-in bugfix and feature workflows end to end on the sample project,
//! with the scripted model server as the only model. Bugfix: a failing test
//! first, a diagnosis, a fix the tests judge, the whole suite, and a commit —
//! the run's cost is the sum of its agent tasks'. Feature: analysis, a plan in
//! `.ralex/plans`, the change, tests, docs and a summary for review.

use serde_json::{Value, json};

use super::*;

const ROUND_OLD: &str = "    return round(price * (1 + tax_rate), 2)\n";
const ROUND_NEW: &str = "    exact = Decimal(str(price)) * (1 + Decimal(str(tax_rate)))\n    return float(exact.quantize(Decimal(\"0.01\"), rounding=ROUND_HALF_UP))\n";
const IMPORT: &str = "from decimal import ROUND_HALF_UP, Decimal\n\n\n";
const TEST_FILE: &str = "tests/test_tax_rounding.py";
const TEST_TEXT: &str = "from inventory.pricing import price_with_tax\n\n\ndef test_tax_rounding():\n    assert price_with_tax(2.5, 0.07) == 2.68\n";

fn call(name: &str, arguments: Value) -> Value {
    json!({"kind": "chat", "text": "", "tool_calls": [{"name": name, "arguments": arguments}],
           "input_tokens": 1000, "output_tokens": 50})
}

fn say(text: &str) -> Value {
    json!({"kind": "chat", "text": text, "input_tokens": 800, "output_tokens": 20})
}

/// `flow` with the scripted model server as its only provider and
/// `test_command` committed as the project's test command.
fn with_model(flow: &Flow, test_command: &str) -> ModelServer {
    let server = model_server();
    std::fs::write(
        flow.env.home.path().join("ralex.toml"),
        lab_provider(&server.base()),
    )
    .unwrap();
    std::fs::create_dir_all(flow.root.join(".ralex")).unwrap();
    std::fs::write(
        flow.root.join(".ralex/config.toml"),
        format!("[project]\ntest_command = \"{test_command}\"\n"),
    )
    .unwrap();
    commit_all(&flow.root, "test command");
    server
}

/// `ralex workflow run NAME --param PARAM` with the lab provider's key; the run.
fn run_with_model(flow: &Flow, name: &str, param: &str) -> Value {
    let mut cmd = flow.env.command();
    for var in MODEL_VARS {
        cmd.env_remove(var);
    }
    let out = cmd
        .env("LAB_API_KEY", "sk-e2e-workflow")
        .args([
            "workflow",
            "run",
            name,
            "--project",
            flow.root(),
            "--json",
            "--param",
            param,
        ])
        .output()
        .unwrap();
    Result::from(out).ok().json()
}

#[test]
fn bugfix_reproduces_diagnoses_fixes_tests_and_commits() {
    let flow = Flow::new();
    let server = with_model(&flow, "make test");
    server.push(json!([
        // reproduce
        call("create_file", json!({"path": TEST_FILE, "content": TEST_TEXT})),
        say("I added test_tax_rounding, which fails on the current rounding."),
        // diagnose
        say("price_with_tax rounds a binary float with round(), so 2.675 becomes 2.67."),
        // fix (verified by the tests)
        call("replace", json!({"path": "inventory/pricing.py", "search": ROUND_OLD, "replace": ROUND_NEW})),
        call("replace", json!({"path": "inventory/pricing.py", "search": "def price_with_tax(price, tax_rate):\n",
                               "replace": format!("{IMPORT}def price_with_tax(price, tax_rate):\n")})),
        say("price_with_tax now rounds half up with decimal."),
    ]));
    let run = run_with_model(&flow, "bugfix", "bug=tax on 2.675 rounds down to 2.67");
    assert_eq!(run["state"], "completed", "{run:#}");
    assert_eq!(
        states(&run),
        expect(&[
            ("reproduce", "ok"),
            ("reproduced", "failed"),
            ("not-reproduced", "skipped"),
            ("diagnose", "ok"),
            ("fix", "ok"),
            ("tests", "ok"),
            ("commit", "ok"),
        ])
    );
    assert_eq!(flow.read(TEST_FILE), TEST_TEXT);
    let pricing = flow.read("inventory/pricing.py");
    assert!(
        pricing.starts_with(IMPORT) && pricing.contains(ROUND_NEW),
        "{pricing}"
    );
    assert!(
        step(&run, "fix")["summary"]
            .as_str()
            .unwrap()
            .contains("The tests pass"),
        "{run:#}"
    );
    assert!(
        step(&run, "reproduce")["command_id"].is_string(),
        "the test is undoable"
    );

    // The diagnosis reached the fix's prompt.
    let chats = chat_requests(&server);
    assert_eq!(chats.len(), 6, "every scripted reply was used");
    let fix_prompt = chats[3]["body"]["messages"].to_string();
    assert!(fix_prompt.contains("2.675 becomes 2.67"), "{fix_prompt}");

    // One commit with the message from the parameter, holding the fix and the test.
    let subject = run_git(&flow.root, &["log", "-1", "--format=%s"]);
    assert_eq!(subject.trim(), "fix: tax on 2.675 rounds down to 2.67");
    let files = run_git(&flow.root, &["show", "--name-only", "--format=", "HEAD"]);
    assert!(
        files.contains("inventory/pricing.py") && files.contains(TEST_FILE),
        "{files}"
    );

    // Cost: 3 tool calls and 3 final replies at $0.50 / $1.50 per Mtok.
    let expected = (3.0 * 1000.0 + 3.0 * 800.0) * 0.5e-6 + (3.0 * 50.0 + 3.0 * 20.0) * 1.5e-6;
    let cost = run["cost_usd"].as_f64().unwrap();
    assert!((cost - expected).abs() < 1e-9, "{cost} vs {expected}");
}

#[test]
fn feature_analyses_plans_implements_tests_documents_and_summarises() {
    let flow = Flow::new();
    let server = with_model(&flow, "make ok");
    const DISCOUNT: &str = "def discount(price, percent):\n";
    const CAPPED: &str = "def discount(price, percent):\n    percent = min(max(percent, 0), 100)\n";
    server.push(json!([
        // analyse (read-only)
        say("discount() in inventory/pricing.py takes any percent; cap it to 0..100 there."),
        // implement
        call("replace", json!({"path": "inventory/pricing.py", "search": DISCOUNT, "replace": CAPPED})),
        say("discount() now caps the percent to 0..100."),
        // document
        call("replace", json!({"path": "inventory/pricing.py", "search": CAPPED,
                               "replace": format!("{DISCOUNT}    \"\"\"The price after `percent` off, capped to 0..100 %.\"\"\"\n    percent = min(max(percent, 0), 100)\n")})),
        say("I documented discount()."),
        // summary (read-only)
        say("discount() caps the percent; check negative discounts by hand."),
    ]));
    let run = run_with_model(&flow, "feature", "request=cap discounts to 0..100 percent");
    assert_eq!(run["state"], "completed", "{run:#}");
    assert_eq!(
        states(&run),
        expect(&[
            ("analyse", "ok"),
            ("plan", "ok"),
            ("implement", "ok"),
            ("tests", "ok"),
            ("fix", "skipped"),
            ("document", "ok"),
            ("summary", "ok"),
        ])
    );
    let id = run["id"].as_str().unwrap();
    let plan = flow.read(&format!(".ralex/plans/{id}.md"));
    assert!(
        plan.starts_with("# Plan: cap discounts to 0..100 percent\n"),
        "{plan}"
    );
    assert!(
        plan.contains("cap it to 0..100 there"),
        "the analysis is in the plan: {plan}"
    );
    let pricing = flow.read("inventory/pricing.py");
    assert!(
        pricing.contains("capped to 0..100 %") && pricing.contains("min(max(percent, 0), 100)"),
        "{pricing}"
    );
    assert_eq!(
        step(&run, "summary")["summary"],
        "discount() caps the percent; check negative discounts by hand."
    );
    assert_eq!(chat_requests(&server).len(), 6);
    // The implement prompt points at the plan.
    let implement = chat_requests(&server)[1]["body"]["messages"].to_string();
    assert!(
        implement.contains(&format!(".ralex/plans/{id}.md")),
        "{implement}"
    );
}
