//! `make bench`: usage ingestion and analytics (SPEC ANA-1, ANA-5).
//!
//! 1. Ingestion: 20 organizations, 2,000 hub users, 5 servers; batches of 1,000 events
//!    (the hub's last second of calls) posted through the HTTP API from 4 keep-alive
//!    connections for 10 s after a 2 s warm-up, with an API token carrying only
//!    `events:write`. Prints events/s and batch latency, then checks that every event
//!    sent was counted once (raw table and rollups).
//! 2. Analytics: 10 million events over 30 days (`seed-demo --events`), then every
//!    analytics endpoint 30 times over the 30 days (and filtered), p50/p95; and the
//!    overview's numbers computed from the raw events for comparison.
//!
//! Client and server share this process and the machine's two cores.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use chrono::Utc;
use omni_admin::app::{AppState, router};
use omni_admin::bootstrap::{NewAdmin, create_admin};
use omni_admin::config::Config;
use omni_admin::db::{self, audit::Actor};
use serde_json::json;
use uuid::Uuid;

#[path = "support/lean_http.rs"]
mod lean_http;
use lean_http::Connection;

const ORGS: i64 = 20;
const USERS: i64 = 2_000;
const BATCH: usize = 1_000;
/// Connections posting batches at once (`OMNI_BENCH_CONNECTIONS` to try others).
const CONNECTIONS: usize = 4;
const WARM_UP: Duration = Duration::from_secs(2);
const MEASURE: Duration = Duration::from_secs(10);
/// Batches prepared: more than 4 connections can send in 12 s at 100,000 events/s.
const PREPARED: usize = 1_400;
const ANALYTICS_EVENTS: u64 = 10_000_000;
const RUNS: usize = 30;
const PASSWORD: &str = "bench passphrase 1234";

struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("DATABASE_URL").map_err(|_| anyhow::anyhow!("set DATABASE_URL to a scratch database"))?;
    anyhow::ensure!(
        url.rsplit('/').next().is_some_and(|db| db.contains("bench")),
        "DATABASE_URL must name a *bench* database"
    );
    let pool = db::pool(&url, 20)?;
    db::MIGRATOR.run(&pool).await?;
    load(&pool).await?;
    let new = NewAdmin {
        email: "bench@example.com".into(),
        display_name: "Bench".into(),
        password: PASSWORD.to_owned().into(),
        roles: vec!["owner".into()],
    };
    create_admin(&pool, new, Actor::System { label: "bench".into() }).await?;
    sqlx::query("UPDATE roles SET mfa_required = false WHERE name = 'owner'")
        .execute(&pool)
        .await?;
    let mut vars = vec![
        ("DATABASE_URL".to_owned(), url.clone()),
        ("OMNI_STATIC_DIR".to_owned(), "/nonexistent".to_owned()),
        ("OMNI_HEALTH_CHECKS".to_owned(), "false".to_owned()),
    ];
    // The server's ingest concurrency, to try others than its default.
    vars.extend(std::env::var("OMNI_INGEST_CONCURRENCY").map(|n| ("OMNI_INGEST_CONCURRENCY".to_owned(), n)));
    let config = Config::from_vars(vars)?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let state = AppState::new(config, db::pool(&url, 20)?);
    let (_stop, stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(state.listen(stopped));
    tokio::spawn(async move {
        axum::serve(
            listener,
            router(state).into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
    });
    let client = reqwest::Client::new();
    let base = format!("http://{addr}/api/v1");
    let login: serde_json::Value = client
        .post(format!("{base}/auth/login"))
        .json(&json!({ "email": "bench@example.com", "password": PASSWORD }))
        .send()
        .await?
        .json()
        .await?;
    let session = login["access_token"].as_str().unwrap_or_default().to_owned();
    let token_for = |permissions: serde_json::Value| {
        let (client, base, session) = (&client, &base, &session);
        async move {
            let minted: serde_json::Value = client
                .post(format!("{base}/api-tokens"))
                .bearer_auth(session)
                .json(&json!({ "name": "bench", "permissions": permissions }))
                .send()
                .await?
                .json()
                .await?;
            minted["secret"]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| anyhow::anyhow!("no token: {minted}"))
        }
    };
    let hub = token_for(json!(["events:write"])).await?;
    ingestion(&pool, addr, &hub).await?;
    // `OMNI_BENCH_ONLY=ingestion` skips the 10-million-event analytics part (minutes of seeding).
    if std::env::var("OMNI_BENCH_ONLY").is_ok_and(|only| only == "ingestion") {
        return Ok(());
    }
    let reader = token_for(json!(["telemetry:read", "mcp:read", "audit:read"])).await?;
    analytics(&pool, addr, &reader).await
}

