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

/// Flags that shape the resource; each belongs to one resource kind.
#[derive(Debug, Default, Clone)]
pub(crate) struct ResourceFlags {
    pub force: bool,
    pub provider: Option<String>,
    pub local: bool,
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

// ---------------------------------------------------------------- resources

/// Parse RESOURCE according to `action`'s resource kind. The error is one
/// sentence with the expected form and an example.
pub(crate) fn parse_resource(
    action: Action,
    text: &str,
    flags: &ResourceFlags,
) -> Result<Resource, String> {
    let kind = action.resource_kind();
    if flags.force && kind != "repo" {
        return Err(format!(
            "--force only applies to git actions (a force push), not to {action}"
        ));
    }
    if (flags.local || flags.provider.is_some()) && kind != "model" {
        return Err(format!(
            "--local and --provider only apply to model:call, not to {action}"
        ));
    }
    let text = text.trim();
    let bad = |why: String| format!("{action} takes a {kind} as RESOURCE: {why}");
    match kind {
        "path" => parse_path(text).map(Resource::Path).map_err(bad),
        "repo" => {
            if text.chars().any(char::is_whitespace) {
                return Err(bad(format!(
                    "`{text}` is not a remote name; give one like `origin`, or \"\" for the repository itself"
                )));
            }
            Ok(Resource::Repo {
                remote: text.to_string(),
                force: flags.force,
            })
        }
        "host" => parse_host(text).map_err(bad),
        "program" => {
            let mut words = text.split_whitespace().map(str::to_string);
            let Some(name) = words.next() else {
                return Err(bad(
                    "it is empty; give the command line, e.g. \"cargo test --lib\"".to_string(),
                ));
            };
            Ok(Resource::Program {
                name,
                args: words.collect(),
            })
        }
        "model" => {
            if text.is_empty() {
                return Err(bad(
                    "it is empty; give a model name, e.g. `qwen2.5-coder`".into()
                ));
            }
            Ok(Resource::Model {
                name: text.to_string(),
                provider: flags.provider.clone().unwrap_or_default(),
                local: flags.local,
            })
        }
        "mcp-tool" => match text.split_once('/') {
            Some((server, tool))
                if !server.is_empty() && !tool.is_empty() && !tool.contains('/') =>
            {
                Ok(Resource::McpTool {
                    server: server.to_string(),
                    tool: tool.to_string(),
                })
            }
            _ => Err(bad(format!(
                "`{text}` is not server/tool; write it like `github/create_issue`"
            ))),
        },
        "kv" => {
            if text.is_empty() || text.chars().any(char::is_whitespace) {
                return Err(bad(format!(
                    "`{text}` is not a namespace; give the plugin's namespace, e.g. `pattern-learner`"
                )));
            }
            Ok(Resource::Kv(text.to_string()))
        }
        "intent" => parse_intent(text).map_err(bad),
        other => Err(format!(
            "{action} has a resource kind `{other}` this version of the CLI cannot parse"
        )),
    }
}

/// A project-relative path, normalised like the workspace capability does:
/// `./a//b/../c` → `a/c`, `""` or `.` → the project root.
fn parse_path(text: &str) -> Result<String, String> {
    if text.contains('\0') {
        return Err("the path contains a NUL byte".to_string());
    }
    let b = text.as_bytes();
    let windows_drive = b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':';
    if text.starts_with('/') || text.starts_with('\\') || windows_drive {
        return Err(format!(
            "`{text}` is absolute; give the path relative to the project root, e.g. `src/app.py`"
        ));
    }
    if text == "~" || text.starts_with("~/") {
        return Err(format!(
            "`{text}` is in your home folder, not in the project; give the path relative to the project root"
        ));
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in text.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(format!(
                        "`{text}` climbs out of the project with `..`; Ralex only touches paths inside the project root"
                    ));
                }
            }
            name => parts.push(name),
        }
    }
    Ok(parts.join("/"))
}

