//! `ralex costs`: what model calls cost, from the ledger in `$RALEX_HOME/ralex.db`,
//! grouped by model, UTC day or plugin.

use anyhow::Context;
use ralex_store::{LedgerGroup, NANO_USD, Store};
use serde_json::json;

use crate::cli::{CostsArgs, CostsBy};
use crate::exit::{self, CliError, CliResult};
use crate::home::Home;
use crate::timestamp::{now_ms, parse_since};

fn usd(nusd: i64) -> f64 {
    nusd as f64 / NANO_USD as f64
}

/// Money for people: cents precision above a cent, more digits below.
pub fn money(nusd: i64) -> String {
    let dollars = usd(nusd);
    if dollars == 0.0 {
        "$0".into()
    } else if dollars.abs() >= 0.01 {
        format!("${dollars:.2}")
    } else {
        format!("${dollars:.6}")
    }
}

/// Run `ralex costs`.
pub fn run(args: &CostsArgs, home: &Home) -> CliResult {
    let since_ms = args
        .since
        .as_deref()
        .map(|t| parse_since(t, now_ms()))
        .transpose()
        .map_err(CliError::usage)?;
    let path = home.database();
    let store = Store::open(&path)
        .with_context(|| format!("cannot open the Ralex store at {}", path.display()))?;
    let by = match args.by {
        CostsBy::Model => LedgerGroup::Model,
        CostsBy::Day => LedgerGroup::Day,
        CostsBy::Plugin => LedgerGroup::Plugin,
    };
    let rows = store
        .ledger_report(since_ms, by)
        .context("cannot read the cost ledger")?;
    let total = store
        .ledger_totals(since_ms)
        .context("cannot read the cost ledger")?;
    let column = match args.by {
        CostsBy::Model => "model",
        CostsBy::Day => "day",
        CostsBy::Plugin => "plugin",
    };
    if args.json {
        let items: Vec<_> = rows
            .iter()
            .map(|r| {
                json!({
                    column: r.key,
                    "requests": r.totals.requests,
                    "input_tokens": r.totals.input_tokens,
                    "output_tokens": r.totals.output_tokens,
                    "cost_usd": usd(r.totals.cost_nusd),
                })
            })
            .collect();
        let out = json!({
            "by": column,
            "rows": items,
            "total": {
                "requests": total.requests,
                "input_tokens": total.input_tokens,
                "output_tokens": total.output_tokens,
                "cost_usd": usd(total.cost_nusd),
            },
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&out).context("encoding JSON")?
        );
        return Ok(exit::OK);
    }
    if rows.is_empty() {
        println!(
            "No model calls recorded{}.",
            if since_ms.is_some() {
                " in that period"
            } else {
                ""
            }
        );
        return Ok(exit::OK);
    }
    let width = rows
        .iter()
        .map(|r| r.key.len())
        .max()
        .unwrap_or(5)
        .max(column.len());
    println!(
        "{:width$}  {:>8}  {:>12}  {:>12}  {:>12}",
        column, "requests", "input tok", "output tok", "cost"
    );
    for r in &rows {
        println!(
            "{:width$}  {:>8}  {:>12}  {:>12}  {:>12}",
            r.key,
            r.totals.requests,
            r.totals.input_tokens,
            r.totals.output_tokens,
            money(r.totals.cost_nusd)
        );
    }
    println!(
        "{:width$}  {:>8}  {:>12}  {:>12}  {:>12}",
        "total",
        total.requests,
        total.input_tokens,
        total.output_tokens,
        money(total.cost_nusd)
    );
    Ok(exit::OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_readable() {
        assert_eq!(money(0), "$0");
        assert_eq!(money(12_340_000_000), "$12.34");
        assert_eq!(money(1_500), "$0.000002");
    }
}
