//! Analytics queries over the rollups (SPEC ANA-2..5): never over raw events.
//!
//! Which rollup answers: totals over a range (overview, breakdowns) read whole UTC days
//! from `usage_daily` and the partial days at the edges from an hourly rollup; series
//! and heatmaps read an hourly rollup, bucketed in the admin's time zone. The hourly
//! rollup is `usage_hourly_servers` (no user dimension, a few hundred rows an hour)
//! unless the question involves users, then `usage_hourly`. docs/ARCHITECTURE.md
//! explains the choice.

use std::collections::HashMap;

use chrono::{DateTime, Duration, DurationRound, TimeDelta, Utc};
use omni_types::analytics::{
    Breakdown, BreakdownSort, Bucket, Dimension, ErrorPoint, ErrorTotal, Errors, Group, HeatCell, Heatmap, Measures,
    Point, Scope, Series,
};
use sqlx::postgres::PgRow;
use sqlx::{PgPool, Postgres, QueryBuilder, Row};
use uuid::Uuid;

use super::histogram;

/// A checked analytics question.
#[derive(Debug, Clone)]
pub struct Question {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub bucket: Bucket,
    pub tz: String,
    pub filters: Filters,
}

#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub organization: Option<Uuid>,
    pub server: Option<Uuid>,
    pub user: Option<Uuid>,
    pub tool: Option<String>,
}

impl Question {
    pub fn scope(&self) -> Scope {
        Scope {
            from: self.from,
            to: self.to,
            bucket: self.bucket,
            tz: self.tz.clone(),
            organization: self.filters.organization,
            server: self.filters.server,
            user: self.filters.user,
            tool: self.filters.tool.clone(),
        }
    }

    /// The range of the same length just before.
    pub fn previous(&self) -> Question {
        let span = self.to - self.from;
        Question {
            from: self.from - span,
            to: self.from,
            ..self.clone()
        }
    }
}

pub fn floor_hour(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(TimeDelta::hours(1)).unwrap_or(t)
}

pub fn ceil_hour(t: DateTime<Utc>) -> DateTime<Utc> {
    let floor = floor_hour(t);
    if floor == t { t } else { floor + Duration::hours(1) }
}

fn floor_day(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(TimeDelta::days(1)).unwrap_or(t)
}

fn ceil_day(t: DateTime<Utc>) -> DateTime<Utc> {
    let floor = floor_day(t);
    if floor == t { t } else { floor + Duration::days(1) }
}

/// The sums every aggregate selects (histogram as `l1..l36`).
fn measure_columns() -> String {
    format!(
        "coalesce(sum(calls), 0)::int8 AS calls, coalesce(sum(errors), 0)::int8 AS errors,
         coalesce(sum(input_tokens), 0)::int8 AS input_tokens, coalesce(sum(output_tokens), 0)::int8 AS output_tokens,
         coalesce(sum(cached_tokens), 0)::int8 AS cached_tokens, coalesce(sum(cost_micros), 0)::int8 AS cost_micros,
         coalesce(sum(latency_ms_sum), 0)::int8 AS latency_ms_sum, {}",
        histogram::sum_columns("latency")
    )
}

/// A rollup row's sums, as read; [`Sums::measures`] turns them into the answer's form.
pub use super::rollup::Totals as Sums;

impl Sums {
    fn read(row: &PgRow) -> sqlx::Result<Sums> {
        let get = |name: &str| -> sqlx::Result<i64> { Ok(row.try_get::<Option<i64>, _>(name)?.unwrap_or(0)) };
        let mut latency = [0; histogram::BUCKETS];
        for (i, slot) in latency.iter_mut().enumerate() {
            *slot = get(&format!("l{}", i + 1))?;
        }
        Ok(Sums {
            calls: get("calls")?,
            errors: get("errors")?,
            input_tokens: get("input_tokens")?,
            output_tokens: get("output_tokens")?,
            cached_tokens: get("cached_tokens")?,
            cost_micros: get("cost_micros")?,
            latency_ms_sum: get("latency_ms_sum")?,
            latency,
        })
    }

    fn merge(&mut self, o: &Sums) {
        self.calls += o.calls;
        self.errors += o.errors;
        self.input_tokens += o.input_tokens;
        self.output_tokens += o.output_tokens;
        self.cached_tokens += o.cached_tokens;
        self.cost_micros += o.cost_micros;
        self.latency_ms_sum += o.latency_ms_sum;
        histogram::merge(&mut self.latency, &o.latency);
    }

