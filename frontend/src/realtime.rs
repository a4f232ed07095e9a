//! Live updates (SPEC RT-4): one WebSocket for the whole app, open while an admin is
//! signed in (the protocol is `omni_types::live`; `docs/REALTIME.md` describes it).
//!
//! - It authenticates with the access token as soon as it opens, sends every new token
//!   (the session counts them), and asks for one shortly before the current one expires,
//!   so the server never has to close it for an old token.
//! - It answers pings, and gives up on a socket that has been silent for longer than two
//!   pings take ([`SILENCE_MS`]); then, or when the socket drops, it reconnects after a
//!   backoff with full jitter ([`backoff`]). 4401 means "refresh the token, then
//!   reconnect"; 4403 means the session is over: the admin is signed out.
//! - Pages listen with [`Live::subscribe`] for as long as they are on screen. A channel is
//!   asked for when its first listener comes (if the admin's permissions allow it), again
//!   on every new socket, and given up when its last listener goes. Listeners refetch
//!   what they show when events may have been missed: after a reconnect, on the server's
//!   `resync`, or when an event's number skips ([`hub`]).

mod backoff;
mod hub;
mod notices;
mod refetch;
mod socket;
mod wire;

use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use omni_types::live::{Channel, ClientMessage, close};

use crate::api::Api;
use crate::state::Session;
use backoff::{Backoff, OFFLINE_AFTER};
use hub::{Handlers, Hub, Step};
use socket::{Socket, SocketEvent};

pub use notices::LiveNotices;
pub use refetch::Refetch;
pub use wire::LiveEvent;

/// A socket that heard nothing for this long is dead, whatever the browser says: the
/// server pings every 20 s.
const SILENCE_MS: f64 = 50_000.0;
/// How often the silence is checked.
const WATCHDOG_TICK: Duration = Duration::from_secs(5);
/// A socket up for this long resets the backoff; one closed sooner counts as a failure.
const STABLE_MS: f64 = 30_000.0;
/// A new access token is asked for this long before the current one expires.
const RENEW_BEFORE_MS: i64 = 60_000;
/// But not sooner than this after `ready` (a token with little time left, skewed clocks).
const RENEW_AFTER_AT_LEAST_MS: i64 = 5_000;

/// Where the connection stands, as the header shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiveStatus {
    /// Signed out, or waiting for the account to act (change its password, set up MFA).
    Off,
    /// The first connection since sign-in is on its way.
    Connecting,
    Live,
    /// Lost, and trying again.
    Reconnecting,
    /// The browser is offline, or several attempts in a row failed (still retrying).
    Offline,
}

impl LiveStatus {
    pub fn label(self) -> &'static str {
        match self {
            LiveStatus::Off => "Paused",
            LiveStatus::Connecting => "Connecting",
            LiveStatus::Live => "Live",
            LiveStatus::Reconnecting => "Reconnecting",
            LiveStatus::Offline => "Offline",
        }
    }

    /// The CSS modifier.
    pub fn key(self) -> &'static str {
        match self {
            LiveStatus::Off => "off",
            LiveStatus::Connecting | LiveStatus::Reconnecting => "reconnecting",
            LiveStatus::Live => "live",
            LiveStatus::Offline => "offline",
        }
    }

    /// What it means for the page, for the tooltip.
    pub fn detail(self) -> &'static str {
        match self {
            LiveStatus::Off => "Live updates are paused.",
            LiveStatus::Connecting => "Connecting to live updates…",
            LiveStatus::Live => "Live: changes appear as they happen.",
            LiveStatus::Reconnecting => "Connection lost: reconnecting. Pages catch up once it is back.",
            LiveStatus::Offline => "Offline: still trying. What you see may be out of date.",
        }
    }
}

/// The connection, provided once by the app root; read it with [`use_live`]. Cheap to copy.
#[derive(Clone, Copy)]
pub struct Live {
    status: RwSignal<LiveStatus>,
    link: StoredValue<Link, LocalStorage>,
    session: Session,
    api: Api,
}

pub fn use_live() -> Live {
    expect_context()
}

