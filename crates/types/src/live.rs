//! The real-time protocol of `GET /api/v1/ws` (SPEC RT-1..3), shared by the API, the SPA
//! and any integrator written in Rust. `docs/REALTIME.md` describes it for everyone else.
//!
//! Every frame is one JSON text message with a `type`.
//!
//! - Client → server: [`ClientMessage`]: `auth` (first, unless the upgrade carried an
//!   `Authorization: Bearer` header; again whenever the access token is refreshed),
//!   `subscribe`, `unsubscribe`, `pong` (the answer to every `ping`).
//! - Server → client: [`ServerMessage`]: `ready`, `subscribed`, `unsubscribed`, `event`,
//!   `resync`, `ping`, `error`.
//!
//! Each channel numbers its events: `subscribed` gives the number of the last event sent
//! before the subscription, and each `event` is the next one. A client that sees a number
//! other than the next ([`Sequencer`]), a `resync`, or a new connection refetches what it
//! shows instead of trusting what it holds.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::Permission;

/// Close codes (RFC 6455 leaves 4000–4999 to applications).
pub mod close {
    /// The client did not answer pings.
    pub const PING_TIMEOUT: u16 = 4000;
    /// A frame that is not a message of this protocol.
    pub const PROTOCOL: u16 = 4400;
    /// Not authenticated in time, an invalid token, or the access token expired without
    /// a fresh `auth`: authenticate again (refresh first) and reconnect.
    pub const UNAUTHENTICATED: u16 = 4401;
    /// The admin was disabled, the session ended or the API token was revoked: do not
    /// reconnect with the same credentials.
    pub const REVOKED: u16 = 4403;
    /// The client read too slowly and its queue overflowed: reconnect and resync.
    pub const SLOW_CONSUMER: u16 = 4408;
    /// The server is shutting down (standard "going away"): reconnect.
    pub const GOING_AWAY: u16 = 1001;
}

/// What a client sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientMessage {
    /// An access token (or an API token). On an authenticated socket, it must belong to
    /// the same admin; it replaces the previous one (and its expiry).
    Auth {
        token: String,
    },
    /// Channels to receive; each is answered by `subscribed` or by `error` naming it.
    Subscribe {
        channels: Vec<String>,
    },
    Unsubscribe {
        channels: Vec<String>,
    },
    Pong {},
}

/// What the server sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// Authenticated: who, what they may do, and when the token expires (none for API
    /// tokens). Before then, send `auth` with a fresh token or the socket is closed with
    /// [`close::UNAUTHENTICATED`].
    Ready {
        admin_id: Uuid,
        permissions: Vec<Permission>,
        expires_at: Option<DateTime<Utc>>,
    },
    /// Subscribed; `seq` is the channel's last event number before this point.
    Subscribed {
        channel: String,
        seq: u64,
    },
    /// No longer subscribed: asked for (`reason` none), or the admin lost the permission.
    Unsubscribed {
        channel: String,
        reason: Option<String>,
    },
    Event {
        channel: String,
        seq: u64,
        event: Event,
    },
    /// Events may have been missed (this instance lost its database notifications for a
    /// moment): refetch what these channels show.
    Resync {
        channels: Vec<String>,
        reason: String,
    },
    /// Answer with `pong`; a client that misses two is closed with [`close::PING_TIMEOUT`].
    Ping,
    /// A request that could not be honoured; `channel` names the subscription refused.
    Error {
        code: ErrorCode,
        message: String,
        channel: Option<String>,
    },
}

crate::wire_enum! {
    /// Why a request was refused.
    ErrorCode {
        /// The admin lacks a permission the channel needs.
        Forbidden => "forbidden",
        /// No such channel (or no such organization).
        UnknownChannel => "unknown_channel",
        /// Not authenticated yet.
        Unauthenticated => "unauthenticated",
        /// The message could not be read.
        Invalid => "invalid",
        /// The account must change its password or set up MFA first.
        ActionRequired => "action_required",
    }
}

