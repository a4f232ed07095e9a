//! Usage events, their rollups, dead letters and model prices (SPEC ANA-1, ANA-5).
//! Batches go in as arrays (`unnest`), one statement per table.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use omni_types::usage::{DeadLetter, ModelPrice, RejectReason};
use serde_json::value::RawValue;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use crate::usage::histogram::BUCKETS;
use crate::usage::ingest::Accepted;
use crate::usage::rollup::{ErrorKey, Grain, Key, Totals};

#[derive(Debug, Clone)]
pub struct OrgFacts {
    pub id: Uuid,
    pub slug: String,
    pub suspended: bool,
}

#[derive(Debug, Clone)]
pub struct ServerFacts {
    pub id: Uuid,
    /// Lowercase (names compare without case).
    pub name: String,
    pub organization_id: Option<Uuid>,
}

pub async fn orgs(db: impl PgExecutor<'_>, ids: &[Uuid], slugs: &[String]) -> sqlx::Result<Vec<OrgFacts>> {
    if ids.is_empty() && slugs.is_empty() {
        return Ok(Vec::new());
    }
    sqlx::query_as!(
        OrgFacts,
        r#"SELECT id, slug, status = 'suspended' AS "suspended!"
           FROM organizations WHERE id = ANY($1) OR slug = ANY($2)"#,
        ids,
        slugs
    )
    .fetch_all(db)
    .await
}

pub async fn servers(db: impl PgExecutor<'_>, ids: &[Uuid], names: &[String]) -> sqlx::Result<Vec<ServerFacts>> {
    if ids.is_empty() && names.is_empty() {
        return Ok(Vec::new());
    }
    sqlx::query_as!(
        ServerFacts,
        r#"SELECT id, lower(name) AS "name!", organization_id
           FROM mcp_servers WHERE id = ANY($1) OR lower(name) = ANY($2)"#,
        ids,
        names
    )
    .fetch_all(db)
    .await
}

/// (user, organization) of the users with these ids.
pub async fn users_by_id(db: impl PgExecutor<'_>, ids: &[Uuid]) -> sqlx::Result<Vec<(Uuid, Uuid)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query!("SELECT id, organization_id FROM hub_users WHERE id = ANY($1)", ids)
        .fetch_all(db)
        .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.organization_id)).collect())
}

/// (user, organization, lowercase email) for these (organization, lowercase email) pairs.
pub async fn users_by_email(
    db: impl PgExecutor<'_>,
    keys: &[(Uuid, String)],
) -> sqlx::Result<Vec<(Uuid, Uuid, String)>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let (orgs, emails): (Vec<Uuid>, Vec<String>) = keys.iter().cloned().unzip();
    let rows = sqlx::query!(
        r#"SELECT u.id, u.organization_id, k.email AS "email!"
           FROM unnest($1::uuid[], $2::text[]) AS k (organization_id, email)
           JOIN hub_users u ON u.organization_id = k.organization_id AND lower(u.email) = k.email"#,
        &orgs,
        &emails
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.organization_id, r.email)).collect())
}

/// (user, organization, provider, external id) for these keys.
pub async fn users_by_external_id(
    db: impl PgExecutor<'_>,
    keys: &[(Uuid, String, String)],
) -> sqlx::Result<Vec<(Uuid, Uuid, String, String)>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let orgs: Vec<Uuid> = keys.iter().map(|k| k.0).collect();
    let providers: Vec<String> = keys.iter().map(|k| k.1.clone()).collect();
    let externals: Vec<String> = keys.iter().map(|k| k.2.clone()).collect();
    let rows = sqlx::query!(
        r#"SELECT e.user_id, e.organization_id, e.provider, e.external_id
           FROM unnest($1::uuid[], $2::text[], $3::text[]) AS k (organization_id, provider, external_id)
           JOIN hub_user_external_ids e USING (organization_id, provider, external_id)"#,
        &orgs,
        &providers,
        &externals
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.user_id, r.organization_id, r.provider, r.external_id))
        .collect())
}

