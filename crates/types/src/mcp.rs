//! MCP servers, their health and their tools (SPEC MCP-1..4).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::orgs::OrgRef;
use crate::wire::present;
use crate::wire_enum;

wire_enum! {
    /// How the hub talks to the server.
    Transport {
        /// MCP Streamable HTTP at `url`; the admin plane checks its health itself.
        StreamableHttp => "streamable_http",
        /// A local process the hub runs (`command` + `args`); the hub reports its health.
        Stdio => "stdio",
    }
}

wire_enum! {
    /// A server's health, as the latest check (or hub report) found it.
    HealthStatus {
        /// Answered `initialize` and `tools/list` within its degraded threshold.
        Up => "up",
        /// Slower than its threshold, or `tools/list` failed after `initialize`.
        Degraded => "degraded",
        /// Connection, timeout or protocol failure.
        Down => "down",
        /// The server answered 401/403: its auth header is missing or wrong.
        AuthRequired => "auth_required",
        /// Not checked while disabled.
        Disabled => "disabled",
        /// Never checked yet.
        Unknown => "unknown",
    }
}

wire_enum! {
    /// Whether the hub may offer a tool.
    ToolStatus {
        Approved => "approved",
        /// New or changed on a server that requires approval: waits for an admin.
        Pending => "pending",
        Rejected => "rejected",
    }
}

wire_enum! {
    /// What happened to a tool between two checks.
    ToolChangeKind {
        Added => "added",
        Removed => "removed",
        /// Title, description, input or output schema, or annotations differ.
        Changed => "changed",
    }
}

wire_enum! {
    /// Where a tool change stands.
    ToolChangeStatus {
        /// Took effect at once (the server does not require approval).
        Applied => "applied",
        Pending => "pending",
        Approved => "approved",
        Rejected => "rejected",
        /// Overtaken: the server changed the tool again before anyone decided.
        Superseded => "superseded",
    }
}

wire_enum! {
    /// Where a health record came from.
    HealthSource {
        /// An MCP session the admin plane opened (on demand or on schedule).
        Check => "check",
        /// Posted by the hub for a server it runs (stdio).
        Report => "report",
    }
}

/// A registered MCP server. Its auth header value is never returned: only whether one
/// is set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct McpServer {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub transport: Transport,
    /// Streamable HTTP endpoint (for `streamable_http`).
    pub url: Option<String>,
    /// Command the hub runs (for `stdio`).
    pub command: Option<String>,
    pub args: Vec<String>,
    pub auth_header_name: String,
    /// Whether an auth header value is stored (encrypted; never shown).
    pub auth_header_set: bool,
    pub timeout_ms: i32,
    pub degraded_threshold_ms: i32,
    pub check_interval_seconds: i32,
    pub tags: Vec<String>,
    /// The organization that owns the server (only its users may call it); `null`: global.
    pub organization: Option<OrgRef>,
    pub enabled: bool,
    pub require_tool_approval: bool,
    pub status: HealthStatus,
    pub last_checked_at: Option<DateTime<Utc>>,
    pub last_latency_ms: Option<i32>,
    pub last_error: Option<String>,
    pub protocol_version: Option<String>,
    pub server_name: Option<String>,
    pub server_version: Option<String>,
    pub next_check_at: Option<DateTime<Utc>>,
    /// Tools discovered by the latest successful check.
    pub tool_count: i64,
    /// Tool changes waiting for approval.
    pub pending_tool_changes: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `POST /api/v1/mcp-servers`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CreateMcpServer {
    /// Unique, lowercase: letters, digits, `.`, `_`, `-` (at most 63).
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub transport: Transport,
    /// Required for `streamable_http`: an `http` or `https` URL with a host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Required for `stdio`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    #[serde(default)]
    pub args: Vec<String>,
    /// Header name for `auth_header` (default `Authorization`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_header_name: Option<String>,
    /// Header value sent to the server, e.g. `Bearer …`. Stored encrypted, never returned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_header: Option<String>,
    /// 100 to 120000 (default 10000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<i32>,
    /// Slower than this is `degraded` (default 2000; below `timeout_ms`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub degraded_threshold_ms: Option<i32>,
    /// 10 to 86400 (default 60).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_interval_seconds: Option<i32>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Owning organization; absent or `null`: a global server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<Uuid>,
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default)]
    pub require_tool_approval: bool,
}