    pub fn measures(&self) -> Measures {
        let calls = self.calls.max(0);
        Measures {
            calls,
            errors: self.errors,
            error_rate: if calls > 0 {
                self.errors as f64 / calls as f64
            } else {
                0.0
            },
            cost_usd: omni_types::usage::micros_to_usd(self.cost_micros),
            input_tokens: self.input_tokens,
            output_tokens: self.output_tokens,
            cached_tokens: self.cached_tokens,
            p50_ms: histogram::quantile(&self.latency, 0.5),
            p95_ms: histogram::quantile(&self.latency, 0.95),
            p99_ms: histogram::quantile(&self.latency, 0.99),
            mean_ms: (calls > 0).then(|| (self.latency_ms_sum as f64 / calls as f64 * 10.0).round() / 10.0),
        }
    }
}

/// The hourly rollup to read: the one without users unless users matter.
fn hourly_table(users: bool) -> &'static str {
    if users { "usage_hourly" } else { "usage_hourly_servers" }
}

fn push_filters(q: &mut QueryBuilder<Postgres>, f: &Filters, has_user: bool) {
    if let Some(org) = f.organization {
        q.push(" AND organization_id = ").push_bind(org);
    }
    if let Some(server) = f.server {
        q.push(" AND mcp_server_id = ").push_bind(server);
    }
    if has_user && let Some(user) = f.user {
        q.push(" AND hub_user_id = ").push_bind(user);
    }
    if let Some(tool) = &f.tool {
        q.push(" AND tool = ").push_bind(tool.clone());
    }
}

/// `(SELECT columns FROM usage_daily … UNION ALL SELECT columns FROM <hourly> …) AS r`:
/// the rollup rows covering `[from, to)`, whole UTC days from the daily rollup.
fn push_stitched(q: &mut QueryBuilder<Postgres>, question: &Question, users: bool, columns: &str) {
    let (d0, d1) = (ceil_day(question.from), floor_day(question.to));
    let hourly = hourly_table(users);
    q.push("(");
    if d0 < d1 {
        q.push(format_args!("SELECT {columns} FROM usage_daily WHERE day >= "))
            .push_bind(d0)
            .push(" AND day < ")
            .push_bind(d1);
        push_filters(q, &question.filters, true);
        q.push(format_args!(
            " UNION ALL SELECT {columns} FROM {hourly} WHERE ((hour >= "
        ))
        .push_bind(question.from)
        .push(" AND hour < ")
        .push_bind(d0)
        .push(") OR (hour >= ")
        .push_bind(d1)
        .push(" AND hour < ")
        .push_bind(question.to)
        .push("))");
    } else {
        q.push(format_args!("SELECT {columns} FROM {hourly} WHERE hour >= "))
            .push_bind(question.from)
            .push(" AND hour < ")
            .push_bind(question.to);
    }
    push_filters(q, &question.filters, users);
    q.push(") AS r");
}

const MEASURE_SOURCE: &str =
    "calls, errors, input_tokens, output_tokens, cached_tokens, cost_micros, latency_ms_sum, latency";

/// Everything in the range, summed.
pub async fn totals(db: &PgPool, question: &Question) -> sqlx::Result<Sums> {
    let users = question.filters.user.is_some();
    let mut q = QueryBuilder::new(format!("SELECT {} FROM ", measure_columns()));
    push_stitched(&mut q, question, users, MEASURE_SOURCE);
    Sums::read(&q.build().fetch_one(db).await?)
}

/// Users with a call in the range.
pub async fn active_users(db: &PgPool, question: &Question) -> sqlx::Result<i64> {
    let mut q = QueryBuilder::new("SELECT count(DISTINCT hub_user_id) FROM ");
    push_stitched(&mut q, question, true, "hub_user_id");
    q.build_query_scalar().fetch_one(db).await
}

/// MCP servers with a call in the range.
pub async fn active_servers(db: &PgPool, question: &Question) -> sqlx::Result<i64> {
    let users = question.filters.user.is_some();
    let mut q = QueryBuilder::new("SELECT count(DISTINCT mcp_server_id) FROM ");
    push_stitched(&mut q, question, users, "mcp_server_id");
    q.build_query_scalar().fetch_one(db).await
}

