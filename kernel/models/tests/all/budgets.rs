//! Budgets: a hard budget refuses before anything is sent, free local models are
//! never blocked, soft budgets warn and send, session budgets, token budgets, and
//! reservations that keep two requests in flight from both taking the last cent.

use std::time::Duration;

use ralex_model_testserver::Reply;
use ralex_models::{Call, ModelError, tokens};

use crate::support::*;

const ADVICE: &str =
    "Raise [budgets] in ralex.toml, wait for the next period, or use a local model";

fn usd(nusd: i64) -> String {
    let d = nusd as f64 / 1e9;
    if d != 0.0 && d.abs() < 0.01 {
        format!("${d:.6}")
    } else {
        format!("${d:.4}")
    }
}

/// What a call of `ask("Hi")` to gpt-a reserves: its prompt and 256 output tokens.
fn gpt_estimate(h: &Harness) -> i64 {
    let prompt = tokens::prompt_tokens(&ask("Hi"));
    let estimate = h.spec(GPT).cost_nusd(prompt, u64::from(MAX_TOKENS));
    assert_eq!(
        estimate,
        prompt as i64 * GPT_IN + i64::from(MAX_TOKENS) * GPT_OUT
    );
    estimate
}

#[tokio::test]
async fn a_hard_budget_refuses_before_sending() {
    let h = Harness::with(|c| c.budgets.day_usd = Some(0.0001)).await;
    h.oa.push(chat("must not be asked", 10, 1));
    let request = ask("Hi");
    let mut obs = Recorder::new();
    let err = h
        .models
        .chat(named(&request, GPT), &mut obs)
        .await
        .expect_err("over budget");
    let estimate = gpt_estimate(&h);
    assert_eq!(
        err,
        ModelError::Budget(format!(
            "over budget — daily budget: $0.0000 spent of $0.000100, this request needs about {}. {ADVICE}",
            usd(estimate)
        ))
    );
    assert!(h.oa.requests().is_empty(), "the server received a request");
    assert!(obs.attempts.is_empty());
    assert_eq!(h.store.ledger_totals(None).expect("totals").requests, 0);
    assert_eq!(h.models.budgets().in_flight(), 0);
    let left = h.models.remaining(None);
    assert_eq!(left.day, Some(0.0001));
    assert_eq!((left.month, left.session), (None, None));
}

#[tokio::test]
async fn every_refused_model_gives_a_budget_error_and_a_local_model_passes() {
    let h = Harness::with(|c| {
        c.budgets.day_usd = Some(0.0);
        c.budgets.day_tokens = Some(1);
    })
    .await;
    let request = ask("Hi");
    let chain = route(&[GPT, CLAUDE]);
    let err = h
        .models
        .chat(routed(&request, &chain), &mut Recorder::new())
        .await
        .expect_err("refused");
    let ModelError::Budget(message) = err else {
        panic!("not a budget error: {err:?}");
    };
    assert!(
        message.starts_with("over budget — daily budget: $0.0000 spent of $0.0000"),
        "{message}"
    );
    assert!(
        message.contains("daily token budget: 0 tokens used of 1, this request needs about"),
        "{message}"
    );
    assert!(h.oa.requests().is_empty() && h.an.requests().is_empty());

    // The free local model is never blocked, alone or as a fallback.
    h.local.push(chat("local and free", 3_000, 500));
    let mut obs = Recorder::new();
    let answer = h
        .models
        .chat(named(&request, LOCAL_M), &mut obs)
        .await
        .expect("local answers");
    assert_eq!(answer.completion.message.content, "local and free");
    assert_eq!((answer.input_tokens, answer.output_tokens), (3_000, 500));
    assert_eq!(answer.cost_nusd, 0);
    assert!(answer.notes.is_empty(), "{:?}", answer.notes);
    assert!(h.spec(LOCAL_M).local && h.spec(LOCAL_M).free());
    assert!(!h.spec(GPT).local, "the test providers must be priced");

    h.local.push(chat("fallback to local", 30, 5));
    let chain = route(&[GPT, LOCAL_M]);
    let answer = h
        .models
        .chat(routed(&request, &chain), &mut Recorder::new())
        .await
        .expect("local answers");
    assert_eq!(answer.model, LOCAL_M);
    assert_eq!(answer.attempts, 1);
    assert!(h.oa.requests().is_empty());
    let rows = h.ledger();
    assert_eq!(rows.len(), 2);
    assert!(
        rows.iter()
            .all(|r| r.model == LOCAL_M && r.cost_nusd == 0 && r.estimated_nusd == 0)
    );
}

#[tokio::test]
async fn a_budget_refusal_next_to_a_failure_is_listed() {
    let h = Harness::with(|c| c.budgets.day_usd = Some(0.0)).await;
    h.local.push(Reply::unauthorized());
    let request = ask("Hi");
    let chain = route(&[GPT, LOCAL_M]);
    let err = h
        .models
        .chat(routed(&request, &chain), &mut Recorder::new())
        .await
        .expect_err("fails");
    let ModelError::Failed(message) = err else {
        panic!("not Failed: {err:?}");
    };
    assert!(
        message.starts_with(&format!("no model answered: `{LOCAL_M}`: auth (HTTP 401)")),
        "{message}"
    );
    assert!(message.ends_with(&format!("; over budget — daily budget: $0.0000 spent of $0.0000, this request needs about {}. {ADVICE}", usd(gpt_estimate(&h)))), "{message}");
}

