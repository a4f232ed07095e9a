//! Route paths, shared so the SPA never spells a URL by hand.

/// Prefix of every REST route.
pub const API_V1: &str = "/api/v1";

pub const AUTH_LOGIN: &str = "/api/v1/auth/login";
pub const AUTH_REFRESH: &str = "/api/v1/auth/refresh";
pub const AUTH_LOGOUT: &str = "/api/v1/auth/logout";
pub const AUTH_ME: &str = "/api/v1/auth/me";
pub const AUTH_PASSWORD: &str = "/api/v1/auth/password";
pub const AUTH_LOGIN_MFA: &str = "/api/v1/auth/login/mfa";
pub const AUTH_MFA_ENROLMENT: &str = "/api/v1/auth/mfa/enrolment";
pub const AUTH_MFA_CONFIRM: &str = "/api/v1/auth/mfa/enrolment/confirm";
pub const AUTH_MFA_BACKUP_CODES: &str = "/api/v1/auth/mfa/backup-codes";

pub const ROLES: &str = "/api/v1/roles";
pub const PERMISSIONS: &str = "/api/v1/permissions";
pub const ADMINS: &str = "/api/v1/admins";

/// One role.
pub fn role(id: uuid::Uuid) -> String {
    format!("{ROLES}/{id}")
}
pub const AUTHZ_CHECK: &str = "/api/v1/authz/check";
pub const API_TOKENS: &str = "/api/v1/api-tokens";

/// One API token.
pub fn api_token(id: uuid::Uuid) -> String {
    format!("{API_TOKENS}/{id}")
}

/// One admin.
pub fn admin(id: uuid::Uuid) -> String {
    format!("{ADMINS}/{id}")
}

/// An owner's reset of one admin's MFA.
pub fn admin_mfa(id: uuid::Uuid) -> String {
    format!("{ADMINS}/{id}/mfa")
}

/// Owner-initiated password reset of one admin.
pub fn admin_password_reset(id: uuid::Uuid) -> String {
    format!("{ADMINS}/{id}/password-reset")
}

pub const AUDIT: &str = "/api/v1/audit";
pub const AUDIT_VERIFY: &str = "/api/v1/audit/verify";
pub const AUDIT_EXPORT: &str = "/api/v1/audit/export";

/// One audit entry.
pub fn audit_entry(id: uuid::Uuid) -> String {
    format!("{AUDIT}/{id}")
}

/// Path the refresh cookie is scoped to: only the auth routes ever see it.
pub const AUTH_COOKIE_PATH: &str = "/api/v1/auth";
/// Name of the refresh-token cookie.
pub const REFRESH_COOKIE: &str = "omni_refresh";

pub const OPENAPI_JSON: &str = "/api/openapi.json";
pub const SWAGGER_UI: &str = "/docs";
pub const HEALTHZ: &str = "/healthz";
pub const READYZ: &str = "/readyz";
pub const METRICS: &str = "/metrics";

pub const MCP_SERVERS: &str = "/api/v1/mcp-servers";

/// One MCP server.
pub fn mcp_server(id: uuid::Uuid) -> String {
    format!("{MCP_SERVERS}/{id}")
}
pub fn mcp_server_impact(id: uuid::Uuid) -> String {
    format!("{MCP_SERVERS}/{id}/impact")
}
pub fn mcp_server_health_check(id: uuid::Uuid) -> String {
    format!("{MCP_SERVERS}/{id}/health-check")
}
pub fn mcp_server_health_checks(id: uuid::Uuid) -> String {
    format!("{MCP_SERVERS}/{id}/health-checks")
}
pub fn mcp_server_health_reports(id: uuid::Uuid) -> String {
    format!("{MCP_SERVERS}/{id}/health-reports")
}
pub fn mcp_server_tools(id: uuid::Uuid) -> String {
    format!("{MCP_SERVERS}/{id}/tools")
}
pub fn mcp_server_tool_changes(id: uuid::Uuid) -> String {
    format!("{MCP_SERVERS}/{id}/tool-changes")
}
pub fn mcp_server_tool_change(id: uuid::Uuid, change: uuid::Uuid) -> String {
    format!("{MCP_SERVERS}/{id}/tool-changes/{change}")
}

