//! Hub users' grants on MCP servers (SPEC USER-2), and the facts `hub_access` decides on.

use std::collections::HashMap;

use omni_types::hub_users::{Grant, GrantView, HubRole};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use crate::hub_access::{Caller, Server, Tool};

pub async fn list(db: impl PgExecutor<'_>, user: Uuid) -> sqlx::Result<Vec<GrantView>> {
    sqlx::query_as!(
        GrantView,
        r#"SELECT g.server_id, s.name AS server_name, g.tools, g.granted_at, a.email AS "granted_by?"
           FROM hub_user_grants g JOIN mcp_servers s ON s.id = g.server_id
           LEFT JOIN admins a ON a.id = g.granted_by
           WHERE g.user_id = $1 ORDER BY lower(s.name)"#,
        user
    )
    .fetch_all(db)
    .await
}

/// Replaces the user's grants. A grant whose tools did not change keeps its time and
/// author.
pub async fn replace(conn: &mut PgConnection, user: Uuid, grants: &[Grant], admin: Option<Uuid>) -> sqlx::Result<()> {
    let servers: Vec<Uuid> = grants.iter().map(|g| g.server_id).collect();
    // Each grant's tools travel as a JSON array (text[][] cannot be ragged): any character
    // a tool name may hold survives the trip.
    let tools: Vec<String> = grants
        .iter()
        .map(|g| serde_json::to_string(&g.tools).unwrap_or_else(|_| "[]".into()))
        .collect();
    sqlx::query!(
        "DELETE FROM hub_user_grants WHERE user_id = $1 AND NOT (server_id = ANY($2))",
        user,
        &servers
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "INSERT INTO hub_user_grants (user_id, server_id, tools, granted_by)
         SELECT $1, given.server_id, ARRAY(SELECT jsonb_array_elements_text(given.tools::jsonb)), $4
         FROM unnest($2::uuid[], $3::text[]) AS given(server_id, tools)
         ON CONFLICT (user_id, server_id) DO UPDATE
             SET tools = EXCLUDED.tools, granted_by = EXCLUDED.granted_by, granted_at = now()
             WHERE hub_user_grants.tools IS DISTINCT FROM EXCLUDED.tools",
        user,
        &servers,
        &tools,
        admin
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A server a grant may name: who owns it and the tools it offers.
#[derive(Debug, Clone)]
pub struct Grantable {
    pub name: String,
    pub organization_id: Option<Uuid>,
    pub tools: Vec<String>,
}

pub async fn grantable(db: impl PgExecutor<'_>, servers: &[Uuid]) -> sqlx::Result<HashMap<Uuid, Grantable>> {
    let rows = sqlx::query!(
        r#"SELECT s.id, s.name, s.organization_id,
                  ARRAY(SELECT t.name FROM mcp_tools t WHERE t.server_id = s.id ORDER BY t.name) AS "tools!"
           FROM mcp_servers s WHERE s.id = ANY($1) FOR SHARE OF s"#,
        servers
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let grantable = Grantable {
                name: r.name,
                organization_id: r.organization_id,
                tools: r.tools,
            };
            (r.id, grantable)
        })
        .collect())
}

/// Everything one `can-call` decision needs, read in one query.
#[derive(Debug)]
pub struct CallFacts {
    pub caller: Caller,
    pub status_reason: Option<String>,
    pub server_id: Uuid,
    pub server_name: String,
    pub server: Server,
    pub tool: Option<Tool>,
}

/// The facts for `user` calling `tool` on a server named by id or by name; `None` when
/// the user or the server does not exist.
pub async fn call_facts(
    db: impl PgExecutor<'_>,
    user: Uuid,
    server: (Option<Uuid>, Option<&str>),
    tool: &str,
) -> sqlx::Result<Option<CallFacts>> {
    let row = sqlx::query!(
        r#"SELECT u.enabled AS user_enabled, u.role, u.organization_id, o.status = 'suspended' AS "suspended!",
                  o.servers_restricted, o.status_reason,
                  s.id AS server_id, s.name AS server_name, s.enabled AS server_enabled,
                  s.organization_id AS server_organization,
                  EXISTS (SELECT 1 FROM organization_allowed_servers a
                          WHERE a.organization_id = o.id AND a.server_id = s.id) AS "allow_listed!",
                  g.tools AS "granted?",
                  t.status AS "tool_status?",
                  t.annotations -> 'readOnlyHint' = 'true'::jsonb AS read_only
           FROM hub_users u
           JOIN organizations o ON o.id = u.organization_id
           JOIN mcp_servers s ON (s.id = $2 OR lower(s.name) = lower($3))
           LEFT JOIN hub_user_grants g ON g.user_id = u.id AND g.server_id = s.id
           LEFT JOIN mcp_tools t ON t.server_id = s.id AND t.name = $4
           WHERE u.id = $1"#,
        user,
        server.0,
        server.1,
        tool
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| CallFacts {
        caller: Caller {
            enabled: r.user_enabled,
            role: r.role.parse().unwrap_or(HubRole::Viewer),
            organization_id: r.organization_id,
            organization_suspended: r.suspended,
            servers_restricted: r.servers_restricted,
        },
        status_reason: r.status_reason,
        server_id: r.server_id,
        server_name: r.server_name,
        server: Server {
            enabled: r.server_enabled,
            organization_id: r.server_organization,
            allow_listed: r.allow_listed,
            granted: r.granted,
        },
        tool: r.tool_status.map(|status| Tool {
            approved: status == "approved",
            read_only: r.read_only.unwrap_or(false),
        }),
    }))
}