/// An event, by kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "data")]
pub enum Event {
    /// `audit`: an entry was written to the audit log.
    #[serde(rename = "audit.created")]
    AuditCreated(AuditCreated),
    /// `mcp-health`: a server's health status changed.
    #[serde(rename = "mcp.health")]
    McpHealth(McpHealth),
    /// `mcp-health`: a server was registered, changed (name, enabled) or removed.
    #[serde(rename = "mcp.server")]
    McpServer(McpServer),
    /// `orgs` and `org:<id>`: an organization was suspended or activated.
    #[serde(rename = "org.status")]
    OrgStatus(OrgStatusChanged),
    /// `orgs` and `org:<id>`: an organization was created, renamed or deleted.
    #[serde(rename = "org.changed")]
    OrgChanged(OrgChanged),
    /// `usage`: what was ingested during one window (about a second), by server and
    /// organization.
    #[serde(rename = "usage.delta")]
    UsageDelta(UsageDelta),
    /// `dashboard`: the same window's totals (hero cards, calls per hour, feed).
    #[serde(rename = "dashboard.delta")]
    DashboardDelta(UsageTotals),
    /// `org:<id>`: the window's totals of that organization.
    #[serde(rename = "org.usage")]
    OrgUsage(UsageTotals),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditCreated {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub action: String,
    /// The admin's email, the token's label or `system`.
    pub actor: String,
    pub resource_type: String,
    pub resource_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct McpHealth {
    pub id: Uuid,
    pub name: String,
    pub status: crate::mcp::HealthStatus,
    pub previous: crate::mcp::HealthStatus,
    pub organization_id: Option<Uuid>,
    pub checked_at: Option<DateTime<Utc>>,
    pub latency_ms: Option<i32>,
    /// The check's error (at most 300 characters).
    pub error: Option<String>,
}

crate::wire_enum! {
    /// What happened to a resource.
    Change {
        Created => "created",
        Updated => "updated",
        Deleted => "deleted",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct McpServer {
    pub id: Uuid,
    pub name: String,
    pub change: Change,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgStatusChanged {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub status: crate::orgs::OrgStatus,
    pub previous: crate::orgs::OrgStatus,
    /// The reason given (at most 300 characters).
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgChanged {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub change: Change,
}

/// Usage ingested during `[from, to)`, as counted by this instance's window.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UsageTotals {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub calls: u64,
    pub errors: u64,
    pub cost_usd: f64,
    pub input_tokens: u64,
    pub output_tokens: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UsageDelta {
    #[serde(flatten)]
    pub totals: UsageTotals,
    /// The busiest servers of the window (at most 20), most calls first.
    pub servers: Vec<UsageShare>,
    /// The busiest organizations of the window (at most 20), most calls first.
    pub organizations: Vec<UsageShare>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsageShare {
    pub id: Uuid,
    pub calls: u64,
    pub errors: u64,
    pub cost_usd: f64,
}

/// A channel a socket can subscribe to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Channel {
    /// Hero cards and feed of the dashboard: `dashboard.delta`.
    Dashboard,
    /// New audit entries: `audit.created`.
    Audit,
    /// Health flips and server changes: `mcp.health`, `mcp.server`.
    McpHealth,
    /// Ingested usage, about once a second: `usage.delta`.
    Usage,
    /// Every organization's status and changes: `org.status`, `org.changed`.
    Orgs,
    /// One organization: `org.status`, `org.changed`, `org.usage`.
    Org(Uuid),
}

impl Channel {
    /// What an admin needs, all of it, to receive the channel.
    pub fn permissions(self) -> &'static [Permission] {
        match self {
            Channel::Dashboard | Channel::Usage => &[Permission::TelemetryRead],
            Channel::Audit => &[Permission::AuditRead],
            Channel::McpHealth => &[Permission::McpRead],
            Channel::Orgs => &[Permission::OrgsRead],
            Channel::Org(_) => &[Permission::OrgsRead, Permission::TelemetryRead],
        }
    }

    /// The channels of fixed name (not `org:<id>`).
    pub const NAMED: &'static [Channel] = &[
        Channel::Dashboard,
        Channel::Audit,
        Channel::McpHealth,
        Channel::Usage,
        Channel::Orgs,
    ];
}

impl std::fmt::Display for Channel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Channel::Dashboard => f.write_str("dashboard"),
            Channel::Audit => f.write_str("audit"),
            Channel::McpHealth => f.write_str("mcp-health"),
            Channel::Usage => f.write_str("usage"),
            Channel::Orgs => f.write_str("orgs"),
            Channel::Org(id) => write!(f, "org:{id}"),
        }
    }
}

impl std::str::FromStr for Channel {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "dashboard" => Ok(Channel::Dashboard),
            "audit" => Ok(Channel::Audit),
            "mcp-health" => Ok(Channel::McpHealth),
            "usage" => Ok(Channel::Usage),
            "orgs" => Ok(Channel::Orgs),
            other => other
                .strip_prefix("org:")
                .and_then(|id| id.parse().ok())
                .map(Channel::Org)
                .ok_or_else(|| {
                    "must be one of: dashboard, audit, mcp-health, usage, orgs, org:<organization id>".to_owned()
                }),
        }
    }
}

