//! `ralex-workflow`: what a workflow file says, checked.
//!
//! Owns: the YAML format of workflow files ([`parse`]: named steps, each one
//! action — an agent task, the tests, a program, a git operation, a
//! `workflow-step` plugin, a confirmation, a file write, or a deliberate
//! failure — with `if:`, `retry:`, `timeout:`, `on_failure:`), the problems
//! `ralex workflow check` reports with file, line and field ([`Problems`]),
//! conditions and `${{ }}` templates ([`expr`], [`template`]), parameters with
//! defaults and validation ([`params`]), and which workflows exist — the
//! built-in `feature`, `bugfix` and `deploy`, and files that replace them
//! ([`Catalog`]).
//!
//! Running them belongs to the orchestrator (`ralex-orchestrator::workflow`);
//! this crate reads files and evaluates expressions, nothing else.
//!
//! Must never: run code from a workflow file (expressions read data only).

pub mod catalog;
pub mod error;
pub mod expr;
mod locate;
pub mod params;
pub mod parse;
mod raw;
pub mod schema;
pub mod template;

pub use catalog::{BUILTIN, Catalog, Entry, Source, builtin};
pub use error::{Problem, Problems, WorkflowError};
pub use expr::Expr;
pub use parse::{is_name, parse, parse_duration};
pub use schema::{Action, Attempts, GitAction, OnFailure, Param, ParamType, Retry, Step, Workflow};
pub use template::Template;
