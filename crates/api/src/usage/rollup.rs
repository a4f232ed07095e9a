//! Rollups maintained on ingest (SPEC ANA-5): the accepted events of a batch summed per
//! rollup row in memory, then added to `usage_hourly`, `usage_daily`,
//! `usage_hourly_servers` and `usage_hourly_errors` by one upsert each, rows in key order.

use std::collections::BTreeMap;

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use super::histogram::{self, BUCKETS, Histogram};
use super::ingest::Accepted;
use crate::db::usage as db;

/// The sums one rollup row holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Totals {
    pub calls: i64,
    pub errors: i64,
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub cached_tokens: i64,
    pub cost_micros: i64,
    pub latency_ms_sum: i64,
    pub latency: Histogram,
}

impl Default for Totals {
    fn default() -> Self {
        Totals {
            calls: 0,
            errors: 0,
            input_tokens: 0,
            output_tokens: 0,
            cached_tokens: 0,
            cost_micros: 0,
            latency_ms_sum: 0,
            latency: [0; BUCKETS],
        }
    }
}

impl Totals {
    fn add(&mut self, e: &Accepted) {
        self.calls += 1;
        self.errors += i64::from(e.error_type.is_some());
        self.input_tokens += e.input_tokens;
        self.output_tokens += e.output_tokens;
        self.cached_tokens += e.cached_tokens;
        self.cost_micros += e.cost_micros;
        self.latency_ms_sum += i64::from(e.latency_ms);
        self.latency[histogram::bucket(e.latency_ms.into())] += 1;
    }
}

/// A row of `usage_hourly` / `usage_daily`: (time, org, user, server, tool, model).
pub type FullKey = (DateTime<Utc>, Uuid, Uuid, Uuid, String, String);
/// A row of `usage_hourly_servers`: (hour, org, server, tool, model).
pub type ServerKey = (DateTime<Utc>, Uuid, Uuid, String, String);
/// A row of `usage_hourly_errors`: (hour, org, user, server, tool, error type).
pub type ErrorKey = (DateTime<Utc>, Uuid, Uuid, Uuid, String, String);

/// What a batch adds to each rollup.
#[derive(Debug, Default)]
pub struct Deltas {
    pub hourly: BTreeMap<FullKey, Totals>,
    pub daily: BTreeMap<FullKey, Totals>,
    pub servers: BTreeMap<ServerKey, Totals>,
    pub errors: BTreeMap<ErrorKey, i64>,
}

pub fn hour_of(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(TimeDelta::hours(1)).unwrap_or(t)
}

pub fn day_of(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(TimeDelta::days(1)).unwrap_or(t)
}

impl Deltas {
    pub fn of(events: &[&Accepted]) -> Deltas {
        let mut d = Deltas::default();
        for e in events {
            let (hour, day) = (hour_of(e.occurred_at), day_of(e.occurred_at));
            let full = |t| {
                (
                    t,
                    e.organization_id,
                    e.hub_user_id,
                    e.mcp_server_id,
                    e.tool.clone(),
                    e.model.clone(),
                )
            };
            d.hourly.entry(full(hour)).or_default().add(e);
            d.daily.entry(full(day)).or_default().add(e);
            d.servers
                .entry((
                    hour,
                    e.organization_id,
                    e.mcp_server_id,
                    e.tool.clone(),
                    e.model.clone(),
                ))
                .or_default()
                .add(e);
            if let Some(t) = &e.error_type {
                *d.errors
                    .entry((
                        hour,
                        e.organization_id,
                        e.hub_user_id,
                        e.mcp_server_id,
                        e.tool.clone(),
                        t.clone(),
                    ))
                    .or_default() += 1;
            }
        }
        d
    }
}

/// Adds the events to every rollup.
pub async fn apply(conn: &mut PgConnection, events: &[&Accepted]) -> sqlx::Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    let d = Deltas::of(events);
    // The widest rollup first, the most contended (fewest rows, hit by every batch)
    // last: its row locks are held for the shortest time before COMMIT.
    db::upsert_full(&mut *conn, db::FullRollup::Hourly, &d.hourly).await?;
    db::upsert_errors(&mut *conn, &d.errors).await?;
    db::upsert_full(&mut *conn, db::FullRollup::Daily, &d.daily).await?;
    db::upsert_servers(&mut *conn, &d.servers).await
}
