use chrono::{DateTime, Utc};
use omni_types::admins::Admin;
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
    pub must_change_password: bool,
    /// A role requires MFA and none is set up (SPEC AUTH-4).
    pub must_enrol_mfa: bool,
    pub permissions: Vec<String>,
}

/// The admin behind an access token, if the account is enabled and the session (refresh
/// family) is still alive: signing out or disabling an account ends access at once.
pub async fn identity(db: impl PgExecutor<'_>, admin_id: Uuid, session_id: Uuid) -> sqlx::Result<Option<Identity>> {
    sqlx::query_as!(
        Identity,
        r#"SELECT a.id, a.email, a.must_change_password,
                  admin_must_enrol_mfa(a.id) AS "must_enrol_mfa!",
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
        r#"SELECT a.id, a.email, a.display_name, a.created_at, a.last_login_at, a.must_change_password,
                  EXISTS (SELECT 1 FROM admin_mfa m WHERE m.admin_id = a.id AND m.confirmed_at IS NOT NULL)
                      AS "mfa_enabled!",
                  COALESCE(bool_or(r.mfa_required), false) AS "mfa_required!",
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
        must_change_password: r.must_change_password,
        mfa_enabled: r.mfa_enabled,
        mfa_required: r.mfa_required,
    }))
}

pub async fn count(db: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM admins"#)
        .fetch_one(db)
        .await
}

/// Why an admin could not be created or given roles.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    #[error("an admin with this email already exists")]
    EmailTaken,
    #[error("no role named `{0}`")]
    UnknownRole(String),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Creates an admin holding `roles` (names).
pub async fn create(
    conn: &mut PgConnection,
    email: &str,
    display_name: &str,
    password_hash: &str,
    roles: &[String],
) -> Result<Uuid, CreateError> {
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
    set_roles(conn, id, roles, None).await?;
    Ok(id)
}

/// Replaces an admin's roles with `roles` (names).
pub async fn set_roles(
    conn: &mut PgConnection,
    admin_id: Uuid,
    roles: &[String],
    granted_by: Option<Uuid>,
) -> Result<(), CreateError> {
    let found = sqlx::query!("SELECT id, name FROM roles WHERE name = ANY($1)", roles)
        .fetch_all(&mut *conn)
        .await?;
    if let Some(missing) = roles.iter().find(|name| !found.iter().any(|r| &r.name == *name)) {
        return Err(CreateError::UnknownRole(missing.clone()));
    }
    let ids: Vec<Uuid> = found.iter().map(|r| r.id).collect();
    sqlx::query!(
        "DELETE FROM admin_roles WHERE admin_id = $1 AND NOT (role_id = ANY($2))",
        admin_id,
        &ids
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "INSERT INTO admin_roles (admin_id, role_id, granted_by) SELECT $1, unnest($2::uuid[]), $3
         ON CONFLICT DO NOTHING",
        admin_id,
        &ids,
        granted_by
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Serialises changes that could leave the console without an enabled owner.
pub async fn lock_owners(conn: &mut PgConnection) -> sqlx::Result<()> {
    sqlx::query!("SELECT pg_advisory_xact_lock(hashtextextended('omni-admin:owners', 0))")
        .fetch_one(conn)
        .await?;
    Ok(())
}

/// Enabled owners other than `except`.
pub async fn other_enabled_owners(conn: &mut PgConnection, except: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM admins a
           JOIN admin_roles ar ON ar.admin_id = a.id JOIN roles r ON r.id = ar.role_id
           WHERE r.name = 'owner' AND a.disabled_at IS NULL AND a.id <> $1"#,
        except
    )
    .fetch_one(conn)
    .await
}

/// Filters of the admin list.
#[derive(Debug, Default)]
pub struct ListFilter {
    /// Part of the email or display name.
    pub q: Option<String>,
    pub disabled: Option<bool>,
    pub role: Option<String>,
}

/// Admins by email, after `(email, id)`.
pub async fn list(
    db: impl PgExecutor<'_>,
    f: &ListFilter,
    after: Option<(String, Uuid)>,
    limit: i64,
) -> sqlx::Result<Vec<Admin>> {
    let q = f.q.as_deref().map(super::contains_pattern);
    let (after_email, after_id) = after.unzip();
    sqlx::query_as!(
        Admin,
        r#"SELECT a.id, a.email, a.display_name, a.disabled_at IS NOT NULL AS "disabled!", a.disabled_at,
                  a.last_login_at, a.created_at, a.updated_at,
                  COALESCE((SELECT array_agg(r.name ORDER BY r.name) FROM admin_roles ar
                            JOIN roles r ON r.id = ar.role_id WHERE ar.admin_id = a.id), '{}') AS "roles!"
           FROM admins a
           WHERE ($1::text IS NULL OR a.email ILIKE $1 OR a.display_name ILIKE $1)
             AND ($2::bool IS NULL OR (a.disabled_at IS NOT NULL) = $2)
             AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM admin_roles ar JOIN roles r ON r.id = ar.role_id
                                             WHERE ar.admin_id = a.id AND r.name = $3))
             AND ($4::text IS NULL OR (lower(a.email), a.id) > ($4, $5))
           ORDER BY lower(a.email), a.id
           LIMIT $6"#,
        q,
        f.disabled,
        f.role,
        after_email,
        after_id,
        limit
    )
    .fetch_all(db)
    .await
}

