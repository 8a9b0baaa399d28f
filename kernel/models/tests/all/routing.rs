//! Choosing the chain: a router, its failure, the default model.

use std::sync::{Arc, Mutex};

use ralex_models::{
    Call, Latency, ModelError, RouteChoice, RouteInput, Router, router::RouteFuture, tokens,
};

use crate::support::*;

struct Scripted {
    answer: Result<RouteChoice, String>,
    seen: Mutex<Vec<RouteInput>>,
}

impl Router for Scripted {
    fn route(&self, input: RouteInput) -> RouteFuture<'_> {
        self.seen.lock().expect("lock").push(input);
        let answer = self.answer.clone().map_err(Into::into);
        Box::pin(async move { answer })
    }
}

#[tokio::test]
async fn the_router_chooses_the_chain_and_sees_the_catalogue() {
    let mut h = Harness::start().await;
    let router = Arc::new(Scripted {
        answer: Ok(RouteChoice {
            model: CLAUDE.into(),
            fallbacks: vec![GPT.into(), CLAUDE.into()],
            estimated_cost_usd: 0.01,
            reason: "strong model for edits".into(),
        }),
        seen: Mutex::new(Vec::new()),
    });
    h.models.set_router(router.clone());
    h.an.push(ralex_model_testserver::Reply::server_error());
    h.an.push(ralex_model_testserver::Reply::server_error());
    h.an.push(ralex_model_testserver::Reply::server_error());
    h.oa.push(chat("routed", 20, 2));
    let request = ask_with_tool("Edit it");
    let call = Call {
        kind: "edit",
        risk: "modify",
        latency: Latency::Thorough,
        stream: false,
        ..Call::new(&request, ACTOR, PLUGIN)
    };
    let answer = h
        .models
        .chat(call, &mut Recorder::new())
        .await
        .expect("answer");
    assert_eq!(answer.model, GPT);
    assert_eq!(answer.reason.as_deref(), Some("strong model for edits"));
    assert_eq!(
        answer.attempts, 4,
        "claude-b three times, then gpt-a; no repeat of claude-b"
    );

    let seen = router.seen.lock().expect("lock");
    assert_eq!(seen.len(), 1);
    let input = &seen[0];
    assert_eq!(
        (input.kind.as_str(), input.risk.as_str(), input.latency),
        ("edit", "modify", Latency::Thorough)
    );
    assert_eq!(
        u64::from(input.context_tokens),
        tokens::prompt_tokens(&request)
    );
    assert_eq!(input.needed, vec!["tools".to_string()]);
    let mut names: Vec<&str> = input
        .catalogue
        .iter()
        .map(|c| c.spec.name.as_str())
        .collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [CLAUDE, GPT, TINY, LOCAL_M],
        "the enabled providers' models only"
    );
    assert!(input.catalogue.iter().all(|c| !c.cooling_down));
}

#[tokio::test]
async fn a_failing_router_falls_back_to_the_default_model() {
    let mut h = Harness::with(|c| c.calls.default_model = Some(LOCAL_M.into())).await;
    h.models.set_router(Arc::new(Scripted {
        answer: Err("the router plugin trapped".into()),
        seen: Mutex::new(Vec::new()),
    }));
    h.local.push(chat("default", 5, 1));
    let request = ask("Hi");
    let mut obs = Recorder::new();
    let call = Call {
        stream: false,
        ..Call::new(&request, ACTOR, PLUGIN)
    };
    let answer = h.models.chat(call, &mut obs).await.expect("answer");
    assert_eq!(answer.model, LOCAL_M);
    assert_eq!(answer.reason, None);
    assert_eq!(
        obs.notes,
        vec![
            "the router could not choose (the router plugin trapped); using the default model"
                .to_string()
        ]
    );
}

#[tokio::test]
async fn without_router_or_default_no_model_is_chosen() {
    let h = Harness::start().await;
    let request = ask("Hi");
    let call = Call {
        stream: false,
        ..Call::new(&request, ACTOR, PLUGIN)
    };
    let err = h
        .models
        .chat(call, &mut Recorder::new())
        .await
        .expect_err("no model");
    assert_eq!(
        err,
        ModelError::Unavailable(
            "no model was chosen: no model-router plugin answered and [model_calls] default_model is not set in ralex.toml".into()
        )
    );
}
