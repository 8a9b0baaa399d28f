//! Words of a command, a path, a symbol or a note, for relevance by word overlap.
//!
//! Owns the one tokenizer every ranking uses, so "parse_config", "parseConfig",
//! "parse-config.py" and "parse the config" all give {parse, config}. Words are
//! lowercased, split at non-alphanumerics and snake/camel-case boundaries, lightly
//! de-pluralised, and common English and command words are dropped.

use std::collections::BTreeSet;

/// A set of normalised words (ordered, so everything built on it is deterministic).
pub type Words = BTreeSet<String>;

/// Words too common to say anything about relevance.
const STOPWORDS: &[&str] = &[
    "a", "about", "add", "all", "also", "an", "and", "any", "are", "as", "at", "be", "by", "can",
    "change", "code", "could", "do", "does", "file", "for", "from", "how", "i", "if", "in", "into",
    "is", "it", "its", "make", "me", "my", "new", "no", "not", "of", "on", "only", "or", "our",
    "please", "should", "so", "some", "that", "the", "then", "there", "these", "this", "those",
    "to", "update", "use", "we", "what", "when", "why", "will", "with", "would", "you", "your",
];

/// The words of free text, an identifier or a path.
pub fn words(text: &str) -> Words {
    let mut out = Words::new();
    for run in text.split(|c: char| !c.is_alphanumeric()) {
        for part in camel_parts(run) {
            let lower = part.to_lowercase();
            if lower.chars().count() < 2 || STOPWORDS.contains(&lower.as_str()) {
                continue;
            }
            out.insert(stem(&lower));
        }
    }
    out
}

/// The words of a path, without its file extension ("inventory/stock_item.py" gives
/// {inventory, stock, item}).
pub fn path_words(path: &str) -> Words {
    let name_start = path.rfind('/').map_or(0, |i| i + 1);
    let without_ext = match path[name_start..].rfind('.') {
        Some(dot) if dot > 0 => &path[..name_start + dot],
        _ => path,
    };
    words(without_ext)
}

/// How many words of `query` appear in `text`.
pub fn overlap(query: &Words, text: &Words) -> usize {
    query.intersection(text).count()
}

/// Splits an alphanumeric run at camel-case boundaries: "parseHTTPRequest" gives
/// ["parse", "HTTP", "Request"].
fn camel_parts(run: &str) -> Vec<&str> {
    let chars: Vec<(usize, char)> = run.char_indices().collect();
    let mut parts = Vec::new();
    let mut start = 0;
    for i in 1..chars.len() {
        let (at, c) = chars[i];
        let prev = chars[i - 1].1;
        let next_lower = chars.get(i + 1).is_some_and(|&(_, n)| n.is_lowercase());
        let lower_to_upper = prev.is_lowercase() && c.is_uppercase();
        let acronym_end = prev.is_uppercase() && c.is_uppercase() && next_lower;
        if lower_to_upper || acronym_end {
            parts.push(&run[start..at]);
            start = at;
        }
    }
    if start < run.len() {
        parts.push(&run[start..]);
    }
    parts
}

/// A light de-pluralisation: "entries" → "entry", "classes" → "class", "prices" →
/// "price"; "status", "analysis" and "class" are left alone.
fn stem(word: &str) -> String {
    let len = word.len();
    if len > 4 && word.ends_with("ies") {
        format!("{}y", &word[..len - 3])
    } else if len > 4 && word.ends_with("sses") {
        word[..len - 2].to_string()
    } else if len > 3
        && word.ends_with('s')
        && !["ss", "us", "is"].iter().any(|end| word.ends_with(end))
    {
        word[..len - 1].to_string()
    } else {
        word.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(list: &[&str]) -> Words {
        list.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn snake_camel_kebab_and_prose_agree() {
        let expected = set(&["parse", "config"]);
        assert_eq!(words("parse_config"), expected);
        assert_eq!(words("parseConfig"), expected);
        assert_eq!(words("ParseConfig"), expected);
        assert_eq!(words("please parse the config"), expected);
        assert_eq!(
            path_words("src/parse-config.py"),
            set(&["src", "parse", "config"])
        );
    }

    #[test]
    fn acronyms_plurals_and_stopwords() {
        assert_eq!(
            words("parseHTTPRequest"),
            set(&["parse", "http", "request"])
        );
        assert_eq!(
            words("prices entries classes"),
            set(&["price", "entry", "class"])
        );
        assert_eq!(
            words("status analysis class"),
            set(&["status", "analysis", "class"])
        );
        assert_eq!(words("add a docstring to the x"), set(&["docstring"]));
    }

    #[test]
    fn paths_lose_only_the_extension() {
        assert_eq!(
            path_words("inventory/stock_item.py"),
            set(&["inventory", "stock", "item"])
        );
        assert_eq!(path_words(".ralex/notes"), set(&["ralex", "note"]));
        assert_eq!(path_words("Makefile"), set(&["makefile"]));
    }

    #[test]
    fn overlap_counts_shared_words() {
        let query = words("round prices in pricing.py");
        assert_eq!(overlap(&query, &words("Prices are rounded half-even")), 1);
        assert_eq!(overlap(&query, &words("Use pytest")), 0);
    }
}
