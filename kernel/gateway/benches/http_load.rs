//! Load generator for the gateway (issue: gateway): dry-run voice commands over
//! HTTP/1.1 keep-alive against a real `ralex serve` on loopback, from N concurrent
//! connections, for a fixed time; prints commands/s and latency percentiles, and
//! the server's idle resident memory before the load.
//!
//! Run: `cargo build -p ralex && cargo bench -p ralex-gateway --bench http_load`
//! (after `cargo xtask plugins`). `RALEX_BIN` picks another binary (e.g. a release
//! build), `LOAD_CONCURRENCY` (default 50) and `LOAD_SECONDS` (default 10) the
//! load. Client and server share the machine's cores: on 2 cores the client's own
//! work is part of what is measured.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn binary() -> PathBuf {
    if let Some(bin) = std::env::var_os("RALEX_BIN") {
        return PathBuf::from(bin);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"));
    target.join("debug/ralex")
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let concurrency: usize = std::env::var("LOAD_CONCURRENCY")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let seconds: u64 = std::env::var("LOAD_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let bin = binary();
    assert!(
        bin.is_file(),
        "{} missing: cargo build -p ralex",
        bin.display()
    );
    let home = tempfile::tempdir().expect("tempdir");
    let token_out = Command::new(&bin)
        .env("RALEX_HOME", home.path())
        .args(["token", "create", "--name", "load"])
        .output()
        .expect("token");
    let token = String::from_utf8_lossy(&token_out.stdout)
        .lines()
        .last()
        .expect("token line")
        .to_owned();
    let mut server = Command::new(&bin)
        .env("RALEX_HOME", home.path())
        .env_remove("RALEX_LOG")
        .args(["serve", "--listen", "127.0.0.1:0", "--project"])
        .arg(root().join("tests/fixtures/inventory"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let mut line = String::new();
    BufReader::new(server.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("first line");
    let url = format!(
        "{}/v4/voice-command",
        line.trim().strip_prefix("listening on ").expect("url")
    );
    std::thread::sleep(Duration::from_millis(500));
    let idle_rss = rss_kib(server.id());

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let (count, mut latencies, errors) = rt.block_on(async {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(concurrency)
            .build()
            .expect("client");
        let body = r#"{"command":"add a docstring to parse config dot py","session_id":"load","dry_run":true}"#;
        // Warm-up.
        for _ in 0..200 {
            let _ = client
                .post(&url)
                .bearer_auth(&token)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await;
        }
        let stop = Arc::new(AtomicBool::new(false));
        let mut tasks = Vec::new();
        for _ in 0..concurrency {
            let (client, url, token, stop) =
                (client.clone(), url.clone(), token.clone(), Arc::clone(&stop));
            tasks.push(tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut errors = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let started = Instant::now();
                    let ok = client
                        .post(&url)
                        .bearer_auth(&token)
                        .header("content-type", "application/json")
                        .body(body)
                        .send()
                        .await
                        .map(|r| r.status().is_success())
                        .unwrap_or(false);
                    latencies.push(started.elapsed());
                    if !ok {
                        errors += 1;
                    }
                }
                (latencies, errors)
            }));
        }
        tokio::time::sleep(Duration::from_secs(seconds)).await;
        stop.store(true, Ordering::Relaxed);
        let mut all = Vec::new();
        let mut errors = 0;
        for task in tasks {
            let (l, e) = task.await.expect("task");
            all.extend(l);
            errors += e;
        }
        (all.len(), all, errors)
    });
    let loaded_rss = rss_kib(server.id());
    let _ = server.kill();
    let _ = server.wait();
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    println!(
        "http_load: {concurrency} connections, {seconds} s: {count} dry-run commands, {:.0} commands/s, {errors} errors",
        count as f64 / seconds as f64
    );
    println!(
        "latency p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        at(0.50).as_secs_f64() * 1e3,
        at(0.90).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        latencies[latencies.len() - 1].as_secs_f64() * 1e3
    );
    println!(
        "server RSS: idle {:.1} MiB, after load {:.1} MiB",
        idle_rss as f64 / 1024.0,
        loaded_rss as f64 / 1024.0
    );
}
