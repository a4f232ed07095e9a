//! `GET /api/v1/ws`: one admin's socket. A reader (this task) handles the client's
//! messages, pings, token expiry and credential re-checks; a writer task drains the
//! socket's queue into the connection and sends the close frame the hub or the reader
//! decided on.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, FromRequestParts, Request};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use futures::stream::{SplitSink, SplitStream};
use futures::{SinkExt, StreamExt};
use omni_types::live::{Channel, ClientMessage, ErrorCode, ServerMessage, close};
use rand::Rng;
use tokio::time::{Instant, sleep_until};

use super::{Close, Hub, Peer};
use crate::app::AppState;
use crate::auth::principal::Credential;
use crate::auth::{Access, Principal, api_token};
use crate::error::ApiError;

/// How long a new socket has to authenticate.
const AUTH_TIMEOUT: Duration = Duration::from_secs(10);
/// How often the server pings; two unanswered pings close the socket.
pub const PING_INTERVAL: Duration = Duration::from_secs(20);
/// How often a socket re-checks its credentials even when nothing was notified (an
/// ended session is not notified).
const RECHECK_INTERVAL: Duration = Duration::from_secs(60);
/// Re-checks after a notification are spread over this long (a role change must not
/// send every socket to the database at once).
const RECHECK_SPREAD_MS: u64 = 2_000;
/// Subscriptions one socket may hold.
const MAX_CHANNELS: usize = 64;
/// Largest message a client may send (tokens are a few hundred bytes).
const MAX_MESSAGE: usize = 64 * 1024;
/// The socket's read buffer.
const READ_BUFFER: usize = 4 * 1024;

