use std::net::IpAddr;

use chrono::{DateTime, Utc};
use omni_types::tokens::{ApiToken, TokenStatus};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

pub struct NewToken<'a> {
    pub id: Uuid,
    pub name: &'a str,
    pub prefix: &'a str,
    pub secret_hash: &'a [u8],
    pub created_by: Uuid,
    pub expires_at: Option<DateTime<Utc>>,
    pub permissions: &'a [String],
}

pub async fn insert(conn: &mut PgConnection, t: NewToken<'_>) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO api_tokens (id, name, prefix, secret_hash, created_by, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
        t.id,
        t.name,
        t.prefix,
        t.secret_hash,
        t.created_by,
        t.expires_at
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "INSERT INTO api_token_permissions (token_id, permission) SELECT $1, unnest($2::text[])",
        t.id,
        t.permissions
    )
    .execute(conn)
    .await?;
    Ok(())
}

struct Row {
    id: Uuid,
    name: String,
    prefix: String,
    permissions: Vec<String>,
    created_at: DateTime<Utc>,
    expires_at: Option<DateTime<Utc>>,
    last_used_at: Option<DateTime<Utc>>,
    last_used_ip: Option<String>,
    revoked_at: Option<DateTime<Utc>>,
}

impl From<Row> for ApiToken {
    fn from(r: Row) -> Self {
        let status = if r.revoked_at.is_some() {
            TokenStatus::Revoked
        } else if r.expires_at.is_some_and(|t| t <= Utc::now()) {
            TokenStatus::Expired
        } else {
            TokenStatus::Active
        };
        ApiToken {
            id: r.id,
            name: r.name,
            prefix: r.prefix,
            permissions: r.permissions,
            status,
            created_at: r.created_at,
            expires_at: r.expires_at,
            last_used_at: r.last_used_at,
            last_used_ip: r.last_used_ip,
            revoked_at: r.revoked_at,
        }
    }
}

/// An admin's tokens, newest first, after `(created_at, id)`.
pub async fn list(
    db: impl PgExecutor<'_>,
    created_by: Uuid,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> sqlx::Result<Vec<ApiToken>> {
    let (after_at, after_id) = after.unzip();
    let rows = sqlx::query_as!(
        Row,
        r#"SELECT t.id, t.name, t.prefix, t.created_at, t.expires_at, t.last_used_at,
                  host(t.last_used_ip) AS last_used_ip, t.revoked_at,
                  COALESCE((SELECT array_agg(p.permission ORDER BY p.permission) FROM api_token_permissions p
                            WHERE p.token_id = t.id), '{}') AS "permissions!"
           FROM api_tokens t
           WHERE t.created_by = $1
             AND ($2::timestamptz IS NULL OR (t.created_at, t.id) < ($2, $3))
           ORDER BY t.created_at DESC, t.id DESC
           LIMIT $4"#,
        created_by,
        after_at,
        after_id,
        limit
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(ApiToken::from).collect())
}

pub async fn get(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<(Uuid, ApiToken)>> {
    let row = sqlx::query!(
        r#"SELECT t.created_by, t.id, t.name, t.prefix, t.created_at, t.expires_at, t.last_used_at,
                  host(t.last_used_ip) AS last_used_ip, t.revoked_at,
                  COALESCE((SELECT array_agg(p.permission ORDER BY p.permission) FROM api_token_permissions p
                            WHERE p.token_id = t.id), '{}') AS "permissions!"
           FROM api_tokens t WHERE t.id = $1"#,
        id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| {
        let token = Row {
            id: r.id,
            name: r.name,
            prefix: r.prefix,
            permissions: r.permissions,
            created_at: r.created_at,
            expires_at: r.expires_at,
            last_used_at: r.last_used_at,
            last_used_ip: r.last_used_ip,
            revoked_at: r.revoked_at,
        };
        (r.created_by, token.into())
    }))
}

/// What the route guard needs to authenticate a token.
#[derive(Debug, Clone)]
pub struct Credential {
    pub id: Uuid,
    pub name: String,
    pub secret_hash: Vec<u8>,
    pub created_by: Uuid,
    pub creator_email: String,
    /// The token's permissions that its creator still holds.
    pub permissions: Vec<String>,
    /// Not revoked, and its creator not disabled (expiry is checked at use: `expires_at`).
    pub usable: bool,
    pub expires_at: Option<DateTime<Utc>>,
    /// The creator holds a role that requires MFA and has none set up: the token waits.
    pub creator_must_enrol_mfa: bool,
}

pub async fn credential(db: impl PgExecutor<'_>, prefix: &str) -> sqlx::Result<Option<Credential>> {
    sqlx::query_as!(
        Credential,
        r#"SELECT t.id, t.name, t.secret_hash, t.created_by, a.email AS creator_email,
                  (t.revoked_at IS NULL AND a.disabled_at IS NULL) AS "usable!", t.expires_at,
                  admin_must_enrol_mfa(a.id) AS "creator_must_enrol_mfa!",
                  COALESCE((SELECT array_agg(DISTINCT p.permission) FROM api_token_permissions p
                            JOIN role_permissions rp ON rp.permission = p.permission
                            JOIN admin_roles ar ON ar.role_id = rp.role_id AND ar.admin_id = t.created_by
                            WHERE p.token_id = t.id), '{}') AS "permissions!"
           FROM api_tokens t JOIN admins a ON a.id = t.created_by
           WHERE t.prefix = $1"#,
        prefix
    )
    .fetch_optional(db)
    .await
}

/// Records use, at most once a minute per token (a write per request would be waste).
pub async fn touch(db: impl PgExecutor<'_>, id: Uuid, ip: Option<IpAddr>) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE api_tokens SET last_used_at = now(), last_used_ip = $2
         WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')",
        id,
        ip.map(ipnet::IpNet::from)
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Revokes a token; false if it was already revoked.
pub async fn revoke(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL",
        id
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}
