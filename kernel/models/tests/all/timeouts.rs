//! A server slower than `timeout_s`: the attempt times out, then the call retries
//! or falls back.

use std::time::{Duration, Instant};

use ralex_model_testserver::Reply;

use crate::support::*;

fn one_second(c: &mut ralex_models::ModelsConfig) {
    c.calls.timeout_s = 1;
}

#[tokio::test]
async fn a_slow_answer_times_out_and_is_retried() {
    let h = Harness::with(one_second).await;
    h.oa.push(Reply::slow(
        Duration::from_millis(2_500),
        chat("too late", 10, 1),
    ));
    h.oa.push(chat("in time", 30, 3));
    let request = ask("Hi");
    let started = Instant::now();
    let answer = h
        .models
        .chat(named(&request, GPT), &mut Recorder::new())
        .await
        .expect("answer");
    let elapsed = started.elapsed();
    assert_eq!(answer.completion.message.content, "in time");
    assert_eq!(answer.attempts, 2);
    assert!(elapsed >= Duration::from_secs(1), "{elapsed:?}");
    assert!(
        elapsed < Duration::from_millis(2_400),
        "did not wait for the slow answer: {elapsed:?}"
    );
    let rows = h.ledger();
    assert_eq!(
        (rows[0].outcome.as_str(), rows[0].cost_nusd),
        ("timeout", 0)
    );
    let detail = &h.audit()[0].detail;
    assert!(
        detail.ends_with("; timeout: no answer within 1 s"),
        "{detail}"
    );
}

#[tokio::test]
async fn a_slow_model_falls_back_when_out_of_attempts() {
    let h = Harness::with(|c| {
        one_second(c);
        c.calls.max_attempts = 1;
    })
    .await;
    h.oa.push(Reply::slow(
        Duration::from_millis(2_500),
        chat("too late", 10, 1),
    ));
    h.an.push(chat("quick", 30, 3));
    let request = ask("Hi");
    let chain = route(&[GPT, CLAUDE]);
    let started = Instant::now();
    let answer = h
        .models
        .chat(routed(&request, &chain), &mut Recorder::new())
        .await
        .expect("answer");
    assert!(started.elapsed() < Duration::from_millis(2_400));
    assert_eq!(answer.model, CLAUDE);
    assert_eq!(
        answer.notes,
        vec![format!("`{GPT}` failed (timeout: no answer within 1 s)")]
    );
}
