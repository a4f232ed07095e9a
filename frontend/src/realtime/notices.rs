//! What deserves a toast wherever the admin is: an MCP server that went down, an
//! organization that was suspended. The scope chip follows its organization's changes too.
//! (There are no alert rules yet, SPEC SYS-4: these are the only notices.)

use leptos::prelude::*;
use omni_types::live::{Change, Channel};
use omni_types::mcp::HealthStatus;
use omni_types::orgs::{OrgRef, OrgStatus};

use super::{LiveEvent, use_live};
use crate::components::local_time::now;
use crate::components::toasts::{Toast, Tone, use_toasts};
use crate::routes;
use crate::state::{OrgScope, use_scope};

/// Listens for as long as an admin is signed in; renders nothing.
#[component]
pub fn LiveNotices() -> impl IntoView {
    let live = use_live();
    let toasts = use_toasts();
    let scope = use_scope();
    let notify = move |event: &LiveEvent| {
        if let Some(toast) = notice(event) {
            toasts.push(toast);
        }
    };
    // A missed notice stays missed: the pages concerned refetch on their own.
    live.subscribe(Channel::McpHealth, notify, || {});
    live.subscribe(
        Channel::Orgs,
        move |event| {
            notify(event);
            follow_scope(scope, event);
        },
        || {},
    );
}

/// The toast an event deserves, if any.
pub fn notice(event: &LiveEvent) -> Option<Toast> {
    match event {
        LiveEvent::McpHealth(health)
            if health.status == HealthStatus::Down && health.previous != HealthStatus::Down =>
        {
            let message = match &health.error {
                Some(error) => format!("{} stopped answering: {error}", health.name),
                None => format!("{} stopped answering its health check.", health.name),
            };
            Some(Toast {
                key: format!("mcp-down:{}", health.id),
                tone: Tone::Danger,
                title: "MCP server down".to_owned(),
                message,
                link: Some((routes::MCP_SERVERS.item_href(health.id), "Open the server")),
            })
        }
        LiveEvent::OrgStatus(org) if org.status == OrgStatus::Suspended && org.previous != OrgStatus::Suspended => {
            let message = match &org.reason {
                Some(reason) => format!("{} was suspended: {reason}", org.name),
                None => format!(
                    "{} was suspended. Its users can call nothing until it is activated.",
                    org.name
                ),
            };
            Some(Toast {
                key: format!("org-suspended:{}", org.id),
                tone: Tone::Warning,
                title: "Organization suspended".to_owned(),
                message,
                link: Some((routes::ORGANIZATIONS.item_href(org.id), "Open the organization")),
            })
        }
        _ => None,
    }
}

/// Keeps the scope chip true to its organization: renamed, suspended, activated, deleted.
fn follow_scope(scope: OrgScope, event: &LiveEvent) {
    let Some(scoped) = untrack(|| scope.organization()) else {
        return;
    };
    match event {
        LiveEvent::OrgStatus(org) if org.id == scoped.id => scope.refresh(
            org.id,
            Some(OrgRef {
                slug: org.slug.clone(),
                name: org.name.clone(),
                status: org.status,
                status_reason: org.reason.clone(),
                status_changed_at: Some(now()),
                ..scoped
            }),
        ),
        LiveEvent::OrgChanged(org) if org.id == scoped.id => {
            let now = (org.change != Change::Deleted).then(|| OrgRef {
                slug: org.slug.clone(),
                name: org.name.clone(),
                ..scoped
            });
            scope.refresh(org.id, now);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use omni_types::live::{McpHealth, OrgStatusChanged};
    use uuid::Uuid;

    use super::*;

    fn health(status: HealthStatus, previous: HealthStatus) -> LiveEvent {
        LiveEvent::McpHealth(McpHealth {
            id: Uuid::nil(),
            name: "search".into(),
            status,
            previous,
            organization_id: None,
            checked_at: None,
            latency_ms: None,
            error: Some("could not connect".into()),
        })
    }

    #[test]
    fn a_server_going_down_is_a_toast_and_other_flips_are_not() {
        let toast = notice(&health(HealthStatus::Down, HealthStatus::Up)).expect("a toast");
        assert_eq!(toast.title, "MCP server down");
        assert_eq!(toast.message, "search stopped answering: could not connect");
        assert_eq!(toast.tone, Tone::Danger);
        assert!(notice(&health(HealthStatus::Up, HealthStatus::Down)).is_none());
        assert!(notice(&health(HealthStatus::Degraded, HealthStatus::Up)).is_none());
        assert!(notice(&health(HealthStatus::Down, HealthStatus::Down)).is_none());
    }

    #[test]
    fn a_suspension_is_a_toast_and_an_activation_is_not() {
        let org = |status, previous| {
            LiveEvent::OrgStatus(OrgStatusChanged {
                id: Uuid::nil(),
                slug: "acme".into(),
                name: "Acme".into(),
                status,
                previous,
                reason: Some("unpaid invoices".into()),
            })
        };
        let toast = notice(&org(OrgStatus::Suspended, OrgStatus::Active)).expect("a toast");
        assert_eq!(toast.message, "Acme was suspended: unpaid invoices");
        assert!(notice(&org(OrgStatus::Active, OrgStatus::Suspended)).is_none());
    }
}
