//! The WIT face of the enhancer: converts between the generated types and
//! [`crate::request`], and reads the notes through the `workspace` import.
//!
//! Holds no logic of its own; everything it calls is tested natively.

use ralex_sdk::prompt_enhancer::exports::ralex::plugin::enhancer::{
    ContextItem, EnhanceRequest, EnhancedPrompt, Guest,
};
use ralex_sdk::prompt_enhancer::ralex::plugin::types::{Error, ErrorCode, IntentKind};
use ralex_sdk::prompt_enhancer::ralex::plugin::workspace::{self, EntryKind};

use crate::enhance::enhance;
use crate::notes::{Failure, FileSource};
use crate::request::{Kind, Request, Target};

struct PromptEnhancer;

impl Guest for PromptEnhancer {
    fn enhance(request: EnhanceRequest) -> Result<EnhancedPrompt, Error> {
        let request = Request {
            kind: kind(request.intent.kind),
            targets: request
                .intent
                .targets
                .into_iter()
                .map(|t| Target {
                    path: t.path,
                    symbol: t.symbol,
                })
                .collect(),
            command: request.command,
            context_sources: request.context.into_iter().map(|c| c.source).collect(),
            budget_tokens: request.budget_tokens,
        };
        let enhanced = enhance(&request, &Workspace, &workspace::project_name());
        if let Some(totals) = enhanced.notes.last() {
            ralex_sdk::log::debug(totals);
        }
        Ok(EnhancedPrompt {
            system: enhanced.system,
            added: enhanced
                .added
                .into_iter()
                .map(|item| ContextItem {
                    source: item.source,
                    content: item.content,
                })
                .collect(),
            notes: enhanced.notes,
        })
    }
}

/// The project's files through the `workspace` import.
struct Workspace;

impl FileSource for Workspace {
    fn read(&self, path: &str) -> Result<String, Failure> {
        workspace::read(path).map_err(|e| match e.code {
            // `read` fails with invalid-input when the file is not UTF-8.
            ErrorCode::InvalidInput => Failure::NotText,
            _ => failure(e),
        })
    }

    fn list_files(&self, dir: &str) -> Result<Vec<String>, Failure> {
        let entries = workspace::list_dir(dir, false).map_err(failure)?;
        Ok(entries
            .into_iter()
            .filter(|e| e.kind != EntryKind::Directory)
            .map(|e| e.path)
            .collect())
    }
}

fn failure(e: Error) -> Failure {
    match e.code {
        ErrorCode::NotFound => Failure::NotFound,
        ErrorCode::Denied => Failure::Denied,
        ErrorCode::TooLarge => Failure::TooLarge,
        _ => Failure::Other(e.message),
    }
}

fn kind(k: IntentKind) -> Kind {
    match k {
        IntentKind::Read => Kind::Read,
        IntentKind::Search => Kind::Search,
        IntentKind::Explain => Kind::Explain,
        IntentKind::Edit => Kind::Edit,
        IntentKind::Create => Kind::Create,
        IntentKind::Refactor => Kind::Refactor,
        IntentKind::Fix => Kind::Fix,
        IntentKind::Test => Kind::Test,
        IntentKind::Git => Kind::Git,
        IntentKind::Undo => Kind::Undo,
        IntentKind::Workflow => Kind::Workflow,
        IntentKind::Analyze => Kind::Analyze,
        IntentKind::Docs => Kind::Docs,
        IntentKind::Chat => Kind::Chat,
        IntentKind::Unknown => Kind::Unknown,
    }
}

ralex_sdk::prompt_enhancer::export!(PromptEnhancer);
