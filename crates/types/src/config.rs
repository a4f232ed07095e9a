//! The hub's configuration as one document (SPEC CFG-1): settings, organizations, MCP
//! servers with their tools' approval, hub users with their grants. Everything is keyed by
//! natural keys (organization slug, server name, user email within an organization) and
//! kept in a stable order (by those keys), so an export of an unchanged database is the
//! same text every time and a diff of two exports reads as what changed.
//!
//! Secrets never appear in plain text: an MCP server's auth header is a reference,
//! `${ENV_NAME}`, resolved from the environment of whoever applies the document.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::hub_users::HubRole;
use crate::mcp::{ToolStatus, Transport};
use crate::orgs::Plan;

/// The version of the format this build reads and writes.
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    pub version: u32,
    #[serde(default)]
    pub settings: Settings,
    /// By slug.
    #[serde(default)]
    pub organizations: Vec<Organization>,
    /// By name.
    #[serde(default)]
    pub mcp_servers: Vec<McpServer>,
    /// By organization, then email.
    #[serde(default)]
    pub users: Vec<User>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Token prices per model, by model name.
    #[serde(default)]
    pub model_prices: Vec<crate::usage::ModelPrice>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organization {
    pub slug: String,
    pub name: String,
    pub plan: Plan,
    #[serde(default)]
    pub monthly_budget_cents: Option<i64>,
    #[serde(default)]
    pub rate_limit_per_minute: Option<i32>,
    /// Names of the only MCP servers its users may call (absent: every server).
    #[serde(default)]
    pub allowed_mcp_servers: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct McpServer {
    pub name: String,
    /// The name the server has now, when this document renames it. Never exported; an
    /// apply renames the row in place (its history, grants and secret stay with it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    #[serde(default)]
    pub description: String,
    pub transport: Transport,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub command: Option<String>,
    #[serde(default)]
    pub args: Vec<String>,
    #[serde(default)]
    pub auth_header_name: Option<String>,
    /// A reference, `${ENV_NAME}`, never the value.
    #[serde(default)]
    pub auth_header: Option<String>,
    pub timeout_ms: i32,
    pub degraded_threshold_ms: i32,
    pub check_interval_seconds: i32,
    #[serde(default)]
    pub tags: Vec<String>,
    /// The owning organization's slug (absent: a global server).
    #[serde(default)]
    pub organization: Option<String>,
    pub enabled: bool,
    pub require_tool_approval: bool,
    /// Discovered tools and their approval, by name.
    #[serde(default)]
    pub tools: BTreeMap<String, ToolStatus>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    pub email: String,
    /// The organization's slug.
    pub organization: String,
    pub name: String,
    pub role: HubRole,
    pub enabled: bool,
    #[serde(default)]
    pub external_ids: BTreeMap<String, String>,
    /// Grants by server name: tool names, or `["*"]` for every tool.
    #[serde(default)]
    pub permissions: BTreeMap<String, Vec<String>>,
}

/// The environment variable an MCP server's auth header is exported as:
/// `OMNI_SECRET_<NAME>_AUTH_HEADER`, the name upper-cased with every other character `_`.
pub fn auth_header_variable(server: &str) -> String {
    let name: String = server
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("OMNI_SECRET_{name}_AUTH_HEADER")
}

/// The variable a `${NAME}` reference names, if the text is one.
pub fn reference(text: &str) -> Option<&str> {
    let name = text.strip_prefix("${")?.strip_suffix('}')?;
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    valid.then_some(name)
}

// ---- The API's messages ----

/// A document to check, diff or apply.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DocumentRequest {
    /// The YAML text.
    pub document: String,
    /// Values for the document's `${NAME}` references, from the applying side's
    /// environment (the CLI sends the ones it has). Never stored or echoed.
    #[serde(default)]
    pub secrets: BTreeMap<String, String>,
}

crate::wire_enum! {
    /// How bad a problem is: errors stop an apply, warnings don't.
    Severity {
        Error => "error",
        Warning => "warning",
    }
}

/// One problem in a document, where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct DocumentProblem {
    pub severity: Severity,
    /// The field's path, e.g. `mcp_servers[2].timeout_ms` (empty for the whole document).
    pub path: String,
    /// 1-based line and column of the value (or of its key, for a missing field).
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// How many entities a document holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Counts {
    pub organizations: u32,
    pub mcp_servers: u32,
    pub users: u32,
    pub model_prices: u32,
}

/// The result of checking a document: every problem at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Validation {
    /// No errors (warnings allowed).
    pub valid: bool,
    pub problems: Vec<DocumentProblem>,
    pub counts: Counts,
}

crate::wire_enum! {
    /// The kinds of entity a document holds.
    EntityKind {
        Organization => "organization",
        McpServer => "mcp_server",
        User => "hub_user",
        ModelPrice => "model_price",
    }
}

crate::wire_enum! {
    ChangeAction {
        Created => "created",
        Updated => "updated",
        Deleted => "deleted",
    }
}

/// One field's change. A secret's values are never shown: `secret` is true and `old` and
/// `new` say only whether one is set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct FieldChange {
    pub field: String,
    pub old: Value,
    pub new: Value,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub secret: bool,
}

