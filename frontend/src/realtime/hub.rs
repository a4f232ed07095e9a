//! What one connection knows, without the socket: who listens to which channel, what was
//! asked of the server on the current socket, and each channel's event numbers. Every
//! server message becomes a list of [`Step`]s for the caller to carry out once it no
//! longer holds the hub, so a listener may subscribe or leave while it is being called.

use std::collections::BTreeSet;
use std::rc::Rc;

use chrono::{DateTime, Utc};
use omni_types::live::{Channel, ClientMessage, ErrorCode, Sequencer, Step as Seq};

use super::wire::{Incoming, LiveEvent};

/// What a page does with a channel: apply an event, or refetch what it shows.
pub struct Handlers {
    pub on_event: Box<dyn Fn(&LiveEvent)>,
    pub on_resync: Box<dyn Fn()>,
}

/// What the caller must do after a message or a change of listeners.
pub enum Step {
    Send(ClientMessage),
    /// The socket is authenticated (again, after a fresh token); the token runs until then.
    Ready(Option<DateTime<Utc>>),
    Deliver(Vec<Rc<Handlers>>, LiveEvent),
    /// These listeners may have missed events: they refetch.
    Resync(Vec<Rc<Handlers>>),
    /// The account must change its password or set up MFA before it may listen.
    ActionRequired,
}

struct Listener {
    id: u64,
    channel: String,
    handlers: Rc<Handlers>,
    /// Set when the socket it listened on closed: the next `subscribed` of its channel
    /// comes after a stretch without events, so it refetches then.
    resync_when_subscribed: bool,
}

#[derive(Default)]
pub struct Hub {
    listeners: Vec<Listener>,
    next_id: u64,
    /// The current socket has answered `ready`.
    ready: bool,
    /// Channels asked for on the current socket.
    asked: BTreeSet<String>,
    /// Channels the server refused on the current socket: not asked again until the next.
    refused: BTreeSet<String>,
    sequencer: Sequencer,
}

impl Hub {
    pub fn is_ready(&self) -> bool {
        self.ready
    }

    /// A new listener; the message to send when its channel is new to the current socket.
    pub fn add(&mut self, channel: Channel, handlers: Rc<Handlers>) -> (u64, Option<ClientMessage>) {
        self.next_id += 1;
        let id = self.next_id;
        let channel = channel.to_string();
        let message = self
            .ask(&channel)
            .map(|name| ClientMessage::Subscribe { channels: vec![name] });
        self.listeners.push(Listener {
            id,
            channel,
            handlers,
            // What the page fetched may miss events sent before its channel's `subscribed`:
            // that answer makes it fetch again (a channel already confirmed sends none).
            resync_when_subscribed: true,
        });
        (id, message)
    }

    /// The listener is gone; the message to send when it was its channel's last.
    pub fn remove(&mut self, id: u64) -> Option<ClientMessage> {
        let index = self.listeners.iter().position(|l| l.id == id)?;
        let channel = self.listeners.remove(index).channel;
        if self.listeners.iter().any(|l| l.channel == channel) || !self.asked.remove(&channel) {
            return None;
        }
        self.sequencer.unsubscribed(&channel);
        Some(ClientMessage::Unsubscribe {
            channels: vec![channel],
        })
    }

    /// The socket closed (or was given up): everything but the listeners goes with it.
    pub fn closed(&mut self) {
        if self.ready {
            for listener in &mut self.listeners {
                listener.resync_when_subscribed = true;
            }
        }
        self.ready = false;
        self.asked.clear();
        self.refused.clear();
        self.sequencer.reset();
    }

