//! Git phrases: "git status", "what changed", "show me the diff", "commit with message …",
//! "push", "force push", "pull"/"sync with remote", "last five commits", "create a branch
//! called …", "switch to the develop branch", "reset hard"/"discard all changes", "stash".
//! Produces kind `git` with `action` and its parameters (`message`, `force`, `limit`, `name`).

use super::Kind;
use super::casing;
use super::context::{Ctx, Decision};
use super::lexicon::{self, Phrases, WordSet, Words};
use super::verbs::{Hit, Verb};

/// Git subcommands spoken after "git".
const SUBCOMMANDS: Words = Words(
    "status diff log commit push pull stash branch checkout switch reset merge rebase fetch add \
     show blame init clone tag cherry-pick restore clean",
);

fn git(action: &str, confidence: f32) -> Decision {
    Decision::new(Kind::Git, confidence).with("action", action)
}

/// Does the utterance say "force" or "--force" anywhere?
fn forced(ctx: &Ctx) -> bool {
    ctx.any(&["force", "--force", "-f", "forcefully", "forced"])
}

/// Words that introduce a commit message, earliest wins.
const MESSAGE_MARKERS: Phrases = Phrases(
    "with the commit message, with commit message, with the message, with a message, \
     with message, message, saying, that says, titled, called, as",
);

/// The commit message spoken after the verb, and whether "and push" followed it.
fn commit_message(ctx: &Ctx, from: usize) -> (Option<String>, bool) {
    let mut best: Option<(usize, usize)> = None;
    for marker in MESSAGE_MARKERS.each() {
        let words: Vec<&str> = marker.split_ascii_whitespace().collect();
        let len = words.len();
        let pos = (from..ctx.texts.len()).find(|&i| ctx.texts.get(i..i + len) == Some(&words[..]));
        if let Some(p) = pos
            && best.is_none_or(|(bp, bl)| p < bp || (p == bp && len > bl))
        {
            best = Some((p, len));
        }
    }
    let Some((p, len)) = best else {
        return (None, false);
    };
    let mut words: Vec<&str> = ctx.texts.get(p + len..).unwrap_or(&[]).to_vec();
    let mut push = false;
    for tail in [
        &["and", "push", "it"][..],
        &["and", "push"],
        &["then", "push"],
        &["and", "then", "push"],
    ] {
        if words.ends_with(tail) {
            words.truncate(words.len() - tail.len());
            push = true;
            break;
        }
    }
    let msg = words.join(" ");
    ((!msg.is_empty()).then_some(msg), push)
}

/// How many commits: "last five commits", "the last 10".
fn log_limit(ctx: &Ctx) -> Option<String> {
    let n = ctx.words.len();
    (0..n).find_map(|i| {
        let w = ctx.word(i);
        let is_num = !w.is_empty() && w.len() <= 6 && w.chars().all(|c| c.is_ascii_digit());
        let near = matches!(ctx.word(i + 1), "commits" | "commit" | "entries")
            || (i > 0
                && matches!(
                    ctx.word(i - 1),
                    "last" | "past" | "recent" | "latest" | "top"
                ));
        (is_num && near).then(|| w.to_string())
    })
}

/// A branch name: after "called"/"named", between "to the" and "branch", or after "branch".
fn branch_name(ctx: &Ctx, from: usize) -> Option<String> {
    let n = ctx.texts.len();
    let take_name = |start: usize| -> Option<String> {
        let words: Vec<&str> = (start..n)
            .map(|j| ctx.texts.get(j).copied().unwrap_or(""))
            .take(4)
            .take_while(|w| {
                !w.is_empty()
                    && !lexicon::is_hard_stop(w)
                    && !matches!(*w, "branch" | "from" | "off")
            })
            .collect();
        (!words.is_empty()).then(|| casing::kebab(&words))
    };
    if let Some(c) =
        (from..n).find(|&i| matches!(ctx.texts.get(i).copied(), Some("called" | "named")))
    {
        return take_name(c + 1);
    }
    if let Some(b) = (from..n).find(|&i| ctx.texts.get(i).copied() == Some("branch")) {
        // "switch to the develop branch": the words just before "branch".
        let mut s = b;
        while s > from && s - 1 < n {
            let w = ctx.texts.get(s - 1).copied().unwrap_or("");
            if lexicon::is_stop(w) || w.is_empty() {
                break;
            }
            s -= 1;
        }
        if s < b {
            let words: Vec<&str> = (s..b).filter_map(|j| ctx.texts.get(j).copied()).collect();
            return Some(casing::kebab(&words));
        }
        return take_name(b + 1);
    }
    let mut start = from;
    while lexicon::is_in(
        lexicon::ARTICLES,
        ctx.texts.get(start).copied().unwrap_or(""),
    ) {
        start += 1;
    }
    take_name(start)
}

