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
use crate::validate;

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
    let q = validate::optional_text(filter.q.as_deref(), 200).map_err(|m| ApiError::invalid("q", m))?;
    let role = validate::optional_text(filter.role.as_deref(), 50).map_err(|m| ApiError::invalid("role", m))?;
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