/// Inserts the events whose id is new; returns those ids (the rest were sent before).
pub async fn insert_events(db: impl PgExecutor<'_>, events: &[&Accepted]) -> sqlx::Result<Vec<Uuid>> {
    if events.is_empty() {
        return Ok(Vec::new());
    }
    macro_rules! column {
        ($field:ident) => {
            events.iter().map(|e| e.$field.clone()).collect::<Vec<_>>()
        };
    }
    let status: Vec<&str> = events
        .iter()
        .map(|e| if e.error_type.is_some() { "error" } else { "ok" })
        .collect();
    sqlx::query_scalar!(
        r#"INSERT INTO usage_events (id, occurred_at, organization_id, hub_user_id, mcp_server_id, tool, model,
                                     status, error_type, latency_ms, input_tokens, output_tokens, cached_tokens,
                                     cost_micros)
           SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::uuid[], $4::uuid[], $5::uuid[], $6::text[],
                                $7::text[], $8::text[], $9::text[], $10::int4[], $11::int8[], $12::int8[],
                                $13::int8[], $14::int8[])
           ON CONFLICT (id) DO NOTHING
           RETURNING id"#,
        &column!(id),
        &column!(occurred_at),
        &column!(organization_id),
        &column!(hub_user_id),
        &column!(mcp_server_id),
        &column!(tool),
        &column!(model),
        &status as &[&str],
        &column!(error_type) as &[Option<String>],
        &column!(latency_ms),
        &column!(input_tokens),
        &column!(output_tokens),
        &column!(cached_tokens),
        &column!(cost_micros),
    )
    .fetch_all(db)
    .await
}

/// Which of these event ids are counted already.
pub async fn counted(db: impl PgExecutor<'_>, ids: &[Uuid]) -> sqlx::Result<Vec<Uuid>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    sqlx::query_scalar!("SELECT id FROM usage_events WHERE id = ANY($1)", ids)
        .fetch_all(db)
        .await
}

/// The measures of rollup rows as arrays, the histogram as one array per bucket.
struct Measures {
    calls: Vec<i64>,
    errors: Vec<i64>,
    input_tokens: Vec<i64>,
    output_tokens: Vec<i64>,
    cached_tokens: Vec<i64>,
    cost_micros: Vec<i64>,
    latency_ms_sum: Vec<i64>,
    /// One array per bucket: `latency[b][row]`.
    latency: Vec<Vec<i32>>,
}

impl Measures {
    fn with_capacity(n: usize) -> Measures {
        Measures {
            calls: Vec::with_capacity(n),
            errors: Vec::with_capacity(n),
            input_tokens: Vec::with_capacity(n),
            output_tokens: Vec::with_capacity(n),
            cached_tokens: Vec::with_capacity(n),
            cost_micros: Vec::with_capacity(n),
            latency_ms_sum: Vec::with_capacity(n),
            latency: (0..BUCKETS).map(|_| Vec::with_capacity(n)).collect(),
        }
    }

    fn push(&mut self, t: &Totals) {
        self.calls.push(t.calls);
        self.errors.push(t.errors);
        self.input_tokens.push(t.input_tokens);
        self.output_tokens.push(t.output_tokens);
        self.cached_tokens.push(t.cached_tokens);
        self.cost_micros.push(t.cost_micros);
        self.latency_ms_sum.push(t.latency_ms_sum);
        // An hourly row counts at most an hour of calls per bucket: fits an i32.
        for (bucket, &count) in self.latency.iter_mut().zip(&t.latency) {
            bucket.push(count as i32);
        }
    }
}

/// Adds rows of every grain to `usage_hourly`, in the order given (one statement: the
/// rows are locked in that order, the same in every batch).
pub async fn upsert_hourly(db: impl PgExecutor<'_>, grains: &[(Grain, BTreeMap<Key, Totals>)]) -> sqlx::Result<()> {
    let n: usize = grains.iter().map(|(_, rows)| rows.len()).sum();
    if n == 0 {
        return Ok(());
    }
    let mut grain = Vec::with_capacity(n);
    let (mut hour, mut org, mut server, mut tool, mut model, mut user) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let mut m = Measures::with_capacity(n);
    for (g, rows) in grains {
        for (k, t) in rows {
            grain.push(g.0);
            hour.push(k.0);
            org.push(k.1);
            server.push(k.2);
            tool.push(k.3.as_str());
            model.push(k.4.as_str());
            user.push(k.5);
            m.push(t);
        }
    }
    // The histogram goes in as one array per bucket, unnested beside the other columns
    // (no per-row slicing of one long array), and is added bucket by bucket, written out
    // (a function over `unnest` costs twice as much).
    let buckets = |f: &dyn Fn(usize) -> String| (0..BUCKETS).map(f).collect::<Vec<_>>().join(", ");
    let sql = format!(
        "INSERT INTO usage_hourly AS t (grain, hour, organization_id, mcp_server_id, tool, model, hub_user_id, calls,
                                       errors, input_tokens, output_tokens, cached_tokens, cost_micros, latency_ms_sum,
                                       latency)
         SELECT k.g, k.t, k.o, k.s, k.tool, k.model, k.u, k.calls, k.errors, k.i, k.out, k.c, k.cost, k.lat,
                ARRAY[{histogram}]
         FROM unnest($1::int2[], $2::timestamptz[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::uuid[],
                     $8::int8[], $9::int8[], $10::int8[], $11::int8[], $12::int8[], $13::int8[], $14::int8[],
                     {bucket_params})
              AS k (g, t, o, s, tool, model, u, calls, errors, i, out, c, cost, lat, {bucket_names})
         ON CONFLICT (grain, hour, organization_id, mcp_server_id, tool, model, hub_user_id) DO UPDATE SET
             calls = t.calls + EXCLUDED.calls, errors = t.errors + EXCLUDED.errors,
             input_tokens = t.input_tokens + EXCLUDED.input_tokens,
             output_tokens = t.output_tokens + EXCLUDED.output_tokens,
             cached_tokens = t.cached_tokens + EXCLUDED.cached_tokens, cost_micros = t.cost_micros + EXCLUDED.cost_micros,
             latency_ms_sum = t.latency_ms_sum + EXCLUDED.latency_ms_sum, latency = {add}",
        histogram = buckets(&|b| format!("k.b{b}")),
        bucket_params = buckets(&|b| format!("${}::int4[]", 15 + b)),
        bucket_names = buckets(&|b| format!("b{b}")),
        add = crate::usage::histogram::add_arrays("t.latency", "EXCLUDED.latency"),
    );
    // The SQL is ours: a constant but for the bucket count; values bound.
    let query = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(grain)
        .bind(hour)
        .bind(org)
        .bind(server)
        .bind(tool)
        .bind(model)
        .bind(user)
        .bind(m.calls)
        .bind(m.errors)
        .bind(m.input_tokens)
        .bind(m.output_tokens)
        .bind(m.cached_tokens)
        .bind(m.cost_micros)
        .bind(m.latency_ms_sum);
    let query = m.latency.into_iter().fold(query, |q, bucket| q.bind(bucket));
    query.execute(db).await?;
    Ok(())
}

