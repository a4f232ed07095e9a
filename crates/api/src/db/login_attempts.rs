//! Sign-in attempts per account and per IP, shared by all API instances (SPEC AUTH-3).

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

/// Serialises attempts on one key across instances until the transaction ends.
pub async fn lock(conn: &mut PgConnection, key: &str) -> sqlx::Result<()> {
    sqlx::query!("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", key)
        .fetch_one(conn)
        .await?;
    Ok(())
}

/// Attempts in the last minute, and failures since the last success (15-minute window).
pub struct Window {
    pub account_recent: i64,
    pub account_oldest: Option<DateTime<Utc>>,
    pub ip_recent: i64,
    pub ip_oldest: Option<DateTime<Utc>>,
    pub account_failures: i64,
    pub account_last_failure: Option<DateTime<Utc>>,
}

pub async fn window(conn: &mut PgConnection, account: &str, ip: Option<IpAddr>) -> sqlx::Result<Window> {
    let ip = ip.map(ipnet::IpNet::from);
    sqlx::query_as!(
        Window,
        r#"WITH recent AS (
               SELECT account, ip, succeeded, attempted_at FROM login_attempts
               WHERE (account = $1 OR ip = $2) AND attempted_at > now() - interval '15 minutes'
           ), last_success AS (
               SELECT max(attempted_at) AS at FROM recent WHERE account = $1 AND succeeded
           )
           SELECT
               count(*) FILTER (WHERE account = $1 AND attempted_at > now() - interval '1 minute') AS "account_recent!",
               min(attempted_at) FILTER (WHERE account = $1 AND attempted_at > now() - interval '1 minute') AS account_oldest,
               count(*) FILTER (WHERE ip = $2 AND attempted_at > now() - interval '1 minute') AS "ip_recent!",
               min(attempted_at) FILTER (WHERE ip = $2 AND attempted_at > now() - interval '1 minute') AS ip_oldest,
               count(*) FILTER (WHERE account = $1 AND NOT succeeded
                                  AND attempted_at > coalesce((SELECT at FROM last_success), '-infinity')) AS "account_failures!",
               max(attempted_at) FILTER (WHERE account = $1 AND NOT succeeded) AS account_last_failure
           FROM recent"#,
        account,
        ip
    )
    .fetch_one(conn)
    .await
}

pub async fn record(conn: &mut PgConnection, account: &str, ip: Option<IpAddr>, succeeded: bool) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO login_attempts (account, ip, succeeded) VALUES ($1, $2, $3)",
        account,
        ip.map(ipnet::IpNet::from),
        succeeded
    )
    .execute(&mut *conn)
    .await?;
    // Attempts older than a day no longer matter to any window.
    sqlx::query!(
        "DELETE FROM login_attempts WHERE account = $1 AND attempted_at < now() - interval '1 day'",
        account
    )
    .execute(conn)
    .await?;
    Ok(())
}
