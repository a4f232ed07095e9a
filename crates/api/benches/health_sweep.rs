//! `make bench`: one sweep of the MCP health job over 500 registered servers. The MCP
//! server is the demo binary (`OMNI_DEMO_MCP_BIN`) in its own process, so this process's
//! CPU time is the checker's alone (client, TLS-less HTTP, storing results in PostgreSQL).
//! Prints the sweep's wall time at the default concurrency and the CPU it took.

use std::time::{Duration, Instant};

use omni_admin::config::Config;
use omni_admin::crypto::Sealer;
use omni_admin::db;
use omni_admin::jobs::health::HealthJob;

const SERVERS: i64 = 500;
const PORT: u16 = 18_291;

/// User + system CPU seconds of a process so far (Linux `/proc/<pid>/stat`).
fn cpu_seconds(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may contain spaces) start after the last ')'.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 (1-based), 11 and 12 after the command.
    (ticks(11) + ticks(12)) / 100.0
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("DATABASE_URL").map_err(|_| anyhow::anyhow!("set DATABASE_URL to a scratch database"))?;
    anyhow::ensure!(
        url.rsplit('/').next().is_some_and(|db| db.contains("bench")),
        "DATABASE_URL must name a *bench* database"
    );
    let demo = std::env::var("OMNI_DEMO_MCP_BIN").map_err(|_| anyhow::anyhow!("set OMNI_DEMO_MCP_BIN"))?;
    let mut child = std::process::Command::new(&demo)
        .args(["--port", &PORT.to_string()])
        .spawn()?;
    let result = run(&url, child.id()).await;
    let _ = child.kill();
    result
}

async fn run(url: &str, demo_pid: u32) -> anyhow::Result<()> {
    let pool = db::pool(url, 20)?;
    db::MIGRATOR.run(&pool).await?;
    let endpoint = format!("http://127.0.0.1:{PORT}/mcp");
    let http = reqwest::Client::new();
    for _ in 0..100 {
        if http
            .get(format!("http://127.0.0.1:{PORT}/healthz"))
            .send()
            .await
            .is_ok()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    sqlx::query(
        "INSERT INTO mcp_servers (name, transport, url, check_interval_seconds)
         SELECT 'bench-' || g, 'streamable_http', $1, 3600 FROM generate_series(1, $2) g",
    )
    .bind(&endpoint)
    .bind(SERVERS)
    .execute(&pool)
    .await?;

    let defaults = Config::from_vars([("DATABASE_URL".to_owned(), url.to_owned())])?;
    let job = HealthJob {
        db: pool.clone(),
        sealer: Sealer::new(&[0; 32]),
        http: omni_admin::mcp::check::http_client(),
        concurrency: defaults.health_concurrency,
    };
    let own = std::process::id().to_string();
    let demo = demo_pid.to_string();
    let (cpu_before, demo_before) = (cpu_seconds(&own), cpu_seconds(&demo));
    let started = Instant::now();
    let checked = job.sweep().await?;
    let wall = started.elapsed().as_secs_f64();
    let (cpu, demo_cpu) = (cpu_seconds(&own) - cpu_before, cpu_seconds(&demo) - demo_before);
    let up: i64 = sqlx::query_scalar("SELECT count(*) FROM mcp_servers WHERE health_status = 'up'")
        .fetch_one(&pool)
        .await?;
    let tools: i64 = sqlx::query_scalar("SELECT count(*) FROM mcp_tools")
        .fetch_one(&pool)
        .await?;
    anyhow::ensure!(checked as i64 == SERVERS, "checked {checked} of {SERVERS}");
    println!(
        "health sweep: {checked} servers (concurrency {}) in {wall:.2} s = {:.0} checks/s; {up} up, {tools} tools stored",
        job.concurrency,
        checked as f64 / wall
    );
    println!(
        "CPU: checker {cpu:.2} s ({:.0}% of one core over the sweep, {:.1} ms per check); demo MCP server {demo_cpu:.2} s",
        100.0 * cpu / wall,
        1000.0 * cpu / checked as f64
    );
    Ok(())
}
