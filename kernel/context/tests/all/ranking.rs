//! Ranking on the fixture projects: personalised PageRank lifts what the
//! seeds use and what uses them above unrelated files, never across
//! languages; definitions follow; the graph is cached until the index changes.

use std::sync::Arc;

use ralex_context::index::Index;
use ralex_context::rank::{Ranking, rank};

use crate::fixtures::{chunk, files, fixture, run, symbol};
use ralex_context::chunk::Role;

/// Every file in `above` ranks higher than every file in `below`.
fn assert_above(r: &Ranking, above: &[&str], below: &[&str]) {
    for a in above {
        for b in below {
            assert!(
                r.file_rank(a) > r.file_rank(b),
                "{a} ({}) should rank above {b} ({}); ranking: {:#?}",
                r.file_rank(a),
                r.file_rank(b),
                r.files()
            );
        }
    }
}

#[test]
fn python_callers_of_the_seed_rank_above_unrelated_files() {
    let index = Index::build(fixture("inventory")).expect("index");
    let r = rank(&index, &files(&["inventory/pricing.py"]));
    assert_eq!(r.files()[0].path, "inventory/pricing.py");
    assert!(r.iterations() <= 50);
    assert!(r.last_change() < 1e-3, "{}", r.last_change());
    let sum: f64 = r.files().iter().map(|f| f.rank).sum();
    assert!((sum - 1.0).abs() < 1e-9, "ranks sum to {sum}");
    assert_above(
        &r,
        &["tests/test_pricing.py", "inventory/api.py"],
        &[
            "inventory/config.py",
            "inventory/parse_config.py",
            "scripts/config.py",
            "inventory/__init__.py",
        ],
    );
    // The seed's definitions first; then its callers' enclosing definitions.
    let defs: Vec<&str> = r.definitions().iter().map(|d| d.name.as_str()).collect();
    assert_eq!(&defs[..2], ["price_with_tax", "discount"]);
    let pos = |name: &str| defs.iter().position(|d| *d == name).expect(name);
    assert!(pos("total") < pos("StockItem"), "{defs:?}");
    assert!(pos("total") < pos("add_to_cart"), "{defs:?}");
}

#[test]
fn an_isolated_seed_ranks_first_and_the_rest_keep_the_global_order() {
    // parse_config.py uses only the standard library and nothing in the
    // project calls it: it has no edges. The seed takes most of the rank; the
    // others are ordered by the small uniform share (what is used most first).
    let index = Index::build(fixture("inventory")).expect("index");
    let r = rank(&index, &files(&["inventory/parse_config.py"]));
    assert_eq!(r.files()[0].path, "inventory/parse_config.py");
    assert!(r.files()[0].rank > 0.5);
    assert_above(&r, &["inventory/pricing.py"], &["inventory/config.py"]);
    // The repository map still has something to show.
    let s = run("inventory", &files(&["inventory/parse_config.py"]), 400);
    assert!(
        chunk(&s, Role::RepoMap, "inventory/pricing.py").is_some(),
        "{s:#?}"
    );
}

#[test]
fn typescript_symbol_seed_lifts_its_callers_and_callees_not_go() {
    let index = Index::build(fixture("shop")).expect("index");
    let r = rank(&index, &symbol("src/cart/cart.ts", "addToCart"));
    assert_eq!(r.files()[0].path, "src/cart/cart.ts");
    let go = [
        "services/warehouse/main.go",
        "services/warehouse/stock.go",
        "services/warehouse/sku_lookup.go",
        "services/warehouse/config.go",
        "services/warehouse/api/handlers.go",
    ];
    let unrelated = [&go[..], &["src/config.ts", "scripts/seed.js"]].concat();
    // routes.ts calls addToCart; stockItem.ts defines a type it uses.
    assert_above(
        &r,
        &["src/api/routes.ts", "src/inventory/stockItem.ts"],
        &unrelated,
    );
    // The caller's enclosing definition outranks the rest of its file.
    let defs: Vec<&str> = r
        .definitions()
        .iter()
        .filter(|d| d.path == "src/api/routes.ts")
        .map(|d| d.name.as_str())
        .collect();
    assert_eq!(defs[0], "handleAddToCart", "{defs:?}");
}

#[test]
fn go_file_seed_lifts_its_package_not_typescript() {
    let index = Index::build(fixture("shop")).expect("index");
    let r = rank(&index, &files(&["services/warehouse/stock.go"]));
    let ts: Vec<&str> = r
        .files()
        .iter()
        .map(|f| f.path.as_str())
        .filter(|p| p.ends_with(".ts") || p.ends_with(".tsx") || p.ends_with(".js"))
        .collect();
    // sku_lookup.go defines what stock.go uses; main.go calls NewWarehouse.
    assert_above(
        &r,
        &[
            "services/warehouse/sku_lookup.go",
            "services/warehouse/main.go",
        ],
        &ts,
    );
}

#[test]
fn the_graph_is_cached_until_the_index_changes() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("a.py"), "def one():\n    return two()\n").expect("write");
    std::fs::write(dir.path().join("b.py"), "def two():\n    return 2\n").expect("write");
    let mut index = Index::build(dir.path()).expect("index");
    let g = index.graph();
    assert!(Arc::ptr_eq(&g, &index.graph()));
    assert_eq!(g.edges().len(), 1);
    index.update().expect("update");
    assert!(
        Arc::ptr_eq(&g, &index.graph()),
        "nothing changed, same graph"
    );
    std::fs::write(dir.path().join("b.py"), "def three():\n    return 3\n").expect("write");
    index.update_file("b.py").expect("update");
    let g2 = index.graph();
    assert!(!Arc::ptr_eq(&g, &g2));
    assert_eq!(g2.edges().len(), 0);
}
