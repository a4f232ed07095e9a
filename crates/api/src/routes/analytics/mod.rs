//! `/api/v1/analytics`: usage, cost, latency and errors from the rollups (SPEC ANA-2..4;
//! per server MCP-5, per user USER-3, per organization ORG-2 are the same views
//! filtered). Every view takes the same range, bucket, time zone and filters, and has a
//! CSV export with the same numbers.

pub mod export;
pub mod views;

use chrono::{DateTime, Duration, Utc};
use omni_types::analytics::{BreakdownSort, Bucket, Dimension};
use serde::Deserialize;
use uuid::Uuid;

use crate::app::AppState;
use crate::error::{ApiError, FieldErrors};
use crate::usage::query::{self, Filters, Question};

/// The longest range a question may cover.
const MAX_DAYS: i64 = 400;
/// The most points a series may have.
const MAX_POINTS: i64 = 2000;

/// Range, bucket, time zone and filters of every analytics view.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AnalyticsParams {
    /// Start (RFC 3339; rounded down to the hour). Default: 7 days before `to`.
    pub from: Option<String>,
    /// End, exclusive (RFC 3339; rounded up to the hour). Default: now. At most 400
    /// days after `from`.
    pub to: Option<String>,
    /// `hour`, `day`, `week` or `month`. Default: by the range (hours up to 2 days,
    /// days up to 90, then weeks). At most 2,000 buckets.
    pub bucket: Option<String>,
    /// IANA time zone of the buckets and the heatmap, e.g. `Europe/Paris`. Default `UTC`.
    pub tz: Option<String>,
    /// Only this organization (id).
    pub organization: Option<String>,
    /// Only this MCP server (id).
    pub server: Option<String>,
    /// Only this hub user (id).
    pub user: Option<String>,
    /// Only this tool (name; with `server` for one server's tool).
    pub tool: Option<String>,
}

/// What a breakdown groups by and how it is ordered.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BreakdownParams {
    /// `organization`, `server`, `tool`, `user` or `model` (required).
    pub by: Option<String>,
    /// `cost` (default), `calls`, `errors` or `p95`: largest first.
    pub sort: Option<String>,
    /// Groups listed, 1 to 200 (default 10); the rest are summed in `others`.
    pub limit: Option<String>,
}

pub struct BreakdownChoice {
    pub by: Dimension,
    pub sort: BreakdownSort,
    pub limit: usize,
}

fn bucket_length(b: Bucket) -> Duration {
    match b {
        Bucket::Hour => Duration::hours(1),
        Bucket::Day => Duration::days(1),
        Bucket::Week => Duration::weeks(1),
        Bucket::Month => Duration::days(28),
    }
}

/// Reads and checks the parameters, every problem at once.
pub async fn question(state: &AppState, p: &AnalyticsParams) -> Result<Question, ApiError> {
    let mut errors = FieldErrors::new();
    let mut err = |field: &str, message: String| errors.entry(field.into()).or_default().push(message);
    let time = |raw: &Option<String>, field: &str, err: &mut dyn FnMut(&str, String)| -> Option<DateTime<Utc>> {
        let raw = raw.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
        match DateTime::parse_from_rfc3339(raw) {
            Ok(t) if t.timestamp() >= 946_684_800 && t.timestamp() < 4_102_444_800 => Some(t.with_timezone(&Utc)),
            Ok(_) => {
                err(field, "must be between 2000 and 2100".into());
                None
            }
            Err(_) => {
                err(field, "must be an RFC 3339 time, e.g. 2026-12-01T00:00:00Z".into());
                None
            }
        }
    };
    let to = time(&p.to, "to", &mut err).map_or_else(|| query::ceil_hour(Utc::now()), query::ceil_hour);
    let from = time(&p.from, "from", &mut err).map_or(to - Duration::days(7), query::floor_hour);
    if from >= to {
        err("from", "must be before `to`".into());
    } else if to - from > Duration::days(MAX_DAYS) {
        err("to", format!("must be at most {MAX_DAYS} days after `from`"));
    }
    let span = to - from;
    let bucket = match crate::validate::optional_choice::<Bucket>(p.bucket.as_deref()) {
        Ok(Some(b)) => b,
        Ok(None) if span <= Duration::days(2) => Bucket::Hour,
        Ok(None) if span <= Duration::days(90) => Bucket::Day,
        Ok(None) => Bucket::Week,
        Err(m) => {
            err("bucket", m);
            Bucket::Day
        }
    };
    if span.num_seconds() / bucket_length(bucket).num_seconds() > MAX_POINTS {
        err(
            "bucket",
            format!("gives more than {MAX_POINTS} points for this range: choose a wider one"),
        );
    }
    let tz =
        p.tz.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .unwrap_or("UTC")
            .to_owned();
    if tz.len() > 64 || !query::known_time_zone(&state.db, &tz).await? {
        err("tz", "must be an IANA time zone name, e.g. Europe/Paris".into());
    }
    let id = |raw: &Option<String>, field: &str, err: &mut dyn FnMut(&str, String)| -> Option<Uuid> {
        let raw = raw.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
        raw.parse().map_err(|_| err(field, "must be an id".into())).ok()
    };
    let organization = id(&p.organization, "organization", &mut err);
    let server = id(&p.server, "server", &mut err);
    let user = id(&p.user, "user", &mut err);
    let tool = p
        .tool
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    if tool
        .as_ref()
        .is_some_and(|t| t.chars().count() > 128 || t.chars().any(char::is_control))
    {
        err(
            "tool",
            "must be at most 128 characters, without control characters".into(),
        );
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    Ok(Question {
        from,
        to,
        bucket,
        tz,
        filters: Filters {
            organization,
            server,
            user,
            tool,
        },
    })
}

pub fn breakdown_choice(p: &BreakdownParams) -> Result<BreakdownChoice, ApiError> {
    let mut errors = FieldErrors::new();
    let by = match crate::validate::optional_choice::<Dimension>(p.by.as_deref()) {
        Ok(Some(by)) => Some(by),
        Ok(None) => {
            errors.insert("by".into(), vec!["is required".into()]);
            None
        }
        Err(m) => {
            errors.insert("by".into(), vec![m]);
            None
        }
    };
    let sort = crate::validate::optional_choice::<BreakdownSort>(p.sort.as_deref())
        .map_err(|m| errors.insert("sort".into(), vec![m]))
        .ok()
        .flatten()
        .unwrap_or(BreakdownSort::Cost);
    let limit = match p.limit.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => 10,
        Some(raw) => match raw.parse::<usize>() {
            Ok(n @ 1..=200) => n,
            _ => {
                errors.insert("limit".into(), vec!["must be between 1 and 200".into()]);
                10
            }
        },
    };
    match by {
        Some(by) if errors.is_empty() => Ok(BreakdownChoice { by, sort, limit }),
        _ => Err(ApiError::Validation(errors)),
    }
}
