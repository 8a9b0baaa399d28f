//! Keys never leak: they travel only in their one header, and nothing the model
//! layer writes or returns (errors, notes, ledger, audit, Debug) holds them, even
//! when a provider echoes the key back in its error.

use ralex_model_testserver::{Recorded, Reply, ScriptedServer};
use ralex_models::{Call, Models};
use serde_json::json;

use crate::support::*;

fn leaks(text: &str) -> bool {
    text.contains(OA_KEY) || text.contains(AN_KEY) || text.contains("SECRET")
}

fn assert_only_in(server: &ScriptedServer, key: &str, header: Option<&str>) {
    for request in server.requests() {
        let expected: Vec<String> = header.map(|h| format!("header:{h}")).into_iter().collect();
        assert_eq!(
            request.locations_of(key),
            expected,
            "{} {}",
            request.method,
            request.path
        );
    }
}

fn assert_store_clean(h: &Harness) {
    for entry in h.audit() {
        let fields = [
            &entry.actor,
            &entry.action,
            &entry.resource,
            &entry.decision,
            &entry.rule,
            &entry.args_digest,
            &entry.detail,
        ];
        assert!(
            !fields.iter().any(|f| leaks(f)),
            "audit entry {} leaks: {entry:?}",
            entry.seq
        );
    }
    for row in h.ledger() {
        assert!(!leaks(&format!("{row:?}")), "ledger row leaks: {row:?}");
    }
}

fn assert_models_debug_clean(models: &Models) {
    let debug = format!("{models:?}");
    assert!(!leaks(&debug), "{debug}");
    for provider in [OA, AN] {
        let debug = format!("{:?}", models.provider(provider).expect("enabled"));
        assert!(!leaks(&debug), "{debug}");
        assert!(debug.contains("[redacted]"), "{debug}");
    }
}

#[tokio::test]
async fn keys_travel_in_their_header_only_and_echoes_are_redacted() {
    let h = Harness::start().await;
    let request = ask("Hi");
    let mut notes: Vec<String> = Vec::new();

    // A normal answer from each provider, streamed and not.
    h.oa.push(chat("ok", 10, 1));
    h.an.push(chat("ok", 10, 1));
    for (model, stream) in [(GPT, true), (CLAUDE, false)] {
        let mut obs = Recorder::new();
        let call = Call {
            stream,
            ..named(&request, model)
        };
        let answer = h.models.chat(call, &mut obs).await.expect("answer");
        notes.extend(answer.notes);
        notes.extend(obs.notes);
    }

    // The OpenAI server echoes the key in a 401.
    h.oa.push(Reply::status(
        401,
        json!({"error": {"message": format!("Incorrect API key provided: {OA_KEY}")}}),
    ));
    let mut obs = Recorder::new();
    let err = h
        .models
        .chat(named(&request, GPT), &mut obs)
        .await
        .expect_err("401");
    assert_eq!(
        err.to_string(),
        format!(
            "no model answered: `{GPT}`: auth (HTTP 401): Incorrect API key provided: [redacted] — check the provider's API key"
        )
    );
    notes.extend(obs.notes);

    // A proxy echoes it in a plain-text 502, retried, then the Anthropic server
    // echoes its own key in a 403.
    h.oa.push_all([
        Reply::status(
            502,
            json!(format!("bad gateway for Authorization: Bearer {OA_KEY}")),
        ),
        Reply::status(
            502,
            json!(format!("bad gateway for Authorization: Bearer {OA_KEY}")),
        ),
        Reply::status(
            502,
            json!(format!("bad gateway for Authorization: Bearer {OA_KEY}")),
        ),
    ]);
    h.an.push(Reply::status(
        403,
        json!({"type": "error", "error": {"type": "permission_error", "message": format!("key {AN_KEY} may not use this model")}}),
    ));
    h.local.push(chat("the local model answers", 10, 1));
    let chain = route(&[GPT, CLAUDE, LOCAL_M]);
    let mut obs = Recorder::new();
    let answer = h
        .models
        .chat(routed(&request, &chain), &mut obs)
        .await
        .expect("local");
    assert_eq!(answer.model, LOCAL_M);
    assert_eq!(
        answer.notes,
        vec![
            format!(
                "`{GPT}` failed (server-error (HTTP 502): bad gateway for Authorization: Bearer [redacted] after 3 attempts)"
            ),
            format!(
                "`{CLAUDE}` failed (auth (HTTP 403): key [redacted] may not use this model — check the provider's API key)"
            ),
        ]
    );
    notes.extend(answer.notes);
    notes.extend(obs.notes);

    for note in &notes {
        assert!(!leaks(note), "note leaks: {note}");
    }
    assert!(!leaks(&err.to_string()) && !leaks(&format!("{err:?}")));
    assert_only_in(&h.oa, OA_KEY, Some("authorization"));
    assert_only_in(&h.oa, AN_KEY, None);
    assert_only_in(&h.an, AN_KEY, Some("x-api-key"));
    assert_only_in(&h.an, OA_KEY, None);
    assert_only_in(&h.local, OA_KEY, None);
    assert_only_in(&h.local, AN_KEY, None);
    let bearer: Vec<Recorded> = h.oa.requests();
    assert!(
        bearer
            .iter()
            .all(|r| r.header("authorization") == Some(format!("Bearer {OA_KEY}").as_str()))
    );
    assert!(
        h.local
            .requests()
            .iter()
            .all(|r| r.header("authorization").is_none()),
        "the keyless provider sends no key"
    );
    assert_store_clean(&h);
    assert_models_debug_clean(&h.models);
}

#[tokio::test]
async fn a_key_cut_short_by_the_message_clip_is_redacted_too() {
    let h = Harness::start().await;
    // Provider messages are clipped to 300 characters: put the key across the cut,
    // so that its first 19 characters ("sk-ant-test-SECRET4") come before the `…`.
    let padding = "x".repeat(280);
    let message = format!("{padding} {AN_KEY} is not valid");
    h.an.push(Reply::status(
        401,
        json!({"type": "error", "error": {"type": "authentication_error", "message": message}}),
    ));
    let request = ask("Hi");
    let mut obs = Recorder::new();
    let err = h
        .models
        .chat(named(&request, CLAUDE), &mut obs)
        .await
        .expect_err("401");
    assert_eq!(
        err.to_string(),
        format!(
            "no model answered: `{CLAUDE}`: auth (HTTP 401): {padding} [redacted]… — check the provider's API key"
        )
    );
    assert!(obs.notes.iter().all(|n| !leaks(n)), "{:?}", obs.notes);
    assert_store_clean(&h);
}
