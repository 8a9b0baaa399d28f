//! `ralex audit show` and `ralex audit verify`: reading the trail the kernel
//! writes, and detecting entries edited or deleted behind its back.

use ralex_store::{AuditRecord, Store};

use crate::support::*;

/// Append entries the way the kernel does, then close the store.
fn fill(env: &Env) -> Vec<ralex_store::AuditEntry> {
    let store = Store::open(&env.home.path().join("ralex.db")).unwrap();
    let records = [
        (
            "plugin:agent",
            "workspace:read",
            "path `src/app.py`",
            "allow",
            "first-party-plugins",
            "",
        ),
        (
            "plugin:hostile",
            "workspace:write",
            "path `.git/hooks/pre-commit`",
            "deny",
            "no-write-git",
            "plugin `hostile` may not workspace:write path `.git/hooks/pre-commit`",
        ),
        (
            "user:cli",
            "command:run",
            "a destructive `delete` command",
            "needs-confirmation",
            "destructive-needs-confirmation",
            "",
        ),
        (
            "plugin:agent",
            "exec:run",
            "program `cargo test`",
            "allow",
            "first-party-plugins",
            "",
        ),
    ];
    records
        .iter()
        .map(|(actor, action, resource, decision, rule, detail)| {
            store
                .audit_append(&AuditRecord {
                    actor,
                    action,
                    resource,
                    decision,
                    rule,
                    args_digest: "",
                    detail,
                })
                .unwrap()
        })
        .collect()
}

/// Tamper the way someone with the database file would: drop the append-only
/// triggers, then change rows directly.
fn tamper(env: &Env, sql: &str) {
    let conn = rusqlite::Connection::open(env.home.path().join("ralex.db")).unwrap();
    conn.execute_batch(&format!(
        "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; {sql}"
    ))
    .unwrap();
}

#[test]
fn an_empty_trail_shows_nothing_and_verifies() {
    let env = Env::new();
    let r = env.run(&["audit", "show"]);
    r.ok();
    assert!(r.stdout.starts_with("no audit entries yet"), "{}", r.stdout);
    assert_eq!(
        env.run(&["audit", "show", "--json"]).ok().json(),
        serde_json::json!([])
    );
    let r = env.run(&["audit", "verify"]);
    r.ok();
    assert!(
        r.stdout.starts_with("audit trail intact: 0 entries"),
        "{}",
        r.stdout
    );
    let j = env.run(&["audit", "verify", "--json"]).ok().json();
    assert_eq!(j["intact"], true);
    assert_eq!(j["entries"], 0);
}

#[test]
fn show_prints_a_table_with_denial_details() {
    let env = Env::new();
    let entries = fill(&env);
    let r = env.run(&["audit", "show"]);
    r.ok();
    let lines: Vec<&str> = r.stdout.lines().collect();
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(
        header,
        [
            "SEQ", "TIME", "ACTOR", "ACTION", "RESOURCE", "DECISION", "RULE"
        ],
        "{}",
        r.stdout
    );
    let row = |seq: i64| {
        lines
            .iter()
            .position(|l| l.split_whitespace().next() == Some(&seq.to_string()))
            .unwrap_or_else(|| panic!("row {seq}:\n{}", r.stdout))
    };
    let denied = row(2);
    assert!(lines[denied].contains("plugin:hostile"), "{}", r.stdout);
    assert!(lines[denied].contains("deny"), "{}", r.stdout);
    assert!(
        lines[denied].trim_end().ends_with("no-write-git"),
        "{}",
        r.stdout
    );
    assert!(
        lines[denied + 1].starts_with("    ") && lines[denied + 1].trim() == entries[1].detail,
        "the denial's detail on the next line, indented:\n{}",
        r.stdout
    );
    assert_eq!(row(3), denied + 2, "no detail line for an empty detail");
    // Times are UTC RFC 3339 with whole seconds.
    let time = lines[row(1)].split_whitespace().nth(1).unwrap();
    assert_eq!(time.len(), 20, "{time}");
    assert!(time.ends_with('Z') && time.as_bytes()[10] == b'T', "{time}");

    let j = env.run(&["audit", "show", "--json"]).ok().json();
    let items = j.as_array().unwrap();
    assert_eq!(items.len(), 4);
    assert_eq!(items[1]["seq"], 2);
    assert_eq!(items[1]["decision"], "deny");
    assert_eq!(items[1]["detail"], entries[1].detail.as_str());
    assert_eq!(items[3]["hash"], entries[3].hash.as_str());
    assert_eq!(items[0]["time"].as_str().unwrap(), time);
}

