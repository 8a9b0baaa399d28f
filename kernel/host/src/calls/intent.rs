//! The intent in both shapes: the kernel's contract type ([`ralex_intent::Intent`])
//! and the WIT record plugins see. Every world shares one `types` interface, so one
//! pair of conversions serves them all.

use ralex_intent::{Intent, IntentKind, Risk, Target};

use crate::bindings::workflow_step::ralex::plugin::types as wit;
pub use crate::bindings::workflow_step::ralex::plugin::types::{
    Intent as WitIntent, Param as WitParam, Target as WitTarget,
};

/// A plugin's view of `intent`: resolved targets, params as text.
pub fn intent_to_wit(intent: &Intent) -> WitIntent {
    let kind = match intent.kind {
        IntentKind::Read => wit::IntentKind::Read,
        IntentKind::Search => wit::IntentKind::Search,
        IntentKind::Explain => wit::IntentKind::Explain,
        IntentKind::Edit => wit::IntentKind::Edit,
        IntentKind::Create => wit::IntentKind::Create,
        IntentKind::Refactor => wit::IntentKind::Refactor,
        IntentKind::Fix => wit::IntentKind::Fix,
        IntentKind::Test => wit::IntentKind::Test,
        IntentKind::Git => wit::IntentKind::Git,
        IntentKind::Undo => wit::IntentKind::Undo,
        IntentKind::Workflow => wit::IntentKind::Workflow,
        IntentKind::Analyze => wit::IntentKind::Analyze,
        IntentKind::Docs => wit::IntentKind::Docs,
        IntentKind::Chat => wit::IntentKind::Chat,
        IntentKind::Unknown => wit::IntentKind::Unknown,
    };
    let risk = match intent.risk {
        Risk::ReadOnly => wit::Risk::ReadOnly,
        Risk::Modify => wit::Risk::Modify,
        Risk::Destructive => wit::Risk::Destructive,
    };
    WitIntent {
        kind,
        targets: intent
            .targets
            .iter()
            .map(|t| WitTarget {
                phrase: t.phrase.clone(),
                path: t.path.clone(),
                symbol: t.symbol.clone(),
                line: t.line,
            })
            .collect(),
        params: intent
            .params
            .iter()
            .map(|(key, value)| WitParam {
                key: key.clone(),
                value: value
                    .as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| value.to_string()),
            })
            .collect(),
        risk,
        confidence: intent.confidence,
    }
}

/// The kernel's intent from a plugin's.
pub(crate) fn intent_from_wit(i: wit::Intent) -> Intent {
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
