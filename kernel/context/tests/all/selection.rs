//! Selection within a budget on the fixture projects: the right callers
//! and callees, the budget never exceeded, refused reads skipped and
//! explained, determinism, big targets, and the repository map.

use ralex_context::chunk::{Role, tokens};
use ralex_context::index::Index;
use ralex_context::rank::rank;
use ralex_context::repo_map::repo_map;
use ralex_context::select::{Seeds, SymbolSeed, select};

use crate::fixtures::{chunk, files, fixture, run, symbol};

#[test]
fn callers_and_callees_are_the_right_chunks() {
    let s = run("shop", &symbol("src/cart/cart.ts", "addToCart"), 2000);
    let target = chunk(&s, Role::Target, "src/cart/cart.ts").expect("target");
    assert_eq!(target.lines, Some((21, 24)));
    assert!(
        target
            .text
            .starts_with("src/cart/cart.ts:21-24\nexport function addToCart(")
    );
    let caller = chunk(&s, Role::Caller, "src/api/routes.ts").expect("caller");
    assert!(
        caller.text.contains("export function handleAddToCart("),
        "{}",
        caller.text
    );
    assert!(
        caller
            .text
            .contains("addToCart(store.loadCart(sessionId), item)")
    );
    // The import line is not a call.
    assert!(
        !caller.text.contains("import { addToCart }"),
        "{}",
        caller.text
    );
    let callees: Vec<(&str, Option<(u32, u32)>)> = s
        .items
        .iter()
        .filter(|c| c.role == Role::Callee)
        .map(|c| (c.path.as_str(), c.lines))
        .collect();
    assert!(
        callees.contains(&("src/cart/cart.ts", Some((9, 19)))),
        "{callees:?}"
    );
    assert!(
        callees.contains(&("src/inventory/stockItem.ts", Some((1, 6)))),
        "{callees:?}"
    );
    // No relation crosses languages (the Go warehouse has its own StockItem).
    let related = s
        .items
        .iter()
        .filter(|c| matches!(c.role, Role::Caller | Role::Callee));
    assert!(
        related.clone().all(|c| !c.path.ends_with(".go")),
        "{:#?}",
        s.items
    );

    // Python: the callee of Cart.total, and the callers of price_with_tax.
    let s = run("inventory", &symbol("inventory/api.py", "total"), 2000);
    let callee = chunk(&s, Role::Callee, "inventory/pricing.py").expect("callee");
    assert_eq!(callee.lines, Some((1, 2)));
    assert!(callee.why.contains("price_with_tax"), "{}", callee.why);
    let s = run(
        "inventory",
        &symbol("inventory/pricing.py", "price_with_tax"),
        2000,
    );
    let callers: Vec<(&str, Option<(u32, u32)>)> = s
        .items
        .iter()
        .filter(|c| c.role == Role::Caller)
        .map(|c| (c.path.as_str(), c.lines))
        .collect();
    assert!(
        callers.contains(&("inventory/api.py", Some((18, 19)))),
        "{callers:?}"
    );
    assert!(
        callers.contains(&("tests/test_pricing.py", Some((4, 5)))),
        "{callers:?}"
    );
    assert!(
        callers.iter().all(|c| c.1 != Some((1, 3))),
        "import shown: {callers:?}"
    );
}

#[test]
fn the_budget_is_never_exceeded() {
    let budgets = [
        0, 1, 3, 10, 50, 51, 64, 73, 100, 128, 150, 200, 256, 333, 500, 640, 777, 1000, 1500, 2000,
        3000, 5000, 8000, 12000, 20000,
    ];
    let cases = [
        ("inventory", files(&["inventory/pricing.py"])),
        ("inventory", symbol("inventory/api.py", "Cart")),
        ("inventory", Seeds::default()),
        ("shop", symbol("src/cart/cart.ts", "addToCart")),
        (
            "shop",
            Seeds {
                files: vec![
                    "services/warehouse/stock.go".into(),
                    "src/api/routes.ts".into(),
                ],
                symbols: vec![SymbolSeed {
                    path: "src/checkout/checkout.ts".into(),
                    name: "checkout".into(),
                }],
                recent: vec!["src/config.ts".into()],
            },
        ),
    ];
    for (project, seeds) in &cases {
        let root = fixture(project);
        let index = Index::build(&root).expect("index");
        for &budget in &budgets {
            let mut read = |p: &str| std::fs::read_to_string(root.join(p)).ok();
            let s = select(&index, seeds, budget, &mut read);
            let sum: usize = s.items.iter().map(|c| c.tokens).sum();
            assert!(
                s.tokens <= budget,
                "{project} {budget}: {} tokens",
                s.tokens
            );
            assert_eq!(s.tokens, sum);
            assert_eq!(s.budget, budget);
            assert!(
                tokens(&s.render()) <= budget,
                "{project} {budget}: rendered over"
            );
            for c in &s.items {
                assert_eq!(c.tokens, tokens(&c.text));
                assert!(c.text.ends_with('\n'));
            }
            let map = repo_map(&index, seeds, budget, &mut read);
            assert!(tokens(&map) <= budget, "{project} {budget}: map over");
        }
    }
}

