//! A tool result as the JSON text a plugin gets.
//!
//! Owns: the shape of that text — `{"content": [...], "is_error": bool}`, plus
//! `"structured_content"` when the server sent one — and the size limit on it.
//!
//! Must never: hand out a result larger than the limit, even in part.

use rmcp::model::CallToolResult;
use serde_json::{Map, Value};

use crate::McpError;

/// The JSON text of `result` of `tool` on `server`, at most `limit` bytes.
pub(crate) fn to_json_text(
    server: &str,
    tool: &str,
    result: CallToolResult,
    limit: usize,
) -> Result<String, McpError> {
    let mut object = Map::new();
    let content = serde_json::to_value(&result.content).map_err(|error| McpError::Internal {
        server: server.to_owned(),
        reason: format!("cannot encode the result of tool `{tool}`: {error}"),
    })?;
    object.insert("content".to_owned(), content);
    object.insert(
        "is_error".to_owned(),
        Value::Bool(result.is_error.unwrap_or(false)),
    );
    if let Some(structured) = result.structured_content {
        object.insert("structured_content".to_owned(), structured);
    }
    let text = Value::Object(object).to_string();
    if text.len() > limit {
        return Err(McpError::TooLarge {
            server: server.to_owned(),
            tool: tool.to_owned(),
            size: text.len(),
            limit,
        });
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use rmcp::model::ContentBlock;

    use super::*;

    #[test]
    fn content_and_error_flag_are_kept() {
        let text = to_json_text(
            "s",
            "t",
            CallToolResult::error(vec![ContentBlock::text("boom")]),
            1024,
        )
        .unwrap();
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["is_error"], Value::Bool(true));
        assert_eq!(value["content"][0]["type"], "text");
        assert_eq!(value["content"][0]["text"], "boom");
        assert!(value.get("structured_content").is_none());
    }

    #[test]
    fn the_limit_is_on_the_whole_text() {
        let result = CallToolResult::success(vec![ContentBlock::text("x".repeat(100))]);
        let error = to_json_text("s", "t", result.clone(), 100).unwrap_err();
        assert!(
            matches!(error, McpError::TooLarge { limit: 100, .. }),
            "{error}"
        );
        assert!(to_json_text("s", "t", result, 200).is_ok());
    }
}
