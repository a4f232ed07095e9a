//! Demo usage: 30 days of tool calls with a daily and weekly rhythm, a few incidents
//! (error bursts with slow calls) and several models, so a fresh install shows a living
//! dashboard; `--events N` generates N of them for benchmarks.
//!
//! Raw events go in with COPY; the rollups are computed from the same events by the
//! ingest code (`usage::rollup::apply`), day by day, and the days sealed after: the
//! numbers are the ones ingestion would have produced.

use std::fmt::Write as _;

use chrono::{DateTime, Datelike, Duration, DurationRound, TimeDelta, Timelike, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

use crate::db::audit::{self, Actor, Entry};
use crate::db::usage::{self as usage_db, Price};
use crate::db::{hub_users as user_db, mcp_servers};
use crate::http::client::ClientMeta;
use crate::usage::ingest::Accepted;
use crate::usage::{days, rollup};
use omni_types::hub_users::HubRole;
use omni_types::mcp::Transport;

/// Events `seed-demo` adds without `--events`.
pub const DEFAULT_EVENTS: u64 = 60_000;
/// Days of history.
const DAYS: i64 = 30;

/// Hub-run (stdio) servers the demo hub uses besides the demo server: name, command,
/// tools with their typical latency in ms.
/// Tools with their typical latency in ms.
type Tools = &'static [(&'static str, f64)];

const SERVERS: &[(&str, &str, Tools)] = &[
    (
        "github",
        "npx -y @modelcontextprotocol/server-github",
        &[("search_issues", 420.0), ("get_file", 180.0), ("create_pr", 900.0)],
    ),
    (
        "postgres",
        "npx -y @modelcontextprotocol/server-postgres",
        &[("query", 85.0), ("list_tables", 30.0)],
    ),
    (
        "slack",
        "npx -y @modelcontextprotocol/server-slack",
        &[("post_message", 260.0), ("search", 350.0)],
    ),
    (
        "filesystem",
        "npx -y @modelcontextprotocol/server-filesystem /srv",
        &[("read_file", 12.0), ("write_file", 25.0), ("list_directory", 8.0)],
    ),
    (
        "jira",
        "npx -y mcp-jira",
        &[("search", 640.0), ("create_issue", 1100.0)],
    ),
];

/// The demo server's own tools.
const DEMO_TOOLS: &[(&str, f64)] = &[("echo", 3.0), ("add", 2.0), ("word_count", 5.0)];

/// Models, their token prices (dollars per million: input, output, cached) and share.
const MODELS: &[(&str, f64, f64, f64, f64)] = &[
    ("claude-sonnet-4", 3.0, 15.0, 0.3, 0.38),
    ("claude-haiku-4", 0.8, 4.0, 0.08, 0.22),
    ("gpt-4.1", 2.0, 8.0, 0.5, 0.18),
    ("gpt-4.1-mini", 0.4, 1.6, 0.1, 0.12),
    ("", 0.0, 0.0, 0.0, 0.10),
];

/// An incident: (days ago, UTC hour, hours, server, error type, error share, slowdown).
type Incident = (i64, u32, i64, &'static str, &'static str, f64, f64);

const INCIDENTS: &[Incident] = &[
    (21, 14, 2, "slack", "rate_limited", 0.35, 1.5),
    (9, 9, 1, "postgres", "timeout", 0.55, 12.0),
    (2, 20, 2, "github", "upstream_5xx", 0.25, 3.0),
];

struct Target {
    id: Uuid,
    name: &'static str,
    tools: Tools,
    organization: Option<Uuid>,
}

struct Caller {
    id: Uuid,
    organization: Uuid,
    /// Servers this user calls (indexes into the targets), most used first.
    servers: Vec<usize>,
    model: usize,
}

