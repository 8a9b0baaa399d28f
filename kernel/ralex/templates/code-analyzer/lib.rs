//! `{{name}}`: a code analyzer that reports TODO and FIXME markers.

use ralex_sdk::code_analyzer::exports::ralex::plugin::analyzer::{
    Analysis, AnalyzeRequest, Finding, Guest, Severity,
};
use ralex_sdk::code_analyzer::ralex::plugin::types::Error;
use ralex_sdk::code_analyzer::ralex::plugin::workspace::{self, SearchOptions};

struct Analyzer;

impl Guest for Analyzer {
    fn analyze(request: AnalyzeRequest) -> Result<Analysis, Error> {
        let paths: Vec<String> = request.targets.iter().filter_map(|t| t.path.clone()).collect();
        let mut findings = Vec::new();
        for marker in ["TODO", "FIXME"] {
            let found = workspace::search(
                marker,
                &SearchOptions { regex: false, case_insensitive: false, glob: None, max_results: 500 },
            )?;
            for m in found.into_iter().filter(|m| paths.is_empty() || paths.contains(&m.path)) {
                findings.push(Finding {
                    path: m.path,
                    line: Some(m.line),
                    severity: if marker == "FIXME" { Severity::Warning } else { Severity::Info },
                    rule: marker.to_lowercase(),
                    message: m.text.trim().to_string(),
                });
            }
        }
        Ok(Analysis {
            summary: format!("{} marker{} to look at.", findings.len(), if findings.len() == 1 { "" } else { "s" }),
            findings,
        })
    }
}

ralex_sdk::code_analyzer::export!(Analyzer);
