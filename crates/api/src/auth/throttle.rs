//! Attempt limits for anything that checks a secret (password, TOTP or backup code):
//! per account and per IP per minute, and a lockout after repeated failures (SPEC AUTH-3).
//! Counted in PostgreSQL under advisory locks, so the limits hold across instances.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::db::login_attempts;
use crate::error::ApiError;

/// Consecutive failures (since the last success) that lock an account for a while.
const LOCKOUT_FAILURES: i64 = 10;
const LOCKOUT: chrono::Duration = chrono::Duration::minutes(15);

/// Serialises attempts on `account` (and the IP) until the transaction ends, then says
/// whether this attempt may go ahead (`Ok(Ok(()))`) or must wait (`Ok(Err(429))`).
pub async fn check(
    tx: &mut PgConnection,
    account: &str,
    ip: Option<IpAddr>,
    per_minute: u32,
) -> sqlx::Result<Result<(), ApiError>> {
    login_attempts::lock(tx, &format!("login:account:{account}")).await?;
    if let Some(ip) = ip {
        login_attempts::lock(tx, &format!("login:ip:{ip}")).await?;
    }
    let window = login_attempts::window(tx, account, ip).await?;
    Ok(match rate_limit(&window, per_minute, Utc::now()) {
        Some(limited) => Err(limited),
        None => Ok(()),
    })
}

/// Records the outcome of an attempt that `check` let through.
pub async fn record(tx: &mut PgConnection, account: &str, ip: Option<IpAddr>, succeeded: bool) -> sqlx::Result<()> {
    login_attempts::record(tx, account, ip, succeeded).await
}

/// The 429 to answer, if this attempt is over a limit.
fn rate_limit(w: &login_attempts::Window, per_minute: u32, now: DateTime<Utc>) -> Option<ApiError> {
    let per_minute = i64::from(per_minute);
    let until_window_frees = |oldest: Option<DateTime<Utc>>| {
        oldest.map_or(60, |t| {
            (t + chrono::Duration::seconds(60) - now).num_seconds().clamp(1, 60) as u64
        })
    };
    if w.account_failures >= LOCKOUT_FAILURES
        && let Some(last) = w.account_last_failure
        && last + LOCKOUT > now
    {
        let wait = (last + LOCKOUT - now).num_seconds().max(1) as u64;
        return Some(ApiError::RateLimited {
            retry_after_seconds: wait,
            detail: format!("Too many failed sign-ins: this account is locked. Try again in {wait} seconds."),
        });
    }
    let wait = if w.account_recent >= per_minute {
        until_window_frees(w.account_oldest)
    } else if w.ip_recent >= per_minute {
        until_window_frees(w.ip_oldest)
    } else {
        return None;
    };
    Some(ApiError::RateLimited {
        retry_after_seconds: wait,
        detail: format!("Too many sign-in attempts. Try again in {wait} seconds."),
    })
}
