use omni_types::rbac::Role;
use sqlx::PgExecutor;

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
