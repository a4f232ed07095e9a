//! `make bench`: configuration as code at size: a document of 20 organizations, 500 MCP
//! servers and 10,000 hub users (each with grants and an external id), diffed and
//! applied through the HTTP API, as the CLI does. Prints the time of the first apply
//! (everything created), of a diff with nothing to change (a CI check), and of a diff
//! and an apply of a small edit (one server's timeout, 100 users renamed). Client and
//! server share this process and the machine's cores.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use omni_admin::app::{AppState, router};
use omni_admin::bootstrap::{NewAdmin, create_admin};
use omni_admin::config::Config;
use omni_admin::config_doc::yaml;
use omni_admin::db::{self, audit::Actor};
use omni_types::config::{Document, McpServer, Organization, Settings, User};
use omni_types::hub_users::HubRole;
use omni_types::mcp::Transport;
use omni_types::orgs::Plan;
use serde_json::{Value, json};

const ORGS: usize = 20;
const SERVERS: usize = 500;
const USERS: usize = 10_000;
const RUNS: usize = 5;
const PASSWORD: &str = "bench passphrase 1234";

fn document() -> Document {
    let slug = |i: usize| format!("org-{i:02}");
    let organizations = (0..ORGS)
        .map(|i| Organization {
            slug: slug(i),
            name: format!("Organization {i}"),
            plan: Plan::Team,
            monthly_budget_cents: Some(100_000),
            rate_limit_per_minute: None,
            allowed_mcp_servers: None,
        })
        .collect();
    let server = |i: usize| format!("server-{i:03}");
    let mcp_servers = (0..SERVERS)
        .map(|i| McpServer {
            name: server(i),
            renamed_from: None,
            description: format!("MCP server number {i}"),
            transport: Transport::StreamableHttp,
            url: Some(format!("https://mcp-{i}.example.com/mcp")),
            command: None,
            args: vec![],
            auth_header_name: Some("Authorization".into()),
            auth_header: None,
            timeout_ms: 10_000,
            degraded_threshold_ms: 2_000,
            check_interval_seconds: 300,
            tags: vec!["bench".into()],
            // One in five is owned by an organization.
            organization: i.is_multiple_of(5).then(|| slug(i % ORGS)),
            enabled: true,
            require_tool_approval: false,
            tools: BTreeMap::new(),
        })
        .collect();
    let mut users: Vec<User> = (0..USERS)
        .map(|i| {
            let org = i % ORGS;
            // Three global servers each.
            let permissions = (0..3)
                .map(|k| {
                    let s = (i * 7 + k * 5) % SERVERS;
                    let s = if s.is_multiple_of(5) { s + 1 } else { s };
                    (server(s), vec!["*".to_owned()])
                })
                .collect();
            User {
                email: format!("user{i:05}@example.com"),
                organization: slug(org),
                name: format!("User {i}"),
                role: HubRole::Member,
                enabled: true,
                external_ids: BTreeMap::from([("sso".to_owned(), format!("sso-{i}"))]),
                permissions,
            }
        })
        .collect();
    users.sort_by(|a, b| (&a.organization, &a.email).cmp(&(&b.organization, &b.email)));
    Document {
        version: 1,
        settings: Settings::default(),
        organizations,
        mcp_servers,
        users,
    }
}

struct Api {
    client: reqwest::Client,
    base: String,
    token: String,
}

impl Api {
    /// POSTs and returns the answer and how long it took.
    async fn post(&self, path: &str, body: &Value) -> anyhow::Result<(Value, Duration)> {
        let started = Instant::now();
        let res = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(body)
            .send()
            .await?;
        let status = res.status();
        let answer: Value = res.json().await?;
        let took = started.elapsed();
        anyhow::ensure!(status.is_success(), "{path} → {status}: {answer}");
        Ok((answer, took))
    }
}

fn median(mut times: Vec<Duration>) -> f64 {
    times.sort();
    times[times.len() / 2].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("DATABASE_URL").map_err(|_| anyhow::anyhow!("set DATABASE_URL to a scratch database"))?;
    anyhow::ensure!(
        url.rsplit('/').next().is_some_and(|db| db.contains("bench")),
        "DATABASE_URL must name a *bench* database"
    );
    let pool = db::pool(&url, 10)?;
    db::MIGRATOR.run(&pool).await?;
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
    let state = AppState::new(config, db::pool(&url, 10)?);
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
    let login: Value = client
        .post(format!("{base}/auth/login"))
        .json(&json!({ "email": "bench@example.com", "password": PASSWORD }))
        .send()
        .await?
        .json()
        .await?;
    let token = login["access_token"].as_str().unwrap_or_default().to_owned();
    let api = Api { client, base, token };

    let doc = document();
    let text = yaml::to_string(&doc)?;
    println!(
        "config: {ORGS} organizations, {SERVERS} MCP servers, {USERS} users: {:.1} MB of YAML",
        text.len() as f64 / 1e6
    );
    let body = json!({ "document": text });
    let (diff, first_diff) = api.post("/config/diff", &body).await?;
    let (applied, first_apply) = api
        .post(
            "/config/apply",
            &json!({ "document": text, "base_state": diff["base_state"] }),
        )
        .await?;
    anyhow::ensure!(
        applied["diff"]["summary"]["created"] == json!(ORGS + SERVERS + USERS),
        "{}",
        applied["diff"]["summary"]
    );
    println!(
        "config: first diff {:.0} ms, first apply (creates {} entities) {:.0} ms",
        first_diff.as_secs_f64() * 1000.0,
        ORGS + SERVERS + USERS,
        first_apply.as_secs_f64() * 1000.0
    );

    let mut noop = Vec::new();
    for _ in 0..RUNS {
        let (diff, took) = api.post("/config/diff", &body).await?;
        anyhow::ensure!(diff["changes"] == json!([]), "not a no-op");
        noop.push(took);
    }
    println!(
        "config: diff with nothing to change, median of {RUNS}: {:.0} ms",
        median(noop)
    );

    let (mut diffs, mut applies) = (Vec::new(), Vec::new());
    let mut edited = doc.clone();
    for run in 0..RUNS {
        edited.mcp_servers[run].timeout_ms = 20_000 + run as i32;
        for u in edited.users.iter_mut().skip(run).step_by(USERS / 100) {
            u.name = format!("User {run}-{}", u.email);
        }
        let text = yaml::to_string(&edited)?;
        let (diff, took) = api.post("/config/diff", &json!({ "document": text })).await?;
        anyhow::ensure!(diff["summary"]["updated"] == json!(101), "{}", diff["summary"]);
        diffs.push(took);
        let (_, took) = api
            .post(
                "/config/apply",
                &json!({ "document": text, "base_state": diff["base_state"] }),
            )
            .await?;
        applies.push(took);
    }
    println!(
        "config: an edit (1 server, 100 users), median of {RUNS}: diff {:.0} ms, apply {:.0} ms",
        median(diffs),
        median(applies)
    );
    Ok(())
}