/// Whether a user exists (to tell an unknown user from an unknown server).
pub async fn user_exists(db: impl PgExecutor<'_>, user: Uuid) -> sqlx::Result<bool> {
    Ok(
        sqlx::query_scalar!("SELECT 1 AS one FROM hub_users WHERE id = $1", user)
            .fetch_optional(db)
            .await?
            .is_some(),
    )
}

/// The caller facts of a user, for the effective-permissions view.
pub async fn caller(db: impl PgExecutor<'_>, user: Uuid) -> sqlx::Result<Option<(Caller, Option<String>)>> {
    let row = sqlx::query!(
        r#"SELECT u.enabled, u.role, u.organization_id, o.status = 'suspended' AS "suspended!",
                  o.servers_restricted, o.status_reason
           FROM hub_users u JOIN organizations o ON o.id = u.organization_id WHERE u.id = $1"#,
        user
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| {
        let caller = Caller {
            enabled: r.enabled,
            role: r.role.parse().unwrap_or(HubRole::Viewer),
            organization_id: r.organization_id,
            organization_suspended: r.suspended,
            servers_restricted: r.servers_restricted,
        };
        (caller, r.status_reason)
    }))
}

/// Every server visible to the user's organization (global or its own), by name, with
/// its tools (name and facts), as the rules see them.
pub async fn visible_servers(
    db: &sqlx::PgPool,
    user: Uuid,
    organization: Uuid,
) -> sqlx::Result<Vec<(Uuid, String, Server, Vec<(String, Tool)>)>> {
    let servers = sqlx::query!(
        r#"SELECT s.id, s.name, s.enabled, s.organization_id,
                  EXISTS (SELECT 1 FROM organization_allowed_servers a
                          WHERE a.organization_id = $2 AND a.server_id = s.id) AS "allow_listed!",
                  g.tools AS "granted?"
           FROM mcp_servers s LEFT JOIN hub_user_grants g ON g.server_id = s.id AND g.user_id = $1
           WHERE s.organization_id IS NULL OR s.organization_id = $2
           ORDER BY lower(s.name), s.id"#,
        user,
        organization
    )
    .fetch_all(db)
    .await?;
    let ids: Vec<Uuid> = servers.iter().map(|s| s.id).collect();
    let tools = sqlx::query!(
        r#"SELECT t.server_id, t.name, t.status, t.annotations -> 'readOnlyHint' = 'true'::jsonb AS read_only
           FROM mcp_tools t WHERE t.server_id = ANY($1) ORDER BY t.server_id, t.name"#,
        &ids
    )
    .fetch_all(db)
    .await?;
    let mut by_server: HashMap<Uuid, Vec<(String, Tool)>> = HashMap::new();
    for t in tools {
        let tool = Tool {
            approved: t.status == "approved",
            read_only: t.read_only.unwrap_or(false),
        };
        by_server.entry(t.server_id).or_default().push((t.name, tool));
    }
    Ok(servers
        .into_iter()
        .map(|s| {
            let server = Server {
                enabled: s.enabled,
                organization_id: s.organization_id,
                allow_listed: s.allow_listed,
                granted: s.granted,
            };
            let tools = by_server.remove(&s.id).unwrap_or_default();
            (s.id, s.name, server, tools)
        })
        .collect())
}

/// Drops grants on `server` held by users outside `owner` (the server moved to it).
pub async fn drop_outside(conn: &mut PgConnection, server: Uuid, owner: Uuid) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "DELETE FROM hub_user_grants g USING hub_users u
         WHERE g.server_id = $1 AND u.id = g.user_id AND u.organization_id <> $2",
        server,
        owner
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
