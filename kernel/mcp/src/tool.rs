//! A tool as the WIT `mcp.tool` record describes it.
//!
//! Owns: [`Tool`] and its conversion from rmcp's tool description.

/// A tool an MCP server offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tool {
    /// The configured server name.
    pub server: String,
    /// The tool name, as given to [`crate::McpHub::call_tool`].
    pub name: String,
    /// What it does (empty when the server gives no description).
    pub description: String,
    /// JSON Schema of its input, as JSON text.
    pub input_schema_json: String,
}

impl Tool {
    /// The WIT view of a tool `server` listed.
    pub(crate) fn from_rmcp(server: &str, tool: &rmcp::model::Tool) -> Tool {
        Tool {
            server: server.to_owned(),
            name: tool.name.to_string(),
            description: tool.description.as_deref().unwrap_or_default().to_owned(),
            input_schema_json: serde_json::Value::Object((*tool.input_schema).clone()).to_string(),
        }
    }
}
