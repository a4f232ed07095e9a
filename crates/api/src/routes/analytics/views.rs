//! The analytics views, as JSON.

use axum::extract::{Query, State};
use omni_types::analytics::{Breakdown, Errors, Heatmap, Overview, Series};

use super::{AnalyticsParams, BreakdownParams, breakdown_choice, question};
use crate::app::AppState;
use crate::error::ApiResult;
use crate::http::json::ApiJson;
use crate::openapi::responses::ValidationFailed;
use crate::usage::query::{self, Question};

pub async fn overview_of(state: &AppState, q: &Question) -> sqlx::Result<Overview> {
    let previous = q.previous();
    let (current, before, active, previously_active) = tokio::try_join!(
        query::totals(&state.db, q),
        query::totals(&state.db, &previous),
        query::active_users(&state.db, q),
        query::active_users(&state.db, &previous),
    )?;
    Ok(Overview {
        scope: q.scope(),
        current: current.measures(),
        previous: before.measures(),
        active_users: active,
        previous_active_users: previously_active,
    })
}

/// Calls, cost, error rate, latency and active users of a range, with the same numbers
/// for the range just before it (for trends).
#[utoipa::path(
    get,
    path = "/api/v1/analytics/overview",
    tag = "analytics",
    params(AnalyticsParams),
    responses(
        (status = 200, description = "The range's headline numbers and the previous range's", body = Overview),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn overview(State(state): State<AppState>, Query(p): Query<AnalyticsParams>) -> ApiResult<ApiJson<Overview>> {
    let q = question(&state, &p).await?;
    Ok(ApiJson(overview_of(&state, &q).await?))
}

/// Calls, errors, cost, tokens and latency percentiles per bucket.
#[utoipa::path(
    get,
    path = "/api/v1/analytics/timeseries",
    tag = "analytics",
    params(AnalyticsParams),
    responses(
        (status = 200, description = "One point per bucket, empty ones included", body = Series),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn timeseries(State(state): State<AppState>, Query(p): Query<AnalyticsParams>) -> ApiResult<ApiJson<Series>> {
    let q = question(&state, &p).await?;
    Ok(ApiJson(query::series(&state.db, &q).await?))
}

/// Calls, cost and latency by organization, server, tool, user or model: cost
/// breakdowns, tool popularity (`by=tool&sort=calls`), latency per tool, top users.
#[utoipa::path(
    get,
    path = "/api/v1/analytics/breakdown",
    tag = "analytics",
    params(AnalyticsParams, BreakdownParams),
    responses(
        (status = 200, description = "Groups, largest first", body = Breakdown),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn breakdown(
    State(state): State<AppState>,
    Query(p): Query<AnalyticsParams>,
    Query(b): Query<BreakdownParams>,
) -> ApiResult<ApiJson<Breakdown>> {
    let q = question(&state, &p).await?;
    let choice = breakdown_choice(&b)?;
    Ok(ApiJson(
        query::breakdown(&state.db, &q, choice.by, choice.sort, choice.limit).await?,
    ))
}

/// Errors by type, per bucket and in all.
#[utoipa::path(
    get,
    path = "/api/v1/analytics/errors",
    tag = "analytics",
    params(AnalyticsParams),
    responses(
        (status = 200, description = "Errors by type", body = Errors),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn errors(State(state): State<AppState>, Query(p): Query<AnalyticsParams>) -> ApiResult<ApiJson<Errors>> {
    let q = question(&state, &p).await?;
    Ok(ApiJson(query::errors(&state.db, &q).await?))
}

/// Calls by weekday and hour of day, in `tz`.
#[utoipa::path(
    get,
    path = "/api/v1/analytics/heatmap",
    tag = "analytics",
    params(AnalyticsParams),
    responses(
        (status = 200, description = "168 cells, Monday 00:00 first", body = Heatmap),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn heatmap(State(state): State<AppState>, Query(p): Query<AnalyticsParams>) -> ApiResult<ApiJson<Heatmap>> {
    let q = question(&state, &p).await?;
    Ok(ApiJson(query::heatmap(&state.db, &q).await?))
}
