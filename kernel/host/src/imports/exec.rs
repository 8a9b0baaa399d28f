//! `exec`: run a program the manifest lists (`[permissions] exec`, e.g.
//! `"cargo test"`) and the policy allows (`exec:run`; shells never), through
//! `ralex-exec`: no shell, scrubbed environment, timeout, output cap, process group
//! killed, bubblewrap where available. Each run is audited.

use std::time::Duration;

use ralex_policy::{Action, Resource};

use super::error;
use super::wit::exec::{Host, Output};
use crate::bindings::{ErrorCode, WitError};
use crate::state::CallState;

impl Host for CallState {
    async fn run(
        &mut self,
        program: String,
        args: Vec<String>,
        cwd: String,
        timeout_ms: Option<u32>,
    ) -> Result<Output, WitError> {
        let resource = Resource::Program {
            name: program.clone(),
            args: args.clone(),
        };
        let joined = args.join("\0");
        let digest_args: [&[u8]; 3] = [program.as_bytes(), joined.as_bytes(), cwd.as_bytes()];
        if !self.plugin.exec.iter().any(|a| a.permits(&program, &args)) {
            let listed: Vec<String> = self.plugin.exec.iter().map(|a| a.to_string()).collect();
            let why = if listed.is_empty() {
                "its manifest lists no programs (add them to `exec = [...]` under [permissions])"
                    .to_string()
            } else {
                format!("its manifest allows only: {}", listed.join(", "))
            };
            return Err(self.refuse_by_manifest(Action::ExecRun, &resource, &digest_args, &why));
        }
        let runner = self.context.runner.clone().ok_or_else(|| {
            error(
                ErrorCode::Unavailable,
                "running programs is not available to this call (it has no project)",
            )
        })?;
        self.authorize(Action::ExecRun, &resource, &digest_args)?;
        let output = runner
            .run(
                &self.plugin.exec,
                &program,
                &args,
                &cwd,
                timeout_ms.map(|ms| Duration::from_millis(u64::from(ms))),
            )
            .await
            .map_err(|e| self.provider_error(e.kind(), e.to_string(), None))?;
        Ok(Output {
            exit_code: output.exit_code,
            stdout: output.stdout,
            stderr: output.stderr,
            timed_out: output.timed_out,
            duration_ms: u64::try_from(output.duration.as_millis()).unwrap_or(u64::MAX),
        })
    }
}
