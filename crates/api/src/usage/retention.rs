//! Raw usage events older than the retention go, in batches, on the one instance that
//! holds the job's advisory lock; rollups stay (SPEC ANA-5).

use std::time::Duration;

use chrono::Utc;
use sqlx::PgPool;
use tokio::sync::watch;

use crate::db::usage;
use crate::jobs::locks;

/// Rows deleted per statement: short transactions, no long locks.
const BATCH: i64 = 10_000;
/// How often the job looks for old events.
const EVERY: Duration = Duration::from_secs(600);

/// Raw events are kept this much longer than ingestion accepts them, so no event can be
/// purged while a resend of it could still be accepted (clock skew between instances,
/// an ingest that checked the age just before a purge).
const MARGIN_DAYS: i64 = 1;

/// Deletes every raw event older than `retention_days` (plus a day's margin); returns
/// how many went.
pub async fn purge(db: &PgPool, retention_days: u32) -> sqlx::Result<u64> {
    let before = Utc::now() - chrono::Duration::days(i64::from(retention_days) + MARGIN_DAYS);
    let mut total = 0;
    loop {
        let deleted = usage::delete_old_events(db, before, BATCH).await?;
        total += deleted;
        if deleted < BATCH as u64 {
            return Ok(total);
        }
    }
}

/// Runs [`purge`] every ten minutes while this instance holds the lock, until shutdown.
pub async fn run(db: PgPool, retention_days: u32, mut shutdown: watch::Receiver<bool>) {
    loop {
        match locks::try_hold(&db, locks::USAGE_RETENTION).await {
            Ok(Some(held)) => {
                match purge(&db, retention_days).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(deleted = n, retention_days, "old usage events deleted"),
                    Err(e) => tracing::error!(error = %e, "deleting old usage events failed"),
                }
                if let Err(e) = held.release().await {
                    tracing::warn!(error = %e, "releasing the retention job's lock failed");
                }
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "the retention job could not take its lock"),
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
