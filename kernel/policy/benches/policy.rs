//! Policy decision latency with the shipped default policy set.
//!
//! Run: `cargo bench -p ralex-policy --bench policy`

use criterion::{Criterion, criterion_group, criterion_main};
use ralex_policy::{Action, Policy, Principal, Resource, Trust};
use std::hint::black_box;

fn decisions(c: &mut Criterion) {
    let policy = Policy::defaults().expect("defaults load");
    let plugin = Principal::plugin(
        "code-analyzer",
        "ralex",
        Trust::FirstParty,
        "code-analyzer",
        "0000",
        &[],
    );
    let read = Resource::Path("inventory/config.py".to_string());
    let secret = Resource::Path("deploy/.env.production".to_string());
    let program = Resource::Program {
        name: "cargo".to_string(),
        args: vec!["test".to_string()],
    };
    let mut group = c.benchmark_group("policy");
    group.bench_function("decide/read_allowed", |b| {
        b.iter(|| {
            policy.decide(
                black_box(&plugin),
                Action::WorkspaceRead,
                black_box(&read),
                false,
            )
        })
    });
    group.bench_function("decide/read_secret_denied", |b| {
        b.iter(|| {
            policy.decide(
                black_box(&plugin),
                Action::WorkspaceRead,
                black_box(&secret),
                false,
            )
        })
    });
    group.bench_function("decide/exec_allowed", |b| {
        b.iter(|| {
            policy.decide(
                black_box(&plugin),
                Action::ExecRun,
                black_box(&program),
                false,
            )
        })
    });
    // What a decision costs on a fresh stack segment, as on a wasmtime fiber
    // (where `Policy::decide` has to grow one for Cedar's stack check).
    group.bench_function("decide/read_allowed_on_grown_stack", |b| {
        b.iter(|| {
            stacker::grow(1024 * 1024, || {
                policy.decide(
                    black_box(&plugin),
                    Action::WorkspaceRead,
                    black_box(&read),
                    false,
                )
            })
        })
    });
    group.bench_function("load_defaults", |b| {
        b.iter(|| Policy::defaults().expect("defaults load"))
    });
    group.finish();
}

criterion_group!(benches, decisions);
criterion_main!(benches);
