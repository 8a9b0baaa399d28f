//! The WIT face of the parser: converts between the generated types and [`crate::parse`].

use ralex_sdk::command_parser::exports::ralex::plugin::parser::{
    Guest, ParseRequest, ParsedCommand,
};
use ralex_sdk::command_parser::ralex::plugin::types::{
    Error, Intent, IntentKind, Param, Risk, Target,
};

use crate::parse::{self, Kind};

struct CommandParser;

impl Guest for CommandParser {
    fn parse(request: ParseRequest) -> Result<ParsedCommand, Error> {
        let parsed = parse::parse(&request.transcript, &request.workflows);
        Ok(ParsedCommand {
            normalized: parsed.normalized,
            intent: Intent {
                kind: kind(parsed.kind),
                targets: parsed
                    .targets
                    .into_iter()
                    .map(|t| Target {
                        phrase: Some(t.phrase),
                        path: t.path,
                        symbol: t.symbol,
                        line: t.line,
                    })
                    .collect(),
                params: parsed
                    .params
                    .into_iter()
                    .map(|(key, value)| Param { key, value })
                    .collect(),
                risk: match parsed.risk {
                    parse::Risk::ReadOnly => Risk::ReadOnly,
                    parse::Risk::Modify => Risk::Modify,
                    parse::Risk::Destructive => Risk::Destructive,
                },
                confidence: parsed.confidence,
            },
        })
    }
}

fn kind(k: Kind) -> IntentKind {
    match k {
        Kind::Read => IntentKind::Read,
        Kind::Search => IntentKind::Search,
        Kind::Explain => IntentKind::Explain,
        Kind::Edit => IntentKind::Edit,
        Kind::Create => IntentKind::Create,
        Kind::Refactor => IntentKind::Refactor,
        Kind::Fix => IntentKind::Fix,
        Kind::Test => IntentKind::Test,
        Kind::Git => IntentKind::Git,
        Kind::Undo => IntentKind::Undo,
        Kind::Workflow => IntentKind::Workflow,
        Kind::Analyze => IntentKind::Analyze,
        Kind::Docs => IntentKind::Docs,
        Kind::Chat => IntentKind::Chat,
        Kind::Unknown => IntentKind::Unknown,
    }
}

ralex_sdk::command_parser::export!(CommandParser);
