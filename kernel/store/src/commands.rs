//! Command history: one row per command that got past understanding.
//!
//! Owns: recording a command when it starts ([`Store::command_begin`]), the
//! snapshot taken before its first write, how it ended, and marking it undone; and
//! the queries behind "undo that" (the latest undoable command of a session or a
//! project) and a session's history.
//!
//! A command left `running` (the kernel was killed) keeps its `before` snapshot
//! and stays undoable; [`CommandRow::interrupted`] says so.
//!
//! Must never: lose the `before` snapshot of a command that wrote — it is
//! recorded (and committed) before the first write happens.

use rusqlite::{OptionalExtension, Row, params};

use crate::Store;
use crate::error::StoreError;

/// A command as it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCommand<'a> {
    /// Its id (also its undo id).
    pub id: &'a str,
    /// The session it belongs to.
    pub session: &'a str,
    /// The project root, as an absolute path.
    pub project: &'a str,
    /// Who asked (`user:cli`, `token:phone`).
    pub actor: &'a str,
    /// What was said, cleaned.
    pub transcript: &'a str,
    /// The intent, as JSON.
    pub intent: &'a str,
    /// Milliseconds since the Unix epoch.
    pub started_ms: i64,
}

/// How a command ended.
#[derive(Debug, Clone, PartialEq)]
pub struct FinishedCommand<'a> {
    /// `completed`, `failed`, `denied` or `needs_confirmation`.
    pub state: &'a str,
    /// The speakable response.
    pub response: &'a str,
    /// The model that did the work, if any.
    pub model: Option<&'a str>,
    /// What it cost, in nano-dollars.
    pub cost_nusd: i64,
    /// The snapshot after its last write, if it wrote.
    pub snapshot_after: Option<&'a str>,
    /// Paths it changed.
    pub changed: &'a [String],
    /// Milliseconds since the Unix epoch.
    pub finished_ms: i64,
}

/// A recorded command.
#[derive(Debug, Clone, PartialEq)]
pub struct CommandRow {
    /// Id (the undo id).
    pub id: String,
    /// Session.
    pub session: String,
    /// Project root.
    pub project: String,
    /// Who asked.
    pub actor: String,
    /// What was said.
    pub transcript: String,
    /// The intent, as JSON.
    pub intent: String,
    /// `running`, `completed`, `failed`, `denied`, `needs_confirmation`.
    pub state: String,
    /// The speakable response.
    pub response: String,
    /// The model used.
    pub model: Option<String>,
    /// Cost in nano-dollars.
    pub cost_nusd: i64,
    /// Snapshot before the first write.
    pub snapshot_before: Option<String>,
    /// Snapshot after the last write.
    pub snapshot_after: Option<String>,
    /// Paths changed.
    pub changed: Vec<String>,
    /// When it was undone, if it was.
    pub undone_ms: Option<i64>,
    /// When it started.
    pub started_ms: i64,
    /// When it ended (none while running or when the kernel died).
    pub finished_ms: Option<i64>,
}

impl CommandRow {
    /// It started writing and never finished: the kernel stopped mid-command.
    pub fn interrupted(&self) -> bool {
        self.state == "running" && self.snapshot_before.is_some()
    }

    /// It changed (or may have changed) files and has not been undone.
    pub fn undoable(&self) -> bool {
        self.snapshot_before.is_some() && self.undone_ms.is_none()
    }
}

const COLUMNS: &str = "id, session, project, actor, transcript, intent, state, response, model, \
     cost_nusd, snapshot_before, snapshot_after, changed, undone_ms, started_ms, finished_ms";

fn row(r: &Row<'_>) -> rusqlite::Result<CommandRow> {
    let changed: String = r.get(12)?;
    Ok(CommandRow {
        id: r.get(0)?,
        session: r.get(1)?,
        project: r.get(2)?,
        actor: r.get(3)?,
        transcript: r.get(4)?,
        intent: r.get(5)?,
        state: r.get(6)?,
        response: r.get(7)?,
        model: r.get(8)?,
        cost_nusd: r.get(9)?,
        snapshot_before: r.get(10)?,
        snapshot_after: r.get(11)?,
        changed: serde_json::from_str(&changed).unwrap_or_default(),
        undone_ms: r.get(13)?,
        started_ms: r.get(14)?,
        finished_ms: r.get(15)?,
    })
}

impl Store {
    /// Records a command as `running`.
    pub fn command_begin(&self, command: &NewCommand<'_>) -> Result<(), StoreError> {
        self.lock()
            .execute(
                "INSERT INTO commands (id, session, project, actor, transcript, intent, state, started_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'running', ?7)",
                params![
                    command.id,
                    command.session,
                    command.project,
                    command.actor,
                    command.transcript,
                    command.intent,
                    command.started_ms
                ],
            )
            .map_err(StoreError::sqlite("recording a command"))?;
        Ok(())
    }

    /// Records the snapshot taken before the command's first write.
    pub fn command_snapshot_before(&self, id: &str, snapshot: &str) -> Result<(), StoreError> {
        self.update_one(
            "UPDATE commands SET snapshot_before = ?2 WHERE id = ?1",
            params![id, snapshot],
            id,
        )
    }

    /// Forgets the `before` snapshot of a command that, in the end, changed
    /// nothing (its first write failed after the snapshot was taken).
    pub fn command_forget_snapshot(&self, id: &str) -> Result<(), StoreError> {
        self.update_one(
            "UPDATE commands SET snapshot_before = NULL WHERE id = ?1",
            params![id],
            id,
        )
    }

