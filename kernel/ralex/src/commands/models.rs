//! `ralex models list / route / ask`: the catalogue as this machine sees it, the
//! router's choice for a described request, and one prompt through the whole
//! model path (routing, policy, budget, retries, ledger, audit) — for checking a
//! setup end to end before a command depends on it.

use std::io::Write;
use std::sync::Arc;

use anyhow::{Context, anyhow};
use ralex_models::{
    Call, ChatRequest, Latency, Message, ModelError, ModelSpec, Observer, Role, RouteInput,
};
use ralex_orchestrator::Gate;
use ralex_policy::{Action, Principal, Resource, Scope};
use ralex_store::NANO_USD;
use serde_json::json;

use crate::cli::{AskArgs, ModelsCommand, RouteArgs};
use crate::config::Config;
use crate::exit::{self, CliError, CliResult};
use crate::home::Home;
use crate::plugins::Registry;

/// Run `ralex models ...`.
pub async fn run(command: ModelsCommand, home: &Home, config: &Config) -> CliResult {
    let registry = Registry::open(home, config)?;
    let opened = crate::models::open(config, &registry)?;
    match command {
        ModelsCommand::List { all, json } => list(&opened.models, all, json),
        ModelsCommand::Route(args) => route(&opened, &args).await,
        ModelsCommand::Ask(args) => ask(&opened, &registry, &args).await,
    }
}

fn list(models: &ralex_models::Models, all: bool, json_out: bool) -> CliResult {
    let catalogue = models.catalogue();
    let rows: Vec<&ModelSpec> = catalogue
        .models()
        .filter(|m| all || catalogue.enabled(&m.provider))
        .collect();
    let usable = |m: &ModelSpec| catalogue.enabled(&m.provider);
    if json_out {
        let items: Vec<_> = rows
            .iter()
            .map(|m| {
                json!({
                    "name": m.name, "provider": m.provider, "api_name": m.api_name,
                    "context_window": m.context_window, "input_per_mtok": m.input_per_mtok,
                    "output_per_mtok": m.output_per_mtok, "capabilities": m.capabilities,
                    "tier": m.tier, "local": m.local, "usable": usable(m),
                    "cooling_down": models.health().cooling(&m.provider),
                })
            })
            .collect();
        let out = json!({"as_of": catalogue.as_of, "models": items});
        println!(
            "{}",
            serde_json::to_string_pretty(&out).context("encoding JSON")?
        );
        return Ok(exit::OK);
    }
    if rows.is_empty() {
        println!(
            "No usable model. Set a provider key (OPENAI_API_KEY, ANTHROPIC_API_KEY, OPENROUTER_API_KEY, DEEPSEEK_API_KEY),\n\
             declare [[providers]] in ralex.toml (e.g. a local Ollama), or set RALEX_OPENAI_BASE_URL and RALEX_MODEL.\n\
             `ralex models list --all` shows the whole catalogue."
        );
        return Ok(exit::OK);
    }
    let width = rows.iter().map(|m| m.name.len()).max().unwrap_or(4).max(5);
    println!(
        "{:width$}  {:12}  {:>9}  {:>8}  {:>8}  {:4}  capabilities",
        "model", "provider", "context", "in/Mtok", "out/Mtok", "tier"
    );
    for m in rows {
        let mark = if usable(m) {
            ""
        } else {
            "  (provider not enabled)"
        };
        println!(
            "{:width$}  {:12}  {:>9}  {:>8}  {:>8}  {:>4}  {}{mark}",
            m.name,
            m.provider,
            m.context_window,
            format!("${:.2}", m.input_per_mtok),
            format!("${:.2}", m.output_per_mtok),
            m.tier,
            m.capabilities.join(","),
        );
    }
    if let Some(as_of) = &catalogue.as_of {
        println!(
            "prices as of {as_of}; update them in your own catalogue file (see docs/MODELS.md)"
        );
    }
    Ok(exit::OK)
}

fn latency(text: &str) -> Result<Latency, CliError> {
    match text {
        "fast" => Ok(Latency::Fast),
        "balanced" => Ok(Latency::Balanced),
        "thorough" => Ok(Latency::Thorough),
        other => Err(CliError::usage(format!(
            "--latency {other:?}: use fast, balanced or thorough"
        ))),
    }
}

