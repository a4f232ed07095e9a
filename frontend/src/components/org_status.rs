//! An organization's status wherever it appears (SPEC ORG-3): on its own pages, and on
//! the users and MCP servers that belong to it. A suspension always says so in words.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_router::components::A;
use omni_types::Permission;
use omni_types::orgs::{OrgRef, OrgStatus};

use crate::components::local_time::LocalTime;
use crate::routes;
use crate::state::use_session;

pub fn status_label(status: OrgStatus) -> &'static str {
    match status {
        OrgStatus::Active => "Active",
        OrgStatus::Suspended => "Suspended",
    }
}

/// "Active", or "Suspended" with, when `detailed`, why and since when.
#[component]
pub fn OrgStatusBadge(
    status: OrgStatus,
    #[prop(optional_no_strip)] reason: Option<String>,
    #[prop(optional_no_strip)] since: Option<DateTime<Utc>>,
    /// Show the reason and the time next to a suspension (lists and detail pages); a
    /// compact badge only carries them in its tooltip.
    #[prop(optional)]
    detailed: bool,
) -> impl IntoView {
    match status {
        OrgStatus::Active => {
            view! { <span class="status-badge status-badge--ok" data-testid="org-status">"Active"</span> }.into_any()
        }
        OrgStatus::Suspended => {
            let title = reason.clone().unwrap_or_default();
            view! {
                <span class="org-status">
                    <span class="status-badge status-badge--danger" title=title data-testid="org-status">"Suspended"</span>
                    {detailed.then(|| view! {
                        <span class="org-status__why small">
                            {reason.map(|r| view! { <span class="org-status__reason">{r}</span> })}
                            {since.map(|at| view! { <span class="muted">"since " <LocalTime at /></span> })}
                        </span>
                    })}
                </span>
            }
            .into_any()
        }
    }
}

/// The organization something belongs to: its name (a link for admins who may open it)
/// and, when suspended, a badge saying so.
#[component]
pub fn OrgLabel(org: OrgRef) -> impl IntoView {
    let session = use_session();
    let can_open = session.with_admin(|a| a.is_some_and(|a| a.can(Permission::OrgsRead)));
    let name = org.name.clone();
    let href = routes::ORGANIZATIONS.item_href(org.id);
    view! {
        <span class="org-label">
            {if can_open {
                view! { <A href=href>{name}</A> }.into_any()
            } else {
                view! { <span>{name}</span> }.into_any()
            }}
            {(org.status == OrgStatus::Suspended).then(|| view! {
                <OrgStatusBadge status=org.status reason=org.status_reason.clone() />
            })}
        </span>
    }
}
