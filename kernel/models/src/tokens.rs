//! Token estimates before a request is sent (for budget reservations, context
//! checks and the router). The provider's own counts replace them afterwards.
//!
//! The estimate is deliberately on the high side: about one token per 3.5 bytes of
//! text (BPE tokenisers average ~4 bytes per token on English and code; UTF-8
//! non-Latin text runs closer to 3), plus a per-message overhead for roles and
//! framing, plus the tools' JSON schemas, which providers inject into the prompt.

use crate::types::ChatRequest;

/// Framing tokens per message (role, separators).
const PER_MESSAGE: u64 = 4;
/// Framing tokens per tool call in a message.
const PER_TOOL_CALL: u64 = 8;

/// Tokens for `bytes` bytes of text.
pub fn text_tokens(bytes: usize) -> u64 {
    (bytes as u64 * 2).div_ceil(7)
}

/// Estimated prompt tokens of a request.
pub fn prompt_tokens(request: &ChatRequest) -> u64 {
    let messages: u64 = request
        .messages
        .iter()
        .map(|m| {
            PER_MESSAGE
                + text_tokens(m.content.len())
                + m.tool_calls
                    .iter()
                    .map(|c| PER_TOOL_CALL + text_tokens(c.name.len() + c.arguments.len()))
                    .sum::<u64>()
        })
        .sum();
    let tools: u64 = request
        .tools
        .iter()
        .map(|t| {
            PER_TOOL_CALL + text_tokens(t.name.len() + t.description.len() + t.parameters.len())
        })
        .sum();
    messages + tools + 3
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{Message, Role, ToolSpec};

    #[test]
    fn estimates_grow_with_text_and_tools_and_err_high() {
        let empty = ChatRequest::default();
        assert_eq!(prompt_tokens(&empty), 3);
        let mut request = ChatRequest {
            messages: vec![Message::text(Role::User, "x".repeat(3500))],
            ..ChatRequest::default()
        };
        let plain = prompt_tokens(&request);
        assert_eq!(plain, 3 + 4 + 1000);
        request.tools.push(ToolSpec {
            name: "read_file".into(),
            description: "Read a file".into(),
            parameters: r#"{"type":"object"}"#.into(),
        });
        assert!(prompt_tokens(&request) > plain);
        // ~4 bytes/token in reality: the estimate must not be below it.
        assert!(text_tokens(4000) >= 1000);
    }
}
