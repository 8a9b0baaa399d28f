//! `ralex token create / list / revoke`: API tokens for the gateway. A new token
//! is printed once, alone on the last line; only its hash is kept.

use anyhow::Context;
use ralex_gateway::tokens::{Scope, issue, valid_name};
use ralex_store::{Store, StoreError};

use crate::cli::TokenCommand;
use crate::exit::{self, CliError, CliResult};
use crate::home::Home;
use crate::timestamp::{format_utc, now_ms};

/// Run `ralex token ...`.
pub fn run(command: TokenCommand, home: &Home) -> CliResult {
    let store = Store::open(&home.database()).with_context(|| {
        format!(
            "cannot open the Ralex store at {}",
            home.database().display()
        )
    })?;
    match command {
        TokenCommand::Create { name, admin } => {
            if !valid_name(&name) {
                return Err(CliError::usage(format!(
                    "`{name}` is not a valid token name: use 1–64 letters, digits, `-`, `_` or `.`"
                )));
            }
            let scope = if admin { Scope::Admin } else { Scope::User };
            let token = match issue(&store, &name, scope, now_ms()) {
                Ok(token) => token,
                Err(e @ StoreError::TokenNameTaken { .. }) => {
                    return Err(CliError::usage(e.to_string()));
                }
                Err(e) => return Err(anyhow::anyhow!("cannot record the token: {e}").into()),
            };
            eprintln!(
                "Token `{name}` ({} scope) created. It is shown only now; keep it like a password.",
                scope.as_str()
            );
            println!("{token}");
            Ok(exit::OK)
        }
        TokenCommand::List { json } => {
            let tokens = store.tokens().context("cannot list the tokens")?;
            if json {
                let rows: Vec<serde_json::Value> = tokens
                    .iter()
                    .map(|t| {
                        serde_json::json!({
                            "name": t.name, "id": t.id, "scope": t.scope,
                            "created_ms": t.created_ms, "last_used_ms": t.last_used_ms,
                            "revoked": t.revoked_ms.is_some(),
                        })
                    })
                    .collect();
                println!("{}", serde_json::to_string_pretty(&rows).context("json")?);
                return Ok(exit::OK);
            }
            if tokens.is_empty() {
                println!("no tokens yet; create one with `ralex token create --name phone`");
            }
            for t in tokens {
                let state = match t.revoked_ms {
                    Some(at) => format!("revoked {}", format_utc(at)),
                    None => "live".to_string(),
                };
                println!(
                    "{:<20} {:<6} created {}  {state}",
                    t.name,
                    t.scope,
                    format_utc(t.created_ms)
                );
            }
            Ok(exit::OK)
        }
        TokenCommand::Revoke { name } => {
            if store
                .token_revoke(&name, now_ms())
                .context("cannot revoke")?
            {
                println!("token `{name}` revoked");
                Ok(exit::OK)
            } else {
                Err(CliError::usage(format!(
                    "there is no live token named `{name}`; `ralex token list` shows them"
                )))
            }
        }
    }
}
