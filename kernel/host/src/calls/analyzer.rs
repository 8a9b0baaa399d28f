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

/// Benchmark support: not part of the API.
#[doc(hidden)]
pub mod bench {
    use super::*;

    impl Host {
        /// Instantiate once, then call `analyze` `calls` times on that instance: the
        /// "warm call" the benchmark compares with a fresh instance per call. The
        /// kernel itself always uses a fresh instance per call.
        #[doc(hidden)]
        pub async fn bench_warm_analyze(
            &self,
            plugin: &Plugin,
            request: AnalyzeRequest,
            calls: u64,
        ) -> Result<std::time::Duration, CallError> {
            let WorldPre::CodeAnalyzer(pre) = &plugin.pre else {
                return Err(wrong_world(plugin, World::CodeAnalyzer));
            };
            let pre = pre.clone();
            let call = self.begin(plugin, CallContext::default()).await?;
            let outcome = call
                .finish(async move |store| {
                    let analyzer = pre.instantiate_async(&mut *store).await?;
                    let started = std::time::Instant::now();
                    for _ in 0..calls {
                        if let Err(e) = analyzer
                            .ralex_plugin_analyzer()
                            .call_analyze(&mut *store, &request)
                            .await?
                        {
                            return Ok(Err(e));
                        }
                    }
                    Ok(Ok(started.elapsed()))
                })
                .await?;
            Ok(outcome.value)
        }
    }
}
