//! Hub users (SPEC USER-1, USER-4) and their external ids. Reads share one SELECT with
//! the user's organization joined in, so its status shows wherever the user does.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use omni_types::hub_users::{HubRole, HubUser};
use omni_types::orgs::{OrgRef, OrgStatus};
use sqlx::types::Json;
use sqlx::{PgConnection, PgExecutor, Postgres, QueryBuilder};
use uuid::Uuid;

const SELECT: &str = "SELECT u.id, u.name, u.email, u.role, u.enabled, u.created_at, u.updated_at,
        COALESCE((SELECT jsonb_object_agg(x.provider, x.external_id) FROM hub_user_external_ids x
                  WHERE x.user_id = u.id), '{}') AS external_ids,
        (SELECT count(*) FROM hub_user_grants g WHERE g.user_id = u.id) AS grant_count,
        o.id AS org_id, o.slug AS org_slug, o.name AS org_name, o.status AS org_status,
        o.status_reason AS org_status_reason, o.status_changed_at AS org_status_changed_at
    FROM hub_users u JOIN organizations o ON o.id = u.organization_id";

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    name: String,
    email: String,
    role: String,
    enabled: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    external_ids: Json<BTreeMap<String, String>>,
    grant_count: i64,
    org_id: Uuid,
    org_slug: String,
    org_name: String,
    org_status: String,
    org_status_reason: Option<String>,
    org_status_changed_at: Option<DateTime<Utc>>,
}

