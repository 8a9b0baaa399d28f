//! `search`: where a name or phrase appears in the project. A symbol the index
//! knows ("where is parse config used") is answered from the symbol index —
//! its definitions and the places that use it, not every line that happens to
//! contain the word; anything else is a text search.

use std::collections::BTreeSet;

use ralex_caps::workspace::SearchOptions;
use ralex_intent::Intent;
use ralex_policy::{Action, Resource};

use super::{Direct, Outcome};

/// Where a symbol is defined and used, from the symbol index; (file, line) in
/// path and line order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SymbolUses {
    /// The symbol's name.
    pub name: String,
    /// Its definitions.
    pub definitions: Vec<(String, u32)>,
    /// Its uses (the definitions' own lines left out).
    pub references: Vec<(String, u32)>,
}

/// Most matches listed.
const MAX_MATCHES: u32 = 200;

/// Leading words that are the request, not the thing searched for.
const LEADS: &[&str] = &[
    "search for",
    "search",
    "find all",
    "find",
    "where is",
    "where are",
    "where's",
    "look for",
    "grep for",
    "grep",
    "show me where",
    "show where",
    "usages of",
    "uses of",
];

/// What to look for: the first target's symbol or phrase, else the transcript
/// without its leading request words and a trailing "used"/"defined".
pub(super) fn query(intent: &Intent, normalized: &str) -> Option<String> {
    if let Some(t) = intent.targets.first()
        && let Some(q) = t
            .symbol
            .clone()
            .or_else(|| t.phrase.clone())
            .or_else(|| t.path.clone())
    {
        return Some(q);
    }
    let mut text = normalized
        .trim()
        .trim_end_matches(['.', '?', '!'])
        .to_string();
    let lower = text.to_lowercase();
    if let Some(lead) = LEADS.iter().find(|l| lower.starts_with(*l)) {
        text = text[lead.len()..].trim().to_string();
    }
    for tail in [
        " used",
        " defined",
        " called",
        " in the project",
        " in the code",
    ] {
        if text.to_lowercase().ends_with(tail) {
            text.truncate(text.len() - tail.len());
        }
    }
    let text = text.trim().trim_matches(['"', '\'']).to_string();
    (!text.is_empty()).then_some(text)
}

pub(super) fn run(direct: &Direct, intent: &Intent, normalized: &str) -> Outcome {
    if let Some(uses) = &direct.uses {
        return symbol_uses(direct, uses);
    }
    let Some(query) = query(intent, normalized) else {
        return Outcome::failed(
            "What should I search for? Say a name, for example \"where is parse config used\".",
        );
    };
    if let Err(why) = direct.gate.allow(
        Action::WorkspaceSearch,
        &Resource::Path(String::new()),
        &[query.as_bytes()],
        true,
    ) {
        return Outcome::denied("search the project", &why);
    }
    let options = SearchOptions {
        regex: false,
        case_insensitive: true,
        glob: None,
        max_results: MAX_MATCHES,
    };
    let matches = match direct.workspace.search(&query, &options) {
        Ok(m) => m,
        Err(e) => return Outcome::failed(format!("The search failed: {e}")),
    };
    // Paths the policy does not let this person read are left out of the answer.
    let matches: Vec<_> = matches
        .into_iter()
        .filter(|m| {
            direct
                .gate
                .allow(
                    Action::WorkspaceRead,
                    &Resource::Path(m.path.clone()),
                    &[m.path.as_bytes()],
                    true,
                )
                .is_ok()
        })
        .collect();
    if matches.is_empty() {
        return Outcome::completed(format!("I found no \"{query}\" in the project."), None);
    }
    let files: BTreeSet<&str> = matches.iter().map(|m| m.path.as_str()).collect();
    let listing: String = matches
        .iter()
        .map(|m| format!("{}:{}: {}\n", m.path, m.line, m.text.trim_end()))
        .collect();
    let capped = if matches.len() as u32 >= MAX_MATCHES {
        " (the first ones)"
    } else {
        ""
    };
    let places = if matches.len() == 1 {
        "place"
    } else {
        "places"
    };
    let in_files = if files.len() == 1 {
        format!("in {}", files.iter().next().copied().unwrap_or_default())
    } else {
        format!("in {} files", files.len())
    };
    Outcome::completed(
        format!(
            "\"{query}\" appears in {} {places}{capped}, {in_files}.",
            matches.len()
        ),
        Some(listing),
    )
}

/// The answer from the index: definitions and uses with their lines, for the
/// files this person may read.
fn symbol_uses(direct: &Direct, uses: &SymbolUses) -> Outcome {
    if let Err(why) = direct.gate.allow(
        Action::WorkspaceSearch,
        &Resource::Path(String::new()),
        &[uses.name.as_bytes()],
        true,
    ) {
        return Outcome::denied("search the project", &why);
    }
    let mut texts: std::collections::HashMap<String, Option<Vec<String>>> = Default::default();
    let mut line_of = |path: &str, line: u32| -> Option<String> {
        let lines = texts.entry(path.to_string()).or_insert_with(|| {
            direct
                .gate
                .allow(
                    Action::WorkspaceRead,
                    &Resource::Path(path.to_string()),
                    &[path.as_bytes()],
                    true,
                )
                .ok()?;
            let text = direct.workspace.read(path).ok()?;
            Some(text.lines().map(str::to_string).collect())
        });
        let lines = lines.as_ref()?;
        Some(
            lines
                .get(line.saturating_sub(1) as usize)
                .map(|l| l.trim().to_string())
                .unwrap_or_default(),
        )
    };
    let mut listing = String::new();
    let mut defined = Vec::new();
    for (path, line) in &uses.definitions {
        if let Some(text) = line_of(path, *line) {
            listing.push_str(&format!("{path}:{line}: {text}    (definition)\n"));
            defined.push(format!("{path}:{line}"));
        }
    }
    let mut used = 0usize;
    let mut files = BTreeSet::new();
    for (path, line) in uses.references.iter().take(MAX_MATCHES as usize) {
        if let Some(text) = line_of(path, *line) {
            listing.push_str(&format!("{path}:{line}: {text}\n"));
            used += 1;
            files.insert(path.clone());
        }
    }
    if defined.is_empty() && used == 0 {
        return Outcome::completed(format!("I found no \"{}\" you may read.", uses.name), None);
    }
    let used_text = match used {
        0 => "not used anywhere else".to_string(),
        1 => format!(
            "used once, in {}",
            files.iter().next().cloned().unwrap_or_default()
        ),
        n if files.len() == 1 => format!(
            "used in {n} places, in {}",
            files.iter().next().cloned().unwrap_or_default()
        ),
        n => format!("used in {n} places in {} files", files.len()),
    };
    let response = if defined.is_empty() {
        format!("{} is {used_text}.", uses.name)
    } else {
        format!(
            "{} is defined in {} and {used_text}.",
            uses.name,
            defined.join(" and ")
        )
    };
    Outcome::completed(response, Some(listing))
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn query_from_the_transcript() {
        let intent: Intent = serde_json::from_value(serde_json::json!({
            "kind": "search", "targets": [], "params": {}, "risk": "read_only", "confidence": 0.8
        }))
        .expect("intent");
        assert_eq!(query(&intent, "search for TODO").as_deref(), Some("TODO"));
        assert_eq!(
            query(&intent, "where is load_items used?").as_deref(),
            Some("load_items")
        );
        assert_eq!(query(&intent, "search for").as_deref(), None);
    }
}
