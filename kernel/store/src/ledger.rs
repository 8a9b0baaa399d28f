//! The model cost ledger: one row per model attempt that reached a provider.
//!
//! Owns: recording an attempt's tokens and cost together with its audit entry (one
//! transaction, so the money and the trail never disagree), the totals budgets are
//! checked against (today, this month, a session — UTC days), and the grouped
//! reports behind `ralex costs`.
//!
//! Money is stored in nano-dollars ([`NANO_USD`] per dollar) as integers: totals are
//! exact sums of the rows, never a drifting float.
//!
//! Must never: record a cost the kernel did not compute itself (callers pass the
//! cost from the catalogue's prices and the provider's token counts).

use rusqlite::{OptionalExtension, TransactionBehavior, params};

use crate::Store;
use crate::audit::{AuditRecord, append_in};
use crate::error::StoreError;

/// Nano-dollars in one US dollar.
pub const NANO_USD: i64 = 1_000_000_000;

/// One attempt to record.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerRecord<'a> {
    /// When it happened, in milliseconds since the Unix epoch.
    pub at_ms: i64,
    /// The session it belongs to ("" when none).
    pub session: &'a str,
    /// The plugin (or kernel part) that asked.
    pub plugin: &'a str,
    /// Catalogue name of the model.
    pub model: &'a str,
    /// Provider name.
    pub provider: &'a str,
    /// "ok", or what went wrong ("truncated", "rate-limited", ...).
    pub outcome: &'a str,
    /// Prompt tokens.
    pub input_tokens: u64,
    /// Completion tokens.
    pub output_tokens: u64,
    /// What it cost, in nano-dollars.
    pub cost_nusd: i64,
    /// What was reserved for it beforehand, in nano-dollars.
    pub estimated_nusd: i64,
}

/// A recorded attempt.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerEntry {
    /// Row id.
    pub id: i64,
    /// Milliseconds since the Unix epoch.
    pub at_ms: i64,
    /// UTC date, `YYYY-MM-DD`.
    pub day: String,
    /// Session ("" when none).
    pub session: String,
    /// Who asked.
    pub plugin: String,
    /// Model.
    pub model: String,
    /// Provider.
    pub provider: String,
    /// "ok" or the failure.
    pub outcome: String,
    /// Prompt tokens.
    pub input_tokens: u64,
    /// Completion tokens.
    pub output_tokens: u64,
    /// Cost in nano-dollars.
    pub cost_nusd: i64,
    /// The reservation, in nano-dollars.
    pub estimated_nusd: i64,
}

/// Sums over a set of attempts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LedgerTotals {
    /// Attempts.
    pub requests: u64,
    /// Prompt tokens.
    pub input_tokens: u64,
    /// Completion tokens.
    pub output_tokens: u64,
    /// Cost in nano-dollars.
    pub cost_nusd: i64,
}

/// What budgets are checked against.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LedgerSpent {
    /// Today (UTC).
    pub day: LedgerTotals,
    /// This month (UTC).
    pub month: LedgerTotals,
    /// The session (zero when none was asked for).
    pub session: LedgerTotals,
    /// Today's tokens on paid models (rows with a reservation above zero).
    pub day_paid_tokens: u64,
}

/// How `ralex costs` groups the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerGroup {
    /// One row per model.
    Model,
    /// One row per UTC day.
    Day,
    /// One row per plugin.
    Plugin,
}

/// One group of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerRow {
    /// The model, day or plugin.
    pub key: String,
    /// Its sums.
    pub totals: LedgerTotals,
}

