//! Organizations (SPEC ORG-1, ORG-3, ORG-4). Reads share one SELECT; its counts are
//! index lookups on `hub_users (organization_id, …)` and `mcp_servers (organization_id)`,
//! its 30-day usage a range of `usage_hourly (organization_id, grain, hour)` in the
//! organizations grain.

use chrono::{DateTime, Utc};
use omni_types::orgs::{OrgDeleteImpact, OrgRef, OrgSettings, OrgStatus, OrgStatusChange, Organization, Plan};
use sqlx::{PgConnection, PgExecutor, Postgres, QueryBuilder};
use uuid::Uuid;

const SELECT: &str = "SELECT o.id, o.name, o.slug, o.plan, o.status, o.status_reason, o.status_changed_at,
        o.monthly_budget_cents, o.rate_limit_per_minute,
        CASE WHEN o.servers_restricted THEN ARRAY(
            SELECT a.server_id FROM organization_allowed_servers a WHERE a.organization_id = o.id
            ORDER BY a.server_id) END AS allowed_mcp_servers,
        (SELECT count(*) FROM hub_users u WHERE u.organization_id = o.id) AS user_count,
        (SELECT count(*) FROM mcp_servers s WHERE s.organization_id = o.id) AS server_count,
        usage.calls_30d, usage.cost_30d_micros,
        o.created_at, o.updated_at
    FROM organizations o
    CROSS JOIN LATERAL (
        SELECT coalesce(sum(d.calls), 0)::int8 AS calls_30d, coalesce(sum(d.cost_micros), 0)::int8 AS cost_30d_micros
        FROM usage_hourly d
        WHERE d.grain = 1 AND d.organization_id = o.id
          AND d.hour >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - interval '29 days'
    ) AS usage";

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    name: String,
    slug: String,
    plan: String,
    status: String,
    status_reason: Option<String>,
    status_changed_at: Option<DateTime<Utc>>,
    monthly_budget_cents: Option<i64>,
    rate_limit_per_minute: Option<i32>,
    allowed_mcp_servers: Option<Vec<Uuid>>,
    user_count: i64,
    server_count: i64,
    calls_30d: i64,
    cost_30d_micros: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<Row> for Organization {
    fn from(r: Row) -> Self {
        Organization {
            id: r.id,
            name: r.name,
            slug: r.slug,
            // The table's CHECK constraints allow only these values.
            plan: r.plan.parse().unwrap_or(Plan::Free),
            status: r.status.parse().unwrap_or(OrgStatus::Active),
            status_reason: r.status_reason,
            status_changed_at: r.status_changed_at,
            settings: OrgSettings {
                monthly_budget_cents: r.monthly_budget_cents,
                rate_limit_per_minute: r.rate_limit_per_minute,
                allowed_mcp_servers: r.allowed_mcp_servers,
            },
            user_count: r.user_count,
            server_count: r.server_count,
            calls_30d: r.calls_30d,
            cost_30d_usd: omni_types::usage::micros_to_usd(r.cost_30d_micros),
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// The fields create and update write (already validated).
#[derive(Debug, Clone)]
pub struct Fields {
    pub name: String,
    pub slug: String,
    pub plan: Plan,
    pub settings: OrgSettings,
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("an organization with this slug exists")]
    SlugTaken,
    /// An allowed server was deleted meanwhile.
    #[error("an allowed MCP server does not exist")]
    UnknownServer,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

fn write_error(e: sqlx::Error) -> WriteError {
    match &e {
        sqlx::Error::Database(d) if d.constraint() == Some("organizations_slug_key") => WriteError::SlugTaken,
        sqlx::Error::Database(d) if d.constraint() == Some("organization_allowed_servers_server_id_fkey") => {
            WriteError::UnknownServer
        }
        _ => WriteError::Db(e),
    }
}

pub async fn insert(conn: &mut PgConnection, id: Uuid, f: &Fields) -> Result<(), WriteError> {
    sqlx::query!(
        "INSERT INTO organizations (id, name, slug, plan, monthly_budget_cents, rate_limit_per_minute,
                                    servers_restricted)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        id,
        f.name,
        f.slug,
        f.plan.as_str(),
        f.settings.monthly_budget_cents,
        f.settings.rate_limit_per_minute,
        f.settings.allowed_mcp_servers.is_some()
    )
    .execute(&mut *conn)
    .await
    .map_err(write_error)?;
    set_allowed_servers(conn, id, f.settings.allowed_mcp_servers.as_deref()).await?;
    Ok(())
}

pub async fn update(conn: &mut PgConnection, id: Uuid, f: &Fields) -> Result<(), WriteError> {
    sqlx::query!(
        "UPDATE organizations SET name = $2, slug = $3, plan = $4, monthly_budget_cents = $5,
                rate_limit_per_minute = $6, servers_restricted = $7, updated_at = now()
         WHERE id = $1",
        id,
        f.name,
        f.slug,
        f.plan.as_str(),
        f.settings.monthly_budget_cents,
        f.settings.rate_limit_per_minute,
        f.settings.allowed_mcp_servers.is_some()
    )
    .execute(&mut *conn)
    .await
    .map_err(write_error)?;
    set_allowed_servers(conn, id, f.settings.allowed_mcp_servers.as_deref()).await?;
    Ok(())
}

pub async fn set_allowed_servers(
    conn: &mut PgConnection,
    id: Uuid,
    servers: Option<&[Uuid]>,
) -> Result<(), WriteError> {
    sqlx::query!(
        "DELETE FROM organization_allowed_servers WHERE organization_id = $1",
        id
    )
    .execute(&mut *conn)
    .await?;
    if let Some(servers) = servers {
        sqlx::query!(
            "INSERT INTO organization_allowed_servers (organization_id, server_id)
             SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING",
            id,
            servers
        )
        .execute(conn)
        .await
        .map_err(write_error)?;
    }
    Ok(())
}

/// Those of `ids` that name no MCP server.
pub async fn unknown_servers(db: impl PgExecutor<'_>, ids: &[Uuid]) -> sqlx::Result<Vec<Uuid>> {
    sqlx::query_scalar!(
        r#"SELECT id AS "id!" FROM unnest($1::uuid[]) AS given(id)
           WHERE NOT EXISTS (SELECT 1 FROM mcp_servers s WHERE s.id = given.id)"#,
        ids
    )
    .fetch_all(db)
    .await
}

pub async fn get(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<Organization>> {
    let mut q = QueryBuilder::<Postgres>::new(SELECT);
    q.push(" WHERE o.id = ").push_bind(id);
    Ok(q.build_query_as::<Row>()
        .fetch_optional(db)
        .await?
        .map(Organization::from))
}

/// The organization as users and servers show it.
pub async fn reference(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<OrgRef>> {
    let row = sqlx::query!(
        "SELECT id, slug, name, status, status_reason, status_changed_at FROM organizations WHERE id = $1",
        id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| OrgRef {
        id: r.id,
        slug: r.slug,
        name: r.name,
        status: r.status.parse().unwrap_or(OrgStatus::Active),
        status_reason: r.status_reason,
        status_changed_at: r.status_changed_at,
    }))
}

/// Locks the row for a write; false when there is no such organization.
pub async fn lock(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<bool> {
    let row = sqlx::query_scalar!("SELECT id FROM organizations WHERE id = $1 FOR UPDATE", id)
        .fetch_optional(conn)
        .await?;
    Ok(row.is_some())
}

/// Records a suspension or activation in the row and its history.
pub async fn set_status(
    conn: &mut PgConnection,
    id: Uuid,
    status: OrgStatus,
    reason: &str,
    admin: Option<Uuid>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE organizations SET status = $2, status_reason = $3, status_changed_at = now(), updated_at = now()
         WHERE id = $1",
        id,
        status.as_str(),
        reason
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "INSERT INTO organization_status_changes (organization_id, status, reason, changed_by)
         VALUES ($1, $2, $3, $4)",
        id,
        status.as_str(),
        reason,
        admin
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn status_history(
    db: impl PgExecutor<'_>,
    id: Uuid,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> sqlx::Result<Vec<OrgStatusChange>> {
    let (after_at, after_id) = after.unzip();
    let rows = sqlx::query!(
        "SELECT c.id, c.status, c.reason, a.email AS \"changed_by?\", c.changed_at
         FROM organization_status_changes c LEFT JOIN admins a ON a.id = c.changed_by
         WHERE c.organization_id = $1 AND ($2::timestamptz IS NULL OR (c.changed_at, c.id) < ($2, $3))
         ORDER BY c.changed_at DESC, c.id DESC LIMIT $4",
        id,
        after_at,
        after_id,
        limit
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| OrgStatusChange {
            id: r.id,
            status: r.status.parse().unwrap_or(OrgStatus::Active),
            reason: r.reason,
            changed_by: r.changed_by,
            changed_at: r.changed_at,
        })
        .collect())
}

pub async fn impact(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<OrgDeleteImpact>> {
    sqlx::query_as!(
        OrgDeleteImpact,
        r#"SELECT o.id AS organization_id, o.name,
                  (SELECT count(*) FROM hub_users u WHERE u.organization_id = o.id) AS "user_count!",
                  (SELECT count(*) FROM mcp_servers s WHERE s.organization_id = o.id) AS "server_count!"
           FROM organizations o WHERE o.id = $1"#,
        id
    )
    .fetch_optional(db)
    .await
}

pub async fn delete(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<bool> {
    let done = sqlx::query!("DELETE FROM organizations WHERE id = $1", id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Sort orders of the list. Each is a keyset on (key, id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Name,
    Slug,
    CreatedAt,
}

impl Sort {
    pub const LABELS: &'static [(&'static str, Sort)] = &[
        ("name", Sort::Name),
        ("slug", Sort::Slug),
        ("created_at", Sort::CreatedAt),
    ];

    fn key(self) -> (&'static str, &'static str) {
        match self {
            Sort::Name => ("lower(o.name)", "::text"),
            Sort::Slug => ("o.slug", "::text"),
            Sort::CreatedAt => ("o.created_at", "::timestamptz"),
        }
    }

    pub fn is_time(self) -> bool {
        self == Sort::CreatedAt
    }
}

#[derive(Debug, Default)]
pub struct ListFilter {
    pub q: Option<String>,
    pub status: Option<OrgStatus>,
    pub plan: Option<Plan>,
}

/// One page, each row with its cursor value (computed by PostgreSQL, which compares it).
pub async fn list(
    db: impl PgExecutor<'_>,
    f: &ListFilter,
    (sort, descending): (Sort, bool),
    after: Option<(String, Uuid)>,
    limit: i64,
) -> sqlx::Result<Vec<(Organization, String)>> {
    let mut q = QueryBuilder::<Postgres>::new(super::with_sort_key(SELECT, sort.key()));
    q.push(" WHERE true");
    if let Some(text) = &f.q {
        let pattern = super::contains_pattern(text);
        q.push(" AND (o.name ILIKE ")
            .push_bind(pattern.clone())
            .push(" OR o.slug ILIKE ")
            .push_bind(pattern)
            .push(")");
    }
    if let Some(status) = f.status {
        q.push(" AND o.status = ").push_bind(status.as_str());
    }
    if let Some(plan) = f.plan {
        q.push(" AND o.plan = ").push_bind(plan.as_str());
    }
    super::keyset(&mut q, sort.key(), "o.id", descending, after, limit);
    let rows = q.build_query_as::<super::Keyed<Row>>().fetch_all(db).await?;
    Ok(rows.into_iter().map(|r| (r.row.into(), r.sort_key)).collect())
}