#[derive(Default)]
struct Link {
    hub: Hub,
    socket: Option<Socket>,
    /// Numbers the sockets, so that what an old one says is ignored.
    generation: u32,
    backoff: Backoff,
    /// Signed in: connect, and reconnect whenever the socket goes.
    wanted: bool,
    /// The account must act first: wait for its next token.
    blocked: bool,
    /// A socket of this sign-in reached `ready`: what follows is a reconnection.
    was_live: bool,
    /// When the socket last heard from the server (`Date.now()`).
    heard_at: f64,
    /// When the current socket answered `ready`.
    ready_at: f64,
    retry: Option<TimeoutHandle>,
    watchdog: Option<IntervalHandle>,
    renewal: Option<TimeoutHandle>,
}

impl Link {
    /// Forgets the socket and its timers; returns the socket, to be dropped (closed) by
    /// the caller.
    fn drop_socket(&mut self) -> Option<Socket> {
        for timer in [self.retry.take(), self.renewal.take()].into_iter().flatten() {
            timer.clear();
        }
        if let Some(watchdog) = self.watchdog.take() {
            watchdog.clear();
        }
        self.hub.closed();
        self.socket.take()
    }

    fn status(&self) -> LiveStatus {
        if !self.wanted || self.blocked {
            LiveStatus::Off
        } else if !browser_online() {
            // Whatever the socket says: it cannot be hearing anything.
            LiveStatus::Offline
        } else if self.hub.is_ready() {
            LiveStatus::Live
        } else if self.backoff.failures() >= OFFLINE_AFTER {
            LiveStatus::Offline
        } else if self.was_live || self.backoff.failures() > 0 {
            LiveStatus::Reconnecting
        } else {
            LiveStatus::Connecting
        }
    }
}

impl Live {
    /// Connects whenever the session is signed in, and closes on sign-out.
    pub fn new(session: Session, api: Api) -> Self {
        let live = Live {
            status: RwSignal::new(LiveStatus::Off),
            link: StoredValue::new_local(Link::default()),
            session,
            api,
        };
        crate::reactive::effect(move || {
            if session.is_signed_in() {
                live.start();
            } else {
                live.stop();
            }
        });
        crate::reactive::effect(move || {
            session.track_tokens();
            live.token_renewed();
        });
        // Setting up MFA brings no new token: the account's own change unblocks too.
        crate::reactive::effect(move || {
            session.with_admin(|admin| admin.map(|a| (a.mfa_enabled, a.must_change_password)));
            live.account_changed();
        });
        // For the app's lifetime: the handles are never removed.
        let _ = window_event_listener_untyped("online", move |_| live.network_back());
        let _ = window_event_listener_untyped("offline", move |_| live.show_status());
        live
    }

    /// Where the connection stands (tracked).
    pub fn status(&self) -> LiveStatus {
        self.status.get()
    }

    /// Calls `on_event` with each event of `channel`, and `on_resync` when events may have
    /// been missed, for as long as the calling component lives. Does nothing when the
    /// admin's permissions do not cover the channel.
    pub fn subscribe(&self, channel: Channel, on_event: impl Fn(&LiveEvent) + 'static, on_resync: impl Fn() + 'static) {
        self.listen(
            channel,
            Handlers {
                on_event: Box::new(on_event),
                on_resync: Box::new(on_resync),
            },
        );
    }

    /// Runs `refresh` every `fallback` while the calling component lives, the tab is
    /// visible and the connection is not live; while it is, every `when_live` only (what
    /// live events do not carry, such as times of the last check, still moves on).
    pub fn poll(&self, fallback: Duration, when_live: Duration, refresh: impl Fn() + 'static) {
        let status = self.status;
        let last = StoredValue::new(js_sys::Date::now());
        let when_live = when_live.as_millis() as f64;
        crate::components::poll(fallback, move || {
            let now = js_sys::Date::now();
            if status.get_untracked() == LiveStatus::Live && now - last.get_value() < when_live {
                return;
            }
            last.set_value(now);
            refresh();
        });
    }

    /// Closes the connection ahead of signing out (the session's end would close it too,
    /// but only after the server has revoked it, which the socket would hear first).
    pub fn stop(self) {
        let socket = self.link.try_update_value(|l| {
            l.wanted = false;
            l.blocked = false;
            l.was_live = false;
            l.backoff.reset();
            l.drop_socket()
        });
        drop(socket);
        self.show_status();
    }

