//! `config_snapshots`: what each configuration apply or rollback left (SPEC CFG-5).

use chrono::{DateTime, Utc};
use omni_types::config::{ChangeSummary, Counts, Snapshot, SnapshotActor, SnapshotSource, SnapshotSummary};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

/// A snapshot to store.
pub struct NewSnapshot<'a> {
    pub actor_admin_id: Option<Uuid>,
    pub actor_label: &'a str,
    pub source: SnapshotSource,
    pub state: &'a str,
    pub summary: ChangeSummary,
    pub counts: Counts,
    pub message: Option<&'a str>,
    pub rolled_back_to: Option<Uuid>,
    pub document: &'a str,
    /// Server name → its sealed auth header.
    pub secrets: &'a [(String, Vec<u8>)],
}

struct Row {
    id: Uuid,
    created_at: DateTime<Utc>,
    actor_admin_id: Option<Uuid>,
    actor_label: String,
    source: String,
    state: String,
    created: i32,
    updated: i32,
    deleted: i32,
    counts: serde_json::Value,
    message: Option<String>,
    rolled_back_to: Option<Uuid>,
}

impl Row {
    fn summary(self) -> SnapshotSummary {
        let count = |n: i32| u32::try_from(n).unwrap_or_default();
        SnapshotSummary {
            id: self.id,
            created_at: self.created_at,
            actor: SnapshotActor {
                id: self.actor_admin_id,
                label: self.actor_label,
            },
            source: self.source.parse().unwrap_or(SnapshotSource::Api),
            state: self.state,
            summary: ChangeSummary {
                created: count(self.created),
                updated: count(self.updated),
                deleted: count(self.deleted),
            },
            counts: serde_json::from_value(self.counts).unwrap_or_default(),
            message: self.message,
            rolled_back_to: self.rolled_back_to,
        }
    }
}

pub async fn insert(conn: &mut PgConnection, s: &NewSnapshot<'_>) -> sqlx::Result<SnapshotSummary> {
    let names: Vec<&str> = s.secrets.iter().map(|(n, _)| n.as_str()).collect();
    let values: Vec<&[u8]> = s.secrets.iter().map(|(_, v)| v.as_slice()).collect();
    let count = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    let row = sqlx::query_as!(
        Row,
        "INSERT INTO config_snapshots (id, created_at, actor_admin_id, actor_label, source, state, created, updated,
                                       deleted, counts, message, rolled_back_to, document, secret_names, secret_values)
         VALUES ($1, clock_timestamp(), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         RETURNING id, created_at, actor_admin_id, actor_label, source, state, created, updated, deleted, counts,
                   message, rolled_back_to",
        Uuid::now_v7(),
        s.actor_admin_id,
        s.actor_label,
        s.source.as_str(),
        s.state,
        count(s.summary.created),
        count(s.summary.updated),
        count(s.summary.deleted),
        serde_json::to_value(s.counts).unwrap_or_default(),
        s.message,
        s.rolled_back_to,
        s.document,
        &names as &[&str],
        &values as &[&[u8]]
    )
    .fetch_one(conn)
    .await?;
    Ok(row.summary())
}

/// Newest first, after the cursor's (created_at, id).
pub async fn list(
    db: impl PgExecutor<'_>,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> sqlx::Result<Vec<SnapshotSummary>> {
    let (at, id) = after.unzip();
    let rows = sqlx::query_as!(
        Row,
        "SELECT id, created_at, actor_admin_id, actor_label, source, state, created, updated, deleted, counts,
                message, rolled_back_to
         FROM config_snapshots
         WHERE $1::timestamptz IS NULL OR (created_at, id) < ($1, $2)
         ORDER BY created_at DESC, id DESC LIMIT $3",
        at,
        id,
        limit
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Row::summary).collect())
}

/// The last apply or rollback.
pub async fn latest(conn: &mut PgConnection) -> sqlx::Result<Option<Snapshot>> {
    let id = sqlx::query_scalar!("SELECT id FROM config_snapshots ORDER BY created_at DESC, id DESC LIMIT 1")
        .fetch_optional(&mut *conn)
        .await?;
    match id {
        Some(id) => get(conn, id).await,
        None => Ok(None),
    }
}

pub async fn get(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<Snapshot>> {
    let row = sqlx::query!(
        "SELECT id, created_at, actor_admin_id, actor_label, source, state, created, updated, deleted, counts,
                message, rolled_back_to, document
         FROM config_snapshots WHERE id = $1",
        id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| Snapshot {
        document: r.document,
        summary: Row {
            id: r.id,
            created_at: r.created_at,
            actor_admin_id: r.actor_admin_id,
            actor_label: r.actor_label,
            source: r.source,
            state: r.state,
            created: r.created,
            updated: r.updated,
            deleted: r.deleted,
            counts: r.counts,
            message: r.message,
            rolled_back_to: r.rolled_back_to,
        }
        .summary(),
    }))
}

/// A snapshot's sealed secrets, by server name (for a rollback).
pub async fn secrets(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Vec<(String, Vec<u8>)>> {
    let row = sqlx::query!(
        "SELECT secret_names, secret_values FROM config_snapshots WHERE id = $1",
        id
    )
    .fetch_optional(db)
    .await?;
    Ok(row
        .map(|r| r.secret_names.into_iter().zip(r.secret_values).collect())
        .unwrap_or_default())
}
