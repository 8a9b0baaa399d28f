//! The harness: a `Models` wired to scripted servers, an in-memory store, fake keys,
//! a recording observer, and small helpers to build requests, routes and prices.
//!
//! Three servers stand in for three providers:
//! - `test-openai` (OpenAI wire format) and `test-anthropic` (Anthropic), both on
//!   loopback but declared `local = false` so their models are priced (a loopback
//!   proxy to paid APIs, as with LiteLLM);
//! - `test-local` (OpenAI format) on loopback with `local` unset: a free local model.

use std::sync::Arc;

use ralex_model_testserver::{Recorded, Reply, ScriptedServer, ScriptedToolCall};
use ralex_models::{
    BudgetConfig, Call, CallConfig, ChatRequest, Message, ModelConfig, ModelSpec, Models,
    ModelsConfig, Observer, ProviderConfig, ProviderKind, Role, RouteChoice, ToolSpec,
};
use ralex_store::Store;
use serde_json::json;

/// The OpenAI provider's key.
pub const OA_KEY: &str = "sk-test-SECRET123";
/// The Anthropic provider's key.
pub const AN_KEY: &str = "sk-ant-test-SECRET456";

/// Provider names.
pub const OA: &str = "test-openai";
pub const AN: &str = "test-anthropic";
pub const LOCAL: &str = "test-local";

/// Models: `gpt-a` and `gpt-tiny` on OpenAI, `claude-b` on Anthropic, `local-m` local.
pub const GPT: &str = "gpt-a";
pub const GPT_API: &str = "gpt-a-2025-01-01";
pub const TINY: &str = "gpt-tiny";
pub const CLAUDE: &str = "claude-b";
pub const CLAUDE_API: &str = "claude-b-20250101";
pub const LOCAL_M: &str = "local-m";
pub const LOCAL_API: &str = "qwen-local:7b";

/// Prices in nano-dollars per token ($2/$8 and $3/$15 per million tokens).
pub const GPT_IN: i64 = 2_000;
pub const GPT_OUT: i64 = 8_000;
pub const CLAUDE_IN: i64 = 3_000;
pub const CLAUDE_OUT: i64 = 15_000;

/// Audit actor and ledger plugin of every call.
pub const ACTOR: &str = "plugin:agent";
pub const PLUGIN: &str = "agent";

/// The `max_tokens` of [`ask`].
pub const MAX_TOKENS: u32 = 256;

/// A `Models` against three scripted servers.
pub struct Harness {
    pub oa: ScriptedServer,
    pub an: ScriptedServer,
    pub local: ScriptedServer,
    pub models: Models,
    pub store: Arc<Store>,
}

fn provider(
    name: &str,
    kind: ProviderKind,
    base_url: String,
    key_env: Option<&str>,
    local: Option<bool>,
) -> ProviderConfig {
    ProviderConfig {
        name: name.into(),
        kind,
        base_url,
        api_key_env: key_env.map(str::to_string),
        api_key_file: None,
        stt_model: None,
        local,
    }
}

/// A `[[models]]` entry with tools, prices in USD per million tokens.
pub fn model(
    name: &str,
    provider: &str,
    api: &str,
    context_window: u32,
    input: f64,
    output: f64,
) -> ModelConfig {
    ModelConfig {
        name: name.into(),
        provider: provider.into(),
        api_name: Some(api.into()),
        context_window,
        max_output_tokens: Some(4096),
        input_per_mtok: input,
        output_per_mtok: output,
        capabilities: vec!["tools".into()],
        tier: 2,
    }
}

/// Fast retries: 20 ms base, 1.5 s longest wait (and longest Retry-After honoured).
pub fn fast_calls() -> CallConfig {
    CallConfig {
        max_attempts: 3,
        base_delay_ms: 20,
        max_delay_ms: 1_500,
        timeout_s: 5,
        idle_timeout_s: 5,
        cooldown_after: 3,
        cooldown_s: 60,
        default_model: None,
        reserve_output_tokens: 512,
    }
}

/// The fake environment: only the two test keys.
pub fn env(name: &str) -> Option<String> {
    match name {
        "RALEX_TEST_OPENAI_KEY" => Some(OA_KEY.to_string()),
        "RALEX_TEST_ANTHROPIC_KEY" => Some(AN_KEY.to_string()),
        _ => None,
    }
}

impl Harness {
    /// The default harness.
    pub async fn start() -> Harness {
        Harness::with(|_| {}).await
    }

    /// A harness whose configuration `tweak` adjusts before `Models` is built.
    pub async fn with(tweak: impl FnOnce(&mut ModelsConfig)) -> Harness {
        let oa = ScriptedServer::start().await.expect("openai server");
        let an = ScriptedServer::start().await.expect("anthropic server");
        let local = ScriptedServer::start().await.expect("local server");
        let mut config = ModelsConfig {
            providers: vec![
                provider(
                    OA,
                    ProviderKind::Openai,
                    format!("{}/v1", oa.url()),
                    Some("RALEX_TEST_OPENAI_KEY"),
                    Some(false),
                ),
                provider(
                    AN,
                    ProviderKind::Anthropic,
                    format!("{}/v1", an.url()),
                    Some("RALEX_TEST_ANTHROPIC_KEY"),
                    Some(false),
                ),
                provider(
                    LOCAL,
                    ProviderKind::Openai,
                    format!("{}/v1", local.url()),
                    None,
                    None,
                ),
            ],
            models: vec![
                model(GPT, OA, GPT_API, 100_000, 2.0, 8.0),
                model(TINY, OA, "gpt-tiny-1", 200, 2.0, 8.0),
                model(CLAUDE, AN, CLAUDE_API, 200_000, 3.0, 15.0),
                model(LOCAL_M, LOCAL, LOCAL_API, 32_768, 1.0, 1.0),
            ],
            budgets: BudgetConfig::default(),
            calls: fast_calls(),
            catalogue: None,
        };
        tweak(&mut config);
        let store = Arc::new(Store::open_in_memory().expect("in-memory store"));
        let models = Models::new(&config, store.clone(), &env).expect("models");
        Harness {
            oa,
            an,
            local,
            models,
            store,
        }
    }

