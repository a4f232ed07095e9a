//! The hub's configuration as one document (SPEC CFG-1): settings, organizations, MCP
//! servers with their tools' approval, hub users with their grants. Everything is keyed by
//! natural keys (organization slug, server name, user email within an organization) and
//! kept in a stable order (by those keys), so an export of an unchanged database is the
//! same text every time and a diff of two exports reads as what changed.
//!
//! Secrets never appear in plain text: an MCP server's auth header is a reference,
//! `${ENV_NAME}`, resolved from the environment of whoever applies the document.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

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
