//! `ralex-orchestrator`: what happens to an intent once it is understood.
//!
//! Owns: the front of the pipeline ([`pipeline`]: parse with the command-parser
//! plugin, resolve targets ([`resolve`]), decide `command:run` for the person and
//! audit it), the answer every command gets ([`answer`]: status, a speakable response,
//! changes with diffs, the test run, model, cost, undo id), how the project's test
//! command is found ([`project`]), and running the intents that need no model
//! directly on the kernel's capabilities ([`direct`]: read, search, test, git
//! status/diff/log/commit) — each capability use decided by policy for the person
//! asking and audited ([`gate`]).
//!
//! Intents that need a model (edit, create, refactor, fix, explain, docs, ...) go to
//! the coding agent, which is not part of this crate yet: [`direct::execute`] returns
//! `None` for them and the caller says so.
//!
//! Must never: run a program through a shell, touch a file outside the project, or
//! act on the user's behalf without a policy decision in the audit trail.

pub mod answer;
pub mod direct;
pub mod gate;
pub mod pipeline;
pub mod project;
pub mod resolve;

pub use answer::{Answer, ChangeOut, Status, TestReport};
pub use direct::{Direct, Outcome};
pub use gate::Gate;
pub use pipeline::{PipelineError, Understood, kind_and_risk, understand};
pub use project::{TestCommand, discover_test_command};
