use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

pub struct Row {
    pub secret_encrypted: Vec<u8>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub last_used_step: i64,
}

/// The admin's MFA row, locked for the rest of the transaction (code checks must not race).
pub async fn lock(conn: &mut PgConnection, admin_id: Uuid) -> sqlx::Result<Option<Row>> {
    sqlx::query_as!(
        Row,
        "SELECT secret_encrypted, confirmed_at, last_used_step FROM admin_mfa WHERE admin_id = $1 FOR UPDATE",
        admin_id
    )
    .fetch_optional(conn)
    .await
}

pub async fn is_enabled(db: impl PgExecutor<'_>, admin_id: Uuid) -> sqlx::Result<bool> {
    let found = sqlx::query_scalar!(
        "SELECT admin_id FROM admin_mfa WHERE admin_id = $1 AND confirmed_at IS NOT NULL",
        admin_id
    )
    .fetch_optional(db)
    .await?;
    Ok(found.is_some())
}

/// Starts (or restarts) a pending enrolment; never replaces a confirmed one.
pub async fn start(conn: &mut PgConnection, admin_id: Uuid, secret_encrypted: &[u8]) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "INSERT INTO admin_mfa (admin_id, secret_encrypted) VALUES ($1, $2)
         ON CONFLICT (admin_id) DO UPDATE SET secret_encrypted = EXCLUDED.secret_encrypted, created_at = now(),
                                             last_used_step = 0
         WHERE admin_mfa.confirmed_at IS NULL",
        admin_id,
        secret_encrypted
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records a used time step; false when it (or a later one) was used already.
pub async fn use_step(conn: &mut PgConnection, admin_id: Uuid, step: i64, confirm: bool) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "UPDATE admin_mfa SET last_used_step = $2,
                              confirmed_at = CASE WHEN $3 THEN COALESCE(confirmed_at, now()) ELSE confirmed_at END
         WHERE admin_id = $1 AND last_used_step < $2",
        admin_id,
        step,
        confirm
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn replace_backup_codes(conn: &mut PgConnection, admin_id: Uuid, hashes: &[Vec<u8>]) -> sqlx::Result<()> {
    sqlx::query!("DELETE FROM admin_backup_codes WHERE admin_id = $1", admin_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query!(
        "INSERT INTO admin_backup_codes (admin_id, code_hash) SELECT $1, unnest($2::bytea[])",
        admin_id,
        hashes
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Spends a backup code; false when it is unknown or spent.
pub async fn use_backup_code(conn: &mut PgConnection, admin_id: Uuid, hash: &[u8]) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "UPDATE admin_backup_codes SET used_at = now() WHERE admin_id = $1 AND code_hash = $2 AND used_at IS NULL",
        admin_id,
        hash
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn remaining_backup_codes(db: impl PgExecutor<'_>, admin_id: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM admin_backup_codes WHERE admin_id = $1 AND used_at IS NULL"#,
        admin_id
    )
    .fetch_one(db)
    .await
}

/// Removes MFA and backup codes; false when there was none.
pub async fn remove(conn: &mut PgConnection, admin_id: Uuid) -> sqlx::Result<bool> {
    sqlx::query!("DELETE FROM admin_backup_codes WHERE admin_id = $1", admin_id)
        .execute(&mut *conn)
        .await?;
    let done = sqlx::query!("DELETE FROM admin_mfa WHERE admin_id = $1", admin_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}
