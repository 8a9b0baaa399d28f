//! The policy hook: the observer's `authorize` decides per model.

use ralex_model_testserver::Reply;
use ralex_models::ModelError;

use crate::support::*;

#[tokio::test]
async fn a_refused_model_is_passed_over() {
    let h = Harness::start().await;
    h.oa.push(chat("must not be asked", 1, 1));
    h.an.push(chat("allowed", 40, 4));
    let request = ask("Hi");
    let chain = route(&[GPT, CLAUDE]);
    let mut obs = Recorder::denying(&[GPT]);
    let answer = h
        .models
        .chat(routed(&request, &chain), &mut obs)
        .await
        .expect("answer");
    assert_eq!(answer.model, CLAUDE);
    assert_eq!(answer.attempts, 1);
    assert_eq!(obs.asked, vec![GPT.to_string(), CLAUDE.to_string()]);
    assert!(h.oa.requests().is_empty());
    assert_eq!(h.ledger().len(), 1);
}

#[tokio::test]
async fn refusing_every_model_is_denied() {
    let h = Harness::start().await;
    let request = ask("Hi");
    let chain = route(&[GPT, CLAUDE]);
    let mut obs = Recorder::denying(&[GPT, CLAUDE]);
    let err = h
        .models
        .chat(routed(&request, &chain), &mut obs)
        .await
        .expect_err("denied");
    assert_eq!(
        err,
        ModelError::Denied(format!(
            "the policy allows none of the models chosen: `{GPT}`: rule `no-{GPT}` forbids it; `{CLAUDE}`: rule `no-{CLAUDE}` forbids it"
        ))
    );
    assert!(h.oa.requests().is_empty() && h.an.requests().is_empty());
    assert!(obs.attempts.is_empty());
    assert_eq!(h.store.ledger_totals(None).expect("totals").requests, 0);
    assert_eq!(h.models.budgets().in_flight(), 0);
}

#[tokio::test]
async fn a_refusal_next_to_a_failure_is_listed() {
    let h = Harness::start().await;
    h.an.push(Reply::unauthorized());
    let request = ask("Hi");
    let chain = route(&[GPT, CLAUDE]);
    let mut obs = Recorder::denying(&[GPT]);
    let err = h
        .models
        .chat(routed(&request, &chain), &mut obs)
        .await
        .expect_err("fails");
    assert_eq!(
        err,
        ModelError::Failed(format!(
            "no model answered: `{CLAUDE}`: auth (HTTP 401): invalid x-api-key — check the provider's API key; `{GPT}`: rule `no-{GPT}` forbids it (denied by policy)"
        ))
    );
}

#[tokio::test]
async fn policy_is_asked_before_the_budget_is_reserved() {
    let h = Harness::with(|c| c.budgets.day_usd = Some(0.0)).await;
    let request = ask("Hi");
    // A refused model never reaches the budget: the error is the policy's.
    let mut obs = Recorder::denying(&[GPT]);
    let err = h
        .models
        .chat(named(&request, GPT), &mut obs)
        .await
        .expect_err("denied");
    assert!(matches!(err, ModelError::Denied(_)), "{err:?}");
    assert_eq!(h.models.budgets().in_flight(), 0);
}
