//! The instance's one LISTEN connection: access-cache changes (`omni_access`) and live
//! updates (`omni_live`) arrive on it, in commit order, from every instance.
//!
//! The listener proves it still hears: it notifies itself every few seconds and must hear
//! that before the next beat, or the connection counts as lost (one dropped silently, by
//! a NAT or a proxy, raises no error). While it is lost the access cache answers from the
//! database; once it is back, the cache starts a new generation and every socket is told
//! to resync.

use std::sync::Arc;
use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::PgListener;
use uuid::Uuid;

use crate::access_cache::{self, AccessCache};
use crate::live::{self, Hub};

/// How often the listener checks that it still hears.
const HEARTBEAT: Duration = Duration::from_secs(5);

/// Payload prefix of heartbeats (on the access channel; they change nothing).
const PING: &str = "ping:";

/// Listens until `stop` turns true, reconnecting with backoff.
pub async fn run(db: PgPool, access: Arc<AccessCache>, hub: Arc<Hub>, mut stop: tokio::sync::watch::Receiver<bool>) {
    let reloader = tokio::spawn(access.clone().reload_loop(db.clone()));
    let ticks = tokio::spawn(hub.clone().run_ticks(stop.clone()));
    let mut backoff = Duration::from_millis(100);
    'connect: loop {
        let connected = async {
            let mut listener = PgListener::connect_with(&db).await?;
            listener.listen_all([access_cache::CHANNEL, live::CHANNEL]).await?;
            Ok::<_, sqlx::Error>(listener)
        };
        let mut listener = tokio::select! {
            _ = stop.changed() => break,
            connected = connected => match connected {
                Ok(listener) => listener,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot LISTEN: the access cache answers from the database, live updates wait");
                    tokio::select! {
                        _ = stop.changed() => break,
                        _ = tokio::time::sleep(backoff) => {}
                    }
                    backoff = (backoff * 2).min(Duration::from_secs(10));
                    continue;
                }
            },
        };
        backoff = Duration::from_millis(100);
        access.connected();
        hub.connected();
        let me = format!("{PING}{}:", Uuid::now_v7());
        // Pings go out from their own task (a busy pool must not stall the listener). A
        // ping whose NOTIFY had committed by one beat must have been heard by the next.
        let sent = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let (mut next_ping, mut heard, mut due) = (0u64, 0u64, 0u64);
        let mut beat = tokio::time::interval(HEARTBEAT);
        beat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                // What has arrived is read before the beat judges the connection silent.
                biased;
                _ = stop.changed() => break 'connect,
                next = listener.try_recv() => match next {
                    Ok(Some(notification)) => {
                        let payload = notification.payload();
                        if notification.channel() == live::CHANNEL {
                            hub.heard(payload);
                        } else if let Some(n) = payload.strip_prefix(me.as_str()) {
                            heard = heard.max(n.parse().unwrap_or(0));
                        } else if !payload.starts_with(PING) {
                            access.heard(payload);
                            hub.access_changed(payload);
                        }
                    }
                    Ok(None) | Err(_) => {
                        tracing::warn!("the LISTEN connection was lost; reconnecting");
                        break;
                    }
                },
                _ = beat.tick() => {
                    if heard < due {
                        tracing::warn!("the LISTEN connection went silent; reconnecting");
                        break;
                    }
                    due = sent.load(std::sync::atomic::Ordering::Acquire);
                    next_ping += 1;
                    let (db, sent, payload, n) = (db.clone(), sent.clone(), format!("{me}{next_ping}"), next_ping);
                    tokio::spawn(async move {
                        let ping = sqlx::query("SELECT pg_notify($1, $2)")
                            .bind(access_cache::CHANNEL)
                            .bind(payload)
                            .execute(&db)
                            .await;
                        // Unreachable database: the LISTEN side will tell.
                        if ping.is_ok() {
                            sent.fetch_max(n, std::sync::atomic::Ordering::AcqRel);
                        }
                    });
                }
            }
        }
        access.lost();
        hub.lost();
    }
    access.lost();
    hub.lost();
    reloader.abort();
    ticks.abort();
}
