//! One model of the chain: attempts until it answers, fails for good, or asks for
//! a longer wait than we give — each attempt metered in the ledger together with
//! its audit entry, and what a provider echoed back cleaned of the key.

use std::time::{Duration, Instant};

use ralex_store::{AuditRecord, LedgerRecord, NANO_USD};

use crate::catalogue::ModelSpec;
use crate::error::{Failure, FailureKind, ModelError};
use crate::models::{Answer, Call, Models, Observer, now_ms};
use crate::provider::{Provider, Timeouts};
use crate::retry::{Backoff, Wait};
use crate::tokens;

/// Progress of one model in the chain.
pub(crate) enum Tried {
    Answered(Box<Answer>),
    Failed(String),
}

fn dollars(nusd: i64) -> String {
    format!("${:.6}", nusd as f64 / NANO_USD as f64)
}

impl Models {
    /// Attempts on one model until it answers, fails for good, or the provider
    /// asks for a longer wait than we give.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn try_model(
        &self,
        call: &Call<'_>,
        model: &ModelSpec,
        provider: &Provider,
        max_out: u32,
        estimate: i64,
        prompt: u64,
        observer: &mut dyn Observer,
        attempts: &mut u32,
        spent_nusd: &mut i64,
    ) -> Result<Tried, ModelError> {
        let body = provider
            .body(model, call.request, max_out, call.stream)
            .map_err(ModelError::Invalid)?;
        let backoff = Backoff {
            base: Duration::from_millis(self.calls.base_delay_ms),
            max: Duration::from_millis(self.calls.max_delay_ms),
        };
        let timeouts = Timeouts {
            headers: Duration::from_secs(self.calls.timeout_s),
            idle: Duration::from_secs(self.calls.idle_timeout_s),
        };
        let max_attempts = self.calls.max_attempts.max(1);
        let mut attempt = 0;
        loop {
            attempt += 1;
            *attempts += 1;
            observer.attempt(&model.name, attempt);
            let started = Instant::now();
            let result = {
                let mut on_delta = |text: &str| observer.delta(text);
                provider
                    .send(&body, call.stream, timeouts, &mut on_delta)
                    .await
            };
            let elapsed = started.elapsed();
            match result {
                Ok(completion) => {
                    self.health.success(&provider.spec().config.name);
                    // The provider's counts when given; our estimate otherwise.
                    let input = completion
                        .input_tokens
                        .unwrap_or(prompt.min(u32::MAX as u64) as u32);
                    let output = completion.output_tokens.unwrap_or_else(|| {
                        (tokens::text_tokens(completion.message.content.len())
                            + completion
                                .message
                                .tool_calls
                                .iter()
                                .map(|c| tokens::text_tokens(c.arguments.len() + c.name.len()))
                                .sum::<u64>())
                        .min(u32::MAX as u64) as u32
                    });
                    let counted =
                        completion.input_tokens.is_some() && completion.output_tokens.is_some();
                    let cost = model.cost_nusd(u64::from(input), u64::from(output));
                    let outcome = if counted { "ok" } else { "ok-estimated" };
                    self.meter(
                        call,
                        model,
                        "model:attempt",
                        attempt,
                        outcome,
                        input,
                        output,
                        cost,
                        estimate,
                        elapsed,
                        "",
                    )?;
                    *spent_nusd += cost;
                    let mut notes = Vec::new();
                    if !counted {
                        notes.push(format!(
                            "`{}` did not report token counts; the cost is estimated",
                            model.name
                        ));
                    }
                    return Ok(Tried::Answered(Box::new(Answer {
                        model: model.name.clone(),
                        provider: model.provider.clone(),
                        completion,
                        input_tokens: input,
                        output_tokens: output,
                        cost_nusd: cost,
                        total_cost_nusd: 0,
                        attempts: 0,
                        reason: None,
                        notes,
                    })));
                }
                Err(failure) => {
                    let failure = redact(failure, provider);
                    // A broken stream was generated (and billed) up to where it broke.
                    let (input, output) = if failure.partial_output.is_empty() {
                        (0, 0)
                    } else {
                        (
                            prompt.min(u32::MAX as u64) as u32,
                            tokens::text_tokens(failure.partial_output.len()).min(u32::MAX as u64)
                                as u32,
                        )
                    };
                    let cost = model.cost_nusd(u64::from(input), u64::from(output));
                    self.meter(
                        call,
                        model,
                        "model:attempt",
                        attempt,
                        failure.kind.as_str(),
                        input,
                        output,
                        cost,
                        estimate,
                        elapsed,
                        &failure.to_string(),
                    )?;
                    *spent_nusd += cost;
                    tracing::warn!(model = %model.name, attempt, failure = %failure, "model attempt failed");
                    let provider_name = &provider.spec().config.name;
                    if failure.kind.counts_against_provider()
                        && self.health.failure(provider_name, failure.retry_after)
                    {
                        observer.note(&format!(
                            "provider `{provider_name}` is cooling down after repeated failures"
                        ));
                    }
                    if !failure.kind.retryable() || attempt >= max_attempts {
                        return Ok(Tried::Failed(describe(&failure, attempt)));
                    }
                    if self.health.cooling(provider_name) {
                        return Ok(Tried::Failed(format!(
                            "{}; provider cooling down",
                            describe(&failure, attempt)
                        )));
                    }
                    match backoff.wait(attempt, failure.retry_after) {
                        Wait::Retry(delay) => tokio::time::sleep(delay).await,
                        Wait::GiveUp(asked) => {
                            // It will not take requests before then: nobody should try.
                            self.health.cool_for(provider_name, asked);
                            return Ok(Tried::Failed(format!(
                                "{}; it asks to wait {} s, longer than [model_calls] max_delay_ms",
                                describe(&failure, attempt),
                                asked.as_secs()
                            )));
                        }
                    }
                }
            }
        }
    }

    /// Records one attempt in the ledger together with its audit entry
    /// (`action`: `model:attempt`, `model:transcribe`).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn meter(
        &self,
        call: &Call<'_>,
        model: &ModelSpec,
        action: &str,
        attempt: u32,
        outcome: &str,
        input: u32,
        output: u32,
        cost: i64,
        estimate: i64,
        elapsed: Duration,
        failure: &str,
    ) -> Result<(), ModelError> {
        let mut detail = format!(
            "attempt {attempt}: {input} input + {output} output tokens, {} (reserved {}), {} ms",
            dollars(cost),
            dollars(estimate),
            elapsed.as_millis()
        );
        if !failure.is_empty() {
            detail.push_str("; ");
            detail.push_str(failure);
        }
        let resource = format!("model `{}` via `{}`", model.name, model.provider);
        self.store
            .ledger_record(
                &LedgerRecord {
                    at_ms: now_ms(),
                    session: call.session.unwrap_or_default(),
                    plugin: call.plugin,
                    model: &model.name,
                    provider: &model.provider,
                    outcome,
                    input_tokens: u64::from(input),
                    output_tokens: u64::from(output),
                    cost_nusd: cost,
                    estimated_nusd: estimate,
                },
                Some(&AuditRecord {
                    actor: call.actor,
                    action,
                    resource: &resource,
                    decision: outcome,
                    rule: "",
                    args_digest: "",
                    detail: &detail,
                }),
            )
            .map(|_| ())
            .map_err(|e| {
                ModelError::Ledger(format!(
                    "the model call could not be recorded in the cost ledger: {e}"
                ))
            })
    }
}

fn describe(failure: &Failure, attempts: u32) -> String {
    let tries = if attempts == 1 {
        String::new()
    } else {
        format!(" after {attempts} attempts")
    };
    let hint = match failure.kind {
        FailureKind::Auth => " — check the provider's API key",
        FailureKind::ContextLength => " — the prompt is too long for it",
        _ => "",
    };
    format!("{failure}{tries}{hint}")
}

/// Removes the provider's key from anything a provider echoed back, including the
/// start of a key that the message clip (`…`) cut short.
pub(crate) fn redact(mut failure: Failure, provider: &Provider) -> Failure {
    if let Some(key) = provider.key() {
        let secret = key.expose();
        if secret.len() >= 4 && failure.message.contains(secret) {
            failure.message = failure.message.replace(secret, "[redacted]");
        }
        if let Some(head) = failure.message.strip_suffix('…')
            && let Some(cut) = (4..secret.len())
                .rev()
                .find(|&n| secret.is_char_boundary(n) && head.ends_with(&secret[..n]))
        {
            failure.message = format!("{}[redacted]…", &head[..head.len() - cut]);
        }
    }
    failure
}
