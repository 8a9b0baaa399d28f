//! The words sent to the model: instructions that ask for a faithful summary
//! (what was asked, what changed, where) within a token budget, and the notes.
//!
//! Owns the prompt text and the completion cap. Must never ask the model to
//! restate the decisions and preferences: they are kept word for word elsewhere,
//! and a paraphrase beside them would invite contradictions.

/// Roughly how many words fit in `tokens` (English prose runs ~0.75 words/token).
pub fn words_for(tokens: u32) -> u32 {
    tokens.saturating_mul(3) / 4
}

/// The completion cap for a summary of `budget` tokens: the budget plus a fifth, so
/// an answer slightly over the target ends where the model ends it, not mid-word.
pub fn max_tokens(budget: u32) -> u32 {
    budget.saturating_add(budget / 5).saturating_add(16)
}

/// The system message: the task, the shape and the rules.
pub fn system(budget: u32) -> String {
    format!(
        "You compress a software project's old session notes into a short archive entry for \
the people who work on the project.

Write markdown of at most about {budget} tokens (roughly {words} words). Cover every command \
in the notes: what was asked, what changed and where (file paths, functions, classes), and how \
it ended (completed, failed, denied, undone). Group by date, oldest first: each date in bold on \
its own line (**YYYY-MM-DD**), then bullet points. Merge repeated or related commands into one \
bullet. Copy file paths, names, numbers and dates exactly as the notes write them.

Rules:
- Use only what the notes say. Never invent a change, a file, a reason or an outcome; leave out \
what is unclear.
- Do not restate decisions or preferences: they are kept word for word beside your summary.
- Leave out costs, model names and session ids unless they matter to what happened.
- No headings, no preamble, no closing remarks: start with the first date.",
        words = words_for(budget)
    )
}

/// The user message: the notes that are left once the kept lines are out.
pub fn user(rest: &[String]) -> String {
    let total = rest.len();
    let mut out = format!("Session notes to summarise ({total}, oldest first):\n");
    for (i, note) in rest.iter().enumerate() {
        out.push_str(&format!("\n--- note {} of {total} ---\n", i + 1));
        out.push_str(note.trim());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_system_prompt_names_the_budget_and_forbids_invention() {
        let text = system(800);
        assert!(text.contains("about 800 tokens"), "{text}");
        assert!(text.contains("roughly 600 words"), "{text}");
        assert!(text.contains("Never invent"), "{text}");
        assert!(text.contains("what was asked, what changed and where"));
    }

    #[test]
    fn the_user_message_numbers_the_notes_oldest_first() {
        let text = user(&["first\n".into(), "  second".into()]);
        assert_eq!(
            text,
            "Session notes to summarise (2, oldest first):\n\n--- note 1 of 2 ---\nfirst\n\n--- note 2 of 2 ---\nsecond\n"
        );
    }

    #[test]
    fn the_cap_leaves_room_above_the_budget_without_overflowing() {
        assert_eq!(max_tokens(1000), 1216);
        assert_eq!(max_tokens(u32::MAX), u32::MAX);
    }
}