#[test]
fn show_filters_by_plugin_actor_time_and_limit() {
    let env = Env::new();
    fill(&env);
    let seqs = |args: &[&str]| -> Vec<i64> {
        let j = env
            .run(&[&["audit", "show", "--json"][..], args].concat())
            .ok()
            .json();
        j.as_array()
            .unwrap()
            .iter()
            .map(|e| e["seq"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(seqs(&["--plugin", "agent"]), [1, 4]);
    assert_eq!(seqs(&["--actor", "user:cli"]), [3]);
    assert_eq!(seqs(&["--limit", "2"]), [3, 4]);
    assert_eq!(seqs(&["--limit", "0"]), [1, 2, 3, 4]);
    assert_eq!(seqs(&["--since", "1h"]), [1, 2, 3, 4]);
    assert_eq!(seqs(&["--since", "2000-01-01"]), [1, 2, 3, 4]);
    assert!(seqs(&["--since", "2999-01-01T00:00:00Z"]).is_empty());
    let r = env.run(&["audit", "show", "--plugin", "nobody"]);
    r.ok();
    assert!(
        r.stdout.starts_with("no audit entries match"),
        "{}",
        r.stdout
    );
}

#[test]
fn bad_filters_are_usage_errors() {
    let env = Env::new();
    let r = env.run(&["audit", "show", "--since", "last tuesday"]);
    assert_eq!(r.code, 2);
    for form in ["RFC 3339", "2026-11-25", "10m"] {
        assert!(r.stderr.contains(form), "{}", r.stderr);
    }
    let r = env.run(&["audit", "show", "--since", "2026-02-30"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("day 30 does not exist"), "{}", r.stderr);
    let r = env.run(&["audit", "show", "--actor", "hostile"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("plugin:hostile"), "{}", r.stderr);
    assert_eq!(
        env.run(&["audit", "show", "--plugin", "a", "--actor", "user:b"])
            .code,
        2
    );
}

#[test]
fn verify_reports_an_intact_chain_with_its_head() {
    let env = Env::new();
    let entries = fill(&env);
    let r = env.run(&["audit", "verify"]);
    r.ok();
    let head = &entries[3].hash;
    assert!(
        r.stdout.starts_with(&format!(
            "audit trail intact: 4 entries, head {}",
            &head[..16]
        )),
        "{}",
        r.stdout
    );
    let j = env.run(&["audit", "verify", "--json"]).ok().json();
    assert_eq!(j["intact"], true);
    assert_eq!(j["entries"], 4);
    assert_eq!(j["head"], head.as_str());
}

#[test]
fn verify_names_an_edited_entry() {
    let env = Env::new();
    fill(&env);
    tamper(&env, "UPDATE audit SET decision = 'allow' WHERE seq = 2;");
    let r = env.run(&["audit", "verify"]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("entry 2: entry 2 was edited"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("audit trail BROKEN"), "{}", r.stdout);
    let j = env.run(&["audit", "verify", "--json"]).json();
    assert_eq!(j["intact"], false);
    assert_eq!(j["problems"][0]["seq"], 2);
}

#[test]
fn verify_names_a_deleted_entry() {
    let env = Env::new();
    fill(&env);
    tamper(&env, "DELETE FROM audit WHERE seq = 2;");
    let r = env.run(&["audit", "verify"]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("entry 3: entries 2..2 are missing"),
        "{}",
        r.stdout
    );
    // The remaining entries still show.
    let j = env.run(&["audit", "show", "--json"]).ok().json();
    assert_eq!(j.as_array().unwrap().len(), 3);
}
