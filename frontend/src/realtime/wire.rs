//! The server's messages as the SPA reads them.
//!
//! `omni_types::live::ServerMessage` is the contract. Decoding it whole would compile
//! serde's tagged-enum machinery for every event kind and field, the many the SPA never
//! reads among them (usage totals by server and organization, audit entries, `ready`'s
//! permissions): measured, about a quarter of what live updates add to the WASM. So the
//! SPA reads each message as JSON (the parser it has anyway) and takes what it uses:
//! the envelope, and the content of the events it shows (health flips, server and
//! organization changes). Every other event only says that its channel changed, which is
//! all its listeners need to refetch. The tests decode what the shared types write, so a
//! change to the protocol that this does not follow fails them.

use chrono::{DateTime, Utc};
use omni_types::live::{ErrorCode, McpHealth, McpServer, OrgChanged, OrgStatusChanged};
use serde::Deserialize;
use serde_json::Value;

/// A server message, as much of it as the SPA reads.
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    Ready {
        expires_at: Option<DateTime<Utc>>,
    },
    Subscribed {
        channel: String,
        seq: u64,
    },
    /// `taken_away`: not asked for (the admin lost the permission).
    Unsubscribed {
        channel: String,
        taken_away: bool,
    },
    Event {
        channel: String,
        seq: u64,
        event: LiveEvent,
    },
    Resync {
        channels: Vec<String>,
    },
    Ping,
    /// `code` is `None` for a code this SPA does not know yet.
    Error {
        code: Option<ErrorCode>,
        message: String,
        channel: Option<String>,
    },
}

/// An event, as the pages use it.
#[derive(Debug, Clone, PartialEq)]
pub enum LiveEvent {
    McpHealth(McpHealth),
    McpServer(McpServer),
    OrgStatus(OrgStatusChanged),
    OrgChanged(OrgChanged),
    /// Any other kind (usage, audit entries): its channel changed, what it says is not
    /// read. Also an event of a known kind that could not be read: refetching is right
    /// for it too.
    Other,
}

/// `None`: not a message of the protocol (logged by the caller).
pub fn decode(text: &str) -> Option<Incoming> {
    let message: Value = serde_json::from_str(text).ok()?;
    let string = |name: &str| message.get(name).and_then(Value::as_str).map(str::to_owned);
    let seq = || message.get("seq").and_then(Value::as_u64);
    Some(match message.get("type")?.as_str()? {
        "ready" => Incoming::Ready {
            expires_at: message
                .get("expires_at")
                .and_then(Value::as_str)
                .and_then(|at| DateTime::parse_from_rfc3339(at).ok())
                .map(|at| at.with_timezone(&Utc)),
        },
        "subscribed" => Incoming::Subscribed {
            channel: string("channel")?,
            seq: seq()?,
        },
        "unsubscribed" => Incoming::Unsubscribed {
            channel: string("channel")?,
            taken_away: string("reason").is_some(),
        },
        "event" => Incoming::Event {
            channel: string("channel")?,
            seq: seq()?,
            event: event(message.get("event")?),
        },
        "resync" => Incoming::Resync {
            channels: message
                .get("channels")?
                .as_array()?
                .iter()
                .filter_map(|c| c.as_str().map(str::to_owned))
                .collect(),
        },
        "ping" => Incoming::Ping,
        "error" => Incoming::Error {
            code: string("code").and_then(|code| code.parse().ok()),
            message: string("message").unwrap_or_default(),
            channel: string("channel"),
        },
        _ => return None,
    })
}

fn event(event: &Value) -> LiveEvent {
    let Some(data) = event.get("data") else {
        return LiveEvent::Other;
    };
    let read = match event.get("kind").and_then(Value::as_str) {
        Some("mcp.health") => McpHealth::deserialize(data).map(LiveEvent::McpHealth),
        Some("mcp.server") => McpServer::deserialize(data).map(LiveEvent::McpServer),
        Some("org.status") => OrgStatusChanged::deserialize(data).map(LiveEvent::OrgStatus),
        Some("org.changed") => OrgChanged::deserialize(data).map(LiveEvent::OrgChanged),
        _ => return LiveEvent::Other,
    };
    read.unwrap_or(LiveEvent::Other)
}

#[cfg(test)]
mod tests {
    use omni_types::Permission;
    use omni_types::live::{AuditCreated, Change, Event, ServerMessage, UsageDelta, UsageShare, UsageTotals};
    use omni_types::mcp::HealthStatus;
    use omni_types::orgs::OrgStatus;
    use uuid::Uuid;

    use super::*;

    /// What the server writes, read back as the SPA reads it.
    fn read(message: ServerMessage) -> Incoming {
        decode(&serde_json::to_string(&message).unwrap()).expect("a message of the protocol")
    }

