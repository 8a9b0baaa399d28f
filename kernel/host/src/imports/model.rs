//! `model`: chat requests through the call's [`ModelAccess`] (the model layer:
//! routing, providers, budgets, ledger). Here: the manifest must ask for
//! `model = true`; the model layer walks its chain and asks this gate, through an
//! observer, whether the policy allows `model:call` on each model before it is
//! tried — so a fallback is decided and audited like the first choice. Every
//! attempt is metered and audited by the model layer. Plugins never see keys.

use ralex_models::{Call, ModelError, ModelSpec, Observer};
use ralex_policy::{Action, Resource};

use super::error;
use super::wit::model::{ChatRequest, ChatResponse, Host, Message, Role, ToolCall};
use super::wit::types::Usage;
use crate::bindings::{ErrorCode, WitError};
use crate::model::DeltaSink;
use crate::state::CallState;

fn to_model(m: Message) -> ralex_models::Message {
    ralex_models::Message {
        role: match m.role {
            Role::System => ralex_models::Role::System,
            Role::User => ralex_models::Role::User,
            Role::Assistant => ralex_models::Role::Assistant,
            Role::Tool => ralex_models::Role::Tool,
        },
        content: m.content,
        tool_calls: m
            .tool_calls
            .into_iter()
            .map(|c| ralex_models::ToolCall {
                id: c.id,
                name: c.name,
                arguments: c.arguments_json,
            })
            .collect(),
        tool_call_id: m.tool_call_id,
    }
}

fn to_wit(m: ralex_models::Message) -> Message {
    Message {
        role: match m.role {
            ralex_models::Role::System => Role::System,
            ralex_models::Role::User => Role::User,
            ralex_models::Role::Assistant => Role::Assistant,
            ralex_models::Role::Tool => Role::Tool,
        },
        content: m.content,
        tool_calls: m
            .tool_calls
            .into_iter()
            .map(|c| ToolCall {
                id: c.id,
                name: c.name,
                arguments_json: c.arguments,
            })
            .collect(),
        tool_call_id: m.tool_call_id,
    }
}

fn code_of(e: &ModelError) -> ErrorCode {
    match e {
        ModelError::Unavailable(_) | ModelError::Failed(_) => ErrorCode::Unavailable,
        ModelError::Budget(_) => ErrorCode::LimitExceeded,
        ModelError::Denied(_) => ErrorCode::Denied,
        ModelError::Invalid(_) => ErrorCode::InvalidInput,
        ModelError::Ledger(_) => ErrorCode::Internal,
    }
}

/// The policy gate and stream relay the model layer sees.
struct Gate<'a> {
    state: &'a mut CallState,
    prompt: &'a [u8],
    on_delta: Option<DeltaSink>,
}

impl Observer for Gate<'_> {
    fn authorize(&mut self, model: &ModelSpec) -> Result<(), String> {
        let resource = Resource::Model {
            name: model.name.clone(),
            provider: model.provider.clone(),
            local: model.local,
        };
        let args: [&[u8]; 2] = [model.name.as_bytes(), self.prompt];
        // Relaxed: the attempt's ledger row, written synchronously right after the
        // provider answers, makes this decision durable with it.
        self.state
            .authorize_read(Action::ModelCall, &resource, &args)
            .map_err(|e| e.message)
    }

    fn delta(&mut self, text: &str) {
        if let Some(sink) = &self.on_delta {
            sink(text);
        }
    }

    fn note(&mut self, text: &str) {
        tracing::info!(plugin = %self.state.plugin.name, "{text}");
    }
}

impl Host for CallState {
    async fn chat(&mut self, request: ChatRequest) -> Result<ChatResponse, WitError> {
        let asked = request.model.clone();
        let prompt: Vec<u8> = request
            .messages
            .iter()
            .flat_map(|m| m.content.as_bytes().iter().copied())
            .collect();
        let Some(access) = self.context.model.clone() else {
            let name = asked.clone().unwrap_or_else(|| "router".into());
            let resource = Resource::Model {
                name: name.clone(),
                provider: String::new(),
                local: false,
            };
            let args: [&[u8]; 2] = [name.as_bytes(), &prompt];
            if !self.plugin.model {
                return Err(self.refuse_by_manifest(
                    Action::ModelCall,
                    &resource,
                    &args,
                    "its manifest does not ask for it (add `model = true` under [permissions])",
                ));
            }
            self.authorize(Action::ModelCall, &resource, &args)?;
            return Err(error(
                ErrorCode::Unavailable,
                "no model is configured: add [[providers]] and [[models]] to ralex.toml, set a provider key such as OPENAI_API_KEY, or set RALEX_OPENAI_BASE_URL and RALEX_MODEL",
            ));
        };
        if !self.plugin.model {
            let name = asked.clone().unwrap_or_else(|| "router".into());
            let resource = Resource::Model {
                name: name.clone(),
                provider: String::new(),
                local: false,
            };
            let args: [&[u8]; 2] = [name.as_bytes(), &prompt];
            return Err(self.refuse_by_manifest(
                Action::ModelCall,
                &resource,
                &args,
                "its manifest does not ask for it (add `model = true` under [permissions])",
            ));
        }
        if let Some(spend) = &access.spend {
            spend
                .admit()
                .map_err(|why| error(ErrorCode::LimitExceeded, why))?;
        }
        let chat = ralex_models::ChatRequest {
            messages: request.messages.into_iter().map(to_model).collect(),
            tools: request
                .tools
                .into_iter()
                .map(|t| ralex_models::ToolSpec {
                    name: t.name,
                    description: t.description,
                    parameters: t.parameters_json,
                })
                .collect(),
            max_tokens: request.max_tokens,
            temperature: request.temperature,
        };
        let plugin = self.plugin.name.clone();
        let actor = self.plugin.actor.clone();
        let call = Call {
            model: asked.as_deref(),
            route: access.route.as_ref(),
            session: access.session.as_deref(),
            kind: &access.kind,
            risk: &access.risk,
            latency: access.latency,
            stream: access.on_delta.is_some(),
            ..Call::new(&chat, &actor, &plugin)
        };
        let mut gate = Gate {
            state: self,
            prompt: &prompt,
            on_delta: access.on_delta.clone(),
        };
        let answer = access
            .models
            .chat(call, &mut gate)
            .await
            .map_err(|e| error(code_of(&e), e.to_string()))?;
        if let Some(spend) = &access.spend {
            spend.add(
                &answer.model,
                answer.total_cost_nusd,
                u64::from(answer.input_tokens),
                u64::from(answer.output_tokens),
            );
        }
        Ok(ChatResponse {
            model: answer.model.clone(),
            finish_reason: answer.completion.finish_reason.as_str().to_string(),
            usage: Usage {
                input_tokens: answer.input_tokens,
                output_tokens: answer.output_tokens,
                cost_usd: answer.cost_usd(),
            },
            message: to_wit(answer.completion.message),
        })
    }
}
