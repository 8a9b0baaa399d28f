//! Small talk: greetings, "how are you", "what can you do", "tell me a joke", "thanks,
//! that's all". Matched on the words before politeness was removed, so "what can you do"
//! is not mistaken for a command.

/// Whole utterances that are small talk.
const EXACT: &[&[&str]] = &[
    &["help"],
    &["help", "me"],
    &["what", "can", "you", "do"],
    &["how", "are", "you"],
    &["how", "are", "you", "doing"],
    &["how", "are", "things"],
    &["who", "are", "you"],
    &["what", "are", "you"],
    &["that's", "all"],
    &["thats", "all"],
    &["that", "is", "all"],
    &["that's", "it"],
    &["that", "will", "be", "all"],
    &["never", "mind"],
    &["nevermind"],
    &["good", "job"],
    &["nice", "work"],
    &["well", "done"],
    &["great", "job"],
    &["cool"],
    &["nice"],
    &["great"],
    &["awesome"],
    &["perfect"],
    &["bye"],
    &["goodbye"],
    &["good", "bye"],
    &["see", "you"],
    &["see", "ya"],
    &["what's", "up"],
    &["whats", "up"],
    &["sup"],
    &["good", "night"],
    &["yes"],
    &["no"],
    &["yeah"],
    &["yep"],
    &["nope"],
    &["sure"],
];

/// Openings that make the rest small talk (when nothing in the project is named).
const PREFIX: &[&[&str]] = &[
    &["what", "can", "you"],
    &["tell", "me", "a", "joke"],
    &["tell", "me", "about", "yourself"],
    &["who", "made", "you"],
    &["who", "built", "you"],
    &["who", "created", "you"],
    &["how", "are", "you"],
    &["how's", "it"],
    &["hows", "it"],
    &["how", "is", "it", "going"],
    &["what", "do", "you", "think"],
    &["what", "would", "you"],
    &["what", "should", "i"],
    &["what's", "your"],
    &["whats", "your"],
    &["what", "is", "your"],
    &["are", "you", "there"],
    &["can", "you", "hear"],
    &["do", "you", "like"],
    &["are", "you", "a"],
];

/// Is this small talk? `anchored` = the words name something in the project.
pub(crate) fn is_chat(words: &[&str], anchored: bool) -> bool {
    if EXACT.contains(&words) {
        return true;
    }
    !anchored && PREFIX.iter().any(|p| words.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chat(s: &str) -> bool {
        let w: Vec<&str> = s.split_whitespace().collect();
        is_chat(&w, false)
    }

    #[test]
    fn small_talk() {
        assert!(chat("what can you do"));
        assert!(chat("how's it going"));
        assert!(chat("tell me a joke please"));
        assert!(!chat("what does this do"));
        assert!(!chat("fix it"));
    }
}
