//! Intent kind: finds the command verb (see `verbs`), lets `refine` weigh the words
//! around it, and falls back on nouns, questions and small talk when no verb was spoken.
//! A later imperative can take over from a description before it ("the build is broken,
//! fix it"; "what's the git status").

use super::Kind;
use super::chat;
use super::context::{Ctx, Decision};
use super::git;
use super::lexicon::{self, ANALYZE_NOUNS, DB_NOUNS, DOC_NOUNS, TROUBLE, Words};
use super::refine::{self, PASS_WORDS, WORKFLOW_WORDS, pick};
use super::verbs::{self, Hit, Verb};
use super::workflow;

const DEPLOY_PLACES: Words = Words("prod production live staging");
const QUESTION_STARTS: Words = Words(
    "what how why who when which is are can could should does do would will whats what's how's \
     hows who's where",
);

/// Decides from one verb; `None` when the verb turns out not to lead (e.g. "reset the
/// counter" is not a git reset), so the next verb is tried.
fn from_verb(ctx: &Ctx, hit: Hit) -> Option<Decision> {
    let after = hit.at + hit.len;
    let t = ctx.has_targets();
    let d = |kind: Kind, with: f32, without: f32| Decision::new(kind, pick(t, with, without));
    Some(match hit.verb {
        Verb::Undo => Decision::new(Kind::Undo, 0.92),
        Verb::Push if ctx.any_from(after, DEPLOY_PLACES) => workflow::deploy(ctx),
        Verb::CheckOut => git::decide(hit, ctx).unwrap_or_else(|| d(Kind::Read, 0.75, 0.6)),
        Verb::Git
        | Verb::Commit
        | Verb::ForcePush
        | Verb::Push
        | Verb::Pull
        | Verb::Stash
        | Verb::Discard
        | Verb::Reset
        | Verb::Sync
        | Verb::Checkout
        | Verb::Merge
        | Verb::Rebase
        | Verb::Diff
        | Verb::Status
        | Verb::WhatChanged
        | Verb::WhatDidIChange => git::decide(hit, ctx)?,
        Verb::Deploy if ctx.any(WORKFLOW_WORDS) => workflow::named(ctx)?,
        Verb::Deploy => workflow::deploy(ctx),
        Verb::Start => refine::start(ctx, after),
        Verb::Run => refine::run(ctx, after),
        Verb::Runner => {
            let words = ctx.rest(hit.at).iter().take(hit.len).copied();
            Decision::new(Kind::Test, 0.95).with("command", words.collect::<Vec<_>>().join(" "))
        }
        Verb::Test => d(Kind::Test, 0.9, 0.85),
        Verb::Read => refine::read(ctx, after),
        Verb::Search => refine::search(ctx, after),
        Verb::List => refine::list(ctx, after),
        Verb::Explain => d(Kind::Explain, 0.92, 0.8),
        Verb::QuestionDoes | Verb::QuestionIs => refine::question(ctx, hit),
        Verb::Why => refine::why(ctx, after),
        Verb::Fix => d(Kind::Fix, 0.92, 0.82),
        Verb::Edit if ctx.any_from(after, lexicon::DOC_FILES) => d(Kind::Docs, 0.88, 0.82),
        Verb::Edit => refine::docs_or(ctx, ctx.object(after), d(Kind::Edit, 0.9, 0.75)),
        Verb::Add => refine::add(ctx, after),
        Verb::Make => refine::make(ctx, after),
        Verb::Create => match git::new_branch(ctx, after) {
            Some(g) => g,
            None => refine::docs_or(ctx, ctx.object(after), d(Kind::Create, 0.9, 0.85)),
        },
        Verb::Refactor => d(Kind::Refactor, 0.9, 0.82),
        Verb::Remove => refine::remove(ctx, hit),
        Verb::Drop if ctx.any_from(after, DB_NOUNS) => Decision::new(Kind::Edit, 0.85)
            .with("action", "drop")
            .destructive(),
        Verb::Drop => refine::remove(ctx, hit),
        Verb::Overwrite => d(Kind::Edit, 0.88, 0.75)
            .with("action", "overwrite")
            .destructive(),
        Verb::Document => d(Kind::Docs, 0.92, 0.82),
        Verb::Analyze => d(Kind::Analyze, 0.9, 0.82),
        Verb::Check => refine::check(ctx, after),
    })
}

