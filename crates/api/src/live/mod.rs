//! Real-time updates (SPEC RT-1..3): the WebSocket at `GET /api/v1/ws` and the fan-out
//! behind it. The protocol is `omni_types::live`; `docs/REALTIME.md` explains it.
//!
//! Changes NOTIFY [`CHANNEL`] in the transaction that makes them (triggers in
//! `migrations/…_live.sql`; one summary per ingested batch from [`usage::notify`]). Each
//! instance hears them on its one LISTEN connection (`crate::listen`) and hands them to
//! its [`Hub`], which numbers them per channel, serializes each once and puts it in the
//! bounded queue of every socket subscribed. A socket whose queue is full is dropped
//! (closed with `SLOW_CONSUMER`): a slow reader never holds up the others, and its client
//! reconnects and refetches.
//!
//! Nothing here is needed for correctness of the rest: a lost LISTEN connection means
//! the sockets are told to resync once it is back.

pub mod socket;
pub mod usage;

use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::extract::ws::Utf8Bytes;
use omni_types::live::{Channel, ServerMessage, close};
use serde::Deserialize;
use serde_json::value::RawValue;
use tokio::sync::{mpsc, watch};
use uuid::Uuid;

/// The channel the triggers and ingestion notify.
pub const CHANNEL: &str = "omni_live";

/// Why the server closes a socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Close {
    pub code: u16,
    pub reason: &'static str,
}

const GOING_AWAY: Close = Close::new(close::GOING_AWAY, "The server is restarting.");

impl Close {
    pub const fn new(code: u16, reason: &'static str) -> Self {
        Close { code, reason }
    }
}

/// One socket's end of the hub: its queue and the signal that closes it.
pub struct Peer {
    pub id: u64,
    pub queue: mpsc::Receiver<Utf8Bytes>,
    pub closing: watch::Receiver<Option<Close>>,
    /// Bumped when admins, roles or tokens changed: the socket re-checks its credentials.
    pub recheck: watch::Receiver<u64>,
}

struct Socket {
    queue: mpsc::Sender<Utf8Bytes>,
    close: watch::Sender<Option<Close>>,
    channels: BTreeSet<Channel>,
}

#[derive(Default)]
struct Topic {
    /// The number of the last event sent.
    seq: u64,
    subscribers: BTreeSet<u64>,
    window_started: Option<Instant>,
    in_window: u32,
    /// Events were held back since the last `resync`: one is owed at the next tick.
    held_back: bool,
}

#[derive(Default)]
struct Registry {
    sockets: HashMap<u64, Socket>,
    topics: HashMap<Channel, Topic>,
}

/// This instance's sockets and channels.
pub struct Hub {
    /// Messages a socket may have waiting before it counts as a slow consumer
    /// (`OMNI_LIVE_QUEUE`).
    queue: usize,
    /// Events one channel may carry per second before the rest of the burst is replaced
    /// by one `resync` (`OMNI_LIVE_BURST_PER_SECOND`): an import or a config apply changes
    /// hundreds of rows in one commit, and the clients had better refetch once than
    /// overflow every queue.
    burst_per_second: u32,
    registry: Mutex<Registry>,
    next_id: AtomicU64,
    listening: AtomicBool,
    usage: Mutex<usage::Window>,
    recheck: watch::Sender<u64>,
    /// Set by [`Hub::shutdown`]: sockets that connect later are closed at once.
    shutting_down: AtomicBool,
    dropped: AtomicU64,
    delivered: AtomicU64,
}

impl Hub {
    pub fn new(queue: usize, burst_per_second: u32) -> Self {
        Hub {
            queue,
            burst_per_second,
            registry: Mutex::default(),
            next_id: AtomicU64::new(1),
            listening: AtomicBool::new(false),
            usage: Mutex::default(),
            recheck: watch::Sender::new(0),
            shutting_down: AtomicBool::new(false),
            dropped: AtomicU64::new(0),
            delivered: AtomicU64::new(0),
        }
    }
}

/// A notification as the triggers write it.
#[derive(Deserialize)]
struct Notice<'a> {
    /// Topic: `audit`, `mcp-health`, `org` or `usage`.
    c: &'a str,
    /// Event kind (absent for usage).
    #[serde(default)]
    e: Option<&'a str>,
    #[serde(borrow)]
    d: &'a RawValue,
}

#[derive(Deserialize)]
struct WithId {
    id: Uuid,
}

/// Counters for `/metrics`, tests and the benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    pub sockets: usize,
    /// Sockets dropped as slow consumers since start.
    pub dropped: u64,
    /// Messages queued to sockets since start.
    pub delivered: u64,
}

fn text(message: &ServerMessage) -> Utf8Bytes {
    serde_json::to_string(message)
        .expect("server messages serialize")
        .into()
}

