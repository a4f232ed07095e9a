//! Reading the audit log: filtered keyset pages, CSV export rows, chain verification.

use chrono::{DateTime, Utc};
use omni_types::audit::{ActorKind, AuditActor, AuditEntry, AuditFilter, AuditVerification, BrokenLink};
use sqlx::{PgExecutor, Postgres, QueryBuilder};
use uuid::Uuid;

/// A checked [`AuditFilter`].
pub type Filter = AuditFilter;

#[derive(sqlx::FromRow)]
pub struct Row {
    pub id: Uuid,
    pub seq: i64,
    pub occurred_at: DateTime<Utc>,
    pub actor_kind: String,
    pub actor_id: Option<Uuid>,
    pub actor_label: String,
    pub action: String,
    pub resource_type: String,
    pub resource_id: Option<String>,
    pub details: serde_json::Value,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub request_id: Option<String>,
    pub hash: String,
}

impl From<Row> for AuditEntry {
    fn from(r: Row) -> Self {
        let kind = match r.actor_kind.as_str() {
            "admin" => ActorKind::Admin,
            "token" => ActorKind::Token,
            "system" => ActorKind::System,
            _ => ActorKind::Anonymous,
        };
        AuditEntry {
            id: r.id,
            seq: r.seq,
            occurred_at: r.occurred_at,
            actor: AuditActor {
                kind,
                id: r.actor_id,
                label: r.actor_label,
            },
            action: r.action,
            resource_type: r.resource_type,
            resource_id: r.resource_id,
            details: r.details,
            ip: r.ip,
            user_agent: r.user_agent,
            request_id: r.request_id,
            hash: r.hash,
        }
    }
}

const COLUMNS: &str = "SELECT id, seq, occurred_at, actor_kind, CASE actor_kind WHEN 'token' THEN actor_token_id ELSE actor_admin_id END AS actor_id, \
     actor_label, action, resource_type, resource_id, details, host(ip) AS ip, user_agent, request_id, \
     encode(hash, 'hex') AS hash FROM admin_audit_log";

fn push_filter(qb: &mut QueryBuilder<Postgres>, f: &Filter) {
    qb.push(" WHERE true");
    if let Some(actor) = &f.actor {
        match actor.parse::<Uuid>() {
            Ok(id) => {
                qb.push(" AND (actor_admin_id = ")
                    .push_bind(id)
                    .push(" OR actor_token_id = ")
                    .push_bind(id)
                    .push(")");
            }
            Err(_) => {
                qb.push(" AND actor_label ILIKE ")
                    .push_bind(super::contains_pattern(actor));
            }
        }
    }
    if let Some(action) = &f.action {
        qb.push(" AND action LIKE ").push_bind(super::prefix_pattern(action));
    }
    if let Some(t) = &f.resource_type {
        qb.push(" AND resource_type = ").push_bind(t.clone());
    }
    if let Some(id) = &f.resource_id {
        qb.push(" AND resource_id = ").push_bind(id.clone());
    }
    if let Some(from) = f.from {
        qb.push(" AND occurred_at >= ").push_bind(from);
    }
    if let Some(to) = f.to {
        qb.push(" AND occurred_at < ").push_bind(to);
    }
    if let Some(q) = &f.q {
        qb.push(" AND admin_audit_log_document(admin_audit_log) @@ websearch_to_tsquery('simple', ")
            .push_bind(q.clone())
            .push(")");
    }
}

/// Newest first; `before_seq` is the keyset position.
pub async fn list(db: impl PgExecutor<'_>, f: &Filter, before_seq: Option<i64>, limit: i64) -> sqlx::Result<Vec<Row>> {
    let mut qb = QueryBuilder::new(COLUMNS);
    push_filter(&mut qb, f);
    if let Some(seq) = before_seq {
        qb.push(" AND seq < ").push_bind(seq);
    }
    qb.push(" ORDER BY seq DESC LIMIT ").push_bind(limit);
    qb.build_query_as::<Row>().fetch_all(db).await
}

pub async fn get(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<Row>> {
    let mut qb = QueryBuilder::new(COLUMNS);
    qb.push(" WHERE id = ").push_bind(id);
    qb.build_query_as::<Row>().fetch_optional(db).await
}

/// The query for every matching row, oldest first. The caller streams it (`fetch`), so
/// an export never holds the whole set in memory.
pub fn export_query(f: &Filter) -> QueryBuilder<Postgres> {
    let mut qb = QueryBuilder::new(COLUMNS);
    push_filter(&mut qb, f);
    qb.push(" ORDER BY seq");
    qb
}

/// Recomputes every hash in seq order; reports the first entry that does not match.
pub async fn verify(db: impl PgExecutor<'_>) -> sqlx::Result<AuditVerification> {
    let row = sqlx::query!(
        r#"WITH chain AS (
               SELECT a.id, a.seq, a.occurred_at, a.hash, a.prev_hash,
                      coalesce(lag(a.hash) OVER (ORDER BY a.seq), ''::bytea) AS expected_prev,
                      sha256(a.prev_hash || admin_audit_log_content(a)) AS recomputed
               FROM admin_audit_log a
           ), broken AS (
               SELECT id, seq, occurred_at,
                      CASE WHEN hash <> recomputed THEN 'content_changed' ELSE 'chain_broken' END AS reason
               FROM chain
               WHERE hash <> recomputed OR prev_hash <> expected_prev
               ORDER BY seq LIMIT 1
           )
           SELECT (SELECT count(*) FROM chain) AS "checked!",
                  broken.id AS "id?", broken.seq AS "seq?", broken.occurred_at AS "occurred_at?",
                  broken.reason AS "reason?"
           FROM (SELECT 1) AS one LEFT JOIN broken ON true"#
    )
    .fetch_one(db)
    .await?;
    let first_broken = match (row.id, row.seq, row.occurred_at, row.reason) {
        (Some(id), Some(seq), Some(occurred_at), Some(reason)) => Some(BrokenLink {
            id,
            seq,
            occurred_at,
            reason,
        }),
        _ => None,
    };
    Ok(AuditVerification {
        ok: first_broken.is_none(),
        checked: row.checked,
        first_broken,
    })
}
