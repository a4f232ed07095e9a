//! Tools discovered on MCP servers and the changes between checks (SPEC MCP-3).

use chrono::{DateTime, Utc};
use omni_types::mcp::{McpTool, ToolChange, ToolChangeKind, ToolChangeStatus, ToolStatus};
use serde_json::Value;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

/// A tool's definition as stored in a change's `before` / `after`.
pub fn definition(t: &StoredTool) -> Value {
    serde_json::json!({
        "title": t.title,
        "description": t.description,
        "input_schema": t.input_schema,
        "output_schema": t.output_schema,
        "annotations": t.annotations,
    })
}

/// One row of `mcp_tools`, in and out.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredTool {
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub input_schema: Value,
    pub output_schema: Option<Value>,
    pub annotations: Option<Value>,
    pub status: ToolStatus,
    /// The definition last approved (or applied without approval), if any.
    pub approved_definition: Option<Value>,
}

/// The tools of a server, for the diff (locked: one check at a time rewrites them).
pub async fn current(conn: &mut PgConnection, server_id: Uuid) -> sqlx::Result<Vec<StoredTool>> {
    let rows = sqlx::query!(
        "SELECT name, title, description, input_schema, output_schema, annotations, status, approved_definition
         FROM mcp_tools WHERE server_id = $1 ORDER BY name FOR UPDATE",
        server_id
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| StoredTool {
            name: r.name,
            title: r.title,
            description: r.description,
            input_schema: r.input_schema,
            output_schema: r.output_schema,
            annotations: r.annotations,
            status: r.status.parse().unwrap_or(ToolStatus::Pending),
            approved_definition: r.approved_definition,
        })
        .collect())
}