/// `https://api.github.com`, `http://localhost:8080/x`, `api.github.com:443`,
/// `[::1]:8080`: scheme (default https), host (lower case, no brackets) and port
/// (default from the scheme).
fn parse_host(text: &str) -> Result<Resource, String> {
    let example = "e.g. `https://api.github.com` or `api.github.com:443`";
    if text.is_empty() {
        return Err(format!("it is empty; give a URL or host:port, {example}"));
    }
    let (scheme, rest) = match text.split_once("://") {
        Some((scheme, rest)) => (scheme.to_ascii_lowercase(), rest),
        None => ("https".to_string(), text),
    };
    let default_port = match scheme.as_str() {
        "https" => 443,
        "http" => 80,
        _ => {
            return Err(format!(
                "`{scheme}` is not a scheme Ralex fetches (http or https), {example}"
            ));
        }
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    // Credentials in a URL never reach policy; the host is what matters.
    let authority = authority.rsplit('@').next().unwrap_or("");
    let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
        let Some((host, after)) = bracketed.split_once(']') else {
            return Err(format!(
                "`{text}` has an unclosed `[` around its IPv6 address"
            ));
        };
        match after {
            "" => (host, None),
            _ => match after.strip_prefix(':') {
                Some(port) => (host, Some(port)),
                None => return Err(format!("`{text}`: expected `:PORT` after `]`")),
            },
        }
    } else if authority.matches(':').count() > 1 {
        return Err(format!(
            "`{text}`: write an IPv6 address in brackets, e.g. `https://[::1]:8443`"
        ));
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if host.is_empty() || host.chars().any(|c| c.is_whitespace() || c == '\\') {
        return Err(format!("`{text}` has no valid host name, {example}"));
    }
    let port = match port {
        None => default_port,
        Some(p) => match p.parse::<u16>() {
            Ok(port) if port > 0 => port,
            _ => return Err(format!("`{p}` is not a port (1-65535)")),
        },
    };
    Ok(Resource::Host {
        scheme,
        host: host.to_ascii_lowercase(),
        port,
    })
}

/// `kind:risk`, e.g. `delete:destructive`; risk as the intent contract names it.
fn parse_intent(text: &str) -> Result<Resource, String> {
    let risks: Vec<&str> = ralex_intent::Risk::ALL.iter().map(|r| r.as_str()).collect();
    let Some((kind, risk)) = text.split_once(':') else {
        return Err(format!(
            "`{text}` is not kind:risk; write it like `delete:destructive` (risk: {})",
            risks.join(", ")
        ));
    };
    if kind.is_empty() || kind.chars().any(|c| c.is_whitespace() || c == ':') {
        return Err(format!(
            "`{kind}` is not an intent kind; write it like `delete:destructive`"
        ));
    }
    if !risks.contains(&risk) {
        return Err(format!(
            "`{risk}` is not a risk; expected one of: {}",
            risks.join(", ")
        ));
    }
    Ok(Resource::Intent {
        kind: kind.to_string(),
        risk: risk.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(action: &str, text: &str) -> Result<Resource, String> {
        parse_resource(action.parse().unwrap(), text, &ResourceFlags::default())
    }

    #[test]
    fn paths_are_normalised_relative_paths() {
        let path = |t: &str| match parse("workspace:write", t) {
            Ok(Resource::Path(p)) => p,
            other => panic!("{t}: {other:?}"),
        };
        assert_eq!(path("src/app.py"), "src/app.py");
        assert_eq!(path("./src//app.py/"), "src/app.py");
        assert_eq!(path("a/b/../c"), "a/c");
        assert_eq!(path("."), "");
        assert_eq!(path(""), "");
        assert_eq!(path(".git/config"), ".git/config");
    }

    #[test]
    fn absolute_and_escaping_paths_are_refused() {
        for (text, why) in [
            ("/etc/passwd", "is absolute"),
            ("C:\\x", "is absolute"),
            ("\\\\server\\share", "is absolute"),
            ("../outside", "climbs out of the project"),
            ("a/../../b", "climbs out of the project"),
            ("~/.ssh/id_rsa", "home folder"),
        ] {
            let err = parse("workspace:read", text).unwrap_err();
            assert!(err.contains(why), "{text}: {err}");
            assert!(err.starts_with("workspace:read takes a path"), "{err}");
        }
    }

    #[test]
    fn hosts_take_urls_and_host_port() {
        let host = |t: &str| match parse("http:fetch", t) {
            Ok(Resource::Host { scheme, host, port }) => format!("{scheme} {host} {port}"),
            other => panic!("{t}: {other:?}"),
        };
        assert_eq!(host("https://api.github.com"), "https api.github.com 443");
        assert_eq!(host("HTTP://Example.COM/path?q=1"), "http example.com 80");
        assert_eq!(host("api.github.com:8443"), "https api.github.com 8443");
        assert_eq!(host("api.github.com"), "https api.github.com 443");
        assert_eq!(host("http://user:pw@host.test:81/x"), "http host.test 81");
        assert_eq!(host("http://[fd00:ec2::254]"), "http fd00:ec2::254 80");
        assert_eq!(host("[::1]:8080"), "https ::1 8080");
    }

    #[test]
    fn bad_hosts_are_refused() {
        for (text, why) in [
            ("", "empty"),
            ("ftp://x.test", "`ftp` is not a scheme"),
            ("x.test:0", "not a port"),
            ("x.test:99999", "not a port"),
            ("x.test:http", "not a port"),
            ("https://", "no valid host"),
            ("::1", "IPv6 address in brackets"),
            ("[::1", "unclosed"),
        ] {
            let err = parse("http:fetch", text).unwrap_err();
            assert!(err.contains(why), "{text}: {err}");
        }
    }

    #[test]
    fn programs_split_on_whitespace() {
        assert_eq!(
            parse("exec:run", "  cargo   test --lib "),
            Ok(Resource::Program {
                name: "cargo".into(),
                args: vec!["test".into(), "--lib".into()]
            })
        );
        assert!(parse("exec:run", "   ").unwrap_err().contains("empty"));
    }

    #[test]
    fn models_tools_kv_and_repos() {
        let flags = ResourceFlags {
            provider: Some("local".into()),
            local: true,
            ..ResourceFlags::default()
        };
        assert_eq!(
            parse_resource(Action::ModelCall, "qwen", &flags),
            Ok(Resource::Model {
                name: "qwen".into(),
                provider: "local".into(),
                local: true
            })
        );
        assert_eq!(
            parse("model:call", "gpt"),
            Ok(Resource::Model {
                name: "gpt".into(),
                provider: String::new(),
                local: false
            })
        );
        assert_eq!(
            parse("mcp:call", "github/create_issue"),
            Ok(Resource::McpTool {
                server: "github".into(),
                tool: "create_issue".into()
            })
        );
        for bad in ["github", "/x", "x/", "a/b/c"] {
            assert!(
                parse("mcp:call", bad).unwrap_err().contains("server/tool"),
                "{bad}"
            );
        }
        assert_eq!(parse("kv:use", "ns"), Ok(Resource::Kv("ns".into())));
        assert!(parse("kv:use", "").is_err());
        let force = ResourceFlags {
            force: true,
            ..ResourceFlags::default()
        };
        assert_eq!(
            parse_resource(Action::GitPush, "origin", &force),
            Ok(Resource::Repo {
                remote: "origin".into(),
                force: true
            })
        );
        assert_eq!(
            parse("git:status", ""),
            Ok(Resource::Repo {
                remote: String::new(),
                force: false
            })
        );
    }

    #[test]
    fn flags_for_another_kind_are_refused() {
        let force = ResourceFlags {
            force: true,
            ..ResourceFlags::default()
        };
        let err = parse_resource(Action::WorkspaceWrite, "a", &force).unwrap_err();
        assert!(err.contains("--force only applies to git"), "{err}");
        let local = ResourceFlags {
            local: true,
            ..ResourceFlags::default()
        };
        let err = parse_resource(Action::ExecRun, "cargo", &local).unwrap_err();
        assert!(err.contains("only apply to model:call"), "{err}");
    }

    #[test]
    fn intents_are_kind_and_risk() {
        assert_eq!(
            parse("command:run", "delete:destructive"),
            Ok(Resource::Intent {
                kind: "delete".into(),
                risk: "destructive".into()
            })
        );
        assert!(parse("command:run", "read:read_only").is_ok());
        let err = parse("command:run", "delete").unwrap_err();
        assert!(err.contains("not kind:risk"), "{err}");
        let err = parse("command:run", "delete:scary").unwrap_err();
        assert!(err.contains("read_only, modify, destructive"), "{err}");
        assert!(parse("command:run", ":destructive").is_err());
    }

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
