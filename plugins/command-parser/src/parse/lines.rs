//! Line targets: "line 42", "line forty two" (already digits), "on line 57", "lines ten
//! to twenty" → line 10 and the `end_line` param 20, "line 10-20".

use super::targets::{Role, Scan};

fn number(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 9 || !s.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok().filter(|&n| n > 0)
}

/// Finds line numbers and ranges.
pub(crate) fn find_lines(scan: &mut Scan) {
    let mut i = 0;
    while i < scan.tokens.len() {
        if !matches!(scan.word(i), "line" | "lines") || !scan.free(i) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        if matches!(scan.word(j), "number" | "numbers") {
            j += 1;
        }
        let Some(tok) = scan.token(j) else { break };
        let (first, mut end) = match tok.text.split_once('-') {
            Some((a, b)) => (number(a), number(b)),
            None => (number(&tok.text), None),
        };
        let Some(first) = first else {
            i += 1;
            continue;
        };
        let mut stop = j + 1;
        if end.is_none()
            && matches!(
                scan.word(j + 1),
                "to" | "through" | "thru" | "until" | "till" | "and"
            )
            && let Some(e) = scan.token(j + 2).and_then(|t| number(&t.text))
        {
            end = Some(e);
            stop = j + 3;
        }
        let phrase = scan.phrase(i, stop);
        scan.add(i, stop, Role::Line, first.to_string());
        if let Some(f) = scan.found.last_mut() {
            f.target.phrase = phrase;
        }
        if let Some(e) = end.filter(|&e| e >= first) {
            scan.param("end_line", e.to_string());
        }
        i = stop;
    }
}
