//! Retries: Retry-After honoured, exponential backoff within its jitter bounds, a
//! Retry-After longer than we wait moves on along the chain, attempts counted.

use std::time::{Duration, Instant};

use ralex_model_testserver::Reply;
use ralex_models::retry::Backoff;

use crate::support::*;

#[tokio::test]
async fn rate_limited_with_retry_after_waits_then_succeeds() {
    let h = Harness::start().await;
    h.oa.push(Reply::rate_limited(Some(1)));
    h.oa.push(chat("finally", 100, 5));
    let request = ask("Hi");
    let mut obs = Recorder::new();
    let started = Instant::now();
    let answer = h
        .models
        .chat(named(&request, GPT), &mut obs)
        .await
        .expect("answer");
    let elapsed = started.elapsed();

    assert_eq!(answer.completion.message.content, "finally");
    assert_eq!(answer.attempts, 2);
    assert_eq!(answer.cost_nusd, 100 * GPT_IN + 5 * GPT_OUT);
    assert_eq!(
        answer.total_cost_nusd, answer.cost_nusd,
        "a 429 costs nothing"
    );
    assert!(answer.notes.is_empty(), "{:?}", answer.notes);
    assert_eq!(
        obs.attempts,
        vec![(GPT.to_string(), 1), (GPT.to_string(), 2)]
    );

    let sent = Harness::chats(&h.oa);
    assert_eq!(sent.len(), 2);
    let gap = sent[1].at.duration_since(sent[0].at);
    assert!(
        gap >= Duration::from_secs(1),
        "retried after {gap:?}, before the 1 s asked"
    );
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");

    let rows = h.ledger();
    let outcomes: Vec<&str> = rows.iter().map(|r| r.outcome.as_str()).collect();
    assert_eq!(outcomes, ["rate-limited", "ok"]);
    assert_eq!(
        (
            rows[0].input_tokens,
            rows[0].output_tokens,
            rows[0].cost_nusd
        ),
        (0, 0, 0)
    );
    // One failure is below cooldown_after (3) and the success cleared it.
    assert!(!h.models.health().cooling(OA));
}

#[tokio::test]
async fn server_errors_back_off_within_the_jitter_bounds() {
    let h = Harness::with(|c| {
        c.calls.base_delay_ms = 100;
        c.calls.max_delay_ms = 1_000;
    })
    .await;
    h.an.push(Reply::server_error());
    h.an.push(Reply::overloaded());
    h.an.push(chat("third time lucky", 80, 4));
    let request = ask("Hi");
    let mut obs = Recorder::new();
    let answer = h
        .models
        .chat(named(&request, CLAUDE), &mut obs)
        .await
        .expect("answer");

    assert_eq!(answer.completion.message.content, "third time lucky");
    assert_eq!(answer.attempts, 3);
    assert_eq!(answer.cost_nusd, 80 * CLAUDE_IN + 4 * CLAUDE_OUT);

    let backoff = Backoff {
        base: Duration::from_millis(100),
        max: Duration::from_millis(1_000),
    };
    assert_eq!(
        backoff.bounds(1),
        (Duration::from_millis(50), Duration::from_millis(100))
    );
    assert_eq!(
        backoff.bounds(2),
        (Duration::from_millis(100), Duration::from_millis(200))
    );
    let sent = Harness::chats(&h.an);
    assert_eq!(sent.len(), 3);
    for retry in 1..=2u32 {
        let (low, high) = backoff.bounds(retry);
        let gap = sent[retry as usize]
            .at
            .duration_since(sent[retry as usize - 1].at);
        assert!(gap >= low, "retry {retry} after {gap:?}, below {low:?}");
        // The gap also holds the failed round trip: generous slack above.
        assert!(
            gap <= high + Duration::from_millis(400),
            "retry {retry} after {gap:?}, above {high:?}"
        );
    }
    let outcomes: Vec<String> = h.ledger().into_iter().map(|r| r.outcome).collect();
    assert_eq!(outcomes, ["server-error", "server-error", "ok"]);
}

#[tokio::test]
async fn retry_after_longer_than_max_delay_moves_on_without_waiting() {
    let h = Harness::start().await; // max_delay_ms = 1500
    h.oa.push(Reply::rate_limited(Some(5)));
    h.an.push(chat("from the fallback", 70, 6));
    let request = ask("Hi");
    let chain = route(&[GPT, CLAUDE]);
    let mut obs = Recorder::new();
    let started = Instant::now();
    let answer = h
        .models
        .chat(routed(&request, &chain), &mut obs)
        .await
        .expect("answer");
    let elapsed = started.elapsed();

    assert!(elapsed < Duration::from_secs(1), "waited {elapsed:?}");
    assert_eq!(answer.model, CLAUDE);
    assert_eq!(answer.attempts, 2);
    assert_eq!(
        answer.reason.as_deref(),
        Some("scripted route for the test")
    );
    let rate_message = format!(
        "Rate limit reached for {GPT_API} in organization org-testserver on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s. Visit https://platform.openai.com/account/rate-limits to learn more."
    );
    let note = format!(
        "`{GPT}` failed (rate-limited (HTTP 429): {rate_message}; it asks to wait 5 s, longer than [model_calls] max_delay_ms)"
    );
    assert_eq!(answer.notes, vec![note.clone()]);
    assert!(obs.notes.contains(&note), "{:?}", obs.notes);
    assert_eq!(Harness::chats(&h.oa).len(), 1, "gpt-a is not retried");
    assert_eq!(Harness::chats(&h.an).len(), 1);
    assert_eq!(
        obs.attempts,
        vec![(GPT.to_string(), 1), (CLAUDE.to_string(), 1)]
    );
    // It will not take requests for 5 s: the provider cools down that long.
    let until = h
        .models
        .health()
        .cooling_until("test-openai")
        .expect("cooling after a long Retry-After");
    assert!(until > Instant::now() + Duration::from_secs(3));
}

#[tokio::test]
async fn retries_stop_at_max_attempts() {
    let h = Harness::with(|c| c.calls.max_attempts = 2).await;
    h.oa.push_all([
        Reply::server_error(),
        Reply::server_error(),
        chat("never read", 1, 1),
    ]);
    let request = ask("Hi");
    let err = h
        .models
        .chat(named(&request, GPT), &mut Recorder::new())
        .await
        .expect_err("fails");
    assert_eq!(
        err,
        ralex_models::ModelError::Failed(format!(
            "no model answered: `{GPT}`: server-error (HTTP 500): The server had an error while processing your request. Sorry about that! after 2 attempts"
        ))
    );
    assert_eq!(Harness::chats(&h.oa).len(), 2);
    assert_eq!(h.oa.pending(), 1);
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let h = Harness::start().await;
    h.oa.push(Reply::status(400, serde_json::json!({"error": {"message": "Unknown parameter: 'foo'.", "type": "invalid_request_error"}})));
    h.oa.push(chat("never read", 1, 1));
    let request = ask("Hi");
    let err = h
        .models
        .chat(named(&request, GPT), &mut Recorder::new())
        .await
        .expect_err("fails");
    assert_eq!(
        err.to_string(),
        format!("no model answered: `{GPT}`: bad-request (HTTP 400): Unknown parameter: 'foo'.")
    );
    assert_eq!(Harness::chats(&h.oa).len(), 1);
    let outcomes: Vec<String> = h.ledger().into_iter().map(|r| r.outcome).collect();
    assert_eq!(outcomes, ["bad-request"]);
}