    /// Records how the command ended.
    pub fn command_finish(&self, id: &str, done: &FinishedCommand<'_>) -> Result<(), StoreError> {
        let changed = serde_json::to_string(done.changed).unwrap_or_else(|_| "[]".into());
        self.update_one(
            "UPDATE commands SET state = ?2, response = ?3, model = ?4, cost_nusd = ?5,
                    snapshot_after = ?6, changed = ?7, finished_ms = ?8 WHERE id = ?1",
            params![
                id,
                done.state,
                done.response,
                done.model,
                done.cost_nusd,
                done.snapshot_after,
                changed,
                done.finished_ms
            ],
            id,
        )
    }

    /// Marks the command undone at `at_ms`.
    pub fn command_mark_undone(&self, id: &str, at_ms: i64) -> Result<(), StoreError> {
        self.update_one(
            "UPDATE commands SET undone_ms = ?2 WHERE id = ?1",
            params![id, at_ms],
            id,
        )
    }

    /// The command with this id.
    pub fn command(&self, id: &str) -> Result<Option<CommandRow>, StoreError> {
        self.lock()
            .query_row(
                &format!("SELECT {COLUMNS} FROM commands WHERE id = ?1"),
                params![id],
                row,
            )
            .optional()
            .map_err(StoreError::sqlite("reading a command"))
    }

    /// The latest command of `project` that changed files and was not undone;
    /// only the session's own commands when `session` is given.
    pub fn command_last_undoable(
        &self,
        project: &str,
        session: Option<&str>,
    ) -> Result<Option<CommandRow>, StoreError> {
        self.lock()
            .query_row(
                &format!(
                    "SELECT {COLUMNS} FROM commands
                      WHERE project = ?1 AND (?2 IS NULL OR session = ?2)
                        AND snapshot_before IS NOT NULL AND undone_ms IS NULL
                      ORDER BY started_ms DESC, id DESC LIMIT 1"
                ),
                params![project, session],
                row,
            )
            .optional()
            .map_err(StoreError::sqlite("finding the last undoable command"))
    }

    /// The session's commands, newest first, at most `limit`.
    pub fn commands_of_session(
        &self,
        session: &str,
        limit: u32,
    ) -> Result<Vec<CommandRow>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare(&format!(
                "SELECT {COLUMNS} FROM commands WHERE session = ?1
                  ORDER BY started_ms DESC, id DESC LIMIT ?2"
            ))
            .map_err(StoreError::sqlite("reading a session's commands"))?;
        let rows = stmt
            .query_map(params![session, limit], row)
            .map_err(StoreError::sqlite("reading a session's commands"))?;
        rows.collect::<Result<Vec<_>, _>>()
            .map_err(StoreError::sqlite("reading a session's commands"))
    }

    fn update_one(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        id: &str,
    ) -> Result<(), StoreError> {
        let changed = self
            .lock()
            .execute(sql, params)
            .map_err(StoreError::sqlite("updating a command"))?;
        if changed == 0 {
            return Err(StoreError::UnknownCommand { id: id.to_owned() });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn begin(store: &Store, id: &str, session: &str, at: i64) {
        store
            .command_begin(&NewCommand {
                id,
                session,
                project: "/p",
                actor: "user:cli",
                transcript: "add a docstring",
                intent: "{}",
                started_ms: at,
            })
            .expect("begin");
    }

    #[test]
    fn a_command_that_wrote_is_undoable_until_undone() {
        let store = Store::open_in_memory().expect("store");
        begin(&store, "c1", "s", 1);
        assert_eq!(store.command_last_undoable("/p", None).expect("q"), None);
        store.command_snapshot_before("c1", "snap-1").expect("snap");
        let running = store.command("c1").expect("q").expect("row");
        assert!(running.interrupted() && running.undoable());
        let changed = vec!["a.py".to_string()];
        store
            .command_finish(
                "c1",
                &FinishedCommand {
                    state: "completed",
                    response: "done",
                    model: Some("m"),
                    cost_nusd: 5,
                    snapshot_after: Some("snap-2"),
                    changed: &changed,
                    finished_ms: 2,
                },
            )
            .expect("finish");
        let last = store
            .command_last_undoable("/p", Some("s"))
            .expect("q")
            .expect("row");
        assert_eq!(last.changed, changed);
        assert!(!last.interrupted());
        assert_eq!(
            store.command_last_undoable("/p", Some("other")).expect("q"),
            None
        );
        store.command_mark_undone("c1", 3).expect("undo");
        assert_eq!(store.command_last_undoable("/p", None).expect("q"), None);
        begin(&store, "c2", "s", 4);
        store.command_snapshot_before("c2", "snap-3").expect("snap");
        store.command_forget_snapshot("c2").expect("forget");
        assert_eq!(store.command_last_undoable("/p", None).expect("q"), None);
    }

    #[test]
    fn the_newest_undoable_command_wins_and_history_is_newest_first() {
        let store = Store::open_in_memory().expect("store");
        for (id, at) in [("a", 1), ("b", 2), ("c", 3)] {
            begin(&store, id, "s", at);
        }
        store.command_snapshot_before("a", "x").expect("snap");
        store.command_snapshot_before("b", "y").expect("snap");
        let last = store.command_last_undoable("/p", None).expect("q");
        assert_eq!(last.map(|c| c.id), Some("b".to_string()));
        let history: Vec<String> = store
            .commands_of_session("s", 10)
            .expect("q")
            .into_iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(history, ["c", "b", "a"]);
    }

    #[test]
    fn updating_an_unknown_command_is_an_error() {
        let store = Store::open_in_memory().expect("store");
        assert!(matches!(
            store.command_snapshot_before("nope", "x"),
            Err(StoreError::UnknownCommand { .. })
        ));
    }
}
