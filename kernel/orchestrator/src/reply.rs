//! Building answers for one command: from a status and a sentence, from a direct
//! execution's outcome, or for a failure before the intent was known.

use ralex_intent::Intent;

use crate::answer::{Answer, Status};
use crate::direct::Outcome;
use crate::orchestrator::Ctx;

impl Ctx<'_> {
    /// An answer about `intent` with nothing changed.
    pub(crate) fn answer(&self, intent: &Intent, status: Status, response: String) -> Answer {
        Answer {
            session_id: self.request.session_id.clone(),
            status,
            intent: serde_json::to_value(intent).unwrap_or_default(),
            normalized: None,
            dry_run: self.request.dry_run,
            response,
            changes: Vec::new(),
            model: None,
            cost_usd: 0.0,
            undo_id: None,
            output: None,
            tests: None,
            confirmation_id: None,
            notes: Vec::new(),
        }
    }

    /// A failure, with the intent when it is known.
    pub(crate) fn failed(&self, intent: Option<&Intent>, response: String) -> Answer {
        let unknown = Intent {
            kind: ralex_intent::IntentKind::Unknown,
            targets: Vec::new(),
            params: Default::default(),
            risk: ralex_intent::Risk::ReadOnly,
            confidence: 0.0,
        };
        self.answer(intent.unwrap_or(&unknown), Status::Failed, response)
    }

    /// The answer of a directly executed intent.
    pub(crate) fn outcome_answer(&self, intent: &Intent, outcome: Outcome) -> Answer {
        let mut answer = self.answer(intent, outcome.status, outcome.response);
        answer.output = outcome.output;
        answer.tests = outcome.tests;
        answer.changes = outcome.changes;
        answer
    }
}
