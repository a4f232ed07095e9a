//! Why a call is allowed or not, in words (the API's `CallReason` codes).

use leptos::prelude::*;
use omni_types::hub_users::CallReason;

pub fn reason_text(reason: CallReason) -> &'static str {
    match reason {
        CallReason::Granted => "Granted by name",
        CallReason::GrantedAll => "Granted: all tools (*)",
        CallReason::UserDisabled => "The user is disabled",
        CallReason::OrganizationSuspended => "The organization is suspended",
        CallReason::ServerDisabled => "The MCP server is disabled",
        CallReason::ServerOfOtherOrganization => "The server belongs to another organization",
        CallReason::OrganizationRestriction => "Not on the organization's allowed servers",
        CallReason::UnknownTool => "The server does not offer this tool",
        CallReason::ToolNotApproved => "The tool is not approved",
        CallReason::NoGrant => "No grant on this server",
        CallReason::ToolNotGranted => "Not in the user's grant",
        CallReason::ViewerReadOnly => "Viewers may call read-only tools only",
    }
}

/// "Allowed" or "Denied", in words and colour, with the reason beside it.
#[component]
pub fn Decision(reason: CallReason) -> impl IntoView {
    let allowed = reason.allows();
    view! {
        <span class="decision-badge">
            <span
                class="status-badge"
                class:status-badge--ok=allowed
                class:status-badge--danger=!allowed
            >
                {if allowed { "Allowed" } else { "Denied" }}
            </span>
            <span class="small">{reason_text(reason)}</span>
        </span>
    }
}
