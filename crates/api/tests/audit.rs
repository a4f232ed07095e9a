//! The audit log: viewer queries, hash chain, tamper detection, CSV export (SPEC AUDIT-1..4).

mod common;

use common::{TestApp, problem, spawn_app};
use serde_json::Value;
use sqlx::PgPool;

async fn owner(app: &TestApp) -> String {
    app.admin("owner@example.com", "owner").await;
    app.login("owner@example.com").await.access_token
}

async fn items(app: &TestApp, query: &str, token: &str) -> Vec<Value> {
    let res = app.get_as(&format!("/api/v1/audit{query}"), token).await;
    assert_eq!(res.status(), 200, "{query}");
    res.json::<Value>().await.unwrap()["items"].as_array().unwrap().clone()
}

fn actions(items: &[Value]) -> Vec<&str> {
    items.iter().map(|e| e["action"].as_str().unwrap()).collect()
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn entries_are_listed_newest_first_and_filtered(pool: PgPool) {
    let app = spawn_app(pool).await;
    let token = owner(&app).await;
    app.post_login("intruder@example.com", "guessing").await;

    let all = items(&app, "", &token).await;
    assert_eq!(
        actions(&all),
        ["auth.login.failed", "auth.login.succeeded", "admin.created"]
    );
    let failed = &all[0];
    assert_eq!(failed["actor"]["kind"], "anonymous");
    assert_eq!(failed["actor"]["label"], "intruder@example.com");
    assert_eq!(failed["ip"], "127.0.0.1");
    assert!(failed["request_id"].is_string() && failed["hash"].as_str().unwrap().len() == 64);
    assert_eq!(all[1]["actor"]["kind"], "admin");
    assert_eq!(all[2]["actor"]["kind"], "system");

    assert_eq!(actions(&items(&app, "?action=auth.login", &token).await).len(), 2);
    assert_eq!(
        actions(&items(&app, "?actor=INTRUDER", &token).await),
        ["auth.login.failed"]
    );
    let owner_id = all[1]["actor"]["id"].as_str().unwrap();
    assert_eq!(
        actions(&items(&app, &format!("?actor={owner_id}"), &token).await),
        ["auth.login.succeeded"]
    );
    assert_eq!(
        actions(&items(&app, "?resource_type=admin", &token).await),
        ["admin.created"]
    );
    assert_eq!(
        actions(&items(&app, "?q=intruder", &token).await),
        ["auth.login.failed"]
    );
    assert!(
        items(&app, "?q=guessing", &token).await.is_empty(),
        "a typed password must never be logged"
    );
    assert!(items(&app, "?from=2999-01-01T00:00:00Z", &token).await.is_empty());
    // LIKE wildcards in a filter are literal.
    assert!(items(&app, "?action=%25", &token).await.is_empty());

    let body = problem(app.get_as("/api/v1/audit?from=yesterday", &token).await, 422).await;
    assert!(body["errors"]["from"].is_array(), "{body}");
    let body = problem(
        app.get_as(
            "/api/v1/audit?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z",
            &token,
        )
        .await,
        422,
    )
    .await;
    assert!(body["errors"]["to"].is_array(), "{body}");
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn pages_follow_the_cursor_without_gaps(pool: PgPool) {
    let app = spawn_app(pool).await;
    let token = owner(&app).await;
    for i in 0..5 {
        app.post_login(&format!("u{i}@example.com"), "nope").await;
    }
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let page: Value = app
            .get_as(&format!("/api/v1/audit?limit=3{cursor}"), &token)
            .await
            .json()
            .await
            .unwrap();
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["seq"].as_i64().unwrap()),
        );
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => break,
        }
    }
    assert_eq!(seen, (1..=7).rev().collect::<Vec<i64>>());
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn one_entry_by_id_and_404_for_unknown(pool: PgPool) {
    let app = spawn_app(pool).await;
    let token = owner(&app).await;
    let first = items(&app, "?limit=1", &token).await.remove(0);
    let id = first["id"].as_str().unwrap();
    let entry: Value = app
        .get_as(&format!("/api/v1/audit/{id}"), &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(entry, first);
    problem(
        app.get_as(&format!("/api/v1/audit/{}", uuid::Uuid::now_v7()), &token)
            .await,
        404,
    )
    .await;
    problem(app.get_as("/api/v1/audit/not-a-uuid", &token).await, 404).await;
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn reading_the_audit_log_needs_audit_read(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.admin("support@example.com", "support").await;
    let support = app.login("support@example.com").await.access_token;
    for path in ["/api/v1/audit", "/api/v1/audit/verify", "/api/v1/audit/export"] {
        let body = problem(app.get_as(path, &support).await, 403).await;
        assert_eq!(body["missing_permission"], "audit:read");
    }
    app.admin("ops@example.com", "admin").await;
    let ops = app.login("ops@example.com").await.access_token;
    assert_eq!(app.get_as("/api/v1/audit", &ops).await.status(), 200);
}

async fn verify(app: &TestApp, token: &str) -> Value {
    app.get_as("/api/v1/audit/verify", token).await.json().await.unwrap()
}

/// Tampering needs the trigger out of the way, as a superuser (or an attacker) could do.
async fn tamper(pool: &PgPool, sql: &str) {
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("ALTER TABLE admin_audit_log DISABLE TRIGGER admin_audit_log_no_update_delete")
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("ALTER TABLE admin_audit_log ENABLE TRIGGER admin_audit_log_no_update_delete")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn verify_names_the_first_altered_entry(pool: PgPool) {
    let app = spawn_app(pool).await;
    let token = owner(&app).await;
    for i in 0..3 {
        app.post_login(&format!("u{i}@example.com"), "nope").await;
    }
    let report = verify(&app, &token).await;
    assert_eq!(report["ok"], true);
    assert_eq!(report["checked"], 5);

    tamper(
        &app.pool,
        "UPDATE admin_audit_log SET details = '{\"reason\": \"nothing to see\"}' WHERE seq = 3",
    )
    .await;
    let report = verify(&app, &token).await;
    assert_eq!(report["ok"], false);
    assert_eq!(report["first_broken"]["seq"], 3);
    assert_eq!(report["first_broken"]["reason"], "content_changed");
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn verify_notices_a_removed_entry(pool: PgPool) {
    let app = spawn_app(pool).await;
    let token = owner(&app).await;
    for i in 0..3 {
        app.post_login(&format!("u{i}@example.com"), "nope").await;
    }
    tamper(&app.pool, "DELETE FROM admin_audit_log WHERE seq = 2").await;
    let report = verify(&app, &token).await;
    assert_eq!(report["first_broken"]["seq"], 3);
    assert_eq!(report["first_broken"]["reason"], "chain_broken");
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn concurrent_writers_extend_one_chain(pool: PgPool) {
    let app = spawn_app(pool).await;
    let token = owner(&app).await;
    let emails: Vec<String> = (0..20).map(|i| format!("racer{i}@example.com")).collect();
    let attempts = emails.iter().map(|email| app.post_login(email, "nope"));
    futures::future::join_all(attempts).await;
    let report = verify(&app, &token).await;
    assert_eq!(report["ok"], true, "{report}");
    assert!(report["checked"].as_i64().unwrap() >= 20);
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn csv_export_streams_every_matching_row_and_is_audited(pool: PgPool) {
    let app = spawn_app(pool).await;
    let token = owner(&app).await;
    sqlx::query(
        "INSERT INTO admin_audit_log (actor_label, action, resource_type, resource_id, details)
         SELECT '=cmd|' || g, 'bulk.test', 'thing', g::text, jsonb_build_object('after', jsonb_build_object('n', g))
         FROM generate_series(1, 100000) g",
    )
    .execute(&app.pool)
    .await
    .unwrap();

    let res = app.get_as("/api/v1/audit/export?action=bulk.", &token).await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert!(res.headers()["content-disposition"].to_str().unwrap().contains(".csv"));
    assert!(
        res.headers().get("content-length").is_none(),
        "the body is streamed, not buffered"
    );
    let body = res.text().await.unwrap();
    let mut lines = body.lines();
    assert!(lines.next().unwrap().starts_with("seq,id,occurred_at,actor_kind"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 100_000);
    assert!(rows[0].contains(",'=cmd|1,"), "formulas are defused: {}", rows[0]);

    let exported = items(&app, "?action=audit.exported", &token).await;
    assert_eq!(exported.len(), 1);
    assert_eq!(exported[0]["details"]["filter"]["action"], "bulk.");
    assert_eq!(verify(&app, &token).await["ok"], true);
}
