//! Budgets: what may still be spent, reservations for requests in flight, and the
//! refusal (hard budget) or warning (soft budget, or past `warn_at`) before a
//! request is sent.
//!
//! Spending comes from the ledger (settled attempts) plus the reservations of
//! requests in flight, so two concurrent requests cannot both take the last dollar.
//! A check and its reservation happen under one lock. Reservations live in memory:
//! they only matter while a request is in flight; a kernel that dies mid-request
//! loses the reservation together with the request. Free (local) models are never
//! blocked.

use std::collections::HashMap;
use std::sync::Mutex;

use ralex_store::NANO_USD;

use crate::config::BudgetConfig;

/// What has been spent (settled) so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Spent {
    /// Today (UTC), nano-dollars.
    pub day_nusd: i64,
    /// This month, nano-dollars.
    pub month_nusd: i64,
    /// This session, nano-dollars.
    pub session_nusd: i64,
    /// Today's tokens on paid models.
    pub day_tokens: u64,
}

/// Money left in each budget, in USD (none: no such budget).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Remaining {
    /// Left today.
    pub day: Option<f64>,
    /// Left this month.
    pub month: Option<f64>,
    /// Left in the session.
    pub session: Option<f64>,
}

impl Remaining {
    /// The smallest of the budgets left, if any.
    pub fn least(&self) -> Option<f64> {
        [self.day, self.month, self.session]
            .into_iter()
            .flatten()
            .reduce(f64::min)
    }
}

/// Whether a request may be sent.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Send it (warnings say which budget is nearly or, when soft, over spent).
    Allow {
        /// Reservation id, released when the attempt is settled.
        reservation: Option<u64>,
        /// Messages for the user.
        warnings: Vec<String>,
    },
    /// A hard budget would be exceeded.
    Refuse(String),
}

#[derive(Debug, Clone)]
struct Reservation {
    session: String,
    nusd: i64,
    tokens: u64,
}

/// The budgets of `[budgets]` and the reservations in flight.
#[derive(Debug)]
pub struct Budgets {
    config: BudgetConfig,
    reservations: Mutex<(u64, HashMap<u64, Reservation>)>,
}

fn usd(nusd: i64) -> f64 {
    nusd as f64 / NANO_USD as f64
}

fn limit_nusd(usd: Option<f64>) -> Option<i64> {
    usd.map(|u| (u * NANO_USD as f64).round() as i64)
}

