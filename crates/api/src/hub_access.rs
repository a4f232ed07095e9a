//! Whether a hub user may call a tool, and why (SPEC USER-2): one rule set, used by
//! `can-call` (the hub's check before each call) and the effective-permissions view.
//!
//! The rules, in order; the first that applies decides:
//! 1. a disabled user calls nothing; 2. nor does a user of a suspended organization;
//! 3. a disabled server offers nothing; 4. a server owned by an organization serves only
//!    its users; 5. an organization's allow-list, when it has one, bounds its users (its
//!    own servers are always allowed); 6. the tool must be offered by the server and 7.
//!    approved; 8. the user needs a grant on the server that 9. names the tool or is `*`;
//! 10. a viewer may call only tools the server marks read-only.

use omni_types::hub_users::{ALL_TOOLS, CallReason, HubRole};
use uuid::Uuid;

/// What the rules look at about the user and their organization.
#[derive(Debug, Clone)]
pub struct Caller {
    pub enabled: bool,
    pub role: HubRole,
    pub organization_id: Uuid,
    pub organization_suspended: bool,
    /// Whether the organization has an allow-list of servers.
    pub servers_restricted: bool,
}

/// What the rules look at about one server, as seen from the caller.
#[derive(Debug, Clone)]
pub struct Server {
    pub enabled: bool,
    pub organization_id: Option<Uuid>,
    /// On the caller's organization's allow-list.
    pub allow_listed: bool,
    /// The caller's grant on it.
    pub granted: Option<Vec<String>>,
}

/// What the rules look at about one tool (absent: the server does not offer it).
#[derive(Debug, Clone, Copy)]
pub struct Tool {
    pub approved: bool,
    pub read_only: bool,
}

/// Why the caller can call nothing at all, if so (rules 1 and 2).
pub fn blocked(caller: &Caller) -> Option<CallReason> {
    if !caller.enabled {
        Some(CallReason::UserDisabled)
    } else if caller.organization_suspended {
        Some(CallReason::OrganizationSuspended)
    } else {
        None
    }
}

/// The reason that decides the server as a whole, before any tool is looked at: a
/// denial, or `Granted` when tools decide.
pub fn decide_server(caller: &Caller, server: &Server) -> CallReason {
    if let Some(reason) = blocked(caller) {
        return reason;
    }
    if !server.enabled {
        return CallReason::ServerDisabled;
    }
    match server.organization_id {
        Some(owner) if owner != caller.organization_id => return CallReason::ServerOfOtherOrganization,
        Some(_) => {}
        None if caller.servers_restricted && !server.allow_listed => return CallReason::OrganizationRestriction,
        None => {}
    }
    match &server.granted {
        None => CallReason::NoGrant,
        Some(tools) if tools.iter().any(|t| t == ALL_TOOLS) => CallReason::GrantedAll,
        Some(_) => CallReason::Granted,
    }
}

/// The decision on one tool.
pub fn decide(caller: &Caller, server: &Server, name: &str, tool: Option<Tool>) -> CallReason {
    let base = decide_server(caller, server);
    if !matches!(base, CallReason::Granted | CallReason::GrantedAll | CallReason::NoGrant) {
        return base;
    }
    let Some(tool) = tool else {
        return CallReason::UnknownTool;
    };
    if !tool.approved {
        return CallReason::ToolNotApproved;
    }
    let granted = match (&server.granted, base) {
        (None, _) => return CallReason::NoGrant,
        (Some(_), CallReason::GrantedAll) => CallReason::GrantedAll,
        (Some(tools), _) if tools.iter().any(|t| t == name) => CallReason::Granted,
        (Some(_), _) => return CallReason::ToolNotGranted,
    };
    if caller.role == HubRole::Viewer && !tool.read_only {
        return CallReason::ViewerReadOnly;
    }
    granted
}

