//! Usage fixtures: two organizations with users and servers, events, ingestion.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

use super::TestApp;

pub struct Tenants {
    pub token: String,
    pub acme: String,
    pub ada: String,
    pub bob: String,
    pub github: String,
}

pub async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let res = app.send_as("POST", path, token, Some(body)).await;
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert!(status.is_success(), "POST {path} → {status}: {body}");
    body
}

pub fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

/// Two organizations (acme, beta), a user in each (ada has a Slack id), a global server
/// and one of beta's.
pub async fn tenants(app: &TestApp) -> Tenants {
    let token = app.owner_token().await;
    let acme = id(&post(
        app,
        &token,
        "/api/v1/organizations",
        json!({"name": "Acme", "slug": "acme"}),
    )
    .await);
    let beta = id(&post(
        app,
        &token,
        "/api/v1/organizations",
        json!({"name": "Beta", "slug": "beta"}),
    )
    .await);
    let ada = id(&post(
        app,
        &token,
        "/api/v1/users",
        json!({"name": "Ada", "email": "ada@acme.test", "organization_id": acme, "external_ids": {"slack": "U1"}}),
    )
    .await);
    let bob = id(&post(
        app,
        &token,
        "/api/v1/users",
        json!({"name": "Bob", "email": "bob@beta.test", "organization_id": beta}),
    )
    .await);
    let server = |name: &str, owner: Option<&str>| json!({"name": name, "transport": "streamable_http", "url": "http://127.0.0.1:9/mcp", "organization_id": owner});
    let github = id(&post(app, &token, "/api/v1/mcp-servers", server("github", None)).await);
    post(app, &token, "/api/v1/mcp-servers", server("beta-tools", Some(&beta))).await;
    Tenants {
        token,
        acme,
        ada,
        bob,
        github,
    }
}

pub fn event(time: DateTime<Utc>) -> Value {
    json!({
        "id": Uuid::now_v7(), "time": time, "organization": "acme", "user": "ada@acme.test",
        "server": "github", "tool": "search", "status": "ok", "latency_ms": 120,
        "input_tokens": 1000, "output_tokens": 200, "model": "claude-sonnet", "cost_usd": 0.0042,
    })
}

pub fn with(mut base: Value, changes: Value) -> Value {
    for (k, v) in changes.as_object().unwrap() {
        if v.is_null() {
            base.as_object_mut().unwrap().remove(k);
        } else {
            base[k] = v.clone();
        }
    }
    base
}

pub async fn ingest(app: &TestApp, token: &str, events: &[Value]) -> Value {
    post(app, token, "/api/v1/events", json!({ "events": events })).await
}

pub fn outcomes(report: &Value) -> Vec<String> {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| match r["reason"].as_str() {
            Some(reason) => format!("{}:{reason}", r["outcome"].as_str().unwrap()),
            None => r["outcome"].as_str().unwrap().to_owned(),
        })
        .collect()
}
