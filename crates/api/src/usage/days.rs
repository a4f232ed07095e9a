//! Sealing days: the wide grains (`rollup::Grain::DAILY`) summed by UTC day once the
//! day is over, so a 30-day question reads 30 rows per group where it would read 720.
//!
//! `usage_days` lists the sealed days. Ingestion holds each day it adds to (a shared
//! advisory lock until COMMIT) and marks a sealed day dirty; sealing holds the day
//! exclusively, so it sums either before a batch or after it, never half of one. A
//! question reads clean sealed days from `usage_daily` and every other hour from
//! `usage_hourly`, in one snapshot (`usage::query`). A dirty day is sealed again on the
//! next run.

use std::time::Duration;

use chrono::Utc;
use sqlx::PgPool;
use tokio::sync::watch;

use super::rollup::day_of;
use crate::db::usage;
use crate::jobs::locks;

/// How often the job looks for days to seal.
const EVERY: Duration = Duration::from_secs(300);

/// Seals every day before today (UTC) that is unsealed or dirty; returns how many.
pub async fn seal(db: &PgPool) -> sqlx::Result<usize> {
    let days = usage::days_to_seal(db, day_of(Utc::now())).await?;
    for &day in &days {
        let mut tx = usage::begin_rollup_write(db).await?;
        usage::seal_day(&mut tx, day).await?;
        tx.commit().await?;
    }
    Ok(days.len())
}

/// Runs [`seal`] now and every five minutes while this instance holds the job's lock,
/// until shutdown.
pub async fn run(db: PgPool, mut shutdown: watch::Receiver<bool>) {
    loop {
        match locks::try_hold(&db, locks::USAGE_DAYS_JOB).await {
            Ok(Some(held)) => {
                match seal(&db).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(days = n, "usage days sealed"),
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
