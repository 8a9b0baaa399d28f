//! The compression: check the request, take out what is kept word for word, ask
//! the model for the summary of the rest, and check its answer.
//!
//! Written against the [`Model`] trait so it runs natively in tests with a scripted
//! model; only `component` implements it with the `model` import.
//!
//! Must never: produce a summary the model did not write. When the model cannot be
//! reached, is refused or answers nothing, the call fails with a message that says
//! why and that nothing was compressed — the caller then keeps every note.

use crate::extract::extract;
use crate::prompt;

/// Machine-readable reason for a failure (mirrors `types.error-code`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// The request cannot be compressed as given.
    InvalidInput,
    /// The policy refused the model call.
    Denied,
    /// A budget or limit was reached.
    LimitExceeded,
    /// No model could answer.
    Unavailable,
    /// Something else failed.
    Internal,
}

/// Why a call failed (mirrors `types.error`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// What went wrong, for programs.
    pub code: Code,
    /// What went wrong, for people.
    pub message: String,
}

impl Failure {
    /// A failure with `code` and `message`.
    pub fn new(code: Code, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: message.into(),
        }
    }
}

/// One chat request: a system and a user message.
#[derive(Debug, Clone, PartialEq)]
pub struct Chat {
    /// Instructions.
    pub system: String,
    /// The notes.
    pub user: String,
    /// Completion token cap.
    pub max_tokens: u32,
    /// Sampling temperature.
    pub temperature: f32,
}

/// The model's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The model that answered.
    pub model: String,
    /// The assistant's text.
    pub text: String,
    /// Why generation stopped ("stop", "length", …).
    pub finish_reason: String,
}

/// The `model` import, as the compression uses it. The model is left to the
/// kernel: it routes by the kind of work the kernel set for this call.
pub trait Model {
    /// `model::chat` with no model named and no tools.
    fn chat(&mut self, chat: Chat) -> Result<Reply, Failure>;
}

/// What to compress (mirrors `compressor.compress-request`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Markdown of the session notes, oldest first.
    pub notes: Vec<String>,
    /// Target size of the summary in tokens.
    pub budget_tokens: u32,
}

/// The result (mirrors `compressor.compressed`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compressed {
    /// The summary, markdown.
    pub summary: String,
    /// Decisions and explicit preferences, word for word.
    pub kept_verbatim: Vec<String>,
}

/// Said after a summary the model stopped at the token cap.
pub const CUT_NOTE: &str = "_(The summary was cut at its token budget.)_";

/// Smallest budget a summary can be written in.
pub const MIN_BUDGET: u32 = 32;

/// Compresses `request` with `model`.
pub fn compress(model: &mut dyn Model, request: &Request) -> Result<Compressed, Failure> {
    if request.notes.iter().all(|n| n.trim().is_empty()) {
        return Err(Failure::new(
            Code::InvalidInput,
            "there are no session notes to compress: send at least one non-empty note",
        ));
    }
    if request.budget_tokens < MIN_BUDGET {
        return Err(Failure::new(
            Code::InvalidInput,
            format!(
                "a budget of {} tokens is too small for a summary: ask for at least {MIN_BUDGET}",
                request.budget_tokens
            ),
        ));
    }
    let extracted = extract(&request.notes);
    if extracted.rest.iter().all(|n| n.trim().is_empty()) {
        // Nothing but decisions: nothing for a model to summarise.
        return Ok(Compressed {
            summary: String::new(),
            kept_verbatim: extracted.kept,
        });
    }
    let chat = Chat {
        system: prompt::system(request.budget_tokens),
        user: prompt::user(&extracted.rest),
        max_tokens: prompt::max_tokens(request.budget_tokens),
        temperature: 0.2,
    };
    let reply = model.chat(chat).map_err(model_failure)?;
    let summary = reply.text.trim();
    if summary.is_empty() {
        return Err(Failure::new(
            Code::Unavailable,
            format!(
                "the model {} answered with an empty summary (finish reason \"{}\"); nothing was compressed — try again or choose another model",
                reply.model, reply.finish_reason
            ),
        ));
    }
    let summary = if reply.finish_reason == "length" {
        format!("{summary}\n\n{CUT_NOTE}")
    } else {
        summary.to_string()
    };
    Ok(Compressed {
        summary,
        kept_verbatim: extracted.kept,
    })
}

