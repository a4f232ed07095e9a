//! Custom roles and the permission catalogue (SPEC RBAC-2, RBAC-4).

mod common;

use common::{TestApp, problem, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};
use sqlx::PgPool;

async fn send(app: &TestApp, method: Method, path: &str, token: &str, body: Value) -> reqwest::Response {
    app.client
        .request(method, app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn owner(app: &TestApp) -> String {
    app.admin("owner@example.com", "owner").await;
    app.login("owner@example.com").await.access_token
}

async fn role_id(app: &TestApp, token: &str, name: &str) -> String {
    let page: Value = app.get_as("/api/v1/roles?limit=200", token).await.json().await.unwrap();
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn a_custom_role_grants_what_it_lists(pool: PgPool) {
    let app = spawn_app(pool).await;
    let token = owner(&app).await;
    let res = send(
        &app,
        Method::POST,
        "/api/v1/roles",
        &token,
        json!({
            "name": "auditor", "description": "Reads the audit log", "permissions": ["audit:read", "audit:read"]
        }),
    )
    .await;
    assert_eq!(res.status(), 201);
    let role: Value = res.json().await.unwrap();
    assert_eq!(role["permissions"], json!(["audit:read"]));
    assert_eq!(role["built_in"], false);

    let res = send(
        &app,
        Method::POST,
        "/api/v1/admins",
        &token,
        json!({ "email": "aud@example.com", "roles": ["auditor"], "password": "auditor passphrase" }),
    )
    .await;
    assert_eq!(res.status(), 201);
    let aud = app
        .post_login("aud@example.com", "auditor passphrase")
        .await
        .json::<Value>()
        .await
        .unwrap();
    let aud_token = aud["access_token"].as_str().unwrap();
    assert_eq!(app.get_as("/api/v1/audit", aud_token).await.status(), 200);
    problem(app.get_as("/api/v1/admins", aud_token).await, 403).await;

    // Editing the role changes what its holders may do at once.
    let id = role["id"].as_str().unwrap();
    let res = send(
        &app,
        Method::PATCH,
        &format!("/api/v1/roles/{id}"),
        &token,
        json!({ "permissions": ["admins:read"], "description": "Now reads admins" }),
    )
    .await;
    assert_eq!(res.status(), 200);
    problem(app.get_as("/api/v1/audit", aud_token).await, 403).await;
    assert_eq!(app.get_as("/api/v1/admins", aud_token).await.status(), 200);

    let res = send(&app, Method::DELETE, &format!("/api/v1/roles/{id}"), &token, json!({})).await;
    let body = problem(res, 409).await;
    assert!(body["detail"].as_str().unwrap().contains("1 admin"));
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn roles_are_validated_and_built_ins_protected(pool: PgPool) {
    let app = spawn_app(pool).await;
    let token = owner(&app).await;
    let body = problem(
        send(
            &app,
            Method::POST,
            "/api/v1/roles",
            &token,
            json!({ "name": "Bad Name!", "permissions": ["mcp:fly"] }),
        )
        .await,
        422,
    )
    .await;
    assert!(body["errors"]["name"].is_array() && body["errors"]["permissions"].is_array());
    problem(
        send(
            &app,
            Method::POST,
            "/api/v1/roles",
            &token,
            json!({ "name": "admin", "permissions": [] }),
        )
        .await,
        409,
    )
    .await;

    let owner_id = role_id(&app, &token, "owner").await;
    let body = problem(
        send(
            &app,
            Method::PATCH,
            &format!("/api/v1/roles/{owner_id}"),
            &token,
            json!({ "permissions": ["audit:read"] }),
        )
        .await,
        422,
    )
    .await;
    assert!(body["errors"]["permissions"].is_array());
    problem(
        send(
            &app,
            Method::PATCH,
            &format!("/api/v1/roles/{owner_id}"),
            &token,
            json!({ "name": "boss" }),
        )
        .await,
        422,
    )
    .await;
    problem(
        send(
            &app,
            Method::DELETE,
            &format!("/api/v1/roles/{owner_id}"),
            &token,
            json!({}),
        )
        .await,
        409,
    )
    .await;

    // Built-in roles other than owner may be tuned: e.g. require MFA for admins.
    let admin_id = role_id(&app, &token, "admin").await;
    let res = send(
        &app,
        Method::PATCH,
        &format!("/api/v1/roles/{admin_id}"),
        &token,
        json!({ "mfa_required": true }),
    )
    .await;
    assert_eq!(res.json::<Value>().await.unwrap()["mfa_required"], true);

    let res = send(
        &app,
        Method::POST,
        "/api/v1/roles",
        &token,
        json!({ "name": "temp", "permissions": [] }),
    )
    .await;
    let temp: Value = res.json().await.unwrap();
    let path = format!("/api/v1/roles/{}", temp["id"].as_str().unwrap());
    assert_eq!(send(&app, Method::DELETE, &path, &token, json!({})).await.status(), 204);
    problem(app.get_as(&path, &token).await, 404).await;
    let actions = app.audit_actions().await;
    for action in ["role.created", "role.updated", "role.deleted"] {
        assert!(actions.contains(&action.to_owned()), "{action}");
    }
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn the_catalogue_lists_every_permission_with_its_meaning(pool: PgPool) {
    let app = spawn_app(pool).await;
    let token = owner(&app).await;
    let catalogue: Value = app.get_as("/api/v1/permissions", &token).await.json().await.unwrap();
    let catalogue = catalogue.as_array().unwrap();
    assert_eq!(catalogue.len(), omni_types::Permission::ALL.len());
    assert!(catalogue.iter().all(|p| !p["description"].as_str().unwrap().is_empty()));
}
