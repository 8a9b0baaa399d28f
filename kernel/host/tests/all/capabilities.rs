//! The host interfaces as a plugin sees them: workspace reads stay inside the root
//! (symlinks included), WASI gives no file system, kv is private, progress flows.

use ralex_host::CallContext;

use crate::support::*;

async fn read(mode_path: &str) -> String {
    let t = TestHost::new();
    let p = t.hostile();
    let project = Project::new();
    let out = summary(&t.host, &p, project.context(), mode_path).await;
    still_works(&t.host, &p).await;
    out
}

#[tokio::test]
async fn reads_inside_the_root_work() {
    let out = read("read:README.md").await;
    assert!(out.starts_with("READ 13 bytes: # demo"), "{out}");
    let out = read("read:src/../README.md").await;
    assert!(out.starts_with("READ"), "{out}");
}

#[tokio::test]
async fn traversal_out_of_the_root_is_denied() {
    for path in [
        "../../etc/passwd",
        "../secret.txt",
        "src/../../secret.txt",
        "./../secret.txt",
    ] {
        let out = read(&format!("read:{path}")).await;
        assert!(out.starts_with("REFUSED Denied"), "{path}: {out}");
        assert!(
            !out.contains(SECRET) && !out.contains("root:"),
            "{path}: {out}"
        );
    }
}

#[tokio::test]
async fn absolute_paths_are_denied() {
    for path in ["/etc/passwd", "/proc/self/environ"] {
        let out = read(&format!("read:{path}")).await;
        assert!(out.starts_with("REFUSED Denied"), "{path}: {out}");
        assert!(!out.contains("root:"), "{path}: {out}");
        // The host's absolute path of the project is not revealed to the plugin.
        assert!(
            out.contains("<proj>") && !out.contains("/tmp"),
            "{path}: {out}"
        );
    }
}

#[tokio::test]
async fn symlinks_leading_out_are_denied() {
    for path in [
        "link-out",
        "passwd-link",
        "relative-out",
        "link-dir/secret.txt",
    ] {
        let out = read(&format!("read:{path}")).await;
        assert!(out.starts_with("REFUSED Denied"), "{path}: {out}");
        assert!(
            !out.contains(SECRET) && !out.contains("root:"),
            "{path}: {out}"
        );
    }
    let out = read("read-bytes:link-out").await;
    assert!(out.starts_with("REFUSED Denied"), "{out}");
}

#[tokio::test]
async fn listing_never_shows_what_is_outside() {
    let out = read("list:").await;
    assert!(
        out.contains("README.md") && out.contains("src/parse_config.py"),
        "{out}"
    );
    assert!(!out.contains("secret.txt"), "{out}");
    let out = read("list:link-dir").await;
    assert!(out.starts_with("REFUSED"), "{out}");
}

#[tokio::test]
async fn wasi_gives_no_file_system() {
    for path in ["/etc/passwd", "README.md", "../secret.txt"] {
        let out = read(&format!("fs:{path}")).await;
        assert!(out.starts_with("REFUSED wasi"), "{path}: {out}");
    }
}

#[tokio::test]
async fn workspace_without_a_project_is_unavailable() {
    let t = TestHost::new();
    let p = t.hostile();
    let out = summary(&t.host, &p, CallContext::default(), "read:README.md").await;
    assert!(out.starts_with("REFUSED Unavailable"), "{out}");
}

#[tokio::test]
async fn a_read_outside_the_manifest_globs_is_denied() {
    let t = TestHost::new();
    let dir = tempfile::tempdir().unwrap();
    let copy = copy_plugin("test-plugins", "hostile", dir.path());
    let manifest = std::fs::read_to_string(copy.join("plugin.toml")).unwrap();
    std::fs::write(
        copy.join("plugin.toml"),
        manifest.replace(r#"read = ["**"]"#, r#"read = ["src/**"]"#),
    )
    .unwrap();
    let p = t.host.load(&copy.join("plugin.toml")).unwrap();
    let project = Project::new();
    let out = summary(&t.host, &p, project.context(), "read:src/parse_config.py").await;
    assert!(out.starts_with("READ"), "{out}");
    let out = summary(&t.host, &p, project.context(), "read:README.md").await;
    assert!(
        out.starts_with("REFUSED Denied") && out.contains("workspace.read"),
        "{out}"
    );
    let out = summary(&t.host, &p, project.context(), "read:src/../README.md").await;
    assert!(out.starts_with("REFUSED Denied"), "{out}");
}

#[tokio::test]
async fn kv_round_trips_and_is_private_to_the_plugin() {
    let t = TestHost::new();
    let p = t.hostile();
    assert_eq!(
        summary(&t.host, &p, CallContext::default(), "kv:first").await,
        "kv: first"
    );

    // The same component under another name sees its own, empty namespace... and
    // writes there; the first plugin's value is untouched.
    let dir = tempfile::tempdir().unwrap();
    let copy = copy_plugin("test-plugins", "hostile", dir.path());
    let manifest = std::fs::read_to_string(copy.join("plugin.toml")).unwrap();
    std::fs::write(
        copy.join("plugin.toml"),
        manifest.replace("name = \"hostile\"", "name = \"other\""),
    )
    .unwrap();
    let other = t.host.load(&copy.join("plugin.toml")).unwrap();
    assert_eq!(
        summary(&t.host, &other, CallContext::default(), "kv:second").await,
        "kv: second"
    );
    assert_eq!(
        summary(&t.host, &p, CallContext::default(), "kv:first").await,
        "kv: first"
    );
}

#[tokio::test]
async fn kv_is_denied_when_the_manifest_does_not_ask() {
    let t = TestHost::new();
    let dir = tempfile::tempdir().unwrap();
    let copy = copy_plugin("test-plugins", "hostile", dir.path());
    let manifest = std::fs::read_to_string(copy.join("plugin.toml")).unwrap();
    std::fs::write(
        copy.join("plugin.toml"),
        manifest.replace("kv = true", "kv = false"),
    )
    .unwrap();
    let p = t.host.load(&copy.join("plugin.toml")).unwrap();
    let err = hostile_call(&t.host, &p, CallContext::default(), "kv:x")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("does not ask for it"), "{err}");
}

#[tokio::test]
async fn progress_reaches_the_sink_tagged_with_the_plugin() {
    let t = TestHost::new();
    let p = t.hostile();
    let (sink, events) = recording_sink();
    let cx = CallContext {
        progress: Some(sink),
        ..CallContext::default()
    };
    let out = hostile_call(&t.host, &p, cx, "progress").await.unwrap();
    assert_eq!(out.stats.progress_events, 3);
    let events = events.lock().unwrap();
    assert_eq!(events.len(), 3);
    assert_eq!(events[0].plugin, "hostile");
    assert_eq!(events[2].message, "step 2");
    assert_eq!(events[2].fraction, Some(1.0));
}
