//! Which definition encloses a line: the innermost function or method,
//! else the innermost other definition (a class or module body), never a
//! field or variant. Callers are shown by it, and rank that flows back to a
//! file through a use is credited to it.

use crate::extract::{Symbol, SymbolKind};

/// For each line (ascending), the innermost function or method around it,
/// else the innermost other definition (never a field or variant): its
/// position in `symbols`. Definitions nest (they are syntax nodes), so one
/// sweep with a stack finds them all.
pub(crate) fn enclosing_sorted(symbols: &[Symbol], lines: &[u32]) -> Vec<Option<usize>> {
    let mut order: Vec<usize> = (0..symbols.len())
        .filter(|&i| !matches!(symbols[i].kind, SymbolKind::Field | SymbolKind::Variant))
        .collect();
    order.sort_by_key(|&i| (symbols[i].line, std::cmp::Reverse(symbols[i].end_line), i));
    let mut next = 0;
    let mut stack: Vec<usize> = Vec::new();
    let mut out = Vec::with_capacity(lines.len());
    for &line in lines {
        while let Some(&i) = order.get(next) {
            if symbols[i].line > line {
                break;
            }
            stack.retain(|&j| symbols[j].end_line >= symbols[i].line);
            stack.push(i);
            next += 1;
        }
        while stack.last().is_some_and(|&j| symbols[j].end_line < line) {
            stack.pop();
        }
        let callable =
            |j: &&usize| matches!(symbols[**j].kind, SymbolKind::Function | SymbolKind::Method);
        let found = stack
            .iter()
            .rev()
            .filter(|&&j| symbols[j].end_line >= line)
            .find(callable)
            .or_else(|| stack.iter().rev().find(|&&j| symbols[j].end_line >= line));
        out.push(found.copied());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sym(name: &str, kind: SymbolKind, line: u32, end_line: u32) -> Symbol {
        Symbol {
            name: name.to_string(),
            kind,
            line,
            end_line,
            container: None,
        }
    }

    #[test]
    fn finds_innermost_callable() {
        use SymbolKind::*;
        let symbols = [
            sym("A", Class, 1, 10),
            sym("x", Field, 2, 2),
            sym("m", Method, 3, 5),
            sym("n", Method, 6, 9),
            sym("f", Function, 12, 14),
        ];
        let found = enclosing_sorted(&symbols, &[1, 2, 4, 6, 10, 11, 13, 20]);
        assert_eq!(
            found,
            [
                Some(0),
                Some(0),
                Some(2),
                Some(3),
                Some(0),
                None,
                Some(4),
                None
            ]
        );
    }
}