#[test]
fn a_refused_read_is_skipped_and_explained() {
    let root = fixture("inventory");
    let index = Index::build(&root).expect("index");
    let seeds = Seeds {
        files: vec!["inventory/pricing.py".into(), "inventory/config.py".into()],
        ..Seeds::default()
    };
    let mut read = |p: &str| {
        if p == "inventory/api.py" || p == "inventory/config.py" {
            None
        } else {
            std::fs::read_to_string(root.join(p)).ok()
        }
    };
    let s = select(&index, &seeds, 4000, &mut read);
    assert!(
        s.items.iter().all(|c| c.path != "inventory/api.py"),
        "{:#?}",
        s.items
    );
    assert!(s.items.iter().all(|c| c.path != "inventory/config.py"));
    assert!(chunk(&s, Role::Target, "inventory/pricing.py").is_some());
    assert!(chunk(&s, Role::Caller, "tests/test_pricing.py").is_some());
    for path in ["inventory/api.py", "inventory/config.py"] {
        let line = format!("skipped {path}: read refused or failed");
        assert!(s.explain.contains(&line), "{:#?}", s.explain);
    }
    // The map alone never shows a refused file, not even its names.
    let map = repo_map(&index, &Seeds::default(), 4000, &mut read);
    assert!(
        !map.contains("api.py") && !map.contains("StockItem"),
        "{map}"
    );
}

#[test]
fn selection_is_deterministic() {
    let seeds = Seeds {
        files: vec!["src/cart/cart.ts".into()],
        symbols: vec![SymbolSeed {
            path: "services/warehouse/stock.go".into(),
            name: "Reserve".into(),
        }],
        recent: vec!["src/config.ts".into()],
    };
    for budget in [120, 700, 3000] {
        let first = run("shop", &seeds, budget);
        for _ in 0..3 {
            assert_eq!(run("shop", &seeds, budget), first);
        }
    }
    let index = Index::build(fixture("shop")).expect("index");
    let a = rank(&index, &seeds);
    let b = rank(&Index::build(fixture("shop")).expect("index"), &seeds);
    assert_eq!(a.files(), b.files());
    assert_eq!(a.definitions(), b.definitions());
}

#[test]
fn every_decision_is_explained() {
    let s = run("shop", &symbol("src/cart/cart.ts", "addToCart"), 300);
    for c in &s.items {
        let head = format!("{} {}", c.role.name(), c.path);
        assert!(
            s.explain.iter().any(|l| l.starts_with(&head)),
            "{head} not in {:#?}",
            s.explain
        );
    }
    assert!(
        s.explain.iter().any(|l| l.starts_with("repo map: ")),
        "{:#?}",
        s.explain
    );
    assert!(
        s.explain.iter().any(|l| l.contains("left out for budget")),
        "{:#?}",
        s.explain
    );
    let s = run("shop", &symbol("src/cart/cart.ts", "noSuchThing"), 300);
    assert!(
        s.explain
            .contains(&"target symbol noSuchThing not found in src/cart/cart.ts".to_string()),
        "{:#?}",
        s.explain
    );
}

#[test]
fn big_targets_fall_back_to_symbols_then_to_a_cut() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text = String::from("def small():\n    return 1\n\n");
    for i in 0..200 {
        text.push_str(&format!("def filler_{i}(x):\n    return x + {i}\n\n"));
    }
    std::fs::write(dir.path().join("big.py"), &text).expect("write");
    let index = Index::build(dir.path()).expect("index");
    let mut read = |p: &str| std::fs::read_to_string(dir.path().join(p)).ok();

    // The whole file does not fit: the targeted symbol's body instead.
    let seeds = Seeds {
        files: vec!["big.py".into()],
        symbols: vec![SymbolSeed {
            path: "big.py".into(),
            name: "small".into(),
        }],
        ..Seeds::default()
    };
    let s = select(&index, &seeds, 500, &mut read);
    let t = chunk(&s, Role::Target, "big.py").expect("target");
    assert_eq!(
        (t.lines, t.text.as_str()),
        (Some((1, 2)), "big.py:1-2\ndef small():\n    return 1\n")
    );
    assert!(
        s.explain
            .iter()
            .any(|l| l.contains("too big to include whole")),
        "{:#?}",
        s.explain
    );

    // No symbols targeted: the file cut at a line boundary, with a marker.
    let s = select(&index, &files(&["big.py"]), 500, &mut read);
    let t = chunk(&s, Role::Target, "big.py").expect("target");
    let (first, last) = t.lines.expect("a span");
    assert_eq!(first, 1);
    assert!(
        t.text
            .ends_with(&format!("… lines {}-{} cut for budget\n", last + 1, 603)),
        "{}",
        t.text
    );
    assert!(t.tokens <= 300, "within the target share: {}", t.tokens);

    // With a big budget, the whole file.
    let s = select(&index, &files(&["big.py"]), 20_000, &mut read);
    let t = chunk(&s, Role::Target, "big.py").expect("target");
    assert_eq!(t.lines, None);
    assert_eq!(t.text, format!("big.py\n{text}"));
}

#[test]
fn repo_map_lists_signatures_of_the_best_files() {
    let root = fixture("shop");
    let index = Index::build(&root).expect("index");
    let mut read = |p: &str| std::fs::read_to_string(root.join(p)).ok();
    let map = repo_map(&index, &Seeds::default(), 10_000, &mut read);
    assert!(map.contains("src/cart/cart.ts:\n"), "{map}");
    assert!(map.contains(
        "  export function addToCart(cart: Cart, item: StockItem, quantity = 1): Cart {\n"
    ));
    // Members are indented under their container.
    assert!(
        map.contains("\n    loadCart(sessionId: string): Cart {\n"),
        "{map}"
    );
    let small = repo_map(&index, &Seeds::default(), 60, &mut read);
    assert!(tokens(&small) <= 60 && !small.is_empty(), "{small}");
    // Files in rank order: the first listed file is the best ranked one with definitions.
    let r = rank(&index, &Seeds::default());
    assert!(
        map.starts_with(&format!("{}:\n", r.files()[0].path)),
        "{map}"
    );
}