impl Hub {
    /// A new socket, subscribed to nothing yet.
    pub fn connect(&self) -> Peer {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (queue, rx) = mpsc::channel(self.queue);
        let (close, closing) = watch::channel(self.shutting_down.load(Ordering::Acquire).then_some(GOING_AWAY));
        let socket = Socket {
            queue,
            close,
            channels: BTreeSet::new(),
        };
        self.lock().sockets.insert(id, socket);
        metrics::gauge!("live_sockets").increment(1.0);
        Peer {
            id,
            queue: rx,
            closing,
            recheck: self.recheck.subscribe(),
        }
    }

    pub fn disconnect(&self, id: u64) {
        let mut registry = self.lock();
        if let Some(socket) = registry.sockets.remove(&id) {
            metrics::gauge!("live_sockets").decrement(1.0);
            for channel in socket.channels {
                registry.leave(id, channel);
            }
        }
    }

    /// Subscribes and queues `subscribed` with the channel's current number, in one step
    /// (so the socket's first event is exactly the next one).
    pub fn subscribe(&self, id: u64, channel: Channel) {
        let mut registry = self.lock();
        let Some(socket) = registry.sockets.get_mut(&id) else {
            return;
        };
        socket.channels.insert(channel);
        let topic = registry.topics.entry(channel).or_default();
        topic.subscribers.insert(id);
        let seq = topic.seq;
        let message = text(&ServerMessage::Subscribed {
            channel: channel.to_string(),
            seq,
        });
        registry.queue(self, id, message);
    }

    /// Unsubscribes and queues `unsubscribed` (with the reason, if the server decided).
    pub fn unsubscribe(&self, id: u64, channel: Channel, reason: Option<&str>) {
        let mut registry = self.lock();
        let Some(socket) = registry.sockets.get_mut(&id) else {
            return;
        };
        if socket.channels.remove(&channel) {
            registry.leave(id, channel);
        }
        let message = text(&ServerMessage::Unsubscribed {
            channel: channel.to_string(),
            reason: reason.map(str::to_owned),
        });
        registry.queue(self, id, message);
    }

    /// The channels a socket is subscribed to.
    pub fn channels(&self, id: u64) -> BTreeSet<Channel> {
        self.lock()
            .sockets
            .get(&id)
            .map(|s| s.channels.clone())
            .unwrap_or_default()
    }

    /// Queues a message for one socket (dropping it if its queue is full).
    pub fn send(&self, id: u64, message: &ServerMessage) {
        self.lock().queue(self, id, text(message));
    }

    /// Closes a socket: its writer sends the close frame and stops.
    pub fn close(&self, id: u64, close: Close) {
        let registry = self.lock();
        if let Some(socket) = registry.sockets.get(&id) {
            socket.close.send_replace(Some(close));
        }
    }

    /// Closes every socket, and any that connects from now on (the server is shutting
    /// down); [`Hub::drained`] waits for them to be gone.
    pub fn shutdown(&self) {
        self.shutting_down.store(true, Ordering::Release);
        let registry = self.lock();
        for socket in registry.sockets.values() {
            socket.close.send_replace(Some(GOING_AWAY));
        }
    }

