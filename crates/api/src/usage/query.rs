//! Analytics queries over the rollups (SPEC ANA-2..5): never over raw events.
//!
//! Which rows answer: the smallest grain (`rollup::Grain`) keeping what the question
//! filters and groups by. For the wide grains, totals over a range (overview,
//! breakdowns) read the sealed days inside it from `usage_daily` and every other hour
//! from `usage_hourly`, in one snapshot; series and heatmaps read hours, bucketed in
//! the admin's time zone. docs/ARCHITECTURE.md explains the choice.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, DurationRound, TimeDelta, Utc};
use omni_types::analytics::{
    Breakdown, BreakdownSort, Bucket, Dimension, ErrorPoint, ErrorTotal, Errors, Group, HeatCell, Heatmap, Measures,
    Point, Scope, Series,
};
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder, Row};
use uuid::Uuid;

use super::histogram;
use super::rollup::Grain;
use crate::db::usage as db;
// One read-only snapshot per answer: the sealed days and the rows read after them agree,
// and so do the queries of one answer.
use crate::db::read_snapshot as snapshot;

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

impl Filters {
    /// The dimensions these filters need a rollup row to keep.
    fn dims(&self) -> i16 {
        let mut dims = 0;
        if self.organization.is_some() {
            dims |= Grain::ORGANIZATION;
        }
        if self.server.is_some() {
            dims |= Grain::SERVER;
        }
        if self.user.is_some() {
            dims |= Grain::USER;
        }
        if self.tool.is_some() {
            dims |= Grain::SERVER | Grain::TOOL;
        }
        dims
    }
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

fn read_i64(row: &PgRow, name: &str) -> sqlx::Result<i64> {
    Ok(row.try_get::<Option<i64>, _>(name)?.unwrap_or(0))
}

/// A rollup row's sums, as read; [`Sums::measures`] turns them into the answer's form.
pub use super::rollup::Totals as Sums;

impl Sums {
    /// The sums of [`measure_columns`] (a series' empty buckets read as zeros).
    fn read(row: &PgRow) -> sqlx::Result<Sums> {
        Ok(Sums {
            latency: histogram::from_sums(row)?,
            ..Self::read_scalars(row)?
        })
    }

    /// The sums of [`scalar_columns`], without a histogram.
    fn read_scalars(row: &PgRow) -> sqlx::Result<Sums> {
        let get = |name: &str| read_i64(row, name);
        Ok(Sums {
            calls: get("calls")?,
            errors: get("errors")?,
            input_tokens: get("input_tokens")?,
            output_tokens: get("output_tokens")?,
            cached_tokens: get("cached_tokens")?,
            cost_micros: get("cost_micros")?,
            latency_ms_sum: get("latency_ms_sum")?,
            latency: [0; histogram::BUCKETS],
        })
    }

    fn subtract(&mut self, o: &Sums) {
        self.calls -= o.calls;
        self.errors -= o.errors;
        self.input_tokens -= o.input_tokens;
        self.output_tokens -= o.output_tokens;
        self.cached_tokens -= o.cached_tokens;
        self.cost_micros -= o.cost_micros;
        self.latency_ms_sum -= o.latency_ms_sum;
        for (a, b) in self.latency.iter_mut().zip(&o.latency) {
            *a -= b;
        }
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

fn push_filters(q: &mut QueryBuilder<Postgres>, f: &Filters) {
    if let Some(org) = f.organization {
        q.push(" AND organization_id = ").push_bind(org);
    }
    if let Some(server) = f.server {
        q.push(" AND mcp_server_id = ").push_bind(server);
    }
    if let Some(user) = f.user {
        q.push(" AND hub_user_id = ").push_bind(user);
    }
    if let Some(tool) = &f.tool {
        q.push(" AND tool = ").push_bind(tool.clone());
    }
}

/// A stretch of a question's range and the rollup rows that hold it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Span {
    /// A sealed ISO week (`usage_weekly`).
    Week(DateTime<Utc>),
    /// A sealed UTC day (`usage_daily`).
    Day(DateTime<Utc>),
    /// The hours of a UTC day before its second field, summed (`usage_prefix`).
    Prefix(DateTime<Utc>, DateTime<Utc>),
    /// A cut of a sealed UTC day: its hours before the second field (`usage_cuts`).
    Cut(DateTime<Utc>, DateTime<Utc>),
    /// Whole hours `[from, to)` (`usage_hourly`).
    Hours(DateTime<Utc>, DateTime<Utc>),
}

impl Span {
    /// The table of a sealed week or day, and its start.
    fn sealed(self) -> Option<(&'static str, DateTime<Utc>)> {
        match self {
            Span::Week(week) => Some(("usage_weekly", week)),
            Span::Day(day) => Some(("usage_daily", day)),
            Span::Prefix(day, _) => Some(("usage_prefix", day)),
            Span::Cut(..) | Span::Hours(..) => None,
        }
    }

