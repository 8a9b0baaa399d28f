//! How words sound and how close they are: a phonetic key (a compact
//! Metaphone-style code, so "skew" ~ "sku", "cash" ~ "cache") and a fuzzy
//! word similarity built on Jaro-Winkler.
//!
//! The key is deliberately coarse: it is only used to pair one spoken word
//! with one identifier word, never to rank on its own.

/// A phonetic key of one lowercase ASCII word ("" for no letters).
pub fn key(word: &str) -> String {
    let w: Vec<char> = word
        .chars()
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let mut out = String::new();
    let mut i = 0;
    // Silent first letters.
    if w.len() > 1
        && matches!(
            (w[0], w[1]),
            ('k', 'n') | ('g', 'n') | ('p', 'n') | ('w', 'r')
        )
    {
        i = 1;
    }
    let vowel = |c: Option<&char>| matches!(c, Some('a' | 'e' | 'i' | 'o' | 'u'));
    while i < w.len() {
        let c = w[i];
        let next = w.get(i + 1);
        let prev = if i > 0 { w.get(i - 1) } else { None };
        let code: Option<char> = match c {
            'a' | 'e' | 'i' | 'o' | 'u' => (i == 0).then_some('A'),
            'b' => (!(prev == Some(&'m') && i + 1 == w.len())).then_some('B'),
            'c' => match next {
                Some('h') => {
                    i += 1;
                    Some('X')
                }
                Some('i' | 'e' | 'y') => Some('S'),
                _ if prev == Some(&'s') => None,
                _ => Some('K'),
            },
            'd' => Some('T'),
            'g' => match next {
                Some('h') if !vowel(w.get(i + 2)) => {
                    i += 1;
                    None
                }
                Some('n') => None,
                Some('i' | 'e' | 'y') => Some('J'),
                _ => Some('K'),
            },
            'h' => (vowel(next) && !vowel(prev)).then_some('H'),
            'k' => (prev != Some(&'c')).then_some('K'),
            'p' if next == Some(&'h') => {
                i += 1;
                Some('F')
            }
            'q' => Some('K'),
            's' => match next {
                Some('h') => {
                    i += 1;
                    Some('X')
                }
                Some('i') if matches!(w.get(i + 2), Some('o' | 'a')) => Some('X'),
                _ => Some('S'),
            },
            't' => match next {
                Some('h') => {
                    i += 1;
                    Some('0')
                }
                Some('i') if matches!(w.get(i + 2), Some('o' | 'a')) => Some('X'),
                Some('c') if w.get(i + 2) == Some(&'h') => None,
                _ => Some('T'),
            },
            'v' => Some('F'),
            'w' | 'y' => vowel(next).then_some(c.to_ascii_uppercase()),
            'x' => {
                if i == 0 {
                    Some('S')
                } else {
                    out.push('K');
                    Some('S')
                }
            }
            'z' => Some('S'),
            other => Some(other.to_ascii_uppercase()),
        };
        if let Some(code) = code
            && !out.ends_with(code)
        {
            out.push(code);
        }
        i += 1;
    }
    out
}

/// How alike two lowercase words are, 0.0 ..= 1.0: 1 for equal, the
/// Jaro-Winkler similarity when close in spelling, 0.85 for the same sound
/// (same phonetic key of at least two letters), else the spelling similarity
/// scaled down so unrelated words stay low.
pub fn similarity(spoken: &str, ident: &str) -> f64 {
    if spoken == ident || homophone(spoken).is_some_and(|h| Some(h) == homophone(ident)) {
        return 1.0;
    }
    let jw = strsim::jaro_winkler(spoken, ident);
    let (ks, ki) = (key(spoken), key(ident));
    let sounds = ks.len() >= 2 && ks == ki;
    // Short words are easy to confuse in spelling; demand more of them.
    let spelling = if spoken.len().min(ident.len()) <= 3 {
        if jw >= 0.93 { jw * 0.9 } else { jw * 0.5 }
    } else if jw >= 0.88 {
        jw * 0.9
    } else {
        jw * 0.6
    };
    if sounds { spelling.max(0.85) } else { spelling }
}

/// Short words a recogniser writes interchangeably ("two"/"to"/"too", digits).
fn homophone(word: &str) -> Option<&'static str> {
    Some(match word {
        "to" | "too" | "two" | "2" => "to",
        "for" | "four" | "fore" | "4" => "for",
        "one" | "won" | "1" => "one",
        "eight" | "ate" | "8" => "eight",
        "by" | "buy" | "bye" => "by",
        "no" | "know" => "no",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heard_alikes_share_a_key() {
        for (a, b) in [
            ("skew", "sku"),
            ("cash", "cache"),
            ("konfig", "config"),
            ("phone", "fone"),
            ("night", "nite"),
            ("cart", "kart"),
            ("lookup", "lukup"),
            ("knight", "night"),
        ] {
            assert_eq!(key(a), key(b), "{a} ~ {b}");
        }
    }

    #[test]
    fn different_sounds_differ() {
        for (a, b) in [("stock", "store"), ("price", "pricing"), ("cart", "tax")] {
            assert_ne!(key(a), key(b), "{a} vs {b}");
        }
        assert_ne!(key("total"), key("tax"));
        assert_eq!(key(""), "");
    }

    #[test]
    fn similarity_orders_sensibly() {
        assert_eq!(similarity("cart", "cart"), 1.0);
        assert!(similarity("skew", "sku") >= 0.85);
        assert!(similarity("cash", "cache") >= 0.85);
        assert!(similarity("inventroy", "inventory") > 0.8);
        assert!(similarity("cart", "tax") < 0.5);
        assert!(similarity("add", "and") < 0.85);
        assert_eq!(similarity("2", "to"), 1.0);
        assert_eq!(similarity("four", "for"), 1.0);
    }
}
