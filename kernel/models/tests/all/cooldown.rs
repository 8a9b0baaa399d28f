//! Cooldown: consecutive failures cool a provider; cooling providers go last in the
//! chain and are flagged to the router.

use ralex_model_testserver::Reply;
use ralex_models::ModelError;

use crate::support::*;

#[tokio::test]
async fn repeated_failures_cool_the_provider_and_it_goes_last() {
    let h = Harness::with(|c| c.calls.cooldown_after = 2).await;
    let request = ask("Hi");
    let chain = route(&[GPT, CLAUDE]);

    // gpt-a fails twice: the second failure cools its provider, so the third of
    // max_attempts (3) is not made, and the call falls back to claude-b.
    h.oa.push_all([
        Reply::server_error(),
        Reply::server_error(),
        chat("unused", 1, 1),
    ]);
    h.an.push(chat("from claude", 60, 5));
    let mut obs = Recorder::new();
    let answer = h
        .models
        .chat(routed(&request, &chain), &mut obs)
        .await
        .expect("answer");
    assert_eq!(answer.model, CLAUDE);
    assert_eq!(answer.attempts, 3);
    assert_eq!(Harness::chats(&h.oa).len(), 2);
    assert_eq!(h.oa.pending(), 1);
    assert!(
        obs.notes.contains(&format!(
            "provider `{OA}` is cooling down after repeated failures"
        )),
        "{:?}",
        obs.notes
    );
    assert_eq!(
        answer.notes,
        vec![format!(
            "`{GPT}` failed (server-error (HTTP 500): The server had an error while processing your request. Sorry about that! after 2 attempts; provider cooling down)"
        )]
    );

    assert!(h.models.health().cooling(OA));
    assert!(h.models.health().cooling_until(OA).is_some());
    assert!(
        !h.models.health().cooling(AN),
        "the provider that answered is healthy"
    );
    let candidates = h.models.candidates();
    let flag = |name: &str| {
        candidates
            .iter()
            .find(|c| c.spec.name == name)
            .map(|c| c.cooling_down)
    };
    assert_eq!(flag(GPT), Some(true));
    assert_eq!(flag(TINY), Some(true), "every model of the provider cools");
    assert_eq!(flag(CLAUDE), Some(false));
    assert_eq!(flag(LOCAL_M), Some(false));

    // Next call, same route: claude-b is tried first and answers; gpt-a's server
    // hears nothing.
    h.oa.reset();
    h.an.push(chat("claude again", 60, 5));
    let mut obs = Recorder::new();
    let answer = h
        .models
        .chat(routed(&request, &chain), &mut obs)
        .await
        .expect("answer");
    assert_eq!(answer.model, CLAUDE);
    assert_eq!(answer.attempts, 1);
    assert!(h.oa.requests().is_empty());
    assert_eq!(obs.asked, vec![CLAUDE.to_string()]);

    // When the others fail, the cooling provider is still tried, last.
    h.an.push(Reply::unauthorized());
    h.oa.push(chat("cooling but alive", 50, 4));
    let mut obs = Recorder::new();
    let answer = h
        .models
        .chat(routed(&request, &chain), &mut obs)
        .await
        .expect("answer");
    assert_eq!(answer.model, GPT);
    assert_eq!(answer.completion.message.content, "cooling but alive");
    assert_eq!(obs.asked, vec![CLAUDE.to_string(), GPT.to_string()]);
    // A success clears the cooldown.
    assert!(!h.models.health().cooling(OA));
}

#[tokio::test]
async fn auth_and_context_errors_do_not_count_against_the_provider() {
    let h = Harness::with(|c| c.calls.cooldown_after = 1).await;
    let request = ask("Hi");
    h.oa.push(Reply::unauthorized());
    let err = h
        .models
        .chat(named(&request, GPT), &mut Recorder::new())
        .await
        .expect_err("401");
    assert!(matches!(err, ModelError::Failed(_)), "{err:?}");
    h.oa.push(Reply::context_length());
    h.models
        .chat(named(&request, GPT), &mut Recorder::new())
        .await
        .expect_err("400");
    assert!(!h.models.health().cooling(OA));
    // One retryable failure is enough with cooldown_after = 1.
    h.oa.push(Reply::server_error());
    h.models
        .chat(named(&request, GPT), &mut Recorder::new())
        .await
        .expect_err("500");
    assert!(h.models.health().cooling(OA));
    assert_eq!(
        Harness::chats(&h.oa).len(),
        3,
        "the cooling stops the retries"
    );
}

#[tokio::test]
async fn a_retry_after_longer_than_the_cooldown_cools_at_once() {
    let h = Harness::with(|c| {
        c.calls.cooldown_s = 2;
        c.calls.max_delay_ms = 1_000;
    })
    .await;
    h.oa.push(Reply::rate_limited(Some(30)));
    let request = ask("Hi");
    let err = h
        .models
        .chat(named(&request, GPT), &mut Recorder::new())
        .await
        .expect_err("429");
    // The forced cooldown ends the model's attempts at once.
    assert!(
        err.to_string().ends_with("; provider cooling down"),
        "{err}"
    );
    assert_eq!(Harness::chats(&h.oa).len(), 1);
    assert!(h.models.health().cooling(OA));
    let until = h.models.health().cooling_until(OA).expect("cooling");
    let left = until.duration_since(std::time::Instant::now());
    assert!(
        left > std::time::Duration::from_secs(25),
        "cools for the 30 s asked, {left:?} left"
    );
}