    pub fn receive(&mut self, message: Incoming) -> Vec<Step> {
        match message {
            Incoming::Ready { expires_at } => {
                let mut steps = vec![Step::Ready(expires_at)];
                if !self.ready {
                    self.ready = true;
                    let wanted: BTreeSet<String> = self.listeners.iter().map(|l| l.channel.clone()).collect();
                    let channels: Vec<String> = wanted.iter().filter_map(|c| self.ask(c)).collect();
                    if !channels.is_empty() {
                        steps.push(Step::Send(ClientMessage::Subscribe { channels }));
                    }
                }
                steps
            }
            Incoming::Subscribed { channel, seq } => {
                self.sequencer.subscribed(&channel, seq);
                let missed: Vec<Rc<Handlers>> = self
                    .listeners
                    .iter_mut()
                    .filter(|l| l.channel == channel && l.resync_when_subscribed)
                    .map(|l| {
                        l.resync_when_subscribed = false;
                        l.handlers.clone()
                    })
                    .collect();
                resync(missed)
            }
            // The late answer to an unsubscribe the page took back (a listener came again
            // and the channel was asked for anew): the new subscription stands.
            Incoming::Unsubscribed { channel, taken_away }
                if !taken_away && self.listeners.iter().any(|l| l.channel == channel) =>
            {
                Vec::new()
            }
            Incoming::Unsubscribed { channel, taken_away } => {
                self.sequencer.unsubscribed(&channel);
                self.asked.remove(&channel);
                // The admin lost the permission: not asked again on this socket.
                if taken_away {
                    self.refused.insert(channel);
                }
                Vec::new()
            }
            Incoming::Event { channel, seq, event } => {
                let step = self.sequencer.step(&channel, seq);
                if matches!(step, Seq::Stale | Seq::Unknown) {
                    return Vec::new();
                }
                let listeners = self.on(|c| c == channel);
                let mut steps = vec![Step::Deliver(listeners.clone(), event)];
                if matches!(step, Seq::Gap { .. }) {
                    steps.extend(resync(listeners));
                }
                steps
            }
            Incoming::Resync { channels } => resync(self.on(|c| channels.iter().any(|name| name == c))),
            Incoming::Ping => vec![Step::Send(ClientMessage::Pong {})],
            Incoming::Error { code, message, channel } => match (code, channel) {
                (Some(ErrorCode::ActionRequired), _) => vec![Step::ActionRequired],
                // Refused (forbidden, no such channel, too many): not asked again here.
                (_, Some(channel)) => {
                    leptos::logging::warn!("live updates: {channel} refused: {message}");
                    self.asked.remove(&channel);
                    self.refused.insert(channel);
                    Vec::new()
                }
                (_, None) => {
                    leptos::logging::warn!("live updates: {message}");
                    Vec::new()
                }
            },
        }
    }

    /// `channel`, if the current socket is ready and has not been asked for it yet.
    fn ask(&mut self, channel: &str) -> Option<String> {
        if !self.ready || self.asked.contains(channel) || self.refused.contains(channel) {
            return None;
        }
        self.asked.insert(channel.to_owned());
        Some(channel.to_owned())
    }

    fn on(&self, channel: impl Fn(&str) -> bool) -> Vec<Rc<Handlers>> {
        self.listeners
            .iter()
            .filter(|l| channel(&l.channel))
            .map(|l| l.handlers.clone())
            .collect()
    }
}

