//! Workflows and deploys: "run the feature workflow", "start the bug fix workflow", "kick
//! off deploy", "start bugfix", "deploy to production", "ship it to prod". Names are
//! matched against the project's workflows with tolerance for spacing, case and one or
//! two misheard letters ("bug fix" → `bugfix`).

use super::Kind;
use super::casing;
use super::context::{Ctx, Decision};
use super::lexicon::{self, WordSet, Words};

/// Verbs that start a workflow; they end its spoken name.
const START_VERBS: Words = Words("run start kick off launch begin trigger execute rerun");

/// Lowercase letters and digits only.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .take(64)
        .collect()
}

/// Edit distance, bounded inputs (names are squashed to 64 characters).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            if let Some(c) = cur.get_mut(j + 1) {
                *c = sub.min(del).min(ins);
            }
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

/// The project workflow `spoken` names, if any is close enough.
pub(crate) fn fuzzy<'w>(spoken: &str, workflows: &'w [String]) -> Option<&'w str> {
    let s = squash(spoken);
    if s.is_empty() {
        return None;
    }
    let mut best: Option<(&str, usize)> = None;
    for w in workflows {
        let q = squash(w);
        let d = distance(&s, &q);
        let allowed = match q.chars().count().min(s.chars().count()) {
            0..=3 => 0,
            4..=7 => 1,
            _ => 2,
        };
        if d <= allowed && best.is_none_or(|(_, bd)| d < bd) {
            best = Some((w.as_str(), d));
        }
    }
    best.map(|(w, _)| w)
}

/// Does this workflow name deploy or release something?
pub(crate) fn is_deployish(name: &str) -> bool {
    let n = name.to_lowercase();
    ["deploy", "release", "ship", "publish", "prod"]
        .iter()
        .any(|d| n.contains(d))
}

fn decision(name: Option<String>, confidence: f32) -> Decision {
    let mut d = Decision::new(Kind::Workflow, confidence);
    if let Some(n) = name {
        if is_deployish(&n) {
            d = d.destructive();
        }
        d = d.with("name", n);
    }
    d
}

/// Tries every sub-span of `words` against the project's workflows.
fn match_words(words: &[&str], workflows: &[String]) -> Option<String> {
    for len in (1..=words.len()).rev() {
        for win in words.windows(len) {
            if let Some(w) = fuzzy(&win.join(" "), workflows) {
                return Some(w.to_string());
            }
        }
    }
    None
}

/// Name words before `end` (walking back) or after `start`.
fn words_before<'a>(ctx: &Ctx<'a>, end: usize) -> Vec<&'a str> {
    let mut s = end;
    while s > 0 && end - s < 3 {
        let w = ctx.word(s - 1);
        if w.is_empty() || lexicon::is_hard_stop(w) || START_VERBS.has(w) {
            break;
        }
        s -= 1;
    }
    (s..end).map(|i| ctx.word(i)).collect()
}

fn words_after<'a>(ctx: &Ctx<'a>, start: usize) -> Vec<&'a str> {
    let mut i = start;
    while matches!(ctx.word(i), "called" | "named" | "the" | "a") {
        i += 1;
    }
    ctx.rest(i)
        .iter()
        .take(3)
        .take_while(|w| !w.is_empty() && !lexicon::is_hard_stop(w) && !START_VERBS.has(w))
        .copied()
        .collect()
}

/// A deploy: the project's deploy-like workflow, or "deploy" with lower confidence.
pub(crate) fn deploy(ctx: &Ctx) -> Decision {
    let known = ctx.workflows.iter().find(|w| is_deployish(w));
    let mut d = match known {
        Some(w) => decision(Some(w.clone()), 0.88),
        None => decision(Some("deploy".to_string()), 0.55),
    };
    d = d.destructive();
    if ctx.any(&["production", "prod"]) {
        d = d.with("environment", "production");
    } else if ctx.any(&["staging"]) {
        d = d.with("environment", "staging");
    }
    d
}

/// "… the X workflow …" / "workflow X": the utterance names a workflow explicitly.
pub(crate) fn named(ctx: &Ctx) -> Option<Decision> {
    let at = ctx
        .words
        .iter()
        .position(|w| super::refine::WORKFLOW_WORDS.has(w))?;
    let before = words_before(ctx, at);
    let after = words_after(ctx, at + 1);
    for cand in [&before, &after] {
        if let Some(name) = match_words(cand, ctx.workflows) {
            return Some(decision(Some(name), 0.92));
        }
    }
    let spoken = if before.is_empty() { after } else { before };
    let name = (!spoken.is_empty()).then(|| casing::kebab(&spoken));
    let confidence = if name.is_some() { 0.62 } else { 0.45 };
    Some(decision(name, confidence))
}

/// "start bugfix": the words after a start verb are a workflow's name.
pub(crate) fn by_name(ctx: &Ctx, from: usize) -> Option<Decision> {
    let words = words_after(ctx, from);
    if words.is_empty() {
        return None;
    }
    match_words(&words, ctx.workflows).map(|n| decision(Some(n), 0.82))
}

/// The words after a start verb, as a workflow name that is not in the project.
pub(crate) fn unknown_name(ctx: &Ctx, from: usize) -> Decision {
    let words = words_after(ctx, from);
    let name = (!words.is_empty()).then(|| casing::kebab(&words));
    decision(name, 0.4)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Vec<String> {
        ["feature", "bugfix", "deploy"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    #[test]
    fn fuzzy_names() {
        let w = names();
        assert_eq!(fuzzy("bug fix", &w), Some("bugfix"));
        assert_eq!(fuzzy("Feature", &w), Some("feature"));
        assert_eq!(fuzzy("features", &w), Some("feature"));
        assert_eq!(fuzzy("deploy", &w), Some("deploy"));
        assert_eq!(fuzzy("banana", &w), None);
        assert_eq!(fuzzy("", &w), None);
        assert_eq!(distance("kitten", "sitting"), 3);
    }

    #[test]
    fn deployish() {
        assert!(is_deployish("deploy-prod"));
        assert!(is_deployish("Release"));
        assert!(!is_deployish("feature"));
    }
}