impl From<Row> for HubUser {
    fn from(r: Row) -> Self {
        HubUser {
            id: r.id,
            name: r.name,
            email: r.email,
            external_ids: r.external_ids.0,
            organization: OrgRef {
                id: r.org_id,
                slug: r.org_slug,
                name: r.org_name,
                status: r.org_status.parse().unwrap_or(OrgStatus::Active),
                status_reason: r.org_status_reason,
                status_changed_at: r.org_status_changed_at,
            },
            // The table's CHECK constraint allows only these values.
            role: r.role.parse().unwrap_or(HubRole::Member),
            enabled: r.enabled,
            grant_count: r.grant_count,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// The fields create, update and import write (already validated).
#[derive(Debug, Clone)]
pub struct Fields {
    pub name: String,
    pub email: String,
    pub organization_id: Uuid,
    pub role: HubRole,
    pub external_ids: BTreeMap<String, String>,
    pub enabled: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("a user with this email exists in the organization")]
    EmailTaken,
    #[error("another user of the organization has this external id")]
    ExternalIdTaken,
    /// The organization was deleted meanwhile.
    #[error("no such organization")]
    UnknownOrganization,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

fn write_error(e: sqlx::Error) -> WriteError {
    match &e {
        sqlx::Error::Database(d) if d.constraint() == Some("hub_users_email_key") => WriteError::EmailTaken,
        sqlx::Error::Database(d) if d.constraint() == Some("hub_user_external_ids_key") => WriteError::ExternalIdTaken,
        sqlx::Error::Database(d) if d.constraint() == Some("hub_users_organization_id_fkey") => {
            WriteError::UnknownOrganization
        }
        _ => WriteError::Db(e),
    }
}

pub async fn insert(conn: &mut PgConnection, id: Uuid, f: &Fields) -> Result<(), WriteError> {
    insert_many(conn, &[(id, f.clone())]).await
}

/// Inserts users in one statement per table (the CSV import writes thousands).
pub async fn insert_many(conn: &mut PgConnection, users: &[(Uuid, Fields)]) -> Result<(), WriteError> {
    let ids: Vec<Uuid> = users.iter().map(|(id, _)| *id).collect();
    let orgs: Vec<Uuid> = users.iter().map(|(_, f)| f.organization_id).collect();
    let names: Vec<&str> = users.iter().map(|(_, f)| f.name.as_str()).collect();
    let emails: Vec<&str> = users.iter().map(|(_, f)| f.email.as_str()).collect();
    let roles: Vec<&str> = users.iter().map(|(_, f)| f.role.as_str()).collect();
    let enabled: Vec<bool> = users.iter().map(|(_, f)| f.enabled).collect();
    sqlx::query!(
        "INSERT INTO hub_users (id, organization_id, name, email, role, enabled)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::bool[])",
        &ids,
        &orgs,
        &names as &[&str],
        &emails as &[&str],
        &roles as &[&str],
        &enabled
    )
    .execute(&mut *conn)
    .await
    .map_err(write_error)?;
    let mut x_users = Vec::new();
    let mut x_orgs = Vec::new();
    let mut providers = Vec::new();
    let mut values = Vec::new();
    for (id, f) in users {
        for (provider, value) in &f.external_ids {
            x_users.push(*id);
            x_orgs.push(f.organization_id);
            providers.push(provider.as_str());
            values.push(value.as_str());
        }
    }
    if !x_users.is_empty() {
        sqlx::query!(
            "INSERT INTO hub_user_external_ids (user_id, organization_id, provider, external_id)
             SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[])",
            &x_users,
            &x_orgs,
            &providers as &[&str],
            &values as &[&str]
        )
        .execute(conn)
        .await
        .map_err(write_error)?;
    }
    Ok(())
}

/// Writes every field. A user who moves to another organization loses grants on servers
/// the old one owns (they are not visible from the new one).
pub async fn update(conn: &mut PgConnection, id: Uuid, f: &Fields) -> Result<u64, WriteError> {
    // The old ids go first: cascading them into a new organization could collide there.
    sqlx::query!("DELETE FROM hub_user_external_ids WHERE user_id = $1", id)
        .execute(&mut *conn)
        .await?;
    sqlx::query!(
        "UPDATE hub_users SET organization_id = $2, name = $3, email = $4, role = $5, enabled = $6,
                updated_at = now()
         WHERE id = $1",
        id,
        f.organization_id,
        f.name,
        f.email,
        f.role.as_str(),
        f.enabled
    )
    .execute(&mut *conn)
    .await
    .map_err(write_error)?;
    let dropped = sqlx::query!(
        "DELETE FROM hub_user_grants g USING mcp_servers s
         WHERE g.user_id = $1 AND s.id = g.server_id AND s.organization_id IS DISTINCT FROM $2
               AND s.organization_id IS NOT NULL",
        id,
        f.organization_id
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let providers: Vec<&str> = f.external_ids.keys().map(String::as_str).collect();
    let values: Vec<&str> = f.external_ids.values().map(String::as_str).collect();
    sqlx::query!(
        "INSERT INTO hub_user_external_ids (user_id, organization_id, provider, external_id)
         SELECT $1, $2, * FROM unnest($3::text[], $4::text[])",
        id,
        f.organization_id,
        &providers as &[&str],
        &values as &[&str]
    )
    .execute(conn)
    .await
    .map_err(write_error)?;
    Ok(dropped)
}

pub async fn get(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<HubUser>> {
    let mut q = QueryBuilder::<Postgres>::new(SELECT);
    q.push(" WHERE u.id = ").push_bind(id);
    Ok(q.build_query_as::<Row>().fetch_optional(db).await?.map(HubUser::from))
}

/// Locks the row for a write; false when there is no such user.
pub async fn lock(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<bool> {
    let row = sqlx::query_scalar!("SELECT id FROM hub_users WHERE id = $1 FOR UPDATE", id)
        .fetch_optional(conn)
        .await?;
    Ok(row.is_some())
}

pub async fn delete(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<bool> {
    let done = sqlx::query!("DELETE FROM hub_users WHERE id = $1", id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Emails (lower-cased) already taken in each organization, among those given as
/// (organization, email) pairs.
pub async fn taken_emails(db: impl PgExecutor<'_>, pairs: &[(Uuid, String)]) -> sqlx::Result<Vec<(Uuid, String)>> {
    let orgs: Vec<Uuid> = pairs.iter().map(|(o, _)| *o).collect();
    let emails: Vec<&str> = pairs.iter().map(|(_, e)| e.as_str()).collect();
    let rows = sqlx::query!(
        r#"SELECT u.organization_id AS "org!", lower(u.email) AS "email!"
           FROM hub_users u JOIN unnest($1::uuid[], $2::text[]) AS given(org, email)
             ON u.organization_id = given.org AND lower(u.email) = given.email"#,
        &orgs,
        &emails as &[&str]
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.org, r.email)).collect())
}

/// External ids already taken in each organization, among those given as
/// (organization, provider, id) triples.
pub async fn taken_external_ids(
    db: impl PgExecutor<'_>,
    triples: &[(Uuid, String, String)],
) -> sqlx::Result<Vec<(Uuid, String, String)>> {
    let orgs: Vec<Uuid> = triples.iter().map(|(o, _, _)| *o).collect();
    let providers: Vec<&str> = triples.iter().map(|(_, p, _)| p.as_str()).collect();
    let values: Vec<&str> = triples.iter().map(|(_, _, v)| v.as_str()).collect();
    let rows = sqlx::query!(
        r#"SELECT x.organization_id AS "org!", x.provider AS "provider!", x.external_id AS "external_id!"
           FROM hub_user_external_ids x
           JOIN unnest($1::uuid[], $2::text[], $3::text[]) AS given(org, provider, external_id)
             ON x.organization_id = given.org AND x.provider = given.provider
                AND x.external_id = given.external_id"#,
        &orgs,
        &providers as &[&str],
        &values as &[&str]
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.org, r.provider, r.external_id)).collect())
}

/// Sort orders of the list. Each is a keyset on (key, id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Name,
    Email,
    CreatedAt,
}

impl Sort {
    pub const LABELS: &'static [(&'static str, Sort)] = &[
        ("name", Sort::Name),
        ("email", Sort::Email),
        ("created_at", Sort::CreatedAt),
    ];

    fn key(self) -> (&'static str, &'static str) {
        match self {
            Sort::Name => ("lower(u.name)", "::text"),
            Sort::Email => ("lower(u.email)", "::text"),
            Sort::CreatedAt => ("u.created_at", "::timestamptz"),
        }
    }

    pub fn is_time(self) -> bool {
        self == Sort::CreatedAt
    }
}

#[derive(Debug, Default)]
pub struct ListFilter {
    pub q: Option<String>,
    pub organization: Option<Uuid>,
    pub role: Option<HubRole>,
    pub enabled: Option<bool>,
    /// Users holding a grant on this server.
    pub server: Option<Uuid>,
}

/// One page, each row with its cursor value (computed by PostgreSQL, which compares it).
pub async fn list(
    db: impl PgExecutor<'_>,
    f: &ListFilter,
    (sort, descending): (Sort, bool),
    after: Option<(String, Uuid)>,
    limit: i64,
) -> sqlx::Result<Vec<(HubUser, String)>> {
    let mut q = QueryBuilder::<Postgres>::new(super::with_sort_key(SELECT, sort.key()));
    q.push(" WHERE true");
    if let Some(text) = &f.q {
        let pattern = super::contains_pattern(text);
        q.push(" AND (u.name ILIKE ")
            .push_bind(pattern.clone())
            .push(" OR u.email ILIKE ")
            .push_bind(pattern)
            .push(")");
    }
    if let Some(org) = f.organization {
        q.push(" AND u.organization_id = ").push_bind(org);
    }
    if let Some(role) = f.role {
        q.push(" AND u.role = ").push_bind(role.as_str());
    }
    if let Some(enabled) = f.enabled {
        q.push(" AND u.enabled = ").push_bind(enabled);
    }
    if let Some(server) = f.server {
        q.push(" AND EXISTS (SELECT 1 FROM hub_user_grants g WHERE g.user_id = u.id AND g.server_id = ")
            .push_bind(server)
            .push(")");
    }
    super::keyset(&mut q, sort.key(), "u.id", descending, after, limit);
    let rows = q.build_query_as::<super::Keyed<Row>>().fetch_all(db).await?;
    Ok(rows.into_iter().map(|r| (r.row.into(), r.sort_key)).collect())
}

/// Organizations by slug, for the CSV import.
pub async fn organizations_by_slug(db: impl PgExecutor<'_>, slugs: &[String]) -> sqlx::Result<Vec<(String, Uuid)>> {
    let rows = sqlx::query!("SELECT slug, id FROM organizations WHERE slug = ANY($1)", slugs)
        .fetch_all(db)
        .await?;
    Ok(rows.into_iter().map(|r| (r.slug, r.id)).collect())
}
