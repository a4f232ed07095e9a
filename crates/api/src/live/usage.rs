//! Usage, live: each ingested batch NOTIFYs one summary (in its transaction), and each
//! instance adds the summaries it hears into a window that goes out once a second. So
//! 50,000 events a second are ~50 notifications and one message per socket and channel
//! per second, not 50,000.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use omni_types::live::{Channel, UsageDelta, UsageShare, UsageTotals};
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::usage::ingest::Accepted;
use crate::usage::usd;

/// Servers and organizations a `usage.delta` lists at most.
const TOP: usize = 20;

/// Room for one summary within NOTIFY's 8,000-byte limit.
const MAX_PAYLOAD: usize = 7_000;

/// A batch's totals, or a part of its per-server and per-organization shares (a batch
/// over many servers or organizations is sent in several parts; only the first carries
/// the totals).
#[derive(Debug, Default, Serialize, Deserialize)]
struct Summary {
    #[serde(default)]
    calls: u64,
    #[serde(default)]
    errors: u64,
    #[serde(default)]
    cost_micros: i64,
    #[serde(default)]
    input_tokens: u64,
    #[serde(default)]
    output_tokens: u64,
    /// `[id, calls, errors, cost_micros]`.
    #[serde(default)]
    servers: Vec<(Uuid, u64, u64, i64)>,
    #[serde(default)]
    orgs: Vec<(Uuid, u64, u64, i64)>,
}

type Shares = HashMap<Uuid, (u64, u64, i64)>;

fn add_share(shares: &mut Shares, id: Uuid, calls: u64, errors: u64, cost: i64) {
    let entry = shares.entry(id).or_default();
    entry.0 += calls;
    entry.1 += errors;
    entry.2 += cost;
}

/// NOTIFYs the summary of the events a batch stored (nothing if none).
pub async fn notify(conn: &mut PgConnection, stored: &[&Accepted]) -> sqlx::Result<()> {
    if stored.is_empty() {
        return Ok(());
    }
    let payloads = payloads(stored);
    sqlx::query("SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p")
        .bind(super::CHANNEL)
        .bind(&payloads)
        .execute(conn)
        .await?;
    Ok(())
}

fn payloads(stored: &[&Accepted]) -> Vec<String> {
    let mut totals = Summary::default();
    let (mut servers, mut orgs) = (Shares::new(), Shares::new());
    for e in stored {
        let error = u64::from(e.error_type.is_some());
        totals.calls += 1;
        totals.errors += error;
        totals.cost_micros += e.cost_micros;
        totals.input_tokens += e.input_tokens.max(0) as u64;
        totals.output_tokens += e.output_tokens.max(0) as u64;
        add_share(&mut servers, e.mcp_server_id, 1, error, e.cost_micros);
        add_share(&mut orgs, e.organization_id, 1, error, e.cost_micros);
    }
    let wrap = |s: &Summary| {
        format!(
            r#"{{"c":"usage","d":{}}}"#,
            serde_json::to_string(s).expect("serializes")
        )
    };
    // A share is at most ~90 bytes: cut a new part before the limit.
    const SHARE: usize = 90;
    let mut parts = Vec::new();
    let mut part = totals;
    let mut room = MAX_PAYLOAD - wrap(&part).len();
    let shares = servers
        .into_iter()
        .map(|s| (true, s))
        .chain(orgs.into_iter().map(|o| (false, o)));
    for (is_server, (id, (calls, errors, cost))) in shares {
        if room < SHARE {
            parts.push(wrap(&std::mem::take(&mut part)));
            room = MAX_PAYLOAD - wrap(&part).len();
        }
        let share = (id, calls, errors, cost);
        if is_server {
            part.servers.push(share);
        } else {
            part.orgs.push(share);
        }
        room -= SHARE;
    }
    parts.push(wrap(&part));
    parts
}

/// What was heard since the last tick.
#[derive(Debug, Default)]
pub struct Window {
    from: Option<DateTime<Utc>>,
    calls: u64,
    errors: u64,
    cost_micros: i64,
    input_tokens: u64,
    output_tokens: u64,
    servers: Shares,
    orgs: Shares,
}

fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("live payloads serialize")
}

