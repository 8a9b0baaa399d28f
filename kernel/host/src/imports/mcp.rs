//! `mcp`: tools of the MCP servers configured for the kernel, through
//! `ralex-mcp`. A plugin sees and calls only the servers its manifest lists
//! (`[permissions] mcp.servers`) and the policy grants (`mcp:call` on
//! `server/tool`); each call is audited with a digest of its arguments.

use ralex_policy::{Action, Resource};

use super::error;
use super::wit::mcp::{Host, Tool};
use crate::bindings::{ErrorCode, WitError};
use crate::state::CallState;

impl CallState {
    fn mcp_hub(&self) -> Result<std::sync::Arc<ralex_mcp::McpHub>, WitError> {
        self.context.mcp.clone().ok_or_else(|| {
            error(
                ErrorCode::Unavailable,
                "no MCP servers are configured for this kernel (add [[mcp_servers]] to ralex.toml)",
            )
        })
    }
}

impl Host for CallState {
    async fn list_tools(&mut self) -> Result<Vec<Tool>, WitError> {
        let hub = self.mcp_hub()?;
        let mut tools = Vec::new();
        for server in hub.servers() {
            if !self.plugin.mcp_servers.iter().any(|s| s == &server) {
                continue;
            }
            let listed = hub
                .list_tools(&server)
                .await
                .map_err(|e| self.provider_error(e.kind(), e.to_string(), None))?;
            for tool in listed {
                let resource = Resource::McpTool {
                    server: tool.server.clone(),
                    tool: tool.name.clone(),
                };
                if self.permits(Action::McpCall, &resource) {
                    tools.push(Tool {
                        server: tool.server,
                        name: tool.name,
                        description: tool.description,
                        input_schema_json: tool.input_schema_json,
                    });
                }
            }
        }
        Ok(tools)
    }

    async fn call_tool(
        &mut self,
        server: String,
        name: String,
        arguments_json: String,
    ) -> Result<String, WitError> {
        let resource = Resource::McpTool {
            server: server.clone(),
            tool: name.clone(),
        };
        let args: [&[u8]; 3] = [
            server.as_bytes(),
            name.as_bytes(),
            arguments_json.as_bytes(),
        ];
        if !self.plugin.mcp_servers.iter().any(|s| s == &server) {
            return Err(self.refuse_by_manifest(
                Action::McpCall,
                &resource,
                &args,
                "its manifest does not list this server (add it to `mcp = { servers = [...] }` under [permissions])",
            ));
        }
        let hub = self.mcp_hub()?;
        self.authorize(Action::McpCall, &resource, &args)?;
        hub.call_tool(&server, &name, &arguments_json)
            .await
            .map_err(|e| self.provider_error(e.kind(), e.to_string(), None))
    }
}
