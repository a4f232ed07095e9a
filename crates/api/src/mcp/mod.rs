//! MCP servers at work: the health check itself ([`check`]), the tool diff ([`tools`]),
//! and [`record`], which stores what a check found in the caller's transaction.

pub mod check;
pub mod tools;

use std::time::Duration;

use chrono::Utc;
use omni_types::mcp::{HealthCheck, HealthSource, ToolChange};
use secrecy::SecretString;
use sqlx::PgConnection;

use crate::crypto::Sealer;
use crate::db::mcp_health::{self, CheckTarget, NewCheck};
use crate::db::mcp_tools::{self, NewChange};
use check::{Outcome, Target};

/// The check's view of a stored server: the auth header opened with the key.
pub fn target(server: &CheckTarget, sealer: &Sealer) -> Result<Target, String> {
    let auth_header = match &server.auth_header_sealed {
        None => None,
        Some(sealed) => {
            let plain = sealer
                .open(sealed)
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .ok_or("the stored auth header cannot be decrypted: was OMNI_ENCRYPTION_KEY changed?")?;
            Some((server.auth_header_name.clone(), SecretString::from(plain)))
        }
    };
    Ok(Target {
        url: server.url.clone(),
        auth_header,
        timeout: Duration::from_millis(u64::try_from(server.timeout_ms).unwrap_or(10_000)),
        degraded_threshold: Duration::from_millis(u64::try_from(server.degraded_threshold_ms).unwrap_or(2_000)),
    })
}

/// Runs a check of `server` (outside any transaction: it waits on the network).
pub async fn run(http: &reqwest::Client, sealer: &Sealer, server: &CheckTarget) -> Outcome {
    match target(server, sealer) {
        Ok(target) => check::run(http, &target).await,
        Err(why) => Outcome::down(why),
    }
}

/// What became of a check's outcome.
#[derive(Debug)]
pub enum Recorded {
    Stored(HealthCheck, Vec<ToolChange>),
    /// The server was deleted while it was being checked.
    Gone,
    /// Its settings changed while it was being checked: the result is for an endpoint (or
    /// key, or timeout) it no longer has, and is dropped. The change schedules a new check.
    Changed,
}

/// Stores a check's outcome: the health record, the server's status and schedule, and,
/// when the tool list was read, the tools and their changes.
pub async fn record(conn: &mut PgConnection, server: &CheckTarget, outcome: Outcome) -> sqlx::Result<Recorded> {
    let server_id = server.id;
    let Some(row) = sqlx::query!(
        "SELECT require_tool_approval, updated_at FROM mcp_servers WHERE id = $1 FOR UPDATE",
        server_id
    )
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(Recorded::Gone);
    };
    if row.updated_at != server.updated_at {
        return Ok(Recorded::Changed);
    }
    let require_approval = row.require_tool_approval;
    let tool_count = outcome
        .tools
        .as_ref()
        .map(|t| i32::try_from(t.len()).unwrap_or(i32::MAX));
    let check = mcp_health::record(
        conn,
        &NewCheck {
            server_id,
            source: HealthSource::Check,
            checked_at: Utc::now(),
            status: outcome.status,
            latency_ms: Some(outcome.latency_ms),
            error: outcome.error.as_deref(),
            protocol_version: outcome.protocol_version.as_deref(),
            server_name: outcome.server_name.as_deref(),
            server_version: outcome.server_version.as_deref(),
            tool_count,
        },
    )
    .await?;
    let mut changes = Vec::new();
    if let Some(discovered) = outcome.tools {
        let current = mcp_tools::current(conn, server_id).await?;
        let plan = tools::plan(&current, discovered, require_approval);
        for name in &plan.removals {
            mcp_tools::remove(conn, server_id, name).await?;
        }
        for tool in &plan.upserts {
            mcp_tools::upsert(conn, server_id, tool).await?;
        }
        for c in plan.changes {
            let change = NewChange {
                server_id,
                tool_name: &c.tool_name,
                kind: c.kind,
                before: c.before,
                after: c.after,
                fields: c.fields,
                status: c.status,
            };
            changes.push(mcp_tools::record_change(conn, change).await?);
        }
    }
    Ok(Recorded::Stored(check, changes))
}
