//! Rollups maintained on ingest (SPEC ANA-5): the accepted events of a batch summed per
//! rollup row in memory, then added to `usage_hourly` and `usage_hourly_errors` by one
//! upsert each, for every grain, rows in one global order (no deadlocks between
//! batches).
//!
//! A grain is the set of dimensions a row keeps; the others are summed over (and hold
//! the nil uuid or `''`). Every question reads the smallest grain keeping what it
//! filters or groups by (`usage::query`), so an unfiltered 30-day overview reads ~700
//! rows instead of one per (hour, organization, user, server, tool, model).

use std::collections::BTreeMap;

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use super::histogram::{self, BUCKETS, Histogram};
use super::ingest::Accepted;
use crate::db::usage as db;

/// The dimensions a rollup row keeps: a bit set, stored as the `grain` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Grain(pub i16);

impl Grain {
    pub const ORGANIZATION: i16 = 1;
    pub const SERVER: i16 = 2;
    pub const TOOL: i16 = 4;
    pub const MODEL: i16 = 8;
    pub const USER: i16 = 16;

    /// Hourly grains, widest first. Ingestion upserts them in this order, so the rows
    /// every batch hits (the small grains) are locked last, for the shortest time.
    /// The first three are the wide ones (`daily`).
    pub const HOURLY: [Grain; 8] = [
        Grain(Self::ORGANIZATION | Self::SERVER | Self::TOOL | Self::MODEL | Self::USER),
        Grain(Self::ORGANIZATION | Self::USER),
        Grain(Self::ORGANIZATION | Self::SERVER | Self::TOOL | Self::MODEL),
        Grain(Self::SERVER | Self::TOOL),
        Grain(Self::ORGANIZATION),
        Grain(Self::SERVER),
        Grain(Self::MODEL),
        Grain(0),
    ];

    /// The grains summed by sealed UTC day (`usage::days`), widest first: the wide ones,
    /// whose 30 days of hours would be hundreds of thousands of rows. A daily grain is
    /// summed from the smallest hourly grain keeping its dimensions, so it costs
    /// ingestion nothing: users by server, and by server and tool (from the base), exist
    /// only by day. A migration that changes this list must mark every day dirty
    /// (`UPDATE usage_days SET dirty = true`): a day sealed before has no rows of a new
    /// grain.
    pub const DAILY: [Grain; 4] = [
        Grain(Self::ORGANIZATION | Self::SERVER | Self::TOOL | Self::USER),
        Grain(Self::ORGANIZATION | Self::SERVER | Self::USER),
        Grain(Self::ORGANIZATION | Self::USER),
        Grain(Self::ORGANIZATION | Self::SERVER | Self::TOOL | Self::MODEL),
    ];

    /// Grains of errors by type (never by model), widest first.
    pub const ERRORS: [Grain; 6] = [
        Grain(Self::ORGANIZATION | Self::SERVER | Self::TOOL | Self::USER),
        Grain(Self::ORGANIZATION | Self::USER),
        Grain(Self::SERVER | Self::TOOL),
        Grain(Self::ORGANIZATION),
        Grain(Self::SERVER),
        Grain(0),
    ];

    pub fn keeps(self, dims: i16) -> bool {
        self.0 & dims == dims
    }

    /// The smallest of `grains` (listed widest first, the first keeping everything)
    /// that keeps `dims`.
    pub fn smallest(grains: &[Grain], dims: i16) -> Grain {
        grains
            .iter()
            .rev()
            .find(|g| g.keeps(dims))
            .copied()
            .unwrap_or(grains[0])
    }

    /// The daily grain to read whole days of `dims` from, when their hourly grain is a
    /// wide one (a small grain's 30 days of hours are a few thousand rows anyway).
    pub fn daily(dims: i16) -> Option<Grain> {
        let hourly = Self::smallest(&Self::HOURLY, dims);
        if !Self::HOURLY[..3].contains(&hourly) {
            return None;
        }
        Self::DAILY.iter().rev().find(|g| g.keeps(dims)).copied()
    }

    fn id(self, kept: i16, id: Uuid) -> Uuid {
        if self.keeps(kept) { id } else { Uuid::nil() }
    }

    fn text(self, kept: i16, text: &str) -> String {
        if self.keeps(kept) {
            text.to_owned()
        } else {
            String::new()
        }
    }
}

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

/// A row of `usage_hourly` within its grain, in primary-key order: (hour, organization,
/// server, tool, model, user).
pub type Key = (DateTime<Utc>, Uuid, Uuid, String, String, Uuid);
/// A row of `usage_hourly_errors` within its grain: (hour, organization, server, tool,
/// user, error type).
pub type ErrorKey = (DateTime<Utc>, Uuid, Uuid, String, Uuid, String);

