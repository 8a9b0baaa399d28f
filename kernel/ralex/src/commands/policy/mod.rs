//! `ralex policy check` and `ralex policy explain ACTION RESOURCE`.
//!
//! `check` loads the effective policy (shipped defaults + `$RALEX_HOME/policies/`)
//! and lists its files, or every problem as `file:line: message`. `explain`
//! builds the same principal and resource the kernel would (a plugin's trust from
//! its manifest and folder, without compiling it) and prints the decision with
//! the rule that made it.

use anyhow::anyhow;
use ralex_policy::{
    Action, Decision, Policy, PolicyError, PolicyFile, Principal, Resource, RuleEffect, Scope,
    Trust, Verdict, default_files,
};
use serde_json::json;

use crate::cli::{ExplainArgs, PolicyCommand};
use crate::config::Config;
use crate::exit::{self, CliError, CliResult};
use crate::home::Home;
use crate::plugins::{display_path, find_manifest, trust_of};

mod resource;

use resource::{ResourceFlags, parse_resource};

/// Run `ralex policy ...`.
pub fn run(command: PolicyCommand, home: &Home, config: &Config) -> CliResult {
    match command {
        PolicyCommand::Check { json } => check(home, json),
        PolicyCommand::Explain(args) => explain(&args, home, config),
    }
}

// ---------------------------------------------------------------- check

/// Where one effective policy file comes from.
fn source_of(file: &PolicyFile, defaults: &[PolicyFile]) -> &'static str {
    if defaults.iter().any(|d| d.origin == file.origin) {
        "built-in"
    } else if defaults.iter().any(|d| d.name == file.name) {
        "override"
    } else {
        "added"
    }
}

/// The origin without the "(built in)" suffix, for the listing's path column.
fn shown_origin(origin: &str) -> &str {
    origin.strip_suffix(" (built in)").unwrap_or(origin)
}

/// `file:line`, with a built-in file's "(built in)" moved after the line so
/// the `file:line` part stays clickable: `policies/defaults/x.cedar:4 (built in)`.
fn located(file: &str, line: usize) -> String {
    let (path, suffix) = match file.strip_suffix(" (built in)") {
        Some(path) => (path, " (built in)"),
        None => (file, ""),
    };
    if line > 0 {
        format!("{path}:{line}{suffix}")
    } else {
        format!("{path}{suffix}")
    }
}