/// What a client should do with an event's number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The next event: apply it.
    Next,
    /// One or more events were missed: refetch the channel's view.
    Gap { expected: u64, got: u64 },
    /// Already seen (or from before the subscription): ignore it.
    Stale,
    /// An event of a channel not subscribed to: ignore it.
    Unknown,
}

/// Tracks each channel's last event number on the client side (gap detection).
#[derive(Debug, Clone, Default)]
pub struct Sequencer {
    last: BTreeMap<String, u64>,
}

impl Sequencer {
    /// A `subscribed` message: events count from `seq`.
    pub fn subscribed(&mut self, channel: &str, seq: u64) {
        self.last.insert(channel.to_owned(), seq);
    }

    pub fn unsubscribed(&mut self, channel: &str) {
        self.last.remove(channel);
    }

    /// A new connection: nothing carries over.
    pub fn reset(&mut self) {
        self.last.clear();
    }

    /// An `event` message. After a gap the sequence goes on from `seq`.
    pub fn step(&mut self, channel: &str, seq: u64) -> Step {
        let Some(last) = self.last.get_mut(channel) else {
            return Step::Unknown;
        };
        let expected = *last + 1;
        if seq < expected {
            return Step::Stale;
        }
        *last = seq;
        if seq == expected {
            Step::Next
        } else {
            Step::Gap { expected, got: seq }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_round_trip_and_unknown_ones_are_refused() {
        let org = Uuid::now_v7();
        for channel in Channel::NAMED.iter().copied().chain([Channel::Org(org)]) {
            assert_eq!(channel.to_string().parse::<Channel>(), Ok(channel));
        }
        for bad in ["", "Audit", "org:", "org:42", "mcp_health", "dashboard "] {
            assert!(bad.parse::<Channel>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_sequencer_finds_gaps_and_ignores_repeats() {
        let mut s = Sequencer::default();
        assert_eq!(s.step("audit", 1), Step::Unknown);
        s.subscribed("audit", 7);
        assert_eq!(s.step("audit", 8), Step::Next);
        assert_eq!(s.step("audit", 9), Step::Next);
        assert_eq!(s.step("audit", 9), Step::Stale);
        assert_eq!(s.step("audit", 5), Step::Stale);
        assert_eq!(s.step("audit", 12), Step::Gap { expected: 10, got: 12 });
        assert_eq!(s.step("audit", 13), Step::Next);
        s.subscribed("usage", 0);
        assert_eq!(s.step("usage", 2), Step::Gap { expected: 1, got: 2 });
        s.reset();
        assert_eq!(s.step("audit", 14), Step::Unknown);
    }

    #[test]
    fn messages_have_the_documented_shape() {
        let msg: ClientMessage = serde_json::from_str(r#"{"type":"subscribe","channels":["audit"]}"#).unwrap();
        assert_eq!(
            msg,
            ClientMessage::Subscribe {
                channels: vec!["audit".into()]
            }
        );
        assert!(serde_json::from_str::<ClientMessage>(r#"{"type":"pong","extra":1}"#).is_err());
        let event = ServerMessage::Event {
            channel: "dashboard".into(),
            seq: 3,
            event: Event::DashboardDelta(UsageTotals::default()),
        };
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(json["type"], "event");
        assert_eq!(json["event"]["kind"], "dashboard.delta");
        assert_eq!(json["event"]["data"]["calls"], 0);
    }
}
