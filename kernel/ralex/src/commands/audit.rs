//! `ralex audit show` and `ralex audit verify`: reading the hash-chained audit
//! trail in `$RALEX_HOME/ralex.db` and checking that nobody edited it.

use anyhow::Context;
use ralex_store::{AuditEntry, AuditFilter, Store};
use serde_json::json;

use crate::cli::{AuditCommand, AuditShowArgs};
use crate::exit::{self, CliError, CliResult};
use crate::home::Home;
use crate::timestamp::{format_utc, now_ms, parse_since};

/// Run `ralex audit ...`.
pub fn run(command: AuditCommand, home: &Home) -> CliResult {
    match command {
        AuditCommand::Show(args) => show(&args, home),
        AuditCommand::Verify { json } => verify(home, json),
    }
}

fn open(home: &Home) -> Result<Store, CliError> {
    let path = home.database();
    Ok(Store::open(&path).with_context(|| {
        format!(
            "cannot open the Ralex store at {}; check that RALEX_HOME points at your installation",
            path.display()
        )
    })?)
}

/// The filter the flags describe; usage errors for bad values.
fn filter(args: &AuditShowArgs, now: i64) -> Result<AuditFilter, CliError> {
    let actor = match (&args.plugin, &args.actor) {
        (Some(plugin), _) => Some(format!("plugin:{plugin}")),
        (None, Some(actor)) => {
            if !actor.contains(':') {
                return Err(CliError::usage(format!(
                    "--actor `{actor}`: actors are written KIND:NAME, e.g. `plugin:{actor}` or `user:{actor}`"
                )));
            }
            Some(actor.clone())
        }
        (None, None) => None,
    };
    let since_ms = args
        .since
        .as_deref()
        .map(|t| parse_since(t, now))
        .transpose()
        .map_err(CliError::usage)?;
    Ok(AuditFilter {
        actor,
        since_ms,
        limit: (args.limit > 0).then_some(args.limit),
    })
}

fn entry_json(e: &AuditEntry) -> serde_json::Value {
    json!({
        "seq": e.seq,
        "time": format_utc(e.at_ms),
        "at_ms": e.at_ms,
        "actor": e.actor,
        "action": e.action,
        "resource": e.resource,
        "decision": e.decision,
        "rule": e.rule,
        "args_digest": e.args_digest,
        "detail": e.detail,
        "prev_hash": e.prev_hash,
        "hash": e.hash,
    })
}

/// Entries whose detail is shown under their row: everything but plain successes.
fn shows_detail(e: &AuditEntry) -> bool {
    !e.detail.is_empty() && !matches!(e.decision.as_str(), "allow" | "ok")
}

fn show(args: &AuditShowArgs, home: &Home) -> CliResult {
    let filter = filter(args, now_ms())?;
    let store = open(home)?;
    let entries = store
        .audit_entries(&filter)
        .context("cannot read the audit trail")?;
    if args.json {
        let items: Vec<_> = entries.iter().map(entry_json).collect();
        println!("{}", serde_json::to_string_pretty(&items)?);
        return Ok(exit::OK);
    }
    if entries.is_empty() {
        let filtered = filter.actor.is_some() || filter.since_ms.is_some();
        println!(
            "no audit entries{}",
            if filtered {
                " match (try without --plugin/--actor/--since)"
            } else {
                " yet: the trail starts with the first capability call or command"
            }
        );
        return Ok(exit::OK);
    }
    let header = [
        "SEQ", "TIME", "ACTOR", "ACTION", "RESOURCE", "DECISION", "RULE",
    ];
    let rows: Vec<[String; 7]> = entries
        .iter()
        .map(|e| {
            [
                e.seq.to_string(),
                format_utc(e.at_ms),
                e.actor.clone(),
                e.action.clone(),
                e.resource.clone(),
                e.decision.clone(),
                e.rule.clone(),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let mut out = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == cells.len() {
                out.push_str(cell);
            } else if i == 0 {
                out.push_str(&format!("{cell:>w$}  "));
            } else {
                out.push_str(&format!("{cell:<w$}  "));
            }
        }
        out
    };
    println!("{}", line(&header.map(str::to_string)));
    for (row, e) in rows.iter().zip(&entries) {
        println!("{}", line(row));
        if shows_detail(e) {
            for detail in e.detail.lines() {
                println!("{:w$}  {detail}", "", w = widths[0] + 2);
            }
        }
    }
    if let Some(limit) = filter.limit
        && entries.len() == limit
    {
        println!("(the newest {limit}; --limit N shows more, --limit 0 all)");
    }
    Ok(exit::OK)
}

fn verify(home: &Home, json: bool) -> CliResult {
    let store = open(home)?;
    let report = store
        .audit_verify()
        .context("cannot read the audit trail")?;
    if json {
        let answer = json!({
            "intact": report.intact(),
            "entries": report.entries,
            "head": report.head,
            "problems": report
                .problems
                .iter()
                .map(|p| json!({ "seq": p.seq, "message": p.message }))
                .collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&answer)?);
    } else if report.intact() {
        match &report.head {
            Some(head) => println!(
                "audit trail intact: {} entries, head {}",
                report.entries,
                &head[..head.len().min(16)]
            ),
            None => println!("audit trail intact: 0 entries (nothing recorded yet)"),
        }
    } else {
        for p in &report.problems {
            println!("entry {}: {}", p.seq, p.message);
        }
        println!(
            "audit trail BROKEN: {} problem(s) in {} entries at {}; the trail was edited outside Ralex — keep a copy of the database for investigation",
            report.problems.len(),
            report.entries,
            home.database().display()
        );
    }
    Ok(if report.intact() {
        exit::OK
    } else {
        exit::FAILURE
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args() -> AuditShowArgs {
        AuditShowArgs {
            plugin: None,
            actor: None,
            since: None,
            limit: 50,
            json: false,
        }
    }

    #[test]
    fn flags_become_a_filter() {
        let f = filter(&args(), 0).unwrap();
        assert_eq!((f.actor, f.since_ms, f.limit), (None, None, Some(50)));
        let f = filter(
            &AuditShowArgs {
                plugin: Some("x".into()),
                since: Some("10m".into()),
                limit: 0,
                ..args()
            },
            1_000_000,
        )
        .unwrap();
        assert_eq!(f.actor.as_deref(), Some("plugin:x"));
        assert_eq!(f.since_ms, Some(400_000));
        assert_eq!(f.limit, None);
    }

    #[test]
    fn bad_flags_are_usage_errors() {
        let e = filter(
            &AuditShowArgs {
                since: Some("last tuesday".into()),
                ..args()
            },
            0,
        )
        .unwrap_err();
        assert_eq!(e.code, exit::USAGE);
        assert!(e.error.to_string().contains("RFC 3339"), "{}", e.error);
        let e = filter(
            &AuditShowArgs {
                actor: Some("hostile".into()),
                ..args()
            },
            0,
        )
        .unwrap_err();
        assert_eq!(e.code, exit::USAGE);
        assert!(
            e.error.to_string().contains("plugin:hostile"),
            "{}",
            e.error
        );
    }
}
