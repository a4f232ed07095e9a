//! A real-time client for tests: a WebSocket to `/api/v1/ws`, read as JSON.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::TestApp;

pub struct Socket {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

/// What the socket said next.
#[derive(Debug)]
pub enum Frame {
    Message(Value),
    /// Closed, with the close code if a close frame came.
    Closed(Option<u16>),
}

pub fn ws_url(app: &TestApp) -> String {
    format!("{}{}", app.base.replace("http://", "ws://"), omni_types::paths::WS)
}

pub async fn connect(app: &TestApp) -> Socket {
    let (ws, _) = tokio_tungstenite::connect_async(ws_url(app))
        .await
        .expect("WebSocket upgrade");
    Socket { ws }
}

/// A socket authenticated with `token` (its `ready` message read).
pub async fn authed(app: &TestApp, token: &str) -> Socket {
    let mut socket = connect(app).await;
    socket.send(json!({"type": "auth", "token": token})).await;
    let ready = socket.message().await;
    assert_eq!(ready["type"], "ready", "{ready}");
    socket
}

impl Socket {
    pub fn from_stream(ws: WebSocketStream<MaybeTlsStream<TcpStream>>) -> Self {
        Socket { ws }
    }

    pub async fn send(&mut self, message: Value) {
        self.ws.send(Message::Text(message.to_string().into())).await.unwrap();
    }

    /// The next message or the close, within 10 s; pings are answered and skipped.
    pub async fn next(&mut self) -> Frame {
        loop {
            let next = tokio::time::timeout(Duration::from_secs(10), self.ws.next())
                .await
                .expect("the socket said nothing within 10 s");
            match next {
                Some(Ok(Message::Text(text))) => {
                    let value: Value = serde_json::from_str(&text).unwrap();
                    if value["type"] == "ping" {
                        self.send(json!({"type": "pong"})).await;
                        continue;
                    }
                    return Frame::Message(value);
                }
                Some(Ok(Message::Close(frame))) => return Frame::Closed(frame.map(|f| u16::from(f.code))),
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => return Frame::Closed(None),
            }
        }
    }

    pub async fn message(&mut self) -> Value {
        match self.next().await {
            Frame::Message(v) => v,
            Frame::Closed(code) => panic!("closed ({code:?}) while a message was expected"),
        }
    }

    /// The close code, skipping any messages before it.
    pub async fn closed(&mut self) -> Option<u16> {
        loop {
            if let Frame::Closed(code) = self.next().await {
                return code;
            }
        }
    }

    /// Subscribes and returns the answer for each channel, in order.
    pub async fn subscribe(&mut self, channels: &[&str]) -> Vec<Value> {
        self.send(json!({"type": "subscribe", "channels": channels})).await;
        let mut answers = Vec::new();
        for _ in channels {
            answers.push(self.message().await);
        }
        answers
    }

    /// The next event of `kind`, skipping other messages.
    pub async fn event(&mut self, kind: &str) -> Value {
        loop {
            let m = self.message().await;
            if m["type"] == "event" && m["event"]["kind"] == kind {
                return m;
            }
        }
    }

    /// The next message of `type`, skipping other messages.
    pub async fn expect(&mut self, kind: &str) -> Value {
        loop {
            let m = self.message().await;
            if m["type"] == kind {
                return m;
            }
        }
    }
}
