//! The MCP server registry (SPEC MCP-1, MCP-4). Reads share one SELECT, built with
//! `QueryBuilder` because the list filters and sort orders are chosen per request; every
//! value is bound, never formatted in.

use chrono::{DateTime, Utc};
use omni_types::mcp::{DeleteImpact, HealthStatus, McpServer, Transport};
use omni_types::orgs::{OrgRef, OrgStatus};
use sqlx::{PgConnection, PgExecutor, Postgres, QueryBuilder};
use uuid::Uuid;

const SELECT: &str = "SELECT s.id, s.name, s.description, s.transport, s.url, s.command, s.args,
        s.auth_header_name, s.auth_header_sealed IS NOT NULL AS auth_header_set,
        s.timeout_ms, s.degraded_threshold_ms, s.check_interval_seconds, s.tags, s.enabled,
        s.require_tool_approval,
        CASE WHEN s.enabled THEN s.health_status ELSE 'disabled' END AS status,
        s.last_checked_at, s.last_latency_ms, s.last_error, s.protocol_version, s.server_name,
        s.server_version,
        CASE WHEN s.enabled AND s.transport = 'streamable_http' THEN s.next_check_at END AS next_check_at,
        (SELECT count(*) FROM mcp_tools t WHERE t.server_id = s.id) AS tool_count,
        (SELECT count(*) FROM mcp_tool_changes c WHERE c.server_id = s.id AND c.status = 'pending')
            AS pending_tool_changes,
        s.created_at, s.updated_at,
        o.id AS org_id, o.slug AS org_slug, o.name AS org_name, o.status AS org_status,
        o.status_reason AS org_status_reason, o.status_changed_at AS org_status_changed_at
    FROM mcp_servers s LEFT JOIN organizations o ON o.id = s.organization_id";

/// The effective status, as `SELECT` computes it (for filters and sorting).
const STATUS_SQL: &str = "(CASE WHEN s.enabled THEN s.health_status ELSE 'disabled' END)";

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    name: String,
    description: String,
    transport: String,
    url: Option<String>,
    command: Option<String>,
    args: Vec<String>,
    auth_header_name: String,
    auth_header_set: bool,
    timeout_ms: i32,
    degraded_threshold_ms: i32,
    check_interval_seconds: i32,
    tags: Vec<String>,
    enabled: bool,
    require_tool_approval: bool,
    status: String,
    last_checked_at: Option<DateTime<Utc>>,
    last_latency_ms: Option<i32>,
    last_error: Option<String>,
    protocol_version: Option<String>,
    server_name: Option<String>,
    server_version: Option<String>,
    next_check_at: Option<DateTime<Utc>>,
    tool_count: i64,
    pending_tool_changes: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    org_id: Option<Uuid>,
    org_slug: Option<String>,
    org_name: Option<String>,
    org_status: Option<String>,
    org_status_reason: Option<String>,
    org_status_changed_at: Option<DateTime<Utc>>,
}