/// What a batch adds to each rollup: one map per grain, in [`Grain::HOURLY`] and
/// [`Grain::ERRORS`] order.
#[derive(Debug)]
pub struct Deltas {
    pub hourly: Vec<(Grain, BTreeMap<Key, Totals>)>,
    pub errors: Vec<(Grain, BTreeMap<ErrorKey, i64>)>,
    /// The UTC days and hours the events fall on.
    pub days: Vec<DateTime<Utc>>,
    pub hours: Vec<DateTime<Utc>>,
}

pub fn hour_of(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(TimeDelta::hours(1)).unwrap_or(t)
}

pub fn day_of(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(TimeDelta::days(1)).unwrap_or(t)
}

impl Deltas {
    pub fn of(events: &[&Accepted]) -> Deltas {
        let mut hourly: Vec<_> = Grain::HOURLY.iter().map(|&g| (g, BTreeMap::new())).collect();
        let mut errors: Vec<_> = Grain::ERRORS.iter().map(|&g| (g, BTreeMap::new())).collect();
        let (mut days, mut hours) = (Vec::new(), Vec::new());
        for e in events {
            let hour = hour_of(e.occurred_at);
            days.push(day_of(hour));
            hours.push(hour);
            for (g, rows) in &mut hourly {
                let key = (
                    hour,
                    g.id(Grain::ORGANIZATION, e.organization_id),
                    g.id(Grain::SERVER, e.mcp_server_id),
                    g.text(Grain::TOOL, &e.tool),
                    g.text(Grain::MODEL, &e.model),
                    g.id(Grain::USER, e.hub_user_id),
                );
                rows.entry(key).or_insert_with(Totals::default).add(e);
            }
            if let Some(error_type) = &e.error_type {
                for (g, rows) in &mut errors {
                    let key = (
                        hour,
                        g.id(Grain::ORGANIZATION, e.organization_id),
                        g.id(Grain::SERVER, e.mcp_server_id),
                        g.text(Grain::TOOL, &e.tool),
                        g.id(Grain::USER, e.hub_user_id),
                        error_type.clone(),
                    );
                    *rows.entry(key).or_default() += 1;
                }
            }
        }
        for v in [&mut days, &mut hours] {
            v.sort_unstable();
            v.dedup();
        }
        Deltas {
            hourly,
            errors,
            days,
            hours,
        }
    }
}

/// Adds the events to every rollup. The days and hours they fall on are held (shared)
/// until COMMIT, so a day or a prefix is never sealed halfway through a batch, and a
/// sealed one is marked dirty (`usage::days`).
pub async fn apply(conn: &mut PgConnection, events: &[&Accepted]) -> sqlx::Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    let d = Deltas::of(events);
    db::hold(&mut *conn, &d.days, &d.hours).await?;
    db::upsert_hourly(&mut *conn, &d.hourly).await?;
    // Errors are few: their upsert is short, so their hot rows go last.
    db::upsert_errors(&mut *conn, &d.errors).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_smallest_grain_keeping_what_is_asked() {
        let g = |dims| Grain::smallest(&Grain::HOURLY, dims).0;
        assert_eq!(g(0), 0);
        assert_eq!(g(Grain::ORGANIZATION), 1);
        assert_eq!(g(Grain::SERVER | Grain::TOOL), 6);
        assert_eq!(g(Grain::ORGANIZATION | Grain::SERVER), 15);
        assert_eq!(g(Grain::MODEL), 8);
        assert_eq!(g(Grain::MODEL | Grain::ORGANIZATION), 15);
        assert_eq!(g(Grain::USER), 17);
        assert_eq!(g(Grain::USER | Grain::SERVER), 31);
        assert_eq!(Grain::smallest(&Grain::ERRORS, Grain::ORGANIZATION | Grain::TOOL).0, 23);
        assert!(Grain::HOURLY.iter().all(|g| g.keeps(0)));
        assert_eq!(Grain::daily(0), None);
        assert_eq!(Grain::daily(Grain::SERVER | Grain::TOOL), None);
        assert_eq!(Grain::daily(Grain::USER), Some(Grain(17)));
        assert_eq!(Grain::daily(Grain::MODEL | Grain::ORGANIZATION), Some(Grain(15)));
        assert_eq!(Grain::daily(Grain::MODEL), None);
        assert_eq!(Grain::daily(Grain::USER | Grain::SERVER), Some(Grain(19)));
        assert_eq!(Grain::daily(Grain::USER | Grain::TOOL), Some(Grain(23)));
        assert_eq!(Grain::daily(Grain::USER | Grain::MODEL), None);
        assert!(Grain::ERRORS.iter().all(|g| !g.keeps(Grain::MODEL)));
    }
}
