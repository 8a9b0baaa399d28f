//! The command-verb table: every spoken way to start a command ("show", "go to", "walk
//! me through", "kick off", "roll back", "cargo test", …) mapped to a verb group, and a
//! scanner that finds them left to right, longest phrase first.

/// A group of verbs that lead to the same decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verb {
    Undo,
    Git,
    Commit,
    ForcePush,
    Push,
    Pull,
    Stash,
    Discard,
    Reset,
    Sync,
    Checkout,
    CheckOut,
    Merge,
    Rebase,
    Diff,
    Status,
    WhatChanged,
    WhatDidIChange,
    Deploy,
    Start,
    Run,
    Runner,
    Test,
    Read,
    Search,
    List,
    Explain,
    QuestionDoes,
    QuestionIs,
    Why,
    Fix,
    Edit,
    Add,
    Make,
    Create,
    Refactor,
    Remove,
    Drop,
    Overwrite,
    Document,
    Analyze,
    Check,
}

/// A verb found in the words: which, where, how many words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Hit {
    pub verb: Verb,
    pub at: usize,
    pub len: usize,
}

use super::lexicon::{WordSet, Words};
use Verb as V;

/// (spoken words, verb, only as the first word).
const TABLE: &[(&[&str], Verb, bool)] = &[
    // undo
    (&["undo"], V::Undo, false),
    (&["revert"], V::Undo, false),
    (&["roll", "back"], V::Undo, false),
    (&["rollback"], V::Undo, false),
    (&["roll", "that", "back"], V::Undo, false),
    (&["roll", "it", "back"], V::Undo, false),
    (&["roll", "this", "back"], V::Undo, false),
    (&["put", "it", "back"], V::Undo, false),
    (&["put", "that", "back"], V::Undo, false),
    (&["change", "it", "back"], V::Undo, false),
    (&["change", "that", "back"], V::Undo, false),
    (&["take", "that", "back"], V::Undo, false),
    (&["take", "it", "back"], V::Undo, false),
    (&["go", "back"], V::Undo, true),
    // git
    (&["git"], V::Git, false),
    (&["commit"], V::Commit, false),
    (&["force", "push"], V::ForcePush, false),
    (&["push"], V::Push, false),
    (&["pull", "up"], V::Read, false),
    (&["pull", "out"], V::Refactor, false),
    (&["pull"], V::Pull, false),
    (&["stash"], V::Stash, false),
    (&["discard"], V::Discard, false),
    (&["throw", "away"], V::Discard, false),
    (&["reset"], V::Reset, false),
    (&["hard", "reset"], V::Reset, false),
    (&["sync"], V::Sync, false),
    (&["checkout"], V::Checkout, false),
    (&["check", "out"], V::CheckOut, false),
    (&["switch", "to"], V::Checkout, false),
    (&["switch", "branches"], V::Checkout, false),
    (&["merge"], V::Merge, true),
    (&["rebase"], V::Rebase, false),
    (&["diff"], V::Diff, true),
    (&["status"], V::Status, true),
    (&["what", "changed"], V::WhatChanged, false),
    (&["what's", "changed"], V::WhatChanged, false),
    (&["whats", "changed"], V::WhatChanged, false),
    (&["what", "has", "changed"], V::WhatChanged, false),
    (&["what", "files", "changed"], V::WhatChanged, false),
    (&["what", "files", "have", "changed"], V::WhatChanged, false),
    (&["anything", "changed"], V::WhatChanged, false),
    (&["what", "did", "i", "change"], V::WhatDidIChange, false),
    (&["what", "have", "i", "changed"], V::WhatDidIChange, false),
    (&["what's", "the", "status"], V::Status, false),
    (&["whats", "the", "status"], V::Status, false),
    (&["what", "is", "the", "status"], V::Status, false),
    (&["what", "branch"], V::Status, false),
    // workflows and deploys
    (&["deploy"], V::Deploy, false),
    (&["ship"], V::Deploy, false),
    (&["release"], V::Deploy, true),
    (&["publish"], V::Deploy, true),
    (&["roll", "out"], V::Deploy, false),
    (&["go", "live"], V::Deploy, false),
    (&["kick", "off"], V::Start, false),
    (&["start"], V::Start, false),
    (&["launch"], V::Start, false),
    (&["begin"], V::Start, false),
    (&["trigger"], V::Start, false),
    // tests
    (&["run"], V::Run, false),
    (&["execute"], V::Run, false),
    (&["rerun"], V::Run, false),
    (&["re", "run"], V::Run, false),
    (&["pytest"], V::Runner, false),
    (&["cargo", "test"], V::Runner, false),
    (&["cargo", "nextest"], V::Runner, false),
    (&["npm", "test"], V::Runner, false),
    (&["npm", "run", "test"], V::Runner, false),
    (&["yarn", "test"], V::Runner, false),
    (&["pnpm", "test"], V::Runner, false),
    (&["go", "test"], V::Runner, false),
    (&["jest"], V::Runner, false),
    (&["vitest"], V::Runner, false),
    (&["mocha"], V::Runner, false),
    (&["rspec"], V::Runner, false),
    (&["mvn", "test"], V::Runner, false),
    (&["gradle", "test"], V::Runner, false),
    (&["make", "test"], V::Runner, false),
    (&["tox"], V::Runner, false),
    (&["phpunit"], V::Runner, false),
    (&["dotnet", "test"], V::Runner, false),
    (&["bun", "test"], V::Runner, false),
    (&["deno", "test"], V::Runner, false),
    (&["ctest"], V::Runner, false),
    (&["test"], V::Test, true),
    (&["retest"], V::Test, false),
    // read
    (&["show"], V::Read, false),
    (&["open"], V::Read, false),
    (&["display"], V::Read, false),
    (&["print"], V::Read, true),
    (&["cat"], V::Read, true),
    (&["view"], V::Read, true),
    (&["go", "to"], V::Read, false),
    (&["jump", "to"], V::Read, false),
    (&["navigate", "to"], V::Read, false),
    (&["take", "me", "to"], V::Read, false),
    (&["let", "me", "see"], V::Read, false),
    (&["bring", "up"], V::Read, false),
    (&["look", "at"], V::Read, false),
    (&["what's", "in"], V::Read, false),
    (&["whats", "in"], V::Read, false),
    (&["what", "is", "in"], V::Read, false),
    (&["read"], V::Read, true),
    (&["see"], V::Read, true),
    // search
    (&["find"], V::Search, false),
    (&["search"], V::Search, false),
    (&["grep"], V::Search, false),
    (&["look", "for"], V::Search, false),
    (&["look", "up"], V::Search, false),
    (&["locate"], V::Search, false),
    (&["where"], V::Search, false),
    (&["where's"], V::Search, false),
    (&["wheres"], V::Search, false),
    (&["which", "files"], V::Search, false),
    (&["which", "file"], V::Search, false),
    (&["which", "functions"], V::Search, false),
    (&["who", "calls"], V::Search, false),
    (&["who", "uses"], V::Search, false),
    (&["list"], V::List, false),
    // explain
    (&["explain"], V::Explain, false),
    (&["describe"], V::Explain, false),
    (&["walk", "me", "through"], V::Explain, false),
    (&["walk", "through"], V::Explain, false),
    (&["help", "me", "understand"], V::Explain, false),
    (&["break", "down"], V::Explain, false),
    (&["tell", "me", "about"], V::Explain, false),
    (&["tell", "me", "what"], V::Explain, false),
    (&["tell", "me", "how"], V::Explain, false),
    (&["summarize"], V::Explain, false),
    (&["summarise"], V::Explain, false),
    (&["clarify"], V::Explain, false),
    (&["overview"], V::Explain, false),
    (&["rundown"], V::Explain, false),
    (&["give", "me", "a", "summary"], V::Explain, false),
    (&["what", "does"], V::QuestionDoes, false),
    (&["what", "do"], V::QuestionDoes, false),
    (&["how", "does"], V::QuestionDoes, false),
    (&["how", "do"], V::QuestionDoes, false),
    (&["what", "is"], V::QuestionIs, false),
    (&["what's"], V::QuestionIs, false),
    (&["whats"], V::QuestionIs, false),
    (&["what", "are"], V::QuestionIs, false),
    (&["why"], V::Why, false),
    // fix
    (&["fix"], V::Fix, false),
    (&["debug"], V::Fix, false),
    (&["repair"], V::Fix, false),
    (&["patch"], V::Fix, false),
    (&["resolve"], V::Fix, false),
    (&["solve"], V::Fix, false),
    (&["troubleshoot"], V::Fix, false),
    (&["diagnose"], V::Fix, false),
    (&["figure", "out", "why"], V::Fix, false),
    (&["figure", "out", "what's", "wrong"], V::Fix, false),
    // edit
    (&["change"], V::Edit, false),
    (&["update"], V::Edit, false),
    (&["modify"], V::Edit, false),
    (&["replace"], V::Edit, false),
    (&["tweak"], V::Edit, false),
    (&["adjust"], V::Edit, false),
    (&["edit"], V::Edit, false),
    (&["set", "up"], V::Create, false),
    (&["set"], V::Edit, false),
    (&["insert"], V::Edit, false),
    (&["append"], V::Edit, false),
    (&["prepend"], V::Edit, false),
    (&["increase"], V::Edit, false),
    (&["decrease"], V::Edit, false),
    (&["rewrite"], V::Edit, false),
    (&["swap"], V::Edit, false),
    (&["bump"], V::Edit, true),
    (&["use"], V::Edit, true),
    (&["add"], V::Add, false),
    (&["put"], V::Add, false),
    (&["make"], V::Make, false),
    // create
    (&["create"], V::Create, false),
    (&["scaffold"], V::Create, false),
    (&["generate"], V::Create, false),
    (&["new"], V::Create, true),
    (&["bootstrap"], V::Create, false),
    (&["initialize"], V::Create, false),
    (&["initialise"], V::Create, false),
    (&["init"], V::Create, true),
    (&["stub", "out"], V::Create, false),
    (&["write"], V::Create, false),
    // refactor
    (&["rename"], V::Refactor, false),
    (&["extract"], V::Refactor, false),
    (&["move"], V::Refactor, false),
    (&["split"], V::Refactor, false),
    (&["inline"], V::Refactor, false),
    (&["refactor"], V::Refactor, false),
    (&["clean", "up"], V::Refactor, false),
    (&["cleanup"], V::Refactor, false),
    (&["simplify"], V::Refactor, false),
    (&["restructure"], V::Refactor, false),
    (&["reorganize"], V::Refactor, false),
    (&["reorganise"], V::Refactor, false),
    (&["tidy"], V::Refactor, false),
    (&["deduplicate"], V::Refactor, false),
    (&["dedupe"], V::Refactor, false),
    (&["dedup"], V::Refactor, false),
    (&["convert"], V::Refactor, false),
    (&["optimize"], V::Refactor, false),
    (&["optimise"], V::Refactor, false),
    (&["break", "up"], V::Refactor, false),
    (&["modularize"], V::Refactor, false),
    // destructive edits
    (&["delete"], V::Remove, false),
    (&["remove"], V::Remove, false),
    (&["erase"], V::Remove, false),
    (&["wipe"], V::Remove, false),
    (&["rm"], V::Remove, false),
    (&["nuke"], V::Remove, false),
    (&["trash"], V::Remove, false),
    (&["get", "rid", "of"], V::Remove, false),
    (&["purge"], V::Remove, false),
    (&["destroy"], V::Remove, false),
    (&["clear", "out"], V::Remove, false),
    (&["drop"], V::Drop, false),
    (&["overwrite"], V::Overwrite, false),
    (&["clobber"], V::Overwrite, false),
    // docs and analysis
    (&["document"], V::Document, false),
    (&["analyze"], V::Analyze, false),
    (&["analyse"], V::Analyze, false),
    (&["review"], V::Analyze, false),
    (&["audit"], V::Analyze, false),
    (&["lint"], V::Analyze, false),
    (&["scan"], V::Analyze, false),
    (&["profile"], V::Analyze, false),
    (&["inspect"], V::Analyze, false),
    (&["assess"], V::Analyze, false),
    (&["evaluate"], V::Analyze, false),
    (&["benchmark"], V::Analyze, false),
    (&["measure"], V::Analyze, false),
    (&["check"], V::Check, false),
];

