//! Speakable sentences: what a dry run would do, lists read aloud ("a, b or c").

use ralex_intent::{Intent, IntentKind, Risk};

/// One or two speakable sentences about what the command would do.
pub fn describe_dry_run(intent: &Intent) -> String {
    let what = match intent.kind {
        IntentKind::Read => "show",
        IntentKind::Search => "search for",
        IntentKind::Explain => "explain",
        IntentKind::Edit => "edit",
        IntentKind::Create => "create",
        IntentKind::Refactor => "refactor",
        IntentKind::Fix => "fix",
        IntentKind::Test => "run the tests for",
        IntentKind::Git => "run a git operation on",
        IntentKind::Undo => "undo",
        IntentKind::Workflow => "run a workflow for",
        IntentKind::Analyze => "analyse",
        IntentKind::Docs => "document",
        IntentKind::Chat => "talk about",
        IntentKind::Unknown => {
            return "I did not understand that. Nothing was changed.".to_string();
        }
    };
    if let Some(t) = intent.targets.iter().find(|t| !t.candidates.is_empty()) {
        let spoken = t.phrase.as_deref().or(t.path.as_deref()).unwrap_or("that");
        return format!(
            "I'm not sure which one you mean by \"{spoken}\": {}. Say which, or the folder too. Nothing was changed.",
            or_list(&t.candidates)
        );
    }
    let targets: Vec<String> = intent
        .targets
        .iter()
        .filter_map(|t| {
            t.symbol
                .clone()
                .or_else(|| t.path.clone())
                .or_else(|| t.phrase.clone())
        })
        .collect();
    let object = if targets.is_empty() {
        match intent.kind {
            IntentKind::Test => "the project".to_string(),
            IntentKind::Undo => "the last change".to_string(),
            _ => "the project".to_string(),
        }
    } else {
        targets.join(" and ")
    };
    let action = intent
        .param("action")
        .map(|a| format!(" ({a})"))
        .unwrap_or_default();
    let caution = if intent.risk == Risk::Destructive {
        " This is destructive and would need your confirmation."
    } else {
        ""
    };
    format!("Dry run: I would {what} {object}{action}.{caution} Nothing was changed.")
}

/// "a", "a or b", "a, b or c".
pub fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// "a", "a and b", "a, b and c".
pub fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
