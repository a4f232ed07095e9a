//! The permission catalogue (SPEC RBAC-2). Each permission is a `resource:action` string.
//! The database seeds the same list (`migrations/`); a test keeps them equal.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

macro_rules! permissions {
    ($($variant:ident => $name:literal, $describe:literal;)+) => {
        /// A permission an admin holds through a role, or an API token carries.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
        pub enum Permission {
            $(#[serde(rename = $name)] #[doc = $describe] $variant,)+
        }

        impl Permission {
            /// Every permission, in catalogue order.
            pub const ALL: &'static [Permission] = &[$(Permission::$variant),+];

            /// The wire name, e.g. `mcp:read`.
            pub const fn as_str(self) -> &'static str {
                match self { $(Permission::$variant => $name,)+ }
            }

            /// One line for humans (role editor, OpenAPI).
            pub const fn description(self) -> &'static str {
                match self { $(Permission::$variant => $describe,)+ }
            }
        }

        impl FromStr for Permission {
            type Err = UnknownPermission;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s { $($name => Ok(Permission::$variant),)+ _ => Err(UnknownPermission(s.to_owned())) }
            }
        }
    };
}

permissions! {
    AdminsRead => "admins:read", "See admins and their roles";
    AdminsManage => "admins:manage", "Invite, disable and assign roles to admins; edit roles";
    AuditRead => "audit:read", "Read and export the admin audit log";
    McpRead => "mcp:read", "See MCP servers, their health and tools";
    McpWrite => "mcp:write", "Create, edit, enable/disable and delete MCP servers";
    McpReport => "mcp:report", "Report the health of hub-run (stdio) MCP servers (the hub)";
    UsersRead => "users:read", "See hub users and their permissions";
    UsersWrite => "users:write", "Create, edit and import hub users and their permissions";
    UsersAuthorize => "users:authorize", "Ask whether a hub user may call a tool (the hub, before each call)";
    OrgsRead => "orgs:read", "See organizations and open their dashboards";
    OrgsWrite => "orgs:write", "Edit, suspend and activate organizations";
    TelemetryRead => "telemetry:read", "Read usage, cost and performance analytics";
    EventsWrite => "events:write", "Push usage events (integrators)";
    EventsManage => "events:manage", "Replay and discard refused usage events (dead letters)";
    BillingRead => "billing:read", "Read revenue, subscriptions, invoices and payments";
    BillingWrite => "billing:write", "Enter billing data and push billing events";
    ConfigRead => "config:read", "Export and diff the hub configuration";
    ConfigWrite => "config:write", "Apply configuration and roll back snapshots";
    SettingsRead => "settings:read", "See platform settings";
    SettingsWrite => "settings:write", "Change platform settings";
    SystemRead => "system:read", "See system health, metrics and alerts";
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A permission name that is not in the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownPermission(pub String);

impl fmt::Display for UnknownPermission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown permission `{}`", self.0)
    }
}

impl std::error::Error for UnknownPermission {}

/// Names of the built-in roles (SPEC RBAC-1).
pub mod roles {
    pub const OWNER: &str = "owner";
    pub const ADMIN: &str = "admin";
    pub const SUPPORT: &str = "support";
    pub const BILLING: &str = "billing";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for p in Permission::ALL {
            assert_eq!(p.as_str().parse::<Permission>(), Ok(*p));
            assert_eq!(serde_json::to_string(p).unwrap(), format!("\"{}\"", p.as_str()));
        }
        assert!("mcp:fly".parse::<Permission>().is_err());
    }
}
