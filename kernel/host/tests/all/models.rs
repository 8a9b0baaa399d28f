//! The model layer through the host: the first-party `model-router` component behind
//! [`PluginRouter`] (a routing table over a realistic catalogue, learning in its
//! kv), and the `model` capability end to end — a guest's `model::chat` through the
//! manifest check, the per-model policy decision, the provider (the real
//! `ralex-model-testserver` binary) and the audit trail.

use std::path::Path;
use std::sync::Arc;

use ralex_host::calls::router::{OutcomeKind, PluginRouter};
use ralex_host::calls::step::StepInput;
use ralex_host::model::ModelAccess;
use ralex_host::{CallContext, Host, HostConfig, Plugin};
use ralex_model_testserver::ServerProcess as ModelServer;
use ralex_models::{
    Latency, ModelConfig, Models, ModelsConfig, ProviderConfig, RouteChoice, RouteInput,
};
use ralex_policy::{Policy, PolicyFile, default_files, merge_files};
use ralex_store::{AuditEntry, AuditFilter, Store};
use serde_json::{Value, json};

use crate::support::{copy_plugin, staged, target_debug};

// ---------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------

/// A host whose first-party folder is where `cargo xtask plugins` staged the
/// shipped plugins (as the binary's is), with the shipped policies plus `grant`.
fn host(store: &Arc<Store>, cache: &Path, grant: &str) -> Arc<Host> {
    let files = merge_files(
        default_files(),
        vec![PolicyFile {
            name: "grants/models-test.cedar".into(),
            origin: "grants/models-test.cedar".into(),
            text: grant.into(),
        }],
    );
    let router_dir = staged("plugins", "model-router");
    let config = HostConfig {
        policy: Arc::new(Policy::load(&files).expect("the test policy validates")),
        first_party_dirs: vec![router_dir.parent().unwrap().to_path_buf()],
        ..HostConfig::new(cache)
    };
    Arc::new(Host::new(config, Arc::clone(store)).unwrap())
}

/// The real `model-router` component, loaded first-party.
fn router_plugin(host: &Host) -> Arc<Plugin> {
    let plugin = host
        .load(&staged("plugins", "model-router").join("plugin.toml"))
        .unwrap();
    assert_eq!(plugin.trust(), ralex_policy::Trust::FirstParty);
    Arc::new(plugin)
}

/// `[[providers]]` and `[[models]]` written as in `ralex.toml`, read the way the
/// kernel reads them.
fn models_config(toml_text: &str) -> ModelsConfig {
    let table: toml::Table = toml_text.parse().expect("test TOML parses");
    let providers: Vec<ProviderConfig> = table
        .get("providers")
        .cloned()
        .map(|v| v.try_into().expect("[[providers]]"))
        .unwrap_or_default();
    let models: Vec<ModelConfig> = table
        .get("models")
        .cloned()
        .map(|v| v.try_into().expect("[[models]]"))
        .unwrap_or_default();
    ModelsConfig {
        providers,
        models,
        ..ModelsConfig::default()
    }
}

/// The shipped catalogue with OpenAI, Anthropic and a local Ollama declared, plus a
/// cheap Groq model without tools: 13 usable models over four providers.
const CATALOGUE: &str = r#"
[[providers]]
name = "openai"
kind = "openai"
base_url = "https://api.openai.com/v1"
api_key_env = "OPENAI_API_KEY"

[[providers]]
name = "anthropic"
kind = "anthropic"
base_url = "https://api.anthropic.com/v1"
api_key_env = "ANTHROPIC_API_KEY"

[[providers]]
name = "ollama"
kind = "openai"
base_url = "http://127.0.0.1:11434/v1"

[[providers]]
name = "groq"
kind = "openai"
base_url = "https://api.groq.com/openai/v1"
api_key_env = "GROQ_API_KEY"

[[models]]
name = "llama-3.1-8b-instant"
provider = "groq"
context_window = 131072
input_per_mtok = 0.05
output_per_mtok = 0.08
tier = 1
"#;

/// The model layer over [`CATALOGUE`] (no keys: nothing is sent), routed by the real
/// router plugin.
fn routed_models(store: &Arc<Store>, router: Arc<PluginRouter>) -> Models {
    let mut models = Models::new(&models_config(CATALOGUE), Arc::clone(store), &|_| None)
        .expect("the catalogue builds");
    models.set_router(router);
    models
}