/// A remote or branch after "to"/"from" ("push to origin", "force push to main").
fn destination(ctx: &Ctx, from: usize) -> Option<(&'static str, String)> {
    let i = (from..ctx.words.len()).find(|&i| matches!(ctx.word(i), "to" | "from"))?;
    let mut j = i + 1;
    while matches!(ctx.word(j), "the" | "my") {
        j += 1;
    }
    let w = ctx.texts.get(j).copied().filter(|w| !w.is_empty())?;
    match w {
        "origin" | "upstream" => Some(("remote", w.to_string())),
        "remote" => None,
        _ if !lexicon::is_stop(w) => Some(("branch", w.to_string())),
        _ => None,
    }
}

/// The decision for an action with its parameters.
fn action(ctx: &Ctx, act: &str, from: usize, confidence: f32) -> Decision {
    let mut d = git(act, confidence);
    match act {
        "commit" => {
            let (message, push) = commit_message(ctx, from);
            if let Some(m) = message {
                d = d.with("message", m);
            }
            if push {
                d = d.with("push", "true");
            }
        }
        "push" => {
            if forced(ctx) {
                d = d.with("force", "true").destructive();
            }
            if let Some((k, v)) = destination(ctx, from) {
                d = d.with(k, v);
            }
        }
        "pull" | "fetch" => {
            if let Some((k, v)) = destination(ctx, from) {
                d = d.with(k, v);
            }
        }
        "log" => {
            if let Some(l) = log_limit(ctx) {
                d = d.with("limit", l);
            }
        }
        "branch" | "checkout" | "switch" | "merge" => {
            if let Some(n) = branch_name(ctx, from) {
                d = d.with("name", n);
            }
        }
        "reset" | "clean" => {
            d = d.destructive();
            if ctx.any(&["hard", "--hard"]) || ctx.any(&["discard", "away"]) {
                d = d.with("hard", "true");
            }
        }
        _ => {}
    }
    d
}