/// Adds `events` demo events (default [`DEFAULT_EVENTS`], only while there is no usage
/// yet); returns how many were added (`None`: usage exists, nothing done).
pub async fn seed_usage(pool: &PgPool, events: Option<u64>) -> anyhow::Result<Option<u64>> {
    let has_usage: bool = sqlx::query_scalar!(r#"SELECT EXISTS (SELECT 1 FROM usage_hourly WHERE grain = 0) AS "x!""#)
        .fetch_one(pool)
        .await?;
    if has_usage && events.is_none() {
        return Ok(None);
    }
    let total = events.unwrap_or(DEFAULT_EVENTS);
    let targets = servers(pool).await?;
    let callers = callers(pool, &targets, if total >= 1_000_000 { 400 } else { 40 }).await?;
    anyhow::ensure!(
        !callers.is_empty(),
        "no active organization with hub users to make demo calls"
    );
    prices(pool).await?;

    let now = Utc::now();
    let start = now.duration_trunc(TimeDelta::hours(1))? - Duration::days(DAYS);
    let hours: Vec<DateTime<Utc>> = (0..DAYS * 24 + 1).map(|h| start + Duration::hours(h)).collect();
    // The milliseconds of each hour that are past: the current hour gets its share of
    // calls for the part of it that is over, spread over that part.
    let past = |h: DateTime<Utc>| (now - h).num_milliseconds().clamp(1, 3_600_000);
    let weights: Vec<f64> = hours
        .iter()
        .map(|h| rhythm(*h) * past(*h) as f64 / 3_600_000.0)
        .collect();
    let scale = total as f64 / weights.iter().sum::<f64>();
    let mut rng = StdRng::seed_from_u64(total);
    let mut written = 0u64;
    let mut day: Vec<Accepted> = Vec::new();
    let mut cumulative = 0.0;
    for (i, (hour, weight)) in hours.iter().zip(&weights).enumerate() {
        // Spread the rounding so the total comes out exact.
        cumulative += weight;
        let due = ((cumulative * scale).round() as u64).min(total);
        let count = due.saturating_sub(written + day.len() as u64);
        for _ in 0..count {
            let at = *hour + Duration::milliseconds(rng.random_range(0..past(*hour)));
            day.push(call(&mut rng, at, &targets, &callers));
        }
        let last = i + 1 == hours.len();
        if last || hours[i + 1].day() != hour.day() {
            written += store_day(pool, &mut day).await?;
        }
    }
    days::seal(pool).await?;
    let entry = Entry {
        actor: Actor::System {
            label: "seed-demo".into(),
        },
        action: "usage.demo_seeded",
        resource_type: "usage",
        resource_id: None,
        details: json!({ "events": written, "days": DAYS }),
    };
    audit::record(pool, entry, &ClientMeta::default()).await?;
    Ok(Some(written))
}

/// Calls per hour, relative: busy afternoons (UTC), quiet nights, slow weekends.
fn rhythm(hour: DateTime<Utc>) -> f64 {
    let h = f64::from(hour.hour());
    let daily = 0.12 + (-(h - 14.5).powi(2) / 18.0).exp() + 0.35 * (-(h - 9.5).powi(2) / 4.0).exp();
    let weekly = match hour.weekday().num_days_from_monday() {
        5 => 0.38,
        6 => 0.3,
        _ => 1.0,
    };
    // A slow upward trend over the month.
    let growth = 1.0 + (hour - (Utc::now() - Duration::days(DAYS))).num_hours() as f64 / (DAYS * 24 * 3) as f64;
    daily * weekly * growth
}

fn call(rng: &mut StdRng, at: DateTime<Utc>, targets: &[Target], callers: &[Caller]) -> Accepted {
    // A few heavy users, a long tail.
    let who = &callers[((rng.random::<f64>().powi(2)) * callers.len() as f64) as usize % callers.len()];
    let server = who.servers[((rng.random::<f64>().powi(2)) * who.servers.len() as f64) as usize % who.servers.len()];
    let target = &targets[server];
    let (tool, typical) = target.tools[rng.random_range(0..target.tools.len())];
    let model = if rng.random_bool(0.85) {
        who.model
    } else {
        rng.random_range(0..MODELS.len())
    };
    let (model_name, input_price, output_price, cached_price, _) = MODELS[model];
    let days_ago = (Utc::now() - at).num_days();
    let incident = INCIDENTS.iter().find(|(ago, hour, hours, name, ..)| {
        *ago == days_ago
            && *name == target.name
            && at.hour() >= *hour
            && i64::from(at.hour()) < i64::from(*hour) + hours
    });
    let (error_share, slowdown) = incident.map_or((0.012, 1.0), |i| (i.5, i.6));
    // Log-normal around the tool's typical latency.
    let normal: f64 = (0..6).map(|_| rng.random::<f64>()).sum::<f64>() - 3.0;
    let latency = (typical * slowdown * (0.55 * normal).exp()).clamp(1.0, 120_000.0) as i32;
    let error_type = rng.random_bool(error_share).then(|| {
        incident.map_or_else(
            || ["tool_error", "timeout", "invalid_arguments"][rng.random_range(0..3)].to_owned(),
            |i| i.4.to_owned(),
        )
    });
    let (input, output, cached) = if model_name.is_empty() {
        (0, 0, 0)
    } else {
        let input = (600.0 * (0.8 * normal).exp()) as i64 + 50;
        let output = (220.0 * (0.7 * normal).exp()) as i64 + 10;
        let cached = if rng.random_bool(0.3) { input / 2 } else { 0 };
        (input, output, cached)
    };
    let price = Price {
        input: (input_price * 1e6) as i64,
        output: (output_price * 1e6) as i64,
        cached: (cached_price * 1e6) as i64,
    };
    Accepted {
        id: Uuid::now_v7(),
        occurred_at: at,
        organization_id: who.organization,
        hub_user_id: who.id,
        mcp_server_id: target.id,
        tool: tool.to_owned(),
        model: model_name.to_owned(),
        error_type,
        latency_ms: latency,
        input_tokens: input,
        output_tokens: output,
        cached_tokens: cached,
        cost_micros: price.cost_micros(input, output, cached),
    }
}

/// COPYs a day of events and adds them to the rollups; empties `day`.
async fn store_day(pool: &PgPool, day: &mut Vec<Accepted>) -> anyhow::Result<u64> {
    if day.is_empty() {
        return Ok(0);
    }
    let mut tx = usage_db::begin_rollup_write(pool).await?;
    let mut text = String::with_capacity(day.len() * 200);
    for e in day.iter() {
        let _ = writeln!(
            text,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            e.id,
            e.occurred_at.to_rfc3339(),
            e.organization_id,
            e.hub_user_id,
            e.mcp_server_id,
            e.tool,
            e.model,
            if e.error_type.is_some() { "error" } else { "ok" },
            e.error_type.as_deref().unwrap_or("\\N"),
            e.latency_ms,
            e.input_tokens,
            e.output_tokens,
            e.cached_tokens,
            e.cost_micros,
        );
    }
    let mut copy = tx
        .copy_in_raw(
            "COPY usage_events (id, occurred_at, organization_id, hub_user_id, mcp_server_id, tool, model, status,
                                error_type, latency_ms, input_tokens, output_tokens, cached_tokens, cost_micros)
             FROM STDIN",
        )
        .await?;
    copy.send(text.as_bytes()).await?;
    let rows = copy.finish().await?;
    let refs: Vec<&Accepted> = day.iter().collect();
    // Ingestion's own rollup code: the same rows, the same lock order.
    rollup::apply(&mut tx, &refs).await?;
    tx.commit().await?;
    day.clear();
    Ok(rows)
}

