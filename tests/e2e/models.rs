//! The model layer from the outside: the real `ralex` binary against the real
//! `ralex-model-testserver` binary (a scripted OpenAI-compatible provider), each
//! test with its own `RALEX_HOME` and server.

use serde_json::json;

use crate::support::*;

/// The lab provider's key: it reaches the provider and nothing else.
const KEY: &str = "sk-e2e-SECRET-7777-do-not-leak";

/// `ralex ARGS` in `env` with no provider variables but `vars`.
fn ralex(env: &Env, args: &[&str], vars: &[(&str, &str)]) -> Result {
    let mut cmd = env.command();
    for var in MODEL_VARS {
        cmd.env_remove(var);
    }
    cmd.env("LAB_API_KEY", KEY);
    for (name, value) in vars {
        cmd.env(name, value);
    }
    Result::from(cmd.args(args).output().expect("ralex runs"))
}

/// Provider `lab` at `base` — on loopback, so `local = false` keeps list prices
/// (a loopback provider is otherwise local and free) — and its models:
/// `lab-small` (tier 1, $0.50/$1.50 per Mtok), and with `more` also `lab-large`
/// (tier 2) and `lab-frontier` (tier 3).
fn lab_config(base: &str, more: bool) -> String {
    let mut text = lab_provider(base);
    if more {
        text.push_str(
            r#"
[[models]]
name = "lab-large"
provider = "lab"
context_window = 200000
input_per_mtok = 3.0
output_per_mtok = 15.0
capabilities = ["tools"]
tier = 2

[[models]]
name = "lab-frontier"
provider = "lab"
context_window = 400000
input_per_mtok = 10.0
output_per_mtok = 40.0
capabilities = ["tools"]
tier = 3
"#,
        );
    }
    text
}

fn write_config(env: &Env, text: &str) {
    std::fs::write(env.home.path().join("ralex.toml"), text).unwrap();
}

/// Today's UTC date as SQLite (and so the ledger) writes it.
fn today_utc() -> String {
    rusqlite::Connection::open_in_memory()
        .unwrap()
        .query_row("SELECT date('now')", [], |row| row.get(0))
        .unwrap()
}

#[test]
fn ask_answers_with_the_scripted_text_and_costs_add_up() {
    let server = model_server();
    let env = Env::new();
    write_config(&env, &lab_config(&server.base(), false));
    server.push(json!([{
        "kind": "chat", "text": "Hello from the lab", "input_tokens": 12, "output_tokens": 5
    }]));

    let asked = ralex(&env, &["models", "ask", "hi", "--json"], &[]);
    let answer = asked.ok().json();
    assert_eq!(answer["content"], "Hello from the lab", "{answer}");
    assert_eq!(answer["model"], "lab-small");
    assert_eq!(answer["provider"], "lab");
    assert_eq!(answer["input_tokens"], 12);
    assert_eq!(answer["output_tokens"], 5);
    assert_eq!(answer["attempts"], 1);
    // 12 × $0.50/M + 5 × $1.50/M.
    let cost = answer["cost_usd"].as_f64().unwrap();
    assert!((cost - 0.000_013_5).abs() < 1e-12, "{answer}");

    // The provider got the prompt, for the chosen model, with the key in the one
    // header that carries it.
    let requests = chat_requests(&server);
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0]["body"]["model"], "lab-small");
    assert_eq!(requests[0]["body"]["messages"][0]["content"], "hi");
    let carrying: Vec<&str> = requests[0]["headers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h[1].as_str().unwrap().contains(KEY))
        .map(|h| h[0].as_str().unwrap())
        .collect();
    assert_eq!(carrying, ["authorization"]);

    // The ledger holds exactly what ask reported.
    let costs = ralex(&env, &["costs", "--json"], &[]).ok().json();
    let total = &costs["total"];
    assert_eq!(total["requests"], 1, "{costs}");
    assert_eq!(total["input_tokens"], answer["input_tokens"], "{costs}");
    assert_eq!(total["output_tokens"], answer["output_tokens"], "{costs}");
    assert_eq!(total["cost_usd"], answer["cost_usd"], "{costs}");
    assert_eq!(costs["by"], "model");
    assert_eq!(costs["rows"][0]["model"], "lab-small", "{costs}");
    assert_eq!(costs["rows"][0]["cost_usd"], answer["cost_usd"], "{costs}");

    let by_day = ralex(&env, &["costs", "--by", "day", "--json"], &[])
        .ok()
        .json();
    assert_eq!(by_day["rows"].as_array().unwrap().len(), 1, "{by_day}");
    assert_eq!(by_day["rows"][0]["day"], today_utc().as_str(), "{by_day}");
    assert_eq!(
        by_day["rows"][0]["cost_usd"], answer["cost_usd"],
        "{by_day}"
    );
    let by_plugin = ralex(&env, &["costs", "--by", "plugin", "--json"], &[])
        .ok()
        .json();
    assert_eq!(by_plugin["rows"][0]["plugin"], "cli", "{by_plugin}");

    // Decided and metered in the audit trail, without the key anywhere.
    let audit = ralex(&env, &["audit", "show", "--json"], &[]);
    let entries = audit.ok().json();
    let model_entries: Vec<(&str, &str, &str)> = entries
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"].as_str().unwrap().starts_with("model:"))
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["resource"].as_str().unwrap(),
                e["decision"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        model_entries,
        [
            ("model:call", "model `lab-small`", "allow"),
            ("model:attempt", "model `lab-small` via `lab`", "ok"),
        ]
    );
    for out in [&asked.stdout, &asked.stderr, &audit.stdout] {
        assert!(!out.contains(KEY), "the key leaked: {out}");
    }
}

