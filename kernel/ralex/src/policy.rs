//! Loading the policy the kernel runs with: the shipped defaults, with the files of
//! `$RALEX_HOME/policies/` added (a file named like a default replaces it).
//! A broken policy stops the command with every problem's file and line.

use std::sync::Arc;

use anyhow::{Result, anyhow};
use ralex_policy::{Policy, PolicyError, PolicyFile, default_files, load_dir, merge_files};

use crate::home::Home;

/// The effective policy files: the defaults, overridden and extended by the
/// user's folder. Fails only when the folder cannot be read.
pub fn files(home: &Home) -> Result<Vec<PolicyFile>> {
    let user = load_dir(&home.policies()).map_err(|e| anyhow!("{e}"))?;
    Ok(merge_files(default_files(), user))
}

/// The effective policy, or an error listing every problem.
pub fn load(home: &Home) -> Result<Arc<Policy>> {
    match Policy::load(&files(home)?) {
        Ok(policy) => Ok(Arc::new(policy)),
        Err(PolicyError::Problems(problems)) => Err(anyhow!(
            "the policies are broken, so nothing runs until they are fixed (`ralex policy check` lists the problems):\n{}",
            problems
                .iter()
                .map(|p| format!("  {p}"))
                .collect::<Vec<_>>()
                .join("\n")
        )),
        Err(e) => Err(anyhow!("{e}")),
    }
}
