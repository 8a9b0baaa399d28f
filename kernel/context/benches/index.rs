//! Index and resolver benchmarks on a real ≥ 100k-line Rust tree: the
//! `wasmtime` crate's sources from the cargo registry, copied to a temp dir.
//!
//! Run: `cargo bench -p ralex-context --bench index`
//! (set `RALEX_BENCH_TREE` to index another tree instead).
//! Targets (issue 7): full index ≤ 2 s, one changed file ≤ 50 ms.

use std::time::{Duration, Instant};

#[path = "support/tree.rs"]
mod tree;

use criterion::{Criterion, criterion_group, criterion_main};
use ralex_context::index::Index;
use ralex_context::resolve::{Request, resolve};

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("tree");
    let (files, lines) = tree::copy_tree(&tree::source_tree(), &root);
    let index = Index::build(&root).expect("index");
    let symbols = index.definitions().count();
    let refs: usize = index.files().map(|(_, e)| e.references.len()).sum();
    eprintln!(
        "bench tree: {files} Rust files, {lines} lines, {symbols} definitions, {refs} references"
    );

    let mut group = c.benchmark_group("index");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("full", |b| b.iter(|| Index::build(&root).expect("index")));
    group.finish();

    let changed = "src/engine.rs";
    let path = root.join(changed);
    let original = std::fs::read_to_string(&path).expect("read");
    let mut index = Index::build(&root).expect("index");
    let mut flip = false;
    let edit = |flip: &mut bool| {
        *flip = !*flip;
        let text = if *flip {
            format!("{original}\npub fn bench_added() {{}}\n")
        } else {
            original.clone()
        };
        std::fs::write(&path, text).expect("write");
    };
    c.bench_function("index/update_file one changed file", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                edit(&mut flip);
                let t = Instant::now();
                let stats = index.update_file(changed).expect("update");
                total += t.elapsed();
                assert_eq!(stats.changed.len(), 1);
            }
            total
        })
    });
    let mut group = c.benchmark_group("index");
    group.sample_size(20);
    group.bench_function("update (walk + one changed file)", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                edit(&mut flip);
                let t = Instant::now();
                let stats = index.update().expect("update");
                total += t.elapsed();
                assert_eq!(stats.changed.len(), 1);
            }
            total
        })
    });
    group.finish();

    // A restart: the index loaded from its SQLite file (what the kernel keeps
    // in `$RALEX_HOME/cache/index/`), then brought up to date with the disk.
    let db = dir.path().join("index.sqlite");
    {
        let conn = rusqlite::Connection::open(&db).expect("open");
        ralex_context::store::save(&conn, &index).expect("save");
    }
    let mut group = c.benchmark_group("index");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("restart (load from SQLite + update)", |b| {
        b.iter(|| {
            let conn = rusqlite::Connection::open(&db).expect("open");
            let mut loaded = ralex_context::store::load(&conn, &root).expect("load");
            let stats = loaded.update().expect("update");
            assert!(stats.added.is_empty());
            loaded
        })
    });
    group.finish();

    for phrase in ["engine config", "store context mut", "instance pre dot rs"] {
        c.bench_function(&format!("resolve/{phrase}"), |b| {
            b.iter(|| {
                resolve(
                    &index,
                    &Request {
                        phrase,
                        ..Default::default()
                    },
                )
            })
        });
    }
}

criterion_group!(index_benches, benches);
criterion_main!(index_benches);
