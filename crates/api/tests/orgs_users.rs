//! Organizations, hub users, their grants and `can-call` (SPEC ORG-1..4, USER-1, USER-2,
//! USER-4), over real HTTP against a fresh database, with tools discovered from a real
//! MCP server.

mod common;

use common::mcp::{self, Knobs, tool};
use common::{TestApp, problem, spawn_app};
use rmcp::model::ToolAnnotations;
use serde_json::{Value, json};
use sqlx::PgPool;

async fn app(pool: PgPool) -> (TestApp, String) {
    let app = spawn_app(pool).await;
    let token = app.owner_token().await;
    (app, token)
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let res = app.send_as("POST", path, token, Some(body)).await;
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert!(status.is_success(), "POST {path} → {status}: {body}");
    body
}

/// A PATCH that must succeed; its answer.
async fn patch(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let res = app.send_as("PATCH", path, token, Some(body)).await;
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert_eq!(status, 200, "PATCH {path}: {body}");
    body
}

async fn get_json(app: &TestApp, token: &str, path: &str) -> Value {
    let res = app.get_as(path, token).await;
    assert_eq!(res.status(), 200, "{path}");
    res.json().await.unwrap()
}

/// One field of every item of a list page.
fn column(page: &Value, field: &str) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item[field].as_str().unwrap().to_owned())
        .collect()
}

