//! Analytics views and the dashboard (SPEC ANA-2..4, DASH-1..4) over real HTTP: known
//! events in, the numbers out, for every filter; CSV equal to JSON; percentiles within
//! one bucket of the exact value.

mod common;

use chrono::{DateTime, Duration, DurationRound, TimeDelta, Utc};
use common::usage::{Tenants, event, ingest, post, tenants, with};
use common::{TestApp, problem, spawn_app};
use serde_json::{Value, json};
use sqlx::PgPool;
use uuid::Uuid;

/// Midnight (UTC) three days ago: a fixed frame for known events.
fn base() -> DateTime<Utc> {
    Utc::now().duration_trunc(TimeDelta::days(1)).unwrap() - Duration::days(3)
}

/// Six calls: ada (acme) on github/search ×3 on day 0 at 10:00 (one failed), bob (beta)
/// on github/read on day 1 at 03:00 and on beta-tools/write ×2 on day 1 at 23:30.
async fn known_events(app: &TestApp, t: &Tenants) {
    let b = base();
    let ada = |h: i64, m: i64| event(b + Duration::hours(h) + Duration::minutes(m));
    let bob = |at: DateTime<Utc>, server: &str, tool: &str| {
        with(
            event(at),
            json!({"organization": "beta", "user": "bob@beta.test", "server": server, "tool": tool,
                   "model": "haiku", "cost_usd": 0.5, "latency_ms": 2000}),
        )
    };
    let events = vec![
        with(ada(10, 0), json!({"latency_ms": 100, "cost_usd": 1.0})),
        with(ada(10, 5), json!({"latency_ms": 200, "cost_usd": 1.0})),
        with(
            ada(10, 10),
            json!({"latency_ms": 30000, "cost_usd": 1.0, "status": "error", "error_type": "timeout"}),
        ),
        bob(b + Duration::hours(27), "github", "read"),
        bob(b + Duration::hours(47) + Duration::minutes(30), "beta-tools", "write"),
        bob(b + Duration::hours(47) + Duration::minutes(31), "beta-tools", "write"),
    ];
    assert_eq!(ingest(app, &t.token, &events).await["accepted"], 6);
}

async fn get(app: &TestApp, token: &str, path: &str) -> Value {
    let res = app.get_as(path, token).await;
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert_eq!(status, 200, "{path}: {body}");
    body
}

fn range() -> String {
    let b = base();
    format!("from={}&to={}", enc(b), enc(b + Duration::days(3)))
}

fn enc(t: DateTime<Utc>) -> String {
    t.to_rfc3339().replace('+', "%2B")
}

/// The same answers from the hourly rows alone and once the days are sealed (whole
/// days from the daily rows, the rest from the hourly ones).
#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn views_add_up_and_every_filter_narrows_them(pool: PgPool) {
    let app = spawn_app(pool).await;
    let t = tenants(&app).await;
    known_events(&app, &t).await;
    views_add_up(&app, &t).await;
    assert_eq!(omni_admin::usage::days::seal(&app.pool).await.unwrap().days, 2);
    views_add_up(&app, &t).await;
    // A late event makes its day dirty: read from the hours until sealed again.
    let late = with(event(base() + Duration::hours(30)), json!({"cost_usd": 0.25}));
    assert_eq!(ingest(&app, &t.token, &[late]).await["accepted"], 1);
    let all = get(&app, &t.token, &format!("/api/v1/analytics/overview?{}", range())).await;
    assert_eq!(all["current"]["calls"], 7);
    assert_eq!(all["current"]["cost_usd"], 4.75);
}

