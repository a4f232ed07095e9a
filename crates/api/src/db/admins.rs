use chrono::{DateTime, Utc};
use omni_types::auth::Me;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

/// What sign-in needs to know about an account.
pub struct LoginRow {
    pub id: Uuid,
    pub email: String,
    pub password_hash: String,
    pub disabled: bool,
}

pub async fn find_for_login(db: impl PgExecutor<'_>, email: &str) -> sqlx::Result<Option<LoginRow>> {
    sqlx::query_as!(
        LoginRow,
        r#"SELECT id, email, password_hash, disabled_at IS NOT NULL AS "disabled!"
           FROM admins WHERE lower(email) = lower($1)"#,
        email
    )
    .fetch_optional(db)
    .await
}

/// A signed-in admin, as the route guard sees it on every request.
pub struct Identity {
    pub id: Uuid,
    pub email: String,
    pub permissions: Vec<String>,
}

/// The admin behind an access token, if the account is enabled and the session (refresh
/// family) is still alive: signing out or disabling an account ends access at once.
pub async fn identity(db: impl PgExecutor<'_>, admin_id: Uuid, session_id: Uuid) -> sqlx::Result<Option<Identity>> {
    sqlx::query_as!(
        Identity,
        r#"SELECT a.id, a.email,
                  COALESCE(array_agg(DISTINCT rp.permission) FILTER (WHERE rp.permission IS NOT NULL), '{}') AS "permissions!"
           FROM admins a
           LEFT JOIN admin_roles ar ON ar.admin_id = a.id
           LEFT JOIN role_permissions rp ON rp.role_id = ar.role_id
           WHERE a.id = $1 AND a.disabled_at IS NULL
             AND EXISTS (SELECT 1 FROM refresh_tokens t
                         WHERE t.family_id = $2 AND t.admin_id = a.id
                           AND t.revoked_at IS NULL AND t.expires_at > now())
           GROUP BY a.id"#,
        admin_id,
        session_id
    )
    .fetch_optional(db)
    .await
}

/// Profile with roles and effective permissions (`GET /auth/me`).
pub async fn me(db: impl PgExecutor<'_>, admin_id: Uuid) -> sqlx::Result<Option<Me>> {
    let row = sqlx::query!(
        r#"SELECT a.id, a.email, a.display_name, a.created_at, a.last_login_at,
                  COALESCE(array_agg(DISTINCT r.name) FILTER (WHERE r.name IS NOT NULL), '{}') AS "roles!",
                  COALESCE(array_agg(DISTINCT rp.permission) FILTER (WHERE rp.permission IS NOT NULL), '{}') AS "permissions!"
           FROM admins a
           LEFT JOIN admin_roles ar ON ar.admin_id = a.id
           LEFT JOIN roles r ON r.id = ar.role_id
           LEFT JOIN role_permissions rp ON rp.role_id = r.id
           WHERE a.id = $1
           GROUP BY a.id"#,
        admin_id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| Me {
        id: r.id,
        email: r.email,
        display_name: r.display_name,
        roles: r.roles,
        permissions: r.permissions,
        created_at: r.created_at,
        last_login_at: r.last_login_at,
    }))
}

pub async fn count(db: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM admins"#)
        .fetch_one(db)
        .await
}

/// Why an admin could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    #[error("an admin with this email already exists")]
    EmailTaken,
    #[error("no role named `{0}`")]
    UnknownRole(String),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Creates an admin holding one role.
pub async fn create(
    conn: &mut PgConnection,
    email: &str,
    display_name: &str,
    password_hash: &str,
    role: &str,
) -> Result<Uuid, CreateError> {
    let role_id = sqlx::query_scalar!("SELECT id FROM roles WHERE name = $1", role)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| CreateError::UnknownRole(role.to_owned()))?;
    let id = sqlx::query_scalar!(
        "INSERT INTO admins (id, email, display_name, password_hash) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING RETURNING id",
        Uuid::now_v7(),
        email,
        display_name,
        password_hash
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(CreateError::EmailTaken)?;
    sqlx::query!(
        "INSERT INTO admin_roles (admin_id, role_id) VALUES ($1, $2)",
        id,
        role_id
    )
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

pub async fn record_login(db: impl PgExecutor<'_>, admin_id: Uuid, at: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query!("UPDATE admins SET last_login_at = $2 WHERE id = $1", admin_id, at)
        .execute(db)
        .await?;
    Ok(())
}
