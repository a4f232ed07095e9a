//! Organizations: the tenants hub users belong to (SPEC ORG-1..5).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::wire::present;
use crate::wire_enum;

wire_enum! {
    /// Whether an organization's users may use the hub.
    OrgStatus {
        Active => "active",
        /// Its users can call nothing and its usage events are refused, until activated.
        Suspended => "suspended",
    }
}

wire_enum! {
    /// The commercial plan an organization is on.
    Plan {
        Free => "free",
        Team => "team",
        Business => "business",
        Enterprise => "enterprise",
    }
}

/// An organization's overrides of the platform settings (SPEC ORG-4). `null` means the
/// platform default applies.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct OrgSettings {
    /// Monthly spending cap, in US cents.
    #[serde(default)]
    pub monthly_budget_cents: Option<i64>,
    /// Tool calls per minute across the organization's users.
    #[serde(default)]
    pub rate_limit_per_minute: Option<i32>,
    /// The only MCP servers the organization's users may call; `null` allows every server
    /// (a user still needs a grant). An organization's own servers are always allowed.
    #[serde(default)]
    pub allowed_mcp_servers: Option<Vec<Uuid>>,
}

/// An organization as lists and detail pages show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Organization {
    pub id: Uuid,
    pub name: String,
    /// Unique, lowercase letters, digits and `-`: the organization's key in URLs, usage
    /// events and configuration files.
    pub slug: String,
    pub plan: Plan,
    pub status: OrgStatus,
    /// Why it was last suspended or activated.
    pub status_reason: Option<String>,
    /// When the status last changed (null: active since creation).
    pub status_changed_at: Option<DateTime<Utc>>,
    pub settings: OrgSettings,
    /// Hub users in the organization.
    pub user_count: i64,
    /// MCP servers the organization owns.
    pub server_count: i64,
    /// Tool calls of its users over the last 30 days (UTC days, today included).
    pub calls_30d: i64,
    /// What those calls cost, in US dollars.
    pub cost_30d_usd: f64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The organization a hub user or an MCP server belongs to, as it appears on them: with
/// its status, so a suspension shows wherever it matters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct OrgRef {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub status: OrgStatus,
    pub status_reason: Option<String>,
    pub status_changed_at: Option<DateTime<Utc>>,
}

/// `POST /api/v1/organizations`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CreateOrganization {
    /// 1 to 200 characters.
    pub name: String,
    /// 1 to 63 lowercase letters, digits and `-`, not starting or ending with `-`.
    pub slug: String,
    /// Default `free`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<Plan>,
    #[serde(default)]
    pub settings: OrgSettings,
}

/// `PATCH /api/v1/organizations/{id}`: only the fields present change, within `settings`
/// too (`null` there returns a field to the platform default). Status changes go
/// through suspend / activate.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct UpdateOrganization {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<Plan>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<OrgSettingsPatch>,
}

/// The overrides a PATCH changes: absent keeps a field, `null` clears it (so a patch of
/// the budget alone cannot lift an allow-list by omission).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct OrgSettingsPatch {
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "server", schema(value_type = Option<i64>))]
    pub monthly_budget_cents: Option<Option<i64>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "server", schema(value_type = Option<i32>))]
    pub rate_limit_per_minute: Option<Option<i32>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "server", schema(value_type = Option<Vec<Uuid>>))]
    pub allowed_mcp_servers: Option<Option<Vec<Uuid>>>,
}

impl OrgSettingsPatch {
    /// `current` with this patch laid over it.
    pub fn apply(self, current: &OrgSettings) -> OrgSettings {
        OrgSettings {
            monthly_budget_cents: self.monthly_budget_cents.unwrap_or(current.monthly_budget_cents),
            rate_limit_per_minute: self.rate_limit_per_minute.unwrap_or(current.rate_limit_per_minute),
            allowed_mcp_servers: self
                .allowed_mcp_servers
                .unwrap_or_else(|| current.allowed_mcp_servers.clone()),
        }
    }
}

/// `POST /api/v1/organizations/{id}/suspend` and `…/activate`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ChangeOrgStatus {
    /// Why (1 to 500 characters): kept in the status history and the audit log, and shown
    /// wherever the organization appears.
    pub reason: String,
}

/// One suspension or activation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct OrgStatusChange {
    pub id: Uuid,
    pub status: OrgStatus,
    pub reason: String,
    /// Email of the admin who changed it (null if since deleted).
    pub changed_by: Option<String>,
    pub changed_at: DateTime<Utc>,
}

/// What deleting an organization would take with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct OrgDeleteImpact {
    pub organization_id: Uuid,
    pub name: String,
    /// Hub users deleted with it, and their grants.
    pub user_count: i64,
    /// MCP servers it owns: while there are any, the delete is refused (reassign or
    /// delete them first, so no server silently becomes global).
    pub server_count: i64,
}
