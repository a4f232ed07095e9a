//! Real-time fan-out (issue 8): 1,000 WebSockets subscribed to `mcp-health` on the release
//! server, run as its own process; a server's health flips 200 times (20 a second), each
//! change committed by an UPDATE whose trigger NOTIFYs. Prints the latency from the
//! committing statement to receipt on each socket (p50, p99, max) and until the last
//! socket has it, and the server's resident memory before and with the sockets.
//!
//! `make bench` runs it on a fresh database (`DATABASE_URL`).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

const SOCKETS: usize = 1_000;
const CHANGES: usize = 200;
const EMAIL: &str = "bench-owner@example.com";
const PASSWORD: &str = "bench owner passphrase";

struct Server {
    child: std::process::Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Resident memory of the server process, in MiB.
    fn rss_mib(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(f64::NAN, |kb| kb / 1024.0)
    }
}

async fn start(database_url: &str) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_omni-admin"))
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("OMNI_PORT", port.to_string())
        .env("OMNI_JWT_SECRET", "bench-only-secret-8d1f3a5c7e9b2d4f6a8c0e1b3d5f7a9c")
        .env("OMNI_BOOTSTRAP_ADMIN_EMAIL", EMAIL)
        .env("OMNI_BOOTSTRAP_ADMIN_PASSWORD", PASSWORD)
        .env("OMNI_HEALTH_CHECKS", "false")
        .env("OMNI_STATIC_DIR", "/nonexistent")
        .env("OMNI_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("starting omni-admin serve");
    let server = Server {
        child,
        base: format!("127.0.0.1:{port}"),
    };
    let client = reqwest::Client::new();
    for _ in 0..300 {
        if let Ok(res) = client.get(format!("http://{}/readyz", server.base)).send().await
            && res.status().is_success()
        {
            return server;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server did not become ready in 30 s");
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

#[tokio::main]
async fn main() {
    let database_url = std::env::var("DATABASE_URL").expect("DATABASE_URL: a fresh database");
    let server = start(&database_url).await;
    let db = sqlx::PgPool::connect(&database_url).await.unwrap();
    // The bootstrap owner would have to set up MFA before subscribing to anything.
    sqlx::query("UPDATE roles SET mfa_required = false WHERE name = 'owner'")
        .execute(&db)
        .await
        .unwrap();
    let server_id: uuid::Uuid = sqlx::query_scalar(
        "INSERT INTO mcp_servers (name, transport, url) VALUES ('bench', 'streamable_http', 'http://127.0.0.1:9/mcp')
         RETURNING id",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    let login: Value = reqwest::Client::new()
        .post(format!("http://{}/api/v1/auth/login", server.base))
        .json(&json!({"email": EMAIL, "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["access_token"].as_str().expect("signed in").to_owned();
    let idle_rss = server.rss_mib();

    // Every socket records when each change reached it: received[change][socket].
    let received: Arc<Mutex<Vec<Vec<Option<Instant>>>>> = Arc::new(Mutex::new(vec![vec![None; SOCKETS]; CHANGES]));
    let url = format!("ws://{}/api/v1/ws", server.base);
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel::<()>(SOCKETS);
    let opened = Instant::now();
    let mut readers = Vec::new();
    for socket in 0..SOCKETS {
        let (mut ws, _) = tokio_tungstenite::connect_async(&url).await.expect("WebSocket");
        ws.send(Message::Text(
            json!({"type": "auth", "token": token}).to_string().into(),
        ))
        .await
        .unwrap();
        ws.send(Message::Text(
            json!({"type": "subscribe", "channels": ["mcp-health"]})
                .to_string()
                .into(),
        ))
        .await
        .unwrap();
        let received = received.clone();
        let ready_tx = ready_tx.clone();
        readers.push(tokio::spawn(async move {
            let mut seen = 0;
            while let Some(Ok(message)) = ws.next().await {
                let Message::Text(text) = message else { continue };
                let at = Instant::now();
                let m: Value = serde_json::from_str(&text).unwrap();
                match m["type"].as_str() {
                    Some("subscribed") => {
                        let _ = ready_tx.send(()).await;
                    }
                    Some("ping") => {
                        let _ = ws.send(Message::Text(r#"{"type":"pong"}"#.into())).await;
                    }
                    Some("event") if m["event"]["kind"] == "mcp.health" => {
                        let change = m["event"]["data"]["latency_ms"].as_u64().unwrap() as usize;
                        received.lock().unwrap()[change][socket] = Some(at);
                        seen += 1;
                        if seen == CHANGES {
                            return;
                        }
                    }
                    Some("error") => panic!("socket {socket}: {m}"),
                    _ => {}
                }
            }
            panic!("socket {socket} closed early");
        }));
    }
    for _ in 0..SOCKETS {
        ready_rx.recv().await.unwrap();
    }
    let open_time = opened.elapsed();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let sockets_rss = server.rss_mib();

    let mut committed = Vec::with_capacity(CHANGES);
    let mut pace = tokio::time::interval(Duration::from_millis(50));
    for change in 0..CHANGES {
        pace.tick().await;
        let status = if change % 2 == 0 { "down" } else { "up" };
        let sent = Instant::now();
        sqlx::query("UPDATE mcp_servers SET health_status = $2, last_latency_ms = $3 WHERE id = $1")
            .bind(server_id)
            .bind(status)
            .bind(change as i32)
            .execute(&db)
            .await
            .unwrap();
        committed.push(sent);
    }
    for reader in readers {
        tokio::time::timeout(Duration::from_secs(30), reader)
            .await
            .expect("every socket got every change")
            .unwrap();
    }
    let after_rss = server.rss_mib();

    let received = received.lock().unwrap();
    let mut each = Vec::with_capacity(SOCKETS * CHANGES);
    let mut last = Vec::with_capacity(CHANGES);
    for (change, sockets) in received.iter().enumerate() {
        let mut slowest: f64 = 0.0;
        for at in sockets {
            let ms = at.expect("received").duration_since(committed[change]).as_secs_f64() * 1000.0;
            slowest = slowest.max(ms);
            each.push(ms);
        }
        last.push(slowest);
    }
    each.sort_by(f64::total_cmp);
    last.sort_by(f64::total_cmp);
    println!(
        "live: {SOCKETS} sockets on mcp-health opened and subscribed in {:.1} s",
        open_time.as_secs_f64()
    );
    println!(
        "live: commit → receipt over {} deliveries ({CHANGES} changes × {SOCKETS} sockets): p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        each.len(),
        percentile(&each, 0.50),
        percentile(&each, 0.99),
        each[each.len() - 1]
    );
    println!(
        "live: until the last socket has a change: p50 {:.1} ms, p99 {:.1} ms",
        percentile(&last, 0.50),
        percentile(&last, 0.99)
    );
    println!(
        "live: server RSS {idle_rss:.1} MiB idle, {sockets_rss:.1} MiB with {SOCKETS} sockets ({:.1} KiB per socket), {after_rss:.1} MiB after the run",
        (sockets_rss - idle_rss) * 1024.0 / SOCKETS as f64
    );
}
