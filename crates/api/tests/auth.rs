//! Sign-in, sessions and access tokens (SPEC AUTH-1..3, AUTH-7).

mod common;

use common::{JWT_SECRET, PASSWORD, problem, refresh_cookie, spawn_app};
use omni_admin::auth::jwt::{Claims, JwtKeys};
use reqwest::header::COOKIE;
use serde_json::Value;
use sqlx::PgPool;

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn login_returns_token_profile_and_a_strict_http_only_cookie(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.admin("owner@example.com", "owner").await;

    let res = app.post_login("Owner@Example.com ", PASSWORD).await;
    assert_eq!(res.status(), 200);
    let set_cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    for attribute in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/api/v1/auth"] {
        assert!(set_cookie.contains(attribute), "{set_cookie} lacks {attribute}");
    }
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert_eq!(body["admin"]["email"], "owner@example.com");
    assert_eq!(body["admin"]["roles"], serde_json::json!(["owner"]));

    let token = body["access_token"].as_str().unwrap();
    let me: Value = app.get_as("/api/v1/auth/me", token).await.json().await.unwrap();
    assert_eq!(me["email"], "owner@example.com");
    assert!(
        me["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "settings:write")
    );
    assert!(me["last_login_at"].is_string());
    assert_eq!(app.audit_actions().await.last().unwrap(), "auth.login.succeeded");
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn wrong_password_and_unknown_email_get_the_same_answer(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.admin("owner@example.com", "owner").await;

    let mut wrong = problem(app.post_login("owner@example.com", "not the password").await, 401).await;
    let mut unknown = problem(app.post_login("nobody@example.com", PASSWORD).await, 401).await;
    wrong.as_object_mut().unwrap().remove("request_id");
    unknown.as_object_mut().unwrap().remove("request_id");
    assert_eq!(wrong, unknown);
    assert_eq!(wrong["type"], "/problems/invalid-credentials");
    assert_eq!(
        app.audit_actions()
            .await
            .iter()
            .filter(|a| *a == "auth.login.failed")
            .count(),
        2
    );
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn disabled_admin_cannot_sign_in(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.admin("gone@example.com", "admin").await;
    sqlx::query("UPDATE admins SET disabled_at = now()")
        .execute(&app.pool)
        .await
        .unwrap();
    problem(app.post_login("gone@example.com", PASSWORD).await, 401).await;
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn login_input_is_validated_per_field(pool: PgPool) {
    let app = spawn_app(pool).await;
    let body = problem(app.post_login("", "").await, 422).await;
    assert_eq!(body["errors"]["email"][0], "is required");
    assert_eq!(body["errors"]["password"][0], "is required");
    let body = problem(app.post_login("not-an-email", "x").await, 422).await;
    assert!(body["errors"]["email"].is_array());
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn sixth_attempt_on_an_account_in_a_minute_is_refused(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.admin("owner@example.com", "owner").await;
    for _ in 0..5 {
        problem(app.post_login("owner@example.com", "wrong password").await, 401).await;
    }
    // Even the right password waits: the limit counts attempts, not failures.
    let res = app.post_login("owner@example.com", PASSWORD).await;
    let retry_after: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after));
    let body = problem(res, 429).await;
    assert_eq!(body["retry_after_seconds"], retry_after);
    assert!(
        app.audit_actions()
            .await
            .contains(&"auth.login.rate_limited".to_owned())
    );
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn sixth_attempt_from_one_ip_is_refused_whatever_the_account(pool: PgPool) {
    let app = spawn_app(pool).await;
    for i in 0..5 {
        problem(
            app.post_login(&format!("user{i}@example.com"), "wrong password").await,
            401,
        )
        .await;
    }
    problem(app.post_login("someone-else@example.com", "wrong password").await, 429).await;
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn repeated_failures_lock_the_account(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.admin("owner@example.com", "owner").await;
    // Ten failures spread over more than a minute: backdate them instead of waiting.
    for minutes_ago in 1..=10 {
        sqlx::query("INSERT INTO login_attempts (account, ip, succeeded, attempted_at) VALUES ($1, '10.0.0.1', false, now() - make_interval(secs => $2))")
            .bind("owner@example.com")
            .bind(f64::from(minutes_ago) * 61.0 / 10.0 + 60.0)
            .execute(&app.pool)
            .await
            .unwrap();
    }
    let body = problem(app.post_login("owner@example.com", PASSWORD).await, 429).await;
    assert!(body["detail"].as_str().unwrap().contains("locked"), "{body}");
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn expired_forged_and_unsigned_tokens_are_rejected(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.admin("owner@example.com", "owner").await;
    let session = app.login("owner@example.com").await;
    let keys = JwtKeys::new(Some(&JWT_SECRET.to_owned().into()), std::time::Duration::from_secs(900));
    let real = keys.verify(&session.access_token).unwrap();

    let now = chrono::Utc::now().timestamp();
    let expired = keys.sign(&Claims {
        iat: now - 2000,
        exp: now - 1000,
        ..real.clone()
    });
    let forged = JwtKeys::new(
        Some(&"another-secret-that-is-long-enough-0123".to_owned().into()),
        std::time::Duration::from_secs(900),
    )
    .issue(real.sub, real.sid)
    .unwrap();
    let payload = session.access_token.split('.').nth(1).unwrap();
    let alg_none = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{payload}.");

    for token in [expired, forged, alg_none, "garbage".to_owned()] {
        let res = app.get_as("/api/v1/auth/me", &token).await;
        assert_eq!(res.headers()["www-authenticate"], "Bearer");
        problem(res, 401).await;
    }
    let res = app.get("/api/v1/auth/me").await;
    problem(res, 401).await;
    assert_eq!(app.get_as("/api/v1/auth/me", &session.access_token).await.status(), 200);
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn refresh_rotates_and_reuse_revokes_the_family(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.admin("owner@example.com", "owner").await;
    let session = app.login("owner@example.com").await;

    let res = app.refresh(&session.refresh_cookie).await;
    assert_eq!(res.status(), 200);
    let second = refresh_cookie(res.headers()).unwrap();
    assert_ne!(second, session.refresh_cookie);
    let body: Value = res.json().await.unwrap();
    let new_token = body["access_token"].as_str().unwrap().to_owned();
    assert_eq!(app.get_as("/api/v1/auth/me", &new_token).await.status(), 200);

    // The first cookie was spent: presenting it again is theft. The whole session dies.
    problem(app.refresh(&session.refresh_cookie).await, 401).await;
    problem(app.refresh(&second).await, 401).await;
    problem(app.get_as("/api/v1/auth/me", &new_token).await, 401).await;
    assert!(
        app.audit_actions()
            .await
            .contains(&"auth.refresh.reuse_detected".to_owned())
    );
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn refresh_without_or_with_unknown_cookie_is_401(pool: PgPool) {
    let app = spawn_app(pool).await;
    let res = app.client.post(app.url("/api/v1/auth/refresh")).send().await.unwrap();
    problem(res, 401).await;
    problem(app.refresh("omni_refresh=made-up").await, 401).await;
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn logout_revokes_the_session(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.admin("owner@example.com", "owner").await;
    let session = app.login("owner@example.com").await;

    let res = app
        .client
        .post(app.url("/api/v1/auth/logout"))
        .header(COOKIE, &session.refresh_cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert!(res.headers()["set-cookie"].to_str().unwrap().contains("Max-Age=0"));
    problem(app.refresh(&session.refresh_cookie).await, 401).await;
    problem(app.get_as("/api/v1/auth/me", &session.access_token).await, 401).await;
    assert_eq!(app.audit_actions().await.last().unwrap(), "auth.logout");

    // Signing out twice, or without a session, is not an error.
    let res = app.client.post(app.url("/api/v1/auth/logout")).send().await.unwrap();
    assert_eq!(res.status(), 204);
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn disabling_an_admin_ends_their_access_at_once(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.admin("ops@example.com", "admin").await;
    let session = app.login("ops@example.com").await;
    sqlx::query("UPDATE admins SET disabled_at = now()")
        .execute(&app.pool)
        .await
        .unwrap();
    problem(app.get_as("/api/v1/auth/me", &session.access_token).await, 401).await;
    problem(app.refresh(&session.refresh_cookie).await, 401).await;
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn bootstrap_creates_one_owner_from_env_only_once(pool: PgPool) {
    let config = common::config(&[
        ("OMNI_BOOTSTRAP_ADMIN_EMAIL", "first@example.com"),
        ("OMNI_BOOTSTRAP_ADMIN_PASSWORD", PASSWORD),
    ]);
    omni_admin::bootstrap::ensure_owner(&pool, &config).await.unwrap();
    omni_admin::bootstrap::ensure_owner(&pool, &config).await.unwrap();
    let app = common::spawn_with(pool, config).await;
    let session = app.login("first@example.com").await;
    let me: Value = app
        .get_as("/api/v1/auth/me", &session.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["roles"], serde_json::json!(["owner"]));
    let admins: i64 = sqlx::query_scalar("SELECT count(*) FROM admins")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(admins, 1);
}
