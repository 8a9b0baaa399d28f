//! Loading the labelled utterance sets and scoring the parser against them.

use std::collections::BTreeMap;
use std::path::Path;

use command_parser::parse::{Kind, Parsed, Risk, parse};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SetFile {
    #[serde(default)]
    workflows: Vec<String>,
    #[serde(rename = "case", default)]
    cases: Vec<Case>,
}

/// One labelled utterance.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub say: String,
    pub kind: String,
    pub risk: String,
    #[serde(default)]
    pub paths: Vec<String>,
    #[serde(default)]
    pub symbols: Vec<String>,
    #[serde(default)]
    pub lines: Vec<u32>,
    #[serde(default)]
    pub params: BTreeMap<String, String>,
    /// Overrides the file's workflow names for this case.
    #[serde(default)]
    pub workflows: Option<Vec<String>>,
}

impl Case {
    pub fn has_target_labels(&self) -> bool {
        !(self.paths.is_empty() && self.symbols.is_empty() && self.lines.is_empty())
    }
}

/// A case, what the parser said, and how it scored.
#[derive(Clone, Debug)]
pub struct Scored {
    pub case: Case,
    pub kind: Kind,
    pub parsed: Parsed,
    pub kind_ok: bool,
    pub risk_ok: bool,
    pub targets_ok: bool,
    pub params_ok: bool,
}

impl Scored {
    pub fn full(&self) -> bool {
        self.kind_ok && self.risk_ok && self.targets_ok && self.params_ok
    }
}

/// A loaded and scored set.
pub struct SetResult {
    pub name: String,
    pub file: String,
    pub scored: Vec<Scored>,
}

fn score(case: Case, workflows: &[String]) -> Scored {
    let expected_kind = Kind::from_name(&case.kind)
        .unwrap_or_else(|| panic!("bad kind {:?} in {:?}", case.kind, case.say));
    let expected_risk = Risk::from_name(&case.risk)
        .unwrap_or_else(|| panic!("bad risk {:?} in {:?}", case.risk, case.say));
    let wf = case.workflows.clone().unwrap_or_else(|| workflows.to_vec());
    let parsed = parse(&case.say, &wf);
    let paths: Vec<&str> = parsed
        .targets
        .iter()
        .filter_map(|t| t.path.as_deref())
        .collect();
    let symbols: Vec<&str> = parsed
        .targets
        .iter()
        .filter_map(|t| t.symbol.as_deref())
        .collect();
    let lines: Vec<u32> = parsed.targets.iter().filter_map(|t| t.line).collect();
    let targets_ok = case.paths.iter().all(|p| paths.contains(&p.as_str()))
        && case.symbols.iter().all(|s| symbols.contains(&s.as_str()))
        && case.lines.iter().all(|l| lines.contains(l));
    let params_ok = case
        .params
        .iter()
        .all(|(k, v)| parsed.params.iter().any(|(pk, pv)| pk == k && pv == v));
    Scored {
        kind: expected_kind,
        kind_ok: parsed.kind == expected_kind,
        risk_ok: parsed.risk == expected_risk,
        targets_ok,
        params_ok,
        parsed,
        case,
    }
}

/// Loads `testdata/<file>` and scores every case.
pub fn run(name: &str, file: &str) -> SetResult {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let set: SetFile =
        toml::from_str(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()));
    let workflows = set.workflows;
    let scored = set
        .cases
        .into_iter()
        .map(|c| score(c, &workflows))
        .collect();
    SetResult {
        name: name.to_string(),
        file: file.to_string(),
        scored,
    }
}
