//! Password change and owner-initiated reset (SPEC AUTH-6).

mod common;

use common::{PASSWORD, TestApp, problem, refresh_cookie, spawn_app};

use serde_json::{Value, json};
use sqlx::PgPool;

async fn change(app: &TestApp, token: &str, current: &str, new: &str) -> reqwest::Response {
    app.client
        .put(app.url("/api/v1/auth/password"))
        .bearer_auth(token)
        .json(&json!({ "current_password": current, "new_password": new }))
        .send()
        .await
        .unwrap()
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn changing_the_password_ends_every_other_session(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.admin("ada@example.com", "admin").await;
    let laptop = app.login("ada@example.com").await;
    let phone = app.login("ada@example.com").await;

    let res = change(&app, &laptop.access_token, PASSWORD, "quiet harbour lights at dawn").await;
    assert_eq!(res.status(), 200);
    let new_cookie = refresh_cookie(res.headers()).unwrap();
    let body: Value = res.json().await.unwrap();
    let new_token = body["access_token"].as_str().unwrap();

    for old in [&laptop, &phone] {
        problem(app.get_as("/api/v1/auth/me", &old.access_token).await, 401).await;
        problem(app.refresh(&old.refresh_cookie).await, 401).await;
    }
    assert_eq!(app.get_as("/api/v1/auth/me", new_token).await.status(), 200);
    assert_eq!(app.refresh(&new_cookie).await.status(), 200);
    problem(app.post_login("ada@example.com", PASSWORD).await, 401).await;
    assert_eq!(
        app.post_login("ada@example.com", "quiet harbour lights at dawn")
            .await
            .status(),
        200
    );
    assert!(app.audit_actions().await.contains(&"auth.password.changed".to_owned()));
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn the_new_password_must_meet_the_policy_and_the_current_must_match(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.admin("ada.lovelace@example.com", "admin").await;
    let s = app.login("ada.lovelace@example.com").await;
    for weak in ["short", "password1234", "ada.lovelace-rocks"] {
        let body = problem(change(&app, &s.access_token, PASSWORD, weak).await, 422).await;
        assert!(body["errors"]["new_password"].is_array(), "{weak}: {body}");
    }
    let body = problem(
        change(&app, &s.access_token, "not it at all", "quiet harbour lights").await,
        422,
    )
    .await;
    assert_eq!(body["errors"]["current_password"][0], "is not your current password");
    assert_eq!(
        app.get_as("/api/v1/auth/me", &s.access_token).await.status(),
        200,
        "a failed change ends nothing"
    );
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn an_owner_reset_forces_a_change_before_anything_else(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.admin("owner@example.com", "owner").await;
    app.admin("ops@example.com", "admin").await;
    let owner = app.login("owner@example.com").await.access_token;
    let ops_session = app.login("ops@example.com").await;
    let list: Value = app.get_as("/api/v1/admins?q=ops", &owner).await.json().await.unwrap();
    let ops_id = list["items"][0]["id"].as_str().unwrap();

    let res = app
        .client
        .post(app.url(&format!("/api/v1/admins/{ops_id}/password-reset")))
        .bearer_auth(&owner)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let temporary = res.json::<Value>().await.unwrap()["temporary_password"]
        .as_str()
        .unwrap()
        .to_owned();
    problem(app.refresh(&ops_session.refresh_cookie).await, 401).await;

    let res = app.post_login("ops@example.com", &temporary).await;
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["admin"]["must_change_password"], true);
    let token = body["access_token"].as_str().unwrap();
    let problem_body = problem(app.get_as("/api/v1/audit", token).await, 403).await;
    assert_eq!(problem_body["type"], "/problems/password-change-required");
    assert_eq!(app.get_as("/api/v1/auth/me", token).await.status(), 200);

    let res = change(&app, token, &temporary, "my own long passphrase").await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["admin"]["must_change_password"], false);
    assert_eq!(
        app.get_as("/api/v1/audit", body["access_token"].as_str().unwrap())
            .await
            .status(),
        200
    );

    let res = app
        .client
        .post(app.url(&format!("/api/v1/admins/{}/password-reset", uuid::Uuid::now_v7())))
        .bearer_auth(&owner)
        .send()
        .await
        .unwrap();
    problem(res, 404).await;
}
