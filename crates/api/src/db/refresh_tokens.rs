use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

use crate::http::client::ClientMeta;

pub struct NewToken<'a> {
    pub family_id: Uuid,
    pub admin_id: Uuid,
    pub token_hash: &'a [u8],
    pub expires_at: DateTime<Utc>,
}

pub async fn insert(db: impl PgExecutor<'_>, token: NewToken<'_>, meta: &ClientMeta) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO refresh_tokens (id, family_id, admin_id, token_hash, expires_at, ip, user_agent)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        Uuid::now_v7(),
        token.family_id,
        token.admin_id,
        token.token_hash,
        token.expires_at,
        meta.ip.map(ipnet::IpNet::from),
        meta.user_agent
    )
    .execute(db)
    .await?;
    Ok(())
}

pub struct StoredToken {
    pub id: Uuid,
    pub family_id: Uuid,
    pub admin_id: Uuid,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Finds a token by hash and locks it, so two concurrent refreshes cannot both rotate it.
pub async fn find_for_update(db: impl PgExecutor<'_>, token_hash: &[u8]) -> sqlx::Result<Option<StoredToken>> {
    sqlx::query_as!(
        StoredToken,
        "SELECT id, family_id, admin_id, expires_at, used_at, revoked_at
         FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE",
        token_hash
    )
    .fetch_optional(db)
    .await
}

pub async fn mark_used(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<()> {
    sqlx::query!("UPDATE refresh_tokens SET used_at = now() WHERE id = $1", id)
        .execute(db)
        .await?;
    Ok(())
}

/// Revokes every live token of a family; returns how many were live.
pub async fn revoke_family(db: impl PgExecutor<'_>, family_id: Uuid) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL",
        family_id
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}
