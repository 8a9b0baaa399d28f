//! Calls into `agent` plugins: carry out a coding task with tools.

pub use crate::bindings::agent::exports::ralex::plugin::task_runner::{
    AgentLimits, Task, TaskResult,
};

use crate::call::{CallOutcome, wrong_world};
use crate::error::CallError;
use crate::plugin::{Plugin, WorldPre};
use crate::state::CallContext;
use crate::{Host, World};

impl Host {
    /// Ask an `agent` plugin to carry out `task`. Its writes go through the
    /// context's journal (the snapshot hook runs before the first one); its model
    /// calls through the context's model access.
    pub async fn run_task(
        &self,
        plugin: &Plugin,
        context: CallContext,
        task: Task,
    ) -> Result<CallOutcome<TaskResult>, CallError> {
        let WorldPre::Agent(pre) = &plugin.pre else {
            return Err(wrong_world(plugin, World::Agent));
        };
        let pre = pre.clone();
        let call = self.begin(plugin, context).await?;
        call.finish(async move |store| {
            let agent = pre.instantiate_async(&mut *store).await?;
            agent
                .ralex_plugin_task_runner()
                .call_run(&mut *store, &task)
                .await
        })
        .await
    }
}
