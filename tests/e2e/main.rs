//! Black-box tests: they run the real `ralex` binary (built by `make setup` /
//! `cargo build -p ralex`) with its real plugins (staged by `cargo xtask plugins`),
//! each with a private `RALEX_HOME`, and check what a user or a script sees.

mod agent;
mod audit;
mod bundle;
mod cli;
mod context;
mod execute;
mod gateway;
mod install;
mod models;
mod opencode;
mod plugin_new;
mod plugins;
mod policy;
mod python_plugin;
mod run;
mod schemathesis;
mod support;
mod workflow;