    /// What reading it costs, in rows per group: a week, a day, a prefix or a cut is one
    /// row, and so is each hour.
    fn cost(self) -> i64 {
        match self {
            Span::Week(_) | Span::Day(_) | Span::Prefix(..) | Span::Cut(..) => 1,
            Span::Hours(from, to) => (to - from).num_hours(),
        }
    }
}

/// Spans added (`true`) or subtracted: rollups are sums, histograms included, so the
/// hours from midnight to 02:00 can be taken out of a sealed day instead of reading the
/// 22 others.
type Cover = Vec<(Span, bool)>;

fn cost(cover: &Cover) -> i64 {
    cover.iter().map(|(span, _)| span.cost()).sum()
}

/// The sealed weeks, clean days and clean prefixes a question may read, known in its
/// snapshot.
#[derive(Default)]
struct Sealed {
    weeks: Vec<DateTime<Utc>>,
    days: Vec<DateTime<Utc>>,
    /// A day, and the end of its prefix.
    prefixes: Vec<(DateTime<Utc>, DateTime<Utc>)>,
}

fn floor_week(t: DateTime<Utc>) -> DateTime<Utc> {
    let day = floor_day(t);
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

impl Sealed {
    fn week(&self, start: DateTime<Utc>) -> bool {
        self.weeks.binary_search(&start).is_ok()
    }

    fn day(&self, start: DateTime<Utc>) -> bool {
        self.days.binary_search(&start).is_ok()
    }

    /// The end of the clean prefix of the day starting at `start` (none unless `start`
    /// is a midnight).
    fn prefix(&self, start: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.prefixes.iter().find(|(day, _)| *day == start).map(|&(_, end)| end)
    }

    /// The end of the cut of the sealed day starting at `start` nearest to `to` (inside
    /// that day), when reading it and the hours between costs less than reading the
    /// hours `[start, to)`.
    fn cut(&self, start: DateTime<Utc>, to: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if floor_day(start) != start || to >= start + Duration::days(1) || !self.day(start) {
            return None;
        }
        let hours = (to - start).num_hours();
        db::CUTS
            .iter()
            .min_by_key(|&&cut| (cut - hours).abs())
            .filter(|&&cut| 1 + (cut - hours).abs() < hours)
            .map(|&cut| start + Duration::hours(cut))
    }

    /// `[from, to)` (whole hours) added up from the largest sealed spans fitting, hours
    /// between them.
    fn plain(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Cover {
        let mut cover = Cover::new();
        let mut t = from;
        while t < to {
            let week = t + Duration::days(7);
            let day = t + Duration::days(1);
            let (span, next) = if floor_week(t) == t && week <= to && self.week(t) {
                (Span::Week(t), week)
            } else if floor_day(t) == t && day <= to && self.day(t) {
                (Span::Day(t), day)
            } else if let Some(end) = self.prefix(t).filter(|&end| end <= to) {
                (Span::Prefix(t, end), end)
            } else if let Some(end) = self.cut(t, to) {
                cover.push((Span::Cut(t, end), true));
                if end > to {
                    // The cut reaches past `to`: the hours between taken out.
                    cover.push((Span::Hours(to, end), false));
                }
                t = end.min(to);
                continue;
            } else {
                let next = ceil_day(t + Duration::hours(1)).min(to);
                match cover.last_mut() {
                    Some((Span::Hours(_, end), true)) if *end == t => {
                        *end = next;
                        t = next;
                        continue;
                    }
                    _ => (Span::Hours(t, next), next),
                }
            };
            cover.push((span, true));
            t = next;
        }
        cover
    }

    /// The sealed week and day holding the hour starting at `t`: span, start, end.
    fn enclosing(&self, t: DateTime<Utc>) -> impl Iterator<Item = (Span, DateTime<Utc>, DateTime<Utc>)> {
        let (week, day) = (floor_week(t), floor_day(t));
        [
            self.week(week)
                .then_some((Span::Week(week), week, week + Duration::days(7))),
            self.day(day).then_some((Span::Day(day), day, day + Duration::days(1))),
        ]
        .into_iter()
        .flatten()
    }

    /// The cheapest cover of `[from, to)` found: the plain one, or one that takes a sealed
    /// week or day reaching past an edge and subtracts what lies outside the range.
    fn cover(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Cover {
        let mut best = self.cover_tail(from, to);
        // The first edge: a span starting before `from`.
        for (span, start, end) in self.enclosing(from) {
            if start < from && end <= to {
                let mut cover = vec![(span, true)];
                cover.extend(self.plain(start, from).into_iter().map(|(s, added)| (s, !added)));
                cover.extend(self.cover_tail(end, to));
                if cost(&cover) < cost(&best) {
                    best = cover;
                }
            }
        }
        best
    }

    /// [`Sealed::cover`] with only the last edge considered: a span ending after `to`.
    fn cover_tail(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Cover {
        let mut best = self.plain(from, to);
        if from >= to {
            return best;
        }
        for (span, start, end) in self.enclosing(to - Duration::hours(1)) {
            if start >= from && end > to {
                let mut cover = self.plain(from, start);
                cover.push((span, true));
                cover.extend(self.plain(to, end).into_iter().map(|(s, added)| (s, !added)));
                if cost(&cover) < cost(&best) {
                    best = cover;
                }
            }
        }
        best
    }
}

/// The rollup rows covering a question's range: sealed weeks and days from a daily grain
/// (when the question's hourly grain is a wide one), every other hour from an hourly
/// grain, some of them subtracted (`Cover`).
#[derive(Clone)]
struct Rows {
    grain: Grain,
    daily: Grain,
    cover: Cover,
    /// Only the rows of these groups (a breakdown's second pass): a column and values.
    only: Option<(&'static str, Only)>,
}

#[derive(Clone)]
enum Only {
    Ids(Vec<Uuid>),
    Texts(Vec<String>),
    /// The ids whose last byte is even (0) or odd (1): half of them, at random.
    Half(u8),
}

impl Rows {
    /// The rows of the smallest grains keeping `dims` and the question's filters.
    async fn of(conn: &mut PgConnection, question: &Question, dims: i16) -> sqlx::Result<Rows> {
        let dims = dims | question.filters.dims();
        let grain = Grain::smallest(&Grain::HOURLY, dims);
        let (from, to) = (question.from, question.to);
        let (daily, sealed) = match Grain::daily(dims) {
            Some(daily) if to - from >= Duration::hours(12) => {
                // Spans reaching a week past either edge may pay, subtracted.
                let (d0, d1) = (
                    floor_week(from),
                    floor_week(to - Duration::hours(1)) + Duration::days(7),
                );
                let sealed = Sealed {
                    weeks: db::valid_weeks(&mut *conn, d0, d1).await?,
                    days: db::clean_days(&mut *conn, d0, d1).await?,
                    prefixes: db::clean_prefixes(&mut *conn, d0, d1).await?,
                };
                (daily, sealed)
            }
            _ => (grain, Sealed::default()),
        };
        Ok(Rows {
            grain,
            daily,
            cover: sealed.cover(from, to),
            only: None,
        })
    }

    /// `(SELECT columns FROM usage_weekly … UNION ALL SELECT columns FROM usage_daily …
    /// UNION ALL SELECT columns FROM usage_hourly …) AS r`, the measures of subtracted
    /// spans negated.
    fn push(&self, q: &mut QueryBuilder<Postgres>, question: &Question, columns: &str) {
        q.push("(");
        let mut first = true;
        let mut union = |q: &mut QueryBuilder<Postgres>| {
            if !std::mem::take(&mut first) {
                q.push(" UNION ALL ");
            }
        };
        for added in [true, false] {
            let projected = if added { columns.to_owned() } else { negated(columns) };
            for (table, column) in [
                ("usage_weekly", "week"),
                ("usage_daily", "day"),
                ("usage_prefix", "day"),
            ] {
                let starts: Vec<DateTime<Utc>> = self
                    .cover
                    .iter()
                    .filter(|(_, a)| *a == added)
                    .filter_map(|(span, _)| span.sealed())
                    .filter(|(t, _)| *t == table)
                    .map(|(_, start)| start)
                    .collect();
                if starts.is_empty() {
                    continue;
                }
                union(q);
                // The grain as a literal (a constant of ours), so the partial indexes apply.
                q.push(format_args!(
                    "SELECT {projected} FROM {table} WHERE grain = {} AND {column} = ANY(",
                    self.daily.0
                ))
                .push_bind(starts)
                .push(")");
                push_filters(q, &question.filters);
                self.push_only(q);
            }
            // One SELECT per range of hours: each an index range (an OR of ranges would be
            // one scan of the grain, filtered).
            for (span, _) in self.cover.iter().filter(|(_, a)| *a == added) {
                match *span {
                    Span::Hours(from, to) => {
                        union(q);
                        q.push(format_args!(
                            "SELECT {projected} FROM usage_hourly WHERE grain = {} AND hour >= ",
                            self.grain.0
                        ))
                        .push_bind(from)
                        .push(" AND hour < ")
                        .push_bind(to);
                    }
                    Span::Cut(day, through) => {
                        union(q);
                        q.push(format_args!(
                            "SELECT {projected} FROM usage_cuts WHERE grain = {} AND day = ",
                            self.daily.0
                        ))
                        .push_bind(day)
                        .push(" AND through = ")
                        .push_bind(through);
                    }
                    Span::Week(_) | Span::Day(_) | Span::Prefix(..) => continue,
                }
                push_filters(q, &question.filters);
                self.push_only(q);
            }
        }
        if first {
            // An empty range: no rows.
            q.push(format_args!("SELECT {columns} FROM usage_hourly WHERE false"));
        }
        q.push(") AS r");
    }

    fn push_only(&self, q: &mut QueryBuilder<Postgres>) {
        match &self.only {
            Some((column, Only::Ids(ids))) => {
                q.push(format_args!(" AND {column} = ANY("))
                    .push_bind(ids.clone())
                    .push(")");
            }
            Some((column, Only::Texts(texts))) => {
                q.push(format_args!(" AND {column} = ANY("))
                    .push_bind(texts.clone())
                    .push(")");
            }
            Some((column, Only::Half(half))) => {
                q.push(format_args!(" AND get_byte(uuid_send({column}), 15) % 2 = {half}"));
            }
            None => {}
        }
    }
}

/// `columns` (names of rollup columns) with the measures negated, as a subtracted span
/// is read: `-calls AS calls`, the histogram bucket by bucket.
fn negated(columns: &str) -> String {
    columns
        .split(',')
        .map(str::trim)
        .map(|column| match column {
            "calls" | "errors" | "input_tokens" | "output_tokens" | "cached_tokens" | "cost_micros"
            | "latency_ms_sum" => format!("-{column} AS {column}"),
            "latency" => {
                let buckets: Vec<String> = (1..=histogram::BUCKETS).map(|i| format!("-latency[{i}]")).collect();
                format!("ARRAY[{}] AS latency", buckets.join(", "))
            }
            dimension => dimension.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `FROM usage_hourly WHERE grain = … AND hour in range AND filters`: the hours of the
/// smallest grain of `grains` keeping `dims` and the filters.
fn push_hours(q: &mut QueryBuilder<Postgres>, question: &Question, grains: &[Grain], dims: i16, table: &str) {
    let grain = Grain::smallest(grains, dims | question.filters.dims());
    // The grain as a literal (a constant of ours), so the partial indexes apply.
    q.push(format_args!(" FROM {table} WHERE grain = {} AND hour >= ", grain.0))
        .push_bind(question.from)
        .push(" AND hour < ")
        .push_bind(question.to);
    push_filters(q, &question.filters);
}

const MEASURE_SOURCE: &str =
    "calls, errors, input_tokens, output_tokens, cached_tokens, cost_micros, latency_ms_sum, latency";
const SCALAR_SOURCE: &str = "calls, errors, input_tokens, output_tokens, cached_tokens, cost_micros, latency_ms_sum";

/// Everything in the range, summed.
pub async fn totals(db: &PgPool, question: &Question) -> sqlx::Result<Sums> {
    let mut tx = snapshot(db).await?;
    let sums = totals_in(&mut tx, question).await?;
    tx.commit().await?;
    Ok(sums)
}

async fn totals_in(conn: &mut PgConnection, question: &Question) -> sqlx::Result<Sums> {
    let rows = Rows::of(&mut *conn, question, 0).await?;
    let mut q = QueryBuilder::new(format!("SELECT {} FROM ", measure_columns()));
    rows.push(&mut q, question, MEASURE_SOURCE);
    Sums::read(&q.build().fetch_one(&mut *conn).await?)
}

/// How many distinct values of a dimension had calls in the range.
async fn distinct(db: &PgPool, question: &Question, dims: i16, column: &str) -> sqlx::Result<i64> {
    let mut tx = snapshot(db).await?;
    let rows = Rows::of(&mut tx, question, dims).await?;
    // Grouped then counted: a hash aggregate, ten times faster here than
    // `count(DISTINCT …)`, which sorts.
    let mut q = QueryBuilder::new("SELECT count(*) FROM (SELECT 1 FROM ");
    rows.push(&mut q, question, &format!("{column}, calls"));
    // A value whose calls all lie in a subtracted span nets to none.
    q.push(format_args!(" GROUP BY {column} HAVING sum(calls) > 0) AS d"));
    let n = q.build_query_scalar().fetch_one(&mut *tx).await?;
    tx.commit().await?;
    Ok(n)
}

/// Users with a call in the range.
pub async fn active_users(db: &PgPool, question: &Question) -> sqlx::Result<i64> {
    distinct(db, question, Grain::USER, "hub_user_id").await
}

/// MCP servers with a call in the range.
pub async fn active_servers(db: &PgPool, question: &Question) -> sqlx::Result<i64> {
    distinct(db, question, Grain::SERVER, "mcp_server_id").await
}

/// One point per bucket from `from` to `to`, empty buckets included.
pub async fn series(db: &PgPool, question: &Question) -> sqlx::Result<Series> {
    let (bucket, tz) = (question.bucket.as_str(), question.tz.as_str());
    if question.bucket == Bucket::Hour {
        return hourly_series(db, question).await;
    }
    let mut q = QueryBuilder::new("WITH b AS (SELECT date_trunc(");
    q.push_bind(bucket.to_owned())
        .push(", hour AT TIME ZONE ")
        .push_bind(tz.to_owned())
        .push(format_args!(") AS local, {}", measure_columns()));
    push_hours(&mut q, question, &Grain::HOURLY, 0, "usage_hourly");
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
    points(db, question, q).await
}

/// Runs a series query (`start` and the measure columns per row) into its points.
async fn points(db: &PgPool, question: &Question, mut q: QueryBuilder<Postgres>) -> sqlx::Result<Series> {
    let points = q
        .build()
        .fetch_all(db)
        .await?
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
async fn hourly_series(db: &PgPool, question: &Question) -> sqlx::Result<Series> {
    let mut q = QueryBuilder::new(format!("WITH b AS (SELECT hour AS t, {}", measure_columns()));
    push_hours(&mut q, question, &Grain::HOURLY, 0, "usage_hourly");
    q.push(" GROUP BY 1) SELECT g.t AS start, b.* FROM generate_series(")
        .push_bind(question.from)
        .push("::timestamptz, ")
        .push_bind(question.to)
        .push(
            "::timestamptz - interval '1 microsecond', interval '1 hour') AS g (t) LEFT JOIN b USING (t) ORDER BY g.t",
        );
    points(db, question, q).await
}

/// The sums `SELECT`ed without the histogram (the first pass of a breakdown).
fn scalar_columns() -> &'static str {
    "coalesce(sum(calls), 0)::int8 AS calls, coalesce(sum(errors), 0)::int8 AS errors,
     coalesce(sum(input_tokens), 0)::int8 AS input_tokens, coalesce(sum(output_tokens), 0)::int8 AS output_tokens,
     coalesce(sum(cached_tokens), 0)::int8 AS cached_tokens, coalesce(sum(cost_micros), 0)::int8 AS cost_micros,
     coalesce(sum(latency_ms_sum), 0)::int8 AS latency_ms_sum"
}

/// Groups by one dimension, sorted, the first `limit` listed and the rest summed.
///
/// Two passes unless sorted by p95: the sums of every group, then the histograms of
/// the listed ones only (a histogram is 36 sums per row); the rest ("others") is the
/// total less the listed groups, histogram included. One snapshot for all of it.
pub async fn breakdown(
    db: &PgPool,
    question: &Question,
    by: Dimension,
    sort: BreakdownSort,
    limit: usize,
) -> sqlx::Result<Breakdown> {
    let (key, source, dims) = match by {
        Dimension::Organization => ("organization_id::text", "organization_id", Grain::ORGANIZATION),
        Dimension::Server => ("mcp_server_id::text", "mcp_server_id", Grain::SERVER),
        Dimension::Tool => (
            "mcp_server_id::text || '/' || tool",
            "mcp_server_id, tool",
            Grain::SERVER | Grain::TOOL,
        ),
        Dimension::User => ("hub_user_id::text", "hub_user_id", Grain::USER),
        Dimension::Model => ("model", "model", Grain::MODEL),
    };
    let mut tx = snapshot(db).await?;
    let rows = Rows::of(&mut tx, question, dims).await?;
    let columns = format!("{source}, {MEASURE_SOURCE}");
    let by_p95 = sort == BreakdownSort::P95;
    // Grouped by the columns themselves (uuids hash faster than their text), and
    // without the histogram unless sorted by it (an array per row costs).
    let (sums, read_columns) = if by_p95 {
        (measure_columns(), columns.clone())
    } else {
        (scalar_columns().to_owned(), format!("{source}, {SCALAR_SOURCE}"))
    };
    let first_pass = |rows: Rows| {
        let mut q = QueryBuilder::new(format!("SELECT {key} AS key, {sums} FROM "));
        rows.push(&mut q, question, &read_columns);
        // A group whose calls all lie in a subtracted span nets to none.
        q.push(format_args!(" GROUP BY {source} HAVING sum(calls) > 0"));
        q
    };
    let read = |rows: Vec<PgRow>| -> sqlx::Result<Vec<(String, Sums)>> {
        rows.iter()
            .map(|row| {
                let sums = if by_p95 {
                    Sums::read(row)?
                } else {
                    Sums::read_scalars(row)?
                };
                Ok((row.try_get::<String, _>("key")?, sums))
            })
            .collect()
    };
    let mut groups = if by_p95 && by == Dimension::User {
        // Every user's histogram, the costly part: half the users on each of two
        // connections at once, both in this snapshot (the halves share no group).
        let mut beside = crate::db::beside(db, &mut tx).await?;
        let [even, odd] = [0, 1].map(|half| Rows {
            only: Some(("hub_user_id", Only::Half(half))),
            ..rows.clone()
        });
        let (mut even, mut odd) = (first_pass(even), first_pass(odd));
        let (even, odd) = tokio::try_join!(even.build().fetch_all(&mut *tx), odd.build().fetch_all(&mut *beside))?;
        beside.commit().await?;
        let mut groups = read(even)?;
        groups.extend(read(odd)?);
        groups
    } else {
        read(first_pass(rows.clone()).build().fetch_all(&mut *tx).await?)?
    };
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
    if !by_p95 && !groups.is_empty() {
        let listed: Vec<String> = groups.iter().map(|(k, _)| k.clone()).collect();
        // Only the listed groups' rows (through the user, organization or server
        // indexes); a tool's name narrows to a superset, the key makes it exact.
        let ids = || Only::Ids(listed.iter().filter_map(|k| k.parse().ok()).collect());
        let only = match by {
            Dimension::Organization => ("organization_id", ids()),
            Dimension::Server => ("mcp_server_id", ids()),
            Dimension::User => ("hub_user_id", ids()),
            Dimension::Model => ("model", Only::Texts(listed.clone())),
            Dimension::Tool => (
                "tool",
                Only::Texts(
                    listed
                        .iter()
                        .filter_map(|k| k.split_once('/').map(|(_, tool)| tool.to_owned()))
                        .collect(),
                ),
            ),
        };
        let narrowed = Rows {
            only: Some(only),
            ..rows
        };
        let mut q = QueryBuilder::new(format!(
            "SELECT key, {} FROM (SELECT {key} AS key, latency FROM ",
            histogram::sum_columns("latency")
        ));
        narrowed.push(&mut q, question, &columns);
        q.push(") AS g WHERE key = ANY(").push_bind(listed).push(") GROUP BY 1");
        let mut histograms: HashMap<String, histogram::Histogram> = HashMap::new();
        for row in q.build().fetch_all(&mut *tx).await? {
            histograms.insert(row.try_get("key")?, histogram::from_sums(&row)?);
        }
        for (k, sums) in &mut groups {
            if let Some(h) = histograms.remove(k) {
                sums.latency = h;
            }
        }
    }
    let total = totals_in(&mut tx, question).await?;
    tx.commit().await?;
    let others = (!rest.is_empty()).then(|| {
        let mut others = total.clone();
        for (_, s) in &groups {
            others.subtract(s);
        }
        others.measures()
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
    q.push(" AS start, error_type, sum(errors)::int8 AS errors");
    push_hours(&mut q, question, &Grain::ERRORS, 0, "usage_hourly_errors");
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
    let tz = question.tz.as_str();
    let mut q = QueryBuilder::new("SELECT (extract(isodow FROM hour AT TIME ZONE ");
    q.push_bind(tz.to_owned())
        .push(") - 1)::int4 AS weekday, extract(hour FROM hour AT TIME ZONE ")
        .push_bind(tz.to_owned())
        .push(")::int4 AS h, sum(calls)::int8 AS calls");
    push_hours(&mut q, question, &Grain::HOURLY, 0, "usage_hourly");
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

    fn at(t: &str) -> DateTime<Utc> {
        t.parse().unwrap()
    }

    /// Monday 2026-11-02 to Sunday 2026-11-29 sealed as weeks and days, and the next two
    /// days too.
    fn sealed() -> Sealed {
        let monday = at("2026-11-02T00:00:00Z");
        Sealed {
            weeks: (0..4).map(|w| monday + Duration::days(7 * w)).collect(),
            days: (0..30).map(|d| monday + Duration::days(d)).collect(),
            prefixes: Vec::new(),
        }
    }

    #[test]
    fn a_range_is_read_from_weeks_days_and_hours_with_edges_subtracted() {
        let s = sealed();
        // From Monday 02:00: the week less its first two hours, whole weeks, days, hours.
        let cover = s.cover(at("2026-11-02T02:00:00Z"), at("2026-12-02T05:00:00Z"));
        assert_eq!(
            cover,
            vec![
                (Span::Week(at("2026-11-02T00:00:00Z")), true),
                (
                    Span::Hours(at("2026-11-02T00:00:00Z"), at("2026-11-02T02:00:00Z")),
                    false
                ),
                (Span::Week(at("2026-11-09T00:00:00Z")), true),
                (Span::Week(at("2026-11-16T00:00:00Z")), true),
                (Span::Week(at("2026-11-23T00:00:00Z")), true),
                (Span::Day(at("2026-11-30T00:00:00Z")), true),
                (Span::Day(at("2026-12-01T00:00:00Z")), true),
                (
                    Span::Hours(at("2026-12-02T00:00:00Z"), at("2026-12-02T05:00:00Z")),
                    true
                ),
            ]
        );
        // From Wednesday 20:00: the week less Monday, Tuesday and Wednesday's evening
        // cut and two hours (the week's first hours, subtracted), then the next week.
        let cover = s.cover(at("2026-11-04T20:00:00Z"), at("2026-11-16T00:00:00Z"));
        assert_eq!(
            cover,
            vec![
                (Span::Week(at("2026-11-02T00:00:00Z")), true),
                (Span::Day(at("2026-11-02T00:00:00Z")), false),
                (Span::Day(at("2026-11-03T00:00:00Z")), false),
                (Span::Cut(at("2026-11-04T00:00:00Z"), at("2026-11-04T18:00:00Z")), false),
                (
                    Span::Hours(at("2026-11-04T18:00:00Z"), at("2026-11-04T20:00:00Z")),
                    false
                ),
                (Span::Week(at("2026-11-09T00:00:00Z")), true),
            ]
        );
        // To Sunday 23:00 in a sealed week: that week less its last hour.
        let cover = s.cover(at("2026-11-09T00:00:00Z"), at("2026-11-15T23:00:00Z"));
        assert_eq!(
            cover,
            vec![
                (Span::Week(at("2026-11-09T00:00:00Z")), true),
                (
                    Span::Hours(at("2026-11-15T23:00:00Z"), at("2026-11-16T00:00:00Z")),
                    false
                ),
            ]
        );
        // A day less its first hour, inside a week.
        let cover = s.cover(at("2026-11-11T01:00:00Z"), at("2026-11-12T00:00:00Z"));
        assert_eq!(
            cover,
            vec![
                (Span::Day(at("2026-11-11T00:00:00Z")), true),
                (
                    Span::Hours(at("2026-11-11T00:00:00Z"), at("2026-11-11T01:00:00Z")),
                    false
                ),
            ]
        );
        // Nothing sealed: the hours, in one span.
        let none = Sealed::default();
        let (from, to) = (at("2026-11-02T02:00:00Z"), at("2026-11-20T07:00:00Z"));
        assert_eq!(none.cover(from, to), vec![(Span::Hours(from, to), true)]);
        assert!(none.cover(from, from).is_empty());
    }

    #[test]
    fn today_is_read_from_its_prefix_and_the_hours_after_it() {
        let mut s = sealed();
        s.prefixes = vec![(at("2026-12-02T00:00:00Z"), at("2026-12-02T19:00:00Z"))];
        let cover = s.cover(at("2026-11-30T00:00:00Z"), at("2026-12-02T21:00:00Z"));
        assert_eq!(
            cover,
            vec![
                (Span::Day(at("2026-11-30T00:00:00Z")), true),
                (Span::Day(at("2026-12-01T00:00:00Z")), true),
                (
                    Span::Prefix(at("2026-12-02T00:00:00Z"), at("2026-12-02T19:00:00Z")),
                    true
                ),
                (
                    Span::Hours(at("2026-12-02T19:00:00Z"), at("2026-12-02T21:00:00Z")),
                    true
                ),
            ]
        );
        // A range ending inside the prefix reads hours; one starting after midnight too.
        let cover = s.cover(at("2026-12-01T00:00:00Z"), at("2026-12-02T10:00:00Z"));
        assert_eq!(
            cover.last(),
            Some(&(
                Span::Hours(at("2026-12-02T00:00:00Z"), at("2026-12-02T10:00:00Z")),
                true
            ))
        );
        let (from, to) = (at("2026-12-02T01:00:00Z"), at("2026-12-02T21:00:00Z"));
        assert_eq!(s.cover(from, to), vec![(Span::Hours(from, to), true)]);
    }

    #[test]
    fn an_edge_inside_a_sealed_day_is_read_from_its_nearest_cut() {
        let s = sealed();
        let (day, next) = (at("2026-11-11T00:00:00Z"), at("2026-11-12T00:00:00Z"));
        let h = |d: DateTime<Utc>, hours: i64| d + Duration::hours(hours);
        // To 13:00: the noon cut and an hour.
        assert_eq!(
            s.cover(day, h(day, 13)),
            vec![
                (Span::Cut(day, h(day, 12)), true),
                (Span::Hours(h(day, 12), h(day, 13)), true)
            ]
        );
        // To 17:00: the evening cut less an hour.
        assert_eq!(
            s.cover(day, h(day, 17)),
            vec![
                (Span::Cut(day, h(day, 18)), true),
                (Span::Hours(h(day, 17), h(day, 18)), false)
            ]
        );
        // From 05:00 the day before: that day less (its morning cut less an hour).
        let from = h(day, -19);
        assert_eq!(
            s.cover(from, next),
            vec![
                (Span::Day(h(day, -24)), true),
                (Span::Cut(h(day, -24), h(day, -18)), false),
                (Span::Hours(from, h(day, -18)), true),
                (Span::Day(day), true),
            ]
        );
        // Two hours: cheaper read as they are.
        assert_eq!(s.cover(day, h(day, 2)), vec![(Span::Hours(day, h(day, 2)), true)]);
        // A day not sealed has no cuts.
        let today = at("2026-12-02T00:00:00Z");
        assert_eq!(
            s.cover(today, h(today, 13)),
            vec![(Span::Hours(today, h(today, 13)), true)]
        );
    }

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