/// The decision in one sentence.
pub fn detail(reason: CallReason, server: &str, tool: &str, status_reason: Option<&str>) -> String {
    match reason {
        CallReason::Granted => format!("The user's grant on {server} names {tool}."),
        CallReason::GrantedAll => format!("The user may call every tool of {server} (`*`)."),
        CallReason::UserDisabled => "The user is disabled.".into(),
        CallReason::OrganizationSuspended => match status_reason {
            Some(why) => format!("The user's organization is suspended: {why}"),
            None => "The user's organization is suspended.".into(),
        },
        CallReason::ServerDisabled => format!("The MCP server {server} is disabled."),
        CallReason::ServerOfOtherOrganization => {
            format!("The MCP server {server} belongs to another organization.")
        }
        CallReason::OrganizationRestriction => {
            format!("The user's organization is not allowed to use {server}.")
        }
        CallReason::UnknownTool => format!("{server} does not offer a tool {tool}."),
        CallReason::ToolNotApproved => format!("{tool} on {server} is not approved by an admin."),
        CallReason::NoGrant => format!("The user holds no grant on {server}."),
        CallReason::ToolNotGranted => format!("The user's grant on {server} does not include {tool}."),
        CallReason::ViewerReadOnly => format!("Viewers may call only read-only tools, and {tool} is not one."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller() -> Caller {
        Caller {
            enabled: true,
            role: HubRole::Member,
            organization_id: Uuid::from_u128(1),
            organization_suspended: false,
            servers_restricted: false,
        }
    }

    fn server(granted: &[&str]) -> Server {
        Server {
            enabled: true,
            organization_id: None,
            allow_listed: false,
            granted: (!granted.is_empty()).then(|| granted.iter().map(|t| (*t).to_owned()).collect()),
        }
    }

    const TOOL: Option<Tool> = Some(Tool {
        approved: true,
        read_only: false,
    });

    #[test]
    fn rules_in_order() {
        let c = caller();
        assert_eq!(decide(&c, &server(&["echo"]), "echo", TOOL), CallReason::Granted);
        assert_eq!(decide(&c, &server(&["*"]), "add", TOOL), CallReason::GrantedAll);
        assert_eq!(decide(&c, &server(&["echo"]), "add", TOOL), CallReason::ToolNotGranted);
        assert_eq!(decide(&c, &server(&[]), "echo", TOOL), CallReason::NoGrant);
        assert_eq!(decide(&c, &server(&["*"]), "nope", None), CallReason::UnknownTool);
        let pending = Some(Tool {
            approved: false,
            read_only: true,
        });
        assert_eq!(
            decide(&c, &server(&["*"]), "echo", pending),
            CallReason::ToolNotApproved
        );

        let disabled = Caller {
            enabled: false,
            ..c.clone()
        };
        assert_eq!(
            decide(&disabled, &server(&["*"]), "echo", TOOL),
            CallReason::UserDisabled
        );
        let suspended = Caller {
            organization_suspended: true,
            ..c.clone()
        };
        assert_eq!(
            decide(&suspended, &server(&["*"]), "echo", TOOL),
            CallReason::OrganizationSuspended
        );
        let off = Server {
            enabled: false,
            ..server(&["*"])
        };
        assert_eq!(decide(&c, &off, "echo", TOOL), CallReason::ServerDisabled);
    }

    #[test]
    fn organizations_bound_their_users() {
        let c = caller();
        let theirs = Server {
            organization_id: Some(Uuid::from_u128(2)),
            ..server(&["*"])
        };
        assert_eq!(decide(&c, &theirs, "echo", TOOL), CallReason::ServerOfOtherOrganization);
        let ours = Server {
            organization_id: Some(c.organization_id),
            ..server(&["*"])
        };
        let restricted = Caller {
            servers_restricted: true,
            ..c.clone()
        };
        assert_eq!(
            decide(&restricted, &ours, "echo", TOOL),
            CallReason::GrantedAll,
            "own servers"
        );
        assert_eq!(
            decide(&restricted, &server(&["*"]), "echo", TOOL),
            CallReason::OrganizationRestriction,
            "the organization's rule wins over the user's grant"
        );
        let listed = Server {
            allow_listed: true,
            ..server(&["*"])
        };
        assert_eq!(decide(&restricted, &listed, "echo", TOOL), CallReason::GrantedAll);
    }

    #[test]
    fn viewers_call_read_only_tools() {
        let viewer = Caller {
            role: HubRole::Viewer,
            ..caller()
        };
        assert_eq!(decide(&viewer, &server(&["*"]), "rm", TOOL), CallReason::ViewerReadOnly);
        let read = Some(Tool {
            approved: true,
            read_only: true,
        });
        assert_eq!(decide(&viewer, &server(&["*"]), "ls", read), CallReason::GrantedAll);
    }
}
