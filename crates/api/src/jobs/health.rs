//! The MCP health job (SPEC MCP-2): checks every enabled Streamable HTTP server on its
//! interval, a bounded number at a time, with backoff for servers that stay down
//! (scheduled in `db::mcp_health::record`). Only the instance holding the advisory lock
//! runs it; the lock lives on a connection of its own, so it goes when that connection
//! goes, and another instance takes over.

use std::time::Duration;

use futures::StreamExt;
use sqlx::postgres::PgConnection;
use sqlx::{Connection, PgPool};
use tokio::sync::watch;

use super::locks;
use crate::crypto::Sealer;
use crate::db::mcp_health;
use crate::mcp;

/// How often the leader looks for due servers.
const TICK: Duration = Duration::from_secs(2);
/// Due servers taken per sweep.
const BATCH: i64 = 1000;
/// Health records kept per server.
const HISTORY_KEPT: i64 = 1000;
/// Sweeps between history prunes (about ten minutes).
const PRUNE_EVERY: u32 = 300;

#[derive(Clone)]
pub struct HealthJob {
    pub db: PgPool,
    pub sealer: Sealer,
    pub http: reqwest::Client,
    pub concurrency: usize,
}

/// Holding the job's advisory lock (until dropped: the lock goes with its connection).
pub struct Leadership {
    _conn: PgConnection,
}

impl HealthJob {
    /// Takes the lock if no other instance holds it.
    pub async fn try_lead(&self) -> sqlx::Result<Option<Leadership>> {
        // Detached: a pooled connection would go back to the pool, lock and all.
        let mut conn = self.db.acquire().await?.detach();
        Ok(try_lock(&mut conn).await?.then_some(Leadership { _conn: conn }))
    }

    /// Checks every due server once; returns how many were checked.
    pub async fn sweep(&self) -> sqlx::Result<usize> {
        let due = mcp_health::claim_due(&self.db, BATCH).await?;
        let count = due.len();
        futures::stream::iter(due)
            .for_each_concurrent(self.concurrency, |server| async move {
                let outcome = mcp::run(&self.http, &self.sealer, &server).await;
                if let Err(e) = self.store(&server, outcome).await {
                    tracing::error!(server = %server.name, error = %e, "storing a health check failed");
                    if let Err(e) = mcp_health::postpone(&self.db, server.id).await {
                        tracing::error!(server = %server.name, error = %e, "postponing a health check failed");
                    }
                }
            })
            .await;
        Ok(count)
    }

    async fn store(&self, server: &mcp_health::CheckTarget, outcome: mcp::check::Outcome) -> sqlx::Result<()> {
        let mut tx = self.db.begin().await?;
        // A deleted or just-edited server: nothing to store (an edit schedules its own check).
        mcp::record(&mut tx, server, outcome).await?;
        tx.commit().await
    }

    /// Runs until `shutdown` turns true: asks for the lock every tick on a connection of
    /// its own (kept while waiting, so waiting costs no reconnects), then sweeps while
    /// it holds it.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let mut conn: Option<PgConnection> = None;
        let mut leading = false;
        let mut sweeps: u32 = 0;
        loop {
            if *shutdown.borrow() {
                return;
            }
            if conn.is_none() {
                leading = false;
                match self.db.acquire().await {
                    Ok(pooled) => conn = Some(pooled.detach()),
                    Err(e) => tracing::warn!(error = %e, "the health job could not get a database connection"),
                }
            }
            if let Some(c) = conn.as_mut() {
                let held = if leading {
                    c.ping().await.map(|()| true)
                } else {
                    try_lock(c).await
                };
                match held {
                    Ok(true) if !leading => {
                        tracing::info!("this instance runs the MCP health checks");
                        leading = true;
                    }
                    Ok(_) => {}
                    Err(e) => {
                        if leading {
                            tracing::warn!(error = %e, "lost the health job's connection; its lock is free again");
                        }
                        conn = None;
                        leading = false;
                    }
                }
            }
            if leading {
                let started = std::time::Instant::now();
                match self.sweep().await {
                    Ok(0) => {}
                    Ok(n) => tracing::debug!(checked = n, ms = started.elapsed().as_millis() as u64, "health sweep"),
                    Err(e) => tracing::error!(error = %e, "health sweep failed"),
                }
                sweeps = sweeps.wrapping_add(1);
                if sweeps.is_multiple_of(PRUNE_EVERY)
                    && let Err(e) = mcp_health::prune(&self.db, HISTORY_KEPT).await
                {
                    tracing::warn!(error = %e, "pruning health history failed");
                }
            }
            tokio::select! {
                _ = tokio::time::sleep(TICK) => {}
                _ = shutdown.changed() => {}
            }
        }
    }
}

async fn try_lock(conn: &mut PgConnection) -> sqlx::Result<bool> {
    sqlx::query_scalar!(r#"SELECT pg_try_advisory_lock($1) AS "got!""#, locks::MCP_HEALTH)
        .fetch_one(conn)
        .await
}