/// A rule's `origin:line` location in the [`located`] form.
fn tidy_location(location: &str) -> String {
    match location.rsplit_once(':') {
        Some((file, line)) => match line.parse() {
            Ok(line) => located(file, line),
            Err(_) => location.to_string(),
        },
        None => location.to_string(),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Like [`Policy::load`], but a file with a syntax error does not hide the
/// schema problems of the others: those are checked without it and added.
fn load_reporting_all(files: &[PolicyFile]) -> Result<Policy, PolicyError> {
    let mut problems = match Policy::load(files) {
        Err(PolicyError::Problems(problems)) => problems,
        other => return other,
    };
    let unparsable: Vec<String> = problems
        .iter()
        .filter(|p| p.message.starts_with("syntax error"))
        .map(|p| p.file.clone())
        .collect();
    let parsable: Vec<PolicyFile> = files
        .iter()
        .filter(|f| !unparsable.contains(&f.origin))
        .cloned()
        .collect();
    if !unparsable.is_empty()
        && parsable.len() < files.len()
        && let Err(PolicyError::Problems(more)) = Policy::load(&parsable)
    {
        for p in more {
            if !problems.contains(&p) {
                problems.push(p);
            }
        }
        problems.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    }
    Err(PolicyError::Problems(problems))
}

fn check(home: &Home, json: bool) -> CliResult {
    let defaults = default_files();
    let files = crate::policy::files(home)?;
    let sources: Vec<&str> = files.iter().map(|f| source_of(f, &defaults)).collect();
    match load_reporting_all(&files) {
        Ok(policy) => {
            let rules = policy.rules();
            let per_file: Vec<usize> = files
                .iter()
                .map(|f| {
                    rules
                        .iter()
                        .filter(|r| {
                            r.location
                                .rsplit_once(':')
                                .is_some_and(|(file, _)| file == f.origin)
                        })
                        .count()
                })
                .collect();
            if json {
                let listing: Vec<_> = files
                    .iter()
                    .zip(&sources)
                    .zip(&per_file)
                    .map(|((f, source), n)| {
                        json!({ "name": f.name, "origin": f.origin, "source": source, "rules": n })
                    })
                    .collect();
                let answer = json!({
                    "ok": true,
                    "rules": rules.len(),
                    "files": listing,
                    "problems": [],
                });
                println!("{}", serde_json::to_string_pretty(&answer)?);
                return Ok(exit::OK);
            }
            println!(
                "policy OK: {} from {}",
                plural(rules.len(), "rule", "rules"),
                plural(files.len(), "file", "files")
            );
            for ((f, source), n) in files.iter().zip(&sources).zip(&per_file) {
                let note = match *source {
                    "override" => format!(" (replaces the built-in {})", f.name),
                    _ => String::new(),
                };
                println!(
                    "  {source:<9} {:<9} {}{note}",
                    plural(*n, "rule", "rules"),
                    shown_origin(&f.origin)
                );
            }
            Ok(exit::OK)
        }
        Err(PolicyError::Problems(problems)) => {
            if json {
                let listing: Vec<_> = files
                    .iter()
                    .zip(&sources)
                    .map(|(f, source)| json!({ "name": f.name, "origin": f.origin, "source": source }))
                    .collect();
                let answer = json!({
                    "ok": false,
                    "files": listing,
                    "problems": problems
                        .iter()
                        .map(|p| json!({ "file": p.file, "line": p.line, "message": p.message }))
                        .collect::<Vec<_>>(),
                });
                println!("{}", serde_json::to_string_pretty(&answer)?);
                return Ok(exit::FAILURE);
            }
            for p in &problems {
                println!("{}: {}", located(&p.file, p.line), p.message);
            }
            println!(
                "policy BROKEN: {} ({} checked); fix them, then run `ralex policy check` again (the kernel refuses to start until then)",
                plural(problems.len(), "problem", "problems"),
                plural(files.len(), "file", "files"),
            );
            Ok(exit::FAILURE)
        }
        Err(e) => Err(anyhow!("{e}").into()),
    }
}

// ---------------------------------------------------------------- explain

/// Who asks, as `explain` shows it.
struct Asker {
    principal: Principal,
    /// `plugin:NAME` or `user:NAME`, as the audit trail names actors.
    actor: String,
    /// The plugin's trust (none for people).
    trust: Option<Trust>,
    /// One line about who this is and why they have that trust.
    about: String,
}

fn explain(args: &ExplainArgs, home: &Home, config: &Config) -> CliResult {
    let action: Action = args.action.parse().map_err(CliError::usage)?;
    if args.confirmed && action != Action::CommandRun {
        return Err(CliError::usage(format!(
            "--confirmed only applies to command:run (a person confirming a command), not to {action}"
        )));
    }
    let flags = ResourceFlags {
        force: args.force,
        provider: args.provider.clone(),
        local: args.local,
    };
    let resource = parse_resource(action, &args.resource, &flags).map_err(CliError::usage)?;
    let asker = match (&args.plugin, &args.user) {
        (Some(name), None) => plugin_asker(name, home, config)?,
        (None, Some(name)) => user_asker(name)?,
        // clap's required, exclusive group makes anything else impossible.
        _ => {
            return Err(CliError::usage(
                "say who asks: --plugin NAME or --user NAME (one of them)",
            ));
        }
    };
    match (action, asker.trust.is_some()) {
        (Action::CommandRun, true) => {
            return Err(CliError::usage(
                "command:run is decided for people only (plugins never run commands); use --user NAME, e.g. --user cli",
            ));
        }
        (Action::KvUse, false) => {
            return Err(CliError::usage(
                "kv:use is decided for plugins only (each plugin has its own key-value store); use --plugin NAME",
            ));
        }
        _ => {}
    }
    let policy = crate::policy::load(home)?;
    let decision = policy.decide(&asker.principal, action, &resource, args.confirmed);
    let mut explanation = decision.explain(
        asker.principal.label(),
        action.as_str(),
        &resource.describe(),
    );
    if let Some(rule) = decision.rule() {
        explanation = explanation.replace(&rule.location, &tidy_location(&rule.location));
    }
    if args.json {
        print_json(&decision, &explanation, &asker, action, &resource)?;
    } else {
        println!("{explanation}");
        println!("principal: {}", asker.about);
        match decision.verdict {
            Verdict::NeedsConfirmation => println!(
                "add --confirmed to see the decision once the person has confirmed this command"
            ),
            Verdict::Deny => match decision.rule() {
                Some(rule) if rule.id == "no-secret-reads" => println!(
                    "to let a plugin read one secret file, name it in ralex.toml: [policy] secret_reads = {{ PLUGIN = [\"path/to/file\"] }}"
                ),
                Some(rule) if rule.effect == RuleEffect::Forbid => println!(
                    "forbid rules always win over permits; to change this, replace the file that holds the rule (copy it to $RALEX_HOME/policies/ under the same name and edit it)"
                ),
                _ => {}
            },
            _ => {}
        }
    }
    Ok(if decision.allowed() {
        exit::OK
    } else {
        exit::DENIED
    })
}

fn print_json(
    decision: &Decision,
    explanation: &str,
    asker: &Asker,
    action: Action,
    resource: &Resource,
) -> anyhow::Result<()> {
    let rule = decision.rule();
    let answer = json!({
        "decision": decision.verdict.as_str(),
        "rule": decision.rule_id(),
        "location": rule.map(|r| tidy_location(&r.location)),
        "reason": rule.and_then(|r| r.reason.clone()),
        "explanation": explanation,
        "principal": asker.actor,
        "trust": asker.trust.map(Trust::as_str),
        "action": action.as_str(),
        "resource": resource.describe(),
        "errors": decision.errors,
    });
    println!("{}", serde_json::to_string_pretty(&answer)?);
    Ok(())
}

fn plugin_asker(name: &str, home: &Home, config: &Config) -> Result<Asker, CliError> {
    let (found, installed) = find_manifest(home, config, name);
    let Some(found) = found else {
        let list = if installed.is_empty() {
            "none are installed; build the first-party plugins with `cargo xtask plugins`"
                .to_string()
        } else {
            format!("installed: {}", installed.join(", "))
        };
        return Err(CliError::usage(format!(
            "no plugin named `{name}` ({list}); `ralex plugin list` shows them"
        )));
    };
    let m = &found.manifest.plugin;
    let trust = trust_of(&found.path, &m.publisher, config);
    let secret_reads = config
        .policy
        .secret_reads
        .get(name)
        .cloned()
        .unwrap_or_default();
    let digest = m.sha256.clone().unwrap_or_default();
    let why = match trust {
        Trust::FirstParty => "shipped with this kernel".to_string(),
        Trust::Trusted => "publisher listed in [policy] trusted_publishers".to_string(),
        Trust::Untrusted if m.publisher == "ralex" => {
            "but not in the folder of plugins shipped with this kernel".to_string()
        }
        Trust::Untrusted => {
            "not a publisher listed in [policy] trusted_publishers of ralex.toml".to_string()
        }
    };
    let secrets = if secret_reads.is_empty() {
        String::new()
    } else {
        format!("; may read secrets {}", secret_reads.join(", "))
    };
    Ok(Asker {
        principal: Principal::plugin(
            name,
            &m.publisher,
            trust,
            &m.world.world,
            &digest,
            &secret_reads,
        ),
        actor: format!("plugin:{name}"),
        trust: Some(trust),
        about: format!(
            "plugin `{name}` is {} (publisher `{}`, {why}{secrets}), from {}",
            trust.as_str(),
            m.publisher,
            display_path(&found.path)
        ),
    })
}

fn user_asker(name: &str) -> Result<Asker, CliError> {
    if name.trim().is_empty() || name.chars().any(char::is_whitespace) {
        return Err(CliError::usage(format!(
            "--user `{name}`: give a user name without spaces: `cli` for the local user, or an API token's name"
        )));
    }
    // The local CLI user administers the installation; tokens are normal users
    // until tokens carry their own scope.
    let scope = if name == "cli" {
        Scope::Admin
    } else {
        Scope::Normal
    };
    Ok(Asker {
        principal: Principal::user(name, scope, &[]),
        actor: format!("user:{name}"),
        trust: None,
        about: format!("user `{name}` (scope {})", scope.as_str()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn built_in_locations_keep_file_and_line_together() {
        assert_eq!(
            tidy_location("policies/defaults/base.cedar (built in):8"),
            "policies/defaults/base.cedar:8 (built in)"
        );
        assert_eq!(
            tidy_location("/h/policies/g.cedar:3"),
            "/h/policies/g.cedar:3"
        );
        assert_eq!(located("/h/p.cedar", 0), "/h/p.cedar");
    }

    #[test]
    fn listing_tells_built_in_override_and_added_apart() {
        let defaults = default_files();
        let file = |name: &str, origin: &str| PolicyFile {
            name: name.into(),
            origin: origin.into(),
            text: String::new(),
        };
        assert_eq!(source_of(&defaults[0], &defaults), "built-in");
        assert_eq!(
            source_of(&file("exec.cedar", "/h/policies/exec.cedar"), &defaults),
            "override"
        );
        assert_eq!(
            source_of(
                &file("grants/a.cedar", "/h/policies/grants/a.cedar"),
                &defaults
            ),
            "added"
        );
        assert_eq!(
            shown_origin("policies/defaults/base.cedar (built in)"),
            "policies/defaults/base.cedar"
        );
    }
}