/// The model's failure, said as what it means for the compression.
fn model_failure(f: Failure) -> Failure {
    let message = match f.code {
        Code::Denied => format!(
            "the policy does not let the context compressor call a model ({}); nothing was compressed — grant `model:call` to the plugin",
            f.message
        ),
        Code::LimitExceeded => format!(
            "a model budget stopped the summary ({}); nothing was compressed — try again when the budget allows",
            f.message
        ),
        _ => format!(
            "no model could summarise the session notes ({}); nothing was compressed",
            f.message
        ),
    };
    Failure::new(f.code, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Answers with scripted replies and records what it was asked.
    struct Scripted {
        replies: Vec<Result<Reply, Failure>>,
        asked: Vec<Chat>,
    }

    impl Scripted {
        fn new(replies: Vec<Result<Reply, Failure>>) -> Scripted {
            Scripted {
                replies,
                asked: Vec::new(),
            }
        }
    }

    impl Model for Scripted {
        fn chat(&mut self, chat: Chat) -> Result<Reply, Failure> {
            self.asked.push(chat);
            self.replies.remove(0)
        }
    }

    fn reply(text: &str, finish_reason: &str) -> Result<Reply, Failure> {
        Ok(Reply {
            model: "cheap".into(),
            text: text.into(),
            finish_reason: finish_reason.into(),
        })
    }

    fn request(notes: &[&str]) -> Request {
        Request {
            notes: notes.iter().map(|n| n.to_string()).collect(),
            budget_tokens: 400,
        }
    }

    const NOTE: &str = "## 17:05:12 · add a docstring to parse config\n- Changed: inventory/parse_config.py\n- Decision: use Google-style docstrings\n";

    #[test]
    fn the_summary_is_the_models_and_the_decisions_are_kept() {
        let mut model = Scripted::new(vec![reply(
            "  **2026-11-01**\n- docstring added  \n",
            "stop",
        )]);
        let out = compress(&mut model, &request(&[NOTE])).unwrap();
        assert_eq!(out.summary, "**2026-11-01**\n- docstring added");
        assert_eq!(
            out.kept_verbatim,
            ["- Decision: use Google-style docstrings"]
        );
        let asked = &model.asked[0];
        assert!(asked.user.contains("inventory/parse_config.py"));
        assert!(
            !asked.user.contains("Google-style"),
            "kept lines are not sent"
        );
        assert!(asked.system.contains("about 400 tokens"));
        assert_eq!(asked.max_tokens, 496);
    }

    #[test]
    fn a_model_failure_is_an_error_that_says_nothing_was_compressed() {
        let mut model = Scripted::new(vec![Err(Failure::new(
            Code::Unavailable,
            "lab-small: HTTP 500",
        ))]);
        let err = compress(&mut model, &request(&[NOTE])).unwrap_err();
        assert_eq!(err.code, Code::Unavailable);
        assert!(
            err.message.contains("lab-small: HTTP 500"),
            "{}",
            err.message
        );
        assert!(err.message.contains("nothing was compressed"));
    }

    #[test]
    fn a_refusal_says_which_grant_is_missing() {
        let mut model = Scripted::new(vec![Err(Failure::new(Code::Denied, "rule forbid-1"))]);
        let err = compress(&mut model, &request(&[NOTE])).unwrap_err();
        assert_eq!(err.code, Code::Denied);
        assert!(err.message.contains("model:call"), "{}", err.message);
    }

    #[test]
    fn an_empty_answer_is_not_a_summary() {
        let mut model = Scripted::new(vec![reply(" \n", "stop")]);
        let err = compress(&mut model, &request(&[NOTE])).unwrap_err();
        assert_eq!(err.code, Code::Unavailable);
        assert!(err.message.contains("empty summary"));
    }

    #[test]
    fn a_summary_cut_at_the_cap_says_so() {
        let mut model = Scripted::new(vec![reply("- half a sen", "length")]);
        let out = compress(&mut model, &request(&[NOTE])).unwrap();
        assert!(out.summary.ends_with(CUT_NOTE), "{}", out.summary);
    }

    #[test]
    fn bad_requests_are_refused_before_any_model_call() {
        let mut model = Scripted::new(Vec::new());
        let err = compress(&mut model, &request(&[" ", ""])).unwrap_err();
        assert_eq!(err.code, Code::InvalidInput);
        let tiny = Request {
            budget_tokens: 5,
            ..request(&[NOTE])
        };
        assert_eq!(
            compress(&mut model, &tiny).unwrap_err().code,
            Code::InvalidInput
        );
        assert!(model.asked.is_empty());
    }

    #[test]
    fn notes_of_only_decisions_need_no_model() {
        let mut model = Scripted::new(Vec::new());
        let out = compress(&mut model, &request(&["- Preference: short answers\n"])).unwrap();
        assert_eq!(out.summary, "");
        assert_eq!(out.kept_verbatim, ["- Preference: short answers"]);
        assert!(model.asked.is_empty());
    }
}
