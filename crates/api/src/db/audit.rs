//! Writes to `admin_audit_log` (SPEC AUDIT-1). Always inside the caller's transaction,
//! so the entry and the change it describes commit together.

use serde_json::Value;
use sqlx::PgExecutor;
use uuid::Uuid;

use crate::auth::principal::Credential;
use crate::http::client::ClientMeta;

/// Who did it.
#[derive(Debug, Clone)]
pub enum Actor {
    Admin {
        id: Uuid,
        email: String,
    },
    /// Not signed in (a failed login: the label is the email typed).
    Anonymous {
        label: String,
    },
    /// An integrator's API token.
    Token {
        id: Uuid,
        creator: Uuid,
        label: String,
    },
    /// The CLI or the server itself (bootstrap).
    System {
        label: String,
    },
}

impl Actor {
    /// (kind, admin id, token id, label) as stored.
    fn parts(&self) -> (&'static str, Option<Uuid>, Option<Uuid>, &str) {
        match self {
            Actor::Admin { id, email } => ("admin", Some(*id), None, email),
            Actor::Token { id, creator, label } => ("token", Some(*creator), Some(*id), label),
            Actor::Anonymous { label } => ("anonymous", None, None, label),
            Actor::System { label } => ("system", None, None, label),
        }
    }
}

impl From<&crate::auth::Principal> for Actor {
    fn from(p: &crate::auth::Principal) -> Self {
        match &p.via {
            Credential::Session { .. } => Actor::Admin {
                id: p.admin_id,
                email: p.email.clone(),
            },
            Credential::Token { token_id, name } => Actor::Token {
                id: *token_id,
                creator: p.admin_id,
                label: format!("{name} (token of {})", p.email),
            },
        }
    }
}

pub struct Entry<'a> {
    pub actor: Actor,
    pub action: &'a str,
    pub resource_type: &'a str,
    pub resource_id: Option<String>,
    pub details: Value,
}

pub async fn record(db: impl PgExecutor<'_>, entry: Entry<'_>, meta: &ClientMeta) -> sqlx::Result<()> {
    let (actor_kind, actor_admin_id, actor_token_id, actor_label) = entry.actor.parts();
    sqlx::query!(
        "INSERT INTO admin_audit_log
             (id, actor_kind, actor_admin_id, actor_token_id, actor_label, action, resource_type, resource_id,
              details, ip, user_agent, request_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        Uuid::now_v7(),
        actor_kind,
        actor_admin_id,
        actor_token_id,
        actor_label,
        entry.action,
        entry.resource_type,
        entry.resource_id,
        entry.details,
        meta.ip.map(ipnet::IpNet::from),
        meta.user_agent,
        meta.request_id
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Records entries by one actor in one statement (a configuration apply writes one per
/// entity it changes). The chain trigger orders them as given.
pub async fn record_many(
    db: impl PgExecutor<'_>,
    actor: &Actor,
    entries: &[Entry<'_>],
    meta: &ClientMeta,
) -> sqlx::Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let (actor_kind, actor_admin_id, actor_token_id, actor_label) = actor.parts();
    let ids: Vec<Uuid> = entries.iter().map(|_| Uuid::now_v7()).collect();
    let actions: Vec<&str> = entries.iter().map(|e| e.action).collect();
    let types: Vec<&str> = entries.iter().map(|e| e.resource_type).collect();
    let resources: Vec<Option<String>> = entries.iter().map(|e| e.resource_id.clone()).collect();
    let details: Vec<Value> = entries.iter().map(|e| e.details.clone()).collect();
    sqlx::query!(
        "INSERT INTO admin_audit_log
             (id, actor_kind, actor_admin_id, actor_token_id, actor_label, action, resource_type, resource_id,
              details, ip, user_agent, request_id)
         SELECT e.id, $2, $3, $4, $5, e.action, e.resource_type, e.resource_id, e.details, $9, $10, $11
         FROM unnest($1::uuid[], $6::text[], $7::text[], $8::text[], $12::jsonb[])
              WITH ORDINALITY AS e(id, action, resource_type, resource_id, details, n)
         ORDER BY e.n",
        &ids,
        actor_kind,
        actor_admin_id,
        actor_token_id,
        actor_label,
        &actions as &[&str],
        &types as &[&str],
        &resources as &[Option<String>],
        meta.ip.map(ipnet::IpNet::from),
        meta.user_agent,
        meta.request_id,
        &details
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Audit action names, one place for all of them.
pub mod actions {
    pub const LOGIN_SUCCEEDED: &str = "auth.login.succeeded";
    pub const LOGIN_FAILED: &str = "auth.login.failed";
    pub const LOGIN_MFA_CHALLENGED: &str = "auth.login.mfa_challenged";
    pub const LOGIN_RATE_LIMITED: &str = "auth.login.rate_limited";
    pub const LOGOUT: &str = "auth.logout";
    pub const REFRESH_REUSE: &str = "auth.refresh.reuse_detected";
    pub const ADMIN_CREATED: &str = "admin.created";
    pub const AUDIT_EXPORTED: &str = "audit.exported";
    pub const CONFIG_EXPORTED: &str = "config.exported";
    pub const CONFIG_APPLIED: &str = "config.applied";
    pub const CONFIG_ROLLED_BACK: &str = "config.rolled_back";
}
