//! Why an event was refused, as people read it.

use omni_types::usage::RejectReason;

/// The reason's name in the list and the filter.
pub fn label(reason: RejectReason) -> &'static str {
    match reason {
        RejectReason::Invalid => "Invalid event",
        RejectReason::UnknownOrganization => "Unknown organization",
        RejectReason::OrganizationSuspended => "Organization suspended",
        RejectReason::UnknownUser => "Unknown user",
        RejectReason::UnknownServer => "Unknown MCP server",
        RejectReason::ServerNotVisible => "Server of another organization",
        RejectReason::TooOld => "Too old",
        RejectReason::InFuture => "In the future",
    }
}

/// What fixes it, so that a replay can succeed.
pub fn remedy(reason: RejectReason) -> &'static str {
    match reason {
        RejectReason::Invalid => "Fix the integration that sent it: a replay sends the event as it was.",
        RejectReason::UnknownOrganization => "Create the organization (or correct its slug), then replay.",
        RejectReason::OrganizationSuspended => "Activate the organization, then replay.",
        RejectReason::UnknownUser => "Create the hub user in the organization (or add their external id), then replay.",
        RejectReason::UnknownServer => "Register the MCP server, then replay.",
        RejectReason::ServerNotVisible => "Make the server global or the organization's own, then replay.",
        RejectReason::TooOld => "Past the raw-event retention: it can no longer be counted. Discard it.",
        RejectReason::InFuture => "The sender's clock is ahead: replay once its time has come.",
    }
}

/// The reason a filter's value names (`""`: any reason).
pub fn parse(value: &str) -> Option<RejectReason> {
    value.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_has_a_distinct_label_and_reads_back() {
        let labels: std::collections::BTreeSet<_> = RejectReason::ALL.iter().map(|r| label(*r)).collect();
        assert_eq!(labels.len(), RejectReason::ALL.len());
        for reason in RejectReason::ALL {
            assert_eq!(parse(reason.as_str()), Some(*reason));
        }
        assert_eq!(parse(""), None);
    }
}
