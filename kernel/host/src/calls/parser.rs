//! Calls into `command-parser` plugins, converting the WIT intent into the kernel's
//! contract type ([`ralex_intent::Intent`]).

use ralex_intent::{Intent, IntentKind, Risk, Target};

use crate::bindings::command_parser::exports::ralex::plugin::parser::ParseRequest;
use crate::bindings::workflow_step::ralex::plugin::types as wit;
use crate::call::{CallOutcome, wrong_world};
use crate::error::CallError;
use crate::plugin::{Plugin, WorldPre};
use crate::state::CallContext;
use crate::{Host, World};

/// A parsed command, in the kernel's contract types.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedCommand {
    /// The intent with the parser's literal targets (not yet resolved).
    pub intent: Intent,
    /// The cleaned transcript.
    pub normalized: String,
}

impl Host {
    /// Ask a `command-parser` plugin to parse `transcript`.
    pub async fn parse_command(
        &self,
        plugin: &Plugin,
        context: CallContext,
        transcript: &str,
        workflows: &[String],
    ) -> Result<CallOutcome<ParsedCommand>, CallError> {
        let WorldPre::CommandParser(pre) = &plugin.pre else {
            return Err(wrong_world(plugin, World::CommandParser));
        };
        let pre = pre.clone();
        let request = ParseRequest {
            transcript: transcript.to_string(),
            workflows: workflows.to_vec(),
        };
        let call = self.begin(plugin, context).await?;
        let outcome = call
            .finish(async move |store| {
                let parser = pre.instantiate_async(&mut *store).await?;
                parser
                    .ralex_plugin_parser()
                    .call_parse(&mut *store, &request)
                    .await
            })
            .await?;
        Ok(CallOutcome {
            value: ParsedCommand {
                intent: intent_from_wit(outcome.value.intent),
                normalized: outcome.value.normalized,
            },
            stats: outcome.stats,
        })
    }
}

fn intent_from_wit(i: wit::Intent) -> Intent {
    let kind = match i.kind {
        wit::IntentKind::Read => IntentKind::Read,
        wit::IntentKind::Search => IntentKind::Search,
        wit::IntentKind::Explain => IntentKind::Explain,
        wit::IntentKind::Edit => IntentKind::Edit,
        wit::IntentKind::Create => IntentKind::Create,
        wit::IntentKind::Refactor => IntentKind::Refactor,
        wit::IntentKind::Fix => IntentKind::Fix,
        wit::IntentKind::Test => IntentKind::Test,
        wit::IntentKind::Git => IntentKind::Git,
        wit::IntentKind::Undo => IntentKind::Undo,
        wit::IntentKind::Workflow => IntentKind::Workflow,
        wit::IntentKind::Analyze => IntentKind::Analyze,
        wit::IntentKind::Docs => IntentKind::Docs,
        wit::IntentKind::Chat => IntentKind::Chat,
        wit::IntentKind::Unknown => IntentKind::Unknown,
    };
    let risk = match i.risk {
        wit::Risk::ReadOnly => Risk::ReadOnly,
        wit::Risk::Modify => Risk::Modify,
        wit::Risk::Destructive => Risk::Destructive,
    };
    let targets = i
        .targets
        .into_iter()
        .map(|t| Target {
            phrase: t.phrase,
            path: t.path,
            symbol: t.symbol,
            line: t.line,
            resolved: false,
            candidates: Vec::new(),
        })
        .collect();
    let params = i
        .params
        .into_iter()
        .map(|p| (p.key, serde_json::Value::String(p.value)))
        .collect();
    // A plugin's confidence is clamped into the contract's range; NaN reads as 0.
    let confidence = if i.confidence.is_finite() {
        i.confidence.clamp(0.0, 1.0)
    } else {
        0.0
    };
    Intent {
        kind,
        targets,
        params,
        risk,
        confidence,
    }
}
