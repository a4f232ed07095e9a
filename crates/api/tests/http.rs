//! Problem+json everywhere, probes, metrics, headers (SPEC Conventions, SYS-6, OPS-4).

mod common;

use common::{problem, spawn_app, spawn_strict, spawn_with};
use serde_json::Value;
use sqlx::PgPool;

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn malformed_json_is_a_400_problem_not_a_500(pool: PgPool) {
    let app = spawn_app(pool).await;
    let post = |body: &'static str, content_type: &'static str| {
        app.client
            .post(app.url("/api/v1/auth/login"))
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let body = problem(post("{\"email\":", "application/json").await.unwrap(), 400).await;
    assert_eq!(body["type"], "/problems/malformed-body");
    assert!(body["detail"].as_str().unwrap().contains("EOF"), "{body}");
    problem(post("{}", "text/plain").await.unwrap(), 400).await;
    let body = problem(
        post(r#"{"email": 5, "password": "x"}"#, "application/json")
            .await
            .unwrap(),
        422,
    )
    .await;
    assert!(
        body["errors"]["email"][0].as_str().unwrap().contains("invalid type"),
        "{body}"
    );
    let body = problem(post(r#"{"password": "x"}"#, "application/json").await.unwrap(), 422).await;
    assert_eq!(body["errors"]["email"][0], "is required");
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn oversized_bodies_are_413_problems(pool: PgPool) {
    let app = spawn_with(pool, common::config(&[("OMNI_BODY_LIMIT_BYTES", "1024")])).await;
    let big = format!(r#"{{"email":"a@b.c","password":"{}"}}"#, "x".repeat(4096));
    let res = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    problem(res, 413).await;
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn unknown_api_routes_and_methods_are_problems_never_the_spa(pool: PgPool) {
    let app = spawn_app(pool).await;
    let body = problem(app.get("/api/v1/nope").await, 404).await;
    assert_eq!(body["type"], "/problems/not-found");
    problem(app.get("/api/v2").await, 404).await;
    let res = app.client.delete(app.url("/api/v1/auth/me")).send().await.unwrap();
    assert!(res.headers().contains_key("allow"));
    problem(res, 405).await;
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn request_ids_are_echoed_or_generated(pool: PgPool) {
    let app = spawn_app(pool).await;
    let res = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "trace-abc_123")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "trace-abc_123");
    let res = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "bad id\twith junk")
        .send()
        .await
        .unwrap();
    let generated = res.headers()["x-request-id"].to_str().unwrap();
    assert!(uuid::Uuid::parse_str(generated).is_ok(), "{generated}");
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn security_headers_are_set(pool: PgPool) {
    let app = spawn_app(pool).await;
    let res = app.get("/healthz").await;
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.headers()["x-frame-options"], "DENY");
    assert!(
        res.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'none'")
    );
    assert!(!res.headers().contains_key("access-control-allow-origin"));
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn probes_report_liveness_and_readiness(pool: PgPool) {
    let app = spawn_app(pool).await;
    let health: Value = app.get("/healthz").await.json().await.unwrap();
    assert_eq!(health["status"], "ok");
    let res = app.get("/readyz").await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn readyz_is_503_when_the_database_is_unreachable() {
    // Port 9 (discard) on loopback: nothing listens, connections are refused at once.
    let pool = omni_admin::db::pool("postgres://postgres@127.0.0.1:9/none", 1).unwrap();
    let app = spawn_strict(pool, common::config(&[])).await;
    let res = app.get("/readyz").await;
    let body = problem(res, 503).await;
    assert_eq!(body["type"], "/problems/unavailable");
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 200, "liveness does not depend on the database");
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn metrics_count_requests_by_route_and_status(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.get("/api/v1/auth/me").await;
    let text = app.get("/metrics").await.text().await.unwrap();
    assert!(
        text.contains(r#"http_requests_total{method="GET",route="/api/v1/auth/me",status="401"}"#),
        "{text}"
    );
    assert!(text.contains("http_request_duration_seconds_bucket"));
    assert!(text.contains("db_pool_max_connections"));
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn swagger_ui_and_openapi_are_served(pool: PgPool) {
    let app = spawn_app(pool).await;
    let doc: Value = app.get("/api/openapi.json").await.json().await.unwrap();
    assert!(doc["paths"]["/api/v1/auth/me"]["get"].is_object());
    let res = app.get("/docs/").await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("swagger"));
}
