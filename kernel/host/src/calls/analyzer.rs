//! Calls into `code-analyzer` plugins.

pub use crate::bindings::code_analyzer::exports::ralex::plugin::analyzer::{
    Analysis, AnalyzeRequest, Finding, Severity,
};
pub use crate::bindings::workflow_step::ralex::plugin::types::Target as WitTarget;

use crate::call::{CallOutcome, wrong_world};
use crate::error::CallError;
use crate::plugin::{Plugin, WorldPre};
use crate::state::CallContext;
use crate::{Host, World};

impl Host {
    /// Ask a `code-analyzer` plugin to analyse code.
    pub async fn analyze(
        &self,
        plugin: &Plugin,
        context: CallContext,
        request: AnalyzeRequest,
    ) -> Result<CallOutcome<Analysis>, CallError> {
        let WorldPre::CodeAnalyzer(pre) = &plugin.pre else {
            return Err(wrong_world(plugin, World::CodeAnalyzer));
        };
        let pre = pre.clone();
        let call = self.begin(plugin, context).await?;
        call.finish(async move |store| {
            let analyzer = pre.instantiate_async(&mut *store).await?;
            analyzer
                .ralex_plugin_analyzer()
                .call_analyze(&mut *store, &request)
                .await
        })
        .await
    }
}