fn yes() -> bool {
    true
}

/// `PATCH /api/v1/mcp-servers/{id}`: only the fields present change. `auth_header`:
/// absent keeps the stored value, `null` removes it, a string replaces it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct UpdateMcpServer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transport: Option<Transport>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub args: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_header_name: Option<String>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "server", schema(value_type = Option<String>))]
    pub auth_header: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub degraded_threshold_ms: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_interval_seconds: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// An organization id, or `null` to make the server global. Grants of users outside
    /// the new owner are dropped.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "server", schema(value_type = Option<Uuid>))]
    pub organization_id: Option<Option<Uuid>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_tool_approval: Option<bool>,
}

/// One health check or hub report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct HealthCheck {
    pub id: Uuid,
    pub server_id: Uuid,
    pub checked_at: DateTime<Utc>,
    pub source: HealthSource,
    pub status: HealthStatus,
    pub latency_ms: Option<i32>,
    pub error: Option<String>,
    pub protocol_version: Option<String>,
    pub server_name: Option<String>,
    pub server_version: Option<String>,
    pub tool_count: Option<i32>,
}

/// `POST /api/v1/mcp-servers/{id}/health-check`: the check that just ran, and the
/// server as it now stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct HealthCheckResult {
    pub check: HealthCheck,
    pub server: McpServer,
    /// Tool changes this check recorded.
    pub tool_changes: Vec<ToolChange>,
}

/// `POST /api/v1/mcp-servers/{id}/health-reports`: the hub's word on a server it runs.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct HealthReport {
    /// `up`, `degraded`, `down` or `auth_required`.
    pub status: HealthStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_version: Option<String>,
    /// When the hub observed it (default: now): within the last 24 hours (and at most 5
    /// minutes ahead). A report older than the server's latest is kept as history only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_at: Option<DateTime<Utc>>,
}

/// A tool a server offers, as the latest check found it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct McpTool {
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    /// JSON Schema of the arguments.
    pub input_schema: Value,
    pub output_schema: Option<Value>,
    /// MCP tool annotations (`readOnlyHint`, `destructiveHint`, …).
    pub annotations: Option<Value>,
    pub status: ToolStatus,
    pub first_seen_at: DateTime<Utc>,
    pub changed_at: DateTime<Utc>,
}

/// A tool added, removed or changed between two checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ToolChange {
    pub id: Uuid,
    pub server_id: Uuid,
    pub detected_at: DateTime<Utc>,
    pub tool_name: String,
    pub kind: ToolChangeKind,
    /// The definition before (absent when added).
    pub before: Option<Value>,
    /// The definition after (absent when removed).
    pub after: Option<Value>,
    /// Which fields differ (`description`, `input_schema`, …).
    pub fields: Vec<String>,
    pub status: ToolChangeStatus,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// `PATCH /api/v1/mcp-servers/{id}/tool-changes/{change_id}`: approve or reject.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct DecideToolChange {
    /// `approved` or `rejected`.
    pub status: ToolChangeStatus,
}

/// What deleting a server would take with it (`GET /api/v1/mcp-servers/{id}/impact`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct DeleteImpact {
    pub server_id: Uuid,
    pub name: String,
    pub tool_count: i64,
    pub health_check_count: i64,
    pub pending_tool_changes: i64,
    /// Hub users holding a grant on the server (their grants go with it).
    pub users_with_grants: i64,
    /// Tool calls through the hub over the last 30 days (their usage history stays).
    pub calls_30d: i64,
}
