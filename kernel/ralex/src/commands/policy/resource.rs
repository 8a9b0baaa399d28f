//! Parsing `ralex policy explain`'s RESOURCE argument into the resource the kernel
//! would decide on, by the action's resource kind (path, host, program, ...).
//!
//! Owns: the accepted forms and their one-sentence errors with an example. Paths are
//! normalised by `ralex-caps`, the same normaliser the workspace capability uses.

use ralex_caps::workspace::{WorkspaceError, normalize_path};
use ralex_policy::{Action, Resource};

/// Flags that shape the resource; each belongs to one resource kind.
#[derive(Debug, Default, Clone)]
pub(crate) struct ResourceFlags {
    pub force: bool,
    pub provider: Option<String>,
    pub local: bool,
}

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
    if text == "~" || text.starts_with("~/") {
        return Err(format!(
            "`{text}` is in your home folder, not in the project; give the path relative to the project root"
        ));
    }
    normalize_path(text, std::path::Path::new("<project>")).map_err(|e| match e {
        WorkspaceError::NulInPath { .. } => "the path contains a NUL byte".to_string(),
        WorkspaceError::AbsolutePath { .. } => format!(
            "`{text}` is absolute; give the path relative to the project root, e.g. `src/app.py`"
        ),
        WorkspaceError::OutsideRoot { .. } => format!(
            "`{text}` climbs out of the project with `..`; Ralex only touches paths inside the project root"
        ),
        other => other.to_string(),
    })
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
}
