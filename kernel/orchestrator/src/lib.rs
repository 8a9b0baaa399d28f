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
//! [`Orchestrator`] runs the whole pipeline for one command: understand, decide
//! (with confirmations bound to the exact intent, [`confirm`]), then a dry run,
//! an undo ([`undo`]), direct execution, or — for intents that need a model — the
//! context ([`context`]), the prompt-enhancer plugin, the router and the agent
//! plugin, with a git snapshot before the first write; every command is recorded in
//! its session's history and emits progress [`Event`]s.
//!
//! Must never: run a program through a shell, touch a file outside the project, or
//! act on the user's behalf without a policy decision in the audit trail.

mod agent;
mod agent_opencode;
mod agent_prompt;
mod agent_route;
pub mod answer;
pub mod compress;
pub mod confirm;
pub mod context;
pub mod direct;
pub mod events;
pub mod gate;
mod ids;
mod index_cache;
pub mod notes;
mod notes_sync;
pub mod opencode;
pub mod orchestrator;
pub mod pipeline;
pub mod project;
mod reply;
pub mod request;
pub mod resolve;
mod snapshots;
pub mod speak;
mod symbols;
pub mod undo;
mod watch;
pub mod workflow;
mod workspaces;

pub use answer::{Answer, ChangeOut, Status, TestReport};
pub use direct::{Direct, Outcome};
pub use events::{Event, EventSink};
pub use gate::Gate;
pub use orchestrator::{Orchestrator, Role, Roles, Settings};
pub use pipeline::{PipelineError, Understood, kind_and_risk, understand};
pub use project::{TestCommand, discover_test_command};
pub use request::{CommandRequest, Confirm, Who};
pub use undo::UndoRequest;
pub use workflow::{RunError, RunView, WorkflowRequest};
