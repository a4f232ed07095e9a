//! Health checks and hub reports of MCP servers, and the scheduling they drive
//! (SPEC MCP-2).

use chrono::{DateTime, Utc};
use omni_types::mcp::{HealthCheck, HealthSource, HealthStatus};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

/// Longest gap between checks of a server that stays down (the backoff's ceiling).
pub const MAX_BACKOFF_SECONDS: i32 = 3600;

/// What a check needs to know about its server.
pub struct CheckTarget {
    pub id: Uuid,
    pub name: String,
    pub url: String,
    pub auth_header_name: String,
    pub auth_header_sealed: Option<Vec<u8>>,
    pub timeout_ms: i32,
    pub degraded_threshold_ms: i32,
    /// The configuration this check is for: a result for an older one is dropped.
    pub updated_at: DateTime<Utc>,
}

pub async fn target(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<CheckTarget>> {
    sqlx::query_as!(
        CheckTarget,
        r#"SELECT id, name, url AS "url!", auth_header_name, auth_header_sealed, timeout_ms, degraded_threshold_ms,
                  updated_at
           FROM mcp_servers WHERE id = $1 AND transport = 'streamable_http'"#,
        id
    )
    .fetch_optional(db)
    .await
}

/// Claims up to `limit` enabled HTTP servers whose next check is due: their next check
/// moves past the time this one can take, so another sweep (a new leader while the old
/// one finishes) does not check them too. The check's result then sets the real next one.
pub async fn claim_due(db: impl PgExecutor<'_>, limit: i64) -> sqlx::Result<Vec<CheckTarget>> {
    sqlx::query_as!(
        CheckTarget,
        r#"UPDATE mcp_servers s
           SET next_check_at = now() + make_interval(secs => s.timeout_ms / 1000.0 + 60)
           FROM (SELECT id FROM mcp_servers
                 WHERE enabled AND transport = 'streamable_http' AND next_check_at <= now()
                 ORDER BY next_check_at
                 LIMIT $1
                 FOR UPDATE SKIP LOCKED) due
           WHERE s.id = due.id
           RETURNING s.id, s.name, s.url AS "url!", s.auth_header_name, s.auth_header_sealed, s.timeout_ms,
                     s.degraded_threshold_ms, s.updated_at"#,
        limit
    )
    .fetch_all(db)
    .await
}

/// After a check that could not be stored: try again at the server's interval, not at
/// once (a server whose answers cannot be stored must not be checked in a loop).
pub async fn postpone(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE mcp_servers SET next_check_at = now() + make_interval(secs => check_interval_seconds) WHERE id = $1",
        id
    )
    .execute(db)
    .await?;
    Ok(())
}

/// A health record to store.
pub struct NewCheck<'a> {
    pub server_id: Uuid,
    pub source: HealthSource,
    pub checked_at: DateTime<Utc>,
    pub status: HealthStatus,
    pub latency_ms: Option<i32>,
    pub error: Option<&'a str>,
    pub protocol_version: Option<&'a str>,
    pub server_name: Option<&'a str>,
    pub server_version: Option<&'a str>,
    pub tool_count: Option<i32>,
}

/// Stores the record and moves the server to its status (unless it already has a newer
/// one: a late hub report is history, not news). Failures in a row double the wait
/// before the next check, up to [`MAX_BACKOFF_SECONDS`] (never below the server's own
/// interval); any success resets it.
pub async fn record(conn: &mut PgConnection, c: &NewCheck<'_>) -> sqlx::Result<HealthCheck> {
    let id = Uuid::now_v7();
    sqlx::query!(
        "INSERT INTO mcp_health_checks (id, server_id, checked_at, source, status, latency_ms, error,
                                        protocol_version, server_name, server_version, tool_count)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        id,
        c.server_id,
        c.checked_at,
        c.source.as_str(),
        c.status.as_str(),
        c.latency_ms,
        c.error,
        c.protocol_version,
        c.server_name,
        c.server_version,
        c.tool_count
    )
    .execute(&mut *conn)
    .await?;
    let failed = matches!(c.status, HealthStatus::Down | HealthStatus::AuthRequired);
    sqlx::query!(
        "UPDATE mcp_servers SET
             health_status = $2, last_checked_at = $3, last_latency_ms = $4, last_error = $5,
             protocol_version = COALESCE($6, protocol_version),
             server_name = COALESCE($7, server_name),
             server_version = COALESCE($8, server_version),
             consecutive_failures = CASE WHEN $9 THEN consecutive_failures + 1 ELSE 0 END,
             next_check_at = now() + make_interval(secs => CASE
                 WHEN $9 THEN GREATEST(check_interval_seconds,
                                       LEAST($10, check_interval_seconds * power(2, LEAST(consecutive_failures, 10))))
                 ELSE check_interval_seconds END)
         WHERE id = $1 AND (last_checked_at IS NULL OR last_checked_at <= $3)",
        c.server_id,
        c.status.as_str(),
        c.checked_at,
        c.latency_ms,
        c.error,
        c.protocol_version,
        c.server_name,
        c.server_version,
        failed,
        f64::from(MAX_BACKOFF_SECONDS)
    )
    .execute(&mut *conn)
    .await?;
    Ok(HealthCheck {
        id,
        server_id: c.server_id,
        checked_at: c.checked_at,
        source: c.source,
        status: c.status,
        latency_ms: c.latency_ms,
        error: c.error.map(str::to_owned),
        protocol_version: c.protocol_version.map(str::to_owned),
        server_name: c.server_name.map(str::to_owned),
        server_version: c.server_version.map(str::to_owned),
        tool_count: c.tool_count,
    })
}

/// A server's history, newest first, after `(checked_at, id)`.
pub async fn history(
    db: impl PgExecutor<'_>,
    server_id: Uuid,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> sqlx::Result<Vec<HealthCheck>> {
    let (after_time, after_id) = after.unzip();
    let rows = sqlx::query!(
        r#"SELECT id, server_id, checked_at, source, status, latency_ms, error, protocol_version, server_name,
                  server_version, tool_count
           FROM mcp_health_checks
           WHERE server_id = $1 AND ($2::timestamptz IS NULL OR (checked_at, id) < ($2, $3))
           ORDER BY checked_at DESC, id DESC
           LIMIT $4"#,
        server_id,
        after_time,
        after_id,
        limit
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| HealthCheck {
            id: r.id,
            server_id: r.server_id,
            checked_at: r.checked_at,
            source: r.source.parse().unwrap_or(HealthSource::Check),
            status: r.status.parse().unwrap_or(HealthStatus::Unknown),
            latency_ms: r.latency_ms,
            error: r.error,
            protocol_version: r.protocol_version,
            server_name: r.server_name,
            server_version: r.server_version,
            tool_count: r.tool_count,
        })
        .collect())
}

/// Keeps the newest `keep` records of each server (the history is for diagnosis, not
/// an archive). Returns how many were removed.
pub async fn prune(db: impl PgExecutor<'_>, keep: i64) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "DELETE FROM mcp_health_checks h USING (
             SELECT id FROM (
                 SELECT id, row_number() OVER (PARTITION BY server_id ORDER BY checked_at DESC, id DESC) AS n
                 FROM mcp_health_checks) ranked
             WHERE n > $1) old
         WHERE h.id = old.id",
        keep
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}