fn resync(listeners: Vec<Rc<Handlers>>) -> Vec<Step> {
    if listeners.is_empty() {
        Vec::new()
    } else {
        vec![Step::Resync(listeners)]
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use omni_types::live::{AuditCreated, Event, ServerMessage, UsageTotals};
    use uuid::Uuid;

    use super::super::wire::decode;
    use super::*;

    /// What a listener was called with, in order.
    #[derive(Default)]
    struct Log(RefCell<Vec<String>>);

    fn listener(log: &Rc<Log>, name: &'static str) -> Rc<Handlers> {
        let (on_event, on_resync) = (log.clone(), log.clone());
        Rc::new(Handlers {
            on_event: Box::new(move |event| on_event.0.borrow_mut().push(format!("{name}: {}", kind(event)))),
            on_resync: Box::new(move || on_resync.0.borrow_mut().push(format!("{name}: resync"))),
        })
    }

    fn kind(event: &LiveEvent) -> &'static str {
        match event {
            LiveEvent::McpHealth(_) => "mcp.health",
            _ => "other",
        }
    }

    /// What the server writes, as the connection reads it.
    fn heard(message: ServerMessage) -> Incoming {
        decode(&serde_json::to_string(&message).unwrap()).unwrap()
    }

    /// Carries the steps out as the connection would; returns what was sent.
    fn run(steps: Vec<Step>) -> Vec<ClientMessage> {
        let mut sent = Vec::new();
        for step in steps {
            match step {
                Step::Send(message) => sent.push(message),
                Step::Deliver(listeners, event) => listeners.iter().for_each(|l| (l.on_event)(&event)),
                Step::Resync(listeners) => listeners.iter().for_each(|l| (l.on_resync)()),
                Step::Ready(_) | Step::ActionRequired => {}
            }
        }
        sent
    }

    fn ready() -> Incoming {
        heard(ServerMessage::Ready {
            admin_id: Uuid::nil(),
            permissions: Vec::new(),
            expires_at: None,
        })
    }

    fn subscribed(channel: &str, seq: u64) -> Incoming {
        heard(ServerMessage::Subscribed {
            channel: channel.into(),
            seq,
        })
    }

    fn audit_event(seq: u64) -> Incoming {
        heard(ServerMessage::Event {
            channel: "audit".into(),
            seq,
            event: Event::AuditCreated(AuditCreated {
                id: Uuid::nil(),
                occurred_at: DateTime::default(),
                action: "auth.login".into(),
                actor: "ada@example.com".into(),
                resource_type: "admin".into(),
                resource_id: None,
            }),
        })
    }

    fn subscribe(channels: &[&str]) -> ClientMessage {
        ClientMessage::Subscribe {
            channels: channels.iter().map(|c| c.to_string()).collect(),
        }
    }

    #[test]
    fn listeners_added_before_ready_are_subscribed_once_ready_and_each_channel_once() {
        let log = Rc::new(Log::default());
        let mut hub = Hub::default();
        assert_eq!(hub.add(Channel::Audit, listener(&log, "a")).1, None);
        assert_eq!(hub.add(Channel::Audit, listener(&log, "b")).1, None);
        assert_eq!(hub.add(Channel::Dashboard, listener(&log, "c")).1, None);
        assert_eq!(run(hub.receive(ready())), [subscribe(&["audit", "dashboard"])]);
        // A fresh token answered by `ready` again: nothing is asked twice.
        assert!(run(hub.receive(ready())).is_empty());
        // A channel already asked for is not asked again; a new one is, at once.
        assert_eq!(hub.add(Channel::Audit, listener(&log, "d")).1, None);
        assert_eq!(
            hub.add(Channel::McpHealth, listener(&log, "e")).1,
            Some(subscribe(&["mcp-health"]))
        );
    }

    #[test]
    fn events_reach_their_channel_in_order_and_a_gap_asks_for_a_refetch() {
        let log = Rc::new(Log::default());
        let mut hub = Hub::default();
        hub.add(Channel::Audit, listener(&log, "audit"));
        hub.add(Channel::Dashboard, listener(&log, "dash"));
        run(hub.receive(ready()));
        run(hub.receive(subscribed("audit", 4)));
        run(hub.receive(audit_event(5)));
        run(hub.receive(audit_event(5)));
        run(hub.receive(audit_event(8)));
        // The page refetches once subscribed (it may have missed what came before).
        assert_eq!(
            log.0.take(),
            ["audit: resync", "audit: other", "audit: other", "audit: resync"]
        );
        // An event of a channel not (yet) confirmed is dropped.
        run(hub.receive(heard(ServerMessage::Event {
            channel: "dashboard".into(),
            seq: 1,
            event: Event::DashboardDelta(UsageTotals::default()),
        })));
        assert!(log.0.take().is_empty());
    }

    #[test]
    fn listeners_refetch_once_their_channel_is_subscribed_and_after_a_lost_socket() {
        let log = Rc::new(Log::default());
        let mut hub = Hub::default();
        hub.add(Channel::Audit, listener(&log, "old"));
        run(hub.receive(ready()));
        run(hub.receive(subscribed("audit", 0)));
        assert_eq!(
            log.0.take(),
            ["old: resync"],
            "what came before the subscription is fetched"
        );
        run(hub.receive(subscribed("audit", 0)));
        assert!(log.0.take().is_empty(), "once");

        hub.closed();
        hub.add(Channel::Audit, listener(&log, "new"));
        assert_eq!(run(hub.receive(ready())), [subscribe(&["audit"])]);
        run(hub.receive(subscribed("audit", 9)));
        assert_eq!(log.0.take(), ["old: resync", "new: resync"]);
        // Numbers start again from the new subscription.
        run(hub.receive(audit_event(10)));
        assert_eq!(log.0.take(), ["old: other", "new: other"]);

        // A socket that dies before `ready` has nothing to make up for.
        hub.closed();
        hub.closed();
        run(hub.receive(ready()));
        run(hub.receive(subscribed("audit", 10)));
        assert_eq!(log.0.take(), ["old: resync", "new: resync"]);
    }

    #[test]
    fn a_late_answer_to_an_unsubscribe_taken_back_keeps_the_new_subscription() {
        let log = Rc::new(Log::default());
        let mut hub = Hub::default();
        let (first, _) = hub.add(Channel::Audit, listener(&log, "tail"));
        run(hub.receive(ready()));
        run(hub.receive(subscribed("audit", 0)));
        assert!(hub.remove(first).is_some(), "the last listener unsubscribes");
        let (again, ask) = hub.add(Channel::Audit, listener(&log, "tail"));
        assert_eq!(ask, Some(subscribe(&["audit"])));
        run(hub.receive(heard(ServerMessage::Unsubscribed {
            channel: "audit".into(),
            reason: None,
        })));
        run(hub.receive(subscribed("audit", 3)));
        run(hub.receive(audit_event(4)));
        assert_eq!(log.0.take(), ["tail: resync", "tail: resync", "tail: other"]);
        assert!(
            hub.remove(again).is_some(),
            "still subscribed: leaving unsubscribes again"
        );
    }

    #[test]
    fn resync_pings_and_refusals() {
        let log = Rc::new(Log::default());
        let mut hub = Hub::default();
        hub.add(Channel::Audit, listener(&log, "audit"));
        hub.add(Channel::Orgs, listener(&log, "orgs"));
        run(hub.receive(ready()));
        run(hub.receive(heard(ServerMessage::Resync {
            channels: vec!["orgs".into(), "usage".into()],
            reason: "notifications lost".into(),
        })));
        assert_eq!(log.0.take(), ["orgs: resync"]);
        assert_eq!(run(hub.receive(heard(ServerMessage::Ping))), [ClientMessage::Pong {}]);

        // Refused: not asked again on this socket, asked again on the next.
        run(hub.receive(heard(ServerMessage::Error {
            code: ErrorCode::Forbidden,
            message: "needs orgs:read".into(),
            channel: Some("orgs".into()),
        })));
        assert_eq!(hub.add(Channel::Orgs, listener(&log, "orgs 2")).1, None);
        hub.closed();
        assert_eq!(run(hub.receive(ready())), [subscribe(&["audit", "orgs"])]);
    }

    #[test]
    fn the_last_listener_of_a_channel_unsubscribes_it() {
        let log = Rc::new(Log::default());
        let mut hub = Hub::default();
        let (first, _) = hub.add(Channel::Audit, listener(&log, "a"));
        let (second, _) = hub.add(Channel::Audit, listener(&log, "b"));
        run(hub.receive(ready()));
        run(hub.receive(subscribed("audit", 0)));
        assert_eq!(hub.remove(first), None);
        assert_eq!(
            hub.remove(second),
            Some(ClientMessage::Unsubscribe {
                channels: vec!["audit".into()]
            })
        );
        assert_eq!(hub.remove(second), None);
        // Asked for again when someone listens again.
        assert_eq!(
            hub.add(Channel::Audit, listener(&log, "c")).1,
            Some(subscribe(&["audit"]))
        );
    }
}