    fn event_message(event: Event) -> ServerMessage {
        ServerMessage::Event {
            channel: "mcp-health".into(),
            seq: 7,
            event,
        }
    }

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn every_message_the_server_writes_is_read() {
        let expires = at("2026-12-01T10:15:00Z");
        assert_eq!(
            read(ServerMessage::Ready {
                admin_id: Uuid::now_v7(),
                permissions: vec![Permission::AuditRead],
                expires_at: Some(expires),
            }),
            Incoming::Ready {
                expires_at: Some(expires)
            }
        );
        assert_eq!(
            read(ServerMessage::Ready {
                admin_id: Uuid::nil(),
                permissions: Vec::new(),
                expires_at: None,
            }),
            Incoming::Ready { expires_at: None }
        );
        assert_eq!(
            read(ServerMessage::Subscribed {
                channel: "audit".into(),
                seq: 41
            }),
            Incoming::Subscribed {
                channel: "audit".into(),
                seq: 41
            }
        );
        assert_eq!(
            read(ServerMessage::Unsubscribed {
                channel: "orgs".into(),
                reason: Some("forbidden".into())
            }),
            Incoming::Unsubscribed {
                channel: "orgs".into(),
                taken_away: true
            }
        );
        assert_eq!(
            read(ServerMessage::Unsubscribed {
                channel: "orgs".into(),
                reason: None
            }),
            Incoming::Unsubscribed {
                channel: "orgs".into(),
                taken_away: false
            }
        );
        assert_eq!(
            read(ServerMessage::Resync {
                channels: vec!["audit".into(), "dashboard".into()],
                reason: "notifications lost".into()
            }),
            Incoming::Resync {
                channels: vec!["audit".into(), "dashboard".into()]
            }
        );
        assert_eq!(read(ServerMessage::Ping), Incoming::Ping);
        for code in ErrorCode::ALL {
            assert_eq!(
                read(ServerMessage::Error {
                    code: *code,
                    message: "no".into(),
                    channel: Some("usage".into())
                }),
                Incoming::Error {
                    code: Some(*code),
                    message: "no".into(),
                    channel: Some("usage".into())
                }
            );
        }
        assert_eq!(decode(r#"{"type":"hello"}"#), None);
        assert_eq!(decode("not json"), None);
    }

    #[test]
    fn the_events_pages_read_keep_their_content_and_the_others_say_they_came() {
        let health = McpHealth {
            id: Uuid::now_v7(),
            name: "search".into(),
            status: HealthStatus::Down,
            previous: HealthStatus::Up,
            organization_id: Some(Uuid::now_v7()),
            checked_at: Some(at("2026-12-01T10:00:00Z")),
            latency_ms: Some(120),
            error: Some("connection refused".into()),
        };
        let server = McpServer {
            id: Uuid::now_v7(),
            name: "search".into(),
            change: Change::Deleted,
        };
        let status = OrgStatusChanged {
            id: Uuid::now_v7(),
            slug: "acme".into(),
            name: "Acme".into(),
            status: OrgStatus::Suspended,
            previous: OrgStatus::Active,
            reason: None,
        };
        let changed = OrgChanged {
            id: Uuid::now_v7(),
            slug: "acme-2".into(),
            name: "Acme 2".into(),
            change: Change::Updated,
        };
        let totals = UsageTotals {
            from: at("2026-12-01T10:00:00Z"),
            to: at("2026-12-01T10:00:01Z"),
            calls: 3,
            errors: 1,
            cost_usd: 0.5,
            input_tokens: 10,
            output_tokens: 20,
        };
        let cases = [
            (Event::McpHealth(health.clone()), LiveEvent::McpHealth(health)),
            (Event::McpServer(server.clone()), LiveEvent::McpServer(server)),
            (Event::OrgStatus(status.clone()), LiveEvent::OrgStatus(status)),
            (Event::OrgChanged(changed.clone()), LiveEvent::OrgChanged(changed)),
            (Event::DashboardDelta(totals.clone()), LiveEvent::Other),
            (Event::OrgUsage(totals.clone()), LiveEvent::Other),
            (
                Event::UsageDelta(UsageDelta {
                    totals,
                    servers: vec![UsageShare {
                        id: Uuid::now_v7(),
                        calls: 3,
                        errors: 1,
                        cost_usd: 0.5,
                    }],
                    organizations: Vec::new(),
                }),
                LiveEvent::Other,
            ),
            (
                Event::AuditCreated(AuditCreated {
                    id: Uuid::now_v7(),
                    occurred_at: at("2026-12-01T10:00:00Z"),
                    action: "auth.login".into(),
                    actor: "ada@example.com".into(),
                    resource_type: "admin".into(),
                    resource_id: None,
                }),
                LiveEvent::Other,
            ),
        ];
        for (sent, heard) in cases {
            assert_eq!(
                read(event_message(sent)),
                Incoming::Event {
                    channel: "mcp-health".into(),
                    seq: 7,
                    event: heard
                }
            );
        }
        // A known kind that cannot be read is still news of its channel.
        assert_eq!(
            decode(r#"{"type":"event","channel":"mcp-health","seq":2,"event":{"kind":"mcp.health","data":{"id":1}}}"#),
            Some(Incoming::Event {
                channel: "mcp-health".into(),
                seq: 2,
                event: LiveEvent::Other
            })
        );
    }
}
