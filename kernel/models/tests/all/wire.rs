//! Both wire formats, streamed and not, text and tool calls: what the caller gets
//! back (text, tool calls, finish reason, tokens, cost, deltas) and what the
//! provider received (URL, headers, the exact body).

use ralex_model_testserver::text_deltas;
use ralex_models::{Answer, Call, FinishReason, ToolCall};
use serde_json::{Value, json};

use crate::support::*;

const HELLO: &str = "Hello there, how can I help?";

fn read_file_call() -> ToolCall {
    ToolCall {
        id: "call_1".into(),
        name: "read_file".into(),
        arguments: r#"{"path":"src/main.rs"}"#.into(),
    }
}

fn openai_tools() -> Value {
    json!([{
        "type": "function",
        "function": {
            "name": "read_file",
            "description": "Read a file of the project",
            "parameters": {"type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]},
        },
    }])
}

fn anthropic_tools() -> Value {
    json!([{
        "name": "read_file",
        "description": "Read a file of the project",
        "input_schema": {"type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]},
    }])
}

fn assert_metered(
    answer: &Answer,
    model: &str,
    provider: &str,
    input: u32,
    output: u32,
    cost: i64,
) {
    assert_eq!(answer.model, model);
    assert_eq!(answer.provider, provider);
    assert_eq!((answer.input_tokens, answer.output_tokens), (input, output));
    assert_eq!(answer.cost_nusd, cost);
    assert_eq!(answer.total_cost_nusd, cost);
    assert_eq!(answer.attempts, 1);
    assert_eq!(answer.reason, None);
    assert!(answer.notes.is_empty(), "{:?}", answer.notes);
}

fn assert_openai_headers(request: &ralex_model_testserver::Recorded) {
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/v1/chat/completions");
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {OA_KEY}").as_str())
    );
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.header("x-api-key"), None);
    assert_eq!(request.header("anthropic-version"), None);
}

fn assert_anthropic_headers(request: &ralex_model_testserver::Recorded) {
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/v1/messages");
    assert_eq!(request.header("x-api-key"), Some(AN_KEY));
    assert_eq!(request.header("anthropic-version"), Some("2023-06-01"));
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.header("authorization"), None);
}

#[tokio::test]
async fn openai_text_not_streamed() {
    let h = Harness::start().await;
    h.oa.push(chat(HELLO, 120, 30));
    let request = ask("Say hello.");
    let mut obs = Recorder::new();
    let answer = h
        .models
        .chat(named(&request, GPT), &mut obs)
        .await
        .expect("answer");

    assert_eq!(answer.completion.message.content, HELLO);
    assert!(answer.completion.message.tool_calls.is_empty());
    assert_eq!(answer.completion.finish_reason, FinishReason::Stop);
    assert_eq!(
        (
            answer.completion.input_tokens,
            answer.completion.output_tokens
        ),
        (Some(120), Some(30))
    );
    assert_metered(&answer, GPT, OA, 120, 30, 120 * GPT_IN + 30 * GPT_OUT);
    assert_eq!(answer.cost_nusd, 480_000);
    assert!((answer.cost_usd() - 0.00048).abs() < 1e-12);
    // A whole answer is handed to the observer as one delta.
    assert_eq!(obs.deltas, vec![HELLO.to_string()]);
    assert_eq!(obs.attempts, vec![(GPT.to_string(), 1)]);
    assert_eq!(obs.asked, vec![GPT.to_string()]);

    let sent = Harness::chats(&h.oa);
    assert_eq!(sent.len(), 1);
    assert_openai_headers(&sent[0]);
    assert_eq!(
        sent[0].body,
        json!({
            "model": GPT_API,
            "messages": [
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": "Say hello."},
            ],
            "max_tokens": MAX_TOKENS,
        })
    );
    assert!(h.an.requests().is_empty() && h.local.requests().is_empty());
}

#[tokio::test]
async fn openai_text_streamed() {
    let h = Harness::start().await;
    h.oa.push(chat(HELLO, 120, 30));
    let request = ask("Say hello.");
    let mut obs = Recorder::new();
    let call = Call {
        stream: true,
        ..named(&request, GPT)
    };
    let answer = h.models.chat(call, &mut obs).await.expect("answer");

    assert_eq!(answer.completion.message.content, HELLO);
    assert_eq!(answer.completion.finish_reason, FinishReason::Stop);
    assert_metered(&answer, GPT, OA, 120, 30, 480_000);
    // The deltas are the server's pieces, in order, and make up the text.
    assert_eq!(obs.deltas, text_deltas(HELLO));
    assert!(obs.deltas.len() > 1);
    assert_eq!(obs.text(), HELLO);

    let sent = Harness::chats(&h.oa);
    assert_eq!(sent.len(), 1);
    assert_openai_headers(&sent[0]);
    assert_eq!(
        sent[0].body,
        json!({
            "model": GPT_API,
            "messages": [
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": "Say hello."},
            ],
            "max_tokens": MAX_TOKENS,
            "stream": true,
            "stream_options": {"include_usage": true},
        })
    );
}