fn top(shares: &Shares) -> Vec<UsageShare> {
    let mut list: Vec<UsageShare> = shares
        .iter()
        .map(|(id, (calls, errors, cost))| UsageShare {
            id: *id,
            calls: *calls,
            errors: *errors,
            cost_usd: usd(*cost),
        })
        .collect();
    list.sort_by(|a, b| b.calls.cmp(&a.calls).then(a.id.cmp(&b.id)));
    list.truncate(TOP);
    list
}

impl Window {
    /// A summary heard (a payload's `d`).
    pub fn add(&mut self, data: &str) {
        let Ok(s) = serde_json::from_str::<Summary>(data) else {
            tracing::warn!("live: unreadable usage summary ignored");
            return;
        };
        self.from.get_or_insert_with(Utc::now);
        self.calls += s.calls;
        self.errors += s.errors;
        self.cost_micros += s.cost_micros;
        self.input_tokens += s.input_tokens;
        self.output_tokens += s.output_tokens;
        for (id, calls, errors, cost) in s.servers {
            add_share(&mut self.servers, id, calls, errors, cost);
        }
        for (id, calls, errors, cost) in s.orgs {
            add_share(&mut self.orgs, id, calls, errors, cost);
        }
    }

    /// The window's events, `(channel, kind, data)`, if anything was heard.
    pub fn close(self, now: DateTime<Utc>) -> Option<Vec<(Channel, &'static str, String)>> {
        let from = self.from?;
        let totals = UsageTotals {
            from,
            to: now,
            calls: self.calls,
            errors: self.errors,
            cost_usd: usd(self.cost_micros),
            input_tokens: self.input_tokens,
            output_tokens: self.output_tokens,
        };
        let mut events = vec![
            (Channel::Dashboard, "dashboard.delta", json(&totals)),
            (
                Channel::Usage,
                "usage.delta",
                json(&UsageDelta {
                    totals: totals.clone(),
                    servers: top(&self.servers),
                    organizations: top(&self.orgs),
                }),
            ),
        ];
        for (id, (calls, errors, cost)) in &self.orgs {
            let org = UsageTotals {
                calls: *calls,
                errors: *errors,
                cost_usd: usd(*cost),
                // Per organization, tokens are not split out: the hero numbers are calls,
                // errors and cost.
                input_tokens: 0,
                output_tokens: 0,
                ..totals.clone()
            };
            events.push((Channel::Org(*id), "org.usage", json(&org)));
        }
        Some(events)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(server: Uuid, org: Uuid, error: bool) -> Accepted {
        Accepted {
            id: Uuid::now_v7(),
            occurred_at: Utc::now(),
            organization_id: org,
            hub_user_id: Uuid::now_v7(),
            mcp_server_id: server,
            tool: "t".into(),
            model: "m".into(),
            error_type: error.then(|| "timeout".into()),
            latency_ms: 10,
            input_tokens: 3,
            output_tokens: 4,
            cached_tokens: 0,
            cost_micros: 1_500,
        }
    }

    #[test]
    fn a_batch_over_many_servers_is_split_under_the_limit_and_adds_up() {
        let orgs: Vec<Uuid> = (0..150).map(|_| Uuid::now_v7()).collect();
        let events: Vec<Accepted> = (0..1_000)
            .map(|i| event(Uuid::now_v7(), orgs[i % orgs.len()], i % 10 == 0))
            .collect();
        let refs: Vec<&Accepted> = events.iter().collect();
        let parts = payloads(&refs);
        assert!(parts.len() > 1);
        let mut window = Window::default();
        for p in &parts {
            assert!(p.len() < 8_000, "{} bytes", p.len());
            let v: serde_json::Value = serde_json::from_str(p).unwrap();
            window.add(&v["d"].to_string());
        }
        assert_eq!(
            (window.calls, window.errors, window.cost_micros),
            (1_000, 100, 1_500_000)
        );
        assert_eq!((window.servers.len(), window.orgs.len()), (1_000, 150));
        let events = window.close(Utc::now()).unwrap();
        let (_, kind, usage) = &events[1];
        assert_eq!(*kind, "usage.delta");
        let delta: UsageDelta = serde_json::from_str(usage).unwrap();
        assert_eq!(delta.totals.calls, 1_000);
        assert_eq!(delta.servers.len(), TOP);
        assert_eq!(events.len(), 2 + 150);
    }

    #[test]
    fn an_empty_window_sends_nothing() {
        assert!(Window::default().close(Utc::now()).is_none());
    }
}
