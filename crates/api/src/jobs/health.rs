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

/// Holding the job's advisory lock.
pub struct Leadership {
    conn: PgConnection,
}

impl Leadership {
    /// Whether the lock's connection is still alive (and so the lock held).
    async fn alive(&mut self) -> bool {
        self.conn.ping().await.is_ok()
    }
}

impl HealthJob {
    /// Takes the lock if no other instance holds it.
    pub async fn try_lead(&self) -> sqlx::Result<Option<Leadership>> {
        // Detached: a pooled connection would go back to the pool, lock and all.
        let mut conn = self.db.acquire().await?.detach();
        let got: bool = sqlx::query_scalar!(r#"SELECT pg_try_advisory_lock($1) AS "got!""#, locks::MCP_HEALTH)
            .fetch_one(&mut conn)
            .await?;
        Ok(got.then_some(Leadership { conn }))
    }

    /// Checks every due server once; returns how many were checked.
    pub async fn sweep(&self) -> sqlx::Result<usize> {
        let due = mcp_health::due(&self.db, BATCH).await?;
        let count = due.len();
        futures::stream::iter(due)
            .for_each_concurrent(self.concurrency, |server| async move {
                let outcome = mcp::run(&self.http, &self.sealer, &server).await;
                if let Err(e) = self.store(server.id, outcome).await {
                    tracing::error!(server = %server.name, error = %e, "storing a health check failed");
                }
            })
            .await;
        Ok(count)
    }

    async fn store(&self, server_id: uuid::Uuid, outcome: mcp::check::Outcome) -> sqlx::Result<()> {
        let mut tx = self.db.begin().await?;
        mcp::record(&mut tx, server_id, outcome).await?;
        tx.commit().await
    }

    /// Runs until `shutdown` turns true: waits for the lock, then sweeps every tick.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let mut leadership: Option<Leadership> = None;
        let mut sweeps: u32 = 0;
        loop {
            if *shutdown.borrow() {
                return;
            }
            if let Some(lead) = leadership.as_mut()
                && !lead.alive().await
            {
                tracing::warn!("lost the health job's database connection; its lock is free again");
                leadership = None;
            }
            if leadership.is_none() {
                match self.try_lead().await {
                    Ok(Some(lead)) => {
                        tracing::info!("this instance runs the MCP health checks");
                        leadership = Some(lead);
                    }
                    Ok(None) => {}
                    Err(e) => tracing::warn!(error = %e, "could not ask for the health job's lock"),
                }
            }
            if leadership.is_some() {
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
