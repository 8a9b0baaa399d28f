//! The routes of DESIGN.md §5, one file per group.

pub mod audio;
pub mod context;
pub mod events;
pub mod events_confirm;
pub mod health;
pub mod metrics;
pub mod openai;
pub mod openai_stream;
pub mod plugins;
pub mod status;
pub mod ui;
pub mod undo;
pub mod voice;
pub mod workflow;
