//! One file per subcommand.

pub mod doctor;
pub mod plugin;
pub mod run;
