//! Durable workflow runs: a run row (the workflow's text as it began, its
//! parameters, state, start snapshot, cost) and one row per step reached
//! (state, attempts, output, summary, the undo id of its change).
//!
//! Owns: the queries of `workflow_runs` / `workflow_steps`. The engine writes a
//! step as `running` before it starts and its result before the next one
//! starts, so after a crash the rows say exactly where the run stopped.
//!
//! Must never: lose a finished step's result, or change a finished run.

use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;

use crate::Store;
use crate::error::StoreError;

/// A run as it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRun<'a> {
    /// Its id.
    pub id: &'a str,
    /// The workflow's name.
    pub workflow: &'a str,
    /// Where the workflow came from (a path, or `built-in:<name>`).
    pub source: &'a str,
    /// The workflow's text.
    pub definition: &'a str,
    /// Its parameters, as JSON.
    pub params: &'a str,
    /// The project root.
    pub project: &'a str,
    /// The session.
    pub session: &'a str,
    /// Who started it.
    pub actor: &'a str,
    /// Milliseconds since the Unix epoch.
    pub started_ms: i64,
}

/// A recorded run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunRow {
    /// Id.
    pub id: String,
    /// Workflow name.
    pub workflow: String,
    /// Where the workflow came from.
    pub source: String,
    /// The workflow's text as the run began.
    #[serde(skip)]
    pub definition: String,
    /// Parameters (JSON).
    pub params: serde_json::Value,
    /// Project root.
    pub project: String,
    /// Session.
    pub session: String,
    /// Who started it.
    pub actor: String,
    /// `running`, `waiting` (for a confirmation), `completed`, `failed`,
    /// `rolled_back`, `interrupted`, `cancelled`.
    pub state: String,
    /// The last word on it, to read aloud.
    pub message: String,
    /// The snapshot of the work tree as the run began.
    pub snapshot_start: Option<String>,
    /// The project's root in the review worktree of a transactional run.
    pub worktree: Option<String>,
    /// The snapshot of a transactional run's result.
    pub snapshot_end: Option<String>,
    /// A transactional run's changes: `pending` review, `applied`, `discarded`,
    /// or `none` (it changed nothing).
    pub review: Option<String>,
    /// Cost so far, nano-dollars.
    pub cost_nusd: i64,
    /// Start.
    pub started_ms: i64,
    /// Last change.
    pub updated_ms: i64,
    /// End, once ended.
    pub finished_ms: Option<i64>,
}

impl RunRow {
    /// It has ended and will not change again.
    pub fn finished(&self) -> bool {
        !matches!(self.state.as_str(), "running" | "waiting")
    }
}

/// A recorded step.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepRow {
    /// Position in the workflow (0-based).
    pub index: i64,
    /// Name.
    pub name: String,
    /// Action kind (`agent`, `test`, …).
    pub kind: String,
    /// `running`, `ok`, `failed`, `skipped`, `waiting`, `interrupted`.
    pub state: String,
    /// Attempts made.
    pub attempts: i64,
    /// Output passed to later steps (JSON).
    pub output: serde_json::Value,
    /// One sentence.
    pub summary: String,
    /// The undo id of its change, if it changed files.
    pub command_id: Option<String>,
    /// Cost, nano-dollars.
    pub cost_nusd: i64,
    /// Start of its first attempt.
    pub started_ms: i64,
    /// End, once ended.
    pub finished_ms: Option<i64>,
}

/// How a step ended.
#[derive(Debug, Clone, PartialEq)]
pub struct StepResult<'a> {
    /// `ok`, `failed`, `skipped`, `waiting`, `interrupted`.
    pub state: &'a str,
    /// Output (JSON).
    pub output: &'a str,
    /// One sentence.
    pub summary: &'a str,
    /// The undo id of its change.
    pub command_id: Option<&'a str>,
    /// Cost, nano-dollars.
    pub cost_nusd: i64,
    /// Milliseconds since the Unix epoch.
    pub finished_ms: i64,
}