#[test]
fn route_sends_a_large_refactor_to_a_strong_model_and_sends_nothing() {
    let server = model_server();
    let env = Env::new();
    write_config(&env, &lab_config(&server.base(), true));
    let route = ralex(
        &env,
        &[
            "models", "route", "--kind", "refactor", "--tokens", "50000", "--json",
        ],
        &[],
    )
    .ok()
    .json();
    let list = ralex(&env, &["models", "list", "--json"], &[]).ok().json();
    let tier_of = |name: &str| {
        list["models"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["name"] == name)
            .unwrap_or_else(|| panic!("{name} not listed: {list}"))["tier"]
            .as_u64()
            .unwrap()
    };
    let chosen = route["model"].as_str().unwrap();
    assert!(tier_of(chosen) >= 2, "{route}");
    // The cheapest model of the needed tier.
    assert_eq!(chosen, "lab-large", "{route}");
    assert!(
        route["reason"].as_str().unwrap().contains("refactor"),
        "{route}"
    );
    assert!(
        route["estimated_cost_usd"].as_f64().unwrap() > 0.0,
        "{route}"
    );
    assert!(
        !route["fallbacks"].as_array().unwrap().is_empty(),
        "{route}"
    );
    assert!(chat_requests(&server).is_empty(), "routing sent a request");
}

#[test]
fn a_hard_daily_budget_refuses_before_anything_is_sent() {
    let server = model_server();
    let env = Env::new();
    let lab = lab_config(&server.base(), false);
    write_config(&env, &format!("{lab}\n[budgets]\nday_usd = 0.000001\n"));
    server.push(json!([{"kind": "text", "text": "must not be served"}]));

    let r = ralex(&env, &["models", "ask", "hi"], &[]);
    assert_eq!(r.code, 3, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("daily budget"), "{}", r.stderr);
    assert!(r.stderr.contains("[budgets]"), "{}", r.stderr);
    assert!(chat_requests(&server).is_empty(), "a request was sent");
    let costs = ralex(&env, &["costs", "--json"], &[]).ok().json();
    assert_eq!(costs["total"]["requests"], 0, "{costs}");

    // The same setup without the budget does reach the server: the refusal above
    // was the budget, not an unreachable provider.
    write_config(&env, &lab);
    let r = ralex(&env, &["models", "ask", "hi", "--json"], &[]);
    assert_eq!(r.ok().json()["content"], "must not be served");
    assert_eq!(chat_requests(&server).len(), 1);
}

