//! Tests of the whole pipeline over an in-memory project.

mod fake;

use crate::enhance::enhance;
use crate::notes::Failure;
use crate::request::{Enhanced, Kind, Request, Target};

use fake::Fake;

fn request(kind: Kind, command: &str, paths: &[&str], budget: u32) -> Request {
    Request {
        kind,
        targets: paths
            .iter()
            .map(|p| Target {
                path: Some(p.to_string()),
                symbol: None,
            })
            .collect(),
        command: command.to_string(),
        context_sources: vec![],
        budget_tokens: budget,
    }
}

fn sources(enhanced: &Enhanced) -> Vec<&str> {
    enhanced.added.iter().map(|i| i.source.as_str()).collect()
}

const DECISIONS: &str = "# Decisions\n\n\
## Prices are Decimal\nMoney uses Decimal, never float.\n\n\
## Logging\nUse structlog for logging.\n\n\
## Prices round half-even\nRound prices half-even at the end.\n";

fn project() -> Fake {
    Fake::default()
        .with(".ralex/standards/python.md", "# Python\nUse type hints.\n")
        .with(".ralex/standards/rust.md", "# Rust\nNo unwrap.\n")
        .with(".ralex/standards/style.md", "# Style\nShort functions.\n")
        .with(".ralex/standards/general.md", "# General\nBe kind.\n")
        .with(
            ".ralex/standards/testing.md",
            "# Testing\nEvery fix gets a test.\n",
        )
        .with(".ralex/standards/notes.txt", "not markdown")
        .with(".ralex/decisions.md", DECISIONS)
        .with(
            ".ralex/patterns.md",
            "- Prefers small commits\n- Writes price tests first\n",
        )
}

#[test]
fn language_standards_first_then_general_then_relevant_sections() {
    let r = request(
        Kind::Fix,
        "fix the rounding of prices",
        &["inventory/pricing.py"],
        10_000,
    );
    let out = enhance(&r, &project(), "inventory");
    assert_eq!(
        sources(&out),
        [
            ".ralex/standards/python.md",
            ".ralex/standards/general.md",
            ".ralex/standards/style.md",
            ".ralex/standards/testing.md",
            ".ralex/decisions.md#prices-round-half-even",
            ".ralex/decisions.md#prices-are-decimal",
            ".ralex/patterns.md#item-2",
        ]
    );
    assert_eq!(out.added[0].content, "# Python\nUse type hints.");
    assert!(out.system.contains("This request (fix)"));
    assert!(
        out.notes
            .contains(&"added .ralex/standards/python.md (6 tokens)".to_string())
    );
    let totals = out.notes.last().unwrap();
    assert!(totals.starts_with("total: 7 notes added ("), "{totals}");
    assert!(totals.ends_with(", 3 not relevant"), "{totals}"); // rust.md, logging, item-1
}

#[test]
fn recent_decisions_win_ties_and_overlap_wins_over_recency() {
    // "prices" matches both price decisions once; the later one comes first.
    let r = request(Kind::Edit, "change prices", &[], 10_000);
    let out = enhance(&r, &project(), "");
    let decisions: Vec<&str> = sources(&out)
        .into_iter()
        .filter(|s| s.contains('#'))
        .collect();
    assert_eq!(
        decisions,
        [
            ".ralex/decisions.md#prices-round-half-even",
            ".ralex/decisions.md#prices-are-decimal",
            ".ralex/patterns.md#item-2",
        ]
    );
    // "decimal money" matches the older decision twice: it wins.
    let r = request(Kind::Edit, "decimal money for prices", &[], 10_000);
    let out = enhance(&r, &project(), "");
    assert!(sources(&out).contains(&".ralex/decisions.md#prices-are-decimal"));
    let first = sources(&out).into_iter().find(|s| s.contains('#')).unwrap();
    assert_eq!(first, ".ralex/decisions.md#prices-are-decimal");
}

#[test]
fn no_known_language_puts_language_standards_last() {
    let r = request(Kind::Chat, "how are prices stored", &[], 10_000);
    let out = enhance(&r, &project(), "");
    let list = sources(&out);
    assert_eq!(
        &list[list.len() - 2..],
        [".ralex/standards/python.md", ".ralex/standards/rust.md"]
    );
    let r = request(Kind::Create, "write a rust tool", &[], 10_000);
    assert_eq!(
        sources(&enhance(&r, &project(), ""))[0],
        ".ralex/standards/rust.md"
    );
}