fn totals_of(row: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<LedgerTotals> {
    Ok(LedgerTotals {
        requests: row.get::<_, i64>(first)?.max(0) as u64,
        input_tokens: row.get::<_, i64>(first + 1)?.max(0) as u64,
        output_tokens: row.get::<_, i64>(first + 2)?.max(0) as u64,
        cost_nusd: row.get(first + 3)?,
    })
}

const SUMS: &str = "COUNT(*), COALESCE(SUM(input_tokens), 0), COALESCE(SUM(output_tokens), 0), COALESCE(SUM(cost_nusd), 0)";

impl Store {
    /// Records one attempt and, in the same transaction, its audit entry.
    pub fn ledger_record(
        &self,
        record: &LedgerRecord<'_>,
        audit: Option<&AuditRecord<'_>>,
    ) -> Result<i64, StoreError> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::sqlite("starting a ledger entry"))?;
        tx.execute(
            "INSERT INTO model_ledger (at_ms, day, session, plugin, model, provider, outcome,
                                       input_tokens, output_tokens, cost_nusd, estimated_nusd)
             VALUES (?1, date(?1 / 1000, 'unixepoch'), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                record.at_ms,
                record.session,
                record.plugin,
                record.model,
                record.provider,
                record.outcome,
                i64::try_from(record.input_tokens).unwrap_or(i64::MAX),
                i64::try_from(record.output_tokens).unwrap_or(i64::MAX),
                record.cost_nusd,
                record.estimated_nusd,
            ],
        )
        .map_err(StoreError::sqlite(
            "recording a model attempt in the ledger",
        ))?;
        let id = tx.last_insert_rowid();
        if let Some(audit) = audit {
            append_in(&tx, audit)?;
        }
        tx.commit()
            .map_err(StoreError::sqlite("committing a ledger entry"))?;
        Ok(id)
    }

    /// Totals of the UTC day and month containing `now_ms`, and of `session`
    /// (when given): what budgets are checked against.
    pub fn ledger_spent(
        &self,
        now_ms: i64,
        session: Option<&str>,
    ) -> Result<LedgerSpent, StoreError> {
        let conn = self.lock();
        let mut statement = conn
            .prepare_cached(
                "SELECT requests, input_tokens, output_tokens, cost_nusd, paid_tokens
                   FROM model_spend WHERE period = ?1",
            )
            .map_err(StoreError::sqlite("preparing a budget query"))?;
        let mut read = |period: String| -> Result<(LedgerTotals, u64), StoreError> {
            statement
                .query_row([period], |row| {
                    Ok((totals_of(row, 0)?, row.get::<_, i64>(4)?.max(0) as u64))
                })
                .optional()
                .map(Option::unwrap_or_default)
                .map_err(StoreError::sqlite("reading the running totals"))
        };
        let day_name: String = conn
            .query_row("SELECT date(?1 / 1000, 'unixepoch')", [now_ms], |row| {
                row.get(0)
            })
            .map_err(StoreError::sqlite("computing the UTC day"))?;
        let (day, day_paid_tokens) = read(format!("day:{day_name}"))?;
        let (month, _) = read(format!("month:{}", &day_name[..7.min(day_name.len())]))?;
        let session = match session {
            Some(session) if !session.is_empty() => read(format!("session:{session}"))?.0,
            _ => LedgerTotals::default(),
        };
        Ok(LedgerSpent {
            day,
            month,
            session,
            day_paid_tokens,
        })
    }

    /// Totals since `since_ms` (everything when none).
    pub fn ledger_totals(&self, since_ms: Option<i64>) -> Result<LedgerTotals, StoreError> {
        let conn = self.lock();
        conn.query_row(
            &format!("SELECT {SUMS} FROM model_ledger WHERE at_ms >= ?1"),
            [since_ms.unwrap_or(i64::MIN)],
            |row| totals_of(row, 0),
        )
        .map_err(StoreError::sqlite("summing the cost ledger"))
    }

    /// Totals since `since_ms`, grouped; the most expensive group first (days:
    /// newest first).
    pub fn ledger_report(
        &self,
        since_ms: Option<i64>,
        by: LedgerGroup,
    ) -> Result<Vec<LedgerRow>, StoreError> {
        let (column, order) = match by {
            LedgerGroup::Model => ("model", "5 DESC, key"),
            LedgerGroup::Day => ("day", "key DESC"),
            LedgerGroup::Plugin => ("plugin", "5 DESC, key"),
        };
        let conn = self.lock();
        let mut statement = conn
            .prepare(&format!(
                "SELECT {column} AS key, {SUMS} FROM model_ledger WHERE at_ms >= ?1
                 GROUP BY {column} ORDER BY {order}"
            ))
            .map_err(StoreError::sqlite("preparing a cost report"))?;
        let rows = statement
            .query_map([since_ms.unwrap_or(i64::MIN)], |row| {
                Ok(LedgerRow {
                    key: row.get(0)?,
                    totals: totals_of(row, 1)?,
                })
            })
            .map_err(StoreError::sqlite("reading a cost report"))?;
        rows.collect::<Result<_, _>>()
            .map_err(StoreError::sqlite("reading a cost report"))
    }

    /// The newest `limit` attempts, newest first.
    pub fn ledger_entries(&self, limit: u32) -> Result<Vec<LedgerEntry>, StoreError> {
        let conn = self.lock();
        let mut statement = conn
            .prepare(
                "SELECT id, at_ms, day, session, plugin, model, provider, outcome,
                        input_tokens, output_tokens, cost_nusd, estimated_nusd
                   FROM model_ledger ORDER BY id DESC LIMIT ?1",
            )
            .map_err(StoreError::sqlite("preparing the ledger listing"))?;
        let rows = statement
            .query_map([limit], |row| {
                Ok(LedgerEntry {
                    id: row.get(0)?,
                    at_ms: row.get(1)?,
                    day: row.get(2)?,
                    session: row.get(3)?,
                    plugin: row.get(4)?,
                    model: row.get(5)?,
                    provider: row.get(6)?,
                    outcome: row.get(7)?,
                    input_tokens: row.get::<_, i64>(8)?.max(0) as u64,
                    output_tokens: row.get::<_, i64>(9)?.max(0) as u64,
                    cost_nusd: row.get(10)?,
                    estimated_nusd: row.get(11)?,
                })
            })
            .map_err(StoreError::sqlite("reading the ledger"))?;
        rows.collect::<Result<_, _>>()
            .map_err(StoreError::sqlite("reading the ledger"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY_MS: i64 = 86_400_000;
    // 2026-11-25T12:00:00Z
    const NOON: i64 = 1_795_608_000_000;

    fn record(at_ms: i64, session: &str, model: &str, cost: i64) -> LedgerRecord<'static> {
        LedgerRecord {
            at_ms,
            session: Box::leak(session.to_string().into_boxed_str()),
            plugin: "agent",
            model: Box::leak(model.to_string().into_boxed_str()),
            provider: "p",
            outcome: "ok",
            input_tokens: 100,
            output_tokens: 20,
            cost_nusd: cost,
            estimated_nusd: cost * 2,
        }
    }

    #[test]
    fn spent_splits_day_month_and_session_in_utc() {
        let store = Store::open_in_memory().expect("store");
        store
            .ledger_record(&record(NOON, "s1", "a", 5), None)
            .expect("today");
        store
            .ledger_record(&record(NOON - DAY_MS, "s1", "a", 7), None)
            .expect("yesterday");
        store
            .ledger_record(&record(NOON - 40 * DAY_MS, "s2", "b", 11), None)
            .expect("last month");
        let spent = store.ledger_spent(NOON, Some("s1")).expect("spent");
        assert_eq!(spent.day.cost_nusd, 5);
        assert_eq!(spent.month.cost_nusd, 12);
        assert_eq!(spent.session.cost_nusd, 12);
        assert_eq!(spent.session.requests, 2);
        assert_eq!(spent.day.input_tokens, 100);
        assert_eq!(spent.day_paid_tokens, 120);
        let none = store.ledger_spent(NOON, None).expect("no session");
        assert_eq!(none.session, LedgerTotals::default());
    }

    #[test]
    fn record_and_audit_commit_together() {
        let store = Store::open_in_memory().expect("store");
        let audit = AuditRecord {
            actor: "plugin:agent",
            action: "model:usage",
            resource: "model `a`",
            decision: "ok",
            rule: "",
            args_digest: "",
            detail: "100 + 20 tokens",
        };
        store
            .ledger_record(&record(NOON, "", "a", 3), Some(&audit))
            .expect("record");
        let entries = store.audit_entries(&Default::default()).expect("audit");
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].action, "model:usage");
        assert!(store.audit_verify().expect("verify").intact());
    }

    #[test]
    fn reports_group_and_sum_exactly() {
        let store = Store::open_in_memory().expect("store");
        for (at, model, cost) in [(NOON, "a", 1), (NOON, "b", 10), (NOON - DAY_MS, "a", 2)] {
            store
                .ledger_record(&record(at, "", model, cost), None)
                .expect("record");
        }
        let by_model = store
            .ledger_report(None, LedgerGroup::Model)
            .expect("report");
        assert_eq!(by_model[0].key, "b");
        assert_eq!(by_model[1].key, "a");
        assert_eq!(by_model[1].totals.cost_nusd, 3);
        assert_eq!(by_model[1].totals.requests, 2);
        let by_day = store.ledger_report(None, LedgerGroup::Day).expect("days");
        assert_eq!(by_day[0].key, "2026-11-25");
        assert_eq!(by_day[0].totals.cost_nusd, 11);
        let since = store
            .ledger_report(Some(NOON), LedgerGroup::Plugin)
            .expect("since");
        assert_eq!(since[0].totals.cost_nusd, 11);
        assert_eq!(store.ledger_totals(None).expect("all").cost_nusd, 13);
        let entries = store.ledger_entries(10).expect("entries");
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[0].estimated_nusd, 4);
    }
}
