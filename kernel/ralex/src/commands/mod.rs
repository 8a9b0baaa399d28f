//! One file per subcommand.

pub mod answer;
pub mod audit;
pub mod bundle;
pub mod context;
pub mod costs;
pub mod doctor;
pub mod models;
pub mod plugin;
pub mod plugin_install;
pub mod plugin_new;
pub mod policy;
pub mod run;
pub mod serve;
pub mod token;
pub mod undo;
pub mod workflow;