/// One point per bucket from `from` to `to`, empty buckets included.
pub async fn series(db: &PgPool, question: &Question) -> sqlx::Result<Series> {
    let users = question.filters.user.is_some();
    let table = hourly_table(users);
    let (bucket, tz) = (question.bucket.as_str(), question.tz.as_str());
    if question.bucket == Bucket::Hour {
        return hourly_series(db, question, table, users).await;
    }
    let mut q = QueryBuilder::new("WITH b AS (SELECT date_trunc(");
    q.push_bind(bucket.to_owned())
        .push(", hour AT TIME ZONE ")
        .push_bind(tz.to_owned())
        .push(format_args!(
            ") AS local, {} FROM {table} WHERE hour >= ",
            measure_columns()
        ))
        .push_bind(question.from)
        .push(" AND hour < ")
        .push_bind(question.to);
    push_filters(&mut q, &question.filters, users);
    q.push(" GROUP BY 1) SELECT g.local AT TIME ZONE ")
        .push_bind(tz.to_owned())
        .push(" AS start, b.* FROM generate_series(date_trunc(")
        .push_bind(bucket.to_owned())
        .push(", ")
        .push_bind(question.from)
        .push(" AT TIME ZONE ")
        .push_bind(tz.to_owned())
        .push("), (")
        .push_bind(question.to)
        .push(" AT TIME ZONE ")
        .push_bind(tz.to_owned())
        .push(") - interval '1 microsecond', ('1 ' || ")
        .push_bind(bucket.to_owned())
        .push(")::interval) AS g (local) LEFT JOIN b USING (local) ORDER BY g.local");
    let rows = q.build().fetch_all(db).await?;
    let points = rows
        .iter()
        .map(|row| {
            Ok(Point {
                start: row.try_get("start")?,
                measures: Sums::read(row)?.measures(),
            })
        })
        .collect::<sqlx::Result<_>>()?;
    Ok(Series {
        scope: question.scope(),
        points,
    })
}

/// Hourly points are UTC hours: a local hour can happen twice (clocks go back) or not at
/// all (forward), and in a half-hour zone it straddles two rollup hours.
async fn hourly_series(db: &PgPool, question: &Question, table: &str, users: bool) -> sqlx::Result<Series> {
    let mut q = QueryBuilder::new(format!(
        "WITH b AS (SELECT hour AS t, {} FROM {table} WHERE hour >= ",
        measure_columns()
    ));
    q.push_bind(question.from).push(" AND hour < ").push_bind(question.to);
    push_filters(&mut q, &question.filters, users);
    q.push(" GROUP BY 1) SELECT g.t AS start, b.* FROM generate_series(")
        .push_bind(question.from)
        .push("::timestamptz, ")
        .push_bind(question.to)
        .push(
            "::timestamptz - interval '1 microsecond', interval '1 hour') AS g (t) LEFT JOIN b USING (t) ORDER BY g.t",
        );
    let rows = q.build().fetch_all(db).await?;
    let points = rows
        .iter()
        .map(|row| {
            Ok(Point {
                start: row.try_get("start")?,
                measures: Sums::read(row)?.measures(),
            })
        })
        .collect::<sqlx::Result<_>>()?;
    Ok(Series {
        scope: question.scope(),
        points,
    })
}

