//! Number words to digits: "forty two" → 42, "one hundred and five" → 105, "four two" →
//! 42 (digits spoken one by one). A lone "one" stays a word unless a line number or a
//! count is expected right before it ("line one", "last one").

use super::lexicon::{WordSet, Words};
use super::token::Token;

fn unit(w: &str) -> Option<u32> {
    Some(match w {
        "zero" => 0,
        "one" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        _ => return None,
    })
}

fn teen(w: &str) -> Option<u32> {
    Some(match w {
        "ten" => 10,
        "eleven" => 11,
        "twelve" => 12,
        "thirteen" => 13,
        "fourteen" => 14,
        "fifteen" => 15,
        "sixteen" => 16,
        "seventeen" => 17,
        "eighteen" => 18,
        "nineteen" => 19,
        _ => return None,
    })
}

fn tens(w: &str) -> Option<u32> {
    Some(match w {
        "twenty" => 20,
        "thirty" => 30,
        "forty" | "fourty" => 40,
        "fifty" => 50,
        "sixty" => 60,
        "seventy" => 70,
        "eighty" => 80,
        "ninety" => 90,
        _ => return None,
    })
}

/// Is `w` a number word (not counting "and"/"a")?
pub(crate) fn is_number_word(w: &str) -> bool {
    unit(w).is_some() || teen(w).is_some() || tens(w).is_some() || w == "hundred" || w == "thousand"
}

/// Words after which a lone "one" is a number.
const ONE_CONTEXT: Words = Words(
    "line lines to through thru until till last first past top number column page limit and \
     version step",
);

fn below_hundred(ws: &[&str], i: usize) -> Option<(u32, usize)> {
    let w = *ws.get(i)?;
    if let Some(t) = tens(w) {
        if let Some(u) = ws.get(i + 1).and_then(|n| unit(n)).filter(|&u| u > 0) {
            return Some((t + u, 2));
        }
        return Some((t, 1));
    }
    teen(w).or_else(|| unit(w)).map(|v| (v, 1))
}

fn below_thousand(ws: &[&str], i: usize) -> Option<(u32, usize)> {
    let w = *ws.get(i)?;
    let next = ws.get(i + 1).copied();
    let hundreds = if w == "hundred" {
        Some((100, 1))
    } else if next == Some("hundred") {
        match w {
            "a" => Some((100, 2)),
            _ => unit(w).filter(|&u| u > 0).map(|u| (u * 100, 2)),
        }
    } else {
        None
    };
    let Some((h, n)) = hundreds else {
        return below_hundred(ws, i);
    };
    let j = i + n;
    if ws.get(j) == Some(&"and")
        && let Some((v, m)) = below_hundred(ws, j + 1)
    {
        return Some((h + v, n + 1 + m));
    }
    match below_hundred(ws, j) {
        Some((v, m)) => Some((h + v, n + m)),
        None => Some((h, n)),
    }
}

/// Parses the number spoken at `ws[i..]`: its value and how many words it used.
pub(crate) fn parse_at(ws: &[&str], i: usize) -> Option<(u32, usize)> {
    // Digits spoken one at a time: "four two" → 42.
    let digits: Vec<u32> = ws.iter().skip(i).map_while(|w| unit(w)).take(6).collect();
    if digits.len() >= 2 && ws.get(i + digits.len()) != Some(&"hundred") {
        return Some((digits.iter().fold(0, |acc, d| acc * 10 + d), digits.len()));
    }
    let (v, n) = below_thousand(ws, i)?;
    if ws.get(i + n) == Some(&"thousand") {
        let base = v * 1000;
        let mut j = i + n + 1;
        if ws.get(j) == Some(&"and") && below_thousand(ws, j + 1).is_some() {
            j += 1;
        }
        return match below_thousand(ws, j) {
            Some((r, m)) => Some((base + r, j + m - i)),
            None => Some((base, n + 1)),
        };
    }
    Some((v, n))
}

/// Replaces spoken numbers by digits.
pub(crate) fn convert(tokens: Vec<Token>) -> Vec<Token> {
    let words: Vec<&str> = tokens
        .iter()
        .map(|t| if t.is_plain() { t.text.as_str() } else { "" })
        .collect();
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let w = words.get(i).copied().unwrap_or("");
        let starts = is_number_word(w) || (w == "a" && words.get(i + 1) == Some(&"hundred"));
        if starts && let Some((value, n)) = parse_at(&words, i) {
            let lone_one = n == 1 && w == "one";
            let prev = out.last().map(|t| t.text.as_str()).unwrap_or("");
            if !lone_one || ONE_CONTEXT.has(prev) {
                let phrase = tokens
                    .iter()
                    .skip(i)
                    .take(n)
                    .map(|t| t.phrase.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                out.push(Token {
                    text: value.to_string(),
                    phrase,
                    ..Token::default()
                });
                i += n;
                continue;
            }
        }
        if let Some(t) = tokens.get(i) {
            out.push(t.clone());
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::token::split;

    fn conv(s: &str) -> String {
        convert(split(s))
            .into_iter()
            .map(|t| t.text)
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn number_words() {
        assert_eq!(conv("line forty two"), "line 42");
        assert_eq!(conv("line one hundred and five"), "line 105");
        assert_eq!(conv("lines ten to twenty"), "lines 10 to 20");
        assert_eq!(conv("line four two"), "line 42");
        assert_eq!(conv("line twelve"), "line 12");
        assert_eq!(conv("a hundred lines"), "100 lines");
        assert_eq!(conv("two thousand and twenty four"), "2024");
        assert_eq!(conv("line 42"), "line 42");
        assert_eq!(conv("thirty one"), "31");
    }

    #[test]
    fn lone_one_stays_a_word_without_context() {
        assert_eq!(conv("make this one faster"), "make this one faster");
        assert_eq!(conv("line one"), "line 1");
        assert_eq!(conv("the last one"), "the last 1");
    }

    #[test]
    fn huge_runs_do_not_overflow() {
        let s = "nine ".repeat(50) + &"thousand ".repeat(50);
        let _ = conv(&s);
        let _ = conv("nine hundred ninety nine thousand nine hundred ninety nine");
    }
}