pub async fn upsert_errors(db: impl PgExecutor<'_>, grains: &[(Grain, BTreeMap<ErrorKey, i64>)]) -> sqlx::Result<()> {
    let rows = || {
        grains
            .iter()
            .flat_map(|(g, rows)| rows.iter().map(move |(k, n)| (*g, k, *n)))
    };
    if rows().next().is_none() {
        return Ok(());
    }
    sqlx::query!(
        r#"INSERT INTO usage_hourly_errors AS t (grain, hour, organization_id, mcp_server_id, tool, hub_user_id,
                                                error_type, errors)
           SELECT * FROM unnest($1::int2[], $2::timestamptz[], $3::uuid[], $4::uuid[], $5::text[], $6::uuid[],
                                $7::text[], $8::int8[])
           ON CONFLICT (grain, hour, organization_id, mcp_server_id, tool, hub_user_id, error_type)
           DO UPDATE SET errors = t.errors + EXCLUDED.errors"#,
        &rows().map(|(g, _, _)| g.0).collect::<Vec<_>>(),
        &rows().map(|(_, k, _)| k.0).collect::<Vec<_>>(),
        &rows().map(|(_, k, _)| k.1).collect::<Vec<_>>(),
        &rows().map(|(_, k, _)| k.2).collect::<Vec<_>>(),
        &rows().map(|(_, k, _)| k.3.clone()).collect::<Vec<_>>(),
        &rows().map(|(_, k, _)| k.4).collect::<Vec<_>>(),
        &rows().map(|(_, k, _)| k.5.clone()).collect::<Vec<_>>(),
        &rows().map(|(_, _, n)| n).collect::<Vec<_>>(),
    )
    .execute(db)
    .await?;
    Ok(())
}