async fn views_add_up(app: &TestApp, t: &Tenants) {
    let (app, tok, r) = (app, &t.token, range());

    let all = get(app, tok, &format!("/api/v1/analytics/overview?{r}")).await;
    let cur = &all["current"];
    assert_eq!((cur["calls"].as_i64(), cur["errors"].as_i64()), (Some(6), Some(1)));
    assert_eq!(cur["cost_usd"], 4.5);
    assert_eq!(all["active_users"], 2);
    assert_eq!(all["previous"]["calls"], 0);
    assert_eq!(all["scope"]["bucket"], "day");
    // p50 of 100, 200, 2000 ×3, 30000 is 2000 (bucket [1448, 2048)).
    let p50 = cur["p50_ms"].as_f64().unwrap();
    assert!((1448.0..2048.0).contains(&p50), "{p50}");

    let calls = |v: &Value| v["current"]["calls"].as_i64().unwrap();
    let acme = get(
        app,
        tok,
        &format!("/api/v1/analytics/overview?{r}&organization={}", t.acme),
    )
    .await;
    assert_eq!(calls(&acme), 3);
    let github = get(app, tok, &format!("/api/v1/analytics/overview?{r}&server={}", t.github)).await;
    assert_eq!(calls(&github), 4);
    // Users by server come from the base rollup's hours and its daily sums.
    assert_eq!(github["active_users"], 2);
    let bobs_tools = get(
        app,
        tok,
        &format!("/api/v1/analytics/breakdown?{r}&by=tool&sort=calls&user={}", t.bob),
    )
    .await;
    let tools: Vec<(&str, i64)> = bobs_tools["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["label"].as_str().unwrap(), g["calls"].as_i64().unwrap()))
        .collect();
    assert_eq!(tools, [("write", 2), ("read", 1)]);
    let bob = get(app, tok, &format!("/api/v1/analytics/overview?{r}&user={}", t.bob)).await;
    assert_eq!((calls(&bob), bob["active_users"].as_i64()), (3, Some(1)));
    let write = get(app, tok, &format!("/api/v1/analytics/overview?{r}&tool=write")).await;
    assert_eq!(calls(&write), 2);
    // A range cut inside a day still counts exactly (edges from the hourly rollup).
    let b = base();
    let cut = format!(
        "from={}&to={}",
        enc(b + Duration::hours(10)),
        enc(b + Duration::hours(28))
    );
    let part = get(app, tok, &format!("/api/v1/analytics/overview?{cut}")).await;
    assert_eq!(calls(&part), 4);
    // A range holding a whole day and parts of others.
    let mixed = format!(
        "from={}&to={}",
        enc(b + Duration::hours(11)),
        enc(b + Duration::days(3))
    );
    let mixed = get(app, tok, &format!("/api/v1/analytics/overview?{mixed}")).await;
    assert_eq!((calls(&mixed), mixed["active_users"].as_i64()), (3, Some(1)));
    assert_eq!(mixed["current"]["cost_usd"], 1.5);
    // The previous period of a later range holds these calls.
    let later = format!("from={}&to={}", enc(b + Duration::days(3)), enc(b + Duration::days(6)));
    let later = get(app, tok, &format!("/api/v1/analytics/overview?{later}")).await;
    assert_eq!(later["previous"]["calls"], 6);

    // Series: one point per day, empty ones included; New York's days start 5 h later.
    let series = get(app, tok, &format!("/api/v1/analytics/timeseries?{r}&bucket=day")).await;
    let per_day: Vec<i64> = series["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["calls"].as_i64().unwrap())
        .collect();
    assert_eq!(per_day, [3, 3, 0]);
    let ny = get(
        app,
        tok,
        &format!("/api/v1/analytics/timeseries?{r}&bucket=day&tz=America/New_York"),
    )
    .await;
    let per_day: Vec<i64> = ny["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["calls"].as_i64().unwrap())
        .collect();
    // Day 0 10:00Z and day 1 03:00Z are both on day 0 in New York (UTC-5 in winter or -4).
    assert_eq!(per_day.iter().sum::<i64>(), 6);
    assert!(per_day.contains(&4), "{per_day:?}");
    let hourly = get(
        app,
        tok,
        &format!("/api/v1/analytics/timeseries?{r}&bucket=hour&user={}", t.bob),
    )
    .await;
    assert_eq!(hourly["points"].as_array().unwrap().len(), 72);

    // Breakdowns, with labels, shares and the rest summed.
    let by_server = get(app, tok, &format!("/api/v1/analytics/breakdown?{r}&by=server")).await;
    let groups = by_server["groups"].as_array().unwrap();
    assert_eq!(groups[0]["label"], "github");
    assert_eq!(groups[0]["cost_usd"], 3.5);
    assert!((groups[0]["cost_share"].as_f64().unwrap() - 3.5 / 4.5).abs() < 1e-9);
    let by_tool = get(
        app,
        tok,
        &format!("/api/v1/analytics/breakdown?{r}&by=tool&sort=calls&limit=1"),
    )
    .await;
    assert_eq!(by_tool["groups"][0]["label"], "search");
    assert_eq!(by_tool["groups"][0]["server"], t.github.as_str());
    assert_eq!(by_tool["groups"][0]["server_name"], "github");
    assert_eq!(by_tool["others"]["calls"], 3);
    // The rest is the total less the listed groups, percentiles included: bob's three
    // calls of 2000 ms.
    let p50 = by_tool["others"]["p50_ms"].as_f64().unwrap();
    assert!((1448.0..2048.0).contains(&p50), "{p50}");
    let slowest = get(app, tok, &format!("/api/v1/analytics/breakdown?{r}&by=user&sort=p95")).await;
    assert_eq!(slowest["groups"][0]["label"], "ada@acme.test");
    assert_eq!(slowest["groups"][1]["label"], "bob@beta.test");
    let by_user = get(
        app,
        tok,
        &format!("/api/v1/analytics/breakdown?{r}&by=user&organization={}", t.acme),
    )
    .await;
    assert_eq!(by_user["groups"].as_array().unwrap().len(), 1);
    assert_eq!(by_user["groups"][0]["label"], "ada@acme.test");
    // A listed group's percentiles are its own: ada's 100, 200 and 30,000 ms.
    let p50 = by_user["groups"][0]["p50_ms"].as_f64().unwrap();
    assert!((181.0..256.0).contains(&p50), "{p50}");
    let by_org = get(
        app,
        tok,
        &format!("/api/v1/analytics/breakdown?{r}&by=organization&sort=calls"),
    )
    .await;
    assert_eq!(by_org["groups"][0]["label"], "Acme");
    let by_model = get(app, tok, &format!("/api/v1/analytics/breakdown?{r}&by=model")).await;
    let models: Vec<&str> = by_model["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["key"].as_str().unwrap())
        .collect();
    assert_eq!(models, ["claude-sonnet", "haiku"]);

    let errors = get(app, tok, &format!("/api/v1/analytics/errors?{r}")).await;
    assert_eq!(errors["by_type"], json!([{"error_type": "timeout", "errors": 1}]));
    let none = get(
        app,
        tok,
        &format!("/api/v1/analytics/errors?{r}&organization={}", Uuid::now_v7()),
    )
    .await;
    assert_eq!(none["by_type"], json!([]));

    let heat = get(app, tok, &format!("/api/v1/analytics/heatmap?{r}")).await;
    let cells = heat["cells"].as_array().unwrap();
    assert_eq!(cells.len(), 168);
    let weekday = base().format("%u").to_string().parse::<usize>().unwrap() - 1;
    assert_eq!(cells[weekday * 24 + 10]["calls"], 3);
    assert_eq!(cells.iter().map(|c| c["calls"].as_i64().unwrap()).sum::<i64>(), 6);
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn bad_questions_get_field_errors(pool: PgPool) {
    let app = spawn_app(pool).await;
    let token = app.owner_token().await;
    for (query, field) in [
        ("tz=Mars/Olympus", "tz"),
        ("bucket=fortnight", "bucket"),
        ("from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z", "from"),
        ("from=yesterday", "from"),
        (
            "from=2025-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&bucket=hour",
            "bucket",
        ),
        ("from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", "to"),
        ("server=github", "server"),
    ] {
        let res = app.get_as(&format!("/api/v1/analytics/overview?{query}"), &token).await;
        let body = problem(res, 422).await;
        assert!(body["errors"][field].is_array(), "{query}: {body}");
    }
    let res = app.get_as("/api/v1/analytics/breakdown", &token).await;
    assert!(problem(res, 422).await["errors"]["by"].is_array());
    let res = app
        .get_as("/api/v1/analytics/breakdown?by=user&limit=500", &token)
        .await;
    assert!(problem(res, 422).await["errors"]["limit"].is_array());
    problem(app.get_as("/api/v1/analytics/nothing/export", &token).await, 404).await;
}

/// Parses CSV into rows of cells.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn csv_exports_hold_the_same_numbers_as_the_views(pool: PgPool) {
    let app = spawn_app(pool).await;
    let t = tenants(&app).await;
    known_events(&app, &t).await;
    let r = range();
    let export = |view: &str, extra: &str| {
        let path = format!("/api/v1/analytics/{view}/export?{r}{extra}");
        let (app, token) = (&app, &t.token);
        async move {
            let res = app.get_as(&path, token).await;
            assert_eq!(res.status(), 200, "{path}");
            assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
            csv_rows(&res.text().await.unwrap())
        }
    };
    let series = get(&app, &t.token, &format!("/api/v1/analytics/timeseries?{r}&bucket=hour")).await;
    let rows = export("timeseries", "&bucket=hour").await;
    assert_eq!(rows[0][..3], ["start", "calls", "errors"]);
    let points = series["points"].as_array().unwrap();
    assert_eq!(rows.len() - 1, points.len());
    for (row, point) in rows[1..].iter().zip(points) {
        let start: DateTime<Utc> = row[0].parse().unwrap();
        assert_eq!(
            start,
            point["start"].as_str().unwrap().parse::<DateTime<Utc>>().unwrap()
        );
        assert_eq!(row[1], point["calls"].to_string());
        assert_eq!(row[4].parse::<f64>().unwrap(), point["cost_usd"].as_f64().unwrap());
    }
    let breakdown = get(&app, &t.token, &format!("/api/v1/analytics/breakdown?{r}&by=user")).await;
    let rows = export("breakdown", "&by=user").await;
    for (row, group) in rows[1..].iter().zip(breakdown["groups"].as_array().unwrap()) {
        assert_eq!(
            (row[0].as_str(), row[1].as_str()),
            (group["key"].as_str().unwrap(), group["label"].as_str().unwrap())
        );
        assert_eq!(row[4], group["calls"].to_string());
        assert_eq!(row[12], group["p95_ms"].to_string());
    }
    let overview = get(&app, &t.token, &format!("/api/v1/analytics/overview?{r}")).await;
    let rows = export("overview", "").await;
    assert_eq!(rows[1][0], "current");
    assert_eq!(rows[1][3], overview["active_users"].to_string());
    assert_eq!(rows[1][4], overview["current"]["calls"].to_string());
    let rows = export("errors", "").await;
    assert_eq!(rows[1][1..], ["timeout", "1"]);
    let rows = export("heatmap", "").await;
    assert_eq!(rows.len(), 169);
    assert_eq!(rows[1..].iter().map(|r| r[2].parse::<i64>().unwrap()).sum::<i64>(), 6);
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn percentiles_stay_within_one_bucket_of_the_exact_value(pool: PgPool) {
    use rand::{Rng, SeedableRng};
    let app = spawn_app(pool).await;
    let t = tenants(&app).await;
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let b = base();
    let mut latencies = Vec::new();
    let events: Vec<Value> = (0..2000)
        .map(|i| {
            // A long tail: mostly fast, some very slow.
            let ms: i64 = if rng.random_bool(0.9) {
                rng.random_range(5..400)
            } else {
                rng.random_range(400..60_000)
            };
            latencies.push(ms);
            with(event(b + Duration::minutes(i * 2)), json!({"latency_ms": ms}))
        })
        .collect();
    assert_eq!(ingest(&app, &t.token, &events).await["accepted"], 2000);
    latencies.sort_unstable();
    let overview = get(&app, &t.token, &format!("/api/v1/analytics/overview?{}", range())).await;
    use omni_admin::usage::histogram::bucket;
    for (q, field) in [(0.5, "p50_ms"), (0.95, "p95_ms"), (0.99, "p99_ms")] {
        let exact = latencies[((q * 2000.0) as usize).saturating_sub(1)];
        let estimate = overview["current"][field].as_f64().unwrap();
        assert!(
            bucket(estimate.round() as i64).abs_diff(bucket(exact)) <= 1,
            "{field}: exact {exact}, estimate {estimate}"
        );
    }
}

#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn the_dashboard_shows_cards_charts_health_and_activity(pool: PgPool) {
    let app = spawn_app(pool).await;
    let t = tenants(&app).await;
    // At the start of this hour (never in the next one, however close it is), and a
    // day and an hour before.
    let this_hour = Utc::now().duration_trunc(TimeDelta::hours(1)).unwrap();
    let events = vec![
        with(event(this_hour), json!({"cost_usd": 2.0})),
        with(event(this_hour - Duration::hours(25)), json!({"cost_usd": 1.0})),
    ];
    ingest(&app, &t.token, &events).await;
    // Organizations and a server's delete impact count the last 30 days.
    let acme = get(&app, &t.token, &format!("/api/v1/organizations/{}", t.acme)).await;
    assert_eq!(
        (acme["calls_30d"].as_i64(), acme["cost_30d_usd"].as_f64()),
        (Some(2), Some(3.0))
    );
    let orgs = get(&app, &t.token, "/api/v1/organizations?q=acme").await;
    assert_eq!(orgs["items"][0]["calls_30d"], 2);
    let impact = get(&app, &t.token, &format!("/api/v1/mcp-servers/{}/impact", t.github)).await;
    assert_eq!(impact["calls_30d"], 2);

    let d = get(&app, &t.token, "/api/v1/dashboard?tz=UTC").await;
    assert_eq!(d["cards"]["active_users"], json!({"value": 1.0, "previous": 1.0}));
    assert_eq!(d["cards"]["active_servers"]["value"], 1.0);
    assert_eq!(d["cards"]["calls_today"]["value"], 1.0);
    assert_eq!(d["calls_per_hour"].as_array().unwrap().len(), 24);
    assert_eq!(d["calls_per_hour"][23]["calls"], 1, "{}", d["calls_per_hour"]);
    assert_eq!(d["cost_by_server"][0]["name"], "github");
    let tiles = d["health"].as_array().unwrap();
    assert_eq!(tiles.len(), 2);
    assert!(tiles.iter().all(|tile| tile["status"] == "unknown"), "{tiles:?}");
    let activity = d["activity"].as_array().unwrap();
    assert!(activity.iter().any(|a| a["kind"] == "usage"
        && a["actor"] == "ada@acme.test"
        && a["summary"] == "github/search"
        && a["server_id"] == t.github.as_str()));
    assert!(activity.iter().any(|a| a["kind"] == "audit"));

    // Scoped to beta: none of acme's usage, beta's servers and the global ones.
    let scoped = get(&app, &t.token, &format!("/api/v1/dashboard?organization={}", t.acme)).await;
    assert_eq!(scoped["cards"]["calls_today"]["value"], 1.0);
    assert!(
        scoped["activity"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["kind"] == "usage")
    );
    assert_eq!(scoped["health"].as_array().unwrap().len(), 1);

    // A telemetry-only token sees no health grid and no admin actions.
    let created = post(
        &app,
        &t.token,
        "/api/v1/api-tokens",
        json!({"name": "tv", "permissions": ["telemetry:read"]}),
    )
    .await;
    let tv = created["secret"].as_str().unwrap();
    let d = get(&app, tv, "/api/v1/dashboard").await;
    assert!(d["health"].is_null());
    assert!(d["activity"].as_array().unwrap().iter().all(|a| a["kind"] == "usage"));
    let res = app.get_as("/api/v1/dashboard?tz=Nowhere", &t.token).await;
    problem(res, 422).await;
}

/// New York's clocks went back on 2026-11-01 at 06:00Z (02:00 EDT → 01:00 EST): its
/// local 01:00 happened twice. Hourly points stay one per real hour.
#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn hourly_points_are_real_hours_across_a_clock_change(pool: PgPool) {
    // Events of a fixed date in the past: a retention long enough to take them.
    let app = common::spawn_with(pool, common::config(&[("OMNI_USAGE_RETENTION_DAYS", "3650")])).await;
    let t = tenants(&app).await;
    let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
    let events = vec![
        event(at("2026-11-01T05:30:00Z")),
        event(at("2026-11-01T06:30:00Z")),
        event(at("2026-11-01T06:40:00Z")),
    ];
    assert_eq!(ingest(&app, &t.token, &events).await["accepted"], 3);
    let range = format!(
        "from={}&to={}",
        enc(at("2026-11-01T04:00:00Z")),
        enc(at("2026-11-01T08:00:00Z"))
    );
    let series = get(
        &app,
        &t.token,
        &format!("/api/v1/analytics/timeseries?{range}&bucket=hour&tz=America/New_York"),
    )
    .await;
    let points: Vec<(String, i64)> = series["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["start"].as_str().unwrap().to_owned(), p["calls"].as_i64().unwrap()))
        .collect();
    let starts: Vec<&str> = points.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(
        starts,
        [
            "2026-11-01T04:00:00Z",
            "2026-11-01T05:00:00Z",
            "2026-11-01T06:00:00Z",
            "2026-11-01T07:00:00Z"
        ]
    );
    let calls: Vec<i64> = points.iter().map(|(_, c)| *c).collect();
    assert_eq!(calls, [0, 1, 2, 0]);
    let errors = get(
        &app,
        &t.token,
        &format!("/api/v1/analytics/errors?{range}&bucket=hour&tz=America/New_York"),
    )
    .await;
    assert_eq!(errors["points"], json!([]));
}

/// `n` events at random times in `[from, to)` from Ada and five more users of Acme, with
/// random latencies and costs, posted through the API.
async fn random_events(app: &TestApp, t: &Tenants, n: usize, from: DateTime<Utc>, to: DateTime<Utc>) {
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    let mut emails = vec!["ada@acme.test".to_owned()];
    for i in 0..5 {
        let email = format!("user{i}@acme.test");
        post(
            app,
            &t.token,
            "/api/v1/users",
            json!({"name": format!("User {i}"), "email": email, "organization_id": t.acme}),
        )
        .await;
        emails.push(email);
    }
    let mut rng = StdRng::seed_from_u64(7);
    let minutes = (to - from).num_minutes();
    let events: Vec<Value> = (0..n)
        .map(|_| {
            let at = from + Duration::minutes(rng.random_range(0..minutes));
            with(
                event(at),
                json!({"user": emails[rng.random_range(0..emails.len())],
                       "latency_ms": rng.random_range(1..20_000),
                       "cost_usd": f64::from(rng.random_range(0..50_000)) / 1e6}),
            )
        })
        .collect();
    for batch in events.chunks(300) {
        assert_eq!(ingest(app, &t.token, batch).await["accepted"], batch.len());
    }
}

/// The calls of a range summed over the breakdown by user.
async fn breakdown_calls(app: &TestApp, t: &Tenants, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    let r = format!("from={}&to={}&by=user&limit=50", enc(from), enc(to));
    let breakdown = get(app, &t.token, &format!("/api/v1/analytics/breakdown?{r}")).await;
    breakdown["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["calls"].as_i64().unwrap())
        .sum()
}

/// The raw events of a range.
async fn raw_calls(app: &TestApp, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM usage_events WHERE occurred_at >= $1 AND occurred_at < $2")
        .bind(from)
        .bind(to)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// Asserts that for each range the overview (calls, cost, active users, p95) and the
/// breakdown by user (sorted by calls and by p95) hold the raw events' numbers.
async fn assert_raw_numbers(app: &TestApp, t: &Tenants, ranges: &[(DateTime<Utc>, DateTime<Utc>)], label: &str) {
    for (from, to) in ranges {
        let r = format!("from={}&to={}", enc(*from), enc(*to));
        let raw: Vec<(String, i64, i64, i64)> = sqlx::query_as(
            "SELECT hub_user_id::text, count(*), sum(cost_micros)::int8, count(error_type) FROM usage_events
             WHERE occurred_at >= $1 AND occurred_at < $2 GROUP BY 1 ORDER BY 1",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&app.pool)
        .await
        .unwrap();
        let overview = get(app, &t.token, &format!("/api/v1/analytics/overview?{r}")).await;
        let calls: i64 = raw.iter().map(|u| u.1).sum();
        let micros: i64 = raw.iter().map(|u| u.2).sum();
        assert_eq!(overview["current"]["calls"], calls, "{label} {r}");
        let cost = overview["current"]["cost_usd"].as_f64().unwrap();
        assert_eq!((cost * 1e6).round() as i64, micros, "{label} {r}");
        assert_eq!(overview["active_users"], raw.len(), "{label} {r}");
        for sort in ["calls", "p95"] {
            let breakdown = get(
                app,
                &t.token,
                &format!("/api/v1/analytics/breakdown?{r}&by=user&sort={sort}&limit=50"),
            )
            .await;
            let mut users: Vec<(String, i64, i64)> = breakdown["groups"]
                .as_array()
                .unwrap()
                .iter()
                .map(|g| {
                    let cost = (g["cost_usd"].as_f64().unwrap() * 1e6).round() as i64;
                    (
                        g["key"].as_str().unwrap().to_owned(),
                        g["calls"].as_i64().unwrap(),
                        cost,
                    )
                })
                .collect();
            users.sort();
            let expected: Vec<(String, i64, i64)> = raw.iter().map(|u| (u.0.clone(), u.1, u.2)).collect();
            assert_eq!(users, expected, "{label} {r} sort={sort}");
        }
        // Percentiles from the summed histograms: the raw latencies' buckets.
        let mut exact = [0i64; omni_admin::usage::histogram::BUCKETS];
        let latencies: Vec<i32> =
            sqlx::query_scalar("SELECT latency_ms FROM usage_events WHERE occurred_at >= $1 AND occurred_at < $2")
                .bind(from)
                .bind(to)
                .fetch_all(&app.pool)
                .await
                .unwrap();
        for ms in latencies {
            exact[omni_admin::usage::histogram::bucket(ms.into())] += 1;
        }
        assert_eq!(
            overview["current"]["p95_ms"].as_f64(),
            omni_admin::usage::histogram::quantile(&exact, 0.95),
            "{label} {r}"
        );
    }
}

/// Whole weeks come from the weekly rows, whole days from the daily ones, the rest from
/// the hours, and a sealed week or day reaching past an edge may be read with the hours
/// outside the range subtracted. Whatever the range, the answers are the raw events'
/// numbers, and stay so while a late event leaves its day dirty and its week stale.
#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn weeks_days_and_subtracted_hours_give_the_raw_events_numbers(pool: PgPool) {
    let app = spawn_app(pool).await;
    let t = tenants(&app).await;
    let now = Utc::now();
    random_events(&app, &t, 900, now - Duration::days(40), now).await;
    let sealed = omni_admin::usage::days::seal(&app.pool).await.unwrap();
    assert!(sealed.weeks >= 4, "{sealed:?}");

    let hour = |t: DateTime<Utc>| t.duration_trunc(TimeDelta::hours(1)).unwrap();
    let monday = {
        let day = now.duration_trunc(TimeDelta::days(1)).unwrap();
        day - Duration::days(i64::from(chrono::Datelike::weekday(&day).num_days_from_monday()))
    };
    // Edges inside sealed weeks and days, on their boundaries, and up to now.
    let ranges = [
        (
            monday - Duration::days(28) + Duration::hours(2),
            hour(now) + Duration::hours(1),
        ),
        (
            monday - Duration::days(21) + Duration::hours(21),
            monday - Duration::days(7) + Duration::hours(3),
        ),
        (monday - Duration::days(14), monday - Duration::days(7)),
        (
            monday - Duration::days(35) + Duration::hours(1),
            monday - Duration::days(8) + Duration::hours(23),
        ),
        (
            monday - Duration::days(13) + Duration::hours(5),
            monday - Duration::days(12) + Duration::hours(1),
        ),
        (hour(now) - Duration::days(30), hour(now) + Duration::hours(1)),
    ];
    assert_raw_numbers(&app, &t, &ranges, "sealed").await;
    // A late event in a sealed week: its day is dirty and its week stale, read from the
    // hours until both are sealed again.
    let late = with(
        event(monday - Duration::days(10) + Duration::hours(4)),
        json!({"cost_usd": 0.125, "user": "user3@acme.test"}),
    );
    assert_eq!(ingest(&app, &t.token, &[late]).await["accepted"], 1);
    assert_raw_numbers(&app, &t, &ranges, "dirty").await;
    let again = omni_admin::usage::days::seal(&app.pool).await.unwrap();
    assert_eq!((again.days, again.weeks), (1, 1));
    assert_raw_numbers(&app, &t, &ranges, "sealed again").await;
}

/// A day's hours that are over are summed as its prefix: a range reaching into the day
/// reads the prefix and the hours after it, with the raw events' numbers, while a late
/// event leaves the prefix dirty and after it is summed again or extended. An event after
/// the prefix's end leaves it clean.
#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn a_days_prefix_gives_the_raw_events_numbers(pool: PgPool) {
    let app = spawn_app(pool).await;
    let t = tenants(&app).await;
    let now = Utc::now();
    // Yesterday: never sealed as a day here, so only its prefix is.
    let day = now.duration_trunc(TimeDelta::days(1)).unwrap() - Duration::days(1);
    random_events(&app, &t, 600, day - Duration::days(2), now).await;
    let at = |hours: i64| day + Duration::hours(hours);
    assert!(
        omni_admin::usage::days::seal_prefix(&app.pool, day, at(20))
            .await
            .unwrap()
    );
    let ranges = [
        (at(-30), at(24)),
        (at(-7), at(20)),
        (at(0), at(21)),
        (at(0), at(10)),
        (at(-3), now + Duration::hours(1)),
    ];
    assert_raw_numbers(&app, &t, &ranges, "prefix").await;
    // The answers come from the prefix: a change to its rows shows.
    let moved = sqlx::query("UPDATE usage_prefix SET calls = calls + 1000 WHERE grain = 17 AND day = $1")
        .bind(day)
        .execute(&app.pool)
        .await
        .unwrap()
        .rows_affected();
    assert!(moved > 0);
    let raw = raw_calls(&app, at(0), at(24)).await;
    assert_eq!(
        breakdown_calls(&app, &t, at(0), at(24)).await,
        raw + 1000 * moved as i64
    );
    sqlx::query("UPDATE usage_prefix SET calls = calls - 1000 WHERE grain = 17 AND day = $1")
        .bind(day)
        .execute(&app.pool)
        .await
        .unwrap();

    let dirty = || async {
        sqlx::query_scalar::<_, bool>("SELECT dirty FROM usage_prefixes WHERE day = $1")
            .bind(day)
            .fetch_one(&app.pool)
            .await
            .unwrap()
    };
    // After the prefix's end: it stays clean.
    let after = with(event(at(21) + Duration::minutes(5)), json!({"cost_usd": 0.5}));
    assert_eq!(ingest(&app, &t.token, &[after]).await["accepted"], 1);
    assert!(!dirty().await);
    assert_raw_numbers(&app, &t, &ranges, "after the prefix").await;
    // Inside it: dirty, read from the hours.
    let late = with(event(at(5) + Duration::minutes(10)), json!({"cost_usd": 0.25}));
    assert_eq!(ingest(&app, &t.token, &[late]).await["accepted"], 1);
    assert!(dirty().await);
    assert_raw_numbers(&app, &t, &ranges, "dirty").await;
    // Summed anew, then extended by two hours.
    assert!(
        omni_admin::usage::days::seal_prefix(&app.pool, day, at(20))
            .await
            .unwrap()
    );
    assert!(!dirty().await);
    assert_raw_numbers(&app, &t, &ranges, "summed again").await;
    assert!(
        !omni_admin::usage::days::seal_prefix(&app.pool, day, at(20))
            .await
            .unwrap()
    );
    assert!(
        omni_admin::usage::days::seal_prefix(&app.pool, day, at(22))
            .await
            .unwrap()
    );
    assert_raw_numbers(&app, &t, &ranges, "extended").await;
}

/// A sealed day is cut at 06:00, 12:00 and 18:00 (its first hours summed): a range whose
/// edge falls inside a past day reads a cut and at most three hours, with the raw
/// events' numbers. The cuts are valid exactly while their day is clean: a late event
/// sends the question back to the hours until the day is sealed again, with new cuts.
#[sqlx::test(migrator = "omni_admin::db::MIGRATOR")]
async fn cuts_of_sealed_days_give_the_raw_events_numbers(pool: PgPool) {
    let app = spawn_app(pool).await;
    let t = tenants(&app).await;
    let now = Utc::now();
    let today = now.duration_trunc(TimeDelta::days(1)).unwrap();
    let day = today - Duration::days(2);
    random_events(&app, &t, 700, day - Duration::days(3), now).await;
    omni_admin::usage::days::seal(&app.pool).await.unwrap();
    let at = |hours: i64| day + Duration::hours(hours);
    let cuts: Vec<(DateTime<Utc>, i64)> =
        sqlx::query_as("SELECT through, count(*) FROM usage_cuts WHERE day = $1 AND grain = 17 GROUP BY 1 ORDER BY 1")
            .bind(day)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        cuts.iter().map(|c| c.0).collect::<Vec<_>>(),
        vec![at(6), at(12), at(18)]
    );
    // Edges one hour either side of each cut, on sealed days and up to now.
    let ranges = [
        (at(0), at(13)),
        (at(5), at(24 + 17)),
        (at(-24 + 7), at(19)),
        (at(11), at(24 + 5)),
        (at(-48 + 19), now + Duration::hours(1)),
    ];
    assert_raw_numbers(&app, &t, &ranges, "cuts").await;

    // [day, 13:00) is the noon cut and one hour: a change to the cut's rows shows.
    let calls = || breakdown_calls(&app, &t, at(0), at(13));
    let raw = raw_calls(&app, at(0), at(13)).await;
    assert_eq!(calls().await, raw);
    let moved =
        sqlx::query("UPDATE usage_cuts SET calls = calls + 1000 WHERE grain = 17 AND day = $1 AND through = $2")
            .bind(day)
            .bind(at(12))
            .execute(&app.pool)
            .await
            .unwrap()
            .rows_affected();
    assert!(moved > 0);
    assert_eq!(calls().await, raw + 1000 * moved as i64);

    // A late event: the day is dirty, its cuts (changed one included) are not read.
    let late = with(event(at(3) + Duration::minutes(7)), json!({"cost_usd": 0.25}));
    assert_eq!(ingest(&app, &t.token, &[late]).await["accepted"], 1);
    assert_eq!(calls().await, raw + 1);
    assert_raw_numbers(&app, &t, &ranges, "dirty").await;
    // Sealed again: new cuts, the raw numbers.
    let again = omni_admin::usage::days::seal(&app.pool).await.unwrap();
    assert_eq!(again.days, 1);
    assert_eq!(calls().await, raw + 1);
    assert_raw_numbers(&app, &t, &ranges, "sealed again").await;
}
