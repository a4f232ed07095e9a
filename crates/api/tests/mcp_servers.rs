//! MCP servers (SPEC MCP-1..4) against real MCP servers: the official SDK's server side
//! over Streamable HTTP on 127.0.0.1:0, checked by the admin plane's real MCP client.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use common::mcp::{self, Knobs, tool};
use common::{TestApp, problem, spawn_app};
use omni_admin::jobs::health::HealthJob;
use serde_json::{Value, json};
use sqlx::PgPool;

const SECRET: &str = "Bearer sk-test-7c1d2e9f4b3a5d6e8f0a1b2c";

/// Every log line of this test binary, at every level, to look for secrets in.
fn logs() -> &'static Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let sink = buffer.clone();
        let _ = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .json()
            .with_writer(move || Writer(sink.clone()))
            .try_init();
        buffer
    })
}

struct Writer(Arc<Mutex<Vec<u8>>>);

impl Write for Writer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

async fn app(pool: PgPool) -> (TestApp, String) {
    logs();
    let app = spawn_app(pool).await;
    let token = app.owner_token().await;
    (app, token)
}

async fn register(app: &TestApp, token: &str, body: Value) -> Value {
    let res = app.send_as("POST", "/api/v1/mcp-servers", token, Some(body)).await;
    assert_eq!(res.status(), 201);
    res.json().await.unwrap()
}

