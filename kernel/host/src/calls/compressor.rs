//! Calls into `context-compressor` plugins.

pub use crate::bindings::context_compressor::exports::ralex::plugin::compressor::{
    CompressRequest, Compressed,
};

use crate::call::{CallOutcome, wrong_world};
use crate::error::CallError;
use crate::plugin::{Plugin, WorldPre};
use crate::state::CallContext;
use crate::{Host, World};

impl Host {
    /// Ask a `context-compressor` plugin to compress session notes: a summary and
    /// the lines it kept word for word. The plugin reaches models only through
    /// `context.model` (none: its model calls are refused as unavailable).
    pub async fn compress(
        &self,
        plugin: &Plugin,
        context: CallContext,
        request: CompressRequest,
    ) -> Result<CallOutcome<Compressed>, CallError> {
        let WorldPre::ContextCompressor(pre) = &plugin.pre else {
            return Err(wrong_world(plugin, World::ContextCompressor));
        };
        let pre = pre.clone();
        let call = self.begin(plugin, context).await?;
        call.finish(async move |store| {
            let compressor = pre.instantiate_async(&mut *store).await?;
            compressor
                .ralex_plugin_compressor()
                .call_compress(&mut *store, &request)
                .await
        })
        .await
    }
}
