//! Queries, one module per resource. Functions take an executor or a transaction so the
//! caller decides what runs atomically.

pub mod admins;
pub mod api_tokens;
pub mod audit;
pub mod audit_log;
pub mod config_snapshots;
pub mod hub_grants;
pub mod hub_users;
pub mod login_attempts;
pub mod mcp_health;
pub mod mcp_servers;
pub mod mcp_tools;
pub mod mfa;
pub mod orgs;
pub mod refresh_tokens;
pub mod roles;
pub mod usage;

use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

/// Connects lazily: the server starts (and `/readyz` says 503) while the database is down.
///
/// Without JIT: our queries are short, and compiling one costs more (a few ms) than it
/// saves.
pub fn pool(url: &str, max_connections: u32) -> Result<PgPool, sqlx::Error> {
    // A statement after connecting rather than a startup option: connection poolers
    // (PgBouncer) refuse startup options they do not know.
    let options = url.parse::<PgConnectOptions>()?;
    Ok(PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(std::time::Duration::from_secs(5))
        .after_connect(|conn, _| {
            Box::pin(async move {
                sqlx::query("SET jit = off").execute(conn).await?;
                Ok(())
            })
        })
        .connect_lazy_with(options))
}

/// A read-only REPEATABLE READ transaction: every query in it sees one state.
pub async fn read_snapshot(db: &PgPool) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Postgres>> {
    let mut tx = db.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// A second read-only transaction seeing what `tx` (a [`read_snapshot`]) sees, for a
/// query to run beside one of `tx`'s on another connection (`pg_export_snapshot`).
pub async fn beside(
    db: &PgPool,
    tx: &mut sqlx::PgConnection,
) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Postgres>> {
    let id: String = sqlx::query_scalar("SELECT pg_export_snapshot()")
        .fetch_one(&mut *tx)
        .await?;
    // PostgreSQL's own identifier (hex digits and dashes), which SET cannot take as a
    // parameter; checked all the same.
    if !id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') {
        return Err(sqlx::Error::Protocol(format!("unexpected snapshot id {id:?}")));
    }
    let mut other = db.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .execute(&mut *other)
        .await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("SET TRANSACTION SNAPSHOT '{id}'")))
        .execute(&mut *other)
        .await?;
    Ok(other)
}

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations");

/// Escapes LIKE wildcards so user input matches literally.
fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// A LIKE/ILIKE pattern matching values that contain `s`.
pub fn contains_pattern(s: &str) -> String {
    format!("%{}%", like_escape(s))
}

/// A LIKE pattern matching values that start with `s`.
pub fn prefix_pattern(s: &str) -> String {
    format!("{}%", like_escape(s))
}

/// Appends the keyset condition (rows after `after` in this order) and the ORDER BY and
/// LIMIT of a list sorted on `(key, id)`. `key` is a (SQL expression, cast) pair: the
/// cursor value binds as text and is cast to the key's type.
pub fn keyset(
    q: &mut sqlx::QueryBuilder<sqlx::Postgres>,
    (key, cast): (&str, &str),
    id: &str,
    descending: bool,
    after: Option<(String, uuid::Uuid)>,
    limit: i64,
) {
    let (cmp, order) = if descending { ("<", "DESC") } else { (">", "ASC") };
    if let Some((value, after_id)) = after {
        q.push(format_args!(" AND ({key}, {id}) {cmp} ("))
            .push_bind(value)
            .push(cast)
            .push(", ")
            .push_bind(after_id)
            .push(")");
    }
    q.push(format_args!(" ORDER BY {key} {order}, {id} {order} LIMIT "))
        .push_bind(limit);
}

/// A row with the cursor value of its sort key, as PostgreSQL computes it: the value a
/// cursor carries must compare in SQL exactly as the key does (Rust's `to_lowercase` and
/// PostgreSQL's `lower` disagree outside ASCII).
#[derive(sqlx::FromRow)]
pub struct Keyed<T> {
    pub sort_key: String,
    #[sqlx(flatten)]
    pub row: T,
}

/// `select` (a `SELECT …` of one row type) with the sort key's cursor value added as
/// `sort_key`: text as is, times as RFC 3339 with microseconds.
pub fn with_sort_key(select: &str, (key, cast): (&str, &str)) -> String {
    let value = if cast == "::timestamptz" {
        format!("to_char({key} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")
    } else {
        format!("({key})::text")
    };
    let columns = select.strip_prefix("SELECT ").unwrap_or(select);
    format!("SELECT {value} AS sort_key, {columns}")
}