    /// Connects, unless already connected or connecting (the session's sign-in does this;
    /// so does a sign-out that failed, after [`Live::stop`]).
    pub fn start(self) {
        let fresh = self.link.try_update_value(|l| !std::mem::replace(&mut l.wanted, true));
        if fresh == Some(true) {
            self.connect();
        }
    }

    /// Whether the admin's permissions cover `channel` (untracked).
    pub fn allows(&self, channel: Channel) -> bool {
        untrack(|| {
            self.session
                .with_admin(|a| a.is_some_and(|a| channel.permissions().iter().all(|p| a.can(*p))))
        })
    }

    #[inline(never)]
    fn listen(self, channel: Channel, handlers: Handlers) {
        if !self.allows(channel) {
            return;
        }
        let Some((id, message)) = self.link.try_update_value(|l| l.hub.add(channel, Rc::new(handlers))) else {
            return;
        };
        if let Some(message) = message {
            self.send(&message);
        }
        on_cleanup(move || {
            if let Some(Some(message)) = self.link.try_update_value(|l| l.hub.remove(id)) {
                self.send(&message);
            }
        });
    }

    fn connect(self) {
        if !untrack(|| self.session.is_signed_in()) {
            return;
        }
        let generation = self.link.try_update_value(|l| {
            (l.wanted && !l.blocked && l.socket.is_none()).then(|| {
                l.generation = l.generation.wrapping_add(1);
                l.generation
            })
        });
        let Some(Some(generation)) = generation else { return };
        match Socket::open(move |signal| self.on_signal(generation, signal)) {
            Ok(socket) => {
                let watchdog = set_interval_with_handle(move || self.check_silence(generation), WATCHDOG_TICK).ok();
                self.link.update_value(|l| {
                    l.socket = Some(socket);
                    l.heard_at = js_sys::Date::now();
                    l.watchdog = watchdog;
                });
            }
            Err(_) => {
                self.link.update_value(|l| l.backoff.failed());
                self.schedule_retry();
            }
        }
        self.show_status();
    }

    fn on_signal(self, generation: u32, signal: SocketEvent) {
        match signal {
            SocketEvent::Open => match self.session.access_token() {
                Some(token) => {
                    self.send(&ClientMessage::Auth { token });
                }
                None => self.closed(generation, close::UNAUTHENTICATED),
            },
            SocketEvent::Message(text) => self.receive(generation, &text),
            SocketEvent::Closed(code) => self.closed(generation, code),
        }
    }

    fn receive(self, generation: u32, text: &str) {
        let Some(message) = wire::decode(text) else {
            leptos::logging::warn!("live updates: a message that is not of the protocol: {text}");
            return;
        };
        let steps = self.link.try_update_value(|l| {
            if l.generation != generation || l.socket.is_none() {
                return Vec::new();
            }
            l.heard_at = js_sys::Date::now();
            l.hub.receive(message)
        });
        for step in steps.unwrap_or_default() {
            match step {
                Step::Send(message) => self.send(&message),
                Step::Ready(expires_at) => self.ready(expires_at),
                Step::Deliver(listeners, event) => listeners.iter().for_each(|l| (l.on_event)(&event)),
                Step::Resync(listeners) => listeners.iter().for_each(|l| (l.on_resync)()),
                Step::ActionRequired => self.block(),
            }
        }
    }

    fn ready(self, expires_at: Option<chrono::DateTime<chrono::Utc>>) {
        let renew_in = expires_at.map(|at| {
            let left = at.timestamp_millis() - js_sys::Date::now() as i64;
            (left - RENEW_BEFORE_MS).max(RENEW_AFTER_AT_LEAST_MS)
        });
        let renewal = renew_in.and_then(|ms| {
            let api = self.api;
            set_timeout_with_handle(
                move || {
                    leptos::task::spawn_local(async move {
                        // On success the new token reaches the socket through the session;
                        // a refused refresh signs the admin out.
                        if let Err(e) = api.refresh().await {
                            leptos::logging::warn!("live updates: could not renew the access token: {e}");
                        }
                    });
                },
                Duration::from_millis(ms as u64),
            )
            .ok()
        });
        self.link.update_value(|l| {
            l.ready_at = js_sys::Date::now();
            l.was_live = true;
            if let Some(old) = std::mem::replace(&mut l.renewal, renewal) {
                old.clear();
            }
        });
        self.show_status();
    }

