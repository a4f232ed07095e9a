//! `make bench`: `GET /api/v1/authz/can-call`, the hub's question before each tool call.
//! Loads 100 organizations, 10,000 hub users and 100 MCP servers of 10 tools each (with
//! grants, wildcards, owned servers and allow-lists), then asks random questions from 64
//! concurrent keep-alive connections for a fixed time, as the hub would: with an API
//! token carrying only `users:authorize`. Prints p50/p99 latency and requests/s. Client
//! and server share this process and the machine's cores. The server runs as in
//! production: its access cache (`access_cache`) loaded and listening.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use omni_admin::app::{AppState, router};
use omni_admin::bootstrap::{NewAdmin, create_admin};
use omni_admin::config::Config;
use omni_admin::db::{self, audit::Actor};

#[path = "support/lean_http.rs"]
mod lean_http;
use lean_http::Connection;

const ORGS: i64 = 100;
const USERS: i64 = 10_000;
const SERVERS: i64 = 100;
const TOOLS: i64 = 10;
const CONNECTIONS: usize = 64;
const WARM_UP: Duration = Duration::from_secs(2);
const MEASURE: Duration = Duration::from_secs(10);
const PASSWORD: &str = "bench passphrase 1234";

/// A small deterministic generator: the same questions on every run.
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
    let loaded = Instant::now();
    load(&pool).await?;
    println!(
        "loaded {ORGS} organizations, {USERS} users, {SERVERS} servers × {TOOLS} tools in {:.1} s",
        loaded.elapsed().as_secs_f64()
    );

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
    let config = Config::from_vars([
        ("DATABASE_URL".to_owned(), url.clone()),
        ("OMNI_STATIC_DIR".to_owned(), "/nonexistent".to_owned()),
        ("OMNI_HEALTH_CHECKS".to_owned(), "false".to_owned()),
    ])?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let state = AppState::new(config, db::pool(&url, 20)?);
    let (_stop, stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(state.listen(stopped));
    let access = state.access.clone();
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
        .json(&serde_json::json!({ "email": "bench@example.com", "password": PASSWORD }))
        .send()
        .await?
        .json()
        .await?;
    let session = login["access_token"].as_str().unwrap_or_default().to_owned();
    let minted: serde_json::Value = client
        .post(format!("{base}/api-tokens"))
        .bearer_auth(&session)
        .json(&serde_json::json!({ "name": "hub", "permissions": ["users:authorize"] }))
        .send()
        .await?
        .json()
        .await?;
    let token = minted["secret"]
        .as_str()
        .ok_or_else(|| anyhow::anyhow!("no token: {minted}"))?
        .to_owned();

    let users: Vec<uuid::Uuid> = sqlx::query_scalar("SELECT id FROM hub_users ORDER BY id")
        .fetch_all(&pool)
        .await?;
    let servers: Vec<String> = sqlx::query_scalar("SELECT name FROM mcp_servers ORDER BY name")
        .fetch_all(&pool)
        .await?;
    // Mostly what the hub asks: a user calling a server they hold a grant on; the rest
    // any server, and one in eleven a tool that does not exist.
    let granted: Vec<(uuid::Uuid, String)> = sqlx::query_as(
        "SELECT g.user_id, s.name FROM hub_user_grants g JOIN mcp_servers s ON s.id = g.server_id ORDER BY 1, 2",
    )
    .fetch_all(&pool)
    .await?;
    let questions: Arc<Vec<String>> = Arc::new({
        let mut rng = Lcg(7);
        (0..100_000)
            .map(|_| {
                let (user, server) = if rng.below(10) < 8 {
                    granted[rng.below(granted.len() as u64) as usize].clone()
                } else {
                    let user = users[rng.below(users.len() as u64) as usize];
                    (user, servers[rng.below(servers.len() as u64) as usize].clone())
                };
                let tool = rng.below(TOOLS as u64 + 1);
                format!("/api/v1/authz/can-call?user={user}&server={server}&tool=tool-{tool}")
            })
            .collect()
    });

    // The hub's steady state: the access cache loaded (it serves once current).
    let waited = Instant::now();
    while access.snapshot().is_none() {
        anyhow::ensure!(
            waited.elapsed() < Duration::from_secs(30),
            "the access cache never loaded"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    println!(
        "access cache current after {:.0} ms",
        waited.elapsed().as_secs_f64() * 1000.0
    );

    let started = Instant::now();
    let measure_from = started + WARM_UP;
    let stop_at = measure_from + MEASURE;
    let mut tasks = Vec::new();
    for worker in 0..CONNECTIONS {
        let (token, questions) = (token.clone(), questions.clone());
        tasks.push(tokio::spawn(async move {
            let mut conn = Connection::open(addr).await?;
            let mut latencies = Vec::new();
            let (mut allowed, mut errors) = (0u64, 0u64);
            let mut i = worker * 1_000;
            loop {
                let sent = Instant::now();
                if sent >= stop_at {
                    break;
                }
                let (status, body) = conn.get(&questions[i % questions.len()], &token).await?;
                if sent >= measure_from {
                    latencies.push(sent.elapsed());
                    errors += u64::from(status != 200);
                    allowed += u64::from(body.windows(14).any(|w| w == b"\"allowed\":true"));
                }
                i += 1;
            }
            Ok::<_, anyhow::Error>((latencies, allowed, errors))
        }));
    }
    let mut latencies = Vec::new();
    let (mut allowed, mut errors) = (0, 0);
    for task in tasks {
        let (l, a, e) = task.await??;
        latencies.extend(l);
        allowed += a;
        errors += e;
    }
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "can-call at {CONNECTIONS} connections: {} requests in {:.0} s = {:.0} req/s; p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; {errors} errors; {:.0}% allowed",
        latencies.len(),
        MEASURE.as_secs_f64(),
        latencies.len() as f64 / MEASURE.as_secs_f64(),
        ms(at(0.50)),
        ms(at(0.99)),
        ms(*latencies.last().unwrap_or(&Duration::ZERO)),
        100.0 * allowed as f64 / latencies.len().max(1) as f64,
    );
    anyhow::ensure!(errors == 0, "{errors} requests failed");
    Ok(())
}

/// Organizations (every tenth restricted to half the global servers), users (every
/// twentieth disabled, every fifth a viewer), servers (every tenth owned by an
/// organization), tools (every other one read-only) and grants on five servers per user
/// (every third a wildcard).
async fn load(pool: &sqlx::PgPool) -> anyhow::Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query(
        "INSERT INTO organizations (name, slug, plan, servers_restricted)
         SELECT 'Org ' || g, 'org-' || g, 'team', g % 10 = 0 FROM generate_series(1, $1) g",
    )
    .bind(ORGS)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO mcp_servers (name, transport, command, organization_id)
         SELECT 'server-' || g, 'stdio', 'run-' || g,
                CASE WHEN g % 10 = 0 THEN (SELECT id FROM organizations WHERE slug = 'org-' || g) END
         FROM generate_series(1, $1) g",
    )
    .bind(SERVERS)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO mcp_tools (server_id, name, input_schema, annotations)
         SELECT s.id, 'tool-' || t, '{\"type\":\"object\"}',
                jsonb_build_object('readOnlyHint', t % 2 = 0)
         FROM mcp_servers s, generate_series(0, $1 - 1) t",
    )
    .bind(TOOLS)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO organization_allowed_servers (organization_id, server_id)
         SELECT o.id, s.id FROM organizations o JOIN mcp_servers s ON s.organization_id IS NULL
         WHERE o.servers_restricted AND substr(s.name, 8)::int % 2 = 0",
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO hub_users (organization_id, name, email, role, enabled)
         SELECT (SELECT id FROM organizations WHERE slug = 'org-' || (1 + g % $2)),
                'User ' || g, 'user' || g || '@example.com',
                CASE WHEN g % 5 = 0 THEN 'viewer' ELSE 'member' END, g % 20 <> 0
         FROM generate_series(1, $1) g",
    )
    .bind(USERS)
    .bind(ORGS)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO hub_user_grants (user_id, server_id, tools)
         SELECT u.id, s.id,
                CASE WHEN k % 3 = 0 THEN ARRAY['*'] ELSE ARRAY['tool-' || k, 'tool-' || (k + 1)] END
         FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM hub_users) u
         CROSS JOIN generate_series(0, 4) k
         JOIN mcp_servers s ON s.name = 'server-' || (1 + (u.n * 7 + k * 17) % $1)
         ON CONFLICT DO NOTHING",
    )
    .bind(SERVERS)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    sqlx::query("ANALYZE").execute(pool).await?;
    Ok(())
}
