//! Benchmarks of the component host (issue: kernel foundation).
//!
//! Run with `make bench` or `cargo bench -p ralex-host --bench host` after
//! `cargo xtask plugins`. Figures go to docs/PERFORMANCE.md.
//!
//! * `instantiate_and_call/fresh_store` — a fresh Store + instance + one call of a
//!   small plugin, as every kernel call does (target: ≤ 10 µs median).
//! * `warm_call` — one more call on an existing instance (for comparison).
//! * `parse_command/fresh_store` — the real command parser on a typical sentence.
//! * `load/from_cache` — manifest + digest check + deserialise a cached component.
//! * `load/cold_compile` — the same with an empty cache (Cranelift compile).
//! * `load/all_first_party_warm` — every first-party plugin from the warm cache
//!   (target: ≤ 150 ms).
//! * `audited_read/*` — a plugin call that reads a small project file through
//!   the policy gate, with the audit entry committed (fsynced) to a SQLite file,
//!   against the same call without the read: the difference is the audited read
//!   (target: ≤ 100 µs median).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use ralex_host::calls::analyzer::AnalyzeRequest;
use ralex_host::{CallContext, Host, HostConfig};
use ralex_store::Store;

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"))
}

fn manifest(kind: &str, name: &str) -> PathBuf {
    let path = target_dir().join(kind).join(name).join("plugin.toml");
    assert!(
        path.is_file(),
        "{} missing: run `cargo xtask plugins` first",
        path.display()
    );
    path
}

fn first_party() -> Vec<PathBuf> {
    let dir = target_dir().join("plugins");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}; run `cargo xtask plugins` first", dir.display()))
        .map(|e| e.unwrap().path().join("plugin.toml"))
        .filter(|p| p.is_file())
        .collect();
    found.sort();
    found
}

fn new_host(cache: &Path) -> Host {
    Host::new(
        HostConfig::new(cache),
        Arc::new(Store::open_in_memory().unwrap()),
    )
    .unwrap()
}

fn small_request() -> AnalyzeRequest {
    AnalyzeRequest {
        targets: Vec::new(),
        focus: Some("ok".to_string()),
    }
}

fn calls(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let host = new_host(dir.path());
    let hostile = host.load(&manifest("test-plugins", "hostile")).unwrap();
    let parser = host.load(&manifest("plugins", "command-parser")).unwrap();

    let mut group = c.benchmark_group("instantiate_and_call");
    group.bench_function("fresh_store", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let started = Instant::now();
                for _ in 0..iters {
                    host.analyze(&hostile, CallContext::default(), small_request())
                        .await
                        .unwrap();
                }
                started.elapsed()
            })
        })
    });
    group.finish();

    // One instance serves a chunk of calls; chunks stay well inside the plugin's
    // 1 s timeout.
    c.bench_function("warm_call", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            let mut left = iters;
            while left > 0 {
                let chunk = left.min(20_000);
                total += rt
                    .block_on(host.bench_warm_analyze(&hostile, small_request(), chunk))
                    .unwrap();
                left -= chunk;
            }
            total
        })
    });

    let mut group = c.benchmark_group("parse_command");
    group.bench_function("fresh_store", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let started = Instant::now();
                for _ in 0..iters {
                    host.parse_command(
                        &parser,
                        CallContext::default(),
                        "hey can you please add a docstring to parse config dot py thanks",
                        &[],
                    )
                    .await
                    .unwrap();
                }
                started.elapsed()
            })
        })
    });
    group.finish();
}

fn loads(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let host = new_host(dir.path());
    let hostile = manifest("test-plugins", "hostile");
    host.load(&hostile).unwrap();

    let mut group = c.benchmark_group("load");
    group.bench_function("from_cache", |b| b.iter(|| host.load(&hostile).unwrap()));

    let all = first_party();
    for m in &all {
        host.load(m).unwrap();
    }
    group.bench_function("all_first_party_warm", |b| {
        b.iter(|| {
            for m in &all {
                host.load(m).unwrap();
            }
        })
    });

    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.bench_function("cold_compile", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let cold = tempfile::tempdir().unwrap();
                let h = new_host(cold.path());
                let started = Instant::now();
                h.load(&hostile).unwrap();
                total += started.elapsed();
            }
            total
        })
    });
    group.finish();
}

fn audited_reads(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(project.join("README.md"), "# demo\nA small file.\n").unwrap();
    let files = ralex_policy::merge_files(
        ralex_policy::default_files(),
        vec![ralex_policy::PolicyFile {
            name: "grants/hostile.cedar".into(),
            origin: "grants/hostile.cedar".into(),
            text: "permit (principal == Ralex::Plugin::\"hostile\", action, resource);".into(),
        }],
    );
    let config = HostConfig {
        policy: Arc::new(ralex_policy::Policy::load(&files).unwrap()),
        ..HostConfig::new(dir.path().join("cache"))
    };
    let store = Arc::new(Store::open(&dir.path().join("ralex.db")).unwrap());
    let host = Host::new(config, store).unwrap();
    let hostile = host.load(&manifest("test-plugins", "hostile")).unwrap();
    let workspace = Arc::new(
        ralex_caps::Workspace::open(&project, ralex_caps::WorkspaceLimits::default()).unwrap(),
    );
    let context = CallContext {
        workspace: Some(workspace),
        ..CallContext::default()
    };
    let mut group = c.benchmark_group("audited_read");
    for (name, focus) in [
        ("call_with_read", "read:README.md"),
        ("call_without_read", "ok"),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let request = AnalyzeRequest {
                    targets: Vec::new(),
                    focus: Some(focus.to_string()),
                };
                let out = rt
                    .block_on(host.analyze(&hostile, context.clone(), request))
                    .unwrap();
                assert!(
                    !out.value.summary.starts_with("REFUSED"),
                    "{}",
                    out.value.summary
                );
            })
        });
    }
    group.finish();
}

criterion_group!(benches, calls, loads, audited_reads);
criterion_main!(benches);