fn latency(name: &str) -> Latency {
    match name {
        "fast" => Latency::Fast,
        "balanced" => Latency::Balanced,
        "thorough" => Latency::Thorough,
        other => panic!("latency {other}"),
    }
}

/// A routing question as the orchestrator asks it: this catalogue, these budgets.
fn question(
    models: &Models,
    kind: &str,
    risk: &str,
    context_tokens: u32,
    needed: &[&str],
    speed: &str,
) -> RouteInput {
    RouteInput {
        kind: kind.into(),
        risk: risk.into(),
        context_tokens,
        needed: needed.iter().map(|c| c.to_string()).collect(),
        latency: latency(speed),
        catalogue: models.candidates(),
        budgets: models.remaining(None),
    }
}

/// The real `ralex-model-testserver` binary on a random loopback port.
fn model_server() -> ModelServer {
    ModelServer::start(&target_debug().join("ralex-model-testserver"))
}

/// The provider key of the lab; it must reach the provider and nothing else.
const KEY: &str = "sk-lab-SECRET-4242-do-not-leak";

/// The test grant: the intruder may use what its manifest asks for.
const GRANT: &str = "permit (principal == Ralex::Plugin::\"intruder\", action, resource);";

/// A host, the intruder step, a scripted provider `lab` with two models.
struct ModelLab {
    host: Arc<Host>,
    intruder: Plugin,
    store: Arc<Store>,
    server: ModelServer,
    dir: tempfile::TempDir,
}

impl ModelLab {
    /// With [`GRANT`] plus `policy` (e.g. a forbid rule).
    fn new(policy: &str) -> ModelLab {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::open(&dir.path().join("ralex.db")).unwrap());
        let host = host(
            &store,
            &dir.path().join("cache"),
            &format!("{GRANT}\n{policy}"),
        );
        let intruder = host
            .load(&staged("test-plugins", "intruder").join("plugin.toml"))
            .unwrap();
        ModelLab {
            host,
            intruder,
            store,
            server: model_server(),
            dir,
        }
    }

    /// The model layer: provider `lab` at the scripted server, key from
    /// `LAB_API_KEY`; `lab-small` (tier 1) and `lab-large` (tier 2).
    fn models(&self) -> Models {
        let config = models_config(&format!(
            r#"
[[providers]]
name = "lab"
kind = "openai"
base_url = "{}/v1"
api_key_env = "LAB_API_KEY"

[[models]]
name = "lab-small"
provider = "lab"
context_window = 32000
input_per_mtok = 0.5
output_per_mtok = 1.5
tier = 1

[[models]]
name = "lab-large"
provider = "lab"
context_window = 128000
input_per_mtok = 3.0
output_per_mtok = 15.0
tier = 2
"#,
            self.server.url()
        ));
        let env = |name: &str| (name == "LAB_API_KEY").then(|| KEY.to_string());
        Models::new(&config, Arc::clone(&self.store), &env).expect("the lab models build")
    }

    /// Runs the intruder's `model` operation (`model` names the model, or none).
    async fn ask(&self, plugin: &Plugin, access: ModelAccess, model: Option<&str>) -> Value {
        let mut params = json!({"op": "model"});
        if let Some(model) = model {
            params["model"] = json!(model);
        }
        let context = CallContext {
            model: Some(Arc::new(access)),
            ..CallContext::default()
        };
        let out = self
            .host
            .run_step(
                plugin,
                context,
                StepInput {
                    name: "probe".into(),
                    params_json: params.to_string(),
                    previous_json: "{}".into(),
                },
            )
            .await
            .expect("the step reports")
            .value;
        serde_json::from_str(&out.output_json).unwrap()
    }

    fn audit(&self) -> Vec<AuditEntry> {
        self.store.audit_entries(&AuditFilter::default()).unwrap()
    }

    /// (action, resource, decision, rule) of the model entries, in order.
    fn model_audit(&self) -> Vec<(String, String, String, String)> {
        self.audit()
            .into_iter()
            .filter(|e| e.action.starts_with("model:"))
            .map(|e| (e.action, e.resource, e.decision, e.rule))
            .collect()
    }

    /// The key appears in no audit field and nowhere in the guest's answer.
    fn assert_key_kept(&self, out: &Value) {
        assert!(
            !out.to_string().contains(KEY),
            "the guest saw the key: {out}"
        );
        for e in self.audit() {
            let fields = [
                &e.actor,
                &e.action,
                &e.resource,
                &e.decision,
                &e.rule,
                &e.args_digest,
                &e.detail,
            ];
            assert!(
                fields.iter().all(|f| !f.contains(KEY)),
                "the key is in audit entry {}: {e:?}",
                e.seq
            );
        }
    }
}