pub async fn upsert(conn: &mut PgConnection, server_id: Uuid, t: &StoredTool) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO mcp_tools (server_id, name, title, description, input_schema, output_schema, annotations, status,
                                approved_definition)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (server_id, name) DO UPDATE SET
             title = EXCLUDED.title, description = EXCLUDED.description, input_schema = EXCLUDED.input_schema,
             output_schema = EXCLUDED.output_schema, annotations = EXCLUDED.annotations, status = EXCLUDED.status,
             approved_definition = EXCLUDED.approved_definition, changed_at = now()",
        server_id,
        t.name,
        t.title,
        t.description,
        t.input_schema,
        t.output_schema,
        t.annotations,
        t.status.as_str(),
        t.approved_definition
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn remove(conn: &mut PgConnection, server_id: Uuid, name: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "DELETE FROM mcp_tools WHERE server_id = $1 AND name = $2",
        server_id,
        name
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// An admin's decision on a tool: approving makes its current definition the approved
/// one; rejecting keeps it from the hub.
pub async fn set_decision(
    conn: &mut PgConnection,
    server_id: Uuid,
    name: &str,
    status: ToolStatus,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE mcp_tools SET status = $3,
                approved_definition = CASE WHEN $3 = 'approved' THEN mcp_tool_definition(mcp_tools)
                                           ELSE approved_definition END
         WHERE server_id = $1 AND name = $2",
        server_id,
        name,
        status.as_str()
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Approval was turned off for the server: what waited is approved by the admin who did
/// it (rejected tools stay rejected). Returns how many changes were approved.
pub async fn approve_all_pending(conn: &mut PgConnection, server_id: Uuid, admin_id: Uuid) -> sqlx::Result<u64> {
    sqlx::query!(
        "UPDATE mcp_tools SET status = 'approved', approved_definition = mcp_tool_definition(mcp_tools)
         WHERE server_id = $1 AND status = 'pending'",
        server_id
    )
    .execute(&mut *conn)
    .await?;
    let done = sqlx::query!(
        "UPDATE mcp_tool_changes SET status = 'approved', decided_by = $2, decided_at = now()
         WHERE server_id = $1 AND status = 'pending'",
        server_id,
        admin_id
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

pub struct NewChange<'a> {
    pub server_id: Uuid,
    pub tool_name: &'a str,
    pub kind: ToolChangeKind,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub fields: Vec<String>,
    pub status: ToolChangeStatus,
}

/// Records a change. An older change of the same tool still waiting for a decision is
/// overtaken by this one (`superseded`): the new one, diffed against the last approved
/// definition, carries the decision.
pub async fn record_change(conn: &mut PgConnection, c: NewChange<'_>) -> sqlx::Result<ToolChange> {
    sqlx::query!(
        "UPDATE mcp_tool_changes SET status = 'superseded'
         WHERE server_id = $1 AND tool_name = $2 AND status = 'pending'",
        c.server_id,
        c.tool_name
    )
    .execute(&mut *conn)
    .await?;
    let id = Uuid::now_v7();
    let detected_at: DateTime<Utc> = sqlx::query_scalar!(
        "INSERT INTO mcp_tool_changes (id, server_id, tool_name, kind, before, after, fields, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING detected_at",
        id,
        c.server_id,
        c.tool_name,
        c.kind.as_str(),
        c.before,
        c.after,
        &c.fields,
        c.status.as_str()
    )
    .fetch_one(conn)
    .await?;
    Ok(ToolChange {
        id,
        server_id: c.server_id,
        detected_at,
        tool_name: c.tool_name.to_owned(),
        kind: c.kind,
        before: c.before,
        after: c.after,
        fields: c.fields,
        status: c.status,
        decided_by: None,
        decided_at: None,
    })
}

/// Tools of a server by name; `q` matches name, title or description.
pub async fn list(
    db: impl PgExecutor<'_>,
    server_id: Uuid,
    q: Option<&str>,
    status: Option<ToolStatus>,
    after: Option<String>,
    limit: i64,
) -> sqlx::Result<Vec<McpTool>> {
    let pattern = q.map(super::contains_pattern);
    let rows = sqlx::query!(
        "SELECT name, title, description, input_schema, output_schema, annotations, status, first_seen_at, changed_at
         FROM mcp_tools
         WHERE server_id = $1
           AND ($2::text IS NULL OR name ILIKE $2 OR title ILIKE $2 OR description ILIKE $2)
           AND ($3::text IS NULL OR status = $3)
           AND ($4::text IS NULL OR name > $4)
         ORDER BY name
         LIMIT $5",
        server_id,
        pattern,
        status.map(ToolStatus::as_str),
        after,
        limit
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| McpTool {
            name: r.name,
            title: r.title,
            description: r.description,
            input_schema: r.input_schema,
            output_schema: r.output_schema,
            annotations: r.annotations,
            status: r.status.parse().unwrap_or(ToolStatus::Pending),
            first_seen_at: r.first_seen_at,
            changed_at: r.changed_at,
        })
        .collect())
}

struct ChangeRow {
    id: Uuid,
    server_id: Uuid,
    detected_at: DateTime<Utc>,
    tool_name: String,
    kind: String,
    before: Option<Value>,
    after: Option<Value>,
    fields: Vec<String>,
    status: String,
    decided_by: Option<String>,
    decided_at: Option<DateTime<Utc>>,
}

impl From<ChangeRow> for ToolChange {
    fn from(r: ChangeRow) -> Self {
        ToolChange {
            id: r.id,
            server_id: r.server_id,
            detected_at: r.detected_at,
            tool_name: r.tool_name,
            kind: r.kind.parse().unwrap_or(ToolChangeKind::Changed),
            before: r.before,
            after: r.after,
            fields: r.fields,
            status: r.status.parse().unwrap_or(ToolChangeStatus::Pending),
            decided_by: r.decided_by,
            decided_at: r.decided_at,
        }
    }
}

/// A server's tool changes, newest first, after `(detected_at, id)`.
pub async fn changes(
    db: impl PgExecutor<'_>,
    server_id: Uuid,
    status: Option<ToolChangeStatus>,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> sqlx::Result<Vec<ToolChange>> {
    let (after_time, after_id) = after.unzip();
    let rows = sqlx::query_as!(
        ChangeRow,
        r#"SELECT c.id, c.server_id, c.detected_at, c.tool_name, c.kind, c.before, c.after, c.fields, c.status,
                  a.email AS "decided_by?", c.decided_at
           FROM mcp_tool_changes c LEFT JOIN admins a ON a.id = c.decided_by
           WHERE c.server_id = $1
             AND ($2::text IS NULL OR c.status = $2)
             AND ($3::timestamptz IS NULL OR (c.detected_at, c.id) < ($3, $4))
           ORDER BY c.detected_at DESC, c.id DESC
           LIMIT $5"#,
        server_id,
        status.map(ToolChangeStatus::as_str),
        after_time,
        after_id,
        limit
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(ToolChange::from).collect())
}

pub async fn change(db: impl PgExecutor<'_>, server_id: Uuid, id: Uuid) -> sqlx::Result<Option<ToolChange>> {
    let row = sqlx::query_as!(
        ChangeRow,
        r#"SELECT c.id, c.server_id, c.detected_at, c.tool_name, c.kind, c.before, c.after, c.fields, c.status,
                  a.email AS "decided_by?", c.decided_at
           FROM mcp_tool_changes c LEFT JOIN admins a ON a.id = c.decided_by
           WHERE c.server_id = $1 AND c.id = $2"#,
        server_id,
        id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(ToolChange::from))
}

/// Records an admin's decision on a pending change; false if it was no longer pending.
pub async fn decide(conn: &mut PgConnection, id: Uuid, status: ToolChangeStatus, admin_id: Uuid) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "UPDATE mcp_tool_changes SET status = $2, decided_by = $3, decided_at = now()
         WHERE id = $1 AND status = 'pending'",
        id,
        status.as_str(),
        admin_id
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
