//! The enhancer's pipeline: read the notes, rank them, fit them into the budget, and
//! say what happened.
//!
//! Owns the order of the steps and the wording of the notes returned with the
//! prompt. Deterministic: the same request and files give the same result, byte for
//! byte (every collection on the way is ordered). Never fails: a note that cannot
//! be read is skipped and reported.

use std::collections::BTreeSet;

use crate::budget::{self, Outcome, Placed};
use crate::notes::{self, FileSource};
use crate::rank::{self, Query};
use crate::request::{Enhanced, Item, Request};
use crate::system;

/// Most "left out" lines in the notes; past it one line counts the rest.
pub const MAX_LEFT_OUT_NOTES: usize = 8;

/// Enhances `request` with the notes of the project read through `files`; `project`
/// is the project's name for the system prompt (may be empty).
pub fn enhance(request: &Request, files: &dyn FileSource, project: &str) -> Enhanced {
    let in_context: BTreeSet<String> = request.context_sources.iter().cloned().collect();
    let notes = notes::load(files, &in_context);
    let query = Query::of(request);
    let ranking = rank::rank(&notes, &query, &in_context);
    let placed = budget::fit(ranking.candidates, request.budget_tokens);

    let mut lines = notes.remarks;
    let skipped: Vec<String> = notes
        .in_context
        .into_iter()
        .chain(ranking.in_context)
        .collect();
    if !skipped.is_empty() {
        lines.push(format!(
            "already in context, not added again: {}",
            skipped.join(", ")
        ));
    }
    lines.extend(placed_lines(&placed));
    lines.push(totals(&placed, request.budget_tokens, ranking.not_relevant));

    Enhanced {
        system: system::prompt(request.kind, project),
        added: placed
            .into_iter()
            .filter_map(|p| {
                p.content.map(|content| Item {
                    source: p.source,
                    content,
                })
            })
            .collect(),
        notes: lines,
    }
}

/// One line per item added or left out (at most [`MAX_LEFT_OUT_NOTES`] of the latter).
fn placed_lines(placed: &[Placed]) -> Vec<String> {
    let mut lines = Vec::new();
    let mut left_out = 0;
    for p in placed {
        match p.outcome {
            Outcome::Whole { tokens } => {
                lines.push(format!("added {} ({tokens} tokens)", p.source))
            }
            Outcome::Cut { tokens, full } => lines.push(format!(
                "added {} cut to fit the budget ({tokens} of {full} tokens)",
                p.source
            )),
            Outcome::LeftOut { tokens, remaining } => {
                left_out += 1;
                if left_out <= MAX_LEFT_OUT_NOTES {
                    lines.push(format!(
                        "left out {} for the budget ({tokens} tokens, {remaining} left)",
                        p.source
                    ));
                }
            }
        }
    }
    if left_out > MAX_LEFT_OUT_NOTES {
        lines.push(format!(
            "… and {} more left out for the budget",
            left_out - MAX_LEFT_OUT_NOTES
        ));
    }
    lines
}

/// The totals line: items added, tokens used of the budget, left out, not relevant.
fn totals(placed: &[Placed], budget: u32, not_relevant: usize) -> String {
    let mut added = 0;
    let mut used = 0u32;
    let mut left_out = 0;
    for p in placed {
        match p.outcome {
            Outcome::Whole { tokens } | Outcome::Cut { tokens, .. } => {
                added += 1;
                used += tokens;
            }
            Outcome::LeftOut { .. } => left_out += 1,
        }
    }
    let mut line = format!(
        "total: {added} {} added ({used} of {budget} tokens)",
        if added == 1 { "note" } else { "notes" }
    );
    if left_out > 0 {
        line.push_str(&format!(", {left_out} left out for the budget"));
    }
    if not_relevant > 0 {
        line.push_str(&format!(", {not_relevant} not relevant"));
    }
    line
}
