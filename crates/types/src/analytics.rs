//! Analytics answers (SPEC ANA-2..4, MCP-5, USER-3, ORG-2) and the dashboard (DASH-1..4).
//! Every analytics route takes the same query: a range, a bucket, a time zone and
//! filters (organization, server, user, tool).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::wire_enum;

wire_enum! {
    /// The width of one point of a series.
    Bucket {
        Hour => "hour",
        Day => "day",
        /// Weeks start on Monday.
        Week => "week",
        Month => "month",
    }
}

wire_enum! {
    /// What a breakdown groups by.
    Dimension {
        Organization => "organization",
        Server => "server",
        /// A tool of a server.
        Tool => "tool",
        User => "user",
        Model => "model",
    }
}

wire_enum! {
    /// How a breakdown is ordered (largest first).
    BreakdownSort {
        Cost => "cost",
        Calls => "calls",
        Errors => "errors",
        P95 => "p95",
    }
}

/// The range and filters an answer is for, as the server read them (ranges are whole
/// hours: `from` rounded down, `to` up).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Scope {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub bucket: Bucket,
    /// IANA time zone the buckets and the heatmap are in.
    pub tz: String,
    pub organization: Option<Uuid>,
    pub server: Option<Uuid>,
    pub user: Option<Uuid>,
    pub tool: Option<String>,
}

/// Calls and what they cost and took.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Measures {
    pub calls: i64,
    pub errors: i64,
    /// errors / calls (0 without calls).
    pub error_rate: f64,
    pub cost_usd: f64,
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub cached_tokens: i64,
    /// Latency percentiles in ms, from log-scale histograms (within a factor of √2);
    /// null without calls.
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub mean_ms: Option<f64>,
}

/// The headline numbers of a range and of the range just before it, as long.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Overview {
    pub scope: Scope,
    pub current: Measures,
    pub previous: Measures,
    /// Users with at least one call in the range.
    pub active_users: i64,
    pub previous_active_users: i64,
}

/// One bucket of a series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Point {
    /// Where the bucket starts (in `tz`, shown in UTC).
    pub start: DateTime<Utc>,
    #[serde(flatten)]
    pub measures: Measures,
}

/// Calls, cost, tokens and latency over time, one point per bucket (empty buckets
/// included).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Series {
    pub scope: Scope,
    pub points: Vec<Point>,
}

/// One group of a breakdown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Group {
    /// The id (organization, server, user), `server id/tool` for tools, or the model name
    /// (`""` for calls without one).
    pub key: String,
    /// A name for people: the organization's, server's or user's (null once deleted), the
    /// tool's name, or the model.
    pub label: Option<String>,
    /// The server of a tool (its id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    /// The name of a tool's server (null once deleted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_name: Option<String>,
    #[serde(flatten)]
    pub measures: Measures,
    /// This group's part of all the range's cost (0..1).
    pub cost_share: f64,
}

/// Calls and cost by one dimension, largest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Breakdown {
    pub scope: Scope,
    pub by: Dimension,
    pub sort: BreakdownSort,
    pub groups: Vec<Group>,
    /// What the groups beyond `limit` add up to (null when every group is listed).
    pub others: Option<Measures>,
    pub total: Measures,
}

/// Errors of one type in one bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ErrorPoint {
    pub start: DateTime<Utc>,
    pub error_type: String,
    pub errors: i64,
}

/// Errors of one type over the range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ErrorTotal {
    pub error_type: String,
    pub errors: i64,
}

/// Errors by type, over time and in all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Errors {
    pub scope: Scope,
    /// Most frequent first.
    pub by_type: Vec<ErrorTotal>,
    /// Non-empty (bucket, type) pairs, by time.
    pub points: Vec<ErrorPoint>,
}

/// Calls in one hour of one weekday.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct HeatCell {
    /// 0 = Monday … 6 = Sunday (in `tz`).
    pub weekday: u8,
    /// 0..23 (in `tz`).
    pub hour: u8,
    pub calls: i64,
}

/// When users call: weekday × hour of day, in the admin's time zone (all 168 cells).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Heatmap {
    pub scope: Scope,
    pub cells: Vec<HeatCell>,
}

/// A number with the one it is compared against (the same span just before).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Trend {
    pub value: f64,
    pub previous: f64,
}

/// The dashboard's hero cards (DASH-1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Cards {
    /// MCP servers with a call in the last 24 hours, against the 24 hours before.
    pub active_servers: Trend,
    /// Users with a call in the last 24 hours, against the 24 hours before.
    pub active_users: Trend,
    /// Calls since midnight (in `tz`), against yesterday by the same time.
    pub calls_today: Trend,
    /// Cost this month (in `tz`) so far, against last month by the same day and hour.
    pub cost_this_month_usd: Trend,
}

/// Cost of one server over the month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ServerCost {
    pub server: Uuid,
    pub name: Option<String>,
    pub cost_usd: f64,
    pub calls: i64,
}

/// One tile of the health grid (DASH-4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct HealthTile {
    pub id: Uuid,
    pub name: String,
    /// The latest check's outcome, or `disabled`.
    pub status: crate::mcp::HealthStatus,
    pub last_checked_at: Option<DateTime<Utc>>,
    pub latency_ms: Option<i32>,
}

wire_enum! {
    /// What an activity entry is about.
    ActivityKind {
        /// An admin's action (from the audit log).
        Audit => "audit",
        /// A tool call through the hub.
        Usage => "usage",
    }
}

/// One line of the activity feed (DASH-2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Activity {
    pub kind: ActivityKind,
    pub at: DateTime<Utc>,
    /// Who: the admin's email, or the hub user's email.
    pub actor: Option<String>,
    /// What: the audit action, or `server/tool`.
    pub summary: String,
    /// For usage: `ok` or the error type.
    pub outcome: Option<String>,
    /// The audit entry's or usage event's id.
    pub id: Uuid,
    /// For usage: the MCP server called.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_id: Option<Uuid>,
}

/// The console's home page (DASH-1..4) in one answer. Parts the caller may not see
/// (the health grid needs `mcp:read`, audit activity `audit:read`) are left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Dashboard {
    pub generated_at: DateTime<Utc>,
    pub tz: String,
    pub organization: Option<Uuid>,
    pub cards: Cards,
    /// Calls per hour over the last 24 hours (24 points, oldest first).
    pub calls_per_hour: Vec<Point>,
    /// This month's cost by server, largest first (top 10).
    pub cost_by_server: Vec<ServerCost>,
    pub health: Option<Vec<HealthTile>>,
    /// Latest first.
    pub activity: Vec<Activity>,
}
