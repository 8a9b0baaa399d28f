//! `{{name}}`: a keyword command parser. Set `[pipeline] command_parser =
//! "{{name}}"` in ralex.toml to use it instead of the shipped one.

use ralex_sdk::command_parser::exports::ralex::plugin::parser::{Guest, ParseRequest, ParsedCommand};
use ralex_sdk::command_parser::ralex::plugin::types::{Error, Intent, IntentKind, Risk};

struct Parser;

impl Guest for Parser {
    fn parse(request: ParseRequest) -> Result<ParsedCommand, Error> {
        let normalized = request.transcript.trim().to_lowercase();
        let (kind, risk, confidence) = if normalized.contains("test") {
            (IntentKind::Test, Risk::ReadOnly, 0.9)
        } else if normalized.starts_with("git") || normalized.contains("commit") {
            (IntentKind::Git, Risk::Modify, 0.7)
        } else if normalized.starts_with("undo") {
            (IntentKind::Undo, Risk::Modify, 0.9)
        } else {
            (IntentKind::Chat, Risk::ReadOnly, 0.3)
        };
        Ok(ParsedCommand {
            normalized,
            intent: Intent { kind, targets: vec![], params: vec![], risk, confidence },
        })
    }
}

ralex_sdk::command_parser::export!(Parser);