/// Groups by one dimension, sorted, the first `limit` listed and the rest summed.
pub async fn breakdown(
    db: &PgPool,
    question: &Question,
    by: Dimension,
    sort: BreakdownSort,
    limit: usize,
) -> sqlx::Result<Breakdown> {
    let users = question.filters.user.is_some() || by == Dimension::User;
    let keys = match by {
        Dimension::Organization => "organization_id::text",
        Dimension::Server => "mcp_server_id::text",
        Dimension::Tool => "mcp_server_id::text || '/' || tool",
        Dimension::User => "hub_user_id::text",
        Dimension::Model => "model",
    };
    let source = match by {
        Dimension::Organization => "organization_id",
        Dimension::Server => "mcp_server_id",
        Dimension::Tool => "mcp_server_id, tool",
        Dimension::User => "hub_user_id",
        Dimension::Model => "model",
    };
    let mut q = QueryBuilder::new(format!("SELECT {keys} AS key, {} FROM ", measure_columns()));
    push_stitched(&mut q, question, users, &format!("{source}, {MEASURE_SOURCE}"));
    q.push(" GROUP BY 1");
    let rows = q.build().fetch_all(db).await?;
    let mut groups: Vec<(String, Sums)> = rows
        .iter()
        .map(|row| Ok((row.try_get::<String, _>("key")?, Sums::read(row)?)))
        .collect::<sqlx::Result<_>>()?;
    let mut total = Sums::default();
    for (_, s) in &groups {
        total.merge(s);
    }
    let p95 = |s: &Sums| histogram::quantile(&s.latency, 0.95).unwrap_or(0.0);
    groups.sort_by(|(ka, a), (kb, b)| {
        let order = match sort {
            BreakdownSort::Cost => b.cost_micros.cmp(&a.cost_micros),
            BreakdownSort::Calls => b.calls.cmp(&a.calls),
            BreakdownSort::Errors => b.errors.cmp(&a.errors),
            BreakdownSort::P95 => p95(b).total_cmp(&p95(a)),
        };
        order.then_with(|| b.calls.cmp(&a.calls)).then_with(|| ka.cmp(kb))
    });
    let rest = groups.split_off(limit.min(groups.len()));
    let others = (!rest.is_empty()).then(|| {
        let mut sum = Sums::default();
        for (_, s) in &rest {
            sum.merge(s);
        }
        sum.measures()
    });
    let names = labels(db, by, groups.iter().map(|(k, _)| k.as_str())).await?;
    // A tool's server by name too.
    let server_names = match by {
        Dimension::Tool => {
            let servers = groups.iter().filter_map(|(k, _)| k.split_once('/').map(|(s, _)| s));
            labels(db, Dimension::Server, servers).await?
        }
        _ => HashMap::new(),
    };
    let total_cost = total.cost_micros.max(0) as f64;
    let groups = groups
        .into_iter()
        .map(|(key, sums)| {
            let (label, server) = match by {
                Dimension::Tool => {
                    let (server, tool) = key.split_once('/').unwrap_or(("", key.as_str()));
                    (Some(tool.to_owned()), Some(server.to_owned()))
                }
                Dimension::Model => (Some(key.clone()), None),
                _ => (names.get(&key).cloned(), None),
            };
            let server_name = server.as_ref().and_then(|id| server_names.get(id).cloned());
            Group {
                label,
                server,
                server_name,
                cost_share: if total_cost > 0.0 {
                    sums.cost_micros as f64 / total_cost
                } else {
                    0.0
                },
                measures: sums.measures(),
                key,
            }
        })
        .collect();
    Ok(Breakdown {
        scope: question.scope(),
        by,
        sort,
        groups,
        others,
        total: total.measures(),
    })
}

/// Names of the organizations, servers or users listed (deleted ones are missing).
async fn labels<'a>(
    db: &PgPool,
    by: Dimension,
    keys: impl Iterator<Item = &'a str>,
) -> sqlx::Result<HashMap<String, String>> {
    let ids: Vec<Uuid> = keys.filter_map(|k| k.parse().ok()).collect();
    let sql = match by {
        Dimension::Organization => "SELECT id::text, name FROM organizations WHERE id = ANY($1)",
        Dimension::Server => "SELECT id::text, name FROM mcp_servers WHERE id = ANY($1)",
        Dimension::User => "SELECT id::text, email FROM hub_users WHERE id = ANY($1)",
        Dimension::Tool | Dimension::Model => return Ok(HashMap::new()),
    };
    let rows: Vec<(String, String)> = sqlx::query_as(sql).bind(ids).fetch_all(db).await?;
    Ok(rows.into_iter().collect())
}

