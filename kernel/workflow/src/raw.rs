//! The file format as serde reads it: the raw shape of a workflow file, with
//! unknown fields refused. `parse` turns it into the checked types of
//! `schema`, or into problems.

use std::fmt;

use serde::Deserialize;
use serde::de::{MapAccess, Visitor};
use serde_json::Value;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawWorkflow {
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) description: String,
    #[serde(default)]
    pub(crate) params: RawParams,
    #[serde(default)]
    pub(crate) transactional: bool,
    pub(crate) steps: Vec<RawStep>,
}

#[derive(Default)]
pub(crate) struct RawParams(pub(crate) Vec<(String, RawParam)>);

impl<'de> Deserialize<'de> for RawParams {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawParams;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of parameter names to their settings")
            }
            fn visit_unit<E>(self) -> Result<RawParams, E> {
                Ok(RawParams::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawParams, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, RawParam>()? {
                    out.push((k, v));
                }
                Ok(RawParams(out))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawParam {
    #[serde(default)]
    pub(crate) description: String,
    #[serde(rename = "type")]
    pub(crate) kind: Option<RawParamType>,
    pub(crate) default: Option<Value>,
    #[serde(default)]
    pub(crate) required: bool,
    #[serde(rename = "enum")]
    pub(crate) choices: Option<Vec<Value>>,
    pub(crate) min: Option<f64>,
    pub(crate) max: Option<f64>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
pub(crate) enum RawParamType {
    String,
    Integer,
    Number,
    Boolean,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStep {
    pub(crate) name: String,
    #[serde(rename = "if")]
    pub(crate) condition: Option<String>,
    pub(crate) retry: Option<RawRetry>,
    pub(crate) timeout: Option<RawDuration>,
    pub(crate) on_failure: Option<RawOnFailure>,
    pub(crate) repeatable: Option<bool>,
    pub(crate) agent: Option<RawAgent>,
    pub(crate) test: Option<RawTest>,
    pub(crate) run: Option<String>,
    pub(crate) git: Option<RawGit>,
    pub(crate) plugin: Option<String>,
    pub(crate) with: Option<Value>,
    pub(crate) confirm: Option<String>,
    pub(crate) write: Option<RawWrite>,
    pub(crate) fail: Option<String>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
pub(crate) enum RawOnFailure {
    Stop,
    Continue,
    Rollback,
}

#[derive(Deserialize)]
#[serde(untagged)]
pub(crate) enum RawRetry {
    Times(u32),
    Full(RawRetryFull),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRetryFull {
    pub(crate) attempts: RawAttempts,
    pub(crate) backoff: Option<RawDuration>,
    pub(crate) factor: Option<f64>,
}

#[derive(Deserialize)]
#[serde(untagged)]
pub(crate) enum RawAttempts {
    Number(u32),
    Template(String),
}

#[derive(Deserialize)]
#[serde(untagged)]
pub(crate) enum RawDuration {
    Seconds(u64),
    Text(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAgent {
    pub(crate) prompt: String,
    #[serde(default)]
    pub(crate) targets: Vec<String>,
    pub(crate) kind: Option<String>,
    #[serde(default)]
    pub(crate) verify: bool,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTest {
    pub(crate) command: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawGit {
    pub(crate) action: RawGitAction,
    pub(crate) message: Option<String>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
pub(crate) enum RawGitAction {
    Status,
    Diff,
    Log,
    Commit,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawWrite {
    pub(crate) path: String,
    pub(crate) content: String,
}