/// Kinds decided without any command verb.
fn fallback(ctx: &Ctx) -> Decision {
    let t = ctx.has_targets();
    if ctx.any(WORKFLOW_WORDS)
        && let Some(d) = workflow::named(ctx)
    {
        return d;
    }
    if (ctx.mentions_tests(0) || ctx.any(&["build", "ci"])) && ctx.any(PASS_WORDS) {
        return Decision::new(Kind::Test, 0.75);
    }
    if ctx.any(ANALYZE_NOUNS) {
        return Decision::new(Kind::Analyze, 0.65);
    }
    if ctx.any(DOC_NOUNS) {
        return Decision::new(Kind::Docs, 0.6);
    }
    if ctx.any(TROUBLE) {
        return Decision::new(Kind::Fix, 0.6);
    }
    if let Some(mut g) = git::from_nouns(ctx, 0) {
        g.confidence = 0.7;
        return g;
    }
    if ctx.any(&["you", "your", "yourself"]) {
        return Decision::new(Kind::Chat, 0.6);
    }
    if lexicon::is_in(QUESTION_STARTS, ctx.word(0)) && ctx.words.len() > 1 {
        return Decision::new(if t { Kind::Explain } else { Kind::Chat }, 0.5);
    }
    if t {
        return Decision::new(Kind::Read, 0.45);
    }
    let content = ctx.words.iter().filter(|w| !lexicon::is_stop(w)).count();
    Decision::new(Kind::Unknown, if content == 0 { 0.1 } else { 0.2 })
}

/// Does a later verb `later` take over from the first one? A "fix it" after a description
/// or a question, an explicit "git" after a question.
fn takes_over(first: Verb, later: Verb) -> bool {
    use Verb as V;
    match later {
        V::Fix => matches!(
            first,
            V::Read
                | V::Search
                | V::List
                | V::Run
                | V::Test
                | V::Check
                | V::Why
                | V::QuestionIs
                | V::QuestionDoes
                | V::Explain
                | V::Analyze
        ),
        V::Git => matches!(first, V::Read | V::Check | V::QuestionIs | V::QuestionDoes),
        _ => false,
    }
}

/// Is this verb said as a command ("fix it", "… and fix")? Only matters for "fix".
fn imperative(ctx: &Ctx, h: &Hit) -> bool {
    let object = ctx.word(h.at + h.len);
    let before = if h.at > 0 { ctx.word(h.at - 1) } else { "" };
    h.verb != Verb::Fix
        || matches!(
            object,
            "it" | "this" | "that" | "them" | "these" | "those" | ""
        )
        || matches!(before, "and" | "then" | "so")
}

/// Decides the kind, parameters and confidence of a cleaned command.
pub(crate) fn decide(ctx: &Ctx) -> Decision {
    if ctx.words.is_empty() {
        return if ctx.flags.greeted || ctx.flags.thanked {
            Decision::new(Kind::Chat, 0.85)
        } else {
            Decision::new(Kind::Unknown, 0.1)
        };
    }
    if chat::is_chat(&ctx.chat_words, ctx.has_targets()) {
        return Decision::new(Kind::Chat, 0.9);
    }
    let mut hits = verbs::scan(&ctx.words);
    if let Some(first) = hits.first().copied() {
        let later = hits
            .iter()
            .skip(1)
            .find(|h| takes_over(first.verb, h.verb) && imperative(ctx, h));
        if let Some(later) = later.copied() {
            hits.insert(0, later);
        }
    }
    let mut decision = hits
        .iter()
        .find_map(|&h| from_verb(ctx, h))
        .unwrap_or_else(|| fallback(ctx));
    // Long rambling commands are less certain.
    if ctx.words.len() > 30 {
        decision.confidence *= 0.8;
    }
    decision
}