#[test]
fn a_budget_that_leaves_the_router_nothing_is_named_in_the_refusal() {
    // Three priced models and no default: the router refuses every one of them.
    let server = model_server();
    let env = Env::new();
    let lab = lab_config(&server.base(), true);
    write_config(&env, &format!("{lab}\n[budgets]\nday_usd = 0.000001\n"));
    let r = ralex(&env, &["models", "ask", "hi"], &[]);
    assert_eq!(r.code, 3, "a budget refusal is a denial: {}", r.stderr);
    let last = r.stderr.lines().last().unwrap_or_default();
    assert!(last.starts_with("ralex: "), "{}", r.stderr);
    assert!(last.contains("daily budget"), "{}", r.stderr);
    assert!(chat_requests(&server).is_empty(), "a request was sent");
}

#[test]
fn a_model_of_an_unknown_provider_is_a_usage_error_naming_the_file() {
    let env = Env::new();
    write_config(
        &env,
        "[[models]]\nname = \"ghost\"\nprovider = \"nowhere\"\ncontext_window = 8000\n",
    );
    for args in [&["models", "list"][..], &["models", "ask", "hi"]] {
        let r = ralex(&env, args, &[]);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains("ralex.toml"), "{}", r.stderr);
        assert_eq!(r.stderr.matches("ralex.toml").count(), 1, "{}", r.stderr);
        assert!(
            r.stderr
                .contains("model `ghost`: unknown provider `nowhere`"),
            "{}",
            r.stderr
        );
        assert!(
            r.stderr
                .contains("add a [[providers]] entry named `nowhere`"),
            "{}",
            r.stderr
        );
        assert!(r.stdout.is_empty(), "{}", r.stdout);
    }
}

#[test]
fn models_list_shows_the_declared_models() {
    let server = model_server();
    let env = Env::new();
    write_config(&env, &lab_config(&server.base(), true));
    let r = ralex(&env, &["models", "list"], &[]);
    r.ok();
    let row = r
        .stdout
        .lines()
        .find(|l| l.starts_with("lab-small "))
        .unwrap_or_else(|| panic!("no lab-small row:\n{}", r.stdout));
    for cell in ["lab", "128000", "$0.50", "$1.50", "tools"] {
        assert!(row.contains(cell), "{cell} missing in {row:?}");
    }
    // Only usable models by default: the shipped ones need keys.
    assert!(!r.stdout.contains("gpt-5"), "{}", r.stdout);
    let list = ralex(&env, &["models", "list", "--json"], &[]).ok().json();
    let names: Vec<&str> = list["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["lab-frontier", "lab-large", "lab-small"], "{list}");
    let small = &list["models"][2];
    assert_eq!(small["provider"], "lab");
    assert_eq!(small["tier"], 1);
    assert_eq!(small["usable"], true);
    assert_eq!(small["local"], false);
}

#[test]
fn a_single_model_from_the_environment_works_without_a_config_file() {
    let server = model_server();
    let env = Env::new();
    assert!(!env.home.path().join("ralex.toml").exists());
    server.push(json!([{
        "kind": "chat", "text": "env model here", "input_tokens": 7, "output_tokens": 3
    }]));
    let base = server.base();
    let vars = [
        ("RALEX_OPENAI_BASE_URL", base.as_str()),
        ("RALEX_MODEL", "envy-7b"),
        ("RALEX_OPENAI_API_KEY", KEY),
    ];
    let r = ralex(&env, &["models", "ask", "ping", "--json"], &vars);
    let answer = r.ok().json();
    assert_eq!(answer["content"], "env model here", "{answer}");
    assert_eq!(answer["model"], "envy-7b");
    assert_eq!(answer["provider"], "env");
    assert_eq!(answer["input_tokens"], 7);
    assert_eq!(answer["output_tokens"], 3);
    // A loopback server is local: free.
    assert_eq!(answer["cost_usd"], 0.0);
    assert!(!r.stdout.contains(KEY) && !r.stderr.contains(KEY));

    let requests = chat_requests(&server);
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0]["body"]["model"], "envy-7b");
    assert!(
        requests[0]["headers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h[0] == "authorization" && h[1] == format!("Bearer {KEY}").as_str()),
        "{:?}",
        requests[0]["headers"]
    );

    let list = ralex(&env, &["models", "list", "--json"], &vars)
        .ok()
        .json();
    let names: Vec<&str> = list["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["envy-7b"], "{list}");
}