async fn route(opened: &crate::models::Opened, args: &RouteArgs) -> CliResult {
    if opened.router.is_none() {
        return Err(anyhow!("{}", opened.router_problem.clone().unwrap_or_default()).into());
    }
    args.kind
        .parse::<ralex_intent::IntentKind>()
        .map_err(CliError::usage)?;
    args.risk
        .parse::<ralex_intent::Risk>()
        .map_err(CliError::usage)?;
    let input = RouteInput {
        kind: args.kind.clone(),
        risk: args.risk.clone(),
        context_tokens: args.tokens,
        needed: args.needs.clone(),
        latency: latency(&args.latency)?,
        catalogue: opened.models.candidates(),
        budgets: opened.models.remaining(None),
    };
    let choice = opened
        .models
        .route(input)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    if args.json {
        let out = json!({
            "model": choice.model, "fallbacks": choice.fallbacks,
            "estimated_cost_usd": choice.estimated_cost_usd, "reason": choice.reason,
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&out).context("encoding JSON")?
        );
    } else {
        println!("{}", choice.reason);
    }
    Ok(exit::OK)
}

/// Policy for the person at the keyboard (the orchestrator's gate: decided and
/// audited per model tried), and the terminal as the stream's destination.
struct UserGate {
    gate: Gate,
    stream: bool,
}

impl Observer for UserGate {
    fn authorize(&mut self, model: &ModelSpec) -> Result<(), String> {
        let resource = Resource::Model {
            name: model.name.clone(),
            provider: model.provider.clone(),
            local: model.local,
        };
        self.gate
            .allow(Action::ModelCall, &resource, &[model.name.as_bytes()], true)
    }

    fn attempt(&mut self, model: &str, attempt: u32) {
        if self.stream && attempt > 1 {
            eprintln!("\n[retrying {model}, attempt {attempt}]");
        }
    }

    fn delta(&mut self, text: &str) {
        if self.stream {
            print!("{text}");
            let _ = std::io::stdout().flush();
        }
    }

    fn note(&mut self, text: &str) {
        eprintln!("note: {text}");
    }
}

async fn ask(opened: &crate::models::Opened, registry: &Registry, args: &AskArgs) -> CliResult {
    let request = ChatRequest {
        messages: vec![Message::text(Role::User, args.prompt.clone())],
        max_tokens: args.max_tokens,
        ..ChatRequest::default()
    };
    let mut gate = UserGate {
        gate: Gate::new(
            Arc::clone(registry.host.policy()),
            Arc::clone(&registry.store),
            Principal::user("cli", Scope::Admin, &[]),
            "user:cli",
            "user `cli`",
        ),
        stream: args.stream && !args.json,
    };
    let call = Call {
        model: args.model.as_deref(),
        session: args.session.as_deref(),
        kind: &args.kind,
        stream: args.stream,
        ..Call::new(&request, "user:cli", "cli")
    };
    let answer = match opened.models.chat(call, &mut gate).await {
        Ok(answer) => answer,
        Err(ModelError::Denied(message)) => return Err(CliError::denied(message)),
        Err(ModelError::Budget(message)) => return Err(CliError::denied(message)),
        Err(e) => return Err(anyhow!("{e}").into()),
    };
    if args.json {
        let out = json!({
            "model": answer.model,
            "provider": answer.provider,
            "content": answer.completion.message.content,
            "finish_reason": answer.completion.finish_reason.as_str(),
            "input_tokens": answer.input_tokens,
            "output_tokens": answer.output_tokens,
            "cost_usd": answer.total_cost_nusd as f64 / NANO_USD as f64,
            "attempts": answer.attempts,
            "reason": answer.reason,
            "notes": answer.notes,
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&out).context("encoding JSON")?
        );
        return Ok(exit::OK);
    }
    if args.stream {
        println!();
    } else {
        println!("{}", answer.completion.message.content);
    }
    eprintln!(
        "— {} · {} in + {} out tokens · {}{}",
        answer.model,
        answer.input_tokens,
        answer.output_tokens,
        crate::commands::costs::money(answer.total_cost_nusd),
        answer
            .reason
            .as_deref()
            .map(|r| format!(" · {r}"))
            .unwrap_or_default()
    );
    Ok(exit::OK)
}
