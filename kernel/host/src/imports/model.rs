//! `model`: chat requests through the call's [`ModelBackend`] (the model layer:
//! providers, routing, budgets). Here: the manifest must ask for `model = true`,
//! the policy must allow `model:call` on the model, and every call is audited —
//! the decision before it is sent, and the tokens and cost after it answered.
//! Plugins never see keys: the backend holds them.

use ralex_policy::{Action, Resource};
use ralex_store::AuditRecord;

use super::wit::model::{ChatRequest, ChatResponse, Host, Message, Role, ToolCall};
use super::wit::types::Usage;
use super::{code_of, error};
use crate::bindings::{ErrorCode, WitError};
use crate::model::{ModelMessage, ModelRequest};
use crate::state::CallState;

fn role_name(role: Role) -> &'static str {
    match role {
        Role::System => "system",
        Role::User => "user",
        Role::Assistant => "assistant",
        Role::Tool => "tool",
    }
}

fn role_of(name: &str) -> Role {
    match name {
        "system" => Role::System,
        "user" => Role::User,
        "tool" => Role::Tool,
        _ => Role::Assistant,
    }
}

fn to_model(m: Message) -> ModelMessage {
    ModelMessage {
        role: role_name(m.role).to_string(),
        content: m.content,
        tool_calls: m
            .tool_calls
            .into_iter()
            .map(|c| (c.id, c.name, c.arguments_json))
            .collect(),
        tool_call_id: m.tool_call_id,
    }
}

fn to_wit(m: ModelMessage) -> Message {
    Message {
        role: role_of(&m.role),
        content: m.content,
        tool_calls: m
            .tool_calls
            .into_iter()
            .map(|(id, name, arguments_json)| ToolCall {
                id,
                name,
                arguments_json,
            })
            .collect(),
        tool_call_id: m.tool_call_id,
    }
}

impl Host for CallState {
    async fn chat(&mut self, request: ChatRequest) -> Result<ChatResponse, WitError> {
        let asked = request.model.clone();
        let backend = self.context.model.clone();
        let (name, provider, local) = match &backend {
            Some(b) => b.describe(asked.as_deref()),
            None => (
                asked.clone().unwrap_or_else(|| "router".into()),
                String::new(),
                false,
            ),
        };
        let resource = Resource::Model {
            name: name.clone(),
            provider,
            local,
        };
        let prompt: String = request
            .messages
            .iter()
            .map(|m| m.content.as_str())
            .collect();
        let args: [&[u8]; 2] = [name.as_bytes(), prompt.as_bytes()];
        if !self.plugin.model {
            return Err(self.refuse_by_manifest(
                Action::ModelCall,
                &resource,
                &args,
                "its manifest does not ask for it (add `model = true` under [permissions])",
            ));
        }
        self.authorize(Action::ModelCall, &resource, &args)?;
        let backend = backend.ok_or_else(|| {
            error(
                ErrorCode::Unavailable,
                "no model is configured: add [[providers]] and [[models]] to ralex.toml, or set RALEX_OPENAI_BASE_URL and RALEX_MODEL",
            )
        })?;
        let answer = backend
            .chat(ModelRequest {
                plugin: self.plugin.name.clone(),
                model: asked,
                messages: request.messages.into_iter().map(to_model).collect(),
                tools: request
                    .tools
                    .into_iter()
                    .map(|t| (t.name, t.description, t.parameters_json))
                    .collect(),
                max_tokens: request.max_tokens,
                temperature: request.temperature,
            })
            .await
            .map_err(|f| error(code_of(f.code), f.message))?;
        // Meter: the answer's tokens and cost go into the audit trail.
        let detail = format!(
            "{} input + {} output tokens, ${:.6}",
            answer.input_tokens, answer.output_tokens, answer.cost_usd
        );
        self.kernel_store
            .audit_append(&AuditRecord {
                actor: &self.plugin.actor,
                action: "model:usage",
                resource: &format!("model `{}`", answer.model),
                decision: "ok",
                rule: "",
                args_digest: "",
                detail: &detail,
            })
            .map_err(|e| {
                error(
                    ErrorCode::Internal,
                    format!("the model answered but its cost could not be recorded: {e}"),
                )
            })?;
        Ok(ChatResponse {
            model: answer.model,
            message: to_wit(answer.message),
            finish_reason: answer.finish_reason,
            usage: Usage {
                input_tokens: answer.input_tokens,
                output_tokens: answer.output_tokens,
                cost_usd: answer.cost_usd,
            },
        })
    }
}