const RUN_COLUMNS: &str = "id, workflow, source, definition, params, project, session, actor, state, \
     message, snapshot_start, worktree, cost_nusd, started_ms, updated_ms, finished_ms, snapshot_end, review";

fn run_row(r: &Row<'_>) -> rusqlite::Result<RunRow> {
    let params: String = r.get(4)?;
    Ok(RunRow {
        id: r.get(0)?,
        workflow: r.get(1)?,
        source: r.get(2)?,
        definition: r.get(3)?,
        params: serde_json::from_str(&params).unwrap_or_default(),
        project: r.get(5)?,
        session: r.get(6)?,
        actor: r.get(7)?,
        state: r.get(8)?,
        message: r.get(9)?,
        snapshot_start: r.get(10)?,
        worktree: r.get(11)?,
        cost_nusd: r.get(12)?,
        started_ms: r.get(13)?,
        updated_ms: r.get(14)?,
        finished_ms: r.get(15)?,
        snapshot_end: r.get(16)?,
        review: r.get(17)?,
    })
}

fn step_row(r: &Row<'_>) -> rusqlite::Result<StepRow> {
    let output: String = r.get(6)?;
    Ok(StepRow {
        index: r.get(0)?,
        name: r.get(1)?,
        kind: r.get(2)?,
        state: r.get(3)?,
        attempts: r.get(4)?,
        summary: r.get(5)?,
        output: serde_json::from_str(&output).unwrap_or_default(),
        command_id: r.get(7)?,
        cost_nusd: r.get(8)?,
        started_ms: r.get(9)?,
        finished_ms: r.get(10)?,
    })
}

fn unknown(id: &str) -> StoreError {
    StoreError::UnknownRun { id: id.to_owned() }
}

