//! Index and resolver benchmarks on a real ≥ 100k-line Rust tree: the
//! `wasmtime` crate's sources from the cargo registry, copied to a temp dir.
//!
//! Run: `cargo bench -p ralex-context --bench index`
//! (set `RALEX_BENCH_TREE` to index another tree instead).
//! Targets (issue 7): full index ≤ 2 s, one changed file ≤ 50 ms.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use ralex_context::index::Index;
use ralex_context::resolve::{Request, resolve};

fn source_tree() -> PathBuf {
    if let Ok(p) = std::env::var("RALEX_BENCH_TREE") {
        return PathBuf::from(p);
    }
    let home = std::env::var("HOME").expect("HOME is set");
    let registry = Path::new(&home).join(".cargo/registry/src");
    for entry in std::fs::read_dir(&registry).expect("cargo registry sources") {
        let candidate = entry
            .expect("registry entry")
            .path()
            .join("wasmtime-48.0.8");
        if candidate.is_dir() {
            return candidate;
        }
    }
    panic!(
        "wasmtime-48.0.8 not in {}; set RALEX_BENCH_TREE",
        registry.display()
    );
}

fn copy_tree(from: &Path, to: &Path) -> (usize, usize) {
    let (mut files, mut lines) = (0, 0);
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if entry.file_type().expect("file type").is_dir() {
            let (f, l) = copy_tree(&src, &dst);
            files += f;
            lines += l;
        } else {
            std::fs::copy(&src, &dst).expect("copy");
            if src.extension().is_some_and(|e| e == "rs") {
                files += 1;
                lines += std::fs::read_to_string(&src)
                    .map(|t| t.lines().count())
                    .unwrap_or(0);
            }
        }
    }
    (files, lines)
}

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("tree");
    let (files, lines) = copy_tree(&source_tree(), &root);
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
