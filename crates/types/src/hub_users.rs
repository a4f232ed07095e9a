//! Hub users, the people who call MCP tools through the hub, and what they may call
//! (SPEC USER-1, USER-2, USER-4). Not console admins: those are in `admins`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::orgs::OrgRef;
use crate::wire_enum;

wire_enum! {
    /// A hub user's role in the hub.
    HubRole {
        /// May call only tools the server marks read-only (`readOnlyHint`).
        Viewer => "viewer",
        /// May call the tools granted.
        Member => "member",
        /// May call the tools granted, and manages the organization on the hub's side.
        Admin => "admin",
    }
}

/// A hub user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct HubUser {
    pub id: Uuid,
    pub name: String,
    /// Unique within the organization (compared without case).
    pub email: String,
    /// Ids of the user in other systems, by provider, e.g. `{"slack": "U024BE7LH"}`;
    /// unique per provider within the organization.
    pub external_ids: BTreeMap<String, String>,
    pub organization: OrgRef,
    pub role: HubRole,
    pub enabled: bool,
    /// MCP servers the user holds a grant on.
    pub grant_count: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `POST /api/v1/users`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CreateHubUser {
    /// 1 to 200 characters.
    pub name: String,
    pub email: String,
    pub organization_id: Uuid,
    /// Default `member`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<HubRole>,
    /// Provider (lowercase letters, digits, `_`, `-`; at most 10 providers) → id.
    #[serde(default)]
    pub external_ids: BTreeMap<String, String>,
    #[serde(default = "yes")]
    pub enabled: bool,
}

fn yes() -> bool {
    true
}

/// `PATCH /api/v1/users/{id}`: only the fields present change; `external_ids`, when
/// present, replaces them all. Moving a user to another organization drops grants on
/// servers the old organization owns.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct UpdateHubUser {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<HubRole>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_ids: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

/// The wildcard tool name: every tool of the server, including tools it adds later.
pub const ALL_TOOLS: &str = "*";

/// A user's grant on one MCP server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Grant {
    pub server_id: Uuid,
    /// Tool names, or `["*"]` for all of them. Sorted.
    pub tools: Vec<String>,
}

/// A grant as `GET /api/v1/users/{id}/permissions` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct GrantView {
    pub server_id: Uuid,
    pub server_name: String,
    pub tools: Vec<String>,
    pub granted_at: DateTime<Utc>,
    /// Email of the admin who last changed it.
    pub granted_by: Option<String>,
}

/// `PUT /api/v1/users/{id}/permissions`: the complete new set of grants (an empty list
/// revokes everything).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ReplaceGrants {
    pub grants: Vec<Grant>,
}

wire_enum! {
    /// Why a call is allowed or not: the first rule that decides, in this order.
    CallReason {
        /// Allowed: the user's grant names the tool.
        Granted => "granted",
        /// Allowed: the user's grant on the server is `*`.
        GrantedAll => "granted_all",
        UserDisabled => "user_disabled",
        OrganizationSuspended => "organization_suspended",
        ServerDisabled => "server_disabled",
        /// The server belongs to another organization.
        ServerOfOtherOrganization => "server_of_other_organization",
        /// The organization's allow-list does not include the server.
        OrganizationRestriction => "organization_restriction",
        /// The server does not offer the tool (as of its latest check).
        UnknownTool => "unknown_tool",
        /// The tool is new or changed and waits for an admin's approval, or was rejected.
        ToolNotApproved => "tool_not_approved",
        /// The user holds no grant on the server.
        NoGrant => "no_grant",
        /// The user's grant on the server does not name the tool.
        ToolNotGranted => "tool_not_granted",
        /// Viewers may call only read-only tools.
        ViewerReadOnly => "viewer_read_only",
    }
}

impl CallReason {
    /// Whether this reason allows the call.
    pub const fn allows(self) -> bool {
        matches!(self, CallReason::Granted | CallReason::GrantedAll)
    }
}

/// Answer of `GET /api/v1/authz/can-call`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CanCall {
    pub allowed: bool,
    pub reason: CallReason,
    /// The reason in one sentence, for logs and people.
    pub detail: String,
    pub user_id: Uuid,
    pub server_id: Uuid,
    pub tool: String,
}

/// One tool in the effective-permissions view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct EffectiveTool {
    pub name: String,
    pub allowed: bool,
    pub reason: CallReason,
}

/// One MCP server in the effective-permissions view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct EffectiveServer {
    pub server_id: Uuid,
    pub server_name: String,
    /// The user's grant on it (`null`: none).
    pub granted_tools: Option<Vec<String>>,
    /// What decides the server as a whole (a server-level rule, or the grant).
    pub reason: CallReason,
    /// The tools the server offers, each decided.
    pub tools: Vec<EffectiveTool>,
}

/// `GET /api/v1/users/{id}/effective-permissions`: every MCP server visible to the
/// user's organization, with what the user may call on it and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct EffectivePermissions {
    pub user_id: Uuid,
    /// Set when the user can call nothing at all (disabled user, suspended organization).
    pub blocked: Option<CallReason>,
    /// Tools the user may call, counted over all servers.
    pub allowed_tool_count: i64,
    pub servers: Vec<EffectiveServer>,
}

/// One problem in an import file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ImportProblem {
    /// 1-based line of the file (line 1 is the header).
    pub line: u64,
    /// Column name, when the problem is one field's.
    pub column: Option<String>,
    pub message: String,
}

/// Answer of `POST /api/v1/users/import`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ImportReport {
    pub dry_run: bool,
    /// Data rows read (not counting the header).
    pub rows: u64,
    /// Users created (0 on a dry run, and whenever there are problems).
    pub created: u64,
    /// Every bad row, in file order. Non-empty means nothing was imported.
    pub problems: Vec<ImportProblem>,
}

/// The columns of an import file, in any order; `email`, `name` and `organization` (a
/// slug) are required, `role`, `enabled` (`true`/`false`) and `external_ids`
/// (`provider:id` pairs separated by `;`) optional.
pub const IMPORT_COLUMNS: &[&str] = &["email", "name", "organization", "role", "enabled", "external_ids"];