#[tokio::test]
async fn a_soft_budget_warns_and_sends() {
    let h = Harness::with(|c| {
        c.budgets.day_usd = Some(0.0001);
        c.budgets.soft = true;
    })
    .await;
    h.oa.push(chat("sent anyway", 15, 3));
    let request = ask("Hi");
    let mut obs = Recorder::new();
    let answer = h
        .models
        .chat(named(&request, GPT), &mut obs)
        .await
        .expect("soft");
    let warning = format!(
        "over the soft budget — daily budget: $0.0000 spent of $0.000100, this request needs about {}. {ADVICE}",
        usd(gpt_estimate(&h))
    );
    assert_eq!(answer.notes, vec![warning.clone()]);
    assert_eq!(obs.notes, vec![warning]);
    assert_eq!(Harness::chats(&h.oa).len(), 1);
    assert_eq!(answer.cost_nusd, 15 * GPT_IN + 3 * GPT_OUT);
}

#[tokio::test]
async fn nearly_spent_budgets_warn() {
    let h = Harness::with(|c| c.budgets.day_usd = Some(0.0025)).await;
    h.oa.push(chat("close to the limit", 15, 3));
    let request = ask("Hi");
    let answer = h
        .models
        .chat(named(&request, GPT), &mut Recorder::new())
        .await
        .expect("fits");
    let estimate = gpt_estimate(&h);
    assert!(estimate as f64 >= 0.8 * 2_500_000.0 && estimate <= 2_500_000);
    assert_eq!(
        answer.notes,
        vec![format!(
            "daily budget nearly used: {} of $0.002500 after this request",
            usd(estimate)
        )]
    );
}

#[tokio::test]
async fn a_daily_token_budget_refuses_paid_models() {
    let h = Harness::with(|c| c.budgets.day_tokens = Some(100)).await;
    let request = ask("Hi");
    let err = h
        .models
        .chat(named(&request, GPT), &mut Recorder::new())
        .await
        .expect_err("tokens");
    let needed = tokens::prompt_tokens(&request) + u64::from(MAX_TOKENS);
    assert_eq!(
        err,
        ModelError::Budget(format!(
            "over budget — daily token budget: 0 tokens used of 100, this request needs about {needed}. {ADVICE}"
        ))
    );
    assert!(h.oa.requests().is_empty());
}

#[tokio::test]
async fn a_session_budget_counts_only_its_session() {
    let h = Harness::with(|c| c.budgets.session_usd = Some(0.004)).await;
    let request = ask("Hi");
    let in_session = |session: &'static str| Call {
        session: Some(session),
        ..named(&request, GPT)
    };
    h.oa.push(chat("first", 120, 300));
    let first = h
        .models
        .chat(in_session("s1"), &mut Recorder::new())
        .await
        .expect("fits");
    let spent = 120 * GPT_IN + 300 * GPT_OUT;
    assert_eq!(first.cost_nusd, spent);
    assert_eq!(spent, 2_640_000);

    // Spent + estimate is over $0.004 in s1.
    let err = h
        .models
        .chat(in_session("s1"), &mut Recorder::new())
        .await
        .expect_err("session over");
    assert_eq!(
        err,
        ModelError::Budget(format!(
            "over budget — session budget: {} spent of $0.004000, this request needs about {}. {ADVICE}",
            usd(spent),
            usd(gpt_estimate(&h))
        ))
    );
    assert_eq!(Harness::chats(&h.oa).len(), 1);

    // Another session, and no session, are not held by s1's spending.
    h.oa.push(chat("other session", 10, 1));
    h.models
        .chat(in_session("s2"), &mut Recorder::new())
        .await
        .expect("s2 fits");
    h.oa.push(chat("no session", 10, 1));
    h.models
        .chat(named(&request, GPT), &mut Recorder::new())
        .await
        .expect("unsessioned");
    assert_eq!(Harness::chats(&h.oa).len(), 3);

    let sessions: Vec<String> = h.ledger().into_iter().map(|r| r.session).collect();
    assert_eq!(sessions, ["s1", "s2", ""]);
    let left = h
        .models
        .remaining(Some("s1"))
        .session
        .expect("session budget");
    assert!((left - 0.00136).abs() < 1e-12, "{left}");
}

#[tokio::test]
async fn two_calls_in_flight_cannot_both_take_the_last_of_the_budget() {
    // $0.003 a day; each call reserves about $0.0021: one fits, not two.
    let h = Harness::with(|c| c.budgets.day_usd = Some(0.003)).await;
    h.oa.push(Reply::slow(
        Duration::from_millis(300),
        chat("slow but paid", 100, 10),
    ));
    h.oa.push(chat("must not be asked", 1, 1));
    let request = ask("Hi");
    let (mut one, mut two) = (Recorder::new(), Recorder::new());
    let (a, b) = tokio::join!(
        h.models.chat(named(&request, GPT), &mut one),
        h.models.chat(named(&request, GPT), &mut two),
    );
    let estimate = gpt_estimate(&h);
    let (answer, refusal) = match (a, b) {
        (Ok(answer), Err(refusal)) | (Err(refusal), Ok(answer)) => (answer, refusal),
        other => panic!("exactly one call must pass: {other:?}"),
    };
    assert_eq!(answer.completion.message.content, "slow but paid");
    assert_eq!(
        refusal,
        ModelError::Budget(format!(
            "over budget — daily budget: {} spent of $0.003000, this request needs about {}. {ADVICE}",
            usd(estimate),
            usd(estimate)
        ))
    );
    assert_eq!(Harness::chats(&h.oa).len(), 1);
    assert_eq!(h.oa.pending(), 1);
    assert_eq!(
        h.models.budgets().in_flight(),
        0,
        "the reservation is released"
    );

    // Settled at its real cost, the next call fits again.
    let answer = h
        .models
        .chat(named(&request, GPT), &mut Recorder::new())
        .await
        .expect("fits after settling");
    assert_eq!(answer.completion.message.content, "must not be asked");
}
