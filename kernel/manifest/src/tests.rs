use std::path::Path;

use super::*;

const GOOD: &str = r#"
[plugin]
name = "code-analyzer"
version = "0.1.0"
world = "ralex:plugin/code-analyzer@0.1.0"
component = "code_analyzer.wasm"
publisher = "ralex"
description = "finds things"
sha256 = "0000000000000000000000000000000000000000000000000000000000000000"

[permissions]
workspace = { read = ["**"], write = [] }
http = { hosts = [] }
model = false
exec = ["cargo test"]
kv = true

[limits]
memory_mb = 64
timeout_ms = 2000
"#;

fn parse_str(text: &str) -> Result<Manifest, ManifestError> {
    parse(text, Path::new("plugins/x/plugin.toml"))
}

#[test]
fn a_good_manifest_parses() {
    let m = parse_str(GOOD).unwrap();
    assert_eq!(m.plugin.name, "code-analyzer");
    assert_eq!(m.plugin.world.world, "code-analyzer");
    assert_eq!(m.plugin.world.package, "ralex:plugin");
    assert_eq!(m.plugin.world.version, "0.1.0");
    assert_eq!(
        m.plugin.world.to_string(),
        "ralex:plugin/code-analyzer@0.1.0"
    );
    assert_eq!(m.permissions.workspace.read, vec!["**"]);
    assert_eq!(m.permissions.exec, vec!["cargo test"]);
    assert!(m.permissions.kv);
    assert!(!m.permissions.model);
    assert_eq!(m.limits.memory_mb, 64);
}

#[test]
fn permissions_and_limits_default_to_nothing_and_sane_limits() {
    let text = r#"
[plugin]
name = "p"
version = "1.2.3"
world = "ralex:plugin/command-parser@0.1.0"
component = "p.wasm"
publisher = "me"
"#;
    let m = parse_str(text).unwrap();
    assert_eq!(m.permissions, Permissions::default());
    assert_eq!(m.limits, Limits::default());
    assert_eq!(m.plugin.sha256, None);
}

fn invalid(text: &str) -> ManifestError {
    parse_str(text).expect_err("manifest should be refused")
}

fn replace(from: &str, to: &str) -> String {
    assert!(GOOD.contains(from), "{from}");
    GOOD.replace(from, to)
}

#[test]
fn errors_name_file_line_and_field() {
    let cases = [
        (
            replace("name = \"code-analyzer\"", "name = \"Code_Analyzer\""),
            "plugin.name",
            3,
            "kebab-case",
        ),
        (
            replace("version = \"0.1.0\"", "version = \"one\""),
            "plugin.version",
            4,
            "0.1.0",
        ),
        (
            replace(
                "world = \"ralex:plugin/code-analyzer@0.1.0\"",
                "world = \"code-analyzer\"",
            ),
            "plugin.world",
            5,
            "namespace:package/world@version",
        ),
        (
            replace(
                "world = \"ralex:plugin/code-analyzer@0.1.0\"",
                "world = \"ralex:plugin/code-analyzer\"",
            ),
            "plugin.world",
            5,
            "no version",
        ),
        (
            replace(
                "component = \"code_analyzer.wasm\"",
                "component = \"../evil.wasm\"",
            ),
            "plugin.component",
            6,
            "no folders",
        ),
        (
            replace(
                "component = \"code_analyzer.wasm\"",
                "component = \"code_analyzer.so\"",
            ),
            "plugin.component",
            6,
            ".wasm",
        ),
        (
            replace("publisher = \"ralex\"", "publisher = \"  \""),
            "plugin.publisher",
            7,
            "empty",
        ),
        (
            replace(
                "sha256 = \"0000000000000000000000000000000000000000000000000000000000000000\"",
                "sha256 = \"abc\"",
            ),
            "plugin.sha256",
            9,
            "64 lowercase hex",
        ),
        (
            replace("read = [\"**\"]", "read = [\"../**\"]"),
            "permissions.workspace.read",
            12,
            "relative",
        ),
        (
            replace("read = [\"**\"]", "read = [\"/etc/**\"]"),
            "permissions.workspace.read",
            12,
            "relative",
        ),
        (
            replace("hosts = []", "hosts = [\"https://x.com/path\"]"),
            "permissions.http.hosts",
            13,
            "host",
        ),
        (
            replace("exec = [\"cargo test\"]", "exec = [\"\"]"),
            "permissions.exec",
            15,
            "program",
        ),
        (
            replace("memory_mb = 64", "memory_mb = 0"),
            "limits.memory_mb",
            19,
            "1 to 4096",
        ),
        (
            replace("memory_mb = 64", "memory_mb = 100000"),
            "limits.memory_mb",
            19,
            "1 to 4096",
        ),
        (
            replace("timeout_ms = 2000", "timeout_ms = -5"),
            "limits.timeout_ms",
            20,
            "milliseconds",
        ),
    ];
    for (text, field, line, fragment) in cases {
        let err = invalid(&text);
        assert_eq!(err.field(), Some(field), "{err}");
        assert_eq!(err.line(), Some(line), "{err}");
        let msg = err.to_string();
        assert!(
            msg.starts_with(&format!("plugins/x/plugin.toml:{line}:")),
            "{msg}"
        );
        assert!(msg.contains(fragment), "{msg} should mention {fragment}");
    }
}

#[test]
fn unknown_fields_and_bad_types_are_syntax_errors_with_a_location() {
    let err = invalid(&replace("kv = true", "kv = true\nnetwork = true"));
    let msg = err.to_string();
    assert!(
        matches!(err, ManifestError::Syntax { line: Some(17), .. }),
        "{msg}"
    );
    assert!(msg.contains("network"), "{msg}");

    let err = invalid(&replace("model = false", "model = \"yes\""));
    assert!(
        matches!(err, ManifestError::Syntax { line: Some(14), .. }),
        "{err}"
    );

    let err = invalid("[plugin]\nname = \"x\"\n");
    assert!(err.to_string().contains("missing field"), "{err}");

    let err = invalid("this is not toml");
    assert!(
        matches!(err, ManifestError::Syntax { line: Some(1), .. }),
        "{err}"
    );
}

#[test]
fn a_missing_file_says_which() {
    let err = load(Path::new("/nonexistent/plugin.toml")).unwrap_err();
    assert!(
        err.to_string().contains("/nonexistent/plugin.toml"),
        "{err}"
    );
}

#[test]
fn sha256_hex_is_lowercase_hex() {
    let h = sha256_hex(b"abc");
    assert_eq!(
        h,
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

#[test]
fn field_validators() {
    use crate::fields::*;
    assert!(is_kebab("a") && is_kebab("code-analyzer2"));
    assert!(
        !is_kebab("") && !is_kebab("-a") && !is_kebab("a-") && !is_kebab("a--b") && !is_kebab("A")
    );
    assert!(is_semver("0.1.0") && is_semver("10.20.30-beta.1"));
    assert!(!is_semver("0.1") && !is_semver("a.b.c") && !is_semver("1.2.3-"));
    assert!(
        is_component_file("x.wasm")
            && !is_component_file(".wasm")
            && !is_component_file("a/x.wasm")
    );
}
