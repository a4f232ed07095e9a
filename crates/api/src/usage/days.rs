//! Sealing days: the wide grains (`rollup::Grain::DAILY`) summed by UTC day once the
//! day is over, so a 30-day question reads 30 rows per group where it would read 720.
//! With the day, its cuts (`usage_cuts`): its first 6, 12 and 18 hours, so an edge
//! inside a past day costs a cut plus or minus at most three hours. They are valid
//! exactly while the day is.
//!
//! `usage_days` lists the sealed days. Ingestion holds each day it adds to (a shared
//! advisory lock until COMMIT) and marks a sealed day dirty; sealing holds the day
//! exclusively, so it sums either before a batch or after it, never half of one. A
//! question reads clean sealed days from `usage_daily` and every other hour from
//! `usage_hourly`, in one snapshot (`usage::query`). A dirty day is sealed again on the
//! next run.
//!
//! Weeks (ISO, from Monday 00:00 UTC) are sealed the same way from the daily rows once
//! they are over, into `usage_weekly`. A week's rows hold everything while each of its
//! seven days is sealed, clean and sealed no later than the week (`usage_weeks`); a
//! question checks that in its snapshot, so a late event, which marks its day dirty,
//! needs nothing more. Only this job seals, one instance at a time, so a week never
//! sums a day being sealed again.
//!
//! Today is summed too, as far as its hours are over (its prefix, `usage_prefix`), so
//! a range ending now reads one row per group for them instead of one per hour.
//! Ingestion holds each hour it adds to (shared) and marks a prefix holding that hour
//! dirty; extending the prefix holds only the hours it adds, so batches of the current
//! hour never wait for it.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use tokio::sync::watch;

use super::rollup::{day_of, hour_of};
use crate::db::usage;
use crate::jobs::locks;

/// How often the job looks for days to seal.
const EVERY: Duration = Duration::from_secs(300);
/// How long after an hour ends it is added to today's prefix: events a few seconds
/// late (a hub flushing its last batch) land before, and need not dirty it.
const PREFIX_GRACE: chrono::TimeDelta = chrono::TimeDelta::minutes(2);

/// What a run of [`seal`] sealed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sealing {
    pub days: usize,
    pub weeks: usize,
    /// Whether today's prefix was extended or summed anew.
    pub prefix: bool,
}

/// Seals every day before today (UTC) that is unsealed or dirty, then every week that
/// is over and has no valid rows, then today's hours that are over.
pub async fn seal(db: &PgPool) -> sqlx::Result<Sealing> {
    let now = Utc::now();
    let today = day_of(now);
    let days = usage::days_to_seal(db, today).await?;
    for &day in &days {
        let mut tx = usage::begin_rollup_write(db).await?;
        usage::seal_day(&mut tx, day).await?;
        tx.commit().await?;
    }
    let weeks = usage::weeks_to_seal(db, today).await?;
    for &week in &weeks {
        let mut tx = usage::begin_rollup_write(db).await?;
        usage::seal_week(&mut tx, week).await?;
        tx.commit().await?;
    }
    let through = hour_of(now - PREFIX_GRACE);
    let prefix = through > today && seal_prefix(db, today, through).await?;
    Ok(Sealing {
        days: days.len(),
        weeks: weeks.len(),
        prefix,
    })
}

/// Makes the prefix of `day` hold its hours before `through`: what [`seal`] does for
/// today, for any day and end.
pub async fn seal_prefix(db: &PgPool, day: DateTime<Utc>, through: DateTime<Utc>) -> sqlx::Result<bool> {
    let mut tx = usage::begin_rollup_write(db).await?;
    let wrote = usage::seal_prefix(&mut tx, day, through).await?;
    tx.commit().await?;
    Ok(wrote)
}

/// Runs [`seal`] now and every five minutes while this instance holds the job's lock,
/// until shutdown.
pub async fn run(db: PgPool, mut shutdown: watch::Receiver<bool>) {
    loop {
        match locks::try_hold(&db, locks::USAGE_DAYS_JOB).await {
            Ok(Some(held)) => {
                match seal(&db).await {
                    Ok(Sealing { days: 0, weeks: 0, .. }) => {}
                    Ok(Sealing { days, weeks, .. }) => tracing::info!(days, weeks, "usage days and weeks sealed"),
                    Err(e) => tracing::error!(error = %e, "sealing usage days failed"),
                }
                if let Err(e) = held.release().await {
                    tracing::warn!(error = %e, "releasing the day-sealing job's lock failed");
                }
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "the day-sealing job could not take its lock"),
        }
        tokio::select! {
            _ = tokio::time::sleep(EVERY) => {}
            _ = shutdown.changed() => {}
        }
        if *shutdown.borrow() {
            return;
        }
    }
}