async fn ingestion(pool: &sqlx::PgPool, addr: SocketAddr, token: &str) -> anyhow::Result<()> {
    let users: Vec<(String, String)> = sqlx::query_as(
        "SELECT o.slug, u.email FROM hub_users u JOIN organizations o ON o.id = u.organization_id ORDER BY u.email",
    )
    .fetch_all(pool)
    .await?;
    let servers = ["github", "postgres", "slack", "filesystem", "search"];
    let tools = ["search", "read", "write", "list"];
    let models = ["claude-sonnet-4", "claude-haiku-4", "gpt-4.1", ""];
    let prepared = Instant::now();
    let mut rng = Lcg(11);
    let batches: Vec<Vec<u8>> = (0..PREPARED)
        .map(|_| {
            let now = Utc::now();
            let events: Vec<serde_json::Value> = (0..BATCH)
                .map(|_| {
                    // Skewed: a few users make most calls, as on a real hub.
                    let who = rng.below(users.len() as u64).min(rng.below(users.len() as u64)) as usize;
                    let (org, email) = &users[who];
                    let failed = rng.below(50) == 0;
                    let mut e = json!({
                        "id": Uuid::now_v7(), "time": now - chrono::Duration::milliseconds(rng.below(1000) as i64),
                        "organization": org, "user": email,
                        "server": servers[rng.below(5) as usize], "tool": tools[rng.below(4) as usize],
                        "status": if failed { "error" } else { "ok" }, "latency_ms": 5 + rng.below(900),
                        "input_tokens": rng.below(4000), "output_tokens": rng.below(800),
                        "cost_usd": rng.below(20_000) as f64 / 1e6,
                    });
                    if failed {
                        e["error_type"] = json!("timeout");
                    }
                    let model = models[rng.below(4) as usize];
                    if !model.is_empty() {
                        e["model"] = json!(model);
                    }
                    e
                })
                .collect();
            serde_json::to_vec(&json!({ "events": events })).expect("serialises")
        })
        .collect();
    println!(
        "prepared {PREPARED} batches of {BATCH} events ({:.0} MB of JSON) in {:.1} s",
        batches.iter().map(Vec::len).sum::<usize>() as f64 / 1e6,
        prepared.elapsed().as_secs_f64()
    );
    let batches = std::sync::Arc::new(batches);
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let (measure_from, stop_at) = (started + WARM_UP, started + WARM_UP + MEASURE);
    let mut tasks = Vec::new();
    let connections = std::env::var("OMNI_BENCH_CONNECTIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(CONNECTIONS);
    for _ in 0..connections {
        let (batches, next, token) = (batches.clone(), next.clone(), token.to_owned());
        tasks.push(tokio::spawn(async move {
            let mut conn = Connection::open(addr).await?;
            let (mut latencies, mut measured, mut accepted, mut other) = (Vec::new(), 0u64, 0u64, 0u64);
            loop {
                let sent = Instant::now();
                if sent >= stop_at {
                    break;
                }
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                anyhow::ensure!(i < batches.len(), "ran out of prepared batches: raise PREPARED");
                let (status, body) = conn.post("/api/v1/events", &token, &batches[i]).await?;
                anyhow::ensure!(
                    status == 200,
                    "batch answered {status}: {}",
                    String::from_utf8_lossy(&body)
                );
                let report: serde_json::Value = serde_json::from_slice(&body)?;
                let n = report["accepted"].as_u64().unwrap_or(0);
                accepted += n;
                other += BATCH as u64 - n;
                if sent >= measure_from && Instant::now() <= stop_at {
                    latencies.push(sent.elapsed());
                    measured += n;
                }
            }
            Ok::<_, anyhow::Error>((latencies, measured, accepted, other))
        }));
    }
    let (mut latencies, mut measured, mut accepted, mut refused) = (Vec::new(), 0, 0, 0);
    for task in tasks {
        let (l, m, a, r) = task.await??;
        latencies.extend(l);
        measured += m;
        accepted += a;
        refused += r;
    }
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "ingestion at {connections} connections, batches of {BATCH}: {:.0} events/s sustained over {:.0} s; batch p50 {:.1} ms, p99 {:.1} ms",
        measured as f64 / MEASURE.as_secs_f64(),
        MEASURE.as_secs_f64(),
        ms(at(0.5)),
        ms(at(0.99)),
    );
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM usage_events")
        .fetch_one(pool)
        .await?;
    let rolled: i64 = sqlx::query_scalar("SELECT coalesce(sum(calls), 0)::int8 FROM usage_hourly WHERE grain = 0")
        .fetch_one(pool)
        .await?;
    println!(
        "loss check: {accepted} accepted, {refused} not accepted; {stored} raw events stored, {rolled} calls in the rollups"
    );
    anyhow::ensure!(
        refused == 0 && stored == accepted as i64 && rolled == stored,
        "events were lost or double-counted"
    );
    Ok(())
}

