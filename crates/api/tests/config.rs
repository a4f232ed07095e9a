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

// ---- Validate, diff, apply, snapshots, rollback (SPEC CFG-2..7) ----

/// The current export and its state id.
async fn export(app: &TestApp, token: &str) -> (String, String) {
    let res = app.get_as("/api/v1/config/export", token).await;
    assert_eq!(res.status(), 200);
    let etag = res.headers()["etag"].to_str().unwrap().trim_matches('"').to_owned();
    (res.text().await.unwrap(), etag)
}

async fn call(app: &TestApp, token: &str, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
    let res = app.send_as("POST", path, token, Some(body)).await;
    let status = res.status().as_u16();
    (status, res.json().await.unwrap())
}

/// Diffs `document`, then applies it against the diff's base state.
async fn apply(app: &TestApp, token: &str, document: &str) -> serde_json::Value {
    let (status, diff) = call(app, token, "/api/v1/config/diff", json!({ "document": document })).await;
    assert_eq!(status, 200, "{diff}");
    let (status, outcome) = call(
        app,
        token,
        "/api/v1/config/apply",
        json!({ "document": document, "base_state": diff["base_state"], "source": "file" }),
    )
    .await;
    assert_eq!(status, 200, "{outcome}");
    outcome
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn validation_reports_every_problem_at_its_line(pool: PgPool) {
    let app = spawn_app(pool).await;
    let t = configured(&app).await;
    let (text, _) = export(&app, &t.token).await;
    let broken = text
        .replace("    timeout_ms: 10000\n    degraded_threshold_ms: 2000\n    check_interval_seconds: 60\n    tags: []\n    organization: \"beta\"",
                 "    timeout_ms: 50\n    degraded_threshold_ms: 2000\n    check_interval_seconds: 60\n    tags: []\n    organization: \"nowhere\"")
        .replace("    permissions:\n      github:\n", "    permissions:\n      gitlab:\n")
        .replace("    role: \"member\"\n    enabled: true\n    external_ids: {}", "    role: \"member\"\n    enabled: true\n    colour: blue\n    external_ids: {}");
    assert_ne!(broken, text);
    let (status, v) = call(&app, &t.token, "/api/v1/config/validate", json!({ "document": broken })).await;
    assert_eq!(status, 200);
    assert_eq!(v["valid"], false);
    let line_of = |needle: &str| broken.lines().position(|l| l.contains(needle)).unwrap() as u64 + 1;
    let problems: Vec<(String, u64, u64)> = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["path"].as_str().unwrap().to_owned(),
                p["line"].as_u64().unwrap(),
                p["column"].as_u64().unwrap(),
            )
        })
        .collect();
    // The unknown key is found first (structure), alone: types before meaning.
    assert_eq!(
        problems,
        [("users[1].colour".to_owned(), line_of("colour: blue"), 5)],
        "{v}"
    );

    let broken = broken.replace("    colour: blue\n", "");
    let (_, v) = call(&app, &t.token, "/api/v1/config/validate", json!({ "document": broken })).await;
    let problems: Vec<(String, u64)> = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["path"].as_str().unwrap().to_owned(), p["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        problems,
        [
            ("mcp_servers[0].timeout_ms".to_owned(), line_of("timeout_ms: 50")),
            (
                "mcp_servers[0].degraded_threshold_ms".to_owned(),
                line_of("timeout_ms: 50") + 1
            ),
            (
                "mcp_servers[0].organization".to_owned(),
                line_of("organization: \"nowhere\"")
            ),
            ("users[0].permissions.gitlab".to_owned(), line_of("gitlab:")),
        ],
        "{v}"
    );
    // The same problems refuse a diff, with their positions.
    let (status, p) = call(&app, &t.token, "/api/v1/config/diff", json!({ "document": broken })).await;
    assert_eq!(status, 422);
    assert!(
        p["errors"]["mcp_servers[0].timeout_ms"][0]
            .as_str()
            .unwrap()
            .starts_with("line "),
        "{p}"
    );

    // A syntax error: one problem, where it is.
    let (_, v) = call(
        &app,
        &t.token,
        "/api/v1/config/validate",
        json!({ "document": "version: 1\nusers: [\n" }),
    )
    .await;
    assert_eq!(v["valid"], false);
    assert_eq!(v["problems"].as_array().unwrap().len(), 1);

    // The export itself is valid, and a plain secret is refused.
    let (_, v) = call(&app, &t.token, "/api/v1/config/validate", json!({ "document": text })).await;
    assert_eq!(v["valid"], true, "{v}");
    assert_eq!(v["counts"]["users"], 2);
    let plain = text.replace("\"${OMNI_SECRET_GITHUB_AUTH_HEADER}\"", "\"Bearer leaked\"");
    let (_, v) = call(&app, &t.token, "/api/v1/config/validate", json!({ "document": plain })).await;
    assert_eq!(v["problems"][0]["path"], "mcp_servers[1].auth_header", "{v}");
    assert!(!v.to_string().contains("leaked"), "the value is not echoed");
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn an_export_applies_as_a_no_op_and_an_edit_applies_exactly(pool: PgPool) {
    let app = spawn_app(pool).await;
    let t = configured(&app).await;
    let (text, state) = export(&app, &t.token).await;

    let (_, diff) = call(&app, &t.token, "/api/v1/config/diff", json!({ "document": text })).await;
    assert_eq!(diff["changes"], json!([]), "{diff}");
    assert_eq!(diff["base_state"], state);
    assert_eq!(diff["target_state"], state);
    assert_eq!(diff["text"], json!([]));

    // The first apply records where the state came from, even with nothing to change.
    let outcome = apply(&app, &t.token, &text).await;
    assert_eq!(outcome["snapshot"]["source"], "file");
    assert_eq!(outcome["snapshot"]["state"], state);
    assert_eq!(export(&app, &t.token).await.1, state, "nothing changed");
    let (_, status) = call_get(&app, &t.token, "/api/v1/config/status").await;
    assert_eq!(status["drifted"], false, "{status}");
    // Applying it again stores nothing new.
    let again = apply(&app, &t.token, &text).await;
    assert!(again.get("snapshot").is_none(), "{again}");

    // An edit: one field changes, one user goes, one comes; prices change.
    let edited = text
        .replace(
            "    timeout_ms: 10000\n    degraded_threshold_ms: 2000\n    check_interval_seconds: 60\n    tags:\n",
            "    timeout_ms: 20000\n    degraded_threshold_ms: 2000\n    check_interval_seconds: 60\n    tags:\n",
        )
        .replace("      output_usd_per_mtok: 10.0\n", "      output_usd_per_mtok: 12.5\n")
        .replace(
            "  - email: \"bob@beta.test\"\n    organization: \"beta\"\n    name: \"Bob\"",
            "  - email: \"cy@beta.test\"\n    organization: \"beta\"\n    name: \"Cy\"",
        );
    let (_, diff) = call(&app, &t.token, "/api/v1/config/diff", json!({ "document": edited })).await;
    assert_eq!(
        diff["summary"],
        json!({"created": 1, "updated": 2, "deleted": 1}),
        "{diff}"
    );
    let server = diff["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == "github")
        .unwrap();
    assert_eq!(
        server["fields"],
        json!([{"field": "timeout_ms", "old": 10000, "new": 20000}])
    );
    let rows: Vec<&serde_json::Value> = diff["text"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|h| h["rows"].as_array().unwrap())
        .collect();
    assert!(
        rows.iter()
            .any(|r| r["tag"] == "replace" && r["new_text"] == "    timeout_ms: 20000"),
        "{rows:?}"
    );

    let outcome = apply(&app, &t.token, &edited).await;
    let snapshot = &outcome["snapshot"];
    assert_eq!(snapshot["summary"], json!({"created": 1, "updated": 2, "deleted": 1}));
    let (after, after_state) = export(&app, &t.token).await;
    assert_eq!(after, edited, "the database is now exactly the file");
    assert_eq!(snapshot["state"], after_state);
    // Ada's grants and Github's id are untouched: an update, not a re-creation.
    let grants: i64 = sqlx::query_scalar("SELECT count(*) FROM hub_user_grants WHERE user_id = $1::uuid")
        .bind(&t.ada)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(grants, 1);
    let (_, server) = call_get(&app, &t.token, &format!("/api/v1/mcp-servers/{}", t.github)).await;
    assert_eq!(server["timeout_ms"], 20000);
    assert_eq!(server["auth_header_set"], true, "the secret stayed");

    // Audited per entity and as a whole.
    let actions = app.audit_actions().await;
    for action in [
        "config.applied",
        "mcp_server.updated",
        "hub_user.created",
        "hub_user.deleted",
        "settings.model_prices_changed",
    ] {
        assert!(actions.iter().any(|a| a == action), "{action} in {actions:?}");
    }

    // A stale base is refused and changes nothing.
    let (status, p) = call(
        &app,
        &t.token,
        "/api/v1/config/apply",
        json!({ "document": text, "base_state": state }),
    )
    .await;
    assert_eq!(status, 409, "{p}");
    assert_eq!(export(&app, &t.token).await.1, after_state);
    let (status, _) = call(&app, &t.token, "/api/v1/config/apply", json!({ "document": text })).await;
    assert_eq!(status, 422, "base_state is required");

    // Approval turned on, then off: what waited is released, as in the console.
    let (now, _) = export(&app, &t.token).await;
    let approval = now.replace(
        "    require_tool_approval: false\n    tools:\n      delete_repo",
        "    require_tool_approval: true\n    tools:\n      delete_repo",
    );
    assert_ne!(approval, now);
    apply(&app, &t.token, &approval).await;
    let released = apply(&app, &t.token, &now).await;
    let fields = &released["diff"]["changes"][0]["fields"];
    assert!(fields.to_string().contains("tools.delete_repo"), "{released}");
    assert!(
        export(&app, &t.token)
            .await
            .0
            .contains("      delete_repo: \"approved\"\n")
    );
}

async fn call_get(app: &TestApp, token: &str, path: &str) -> (u16, serde_json::Value) {
    let res = app.get_as(path, token).await;
    let status = res.status().as_u16();
    (status, res.json().await.unwrap())
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn a_failure_midway_leaves_the_database_untouched(pool: PgPool) {
    let app = spawn_app(pool).await;
    let t = configured(&app).await;
    let (text, state) = export(&app, &t.token).await;
    // The fault: the last write of the apply (a new user) fails in the database.
    sqlx::query(
        "CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN IF NEW.email = 'boom@beta.test' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query("CREATE TRIGGER refuse_boom BEFORE INSERT ON hub_users FOR EACH ROW EXECUTE FUNCTION refuse_boom()")
        .execute(&app.pool)
        .await
        .unwrap();
    let edited = text
        .replace(
            "  - slug: \"beta\"\n    name: \"Beta\"",
            "  - slug: \"beta\"\n    name: \"Beta Renamed\"",
        )
        .replace("    timeout_ms: 10000\n", "    timeout_ms: 30000\n")
        .replace("\"bob@beta.test\"", "\"boom@beta.test\"");
    let (_, diff) = call(&app, &t.token, "/api/v1/config/diff", json!({ "document": edited })).await;
    assert!(diff["summary"]["updated"].as_u64().unwrap() >= 3, "{diff}");
    let snapshots_before = snapshot_count(&app).await;
    let changes = |actions: Vec<String>| actions.into_iter().filter(|a| a != "config.exported").count();
    let audit_before = changes(app.audit_actions().await);
    let res = app
        .send_as(
            "POST",
            "/api/v1/config/apply",
            &t.token,
            Some(json!({ "document": edited, "base_state": diff["base_state"] })),
        )
        .await;
    assert_eq!(res.status(), 500);
    let (after, after_state) = export(&app, &t.token).await;
    assert_eq!(after_state, state);
    assert_eq!(after, text);
    assert_eq!(snapshot_count(&app).await, snapshots_before);
    assert_eq!(changes(app.audit_actions().await), audit_before);
}

async fn snapshot_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM config_snapshots")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn renames_and_a_swap_keep_each_row(pool: PgPool) {
    let app = spawn_app(pool).await;
    let t = configured(&app).await;
    let (text, _) = export(&app, &t.token).await;
    let id_of = |name: &'static str| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, uuid::Uuid>("SELECT id FROM mcp_servers WHERE name = $1")
                .bind(name)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let (github, beta) = (id_of("github").await, id_of("beta-tools").await);

    // A rename: the row, its grants and its secret stay; the reference to the old name's
    // variable still stands for the row's own secret.
    let renamed = text
        .replace(
            "  - name: \"github\"\n",
            "  - name: \"gh\"\n    renamed_from: \"github\"\n",
        )
        .replace("      - \"github\"\n", "      - \"gh\"\n")
        .replace("      github:\n", "      gh:\n");
    let outcome = apply(&app, &t.token, &renamed).await;
    let changes = outcome["diff"]["changes"].as_array().unwrap();
    let server = changes.iter().find(|c| c["kind"] == "mcp_server").unwrap();
    assert_eq!(
        (server["key"].as_str(), server["renamed_from"].as_str()),
        (Some("gh"), Some("github")),
        "{changes:?}"
    );
    assert_eq!(id_of("gh").await, github);
    let (now, _) = export(&app, &t.token).await;
    assert!(now.contains("auth_header: \"${OMNI_SECRET_GH_AUTH_HEADER}\""), "{now}");
    assert!(
        now.contains("    permissions:\n      gh:\n"),
        "the grant followed: {now}"
    );
    // Re-applying the same file is a no-op: the rename is done.
    let (_, diff) = call(&app, &t.token, "/api/v1/config/diff", json!({ "document": renamed })).await;
    assert_eq!(diff["changes"], json!([]), "{diff}");

    // A swap of two names: each row takes the other's name, nothing collides.
    let swapped = now
        .replace(
            "  - name: \"beta-tools\"\n",
            "  - name: \"swap-tmp\"\n    renamed_from: \"beta-tools\"\n",
        )
        .replace(
            "  - name: \"gh\"\n",
            "  - name: \"beta-tools\"\n    renamed_from: \"gh\"\n",
        )
        .replace("  - name: \"swap-tmp\"\n", "  - name: \"gh\"\n");
    // Grants name servers: left as they were, Ada's grant would follow the name `gh` to
    // the other row, which is Beta's: refused.
    let (status, moved) = call(&app, &t.token, "/api/v1/config/diff", json!({ "document": swapped })).await;
    assert_eq!(status, 422, "{moved}");
    assert!(
        moved["errors"]["users[0].permissions.gh"][0]
            .as_str()
            .unwrap()
            .contains("belongs to organization `beta`"),
        "{moved}"
    );
    let swapped = swapped
        .replace("      - \"gh\"\n", "      - \"beta-tools\"\n")
        .replace("      gh:\n", "      beta-tools:\n");
    let (status, diff) = call(&app, &t.token, "/api/v1/config/diff", json!({ "document": swapped })).await;
    assert_eq!(status, 200, "{diff}");
    assert!(
        diff["changes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["kind"] == "mcp_server"),
        "{diff}"
    );
    let (status, outcome) = call(
        &app,
        &t.token,
        "/api/v1/config/apply",
        json!({ "document": swapped, "base_state": diff["base_state"] }),
    )
    .await;
    assert_eq!(status, 200, "{outcome}");
    assert_eq!(id_of("beta-tools").await, github);
    assert_eq!(id_of("gh").await, beta);

    // A rename that frees a name a new server takes: grants and allow-lists by that name
    // go to the new server, and the diff says so.
    let (text, _) = export(&app, &t.token).await;
    let fresh = "  - name: \"beta-tools\"\n    transport: \"stdio\"\n    command: \"npx\"\n    timeout_ms: 10000\n    degraded_threshold_ms: 2000\n    check_interval_seconds: 60\n    enabled: true\n    require_tool_approval: false\nusers:\n";
    let freed = text
        .replacen(
            "  - name: \"beta-tools\"\n",
            "  - name: \"bt-old\"\n    renamed_from: \"beta-tools\"\n",
            1,
        )
        .replace("users:\n", fresh);
    let outcome = apply(&app, &t.token, &freed).await;
    let changes: Vec<(String, String)> = outcome["diff"]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["kind"].as_str().unwrap().to_owned(),
                c["key"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("organization", "acme"),
        ("mcp_server", "beta-tools"),
        ("mcp_server", "bt-old"),
        ("hub_user", "acme/ada@acme.test"),
    ];
    assert_eq!(
        changes,
        expected.map(|(k, v)| (k.to_owned(), v.to_owned())),
        "{outcome}"
    );
    let granted: uuid::Uuid = sqlx::query_scalar("SELECT server_id FROM hub_user_grants WHERE user_id = $1::uuid")
        .bind(&t.ada)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(granted, id_of("beta-tools").await);
    assert_ne!(granted, github);

    // A rename from nothing is a typo, not a new server; names sharing a secret's
    // variable, or the apply's temporary prefix, are refused.
    let (text, _) = export(&app, &t.token).await;
    let typo = text.replace("  - name: \"gh\"\n", "  - name: \"gh2\"\n    renamed_from: \"gx\"\n");
    let (_, v) = call(&app, &t.token, "/api/v1/config/validate", json!({ "document": typo })).await;
    assert!(
        v["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("`gx` names no MCP server"),
        "{v}"
    );
    let res = app
        .send_as(
            "POST",
            "/api/v1/mcp-servers",
            &t.token,
            Some(json!({"name": "beta_tools", "transport": "stdio", "command": "x"})),
        )
        .await;
    assert_eq!(res.status(), 409);
    let res = app
        .send_as(
            "POST",
            "/api/v1/mcp-servers",
            &t.token,
            Some(json!({"name": "renaming.x", "transport": "stdio", "command": "x"})),
        )
        .await;
    assert_eq!(res.status(), 422);
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn secrets_resolve_from_the_applying_side_and_never_show(pool: PgPool) {
    let app = spawn_app(pool).await;
    let t = configured(&app).await;
    let (text, _) = export(&app, &t.token).await;
    let first = apply(&app, &t.token, &text).await;
    let first_snapshot = first["snapshot"]["id"].as_str().unwrap().to_owned();

    // A new value for the reference: shown as changed, never as itself.
    const NEW: &str = "Bearer rotated-value-7a1";
    let body = json!({ "document": text, "secrets": { "OMNI_SECRET_GITHUB_AUTH_HEADER": NEW } });
    let (_, diff) = call(&app, &t.token, "/api/v1/config/diff", body.clone()).await;
    let server = &diff["changes"][0];
    assert_eq!(
        server["fields"],
        json!([{"field": "auth_header", "old": true, "new": true, "secret": true}]),
        "{diff}"
    );
    let mut apply_body = body.clone();
    apply_body["base_state"] = diff["base_state"].clone();
    let (status, outcome) = call(&app, &t.token, "/api/v1/config/apply", apply_body).await;
    assert_eq!(status, 200, "{outcome}");

    // An unresolved reference is an error at its line.
    let unknown = text.replace("${OMNI_SECRET_GITHUB_AUTH_HEADER}", "${OMNI_SECRET_NOWHERE}");
    let (_, v) = call(
        &app,
        &t.token,
        "/api/v1/config/validate",
        json!({ "document": unknown }),
    )
    .await;
    assert_eq!(v["valid"], false);
    assert!(
        v["problems"][0]["message"].as_str().unwrap().contains("is not set"),
        "{v}"
    );
    // Another server's reference doesn't carry its secret over.
    let borrowed = text.replacen(
        "    auth_header: null\n",
        "    auth_header: \"${OMNI_SECRET_GITHUB_AUTH_HEADER}\"\n",
        1,
    );
    let (_, v) = call(
        &app,
        &t.token,
        "/api/v1/config/validate",
        json!({ "document": borrowed }),
    )
    .await;
    assert!(
        v["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("`github`'s auth header"),
        "{v}"
    );
    // Moving the URL to another origin needs the value again.
    let moved = text.replacen("http://127.0.0.1:9/mcp", "http://127.0.0.1:10/mcp", 2);
    let (_, v) = call(&app, &t.token, "/api/v1/config/validate", json!({ "document": moved })).await;
    assert!(
        v["problems"][0]["message"].as_str().unwrap().contains("another origin"),
        "{v}"
    );

    // Rolling back restores the first value too: nothing differs from that snapshot.
    let (_, preview) = call(
        &app,
        &t.token,
        &format!("/api/v1/config/snapshots/{first_snapshot}/rollback"),
        json!({ "dry_run": true }),
    )
    .await;
    assert_eq!(
        preview["diff"]["changes"][0]["fields"][0]["field"], "auth_header",
        "{preview}"
    );
    let (status, rolled) = call(
        &app,
        &t.token,
        &format!("/api/v1/config/snapshots/{first_snapshot}/rollback"),
        json!({ "base_state": preview["diff"]["base_state"] }),
    )
    .await;
    assert_eq!(status, 200, "{rolled}");
    assert_eq!(rolled["snapshot"]["source"], "rollback");
    assert_eq!(rolled["snapshot"]["rolled_back_to"], first_snapshot);
    let (_, compare) = call_get(
        &app,
        &t.token,
        &format!("/api/v1/config/snapshots/{first_snapshot}/diff"),
    )
    .await;
    assert_eq!(compare["changes"], json!([]), "{compare}");

    // Nowhere: not in answers above, the export, snapshots or the audit log.
    let (export_text, _) = export(&app, &t.token).await;
    let stored: String = sqlx::query_scalar("SELECT string_agg(document, ' ') FROM config_snapshots")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let audit: String = sqlx::query_scalar("SELECT string_agg(details::text, ' ') FROM admin_audit_log")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    for place in [
        export_text,
        stored,
        audit,
        diff.to_string(),
        outcome.to_string(),
        preview.to_string(),
        rolled.to_string(),
    ] {
        assert!(
            !place.contains("rotated-value") && !place.contains("s3cr3t"),
            "a secret leaked: {place}"
        );
    }
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn snapshots_list_compare_and_roll_back_exactly(pool: PgPool) {
    let app = spawn_app(pool).await;
    let t = configured(&app).await;
    let (original, original_state) = export(&app, &t.token).await;
    let first = apply(&app, &t.token, &original).await["snapshot"].clone();
    let edited = original.replacen("    timeout_ms: 10000\n", "    timeout_ms: 15000\n", 1);
    let second = apply(&app, &t.token, &edited).await["snapshot"].clone();

    // Console changes after the last apply are drift, listed three-way.
    let res = app
        .send_as(
            "PATCH",
            &format!("/api/v1/organizations/{}", t.acme),
            &t.token,
            Some(json!({"name": "Acme Corp"})),
        )
        .await;
    assert_eq!(res.status(), 200);
    let (_, status) = call_get(&app, &t.token, "/api/v1/config/status").await;
    assert_eq!(status["drifted"], true);
    assert_eq!(status["last_snapshot"]["id"], second["id"]);
    assert_eq!(status["console_changes"][0]["key"], "acme", "{status}");
    let (_, diff) = call(&app, &t.token, "/api/v1/config/diff", json!({ "document": edited })).await;
    assert_eq!(diff["console_changes"][0]["fields"][0]["new"], "Acme Corp", "{diff}");

    let (_, page) = call_get(&app, &t.token, "/api/v1/config/snapshots?limit=1").await;
    assert_eq!(page["items"][0]["id"], second["id"]);
    let cursor = page["next_cursor"].as_str().unwrap();
    let (_, next) = call_get(
        &app,
        &t.token,
        &format!("/api/v1/config/snapshots?limit=1&cursor={cursor}"),
    )
    .await;
    assert_eq!(next["items"][0]["id"], first["id"]);
    assert!(next.get("next_cursor").is_none());

    let (_, one) = call_get(
        &app,
        &t.token,
        &format!("/api/v1/config/snapshots/{}", first["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(one["document"], original);
    let (_, compare) = call_get(
        &app,
        &t.token,
        &format!(
            "/api/v1/config/snapshots/{}/diff?to={}",
            first["id"].as_str().unwrap(),
            second["id"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(
        compare["changes"][0]["fields"],
        json!([{"field": "timeout_ms", "old": 10000, "new": 15000}])
    );

    let path = format!("/api/v1/config/snapshots/{}/rollback", first["id"].as_str().unwrap());
    let (_, preview) = call(&app, &t.token, &path, json!({ "dry_run": true })).await;
    assert_eq!(preview["applied"], false);
    assert_eq!(
        preview["diff"]["summary"]["updated"], 2,
        "the timeout and the console's name: {preview}"
    );
    let (status, _) = call(&app, &t.token, &path, json!({ "base_state": "stale" })).await;
    assert_eq!(status, 409);
    let (status, rolled) = call(
        &app,
        &t.token,
        &path,
        json!({ "base_state": preview["diff"]["base_state"] }),
    )
    .await;
    assert_eq!(status, 200, "{rolled}");
    let (text, state) = export(&app, &t.token).await;
    assert_eq!(text, original);
    assert_eq!(state, original_state);
    let (_, status) = call_get(&app, &t.token, "/api/v1/config/status").await;
    assert_eq!(status["drifted"], false);
    assert_eq!(status["last_snapshot"]["source"], "rollback");
    let (code, _) = call_get(
        &app,
        &t.token,
        "/api/v1/config/snapshots/00000000-0000-7000-8000-000000000000",
    )
    .await;
    assert_eq!(code, 404);
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn applying_needs_the_write_permission_of_each_kind_it_changes(pool: PgPool) {
    let app = spawn_app(pool).await;
    let t = configured(&app).await;
    let (text, _) = export(&app, &t.token).await;
    // A token that may write configuration and MCP servers, not users.
    let (status, token) = call(
        &app,
        &t.token,
        "/api/v1/api-tokens",
        json!({ "name": "ci", "permissions": ["config:read", "config:write", "mcp:write"] }),
    )
    .await;
    assert_eq!(status, 201, "{token}");
    let ci = token["secret"].as_str().unwrap();
    let servers_only = text.replace("    timeout_ms: 10000\n", "    timeout_ms: 11000\n");
    apply(&app, ci, &servers_only).await;
    let users_too = servers_only.replace("    name: \"Ada\"\n", "    name: \"Ada L.\"\n");
    let (_, diff) = call(&app, ci, "/api/v1/config/diff", json!({ "document": users_too })).await;
    let (status, p) = call(
        &app,
        ci,
        "/api/v1/config/apply",
        json!({ "document": users_too, "base_state": diff["base_state"] }),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(p["missing_permission"], "users:write");
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn the_cli_validates_diffs_and_applies_with_exit_codes(pool: PgPool) {
    let app = spawn_app(pool).await;
    let t = configured(&app).await;
    let (text, _) = export(&app, &t.token).await;
    let (base, token) = (app.base.clone(), t.token.clone());
    let cli = move |args: Vec<String>| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_omni-admin"));
        command
            .args(args)
            .env("OMNI_SERVER", &base)
            .env("OMNI_TOKEN", &token)
            .env_remove("DATABASE_URL");
        async move {
            tokio::task::spawn_blocking(move || command.output().unwrap())
                .await
                .unwrap()
        }
    };
    let dir = std::env::temp_dir().join(format!("omni-config-cli-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = |name: &str, content: &str| {
        let path = dir.join(name);
        std::fs::write(&path, content).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let args = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let same = file("same.yaml", &text);
    let edited = file(
        "edited.yaml",
        &text.replacen("    timeout_ms: 10000\n", "    timeout_ms: 25000\n", 1),
    );
    let invalid = file(
        "invalid.yaml",
        &text.replace("    timeout_ms: 10000\n", "    timeout_ms: 5\n"),
    );

    let out = cli(args(&["config", "validate", &same])).await;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let out = cli(args(&["config", "validate", &invalid])).await;
    assert_eq!(out.status.code(), Some(3));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!("{invalid}:")) && stdout.contains("timeout_ms"),
        "{stdout}"
    );

    let out = cli(args(&["config", "diff", &same, "--exit-code"])).await;
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("No changes."));
    let out = cli(args(&["config", "diff", &edited, "--exit-code"])).await;
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("~ update mcp_server beta-tools") && stdout.contains("timeout_ms: 10000 → 25000"),
        "{stdout}"
    );
    let out = cli(args(&["config", "diff", &edited, "--json"])).await;
    assert_eq!(out.status.code(), Some(0));
    let diff: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(diff["summary"]["updated"], 1);
    let out = cli(args(&["config", "diff", &invalid])).await;
    assert_eq!(out.status.code(), Some(3));

    let out = cli(args(&["config", "apply", &edited, "-m", "commit abc123"])).await;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Applied: snapshot"));
    let (_, page) = call_get(&app, &t.token, "/api/v1/config/snapshots").await;
    assert_eq!(page["items"][0]["source"], "file");
    assert_eq!(page["items"][0]["message"], "commit abc123");
    let out = cli(args(&["config", "diff", &edited, "--exit-code"])).await;
    assert_eq!(out.status.code(), Some(0), "applied: no changes left");
    let out = cli(args(&["config", "apply", &dir.join("missing.yaml").to_string_lossy()])).await;
    assert_eq!(out.status.code(), Some(1));
    let _ = std::fs::remove_dir_all(&dir);
}