/// Decides a git verb; `None` when the words turn out not to be about git.
pub(crate) fn decide(hit: Hit, ctx: &Ctx) -> Option<Decision> {
    let after = hit.at + hit.len;
    let next = ctx.word(after);
    Some(match hit.verb {
        Verb::Git => {
            let sub = SUBCOMMANDS.has(next).then_some(next);
            match sub {
                Some("switch") => action(ctx, "checkout", after + 1, 0.95),
                Some(s) => action(ctx, s, after + 1, 0.97),
                None => action(ctx, "status", after, 0.6),
            }
        }
        Verb::Commit => action(ctx, "commit", after, 0.93),
        Verb::ForcePush => action(ctx, "push", after, 0.95)
            .with("force", "true")
            .destructive(),
        Verb::Push => action(ctx, "push", after, 0.9),
        Verb::Pull => action(ctx, "pull", after, 0.88),
        Verb::Sync => action(ctx, "pull", after, 0.8),
        Verb::Stash => action(ctx, "stash", after, 0.9),
        Verb::Discard => {
            if !ctx.any_from(
                after,
                &[
                    "changes",
                    "change",
                    "everything",
                    "edits",
                    "work",
                    "modifications",
                ],
            ) {
                return None;
            }
            action(ctx, "reset", after, 0.85)
        }
        Verb::Reset => {
            let git_words = matches!(
                next,
                "hard"
                    | "--hard"
                    | "soft"
                    | "--soft"
                    | "head"
                    | "to"
                    | "origin"
                    | "changes"
                    | "everything"
                    | "all"
                    | "the"
            );
            let about_git = hit.len == 2 || next.is_empty() || (git_words && !ctx.has_targets());
            if !about_git {
                return None;
            }
            action(ctx, "reset", after, 0.88)
        }
        Verb::Checkout => action(ctx, "checkout", after, 0.88),
        Verb::CheckOut => {
            let branchy = ctx.any_from(
                after,
                &["branch", "main", "master", "develop", "dev", "trunk"],
            );
            if !branchy {
                return None;
            }
            action(ctx, "checkout", after, 0.85)
        }
        Verb::Merge => action(ctx, "merge", after, 0.85),
        Verb::Rebase => action(ctx, "rebase", after, 0.88),
        Verb::Diff => action(ctx, "diff", after, 0.9),
        Verb::Status => action(ctx, "status", after, 0.9),
        Verb::WhatChanged if ctx.has_targets() => action(ctx, "diff", after, 0.8),
        Verb::WhatChanged => action(ctx, "status", after, 0.85),
        Verb::WhatDidIChange => action(ctx, "diff", after, 0.88),
        _ => return None,
    })
}

/// "show me the diff", "show the log", "last five commits": git nouns after a reading verb.
pub(crate) fn from_nouns(ctx: &Ctx, from: usize) -> Option<Decision> {
    let rest = ctx.rest(from);
    let has = |w: &str| rest.contains(&w);
    if has("diff")
        || has("diffs")
        || ((has("changes") || has("changed")) && !ctx.has_targets() && !has("latest"))
    {
        return Some(action(ctx, "diff", from, 0.85));
    }
    if has("status") {
        return Some(action(ctx, "status", from, 0.85));
    }
    if has("commits") || has("log") || (has("history") && !ctx.has_targets()) {
        return Some(action(ctx, "log", from, 0.85));
    }
    None
}

/// "delete the branch called X": a destructive branch deletion.
pub(crate) fn delete_branch(ctx: &Ctx, from: usize) -> Decision {
    action(ctx, "branch", from, 0.85)
        .with("delete", "true")
        .destructive()
}

/// "create a branch called X", "make a new branch named Y".
pub(crate) fn new_branch(ctx: &Ctx, from: usize) -> Option<Decision> {
    let obj = ctx.object(from);
    if obj.contains(&"branch") || ctx.rest(from).first() == Some(&"branch") {
        return Some(action(ctx, "branch", from, 0.9));
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::parse::{Kind, parse};

    fn param(s: &str, key: &str) -> Option<String> {
        parse(s, &[])
            .params
            .into_iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    #[test]
    fn git_params() {
        assert_eq!(
            param("commit with message fix typo", "message").as_deref(),
            Some("fix typo")
        );
        assert_eq!(
            param("commit everything saying update readme and push", "push").as_deref(),
            Some("true")
        );
        assert_eq!(
            param("force push to main", "force").as_deref(),
            Some("true")
        );
        assert_eq!(param("push to origin", "remote").as_deref(), Some("origin"));
        assert_eq!(
            param("show me the last five commits", "limit").as_deref(),
            Some("5")
        );
        assert_eq!(
            param("create a branch called feature login", "name").as_deref(),
            Some("feature-login")
        );
        assert_eq!(
            param("switch to the develop branch", "name").as_deref(),
            Some("develop")
        );
        assert_eq!(param("git status", "action").as_deref(), Some("status"));
        assert_eq!(param("get diff", "action").as_deref(), Some("diff"));
    }

    #[test]
    fn reset_only_when_about_git() {
        assert_eq!(parse("reset hard", &[]).kind, Kind::Git);
        assert_ne!(
            parse("reset the counter in config dot py", &[]).kind,
            Kind::Git
        );
    }
}
