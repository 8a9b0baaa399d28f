//! Calls into `command-parser` plugins, with the WIT intent converted into the
//! kernel's contract type ([`ralex_intent::Intent`]).

use ralex_intent::Intent;

use super::intent::intent_from_wit;
use crate::bindings::command_parser::exports::ralex::plugin::parser::ParseRequest;
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
