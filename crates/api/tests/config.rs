//! Configuration as code (SPEC CFG-1, CFG-7): the export, through the API and the CLI.

mod common;

use common::usage::{post, tenants};
use common::{TestApp, spawn_app};
use serde_json::json;
use sqlx::PgPool;

const SECRET: &str = "Bearer s3cr3t-value-never-exported";

/// The usage fixture, plus what the document must carry: a secret, prices, an allow-list,
/// grants, external ids, tools with their approval.
async fn configured(app: &TestApp) -> common::usage::Tenants {
    let t = tenants(app).await;
    let res = app
        .send_as(
            "PATCH",
            &format!("/api/v1/mcp-servers/{}", t.github),
            &t.token,
            Some(json!({"auth_header": SECRET, "tags": ["vcs", "code"], "description": "GitHub \"Enterprise\"\nline two"})),
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .send_as(
            "PUT",
            "/api/v1/settings/model-prices",
            &t.token,
            Some(json!({"models": [
                {"model": "gpt-4o", "input_usd_per_mtok": 2.5, "output_usd_per_mtok": 10.0},
                {"model": "claude-sonnet", "input_usd_per_mtok": 3.0, "output_usd_per_mtok": 15.0, "cached_usd_per_mtok": 0.3},
            ]})),
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .send_as(
            "PATCH",
            &format!("/api/v1/organizations/{}", t.acme),
            &t.token,
            Some(
                json!({"plan": "team", "settings": {"allowed_mcp_servers": [t.github], "rate_limit_per_minute": 600}}),
            ),
        )
        .await;
    assert_eq!(res.status(), 200);
    sqlx::query(
        "INSERT INTO mcp_tools (server_id, name, status, input_schema)
         VALUES ($1::uuid, 'search', 'approved', '{}'), ($1::uuid, 'issues', 'approved', '{}'),
                ($1::uuid, 'delete_repo', 'pending', '{}')",
    )
    .bind(&t.github)
    .execute(&app.pool)
    .await
    .unwrap();
    let res = app
        .send_as(
            "PUT",
            &format!("/api/v1/users/{}/permissions", t.ada),
            &t.token,
            Some(json!({"grants": [{"server_id": t.github, "tools": ["search", "issues"]}]})),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    t
}

const EXPECTED: &str = r#"version: 1
settings:
  model_prices:
    - model: "claude-sonnet"
      input_usd_per_mtok: 3.0
      output_usd_per_mtok: 15.0
      cached_usd_per_mtok: 0.3
    - model: "gpt-4o"
      input_usd_per_mtok: 2.5
      output_usd_per_mtok: 10.0
      cached_usd_per_mtok: 0.0
organizations:
  - slug: "acme"
    name: "Acme"
    plan: "team"
    monthly_budget_cents: null
    rate_limit_per_minute: 600
    allowed_mcp_servers:
      - "github"
  - slug: "beta"
    name: "Beta"
    plan: "free"
    monthly_budget_cents: null
    rate_limit_per_minute: null
    allowed_mcp_servers: null
mcp_servers:
  - name: "beta-tools"
    description: ""
    transport: "streamable_http"
    url: "http://127.0.0.1:9/mcp"
    command: null
    args: []
    auth_header_name: "Authorization"
    auth_header: null
    timeout_ms: 10000
    degraded_threshold_ms: 2000
    check_interval_seconds: 60
    tags: []
    organization: "beta"
    enabled: true
    require_tool_approval: false
    tools: {}
  - name: "github"
    description: "GitHub \"Enterprise\"\nline two"
    transport: "streamable_http"
    url: "http://127.0.0.1:9/mcp"
    command: null
    args: []
    auth_header_name: "Authorization"
    auth_header: "${OMNI_SECRET_GITHUB_AUTH_HEADER}"
    timeout_ms: 10000
    degraded_threshold_ms: 2000
    check_interval_seconds: 60
    tags:
      - "code"
      - "vcs"
    organization: null
    enabled: true
    require_tool_approval: false
    tools:
      delete_repo: "pending"
      issues: "approved"
      search: "approved"
users:
  - email: "ada@acme.test"
    organization: "acme"
    name: "Ada"
    role: "member"
    enabled: true
    external_ids:
      slack: "U1"
    permissions:
      github:
        - "issues"
        - "search"
  - email: "bob@beta.test"
    organization: "beta"
    name: "Bob"
    role: "member"
    enabled: true
    external_ids: {}
    permissions: {}
"#;

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn the_export_is_stable_keyed_by_names_and_holds_no_secret(pool: PgPool) {
    let app = spawn_app(pool).await;
    let t = configured(&app).await;

    let res = app.get_as("/api/v1/config/export", &t.token).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/yaml");
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    let text = res.text().await.unwrap();
    assert_eq!(text, EXPECTED);
    assert_eq!(etag, format!("\"{}\"", omni_admin::config_doc::state_id(&text)));

    // The same database, the same text and id.
    let again = app.get_as("/api/v1/config/export", &t.token).await;
    assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
    assert_eq!(again.text().await.unwrap(), text);

    // Any change changes the id.
    post(
        &app,
        &t.token,
        "/api/v1/organizations",
        json!({"name": "Gamma", "slug": "gamma"}),
    )
    .await;
    let changed = app.get_as("/api/v1/config/export", &t.token).await;
    assert_ne!(changed.headers()["etag"].to_str().unwrap(), etag);

    // Audited, without the document or any secret.
    let details: Vec<serde_json::Value> =
        sqlx::query_scalar("SELECT details FROM admin_audit_log WHERE action = 'config.exported' ORDER BY occurred_at")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(details.len(), 3);
    assert_eq!(details[0]["state"], etag.trim_matches('"'));
    assert_eq!(details[0]["users"], 2);
    let everything: String = sqlx::query_scalar("SELECT string_agg(details::text, ' ') FROM admin_audit_log")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(!everything.contains("s3cr3t"), "a secret reached the audit log");
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn the_cli_exports_through_the_api_and_fails_with_a_reason(pool: PgPool) {
    let app = spawn_app(pool).await;
    let t = configured(&app).await;
    let base = app.base.clone();
    let cli = move |args: &[&str], token: &str| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_omni-admin"));
        command
            .args(args)
            .env("OMNI_SERVER", &base)
            .env("OMNI_TOKEN", token)
            .env_remove("DATABASE_URL");
        // The server runs on this test's runtime: wait for the CLI off it.
        async move {
            tokio::task::spawn_blocking(move || command.output().unwrap())
                .await
                .unwrap()
        }
    };
    let out = cli(&["config", "export"], &t.token).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), EXPECTED);

    let file = std::env::temp_dir().join(format!("omni-config-{}.yaml", uuid::Uuid::now_v7()));
    let out = cli(&["config", "export", "-o", file.to_str().unwrap()], &t.token).await;
    assert!(out.status.success());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), EXPECTED);
    let _ = std::fs::remove_file(&file);

    let out = cli(&["config", "export"], "not-a-token").await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("401"), "{stderr}");
    assert!(out.stdout.is_empty());
}
