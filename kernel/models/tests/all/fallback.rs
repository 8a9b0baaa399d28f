//! The fallback chain and the context-window checks.

use ralex_model_testserver::Reply;
use ralex_models::{ModelError, tokens};

use crate::support::*;

const OPENAI_401: &str = "Incorrect API key provided: sk-****. You can find your API key at https://platform.openai.com/account/api-keys.";

#[tokio::test]
async fn an_auth_failure_falls_back_to_the_next_model() {
    let h = Harness::start().await;
    h.oa.push(Reply::unauthorized());
    h.an.push(chat("fallback answer", 70, 9));
    let request = ask("Hi");
    let chain = route(&[GPT, CLAUDE]);
    let mut obs = Recorder::new();
    let answer = h
        .models
        .chat(routed(&request, &chain), &mut obs)
        .await
        .expect("answer");

    assert_eq!(answer.model, CLAUDE);
    assert_eq!(answer.provider, AN);
    assert_eq!(answer.completion.message.content, "fallback answer");
    assert_eq!(answer.attempts, 2);
    assert_eq!(answer.cost_nusd, 70 * CLAUDE_IN + 9 * CLAUDE_OUT);
    assert_eq!(answer.total_cost_nusd, answer.cost_nusd);
    assert_eq!(
        answer.reason.as_deref(),
        Some("scripted route for the test")
    );
    let note =
        format!("`{GPT}` failed (auth (HTTP 401): {OPENAI_401} — check the provider's API key)");
    assert_eq!(answer.notes, vec![note.clone()]);
    assert_eq!(obs.notes, vec![note]);
    assert_eq!(Harness::chats(&h.oa).len(), 1, "a 401 is not retried");
    assert_eq!(
        obs.attempts,
        vec![(GPT.to_string(), 1), (CLAUDE.to_string(), 1)]
    );
}

#[tokio::test]
async fn repeatedly_malformed_answers_fall_back() {
    let h = Harness::with(|c| c.calls.cooldown_after = 10).await;
    h.oa.push_all([Reply::Malformed, Reply::Malformed, Reply::Malformed]);
    h.an.push(chat("well formed", 70, 9));
    let request = ask("Hi");
    let chain = route(&[GPT, CLAUDE]);
    let answer = h
        .models
        .chat(routed(&request, &chain), &mut Recorder::new())
        .await
        .expect("answer");
    assert_eq!(answer.model, CLAUDE);
    assert_eq!(answer.attempts, 4);
    assert_eq!(Harness::chats(&h.oa).len(), 3);
    assert_eq!(answer.notes.len(), 1);
    assert!(
        answer.notes[0].starts_with(&format!(
            "`{GPT}` failed (malformed: the provider's answer is not the expected JSON: "
        )),
        "{}",
        answer.notes[0]
    );
    assert!(
        answer.notes[0].ends_with(" after 3 attempts)"),
        "{}",
        answer.notes[0]
    );
}

#[tokio::test]
async fn when_every_model_fails_the_error_lists_each() {
    let h = Harness::start().await;
    h.oa.push(Reply::unauthorized());
    h.an.push_all([
        Reply::server_error(),
        Reply::server_error(),
        Reply::server_error(),
    ]);
    h.local.push(Reply::context_length());
    let request = ask("Hi");
    let chain = route(&[GPT, CLAUDE, LOCAL_M, "no-such-model"]);
    let mut obs = Recorder::new();
    let err = h
        .models
        .chat(routed(&request, &chain), &mut obs)
        .await
        .expect_err("all fail");
    let ModelError::Failed(message) = &err else {
        panic!("not Failed: {err:?}");
    };
    let expected = [
        format!("`{GPT}`: auth (HTTP 401): {OPENAI_401} — check the provider's API key"),
        format!("`{CLAUDE}`: server-error (HTTP 500): Internal server error after 3 attempts"),
        format!(
            "`{LOCAL_M}`: context-length (HTTP 400): This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens. Please reduce the length of the messages. — the prompt is too long for it"
        ),
        "`no-such-model` is not in the catalogue".to_string(),
    ];
    assert_eq!(
        message,
        &format!("no model answered: {}", expected.join("; "))
    );
    assert_eq!(obs.attempts.len(), 5);
    assert_eq!(h.ledger().len(), 5);
}

