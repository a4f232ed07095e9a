//! Sealing days: the wide grains (`rollup::Grain::DAILY`) summed by UTC day once the
//! day is over, so a 30-day question reads 30 rows per group where it would read 720.
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

use std::time::Duration;

use chrono::Utc;
use sqlx::PgPool;
use tokio::sync::watch;

use super::rollup::day_of;
use crate::db::usage;
use crate::jobs::locks;

/// How often the job looks for days to seal.
const EVERY: Duration = Duration::from_secs(300);

/// What a run of [`seal`] sealed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sealing {
    pub days: usize,
    pub weeks: usize,
}

/// Seals every day before today (UTC) that is unsealed or dirty, then every week that
/// is over and has no valid rows.
pub async fn seal(db: &PgPool) -> sqlx::Result<Sealing> {
    let today = day_of(Utc::now());
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
    Ok(Sealing {
        days: days.len(),
        weeks: weeks.len(),
    })
}

/// Runs [`seal`] now and every five minutes while this instance holds the job's lock,
/// until shutdown.
pub async fn run(db: PgPool, mut shutdown: watch::Receiver<bool>) {
    loop {
        match locks::try_hold(&db, locks::USAGE_DAYS_JOB).await {
            Ok(Some(held)) => {
                match seal(&db).await {
                    Ok(Sealing { days: 0, weeks: 0 }) => {}
                    Ok(Sealing { days, weeks }) => tracing::info!(days, weeks, "usage days and weeks sealed"),
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