/// Errors by type per bucket, and in all.
pub async fn errors(db: &PgPool, question: &Question) -> sqlx::Result<Errors> {
    let (bucket, tz) = (question.bucket.as_str(), question.tz.as_str());
    let mut q = QueryBuilder::new("SELECT ");
    if question.bucket == Bucket::Hour {
        // UTC hours, as the series (a local hour can happen twice).
        q.push("hour");
    } else {
        q.push("date_trunc(")
            .push_bind(bucket.to_owned())
            .push(", hour AT TIME ZONE ")
            .push_bind(tz.to_owned())
            .push(") AT TIME ZONE ")
            .push_bind(tz.to_owned());
    }
    q.push(" AS start, error_type, sum(errors)::int8 AS errors FROM usage_hourly_errors WHERE hour >= ")
        .push_bind(question.from)
        .push(" AND hour < ")
        .push_bind(question.to);
    push_filters(&mut q, &question.filters, true);
    q.push(" GROUP BY 1, 2 ORDER BY 1, 2");
    let points: Vec<ErrorPoint> = q
        .build()
        .fetch_all(db)
        .await?
        .iter()
        .map(|row| {
            Ok(ErrorPoint {
                start: row.try_get("start")?,
                error_type: row.try_get("error_type")?,
                errors: row.try_get("errors")?,
            })
        })
        .collect::<sqlx::Result<_>>()?;
    let mut totals: HashMap<&str, i64> = HashMap::new();
    for p in &points {
        *totals.entry(&p.error_type).or_default() += p.errors;
    }
    let mut by_type: Vec<ErrorTotal> = totals
        .into_iter()
        .map(|(t, errors)| ErrorTotal {
            error_type: t.to_owned(),
            errors,
        })
        .collect();
    by_type.sort_by(|a, b| b.errors.cmp(&a.errors).then_with(|| a.error_type.cmp(&b.error_type)));
    Ok(Errors {
        scope: question.scope(),
        by_type,
        points,
    })
}

/// Calls by weekday and hour of day in the question's time zone: all 168 cells.
pub async fn heatmap(db: &PgPool, question: &Question) -> sqlx::Result<Heatmap> {
    let users = question.filters.user.is_some();
    let table = hourly_table(users);
    let tz = question.tz.as_str();
    let mut q = QueryBuilder::new("SELECT (extract(isodow FROM hour AT TIME ZONE ");
    q.push_bind(tz.to_owned())
        .push(") - 1)::int4 AS weekday, extract(hour FROM hour AT TIME ZONE ")
        .push_bind(tz.to_owned())
        .push(format_args!(
            ")::int4 AS h, sum(calls)::int8 AS calls FROM {table} WHERE hour >= "
        ))
        .push_bind(question.from)
        .push(" AND hour < ")
        .push_bind(question.to);
    push_filters(&mut q, &question.filters, users);
    q.push(" GROUP BY 1, 2");
    let mut cells: Vec<HeatCell> = (0..7u8)
        .flat_map(|weekday| {
            (0..24u8).map(move |hour| HeatCell {
                weekday,
                hour,
                calls: 0,
            })
        })
        .collect();
    for row in q.build().fetch_all(db).await? {
        let (weekday, hour): (i32, i32) = (row.try_get("weekday")?, row.try_get("h")?);
        if let (Ok(w @ 0..=6), Ok(h @ 0..=23)) = (usize::try_from(weekday), usize::try_from(hour)) {
            cells[w * 24 + h].calls += row.try_get::<i64, _>("calls")?;
        }
    }
    Ok(Heatmap {
        scope: question.scope(),
        cells,
    })
}

/// The time zone names PostgreSQL knows, read once.
pub async fn known_time_zone(db: &PgPool, tz: &str) -> sqlx::Result<bool> {
    static NAMES: tokio::sync::OnceCell<std::collections::HashSet<String>> = tokio::sync::OnceCell::const_new();
    let names = NAMES
        .get_or_try_init(|| async {
            let names: Vec<String> = sqlx::query_scalar("SELECT name FROM pg_timezone_names")
                .fetch_all(db)
                .await?;
            Ok::<_, sqlx::Error>(names.into_iter().collect())
        })
        .await?;
    Ok(names.contains(tz))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_to_hours_and_days() {
        let t: DateTime<Utc> = "2026-12-01T10:15:00Z".parse().unwrap();
        assert_eq!(floor_hour(t).to_rfc3339(), "2026-12-01T10:00:00+00:00");
        assert_eq!(ceil_hour(t).to_rfc3339(), "2026-12-01T11:00:00+00:00");
        assert_eq!(ceil_hour(floor_hour(t)), floor_hour(t));
        assert_eq!(ceil_day(t).to_rfc3339(), "2026-12-02T00:00:00+00:00");
        assert_eq!(floor_day(t).to_rfc3339(), "2026-12-01T00:00:00+00:00");
    }
}
