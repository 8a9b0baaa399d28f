//! Benchmarks of the kernel's model path (issue: model layer).
//!
//! Run with `make bench` or `cargo bench -p ralex-host --bench model_path` after
//! `cargo xtask plugins`. Figures go to docs/PERFORMANCE.md.
//!
//! Everything runs against the scripted OpenAI-compatible server on loopback, so
//! the provider's own time is the same on both sides of each comparison:
//!
//! * `model_call/raw_http` — a plain HTTP client posts the same chat request and
//!   parses the JSON answer (the baseline: what any client pays).
//! * `model_call/kernel` — `Models::chat` as the `model` capability runs it: the
//!   real `model-router` plugin chooses (a fresh sandboxed call reading its kv),
//!   the policy decides `model:call` and the decision is audited, the budget is
//!   checked and reserved, the request is relayed, and the attempt is written to
//!   the ledger with its audit entry — on a file-backed SQLite store with
//!   `synchronous = FULL`, as in production. Added latency = kernel − raw_http
//!   (target: ≤ 1 ms median).
//! * `model_call/route_only` and `model_call/spent_only` — two parts of the above:
//!   the router plugin's decision, and reading the spending budgets are checked against.
//! * `stream_200_chunks/raw_http` and `/kernel` — the same with a streamed answer of
//!   200 chunks; per-chunk cost = ((kernel − raw) − (call kernel − call raw)) / 200
//!   (target: ≤ 0.2 ms per chunk).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use futures_util::StreamExt;
use ralex_host::calls::router::PluginRouter;
use ralex_host::{Host, HostConfig};
use ralex_model_testserver::{Reply, ScriptedServer};
use ralex_models::{
    BudgetConfig, Call, CallConfig, ChatRequest, Message, ModelConfig, ModelSpec, Models,
    ModelsConfig, Observer, ProviderConfig, ProviderKind, Role,
};
use ralex_policy::{Action, Policy, Principal, Resource, Trust};
use ralex_store::{AuditRecord, Store};

const CHUNKS: usize = 200;

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"))
}

/// The policy gate as the `model` capability runs it: decide, then audit.
struct Gate {
    policy: Arc<Policy>,
    store: Arc<Store>,
    principal: Principal,
    deltas: usize,
}

impl Observer for Gate {
    fn authorize(&mut self, model: &ModelSpec) -> Result<(), String> {
        let resource = Resource::Model {
            name: model.name.clone(),
            provider: model.provider.clone(),
            local: model.local,
        };
        let decision = self
            .policy
            .decide(&self.principal, Action::ModelCall, &resource, false);
        // As the host's gate: an allowed decision is committed with relaxed
        // durability; the attempt's ledger row makes it durable.
        self.store
            .audit_append_relaxed(&AuditRecord {
                actor: "plugin:agent",
                action: Action::ModelCall.as_str(),
                resource: &resource.describe(),
                decision: decision.verdict.as_str(),
                rule: decision.rule_id(),
                args_digest: "",
                detail: "",
            })
            .map_err(|e| e.to_string())?;
        if decision.allowed() {
            Ok(())
        } else {
            Err("denied".into())
        }
    }

    fn delta(&mut self, _text: &str) {
        self.deltas += 1;
    }
}

fn model(name: &str, tier: u8, input: f64, output: f64) -> ModelConfig {
    ModelConfig {
        name: name.into(),
        provider: "bench".into(),
        api_name: None,
        context_window: 128_000,
        max_output_tokens: Some(4096),
        input_per_mtok: input,
        output_per_mtok: output,
        capabilities: vec!["tools".into()],
        tier,
    }
}

