//! The intent contract (DESIGN.md §5): what a command parser returns and what
//! `ralex run --json` and `POST /v4/voice-command` show.
//!
//! This crate owns the JSON shape of an intent and nothing else. It must never depend
//! on the component host: the WIT types are converted into these at the host's edge,
//! so the external contract does not move when the WIT package gets a new version.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What kind of work a command asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntentKind {
    /// Show a file, symbol or lines.
    Read,
    /// Find where something is defined or used.
    Search,
    /// Explain code in words.
    Explain,
    /// Change existing code.
    Edit,
    /// Create a file or symbol.
    Create,
    /// Restructure without changing behaviour.
    Refactor,
    /// Fix a bug or failing test.
    Fix,
    /// Run the tests.
    Test,
    /// A git operation.
    Git,
    /// Undo an earlier command.
    Undo,
    /// Run a workflow.
    Workflow,
    /// Analyse code.
    Analyze,
    /// Write documentation.
    Docs,
    /// Talk without changing anything.
    Chat,
    /// Not understood.
    Unknown,
}

impl IntentKind {
    /// Every kind, in contract order.
    pub const ALL: [IntentKind; 15] = [
        IntentKind::Read,
        IntentKind::Search,
        IntentKind::Explain,
        IntentKind::Edit,
        IntentKind::Create,
        IntentKind::Refactor,
        IntentKind::Fix,
        IntentKind::Test,
        IntentKind::Git,
        IntentKind::Undo,
        IntentKind::Workflow,
        IntentKind::Analyze,
        IntentKind::Docs,
        IntentKind::Chat,
        IntentKind::Unknown,
    ];

    /// The contract name, e.g. `"edit"`.
    pub fn as_str(self) -> &'static str {
        match self {
            IntentKind::Read => "read",
            IntentKind::Search => "search",
            IntentKind::Explain => "explain",
            IntentKind::Edit => "edit",
            IntentKind::Create => "create",
            IntentKind::Refactor => "refactor",
            IntentKind::Fix => "fix",
            IntentKind::Test => "test",
            IntentKind::Git => "git",
            IntentKind::Undo => "undo",
            IntentKind::Workflow => "workflow",
            IntentKind::Analyze => "analyze",
            IntentKind::Docs => "docs",
            IntentKind::Chat => "chat",
            IntentKind::Unknown => "unknown",
        }
    }
}

impl fmt::Display for IntentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not one of the contract's intent kinds or risks.
#[derive(Debug, thiserror::Error)]
#[error("unknown {what} `{value}`; expected one of: {expected}")]
pub struct UnknownName {
    what: &'static str,
    value: String,
    expected: String,
}

impl FromStr for IntentKind {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        IntentKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownName {
                what: "intent kind",
                value: s.to_string(),
                expected: IntentKind::ALL.map(IntentKind::as_str).join(", "),
            })
    }
}

/// How much a command can change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Risk {
    /// Reads only.
    ReadOnly,
    /// Changes files, undoable.
    Modify,
    /// Deletes, resets, force-pushes, deploys: needs confirmation.
    Destructive,
}

impl Risk {
    /// Every risk level, from least to most.
    pub const ALL: [Risk; 3] = [Risk::ReadOnly, Risk::Modify, Risk::Destructive];

    /// The contract name, e.g. `"read_only"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::ReadOnly => "read_only",
            Risk::Modify => "modify",
            Risk::Destructive => "destructive",
        }
    }
}

impl fmt::Display for Risk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Risk {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Risk::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownName {
                what: "risk",
                value: s.to_string(),
                expected: Risk::ALL.map(Risk::as_str).join(", "),
            })
    }
}

/// Something a command is about.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// The spoken words that named it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phrase: Option<String>,
    /// Path relative to the project root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Symbol name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub symbol: Option<String>,
    /// 1-based line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// Whether `path`/`symbol` were checked against the project (false: the parser's
    /// literal reading, not found in the project).
    #[serde(default)]
    pub resolved: bool,
    /// Other candidates when the phrase matched several things; a person picks one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<String>,
}

/// The structured reading of one command.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Intent {
    /// What it asks for.
    pub kind: IntentKind,
    /// What it is about.
    pub targets: Vec<Target>,
    /// Parameters such as `{"action": "commit", "message": "..."}`.
    pub params: serde_json::Map<String, serde_json::Value>,
    /// How much it can change.
    pub risk: Risk,
    /// How sure the parser is, 0 to 1.
    pub confidence: f32,
}

impl Intent {
    /// A string parameter, if present.
    pub fn param(&self, key: &str) -> Option<&str> {
        self.params.get(key).and_then(|v| v.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_json_and_from_str() {
        for kind in IntentKind::ALL {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
            assert_eq!(kind.as_str().parse::<IntentKind>().unwrap(), kind);
        }
        for risk in Risk::ALL {
            let json = serde_json::to_string(&risk).unwrap();
            assert_eq!(json, format!("\"{}\"", risk.as_str()));
            assert_eq!(risk.as_str().parse::<Risk>().unwrap(), risk);
        }
    }

    #[test]
    fn unknown_names_list_the_expected_ones() {
        let err = "delete".parse::<IntentKind>().unwrap_err().to_string();
        assert!(err.contains("unknown intent kind `delete`"), "{err}");
        assert!(err.contains("read, search"), "{err}");
        assert!("dangerous".parse::<Risk>().is_err());
    }

    #[test]
    fn intent_serialises_to_the_contract_shape() {
        let intent = Intent {
            kind: IntentKind::Git,
            targets: vec![Target {
                path: Some("a.py".into()),
                ..Target::default()
            }],
            params: serde_json::json!({"action": "commit"})
                .as_object()
                .unwrap()
                .clone(),
            risk: Risk::Modify,
            confidence: 0.9,
        };
        let v = serde_json::to_value(&intent).unwrap();
        assert_eq!(v["kind"], "git");
        assert_eq!(v["risk"], "modify");
        assert_eq!(v["targets"][0]["path"], "a.py");
        assert!(v["targets"][0].get("symbol").is_none());
        assert_eq!(intent.param("action"), Some("commit"));
    }
}
