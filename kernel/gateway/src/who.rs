//! The person behind a token, as the orchestrator and the policy see them.

use ralex_orchestrator::Who;
use ralex_policy::{Principal, Scope as PolicyScope};

use crate::tokens::{Caller, Scope};

/// The policy principal and audit names of `caller`.
pub fn who(caller: &Caller) -> Who {
    let scope = match caller.scope {
        Scope::Admin => PolicyScope::Admin,
        Scope::User => PolicyScope::Normal,
    };
    Who {
        principal: Principal::user(&caller.name, scope, &[]),
        actor: format!("token:{}", caller.name),
        label: format!("token `{}`", caller.name),
    }
}