impl From<Row> for McpServer {
    fn from(r: Row) -> Self {
        McpServer {
            id: r.id,
            name: r.name,
            description: r.description,
            // The table's CHECK constraints allow only these values.
            transport: r.transport.parse().unwrap_or(Transport::StreamableHttp),
            url: r.url,
            command: r.command,
            args: r.args,
            auth_header_name: r.auth_header_name,
            auth_header_set: r.auth_header_set,
            timeout_ms: r.timeout_ms,
            degraded_threshold_ms: r.degraded_threshold_ms,
            check_interval_seconds: r.check_interval_seconds,
            tags: r.tags,
            organization: r.org_id.map(|id| OrgRef {
                id,
                slug: r.org_slug.unwrap_or_default(),
                name: r.org_name.unwrap_or_default(),
                status: r.org_status.and_then(|s| s.parse().ok()).unwrap_or(OrgStatus::Active),
                status_reason: r.org_status_reason,
                status_changed_at: r.org_status_changed_at,
            }),
            enabled: r.enabled,
            require_tool_approval: r.require_tool_approval,
            status: r.status.parse().unwrap_or(HealthStatus::Unknown),
            last_checked_at: r.last_checked_at,
            last_latency_ms: r.last_latency_ms,
            last_error: r.last_error,
            protocol_version: r.protocol_version,
            server_name: r.server_name,
            server_version: r.server_version,
            next_check_at: r.next_check_at,
            tool_count: r.tool_count,
            pending_tool_changes: r.pending_tool_changes,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// The fields of a server as written by create and update (already validated).
#[derive(Debug, Clone)]
pub struct Fields {
    pub name: String,
    pub description: String,
    pub transport: Transport,
    pub url: Option<String>,
    pub command: Option<String>,
    pub args: Vec<String>,
    pub auth_header_name: String,
    pub timeout_ms: i32,
    pub degraded_threshold_ms: i32,
    pub check_interval_seconds: i32,
    pub tags: Vec<String>,
    pub organization_id: Option<Uuid>,
    pub enabled: bool,
    pub require_tool_approval: bool,
}

/// What the auth header becomes on a write.
#[derive(Debug, Clone)]
pub enum Secret {
    Keep,
    Clear,
    Set(Vec<u8>),
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("an MCP server with this name (or one differing only in `.`, `_` or `-`) exists")]
    NameTaken,
    /// The owning organization was deleted meanwhile.
    #[error("no such organization")]
    UnknownOrganization,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

fn write_error(e: sqlx::Error) -> WriteError {
    match &e {
        sqlx::Error::Database(d)
            if matches!(
                d.constraint(),
                Some("mcp_servers_name_key" | "mcp_servers_secret_variable")
            ) =>
        {
            WriteError::NameTaken
        }
        sqlx::Error::Database(d) if d.constraint() == Some("mcp_servers_organization_id_fkey") => {
            WriteError::UnknownOrganization
        }
        _ => WriteError::Db(e),
    }
}

pub async fn insert(conn: &mut PgConnection, id: Uuid, f: &Fields, sealed: Option<&[u8]>) -> Result<(), WriteError> {
    sqlx::query!(
        "INSERT INTO mcp_servers (id, name, description, transport, url, command, args, auth_header_name,
                                  auth_header_sealed, timeout_ms, degraded_threshold_ms, check_interval_seconds,
                                  tags, enabled, require_tool_approval, organization_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        id,
        f.name,
        f.description,
        f.transport.as_str(),
        f.url,
        f.command,
        &f.args,
        f.auth_header_name,
        sealed,
        f.timeout_ms,
        f.degraded_threshold_ms,
        f.check_interval_seconds,
        &f.tags,
        f.enabled,
        f.require_tool_approval,
        f.organization_id
    )
    .execute(conn)
    .await
    .map_err(write_error)?;
    Ok(())
}

/// Writes every field. A changed endpoint or a re-enabled server is checked at once
/// (`recheck`), and its backoff starts afresh.
pub async fn update(
    conn: &mut PgConnection,
    id: Uuid,
    f: &Fields,
    secret: &Secret,
    recheck: bool,
) -> Result<(), WriteError> {
    let (keep, sealed) = match secret {
        Secret::Keep => (true, None),
        Secret::Clear => (false, None),
        Secret::Set(bytes) => (false, Some(bytes.as_slice())),
    };
    sqlx::query!(
        "UPDATE mcp_servers SET name = $2, description = $3, transport = $4, url = $5, command = $6, args = $7,
                auth_header_name = $8,
                auth_header_sealed = CASE WHEN $9 THEN auth_header_sealed ELSE $10 END,
                timeout_ms = $11, degraded_threshold_ms = $12, check_interval_seconds = $13, tags = $14,
                enabled = $15, require_tool_approval = $16, organization_id = $18,
                next_check_at = CASE WHEN $17 THEN now() ELSE next_check_at END,
                consecutive_failures = CASE WHEN $17 THEN 0 ELSE consecutive_failures END,
                updated_at = now()
         WHERE id = $1",
        id,
        f.name,
        f.description,
        f.transport.as_str(),
        f.url,
        f.command,
        &f.args,
        f.auth_header_name,
        keep,
        sealed,
        f.timeout_ms,
        f.degraded_threshold_ms,
        f.check_interval_seconds,
        &f.tags,
        f.enabled,
        f.require_tool_approval,
        recheck,
        f.organization_id
    )
    .execute(conn)
    .await
    .map_err(write_error)?;
    Ok(())
}

pub async fn get(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<McpServer>> {
    let mut q = QueryBuilder::<Postgres>::new(SELECT);
    q.push(" WHERE s.id = ").push_bind(id);
    Ok(q.build_query_as::<Row>().fetch_optional(db).await?.map(McpServer::from))
}

/// Locks the row for a write and returns the sealed auth header, if the server exists.
pub async fn lock(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<Option<Option<Vec<u8>>>> {
    let row = sqlx::query_scalar!(
        "SELECT auth_header_sealed FROM mcp_servers WHERE id = $1 FOR UPDATE",
        id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

pub async fn delete(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<bool> {
    let done = sqlx::query!("DELETE FROM mcp_servers WHERE id = $1", id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn impact(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<DeleteImpact>> {
    sqlx::query_as!(
        DeleteImpact,
        r#"SELECT s.id AS server_id, s.name,
                  (SELECT count(*) FROM mcp_tools t WHERE t.server_id = s.id) AS "tool_count!",
                  (SELECT count(*) FROM mcp_health_checks h WHERE h.server_id = s.id) AS "health_check_count!",
                  (SELECT count(*) FROM mcp_tool_changes c WHERE c.server_id = s.id AND c.status = 'pending')
                      AS "pending_tool_changes!",
                  (SELECT count(*) FROM hub_user_grants g WHERE g.server_id = s.id) AS "users_with_grants!",
                  (SELECT coalesce(sum(u.calls), 0)::int8 FROM usage_hourly u
                   WHERE u.grain = 2 AND u.mcp_server_id = s.id AND u.hour >= now() - interval '30 days') AS "calls_30d!"
           FROM mcp_servers s WHERE s.id = $1"#,
        id
    )
    .fetch_optional(db)
    .await
}

/// Sort orders of the list. Each is a keyset on (key, id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Name,
    CreatedAt,
    Status,
}

impl Sort {
    pub const LABELS: &'static [(&'static str, Sort)] = &[
        ("name", Sort::Name),
        ("created_at", Sort::CreatedAt),
        ("status", Sort::Status),
    ];

    /// The SQL key and how a cursor value binds to it.
    fn key(self) -> (&'static str, &'static str) {
        match self {
            Sort::Name => ("lower(s.name)", "::text"),
            Sort::CreatedAt => ("s.created_at", "::timestamptz"),
            Sort::Status => (STATUS_SQL, "::text"),
        }
    }

    /// The cursor value of a row for this key.
    pub fn cursor_value(self, s: &McpServer) -> String {
        match self {
            Sort::Name => s.name.to_lowercase(),
            Sort::CreatedAt => s.created_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            Sort::Status => s.status.as_str().to_owned(),
        }
    }
}

#[derive(Debug, Default)]
pub struct ListFilter {
    pub q: Option<String>,
    pub status: Option<HealthStatus>,
    pub tag: Option<String>,
    pub enabled: Option<bool>,
    pub transport: Option<Transport>,
    pub organization: Option<OrgScope>,
}

/// The organization filter of the server list.
#[derive(Debug, Clone, Copy)]
pub enum OrgScope {
    /// Servers without an owner.
    Global,
    /// Servers this organization owns.
    Owned(Uuid),
    /// Servers this organization's users can see: global ones and its own.
    VisibleTo(Uuid),
}

pub async fn list(
    db: impl PgExecutor<'_>,
    f: &ListFilter,
    (sort, descending): (Sort, bool),
    after: Option<(String, Uuid)>,
    limit: i64,
) -> sqlx::Result<Vec<McpServer>> {
    let mut q = QueryBuilder::<Postgres>::new(SELECT);
    q.push(" WHERE true");
    if let Some(text) = &f.q {
        let pattern = super::contains_pattern(text);
        q.push(" AND (s.name ILIKE ")
            .push_bind(pattern.clone())
            .push(" OR s.description ILIKE ")
            .push_bind(pattern)
            .push(")");
    }
    if let Some(status) = f.status {
        q.push(format_args!(" AND {STATUS_SQL} = ")).push_bind(status.as_str());
    }
    if let Some(tag) = &f.tag {
        q.push(" AND s.tags @> ARRAY[").push_bind(tag.clone()).push("]::text[]");
    }
    if let Some(enabled) = f.enabled {
        q.push(" AND s.enabled = ").push_bind(enabled);
    }
    if let Some(transport) = f.transport {
        q.push(" AND s.transport = ").push_bind(transport.as_str());
    }
    match f.organization {
        None => {}
        Some(OrgScope::Global) => {
            q.push(" AND s.organization_id IS NULL");
        }
        Some(OrgScope::Owned(org)) => {
            q.push(" AND s.organization_id = ").push_bind(org);
        }
        Some(OrgScope::VisibleTo(org)) => {
            q.push(" AND (s.organization_id IS NULL OR s.organization_id = ")
                .push_bind(org)
                .push(")");
        }
    }
    super::keyset(&mut q, sort.key(), "s.id", descending, after, limit);
    let rows = q.build_query_as::<Row>().fetch_all(db).await?;
    Ok(rows.into_iter().map(McpServer::from).collect())
}

/// The tags in use, for the list's filter.
pub async fn tags(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(r#"SELECT DISTINCT unnest(tags) AS "tag!" FROM mcp_servers ORDER BY 1"#)
        .fetch_all(db)
        .await
}