#[test]
fn budget_cuts_then_leaves_out_with_notes() {
    let long: String = (0..40)
        .map(|i| format!("Rule {i:02}: keep it simple.\n"))
        .collect();
    let files = Fake::default()
        .with(".ralex/standards/python.md", &long) // 1000 chars, 250 tokens
        .with(".ralex/standards/style.md", &"Tabs.\n".repeat(60));
    let r = request(Kind::Edit, "edit", &["a.py"], 100);
    let out = enhance(&r, &files, "");
    assert_eq!(sources(&out), [".ralex/standards/python.md"]);
    assert!(
        out.added[0]
            .content
            .ends_with("\n… (cut to fit the budget)")
    );
    assert!(out.added[0].content.chars().count() <= 400);
    assert!(
        out.notes
            .iter()
            .any(|n| n.starts_with("added .ralex/standards/python.md cut to fit the budget ("))
    );
    assert!(out.notes.contains(
        &"left out .ralex/standards/style.md for the budget (90 tokens, 0 left)".to_string()
    ));
    assert!(
        out.notes
            .last()
            .unwrap()
            .contains("1 left out for the budget")
    );

    // Under a quarter of python.md fits: left out; a third of style.md does: cut.
    let out = enhance(&request(Kind::Edit, "edit", &["a.py"], 40), &files, "");
    assert_eq!(sources(&out), [".ralex/standards/style.md"]);
    assert!(out.notes.contains(
        &"left out .ralex/standards/python.md for the budget (250 tokens, 40 left)".to_string()
    ));
}

#[test]
fn unreadable_files_are_skipped_with_a_note() {
    let files = project()
        .failing(".ralex/standards/python.md", Failure::Denied)
        .failing(".ralex/decisions.md", Failure::NotText)
        .with(
            ".ralex/patterns.md",
            &"x".repeat(crate::notes::MAX_NOTE_BYTES + 1),
        );
    let r = request(Kind::Fix, "fix prices", &["pricing.py"], 10_000);
    let out = enhance(&r, &files, "");
    assert!(
        out.notes
            .contains(&"skipped .ralex/standards/python.md: access denied".to_string())
    );
    assert!(
        out.notes
            .contains(&"skipped .ralex/decisions.md: not UTF-8 text".to_string())
    );
    assert!(
        out.notes
            .contains(&"skipped .ralex/patterns.md: too large".to_string())
    );
    assert_eq!(sources(&out)[0], ".ralex/standards/general.md");
    let listing =
        Fake::default().failing(".ralex/standards/x.md", Failure::Other("boom\nmore".into()));
    let out = enhance(&r, &listing, "");
    assert!(
        out.notes
            .contains(&"skipped .ralex/standards/x.md: boom".to_string())
    );
}

#[test]
fn items_already_in_context_are_not_added_again() {
    let mut r = request(Kind::Fix, "fix prices", &["pricing.py"], 10_000);
    r.context_sources = vec![
        ".ralex/standards/python.md".into(),
        ".ralex/decisions.md#prices-are-decimal".into(),
        ".ralex/patterns.md".into(),
    ];
    let out = enhance(&r, &project(), "");
    let list = sources(&out);
    assert!(
        !list
            .iter()
            .any(|s| r.context_sources.iter().any(|c| c == s))
    );
    assert!(!list.iter().any(|s| s.starts_with(".ralex/patterns.md")));
    assert!(list.contains(&".ralex/decisions.md#prices-round-half-even"));
    assert!(out.notes.contains(
        &"already in context, not added again: .ralex/patterns.md, .ralex/standards/python.md, \
          .ralex/decisions.md#prices-are-decimal"
            .to_string()
    ));
}

#[test]
fn same_input_gives_the_same_output() {
    let r = request(
        Kind::Docs,
        "document parse_config in config.rs",
        &["src/config.rs"],
        30,
    );
    let first = enhance(&r, &project(), "p");
    for _ in 0..5 {
        assert_eq!(enhance(&r, &project(), "p"), first);
    }
}

#[test]
fn an_empty_project_gets_the_system_prompt_and_says_so() {
    let r = request(
        Kind::Docs,
        "document parse_config",
        &["src/config.py"],
        1000,
    );
    let out = enhance(&r, &Fake::default(), "");
    assert!(out.added.is_empty());
    assert!(out.system.contains("document only the named symbol"));
    assert_eq!(
        out.notes,
        [
            "no standards found in .ralex/standards/",
            "total: 0 notes added (0 of 1000 tokens)"
        ]
    );
}