/// Opens the real-time WebSocket (protocol: `omni_types::live`, `docs/REALTIME.md`).
///
/// Browsers cannot set headers on a WebSocket, so the socket authenticates with its
/// first message, `{"type":"auth","token":"<access token or API token>"}`, within 10
/// seconds; other clients may send `Authorization: Bearer` with the upgrade instead
/// (checked before upgrading: 401 if invalid). Then `subscribe` to channels —
/// `dashboard`, `usage` (telemetry:read), `audit` (audit:read), `mcp-health` (mcp:read),
/// `orgs` (orgs:read), `org:<id>` (orgs:read and telemetry:read) — and answer each
/// `ping` with `pong`. Events carry a per-channel `seq`; after a gap, a `resync` or a
/// reconnect, refetch the view. Close codes: 4401 authenticate again, 4403 credentials
/// revoked, 4408 too slow (reconnect), 4000 ping timeout, 4400 protocol error, 1001
/// server restarting.
#[utoipa::path(
    get,
    path = "/api/v1/ws",
    tag = "live",
    responses(
        (status = 101, description = "Switched to the WebSocket protocol"),
        (status = 400, description = "Not a WebSocket upgrade request", body = omni_types::Problem, content_type = "application/problem+json"),
        (status = 401, description = "The `Authorization` header sent with the upgrade is invalid", body = omni_types::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn ws(axum::extract::State(state): axum::extract::State<AppState>, req: Request) -> Response {
    let (mut parts, _) = req.into_parts();
    let ip = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let bearer = crate::auth::access::bearer(&parts.headers);
    let upgrade = match WebSocketUpgrade::from_request_parts(&mut parts, &state).await {
        Ok(upgrade) => upgrade,
        Err(_) => {
            return ApiError::Malformed(
                "This route opens a WebSocket: send a WebSocket upgrade request (see docs/REALTIME.md).".into(),
            )
            .into_response();
        }
    };
    let authed = match bearer {
        None => None,
        Some(token) => match authenticate(&state, token, ip).await {
            Ok(authed) => Some(authed),
            Err(Refusal::Unavailable(e)) => {
                tracing::warn!(error = %e, "live: credentials not checked (database)");
                return ApiError::Unavailable("Credentials could not be checked; try again.".into()).into_response();
            }
            Err(_) => {
                return ApiError::Unauthenticated("The bearer token is invalid, expired or revoked.").into_response();
            }
        },
    };
    upgrade
        .max_message_size(MAX_MESSAGE)
        .max_frame_size(MAX_MESSAGE)
        // Clients send a few small messages: a small read buffer. Messages go out as they
        // come (the queue is the buffer). The defaults (128 KiB each) cost a thousand
        // sockets a quarter of a gigabyte.
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(0)
        .on_upgrade(move |socket| session(state, socket, ip, authed))
}

/// An authenticated socket's credentials.
struct Authed {
    principal: Principal,
    /// Kept to re-check it (never logged, never sent back).
    token: String,
    /// Access tokens expire; API tokens are re-checked instead.
    expires_at: Option<DateTime<Utc>>,
}

enum Refusal {
    /// Invalid or expired: authenticate again.
    Unauthenticated,
    /// Valid once, no longer: the session ended, the admin was disabled.
    Revoked,
    /// Could not check (the database): try again later.
    Unavailable(String),
}

impl Refusal {
    fn close(&self) -> Close {
        match self {
            Refusal::Unauthenticated => Close::new(
                close::UNAUTHENTICATED,
                "The token is invalid or expired: refresh and authenticate again.",
            ),
            Refusal::Revoked => Close::new(
                close::REVOKED,
                "The session ended, the admin was disabled or the token was revoked.",
            ),
            Refusal::Unavailable(_) => Close::new(1011, "Credentials could not be checked: reconnect."),
        }
    }
}

async fn authenticate(state: &AppState, token: String, ip: Option<IpAddr>) -> Result<Authed, Refusal> {
    let session = api_token::split(&token).is_none();
    let claims = session.then(|| state.jwt.verify(&token));
    if let Some(None) = claims {
        return Err(Refusal::Unauthenticated);
    }
    match crate::auth::access::principal(state, Some(token.clone()), ip, Access::Authenticated).await {
        Ok(principal) => {
            let expires_at = match (&principal.via, claims) {
                (_, Some(claims)) => claims.and_then(|c| DateTime::from_timestamp(c.exp, 0)),
                (Credential::Token { token_id, .. }, None) => {
                    sqlx::query_scalar::<_, Option<DateTime<Utc>>>("SELECT expires_at FROM api_tokens WHERE id = $1")
                        .bind(token_id)
                        .fetch_optional(&state.db)
                        .await
                        .map_err(|e| Refusal::Unavailable(e.to_string()))?
                        .flatten()
                }
                (Credential::Session { .. }, None) => None,
            };
            Ok(Authed {
                principal,
                token,
                expires_at,
            })
        }
        Err(ApiError::Internal(e)) => Err(Refusal::Unavailable(e.to_string())),
        Err(ApiError::Unavailable(e)) => Err(Refusal::Unavailable(e)),
        Err(_) if session => Err(Refusal::Revoked),
        Err(_) => Err(Refusal::Unauthenticated),
    }
}

async fn session(state: AppState, socket: WebSocket, ip: Option<IpAddr>, authed: Option<Authed>) {
    let hub = state.live.clone();
    let peer = hub.connect();
    let id = peer.id;
    let (sink, stream) = socket.split();
    let Peer {
        queue,
        closing,
        recheck,
        ..
    } = peer;
    let mut writer = tokio::spawn(write(sink, queue, closing));
    let mut conn = Connection {
        state,
        hub: hub.clone(),
        id,
        ip,
        authed: None,
        unanswered_pings: 0,
    };
    if let Some(authed) = authed {
        conn.ready(authed);
    }
    let writer_done = conn.read(stream, recheck, &mut writer).await;
    hub.disconnect(id);
    // The writer sends what the hub decided (a close frame) and stops.
    if !writer_done && tokio::time::timeout(Duration::from_secs(2), &mut writer).await.is_err() {
        writer.abort();
    }
}

struct Connection {
    state: AppState,
    hub: std::sync::Arc<Hub>,
    id: u64,
    ip: Option<IpAddr>,
    authed: Option<Authed>,
    unanswered_pings: u32,
}

impl Connection {
    fn close(&self, code: u16, reason: &'static str) {
        self.hub.close(self.id, Close::new(code, reason));
    }

    fn send(&self, message: &ServerMessage) {
        self.hub.send(self.id, message);
    }

    fn error(&self, code: ErrorCode, message: impl Into<String>, channel: Option<String>) {
        self.send(&ServerMessage::Error {
            code,
            message: message.into(),
            channel,
        });
    }

    /// Reads until the socket ends; returns whether the writer has finished.
    async fn read(
        &mut self,
        mut stream: SplitStream<WebSocket>,
        mut recheck: tokio::sync::watch::Receiver<u64>,
        writer: &mut tokio::task::JoinHandle<()>,
    ) -> bool {
        let auth_deadline = Instant::now() + AUTH_TIMEOUT;
        let mut ping = tokio::time::interval_at(Instant::now() + PING_INTERVAL, PING_INTERVAL);
        let mut periodic = tokio::time::interval_at(Instant::now() + RECHECK_INTERVAL, RECHECK_INTERVAL);
        let mut recheck_at: Option<Instant> = None;
        loop {
            let expiry = match &self.authed {
                None => Some(auth_deadline),
                Some(a) => a.expires_at.map(|at| {
                    let left = (at - Utc::now()).to_std().unwrap_or_default();
                    Instant::now() + left
                }),
            };
            let until_expiry = async {
                match expiry {
                    Some(at) => sleep_until(at).await,
                    None => std::future::pending().await,
                }
            };
            let until_recheck = async {
                match recheck_at {
                    Some(at) => sleep_until(at).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = &mut *writer => return true,
                next = stream.next() => match next {
                    Some(Ok(Message::Text(text))) => self.handle(text.as_str()).await,
                    Some(Ok(Message::Binary(_))) => {
                        self.close(close::PROTOCOL, "Messages are JSON text frames.");
                    }
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                    Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return false,
                },
                _ = ping.tick() => {
                    if self.unanswered_pings >= 2 {
                        self.close(close::PING_TIMEOUT, "No pong to two pings.");
                    } else {
                        self.unanswered_pings += 1;
                        self.send(&ServerMessage::Ping);
                    }
                }
                _ = until_expiry => {
                    let (code, reason) = match &self.authed {
                        None => (close::UNAUTHENTICATED, "Authenticate first: send auth with an access token."),
                        Some(a) if api_token::split(&a.token).is_some() => (close::REVOKED, "The API token expired."),
                        Some(_) => (
                            close::UNAUTHENTICATED,
                            "The access token expired: send auth with a fresh one before it does.",
                        ),
                    };
                    self.close(code, reason);
                    // Closing: nothing more to wait for but the writer.
                    let _ = (&mut *writer).await;
                    return true;
                }
                changed = recheck.changed() => {
                    if changed.is_err() {
                        return false;
                    }
                    if recheck_at.is_none() {
                        let spread = rand::rng().random_range(0..RECHECK_SPREAD_MS);
                        recheck_at = Some(Instant::now() + Duration::from_millis(spread));
                    }
                }
                _ = until_recheck => {
                    recheck_at = None;
                    self.recheck().await;
                }
                _ = periodic.tick() => self.recheck().await,
            }
        }
    }

    async fn handle(&mut self, text: &str) {
        let message = match serde_json::from_str::<ClientMessage>(text) {
            Ok(m) => m,
            Err(e) => {
                if self.authed.is_none() {
                    self.close(
                        close::UNAUTHENTICATED,
                        "Authenticate first: send auth with an access token.",
                    );
                } else {
                    self.error(ErrorCode::Invalid, format!("Unreadable message: {e}"), None);
                }
                return;
            }
        };
        match message {
            ClientMessage::Auth { token } => match authenticate(&self.state, token, self.ip).await {
                Ok(authed) => {
                    if let Some(current) = &self.authed
                        && current.principal.admin_id != authed.principal.admin_id
                    {
                        self.close(close::PROTOCOL, "A socket belongs to one admin.");
                        return;
                    }
                    self.ready(authed);
                    self.drop_forbidden();
                }
                Err(refusal) => {
                    let close = refusal.close();
                    self.close(close.code, close.reason);
                }
            },
            _ if self.authed.is_none() => {
                self.close(
                    close::UNAUTHENTICATED,
                    "Authenticate first: send auth with an access token.",
                );
            }
            ClientMessage::Subscribe { channels } => {
                for name in channels {
                    self.subscribe(name).await;
                }
            }
            ClientMessage::Unsubscribe { channels } => {
                for name in channels {
                    match name.parse::<Channel>() {
                        Ok(channel) => self.hub.unsubscribe(self.id, channel, None),
                        Err(e) => self.error(ErrorCode::UnknownChannel, e, Some(name)),
                    }
                }
            }
            ClientMessage::Pong {} => self.unanswered_pings = 0,
        }
    }

    fn ready(&mut self, authed: Authed) {
        self.send(&ServerMessage::Ready {
            admin_id: authed.principal.admin_id,
            permissions: authed.principal.permissions.iter().copied().collect(),
            expires_at: authed.expires_at,
        });
        self.authed = Some(authed);
    }

    /// Why the admin may not receive `channel`, if they may not.
    fn refusal(&self, channel: Channel) -> Option<(ErrorCode, String)> {
        let principal = &self.authed.as_ref()?.principal;
        if principal.pending().is_some() {
            return Some((
                ErrorCode::ActionRequired,
                "Change the password or set up MFA first.".into(),
            ));
        }
        let missing: Vec<&str> = channel
            .permissions()
            .iter()
            .filter(|p| !principal.can(**p))
            .map(|p| p.as_str())
            .collect();
        (!missing.is_empty()).then(|| (ErrorCode::Forbidden, format!("Needs {}.", missing.join(" and "))))
    }

    async fn subscribe(&mut self, name: String) {
        let channel = match name.parse::<Channel>() {
            Ok(c) => c,
            Err(e) => return self.error(ErrorCode::UnknownChannel, e, Some(name)),
        };
        if let Some((code, message)) = self.refusal(channel) {
            return self.error(code, message, Some(name));
        }
        let subscribed = self.hub.channels(self.id);
        if !subscribed.contains(&channel) && subscribed.len() >= MAX_CHANNELS {
            return self.error(
                ErrorCode::Invalid,
                format!("At most {MAX_CHANNELS} channels per socket."),
                Some(name),
            );
        }
        if let Channel::Org(org) = channel {
            let exists = sqlx::query_scalar::<_, bool>("SELECT EXISTS (SELECT 1 FROM organizations WHERE id = $1)")
                .bind(org)
                .fetch_one(&self.state.db)
                .await;
            match exists {
                Ok(true) => {}
                Ok(false) => return self.error(ErrorCode::UnknownChannel, "No such organization.", Some(name)),
                Err(e) => {
                    tracing::warn!(error = %e, "live: cannot check an organization");
                    return self.error(ErrorCode::Invalid, "Try again.", Some(name));
                }
            }
        }
        self.hub.subscribe(self.id, channel);
    }

    /// Unsubscribes from what the admin may no longer receive.
    fn drop_forbidden(&self) {
        for channel in self.hub.channels(self.id) {
            if self.refusal(channel).is_some() {
                self.hub.unsubscribe(self.id, channel, Some("forbidden"));
            }
        }
    }

    /// Checks the credentials again: a disabled admin, an ended session, an expired or
    /// revoked token closes the socket; changed permissions apply at once.
    async fn recheck(&mut self) {
        let Some(current) = &self.authed else {
            return;
        };
        match authenticate(&self.state, current.token.clone(), self.ip).await {
            Ok(authed) => {
                if let Some(current) = &mut self.authed {
                    current.principal = authed.principal;
                }
                self.drop_forbidden();
            }
            Err(Refusal::Unavailable(e)) => {
                tracing::warn!(error = %e, "live: credentials not re-checked (database)");
            }
            // An API token that worked before and no longer does was revoked (or its
            // creator disabled): the client must not retry with it.
            Err(Refusal::Unauthenticated) if api_token::split(&current.token).is_some() => {
                let close = Refusal::Revoked.close();
                self.close(close.code, close.reason);
            }
            Err(refusal) => {
                let close = refusal.close();
                self.close(close.code, close.reason);
            }
        }
    }
}

async fn write(
    mut sink: SplitSink<WebSocket, Message>,
    mut queue: tokio::sync::mpsc::Receiver<axum::extract::ws::Utf8Bytes>,
    mut closing: tokio::sync::watch::Receiver<Option<Close>>,
) {
    loop {
        tokio::select! {
            biased;
            _ = closing.changed() => break,
            next = queue.recv() => match next {
                // A socket that cannot take a message may still be closed meanwhile.
                Some(text) => tokio::select! {
                    biased;
                    _ = closing.changed() => break,
                    sent = sink.send(Message::Text(text)) => if sent.is_err() { return },
                },
                None => break,
            },
        }
    }
    let close = closing.borrow().clone();
    if let Some(close) = close {
        let frame = CloseFrame {
            code: close.code,
            reason: close.reason.into(),
        };
        let _ = tokio::time::timeout(Duration::from_secs(1), sink.send(Message::Close(Some(frame)))).await;
    }
    let _ = tokio::time::timeout(Duration::from_secs(1), sink.close()).await;
}
