//! The first-party command parser, run as the real component: every utterance of
//! both labelled sets gives exactly what the natively tested parser gives, so the
//! accuracy reported in docs/COMMAND_PARSER.md is the accuracy of what the kernel runs.

use std::path::Path;

use command_parser::parse;
use ralex_host::CallContext;

use crate::support::*;

fn utterances() -> (Vec<String>, Vec<String>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../plugins/command-parser/testdata");
    let mut says = Vec::new();
    let mut workflows = Vec::new();
    for file in ["utterances.toml", "utterances-heldout.toml"] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let table: toml::Table = text.parse().unwrap();
        if let Some(w) = table.get("workflows").and_then(|w| w.as_array()) {
            workflows = w
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect();
        }
        for case in table["case"].as_array().unwrap() {
            says.push(case["say"].as_str().unwrap().to_string());
        }
    }
    (says, workflows)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_component_agrees_with_the_native_parser_on_every_labelled_utterance() {
    let t = TestHost::new();
    let plugin = t
        .host
        .load(&staged("plugins", "command-parser").join("plugin.toml"))
        .unwrap();
    let (says, workflows) = utterances();
    assert!(says.len() >= 150, "only {} utterances", says.len());
    for say in &says {
        let native = parse::parse(say, &workflows);
        let wasm = t
            .host
            .parse_command(&plugin, CallContext::default(), say, &workflows)
            .await
            .unwrap_or_else(|e| panic!("{say:?}: {e}"))
            .value;
        let intent = &wasm.intent;
        assert_eq!(intent.kind.as_str(), native.kind.as_str(), "{say:?}");
        assert_eq!(intent.risk.as_str(), native.risk.as_str(), "{say:?}");
        assert_eq!(wasm.normalized, native.normalized, "{say:?}");
        assert!(
            (intent.confidence - native.confidence).abs() < 1e-6,
            "{say:?}"
        );
        let targets: Vec<_> = intent
            .targets
            .iter()
            .map(|t| {
                (
                    t.phrase.clone().unwrap_or_default(),
                    t.path.clone(),
                    t.symbol.clone(),
                    t.line,
                )
            })
            .collect();
        let expected: Vec<_> = native
            .targets
            .iter()
            .map(|t| (t.phrase.clone(), t.path.clone(), t.symbol.clone(), t.line))
            .collect();
        assert_eq!(targets, expected, "{say:?}");
        let params: Vec<(String, String)> = intent
            .params
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
            .collect();
        let mut native_params = native.params.clone();
        native_params.sort();
        let mut keys: Vec<&String> = native_params.iter().map(|(k, _)| k).collect();
        keys.dedup();
        assert_eq!(
            keys.len(),
            native_params.len(),
            "{say:?}: parameter keys must be unique: {native_params:?}"
        );
        let mut params = params;
        params.sort();
        assert_eq!(params, native_params, "{say:?}");
    }
}

#[tokio::test]
async fn hostile_transcripts_do_not_break_the_parser() {
    let t = TestHost::new();
    let plugin = t
        .host
        .load(&staged("plugins", "command-parser").join("plugin.toml"))
        .unwrap();
    let huge = "delete ".repeat(20_000);
    let inputs = [
        "",
        "   ",
        "\u{0}\u{1}\u{7f}",
        "🔥🔥🔥 dot py",
        "ſhow ﬁle",
        huge.as_str(),
        "line 99999999999999999999",
    ];
    for input in inputs {
        let out = t
            .host
            .parse_command(&plugin, CallContext::default(), input, &[])
            .await;
        let out = out.unwrap_or_else(|e| panic!("{:?}: {e}", &input[..input.len().min(40)]));
        assert!((0.0..=1.0).contains(&out.value.intent.confidence));
    }
}