#[tokio::test]
async fn openai_tool_calls_streamed_and_not() {
    let h = Harness::start().await;
    let request = ask_with_tool("What does main do?");
    for stream in [false, true] {
        h.oa.push(tool_reply(140, 42));
        let mut obs = Recorder::new();
        let call = Call {
            stream,
            ..named(&request, GPT)
        };
        let answer = h.models.chat(call, &mut obs).await.expect("answer");
        let message = &answer.completion.message;
        assert_eq!(message.content, "Let me look.", "stream: {stream}");
        assert_eq!(
            message.tool_calls,
            vec![read_file_call()],
            "stream: {stream}"
        );
        assert_eq!(answer.completion.finish_reason, FinishReason::ToolCalls);
        assert_metered(&answer, GPT, OA, 140, 42, 140 * GPT_IN + 42 * GPT_OUT);
        assert_eq!(obs.text(), "Let me look.");
    }
    let sent = Harness::chats(&h.oa);
    assert_eq!(sent.len(), 2);
    for (request, stream) in sent.iter().zip([false, true]) {
        assert_openai_headers(request);
        assert_eq!(request.body["model"], GPT_API);
        assert_eq!(request.body["max_tokens"], MAX_TOKENS);
        assert_eq!(request.body.get("max_completion_tokens"), None);
        assert_eq!(request.body["tools"], openai_tools());
        assert_eq!(request.body.get("stream").is_some(), stream);
    }
}

#[tokio::test]
async fn anthropic_text_not_streamed() {
    let h = Harness::start().await;
    h.an.push(chat(HELLO, 90, 12));
    let request = ask("Say hello.");
    let mut obs = Recorder::new();
    let answer = h
        .models
        .chat(named(&request, CLAUDE), &mut obs)
        .await
        .expect("answer");

    assert_eq!(answer.completion.message.content, HELLO);
    assert!(answer.completion.message.tool_calls.is_empty());
    assert_eq!(answer.completion.finish_reason, FinishReason::Stop);
    assert_metered(
        &answer,
        CLAUDE,
        AN,
        90,
        12,
        90 * CLAUDE_IN + 12 * CLAUDE_OUT,
    );
    assert_eq!(answer.cost_nusd, 450_000);
    assert_eq!(obs.deltas, vec![HELLO.to_string()]);

    let sent = Harness::chats(&h.an);
    assert_eq!(sent.len(), 1);
    assert_anthropic_headers(&sent[0]);
    assert_eq!(
        sent[0].body,
        json!({
            "model": CLAUDE_API,
            "max_tokens": MAX_TOKENS,
            "system": "Be brief.",
            "messages": [{"role": "user", "content": "Say hello."}],
        })
    );
    assert!(h.oa.requests().is_empty());
}

#[tokio::test]
async fn anthropic_text_streamed() {
    let h = Harness::start().await;
    h.an.push(chat(HELLO, 90, 12));
    let request = ask("Say hello.");
    let mut obs = Recorder::new();
    let call = Call {
        stream: true,
        ..named(&request, CLAUDE)
    };
    let answer = h.models.chat(call, &mut obs).await.expect("answer");

    assert_eq!(answer.completion.message.content, HELLO);
    assert_eq!(answer.completion.finish_reason, FinishReason::Stop);
    // Input from message_start, output from the final message_delta.
    assert_metered(&answer, CLAUDE, AN, 90, 12, 450_000);
    assert_eq!(obs.deltas, text_deltas(HELLO));
    assert_eq!(obs.text(), HELLO);

    let sent = Harness::chats(&h.an);
    assert_eq!(sent.len(), 1);
    assert_anthropic_headers(&sent[0]);
    assert_eq!(
        sent[0].body,
        json!({
            "model": CLAUDE_API,
            "max_tokens": MAX_TOKENS,
            "system": "Be brief.",
            "messages": [{"role": "user", "content": "Say hello."}],
            "stream": true,
        })
    );
}

#[tokio::test]
async fn anthropic_tool_calls_streamed_and_not() {
    let h = Harness::start().await;
    let request = ask_with_tool("What does main do?");
    for stream in [false, true] {
        h.an.push(tool_reply(150, 40));
        let mut obs = Recorder::new();
        let call = Call {
            stream,
            ..named(&request, CLAUDE)
        };
        let answer = h.models.chat(call, &mut obs).await.expect("answer");
        let message = &answer.completion.message;
        assert_eq!(message.content, "Let me look.", "stream: {stream}");
        assert_eq!(
            message.tool_calls,
            vec![read_file_call()],
            "stream: {stream}"
        );
        assert_eq!(answer.completion.finish_reason, FinishReason::ToolCalls);
        assert_metered(
            &answer,
            CLAUDE,
            AN,
            150,
            40,
            150 * CLAUDE_IN + 40 * CLAUDE_OUT,
        );
        assert_eq!(obs.text(), "Let me look.");
    }
    let sent = Harness::chats(&h.an);
    assert_eq!(sent.len(), 2);
    for (request, stream) in sent.iter().zip([false, true]) {
        assert_anthropic_headers(request);
        assert_eq!(request.body["model"], CLAUDE_API);
        assert_eq!(request.body["max_tokens"], MAX_TOKENS);
        assert_eq!(request.body["tools"], anthropic_tools());
        assert_eq!(request.body.get("stream").is_some(), stream);
        assert_eq!(request.body.get("stream_options"), None);
    }
}

#[tokio::test]
async fn max_tokens_defaults_to_the_reserve_and_is_capped_by_the_model() {
    let h = Harness::with(|c| {
        c.models[0].max_output_tokens = Some(300);
    })
    .await;
    // No max_tokens: the reserve (512) capped by the model's 300.
    let mut request = ask("Say hello.");
    request.max_tokens = None;
    h.oa.push(chat("hi", 10, 1));
    h.models
        .chat(named(&request, GPT), &mut Recorder::new())
        .await
        .expect("answer");
    // No max_tokens on a model whose cap (4096) is above the reserve: the reserve.
    h.an.push(chat("hi", 10, 1));
    h.models
        .chat(named(&request, CLAUDE), &mut Recorder::new())
        .await
        .expect("answer");
    assert_eq!(Harness::chats(&h.oa)[0].body["max_tokens"], 300);
    assert_eq!(Harness::chats(&h.an)[0].body["max_tokens"], 512);
}
