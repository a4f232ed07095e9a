//! Usage ingestion (SPEC ANA-1, ANA-5) over real HTTP against a fresh database: per-event
//! outcomes, idempotency, dead letters and replay, suspended organizations, rollups that
//! add up to the raw events, retention, model prices.

mod common;

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use common::usage::{event, ingest, outcomes, post, tenants, with};
use common::{problem, spawn_app};
use omni_admin::usage::rollup::Grain;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use sqlx::PgPool;
use uuid::Uuid;

async fn scalar(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn each_event_gets_its_outcome_and_a_resend_counts_nothing_twice(pool: PgPool) {
    let app = spawn_app(pool).await;
    let t = tenants(&app).await;
    let now = Utc::now();
    let ok = event(now - Duration::minutes(3));
    let by_ids = with(
        event(now),
        json!({"organization": t.acme, "user": t.ada, "server": t.github}),
    );
    let by_external = with(
        event(now),
        json!({"user": {"provider": "slack", "external_id": "U1"}, "server": "GitHub"}),
    );
    let failed = with(
        event(now),
        json!({"status": "error", "error_type": "timeout", "latency_ms": 30000}),
    );
    let cases = vec![
        (ok.clone(), "accepted"),
        (by_ids, "accepted"),
        (by_external, "accepted"),
        (failed, "accepted"),
        (ok.clone(), "duplicate"),
        (
            with(event(now), json!({"organization": "nope"})),
            "rejected:unknown_organization",
        ),
        (
            with(event(now), json!({"user": "eve@acme.test"})),
            "rejected:unknown_user",
        ),
        (with(event(now), json!({"user": t.bob})), "rejected:unknown_user"),
        (with(event(now), json!({"server": "gitlab"})), "rejected:unknown_server"),
        (
            with(event(now), json!({"server": "beta-tools"})),
            "rejected:server_not_visible",
        ),
        (with(event(now), json!({"tool": null})), "rejected:invalid"),
        (with(event(now), json!({"status": "meh"})), "rejected:invalid"),
        (with(event(now), json!({"status": "error"})), "rejected:invalid"),
        (with(event(now), json!({"surprise": 1})), "rejected:invalid"),
        (with(event(now), json!({"latency_ms": -1})), "rejected:invalid"),
        (
            with(event(now), json!({"time": now + Duration::hours(1)})),
            "rejected:in_future",
        ),
        (
            with(event(now), json!({"time": now - Duration::days(100)})),
            "rejected:too_old",
        ),
        (json!(42), "rejected:invalid"),
    ];
    let (events, expected): (Vec<Value>, Vec<&str>) = cases.into_iter().unzip();
    let report = ingest(&app, &t.token, &events).await;
    assert_eq!(outcomes(&report), expected, "{report}");
    assert_eq!(
        (
            report["accepted"].as_i64(),
            report["duplicates"].as_i64(),
            report["rejected"].as_i64()
        ),
        (Some(4), Some(1), Some(13))
    );
    let detail = report["results"][9]["detail"].as_str().unwrap();
    assert!(detail.contains("another organization"), "{detail}");
    assert!(report["results"][17]["id"].is_null());

    // Counted once, with the right totals, in every rollup.
    let pool = &app.pool;
    assert_eq!(scalar(pool, "SELECT count(*) FROM usage_events").await, 4);
    for g in Grain::HOURLY {
        let sum = |column: &str| format!("SELECT sum({column})::int8 FROM usage_hourly WHERE grain = {}", g.0);
        assert_eq!(scalar(pool, &sum("calls")).await, 4, "{g:?}");
        assert_eq!(scalar(pool, &sum("errors")).await, 1, "{g:?}");
        assert_eq!(scalar(pool, &sum("cost_micros")).await, 4 * 4200, "{g:?}");
    }
    assert_eq!(
        scalar(
            pool,
            "SELECT sum(errors)::int8 FROM usage_hourly_errors WHERE grain = 0 AND error_type = 'timeout'"
        )
        .await,
        1
    );
    check_rollups(pool).await;

    // Every refused event is a dead letter, with its reason.
    let letters: Value = app
        .get_as("/api/v1/events/dead-letters?limit=200", &t.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(letters["items"].as_array().unwrap().len(), 13);
    let suspicious = app
        .get_as("/api/v1/events/dead-letters?reason=server_not_visible", &t.token)
        .await;
    let suspicious: Value = suspicious.json().await.unwrap();
    assert_eq!(suspicious["items"][0]["payload"]["server"], "beta-tools");
    problem(
        app.get_as("/api/v1/events/dead-letters?reason=sad", &t.token).await,
        422,
    )
    .await;

    // The same batch again: nothing new is counted, each refused event keeps one letter.
    let again = ingest(&app, &t.token, &events).await;
    let mut expected_again: Vec<String> = expected.iter().map(|e| e.to_string()).collect();
    expected_again[..4].iter_mut().for_each(|e| *e = "duplicate".into());
    assert_eq!(outcomes(&again), expected_again);
    assert_eq!(scalar(pool, "SELECT count(*) FROM usage_events").await, 4);
    assert_eq!(
        scalar(pool, "SELECT sum(calls)::int8 FROM usage_hourly WHERE grain = 0").await,
        4
    );
    // The one without a readable id cannot be matched to its letter: it gets another.
    assert_eq!(scalar(pool, "SELECT count(*) FROM usage_dead_letters").await, 14);
    assert_eq!(
        scalar(pool, "SELECT count(*) FROM usage_dead_letters WHERE attempts = 2").await,
        12
    );
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn batches_are_bounded_and_need_events_write(pool: PgPool) {
    let app = spawn_app(pool).await;
    let t = tenants(&app).await;
    let empty = app
        .send_as("POST", "/api/v1/events", &t.token, Some(json!({"events": []})))
        .await;
    assert!(problem(empty, 422).await["errors"]["events"].is_array());
    let many: Vec<Value> = (0..5001).map(|_| event(Utc::now())).collect();
    let res = app
        .send_as("POST", "/api/v1/events", &t.token, Some(json!({"events": many})))
        .await;
    problem(res, 422).await;
    let res = app
        .send_as("POST", "/api/v1/events", &t.token, Some(json!({"events": "all"})))
        .await;
    assert!(res.status().is_client_error());
    assert_eq!(scalar(&app.pool, "SELECT count(*) FROM usage_dead_letters").await, 0);

    // A full batch of 5,000 fits the body limit.
    let full: Vec<Value> = (0..5000).map(|_| event(Utc::now())).collect();
    assert_eq!(ingest(&app, &t.token, &full).await["accepted"], 5000);

    // A token without events:write is refused; one with it only may push.
    let created = post(
        &app,
        &t.token,
        "/api/v1/api-tokens",
        json!({"name": "reader", "permissions": ["telemetry:read"]}),
    )
    .await;
    let reader = created["secret"].as_str().unwrap();
    let res = app
        .send_as(
            "POST",
            "/api/v1/events",
            reader,
            Some(json!({"events": [event(Utc::now())]})),
        )
        .await;
    assert_eq!(problem(res, 403).await["missing_permission"], "events:write");
    let created = post(
        &app,
        &t.token,
        "/api/v1/api-tokens",
        json!({"name": "hub", "permissions": ["events:write"]}),
    )
    .await;
    let hub = created["secret"].as_str().unwrap();
    assert_eq!(ingest(&app, hub, &[event(Utc::now())]).await["accepted"], 1);
    // Replaying or discarding refused events is an admin's decision: not the hub's.
    let res = app
        .send_as(
            "POST",
            "/api/v1/events/dead-letters/replay",
            hub,
            Some(json!({"reason": "unknown_user"})),
        )
        .await;
    assert_eq!(problem(res, 403).await["missing_permission"], "events:manage");
    let res = app
        .send_as(
            "DELETE",
            &format!("/api/v1/events/dead-letters/{}", Uuid::now_v7()),
            hub,
            None,
        )
        .await;
    assert_eq!(problem(res, 403).await["missing_permission"], "events:manage");
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn refused_events_replay_once_the_cause_is_fixed(pool: PgPool) {
    let app = spawn_app(pool).await;
    let t = tenants(&app).await;
    let now = Utc::now();
    let counted = event(now - Duration::minutes(1));
    assert_eq!(
        ingest(&app, &t.token, std::slice::from_ref(&counted)).await["accepted"],
        1
    );
    let suspend = json!({"reason": "unpaid invoice"});
    post(
        &app,
        &t.token,
        &format!("/api/v1/organizations/{}/suspend", t.acme),
        suspend,
    )
    .await;
    let report = ingest(
        &app,
        &t.token,
        &[event(now), with(event(now), json!({"user": "eve@acme.test"})), counted],
    )
    .await;
    // The one counted before the suspension stays counted: a duplicate, not a refusal.
    assert_eq!(
        outcomes(&report),
        [
            "rejected:organization_suspended",
            "rejected:organization_suspended",
            "duplicate"
        ]
    );
    assert!(report["results"][0]["detail"].as_str().unwrap().contains("suspended"));

    post(
        &app,
        &t.token,
        &format!("/api/v1/organizations/{}/activate", t.acme),
        json!({"reason": "paid"}),
    )
    .await;
    let replay = post(
        &app,
        &t.token,
        "/api/v1/events/dead-letters/replay",
        json!({"reason": "organization_suspended"}),
    )
    .await;
    assert_eq!(
        replay,
        json!({"replayed": 2, "accepted": 1, "duplicates": 0, "still_rejected": 1})
    );
    // The other now waits for its user, with the new reason and a second attempt.
    let letters: Value = app
        .get_as("/api/v1/events/dead-letters", &t.token)
        .await
        .json()
        .await
        .unwrap();
    let letter = &letters["items"][0];
    assert_eq!(
        (letter["reason"].as_str(), letter["attempts"].as_i64()),
        (Some("unknown_user"), Some(2))
    );
    assert_eq!(letters["items"].as_array().unwrap().len(), 1);

    post(
        &app,
        &t.token,
        "/api/v1/users",
        json!({"name": "Eve", "email": "eve@acme.test", "organization_id": t.acme}),
    )
    .await;
    let replay = post(
        &app,
        &t.token,
        "/api/v1/events/dead-letters/replay",
        json!({"ids": [letter["id"]]}),
    )
    .await;
    assert_eq!(replay["accepted"], 1);
    assert_eq!(
        scalar(&app.pool, "SELECT sum(calls)::int8 FROM usage_hourly WHERE grain = 0").await,
        3
    );
    assert_eq!(scalar(&app.pool, "SELECT count(*) FROM usage_dead_letters").await, 0);
    // Replaying again finds nothing; replaying needs a selection.
    let replay = post(
        &app,
        &t.token,
        "/api/v1/events/dead-letters/replay",
        json!({"ids": [letter["id"]]}),
    )
    .await;
    assert_eq!(replay["replayed"], 0);
    let res = app
        .send_as("POST", "/api/v1/events/dead-letters/replay", &t.token, Some(json!({})))
        .await;
    problem(res, 422).await;

    // Discarding: gone, audited, 404 after.
    ingest(&app, &t.token, &[with(event(now), json!({"server": "nowhere"}))]).await;
    let letters: Value = app
        .get_as("/api/v1/events/dead-letters", &t.token)
        .await
        .json()
        .await
        .unwrap();
    let path = format!(
        "/api/v1/events/dead-letters/{}",
        letters["items"][0]["id"].as_str().unwrap()
    );
    assert_eq!(app.send_as("DELETE", &path, &t.token, None).await.status(), 204);
    problem(app.send_as("DELETE", &path, &t.token, None).await, 404).await;
    let actions = app.audit_actions().await;
    assert_eq!(
        actions.iter().filter(|a| *a == "usage.dead_letters_replayed").count(),
        2
    );
    assert!(actions.contains(&"usage.dead_letter_discarded".to_owned()));
}

/// Random events, ingested in random batches (some concurrently), add up in every
/// rollup to exactly what the raw events add up to.
#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn rollups_equal_raw_event_totals_for_random_data(pool: PgPool) {
    let app = spawn_app(pool).await;
    let t = tenants(&app).await;
    let now = Utc::now();
    for seed in [1u64, 2, 3] {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut events = Vec::new();
        for _ in 0..600 {
            let time = now - Duration::seconds(rng.random_range(0..3 * 86_400));
            let failed = rng.random_bool(0.1);
            let (org, user, server) = if rng.random_bool(0.7) {
                ("acme", t.ada.as_str(), "github")
            } else {
                (
                    "beta",
                    "bob@beta.test",
                    if rng.random_bool(0.5) { "github" } else { "beta-tools" },
                )
            };
            let tool = ["search", "read", "write"][rng.random_range(0..3)];
            let mut e = json!({
                "id": Uuid::now_v7(), "time": time, "organization": org, "user": user, "server": server,
                "tool": tool,
                "status": if failed { "error" } else { "ok" },
                "latency_ms": rng.random_range(0..5000),
                "input_tokens": rng.random_range(0..10_000), "output_tokens": rng.random_range(0..2000),
                "cached_tokens": rng.random_range(0..500),
                "cost_usd": f64::from(rng.random_range(0..100_000)) / 1e6,
            });
            if failed {
                let kind = ["timeout", "tool_error"][rng.random_range(0..2)];
                e["error_type"] = json!(kind);
            }
            if rng.random_bool(0.8) {
                let model = ["sonnet", "haiku"][rng.random_range(0..2)];
                e["model"] = json!(model);
            }
            events.push(e);
        }
        // Resend a few: they must not count.
        let resent: Vec<Value> = events[..50].to_vec();
        let mut batches = Vec::new();
        let mut rest = &events[..];
        while !rest.is_empty() {
            let n = rng.random_range(1..=150).min(rest.len());
            batches.push(rest[..n].to_vec());
            rest = &rest[n..];
        }
        batches.push(resent);
        // Days are sealed while the batches go in: a day's daily rows hold all of its
        // hours or the day is dirty, never half a batch.
        let done = std::sync::atomic::AtomicBool::new(false);
        let (answers, sealed) = tokio::join!(
            async {
                let answers = futures::future::join_all(batches.iter().map(|b| ingest(&app, &t.token, b))).await;
                done.store(true, std::sync::atomic::Ordering::Release);
                answers
            },
            async {
                // Sealing over and over until the last batch is in, then once more.
                let mut sealed = 0;
                while !done.load(std::sync::atomic::Ordering::Acquire) {
                    sealed += omni_admin::usage::days::seal(&app.pool).await.unwrap().days;
                    tokio::time::sleep(std::time::Duration::from_millis(2)).await;
                }
                sealed + omni_admin::usage::days::seal(&app.pool).await.unwrap().days
            }
        );
        let accepted: i64 = answers.iter().map(|a| a["accepted"].as_i64().unwrap()).sum();
        assert_eq!(accepted, 600, "seed {seed}");
        if seed == 1 {
            assert!(sealed > 0);
        }
        check_rollups(&app.pool).await;
    }
    let total = scalar(&app.pool, "SELECT count(*) FROM usage_events").await;
    assert_eq!(total, 1800);
    // A late event for a sealed day makes it dirty until it is sealed again.
    omni_admin::usage::days::seal(&app.pool).await.unwrap();
    let late = event(now - Duration::days(2));
    assert_eq!(ingest(&app, &t.token, &[late]).await["accepted"], 1);
    assert_eq!(
        scalar(&app.pool, "SELECT count(*) FROM usage_days WHERE dirty").await,
        1
    );
    check_rollups(&app.pool).await;
    assert_eq!(omni_admin::usage::days::seal(&app.pool).await.unwrap().days, 1);
    assert_eq!(
        scalar(&app.pool, "SELECT count(*) FROM usage_days WHERE dirty").await,
        0
    );
    check_rollups(&app.pool).await;
}

/// Each rollup, grain by grain and row by row, against the same sums computed from
/// `usage_events`: every hourly grain, the daily grains of the clean sealed days, of
/// their cuts and of the valid sealed weeks, the histograms bucket by bucket and the
/// errors by type.
pub async fn check_rollups(pool: &PgPool) {
    #[derive(sqlx::FromRow, Debug, PartialEq)]
    struct Row {
        key: String,
        calls: i64,
        errors: i64,
        input_tokens: i64,
        output_tokens: i64,
        cached_tokens: i64,
        cost_micros: i64,
        latency_ms_sum: i64,
        latency: Vec<i64>,
    }
    let buckets = omni_admin::usage::histogram::BUCKETS;
    let measures = format!(
        "sum(calls)::int8 AS calls, sum(errors)::int8 AS errors, sum(input_tokens)::int8 AS input_tokens,
        sum(output_tokens)::int8 AS output_tokens, sum(cached_tokens)::int8 AS cached_tokens,
        sum(cost_micros)::int8 AS cost_micros, sum(latency_ms_sum)::int8 AS latency_ms_sum,
        {}::int8[] AS latency",
        omni_admin::usage::histogram::sum_array("latency")
    );
    let raw = "count(*)::int8 AS calls, count(error_type)::int8 AS errors, sum(input_tokens)::int8 AS input_tokens,
        sum(output_tokens)::int8 AS output_tokens, sum(cached_tokens)::int8 AS cached_tokens,
        sum(cost_micros)::int8 AS cost_micros, sum(latency_ms)::int8 AS latency_ms_sum";
    // The grain's dimensions as they are keyed: a dimension not kept is nil or ''.
    let key = |g: i16, time: &str| {
        let keep = |bit: i16, column: &str, none: &str| {
            if g & bit != 0 {
                column.to_owned()
            } else {
                none.to_owned()
            }
        };
        format!(
            "concat_ws('|', ({time})::text, {}, {}, {}, {}, {})",
            keep(
                Grain::ORGANIZATION,
                "organization_id",
                "'00000000-0000-0000-0000-000000000000'::uuid"
            ),
            keep(
                Grain::SERVER,
                "mcp_server_id",
                "'00000000-0000-0000-0000-000000000000'::uuid"
            ),
            keep(Grain::TOOL, "tool", "''"),
            keep(Grain::MODEL, "model", "''"),
            keep(
                Grain::USER,
                "hub_user_id",
                "'00000000-0000-0000-0000-000000000000'::uuid"
            ),
        )
    };
    let clean_days: Vec<DateTime<Utc>> = sqlx::query_scalar("SELECT day FROM usage_days WHERE NOT dirty")
        .fetch_all(pool)
        .await
        .unwrap();
    let valid_weeks: Vec<DateTime<Utc>> =
        sqlx::query_scalar("SELECT week FROM usage_weeks WHERE usage_week_holds_everything(week, sealed_at)")
            .fetch_all(pool)
            .await
            .unwrap();
    // (grain, table, time column, the raw events' time, what else the rows and the raw
    // events must meet): cuts are a day's events before 06:00, 12:00 or 18:00.
    let whole = |g: &Grain, table, time, truncate| (*g, table, time, truncate, (String::new(), String::new()));
    let tables = Grain::HOURLY
        .iter()
        .map(|g| whole(g, "usage_hourly", "hour", "date_trunc('hour', occurred_at, 'UTC')"))
        .chain(
            Grain::DAILY
                .iter()
                .map(|g| whole(g, "usage_daily", "day", "date_trunc('day', occurred_at, 'UTC')")),
        )
        .chain(Grain::DAILY.iter().flat_map(|g| {
            omni_admin::db::usage::CUTS.map(|hours| {
                (
                    *g,
                    "usage_cuts",
                    "day",
                    "date_trunc('day', occurred_at, 'UTC')",
                    (
                        format!("AND through = day + interval '{hours} hours'"),
                        format!("AND occurred_at < date_trunc('day', occurred_at, 'UTC') + interval '{hours} hours'"),
                    ),
                )
            })
        }))
        .chain(
            Grain::DAILY
                .iter()
                .map(|g| whole(g, "usage_weekly", "week", "date_trunc('week', occurred_at, 'UTC')")),
        );
    for (g, table, time, truncate, (rows_also, events_also)) in tables {
        let days = match table {
            "usage_daily" | "usage_cuts" => Some(clean_days.clone()),
            "usage_weekly" => Some(valid_weeks.clone()),
            _ => None,
        };
        let rolled: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {} AS key, {measures} FROM {table}
             WHERE grain = $1 AND ($2::timestamptz[] IS NULL OR {time} = ANY($2)) {rows_also}
             GROUP BY 1 ORDER BY 1",
            key(g.0, time)
        )))
        .bind(g.0)
        .bind(&days)
        .fetch_all(pool)
        .await
        .unwrap();
        let events: Vec<(String, i32)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {} AS key, latency_ms FROM usage_events
             WHERE ($1::timestamptz[] IS NULL OR {truncate} = ANY($1)) {events_also}",
            key(g.0, truncate)
        )))
        .bind(&days)
        .fetch_all(pool)
        .await
        .unwrap();
        let mut histograms: BTreeMap<String, Vec<i64>> = BTreeMap::new();
        for (k, ms) in events {
            histograms.entry(k).or_insert_with(|| vec![0; buckets])[omni_admin::usage::histogram::bucket(ms.into())] +=
                1;
        }
        let expected: Vec<Row> =
            sqlx::query_as::<_, (String, i64, i64, i64, i64, i64, i64, i64)>(sqlx::AssertSqlSafe(format!(
                "SELECT {} AS key, {raw} FROM usage_events
                 WHERE ($1::timestamptz[] IS NULL OR {truncate} = ANY($1)) {events_also}
                 GROUP BY 1 ORDER BY 1",
                key(g.0, truncate)
            )))
            .bind(&days)
            .fetch_all(pool)
            .await
            .unwrap()
            .into_iter()
            .map(|r| Row {
                latency: histograms[&r.0].clone(),
                key: r.0,
                calls: r.1,
                errors: r.2,
                input_tokens: r.3,
                output_tokens: r.4,
                cached_tokens: r.5,
                cost_micros: r.6,
                latency_ms_sum: r.7,
            })
            .collect();
        assert!(!expected.is_empty() || days.is_some(), "grain {g:?}: no events");
        assert_eq!(rolled, expected, "{table}, grain {g:?}");
    }
    for g in Grain::ERRORS {
        let error_key = |time: &str| key(g.0, time).replacen("concat_ws('|', ", "concat_ws('|', error_type, ", 1);
        let rolled: Vec<(String, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {} AS key, sum(errors)::int8 FROM usage_hourly_errors WHERE grain = $1 GROUP BY 1 ORDER BY 1",
            error_key("hour")
        )))
        .bind(g.0)
        .fetch_all(pool)
        .await
        .unwrap();
        let expected: Vec<(String, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {} AS key, count(*)::int8 FROM usage_events WHERE error_type IS NOT NULL GROUP BY 1 ORDER BY 1",
            error_key("date_trunc('hour', occurred_at, 'UTC')")
        )))
        .fetch_all(pool)
        .await
        .unwrap();
        assert_eq!(rolled, expected, "errors, grain {g:?}");
    }
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn retention_deletes_old_raw_events_and_keeps_rollups(pool: PgPool) {
    let app = spawn_app(pool).await;
    let t = tenants(&app).await;
    let now = Utc::now();
    let events: Vec<Value> = (0..30).map(|d| event(now - Duration::days(d))).collect();
    assert_eq!(ingest(&app, &t.token, &events).await["accepted"], 30);
    let deleted = omni_admin::usage::retention::purge(&app.pool, 7).await.unwrap();
    // Kept a day past the 7 days ingestion accepts: days 8..29 go (day 8 by the few
    // seconds since `now`).
    assert_eq!(deleted, 22);
    assert_eq!(scalar(&app.pool, "SELECT count(*) FROM usage_events").await, 8);
    assert_eq!(omni_admin::usage::days::seal(&app.pool).await.unwrap().days, 29);
    for g in Grain::HOURLY {
        let sql = format!("SELECT sum(calls)::int8 FROM usage_hourly WHERE grain = {}", g.0);
        assert_eq!(scalar(&app.pool, &sql).await, 30, "{g:?}");
    }
    // Every day but today is sealed, from the hourly rows (kept).
    for g in Grain::DAILY {
        let sql = format!("SELECT sum(calls)::int8 FROM usage_daily WHERE grain = {}", g.0);
        assert_eq!(scalar(&app.pool, &sql).await, 29, "{g:?}");
    }
    assert_eq!(omni_admin::usage::retention::purge(&app.pool, 7).await.unwrap(), 0);
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn events_without_a_cost_are_priced_from_the_model(pool: PgPool) {
    let app = spawn_app(pool).await;
    let t = tenants(&app).await;
    let bad = json!({"models": [
        {"model": "sonnet", "input_usd_per_mtok": 3.0, "output_usd_per_mtok": 15.0},
        {"model": "sonnet", "input_usd_per_mtok": -1.0, "output_usd_per_mtok": 1.0},
    ]});
    let res = app
        .send_as("PUT", "/api/v1/settings/model-prices", &t.token, Some(bad))
        .await;
    let body = problem(res, 422).await;
    assert!(body["errors"]["models[1].model"].is_array(), "{body}");
    assert!(body["errors"]["models[1].input_usd_per_mtok"].is_array(), "{body}");
    let prices = json!({"models": [
        {"model": "sonnet", "input_usd_per_mtok": 3.0, "output_usd_per_mtok": 15.0, "cached_usd_per_mtok": 0.3},
    ]});
    let res = app
        .send_as("PUT", "/api/v1/settings/model-prices", &t.token, Some(prices.clone()))
        .await;
    assert_eq!(res.status(), 200);
    let stored: Value = app
        .get_as("/api/v1/settings/model-prices", &t.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(stored, prices);

    let priced = with(
        event(Utc::now()),
        json!({"model": "sonnet", "cost_usd": null, "input_tokens": 1_000_000, "output_tokens": 100_000, "cached_tokens": 10_000}),
    );
    let unpriced = with(event(Utc::now()), json!({"model": "mystery", "cost_usd": null}));
    let spaced = with(
        event(Utc::now()),
        json!({"model": " sonnet ", "cost_usd": null, "input_tokens": 1_000_000, "output_tokens": 0}),
    );
    assert_eq!(ingest(&app, &t.token, &[priced, unpriced, spaced]).await["accepted"], 3);
    // $3 + $1.50 + $0.003, and $3 for the model named with spaces around it
    assert_eq!(
        scalar(&app.pool, "SELECT sum(cost_micros)::int8 FROM usage_events").await,
        7_503_000
    );
    assert!(
        app.audit_actions()
            .await
            .contains(&"settings.model_prices_changed".to_owned())
    );
}

/// What PostgreSQL cannot store (NUL, lone surrogates) refuses only its own event, and
/// ids are ids in any spelling.
#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn unstorable_text_refuses_only_its_event_and_ids_match_in_any_case(pool: PgPool) {
    let app = spawn_app(pool).await;
    let t = tenants(&app).await;
    let now = Utc::now();
    let events = vec![
        with(event(now), json!({"tool": "a\u{0}b"})),
        with(event(now), json!({"status": "a\u{0}"})),
        with(
            event(now),
            json!({"organization": t.acme.to_uppercase(), "server": format!("{{{}}}", t.github)}),
        ),
    ];
    let mut body = serde_json::to_string(&json!({ "events": events })).unwrap();
    // A lone surrogate, which serde_json's `json!` cannot build.
    body = body.replacen("\"status\":\"ok\"", "\"status\":\"ok\",\"x\":\"\\ud800\"", 1);
    let res = app
        .client
        .post(app.url("/api/v1/events"))
        .bearer_auth(&t.token)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let report: Value = res.json().await.unwrap();
    assert_eq!(outcomes(&report), ["rejected:invalid", "rejected:invalid", "accepted"]);
    let letters: Value = app
        .get_as("/api/v1/events/dead-letters", &t.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(letters["items"].as_array().unwrap().len(), 2);
    // Replaying them refuses them again (the NUL is kept as U+0001, still a control character).
    let replay = post(
        &app,
        &t.token,
        "/api/v1/events/dead-letters/replay",
        json!({"reason": "invalid"}),
    )
    .await;
    assert_eq!(replay["still_rejected"], 2);
    let res = app.get_as("/api/v1/analytics/overview?tool=a%00b", &t.token).await;
    assert!(problem(res, 422).await["errors"]["tool"].is_array());
}
