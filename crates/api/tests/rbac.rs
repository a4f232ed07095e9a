//! Roles, permissions and the route guard (SPEC RBAC-1..3).

mod common;

use common::{problem, spawn_app};
use omni_types::Permission;
use serde_json::Value;
use sqlx::PgPool;

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn database_catalogue_matches_the_shared_permission_list(pool: PgPool) {
    let mut in_db: Vec<String> = sqlx::query_scalar("SELECT name FROM permissions")
        .fetch_all(&pool)
        .await
        .unwrap();
    let mut in_code: Vec<String> = Permission::ALL.iter().map(|p| p.as_str().to_owned()).collect();
    in_db.sort();
    in_code.sort();
    assert_eq!(in_db, in_code);
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn built_in_roles_grant_what_the_spec_says(pool: PgPool) {
    let app = spawn_app(pool).await;
    for (role, email) in [
        ("owner", "o@x.io"),
        ("admin", "a@x.io"),
        ("support", "s@x.io"),
        ("billing", "b@x.io"),
    ] {
        app.admin(email, role).await;
    }
    let perms = |me: &Value| -> Vec<String> {
        me["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap().to_owned())
            .collect()
    };
    let me = |email: &'static str| {
        let app = &app;
        async move {
            let s = app.login(email).await;
            app.get_as("/api/v1/auth/me", &s.access_token)
                .await
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    assert_eq!(perms(&me("o@x.io").await).len(), Permission::ALL.len());
    let admin = perms(&me("a@x.io").await);
    assert!(admin.contains(&"mcp:write".into()) && admin.contains(&"users:write".into()));
    assert!(
        !admin
            .iter()
            .any(|p| p.starts_with("billing:") || p.starts_with("settings:"))
    );
    let support = perms(&me("s@x.io").await);
    assert!(support.contains(&"orgs:read".into()) && support.contains(&"telemetry:read".into()));
    assert!(!support.iter().any(|p| p.ends_with(":write") || p.ends_with(":manage")));
    let billing = perms(&me("b@x.io").await);
    assert!(billing.contains(&"billing:read".into()));
    assert!(
        !billing
            .iter()
            .any(|p| p.starts_with("mcp:") || p.starts_with("telemetry:"))
    );
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn missing_token_is_401_and_missing_permission_is_403(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.admin("owner@example.com", "owner").await;
    app.admin("billing@example.com", "billing").await;

    let res = app.get("/api/v1/roles").await;
    problem(res, 401).await;

    let billing = app.login("billing@example.com").await;
    let body = problem(app.get_as("/api/v1/roles", &billing.access_token).await, 403).await;
    assert_eq!(body["missing_permission"], "admins:read");

    let owner = app.login("owner@example.com").await;
    let res = app.get_as("/api/v1/roles", &owner.access_token).await;
    assert_eq!(res.status(), 200);
    let page: Value = res.json().await.unwrap();
    let names: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["admin", "billing", "owner", "support"]);
    let owner_role = &page["items"][2];
    assert_eq!(owner_role["admin_count"], 1);
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn role_list_pages_with_a_cursor_and_validates_limit(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.admin("owner@example.com", "owner").await;
    let owner = app.login("owner@example.com").await;

    let first: Value = app
        .get_as("/api/v1/roles?limit=3", &owner.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first["items"].as_array().unwrap().len(), 3);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second: Value = app
        .get_as(&format!("/api/v1/roles?limit=3&cursor={cursor}"), &owner.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(second["items"][0]["name"], "support");
    assert!(second.get("next_cursor").is_none());

    let body = problem(app.get_as("/api/v1/roles?limit=500", &owner.access_token).await, 422).await;
    assert!(body["errors"]["limit"].is_array());
    let body = problem(
        app.get_as("/api/v1/roles?cursor=%21%21", &owner.access_token).await,
        422,
    )
    .await;
    assert!(body["errors"]["cursor"].is_array());
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn the_audit_log_refuses_update_and_delete(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.admin("owner@example.com", "owner").await;
    for sql in [
        "UPDATE admin_audit_log SET action = 'x'",
        "DELETE FROM admin_audit_log",
        "TRUNCATE admin_audit_log",
    ] {
        let err = sqlx::query(sql).execute(&app.pool).await.unwrap_err();
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
}
