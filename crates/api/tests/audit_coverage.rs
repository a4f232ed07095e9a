//! Every mutating route writes an audit entry (SPEC AUDIT-2). The routes come from the
//! OpenAPI document the router generates, so a new POST/PUT/PATCH/DELETE route without a
//! scenario here fails this test until someone shows it is audited.

mod common;

use common::{PASSWORD, TestApp, config, spawn_with};
use reqwest::header::COOKIE;
use serde_json::{Value, json};
use sqlx::PgPool;

/// Mutating routes that write no entry, and why.
const NOT_AUDITED: &[(&str, &str, &str)] = &[
    (
        "POST",
        "/api/v1/auth/refresh",
        "rotates a session token; reuse (theft) is audited",
    ),
    (
        "POST",
        "/api/v1/events",
        "usage data the hub pushes, not a change to the hub: counted in metrics, refusals kept as dead letters",
    ),
    (
        "POST",
        "/api/v1/config/validate",
        "checks a document sent in the body; reads, changes nothing",
    ),
    (
        "POST",
        "/api/v1/config/diff",
        "computes what a document would change; reads, changes nothing",
    ),
];

/// A dead letter: an event naming no organization; returns the letter's id.
async fn dead_letter(app: &TestApp, owner: &str) -> String {
    let event = json!({
        "id": uuid::Uuid::now_v7(), "time": chrono::Utc::now(), "organization": "nobody", "user": "a@b.c",
        "server": "none", "tool": "t", "status": "ok", "latency_ms": 1,
    });
    let report: Value = app
        .client
        .post(app.url("/api/v1/events"))
        .bearer_auth(owner)
        .json(&json!({ "events": [event] }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(report["rejected"], 1, "{report}");
    let letters: Value = app
        .client
        .get(app.url("/api/v1/events/dead-letters"))
        .bearer_auth(owner)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    letters["items"][0]["id"].as_str().unwrap().to_owned()
}

async fn audit_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM admin_audit_log")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn admin_id(app: &TestApp, email: &str) -> String {
    sqlx::query_scalar::<_, uuid::Uuid>("SELECT id FROM admins WHERE email = $1")
        .bind(email)
        .fetch_one(&app.pool)
        .await
        .unwrap()
        .to_string()
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Signs `email` in (as support) and starts an MFA enrolment: (access token, TOTP).
async fn enrolling(app: &TestApp, email: &str) -> (String, totp_rs::Totp) {
    app.admin(email, "support").await;
    let token = app.login(email).await.access_token;
    let enrolment: Value = app
        .client
        .post(app.url("/api/v1/auth/mfa/enrolment"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let secret = totp_rs::Secret::try_from_base32(enrolment["secret"].as_str().unwrap()).unwrap();
    let totp = totp_rs::Builder::new()
        .with_secret(secret)
        .with_skew(1)
        .build_noncompliant();
    (token, totp)
}

/// Like `enrolling`, with the enrolment confirmed.
async fn enrolled(app: &TestApp, email: &str) -> (String, totp_rs::Totp) {
    let (token, totp) = enrolling(app, email).await;
    let res = app
        .client
        .post(app.url("/api/v1/auth/mfa/enrolment/confirm"))
        .bearer_auth(&token)
        .json(&json!({ "code": totp.generate(now()).to_string() }))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    (token, totp)
}

/// Sets up what the route needs, then returns the request that exercises it.
async fn scenario(app: &TestApp, owner: &str, method: &str, path: &str) -> Option<reqwest::RequestBuilder> {
    let c = &app.client;
    let url = |p: String| app.url(&p);
    Some(match (method, path) {
        ("POST", "/api/v1/auth/login") => c
            .post(app.url(path))
            .json(&json!({ "email": "owner@example.com", "password": PASSWORD })),
        ("POST", "/api/v1/auth/logout") => {
            let session = app.login("owner@example.com").await;
            c.post(app.url(path)).header(COOKIE, session.refresh_cookie)
        }
        ("PUT", "/api/v1/auth/password") => {
            app.admin("changer@example.com", "support").await;
            let token = app.login("changer@example.com").await.access_token;
            c.put(app.url(path))
                .bearer_auth(token)
                .json(&json!({ "current_password": PASSWORD, "new_password": "a different long phrase" }))
        }
        ("POST", "/api/v1/api-tokens") => c
            .post(app.url(path))
            .bearer_auth(owner)
            .json(&json!({ "name": "ci", "permissions": ["audit:read"] })),
        ("DELETE", "/api/v1/api-tokens/{id}") => {
            let created: Value = c
                .post(app.url("/api/v1/api-tokens"))
                .bearer_auth(owner)
                .json(&json!({ "name": "doomed", "permissions": ["audit:read"] }))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            c.delete(url(format!(
                "/api/v1/api-tokens/{}",
                created["token"]["id"].as_str().unwrap()
            )))
            .bearer_auth(owner)
        }
        ("POST", "/api/v1/admins") => c
            .post(app.url(path))
            .bearer_auth(owner)
            .json(&json!({ "email": "new@example.com", "roles": ["support"] })),
        ("PATCH", "/api/v1/admins/{id}") => {
            app.admin("patched@example.com", "support").await;
            let id = admin_id(app, "patched@example.com").await;
            c.patch(url(format!("/api/v1/admins/{id}")))
                .bearer_auth(owner)
                .json(&json!({ "disabled": true }))
        }
        ("POST", "/api/v1/admins/{id}/password-reset") => {
            app.admin("forgetful@example.com", "support").await;
            let id = admin_id(app, "forgetful@example.com").await;
            c.post(url(format!("/api/v1/admins/{id}/password-reset")))
                .bearer_auth(owner)
        }
        ("POST", "/api/v1/roles") => c
            .post(app.url(path))
            .bearer_auth(owner)
            .json(&json!({ "name": "fresh", "permissions": ["audit:read"] })),
        ("PATCH", "/api/v1/roles/{id}") | ("DELETE", "/api/v1/roles/{id}") => {
            let created: Value = c
                .post(app.url("/api/v1/roles"))
                .bearer_auth(owner)
                .json(&json!({ "name": format!("r-{}", method.to_lowercase()), "permissions": [] }))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let role = url(format!("/api/v1/roles/{}", created["id"].as_str().unwrap()));
            match method {
                "PATCH" => c
                    .patch(role)
                    .bearer_auth(owner)
                    .json(&json!({ "description": "edited" })),
                _ => c.delete(role).bearer_auth(owner),
            }
        }
        ("POST", "/api/v1/auth/mfa/enrolment") => {
            app.admin("enrolling@example.com", "support").await;
            let token = app.login("enrolling@example.com").await.access_token;
            c.post(app.url(path)).bearer_auth(token)
        }
        ("POST", "/api/v1/auth/mfa/enrolment/confirm") => {
            let (token, totp) = enrolling(app, "confirming@example.com").await;
            c.post(app.url(path))
                .bearer_auth(token)
                .json(&json!({ "code": totp.generate(now()).to_string() }))
        }
        ("POST", "/api/v1/auth/mfa/backup-codes") => {
            let (token, totp) = enrolled(app, "regenerating@example.com").await;
            let code = totp.generate(now() + 30).to_string();
            c.post(app.url(path)).bearer_auth(token).json(&json!({ "code": code }))
        }
        ("POST", "/api/v1/auth/login/mfa") => {
            let (_, totp) = enrolled(app, "second-step@example.com").await;
            let first: Value = app
                .post_login("second-step@example.com", PASSWORD)
                .await
                .json()
                .await
                .unwrap();
            let challenge = first["mfa_challenge"].as_str().unwrap().to_owned();
            c.post(app.url(path))
                .json(&json!({ "challenge": challenge, "code": totp.generate(now() + 30).to_string() }))
        }
        ("DELETE", "/api/v1/admins/{id}/mfa") => {
            enrolled(app, "lost-phone@example.com").await;
            let id = admin_id(app, "lost-phone@example.com").await;
            c.delete(url(format!("/api/v1/admins/{id}/mfa"))).bearer_auth(owner)
        }
        ("POST", "/api/v1/mcp-servers") => c.post(app.url(path)).bearer_auth(owner).json(&json!({
            "name": "fresh-mcp", "transport": "stdio", "command": "npx"
        })),
        ("PATCH", "/api/v1/mcp-servers/{id}") | ("DELETE", "/api/v1/mcp-servers/{id}") => {
            let id = mcp_server(app, owner, json!({ "transport": "stdio", "command": "npx" })).await;
            let server = url(format!("/api/v1/mcp-servers/{id}"));
            match method {
                "PATCH" => c.patch(server).bearer_auth(owner).json(&json!({ "enabled": false })),
                _ => c.delete(server).bearer_auth(owner),
            }
        }
        ("POST", "/api/v1/mcp-servers/{id}/health-check") => {
            let endpoint = common::mcp::start(common::mcp::Knobs::with_tools(&["t"])).await;
            let id = mcp_server(app, owner, json!({ "transport": "streamable_http", "url": endpoint })).await;
            c.post(url(format!("/api/v1/mcp-servers/{id}/health-check")))
                .bearer_auth(owner)
        }
        ("POST", "/api/v1/mcp-servers/{id}/health-reports") => {
            let id = mcp_server(app, owner, json!({ "transport": "stdio", "command": "npx" })).await;
            c.post(url(format!("/api/v1/mcp-servers/{id}/health-reports")))
                .bearer_auth(owner)
                .json(&json!({ "status": "up" }))
        }
        ("PATCH", "/api/v1/mcp-servers/{id}/tool-changes/{change_id}") => {
            let endpoint = common::mcp::start(common::mcp::Knobs::with_tools(&["t"])).await;
            let id = mcp_server(
                app,
                owner,
                json!({ "transport": "streamable_http", "url": endpoint, "require_tool_approval": true }),
            )
            .await;
            let checked: Value = c
                .post(url(format!("/api/v1/mcp-servers/{id}/health-check")))
                .bearer_auth(owner)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let change = checked["tool_changes"][0]["id"].as_str().unwrap().to_owned();
            c.patch(url(format!("/api/v1/mcp-servers/{id}/tool-changes/{change}")))
                .bearer_auth(owner)
                .json(&json!({ "status": "approved" }))
        }
        ("POST", "/api/v1/organizations") => c
            .post(app.url(path))
            .bearer_auth(owner)
            .json(&json!({ "name": "Fresh", "slug": "fresh" })),
        ("PATCH", "/api/v1/organizations/{id}") | ("DELETE", "/api/v1/organizations/{id}") => {
            let id = organization(app, owner).await;
            let org = url(format!("/api/v1/organizations/{id}"));
            match method {
                "PATCH" => c.patch(org).bearer_auth(owner).json(&json!({ "plan": "team" })),
                _ => c.delete(org).bearer_auth(owner),
            }
        }
        ("POST", "/api/v1/organizations/{id}/suspend") => {
            let id = organization(app, owner).await;
            c.post(url(format!("/api/v1/organizations/{id}/suspend")))
                .bearer_auth(owner)
                .json(&json!({ "reason": "unpaid invoice" }))
        }
        ("POST", "/api/v1/organizations/{id}/activate") => {
            let id = organization(app, owner).await;
            c.post(url(format!("/api/v1/organizations/{id}/suspend")))
                .bearer_auth(owner)
                .json(&json!({ "reason": "unpaid invoice" }))
                .send()
                .await
                .unwrap();
            c.post(url(format!("/api/v1/organizations/{id}/activate")))
                .bearer_auth(owner)
                .json(&json!({ "reason": "paid" }))
        }
        ("POST", "/api/v1/events/dead-letters/replay") => {
            let id = dead_letter(app, owner).await;
            c.post(app.url(path)).bearer_auth(owner).json(&json!({ "ids": [id] }))
        }
        ("DELETE", "/api/v1/events/dead-letters/{id}") => {
            let id = dead_letter(app, owner).await;
            c.delete(url(format!("/api/v1/events/dead-letters/{id}")))
                .bearer_auth(owner)
        }
        ("PUT", "/api/v1/settings/model-prices") => c.put(app.url(path)).bearer_auth(owner).json(&json!({
            "models": [{ "model": "sonnet", "input_usd_per_mtok": 3.0, "output_usd_per_mtok": 15.0 }]
        })),
        ("POST", "/api/v1/users") => {
            let org = organization(app, owner).await;
            c.post(app.url(path))
                .bearer_auth(owner)
                .json(&json!({ "name": "Ada", "email": "ada@example.com", "organization_id": org }))
        }
        ("PATCH", "/api/v1/users/{id}")
        | ("DELETE", "/api/v1/users/{id}")
        | ("PUT", "/api/v1/users/{id}/permissions") => {
            let org = organization(app, owner).await;
            let id = hub_user(app, owner, &org).await;
            match (method, path) {
                ("PATCH", _) => c
                    .patch(url(format!("/api/v1/users/{id}")))
                    .bearer_auth(owner)
                    .json(&json!({ "enabled": false })),
                ("DELETE", _) => c.delete(url(format!("/api/v1/users/{id}"))).bearer_auth(owner),
                _ => {
                    let server = mcp_server(app, owner, json!({ "transport": "stdio", "command": "npx" })).await;
                    c.put(url(format!("/api/v1/users/{id}/permissions")))
                        .bearer_auth(owner)
                        .json(&json!({ "grants": [{ "server_id": server, "tools": ["*"] }] }))
                }
            }
        }
        ("POST", "/api/v1/users/import") => {
            let org = organization(app, owner).await;
            let slug: String = sqlx::query_scalar("SELECT slug FROM organizations WHERE id = $1::uuid")
                .bind(&org)
                .fetch_one(&app.pool)
                .await
                .unwrap();
            c.post(app.url(path))
                .bearer_auth(owner)
                .header("content-type", "text/csv")
                .body(format!(
                    "email,name,organization\nimported@example.com,Imported,{slug}\n"
                ))
        }
        ("POST", "/api/v1/config/apply") => {
            let (document, state) = exported(app, owner).await;
            c.post(app.url(path))
                .bearer_auth(owner)
                .json(&json!({ "document": document, "base_state": state }))
        }
        ("POST", "/api/v1/config/snapshots/{id}/rollback") => {
            let (document, state) = exported(app, owner).await;
            // A snapshot to roll back to (an earlier apply may have stored it already).
            c.post(app.url("/api/v1/config/apply"))
                .bearer_auth(owner)
                .json(&json!({ "document": document, "base_state": state }))
                .send()
                .await
                .unwrap();
            let page: Value = app
                .get_as("/api/v1/config/snapshots?limit=1", owner)
                .await
                .json()
                .await
                .unwrap();
            let id = page["items"][0]["id"].as_str().unwrap();
            c.post(url(format!("/api/v1/config/snapshots/{id}/rollback")))
                .bearer_auth(owner)
                .json(&json!({ "base_state": state }))
        }
        _ => return None,
    })
}

/// The configuration as exported, and its state id.
async fn exported(app: &TestApp, owner: &str) -> (String, String) {
    let res = app.get_as("/api/v1/config/export", owner).await;
    let state = res.headers()["etag"].to_str().unwrap().trim_matches('"').to_owned();
    (res.text().await.unwrap(), state)
}

/// Creates an organization with a fresh slug; returns its id.
async fn organization(app: &TestApp, owner: &str) -> String {
    let slug = format!("org-{}", uuid::Uuid::now_v7().simple());
    let created: Value = app
        .client
        .post(app.url("/api/v1/organizations"))
        .bearer_auth(owner)
        .json(&json!({ "name": slug, "slug": slug }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    created["id"].as_str().unwrap().to_owned()
}

/// Creates a hub user in `org`; returns its id.
async fn hub_user(app: &TestApp, owner: &str, org: &str) -> String {
    let created: Value = app
        .client
        .post(app.url("/api/v1/users"))
        .bearer_auth(owner)
        .json(&json!({ "name": "Grace", "email": "grace@example.com", "organization_id": org }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    created["id"].as_str().unwrap().to_owned()
}

/// Registers an MCP server with a fresh name and `fields`; returns its id.
async fn mcp_server(app: &TestApp, owner: &str, fields: Value) -> String {
    let mut body = json!({ "name": format!("mcp-{}", uuid::Uuid::now_v7().simple()) });
    body.as_object_mut()
        .unwrap()
        .extend(fields.as_object().unwrap().clone());
    let created: Value = app
        .client
        .post(app.url("/api/v1/mcp-servers"))
        .bearer_auth(owner)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    created["id"].as_str().unwrap().to_owned()
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn every_mutating_route_writes_an_audit_entry(pool: PgPool) {
    // Many sign-ins from one IP within a minute: lift the per-minute limit.
    let app = spawn_with(pool, config(&[("OMNI_LOGIN_ATTEMPTS_PER_MINUTE", "1000")])).await;
    app.admin("owner@example.com", "owner").await;
    let owner = app.login("owner@example.com").await.access_token;

    let doc: Value = serde_json::to_value(omni_admin::router::openapi()).unwrap();
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let method = method.to_uppercase();
            if method == "GET" || NOT_AUDITED.iter().any(|(m, p, _)| *m == method && p == path) {
                continue;
            }
            let request = scenario(&app, &owner, &method, path)
                .await
                .unwrap_or_else(|| panic!("{method} {path} has no audit scenario: add one to this test"));
            let before = audit_count(&app).await;
            let res = request.send().await.unwrap();
            assert!(res.status().is_success(), "{method} {path} → {}", res.status());
            assert!(audit_count(&app).await > before, "{method} {path} wrote no audit entry");
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} mutating routes checked");
}
