//! Test-and-fix: failing tests are fed back to the model until the fix passes,
//! and the kernel's own test verdict is said once in the answer.

use std::path::Path;

use serde_json::json;

use super::*;

/// A Makefile whose tests pass only once pricing.py rounds half up with the
/// decimal module, imported.
fn with_rounding_tests(root: &Path) {
    std::fs::write(
        root.join("Makefile"),
        "test:\n\
         \t@grep -q 'ROUND_HALF_UP' inventory/pricing.py || { echo 'FAILED test_tax_rounding: 2.675 rounds to 2.67'; exit 1; }\n\
         \t@grep -q '^from decimal import' inventory/pricing.py || { echo \"FAILED test_import: NameError: name 'Decimal' is not defined\"; exit 1; }\n\
         \t@echo '2 passed'\n",
    )
    .unwrap();
    std::fs::create_dir_all(root.join(".ralex")).unwrap();
    std::fs::write(
        root.join(".ralex/config.toml"),
        "[project]\ntest_command = \"make test\"\n",
    )
    .unwrap();
    commit_all(root, "rounding tests");
}

const ROUND_OLD: &str = "    return round(price * (1 + tax_rate), 2)\n";
const ROUND_NEW: &str = "    exact = Decimal(str(price)) * (1 + Decimal(str(tax_rate)))\n    return float(exact.quantize(Decimal(\"0.01\"), rounding=ROUND_HALF_UP))\n";
const IMPORT: &str = "from decimal import ROUND_HALF_UP, Decimal\n\n\n";

/// Runs the fix: an edit that fails the tests, the failure fed back, the fix.
fn fix_the_rounding(lab: &Lab) -> Result {
    with_rounding_tests(&lab.root);
    lab.script(json!([
        replace("inventory/pricing.py", ROUND_OLD, ROUND_NEW),
        say("I made the tax rounding exact."),
        replace(
            "inventory/pricing.py",
            "def price_with_tax(price, tax_rate):\n",
            &format!("{IMPORT}def price_with_tax(price, tax_rate):\n")
        ),
        say("I made the tax rounding exact and imported Decimal."),
    ]));
    lab.run("fix the tax rounding and run the tests", &[])
}

#[test]
fn failing_tests_are_fed_back_and_the_fix_passes() {
    let lab = Lab::new();
    let dry = lab
        .run("fix the tax rounding and run the tests", &["--dry-run"])
        .ok()
        .json();
    assert_eq!(dry["intent"]["kind"], "fix", "{dry:#}");
    let original = String::from_utf8(lab.read("inventory/pricing.py")).unwrap();

    let r = fix_the_rounding(&lab);
    let answer = r.ok().json();
    assert_eq!(answer["status"], "completed", "{answer:#}");
    assert_eq!(answer["tests"]["passed"], true, "{answer:#}");
    assert_eq!(answer["tests"]["command"], "make test");
    assert!(
        answer["tests"]["output_tail"]
            .as_str()
            .unwrap()
            .contains("2 passed"),
        "{answer:#}"
    );
    let expected = format!("{IMPORT}{}", original.replace(ROUND_OLD, ROUND_NEW));
    assert_eq!(
        String::from_utf8(lab.read("inventory/pricing.py")).unwrap(),
        expected
    );
    assert!(
        response(&answer).starts_with("I made the tax rounding exact and imported Decimal."),
        "{answer:#}"
    );

    // The model saw the failure after its first answer and was asked to fix it.
    let chats = lab.chats();
    assert_eq!(chats.len(), 4, "{chats:#?}");
    let first = &chats[0]["body"];
    assert!(
        first["tools"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["function"]["name"] == "run_tests"),
        "{first}"
    );
    let fix = chats[2]["body"]["messages"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(fix["role"], "user", "{fix}");
    let fix = fix["content"].as_str().unwrap();
    assert!(
        fix.contains("The tests (`make test`) failed after your changes (exit code 2)"),
        "{fix}"
    );
    assert!(
        fix.contains("NameError: name 'Decimal' is not defined"),
        "{fix}"
    );

    // The tests ran for the agent (twice) and once more for the answer.
    let runs = audited(&lab.env, "exec:run");
    let by_agent = runs.iter().filter(|e| e["actor"] == "plugin:agent").count();
    assert_eq!(by_agent, 2, "{runs:#?}");
    assert!(
        runs.iter()
            .all(|e| e["resource"] == "program `make test`" && e["decision"] == "allow"),
        "{runs:#?}"
    );
}

#[test]
fn the_test_verdict_is_said_once() {
    let lab = Lab::new();
    let answer = fix_the_rounding(&lab).ok().json();
    assert_eq!(
        response(&answer),
        "I made the tax rounding exact and imported Decimal. The tests pass.",
        "{answer:#}"
    );
}