/// A transaction that adds to the rollups or seals a day. READ COMMITTED, whatever the
/// database's default: the day protocol (`usage::days`) needs each statement after a
/// lock wait to see what committed before the lock was granted, which a snapshot taken
/// at the transaction's first statement (REPEATABLE READ) would not.
pub async fn begin_rollup_write(db: &sqlx::PgPool) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Postgres>> {
    let mut tx = db.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// The advisory lock of a UTC day's rollups: ingestion holds it shared until COMMIT,
/// the sealing job exclusively while it sums the day.
fn day_lock(day: DateTime<Utc>) -> i64 {
    crate::jobs::locks::USAGE_DAYS + day.timestamp().div_euclid(86_400)
}

/// The advisory lock of a UTC hour's rollups: ingestion holds it shared until COMMIT,
/// the sealing job exclusively while it adds the hour to its day's prefix. Every hour's
/// key is above every day's, so "days, then hours" is one order.
fn hour_lock(hour: DateTime<Utc>) -> i64 {
    crate::jobs::locks::USAGE_HOURS + hour.timestamp().div_euclid(3_600)
}

/// Holds the days and hours a batch adds to (shared, until COMMIT) and marks dirty the
/// sealed days among them, and the prefixes holding one of the hours: their rows no
/// longer hold everything.
pub async fn hold(conn: &mut PgConnection, days: &[DateTime<Utc>], hours: &[DateTime<Utc>]) -> sqlx::Result<()> {
    let locks: Vec<i64> = days
        .iter()
        .map(|&d| day_lock(d))
        .chain(hours.iter().map(|&h| hour_lock(h)))
        .collect();
    sqlx::query!(
        "SELECT pg_advisory_xact_lock_shared(k) FROM unnest($1::int8[]) AS k ORDER BY k",
        &locks
    )
    .fetch_all(&mut *conn)
    .await?;
    // Rows locked in day order, days before prefixes, as every batch does: no deadlock
    // between two.
    sqlx::query!(
        "UPDATE usage_days SET dirty = true
         WHERE day IN (SELECT day FROM usage_days WHERE day = ANY($1) AND NOT dirty ORDER BY day FOR UPDATE)",
        days
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE usage_prefixes SET dirty = true
         WHERE day IN (SELECT p.day FROM usage_prefixes p
                       WHERE p.day = ANY($1) AND NOT p.dirty
                             AND EXISTS (SELECT FROM unnest($2::timestamptz[]) AS h WHERE h >= p.day AND h < p.through)
                       ORDER BY p.day FOR UPDATE)",
        days,
        hours
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Days before `before` with usage that are not sealed, or sealed and dirty.
pub async fn days_to_seal(db: impl PgExecutor<'_>, before: DateTime<Utc>) -> sqlx::Result<Vec<DateTime<Utc>>> {
    sqlx::query_scalar!(
        r#"SELECT date_trunc('day', hour, 'UTC') AS "day!" FROM usage_hourly WHERE grain = 0 AND hour < $1
           EXCEPT SELECT day FROM usage_days WHERE NOT dirty
           ORDER BY 1"#,
        before
    )
    .fetch_all(db)
    .await
}

/// The cuts of a sealed day: its first 6, 12 and 18 hours, summed (`usage_cuts`).
pub const CUTS: [i64; 3] = [6, 12, 18];

/// Sums a day's hourly rows of the daily grains into its cuts and `usage_daily`
/// (replacing what they held), forgets its prefix and marks the day sealed, holding the
/// day's lock: no batch adds to the day meanwhile. Each cut is the one before plus six
/// hours, and the day the last cut plus six: every hour is read once.
pub async fn seal_day(conn: &mut PgConnection, day: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query!("SELECT pg_advisory_xact_lock($1)", day_lock(day))
        .fetch_one(&mut *conn)
        .await?;
    sqlx::query!("DELETE FROM usage_daily WHERE day = $1", day)
        .execute(&mut *conn)
        .await?;
    sqlx::query!("DELETE FROM usage_cuts WHERE day = $1", day)
        .execute(&mut *conn)
        .await?;
    let hours = |h: i64| day + chrono::Duration::hours(h);
    let mut base = None;
    for cut in CUTS.map(hours) {
        sum_hours(&mut *conn, Sum::Cut(cut), day, base, base.unwrap_or(day), cut).await?;
        base = Some(cut);
    }
    sum_hours(&mut *conn, Sum::Day, day, base, base.unwrap_or(day), hours(24)).await?;
    // A question reads the day now, not the prefix it had while it was today.
    sqlx::query!("DELETE FROM usage_prefix WHERE day = $1", day)
        .execute(&mut *conn)
        .await?;
    sqlx::query!("DELETE FROM usage_prefixes WHERE day = $1", day)
        .execute(&mut *conn)
        .await?;
    sqlx::query!(
        "INSERT INTO usage_days (day) VALUES ($1)
         ON CONFLICT (day) DO UPDATE SET dirty = false, sealed_at = now()",
        day
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Where [`sum_hours`] writes: a day's rows, a cut of it (both holding none of them
/// before), or a day's prefix (added to).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sum {
    Day,
    Cut(DateTime<Utc>),
    Prefix,
}

/// Sums the hourly rows of `[from, to)` (hours of `day`) of each daily grain, and the
/// rows of the day's cut ending at `base` if given, into the day's rows of `into`.
async fn sum_hours(
    conn: &mut PgConnection,
    into: Sum,
    day: DateTime<Utc>,
    base: Option<DateTime<Utc>>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> sqlx::Result<()> {
    let (table, conflict) = match into {
        Sum::Day => ("usage_daily", String::new()),
        Sum::Cut(_) => ("usage_cuts", String::new()),
        Sum::Prefix => (
            "usage_prefix",
            format!(
                "ON CONFLICT (grain, day, organization_id, mcp_server_id, tool, model, hub_user_id) DO UPDATE SET
                     calls = t.calls + EXCLUDED.calls, errors = t.errors + EXCLUDED.errors,
                     input_tokens = t.input_tokens + EXCLUDED.input_tokens,
                     output_tokens = t.output_tokens + EXCLUDED.output_tokens,
                     cached_tokens = t.cached_tokens + EXCLUDED.cached_tokens,
                     cost_micros = t.cost_micros + EXCLUDED.cost_micros,
                     latency_ms_sum = t.latency_ms_sum + EXCLUDED.latency_ms_sum, latency = {}",
                crate::usage::histogram::add_arrays("t.latency", "EXCLUDED.latency")
            ),
        ),
    };
    // A cut's rows also hold its end ($4).
    let cut_end = match into {
        Sum::Cut(end) => Some(end),
        Sum::Day | Sum::Prefix => None,
    };
    let (through, cut) = if cut_end.is_some() {
        (", through", ", $4")
    } else {
        ("", "")
    };
    let histogram = crate::usage::histogram::sum_array("latency");
    let measures = "calls, errors, input_tokens, output_tokens, cached_tokens, cost_micros, latency_ms_sum";
    let keys = "organization_id, mcp_server_id, tool, model, hub_user_id";
    for g in Grain::DAILY {
        // From the smallest hourly grain keeping the daily grain's dimensions; the
        // others summed over.
        let source = Grain::smallest(&Grain::HOURLY, g.0);
        let nil = "'00000000-0000-0000-0000-000000000000'::uuid";
        let dim = |bit: i16, column: &'static str, none: &'static str| {
            format!("{} AS {column}", if g.keeps(bit) { column } else { none })
        };
        let dims = [
            dim(Grain::ORGANIZATION, "organization_id", nil),
            dim(Grain::SERVER, "mcp_server_id", nil),
            dim(Grain::TOOL, "tool", "''"),
            dim(Grain::MODEL, "model", "''"),
            dim(Grain::USER, "hub_user_id", nil),
        ]
        .join(", ");
        // The cut's histograms are `bigint[]`: the hours' are cast to match.
        let (latency, base_rows) = match base {
            Some(_) => (
                "latency::int8[] AS latency",
                format!(
                    "UNION ALL SELECT {keys}, {measures}, latency FROM usage_cuts
                     WHERE grain = {grain} AND day = $1 AND through = $5",
                    grain = g.0
                ),
            ),
            None => ("latency", String::new()),
        };
        let sql = format!(
            "INSERT INTO {table} AS t (grain, day{through}, {keys}, {measures}, latency)
             SELECT {grain}, $1{cut}, {keys}, sum(calls), sum(errors), sum(input_tokens), sum(output_tokens),
                    sum(cached_tokens), sum(cost_micros), sum(latency_ms_sum), {histogram}
             FROM (SELECT {dims}, {measures}, {latency} FROM usage_hourly
                   WHERE grain = {source} AND hour >= $2 AND hour < $3
                   {base_rows}) AS r
             GROUP BY {keys}
             {conflict}",
            grain = g.0,
            source = source.0,
        );
        // The SQL is ours: constants (tables, grains, columns, the bucket count); values
        // bound.
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(day)
            .bind(from)
            .bind(to)
            .bind(cut_end)
            .bind(base)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Where the prefix of `day` ends, and whether it is dirty.
async fn prefix_of(
    conn: &mut PgConnection,
    day: DateTime<Utc>,
    lock: bool,
) -> sqlx::Result<Option<(DateTime<Utc>, bool)>> {
    let sql = if lock {
        "SELECT through, dirty FROM usage_prefixes WHERE day = $1 FOR UPDATE"
    } else {
        "SELECT through, dirty FROM usage_prefixes WHERE day = $1"
    };
    sqlx::query_as(sql).bind(day).fetch_optional(&mut *conn).await
}

/// Makes the prefix of `day` hold the hours `[day, through)`: the hours after a clean
/// prefix are added to it, a dirty or missing one is summed anew. The hours summed are
/// held exclusively (a batch adding to one commits first, one arriving waits and then
/// marks the prefix dirty); batches of later hours go on meanwhile. Returns whether it
/// wrote; `false` too when a batch marked the prefix dirty meanwhile (the next run sums
/// it anew).
pub async fn seal_prefix(conn: &mut PgConnection, day: DateTime<Utc>, through: DateTime<Utc>) -> sqlx::Result<bool> {
    let known = prefix_of(&mut *conn, day, false).await?;
    let from = match known {
        Some((end, false)) if end >= through => return Ok(false),
        Some((end, false)) => end,
        _ => day,
    };
    let mut hours = Vec::new();
    let mut hour = from;
    while hour < through {
        hours.push(hour_lock(hour));
        hour += chrono::Duration::hours(1);
    }
    sqlx::query!(
        "SELECT pg_advisory_xact_lock(k) FROM unnest($1::int8[]) AS k ORDER BY k",
        &hours
    )
    .fetch_all(&mut *conn)
    .await?;
    // Locked now: a batch marking it dirty waits for COMMIT, then sees the new end.
    if prefix_of(&mut *conn, day, true).await? != known {
        return Ok(false);
    }
    if from == day {
        sqlx::query!("DELETE FROM usage_prefix WHERE day = $1", day)
            .execute(&mut *conn)
            .await?;
    }
    sum_hours(&mut *conn, Sum::Prefix, day, None, from, through).await?;
    sqlx::query!(
        "INSERT INTO usage_prefixes (day, through) VALUES ($1, $2)
         ON CONFLICT (day) DO UPDATE SET through = EXCLUDED.through, dirty = false",
        day,
        through
    )
    .execute(&mut *conn)
    .await?;
    Ok(true)
}

/// The clean prefixes of days in `[from, to)`: day and end.
pub async fn clean_prefixes(
    db: impl PgExecutor<'_>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> sqlx::Result<Vec<(DateTime<Utc>, DateTime<Utc>)>> {
    let rows = sqlx::query!(
        "SELECT day, through FROM usage_prefixes WHERE day >= $1 AND day < $2 AND NOT dirty ORDER BY day",
        from,
        to
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.day, r.through)).collect())
}

/// The sealed days in `[from, to)` whose daily rows hold everything.
pub async fn clean_days(
    db: impl PgExecutor<'_>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> sqlx::Result<Vec<DateTime<Utc>>> {
    sqlx::query_scalar!(
        "SELECT day FROM usage_days WHERE day >= $1 AND day < $2 AND NOT dirty ORDER BY day",
        from,
        to
    )
    .fetch_all(db)
    .await
}

/// Whole weeks before `before` that have sealed days but no valid week rows (never
/// sealed, or a day of theirs dirty or sealed again since).
pub async fn weeks_to_seal(db: impl PgExecutor<'_>, before: DateTime<Utc>) -> sqlx::Result<Vec<DateTime<Utc>>> {
    sqlx::query_scalar!(
        r#"SELECT date_trunc('week', day, 'UTC') AS "week!" FROM usage_days
           WHERE date_trunc('week', day, 'UTC') + interval '7 days' <= $1
           EXCEPT SELECT week FROM usage_weeks WHERE usage_week_holds_everything(week, sealed_at)
           ORDER BY 1"#,
        before
    )
    .fetch_all(db)
    .await
}

/// Seals the days of `week` that are not sealed and clean (an empty day too, so a late
/// event for it marks it dirty), then sums the daily rows of the week into
/// `usage_weekly`, replacing what it held.
pub async fn seal_week(conn: &mut PgConnection, week: DateTime<Utc>) -> sqlx::Result<()> {
    let clean = clean_days(&mut *conn, week, week + chrono::Duration::days(7)).await?;
    for day in (0..7).map(|d| week + chrono::Duration::days(d)) {
        if !clean.contains(&day) {
            seal_day(&mut *conn, day).await?;
        }
    }
    sqlx::query!("DELETE FROM usage_weekly WHERE week = $1", week)
        .execute(&mut *conn)
        .await?;
    let sql = format!(
        "INSERT INTO usage_weekly (grain, week, organization_id, mcp_server_id, tool, model, hub_user_id, calls,
                                   errors, input_tokens, output_tokens, cached_tokens, cost_micros, latency_ms_sum,
                                   latency)
         SELECT grain, $1, organization_id, mcp_server_id, tool, model, hub_user_id, sum(calls), sum(errors),
                sum(input_tokens), sum(output_tokens), sum(cached_tokens), sum(cost_micros), sum(latency_ms_sum),
                {histogram}
         FROM usage_daily
         WHERE day >= $1 AND day < $1 + interval '7 days'
         GROUP BY grain, organization_id, mcp_server_id, tool, model, hub_user_id",
        histogram = crate::usage::histogram::sum_array("latency"),
    );
    // The SQL is ours: a constant but for the bucket count; the week bound.
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(week)
        .execute(&mut *conn)
        .await?;
    sqlx::query!(
        "INSERT INTO usage_weeks (week) VALUES ($1) ON CONFLICT (week) DO UPDATE SET sealed_at = now()",
        week
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The weeks starting in `[from, to)` whose weekly rows hold everything: each of their
/// seven days sealed, clean, and sealed no later than the week.
pub async fn valid_weeks(
    db: impl PgExecutor<'_>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> sqlx::Result<Vec<DateTime<Utc>>> {
    sqlx::query_scalar!(
        "SELECT week FROM usage_weeks
         WHERE week >= $1 AND week < $2 AND usage_week_holds_everything(week, sealed_at)
         ORDER BY week",
        from,
        to
    )
    .fetch_all(db)
    .await
}

/// A refused event to keep.
pub struct Letter<'a> {
    /// The dead letter it was replayed from.
    pub dead_letter: Option<Uuid>,
    pub event_id: Option<Uuid>,
    pub payload: &'a RawValue,
    pub reason: RejectReason,
    pub detail: String,
}

/// Keeps refused events: a replayed one updates its letter, a resent one the letter of
/// its event id, others get a new letter.
pub async fn store_dead_letters(
    conn: &mut PgConnection,
    mut letters: Vec<Letter<'_>>,
    api_token: Option<Uuid>,
) -> sqlx::Result<()> {
    letters.sort_by_key(|l| (l.dead_letter, l.event_id));
    for l in letters {
        let payload = sqlx::types::Json(storable(l.payload));
        let detail = without_nul(&l.detail);
        if let Some(id) = l.dead_letter {
            sqlx::query!(
                "UPDATE usage_dead_letters SET reason = $2, detail = $3, attempts = attempts + 1, last_seen_at = now()
                 WHERE id = $1",
                id,
                l.reason.as_str(),
                detail,
            )
            .execute(&mut *conn)
            .await?;
        } else {
            sqlx::query!(
                "INSERT INTO usage_dead_letters (id, event_id, payload, reason, detail, api_token_id)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (event_id) DO UPDATE SET payload = EXCLUDED.payload, reason = EXCLUDED.reason,
                     detail = EXCLUDED.detail, attempts = usage_dead_letters.attempts + 1, last_seen_at = now(),
                     api_token_id = EXCLUDED.api_token_id",
                Uuid::now_v7(),
                l.event_id,
                payload as _,
                l.reason.as_str(),
                detail,
                api_token,
            )
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

/// A refused event as PostgreSQL can store it: `jsonb` holds neither NUL nor lone
/// surrogates, which JSON text may. NUL is kept as U+0001 (still refused on replay, as
/// any control character is); text that does not parse as strict JSON is kept as one
/// string.
fn storable(raw: &RawValue) -> serde_json::Value {
    fn scrub(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::String(s) => *s = without_nul(s),
            serde_json::Value::Array(items) => items.iter_mut().for_each(scrub),
            serde_json::Value::Object(map) => {
                let scrubbed: serde_json::Map<String, serde_json::Value> = std::mem::take(map)
                    .into_iter()
                    .map(|(k, mut v)| {
                        scrub(&mut v);
                        (without_nul(&k), v)
                    })
                    .collect();
                *map = scrubbed;
            }
            _ => {}
        }
    }
    match serde_json::from_str::<serde_json::Value>(raw.get()) {
        Ok(mut v) => {
            scrub(&mut v);
            v
        }
        Err(_) => serde_json::Value::String(raw.get().to_owned()),
    }
}

fn without_nul(s: &str) -> String {
    s.replace('\0', "\u{1}")
}

/// Drops the letters of events that are now counted (replayed, or resent and accepted).
pub async fn resolve_dead_letters(db: impl PgExecutor<'_>, letters: &[Uuid], events: &[Uuid]) -> sqlx::Result<u64> {
    if letters.is_empty() && events.is_empty() {
        return Ok(0);
    }
    let done = sqlx::query!(
        "DELETE FROM usage_dead_letters WHERE id = ANY($1) OR event_id = ANY($2)",
        letters,
        events
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

/// Prices for computing costs.
#[derive(Debug, Clone, Copy)]
pub struct Price {
    pub input: i64,
    pub output: i64,
    pub cached: i64,
}

impl Price {
    /// Micro-dollars for these tokens (prices are micro-dollars per million tokens).
    pub fn cost_micros(&self, input: i64, output: i64, cached: i64) -> i64 {
        let total = i128::from(input) * i128::from(self.input)
            + i128::from(output) * i128::from(self.output)
            + i128::from(cached) * i128::from(self.cached);
        ((total + 500_000) / 1_000_000) as i64
    }
}

pub async fn model_prices(db: impl PgExecutor<'_>) -> sqlx::Result<HashMap<String, Price>> {
    let rows = sqlx::query!(
        "SELECT model, input_micros_per_mtok, output_micros_per_mtok, cached_micros_per_mtok FROM model_prices"
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let price = Price {
                input: r.input_micros_per_mtok,
                output: r.output_micros_per_mtok,
                cached: r.cached_micros_per_mtok,
            };
            (r.model, price)
        })
        .collect())
}

/// Every model's prices, by model name.
pub async fn list_model_prices(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<ModelPrice>> {
    let rows = sqlx::query!(
        "SELECT model, input_micros_per_mtok, output_micros_per_mtok, cached_micros_per_mtok
         FROM model_prices ORDER BY model"
    )
    .fetch_all(db)
    .await?;
    let usd = crate::usage::usd;
    Ok(rows
        .into_iter()
        .map(|r| ModelPrice {
            model: r.model,
            input_usd_per_mtok: usd(r.input_micros_per_mtok),
            output_usd_per_mtok: usd(r.output_micros_per_mtok),
            cached_usd_per_mtok: usd(r.cached_micros_per_mtok),
        })
        .collect())
}

/// Replaces every model's prices (the caller checked them).
pub async fn replace_model_prices(conn: &mut PgConnection, prices: &[(String, Price)]) -> sqlx::Result<()> {
    sqlx::query!("DELETE FROM model_prices").execute(&mut *conn).await?;
    let models: Vec<String> = prices.iter().map(|p| p.0.clone()).collect();
    sqlx::query!(
        "INSERT INTO model_prices (model, input_micros_per_mtok, output_micros_per_mtok, cached_micros_per_mtok)
         SELECT * FROM unnest($1::text[], $2::int8[], $3::int8[], $4::int8[])",
        &models,
        &prices.iter().map(|p| p.1.input).collect::<Vec<_>>(),
        &prices.iter().map(|p| p.1.output).collect::<Vec<_>>(),
        &prices.iter().map(|p| p.1.cached).collect::<Vec<_>>(),
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn letter(r: LetterRow) -> DeadLetter {
    DeadLetter {
        id: r.id,
        event_id: r.event_id,
        payload: r.payload,
        reason: r.reason.parse().unwrap_or(RejectReason::Invalid),
        detail: r.detail,
        attempts: r.attempts,
        first_seen_at: r.first_seen_at,
        last_seen_at: r.last_seen_at,
    }
}

struct LetterRow {
    id: Uuid,
    event_id: Option<Uuid>,
    payload: serde_json::Value,
    reason: String,
    detail: String,
    attempts: i32,
    first_seen_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
}

/// Dead letters, newest first, after the cursor `(last_seen_at, id)`.
pub async fn dead_letters(
    db: impl PgExecutor<'_>,
    reason: Option<RejectReason>,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> sqlx::Result<Vec<DeadLetter>> {
    let (after_at, after_id) = after.unzip();
    let rows = sqlx::query_as!(
        LetterRow,
        "SELECT id, event_id, payload, reason, detail, attempts, first_seen_at, last_seen_at
         FROM usage_dead_letters
         WHERE ($1::text IS NULL OR reason = $1)
           AND ($2::timestamptz IS NULL OR (last_seen_at, id) < ($2, $3))
         ORDER BY last_seen_at DESC, id DESC
         LIMIT $4",
        reason.map(|r| r.as_str()),
        after_at,
        after_id,
        limit
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(letter).collect())
}

/// Dead letters to replay: these ids, or all with this reason, oldest first, at most
/// `limit`. Not locked: replaying runs the ingest, which takes its locks in its own order
/// (events, then letters); a concurrent replay of the same letters counts each event once.
pub async fn dead_letters_to_replay(
    db: impl PgExecutor<'_>,
    ids: Option<&[Uuid]>,
    reason: Option<RejectReason>,
    limit: i64,
) -> sqlx::Result<Vec<(Uuid, String)>> {
    let rows = sqlx::query!(
        r#"SELECT id, payload::text AS "payload!" FROM usage_dead_letters
           WHERE ($1::uuid[] IS NULL OR id = ANY($1)) AND ($2::text IS NULL OR reason = $2)
           ORDER BY id LIMIT $3"#,
        ids as Option<&[Uuid]>,
        reason.map(|r| r.as_str()),
        limit
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.payload)).collect())
}

/// Discards one dead letter; returns what it was.
pub async fn delete_dead_letter(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<DeadLetter>> {
    let row = sqlx::query_as!(
        LetterRow,
        "DELETE FROM usage_dead_letters WHERE id = $1
         RETURNING id, event_id, payload, reason, detail, attempts, first_seen_at, last_seen_at",
        id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(letter))
}

/// Deletes raw events older than `before`, at most `batch` of them; returns how many.
pub async fn delete_old_events(db: impl PgExecutor<'_>, before: DateTime<Utc>, batch: i64) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "DELETE FROM usage_events WHERE ctid = ANY(ARRAY(
             SELECT ctid FROM usage_events WHERE occurred_at < $1 LIMIT $2))",
        before,
        batch
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}
