//! Names spoken inside question and command frames: "where is get user used", "find all
//! uses of parse config", "what does calculate shipping do", "why is test login failing",
//! "make get price return a decimal", "a docstring for calculate total".

use super::lexicon::{self, ARTICLES, Casing, WordSet, Words};
use super::symbols::{NAME_MAX, add_symbol};
use super::targets::Scan;

const NONE: Words = Words("");
const WHERE: Words = Words(
    "used defined called declared set imported referenced implemented initialized initialised \
     read raised thrown handled created instantiated invoked located stored configured assigned \
     modified changed written updated exported registered computed calculated loaded",
);
const DOES: Words = Words("do does return returns mean print output contain contains");
const WORK: Words = Words("work works get handle behave run");
const FAIL: Words = Words(
    "failing fail fails broken crashing crash crashes slow returning return throwing raising \
     erroring not wrong hanging timing empty",
);
const MAKE: Words =
    Words("return returns accept accepts take takes use raise throw handle support print log");

/// (opening words, words that must follow the name; `NONE` = the name runs to a stop word).
const FRAMES: &[(&str, Words)] = &[
    ("uses of", NONE),
    ("usages of", NONE),
    ("usage of", NONE),
    ("references to", NONE),
    ("references of", NONE),
    ("reference to", NONE),
    ("calls to", NONE),
    ("callers of", NONE),
    ("occurrences of", NONE),
    ("instances of", NONE),
    ("definition of", NONE),
    ("implementation of", NONE),
    ("that call", NONE),
    ("that calls", NONE),
    ("which call", NONE),
    ("which calls", NONE),
    ("who calls", NONE),
    ("that use", NONE),
    ("that uses", NONE),
    ("who uses", NONE),
    ("where is", WHERE),
    ("where are", WHERE),
    ("where do we", WHERE),
    ("where does", WHERE),
    ("where's", WHERE),
    ("wheres", WHERE),
    ("where", WHERE),
    ("what does", DOES),
    ("what do", DOES),
    ("what", DOES),
    ("how does", WORK),
    ("how do", WORK),
    ("why is", FAIL),
    ("why are", FAIL),
    ("why does", FAIL),
    ("why do", FAIL),
    ("make", MAKE),
];

/// Auxiliaries allowed between a name and its closer ("where handle request is defined").
const AUX: Words = Words("is are was were be being been getting");

/// The name at `from..` inside a frame, if the frame closes properly.
fn frame_name(scan: &Scan, from: usize, closers: Words) -> Option<Vec<usize>> {
    let mut j = from;
    while lexicon::is_in(ARTICLES, scan.word(j)) && scan.free(j) {
        j += 1;
    }
    let mut idx = Vec::new();
    while idx.len() < NAME_MAX && scan.free(j) {
        let w = scan.word(j);
        let typed = scan.token(j).is_some_and(|t| !t.is_plain());
        if !typed && (w.is_empty() || lexicon::is_hard_stop(w) || closers.has(w)) {
            break;
        }
        idx.push(j);
        j += 1;
    }
    let open_ended = closers.0.is_empty();
    if !open_ended {
        while AUX.has(scan.word(j)) {
            j += 1;
        }
    }
    let closed = if open_ended {
        !scan.free(j) || scan.word(j).is_empty() || lexicon::is_hard_stop(scan.word(j))
    } else {
        closers.has(scan.word(j))
    };
    (closed && !idx.is_empty()).then_some(idx)
}

/// Does `opener` (space-separated words) start at token `i`? Returns its length.
fn opens_at(scan: &Scan, i: usize, opener: &str) -> Option<usize> {
    let mut n = 0;
    for (k, o) in opener.split_ascii_whitespace().enumerate() {
        if scan.word(i + k) != o || !scan.free(i + k) {
            return None;
        }
        n = k + 1;
    }
    (n > 0).then_some(n)
}

/// Finds names inside question and command frames, and after documentation nouns.
pub(crate) fn find_frames(scan: &mut Scan) {
    for i in 0..scan.tokens.len() {
        let w = scan.word(i);
        if lexicon::is_in(lexicon::DOC_NOUNS, w) && matches!(scan.word(i + 1), "to" | "for" | "on")
        {
            if let Some(idx) = frame_name(scan, i + 2, NONE) {
                add_symbol(scan, &idx, Casing::Snake);
            }
            continue;
        }
        for (opener, closers) in FRAMES {
            let Some(n) = opens_at(scan, i, opener) else {
                continue;
            };
            if let Some(idx) = frame_name(scan, i + n, *closers) {
                add_symbol(scan, &idx, Casing::Snake);
            }
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::parse::normalize;
    use crate::parse::targets::extract;

    fn symbols(s: &str) -> Vec<String> {
        let found = extract(&normalize::clean(s).tokens);
        found.list().into_iter().filter_map(|t| t.symbol).collect()
    }

    #[test]
    fn names_in_frames() {
        assert_eq!(symbols("where is get user used"), ["get_user"]);
        assert_eq!(
            symbols("find where handle request is defined"),
            ["handle_request"]
        );
        assert_eq!(
            symbols("find all uses of parse config in the tests"),
            ["parse_config"]
        );
        assert_eq!(
            symbols("explain what calculate shipping does"),
            ["calculate_shipping"]
        );
        assert_eq!(symbols("why is test login failing"), ["test_login"]);
        assert_eq!(
            symbols("write a doc string for calculate total"),
            ["calculate_total"]
        );
        assert!(symbols("where is it").is_empty());
        assert!(symbols("make a new module").is_empty());
    }
}
