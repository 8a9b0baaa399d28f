//! Calls into `prompt-enhancer` plugins.

pub use crate::bindings::prompt_enhancer::exports::ralex::plugin::enhancer::{
    ContextItem, EnhanceRequest, EnhancedPrompt,
};

use crate::call::{CallOutcome, wrong_world};
use crate::error::CallError;
use crate::plugin::{Plugin, WorldPre};
use crate::state::CallContext;
use crate::{Host, World};

impl Host {
    /// Ask a `prompt-enhancer` plugin to improve a prompt.
    pub async fn enhance(
        &self,
        plugin: &Plugin,
        context: CallContext,
        request: EnhanceRequest,
    ) -> Result<CallOutcome<EnhancedPrompt>, CallError> {
        let WorldPre::PromptEnhancer(pre) = &plugin.pre else {
            return Err(wrong_world(plugin, World::PromptEnhancer));
        };
        let pre = pre.clone();
        let call = self.begin(plugin, context).await?;
        call.finish(async move |store| {
            let enhancer = pre.instantiate_async(&mut *store).await?;
            enhancer
                .ralex_plugin_enhancer()
                .call_enhance(&mut *store, &request)
                .await
        })
        .await
    }
}