fn entry(
    action: &str,
    resource: &str,
    decision: &str,
    rule: &str,
) -> (String, String, String, String) {
    (action.into(), resource.into(), decision.into(), rule.into())
}

// ---------------------------------------------------------------------------
// The router plugin behind PluginRouter
// ---------------------------------------------------------------------------

/// (kind, risk, context tokens, needed capabilities, latency, chosen model, first
/// fallback).
type RouteCase = (
    &'static str,
    &'static str,
    u32,
    &'static [&'static str],
    &'static str,
    &'static str,
    &'static str,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_router_component_routes_a_realistic_catalogue() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open_in_memory().unwrap());
    let host = host(&store, &dir.path().join("cache"), "// no grant\n");
    let router = Arc::new(PluginRouter::new(Arc::clone(&host), router_plugin(&host)));
    let models = routed_models(&store, router);
    assert_eq!(
        models.candidates().len(),
        13,
        "7 OpenAI + 3 Anthropic + 2 Ollama + 1 Groq models"
    );

    // (kind, risk, context tokens, needed, latency) → (chosen, first fallback).
    // Free local models win their tier; a fallback comes from another provider.
    #[rustfmt::skip]
    let table: &[RouteCase] = &[
        // Small work: the free local 7B; the cheapest other model (no tools needed: Groq).
        ("chat", "read_only", 2_000, &[], "balanced", "qwen2.5-coder", "llama-3.1-8b-instant"),
        // Tools needed: Groq's model is out; the cheapest OpenAI model with tools.
        ("edit", "modify", 2_000, &["tools"], "balanced", "qwen2.5-coder", "gpt-5-nano"),
        // Refactor needs tier 2: the local 30B, then the cheapest strong paid model.
        ("refactor", "modify", 2_000, &["tools"], "balanced", "qwen3-coder", "gpt-5-mini"),
        // ... unless speed matters: tier 1 is enough for a fast refactor.
        ("refactor", "modify", 2_000, &["tools"], "fast", "qwen2.5-coder", "gpt-5-nano"),
        // 50k tokens: past the 7B's 32k window; the 30B's 64k still holds it.
        ("refactor", "modify", 50_000, &["tools"], "balanced", "qwen3-coder", "gpt-5-mini"),
        // Thorough refactor needs tier 3: GPT-5, then the other provider's frontier model.
        ("refactor", "modify", 50_000, &["tools"], "thorough", "gpt-5", "claude-sonnet-4-5"),
        // 200k tokens: tier 3 with a window above 200k (Claude's is exactly 200k): GPT-5,
        // then the best tier below it that fits.
        ("explain", "read_only", 200_000, &[], "balanced", "gpt-5", "gpt-5-mini"),
        // Vision: no local model sees; another provider comes first among fallbacks.
        ("explain", "read_only", 2_000, &["vision"], "balanced", "gpt-5-nano", "claude-haiku-4-5"),
        // Destructive needs tier 2.
        ("edit", "destructive", 4_000, &["tools"], "balanced", "qwen3-coder", "gpt-5-mini"),
        // Fast keeps the large-context floor (tier 2 past 32k).
        ("explain", "read_only", 40_000, &[], "fast", "qwen3-coder", "gpt-5-mini"),
    ];
    for &(kind, risk, tokens, needed, speed, model, fallback) in table {
        let choice = models
            .route(question(&models, kind, risk, tokens, needed, speed))
            .await
            .unwrap_or_else(|e| panic!("{kind} {risk} {tokens} {needed:?} {speed}: {e}"));
        let case = format!("{kind} {risk} {tokens} {needed:?} {speed}: {choice:?}");
        assert_eq!(choice.model, model, "{case}");
        assert_eq!(
            choice.fallbacks.first().map(String::as_str),
            Some(fallback),
            "{case}"
        );
        assert!(!choice.fallbacks.contains(&choice.model), "{case}");
        assert!(choice.reason.contains(model), "{case}");
        // Every model offered is usable for the request.
        for name in choice.chain() {
            let spec = models.catalogue().model(&name).unwrap();
            assert!(needed.iter().all(|c| spec.has(c)), "{case}: {name}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_outcomes_recorded_through_the_router_demote_a_model_for_that_kind_only() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open_in_memory().unwrap());
    let host = host(&store, &dir.path().join("cache"), "// no grant\n");
    let router = Arc::new(PluginRouter::new(Arc::clone(&host), router_plugin(&host)));
    let models = routed_models(&store, Arc::clone(&router));
    let route = |kind: &'static str| {
        let input = question(&models, kind, "modify", 2_000, &["tools"], "balanced");
        let models = &models;
        async move { models.route(input).await.unwrap() }
    };
    assert_eq!(route("edit").await.model, "qwen2.5-coder");
    assert_eq!(route("fix").await.model, "qwen2.5-coder");

    for outcome in [
        OutcomeKind::TestsFailed,
        OutcomeKind::TestsFailed,
        OutcomeKind::Undone,
        OutcomeKind::TestsFailed,
        OutcomeKind::Undone,
    ] {
        router
            .record("qwen2.5-coder", "edit", outcome)
            .await
            .unwrap();
    }
    // The counts live in the router's own kv namespace, under the kind (the key
    // scheme is the plugin's own business).
    let keys = store.kv_list("model-router", "", 100).unwrap();
    assert!(keys.iter().any(|k| k.contains("edit")), "{keys:?}");

    let edit = route("edit").await;
    assert_ne!(edit.model, "qwen2.5-coder", "{edit:?}");
    // The next free capable model takes over.
    assert_eq!(edit.model, "qwen3-coder", "{edit:?}");
    assert!(edit.reason.contains("qwen3-coder"), "{}", edit.reason);

    // Other kinds learned nothing.
    assert_eq!(route("fix").await.model, "qwen2.5-coder");
    let chat = models
        .route(question(
            &models,
            "chat",
            "read_only",
            2_000,
            &[],
            "balanced",
        ))
        .await
        .unwrap();
    assert_eq!(chat.model, "qwen2.5-coder");
    let keys = store.kv_list("model-router", "", 100).unwrap();
    assert!(!keys.iter().any(|k| k.contains("fix")), "{keys:?}");

    // Successes bring it back: 5 of 10 is no longer below the bar.
    for _ in 0..4 {
        router
            .record("qwen2.5-coder", "edit", OutcomeKind::Accepted)
            .await
            .unwrap();
        assert_eq!(route("edit").await.model, "qwen3-coder");
    }
    router
        .record("qwen2.5-coder", "edit", OutcomeKind::TestsPassed)
        .await
        .unwrap();
    assert_eq!(route("edit").await.model, "qwen2.5-coder");
}

// ---------------------------------------------------------------------------
// The `model` capability, end to end
// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guest_model_call_is_answered_audited_and_metered_without_the_key() {
    let lab = ModelLab::new("");
    lab.server.push(json!([{
        "kind": "chat", "text": "Hello from the lab", "input_tokens": 12, "output_tokens": 5
    }]));
    let access = ModelAccess::new(Arc::new(lab.models()));
    let out = lab.ask(&lab.intruder, access, Some("lab-small")).await;

    let ok = &out["ok"];
    assert_eq!(ok["content"], "Hello from the lab", "{out}");
    assert_eq!(ok["model"], "lab-small", "{out}");
    assert_eq!(
        (ok["input_tokens"].as_u64(), ok["output_tokens"].as_u64()),
        (Some(12), Some(5))
    );

    // The policy decision on the model came first, then the metered attempt.
    let audit = lab.model_audit();
    assert_eq!(audit.len(), 2, "{audit:?}");
    assert_eq!(
        (&audit[0].0[..], &audit[0].1[..], &audit[0].2[..]),
        ("model:call", "model `lab-small`", "allow"),
        "{audit:?}"
    );
    assert!(
        !audit[0].3.is_empty(),
        "the allowing rule is named: {audit:?}"
    );
    assert_eq!(
        audit[1],
        entry("model:attempt", "model `lab-small` via `lab`", "ok", "")
    );
    let attempt = lab
        .audit()
        .into_iter()
        .find(|e| e.action == "model:attempt")
        .unwrap();
    assert_eq!(attempt.actor, "plugin:intruder");
    assert!(
        attempt.detail.contains("12 input + 5 output tokens"),
        "{}",
        attempt.detail
    );
    let ledger = lab.store.ledger_entries(10).unwrap();
    assert_eq!(ledger.len(), 1);
    assert_eq!(
        (
            ledger[0].plugin.as_str(),
            ledger[0].model.as_str(),
            ledger[0].outcome.as_str(),
            ledger[0].input_tokens,
            ledger[0].output_tokens
        ),
        ("intruder", "lab-small", "ok", 12, 5)
    );

    // The provider got the key, in the one header that carries it.
    let requests = lab.server.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0]["path"], "/v1/chat/completions");
    assert_eq!(requests[0]["body"]["model"], "lab-small");
    let carrying: Vec<&str> = requests[0]["headers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h[1].as_str().unwrap().contains(KEY))
        .map(|h| h[0].as_str().unwrap())
        .collect();
    assert_eq!(carrying, ["authorization"]);
    // ... and the guest and the audit trail did not.
    assert!(
        ok["received"]
            .as_str()
            .unwrap()
            .contains("Hello from the lab")
    );
    lab.assert_key_kept(&out);
    assert!(lab.store.audit_verify().unwrap().intact());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_model_the_policy_forbids_is_skipped_for_the_next_one_and_both_are_audited() {
    let lab = ModelLab::new(
        "@id(\"no-lab-small\")\n\
         @reason(\"the small lab model is off limits in this test\")\n\
         forbid (principal, action == Ralex::Action::\"model:call\", resource == Ralex::Model::\"lab-small\");",
    );
    lab.server
        .push(json!([{"kind": "text", "text": "from the large one"}]));
    // The route the router chose for this command: small first, large next. The
    // guest names no model.
    let access = ModelAccess {
        route: Some(RouteChoice {
            model: "lab-small".into(),
            fallbacks: vec!["lab-large".into()],
            estimated_cost_usd: 0.0,
            reason: "test route".into(),
        }),
        ..ModelAccess::new(Arc::new(lab.models()))
    };
    let out = lab.ask(&lab.intruder, access, None).await;
    assert_eq!(out["ok"]["model"], "lab-large", "{out}");
    assert_eq!(out["ok"]["content"], "from the large one", "{out}");

    let audit = lab.model_audit();
    assert_eq!(audit.len(), 3, "{audit:?}");
    assert_eq!(
        audit[0],
        entry("model:call", "model `lab-small`", "deny", "no-lab-small")
    );
    assert_eq!(
        (&audit[1].0[..], &audit[1].1[..], &audit[1].2[..]),
        ("model:call", "model `lab-large`", "allow")
    );
    assert_eq!(
        audit[2],
        entry("model:attempt", "model `lab-large` via `lab`", "ok", "")
    );
    let denial = lab
        .audit()
        .into_iter()
        .find(|e| e.decision == "deny")
        .unwrap();
    assert!(denial.detail.contains("no-lab-small"), "{}", denial.detail);

    // Only the allowed model was asked.
    let requests = lab.server.requests();
    let asked: Vec<&Value> = requests.iter().map(|r| &r["body"]["model"]).collect();
    assert_eq!(asked, [&json!("lab-large")]);
    lab.assert_key_kept(&out);

    // With both models forbidden nothing is sent and the guest is told why.
    let lab = ModelLab::new(
        "@id(\"no-lab-models\")\n\
         @reason(\"no lab models in this test\")\n\
         forbid (principal, action == Ralex::Action::\"model:call\", resource is Ralex::Model)\n\
         when { resource.provider == \"lab\" };",
    );
    let access = ModelAccess {
        route: Some(RouteChoice {
            model: "lab-small".into(),
            fallbacks: vec!["lab-large".into()],
            estimated_cost_usd: 0.0,
            reason: "test route".into(),
        }),
        ..ModelAccess::new(Arc::new(lab.models()))
    };
    let out = lab.ask(&lab.intruder, access, None).await;
    assert_eq!(out["error"]["code"], "Denied", "{out}");
    assert!(
        out["error"]["message"]
            .as_str()
            .unwrap()
            .contains("the policy allows none of the models chosen"),
        "{out}"
    );
    assert_eq!(
        lab.model_audit(),
        [
            entry("model:call", "model `lab-small`", "deny", "no-lab-models"),
            entry("model:call", "model `lab-large`", "deny", "no-lab-models"),
        ]
    );
    assert!(lab.server.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guest_naming_no_model_gets_the_router_components_choice() {
    let lab = ModelLab::new("");
    let mut models = lab.models();
    // The router runs as a nested call on the same host, inside the guest's call.
    let router = Arc::new(PluginRouter::new(
        Arc::clone(&lab.host),
        router_plugin(&lab.host),
    ));
    models.set_router(router);
    lab.server
        .push(json!([{"kind": "text", "text": "refactored"}]));
    let access = ModelAccess {
        kind: "refactor".into(),
        risk: "modify".into(),
        ..ModelAccess::new(Arc::new(models))
    };
    let out = lab.ask(&lab.intruder, access, None).await;
    // A refactor needs tier 2: only lab-large has it.
    assert_eq!(out["ok"]["model"], "lab-large", "{out}");
    assert_eq!(out["ok"]["content"], "refactored", "{out}");
    let audit = lab.model_audit();
    assert_eq!(
        (&audit[0].0[..], &audit[0].1[..], &audit[0].2[..]),
        ("model:call", "model `lab-large`", "allow"),
        "{audit:?}"
    );
    assert_eq!(audit.len(), 2, "{audit:?}");
    assert_eq!(lab.server.requests().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guest_whose_manifest_does_not_ask_for_models_is_refused_before_anything_is_sent() {
    let lab = ModelLab::new("");
    let copy = copy_plugin("test-plugins", "intruder", lab.dir.path());
    let manifest = std::fs::read_to_string(copy.join("plugin.toml")).unwrap();
    assert!(manifest.contains("model = true"));
    std::fs::write(
        copy.join("plugin.toml"),
        manifest.replace("model = true", "model = false"),
    )
    .unwrap();
    let plugin = lab.host.load(&copy.join("plugin.toml")).unwrap();
    lab.server
        .push(json!([{"kind": "text", "text": "must not be served"}]));

    for model in [Some("lab-small"), None] {
        let access = ModelAccess::new(Arc::new(lab.models()));
        let out = lab.ask(&plugin, access, model).await;
        assert_eq!(out["error"]["code"], "Denied", "{out}");
        assert!(
            out["error"]["message"].as_str().unwrap().contains(
                "its manifest does not ask for it (add `model = true` under [permissions])"
            ),
            "{out}"
        );
        let last = lab.audit().pop().unwrap();
        assert_eq!(
            (
                last.action.as_str(),
                last.decision.as_str(),
                last.rule.as_str()
            ),
            ("model:call", "deny", "manifest")
        );
    }
    assert!(lab.server.requests().is_empty(), "the provider was asked");
    assert!(lab.store.ledger_entries(10).unwrap().is_empty());
    assert!(
        !lab.audit().iter().any(|e| e.action == "model:attempt"),
        "an attempt was made"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_echoing_the_key_back_does_not_leak_it_to_the_guest_or_the_audit() {
    let lab = ModelLab::new("");
    lab.server.push(json!([{
        "kind": "status",
        "status": 400,
        "body": {"error": {
            "message": format!("the key {KEY} is not valid for this organisation"),
            "type": "invalid_request_error",
            "code": "invalid_api_key"
        }}
    }]));
    let access = ModelAccess::new(Arc::new(lab.models()));
    let out = lab.ask(&lab.intruder, access, Some("lab-small")).await;
    assert!(out.get("error").is_some(), "{out}");
    lab.assert_key_kept(&out);
    // The echo did arrive (the provider's words are kept, the key is not).
    let attempt = lab
        .audit()
        .into_iter()
        .find(|e| e.action == "model:attempt")
        .expect("the failed attempt is audited");
    assert!(
        attempt
            .detail
            .contains("is not valid for this organisation"),
        "{}",
        attempt.detail
    );
    assert!(attempt.detail.contains("[redacted]"), "{}", attempt.detail);
    assert_eq!(lab.server.requests().len(), 1);
}
