use omni_types::rbac::Role;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

/// Roles ordered by name, after `after`, at most `limit` rows.
pub async fn list(db: impl PgExecutor<'_>, after: Option<&str>, limit: i64) -> sqlx::Result<Vec<Role>> {
    sqlx::query_as!(
        Role,
        r#"SELECT r.id, r.name, r.description, r.built_in, r.mfa_required, r.created_at, r.updated_at,
                  COALESCE((SELECT array_agg(rp.permission ORDER BY rp.permission)
                            FROM role_permissions rp WHERE rp.role_id = r.id), '{}') AS "permissions!",
                  (SELECT count(*) FROM admin_roles ar WHERE ar.role_id = r.id) AS "admin_count!"
           FROM roles r
           WHERE $1::text IS NULL OR r.name > $1
           ORDER BY r.name
           LIMIT $2"#,
        after,
        limit
    )
    .fetch_all(db)
    .await
}

pub async fn get(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<Role>> {
    sqlx::query_as!(
        Role,
        r#"SELECT r.id, r.name, r.description, r.built_in, r.mfa_required, r.created_at, r.updated_at,
                  COALESCE((SELECT array_agg(rp.permission ORDER BY rp.permission)
                            FROM role_permissions rp WHERE rp.role_id = r.id), '{}') AS "permissions!",
                  (SELECT count(*) FROM admin_roles ar WHERE ar.role_id = r.id) AS "admin_count!"
           FROM roles r WHERE r.id = $1"#,
        id
    )
    .fetch_optional(db)
    .await
}

/// Creates a role; `None` when the name is taken.
pub async fn create(
    conn: &mut PgConnection,
    name: &str,
    description: &str,
    mfa_required: bool,
    permissions: &[String],
) -> sqlx::Result<Option<Uuid>> {
    let id = sqlx::query_scalar!(
        "INSERT INTO roles (id, name, description, mfa_required) VALUES ($1, $2, $3, $4)
         ON CONFLICT (name) DO NOTHING RETURNING id",
        Uuid::now_v7(),
        name,
        description,
        mfa_required
    )
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(id) = id {
        set_permissions(conn, id, permissions).await?;
    }
    Ok(id)
}

pub async fn lock(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<bool> {
    Ok(sqlx::query_scalar!("SELECT id FROM roles WHERE id = $1 FOR UPDATE", id)
        .fetch_optional(conn)
        .await?
        .is_some())
}

/// Updates the given fields; `Ok(false)` when the new name is taken.
pub async fn update(
    conn: &mut PgConnection,
    id: Uuid,
    name: Option<&str>,
    description: Option<&str>,
    mfa_required: Option<bool>,
) -> sqlx::Result<bool> {
    if let Some(name) = name {
        let taken = sqlx::query_scalar!("SELECT id FROM roles WHERE name = $1 AND id <> $2", name, id)
            .fetch_optional(&mut *conn)
            .await?;
        if taken.is_some() {
            return Ok(false);
        }
    }
    sqlx::query!(
        "UPDATE roles SET name = COALESCE($2, name), description = COALESCE($3, description),
                          mfa_required = COALESCE($4, mfa_required), updated_at = now()
         WHERE id = $1",
        id,
        name,
        description,
        mfa_required
    )
    .execute(conn)
    .await?;
    Ok(true)
}

pub async fn set_permissions(conn: &mut PgConnection, id: Uuid, permissions: &[String]) -> sqlx::Result<()> {
    sqlx::query!(
        "DELETE FROM role_permissions WHERE role_id = $1 AND NOT (permission = ANY($2))",
        id,
        permissions
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "INSERT INTO role_permissions (role_id, permission) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING",
        id,
        permissions
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delete(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<()> {
    sqlx::query!("DELETE FROM roles WHERE id = $1", id)
        .execute(conn)
        .await?;
    Ok(())
}
