//! Benchmark of a dry-run command through the whole pipeline (issue: orchestrator):
//! `Orchestrator::handle` — opening the project, the command-parser plugin (a fresh
//! sandboxed call), the target resolver over the sample project, the confirmation
//! digest, `command:run` decided for the user and audited (a synchronous commit to a
//! file-backed SQLite store), progress events and the answer — everything `ralex
//! run --dry-run` and `POST /v4/voice-command` with `dry_run` do besides the process
//! start or the HTTP layer. Target: ≤ 1 ms median, ≤ 5 ms p99.
//!
//! Run with `cargo bench -p ralex-orchestrator --bench pipeline` after
//! `cargo xtask plugins`. Criterion reports the median; a separate pass of 2,000
//! timed runs prints the median and the 99th percentile.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use ralex_host::{Host, HostConfig};
use ralex_orchestrator::{CommandRequest, Confirm, Orchestrator, Roles, Settings, Status, Who};
use ralex_policy::{Principal, Scope};
use ralex_store::Store;

const COMMAND: &str = "add a docstring to parse config dot py";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}

fn pipeline(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(&dir.path().join("ralex.db")).unwrap());
    let host = Host::new(
        HostConfig::new(dir.path().join("cache")),
        Arc::clone(&store),
    )
    .unwrap();
    let manifest = target_dir().join("plugins/command-parser/plugin.toml");
    assert!(
        manifest.is_file(),
        "{} missing: run `cargo xtask plugins` first",
        manifest.display()
    );
    let parser = host.load(&manifest).unwrap();
    let orchestrator = Orchestrator::new(
        Arc::new(host),
        Arc::clone(&store),
        Roles {
            parser: Ok(Arc::new(parser)),
            enhancer: Err("not used by a dry run".into()),
            agent: Err("not used by a dry run".into()),
            router: None,
            compressor: Err("not used by a dry run".into()),
        },
        None,
        Settings::default(),
    )
    .with_events(Arc::new(|event| {
        std::hint::black_box(event);
    }));
    let request = CommandRequest {
        transcript: COMMAND.into(),
        project: root().join("tests/fixtures/inventory"),
        session_id: "bench".into(),
        dry_run: true,
        confirm: Confirm::No,
        who: Who {
            principal: Principal::user("cli", Scope::Admin, &[]),
            actor: "user:cli".into(),
            label: "user `cli`".into(),
        },
    };
    let once = || async {
        let answer = orchestrator.handle(&request).await.unwrap();
        assert_eq!(answer.status, Status::Completed);
        assert_eq!(
            answer.intent["targets"][0]["path"].as_str(),
            Some("inventory/parse_config.py")
        );
    };

    // Percentiles from individually timed runs (after a warm-up).
    rt.block_on(async {
        for _ in 0..200 {
            once().await;
        }
        let mut samples: Vec<Duration> = Vec::with_capacity(2000);
        for _ in 0..2000 {
            let start = Instant::now();
            once().await;
            samples.push(start.elapsed());
        }
        samples.sort();
        let at = |q: f64| samples[((samples.len() as f64 * q) as usize).min(samples.len() - 1)];
        println!(
            "dry_run_pipeline percentiles over {} runs: p50 {:.1} µs, p90 {:.1} µs, p99 {:.1} µs, max {:.1} µs",
            samples.len(),
            at(0.50).as_secs_f64() * 1e6,
            at(0.90).as_secs_f64() * 1e6,
            at(0.99).as_secs_f64() * 1e6,
            samples[samples.len() - 1].as_secs_f64() * 1e6,
        );
    });

    c.bench_function("dry_run_pipeline", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    once().await;
                }
                start.elapsed()
            })
        })
    });
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
