//! What conditions and templates read: `params.*`, `steps.<name>.*` (`ok`,
//! `failed`, `skipped`, `output`, `summary`, `attempts`, `undo_id`), `run.*`
//! (`id`, `workflow`, `project`, `started`) and `config.*` (the project's
//! `.ralex/config.toml`, where the deploy workflow finds its commands).

use std::path::Path;

use ralex_store::{RunRow, StepRow};
use serde_json::{Map, Value, json};

/// The data of one run.
pub(crate) struct RunData {
    value: Value,
}

impl RunData {
    /// The data of `run` before any step, with `config` from its project.
    pub(crate) fn new(run: &RunRow, project: &Path) -> RunData {
        RunData {
            value: json!({
                "params": run.params,
                "steps": {},
                "run": {
                    "id": run.id,
                    "workflow": run.workflow,
                    "project": run.project,
                    "started": utc(run.started_ms),
                },
                "config": project_config(project),
            }),
        }
    }

    /// The data as conditions read it.
    pub(crate) fn value(&self) -> &Value {
        &self.value
    }

    /// Adds what step `row` did.
    pub(crate) fn record(&mut self, row: &StepRow) {
        let entry = json!({
            "ok": row.state == "ok",
            "failed": row.state == "failed",
            "skipped": row.state == "skipped",
            "state": row.state,
            "output": row.output,
            "summary": row.summary,
            "attempts": row.attempts,
            "undo_id": row.command_id,
        });
        if let Some(steps) = self.value.get_mut("steps").and_then(Value::as_object_mut) {
            steps.insert(row.name.clone(), entry);
        }
    }

    /// Adds the current attempt (`attempt.number`, `attempt.error`).
    pub(crate) fn with_attempt(&self, number: u32, error: &str) -> Value {
        let mut value = self.value.clone();
        if let Some(map) = value.as_object_mut() {
            map.insert("attempt".into(), json!({"number": number, "error": error}));
        }
        value
    }
}

/// The project's `.ralex/config.toml` as JSON (`{}` when missing or broken: the
/// notes checks report a broken file).
fn project_config(project: &Path) -> Value {
    let path = project.join(".ralex/config.toml");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Value::Object(Map::new());
    };
    match toml::from_str::<toml::Value>(&text) {
        Ok(v) => serde_json::to_value(v).unwrap_or_default(),
        Err(e) => {
            tracing::warn!(file = %path.display(), error = %e, "the project config does not parse; workflows see no config");
            Value::Object(Map::new())
        }
    }
}

/// `2026-12-06 02:40 UTC`.
pub(crate) fn utc(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let date = crate::compress::sessions::SessionDate::from_days(secs.div_euclid(86_400));
    let rem = secs.rem_euclid(86_400);
    format!("{date} {:02}:{:02} UTC", rem / 3600, (rem % 3600) / 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_dates() {
        assert_eq!(utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc(1_796_525_100_000), "2026-12-06 02:45 UTC");
        assert_eq!(utc(951_782_400_000), "2000-02-29 00:00 UTC");
    }
}
