//! Broken answers: truncated streams and malformed JSON are retried, and what a
//! broken stream produced before it broke is metered.

use ralex_model_testserver::{Reply, text_deltas};
use ralex_models::{Call, tokens};

use crate::support::*;

const FULL: &str = "one two three four five six";

async fn truncated_then_answered(model: &str, price_in: i64, price_out: i64) {
    let h = Harness::start().await;
    let server = if model == GPT { &h.oa } else { &h.an };
    server.push(Reply::Truncated {
        text: FULL.into(),
        chunks: 3,
    });
    server.push(chat("complete answer", 100, 8));
    let request = ask("Count");
    let prompt = tokens::prompt_tokens(&request);
    let mut obs = Recorder::new();
    let call = Call {
        stream: true,
        ..named(&request, model)
    };
    let answer = h.models.chat(call, &mut obs).await.expect("answer");

    assert_eq!(answer.completion.message.content, "complete answer");
    assert_eq!(answer.attempts, 2);
    assert_eq!(
        obs.attempts,
        vec![(model.to_string(), 1), (model.to_string(), 2)]
    );
    // The broken attempt's deltas reached the observer, then the new attempt's.
    let partial = "one two three ";
    let mut expected = text_deltas(FULL)[..3].to_vec();
    expected.extend(text_deltas("complete answer"));
    assert_eq!(obs.all_deltas, expected);
    assert_eq!(obs.text(), "complete answer");

    let rows = h.ledger();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].outcome, "truncated");
    let partial_tokens = tokens::text_tokens(partial.len());
    assert_eq!(partial_tokens, 4);
    assert_eq!(
        (rows[0].input_tokens, rows[0].output_tokens),
        (prompt, partial_tokens)
    );
    let broken_cost = prompt as i64 * price_in + partial_tokens as i64 * price_out;
    assert_eq!(rows[0].cost_nusd, broken_cost);
    assert_eq!(rows[1].outcome, "ok");
    assert_eq!(answer.cost_nusd, 100 * price_in + 8 * price_out);
    assert_eq!(answer.total_cost_nusd, broken_cost + answer.cost_nusd);
    assert_eq!(
        h.store.ledger_totals(None).expect("totals").cost_nusd,
        answer.total_cost_nusd
    );
}

#[tokio::test]
async fn an_openai_stream_cut_short_is_metered_and_retried() {
    truncated_then_answered(GPT, GPT_IN, GPT_OUT).await;
}

#[tokio::test]
async fn an_anthropic_stream_cut_short_is_metered_and_retried() {
    truncated_then_answered(CLAUDE, CLAUDE_IN, CLAUDE_OUT).await;
}

#[tokio::test]
async fn malformed_answers_are_retried() {
    let h = Harness::start().await;
    let request = ask("Hi");
    for (model, stream) in [(GPT, false), (GPT, true), (CLAUDE, false), (CLAUDE, true)] {
        let server = if model == GPT { &h.oa } else { &h.an };
        server.push_all([Reply::Malformed, chat("fine now", 20, 2)]);
        let call = Call {
            stream,
            ..named(&request, model)
        };
        let answer = h
            .models
            .chat(call, &mut Recorder::new())
            .await
            .expect("answer");
        assert_eq!(
            answer.completion.message.content, "fine now",
            "{model} stream: {stream}"
        );
        assert_eq!(answer.attempts, 2, "{model} stream: {stream}");
    }
    let rows = h.ledger();
    let outcomes: Vec<&str> = rows.iter().map(|r| r.outcome.as_str()).collect();
    assert_eq!(
        outcomes,
        [
            "malformed",
            "ok",
            "malformed",
            "ok",
            "malformed",
            "ok",
            "malformed",
            "ok"
        ]
    );
    assert!(
        rows.iter()
            .filter(|r| r.outcome == "malformed")
            .all(|r| r.cost_nusd == 0 && r.output_tokens == 0)
    );
}

#[tokio::test]
async fn a_cut_whole_body_is_retried() {
    let h = Harness::start().await;
    h.oa.push_all([
        Reply::Truncated {
            text: FULL.into(),
            chunks: 1,
        },
        chat("whole", 20, 2),
    ]);
    let request = ask("Hi");
    let answer = h
        .models
        .chat(named(&request, GPT), &mut Recorder::new())
        .await
        .expect("answer");
    assert_eq!(answer.completion.message.content, "whole");
    assert_eq!(answer.attempts, 2);
    let outcomes: Vec<String> = h.ledger().into_iter().map(|r| r.outcome).collect();
    assert_eq!(outcomes, ["malformed", "ok"]);
}