/// The longest table entry matching at `i`.
fn longest_at(words: &[&str], i: usize) -> Option<(Verb, usize)> {
    let mut best: Option<(Verb, usize)> = None;
    for (phrase, verb, first_only) in TABLE {
        if *first_only && i != 0 {
            continue;
        }
        let matches = phrase
            .iter()
            .enumerate()
            .all(|(k, p)| words.get(i + k) == Some(p));
        if matches && best.is_none_or(|(_, n)| phrase.len() > n) {
            best = Some((*verb, phrase.len()));
        }
    }
    best
}

/// Words after which a one-word verb is a noun ("the checkout flow", "a push handler").
const DETERMINERS: Words = Words("the a an this that these those my our your its their");

/// Cues that still count after a determiner ("an overview", "the git status").
const NOUN_CUES: Words = Words("git overview rundown");

/// All verbs in the words, left to right, without overlaps.
pub(crate) fn scan(words: &[&str]) -> Vec<Hit> {
    let mut hits = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let after_determiner = i > 0
            && words.get(i - 1).is_some_and(|w| DETERMINERS.has(w))
            && !words.get(i).is_some_and(|w| NOUN_CUES.has(w));
        // "bug fix", "hot fix": compound nouns, not commands.
        let compound = i > 0
            && words.get(i) == Some(&"fix")
            && matches!(words.get(i - 1), Some(&"bug" | &"hot"));
        let after_determiner = after_determiner || compound;
        match longest_at(words, i).filter(|&(_, len)| !(after_determiner && len == 1)) {
            Some((verb, len)) => {
                hits.push(Hit { verb, at: i, len });
                i += len;
            }
            None => i += 1,
        }
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(s: &str) -> Option<Verb> {
        let words: Vec<&str> = s.split_whitespace().collect();
        scan(&words).first().map(|h| h.verb)
    }

    #[test]
    fn longest_phrase_wins() {
        assert_eq!(first("pull up the config"), Some(Verb::Read));
        assert_eq!(first("pull from origin"), Some(Verb::Pull));
        assert_eq!(first("set up a new file"), Some(Verb::Create));
        assert_eq!(first("run cargo test"), Some(Verb::Run));
        assert_eq!(first("cargo test"), Some(Verb::Runner));
        assert_eq!(first("what's in the file"), Some(Verb::Read));
        assert_eq!(first("what's the status"), Some(Verb::Status));
    }

    #[test]
    fn first_word_only_entries() {
        assert_eq!(first("test the parser"), Some(Verb::Test));
        assert_eq!(first("why is the test failing"), Some(Verb::Why));
        assert_eq!(first("banana"), None);
    }
}