/// One entity's change, by its natural key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Change {
    pub kind: EntityKind,
    /// Slug, server name, `org-slug/email`, or model name (the new one when renamed).
    pub key: String,
    pub action: ChangeAction,
    /// The key before, when renamed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    /// For updates: what changed. Empty for creates and deletes.
    pub fields: Vec<FieldChange>,
}

/// How many entities a change set creates, updates and deletes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ChangeSummary {
    pub created: u32,
    pub updated: u32,
    pub deleted: u32,
}

impl ChangeSummary {
    pub fn of(changes: &[Change]) -> Self {
        let mut s = ChangeSummary::default();
        for c in changes {
            match c.action {
                ChangeAction::Created => s.created += 1,
                ChangeAction::Updated => s.updated += 1,
                ChangeAction::Deleted => s.deleted += 1,
            }
        }
        s
    }

    pub fn is_empty(&self) -> bool {
        self.created + self.updated + self.deleted == 0
    }
}

crate::wire_enum! {
    LineTag {
        Equal => "equal",
        Delete => "delete",
        Insert => "insert",
        Replace => "replace",
    }
}

/// One row of a side-by-side diff: the old line on the left, the new on the right.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct DiffRow {
    pub tag: LineTag,
    /// 1-based line number in the old text, and the line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_line: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_line: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_text: Option<String>,
}

/// A run of rows around changes (three lines of context), like a unified diff's hunk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct DiffHunk {
    pub rows: Vec<DiffRow>,
}

/// What applying a document (or rolling back) changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Diff {
    /// The state the diff was computed against: pass it to apply as `base_state`.
    pub base_state: String,
    /// The state the apply leads to.
    pub target_state: String,
    pub summary: ChangeSummary,
    pub changes: Vec<Change>,
    /// The two YAML forms side by side (secrets as references), changed parts only.
    pub text: Vec<DiffHunk>,
    /// Warnings the document raised (errors make the request fail).
    pub warnings: Vec<DocumentProblem>,
    /// Three-way: what changed in the console since the last apply (the drift this
    /// apply overwrites). Empty when nothing was applied yet or nothing drifted.
    pub console_changes: Vec<Change>,
}

crate::wire_enum! {
    /// Where a snapshot's document came from.
    SnapshotSource {
        /// A file, applied with the CLI.
        File => "file",
        /// The console's editor or import.
        Ui => "ui",
        /// The REST API.
        Api => "api",
        /// A rollback to an earlier snapshot.
        Rollback => "rollback",
    }
}

/// An apply: the document, and the state its diff was reviewed against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ApplyRequest {
    pub document: String,
    #[serde(default)]
    pub secrets: BTreeMap<String, String>,
    /// The `base_state` of the reviewed diff; the apply answers 409 if the database has
    /// changed since. Required unless `dry_run`.
    #[serde(default)]
    pub base_state: Option<String>,
    /// Only compute the diff.
    #[serde(default)]
    pub dry_run: bool,
    /// Defaults to `api`; `rollback` is not accepted here.
    #[serde(default)]
    pub source: Option<SnapshotSource>,
    /// A note kept with the snapshot (e.g. the commit).
    #[serde(default)]
    pub message: Option<String>,
}

/// A rollback: the state its preview was reviewed against.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RollbackRequest {
    #[serde(default)]
    pub base_state: Option<String>,
    #[serde(default)]
    pub dry_run: bool,
}

/// Who made a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SnapshotActor {
    pub id: Option<Uuid>,
    /// The admin's email or the token's name, as at the time.
    pub label: String,
}

/// A snapshot without its document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SnapshotSummary {
    pub id: Uuid,
    pub created_at: DateTime<Utc>,
    pub actor: SnapshotActor,
    pub source: SnapshotSource,
    /// The state the apply led to.
    pub state: String,
    pub summary: ChangeSummary,
    pub counts: Counts,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// For a rollback: the snapshot rolled back to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rolled_back_to: Option<Uuid>,
}

/// A snapshot with the document it stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Snapshot {
    #[serde(flatten)]
    pub summary: SnapshotSummary,
    pub document: String,
}

/// What an apply or rollback did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ApplyOutcome {
    /// False for a dry run.
    pub applied: bool,
    pub diff: Diff,
    /// The snapshot the apply stored (none for a dry run, or an apply that changed
    /// nothing on an undrifted state).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<SnapshotSummary>,
}

/// Where the live configuration came from (SPEC CFG-6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ConfigStatus {
    /// The current state's id (the export's `ETag`).
    pub state: String,
    /// The last apply or rollback, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_snapshot: Option<SnapshotSummary>,
    /// The state differs from what the last apply left.
    pub drifted: bool,
    /// What changed in the console since the last apply.
    pub console_changes: Vec<Change>,
    pub counts: Counts,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_exported_as_references_that_read_back() {
        let variable = auth_header_variable("github.enterprise-v2");
        assert_eq!(variable, "OMNI_SECRET_GITHUB_ENTERPRISE_V2_AUTH_HEADER");
        assert_eq!(reference(&format!("${{{variable}}}")), Some(variable.as_str()));
        for not in ["Bearer abc", "${}", "${lower}", "${1A}", "$ABC", "${A B}", "{ABC}"] {
            assert_eq!(reference(not), None, "{not}");
        }
    }
}
