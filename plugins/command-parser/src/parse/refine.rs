//! Refining a verb by the words around it: "add a docstring" is docs, "add a new class"
//! create, "add logging" edit; "delete the build folder" is a destructive edit but
//! "remove unused imports" a refactor; "run pytest" a test with its command, "run the
//! linter" analysis; "what does X do" explains, "what's a monad" is small talk.

use super::Kind;
use super::context::{Ctx, Decision, PATH_MARK, SYMBOL_MARK};
use super::git;
use super::lexicon::{self, ANALYZE_NOUNS, CREATABLE, DB_NOUNS, DOC_NOUNS, Words};
use super::lexicon::{FILE_NOUNS, FOLDER_NOUNS, TROUBLE};
use super::verbs::{self, Hit, Verb};
use super::workflow;

pub(crate) const WORKFLOW_WORDS: Words = Words("workflow workflows pipeline");
pub(crate) const PASS_WORDS: Words =
    Words("pass passing passed fail failing failed green work working broken");
/// What makes a "why" question a bug report ("why does the parser return null").
const WHY_TROUBLE: Words = Words(
    "not null none nil undefined nan empty slow timeout timing hang hangs freeze freezes frozen \
     stuck doesn't don't isn't won't can't cannot never incorrect missing",
);
const SEARCH_NOUNS: Words =
    Words("uses usages usage references callers occurrences where instances");
/// Words that tie a question to the project ("what does this do", "how does our cache work").
pub(crate) const ANCHORS: Words = Words(
    "this that these those here project code codebase repo repository app our my function class \
     method file module line lines variable regex we i",
);
const LINT_NOUNS: Words = Words(
    "linter lint linting analysis analyzer analyser profiler audit security clippy eslint pylint \
     flake8 ruff mypy benchmark benchmarks",
);
const LIST_SEARCH: Words = Words(
    "that which use uses using call calls import imports reference references where containing \
     contain",
);
const DEPLOYING: Words = Words("deploy deploying deployment release");

/// `with` when the command names a target, else `without`.
pub(crate) fn pick(hi: bool, with: f32, without: f32) -> f32 {
    if hi { with } else { without }
}

