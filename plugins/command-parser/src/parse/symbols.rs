//! Symbol targets named with a noun: "the parse config function" → `parse_config`, "the
//! stock item class" → `StockItem`, "the max retries constant" → `MAX_RETRIES`; typed
//! identifiers as-is; and "rename X to Y" (X a target, Y the `new_name` param). Names in
//! question frames ("where is get user used") are found by `frames`.

use super::casing;
use super::lexicon::{self, ARTICLES, Casing, Words};
use super::paths::{is_path_token, name_after};
use super::targets::{Role, Scan};

/// The most words a spoken name may have.
pub(crate) const NAME_MAX: usize = 4;

fn apply(casing: Casing, words: &[&str]) -> String {
    match casing {
        Casing::Snake => casing::snake(words),
        Casing::Pascal => casing::pascal(words),
        Casing::Screaming => casing::screaming(words),
    }
}

fn texts<'a>(scan: &Scan<'a>, idx: &[usize]) -> Vec<&'a str> {
    idx.iter()
        .filter_map(|&j| scan.token(j).map(|t| t.text.as_str()))
        .collect()
}

pub(crate) fn add_symbol(scan: &mut Scan, idx: &[usize], casing: Casing) -> bool {
    let words = texts(scan, idx);
    if words.is_empty()
        || (words.len() == 1 && words.iter().all(|w| lexicon::is_in(lexicon::GENERIC, w)))
    {
        return false;
    }
    let value = apply(casing, &words);
    let (Some(&s), Some(&e)) = (idx.first(), idx.last()) else {
        return false;
    };
    scan.add(s, e + 1, Role::Symbol, value);
    true
}

/// The name spoken before a symbol noun at `i`: bounded by an article ("the add to cart
/// function") or, without one, by the first stop word ("test parse config function").
fn name_before_noun(scan: &Scan, i: usize) -> Vec<usize> {
    let mut j = i;
    let mut article = None;
    while j > 0 && i - j < 5 {
        j -= 1;
        let w = scan.word(j);
        if !scan.free(j) {
            break;
        }
        if lexicon::is_in(ARTICLES, w) {
            article = Some(j);
            break;
        }
        if scan.token(j).is_some_and(|t| !t.is_plain()) {
            continue;
        }
        if w.is_empty()
            || (lexicon::is_hard_stop(w) && w != "to")
            || lexicon::is_in(lexicon::TROUBLE, w)
        {
            break;
        }
    }
    let mut start = match article {
        Some(a) => a + 1,
        None => {
            let mut s = i;
            while s > 0 && i - s < 3 && scan.free(s - 1) && {
                let w = scan.word(s - 1);
                !w.is_empty() && !lexicon::is_stop(w)
            } {
                s -= 1;
            }
            s
        }
    };
    while start < i && lexicon::is_in(lexicon::DESCRIPTIVE, scan.word(start)) {
        start += 1;
    }
    // A typed identifier right before the noun is the whole name ("the StockItem class").
    if let Some(t) = i.checked_sub(1).and_then(|p| scan.token(p))
        && !t.is_plain()
        && scan.free(i - 1)
        && !is_path_token(t)
    {
        return vec![i - 1];
    }
    (start..i)
        .filter(|&k| {
            scan.token(k)
                .is_some_and(|t| t.is_plain() || !is_path_token(t))
        })
        .collect()
}

/// Nouns that may be followed by the bare name ("the variable x", "the function parse").
const NAME_FOLLOWS: Words =
    Words("function method variable class struct constant field enum trait interface component");

/// Finds symbols named with a noun: "the parse config function", "a class called X".
pub(crate) fn find_nouns(scan: &mut Scan) {
    for i in 0..scan.tokens.len() {
        let Some(casing) = lexicon::symbol_noun(scan.word(i)) else {
            continue;
        };
        if !scan.free(i) {
            continue;
        }
        if matches!(scan.word(i + 1), "called" | "named" | "titled") {
            let idx = name_after(scan, i + 2, NAME_MAX);
            add_symbol(scan, &idx, casing);
            continue;
        }
        let before = name_before_noun(scan, i);
        if add_symbol(scan, &before, casing) {
            continue;
        }
        let after_article = i > 0 && lexicon::is_in(ARTICLES, scan.word(i - 1));
        if after_article && lexicon::is_in(NAME_FOLLOWS, scan.word(i)) {
            let idx: Vec<usize> = name_after(scan, i + 1, 3)
                .into_iter()
                .take_while(|&j| !lexicon::is_in(lexicon::TROUBLE, scan.word(j)))
                .collect();
            add_symbol(scan, &idx, casing);
        }
    }
}

/// Typed identifiers (`parse_config`, `StockItem`) and spoken ones (`parse_config` from
/// "parse underscore config") are symbols as written.
pub(crate) fn find_typed(scan: &mut Scan) {
    for i in 0..scan.tokens.len() {
        let Some(t) = scan.token(i) else { continue };
        if !scan.free(i) || t.is_plain() || is_path_token(t) {
            continue;
        }
        let s = t.text.as_str();
        let identifier = s
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | ':'))
            && s.chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_');
        let shaped = s.contains('_')
            || casing::looks_typed(s)
            || (s.contains('.') && s.split('.').all(|p| p.len() >= 2));
        if identifier && shaped {
            let value = t.text.clone();
            scan.add(i, i + 1, Role::Symbol, value);
        }
    }
}

/// "rename X to Y": X is a target (found already or named here), Y the `new_name` param.
pub(crate) fn find_rename(scan: &mut Scan) {
    let Some(r) = (0..scan.tokens.len()).find(|&i| scan.word(i) == "rename") else {
        return;
    };
    let Some(to) =
        (r + 1..scan.tokens.len().min(r + 12)).find(|&i| scan.word(i) == "to" && scan.free(i))
    else {
        return;
    };
    let mut source = scan
        .found
        .iter()
        .find(|f| f.start > r && f.end <= to)
        .map(|f| f.target.clone());
    if source.is_none() {
        let idx: Vec<usize> = (r + 1..to)
            .filter(|&j| {
                scan.free(j) && !lexicon::is_in(ARTICLES, scan.word(j)) && scan.word(j) != "file"
            })
            .collect();
        let contiguous = idx.windows(2).all(|w| matches!(w, [a, b] if b - a == 1));
        if contiguous && idx.len() <= NAME_MAX && add_symbol(scan, &idx, Casing::Snake) {
            source = scan.found.last().map(|f| f.target.clone());
        }
    }
    let Some(source) = source else { return };
    if let Some(f) = scan.found_at(to + 1).filter(|f| f.role == Role::Path) {
        let value = f.target.path.clone().unwrap_or_default();
        scan.param("new_name", value);
        return;
    }
    let idx = name_after(scan, to + 1, NAME_MAX);
    let words = texts(scan, &idx);
    if words.is_empty() {
        return;
    }
    let casing = match source.symbol.as_deref() {
        Some(s)
            if s.chars().next().is_some_and(char::is_uppercase)
                && s.chars().any(char::is_lowercase) =>
        {
            Casing::Pascal
        }
        Some(s) if s.chars().any(char::is_uppercase) && !s.chars().any(char::is_lowercase) => {
            Casing::Screaming
        }
        _ => Casing::Snake,
    };
    let value = if source.path.is_some() {
        casing::snake(&words)
    } else {
        apply(casing, &words)
    };
    if let (Some(&s), Some(&e)) = (idx.first(), idx.last()) {
        scan.mark(s, e + 1);
    }
    scan.param("new_name", value);
}
