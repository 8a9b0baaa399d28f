//! Black-box tests of `ralex-models` against scripted OpenAI and Anthropic servers.

mod broken;
mod budgets;
mod cooldown;
mod fallback;
mod keys;
mod ledger;
mod policy;
mod retry;
mod routing;
mod stt;
mod support;
mod timeouts;
mod wire;
