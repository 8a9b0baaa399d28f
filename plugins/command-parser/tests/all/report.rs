//! Markdown accuracy tables per intent kind, and the list of misses.

use std::fmt::Write as _;

use command_parser::parse::Kind;

use crate::labelled::{Scored, SetResult};

/// Counts for one row of the table.
#[derive(Default)]
pub struct Tally {
    pub cases: usize,
    pub kind: usize,
    pub risk: usize,
    pub target_cases: usize,
    pub targets: usize,
    pub param_cases: usize,
    pub params: usize,
    pub full: usize,
}

impl Tally {
    pub fn of<'a>(items: impl Iterator<Item = &'a Scored>) -> Tally {
        let mut t = Tally::default();
        for s in items {
            t.cases += 1;
            t.kind += usize::from(s.kind_ok);
            t.risk += usize::from(s.risk_ok);
            if s.case.has_target_labels() {
                t.target_cases += 1;
                t.targets += usize::from(s.targets_ok);
            }
            if !s.case.params.is_empty() {
                t.param_cases += 1;
                t.params += usize::from(s.params_ok);
            }
            t.full += usize::from(s.full());
        }
        t
    }

    pub fn rate(n: usize, of: usize) -> f64 {
        if of == 0 { 1.0 } else { n as f64 / of as f64 }
    }
}

fn pct(n: usize, of: usize) -> String {
    if of == 0 {
        "—".to_string()
    } else {
        format!("{:.1}% ({n}/{of})", 100.0 * Tally::rate(n, of))
    }
}

fn row(out: &mut String, label: &str, t: &Tally) {
    let _ = writeln!(
        out,
        "| {label} | {} | {} | {} | {} | {} | {} |",
        t.cases,
        pct(t.kind, t.cases),
        pct(t.risk, t.cases),
        pct(t.targets, t.target_cases),
        pct(t.params, t.param_cases),
        pct(t.full, t.cases),
    );
}

fn mean(xs: impl Iterator<Item = f32>) -> f32 {
    let (sum, n) = xs.fold((0.0f32, 0usize), |(s, n), x| (s + x, n + 1));
    if n == 0 { 0.0 } else { sum / n as f32 }
}

/// The markdown table of one set.
pub fn table(set: &SetResult) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "### {} (`testdata/{}`, {} cases)\n",
        set.name,
        set.file,
        set.scored.len()
    );
    let _ = writeln!(
        out,
        "| intent kind | cases | kind | risk | targets¹ | params¹ | full match |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|");
    for kind in Kind::ALL {
        let t = Tally::of(set.scored.iter().filter(|s| s.kind == kind));
        if t.cases > 0 {
            row(&mut out, kind.as_str(), &t);
        }
    }
    row(&mut out, "**all**", &Tally::of(set.scored.iter()));
    let right = mean(
        set.scored
            .iter()
            .filter(|s| s.kind_ok)
            .map(|s| s.parsed.confidence),
    );
    let wrong: Vec<f32> = set
        .scored
        .iter()
        .filter(|s| !s.kind_ok)
        .map(|s| s.parsed.confidence)
        .collect();
    let wrong_text = if wrong.is_empty() {
        "no case has the wrong kind".to_string()
    } else {
        format!(
            "{:.2} when it is wrong ({} cases)",
            mean(wrong.iter().copied()),
            wrong.len()
        )
    };
    let _ = writeln!(
        out,
        "\nMean confidence: {right:.2} when the kind is right; {wrong_text}.\n"
    );
    out
}

fn describe(s: &Scored) -> String {
    let p = &s.parsed;
    let targets: Vec<String> = p
        .targets
        .iter()
        .map(|t| {
            let mut parts = Vec::new();
            if let Some(x) = &t.path {
                parts.push(format!("path={x}"));
            }
            if let Some(x) = &t.symbol {
                parts.push(format!("symbol={x}"));
            }
            if let Some(x) = t.line {
                parts.push(format!("line={x}"));
            }
            parts.join(",")
        })
        .collect();
    let params: Vec<String> = p.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!(
        "{}/{} [{}] {{{}}} conf {:.2}",
        p.kind.as_str(),
        p.risk.as_str(),
        targets.join("; "),
        params.join(", "),
        p.confidence
    )
}

/// The cases that did not fully match, one line each.
pub fn misses(set: &SetResult) -> String {
    let mut out = String::new();
    let failing: Vec<&Scored> = set.scored.iter().filter(|s| !s.full()).collect();
    let _ = writeln!(out, "#### Misses in {} ({})\n", set.name, failing.len());
    for s in failing {
        let mut wrong = Vec::new();
        if !s.kind_ok {
            wrong.push("kind");
        }
        if !s.risk_ok {
            wrong.push("risk");
        }
        if !s.targets_ok {
            wrong.push("targets");
        }
        if !s.params_ok {
            wrong.push("params");
        }
        let _ = writeln!(
            out,
            "- `{}` — expected {}/{}; got {} — wrong: {}",
            s.case.say,
            s.case.kind,
            s.case.risk,
            describe(s),
            wrong.join(", ")
        );
    }
    out
}
