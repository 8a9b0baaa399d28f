//! The front of the pipeline (DESIGN.md §1), shared by `ralex run` and the gateway:
//! understand a transcript (the command-parser plugin, then the target resolver)
//! and decide `command:run` on the intent for the person asking — audited with the
//! transcript only as a digest, before anything else happens.

use ralex_caps::workspace::Workspace;
use ralex_host::{CallContext, Host, Plugin};
use ralex_intent::Intent;
use ralex_policy::{Action, Decision, Resource};
use ralex_store::AuditRecord;
use sha2::{Digest, Sha256};

use crate::gate::Gate;
use crate::resolve::resolve;

/// A command as understood.
#[derive(Debug, Clone, PartialEq)]
pub struct Understood {
    /// The intent, targets resolved against the project.
    pub intent: Intent,
    /// The cleaned transcript.
    pub normalized: String,
}

/// Why a command could not be understood or decided.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// The parser plugin failed (its fault never takes the kernel down).
    #[error("could not understand the command: {0}")]
    Parser(String),
    /// The project folder cannot be opened.
    #[error("{0}")]
    Project(String),
    /// The audit trail could not be written, so nothing was done.
    #[error("cannot write the command to the audit trail, so it was not run: {0}")]
    Audit(String),
}

/// The intent's kind and risk as the contract spells them (`"edit"`, `"destructive"`).
pub fn kind_and_risk(intent: &Intent) -> (String, String) {
    let name = |v: serde_json::Value| v.as_str().unwrap_or("unknown").to_string();
    (
        name(serde_json::to_value(intent.kind).unwrap_or_default()),
        name(serde_json::to_value(intent.risk).unwrap_or_default()),
    )
}

/// Parses `transcript` with `parser` (a fresh sandboxed call that touches nothing;
/// `workflows` are the names it may recognise) and resolves its targets against
/// `workspace`.
pub async fn understand(
    host: &Host,
    parser: &Plugin,
    workspace: &Workspace,
    transcript: &str,
    workflows: &[String],
) -> Result<Understood, PipelineError> {
    let parsed = host
        .parse_command(parser, CallContext::default(), transcript, workflows)
        .await
        .map_err(|e| PipelineError::Parser(e.to_string()))?
        .value;
    let mut intent = parsed.intent;
    resolve(&mut intent, workspace);
    Ok(Understood {
        intent,
        normalized: parsed.normalized,
    })
}

impl Gate {
    /// Decides `command:run` on `intent` (its kind and risk) and audits it with the
    /// transcript's digest and `notes`. `confirmed` is the person's confirmation of
    /// exactly this intent; a denial's explanation is added to the audit entry.
    pub fn decide_command(
        &self,
        intent: &Intent,
        transcript: &str,
        confirmed: bool,
        notes: &[&str],
    ) -> Result<Decision, PipelineError> {
        let (kind, risk) = kind_and_risk(intent);
        let resource = Resource::Intent {
            kind: kind.clone(),
            risk: risk.clone(),
        };
        let decision = self.decide(Action::CommandRun, &resource, confirmed);
        let digest = hex::encode(Sha256::digest(transcript.as_bytes()));
        let mut detail: Vec<String> = notes.iter().map(|n| n.to_string()).collect();
        if !decision.allowed() {
            detail.push(decision.explain(
                self.who(),
                "command:run",
                &format!("a {risk} `{kind}` command"),
            ));
        }
        let record = AuditRecord {
            actor: self.actor(),
            action: Action::CommandRun.as_str(),
            resource: &resource.describe(),
            decision: decision.verdict.as_str(),
            rule: decision.rule_id(),
            args_digest: &digest,
            detail: &detail.join("; "),
        };
        // A dry run changes nothing: its allowed entry is written with relaxed
        // durability (on disk with the next synchronous commit). Anything that
        // acts, and every refusal, is on disk before the command goes on.
        let relaxed = notes.contains(&"dry run") && decision.allowed();
        if relaxed {
            self.append_relaxed(&record)
        } else {
            self.append(&record)
        }
        .map_err(PipelineError::Audit)?;
        Ok(decision)
    }
}