/// The test runner spoken after `from`, e.g. "cargo test".
fn runner(ctx: &Ctx, from: usize) -> Option<String> {
    let rest = ctx.rest(from);
    let hit = verbs::scan(rest)
        .into_iter()
        .find(|h| h.verb == Verb::Runner)?;
    Some(
        rest.iter()
            .skip(hit.at)
            .take(hit.len)
            .copied()
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// Docs when `obj` names documentation, else `otherwise`.
pub(crate) fn docs_or(ctx: &Ctx, obj: &[&str], otherwise: Decision) -> Decision {
    if obj.iter().any(|w| lexicon::is_in(DOC_NOUNS, w)) {
        return Decision::new(Kind::Docs, pick(ctx.has_targets(), 0.9, 0.82));
    }
    otherwise
}

/// "what does X do", "how does X work", "what is …": explain when about the project.
pub(crate) fn question(ctx: &Ctx, hit: Hit) -> Decision {
    let after = hit.at + hit.len;
    let rest = ctx.rest(after);
    let t = ctx.has_targets();
    if rest
        .iter()
        .any(|w| matches!(*w, "you" | "your" | "yourself"))
    {
        return Decision::new(Kind::Chat, 0.7);
    }
    if ctx.any_from(after, ANALYZE_NOUNS) {
        return Decision::new(Kind::Analyze, 0.72);
    }
    let general = matches!(ctx.word(after), "a" | "an");
    let does = hit.verb == Verb::QuestionDoes && rest.contains(&"the");
    if t || ctx.any_from(after, ANCHORS) || (does && !general) {
        Decision::new(Kind::Explain, pick(t, 0.88, 0.72))
    } else {
        Decision::new(Kind::Chat, 0.55)
    }
}

/// "why is X failing" is a fix; "why does X use a cache" an explanation.
pub(crate) fn why(ctx: &Ctx, after: usize) -> Decision {
    if ctx.any_from(after, TROUBLE) || ctx.any_from(after, WHY_TROUBLE) {
        Decision::new(Kind::Fix, pick(ctx.has_targets(), 0.85, 0.78))
    } else if ctx.has_targets() || ctx.any_from(after, ANCHORS) {
        Decision::new(Kind::Explain, 0.6)
    } else {
        Decision::new(Kind::Chat, 0.5)
    }
}

/// "show …": git nouns make it git, usages make it a search, "show me how" an explanation.
pub(crate) fn read(ctx: &Ctx, after: usize) -> Decision {
    let t = ctx.has_targets();
    if let Some(g) = git::from_nouns(ctx, after).filter(|_| !ctx.has_path()) {
        return g;
    }
    if ctx.any_from(after, SEARCH_NOUNS) {
        return Decision::new(Kind::Search, pick(t, 0.85, 0.78));
    }
    if ctx.word(after) == "how" || (ctx.word(after) == "me" && ctx.word(after + 1) == "how") {
        return Decision::new(Kind::Explain, pick(t, 0.85, 0.75));
    }
    Decision::new(Kind::Read, pick(t, 0.92, 0.7))
}

/// "find …": a security hunt is analysis, "find the bug" a fix, else a search.
pub(crate) fn search(ctx: &Ctx, after: usize) -> Decision {
    let t = ctx.has_targets();
    if ctx.any_from(after, ANALYZE_NOUNS) {
        return Decision::new(Kind::Analyze, pick(t, 0.78, 0.72));
    }
    let bug = |w: &&str| matches!(*w, "bug" | "bugs" | "cause" | "culprit");
    if ctx.object(after).iter().any(bug) {
        return Decision::new(Kind::Fix, pick(t, 0.75, 0.7));
    }
    Decision::new(Kind::Search, pick(t, 0.9, 0.8))
}

/// "list the files that use X" searches; "list the files in src" reads.
pub(crate) fn list(ctx: &Ctx, after: usize) -> Decision {
    let t = ctx.has_targets();
    if ctx.any_from(after, LIST_SEARCH) {
        return Decision::new(Kind::Search, pick(t, 0.8, 0.75));
    }
    Decision::new(Kind::Read, pick(t, 0.7, 0.6))
}

/// "run …": a workflow, a test runner, the tests, a linter, a deploy, or a workflow name.
pub(crate) fn run(ctx: &Ctx, after: usize) -> Decision {
    if ctx.any(WORKFLOW_WORDS)
        && let Some(d) = workflow::named(ctx)
    {
        return d;
    }
    if let Some(cmd) = runner(ctx, after) {
        return Decision::new(Kind::Test, 0.95).with("command", cmd);
    }
    if ctx.mentions_tests(after) || ctx.names_a_test() {
        return Decision::new(Kind::Test, pick(ctx.has_targets(), 0.92, 0.9));
    }
    if ctx.any_from(after, LINT_NOUNS) {
        return Decision::new(Kind::Analyze, 0.85);
    }
    if ctx.any_from(after, DEPLOYING) {
        return workflow::deploy(ctx);
    }
    workflow::by_name(ctx, after).unwrap_or_else(|| Decision::new(Kind::Test, 0.4))
}

/// "start/kick off/launch …": a workflow (named or not), the tests, or a deploy.
pub(crate) fn start(ctx: &Ctx, after: usize) -> Decision {
    if ctx.any(WORKFLOW_WORDS)
        && let Some(d) = workflow::named(ctx)
    {
        return d;
    }
    if ctx.mentions_tests(after) {
        return Decision::new(Kind::Test, 0.8);
    }
    if ctx.any_from(after, DEPLOYING) {
        return workflow::deploy(ctx);
    }
    workflow::by_name(ctx, after).unwrap_or_else(|| workflow::unknown_name(ctx, after))
}

/// "delete/remove …": files and folders are a destructive edit, tables a drop, branches a
/// git branch deletion, lines an edit, anything else (code) a refactor.
pub(crate) fn remove(ctx: &Ctx, hit: Hit) -> Decision {
    let after = hit.at + hit.len;
    let obj = ctx.object(after);
    if obj.iter().any(|w| lexicon::is_in(DB_NOUNS, w)) {
        return Decision::new(Kind::Edit, 0.85)
            .with("action", "drop")
            .destructive();
    }
    if obj.contains(&"branch") {
        return git::delete_branch(ctx, after);
    }
    let filey = |w: &&str| {
        *w == PATH_MARK
            || *w == "everything"
            || lexicon::is_in(FILE_NOUNS, w)
            || lexicon::is_in(FOLDER_NOUNS, w)
    };
    let files = ctx.word(hit.at) == "rm" || obj.iter().any(filey);
    if files && !obj.contains(&SYMBOL_MARK) {
        return Decision::new(Kind::Edit, 0.9)
            .with("action", "delete")
            .destructive();
    }
    if obj.iter().any(|w| matches!(*w, "line" | "lines")) {
        return Decision::new(Kind::Edit, 0.85);
    }
    Decision::new(Kind::Refactor, pick(ctx.has_targets(), 0.82, 0.75))
}

/// "add …": a branch, documentation, something new, or a change to existing code.
pub(crate) fn add(ctx: &Ctx, after: usize) -> Decision {
    if let Some(d) = git::new_branch(ctx, after) {
        return d;
    }
    let obj = ctx.object(after);
    let t = ctx.has_targets();
    let named = ctx.any_from(after, &["called", "named"]);
    let creates = obj
        .iter()
        .any(|w| lexicon::is_in(CREATABLE, w) || (*w == "new" && named));
    let otherwise = if creates {
        Decision::new(Kind::Create, pick(t, 0.88, 0.82))
    } else {
        Decision::new(Kind::Edit, pick(t, 0.88, 0.75))
    };
    docs_or(ctx, obj, otherwise)
}

/// "make …": "make a new X" creates, "make X return Y" edits.
pub(crate) fn make(ctx: &Ctx, after: usize) -> Decision {
    if let Some(d) = git::new_branch(ctx, after) {
        return d;
    }
    let head: Vec<&str> = ctx.rest(after).iter().take(3).copied().collect();
    let article = matches!(head.first(), Some(&"a" | &"an"));
    let new = head.contains(&"new")
        || (article && head.get(1).is_some_and(|w| lexicon::is_in(CREATABLE, w)));
    if new {
        return docs_or(ctx, &head, Decision::new(Kind::Create, 0.88));
    }
    Decision::new(Kind::Edit, pick(ctx.has_targets(), 0.85, 0.7))
}

/// "check …": tests passing, git status, or (mostly) analysis.
pub(crate) fn check(ctx: &Ctx, after: usize) -> Decision {
    if ctx.mentions_tests(after) || ctx.names_a_test() {
        return Decision::new(Kind::Test, 0.85);
    }
    if ctx.any_from(after, &["status"]) {
        let status = || Decision::new(Kind::Git, 0.7).with("action", "status");
        return git::from_nouns(ctx, after).unwrap_or_else(status);
    }
    if ctx.any_from(after, ANALYZE_NOUNS) || ctx.any_from(after, &["for"]) {
        return Decision::new(Kind::Analyze, 0.85);
    }
    Decision::new(Kind::Analyze, 0.65)
}