    /// The session has a new access token: the socket takes it over (or, if it was waiting
    /// for the account to act, tries again with it).
    fn token_renewed(self) {
        let state = self.link.try_update_value(|l| {
            let unblocked = l.wanted && std::mem::take(&mut l.blocked);
            (l.hub.is_ready(), unblocked)
        });
        match state {
            Some((true, _)) => {
                if let Some(token) = self.session.access_token() {
                    self.send(&ClientMessage::Auth { token });
                }
            }
            Some((false, true)) => self.connect(),
            _ => {}
        }
    }

    /// The admin's standing changed (MFA set up, password changed): if the socket was
    /// waiting for that, it tries again.
    fn account_changed(self) {
        let unblocked = self
            .link
            .try_update_value(|l| l.wanted && std::mem::take(&mut l.blocked));
        if unblocked == Some(true) {
            self.connect();
            self.show_status();
        }
    }

    fn block(self) {
        let socket = self.link.try_update_value(|l| {
            l.blocked = true;
            l.drop_socket()
        });
        drop(socket);
        self.show_status();
    }

    fn closed(self, generation: u32, code: u16) {
        let socket = self.link.try_update_value(|l| {
            if l.generation != generation || l.socket.is_none() {
                return None;
            }
            // A socket that did not stay up for a while counts as a failure, so a server
            // that accepts and then closes at once is not asked again and again.
            let stable = l.hub.is_ready() && js_sys::Date::now() - l.ready_at >= STABLE_MS;
            if stable {
                l.backoff.reset();
            } else {
                l.backoff.failed();
            }
            l.drop_socket()
        });
        let Some(Some(socket)) = socket else { return };
        drop(socket);
        match code {
            // 4403: the socket's session ended. That is the admin signed out or disabled,
            // or this tab's own password change (which starts a new session): a refresh
            // tells which, and signs out only in the first case.
            close::REVOKED | close::UNAUTHENTICATED => {
                let live = self;
                leptos::task::spawn_local(async move {
                    match live.api.refresh().await {
                        // The refresh signed the admin out.
                        Err(e) if e.is_unauthenticated() => {}
                        _ => live.schedule_retry(),
                    }
                });
            }
            _ => self.schedule_retry(),
        }
        self.show_status();
    }

    fn check_silence(self, generation: u32) {
        let silent = self.link.try_with_value(|l| {
            l.generation == generation && l.socket.is_some() && js_sys::Date::now() - l.heard_at > SILENCE_MS
        });
        if silent == Some(true) {
            self.closed(generation, close::PING_TIMEOUT);
        }
    }

    fn schedule_retry(self) {
        let delay = self.link.try_update_value(|l| {
            (l.wanted && !l.blocked && l.socket.is_none() && l.retry.is_none())
                .then(|| l.backoff.delay_ms(js_sys::Math::random()))
        });
        let Some(Some(delay)) = delay else { return };
        let retry = set_timeout_with_handle(
            move || {
                self.link.try_update_value(|l| l.retry = None);
                self.connect();
            },
            Duration::from_millis(delay as u64),
        )
        .ok();
        self.link.try_update_value(|l| l.retry = retry);
    }

    /// The browser is online again: no reason to wait out the backoff.
    fn network_back(self) {
        let waiting = self.link.try_update_value(|l| {
            let waiting = l.wanted && !l.blocked && l.socket.is_none();
            if waiting {
                if let Some(retry) = l.retry.take() {
                    retry.clear();
                }
                l.backoff.reset();
            }
            waiting
        });
        if waiting == Some(true) {
            self.connect();
        }
        self.show_status();
    }

    fn send(self, message: &ClientMessage) {
        self.link.try_with_value(|l| l.socket.as_ref().map(|s| s.send(message)));
    }

    fn show_status(self) {
        let status = self.link.try_with_value(Link::status).unwrap_or(LiveStatus::Off);
        if self.status.try_get_untracked() != Some(status) {
            self.status.try_set(status);
        }
    }
}

fn browser_online() -> bool {
    window().navigator().on_line()
}