/// The demo server and the hub-run servers (registered if missing; `jira` belongs to
/// the first organization).
async fn servers(pool: &PgPool) -> anyhow::Result<Vec<Target>> {
    let first_org = sqlx::query_scalar!("SELECT id FROM organizations WHERE status = 'active' ORDER BY slug LIMIT 1")
        .fetch_optional(pool)
        .await?;
    let mut targets = Vec::new();
    if let Some(id) = sqlx::query_scalar!("SELECT id FROM mcp_servers WHERE name = $1", super::DEMO_SERVER)
        .fetch_optional(pool)
        .await?
    {
        targets.push(Target {
            id,
            name: super::DEMO_SERVER,
            tools: DEMO_TOOLS,
            organization: None,
        });
    }
    for (name, command, tools) in SERVERS {
        let existing = sqlx::query!("SELECT id, organization_id FROM mcp_servers WHERE name = $1", *name)
            .fetch_optional(pool)
            .await?;
        let (id, organization) = match existing {
            Some(r) => (r.id, r.organization_id),
            None => {
                let organization = if *name == "jira" { first_org } else { None };
                let mut parts = command.split(' ');
                let fields = mcp_servers::Fields {
                    name: (*name).into(),
                    description: format!("Run by the hub: {command}"),
                    transport: Transport::Stdio,
                    url: None,
                    command: parts.next().map(str::to_owned),
                    args: parts.map(str::to_owned).collect(),
                    auth_header_name: "Authorization".into(),
                    timeout_ms: 30_000,
                    degraded_threshold_ms: 2_000,
                    check_interval_seconds: 60,
                    tags: vec!["demo".into(), "stdio".into()],
                    organization_id: organization,
                    enabled: true,
                    require_tool_approval: false,
                };
                let id = Uuid::now_v7();
                let mut tx = pool.begin().await?;
                mcp_servers::insert(&mut tx, id, &fields, None).await?;
                tx.commit().await?;
                (id, organization)
            }
        };
        targets.push(Target {
            id,
            name,
            tools,
            organization,
        });
    }
    Ok(targets)
}

