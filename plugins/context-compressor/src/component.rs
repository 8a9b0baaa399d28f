//! The WIT face of the compressor: converts between the generated types and
//! [`crate::compress`], and reaches the model through the `model` import.
//!
//! Glue only: no decisions are made here.

use ralex_sdk::context_compressor::exports::ralex::plugin::compressor::{
    CompressRequest, Compressed, Guest,
};
use ralex_sdk::context_compressor::ralex::plugin::model::{self, ChatRequest, Message, Role};
use ralex_sdk::context_compressor::ralex::plugin::types::{Error, ErrorCode};

use crate::compress::{self, Chat, Code, Failure, Model, Reply, Request};

struct ContextCompressor;

impl Guest for ContextCompressor {
    fn compress(request: CompressRequest) -> Result<Compressed, Error> {
        let request = Request {
            notes: request.notes,
            budget_tokens: request.budget_tokens,
        };
        let out = compress::compress(&mut Imports, &request).map_err(wit_error)?;
        ralex_sdk::log::debug(&format!(
            "compressed {} notes: {} bytes of summary, {} kept word for word",
            request.notes.len(),
            out.summary.len(),
            out.kept_verbatim.len()
        ));
        Ok(Compressed {
            summary: out.summary,
            kept_verbatim: out.kept_verbatim,
        })
    }
}

/// The real `model` import.
struct Imports;

impl Model for Imports {
    fn chat(&mut self, chat: Chat) -> Result<Reply, Failure> {
        let message = |role, content| Message {
            role,
            content,
            tool_calls: Vec::new(),
            tool_call_id: None,
        };
        let request = ChatRequest {
            // None: the kernel routes by the kind of work it set for this call.
            model: None,
            messages: vec![
                message(Role::System, chat.system),
                message(Role::User, chat.user),
            ],
            tools: Vec::new(),
            max_tokens: Some(chat.max_tokens),
            temperature: Some(chat.temperature),
        };
        let response = model::chat(&request).map_err(plain_error)?;
        Ok(Reply {
            model: response.model,
            text: response.message.content,
            finish_reason: response.finish_reason,
        })
    }
}

fn plain_error(e: Error) -> Failure {
    let code = match e.code {
        ErrorCode::InvalidInput | ErrorCode::TooLarge => Code::InvalidInput,
        ErrorCode::Denied => Code::Denied,
        ErrorCode::LimitExceeded => Code::LimitExceeded,
        ErrorCode::Unavailable | ErrorCode::NotFound => Code::Unavailable,
        ErrorCode::Conflict | ErrorCode::Internal => Code::Internal,
    };
    Failure::new(code, e.message)
}

fn wit_error(f: Failure) -> Error {
    let code = match f.code {
        Code::InvalidInput => ErrorCode::InvalidInput,
        Code::Denied => ErrorCode::Denied,
        Code::LimitExceeded => ErrorCode::LimitExceeded,
        Code::Unavailable => ErrorCode::Unavailable,
        Code::Internal => ErrorCode::Internal,
    };
    Error {
        code,
        message: f.message,
    }
}

ralex_sdk::context_compressor::export!(ContextCompressor);
