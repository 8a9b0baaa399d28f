//! One file per subcommand.

pub mod audit;
pub mod doctor;
pub mod plugin;
pub mod policy;
pub mod run;