/// The users of active organizations, topped up with generated ones to `at_least`.
async fn callers(pool: &PgPool, targets: &[Target], at_least: usize) -> anyhow::Result<Vec<Caller>> {
    let orgs: Vec<(Uuid, String)> =
        sqlx::query_as("SELECT id, slug FROM organizations WHERE status = 'active' ORDER BY slug")
            .fetch_all(pool)
            .await?;
    if orgs.is_empty() {
        return Ok(Vec::new());
    }
    let mut users: Vec<(Uuid, Uuid)> = sqlx::query_as(
        "SELECT u.id, u.organization_id FROM hub_users u JOIN organizations o ON o.id = u.organization_id
         WHERE o.status = 'active' AND u.enabled ORDER BY u.email",
    )
    .fetch_all(pool)
    .await?;
    if users.len() < at_least {
        let new: Vec<(Uuid, user_db::Fields)> = (users.len()..at_least)
            .map(|n| {
                let (org, slug) = &orgs[n % orgs.len()];
                let fields = user_db::Fields {
                    name: format!("Demo user {n}"),
                    email: format!("user{n}@{slug}.example"),
                    organization_id: *org,
                    role: HubRole::Member,
                    external_ids: Default::default(),
                    enabled: true,
                };
                (Uuid::now_v7(), fields)
            })
            .collect();
        let mut tx = pool.begin().await?;
        user_db::insert_many(&mut tx, &new).await?;
        tx.commit().await?;
        users.extend(new.iter().map(|(id, f)| (*id, f.organization_id)));
    }
    let mut rng = StdRng::seed_from_u64(42);
    Ok(users
        .into_iter()
        .map(|(id, organization)| {
            let mut servers: Vec<usize> = (0..targets.len())
                .filter(|&i| targets[i].organization.is_none_or(|o| o == organization))
                .collect();
            // Each user has their own favourites.
            for i in (1..servers.len()).rev() {
                servers.swap(i, rng.random_range(0..=i));
            }
            servers.truncate(rng.random_range(2..=4).min(servers.len()).max(1));
            let mut pick: f64 = rng.random();
            let model = MODELS
                .iter()
                .position(|m| {
                    pick -= m.4;
                    pick <= 0.0
                })
                .unwrap_or(0);
            Caller {
                id,
                organization,
                servers,
                model,
            }
        })
        .collect())
}

/// Token prices for the demo models, unless prices are set.
async fn prices(pool: &PgPool) -> anyhow::Result<()> {
    let set: bool = sqlx::query_scalar!(r#"SELECT EXISTS (SELECT 1 FROM model_prices) AS "x!""#)
        .fetch_one(pool)
        .await?;
    if set {
        return Ok(());
    }
    let prices: Vec<(String, Price)> = MODELS
        .iter()
        .filter(|m| !m.0.is_empty())
        .map(|(name, input, output, cached, _)| {
            let micros = |usd: &f64| (usd * 1e6) as i64;
            let price = Price {
                input: micros(input),
                output: micros(output),
                cached: micros(cached),
            };
            ((*name).to_owned(), price)
        })
        .collect();
    let mut conn = pool.acquire().await?;
    usage_db::replace_model_prices(&mut conn, &prices).await?;
    Ok(())
}
