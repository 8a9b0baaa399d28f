//! Ranked-context benchmarks on the same ≥ 100k-line Rust tree as the index
//! bench (wasmtime's sources, see `support/tree.rs`).
//!
//! Run: `cargo bench -p ralex-context --bench context`
//! Target (issue 7): selection with 2 seeds and a 6000-token budget ≤ 20 ms,
//! file reads from disk included.

use std::time::Duration;

#[path = "support/tree.rs"]
mod tree;

use criterion::{Criterion, criterion_group, criterion_main};
use ralex_context::graph::Graph;
use ralex_context::index::Index;
use ralex_context::rank::rank_with;
use ralex_context::repo_map::repo_map;
use ralex_context::select::{Seeds, SymbolSeed, select, select_with};

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("tree");
    let (files, lines) = tree::copy_tree(&tree::source_tree(), &root);
    let index = Index::build(&root).expect("index");
    let graph = Graph::build(&index);
    eprintln!(
        "bench tree: {files} Rust files, {lines} lines; graph: {} files, {} edges",
        graph.files().len(),
        graph.edges().len()
    );
    let seeds = Seeds {
        files: vec!["src/engine.rs".to_string()],
        symbols: vec![SymbolSeed {
            path: "src/config.rs".to_string(),
            name: "Config".to_string(),
        }],
        recent: Vec::new(),
    };
    let read = |path: &str| std::fs::read_to_string(root.join(path)).ok();
    let selection = select(&index, &seeds, 6000, &mut { read });
    eprintln!(
        "selection: {} chunks, {} of {} tokens, ranking in {} rounds",
        selection.items.len(),
        selection.tokens,
        selection.budget,
        rank_with(&graph, &index, &seeds).iterations()
    );
    for line in &selection.explain {
        eprintln!("  {line}");
    }

    let mut group = c.benchmark_group("context");
    group.sample_size(30);
    group.measurement_time(Duration::from_secs(10));
    // `select` uses the index's cached graph (built above by the first call).
    group.bench_function("select 2 seeds 6000 tokens", |b| {
        b.iter(|| select(&index, &seeds, 6000, &mut { read }))
    });
    // The first selection after the index changed: the graph is built too.
    group.bench_function("select 2 seeds 6000 tokens, graph rebuilt", |b| {
        b.iter(|| select_with(&Graph::build(&index), &index, &seeds, 6000, &mut { read }))
    });
    group.bench_function("graph build", |b| b.iter(|| Graph::build(&index)));
    group.bench_function("rank (cached graph)", |b| {
        b.iter(|| rank_with(&graph, &index, &seeds))
    });
    group.bench_function("repo_map no seeds 6000 tokens", |b| {
        b.iter(|| repo_map(&index, &Seeds::default(), 6000, &mut { read }))
    });
    group.finish();
}

criterion_group!(context_benches, benches);
criterion_main!(context_benches);