async fn org(app: &TestApp, token: &str, slug: &str) -> String {
    let body = json!({ "name": format!("{slug} Inc."), "slug": slug });
    post(app, token, "/api/v1/organizations", body).await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn user(app: &TestApp, token: &str, org: &str, email: &str) -> String {
    let body = json!({ "name": email, "email": email, "organization_id": org });
    post(app, token, "/api/v1/users", body).await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Registers a real MCP server offering `echo`, `add` and a read-only `ls`, checks it
/// (which discovers the tools) and returns its id.
async fn mcp_server(app: &TestApp, token: &str, name: &str, extra: Value) -> String {
    let knobs = Knobs::with_tools(&[]);
    knobs.set_tools(vec![
        tool("echo", "Echo the text"),
        tool("add", "Add numbers"),
        tool("ls", "List").annotate(ToolAnnotations::new().read_only(true)),
    ]);
    let endpoint = mcp::start(knobs).await;
    let mut body = json!({ "name": name, "transport": "streamable_http", "url": endpoint });
    body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    let id = post(app, token, "/api/v1/mcp-servers", body).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let checked = post(app, token, &format!("/api/v1/mcp-servers/{id}/health-check"), json!({})).await;
    assert_eq!(checked["server"]["tool_count"], 3, "{checked}");
    id
}

async fn grant(app: &TestApp, token: &str, user: &str, grants: Value) -> reqwest::Response {
    app.send_as(
        "PUT",
        &format!("/api/v1/users/{user}/permissions"),
        token,
        Some(json!({ "grants": grants })),
    )
    .await
}

async fn can_call(app: &TestApp, token: &str, user: &str, server: &str, tool: &str) -> (bool, String) {
    let answer = get_json(
        app,
        token,
        &format!("/api/v1/authz/can-call?user={user}&server={server}&tool={tool}"),
    )
    .await;
    (
        answer["allowed"].as_bool().unwrap(),
        answer["reason"].as_str().unwrap().to_owned(),
    )
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn organizations_validate_page_and_audit(pool: PgPool) {
    let (app, token) = app(pool).await;
    let acme = post(
        &app,
        &token,
        "/api/v1/organizations",
        json!({ "name": " Acme ", "slug": "acme", "plan": "business",
                "settings": { "monthly_budget_cents": 50000, "rate_limit_per_minute": 600 } }),
    )
    .await;
    assert_eq!(acme["name"], "Acme");
    assert_eq!(acme["status"], "active");
    assert_eq!(acme["settings"]["monthly_budget_cents"], 50000);
    assert_eq!(acme["settings"]["allowed_mcp_servers"], Value::Null);
    assert_eq!(acme["user_count"], 0);

    let taken = problem(
        app.send_as(
            "POST",
            "/api/v1/organizations",
            &token,
            Some(json!({ "name": "Other", "slug": "acme" })),
        )
        .await,
        409,
    )
    .await;
    assert!(taken["errors"]["slug"].is_array(), "{taken}");

    let bad = problem(
        app.send_as(
            "POST",
            "/api/v1/organizations",
            &token,
            Some(json!({ "name": "", "slug": "Not A Slug", "plan": "free",
                         "settings": { "monthly_budget_cents": -1, "rate_limit_per_minute": 0,
                                       "allowed_mcp_servers": ["00000000-0000-7000-8000-000000000000"] } })),
        )
        .await,
        422,
    )
    .await;
    for field in [
        "name",
        "slug",
        "settings.monthly_budget_cents",
        "settings.rate_limit_per_minute",
        "settings.allowed_mcp_servers",
    ] {
        assert!(bad["errors"][field].is_array(), "{field}: {bad}");
    }
    let bad_plan = problem(
        app.send_as(
            "POST",
            "/api/v1/organizations",
            &token,
            Some(json!({ "name": "X", "slug": "x", "plan": "platinum" })),
        )
        .await,
        422,
    )
    .await;
    assert!(bad_plan["errors"]["plan"].is_array(), "{bad_plan}");

    for slug in ["beta", "gamma", "delta"] {
        org(&app, &token, slug).await;
    }
    let page1 = get_json(&app, &token, "/api/v1/organizations?limit=2&sort=slug").await;
    let slugs = |page: &Value| column(page, "slug");
    assert_eq!(slugs(&page1), ["acme", "beta"]);
    let cursor = page1["next_cursor"].as_str().unwrap();
    let page2 = get_json(
        &app,
        &token,
        &format!("/api/v1/organizations?limit=2&sort=slug&cursor={cursor}"),
    )
    .await;
    assert_eq!(slugs(&page2), ["delta", "gamma"]);
    assert!(page2["next_cursor"].is_null());
    let other_sort = problem(
        app.get_as(&format!("/api/v1/organizations?sort=-name&cursor={cursor}"), &token)
            .await,
        422,
    )
    .await;
    assert!(other_sort["errors"]["cursor"].is_array());
    let business = get_json(&app, &token, "/api/v1/organizations?plan=business&q=acm").await;
    assert_eq!(slugs(&business), ["acme"]);
    problem(app.get_as("/api/v1/organizations?status=zombie", &token).await, 422).await;

    let id = acme["id"].as_str().unwrap();
    let res = app
        .send_as(
            "PATCH",
            &format!("/api/v1/organizations/{id}"),
            &token,
            Some(json!({ "slug": "beta" })),
        )
        .await;
    problem(res, 409).await;
    let renamed = app
        .send_as(
            "PATCH",
            &format!("/api/v1/organizations/{id}"),
            &token,
            Some(json!({ "name": "Acme Corp", "settings": { "rate_limit_per_minute": 60, "monthly_budget_cents": null } })),
        )
        .await;
    assert_eq!(renamed.status(), 200);
    let renamed: Value = renamed.json().await.unwrap();
    assert_eq!(renamed["name"], "Acme Corp");
    assert_eq!(renamed["plan"], "business", "absent fields keep their value");
    assert_eq!(renamed["settings"]["rate_limit_per_minute"], 60);
    assert_eq!(renamed["settings"]["monthly_budget_cents"], Value::Null, "null clears");
    let res = app
        .send_as(
            "PATCH",
            &format!("/api/v1/organizations/{id}"),
            &token,
            Some(json!({ "settings": { "monthly_budget_cents": 900 } })),
        )
        .await;
    let patched: Value = res.json().await.unwrap();
    assert_eq!(patched["settings"]["monthly_budget_cents"], 900);
    assert_eq!(patched["settings"]["rate_limit_per_minute"], 60, "absent keeps");

    get_json(&app, &token, &format!("/api/v1/organizations/{id}")).await;
    let actions = app.audit_actions().await;
    for action in ["organization.created", "organization.updated", "organization.viewed"] {
        assert!(actions.iter().any(|a| a == action), "{action} in {actions:?}");
    }
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn suspension_needs_a_reason_and_shows_everywhere(pool: PgPool) {
    let (app, token) = app(pool).await;
    let acme = org(&app, &token, "acme").await;
    let ada = user(&app, &token, &acme, "ada@acme.test").await;
    let suspend = format!("/api/v1/organizations/{acme}/suspend");

    for body in [json!({ "reason": "  " }), json!({ "reason": "x".repeat(501) })] {
        let res = app.send_as("POST", &suspend, &token, Some(body)).await;
        assert!(problem(res, 422).await["errors"]["reason"].is_array());
    }
    problem(app.send_as("POST", &suspend, &token, Some(json!({}))).await, 422).await;
    let suspended = post(&app, &token, &suspend, json!({ "reason": "Unpaid invoice INV-7" })).await;
    assert_eq!(suspended["status"], "suspended");
    assert_eq!(suspended["status_reason"], "Unpaid invoice INV-7");
    assert!(suspended["status_changed_at"].is_string());
    let again = app
        .send_as("POST", &suspend, &token, Some(json!({ "reason": "twice" })))
        .await;
    assert!(problem(again, 409).await["errors"]["status"].is_array());

    // The user shows their organization's suspension.
    let shown = get_json(&app, &token, &format!("/api/v1/users/{ada}")).await;
    assert_eq!(shown["organization"]["status"], "suspended");
    assert_eq!(shown["organization"]["status_reason"], "Unpaid invoice INV-7");

    post(
        &app,
        &token,
        &format!("/api/v1/organizations/{acme}/activate"),
        json!({ "reason": "Paid" }),
    )
    .await;
    let history = get_json(&app, &token, &format!("/api/v1/organizations/{acme}/status-history")).await;
    let changes: Vec<(&str, &str)> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["status"].as_str().unwrap(), c["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(changes, [("active", "Paid"), ("suspended", "Unpaid invoice INV-7")]);
    assert_eq!(history["items"][0]["changed_by"], "owner@example.com");
    let actions = app.audit_actions().await;
    assert!(actions.iter().any(|a| a == "organization.suspended"));
    assert!(actions.iter().any(|a| a == "organization.activated"));
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn users_validate_filter_and_audit(pool: PgPool) {
    let (app, token) = app(pool).await;
    let acme = org(&app, &token, "acme").await;
    let beta = org(&app, &token, "beta").await;
    let ada = post(
        &app,
        &token,
        "/api/v1/users",
        json!({ "name": "Ada", "email": "Ada@Acme.test", "organization_id": acme, "role": "admin",
                "external_ids": { "slack": "U024BE7LH" } }),
    )
    .await;
    assert_eq!(ada["email"], "ada@acme.test");
    assert_eq!(ada["organization"]["slug"], "acme");
    assert_eq!(ada["external_ids"]["slack"], "U024BE7LH");

    let dup = app
        .send_as(
            "POST",
            "/api/v1/users",
            &token,
            Some(json!({ "name": "Ada 2", "email": "ADA@acme.test", "organization_id": acme })),
        )
        .await;
    assert!(problem(dup, 409).await["errors"]["email"].is_array());
    // The same email in another organization is another user.
    user(&app, &token, &beta, "ada@acme.test").await;
    let dup_id = app
        .send_as(
            "POST",
            "/api/v1/users",
            &token,
            Some(
                json!({ "name": "Bob", "email": "bob@acme.test", "organization_id": acme,
                         "external_ids": { "slack": "U024BE7LH" } }),
            ),
        )
        .await;
    assert!(problem(dup_id, 409).await["errors"]["external_ids"].is_array());

    let bad = app
        .send_as(
            "POST",
            "/api/v1/users",
            &token,
            Some(
                json!({ "name": "", "email": "not-an-email", "organization_id": "00000000-0000-7000-8000-000000000000",
                         "external_ids": { "Bad Provider": "x" } }),
            ),
        )
        .await;
    let bad = problem(bad, 422).await;
    for field in ["name", "email", "organization_id", "external_ids"] {
        assert!(bad["errors"][field].is_array(), "{field}: {bad}");
    }
    let bad_role = app
        .send_as(
            "POST",
            "/api/v1/users",
            &token,
            Some(json!({ "name": "X", "email": "x@acme.test", "organization_id": acme, "role": "king" })),
        )
        .await;
    assert!(problem(bad_role, 422).await["errors"]["role"].is_array());
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM hub_users")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(count, 2, "failed writes leave nothing behind");

    for email in ["carol@acme.test", "dave@acme.test", "erin@acme.test"] {
        user(&app, &token, &acme, email).await;
    }
    let id = ada["id"].as_str().unwrap();
    let disabled = app
        .send_as(
            "PATCH",
            &format!("/api/v1/users/{id}"),
            &token,
            Some(json!({ "enabled": false })),
        )
        .await;
    assert_eq!(disabled.status(), 200);
    let emails = |page: &Value| column(page, "email");
    let in_acme = get_json(
        &app,
        &token,
        &format!("/api/v1/users?organization={acme}&sort=email&limit=3"),
    )
    .await;
    assert_eq!(emails(&in_acme), ["ada@acme.test", "carol@acme.test", "dave@acme.test"]);
    let cursor = in_acme["next_cursor"].as_str().unwrap();
    let rest = get_json(
        &app,
        &token,
        &format!("/api/v1/users?organization={acme}&sort=email&limit=3&cursor={cursor}"),
    )
    .await;
    assert_eq!(emails(&rest), ["erin@acme.test"]);
    let off = get_json(&app, &token, "/api/v1/users?enabled=false").await;
    assert_eq!(emails(&off), ["ada@acme.test"]);
    let admins = get_json(&app, &token, "/api/v1/users?role=admin").await;
    assert_eq!(emails(&admins), ["ada@acme.test"]);
    let found = get_json(&app, &token, "/api/v1/users?q=DAV&sort=-created_at").await;
    assert_eq!(emails(&found), ["dave@acme.test"]);
    problem(app.get_as("/api/v1/users?sort=age", &token).await, 422).await;
    // Crafted cursors (a year PostgreSQL refuses, a NUL) are 422s, not 500s.
    use base64::Engine;
    for key in [
        json!([
            "created_at",
            "0000-01-01T00:00:00Z",
            "00000000-0000-7000-8000-000000000000"
        ]),
        json!(["name", "a\0b", "00000000-0000-7000-8000-000000000000"]),
    ] {
        let cursor = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key.to_string());
        let sort = key[0].as_str().unwrap();
        let res = app
            .get_as(&format!("/api/v1/users?sort={sort}&cursor={cursor}"), &token)
            .await;
        assert!(problem(res, 422).await["errors"]["cursor"].is_array());
    }
    let nul_email = app
        .send_as(
            "POST",
            "/api/v1/users",
            &token,
            Some(json!({ "name": "N", "email": "n\0@acme.test", "organization_id": acme })),
        )
        .await;
    assert!(problem(nul_email, 422).await["errors"]["email"].is_array());

    let res = app
        .send_as("DELETE", &format!("/api/v1/users/{id}"), &token, None)
        .await;
    assert_eq!(res.status(), 204);
    problem(app.get_as(&format!("/api/v1/users/{id}"), &token).await, 404).await;
    let actions = app.audit_actions().await;
    for action in ["hub_user.created", "hub_user.disabled", "hub_user.deleted"] {
        assert!(actions.iter().any(|a| a == action), "{action} in {actions:?}");
    }
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn csv_import_is_all_or_nothing(pool: PgPool) {
    let (app, token) = app(pool).await;
    let acme = org(&app, &token, "acme").await;
    user(&app, &token, &acme, "taken@acme.test").await;
    let import = |dry_run: bool, csv: &'static str| {
        let app = &app;
        let token = &token;
        async move {
            app.client
                .post(app.url(&format!("/api/v1/users/import?dry_run={dry_run}")))
                .bearer_auth(token)
                .header("content-type", "text/csv")
                .body(csv)
                .send()
                .await
                .unwrap()
        }
    };
    let users = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM hub_users")
            .fetch_one(&app.pool)
            .await
            .unwrap()
    };
    let one_bad_row = "email,name,organization,role,external_ids\n\
                       ada@acme.test,Ada,acme,admin,slack:U1\n\
                       bob@acme.test,Bob,acme,member,\n\
                       not-an-email,Carol,acme,member,\n\
                       dave@acme.test,Dave,acme,,github:dave\n";
    let res = import(false, one_bad_row).await;
    let body = problem(res, 422).await;
    assert_eq!(body["errors"]["lines[4].email"][0], "is not an email address", "{body}");
    assert_eq!(users().await, 1, "nothing imported");

    let many_problems = "email,name,organization,enabled\n\
                         ada@acme.test,Ada,acme,true\n\
                         ada@acme.test,Ada again,acme,true\n\
                         taken@acme.test,Taken,acme,true\n\
                         x@acme.test,X,nowhere,maybe\n\
                         short,row\n";
    let res = import(true, many_problems).await;
    assert_eq!(res.status(), 200);
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["rows"], 4, "{report}");
    assert_eq!(report["created"], 0);
    let problems: Vec<(u64, Option<&str>)> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["line"].as_u64().unwrap(), p["column"].as_str()))
        .collect();
    assert_eq!(
        problems,
        [
            (3, Some("email")),
            (4, Some("email")),
            (5, Some("enabled")),
            (5, Some("organization")),
            (6, None)
        ],
        "{report}"
    );
    assert_eq!(users().await, 1);

    let good = "email,name,organization,role,external_ids\n\
                ada@acme.test,Ada,acme,admin,slack:U1\n\
                bob@acme.test,Bob,acme,viewer,slack:U2;github:bob\n";
    let res = import(true, good).await;
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["problems"], json!([]));
    assert_eq!(users().await, 1, "a dry run imports nothing");
    let res = import(false, good).await;
    assert_eq!(res.status(), 201);
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["created"], 2);
    assert_eq!(users().await, 3);
    let bob = get_json(&app, &token, "/api/v1/users?q=bob").await;
    assert_eq!(bob["items"][0]["role"], "viewer");
    assert_eq!(bob["items"][0]["external_ids"]["github"], "bob");
    assert!(app.audit_actions().await.iter().any(|a| a == "hub_user.imported"));
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn can_call_resolves_every_rule(pool: PgPool) {
    let (app, token) = app(pool).await;
    let acme = org(&app, &token, "acme").await;
    let beta = org(&app, &token, "beta").await;
    let ada = user(&app, &token, &acme, "ada@acme.test").await;
    let tools = mcp_server(&app, &token, "tools", json!({})).await;
    let other = mcp_server(&app, &token, "other", json!({})).await;
    let betas = mcp_server(&app, &token, "betas", json!({ "organization_id": beta })).await;

    // Nothing granted yet.
    assert_eq!(
        can_call(&app, &token, &ada, &tools, "echo").await,
        (false, "no_grant".into())
    );

    // Grants are checked: unknown server, unknown tool, `*` with others, twice, another
    // organization's server.
    let res = grant(
        &app,
        &token,
        &ada,
        json!([
            { "server_id": "00000000-0000-7000-8000-000000000000", "tools": ["*"] },
            { "server_id": tools, "tools": ["echo", "nope"] },
            { "server_id": other, "tools": ["*", "echo"] },
            { "server_id": betas, "tools": ["*"] },
            { "server_id": other, "tools": ["add"] },
        ]),
    )
    .await;
    let body = problem(res, 422).await;
    for field in [
        "grants[0].server_id",
        "grants[1].tools",
        "grants[2].tools",
        "grants[3].server_id",
        "grants[4].server_id",
    ] {
        assert!(body["errors"][field].is_array(), "{field}: {body}");
    }
    assert_eq!(can_call(&app, &token, &ada, &tools, "echo").await.1, "no_grant");

    let res = grant(
        &app,
        &token,
        &ada,
        json!([{ "server_id": tools, "tools": ["echo", "ls"] }, { "server_id": other, "tools": ["*"] }]),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        can_call(&app, &token, &ada, &tools, "echo").await,
        (true, "granted".into())
    );
    assert_eq!(
        can_call(&app, &token, &ada, "tools", "add").await,
        (false, "tool_not_granted".into()),
        "by name"
    );
    assert_eq!(
        can_call(&app, &token, &ada, &other, "add").await,
        (true, "granted_all".into())
    );
    assert_eq!(can_call(&app, &token, &ada, &other, "missing").await.1, "unknown_tool");
    assert_eq!(
        can_call(&app, &token, &ada, &betas, "echo").await.1,
        "server_of_other_organization"
    );

    // A viewer calls only read-only tools.
    let ada_path = format!("/api/v1/users/{ada}");
    let patch_ada = |body: Value| app.send_as("PATCH", &ada_path, &token, Some(body));
    assert_eq!(patch_ada(json!({ "role": "viewer" })).await.status(), 200);
    assert_eq!(can_call(&app, &token, &ada, &tools, "echo").await.1, "viewer_read_only");
    assert_eq!(
        can_call(&app, &token, &ada, &tools, "ls").await,
        (true, "granted".into())
    );
    assert_eq!(patch_ada(json!({ "role": "member" })).await.status(), 200);

    // The organization's allow-list wins over the user's grant.
    patch(
        &app,
        &token,
        &format!("/api/v1/organizations/{acme}"),
        json!({ "settings": { "allowed_mcp_servers": [tools] } }),
    )
    .await;
    assert_eq!(can_call(&app, &token, &ada, &tools, "echo").await.1, "granted");
    assert_eq!(
        can_call(&app, &token, &ada, &other, "add").await.1,
        "organization_restriction"
    );

    // The effective view says the same, tool by tool.
    let effective = get_json(&app, &token, &format!("/api/v1/users/{ada}/effective-permissions")).await;
    assert_eq!(effective["blocked"], Value::Null);
    assert_eq!(effective["allowed_tool_count"], 2, "{effective}");
    let servers: Vec<(&str, &str)> = effective["servers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["server_name"].as_str().unwrap(), s["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(
        servers,
        [("other", "organization_restriction"), ("tools", "granted")],
        "another organization's server is not listed"
    );

    // A disabled server, a disabled user, a suspended organization.
    let res = app
        .send_as(
            "PATCH",
            &format!("/api/v1/mcp-servers/{tools}"),
            &token,
            Some(json!({ "enabled": false })),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(can_call(&app, &token, &ada, &tools, "echo").await.1, "server_disabled");
    patch(
        &app,
        &token,
        &format!("/api/v1/mcp-servers/{tools}"),
        json!({ "enabled": true }),
    )
    .await;
    assert_eq!(patch_ada(json!({ "enabled": false })).await.status(), 200);
    assert_eq!(can_call(&app, &token, &ada, &tools, "echo").await.1, "user_disabled");
    assert_eq!(patch_ada(json!({ "enabled": true })).await.status(), 200);
    post(
        &app,
        &token,
        &format!("/api/v1/organizations/{acme}/suspend"),
        json!({ "reason": "Fraud review" }),
    )
    .await;
    let answer = get_json(
        &app,
        &token,
        &format!("/api/v1/authz/can-call?user={ada}&server={tools}&tool=echo"),
    )
    .await;
    assert_eq!(answer["reason"], "organization_suspended");
    assert!(answer["detail"].as_str().unwrap().contains("Fraud review"));
    let effective = get_json(&app, &token, &format!("/api/v1/users/{ada}/effective-permissions")).await;
    assert_eq!(effective["blocked"], "organization_suspended");
    assert_eq!(effective["allowed_tool_count"], 0);

    // Bad questions.
    let missing = problem(app.get_as("/api/v1/authz/can-call?user=x", &token).await, 422).await;
    for field in ["user", "server", "tool"] {
        assert!(missing["errors"][field].is_array(), "{field}: {missing}");
    }
    problem(
        app.get_as(
            &format!("/api/v1/authz/can-call?user={ada}&server=nowhere&tool=echo"),
            &token,
        )
        .await,
        404,
    )
    .await;
    problem(
        app.get_as(
            "/api/v1/authz/can-call?user=00000000-0000-7000-8000-000000000000&server=tools&tool=echo",
            &token,
        )
        .await,
        404,
    )
    .await;
    assert!(
        app.audit_actions()
            .await
            .iter()
            .any(|a| a == "hub_user.permissions_replaced")
    );
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn servers_belong_to_organizations(pool: PgPool) {
    let (app, token) = app(pool).await;
    let acme = org(&app, &token, "acme").await;
    let beta = org(&app, &token, "beta").await;
    let ada = user(&app, &token, &acme, "ada@acme.test").await;
    let shared = mcp_server(&app, &token, "shared", json!({})).await;
    let unknown_owner = app
        .send_as(
            "POST",
            "/api/v1/mcp-servers",
            &token,
            Some(json!({ "name": "x", "transport": "stdio", "command": "npx",
                         "organization_id": "00000000-0000-7000-8000-000000000000" })),
        )
        .await;
    assert!(problem(unknown_owner, 422).await["errors"]["organization_id"].is_array());
    let res = grant(&app, &token, &ada, json!([{ "server_id": shared, "tools": ["*"] }])).await;
    assert_eq!(res.status(), 200);
    let impact = get_json(&app, &token, &format!("/api/v1/mcp-servers/{shared}/impact")).await;
    assert_eq!(impact["users_with_grants"], 1);

    let names = |page: &Value| column(page, "name");
    let owned = post(
        &app,
        &token,
        "/api/v1/mcp-servers",
        json!({ "name": "betas", "transport": "stdio", "command": "npx", "organization_id": beta }),
    )
    .await;
    assert_eq!(owned["organization"]["slug"], "beta");
    let global = get_json(&app, &token, "/api/v1/mcp-servers?organization=global").await;
    assert_eq!(names(&global), ["shared"]);
    let of_beta = get_json(&app, &token, &format!("/api/v1/mcp-servers?organization={beta}")).await;
    assert_eq!(names(&of_beta), ["betas"]);
    let for_acme = get_json(&app, &token, &format!("/api/v1/mcp-servers?visible_to={acme}")).await;
    assert_eq!(names(&for_acme), ["shared"]);

    // An organization that owns servers cannot be deleted; one that owns none takes its
    // users with it.
    let res = app
        .send_as("DELETE", &format!("/api/v1/organizations/{beta}"), &token, None)
        .await;
    assert!(problem(res, 409).await["errors"]["servers"].is_array());

    // Moving the server to beta drops acme's grants on it.
    patch(
        &app,
        &token,
        &format!("/api/v1/mcp-servers/{shared}"),
        json!({ "organization_id": beta }),
    )
    .await;
    let grants = get_json(&app, &token, &format!("/api/v1/users/{ada}/permissions")).await;
    assert_eq!(grants, json!([]));
    let back = app
        .send_as(
            "PATCH",
            &format!("/api/v1/mcp-servers/{shared}"),
            &token,
            Some(json!({ "organization_id": null })),
        )
        .await;
    let back: Value = back.json().await.unwrap();
    assert_eq!(back["organization"], Value::Null);

    let impact = get_json(&app, &token, &format!("/api/v1/organizations/{acme}/impact")).await;
    assert_eq!(impact["user_count"], 1);
    let res = app
        .send_as("DELETE", &format!("/api/v1/organizations/{acme}"), &token, None)
        .await;
    assert_eq!(res.status(), 204);
    problem(app.get_as(&format!("/api/v1/users/{ada}"), &token).await, 404).await;
}

/// The in-memory answers (`access_cache`) and the database's are the same, question by
/// question, over every rule; a change made behind the API's back is heard through
/// NOTIFY; and a killed LISTEN connection comes back.
#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn the_access_cache_agrees_with_the_database(pool: PgPool) {
    use omni_admin::access_cache::Snapshot;
    use omni_admin::db::hub_grants;
    use omni_admin::hub_access::decide;

    let (app, token) = app(pool).await;
    let acme = org(&app, &token, "acme").await;
    let beta = org(&app, &token, "beta").await;
    let tools = mcp_server(&app, &token, "tools", json!({})).await;
    let other = mcp_server(&app, &token, "other", json!({})).await;
    let betas = mcp_server(&app, &token, "betas", json!({ "organization_id": beta })).await;
    let mut users = Vec::new();
    for (i, (org, role, enabled)) in [
        (&acme, "member", true),
        (&acme, "viewer", true),
        (&acme, "member", false),
        (&beta, "admin", true),
    ]
    .into_iter()
    .enumerate()
    {
        let body = json!({ "name": "U", "email": format!("u{i}@x.test"), "organization_id": org,
                           "role": role, "enabled": enabled });
        let id = post(&app, &token, "/api/v1/users", body).await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let grants = if *org == beta {
            json!([{ "server_id": betas, "tools": ["*"] }, { "server_id": other, "tools": ["add"] }])
        } else {
            json!([{ "server_id": tools, "tools": ["echo", "ls"] }, { "server_id": other, "tools": ["*"] }])
        };
        assert_eq!(grant(&app, &token, &id, grants).await.status(), 200);
        users.push(id.parse::<uuid::Uuid>().unwrap());
    }
    let restrict = json!({ "settings": { "allowed_mcp_servers": [tools] } });
    let res = app
        .send_as(
            "PATCH",
            &format!("/api/v1/organizations/{acme}"),
            &token,
            Some(restrict),
        )
        .await;
    assert_eq!(res.status(), 200);

    let snapshot = Snapshot::load(&app.pool, 0).await.unwrap();
    let mut compared = 0;
    for user in &users {
        for server in [&tools, &other, &betas] {
            let id = server.parse::<uuid::Uuid>().unwrap();
            for tool in ["echo", "add", "ls", "missing"] {
                let from_db = hub_grants::call_facts(&app.pool, *user, (Some(id), None), tool)
                    .await
                    .unwrap()
                    .unwrap();
                let cached = snapshot.call_facts(*user, (Some(id), None), tool).unwrap();
                assert_eq!(
                    decide(&from_db.caller, &from_db.server, tool, from_db.tool),
                    decide(&cached.caller, &cached.server, tool, cached.tool),
                    "{user} {server} {tool}"
                );
                compared += 1;
            }
        }
    }
    assert_eq!(compared, 48);

    // Behind the API's back: the app hears it and answers accordingly.
    let member = users[0];
    assert_eq!(
        can_call(&app, &token, &member.to_string(), &tools, "echo").await.1,
        "granted"
    );
    app.write_behind(async {
        sqlx::query("UPDATE organizations SET status = 'suspended', status_reason = 'by SQL' WHERE slug = 'acme'")
            .execute(&app.pool)
            .await
            .unwrap();
    })
    .await;
    assert_eq!(
        can_call(&app, &token, &member.to_string(), &tools, "echo").await.1,
        "organization_suspended"
    );

    // The LISTEN connection killed: it is re-established (a marker sent afterwards is
    // heard again).
    let killed: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                               WHERE query ILIKE 'LISTEN%' AND datname = current_database()) k",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(killed, 1);
    let mut heard_again = false;
    for attempt in 0..250 {
        let marker = format!("after-kill-{attempt}");
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(omni_admin::access_cache::CHANNEL)
            .bind(&marker)
            .execute(&app.pool)
            .await
            .unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        if app.access.is_listening() && app.access.last_heard() == marker {
            heard_again = true;
            break;
        }
    }
    assert!(heard_again, "the LISTEN connection did not come back");
    app.write_behind(async {
        sqlx::query("UPDATE organizations SET status = 'active' WHERE slug = 'acme'")
            .execute(&app.pool)
            .await
            .unwrap();
    })
    .await;
    assert_eq!(
        can_call(&app, &token, &member.to_string(), &tools, "echo").await.1,
        "granted"
    );
}
