//! Admin management and the permission check (SPEC RBAC-1, RBAC-4, RBAC-5).

mod common;

use common::{PASSWORD, TestApp, problem, spawn_app};
use serde_json::{Value, json};
use sqlx::PgPool;

async fn owner(app: &TestApp) -> (String, String) {
    app.admin("owner@example.com", "owner").await;
    let token = app.login("owner@example.com").await.access_token;
    let me: Value = app.get_as("/api/v1/auth/me", &token).await.json().await.unwrap();
    (token, me["id"].as_str().unwrap().to_owned())
}

async fn send(app: &TestApp, method: reqwest::Method, path: &str, token: &str, body: Value) -> reqwest::Response {
    app.client
        .request(method, app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn owner_creates_a_billing_admin_who_cannot_manage_mcp(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (token, _) = owner(&app).await;
    let res = send(
        &app,
        reqwest::Method::POST,
        "/api/v1/admins",
        &token,
        json!({ "email": " Billy@Example.com ", "roles": ["billing"] }),
    )
    .await;
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    assert_eq!(created["admin"]["email"], "billy@example.com");
    assert_eq!(created["admin"]["display_name"], "billy");
    assert_eq!(created["admin"]["roles"], json!(["billing"]));
    let password = created["generated_password"].as_str().unwrap();
    assert!(password.len() >= 12);

    let res = app.post_login("billy@example.com", password).await;
    assert_eq!(res.status(), 200);
    let billy: Value = res.json().await.unwrap();
    let billy_token = billy["access_token"].as_str().unwrap();
    assert!(
        !billy["admin"]["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "mcp:read")
    );
    problem(app.get_as("/api/v1/admins", billy_token).await, 403).await;

    let audit: Value = app
        .get_as("/api/v1/audit?action=admin.created&actor=owner", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(audit["items"][0]["details"]["after"]["email"], "billy@example.com");
    assert!(
        !audit["items"][0]["details"].to_string().contains(password),
        "passwords never reach the audit log"
    );
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn creation_is_validated_and_emails_are_unique(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (token, _) = owner(&app).await;
    let post = |body: Value| send(&app, reqwest::Method::POST, "/api/v1/admins", &token, body);

    let body = problem(
        post(json!({ "email": "nope", "roles": [], "password": "short" })).await,
        422,
    )
    .await;
    for field in ["email", "roles", "password"] {
        assert!(body["errors"][field].is_array(), "{field}: {body}");
    }
    let body = problem(
        post(json!({ "email": "a@example.com", "roles": ["wizard"] })).await,
        422,
    )
    .await;
    assert_eq!(body["errors"]["roles"][0], "no role named `wizard`");
    let body = problem(
        post(json!({ "email": "OWNER@example.com", "roles": ["admin"] })).await,
        409,
    )
    .await;
    assert!(body["errors"]["email"].is_array());
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM admins")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(count, 1, "failed creations leave nothing behind");

    let res = post(
        json!({ "email": "ops@example.com", "display_name": "Ops", "roles": ["admin", "support"],
        "password": PASSWORD }),
    )
    .await;
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    assert!(created.get("generated_password").is_none());
    assert_eq!(created["admin"]["roles"], json!(["admin", "support"]));
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn list_filters_and_pages(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (token, _) = owner(&app).await;
    for (email, role) in [
        ("amy@example.com", "support"),
        ("bob@example.com", "billing"),
        ("cat@example.com", "admin"),
    ] {
        app.admin(email, role).await;
    }
    let page: Value = app.get_as("/api/v1/admins?limit=2", &token).await.json().await.unwrap();
    let emails = |p: &Value| -> Vec<String> {
        p["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["email"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(emails(&page), ["amy@example.com", "bob@example.com"]);
    let next = page["next_cursor"].as_str().unwrap();
    let page: Value = app
        .get_as(&format!("/api/v1/admins?limit=2&cursor={next}"), &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(emails(&page), ["cat@example.com", "owner@example.com"]);

    let page: Value = app
        .get_as("/api/v1/admins?role=billing", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(emails(&page), ["bob@example.com"]);
    let page: Value = app.get_as("/api/v1/admins?q=CA", &token).await.json().await.unwrap();
    assert_eq!(emails(&page), ["cat@example.com"]);
    problem(app.get_as("/api/v1/admins?status=sleeping", &token).await, 422).await;
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn the_last_owner_cannot_be_demoted_or_disabled(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (token, owner_id) = owner(&app).await;
    let path = format!("/api/v1/admins/{owner_id}");
    let patch = |body: Value| send(&app, reqwest::Method::PATCH, &path, &token, body);

    let body = problem(patch(json!({ "roles": ["admin"] })).await, 409).await;
    assert!(body["errors"]["roles"].is_array());
    let body = problem(patch(json!({ "disabled": true })).await, 422).await;
    assert_eq!(body["errors"]["disabled"][0], "you cannot disable yourself");

    // A second owner, disabled, does not count; once enabled, the demotion is allowed.
    app.admin("second@example.com", "owner").await;
    let second: Value = app
        .get_as("/api/v1/admins?q=second", &token)
        .await
        .json()
        .await
        .unwrap();
    let second_path = format!("/api/v1/admins/{}", second["items"][0]["id"].as_str().unwrap());
    let res = send(
        &app,
        reqwest::Method::PATCH,
        &second_path,
        &token,
        json!({ "disabled": true }),
    )
    .await;
    assert_eq!(res.status(), 200);
    problem(patch(json!({ "roles": ["admin"] })).await, 409).await;
    let res = send(
        &app,
        reqwest::Method::PATCH,
        &second_path,
        &token,
        json!({ "disabled": false }),
    )
    .await;
    assert_eq!(res.status(), 200);
    let res = patch(json!({ "roles": ["admin"], "display_name": "Former owner" })).await;
    assert_eq!(res.status(), 200);
    let me: Value = res.json().await.unwrap();
    assert_eq!(me["roles"], json!(["admin"]));
    assert_eq!(me["display_name"], "Former owner");

    let actions: Vec<String> = app.audit_actions().await;
    for expected in ["admin.disabled", "admin.enabled", "admin.updated"] {
        assert!(actions.contains(&expected.to_owned()), "{expected} in {actions:?}");
    }
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn disabling_ends_sessions_and_unknown_admins_are_404(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (token, _) = owner(&app).await;
    app.admin("ops@example.com", "admin").await;
    let ops = app.login("ops@example.com").await;
    let list: Value = app.get_as("/api/v1/admins?q=ops", &token).await.json().await.unwrap();
    let ops_path = format!("/api/v1/admins/{}", list["items"][0]["id"].as_str().unwrap());
    let res = send(
        &app,
        reqwest::Method::PATCH,
        &ops_path,
        &token,
        json!({ "disabled": true }),
    )
    .await;
    assert_eq!(res.status(), 200);
    problem(app.get_as("/api/v1/auth/me", &ops.access_token).await, 401).await;
    problem(app.refresh(&ops.refresh_cookie).await, 401).await;

    let missing = format!("/api/v1/admins/{}", uuid::Uuid::now_v7());
    problem(app.get_as(&missing, &token).await, 404).await;
    problem(
        send(
            &app,
            reqwest::Method::PATCH,
            &missing,
            &token,
            json!({ "display_name": "x" }),
        )
        .await,
        404,
    )
    .await;
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn permission_check_says_yes_no_and_why(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (token, _) = owner(&app).await;
    app.admin("bob@example.com", "billing").await;
    let bob: Value = app.get_as("/api/v1/admins?q=bob", &token).await.json().await.unwrap();
    let bob_id = bob["items"][0]["id"].as_str().unwrap();

    let yes: Value = app
        .get_as(
            &format!("/api/v1/authz/check?admin={bob_id}&permission=billing:read"),
            &token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(yes["allowed"], true);
    assert_eq!(yes["granted_by"], json!(["billing"]));
    let no: Value = app
        .get_as(
            &format!("/api/v1/authz/check?admin={bob_id}&permission=mcp:write"),
            &token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(no["allowed"], false);
    assert!(no["reason"].as_str().unwrap().contains("billing"));

    let body = problem(
        app.get_as("/api/v1/authz/check?admin=x&permission=mcp:fly", &token)
            .await,
        422,
    )
    .await;
    assert!(body["errors"]["admin"].is_array() && body["errors"]["permission"].is_array());
}
