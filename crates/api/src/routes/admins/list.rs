use axum::extract::{Query, State};
use omni_types::Page;
use omni_types::admins::Admin;
use serde::Deserialize;
use uuid::Uuid;

use crate::app::AppState;
use crate::db::admins::{self, ListFilter};
use crate::error::{ApiError, ApiResult};
use crate::http::json::ApiJson;
use crate::http::pagination::{PageParams, page};
use crate::openapi::responses::ValidationFailed;

/// Filters of `GET /api/v1/admins`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AdminFilter {
    /// Part of the email or display name.
    pub q: Option<String>,
    /// `active` or `disabled`.
    pub status: Option<String>,
    /// Holders of this role only.
    pub role: Option<String>,
}

/// List admins by email, with their roles.
#[utoipa::path(
    get,
    path = "/api/v1/admins",
    tag = "admins",
    params(AdminFilter, PageParams),
    responses(
        (status = 200, description = "One page of admins", body = Page<Admin>),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Query(filter): Query<AdminFilter>,
    Query(params): Query<PageParams>,
) -> ApiResult<ApiJson<Page<Admin>>> {
    let disabled = match filter.status.as_deref().map(str::trim) {
        None | Some("") => None,
        Some("active") => Some(false),
        Some("disabled") => Some(true),
        Some(_) => return Err(ApiError::invalid("status", "must be `active` or `disabled`")),
    };
    let q = filter.q.map(|q| q.trim().to_owned()).filter(|q| !q.is_empty());
    if q.as_ref().is_some_and(|q| q.chars().count() > 200) {
        return Err(ApiError::invalid("q", "must be at most 200 characters"));
    }
    let role = filter.role.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty());
    let limit = params.limit()?;
    let after: Option<(String, Uuid)> = params.after()?;
    let rows = admins::list(
        &state.db,
        &ListFilter { q, disabled, role },
        after,
        i64::from(limit) + 1,
    )
    .await?;
    Ok(ApiJson(page(rows, limit, |a| (a.email.to_lowercase(), a.id))))
}
