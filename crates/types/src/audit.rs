//! The admin audit log as the API shows it (SPEC AUDIT-1..4).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What kind of caller made the change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    /// A signed-in admin.
    Admin,
    /// An integrator's API token.
    Token,
    /// Nobody signed in (e.g. a failed sign-in; the label is the email typed).
    Anonymous,
    /// The server itself or the CLI (bootstrap, `create-admin`).
    System,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AuditActor {
    pub kind: ActorKind,
    /// Admin or token id, when there is one.
    pub id: Option<Uuid>,
    /// Email, token name, or what was typed, as it was at the time.
    pub label: String,
}

/// One audit entry. `details` holds `before`/`after` for changes, secrets redacted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: Uuid,
    /// Position in the hash chain (1, 2, 3 ...).
    pub seq: i64,
    pub occurred_at: DateTime<Utc>,
    pub actor: AuditActor,
    /// Dotted action name, e.g. `auth.login.failed`.
    pub action: String,
    pub resource_type: String,
    pub resource_id: Option<String>,
    pub details: serde_json::Value,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub request_id: Option<String>,
    /// SHA-256 (hex) over the previous entry's hash and this entry's content.
    pub hash: String,
}

/// Filters shared by the list and the CSV export. All optional; combined with AND.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "server", into_params(parameter_in = Query))]
pub struct AuditFilter {
    /// Admin/token id, or part of the actor's label (email), case-insensitive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// Action, or a prefix of it: `auth.login` matches `auth.login.failed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    /// Entries at or after this time (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<DateTime<Utc>>,
    /// Entries before this time (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<DateTime<Utc>>,
    /// Full-text search over actor, action, resource, details, IP and request id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
}

/// Result of walking the hash chain (`GET /api/v1/audit/verify`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AuditVerification {
    /// True when every entry's hash matches its content and links to its predecessor.
    pub ok: bool,
    /// How many entries were checked.
    pub checked: i64,
    /// The first entry whose link is broken, if any.
    pub first_broken: Option<BrokenLink>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct BrokenLink {
    pub id: Uuid,
    pub seq: i64,
    pub occurred_at: DateTime<Utc>,
    /// `content_changed` (the row was altered) or `chain_broken` (a row was removed or
    /// inserted out of order).
    pub reason: String,
}
