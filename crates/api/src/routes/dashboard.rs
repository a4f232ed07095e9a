//! `GET /api/v1/dashboard`: the console's home page in one answer (SPEC DASH-1..4).

use axum::extract::{Query, State};
use chrono::{DateTime, Duration, Utc};
use omni_types::Permission;
use omni_types::analytics::{
    Activity, ActivityKind, BreakdownSort, Bucket, Cards, Dashboard, Dimension, HealthTile, ServerCost, Trend,
};
use serde::Deserialize;
use uuid::Uuid;

use crate::app::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult, FieldErrors};
use crate::http::json::ApiJson;
use crate::openapi::responses::ValidationFailed;
use crate::usage::query::{self, Filters, Question, ceil_hour, floor_hour};

/// Lines of the activity feed.
const ACTIVITY: i64 = 20;
/// Tiles of the health grid at most.
const TILES: i64 = 500;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DashboardParams {
    /// IANA time zone for "today" and "this month". Default `UTC`.
    pub tz: Option<String>,
    /// Only this organization's usage, and the servers it can see (id).
    pub organization: Option<String>,
}

/// The dashboard: hero cards with trends, calls per hour over 24 hours, this month's
/// cost by server, the MCP health grid (with `mcp:read`) and recent activity (usage;
/// admin actions too with `audit:read`, when not scoped to an organization).
#[utoipa::path(
    get,
    path = "/api/v1/dashboard",
    tag = "dashboard",
    params(DashboardParams),
    responses(
        (status = 200, description = "Everything the home page shows", body = Dashboard),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn dashboard(
    State(state): State<AppState>,
    principal: Principal,
    Query(p): Query<DashboardParams>,
) -> ApiResult<ApiJson<Dashboard>> {
    let mut errors = FieldErrors::new();
    let tz =
        p.tz.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .unwrap_or("UTC")
            .to_owned();
    if tz.len() > 64 || !query::known_time_zone(&state.db, &tz).await? {
        errors.insert(
            "tz".into(),
            vec!["must be an IANA time zone name, e.g. Europe/Paris".into()],
        );
    }
    let organization = match p.organization.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(raw) => match raw.parse::<Uuid>() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.insert("organization".into(), vec!["must be an id".into()]);
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let now = Utc::now();
    let end = ceil_hour(now);
    let ask = |from: DateTime<Utc>, to: DateTime<Utc>, bucket: Bucket| Question {
        from: floor_hour(from),
        to: ceil_hour(to),
        bucket,
        tz: tz.clone(),
        filters: Filters {
            organization,
            ..Filters::default()
        },
    };
    let starts = sqlx::query!(
        r#"SELECT date_trunc('day', now() AT TIME ZONE $1) AT TIME ZONE $1 AS "today!",
                  date_trunc('month', now() AT TIME ZONE $1) AT TIME ZONE $1 AS "month!",
                  (date_trunc('month', now() AT TIME ZONE $1) - interval '1 month') AT TIME ZONE $1 AS "last_month!""#,
        tz
    )
    .fetch_one(&state.db)
    .await?;
    let day = ask(end - Duration::hours(24), end, Bucket::Hour);
    let today = ask(starts.today, end, Bucket::Hour);
    let yesterday = ask(starts.today - Duration::days(1), end - Duration::days(1), Bucket::Hour);
    let month = ask(starts.month, end, Bucket::Day);
    // Last month by the same point, but never into this month (a 31st against February).
    let last_month_end = (starts.last_month + (end - starts.month)).min(starts.month);
    let last_month = ask(starts.last_month, last_month_end, Bucket::Day);
    let db = &state.db;
    let day_before = day.previous();
    let (users_now, users_before, servers_now, servers_before) = tokio::try_join!(
        query::active_users(db, &day),
        query::active_users(db, &day_before),
        query::active_servers(db, &day),
        query::active_servers(db, &day_before),
    )?;
    let (calls_today, calls_yesterday, cost_month, cost_last_month, per_hour, by_server) = tokio::try_join!(
        query::totals(db, &today),
        query::totals(db, &yesterday),
        query::totals(db, &month),
        query::totals(db, &last_month),
        query::series(db, &day),
        query::breakdown(db, &month, Dimension::Server, BreakdownSort::Cost, 10),
    )?;
    let trend = |value: f64, previous: f64| Trend { value, previous };
    let cards = Cards {
        active_servers: trend(servers_now as f64, servers_before as f64),
        active_users: trend(users_now as f64, users_before as f64),
        calls_today: trend(calls_today.calls as f64, calls_yesterday.calls as f64),
        cost_this_month_usd: trend(cost_month.measures().cost_usd, cost_last_month.measures().cost_usd),
    };
    let cost_by_server = by_server
        .groups
        .into_iter()
        .filter_map(|g| {
            Some(ServerCost {
                server: g.key.parse().ok()?,
                name: g.label,
                cost_usd: g.measures.cost_usd,
                calls: g.measures.calls,
            })
        })
        .collect();
    let health = if principal.can(Permission::McpRead) {
        Some(health_tiles(&state, organization).await?)
    } else {
        None
    };
    let with_audit = principal.can(Permission::AuditRead) && organization.is_none();
    Ok(ApiJson(Dashboard {
        generated_at: now,
        tz,
        organization,
        cards,
        calls_per_hour: per_hour.points,
        cost_by_server,
        health,
        activity: activity(&state, organization, with_audit).await?,
    }))
}

async fn health_tiles(state: &AppState, organization: Option<Uuid>) -> sqlx::Result<Vec<HealthTile>> {
    let rows = sqlx::query!(
        r#"SELECT id, name, CASE WHEN enabled THEN health_status ELSE 'disabled' END AS "status!",
                  last_checked_at, last_latency_ms
           FROM mcp_servers
           WHERE $1::uuid IS NULL OR organization_id IS NULL OR organization_id = $1
           ORDER BY name LIMIT $2"#,
        organization,
        TILES
    )
    .fetch_all(&state.db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| HealthTile {
            id: r.id,
            name: r.name,
            // The column's CHECK allows only these (and `disabled` comes from `enabled`).
            status: r.status.parse().unwrap_or(omni_types::mcp::HealthStatus::Unknown),
            last_checked_at: r.last_checked_at,
            latency_ms: r.last_latency_ms,
        })
        .collect())
}