async fn analytics(pool: &sqlx::PgPool, addr: SocketAddr, token: &str) -> anyhow::Result<()> {
    sqlx::query(
        "TRUNCATE usage_events, usage_hourly, usage_daily, usage_days, usage_weekly, usage_weeks, usage_hourly_errors,
                  usage_prefix, usage_prefixes, usage_cuts",
    )
    .execute(pool)
    .await?;
    let seeded = Instant::now();
    let n = omni_admin::demo::usage::seed_usage(pool, Some(ANALYTICS_EVENTS))
        .await?
        .unwrap_or(0);
    sqlx::query("VACUUM ANALYZE").execute(pool).await?;
    let count = |table: &'static str| async move {
        sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
            .fetch_one(pool)
            .await
    };
    let grains: Vec<(i16, i64)> = sqlx::query_as("SELECT grain, count(*) FROM usage_hourly GROUP BY 1 ORDER BY 1")
        .fetch_all(pool)
        .await?;
    let grains: Vec<String> = grains.iter().map(|(g, n)| format!("{g}: {n}")).collect();
    println!(
        "seeded {n} events over 30 days in {:.0} s (COPY + rollups + sealing); rollup rows: hourly by grain {{{}}}, daily {}, errors {}",
        seeded.elapsed().as_secs_f64(),
        grains.join(", "),
        count("usage_daily").await?,
        count("usage_hourly_errors").await?,
    );
    let (org, user, server): (Uuid, Uuid, Uuid) = sqlx::query_as(
        "SELECT organization_id, hub_user_id, mcp_server_id FROM usage_hourly WHERE grain = 31
         GROUP BY 1, 2, 3 ORDER BY sum(calls) DESC LIMIT 1",
    )
    .fetch_one(pool)
    .await?;
    let to = Utc::now();
    let from = to - chrono::Duration::days(30);
    let range = format!(
        "from={}&to={}&tz=Europe/Paris",
        from.to_rfc3339().replace('+', "%2B"),
        to.to_rfc3339().replace('+', "%2B")
    );
    let week = format!(
        "from={}&to={}&tz=Europe/Paris",
        (to - chrono::Duration::days(7)).to_rfc3339().replace('+', "%2B"),
        to.to_rfc3339().replace('+', "%2B")
    );
    let views = [
        format!("/api/v1/analytics/overview?{range}"),
        format!("/api/v1/analytics/overview?{range}&organization={org}"),
        format!("/api/v1/analytics/overview?{range}&user={user}"),
        format!("/api/v1/analytics/overview?{range}&server={server}"),
        format!("/api/v1/analytics/overview?{range}&tool=search"),
        format!("/api/v1/analytics/overview?{range}&organization={org}&server={server}"),
        format!("/api/v1/analytics/timeseries?{range}&bucket=day"),
        format!("/api/v1/analytics/timeseries?{week}&bucket=hour"),
        format!("/api/v1/analytics/timeseries?{range}&bucket=day&server={server}"),
        format!("/api/v1/analytics/timeseries?{range}&bucket=week&organization={org}"),
        format!("/api/v1/analytics/timeseries?{range}&bucket=day&user={user}"),
        format!("/api/v1/analytics/breakdown?{range}&by=server"),
        format!("/api/v1/analytics/breakdown?{range}&by=tool&sort=calls"),
        format!("/api/v1/analytics/breakdown?{range}&by=user"),
        format!("/api/v1/analytics/breakdown?{range}&by=user&sort=p95"),
        format!("/api/v1/analytics/breakdown?{range}&by=user&organization={org}"),
        format!("/api/v1/analytics/breakdown?{range}&by=tool&user={user}"),
        format!("/api/v1/analytics/breakdown?{range}&by=model"),
        format!("/api/v1/analytics/breakdown?{range}&by=model&organization={org}"),
        format!("/api/v1/analytics/breakdown?{range}&by=organization"),
        format!("/api/v1/analytics/errors?{range}&bucket=day"),
        format!("/api/v1/analytics/errors?{range}&bucket=day&organization={org}"),
        format!("/api/v1/analytics/errors?{range}&bucket=hour&server={server}"),
        format!("/api/v1/analytics/heatmap?{range}"),
        format!("/api/v1/analytics/heatmap?{range}&user={user}"),
        format!("/api/v1/analytics/breakdown/export?{range}&by=user&limit=200"),
        "/api/v1/dashboard?tz=Europe/Paris".to_owned(),
    ];
    let mut conn = Connection::open(addr).await?;
    let mut overview_p50 = 0.0;
    println!("analytics over {n} events, {RUNS} runs each (p50 / p95 / max, ms):");
    for view in &views {
        let mut times = Vec::new();
        for run in 0..RUNS + 3 {
            let sent = Instant::now();
            let (status, body) = conn.get(view, token).await?;
            anyhow::ensure!(
                status == 200,
                "{view} answered {status}: {}",
                String::from_utf8_lossy(&body)
            );
            if run >= 3 {
                times.push(sent.elapsed().as_secs_f64() * 1000.0);
            }
        }
        times.sort_by(f64::total_cmp);
        let p = |q: f64| times[((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1];
        if overview_p50 == 0.0 {
            overview_p50 = p(0.5);
        }
        let shown = view.split('?').next().unwrap_or(view);
        let filters: Vec<&str> = view
            .split(['?', '&'])
            .skip(1)
            .filter(|kv| !kv.starts_with("from=") && !kv.starts_with("to=") && !kv.starts_with("tz="))
            .collect();
        println!(
            "  {:>7.1} {:>7.1} {:>7.1}  {shown} {}",
            p(0.5),
            p(0.95),
            times[times.len() - 1],
            filters.join("&")
        );
    }
    // The overview's totals and percentiles straight from the raw events.
    let mut raw = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        sqlx::query(
            "SELECT count(*), count(error_type), sum(cost_micros), sum(input_tokens), count(DISTINCT hub_user_id),
                    percentile_disc(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY latency_ms)
             FROM usage_events WHERE occurred_at >= $1 AND occurred_at < $2",
        )
        .bind(from)
        .bind(to)
        .fetch_one(pool)
        .await?;
        raw.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    raw.sort_by(f64::total_cmp);
    println!(
        "the overview from raw events instead: {:.0} ms (median of 3) against {:.1} ms from the rollups: {:.0}× slower",
        raw[1],
        overview_p50,
        raw[1] / overview_p50
    );
    Ok(())
}

/// Organizations, users (by email in their organization) and the servers events name.
async fn load(pool: &sqlx::PgPool) -> anyhow::Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query(
        "INSERT INTO organizations (name, slug, plan) SELECT 'Org ' || g, 'org-' || g, 'team' FROM generate_series(1, $1) g",
    )
    .bind(ORGS)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO hub_users (organization_id, name, email, role)
         SELECT (SELECT id FROM organizations WHERE slug = 'org-' || (1 + g % $2)), 'User ' || g,
                'user' || g || '@example.com', 'member'
         FROM generate_series(1, $1) g",
    )
    .bind(USERS)
    .bind(ORGS)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO mcp_servers (name, transport, command)
         SELECT name, 'stdio', 'run-' || name FROM unnest(ARRAY['github', 'postgres', 'slack', 'filesystem', 'search']) name",
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    sqlx::query("ANALYZE").execute(pool).await?;
    Ok(())
}
