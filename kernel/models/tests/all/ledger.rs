//! The cost ledger and the audit trail: every attempt that reached a provider is one
//! ledger row with one `model:attempt` audit entry; the sums are the answers' sums.

use ralex_model_testserver::Reply;
use ralex_models::{Answer, Call};

use crate::support::*;

#[tokio::test]
async fn the_ledger_sums_the_answers_and_each_attempt_is_audited() {
    let h = Harness::start().await;
    let request = ask("Hi");
    let mut answers: Vec<Answer> = Vec::new();

    // 1. One clean answer.
    h.oa.push(chat("one", 120, 30));
    answers.push(
        h.models
            .chat(named(&request, GPT), &mut Recorder::new())
            .await
            .expect("1"),
    );
    // 2. A server error, then an answer.
    h.an.push_all([Reply::server_error(), chat("two", 80, 4)]);
    answers.push(
        h.models
            .chat(named(&request, CLAUDE), &mut Recorder::new())
            .await
            .expect("2"),
    );
    // 3. A refused key, then the fallback, streamed.
    h.oa.push(Reply::unauthorized());
    h.an.push(chat("three", 60, 5));
    let chain = route(&[GPT, CLAUDE]);
    let call = Call {
        stream: true,
        ..routed(&request, &chain)
    };
    answers.push(h.models.chat(call, &mut Recorder::new()).await.expect("3"));
    // 4. Everything fails.
    h.oa.push(Reply::unauthorized());
    h.an.push(Reply::context_length());
    h.models
        .chat(routed(&request, &chain), &mut Recorder::new())
        .await
        .expect_err("4");
    // 5. A free local answer.
    h.local.push(chat("five", 10, 2));
    answers.push(
        h.models
            .chat(named(&request, LOCAL_M), &mut Recorder::new())
            .await
            .expect("5"),
    );

    let costs: Vec<i64> = answers.iter().map(|a| a.total_cost_nusd).collect();
    assert_eq!(
        costs,
        [
            120 * GPT_IN + 30 * GPT_OUT,
            80 * CLAUDE_IN + 4 * CLAUDE_OUT,
            60 * CLAUDE_IN + 5 * CLAUDE_OUT,
            0,
        ]
    );
    let attempts: Vec<u32> = answers.iter().map(|a| a.attempts).collect();
    assert_eq!(attempts, [1, 2, 2, 1]);

    let totals = h.store.ledger_totals(None).expect("totals");
    assert_eq!(totals.cost_nusd, costs.iter().sum::<i64>());
    assert_eq!(
        totals.input_tokens,
        answers
            .iter()
            .map(|a| u64::from(a.input_tokens))
            .sum::<u64>()
    );
    assert_eq!(
        totals.output_tokens,
        answers
            .iter()
            .map(|a| u64::from(a.output_tokens))
            .sum::<u64>()
    );
    // Every attempt: the answered calls' and the failed call's two.
    let sent = h.oa.requests().len() + h.an.requests().len() + h.local.requests().len();
    assert_eq!(totals.requests, u64::from(attempts.iter().sum::<u32>()) + 2);
    assert_eq!(totals.requests, sent as u64);

    let rows = h.ledger();
    let summary: Vec<(&str, &str, &str, u64, u64)> = rows
        .iter()
        .map(|r| {
            (
                r.model.as_str(),
                r.provider.as_str(),
                r.outcome.as_str(),
                r.input_tokens,
                r.output_tokens,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (GPT, OA, "ok", 120, 30),
            (CLAUDE, AN, "server-error", 0, 0),
            (CLAUDE, AN, "ok", 80, 4),
            (GPT, OA, "auth", 0, 0),
            (CLAUDE, AN, "ok", 60, 5),
            (GPT, OA, "auth", 0, 0),
            (CLAUDE, AN, "context-length", 0, 0),
            (LOCAL_M, LOCAL, "ok", 10, 2),
        ]
    );
    assert!(
        rows.iter()
            .all(|r| r.plugin == PLUGIN && r.session.is_empty())
    );
    let gpt_estimate = h.spec(GPT).cost_nusd(
        ralex_models::tokens::prompt_tokens(&request),
        u64::from(MAX_TOKENS),
    );
    assert_eq!(rows[0].estimated_nusd, gpt_estimate);
    assert_eq!(rows[7].estimated_nusd, 0);

    let audit: Vec<_> = h
        .audit()
        .into_iter()
        .filter(|e| e.action == "model:attempt")
        .collect();
    assert_eq!(audit.len(), rows.len());
    for (entry, row) in audit.iter().zip(&rows) {
        assert_eq!(entry.actor, ACTOR);
        assert_eq!(entry.decision, row.outcome);
        assert_eq!(
            entry.resource,
            format!("model `{}` via `{}`", row.model, row.provider)
        );
    }
    assert!(
        audit[0].detail.starts_with(&format!(
            "attempt 1: 120 input + 30 output tokens, $0.000480 (reserved ${:.6}), ",
            gpt_estimate as f64 / 1e9
        )),
        "{}",
        audit[0].detail
    );
    assert!(
        audit[1]
            .detail
            .starts_with("attempt 1: 0 input + 0 output tokens, $0.000000"),
        "{}",
        audit[1].detail
    );
    assert!(
        audit[1]
            .detail
            .ends_with("; server-error (HTTP 500): Internal server error"),
        "{}",
        audit[1].detail
    );
    assert!(
        audit[2]
            .detail
            .starts_with("attempt 2: 80 input + 4 output tokens"),
        "{}",
        audit[2].detail
    );

    let report = h.store.audit_verify().expect("verify");
    assert!(report.intact(), "{:?}", report.problems);
    assert_eq!(report.entries, h.audit().len() as u64);
}
