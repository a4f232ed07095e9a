//! API tokens for integrators (SPEC AUTH-5).

mod common;

use common::{TestApp, problem, spawn_app};
use serde_json::{Value, json};
use sqlx::PgPool;

async fn create(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/api-tokens"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn signed_in(app: &TestApp, email: &str, role: &str) -> String {
    app.admin(email, role).await;
    app.login(email).await.access_token
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn a_token_works_within_its_scope_only(pool: PgPool) {
    let app = spawn_app(pool).await;
    let owner = signed_in(&app, "owner@example.com", "owner").await;
    let res = create(
        &app,
        &owner,
        json!({ "name": "CI exporter", "permissions": ["audit:read"] }),
    )
    .await;
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with(created["token"]["prefix"].as_str().unwrap()));
    assert_eq!(created["token"]["status"], "active");

    assert_eq!(app.get_as("/api/v1/audit", &secret).await.status(), 200);
    let body = problem(app.get_as("/api/v1/admins", &secret).await, 403).await;
    assert_eq!(body["missing_permission"], "admins:read");
    let me: Value = app.get_as("/api/v1/auth/me", &secret).await.json().await.unwrap();
    assert_eq!(me["email"], "owner@example.com");
    assert_eq!(me["permissions"], json!(["audit:read"]));

    let list: Value = app.get_as("/api/v1/api-tokens", &owner).await.json().await.unwrap();
    let listed = &list["items"][0];
    assert_eq!(listed["name"], "CI exporter");
    assert!(listed["last_used_at"].is_string());
    assert_eq!(listed["last_used_ip"], "127.0.0.1");
    assert!(!list.to_string().contains(&secret[12..]), "the secret is never listed");

    // What a token does is audited as the token.
    let res = app
        .client
        .get(app.url("/api/v1/audit/export?action=nothing"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let exported: Value = app
        .get_as("/api/v1/audit?action=audit.exported", &owner)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(exported["items"][0]["actor"]["kind"], "token");
    assert!(
        exported["items"][0]["actor"]["label"]
            .as_str()
            .unwrap()
            .contains("CI exporter")
    );
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn scope_cannot_exceed_the_creator_and_input_is_checked(pool: PgPool) {
    let app = spawn_app(pool).await;
    let billing = signed_in(&app, "bill@example.com", "billing").await;
    let body = problem(
        create(
            &app,
            &billing,
            json!({ "name": "x", "permissions": ["billing:read", "mcp:write"] }),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(body["errors"]["permissions"], json!(["you do not hold `mcp:write`"]));
    let body = problem(
        create(
            &app,
            &billing,
            json!({ "name": "", "permissions": [], "expires_at": "2001-01-01T00:00:00Z" }),
        )
        .await,
        422,
    )
    .await;
    for field in ["name", "permissions", "expires_at"] {
        assert!(body["errors"][field].is_array(), "{field}: {body}");
    }
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM api_tokens")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(count, 0);
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn tokens_cannot_mint_or_manage_tokens(pool: PgPool) {
    let app = spawn_app(pool).await;
    let owner = signed_in(&app, "owner@example.com", "owner").await;
    let created: Value = create(&app, &owner, json!({ "name": "t", "permissions": ["admins:manage"] }))
        .await
        .json()
        .await
        .unwrap();
    let secret = created["secret"].as_str().unwrap();
    problem(
        create(
            &app,
            secret,
            json!({ "name": "child", "permissions": ["admins:manage"] }),
        )
        .await,
        403,
    )
    .await;
    problem(app.get_as("/api/v1/api-tokens", secret).await, 403).await;
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn revoked_expired_or_orphaned_tokens_are_401(pool: PgPool) {
    let app = spawn_app(pool).await;
    let owner = signed_in(&app, "owner@example.com", "owner").await;
    let ops = signed_in(&app, "ops@example.com", "admin").await;
    let mint = |token: String| {
        let app = &app;
        async move {
            let created: Value = create(app, &token, json!({ "name": "t", "permissions": ["audit:read"] }))
                .await
                .json()
                .await
                .unwrap();
            (
                created["token"]["id"].as_str().unwrap().to_owned(),
                created["secret"].as_str().unwrap().to_owned(),
            )
        }
    };

    let (id, secret) = mint(owner.clone()).await;
    // Another admin cannot revoke it, and cannot tell it exists.
    let res = app
        .client
        .delete(app.url(&format!("/api/v1/api-tokens/{id}")))
        .bearer_auth(&ops)
        .send()
        .await
        .unwrap();
    problem(res, 404).await;
    let res = app
        .client
        .delete(app.url(&format!("/api/v1/api-tokens/{id}")))
        .bearer_auth(&owner)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    problem(app.get_as("/api/v1/audit", &secret).await, 401).await;
    let list: Value = app.get_as("/api/v1/api-tokens", &owner).await.json().await.unwrap();
    assert_eq!(list["items"][0]["status"], "revoked");

    let (id, secret) = mint(owner.clone()).await;
    app.write_behind(async {
        sqlx::query("UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1::uuid")
            .bind(&id)
            .execute(&app.pool)
            .await
            .unwrap();
    })
    .await;
    problem(app.get_as("/api/v1/audit", &secret).await, 401).await;

    // A token carries its creator's current rights: lose the role, lose the permission;
    // disabled creator, dead token.
    let (_, secret) = mint(ops.clone()).await;
    assert_eq!(app.get_as("/api/v1/audit", &secret).await.status(), 200);
    app.write_behind(async {
        sqlx::query("DELETE FROM admin_roles WHERE admin_id = (SELECT id FROM admins WHERE email = 'ops@example.com')")
            .execute(&app.pool)
            .await
            .unwrap();
    })
    .await;
    problem(app.get_as("/api/v1/audit", &secret).await, 403).await;
    app.write_behind(async {
        sqlx::query("UPDATE admins SET disabled_at = now() WHERE email = 'ops@example.com'")
            .execute(&app.pool)
            .await
            .unwrap();
    })
    .await;
    problem(app.get_as("/api/v1/audit", &secret).await, 401).await;

    problem(
        app.get_as("/api/v1/audit", "omni_AAAAAAAAwrongsecretwrongsecretwrongsecret1234")
            .await,
        401,
    )
    .await;
}