impl Budgets {
    /// Budgets from the configuration.
    pub fn new(config: BudgetConfig) -> Budgets {
        Budgets {
            config,
            reservations: Mutex::new((0, HashMap::new())),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &BudgetConfig {
        &self.config
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (u64, HashMap<u64, Reservation>)> {
        self.reservations
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn with_reserved(
        map: &HashMap<u64, Reservation>,
        spent: Spent,
        session: Option<&str>,
    ) -> Spent {
        let mut total = spent;
        for r in map.values() {
            total.day_nusd += r.nusd;
            total.month_nusd += r.nusd;
            total.day_tokens += r.tokens;
            if session.is_some_and(|s| s == r.session) {
                total.session_nusd += r.nusd;
            }
        }
        total
    }

    /// Money left, counting reservations in flight.
    pub fn remaining(&self, spent: Spent, session: Option<&str>) -> Remaining {
        let guard = self.lock();
        let total = Self::with_reserved(&guard.1, spent, session);
        let left = |limit: Option<f64>, used: i64| limit.map(|l| (l - usd(used)).max(0.0));
        Remaining {
            day: left(self.config.day_usd, total.day_nusd),
            month: left(self.config.month_usd, total.month_nusd),
            session: session.and_then(|_| left(self.config.session_usd, total.session_nusd)),
        }
    }

    /// Checks a request estimated at `nusd` and `tokens` against every budget and,
    /// if it may go, reserves it. `spent` is read under the same lock.
    pub fn check_and_reserve(
        &self,
        spent: impl FnOnce() -> Spent,
        session: Option<&str>,
        nusd: i64,
        tokens: u64,
        free: bool,
    ) -> Verdict {
        if free {
            return Verdict::Allow {
                reservation: None,
                warnings: Vec::new(),
            };
        }
        let mut guard = self.lock();
        let total = Self::with_reserved(&guard.1, spent(), session);
        let mut over = Vec::new();
        let mut warnings = Vec::new();
        let mut check = |name: &str, limit: Option<i64>, used: i64, fmt: &dyn Fn(i64) -> String| {
            let Some(limit) = limit else { return };
            let after = used.saturating_add(nusd);
            if after > limit {
                over.push(format!(
                    "{name} budget: {} spent of {}, this request needs about {}",
                    fmt(used),
                    fmt(limit),
                    fmt(nusd)
                ));
            } else if limit > 0 && after as f64 >= limit as f64 * self.config.warn_at {
                warnings.push(format!(
                    "{name} budget nearly used: {} of {} after this request",
                    fmt(after),
                    fmt(limit)
                ));
            }
        };
        let dollars = |n: i64| {
            let d = usd(n);
            if d != 0.0 && d.abs() < 0.01 {
                format!("${d:.6}")
            } else {
                format!("${d:.4}")
            }
        };
        check(
            "daily",
            limit_nusd(self.config.day_usd),
            total.day_nusd,
            &dollars,
        );
        check(
            "monthly",
            limit_nusd(self.config.month_usd),
            total.month_nusd,
            &dollars,
        );
        if session.is_some() {
            check(
                "session",
                limit_nusd(self.config.session_usd),
                total.session_nusd,
                &dollars,
            );
        }
        if let Some(limit) = self.config.day_tokens {
            let after = total.day_tokens.saturating_add(tokens);
            if after > limit {
                over.push(format!(
                    "daily token budget: {} tokens used of {limit}, this request needs about {tokens}",
                    total.day_tokens
                ));
            }
        }
        if !over.is_empty() {
            let message = format!(
                "over budget — {}. Raise [budgets] in ralex.toml, wait for the next period, or use a local model",
                over.join("; ")
            );
            if !self.config.soft {
                return Verdict::Refuse(message);
            }
            warnings.push(message.replace("over budget", "over the soft budget"));
        }
        guard.0 += 1;
        let id = guard.0;
        guard.1.insert(
            id,
            Reservation {
                session: session.unwrap_or_default().to_string(),
                nusd,
                tokens,
            },
        );
        Verdict::Allow {
            reservation: Some(id),
            warnings,
        }
    }

    /// Releases a reservation (the attempt is settled in the ledger, or never sent).
    pub fn release(&self, reservation: Option<u64>) {
        if let Some(id) = reservation {
            self.lock().1.remove(&id);
        }
    }

    /// Reservations in flight (for tests and diagnostics).
    pub fn in_flight(&self) -> usize {
        self.lock().1.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budgets(day: f64, soft: bool) -> Budgets {
        Budgets::new(BudgetConfig {
            day_usd: Some(day),
            session_usd: Some(day / 2.0),
            soft,
            ..BudgetConfig::default()
        })
    }

    const CENT: i64 = NANO_USD / 100;

    #[test]
    fn hard_budget_refuses_before_sending_and_counts_reservations() {
        let b = budgets(0.10, false);
        let spent = || Spent {
            day_nusd: 5 * CENT,
            ..Spent::default()
        };
        let Verdict::Allow { reservation, .. } =
            b.check_and_reserve(spent, None, 4 * CENT, 10, false)
        else {
            panic!("fits");
        };
        // 5 spent + 4 reserved + 2 asked > 10
        let refused = b.check_and_reserve(spent, None, 2 * CENT, 10, false);
        let Verdict::Refuse(message) = refused else {
            panic!("over")
        };
        assert!(message.contains("daily budget"), "{message}");
        assert!(message.contains("$0.0900 spent of $0.1000"), "{message}");
        b.release(reservation);
        assert!(matches!(
            b.check_and_reserve(spent, None, 2 * CENT, 10, false),
            Verdict::Allow { .. }
        ));
    }

    #[test]
    fn free_models_are_never_blocked_and_soft_budgets_warn() {
        let b = budgets(0.01, false);
        let spent = || Spent {
            day_nusd: 100 * CENT,
            ..Spent::default()
        };
        assert!(matches!(
            b.check_and_reserve(spent, None, 0, 1_000_000, true),
            Verdict::Allow {
                reservation: None,
                ..
            }
        ));
        let soft = budgets(0.01, true);
        let Verdict::Allow { warnings, .. } = soft.check_and_reserve(spent, None, CENT, 1, false)
        else {
            panic!("soft allows");
        };
        assert!(
            warnings.iter().any(|w| w.contains("soft budget")),
            "{warnings:?}"
        );
    }

    #[test]
    fn session_budget_and_remaining() {
        let b = budgets(1.0, false);
        let spent = Spent {
            day_nusd: 10 * CENT,
            session_nusd: 45 * CENT,
            ..Spent::default()
        };
        let Verdict::Refuse(message) =
            b.check_and_reserve(|| spent, Some("s"), 10 * CENT, 1, false)
        else {
            panic!("session budget is $0.50");
        };
        assert!(message.contains("session budget"), "{message}");
        let left = b.remaining(spent, Some("s"));
        assert!((left.day.expect("day") - 0.90).abs() < 1e-9);
        assert!((left.session.expect("session") - 0.05).abs() < 1e-9);
        assert_eq!(left.month, None);
        assert!((left.least().expect("least") - 0.05).abs() < 1e-9);
    }

    #[test]
    fn warns_past_the_threshold_and_token_budget_refuses() {
        let b = Budgets::new(BudgetConfig {
            day_usd: Some(1.0),
            day_tokens: Some(1000),
            ..BudgetConfig::default()
        });
        let spent = || Spent {
            day_nusd: 70 * CENT,
            day_tokens: 900,
            ..Spent::default()
        };
        let Verdict::Allow { warnings, .. } =
            b.check_and_reserve(spent, None, 15 * CENT, 50, false)
        else {
            panic!("fits");
        };
        assert!(warnings[0].contains("nearly used"), "{warnings:?}");
        let Verdict::Refuse(message) = b.check_and_reserve(spent, None, CENT, 500, false) else {
            panic!("tokens");
        };
        assert!(message.contains("token budget"), "{message}");
    }
}