pub async fn get(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<Admin>> {
    sqlx::query_as!(
        Admin,
        r#"SELECT a.id, a.email, a.display_name, a.disabled_at IS NOT NULL AS "disabled!", a.disabled_at,
                  a.last_login_at, a.created_at, a.updated_at,
                  COALESCE((SELECT array_agg(r.name ORDER BY r.name) FROM admin_roles ar
                            JOIN roles r ON r.id = ar.role_id WHERE ar.admin_id = a.id), '{}') AS "roles!"
           FROM admins a WHERE a.id = $1"#,
        id
    )
    .fetch_optional(db)
    .await
}

/// Locks the admin row for an update.
pub async fn lock(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<bool> {
    Ok(
        sqlx::query_scalar!("SELECT id FROM admins WHERE id = $1 FOR UPDATE", id)
            .fetch_optional(conn)
            .await?
            .is_some(),
    )
}

pub async fn update(
    conn: &mut PgConnection,
    id: Uuid,
    display_name: Option<&str>,
    disabled: Option<bool>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE admins SET
             display_name = COALESCE($2, display_name),
             disabled_at = CASE WHEN $3::bool IS NULL THEN disabled_at
                                WHEN $3 THEN COALESCE(disabled_at, now()) ELSE NULL END,
             updated_at = now()
         WHERE id = $1",
        id,
        display_name,
        disabled
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Revokes every session of an admin (disabling, password change).
pub async fn revoke_sessions(db: impl PgExecutor<'_>, admin_id: Uuid) -> sqlx::Result<u64> {
    Ok(sqlx::query!(
        "UPDATE refresh_tokens SET revoked_at = now() WHERE admin_id = $1 AND revoked_at IS NULL",
        admin_id
    )
    .execute(db)
    .await?
    .rows_affected())
}

/// The roles of an admin that grant `permission`, and whether the admin is enabled.
pub async fn granting_roles(db: impl PgExecutor<'_>, admin_id: Uuid, permission: &str) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        "SELECT r.name FROM admin_roles ar JOIN roles r ON r.id = ar.role_id
         JOIN role_permissions rp ON rp.role_id = r.id
         WHERE ar.admin_id = $1 AND rp.permission = $2 ORDER BY r.name",
        admin_id,
        permission
    )
    .fetch_all(db)
    .await
}

pub async fn record_login(db: impl PgExecutor<'_>, admin_id: Uuid, at: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query!("UPDATE admins SET last_login_at = $2 WHERE id = $1", admin_id, at)
        .execute(db)
        .await?;
    Ok(())
}

/// Stores a new password hash. `must_change` is set by an owner's reset and cleared when
/// the admin chooses their own.
pub async fn set_password(
    db: impl PgExecutor<'_>,
    admin_id: Uuid,
    password_hash: &str,
    must_change: bool,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE admins SET password_hash = $2, must_change_password = $3, password_changed_at = now(),
                           updated_at = now()
         WHERE id = $1",
        admin_id,
        password_hash,
        must_change
    )
    .execute(db)
    .await?;
    Ok(())
}