    /// A catalogue model.
    pub fn spec(&self, name: &str) -> ModelSpec {
        self.models
            .catalogue()
            .model(name)
            .expect("catalogue model")
            .clone()
    }

    /// Chat requests each server received (transcriptions and others excluded).
    pub fn chats(server: &ScriptedServer) -> Vec<Recorded> {
        server
            .requests()
            .into_iter()
            .filter(|r| r.path.ends_with("/chat/completions") || r.path.ends_with("/messages"))
            .collect()
    }

    /// Every ledger row, oldest first.
    pub fn ledger(&self) -> Vec<ralex_store::LedgerEntry> {
        let mut rows = self.store.ledger_entries(10_000).expect("ledger");
        rows.reverse();
        rows
    }

    /// Every audit entry, oldest first.
    pub fn audit(&self) -> Vec<ralex_store::AuditEntry> {
        self.store
            .audit_entries(&Default::default())
            .expect("audit")
    }
}

/// A short conversation: a system prompt and one user message, 256 tokens at most.
pub fn ask(text: &str) -> ChatRequest {
    ChatRequest {
        messages: vec![
            Message::text(Role::System, "Be brief."),
            Message::text(Role::User, text),
        ],
        tools: Vec::new(),
        max_tokens: Some(MAX_TOKENS),
        temperature: None,
    }
}

/// [`ask`] with the `read_file` tool.
pub fn ask_with_tool(text: &str) -> ChatRequest {
    ChatRequest {
        tools: vec![read_file_tool()],
        ..ask(text)
    }
}

pub fn read_file_tool() -> ToolSpec {
    ToolSpec {
        name: "read_file".into(),
        description: "Read a file of the project".into(),
        parameters:
            r#"{"type":"object","properties":{"path":{"type":"string"}},"required":["path"]}"#
                .into(),
    }
}

/// A call naming `model`, not streamed.
pub fn named<'a>(request: &'a ChatRequest, model: &'a str) -> Call<'a> {
    Call {
        model: Some(model),
        stream: false,
        ..Call::new(request, ACTOR, PLUGIN)
    }
}

/// A call following a preset route, not streamed.
pub fn routed<'a>(request: &'a ChatRequest, route: &'a RouteChoice) -> Call<'a> {
    Call {
        route: Some(route),
        stream: false,
        ..Call::new(request, ACTOR, PLUGIN)
    }
}

/// A route through `chain`, in order.
pub fn route(chain: &[&str]) -> RouteChoice {
    RouteChoice {
        model: chain[0].to_string(),
        fallbacks: chain[1..].iter().map(|s| s.to_string()).collect(),
        estimated_cost_usd: 0.0,
        reason: "scripted route for the test".into(),
    }
}

/// A text answer with exact token counts.
pub fn chat(text: &str, input_tokens: u32, output_tokens: u32) -> Reply {
    Reply::Chat {
        text: text.into(),
        tool_calls: Vec::new(),
        input_tokens,
        output_tokens,
    }
}

/// "Let me look." and a `read_file` call, with exact token counts.
pub fn tool_reply(input_tokens: u32, output_tokens: u32) -> Reply {
    Reply::Chat {
        text: "Let me look.".into(),
        tool_calls: vec![ScriptedToolCall::new(
            "call_1",
            "read_file",
            json!({"path": "src/main.rs"}),
        )],
        input_tokens,
        output_tokens,
    }
}

/// An observer that records everything and refuses the models in `deny`.
#[derive(Debug, Default)]
pub struct Recorder {
    /// Models the policy refuses.
    pub deny: Vec<String>,
    /// Models asked about, in order.
    pub asked: Vec<String>,
    /// Attempts announced: (model, attempt number).
    pub attempts: Vec<(String, u32)>,
    /// Deltas of the current attempt.
    pub deltas: Vec<String>,
    /// Every delta of every attempt.
    pub all_deltas: Vec<String>,
    /// Notes.
    pub notes: Vec<String>,
}

impl Recorder {
    pub fn new() -> Recorder {
        Recorder::default()
    }

    pub fn denying(models: &[&str]) -> Recorder {
        Recorder {
            deny: models.iter().map(|m| m.to_string()).collect(),
            ..Recorder::default()
        }
    }

    /// The text streamed by the last attempt.
    pub fn text(&self) -> String {
        self.deltas.concat()
    }
}

impl Observer for Recorder {
    fn authorize(&mut self, model: &ModelSpec) -> Result<(), String> {
        self.asked.push(model.name.clone());
        if self.deny.contains(&model.name) {
            Err(format!("rule `no-{}` forbids it", model.name))
        } else {
            Ok(())
        }
    }

    fn attempt(&mut self, model: &str, attempt: u32) {
        self.attempts.push((model.to_string(), attempt));
        self.deltas.clear();
    }

    fn delta(&mut self, text: &str) {
        self.deltas.push(text.to_string());
        self.all_deltas.push(text.to_string());
    }

    fn note(&mut self, text: &str) {
        self.notes.push(text.to_string());
    }
}
