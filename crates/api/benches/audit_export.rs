//! `make bench`: streaming the audit log as CSV. Fills a scratch database (DATABASE_URL)
//! with 100k entries, downloads the export over real HTTP while counting rows, and prints
//! rows/s and the process's peak RSS before and after (flat memory = streamed).

use std::net::SocketAddr;
use std::time::Instant;

use futures::StreamExt;
use omni_admin::app::{AppState, router};
use omni_admin::bootstrap::{NewAdmin, create_admin};
use omni_admin::config::Config;
use omni_admin::db::{self, audit::Actor};

const ROWS: i64 = 100_000;
const PASSWORD: &str = "bench passphrase 1234";

/// Peak resident set size of this process so far, in MiB (Linux `VmHWM`).
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("DATABASE_URL").map_err(|_| anyhow::anyhow!("set DATABASE_URL to a scratch database"))?;
    // This bench writes and truncates: refuse anything but a database named for it.
    anyhow::ensure!(
        url.rsplit('/').next().is_some_and(|db| db.contains("bench")),
        "DATABASE_URL must name a *bench* database"
    );
    let pool = db::pool(&url, 5)?;
    db::MIGRATOR.run(&pool).await?;
    let new = NewAdmin {
        email: "bench@example.com".into(),
        display_name: "Bench".into(),
        password: PASSWORD.to_owned().into(),
        roles: vec!["owner".into()],
    };
    create_admin(&pool, new, Actor::System { label: "bench".into() }).await?;
    // Owners must set up MFA before anything else; this measures the export, not sign-in.
    sqlx::query("UPDATE roles SET mfa_required = false WHERE name = 'owner'")
        .execute(&pool)
        .await?;
    let filled = Instant::now();
    sqlx::query(
        "INSERT INTO admin_audit_log (actor_label, action, resource_type, resource_id, details)
         SELECT 'bench' || g || '@example.com', 'bench.row', 'thing', g::text,
                jsonb_build_object('before', jsonb_build_object('n', g - 1), 'after', jsonb_build_object('n', g))
         FROM generate_series(1, $1) g",
    )
    .bind(ROWS)
    .execute(&pool)
    .await?;
    println!(
        "inserted {ROWS} chained entries in {:.1} s",
        filled.elapsed().as_secs_f64()
    );

    let config = Config::from_vars([
        ("DATABASE_URL".to_owned(), url.clone()),
        ("OMNI_STATIC_DIR".to_owned(), "/nonexistent".to_owned()),
    ])?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let app = router(AppState::new(config, pool));
    tokio::spawn(async move { axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await });

    let client = reqwest::Client::new();
    let login: serde_json::Value = client
        .post(format!("http://{addr}/api/v1/auth/login"))
        .json(&serde_json::json!({ "email": "bench@example.com", "password": PASSWORD }))
        .send()
        .await?
        .json()
        .await?;
    let token = login["access_token"].as_str().unwrap_or_default().to_owned();

    let before = peak_rss_mib();
    let started = Instant::now();
    let res = client
        .get(format!("http://{addr}/api/v1/audit/export?action=bench.row"))
        .bearer_auth(&token)
        .send()
        .await?;
    anyhow::ensure!(res.status() == 200, "export answered {}", res.status());
    let (mut bytes, mut lines) = (0usize, 0usize);
    let mut body = res.bytes_stream();
    while let Some(chunk) = body.next().await {
        let chunk = chunk?;
        bytes += chunk.len();
        lines += chunk.iter().filter(|b| **b == b'\n').count();
    }
    let seconds = started.elapsed().as_secs_f64();
    let rows = lines.saturating_sub(1);
    anyhow::ensure!(rows as i64 == ROWS, "exported {rows} rows, expected {ROWS}");
    println!(
        "audit CSV export: {rows} rows, {:.1} MiB in {seconds:.2} s = {:.0} rows/s",
        bytes as f64 / 1_048_576.0,
        rows as f64 / seconds
    );
    println!(
        "peak RSS (server + client, one process): {before:.1} MiB before, {:.1} MiB after",
        peak_rss_mib()
    );
    Ok(())
}