impl Store {
    /// Records a run as `running`.
    pub fn run_begin(&self, run: &NewRun<'_>) -> Result<(), StoreError> {
        self.lock()
            .execute(
                "INSERT INTO workflow_runs (id, workflow, source, definition, params, project,
                     session, actor, state, started_ms, updated_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'running', ?9, ?9)",
                params![
                    run.id,
                    run.workflow,
                    run.source,
                    run.definition,
                    run.params,
                    run.project,
                    run.session,
                    run.actor,
                    run.started_ms
                ],
            )
            .map_err(StoreError::sqlite("recording a workflow run"))?;
        Ok(())
    }

    /// Records the run's start snapshot and worktree (transactional runs).
    pub fn run_set_start(
        &self,
        id: &str,
        snapshot: Option<&str>,
        worktree: Option<&str>,
        at_ms: i64,
    ) -> Result<(), StoreError> {
        self.run_update(
            "UPDATE workflow_runs SET snapshot_start = ?2, worktree = ?3, updated_ms = ?4 WHERE id = ?1",
            params![id, snapshot, worktree, at_ms],
            id,
        )
    }

    /// Sets the run's state and message; `finished` ends it. A finished run is
    /// never changed again (the call then fails with [`StoreError::RunFinished`]).
    pub fn run_set_state(
        &self,
        id: &str,
        state: &str,
        message: &str,
        finished: bool,
        at_ms: i64,
    ) -> Result<(), StoreError> {
        let changed = self
            .lock()
            .execute(
                "UPDATE workflow_runs SET state = ?2, message = ?3, updated_ms = ?4,
                        finished_ms = CASE WHEN ?5 THEN ?4 ELSE NULL END
                  WHERE id = ?1 AND state IN ('running', 'waiting')",
                params![id, state, message, at_ms, finished],
            )
            .map_err(StoreError::sqlite("updating a workflow run"))?;
        if changed == 0 {
            return match self.run(id)? {
                None => Err(unknown(id)),
                Some(row) => Err(StoreError::RunFinished {
                    id: id.to_owned(),
                    state: row.state,
                }),
            };
        }
        Ok(())
    }

    /// Records a transactional run's result snapshot and its review state.
    pub fn run_set_review(
        &self,
        id: &str,
        snapshot_end: Option<&str>,
        review: &str,
        at_ms: i64,
    ) -> Result<(), StoreError> {
        self.run_update(
            "UPDATE workflow_runs SET snapshot_end = COALESCE(?2, snapshot_end), review = ?3,
                    updated_ms = ?4 WHERE id = ?1",
            params![id, snapshot_end, review, at_ms],
            id,
        )
    }

    /// Adds `nusd` to the run's cost.
    pub fn run_add_cost(&self, id: &str, nusd: i64) -> Result<(), StoreError> {
        self.run_update(
            "UPDATE workflow_runs SET cost_nusd = cost_nusd + ?2 WHERE id = ?1",
            params![id, nusd],
            id,
        )
    }

    /// Records that step `index` starts (or starts another attempt).
    pub fn run_step_start(
        &self,
        run: &str,
        index: usize,
        name: &str,
        kind: &str,
        at_ms: i64,
    ) -> Result<(), StoreError> {
        let conn = self.lock();
        conn.execute(
            "INSERT INTO workflow_steps (run, idx, name, kind, state, attempts, started_ms)
             VALUES (?1, ?2, ?3, ?4, 'running', 1, ?5)
             ON CONFLICT (run, idx) DO UPDATE SET state = 'running', attempts = attempts + 1,
                 finished_ms = NULL",
            params![run, index as i64, name, kind, at_ms],
        )
        .map_err(StoreError::sqlite("recording a workflow step"))?;
        conn.execute(
            "UPDATE workflow_runs SET updated_ms = ?2 WHERE id = ?1",
            params![run, at_ms],
        )
        .map_err(StoreError::sqlite("recording a workflow step"))?;
        Ok(())
    }

    /// Records how step `index` ended (or that it was skipped: a skipped step
    /// gets a row too, so the log shows every step reached).
    pub fn run_step_finish(
        &self,
        run: &str,
        index: usize,
        name: &str,
        kind: &str,
        result: &StepResult<'_>,
    ) -> Result<(), StoreError> {
        self.lock()
            .execute(
                "INSERT INTO workflow_steps (run, idx, name, kind, state, attempts, output, summary,
                     command_id, cost_nusd, started_ms, finished_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, ?7, ?8, ?9, ?10, ?10)
                 ON CONFLICT (run, idx) DO UPDATE SET state = excluded.state,
                     output = excluded.output, summary = excluded.summary,
                     command_id = COALESCE(excluded.command_id, command_id),
                     cost_nusd = cost_nusd + excluded.cost_nusd,
                     finished_ms = excluded.finished_ms",
                params![
                    run,
                    index as i64,
                    name,
                    kind,
                    result.state,
                    result.output,
                    result.summary,
                    result.command_id,
                    result.cost_nusd,
                    result.finished_ms
                ],
            )
            .map_err(StoreError::sqlite("recording a workflow step's result"))?;
        Ok(())
    }

    /// The run with this id.
    pub fn run(&self, id: &str) -> Result<Option<RunRow>, StoreError> {
        self.lock()
            .query_row(
                &format!("SELECT {RUN_COLUMNS} FROM workflow_runs WHERE id = ?1"),
                params![id],
                run_row,
            )
            .optional()
            .map_err(StoreError::sqlite("reading a workflow run"))
    }

    /// The steps a run reached, in order.
    pub fn run_steps(&self, id: &str) -> Result<Vec<StepRow>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(
                "SELECT idx, name, kind, state, attempts, summary, output, command_id, cost_nusd,
                        started_ms, finished_ms
                   FROM workflow_steps WHERE run = ?1 ORDER BY idx",
            )
            .map_err(StoreError::sqlite("reading workflow steps"))?;
        stmt.query_map(params![id], step_row)
            .and_then(Iterator::collect)
            .map_err(StoreError::sqlite("reading workflow steps"))
    }

    /// The latest `limit` runs, newest first, of `project` if given.
    pub fn runs(&self, project: Option<&str>, limit: usize) -> Result<Vec<RunRow>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT {RUN_COLUMNS} FROM workflow_runs
                  WHERE ?1 IS NULL OR project = ?1
                  ORDER BY started_ms DESC, id DESC LIMIT ?2"
            ))
            .map_err(StoreError::sqlite("listing workflow runs"))?;
        stmt.query_map(params![project, limit as i64], run_row)
            .and_then(Iterator::collect)
            .map_err(StoreError::sqlite("listing workflow runs"))
    }

    /// Runs that were `running` (the kernel stopped during them), oldest first.
    pub fn runs_unfinished(&self) -> Result<Vec<RunRow>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT {RUN_COLUMNS} FROM workflow_runs WHERE state = 'running' ORDER BY started_ms"
            ))
            .map_err(StoreError::sqlite("listing unfinished workflow runs"))?;
        stmt.query_map([], run_row)
            .and_then(Iterator::collect)
            .map_err(StoreError::sqlite("listing unfinished workflow runs"))
    }

    fn run_update(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        id: &str,
    ) -> Result<(), StoreError> {
        let changed = self
            .lock()
            .execute(sql, params)
            .map_err(StoreError::sqlite("updating a workflow run"))?;
        if changed == 0 {
            return Err(unknown(id));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn begin(store: &Store, id: &str, at: i64) {
        store
            .run_begin(&NewRun {
                id,
                workflow: "bugfix",
                source: "built-in:bugfix",
                definition: "name: bugfix",
                params: r#"{"bug":"x"}"#,
                project: "/p",
                session: "s",
                actor: "user:cli",
                started_ms: at,
            })
            .unwrap();
    }

    fn result(state: &str) -> StepResult<'_> {
        StepResult {
            state,
            output: r#"{"passed":true}"#,
            summary: "done",
            command_id: None,
            cost_nusd: 5,
            finished_ms: 20,
        }
    }

    #[test]
    fn steps_are_recorded_in_order_with_attempts() {
        let store = Store::open_in_memory().unwrap();
        begin(&store, "r1", 10);
        store.run_step_start("r1", 0, "tests", "test", 11).unwrap();
        store
            .run_step_finish("r1", 0, "tests", "test", &result("failed"))
            .unwrap();
        store.run_step_start("r1", 0, "tests", "test", 12).unwrap();
        store
            .run_step_finish("r1", 0, "tests", "test", &result("ok"))
            .unwrap();
        store
            .run_step_finish("r1", 1, "fix", "agent", &result("skipped"))
            .unwrap();
        let steps = store.run_steps("r1").unwrap();
        assert_eq!(steps.len(), 2);
        assert_eq!(
            (
                steps[0].state.as_str(),
                steps[0].attempts,
                steps[0].cost_nusd
            ),
            ("ok", 2, 10)
        );
        assert_eq!(steps[0].output, serde_json::json!({"passed": true}));
        assert_eq!(steps[1].state, "skipped");
        assert_eq!(store.runs_unfinished().unwrap().len(), 1);
    }

    #[test]
    fn a_finished_run_stays_finished() {
        let store = Store::open_in_memory().unwrap();
        begin(&store, "r1", 10);
        begin(&store, "r2", 11);
        store
            .run_set_state("r1", "waiting", "confirm?", false, 12)
            .unwrap();
        store
            .run_set_state("r1", "completed", "done", true, 13)
            .unwrap();
        let e = store
            .run_set_state("r1", "failed", "no", true, 14)
            .unwrap_err();
        assert!(e.to_string().contains("already ended (completed)"), "{e}");
        let e = store
            .run_set_state("nope", "failed", "no", true, 14)
            .unwrap_err();
        assert!(e.to_string().contains("no workflow run `nope`"), "{e}");
        let row = store.run("r1").unwrap().unwrap();
        assert!(row.finished());
        assert_eq!(row.finished_ms, Some(13));
        let ids: Vec<String> = store
            .runs(Some("/p"), 10)
            .unwrap()
            .into_iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(ids, ["r2", "r1"]);
        assert!(store.runs(Some("/other"), 10).unwrap().is_empty());
        assert_eq!(store.runs_unfinished().unwrap().len(), 1);
    }
}