#[tokio::test]
async fn a_model_without_a_needed_capability_is_skipped() {
    let h = Harness::with(|c| c.models[0].capabilities.clear()).await;
    h.an.push(tool_reply(50, 20));
    let request = ask_with_tool("Look");
    let chain = route(&[GPT, CLAUDE]);
    let answer = h
        .models
        .chat(routed(&request, &chain), &mut Recorder::new())
        .await
        .expect("answer");
    assert_eq!(answer.model, CLAUDE);
    assert_eq!(answer.attempts, 1);
    assert!(h.oa.requests().is_empty());
}

#[tokio::test]
async fn a_prompt_too_long_for_the_window_skips_the_model_without_a_request() {
    let h = Harness::start().await;
    h.an.push(chat("long read", 900, 10));
    // gpt-tiny has a 200-token window.
    let request = ask(&"word ".repeat(400));
    let prompt = tokens::prompt_tokens(&request);
    assert!(prompt > 200, "{prompt}");
    let chain = route(&[TINY, CLAUDE]);
    let mut obs = Recorder::new();
    let answer = h
        .models
        .chat(routed(&request, &chain), &mut obs)
        .await
        .expect("answer");

    assert_eq!(answer.model, CLAUDE);
    assert_eq!(answer.attempts, 1);
    let note = format!(
        "skipped `{TINY}`: about {prompt} prompt tokens do not fit its 200-token context window"
    );
    assert_eq!(answer.notes, vec![note.clone()]);
    assert_eq!(obs.notes, vec![note.clone()]);
    assert!(
        h.oa.requests().is_empty(),
        "nothing was sent for the model that cannot fit it"
    );
    assert_eq!(
        obs.asked,
        vec![CLAUDE.to_string()],
        "the skipped model is not even put to policy"
    );
    assert_eq!(h.ledger().len(), 1);

    // Alone in the chain, it is an error naming the window.
    let err = h
        .models
        .chat(named(&request, TINY), &mut Recorder::new())
        .await
        .expect_err("too long");
    assert_eq!(
        err,
        ModelError::Failed(format!("no model answered: {note}"))
    );
    assert!(h.oa.requests().is_empty());
}

#[tokio::test]
async fn max_tokens_is_cut_to_what_the_window_leaves() {
    let h = Harness::with(|c| c.models[1].context_window = 2_000).await;
    h.oa.push(chat("short", 50, 2));
    // The prompt and 1024 tokens of answer fit gpt-tiny's 2000-token window, the
    // 4000 asked for do not: the answer gets what is left.
    let mut request = ask("Hi");
    request.max_tokens = Some(4_000);
    let prompt = tokens::prompt_tokens(&request);
    h.models
        .chat(named(&request, TINY), &mut Recorder::new())
        .await
        .expect("answer");
    let sent = Harness::chats(&h.oa);
    assert_eq!(sent[0].body["model"], "gpt-tiny-1");
    assert_eq!(sent[0].body["max_tokens"], 2_000 - prompt);
}

#[tokio::test]
async fn a_provider_context_length_error_moves_on() {
    let h = Harness::start().await;
    h.oa.push(Reply::context_length());
    h.oa.push(chat("never read", 1, 1));
    h.an.push(chat("roomier", 500, 10));
    let request = ask("Hi");
    let chain = route(&[GPT, CLAUDE]);
    let mut obs = Recorder::new();
    let answer = h
        .models
        .chat(routed(&request, &chain), &mut obs)
        .await
        .expect("answer");

    assert_eq!(answer.model, CLAUDE);
    assert_eq!(answer.attempts, 2);
    assert_eq!(
        Harness::chats(&h.oa).len(),
        1,
        "context-length is not retried"
    );
    assert_eq!(
        answer.notes,
        vec![format!(
            "`{GPT}` failed (context-length (HTTP 400): This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens. Please reduce the length of the messages. — the prompt is too long for it)"
        )]
    );
    let rows = h.ledger();
    assert_eq!(rows[0].outcome, "context-length");
    assert_eq!(rows[0].cost_nusd, 0);
    assert!(!h.models.health().cooling(OA));
    assert_eq!(h.oa.pending(), 1);
    h.oa.reset();
    // Anthropic's wording is recognised too.
    h.an.push(Reply::context_length());
    h.oa.push(chat("other way round", 40, 3));
    let chain = route(&[CLAUDE, GPT]);
    let answer = h
        .models
        .chat(routed(&request, &chain), &mut Recorder::new())
        .await
        .expect("answer");
    assert_eq!(answer.model, GPT);
    assert_eq!(answer.completion.message.content, "other way round");
    assert_eq!(
        answer.notes,
        vec![format!(
            "`{CLAUDE}` failed (context-length (HTTP 400): prompt is too long: 210000 tokens > 200000 maximum — the prompt is too long for it)"
        )]
    );
}