/// The latest usage events and (optionally) admin actions, merged, latest first.
async fn activity(state: &AppState, organization: Option<Uuid>, with_audit: bool) -> sqlx::Result<Vec<Activity>> {
    // The latest events, read backwards along the time index (events of the same
    // instant in any order: a tie-breaker would read every event of a busy instant);
    // from the hour before the latest hour with calls (a rollup's B-tree) on, so an
    // organization with few or no recent events is not looked for through every event
    // of the others.
    let latest = sqlx::query_scalar!(
        "SELECT max(hour) FROM usage_hourly
         WHERE grain = 1 AND hour <= now() AND ($1::uuid IS NULL OR organization_id = $1)",
        organization
    )
    .fetch_one(&state.db)
    .await?;
    let mut items = Vec::new();
    if let Some(latest) = latest {
        let rows = sqlx::query!(
            r#"SELECT e.id, e.occurred_at, u.email AS "email?", s.name AS "server?", e.mcp_server_id, e.tool, e.error_type
               FROM usage_events e
               LEFT JOIN hub_users u ON u.id = e.hub_user_id
               LEFT JOIN mcp_servers s ON s.id = e.mcp_server_id
               WHERE e.occurred_at >= $1 AND ($2::uuid IS NULL OR e.organization_id = $2)
               ORDER BY e.occurred_at DESC LIMIT $3"#,
            latest - Duration::hours(1),
            organization,
            ACTIVITY
        )
        .fetch_all(&state.db)
        .await?;
        items.extend(rows.into_iter().map(|r| Activity {
            kind: ActivityKind::Usage,
            at: r.occurred_at,
            actor: r.email,
            summary: format!("{}/{}", r.server.unwrap_or_else(|| r.mcp_server_id.to_string()), r.tool),
            outcome: Some(r.error_type.unwrap_or_else(|| "ok".into())),
            id: r.id,
            server_id: Some(r.mcp_server_id),
        }));
    }
    if with_audit {
        let rows = sqlx::query!(
            "SELECT id, occurred_at, actor_label, action FROM admin_audit_log ORDER BY occurred_at DESC, id DESC LIMIT $1",
            ACTIVITY
        )
        .fetch_all(&state.db)
        .await?;
        items.extend(rows.into_iter().map(|r| Activity {
            kind: ActivityKind::Audit,
            at: r.occurred_at,
            actor: Some(r.actor_label),
            summary: r.action,
            outcome: None,
            id: r.id,
            server_id: None,
        }));
    }
    items.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| b.id.cmp(&a.id)));
    items.truncate(ACTIVITY as usize);
    Ok(items)
}