    /// Waits until every socket is closed, for at most `limit`.
    pub async fn drained(&self, limit: Duration) {
        let deadline = Instant::now() + limit;
        while self.stats().sockets > 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Numbers an event and queues it to every subscriber of `channel`.
    pub fn publish(&self, channel: Channel, kind: &str, data: &str) {
        let mut registry = self.lock();
        let Some(topic) = registry.topics.get_mut(&channel) else {
            return;
        };
        let now = Instant::now();
        match topic.window_started {
            Some(at) if now.duration_since(at) < Duration::from_secs(1) => topic.in_window += 1,
            _ => {
                topic.window_started = Some(now);
                topic.in_window = 1;
            }
        }
        if topic.in_window > self.burst_per_second {
            // Held back events take no number: the `resync` at the next tick tells the
            // subscribers to refetch, once a second for as long as the burst lasts.
            topic.held_back = true;
            return;
        }
        topic.seq += 1;
        // `channel` and `kind` are ours; `data` is JSON the database or we wrote.
        let message: Utf8Bytes = format!(
            r#"{{"type":"event","channel":"{channel}","seq":{},"event":{{"kind":"{kind}","data":{data}}}}}"#,
            topic.seq
        )
        .into();
        let subscribers: Vec<u64> = topic.subscribers.iter().copied().collect();
        for id in subscribers {
            registry.queue(self, id, message.clone());
        }
    }

    /// A notification from [`CHANNEL`].
    pub fn heard(&self, payload: &str) {
        let Ok(notice) = serde_json::from_str::<Notice>(payload) else {
            tracing::warn!(payload_bytes = payload.len(), "live: unreadable notification ignored");
            return;
        };
        let data = notice.d.get();
        match (notice.c, notice.e) {
            ("usage", _) => self.usage_lock().add(data),
            ("audit", Some(kind)) => self.publish(Channel::Audit, kind, data),
            ("mcp-health", Some(kind)) => self.publish(Channel::McpHealth, kind, data),
            ("org", Some(kind)) => {
                self.publish(Channel::Orgs, kind, data);
                if let Ok(org) = serde_json::from_str::<WithId>(data) {
                    self.publish(Channel::Org(org.id), kind, data);
                }
            }
            _ => tracing::debug!(topic = notice.c, "live: notification of no channel"),
        }
    }

    /// A notification from the access channel: admins, roles or tokens may have changed.
    pub fn access_changed(&self, table: &str) {
        const CREDENTIALS: &[&str] = &[
            "admins",
            "admin_roles",
            "roles",
            "role_permissions",
            "admin_mfa",
            "api_tokens",
            "api_token_permissions",
        ];
        if CREDENTIALS.contains(&table) {
            self.recheck.send_modify(|n| *n += 1);
        }
    }

    /// The LISTEN connection is (back) up: whatever happened while it was down was not
    /// heard, so every socket refetches; credentials are re-checked too.
    pub fn connected(&self) {
        self.listening.store(true, Ordering::Release);
        self.resync_all("listener_reconnected");
        self.recheck.send_modify(|n| *n += 1);
    }

    pub fn lost(&self) {
        self.listening.store(false, Ordering::Release);
    }

    pub fn is_listening(&self) -> bool {
        self.listening.load(Ordering::Acquire)
    }

    fn resync_all(&self, reason: &str) {
        let mut registry = self.lock();
        let sockets: Vec<(u64, Vec<String>)> = registry
            .sockets
            .iter()
            .filter(|(_, s)| !s.channels.is_empty())
            .map(|(id, s)| (*id, s.channels.iter().map(Channel::to_string).collect()))
            .collect();
        for (id, channels) in sockets {
            let message = text(&ServerMessage::Resync {
                channels,
                reason: reason.to_owned(),
            });
            registry.queue(self, id, message);
        }
    }

    /// Once a second: the usage window goes out, and channels that held back events since
    /// the last tick send their subscribers a `resync`.
    pub fn tick(&self) {
        let window = std::mem::take(&mut *self.usage_lock());
        if let Some(events) = window.close(chrono::Utc::now()) {
            for (channel, kind, data) in events.into_iter().filter(|(c, ..)| self.has_topic(*c)) {
                self.publish(channel, kind, &data);
            }
        }
        let mut registry = self.lock();
        let owed: Vec<(Channel, Vec<u64>)> = registry
            .topics
            .iter_mut()
            .filter(|(_, t)| t.held_back)
            .map(|(c, t)| {
                t.held_back = false;
                (*c, t.subscribers.iter().copied().collect())
            })
            .collect();
        for (channel, subscribers) in owed {
            let message = text(&ServerMessage::Resync {
                channels: vec![channel.to_string()],
                reason: "burst".into(),
            });
            for id in subscribers {
                registry.queue(self, id, message.clone());
            }
        }
    }

    /// Runs [`Hub::tick`] every second until `stop`.
    pub async fn run_ticks(self: std::sync::Arc<Self>, mut stop: watch::Receiver<bool>) {
        let mut every = tokio::time::interval(Duration::from_secs(1));
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = stop.changed() => return,
                _ = every.tick() => self.tick(),
            }
        }
    }

    fn has_topic(&self, channel: Channel) -> bool {
        self.lock()
            .topics
            .get(&channel)
            .is_some_and(|t| !t.subscribers.is_empty())
    }

    pub fn stats(&self) -> Stats {
        Stats {
            sockets: self.lock().sockets.len(),
            dropped: self.dropped.load(Ordering::Relaxed),
            delivered: self.delivered.load(Ordering::Relaxed),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Registry> {
        // A panic while holding the lock leaves plain data behind: carry on with it.
        self.registry.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn usage_lock(&self) -> std::sync::MutexGuard<'_, usage::Window> {
        self.usage.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Registry {
    fn leave(&mut self, id: u64, channel: Channel) {
        if let Some(topic) = self.topics.get_mut(&channel) {
            topic.subscribers.remove(&id);
            // An organization's channel lives while someone listens; a new subscriber
            // starts from the number `subscribed` gives.
            if topic.subscribers.is_empty() && matches!(channel, Channel::Org(_)) {
                self.topics.remove(&channel);
            }
        }
    }

    /// Queues without waiting; a full queue drops the socket.
    fn queue(&mut self, hub: &Hub, id: u64, message: Utf8Bytes) {
        let Some(socket) = self.sockets.get(&id) else {
            return;
        };
        match socket.queue.try_send(message) {
            Ok(()) => {
                hub.delivered.fetch_add(1, Ordering::Relaxed);
            }
            Err(mpsc::error::TrySendError::Full(_)) => {
                hub.dropped.fetch_add(1, Ordering::Relaxed);
                metrics::counter!("live_slow_consumers_dropped_total").increment(1);
                tracing::info!(socket = id, "live: slow consumer dropped");
                socket.close.send_replace(Some(Close::new(
                    close::SLOW_CONSUMER,
                    "Too many messages waiting: reconnect and refetch.",
                )));
                if let Some(socket) = self.sockets.remove(&id) {
                    metrics::gauge!("live_sockets").decrement(1.0);
                    for channel in socket.channels {
                        self.leave(id, channel);
                    }
                }
            }
            Err(mpsc::error::TrySendError::Closed(_)) => {}
        }
    }
}