async fn check(app: &TestApp, token: &str, id: &str) -> Value {
    let res = app
        .send_as("POST", &format!("/api/v1/mcp-servers/{id}/health-check"), token, None)
        .await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

async fn get_json(app: &TestApp, token: &str, path: &str) -> Value {
    let res = app.get_as(path, token).await;
    assert_eq!(res.status(), 200, "{path}");
    res.json().await.unwrap()
}

fn id(server: &Value) -> String {
    server["id"].as_str().unwrap().to_owned()
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn registry_validates_and_pages(pool: PgPool) {
    let (app, token) = app(pool).await;
    let body = problem(
        app.send_as(
            "POST",
            "/api/v1/mcp-servers",
            &token,
            Some(
                json!({ "name": "Bad Name", "transport": "streamable_http", "url": "ftp://x",
                         "timeout_ms": 50, "check_interval_seconds": 1, "tags": ["Not OK"],
                         "auth_header_name": "Mcp-Session-Id" }),
            ),
        )
        .await,
        422,
    )
    .await;
    for field in [
        "name",
        "url",
        "timeout_ms",
        "check_interval_seconds",
        "tags",
        "auth_header_name",
    ] {
        assert!(body["errors"][field].is_array(), "{field}: {body}");
    }
    let body = problem(
        app.send_as(
            "POST",
            "/api/v1/mcp-servers",
            &token,
            Some(json!({ "name": "hub-run", "transport": "stdio" })),
        )
        .await,
        422,
    )
    .await;
    assert!(body["errors"]["command"].is_array());
    assert_eq!(
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM mcp_servers")
            .fetch_one(&app.pool)
            .await
            .unwrap(),
        0,
        "nothing is written by a refused request"
    );

    for (name, tag) in [("alpha", "prod"), ("beta", "dev"), ("gamma", "prod")] {
        register(
            &app,
            &token,
            json!({ "name": name, "transport": "streamable_http", "url": format!("https://{name}.example.com/mcp"),
                    "tags": [tag], "enabled": name != "beta" }),
        )
        .await;
    }
    let taken = problem(
        app.send_as(
            "POST",
            "/api/v1/mcp-servers",
            &token,
            Some(json!({ "name": "alpha", "transport": "stdio", "command": "npx" })),
        )
        .await,
        409,
    )
    .await;
    assert!(taken["errors"]["name"].is_array());

    let page = get_json(&app, &token, "/api/v1/mcp-servers?limit=2").await;
    let names: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["alpha", "beta"]);
    let cursor = page["next_cursor"].as_str().unwrap();
    let rest = get_json(&app, &token, &format!("/api/v1/mcp-servers?limit=2&cursor={cursor}")).await;
    assert_eq!(rest["items"][0]["name"], "gamma");
    assert!(rest["next_cursor"].is_null());

    let prod = get_json(&app, &token, "/api/v1/mcp-servers?tag=prod&sort=-name").await;
    let names: Vec<&str> = prod["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["gamma", "alpha"]);
    let disabled = get_json(&app, &token, "/api/v1/mcp-servers?status=disabled").await;
    assert_eq!(disabled["items"].as_array().unwrap().len(), 1);
    assert_eq!(disabled["items"][0]["name"], "beta");
    let unknown = get_json(&app, &token, "/api/v1/mcp-servers?q=amm&status=unknown").await;
    assert_eq!(unknown["items"][0]["name"], "gamma");
    let body = problem(
        app.get_as("/api/v1/mcp-servers?sort=colour&status=sleepy", &token)
            .await,
        422,
    )
    .await;
    assert!(body["errors"]["sort"].is_array() && body["errors"]["status"].is_array());
    // A NUL in a search is a field error on every list, never a database error.
    for path in [
        "/api/v1/mcp-servers?q=a%00b",
        "/api/v1/admins?q=a%00b",
        "/api/v1/audit?q=a%00b",
    ] {
        let body = problem(app.get_as(path, &token).await, 422).await;
        assert!(body["errors"]["q"].is_array(), "{path}: {body}");
    }

    // Switching transport drops the other transport's fields.
    let alpha = get_json(&app, &token, "/api/v1/mcp-servers?q=alpha").await["items"][0].clone();
    let res = app
        .send_as(
            "PATCH",
            &format!("/api/v1/mcp-servers/{}", id(&alpha)),
            &token,
            Some(json!({ "transport": "stdio", "command": "npx", "args": ["-y", "@example/mcp"] })),
        )
        .await;
    assert_eq!(res.status(), 200);
    let patched: Value = res.json().await.unwrap();
    assert_eq!(
        (patched["url"].clone(), patched["command"].clone()),
        (Value::Null, json!("npx"))
    );
    assert!(
        patched["next_check_at"].is_null(),
        "the hub, not the admin plane, watches stdio servers"
    );
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn a_check_finds_the_server_up_with_all_its_tools(pool: PgPool) {
    let (app, token) = app(pool).await;
    let mut knobs = Knobs::with_tools(&["a", "b", "c", "d", "e"]);
    knobs.page_size = 2;
    knobs.require = Some(("Authorization".into(), SECRET.into()));
    let url = mcp::start(knobs.clone()).await;
    let server = register(
        &app,
        &token,
        json!({ "name": "paged", "transport": "streamable_http", "url": url, "auth_header": SECRET }),
    )
    .await;
    assert_eq!(server["auth_header_set"], true);
    assert_eq!(server["status"], "unknown");

    let result = check(&app, &token, &id(&server)).await;
    assert_eq!(result["check"]["status"], "up", "{result}");
    assert_eq!(
        result["check"]["tool_count"], 5,
        "three pages of tools/list, cursors followed"
    );
    assert_eq!(result["server"]["status"], "up");
    assert_eq!(result["server"]["server_name"], "test-mcp");
    assert_eq!(result["server"]["server_version"], "9.9.9");
    assert!(result["server"]["protocol_version"].as_str().unwrap().starts_with("20"));
    assert_eq!(result["server"]["tool_count"], 5);
    assert!(knobs.seen_auth.lock().unwrap().iter().all(|v| v == SECRET));
    assert!(
        !knobs.seen_auth.lock().unwrap().is_empty(),
        "the auth header reached the server"
    );

    let tools = get_json(
        &app,
        &token,
        &format!("/api/v1/mcp-servers/{}/tools?limit=3", id(&server)),
    )
    .await;
    let names: Vec<&str> = tools["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["a", "b", "c"]);
    assert_eq!(tools["items"][0]["input_schema"]["type"], "object");
    assert_eq!(tools["items"][0]["status"], "approved");
    let found = get_json(
        &app,
        &token,
        &format!("/api/v1/mcp-servers/{}/tools?q=The%20e", id(&server)),
    )
    .await;
    assert_eq!(found["items"].as_array().unwrap().len(), 1);
    let history = get_json(
        &app,
        &token,
        &format!("/api/v1/mcp-servers/{}/health-checks", id(&server)),
    )
    .await;
    assert_eq!(history["items"].as_array().unwrap().len(), 1);
    assert_eq!(history["items"][0]["source"], "check");

    // The secret is nowhere it could leak: responses, audit log, logs.
    for path in [
        "/api/v1/mcp-servers".to_owned(),
        format!("/api/v1/mcp-servers/{}", id(&server)),
        format!("/api/v1/mcp-servers/{}/health-checks", id(&server)),
        format!("/api/v1/mcp-servers/{}/tools", id(&server)),
        "/api/v1/audit".to_owned(),
        "/api/v1/audit/export".to_owned(),
    ] {
        let text = app.get_as(&path, &token).await.text().await.unwrap();
        assert!(!text.contains("sk-test-7c1d"), "{path} leaks the auth header");
    }
    let audit: Vec<String> = sqlx::query_scalar("SELECT details::text FROM admin_audit_log")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert!(audit.iter().all(|d| !d.contains("sk-test-7c1d")));
    assert!(!result.to_string().contains("sk-test-7c1d"));
    let logged = String::from_utf8_lossy(&logs().lock().unwrap()).into_owned();
    assert!(!logged.is_empty(), "logs are captured");
    assert!(!logged.contains("sk-test-7c1d"), "a log line carries the auth header");
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn slow_timeout_auth_and_not_mcp(pool: PgPool) {
    let (app, token) = app(pool).await;
    let slow = Knobs::with_tools(&["t"]);
    slow.set_delay(Duration::from_millis(150));
    let hung = Knobs::with_tools(&["t"]);
    hung.set_delay(Duration::from_secs(5));
    let mut locked = Knobs::with_tools(&["t"]);
    locked.require = Some(("X-Api-Key".into(), "right".into()));
    let cases = [
        (
            "slow",
            mcp::start(slow).await,
            json!({ "degraded_threshold_ms": 100 }),
            "degraded",
            "slower than",
        ),
        (
            "hung",
            mcp::start(hung).await,
            json!({ "timeout_ms": 500, "degraded_threshold_ms": 100 }),
            "down",
            "no answer to initialize within 500 ms",
        ),
        (
            "locked",
            mcp::start(locked).await,
            json!({ "auth_header_name": "X-Api-Key", "auth_header": "wrong" }),
            "auth_required",
            "401",
        ),
        (
            "webpage",
            mcp::start_not_mcp().await,
            json!({}),
            "down",
            "not an MCP endpoint",
        ),
        (
            "nobody",
            mcp::nothing_listening().await,
            json!({}),
            "down",
            "could not connect",
        ),
    ];
    for (name, url, extra, status, error) in cases {
        let mut body = json!({ "name": name, "transport": "streamable_http", "url": url });
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        let server = register(&app, &token, body).await;
        let result = check(&app, &token, &id(&server)).await;
        assert_eq!(result["check"]["status"], status, "{name}: {result}");
        let text = result["check"]["error"].as_str().unwrap_or_default();
        assert!(text.contains(error), "{name}: `{text}` lacks `{error}`");
        assert_eq!(result["server"]["last_error"], result["check"]["error"]);
    }
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn a_server_that_comes_back_is_up_again(pool: PgPool) {
    let (app, token) = app(pool).await;
    let knobs = Knobs::with_tools(&["t"]);
    let url = mcp::start(knobs.clone()).await;
    let server = register(
        &app,
        &token,
        json!({ "name": "flaky", "transport": "streamable_http", "url": url }),
    )
    .await;
    knobs.set_failing(true);
    for _ in 0..2 {
        assert_eq!(check(&app, &token, &id(&server)).await["check"]["status"], "down");
    }
    let failures: i32 = sqlx::query_scalar("SELECT consecutive_failures FROM mcp_servers")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(failures, 2);
    let backoff: f64 =
        sqlx::query_scalar("SELECT extract(epoch FROM next_check_at - last_checked_at)::float8 FROM mcp_servers")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(
        backoff >= 119.0,
        "the second failure waits twice the interval, got {backoff}s"
    );
    // A failed check keeps the tools the server last offered.
    knobs.set_failing(false);
    let result = check(&app, &token, &id(&server)).await;
    assert_eq!(result["check"]["status"], "up");
    assert!(result["server"]["last_error"].is_null());
    let failures: i32 = sqlx::query_scalar("SELECT consecutive_failures FROM mcp_servers")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(failures, 0);
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn a_changed_tool_list_is_recorded_with_its_diff(pool: PgPool) {
    let (app, token) = app(pool).await;
    let knobs = Knobs::with_tools(&["keep", "edit", "gone"]);
    let url = mcp::start(knobs.clone()).await;
    let server = register(
        &app,
        &token,
        json!({ "name": "shifty", "transport": "streamable_http", "url": url }),
    )
    .await;
    let first = check(&app, &token, &id(&server)).await;
    assert_eq!(
        first["tool_changes"].as_array().unwrap().len(),
        3,
        "first sight: three tools added"
    );

    knobs.set_tools(vec![
        tool("keep", "The keep tool"),
        tool("edit", "Now it deletes your files"),
        tool("fresh", "The fresh tool"),
    ]);
    let second = check(&app, &token, &id(&server)).await;
    let mut changes: Vec<(String, String)> = second["tool_changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["tool_name"].as_str().unwrap().to_owned(),
                c["kind"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    changes.sort();
    assert_eq!(
        changes,
        [
            ("edit".into(), "changed".into()),
            ("fresh".into(), "added".into()),
            ("gone".into(), "removed".into())
        ]
    );
    let listed = get_json(
        &app,
        &token,
        &format!("/api/v1/mcp-servers/{}/tool-changes?limit=3", id(&server)),
    )
    .await;
    let edit = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["tool_name"] == "edit")
        .unwrap()
        .clone();
    assert_eq!(edit["fields"], json!(["description"]));
    assert_eq!(edit["before"]["description"], "The edit tool");
    assert_eq!(edit["after"]["description"], "Now it deletes your files");
    assert_eq!(edit["status"], "applied");
    let third = check(&app, &token, &id(&server)).await;
    assert!(
        third["tool_changes"].as_array().unwrap().is_empty(),
        "no change, no record"
    );
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn approval_holds_new_and_changed_tools_until_an_admin_decides(pool: PgPool) {
    let (app, token) = app(pool).await;
    let knobs = Knobs::with_tools(&["read", "write"]);
    let url = mcp::start(knobs.clone()).await;
    let server = register(
        &app,
        &token,
        json!({ "name": "guarded", "transport": "streamable_http", "url": url, "require_tool_approval": true }),
    )
    .await;
    let sid = id(&server);
    let result = check(&app, &token, &sid).await;
    assert_eq!(result["server"]["pending_tool_changes"], 2);
    let pending = get_json(&app, &token, &format!("/api/v1/mcp-servers/{sid}/tools?status=pending")).await;
    assert_eq!(pending["items"].as_array().unwrap().len(), 2);

    let change_of = |name: &str| {
        result["tool_changes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["tool_name"] == name)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let decide = |change: String, status: &str| {
        let (app, token, sid) = (&app, &token, &sid);
        let body = json!({ "status": status });
        async move {
            app.send_as(
                "PATCH",
                &format!("/api/v1/mcp-servers/{sid}/tool-changes/{change}"),
                token,
                Some(body),
            )
            .await
        }
    };
    let approved: Value = decide(change_of("read"), "approved").await.json().await.unwrap();
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["decided_by"], "owner@example.com");
    assert_eq!(decide(change_of("write"), "rejected").await.status(), 200);
    problem(decide(change_of("write"), "approved").await, 409).await;
    problem(decide(change_of("read"), "pending").await, 422).await;
    let tools = get_json(&app, &token, &format!("/api/v1/mcp-servers/{sid}/tools")).await;
    let statuses: Vec<(&str, &str)> = tools["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["name"].as_str().unwrap(), t["status"].as_str().unwrap()))
        .collect();
    assert_eq!(statuses, [("read", "approved"), ("write", "rejected")]);

    // The server swaps an approved tool's description: it waits for approval again.
    knobs.set_tools(vec![
        tool("read", "Reads, and also sends your data away"),
        tool("write", "The write tool"),
    ]);
    let swapped = check(&app, &token, &sid).await;
    assert_eq!(swapped["tool_changes"].as_array().unwrap().len(), 1);
    let tools = get_json(&app, &token, &format!("/api/v1/mcp-servers/{sid}/tools?q=read")).await;
    assert_eq!(tools["items"][0]["status"], "pending");
    // Then a harmless-looking change on top: the diff to approve still starts from the
    // approved definition, and the first change is superseded, not decided.
    knobs.set_tools(vec![
        tool("read", "Reads, and sends your data away."),
        tool("write", "The write tool"),
    ]);
    let hidden = check(&app, &token, &sid).await;
    let change = &hidden["tool_changes"][0];
    assert_eq!(change["before"]["description"], "The read tool", "{change}");
    assert_eq!(change["status"], "pending");
    let first = swapped["tool_changes"][0]["id"].as_str().unwrap().to_owned();
    let body = problem(decide(first, "approved").await, 409).await;
    assert!(body["detail"].as_str().unwrap().contains("superseded"), "{body}");
    // Back to the approved definition: approved again without a decision.
    knobs.set_tools(vec![tool("read", "The read tool"), tool("write", "The write tool")]);
    check(&app, &token, &sid).await;
    let tools = get_json(&app, &token, &format!("/api/v1/mcp-servers/{sid}/tools?q=read")).await;
    assert_eq!(tools["items"][0]["status"], "approved");

    // Turning approval off releases what waits, decided by whoever turned it off.
    knobs.set_tools(vec![
        tool("read", "The read tool"),
        tool("write", "The write tool"),
        tool("new", "New"),
    ]);
    check(&app, &token, &sid).await;
    let res = app
        .send_as(
            "PATCH",
            &format!("/api/v1/mcp-servers/{sid}"),
            &token,
            Some(json!({ "require_tool_approval": false })),
        )
        .await;
    assert_eq!(res.status(), 200);
    let released: Value = res.json().await.unwrap();
    assert_eq!(released["pending_tool_changes"], 0);
    let tools = get_json(&app, &token, &format!("/api/v1/mcp-servers/{sid}/tools?q=new")).await;
    assert_eq!(tools["items"][0]["status"], "approved");
    let actions = app.audit_actions().await;
    for action in [
        "mcp_tool_change.approved",
        "mcp_tool_change.rejected",
        "mcp_server.health_checked",
    ] {
        assert!(actions.contains(&action.to_owned()), "{action}");
    }
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn only_one_scheduler_runs_the_checks(pool: PgPool) {
    let (app, token) = app(pool).await;
    let url = mcp::start(Knobs::with_tools(&["t"])).await;
    for name in ["one", "two", "three"] {
        register(
            &app,
            &token,
            json!({ "name": name, "transport": "streamable_http", "url": url }),
        )
        .await;
    }
    let job = || HealthJob {
        db: app.pool.clone(),
        sealer: omni_admin::crypto::Sealer::new(&[0; 32]),
        http: omni_admin::mcp::check::http_client(),
        concurrency: 4,
    };
    let (a, b) = (job(), job());
    let lead = a.try_lead().await.unwrap().expect("the first scheduler takes the lock");
    assert!(b.try_lead().await.unwrap().is_none(), "the second one does not");
    drop(lead);
    // The lock goes with its connection; closing is asynchronous, so ask until it is free.
    let mut taken = None;
    for _ in 0..50 {
        taken = b.try_lead().await.unwrap();
        if taken.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let taken = taken.expect("the lock is free once its holder is gone");
    drop(taken);

    // Both run; every due server is checked exactly once.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let runs = [
        tokio::spawn(job().run(stopped.clone())),
        tokio::spawn(job().run(stopped)),
    ];
    let mut checks = 0;
    for _ in 0..100 {
        checks = sqlx::query_scalar::<_, i64>("SELECT count(*) FROM mcp_health_checks")
            .fetch_one(&app.pool)
            .await
            .unwrap();
        if checks >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(checks, 3);
    // Another tick of both schedulers: nothing is due, nothing is checked twice.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let per_server: Vec<i64> = sqlx::query_scalar("SELECT count(*) FROM mcp_health_checks GROUP BY server_id")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(per_server, [1, 1, 1]);
    stop.send(true).unwrap();
    for run in runs {
        run.await.unwrap();
    }
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn the_hub_reports_stdio_health_and_deletion_shows_its_impact(pool: PgPool) {
    let (app, token) = app(pool).await;
    let stdio = register(
        &app,
        &token,
        json!({ "name": "files", "transport": "stdio", "command": "npx", "args": ["-y", "@mcp/files"] }),
    )
    .await;
    problem(
        app.send_as(
            "POST",
            &format!("/api/v1/mcp-servers/{}/health-check", id(&stdio)),
            &token,
            None,
        )
        .await,
        409,
    )
    .await;
    // The hub's token carries only what it needs.
    let minted: Value = app
        .send_as(
            "POST",
            "/api/v1/api-tokens",
            &token,
            Some(json!({ "name": "hub", "permissions": ["mcp:report"] })),
        )
        .await
        .json()
        .await
        .unwrap();
    let hub = minted["secret"].as_str().unwrap();
    let report = json!({ "status": "up", "latency_ms": 12, "server_name": "files", "server_version": "1.0.0" });
    let res = app
        .send_as(
            "POST",
            &format!("/api/v1/mcp-servers/{}/health-reports", id(&stdio)),
            hub,
            Some(report),
        )
        .await;
    assert_eq!(res.status(), 201);
    let server = get_json(&app, &token, &format!("/api/v1/mcp-servers/{}", id(&stdio))).await;
    assert_eq!(
        (server["status"].as_str(), server["last_latency_ms"].as_i64()),
        (Some("up"), Some(12))
    );
    problem(app.get_as("/api/v1/mcp-servers", hub).await, 403).await;
    let body = problem(
        app.send_as(
            "POST",
            &format!("/api/v1/mcp-servers/{}/health-reports", id(&stdio)),
            hub,
            Some(json!({ "status": "disabled" })),
        )
        .await,
        422,
    )
    .await;
    assert!(body["errors"]["status"].is_array());

    let url = mcp::start(Knobs::with_tools(&["x", "y"])).await;
    let http = register(
        &app,
        &token,
        json!({ "name": "doomed", "transport": "streamable_http", "url": url }),
    )
    .await;
    problem(
        app.send_as(
            "POST",
            &format!("/api/v1/mcp-servers/{}/health-reports", id(&http)),
            hub,
            Some(json!({ "status": "up" })),
        )
        .await,
        409,
    )
    .await;
    check(&app, &token, &id(&http)).await;
    let impact = get_json(&app, &token, &format!("/api/v1/mcp-servers/{}/impact", id(&http))).await;
    assert_eq!(
        (impact["tool_count"].as_i64(), impact["health_check_count"].as_i64()),
        (Some(2), Some(1))
    );
    let res = app
        .send_as("DELETE", &format!("/api/v1/mcp-servers/{}", id(&http)), &token, None)
        .await;
    assert_eq!(res.status(), 204);
    problem(
        app.get_as(&format!("/api/v1/mcp-servers/{}", id(&http)), &token).await,
        404,
    )
    .await;
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM mcp_tools")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(left, 0, "its tools went with it");
    let actions = app.audit_actions().await;
    for action in ["mcp_server.created", "mcp_server.health_reported", "mcp_server.deleted"] {
        assert!(actions.contains(&action.to_owned()), "{action}");
    }
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn a_stored_secret_never_follows_the_url_elsewhere(pool: PgPool) {
    let (app, token) = app(pool).await;
    let server = register(
        &app,
        &token,
        json!({ "name": "keyed", "transport": "streamable_http", "url": "https://mcp.example.com/mcp",
                "auth_header": SECRET }),
    )
    .await;
    let path = format!("/api/v1/mcp-servers/{}", id(&server));
    // Same origin, another path: the secret stays.
    let res = app
        .send_as(
            "PATCH",
            &path,
            &token,
            Some(json!({ "url": "https://mcp.example.com/v2/mcp" })),
        )
        .await;
    assert_eq!(res.status(), 200);
    // Another host, scheme or port: it must be given again, or removed.
    for url in [
        "https://evil.example.net/mcp",
        "http://mcp.example.com/v2/mcp",
        "https://mcp.example.com:8443/mcp",
    ] {
        let body = problem(
            app.send_as("PATCH", &path, &token, Some(json!({ "url": url }))).await,
            422,
        )
        .await;
        assert!(body["errors"]["auth_header"].is_array(), "{url}: {body}");
    }
    let moved = app
        .send_as(
            "PATCH",
            &path,
            &token,
            Some(json!({ "url": "https://other.example.net/mcp", "auth_header": "Bearer another-key-123" })),
        )
        .await;
    assert_eq!(moved.status(), 200);
    let removed: Value = app
        .send_as(
            "PATCH",
            &path,
            &token,
            Some(json!({ "url": "https://third.example.org/mcp", "auth_header": null })),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(removed["auth_header_set"], false);
    let metadata = json!({ "name": "meta", "transport": "streamable_http", "url": "http://169.254.169.254/latest" });
    let body = problem(
        app.send_as("POST", "/api/v1/mcp-servers", &token, Some(metadata)).await,
        422,
    )
    .await;
    assert!(body["errors"]["url"].is_array());
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn a_check_of_settings_since_changed_is_dropped(pool: PgPool) {
    let (app, token) = app(pool).await;
    let url = mcp::start(Knobs::with_tools(&["t"])).await;
    let server = register(
        &app,
        &token,
        json!({ "name": "moving", "transport": "streamable_http", "url": url }),
    )
    .await;
    let sid: uuid::Uuid = id(&server).parse().unwrap();
    let target = omni_admin::db::mcp_health::target(&app.pool, sid)
        .await
        .unwrap()
        .unwrap();
    let sealer = omni_admin::crypto::Sealer::new(&[0; 32]);
    let outcome = omni_admin::mcp::check::run(
        &omni_admin::mcp::check::http_client(),
        &omni_admin::mcp::target(&target, &sealer).unwrap(),
    )
    .await;
    assert!(outcome.tools.is_some());
    // While it ran, an admin pointed the server elsewhere.
    let elsewhere = json!({ "url": "https://elsewhere.example.com/mcp" });
    let res = app
        .send_as("PATCH", &format!("/api/v1/mcp-servers/{sid}"), &token, Some(elsewhere))
        .await;
    assert_eq!(res.status(), 200);
    let mut tx = app.pool.begin().await.unwrap();
    let recorded = omni_admin::mcp::record(&mut tx, &target, outcome).await.unwrap();
    tx.commit().await.unwrap();
    assert!(matches!(recorded, omni_admin::mcp::Recorded::Changed), "{recorded:?}");
    let tools: i64 = sqlx::query_scalar("SELECT count(*) FROM mcp_tools")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(tools, 0, "the old endpoint's tools are not the new one's");

    // A cursor continues the order it came from, and no other.
    for name in ["a1", "a2"] {
        register(
            &app,
            &token,
            json!({ "name": name, "transport": "stdio", "command": "npx" }),
        )
        .await;
    }
    let page = get_json(&app, &token, "/api/v1/mcp-servers?limit=1&sort=name").await;
    let cursor = page["next_cursor"].as_str().unwrap();
    let other = format!("/api/v1/mcp-servers?limit=1&sort=created_at&cursor={cursor}");
    let body = problem(app.get_as(&other, &token).await, 422).await;
    assert!(body["errors"]["cursor"].is_array());
    let same = format!("/api/v1/mcp-servers?limit=1&sort=name&cursor={cursor}");
    assert_eq!(app.get_as(&same, &token).await.status(), 200);
}
