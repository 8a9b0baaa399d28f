//! The answer to one policy question, and how it reads to a person.
//!
//! Owns: [`Decision`] (allow / deny / needs-confirmation, the deciding rules, any
//! evaluation errors) and its plain-words explanation used by denials, the audit
//! trail and `ralex policy explain`.

use crate::engine::{Rule, RuleEffect};

/// The outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Go ahead.
    Allow,
    /// Refused.
    Deny,
    /// Refused until the person confirms (a rule annotated `@confirm` denied it).
    NeedsConfirmation,
}

impl Verdict {
    /// "allow", "deny" or "needs-confirmation", as the audit trail records it.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Allow => "allow",
            Verdict::Deny => "deny",
            Verdict::NeedsConfirmation => "needs-confirmation",
        }
    }
}

/// A decision with the rules that made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Allow, deny or needs-confirmation.
    pub verdict: Verdict,
    /// The deciding rules: the permits that allowed, or the forbids that denied
    /// (empty for a deny by default).
    pub rules: Vec<Rule>,
    /// Evaluation errors (they deny).
    pub errors: Vec<String>,
}

impl Decision {
    pub(crate) fn new(verdict: Verdict, rules: Vec<Rule>, errors: Vec<String>) -> Decision {
        Decision {
            verdict,
            rules,
            errors,
        }
    }

    /// True when allowed.
    pub fn allowed(&self) -> bool {
        self.verdict == Verdict::Allow
    }

    /// The rule people should be told about: the first forbid, else the first permit.
    pub fn rule(&self) -> Option<&Rule> {
        self.rules
            .iter()
            .find(|r| r.effect == RuleEffect::Forbid)
            .or_else(|| self.rules.first())
    }

    /// The deciding rule's id, or `"default-deny"` when nothing permitted.
    pub fn rule_id(&self) -> &str {
        match self.rule() {
            Some(rule) => &rule.id,
            None if self.errors.is_empty() => "default-deny",
            None => "evaluation-error",
        }
    }

    /// One sentence: what was decided, by which rule (with its location) and why.
    /// `who`, `what` and `on` fill in the deny-by-default case.
    pub fn explain(&self, who: &str, what: &str, on: &str) -> String {
        let because = |rule: &Rule| match &rule.reason {
            Some(reason) => format!("rule `{}` ({}): {reason}", rule.id, rule.location),
            None => format!("rule `{}` ({})", rule.id, rule.location),
        };
        match (self.verdict, self.rule()) {
            (Verdict::Allow, Some(rule)) => format!("allowed by {}", because(rule)),
            (Verdict::Allow, None) => "allowed".to_string(),
            (Verdict::NeedsConfirmation, Some(rule)) => {
                format!("needs confirmation: {}", because(rule))
            }
            (_, Some(rule)) => {
                let others: Vec<String> = self
                    .rules
                    .iter()
                    .filter(|r| r.effect == RuleEffect::Forbid && r.id != rule.id)
                    .map(|r| format!("`{}`", r.id))
                    .collect();
                if others.is_empty() {
                    format!("denied by {}", because(rule))
                } else {
                    format!(
                        "denied by {} (also by {})",
                        because(rule),
                        others.join(", ")
                    )
                }
            }
            (_, None) if !self.errors.is_empty() => format!(
                "denied because a policy failed to evaluate ({}); fix the policy, then retry",
                self.errors.join("; ")
            ),
            (_, None) => format!(
                "denied: no policy permits {who} to {what} {on} (Ralex denies by default); \
                 grant it with a permit rule in $RALEX_HOME/policies/"
            ),
        }
    }
}