fn model_path(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let server = rt.block_on(ScriptedServer::start()).unwrap();
    let store = Arc::new(Store::open(&dir.path().join("ralex.db")).unwrap());
    let host = Arc::new(
        Host::new(
            HostConfig::new(dir.path().join("cache")),
            Arc::clone(&store),
        )
        .unwrap(),
    );
    let manifest = target_dir().join("plugins/model-router/plugin.toml");
    assert!(
        manifest.is_file(),
        "{} missing: run `cargo xtask plugins` first",
        manifest.display()
    );
    let router = Arc::new(host.load(&manifest).unwrap());
    let config = ModelsConfig {
        providers: vec![ProviderConfig {
            name: "bench".into(),
            kind: ProviderKind::Openai,
            base_url: format!("{}/v1", server.url()),
            api_key_env: Some("BENCH_KEY".into()),
            api_key_file: None,
            stt_model: None,
            // A loopback proxy to paid models: priced, so the budget path runs.
            local: Some(false),
        }],
        models: vec![
            model("small", 1, 0.10, 0.40),
            model("medium", 2, 1.0, 4.0),
            model("large", 3, 3.0, 15.0),
        ],
        budgets: BudgetConfig {
            day_usd: Some(1_000.0),
            month_usd: Some(10_000.0),
            ..BudgetConfig::default()
        },
        calls: CallConfig::default(),
        catalogue: None,
    };
    let mut models = Models::new(&config, Arc::clone(&store), &|name| {
        (name == "BENCH_KEY").then(|| "sk-bench".to_string())
    })
    .unwrap();
    models.set_router(Arc::new(PluginRouter::new(Arc::clone(&host), router)));
    let models = Arc::new(models);
    let principal = Principal::plugin(
        "agent",
        "ralex",
        Trust::FirstParty,
        "agent",
        "sha256:0",
        &[],
    );
    let request = ChatRequest {
        messages: vec![
            Message::text(Role::System, "You are a careful coding assistant."),
            Message::text(Role::User, "add a docstring to parse_config"),
        ],
        max_tokens: Some(512),
        ..ChatRequest::default()
    };
    let body = serde_json::json!({
        "model": "small",
        "messages": [
            {"role": "system", "content": "You are a careful coding assistant."},
            {"role": "user", "content": "add a docstring to parse_config"},
        ],
        "max_tokens": 512,
    });
    let client = reqwest::Client::builder()
        .tcp_nodelay(true)
        .build()
        .unwrap();
    let url = format!("{}/v1/chat/completions", server.url());
    let long: String = (0..CHUNKS).map(|i| format!("w{i} ")).collect();

    let kernel_call = |stream: bool| {
        let models = Arc::clone(&models);
        let mut gate = Gate {
            policy: Arc::clone(host.policy()),
            store: Arc::clone(&store),
            principal: principal.clone(),
            deltas: 0,
        };
        let request = request.clone();
        async move {
            let call = Call {
                kind: "edit",
                risk: "modify",
                stream,
                ..Call::new(&request, "plugin:agent", "agent")
            };
            let answer = models.chat(call, &mut gate).await.unwrap();
            assert!(!answer.completion.message.content.is_empty());
            gate.deltas
        }
    };

    let mut group = c.benchmark_group("model_call");
    group.measurement_time(Duration::from_secs(8));
    group.bench_function("raw_http", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    let answer: serde_json::Value = client
                        .post(&url)
                        .bearer_auth("sk-bench")
                        .json(&body)
                        .send()
                        .await
                        .unwrap()
                        .json()
                        .await
                        .unwrap();
                    assert!(answer["choices"][0]["message"]["content"].is_string());
                }
                start.elapsed()
            })
        })
    });
    group.bench_function("kernel", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    kernel_call(false).await;
                }
                start.elapsed()
            })
        })
    });
    group.bench_function("route_only", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    let call = Call {
                        kind: "edit",
                        risk: "modify",
                        ..Call::new(&request, "plugin:agent", "agent")
                    };
                    let input = models.route_input(&call, 30, &[]);
                    models.route(input).await.unwrap();
                }
                start.elapsed()
            })
        })
    });
    group.bench_function("spent_only", |b| b.iter(|| models.spent(None)));
    group.finish();

    let mut group = c.benchmark_group("stream_200_chunks");
    group.measurement_time(Duration::from_secs(8));
    let mut stream_body = body.clone();
    stream_body["stream"] = serde_json::json!(true);
    group.bench_function("raw_http", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    server.push(Reply::text(&long));
                    let start = Instant::now();
                    let response = client
                        .post(&url)
                        .bearer_auth("sk-bench")
                        .json(&stream_body)
                        .send()
                        .await
                        .unwrap();
                    let mut bytes = response.bytes_stream();
                    let mut n = 0;
                    while let Some(chunk) = bytes.next().await {
                        n += chunk.unwrap().len();
                    }
                    assert!(n > long.len());
                    total += start.elapsed();
                }
                total
            })
        })
    });
    group.bench_function("kernel", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    server.push(Reply::text(&long));
                    let start = Instant::now();
                    let deltas = kernel_call(true).await;
                    assert!(deltas >= CHUNKS, "{deltas} deltas");
                    total += start.elapsed();
                }
                total
            })
        })
    });
    group.finish();
}

criterion_group!(benches, model_path);
criterion_main!(benches);