pub const ORGANIZATIONS: &str = "/api/v1/organizations";

/// One organization.
pub fn organization(id: uuid::Uuid) -> String {
    format!("{ORGANIZATIONS}/{id}")
}
pub fn organization_suspend(id: uuid::Uuid) -> String {
    format!("{ORGANIZATIONS}/{id}/suspend")
}
pub fn organization_activate(id: uuid::Uuid) -> String {
    format!("{ORGANIZATIONS}/{id}/activate")
}
pub fn organization_status_history(id: uuid::Uuid) -> String {
    format!("{ORGANIZATIONS}/{id}/status-history")
}
pub fn organization_impact(id: uuid::Uuid) -> String {
    format!("{ORGANIZATIONS}/{id}/impact")
}

pub const USERS: &str = "/api/v1/users";
pub const USERS_IMPORT: &str = "/api/v1/users/import";
pub const AUTHZ_CAN_CALL: &str = "/api/v1/authz/can-call";

/// One hub user.
pub fn user(id: uuid::Uuid) -> String {
    format!("{USERS}/{id}")
}
/// A hub user's grants (GET, PUT).
pub fn user_permissions(id: uuid::Uuid) -> String {
    format!("{USERS}/{id}/permissions")
}
pub fn user_effective_permissions(id: uuid::Uuid) -> String {
    format!("{USERS}/{id}/effective-permissions")
}

pub const EVENTS: &str = "/api/v1/events";
pub const DEAD_LETTERS: &str = "/api/v1/events/dead-letters";
pub const DEAD_LETTERS_REPLAY: &str = "/api/v1/events/dead-letters/replay";
pub const SETTINGS: &str = "/api/v1/settings";
/// The configuration document (YAML).
pub const CONFIG_EXPORT: &str = "/api/v1/config/export";
pub const CONFIG_STATUS: &str = "/api/v1/config/status";
pub const CONFIG_VALIDATE: &str = "/api/v1/config/validate";
pub const CONFIG_DIFF: &str = "/api/v1/config/diff";
pub const CONFIG_APPLY: &str = "/api/v1/config/apply";
pub const CONFIG_SNAPSHOTS: &str = "/api/v1/config/snapshots";

/// One configuration snapshot.
pub fn config_snapshot(id: uuid::Uuid) -> String {
    format!("{CONFIG_SNAPSHOTS}/{id}")
}
/// The diff from one snapshot to another (`?to=`) or to the current state.
pub fn config_snapshot_diff(id: uuid::Uuid) -> String {
    format!("{CONFIG_SNAPSHOTS}/{id}/diff")
}
/// Rolls back to a snapshot.
pub fn config_snapshot_rollback(id: uuid::Uuid) -> String {
    format!("{CONFIG_SNAPSHOTS}/{id}/rollback")
}
pub const MODEL_PRICES: &str = "/api/v1/settings/model-prices";

/// One dead letter (DELETE discards it).
pub fn dead_letter(id: uuid::Uuid) -> String {
    format!("{DEAD_LETTERS}/{id}")
}

pub const DASHBOARD: &str = "/api/v1/dashboard";
/// The real-time WebSocket (`omni_types::live`).
pub const WS: &str = "/api/v1/ws";
pub const ANALYTICS_OVERVIEW: &str = "/api/v1/analytics/overview";
pub const ANALYTICS_TIMESERIES: &str = "/api/v1/analytics/timeseries";
pub const ANALYTICS_BREAKDOWN: &str = "/api/v1/analytics/breakdown";
pub const ANALYTICS_ERRORS: &str = "/api/v1/analytics/errors";
pub const ANALYTICS_HEATMAP: &str = "/api/v1/analytics/heatmap";

/// The CSV export of one analytics view (`overview`, `timeseries`, `breakdown`, …).
pub fn analytics_export(view: &str) -> String {
    format!("/api/v1/analytics/{view}/export")
}
